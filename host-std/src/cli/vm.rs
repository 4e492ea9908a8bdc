//! The [`Engine`] over crescent's VM (`crescent_core::vm::Vm`).
//!
//! Invariants:
//! - A loaded chunk is rooted (in `Vm::roots`) from `load` until `call` takes it; the
//!   results of the last call stay rooted until the next call, so the REPL can print them.
//! - Every call from the host saves the thread's frame depth and stack top and restores
//!   them afterwards, success or error, so a failed statement leaves the VM clean for the
//!   next one. The traceback is taken before that reset, while the failing frames exist.
//! - Error reports follow `lua.c`'s traceback handler: strings and numbers get
//!   `\nstack traceback:...`; an object with `__tostring` is shown through it (LuaJIT's
//!   handler does this; a failing `__tostring` is "error in error handling"); nil prints
//!   nothing; other values print `(error object is not a string)`. Syntax and memory
//!   errors have no traceback.
//! - `print`, `io.write` and the REPL share `StdStreams::stdout`; `dofile`/`loadfile`
//!   read files through the VM's file hook, and standard input through the shared stdin.

use super::args::Invocation;
use super::driver::Environment;
use super::engine::{ChunkArgs, Engine, Failure, FailureKind};
use super::jit::JitRequest;
use super::source::strerror;
use crate::iolib::StdStreams;
use crescent_core::value::Value;
use crescent_core::vm::{LuaError, Tm, Vm};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

/// The message of the VM's memory error (raised without a traceback).
const MEMORY_ERROR: &[u8] = b"not enough memory";

/// The VM adapter.
pub struct VmEngine {
    vm: Vm,
    /// Number of `vm.roots` entries below the last call's results.
    results_base: usize,
    /// JIT requests the VM cannot act on yet (no `jit` library or module): kept so they
    /// can be applied once it can. See [`VmEngine::jit_control`].
    pending_jit: Vec<JitRequest>,
}

impl VmEngine {
    /// Builds the VM for this invocation: standard libraries, io and os over `streams`,
    /// `print` to the shared stdout, the file hook, the memory limit, and `LUA_PATH` /
    /// `LUA_CPATH` (unless `-E`).
    pub fn new(
        inv: &Invocation,
        env: &dyn Environment,
        streams: StdStreams,
    ) -> Result<VmEngine, String> {
        let mut vm = Vm::new();
        let opened = crescent_core::stdlib::open_libs(&mut vm)
            .and_then(|()| crate::iolib::open_io(&mut vm, &streams))
            .and_then(|()| crate::oslib::open_os(&mut vm, &streams));
        if let Err(e) = opened {
            return Err(format!(
                "cannot open the standard library: {}",
                vm.error_message(e)
            ));
        }
        let out = streams.stdout.clone();
        vm.set_output(Box::new(move |b: &[u8]| {
            let _ = out.borrow_mut().write(b);
        }));
        let stdin = streams.stdin.clone();
        vm.file_hook = Some(Box::new(move |path: Option<&str>| match path {
            Some(p) => read_whole_file(p),
            None => {
                let mut s = stdin.borrow_mut();
                s.clear_error();
                let all = s.read_all();
                match s.take_error() {
                    Some(e) => Err(format!("cannot read stdin: {}", strerror(&e))),
                    None => Ok(all),
                }
            }
        }));
        // The trace JIT runs code from this host's executable memory; `-jv`/`-jdump`
        // lines go to stderr, as luajit writes them.
        crescent_core::jit::engine::set_code_memory(
            &mut vm,
            Box::new(crate::exec_memory::ExecMemory::new()),
        );
        crescent_core::jit::engine::engine(&mut vm).set_log(Box::new(|s: &str| {
            let _ = std::io::Write::write_all(&mut std::io::stderr(), s.as_bytes());
        }));
        let mut engine = VmEngine {
            vm,
            results_base: 0,
            pending_jit: Vec::new(),
        };
        if !inv.no_env {
            engine.set_search_path("path", env.var("LUA_PATH"));
            engine.set_search_path("cpath", env.var("LUA_CPATH"));
        }
        engine.vm.set_memory_limit(inv.limits.memory);
        engine.vm.set_budget_hard(inv.limits.budget_hard);
        engine.vm.set_step_budget(inv.limits.steps);
        // The trace JIT is on by default, as in luajit (`-joff` turns it off); compiled
        // traces charge the step budget at their loop back-edges.
        crescent_core::jit::engine::set_enabled(&mut engine.vm, true);
        engine.results_base = engine.vm.roots.len();
        Ok(engine)
    }

