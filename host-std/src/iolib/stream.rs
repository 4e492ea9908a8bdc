//! A buffered byte stream with C `FILE` semantics: what a Lua file handle wraps.
//!
//! Invariants:
//! - At most one of the two buffers holds data: `rbuf[rpos..]` (bytes read ahead from the
//!   device and not yet consumed) or `wbuf` (bytes written and not yet sent). Switching
//!   direction first drains the other buffer: pending writes are flushed before a read, and
//!   read-ahead is given back (by seeking the device back over it) before a write, so a
//!   file opened `r+` sees one consistent position, as C streams do after `fseek`.
//! - `closed` streams keep no device; every operation on them is refused by the caller
//!   (the io library checks first and raises "attempt to use a closed file").
//! - Errors are sticky like `ferror`: a failed device read or write records its
//!   `io::Error`; `read_*` report it once and clear it (the io library calls `clearerr`
//!   semantics at the start of each `read`).
//!
//! Standard output uses the same type, so `print` and `io.write` share one buffer and keep
//! their order; it is line buffered on a terminal and fully buffered otherwise, as C's is.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

/// The default buffer size (C's `BUFSIZ` on glibc).
pub const BUFSIZE: usize = 8192;

/// How writes are buffered (`file:setvbuf`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Buffering {
    /// Every write goes to the device at once.
    No,
    /// Flushed at each newline (and when full).
    Line,
    /// Flushed when the buffer reaches the given size.
    Full(usize),
}

/// What a stream reads from and writes to.
pub enum Device {
    /// A file opened by `io.open` (or `io.tmpfile`).
    File(File),
    /// The process's standard input.
    Stdin,
    /// The process's standard output.
    Stdout,
    /// The process's standard error.
    Stderr,
    /// A command started by `io.popen`: its standard output (mode `r`) or input (`w`).
    Pipe(std::process::Child),
    /// In-memory bytes, for tests: reads consume `input`, writes append to `output`.
    Memory {
        /// Bytes still to be read.
        input: io::Cursor<Vec<u8>>,
        /// Bytes written so far.
        output: Vec<u8>,
    },
}

impl Device {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Device::File(f) => f.read(buf),
            Device::Stdin => io::stdin().lock().read(buf),
            Device::Memory { input, .. } => input.read(buf),
            Device::Pipe(child) => match child.stdout.as_mut() {
                Some(out) => out.read(buf),
                None => Err(io::Error::from_raw_os_error(libc::EBADF)),
            },
            Device::Stdout | Device::Stderr => Err(io::Error::from_raw_os_error(libc::EBADF)),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Device::File(f) => f.write_all(buf),
            // std's own stdout buffer is flushed at once: ours is the only buffer.
            Device::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(buf)?;
                out.flush()
            }
            Device::Stderr => io::stderr().lock().write_all(buf),
            Device::Memory { output, .. } => {
                output.extend_from_slice(buf);
                Ok(())
            }
            Device::Pipe(child) => match child.stdin.as_mut() {
                Some(input) => input.write_all(buf),
                None => Err(io::Error::from_raw_os_error(libc::EBADF)),
            },
            Device::Stdin => Err(io::Error::from_raw_os_error(libc::EBADF)),
        }
    }

    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        match self {
            Device::File(f) => f.seek(pos),
            Device::Memory { input, .. } => input.seek(pos),
            Device::Pipe(_) => Err(io::Error::from_raw_os_error(libc::ESPIPE)),
            // Standard streams may be files (`< input.txt`): seek the descriptor itself.
            Device::Stdin => seek_fd(0, pos),
            Device::Stdout => seek_fd(1, pos),
            Device::Stderr => seek_fd(2, pos),
        }
    }
}

