//! Fuzz target 2: load and run arbitrary source under a memory cap and a loop budget
//! (see `crescent_fuzz` for how the budget is made until the VM has one).
//!
//! A Lua error is a fine outcome; a panic, an abort, a native stack overflow or a
//! sanitizer report is a bug. After an error the same state must still run a chunk.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    crescent_fuzz::run_bounded(|lua| {
        if lua.exec(data, "=fuzz").is_err() {
            // The state stays usable after any error.
            lua.set_memory_limit(None);
            lua.exec(
                b"local t = {} for i = 1, 3 do t[i] = i end assert(#t == 3)",
                "=after",
            )
            .expect("state unusable after an error");
        }
    });
});
