//! Results of a run and their presentations: markdown tables, JSON.
//!
//! Invariants: a cell with no successful run shows why (`—` skipped, `FAIL`, `✗` for output
//! that differs from the reference engine's); ratios and geometric means only use cells whose
//! output matched, so a wrong answer never looks like a fast one.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::engine::{Engine, Platform};
use crate::json::Json;
use crate::stats;

/// The engine whose results the others are divided by, per platform.
pub const REFERENCE_NATIVE: &str = "luajit";
/// The AArch64 reference.
pub const REFERENCE_A64: &str = "luajit-a64";

/// All runs of one engine on one benchmark.
#[derive(Clone, Debug, Default)]
pub struct Cell {
    /// Wall time of each successful run, seconds.
    pub wall: Vec<f64>,
    /// Guest instruction count of each successful run.
    pub insns: Vec<u64>,
    /// Peak RSS over the runs, KiB.
    pub rss_kib: u64,
    /// Whether the output equals the reference output (`None`: no reference to compare).
    pub output_ok: Option<bool>,
    /// The first failure, if any run failed.
    pub failure: Option<String>,
}

impl Cell {
    /// True if every run succeeded and the output was not found wrong.
    pub fn usable(&self) -> bool {
        self.failure.is_none() && self.output_ok != Some(false)
    }
    /// Median wall time, seconds.
    pub fn wall_median(&self) -> Option<f64> {
        stats::median(&self.wall)
    }
    /// Minimum wall time, seconds.
    pub fn wall_min(&self) -> Option<f64> {
        stats::min(&self.wall)
    }
    /// Median instruction count.
    pub fn insns_median(&self) -> Option<f64> {
        let v: Vec<f64> = self.insns.iter().map(|&n| n as f64).collect();
        stats::median(&v)
    }
    /// The figure ratios are computed from: median wall time or median instructions.
    pub fn figure(&self, platform: Platform) -> Option<f64> {
        if !self.usable() {
            return None;
        }
        match platform {
            Platform::Native => self.wall_median(),
            Platform::Aarch64 => self.insns_median(),
        }
    }
}

/// One benchmark's results over all engines.
#[derive(Clone, Debug, Default)]
pub struct BenchResult {
    /// Benchmark name.
    pub name: String,
    /// Size argument used.
    pub size: u64,
    /// Engine id -> results.
    pub cells: BTreeMap<&'static str, Cell>,
    /// Engine whose output the others were compared with.
    pub reference: Option<&'static str>,
    /// The reference output's first line (the checksum, for the report).
    pub checksum: Option<String>,
    /// Engines whose output differs: (engine id, first differing line: expected vs got).
    pub mismatches: Vec<(&'static str, String)>,
}

/// A whole run.
#[derive(Clone, Debug)]
pub struct Report {
    /// `--quick` sizes.
    pub quick: bool,
    /// Native runs per engine and benchmark.
    pub runs: usize,
    /// Most AArch64 runs per cell (fewer when two counts agree).
    pub a64_runs: usize,
    /// The engines, in column order.
    pub engines: Vec<Engine>,
    /// Per-benchmark results.
    pub benches: Vec<BenchResult>,
    /// The command line that reproduces this run.
    pub command: String,
    /// UTC timestamp (seconds since the epoch).
    pub timestamp: u64,
}

impl Report {
    /// Engines of `platform` that ran (not skipped), in column order.
    pub fn columns(&self, platform: Platform) -> Vec<&Engine> {
        self.engines
            .iter()
            .filter(|e| e.platform == platform && e.missing.is_none())
            .collect()
    }

    /// `figure(engine) / figure(reference)` for one benchmark.
    pub fn ratio(&self, b: &BenchResult, id: &str, platform: Platform) -> Option<f64> {
        let reference = match platform {
            Platform::Native => REFERENCE_NATIVE,
            Platform::Aarch64 => REFERENCE_A64,
        };
        let r = b.cells.get(reference)?.figure(platform)?;
        let x = b.cells.get(id)?.figure(platform)?;
        (r > 0.0).then(|| x / r)
    }

    /// Geometric mean of an engine's ratios over the benchmarks where it has one.
    pub fn geomean_ratio(&self, id: &str, platform: Platform) -> Option<f64> {
        let rs: Vec<f64> = self
            .benches
            .iter()
            .filter_map(|b| self.ratio(b, id, platform))
            .collect();
        stats::geomean(&rs)
    }

