//! Fuzz target 1: lexer + parser + bytecode compiler on arbitrary bytes.
//!
//! Any input must give `Ok` (bytecode that passes the verifier: `compile` checks it in
//! builds with debug assertions, which the fuzz profile has) or a syntax error whose
//! message names the chunk; never a panic, an abort or a native stack overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match crescent_core::frontend::compile(data, "=fuzz") {
        Ok(_) => {}
        Err(e) => assert!(e.message.starts_with("fuzz:"), "bad message: {}", e.message),
    }
});
