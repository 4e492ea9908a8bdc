//! Trace tests: every script of `tests/jit/` (and, with `CRESCENT_JIT_CORPUS=1`, every
//! script of `tests/lua/`) runs with the JIT dormant and with the JIT eager
//! (`hotloop=1`), in-process with this host's executable memory; both outputs must equal
//! the `.expected` file (written from `luajit`). On AArch64 (under `qemu-aarch64` through
//! the cargo runner) traces execute; elsewhere they are recorded and compiled only.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crescent_core::jit::engine;
use crescent_core::vm::Vm;
use crescent_host_std::exec_memory::ExecMemory;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs one script; returns its output (an error ends it like the CLI prints it).
fn run(path: &Path, eager: bool) -> (Vec<u8>, usize) {
    let src = std::fs::read(path).unwrap();
    let name = format!("@{}", path.file_name().unwrap().to_string_lossy());
    let (out, n, _) = run_src(
        &src,
        &name,
        if eager {
            "jit.opt.start('hotloop=1')"
        } else {
            ""
        },
    );
    (out, n)
}

/// Runs `src` after `init` (Lua); returns the output, the number of traces and how many
/// times traces were entered.
fn run_src(src: &[u8], name: &str, init: &str) -> (Vec<u8>, usize, u64) {
    let mut vm = Vm::new();
    crescent_core::stdlib::open_libs(&mut vm).unwrap();
    let out = Rc::new(RefCell::new(Vec::new()));
    let o = out.clone();
    vm.set_output(Box::new(move |b: &[u8]| {
        o.borrow_mut().extend_from_slice(b)
    }));
    engine::set_code_memory(&mut vm, Box::new(ExecMemory::new()));
    if !init.is_empty() {
        let f = vm.load(init.as_bytes(), "=jit").unwrap();
        vm.call(f, &[], None).unwrap();
    }
    match vm.load(src, name) {
        Ok(f) => {
            if let Err(e) = vm.call(f, &[], None) {
                let msg = format!("error: {:?}\n", e);
                out.borrow_mut().extend_from_slice(msg.as_bytes());
            }
        }
        Err(e) => out
            .borrow_mut()
            .extend_from_slice(format!("{e:?}").as_bytes()),
    }
    let ntraces = vm.jit.as_ref().map_or(0, |e| e.traces().len());
    let entered = vm
        .jit
        .as_ref()
        .map_or(0, |e| e.traces().iter().map(|t| t.total_entries).sum());
    let o = out.borrow().clone();
    (o, ntraces, entered)
}

/// The output with addresses (`table: 0x...`) blanked: they differ from run to run.
fn normalize(out: &[u8]) -> String {
    let s = String::from_utf8_lossy(out);
    let mut r = String::new();
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c == '0' && s[i..].starts_with("0x") {
            r.push_str("0xADDR");
            it.next();
            while it.peek().is_some_and(|(_, c)| c.is_ascii_hexdigit()) {
                it.next();
            }
        } else {
            r.push(c);
        }
    }
    r
}

