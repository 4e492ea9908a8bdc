//! NaN-boxed Lua values: the single source of truth for the bit layout.
//!
//! A [`Value`] is 8 bytes. Numbers (all Lua 5.1 numbers are doubles) are stored as
//! their IEEE-754 bits; every NaN is canonicalized to [`CANON_NAN`] on the way in, so the
//! negative quiet-NaN space `0xFFF8_0000_0000_0000..=0xFFFF_FFFF_FFFF_FFFF` is free for
//! everything else:
//!
//! ```text
//!  63        51 50  47 46                                   0
//! +-----------+------+--------------------------------------+
//! | 1111111111111 | tag  |  payload (47 bits: pointer or 0)  |
//! +-----------+------+--------------------------------------+
//! ```
//!
//! Invariants the emitted code relies on (and that the const asserts below pin):
//! - `bits < NUM_LIMIT` (unsigned) exactly when the value is a number;
//! - `bits >= FALSE_BITS` (unsigned) exactly when the value is falsy (`nil` or `false`),
//!   because `nil` and `false` have the two highest tags;
//! - `bits >> TAG_SHIFT` is `TAGGED_HI | tag` for every non-number, so one shift and
//!   one compare checks a type;
//! - a GC object pointer is recovered with `bits & PAYLOAD_MASK` (user-space and
//!   identity-mapped addresses fit in 47 bits).
//!
//! Nothing else in the crate hard-codes a tag: the JIT emitter reads the constants here.

use core::fmt;

/// Number of bits the tag is shifted left by.
pub const TAG_SHIFT: u32 = 47;
/// Mask of the 47-bit payload (pointer or immediate).
pub const PAYLOAD_MASK: u64 = (1 << TAG_SHIFT) - 1;
/// The bits above the tag that every non-number has set (`bits >> TAG_SHIFT` is
/// `TAGGED_HI | tag`).
pub const TAGGED_HI: u64 = 0x1_FFF0;
/// Smallest tagged bit pattern: every number is below it (unsigned).
pub const NUM_LIMIT: u64 = TAGGED_HI << TAG_SHIFT;
/// The one NaN that a Value may hold.
pub const CANON_NAN: u64 = 0x7FF8_0000_0000_0000;

/// Type tags of non-number values. Ordered so that `nil` and `false` are the
/// highest (one compare tests truthiness).
pub mod tag {
    /// Interned string (`*mut LuaStr`).
    pub const STR: u64 = 4;
    /// Table (`*mut Table`).
    pub const TABLE: u64 = 5;
    /// Function: Lua closure or native function (`*mut Function`).
    pub const FUNC: u64 = 6;
    /// Full userdata (`*mut Userdata`).
    pub const USERDATA: u64 = 7;
    /// Coroutine (`*mut Thread`).
    pub const THREAD: u64 = 8;
    /// Light userdata (opaque 47-bit payload, not a GC object).
    pub const LIGHTUD: u64 = 9;
    /// Internal GC object that Lua code never sees (prototypes, upvalues).
    pub const INTERNAL: u64 = 10;
    /// `true`.
    pub const TRUE: u64 = 13;
    /// `false`.
    pub const FALSE: u64 = 14;
    /// `nil`.
    pub const NIL: u64 = 15;
}

/// Bit pattern of `nil`.
pub const NIL_BITS: u64 = (TAGGED_HI | tag::NIL) << TAG_SHIFT;
/// Bit pattern of `false`.
pub const FALSE_BITS: u64 = (TAGGED_HI | tag::FALSE) << TAG_SHIFT;
/// Bit pattern of `true`.
pub const TRUE_BITS: u64 = (TAGGED_HI | tag::TRUE) << TAG_SHIFT;

const _: () = assert!(
    tag::NIL == 15 && tag::FALSE == 14,
    "falsy tags must be highest"
);
const _: () = assert!(NUM_LIMIT == 0xFFF8_0000_0000_0000);
const _: () = assert!(NIL_BITS == !PAYLOAD_MASK);
const _: () = assert!(CANON_NAN < NUM_LIMIT);
const _: () = assert!(core::mem::size_of::<Value>() == 8);

