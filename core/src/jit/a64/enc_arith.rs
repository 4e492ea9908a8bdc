//! ADD/SUB/ADDS/SUBS in their immediate, shifted-register and extended-register forms, and
//! the aliases built on them (CMP, CMN, NEG, NEGS, MOV to or from SP).
//!
//! Invariants: each function returns one complete instruction word. Which register space a
//! field reads is fixed by the architecture and mirrored in the parameter types: the
//! immediate and extended forms read `Rn` (and a non-flag-setting `Rd`) as SP, so they take
//! `GprSp` registers; the shifted-register forms and every flag-setting `Rd` read 31 as the
//! zero register, so they take `Gpr` registers.

use super::imms::{ArithShift, Extend, ExtendKind, Imm12};
use super::regs::{Gpr, GprSp, Reg, W, X};
use core::fmt;

/// `sf:op:S:100010:sh:imm12:Rn:Rd`
fn enc_arith_imm(sf: u32, op: u32, s: u32, rd: u32, rn: u32, imm: Imm12) -> u32 {
    sf << 31 | op << 30 | s << 29 | 0b100010 << 23 | imm.bits() << 10 | rn << 5 | rd
}

/// `sf:op:S:01011:shift:0:Rm:imm6:Rn:Rd`
fn enc_arith_shifted(sf: u32, op: u32, s: u32, rd: u32, rn: u32, rm: u32, sh: u32) -> u32 {
    sf << 31 | op << 30 | s << 29 | 0b01011 << 24 | sh | rm << 16 | rn << 5 | rd
}

/// `sf:op:S:01011:00:1:Rm:option:imm3:Rn:Rd`
fn enc_arith_ext(sf: u32, op: u32, s: u32, rd: u32, rn: u32, rm: ExtendedReg) -> u32 {
    sf << 31 | op << 30 | s << 29 | 0b0101_1001 << 21 | rm.bits() | rn << 5 | rd
}

/// `rd = rn + imm`
pub fn add_imm<R: GprSp>(rd: R, rn: R, imm: Imm12) -> u32 {
    enc_arith_imm(R::SF, 0, 0, rd.num(), rn.num(), imm)
}

/// `rd = rn - imm`
pub fn sub_imm<R: GprSp>(rd: R, rn: R, imm: Imm12) -> u32 {
    enc_arith_imm(R::SF, 1, 0, rd.num(), rn.num(), imm)
}

/// `rd = rn + imm`, setting flags.
pub fn adds_imm<R: Gpr>(rd: R, rn: R::Sp, imm: Imm12) -> u32 {
    enc_arith_imm(R::SF, 0, 1, rd.num(), rn.num(), imm)
}

/// `rd = rn - imm`, setting flags.
pub fn subs_imm<R: Gpr>(rd: R, rn: R::Sp, imm: Imm12) -> u32 {
    enc_arith_imm(R::SF, 1, 1, rd.num(), rn.num(), imm)
}

/// Compare `rn` with `imm` (SUBS to the zero register).
pub fn cmp_imm<R: GprSp>(rn: R, imm: Imm12) -> u32 {
    subs_imm(R::Zr::ZR, rn, imm)
}

/// Compare `rn` with `-imm` (ADDS to the zero register).
pub fn cmn_imm<R: GprSp>(rn: R, imm: Imm12) -> u32 {
    adds_imm(R::Zr::ZR, rn, imm)
}

/// `rd = rn` where either may be the stack pointer (ADD #0).
pub fn mov_sp<R: GprSp>(rd: R, rn: R) -> u32 {
    add_imm(rd, rn, Imm12::ZERO)
}

/// `rd = rn + value` for a signed `value`: ADD if `value` (or SUB if `-value`) is an
/// [`Imm12`], as assemblers turn `add x0, x1, #-1` into `sub x0, x1, #1`. `None` otherwise.
pub fn add_signed_imm<R: GprSp>(rd: R, rn: R, value: i64) -> Option<u32> {
    match Imm12::new(value as u64) {
        Some(imm) if value >= 0 => Some(add_imm(rd, rn, imm)),
        _ => Imm12::new(value.unsigned_abs()).map(|imm| sub_imm(rd, rn, imm)),
    }
}

/// `rd = rn - value` for a signed `value` (ADD of `-value` when `value` is negative).
pub fn sub_signed_imm<R: GprSp>(rd: R, rn: R, value: i64) -> Option<u32> {
    match Imm12::new(value as u64) {
        Some(imm) if value >= 0 => Some(sub_imm(rd, rn, imm)),
        _ => Imm12::new(value.unsigned_abs()).map(|imm| add_imm(rd, rn, imm)),
    }
}

/// Compare `rn` with a signed `value`: CMP `#value`, or CMN `#-value` when negative.
pub fn cmp_signed_imm<R: GprSp>(rn: R, value: i64) -> Option<u32> {
    match Imm12::new(value as u64) {
        Some(imm) if value >= 0 => Some(cmp_imm(rn, imm)),
        _ => Imm12::new(value.unsigned_abs()).map(|imm| cmn_imm(rn, imm)),
    }
}

/// `rd = rn + (rm shifted)`
pub fn add<R: Gpr>(rd: R, rn: R, rm: R, shift: ArithShift<R>) -> u32 {
    enc_arith_shifted(R::SF, 0, 0, rd.num(), rn.num(), rm.num(), shift.bits())
}

