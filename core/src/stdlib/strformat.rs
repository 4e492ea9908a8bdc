//! The `string.format` engine, producing LuaJIT 2.1's output byte for byte.
//!
//! A format is literal bytes and conversions `%[flags][width][.precision]conv`:
//! - flags are any of `-+ #0`, in any number (LuaJIT accepts repeats; PUC 5.1 rejects
//!   more than five flag characters, which we do not copy since a program that LuaJIT
//!   runs must run here);
//! - width and precision have at most two digits each; a third is the error "invalid
//!   format (width or precision too long)" (LuaJIT also rejects it, worded otherwise);
//! - conversions: `d i` (signed, via a 64-bit truncation), `u o x X` (unsigned: numbers
//!   at or above 2^63 wrap, see [`conv::to_u64`]), `c`, `e E f F g G` (through
//!   [`crate::number::format_float`], ties rounded away from zero as LuaJIT does), `a A`
//!   (hexadecimal floating point), `s` (any value, converted as `tostring` converts it,
//!   which LuaJIT allows and PUC 5.1 does not), `q`, `p` and `%%`; anything else is
//!   "invalid option '%y' to 'format'".
//!
//! Error wording follows PUC Lua 5.1 ("bad argument #3 to 'format' (no value)").
//! The arguments are reached through [`FormatArgs`], implemented by the VM binding; the
//! engine never touches a Lua value itself.
//!
//! `%q` writes `"`, `\` and newline escaped with a backslash (the newline stays a real
//! newline), other control characters (0-31 and 127) as `\ddd` decimal escapes in their
//! shortest form unless a digit follows (`\0`, `\13`, `\0001`), and everything else
//! unchanged. This is LuaJIT's form; PUC 5.1 writes `\r` and `\000` instead and passes
//! other control characters through.

use alloc::string::String;
use alloc::vec::Vec;

use super::conv;
use super::error::LibError;
use crate::number::format_float;

/// Access to the arguments of `string.format`, by 1-based Lua argument number (the
/// format string is argument 1, so conversions start at argument 2).
pub trait FormatArgs {
    /// The binding's error type.
    type Error: From<LibError>;

    /// Number of arguments, the format string included.
    fn count(&self) -> usize;

    /// Argument `arg` as a number, as `luaL_checknumber` converts it (strings that
    /// look like numbers are accepted; anything else is a "number expected" error).
    fn number(&mut self, arg: usize) -> Result<f64, Self::Error>;

    /// Append argument `arg` converted as `tostring` converts it (strings as they are,
    /// numbers as `%.14g`, `__tostring`, `type: 0x...`).
    fn tostring(&mut self, arg: usize, out: &mut Vec<u8>) -> Result<(), Self::Error>;

    /// The address that identifies argument `arg` for `%p`: its object's address, or
    /// 0 for values that are not objects (printed `NULL`).
    fn pointer(&mut self, arg: usize) -> Result<usize, Self::Error>;
}

const F_LEFT: u8 = 1;
const F_PLUS: u8 = 2;
const F_SPACE: u8 = 4;
const F_ALT: u8 = 8;
const F_ZERO: u8 = 16;

/// A parsed conversion specification.
#[derive(Debug, Clone, Copy)]
struct Spec {
    flags: u8,
    width: usize,
    precision: Option<usize>,
    conv: u8,
}

impl Spec {
    fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }

    /// Pad `body` (after its sign/base `prefix`) to the width: spaces before unless
    /// left-justified, zeros between prefix and body if `zero_ok` and the `0` flag.
    fn pad(&self, out: &mut Vec<u8>, prefix: &[u8], body: &[u8], zero_ok: bool) {
        let len = prefix.len() + body.len();
        let fill = self.width.saturating_sub(len);
        let zero = zero_ok && self.has(F_ZERO) && !self.has(F_LEFT);
        if !self.has(F_LEFT) && !zero {
            out.resize(out.len() + fill, b' ');
        }
        out.extend_from_slice(prefix);
        if zero {
            out.resize(out.len() + fill, b'0');
        }
        out.extend_from_slice(body);
        if self.has(F_LEFT) {
            out.resize(out.len() + fill, b' ');
        }
    }
}

