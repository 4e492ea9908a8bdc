//! Arm semihosting (`HLT #0xF000` on AArch64): exit with a status code, read the command line,
//! read a file of the host. QEMU serves these calls when started with `-semihosting`.
//!
//! Invariant: `exit` never returns. If semihosting is missing, the `HLT` traps as an undefined
//! instruction; the exception handler then calls `exit` again, which notices the second entry,
//! says so on the UART, and powers off through PSCI (losing the status) or parks.

use core::sync::atomic::{AtomicBool, Ordering};

const SYS_OPEN: u64 = 0x01;
const SYS_CLOSE: u64 = 0x02;
const SYS_READ: u64 = 0x06;
const SYS_FLEN: u64 = 0x0c;
const SYS_GET_CMDLINE: u64 = 0x15;
/// `SYS_OPEN` mode 1: "rb".
const MODE_READ_BINARY: u64 = 1;
/// Largest file `read_file` accepts.
const MAX_FILE: usize = 16 << 20;
const SYS_EXIT: u64 = 0x18;
const ADP_STOPPED_APPLICATION_EXIT: u64 = 0x20026;
const PSCI_SYSTEM_OFF: u64 = 0x8400_0008;

static EXITING: AtomicBool = AtomicBool::new(false);

/// # Safety
/// `arg` must be what operation `op` expects (a pointer to its parameter block).
unsafe fn call(op: u64, arg: u64) -> u64 {
    let ret;
    // SAFETY: the semihosting trap reads/writes only the parameter block the caller passes.
    unsafe {
        core::arch::asm!("hlt #0xf000", inout("x0") op => ret, in("x1") arg, options(nostack));
    }
    ret
}

/// Ends the emulation with `status` as QEMU's exit code.
pub fn exit(status: u32) -> ! {
    if EXITING.swap(true, Ordering::SeqCst) {
        crate::println!("*** semihosting unavailable: run QEMU with -semihosting");
        // SAFETY: PSCI SYSTEM_OFF takes no arguments and does not return when it works.
        unsafe {
            core::arch::asm!("hvc #0", in("x0") PSCI_SYSTEM_OFF, options(nostack));
        }
        loop {
            core::hint::spin_loop();
        }
    }
    let block = [ADP_STOPPED_APPLICATION_EXIT, u64::from(status)];
    // SAFETY: SYS_EXIT takes a pointer to the two-word block above.
    unsafe {
        call(SYS_EXIT, block.as_ptr() as u64);
    }
    loop {
        core::hint::spin_loop();
    }
}

/// The command line QEMU was given (`-kernel` path, then `-append` words), read into `buf`.
pub fn cmdline(buf: &mut [u8]) -> Option<&str> {
    let mut block = [buf.as_mut_ptr() as u64, buf.len() as u64];
    // SAFETY: SYS_GET_CMDLINE writes at most `buf.len()` bytes to `buf` and the used length
    // to `block[1]`.
    let ret = unsafe { call(SYS_GET_CMDLINE, block.as_mut_ptr() as u64) };
    if ret != 0 {
        return None;
    }
    let len = (block[1] as usize).min(buf.len());
    core::str::from_utf8(&buf[..len])
        .ok()
        .map(|s| s.trim_end_matches('\0'))
}

/// Reads the whole host file `path` (relative to QEMU's working directory).
pub fn read_file(path: &str) -> Result<alloc::vec::Vec<u8>, alloc::string::String> {
    use alloc::format;
    let mut name = alloc::vec::Vec::with_capacity(path.len() + 1);
    name.extend_from_slice(path.as_bytes());
    name.push(0);
    let open = [name.as_ptr() as u64, MODE_READ_BINARY, path.len() as u64];
    // SAFETY: SYS_OPEN reads the three-word block and the NUL-terminated name it points to.
    let handle = unsafe { call(SYS_OPEN, open.as_ptr() as u64) };
    if handle as i64 == -1 {
        return Err(format!("cannot open {path}"));
    }
    let block = [handle];
    // SAFETY: SYS_FLEN reads the one-word block.
    let len = unsafe { call(SYS_FLEN, block.as_ptr() as u64) } as i64;
    let result = if len < 0 || len as usize > MAX_FILE {
        Err(format!("cannot read {path}: bad length {len}"))
    } else {
        let mut buf = alloc::vec![0u8; len as usize];
        let read = [handle, buf.as_mut_ptr() as u64, buf.len() as u64];
        // SAFETY: SYS_READ writes at most `buf.len()` bytes into `buf`; it returns how many
        // bytes were NOT read.
        let left = unsafe { call(SYS_READ, read.as_ptr() as u64) } as usize;
        if left > buf.len() {
            Err(format!("cannot read {path}"))
        } else {
            buf.truncate(buf.len() - left);
            Ok(buf)
        }
    };
    // SAFETY: SYS_CLOSE reads the one-word block.
    unsafe { call(SYS_CLOSE, block.as_ptr() as u64) };
    result
}
