//! Command-line parsing, as `luajit`'s `collectargs` and `runargs` do it.
//!
//! Invariants: parsing never touches the VM. Options are scanned left to right until the
//! first argument that is not an option (the script), `-` (stdin as the script) or `--`
//! (the end of options); `script_index` is that position in `argv` (or `argv.len()` when
//! there is no script), which is also index 0 of the `arg` table. Actions (`-e`, `-l`,
//! `-j`, `-O`, `-b`) keep their command-line order, because they run in that order.
//! Arguments are raw bytes: Lua strings are byte strings, and so are Unix arguments.
//!
//! Quirks kept on purpose, because scripts and harnesses written for `luajit` rely on them:
//! `-i` implies `-v`; `-v`, `-i` and `--` take no suffix (`-vx` is a usage error) while
//! `-E` and `-O` take any; `-e`, `-l` and `-j` take their operand attached (`-lfoo`) or as
//! the next argument; `-b` must come first and takes every argument after it.
//! crescent's own options are long options (`--name[=value]`), which `luajit` rejects, so
//! no `luajit` command line changes meaning.

/// One action of the command line, run in order after `LUA_INIT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `-e chunk`: run the string as a chunk named `=(command line)`.
    Exec(Vec<u8>),
    /// `-l name`: `require(name)`.
    Require(Vec<u8>),
    /// `-j cmd`: a JIT control command (`on`, `off`, `flush`, `v`, `dump=...`).
    Jit(Vec<u8>),
    /// `-O[opt]`: JIT optimization flags (`3`, `hotloop=10`, `-fold`, or empty).
    Opt(Vec<u8>),
    /// `-b ...`: bytecode save/list, with every argument after it.
    Bytecode(Vec<Vec<u8>>),
}

/// The script to run after the actions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Script {
    /// A file path (as given; `-` after `--` is a file named `-`).
    File(Vec<u8>),
    /// `-`: the script is read from standard input.
    Stdin,
}

/// crescent's own options (long options, unknown to `luajit`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// `--memory-limit=BYTES` (suffixes `k`, `m`, `g`): a cap on the VM's heap.
    pub memory: Option<usize>,
    /// `--step-budget=N` (suffixes `k`, `m`, `g`: thousands, millions, billions): stop the
    /// program with "instruction budget exhausted" after about N bytecode instructions.
    pub steps: Option<u64>,
    /// `--budget-hard`: exhausting the step budget or the memory limit cannot be caught
    /// by `pcall` for good (the error recurs at every loop iteration and call).
    pub budget_hard: bool,
    /// `--help`: print the usage on stdout and exit 0.
    pub help: bool,
}

/// A parsed command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Invocation {
    /// The actions, in command-line order.
    pub actions: Vec<Action>,
    /// `-i`: enter the REPL after the script.
    pub interactive: bool,
    /// `-v` (or `-i`): print the version line.
    pub version: bool,
    /// `-e` (or `-b`) was given: do not fall back to stdin or the REPL.
    pub exec: bool,
    /// `-E`: ignore `LUA_INIT`, `LUA_PATH` and `LUA_CPATH`.
    pub no_env: bool,
    /// Index in `argv` of the script (or `argv.len()` if none): `arg[0]`.
    pub script_index: usize,
    /// The script, if any.
    pub script: Option<Script>,
    /// crescent's own options.
    pub limits: Limits,
}

/// The command line is malformed: print the usage text and exit with status 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageError {
    /// What was wrong, for crescent's own options (`luajit` prints only the usage).
    pub detail: Option<String>,
}

impl Invocation {
    /// True if neither a script nor `-e`/`-v`/`-b` was given: then stdin is run, or the
    /// REPL entered when stdin is a terminal (`luajit`'s rule).
    pub fn runs_stdin_by_default(&self) -> bool {
        self.script.is_none() && !self.exec && !self.version
    }

    /// The `arg` table's entries: `argv[i]` at index `i - script_index`, so the script is
    /// `arg[0]`, its arguments `arg[1..]`, and the interpreter and options negative.
    pub fn arg_table(&self, argv: &[Vec<u8>]) -> Vec<(i64, Vec<u8>)> {
        let base = self.script_index as i64;
        argv.iter()
            .enumerate()
            .map(|(i, a)| (i as i64 - base, a.clone()))
            .collect()
    }
}

