//! Spawning binaries built for the target, from tests, whether or not they run under an
//! emulator.
//!
//! Under the AArch64 test rig (`.cargo/config.toml`) test binaries run in `qemu-aarch64`, and
//! the host kernel cannot exec an AArch64 binary such as `CARGO_BIN_EXE_crescent` by itself.
//! The rig's runner sets `CRESCENT_TARGET_RUNNER` (space-separated words, e.g.
//! `qemu-aarch64 -L /usr/aarch64-linux-gnu`) in the tests' environment; [`target_command`]
//! puts those words in front of the program. Natively the variable is unset and the program
//! runs as it is.

use std::ffi::OsStr;
use std::process::Command;

/// The environment variable naming the runner for target binaries.
pub const TARGET_RUNNER_VAR: &str = "CRESCENT_TARGET_RUNNER";

/// A `Command` that runs `program` (a binary built for the target), through the target runner
/// when there is one.
pub fn target_command(program: impl AsRef<OsStr>) -> Command {
    let runner = std::env::var(TARGET_RUNNER_VAR).unwrap_or_default();
    let mut words = runner.split_ascii_whitespace();
    match words.next() {
        Some(first) => {
            let mut cmd = Command::new(first);
            cmd.args(words).arg(program);
            cmd
        }
        None => Command::new(program),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs this very test binary again (a target binary) and lists one test: works natively
    /// and under qemu-aarch64 alike.
    #[test]
    fn runs_a_target_binary() {
        let exe = std::env::current_exe().unwrap();
        let out = target_command(&exe)
            .args(["--list", "process::tests::runs_a_target_binary"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("process::tests::runs_a_target_binary: test"),
            "{stdout}"
        );
    }
}
