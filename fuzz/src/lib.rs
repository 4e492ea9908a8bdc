//! Shared harness for the fuzz targets: a Lua state with a memory cap and a step budget.
//!
//! Both bounds are the VM's own (issue 9): the step budget counts bytecode steps (loop
//! iterations and calls, so endless loops, endless tail calls and exponential recursion
//! all end), and it is *hard*, so a program that swallows "instruction budget exhausted"
//! with `pcall` is stopped again at its next loop iteration or call. Exhausting either
//! bound is a Lua error, a fine outcome; after it the harness lifts the bounds and checks
//! that the same state still runs a chunk. Work that neither counts steps nor allocates
//! (one huge backtracking pattern) is left to libFuzzer's `-timeout` (scripts/fuzz saves
//! those as `timeout-*` artifacts without stopping).

use crescent::Lua;

/// Steps one run may take.
pub const STEP_BUDGET: u64 = 1_000_000;
/// Bytes of Lua heap one run may use.
pub const MEMORY_CAP: usize = 8 << 20;

/// A state with the standard libraries, output discarded, the memory cap and the hard step
/// budget set.
pub fn bounded_lua() -> Lua {
    let mut lua = Lua::new();
    lua.set_output(Box::new(|_| {}));
    lua.set_memory_limit(Some(MEMORY_CAP));
    lua.set_step_budget(Some(STEP_BUDGET));
    lua.set_budget_hard(true);
    lua
}

/// Lifts the bounds of a state made by [`bounded_lua`] and checks that it still runs a
/// chunk (after whatever error ended the fuzzed one).
pub fn assert_usable(lua: &mut Lua) {
    lua.set_memory_limit(None);
    lua.set_budget_hard(false);
    lua.set_step_budget(None);
    // Only the language itself, no globals: the fuzzed chunk may have replaced any of
    // them (`assert = {}` is a valid program, not a broken state).
    lua.exec(
        b"local t = {} for i = 1, 3 do t[i] = i .. '' end \
          local s = '' for i = 1, #t do s = s .. t[i] end \
          local f = function(a) return a * 2 end \
          if s ~= '123' or f(21) ~= 42 then local fail = nil; fail() end",
        "=after",
    )
    .expect("state unusable after an error");
}

/// Runs `f` on a fresh bounded state, then checks the state is still usable.
pub fn run_bounded<R>(f: impl FnOnce(&mut Lua) -> R) -> R {
    let mut lua = bounded_lua();
    let r = f(&mut lua);
    assert_usable(&mut lua);
    r
}
