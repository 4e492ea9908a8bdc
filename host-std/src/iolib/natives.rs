//! The `io` library's native functions and file methods, bound to the VM.
//!
//! Invariants:
//! - A file handle is a full userdata whose payload is a [`FileHandle`] and whose
//!   metatable is the io library's file metatable (`__index` = the methods, `__gc`,
//!   `__tostring`); nothing else carries a `FileHandle`, so the payload's type is the test
//!   for "is a file" (LuaJIT's `UDTYPE_IO_FILE`).
//! - Every io native has one upvalue, the io environment table (`Env` slots): the current
//!   default input and output handles, the file metatable and the [`StdStreams`]
//!   holder. `lines` iterators have their own upvalues (see `lines_iter`).
//! - Handles are rooted by being arguments, upvalues or table entries; no native keeps a
//!   `Value` in a Rust local across a call into Lua (none calls into Lua).
//!
//! Results and errors follow LuaJIT 2.1: operations return `true` (or data) on success and
//! `nil, message, errno` on an OS failure; misuse raises (`bad argument #1 to 'read'
//! (invalid format)`, `attempt to use a closed file`).

use super::open::{self, FileError};
use super::read::{self, Format, FormatArg, Item};
use super::stream::{Buffering, Stream, BUFSIZE};
use super::{Shared, StdStreams};
use crescent_core::object::Userdata;
use crescent_core::value::{tag, Value};
use crescent_core::vm::{LuaError, NativeFn, Vm};
use std::any::Any;
use std::cell::RefCell;
use std::io::SeekFrom;
use std::rc::Rc;

/// The payload of a file handle userdata.
pub struct FileHandle {
    /// The stream (shared with the host for the standard streams).
    pub stream: Shared,
}

/// Slots of the io environment table (upvalue 0 of every io native).
#[derive(Clone, Copy)]
#[repr(i64)]
enum Env {
    /// The default input handle (`io.input()`).
    Input = 1,
    /// The default output handle (`io.output()`).
    Output = 2,
    /// The file metatable.
    Meta = 3,
    /// A userdata holding the [`StdStreams`].
    Streams = 4,
}

/// The payload type `Streams` holds.
struct StreamsHolder(StdStreams);

/// The payload of userdata `v`, if it is a full userdata with one, cloned out through `f`.
/// The one place the host looks inside a userdata.
pub(crate) fn with_payload<R>(v: Value, f: impl FnOnce(&dyn Any) -> Option<R>) -> Option<R> {
    if !v.has_tag(tag::USERDATA) {
        return None;
    }
    // SAFETY: a value tagged USERDATA points to a live `Userdata` (it is rooted: the
    // caller got it from an argument, an upvalue or a table it holds). The reference does
    // not outlive this call: `f` clones what it needs out of the payload.
    let ud = unsafe { &*v.ptr::<Userdata>() };
    ud.payload.as_deref().and_then(f)
}

/// The stream of file handle `v` (closed or not), or `None` if `v` is not a file.
fn file_stream(v: Value) -> Option<Shared> {
    with_payload(v, |p| {
        p.downcast_ref::<FileHandle>().map(|h| h.stream.clone())
    })
}

fn env(vm: &Vm) -> Value {
    vm.upvalue(0)
}

fn env_get(vm: &Vm, slot: Env) -> Value {
    let e = env(vm);
    if e.is_table() {
        vm.raw_geti(e, slot as i64)
    } else {
        Value::NIL
    }
}

fn streams(vm: &Vm) -> Option<StdStreams> {
    with_payload(env_get(vm, Env::Streams), |p| {
        p.downcast_ref::<StreamsHolder>().map(|h| h.0.clone())
    })
}

/// Argument 1 as a file handle, open or closed (`io_tofilep`).
fn check_file_any(vm: &mut Vm) -> Result<Shared, LuaError> {
    let v = vm.arg(1);
    file_stream(v).ok_or_else(|| vm.type_arg_error(1, "FILE*"))
}

/// Argument 1 as an open file handle (`io_tofile`).
fn check_file(vm: &mut Vm) -> Result<Shared, LuaError> {
    let s = check_file_any(vm)?;
    if s.borrow().is_closed() {
        return Err(vm.rt_error("attempt to use a closed file"));
    }
    Ok(s)
}

