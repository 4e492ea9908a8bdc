//! Logical (bitmask) immediates of AND/ORR/EOR/ANDS/TST.
//!
//! Invariants: a [`LogicImm<R>`] always holds an `N:immr:imms` triple that the architecture's
//! `DecodeBitMasks` expands to exactly the value it was built from, for the width of `R`.
//! An encodable value is a 2-, 4-, 8-, 16-, 32- or 64-bit element, replicated to fill the
//! register, whose bits are one rotated run of ones (neither all zeros nor all ones). For
//! 32-bit registers `N` is 0 and the element is at most 32 bits.
//!
//! [`decode_bit_masks`] is written from the architecture's pseudocode, independently of the
//! encoder, so tests can round-trip every `N:immr:imms` pattern through both.

use super::regs::Gpr;
use core::fmt;
use core::marker::PhantomData;

/// A bitmask immediate valid for registers of type `R`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct LogicImm<R: Gpr> {
    n: u8,
    immr: u8,
    imms: u8,
    _width: PhantomData<R>,
}

/// Ones in the low `n` bits (`n <= 64`).
const fn low_ones(n: u32) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1u64 << n) - 1
    }
}

/// Rotate the low `e` bits of `x` right by `r` (`0 <= r < e <= 64`).
const fn rotr_elem(x: u64, r: u32, e: u32) -> u64 {
    if r == 0 {
        x
    } else {
        ((x >> r) | (x << (e - r))) & low_ones(e)
    }
}

impl<R: Gpr> LogicImm<R> {
    /// `value` as a bitmask immediate, or `None` if it has no encoding. For 32-bit registers
    /// `value` must fit in 32 bits.
    pub fn new(value: u64) -> Option<Self> {
        if R::BITS == 32 && value >> 32 != 0 {
            return None;
        }
        // Work on 64 bits: a 32-bit value is first replicated, so it has period <= 32.
        let v = if R::BITS == 32 {
            value | value << 32
        } else {
            value
        };
        if v == 0 || v == u64::MAX {
            return None;
        }
        // The smallest period: halve while both halves agree.
        let mut e = 64;
        while e > 2 {
            let half = e / 2;
            if (v & low_ones(half)) != ((v >> half) & low_ones(half)) {
                break;
            }
            e = half;
        }
        let elem = v & low_ones(e);
        let ones = elem.count_ones();
        // Where the run of ones starts: the first one above the low run of ones if the run
        // wraps around bit 0, else the first one.
        let start = if elem & 1 == 0 {
            elem.trailing_zeros()
        } else {
            let low = (!elem).trailing_zeros();
            (elem & !low_ones(low)).trailing_zeros().min(e) % e
        };
        if rotr_elem(elem, start, e) != low_ones(ones) {
            return None;
        }
        let immr = (e - start) % e;
        let imms = ((!(e - 1) << 1) & 0x3f) | (ones - 1);
        Some(LogicImm {
            n: (e == 64) as u8,
            immr: immr as u8,
            imms: imms as u8,
            _width: PhantomData,
        })
    }

    /// The value the immediate stands for (decoded from its fields).
    pub fn value(self) -> u64 {
        match decode_bit_masks(self.n as u32, self.immr as u32, self.imms as u32, R::BITS) {
            Some(v) => v,
            None => unreachable!("LogicImm holds only valid encodings"),
        }
    }

    /// Bits 22..=10 (`N:immr:imms`) placed in an instruction word.
    pub fn bits(self) -> u32 {
        (self.n as u32) << 22 | (self.immr as u32) << 16 | (self.imms as u32) << 10
    }
}

impl<R: Gpr> fmt::Display for LogicImm<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:#x}", self.value())
    }
}

/// The architecture's `DecodeBitMasks(N, imms, immr, immediate=TRUE)` for a `width`-bit
/// register (32 or 64): the value of the bitmask immediate `N:immr:imms`, or `None` for a
/// reserved encoding (including `N = 1` with `width = 32`).
pub fn decode_bit_masks(n: u32, immr: u32, imms: u32, width: u32) -> Option<u64> {
    if n > 1 || immr > 63 || imms > 63 || (width == 32 && n == 1) {
        return None;
    }
    // len = HighestSetBit(N:NOT(imms)), over 7 bits.
    let combined = (n << 6) | (!imms & 0x3f);
    if combined == 0 {
        return None;
    }
    let len = 31 - combined.leading_zeros();
    if len < 1 {
        return None;
    }
    let levels = (1u32 << len) - 1;
    if imms & levels == levels {
        return None;
    }
    let s = imms & levels;
    let r = immr & levels;
    let esize = 1u32 << len;
    if esize > width {
        return None;
    }
    let welem = low_ones(s + 1);
    let elem = rotr_elem(welem, r, esize);
    let mut out = 0u64;
    let mut pos = 0;
    while pos < width {
        out |= elem << pos;
        pos += esize;
    }
    Some(out & low_ones(width))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::a64::regs::{W, X};

    /// Decode every `N:immr:imms`, encode each value back, and count the distinct values.
    fn round_trip<R: Gpr>() -> usize {
        let mut values = alloc::vec::Vec::new();
        for n in 0..2 {
            for immr in 0..64 {
                for imms in 0..64 {
                    let Some(v) = decode_bit_masks(n, immr, imms, R::BITS) else {
                        continue;
                    };
                    let imm = LogicImm::<R>::new(v).expect("decoded pattern must encode");
                    assert_eq!(imm.value(), v);
                    values.push(v);
                }
            }
        }
        values.sort_unstable();
        values.dedup();
        values.len()
    }

    #[test]
    fn every_pattern_round_trips() {
        // The architecture's counts: 5334 distinct 64-bit and 1302 distinct 32-bit values
        // (bits of `immr` above the element size are ignored, so triples outnumber values).
        assert_eq!(round_trip::<X>(), 5334);
        assert_eq!(round_trip::<W>(), 1302);
    }

    #[test]
    fn refuses_non_masks() {
        assert!(LogicImm::<X>::new(0).is_none());
        assert!(LogicImm::<X>::new(u64::MAX).is_none());
        assert!(LogicImm::<W>::new(0xffff_ffff).is_none());
        assert!(LogicImm::<W>::new(0x1_0000_0000).is_none());
        assert!(LogicImm::<X>::new(0b101).is_none());
        assert!(LogicImm::<X>::new(0x5555_5555_5555_5555).is_some());
        assert!(LogicImm::<X>::new(0x8000_0000_0000_0001).is_some());
        assert!(LogicImm::<W>::new(0x8000_0001).is_some());
    }
}
