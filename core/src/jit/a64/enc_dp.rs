//! Integer data processing on registers: multiply(-add), divide, variable shifts, and the
//! one-source bit operations (CLZ, CLS, RBIT, REV, REV16, REV32).
//!
//! Invariants: every field reads 31 as the zero register, so all operands are `Gpr`. The
//! widening multiplies (SMULL/UMULL/SMULH/UMULH) exist only for 64-bit results.

use super::regs::{Gpr, Reg, W, X};

/// `sf:00:11010110:Rm:opcode:Rn:Rd` (two-source)
fn enc_dp2<R: Gpr>(opcode: u32, rd: R, rn: R, rm: R) -> u32 {
    R::SF << 31 | 0b0011010110 << 21 | rm.num() << 16 | opcode << 10 | rn.num() << 5 | rd.num()
}

/// `sf:1:0:11010110:00000:opcode:Rn:Rd` (one-source)
fn enc_dp1<R: Gpr>(opcode: u32, rd: R, rn: R) -> u32 {
    R::SF << 31 | 0b1011010110 << 21 | opcode << 10 | rn.num() << 5 | rd.num()
}

/// `sf:00:11011:op31:Rm:o0:Ra:Rn:Rd` (three-source)
fn enc_dp3(sf: u32, op31: u32, o0: u32, rd: u32, rn: u32, rm: u32, ra: u32) -> u32 {
    sf << 31 | 0b11011 << 24 | op31 << 21 | rm << 16 | o0 << 15 | ra << 10 | rn << 5 | rd
}

/// `rd = ra + rn * rm`
pub fn madd<R: Gpr>(rd: R, rn: R, rm: R, ra: R) -> u32 {
    enc_dp3(R::SF, 0b000, 0, rd.num(), rn.num(), rm.num(), ra.num())
}

/// `rd = ra - rn * rm`
pub fn msub<R: Gpr>(rd: R, rn: R, rm: R, ra: R) -> u32 {
    enc_dp3(R::SF, 0b000, 1, rd.num(), rn.num(), rm.num(), ra.num())
}

/// `rd = rn * rm` (MADD with the zero register)
pub fn mul<R: Gpr>(rd: R, rn: R, rm: R) -> u32 {
    madd(rd, rn, rm, R::ZR)
}

/// `rd = -(rn * rm)` (MSUB with the zero register)
pub fn mneg<R: Gpr>(rd: R, rn: R, rm: R) -> u32 {
    msub(rd, rn, rm, R::ZR)
}

/// `rd = (i64)rn * (i64)rm` (SMADDL with the zero register)
pub fn smull(rd: X, rn: W, rm: W) -> u32 {
    enc_dp3(1, 0b001, 0, rd.num(), rn.num(), rm.num(), 31)
}

/// `rd = (u64)rn * (u64)rm` (UMADDL with the zero register)
pub fn umull(rd: X, rn: W, rm: W) -> u32 {
    enc_dp3(1, 0b101, 0, rd.num(), rn.num(), rm.num(), 31)
}

/// `rd = ((i128)rn * (i128)rm) >> 64`
pub fn smulh(rd: X, rn: X, rm: X) -> u32 {
    enc_dp3(1, 0b010, 0, rd.num(), rn.num(), rm.num(), 31)
}

/// `rd = ((u128)rn * (u128)rm) >> 64`
pub fn umulh(rd: X, rn: X, rm: X) -> u32 {
    enc_dp3(1, 0b110, 0, rd.num(), rn.num(), rm.num(), 31)
}

macro_rules! dp2 {
    ($( $(#[$doc:meta])* $name:ident = $opcode:literal; )*) => {$(
        $(#[$doc])*
        pub fn $name<R: Gpr>(rd: R, rn: R, rm: R) -> u32 {
            enc_dp2($opcode, rd, rn, rm)
        }
    )*};
}

dp2! {
    /// `rd = rn / rm`, unsigned (division by zero gives 0).
    udiv = 0b000010;
    /// `rd = rn / rm`, signed (division by zero gives 0; MIN / -1 gives MIN).
    sdiv = 0b000011;
    /// `rd = rn << (rm mod width)`
    lslv = 0b001000;
    /// `rd = rn >> (rm mod width)`, logical.
    lsrv = 0b001001;
    /// `rd = rn >> (rm mod width)`, arithmetic.
    asrv = 0b001010;
    /// `rd = rn` rotated right by `rm mod width`.
    rorv = 0b001011;
}

macro_rules! dp1 {
    ($( $(#[$doc:meta])* $name:ident = $opcode:literal; )*) => {$(
        $(#[$doc])*
        pub fn $name<R: Gpr>(rd: R, rn: R) -> u32 {
            enc_dp1($opcode, rd, rn)
        }
    )*};
}

dp1! {
    /// Reverse the bit order.
    rbit = 0b000000;
    /// Reverse the bytes within each halfword.
    rev16 = 0b000001;
    /// Count leading zero bits.
    clz = 0b000100;
    /// Count leading bits equal to the sign bit, not counting it.
    cls = 0b000101;
}

/// Reverse the byte order of the whole register.
pub fn rev<R: Gpr>(rd: R, rn: R) -> u32 {
    // REV is opcode 000010 for 32-bit registers and 000011 for 64-bit ones.
    enc_dp1(0b000010 | R::SF, rd, rn)
}

/// Reverse the bytes within each 32-bit word (64-bit registers only).
pub fn rev32(rd: X, rn: X) -> u32 {
    enc_dp1(0b000010, rd, rn)
}

/// `rd = rn << (rm mod width)` (the LSL alias of LSLV).
pub fn lsl<R: Gpr>(rd: R, rn: R, rm: R) -> u32 {
    lslv(rd, rn, rm)
}

/// `rd = rn >> (rm mod width)`, logical (the LSR alias of LSRV).
pub fn lsr<R: Gpr>(rd: R, rn: R, rm: R) -> u32 {
    lsrv(rd, rn, rm)
}

/// `rd = rn >> (rm mod width)`, arithmetic (the ASR alias of ASRV).
pub fn asr<R: Gpr>(rd: R, rn: R, rm: R) -> u32 {
    asrv(rd, rn, rm)
}

/// `rd = rn` rotated right by `rm` (the ROR alias of RORV).
pub fn ror<R: Gpr>(rd: R, rn: R, rm: R) -> u32 {
    rorv(rd, rn, rm)
}
