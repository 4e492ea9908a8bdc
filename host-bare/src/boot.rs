//! Reset entry: from whatever exception level QEMU starts us at to Rust at EL1.
//!
//! Invariants when `crescent_bare_main` is called:
//! - the core runs at EL1, AArch64, interrupts masked (DAIF), MMU and caches still off;
//! - FP/SIMD is enabled (`CPACR_EL1.FPEN`), since compiled Rust uses the vector registers;
//! - the main stack is `SP_EL0` (we run in EL1t) and `SP_EL1` is the separate exception stack,
//!   so a main-stack overflow (into its unmapped guard page) still reaches a working handler;
//! - `VBAR_EL1` points at the vectors of `exceptions.rs`; `.bss` is zero;
//! - `x0` holds the exception level we were started at (1 or 2).
//!
//! QEMU's `-kernel` with an ELF image enters at EL1 on `-M virt` by default, at EL2 with
//! `virtualization=on` (handled by dropping to EL1), at EL3 with `secure=on` (not supported:
//! the core parks). Secondary cores are held off by QEMU's PSCI until started; any that arrive
//! here park too.

core::arch::global_asm!(
    r#"
    .section .text.boot, "ax"
    .global _start
_start:
    mrs     x1, mpidr_el1
    and     x1, x1, #0xff
    cbnz    x1, 9f
    mrs     x19, CurrentEL
    lsr     x19, x19, #2
    cmp     x19, #1
    b.eq    1f
    cmp     x19, #2
    b.ne    9f
    // EL2 -> EL1: EL1 is AArch64 (HCR_EL2.RW), FP/SIMD and the timers not trapped to EL2.
    mov     x1, #(1 << 31)
    msr     hcr_el2, x1
    mov     x1, #0x33ff
    msr     cptr_el2, x1
    mov     x1, #3
    msr     cnthctl_el2, x1
    msr     cntvoff_el2, xzr
    // SCTLR_EL1: its RES1 bits, MMU and caches off.
    ldr     x1, =0x30d00800
    msr     sctlr_el1, x1
    mov     x1, #0x3c5              // EL1h with D, A, I, F masked
    msr     spsr_el2, x1
    adr     x1, 1f
    msr     elr_el2, x1
    eret
1:
    mov     x1, #(3 << 20)          // CPACR_EL1.FPEN: no FP/SIMD traps
    msr     cpacr_el1, x1
    isb
    ldr     x1, =__exc_stack_top
    mov     sp, x1                  // SP_EL1: exceptions
    ldr     x1, =__stack_top
    msr     sp_el0, x1
    msr     spsel, #0               // run on SP_EL0
    ldr     x1, =exception_vectors
    msr     vbar_el1, x1
    isb
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
2:  cmp     x1, x2
    b.hs    3f
    stp     xzr, xzr, [x1], #16
    b       2b
3:
    mov     x0, x19
    bl      crescent_bare_main
9:  wfe
    b       9b
"#
);
