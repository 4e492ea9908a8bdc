//! `require`, `module` and the `package` table (`path`, `cpath`, `loaded`, `preload`,
//! `loaders`, `config`, `loadlib`, `searchpath`, `seeall`).
//!
//! The core has no file system. The Lua loader asks the host for a file's contents
//! through a callback (host-std reads files, firmware serves modules from memory), and
//! everything else is as in PUC Lua 5.1 / LuaJIT 2.1: `package.path` is a list of
//! `;`-separated templates in which `?` stands for the module name with its dots turned
//! into `/`; the first template naming a readable file wins, and a failed search reports
//! one `no file '...'` line per template tried, in order.
//!
//! There is no native code loading (`package.cpath` is empty by default and a C
//! library found through it is reported as unloadable, as a PUC Lua built without
//! dynamic libraries does).
//!
//! `package.loaded` is the registry's `_LOADED` table; the libraries opened before
//! `package` are entered in it, and a host that opens more (`io`, `os`) calls
//! [`register_loaded`]. A module being loaded is marked with a sentinel, so a cycle or
//! a module whose load failed is "loop or previous error loading module".

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::bind;
use crate::gc::{GcHeader, Kind};
use crate::object::LuaFunction;
use crate::value::Value;
use crate::vm::{LuaError, NativeFn, Vm};

/// The separator between templates in a path.
pub const PATH_SEP: u8 = b';';
/// The placeholder for the module name in a template.
pub const PATH_MARK: u8 = b'?';
/// The directory separator that replaces the dots of a module name.
pub const DIR_SEP: u8 = b'/';

/// The templates of `path`, skipping empty ones (`pushnexttemplate`).
pub fn templates(path: &[u8]) -> impl Iterator<Item = &[u8]> {
    path.split(|&c| c == PATH_SEP).filter(|t| !t.is_empty())
}

/// Replace every `from` byte sequence of `s` with `to` (`luaL_gsub`).
pub fn replace_all(s: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    if from.is_empty() {
        return s.to_vec();
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

/// The outcome of a path search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search<T> {
    /// The first template that named a readable file: its file name, and what
    /// `open` returned for it.
    Found(Vec<u8>, T),
    /// No template matched: the accumulated `\n\tno file '...'` lines.
    NotFound(Vec<u8>),
}

/// Search `path` for module `name` (`searchpath`): dots in the name (`sep`) become
/// `dir_sep`, each template's `?` becomes the name, and `open` is asked for each
/// candidate file in turn until it returns `Some`.
pub fn search_path<T>(
    name: &[u8],
    path: &[u8],
    sep: &[u8],
    dir_sep: &[u8],
    mut open: impl FnMut(&[u8]) -> Option<T>,
) -> Search<T> {
    let name = replace_all(name, sep, dir_sep);
    let mut msg = Vec::new();
    for template in templates(path) {
        let filename = replace_all(template, &[PATH_MARK], &name);
        if let Some(found) = open(&filename) {
            return Search::Found(filename, found);
        }
        msg.extend_from_slice(b"\n\tno file '");
        msg.extend_from_slice(&filename);
        msg.push(b'\'');
    }
    Search::NotFound(msg)
}

/// The line the preload loader contributes when `package.preload[name]` is nil.
pub fn no_preload_field(name: &[u8]) -> Vec<u8> {
    let mut m = Vec::from(&b"\n\tno field package.preload['"[..]);
    m.extend_from_slice(name);
    m.extend_from_slice(b"']");
    m
}

/// The error of a `require` that no loader satisfied, given the loaders' messages.
pub fn not_found(name: &[u8], messages: &[u8]) -> Vec<u8> {
    let mut m = Vec::from(&b"module '"[..]);
    m.extend_from_slice(name);
    m.extend_from_slice(b"' not found:");
    m.extend_from_slice(messages);
    m
}

/// The error of a module file that failed to compile.
pub fn load_error(name: &[u8], filename: &[u8], err: &[u8]) -> Vec<u8> {
    let mut m = Vec::from(&b"error loading module '"[..]);
    m.extend_from_slice(name);
    m.extend_from_slice(b"' from file '");
    m.extend_from_slice(filename);
    m.extend_from_slice(b"':\n\t");
    m.extend_from_slice(err);
    m
}

/// The error of a `require` that found its own module still loading (a cycle), or a
/// module whose earlier load failed.
pub fn loop_error(name: &[u8]) -> Vec<u8> {
    let mut m = Vec::from(&b"loop or previous error loading module '"[..]);
    m.extend_from_slice(name);
    m.push(b'\'');
    m
}

/// The prefix of `name` up to and including its last dot (`module`'s `_PACKAGE`).
pub fn package_prefix(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&c| c == b'.') {
        Some(i) => &name[..=i],
        None => b"",
    }
}

