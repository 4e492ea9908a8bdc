//! The heap: object headers, the all-objects list, allocation accounting and the string
//! intern set.
//!
//! Invariant: every pointer in `all` (linked through `GcHeader::next`) is a live allocation
//! of the type its `kind` names; `total` is the sum of `GcObject::size` over those objects,
//! kept up to date by [`Heap::alloc`], `Heap::free` and [`Heap::account`].

use alloc::boxed::Box;
use core::ptr;

use crate::object::{LuaFunction, LuaStr, NativeFunction, Proto, Table, Thread, UpVal, Userdata};

/// Object kinds, stored in every header.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum Kind {
    /// [`LuaStr`]
    Str,
    /// [`Table`]
    Table,
    /// [`LuaFunction`]
    LuaFn,
    /// [`NativeFunction`]
    NativeFn,
    /// [`UpVal`]
    UpVal,
    /// [`Proto`]
    Proto,
    /// [`Userdata`]
    Userdata,
    /// [`Thread`]
    Thread,
}

/// The header at offset 0 of every GC object.
#[repr(C)]
pub struct GcHeader {
    /// Next object in the heap's all-objects list.
    pub next: *mut GcHeader,
    /// What the object is.
    pub kind: Kind,
    /// Mark bit (reachable in the current cycle).
    pub marked: bool,
    /// Userdata: finalizer already run (or queued).
    pub finalized: bool,
}

impl GcHeader {
    /// A fresh, unlinked, unmarked header.
    pub const fn new(kind: Kind) -> GcHeader {
        GcHeader {
            next: ptr::null_mut(),
            kind,
            marked: false,
            finalized: false,
        }
    }
}

/// Implemented by every GC object type.
///
/// # Safety
/// The implementing type must be `#[repr(C)]` with a [`GcHeader`] as its first field whose
/// `kind` is [`GcObject::KIND`].
pub unsafe trait GcObject {
    /// The kind stored in the header.
    const KIND: Kind;
    /// Bytes this object owns (for accounting), including its vectors' capacities.
    fn size(&self) -> usize;
}

/// Bytes the system allocator spends per block beyond what was asked (headers, rounding);
/// added per heap block in object sizes so the memory limit tracks real usage.
pub const ALLOC_OVERHEAD: usize = 16;

/// Default `pause` (percent): wait until the heap doubles.
pub const DEFAULT_PAUSE: u32 = 200;
/// Default `stepmul` (percent).
pub const DEFAULT_STEPMUL: u32 = 200;
/// Smallest threshold, so tiny programs do not collect constantly.
const MIN_THRESHOLD: usize = 256 * 1024;
/// The heap grows by at least `live / MIN_GROWTH_DIVISOR` bytes between two collections,
/// which bounds the collector's amortized cost per allocated byte.
const MIN_GROWTH_DIVISOR: usize = 4;

/// The heap: all objects, accounting, collection parameters.
pub struct Heap {
    /// Head of the all-objects list.
    pub(crate) all: *mut GcHeader,
    /// Bytes owned by objects in `all`.
    pub total: usize,
    /// Collect when `total` reaches this.
    pub threshold: usize,
    /// `collectgarbage("setpause")`.
    pub pause: u32,
    /// `collectgarbage("setstepmul")`.
    pub stepmul: u32,
    /// `collectgarbage("stop")` clears this.
    pub running: bool,
    /// Memory limit in bytes, if any.
    pub limit: Option<usize>,
    /// The weak string intern set: hash -> string.
    pub(crate) strings: hashbrown::HashTable<*mut LuaStr>,
    /// Number of completed collections (for tests and `collectgarbage`).
    pub cycles: u64,
    /// Every live userdata (finalizer candidates are found here, not by a heap walk).
    pub(crate) udata: alloc::vec::Vec<*mut Userdata>,
}

impl Default for Heap {
    fn default() -> Self {
        Self::new()
    }
}

impl Heap {
    /// An empty heap.
    pub fn new() -> Heap {
        Heap {
            all: ptr::null_mut(),
            total: 0,
            threshold: MIN_THRESHOLD,
            pause: DEFAULT_PAUSE,
            stepmul: DEFAULT_STEPMUL,
            running: true,
            limit: None,
            strings: hashbrown::HashTable::new(),
            cycles: 0,
            udata: alloc::vec::Vec::new(),
        }
    }

