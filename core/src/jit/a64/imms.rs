//! Integer immediates of data-processing instructions: arithmetic imm12, shift amounts,
//! bitfield positions, move-wide halfwords, and the shift/extend operand modifiers.
//!
//! Invariants: a value of any type here is encodable. Constructors return `Option` and refuse
//! what the instruction cannot hold, so code generation must decide up front between encoding
//! the immediate and materializing it in a register. Width-dependent immediates carry the
//! register type they are valid for (`ShiftAmt<X>` allows 0..=63, `ShiftAmt<W>` 0..=31), so a
//! 64-bit amount cannot reach a 32-bit instruction. Every type has `bits()` for the encoder,
//! `value()` to read it back, and a `Display` matching `llvm-mc` syntax.

use super::regs::Gpr;
use core::fmt;
use core::marker::PhantomData;

/// An arithmetic immediate: 12 bits, optionally shifted left by 12 (ADD/SUB/CMP/CMN).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct Imm12 {
    bits: u16,
    lsl12: bool,
}

impl Imm12 {
    /// `value` as an imm12, choosing `lsl #12` when the low 12 bits are zero and the value is
    /// too large for the plain form. `None` if neither form holds it.
    pub const fn new(value: u64) -> Option<Imm12> {
        if value < 0x1000 {
            Some(Imm12 {
                bits: value as u16,
                lsl12: false,
            })
        } else if value & 0xfff == 0 && value >> 12 < 0x1000 {
            Some(Imm12 {
                bits: (value >> 12) as u16,
                lsl12: true,
            })
        } else {
            None
        }
    }

    /// The explicit form: `imm` (< 4096) optionally shifted left by 12.
    pub const fn with_shift(imm: u32, lsl12: bool) -> Option<Imm12> {
        if imm < 0x1000 {
            Some(Imm12 {
                bits: imm as u16,
                lsl12,
            })
        } else {
            None
        }
    }

    /// The zero immediate (`#0`), used by `mov` to and from `sp`.
    pub const ZERO: Imm12 = Imm12 {
        bits: 0,
        lsl12: false,
    };

    /// The value added or subtracted.
    pub const fn value(self) -> u64 {
        (self.bits as u64) << if self.lsl12 { 12 } else { 0 }
    }

    /// Bits 22..=10 of the instruction: `sh:imm12`.
    pub const fn bits(self) -> u32 {
        (self.lsl12 as u32) << 12 | self.bits as u32
    }
}

impl fmt::Display for Imm12 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.lsl12 {
            write!(f, "#{}, lsl #12", self.bits)
        } else {
            write!(f, "#{}", self.bits)
        }
    }
}

/// A shift amount for a register of type `R`: `0..R::BITS`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct ShiftAmt<R: Gpr> {
    amount: u8,
    _width: PhantomData<R>,
}

impl<R: Gpr> ShiftAmt<R> {
    /// `amount` if it is below the register width.
    pub fn new(amount: u32) -> Option<Self> {
        (amount < R::BITS).then_some(ShiftAmt {
            amount: amount as u8,
            _width: PhantomData,
        })
    }

    /// The shift amount.
    pub fn value(self) -> u32 {
        self.amount as u32
    }
}

impl<R: Gpr> fmt::Display for ShiftAmt<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.amount)
    }
}

/// The shift applied to the second register of a shifted-register instruction.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum ShiftKind {
    /// Logical shift left.
    Lsl = 0,
    /// Logical shift right.
    Lsr = 1,
    /// Arithmetic shift right.
    Asr = 2,
    /// Rotate right (logical instructions only).
    Ror = 3,
}

impl ShiftKind {
    /// The assembler mnemonic.
    pub const fn name(self) -> &'static str {
        match self {
            ShiftKind::Lsl => "lsl",
            ShiftKind::Lsr => "lsr",
            ShiftKind::Asr => "asr",
            ShiftKind::Ror => "ror",
        }
    }
}

/// A register shift for arithmetic instructions (ADD/SUB/CMP...): LSL, LSR or ASR by an
/// amount below the width. ROR is not encodable there and cannot be built.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct ArithShift<R: Gpr> {
    kind: ShiftKind,
    amount: ShiftAmt<R>,
}

impl<R: Gpr> ArithShift<R> {
    /// No shift (`lsl #0`).
    pub fn none() -> Self {
        ArithShift {
            kind: ShiftKind::Lsl,
            amount: ShiftAmt {
                amount: 0,
                _width: PhantomData,
            },
        }
    }
    /// `kind` by `amount`; `None` for ROR or an amount not below the width.
    pub fn new(kind: ShiftKind, amount: u32) -> Option<Self> {
        if kind == ShiftKind::Ror {
            return None;
        }
        Some(ArithShift {
            kind,
            amount: ShiftAmt::new(amount)?,
        })
    }
    /// The shift kind.
    pub fn kind(self) -> ShiftKind {
        self.kind
    }
    /// The shift amount.
    pub fn amount(self) -> u32 {
        self.amount.value()
    }
    /// Bits 23..=22 (`shift`) and 15..=10 (`imm6`) placed in an instruction word.
    pub fn bits(self) -> u32 {
        (self.kind as u32) << 22 | self.amount() << 10
    }
}

