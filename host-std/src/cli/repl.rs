//! The interactive loop (`lua.c`'s `dotty`), over any [`Engine`] and [`Console`].
//!
//! Invariants, as `lua.c` keeps them:
//! - a line starting with `=` is read as `return <rest>` (first line only);
//! - a statement is complete unless compiling it fails with a syntax error whose message
//!   ends in `'<eof>'`; then a continuation line (prompt `_PROMPT2`, default `>> `) is
//!   appended after a newline and the whole is compiled again;
//! - end of input while continuing drops the partial statement silently and ends the
//!   loop, which prints a final newline;
//! - errors are reported without the program name; results are passed to `print`.
//!
//! Prompts go to standard output, flushed, so a REPL driven through a pipe shows each
//! prompt before its output, as `luajit -i` does.

use super::engine::{ChunkArgs, Console, Engine, Failure};

/// The chunk name of REPL input, as in `lua.c`.
pub const CHUNKNAME: &str = "=stdin";

/// Runs the REPL until standard input ends.
pub fn run<E: Engine, C: Console>(engine: &mut E, console: &mut C) {
    while let Some(loaded) = load_statement(engine, console) {
        let result = loaded.and_then(|chunk| engine.call(chunk, ChunkArgs::None));
        match result {
            Ok(values) => {
                if engine.count(&values) > 0 {
                    if let Err(msg) = engine.print(values) {
                        let mut line = b"error calling 'print' (".to_vec();
                        line.extend_from_slice(&msg);
                        line.extend_from_slice(b")\n");
                        console.err(&line);
                    }
                }
            }
            Err(failure) => report(console, None, &failure),
        }
    }
    console.out(b"\n");
    console.flush_out();
}

/// Reads lines until they form a complete statement (or a real error); `None` at end of
/// input.
fn load_statement<E: Engine, C: Console>(
    engine: &mut E,
    console: &mut C,
) -> Option<Result<E::Chunk, Failure>> {
    prompt(engine, console, false);
    let first = console.read_line()?;
    let mut source = match first.strip_prefix(b"=") {
        Some(expr) => [b"return ".as_slice(), expr].concat(),
        None => first,
    };
    loop {
        match engine.load(&source, CHUNKNAME) {
            Err(f) if f.is_incomplete() => {
                prompt(engine, console, true);
                let more = console.read_line()?;
                source.push(b'\n');
                source.extend_from_slice(&more);
            }
            loaded => return Some(loaded),
        }
    }
}

fn prompt<E: Engine, C: Console>(engine: &mut E, console: &mut C, continuation: bool) {
    let p = engine.prompt(continuation);
    console.out(&p);
    console.flush_out();
}

