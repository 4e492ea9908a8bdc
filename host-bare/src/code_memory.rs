//! [`BareCodeMemory`]: the firmware's implementation of `crescent_core::host::CodeMemory`
//! over the 2 MiB code region of the memory map, whose page permissions live in the page
//! tables (`mmu::set_code_pages`).
//!
//! Invariants (beyond the trait's):
//! - There is at most one `BareCodeMemory` at a time ([`BareCodeMemory::take`]), since it owns
//!   the code pages' descriptors. Dropping it releases every region it handed out (their pages
//!   go back to read-only, never executable) and lets the next `take` succeed: each Lua VM gets
//!   the code memory for its JIT, one VM after another.
//! - Regions are carved bottom-up from the code region; `reserved` lists them in address
//!   order. A released region's pages go back to read-only; its space is reused once every
//!   region above it is released too (traces are rarely freed one by one).
//! - Pages outside every region stay read-only and never executable.

use alloc::vec::Vec;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicBool, Ordering};

use crescent_core::host::{CodeMemory, CodeMemoryError, CodeRegion};

use crate::mmu::{self, Perm};

const PAGE: usize = 4096;

/// The firmware's executable memory.
pub struct BareCodeMemory {
    /// (first page, page count) of each live region, in address order.
    reserved: Vec<(usize, usize)>,
    total_pages: usize,
}

static TAKEN: AtomicBool = AtomicBool::new(false);

impl BareCodeMemory {
    /// The code memory, unless another `BareCodeMemory` is alive.
    pub fn take() -> Option<BareCodeMemory> {
        if TAKEN.swap(true, Ordering::SeqCst) {
            return None;
        }
        Some(BareCodeMemory {
            reserved: Vec::new(),
            total_pages: (mmu::layout::code_end() - mmu::layout::code_start()) / PAGE,
        })
    }

    /// Pages of `region`'s `offset..offset + len`, after checking ownership and bounds.
    fn pages(
        &self,
        region: &CodeRegion,
        offset: usize,
        len: usize,
    ) -> Result<(usize, usize), CodeMemoryError> {
        let first = self.owned(region)?;
        region.check_range(offset, len)?;
        if len == 0 {
            return Ok((first, 0));
        }
        let start = first + offset / PAGE;
        let end = first + (offset + len).div_ceil(PAGE);
        Ok((start, end - start))
    }

    /// The first page of `region` if it is one of ours.
    fn owned(&self, region: &CodeRegion) -> Result<usize, CodeMemoryError> {
        let addr = region.base().as_ptr() as usize;
        let first = addr.wrapping_sub(mmu::layout::code_start()) / PAGE;
        self.reserved
            .iter()
            .find(|&&(f, n)| f == first && n * PAGE == region.len())
            .map(|&(f, _)| f)
            .filter(|_| addr >= mmu::layout::code_start())
            .ok_or(CodeMemoryError::UnknownRegion)
    }
}

impl Drop for BareCodeMemory {
    fn drop(&mut self) {
        for &(first, pages) in &self.reserved {
            // SAFETY: the owner of this code memory (a VM's JIT, the self-test) is being
            // dropped with it, so no code in its regions runs any more; afterwards a stray
            // call into them faults (not executable) instead of running stale code.
            unsafe { mmu::set_code_pages(first, pages, Perm::ReadOnly) };
        }
        TAKEN.store(false, Ordering::SeqCst);
    }
}

impl CodeMemory for BareCodeMemory {
    fn page_size(&self) -> usize {
        PAGE
    }

    fn reserve(&mut self, size: usize) -> Result<CodeRegion, CodeMemoryError> {
        let pages = size.max(1).div_ceil(PAGE);
        let first = self.reserved.last().map_or(0, |&(f, n)| f + n);
        if pages > self.total_pages - first {
            return Err(CodeMemoryError::OutOfMemory { size });
        }
        self.reserved.push((first, pages));
        let base = mmu::layout::code_start() + first * PAGE;
        // SAFETY: pages `first..first + pages` of the code region belong to this region alone
        // until it is released; the code region is never unmapped.
        Ok(unsafe {
            CodeRegion::from_raw_parts(NonNull::new(base as *mut u8).unwrap(), pages * PAGE)
        })
    }

    fn make_writable(
        &mut self,
        region: &CodeRegion,
        offset: usize,
        len: usize,
    ) -> Result<(), CodeMemoryError> {
        let (first, count) = self.pages(region, offset, len)?;
        // SAFETY: the pages belong to `region`; the trait's contract says no code runs in them
        // until `make_executable`.
        unsafe { mmu::set_code_pages(first, count, Perm::ReadWrite) };
        Ok(())
    }

    fn make_executable(
        &mut self,
        region: &CodeRegion,
        offset: usize,
        len: usize,
    ) -> Result<(), CodeMemoryError> {
        let (first, count) = self.pages(region, offset, len)?;
        // SAFETY: the pages belong to `region`; after this, nothing writes them until
        // `make_writable` (the writes would fault).
        unsafe { mmu::set_code_pages(first, count, Perm::ReadExecute) };
        crate::cache::sync_icache(region.base().as_ptr() as usize + offset, len);
        Ok(())
    }

    unsafe fn release(&mut self, region: CodeRegion) -> Result<(), CodeMemoryError> {
        let first = self.owned(&region)?;
        let pages = region.len() / PAGE;
        // SAFETY: the caller promises nothing runs in the region any more.
        unsafe { mmu::set_code_pages(first, pages, Perm::ReadOnly) };
        self.reserved.retain(|&(f, _)| f != first);
        Ok(())
    }
}