/// Parses `argv` (with `argv[0]`, the program name) as `luajit` does.
pub fn parse(argv: &[Vec<u8>]) -> Result<Invocation, UsageError> {
    let mut inv = Invocation::default();
    let usage = || UsageError { detail: None };
    // True once any of -i/-v/-e/-j/-l/-E was seen: `-b` must come first.
    let mut any_flag = false;
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        if a.first() != Some(&b'-') {
            inv.script = Some(Script::File(a.clone()));
            break;
        }
        let tail = &a[a.len().min(2)..];
        match a.get(1).copied() {
            None => {
                inv.script = Some(Script::Stdin);
                break;
            }
            Some(b'-') if tail.is_empty() => {
                i += 1;
                if let Some(s) = argv.get(i) {
                    inv.script = Some(Script::File(s.clone()));
                }
                break;
            }
            Some(b'-') => parse_long(&a[2..], &mut inv.limits)?,
            Some(c @ (b'i' | b'v')) => {
                if !tail.is_empty() {
                    return Err(usage());
                }
                inv.interactive |= c == b'i';
                inv.version = true;
                any_flag = true;
            }
            Some(c @ (b'e' | b'l' | b'j')) => {
                any_flag = true;
                let operand = if tail.is_empty() {
                    i += 1;
                    argv.get(i).ok_or_else(usage)?.clone()
                } else {
                    tail.to_vec()
                };
                inv.actions.push(match c {
                    b'e' => {
                        inv.exec = true;
                        Action::Exec(operand)
                    }
                    b'l' => Action::Require(operand),
                    _ => Action::Jit(operand),
                });
            }
            Some(b'O') => inv.actions.push(Action::Opt(tail.to_vec())),
            Some(b'b') => {
                if any_flag {
                    return Err(usage());
                }
                inv.exec = true;
                let mut rest = vec![a.clone()];
                rest.extend(argv[i + 1..].iter().cloned());
                inv.actions.push(Action::Bytecode(rest));
                // Like luajit, the script index points past `-b`; its operands are not a
                // script.
                inv.script_index = i + 1;
                return Ok(inv);
            }
            Some(b'E') => {
                inv.no_env = true;
                any_flag = true;
            }
            Some(_) => return Err(usage()),
        }
        i += 1;
    }
    inv.script_index = i.min(argv.len());
    Ok(inv)
}

/// Parses one of crescent's long options (the text after `--`).
fn parse_long(opt: &[u8], limits: &mut Limits) -> Result<(), UsageError> {
    let text = core::str::from_utf8(opt).map_err(|_| bad_long(opt))?;
    let (name, value) = match text.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (text, None),
    };
    match (name, value) {
        ("help", None) => {
            limits.help = true;
            Ok(())
        }
        ("step-budget", Some(v)) => {
            limits.steps = Some(parse_count(v).ok_or_else(|| UsageError {
                detail: Some(format!("invalid count '{v}' for --step-budget")),
            })?);
            Ok(())
        }
        ("budget-hard", None) => {
            limits.budget_hard = true;
            Ok(())
        }
        ("memory-limit", Some(v)) => {
            limits.memory = Some(parse_size(v).ok_or_else(|| UsageError {
                detail: Some(format!("invalid size '{v}' for --memory-limit")),
            })?);
            Ok(())
        }
        _ => Err(bad_long(opt)),
    }
}

fn bad_long(opt: &[u8]) -> UsageError {
    UsageError {
        detail: Some(format!(
            "unrecognized option '--{}'",
            String::from_utf8_lossy(opt)
        )),
    }
}

/// `123`, `64k`, `512m`, `2g` (binary multiples).
fn parse_size(v: &str) -> Option<usize> {
    let (digits, shift) = match v.as_bytes().last()? {
        b'k' | b'K' => (&v[..v.len() - 1], 10),
        b'm' | b'M' => (&v[..v.len() - 1], 20),
        b'g' | b'G' => (&v[..v.len() - 1], 30),
        _ => (v, 0),
    };
    let n: usize = digits.parse().ok()?;
    n.checked_mul(1usize << shift)
}