    /// Moves `obj` to the heap and links it into the all-objects list.
    pub fn alloc<T: GcObject>(&mut self, obj: T) -> *mut T {
        let size = obj.size();
        let p = Box::into_raw(Box::new(obj));
        // SAFETY: `p` is a fresh, valid allocation; by the `GcObject` contract its first
        // field is a `GcHeader`, so the cast addresses that header.
        unsafe {
            let h = p as *mut GcHeader;
            debug_assert!((*h).kind == T::KIND);
            (*h).next = self.all;
            self.all = h;
        }
        self.total += size;
        p
    }

    /// Adds (or with a negative delta, removes) accounted bytes, for objects that grow.
    #[inline]
    pub fn account(&mut self, delta: isize) {
        self.total = (self.total as isize + delta).max(0) as usize;
    }

    /// True when a collection is due.
    #[inline(always)]
    pub fn should_collect(&self) -> bool {
        self.total >= self.threshold
    }

    /// True when `extra` more bytes would exceed the memory limit.
    #[inline]
    pub fn over_limit(&self, extra: usize) -> bool {
        match self.limit {
            Some(l) => self.total.saturating_add(extra) > l,
            None => false,
        }
    }

    /// Sets the next threshold after a collection that left `total` live bytes.
    pub(crate) fn set_threshold(&mut self) {
        // Every collection is a full one, so the next must wait for the heap to grow by a
        // fixed fraction of the live size whatever `pause` says (5.1 lets `pause` go down to
        // "never wait", which is only sane for an incremental collector): otherwise a
        // small pause makes allocation quadratic, one full collection per allocation.
        let t = (self.total / 100)
            .saturating_mul(self.pause as usize)
            .max(self.total.saturating_add(self.total / MIN_GROWTH_DIVISOR))
            .max(MIN_THRESHOLD);
        self.threshold = match self.limit {
            // Collect before reaching the limit, so that allocation failures mean live
            // data really exceeds it (while over the limit, every safe point collects).
            Some(l) => t.min(l),
            None => t,
        };
        if !self.running {
            self.threshold = usize::MAX;
        }
    }

    /// Frees one object. Its size must still be accounted in `total`.
    ///
    /// # Safety
    /// `h` must be an object of this heap that is unreachable and already unlinked.
    pub(crate) unsafe fn free(&mut self, h: *mut GcHeader) {
        // SAFETY: by the caller's contract `h` heads a live allocation of the type its
        // kind names, made by `alloc` with `Box`; rebuilding that box frees it.
        unsafe {
            let size = match (*h).kind {
                Kind::Str => free_as::<LuaStr>(h),
                Kind::Table => free_as::<Table>(h),
                Kind::LuaFn => free_as::<LuaFunction>(h),
                Kind::NativeFn => free_as::<NativeFunction>(h),
                Kind::UpVal => free_as::<UpVal>(h),
                Kind::Proto => free_as::<Proto>(h),
                Kind::Userdata => free_as::<Userdata>(h),
                Kind::Thread => free_as::<Thread>(h),
            };
            self.total = self.total.saturating_sub(size);
        }
    }

    /// Frees every object (when the VM is dropped).
    pub(crate) fn free_all(&mut self) {
        let mut h = self.all;
        self.all = ptr::null_mut();
        self.strings.clear();
        self.udata.clear();
        while !h.is_null() {
            // SAFETY: `h` is in the all list, so it is a live object; we read `next`
            // before freeing it and nothing else refers to the list any more.
            unsafe {
                let next = (*h).next;
                self.free(h);
                h = next;
            }
        }
    }
}

/// # Safety
/// `h` must point to a `T` allocated by `Heap::alloc`.
unsafe fn free_as<T: GcObject>(h: *mut GcHeader) -> usize {
    // SAFETY: per the contract, `h` is a `Box<T>` leaked by `alloc`.
    let b = unsafe { Box::from_raw(h as *mut T) };
    let s = b.size();
    drop(b);
    s
}
