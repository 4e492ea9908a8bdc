//! Fuzz target 2: load and run arbitrary source under a memory cap and a hard step budget
//! (see `crescent_fuzz`).
//!
//! A Lua error is a fine outcome; a panic, an abort, a native stack overflow or a
//! sanitizer report is a bug. After an error the same state must still run a chunk.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    crescent_fuzz::run_bounded(|lua| {
        let _ = lua.exec(data, "=fuzz");
    });
});