/// Parse the specification after a `%` at `fmt[i]`; returns it and the index after it.
fn parse_spec(fmt: &[u8], mut i: usize) -> Result<(Spec, usize), LibError> {
    let at = |i: usize| fmt.get(i).copied().unwrap_or(0);
    let mut flags = 0u8;
    loop {
        flags |= match at(i) {
            b'-' => F_LEFT,
            b'+' => F_PLUS,
            b' ' => F_SPACE,
            b'#' => F_ALT,
            b'0' => F_ZERO,
            _ => break,
        };
        i += 1;
    }
    let too_long = || LibError::runtime("invalid format (width or precision too long)");
    let digits = |i: &mut usize| -> Result<usize, LibError> {
        let mut n = 0usize;
        let mut count = 0;
        while at(*i).is_ascii_digit() {
            count += 1;
            if count > 2 {
                return Err(too_long());
            }
            n = n * 10 + usize::from(at(*i) - b'0');
            *i += 1;
        }
        Ok(n)
    };
    let width = digits(&mut i)?;
    let precision = if at(i) == b'.' {
        i += 1;
        Some(digits(&mut i)?)
    } else {
        None
    };
    let conv = at(i);
    match conv {
        b'd' | b'i' | b'u' | b'o' | b'x' | b'X' | b'c' | b'e' | b'E' | b'f' | b'F' | b'g'
        | b'G' | b'a' | b'A' | b's' | b'q' | b'p' => {}
        _ => {
            let mut msg = String::from("invalid option '%");
            if i < fmt.len() {
                msg.push(char::from(conv));
            }
            msg.push_str("' to 'format'");
            return Err(LibError::runtime_owned(msg));
        }
    }
    Ok((
        Spec {
            flags,
            width,
            precision,
            conv,
        },
        i + 1,
    ))
}

/// `string.format(fmt, ...)`: the formatted bytes.
pub fn format<A: FormatArgs>(fmt: &[u8], args: &mut A) -> Result<Vec<u8>, A::Error> {
    let mut out = Vec::with_capacity(fmt.len() + 16);
    let mut scratch = Vec::new();
    let mut arg = 1;
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        if c != b'%' {
            // Copy the run of literal bytes up to the next `%`.
            let end = fmt[i..]
                .iter()
                .position(|&c| c == b'%')
                .map_or(fmt.len(), |k| i + k);
            out.extend_from_slice(&fmt[i..end]);
            i = end;
            continue;
        }
        if fmt.get(i + 1) == Some(&b'%') {
            out.push(b'%');
            i += 2;
            continue;
        }
        let (spec, next) = parse_spec(fmt, i + 1)?;
        i = next;
        arg += 1;
        if arg > args.count() {
            return Err(LibError::bad_arg(arg, "no value").into());
        }
        match spec.conv {
            b'd' | b'i' => {
                let k = conv::to_i64(args.number(arg)?);
                put_int(&mut out, &spec, k.unsigned_abs(), Some(k < 0));
            }
            b'u' | b'o' | b'x' | b'X' => {
                let k = conv::to_u64(args.number(arg)?);
                put_int(&mut out, &spec, k, None);
            }
            b'c' => {
                let c = conv::to_int(args.number(arg)?) as u8;
                spec.pad(&mut out, &[], &[c], false);
            }
            b'e' | b'E' | b'f' | b'F' | b'g' | b'G' => {
                put_float(&mut out, &spec, args.number(arg)?);
            }
            b'a' | b'A' => put_hex_float(&mut out, &spec, args.number(arg)?),
            b's' => {
                scratch.clear();
                args.tostring(arg, &mut scratch)?;
                let len = spec
                    .precision
                    .map_or(scratch.len(), |p| p.min(scratch.len()));
                spec.pad(&mut out, &[], &scratch[..len], false);
            }
            b'q' => {
                scratch.clear();
                args.tostring(arg, &mut scratch)?;
                push_quoted(&mut out, &scratch);
            }
            _ => {
                debug_assert_eq!(spec.conv, b'p');
                push_pointer(&mut out, args.pointer(arg)?);
            }
        }
    }
    Ok(out)
}

