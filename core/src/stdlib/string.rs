//! The `string` library: the natives (`open`), the string metatable, and the
//! byte-slice algorithms of the simple functions, with LuaJIT 2.1's index rules.
//!
//! Invariants and choices:
//! - Strings are byte strings; case mapping and classes use the C locale (ASCII only).
//! - Integer arguments arrive already converted with [`super::conv::to_int`] (LuaJIT's
//!   `lj_lib_checkint`): truncation toward zero, out-of-range values become `i32::MIN`.
//!   Index arithmetic is done in `i64`, so no argument can overflow it.
//! - Results that would exceed [`MAX_STR_LEN`] bytes are the error "not enough memory",
//!   raised before anything is allocated (LuaJIT's `LJ_MAX_STR` check).
//!
//! - The string metatable has only `__index` (the library table), as in LuaJIT, so
//!   `("x"):upper()` works and strings have no other metamethods.
//! - `string.dump` is always "unable to dump given function": crescent has no bytecode
//!   format to write.
//! - Natives keep every Lua value they need rooted across calls back into Lua
//!   (captures and replacement values travel as call arguments; subject, pattern and
//!   format strings are the native's own arguments).
//!
//! The pattern functions' engines live in [`super::strsearch`], `string.format`'s in
//! [`super::strformat`]; `tonumber(s, base)` ([`tonumber_base`]) is here because it is
//! a string conversion (the base library calls it).

use alloc::vec::Vec;

use super::bind::{self, Fail};
use super::error::LibError;
use super::pattern::{Capture, Captures, Matcher};
use super::strformat::{format, FormatArgs};
use super::strsearch::{
    find, gmatch_next, gsub, invalid_replacement, str_match as str_match_engine, Replacer,
    StrReplacer, Work,
};
use crate::value::{LuaType, Value};
use crate::vm::{LuaError, NativeFn, Vm};

/// Longest string a library function builds (LuaJIT's `LJ_MAX_STR`).
pub const MAX_STR_LEN: usize = 0x7fff_ff00;

/// Most values `string.byte` returns at once (`LUAI_MAXCSTACK`).
pub const MAX_BYTE_RESULTS: usize = 8000;

