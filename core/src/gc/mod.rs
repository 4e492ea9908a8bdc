//! Garbage collector: heap, object headers, mark & sweep, weak tables, finalizers.
//!
//! Invariants:
//! - Every GC object is a `#[repr(C)]` struct whose first field is a [`GcHeader`], allocated
//!   by [`Heap::alloc`] (a `Box` leaked into the intrusive `all` list) and freed only by the
//!   sweep in [`collect`], according to its [`Kind`].
//! - The collector is precise, non-moving and stop-the-world. It runs only at *safe points*
//!   (see `vm::exec`): places where every live value is in a VM slot (thread stacks below
//!   their top, globals, registry, metatables, the `roots` vector). No Rust local may hold
//!   an unrooted object across a safe point.
//! - `Heap::total` approximates the bytes owned by live-or-unswept objects (headers plus the
//!   capacities of their vectors); allocation debt against `threshold` drives collection,
//!   with 5.1's `pause` (percent of live bytes to wait) and `stepmul`.
//! - Strings are interned in `Heap::strings`; the intern set is weak: the sweep removes
//!   unmarked strings from it before freeing them.

pub mod collect;
pub mod heap;

pub use heap::{GcHeader, Heap, Kind};
