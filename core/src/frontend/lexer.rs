//! The lexer: Lua 5.1 source bytes to tokens, one token of lookahead.
//!
//! Invariants, as PUC Lua 5.1's `llex.c` keeps them (error messages depend on them):
//! - `token` is the current token; `lookahead`, when present, is the token after it and the
//!   cursor already stands past it.
//! - `line` is the line the cursor has reached (the line of the last token scanned), and
//!   `last_line` the line of the last token *consumed* (the one before `token`): generated
//!   code is attributed to `last_line`, errors to `line`.
//! - A line ends at `\n`, `\r`, `\n\r` or `\r\n` (each pair counts once).
//!
//! The lexer accepts the 5.1 language plus what LuaJIT 2.1 accepts on top of it, so that
//! programs that run under `luajit` also run here: hexadecimal fractions and binary
//! exponents (`0x1.8p1`), the escapes `\xXX`, `\z` and `\u{XXX}`, bytes >= 0x80 as
//! identifier characters, `::` for labels (`goto` stays a name; the parser decides), and a
//! leading byte-order mark and `#!` line are skipped. Errors are worded as PUC Lua 5.1 words them.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::Error;

macro_rules! reserved_words {
    ($( $variant:ident = $text:literal, )*) => {
        /// A token. Single-character tokens are `Char`.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Token {
            $( #[doc = $text] $variant, )*
            /// `..`
            Concat,
            /// `...`
            Dots,
            /// `==`
            Eq,
            /// `>=`
            Ge,
            /// `<=`
            Le,
            /// `~=`
            Ne,
            /// `::` (labels, a LuaJIT extension)
            DbColon,
            /// A numeral: its value and where its text lies in the source.
            Number(f64, usize, usize),
            /// A name.
            Name(Vec<u8>),
            /// A string literal: its contents and how it was delimited.
            Str(Vec<u8>, Delim),
            /// End of the source.
            Eos,
            /// Any other single byte (`+`, `(`, `{`, ...).
            Char(u8),
        }

        /// The reserved word spelled `name`, if any.
        fn reserved(name: &[u8]) -> Option<Token> {
            match name {
                $( n if n == $text.as_bytes() => Some(Token::$variant), )*
                _ => None,
            }
        }

        /// The fixed spelling of a token that has one.
        fn fixed_text(t: &Token) -> Option<&'static str> {
            Some(match t {
                $( Token::$variant => $text, )*
                Token::Concat => "..",
                Token::Dots => "...",
                Token::Eq => "==",
                Token::Ge => ">=",
                Token::Le => "<=",
                Token::Ne => "~=",
                Token::DbColon => "::",
                Token::Eos => "<eof>",
                _ => return None,
            })
        }
    };
}

reserved_words! {
    And = "and", Break = "break", Do = "do", Else = "else", Elseif = "elseif", End = "end",
    False = "false", For = "for", Function = "function", If = "if", In = "in",
    Local = "local", Nil = "nil", Not = "not", Or = "or", Repeat = "repeat",
    Return = "return", Then = "then", True = "true", Until = "until", While = "while",
}

/// How a string literal was written, to reproduce its text in error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delim {
    /// `"..."` or `'...'`
    Quote(u8),
    /// `[==[...]==]` with this many `=`.
    Long(usize),
}

/// Token kinds as `luaX_token2str` names them (for "'x' expected" messages).
pub fn token_name(t: &Token) -> String {
    match t {
        Token::Number(..) => String::from("<number>"),
        Token::Name(_) => String::from("<name>"),
        Token::Str(..) => String::from("<string>"),
        Token::Char(c) => char_name(*c),
        other => String::from(fixed_text(other).unwrap_or("?")),
    }
}

fn char_name(c: u8) -> String {
    if c.is_ascii_control() {
        format!("char({})", c)
    } else {
        bytes_to_string(&[c])
    }
}

