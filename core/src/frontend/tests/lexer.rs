//! Lexer corner cases: numerals, escapes, long brackets, comments, line counting.

use alloc::vec::Vec;

use crate::frontend::lexer::{Delim, Lexer, Token};

/// All tokens of `src` with the line each ends on.
fn lex(src: &[u8]) -> Vec<(Token, u32)> {
    let mut l = Lexer::new(src);
    let mut out = Vec::new();
    loop {
        if let Err(e) = l.next() {
            panic!(
                "lex error {:?} in {:?}",
                e,
                alloc::string::String::from_utf8_lossy(src)
            );
        }
        if l.token == Token::Eos {
            return out;
        }
        out.push((l.token.clone(), l.line));
    }
}

fn num(src: &str) -> f64 {
    match lex(src.as_bytes()).as_slice() {
        [(Token::Number(n, ..), _)] => *n,
        other => panic!("{:?} lexed as {:?}", src, other),
    }
}

fn string(src: &[u8]) -> Vec<u8> {
    match lex(src).as_slice() {
        [(Token::Str(s, _), _)] => s.clone(),
        other => panic!("{:?} lexed as {:?}", src, other),
    }
}

#[test]
fn numerals() {
    assert_eq!(num("0"), 0.0);
    assert_eq!(num("3"), 3.0);
    assert_eq!(num("3.25"), 3.25);
    assert_eq!(num("3."), 3.0);
    assert_eq!(num(".5"), 0.5);
    assert_eq!(num("1e3"), 1000.0);
    assert_eq!(num("1E+3"), 1000.0);
    assert_eq!(num("2.5e-1"), 0.25);
    assert_eq!(num("1e999"), f64::INFINITY);
    assert_eq!(num("0.1"), 0.1);
    assert_eq!(num("0x10"), 16.0);
    assert_eq!(num("0XfF"), 255.0);
    assert_eq!(num("0x1p4"), 16.0);
    assert_eq!(num("0x1P-1"), 0.5);
    assert_eq!(num("0xA.8"), 10.5);
    assert_eq!(num("0x1.8p1"), 3.0);
    assert_eq!(num("0xffffffffffffffffff"), 4722366482869645213696.0);
    // `-` is an operator, not part of a numeral, except right after an exponent marker.
    let toks: Vec<Token> = lex(b"3-2 0xe-1 1e-1").into_iter().map(|t| t.0).collect();
    assert_eq!(
        toks,
        [
            Token::Number(3.0, 0, 1),
            Token::Char(b'-'),
            Token::Number(2.0, 2, 3),
            Token::Number(14.0, 4, 7),
            Token::Char(b'-'),
            Token::Number(1.0, 8, 9),
            Token::Number(0.1, 10, 14),
        ]
    );
}

#[test]
fn malformed_numerals() {
    for (src, near) in [
        ("1e", "1e"),
        ("1e+", "1e+"),
        ("3..2", "3..2"),
        ("1.2.3", "1.2.3"),
        ("12abc", "12abc"),
        ("0x", "0x"),
        ("0xg", "0xg"),
        ("0x1p", "0x1p"),
        ("1_000", "1_000"),
    ] {
        let msg = super::support::compile_err(alloc::format!("x = {}", src).as_bytes(), "=t");
        assert_eq!(msg, alloc::format!("t:1: malformed number near '{}'", near));
    }
}

