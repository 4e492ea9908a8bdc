//! What the command-line driver needs from a Lua VM, as one trait.
//!
//! The driver (`lua.c`'s `pmain`, `dotty`, `handle_script`) is written against [`Engine`]
//! so its logic — order of `LUA_INIT`, actions, script and REPL; continuation of incomplete
//! input; exit statuses — is tested with a scripted engine, and the real VM plugs in
//! through one adapter. Each method mirrors one step of `lua.c`:
//! - [`Engine::load`] is `luaL_loadbuffer`: compile only, so the REPL can tell a syntax
//!   error (and an incomplete statement) from a runtime error;
//! - [`Engine::call`] is `docall`: run with a traceback handler, the [`Failure`] text
//!   already carrying `stack traceback:` when the error object was a string.
//!
//! Invariant: a [`Failure`]'s `text` is exactly what `lua.c`'s `report` prints after the
//! program name: `None` for a nil error object (nothing printed), and
//! `(error object is not a string)` for other non-strings without `__tostring`.

use super::jit::JitRequest;

/// Why a step failed, as `lua.c`'s status codes tell it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// `LUA_ERRSYNTAX`: the chunk did not compile.
    Syntax,
    /// `LUA_ERRRUN`: an error raised while running.
    Runtime,
    /// `LUA_ERRMEM`: out of memory (or past the memory limit).
    Memory,
    /// `LUA_ERRFILE`: a source file could not be opened or read.
    File,
}

/// A failed step and the text to report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// What kind of failure.
    pub kind: FailureKind,
    /// The message (with traceback for runtime errors); `None` prints nothing.
    pub text: Option<Vec<u8>>,
}

impl Failure {
    /// A failure with a message.
    pub fn new(kind: FailureKind, text: impl Into<Vec<u8>>) -> Failure {
        Failure {
            kind,
            text: Some(text.into()),
        }
    }

    /// True for a syntax error whose message ends in `'<eof>'`: more input could complete
    /// the statement (`lua.c`'s `incomplete`).
    pub fn is_incomplete(&self) -> bool {
        self.kind == FailureKind::Syntax
            && self
                .text
                .as_deref()
                .is_some_and(|t| t.ends_with(b"'<eof>'"))
    }
}

/// Where a chunk's arguments come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChunkArgs {
    /// No arguments (`-e`, `LUA_INIT`, REPL lines, stdin as default).
    None,
    /// `arg[1]`, `arg[2]`, ... read from the global `arg` table at call time, up to the
    /// first nil (`LUA_INIT` or `-e` may have changed it), as `handle_script` does.
    FromArgTable,
}

/// A Lua VM as the command-line driver uses it.
pub trait Engine {
    /// A compiled, not yet run chunk.
    type Chunk;
    /// The results of a call, kept in the VM until printed.
    type Values;

    /// Sets the global `arg` table to `entries` (index, value).
    fn set_args(&mut self, entries: &[(i64, Vec<u8>)]);
    /// Compiles `source` under `chunkname` (`=stdin`, `@file.lua`, `=(command line)`).
    fn load(&mut self, source: &[u8], chunkname: &str) -> Result<Self::Chunk, Failure>;
    /// Runs a chunk with a traceback handler; returns its results.
    fn call(&mut self, chunk: Self::Chunk, args: ChunkArgs) -> Result<Self::Values, Failure>;
    /// Number of results.
    fn count(&self, values: &Self::Values) -> usize;
    /// Calls the global `print` with the values; the error message if that fails.
    fn print(&mut self, values: Self::Values) -> Result<(), Vec<u8>>;
    /// `require(name)` with a traceback handler (`-l`).
    fn require(&mut self, name: &[u8]) -> Result<(), Failure>;
    /// The JIT control call point: runs one `-j`/`-O` request. An engine whose VM has no
    /// `jit` library yet keeps the request for when it has.
    fn jit_control(&mut self, request: &JitRequest) -> Result<(), Failure>;
    /// `jit.status()` as words: `ON`/`OFF` then the enabled flags (for the REPL banner).
    fn jit_status(&mut self) -> Vec<Vec<u8>>;
    /// The REPL prompt: the global `_PROMPT` (`_PROMPT2` for continuation lines) if it
    /// converts to a string, else `"> "` (`">> "`).
    fn prompt(&mut self, continuation: bool) -> Vec<u8>;
}

/// A borrowed engine is an engine (tests keep theirs to inspect it after a run).
impl<T: Engine + ?Sized> Engine for &mut T {
    type Chunk = T::Chunk;
    type Values = T::Values;
    fn set_args(&mut self, entries: &[(i64, Vec<u8>)]) {
        (**self).set_args(entries)
    }
    fn load(&mut self, source: &[u8], chunkname: &str) -> Result<Self::Chunk, Failure> {
        (**self).load(source, chunkname)
    }
    fn call(&mut self, chunk: Self::Chunk, args: ChunkArgs) -> Result<Self::Values, Failure> {
        (**self).call(chunk, args)
    }
    fn count(&self, values: &Self::Values) -> usize {
        (**self).count(values)
    }
    fn print(&mut self, values: Self::Values) -> Result<(), Vec<u8>> {
        (**self).print(values)
    }
    fn require(&mut self, name: &[u8]) -> Result<(), Failure> {
        (**self).require(name)
    }
    fn jit_control(&mut self, request: &JitRequest) -> Result<(), Failure> {
        (**self).jit_control(request)
    }
    fn jit_status(&mut self) -> Vec<Vec<u8>> {
        (**self).jit_status()
    }
    fn prompt(&mut self, continuation: bool) -> Vec<u8> {
        (**self).prompt(continuation)
    }
}

/// The process's standard streams, as the driver uses them. Standard output must be the
/// stream `print` and `io.write` use, so prompts and results stay in order; standard input
/// the one `io.read` uses, so a script reading stdin and the REPL share its buffer.
pub trait Console {
    /// Writes to standard output (buffered).
    fn out(&mut self, bytes: &[u8]);
    /// Flushes standard output.
    fn flush_out(&mut self);
    /// Writes to standard error, after flushing standard output so the two interleave in
    /// the order they were produced.
    fn err(&mut self, bytes: &[u8]);
    /// Reads one line from standard input, without its newline; `None` at end of file.
    fn read_line(&mut self) -> Option<Vec<u8>>;
    /// Reads all of standard input (a script given as `-` or piped in).
    fn read_all(&mut self) -> Result<Vec<u8>, String>;
    /// True when standard input is a terminal.
    fn stdin_is_tty(&self) -> bool;
}
