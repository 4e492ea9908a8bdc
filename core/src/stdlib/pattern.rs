//! Lua 5.1 patterns, as LuaJIT 2.1 matches them: a backtracking matcher over bytes.
//!
//! A pattern is a sequence of items: a single-character class (`.`, `%a`, `[set]`, a
//! literal byte) optionally followed by `*`, `+`, `-` or `?`; `%n` back-references;
//! `%bxy` balanced pairs; `%f[set]` frontiers; `(` `)` captures and `()` position
//! captures; `^` (anchor, handled by the callers) and `$` at the very end.
//!
//! Invariants and choices:
//! - The pattern ends at its first NUL byte, exactly as in PUC Lua 5.1 and LuaJIT, whose
//!   matchers walk C strings (`string.find("a", "a\0b")` matches). The subject may hold
//!   any bytes (`%z` matches NUL).
//! - Classes use the C locale (ASCII only); `%g` (printable except space) is accepted,
//!   as LuaJIT 2.1 accepts it.
//! - Recursion is bounded: every nested call of [`Matcher::do_match`] counts one level and
//!   more than [`MAX_DEPTH`] (LuaJIT's `LJ_MAX_XLEVEL`, 200) is the error "pattern too
//!   complex", at the same inputs as LuaJIT. Tail positions loop instead of recursing, so
//!   the native stack holds at most a few hundred small frames whatever the input.
//! - Time: backtracking is exponential in the worst case, as in every Lua. The work of a
//!   matcher can be bounded with [`Matcher::set_budget`] (single-character tests allowed
//!   over all its attempts; past it, [`PatternError::BudgetExhausted`]); the string
//!   library gives it what is left of the VM's step budget and charges what was used, so
//!   a step budget also stops a pathological match. Unbounded by default, as LuaJIT.
//! - Capture positions are byte offsets into the subject; turning them into Lua strings
//!   and numbers is the VM binding's job ([`Capture`]).

use super::error::LibError;

/// Most captures a pattern may hold (`LUA_MAXCAPTURES`).
pub const MAX_CAPTURES: usize = 32;
/// Deepest nesting of matcher calls before "pattern too complex" (`LJ_MAX_XLEVEL`).
pub const MAX_DEPTH: u32 = 200;

const L_ESC: u8 = b'%';
/// Characters whose presence makes `string.find` use the matcher (`SPECIALS`).
const SPECIALS: &[u8] = b"^$*+?.([%-";

/// A pattern error, with the message LuaJIT and PUC Lua 5.1 give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternError {
    /// A `%` ends the pattern.
    EndsWithEscape,
    /// A `[` set is not closed.
    MissingBracket,
    /// `%f` is not followed by `[`.
    FrontierWithoutSet,
    /// `%b` lacks its two delimiter characters.
    Unbalanced,
    /// `)` closes no open capture.
    InvalidPatternCapture,
    /// A back-reference or replacement names a capture that does not exist.
    InvalidCaptureIndex,
    /// A capture was still open when its value was asked for.
    UnfinishedCapture,
    /// More than [`MAX_CAPTURES`] captures.
    TooManyCaptures,
    /// Recursion deeper than [`MAX_DEPTH`].
    TooComplex,
    /// The matcher's work budget ([`Matcher::set_budget`]) ran out.
    BudgetExhausted,
}

impl PatternError {
    /// The message, worded as Lua words it.
    pub const fn message(self) -> &'static str {
        match self {
            PatternError::EndsWithEscape => "malformed pattern (ends with '%')",
            PatternError::MissingBracket => "malformed pattern (missing ']')",
            PatternError::FrontierWithoutSet => "missing '[' after '%f' in pattern",
            PatternError::Unbalanced => "unbalanced pattern",
            PatternError::InvalidPatternCapture => "invalid pattern capture",
            PatternError::InvalidCaptureIndex => "invalid capture index",
            PatternError::UnfinishedCapture => "unfinished capture",
            PatternError::TooManyCaptures => "too many captures",
            PatternError::TooComplex => "pattern too complex",
            PatternError::BudgetExhausted => crate::vm::budget::BUDGET_MESSAGE,
        }
    }
}