#[test]
fn short_string_escapes() {
    assert_eq!(
        string(br#""a\a\b\f\n\r\t\v\\\"\'z""#),
        b"a\x07\x08\x0c\n\r\t\x0b\\\"'z"
    );
    assert_eq!(string(br#"'\65\066\0677\0'"#), b"AB\x437\0");
    assert_eq!(string(br#"'\255'"#), [255u8]);
    // 5.1 keeps unknown escapes as the escaped character.
    assert_eq!(string(br#"'\q\?'"#), b"q?");
    // A backslash-newline is a newline, whatever the line ending.
    assert_eq!(string(b"'a\\\nb\\\r\nc\\\rd'"), b"a\nb\nc\nd");
    // LuaJIT's extensions.
    assert_eq!(string(br#""\x41\x7a""#), b"Az");
    assert_eq!(string(b"\"a\\z  \n\t  b\""), b"ab");
    assert_eq!(
        string(br#""\u{48}\u{e9}\u{20AC}\u{10FFFF}""#),
        "H\u{e9}\u{20ac}\u{10ffff}".as_bytes()
    );
    // Bytes are kept as they are.
    assert_eq!(string(b"'\xff\x00'"), [0xff, 0]);
}

#[test]
fn bad_escapes() {
    for (src, msg) in [
        (
            r#"x = "\256""#,
            r#"t:1: escape sequence too large near '"'"#,
        ),
        (
            r#"x = "ab\999""#,
            r#"t:1: escape sequence too large near '"ab'"#,
        ),
        (r#"x = "\xg0""#, r#"t:1: invalid escape sequence near '"'"#),
        (
            r#"x = "\u{110000}""#,
            r#"t:1: invalid escape sequence near '"'"#,
        ),
        (
            r#"x = "\u{d800}""#,
            r#"t:1: invalid escape sequence near '"'"#,
        ),
        (r#"x = "\u48""#, r#"t:1: invalid escape sequence near '"'"#),
    ] {
        assert_eq!(
            super::support::compile_err(src.as_bytes(), "=t"),
            msg,
            "{}",
            src
        );
    }
}

#[test]
fn long_strings() {
    assert_eq!(string(b"[[abc]]"), b"abc");
    assert_eq!(string(b"[[\nabc]]"), b"abc"); // first newline skipped
    assert_eq!(string(b"[[\r\nabc]]"), b"abc");
    assert_eq!(string(b"[==[a]]b]=]c]==]"), b"a]]b]=]c");
    assert_eq!(string(b"[[a\r\nb\n\rc\rd]]"), b"a\nb\nc\nd");
    assert_eq!(string(b"[[a [[b]] "), b"a [[b"); // nesting is not special (as LuaJIT)
    assert_eq!(string(b"[=[]]]=]"), b"]]");
    assert_eq!(string(b"[[\\n]]"), b"\\n");
    match lex(b"[==[x]==]").as_slice() {
        [(Token::Str(_, Delim::Long(2)), 1)] => {}
        other => panic!("{:?}", other),
    }
}

#[test]
fn comments_and_lines() {
    let toks = lex(b"a -- comment\nb --[[ long\ncomment ]] c --[==[\n\n]==] d\r\ne\n\rf\r\rg --[ not long\nh --");
    let lines: Vec<(Vec<u8>, u32)> = toks
        .into_iter()
        .map(|(t, l)| match t {
            Token::Name(n) => (n, l),
            other => panic!("{:?}", other),
        })
        .collect();
    let expected: Vec<(Vec<u8>, u32)> = [
        ("a", 1),
        ("b", 2),
        ("c", 3),
        ("d", 5),
        ("e", 6),
        ("f", 7),
        ("g", 9),
        ("h", 10),
    ]
    .iter()
    .map(|(n, l)| (n.as_bytes().to_vec(), *l))
    .collect();
    assert_eq!(lines, expected);
}

#[test]
fn operators_and_names() {
    let toks: Vec<Token> = lex(b"a.b:c ... .. == ~= <= >= < > = ~ # % ^ ; _x1 and\x80\xff")
        .into_iter()
        .map(|t| t.0)
        .collect();
    assert_eq!(
        toks,
        [
            Token::Name(b"a".to_vec()),
            Token::Char(b'.'),
            Token::Name(b"b".to_vec()),
            Token::Char(b':'),
            Token::Name(b"c".to_vec()),
            Token::Dots,
            Token::Concat,
            Token::Eq,
            Token::Ne,
            Token::Le,
            Token::Ge,
            Token::Char(b'<'),
            Token::Char(b'>'),
            Token::Char(b'='),
            Token::Char(b'~'),
            Token::Char(b'#'),
            Token::Char(b'%'),
            Token::Char(b'^'),
            Token::Char(b';'),
            Token::Name(b"_x1".to_vec()),
            // Bytes >= 0x80 are identifier characters, as in LuaJIT.
            Token::Name(b"and\x80\xff".to_vec()),
        ]
    );
}

#[test]
fn utf8_identifiers_compile() {
    let p = super::support::compile_ok("local caf\u{e9} = 1 return caf\u{e9}");
    assert_eq!(p.locvars[0].name, "caf\u{e9}".as_bytes());
}

#[test]
fn bom_and_shebang_are_skipped() {
    let p = super::support::compile_ok("#!/usr/bin/env lua\nreturn 1");
    assert_eq!(p.lines[0], 2);
    super::support::compile_ok("\u{feff}return 1");
    super::support::compile_ok("\u{feff}#!x\nreturn 1");
    super::support::compile_ok("#");
    // Only at the very start (as LuaJIT).
    assert_eq!(
        super::support::compile_err(b" #x\nreturn 1", "=t"),
        "t:1: unexpected symbol near '#'"
    );
    assert_eq!(
        super::support::compile_err(b"#x\nreturn = 1", "=t"),
        "t:2: unexpected symbol near '='"
    );
}