    /// JIT requests received before the VM could apply them.
    pub fn pending_jit(&self) -> &[JitRequest] {
        &self.pending_jit
    }

    /// `package.<field>` from an environment variable, `;;` standing for the default path
    /// (as `lua.c`'s `setpath` does). Without a `package` library there is nothing to set.
    fn set_search_path(&mut self, field: &str, value: Option<Vec<u8>>) {
        let Some(value) = value else { return };
        let package = self.vm.get_global("package");
        if !package.is_table() {
            return;
        }
        let Ok(key) = self.vm.new_str(field.as_bytes()) else {
            return;
        };
        let default = self.vm.raw_get(package, key);
        let default = if default.is_str() {
            self.vm.str_bytes(default).to_vec()
        } else {
            Vec::new()
        };
        let mut path = Vec::with_capacity(value.len() + default.len());
        let mut rest = &value[..];
        while let Some(at) = rest.windows(2).position(|w| w == b";;") {
            path.extend_from_slice(&rest[..at]);
            path.push(b';');
            path.extend_from_slice(&default);
            path.push(b';');
            rest = &rest[at + 2..];
        }
        path.extend_from_slice(rest);
        if let Ok(v) = self.vm.new_str(&path) {
            let _ = self.vm.raw_set(package, key, v);
        }
    }

    /// Drops the previous call's results from the roots.
    fn release_results(&mut self) {
        self.vm.roots.truncate(self.results_base);
    }

    /// Calls `f` with `args` from the host, restoring the stack afterwards. On success the
    /// results are returned (not rooted: the caller roots what it keeps).
    fn host_call(&mut self, f: Value, args: &[Value]) -> Result<Vec<Value>, Failure> {
        let depth = self.vm.frame_depth();
        let top = self.vm.stack_top();
        match self.vm.call(f, args, None) {
            Ok(n) => {
                let out = self.vm.top_values(n).to_vec();
                self.vm.reset_stack(depth, top);
                Ok(out)
            }
            Err(e) => {
                let traceback = self.vm.traceback();
                let value = match e {
                    LuaError::Value(v) => Some(v),
                    LuaError::Yield => None,
                };
                if let Some(v) = value {
                    self.vm.roots.push(v);
                }
                self.vm.reset_stack(depth, top);
                let failure = match value {
                    Some(v) => self.report_value(v, &traceback),
                    None => Failure::new(
                        FailureKind::Runtime,
                        format!("attempt to yield from outside a coroutine\n{traceback}"),
                    ),
                };
                if value.is_some() {
                    self.vm.roots.pop();
                }
                Err(failure)
            }
        }
    }

    /// What `lua.c` reports for error value `v` (see the module invariants).
    fn report_value(&mut self, v: Value, traceback: &str) -> Failure {
        if v.is_nil() {
            return Failure {
                kind: FailureKind::Runtime,
                text: None,
            };
        }
        let message = if v.is_str() || v.is_num() {
            let m = self.vm.to_display_bytes(v);
            if m == MEMORY_ERROR {
                return Failure::new(FailureKind::Memory, m);
            }
            Some(m)
        } else if !self.vm.metamethod(v, Tm::ToString).is_nil() {
            let depth = self.vm.frame_depth();
            let top = self.vm.stack_top();
            let r = self.vm.tostring(v);
            let m = match r {
                Ok(s) if s.is_str() || s.is_num() => Some(self.vm.to_display_bytes(s)),
                Ok(_) => None,
                Err(_) => {
                    // The handler itself failed: LuaJIT's LUA_ERRERR.
                    self.vm.reset_stack(depth, top);
                    return Failure::new(FailureKind::Runtime, "error in error handling");
                }
            };
            self.vm.reset_stack(depth, top);
            m
        } else {
            None
        };
        match message {
            Some(mut m) => {
                m.push(b'\n');
                m.extend_from_slice(traceback.as_bytes());
                Failure::new(FailureKind::Runtime, m)
            }
            None => Failure::new(FailureKind::Runtime, "(error object is not a string)"),
        }
    }

