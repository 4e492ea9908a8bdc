//! IR types: the type of every instruction's result, and the guard flag beside it.
//!
//! Invariants:
//! - the order of [`IrType`] is fixed by the table and pinned by const asserts: the
//!   primitive types (`nil`, `false`, `true`) come first, the GC object types form one
//!   contiguous range, `NUM` is the only floating-point type (the FPR class);
//! - an instruction of a primitive type has no value to hold (`nil`/`false`/`true` are
//!   known from the type alone), so guards, stores and markers are typed `NIL`;
//! - [`IrT`] is the type plus flag bits in one byte; only [`IrT::GUARD`] is defined: the
//!   instruction may exit the trace (a type check, an overflow check, a comparison).

use core::fmt;

macro_rules! ir_types {
    ($( $name:ident $dump:literal $tag:expr, #[doc = $doc:literal] )*) => {
        /// The type of an IR value.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        #[repr(u8)]
        #[allow(clippy::upper_case_acronyms)]
        pub enum IrType { $( #[doc = $doc] $name, )* }

        /// Every type, in table order.
        pub const IR_TYPES: &[IrType] = &[ $( IrType::$name, )* ];
        const TYPE_NAMES: &[&str] = &[ $( $dump, )* ];
        const TYPE_TAGS: &[Option<u64>] = &[ $( $tag, )* ];
    };
}

use crate::value::tag;

ir_types! {
    NIL "nil" Some(tag::NIL), #[doc = "`nil`; also the type of instructions without a value."]
    FALSE "fal" Some(tag::FALSE), #[doc = "`false`."]
    TRUE "tru" Some(tag::TRUE), #[doc = "`true`."]
    LIGHTUD "lud" Some(tag::LIGHTUD), #[doc = "Light userdata (47-bit payload)."]
    STR "str" Some(tag::STR), #[doc = "Interned string (GC object)."]
    THREAD "thr" Some(tag::THREAD), #[doc = "Coroutine (GC object)."]
    PROTO "pro" Some(tag::INTERNAL), #[doc = "Function prototype (internal GC object)."]
    FUNC "fun" Some(tag::FUNC), #[doc = "Function (GC object)."]
    TAB "tab" Some(tag::TABLE), #[doc = "Table (GC object)."]
    UDATA "udt" Some(tag::USERDATA), #[doc = "Full userdata (GC object)."]
    NUM "num" None, #[doc = "Double: every Lua number."]
    INT "int" None, #[doc = "32-bit signed integer: a narrowed number, an index, a size."]
    U32 "u32" None, #[doc = "32-bit unsigned integer (bit patterns, hashes)."]
    I64 "i64" None, #[doc = "64-bit integer (raw value bits)."]
    PTR "p64" None, #[doc = "Internal 64-bit pointer (array base, slot address)."]
}

/// Number of IR types.
pub const NUM_IR_TYPES: usize = IR_TYPES.len();

const _: () = assert!((IrType::NIL as u8) == 0 && (IrType::TRUE as u8) == 2);
const _: () = assert!((IrType::STR as u8) < (IrType::UDATA as u8));
const _: () = assert!((IrType::UDATA as u8) + 1 == IrType::NUM as u8);
const _: () = assert!(NUM_IR_TYPES <= 32, "types must fit the low 5 bits of IrT");

impl IrType {
    /// The type from its number (the low bits of an [`IrT`]).
    pub fn from_u8(n: u8) -> Option<IrType> {
        IR_TYPES.get(n as usize).copied()
    }

    /// Three-letter name used in dumps (`num`, `int`, `tab`, ...).
    pub fn name(self) -> &'static str {
        TYPE_NAMES[self as usize]
    }

    /// The `value::tag` of boxed values of this type, if it is a Lua type other than number.
    pub fn value_tag(self) -> Option<u64> {
        TYPE_TAGS[self as usize]
    }

    /// The IR type of a boxed value with this `value::tag` (numbers are not tagged).
    pub fn from_value_tag(t: u64) -> Option<IrType> {
        IR_TYPES
            .iter()
            .copied()
            .find(|ty| ty.value_tag() == Some(t))
    }

    /// `nil`, `false` or `true`: the value is known from the type, no register needed.
    pub fn is_pri(self) -> bool {
        self <= IrType::TRUE
    }

    /// A garbage-collected object pointer.
    pub fn is_gc(self) -> bool {
        (IrType::STR..=IrType::UDATA).contains(&self)
    }

    /// An integer type (held in a general-purpose register as an integer).
    pub fn is_integer(self) -> bool {
        matches!(self, IrType::INT | IrType::U32 | IrType::I64)
    }

    /// Held in a floating-point register.
    pub fn is_fp(self) -> bool {
        self == IrType::NUM
    }

    /// Needs a register at all (primitive types do not).
    pub fn has_value(self) -> bool {
        !self.is_pri()
    }
}

impl fmt::Display for IrType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An [`IrType`] plus flags, packed in one byte as instructions store it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct IrT(u8);

impl IrT {
    /// Flag: the instruction is a guard (it may exit the trace through a snapshot).
    pub const GUARD: u8 = 0x80;
    const TYPE_MASK: u8 = 0x1f;

    /// A type without flags.
    pub const fn new(t: IrType) -> IrT {
        IrT(t as u8)
    }

    /// A guarded type.
    pub const fn guarded(t: IrType) -> IrT {
        IrT(t as u8 | Self::GUARD)
    }

    /// The type.
    pub fn ty(self) -> IrType {
        // The constructors only ever store a valid type in the low bits.
        IrType::from_u8(self.0 & Self::TYPE_MASK).unwrap_or(IrType::NIL)
    }

    /// Whether the guard flag is set.
    pub const fn is_guard(self) -> bool {
        self.0 & Self::GUARD != 0
    }

    /// This type with the guard flag set.
    pub const fn with_guard(self) -> IrT {
        IrT(self.0 | Self::GUARD)
    }

    /// This type with the guard flag cleared.
    pub const fn without_guard(self) -> IrT {
        IrT(self.0 & !Self::GUARD)
    }

    /// The raw byte.
    pub const fn bits(self) -> u8 {
        self.0
    }
}

impl From<IrType> for IrT {
    fn from(t: IrType) -> IrT {
        IrT::new(t)
    }
}

impl fmt::Debug for IrT {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", if self.is_guard() { ">" } else { "" }, self.ty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_round_trips() {
        for (i, t) in IR_TYPES.iter().enumerate() {
            assert_eq!(*t as usize, i);
            assert_eq!(IrType::from_u8(i as u8), Some(*t));
            assert_eq!(t.name().len(), 3);
            assert_eq!(IrT::guarded(*t).ty(), *t);
            assert!(IrT::guarded(*t).is_guard() && !IrT::new(*t).is_guard());
        }
        assert_eq!(IrType::from_value_tag(tag::TABLE), Some(IrType::TAB));
        assert_eq!(IrType::from_value_tag(tag::NIL), Some(IrType::NIL));
    }

    #[test]
    fn classes() {
        assert!(IrType::TRUE.is_pri() && !IrType::LIGHTUD.is_pri());
        assert!(IrType::STR.is_gc() && IrType::UDATA.is_gc() && !IrType::NUM.is_gc());
        assert!(IrType::NUM.is_fp() && !IrType::INT.is_fp());
        assert!(IrType::INT.is_integer() && !IrType::PTR.is_integer());
    }
}