/// The error for a result too large to build.
pub fn too_large() -> LibError {
    LibError::Memory
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

// ---- the library as natives -------------------------------------------------------------

/// Opens the `string` library and sets the string metatable (`__index` is the library,
/// so `("x"):upper()` works).
pub fn open(vm: &mut Vm) -> Result<(), LuaError> {
    const FNS: &[(&str, NativeFn)] = &[
        ("byte", str_byte),
        ("char", str_char),
        ("dump", str_dump),
        ("find", str_find),
        ("format", str_format),
        ("gmatch", str_gmatch),
        ("gsub", str_gsub),
        ("len", str_len),
        ("lower", str_lower),
        ("match", str_match),
        ("rep", str_rep),
        ("reverse", str_reverse),
        ("sub", str_sub),
        ("upper", str_upper),
    ];
    let lib = bind::new_lib(vm, "string", FNS)?;
    vm.roots.push(lib);
    let r = (|| {
        let mt = vm.new_table(0, 1)?;
        vm.roots.push(mt);
        let r = bind::set_field(vm, mt, "__index", lib);
        vm.set_type_metatable(LuaType::String, mt);
        vm.roots.pop();
        r
    })();
    vm.roots.pop();
    r
}

fn str_len(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = bind::check_bytes(vm, 1)?;
    vm.ret1(Value::num(s.len() as f64))
}

fn str_sub(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = bind::check_bytes(vm, 1)?;
    let i = bind::check_int(vm, 2)?;
    let j = bind::opt_int(vm, 3, -1)?;
    let r = sub(s, i, j);
    if r.len() == s.len() {
        let v = vm.arg(1);
        return vm.ret1(v);
    }
    let v = vm.new_str(r)?;
    vm.ret1(v)
}

fn str_byte(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = bind::check_bytes(vm, 1)?;
    let i = bind::opt_int(vm, 2, 1)?;
    let j = bind::opt_int(vm, 3, i)?;
    let bytes = byte(s, i, j).map_err(|e| bind::lib_error(vm, e))?;
    for &b in bytes {
        vm.push(Value::num(f64::from(b)))?;
    }
    Ok(bytes.len())
}

fn str_char(vm: &mut Vm) -> Result<usize, LuaError> {
    let n = vm.nargs();
    let mut out = Vec::with_capacity(n);
    for i in 1..=n {
        let c = bind::check_int(vm, i)?;
        out.push(char_byte(i, c).map_err(|e| bind::lib_error(vm, e))?);
    }
    let v = vm.new_str(&out)?;
    vm.ret1(v)
}

fn str_rep(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = bind::check_bytes(vm, 1)?;
    let n = bind::check_int(vm, 2)?;
    let sep = vm.opt_bytes(3, b"")?;
    let total = s
        .len()
        .saturating_add(sep.len())
        .saturating_mul(n.max(0) as usize);
    vm.check_mem(total)?;
    let r = rep(s, n, sep).map_err(|e| bind::lib_error(vm, e))?;
    let v = vm.new_str(&r)?;
    vm.ret1(v)
}

fn str_map(vm: &mut Vm, f: fn(&[u8]) -> Vec<u8>) -> Result<usize, LuaError> {
    let s = bind::check_bytes(vm, 1)?;
    let r = f(s);
    let v = vm.new_str(&r)?;
    vm.ret1(v)
}

fn str_lower(vm: &mut Vm) -> Result<usize, LuaError> {
    str_map(vm, lower)
}

fn str_upper(vm: &mut Vm) -> Result<usize, LuaError> {
    str_map(vm, upper)
}

fn str_reverse(vm: &mut Vm) -> Result<usize, LuaError> {
    str_map(vm, reverse)
}

/// `string.dump`: crescent has no bytecode format to dump to, so this is always the
/// error LuaJIT gives for functions it cannot dump.
fn str_dump(vm: &mut Vm) -> Result<usize, LuaError> {
    let f = vm.arg(1);
    if !f.is_func() {
        return Err(vm.type_arg_error(1, "function"));
    }
    Err(vm.rt_error("unable to dump given function"))
}

/// Push the captures of a match as Lua values.
fn push_captures(vm: &mut Vm, s: &[u8], caps: &Captures) -> Result<usize, LuaError> {
    for c in caps.as_slice() {
        let v = capture_value(vm, s, c)?;
        vm.push(v)?;
    }
    Ok(caps.len())
}

fn capture_value(vm: &mut Vm, s: &[u8], c: &Capture) -> Result<Value, LuaError> {
    match *c {
        Capture::Str { start, end } => vm.new_str(&s[start..end]),
        Capture::Pos(p) => Ok(Value::num(p as f64)),
    }
}

/// Pattern work allowed: what is left of the step budget (one step per character test).
fn pattern_work(vm: &Vm) -> Work {
    Work {
        budget: vm.steps_remaining(),
        used: 0,
    }
}

/// Charges pattern work to the step budget; when the matcher ran out of it, charges one
/// step more than was left, which raises the budget's error (latched if hard) instead of
/// whatever error the matcher reported.
fn charge_work(vm: &mut Vm, w: &Work) -> Result<(), LuaError> {
    let Some(b) = w.budget else {
        return Ok(());
    };
    let cost = if w.used >= b {
        b.saturating_add(1)
    } else {
        w.used
    };
    vm.charge(i64::try_from(cost).unwrap_or(i64::MAX))
}

fn str_find(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = bind::check_bytes(vm, 1)?;
    let p = bind::check_bytes(vm, 2)?;
    let init = bind::opt_int(vm, 3, 1)?;
    let plain = vm.arg(4).is_truthy();
    let mut w = pattern_work(vm);
    let r = find(s, p, init, plain, &mut w);
    charge_work(vm, &w)?;
    match r.map_err(|e| bind::lib_error(vm, e.into()))? {
        None => vm.ret1(Value::NIL),
        Some(f) => {
            vm.push(Value::num(f.start as f64))?;
            vm.push(Value::num(f.end as f64))?;
            Ok(2 + push_captures(vm, s, &f.captures)?)
        }
    }
}

fn str_match(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = bind::check_bytes(vm, 1)?;
    let p = bind::check_bytes(vm, 2)?;
    let init = bind::opt_int(vm, 3, 1)?;
    let mut w = pattern_work(vm);
    let r = str_match_engine(s, p, init, &mut w);
    charge_work(vm, &w)?;
    match r.map_err(|e| bind::lib_error(vm, e.into()))? {
        None => vm.ret1(Value::NIL),
        Some(caps) => push_captures(vm, s, &caps),
    }
}

fn str_gmatch(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = vm.check_str(1)?;
    let p = vm.check_str(2)?;
    let f = vm.new_native(gmatch_aux, "gmatch_aux", &[s, p, Value::num(0.0)]);
    vm.ret1(f)
}

/// The iterator `string.gmatch` returns; upvalues: subject, pattern, next position.
fn gmatch_aux(vm: &mut Vm) -> Result<usize, LuaError> {
    let (sv, pv) = (vm.upvalue(0), vm.upvalue(1));
    let (s, p) = (vm.str_bytes(sv), vm.str_bytes(pv));
    let mut pos = vm.upvalue(2).as_num().unwrap_or(0.0) as usize;
    let mut w = pattern_work(vm);
    let r = gmatch_next(s, p, &mut pos, &mut w);
    charge_work(vm, &w)?;
    let r = r.map_err(|e| bind::lib_error(vm, e.into()))?;
    vm.set_upvalue(2, Value::num(pos as f64));
    match r {
        None => Ok(0),
        Some(caps) => push_captures(vm, s, &caps),
    }
}

/// A `gsub` replacement that calls a function or indexes a table.
struct LuaReplacer<'v> {
    vm: &'v mut Vm,
    repl: Value,
    is_table: bool,
}

