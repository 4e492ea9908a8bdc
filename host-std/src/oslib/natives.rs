//! The `os` library's native functions, bound to the VM.
//!
//! Invariant: every os native has one upvalue, a userdata holding the process's
//! [`StdStreams`], so `os.exit` can flush standard output and every open file before the
//! process ends (C's `exit` flushes every `FILE`); nothing else needs host state.
//! Results follow LuaJIT 2.1 (and PUC Lua 5.1 where they agree): `os.exit(true)` is status
//! 0, `os.remove`/`os.rename` return `true` or `nil, "name: reason", errno`.

use super::files;
use super::time::{self, Date, DateFields};
use crate::iolib::open::FileError;
use crate::iolib::StdStreams;
use crescent_core::value::Value;
use crescent_core::vm::{LuaError, NativeFn, Vm};
use std::ffi::CString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

struct OsEnv(StdStreams);

fn streams(vm: &Vm) -> Option<StdStreams> {
    crate::iolib::natives::with_payload(vm.upvalue(0), |p| {
        p.downcast_ref::<OsEnv>().map(|e| e.0.clone())
    })
}

fn fail(vm: &mut Vm, e: &FileError) -> Result<usize, LuaError> {
    vm.push(Value::NIL)?;
    let m = vm.new_str(&e.message)?;
    vm.push(m)?;
    vm.push(Value::num(f64::from(e.errno)))?;
    Ok(3)
}

/// A time argument as LuaJIT converts it (`lj_num2int_type`: truncation).
fn time_arg(vm: &mut Vm, i: usize) -> Result<i64, LuaError> {
    let n = vm.check_num(i)?;
    Ok(n as i64)
}

fn os_clock(vm: &mut Vm) -> Result<usize, LuaError> {
    vm.ret1(Value::num(time::clock()))
}

fn os_date(vm: &mut Vm) -> Result<usize, LuaError> {
    let format = vm.opt_bytes(1, b"%c")?.to_vec();
    let t = if vm.arg(2).is_nil() {
        time::now()
    } else {
        time_arg(vm, 2)?
    };
    match time::date(&format, t) {
        Date::Invalid => vm.ret1(Value::NIL),
        Date::Text(s) => {
            let v = vm.new_str(&s)?;
            vm.ret1(v)
        }
        Date::Table(f) => {
            let t = vm.new_table(0, 9)?;
            vm.push(t)?;
            let fields = [
                ("sec", f.sec),
                ("min", f.min),
                ("hour", f.hour),
                ("day", f.day),
                ("month", f.month),
                ("year", f.year),
                ("wday", f.wday),
                ("yday", f.yday),
            ];
            for (k, v) in fields {
                let key = vm.new_str(k.as_bytes())?;
                vm.raw_set(t, key, Value::num(f64::from(v)))?;
            }
            if let Some(d) = f.isdst {
                let key = vm.new_str(b"isdst")?;
                vm.raw_set(t, key, Value::boolean(d))?;
            }
            Ok(1)
        }
    }
}

/// A date-table field (`getfield` in LuaJIT's `os_time`): a number (or numeric string),
/// else `default`, else the "missing" error when there is no default.
fn date_field(vm: &mut Vm, t: Value, key: &str, default: Option<i32>) -> Result<i32, LuaError> {
    let k = vm.new_str(key.as_bytes())?;
    let v = vm.index(t, k)?;
    match vm.to_number(v) {
        Some(n) => Ok((n as i64).clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32),
        None => match default {
            Some(d) => Ok(d),
            None => Err(vm.rt_error(&format!("field '{key}' missing in date table"))),
        },
    }
}

fn os_time(vm: &mut Vm) -> Result<usize, LuaError> {
    if vm.arg(1).is_nil() {
        return vm.ret1(Value::num(time::now() as f64));
    }
    let t = vm.check_table(1)?;
    let sec = date_field(vm, t, "sec", Some(0))?;
    let min = date_field(vm, t, "min", Some(0))?;
    let hour = date_field(vm, t, "hour", Some(12))?;
    let day = date_field(vm, t, "day", None)?;
    let month = date_field(vm, t, "month", None)?;
    let year = date_field(vm, t, "year", None)?;
    let k = vm.new_str(b"isdst")?;
    let d = vm.index(t, k)?;
    let isdst = if d.is_nil() {
        None
    } else {
        Some(d.is_truthy())
    };
    let fields = DateFields {
        sec,
        min,
        hour,
        day,
        month,
        year,
        wday: 0,
        yday: 0,
        isdst,
    };
    match time::make_time(&fields) {
        Some(secs) => vm.ret1(Value::num(secs as f64)),
        None => vm.ret1(Value::NIL),
    }
}

fn os_difftime(vm: &mut Vm) -> Result<usize, LuaError> {
    let t2 = time_arg(vm, 1)?;
    let t1 = if vm.arg(2).is_nil() {
        0
    } else {
        time_arg(vm, 2)?
    };
    vm.ret1(Value::num(t2 as f64 - t1 as f64))
}

