//! Number-to-integer conversions as the library functions of LuaJIT 2.1 (x86-64 build,
//! the reference engine) perform them.
//!
//! Lua numbers are doubles; library arguments that are integers (`string.sub`'s
//! indices, `string.rep`'s count, `%d` in `string.format`, `bit` operands) are converted
//! with C casts whose out-of-range results are whatever the x86-64 conversion
//! instruction gives. Rust's `as` saturates instead, so each conversion is spelled out
//! here once, with the reference behaviour, and every library uses these:
//! - [`to_int`]: `(int32_t)n` (`cvttsd2si` 32-bit): truncation toward zero; NaN and
//!   anything outside `(-2^31-1, 2^31)` give `i32::MIN`;
//! - [`to_i64`]: `(int64_t)n`: the same on 64 bits;
//! - [`to_u64`]: LuaJIT's `%u %o %x` conversion: values `>= 2^63` wrap modulo 2^64;
//! - [`to_bit`]: LuaJIT's `lj_num2bit`: add 2^52+2^51 and keep the low 32 bits of the
//!   double's representation, which rounds to nearest-even and wraps modulo 2^32.

/// `(int32_t)n` on x86-64: truncation toward zero, `i32::MIN` when out of range or NaN.
pub fn to_int(n: f64) -> i32 {
    // The range test is false for NaN.
    if n > -2147483649.0 && n < 2147483648.0 {
        n as i32
    } else {
        i32::MIN
    }
}

/// `(int64_t)n` on x86-64: truncation toward zero, `i64::MIN` when out of range or NaN.
pub fn to_i64(n: f64) -> i64 {
    if (-9223372036854775808.0..9223372036854775808.0).contains(&n) {
        n as i64
    } else {
        i64::MIN
    }
}

/// LuaJIT 2.1's conversion for unsigned formats (`lj_strfmt_putfnum_uint`): numbers
/// at or above 2^63 are taken modulo 2^64, others truncated as [`to_i64`].
pub fn to_u64(n: f64) -> u64 {
    if n >= 9223372036854775808.0 {
        to_i64(n - 18446744073709551616.0) as u64
    } else {
        to_i64(n) as u64
    }
}

/// LuaJIT's `lj_num2bit`: the low 32 bits of `n + 2^52 + 2^51`, as a signed integer.
/// Rounds half to even and wraps modulo 2^32; NaN and infinities give 0.
pub fn to_bit(n: f64) -> i32 {
    let biased = n + 6755399441055744.0;
    biased.to_bits() as u32 as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_conversion_truncates_and_overflows_like_x86() {
        assert_eq!(to_int(2.7), 2);
        assert_eq!(to_int(-2.7), -2);
        assert_eq!(to_int(2147483647.9), 2147483647);
        assert_eq!(to_int(2147483648.0), i32::MIN);
        assert_eq!(to_int(-2147483648.9), i32::MIN);
        assert_eq!(to_int(-2147483649.0), i32::MIN);
        assert_eq!(to_int(1e10), i32::MIN);
        assert_eq!(to_int(f64::NAN), i32::MIN);
        assert_eq!(to_int(f64::INFINITY), i32::MIN);
    }

    #[test]
    fn i64_and_u64_conversions() {
        // luajit: ("%d"):format(-3.7) == "-3", 1e100 and 0/0 give -9223372036854775808.
        assert_eq!(to_i64(-3.7), -3);
        assert_eq!(to_i64(1e100), i64::MIN);
        assert_eq!(to_i64(f64::NAN), i64::MIN);
        // luajit: ("%x"):format(2^63) 8000000000000000, 2^64 0, 2^65 8000000000000000,
        // -1 ffffffffffffffff, 1/0 8000000000000000; ("%u"):format(2^63+2048)
        // 9223372036854777856, -0.5 gives 0.
        assert_eq!(to_u64(9223372036854775808.0), 0x8000_0000_0000_0000);
        assert_eq!(to_u64(18446744073709551616.0), 0);
        assert_eq!(to_u64(36893488147419103232.0), 0x8000_0000_0000_0000);
        assert_eq!(to_u64(-1.0), u64::MAX);
        assert_eq!(to_u64(f64::INFINITY), 0x8000_0000_0000_0000);
        assert_eq!(to_u64(f64::NEG_INFINITY), 0x8000_0000_0000_0000);
        assert_eq!(to_u64(9223372036854777856.0), 9223372036854777856);
        assert_eq!(to_u64(-0.5), 0);
        assert_eq!(to_u64(f64::NAN), 0x8000_0000_0000_0000);
    }

    #[test]
    fn bit_conversion_matches_luajit() {
        // Values printed by luajit's bit.tobit.
        assert_eq!(to_bit(4294967301.0), 5);
        assert_eq!(to_bit(2147483648.0), i32::MIN);
        assert_eq!(to_bit(-1.0), -1);
        assert_eq!(to_bit(1.5), 2);
        assert_eq!(to_bit(2.5), 2);
        assert_eq!(to_bit(-1.5), -2);
        assert_eq!(to_bit(0.5), 0);
        assert_eq!(to_bit(3.5), 4);
        assert_eq!(to_bit(4503599627370496.0), 0);
        assert_eq!(to_bit(9007199254740994.0), 1);
        assert_eq!(to_bit(1e100), 630506365);
        assert_eq!(to_bit(f64::INFINITY), 0);
        assert_eq!(to_bit(f64::NAN), 0);
        assert_eq!(to_bit(-2147483649.0), 2147483647);
        assert_eq!(to_bit(4294967295.5), 0);
        assert_eq!(to_bit(6755399441055744.0), 0);
    }
}
