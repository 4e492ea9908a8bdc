//! The `string` library: byte-slice algorithms of the simple functions, with LuaJIT
//! 2.1's index rules.
//!
//! Invariants and choices:
//! - Strings are byte strings; case mapping and classes use the C locale (ASCII only).
//! - Integer arguments arrive already converted with [`super::conv::to_int`] (LuaJIT's
//!   `lj_lib_checkint`): truncation toward zero, out-of-range values become `i32::MIN`.
//!   Index arithmetic is done in `i64`, so no argument can overflow it.
//! - Results that would exceed [`MAX_STR_LEN`] bytes are the error "not enough memory",
//!   raised before anything is allocated (LuaJIT's `LJ_MAX_STR` check).
//!
//! The pattern functions live in [`super::strsearch`], `string.format` in
//! [`super::strformat`].

use alloc::vec::Vec;

use super::error::LibError;

/// Longest string a library function builds (LuaJIT's `LJ_MAX_STR`).
pub const MAX_STR_LEN: usize = 0x7fff_ff00;

/// Most values `string.byte` returns at once (`LUAI_MAXCSTACK`).
pub const MAX_BYTE_RESULTS: usize = 8000;

/// The error for a result too large to build.
pub fn too_large() -> LibError {
    LibError::runtime("not enough memory")
}

/// The byte range `[start, end)` that `string.sub(s, i, j)` selects in a string of
/// `len` bytes (`j` defaults to -1): negative indices count from the end, `i` is
/// raised to 1 and `j` lowered to `len`.
pub fn sub_range(len: usize, i: i32, j: i32) -> (usize, usize) {
    let len = len as i64;
    let mut start = i64::from(i);
    let mut end = i64::from(j);
    if end < 0 {
        end += len + 1;
    } else if end > len {
        end = len;
    }
    if start < 0 {
        start += len + 1;
    }
    if start < 1 {
        start = 1;
    }
    if start > end {
        (0, 0)
    } else {
        ((start - 1) as usize, end as usize)
    }
}

/// `string.sub(s, i, j)`.
pub fn sub(s: &[u8], i: i32, j: i32) -> &[u8] {
    let (a, b) = sub_range(s.len(), i, j);
    &s[a..b]
}

/// `string.byte(s, i, j)` (`j` defaults to `i`): the selected bytes, or the error
/// "string slice too long" for more than [`MAX_BYTE_RESULTS`].
pub fn byte(s: &[u8], i: i32, j: i32) -> Result<&[u8], LibError> {
    let len = s.len() as i64;
    let (mut start, mut stop) = (i64::from(i), i64::from(j));
    if stop < 0 {
        stop += len + 1;
    }
    if start < 0 {
        start += len + 1;
    }
    if start <= 0 {
        start = 1;
    }
    if stop > len {
        stop = len;
    }
    if start > stop {
        return Ok(&[]);
    }
    let n = (stop - start + 1) as usize;
    if n > MAX_BYTE_RESULTS {
        return Err(LibError::runtime("string slice too long"));
    }
    Ok(&s[(start - 1) as usize..stop as usize])
}

/// `string.char(...)` for one argument (1-based `arg`, already converted to an int).
pub fn char_byte(arg: usize, code: i32) -> Result<u8, LibError> {
    u8::try_from(code).map_err(|_| LibError::bad_arg(arg, "invalid value"))
}

/// `string.rep(s, n, sep)` (LuaJIT 2.1 takes the separator, as Lua 5.2 does).
pub fn rep(s: &[u8], n: i32, sep: &[u8]) -> Result<Vec<u8>, LibError> {
    if n <= 0 {
        return Ok(Vec::new());
    }
    let n = n as usize;
    let total = s
        .len()
        .checked_mul(n)
        .and_then(|t| sep.len().checked_mul(n - 1).and_then(|u| t.checked_add(u)))
        .filter(|&t| t <= MAX_STR_LEN)
        .ok_or_else(too_large)?;
    let mut out = Vec::new();
    out.try_reserve_exact(total).map_err(|_| too_large())?;
    out.extend_from_slice(s);
    if n == 1 || total == 0 {
        return Ok(out);
    }
    // Each further copy is `sep .. s`; grow by doubling what is already there.
    out.extend_from_slice(sep);
    out.extend_from_slice(s);
    while out.len() < total {
        let have = out.len() - s.len(); // bytes of whole `sep .. s` units
        let take = have.min(total - out.len());
        out.extend_from_within(s.len()..s.len() + take);
    }
    out.truncate(total);
    Ok(out)
}