/// An integer conversion (`lj_strfmt_putfxint`): `neg` is `Some(sign)` for `%d`/`%i`.
fn put_int(out: &mut Vec<u8>, spec: &Spec, mut k: u64, neg: Option<bool>) {
    let mut prefix: &[u8] = match neg {
        Some(true) => b"-",
        Some(false) if spec.has(F_PLUS) => b"+",
        Some(false) if spec.has(F_SPACE) => b" ",
        _ => b"",
    };
    // Digits, written backwards into a fixed buffer.
    let mut buf = [0u8; 24];
    let mut q = buf.len();
    let mut put = |d: u8| {
        q -= 1;
        buf[q] = d;
    };
    let hex: &[u8; 16] = if spec.conv == b'X' {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    if k == 0 {
        if spec.precision != Some(0) || (spec.conv == b'o' && spec.has(F_ALT)) {
            put(b'0');
        }
    } else {
        match spec.conv {
            b'x' | b'X' => {
                while k != 0 {
                    put(hex[(k & 15) as usize]);
                    k >>= 4;
                }
                if spec.has(F_ALT) {
                    prefix = if spec.conv == b'X' { b"0X" } else { b"0x" };
                }
            }
            b'o' => {
                while k != 0 {
                    put(b'0' + (k & 7) as u8);
                    k >>= 3;
                }
                if spec.has(F_ALT) {
                    put(b'0');
                }
            }
            _ => {
                while k != 0 {
                    put(b'0' + (k % 10) as u8);
                    k /= 10;
                }
            }
        }
    }
    let digits = &buf[q..];
    // A precision asks for at least that many digits, and turns off the `0` flag.
    let prec = spec.precision.unwrap_or(0).max(digits.len());
    let mut body = Vec::with_capacity(prec);
    body.resize(prec - digits.len(), b'0');
    body.extend_from_slice(digits);
    spec.pad(out, prefix, &body, spec.precision.is_none());
}

/// Sign prefix of a float conversion.
fn float_prefix(spec: &Spec, negative: bool) -> &'static [u8] {
    if negative {
        b"-"
    } else if spec.has(F_PLUS) {
        b"+"
    } else if spec.has(F_SPACE) {
        b" "
    } else {
        b""
    }
}

/// `inf`/`nan` for every float conversion: never zero-padded, and NaN takes no sign
/// (only the space flag), as in LuaJIT.
fn put_non_finite(out: &mut Vec<u8>, spec: &Spec, x: f64) {
    let upper = spec.conv.is_ascii_uppercase();
    let (word, prefix): (&[u8], &[u8]) = if x.is_nan() {
        (
            if upper { b"NAN" } else { b"nan" },
            if spec.has(F_SPACE) { b" " } else { b"" },
        )
    } else {
        (
            if upper { b"INF" } else { b"inf" },
            float_prefix(spec, x < 0.0),
        )
    };
    spec.pad(out, prefix, word, false);
}

/// `%e %E %f %F %g %G`.
fn put_float(out: &mut Vec<u8>, spec: &Spec, x: f64) {
    if !x.is_finite() {
        return put_non_finite(out, spec, x);
    }
    let mut s = String::new();
    let conv = if spec.conv == b'F' { b'f' } else { spec.conv };
    format_float(
        &mut s,
        x.abs(),
        conv,
        spec.precision.unwrap_or(6),
        spec.has(F_ALT),
    );
    spec.pad(
        out,
        float_prefix(spec, x.is_sign_negative()),
        s.as_bytes(),
        true,
    );
}

