//! AND/ORR/EOR/ANDS (immediate), AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS (shifted register), and
//! the aliases TST, MOV (register) and MVN.
//!
//! Invariants: immediate forms take a [`LogicImm`] of the same width as the registers, so an
//! unencodable mask cannot reach them. Their `Rd` reads 31 as SP (except ANDS, which sets
//! flags and reads it as the zero register); `Rn` and all shifted-register fields read 31 as
//! the zero register.

use super::imms::LogicShift;
use super::logic_imm::LogicImm;
use super::regs::{Gpr, Reg};

/// `sf:opc:100100:N:immr:imms:Rn:Rd`
fn enc_logic_imm<R: Gpr>(opc: u32, rd: u32, rn: R, imm: LogicImm<R>) -> u32 {
    R::SF << 31 | opc << 29 | 0b100100 << 23 | imm.bits() | rn.num() << 5 | rd
}

/// `sf:opc:01010:shift:N:Rm:imm6:Rn:Rd`
fn enc_logic_shifted<R: Gpr>(opc: u32, n: u32, rd: R, rn: R, rm: R, sh: LogicShift<R>) -> u32 {
    R::SF << 31
        | opc << 29
        | 0b01010 << 24
        | sh.bits()
        | n << 21
        | rm.num() << 16
        | rn.num() << 5
        | rd.num()
}

/// `rd = rn & imm`
pub fn and_imm<R: Gpr>(rd: R::Sp, rn: R, imm: LogicImm<R>) -> u32 {
    enc_logic_imm(0b00, rd.num(), rn, imm)
}

/// `rd = rn | imm`
pub fn orr_imm<R: Gpr>(rd: R::Sp, rn: R, imm: LogicImm<R>) -> u32 {
    enc_logic_imm(0b01, rd.num(), rn, imm)
}

/// `rd = rn ^ imm`
pub fn eor_imm<R: Gpr>(rd: R::Sp, rn: R, imm: LogicImm<R>) -> u32 {
    enc_logic_imm(0b10, rd.num(), rn, imm)
}

/// `rd = rn & imm`, setting N and Z.
pub fn ands_imm<R: Gpr>(rd: R, rn: R, imm: LogicImm<R>) -> u32 {
    enc_logic_imm(0b11, rd.num(), rn, imm)
}

/// Test `rn & imm` (ANDS to the zero register).
pub fn tst_imm<R: Gpr>(rn: R, imm: LogicImm<R>) -> u32 {
    ands_imm(R::ZR, rn, imm)
}

macro_rules! logic_shifted {
    ($( $(#[$doc:meta])* $name:ident = $opc:literal, $n:literal; )*) => {$(
        $(#[$doc])*
        pub fn $name<R: Gpr>(rd: R, rn: R, rm: R, shift: LogicShift<R>) -> u32 {
            enc_logic_shifted($opc, $n, rd, rn, rm, shift)
        }
    )*};
}

logic_shifted! {
    /// `rd = rn & (rm shifted)`
    and = 0b00, 0;
    /// `rd = rn & !(rm shifted)`
    bic = 0b00, 1;
    /// `rd = rn | (rm shifted)`
    orr = 0b01, 0;
    /// `rd = rn | !(rm shifted)`
    orn = 0b01, 1;
    /// `rd = rn ^ (rm shifted)`
    eor = 0b10, 0;
    /// `rd = rn ^ !(rm shifted)`
    eon = 0b10, 1;
    /// `rd = rn & (rm shifted)`, setting N and Z.
    ands = 0b11, 0;
    /// `rd = rn & !(rm shifted)`, setting N and Z.
    bics = 0b11, 1;
}

/// Test `rn & (rm shifted)` (ANDS to the zero register).
pub fn tst<R: Gpr>(rn: R, rm: R, shift: LogicShift<R>) -> u32 {
    ands(R::ZR, rn, rm, shift)
}

/// `rd = rm` between general registers (ORR with the zero register). For SP use
/// [`mov_sp`](super::enc_arith::mov_sp).
pub fn mov<R: Gpr>(rd: R, rm: R) -> u32 {
    orr(rd, R::ZR, rm, LogicShift::none())
}

/// `rd = !(rm shifted)` (ORN with the zero register).
pub fn mvn<R: Gpr>(rd: R, rm: R, shift: LogicShift<R>) -> u32 {
    orn(rd, R::ZR, rm, shift)
}