impl Replacer for LuaReplacer<'_> {
    type Error = Fail;

    fn replace(
        &mut self,
        m: &Matcher<'_>,
        start: usize,
        end: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), Fail> {
        let s = m.subject();
        let vm = &mut *self.vm;
        let r = if self.is_table {
            let key = capture_value(vm, s, &m.capture(0, start, end)?)?;
            vm.index(self.repl, key)?
        } else {
            let caps = m.captures(Some((start, end)))?;
            let mut args = [Value::NIL; crate::stdlib::pattern::MAX_CAPTURES];
            for (slot, c) in args.iter_mut().zip(caps.as_slice()) {
                *slot = capture_value(vm, s, c)?;
                // Keep earlier captures rooted while later ones are allocated.
                vm.push(*slot)?;
            }
            vm.pop(caps.len());
            vm.call1(self.repl, &args[..caps.len()])?
        };
        if r.is_falsy() {
            out.extend_from_slice(&s[start..end]); // keep the original text
        } else if !bind::str_or_num(vm, r, out) {
            return Err(invalid_replacement(r.type_name()).into());
        }
        Ok(())
    }
}

/// The longest string a native may build: [`MAX_STR_LEN`], or less when the VM's
/// memory limit leaves less room.
fn result_budget(vm: &Vm) -> usize {
    let room = match vm.heap.limit {
        Some(limit) => limit.saturating_sub(vm.heap.total),
        None => usize::MAX,
    };
    room.min(MAX_STR_LEN)
}

fn str_gsub(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = bind::check_bytes(vm, 1)?;
    let p = bind::check_bytes(vm, 2)?;
    let repl = vm.arg(3);
    let max_n = if vm.arg(4).is_nil() {
        None
    } else {
        Some(bind::check_int(vm, 4)?)
    };
    let max_len = result_budget(vm);
    let (out, n) = if repl.is_str() || repl.is_num() {
        let r = bind::check_bytes(vm, 3)?;
        let mut w = pattern_work(vm);
        let r = gsub(s, p, &mut StrReplacer(r), max_n, max_len, &mut w);
        charge_work(vm, &w)?;
        r.map_err(|e| bind::lib_error(vm, e))?
    } else if repl.is_table() || repl.is_func() {
        let mut w = pattern_work(vm);
        let mut r = LuaReplacer {
            vm: &mut *vm,
            repl,
            is_table: repl.is_table(),
        };
        let r = gsub(s, p, &mut r, max_n, max_len, &mut w);
        charge_work(vm, &w)?;
        r.map_err(|e| e.raise(vm))?
    } else {
        return Err(vm.arg_error(3, "string/function/table expected"));
    };
    let v = vm.new_str(&out)?;
    vm.push(v)?;
    vm.push(Value::num(n as f64))?;
    Ok(2)
}

/// `string.format`'s view of the native's arguments.
struct VmArgs<'v> {
    vm: &'v mut Vm,
}

impl FormatArgs for VmArgs<'_> {
    type Error = Fail;

    fn count(&self) -> usize {
        self.vm.nargs()
    }

    fn number(&mut self, arg: usize) -> Result<f64, Fail> {
        Ok(self.vm.check_num(arg)?)
    }

    fn tostring(&mut self, arg: usize, out: &mut Vec<u8>) -> Result<(), Fail> {
        let v = self.vm.arg(arg);
        if bind::str_or_num(self.vm, v, out) {
            return Ok(());
        }
        let r = self.vm.tostring(v)?;
        if !bind::str_or_num(self.vm, r, out) {
            out.extend_from_slice(self.vm.default_tostring(r).as_bytes());
        }
        Ok(())
    }

    fn pointer(&mut self, arg: usize) -> Result<usize, Fail> {
        Ok(bind::value_address(self.vm.arg(arg)))
    }
}

fn str_format(vm: &mut Vm) -> Result<usize, LuaError> {
    let fmt = bind::check_bytes(vm, 1)?;
    let r = format(fmt, &mut VmArgs { vm: &mut *vm }).map_err(|e| e.raise(vm))?;
    let v = vm.new_str(&r)?;
    vm.ret1(v)
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
