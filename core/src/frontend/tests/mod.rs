//! Front-end tests: lexer and parser corner cases, syntax error messages, compiler output.

extern crate std;

mod codegen;
mod support;

/// Prints the listing of `$LUA_SRC` (a developer aid: compare with `luac5.1 -l -l`).
#[test]
#[ignore]
fn dump_listing() {
    let src = std::env::var("LUA_SRC").unwrap_or_default();
    match super::compile(src.as_bytes(), "=src") {
        Ok(p) => std::print!("{}", super::listing(&p)),
        Err(e) => std::println!("{}", e.message),
    }
}
