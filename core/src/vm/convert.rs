//! Conversions between values: string<->number coercion and `tostring`.
//!
//! Coercion follows Lua 5.1: arithmetic accepts strings that parse as numbers
//! (`crate::number::parse`), concatenation and string functions accept numbers (printed
//! with `%.14g`, `crate::number::fmt_number`).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::value::{tag, Value};
use crate::vm::meta::Tm;
use crate::vm::{LuaError, Vm};

impl Vm {
    /// The number a value denotes: numbers, and strings that parse as numbers.
    #[inline]
    pub fn to_number(&self, v: Value) -> Option<f64> {
        if v.is_num() {
            Some(v.num_unchecked())
        } else if v.is_str() {
            crate::number::parse(self.str_bytes(v))
        } else {
            None
        }
    }

    /// A number as a string value (`%.14g`).
    pub fn num_to_str(&mut self, n: f64) -> Result<Value, LuaError> {
        let mut s = String::new();
        crate::number::fmt_number(n, &mut s);
        self.new_str(s.as_bytes())
    }

    /// Strings stay, numbers become strings, others `None` (concatenation's coercion).
    pub fn to_str_coerce(&mut self, v: Value) -> Result<Option<Value>, LuaError> {
        if v.is_str() {
            Ok(Some(v))
        } else if v.is_num() {
            Ok(Some(self.num_to_str(v.num_unchecked())?))
        } else {
            Ok(None)
        }
    }

    /// The bytes `print` and error messages show for a string or number (others by
    /// their default `tostring` form, without metamethods).
    pub fn to_display_bytes(&self, v: Value) -> Vec<u8> {
        if v.is_str() {
            self.str_bytes(v).to_vec()
        } else {
            self.default_tostring(v).into_bytes()
        }
    }

    /// `tostring` without `__tostring`: "nil", "true", "table: 0x...", numbers...
    pub fn default_tostring(&self, v: Value) -> String {
        if v.is_num() {
            let mut s = String::new();
            crate::number::fmt_number(v.num_unchecked(), &mut s);
            return s;
        }
        if v.is_str() {
            return String::from_utf8_lossy(self.str_bytes(v)).into_owned();
        }
        match v.tag() {
            tag::NIL => String::from("nil"),
            tag::TRUE => String::from("true"),
            tag::FALSE => String::from("false"),
            _ => format!("{}: {:#x}", v.type_name(), v.payload()),
        }
    }

    /// `tostring(v)`, honouring `__tostring`.
    pub fn tostring(&mut self, v: Value) -> Result<Value, LuaError> {
        if v.is_str() {
            return Ok(v);
        }
        let mm = self.metamethod(v, Tm::ToString);
        if !mm.is_nil() {
            // 5.1 and LuaJIT pass whatever `__tostring` returns through unchecked.
            return self.call1(mm, &[v]);
        }
        let s = self.default_tostring(v);
        self.new_str(s.as_bytes())
    }
}
