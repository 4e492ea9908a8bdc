//! The macOS arm64 backend: `MAP_JIT` mappings, read+write+execute in the page tables, with W^X
//! enforced per thread by `pthread_jit_write_protect_np` (Apple's hardened-runtime JIT
//! protocol). A thread sees every `MAP_JIT` page either writable or executable, never both.

use core::ptr::NonNull;

use crescent_core::host::CodeMemoryError;

extern "C" {
    /// libkern's instruction cache invalidation for a range (`<libkern/OSCacheControl.h>`).
    fn sys_icache_invalidate(start: *mut core::ffi::c_void, len: usize);
}

/// One `MAP_JIT` mapping; unmapped when dropped.
#[derive(Debug)]
pub(super) struct Mapping {
    base: NonNull<u8>,
    len: usize,
}

impl Mapping {
    /// Maps `len` bytes (a multiple of the page size) with `MAP_JIT`.
    pub(super) fn new(len: usize) -> Option<Mapping> {
        // SAFETY: an anonymous private mapping at an address of the kernel's choosing touches
        // no existing memory.
        let p = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
                libc::MAP_PRIVATE | libc::MAP_ANON | libc::MAP_JIT,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return None;
        }
        // This thread starts on the executable side of the switch, so the fresh mapping is
        // not writable until `make_writable`.
        // SAFETY: toggles this thread's view of MAP_JIT pages; no Rust reference covers them.
        unsafe { libc::pthread_jit_write_protect_np(1) };
        Some(Mapping {
            base: NonNull::new(p.cast())?,
            len,
        })
    }

    pub(super) fn base(&self) -> NonNull<u8> {
        self.base
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: the mapping was created by `mmap` with this address and length, and its
        // owner guarantees no code in it runs any more.
        unsafe {
            libc::munmap(self.base.as_ptr().cast(), self.len);
        }
    }
}

pub(super) fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(size).unwrap_or(16384)
}

/// # Safety
/// `start..start + len` must be whole pages of a live `Mapping`.
pub(super) unsafe fn make_writable(_start: *mut u8, _len: usize) -> Result<(), CodeMemoryError> {
    // SAFETY: switches this thread's MAP_JIT pages to writable and not executable; the caller
    // runs no generated code until `make_executable`.
    unsafe { libc::pthread_jit_write_protect_np(0) };
    Ok(())
}

/// # Safety
/// `start..start + len` must be whole pages of a live `Mapping`.
pub(super) unsafe fn make_executable(_start: *mut u8, _len: usize) -> Result<(), CodeMemoryError> {
    // SAFETY: switches this thread's MAP_JIT pages back to executable and not writable.
    unsafe { libc::pthread_jit_write_protect_np(1) };
    Ok(())
}

/// Makes `start..start + len` visible to instruction fetch.
///
/// # Safety
/// The range must be mapped.
pub(super) unsafe fn sync_icache(start: *mut u8, len: usize) {
    // SAFETY: the caller guarantees the range is mapped.
    unsafe { sys_icache_invalidate(start.cast(), len) }
}
