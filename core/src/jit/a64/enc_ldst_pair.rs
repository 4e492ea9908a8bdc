//! Register-pair loads and stores (LDP/STP, LDPSW) in the signed-offset, pre-index and
//! post-index forms.
//!
//! Invariants: as for single loads, the operation [`LdStPair<R, L>`] fixes the register type
//! and the scale `L` of its [`PairOff<L>`]. The base reads 31 as SP. A load of the same
//! register twice, or a write-back form whose base is also a transferred register, is
//! architecturally unpredictable; the register allocator must not produce them.

use super::offsets::PairOff;
use super::regs::{Reg, XSp, D, S, W, X};
use core::marker::PhantomData;

/// A load or store of two registers of type `R`, each `1 << L` bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct LdStPair<R: Reg, const L: u32> {
    /// Bits 31..=30 (`opc`), 26 (`V`) and 22 (`L`, load) of the instruction.
    base: u32,
    name: &'static str,
    _reg: PhantomData<R>,
}

impl<R: Reg, const L: u32> LdStPair<R, L> {
    /// The mnemonic (`ldp`, `stp`, `ldpsw`).
    pub const fn name(self) -> &'static str {
        self.name
    }
}

macro_rules! pair_ops {
    ($( $(#[$doc:meta])* $name:ident: $reg:ident, $l:literal, opc = $opc:literal, v = $v:literal,
        load = $load:literal, $text:literal; )*) => {$(
        $(#[$doc])*
        pub const $name: LdStPair<$reg, $l> = LdStPair {
            base: $opc << 30 | $v << 26 | $load << 22,
            name: $text,
            _reg: PhantomData,
        };
    )*};
}

pair_ops! {
    /// Store two W registers.
    STP_W: W, 2, opc = 0b00, v = 0, load = 0, "stp";
    /// Load two W registers.
    LDP_W: W, 2, opc = 0b00, v = 0, load = 1, "ldp";
    /// Load two words, each sign-extended to 64 bits.
    LDPSW: X, 2, opc = 0b01, v = 0, load = 1, "ldpsw";
    /// Store two X registers.
    STP_X: X, 3, opc = 0b10, v = 0, load = 0, "stp";
    /// Load two X registers.
    LDP_X: X, 3, opc = 0b10, v = 0, load = 1, "ldp";
    /// Store two S registers.
    STP_S: S, 2, opc = 0b00, v = 1, load = 0, "stp";
    /// Load two S registers.
    LDP_S: S, 2, opc = 0b00, v = 1, load = 1, "ldp";
    /// Store two D registers.
    STP_D: D, 3, opc = 0b01, v = 1, load = 0, "stp";
    /// Load two D registers.
    LDP_D: D, 3, opc = 0b01, v = 1, load = 1, "ldp";
}

/// `opc:101:V:0:mode:L:imm7:Rt2:Rn:Rt`
fn enc_pair<R: Reg, const L: u32>(
    op: LdStPair<R, L>,
    mode: u32,
    rt: R,
    rt2: R,
    rn: XSp,
    off: PairOff<L>,
) -> u32 {
    op.base | 0b101 << 27 | mode << 23 | off.bits() | rt2.num() << 10 | rn.num() << 5 | rt.num()
}

/// `op rt, rt2, [rn, #off]`
pub fn ldstp<R: Reg, const L: u32>(
    op: LdStPair<R, L>,
    rt: R,
    rt2: R,
    rn: XSp,
    off: PairOff<L>,
) -> u32 {
    enc_pair(op, 0b010, rt, rt2, rn, off)
}

/// `op rt, rt2, [rn, #off]!`: `rn += off`, then access at `rn`.
pub fn ldstp_pre<R: Reg, const L: u32>(
    op: LdStPair<R, L>,
    rt: R,
    rt2: R,
    rn: XSp,
    off: PairOff<L>,
) -> u32 {
    enc_pair(op, 0b011, rt, rt2, rn, off)
}

/// `op rt, rt2, [rn], #off`: access at `rn`, then `rn += off`.
pub fn ldstp_post<R: Reg, const L: u32>(
    op: LdStPair<R, L>,
    rt: R,
    rt2: R,
    rn: XSp,
    off: PairOff<L>,
) -> u32 {
    enc_pair(op, 0b001, rt, rt2, rn, off)
}
