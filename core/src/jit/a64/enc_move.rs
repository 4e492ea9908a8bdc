//! MOVZ/MOVN/MOVK: moving a 16-bit immediate into one halfword of a register.
//!
//! Invariants: the [`MoveWide`] operand has the width of the register, so its shift is
//! always in range (0/16 for `W`, up to 48 for `X`).

use super::imms::MoveWide;
use super::regs::Gpr;

/// `sf:opc:100101:hw:imm16:Rd`
fn enc_move_wide<R: Gpr>(opc: u32, rd: R, imm: MoveWide<R>) -> u32 {
    R::SF << 31 | opc << 29 | 0b100101 << 23 | imm.bits() | rd.num()
}

/// `rd = !(imm16 << shift)`
pub fn movn<R: Gpr>(rd: R, imm: MoveWide<R>) -> u32 {
    enc_move_wide(0b00, rd, imm)
}

/// `rd = imm16 << shift`
pub fn movz<R: Gpr>(rd: R, imm: MoveWide<R>) -> u32 {
    enc_move_wide(0b10, rd, imm)
}

/// Replace the halfword of `rd` at `shift` with `imm16`, keeping the others.
pub fn movk<R: Gpr>(rd: R, imm: MoveWide<R>) -> u32 {
    enc_move_wide(0b11, rd, imm)
}
