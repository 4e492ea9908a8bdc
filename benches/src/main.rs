//! `crescent-bench`: runs `benches/lua/*.lua` under crescent, PUC Lua and LuaJIT in one go
//! and reports wall time (native x86_64), guest instruction counts (AArch64 under
//! qemu-aarch64 with a counting TCG plugin), peak RSS, ratios to LuaJIT with geometric means,
//! and whether every engine printed the same output.
//!
//! Invariants: an engine that is not installed or not built is skipped with a notice, never a
//! failure; an engine whose output differs from the reference is flagged and excluded from
//! ratios; `--check` exits non-zero on any failure or mismatch, and is skipped (exit 0, with a
//! notice) when no crescent binary is built, so it can sit in a test suite before the CLI does.
//!
//! Usage: see `--help` and `benches/README.md`.

mod engine;
mod json;
mod report;
mod run;
mod setup;
mod stats;
mod suite;
mod svg;

use std::path::{Path, PathBuf};
use std::time::Duration;

use engine::{Engine, Layout, Platform};
use report::{BenchResult, Cell, Report};

const USAGE: &str = "\
crescent-bench: crescent vs LuaJIT and PUC Lua, side by side

USAGE: crescent-bench [OPTIONS]

  --quick            small sizes (seconds for the whole suite)
  --check            correctness only: one run per engine, exit 1 if any engine fails or
                     disagrees; skipped with a notice when crescent is selected but not built
  --runs N           native runs per cell (default 5; 3 with --quick; 1 with --check)
  --a64-runs N       most runs per AArch64 cell when counts vary between runs (default 5)
  --only WHAT        native | aarch64
  --bench A,B        only these benchmarks
  --size N           size argument for every selected benchmark (overrides full/quick)
  --engines A,B      only these engine ids (crescent-joff lua5.1 lua5.4 luajit-joff luajit
                     crescent-a64-joff crescent-a64 luajit-a64-joff luajit-a64)
  --timeout SECS     per run (default 600; 120 with --quick)
  --out DIR          where results.{md,json} and the SVG charts go (default target/bench-results)
  --root DIR         workspace root (default: the one this binary was built from)
  --setup            build the instruction-count plugin and fetch Debian's arm64 LuaJIT
                     (dpkg --add-architecture arm64; apt-get download; dpkg -x), then exit
  --build            cargo build --release the crescent CLI (native and aarch64) first
  -h, --help         this text
";

/// Parsed command line.
#[derive(Clone, Debug, Default)]
struct Options {
    quick: bool,
    check: bool,
    runs: Option<usize>,
    a64_runs: usize,
    only: Option<Platform>,
    benches: Option<Vec<String>>,
    size: Option<u64>,
    engines: Option<Vec<String>>,
    timeout: Option<u64>,
    out: Option<PathBuf>,
    root: Option<PathBuf>,
    setup: bool,
    build: bool,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        a64_runs: 5,
        ..Options::default()
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let number = |name: &str, v: String| -> Result<u64, String> {
            v.parse::<u64>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("{name}: expected a positive number, got {v:?}"))
        };
        match a.as_str() {
            "--quick" => o.quick = true,
            "--check" => o.check = true,
            "--setup" => o.setup = true,
            "--build" => o.build = true,
            "--runs" => o.runs = Some(number("--runs", value("--runs")?)? as usize),
            "--a64-runs" => o.a64_runs = number("--a64-runs", value("--a64-runs")?)? as usize,
            "--timeout" => o.timeout = Some(number("--timeout", value("--timeout")?)?),
            "--only" => {
                o.only = Some(match value("--only")?.as_str() {
                    "native" => Platform::Native,
                    "aarch64" | "a64" => Platform::Aarch64,
                    other => {
                        return Err(format!("--only: expected native or aarch64, got {other}"))
                    }
                })
            }
            "--bench" => o.benches = Some(split_list(&value("--bench")?)),
            "--size" => o.size = Some(number("--size", value("--size")?)?),
            "--engines" => o.engines = Some(split_list(&value("--engines")?)),
            "--out" => o.out = Some(PathBuf::from(value("--out")?)),
            "--root" => o.root = Some(PathBuf::from(value("--root")?)),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    Ok(o)
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match parse_args(&args) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            print!("{USAGE}");
            return;
        }
        Err(e) => {
            eprintln!("crescent-bench: {e}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    match run_all(&opts, &args) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("crescent-bench: {e}");
            std::process::exit(2);
        }
    }
}

