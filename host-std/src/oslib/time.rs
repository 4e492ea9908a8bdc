//! Calendar time for `os.time`, `os.date`, `os.clock` and `os.difftime`, through the C
//! library so time zones and `strftime` conversions match `luajit` on the same machine.
//!
//! Invariants: every libc call here is given fully initialised values and its failure
//! result is checked (`localtime_r`/`gmtime_r` returning null, `mktime` returning -1 with
//! `errno` set), so out-of-range Lua input yields `None`, never undefined behaviour.
//! Time values cross as `i64` seconds, converted to `time_t` with a range check.

use std::ffi::CString;

/// A broken-down time (C's `struct tm`, as `localtime_r`/`gmtime_r` fill it).
#[derive(Clone, Copy)]
pub struct Tm(libc::tm);

/// The fields of `os.date("*t")` and `os.time{...}`, in Lua's conventions (month 1-12,
/// `wday` 1 = Sunday, `yday` 1 = January 1st).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateFields {
    /// 0-61.
    pub sec: i32,
    /// 0-59.
    pub min: i32,
    /// 0-23.
    pub hour: i32,
    /// 1-31.
    pub day: i32,
    /// 1-12.
    pub month: i32,
    /// Full year.
    pub year: i32,
    /// 1-7, Sunday is 1.
    pub wday: i32,
    /// 1-366.
    pub yday: i32,
    /// Daylight saving time flag; `None` when unknown (not set in the table).
    pub isdst: Option<bool>,
}

fn to_time_t(t: i64) -> Option<libc::time_t> {
    libc::time_t::try_from(t).ok()
}

fn zeroed_tm() -> libc::tm {
    // SAFETY: `struct tm` is plain old data (integers and, on some systems, a
    // `const char *` zone pointer); all-zero is a valid value for every field.
    unsafe { std::mem::zeroed() }
}

impl Tm {
    /// Local time for `t` (`localtime_r`); `None` if it cannot be represented.
    pub fn local(t: i64) -> Option<Tm> {
        let t = to_time_t(t)?;
        let mut tm = zeroed_tm();
        // SAFETY: both pointers are to live, properly aligned locals for the call's
        // duration; localtime_r writes only `tm` and returns null on failure.
        let r = unsafe { libc::localtime_r(&t, &mut tm) };
        (!r.is_null()).then_some(Tm(tm))
    }

    /// UTC for `t` (`gmtime_r`); `None` if it cannot be represented.
    pub fn utc(t: i64) -> Option<Tm> {
        let t = to_time_t(t)?;
        let mut tm = zeroed_tm();
        // SAFETY: as in `local`.
        let r = unsafe { libc::gmtime_r(&t, &mut tm) };
        (!r.is_null()).then_some(Tm(tm))
    }

    /// The fields in Lua's conventions.
    pub fn fields(&self) -> DateFields {
        let tm = &self.0;
        DateFields {
            sec: tm.tm_sec,
            min: tm.tm_min,
            hour: tm.tm_hour,
            day: tm.tm_mday,
            month: tm.tm_mon + 1,
            year: tm.tm_year + 1900,
            wday: tm.tm_wday + 1,
            yday: tm.tm_yday + 1,
            isdst: (tm.tm_isdst >= 0).then_some(tm.tm_isdst > 0),
        }
    }

    /// Formats with C's `strftime` (the whole format at once, as LuaJIT does, so glibc's
    /// extensions such as `%-d` or `%5Y` work). The format ends at its first NUL byte, as a
    /// C string would. Unknown conversions are copied as the C library copies them.
    pub fn format(&self, format: &[u8]) -> Vec<u8> {
        let end = format.iter().position(|&b| b == 0).unwrap_or(format.len());
        let Ok(cfmt) = CString::new(&format[..end]) else {
            return Vec::new();
        };
        if end == 0 {
            return Vec::new();
        }
        // LuaJIT's first guess, then grow: a zero result is either an empty expansion or
        // a buffer too small, and the two cannot be told apart, so give up after a few.
        let mut size: usize = format[..end]
            .iter()
            .map(|&b| if b == b'%' { 30 } else { 1 })
            .sum();
        for _ in 0..4 {
            let mut buf = vec![0u8; size];
            // SAFETY: `buf` has `size` writable bytes; `cfmt` is NUL-terminated; `self.0`
            // is a `struct tm` produced by localtime_r/gmtime_r (its zone pointer, if any,
            // points to the C library's static zone names).
            let n =
                unsafe { libc::strftime(buf.as_mut_ptr().cast(), size, cfmt.as_ptr(), &self.0) };
            if n > 0 {
                buf.truncate(n);
                return buf;
            }
            size += size | 1;
        }
        Vec::new()
    }
}

/// `os.date(format, t)`: what to return.
#[derive(Debug, PartialEq, Eq)]
pub enum Date {
    /// A formatted string.
    Text(Vec<u8>),
    /// `*t`: the table fields.
    Table(DateFields),
    /// The time cannot be represented: `nil`.
    Invalid,
}

/// `os.date`: a leading `!` selects UTC; `*t` asks for the table; otherwise `strftime`.
pub fn date(format: &[u8], t: i64) -> Date {
    let (utc, fmt) = match format.strip_prefix(b"!") {
        Some(rest) => (true, rest),
        None => (false, format),
    };
    let Some(tm) = (if utc { Tm::utc(t) } else { Tm::local(t) }) else {
        return Date::Invalid;
    };
    if fmt == b"*t" {
        Date::Table(tm.fields())
    } else {
        Date::Text(tm.format(fmt))
    }
}

