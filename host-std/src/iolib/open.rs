//! Opening files (`io.open`, `io.lines`, `io.input`/`io.output` with a name) and the
//! `nil, message, errno` triple that failed file operations return.
//!
//! Modes are read as glibc's `fopen` reads them (LuaJIT passes the string through): the
//! first character must be `r`, `w` or `a`; among the next six, `+` adds the other
//! direction and `x` refuses an existing file; anything else is ignored (`"rw"` opens
//! for reading). A bad first character is `EINVAL`, worded `Invalid argument`.

use super::stream::Stream;
use crate::cli::source::strerror;
use std::ffi::OsStr;
use std::fs::OpenOptions;
use std::io;
use std::os::unix::ffi::OsStrExt;

/// A failed operation as Lua sees it: `nil, message, errno`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    /// `name: reason`, or just `reason` when the operation has no file name.
    pub message: Vec<u8>,
    /// The OS error number (0 when there is none).
    pub errno: i32,
}

impl FileError {
    /// `luaL_fileresult(L, 0, name)` for `err`.
    pub fn new(err: &io::Error, name: Option<&[u8]>) -> FileError {
        let mut message = Vec::new();
        if let Some(n) = name {
            message.extend_from_slice(n);
            message.extend_from_slice(b": ");
        }
        message.extend_from_slice(strerror(err).as_bytes());
        FileError {
            message,
            errno: err.raw_os_error().unwrap_or(0),
        }
    }
}

/// Parses an `fopen` mode into open options.
pub fn mode_options(mode: &[u8]) -> Result<OpenOptions, io::Error> {
    let mut o = OpenOptions::new();
    let plus = mode
        .iter()
        .skip(1)
        .take(6)
        .take_while(|&&c| c != 0)
        .any(|&c| c == b'+');
    let excl = mode
        .iter()
        .skip(1)
        .take(6)
        .take_while(|&&c| c != 0)
        .any(|&c| c == b'x');
    match mode.first() {
        Some(b'r') => {
            o.read(true).write(plus);
        }
        Some(b'w') => {
            o.write(true).read(plus);
            if excl {
                o.create_new(true);
            } else {
                o.create(true).truncate(true);
            }
        }
        Some(b'a') => {
            o.append(true).read(plus);
            if excl {
                o.create_new(true);
            } else {
                o.create(true);
            }
        }
        _ => return Err(io::Error::from_raw_os_error(libc::EINVAL)),
    }
    Ok(o)
}

/// Opens `name` with `mode` as a fully buffered stream; the error names the file.
pub fn open(name: &[u8], mode: &[u8]) -> Result<Stream, FileError> {
    let wrap = |e: io::Error| FileError::new(&e, Some(name));
    let opts = mode_options(mode).map_err(wrap)?;
    // A path with a NUL byte cannot name a file; C would stop at the NUL.
    let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    let f = opts.open(OsStr::from_bytes(&name[..end])).map_err(wrap)?;
    let mut s = Stream::file(f);
    let plus = mode.contains(&b'+');
    s.set_access(mode[0] == b'r' || plus, mode[0] != b'r' || plus);
    Ok(s)
}

/// Starts `/bin/sh -c command` with a pipe to its standard output (mode `r`) or input
/// (mode `w`), as `popen` does; the error names the command.
pub fn popen(command: &[u8], mode: &[u8]) -> Result<Stream, FileError> {
    use std::process::{Command, Stdio};
    let reading = match mode.first() {
        Some(b'r') => true,
        Some(b'w') => false,
        _ => {
            return Err(FileError::new(
                &io::Error::from_raw_os_error(libc::EINVAL),
                Some(command),
            ))
        }
    };
    let end = command
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(command.len());
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c").arg(OsStr::from_bytes(&command[..end]));
    if reading {
        cmd.stdout(Stdio::piped());
    } else {
        cmd.stdin(Stdio::piped());
    }
    match cmd.spawn() {
        Ok(child) => Ok(Stream::pipe(child)),
        Err(e) => Err(FileError::new(&e, Some(command))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("crescent-open-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    fn b(p: &std::path::Path) -> Vec<u8> {
        p.as_os_str().as_bytes().to_vec()
    }

    #[test]
    fn missing_file_message_and_errno() {
        let e = open(b"/nonexistent/x", b"r").err().unwrap();
        assert_eq!(e.message, b"/nonexistent/x: No such file or directory");
        assert_eq!(e.errno, 2);
    }

    #[test]
    fn bad_mode_is_einval() {
        let p = tmp("mode.txt");
        std::fs::write(&p, b"x").unwrap();
        let e = open(&b(&p), b"z").err().unwrap();
        assert!(e.message.ends_with(b": Invalid argument"));
        assert_eq!(e.errno, 22);
        // glibc ignores what it does not know after the first character.
        let mut s = open(&b(&p), b"rw").unwrap();
        assert_eq!(s.read_all(), b"x");
        assert_eq!(s.write(b"y").unwrap_err().raw_os_error(), Some(libc::EBADF));
        let mut w = open(&b(&p), b"w").unwrap();
        assert_eq!(w.read_line(false), None);
        assert_eq!(w.take_error().unwrap().raw_os_error(), Some(libc::EBADF));
    }

    #[test]
    fn popen_reads_and_writes() {
        let mut s = popen(b"printf 'a\\nb'", b"r").unwrap();
        assert_eq!(s.read_line(false).unwrap(), b"a");
        assert_eq!(s.read_all(), b"b");
        assert!(s.write(b"x").is_err());
        s.close().unwrap();
        let p = tmp("popen.txt");
        let cmd = format!("cat > '{}'", p.display());
        let mut w = popen(cmd.as_bytes(), b"w").unwrap();
        w.write(b"piped\n").unwrap();
        w.close().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"piped\n");
        let e = popen(b"true", b"x").err().unwrap();
        assert_eq!(e.message, b"true: Invalid argument");
    }

    #[test]
    fn write_append_and_update_modes() {
        let p = tmp("modes.txt");
        let mut s = open(&b(&p), b"w").unwrap();
        s.write(b"hello").unwrap();
        s.close().unwrap();
        let mut s = open(&b(&p), b"a").unwrap();
        s.write(b" world").unwrap();
        s.close().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"hello world");
        let mut s = open(&b(&p), b"r+").unwrap();
        s.write(b"J").unwrap();
        s.close().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"Jello world");
        let mut s = open(&b(&p), b"w+b").unwrap();
        s.write(b"new").unwrap();
        s.seek(std::io::SeekFrom::Start(0)).unwrap();
        assert_eq!(s.read_all(), b"new");
        assert!(open(&b(&p), b"wx").is_err());
    }
}
