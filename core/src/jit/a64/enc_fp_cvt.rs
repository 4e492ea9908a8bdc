//! Conversions between integer and floating point (SCVTF/UCVTF, `FCVT{Z,M,P,N,A}{S,U}`) and
//! raw bit moves between the register files (FMOV to and from general registers).
//!
//! Invariants: the integer width (`sf`) comes from the general register type and the FP
//! precision (`ftype`) from the FP register type, independently: all four combinations of
//! W/X and S/D are encodable. FMOV between files requires equal widths, which the
//! [`Fpr::Gpr`] association enforces.

use super::regs::{Fpr, Gpr, Reg};

/// `sf:0:0:11110:ftype:1:rmode:opcode:000000:Rn:Rd`
fn enc_cvt<R: Gpr, F: Fpr>(rmode: u32, opcode: u32, rd: u32, rn: u32) -> u32 {
    R::SF << 31
        | 0b11110 << 24
        | F::FTYPE << 22
        | 1 << 21
        | rmode << 19
        | opcode << 16
        | rn << 5
        | rd
}

/// `rd = (float)rn`, `rn` signed.
pub fn scvtf<F: Fpr, R: Gpr>(rd: F, rn: R) -> u32 {
    enc_cvt::<R, F>(0b00, 0b010, rd.num(), rn.num())
}

/// `rd = (float)rn`, `rn` unsigned.
pub fn ucvtf<F: Fpr, R: Gpr>(rd: F, rn: R) -> u32 {
    enc_cvt::<R, F>(0b00, 0b011, rd.num(), rn.num())
}

macro_rules! fp_to_int {
    ($( $(#[$doc:meta])* $name:ident = $rmode:literal, $opcode:literal; )*) => {$(
        $(#[$doc])*
        pub fn $name<R: Gpr, F: Fpr>(rd: R, rn: F) -> u32 {
            enc_cvt::<R, F>($rmode, $opcode, rd.num(), rn.num())
        }
    )*};
}

fp_to_int! {
    /// To signed integer, rounding to nearest with ties to even (saturating; NaN gives 0).
    fcvtns = 0b00, 0b000;
    /// To unsigned integer, rounding to nearest with ties to even.
    fcvtnu = 0b00, 0b001;
    /// To signed integer, rounding to nearest with ties away from zero.
    fcvtas = 0b00, 0b100;
    /// To signed integer, rounding toward plus infinity.
    fcvtps = 0b01, 0b000;
    /// To unsigned integer, rounding toward plus infinity.
    fcvtpu = 0b01, 0b001;
    /// To signed integer, rounding toward minus infinity.
    fcvtms = 0b10, 0b000;
    /// To unsigned integer, rounding toward minus infinity.
    fcvtmu = 0b10, 0b001;
    /// To signed integer, rounding toward zero.
    fcvtzs = 0b11, 0b000;
    /// To unsigned integer, rounding toward zero.
    fcvtzu = 0b11, 0b001;
}

/// `rd = bits of rn` (FP register to general register of the same width).
pub fn fmov_to_gpr<F: Fpr>(rd: F::Gpr, rn: F) -> u32 {
    enc_cvt::<F::Gpr, F>(0b00, 0b110, rd.num(), rn.num())
}

/// `rd = bits of rn` (general register to FP register of the same width).
pub fn fmov_from_gpr<F: Fpr>(rd: F, rn: F::Gpr) -> u32 {
    enc_cvt::<F::Gpr, F>(0b00, 0b111, rd.num(), rn.num())
}
