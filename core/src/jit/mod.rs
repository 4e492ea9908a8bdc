//! The trace JIT: hot counting, recording to SSA IR, optimization passes, register
//! allocation and AArch64 emission.

pub mod a64;
pub mod ir;
pub mod opt;
pub mod params;
pub mod regalloc;
pub mod snapshot;
