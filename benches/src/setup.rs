//! One-time preparation: the instruction-counting plugin, Debian's arm64 LuaJIT, and
//! (on request) release builds of the crescent CLI for both targets.
//!
//! Invariants: everything is put under the Cargo target directory, nothing is installed
//! system-wide except what `dpkg --add-architecture arm64` and `apt-get update` change; each
//! step says what it runs, and a failed step is an error with the command's output.

use std::path::Path;
use std::process::Command;

use crate::engine::Layout;

fn run_step(what: &str, cmd: &mut Command) -> Result<(), String> {
    eprintln!("setup: {what}: {cmd:?}");
    let out = cmd
        .output()
        .map_err(|e| format!("{what}: cannot run: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Builds `target/insncount.so` from `benches/tools/insncount.c` if it is missing or older
/// than its source. Cheap and local, so the harness calls it on every run.
pub fn ensure_plugin(layout: &Layout) -> Result<(), String> {
    let (src, so) = (layout.plugin_source(), layout.plugin());
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if let (Some(s), Some(o)) = (modified(&src), modified(&so)) {
        if o >= s {
            return Ok(());
        }
    }
    std::fs::create_dir_all(&layout.target).map_err(|e| e.to_string())?;
    run_step(
        "build the instruction-count plugin",
        Command::new("gcc")
            .args(["-shared", "-fPIC", "-O2", "-o"])
            .arg(&so)
            .arg(&src),
    )
}

/// Downloads Debian's arm64 LuaJIT (binary and library) and extracts it into
/// `target/luajit-arm64`, through multiarch: `dpkg --add-architecture arm64`,
/// `apt-get update`, `apt-get download`, `dpkg -x`.
pub fn fetch_luajit_arm64(layout: &Layout) -> Result<(), String> {
    let dest = layout.luajit_a64_dir();
    if dest.join("usr/bin/luajit").is_file() {
        eprintln!("setup: {} already present", dest.display());
        return Ok(());
    }
    let foreign = Command::new("dpkg")
        .arg("--print-foreign-architectures")
        .output()
        .map_err(|e| format!("dpkg: {e}"))?;
    if !String::from_utf8_lossy(&foreign.stdout)
        .lines()
        .any(|l| l.trim() == "arm64")
    {
        run_step(
            "enable arm64 packages",
            Command::new("dpkg").args(["--add-architecture", "arm64"]),
        )?;
        run_step(
            "refresh package lists",
            Command::new("apt-get").args(["update", "-qq"]),
        )?;
    }
    let debs = layout.target.join("luajit-arm64-debs");
    std::fs::create_dir_all(&debs).map_err(|e| e.to_string())?;
    let pkgs = ["luajit:arm64", "libluajit-5.1-2:arm64"];
    let download = |debs: &Path| {
        run_step(
            "download arm64 LuaJIT",
            Command::new("apt-get")
                .arg("download")
                .args(pkgs)
                .current_dir(debs),
        )
    };
    if download(&debs).is_err() {
        // Stale package lists are the usual cause: refresh once and retry.
        run_step(
            "refresh package lists",
            Command::new("apt-get").args(["update", "-qq"]),
        )?;
        download(&debs)?;
    }
    let entries = std::fs::read_dir(&debs).map_err(|e| e.to_string())?;
    for entry in entries {
        let p = entry.map_err(|e| e.to_string())?.path();
        if p.extension().is_some_and(|x| x == "deb") {
            run_step("extract", Command::new("dpkg").arg("-x").arg(&p).arg(&dest))?;
        }
    }
    if dest.join("usr/bin/luajit").is_file() {
        Ok(())
    } else {
        Err(format!(
            "{} has no usr/bin/luajit after extraction",
            dest.display()
        ))
    }
}

/// Release builds of the crescent CLI, native and AArch64.
pub fn build_crescent(layout: &Layout) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run_step(
        "build crescent (native)",
        Command::new(&cargo)
            .args([
                "build",
                "--release",
                "-p",
                "crescent-host-std",
                "--bin",
                "crescent",
            ])
            .current_dir(&layout.root),
    )?;
    run_step(
        "build crescent (aarch64)",
        Command::new(&cargo)
            .args([
                "build",
                "--release",
                "--target",
                "aarch64-unknown-linux-gnu",
            ])
            .args(["-p", "crescent-host-std", "--bin", "crescent"])
            .current_dir(&layout.root),
    )
}