/// The default input or output stream, which must be open (`io_stdfile`).
fn default_file(vm: &mut Vm, slot: Env) -> Result<Shared, LuaError> {
    let v = env_get(vm, slot);
    match file_stream(v) {
        Some(s) if !s.borrow().is_closed() => Ok(s),
        _ => Err(vm.rt_error("standard file is closed")),
    }
}

/// Pushes `true` (`luaL_fileresult` success).
fn ok_true(vm: &mut Vm) -> Result<usize, LuaError> {
    vm.ret1(Value::boolean(true))
}

/// Pushes `nil, message, errno` (`luaL_fileresult` failure).
fn fail(vm: &mut Vm, e: &FileError) -> Result<usize, LuaError> {
    vm.push(Value::NIL)?;
    let m = vm.new_str(&e.message)?;
    vm.push(m)?;
    vm.push(Value::num(f64::from(e.errno)))?;
    Ok(3)
}

fn io_result(vm: &mut Vm, r: std::io::Result<()>) -> Result<usize, LuaError> {
    match r {
        Ok(()) => ok_true(vm),
        Err(e) => fail(vm, &FileError::new(&e, None)),
    }
}

/// A new file handle userdata over `stream`, with the file metatable; registered for the
/// flush at exit.
fn new_file(vm: &mut Vm, stream: Stream) -> Result<Value, LuaError> {
    let shared = Rc::new(RefCell::new(stream));
    if let Some(s) = streams(vm) {
        s.register(&shared);
    }
    let ud = vm.new_userdata(Some(Box::new(FileHandle { stream: shared })))?;
    let mt = env_get(vm, Env::Meta);
    vm.set_metatable(ud, mt);
    Ok(ud)
}

// ---- reading and writing ---------------------------------------------------------------

/// Reads with the format arguments from `first` on (`io_file_read`).
fn read_formats(vm: &mut Vm, s: &Shared, first: usize) -> Result<usize, LuaError> {
    let mut formats = Vec::new();
    for i in first..=vm.nargs() {
        let v = vm.arg(i);
        match read::parse_format(format_arg(vm, v)) {
            Ok(f) => formats.push(f),
            Err(e) => return Err(vm.arg_error(i, e.message())),
        }
    }
    push_items(vm, s, &formats)
}

fn push_items(vm: &mut Vm, s: &Shared, formats: &[Format]) -> Result<usize, LuaError> {
    let result = read::read(&mut s.borrow_mut(), formats);
    match result {
        Err(e) => fail(vm, &FileError::new(&e, None)),
        Ok(items) => push_item_values(vm, items),
    }
}

/// Writes the arguments from `first` on (strings, or numbers as `tostring` shows them).
fn write_args(vm: &mut Vm, s: &Shared, first: usize) -> Result<usize, LuaError> {
    let mut status = Ok(());
    for i in first..=vm.nargs() {
        let bytes = vm.check_bytes(i)?;
        if status.is_ok() {
            status = s.borrow_mut().write(bytes);
        }
    }
    io_result(vm, status)
}

fn close_stream(vm: &mut Vm, s: &Shared) -> Result<usize, LuaError> {
    if s.borrow().is_standard() {
        vm.push(Value::NIL)?;
        let m = vm.new_str(b"cannot close standard file")?;
        vm.push(m)?;
        return Ok(2);
    }
    let r = s.borrow_mut().close();
    io_result(vm, r)
}

// ---- file methods ----------------------------------------------------------------------

fn f_close(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = check_file(vm)?;
    close_stream(vm, &s)
}

fn f_read(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = check_file(vm)?;
    read_formats(vm, &s, 2)
}

fn f_write(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = check_file(vm)?;
    write_args(vm, &s, 2)
}

fn f_flush(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = check_file(vm)?;
    let r = s.borrow_mut().flush();
    io_result(vm, r)
}

fn f_lines(vm: &mut Vm) -> Result<usize, LuaError> {
    check_file(vm)?;
    let file = vm.arg(1);
    make_lines_iter(vm, file, false, 2)
}

