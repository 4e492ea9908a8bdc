//! The trace IR: a flat list of typed SSA instructions, constants kept apart, snapshots.
