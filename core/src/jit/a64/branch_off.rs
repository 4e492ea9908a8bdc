//! PC-relative offsets of branches, literal loads and ADR/ADRP, checked by range.
//!
//! Invariants: every value is a byte offset from the instruction's own address that the
//! instruction's field can hold: a multiple of 4 within ±128 MiB (B/BL), ±1 MiB (B.cond,
//! CBZ/CBNZ, LDR literal) or ±32 KiB (TBZ/TBNZ); any byte within ±1 MiB (ADR); a multiple of
//! 4 KiB within ±4 GiB (ADRP, counted from the instruction's page).

use core::fmt;

macro_rules! branch_offsets {
    ($( $(#[$doc:meta])* $name:ident, bits = $bits:literal, scale = $scale:literal; )*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
        pub struct $name(i64);

        impl $name {
            /// Number of bits in the instruction field.
            pub const FIELD_BITS: u32 = $bits;
            /// Log2 of the unit the field counts in.
            pub const SCALE: u32 = $scale;
            /// The smallest offset in bytes.
            pub const MIN: i64 = -(1i64 << ($bits + $scale - 1));
            /// The largest offset in bytes.
            pub const MAX: i64 = (1i64 << ($bits + $scale - 1)) - (1 << $scale);

            /// `bytes` if it is a multiple of the unit inside the range.
            pub const fn new(bytes: i64) -> Option<Self> {
                let aligned = (bytes >> $scale) << $scale == bytes;
                if aligned && bytes >= Self::MIN && bytes <= Self::MAX {
                    Some($name(bytes))
                } else {
                    None
                }
            }
            /// The offset in bytes.
            pub const fn value(self) -> i64 {
                self.0
            }
            /// The field value: the offset in units, truncated to the field width (not yet
            /// placed at its bit position).
            pub const fn field(self) -> u32 {
                ((self.0 >> $scale) as u32) & ((1u32 << $bits) - 1)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "#{}", self.0)
            }
        }
    )*};
}

branch_offsets! {
    /// Offset of B and BL: ±128 MiB, word aligned.
    BranchOff26, bits = 26, scale = 2;
    /// Offset of B.cond, CBZ/CBNZ and LDR (literal): ±1 MiB, word aligned.
    BranchOff19, bits = 19, scale = 2;
    /// Offset of TBZ/TBNZ: ±32 KiB, word aligned.
    BranchOff14, bits = 14, scale = 2;
    /// Offset of ADR: ±1 MiB, any byte.
    AdrOff, bits = 21, scale = 0;
    /// Page offset of ADRP: ±4 GiB, in 4 KiB pages.
    AdrpOff, bits = 21, scale = 12;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert!(BranchOff26::new(128 << 20).is_none());
        assert!(BranchOff26::new((128 << 20) - 4).is_some());
        assert!(BranchOff26::new(-(128 << 20)).is_some());
        assert!(BranchOff26::new(2).is_none());
        assert!(BranchOff14::new(-32768).is_some());
        assert!(BranchOff14::new(32768).is_none());
        assert_eq!(BranchOff19::new(-4).map(BranchOff19::field), Some(0x7ffff));
        assert!(AdrOff::new(-1).is_some());
        assert!(AdrOff::new(1 << 20).is_none());
        assert!(AdrpOff::new(4096).is_some());
        assert!(AdrpOff::new(2048).is_none());
        assert_eq!(AdrpOff::MAX, (1 << 32) - 4096);
    }
}