/// `lseek` on a standard descriptor (pipes and terminals answer `ESPIPE`).
fn seek_fd(fd: i32, pos: SeekFrom) -> io::Result<u64> {
    let (off, whence) = match pos {
        SeekFrom::Start(o) => (o as i64, libc::SEEK_SET),
        SeekFrom::Current(o) => (o, libc::SEEK_CUR),
        SeekFrom::End(o) => (o, libc::SEEK_END),
    };
    // SAFETY: lseek takes plain integers and touches no memory; a bad descriptor or
    // offset is reported through its return value and errno.
    let r = unsafe { libc::lseek(fd, off as libc::off_t, whence) };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r as u64)
    }
}

/// A buffered stream (see the module doc for its invariants).
pub struct Stream {
    device: Option<Device>,
    rbuf: Vec<u8>,
    rpos: usize,
    wbuf: Vec<u8>,
    buffering: Buffering,
    /// The first device error since the last `clear_error`.
    error: Option<io::Error>,
    /// Whether closing it is refused ("cannot close standard file").
    standard: bool,
    /// The open mode allows reading / writing (C refuses the other direction with EBADF).
    can_read: bool,
    can_write: bool,
}

impl Stream {
    /// A stream over `device` with the given write buffering.
    pub fn new(device: Device, buffering: Buffering) -> Stream {
        let standard = matches!(device, Device::Stdin | Device::Stdout | Device::Stderr);
        let can_read = !matches!(device, Device::Stdout | Device::Stderr);
        let can_write = !matches!(device, Device::Stdin);
        Stream {
            can_read,
            can_write,
            device: Some(device),
            rbuf: Vec::new(),
            rpos: 0,
            wbuf: Vec::new(),
            buffering,
            error: None,
            standard,
        }
    }

    /// A fully buffered stream over an open file.
    pub fn file(f: File) -> Stream {
        Stream::new(Device::File(f), Buffering::Full(BUFSIZE))
    }

    /// Restricts the directions the stream allows (the file's open mode).
    pub fn set_access(&mut self, read: bool, write: bool) {
        self.can_read = read;
        self.can_write = write;
    }

    /// A stream over a started command (`io.popen`): reading its output if it was spawned
    /// with a piped stdout, else writing to its piped stdin.
    pub fn pipe(child: std::process::Child) -> Stream {
        let reading = child.stdout.is_some();
        let mut s = Stream::new(Device::Pipe(child), Buffering::Full(BUFSIZE));
        s.set_access(reading, !reading);
        s
    }

    /// An in-memory stream reading `input` (tests).
    pub fn memory(input: &[u8]) -> Stream {
        let device = Device::Memory {
            input: io::Cursor::new(input.to_vec()),
            output: Vec::new(),
        };
        Stream::new(device, Buffering::Full(BUFSIZE))
    }

    /// What has been written to an in-memory stream and reached its device.
    pub fn memory_output(&self) -> Option<&[u8]> {
        match &self.device {
            Some(Device::Memory { output, .. }) => Some(output),
            _ => None,
        }
    }

    /// True once closed.
    pub fn is_closed(&self) -> bool {
        self.device.is_none()
    }

    /// True for stdin/stdout/stderr, which `close` refuses.
    pub fn is_standard(&self) -> bool {
        self.standard
    }

    /// Clears the sticky error (`clearerr`).
    pub fn clear_error(&mut self) {
        self.error = None;
    }

    /// Takes the sticky error, if a device operation failed (`ferror`).
    pub fn take_error(&mut self) -> Option<io::Error> {
        self.error.take()
    }

    fn closed_error() -> io::Error {
        io::Error::from_raw_os_error(libc::EBADF)
    }

    /// Sends pending writes to the device.
    pub fn flush(&mut self) -> io::Result<()> {
        if self.wbuf.is_empty() {
            return Ok(());
        }
        let dev = self.device.as_mut().ok_or_else(Self::closed_error)?;
        let r = dev.write_all(&self.wbuf);
        self.wbuf.clear();
        r
    }

