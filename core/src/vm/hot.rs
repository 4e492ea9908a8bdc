//! Hot counting at loop back-edges, and the *no-count* mark of a back-edge.
//!
//! While the JIT is on (`Vm::hot_on`), each taken back-edge (`FORLOOP`, `TFORLOOP`,
//! `LOOP`) decrements a hot counter (a small table hashed by prototype and loop start,
//! `hot_index`) and calls the JIT's hook when it runs out; with the JIT off the
//! interpreter tests the mark below and the flag, and counts nothing.
//!
//! A loop the JIT gave up on (blacklisted) must cost nothing more than with the JIT off,
//! so, as LuaJIT patches `FORL` into `IFORL`, the engine marks the back-edge instruction
//! itself in the prototype's code with [`NO_HOT`]; the interpreter tests that bit in the
//! instruction word it has already loaded and skips the counter.
//!
//! Invariants:
//! - a back-edge jumps backwards (`sBx <= -1`, the compiler's contract), so its biased Bx
//!   field is below `MAXARG_SBX` and its top bit, bit 31 of the word, is clear in compiler
//!   output: [`NO_HOT`] never collides with a real offset, and [`back_sbx`] (the offset
//!   without the mark) is what the interpreter and the step budget use at back-edges;
//! - only back-edges are ever marked, only in a prototype's runtime code (`Proto::code`;
//!   the compiler's `ProtoDesc` copy, used by listings and debug names, is untouched);
//!   readers of runtime code that decode a back-edge's `sbx()` see a forward offset for a
//!   marked one (the recorder then finds a loop other than its own: "inner loop");
//! - the mark is permanent for the prototype's life, as LuaJIT's blacklisting is.

use crate::bytecode::{Instr, Op, MAXARG_SBX, POS_BX, SIZE_BX};
use crate::object::Proto;

/// Bit of a back-edge instruction meaning "do not count hotness here".
pub const NO_HOT: u32 = 1 << 31;

/// The jump offset of back-edge `i`, with or without [`NO_HOT`].
#[inline(always)]
pub fn back_sbx(i: Instr) -> i32 {
    ((i.0 >> POS_BX) & ((1 << (SIZE_BX - 1)) - 1)) as i32 - MAXARG_SBX
}

/// True for the three back-edge opcodes.
pub fn is_back_edge(i: Instr) -> bool {
    matches!(i.op(), Op::FORLOOP | Op::TFORLOOP | Op::LOOP)
}

/// True when the back-edge at `pc` of `proto` no longer counts hotness.
pub fn is_marked(proto: &Proto, pc: usize) -> bool {
    proto
        .code
        .get(pc)
        .is_some_and(|i| is_back_edge(*i) && i.0 & NO_HOT != 0)
}

/// Marks the back-edge at `pc` of `proto` as no longer counting hotness; false (and no
/// change) when `pc` is not a back-edge.
pub fn mark(proto: &mut Proto, pc: usize) -> bool {
    match proto.code.get_mut(pc) {
        Some(i) if is_back_edge(*i) => {
            i.0 |= NO_HOT;
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mark_keeps_the_offset_and_only_touches_back_edges() {
        for op in [Op::FORLOOP, Op::TFORLOOP, Op::LOOP] {
            for sbx in [-1, -2, -700, -MAXARG_SBX] {
                let i = Instr::asbx(op, 7, sbx);
                assert_eq!(i.0 & NO_HOT, 0, "compiler output is unmarked");
                let m = Instr(i.0 | NO_HOT);
                assert_eq!((back_sbx(i), back_sbx(m)), (sbx, sbx));
                assert_eq!((m.op(), m.a()), (op, 7));
            }
        }
        // A forward jump's offset may use bit 31: never a back-edge, never marked.
        let j = Instr::asbx(Op::JMP, 0, 5);
        assert_ne!(j.0 & NO_HOT, 0);
        assert!(!is_back_edge(j));
    }
}
