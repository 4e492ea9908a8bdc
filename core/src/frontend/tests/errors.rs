//! Syntax error messages, compared with PUC Lua 5.1. The table was produced by running
//! `loadstring(src, chunkname)` under `lua5.1` (Debian's 5.1.5) on each case; long chunk
//! names are then shortened as LuaJIT shortens them (its LUA_IDSIZE is 60, Debian's
//! `lua5.1` uses 80).

use super::support::compile_err;

/// (source, chunk name, message of lua5.1; "<compiled>" if it compiles).
const CASES: &[(&str, &str, &str)] = &[
    ("x = = 1", "x = = 1", "[string \"x = = 1\"]:1: unexpected symbol near '='"),
    ("x = 1 y", "=t", "t:1: '=' expected near '<eof>'"),
    ("local t = {}\nt.x = 1\nlocal y y y = 2", "@t.lua", "t.lua:3: '=' expected near 'y'"),
    ("x = ", "=t", "t:1: unexpected symbol near '<eof>'"),
    ("x = \"abc", "=t", "t:1: unfinished string near '<eof>'"),
    ("x = \"abc\ndef\"", "=t", "t:1: unfinished string near '\"abc'"),
    ("x = [==[ abc", "=t", "t:1: unfinished long string near '<eof>'"),
    ("--[==[ abc", "=t", "t:1: unfinished long comment near '<eof>'"),
    ("x = [=  abc", "=t", "t:1: invalid long string delimiter near '[='"),
    ("x = \x01", "=t", "t:1: unexpected symbol near 'char(1)'"),
    ("x = 3..2", "=t", "t:1: malformed number near '3..2'"),
    ("x = 1e", "=t", "t:1: malformed number near '1e'"),
    ("x = 0x", "=t", "t:1: malformed number near '0x'"),
    ("x = 12abc", "=t", "t:1: malformed number near '12abc'"),
    ("x = '\\300'", "=t", "t:1: escape sequence too large near '''"),
    ("x = '\\256x'", "=t", "t:1: escape sequence too large near '''"),
    ("f(\n)", "=t", "<compiled>"),
    ("f\n(g)()", "=t", "t:2: ambiguous syntax (function call x new statement) near '('"),
    ("if x then", "=t", "t:1: 'end' expected near '<eof>'"),
    ("if x then\nfoo()\n", "=t", "t:3: 'end' expected (to close 'if' at line 1) near '<eof>'"),
    ("while x do\nfoo()\n", "=t", "t:3: 'end' expected (to close 'while' at line 1) near '<eof>'"),
    ("for i = 1 do end", "=t", "t:1: ',' expected near 'do'"),
    ("for i do end", "=t", "t:1: '=' or 'in' expected near 'do'"),
    ("for 1 do end", "=t", "t:1: '<name>' expected near '1'"),
    ("function f(a, 1) end", "=t", "t:1: <name> or '...' expected near '1'"),
    ("function f(a,\n...,\nb) end", "=t", "t:2: ')' expected near ','"),
    ("local function end", "=t", "t:1: '<name>' expected near 'end'"),
    ("return return", "=t", "t:1: unexpected symbol near 'return'"),
    ("break", "=t", "t:1: no loop to break near '<eof>'"),
    ("do break end", "=t", "t:1: no loop to break near 'end'"),
    ("x = ...\nfunction f() return ... end", "=t", "t:2: cannot use '...' outside a vararg function near '...'"),
    ("f() = 1", "=t", "t:1: unexpected symbol near '='"),
    ("x.y:z = 1", "=t", "t:1: function arguments expected near '='"),
    ("(x) = 1", "=t", "t:1: syntax error near '='"),
    ("x, f() = 1, 2", "=t", "t:1: syntax error near '='"),
    ("local x <const> = 1", "=t", "t:1: unexpected symbol near '<'"),
    // LuaJIT's `goto` (lua5.1: "'=' expected near 'l'").
    ("goto l", "=t", "t:1: undefined label 'l'"),
    ("x = {1, 2", "=t", "t:1: '}' expected near '<eof>'"),
    ("x = {1, 2\n\n", "=t", "t:3: '}' expected (to close '{' at line 1) near '<eof>'"),
    ("x = (1", "=t", "t:1: ')' expected near '<eof>'"),
    ("x = (1\n+ 2", "=t", "t:2: ')' expected (to close '(' at line 1) near '<eof>'"),
    ("repeat x = 1", "=t", "t:1: 'until' expected near '<eof>'"),
    ("repeat\nx = 1\nuntil", "=t", "t:3: unexpected symbol near '<eof>'"),
    ("x = function() end end", "=t", "t:1: '<eof>' expected near 'end'"),
    ("a.b:c.d()", "=t", "t:1: function arguments expected near '.'"),
    ("a:b", "=t", "t:1: function arguments expected near '<eof>'"),
    ("a:b.c()", "=t", "t:1: function arguments expected near '.'"),
    ("x = #", "=t", "t:1: unexpected symbol near '<eof>'"),
    ("x = 1 + ", "=t", "t:1: unexpected symbol near '<eof>'"),
    ("x = a.1", "=t", "t:1: unexpected symbol near '.1'"),
    ("x = a[1", "=t", "t:1: ']' expected near '<eof>'"),
    ("x = not", "=t", "t:1: unexpected symbol near '<eof>'"),
    ("local", "=t", "t:1: '<name>' expected near '<eof>'"),
    ("local 1", "=t", "t:1: '<name>' expected near '1'"),
    ("x = }", "=t", "t:1: unexpected symbol near '}'"),
    ("x = 'a' 'b'", "=t", "t:1: unexpected symbol near ''b''"),
    ("x = [[a]] y", "=t", "t:1: '=' expected near '<eof>'"),
    ("x = 'a\\tb' y", "=t", "t:1: '=' expected near '<eof>'"),
    ("x = 1.5 y", "=t", "t:1: '=' expected near '<eof>'"),
    ("x = 0x10 y", "=t", "t:1: '=' expected near '<eof>'"),
    ("x = a b", "=t", "t:1: '=' expected near '<eof>'"),
    ("x = ~ 1", "=t", "t:1: unexpected symbol near '~'"),
    ("x = 1 ~ 2", "=t", "t:1: unexpected symbol near '~'"),
    ("x = @", "=t", "t:1: unexpected symbol near '@'"),
    ("x = $y", "=t", "t:1: unexpected symbol near '$'"),
    ("x = 1 // 2", "=t", "t:1: unexpected symbol near '/'"),
    ("x = 1 & 2", "=t", "t:1: unexpected symbol near '&'"),
    ("x = 'abc", "a very long chunk name that is source text itself, longer than forty chars", "[string \"a very long chunk name that is source text it...\"]:1: unfinished string near '<eof>'"),
    ("x = = 2", "line one\nline two", "[string \"line one...\"]:1: unexpected symbol near '='"),
    ("x = = 2", "@d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/file.lua", "...d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/file.lua:1: unexpected symbol near '='"),
    ("x = = 2", "=nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn:1: unexpected symbol near '='"),
    ("\n\n\nx = = 2", "=t", "t:4: unexpected symbol near '='"),
    ("x = 1\x0d\ny = = 2", "=t", "t:2: unexpected symbol near '='"),
    ("x = 1\n\x0dy = = 2", "=t", "t:2: unexpected symbol near '='"),
    ("x = 1\x0d\x0dy = = 2", "=t", "t:3: unexpected symbol near '='"),
    ("x = 1\n\ny = = 2", "=t", "t:3: unexpected symbol near '='"),
    ("x = [[\na\x0d\nb\n\x0d]] y = = 2", "=t", "t:4: unexpected symbol near '='"),
    ("x = 'a\\\nb' = 2", "=t", "t:2: unexpected symbol near '='"),
    ("for k, v in pairs(t) print(k) end", "=t", "t:1: 'do' expected near 'print'"),
    ("for k, 1 in t do end", "=t", "t:1: '<name>' expected near '1'"),
    ("if x then else elseif y then end", "=t", "t:1: 'end' expected near 'elseif'"),
    ("function a.b:c:d() end", "=t", "t:1: '(' expected near ':'"),
    ("function () end", "=t", "t:1: '<name>' expected near '('"),
    ("local function a.b() end", "=t", "t:1: '(' expected near '.'"),
    ("return 1,", "=t", "t:1: unexpected symbol near '<eof>'"),
    ("return 1 2", "=t", "t:1: '<eof>' expected near '2'"),
    ("x = {[1] 2}", "=t", "t:1: '=' expected near '2'"),
    ("x = {a = }", "=t", "t:1: unexpected symbol near '}'"),
    ("f{", "=t", "t:1: unexpected symbol near '<eof>'"),
    ("f'", "=t", "t:1: unfinished string near '<eof>'"),
    ("x = y z = 2", "=t", "<compiled>"),
    ("x = '\\", "=t", "t:1: unfinished string near '<eof>'"),
    ("x = \"\\\"", "=t", "t:1: unfinished string near '<eof>'"),
    ("x = 1..2", "=t", "t:1: malformed number near '1..2'"),
    ("x = .5.", "=t", "t:1: malformed number near '.5.'"),
];

