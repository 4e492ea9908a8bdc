//! Materializing a constant in a general register with the fewest instructions.
//!
//! Candidates, all of which are tried and the shortest kept (ties prefer the earlier one):
//! 1. MOVZ then one MOVK per further non-zero halfword;
//! 2. MOVN then one MOVK per further halfword that is not `0xffff`;
//! 3. ORR of a bitmask immediate into the zero register, then one MOVK per halfword where the
//!    value differs from that immediate. The immediate is searched over the values obtained by
//!    overwriting at most two halfwords of the constant with `0x0000`, `0xffff` or a copy of
//!    another of its halfwords: this finds every bitmask whose repeated element (≤ 32 bits)
//!    is visible in a kept halfword, and every single run of ones whose ends lie in kept
//!    halfwords or on halfword boundaries. Overwriting three or more halfwords never wins
//!    (ORR + 3 MOVK is four instructions, which MOVZ/MOVN never exceed).
//!
//! Invariant: executing the returned words in order leaves exactly `value` in the register
//! (checked in tests by an independent evaluator, with the length compared to an exhaustive
//! search over every bitmask immediate).

use super::enc_logic::orr_imm;
use super::enc_move::{movk, movn, movz};
use super::imms::MoveWide;
use super::logic_imm::LogicImm;
use super::regs::{Gpr, W, X};
use core::ops::Deref;

/// A sequence of at most four instruction words.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct InsnSeq {
    words: [u32; 4],
    len: u8,
}

impl InsnSeq {
    fn new() -> InsnSeq {
        InsnSeq {
            words: [0; 4],
            len: 0,
        }
    }
    fn push(&mut self, w: u32) {
        self.words[self.len as usize] = w;
        self.len += 1;
    }
}

impl Deref for InsnSeq {
    type Target = [u32];
    fn deref(&self) -> &[u32] {
        &self.words[..self.len as usize]
    }
}

fn halfword(v: u64, i: u32) -> u16 {
    (v >> (16 * i)) as u16
}

fn with_halfword(v: u64, i: u32, h: u16) -> u64 {
    (v & !(0xffff << (16 * i))) | (h as u64) << (16 * i)
}

fn mw<R: Gpr>(imm16: u16, i: u32) -> MoveWide<R> {
    match MoveWide::new(imm16, 16 * i) {
        Some(m) => m,
        None => unreachable!("halfword index below the register width"),
    }
}

/// MOVZ or MOVN (`inverted`) for halfwords `0..n`, then MOVKs; the halfwords equal to `skip`
/// (0 for MOVZ, 0xffff for MOVN) need no instruction.
fn move_wide_seq<R: Gpr>(rd: R, value: u64, n: u32, inverted: bool) -> InsnSeq {
    let skip = if inverted { 0xffff } else { 0 };
    let mut seq = InsnSeq::new();
    for i in 0..n {
        let h = halfword(value, i);
        if h == skip {
            continue;
        }
        if seq.is_empty() {
            seq.push(if inverted {
                movn(rd, mw(!h, i))
            } else {
                movz(rd, mw(h, i))
            });
        } else {
            seq.push(movk(rd, mw(h, i)));
        }
    }
    if seq.is_empty() {
        // All halfwords were `skip`: the value is 0 (MOVZ #0) or all ones (MOVN #0).
        seq.push(if inverted {
            movn(rd, mw(0, 0))
        } else {
            movz(rd, mw(0, 0))
        });
    }
    seq
}

/// ORR of `base` into `rd`, then MOVKs for the halfwords where `value` differs.
fn orr_seq<R: Gpr>(rd: R, value: u64, base: u64, imm: LogicImm<R>, n: u32) -> Option<InsnSeq> {
    let mut seq = InsnSeq::new();
    seq.push(orr_imm(rd.to_sp()?, R::ZR, imm));
    for i in 0..n {
        if halfword(value, i) != halfword(base, i) {
            seq.push(movk(rd, mw(halfword(value, i), i)));
        }
    }
    Some(seq)
}

fn differing_halfwords(a: u64, b: u64, n: u32) -> u32 {
    (0..n).filter(|&i| halfword(a, i) != halfword(b, i)).count() as u32
}

fn shortest<R: Gpr>(rd: R, value: u64) -> InsnSeq {
    let n = R::BITS / 16;
    let zs = move_wide_seq(rd, value, n, false);
    let ns = move_wide_seq(rd, value, n, true);
    let mut best = if ns.len() < zs.len() { ns } else { zs };
    if best.len() == 1 || rd == R::ZR {
        // Nothing is shorter than one instruction; and ORR would write SP, not XZR.
        return best;
    }
    // Fillers for an overwritten halfword i: 0, all ones, or a copy of another halfword.
    let fillers = |i: u32| {
        let mut f = [0u16, 0xffff, 0, 0, 0];
        for k in 1..n {
            f[1 + k as usize] = halfword(value, (i + k) % n);
        }
        f
    };
    let mut try_base = |base: u64| {
        let patches = differing_halfwords(value, base, n) as usize;
        if 1 + patches >= best.len() {
            return;
        }
        if let Some(imm) = LogicImm::<R>::new(base) {
            if let Some(seq) = orr_seq(rd, value, base, imm, n) {
                best = seq;
            }
        }
    };
    try_base(value);
    for i in 0..n {
        for fi in fillers(i) {
            let one = with_halfword(value, i, fi);
            try_base(one);
            for j in i + 1..n {
                for fj in fillers(j) {
                    try_base(with_halfword(one, j, fj));
                }
            }
        }
    }
    best
}

/// The shortest sequence (1 to 4 words) that sets the 64-bit `rd` to `value`.
pub fn mov_imm64(rd: X, value: u64) -> InsnSeq {
    shortest(rd, value)
}

/// The shortest sequence (1 or 2 words) that sets the 32-bit `rd` to `value` (the upper 32
/// bits of the X register become zero).
pub fn mov_imm32(rd: W, value: u32) -> InsnSeq {
    shortest(rd, value as u64)
}