/// The Lua types as `type()` names them (plus the internal kinds).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LuaType {
    /// `nil`
    Nil,
    /// `boolean`
    Boolean,
    /// `number`
    Number,
    /// `string`
    String,
    /// `table`
    Table,
    /// `function`
    Function,
    /// `userdata` (full)
    Userdata,
    /// `thread`
    Thread,
    /// `userdata` (light)
    LightUserdata,
    /// Not visible to Lua (prototype, upvalue).
    Internal,
}

impl LuaType {
    /// The name `type()` returns.
    pub fn name(self) -> &'static str {
        match self {
            LuaType::Nil => "nil",
            LuaType::Boolean => "boolean",
            LuaType::Number => "number",
            LuaType::String => "string",
            LuaType::Table => "table",
            LuaType::Function => "function",
            LuaType::Userdata | LuaType::LightUserdata => "userdata",
            LuaType::Thread => "thread",
            LuaType::Internal => "proto",
        }
    }
}

/// A Lua value in 8 bytes. `Copy`: it is a bit pattern; GC objects it points to are
/// kept alive by the collector's roots, not by the `Value`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct Value(u64);

impl Value {
    /// `nil`.
    pub const NIL: Value = Value(NIL_BITS);
    /// `false`.
    pub const FALSE: Value = Value(FALSE_BITS);
    /// `true`.
    pub const TRUE: Value = Value(TRUE_BITS);

    /// The raw bit pattern.
    #[inline(always)]
    pub const fn bits(self) -> u64 {
        self.0
    }

    /// Rebuilds a value from bits produced by [`Value::bits`] (or by emitted code that
    /// follows this layout).
    #[inline(always)]
    pub const fn from_bits(bits: u64) -> Value {
        Value(bits)
    }

    /// A number; NaNs are canonicalized.
    #[inline(always)]
    pub fn num(n: f64) -> Value {
        if n.is_nan() {
            Value(CANON_NAN)
        } else {
            Value(n.to_bits())
        }
    }

    /// A boolean.
    #[inline(always)]
    pub const fn boolean(b: bool) -> Value {
        if b {
            Value::TRUE
        } else {
            Value::FALSE
        }
    }

    /// A tagged pointer. `ptr` must fit in 47 bits (checked in debug builds).
    #[inline(always)]
    pub fn from_ptr<T>(tag: u64, ptr: *const T) -> Value {
        let p = ptr as usize as u64;
        debug_assert!(p & !PAYLOAD_MASK == 0, "pointer does not fit in 47 bits");
        debug_assert!(tag < 16);
        Value(((TAGGED_HI | tag) << TAG_SHIFT) | (p & PAYLOAD_MASK))
    }

    /// Light userdata carrying a 47-bit payload.
    #[inline(always)]
    pub fn light_userdata(payload: u64) -> Value {
        Value(((TAGGED_HI | tag::LIGHTUD) << TAG_SHIFT) | (payload & PAYLOAD_MASK))
    }

    /// True for numbers.
    #[inline(always)]
    pub const fn is_num(self) -> bool {
        self.0 < NUM_LIMIT
    }

    /// The tag of a non-number (meaningless for numbers).
    #[inline(always)]
    pub const fn tag(self) -> u64 {
        (self.0 >> TAG_SHIFT) & 0xF
    }

    /// True if this non-number has tag `t`.
    #[inline(always)]
    pub const fn has_tag(self, t: u64) -> bool {
        (self.0 >> TAG_SHIFT) == (TAGGED_HI | t)
    }

    /// True for `nil`.
    #[inline(always)]
    pub const fn is_nil(self) -> bool {
        self.0 == NIL_BITS
    }

    /// True for `nil` and `false`.
    #[inline(always)]
    pub const fn is_falsy(self) -> bool {
        self.0 >= FALSE_BITS
    }

    /// True for everything but `nil` and `false`.
    #[inline(always)]
    pub const fn is_truthy(self) -> bool {
        self.0 < FALSE_BITS
    }

    /// True for `true` and `false`.
    #[inline(always)]
    pub const fn is_bool(self) -> bool {
        self.0 == TRUE_BITS || self.0 == FALSE_BITS
    }

