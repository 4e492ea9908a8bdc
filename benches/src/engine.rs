//! The engines a run compares, and where each one's program lives.
//!
//! Invariants: an engine is either native x86_64 (measured in wall time) or AArch64 under
//! `qemu-aarch64` with the counting plugin (measured in guest instructions); every engine
//! whose program is missing carries the reason, so the harness skips it with a notice rather
//! than failing. Engine ids are stable: they key the JSON output.

use std::path::{Path, PathBuf};

use crate::run::Invocation;

/// Where an engine runs and what is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// Natively on the host: wall time.
    Native,
    /// AArch64 user-mode emulation: guest instruction counts.
    Aarch64,
}

/// One engine configuration.
#[derive(Clone, Debug)]
pub struct Engine {
    /// Stable id (`crescent-joff`, `luajit-a64`, ...).
    pub id: &'static str,
    /// Column heading (`crescent -joff`).
    pub label: &'static str,
    /// Native or AArch64.
    pub platform: Platform,
    /// True for crescent's own configurations.
    pub is_crescent: bool,
    /// The engine binary (for AArch64: the guest binary).
    pub program: PathBuf,
    /// Arguments before the script (`-joff`).
    pub args: Vec<String>,
    /// Guest library path for AArch64 engines that need one.
    pub guest_lib_path: Option<PathBuf>,
    /// Why the engine cannot run, if it cannot.
    pub missing: Option<String>,
}

/// Paths the harness works with.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Workspace root.
    pub root: PathBuf,
    /// Cargo target directory.
    pub target: PathBuf,
}

impl Layout {
    /// The layout for the workspace at `root` (target from `CARGO_TARGET_DIR` if set).
    pub fn new(root: PathBuf) -> Layout {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        Layout { root, target }
    }
    /// `benches/lua`.
    pub fn bench_dir(&self) -> PathBuf {
        self.root.join("benches").join("lua")
    }
    /// The native crescent CLI.
    pub fn crescent_native(&self) -> PathBuf {
        self.target.join("release").join("crescent")
    }
    /// The AArch64 crescent CLI.
    pub fn crescent_a64(&self) -> PathBuf {
        self.target
            .join("aarch64-unknown-linux-gnu")
            .join("release")
            .join("crescent")
    }
    /// Where `--setup` extracts Debian's arm64 LuaJIT.
    pub fn luajit_a64_dir(&self) -> PathBuf {
        self.target.join("luajit-arm64")
    }
    /// The counting plugin, built from `benches/tools/insncount.c`.
    pub fn plugin(&self) -> PathBuf {
        self.target.join("insncount.so")
    }
    /// The plugin's source (our copy of the shared tool).
    pub fn plugin_source(&self) -> PathBuf {
        self.root.join("benches").join("tools").join("insncount.c")
    }
    /// Output directory for JSON, SVG and markdown.
    pub fn results_dir(&self) -> PathBuf {
        self.target.join("bench-results")
    }
}

/// The AArch64 sysroot qemu-aarch64 resolves the dynamic loader and libc from.
pub const AARCH64_SYSROOT: &str = "/usr/aarch64-linux-gnu";

/// `name` on `PATH`, if there.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn found(path: Option<PathBuf>, name: &str, hint: &str) -> (PathBuf, Option<String>) {
    match path {
        Some(p) if is_executable(&p) => (p, None),
        Some(p) => {
            let why = format!("{} not found ({hint})", p.display());
            (p, Some(why))
        }
        None => (
            PathBuf::from(name),
            Some(format!("{name} not on PATH ({hint})")),
        ),
    }
}