/// `string.lower(s)`.
pub fn lower(s: &[u8]) -> Vec<u8> {
    s.to_ascii_lowercase()
}

/// `string.upper(s)`.
pub fn upper(s: &[u8]) -> Vec<u8> {
    s.to_ascii_uppercase()
}

/// `string.reverse(s)`.
pub fn reverse(s: &[u8]) -> Vec<u8> {
    s.iter().rev().copied().collect()
}

/// The error of `tonumber` with a base outside 2..=36.
pub fn base_out_of_range() -> LibError {
    LibError::bad_arg(2, "base out of range")
}

fn is_c_space(c: u8) -> bool {
    c == b' ' || (b'\t'..=b'\r').contains(&c)
}

/// `tonumber(s, base)` for a base other than 10 (base 10 is ordinary number parsing),
/// as LuaJIT does it with C's `strtoul`: surrounding whitespace and a sign are allowed,
/// base 16 accepts a `0x` prefix, the digits must reach the end of the string (which,
/// being a C string, ends at its first NUL), and values beyond 2^64-1 saturate.
/// `base` must be in 2..=36.
pub fn tonumber_base(s: &[u8], base: u32) -> Option<f64> {
    debug_assert!((2..=36).contains(&base));
    let s = match s.iter().position(|&c| c == 0) {
        Some(n) => &s[..n],
        None => s,
    };
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    let neg = match s.get(i) {
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
    // LuaJIT requires an alphanumeric character here, so that strtoul's own
    // whitespace and sign skipping never applies.
    if !s.get(i).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    let digit = |c: u8| char::from(c).to_digit(36).filter(|&d| d < base);
    // strtoul skips "0x" in base 16 only when a hex digit follows.
    if base == 16
        && s.get(i) == Some(&b'0')
        && matches!(s.get(i + 1), Some(b'x' | b'X'))
        && s.get(i + 2).copied().and_then(digit).is_some()
    {
        i += 2;
    }
    let start = i;
    let mut value: u64 = 0;
    let mut overflow = false;
    while let Some(d) = s.get(i).copied().and_then(digit) {
        match value
            .checked_mul(u64::from(base))
            .and_then(|v| v.checked_add(u64::from(d)))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
        i += 1;
    }
    if i == start {
        return None;
    }
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    if i != s.len() {
        return None;
    }
    let n = if overflow {
        u64::MAX as f64
    } else {
        value as f64
    };
    Some(if neg { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values: luajit 2.1.

    #[test]
    fn sub_follows_luajit_index_rules() {
        let s = b"hello";
        assert_eq!(sub(s, 2, -1), b"ello");
        assert_eq!(sub(s, -3, -2), b"ll");
        assert_eq!(sub(s, 0, -1), b"hello");
        assert_eq!(sub(s, 10, -1), b"");
        assert_eq!(sub(s, 2, 100), b"ello");
        assert_eq!(sub(s, -100, 2), b"he");
        assert_eq!(sub(s, 2, 3), b"el"); // sub(s, 2.5, 3.5) after truncation
        assert_eq!(sub(s, i32::MIN, i32::MIN), b""); // sub(s, 2^31, 2^32)
        assert_eq!(sub(s, i32::MIN, -1), b"hello");
        assert_eq!(sub(s, 3, 2), b"");
        assert_eq!(sub(b"", 1, -1), b"");
        assert_eq!(sub(s, i32::MAX, i32::MAX), b"");
    }

    #[test]
    fn byte_ranges() {
        assert_eq!(byte(b"hello", 1, 1).unwrap(), b"h");
        assert_eq!(byte(b"hello", 2, 4).unwrap(), b"ell");
        assert_eq!(byte(b"hello", -1, -1).unwrap(), b"o");
        assert_eq!(byte(b"hello", 0, 0).unwrap(), b"");
        assert_eq!(byte(b"hello", 10, 10).unwrap(), b"");
        assert_eq!(byte(b"", 1, 1).unwrap(), b"");
        assert_eq!(byte(b"hello", -100, 100).unwrap(), b"hello");
        let big = alloc::vec![b'x'; 9000];
        assert_eq!(byte(&big, 1, 8000).unwrap().len(), 8000);
        assert_eq!(
            byte(&big, 1, -1).unwrap_err(),
            LibError::runtime("string slice too long")
        );
    }

    #[test]
    fn char_checks_range() {
        assert_eq!(char_byte(1, 72), Ok(b'H'));
        assert_eq!(char_byte(1, 0), Ok(0));
        assert_eq!(
            char_byte(2, 256),
            Err(LibError::bad_arg(2, "invalid value"))
        );
        assert_eq!(char_byte(1, -1), Err(LibError::bad_arg(1, "invalid value")));
    }

    #[test]
    fn rep_with_and_without_separator() {
        assert_eq!(rep(b"ab", 3, b",").unwrap(), b"ab,ab,ab");
        assert_eq!(rep(b"ab", 3, b"").unwrap(), b"ababab");
        assert_eq!(rep(b"ab", 0, b"").unwrap(), b"");
        assert_eq!(rep(b"ab", -1, b",").unwrap(), b"");
        assert_eq!(rep(b"ab", 1, b",").unwrap(), b"ab");
        assert_eq!(rep(b"abc", 5, b"--").unwrap(), b"abc--abc--abc--abc--abc");
        assert_eq!(rep(b"", 4, b"-").unwrap(), b"---");
        assert_eq!(rep(b"x", 1000, b"").unwrap(), alloc::vec![b'x'; 1000]);
        assert_eq!(rep(b"", 1_000_000_000, b"").unwrap(), b"");
        assert_eq!(rep(b"x", i32::MIN, b"").unwrap(), b""); // rep("x", 2^31) in luajit
        assert_eq!(rep(b"xx", i32::MAX, b"").unwrap_err(), too_large());
        assert_eq!(rep(b"", i32::MAX, b"y").unwrap_err(), too_large());
    }

    #[test]
    fn case_and_reverse() {
        assert_eq!(lower(b"HeLLo\xc8"), b"hello\xc8");
        assert_eq!(upper(b"hello"), b"HELLO");
        assert_eq!(reverse(b"abc"), b"cba");
        assert_eq!(reverse(b""), b"");
    }

    #[test]
    fn tonumber_with_bases() {
        assert_eq!(tonumber_base(b"10", 16), Some(16.0));
        assert_eq!(tonumber_base(b"ff", 16), Some(255.0));
        assert_eq!(tonumber_base(b"FF", 16), Some(255.0));
        assert_eq!(tonumber_base(b"zz", 36), Some(1295.0));
        assert_eq!(tonumber_base(b"z", 35), None);
        assert_eq!(tonumber_base(b"  11  ", 2), Some(3.0));
        assert_eq!(tonumber_base(b"12", 2), None);
        assert_eq!(tonumber_base(b"", 16), None);
        assert_eq!(tonumber_base(b"  ", 16), None);
        assert_eq!(tonumber_base(b"-ff", 16), Some(-255.0));
        assert_eq!(tonumber_base(b"+ff", 16), Some(255.0));
        assert_eq!(tonumber_base(b"0x10", 16), Some(16.0));
        assert_eq!(tonumber_base(b" 0x10 ", 16), Some(16.0));
        assert_eq!(tonumber_base(b"0x", 16), None);
        assert_eq!(tonumber_base(b"0xg", 16), None);
        assert_eq!(tonumber_base(b"0x10", 36), Some(42804.0)); // x is a digit here
        assert_eq!(
            tonumber_base(b"ffffffffffffffffffff", 16),
            Some(18446744073709551615.0)
        );
        assert_eq!(tonumber_base(b"7fffffff", 16), Some(2147483647.0));
        assert_eq!(tonumber_base(b"100000000", 16), Some(4294967296.0));
        assert_eq!(tonumber_base(b"1\0", 16), Some(1.0));
        assert_eq!(
            tonumber_base(b"-0", 16).map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        assert_eq!(tonumber_base(b" -  1", 16), None);
        assert_eq!(tonumber_base(b"-+1", 16), None);
        assert_eq!(tonumber_base(b"1_0", 16), None);
        assert_eq!(tonumber_base(b"1 2", 16), None);
        assert_eq!(tonumber_base(b"\t\n12\x0b\x0c\r", 8), Some(10.0));
        assert_eq!(tonumber_base(b"1.5", 16), None);
    }
}