    /// True for strings.
    #[inline(always)]
    pub const fn is_str(self) -> bool {
        self.has_tag(tag::STR)
    }

    /// True for tables.
    #[inline(always)]
    pub const fn is_table(self) -> bool {
        self.has_tag(tag::TABLE)
    }

    /// True for functions.
    #[inline(always)]
    pub const fn is_func(self) -> bool {
        self.has_tag(tag::FUNC)
    }

    /// True for values whose payload is a GC object pointer.
    #[inline(always)]
    pub const fn is_gc(self) -> bool {
        !self.is_num()
            && matches!(
                self.tag(),
                tag::STR | tag::TABLE | tag::FUNC | tag::USERDATA | tag::THREAD | tag::INTERNAL
            )
    }

    /// The number, if this is one.
    #[inline(always)]
    pub fn as_num(self) -> Option<f64> {
        if self.is_num() {
            Some(f64::from_bits(self.0))
        } else {
            None
        }
    }

    /// The number; the caller has checked [`Value::is_num`].
    #[inline(always)]
    pub fn num_unchecked(self) -> f64 {
        debug_assert!(self.is_num());
        f64::from_bits(self.0)
    }

    /// The payload as a pointer (meaningful only for GC values and light userdata).
    #[inline(always)]
    pub const fn payload(self) -> u64 {
        self.0 & PAYLOAD_MASK
    }

    /// The payload as a typed pointer; the caller has checked the tag.
    #[inline(always)]
    pub fn ptr<T>(self) -> *mut T {
        self.payload() as usize as *mut T
    }

    /// The Lua type.
    pub fn lua_type(self) -> LuaType {
        if self.is_num() {
            return LuaType::Number;
        }
        match self.tag() {
            tag::NIL => LuaType::Nil,
            tag::TRUE | tag::FALSE => LuaType::Boolean,
            tag::STR => LuaType::String,
            tag::TABLE => LuaType::Table,
            tag::FUNC => LuaType::Function,
            tag::USERDATA => LuaType::Userdata,
            tag::THREAD => LuaType::Thread,
            tag::LIGHTUD => LuaType::LightUserdata,
            _ => LuaType::Internal,
        }
    }

    /// The name `type()` returns for this value.
    pub fn type_name(self) -> &'static str {
        self.lua_type().name()
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.lua_type() {
            LuaType::Nil => write!(f, "nil"),
            LuaType::Boolean => write!(f, "{}", self.0 == TRUE_BITS),
            LuaType::Number => write!(f, "{}", self.num_unchecked()),
            t => write!(f, "{}: {:#x}", t.name(), self.payload()),
        }
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Value {
        Value::num(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::boolean(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_nan_is_canonical() {
        for n in [
            0.0,
            -0.0,
            1.5,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
        ] {
            let v = Value::num(n);
            assert!(v.is_num());
            assert_eq!(v.as_num().unwrap().to_bits(), n.to_bits());
        }
        let nan = Value::num(f64::from_bits(0xFFF8_0000_0000_1234));
        assert!(nan.is_num());
        assert_eq!(nan.bits(), CANON_NAN);
    }

    #[test]
    fn truthiness_is_one_compare() {
        assert!(Value::NIL.is_falsy());
        assert!(Value::FALSE.is_falsy());
        assert!(Value::TRUE.is_truthy());
        assert!(Value::num(0.0).is_truthy());
        assert!(Value::light_userdata(0).is_truthy());
        assert!(Value::from_ptr(tag::STR, 0x1000 as *const u8).is_truthy());
    }

    #[test]
    fn tags_and_types() {
        let p = 0x7fff_1234_5678usize as *const u8;
        let t = Value::from_ptr(tag::TABLE, p);
        assert!(t.is_table() && !t.is_num() && t.is_gc());
        assert_eq!(t.ptr::<u8>() as usize, p as usize);
        assert_eq!(t.type_name(), "table");
        assert_eq!(Value::NIL.type_name(), "nil");
        assert_eq!(Value::TRUE.type_name(), "boolean");
        assert_eq!(Value::num(1.0).type_name(), "number");
        assert!(!Value::light_userdata(5).is_gc());
    }
}