/// Every engine, in column order, with availability resolved.
pub fn engines(layout: &Layout) -> Vec<Engine> {
    let mut out = Vec::new();
    let mut add = |id,
                   label,
                   platform,
                   is_crescent,
                   (program, missing): (PathBuf, Option<String>),
                   args: &[&str],
                   lib: Option<PathBuf>| {
        out.push(Engine {
            id,
            label,
            platform,
            is_crescent,
            program,
            args: args.iter().map(|s| s.to_string()).collect(),
            guest_lib_path: lib,
            missing,
        })
    };
    use Platform::*;
    let build_native = "cargo build --release -p crescent-host-std --bin crescent";
    let crescent = || found(Some(layout.crescent_native()), "crescent", build_native);
    add(
        "crescent-joff",
        "crescent -joff",
        Native,
        true,
        crescent(),
        &["-joff"],
        None,
    );
    add(
        "lua5.1",
        "lua5.1",
        Native,
        false,
        found(which("lua5.1"), "lua5.1", "apt-get install lua5.1"),
        &[],
        None,
    );
    add(
        "lua5.4",
        "lua5.4",
        Native,
        false,
        found(which("lua5.4"), "lua5.4", "apt-get install lua5.4"),
        &[],
        None,
    );
    let luajit = || found(which("luajit"), "luajit", "apt-get install luajit");
    add(
        "luajit-joff",
        "luajit -joff",
        Native,
        false,
        luajit(),
        &["-joff"],
        None,
    );
    add("luajit", "luajit", Native, false, luajit(), &[], None);

    let build_a64 = "cargo build --release --target aarch64-unknown-linux-gnu -p crescent-host-std --bin crescent";
    let crescent_a64 = || found(Some(layout.crescent_a64()), "crescent", build_a64);
    add(
        "crescent-a64-joff",
        "crescent -joff",
        Aarch64,
        true,
        crescent_a64(),
        &["-joff"],
        None,
    );
    // `-jon` is the default; passing it keeps the command line as long as `-joff`'s. The
    // heap's layout follows the bytes of `arg`, and malloc's instruction counts follow the
    // layout: binary_trees counted 0.3% apart under `-joff` alone between two script paths.
    add(
        "crescent-a64",
        "crescent",
        Aarch64,
        true,
        crescent_a64(),
        &["-jon"],
        None,
    );
    let lj_dir = layout.luajit_a64_dir();
    let lj_lib = lj_dir.join("usr").join("lib").join("aarch64-linux-gnu");
    let luajit_a64 = || {
        found(
            Some(lj_dir.join("usr").join("bin").join("luajit")),
            "luajit",
            "run crescent-bench --setup",
        )
    };
    add(
        "luajit-a64-joff",
        "luajit -joff",
        Aarch64,
        false,
        luajit_a64(),
        &["-joff"],
        Some(lj_lib.clone()),
    );
    add(
        "luajit-a64",
        "luajit",
        Aarch64,
        false,
        luajit_a64(),
        &[],
        Some(lj_lib),
    );

    // AArch64 engines also need qemu, the sysroot and the plugin.
    let qemu = which("qemu-aarch64");
    for e in out
        .iter_mut()
        .filter(|e| e.platform == Aarch64 && e.missing.is_none())
    {
        if qemu.is_none() {
            e.missing = Some("qemu-aarch64 not on PATH (apt-get install qemu-user)".into());
        } else if !Path::new(AARCH64_SYSROOT).join("lib").is_dir() {
            e.missing = Some(format!(
                "{AARCH64_SYSROOT} missing (apt-get install gcc-aarch64-linux-gnu)"
            ));
        } else if !layout.plugin().is_file() {
            e.missing = Some(format!(
                "{} missing (run crescent-bench --setup)",
                layout.plugin().display()
            ));
        }
    }
    out
}

impl Engine {
    /// The command that runs `script` with `size` on this engine. AArch64 engines run under
    /// `qemu-aarch64` with the counting plugin writing to `count_file`.
    pub fn invocation(
        &self,
        layout: &Layout,
        script: &Path,
        size: u64,
        count_file: &Path,
    ) -> Invocation {
        let mut args = self.args.clone();
        args.push(script.display().to_string());
        args.push(size.to_string());
        match self.platform {
            Platform::Native => Invocation {
                program: self.program.clone(),
                args,
                env: Vec::new(),
                cwd: layout.root.clone(),
                count_file: None,
            },
            Platform::Aarch64 => {
                let mut q = vec!["-L".to_string(), AARCH64_SYSROOT.to_string()];
                if let Some(lib) = &self.guest_lib_path {
                    q.push("-E".into());
                    q.push(format!("LD_LIBRARY_PATH={}", lib.display()));
                }
                q.push("-plugin".into());
                q.push(layout.plugin().display().to_string());
                q.push(self.program.display().to_string());
                q.extend(args);
                Invocation {
                    program: which("qemu-aarch64").unwrap_or_else(|| "qemu-aarch64".into()),
                    args: q,
                    env: Vec::new(),
                    cwd: layout.root.clone(),
                    count_file: Some(count_file.to_path_buf()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_layout(root: &str) -> Layout {
        Layout {
            root: PathBuf::from(root),
            target: Path::new(root).join("target"),
        }
    }

    #[test]
    fn ids_are_unique_and_columns_complete() {
        let layout = test_layout("/nonexistent-root");
        let all = engines(&layout);
        let mut ids: Vec<_> = all.iter().map(|e| e.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
        let native = all
            .iter()
            .filter(|e| e.platform == Platform::Native)
            .count();
        let a64 = all
            .iter()
            .filter(|e| e.platform == Platform::Aarch64)
            .count();
        assert_eq!((native, a64), (5, 4));
    }

    #[test]
    fn a_missing_crescent_is_reported_not_fatal() {
        let layout = test_layout("/nonexistent-root");
        let all = engines(&layout);
        let c = all.iter().find(|e| e.id == "crescent-joff").unwrap();
        assert!(c
            .missing
            .as_deref()
            .unwrap()
            .contains("cargo build --release"));
    }

    #[test]
    fn aarch64_invocation_wraps_qemu_with_the_plugin() {
        let layout = test_layout("/r");
        let all = engines(&layout);
        let lj = all.iter().find(|e| e.id == "luajit-a64-joff").unwrap();
        let inv = lj.invocation(
            &layout,
            Path::new("benches/lua/fib.lua"),
            24,
            Path::new("/tmp/c"),
        );
        let a = inv.args.join(" ");
        assert!(
            a.starts_with("-L /usr/aarch64-linux-gnu -E LD_LIBRARY_PATH="),
            "{a}"
        );
        assert!(a.contains("-plugin /r/target/insncount.so"), "{a}");
        assert!(
            a.ends_with("luajit-arm64/usr/bin/luajit -joff benches/lua/fib.lua 24"),
            "{a}"
        );
        assert_eq!(inv.count_file.as_deref(), Some(Path::new("/tmp/c")));
    }
}
