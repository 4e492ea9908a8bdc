//! `os.remove`, `os.rename` and `os.tmpname`: file-system calls with C's semantics.
//!
//! `remove` deletes a file or an empty directory (C's `remove`); failures return the
//! io library's `nil, "name: reason", errno` triple naming the (first) file.
//! `tmpname` creates an empty file `/tmp/lua_XXXXXX` exclusively, as LuaJIT's `mkstemp`
//! does, and returns its name; the caller removes it.

use crate::iolib::open::FileError;
use std::ffi::OsStr;
use std::fs::{self, OpenOptions};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

fn path(name: &[u8]) -> &Path {
    Path::new(OsStr::from_bytes(name))
}

/// `os.remove(name)`.
pub fn remove(name: &[u8]) -> Result<(), FileError> {
    let p = path(name);
    let r = match fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => fs::remove_dir(p),
        _ => fs::remove_file(p),
    };
    r.map_err(|e| FileError::new(&e, Some(name)))
}

/// `os.rename(from, to)`.
pub fn rename(from: &[u8], to: &[u8]) -> Result<(), FileError> {
    fs::rename(path(from), path(to)).map_err(|e| FileError::new(&e, Some(from)))
}

/// `os.tmpname()`: the message is LuaJIT's when no name could be made.
pub fn tmpname() -> Result<Vec<u8>, &'static str> {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut seed = seed();
    for _ in 0..100 {
        let mut name = b"/tmp/lua_".to_vec();
        for _ in 0..6 {
            // xorshift64*: names need only be unpredictable enough to rarely collide.
            seed ^= seed >> 12;
            seed ^= seed << 25;
            seed ^= seed >> 27;
            let r = seed.wrapping_mul(0x2545_F491_4F6C_DD1D);
            name.push(CHARS[(r >> 58) as usize % CHARS.len()]);
        }
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path(&name))
        {
            Ok(_) => return Ok(name),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(_) => break,
        }
    }
    Err("unable to generate a unique filename")
}

fn seed() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let counter = {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        N.fetch_add(1, Ordering::Relaxed)
    };
    (t ^ (u64::from(std::process::id()) << 32) ^ counter.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tmpname_creates_distinct_files() {
        let a = tmpname().unwrap();
        let b = tmpname().unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with(b"/tmp/lua_") && a.len() == 15);
        assert!(path(&a).exists());
        remove(&a).unwrap();
        remove(&b).unwrap();
        assert!(!path(&a).exists());
    }

    #[test]
    fn remove_and_rename_errors_name_the_file() {
        let e = remove(b"/nonexistent/f").unwrap_err();
        assert_eq!(e.message, b"/nonexistent/f: No such file or directory");
        assert_eq!(e.errno, 2);
        let e = rename(b"/nonexistent/f", b"/tmp/x").unwrap_err();
        assert_eq!(e.message, b"/nonexistent/f: No such file or directory");
    }

    #[test]
    fn rename_then_remove_directory() {
        let d = std::env::temp_dir().join(format!("crescent-osfiles-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir(&d).unwrap();
        let from = d.join("a");
        let to = d.join("b");
        fs::write(&from, b"x").unwrap();
        rename(from.as_os_str().as_bytes(), to.as_os_str().as_bytes()).unwrap();
        assert_eq!(fs::read(&to).unwrap(), b"x");
        // A non-empty directory cannot be removed; an empty one can.
        assert!(remove(d.as_os_str().as_bytes()).is_err());
        remove(to.as_os_str().as_bytes()).unwrap();
        remove(d.as_os_str().as_bytes()).unwrap();
        assert!(!d.exists());
    }
}
