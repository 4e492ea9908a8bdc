//! Load/store address offsets: scaled unsigned (`LDR`), unscaled signed 9-bit (`LDUR`,
//! pre/post-index), scaled signed 7-bit (`LDP`/`STP`), and register indexes.
//!
//! Invariants: offsets are stored in bytes and are always encodable. The scale (log2 of the
//! access size) is a const parameter `L`, the same parameter the load/store operation carries
//! (`LdSt<X, 3>` takes `UOff<3>`), so an offset checked for 8-byte accesses cannot be used
//! with a 4-byte one: the mismatch is a type error.

use super::regs::{W, X};
use core::fmt;

/// An unsigned offset scaled by `1 << L`: a multiple of the access size in
/// `0..=4095 << L` (the `LDR Xt, [Xn, #imm]` form).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct UOff<const L: u32>(u32);

impl<const L: u32> UOff<L> {
    /// `bytes` if it is a non-negative multiple of `1 << L` below `4096 << L`.
    pub const fn new(bytes: i64) -> Option<Self> {
        if bytes >= 0 && bytes & ((1 << L) - 1) == 0 && (bytes >> L) < 4096 {
            Some(UOff(bytes as u32))
        } else {
            None
        }
    }
    /// Offset zero.
    pub const ZERO: Self = UOff(0);
    /// The offset in bytes.
    pub const fn value(self) -> i64 {
        self.0 as i64
    }
    /// Bits 21..=10 (`imm12`) placed in an instruction word.
    pub const fn bits(self) -> u32 {
        (self.0 >> L) << 10
    }
}

impl<const L: u32> fmt::Display for UOff<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A signed, unscaled 9-bit byte offset, `-256..=255` (LDUR/STUR, pre- and post-index).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct SImm9(i16);

impl SImm9 {
    /// `bytes` if it is in `-256..=255`.
    pub const fn new(bytes: i64) -> Option<SImm9> {
        if bytes >= -256 && bytes <= 255 {
            Some(SImm9(bytes as i16))
        } else {
            None
        }
    }
    /// The offset in bytes.
    pub const fn value(self) -> i64 {
        self.0 as i64
    }
    /// Bits 20..=12 (`imm9`) placed in an instruction word.
    pub const fn bits(self) -> u32 {
        ((self.0 as u32) & 0x1ff) << 12
    }
}

impl fmt::Display for SImm9 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A signed 7-bit offset scaled by `1 << L` for register pairs (LDP/STP): a multiple of the
/// register size in `-64 << L ..= 63 << L`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct PairOff<const L: u32>(i32);

impl<const L: u32> PairOff<L> {
    /// `bytes` if it is a multiple of `1 << L` whose quotient fits in 7 signed bits.
    pub const fn new(bytes: i64) -> Option<Self> {
        if bytes & ((1 << L) - 1) == 0 && (bytes >> L) >= -64 && (bytes >> L) <= 63 {
            Some(PairOff(bytes as i32))
        } else {
            None
        }
    }
    /// Offset zero.
    pub const ZERO: Self = PairOff(0);
    /// The offset in bytes.
    pub const fn value(self) -> i64 {
        self.0 as i64
    }
    /// Bits 21..=15 (`imm7`) placed in an instruction word.
    pub const fn bits(self) -> u32 {
        (((self.0 >> L) as u32) & 0x7f) << 15
    }
}

impl<const L: u32> fmt::Display for PairOff<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// The index register of a register-offset load/store, with its extension and whether it is
/// scaled by the access size (`[x1, x2, lsl #3]`, `[x1, w2, sxtw]`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Index {
    /// A 64-bit index, optionally shifted left by the access size (`lsl`).
    Lsl(X, bool),
    /// A 32-bit index, zero-extended, optionally scaled.
    Uxtw(W, bool),
    /// A 32-bit index, sign-extended, optionally scaled.
    Sxtw(W, bool),
    /// A 64-bit index, "sign-extended" (no-op), optionally scaled.
    Sxtx(X, bool),
}

impl Index {
    /// An unscaled 64-bit index register (`[xn, xm]`).
    pub const fn x(rm: X) -> Index {
        Index::Lsl(rm, false)
    }

    /// Bits 20..=16 (`Rm`), 15..=13 (`option`) and 12 (`S`) placed in an instruction word.
    pub fn bits(self) -> u32 {
        use super::regs::Reg;
        let (rm, option, s) = match self {
            Index::Lsl(r, s) => (r.num(), 0b011, s),
            Index::Uxtw(r, s) => (r.num(), 0b010, s),
            Index::Sxtw(r, s) => (r.num(), 0b110, s),
            Index::Sxtx(r, s) => (r.num(), 0b111, s),
        };
        rm << 16 | option << 13 | (s as u32) << 12
    }

    /// Print as `llvm-mc` writes the index for an access of `1 << log2_size` bytes: the
    /// register, then the extension and the amount when scaled (`x2, lsl #3`, `w2, sxtw`).
    /// A scaled byte access prints `lsl #0` / `uxtw #0`, which is how the `S` bit is written.
    pub fn fmt_for(self, log2_size: u32, f: &mut dyn fmt::Write) -> fmt::Result {
        let (reg, name, scaled): (&dyn fmt::Display, &str, bool) = match &self {
            Index::Lsl(r, s) => (r, "lsl", *s),
            Index::Uxtw(r, s) => (r, "uxtw", *s),
            Index::Sxtw(r, s) => (r, "sxtw", *s),
            Index::Sxtx(r, s) => (r, "sxtx", *s),
        };
        write!(f, "{reg}")?;
        match (name, scaled) {
            ("lsl", false) => Ok(()),
            (_, false) => write!(f, ", {name}"),
            (_, true) => write!(f, ", {name} #{log2_size}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert!(UOff::<3>::new(32760).is_some());
        assert!(UOff::<3>::new(32768).is_none());
        assert!(UOff::<3>::new(4).is_none());
        assert!(UOff::<0>::new(-1).is_none());
        assert!(SImm9::new(-256).is_some());
        assert!(SImm9::new(256).is_none());
        assert!(PairOff::<3>::new(-512).is_some());
        assert!(PairOff::<3>::new(504).is_some());
        assert!(PairOff::<3>::new(512).is_none());
        assert!(PairOff::<2>::new(2).is_none());
        assert_eq!(PairOff::<3>::new(-8).map(PairOff::bits), Some(0x7f << 15));
    }
}
