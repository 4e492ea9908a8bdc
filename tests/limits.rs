//! Resource limits through the embedding API: a memory limit turns unbounded allocation into
//! a catchable "not enough memory", and runaway recursion into "stack overflow", with the
//! state usable afterwards.

use std::cell::RefCell;
use std::rc::Rc;

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

#[test]
fn unbounded_allocation_under_a_limit_is_catchable() {
    let (mut lua, out) = lua_with_output();
    lua.set_memory_limit(Some(32 << 20));
    let script = br#"
        local ok, err = pcall(function()
          local t = {}
          local i = 0
          while true do i = i + 1; t[i] = {i, i + 1, i + 2} end
        end)
        print(ok, err)
        -- the state carries on: the garbage is collectable and new work succeeds
        collectgarbage()
        local s = 0
        for i = 1, 1000 do s = s + #tostring(i) end
        print("after", s)
    "#;
    lua.exec(script, "=limits")
        .expect("the script itself succeeds");
    assert_eq!(text(&out), "false\tnot enough memory\nafter\t2893\n");
}

#[test]
fn unbounded_string_growth_under_a_limit_is_catchable() {
    let (mut lua, out) = lua_with_output();
    lua.set_memory_limit(Some(16 << 20));
    let script = br#"
        local ok, err = pcall(function()
          local s = "x"
          while true do s = s .. s end
        end)
        print(ok, err)
        local y = "y" .. "y"
        print(y .. y)
    "#;
    lua.exec(script, "=strings")
        .expect("the script itself succeeds");
    assert_eq!(text(&out), "false\tnot enough memory\nyyyy\n");
}

#[test]
fn an_uncaught_memory_error_reaches_the_host_and_the_state_survives() {
    let (mut lua, out) = lua_with_output();
    lua.set_memory_limit(Some(16 << 20));
    let err = lua
        .exec(b"local t = {} for i = 1, 1e9 do t[i] = {} end", "=uncaught")
        .expect_err("the limit is hit");
    assert!(err.message.contains("not enough memory"), "{}", err.message);
    lua.set_memory_limit(None);
    lua.exec(b"print('still here')", "=again")
        .expect("the state is usable");
    assert_eq!(text(&out), "still here\n");
}

#[test]
fn runaway_recursion_is_a_lua_error_not_a_crash() {
    let (mut lua, out) = lua_with_output();
    let script = br#"
        local function f(n) return 1 + f(n + 1) end
        local ok, err = pcall(f, 1)
        print(ok, err)
    "#;
    lua.exec(script, "=recursion")
        .expect("the script itself succeeds");
    assert_eq!(text(&out), "false\trecursion:2: stack overflow\n");
}
