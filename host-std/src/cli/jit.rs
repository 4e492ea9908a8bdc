//! `-j cmd` and `-O[opt]`: LuaJIT's JIT control options, parsed and checked here.
//!
//! `luajit` turns `-jcmd=a,b` into `jit.cmd("a", "b")` (or, when `jit.cmd` is not a
//! function, `require("jit.cmd").start("a", "b")`, which is how `-jv` and `-jdump` reach
//! their modules) and `-Oa,b` into `jit.opt.start("a", "b")`. crescent keeps that shape:
//! each option becomes a [`JitRequest`] holding the command name and its comma-separated
//! arguments, checked against what LuaJIT accepts, and the CLI hands the list to the engine
//! at one call point ([`super::engine::Engine::jit_control`]) after `LUA_INIT`, in command
//! line order among `-e`/`-l`. Checking here means a harness gets LuaJIT's error text for a
//! typo even while the JIT itself is still growing.

/// LuaJIT's optimization flags (`-O+fold`, `-O-cse`, ...).
pub const OPT_FLAGS: &[&str] = &[
    "fold", "cse", "dce", "fwd", "dse", "narrow", "loop", "abc", "sink", "fuse", "fma",
];

/// LuaJIT's numeric JIT parameters (`-Ohotloop=56`, ...).
pub const OPT_PARAMS: &[&str] = &[
    "maxtrace",
    "maxrecord",
    "maxirconst",
    "maxside",
    "maxsnap",
    "minstitch",
    "hotloop",
    "hotexit",
    "tryside",
    "instunroll",
    "loopunroll",
    "callunroll",
    "recunroll",
    "sizemcode",
    "maxmcode",
];

/// `-j` commands that are functions of the `jit` table.
pub const JIT_FUNCTIONS: &[&str] = &["on", "off", "flush", "status", "attach", "security"];

/// `-j` commands that are `jit.*` modules started with `require("jit.NAME").start(...)`.
pub const JIT_MODULES: &[&str] = &["v", "dump", "p", "bc", "bcsave", "dis_arm64"];

/// One JIT control request, as the `jit` library would receive it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JitRequest {
    /// `-jNAME[=args]` where `jit.NAME` is a function: `jit.NAME(args...)`.
    Call {
        /// The `jit` table function.
        name: String,
        /// Its arguments (`None` stands for an empty piece, passed as nil).
        args: Vec<Option<Vec<u8>>>,
    },
    /// `-jNAME[=args]` for a module: `require("jit.NAME").start(args...)`.
    Module {
        /// The module suffix (`v`, `dump`, ...).
        name: String,
        /// Arguments to its `start`.
        args: Vec<Option<Vec<u8>>>,
    },
    /// `-O[args]`: `jit.opt.start(args...)`.
    Opt {
        /// The flags (`3`, `hotloop=10`, `-fold`).
        args: Vec<Option<Vec<u8>>>,
    },
}

/// Splits `a,b,,c` as `luajit`'s `runcmdopt` does: empty pieces become nil, and an empty
/// option string means no arguments at all.
fn split_args(opt: &[u8]) -> Vec<Option<Vec<u8>>> {
    if opt.is_empty() {
        return Vec::new();
    }
    opt.split(|&b| b == b',')
        .map(|p| (!p.is_empty()).then(|| p.to_vec()))
        .collect()
}

/// Parses `-j`'s operand. The error is the message `luajit` prints.
pub fn parse_jit(cmd: &[u8]) -> Result<JitRequest, String> {
    let (name, opt) = match cmd.iter().position(|&b| b == b'=') {
        Some(p) => (&cmd[..p], Some(&cmd[p + 1..])),
        None => (cmd, None),
    };
    let unknown = || "unknown luaJIT command or jit.* modules not installed".to_string();
    let name = core::str::from_utf8(name).map_err(|_| unknown())?;
    let args = opt.map(split_args).unwrap_or_default();
    if JIT_FUNCTIONS.contains(&name) {
        Ok(JitRequest::Call {
            name: name.to_string(),
            args,
        })
    } else if JIT_MODULES.contains(&name) {
        Ok(JitRequest::Module {
            name: name.to_string(),
            args,
        })
    } else {
        Err(unknown())
    }
}

/// Parses `-O`'s operand, checking every flag as `jit.opt.start` does.
pub fn parse_opt(opt: &[u8]) -> Result<JitRequest, String> {
    let args = split_args(opt);
    for a in args.iter().flatten() {
        if !valid_opt_flag(a) {
            return Err(format!(
                "unknown or malformed optimization flag '{}'",
                String::from_utf8_lossy(a)
            ));
        }
    }
    Ok(JitRequest::Opt { args })
}

/// `0`..`3`, `+flag`/`-flag`/`flag`, `noflag`, or `param=N` with a decimal `N`.
fn valid_opt_flag(a: &[u8]) -> bool {
    let Ok(s) = core::str::from_utf8(a) else {
        return false;
    };
    if matches!(s, "0" | "1" | "2" | "3") {
        return true;
    }
    if let Some((name, value)) = s.split_once('=') {
        return OPT_PARAMS.contains(&name)
            && !value.is_empty()
            && value.bytes().all(|b| b.is_ascii_digit());
    }
    // luajit strips one of `+`, `-` or `no`, then looks the rest up.
    let flag = s
        .strip_prefix('+')
        .or_else(|| s.strip_prefix('-'))
        .or_else(|| s.strip_prefix("no"))
        .unwrap_or(s);
    OPT_FLAGS.contains(&flag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(s: &str) -> Option<Vec<u8>> {
        Some(s.as_bytes().to_vec())
    }

    #[test]
    fn jit_functions_and_modules() {
        assert_eq!(
            parse_jit(b"off"),
            Ok(JitRequest::Call {
                name: "off".into(),
                args: vec![]
            })
        );
        assert_eq!(
            parse_jit(b"dump=+rs,out.txt"),
            Ok(JitRequest::Module {
                name: "dump".into(),
                args: vec![some("+rs"), some("out.txt")]
            })
        );
        assert_eq!(
            parse_jit(b"v=,x"),
            Ok(JitRequest::Module {
                name: "v".into(),
                args: vec![None, some("x")]
            })
        );
        assert_eq!(
            parse_jit(b"v="),
            Ok(JitRequest::Module {
                name: "v".into(),
                args: vec![]
            })
        );
        let e = parse_jit(b"foo").unwrap_err();
        assert_eq!(e, "unknown luaJIT command or jit.* modules not installed");
        assert!(parse_jit(b"").is_err());
    }

    #[test]
    fn opt_flags_are_checked() {
        for good in [
            "",
            "3",
            "0",
            "hotloop=5,-fold",
            "+fold",
            "nocse",
            "fma",
            "maxmcode=1024",
        ] {
            assert!(parse_opt(good.as_bytes()).is_ok(), "{good}");
        }
        for bad in ["foo", "hotloop=x", "hotloop=", "4", "+nofold", "cold=3"] {
            let e = parse_opt(bad.as_bytes()).unwrap_err();
            assert!(
                e.starts_with("unknown or malformed optimization flag '"),
                "{bad}: {e}"
            );
        }
        assert_eq!(
            parse_opt(b"hotloop=1,-loop"),
            Ok(JitRequest::Opt {
                args: vec![some("hotloop=1"), some("-loop")]
            })
        );
    }
}
