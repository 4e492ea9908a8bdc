//! `goto` and labels (LuaJIT's extension): code shapes and error messages, the latter as
//! `luajit` 2.1 words them.

use super::support::{code, compile_err, compile_ok};

#[test]
fn errors_match_luajit() {
    for (src, msg) in [
        ("x = 1\ngoto nope\ny = 2", "t:2: undefined label 'nope'"),
        ("do ::l:: end goto l", "t:1: undefined label 'l'"),
        ("goto l; do ::l:: end", "t:1: undefined label 'l'"),
        (
            "local function f() goto l end ::l::",
            "t:1: undefined label 'l'",
        ),
        (
            "local x = 1 ::l:: local y = 2 ::l::",
            "t:1: duplicate label 'l'",
        ),
        (
            "goto l; local x; ::l:: ; ; ::m:: print(2)",
            "t:1: <goto l> jumps into the scope of local 'x'",
        ),
        (
            "while true do goto l; local x; ::l:: ; end",
            "t:1: <goto l> jumps into the scope of local 'x'",
        ),
        (
            "goto l\nlocal x\n::l::\nprint(x)",
            "t:1: <goto l> jumps into the scope of local 'x'",
        ),
        (
            "repeat local x; goto c; local y; ::c:: until x",
            "t:1: <goto c> jumps into the scope of local 'y'",
        ),
        ("::a:: ::", "t:1: '<name>' expected near '<eof>'"),
        ("::a", "t:1: '::' expected near '<eof>'"),
    ] {
        assert_eq!(compile_err(src.as_bytes(), "=t"), msg, "{}", src);
    }
}

#[test]
fn legal_uses() {
    for src in [
        "::a:: do ::a:: end",
        "do goto l; local x; ::l:: end",
        "do local x; goto l; end ::l:: print(1)",
        "for i = 1, 3 do if i == 2 then goto continue end local y = i ::continue:: end",
        "goto = 3; print(goto); local t = {goto = 1}; print(t.goto)",
        "local goto = 1 goto = goto + 1",
        "do goto a end ::a:: ::b:: goto c ::c::",
    ] {
        compile_ok(src);
    }
}

#[test]
fn forward_goto_is_a_jump_and_backward_goto_a_loop() {
    assert_eq!(
        code("local i = 0 ::top:: i = i + 1 if i < 3 then goto top end"),
        [
            "LOADK 0 -1 ; 0",
            "ADD 0 0 -2 ; - 1",
            "LT 0 0 -3 ; - 3",
            "JMP 1 ; to 6",
            "LOOP 0 -4 ; to 2",
            "RETURN 0 1",
        ]
    );
    // A backward goto leaving locals closes them (a fresh local per iteration).
    assert_eq!(
        code("::top:: local x = 1 f = function() return x end if x then goto top end"),
        [
            "LOADK 0 -1 ; 1",
            "CLOSURE 1 0 ; 0.0",
            "MOVE 0 0",
            "SETGLOBAL 1 -2 ; f",
            "TEST 0 0 0",
            "JMP 2 ; to 9",
            "CLOSE 0",
            "LOOP 0 -8 ; to 1",
            "RETURN 0 1",
        ]
    );
    assert_eq!(
        code("for i = 1, 3 do if i == 2 then goto continue end g(i) ::continue:: end"),
        [
            "LOADK 0 -1 ; 1",
            "LOADK 1 -2 ; 3",
            "LOADK 2 -1 ; 1",
            "FORPREP 0 6 ; to 11",
            "EQ 0 3 -3 ; - 2",
            "JMP 1 ; to 8",
            "JMP 3 ; to 11", // `continue` lands on FORLOOP
            "GETGLOBAL 4 -4 ; g",
            "MOVE 5 3",
            "CALL 4 2 1",
            "FORLOOP 0 -7 ; to 5",
            "RETURN 0 1",
        ]
    );
}

#[test]
fn goto_out_of_a_block_with_captured_locals_closes_them() {
    assert_eq!(
        code("do local x = 1; f = function() return x end; if x then goto done end end ::done::"),
        [
            "LOADK 0 -1 ; 1",
            "CLOSURE 1 0 ; 0.0",
            "MOVE 0 0",
            "SETGLOBAL 1 -2 ; f",
            "TEST 0 0 0",
            "JMP 1 ; to 8",
            "JMP 2 ; to 10", // the goto, to its trampoline
            "CLOSE 0",       // fall-through end of the block
            "JMP 2 ; to 12",
            "CLOSE 0", // trampoline
            "JMP 0 ; to 12",
            "RETURN 0 1",
        ]
    );
}
