//! JIT parameters and optimization flags, as `jit.opt.start(...)` and the CLI's `-O` set
//! them.
//!
//! Invariants: one table lists every parameter with its default (LuaJIT 2.1's defaults,
//! so scripts tuned for LuaJIT behave alike) and one table every optimization flag with
//! the level that turns it on; the struct fields, names, defaults and parsing derive from
//! them. Parsing follows LuaJIT's `jit.opt.start` exactly: each argument is a level
//! (`"0"`..`"3"`), a flag (`"fold"`, `"+fold"`, `"-fold"`, `"nofold"`) or a parameter
//! (`"hotloop=10"`, digits only; an empty value is 0); anything else is an error worded
//! as LuaJIT words it. `-O` takes the same arguments separated by commas; `jit.opt.start()`
//! without arguments (and `-O` alone) restores the default flags.

use alloc::string::String;
use core::fmt;

use crate::jit::opt::Passes;

macro_rules! jit_params {
    ($( $name:ident = $default:literal, #[doc = $doc:literal] )*) => {
        /// The numeric JIT parameters.
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        pub struct Params {
            $( #[doc = $doc] pub $name: u32, )*
            /// Optimization flags.
            pub flags: Flags,
        }
        impl Default for Params {
            fn default() -> Params {
                Params { $( $name: $default, )* flags: Flags::level(3) }
            }
        }
        impl Params {
            /// Names of all parameters, in table order.
            pub const NAMES: &'static [&'static str] = &[ $( stringify!($name), )* ];
            /// A parameter by name.
            pub fn get(&self, name: &str) -> Option<u32> {
                match name { $( stringify!($name) => Some(self.$name), )* _ => None }
            }
            fn slot(&mut self, name: &str) -> Option<&mut u32> {
                match name { $( stringify!($name) => Some(&mut self.$name), )* _ => None }
            }
        }
    };
}

jit_params! {
    maxtrace = 1000, #[doc = "Maximum number of traces in the cache."]
    maxrecord = 4000, #[doc = "Maximum number of recorded IR instructions."]
    maxirconst = 500, #[doc = "Maximum number of IR constants of a trace."]
    maxside = 100, #[doc = "Maximum number of side traces of a root trace."]
    maxsnap = 500, #[doc = "Maximum number of snapshots of a trace."]
    minstitch = 0, #[doc = "Minimum number of IR instructions for a stitched trace."]
    hotloop = 56, #[doc = "Iterations until a loop (or call) is hot."]
    hotexit = 10, #[doc = "Taken exits until a side trace is recorded."]
    tryside = 4, #[doc = "Attempts to compile a side trace."]
    instunroll = 4, #[doc = "Maximum unroll of type-unstable loops."]
    loopunroll = 15, #[doc = "Maximum unroll of loop ops in side traces."]
    callunroll = 3, #[doc = "Maximum unroll of recursive calls."]
    recunroll = 2, #[doc = "Minimum unroll for true recursion."]
    sizemcode = 64, #[doc = "Size of each machine code area, in KiB."]
    maxmcode = 2048, #[doc = "Maximum total machine code size, in KiB."]
    penaltymin = 36, #[doc = "Penalty after the first failed attempt at a pc (backoff start)."]
    penaltymax = 60000, #[doc = "Penalty beyond which a pc is blacklisted."]
    penaltyrnd = 4, #[doc = "Random bits added to each penalty (randomized backoff)."]
}

macro_rules! jit_flags {
    ($( $name:ident $str:literal $level:literal, #[doc = $doc:literal] )*) => {
        /// Optimization flags.
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        pub struct Flags { $( #[doc = $doc] pub $name: bool, )* }
        impl Flags {
            /// Names of all flags, in table order.
            pub const NAMES: &'static [&'static str] = &[ $( $str, )* ];
            /// The flags of an optimization level (`-O0` .. `-O3`).
            pub fn level(n: u32) -> Flags {
                Flags { $( $name: { let l: u32 = $level; l != 0 && n >= l }, )* }
            }
            fn slot(&mut self, name: &str) -> Option<&mut bool> {
                match name { $( $str => Some(&mut self.$name), )* _ => None }
            }
            /// A flag by name.
            pub fn get(&self, name: &str) -> Option<bool> {
                match name { $( $str => Some(self.$name), )* _ => None }
            }
        }
    };
}

jit_flags! {
    fold "fold" 1, #[doc = "Constant folding and algebraic simplification."]
    cse "cse" 1, #[doc = "Common-subexpression elimination."]
    dce "dce" 1, #[doc = "Dead-code elimination."]
    narrow "narrow" 2, #[doc = "Narrowing of numbers to integers."]
    r#loop "loop" 2, #[doc = "Loop optimization (peeling, copy-substitution)."]
    fwd "fwd" 3, #[doc = "Load forwarding."]
    dse "dse" 3, #[doc = "Dead-store elimination."]
    abc "abc" 3, #[doc = "Array bounds check elimination."]
    sink "sink" 3, #[doc = "Allocation and store sinking."]
    fuse "fuse" 3, #[doc = "Operand fusion in the backend."]
    fma "fma" 0, #[doc = "Fused multiply-add (off: results would differ from the interpreter)."]
}

impl Flags {
    /// The pass switches these flags select.
    pub fn passes(&self) -> Passes {
        Passes {
            fold: self.fold,
            cse: self.cse,
            fwd: self.fwd,
            dse: self.dse,
            r#loop: self.r#loop,
            dce: self.dce,
        }
    }
}

/// A `jit.opt.start` argument that is not a level, flag or parameter.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ParamError(pub String);

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown or malformed optimization flag '{}'", self.0)
    }
}

impl Params {
    /// Applies one `jit.opt.start` argument.
    pub fn apply(&mut self, arg: &str) -> Result<(), ParamError> {
        let bad = || ParamError(arg.into());
        let b = arg.as_bytes();
        if b.len() == 1 && b[0].is_ascii_digit() {
            self.flags = Flags::level((b[0] - b'0') as u32);
            return Ok(());
        }
        if let Some((name, value)) = arg.split_once('=') {
            let slot = self.slot(name).ok_or_else(bad)?;
            let mut n: u32 = 0;
            for c in value.bytes() {
                if !c.is_ascii_digit() {
                    return Err(bad());
                }
                n = n
                    .checked_mul(10)
                    .and_then(|n| n.checked_add((c - b'0') as u32))
                    .ok_or_else(bad)?;
            }
            *slot = n;
            return Ok(());
        }
        let (on, name) = if let Some(n) = arg.strip_prefix('+') {
            (true, n)
        } else if let Some(n) = arg.strip_prefix('-') {
            (false, n)
        } else if let Some(n) = arg.strip_prefix("no") {
            (false, n.strip_prefix('-').unwrap_or(n))
        } else {
            (true, arg)
        };
        *self.flags.slot(name).ok_or_else(bad)? = on;
        Ok(())
    }

    /// `jit.opt.start()` without arguments: the default flags again (parameters stay).
    pub fn reset_flags(&mut self) {
        self.flags = Flags::level(3);
    }

    /// Applies a comma-separated list, as the CLI's `-O` takes it (`-Ohotloop=1,-fold`);
    /// an empty list is `jit.opt.start()` without arguments. An empty item is an error
    /// (LuaJIT passes it as `nil`, which `jit.opt.start` rejects).
    pub fn apply_list(&mut self, list: &str) -> Result<(), ParamError> {
        if list.is_empty() {
            self.reset_flags();
            return Ok(());
        }
        list.split(',').try_for_each(|a| self.apply(a))
    }

    /// The IR size limits of a trace.
    pub fn limits(&self) -> crate::jit::ir::Limits {
        crate::jit::ir::Limits {
            max_ins: self.maxrecord as usize,
            max_consts: self.maxirconst as usize,
            max_snaps: self.maxsnap as usize,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn defaults_are_luajits() {
        let p = Params::default();
        assert_eq!(
            (p.hotloop, p.hotexit, p.maxtrace, p.maxrecord),
            (56, 10, 1000, 4000)
        );
        assert_eq!(
            (p.maxirconst, p.maxsnap, p.maxside, p.tryside),
            (500, 500, 100, 4)
        );
        assert!(p.flags.fold && p.flags.fwd && p.flags.r#loop && !p.flags.fma);
        assert_eq!(p.flags.passes(), Passes::ALL);
        assert_eq!(Params::NAMES.len(), 18);
        assert_eq!(p.get("hotexit"), Some(10));
    }

    #[test]
    fn parses_like_jit_opt_start() {
        let mut p = Params::default();
        p.apply("hotloop=1").unwrap();
        assert_eq!(p.hotloop, 1);
        p.apply("maxmcode=").unwrap();
        assert_eq!(p.maxmcode, 0, "empty value is 0");
        p.apply("-fold").unwrap();
        assert!(!p.flags.fold);
        p.apply("+fold").unwrap();
        assert!(p.flags.fold);
        p.apply("nocse").unwrap();
        assert!(!p.flags.cse);
        p.apply("fma").unwrap();
        assert!(p.flags.fma);
        p.apply("1").unwrap();
        assert_eq!(p.flags, Flags::level(1));
        assert!(p.flags.fold && !p.flags.r#loop && !p.flags.fwd);
        p.apply("0").unwrap();
        assert_eq!(p.flags.passes(), Passes::NONE);
        for bad in [
            "hotloop=1x",
            "hotloop=-1",
            "bogus=3",
            "bogus",
            "+",
            "hotloop=99999999999",
            "12",
        ] {
            let e = p.apply(bad).unwrap_err();
            assert_eq!(
                e.to_string(),
                alloc::format!("unknown or malformed optimization flag '{bad}'")
            );
        }
        assert_eq!(p.hotloop, 1, "errors change nothing");
    }

    #[test]
    fn parses_cli_lists() {
        let mut p = Params::default();
        p.apply_list("hotloop=2,hotexit=3,-loop").unwrap();
        assert_eq!((p.hotloop, p.hotexit, p.flags.r#loop), (2, 3, false));
        assert!(p.apply_list("3,wat").is_err());
        assert!(p.apply_list("3,,fold").is_err());
        p.apply("no-fold").unwrap();
        assert!(!p.flags.fold);
        p.apply_list("").unwrap();
        assert_eq!(
            p.flags,
            Flags::level(3),
            "-O alone restores the default flags"
        );
        assert_eq!(p.hotloop, 2, "but not the parameters");
        assert_eq!(p.limits().max_ins, 4000);
    }
}
