//! Running one engine on one benchmark once: wall time, peak RSS, stdout, and the guest
//! instruction count when the engine runs under the counting QEMU plugin.
//!
//! Invariants: the child is reaped with `wait4`, so its own `ru_maxrss` is read (not the
//! maximum over every child so far, which `getrusage(RUSAGE_CHILDREN)` would give); stdout
//! and stderr are drained on threads so a chatty child never blocks on a full pipe; a child
//! that outlives its deadline is killed, with its whole process group, and reported as
//! timed out.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A fully described command line.
#[derive(Clone, Debug)]
pub struct Invocation {
    /// The program to execute.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
    /// Working directory.
    pub cwd: PathBuf,
    /// Where the instruction-counting plugin writes its count, if used.
    pub count_file: Option<PathBuf>,
}

/// What one run measured.
#[derive(Clone, Debug, Default)]
pub struct Measurement {
    /// Wall-clock seconds from spawn to exit.
    pub wall: f64,
    /// Peak resident set size of the child, KiB.
    pub rss_kib: u64,
    /// Guest instructions, when counted.
    pub insns: Option<u64>,
    /// Standard output.
    pub stdout: Vec<u8>,
    /// `None` on success; otherwise why the run failed (exit status, signal, timeout) with
    /// the tail of standard error.
    pub failure: Option<String>,
}

/// Runs `inv` to completion (or until `timeout`).
pub fn run(inv: &Invocation, timeout: Duration) -> Measurement {
    let mut cmd = Command::new(&inv.program);
    // Its own process group, so a timeout kills any grandchildren holding our pipes too.
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    cmd.args(&inv.args)
        .current_dir(&inv.cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in &inv.env {
        cmd.env(k, v);
    }
    if let Some(f) = &inv.count_file {
        let _ = std::fs::remove_file(f);
        cmd.env("INSNCOUNT_OUT", f);
    }
    let start = Instant::now();
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Measurement {
                failure: Some(format!("cannot start {}: {e}", inv.program.display())),
                ..Measurement::default()
            }
        }
    };
    let pid = child.id() as libc::pid_t;
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());

    let done = Arc::new(AtomicBool::new(false));
    let timed_out = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let (done, timed_out) = (Arc::clone(&done), Arc::clone(&timed_out));
        std::thread::spawn(move || {
            while !done.load(Ordering::Acquire) {
                if start.elapsed() > timeout {
                    timed_out.store(true, Ordering::Release);
                    // SAFETY: `pid` is our child, not yet reaped (the main thread is blocked
                    // in wait4 on it and sets `done` only after reaping), so neither the pid
                    // nor the process group it leads can have been reused.
                    unsafe { libc::kill(-pid, libc::SIGKILL) };
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };

    let mut status: libc::c_int = 0;
    // SAFETY: all-zero is a valid `rusage` (plain integers and timevals).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = loop {
        // SAFETY: `status` and `usage` are valid for writes; `pid` is our unreaped child
        // (std's `Child` never waits unless asked, and we do not ask).
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break Ok(());
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            break Err(e);
        }
    };
    let wall = start.elapsed().as_secs_f64();
    done.store(true, Ordering::Release);
    let _ = watchdog.join();
    // `child` is dropped without waiting: it has been reaped already.
    drop(child);
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();

    let mut failure = match reaped {
        Err(e) => Some(format!("wait4 failed: {e}")),
        Ok(()) if timed_out.load(Ordering::Acquire) => {
            Some(format!("timed out after {} s", timeout.as_secs()))
        }
        Ok(()) if libc::WIFSIGNALED(status) => {
            Some(format!("killed by signal {}", libc::WTERMSIG(status)))
        }
        Ok(()) if libc::WEXITSTATUS(status) != 0 => {
            Some(format!("exit status {}", libc::WEXITSTATUS(status)))
        }
        Ok(()) => None,
    };
    if let Some(f) = &mut failure {
        let text = String::from_utf8_lossy(&stderr);
        let tail: Vec<&str> = text.lines().rev().take(4).collect();
        for line in tail.iter().rev() {
            f.push_str("\n    ");
            f.push_str(line);
        }
    }
    let insns = inv.count_file.as_deref().and_then(read_count);
    if inv.count_file.is_some() && insns.is_none() && failure.is_none() {
        failure = Some("the instruction-count plugin wrote no count".to_string());
    }
    Measurement {
        wall,
        rss_kib: usage.ru_maxrss.max(0) as u64,
        insns,
        stdout,
        failure,
    }
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    })
}

/// Reads `insns N` as the plugin writes it.
pub fn read_count(path: &Path) -> Option<u64> {
    parse_count(&std::fs::read_to_string(path).ok()?)
}

/// Parses the plugin's `insns N` line.
pub fn parse_count(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix("insns "))
        .and_then(|n| n.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Invocation {
        Invocation {
            program: "/bin/sh".into(),
            args: vec!["-c".into(), script.into()],
            env: vec![("BENCH_TEST_VAR".into(), "42".into())],
            cwd: std::env::temp_dir(),
            count_file: None,
        }
    }

    #[test]
    fn captures_stdout_and_environment() {
        let m = run(
            &sh("echo out; echo err >&2; echo $BENCH_TEST_VAR"),
            Duration::from_secs(10),
        );
        assert_eq!(m.failure, None);
        assert_eq!(m.stdout, b"out\n42\n");
        assert!(m.rss_kib > 0, "peak RSS comes from wait4");
        assert!(m.wall > 0.0);
    }

    #[test]
    fn reports_exit_status_with_stderr_tail() {
        let m = run(&sh("echo oops >&2; exit 3"), Duration::from_secs(10));
        let f = m.failure.expect("a failure");
        assert!(f.starts_with("exit status 3"), "{f}");
        assert!(f.contains("oops"), "{f}");
    }

    #[test]
    fn kills_a_child_past_its_deadline() {
        let t = Instant::now();
        let m = run(&sh("sleep 30"), Duration::from_millis(300));
        assert!(t.elapsed() < Duration::from_secs(10));
        assert!(m.failure.expect("a failure").starts_with("timed out"));
    }

    #[test]
    fn rss_is_per_child_not_the_maximum_so_far() {
        // A large child first, then a small one: the small one must not inherit the peak.
        let big = run(
            &sh("x=$(head -c 60000000 /dev/zero | tr '\\0' a); echo ${#x}"),
            Duration::from_secs(60),
        );
        assert_eq!(big.failure, None);
        assert_eq!(big.stdout, b"60000000\n");
        assert!(big.rss_kib > 50_000, "big child RSS {} KiB", big.rss_kib);
        let small = run(&sh("true"), Duration::from_secs(10));
        assert_eq!(small.failure, None);
        assert!(
            small.rss_kib < 30_000,
            "small child RSS {} KiB",
            small.rss_kib
        );
    }

    #[test]
    fn parses_the_plugin_count() {
        assert_eq!(parse_count("insns 12345\n"), Some(12345));
        assert_eq!(parse_count("other\ninsns 7"), Some(7));
        assert_eq!(parse_count("nothing"), None);
    }

    #[test]
    fn missing_program_is_a_failure_not_a_panic() {
        let mut inv = sh("true");
        inv.program = "/nonexistent/engine".into();
        let m = run(&inv, Duration::from_secs(1));
        assert!(m.failure.expect("a failure").starts_with("cannot start"));
    }
}
