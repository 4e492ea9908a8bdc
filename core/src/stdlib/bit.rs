//! LuaJIT's `bit` library: 32-bit operations on numbers.
//!
//! Every operand is first normalised with [`conv::to_bit`] (LuaJIT's `lj_num2bit`:
//! round to nearest-even and wrap modulo 2^32), and every result is a signed 32-bit
//! integer returned as a Lua number, so `bit.bor(2^31, 0)` is `-2147483648`. Shift and
//! rotate counts use their low five bits, as the x86 and AArch64 instructions do.
//! `tohex(x, n)` prints the low `|n|` hex digits of `x` (upper case when `n < 0`,
//! default 8); counts beyond 8 pad with zeros, exactly as LuaJIT's formatter does.
//!
//! The binding converts arguments (numbers, and strings that look like numbers) to
//! doubles and applies `to_bit`; the functions here take the normalised integers.

use alloc::vec::Vec;

use super::bind;
use super::conv;
use crate::value::Value;
use crate::vm::{LuaError, NativeFn, Vm};

/// `bit.tobit(x)`.
pub fn tobit(x: f64) -> i32 {
    conv::to_bit(x)
}

/// `bit.bnot(x)`.
pub fn bnot(x: i32) -> i32 {
    !x
}

/// `bit.bswap(x)`.
pub fn bswap(x: i32) -> i32 {
    x.swap_bytes()
}

/// `bit.band` of several operands.
pub fn band(xs: &[i32]) -> i32 {
    xs.iter().fold(-1, |a, &b| a & b)
}

/// `bit.bor` of several operands.
pub fn bor(xs: &[i32]) -> i32 {
    xs.iter().fold(0, |a, &b| a | b)
}

/// `bit.bxor` of several operands.
pub fn bxor(xs: &[i32]) -> i32 {
    xs.iter().fold(0, |a, &b| a ^ b)
}

/// `bit.lshift(x, n)`.
pub fn lshift(x: i32, n: i32) -> i32 {
    ((x as u32) << (n & 31)) as i32
}

/// `bit.rshift(x, n)` (logical).
pub fn rshift(x: i32, n: i32) -> i32 {
    ((x as u32) >> (n & 31)) as i32
}

/// `bit.arshift(x, n)` (arithmetic).
pub fn arshift(x: i32, n: i32) -> i32 {
    x >> (n & 31)
}

/// `bit.rol(x, n)`.
pub fn rol(x: i32, n: i32) -> i32 {
    (x as u32).rotate_left((n & 31) as u32) as i32
}

/// `bit.ror(x, n)`.
pub fn ror(x: i32, n: i32) -> i32 {
    (x as u32).rotate_right((n & 31) as u32) as i32
}

/// `bit.tohex(x, n)`; `n` is `None` when absent (8 digits).
pub fn tohex(x: i32, n: Option<i32>) -> Vec<u8> {
    let mut n = n.unwrap_or(8);
    let upper = n < 0;
    if upper {
        n = n.wrapping_neg(); // i32::MIN stays negative, as in C
    }
    let mut b = u64::from(x as u32);
    if n < 16 {
        // C's 64-bit shift by 4*n: the count wraps in 32 bits and uses 6 bits on x86.
        let shift = (n.wrapping_mul(4) as u32) & 63;
        b &= (1u64 << shift).wrapping_sub(1);
    }
    // LuaJIT stores the precision in 8 bits: (n + 1) & 255, minus one; -1 is "none".
    let prec = ((n.wrapping_add(1)) & 255) - 1;
    let digits: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut hex = Vec::with_capacity(16);
    while b != 0 {
        hex.push(digits[(b & 15) as usize]);
        b >>= 4;
    }
    let width = if prec < 0 {
        hex.len().max(1)
    } else {
        hex.len().max(prec as usize)
    };
    hex.resize(width, b'0');
    hex.reverse();
    hex
}

// ---- the library as natives -------------------------------------------------------------

/// Opens LuaJIT's `bit` library.
pub fn open(vm: &mut Vm) -> Result<(), LuaError> {
    const FNS: &[(&str, NativeFn)] = &[
        ("arshift", b_arshift),
        ("band", b_band),
        ("bnot", b_bnot),
        ("bor", b_bor),
        ("bswap", b_bswap),
        ("bxor", b_bxor),
        ("lshift", b_lshift),
        ("rol", b_rol),
        ("ror", b_ror),
        ("rshift", b_rshift),
        ("tobit", b_tobit),
        ("tohex", b_tohex),
    ];
    bind::new_lib(vm, "bit", FNS).map(|_| ())
}

/// Argument `i` normalised to 32 bits (numbers and numeric strings).
fn arg_bit(vm: &mut Vm, i: usize) -> Result<i32, LuaError> {
    Ok(tobit(vm.check_num(i)?))
}

fn ret_bit(vm: &mut Vm, x: i32) -> Result<usize, LuaError> {
    vm.ret1(Value::num(f64::from(x)))
}

fn b_tobit(vm: &mut Vm) -> Result<usize, LuaError> {
    let x = arg_bit(vm, 1)?;
    ret_bit(vm, x)
}