fn f_seek(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = check_file(vm)?;
    let whence = vm.opt_bytes(2, b"cur")?;
    let off = if vm.arg(3).is_nil() {
        0
    } else {
        vm.check_int(3)?
    };
    let pos = match whence {
        b"set" => SeekFrom::Start(off.max(0) as u64),
        b"cur" => SeekFrom::Current(off),
        b"end" => SeekFrom::End(off),
        other => {
            let msg = format!("invalid option '{}'", String::from_utf8_lossy(other));
            return Err(vm.arg_error(2, &msg));
        }
    };
    if whence == b"set" && off < 0 {
        return fail(
            vm,
            &FileError::new(&std::io::Error::from_raw_os_error(libc::EINVAL), None),
        );
    }
    let r = s.borrow_mut().seek(pos);
    match r {
        Ok(p) => vm.ret1(Value::num(p as f64)),
        Err(e) => fail(vm, &FileError::new(&e, None)),
    }
}

fn f_setvbuf(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = check_file(vm)?;
    let mode = vm.check_bytes(2)?;
    let size = vm.opt_int(3, BUFSIZE as i64)?;
    let b = match mode {
        b"no" => Buffering::No,
        b"line" => Buffering::Line,
        b"full" => Buffering::Full(size.clamp(1, 1 << 30) as usize),
        other => {
            let msg = format!("invalid option '{}'", String::from_utf8_lossy(other));
            return Err(vm.arg_error(2, &msg));
        }
    };
    let r = s.borrow_mut().set_buffering(b);
    io_result(vm, r)
}

fn f_gc(vm: &mut Vm) -> Result<usize, LuaError> {
    if let Some(s) = file_stream(vm.arg(1)) {
        let mut s = s.borrow_mut();
        if !s.is_closed() && !s.is_standard() {
            let _ = s.close();
        }
    }
    Ok(0)
}

fn f_tostring(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = check_file_any(vm)?;
    let text = if s.borrow().is_closed() {
        "file (closed)".to_string()
    } else {
        format!("file ({:#x})", s.borrow().id())
    };
    let v = vm.new_str(text.as_bytes())?;
    vm.ret1(v)
}

// ---- lines iterators -------------------------------------------------------------------

/// Builds a `lines` iterator over `file` with the formats from argument `first` on.
/// Upvalues: 0 the file, 1 whether to close it at end of file, 2 the number of formats,
/// 3.. the formats (kept as given and checked at each call, as LuaJIT does).
fn make_lines_iter(
    vm: &mut Vm,
    file: Value,
    close_at_eof: bool,
    first: usize,
) -> Result<usize, LuaError> {
    let nfmt = (vm.nargs() + 1).saturating_sub(first);
    if nfmt > 250 {
        return Err(vm.rt_error("too many arguments"));
    }
    let mut ups = vec![file, Value::boolean(close_at_eof), Value::num(nfmt as f64)];
    for i in first..first + nfmt {
        ups.push(vm.arg(i));
    }
    let it = vm.new_native(lines_iter, "lines", &ups);
    vm.ret1(it)
}

fn lines_iter(vm: &mut Vm) -> Result<usize, LuaError> {
    let file = vm.upvalue(0);
    let close_at_eof = vm.upvalue(1).is_truthy();
    let nfmt = vm.upvalue(2).as_num().unwrap_or(0.0) as usize;
    let s = match file_stream(file) {
        Some(s) if !s.borrow().is_closed() => s,
        _ => return Err(vm.rt_error("attempt to use a closed file")),
    };
    let mut formats = Vec::with_capacity(nfmt);
    for i in 0..nfmt {
        let v = vm.upvalue(3 + i);
        match read::parse_format(format_arg(vm, v)) {
            Ok(f) => formats.push(f),
            Err(e) => return Err(vm.arg_error(i + 1, e.message())),
        }
    }
    let result = read::read(&mut s.borrow_mut(), &formats);
    match result {
        Err(e) => Err(vm.rt_error(&crate::cli::source::strerror(&e))),
        Ok(items) => {
            if matches!(items.first(), Some(Item::Nil) | None) && close_at_eof {
                let _ = s.borrow_mut().close();
                return Ok(0);
            }
            push_item_values(vm, items)
        }
    }
}