fn default_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs what `opts` asks for; returns the exit code.
fn run_all(opts: &Options, args: &[String]) -> Result<i32, String> {
    let layout = Layout::new(opts.root.clone().unwrap_or_else(default_root));
    if opts.setup {
        setup::ensure_plugin(&layout)?;
        setup::fetch_luajit_arm64(&layout)?;
        eprintln!("setup: done");
        return Ok(0);
    }
    if opts.build {
        setup::build_crescent(&layout)?;
    }
    if let Err(e) = setup::ensure_plugin(&layout) {
        eprintln!("notice: AArch64 engines need the counting plugin: {e}");
    }

    let mut engines = engine::engines(&layout);
    for e in &engines {
        if let Some(why) = &e.missing {
            eprintln!(
                "notice: skipping {} ({}): {why}",
                e.label,
                report::platform_name(e.platform)
            );
        }
    }
    engines.retain(|e| {
        opts.only.is_none_or(|p| p == e.platform)
            && opts
                .engines
                .as_ref()
                .is_none_or(|ids| ids.iter().any(|i| i == e.id))
    });
    // The check is about crescent: when crescent configurations are selected but none is
    // built, skip. (Selecting only reference engines checks the programs themselves.)
    let crescent_selected = engines.iter().any(|e| e.is_crescent);
    if opts.check
        && crescent_selected
        && !engines.iter().any(|e| e.is_crescent && e.missing.is_none())
    {
        eprintln!(
            "notice: crescent is not built ({}): skipping the benchmark check",
            layout.crescent_native().display()
        );
        return Ok(0);
    }
    let mut suite = suite::discover(&layout.bench_dir())?;
    if let Some(names) = &opts.benches {
        for n in names {
            if !suite.iter().any(|b| &b.name == n) {
                return Err(format!("no benchmark named {n}"));
            }
        }
        suite.retain(|b| names.contains(&b.name));
    }

    let runs = opts.runs.unwrap_or(if opts.check {
        1
    } else if opts.quick {
        3
    } else {
        5
    });
    let a64_runs = if opts.check { 1 } else { opts.a64_runs };
    let timeout = Duration::from_secs(opts.timeout.unwrap_or(if opts.quick { 120 } else { 600 }));
    let count_file =
        std::env::temp_dir().join(format!("crescent-bench-{}.count", std::process::id()));

    let mut results = Vec::new();
    for (i, b) in suite.iter().enumerate() {
        let size = opts.size.unwrap_or_else(|| b.size(opts.quick));
        eprintln!("[{}/{}] {} {size}", i + 1, suite.len(), b.name);
        let mut res = BenchResult {
            name: b.name.clone(),
            size,
            ..BenchResult::default()
        };
        let mut outputs: Vec<(&'static str, Vec<u8>)> = Vec::new();
        for e in engines.iter().filter(|e| e.missing.is_none()) {
            let inv = e.invocation(&layout, &b.path, size, &count_file);
            let (cell, output) = measure(e, &inv, runs, a64_runs, timeout);
            eprintln!(
                "    {:<22} {}",
                format!("{} ({})", e.label, short_platform(e.platform)),
                describe(&cell, e.platform)
            );
            // A failed run is reported as such; its partial output is not compared.
            if let (Some(out), None) = (output, &cell.failure) {
                outputs.push((e.id, out));
            }
            res.cells.insert(e.id, cell);
        }
        compare_outputs(&mut res, &outputs);
        for (id, diff) in &res.mismatches {
            eprintln!("    MISMATCH {id}: {diff}");
        }
        results.push(res);
    }
    let _ = std::fs::remove_file(&count_file);

    let report = Report {
        quick: opts.quick,
        runs,
        a64_runs,
        engines,
        benches: results,
        command: format!(
            "cargo run --release -p crescent-bench -- {}",
            args.join(" ")
        )
        .trim_end()
        .to_string(),
        timestamp: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    };
    let md = if opts.check {
        report.check_summary()
    } else {
        report.markdown()
    };
    println!("{md}");
    if !opts.check {
        write_outputs(
            &report,
            &md,
            opts.out.clone().unwrap_or_else(|| layout.results_dir()),
        )?;
    }
    Ok(if opts.check && report.has_errors() {
        1
    } else {
        0
    })
}

fn short_platform(p: Platform) -> &'static str {
    match p {
        Platform::Native => "x86_64",
        Platform::Aarch64 => "a64",
    }
}

