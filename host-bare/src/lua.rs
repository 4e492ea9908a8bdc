//! Lua scripts embedded in the image (`host-bare/lua/*.lua`, by `include_str!`) or read from
//! the host through semihosting, run through the core VM with `print` going to the UART.
//!
//! Invariants: every script runs in a fresh VM with the standard libraries open, a memory
//! limit below the heap's size (so running out is a Lua "not enough memory" error, never an
//! allocation failure) and `dofile`/`loadfile` reading host files through semihosting. A Lua
//! error is returned as its message and traceback; the caller exits with status 1.
//!
//! JIT integration point: the core has no executing JIT yet (`Vm::hot_hook` is a no-op). When
//! it has, `new_vm` hands it the firmware's [`crate::code_memory::BareCodeMemory`] (today
//! `main.rs` takes that for the self-test; it then passes it on instead of dropping it).

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;

use crescent_core::vm::Vm;

/// The embedded scripts, by name.
pub const SCRIPTS: &[(&str, &str)] = &[
    ("core", include_str!("../lua/core.lua")),
    ("demo", include_str!("../lua/demo.lua")),
    ("error", include_str!("../lua/error.lua")),
];

/// What the firmware runs by default: the language-core script.
pub fn run_default() -> Result<(), String> {
    run_named("core")
}

/// Runs the embedded script `name`.
pub fn run_named(name: &str) -> Result<(), String> {
    let (_, source) = SCRIPTS
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| format!("no embedded Lua script '{name}'"))?;
    run_chunk(source.as_bytes(), &format!("@{name}.lua"))
}

/// Runs the host file `path`, read through semihosting.
pub fn run_file(path: &str) -> Result<(), String> {
    let source = crate::semihosting::read_file(path)?;
    run_chunk(&source, &format!("@{path}"))
}

/// Runs every file named in the host file `list` (one path a line), framing each one's
/// output; errors are reported in the frame and do not stop the batch.
pub fn run_batch(list: &str) -> Result<(), String> {
    let text = crate::semihosting::read_file(list)?;
    let text = core::str::from_utf8(&text).map_err(|_| format!("{list}: not UTF-8"))?;
    for path in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        crate::println!("=== begin {path}");
        match run_file(path) {
            Ok(()) => crate::println!("=== end {path}: ok"),
            Err(message) => {
                crate::println!("{message}");
                crate::println!("=== end {path}: error");
            }
        }
    }
    Ok(())
}

/// A VM for the firmware: libraries, UART output, semihosting files, memory limit.
fn new_vm() -> Result<Vm, String> {
    let mut vm = Vm::new();
    crescent_core::stdlib::open_libs(&mut vm).map_err(|e| vm.error_message(e))?;
    vm.set_output(Box::new(crate::uart::write_bytes));
    vm.file_hook = Some(Box::new(|path: Option<&str>| match path {
        Some(p) => crate::semihosting::read_file(p),
        None => Err(String::from("no standard input on bare metal")),
    }));
    let (_, free) = crate::heap::usage();
    // A quarter of the heap: the VM accounts for its objects, not for the transient buffers
    // beside them (a concatenation builds its bytes before the string object is charged), so
    // the peak can reach about three times the limit, plus fragmentation.
    vm.set_memory_limit(Some(free / 4));
    Ok(vm)
}

/// Compiles and runs one chunk; `Err` holds the message and traceback.
fn run_chunk(source: &[u8], chunkname: &str) -> Result<(), String> {
    let mut vm = new_vm()?;
    let result = vm.load(source, chunkname).and_then(|f| {
        vm.roots.push(f);
        let r = vm.call(f, &[], Some(0));
        vm.roots.pop();
        r
    });
    match result {
        Ok(_) => Ok(()),
        Err(e) => {
            let message = vm.error_message(e);
            let traceback = vm.traceback();
            Err(format!("lua: {message}\n{traceback}"))
        }
    }
}
