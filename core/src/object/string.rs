//! Interned, immutable byte strings with a cached hash.
//!
//! Invariant: for every byte sequence there is at most one live `LuaStr` (the heap's intern
//! set), so string equality is pointer equality and `hash` never changes.

use alloc::boxed::Box;

use crate::gc::heap::{GcHeader, GcObject, Heap, Kind, ALLOC_OVERHEAD};

/// A Lua string.
#[repr(C)]
pub struct LuaStr {
    /// GC header.
    pub hdr: GcHeader,
    /// Cached hash of the bytes.
    pub hash: u32,
    /// The bytes.
    pub data: Box<[u8]>,
}

// SAFETY: `#[repr(C)]` with the header first, kind `Str`.
unsafe impl GcObject for LuaStr {
    const KIND: Kind = Kind::Str;
    fn size(&self) -> usize {
        core::mem::size_of::<LuaStr>() + self.data.len() + 2 * ALLOC_OVERHEAD
    }
}

impl LuaStr {
    /// The bytes.
    #[inline(always)]
    pub fn as_bytes(&self) -> &[u8] {
        &self.data
    }
    /// Length in bytes.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.data.len()
    }
    /// True for the empty string.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// The string hash: a multiply-rotate over 8-byte words (deterministic, no seed).
pub fn hash_bytes(b: &[u8]) -> u32 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = (b.len() as u64).wrapping_mul(K);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ w).wrapping_mul(K).rotate_left(29);
    }
    let mut tail = 0u64;
    for (i, &x) in chunks.remainder().iter().enumerate() {
        tail |= (x as u64) << (8 * i);
    }
    h = (h ^ tail).wrapping_mul(K);
    (h ^ (h >> 32)) as u32
}

/// Returns the interned string for `b`, creating it if needed.
pub fn intern(heap: &mut Heap, b: &[u8]) -> *mut LuaStr {
    let hash = hash_bytes(b);
    // SAFETY: every pointer in the intern set is a live string (the sweep removes
    // strings from the set before freeing them).
    let found = heap.strings.find(hash as u64, |&s| unsafe {
        (*s).hash == hash && &*(*s).data == b
    });
    if let Some(&s) = found {
        // A string that is garbage but not yet swept is revived by being handed out;
        // collection is stop-the-world, so there is no cycle in progress to confuse.
        return s;
    }
    let s = heap.alloc(LuaStr {
        hdr: GcHeader::new(Kind::Str),
        hash,
        data: b.into(),
    });
    // SAFETY: as above, the set holds live strings only.
    heap.strings
        .insert_unique(hash as u64, s, |&s| unsafe { (*s).hash as u64 });
    s
}