    /// `t[key]` for a string key, with metamethods; nil on error.
    fn field(&mut self, t: Value, key: &str) -> Value {
        if !t.is_table() {
            return Value::NIL;
        }
        match self.vm.new_str(key.as_bytes()) {
            Ok(k) => self.vm.index(t, k).unwrap_or(Value::NIL),
            Err(_) => Value::NIL,
        }
    }

    /// Arguments of a JIT request as Lua values (strings, nil for empty pieces), rooted.
    fn push_jit_args(&mut self, args: &[Option<Vec<u8>>]) -> Result<Vec<Value>, Failure> {
        let mut out = Vec::with_capacity(args.len());
        for a in args {
            let v = match a {
                Some(b) => self.vm.new_str(b).map_err(|e| self.load_failure(e))?,
                None => Value::NIL,
            };
            self.vm.roots.push(v);
            out.push(v);
        }
        Ok(out)
    }

    fn load_failure(&mut self, e: LuaError) -> Failure {
        let msg = self.vm.error_message(e);
        let kind = if msg.as_bytes() == MEMORY_ERROR {
            FailureKind::Memory
        } else {
            FailureKind::Syntax
        };
        Failure::new(kind, msg)
    }

    /// Calls `f(args)` for a JIT request, keeping `args` rooted meanwhile. Like `luajit`'s
    /// `runcmdopt` (a plain `lua_pcall`), a failure is reported without a traceback.
    fn jit_call(&mut self, f: Value, args: &[Option<Vec<u8>>]) -> Result<(), Failure> {
        let base = self.vm.roots.len();
        self.vm.roots.push(f);
        let r = self
            .push_jit_args(args)
            .and_then(|vals| self.host_call(f, &vals).map(|_| ()));
        self.vm.roots.truncate(base);
        r.map_err(|mut f| {
            if let Some(t) = f.text.as_mut() {
                strip_traceback(t);
            }
            f
        })
    }

    /// `require("jit." .. name)`, or `None` if no such module is installed.
    fn jit_module(&mut self, name: &str) -> Result<Option<Value>, Failure> {
        let require = self.vm.get_global("require");
        if !require.is_func() {
            return Ok(None);
        }
        let modname = self
            .vm
            .new_str(format!("jit.{name}").as_bytes())
            .map_err(|e| self.load_failure(e))?;
        self.vm.roots.push(modname);
        let r = self.host_call(require, &[modname]);
        self.vm.roots.pop();
        match r {
            Ok(vals) => Ok(vals.first().copied().filter(|v| v.is_table())),
            Err(f) if f.text.as_deref().is_some_and(|t| t.starts_with(b"module ")) => Ok(None),
            Err(f) => Err(f),
        }
    }
}

/// Cuts the `\nstack traceback:...` part off a report.
fn strip_traceback(text: &mut Vec<u8>) {
    const MARK: &[u8] = b"\nstack traceback:";
    if let Some(cut) = text.windows(MARK.len()).position(|w| w == MARK) {
        text.truncate(cut);
    }
}

/// The file hook: a file's bytes, or `luaL_loadfile`'s words for why not.
fn read_whole_file(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(OsStr::from_bytes(path.as_bytes())).map_err(|e| {
        let verb = if e.kind() == std::io::ErrorKind::NotFound
            || e.kind() == std::io::ErrorKind::PermissionDenied
        {
            "open"
        } else {
            "read"
        };
        format!("cannot {verb} {path}: {}", strerror(&e))
    })
}

/// A loaded chunk, rooted until called.
pub struct Chunk(Value);

impl Engine for VmEngine {
    type Chunk = Chunk;
    type Values = usize;

    fn set_args(&mut self, entries: &[(i64, Vec<u8>)]) {
        let positive = entries.iter().filter(|(i, _)| *i > 0).count();
        let Ok(t) = self.vm.new_table(positive, entries.len() - positive) else {
            return;
        };
        self.vm.roots.push(t);
        for (i, a) in entries {
            if let Ok(s) = self.vm.new_str(a) {
                self.vm.raw_seti(t, *i, s);
            }
        }
        let _ = self.vm.set_global("arg", t);
        self.vm.roots.pop();
    }