impl<R: Gpr> fmt::Display for ArithShift<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind.name(), self.amount)
    }
}

/// A register shift for logical instructions (AND/ORR/EOR...): any kind including ROR.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct LogicShift<R: Gpr> {
    kind: ShiftKind,
    amount: ShiftAmt<R>,
}

impl<R: Gpr> LogicShift<R> {
    /// No shift (`lsl #0`).
    pub fn none() -> Self {
        LogicShift {
            kind: ShiftKind::Lsl,
            amount: ShiftAmt {
                amount: 0,
                _width: PhantomData,
            },
        }
    }
    /// `kind` by `amount`; `None` if the amount is not below the width.
    pub fn new(kind: ShiftKind, amount: u32) -> Option<Self> {
        Some(LogicShift {
            kind,
            amount: ShiftAmt::new(amount)?,
        })
    }
    /// The shift kind.
    pub fn kind(self) -> ShiftKind {
        self.kind
    }
    /// The shift amount.
    pub fn amount(self) -> u32 {
        self.amount.value()
    }
    /// Bits 23..=22 (`shift`) and 15..=10 (`imm6`) placed in an instruction word.
    pub fn bits(self) -> u32 {
        (self.kind as u32) << 22 | self.amount() << 10
    }
}

impl<R: Gpr> fmt::Display for LogicShift<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind.name(), self.amount)
    }
}

/// The extension applied to the second register of an extended-register ADD/SUB.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum ExtendKind {
    /// Zero-extend the low byte.
    Uxtb = 0,
    /// Zero-extend the low halfword.
    Uxth = 1,
    /// Zero-extend the low word.
    Uxtw = 2,
    /// The whole 64-bit register (also written `lsl` when a stack pointer is involved).
    Uxtx = 3,
    /// Sign-extend the low byte.
    Sxtb = 4,
    /// Sign-extend the low halfword.
    Sxth = 5,
    /// Sign-extend the low word.
    Sxtw = 6,
    /// The whole 64-bit register, signed.
    Sxtx = 7,
}

impl ExtendKind {
    /// The assembler mnemonic.
    pub const fn name(self) -> &'static str {
        match self {
            ExtendKind::Uxtb => "uxtb",
            ExtendKind::Uxth => "uxth",
            ExtendKind::Uxtw => "uxtw",
            ExtendKind::Uxtx => "uxtx",
            ExtendKind::Sxtb => "sxtb",
            ExtendKind::Sxth => "sxth",
            ExtendKind::Sxtw => "sxtw",
            ExtendKind::Sxtx => "sxtx",
        }
    }

    /// Whether the extended operand is read as a 64-bit `X` register (UXTX/SXTX); the others
    /// read a `W` register.
    pub const fn reads_x(self) -> bool {
        matches!(self, ExtendKind::Uxtx | ExtendKind::Sxtx)
    }
}

/// An extend with a left shift of 0..=4 (`add x0, sp, w1, uxtw #2`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct Extend {
    kind: ExtendKind,
    amount: u8,
}

impl Extend {
    /// `kind` followed by a left shift of `amount`; `None` if `amount > 4`.
    pub const fn new(kind: ExtendKind, amount: u32) -> Option<Extend> {
        if amount <= 4 {
            Some(Extend {
                kind,
                amount: amount as u8,
            })
        } else {
            None
        }
    }
    /// The extension.
    pub const fn kind(self) -> ExtendKind {
        self.kind
    }
    /// The left shift after extension.
    pub const fn amount(self) -> u32 {
        self.amount as u32
    }
    /// Bits 15..=13 (`option`) and 12..=10 (`imm3`) placed in an instruction word.
    pub const fn bits(self) -> u32 {
        (self.kind as u32) << 13 | (self.amount as u32) << 10
    }
}

impl fmt::Display for Extend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} #{}", self.kind.name(), self.amount)
    }
}

/// A bitfield position for a register of type `R`: `lsb < BITS` and `1 <= width <= BITS - lsb`.
/// Used by UBFX/SBFX/BFXIL (extract) and BFI/UBFIZ/SBFIZ (insert).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct Bitfield<R: Gpr> {
    lsb: u8,
    width: u8,
    _width: PhantomData<R>,
}

