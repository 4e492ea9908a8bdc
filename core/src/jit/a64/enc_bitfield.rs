//! Bitfield moves (UBFM/SBFM/BFM), EXTR, and their aliases: immediate shifts (LSL/LSR/ASR/ROR),
//! field extracts and inserts (UBFX/SBFX/BFXIL, BFI/UBFIZ/SBFIZ), and sign/zero extensions.
//!
//! Invariants: every alias derives `immr`/`imms` from a width-checked operand ([`ShiftAmt`],
//! [`Bitfield`]) of the register's width, so the raw fields are always in range; `N` equals
//! `sf` as the architecture requires.

use super::imms::{Bitfield, BitfieldRaw, ShiftAmt};
use super::regs::{Gpr, Reg, W, X};

/// `sf:opc:100110:N:immr:imms:Rn:Rd`
fn enc_bitfield<R: Gpr>(opc: u32, rd: R, rn: R, f: BitfieldRaw<R>) -> u32 {
    R::SF << 31 | opc << 29 | 0b100110 << 23 | R::SF << 22 | f.bits() | rn.num() << 5 | rd.num()
}

fn raw<R: Gpr>(immr: u32, imms: u32) -> BitfieldRaw<R> {
    match BitfieldRaw::new(immr % R::BITS, imms) {
        Some(f) => f,
        None => unreachable!("derived from width-checked operands"),
    }
}

/// Signed bitfield move (the general form behind ASR, SBFX, SBFIZ, SXTB...).
pub fn sbfm<R: Gpr>(rd: R, rn: R, f: BitfieldRaw<R>) -> u32 {
    enc_bitfield(0b00, rd, rn, f)
}

/// Bitfield move keeping the other destination bits (behind BFI, BFXIL).
pub fn bfm<R: Gpr>(rd: R, rn: R, f: BitfieldRaw<R>) -> u32 {
    enc_bitfield(0b01, rd, rn, f)
}

/// Unsigned bitfield move (behind LSL, LSR, UBFX, UBFIZ, UXTB...).
pub fn ubfm<R: Gpr>(rd: R, rn: R, f: BitfieldRaw<R>) -> u32 {
    enc_bitfield(0b10, rd, rn, f)
}

/// `rd = rn << sh`
pub fn lsl_imm<R: Gpr>(rd: R, rn: R, sh: ShiftAmt<R>) -> u32 {
    let s = sh.value();
    ubfm(rd, rn, raw(R::BITS - s, R::BITS - 1 - s))
}

/// `rd = rn >> sh`, logical.
pub fn lsr_imm<R: Gpr>(rd: R, rn: R, sh: ShiftAmt<R>) -> u32 {
    ubfm(rd, rn, raw(sh.value(), R::BITS - 1))
}

/// `rd = rn >> sh`, arithmetic.
pub fn asr_imm<R: Gpr>(rd: R, rn: R, sh: ShiftAmt<R>) -> u32 {
    sbfm(rd, rn, raw(sh.value(), R::BITS - 1))
}

/// `rd = (rn:rm) >> lsb`, the low `width` bits of the concatenation.
pub fn extr<R: Gpr>(rd: R, rn: R, rm: R, lsb: ShiftAmt<R>) -> u32 {
    R::SF << 31
        | 0b00100111 << 23
        | R::SF << 22
        | rm.num() << 16
        | lsb.value() << 10
        | rn.num() << 5
        | rd.num()
}

/// `rd = rn` rotated right by `sh` (EXTR of the register with itself).
pub fn ror_imm<R: Gpr>(rd: R, rn: R, sh: ShiftAmt<R>) -> u32 {
    extr(rd, rn, rn, sh)
}

/// `rd = zero-extended field of rn`
pub fn ubfx<R: Gpr>(rd: R, rn: R, f: Bitfield<R>) -> u32 {
    ubfm(rd, rn, raw(f.lsb(), f.lsb() + f.width() - 1))
}

/// `rd = sign-extended field of rn`
pub fn sbfx<R: Gpr>(rd: R, rn: R, f: Bitfield<R>) -> u32 {
    sbfm(rd, rn, raw(f.lsb(), f.lsb() + f.width() - 1))
}

/// Copy the field of `rn` at `f.lsb()` into the low bits of `rd`, keeping the other bits.
pub fn bfxil<R: Gpr>(rd: R, rn: R, f: Bitfield<R>) -> u32 {
    bfm(rd, rn, raw(f.lsb(), f.lsb() + f.width() - 1))
}

/// Insert the low `f.width()` bits of `rn` into `rd` at `f.lsb()`, keeping the other bits.
pub fn bfi<R: Gpr>(rd: R, rn: R, f: Bitfield<R>) -> u32 {
    bfm(rd, rn, raw(R::BITS - f.lsb(), f.width() - 1))
}

/// `rd = (low f.width() bits of rn) << f.lsb()`
pub fn ubfiz<R: Gpr>(rd: R, rn: R, f: Bitfield<R>) -> u32 {
    ubfm(rd, rn, raw(R::BITS - f.lsb(), f.width() - 1))
}

/// `rd = sign-extended (low f.width() bits of rn) << f.lsb()`
pub fn sbfiz<R: Gpr>(rd: R, rn: R, f: Bitfield<R>) -> u32 {
    sbfm(rd, rn, raw(R::BITS - f.lsb(), f.width() - 1))
}

/// Sign-extend the low byte of `rn` into `rd`.
pub fn sxtb<R: Gpr>(rd: R, rn: W) -> u32 {
    sign_extend(rd, rn, 7)
}

/// Sign-extend the low halfword of `rn` into `rd`.
pub fn sxth<R: Gpr>(rd: R, rn: W) -> u32 {
    sign_extend(rd, rn, 15)
}

/// Sign-extend the 32-bit `rn` into the 64-bit `rd`.
pub fn sxtw(rd: X, rn: W) -> u32 {
    sign_extend(rd, rn, 31)
}

/// SBFM `rd, rn, #0, #top` where `rn` is named by its W view in the assembly.
fn sign_extend<R: Gpr>(rd: R, rn: W, top: u32) -> u32 {
    R::SF << 31 | 0b00100110 << 23 | R::SF << 22 | top << 10 | rn.num() << 5 | rd.num()
}

/// Zero-extend the low byte of `rn` into `rd` (writing a W register clears the upper half).
pub fn uxtb(rd: W, rn: W) -> u32 {
    ubfm(rd, rn, raw(0, 7))
}

/// Zero-extend the low halfword of `rn` into `rd`.
pub fn uxth(rd: W, rn: W) -> u32 {
    ubfm(rd, rn, raw(0, 15))
}
