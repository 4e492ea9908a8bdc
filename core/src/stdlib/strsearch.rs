//! `string.find`, `string.match`, `string.gmatch` and `string.gsub` over byte slices.
//!
//! These drive the [`Matcher`] exactly as LuaJIT 2.1's `lib_string.c` drives its
//! matcher, so start positions, anchors, empty matches and counts agree:
//! - `find`/`match` take `init` (1-based, negative counts from the end, clamped to
//!   `[1, len + 1]`); a leading `^` anchors the search to `init`.
//! - `find` searches for the pattern as a plain string when asked to, or when it holds
//!   none of `^$*+?.([%-` (then `)` or `]` are literals, as in Lua).
//! - `gmatch` has no anchor: a leading `^` is a literal character, as in 5.1 and LuaJIT.
//!   After an empty match it moves one byte on, so it always terminates.
//! - `gsub` honours `^` (at most one substitution, at the start) and a maximum count;
//!   after an empty match it copies one byte and moves on.
//!
//! Calling Lua (function or table replacements) is the VM's business: `gsub` is generic
//! over a [`Replacer`], which receives each match and appends its replacement. The
//! string-replacement case ([`StrReplacer`]: `%0`-`%9`, `%%`) is implemented here.

use alloc::vec::Vec;

use super::error::LibError;
use super::pattern::{has_specials, Capture, Captures, Matcher, PatternError};

/// The work a pattern function may do (single-character tests), and what it did: the
/// string library fills `budget` from the VM's step budget and charges `used` back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work {
    /// Tests allowed (`None`: unbounded).
    pub budget: Option<u64>,
    /// Tests done (counted only under a budget).
    pub used: u64,
}

impl Work {
    /// No bound.
    pub const UNBOUNDED: Work = Work {
        budget: None,
        used: 0,
    };

    fn matcher<'a>(&self, s: &'a [u8], pat: &'a [u8]) -> Matcher<'a> {
        let mut m = Matcher::new(s, pat);
        m.set_budget(self.budget);
        m
    }

    fn account(&mut self, m: &Matcher<'_>) {
        self.used += m.steps_used();
    }
}

/// Where `find`/`match` start, as a 0-based offset: `init` is 1-based, negative counts
/// from the end, and the result is clamped to `[0, len]` (LuaJIT's `str_find_aux`).
pub fn start_offset(len: usize, init: i32) -> usize {
    let len_i = i64::try_from(len).unwrap_or(i64::MAX);
    let start = if init < 0 {
        i64::from(init) + len_i
    } else {
        i64::from(init) - 1
    };
    start.clamp(0, len_i) as usize
}

/// Index of the first occurrence of `needle` in `hay` (`lj_str_find`).
pub fn find_plain(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    if needle.len() > hay.len() {
        return None;
    }
    let first = needle[0];
    let last_start = hay.len() - needle.len();
    let mut i = 0;
    while i <= last_start {
        match hay[i..=last_start].iter().position(|&c| c == first) {
            None => return None,
            Some(k) => {
                i += k;
                if hay[i..i + needle.len()] == *needle {
                    return Some(i);
                }
                i += 1;
            }
        }
    }
    None
}

/// A successful `find`: 1-based inclusive start and end, plus the pattern's captures
/// (none for a plain search or a pattern without captures).
#[derive(Debug, Clone, Copy)]
pub struct Found {
    /// 1-based start position.
    pub start: usize,
    /// 1-based end position (inclusive; `start - 1` for an empty match).
    pub end: usize,
    /// The captures (`find` returns them after the two positions).
    pub captures: Captures,
}

/// Run the matcher from `st` onwards; the match's start and end offsets.
fn search(
    m: &mut Matcher<'_>,
    pat: &[u8],
    st: usize,
) -> Result<Option<(usize, usize)>, PatternError> {
    let anchor = pat.first() == Some(&b'^');
    let p0 = usize::from(anchor);
    let mut s = st;
    loop {
        if let Some(e) = m.attempt(s, p0)? {
            return Ok(Some((s, e)));
        }
        s += 1;
        if anchor || s > m.subject().len() {
            return Ok(None);
        }
    }
}

