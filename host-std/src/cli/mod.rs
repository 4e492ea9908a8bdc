//! The `crescent` command-line program: a drop-in for `luajit`'s command line.
//!
//! `crescent [options] [script [args]]` with `luajit`'s options (`-e`, `-l`, `-i`, `-v`,
//! `-E`, `-j`, `-O`, `-b`, `-`, `--`), its `arg` table, `LUA_INIT`/`LUA_PATH`, exit
//! statuses and error reports (`progname: message` plus a stack traceback on stderr).
//! The pieces: [`args`] parses, [`driver`] orders the work, [`repl`] is the interactive
//! loop, [`source`] reads script files, [`jit`] checks `-j`/`-O`; all of them run against
//! the [`engine::Engine`] trait, which the real VM implements.

pub mod args;
pub mod driver;
pub mod engine;
pub mod jit;
pub mod repl;
pub mod source;

use crate::iolib::StdStreams;
use engine::Console;
use std::os::unix::ffi::OsStringExt;

/// The process's environment.
pub struct ProcessEnv;

impl driver::Environment for ProcessEnv {
    fn var(&self, name: &str) -> Option<Vec<u8>> {
        std::env::var_os(name).map(OsStringExt::into_vec)
    }
}

/// The console over the process's standard streams (shared with the io library).
pub struct StdConsole {
    /// The shared streams.
    pub streams: StdStreams,
}

impl Console for StdConsole {
    fn out(&mut self, bytes: &[u8]) {
        let _ = self.streams.stdout.borrow_mut().write(bytes);
    }

    fn flush_out(&mut self) {
        let _ = self.streams.stdout.borrow_mut().flush();
    }

    fn err(&mut self, bytes: &[u8]) {
        self.flush_out();
        let _ = self.streams.stderr.borrow_mut().write(bytes);
    }

    fn read_line(&mut self) -> Option<Vec<u8>> {
        self.streams.stdin.borrow_mut().read_line(false)
    }

    fn read_all(&mut self) -> Result<Vec<u8>, String> {
        let mut stdin = self.streams.stdin.borrow_mut();
        stdin.clear_error();
        let all = stdin.read_all();
        match stdin.take_error() {
            Some(e) => Err(source::strerror(&e)),
            None => Ok(all),
        }
    }

    fn stdin_is_tty(&self) -> bool {
        crate::iolib::is_tty(0)
    }
}

/// The program's entry: runs the command line and returns the exit status.
pub fn main() -> i32 {
    restore_sigpipe();
    let argv: Vec<Vec<u8>> = std::env::args_os().map(OsStringExt::into_vec).collect();
    let streams = StdStreams::process();
    let mut console = StdConsole {
        streams: streams.clone(),
    };
    let status = driver::run(&argv, &ProcessEnv, &mut console, |inv| {
        vm::VmEngine::new(inv, &ProcessEnv, streams.clone())
    });
    streams.flush_all();
    status
}

pub mod vm;

/// Rust programs start with SIGPIPE ignored; a C program (and `luajit`) dies of it when
/// its reader goes away, which is what `crescent script | head` must do too, rather than
/// keep running with every write failing.
fn restore_sigpipe() {
    // SAFETY: setting a signal's disposition to the default has no memory effects; it
    // runs before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
