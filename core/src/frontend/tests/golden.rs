//! Golden listings: for each `golden/NAME.lua`, the whole compiled output (code, lines,
//! constants, locals, upvalues, nested functions) must equal `golden/NAME.listing`.
//! The listings were checked instruction by instruction against `luac5.1 -l -l`: they
//! differ only where crescent differs on purpose (loops' back-edges, `-0` constants, no
//! `arg` local in vararg functions). Run with `CRESCENT_BLESS=1` to rewrite them after an
//! intended change, and review the diff.

extern crate std;

use alloc::string::String;

const CASES: &[(&str, &str, &str)] = &[
    (
        "exprs",
        include_str!("golden/exprs.lua"),
        include_str!("golden/exprs.listing"),
    ),
    (
        "functions",
        include_str!("golden/functions.lua"),
        include_str!("golden/functions.listing"),
    ),
    (
        "loops",
        include_str!("golden/loops.lua"),
        include_str!("golden/loops.listing"),
    ),
];

#[test]
fn listings_match() {
    let bless = std::env::var_os("CRESCENT_BLESS").is_some();
    let mut failed = alloc::vec::Vec::new();
    for &(name, src, expected) in CASES {
        let chunk = alloc::format!("@{}.lua", name);
        let p = crate::frontend::compile(src.as_bytes(), &chunk).expect("golden source compiles");
        let got: String = crate::frontend::listing(&p);
        if got != expected {
            if bless {
                let path = alloc::format!(
                    "{}/src/frontend/tests/golden/{}.listing",
                    env!("CARGO_MANIFEST_DIR"),
                    name
                );
                std::fs::write(&path, &got).expect("write listing");
            } else {
                failed.push(name);
            }
        }
    }
    assert!(
        failed.is_empty(),
        "listings differ (CRESCENT_BLESS=1 rewrites them): {:?}",
        failed
    );
}