/// `string.find(s, pat, init, plain)`.
pub fn find(
    s: &[u8],
    pat: &[u8],
    init: i32,
    plain: bool,
    work: &mut Work,
) -> Result<Option<Found>, PatternError> {
    let st = start_offset(s.len(), init);
    if plain || !has_specials(pat) {
        return Ok(find_plain(&s[st..], pat).map(|i| Found {
            start: st + i + 1,
            end: st + i + pat.len(),
            captures: Captures::empty(),
        }));
    }
    let mut m = work.matcher(s, pat);
    let r = search(&mut m, pat, st);
    work.account(&m);
    match r? {
        Some((b, e)) => Ok(Some(Found {
            start: b + 1,
            end: e,
            captures: m.captures(None)?,
        })),
        None => Ok(None),
    }
}

/// `string.match(s, pat, init)`: the captures (the whole match if the pattern has none).
pub fn str_match(
    s: &[u8],
    pat: &[u8],
    init: i32,
    work: &mut Work,
) -> Result<Option<Captures>, PatternError> {
    let st = start_offset(s.len(), init);
    let mut m = work.matcher(s, pat);
    let r = search(&mut m, pat, st);
    work.account(&m);
    match r? {
        Some((b, e)) => Ok(Some(m.captures(Some((b, e)))?)),
        None => Ok(None),
    }
}

/// One step of a `string.gmatch` iterator whose state is `pos` (0-based offset where
/// the next search starts; 0 initially). Returns the next match's captures, or `None`
/// when the subject is exhausted (and stays exhausted).
pub fn gmatch_next(
    s: &[u8],
    pat: &[u8],
    pos: &mut usize,
    work: &mut Work,
) -> Result<Option<Captures>, PatternError> {
    let mut m = work.matcher(s, pat);
    let r = gmatch_search(&mut m, pos);
    work.account(&m);
    r
}

fn gmatch_search(m: &mut Matcher<'_>, pos: &mut usize) -> Result<Option<Captures>, PatternError> {
    let len = m.subject().len();
    let mut src = *pos;
    while src <= len {
        if let Some(e) = m.attempt(src, 0)? {
            // Ensure progress after an empty match.
            *pos = if e == src { e + 1 } else { e };
            return Ok(Some(m.captures(Some((src, e)))?));
        }
        src += 1;
    }
    *pos = len + 1;
    Ok(None)
}

/// How `gsub` turns one match into its replacement.
pub trait Replacer {
    /// The error type; library errors (bad captures, bad values) convert into it.
    type Error: From<LibError>;

    /// Append the replacement of the match `m.subject()[start..end]` to `out`.
    /// `m` gives the captures ([`Matcher::captures`], [`Matcher::capture`]).
    fn replace(
        &mut self,
        m: &Matcher<'_>,
        start: usize,
        end: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), Self::Error>;
}

/// Append the decimal representation of a position capture.
pub fn push_position(out: &mut Vec<u8>, pos: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = pos;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// The error for a function or table replacement that returned something other than
/// a string, a number, `nil` or `false`; `type_name` as `type()` names it.
pub fn invalid_replacement(type_name: &str) -> LibError {
    LibError::runtime_owned(alloc::format!("invalid replacement value (a {type_name})"))
}

/// A string replacement (`add_s`): `%0` is the whole match, `%1`-`%9` captures, `%`
/// followed by any other byte is that byte. A `%` ending the replacement inserts a NUL
/// byte, as LuaJIT does (it reads the C string's terminator).
pub struct StrReplacer<'r>(pub &'r [u8]);

impl Replacer for StrReplacer<'_> {
    type Error = LibError;

    fn replace(
        &mut self,
        m: &Matcher<'_>,
        start: usize,
        end: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), LibError> {
        let news = self.0;
        let mut i = 0;
        while i < news.len() {
            let c = news[i];
            i += 1;
            if c != b'%' {
                out.push(c);
                continue;
            }
            let d = news.get(i).copied().unwrap_or(0);
            i += 1;
            if !d.is_ascii_digit() {
                out.push(d);
            } else if d == b'0' {
                out.extend_from_slice(&m.subject()[start..end]);
            } else {
                match m.capture(usize::from(d - b'1'), start, end)? {
                    Capture::Str { start, end } => out.extend_from_slice(&m.subject()[start..end]),
                    Capture::Pos(p) => push_position(out, p),
                }
            }
        }
        Ok(())
    }
}

