//! Single-register loads and stores: every size and signedness, general and FP registers, in
//! the unsigned-offset, unscaled (LDUR/STUR), pre-index, post-index, register-offset and
//! PC-relative literal forms.
//!
//! Invariants: an operation is a value of [`LdSt<R, L>`] from the table below, where `R` is
//! the type of the transferred register and `L` the log2 of the access size. The scaled
//! offset and the register index take the same `L`, so an offset checked for one access size
//! cannot be used with another. The base register reads 31 as SP (`XSp`). Pre- and
//! post-index forms whose base is also the transferred register are architecturally
//! unpredictable; the register allocator must not produce them.

use super::branch_off::BranchOff19;
use super::offsets::{Index, SImm9, UOff};
use super::regs::{Reg, XSp, D, S, W, X};
use core::marker::PhantomData;

/// A load or store of one register of type `R`, accessing `1 << L` bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct LdSt<R: Reg, const L: u32> {
    /// Bits 31..=30, bit 26 and bits 23..=22 of the instruction (`size`, `V`, `opc`).
    base: u32,
    name: &'static str,
    unscaled_name: &'static str,
    _reg: PhantomData<R>,
}

impl<R: Reg, const L: u32> LdSt<R, L> {
    const fn new(v: u32, opc: u32, name: &'static str, unscaled_name: &'static str) -> Self {
        // For FP registers the size field holds the low bits of the access size and the
        // 128-bit (Q) form would set opc bit 1; we only have S and D, so size = L.
        LdSt {
            base: L << 30 | v << 26 | opc << 22,
            name,
            unscaled_name,
            _reg: PhantomData,
        }
    }
    /// The mnemonic of the scaled and indexed forms (`ldrsb`).
    pub const fn name(self) -> &'static str {
        self.name
    }
    /// The mnemonic of the unscaled form (`ldursb`).
    pub const fn unscaled_name(self) -> &'static str {
        self.unscaled_name
    }
    /// Log2 of the number of bytes accessed.
    pub const fn log2_size(self) -> u32 {
        L
    }
    /// Whether this is a load.
    pub const fn is_load(self) -> bool {
        self.base & (0b11 << 22) != 0
    }
}