fn os_execute(vm: &mut Vm) -> Result<usize, LuaError> {
    if let Some(s) = streams(vm) {
        s.flush_all();
    }
    let status = if vm.arg(1).is_nil() {
        // SAFETY: system(NULL) only asks whether a shell exists.
        unsafe { libc::system(std::ptr::null()) }
    } else {
        let cmd = vm.check_bytes(1)?;
        let end = cmd.iter().position(|&b| b == 0).unwrap_or(cmd.len());
        let c = CString::new(&cmd[..end]).unwrap_or_default();
        // SAFETY: `c` is a valid NUL-terminated string that outlives the call.
        unsafe { libc::system(c.as_ptr()) }
    };
    vm.ret1(Value::num(f64::from(status)))
}

fn os_exit(vm: &mut Vm) -> Result<usize, LuaError> {
    let v = vm.arg(1);
    let code = if v.is_bool() {
        if v.is_truthy() {
            0
        } else {
            1
        }
    } else {
        vm.opt_int(1, 0)? as i32
    };
    if let Some(s) = streams(vm) {
        s.flush_all();
    }
    std::process::exit(code)
}

fn os_getenv(vm: &mut Vm) -> Result<usize, LuaError> {
    let name = vm.check_bytes(1)?;
    // Names C's getenv can never match are answered here (std may refuse them).
    let value = if name.contains(&0) || name.is_empty() || name.contains(&b'=') {
        None
    } else {
        std::env::var_os(std::ffi::OsStr::from_bytes(name))
    };
    match value {
        Some(v) => {
            let s = vm.new_str(&v.into_vec())?;
            vm.ret1(s)
        }
        None => vm.ret1(Value::NIL),
    }
}

fn os_remove(vm: &mut Vm) -> Result<usize, LuaError> {
    let name = vm.check_bytes(1)?;
    match files::remove(name) {
        Ok(()) => vm.ret1(Value::boolean(true)),
        Err(e) => fail(vm, &e),
    }
}

fn os_rename(vm: &mut Vm) -> Result<usize, LuaError> {
    let from = vm.check_bytes(1)?;
    let to = vm.check_bytes(2)?;
    match files::rename(from, to) {
        Ok(()) => vm.ret1(Value::boolean(true)),
        Err(e) => fail(vm, &e),
    }
}

fn os_tmpname(vm: &mut Vm) -> Result<usize, LuaError> {
    match files::tmpname() {
        Ok(n) => {
            let s = vm.new_str(&n)?;
            vm.ret1(s)
        }
        Err(msg) => Err(vm.rt_error(msg)),
    }
}

/// `os.setlocale`: crescent runs in the C locale only, so it answers `"C"` for queries and
/// for `"C"`, `"POSIX"` or `""`, and `nil` (cannot change) for any other locale.
fn os_setlocale(vm: &mut Vm) -> Result<usize, LuaError> {
    let locale = if vm.arg(1).is_nil() {
        None
    } else {
        Some(vm.check_bytes(1)?.to_vec())
    };
    let category = vm.opt_bytes(2, b"all")?;
    if !matches!(
        category,
        b"all" | b"collate" | b"ctype" | b"monetary" | b"numeric" | b"time"
    ) {
        let msg = format!("invalid option '{}'", String::from_utf8_lossy(category));
        return Err(vm.arg_error(2, &msg));
    }
    match locale.as_deref() {
        None | Some(b"C" | b"POSIX" | b"") => {
            let s = vm.new_str(b"C")?;
            vm.ret1(s)
        }
        Some(_) => vm.ret1(Value::NIL),
    }
}

/// Opens the os library; `os.exit` flushes `streams` before ending the process.
pub fn open_os(vm: &mut Vm, streams: &StdStreams) -> Result<(), LuaError> {
    let holder = vm.new_userdata(Some(Box::new(OsEnv(streams.clone()))))?;
    vm.roots.push(holder);
    let os = vm.new_table(0, 12)?;
    vm.roots.push(os);
    let fns: [(&'static str, NativeFn); 11] = [
        ("clock", os_clock),
        ("date", os_date),
        ("difftime", os_difftime),
        ("execute", os_execute),
        ("exit", os_exit),
        ("getenv", os_getenv),
        ("remove", os_remove),
        ("rename", os_rename),
        ("setlocale", os_setlocale),
        ("time", os_time),
        ("tmpname", os_tmpname),
    ];
    for (name, f) in fns {
        let v = vm.new_native(f, name, &[holder]);
        let k = vm.new_str(name.as_bytes())?;
        vm.raw_set(os, k, v)?;
    }
    let r = vm.set_global("os", os);
    let keep = vm.roots.len() - 2;
    vm.roots.truncate(keep);
    r
}