    fn load(&mut self, source: &[u8], chunkname: &str) -> Result<Chunk, Failure> {
        match self.vm.load(source, chunkname) {
            Ok(f) => {
                self.vm.roots.push(f);
                Ok(Chunk(f))
            }
            Err(e) => Err(self.load_failure(e)),
        }
    }

    fn call(&mut self, chunk: Chunk, args: ChunkArgs) -> Result<usize, Failure> {
        // The chunk is the newest root; results of an earlier call sit below it.
        let f = chunk.0;
        if self.vm.roots.last().map(|v| v.bits()) == Some(f.bits()) {
            self.vm.roots.pop();
        }
        self.release_results();
        self.vm.roots.push(f);
        let mut vals = Vec::new();
        if args == ChunkArgs::FromArgTable {
            let arg = self.vm.get_global("arg");
            if arg.is_table() {
                let mut i = 1;
                loop {
                    let v = self.vm.raw_geti(arg, i);
                    if v.is_nil() {
                        break;
                    }
                    vals.push(v);
                    i += 1;
                }
            }
        }
        let r = self.host_call(f, &vals);
        self.vm.roots.pop();
        let results = r?;
        self.results_base = self.vm.roots.len();
        self.vm.roots.extend_from_slice(&results);
        Ok(results.len())
    }

    fn count(&self, values: &usize) -> usize {
        *values
    }

    fn print(&mut self, values: usize) -> Result<(), Vec<u8>> {
        let results: Vec<Value> =
            self.vm.roots[self.vm.roots.len().saturating_sub(values)..].to_vec();
        let print = self.vm.get_global("print");
        let r = self.host_call(print, &results);
        self.release_results();
        r.map(|_| ()).map_err(|f| {
            // `lua.c` reports only the message here, not a traceback.
            let mut t = f.text.unwrap_or_default();
            strip_traceback(&mut t);
            t
        })
    }

    fn require(&mut self, name: &[u8]) -> Result<(), Failure> {
        self.release_results();
        let require = self.vm.get_global("require");
        let n = self.vm.new_str(name).map_err(|e| self.load_failure(e))?;
        self.vm.roots.push(n);
        let r = self.host_call(require, &[n]).map(|_| ());
        self.vm.roots.pop();
        r
    }

    /// The JIT control call point. Requests reach the Lua-level `jit` library as `luajit`
    /// sends them: `jit.NAME(args)` for functions, `require("jit.NAME").start(args)` for
    /// modules (`-jv`, `-jdump`), `jit.opt.start(args)` for `-O`. While the VM has no such
    /// function or module, the request is stored in `pending_jit` and accepted, so
    /// harnesses written for `luajit` run unchanged until the JIT lands.
    fn jit_control(&mut self, request: &JitRequest) -> Result<(), Failure> {
        self.release_results();
        let jit = self.vm.get_global("jit");
        match request {
            JitRequest::Call { name, args } => {
                let f = self.field(jit, name);
                if f.is_func() {
                    return self.jit_call(f, args);
                }
                self.pending_jit.push(request.clone());
                Ok(())
            }
            JitRequest::Module { name, args } => match self.jit_module(name)? {
                Some(m) => {
                    self.vm.roots.push(m);
                    let start = self.field(m, "start");
                    self.vm.roots.pop();
                    if start.is_func() {
                        self.jit_call(start, args)
                    } else {
                        Err(Failure::new(
                            FailureKind::Runtime,
                            "unknown luaJIT command or jit.* modules not installed",
                        ))
                    }
                }
                None => {
                    self.pending_jit.push(request.clone());
                    Ok(())
                }
            },
            JitRequest::Opt { args } => {
                let opt = self.field(jit, "opt");
                let start = self.field(opt, "start");
                if start.is_func() {
                    return self.jit_call(start, args);
                }
                self.pending_jit.push(request.clone());
                Ok(())
            }
        }
    }

