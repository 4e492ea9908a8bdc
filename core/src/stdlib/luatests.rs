//! Lua-level tests of the libraries: Lua source run through the VM, its output compared
//! with what `luajit` prints for the same source.
//!
//! The cases live in `testdata/lua_*.txt`; `testdata/lua_expect.lua` (run by luajit)
//! fills in their expected output, except for cases marked `(manual)`, whose
//! expectation was written by hand where crescent deliberately differs (PUC Lua 5.1's
//! wording of an error, or a feature crescent does not have).

use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use crate::vm::Vm;

/// Run `src` as a chunk named "=test" on a fresh VM with the standard libraries; the
/// printed output, plus "ERROR: message" if the chunk failed.
pub(crate) fn run(src: &str) -> String {
    let mut vm = Vm::new();
    crate::stdlib::open_libs(&mut vm).unwrap();
    let out = Rc::new(RefCell::new(Vec::new()));
    let sink = out.clone();
    vm.set_output(alloc::boxed::Box::new(move |b: &[u8]| {
        sink.borrow_mut().extend_from_slice(b)
    }));
    let r = vm
        .load(src.as_bytes(), "=test")
        .and_then(|f| vm.call(f, &[], None).map(|_| ()));
    let mut s = String::from_utf8_lossy(&out.borrow()).into_owned();
    if let Err(e) = r {
        s.push_str(&format!("ERROR: {}", vm.error_message(e)));
    }
    s
}

/// Run every case of a test-case file; the failures as readable text.
pub(crate) fn run_cases(file: &str) -> Vec<String> {
    let mut failures = Vec::new();
    for block in file.split("=== ").filter(|b| !b.trim().is_empty()) {
        let (header, rest) = block.split_once('\n').unwrap();
        let (src, exp) = rest
            .split_once("--- expected\n")
            .expect("case without expectation");
        let exp = exp.strip_suffix("~~~\n").expect("case not closed by ~~~");
        let got = run(src);
        if got != exp {
            failures.push(format!(
                "=== {header}\n{src}--- expected\n{exp}~~~\n--- got\n{got}~~~\n"
            ));
        }
    }
    failures
}

#[track_caller]
fn check_file(file: &str) {
    let failures = run_cases(file);
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.concat()
    );
}

#[test]
fn harness_reports_output_and_errors() {
    assert_eq!(run("print(1, 'a', nil)"), "1\ta\tnil\n");
    assert_eq!(run("print(2) error('boom')"), "2\nERROR: test:1: boom");
}

#[test]
fn string_library() {
    check_file(include_str!("testdata/lua_string.txt"));
}

#[test]
fn table_library() {
    check_file(include_str!("testdata/lua_table.txt"));
}

#[test]
fn math_library() {
    check_file(include_str!("testdata/lua_math.txt"));
}

#[test]
fn bit_library() {
    check_file(include_str!("testdata/lua_bit.txt"));
}