fn check_dir(dir: &Path, require_expected_match: bool) -> usize {
    let mut scripts: Vec<PathBuf> = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "lua")
                && p.with_extension("expected").exists()
            {
                scripts.push(p);
            }
        }
    }
    scripts.sort();
    let mut failures = Vec::new();
    let mut traces = 0;
    for s in &scripts {
        let (off, _) = run(s, false);
        let (eager, n) = run(s, true);
        traces += n;
        if normalize(&off) != normalize(&eager) {
            failures.push(format!(
                "{}: JIT-eager output differs\n--- off\n{}\n--- eager\n{}",
                s.display(),
                String::from_utf8_lossy(&off),
                String::from_utf8_lossy(&eager)
            ));
        }
        if require_expected_match {
            let exp = std::fs::read(s.with_extension("expected")).unwrap();
            if eager != exp {
                failures.push(format!(
                    "{}: differs from expected\n{}",
                    s.display(),
                    String::from_utf8_lossy(&eager)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    traces
}

#[test]
fn trace_scripts_match_with_jit_off_and_eager() {
    let n = check_dir(&root().join("tests/jit"), true);
    assert!(n >= 8, "only {n} traces compiled");
}

#[test]
fn corpus_matches_with_jit_off_and_eager() {
    if std::env::var("CRESCENT_JIT_CORPUS").is_err() {
        return;
    }
    check_dir(&root().join("tests/lua"), false);
}

/// A trace whose first iteration fails a guard at almost every entry (the branch taken
/// when it was recorded is never taken again) is unlinked and the loop recorded again;
/// results stay exact throughout. Traces run only on AArch64.
#[test]
fn early_exiting_trace_is_unlinked_and_rerecorded() {
    let src = b"local total = 0\n\
        for j = 1, 300 do\n\
          local s = 0\n\
          for i = 1, 3 do\n\
            if j > 1 then s = s + i else s = s - i end\n\
          end\n\
          total = total + s\n\
        end\n\
        print(total)\n";
    let (out, n, entered) = run_src(
        src,
        "=early",
        "jit.opt.start('hotloop=1') require('jit.v').start()",
    );
    let out = String::from_utf8_lossy(&out);
    assert!(out.ends_with("1788\n"), "{out}");
    if cfg!(target_arch = "aarch64") {
        assert!(out.contains("unlinked: exits early"), "{out}");
        assert!(n >= 2, "{out}");
        assert!(entered >= 300, "{entered} entries\n{out}");
    }
}

/// Traces are entered (and exit) on AArch64: the mandelbrot script spends its inner loop
/// in a trace.
#[test]
fn traces_run_on_aarch64() {
    let src = std::fs::read(root().join("tests/jit/mandelbrot.lua")).unwrap();
    let (out, n, entered) = run_src(&src, "=m", "jit.opt.start('hotloop=1')");
    let exp = std::fs::read(root().join("tests/jit/mandelbrot.expected")).unwrap();
    assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(&exp));
    assert!(n >= 1);
    if cfg!(target_arch = "aarch64") {
        assert!(entered >= 1000, "{entered}");
    } else {
        assert_eq!(entered, 0, "code must never run off AArch64");
    }
}

/// A VM with the JIT eager and executable memory, its output captured.
fn jit_vm() -> (Vm, Rc<RefCell<Vec<u8>>>) {
    let mut vm = Vm::new();
    crescent_core::stdlib::open_libs(&mut vm).unwrap();
    let out = Rc::new(RefCell::new(Vec::new()));
    let o = out.clone();
    vm.set_output(Box::new(move |b: &[u8]| {
        o.borrow_mut().extend_from_slice(b)
    }));
    engine::set_code_memory(&mut vm, Box::new(ExecMemory::new()));
    exec(&mut vm, "jit.opt.start('hotloop=1')").unwrap();
    (vm, out)
}

/// Runs `src`, returning its error message if it failed (the stack reset after it).
fn exec(vm: &mut Vm, src: &str) -> Result<(), String> {
    let (depth, top) = (vm.frame_depth(), vm.stack_top());
    let r = vm
        .load(src.as_bytes(), "=budget")
        .and_then(|f| vm.call(f, &[], Some(0)).map(|_| ()));
    let r = r.map_err(|e| vm.error_message(e));
    vm.reset_stack(depth, top);
    r
}

/// Times traces were entered.
fn entries(vm: &Vm) -> u64 {
    vm.jit
        .as_ref()
        .map_or(0, |e| e.traces().iter().map(|t| t.total_entries).sum())
}

const BUDGET: &str = crescent_core::vm::budget::BUDGET_MESSAGE;

/// Infinite loops compiled into traces are stopped by the step budget at their
/// back-edge (the trace exits, the interpreter raises the error at the exit's pc), and
/// the state stays usable: in soft mode the error is catchable and the budget renewed.
#[test]
fn traces_honour_the_soft_step_budget() {
    let (mut vm, out) = jit_vm();
    vm.set_step_budget(Some(200_000));
    let e = exec(&mut vm, "local i = 0 while true do i = i + 1 end").unwrap_err();
    assert_eq!(e, BUDGET);
    // The trace stops within one iteration of the budget (plus the interpreted warm-up).
    assert!(vm.steps_used() <= 200_000 + 10, "{}", vm.steps_used());
    let e = exec(&mut vm, "local s = 0 for i = 1, 1e300 do s = s + i end").unwrap_err();
    assert_eq!(e, BUDGET);
    exec(
        &mut vm,
        "local n = 0 \
         for k = 1, 3 do \
           local ok, e = pcall(function() local x = 0 while true do x = x + 0.5 end end) \
           if not ok and e == 'instruction budget exhausted' then n = n + 1 end \
         end \
         local s = 0 for i = 1, 100 do s = s + i end \
         print(n, s)",
    )
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.borrow()), "3\t5050\n");
    if cfg!(target_arch = "aarch64") {
        // Each of those loops ran in a trace (an interpreted one would take the same
        // path, but these counts show the trace's back-edge charge stopped them).
        assert!(entries(&vm) >= 5, "{} entries", entries(&vm));
    }
}

/// In hard mode the error raised from a trace's exit is latched: `pcall` cannot swallow
/// it, every later run fails until the host sets the budget again.
#[test]
fn traces_honour_the_hard_step_budget() {
    let (mut vm, _out) = jit_vm();
    vm.set_budget_hard(true);
    vm.set_step_budget(Some(100_000));
    let e = exec(
        &mut vm,
        "while true do pcall(function() local i = 0 while true do i = i + 1 end end) end",
    )
    .unwrap_err();
    assert_eq!(e, BUDGET);
    assert!(vm.step_budget_exhausted());
    assert_eq!(
        exec(&mut vm, "local i = 0 while true do i = i + 1 end").unwrap_err(),
        BUDGET
    );
    vm.set_step_budget(Some(1_000_000));
    exec(
        &mut vm,
        "local s = 0 for i = 1, 1000 do s = s + i end x = s",
    )
    .unwrap();
    assert_eq!(
        vm.get_global("x"),
        crescent_core::value::Value::num(500500.0)
    );
    if cfg!(target_arch = "aarch64") {
        // The latched loop and the one after the reset both ran in traces.
        assert!(entries(&vm) >= 2, "{} entries", entries(&vm));
    }
}

/// Under a large budget a trace runs to completion with the same output, and charges
/// about what the interpreter charges.
#[test]
fn budgeted_trace_runs_to_completion() {
    let src = std::fs::read_to_string(root().join("tests/jit/mandelbrot.lua")).unwrap();
    let exp = std::fs::read(root().join("tests/jit/mandelbrot.expected")).unwrap();
    let (mut vm, out) = jit_vm();
    vm.set_step_budget(Some(1 << 40));
    exec(&mut vm, &src).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.borrow()),
        String::from_utf8_lossy(&exp)
    );
    let jit_steps = vm.steps_used();
    let mut plain = Vm::new();
    crescent_core::stdlib::open_libs(&mut plain).unwrap();
    plain.set_output(Box::new(|_: &[u8]| {}));
    plain.set_step_budget(Some(1 << 40));
    exec(&mut plain, &src).unwrap();
    let steps = plain.steps_used();
    if cfg!(target_arch = "aarch64") {
        assert!(entries(&vm) >= 1000, "{}", entries(&vm));
        // Entries charge one iteration fewer than the interpreter (the pre-roll) and
        // the entering back-edge again after the exit: within a few percent.
        assert!(
            jit_steps * 10 >= steps * 9 && jit_steps <= steps * 11 / 10,
            "jit {jit_steps} vs interpreter {steps}"
        );
    } else {
        assert_eq!(jit_steps, steps);
    }
}

