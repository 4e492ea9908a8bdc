//! Conditional select (CSEL/CSINC/CSINV/CSNEG) and its aliases CSET, CSETM, CINC, CINV, CNEG.
//!
//! Invariants: all fields read 31 as the zero register. The aliases invert the condition, so
//! they must not be given AL or NV (which have no inverse; the architecture leaves those
//! aliases undefined): debug builds assert this.

use super::cond::Cond;
use super::regs::Gpr;

/// `sf:op:0:11010100:Rm:cond:0:o2:Rn:Rd`
fn enc_csel<R: Gpr>(op: u32, o2: u32, rd: R, rn: R, rm: R, cond: Cond) -> u32 {
    R::SF << 31
        | op << 30
        | 0b11010100 << 21
        | rm.num() << 16
        | cond.bits() << 12
        | o2 << 10
        | rn.num() << 5
        | rd.num()
}

/// `rd = cond ? rn : rm`
pub fn csel<R: Gpr>(rd: R, rn: R, rm: R, cond: Cond) -> u32 {
    enc_csel(0, 0, rd, rn, rm, cond)
}

/// `rd = cond ? rn : rm + 1`
pub fn csinc<R: Gpr>(rd: R, rn: R, rm: R, cond: Cond) -> u32 {
    enc_csel(0, 1, rd, rn, rm, cond)
}

/// `rd = cond ? rn : !rm`
pub fn csinv<R: Gpr>(rd: R, rn: R, rm: R, cond: Cond) -> u32 {
    enc_csel(1, 0, rd, rn, rm, cond)
}

/// `rd = cond ? rn : -rm`
pub fn csneg<R: Gpr>(rd: R, rn: R, rm: R, cond: Cond) -> u32 {
    enc_csel(1, 1, rd, rn, rm, cond)
}

fn invertible(cond: Cond) -> Cond {
    debug_assert!(
        !matches!(cond, Cond::Al | Cond::Nv),
        "alias needs an invertible condition"
    );
    cond.invert()
}

/// `rd = cond ? 1 : 0`
pub fn cset<R: Gpr>(rd: R, cond: Cond) -> u32 {
    csinc(rd, R::ZR, R::ZR, invertible(cond))
}

/// `rd = cond ? -1 : 0`
pub fn csetm<R: Gpr>(rd: R, cond: Cond) -> u32 {
    csinv(rd, R::ZR, R::ZR, invertible(cond))
}

/// `rd = cond ? rn + 1 : rn`
pub fn cinc<R: Gpr>(rd: R, rn: R, cond: Cond) -> u32 {
    csinc(rd, rn, rn, invertible(cond))
}

/// `rd = cond ? !rn : rn`
pub fn cinv<R: Gpr>(rd: R, rn: R, cond: Cond) -> u32 {
    csinv(rd, rn, rn, invertible(cond))
}

/// `rd = cond ? -rn : rn`
pub fn cneg<R: Gpr>(rd: R, rn: R, cond: Cond) -> u32 {
    csneg(rd, rn, rn, invertible(cond))
}