    /// Gives read-ahead back to the device before writing or seeking.
    fn drop_read_ahead(&mut self) -> io::Result<()> {
        let ahead = self.rbuf.len() - self.rpos;
        self.rbuf.clear();
        self.rpos = 0;
        if ahead > 0 {
            if let Some(dev) = self.device.as_mut() {
                // Non-seekable devices (pipes) simply lose it, as C streams do.
                let _ = dev.seek(SeekFrom::Current(-(ahead as i64)));
            }
        }
        Ok(())
    }

    /// Refills the read buffer; returns false at end of file or on error.
    fn fill(&mut self) -> bool {
        if self.rpos < self.rbuf.len() {
            return true;
        }
        if let Err(e) = self.flush() {
            self.error.get_or_insert(e);
            return false;
        }
        let Some(dev) = self.device.as_mut().filter(|_| self.can_read) else {
            self.error.get_or_insert(Self::closed_error());
            return false;
        };
        self.rbuf.resize(BUFSIZE, 0);
        self.rpos = 0;
        loop {
            match dev.read(&mut self.rbuf) {
                Ok(n) => {
                    self.rbuf.truncate(n);
                    return n > 0;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.rbuf.clear();
                    self.error.get_or_insert(e);
                    return false;
                }
            }
        }
    }

    /// The next byte without consuming it (`getc` + `ungetc`).
    pub fn peek(&mut self) -> Option<u8> {
        if self.fill() {
            Some(self.rbuf[self.rpos])
        } else {
            None
        }
    }

    fn bump(&mut self) {
        self.rpos += 1;
    }

    /// Reads one line. With `keep_newline` false the `\n` is dropped. `None` at end of file
    /// with nothing read.
    pub fn read_line(&mut self, keep_newline: bool) -> Option<Vec<u8>> {
        let mut line = Vec::new();
        let mut any = false;
        while self.fill() {
            any = true;
            let avail = &self.rbuf[self.rpos..];
            if let Some(nl) = avail.iter().position(|&b| b == b'\n') {
                line.extend_from_slice(&avail[..nl + usize::from(keep_newline)]);
                self.rpos += nl + 1;
                return Some(line);
            }
            line.extend_from_slice(avail);
            self.rpos = self.rbuf.len();
        }
        any.then_some(line)
    }

    /// Reads everything up to end of file (possibly nothing).
    pub fn read_all(&mut self) -> Vec<u8> {
        let mut all = Vec::new();
        while self.fill() {
            all.extend_from_slice(&self.rbuf[self.rpos..]);
            self.rpos = self.rbuf.len();
        }
        all
    }

    /// Reads up to `n` bytes; `None` if `n > 0` and nothing could be read. `n == 0` tests
    /// for end of file: `Some(empty)` unless at end.
    pub fn read_count(&mut self, n: usize) -> Option<Vec<u8>> {
        if n == 0 {
            return self.peek().map(|_| Vec::new());
        }
        let mut out = Vec::new();
        while out.len() < n && self.fill() {
            let take = (n - out.len()).min(self.rbuf.len() - self.rpos);
            out.extend_from_slice(&self.rbuf[self.rpos..self.rpos + take]);
            self.rpos += take;
        }
        (!out.is_empty()).then_some(out)
    }