// ---- the library as natives -------------------------------------------------------------

/// `package.path` when the host sets none (LuaJIT's, minus its own install directory).
pub const DEFAULT_PATH: &str =
    "./?.lua;/usr/local/share/lua/5.1/?.lua;/usr/local/share/lua/5.1/?/init.lua";

/// `package.config`: directory separator, path separator, name mark, executable-dir
/// mark, ignore mark.
pub const CONFIG: &str = "/\n;\n?\n!\n-\n";

/// The value `package.loaded[name]` holds while module `name` is loading.
fn sentinel() -> Value {
    Value::light_userdata(0x5e_471e)
}

/// The registry's `_LOADED` table (`package.loaded`), created on first use.
pub fn loaded_table(vm: &mut Vm) -> Result<Value, LuaError> {
    let reg = vm.registry();
    let t = bind::get_field(vm, reg, "_LOADED")?;
    if t.is_table() {
        return Ok(t);
    }
    let t = vm.new_table(0, 16)?;
    vm.roots.push(t);
    let r = bind::set_field(vm, reg, "_LOADED", t);
    vm.roots.pop();
    r.map(|_| t)
}

/// Record an already opened library in `package.loaded` (hosts call this for the
/// libraries they open after the core ones, such as `io` and `os`).
pub fn register_loaded(vm: &mut Vm, name: &str, lib: Value) -> Result<(), LuaError> {
    let loaded = loaded_table(vm)?;
    bind::set_field(vm, loaded, name, lib)
}

/// Opens `package`, `require` and `module`, and records the libraries opened so far in
/// `package.loaded`.
pub fn open(vm: &mut Vm) -> Result<(), LuaError> {
    let pkg = vm.new_table(0, 12)?;
    vm.roots.push(pkg);
    let r = open_in(vm, pkg);
    vm.roots.pop();
    r
}

