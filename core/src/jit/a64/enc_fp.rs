//! Scalar floating-point arithmetic, compares, selects and moves on `D` and `S` registers.
//!
//! Invariants: every function is generic over [`Fpr`], and all FP operands of one
//! instruction share its type, so the `ftype` field always matches them. Nothing here fuses
//! a multiply and an add unless the caller asks for FMADD/FMSUB/FNMADD/FNMSUB by name.

use super::cond::Cond;
use super::fp_imm::FpImm;
use super::regs::{Fpr, Reg};

/// `000:11110:ftype:1:opcode:10000:Rn:Rd` (one-source)
fn enc_fp1<F: Fpr>(opcode: u32, rd: u32, rn: u32) -> u32 {
    0b11110 << 24 | F::FTYPE << 22 | 1 << 21 | opcode << 15 | 0b10000 << 10 | rn << 5 | rd
}

/// `000:11110:ftype:1:Rm:opcode:10:Rn:Rd` (two-source)
fn enc_fp2<F: Fpr>(opcode: u32, rd: F, rn: F, rm: F) -> u32 {
    0b11110 << 24
        | F::FTYPE << 22
        | 1 << 21
        | rm.num() << 16
        | opcode << 12
        | 0b10 << 10
        | rn.num() << 5
        | rd.num()
}

/// `000:11111:ftype:o1:Rm:o0:Ra:Rn:Rd` (three-source)
fn enc_fp3<F: Fpr>(o1: u32, o0: u32, rd: F, rn: F, rm: F, ra: F) -> u32 {
    0b11111 << 24
        | F::FTYPE << 22
        | o1 << 21
        | rm.num() << 16
        | o0 << 15
        | ra.num() << 10
        | rn.num() << 5
        | rd.num()
}

macro_rules! fp1 {
    ($( $(#[$doc:meta])* $name:ident = $opcode:literal; )*) => {$(
        $(#[$doc])*
        pub fn $name<F: Fpr>(rd: F, rn: F) -> u32 {
            enc_fp1::<F>($opcode, rd.num(), rn.num())
        }
    )*};
}

fp1! {
    /// `rd = rn` between FP registers.
    fmov = 0b000000;
    /// `rd = |rn|`
    fabs = 0b000001;
    /// `rd = -rn`
    fneg = 0b000010;
    /// `rd = sqrt(rn)`
    fsqrt = 0b000011;
    /// Round to nearest, ties to even.
    frintn = 0b001000;
    /// Round toward plus infinity (ceil).
    frintp = 0b001001;
    /// Round toward minus infinity (floor).
    frintm = 0b001010;
    /// Round toward zero (trunc).
    frintz = 0b001011;
    /// Round to nearest, ties away from zero.
    frinta = 0b001100;
    /// Round in the current mode, raising inexact.
    frintx = 0b001110;
    /// Round in the current mode.
    frinti = 0b001111;
}

macro_rules! fp2 {
    ($( $(#[$doc:meta])* $name:ident = $opcode:literal; )*) => {$(
        $(#[$doc])*
        pub fn $name<F: Fpr>(rd: F, rn: F, rm: F) -> u32 {
            enc_fp2($opcode, rd, rn, rm)
        }
    )*};
}

fp2! {
    /// `rd = rn * rm`
    fmul = 0b0000;
    /// `rd = rn / rm`
    fdiv = 0b0001;
    /// `rd = rn + rm`
    fadd = 0b0010;
    /// `rd = rn - rm`
    fsub = 0b0011;
    /// `rd = max(rn, rm)`, NaN if either is NaN.
    fmax = 0b0100;
    /// `rd = min(rn, rm)`, NaN if either is NaN.
    fmin = 0b0101;
    /// `rd = max(rn, rm)`, a number if only one is a quiet NaN.
    fmaxnm = 0b0110;
    /// `rd = min(rn, rm)`, a number if only one is a quiet NaN.
    fminnm = 0b0111;
    /// `rd = -(rn * rm)`
    fnmul = 0b1000;
}

/// `rd = ra + rn * rm`, fused (one rounding).
pub fn fmadd<F: Fpr>(rd: F, rn: F, rm: F, ra: F) -> u32 {
    enc_fp3(0, 0, rd, rn, rm, ra)
}

/// `rd = ra - rn * rm`, fused.
pub fn fmsub<F: Fpr>(rd: F, rn: F, rm: F, ra: F) -> u32 {
    enc_fp3(0, 1, rd, rn, rm, ra)
}

/// `rd = -ra - rn * rm`, fused.
pub fn fnmadd<F: Fpr>(rd: F, rn: F, rm: F, ra: F) -> u32 {
    enc_fp3(1, 0, rd, rn, rm, ra)
}

/// `rd = -ra + rn * rm`, fused.
pub fn fnmsub<F: Fpr>(rd: F, rn: F, rm: F, ra: F) -> u32 {
    enc_fp3(1, 1, rd, rn, rm, ra)
}

/// `000:11110:ftype:1:Rm:001000:Rn:opc`
fn enc_fcmp<F: Fpr>(opc: u32, rn: F, rm: u32) -> u32 {
    0b11110 << 24 | F::FTYPE << 22 | 1 << 21 | rm << 16 | 0b001000 << 10 | rn.num() << 5 | opc
}

/// Compare `rn` with `rm`, setting NZCV (unordered: C and V set).
pub fn fcmp<F: Fpr>(rn: F, rm: F) -> u32 {
    enc_fcmp(0b00000, rn, rm.num())
}

/// Compare `rn` with +0.0.
pub fn fcmp_zero<F: Fpr>(rn: F) -> u32 {
    enc_fcmp(0b01000, rn, 0)
}

/// Compare `rn` with `rm`, raising Invalid Operation on any NaN.
pub fn fcmpe<F: Fpr>(rn: F, rm: F) -> u32 {
    enc_fcmp(0b10000, rn, rm.num())
}

/// Compare `rn` with +0.0, raising Invalid Operation on any NaN.
pub fn fcmpe_zero<F: Fpr>(rn: F) -> u32 {
    enc_fcmp(0b11000, rn, 0)
}

/// `rd = cond ? rn : rm`
pub fn fcsel<F: Fpr>(rd: F, rn: F, rm: F, cond: Cond) -> u32 {
    0b11110 << 24
        | F::FTYPE << 22
        | 1 << 21
        | rm.num() << 16
        | cond.bits() << 12
        | 0b11 << 10
        | rn.num() << 5
        | rd.num()
}

/// `rd = imm`
pub fn fmov_imm<F: Fpr>(rd: F, imm: FpImm) -> u32 {
    0b11110 << 24 | F::FTYPE << 22 | 1 << 21 | imm.bits() | 0b100 << 10 | rd.num()
}

/// `rd = (double)rn`
pub fn fcvt_ds(rd: super::regs::D, rn: super::regs::S) -> u32 {
    // FCVT's opcode names the destination precision: 0b000101 for double.
    enc_fp1::<super::regs::S>(0b000101, rd.num(), rn.num())
}

/// `rd = (float)rn`, rounded in the current mode.
pub fn fcvt_sd(rd: super::regs::S, rn: super::regs::D) -> u32 {
    enc_fp1::<super::regs::D>(0b000100, rd.num(), rn.num())
}
