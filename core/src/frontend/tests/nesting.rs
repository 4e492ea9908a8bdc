//! Nesting limits: no input may overflow the native stack. Each case is compiled on a thread
//! with a deliberately small stack, nested far beyond the syntax-level limit.

extern crate std;

use alloc::string::String;

use super::support::compile_err;

/// Stack for the compiling thread: small, so that unbounded recursion would crash. At the
/// 200-level limit the parser needs about 120 KiB optimized, 500 KiB in debug builds.
const STACK: usize = if cfg!(debug_assertions) {
    1024 * 1024
} else {
    256 * 1024
};

fn on_small_stack(src: String) -> String {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || compile_err(src.as_bytes(), "=t"))
        .expect("spawn")
        .join()
        .expect("compiler thread crashed")
}

const N: usize = 100_000;

#[test]
fn nested_parentheses() {
    let src = alloc::format!("x = {}1{}", "(".repeat(N), ")".repeat(N));
    assert_eq!(on_small_stack(src), "t:1: chunk has too many syntax levels");
}

#[test]
fn nested_constructors() {
    let src = alloc::format!("x = {}{}", "{".repeat(N), "}".repeat(N));
    assert_eq!(on_small_stack(src), "t:1: chunk has too many syntax levels");
}

#[test]
fn nested_functions() {
    let src = alloc::format!("x = {}{}", "function() return ".repeat(N), "end ".repeat(N));
    assert_eq!(on_small_stack(src), "t:1: chunk has too many syntax levels");
    let src = alloc::format!("{}{}", "local function f() ".repeat(N), "end ".repeat(N));
    assert_eq!(on_small_stack(src), "t:1: chunk has too many syntax levels");
}

#[test]
fn nested_blocks_and_operators() {
    for (open, close) in [
        ("do ", "end "),
        ("if x then ", "end "),
        ("while x do ", "end "),
        ("repeat ", "until x "),
    ] {
        let src = alloc::format!("{}{}", open.repeat(N), close.repeat(N));
        assert_eq!(
            on_small_stack(src),
            "t:1: chunk has too many syntax levels",
            "{}",
            open
        );
    }
    // Loops declare locals: the local-variable limit comes first (as in 5.1).
    for open in ["for i = 1, 2 do ", "for k in x do "] {
        let src = alloc::format!("{}{}", open.repeat(N), "end ".repeat(N));
        assert_eq!(
            on_small_stack(src),
            "t:1: main function has more than 200 local variables"
        );
    }
    for op in [" .. 1", " ^ 1"] {
        let src = alloc::format!("x = 1{}", op.repeat(N));
        assert_eq!(on_small_stack(src), "t:1: chunk has too many syntax levels");
    }
    for prefix in ["not ", "- ", "#"] {
        let src = alloc::format!("x = {}1", prefix.repeat(N));
        assert_eq!(on_small_stack(src), "t:1: chunk has too many syntax levels");
    }
    let src = alloc::format!("x = {}1{}", "a[".repeat(N), "]".repeat(N));
    assert_eq!(on_small_stack(src), "t:1: chunk has too many syntax levels");
    let src = alloc::format!("x = {}1{}", "f(".repeat(N), ")".repeat(N));
    assert_eq!(on_small_stack(src), "t:1: chunk has too many syntax levels");
}

#[test]
fn long_flat_chains_compile() {
    // Chains that loop rather than recurse compile whatever their length.
    for src in [
        alloc::format!("x = a{}", ".b".repeat(N)),
        alloc::format!("x = 1{}", " + 1".repeat(N)),
        alloc::format!("x = f{}", "()".repeat(N)),
        alloc::format!("x = a{}", ":m()".repeat(N / 10)),
        "x = 1 ".repeat(N),
    ] {
        std::thread::Builder::new()
            .stack_size(STACK)
            .spawn(move || super::support::compile_ok(&src))
            .expect("spawn")
            .join()
            .expect("compiler thread crashed");
    }
}

#[test]
fn deep_but_legal_nesting_compiles() {
    // Just under the limit: 190 nested parentheses, 60 nested functions.
    let src = alloc::format!("x = {}1{}", "(".repeat(190), ")".repeat(190));
    super::support::compile_ok(&src);
    let src = alloc::format!(
        "x = {}{}",
        "function() return ".repeat(60),
        "end ".repeat(60)
    );
    super::support::compile_ok(&src);
}
