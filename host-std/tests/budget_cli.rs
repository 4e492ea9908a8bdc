//! The CLI's execution budget flags: `--step-budget=N` stops runaway programs with a
//! non-zero exit and the error on stderr, `--budget-hard` makes the stop uncatchable
//! (for the step budget and `--memory-limit`), and `--help` documents both.

use crescent_host_std::process::target_command;
use std::os::unix::process::CommandExt;
use std::process::Output;

fn crescent(args: &[&str]) -> Output {
    let mut cmd = target_command(env!("CARGO_BIN_EXE_crescent"));
    cmd.arg0("crescent").env("QEMU_ARGV0", "crescent");
    for var in ["LUA_INIT", "LUA_PATH", "LUA_CPATH"] {
        cmd.env_remove(var);
    }
    cmd.args(args).output().expect("run crescent")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn step_budget_stops_an_infinite_loop() {
    let r = crescent(&["--step-budget=100k", "-e", "while true do end"]);
    assert_eq!(r.status.code(), Some(1));
    let err = text(&r.stderr);
    assert!(
        err.starts_with("crescent: instruction budget exhausted\nstack traceback:\n"),
        "{err}"
    );
    // A program within its budget runs normally.
    let r = crescent(&[
        "--step-budget=1m",
        "-e",
        "local s = 0 for i = 1, 1000 do s = s + i end print(s)",
    ]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r.stderr));
    assert_eq!(text(&r.stdout), "500500\n");
}

#[test]
fn soft_budget_is_catchable_and_hard_budget_is_not() {
    let swallow = "for i = 1, 2 do print(pcall(function() while true do end end)) end print('end')";
    let r = crescent(&["--step-budget=100k", "-e", swallow]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r.stderr));
    assert_eq!(
        text(&r.stdout),
        "false\tinstruction budget exhausted\n".repeat(2) + "end\n"
    );
    let forever = "while true do pcall(function() while true do end end) end";
    let r = crescent(&["--step-budget=100k", "--budget-hard", "-e", forever]);
    assert_eq!(r.status.code(), Some(1));
    assert!(text(&r.stderr).starts_with("crescent: instruction budget exhausted\n"));
}

#[test]
fn hard_memory_limit_is_not_swallowed() {
    let bomb =
        "while true do pcall(function() local t = {} while true do t[#t + 1] = {} end end) end";
    let r = crescent(&["--memory-limit=4m", "--budget-hard", "-e", bomb]);
    assert_eq!(r.status.code(), Some(1));
    assert_eq!(text(&r.stderr), "crescent: not enough memory\n");
}

#[test]
fn bad_budget_and_help() {
    let r = crescent(&["--step-budget=many"]);
    assert_eq!(r.status.code(), Some(1));
    assert!(text(&r.stderr).starts_with("crescent: invalid count 'many' for --step-budget\nusage:"));
    let r = crescent(&["--help"]);
    assert_eq!(r.status.code(), Some(0));
    let out = text(&r.stdout);
    assert!(out.contains("--step-budget=N"), "{out}");
    assert!(out.contains("--budget-hard"), "{out}");
}