/// Bytes as text for messages (Lua strings are bytes; messages are `String`s).
pub fn bytes_to_string(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The lexer state. See the module docs for invariants.
pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    /// Line the cursor is on.
    pub line: u32,
    /// Line of the last consumed token.
    pub last_line: u32,
    /// The current token.
    pub token: Token,
    lookahead: Option<Token>,
    buf: Vec<u8>,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn is_newline(c: Option<u8>) -> bool {
    matches!(c, Some(b'\n') | Some(b'\r'))
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `src`; call [`Lexer::next`] to read the first token.
    /// As LuaJIT does for every chunk, a UTF-8 byte-order mark and then a first line
    /// starting with `#` (a `#!` interpreter line) are skipped; line numbers are unchanged.
    pub fn new(src: &'a [u8]) -> Lexer<'a> {
        let mut pos = 0;
        if src.starts_with(b"\xef\xbb\xbf") {
            pos = 3;
        }
        if src.get(pos) == Some(&b'#') {
            while pos < src.len() && !is_newline(Some(src[pos])) {
                pos += 1;
            }
        }
        Lexer {
            src,
            pos,
            line: 1,
            last_line: 1,
            token: Token::Eos,
            lookahead: None,
            buf: Vec::new(),
        }
    }

    /// The text of the current token as error messages quote it (`txtToken`).
    pub fn token_text(&self) -> String {
        match &self.token {
            Token::Name(n) => bytes_to_string(n),
            Token::Number(_, s, e) => bytes_to_string(&self.src[*s..*e]),
            Token::Str(s, d) => {
                let mut t = Vec::with_capacity(s.len() + 4);
                match *d {
                    Delim::Quote(q) => {
                        t.push(q);
                        t.extend_from_slice(s);
                        t.push(q);
                    }
                    Delim::Long(n) => {
                        t.push(b'[');
                        t.resize(t.len() + n, b'=');
                        t.push(b'[');
                        t.extend_from_slice(s);
                        t.push(b']');
                        t.resize(t.len() + n, b'=');
                        t.push(b']');
                    }
                }
                bytes_to_string(&t)
            }
            other => token_name(other),
        }
    }

    /// Advances to the next token.
    pub fn next(&mut self) -> Result<(), Error> {
        self.last_line = self.line;
        self.token = match self.lookahead.take() {
            Some(t) => t,
            None => self.scan()?,
        };
        Ok(())
    }

    /// The token after the current one, scanned now if needed.
    pub fn peek(&mut self) -> Result<&Token, Error> {
        if self.lookahead.is_none() {
            let t = self.scan()?;
            self.lookahead = Some(t);
        }
        Ok(self.lookahead.as_ref().unwrap_or(&Token::Eos))
    }

    #[inline]
    fn cur(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    #[inline]
    fn advance(&mut self) {
        self.pos += 1;
    }

    #[inline]
    fn save_and_advance(&mut self) {
        if let Some(c) = self.cur() {
            self.buf.push(c);
        }
        self.pos += 1;
    }

    fn error(&self, msg: &str, near: Option<&[u8]>) -> Error {
        Error::lexical(msg, near.map(bytes_to_string))
    }

    fn error_eof(&self, msg: &str) -> Error {
        Error::lexical(msg, Some(String::from("<eof>")))
    }

    /// Skips one line ending (`\n`, `\r`, `\n\r` or `\r\n`) and counts it.
    fn newline(&mut self) -> Result<(), Error> {
        let old = self.cur();
        self.advance();
        if is_newline(self.cur()) && self.cur() != old {
            self.advance();
        }
        // 5.1's limit; it also keeps the counter far from overflowing.
        self.line += 1;
        if self.line >= i32::MAX as u32 {
            return Err(Error::syntax("chunk has too many lines"));
        }
        Ok(())
    }

    fn scan(&mut self) -> Result<Token, Error> {
        self.buf.clear();
        loop {
            let Some(c) = self.cur() else {
                return Ok(Token::Eos);
            };
            match c {
                b'\n' | b'\r' => self.newline()?,
                b'-' => {
                    self.advance();
                    if self.cur() != Some(b'-') {
                        return Ok(Token::Char(b'-'));
                    }
                    self.advance();
                    if self.cur() == Some(b'[') {
                        self.buf.clear();
                        if let Some(level) = self.skip_sep() {
                            self.read_long_string(level, false)?;
                            self.buf.clear();
                            continue;
                        }
                        self.buf.clear();
                    }
                    while !is_newline(self.cur()) && self.cur().is_some() {
                        self.advance();
                    }
                }
                b'[' => {
                    let start = self.pos;
                    match self.skip_sep() {
                        Some(level) => {
                            let s = self.read_long_string(level, true)?;
                            return Ok(Token::Str(s, Delim::Long(level)));
                        }
                        None if self.pos - start == 1 => return Ok(Token::Char(b'[')),
                        None => {
                            let text = self.buf.clone();
                            return Err(self.error("invalid long string delimiter", Some(&text)));
                        }
                    }
                }
                b'=' => return Ok(self.one_or_two(b'=', Token::Eq)),
                b'<' => return Ok(self.one_or_two(b'<', Token::Le)),
                b'>' => return Ok(self.one_or_two(b'>', Token::Ge)),
                b'~' => return Ok(self.one_or_two(b'~', Token::Ne)),
                b'"' | b'\'' => return self.read_string(c),
                b':' => {
                    self.advance();
                    if self.cur() == Some(b':') {
                        self.advance();
                        return Ok(Token::DbColon);
                    }
                    return Ok(Token::Char(b':'));
                }
                b'.' => {
                    if self.src.get(self.pos + 1) == Some(&b'.') {
                        if self.src.get(self.pos + 2) == Some(&b'.') {
                            self.pos += 3;
                            return Ok(Token::Dots);
                        }
                        self.pos += 2;
                        return Ok(Token::Concat);
                    }
                    if self
                        .src
                        .get(self.pos + 1)
                        .is_some_and(|d| d.is_ascii_digit())
                    {
                        return self.read_numeral();
                    }
                    self.advance();
                    return Ok(Token::Char(b'.'));
                }
                b' ' | b'\t' | 0x0b | 0x0c => self.advance(),
                b'0'..=b'9' => return self.read_numeral(),
                c if is_ident_start(c) => {
                    let start = self.pos;
                    while self.cur().is_some_and(is_ident) {
                        self.advance();
                    }
                    let name = &self.src[start..self.pos];
                    return Ok(reserved(name).unwrap_or_else(|| Token::Name(name.to_vec())));
                }
                _ => {
                    self.advance();
                    return Ok(Token::Char(c));
                }
            }
        }
    }

    fn one_or_two(&mut self, c: u8, two: Token) -> Token {
        self.advance();
        if self.cur() == Some(b'=') {
            self.advance();
            two
        } else {
            Token::Char(c)
        }
    }

    /// At `[` or `]`: consumes it and any `=` after it (saving them into `buf`); returns
    /// the level if the same bracket follows (left unconsumed), as `skip_sep` does.
    fn skip_sep(&mut self) -> Option<usize> {
        let bracket = self.cur();
        self.save_and_advance();
        let mut count = 0;
        while self.cur() == Some(b'=') {
            self.save_and_advance();
            count += 1;
        }
        (self.cur() == bracket).then_some(count)
    }

    /// At the second `[` of an opening long bracket of `level`: reads through the
    /// matching close. Returns the contents (empty for comments).
    fn read_long_string(&mut self, level: usize, keep: bool) -> Result<Vec<u8>, Error> {
        self.save_and_advance();
        if is_newline(self.cur()) {
            self.newline()?;
        }
        let content_start = self.buf.len();
        loop {
            match self.cur() {
                None => {
                    return Err(self.error_eof(if keep {
                        "unfinished long string"
                    } else {
                        "unfinished long comment"
                    }))
                }
                Some(b']') => {
                    let before = self.buf.len();
                    if self.skip_sep() == Some(level) {
                        self.advance();
                        self.buf.truncate(before);
                        break;
                    }
                    if !keep {
                        self.buf.clear();
                    }
                }
                Some(b'\n') | Some(b'\r') => {
                    if keep {
                        self.buf.push(b'\n');
                    }
                    self.newline()?;
                }
                Some(c) => {
                    if keep {
                        self.buf.push(c);
                    }
                    self.advance();
                }
            }
        }
        Ok(if keep {
            self.buf[content_start..].to_vec()
        } else {
            Vec::new()
        })
    }

    fn read_string(&mut self, delim: u8) -> Result<Token, Error> {
        self.save_and_advance();
        loop {
            let Some(c) = self.cur() else {
                return Err(self.error_eof("unfinished string"));
            };
            if c == delim {
                break;
            }
            match c {
                b'\n' | b'\r' => {
                    let text = self.buf.clone();
                    return Err(self.error("unfinished string", Some(&text)));
                }
                b'\\' => self.read_escape()?,
                _ => self.save_and_advance(),
            }
        }
        self.advance();
        let s = self.buf[1..].to_vec();
        Ok(Token::Str(s, Delim::Quote(delim)))
    }

    /// At a backslash inside a short string: appends the escaped bytes to `buf`.
    fn read_escape(&mut self) -> Result<(), Error> {
        self.advance();
        let Some(c) = self.cur() else {
            return Ok(()); // the string loop reports the unfinished string
        };
        let byte = match c {
            b'a' => 0x07,
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'v' => 0x0b,
            b'\n' | b'\r' => {
                self.buf.push(b'\n');
                return self.newline();
            }
            b'0'..=b'9' => {
                let mut v: u32 = 0;
                let mut i = 0;
                while i < 3 {
                    match self.cur() {
                        Some(d @ b'0'..=b'9') => {
                            v = v * 10 + (d - b'0') as u32;
                            self.advance();
                        }
                        _ => break,
                    }
                    i += 1;
                }
                if v > 255 {
                    let text = self.buf.clone();
                    return Err(self.error("escape sequence too large", Some(&text)));
                }
                self.buf.push(v as u8);
                return Ok(());
            }
            // LuaJIT extensions.
            b'x' => {
                let hi = self
                    .src
                    .get(self.pos + 1)
                    .and_then(|d| (*d as char).to_digit(16));
                let lo = self
                    .src
                    .get(self.pos + 2)
                    .and_then(|d| (*d as char).to_digit(16));
                match (hi, lo) {
                    (Some(h), Some(l)) => {
                        self.pos += 3;
                        self.buf.push((h * 16 + l) as u8);
                        return Ok(());
                    }
                    _ => return Err(self.invalid_escape()),
                }
            }
            b'z' => {
                self.advance();
                while let Some(w) = self.cur() {
                    match w {
                        b'\n' | b'\r' => self.newline()?,
                        b' ' | b'\t' | 0x0b | 0x0c => self.advance(),
                        _ => break,
                    }
                }
                return Ok(());
            }
            b'u' => return self.read_utf8_escape(),
            // 5.1 keeps any other escaped byte as itself (`\\`, `\"`, `\'`, `\q`...).
            other => other,
        };
        self.buf.push(byte);
        self.advance();
        Ok(())
    }

    fn invalid_escape(&self) -> Error {
        self.error("invalid escape sequence", Some(&self.buf))
    }

    /// `\u{XXX}` as LuaJIT reads it: a code point below 0x110000, no surrogates, as UTF-8.
    fn read_utf8_escape(&mut self) -> Result<(), Error> {
        self.advance();
        if self.cur() != Some(b'{') {
            return Err(self.invalid_escape());
        }
        self.advance();
        let mut cp: u32 = 0;
        let mut digits = 0;
        loop {
            match self.cur() {
                Some(b'}') if digits > 0 => break,
                Some(d) if d.is_ascii_hexdigit() => {
                    cp = cp * 16 + (d as char).to_digit(16).unwrap_or(0);
                    if cp >= 0x110000 {
                        return Err(self.invalid_escape());
                    }
                    digits += 1;
                    self.advance();
                }
                _ => return Err(self.invalid_escape()),
            }
        }
        self.advance();
        if (0xd800..0xe000).contains(&cp) {
            return Err(self.invalid_escape());
        }
        match char::from_u32(cp) {
            Some(ch) => {
                let mut tmp = [0u8; 4];
                self.buf
                    .extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
                Ok(())
            }
            None => Err(self.invalid_escape()),
        }
    }

    /// Reads a numeral: digits, `.`, identifier characters, and a sign right after an
    /// exponent marker (`e`, or `p` in hexadecimal), then converts the whole text.
    fn read_numeral(&mut self) -> Result<Token, Error> {
        let start = self.pos;
        let hex =
            self.cur() == Some(b'0') && matches!(self.src.get(self.pos + 1), Some(b'x' | b'X'));
        let exp = if hex { [b'p', b'P'] } else { [b'e', b'E'] };
        let mut prev = 0u8;
        while let Some(c) = self.cur() {
            let sign_ok = (c == b'+' || c == b'-') && exp.contains(&prev);
            if is_ident(c) || c == b'.' || sign_ok {
                prev = c;
                self.advance();
            } else {
                break;
            }
        }
        let text = &self.src[start..self.pos];
        match crate::number::parse_numeral(text) {
            Some(v) => Ok(Token::Number(v, start, self.pos)),
            None => Err(self.error("malformed number", Some(text))),
        }
    }
}