/// Runs one engine `runs` times (AArch64: until two counts agree, at most `a64_runs`).
/// Returns the cell and the first successful run's output.
fn measure(
    e: &Engine,
    inv: &run::Invocation,
    runs: usize,
    a64_runs: usize,
    timeout: Duration,
) -> (Cell, Option<Vec<u8>>) {
    let mut cell = Cell::default();
    let mut output = None;
    let max = match e.platform {
        Platform::Native => runs,
        Platform::Aarch64 => a64_runs,
    };
    for _ in 0..max {
        let m = run::run(inv, timeout);
        cell.rss_kib = cell.rss_kib.max(m.rss_kib);
        if let Some(f) = m.failure {
            cell.failure = Some(f);
            // Keep the output: a crash after correct output still shows what it printed.
            output.get_or_insert(m.stdout);
            break;
        }
        cell.wall.push(m.wall);
        if let Some(n) = m.insns {
            cell.insns.push(n);
        }
        output.get_or_insert(m.stdout);
        // Deterministic counts (two equal runs) need no more runs.
        if e.platform == Platform::Aarch64
            && cell.insns.len() == 2
            && cell.insns[0] == cell.insns[1]
        {
            break;
        }
    }
    (cell, output)
}

fn describe(c: &Cell, platform: Platform) -> String {
    if let Some(f) = &c.failure {
        return format!("FAIL: {}", f.lines().next().unwrap_or(""));
    }
    match platform {
        Platform::Native => format!(
            "{:>8.0} ms median, {:>8.0} ms min, {:>7.1} MiB",
            c.wall_median().unwrap_or(0.0) * 1e3,
            c.wall_min().unwrap_or(0.0) * 1e3,
            c.rss_kib as f64 / 1024.0
        ),
        Platform::Aarch64 => format!(
            "{:>10.1} M insns median over {} run(s)",
            c.insns_median().unwrap_or(0.0) / 1e6,
            c.insns.len()
        ),
    }
}

