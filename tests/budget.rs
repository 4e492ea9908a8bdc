//! Execution budgets through the embedding API: the step budget stops every shape of
//! infinite loop with "instruction budget exhausted", a hard stop cannot be swallowed by
//! `pcall`, the memory cap stops allocation bombs, and in every case the state runs
//! another chunk afterwards.

use std::cell::RefCell;
use std::rc::Rc;

const BUDGET: &str = "instruction budget exhausted";

fn lua_with_output() -> (crescent::Lua, Rc<RefCell<Vec<u8>>>) {
    let out = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&out);
    let mut lua = crescent::Lua::new();
    lua.set_output(Box::new(move |b: &[u8]| {
        sink.borrow_mut().extend_from_slice(b)
    }));
    (lua, out)
}

fn text(out: &Rc<RefCell<Vec<u8>>>) -> String {
    String::from_utf8_lossy(&out.borrow()).into_owned()
}

/// Runs `src` under a step budget and expects it to be stopped by it; then checks that
/// the state still runs code once the budget is reset.
fn stopped(src: &str, hard: bool) {
    let (mut lua, out) = lua_with_output();
    lua.set_budget_hard(hard);
    lua.set_step_budget(Some(200_000));
    let e = lua.exec(src.as_bytes(), "=loop").expect_err(src);
    assert_eq!(e.message, BUDGET, "{src}");
    assert!(lua.step_budget_exhausted(), "{src}");
    let used = lua.steps_used();
    assert!((200_000..200_100).contains(&used), "{src}: {used}");
    lua.set_step_budget(Some(200_000));
    lua.exec(
        b"local s = 0 for i = 1, 100 do s = s + i end print(s)",
        "=after",
    )
    .expect("the state is usable after the budget is reset");
    assert_eq!(text(&out), "5050\n", "{src}");
}

#[test]
fn while_true() {
    stopped("while true do end", false);
}

#[test]
fn inside_a_metamethod_inside_a_suspended_and_resumed_coroutine() {
    // Metamethods run as VM frames (a coroutine may yield inside one): the budget stops
    // a loop there like anywhere else; a hard stop passes the `pcall`s inside and
    // outside the metamethod and the coroutine's resume.
    let src = "local t = setmetatable({}, {__index = function(t, k) \
                 coroutine.yield(k) while true do pcall(function() end) end end}) \
               local co = coroutine.create(function() return pcall(function() return t.x end) end) \
               coroutine.resume(co) print(coroutine.resume(co))";
    stopped(src, true);
}

#[test]
fn numeric_for() {
    stopped("local n = 0 for i = 1, math.huge do n = n + 1 end", false);
}

#[test]
fn repeat_until_false() {
    stopped("local x = 0 repeat x = x + 1 until false", false);
}

#[test]
fn generic_for_with_a_never_ending_iterator() {
    stopped(
        "local function it(s, c) return c + 1 end for i in it, nil, 0 do end",
        false,
    );
}

#[test]
fn infinite_tail_recursion() {
    stopped("local function f(n) return f(n + 1) end return f(0)", false);
}

#[test]
fn mutual_tail_recursion_without_loops() {
    stopped(
        "local g local function f() return g() end function g() return f() end f()",
        false,
    );
}

#[test]
fn infinite_loop_inside_pcall_inside_a_loop_soft() {
    // Soft: each pcall catches one "budget exhausted", the budget renews, and the outer
    // loop runs its three rounds to completion.
    let (mut lua, out) = lua_with_output();
    lua.set_step_budget(Some(100_000));
    lua.exec(
        b"for i = 1, 3 do print(pcall(function() while true do end end)) end",
        "=soft",
    )
    .unwrap();
    assert_eq!(text(&out), format!("false\t{BUDGET}\n").repeat(3));
    assert!(lua.step_budget_exhausted());
}

#[test]
fn infinite_loop_inside_pcall_inside_an_infinite_loop_hard() {
    stopped(
        "while true do pcall(function() while true do end end) end",
        true,
    );
    stopped(
        "while true do xpcall(function() while true do end end, debug.traceback) end",
        true,
    );
    // Inside a coroutine, swallowed by the resumer.
    stopped(
        "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
        true,
    );
    // Caught and turned into another error, caught again.
    stopped(
        "while true do pcall(function() local ok = pcall(function() while true do end end) \
         error('again') end) end",
        true,
    );
}

#[test]
fn hard_stop_reaches_the_host_even_when_every_error_is_caught() {
    // A loop that swallows every error forever: without the hard stop this never ends.
    let (mut lua, _out) = lua_with_output();
    lua.set_budget_hard(true);
    lua.set_step_budget(Some(50_000));
    let e = lua
        .exec(
            b"local n = 0 while true do n = n + 1 pcall(error, n) end",
            "=swallow",
        )
        .unwrap_err();
    assert_eq!(e.message, BUDGET);
    // Latched: even trivial code fails until the host resets the budget.
    assert_eq!(
        lua.exec(b"local x = 1", "=next").unwrap_err().message,
        BUDGET
    );
    lua.set_step_budget(None);
    lua.exec(b"y = 42", "=next").unwrap();
    assert_eq!(lua.get_global("y"), crescent::LuaValue::Number(42.0));
}

