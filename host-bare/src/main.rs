//! crescent firmware for QEMU's AArch64 `virt` board (`-M virt -cpu cortex-a72`).
//!
//! Boot (`boot.rs`) brings the core to EL1 with FP/SIMD on; `crescent_bare_main` then turns on
//! the identity-mapped MMU and caches (`mmu.rs`), the heap (`heap.rs`), reads its command line
//! through semihosting and runs a command. Output goes to the PL011 UART (`uart.rs`); the result
//! is the semihosting exit status:
//!
//! | status | meaning |
//! |--------|---------|
//! | 0 | success |
//! | 1 | a Lua error or a failed check (message on the UART) |
//! | 2 | a Rust panic (message on the UART) |
//! | 3 | a CPU exception (ESR/FAR/ELR on the UART) |
//!
//! Lua runs with the trace JIT on, its code in the W^X code region (`code_memory.rs`).
//!
//! Command line (`qemu-system-aarch64 ... -kernel crescent-bare -append "[OPTION...] COMMAND"`);
//! options: `-joff` (interpreter only), `-jv` (a line per trace event, as `luajit -jv`).
//! Commands:
//! - (none): the code-memory self-test, then the embedded Lua script `core`;
//! - `selftest`: the W^X code-memory checks only;
//! - `lua NAME...`: the embedded Lua scripts named (`core`, `demo`, `error`, `jit`: see `lua/`);
//! - `file PATH...`: Lua files of the host, read through semihosting (paths relative to the
//!   directory QEMU runs in);
//! - `batch LIST`: every Lua file named in the host file LIST (one path a line), each in a fresh
//!   VM, each framed by `=== begin PATH` and `=== end PATH: ok` (or `: error`) lines, going on
//!   after errors (exit 0 once all ran: the frames carry the results);
//! - `fault-write-code`, `fault-exec-data`, `fault-stack`, `panic`: deliberate failures that
//!   prove the W^X enforcement, the guard page and the handlers (each exits non-zero).

#![no_std]
#![no_main]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;

mod boot;
mod cache;
mod code_memory;
mod exceptions;
mod heap;
mod lua;
mod mmu;
mod selftest;
mod semihosting;
mod sysreg;
mod uart;

use code_memory::BareCodeMemory;

/// Exit status: success.
pub const EXIT_OK: u32 = 0;
/// Exit status: a Lua error or a failed check.
pub const EXIT_FAILURE: u32 = 1;
/// Exit status: a Rust panic.
pub const EXIT_PANIC: u32 = 2;
/// Exit status: a CPU exception.
pub const EXIT_EXCEPTION: u32 = 3;

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    println!("\n*** panic: {info}");
    semihosting::exit(EXIT_PANIC)
}

/// Entered from `boot.rs` at EL1, MMU off, on the main stack.
#[no_mangle]
extern "C" fn crescent_bare_main(started_at_el: u64) -> ! {
    if let Err(e) = mmu::init() {
        println!("*** MMU setup failed: {e}");
        semihosting::exit(EXIT_FAILURE);
    }
    let (heap_start, heap_end) = (mmu::layout::heap_start(), mmu::layout::heap_end());
    // SAFETY: once, MMU on; the heap range is RAM that nothing else uses, mapped read+write.
    unsafe { heap::init(heap_start, heap_end - heap_start) };
    let up_us = sysreg::uptime_us();
    println!(
        "crescent-bare: up at EL1 (entered at EL{started_at_el}) after {up_us} us; \
         image {} KiB, heap {} MiB, code region {} KiB",
        (mmu::layout::image_end() - mmu::layout::image_start()) / 1024,
        (heap_end - heap_start) >> 20,
        (mmu::layout::code_end() - mmu::layout::code_start()) / 1024,
    );

    let mut buf = [0u8; 4096];
    let Some(cmdline) = semihosting::cmdline(&mut buf) else {
        println!(
            "cannot read the command line (longer than {} bytes?)",
            buf.len()
        );
        semihosting::exit(EXIT_FAILURE);
    };
    // The first word is the image path QEMU was given; options come before the command.
    let mut words = cmdline.split_ascii_whitespace().skip(1).peekable();
    while let Some(option) = words.next_if(|w| w.starts_with('-')) {
        if let Err(e) = lua::set_option(option) {
            println!("{e}");
            semihosting::exit(EXIT_FAILURE);
        }
    }
    let status = run(words.next(), &mut words);
    let (used, free) = heap::usage();
    println!("crescent-bare: exit {status} (heap {used} bytes used, {free} free)");
    semihosting::exit(status)
}

fn run(command: Option<&str>, args: &mut dyn Iterator<Item = &str>) -> u32 {
    let code_memory = || BareCodeMemory::take().expect("no other code memory is alive");
    let result = match command {
        None => {
            // The self-test's code memory is dropped (given back) before Lua's JIT takes it.
            let tested = selftest(&mut code_memory());
            tested.and_then(|()| lua::run_default())
        }
        Some("selftest") => selftest(&mut code_memory()),
        Some("lua") => (|| {
            for name in args {
                lua::run_named(name)?;
            }
            Ok(())
        })(),
        Some("file") => (|| {
            for path in args {
                lua::run_file(path)?;
            }
            Ok(())
        })(),
        Some("batch") => match args.next() {
            Some(list) => lua::run_batch(list),
            None => Err("batch: missing list file".into()),
        },
        Some("fault-write-code") => selftest::fault_write_executable(&mut code_memory()),
        Some("fault-exec-data") => selftest::fault_execute_writable(&mut code_memory()),
        Some("fault-stack") => {
            println!("overflowing the stack ...");
            Err(alloc::format!("recursion returned {}", recurse(0)))
        }
        Some("panic") => panic!("deliberate panic"),
        Some(other) => Err(alloc::format!("unknown command '{other}'")),
    };
    match result {
        Ok(()) => EXIT_OK,
        Err(message) => {
            println!("{message}");
            EXIT_FAILURE
        }
    }
}

fn selftest(mem: &mut BareCodeMemory) -> Result<(), alloc::string::String> {
    selftest::run(mem)?;
    println!("selftest: W^X code region ok (write, run, patch, run; permissions; bounds)");
    Ok(())
}

/// Unbounded recursion, for the `fault-stack` command (hits the stack's guard page).
#[allow(unconditional_recursion)]
fn recurse(depth: u64) -> u64 {
    let frame = core::hint::black_box([depth; 64]);
    recurse(depth + 1) + frame[depth as usize % 64]
}
