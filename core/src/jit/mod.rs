//! The trace JIT: hot counting, recording to SSA IR, optimization passes, register
//! allocation and AArch64 emission.
//!
//! Pipeline (see `/work/shared/DESIGN.md`, "The trace JIT"): [`engine`] gets the hot
//! loop from the interpreter, [`record`] turns one iteration into IR with snapshots,
//! [`opt`] optimizes it, [`regalloc`] allocates registers, [`emit`] produces AArch64 code
//! through [`a64`], and [`exit`] restores the VM when a guard fails.
//!
//! # What traces cover (v1)
//! Root traces of numeric `for`, `while` and `repeat` loops: number arithmetic
//! (`+ - * / % ^`, unary minus), comparisons of numbers, moves, constants, `not`,
//! `and`/`or` tests, conditionals in the body (guards with snapshots), reads and writes
//! of upvalues, reads of globals and of fields of constant tables (entry assumptions, see
//! [`record`]), `math.floor/ceil/sqrt/abs/min/max/deg/rad` inline and the other `math`
//! functions through [`helpers`], integer indices of numeric `for` loops that index
//! tables, table reads (array part and small string map) and `#t`. Everything else aborts the recording with a reason (`-jv`): table writes, calls
//! of Lua functions (no inlining yet), string operations, inner loops (the inner loop
//! gets its own trace), and the loop is penalized, then blacklisted. No side traces yet:
//! every exit returns to the interpreter.
//!
//! Invariants: with the JIT dormant (the default until `jit.on()`, `jit.opt.start()`,
//! `-O`, `-jv` or `-jdump`) nothing here runs; off AArch64, or without executable memory
//! from the host, traces are recorded, compiled and dumped but never executed.

pub mod a64;
pub mod emit;
pub mod engine;
pub mod exit;
pub mod helpers;
pub mod ir;
pub mod opt;
pub mod params;
pub mod record;
pub mod regalloc;
pub mod snapshot;
#[cfg(test)]
pub mod tests;

use alloc::format;
use alloc::string::String;

pub use engine::Engine;

/// `a ^ b` exactly as the interpreter computes it: recording, folding, helper calls
/// and the emitted code all go through this, so traces stay bit-identical to the VM.
pub fn vm_pow(a: f64, b: f64) -> f64 {
    crate::vm::meta::arith_num(crate::vm::meta::Tm::Pow, a, b)
}

/// One bytecode as `-jdump` lists it (`OP a b c`).
pub fn dump_bc(i: crate::bytecode::Instr) -> String {
    use crate::bytecode::Format;
    let op = i.op();
    match op.format() {
        Format::ABC => format!("{:<9} {} {} {}", op.name(), i.a(), i.b(), i.c()),
        Format::ABx => format!("{:<9} {} {}", op.name(), i.a(), i.bx()),
        Format::AsBx => format!("{:<9} {} {}", op.name(), i.a(), i.sbx()),
    }
}

/// Machine code as `-jdump` lists it: disassembled with the `disasm` feature, else the
/// words in hex.
pub fn dump_code(words: &[u32]) -> String {
    #[cfg(feature = "disasm")]
    {
        a64::disasm::disassemble(words, 0)
    }
    #[cfg(not(feature = "disasm"))]
    {
        let mut s = String::new();
        for (n, w) in words.iter().enumerate() {
            s.push_str(&format!("{:08x}  {w:08x}\n", 4 * n));
        }
        s
    }
}
