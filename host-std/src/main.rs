//! `crescent`: run Lua 5.1 programs from the command line, as `luajit` does.

fn main() {
    std::process::exit(crescent_host_std::cli::main());
}