/// Prints a failure as `lua.c`'s `report` does: `progname: text` (or just `text` inside
/// the REPL), nothing for a nil error object.
pub fn report<C: Console>(console: &mut C, progname: Option<&str>, failure: &Failure) {
    let Some(text) = &failure.text else { return };
    let mut line = Vec::with_capacity(text.len() + 32);
    if let Some(p) = progname {
        line.extend_from_slice(p.as_bytes());
        line.extend_from_slice(b": ");
    }
    line.extend_from_slice(text);
    line.push(b'\n');
    console.err(&line);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::cli::engine::FailureKind;
    use crate::cli::jit::JitRequest;
    use std::collections::VecDeque;

    /// A console over fixed input that records both outputs, interleaved in one log so
    /// tests see their order (`err` lines are marked).
    #[derive(Default)]
    pub(crate) struct FakeConsole {
        pub input: VecDeque<Vec<u8>>,
        pub log: Vec<u8>,
        pub tty: bool,
    }

    impl FakeConsole {
        pub fn with_lines(lines: &[&str]) -> FakeConsole {
            FakeConsole {
                input: lines.iter().map(|l| l.as_bytes().to_vec()).collect(),
                ..Default::default()
            }
        }
        pub fn log(&self) -> String {
            String::from_utf8_lossy(&self.log).into_owned()
        }
    }

    impl Console for FakeConsole {
        fn out(&mut self, bytes: &[u8]) {
            self.log.extend_from_slice(bytes);
        }
        fn flush_out(&mut self) {}
        fn err(&mut self, bytes: &[u8]) {
            self.log.extend_from_slice(b"[err]");
            self.log.extend_from_slice(bytes);
        }
        fn read_line(&mut self) -> Option<Vec<u8>> {
            self.input.pop_front()
        }
        fn read_all(&mut self) -> Result<Vec<u8>, String> {
            let mut all = Vec::new();
            while let Some(l) = self.input.pop_front() {
                all.extend_from_slice(&l);
                all.push(b'\n');
            }
            Ok(all)
        }
        fn stdin_is_tty(&self) -> bool {
            self.tty
        }
    }

    /// A toy engine: a chunk is complete when its `do`/`end` words balance; `error X`
    /// fails at run time; `return a,b` yields values; `print` writes to `printed`.
    #[derive(Default)]
    pub(crate) struct FakeEngine {
        pub loaded: Vec<(String, String)>,
        pub ran: Vec<String>,
        pub printed: Vec<String>,
        pub args: Vec<(i64, Vec<u8>)>,
        pub jit: Vec<JitRequest>,
        pub required: Vec<String>,
    }

    impl Engine for FakeEngine {
        type Chunk = String;
        type Values = Vec<String>;

        fn set_args(&mut self, entries: &[(i64, Vec<u8>)]) {
            self.args = entries.to_vec();
        }
        fn load(&mut self, source: &[u8], chunkname: &str) -> Result<String, Failure> {
            let s = String::from_utf8_lossy(source).into_owned();
            self.loaded.push((chunkname.to_string(), s.clone()));
            let words: Vec<&str> = s.split_whitespace().collect();
            let opens = words.iter().filter(|w| **w == "do").count();
            let ends = words.iter().filter(|w| **w == "end").count();
            let name = chunkname.trim_start_matches(['=', '@']);
            if opens > ends {
                return Err(Failure::new(
                    FailureKind::Syntax,
                    format!("{name}:1: 'end' expected near '<eof>'"),
                ));
            }
            if words.first() == Some(&"syntax") {
                return Err(Failure::new(
                    FailureKind::Syntax,
                    format!("{name}:1: unexpected symbol near 'syntax'"),
                ));
            }
            Ok(s)
        }
        fn call(&mut self, chunk: String, _args: ChunkArgs) -> Result<Vec<String>, Failure> {
            self.ran.push(chunk.clone());
            if let Some(msg) = chunk.strip_prefix("error ") {
                return Err(Failure::new(
                    FailureKind::Runtime,
                    format!("stdin:1: {msg}\nstack traceback:\n\t[C]: ?"),
                ));
            }
            if chunk == "error" {
                return Err(Failure {
                    kind: FailureKind::Runtime,
                    text: None,
                });
            }
            Ok(match chunk.strip_prefix("return ") {
                Some(v) => v.split(',').map(|x| x.trim().to_string()).collect(),
                None => Vec::new(),
            })
        }
        fn count(&self, values: &Vec<String>) -> usize {
            values.len()
        }
        fn print(&mut self, values: Vec<String>) -> Result<(), Vec<u8>> {
            if values.iter().any(|v| v == "badprint") {
                return Err(b"attempt to call a nil value".to_vec());
            }
            self.printed.push(values.join("\t"));
            Ok(())
        }
        fn require(&mut self, name: &[u8]) -> Result<(), Failure> {
            let name = String::from_utf8_lossy(name).into_owned();
            if name == "missing" {
                return Err(Failure::new(
                    FailureKind::Runtime,
                    "module 'missing' not found",
                ));
            }
            self.required.push(name);
            Ok(())
        }
        fn jit_control(&mut self, request: &JitRequest) -> Result<(), Failure> {
            self.jit.push(request.clone());
            Ok(())
        }
        fn jit_status(&mut self) -> Vec<Vec<u8>> {
            vec![b"OFF".to_vec()]
        }
        fn prompt(&mut self, continuation: bool) -> Vec<u8> {
            if continuation {
                b">> ".to_vec()
            } else {
                b"> ".to_vec()
            }
        }
    }

    #[test]
    fn continuation_and_equals() {
        let mut e = FakeEngine::default();
        let mut c = FakeConsole::with_lines(&["x = 1", "do", "y = 2", "end", "=x, y"]);
        run(&mut e, &mut c);
        assert_eq!(c.log(), "> > >> >> > > \n");
        assert_eq!(e.ran, vec!["x = 1", "do\ny = 2\nend", "return x, y"]);
        assert_eq!(e.printed, vec!["x\ty"]);
        assert!(e.loaded.iter().all(|(n, _)| n == "=stdin"));
    }

    #[test]
    fn errors_are_reported_without_progname_and_the_loop_goes_on() {
        let mut e = FakeEngine::default();
        let mut c = FakeConsole::with_lines(&["error boom", "syntax x", "error", "return 5"]);
        run(&mut e, &mut c);
        assert_eq!(
            c.log(),
            "> [err]stdin:1: boom\nstack traceback:\n\t[C]: ?\n\
             > [err]stdin:1: unexpected symbol near 'syntax'\n> > > \n"
        );
        assert_eq!(e.printed, vec!["5"]);
    }

    #[test]
    fn eof_inside_a_statement_drops_it() {
        let mut e = FakeEngine::default();
        let mut c = FakeConsole::with_lines(&["do", "x = 1"]);
        run(&mut e, &mut c);
        assert_eq!(c.log(), "> >> >> \n");
        assert!(e.ran.is_empty());
    }

    #[test]
    fn equals_only_on_the_first_line() {
        let mut e = FakeEngine::default();
        let mut c = FakeConsole::with_lines(&["do", "=1", "end"]);
        run(&mut e, &mut c);
        assert_eq!(e.ran, vec!["do\n=1\nend"]);
    }

    #[test]
    fn print_failure_is_reported() {
        let mut e = FakeEngine::default();
        let mut c = FakeConsole::with_lines(&["=badprint"]);
        run(&mut e, &mut c);
        assert_eq!(
            c.log(),
            "> [err]error calling 'print' (attempt to call a nil value)\n> \n"
        );
    }

    #[test]
    fn incomplete_needs_a_syntax_error_ending_in_eof() {
        let syntax = Failure::new(FailureKind::Syntax, "stdin:1: 'end' expected near '<eof>'");
        assert!(syntax.is_incomplete());
        let runtime = Failure::new(FailureKind::Runtime, "x: 'end' expected near '<eof>'");
        assert!(!runtime.is_incomplete());
        let elsewhere = Failure::new(FailureKind::Syntax, "stdin:1: '<eof>' near 'x'");
        assert!(!elsewhere.is_incomplete());
        assert!(!Failure {
            kind: FailureKind::Syntax,
            text: None
        }
        .is_incomplete());
    }
}