fn b_bnot(vm: &mut Vm) -> Result<usize, LuaError> {
    let x = arg_bit(vm, 1)?;
    ret_bit(vm, bnot(x))
}

fn b_bswap(vm: &mut Vm) -> Result<usize, LuaError> {
    let x = arg_bit(vm, 1)?;
    ret_bit(vm, bswap(x))
}

fn nary(vm: &mut Vm, f: fn(&[i32]) -> i32) -> Result<usize, LuaError> {
    let n = vm.nargs().max(1);
    let mut xs = Vec::with_capacity(n);
    for i in 1..=n {
        xs.push(arg_bit(vm, i)?);
    }
    ret_bit(vm, f(&xs))
}

fn b_band(vm: &mut Vm) -> Result<usize, LuaError> {
    nary(vm, band)
}

fn b_bor(vm: &mut Vm) -> Result<usize, LuaError> {
    nary(vm, bor)
}

fn b_bxor(vm: &mut Vm) -> Result<usize, LuaError> {
    nary(vm, bxor)
}

fn shift(vm: &mut Vm, f: fn(i32, i32) -> i32) -> Result<usize, LuaError> {
    let x = arg_bit(vm, 1)?;
    let n = arg_bit(vm, 2)?;
    ret_bit(vm, f(x, n))
}

fn b_lshift(vm: &mut Vm) -> Result<usize, LuaError> {
    shift(vm, lshift)
}

fn b_rshift(vm: &mut Vm) -> Result<usize, LuaError> {
    shift(vm, rshift)
}

fn b_arshift(vm: &mut Vm) -> Result<usize, LuaError> {
    shift(vm, arshift)
}

fn b_rol(vm: &mut Vm) -> Result<usize, LuaError> {
    shift(vm, rol)
}

fn b_ror(vm: &mut Vm) -> Result<usize, LuaError> {
    shift(vm, ror)
}

fn b_tohex(vm: &mut Vm) -> Result<usize, LuaError> {
    let x = arg_bit(vm, 1)?;
    let n = if vm.nargs() >= 2 {
        Some(arg_bit(vm, 2)?)
    } else {
        None
    };
    let s = tohex(x, n);
    let v = vm.new_str(&s)?;
    vm.ret1(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(x: f64, n: Option<f64>) -> alloc::string::String {
        alloc::string::String::from_utf8(tohex(tobit(x), n.map(tobit))).unwrap()
    }

    // Expected values: luajit 2.1 (bit library).

    #[test]
    fn tohex_matches_luajit() {
        assert_eq!(hex(255.0, None), "000000ff");
        assert_eq!(hex(255.0, Some(2.0)), "ff");
        assert_eq!(hex(255.0, Some(-2.0)), "FF");
        assert_eq!(hex(-1.0, None), "ffffffff");
        assert_eq!(hex(255.0, Some(20.0)), "000000000000000000ff");
        assert_eq!(hex(255.0, Some(-20.0)), "000000000000000000FF");
        assert_eq!(hex(305419896.0, Some(3.0)), "678");
        assert_eq!(hex(1.0, Some(0.0)), "");
        assert_eq!(hex(1.0, Some(-2147483648.0)), "");
        assert_eq!(hex(1.0, Some(2147483648.0)), "");
        assert_eq!(
            hex(1.0, Some(300.0)),
            "00000000000000000000000000000000000000000001"
        );
        assert_eq!(hex(1.0, Some(255.0)), "1");
        assert_eq!(hex(1.0, Some(256.0)), "1");
        assert_eq!(hex(1.0, Some(2.5)), "01");
        assert_eq!(hex(0.0, Some(255.0)), "0");
        assert_eq!(hex(0.0, Some(-8.0)), "00000000");
        assert_eq!(hex(-1.0, Some(-16.0)), "00000000FFFFFFFF");
    }

    #[test]
    fn operations_match_luajit() {
        assert_eq!(bnot(0), -1);
        assert_eq!(bnot(tobit(1.5)), -3);
        assert_eq!(band(&[0xff, 0x0f, 0x3]), 3);
        assert_eq!(band(&[1]), 1);
        assert_eq!(bor(&[1, 2, 4, tobit(8.7)]), 15);
        assert_eq!(bxor(&[5, 3]), 6);
        assert_eq!(lshift(1, 31), i32::MIN);
        assert_eq!(lshift(1, 32), 1);
        assert_eq!(lshift(1, 33), 2);
        assert_eq!(lshift(1, -1), i32::MIN);
        assert_eq!(rshift(-1, 28), 15);
        assert_eq!(arshift(-256, 4), -16);
        assert_eq!(rshift(1, tobit(4294967297.0)), 0);
        assert_eq!(rol(0x12345678, 4), 591751041);
        assert_eq!(ror(0x12345678, 4), -2128394905);
        assert_eq!(rol(1, -1), i32::MIN);
        assert_eq!(bswap(0x12345678), 2018915346);
        assert_eq!(bswap(-1), -1);
        assert_eq!(lshift(tobit(1.9), tobit(1.9)), 8);
        assert_eq!(bor(&[tobit(2147483648.0), 0]), i32::MIN);
        assert_eq!(band(&[tobit(-2147483648.0), -1]), i32::MIN);
    }
}
