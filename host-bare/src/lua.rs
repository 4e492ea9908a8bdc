//! Lua scripts embedded in the image (`host-bare/lua/*.lua`, by `include_str!`) or read from
//! the host through semihosting, run through the core VM with `print` going to the UART.
//!
//! Invariants: every script runs in a fresh VM with the standard libraries open, a memory
//! limit below the heap's size (so running out is a Lua "not enough memory" error, never an
//! allocation failure) and `dofile`/`loadfile` reading host files through semihosting. A Lua
//! error is returned as its message and traceback; the caller exits with status 1.
//!
//!
//! The trace JIT is on (unless `-joff`): each VM's engine gets the firmware's
//! [`BareCodeMemory`] (one VM at a time; dropping the VM gives it back), so traces are written
//! through the page-table W^X switch and the DC CVAU / IC IVAU sequence. `-jv` sends the
//! engine's trace events to the UART.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;

use core::sync::atomic::{AtomicBool, Ordering};

use crescent_core::vm::Vm;

use crate::code_memory::BareCodeMemory;

static JIT_OFF: AtomicBool = AtomicBool::new(false);
static JIT_VERBOSE: AtomicBool = AtomicBool::new(false);

/// Applies a command-line option (`-joff`, `-jv`).
pub fn set_option(option: &str) -> Result<(), String> {
    match option {
        "-joff" => JIT_OFF.store(true, Ordering::Relaxed),
        "-jv" => JIT_VERBOSE.store(true, Ordering::Relaxed),
        _ => return Err(format!("unknown option '{option}' (options: -joff, -jv)")),
    }
    Ok(())
}

/// The embedded scripts, by name.
pub const SCRIPTS: &[(&str, &str)] = &[
    ("core", include_str!("../lua/core.lua")),
    ("demo", include_str!("../lua/demo.lua")),
    ("error", include_str!("../lua/error.lua")),
    ("jit", include_str!("../lua/jit.lua")),
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
    if !JIT_OFF.load(Ordering::Relaxed) {
        let mem = BareCodeMemory::take().ok_or("the code memory is in use by another VM")?;
        crescent_core::jit::engine::set_code_memory(&mut vm, Box::new(mem));
        if JIT_VERBOSE.load(Ordering::Relaxed) {
            let engine = crescent_core::jit::engine::engine(&mut vm);
            engine.verbose = true;
            engine.set_log(Box::new(|line: &str| {
                crate::uart::write_bytes(line.as_bytes())
            }));
        }
        // As a script would: through the `jit` library, so `jit.status()` agrees.
        exec(&mut vm, b"jit.on()", "=firmware").map_err(|e| format!("jit.on: {e}"))?;
    }
    let (_, free) = crate::heap::usage();
    // A quarter of the heap: the VM accounts for its objects, not for the transient buffers
    // beside them (a concatenation builds its bytes before the string object is charged), so
    // the peak can reach about three times the limit, plus fragmentation.
    vm.set_memory_limit(Some(free / 4));
    Ok(vm)
}

/// Compiles and runs one chunk in a fresh VM; `Err` holds the message and traceback.
fn run_chunk(source: &[u8], chunkname: &str) -> Result<(), String> {
    let mut vm = new_vm()?;
    exec(&mut vm, source, chunkname).map_err(|e| format!("lua: {e}"))
}

/// Compiles and runs one chunk in `vm`; `Err` holds the message and traceback.
fn exec(vm: &mut Vm, source: &[u8], chunkname: &str) -> Result<(), String> {
    let result = vm.load(source, chunkname).and_then(|f| {
        vm.roots.push(f);
        let r = vm.call(f, &[], Some(0));
        vm.roots.pop();
        r
    });
    result.map(|_| ()).map_err(|e| {
        let message = vm.error_message(e);
        format!("{message}\n{}", vm.traceback())
    })
}