impl From<PatternError> for LibError {
    fn from(e: PatternError) -> LibError {
        LibError::runtime(e.message())
    }
}

/// One capture's value: a substring (byte range of the subject) or a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capture {
    /// `subject[start..end]`.
    Str {
        /// Start offset (inclusive).
        start: usize,
        /// End offset (exclusive).
        end: usize,
    },
    /// A position capture `()`: the 1-based position, as Lua returns it.
    Pos(usize),
}

impl Capture {
    /// The captured bytes, if this is a substring capture.
    pub fn bytes<'s>(&self, subject: &'s [u8]) -> Option<&'s [u8]> {
        match *self {
            Capture::Str { start, end } => Some(&subject[start..end]),
            Capture::Pos(_) => None,
        }
    }
}

/// The values of a match's captures, in order (or the whole match when the pattern
/// has none and the caller asked for it).
#[derive(Debug, Clone, Copy)]
pub struct Captures {
    items: [Capture; MAX_CAPTURES],
    len: usize,
}

impl Captures {
    const EMPTY: Captures = Captures {
        items: [Capture::Pos(0); MAX_CAPTURES],
        len: 0,
    };

    /// No captures (what a plain `find` returns).
    pub const fn empty() -> Captures {
        Captures::EMPTY
    }

    /// The captures as a slice.
    pub fn as_slice(&self) -> &[Capture] {
        &self.items[..self.len]
    }

    /// Number of captures.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are no captures.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A decoded single-character class.
#[derive(Debug, Clone, Copy)]
enum Class {
    /// `.`
    Any,
    /// A literal byte.
    Byte(u8),
    /// `%x`: a named class (or an escaped literal).
    Named(u8),
    /// `[...]`: the set from `pat[p]` (the `[`) to `pat[ec]` (the `]`).
    Set { p: usize, ec: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CapLen {
    Unfinished,
    Position,
    Len(usize),
}

/// Is `c` in the C-locale class named by the letter `cl` (`a c d g l p s u w x z`,
/// upper case complements)? Any other `cl` matches itself literally.
#[inline]
fn match_class(c: u8, cl: u8) -> bool {
    let res = match cl.to_ascii_lowercase() {
        b'a' => c.is_ascii_alphabetic(),
        b'c' => c.is_ascii_control(),
        b'd' => c.is_ascii_digit(),
        b'g' => c.is_ascii_graphic(),
        b'l' => c.is_ascii_lowercase(),
        b'p' => c.is_ascii_punctuation(),
        // C's isspace includes \v, which Rust's is_ascii_whitespace does not.
        b's' => c == b' ' || (b'\t'..=b'\r').contains(&c),
        b'u' => c.is_ascii_uppercase(),
        b'w' => c.is_ascii_alphanumeric(),
        b'x' => c.is_ascii_hexdigit(),
        b'z' => c == 0,
        _ => return cl == c,
    };
    if cl.is_ascii_uppercase() {
        !res
    } else {
        res
    }
}

/// Does the pattern contain a character that makes `find` use the matcher?
/// (LuaJIT's `lj_str_haspattern`: the whole string is scanned, NULs included.)
pub fn has_specials(pat: &[u8]) -> bool {
    pat.iter().any(|c| SPECIALS.contains(c))
}

/// The pattern as the matcher sees it: up to its first NUL.
fn c_pattern(pat: &[u8]) -> &[u8] {
    match pat.iter().position(|&c| c == 0) {
        Some(n) => &pat[..n],
        None => pat,
    }
}

/// A matcher of one pattern against one subject.
///
/// Reuse it across attempts at different start positions (as `find`, `gmatch` and
/// `gsub` do): each attempt resets the capture state.
pub struct Matcher<'a> {
    src: &'a [u8],
    pat: &'a [u8],
    level: usize,
    depth: u32,
    budget: Option<u64>,
    steps_left: u64,
    capture: [(usize, CapLen); MAX_CAPTURES],
}

impl<'a> Matcher<'a> {
    /// A matcher for `pat` (up to its first NUL) over `src`.
    pub fn new(src: &'a [u8], pat: &'a [u8]) -> Matcher<'a> {
        Matcher {
            src,
            pat: c_pattern(pat),
            level: 0,
            depth: 0,
            budget: None,
            steps_left: u64::MAX,
            capture: [(0, CapLen::Unfinished); MAX_CAPTURES],
        }
    }