    /// True if any engine failed or disagreed with the reference.
    pub fn has_errors(&self) -> bool {
        self.benches
            .iter()
            .any(|b| !b.mismatches.is_empty() || b.cells.values().any(|c| c.failure.is_some()))
    }

    /// The markdown report: one table of figures, one of ratios and one of peak RSS per
    /// platform, then the output check.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Command: `{}` ({} sizes; {} run(s) per native cell, up to {} per AArch64 cell)\n",
            self.command,
            if self.quick { "quick" } else { "full" },
            self.runs,
            self.a64_runs,
        );
        for platform in [Platform::Native, Platform::Aarch64] {
            let cols = self.columns(platform);
            if cols.is_empty() {
                continue;
            }
            let (title, reference) = match platform {
                Platform::Native => (
                    "Native x86_64: wall time in ms, median (min)",
                    REFERENCE_NATIVE,
                ),
                Platform::Aarch64 => (
                    "AArch64 under qemu-aarch64: guest instructions in millions (median)",
                    REFERENCE_A64,
                ),
            };
            let _ = writeln!(s, "### {title}\n");
            self.table(&mut s, &cols, |b, e| {
                let cell = b.cells.get(e.id)?;
                let mark = cell_mark(cell);
                let v = match platform {
                    Platform::Native => format!(
                        "{:.0} ({:.0})",
                        cell.wall_median()? * 1e3,
                        cell.wall_min()? * 1e3
                    ),
                    Platform::Aarch64 => format!("{:.1}", cell.insns_median()? / 1e6),
                };
                Some(format!("{v}{mark}"))
            });
            let ref_label = self
                .engines
                .iter()
                .find(|e| e.id == reference)
                .map_or(reference, |e| e.label);
            let _ = writeln!(s, "\nRatio to {ref_label} (lower is faster):\n");
            self.table(&mut s, &cols, |b, e| {
                self.ratio(b, e.id, platform).map(|r| format!("{r:.2}"))
            });
            let _ = write!(s, "| **geomean** |");
            for e in &cols {
                match self.geomean_ratio(e.id, platform) {
                    Some(g) => {
                        let _ = write!(s, " **{g:.2}** |");
                    }
                    None => s.push_str(" — |"),
                }
            }
            s.push('\n');
            if platform == Platform::Native {
                let _ = writeln!(s, "\nPeak RSS in MiB:\n");
                self.table(&mut s, &cols, |b, e| {
                    let c = b.cells.get(e.id)?;
                    (c.usable() && c.rss_kib > 0)
                        .then(|| format!("{:.1}", c.rss_kib as f64 / 1024.0))
                });
            }
            s.push('\n');
        }
        let skipped: Vec<_> = self
            .engines
            .iter()
            .filter(|e| e.missing.is_some())
            .collect();
        if !skipped.is_empty() {
            let _ = writeln!(s, "Skipped engines:\n");
            for e in skipped {
                let _ = writeln!(
                    s,
                    "- {} ({}): {}",
                    e.label,
                    platform_name(e.platform),
                    e.missing.as_deref().unwrap_or("")
                );
            }
            s.push('\n');
        }
        s.push_str(&self.check_summary());
        s
    }

    fn table(
        &self,
        s: &mut String,
        cols: &[&Engine],
        cell: impl Fn(&BenchResult, &Engine) -> Option<String>,
    ) {
        let _ = write!(s, "| benchmark |");
        for e in cols {
            let _ = write!(s, " {} |", e.label);
        }
        let _ = write!(s, "\n|---|");
        for _ in cols {
            s.push_str("---:|");
        }
        s.push('\n');
        for b in &self.benches {
            let _ = write!(s, "| {} ({}) |", b.name, b.size);
            for e in cols {
                let text = cell(b, e).unwrap_or_else(|| match b.cells.get(e.id) {
                    Some(c) if c.failure.is_some() => "FAIL".to_string(),
                    Some(c) if c.output_ok == Some(false) => "✗".to_string(),
                    _ => "—".to_string(),
                });
                let _ = write!(s, " {text} |");
            }
            s.push('\n');
        }
    }

    /// Failures and output mismatches, or a line saying every engine agreed.
    pub fn check_summary(&self) -> String {
        let mut s = String::new();
        let mut problems = 0;
        for b in &self.benches {
            for (id, c) in &b.cells {
                if let Some(f) = &c.failure {
                    problems += 1;
                    let _ = writeln!(s, "- FAIL {} on {id}: {f}", b.name);
                }
            }
            for (id, diff) in &b.mismatches {
                problems += 1;
                let reference = b.reference.unwrap_or("?");
                let _ = writeln!(
                    s,
                    "- MISMATCH {} on {id} (reference {reference}): {diff}",
                    b.name
                );
            }
        }
        if problems == 0 {
            "Output check: every engine printed the same output on every benchmark.\n".into()
        } else {
            format!("Output check: {problems} problem(s):\n\n{s}")
        }
    }

    /// Everything measured, as JSON.
    pub fn json(&self) -> Json {
        let engines = self
            .engines
            .iter()
            .map(|e| {
                Json::obj([
                    ("id", Json::from(e.id)),
                    ("label", Json::from(e.label)),
                    ("platform", Json::from(platform_name(e.platform))),
                    ("program", Json::from(e.program.display().to_string())),
                    ("skipped", Json::opt(e.missing.clone())),
                ])
            })
            .collect();
        let benches = self
            .benches
            .iter()
            .map(|b| {
                let cells = b
                    .cells
                    .iter()
                    .map(|(id, c)| {
                        let platform = self
                            .engines
                            .iter()
                            .find(|e| e.id == *id)
                            .map_or(Platform::Native, |e| e.platform);
                        (
                            id.to_string(),
                            Json::obj([
                                (
                                    "wall_s",
                                    Json::Arr(c.wall.iter().map(|&w| w.into()).collect()),
                                ),
                                ("wall_median_s", Json::opt(c.wall_median())),
                                ("wall_min_s", Json::opt(c.wall_min())),
                                (
                                    "insns",
                                    Json::Arr(c.insns.iter().map(|&n| n.into()).collect()),
                                ),
                                ("insns_median", Json::opt(c.insns_median())),
                                ("peak_rss_kib", Json::from(c.rss_kib)),
                                ("output_ok", Json::opt(c.output_ok)),
                                ("failure", Json::opt(c.failure.clone())),
                                ("ratio_to_luajit", Json::opt(self.ratio(b, id, platform))),
                            ]),
                        )
                    })
                    .collect();
                Json::obj([
                    ("name", Json::from(b.name.as_str())),
                    ("size", Json::from(b.size)),
                    ("checksum", Json::opt(b.checksum.clone())),
                    ("reference", Json::opt(b.reference)),
                    (
                        "mismatches",
                        Json::Arr(
                            b.mismatches
                                .iter()
                                .map(|(id, d)| {
                                    Json::obj([
                                        ("engine", Json::from(*id)),
                                        ("diff", Json::from(d.as_str())),
                                    ])
                                })
                                .collect(),
                        ),
                    ),
                    ("results", Json::Obj(cells)),
                ])
            })
            .collect();
        let geomeans = self
            .engines
            .iter()
            .map(|e| {
                (
                    e.id.to_string(),
                    Json::opt(self.geomean_ratio(e.id, e.platform)),
                )
            })
            .collect();
        Json::obj([
            ("command", Json::from(self.command.as_str())),
            ("timestamp", Json::from(self.timestamp)),
            ("quick", Json::from(self.quick)),
            ("runs", Json::from(self.runs as u64)),
            ("engines", Json::Arr(engines)),
            ("benchmarks", Json::Arr(benches)),
            ("geomean_ratio_to_luajit", Json::Obj(geomeans)),
        ])
    }
}

