//! The `mprotect` backend: one anonymous mapping per region, flipped between read+write and
//! read+execute, so W^X holds for every thread of the process.

use core::ptr::NonNull;

use crescent_core::host::CodeMemoryError;
use region::{Allocation, Protection};

/// One anonymous mapping; unmapped when dropped.
pub(super) struct Mapping(Allocation);

impl core::fmt::Debug for Mapping {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Mapping({:p}, {})", self.0.as_ptr::<u8>(), self.0.len())
    }
}

impl Mapping {
    /// Maps `len` bytes (a multiple of the page size), readable only.
    pub(super) fn new(len: usize) -> Option<Mapping> {
        region::alloc(len, Protection::READ).ok().map(Mapping)
    }

    pub(super) fn base(&self) -> NonNull<u8> {
        NonNull::new(self.0.as_ptr::<u8>().cast_mut()).expect("mmap never returns null")
    }

    pub(super) fn len(&self) -> usize {
        self.0.len()
    }
}

pub(super) fn page_size() -> usize {
    region::page::size()
}

fn protection_error(e: region::Error) -> CodeMemoryError {
    let code = match e {
        region::Error::SystemCall(io) => io.raw_os_error().unwrap_or(0),
        _ => 0,
    };
    CodeMemoryError::Protection { code }
}

/// # Safety
/// `start..start + len` must be whole pages of a live `Mapping`.
pub(super) unsafe fn make_writable(start: *mut u8, len: usize) -> Result<(), CodeMemoryError> {
    // SAFETY: the caller guarantees the pages belong to one of our mappings, which no Rust
    // reference covers, so changing their protection cannot invalidate a reference.
    unsafe { region::protect(start, len, Protection::READ_WRITE) }.map_err(protection_error)
}

/// # Safety
/// `start..start + len` must be whole pages of a live `Mapping`.
pub(super) unsafe fn make_executable(start: *mut u8, len: usize) -> Result<(), CodeMemoryError> {
    // SAFETY: as in `make_writable`.
    unsafe { region::protect(start, len, Protection::READ_EXECUTE) }.map_err(protection_error)
}

#[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
extern "C" {
    /// libgcc's (and compiler-rt's) instruction cache synchronization: on AArch64 Linux it
    /// cleans the data cache to the point of unification (`DC CVAU`), invalidates the
    /// instruction cache (`IC IVAU`) by line sizes read from `CTR_EL0`, and issues `DSB ISH` and
    /// `ISB`. Rust's std links `libgcc_s`, which exports it.
    fn __clear_cache(start: *mut core::ffi::c_char, end: *mut core::ffi::c_char);
}

/// Makes `start..start + len` visible to instruction fetch.
///
/// # Safety
/// The range must be mapped and readable.
pub(super) unsafe fn sync_icache(start: *mut u8, len: usize) {
    #[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
    // SAFETY: the caller guarantees the range is mapped; `__clear_cache` only does cache
    // maintenance on it.
    unsafe {
        __clear_cache(start.cast(), start.add(len).cast());
    }
    // x86 keeps instruction fetch coherent with stores; nothing to do.
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    let _ = (start, len);
}
