//! The command-line program's order of work (`luajit.c`'s `pmain`), over any [`Engine`].
//!
//! Order, as `luajit` does it: parse the command line (a usage error prints the usage and
//! exits 1 before any VM exists); build the `arg` table; run `LUA_INIT` (`@file` runs that
//! file) unless `-E`; print the version line if `-v`/`-i`; run `-e`/`-l`/`-j`/`-O` in
//! command-line order; run the script (its arguments come from the `arg` table at call
//! time); then the REPL if `-i`, or, with no script and no `-e`/`-v`, the REPL when stdin
//! is a terminal (after the version line) and stdin as a script otherwise.
//! The first failure is reported as `progname: message` and ends the program with
//! status 1 (`EXIT_FAILURE`); success is 0. `os.exit` leaves from inside the VM.

use super::args::{self, Action, Invocation, Script};
use super::engine::{ChunkArgs, Console, Engine, Failure, FailureKind};
use super::jit;
use super::repl;
use super::source;

/// The version line (`-v`, the REPL banner).
pub const VERSION: &str = concat!(
    "crescent ",
    env!("CARGO_PKG_VERSION"),
    " -- a Lua 5.1 VM with a tracing JIT for AArch64 (LuaJIT 2.1 compatible)"
);

/// Exit status of a successful run.
pub const EXIT_SUCCESS: i32 = 0;
/// Exit status after a reported failure or a usage error.
pub const EXIT_FAILURE: i32 = 1;

/// Where environment variables come from (the process's, or a test's).
pub trait Environment {
    /// The variable's value, if set.
    fn var(&self, name: &str) -> Option<Vec<u8>>;
}

/// Runs the program: `argv` includes the program name; `make_engine` builds the VM once
/// the command line is known good. Returns the exit status.
pub fn run<E: Engine, C: Console>(
    argv: &[Vec<u8>],
    env: &dyn Environment,
    console: &mut C,
    make_engine: impl FnOnce(&Invocation) -> Result<E, String>,
) -> i32 {
    let progname = progname(argv);
    let inv = match args::parse(argv) {
        Ok(inv) => inv,
        Err(e) => {
            let mut text = String::new();
            if let Some(detail) = e.detail {
                text = format!("{progname}: {detail}\n");
            }
            text.push_str(&args::usage_text(&progname));
            console.err(text.as_bytes());
            return EXIT_FAILURE;
        }
    };
    if inv.limits.help {
        console.out(args::usage_text(&progname).as_bytes());
        console.flush_out();
        return EXIT_SUCCESS;
    }
    let mut engine = match make_engine(&inv) {
        Ok(e) => e,
        Err(msg) => {
            console.err(format!("{progname}: {msg}\n").as_bytes());
            return EXIT_FAILURE;
        }
    };
    let mut session = Session {
        engine: &mut engine,
        console,
    };
    let status = match session.main(argv, &inv, env) {
        Ok(()) => EXIT_SUCCESS,
        Err(failure) => {
            repl::report(session.console, Some(&progname), &failure);
            EXIT_FAILURE
        }
    };
    session.console.flush_out();
    status
}

/// The program name for messages: `argv[0]` as `lua.c` uses it, `crescent` if empty.
pub fn progname(argv: &[Vec<u8>]) -> String {
    match argv.first() {
        Some(p) if !p.is_empty() => String::from_utf8_lossy(p).into_owned(),
        _ => "crescent".to_string(),
    }
}

struct Session<'a, E, C> {
    engine: &'a mut E,
    console: &'a mut C,
}

