//! The `io` library for processes: files as [`Stream`]s, the standard streams shared with
//! `print` and the REPL.
//!
//! Invariants:
//! - There is one [`StdStreams`] per process run: standard output is one buffered
//!   [`Stream`] that `print`, `io.write`, `io.stdout:write` and the REPL's prompts all
//!   write to, so their output keeps program order; standard input is one buffered stream
//!   that `io.read`, `io.lines` and the REPL's line reader all read from, so none of them
//!   loses bytes another read ahead.
//! - Every stream opened from Lua is registered (weakly) in [`StdStreams::open_files`], so
//!   `os.exit` and the end of the program flush them all, as C's `exit` flushes every
//!   `FILE`.

pub mod natives;
pub mod open;
pub mod read;
pub mod stream;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

pub use natives::open_io;
pub use stream::{Buffering, Device, Stream};

/// A stream shared between Lua handles and the host.
pub type Shared = Rc<RefCell<Stream>>;

/// The process's standard streams and the registry of open files.
#[derive(Clone)]
pub struct StdStreams {
    /// Standard input.
    pub stdin: Shared,
    /// Standard output (line buffered on a terminal, fully buffered otherwise).
    pub stdout: Shared,
    /// Standard error (unbuffered).
    pub stderr: Shared,
    open: Rc<RefCell<Vec<Weak<RefCell<Stream>>>>>,
}

/// True if the descriptor is a terminal.
pub fn is_tty(fd: i32) -> bool {
    // SAFETY: isatty only inspects the descriptor number; an invalid one yields 0.
    unsafe { libc::isatty(fd) == 1 }
}

impl StdStreams {
    /// The process's streams, buffered as a C program's are.
    pub fn process() -> StdStreams {
        let out_buffering = if is_tty(1) {
            Buffering::Line
        } else {
            Buffering::Full(stream::BUFSIZE)
        };
        StdStreams::over(
            Stream::new(Device::Stdin, Buffering::Line),
            Stream::new(Device::Stdout, out_buffering),
            Stream::new(Device::Stderr, Buffering::No),
        )
    }

    /// Streams over the given devices (tests use in-memory ones).
    pub fn over(stdin: Stream, stdout: Stream, stderr: Stream) -> StdStreams {
        StdStreams {
            stdin: Rc::new(RefCell::new(stdin)),
            stdout: Rc::new(RefCell::new(stdout)),
            stderr: Rc::new(RefCell::new(stderr)),
            open: Rc::new(RefCell::new(Vec::new())),
        }
    }

    /// Registers a stream opened from Lua, for [`StdStreams::flush_all`].
    pub fn register(&self, s: &Shared) {
        let mut open = self.open.borrow_mut();
        open.retain(|w| w.strong_count() > 0);
        open.push(Rc::downgrade(s));
    }

    /// Open files still alive.
    pub fn open_files(&self) -> Vec<Shared> {
        self.open
            .borrow()
            .iter()
            .filter_map(Weak::upgrade)
            .collect()
    }

    /// Flushes standard output and every open file (before the process exits).
    pub fn flush_all(&self) {
        for f in self.open_files() {
            if let Ok(mut f) = f.try_borrow_mut() {
                let _ = f.flush();
            }
        }
        if let Ok(mut out) = self.stdout.try_borrow_mut() {
            let _ = out.flush();
        }
    }
}
