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