/// `%a %A` (LuaJIT's `lj_strfmt_wfnum`): hexadecimal mantissa `h.hhh` and binary
/// exponent; the default precision is the shortest exact one; a smaller precision
/// rounds half up, which can carry into a leading `2`.
fn put_hex_float(out: &mut Vec<u8>, spec: &Spec, x: f64) {
    if !x.is_finite() {
        return put_non_finite(out, spec, x);
    }
    let upper = spec.conv == b'A';
    let hexdig: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let bits = x.to_bits();
    let mut m = bits & ((1u64 << 52) - 1);
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let mut e = 0i32;
    if biased != 0 {
        m |= 1 << 52;
        e = biased - 1023;
    } else if m != 0 {
        // Subnormal: normalise so that bit 52 is the leading one.
        let shift = m.leading_zeros() - 11;
        e = -1022 - shift as i32;
        m <<= shift;
    }
    let prec = match spec.precision {
        // Shortest exact: drop trailing zero nibbles of the 52-bit fraction.
        None => {
            let frac = m & ((1u64 << 52) - 1);
            if frac == 0 {
                0
            } else {
                13 - (frac.trailing_zeros() / 4) as usize
            }
        }
        Some(p) => {
            if p < 13 {
                m += 1u64 << (51 - p * 4);
            }
            p
        }
    };
    let mut body = Vec::with_capacity(24 + prec);
    body.push(b'0' + (m >> 52) as u8);
    if prec > 0 || spec.has(F_ALT) {
        body.push(b'.');
        let shown = prec.min(13);
        let frac = if prec < 13 { m >> (52 - prec * 4) } else { m };
        for k in (0..shown).rev() {
            body.push(hexdig[((frac >> (4 * k)) & 15) as usize]);
        }
        body.resize(body.len() + (prec - shown), b'0');
    }
    body.push(if upper { b'P' } else { b'p' });
    body.push(if e < 0 { b'-' } else { b'+' });
    push_decimal(&mut body, u64::from(e.unsigned_abs()));
    let sign = float_prefix(spec, x.is_sign_negative());
    let mut prefix = Vec::with_capacity(3);
    prefix.extend_from_slice(sign);
    prefix.extend_from_slice(if upper { b"0X" } else { b"0x" });
    spec.pad(out, &prefix, &body, true);
}

fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
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

/// Append `s` quoted as `%q` writes it (LuaJIT 2.1's form, see the module doc).
pub fn push_quoted(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for (i, &c) in s.iter().enumerate() {
        match c {
            b'"' | b'\\' | b'\n' => {
                out.push(b'\\');
                out.push(c);
            }
            0..=31 | 127 => {
                out.push(b'\\');
                let next_is_digit = s.get(i + 1).is_some_and(u8::is_ascii_digit);
                if c >= 100 || next_is_digit {
                    out.extend_from_slice(&[b'0' + c / 100, b'0' + c / 10 % 10, b'0' + c % 10]);
                } else if c >= 10 {
                    out.extend_from_slice(&[b'0' + c / 10, b'0' + c % 10]);
                } else {
                    out.push(b'0' + c);
                }
            }
            _ => out.push(c),
        }
    }
    out.push(b'"');
}