fn format_arg(vm: &Vm, v: Value) -> FormatArg<'static> {
    if v.is_str() {
        FormatArg::Str(vm.str_bytes(v))
    } else if let Some(n) = v.as_num() {
        FormatArg::Num(n)
    } else {
        FormatArg::Other
    }
}

fn push_item_values(vm: &mut Vm, items: Vec<Item>) -> Result<usize, LuaError> {
    let n = items.len();
    for item in items {
        let v = match item {
            Item::Str(b) => vm.new_str(&b)?,
            Item::Num(x) => Value::num(x),
            Item::Nil => Value::NIL,
        };
        vm.push(v)?;
    }
    Ok(n)
}

// ---- io functions ----------------------------------------------------------------------

fn io_close(vm: &mut Vm) -> Result<usize, LuaError> {
    if vm.nargs() == 0 {
        let out = env_get(vm, Env::Output);
        let Some(s) = file_stream(out) else {
            return Err(vm.rt_error("standard file is closed"));
        };
        if s.borrow().is_closed() {
            return Err(vm.rt_error("attempt to use a closed file"));
        }
        return close_stream(vm, &s);
    }
    f_close(vm)
}

fn io_read(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = default_file(vm, Env::Input)?;
    read_formats(vm, &s, 1)
}

fn io_write(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = default_file(vm, Env::Output)?;
    write_args(vm, &s, 1)
}

fn io_flush(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = default_file(vm, Env::Output)?;
    let r = s.borrow_mut().flush();
    io_result(vm, r)
}

fn open_named(vm: &mut Vm, name_arg: usize, mode: &[u8]) -> Result<Value, LuaError> {
    let name = vm.check_bytes(name_arg)?;
    match open::open(name, mode) {
        Ok(stream) => new_file(vm, stream),
        Err(e) => {
            let msg = String::from_utf8_lossy(&e.message).into_owned();
            Err(vm.arg_error(name_arg, &msg))
        }
    }
}

fn io_open(vm: &mut Vm) -> Result<usize, LuaError> {
    let name = vm.check_bytes(1)?;
    let mode = vm.opt_bytes(2, b"r")?;
    match open::open(name, mode) {
        Ok(stream) => {
            let f = new_file(vm, stream)?;
            vm.ret1(f)
        }
        Err(e) => fail(vm, &e),
    }
}

fn io_input_output(vm: &mut Vm, slot: Env, mode: &[u8]) -> Result<usize, LuaError> {
    let v = vm.arg(1);
    if !v.is_nil() {
        let f = if v.has_tag(tag::USERDATA) {
            check_file(vm)?;
            v
        } else {
            open_named(vm, 1, mode)?
        };
        let e = env(vm);
        vm.raw_seti(e, slot as i64, f);
    }
    let cur = env_get(vm, slot);
    vm.ret1(cur)
}

fn io_input(vm: &mut Vm) -> Result<usize, LuaError> {
    io_input_output(vm, Env::Input, b"r")
}

fn io_output(vm: &mut Vm) -> Result<usize, LuaError> {
    io_input_output(vm, Env::Output, b"w")
}

fn io_lines(vm: &mut Vm) -> Result<usize, LuaError> {
    if vm.arg(1).is_nil() {
        // The default input is checked when the iterator runs, as in LuaJIT.
        let input = env_get(vm, Env::Input);
        return make_lines_iter(vm, input, false, 2);
    }
    let f = open_named(vm, 1, b"r")?;
    vm.push(f)?; // rooted while the iterator is built
    make_lines_iter(vm, f, true, 2)
}

fn io_type(vm: &mut Vm) -> Result<usize, LuaError> {
    let v = vm.check_any(1)?;
    let r = match file_stream(v) {
        None => Value::NIL,
        Some(s) if s.borrow().is_closed() => vm.new_str(b"closed file")?,
        Some(_) => vm.new_str(b"file")?,
    };
    vm.ret1(r)
}

