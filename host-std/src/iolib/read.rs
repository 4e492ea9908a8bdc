//! `read` formats (`io.read`, `file:read`, `lines` iterators) as LuaJIT 2.1 applies them.
//!
//! Formats: `"*n"` (a number), `"*l"` (a line without its newline, the default), `"*L"`
//! (with it), `"*a"` (the rest, possibly empty), and a count `n` (up to `n` bytes; `0`
//! tests for end of file). The `*` is optional and only the first letter counts, as in
//! LuaJIT. Reading stops at the first format that fails; that result is `nil` and the
//! later formats give nothing. A device error discards the results: the caller returns
//! `nil, message, errno` instead.

use super::stream::Stream;
use std::io;

/// One parsed read format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `*n`.
    Number,
    /// `*l` (`keep_newline` false) or `*L` (true).
    Line {
        /// Keep the `\n`.
        keep_newline: bool,
    },
    /// `*a`.
    All,
    /// A byte count.
    Count(usize),
}

/// A format argument as the VM gives it.
#[derive(Clone, Copy, Debug)]
pub enum FormatArg<'a> {
    /// A string argument.
    Str(&'a [u8]),
    /// A number argument.
    Num(f64),
    /// Anything else.
    Other,
}

/// Why a format argument is rejected (the `bad argument` parenthesis).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// A string that is not a known format.
    InvalidFormat,
    /// Neither a string nor a number.
    InvalidOption,
}

impl FormatError {
    /// The message inside `bad argument #n to 'read' (...)`.
    pub fn message(self) -> &'static str {
        match self {
            FormatError::InvalidFormat => "invalid format",
            FormatError::InvalidOption => "invalid option",
        }
    }
}

/// Parses one format argument.
pub fn parse_format(arg: FormatArg<'_>) -> Result<Format, FormatError> {
    match arg {
        FormatArg::Str(s) => {
            let s = s.strip_prefix(b"*").unwrap_or(s);
            match s.first() {
                Some(b'n') => Ok(Format::Number),
                Some(b'l') => Ok(Format::Line {
                    keep_newline: false,
                }),
                Some(b'L') => Ok(Format::Line { keep_newline: true }),
                Some(b'a') => Ok(Format::All),
                _ => Err(FormatError::InvalidFormat),
            }
        }
        // Fractions truncate. A negative count becomes a huge unsigned size in C, so it
        // reads everything; the stream grows its result only as bytes arrive.
        FormatArg::Num(n) => Ok(Format::Count(if n <= -1.0 {
            usize::MAX
        } else if n.is_nan() {
            0
        } else {
            n as usize // saturating: huge counts read everything too
        })),
        FormatArg::Other => Err(FormatError::InvalidOption),
    }
}

/// One result of a read.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// Bytes read.
    Str(Vec<u8>),
    /// A number read by `*n`.
    Num(f64),
    /// The format failed (end of file, or not a number).
    Nil,
}

/// Applies `formats` in order (none means one `*l`). `Err` carries a device error.
pub fn read(stream: &mut Stream, formats: &[Format]) -> Result<Vec<Item>, io::Error> {
    stream.clear_error();
    let default = [Format::Line {
        keep_newline: false,
    }];
    let formats = if formats.is_empty() {
        &default[..]
    } else {
        formats
    };
    let mut items = Vec::with_capacity(formats.len());
    for f in formats {
        let item = match *f {
            Format::Number => stream.read_number().map(Item::Num),
            Format::Line { keep_newline } => stream.read_line(keep_newline).map(Item::Str),
            Format::All => Some(Item::Str(stream.read_all())),
            Format::Count(n) => stream.read_count(n).map(Item::Str),
        };
        match item {
            Some(i) => items.push(i),
            None => {
                items.push(Item::Nil);
                break;
            }
        }
    }
    match stream.take_error() {
        Some(e) => Err(e),
        None => Ok(items),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(s: &str) -> Format {
        parse_format(FormatArg::Str(s.as_bytes())).unwrap()
    }

    fn s(x: &str) -> Item {
        Item::Str(x.as_bytes().to_vec())
    }

    #[test]
    fn format_spelling() {
        assert_eq!(fmt("*n"), Format::Number);
        assert_eq!(fmt("n"), Format::Number);
        assert_eq!(
            fmt("*line"),
            Format::Line {
                keep_newline: false
            }
        );
        assert_eq!(fmt("L"), Format::Line { keep_newline: true });
        assert_eq!(fmt("*all"), Format::All);
        assert_eq!(
            parse_format(FormatArg::Str(b"*x")),
            Err(FormatError::InvalidFormat)
        );
        assert_eq!(
            parse_format(FormatArg::Str(b"")),
            Err(FormatError::InvalidFormat)
        );
        assert_eq!(
            parse_format(FormatArg::Other),
            Err(FormatError::InvalidOption)
        );
        assert_eq!(parse_format(FormatArg::Num(3.9)).unwrap(), Format::Count(3));
        assert_eq!(parse_format(FormatArg::Num(0.0)).unwrap(), Format::Count(0));
        assert_eq!(FormatError::InvalidFormat.message(), "invalid format");
    }

    #[test]
    fn stops_at_the_first_failure() {
        let mut st = Stream::memory(b"12abc\nrest");
        let r = read(&mut st, &[fmt("*n"), fmt("*l"), fmt("*n"), fmt("*l")]).unwrap();
        assert_eq!(r, vec![Item::Num(12.0), s("abc"), Item::Nil]);
    }

    #[test]
    fn end_of_file_results() {
        // What luajit gives on an empty stdin: read(0) nil, *a "" twice, *l nil.
        let mut st = Stream::memory(b"");
        assert_eq!(read(&mut st, &[Format::Count(0)]).unwrap(), vec![Item::Nil]);
        assert_eq!(
            read(&mut st, &[fmt("*a"), fmt("*a"), fmt("*l")]).unwrap(),
            vec![s(""), s(""), Item::Nil]
        );
        assert_eq!(read(&mut st, &[]).unwrap(), vec![Item::Nil]);
    }

    #[test]
    fn default_is_a_line_and_counts_work() {
        let mut st = Stream::memory(b"first\nsecond\n");
        assert_eq!(read(&mut st, &[]).unwrap(), vec![s("first")]);
        assert_eq!(
            read(&mut st, &[Format::Count(3), fmt("*L")]).unwrap(),
            vec![s("sec"), s("ond\n")]
        );
    }

    #[test]
    fn device_errors_are_reported() {
        let mut st = Stream::memory(b"x");
        st.close().unwrap();
        assert!(read(&mut st, &[]).is_err());
    }
}