impl<E: Engine, C: Console> Session<'_, E, C> {
    fn main(
        &mut self,
        argv: &[Vec<u8>],
        inv: &Invocation,
        env: &dyn Environment,
    ) -> Result<(), Failure> {
        self.engine.set_args(&inv.arg_table(argv));
        if !inv.no_env {
            self.lua_init(env)?;
        }
        if inv.version {
            self.console.out(VERSION.as_bytes());
            self.console.out(b"\n");
        }
        for action in &inv.actions {
            self.action(action)?;
        }
        if let Some(script) = &inv.script {
            let (bytes, chunkname) = match script {
                Script::Stdin => (self.read_stdin()?, "=stdin".to_string()),
                Script::File(path) => {
                    let s =
                        source::read_file(path).map_err(|m| Failure::new(FailureKind::File, m))?;
                    (s.bytes, s.chunkname)
                }
            };
            self.run_chunk(&bytes, &chunkname, ChunkArgs::FromArgTable)?;
        }
        if inv.interactive {
            self.banner_jit_status();
            repl::run(self.engine, self.console);
        } else if inv.runs_stdin_by_default() {
            if self.console.stdin_is_tty() {
                self.console.out(VERSION.as_bytes());
                self.console.out(b"\n");
                self.banner_jit_status();
                repl::run(self.engine, self.console);
            } else {
                let bytes = self.read_stdin()?;
                self.run_chunk(&bytes, "=stdin", ChunkArgs::None)?;
            }
        }
        Ok(())
    }

    fn lua_init(&mut self, env: &dyn Environment) -> Result<(), Failure> {
        let Some(init) = env.var("LUA_INIT") else {
            return Ok(());
        };
        match init.strip_prefix(b"@") {
            Some(path) => {
                let s = source::read_file(path).map_err(|m| Failure::new(FailureKind::File, m))?;
                self.run_chunk(&s.bytes, &s.chunkname, ChunkArgs::None)
            }
            None => self.run_chunk(&init, "=LUA_INIT", ChunkArgs::None),
        }
    }

    fn action(&mut self, action: &Action) -> Result<(), Failure> {
        match action {
            Action::Exec(chunk) => self.run_chunk(chunk, "=(command line)", ChunkArgs::None),
            Action::Require(name) => self.engine.require(name),
            Action::Jit(cmd) => {
                let req = jit::parse_jit(cmd).map_err(|m| Failure::new(FailureKind::Runtime, m))?;
                self.engine.jit_control(&req)
            }
            Action::Opt(opt) => {
                let req = jit::parse_opt(opt).map_err(|m| Failure::new(FailureKind::Runtime, m))?;
                self.engine.jit_control(&req)
            }
            Action::Bytecode(_) => Err(Failure::new(
                FailureKind::Runtime,
                "-b: saving or listing bytecode is not supported by crescent",
            )),
        }
    }

    fn read_stdin(&mut self) -> Result<Vec<u8>, Failure> {
        let bytes = self
            .console
            .read_all()
            .map_err(|m| Failure::new(FailureKind::File, format!("cannot read stdin: {m}")))?;
        Ok(source::skip_hash_line(bytes))
    }

    fn run_chunk(
        &mut self,
        source: &[u8],
        chunkname: &str,
        args: ChunkArgs,
    ) -> Result<(), Failure> {
        let chunk = self.engine.load(source, chunkname)?;
        self.engine.call(chunk, args).map(|_| ())
    }

    fn banner_jit_status(&mut self) {
        let words = self.engine.jit_status();
        let mut line = b"JIT:".to_vec();
        for w in &words {
            line.push(b' ');
            line.extend_from_slice(w);
        }
        line.push(b'\n');
        self.console.out(&line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::repl::tests::{FakeConsole, FakeEngine};
    use std::collections::HashMap;

    struct Vars(HashMap<&'static str, &'static str>);
    impl Environment for Vars {
        fn var(&self, name: &str) -> Option<Vec<u8>> {
            self.0.get(name).map(|v| v.as_bytes().to_vec())
        }
    }

    fn run_with(
        args: &[&str],
        vars: &[(&'static str, &'static str)],
        console: &mut FakeConsole,
    ) -> (i32, FakeEngine) {
        let argv: Vec<Vec<u8>> = core::iter::once("crescent")
            .chain(args.iter().copied())
            .map(Into::into)
            .collect();
        let env = Vars(vars.iter().copied().collect());
        let mut engine = FakeEngine::default();
        let status = run(&argv, &env, console, |_| Ok(&mut engine));
        (status, engine)
    }

    #[test]
    fn order_of_work() {
        let mut c = FakeConsole::default();
        let (status, e) = run_with(
            &["-v", "-e", "return 1", "-lmod", "-joff", "-O3"],
            &[("LUA_INIT", "init = 1")],
            &mut c,
        );
        assert_eq!(status, 0);
        assert_eq!(e.ran, vec!["init = 1", "return 1"]);
        assert_eq!(e.loaded[0].0, "=LUA_INIT");
        assert_eq!(e.loaded[1].0, "=(command line)");
        assert_eq!(e.required, vec!["mod"]);
        assert_eq!(e.jit.len(), 2);
        assert!(c.log().starts_with("crescent 0."));
        // -e given: stdin is neither run nor used for a REPL.
        assert!(!c.log().contains("JIT:"));
    }

    #[test]
    fn no_env_skips_lua_init() {
        let mut c = FakeConsole::default();
        let (status, e) = run_with(&["-E", "-e", "x"], &[("LUA_INIT", "init")], &mut c);
        assert_eq!(status, 0);
        assert_eq!(e.ran, vec!["x"]);
    }

    #[test]
    fn first_failure_stops_with_status_1() {
        let mut c = FakeConsole::default();
        let (status, e) = run_with(&["-e", "error bad", "-e", "never"], &[], &mut c);
        assert_eq!(status, 1);
        assert_eq!(e.ran, vec!["error bad"]);
        assert_eq!(
            c.log(),
            "[err]crescent: stdin:1: bad\nstack traceback:\n\t[C]: ?\n"
        );

        let mut c = FakeConsole::default();
        let (status, _) = run_with(&["-e", "syntax here"], &[], &mut c);
        assert_eq!(status, 1);
        assert_eq!(
            c.log(),
            "[err]crescent: (command line):1: unexpected symbol near 'syntax'\n"
        );

        let mut c = FakeConsole::default();
        let (status, _) = run_with(&["-e", "error"], &[], &mut c);
        assert_eq!((status, c.log().as_str()), (1, ""));

        let mut c = FakeConsole::default();
        let (status, _) = run_with(&["-l", "missing"], &[], &mut c);
        assert_eq!(
            (status, c.log().as_str()),
            (1, "[err]crescent: module 'missing' not found\n")
        );
    }

    #[test]
    fn jit_typos_fail_like_luajit() {
        let mut c = FakeConsole::default();
        let (status, _) = run_with(&["-Ofoo"], &[], &mut c);
        assert_eq!(status, 1);
        assert_eq!(
            c.log(),
            "[err]crescent: unknown or malformed optimization flag 'foo'\n"
        );
        let mut c = FakeConsole::default();
        let (status, _) = run_with(&["-jbogus"], &[], &mut c);
        assert_eq!(status, 1);
        assert!(c.log().contains("unknown luaJIT command"));
    }

    #[test]
    fn usage_error_prints_usage() {
        let mut c = FakeConsole::default();
        let (status, e) = run_with(&["-x"], &[], &mut c);
        assert_eq!(status, 1);
        assert!(c.log().starts_with("[err]usage: crescent [options]..."));
        assert!(e.ran.is_empty());
        let mut c = FakeConsole::default();
        let (_, _) = run_with(&["--nope"], &[], &mut c);
        assert!(c
            .log()
            .starts_with("[err]crescent: unrecognized option '--nope'\nusage: "));
    }

    #[test]
    fn help_goes_to_stdout() {
        let mut c = FakeConsole::default();
        let (status, e) = run_with(&["--help", "-e", "x"], &[], &mut c);
        assert_eq!(status, 0);
        assert!(c.log().starts_with("usage: crescent "));
        assert!(!c.log().contains("[err]"));
        assert!(e.ran.is_empty());
    }

    #[test]
    fn stdin_runs_when_not_a_tty() {
        let mut c = FakeConsole::with_lines(&["x = 1", "return 2"]);
        let (status, e) = run_with(&[], &[], &mut c);
        assert_eq!(status, 0);
        assert_eq!(
            e.loaded,
            vec![("=stdin".to_string(), "x = 1\nreturn 2\n".to_string())]
        );
        assert!(e.printed.is_empty());
    }

    #[test]
    fn tty_stdin_gets_the_repl_with_banner() {
        let mut c = FakeConsole::with_lines(&["=1"]);
        c.tty = true;
        let (status, e) = run_with(&[], &[], &mut c);
        assert_eq!(status, 0);
        assert!(c.log().starts_with("crescent "));
        assert!(c.log().contains("\nJIT: OFF\n> > \n"));
        assert_eq!(e.printed, vec!["1"]);
    }

    #[test]
    fn interactive_after_script_args() {
        let mut c = FakeConsole::with_lines(&["=2"]);
        let (status, e) = run_with(&["-i", "-e", "x"], &[], &mut c);
        assert_eq!(status, 0);
        assert_eq!(e.ran, vec!["x", "return 2"]);
        let log = c.log();
        assert!(
            log.starts_with("crescent ") && log.contains("JIT: OFF\n> > \n"),
            "{log}"
        );
    }

    #[test]
    fn script_from_stdin_and_args() {
        let mut c = FakeConsole::with_lines(&["#!shebang", "return 3"]);
        let (status, e) = run_with(&["-", "a", "b"], &[], &mut c);
        assert_eq!(status, 0);
        assert_eq!(
            e.loaded,
            vec![("=stdin".to_string(), "\nreturn 3\n".to_string())]
        );
        let keys: Vec<i64> = e.args.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, vec![-1, 0, 1, 2]);
    }

    #[test]
    fn missing_script_file() {
        let mut c = FakeConsole::default();
        let (status, _) = run_with(&["/nonexistent/x.lua"], &[], &mut c);
        assert_eq!(status, 1);
        assert_eq!(
            c.log(),
            "[err]crescent: cannot open /nonexistent/x.lua: No such file or directory\n"
        );
    }

    #[test]
    fn bytecode_option_is_an_honest_error() {
        let mut c = FakeConsole::default();
        let (status, _) = run_with(&["-b", "x.lua", "x.out"], &[], &mut c);
        assert_eq!(status, 1);
        assert!(c.log().contains("not supported"));
    }
}