/// `os.time{...}`: local time from fields (`mktime`, which normalises out-of-range
/// fields: month 13 is January of the next year). `isdst` `None` lets the C library
/// decide. `None` if the result cannot be represented.
pub fn make_time(f: &DateFields) -> Option<i64> {
    let mut tm = zeroed_tm();
    tm.tm_sec = f.sec;
    tm.tm_min = f.min;
    tm.tm_hour = f.hour;
    tm.tm_mday = f.day;
    tm.tm_mon = f.month.wrapping_sub(1);
    tm.tm_year = f.year.wrapping_sub(1900);
    tm.tm_isdst = match f.isdst {
        None => -1,
        Some(d) => i32::from(d),
    };
    // SAFETY: errno is thread-local; writing it before mktime lets us tell a real -1
    // (one second before the epoch) from failure, as LuaJIT does.
    unsafe { *errno_location() = 0 };
    // SAFETY: `tm` is a fully initialised local; mktime reads and normalises it in place.
    let t = unsafe { libc::mktime(&mut tm) };
    // SAFETY: reading the thread-local errno.
    let err = unsafe { *errno_location() };
    if t == -1 && err != 0 {
        None
    } else {
        Some(t as i64)
    }
}

#[cfg(target_os = "linux")]
fn errno_location() -> *mut libc::c_int {
    // SAFETY: __errno_location has no preconditions and returns this thread's errno.
    unsafe { libc::__errno_location() }
}

#[cfg(target_os = "macos")]
fn errno_location() -> *mut libc::c_int {
    // SAFETY: __error has no preconditions and returns this thread's errno.
    unsafe { libc::__error() }
}

/// `os.time()`: the current time in seconds since the epoch.
pub fn now() -> i64 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

/// `os.clock()`: processor time used by the program, in seconds, computed as LuaJIT does
/// from glibc's `clock()` (whole microseconds of `CLOCK_PROCESS_CPUTIME_ID`, times
/// `1.0 / CLOCKS_PER_SEC`), so values print alike.
pub fn clock() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a live local the call fills; the clock id is a constant.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if r != 0 {
        return -(1.0 / 1_000_000.0);
    }
    // time_t and c_long are 64-bit on every host this crate supports.
    let micros = ts.tv_sec * 1_000_000 + ts.tv_nsec / 1000;
    micros as f64 * (1.0 / 1_000_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2024-03-05 07:08:09 UTC, a Tuesday, day 65 of a leap year.
    const T: i64 = 1709622489;

    fn utc(fmt: &str) -> String {
        match date(format!("!{fmt}").as_bytes(), T) {
            Date::Text(t) => String::from_utf8(t).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn conversions_match_luajit() {
        // Expected strings are what `luajit` printed for the same time (TZ=UTC).
        assert_eq!(utc("%a %A %b %B"), "Tue Tuesday Mar March");
        assert_eq!(utc("%c"), "Tue Mar  5 07:08:09 2024");
        assert_eq!(
            utc("%d %e %H %I %j %m %M %p %S"),
            "05  5 07 07 065 03 08 AM 09"
        );
        assert_eq!(
            utc("%U %w %W %x %X %y %Y %%"),
            "09 2 10 03/05/24 07:08:09 24 2024 %"
        );
        assert_eq!(
            utc("%D %F %T %R %r %h"),
            "03/05/24 2024-03-05 07:08:09 07:08 07:08:09 AM Mar"
        );
        assert_eq!(
            utc("%C %g %G %V %u %s %k %l %P"),
            "20 24 2024 10 2 1709622489  7  7 am"
        );
        assert_eq!(utc("%Q %-d %_d %5Y"), "%Q 5  5 02024");
        assert_eq!(utc("%"), "%");
        assert_eq!(utc("abc%"), "abc%");
        assert_eq!(utc("x%%y"), "x%y");
        assert_eq!(utc(""), "");
        assert_eq!(utc("before\0after"), "before");
        assert_eq!(utc(&"%Y".repeat(200)), "2024".repeat(200));
    }

    #[test]
    fn table_fields() {
        let Date::Table(f) = date(b"!*t", T) else {
            panic!()
        };
        assert_eq!(
            f,
            DateFields {
                sec: 9,
                min: 8,
                hour: 7,
                day: 5,
                month: 3,
                year: 2024,
                wday: 3,
                yday: 65,
                isdst: Some(false)
            }
        );
        let Date::Table(e) = date(b"!*t", 0) else {
            panic!()
        };
        assert_eq!((e.year, e.month, e.day, e.wday), (1970, 1, 1, 5));
        let Date::Table(b) = date(b"!*t", -1) else {
            panic!()
        };
        assert_eq!((b.year, b.hour, b.min, b.sec), (1969, 23, 59, 59));
    }

    #[test]
    fn unrepresentable_times_are_invalid() {
        assert_eq!(date(b"!%Y", i64::MAX), Date::Invalid);
    }

    #[test]
    fn make_time_round_trips_local_time() {
        let Date::Table(f) = date(b"*t", T) else {
            panic!()
        };
        assert_eq!(make_time(&f), Some(T));
        // Out-of-range fields are normalised: month 13 is next January.
        let mut g = f;
        g.month = 13;
        g.isdst = None;
        let Date::Table(n) = date(b"*t", make_time(&g).unwrap()) else {
            panic!()
        };
        assert_eq!((n.year, n.month), (2025, 1));
    }

    #[test]
    fn clock_advances_and_now_is_recent() {
        let a = clock();
        let mut x = 0u64;
        for i in 0..2_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        let b = clock();
        assert!(b >= a);
        // Whole microseconds, as glibc's clock() counts them.
        assert_eq!((b * 1e6).round() * (1.0 / 1e6), b);
        assert!(now() > 1_700_000_000);
    }
}