    /// Bound the work of this matcher's later attempts, all together, to `steps`
    /// single-character tests; when they run out the attempt fails with
    /// [`PatternError::BudgetExhausted`]. `None`: unbounded.
    pub fn set_budget(&mut self, steps: Option<u64>) {
        self.budget = steps;
        self.steps_left = steps.unwrap_or(u64::MAX);
    }

    /// Single-character tests done since the budget was set (0 without a budget).
    pub fn steps_used(&self) -> u64 {
        self.budget.map_or(0, |b| b - self.steps_left)
    }

    /// The subject.
    pub fn subject(&self) -> &'a [u8] {
        self.src
    }

    /// Try to match the pattern, starting at byte `p` of the pattern (1 after a `^`
    /// anchor), at subject offset `s`. Returns the end offset of the match.
    pub fn attempt(&mut self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        self.level = 0;
        self.depth = 0;
        self.do_match(s, p)
    }

    /// The pattern byte at `p`, or 0 past its end (the C string terminator).
    #[inline]
    fn pc(&self, p: usize) -> u8 {
        self.pat.get(p).copied().unwrap_or(0)
    }

    #[inline(always)]
    fn step(&mut self) -> Result<(), PatternError> {
        self.charge(1)
    }

    /// Account `n` single-character tests against the budget.
    #[inline(always)]
    fn charge(&mut self, n: u64) -> Result<(), PatternError> {
        if self.budget.is_some() {
            if self.steps_left < n {
                self.steps_left = 0;
                return Err(PatternError::BudgetExhausted);
            }
            self.steps_left -= n;
        }
        Ok(())
    }

    fn check_capture(&self, l: u8) -> Result<usize, PatternError> {
        let l = l.wrapping_sub(b'1') as usize;
        if l >= self.level || self.capture[l].1 == CapLen::Unfinished {
            return Err(PatternError::InvalidCaptureIndex);
        }
        Ok(l)
    }

    fn capture_to_close(&self) -> Result<usize, PatternError> {
        (0..self.level)
            .rev()
            .find(|&l| self.capture[l].1 == CapLen::Unfinished)
            .ok_or(PatternError::InvalidPatternCapture)
    }

    /// The offset just after the single-character class starting at `p`.
    #[inline]
    fn class_end(&self, mut p: usize) -> Result<usize, PatternError> {
        let c = self.pc(p);
        p += 1;
        match c {
            L_ESC => {
                if self.pc(p) == 0 {
                    return Err(PatternError::EndsWithEscape);
                }
                Ok(p + 1)
            }
            b'[' => {
                if self.pc(p) == b'^' {
                    p += 1;
                }
                // Look for the `]`; the first character of the set is never the end.
                loop {
                    let c = self.pc(p);
                    if c == 0 {
                        return Err(PatternError::MissingBracket);
                    }
                    p += 1;
                    if c == L_ESC && self.pc(p) != 0 {
                        p += 1; // skip escapes such as `%]`
                    }
                    if self.pc(p) == b']' {
                        break;
                    }
                }
                Ok(p + 1)
            }
            _ => Ok(p),
        }
    }

    /// Does `c` belong to the set `pat[p..=ec]`, where `pat[p]` is `[` and `pat[ec]`
    /// is the closing `]`?
    #[inline]
    fn match_bracket_class(&self, c: u8, mut p: usize, ec: usize) -> bool {
        let mut sig = true;
        if self.pc(p + 1) == b'^' {
            sig = false;
            p += 1;
        }
        loop {
            p += 1;
            if p >= ec {
                break;
            }
            let pc = self.pc(p);
            if pc == L_ESC {
                p += 1;
                if match_class(c, self.pc(p)) {
                    return sig;
                }
            } else if self.pc(p + 1) == b'-' && p + 2 < ec {
                p += 2;
                if pc <= c && c <= self.pc(p) {
                    return sig;
                }
            } else if pc == c {
                return sig;
            }
        }
        !sig
    }