/// `string.gsub(s, pat, repl, max_n)`: the new string and the number of matches
/// replaced. `max_n` of `None` means unlimited (LuaJIT's default is `len + 1`, which
/// no count of matches can reach). A result longer than `max_len` bytes is the error
/// "not enough memory", raised as soon as the output passes it (replacements can make
/// the result far larger than the subject: `("x"):rep(1e6):gsub("", big)`).
pub fn gsub<R: Replacer>(
    s: &[u8],
    pat: &[u8],
    repl: &mut R,
    max_n: Option<i32>,
    max_len: usize,
    work: &mut Work,
) -> Result<(Vec<u8>, usize), R::Error> {
    let mut m = work.matcher(s, pat);
    let r = gsub_with(&mut m, pat, repl, max_n, max_len);
    work.account(&m);
    r
}

fn gsub_with<R: Replacer>(
    m: &mut Matcher<'_>,
    pat: &[u8],
    repl: &mut R,
    max_n: Option<i32>,
    max_len: usize,
) -> Result<(Vec<u8>, usize), R::Error> {
    let s = m.subject();
    let (anchor, p0) = if pat.first() == Some(&b'^') {
        (true, 1)
    } else {
        (false, 0)
    };
    let max_n = match max_n {
        Some(n) => i64::from(n),
        None => i64::MAX,
    };
    let mut out = Vec::with_capacity(s.len());
    let mut src = 0;
    let mut n = 0usize;
    while (n as i64) < max_n {
        let e = m.attempt(src, p0).map_err(LibError::from)?;
        if let Some(e) = e {
            n += 1;
            repl.replace(m, src, e, &mut out)?;
            if out.len() > max_len {
                return Err(super::string::too_large().into());
            }
        }
        match e {
            Some(e) if e > src => src = e, // non-empty match: skip it
            _ if src < s.len() => {
                out.push(s[src]);
                src += 1;
            }
            _ => break,
        }
        if anchor {
            break;
        }
    }
    out.extend_from_slice(&s[src..]);
    if out.len() > max_len {
        return Err(super::string::too_large().into());
    }
    Ok((out, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::{String, ToString};
    use alloc::vec;

    fn caps_str(s: &[u8], caps: &Captures) -> Vec<String> {
        caps.as_slice()
            .iter()
            .map(|c| match *c {
                Capture::Str { start, end } => String::from_utf8_lossy(&s[start..end]).into_owned(),
                Capture::Pos(p) => alloc::format!("#{p}"),
            })
            .collect()
    }

    fn f(s: &str, p: &str, init: i32, plain: bool) -> Option<(usize, usize, Vec<String>)> {
        find(
            s.as_bytes(),
            p.as_bytes(),
            init,
            plain,
            &mut Work::default(),
        )
        .unwrap()
        .map(|r| (r.start, r.end, caps_str(s.as_bytes(), &r.captures)))
    }

    fn mt(s: &str, p: &str, init: i32) -> Option<Vec<String>> {
        str_match(s.as_bytes(), p.as_bytes(), init, &mut Work::default())
            .unwrap()
            .map(|c| caps_str(s.as_bytes(), &c))
    }

    fn gm(s: &str, p: &str) -> Vec<Vec<String>> {
        let mut pos = 0;
        let mut all = vec![];
        while let Some(c) =
            gmatch_next(s.as_bytes(), p.as_bytes(), &mut pos, &mut Work::default()).unwrap()
        {
            all.push(caps_str(s.as_bytes(), &c));
        }
        // Exhausted iterators stay exhausted.
        assert!(
            gmatch_next(s.as_bytes(), p.as_bytes(), &mut pos, &mut Work::default())
                .unwrap()
                .is_none()
        );
        all
    }

    fn gs(s: &str, p: &str, r: &str, max: Option<i32>) -> Result<(String, usize), LibError> {
        let (out, n) = gsub(
            s.as_bytes(),
            p.as_bytes(),
            &mut StrReplacer(r.as_bytes()),
            max,
            usize::MAX,
            &mut Work::default(),
        )?;
        Ok((String::from_utf8(out).unwrap(), n))
    }

    fn none() -> Vec<String> {
        vec![]
    }

    // Expected values: luajit 2.1 (see the module doc for where lua5.1 differs).

    #[test]
    fn find_positions_and_init() {
        assert_eq!(f("abc", "b", -1, false), None);
        assert_eq!(f("abc", "b", -10, false), Some((2, 2, none())));
        assert_eq!(f("abc", "", 10, false), Some((4, 3, none())));
        assert_eq!(f("abc", "", 4, false), Some((4, 3, none())));
        assert_eq!(f("abc", "", 3, false), Some((3, 2, none())));
        assert_eq!(f("abc", "", 1, false), Some((1, 0, none())));
        assert_eq!(f("a.c", ".", 1, true), Some((2, 2, none())));
        assert_eq!(
            f("abc", "(b)(c)", 1, false),
            Some((2, 3, vec!["b".into(), "c".into()]))
        );
        assert_eq!(f("hello", "l", 1, false), Some((3, 3, none())));
        assert_eq!(f("hello", "l", 4, false), Some((4, 4, none())));
        assert_eq!(f("hello", "l", 0, false), Some((3, 3, none())));
        assert_eq!(f("hello", "l", i32::MIN, false), Some((3, 3, none())));
        assert_eq!(f("hello", "xyz", 1, false), None);
        assert_eq!(f("hello", "lo", -2, false), Some((4, 5, none())));
        // No specials: `)` and `]` are plain characters.
        assert_eq!(f("a)b", ")", 1, false), Some((2, 2, none())));
        assert_eq!(f("[x]", "]", 1, false), Some((3, 3, none())));
        // Anchored at init.
        assert_eq!(f("hello", "^l", 3, false), Some((3, 3, none())));
        assert_eq!(f("hello", "^l", 2, false), None);
        assert_eq!(
            f("hello", "()ll()", 1, false),
            Some((3, 4, vec!["#3".into(), "#5".into()]))
        );
    }

    #[test]
    fn find_errors() {
        assert_eq!(
            find(b"abc", b"%", 1, false, &mut Work::default())
                .unwrap_err()
                .message(),
            "malformed pattern (ends with '%')"
        );
        // Plain search never looks at the pattern's syntax.
        assert!(find(b"a%", b"%", 1, true, &mut Work::default())
            .unwrap()
            .is_some());
    }

    #[test]
    fn match_results() {
        assert_eq!(mt("hello", "l+", 1), Some(vec!["ll".into()]));
        assert_eq!(mt("abc", "()", 4), Some(vec!["#4".into()]));
        assert_eq!(mt("abc", "()", 5), Some(vec!["#4".into()]));
        assert_eq!(
            mt("key = value", "(%w+)%s*=%s*(%w+)", 1),
            Some(vec!["key".into(), "value".into()])
        );
        assert_eq!(mt("hello", "^(h)", 1), Some(vec!["h".into()]));
        assert_eq!(mt("hello", "^(e)", 1), None);
        assert_eq!(mt("hello", "o", -1), Some(vec!["o".into()]));
        assert_eq!(
            str_match(b"hello", b")", 1, &mut Work::default())
                .unwrap_err()
                .message(),
            "invalid pattern capture"
        );
    }

    #[test]
    fn gmatch_iterates_without_anchor() {
        // luajit: for k in ("^abc^a"):gmatch("^a") -> "^a", "^a"
        assert_eq!(
            gm("^abc^a", "^a"),
            vec![vec![String::from("^a")], vec![String::from("^a")]]
        );
        assert_eq!(gm("hello world", "^%a+"), Vec::<Vec<String>>::new());
        assert_eq!(
            gm("one two  three", "%a+"),
            vec![
                vec![String::from("one")],
                vec!["two".into()],
                vec!["three".into()]
            ]
        );
        assert_eq!(
            gm("k1=v1, k2=v2", "(%w+)=(%w+)"),
            vec![
                vec![String::from("k1"), "v1".into()],
                vec!["k2".into(), "v2".into()]
            ]
        );
        // Empty matches advance by one: "abc" with "x*" matches 4 times.
        assert_eq!(gm("abc", "x*").len(), 4);
        assert_eq!(
            gm("abc", "()"),
            vec![
                vec![String::from("#1")],
                vec!["#2".into()],
                vec!["#3".into()],
                vec!["#4".into()]
            ]
        );
        assert_eq!(gm("", "x*"), vec![vec![String::new()]]);
        assert_eq!(gm("aaa", "a-"), vec![vec![String::new()]; 4]);
    }

    #[test]
    fn gsub_with_strings() {
        assert_eq!(
            gs("hello", "", "-", None).unwrap(),
            ("-h-e-l-l-o-".into(), 6)
        );
        assert_eq!(gs("hello", "^", "-", None).unwrap(), ("-hello".into(), 1));
        assert_eq!(
            gs("hello", "^h", "%0%0", None).unwrap(),
            ("hhello".into(), 1)
        );
        assert_eq!(gs("hello", "l", "%", None).unwrap(), ("he\0\0o".into(), 2));
        assert_eq!(
            gs("hello", "(l)(l)", "%2%1%x", None).unwrap(),
            ("hellxo".into(), 1)
        );
        assert_eq!(gs("hello", "l", "%1", None).unwrap(), ("hello".into(), 2));
        assert_eq!(gs("hello", "l", "x", Some(1)).unwrap(), ("hexlo".into(), 1));
        assert_eq!(
            gs("hello", "l", "x", Some(-1)).unwrap(),
            ("hello".into(), 0)
        );
        assert_eq!(gs("hello", "l", "x", Some(0)).unwrap(), ("hello".into(), 0));
        assert_eq!(
            gs("hello world", "%w+", "%0 %0", Some(1)).unwrap(),
            ("hello hello world".into(), 1)
        );
        assert_eq!(gs("abc", "%w", "%1", None).unwrap(), ("abc".into(), 3));
        assert_eq!(gs("abc", "()", "%1", None).unwrap(), ("1a2b3c4".into(), 4));
        assert_eq!(
            gs("hello world", "o", "0", None).unwrap(),
            ("hell0 w0rld".into(), 2)
        );
        assert_eq!(gs("abc", "b*", "-", None).unwrap(), ("-a--c-".into(), 4));
        assert_eq!(gs("abc", "$", "!", None).unwrap(), ("abc!".into(), 1));
        assert_eq!(gs("a b c", " ", "%%", None).unwrap(), ("a%b%c".into(), 2));
        assert_eq!(gs("", "", "x", None).unwrap(), ("x".into(), 1));
        assert_eq!(gs("", "^", "x", None).unwrap(), ("x".into(), 1));
        assert_eq!(gs("abc", "^b", "x", None).unwrap(), ("abc".into(), 0));
        assert_eq!(
            gs("hello", "l+", "<%0>", None).unwrap(),
            ("he<ll>o".into(), 1)
        );
    }

    #[test]
    fn gsub_output_is_bounded() {
        let big = "y".repeat(1000);
        let r = gsub(
            b"xxxxxxxxxx",
            b"",
            &mut StrReplacer(big.as_bytes()),
            None,
            5000,
            &mut Work::default(),
        );
        assert_eq!(r.unwrap_err(), super::super::string::too_large());
        let r = gsub(
            b"xxxx",
            b"",
            &mut StrReplacer(big.as_bytes()),
            None,
            5004,
            &mut Work::default(),
        );
        assert_eq!(r.unwrap().0.len(), 5004);
    }

    #[test]
    fn gsub_string_errors() {
        assert_eq!(
            gs("hello", "l", "%2", None).unwrap_err(),
            LibError::runtime("invalid capture index")
        );
        assert_eq!(
            gs("hello", "(l)", "%2", None).unwrap_err(),
            LibError::runtime("invalid capture index")
        );
        assert_eq!(
            gs("hello", "(l", "%1", None).unwrap_err(),
            LibError::runtime("unfinished capture")
        );
        assert_eq!(
            gs("hello", "[l", "", None).unwrap_err(),
            LibError::runtime("malformed pattern (missing ']')")
        );
    }

    /// A replacer standing in for a Lua table: keys are the first capture.
    struct Table(&'static [(&'static str, Option<&'static str>)]);

    impl Replacer for Table {
        type Error = LibError;
        fn replace(
            &mut self,
            m: &Matcher<'_>,
            s: usize,
            e: usize,
            out: &mut Vec<u8>,
        ) -> Result<(), LibError> {
            let key = match m.capture(0, s, e)? {
                Capture::Str { start, end } => &m.subject()[start..end],
                Capture::Pos(_) => b"",
            };
            match self.0.iter().find(|(k, _)| k.as_bytes() == key) {
                Some((_, Some(v))) => out.extend_from_slice(v.as_bytes()),
                Some((_, None)) => return Err(invalid_replacement("table")),
                None => out.extend_from_slice(&m.subject()[s..e]), // nil: keep the match
            }
            Ok(())
        }
    }

    #[test]
    fn gsub_with_a_replacer() {
        let (out, n) = gsub(
            b"$name is $age",
            b"%$(%w+)",
            &mut Table(&[("name", Some("Ann")), ("age", Some("7"))]),
            None,
            usize::MAX,
            &mut Work::default(),
        )
        .unwrap();
        assert_eq!((out.as_slice(), n), (&b"Ann is 7"[..], 2));
        let (out, n) = gsub(
            b"abc",
            b".",
            &mut Table(&[("a", Some("1"))]),
            None,
            usize::MAX,
            &mut Work::default(),
        )
        .unwrap();
        assert_eq!((out.as_slice(), n), (&b"1bc"[..], 3));
        let e = gsub(
            b"hello",
            b"l",
            &mut Table(&[("l", None)]),
            None,
            usize::MAX,
            &mut Work::default(),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "invalid replacement value (a table)");
    }

    #[test]
    fn plain_find_helper() {
        assert_eq!(find_plain(b"hello", b"ll"), Some(2));
        assert_eq!(find_plain(b"hello", b""), Some(0));
        assert_eq!(find_plain(b"", b""), Some(0));
        assert_eq!(find_plain(b"aab", b"ab"), Some(1));
        assert_eq!(find_plain(b"ab", b"abc"), None);
        assert_eq!(find_plain(b"a\0b\0c", b"\0c"), Some(3));
        assert_eq!(start_offset(3, 0), 0);
        assert_eq!(start_offset(3, -1), 2);
        assert_eq!(start_offset(3, 100), 3);
    }

    /// Differential test against luajit: 1500 random patterns and subjects (see
    /// `testdata/patterns_run.lua` for how the expectations were produced).
    #[test]
    fn agrees_with_luajit_on_random_patterns() {
        fn unhex(h: &str) -> Vec<u8> {
            (0..h.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                .collect()
        }
        fn hex(out: &mut String, b: &[u8]) {
            out.push('s');
            for c in b {
                out.push_str(&alloc::format!("{c:02x}"));
            }
        }
        fn caps(out: &mut Vec<String>, s: &[u8], c: &[Capture]) {
            for c in c {
                let mut v = String::new();
                match *c {
                    Capture::Str { start, end } => hex(&mut v, &s[start..end]),
                    Capture::Pos(p) => v.push_str(&alloc::format!("{p}")),
                }
                out.push(v);
            }
        }
        fn err(e: PatternError) -> String {
            alloc::format!("E:{}", e.message())
        }
        let data = include_str!("testdata/patterns_luajit.txt");
        let mut checked = 0;
        for line in data.lines() {
            let mut cols = line.split('\t');
            let head: Vec<&str> = cols.next().unwrap().split(' ').collect();
            let (s, p, init) = (
                unhex(head[0]),
                unhex(head[1]),
                head[2].parse::<i32>().unwrap(),
            );
            let want: Vec<&str> = cols.collect();
            let find_got = match find(&s, &p, init, false, &mut Work::default()) {
                Err(e) => err(e),
                Ok(None) => "nil".into(),
                Ok(Some(f)) => {
                    let mut v = vec![alloc::format!("{}", f.start), alloc::format!("{}", f.end)];
                    caps(&mut v, &s, f.captures.as_slice());
                    v.join(",")
                }
            };
            let match_got = match str_match(&s, &p, init, &mut Work::default()) {
                Err(e) => err(e),
                Ok(None) => "nil".into(),
                Ok(Some(c)) => {
                    let mut v = vec![];
                    caps(&mut v, &s, c.as_slice());
                    v.join(",")
                }
            };
            let gsub_got = match gsub(
                &s,
                &p,
                &mut StrReplacer(b"<%0>"),
                None,
                usize::MAX,
                &mut Work::default(),
            ) {
                Err(e) => alloc::format!("E:{e}"),
                Ok((out, n)) => {
                    let mut v = String::new();
                    hex(&mut v, &out);
                    alloc::format!("{v},{n}")
                }
            };
            let mut pos = 0;
            let mut items = vec![];
            let gmatch_got = loop {
                match gmatch_next(&s, &p, &mut pos, &mut Work::default()) {
                    Err(e) => break err(e),
                    Ok(None) => break items.join(";"),
                    Ok(Some(c)) => {
                        if items.len() == 50 {
                            break items.join(";");
                        }
                        let mut v = vec![];
                        caps(&mut v, &s, &c.as_slice()[..c.len().min(2)]);
                        if v.len() < 2 {
                            v.push("nil".into());
                        }
                        items.push(v.join(","));
                    }
                }
            };
            let got = [find_got, match_got, gsub_got, gmatch_got];
            for (k, name) in ["find", "match", "gsub", "gmatch"].iter().enumerate() {
                assert_eq!(
                    got[k], want[k],
                    "{name} of {:?} with {:?} init {init}",
                    s, p
                );
            }
            checked += 1;
        }
        assert_eq!(checked, 1500);
    }
}
