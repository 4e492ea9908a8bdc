//! Numeral text to number, for the lexer.
//!
//! The lexer hands over the whole maximal numeral it scanned (`3..2`, `0x1p4`, `1e`,
//! `12abc`); the numeral is accepted only if all of it is a number: a decimal with optional
//! fraction and exponent, or a hexadecimal integer with optional fraction and binary exponent
//! (as C's `strtod`, which both PUC Lua 5.1 and LuaJIT accept). Hexadecimal values are
//! correctly rounded.

/// The value of numeral `text`, or `None` if it is malformed.
pub fn parse(text: &[u8]) -> Option<f64> {
    if text.len() > 2 && text[0] == b'0' && (text[1] | 0x20) == b'x' {
        return parse_hex(&text[2..]);
    }
    parse_decimal(text)
}

fn parse_decimal(text: &[u8]) -> Option<f64> {
    // Rust's parser also accepts "inf", "nan" and a leading sign: rule them out first.
    let mut digits = 0;
    let mut i = 0;
    while i < text.len() && text[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < text.len() && text[i] == b'.' {
        i += 1;
        while i < text.len() && text[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if i < text.len() && (text[i] | 0x20) == b'e' {
        i += 1;
        if i < text.len() && (text[i] == b'+' || text[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < text.len() && text[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != text.len() {
        return None;
    }
    core::str::from_utf8(text).ok()?.parse::<f64>().ok()
}

fn parse_hex(text: &[u8]) -> Option<f64> {
    let mut mant: u64 = 0;
    let mut exp: i64 = 0;
    let mut sticky = false;
    let mut digits = 0;
    let mut i = 0;
    let mut frac = false;
    while i < text.len() {
        let c = text[i];
        if c == b'.' && !frac {
            frac = true;
            i += 1;
            continue;
        }
        let Some(d) = (c as char).to_digit(16) else {
            break;
        };
        digits += 1;
        if mant >> 56 == 0 {
            mant = mant << 4 | d as u64;
            if frac {
                exp -= 4;
            }
        } else {
            sticky |= d != 0;
            if !frac {
                exp += 4;
            }
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if i < text.len() && (text[i] | 0x20) == b'p' {
        i += 1;
        let neg = match text.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        let mut e: i64 = 0;
        while i < text.len() && text[i].is_ascii_digit() {
            e = (e * 10 + (text[i] - b'0') as i64).min(1 << 20);
            i += 1;
        }
        if i == start {
            return None;
        }
        exp += if neg { -e } else { e };
    }
    if i != text.len() {
        return None;
    }
    if sticky {
        mant |= 1; // breaks ties correctly: mant has more than 53 + 2 significant bits here
    }
    let exp = exp.clamp(-4000, 4000) as i32;
    Some(libm::ldexp(mant as f64, exp))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn decimals() {
        assert_eq!(parse(b"0"), Some(0.0));
        assert_eq!(parse(b"3"), Some(3.0));
        assert_eq!(parse(b"3.25"), Some(3.25));
        assert_eq!(parse(b"3."), Some(3.0));
        assert_eq!(parse(b".5"), Some(0.5));
        assert_eq!(parse(b"1e3"), Some(1000.0));
        assert_eq!(parse(b"1E+3"), Some(1000.0));
        assert_eq!(parse(b"2.5e-1"), Some(0.25));
        assert_eq!(parse(b"1.e2"), Some(100.0));
        assert_eq!(parse(b"1e999"), Some(f64::INFINITY));
        assert_eq!(parse(b"0.1"), Some(0.1));
        for bad in [
            &b"1e"[..],
            b"1e+",
            b"3..2",
            b"1.2.3",
            b"12abc",
            b".",
            b"1x",
            b"1_000",
        ] {
            assert_eq!(parse(bad), None, "{:?}", core::str::from_utf8(bad));
        }
    }

    #[test]
    fn hexadecimals() {
        assert_eq!(parse(b"0x10"), Some(16.0));
        assert_eq!(parse(b"0XfF"), Some(255.0));
        assert_eq!(parse(b"0x1p4"), Some(16.0));
        assert_eq!(parse(b"0x1P-1"), Some(0.5));
        assert_eq!(parse(b"0xA.8"), Some(10.5));
        assert_eq!(parse(b"0x.8"), Some(0.5));
        assert_eq!(parse(b"0x1.8p1"), Some(3.0));
        assert_eq!(
            parse(b"0xffffffffffffffffff"),
            Some(4722366482869645213696.0)
        );
        assert_eq!(parse(b"0xffffffffffffffff"), Some(18446744073709551615.0));
        // 2^53 + 1 rounds to even (down); 2^53 + 3 rounds up.
        assert_eq!(parse(b"0x20000000000001"), Some(9007199254740992.0));
        assert_eq!(parse(b"0x20000000000003"), Some(9007199254740996.0));
        // A tie broken by a nonzero digit far to the right rounds up.
        assert_eq!(
            parse(b"0x200000000000010000001"),
            Some(parse(b"0x20000000000002").unwrap() * 16f64.powi(7))
        );
        for bad in [&b"0x"[..], b"0xg", b"0x1p", b"0x1e+1", b"0x1.2.3", b"0x1pz"] {
            assert_eq!(parse(bad), None, "{:?}", core::str::from_utf8(bad));
        }
    }
}