/// `rd = rn - (rm shifted)`
pub fn sub<R: Gpr>(rd: R, rn: R, rm: R, shift: ArithShift<R>) -> u32 {
    enc_arith_shifted(R::SF, 1, 0, rd.num(), rn.num(), rm.num(), shift.bits())
}

/// `rd = rn + (rm shifted)`, setting flags.
pub fn adds<R: Gpr>(rd: R, rn: R, rm: R, shift: ArithShift<R>) -> u32 {
    enc_arith_shifted(R::SF, 0, 1, rd.num(), rn.num(), rm.num(), shift.bits())
}

/// `rd = rn - (rm shifted)`, setting flags.
pub fn subs<R: Gpr>(rd: R, rn: R, rm: R, shift: ArithShift<R>) -> u32 {
    enc_arith_shifted(R::SF, 1, 1, rd.num(), rn.num(), rm.num(), shift.bits())
}

/// Compare `rn` with `rm` shifted (SUBS to the zero register).
pub fn cmp<R: Gpr>(rn: R, rm: R, shift: ArithShift<R>) -> u32 {
    subs(R::ZR, rn, rm, shift)
}

/// Compare `rn` with `-(rm shifted)` (ADDS to the zero register).
pub fn cmn<R: Gpr>(rn: R, rm: R, shift: ArithShift<R>) -> u32 {
    adds(R::ZR, rn, rm, shift)
}

/// `rd = -(rm shifted)` (SUB from the zero register).
pub fn neg<R: Gpr>(rd: R, rm: R, shift: ArithShift<R>) -> u32 {
    sub(rd, R::ZR, rm, shift)
}

/// `rd = -(rm shifted)`, setting flags.
pub fn negs<R: Gpr>(rd: R, rm: R, shift: ArithShift<R>) -> u32 {
    subs(rd, R::ZR, rm, shift)
}

/// The extended second operand of an extended-register ADD/SUB: a `W` register with a byte,
/// halfword or word extension, or an `X` register with UXTX/SXTX, each shifted left 0..=4.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct ExtendedReg {
    rm: u8,
    ext: Extend,
}

impl ExtendedReg {
    /// A 32-bit register with a B/H/W extension; `None` for UXTX/SXTX (which read `X`).
    pub fn w(rm: W, ext: Extend) -> Option<ExtendedReg> {
        (!ext.kind().reads_x()).then_some(ExtendedReg {
            rm: rm.num() as u8,
            ext,
        })
    }
    /// A 64-bit register with UXTX/SXTX; `None` for the extensions that read `W`.
    pub fn x(rm: X, ext: Extend) -> Option<ExtendedReg> {
        ext.kind().reads_x().then_some(ExtendedReg {
            rm: rm.num() as u8,
            ext,
        })
    }
    /// The extension.
    pub fn extend(self) -> Extend {
        self.ext
    }
    /// The register number.
    pub fn num(self) -> u32 {
        self.rm as u32
    }
    /// Bits 20..=10 (`Rm:option:imm3`) placed in an instruction word.
    pub fn bits(self) -> u32 {
        (self.rm as u32) << 16 | self.ext.bits()
    }
}

impl fmt::Display for ExtendedReg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = if self.ext.kind().reads_x() { 'x' } else { 'w' };
        if self.rm == 31 {
            write!(f, "{r}zr, {}", self.ext)
        } else {
            write!(f, "{r}{}, {}", self.rm, self.ext)
        }
    }
}

/// Shorthand for the common `uxtw`/`sxtw` operand: `rm` extended, shifted by `amount`.
pub fn extended_w(rm: W, kind: ExtendKind, amount: u32) -> Option<ExtendedReg> {
    ExtendedReg::w(rm, Extend::new(kind, amount)?)
}

/// `rd = rn + extend(rm)`
pub fn add_ext<R: GprSp>(rd: R, rn: R, rm: ExtendedReg) -> u32 {
    enc_arith_ext(R::SF, 0, 0, rd.num(), rn.num(), rm)
}

/// `rd = rn - extend(rm)`
pub fn sub_ext<R: GprSp>(rd: R, rn: R, rm: ExtendedReg) -> u32 {
    enc_arith_ext(R::SF, 1, 0, rd.num(), rn.num(), rm)
}

/// `rd = rn + extend(rm)`, setting flags.
pub fn adds_ext<R: Gpr>(rd: R, rn: R::Sp, rm: ExtendedReg) -> u32 {
    enc_arith_ext(R::SF, 0, 1, rd.num(), rn.num(), rm)
}

/// `rd = rn - extend(rm)`, setting flags.
pub fn subs_ext<R: Gpr>(rd: R, rn: R::Sp, rm: ExtendedReg) -> u32 {
    enc_arith_ext(R::SF, 1, 1, rd.num(), rn.num(), rm)
}

/// Compare `rn` with `extend(rm)`.
pub fn cmp_ext<R: GprSp>(rn: R, rm: ExtendedReg) -> u32 {
    subs_ext(R::Zr::ZR, rn, rm)
}

/// Compare `rn` with `-extend(rm)`.
pub fn cmn_ext<R: GprSp>(rn: R, rm: ExtendedReg) -> u32 {
    adds_ext(R::Zr::ZR, rn, rm)
}
