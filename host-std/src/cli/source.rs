//! Reading chunk sources from files, as `luaL_loadfile` does.
//!
//! The chunk name is `@path` (so messages say `path:line:`); a first line starting with
//! `#` (a `#!` line) is skipped but its newline kept, so line numbers stay right. Failures
//! carry `luaL_loadfile`'s words: `cannot open <path>: <reason>` when the file cannot be
//! opened, `cannot read <path>: <reason>` when reading fails (a directory, say).

use std::ffi::OsStr;
use std::fs::File;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;

/// A chunk's source and the chunk name to load it under.
#[derive(Debug, PartialEq, Eq)]
pub struct Source {
    /// The bytes, with a leading `#` line blanked.
    pub bytes: Vec<u8>,
    /// `@path`.
    pub chunkname: String,
}

/// The text of an OS error as C's `strerror` gives it (without Rust's ` (os error N)`).
pub fn strerror(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// Reads `path` as a chunk.
pub fn read_file(path: &[u8]) -> Result<Source, String> {
    let shown = String::from_utf8_lossy(path);
    let os_path = OsStr::from_bytes(path);
    let mut f =
        File::open(os_path).map_err(|e| format!("cannot open {shown}: {}", strerror(&e)))?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {shown}: {}", strerror(&e)))?;
    Ok(Source {
        bytes: skip_hash_line(bytes),
        chunkname: format!("@{shown}"),
    })
}

/// Blanks a first line starting with `#`, keeping its newline.
pub fn skip_hash_line(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.first() == Some(&b'#') {
        let end = bytes
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(bytes.len());
        bytes.drain(..end);
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_line_is_blanked_but_counted() {
        assert_eq!(
            skip_hash_line(b"#!/usr/bin/env lua\nprint(1)".to_vec()),
            b"\nprint(1)"
        );
        assert_eq!(skip_hash_line(b"#only".to_vec()), b"");
        assert_eq!(skip_hash_line(b"print(1) # x".to_vec()), b"print(1) # x");
    }

    #[test]
    fn open_and_read_failures_use_luajit_words() {
        let e = read_file(b"/nonexistent/crescent.lua").unwrap_err();
        assert_eq!(
            e,
            "cannot open /nonexistent/crescent.lua: No such file or directory"
        );
        let dir = std::env::temp_dir();
        let e = read_file(dir.as_os_str().as_bytes()).unwrap_err();
        assert!(e.starts_with("cannot read "), "{e}");
        assert!(e.ends_with(": Is a directory"), "{e}");
    }

    #[test]
    fn chunkname_is_at_path() {
        let path = std::env::temp_dir().join(format!("crescent-src-{}.lua", std::process::id()));
        std::fs::write(&path, b"#!x\nreturn 1\n").unwrap();
        let s = read_file(path.as_os_str().as_bytes()).unwrap();
        assert_eq!(s.bytes, b"\nreturn 1\n");
        assert_eq!(s.chunkname, format!("@{}", path.display()));
        std::fs::remove_file(&path).unwrap();
    }
}