#[test]
fn messages_match_lua51() {
    let mut failures = alloc::vec::Vec::new();
    for &(src, chunk, expected) in CASES {
        let got = match crate::frontend::compile(src.as_bytes(), chunk) {
            Ok(_) => alloc::string::String::from("<compiled>"),
            Err(e) => e.message,
        };
        if got != expected {
            failures.push(alloc::format!(
                "{:?}\n   got: {}\n  want: {}",
                src,
                got,
                expected
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn limits() {
    // 201 locals in one function.
    let src = "local a\n".repeat(201);
    assert_eq!(
        compile_err(src.as_bytes(), "=t"),
        "t:202: main function has more than 200 local variables"
    );
    let src = alloc::format!("local x\nfunction f()\n{}end", "local a\n".repeat(201));
    assert_eq!(
        compile_err(src.as_bytes(), "=t"),
        "t:204: function at line 2 has more than 200 local variables"
    );
    // 61 upvalues.
    let mut src = alloc::string::String::new();
    for i in 0..61 {
        src += &alloc::format!("local u{}\n", i);
    }
    src += "function f() return ";
    for i in 0..61 {
        src += &alloc::format!("u{} + ", i);
    }
    src += "0 end";
    assert_eq!(
        compile_err(src.as_bytes(), "=t"),
        "t:62: function at line 62 has more than 60 upvalues"
    );
    // Too many registers.
    let src = alloc::format!("local t = {{{}}}", "f(),".repeat(40)); // fine: flushed every 50
    super::support::compile_ok(&src);
    let src = alloc::format!("f({})", "1,".repeat(300));
    assert_eq!(
        compile_err(src.as_bytes(), "=t"),
        "t:1: function or expression too complex near '1'"
    );
}

#[test]
fn chunk_ids() {
    use crate::frontend::chunkid;
    assert_eq!(chunkid("=stdin"), "stdin");
    assert_eq!(chunkid("@t.lua"), "t.lua");
    assert_eq!(chunkid("x = 1"), "[string \"x = 1\"]");
    assert_eq!(chunkid("x = 1\ny = 2"), "[string \"x = 1...\"]");
    assert_eq!(chunkid("x = 1\ry = 2"), "[string \"x = 1...\"]");
    assert_eq!(chunkid(""), "[string \"\"]");
    let long = "a".repeat(100);
    // LuaJIT's LUA_IDSIZE (60) and cuts.
    assert_eq!(chunkid(&alloc::format!("={}", long)), "a".repeat(59));
    assert_eq!(
        chunkid(&alloc::format!("@{}", long)),
        alloc::format!("...{}", "a".repeat(56))
    );
    assert_eq!(
        chunkid(&long),
        alloc::format!("[string \"{}...\"]", "a".repeat(45))
    );
    assert_eq!(
        chunkid(&"a".repeat(48)),
        alloc::format!("[string \"{}\"]", "a".repeat(48))
    );
    assert_eq!(
        chunkid(&"a".repeat(49)),
        alloc::format!("[string \"{}...\"]", "a".repeat(45))
    );
}
