//! Compiler output for small snippets. Expected code was checked against `luac5.1 -l -l`
//! where 5.1 and crescent agree (everything but loops, `-0` and the 5.1 `arg` compat local).

use super::support::code;

fn check(src: &str, expected: &[&str]) {
    let got = code(src);
    assert_eq!(got, expected, "code for {:?}", src);
}

#[test]
fn globals_calls_and_constants() {
    check(
        "print('hi', 1, nil, true)",
        &[
            "GETGLOBAL 0 -1 ; print",
            "LOADK 1 -2 ; \"hi\"",
            "LOADK 2 -3 ; 1",
            "LOADNIL 3 3",
            "LOADBOOL 4 1 0",
            "CALL 0 5 1",
            "RETURN 0 1",
        ],
    );
}

#[test]
fn arithmetic_precedence_and_folding() {
    check(
        "local a, b = 1, 2 local c = a + b * 3",
        &[
            "LOADK 0 -1 ; 1",
            "LOADK 1 -2 ; 2",
            "MUL 2 1 -3 ; - 3",
            "ADD 2 0 2",
            "RETURN 0 1",
        ],
    );
    // 2^3^2 is 2^(3^2) = 512; -2^2 is -(2^2); constant folding as 5.1 does it.
    check(
        "local x, y = 2^3^2, -2^2",
        &["LOADK 0 -1 ; 512", "LOADK 1 -2 ; -4", "RETURN 0 1"],
    );
    // No folding of division or modulo by zero, nor of NaN results.
    check(
        "local x, y, z = 1/0, 1%0, 0/0",
        &[
            "DIV 0 -2 -1 ; 1 0",
            "MOD 1 -2 -1 ; 1 0",
            "DIV 2 -1 -1 ; 0 0",
            "RETURN 0 1",
        ],
    );
    check("local m = 5.5 % -2", &["LOADK 0 -1 ; -0.5", "RETURN 0 1"]);
    check("local z = -0", &["LOADK 0 -1 ; -0", "RETURN 0 1"]);
}

#[test]
fn concat_is_right_associative_and_merged() {
    check(
        "local a, b local s = 'x' .. a .. b",
        &[
            "LOADK 2 -1 ; \"x\"",
            "MOVE 3 0",
            "MOVE 4 1",
            "CONCAT 2 2 4",
            "RETURN 0 1",
        ],
    );
}

#[test]
fn logical_operators_and_comparisons() {
    check(
        "local a, b, c local q = a and b or c",
        &[
            "TEST 0 0 0",
            "JMP 2 ; to 5",
            "TESTSET 3 1 1",
            "JMP 1 ; to 6",
            "MOVE 3 2",
            "RETURN 0 1",
        ],
    );
    check(
        "local a, b local r = not (a == b)",
        &[
            "EQ 0 0 1",
            "JMP 1 ; to 4",
            "LOADBOOL 2 0 1",
            "LOADBOOL 2 1 0",
            "RETURN 0 1",
        ],
    );
    // a > b is compiled as b < a; a >= 1 as 1 <= a.
    check(
        "local a, b if a > b then a = 1 end if a >= 1 then b = 1 end",
        &[
            "LT 0 1 0",
            "JMP 1 ; to 4",
            "LOADK 0 -1 ; 1",
            "LE 0 -1 0 ; 1 -",
            "JMP 1 ; to 7",
            "LOADK 1 -1 ; 1",
            "RETURN 0 1",
        ],
    );
}

#[test]
fn tables_and_setlist() {
    check(
        "local t = {1, 2, x = 3, [4] = 5}",
        &[
            "NEWTABLE 0 2 2",
            "LOADK 1 -1 ; 1",
            "LOADK 2 -2 ; 2",
            "SETTABLE 0 -3 -4 ; \"x\" 3",
            "SETTABLE 0 -5 -6 ; 4 5",
            "SETLIST 0 2 1 ; 1",
            "RETURN 0 1",
        ],
    );
    // An open call or ... as the last item passes all its values.
    check(
        "local t = {f()}",
        &[
            "NEWTABLE 0 0 0",
            "GETGLOBAL 1 -1 ; f",
            "CALL 1 1 0",
            "SETLIST 0 0 1 ; 1",
            "RETURN 0 1",
        ],
    );
    // 60 items: one SETLIST per 50.
    let src = alloc::format!("local t = {{{}}}", "1,".repeat(60));
    let c = code(&src);
    let setlists: alloc::vec::Vec<&alloc::string::String> =
        c.iter().filter(|l| l.starts_with("SETLIST")).collect();
    assert_eq!(setlists, ["SETLIST 0 50 1 ; 1", "SETLIST 0 10 2 ; 2"]);
    assert_eq!(c[0], "NEWTABLE 0 31 0"); // int2fb(60) = 0b11_111: (8 + 7) * 2^2 = 60
}

#[test]
fn multiple_assignment_order_and_conflicts() {
    check(
        "local a, b = 1, 2 a, b = b, a",
        &[
            "LOADK 0 -1 ; 1",
            "LOADK 1 -2 ; 2",
            "MOVE 2 1",
            "MOVE 1 0",
            "MOVE 0 2",
            "RETURN 0 1",
        ],
    );
    // `i` is assigned after `t[i]` was evaluated: the key uses a saved copy (MOVE 2 1).
    check(
        "local t, i t[i], i = 1, 2",
        &[
            "MOVE 2 1",
            "LOADK 3 -1 ; 1",
            "LOADK 1 -2 ; 2",
            "SETTABLE 0 2 3",
            "RETURN 0 1",
        ],
    );
}

#[test]
fn setlist_beyond_maxarg_c() {
    // 25600 items: the 512th batch does not fit C, so C = 0 and the count follows raw.
    let src = alloc::format!("local t = {{{}}}", "1,".repeat(25600));
    let p = super::support::compile_ok(&src);
    let n = p.code.len();
    let last = p.code[n - 3];
    assert_eq!(
        (last.op(), last.a(), last.b(), last.c()),
        (crate::bytecode::Op::SETLIST, 0, 50, 0)
    );
    assert_eq!(p.code[n - 2].0, 512);
    let c = code(&src);
    assert_eq!(c[c.len() - 2], "SETLIST 0 50 0 ; 512");
    assert_eq!(
        c.iter()
            .filter(|l| l.starts_with("SETLIST"))
            .nth(510)
            .unwrap(),
        "SETLIST 0 50 511 ; 511"
    );
}

#[test]
fn many_constants() {
    // Past 256 constants, RK operands cannot name them: they are loaded into registers,
    // and LOADK's Bx still can (the listing shows the right one).
    let src: alloc::string::String = (1..=300)
        .map(|i| alloc::format!("x.f{} = {}.5\n", i, i))
        .collect();
    let p = super::support::compile_ok(&src);
    let c = code(&src);
    // Constants: x = 0, then "fI" = 2I - 1 and I.5 = 2I; "f128" is 255, the last RK-able.
    let i = c
        .iter()
        .position(|l| l == "SETTABLE 0 -256 1 ; \"f128\" -")
        .expect("f128 by RK");
    assert_eq!(c[i - 1], "LOADK 1 -257 ; 128.5");
    assert!(c.contains(&alloc::string::String::from("LOADK 1 -258 ; \"f129\"")));
    assert!(p.consts.len() > 256);
}
