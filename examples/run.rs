//! Runs a Lua file through the embedding API: `cargo run --release --example run -- file.lua [args]`.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().expect("usage: run FILE.lua [ARGS]").clone();
    let src = std::fs::read(&path).expect("cannot read file");
    let mut lua = crescent::Lua::new();
    let mut prelude = format!("arg = {{ [0] = {:?} }}\n", path);
    for (i, a) in args.iter().enumerate().skip(1) {
        prelude.push_str(&format!("arg[{i}] = {a:?}\n"));
    }
    lua.exec(prelude.as_bytes(), "=prelude").expect("prelude");
    if let Err(e) = lua.exec(&src, &format!("@{path}")) {
        eprintln!("run: {}\n{}", e.message, e.traceback);
        std::process::exit(1);
    }
}