    fn jit_status(&mut self) -> Vec<Vec<u8>> {
        let jit = self.vm.get_global("jit");
        let status = self.field(jit, "status");
        if !status.is_func() {
            return vec![b"OFF".to_vec()];
        }
        match self.host_call(status, &[]) {
            Ok(vals) => {
                let mut words = vec![if vals.first().is_some_and(|v| v.is_truthy()) {
                    "ON"
                } else {
                    "OFF"
                }
                .as_bytes()
                .to_vec()];
                for v in vals.iter().skip(1) {
                    if v.is_str() || v.is_num() {
                        words.push(self.vm.to_display_bytes(*v));
                    } else {
                        break;
                    }
                }
                words
            }
            Err(_) => vec![b"OFF".to_vec()],
        }
    }

    fn prompt(&mut self, continuation: bool) -> Vec<u8> {
        let v = self
            .vm
            .get_global(if continuation { "_PROMPT2" } else { "_PROMPT" });
        if v.is_str() || v.is_num() {
            self.vm.to_display_bytes(v)
        } else if continuation {
            b">> ".to_vec()
        } else {
            b"> ".to_vec()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::args;
    use crate::iolib::Stream;

    struct NoEnv;
    impl Environment for NoEnv {
        fn var(&self, _: &str) -> Option<Vec<u8>> {
            None
        }
    }

    fn engine() -> (VmEngine, StdStreams) {
        let streams = StdStreams::over(
            Stream::memory(b"line 1\n"),
            Stream::memory(b""),
            Stream::memory(b""),
        );
        let inv = args::parse(&[b"crescent".to_vec()]).unwrap();
        (
            VmEngine::new(&inv, &NoEnv, streams.clone()).unwrap(),
            streams,
        )
    }

    fn run(e: &mut VmEngine, src: &str) -> Result<usize, Failure> {
        let chunk = e.load(src.as_bytes(), "=test")?;
        e.call(chunk, ChunkArgs::None)
    }

    fn stdout(s: &StdStreams) -> String {
        s.stdout.borrow_mut().flush().unwrap();
        String::from_utf8(s.stdout.borrow().memory_output().unwrap().to_vec()).unwrap()
    }

    fn text(f: &Failure) -> String {
        String::from_utf8_lossy(f.text.as_deref().unwrap_or(b"<none>")).into_owned()
    }

    #[test]
    fn incomplete_statements_come_from_the_real_compiler() {
        let (mut e, _) = engine();
        for src in ["for i = 1, 2 do", "x = ", "f(", "local t = {", "s = [[long"] {
            let f = e.load(src.as_bytes(), "=stdin").err().unwrap();
            assert!(f.is_incomplete(), "{src}: {}", text(&f));
        }
        let f = e.load(b"x = = 1", "=stdin").err().unwrap();
        assert_eq!(f.kind, FailureKind::Syntax);
        assert!(!f.is_incomplete());
        assert_eq!(text(&f), "stdin:1: unexpected symbol near '='");
    }

    #[test]
    fn results_are_kept_for_print_and_released() {
        let (mut e, s) = engine();
        let roots = e.vm.roots.len();
        let n = run(&mut e, "return 1, nil, 'a'").unwrap();
        assert_eq!(n, 3);
        e.print(n).unwrap();
        assert_eq!(stdout(&s), "1\tnil\ta\n");
        assert_eq!(e.vm.roots.len(), roots);
        assert_eq!(run(&mut e, "x = 1").unwrap(), 0);
        assert_eq!(e.vm.roots.len(), roots);
    }

    #[test]
    fn runtime_errors_carry_a_traceback_and_leave_the_vm_usable() {
        let (mut e, s) = engine();
        let depth = e.vm.frame_depth();
        let f = run(&mut e, "local function g() error('deep') end g()").unwrap_err();
        assert_eq!(f.kind, FailureKind::Runtime);
        let t = text(&f);
        assert!(
            t.starts_with("test:1: deep\nstack traceback:\n\t[C]: in function 'error'\n"),
            "{t}"
        );
        assert_eq!(e.vm.frame_depth(), depth);
        run(&mut e, "print('still fine')").unwrap();
        assert_eq!(stdout(&s), "still fine\n");
        let f = run(&mut e, "error({})").unwrap_err();
        assert_eq!(text(&f), "(error object is not a string)");
        let f = run(&mut e, "error(nil)").unwrap_err();
        assert_eq!(f.text, None);
    }

    #[test]
    fn script_arguments_come_from_arg_at_call_time() {
        let (mut e, s) = engine();
        e.set_args(&[
            (-1, b"crescent".to_vec()),
            (0, b"s.lua".to_vec()),
            (1, b"a".to_vec()),
        ]);
        run(&mut e, "arg[2] = 'b'").unwrap();
        let chunk = e.load(b"print(select('#', ...), ...)", "=s").unwrap();
        e.call(chunk, ChunkArgs::FromArgTable).unwrap();
        assert_eq!(stdout(&s), "2\ta\tb\n");
    }

    #[test]
    fn prompts_follow_the_globals() {
        let (mut e, _) = engine();
        assert_eq!(e.prompt(false), b"> ");
        assert_eq!(e.prompt(true), b">> ");
        run(&mut e, "_PROMPT = 'lua> ' _PROMPT2 = 2").unwrap();
        assert_eq!(e.prompt(false), b"lua> ");
        assert_eq!(e.prompt(true), b"2");
    }

    #[test]
    fn search_path_expands_double_semicolons() {
        let (mut e, _) = engine();
        run(&mut e, "package = package or {} package.path = 'DEF'").unwrap();
        e.set_search_path("path", Some(b"a/?.lua;;b/?.lua".to_vec()));
        let n = run(&mut e, "return package.path").unwrap();
        let path = e.vm.roots[e.vm.roots.len() - n];
        assert_eq!(e.vm.str_bytes(path), b"a/?.lua;DEF;b/?.lua");
        e.set_search_path("path", Some(b"only".to_vec()));
        let n = run(&mut e, "return package.path").unwrap();
        let path = e.vm.roots[e.vm.roots.len() - n];
        assert_eq!(e.vm.str_bytes(path), b"only");
    }

    #[test]
    fn jit_requests_reach_the_jit_library_or_wait_for_it() {
        let (mut e, s) = engine();
        let off = super::super::jit::parse_jit(b"off").unwrap();
        let opt = super::super::jit::parse_opt(b"hotloop=5,-fold").unwrap();
        let dump = super::super::jit::parse_jit(b"dump=+rs,out.txt").unwrap();
        // Without a `jit` library (removed here, whatever the VM opened), requests are kept.
        run(&mut e, "jit = nil package = nil require = nil").unwrap();
        e.jit_control(&off).unwrap();
        e.jit_control(&opt).unwrap();
        assert_eq!(e.pending_jit(), &[off.clone(), opt.clone()]);
        assert_eq!(e.jit_status(), vec![b"OFF".to_vec()]);
        // With one, they are calls into it, arguments split as luajit splits them.
        run(
            &mut e,
            "jit = { off = function(...) print('off', select('#', ...)) end, \
                     status = function() return true, 'fold', 'cse' end, \
                     opt = { start = function(...) print('opt', ...) end } }",
        )
        .unwrap();
        e.jit_control(&off).unwrap();
        e.jit_control(&opt).unwrap();
        assert_eq!(stdout(&s), "off\t0\nopt\thotloop=5\t-fold\n");
        assert_eq!(
            e.jit_status(),
            vec![b"ON".to_vec(), b"fold".to_vec(), b"cse".to_vec()]
        );
        // A module that is not installed waits too.
        e.jit_control(&dump).unwrap();
        assert_eq!(e.pending_jit().last(), Some(&dump));
        // An error inside the jit library is reported.
        run(&mut e, "jit.off = function() error('no way') end").unwrap();
        let f = e.jit_control(&off).unwrap_err();
        // Reported as luajit's runcmdopt does: the message, no traceback.
        assert_eq!(text(&f), "test:1: no way");
    }

    #[test]
    fn io_and_os_are_registered_over_the_given_streams() {
        let (mut e, s) = engine();
        run(
            &mut e,
            "io.write(io.read(), '|', type(os.time()), '|', io.type(io.stdout))",
        )
        .unwrap();
        assert_eq!(stdout(&s), "line 1|number|file");
    }
}