    /// The single-character class `pat[p..ep]`, decoded once for repeated tests.
    #[inline(always)]
    fn class_at(&self, p: usize, ep: usize) -> Class {
        match self.pc(p) {
            b'.' => Class::Any,
            L_ESC => Class::Named(self.pc(p + 1)),
            b'[' => Class::Set { p, ec: ep - 1 },
            c => Class::Byte(c),
        }
    }

    /// Does subject byte `c` belong to `class`?
    #[inline(always)]
    fn class_matches(&self, class: Class, c: u8) -> bool {
        match class {
            Class::Any => true,
            Class::Byte(b) => b == c,
            Class::Named(cl) => match_class(c, cl),
            Class::Set { p, ec } => self.match_bracket_class(c, p, ec),
        }
    }

    /// Subject offset `s` is inside the subject and matches `class` (one step).
    #[inline(always)]
    fn single_at(&mut self, s: usize, class: Class) -> Result<bool, PatternError> {
        self.step()?;
        Ok(match self.src.get(s) {
            Some(&c) => self.class_matches(class, c),
            None => false,
        })
    }

    fn match_balance(&self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        let (b, e) = (self.pc(p), self.pc(p + 1));
        if b == 0 || e == 0 {
            return Err(PatternError::Unbalanced);
        }
        if s >= self.src.len() || self.src[s] != b {
            return Ok(None);
        }
        let mut cont = 1usize;
        for (i, &c) in self.src.iter().enumerate().skip(s + 1) {
            if c == e {
                cont -= 1;
                if cont == 0 {
                    return Ok(Some(i + 1));
                }
            } else if c == b {
                cont += 1;
            }
        }
        Ok(None)
    }

    /// True when `do_match(s, p)` would certainly fail at once, without recursing: the
    /// pattern continues with a plain byte that must appear exactly once and the
    /// subject does not have it at `s`. This saves a call per backtracking step of
    /// `.*x` and `.-x`; it applies only where that call could not have reached the
    /// depth limit, so errors are raised exactly where the full matcher raises them.
    #[inline(always)]
    fn quick_reject(&mut self, s: usize, p: usize) -> Result<bool, PatternError> {
        let c = self.pc(p);
        if c == 0 || b"()%[.$".contains(&c) || b"*-?".contains(&self.pc(p + 1)) {
            return Ok(false);
        }
        if self.depth >= MAX_DEPTH {
            return Ok(false);
        }
        self.step()?;
        Ok(self.src.get(s) != Some(&c))
    }

    fn max_expand(&mut self, s: usize, p: usize, ep: usize) -> Result<Option<usize>, PatternError> {
        // Count the repetitions in one tight scan (its steps charged at once).
        let class = self.class_at(p, ep);
        let rest = self.src.get(s..).unwrap_or(&[]);
        let mut i = rest
            .iter()
            .take_while(|&&c| self.class_matches(class, c))
            .count();
        self.charge(i as u64 + 1)?;
        // Try the rest with the most repetitions first.
        loop {
            if self.quick_reject(s + i, ep + 1)? {
                // The rest cannot match here.
            } else if let Some(res) = self.do_match(s + i, ep + 1)? {
                return Ok(Some(res));
            }
            if i == 0 {
                return Ok(None);
            }
            i -= 1;
        }
    }

    fn min_expand(
        &mut self,
        mut s: usize,
        p: usize,
        ep: usize,
    ) -> Result<Option<usize>, PatternError> {
        let class = self.class_at(p, ep);
        loop {
            if self.quick_reject(s, ep + 1)? {
                // The rest cannot match here.
            } else if let Some(res) = self.do_match(s, ep + 1)? {
                return Ok(Some(res));
            }
            if self.single_at(s, class)? {
                s += 1;
            } else {
                return Ok(None);
            }
        }
    }