/// The dedicated trace scripts (PHI shapes, register pressure, snapshot restore, guard
/// kinds) compile the loop each of their functions is about, and on AArch64 run them:
/// the traces are entered many times and their exits are taken (early exits unlink a
/// trace, which `-jv` reports). Program output, with the `-jv` lines taken out, is the
/// expected output.
#[test]
fn dedicated_scripts_compile_and_run_their_loops() {
    let cases: [(&str, &[u32], u64, usize); 4] = [
        (
            "phi_shapes",
            &[9, 15, 21, 27, 33, 40, 50, 60, 70, 80, 88, 98, 105],
            60,
            0,
        ),
        ("pressure", &[10, 83, 97, 141], 10, 0),
        ("snapshots", &[10, 26, 41, 60, 74, 84, 98, 111], 80, 5),
        ("guard_kinds", &[8, 22, 34, 53, 65, 82, 101, 110], 120, 10),
    ];
    for (name, lines, min_entries, min_unlinks) in cases {
        let path = root().join("tests/jit").join(format!("{name}.lua"));
        let src = std::fs::read(&path).unwrap();
        let chunk = format!("@{name}.lua");
        let (out, _, entered) = run_src(
            &src,
            &chunk,
            "jit.opt.start('hotloop=1') require('jit.v').start()",
        );
        let out = String::from_utf8_lossy(&out).into_owned();
        let (log, prog): (Vec<&str>, Vec<&str>) =
            out.lines().partition(|l| l.starts_with("[TRACE"));
        let exp = std::fs::read_to_string(path.with_extension("expected")).unwrap();
        assert_eq!(prog.join("\n") + "\n", exp, "{name}");
        let compiled: Vec<u32> = lines
            .iter()
            .copied()
            .filter(|line| {
                let tag = format!("{name}.lua:{line} loop]");
                log.iter().any(|l| l.ends_with(&tag))
            })
            .collect();
        // Hot counters are shared by hash (64 of them, as in LuaJIT): a loop whose
        // counter collides with a parked or blacklisted loop's may never get hot. Off
        // AArch64 every compiled trace is parked (it cannot run), so more loops starve.
        let need = if cfg!(target_arch = "aarch64") {
            lines.len() - 2
        } else {
            lines.len() / 2
        };
        assert!(
            compiled.len() >= need,
            "{name}: traces only for lines {compiled:?} of {lines:?}\n{}",
            log.join("\n")
        );
        if cfg!(target_arch = "aarch64") {
            assert!(entered >= min_entries, "{name}: {entered} entries");
            let unlinks = log.iter().filter(|l| l.ends_with("exits early]")).count();
            assert!(
                unlinks >= min_unlinks,
                "{name}: {unlinks} early-exit unlinks"
            );
        } else {
            assert_eq!(entered, 0, "code must never run off AArch64");
        }
    }
}

