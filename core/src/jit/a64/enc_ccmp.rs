//! Conditional compare (CCMP/CCMN, register and 5-bit immediate forms): compare if a
//! condition holds, else set the flags to a given value. Chains two guards into one branch.
//!
//! Invariants: the flag value and the immediate are checked types ([`Nzcv`], [`CcmpImm`]);
//! register fields read 31 as the zero register.

use super::cond::Cond;
use super::regs::Gpr;
use core::fmt;

/// The NZCV value a conditional compare sets when its condition fails (4 bits: N=8, Z=4,
/// C=2, V=1).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct Nzcv(u8);

impl Nzcv {
    /// `bits` if it is at most 15.
    pub const fn new(bits: u32) -> Option<Nzcv> {
        if bits <= 15 {
            Some(Nzcv(bits as u8))
        } else {
            None
        }
    }
    /// The 4 flag bits.
    pub const fn bits(self) -> u32 {
        self.0 as u32
    }
}

impl fmt::Display for Nzcv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// The unsigned 5-bit immediate of CCMP/CCMN (`0..=31`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct CcmpImm(u8);

impl CcmpImm {
    /// `value` if it is at most 31.
    pub const fn new(value: u64) -> Option<CcmpImm> {
        if value <= 31 {
            Some(CcmpImm(value as u8))
        } else {
            None
        }
    }
    /// The value compared against.
    pub const fn value(self) -> u64 {
        self.0 as u64
    }
}

impl fmt::Display for CcmpImm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// `sf:op:1:11010010:Rm/imm5:cond:imm:0:Rn:0:nzcv`
fn enc_ccmp(sf: u32, op: u32, m: u32, is_imm: u32, rn: u32, nzcv: Nzcv, cond: Cond) -> u32 {
    sf << 31
        | op << 30
        | 1 << 29
        | 0b1101_0010 << 21
        | m << 16
        | cond.bits() << 12
        | is_imm << 11
        | rn << 5
        | nzcv.bits()
}

/// If `cond`, flags = compare(`rn`, `rm`); else flags = `nzcv`.
pub fn ccmp<R: Gpr>(rn: R, rm: R, nzcv: Nzcv, cond: Cond) -> u32 {
    enc_ccmp(R::SF, 1, rm.num(), 0, rn.num(), nzcv, cond)
}

/// If `cond`, flags = compare(`rn`, `imm`); else flags = `nzcv`.
pub fn ccmp_imm<R: Gpr>(rn: R, imm: CcmpImm, nzcv: Nzcv, cond: Cond) -> u32 {
    enc_ccmp(R::SF, 1, imm.0 as u32, 1, rn.num(), nzcv, cond)
}

/// If `cond`, flags = compare(`rn`, `-rm`); else flags = `nzcv`.
pub fn ccmn<R: Gpr>(rn: R, rm: R, nzcv: Nzcv, cond: Cond) -> u32 {
    enc_ccmp(R::SF, 0, rm.num(), 0, rn.num(), nzcv, cond)
}

/// If `cond`, flags = compare(`rn`, `-imm`); else flags = `nzcv`.
pub fn ccmn_imm<R: Gpr>(rn: R, imm: CcmpImm, nzcv: Nzcv, cond: Cond) -> u32 {
    enc_ccmp(R::SF, 0, imm.0 as u32, 1, rn.num(), nzcv, cond)
}
