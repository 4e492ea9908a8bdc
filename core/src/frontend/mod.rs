//! Front end: lexer, parser and bytecode compiler for Lua 5.1.
//!
//! [`compile`] turns source text into a [`ProtoDesc`] (pure data: no GC objects) following
//! the contract in [`crate::bytecode`]. The compiler is a single pass, like PUC Lua 5.1's
//! `lparser.c`/`lcode.c`: the parser drives a code generator per function
//! (`funcstate::FuncState`) through expression descriptors (`expdesc::ExpDesc`). Also here:
//! [`chunkid`] (chunk names in messages), [`get_obj_name`] (variable names in runtime
//! errors), [`listing()`] (`luac -l`-style dumps) and [`verify()`] (the bytecode verifier).
//!
//! The language is Lua 5.1 as LuaJIT 2.1 accepts it: 5.1's grammar plus `goto`/labels, the
//! escapes `\xXX`, `\z`, `\u{XXX}`, hexadecimal fractions and exponents, and non-ASCII bytes
//! in names. Generated code is instruction for instruction what `luac5.1` produces, except
//! that loops close with the back-edges of the bytecode contract, vararg functions get no
//! 5.1-compat `arg` local (as in LuaJIT), and `-0` is a constant of its own (as in LuaJIT).
//! Messages are worded as PUC Lua 5.1's (as LuaJIT's for `goto`).
//!
//! Invariants:
//! - Parsing stops at the first error, and the lexer state is left where the error was found,
//!   so an internal `Error` is turned into the final message (`chunkid:line: msg near 'tok'`)
//!   by [`compile`] itself, reading the line and the current token from the lexer.
//! - Every recursion that source text drives is bounded by the "syntax levels" counter
//!   (`LUAI_MAXCCALLS` = 200, as in 5.1), so no input overflows the native stack: at the
//!   limit, compiling uses about 120 KiB of native stack in optimized builds (500 KiB in
//!   debug builds).
//! - Code shapes are 5.1's (`GETGLOBAL`, `GETTABLE` with constant keys, `SELF`, `MOVE`...), so
//!   [`debuginfo::get_obj_name`] can name variables in runtime errors as 5.1 does.
//! - In debug builds, every compiled chunk passes [`verify()`] (or the compiler panics: that
//!   is a compiler bug, never an input error).

use alloc::format;
use alloc::string::String;

use crate::bytecode::ProtoDesc;

mod code;
pub mod debuginfo;
mod expdesc;
mod funcstate;
mod jumps;
mod labels;
pub(crate) mod lexer;
pub mod listing;
mod parser;
pub mod verify;

#[cfg(test)]
mod tests;

pub use debuginfo::get_obj_name;
pub use listing::listing;
pub use verify::verify;

/// A compile error, worded as PUC Lua 5.1 words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// The full message: `chunkid:line: msg near 'tok'`.
    pub message: String,
}

impl core::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message)
    }
}

/// What the message quotes after "near".
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Near {
    /// The current token (`luaX_syntaxerror`).
    Current,
    /// Nothing (limit errors: `luaX_lexerror(ls, msg, 0)`).
    Nothing,
    /// Text the lexer had read when it failed.
    Text(String),
}

/// An error inside the front end, before the position is added (see the module invariants).
/// Boxed, so that `Result`s stay small in the parser's recursive frames.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Error(alloc::boxed::Box<ErrorBody>);

/// The contents of an [`Error`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ErrorBody {
    pub msg: String,
    pub near: Near,
    /// The line to report, when it is not the lexer's (errors about a `goto`).
    pub line: Option<u32>,
}

