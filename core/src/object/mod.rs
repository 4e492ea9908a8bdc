//! Heap object kinds: strings (interned), tables, functions, upvalues, userdata, threads.
//!
//! Every type here is `#[repr(C)]` with a [`crate::gc::GcHeader`] first, so a `Value`
//! payload can be read as a header to learn the kind, and the JIT can address fields
//! through the `offset_of!` constants each type exports.

pub mod function;
pub mod string;
pub mod table;
pub mod thread;
pub mod userdata;

pub use function::{LuaFunction, NativeFunction, NativeKind, Proto, UpVal};
pub use string::LuaStr;
pub use table::Table;
pub use thread::{frame_at_level, frame_below, CoStatus, Cont, Frame, FrameKind, Thread};
pub use userdata::Userdata;
