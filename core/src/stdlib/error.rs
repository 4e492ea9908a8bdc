//! Errors raised by the library engines, before the VM turns them into Lua errors.
//!
//! The engines (patterns, `string.format`, `table.sort`, ...) work on byte slices and
//! callbacks, without a VM. When they fail they return a [`LibError`], which says *how*
//! PUC Lua 5.1 would have raised the error, because the wording differs:
//! - [`LibError::Runtime`] is `luaL_error`: the VM binding prefixes the message with the
//!   calling Lua function's position (`file:line: `), as `luaL_where(L, 1)` does;
//! - [`LibError::BadArg`] is `luaL_argerror`: the binding words it as
//!   `bad argument #n to 'name' (message)`, naming the library function;
//! - [`LibError::Memory`] is an allocation failure ("not enough memory", no position).
//!
//! A callback's own error type must be constructible from a `LibError`
//! (`From<LibError>`), so an engine can return either kind through one `Result`.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;

/// An error raised by a library engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LibError {
    /// `luaL_error(L, msg)`: a message that the caller's position will prefix.
    Runtime(Cow<'static, str>),
    /// Out of memory (a result too large to build): the VM's own "not enough memory"
    /// error, which carries no position.
    Memory,
    /// `luaL_argerror(L, arg, msg)`: argument `arg` (1-based) of the function is bad.
    BadArg {
        /// 1-based argument number.
        arg: usize,
        /// The parenthesised part of the message.
        msg: Cow<'static, str>,
    },
}

impl LibError {
    /// A `luaL_error`-style error with a fixed message.
    pub const fn runtime(msg: &'static str) -> LibError {
        LibError::Runtime(Cow::Borrowed(msg))
    }

    /// A `luaL_error`-style error with a built message.
    pub fn runtime_owned(msg: String) -> LibError {
        LibError::Runtime(Cow::Owned(msg))
    }

    /// A `luaL_argerror`-style error with a fixed message.
    pub const fn bad_arg(arg: usize, msg: &'static str) -> LibError {
        LibError::BadArg {
            arg,
            msg: Cow::Borrowed(msg),
        }
    }

    /// `luaL_typerror`: "bad argument #arg to 'f' (`expected` expected, got `got`)".
    pub fn type_error(arg: usize, expected: &str, got: &str) -> LibError {
        LibError::BadArg {
            arg,
            msg: Cow::Owned(format!("{expected} expected, got {got}")),
        }
    }

    /// The full message as PUC Lua words it, given the name of the library function
    /// (used for `BadArg`) and the position prefix of the caller (used for `Runtime`,
    /// e.g. `"input:3: "`, or `""` when the caller is not a Lua function).
    pub fn message(&self, fname: &str, position: &str) -> String {
        match self {
            LibError::Runtime(msg) => format!("{position}{msg}"),
            LibError::Memory => String::from("not enough memory"),
            LibError::BadArg { arg, msg } => {
                format!("{position}bad argument #{arg} to '{fname}' ({msg})")
            }
        }
    }
}

impl core::fmt::Display for LibError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            LibError::Runtime(msg) => f.write_str(msg),
            LibError::Memory => f.write_str("not enough memory"),
            LibError::BadArg { arg, msg } => write!(f, "bad argument #{arg} to '?' ({msg})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn messages_are_worded_like_puc_lua() {
        let e = LibError::type_error(2, "number", "nil");
        assert_eq!(
            e.message("rep", "input:1: "),
            "input:1: bad argument #2 to 'rep' (number expected, got nil)"
        );
        let e = LibError::runtime("invalid capture index");
        assert_eq!(
            e.message("gsub", "x.lua:7: "),
            "x.lua:7: invalid capture index"
        );
        assert_eq!(e.to_string(), "invalid capture index");
    }
}
