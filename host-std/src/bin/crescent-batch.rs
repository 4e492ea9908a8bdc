//! `crescent-batch [crescent options]`: runs many Lua files, one fresh `crescent` each, in
//! one process. A test harness's runner (`scripts/difftest`), not a user command.
//!
//! Protocol: standard input carries one script path per line; for each, a record goes to
//! standard output and is flushed before the next path is read:
//!
//! ```text
//! crescent-batch <status> <stdout length> <stderr length>\n<stdout bytes><stderr bytes>
//! ```
//!
//! End of input ends the process with status 0.
//!
//! Invariants (what makes a batch run stand for one `crescent OPTIONS PATH` per file):
//! - Each file runs through the CLI's own driver (`cli::driver::run`) with argv
//!   `crescent OPTIONS PATH`, over a [`VmEngine`] built for it and dropped after it: a fresh
//!   VM with every library the CLI opens, and a fresh JIT, whose traces, hot counters,
//!   penalties and code memory all live in that VM (`Vm::jit`), none in the process.
//! - Everything the program writes is captured in memory: `print`, `io.write` and
//!   `io.stdout` share one stream (as in the CLI), `io.stderr` and the driver's error
//!   report another. `<status>` is the exit status the CLI would have returned.
//!   Standard input is empty. The JIT's `-jv`/`-jdump` log is not captured: `VmEngine`
//!   sends it to the process's stderr, as the CLI does.
//! - A program that ends the process (`os.exit`, a crash) leaves no record for its path:
//!   the harness sees end of file and runs that one path with the plain CLI, which is the
//!   authority anyway, then starts a new batch. One that hangs is the harness's timeout: it
//!   kills the batch at its deadline. A record is written whole or not at all: the
//!   header's lengths are those of the bytes that follow.

use crescent_host_std::cli::{driver, vm::VmEngine, ProcessEnv, StdConsole};
use crescent_host_std::iolib::{Buffering, StdStreams, Stream};
use std::io::{BufRead, Write};
use std::os::unix::ffi::OsStringExt;

/// The program name in argv, so error reports read `crescent: ...` as the CLI's do.
const PROGNAME: &str = "crescent";

/// What one run printed and how it ended.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    status: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Runs `path` as `crescent OPTIONS PATH` would, on fresh streams and a fresh VM.
fn run_one(options: &[Vec<u8>], path: &[u8]) -> Outcome {
    let mut argv = vec![PROGNAME.as_bytes().to_vec()];
    argv.extend_from_slice(options);
    argv.push(path.to_vec());
    let mut stderr = Stream::memory(b"");
    // Unbuffered, as a process's stderr is (the order of writes is kept either way).
    let _ = stderr.set_buffering(Buffering::No);
    let streams = StdStreams::over(Stream::memory(b""), Stream::memory(b""), stderr);
    let mut console = StdConsole {
        streams: streams.clone(),
    };
    let status = driver::run(&argv, &ProcessEnv, &mut console, |inv| {
        VmEngine::new(inv, &ProcessEnv, streams.clone())
    });
    streams.flush_all();
    let _ = streams.stderr.borrow_mut().flush();
    let captured = |s: &crescent_host_std::iolib::Shared| {
        s.borrow().memory_output().unwrap_or_default().to_vec()
    };
    Outcome {
        status,
        stdout: captured(&streams.stdout),
        stderr: captured(&streams.stderr),
    }
}

/// Writes one framed record.
fn write_record(out: &mut impl Write, o: &Outcome) -> std::io::Result<()> {
    writeln!(
        out,
        "crescent-batch {} {} {}",
        o.status,
        o.stdout.len(),
        o.stderr.len()
    )?;
    out.write_all(&o.stdout)?;
    out.write_all(&o.stderr)?;
    out.flush()
}

