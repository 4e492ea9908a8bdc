//! Arm semihosting (`HLT #0xF000` on AArch64): exit with a status code, read the command line.
//! QEMU serves these calls when started with `-semihosting`.
//!
//! Invariant: `exit` never returns. If semihosting is missing, the `HLT` traps as an undefined
//! instruction; the exception handler then calls `exit` again, which notices the second entry,
//! says so on the UART, and powers off through PSCI (losing the status) or parks.

use core::sync::atomic::{AtomicBool, Ordering};

const SYS_GET_CMDLINE: u64 = 0x15;
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