impl<R: Gpr> Bitfield<R> {
    /// The field of `width` bits starting at bit `lsb`, if it fits in the register.
    pub fn new(lsb: u32, width: u32) -> Option<Self> {
        (lsb < R::BITS && width >= 1 && width <= R::BITS - lsb).then_some(Bitfield {
            lsb: lsb as u8,
            width: width as u8,
            _width: PhantomData,
        })
    }
    /// The lowest bit of the field.
    pub fn lsb(self) -> u32 {
        self.lsb as u32
    }
    /// The number of bits in the field.
    pub fn width(self) -> u32 {
        self.width as u32
    }
}

impl<R: Gpr> fmt::Display for Bitfield<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}, #{}", self.lsb, self.width)
    }
}

/// The raw `immr`/`imms` pair of UBFM/SBFM/BFM for a register of type `R` (each `< BITS`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct BitfieldRaw<R: Gpr> {
    immr: u8,
    imms: u8,
    _width: PhantomData<R>,
}

impl<R: Gpr> BitfieldRaw<R> {
    /// `immr` and `imms` if both are below the register width.
    pub fn new(immr: u32, imms: u32) -> Option<Self> {
        (immr < R::BITS && imms < R::BITS).then_some(BitfieldRaw {
            immr: immr as u8,
            imms: imms as u8,
            _width: PhantomData,
        })
    }
    /// The rotate-right amount.
    pub fn immr(self) -> u32 {
        self.immr as u32
    }
    /// The index of the top bit of the source field.
    pub fn imms(self) -> u32 {
        self.imms as u32
    }
    /// Bits 21..=16 (`immr`) and 15..=10 (`imms`) placed in an instruction word.
    pub fn bits(self) -> u32 {
        (self.immr as u32) << 16 | (self.imms as u32) << 10
    }
}

impl<R: Gpr> fmt::Display for BitfieldRaw<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}, #{}", self.immr, self.imms)
    }
}

/// A move-wide immediate for a register of type `R`: a 16-bit value shifted left by 0, 16, 32
/// or 48 (0 or 16 for 32-bit registers).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct MoveWide<R: Gpr> {
    imm16: u16,
    hw: u8,
    _width: PhantomData<R>,
}

impl<R: Gpr> MoveWide<R> {
    /// `imm16 << shift`; `None` unless `shift` is a multiple of 16 inside the register.
    pub fn new(imm16: u16, shift: u32) -> Option<Self> {
        (shift & 15 == 0 && shift < R::BITS).then_some(MoveWide {
            imm16,
            hw: (shift / 16) as u8,
            _width: PhantomData,
        })
    }
    /// `value` if it is a single halfword in place (at most one non-zero halfword).
    pub fn from_value(value: u64) -> Option<Self> {
        let shift = if value == 0 {
            0
        } else {
            value.trailing_zeros() / 16 * 16
        };
        if value >> shift > 0xffff {
            return None;
        }
        Self::new((value >> shift) as u16, shift)
    }
    /// The 16-bit payload.
    pub fn imm16(self) -> u16 {
        self.imm16
    }
    /// The left shift of the payload.
    pub fn shift(self) -> u32 {
        self.hw as u32 * 16
    }
    /// The value it stands for (`imm16 << shift`).
    pub fn value(self) -> u64 {
        (self.imm16 as u64) << self.shift()
    }
    /// Bits 22..=5 (`hw:imm16`) placed in an instruction word.
    pub fn bits(self) -> u32 {
        (self.hw as u32) << 21 | (self.imm16 as u32) << 5
    }
}

impl<R: Gpr> fmt::Display for MoveWide<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}, lsl #{}", self.imm16, self.shift())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::a64::regs::{W, X};

    #[test]
    fn imm12_forms() {
        assert_eq!(Imm12::new(4095).map(Imm12::value), Some(4095));
        assert_eq!(Imm12::new(4096).map(Imm12::bits), Some(1 << 12 | 1));
        assert_eq!(Imm12::new(4097), None);
        assert_eq!(Imm12::new(0xfff000).map(Imm12::value), Some(0xfff000));
        assert_eq!(Imm12::new(0x1000000), None);
        assert_eq!(Imm12::with_shift(4096, false), None);
    }

    #[test]
    fn widths_bound_amounts() {
        assert!(ShiftAmt::<X>::new(63).is_some());
        assert!(ShiftAmt::<W>::new(32).is_none());
        assert!(ArithShift::<X>::new(ShiftKind::Ror, 1).is_none());
        assert!(Bitfield::<W>::new(31, 1).is_some());
        assert!(Bitfield::<W>::new(31, 2).is_none());
        assert!(Bitfield::<X>::new(0, 0).is_none());
        assert!(MoveWide::<W>::new(1, 32).is_none());
        assert_eq!(
            MoveWide::<X>::from_value(0xabcd_0000_0000).map(|m| m.shift()),
            Some(32)
        );
        assert!(MoveWide::<X>::from_value(0x1_0001).is_none());
        assert!(Extend::new(ExtendKind::Sxtw, 5).is_none());
    }
}