#[test]
fn budget_in_a_hot_loop_with_the_jit_eager() {
    // The trace JIT does not charge the budget yet: until it does, a compiled trace would
    // run this loop past its budget. With `hotloop=1` the loop is a trace candidate at
    // once; this passes through the interpreter wherever the loop is not compiled (x86).
    let (mut lua, out) = lua_with_output();
    lua.exec(
        b"if jit and jit.opt then jit.opt.start('hotloop=1') end",
        "=jit",
    )
    .unwrap();
    lua.set_budget_hard(true);
    lua.set_step_budget(Some(1_000_000));
    let e = lua
        .exec(b"local s = 0 for i = 1, 1e12 do s = s + i end", "=trace")
        .unwrap_err();
    assert_eq!(e.message, BUDGET);
    let e = lua
        .exec(b"local s = 0 while true do s = s + 1 end", "=trace")
        .unwrap_err();
    assert_eq!(e.message, BUDGET);
    lua.set_step_budget(Some(1_000_000));
    lua.exec(
        b"local s = 0 for i = 1, 1000 do s = s + i end print(s)",
        "=after",
    )
    .unwrap();
    assert_eq!(text(&out), "500500\n");
}

#[test]
fn a_budget_large_enough_lets_the_program_finish() {
    let (mut lua, out) = lua_with_output();
    lua.set_budget_hard(true);
    lua.set_step_budget(Some(10_000_000));
    lua.exec(
        b"local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end \
          local t = {} for i = 1, 1000 do t[i] = i end \
          local s = 0 for _, v in ipairs(t) do s = s + v end print(fib(20), s)",
        "=fits",
    )
    .unwrap();
    assert_eq!(text(&out), "6765\t500500\n");
    assert!(!lua.step_budget_exhausted());
    let used = lua.steps_used();
    // fib(20) alone makes 21891 calls.
    assert!(used > 21_891, "{used}");
    assert_eq!(lua.steps_remaining(), Some(10_000_000 - used));
}

#[test]
fn memory_bomb_is_stopped_and_the_state_survives() {
    let (mut lua, out) = lua_with_output();
    lua.set_memory_limit(Some(8 << 20));
    let e = lua
        .exec(
            b"local t = {} local s = 'x' while true do t[#t + 1] = s .. #t end",
            "=bomb",
        )
        .unwrap_err();
    assert_eq!(e.message, "not enough memory");
    lua.exec(b"collectgarbage() print(#string.rep('ab', 10))", "=after")
        .expect("the state is usable under the same limit");
    assert_eq!(text(&out), "20\n");
}

#[test]
fn hard_memory_stop_cannot_be_swallowed() {
    let (mut lua, out) = lua_with_output();
    lua.set_budget_hard(true);
    lua.set_memory_limit(Some(8 << 20));
    let e = lua
        .exec(
            b"while true do pcall(function() local t = {} while true do t[#t + 1] = {} end end) end",
            "=bomb",
        )
        .unwrap_err();
    assert_eq!(e.message, "not enough memory");
    assert_eq!(
        lua.exec(b"print('no')", "=next").unwrap_err().message,
        "not enough memory"
    );
    lua.set_memory_limit(Some(8 << 20));
    lua.exec(b"print('yes')", "=next").unwrap();
    assert_eq!(text(&out), "yes\n");
}

#[test]
fn soft_memory_error_is_catchable() {
    let (mut lua, out) = lua_with_output();
    lua.set_memory_limit(Some(8 << 20));
    lua.exec(
        b"for i = 1, 3 do print(pcall(function() local t = {} while true do t[#t + 1] = {} end end)) end",
        "=soft",
    )
    .unwrap();
    assert_eq!(text(&out), "false\tnot enough memory\n".repeat(3));
}

/// Pattern matching charges one step per character test, so a pathological match (here
/// quadratic: every start position scans the rest of the subject) is stopped too, hard
/// or soft, in every pattern function.
#[test]
fn pathological_patterns() {
    for f in [
        "local r = s:match('.-b')",
        "local r = s:find('.-b')",
        "local r = s:gsub('.-b', 'x')",
        "local r = s:gsub('.-b', function() end)",
        "for m in s:gmatch('.-b') do end",
    ] {
        let src = format!("local s = string.rep('a', 20000) {f}");
        stopped(&src, false);
        stopped(
            &format!("pcall(function() {src} end) while true do end"),
            true,
        );
    }
    // Under the budget, ordinary matching works and is charged.
    let (mut lua, out) = lua_with_output();
    lua.set_step_budget(Some(1_000_000));
    lua.exec(b"print(('hello world'):gsub('o', '0'))", "=ok")
        .unwrap();
    assert_eq!(text(&out), "hell0 w0rld\t2\n");
    assert!(lua.steps_used() > 11, "{}", lua.steps_used());
}