/// Register allocation on real traces: in both mandelbrot loops, every loop-carried value
/// shares its register with its PHI except at most one that cannot (in the benchmark, the
/// loop index, whose old value the loop-exit snapshot still holds when the new one is
/// made; in the test script, `zr`, whose old value is read after the new one is made), so
/// the back-edge is at most one register move (it was four and three moves). `-jdump`
/// shows it.
#[test]
fn mandelbrot_back_edges_move_at_most_one_register() {
    for (path, init) in [
        ("benches/lua/mandelbrot.lua", "arg = {'24'} "),
        ("tests/jit/mandelbrot.lua", ""),
    ] {
        let src = std::fs::read(root().join(path)).unwrap();
        let init = format!("{init}jit.opt.start('hotloop=1') require('jit.dump').start()");
        let (out, _, _) = run_src(&src, "=m", &init);
        let out = String::from_utf8_lossy(&out);
        let looping = out.lines().filter(|l| l.ends_with("stop -> loop")).count();
        assert_eq!(looping, 1, "{path}: one looping trace\n{out}");
        let moves: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("---- back-edge:"))
            .flat_map(|l| l.split_whitespace().skip(2))
            .collect();
        assert!(moves.len() <= 1, "{path}: back-edge {moves:?}");
        assert!(
            moves.iter().all(|m| m.starts_with('d') && !m.contains('[')),
            "{path}: a register move, nothing spilled: {moves:?}"
        );
        // The IR dump's location column: a spill slot shows as `[n]`.
        let spilled = out.lines().any(|l| {
            l.starts_with(|c: char| c.is_ascii_digit())
                && l.split_whitespace()
                    .nth(1)
                    .is_some_and(|c| c.starts_with('['))
        });
        assert!(!spilled, "{path}: no value is spilled\n{out}");
    }
}
