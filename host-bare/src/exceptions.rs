//! Exception vectors: every exception is fatal. The handler prints which vector fired and the
//! syndrome (ESR), fault address (FAR), return address (ELR) and saved state (SPSR) on the
//! UART, then exits through semihosting with [`crate::EXIT_EXCEPTION`].
//!
//! Invariants: the handler runs on the exception stack (`SP_EL1`, see `boot.rs`), allocates
//! nothing and takes no lock, so it works after a stack overflow, inside the allocator, or in
//! the middle of a UART line.

use crate::{println, semihosting, sysreg};

core::arch::global_asm!(
    r#"
    .section .text.vectors, "ax"
    .balign 0x800
    .global exception_vectors
exception_vectors:
    .balign 0x80
    mov x0, #0
    b 1f
    .balign 0x80
    mov x0, #1
    b 1f
    .balign 0x80
    mov x0, #2
    b 1f
    .balign 0x80
    mov x0, #3
    b 1f
    .balign 0x80
    mov x0, #4
    b 1f
    .balign 0x80
    mov x0, #5
    b 1f
    .balign 0x80
    mov x0, #6
    b 1f
    .balign 0x80
    mov x0, #7
    b 1f
    .balign 0x80
    mov x0, #8
    b 1f
    .balign 0x80
    mov x0, #9
    b 1f
    .balign 0x80
    mov x0, #10
    b 1f
    .balign 0x80
    mov x0, #11
    b 1f
    .balign 0x80
    mov x0, #12
    b 1f
    .balign 0x80
    mov x0, #13
    b 1f
    .balign 0x80
    mov x0, #14
    b 1f
    .balign 0x80
    mov x0, #15
    b 1f
1:
    bl crescent_bare_exception
2:  wfe
    b 2b
"#
);

const SOURCES: [&str; 4] = [
    "current EL, SP_EL0",
    "current EL, SP_ELx",
    "lower EL, AArch64",
    "lower EL, AArch32",
];
const KINDS: [&str; 4] = ["synchronous", "IRQ", "FIQ", "SError"];

/// A name for the exception class field of ESR_EL1 (the common ones).
fn class_name(ec: u64) -> &'static str {
    match ec {
        0x00 => "unknown/undefined instruction",
        0x07 => "FP/SIMD access trapped",
        0x15 => "SVC",
        0x20 => "instruction abort from lower EL",
        0x21 => "instruction abort",
        0x22 => "PC alignment fault",
        0x24 => "data abort from lower EL",
        0x25 => "data abort",
        0x26 => "SP alignment fault",
        0x2f => "SError",
        0x3c => "BRK",
        _ => "other",
    }
}

/// Called by the vectors with the vector index (0..16); never returns.
#[no_mangle]
extern "C" fn crescent_bare_exception(vector: u64) -> ! {
    let esr = sysreg::esr_el1();
    let ec = esr >> 26;
    println!(
        "\n*** exception: {} from {} (vector {vector})",
        KINDS[(vector & 3) as usize],
        SOURCES[((vector >> 2) & 3) as usize],
    );
    println!(
        "*** ESR_EL1  = {esr:#018x} (EC {ec:#04x}: {})",
        class_name(ec)
    );
    println!("*** FAR_EL1  = {:#018x}", sysreg::far_el1());
    println!("*** ELR_EL1  = {:#018x}", sysreg::elr_el1());
    println!("*** SPSR_EL1 = {:#018x}", sysreg::spsr_el1());
    semihosting::exit(crate::EXIT_EXCEPTION)
}