    /// Reads a number as C's `fscanf("%lf")` does: leading white space skipped, then the
    /// longest prefix that can start a decimal or hexadecimal numeral, `inf` or `nan`.
    /// Consumed bytes stay consumed when the text is not a number, as with `scanf`.
    pub fn read_number(&mut self) -> Option<f64> {
        while matches!(
            self.peek(),
            Some(b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
        ) {
            self.bump();
        }
        let mut text = Vec::new();
        if let Some(c @ (b'+' | b'-')) = self.peek() {
            text.push(c);
            self.bump();
        }
        match self.peek() {
            Some(b'i' | b'I') => {
                if !self.take_word(&mut text, b"inf") {
                    return None;
                }
                // "infinity" is taken whole when it is there; a partial tail fails, like glibc.
                if matches!(self.peek(), Some(b'i' | b'I')) && !self.take_word(&mut text, b"inity")
                {
                    return None;
                }
            }
            Some(b'n' | b'N') => {
                if !self.take_word(&mut text, b"nan") {
                    return None;
                }
            }
            _ => {
                let mut hex = false;
                if self.peek() == Some(b'0') {
                    text.push(b'0');
                    self.bump();
                    if let Some(x @ (b'x' | b'X')) = self.peek() {
                        text.push(x);
                        self.bump();
                        hex = true;
                    }
                }
                let digit = |c: u8| {
                    if hex {
                        c.is_ascii_hexdigit()
                    } else {
                        c.is_ascii_digit()
                    }
                };
                let mut digits = usize::from(!hex && text.last() == Some(&b'0'));
                digits += self.take_while(&mut text, digit);
                let mut point = false;
                if self.peek() == Some(b'.') {
                    text.push(b'.');
                    self.bump();
                    point = true;
                    digits += self.take_while(&mut text, digit);
                }
                if digits == 0 {
                    // glibc reads "0x." as 0 but fails on "0x" and "."; the bytes stay read.
                    if hex && point {
                        return Some(if text.first() == Some(&b'-') {
                            -0.0
                        } else {
                            0.0
                        });
                    }
                    return None;
                }
                let mantissa = text.len();
                let exp = if hex { [b'p', b'P'] } else { [b'e', b'E'] };
                if let Some(e) = self.peek().filter(|c| exp.contains(c)) {
                    text.push(e);
                    self.bump();
                    if let Some(s @ (b'+' | b'-')) = self.peek() {
                        text.push(s);
                        self.bump();
                    }
                    if self.take_while(&mut text, |c| c.is_ascii_digit()) == 0 {
                        // An exponent without digits is consumed but ignored, as glibc
                        // does ("100ergs" reads 100 and leaves "rgs").
                        text.truncate(mantissa);
                    }
                }
            }
        }
        crescent_core::number::parse(&text)
    }

    /// Consumes `word` case-insensitively, appending it to `text`; false on a mismatch
    /// (the matched part stays consumed).
    fn take_word(&mut self, text: &mut Vec<u8>, word: &[u8]) -> bool {
        for &w in word {
            match self.peek() {
                Some(c) if c.eq_ignore_ascii_case(&w) => {
                    text.push(c);
                    self.bump();
                }
                _ => return false,
            }
        }
        true
    }

    fn take_while(&mut self, text: &mut Vec<u8>, pred: impl Fn(u8) -> bool) -> usize {
        let mut n = 0;
        while let Some(c) = self.peek().filter(|&c| pred(c)) {
            text.push(c);
            self.bump();
            n += 1;
        }
        n
    }

    /// Writes bytes, buffering as configured.
    pub fn write(&mut self, data: &[u8]) -> io::Result<()> {
        if self.device.is_none() || !self.can_write {
            return Err(Self::closed_error());
        }
        if !self.rbuf.is_empty() {
            self.drop_read_ahead()?;
        }
        self.wbuf.extend_from_slice(data);
        let must_flush = match self.buffering {
            Buffering::No => true,
            Buffering::Line => data.contains(&b'\n'),
            Buffering::Full(size) => self.wbuf.len() >= size.max(1),
        };
        if must_flush {
            self.flush()
        } else {
            Ok(())
        }
    }

    /// Moves the position (`fseek` + `ftell`): returns the new offset from the start.
    pub fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.flush()?;
        let ahead = (self.rbuf.len() - self.rpos) as i64;
        self.rbuf.clear();
        self.rpos = 0;
        let dev = self.device.as_mut().ok_or_else(Self::closed_error)?;
        // The device is `ahead` bytes past the stream's logical position.
        let pos = match pos {
            SeekFrom::Current(off) => SeekFrom::Current(off - ahead),
            other => other,
        };
        dev.seek(pos)
    }