    fn start_capture(
        &mut self,
        s: usize,
        p: usize,
        what: CapLen,
    ) -> Result<Option<usize>, PatternError> {
        let level = self.level;
        if level >= MAX_CAPTURES {
            return Err(PatternError::TooManyCaptures);
        }
        self.capture[level] = (s, what);
        self.level = level + 1;
        let res = self.do_match(s, p)?;
        if res.is_none() {
            self.level -= 1; // undo the capture
        }
        Ok(res)
    }

    fn end_capture(&mut self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        let l = self.capture_to_close()?;
        self.capture[l].1 = CapLen::Len(s - self.capture[l].0);
        let res = self.do_match(s, p)?;
        if res.is_none() {
            self.capture[l].1 = CapLen::Unfinished; // undo the capture
        }
        Ok(res)
    }

    fn match_capture(&self, s: usize, l: u8) -> Result<Option<usize>, PatternError> {
        let l = self.check_capture(l)?;
        let (init, len) = match self.capture[l] {
            (init, CapLen::Len(len)) => (init, len),
            // A position capture compares as an empty string, as in C where its
            // length field (-2) converts to a huge size that never fits.
            (_, _) => return Ok(None),
        };
        if self.src.len() - s >= len && self.src[init..init + len] == self.src[s..s + len] {
            Ok(Some(s + len))
        } else {
            Ok(None)
        }
    }

