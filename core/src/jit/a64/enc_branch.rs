//! Branches (B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET) and PC-relative addresses
//! (ADR, ADRP).
//!
//! Invariants: offsets are byte distances from the instruction itself, already checked for
//! range and alignment by their types ([`BranchOff26`] and friends). Register operands read
//! 31 as the zero register (`br xzr` is legal if useless), so they are `Gpr`.

use super::branch_off::{AdrOff, AdrpOff, BranchOff14, BranchOff19, BranchOff26};
use super::cond::Cond;
use super::imms::ShiftAmt;
use super::regs::{Gpr, Reg, X};

/// `b pc + off`
pub fn b(off: BranchOff26) -> u32 {
    0b000101 << 26 | off.field()
}

/// `bl pc + off`: call, return address in x30.
pub fn bl(off: BranchOff26) -> u32 {
    0b100101 << 26 | off.field()
}

/// `b.cond pc + off`
pub fn b_cond(cond: Cond, off: BranchOff19) -> u32 {
    0b01010100 << 24 | off.field() << 5 | cond.bits()
}

/// `cbz rt, pc + off`: branch if `rt` is zero.
pub fn cbz<R: Gpr>(rt: R, off: BranchOff19) -> u32 {
    R::SF << 31 | 0b011010 << 25 | off.field() << 5 | rt.num()
}

/// `cbnz rt, pc + off`: branch if `rt` is not zero.
pub fn cbnz<R: Gpr>(rt: R, off: BranchOff19) -> u32 {
    R::SF << 31 | 0b011010 << 25 | 1 << 24 | off.field() << 5 | rt.num()
}

/// A bit index of a register of type `R` (`0..R::BITS`), as tested by TBZ/TBNZ.
pub type BitIndex<R> = ShiftAmt<R>;

/// `b5:011011:op:b40:imm14:Rt`
fn enc_test_bit<R: Gpr>(op: u32, rt: R, bit: BitIndex<R>, off: BranchOff14) -> u32 {
    let bit = bit.value();
    (bit >> 5) << 31 | 0b011011 << 25 | op << 24 | (bit & 31) << 19 | off.field() << 5 | rt.num()
}

/// `tbz rt, #bit, pc + off`: branch if the bit is zero.
pub fn tbz<R: Gpr>(rt: R, bit: BitIndex<R>, off: BranchOff14) -> u32 {
    enc_test_bit(0, rt, bit, off)
}

/// `tbnz rt, #bit, pc + off`: branch if the bit is one.
pub fn tbnz<R: Gpr>(rt: R, bit: BitIndex<R>, off: BranchOff14) -> u32 {
    enc_test_bit(1, rt, bit, off)
}

/// `br rn`: jump to the address in `rn`.
pub fn br(rn: X) -> u32 {
    0xd61f_0000 | rn.num() << 5
}

/// `blr rn`: call the address in `rn`, return address in x30.
pub fn blr(rn: X) -> u32 {
    0xd63f_0000 | rn.num() << 5
}

/// `ret rn`: return to the address in `rn` (normally x30).
pub fn ret(rn: X) -> u32 {
    0xd65f_0000 | rn.num() << 5
}

/// `adr rd, pc + off`
pub fn adr(rd: X, off: AdrOff) -> u32 {
    let f = off.field();
    (f & 3) << 29 | 0b10000 << 24 | (f >> 2) << 5 | rd.num()
}

/// `adrp rd, (pc & !0xfff) + off`
pub fn adrp(rd: X, off: AdrpOff) -> u32 {
    let f = off.field();
    1 << 31 | (f & 3) << 29 | 0b10000 << 24 | (f >> 2) << 5 | rd.num()
}
