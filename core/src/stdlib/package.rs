//! `require`, `module` and the `package` table: the path search.
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

use alloc::vec::Vec;

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
