//! Lua scripts embedded in the image (`host-bare/lua/*.lua`, by `include_str!`), run through
//! the core VM with `print` going to the UART.
//!
//! INTEGRATION POINT: `run_script` is where the firmware meets `crescent_core::vm`. Until the
//! core exposes its VM, it reports that Lua is unavailable (and the default command runs only
//! the self-test).

use alloc::format;
use alloc::string::String;

/// The embedded scripts, by name.
pub const SCRIPTS: &[(&str, &str)] = &[
    ("demo", include_str!("../lua/demo.lua")),
    ("error", include_str!("../lua/error.lua")),
];

/// Whether this build can run Lua.
const VM_AVAILABLE: bool = false;

/// Runs every script except `error` (the one that fails on purpose).
pub fn run_default() -> Result<(), String> {
    if !VM_AVAILABLE {
        crate::println!("lua: skipped, the core VM is not integrated yet (host-bare/src/lua.rs)");
        return Ok(());
    }
    SCRIPTS
        .iter()
        .filter(|(name, _)| *name != "error")
        .try_for_each(|(name, _)| run_named(name))
}

/// Runs the embedded script `name`.
pub fn run_named(name: &str) -> Result<(), String> {
    let (_, source) = SCRIPTS
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| format!("no embedded Lua script '{name}'"))?;
    run_script(name, source)
}

/// Runs the host file `path`, read through semihosting.
pub fn run_file(path: &str) -> Result<(), String> {
    let source = crate::semihosting::read_file(path)?;
    let source = core::str::from_utf8(&source).map_err(|_| format!("{path}: not UTF-8"))?;
    run_script(path, source)
}

fn run_script(name: &str, source: &str) -> Result<(), String> {
    let _ = source;
    Err(format!(
        "lua: cannot run '{name}': the core VM is not integrated yet (host-bare/src/lua.rs)"
    ))
}
