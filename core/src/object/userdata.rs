//! Full userdata: an opaque host payload with a metatable and an environment.
//!
//! Invariant: `meta` and `env` are null or live tables; the payload holds no GC references
//! (hosts keep Lua values they need in the environment or registry instead).

use alloc::boxed::Box;
use core::any::Any;

use crate::gc::heap::{GcHeader, GcObject, Kind};
use crate::object::Table;

/// A full userdata.
#[repr(C)]
pub struct Userdata {
    /// GC header.
    pub hdr: GcHeader,
    /// Metatable, or null.
    pub meta: *mut Table,
    /// Environment table, or null.
    pub env: *mut Table,
    /// Host payload (`newproxy` userdata have none).
    pub payload: Option<Box<dyn Any>>,
}

// SAFETY: `#[repr(C)]` with the header first, kind `Userdata`.
unsafe impl GcObject for Userdata {
    const KIND: Kind = Kind::Userdata;
    fn size(&self) -> usize {
        core::mem::size_of::<Userdata>()
    }
}