/// Compares every engine's output with the reference: LuaJIT if it ran (native, then
/// AArch64, JIT on before JIT off), else another non-crescent engine, else the first output.
/// Marks each cell and records mismatches.
fn compare_outputs(res: &mut BenchResult, outputs: &[(&'static str, Vec<u8>)]) {
    let preference = [
        "luajit",
        "luajit-a64",
        "luajit-joff",
        "luajit-a64-joff",
        "lua5.1",
        "lua5.4",
    ];
    let reference = preference
        .iter()
        .find_map(|want| outputs.iter().find(|(id, _)| id == want))
        .or_else(|| outputs.first());
    let Some((ref_id, ref_out)) = reference else {
        return;
    };
    res.reference = Some(ref_id);
    res.checksum = String::from_utf8_lossy(ref_out)
        .lines()
        .next()
        .map(String::from);
    for (id, out) in outputs {
        let diff = report::first_difference(ref_out, out);
        if let Some(c) = res.cells.get_mut(id) {
            c.output_ok = Some(diff.is_none());
        }
        if let Some(d) = diff {
            res.mismatches.push((id, d));
        }
    }
}

fn write_outputs(report: &Report, md: &str, dir: PathBuf) -> Result<(), String> {
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))?;
        eprintln!("wrote {}", p.display());
        Ok::<(), String>(())
    };
    write("results.md", md)?;
    write("results.json", &report.json().pretty())?;
    for (platform, file, title) in [
        (
            Platform::Native,
            "native.svg",
            "x86_64 wall time, ratio to luajit (log scale, lower is faster)",
        ),
        (
            Platform::Aarch64,
            "aarch64.svg",
            "AArch64 guest instructions, ratio to luajit (log scale, lower is better)",
        ),
    ] {
        let cols = report.columns(platform);
        if cols.is_empty() {
            continue;
        }
        let mut groups: Vec<String> = report.benches.iter().map(|b| b.name.clone()).collect();
        groups.push("geomean".into());
        let series: Vec<svg::Series> = cols
            .iter()
            .map(|e| {
                let mut values: Vec<Option<f64>> = report
                    .benches
                    .iter()
                    .map(|b| report.ratio(b, e.id, platform))
                    .collect();
                values.push(report.geomean_ratio(e.id, platform));
                svg::Series {
                    label: e.label.to_string(),
                    values,
                }
            })
            .collect();
        write(file, &svg::bar_chart(title, &groups, &series))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_options() {
        let o = parse_args(&args(
            "--quick --check --runs 2 --only aarch64 --bench fib,sieve --size 7",
        ))
        .unwrap();
        assert_eq!(o.size, Some(7));
        assert!(o.quick && o.check);
        assert_eq!(o.runs, Some(2));
        assert_eq!(o.only, Some(Platform::Aarch64));
        assert_eq!(
            o.benches,
            Some(vec!["fib".to_string(), "sieve".to_string()])
        );
        assert_eq!(o.a64_runs, 5);
    }

    #[test]
    fn rejects_bad_options() {
        assert!(parse_args(&args("--runs 0")).is_err());
        assert!(parse_args(&args("--runs")).is_err());
        assert!(parse_args(&args("--only mips")).is_err());
        assert!(parse_args(&args("--frobnicate")).is_err());
        assert_eq!(parse_args(&args("--help")).unwrap_err(), "");
    }

    #[test]
    fn without_native_luajit_the_aarch64_luajit_is_the_reference() {
        let mut res = BenchResult::default();
        for id in ["crescent-a64", "luajit-a64"] {
            res.cells.insert(id, Cell::default());
        }
        let outs = vec![
            ("crescent-a64", b"1\n".to_vec()),
            ("luajit-a64", b"2\n".to_vec()),
        ];
        compare_outputs(&mut res, &outs);
        assert_eq!(res.reference, Some("luajit-a64"));
        assert_eq!(res.mismatches.len(), 1);
        assert_eq!(res.mismatches[0].0, "crescent-a64");
    }

    #[test]
    fn outputs_are_compared_against_luajit_first() {
        let mut res = BenchResult::default();
        for id in ["lua5.1", "luajit", "crescent-joff"] {
            res.cells.insert(id, Cell::default());
        }
        let outs = vec![
            ("crescent-joff", b"42\n".to_vec()),
            ("lua5.1", b"41\n".to_vec()),
            ("luajit", b"41\n".to_vec()),
        ];
        compare_outputs(&mut res, &outs);
        assert_eq!(res.reference, Some("luajit"));
        assert_eq!(res.checksum.as_deref(), Some("41"));
        assert_eq!(res.cells["crescent-joff"].output_ok, Some(false));
        assert_eq!(res.cells["lua5.1"].output_ok, Some(true));
        assert_eq!(res.mismatches.len(), 1);
        assert_eq!(res.mismatches[0].0, "crescent-joff");
    }
}