    /// Match `pat[p..]` at subject offset `s`; the end of the match, or `None`.
    fn do_match(&mut self, mut s: usize, mut p: usize) -> Result<Option<usize>, PatternError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(PatternError::TooComplex);
        }
        // Each arm either produces the final result or continues the loop in place of
        // a tail call.
        let result = loop {
            match self.pc(p) {
                b'(' => {
                    break if self.pc(p + 1) == b')' {
                        self.start_capture(s, p + 2, CapLen::Position)?
                    } else {
                        self.start_capture(s, p + 1, CapLen::Unfinished)?
                    };
                }
                b')' => break self.end_capture(s, p + 1)?,
                0 => break Some(s), // end of pattern: success
                b'$' if self.pc(p + 1) == 0 => {
                    break if s == self.src.len() { Some(s) } else { None };
                }
                L_ESC if self.pc(p + 1) == b'b' => match self.match_balance(s, p + 2)? {
                    Some(e) => {
                        s = e;
                        p += 4;
                    }
                    None => break None,
                },
                L_ESC if self.pc(p + 1) == b'f' => {
                    p += 2;
                    if self.pc(p) != b'[' {
                        return Err(PatternError::FrontierWithoutSet);
                    }
                    let ep = self.class_end(p)?;
                    let previous = if s == 0 { 0 } else { self.src[s - 1] };
                    let current = self.src.get(s).copied().unwrap_or(0);
                    if self.match_bracket_class(previous, p, ep - 1)
                        || !self.match_bracket_class(current, p, ep - 1)
                    {
                        break None;
                    }
                    p = ep;
                }
                L_ESC if self.pc(p + 1).is_ascii_digit() => {
                    match self.match_capture(s, self.pc(p + 1))? {
                        Some(e) => {
                            s = e;
                            p += 2;
                        }
                        None => break None,
                    }
                }
                _ => {
                    let ep = self.class_end(p)?;
                    let m = self.single_at(s, self.class_at(p, ep))?;
                    match self.pc(ep) {
                        b'?' => {
                            if m {
                                if let Some(res) = self.do_match(s + 1, ep + 1)? {
                                    break Some(res);
                                }
                            }
                            p = ep + 1;
                        }
                        b'*' => break self.max_expand(s, p, ep)?,
                        b'+' => {
                            break if m {
                                self.max_expand(s + 1, p, ep)?
                            } else {
                                None
                            }
                        }
                        b'-' => break self.min_expand(s, p, ep)?,
                        _ => {
                            if !m {
                                break None;
                            }
                            s += 1;
                            p = ep;
                        }
                    }
                }
            }
        };
        self.depth -= 1;
        Ok(result)
    }

    /// Number of captures of the last successful attempt.
    pub fn level(&self) -> usize {
        self.level
    }

    /// Capture `i` (0-based) of the last successful match `src[s..e]`
    /// (`push_onecapture`): with no captures, index 0 is the whole match.
    pub fn capture(&self, i: usize, s: usize, e: usize) -> Result<Capture, PatternError> {
        if i >= self.level {
            if i == 0 {
                return Ok(Capture::Str { start: s, end: e });
            }
            return Err(PatternError::InvalidCaptureIndex);
        }
        match self.capture[i] {
            (_, CapLen::Unfinished) => Err(PatternError::UnfinishedCapture),
            (init, CapLen::Position) => Ok(Capture::Pos(init + 1)),
            (init, CapLen::Len(len)) => Ok(Capture::Str {
                start: init,
                end: init + len,
            }),
        }
    }

    /// All captures of the last successful match (`push_captures`). With
    /// `whole = Some((s, e))` and no captures in the pattern, the whole match is the one
    /// capture; with `None` (as `find` asks) there are then none.
    pub fn captures(&self, whole: Option<(usize, usize)>) -> Result<Captures, PatternError> {
        let mut out = Captures::EMPTY;
        let (s, e) = whole.unwrap_or((0, 0));
        let n = if self.level == 0 && whole.is_some() {
            1
        } else {
            self.level
        };
        for i in 0..n {
            out.items[i] = self.capture(i, s, e)?;
        }
        out.len = n;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::{String, ToString};
    use alloc::vec::Vec;

    /// `string.match` semantics on a whole subject from offset 0, with `^` handled;
    /// captures rendered as strings (positions as numbers) for comparison.
    fn lmatch(s: &str, p: &str) -> Result<Option<Vec<String>>, PatternError> {
        let (src, pat) = (s.as_bytes(), p.as_bytes());
        let mut m = Matcher::new(src, pat);
        let anchor = pat.first() == Some(&b'^');
        let p0 = usize::from(anchor);
        let mut s0 = 0;
        loop {
            if let Some(e) = m.attempt(s0, p0)? {
                let caps = m.captures(Some((s0, e)))?;
                return Ok(Some(
                    caps.as_slice()
                        .iter()
                        .map(|c| match *c {
                            Capture::Str { start, end } => {
                                String::from_utf8_lossy(&src[start..end]).into_owned()
                            }
                            Capture::Pos(n) => alloc::format!("#{n}"),
                        })
                        .collect(),
                ));
            }
            s0 += 1;
            if anchor || s0 > src.len() {
                return Ok(None);
            }
        }
    }

    fn ok(s: &str, p: &str) -> Vec<String> {
        lmatch(s, p)
            .unwrap()
            .unwrap_or_else(|| panic!("{p:?} should match {s:?}"))
    }

    fn none(s: &str, p: &str) {
        assert_eq!(lmatch(s, p).unwrap(), None, "{p:?} should not match {s:?}");
    }

    fn err(s: &str, p: &str) -> &'static str {
        lmatch(s, p).unwrap_err().message()
    }

    // Expected values below were produced by luajit 2.1 (and agree with lua5.1 except
    // where noted).

    #[test]
    fn single_characters_and_classes() {
        assert_eq!(ok("hello", "l+"), ["ll"]);
        assert_eq!(ok("hello world", "%a+"), ["hello"]);
        assert_eq!(ok("  x", "%S"), ["x"]);
        assert_eq!(ok("a1b2", "%d%a"), ["1b"]);
        assert_eq!(ok("x\x7fy", "%c"), ["\x7f"]);
        assert_eq!(ok("ab.cd", "%p"), ["."]);
        assert_eq!(ok("abCD", "%u+"), ["CD"]);
        assert_eq!(ok("abCD", "%l+"), ["ab"]);
        assert_eq!(ok("x_y1", "%w+"), ["x"]);
        assert_eq!(ok("0xfF", "%x+"), ["0"]);
        assert_eq!(ok("xfFg", "%x+"), ["fF"]);
        assert_eq!(ok("a\0b", "%z"), ["\0"]);
        assert_eq!(ok("a\0b", "%Z+"), ["a"]);
        // \v is a space in C.
        assert_eq!(ok("a\x0bb", "%s"), ["\x0b"]);
        // %g: LuaJIT 2.1 knows it (lua5.1 treats it as a literal 'g').
        assert_eq!(ok("  hello", "%g+"), ["hello"]);
        assert_eq!(ok("hi there", "%G"), [" "]);
        // A non-class letter after % is itself.
        assert_eq!(ok("a.b", "%."), ["."]);
        assert_eq!(ok("50%", "%%"), ["%"]);
        assert_eq!(ok("a$c", "a$c"), ["a$c"]);
        none("abc", "%d");
        // Bytes >= 128 are in no class.
        none("\u{e9}", "%a");
    }

    #[test]
    fn sets() {
        assert_eq!(ok("hello", "[aeiou]+"), ["e"]);
        assert_eq!(ok("hello", "[^aeiou]+"), ["h"]);
        assert_eq!(ok("x-y", "[a-]"), ["-"]);
        assert_eq!(ok("a", "[a-]"), ["a"]);
        assert_eq!(ok("]", "[]]"), ["]"]);
        assert_eq!(ok("a^", "[^^]"), ["a"]);
        none("^", "[^^]");
        assert_eq!(ok("x]y", "[%]]"), ["]"]);
        assert_eq!(ok("abc123", "[%d]+"), ["123"]);
        assert_eq!(ok("abc123", "[b-c1]+"), ["bc1"]);
        assert_eq!(ok("a\0b", "[%z]"), ["\0"]);
        assert_eq!(ok("abc", "[b-]"), ["b"]);
        none("]", "[^]]");
    }

    #[test]
    fn quantifiers() {
        assert_eq!(ok("aaab", "a-b"), ["aaab"]);
        assert_eq!(ok("aaab", "a*"), ["aaa"]);
        assert_eq!(ok("baaa", "a*"), [""]);
        assert_eq!(ok("<a><b>", "<.->"), ["<a>"]);
        assert_eq!(ok("<a><b>", "<.*>"), ["<a><b>"]);
        assert_eq!(ok("color colour", "colou?r"), ["color"]);
        assert_eq!(ok("colour", "colou?r"), ["colour"]);
        assert_eq!(ok("abc", "^(.-)$"), ["abc"]);
        none("b", "a+");
    }

    #[test]
    fn anchors() {
        assert_eq!(ok("hello", "^h"), ["h"]);
        none("hello", "^e");
        assert_eq!(ok("hello", "o$"), ["o"]);
        assert_eq!(ok("abc", "$"), [""]);
        none("hello", "l$");
        // `^` not at the start is a literal.
        assert_eq!(ok("a^b", "a^b"), ["a^b"]);
    }

    #[test]
    fn captures() {
        assert_eq!(ok("k=v", "(%w+)=(%w+)"), ["k", "v"]);
        assert_eq!(ok("abc", "()b()"), ["#2", "#3"]);
        assert_eq!(ok("hello", "(h)(e)(l)"), ["h", "e", "l"]);
        assert_eq!(ok("abab", "(ab)%1"), ["ab"]);
        none("xyzxyz", "(x(y)z)%2");
        assert_eq!(ok("say 'hi' \"x\"", "(['\"])(.-)%1"), ["'", "hi"]);
        // Nested: the outer capture comes first.
        assert_eq!(ok("abc", "((a)(b))"), ["ab", "a", "b"]);
    }

    #[test]
    fn balance_and_frontier() {
        assert_eq!(ok("x = {a{b}c}", "%b{}"), ["{a{b}c}"]);
        none("x = {a{b c", "%b{}");
        assert_eq!(ok("THE (quick) fox", "%f[%a]%a+"), ["THE"]);
        assert_eq!(ok("  x", "%f[%S]"), [""]);
        assert_eq!(ok("hello world", "%f[%w]%w+$"), ["world"]);
        // The frontier sees \0 before the subject and after its end.
        assert_eq!(ok("ab", "%f[%z]"), [""]);
        assert_eq!(lmatch("ab", "()%f[%z]").unwrap().unwrap(), ["#3"]);
    }

    #[test]
    fn malformed_patterns() {
        assert_eq!(err("abc", "%"), "malformed pattern (ends with '%')");
        assert_eq!(err("abc", "%w%"), "malformed pattern (ends with '%')");
        assert_eq!(err("abc", "[a"), "malformed pattern (missing ']')");
        assert_eq!(err("x", "["), "malformed pattern (missing ']')");
        assert_eq!(err("x", "[^"), "malformed pattern (missing ']')");
        assert_eq!(err("x", "[^]"), "malformed pattern (missing ']')");
        assert_eq!(err("x", "[%"), "malformed pattern (missing ']')");
        assert_eq!(err("x", "%f"), "missing '[' after '%f' in pattern");
        assert_eq!(err("x", "%fx"), "missing '[' after '%f' in pattern");
        assert_eq!(err("x", "%b"), "unbalanced pattern");
        assert_eq!(err("x", "%bx"), "unbalanced pattern");
        assert_eq!(err("a", "%1"), "invalid capture index");
        assert_eq!(err("a", "(a%1)"), "invalid capture index");
        assert_eq!(err("abab", "(ab)%0"), "invalid capture index");
        assert_eq!(err("hello", ")"), "invalid pattern capture");
        assert_eq!(err("a", "("), "unfinished capture");
        assert_eq!(err("abc", "(()"), "unfinished capture");
        let many = "(.?)".repeat(33);
        assert_eq!(err("hello", &many), "too many captures");
        let ok32 = "(.?)".repeat(32);
        assert_eq!(ok("hello", &ok32).len(), 32);
    }

    #[test]
    fn pattern_ends_at_nul() {
        assert_eq!(ok("a\0b", "a\0c"), ["a"]);
        assert!(has_specials(b"a\0."));
        assert!(!has_specials(b"a)b]"));
    }

    #[test]
    fn depth_is_bounded_like_luajit() {
        let s = "a".repeat(300);
        assert_eq!(err(&s, &"a?".repeat(300)), "pattern too complex");
        assert_eq!(ok(&s, &"a?".repeat(190)), [s[..190].to_string()]);
        // Deep nesting of captures too.
        let p = alloc::format!("{}{}", "(".repeat(32), ")".repeat(32));
        assert_eq!(ok("x", &p).len(), 32);
    }

    #[test]
    fn long_subjects_do_not_recurse() {
        // max_expand and min_expand loop: a megabyte subject uses a fixed stack depth.
        let s = "a".repeat(1 << 20);
        assert_eq!(ok(&s, "a*$")[0].len(), 1 << 20);
        assert_eq!(ok(&s, "a-$")[0].len(), 1 << 20);
        none(&s[..2000], ".-b");
    }

    #[test]
    fn budget_bounds_time() {
        let s = "a".repeat(200);
        let mut m = Matcher::new(s.as_bytes(), b".-.-.-.-b");
        m.set_budget(Some(100_000));
        assert_eq!(m.attempt(0, 0), Err(PatternError::BudgetExhausted));
        assert_eq!(m.steps_used(), 100_000);
        // The budget spans attempts: quadratic work over many start positions runs out.
        let long = "a".repeat(3000);
        let mut m = Matcher::new(long.as_bytes(), b".-b");
        m.set_budget(Some(1_000_000));
        let r = (0..3000).try_for_each(|s| m.attempt(s, 0).map(|_| ()));
        assert_eq!(r, Err(PatternError::BudgetExhausted));
        let mut m = Matcher::new(b"aab", b".-.-b");
        m.set_budget(Some(1000));
        assert_eq!(m.attempt(0, 0), Ok(Some(3)));
        assert!(m.steps_used() > 0 && m.steps_used() < 100);
    }
}
