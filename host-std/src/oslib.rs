//! The `os` library for processes: calendar time through the C library, file-system
//! calls, and the natives that bind them to the VM ([`open_os`]).

pub mod files;
pub mod natives;
pub mod time;

pub use natives::open_os;
