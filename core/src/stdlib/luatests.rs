//! Lua-level tests of the libraries: Lua source run through the VM, its output compared
//! with what `luajit` prints for the same source.
//!
//! The cases live in `testdata/lua_*.txt`; `testdata/lua_expect.py` (running luajit)
//! fills in their expected output, except for cases marked `(manual)`, whose
//! expectation was written by hand where crescent deliberately differs (PUC Lua 5.1's
//! wording of an error, or a feature crescent does not have).

use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use crate::vm::Vm;

/// Run `src` as a chunk named "@test" on a fresh VM with the standard libraries; the
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
        .load(src.as_bytes(), "@test")
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

#[test]
fn package_library() {
    check_file(include_str!("testdata/lua_package.txt"));
}

/// `require` reaches files through the host's file hook (here: modules in memory, as
/// firmware serves them).
#[test]
fn require_loads_files_through_the_host_hook() {
    let mut vm = Vm::new();
    crate::stdlib::open_libs(&mut vm).unwrap();
    let out = Rc::new(RefCell::new(Vec::new()));
    let sink = out.clone();
    vm.set_output(alloc::boxed::Box::new(move |b: &[u8]| {
        sink.borrow_mut().extend_from_slice(b)
    }));
    vm.file_hook = Some(alloc::boxed::Box::new(|path: Option<&str>| match path {
        Some("./lib/geom.lua") => Ok(b"local M = {} function M.area(w, h) return w * h end \
                                        M.name = ... return M"
            .to_vec()),
        Some("./lib/pkg/init.lua") => Ok(b"return {init = true, name = ...}".to_vec()),
        Some("./lib/broken.lua") => Ok(b"return 1 +".to_vec()),
        Some(p) => Err(format!("cannot open {p}")),
        None => Err(String::from("no stdin")),
    }));
    let src = r#"
        package.path = "./lib/?.lua;./lib/?/init.lua"
        local g = require("geom")
        print(g.area(3, 4), g.name, require("geom") == g)
        local p = require("pkg")
        print(p.init, p.name)
        print(pcall(require, "broken"))
        print(select(2, pcall(require, "missing")))
    "#;
    let r = vm
        .load(src.as_bytes(), "=test")
        .and_then(|f| vm.call(f, &[], None).map(|_| ()));
    assert!(r.is_ok());
    let got = String::from_utf8(out.borrow().clone()).unwrap();
    assert_eq!(
        got,
        "12\tgeom\ttrue\n\
         true\tpkg\n\
         false\terror loading module 'broken' from file './lib/broken.lua':\n\
         \t./lib/broken.lua:1: unexpected symbol near '<eof>'\n\
         module 'missing' not found:\n\
         \tno field package.preload['missing']\n\
         \tno file './lib/missing.lua'\n\
         \tno file './lib/missing/init.lua'\n"
    );
}

#[test]
fn debug_library() {
    check_file(include_str!("testdata/lua_debug.txt"));
}

#[test]
fn jit_module() {
    check_file(include_str!("testdata/lua_jit.txt"));
}

/// Results that would exceed the memory limit are "not enough memory" errors, raised
/// before the memory is taken.
#[test]
fn string_results_respect_the_memory_limit() {
    let mut vm = Vm::new();
    crate::stdlib::open_libs(&mut vm).unwrap();
    vm.set_memory_limit(Some(8 << 20));
    let out = Rc::new(RefCell::new(Vec::new()));
    let sink = out.clone();
    vm.set_output(alloc::boxed::Box::new(move |b: &[u8]| {
        sink.borrow_mut().extend_from_slice(b)
    }));
    let src = r#"
        local s = ("x"):rep(10000)
        print(pcall(string.gsub, s, "", ("y"):rep(10000)))
        print(pcall(string.rep, s, 100000))
        print(pcall(string.rep, "x", 2^30, "yy"))
        print(#s:gsub("x", "yy"))
    "#;
    let f = vm.load(src.as_bytes(), "@test").unwrap();
    vm.call(f, &[], None).unwrap();
    assert_eq!(
        String::from_utf8(out.borrow().clone()).unwrap(),
        "false\tnot enough memory\nfalse\tnot enough memory\nfalse\tnot enough memory\n20000\n"
    );
}