/// Append an address as LuaJIT prints pointers (`%p`, and `tostring` of tables,
/// functions, ...): `NULL` for 0, else `0x` and at least 8 hexadecimal digits (more
/// only as the upper 32 bits need, in whole bytes).
pub fn push_pointer(out: &mut Vec<u8>, addr: usize) {
    let x = addr as u64;
    if x == 0 {
        out.extend_from_slice(b"NULL");
        return;
    }
    let hi = (x >> 32) as u32;
    let ndigits = if hi != 0 {
        8 + 2 + 2 * ((31 - hi.leading_zeros()) as usize >> 3)
    } else {
        8
    };
    out.extend_from_slice(b"0x");
    for k in (0..ndigits).rev() {
        out.push(b"0123456789abcdef"[((x >> (4 * k)) & 15) as usize]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// A test argument: what the VM would hold.
    #[derive(Clone)]
    enum A {
        N(f64),
        S(&'static [u8]),
        Nil,
        Bool(bool),
        Obj(usize),
    }

    struct Args(Vec<A>);

    impl FormatArgs for Args {
        type Error = LibError;
        fn count(&self) -> usize {
            self.0.len() + 1
        }
        fn number(&mut self, arg: usize) -> Result<f64, LibError> {
            match &self.0[arg - 2] {
                A::N(n) => Ok(*n),
                A::S(s) => crate::number::parse(s)
                    .ok_or_else(|| LibError::type_error(arg, "number", "string")),
                A::Nil => Err(LibError::type_error(arg, "number", "nil")),
                A::Bool(_) => Err(LibError::type_error(arg, "number", "boolean")),
                A::Obj(_) => Err(LibError::type_error(arg, "number", "table")),
            }
        }
        fn tostring(&mut self, arg: usize, out: &mut Vec<u8>) -> Result<(), LibError> {
            match &self.0[arg - 2] {
                A::N(n) => out.extend_from_slice(crate::number::number_to_string(*n).as_bytes()),
                A::S(s) => out.extend_from_slice(s),
                A::Nil => out.extend_from_slice(b"nil"),
                A::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
                A::Obj(p) => {
                    out.extend_from_slice(b"table: ");
                    push_pointer(out, *p);
                }
            }
            Ok(())
        }
        fn pointer(&mut self, arg: usize) -> Result<usize, LibError> {
            Ok(match &self.0[arg - 2] {
                A::Obj(p) => *p,
                _ => 0,
            })
        }
    }

    fn fmt(f: &str, args: &[A]) -> Result<String, String> {
        format(f.as_bytes(), &mut Args(args.to_vec()))
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .map_err(|e| e.message("format", ""))
    }

    fn ok(f: &str, args: &[A]) -> String {
        fmt(f, args).unwrap()
    }

    use A::*;

    // Expected strings: luajit 2.1 (string.format with the same arguments).

    #[test]
    fn integers() {
        assert_eq!(ok("%d", &[N(3.7)]), "3");
        assert_eq!(ok("%d", &[N(-3.7)]), "-3");
        assert_eq!(ok("%d", &[N(2147483648.0)]), "2147483648");
        assert_eq!(ok("%d", &[N(9007199254740992.0)]), "9007199254740992");
        assert_eq!(
            ok("%d", &[N(-9223372036854775808.0)]),
            "-9223372036854775808"
        );
        assert_eq!(ok("%d", &[N(1e100)]), "-9223372036854775808");
        assert_eq!(ok("%d", &[N(f64::NAN)]), "-9223372036854775808");
        assert_eq!(ok("%d", &[N(-0.0)]), "0");
        assert_eq!(ok("%x", &[N(-1.0)]), "ffffffffffffffff");
        assert_eq!(ok("%x", &[N(4294967301.0)]), "100000005");
        assert_eq!(ok("%X", &[N(255.0)]), "FF");
        assert_eq!(ok("%#x", &[N(255.0)]), "0xff");
        assert_eq!(ok("%#x", &[N(0.0)]), "0");
        assert_eq!(ok("%#o", &[N(8.0)]), "010");
        assert_eq!(ok("%#o", &[N(0.0)]), "0");
        assert_eq!(ok("%o", &[N(0.0)]), "0");
        assert_eq!(ok("%o", &[N(-1.0)]), "1777777777777777777777");
        assert_eq!(ok("%.0d", &[N(0.0)]), "");
        assert_eq!(
            ok(
                "%5.3d|%-5d|%05d|%+d|% d",
                &[N(7.0), N(7.0), N(-7.0), N(7.0), N(7.0)]
            ),
            "  007|7    |-0007|+7| 7"
        );
        assert_eq!(ok("%u", &[N(-1.0)]), "18446744073709551615");
        assert_eq!(ok("%u", &[N(3.5)]), "3");
        assert_eq!(ok("%i", &[N(42.0)]), "42");
        assert_eq!(ok("%d", &[S(b"12")]), "12");
        assert_eq!(
            ok(
                "%.3x|%#5x|%-#8X|%08.3x",
                &[N(10.0), N(10.0), N(10.0), N(10.0)]
            ),
            "00a|  0xa|0XA     |     00a"
        );
        assert_eq!(
            ok("%x|%x", &[N(f64::NAN), N(f64::INFINITY)]),
            "8000000000000000|8000000000000000"
        );
        assert_eq!(
            ok("%+.3d|%+5d|%-+5d|%+05d", &[N(-1.0), N(0.0), N(3.0), N(3.0)]),
            "-001|   +0|+3   |+0003"
        );
        assert_eq!(ok("% 05d|% -5d|", &[N(3.0), N(3.0)]), " 0003| 3   |");
        // Repeated flags are accepted, as LuaJIT does.
        assert_eq!(ok("%------d|%-+ #0d", &[N(1.0), N(1.0)]), "1|+1");
        assert_eq!(ok("%#08x", &[N(255.0)]), "0x0000ff");
    }

    #[test]
    fn characters() {
        assert_eq!(ok("%c%c%c", &[N(65.0), N(66.7), N(256.0 + 67.0)]), "ABC");
        assert_eq!(ok("%5c|%-5c|", &[N(65.0), N(65.0)]), "    A|A    |");
        assert_eq!(ok("%c", &[N(0.0)]), "\0");
        assert_eq!(
            format(b"%c", &mut Args(vec![N(-1.0)])).unwrap(),
            vec![255u8]
        );
    }

    #[test]
    fn floats() {
        assert_eq!(
            ok(
                "%e|%E|%f|%g|%G",
                &[N(1.5), N(1.5), N(1.5), N(1.5), N(1e-20)]
            ),
            "1.500000e+00|1.500000E+00|1.500000|1.5|1E-20"
        );
        assert_eq!(
            ok(
                "%.3e|%10.2f|%-10.1f|%+.0f|%#.0f|%#g|%#.3g",
                &[
                    N(12345.678),
                    N(3.14158),
                    N(2.5),
                    N(2.5),
                    N(2.5),
                    N(1.0),
                    N(1.0)
                ]
            ),
            "1.235e+04|      3.14|2.5       |+3|3.|1.00000|1.00"
        );
        assert_eq!(
            ok(
                "%f|%e|%g",
                &[N(f64::INFINITY), N(f64::NEG_INFINITY), N(f64::NAN)]
            ),
            "inf|-inf|nan"
        );
        assert_eq!(
            ok(
                "%5.1f|%05.1f|%-8g|",
                &[N(f64::INFINITY), N(f64::NEG_INFINITY), N(f64::NAN)]
            ),
            "  inf| -inf|nan     |"
        );
        assert_eq!(
            ok(
                "[%+f|% f|%+e|% g|%+.3g|%010.2f|%-10.2e|%+010.2f]",
                &[
                    N(f64::INFINITY),
                    N(f64::NAN),
                    N(f64::INFINITY),
                    N(f64::NAN),
                    N(f64::NEG_INFINITY),
                    N(-1.5),
                    N(2.25),
                    N(3.14158)
                ]
            ),
            "[+inf| nan|+inf| nan|-inf|-000001.50|2.25e+00  |+000003.14]"
        );
        assert_eq!(
            ok(
                "%F|%G|%E",
                &[N(f64::INFINITY), N(f64::NAN), N(f64::NEG_INFINITY)]
            ),
            "INF|NAN|-INF"
        );
        assert_eq!(ok("%.20g", &[N(0.1)]), "0.10000000000000000555");
        assert_eq!(
            ok(
                "%g|%g|%g|%g",
                &[N(1e15), N(1e16), N(123456789.0), N(0.0001)]
            ),
            "1e+15|1e+16|1.23457e+08|0.0001"
        );
        assert_eq!(
            ok("%.99f", &[N(1.0 / 3.0)]),
            "0.333333333333333314829616256247390992939472198486328125000000000000000000000000000000000000000000000"
        );
        assert_eq!(
            ok("%099.10f", &[N(1.0 / 3.0)]),
            "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000.3333333333"
        );
        assert_eq!(
            ok(
                "%5.2g|%.0e|%#.0e|%5.f|%.f|%#.e|%#g|%#.0g|%g",
                &[
                    N(123.456),
                    N(5e10),
                    N(5e10),
                    N(2.5),
                    N(3.5),
                    N(10.0),
                    N(0.0),
                    N(0.0),
                    N(1e-5)
                ]
            ),
            "1.2e+02|5e+10|5.e+10|    3|4|1.e+01|0.00000|0.|1e-05"
        );
        assert_eq!(ok("%f", &[N(-0.0)]), "-0.000000");
        assert_eq!(ok("%.3f", &[N(f64::from_bits(1))]), "0.000");
    }

    #[test]
    fn hex_floats() {
        assert_eq!(
            ok(
                "[%a|%A|%.0a|%.1a|%.3a|%#a|%10a|%-10a|%010a|%+a|% a|%a|%a|%a|%a|%.20a|%a|%.0a|%#.0a]",
                &[
                    N(1.0),
                    N(255.5),
                    N(1.5),
                    N(1.03125),
                    N(0.1),
                    N(1.0),
                    N(1.0),
                    N(1.0),
                    N(1.0),
                    N(1.0),
                    N(1.0),
                    N(0.0),
                    N(-0.0),
                    N(f64::from_bits(1)),
                    N(2.2250738585072014e-308),
                    N(1.0 / 3.0),
                    N(1e300),
                    N(1.96875),
                    N(1.0)
                ]
            ),
            "[0x1p+0|0X1.FFP+7|0x2p+0|0x1.1p+0|0x1.99ap-4|0x1.p+0|    0x1p+0|0x1p+0    |\
             0x00001p+0|+0x1p+0| 0x1p+0|0x0p+0|-0x0p+0|0x1p-1074|0x1p-1022|\
             0x1.55555555555550000000p-2|0x1.7e43c8800759cp+996|0x2p+0|0x1.p+0]"
        );
        assert_eq!(ok("%a|%A", &[N(f64::INFINITY), N(f64::NAN)]), "inf|NAN");
    }

    #[test]
    fn strings() {
        assert_eq!(
            ok("%10s|%-10s|%.2s", &[S(b"abc"), S(b"abc"), S(b"abc")]),
            "       abc|abc       |ab"
        );
        assert_eq!(
            ok("%5.3s|%.0s|%.s", &[S(b"abcdef"), S(b"x"), S(b"y")]),
            "  abc||"
        );
        // LuaJIT converts any value with tostring.
        assert_eq!(
            ok("%s|%s|%s|%s", &[Nil, Bool(true), N(1.5), N(1e15)]),
            "nil|true|1.5|1e+15"
        );
        assert_eq!(ok("%s", &[Obj(0x7fca10603a68)]), "table: 0x7fca10603a68");
        assert_eq!(ok("%10s", &[S(b"a\0b")]), "       a\0b");
        assert_eq!(ok("%%|100%%", &[]), "%|100%");
    }

    #[test]
    fn quoted() {
        assert_eq!(
            ok("%q", &[S(b"a\0b\x01c\x012\r\n\t\"\\\x7f\xc8\xffx")]),
            String::from_utf8_lossy(b"\"a\\0b\\1c\\0012\\13\\\n\\9\\\"\\\\\\127\xc8\xffx\"")
        );
        assert_eq!(ok("%q", &[S(b"\x001")]), "\"\\0001\"");
        assert_eq!(ok("%q", &[S(b"\r\n1\0")]), "\"\\13\\\n1\\0\"");
        assert_eq!(ok("%q", &[S(b"\x1f9\x1f")]), "\"\\0319\\31\"");
        assert_eq!(
            ok("%q|%q|%q", &[N(1.0 / 3.0), N(12.0), Nil]),
            "\"0.33333333333333\"|\"12\"|\"nil\""
        );
        assert_eq!(ok("%10q", &[S(b"x")]), "\"x\"");
    }

    #[test]
    fn pointers() {
        assert_eq!(ok("%p", &[Obj(0x7fca10603a68)]), "0x7fca10603a68");
        assert_eq!(ok("%p", &[Obj(0x1000)]), "0x00001000");
        assert_eq!(ok("%p", &[Obj(0x1_0000_0000)]), "0x0100000000");
        assert_eq!(ok("%p", &[Nil]), "NULL");
    }

    #[test]
    fn errors() {
        assert_eq!(
            fmt("%y", &[N(1.0)]).unwrap_err(),
            "invalid option '%y' to 'format'"
        );
        assert_eq!(
            fmt("%5y", &[N(1.0)]).unwrap_err(),
            "invalid option '%y' to 'format'"
        );
        assert_eq!(fmt("%", &[]).unwrap_err(), "invalid option '%' to 'format'");
        assert_eq!(
            fmt("abc%", &[]).unwrap_err(),
            "invalid option '%' to 'format'"
        );
        assert_eq!(
            fmt("%5%", &[]).unwrap_err(),
            "invalid option '%%' to 'format'"
        );
        assert_eq!(
            fmt("%123d", &[N(1.0)]).unwrap_err(),
            "invalid format (width or precision too long)"
        );
        assert_eq!(
            fmt("%1.123d", &[N(1.0)]).unwrap_err(),
            "invalid format (width or precision too long)"
        );
        assert_eq!(
            fmt("%d", &[]).unwrap_err(),
            "bad argument #2 to 'format' (no value)"
        );
        assert_eq!(
            fmt("%d %d", &[N(1.0)]).unwrap_err(),
            "bad argument #3 to 'format' (no value)"
        );
        assert_eq!(
            fmt("%d", &[S(b"x")]).unwrap_err(),
            "bad argument #2 to 'format' (number expected, got string)"
        );
        assert_eq!(
            fmt("%d", &[Nil]).unwrap_err(),
            "bad argument #2 to 'format' (number expected, got nil)"
        );
        // Extra arguments are ignored.
        assert_eq!(ok("%s %s", &[N(1.0), N(2.0), N(3.0)]), "1 2");
    }

    /// Differential test against luajit: 1200 random conversions (flags, width,
    /// precision) of numbers and strings; see `testdata/format_gen.py`.
    #[test]
    fn agrees_with_luajit_on_random_formats() {
        fn unhex(h: &str) -> Vec<u8> {
            (0..h.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                .collect()
        }
        let data = include_str!("testdata/format_luajit.txt");
        let mut checked = 0;
        for line in data.lines() {
            let (head, want) = line.split_once('\t').unwrap();
            let (fmt_hex, arg) = head.split_once(' ').unwrap();
            let fmt = unhex(fmt_hex);
            let arg = match arg.as_bytes()[0] {
                b'n' => N(String::from_utf8(unhex(&arg[1..]))
                    .unwrap()
                    .parse::<f64>()
                    .unwrap()),
                _ => S(unhex(&arg[1..]).leak()),
            };
            let got = match format(&fmt, &mut Args(vec![arg])) {
                Ok(out) => {
                    let mut s = String::from("s");
                    for c in out {
                        s.push_str(&alloc::format!("{c:02x}"));
                    }
                    s
                }
                Err(e) => alloc::format!("E:{}", e.message("format", "")),
            };
            assert_eq!(got, want, "format {:?}", String::from_utf8_lossy(&fmt));
            checked += 1;
        }
        assert_eq!(checked, 1200);
    }
}