impl Error {
    /// An error quoting the current token.
    #[cold]
    #[inline(never)]
    pub fn syntax(msg: impl Into<String>) -> Error {
        Error(alloc::boxed::Box::new(ErrorBody {
            msg: msg.into(),
            near: Near::Current,
            line: None,
        }))
    }
    /// An error quoting nothing.
    #[cold]
    #[inline(never)]
    pub fn bare(msg: impl Into<String>) -> Error {
        Error(alloc::boxed::Box::new(ErrorBody {
            msg: msg.into(),
            near: Near::Nothing,
            line: None,
        }))
    }
    /// An error quoting nothing, reported at `line`.
    #[cold]
    #[inline(never)]
    pub fn at_line(msg: impl Into<String>, line: u32) -> Error {
        Error(alloc::boxed::Box::new(ErrorBody {
            msg: msg.into(),
            near: Near::Nothing,
            line: Some(line),
        }))
    }
    /// A lexer error quoting what it had read.
    #[cold]
    #[inline(never)]
    pub fn lexical(msg: &str, near: Option<String>) -> Error {
        let near = near.map_or(Near::Nothing, Near::Text);
        Error(alloc::boxed::Box::new(ErrorBody {
            msg: String::from(msg),
            near,
            line: None,
        }))
    }
}

/// Compiles a chunk. `chunkname` is what Lua's `load` takes (`"@file.lua"`, `"=stdin"`, or
/// the source itself); it is kept in the prototypes and used in messages via [`chunkid`].
pub fn compile(source: &[u8], chunkname: &str) -> Result<ProtoDesc, SyntaxError> {
    let mut p = parser::Parser::new(source, chunkname);
    match p.main_function() {
        Ok(proto) => {
            #[cfg(debug_assertions)]
            if let Err(e) = verify::verify(&proto) {
                panic!("compiler produced invalid bytecode: {}", e);
            }
            Ok(proto)
        }
        Err(Error(e)) => {
            let line = e.line.unwrap_or_else(|| p.line());
            let mut message = format!("{}:{}: {}", chunkid(chunkname), line, e.msg);
            match e.near {
                Near::Current => message += &format!(" near '{}'", p.token_text()),
                Near::Text(t) => message += &format!(" near '{}'", t),
                Near::Nothing => {}
            }
            Err(SyntaxError { message })
        }
    }
}

/// Size of a chunk id, terminator included (`LUA_IDSIZE`): LuaJIT's 60, whose messages
/// we match (Debian's `lua5.1` is built with 80, and cuts long names later).
const IDSIZE: usize = 60;

/// The chunk name as messages show it (`luaO_chunkid` of 5.1): `"=name"` gives `name`,
/// `"@file"` gives `file` (long names keep their tail, after `...`), and source text gives
/// `[string "first line..."]`.
pub fn chunkid(chunkname: &str) -> String {
    // LuaJIT's `lj_debug_shortname`, byte for byte.
    let b = chunkname.as_bytes();
    let out: &[u8];
    let mut s = alloc::vec::Vec::new();
    if let Some(rest) = b.strip_prefix(b"=") {
        out = &rest[..rest.len().min(IDSIZE - 1)];
    } else if let Some(rest) = b.strip_prefix(b"@") {
        // "...", then the last part of a long file name.
        if rest.len() >= IDSIZE {
            s.extend_from_slice(b"...");
            s.extend_from_slice(&rest[rest.len() - (IDSIZE - 4)..]);
        } else {
            s.extend_from_slice(rest);
        }
        out = &s;
    } else {
        // The source up to its first control character, at most `IDSIZE - 12` bytes;
        // cut to `IDSIZE - 15` and marked "..." when there is more.
        let len = b
            .iter()
            .take(IDSIZE - 12)
            .position(|&c| c < b' ')
            .unwrap_or(b.len().min(IDSIZE - 12));
        s.extend_from_slice(b"[string \"");
        if len < b.len() {
            s.extend_from_slice(&b[..len.min(IDSIZE - 15)]);
            s.extend_from_slice(b"...");
        } else {
            s.extend_from_slice(b);
        }
        s.extend_from_slice(b"\"]");
        out = &s;
    }
    lexer::bytes_to_string(out)
}