fn open_in(vm: &mut Vm, pkg: Value) -> Result<(), LuaError> {
    let loaded = loaded_table(vm)?;
    bind::set_field(vm, pkg, "loaded", loaded)?;
    let preload = vm.new_table(0, 4)?;
    bind::set_field(vm, pkg, "preload", preload)?;
    let path = vm.new_str(DEFAULT_PATH.as_bytes())?;
    bind::set_field(vm, pkg, "path", path)?;
    let cpath = vm.new_str(b"")?;
    bind::set_field(vm, pkg, "cpath", cpath)?;
    let config = vm.new_str(CONFIG.as_bytes())?;
    bind::set_field(vm, pkg, "config", config)?;
    let loaders = vm.new_table(4, 0)?;
    bind::set_field(vm, pkg, "loaders", loaders)?;
    let ls: [(NativeFn, &'static str); 4] = [
        (loader_preload, "loader_preload"),
        (loader_lua, "loader_lua"),
        (loader_c, "loader_c"),
        (loader_croot, "loader_croot"),
    ];
    for (i, (f, name)) in ls.into_iter().enumerate() {
        let fv = vm.new_native(f, name, &[pkg]);
        vm.raw_seti(loaders, i as i64 + 1, fv);
    }
    let fns: [(NativeFn, &'static str); 3] = [
        (loadlib, "loadlib"),
        (searchpath, "searchpath"),
        (seeall, "seeall"),
    ];
    for (f, name) in fns {
        let fv = vm.new_native(f, name, &[pkg]);
        bind::set_field(vm, pkg, name, fv)?;
    }
    vm.set_global("package", pkg)?;
    let req = vm.new_native(require, "require", &[pkg]);
    vm.set_global("require", req)?;
    let module_f = vm.new_native(module, "module", &[pkg]);
    vm.set_global("module", module_f)?;
    // The libraries already open are loaded modules.
    let g = vm.globals();
    bind::set_field(vm, loaded, "_G", g)?;
    for name in [
        "package",
        "coroutine",
        "string",
        "table",
        "math",
        "bit",
        "debug",
        "jit",
    ] {
        let lib = vm.get_global(name);
        if lib.is_table() {
            bind::set_field(vm, loaded, name, lib)?;
        }
    }
    Ok(())
}

/// `package[field]` as a string, or the error 5.1 gives when it is not one.
fn package_string<'a>(vm: &mut Vm, field: &str) -> Result<&'a [u8], LuaError> {
    let pkg = vm.upvalue(0);
    let v = bind::get_field(vm, pkg, field)?;
    if v.is_str() {
        Ok(vm.str_bytes(v))
    } else {
        Err(vm.rt_error(&format!("'package.{field}' must be a string")))
    }
}

fn loader_preload(vm: &mut Vm) -> Result<usize, LuaError> {
    let name = vm.check_str(1)?;
    let pkg = vm.upvalue(0);
    let preload = bind::get_field(vm, pkg, "preload")?;
    if !preload.is_table() {
        return Err(vm.rt_error("'package.preload' must be a table"));
    }
    let f = vm.index(preload, name)?;
    if !f.is_nil() {
        return vm.ret1(f);
    }
    let msg = no_preload_field(vm.str_bytes(name));
    let v = vm.new_str(&msg)?;
    vm.ret1(v)
}

/// Read a candidate file through the host's file hook (`None`: not readable).
fn read_file(vm: &mut Vm, filename: &[u8]) -> Option<Vec<u8>> {
    let path = core::str::from_utf8(filename).ok()?;
    let hook = vm.file_hook.as_mut()?;
    hook(Some(path)).ok()
}

fn loader_lua(vm: &mut Vm) -> Result<usize, LuaError> {
    let name_v = vm.check_str(1)?;
    let name = vm.str_bytes(name_v);
    let path = package_string(vm, "path")?;
    match search_path(name, path, b".", &[DIR_SEP], |f| read_file(vm, f)) {
        Search::NotFound(msg) => {
            let v = vm.new_str(&msg)?;
            vm.ret1(v)
        }
        Search::Found(filename, source) => {
            let mut chunk = String::from("@");
            chunk.push_str(&String::from_utf8_lossy(&filename));
            match vm.load(&source, &chunk) {
                Ok(f) => vm.ret1(f),
                Err(e) => {
                    let err = vm.error_message(e);
                    let msg = load_error(name, &filename, err.as_bytes());
                    Err(vm.rt_error(&String::from_utf8_lossy(&msg)))
                }
            }
        }
    }
}

/// Search `package.cpath` for `name`: crescent loads no native code, so a file found
/// there is reported as unloadable (as a Lua built without dynamic libraries does).
fn search_c(vm: &mut Vm, name: &[u8]) -> Result<usize, LuaError> {
    let full = vm.arg(1);
    let cpath = package_string(vm, "cpath")?;
    match search_path(name, cpath, b".", &[DIR_SEP], |f| {
        read_file(vm, f).map(|_| ())
    }) {
        Search::NotFound(msg) => {
            let v = vm.new_str(&msg)?;
            vm.ret1(v)
        }
        Search::Found(filename, ()) => {
            let msg = load_error(vm.str_bytes(full), &filename, DYNLIB_ERROR.as_bytes());
            Err(vm.rt_error(&String::from_utf8_lossy(&msg)))
        }
    }
}

const DYNLIB_ERROR: &str = "dynamic libraries not enabled; check your Lua installation";

fn loader_c(vm: &mut Vm) -> Result<usize, LuaError> {
    let name = vm.check_str(1)?;
    search_c(vm, vm.str_bytes(name))
}

fn loader_croot(vm: &mut Vm) -> Result<usize, LuaError> {
    let name_v = vm.check_str(1)?;
    let name = vm.str_bytes(name_v);
    match name.iter().position(|&c| c == b'.') {
        None => Ok(0), // a root name is the C loader's business
        Some(i) => search_c(vm, &name[..i]),
    }
}

fn loadlib(vm: &mut Vm) -> Result<usize, LuaError> {
    vm.check_str(1)?;
    vm.check_str(2)?;
    vm.push(Value::NIL)?;
    let msg = vm.new_str(DYNLIB_ERROR.as_bytes())?;
    vm.push(msg)?;
    let why = vm.new_str(b"absent")?;
    vm.push(why)?;
    Ok(3)
}

fn searchpath(vm: &mut Vm) -> Result<usize, LuaError> {
    let name = bind::check_bytes(vm, 1)?;
    let path = bind::check_bytes(vm, 2)?;
    let sep = vm.opt_bytes(3, b".")?;
    let rep = vm.opt_bytes(4, &[DIR_SEP])?;
    match search_path(name, path, sep, rep, |f| read_file(vm, f).map(|_| ())) {
        Search::Found(filename, ()) => {
            let v = vm.new_str(&filename)?;
            vm.ret1(v)
        }
        Search::NotFound(msg) => {
            vm.push(Value::NIL)?;
            let v = vm.new_str(&msg)?;
            vm.push(v)?;
            Ok(2)
        }
    }
}

fn seeall(vm: &mut Vm) -> Result<usize, LuaError> {
    let m = vm.check_table(1)?;
    let mut mt = vm.get_metatable(m);
    if mt.is_nil() {
        mt = vm.new_table(0, 1)?;
        vm.push(mt)?;
        vm.set_metatable(m, mt);
        vm.pop(1);
    }
    let g = vm.globals();
    bind::set_field(vm, mt, "__index", g)?;
    Ok(0)
}

fn require(vm: &mut Vm) -> Result<usize, LuaError> {
    let name = vm.check_str(1)?;
    let name_s = String::from_utf8_lossy(vm.str_bytes(name)).into_owned();
    let loaded = loaded_table(vm)?;
    vm.push(loaded)?;
    let have = vm.raw_get(loaded, name);
    if have.is_truthy() {
        if have == sentinel() {
            let msg = loop_error(name_s.as_bytes());
            return Err(vm.rt_error(&String::from_utf8_lossy(&msg)));
        }
        return vm.ret1(have);
    }
    let pkg = vm.upvalue(0);
    let loaders = bind::get_field(vm, pkg, "loaders")?;
    if !loaders.is_table() {
        return Err(vm.rt_error("'package.loaders' must be a table"));
    }
    vm.push(loaders)?;
    let mut messages = Vec::new();
    let mut i = 1;
    let module_fn = loop {
        let loader = vm.raw_geti(loaders, i);
        if loader.is_nil() {
            let msg = not_found(name_s.as_bytes(), &messages);
            return Err(vm.rt_error(&String::from_utf8_lossy(&msg)));
        }
        let r = vm.call1(loader, &[name])?;
        if r.is_func() {
            break r;
        }
        bind::str_or_num(vm, r, &mut messages);
        i += 1;
    };
    vm.push(module_fn)?;
    vm.raw_set(loaded, name, sentinel())?;
    let r = vm.call1(module_fn, &[name])?;
    if !r.is_nil() {
        vm.raw_set(loaded, name, r)?;
    }
    let mut v = vm.raw_get(loaded, name);
    if v == sentinel() {
        v = Value::TRUE;
        vm.raw_set(loaded, name, v)?;
    }
    vm.ret1(v)
}

/// Find or create the table `name` ("a.b.c") in `root`; `Err` if a part of the path
/// holds a non-table value (`luaL_findtable`).
fn find_table(vm: &mut Vm, root: Value, name: &[u8]) -> Result<Result<Value, ()>, LuaError> {
    let mut t = root;
    for part in name.split(|&c| c == b'.') {
        let k = vm.new_str(part)?;
        vm.push(k)?;
        let mut v = vm.index(t, k)?;
        if v.is_nil() {
            v = vm.new_table(0, 4)?;
            vm.push(v)?;
            vm.set_index(t, k, v)?;
            vm.pop(1);
        } else if !v.is_table() {
            vm.pop(1);
            return Ok(Err(()));
        }
        vm.pop(1);
        vm.push(v)?; // keep the chain rooted
        t = v;
    }
    Ok(Ok(t))
}

fn module(vm: &mut Vm) -> Result<usize, LuaError> {
    let name = vm.check_str(1)?;
    let name_b = vm.str_bytes(name);
    let loaded = loaded_table(vm)?;
    vm.push(loaded)?;
    let mut m = vm.raw_get(loaded, name);
    if !m.is_table() {
        let g = vm.globals();
        m = match find_table(vm, g, name_b)? {
            Ok(t) => t,
            Err(()) => {
                let msg = format!(
                    "name conflict for module '{}'",
                    String::from_utf8_lossy(name_b)
                );
                return Err(vm.rt_error(&msg));
            }
        };
        vm.raw_set(loaded, name, m)?;
    }
    vm.push(m)?;
    if bind::get_field(vm, m, "_NAME")?.is_nil() {
        bind::set_field(vm, m, "_M", m)?;
        bind::set_field(vm, m, "_NAME", name)?;
        let prefix = vm.new_str(package_prefix(name_b))?;
        bind::set_field(vm, m, "_PACKAGE", prefix)?;
    }
    // The module table becomes the environment of the Lua function calling `module`.
    let caller = vm.level_frame(1).map(|i| vm.frame_function(i));
    match caller {
        Some(f) if is_lua_function(f) => {
            // SAFETY: `f` is a live Lua function (checked above) and `m` a live table.
            unsafe { (*f.ptr::<LuaFunction>()).env = m.ptr() };
        }
        _ => return Err(vm.rt_error("'module' not called from a Lua function")),
    }
    for i in 2..=vm.nargs() {
        let opt = vm.arg(i);
        vm.call(opt, &[m], Some(0))?;
    }
    Ok(0)
}

fn is_lua_function(f: Value) -> bool {
    // SAFETY: a function value points to a live function object whose header tells
    // its kind.
    f.is_func() && unsafe { (*f.ptr::<GcHeader>()).kind == Kind::LuaFn }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn files(list: &'static [&'static str]) -> impl FnMut(&[u8]) -> Option<()> {
        move |f| list.iter().any(|&x| x.as_bytes() == f).then_some(())
    }

    #[test]
    fn search_finds_the_first_readable_template() {
        let path = b"./mods/?.lua;./mods/?/init.lua";
        assert_eq!(
            search_path(b"sub.m", path, b".", b"/", files(&["./mods/sub/m.lua"])),
            Search::Found(b"./mods/sub/m.lua".to_vec(), ())
        );
        assert_eq!(
            search_path(b"sub", path, b".", b"/", files(&["./mods/sub/init.lua"])),
            Search::Found(b"./mods/sub/init.lua".to_vec(), ())
        );
    }

    #[test]
    fn search_reports_every_template_tried() {
        // luajit's message for require("a.b.c") with this path.
        let path = b"./mods/?.lua;;./mods/?/init.lua;";
        let Search::NotFound(msg) = search_path(b"a.b.c", path, b".", b"/", files(&[])) else {
            panic!()
        };
        let mut full = no_preload_field(b"a.b.c");
        full.extend_from_slice(&msg);
        assert_eq!(
            not_found(b"a.b.c", &full),
            b"module 'a.b.c' not found:\n\tno field package.preload['a.b.c']\n\t\
              no file './mods/a/b/c.lua'\n\tno file './mods/a/b/c/init.lua'"
                .to_vec()
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(replace_all(b"a.b.c", b".", b"/"), b"a/b/c");
        assert_eq!(replace_all(b"??x?", b"?", b"mod"), b"modmodxmod");
        assert_eq!(replace_all(b"abc", b"", b"x"), b"abc");
        assert_eq!(
            templates(b";;a;b;;").collect::<Vec<_>>(),
            vec![&b"a"[..], b"b"]
        );
        assert_eq!(templates(b"").count(), 0);
        assert_eq!(package_prefix(b"a.b.c"), b"a.b.");
        assert_eq!(package_prefix(b"abc"), b"");
        assert_eq!(
            loop_error(b"m"),
            b"loop or previous error loading module 'm'"
        );
        assert_eq!(
            load_error(b"m", b"./m.lua", b"./m.lua:1: unexpected symbol near '?'"),
            b"error loading module 'm' from file './m.lua':\n\t./m.lua:1: unexpected symbol near '?'"
        );
    }
}
