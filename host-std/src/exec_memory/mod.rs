//! Executable memory for a Linux or macOS process: [`ExecMemory`] implements
//! [`CodeMemory`].
//!
//! Invariants (beyond the trait's, see `crescent_core::host`):
//! - Every region handed out is one whole OS mapping owned by this `ExecMemory`, recorded in
//!   `regions`; operations on a region not in that list fail with `UnknownRegion`, so a
//!   handle from another host can never make this one change foreign memory's protection.
//! - Dropping an `ExecMemory` unmaps every region it still holds: code must not outlive it.
//!
//! Two backends, chosen at compile time:
//! - `mprotect` (Linux and every other Unix, macOS on x86_64): pages are flipped between
//!   read+write and read+execute with `mprotect` (through the `region` crate); the I-cache is
//!   synchronized with `__clear_cache` (a no-op on x86, whose caches are coherent).
//! - `macos_jit` (macOS on arm64): pages are mapped once with `MAP_JIT` and read+write+execute,
//!   and W^X is enforced per thread by the hardware (`pthread_jit_write_protect_np`), as
//!   Apple's hardened runtime requires; the I-cache is synchronized with
//!   `sys_icache_invalidate`.

use crescent_core::host::{CodeMemory, CodeMemoryError, CodeRegion};

#[cfg(all(target_os = "macos", target_arch = "aarch64"))]
#[path = "macos_jit.rs"]
mod sys;
#[cfg(not(all(target_os = "macos", target_arch = "aarch64")))]
#[path = "mprotect.rs"]
mod sys;

/// The process's executable memory: a set of code regions, each its own OS mapping.
#[derive(Debug)]
pub struct ExecMemory {
    page_size: usize,
    regions: Vec<sys::Mapping>,
}

impl ExecMemory {
    /// A host with no regions yet.
    pub fn new() -> ExecMemory {
        ExecMemory {
            page_size: sys::page_size(),
            regions: Vec::new(),
        }
    }

    /// The mapping behind `region`, if this host owns it.
    fn mapping(&self, region: &CodeRegion) -> Result<&sys::Mapping, CodeMemoryError> {
        self.regions
            .iter()
            .find(|m| m.base() == region.base() && m.len() == region.len())
            .ok_or(CodeMemoryError::UnknownRegion)
    }

    /// Checks ownership and bounds, and widens `offset..offset + len` to whole pages.
    /// Returns the page-aligned start address and length (0 for an empty range).
    fn pages(
        &self,
        region: &CodeRegion,
        offset: usize,
        len: usize,
    ) -> Result<(*mut u8, usize), CodeMemoryError> {
        self.mapping(region)?;
        region.check_range(offset, len)?;
        if len == 0 {
            return Ok((region.base().as_ptr(), 0));
        }
        let start = offset & !(self.page_size - 1);
        // Cannot overflow: offset + len <= region.len(), itself a multiple of the page size.
        let end = (offset + len).next_multiple_of(self.page_size);
        // SAFETY: start < region.len(), so the pointer stays inside the mapping.
        Ok((unsafe { region.base().as_ptr().add(start) }, end - start))
    }
}

impl Default for ExecMemory {
    fn default() -> Self {
        ExecMemory::new()
    }
}

impl CodeMemory for ExecMemory {
    fn page_size(&self) -> usize {
        self.page_size
    }

    fn reserve(&mut self, size: usize) -> Result<CodeRegion, CodeMemoryError> {
        let len = size
            .max(1)
            .checked_next_multiple_of(self.page_size)
            .ok_or(CodeMemoryError::OutOfMemory { size })?;
        let mapping = sys::Mapping::new(len).ok_or(CodeMemoryError::OutOfMemory { size })?;
        // SAFETY: the mapping is page-aligned, `len` bytes long, and stays mapped until
        // `release` (or drop) removes it from `regions`.
        let region = unsafe { CodeRegion::from_raw_parts(mapping.base(), mapping.len()) };
        self.regions.push(mapping);
        Ok(region)
    }

    fn make_writable(
        &mut self,
        region: &CodeRegion,
        offset: usize,
        len: usize,
    ) -> Result<(), CodeMemoryError> {
        let (start, bytes) = self.pages(region, offset, len)?;
        if bytes == 0 {
            return Ok(());
        }
        // SAFETY: `start..start + bytes` is whole pages of a mapping this host owns.
        unsafe { sys::make_writable(start, bytes) }
    }

    fn make_executable(
        &mut self,
        region: &CodeRegion,
        offset: usize,
        len: usize,
    ) -> Result<(), CodeMemoryError> {
        let (start, bytes) = self.pages(region, offset, len)?;
        if bytes == 0 {
            return Ok(());
        }
        // SAFETY: `start..start + bytes` is whole pages of a mapping this host owns, and
        // `offset..offset + len` lies inside them.
        unsafe {
            sys::make_executable(start, bytes)?;
            sys::sync_icache(region.base().as_ptr().add(offset), len);
        }
        Ok(())
    }

    unsafe fn release(&mut self, region: CodeRegion) -> Result<(), CodeMemoryError> {
        self.mapping(&region)?;
        // Dropping the mapping unmaps it; the caller promised nothing runs in it any more.
        self.regions
            .retain(|m| !(m.base() == region.base() && m.len() == region.len()));
        Ok(())
    }
}
