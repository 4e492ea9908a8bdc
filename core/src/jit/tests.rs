//! End-to-end tests of the trace engine on any host: scripts run with the JIT dormant
//! and eager must print the same; on AArch64 with executable memory (see
//! `host-std/tests/jit_traces.rs`) traces also run, elsewhere they are recorded,
//! compiled and dumped only.

extern crate std;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use crate::vm::Vm;

/// Runs `src` and returns what it printed (JIT lines included).
pub fn run_script(src: &str, prelude: &str) -> String {
    let mut vm = Vm::new();
    crate::stdlib::open_libs(&mut vm).unwrap();
    let out = Rc::new(RefCell::new(Vec::new()));
    let o = out.clone();
    vm.set_output(alloc::boxed::Box::new(move |b| {
        o.borrow_mut().extend_from_slice(b)
    }));
    let full = alloc::format!("{prelude}\n{src}");
    match vm.load(full.as_bytes(), "=test") {
        Ok(f) => {
            if let Err(e) = vm.call(f, &[], None) {
                out.borrow_mut()
                    .extend_from_slice(alloc::format!("error: {e:?}").as_bytes());
            }
        }
        Err(e) => out
            .borrow_mut()
            .extend_from_slice(alloc::format!("{e:?}").as_bytes()),
    }
    let s = String::from_utf8_lossy(&out.borrow()).into_owned();
    s
}

const MANDEL: &str = r#"
local N = 24
local count = 0
for y = 0, N - 1 do
  local ci = 2 * y / N - 1
  for x = 0, N - 1 do
    local cr = 2 * x / N - 1.5
    local zr, zi = 0, 0
    local i = 0
    while i < 50 do
      local t = zr * zr - zi * zi + cr
      zi = 2 * zr * zi + ci
      zr = t
      if zr * zr + zi * zi > 4 then break end
      i = i + 1
    end
    count = count + i
  end
end
print(count)
"#;

#[test]
fn jv_reports_compiles_and_aborts() {
    let out = run_script(
        "local s = 0 for i = 1, 100 do s = s + i * 0.5 end print(s)\n\
         local t = {} for i = 1, 3000 do t[i] = i end print(#t)",
        "jit.opt.start('hotloop=1') require('jit.v').start()",
    );
    assert!(out.contains("start test:2]"), "{out}");
    assert!(out.contains("test:2 loop]"), "{out}");
    assert!(out.contains("2525\n"), "{out}");
    assert!(out.contains("NYI: bytecode SETTABLE"), "{out}");
    assert!(out.contains("blacklisted"), "{out}");
    assert!(out.contains("3000\n"), "{out}");
}

#[test]
fn dump_shows_bytecode_ir_and_code() {
    let out = run_script(
        "local s = 0 for i = 1, 100 do s = s + math.sqrt(i) end print(s)",
        "jit.opt.start('hotloop=1') require('jit.dump').start()",
    );
    assert!(out.contains("---- TRACE 1 bytecode"), "{out}");
    assert!(out.contains("FORLOOP"), "{out}");
    assert!(out.contains("LOOP"), "{out}");
    assert!(out.contains("PHI"), "{out}");
    assert!(
        out.contains("fsqrt") || out.contains("---- TRACE 1 mcode"),
        "{out}"
    );
}

#[test]
fn mandelbrot_records_its_inner_loop() {
    let plain = run_script(MANDEL, "");
    let jv = run_script(
        MANDEL,
        "jit.opt.start('hotloop=1') require('jit.v').start()",
    );
    assert!(jv.ends_with(&plain), "{jv}\n--\n{plain}");
    assert!(jv.contains(" loop]"), "{jv}");
}

#[test]
#[ignore]
fn show_mandel_dump() {
    let out = run_script(
        MANDEL,
        "jit.opt.start('hotloop=1') require('jit.dump').start() require('jit.v').start()",
    );
    std::println!("{out}");
}

#[test]
#[ignore]
fn show_file_jv() {
    let path = std::env::var("JITFILE").unwrap();
    let src = std::fs::read_to_string(path).unwrap();
    let pre = std::env::var("JITPRE")
        .unwrap_or("jit.opt.start('hotloop=1') require('jit.v').start()".into());
    std::println!("{}", run_script(&src, &pre));
}

#[test]
fn aborts_name_their_reason() {
    let cases = [
        (
            "local s = '' for i = 1, 50 do s = s .. 'x' end",
            "NYI: bytecode CONCAT",
        ),
        (
            "local n = 0 for i = 1, 50 do if 'a' < 'b' then n = n + 1 end end",
            "NYI: comparison of non-numbers",
        ),
        (
            "local function f(x) return x end local n = 0 for i = 1, 50 do n = n + f(i) end",
            "NYI: call of a non-fast function",
        ),
        (
            "local n = 0 for i = 1, 50 do for j = 1, 2 do n = n + j end end",
            "inner loop in root trace",
        ),
        (
            "local t = setmetatable({}, {__index = function() return 1 end}) local n = 0 \
             for i = 1, 50 do n = n + t[i] end",
            "NYI: table read outside the array part",
        ),
    ];
    for (src, reason) in cases {
        let out = run_script(src, "jit.opt.start('hotloop=1') require('jit.v').start()");
        assert!(out.contains(reason), "{src}\n{out}");
    }
}

#[test]
fn snapshots_resume_at_the_guarded_instruction() {
    let out = run_script(
        "local i, s = 0, 0 while i < 10 do s = s + i i = i + 1 end print(i, s)",
        "jit.opt.start('hotloop=1') require('jit.dump').start()",
    );
    assert!(out.ends_with("10\t45\n"), "{out}");
    // The loop condition `LT` is the first bytecode recorded; its guard's snapshot
    // resumes there (pc as dumped is 0-based, bytecode listing 1-based).
    let first = out
        .lines()
        .skip_while(|l| !l.starts_with("---- TRACE 1 bytecode"))
        .nth(1)
        .unwrap();
    let pc: u32 = first[..4].trim().parse().unwrap();
    assert!(first.contains("LT"), "{out}");
    let snap = alloc::format!("pc {}", pc - 1);
    let lt_guard = out
        .lines()
        .skip_while(|l| !l.contains(&snap))
        .find(|l| l.contains(" LT ") || l.contains(" UGE "))
        .unwrap_or("");
    assert!(!lt_guard.is_empty(), "{out}");
    assert!(out.contains("PHI"), "{out}");
}

#[test]
fn the_jit_is_dormant_until_asked() {
    let mut vm = Vm::new();
    crate::stdlib::open_libs(&mut vm).unwrap();
    let f = vm
        .load(
            b"local s = 0 for i = 1, 1000 do s = s + i end return s",
            "=t",
        )
        .unwrap();
    vm.call(f, &[], None).unwrap();
    assert!(
        vm.jit.is_none(),
        "no engine without jit.on/opt.start/-jv/-jdump"
    );
    let f = vm
        .load(
            b"jit.on() local s = 0 for i = 1, 1000 do s = s + i end return s",
            "=t",
        )
        .unwrap();
    vm.call(f, &[], None).unwrap();
    let e = vm.jit.as_ref().unwrap();
    assert_eq!(e.traces().len(), 1);
    assert!(
        e.traces()[0].entry.is_none(),
        "no code memory: never executable"
    );
    let f = vm
        .load(
            b"jit.off() local s = 0 for i = 1, 1000 do s = s + i * 2 end return s",
            "=t",
        )
        .unwrap();
    vm.call(f, &[], None).unwrap();
    assert_eq!(
        vm.jit.as_ref().unwrap().traces().len(),
        1,
        "jit.off records nothing"
    );
}
