//! The trace JIT: hot counting, recording to SSA IR, optimization passes, register
//! allocation and AArch64 emission.
//!
//! Pipeline (see `/work/shared/DESIGN.md`, "The trace JIT"): [`engine`] gets the hot
//! loop from the interpreter, [`record`] turns one iteration into IR with snapshots,
//! [`opt`] optimizes it, [`regalloc`] allocates registers, [`emit`] produces AArch64 code
//! through [`a64`], and [`exit`] restores the VM when a guard fails.

pub mod a64;
pub mod emit;
pub mod engine;
pub mod exit;
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