fn cell_mark(c: &Cell) -> &'static str {
    if c.failure.is_some() {
        " FAIL"
    } else if c.output_ok == Some(false) {
        " ✗"
    } else {
        ""
    }
}

/// `native` / `aarch64`.
pub fn platform_name(p: Platform) -> &'static str {
    match p {
        Platform::Native => "native",
        Platform::Aarch64 => "aarch64",
    }
}

/// Compares `got` with `expected` and describes the first differing line, if any.
pub fn first_difference(expected: &[u8], got: &[u8]) -> Option<String> {
    if expected == got {
        return None;
    }
    let e = String::from_utf8_lossy(expected);
    let g = String::from_utf8_lossy(got);
    let mut el = e.lines();
    let mut gl = g.lines();
    let mut n = 1;
    loop {
        match (el.next(), gl.next()) {
            (Some(a), Some(b)) if a == b => n += 1,
            (a, b) => {
                return Some(format!(
                    "line {n}: expected {:?}, got {:?}",
                    a.unwrap_or("<end of output>"),
                    b.unwrap_or("<end of output>")
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn engine(id: &'static str, platform: Platform) -> Engine {
        Engine {
            id,
            label: id,
            platform,
            is_crescent: id.starts_with("crescent"),
            program: PathBuf::from(id),
            args: vec![],
            guest_lib_path: None,
            missing: None,
        }
    }

    fn cell(wall: &[f64], ok: bool) -> Cell {
        Cell {
            wall: wall.to_vec(),
            rss_kib: 2048,
            output_ok: Some(ok),
            ..Cell::default()
        }
    }

    fn report() -> Report {
        let mut b1 = BenchResult {
            name: "fib".into(),
            size: 10,
            ..Default::default()
        };
        b1.cells.insert("luajit", cell(&[1.0, 3.0, 2.0], true));
        b1.cells.insert("lua5.1", cell(&[4.0], true));
        let mut b2 = BenchResult {
            name: "sieve".into(),
            size: 5,
            ..Default::default()
        };
        b2.cells.insert("luajit", cell(&[1.0], true));
        b2.cells.insert("lua5.1", cell(&[16.0], true));
        let mut b3 = BenchResult {
            name: "wrong".into(),
            size: 1,
            ..Default::default()
        };
        b3.cells.insert("luajit", cell(&[1.0], true));
        b3.cells.insert("lua5.1", cell(&[0.001], false));
        b3.mismatches
            .push(("lua5.1", "line 1: expected \"a\", got \"b\"".into()));
        Report {
            quick: true,
            runs: 3,
            a64_runs: 5,
            engines: vec![
                engine("lua5.1", Platform::Native),
                engine("luajit", Platform::Native),
            ],
            benches: vec![b1, b2, b3],
            command: "crescent-bench --quick".into(),
            timestamp: 0,
        }
    }

    #[test]
    fn ratios_use_medians_and_skip_wrong_output() {
        let r = report();
        assert_eq!(
            r.ratio(&r.benches[0], "lua5.1", Platform::Native),
            Some(2.0)
        );
        assert_eq!(
            r.ratio(&r.benches[1], "lua5.1", Platform::Native),
            Some(16.0)
        );
        assert_eq!(r.ratio(&r.benches[2], "lua5.1", Platform::Native), None);
        let g = r.geomean_ratio("lua5.1", Platform::Native).unwrap();
        assert!((g - (2.0f64 * 16.0).sqrt()).abs() < 1e-9);
        assert!(r.has_errors());
    }

    #[test]
    fn markdown_has_tables_geomean_and_flags() {
        let md = report().markdown();
        assert!(md.contains("| benchmark | lua5.1 | luajit |"), "{md}");
        assert!(
            md.contains("| fib (10) | 4000 (4000) | 2000 (1000) |"),
            "{md}"
        );
        assert!(md.contains("| **geomean** | **5.66** | **1.00** |"), "{md}");
        assert!(md.contains("| wrong (1) | 1 (1) ✗ |"), "{md}");
        assert!(md.contains("MISMATCH wrong on lua5.1"), "{md}");
        assert!(md.contains("Peak RSS in MiB"), "{md}");
    }

    #[test]
    fn json_carries_every_run() {
        let j = report().json().pretty();
        assert!(j.contains("\"wall_s\": [\n"), "{j}");
        assert!(j.contains("\"ratio_to_luajit\": 2"), "{j}");
        assert!(j.contains("\"mismatches\": [\n"), "{j}");
    }

    #[test]
    fn first_difference_names_the_line() {
        assert_eq!(first_difference(b"a\nb\n", b"a\nb\n"), None);
        assert_eq!(
            first_difference(b"a\nb\n", b"a\nc\n").unwrap(),
            "line 2: expected \"b\", got \"c\""
        );
        assert_eq!(
            first_difference(b"a\n", b"a\nextra\n").unwrap(),
            "line 2: expected \"<end of output>\", got \"extra\""
        );
    }
}