/// `123`, `5k`, `10m`, `2g` (decimal multiples: a step count, not a size).
fn parse_count(v: &str) -> Option<u64> {
    let (digits, mul) = match v.as_bytes().last()? {
        b'k' | b'K' => (&v[..v.len() - 1], 1_000),
        b'm' | b'M' => (&v[..v.len() - 1], 1_000_000),
        b'g' | b'G' => (&v[..v.len() - 1], 1_000_000_000),
        _ => (v, 1),
    };
    let n: u64 = digits.parse().ok()?;
    n.checked_mul(mul)
}

/// The usage text, `luajit`'s with crescent's own options added.
pub fn usage_text(progname: &str) -> String {
    format!(
        "usage: {progname} [options]... [script [args]...].\n\
         Available options are:\n  \
         -e chunk  Execute string 'chunk'.\n  \
         -l name   Require library 'name'.\n  \
         -b ...    Save or list bytecode.\n  \
         -j cmd    Perform LuaJIT control command.\n  \
         -O[opt]   Control LuaJIT optimizations.\n  \
         -i        Enter interactive mode after executing 'script'.\n  \
         -v        Show version information.\n  \
         -E        Ignore environment variables.\n  \
         --        Stop handling options.\n  \
         -         Execute stdin and stop handling options.\n\
         crescent options:\n  \
         --memory-limit=N  Cap the Lua heap at N bytes (suffixes k, m, g).\n  \
         --step-budget=N   Stop after about N bytecode instructions (suffixes k, m, g:\n                    \
         thousands, millions, billions) with \"instruction budget exhausted\".\n  \
         --budget-hard     Make both limits hard stops: the error recurs at every loop\n                    \
         iteration and call, so pcall cannot swallow it.\n  \
         --help            Show this text.\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(args: &[&str]) -> Vec<Vec<u8>> {
        core::iter::once("crescent")
            .chain(args.iter().copied())
            .map(|s| s.into())
            .collect()
    }

    fn ok(args: &[&str]) -> Invocation {
        parse(&argv(args)).unwrap_or_else(|e| panic!("{args:?}: {e:?}"))
    }

    fn v(s: &str) -> Vec<u8> {
        s.as_bytes().to_vec()
    }

    #[test]
    fn script_and_its_arguments() {
        let inv = ok(&["a.lua", "x", "-e", "y"]);
        assert_eq!(inv.script, Some(Script::File(v("a.lua"))));
        assert_eq!(inv.script_index, 1);
        assert!(inv.actions.is_empty());
        let args = inv.arg_table(&argv(&["a.lua", "x", "-e", "y"]));
        assert_eq!(args[0], (-1, v("crescent")));
        assert_eq!(args[1], (0, v("a.lua")));
        assert_eq!(args[3], (2, v("-e")));
    }

    #[test]
    fn options_before_the_script_are_negative_in_arg() {
        let a = argv(&["-e", "x=1", "a.lua", "q"]);
        let inv = parse(&a).unwrap();
        assert_eq!(inv.actions, vec![Action::Exec(v("x=1"))]);
        assert!(inv.exec);
        let t = inv.arg_table(&a);
        let keys: Vec<i64> = t.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, vec![-3, -2, -1, 0, 1]);
    }

    #[test]
    fn no_script_puts_everything_below_zero() {
        let a = argv(&["-e", "print(1)"]);
        let inv = parse(&a).unwrap();
        assert_eq!(inv.script, None);
        assert_eq!(inv.script_index, 3);
        let t = inv.arg_table(&a);
        assert_eq!(t.last().unwrap(), &(-1, v("print(1)")));
        assert!(!inv.runs_stdin_by_default());
        assert!(ok(&[]).runs_stdin_by_default());
        assert_eq!(ok(&[]).script_index, 1);
    }

    #[test]
    fn attached_and_detached_operands() {
        let inv = ok(&[
            "-lfoo",
            "-l",
            "bar",
            "-eprint(1)",
            "-joff",
            "-j",
            "v",
            "-O3",
            "-O",
        ]);
        assert_eq!(
            inv.actions,
            vec![
                Action::Require(v("foo")),
                Action::Require(v("bar")),
                Action::Exec(v("print(1)")),
                Action::Jit(v("off")),
                Action::Jit(v("v")),
                Action::Opt(v("3")),
                Action::Opt(v("")),
            ]
        );
        assert_eq!(
            ok(&["-Ohotloop=5", "-O-fold"]).actions[1],
            Action::Opt(v("-fold"))
        );
    }

    #[test]
    fn dash_is_stdin_unless_after_double_dash() {
        let inv = ok(&["-", "a"]);
        assert_eq!(inv.script, Some(Script::Stdin));
        assert_eq!(inv.script_index, 1);
        let inv = ok(&["--", "-", "a"]);
        assert_eq!(inv.script, Some(Script::File(v("-"))));
        assert_eq!(inv.script_index, 2);
        let inv = ok(&["--"]);
        assert_eq!(inv.script, None);
        assert_eq!(inv.script_index, 2);
        let inv = ok(&["--", "-e"]);
        assert_eq!(inv.script, Some(Script::File(v("-e"))));
    }

    #[test]
    fn interactive_implies_version() {
        let inv = ok(&["-i"]);
        assert!(inv.interactive && inv.version);
        assert!(!ok(&["-v"]).interactive);
        assert!(ok(&["-v"]).version);
        assert!(!ok(&["-v"]).runs_stdin_by_default());
    }

    #[test]
    fn usage_errors() {
        for bad in [
            &["-x"][..],
            &["-vx"],
            &["-ix"],
            &["--x"],
            &["-e"],
            &["-l"],
            &["-j"],
            &["-v", "-b"],
            &["-e", "x", "-b"],
        ] {
            assert!(parse(&argv(bad)).is_err(), "{bad:?}");
        }
        // -E takes any tail, like luajit.
        assert!(ok(&["-Exyz"]).no_env);
    }

    #[test]
    fn bytecode_takes_the_rest() {
        let inv = ok(&["-b", "in.lua", "out.o"]);
        assert_eq!(
            inv.actions,
            vec![Action::Bytecode(vec![v("-b"), v("in.lua"), v("out.o")])]
        );
        assert!(inv.exec);
        assert_eq!(inv.script, None);
    }

    #[test]
    fn crescent_long_options() {
        assert_eq!(ok(&["--memory-limit=64k"]).limits.memory, Some(65536));
        assert_eq!(
            ok(&["--memory-limit=2m", "a.lua"]).limits.memory,
            Some(2 << 20)
        );
        assert_eq!(ok(&["--memory-limit=123"]).limits.memory, Some(123));
        let e = parse(&argv(&["--memory-limit=lots"])).unwrap_err();
        assert!(e.detail.unwrap().contains("invalid size"));
        let e = parse(&argv(&["--frobnicate"])).unwrap_err();
        assert_eq!(e.detail.unwrap(), "unrecognized option '--frobnicate'");
        assert!(parse(&argv(&["--memory-limit"])).is_err());
        assert_eq!(ok(&["--step-budget=5000"]).limits.steps, Some(5000));
        assert_eq!(ok(&["--step-budget=3m"]).limits.steps, Some(3_000_000));
        let e = parse(&argv(&["--step-budget=-1"])).unwrap_err();
        assert!(e.detail.unwrap().contains("invalid count"));
        assert!(parse(&argv(&["--step-budget"])).is_err());
        assert!(ok(&["--budget-hard", "a.lua"]).limits.budget_hard);
        assert!(!ok(&["a.lua"]).limits.budget_hard);
        assert!(parse(&argv(&["--budget-hard=1"])).is_err());
        assert!(ok(&["--help"]).limits.help);
        assert!(parse(&argv(&["--help=x"])).is_err());
    }

    #[test]
    fn usage_lists_every_option() {
        let u = usage_text("crescent");
        assert!(u.starts_with("usage: crescent [options]... [script [args]...].\n"));
        for opt in [
            "-e chunk",
            "-l name",
            "-b ...",
            "-j cmd",
            "-O[opt]",
            "-i ",
            "-v ",
            "-E ",
            "--memory-limit",
            "--step-budget=N",
            "--budget-hard",
        ] {
            assert!(u.contains(opt), "{opt}");
        }
    }
}