    /// Changes the write buffering (`setvbuf`); pending output is flushed first.
    pub fn set_buffering(&mut self, buffering: Buffering) -> io::Result<()> {
        self.flush()?;
        self.buffering = buffering;
        Ok(())
    }

    /// Flushes and releases the device. Closing twice is an error.
    pub fn close(&mut self) -> io::Result<()> {
        let flushed = self.flush();
        self.rbuf.clear();
        self.rpos = 0;
        let dev = self.device.take().ok_or_else(Self::closed_error)?;
        let finished = match dev {
            // Closing the command's input lets it finish; then reap it (`pclose`). Its
            // exit status is not an error (Lua 5.1 returns true once `pclose` succeeds).
            Device::Pipe(mut child) => {
                drop(child.stdin.take());
                drop(child.stdout.take());
                child.wait().map(|_| ())
            }
            // Dropping a file closes it; errors are those of the final flush, as `fclose`
            // reports what it could not write.
            _ => Ok(()),
        };
        flushed.and(finished)
    }

    /// A stable identity for `tostring` (`file (0x...)`).
    pub fn id(&self) -> usize {
        self as *const Stream as usize
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        // Like `exit()` flushing every C stream: data written is never silently lost; a
        // command started by `io.popen` is waited for rather than left a zombie.
        if matches!(self.device, Some(Device::Pipe(_))) {
            let _ = self.close();
        } else {
            let _ = self.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_with_and_without_newline() {
        let mut s = Stream::memory(b"one\ntwo\n\nlast");
        assert_eq!(s.read_line(false).unwrap(), b"one");
        assert_eq!(s.read_line(true).unwrap(), b"two\n");
        assert_eq!(s.read_line(false).unwrap(), b"");
        assert_eq!(s.read_line(false).unwrap(), b"last");
        assert_eq!(s.read_line(false), None);
        assert_eq!(s.read_count(0), None);
    }

    #[test]
    fn counts_and_all() {
        let mut s = Stream::memory(b"abcdef");
        assert_eq!(s.read_count(0).unwrap(), b"");
        assert_eq!(s.read_count(2).unwrap(), b"ab");
        assert_eq!(s.read_count(10).unwrap(), b"cdef");
        assert_eq!(s.read_count(1), None);
        assert_eq!(s.read_all(), b"");
        let mut s = Stream::memory(b"xy\nz");
        s.read_line(false);
        assert_eq!(s.read_all(), b"z");
    }

    #[test]
    fn long_lines_cross_buffer_refills() {
        let mut data = vec![b'a'; BUFSIZE * 2 + 17];
        data.push(b'\n');
        data.extend_from_slice(b"tail");
        let mut s = Stream::memory(&data);
        assert_eq!(s.read_line(false).unwrap().len(), BUFSIZE * 2 + 17);
        assert_eq!(s.read_line(false).unwrap(), b"tail");
    }

    fn numbers(input: &[u8]) -> Vec<Option<f64>> {
        let mut s = Stream::memory(input);
        let mut out = Vec::new();
        for _ in 0..8 {
            let n = s.read_number();
            out.push(n);
            if n.is_none() {
                break;
            }
        }
        out
    }

    #[test]
    fn numbers_as_scanf_reads_them() {
        assert_eq!(
            numbers(b" 1 -2.5\n\t3e2 0x10 .5 +7"),
            vec![
                Some(1.0),
                Some(-2.5),
                Some(300.0),
                Some(16.0),
                Some(0.5),
                Some(7.0),
                None
            ]
        );
        assert_eq!(numbers(b"abc"), vec![None]);
        // An exponent marker without digits is eaten and ignored (glibc's scanf).
        assert_eq!(numbers(b"1e"), vec![Some(1.0), None]);
        let mut s = Stream::memory(b"100ergs 0x1p+z 0x.p1");
        assert_eq!(s.read_number(), Some(100.0));
        assert_eq!(s.read_count(3).unwrap(), b"rgs");
        assert_eq!(s.read_number(), Some(1.0));
        assert_eq!(s.read_count(1).unwrap(), b"z");
        assert_eq!(s.read_number(), Some(0.0));
        assert_eq!(s.read_all(), b"p1");
        assert_eq!(numbers(b"0x"), vec![None]);
        assert_eq!(numbers(b"0x1p4"), vec![Some(16.0), None]);
        let inf = numbers(b"inf -Infinity nan");
        assert_eq!(inf[0], Some(f64::INFINITY));
        assert_eq!(inf[1], Some(f64::NEG_INFINITY));
        assert!(inf[2].unwrap().is_nan());
        assert_eq!(numbers(b"0"), vec![Some(0.0), None]);
        assert_eq!(numbers(b"-"), vec![None]);
    }

    #[test]
    fn number_then_rest_of_line() {
        let mut s = Stream::memory(b"42abc\n");
        assert_eq!(s.read_number(), Some(42.0));
        assert_eq!(s.read_line(false).unwrap(), b"abc");
    }

    #[test]
    fn buffering_modes() {
        let mut s = Stream::memory(b"");
        s.write(b"abc").unwrap();
        assert_eq!(s.memory_output().unwrap(), b"");
        s.flush().unwrap();
        assert_eq!(s.memory_output().unwrap(), b"abc");
        s.set_buffering(Buffering::Line).unwrap();
        s.write(b"x").unwrap();
        assert_eq!(s.memory_output().unwrap(), b"abc");
        s.write(b"y\nz").unwrap();
        assert_eq!(s.memory_output().unwrap(), b"abcxy\nz");
        s.set_buffering(Buffering::No).unwrap();
        s.write(b"!").unwrap();
        assert_eq!(s.memory_output().unwrap(), b"abcxy\nz!");
        s.set_buffering(Buffering::Full(4)).unwrap();
        s.write(b"123").unwrap();
        assert_eq!(s.memory_output().unwrap().len(), 8);
        s.write(b"4").unwrap();
        assert_eq!(s.memory_output().unwrap(), b"abcxy\nz!1234");
    }

    #[test]
    fn seek_accounts_for_read_ahead() {
        let mut s = Stream::memory(b"0123456789");
        assert_eq!(s.read_count(3).unwrap(), b"012");
        assert_eq!(s.seek(SeekFrom::Current(0)).unwrap(), 3);
        assert_eq!(s.seek(SeekFrom::Current(2)).unwrap(), 5);
        assert_eq!(s.read_count(1).unwrap(), b"5");
        assert_eq!(s.seek(SeekFrom::End(-2)).unwrap(), 8);
        assert_eq!(s.read_all(), b"89");
        assert_eq!(s.seek(SeekFrom::Start(0)).unwrap(), 0);
        assert_eq!(s.read_line(false).unwrap(), b"0123456789");
    }

    #[test]
    fn closed_stream_refuses() {
        let mut s = Stream::memory(b"data");
        s.close().unwrap();
        assert!(s.is_closed());
        assert!(s.close().is_err());
        assert!(s.write(b"x").is_err());
        assert_eq!(s.read_line(false), None);
        assert!(s.take_error().is_some());
    }

    #[test]
    fn read_write_file_keeps_one_position() {
        let dir = std::env::temp_dir().join(format!("crescent-stream-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("rw.txt");
        std::fs::write(&path, b"hello world\n").unwrap();
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        let mut s = Stream::file(f);
        assert_eq!(s.read_count(6).unwrap(), b"hello ");
        // The device read ahead to the end; the write must land at offset 6.
        s.write(b"WORLD").unwrap();
        s.close().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hello WORLD\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