macro_rules! ldst_ops {
    ($( $(#[$doc:meta])* $name:ident: $reg:ident, $l:literal, v = $v:literal, opc = $opc:literal,
        $text:literal, $utext:literal; )*) => {$(
        $(#[$doc])*
        pub const $name: LdSt<$reg, $l> = LdSt::new($v, $opc, $text, $utext);
    )*};
}

ldst_ops! {
    /// Store the low byte of a W register.
    STRB: W, 0, v = 0, opc = 0b00, "strb", "sturb";
    /// Load a byte, zero-extended.
    LDRB: W, 0, v = 0, opc = 0b01, "ldrb", "ldurb";
    /// Load a byte, sign-extended to 64 bits.
    LDRSB_X: X, 0, v = 0, opc = 0b10, "ldrsb", "ldursb";
    /// Load a byte, sign-extended to 32 bits.
    LDRSB_W: W, 0, v = 0, opc = 0b11, "ldrsb", "ldursb";
    /// Store the low halfword of a W register.
    STRH: W, 1, v = 0, opc = 0b00, "strh", "sturh";
    /// Load a halfword, zero-extended.
    LDRH: W, 1, v = 0, opc = 0b01, "ldrh", "ldurh";
    /// Load a halfword, sign-extended to 64 bits.
    LDRSH_X: X, 1, v = 0, opc = 0b10, "ldrsh", "ldursh";
    /// Load a halfword, sign-extended to 32 bits.
    LDRSH_W: W, 1, v = 0, opc = 0b11, "ldrsh", "ldursh";
    /// Store a W register.
    STR_W: W, 2, v = 0, opc = 0b00, "str", "stur";
    /// Load a W register (zero-extending into the X register).
    LDR_W: W, 2, v = 0, opc = 0b01, "ldr", "ldur";
    /// Load a word, sign-extended to 64 bits.
    LDRSW: X, 2, v = 0, opc = 0b10, "ldrsw", "ldursw";
    /// Store an X register.
    STR_X: X, 3, v = 0, opc = 0b00, "str", "stur";
    /// Load an X register.
    LDR_X: X, 3, v = 0, opc = 0b01, "ldr", "ldur";
    /// Store an S register.
    STR_S: S, 2, v = 1, opc = 0b00, "str", "stur";
    /// Load an S register.
    LDR_S: S, 2, v = 1, opc = 0b01, "ldr", "ldur";
    /// Store a D register.
    STR_D: D, 3, v = 1, opc = 0b00, "str", "stur";
    /// Load a D register.
    LDR_D: D, 3, v = 1, opc = 0b01, "ldr", "ldur";
}

/// `op rt, [rn, #off]` with an unsigned offset scaled by the access size.
pub fn ldst<R: Reg, const L: u32>(op: LdSt<R, L>, rt: R, rn: XSp, off: UOff<L>) -> u32 {
    op.base | 0b111 << 27 | 0b01 << 24 | off.bits() | rn.num() << 5 | rt.num()
}

/// `size:111:V:00:opc:0:imm9:idx:Rn:Rt`
fn enc_ldst_imm9<R: Reg, const L: u32>(
    op: LdSt<R, L>,
    idx: u32,
    rt: R,
    rn: XSp,
    off: SImm9,
) -> u32 {
    op.base | 0b111 << 27 | off.bits() | idx << 10 | rn.num() << 5 | rt.num()
}

/// `op rt, [rn, #off]` with an unscaled signed offset (LDUR/STUR and relatives).
pub fn ldst_unscaled<R: Reg, const L: u32>(op: LdSt<R, L>, rt: R, rn: XSp, off: SImm9) -> u32 {
    enc_ldst_imm9(op, 0b00, rt, rn, off)
}

/// `op rt, [rn], #off`: access at `rn`, then `rn += off`.
pub fn ldst_post<R: Reg, const L: u32>(op: LdSt<R, L>, rt: R, rn: XSp, off: SImm9) -> u32 {
    enc_ldst_imm9(op, 0b01, rt, rn, off)
}

/// `op rt, [rn, #off]!`: `rn += off`, then access at `rn`.
pub fn ldst_pre<R: Reg, const L: u32>(op: LdSt<R, L>, rt: R, rn: XSp, off: SImm9) -> u32 {
    enc_ldst_imm9(op, 0b11, rt, rn, off)
}

/// `op rt, [rn, index]` with a register index, optionally extended and scaled.
pub fn ldst_reg<R: Reg, const L: u32>(op: LdSt<R, L>, rt: R, rn: XSp, index: Index) -> u32 {
    op.base | 0b111 << 27 | 1 << 21 | index.bits() | 0b10 << 10 | rn.num() << 5 | rt.num()
}

/// A register that LDR (literal) can load: its `opc:V` selector.
pub trait LiteralReg: Reg {
    /// Bits 31..=30 (`opc`) and 26 (`V`) of LDR (literal).
    const SELECT: u32;
}

impl LiteralReg for W {
    const SELECT: u32 = 0;
}
impl LiteralReg for X {
    const SELECT: u32 = 0b01 << 30;
}
impl LiteralReg for S {
    const SELECT: u32 = 1 << 26;
}
impl LiteralReg for D {
    const SELECT: u32 = 0b01 << 30 | 1 << 26;
}

/// `ldr rt, pc + off`: load from a PC-relative literal (±1 MiB).
pub fn ldr_lit<R: LiteralReg>(rt: R, off: BranchOff19) -> u32 {
    R::SELECT | 0b011 << 27 | off.field() << 5 | rt.num()
}

/// `ldrsw rt, pc + off`: load a sign-extended word from a PC-relative literal.
pub fn ldrsw_lit(rt: X, off: BranchOff19) -> u32 {
    0b10 << 30 | 0b011 << 27 | off.field() << 5 | rt.num()
}

/// `op rt, [rn, #offset]` in whichever immediate form holds `offset`: the scaled unsigned
/// form if it can, else the unscaled signed one (LDUR/STUR), as assemblers choose for `ldr`.
/// `None` if neither can: the caller then puts the offset in a register ([`ldst_reg`]).
pub fn ldst_offset<R: Reg, const L: u32>(
    op: LdSt<R, L>,
    rt: R,
    rn: XSp,
    offset: i64,
) -> Option<u32> {
    match UOff::<L>::new(offset) {
        Some(off) => Some(ldst(op, rt, rn, off)),
        None => SImm9::new(offset).map(|off| ldst_unscaled(op, rt, rn, off)),
    }
}
