//! The benchmark programs: `benches/lua/*.lua`, each with a size header.
//!
//! Invariants: every program's first line is `-- bench: full=N quick=M`; the program reads
//! its size from `arg[1]` (defaulting to the full size) and prints a checksum that does not
//! depend on the engine, so outputs of all engines can be compared byte for byte.

use std::path::{Path, PathBuf};

/// One benchmark program and its two sizes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bench {
    /// File stem: `fib`, `nbody`, ...
    pub name: String,
    /// The `.lua` file.
    pub path: PathBuf,
    /// Size argument for a full run (a few seconds under `luajit -joff`).
    pub full: u64,
    /// Size argument for `--quick` (correctness runs; a fraction of a second).
    pub quick: u64,
}

impl Bench {
    /// The size for this run.
    pub fn size(&self, quick: bool) -> u64 {
        if quick {
            self.quick
        } else {
            self.full
        }
    }
}

/// Parses the `-- bench: full=N quick=M` header line.
pub fn parse_header(line: &str) -> Option<(u64, u64)> {
    let rest = line.trim().strip_prefix("-- bench:")?;
    let (mut full, mut quick) = (None, None);
    for field in rest.split_whitespace() {
        let (k, v) = field.split_once('=')?;
        let v: u64 = v.parse().ok()?;
        match k {
            "full" => full = Some(v),
            "quick" => quick = Some(v),
            _ => return None,
        }
    }
    Some((full?, quick?))
}

/// Every benchmark under `dir`, sorted by name. A file without a valid header is an error.
pub fn discover(dir: &Path) -> Result<Vec<Bench>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension() != Some(std::ffi::OsStr::new("lua")) {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        let first = text.lines().next().unwrap_or("");
        let (full, quick) = parse_header(first).ok_or_else(|| {
            format!(
                "{}: first line must be `-- bench: full=N quick=M`",
                path.display()
            )
        })?;
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        out.push(Bench {
            name,
            path,
            full,
            quick,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_parses_both_sizes_in_any_order() {
        assert_eq!(parse_header("-- bench: full=35 quick=24"), Some((35, 24)));
        assert_eq!(parse_header("-- bench: quick=1 full=2"), Some((2, 1)));
    }

    #[test]
    fn header_rejects_missing_or_bad_fields() {
        assert_eq!(parse_header("-- bench: full=35"), None);
        assert_eq!(parse_header("-- bench: full=x quick=1"), None);
        assert_eq!(parse_header("-- bench: full=1 quick=1 extra=2"), None);
        assert_eq!(parse_header("local N = 1"), None);
    }

    #[test]
    fn the_suite_has_every_program_issue_6_names() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lua");
        let suite = discover(&dir).expect("benches/lua parses");
        let names: Vec<_> = suite.iter().map(|b| b.name.as_str()).collect();
        for want in [
            "fib",
            "ackermann",
            "mandelbrot",
            "sieve",
            "spectral_norm",
            "nbody",
            "matmul",
            "binary_trees",
            "fannkuch",
            "fasta",
            "oo_dispatch",
            "closures",
            "strings",
            "table_ops",
            "coroutines",
        ] {
            assert!(names.contains(&want), "missing benchmark {want}");
        }
        for b in &suite {
            assert!(b.quick < b.full, "{}: quick size must be smaller", b.name);
        }
    }
}
