//! Front-end tests: lexer and parser corner cases, syntax error messages, compiler output.

extern crate std;

mod codegen;
mod debuginfo;
mod errors;
mod golden;
mod goto;
mod lexer;
mod nesting;
mod random;
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

/// Compiles `$LUA_FILE` and prints the time taken (a developer aid for spotting slow paths).
#[test]
#[ignore]
fn time_compile() {
    let path = std::env::var("LUA_FILE").unwrap_or_default();
    let src = std::fs::read(&path).unwrap_or_default();
    let t = std::time::Instant::now();
    let r = super::compile(&src, "=big");
    std::println!("{} bytes in {:?}: {}", src.len(), t.elapsed(), r.is_ok());
}
