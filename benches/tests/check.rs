//! The quick correctness run of the benchmark suite, as a test.
//!
//! `crescent-bench --quick --check` runs every benchmark once at its quick size on every
//! available engine and fails if any engine fails or prints something else than the others.
//! It skips itself (with a notice, exit 0) while the crescent CLI is not built; build it with
//! `cargo build --release -p crescent-host-std --bin crescent` (and the aarch64 target for
//! the AArch64 engines) to make this test meaningful for crescent.

use std::process::Command;

fn bench() -> Command {
    Command::new(env!("CARGO_BIN_EXE_crescent-bench"))
}

fn run(args: &[&str]) -> (bool, String) {
    let out = bench().args(args).output().expect("run crescent-bench");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Every engine agrees on every benchmark at the quick size, crescent's native and AArch64
/// builds included when they are built (the harness uses `target/release/crescent` and
/// `target/aarch64-unknown-linux-gnu/release/crescent` as they are: rebuild them first).
#[test]
fn quick_check_all_engines_agree() {
    let (ok, text) = run(&["--quick", "--check"]);
    eprintln!("{text}");
    assert!(ok, "crescent-bench --quick --check failed:\n{text}");
}

/// The programs themselves are deterministic: the reference engines that are installed print
/// the same checksums. This needs no crescent build, so it always checks something.
#[test]
fn reference_engines_agree_on_quick_sizes() {
    let (ok, text) = run(&[
        "--quick",
        "--check",
        "--only",
        "native",
        "--engines",
        "lua5.1,lua5.4,luajit-joff,luajit",
    ]);
    assert!(ok, "reference engines disagree:\n{text}");
    if text.contains("every engine printed the same output") {
        assert!(text.contains("[15/15]"), "every benchmark ran:\n{text}");
    }
}

#[test]
fn bad_options_exit_with_usage() {
    let out = bench()
        .arg("--no-such-option")
        .output()
        .expect("run crescent-bench");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("USAGE"));
}
