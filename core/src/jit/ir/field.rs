//! Fixed fields of runtime objects that traces load (`FLOAD`) and store (`FREF`/`FSTORE`).
//!
//! Invariants: one table gives each field its symbolic name, the type of its value and
//! the object type it belongs to; [`Field::offset`] is the one place byte offsets come
//! from (`core::mem::offset_of!` on the `#[repr(C)]` object layouts of `object/`), so no
//! offset is ever hard-coded. `tab.skeys` and `tab.svals` are arrays inside the table: their
//! "base" is the table's address plus the offset (a trace never loads them as pointers). Passes only need field identity (two different fields
//! never alias) and types.

use super::types::IrType;

macro_rules! ir_fields {
    ($( $name:ident $dump:literal $obj:ident $ty:ident, #[doc = $doc:literal] )*) => {
        /// A fixed field of a runtime object (operand b of `FLOAD`/`FREF`).
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
        #[repr(u8)]
        #[allow(non_camel_case_types)]
        pub enum Field { $( #[doc = $doc] $name, )* }
        const FIELDS: &[Field] = &[ $( Field::$name, )* ];
        const FIELD_NAMES: &[&str] = &[ $( $dump, )* ];
        const FIELD_TYPES: &[(IrType, IrType)] = &[ $( (IrType::$obj, IrType::$ty), )* ];
    };
}

ir_fields! {
    TAB_ARRAY "tab.array" TAB PTR, #[doc = "Base of the table's array part."]
    TAB_ASIZE "tab.asize" TAB INT, #[doc = "Size of the array part (keys 1..=asize)."]
    TAB_SKEYS "tab.skeys" TAB PTR, #[doc = "Base of the small string map's key array."]
    TAB_SVALS "tab.svals" TAB PTR, #[doc = "Base of the small string map's value array."]
    TAB_NSKEYS "tab.nskeys" TAB INT, #[doc = "Number of keys in the small string map."]
    TAB_META "tab.meta" TAB TAB, #[doc = "Metatable (nil pointer when absent)."]
    TAB_NOMM "tab.nomm" TAB U32, #[doc = "Cache of metamethods known absent (bit per event)."]
    STR_LEN "str.len" STR INT, #[doc = "String length in bytes."]
    STR_HASH "str.hash" STR U32, #[doc = "Cached string hash."]
    FUNC_PROTO "func.proto" FUNC PTR, #[doc = "Prototype of a Lua closure."]
    FUNC_ENV "func.env" FUNC TAB, #[doc = "Environment table (globals) of a function."]
    UDATA_META "udata.meta" UDATA TAB, #[doc = "Metatable of a full userdata."]
}

impl Field {
    /// The field from its number (operand b).
    pub fn from_u16(n: u16) -> Option<Field> {
        FIELDS.get(n as usize).copied()
    }
    /// Its name in dumps.
    pub fn name(self) -> &'static str {
        FIELD_NAMES[self as usize]
    }
    /// The type of the object holding it.
    pub fn object_type(self) -> IrType {
        FIELD_TYPES[self as usize].0
    }
    /// The type of the loaded value.
    pub fn value_type(self) -> IrType {
        FIELD_TYPES[self as usize].1
    }
    /// Byte offset of the field in its object, `None` for fields the object layouts do
    /// not have (yet).
    pub fn offset(self) -> Option<usize> {
        use crate::object::{LuaFunction, LuaStr, Table};
        use core::mem::offset_of;
        Some(match self {
            Field::TAB_ARRAY => offset_of!(Table, arr),
            Field::TAB_ASIZE => offset_of!(Table, asize),
            Field::TAB_SKEYS => offset_of!(Table, skeys),
            Field::TAB_SVALS => offset_of!(Table, svals),
            Field::TAB_NSKEYS => offset_of!(Table, nskeys),
            Field::TAB_META => offset_of!(Table, meta),
            Field::TAB_NOMM => offset_of!(Table, mm_absent),
            Field::STR_HASH => offset_of!(LuaStr, hash),
            Field::FUNC_PROTO => offset_of!(LuaFunction, proto),
            Field::FUNC_ENV => offset_of!(LuaFunction, env),
            Field::STR_LEN | Field::UDATA_META => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_round_trips() {
        for (i, f) in FIELDS.iter().enumerate() {
            assert_eq!(Field::from_u16(i as u16), Some(*f));
            let (obj, _) = f.name().split_once('.').unwrap();
            assert!(obj.len() >= 3);
            assert!(f.object_type().is_gc());
        }
        assert_eq!(Field::TAB_ASIZE.value_type(), IrType::INT);
    }
}
