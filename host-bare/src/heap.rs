//! The global allocator: `linked_list_allocator`'s first-fit heap behind a `spin` mutex, over
//! the linker script's heap range.
//!
//! Invariant: `init` runs once, after the MMU is on (the mutex uses exclusive loads and stores,
//! which need normal cacheable memory), before the first allocation. Allocation failure
//! returns null, which `alloc` turns into its error path (a panic on the UART, exit status 2).

use core::alloc::{GlobalAlloc, Layout};
use core::ptr::NonNull;

use linked_list_allocator::Heap;
use spin::Mutex;

struct SpinHeap(Mutex<Heap>);

// SAFETY: `Heap` hands out disjoint blocks of its range and the mutex serializes it.
unsafe impl GlobalAlloc for SpinHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.0
            .lock()
            .allocate_first_fit(layout)
            .map_or(core::ptr::null_mut(), NonNull::as_ptr)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some(p) = NonNull::new(ptr) {
            // SAFETY: `GlobalAlloc` callers pass back a block this heap allocated with `layout`.
            unsafe { self.0.lock().deallocate(p, layout) }
        }
    }
}

#[global_allocator]
static HEAP: SpinHeap = SpinHeap(Mutex::new(Heap::empty()));

/// Gives the heap its memory.
///
/// # Safety
/// Once, with `start..start + size` unused RAM mapped read+write.
pub unsafe fn init(start: usize, size: usize) {
    // SAFETY: per the caller.
    unsafe { HEAP.0.lock().init(start as *mut u8, size) }
}

/// Bytes in use and bytes free.
pub fn usage() -> (usize, usize) {
    let h = HEAP.0.lock();
    (h.used(), h.free())
}