fn io_tmpfile(vm: &mut Vm) -> Result<usize, LuaError> {
    let name = match crate::oslib::files::tmpname() {
        Ok(n) => n,
        Err(_) => {
            return fail(
                vm,
                &FileError::new(&std::io::Error::from_raw_os_error(libc::EEXIST), None),
            )
        }
    };
    let opened = open::open(&name, b"w+");
    // The file stays open but has no name, as C's tmpfile gives it.
    let _ = crate::oslib::files::remove(&name);
    match opened {
        Ok(stream) => {
            let f = new_file(vm, stream)?;
            vm.ret1(f)
        }
        Err(e) => fail(vm, &e),
    }
}

fn io_popen(vm: &mut Vm) -> Result<usize, LuaError> {
    let cmd = vm.check_bytes(1)?;
    let mode = vm.opt_bytes(2, b"r")?;
    // Like LuaJIT's `fflush(NULL)`: the command's output follows ours.
    if let Some(s) = streams(vm) {
        s.flush_all();
    }
    match open::popen(cmd, mode) {
        Ok(stream) => {
            let f = new_file(vm, stream)?;
            vm.ret1(f)
        }
        Err(e) => fail(vm, &e),
    }
}

/// Opens the io library: the `io` table, the file metatable, and the standard handles over
/// `streams` (shared with `print` and the CLI).
pub fn open_io(vm: &mut Vm, streams: &StdStreams) -> Result<(), LuaError> {
    let env = vm.new_table(4, 0)?;
    vm.roots.push(env);
    let holder = vm.new_userdata(Some(Box::new(StreamsHolder(streams.clone()))))?;
    vm.raw_seti(env, Env::Streams as i64, holder);

    let meta = vm.new_table(0, 4)?;
    vm.raw_seti(env, Env::Meta as i64, meta);
    let methods = vm.new_table(0, 8)?;
    let method_fns: [(&'static str, NativeFn); 7] = [
        ("close", f_close),
        ("flush", f_flush),
        ("lines", f_lines),
        ("read", f_read),
        ("seek", f_seek),
        ("setvbuf", f_setvbuf),
        ("write", f_write),
    ];
    for (name, f) in method_fns {
        set_fn(vm, methods, name, f, env)?;
    }
    set_field(vm, meta, "__index", methods)?;
    set_fn(vm, meta, "__gc", f_gc, env)?;
    set_fn(vm, meta, "__tostring", f_tostring, env)?;

    let io = vm.new_table(0, 16)?;
    let io_fns: [(&'static str, NativeFn); 11] = [
        ("close", io_close),
        ("flush", io_flush),
        ("input", io_input),
        ("lines", io_lines),
        ("open", io_open),
        ("output", io_output),
        ("popen", io_popen),
        ("read", io_read),
        ("tmpfile", io_tmpfile),
        ("type", io_type),
        ("write", io_write),
    ];
    for (name, f) in io_fns {
        set_fn(vm, io, name, f, env)?;
    }
    let std_handles = [
        ("stdin", streams.stdin.clone(), Some(Env::Input)),
        ("stdout", streams.stdout.clone(), Some(Env::Output)),
        ("stderr", streams.stderr.clone(), None),
    ];
    for (name, stream, slot) in std_handles {
        let ud = vm.new_userdata(Some(Box::new(FileHandle { stream })))?;
        vm.set_metatable(ud, meta);
        set_field(vm, io, name, ud)?;
        if let Some(slot) = slot {
            vm.raw_seti(env, slot as i64, ud);
        }
    }
    vm.set_global("io", io)?;
    vm.roots.retain(|v| v.bits() != env.bits());
    Ok(())
}

fn set_field(vm: &mut Vm, t: Value, name: &str, v: Value) -> Result<(), LuaError> {
    let k = vm.new_str(name.as_bytes())?;
    vm.raw_set(t, k, v)
}

fn set_fn(
    vm: &mut Vm,
    t: Value,
    name: &'static str,
    f: NativeFn,
    env: Value,
) -> Result<(), LuaError> {
    let v = vm.new_native(f, name, &[env]);
    set_field(vm, t, name, v)
}

/// The io library's file stream behind handle `v` (for hosts and tests).
pub fn stream_of(v: Value) -> Option<Shared> {
    file_stream(v)
}