fn main() {
    // The options are the CLI's, checked by its parser on every run; a bad one shows up as
    // the CLI's usage error in the first record.
    let options: Vec<Vec<u8>> = std::env::args_os()
        .skip(1)
        .map(OsStringExt::into_vec)
        .collect();
    if options.iter().any(|o| o == b"-h" || o == b"--help") {
        println!("usage: crescent-batch [crescent options] < paths (one per line)");
        return;
    }
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in stdin.lock().split(b'\n') {
        let Ok(path) = line else { break };
        if path.is_empty() {
            continue;
        }
        let outcome = run_one(&options, &path);
        if write_record(&mut out, &outcome).is_err() {
            break; // The harness went away.
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(name: &str, src: &str) -> Vec<u8> {
        let dir = std::env::temp_dir().join(format!("crescent-batch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, src).unwrap();
        path.into_os_string().into_vec()
    }

    fn opts(words: &[&str]) -> Vec<Vec<u8>> {
        words.iter().map(|w| w.as_bytes().to_vec()).collect()
    }

    #[test]
    fn print_io_write_and_stderr_are_captured_in_order() {
        let p = script(
            "out.lua",
            "print('a', 1) io.write('b', 2, '\\n') io.stdout:write('c\\n') \
             io.stderr:write('to stderr\\n') print('d')",
        );
        let o = run_one(&opts(&["-joff"]), &p);
        assert_eq!(o.status, 0);
        assert_eq!(o.stdout, b"a\t1\nb2\nc\nd\n");
        assert_eq!(o.stderr, b"to stderr\n");
    }

    #[test]
    fn errors_are_reported_as_the_cli_reports_them() {
        let p = script("err.lua", "print('before')\nerror('boom')\n");
        let o = run_one(&[], &p);
        assert_eq!(o.status, 1);
        assert_eq!(o.stdout, b"before\n");
        let path = String::from_utf8(p.clone()).unwrap();
        let first = String::from_utf8_lossy(&o.stderr);
        assert!(
            first.starts_with(&format!("crescent: {path}:2: boom\nstack traceback:\n")),
            "{first}"
        );
        let o = run_one(&[], b"/nonexistent/x.lua");
        assert_eq!(o.status, 1);
        assert_eq!(
            o.stderr,
            b"crescent: cannot open /nonexistent/x.lua: No such file or directory\n"
        );
        // Bad options are the CLI's usage error.
        let o = run_one(&opts(&["-Obogus"]), &p);
        assert_eq!(o.status, 1);
        assert!(String::from_utf8_lossy(&o.stderr).contains("'bogus'"));
    }

    #[test]
    fn every_program_gets_a_fresh_state() {
        let set = script("set.lua", "x = 42 string.rep = nil jit.off()");
        let get = script("get.lua", "print(x, type(string.rep), (jit.status()))");
        assert_eq!(run_one(&[], &set).status, 0);
        let o = run_one(&[], &get);
        assert_eq!(o.stdout, b"nil\tfunction\ttrue\n");
        assert_eq!(
            run_one(&opts(&["-joff"]), &get).stdout,
            b"nil\tfunction\tfalse\n"
        );
    }

    #[test]
    fn options_apply_as_on_the_command_line() {
        let p = script("opt.lua", "print(jit.status())");
        let o = run_one(&opts(&["-joff"]), &p);
        assert!(o.stdout.starts_with(b"false"), "{o:?}");
        let o = run_one(&opts(&["-Ohotloop=1", "-Ohotexit=1"]), &p);
        assert!(o.stdout.starts_with(b"true"), "{o:?}");
    }

    #[test]
    fn records_are_framed_by_length() {
        let mut buf = Vec::new();
        let o = Outcome {
            status: 1,
            stdout: b"x\ny".to_vec(),
            stderr: b"e\n".to_vec(),
        };
        write_record(&mut buf, &o).unwrap();
        assert_eq!(buf, b"crescent-batch 1 3 2\nx\nye\n");
    }
}
