//! Lua tables: an array part, a small string map and a hash part.
//!
//! Layout (`#[repr(C)]`; the JIT reads fields through the `OFF_*` constants):
//! - **array part** `arr[0..asize]` holds keys `1..=asize`. Every slot in that range
//!   belongs to the array part, nil or not. It grows when a key `asize+1` is stored
//!   (doubling, so `t[#t+1] = v` loops and constructors stay here), and on a rehash of the
//!   hash part, sized as in Lua 5.1's `computesizes`: the largest power of two `n` such that
//!   more than `n/2` of the keys `1..=n` are present. It never shrinks.
//! - **small string map** `skeys[0..nskeys]` / `svals`: the first [`SMALL`] distinct
//!   string keys stored in the table; looked up by pointer compare (strings are interned).
//! - **hash part**: every other key, in `entries` (insertion order) with a hashbrown index
//!   of entry positions.
//!
//! Invariants:
//! - A key lives in exactly one part: integers `1..=asize` in the array; a string key in
//!   `skeys` or in the hash, never both; everything else in the hash.
//! - Keys are normalized: never nil or NaN; `-0.0` is stored as `0.0`; a float with an
//!   integral value *is* that integer (same bits), so `t[1.0]` is `t[1]`.
//! - Assigning nil keeps the key (a *dead* key with a nil value) in `skeys` and `entries`;
//!   only inserting a new key may compact the hash part. So `next` is stable while
//!   existing fields are assigned, including to nil. The collector replaces dead keys
//!   whose objects die with [`DEAD_KEY`].
//! - `mm_absent` caches metamethods known to be absent when this table is a metatable
//!   (bit `i` for event `i`); any store of a string key clears it.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::mem::offset_of;
use core::ptr;

use crate::gc::heap::{GcHeader, GcObject, Kind, ALLOC_OVERHEAD};
use crate::object::LuaStr;
use crate::value::{tag, Value};

/// Capacity of the small string map.
pub const SMALL: usize = 8;

/// A key the collector put in place of a dead key whose object was freed.
pub const DEAD_KEY: Value = Value::from_bits(((crate::value::TAGGED_HI | tag::INTERNAL) << 47) | 1);

/// A Lua table.
#[repr(C)]
pub struct Table {
    /// GC header.
    pub hdr: GcHeader,
    /// Array part: `asize` values for keys `1..=asize`.
    pub arr: *mut Value,
    /// Size of the array part.
    pub asize: u32,
    /// Number of used `skeys` slots.
    pub nskeys: u32,
    /// Small string map keys.
    pub skeys: [*mut LuaStr; SMALL],
    /// Small string map values.
    pub svals: [Value; SMALL],
    /// Metatable, or null.
    pub meta: *mut Table,
    /// Metamethods known absent (bit per event), when used as a metatable.
    pub mm_absent: u32,
    /// Hash part, allocated on first use.
    hash: Option<Box<HashPart>>,
}

/// Byte offset of `arr`.
pub const OFF_ARR: usize = offset_of!(Table, arr);
/// Byte offset of `asize`.
pub const OFF_ASIZE: usize = offset_of!(Table, asize);
/// Byte offset of `nskeys`.
pub const OFF_NSKEYS: usize = offset_of!(Table, nskeys);
/// Byte offset of `skeys`.
pub const OFF_SKEYS: usize = offset_of!(Table, skeys);
/// Byte offset of `svals`.
pub const OFF_SVALS: usize = offset_of!(Table, svals);
/// Byte offset of `meta`.
pub const OFF_META: usize = offset_of!(Table, meta);
/// Byte offset of `mm_absent`.
pub const OFF_MM_ABSENT: usize = offset_of!(Table, mm_absent);

#[derive(Default)]
struct HashPart {
    entries: Vec<(Value, Value)>,
    index: hashbrown::HashTable<u32>,
    /// Entries whose value is nil.
    dead: usize,
}

// SAFETY: `#[repr(C)]` with the header first, kind `Table`.
unsafe impl GcObject for Table {
    const KIND: Kind = Kind::Table;
    fn size(&self) -> usize {
        self.footprint()
    }
}

impl Drop for Table {
    fn drop(&mut self) {
        self.free_array();
    }
}

/// Why a key cannot be stored.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KeyError {
    /// `t[nil] = v`
    Nil,
    /// `t[0/0] = v`
    NaN,
}

/// Hash of a normalized key.
#[inline]
fn key_hash(k: Value) -> u64 {
    if k.is_str() {
        // SAFETY: a string key in a table is a live interned string (tables keep their
        // keys alive, and the collector replaces dead ones by `DEAD_KEY`).
        let h = unsafe { (*k.ptr::<LuaStr>()).hash } as u64;
        h.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    } else {
        let x = k.bits().wrapping_mul(0x9E37_79B9_7F4A_7C15);
        x ^ (x >> 29)
    }
}

/// Normalizes a key for lookup: `-0` becomes `0`.
#[inline(always)]
fn norm(k: Value) -> Value {
    if k.bits() == (-0.0f64).to_bits() {
        Value::num(0.0)
    } else {
        k
    }
}

/// The array index (0-based) of number `n` if it is an integer in `1..=asize`.
#[inline(always)]
fn arr_index(n: f64, asize: u32) -> Option<usize> {
    let i = n as i64;
    if i as f64 == n && i >= 1 && i <= asize as i64 {
        Some(i as usize - 1)
    } else {
        None
    }
}

impl Default for Table {
    fn default() -> Self {
        Table::new(0, 0)
    }
}

impl Table {
    /// An empty table with room for `narr` array items and `nhash` other keys.
    pub fn new(narr: usize, nhash: usize) -> Table {
        let mut t = Table {
            hdr: GcHeader::new(Kind::Table),
            arr: ptr::null_mut(),
            asize: 0,
            nskeys: 0,
            skeys: [ptr::null_mut(); SMALL],
            svals: [Value::NIL; SMALL],
            meta: ptr::null_mut(),
            mm_absent: 0,
            hash: None,
        };
        if narr > 0 {
            t.resize_array(narr);
        }
        if nhash > SMALL {
            t.hash_mut().entries.reserve(nhash - SMALL);
        }
        t
    }

    /// Bytes owned by this table.
    pub fn footprint(&self) -> usize {
        core::mem::size_of::<Table>()
            + ALLOC_OVERHEAD
            + if self.arr.is_null() {
                0
            } else {
                self.asize as usize * 8 + ALLOC_OVERHEAD
            }
            + self.hash.as_ref().map_or(0, |h| {
                core::mem::size_of::<HashPart>()
                    + 3 * ALLOC_OVERHEAD
                    + h.entries.capacity() * 16
                    + h.index.capacity() * 5
            })
    }

    /// The array part as a slice.
    #[inline(always)]
    pub fn array(&self) -> &[Value] {
        if self.arr.is_null() {
            &[]
        } else {
            // SAFETY: `arr` points to `asize` initialized values owned by this table.
            unsafe { core::slice::from_raw_parts(self.arr, self.asize as usize) }
        }
    }

    /// The array part as a mutable slice.
    #[inline(always)]
    pub fn array_mut(&mut self) -> &mut [Value] {
        if self.arr.is_null() {
            &mut []
        } else {
            // SAFETY: as in `array`, and `&mut self` makes the access unique.
            unsafe { core::slice::from_raw_parts_mut(self.arr, self.asize as usize) }
        }
    }

    fn free_array(&mut self) {
        if !self.arr.is_null() {
            // SAFETY: `arr`/`asize` came from `Box::<[Value]>::into_raw` in `resize_array`.
            unsafe {
                drop(Box::from_raw(ptr::slice_from_raw_parts_mut(
                    self.arr,
                    self.asize as usize,
                )));
            }
            self.arr = ptr::null_mut();
            self.asize = 0;
        }
    }

    /// Grows the array part to `n` slots (never shrinks).
    fn resize_array(&mut self, n: usize) {
        if n <= self.asize as usize {
            return;
        }
        let mut v: Vec<Value> = Vec::with_capacity(n);
        v.extend_from_slice(self.array());
        v.resize(n, Value::NIL);
        self.free_array();
        let b = v.into_boxed_slice();
        self.asize = n as u32;
        self.arr = Box::into_raw(b) as *mut Value;
        // Move integer keys now covered by the array out of the hash part.
        if let Some(h) = self.hash.as_mut() {
            let mut moved = false;
            for e in h.entries.iter_mut() {
                if e.0.is_num() && !e.1.is_nil() {
                    if let Some(i) = arr_index(e.0.num_unchecked(), self.asize) {
                        // SAFETY: `i < asize`, the array was just allocated with `asize`.
                        unsafe { *self.arr.add(i) = e.1 };
                        e.1 = Value::NIL;
                        moved = true;
                    }
                }
            }
            if moved {
                self.compact();
            }
        }
    }

    /// Raw get with any key.
    #[inline]
    pub fn get(&self, k: Value) -> Value {
        if k.is_num() {
            self.get_num(k.num_unchecked())
        } else if k.is_str() {
            self.get_str(k.ptr())
        } else if k.is_nil() {
            Value::NIL
        } else {
            self.hash_get(k)
        }
    }

    /// Raw get with a number key.
    #[inline]
    pub fn get_num(&self, n: f64) -> Value {
        if let Some(i) = arr_index(n, self.asize) {
            // SAFETY: `i < asize`.
            return unsafe { *self.arr.add(i) };
        }
        if n.is_nan() || self.hash.is_none() {
            return Value::NIL;
        }
        self.hash_get(norm(Value::num(n)))
    }

    /// Raw get with an integer key.
    #[inline]
    pub fn get_int(&self, i: i64) -> Value {
        if i >= 1 && i <= self.asize as i64 {
            // SAFETY: in bounds.
            return unsafe { *self.arr.add(i as usize - 1) };
        }
        if self.hash.is_none() {
            return Value::NIL;
        }
        self.hash_get(Value::num(i as f64))
    }

    /// Raw get with an interned string key.
    #[inline]
    pub fn get_str(&self, s: *mut LuaStr) -> Value {
        let n = self.nskeys as usize;
        for i in 0..n {
            if self.skeys[i] == s {
                return self.svals[i];
            }
        }
        if n < SMALL || self.hash.is_none() {
            return Value::NIL;
        }
        self.hash_get(Value::from_ptr(tag::STR, s))
    }

    fn hash_find(&self, k: Value) -> Option<usize> {
        let h = self.hash.as_ref()?;
        let e = &h.entries;
        h.index
            .find(key_hash(k), |&i| e[i as usize].0 == k)
            .map(|&i| i as usize)
    }

    fn hash_get(&self, k: Value) -> Value {
        match (self.hash_find(k), self.hash.as_ref()) {
            (Some(i), Some(h)) => h.entries[i].1,
            _ => Value::NIL,
        }
    }

    fn hash_mut(&mut self) -> &mut HashPart {
        self.hash.get_or_insert_with(Default::default)
    }

    /// Raw set. Returns the change in owned bytes (for GC accounting).
    pub fn set(&mut self, k: Value, v: Value) -> Result<isize, KeyError> {
        if k.is_num() {
            let n = k.num_unchecked();
            if let Some(i) = arr_index(n, self.asize) {
                // SAFETY: in bounds.
                unsafe { *self.arr.add(i) = v };
                return Ok(0);
            }
            if n.is_nan() {
                return Err(KeyError::NaN);
            }
            Ok(self.set_slow(norm(k), v))
        } else if k.is_str() {
            self.mm_absent = 0;
            let s: *mut LuaStr = k.ptr();
            let n = self.nskeys as usize;
            for i in 0..n {
                if self.skeys[i] == s {
                    self.svals[i] = v;
                    return Ok(0);
                }
            }
            if n < SMALL {
                if v.is_nil() {
                    return Ok(0);
                }
                self.skeys[n] = s;
                self.svals[n] = v;
                self.nskeys += 1;
                return Ok(0);
            }
            Ok(self.set_slow(k, v))
        } else if k.is_nil() {
            Err(KeyError::Nil)
        } else {
            Ok(self.set_slow(k, v))
        }
    }

    /// Raw set with an integer key.
    #[inline]
    pub fn set_int(&mut self, i: i64, v: Value) -> isize {
        if i >= 1 && i <= self.asize as i64 {
            // SAFETY: in bounds.
            unsafe { *self.arr.add(i as usize - 1) = v };
            return 0;
        }
        self.set_slow(Value::num(i as f64), v)
    }

    /// Set of a key not in the array part nor the small map (normalized, not nil/NaN).
    fn set_slow(&mut self, k: Value, v: Value) -> isize {
        if let Some(i) = self.hash_find(k) {
            let h = self.hash_mut();
            let e = &mut h.entries[i];
            if e.1.is_nil() && !v.is_nil() {
                h.dead -= 1;
            } else if !e.1.is_nil() && v.is_nil() {
                h.dead += 1;
            }
            e.1 = v;
            return 0;
        }
        if v.is_nil() {
            return 0;
        }
        let before = self.footprint() as isize;
        // Appending right after the array part: grow it.
        if k.is_num() && k.num_unchecked() == self.asize as f64 + 1.0 {
            let n = (self.asize as usize * 2).max(4);
            self.resize_array(n);
            let i = self.asize as i64;
            let _ = i;
            let idx = k.num_unchecked() as usize - 1;
            self.array_mut()[idx] = v;
            return self.footprint() as isize - before;
        }
        let h = self.hash_mut();
        if h.entries.len() == h.entries.capacity() {
            self.rehash(k);
            if k.is_num() {
                if let Some(i) = arr_index(k.num_unchecked(), self.asize) {
                    self.array_mut()[i] = v;
                    return self.footprint() as isize - before;
                }
            }
        }
        self.hash_insert(k, v);
        self.footprint() as isize - before
    }

    fn hash_insert(&mut self, k: Value, v: Value) {
        let h = self.hash_mut();
        let i = h.entries.len() as u32;
        h.entries.push((k, v));
        let e = &h.entries;
        h.index
            .insert_unique(key_hash(k), i, |&j| key_hash(e[j as usize].0));
    }

    /// Drops dead entries and rebuilds the index (changes iteration order: only done when
    /// a new key is inserted).
    fn compact(&mut self) {
        let h = self.hash_mut();
        h.entries.retain(|e| !e.1.is_nil());
        h.dead = 0;
        h.index.clear();
        let e = &h.entries;
        for (i, ent) in e.iter().enumerate() {
            h.index
                .insert_unique(key_hash(ent.0), i as u32, |&j| key_hash(e[j as usize].0));
        }
    }

    /// Called when the hash part is full, before inserting `newkey`: resizes the array part
    /// per `computesizes`, drops dead entries, and reserves room.
    fn rehash(&mut self, newkey: Value) {
        // nums[i]: number of integer keys k with 2^(i-1) < k <= 2^i.
        let mut nums = [0u32; 32];
        let mut count = |n: f64| {
            let i = n as i64;
            if i as f64 == n && (1..=(1 << 30)).contains(&i) {
                let lg = 64 - ((i - 1) as u64).leading_zeros();
                nums[lg as usize] += 1;
            }
        };
        for (i, v) in self.array().iter().enumerate() {
            if !v.is_nil() {
                count((i + 1) as f64);
            }
        }
        for e in self.hash.iter().flat_map(|h| h.entries.iter()) {
            if e.0.is_num() && !e.1.is_nil() {
                count(e.0.num_unchecked());
            }
        }
        if newkey.is_num() {
            count(newkey.num_unchecked());
        }
        let mut total = 0u32;
        let mut best = 0usize;
        for (lg, &c) in nums.iter().enumerate() {
            total += c;
            let size = 1usize << lg;
            if total as usize > size / 2 {
                best = size;
            }
        }
        if best > self.asize as usize {
            self.resize_array(best);
        }
        if self.hash_mut().dead > 0 {
            self.compact();
        }
        let h = self.hash_mut();
        let live = h.entries.len();
        h.entries.reserve((live + 1).max(4));
    }

    /// The length operator's border (5.1's `luaH_getn`).
    pub fn length(&self) -> usize {
        let a = self.array();
        let j = a.len();
        if j > 0 && a[j - 1].is_nil() {
            // Binary search for a border in the array part.
            let (mut i, mut j) = (0usize, j);
            while j - i > 1 {
                let m = (i + j) / 2;
                if a[m - 1].is_nil() {
                    j = m;
                } else {
                    i = m;
                }
            }
            return i;
        }
        if self.hash.as_ref().is_none_or(|h| h.entries.is_empty()) {
            return j;
        }
        // Unbound search in the hash part.
        let (mut i, mut j) = (j as i64, j as i64 + 1);
        while !self.get_int(j).is_nil() {
            i = j;
            if j > (1i64 << 52) {
                // Pathological table: linear search.
                let mut k = 1;
                while !self.get_int(k).is_nil() {
                    k += 1;
                }
                return (k - 1) as usize;
            }
            j *= 2;
        }
        while j - i > 1 {
            let m = (i + j) / 2;
            if self.get_int(m).is_nil() {
                j = m;
            } else {
                i = m;
            }
        }
        i as usize
    }

    /// Iteration: the entry after key `k` (nil starts). `Err(())` if `k` is not a key.
    /// Order: array part, small string map, hash entries in insertion order.
    #[allow(clippy::result_unit_err)]
    pub fn next(&self, k: Value) -> Result<Option<(Value, Value)>, ()> {
        let asize = self.asize as usize;
        let nsk = self.nskeys as usize;
        // Position to start scanning from, in the combined index space.
        let start = if k.is_nil() {
            0
        } else if let Some(i) = k.as_num().and_then(|n| arr_index(n, self.asize)) {
            i + 1
        } else if let Some(i) = (0..nsk).find(|&i| k.is_str() && self.skeys[i] == k.ptr()) {
            asize + i + 1
        } else {
            match self.hash_find(norm(k)) {
                Some(i) => asize + SMALL + i + 1,
                None => return Err(()),
            }
        };
        let a = self.array();
        for (i, v) in a.iter().enumerate().skip(start) {
            if !v.is_nil() {
                return Ok(Some((Value::num((i + 1) as f64), *v)));
            }
        }
        let s0 = start.saturating_sub(asize);
        for i in s0..nsk {
            if !self.svals[i].is_nil() {
                return Ok(Some((
                    Value::from_ptr(tag::STR, self.skeys[i]),
                    self.svals[i],
                )));
            }
        }
        let h0 = start.saturating_sub(asize + SMALL);
        for e in self.hash.iter().flat_map(|h| h.entries.iter()).skip(h0) {
            if !e.1.is_nil() {
                return Ok(Some(*e));
            }
        }
        Ok(None)
    }

    /// Calls `f` on every key and value slot that may hold GC references (for marking),
    /// including dead keys.
    pub fn for_each_slot(&self, mut f: impl FnMut(Value, Value)) {
        for v in self.array() {
            f(Value::NIL, *v);
        }
        for i in 0..self.nskeys as usize {
            f(Value::from_ptr(tag::STR, self.skeys[i]), self.svals[i]);
        }
        for e in self.hash.iter().flat_map(|h| h.entries.iter()) {
            f(e.0, e.1);
        }
    }

    /// Collector hook: clears entries for which `dead_key(k)` / `dead_val(v)` say the key
    /// or value object is being freed (weak tables), and replaces freed dead keys by
    /// [`DEAD_KEY`].
    pub fn clear_dead(&mut self, weak_k: bool, weak_v: bool, is_dying: impl Fn(Value) -> bool) {
        if weak_v {
            for v in self.array_mut() {
                if is_dying(*v) {
                    *v = Value::NIL;
                }
            }
            for i in 0..self.nskeys as usize {
                if is_dying(self.svals[i]) {
                    self.svals[i] = Value::NIL;
                }
            }
        }
        let Some(h) = self.hash.as_mut() else {
            return;
        };
        let mut newly_dead = 0;
        for e in h.entries.iter_mut() {
            if e.1.is_nil() {
                if is_dying(e.0) {
                    e.0 = DEAD_KEY;
                }
                continue;
            }
            if (weak_k && is_dying(e.0)) || (weak_v && is_dying(e.1)) {
                e.1 = Value::NIL;
                newly_dead += 1;
                if is_dying(e.0) {
                    e.0 = DEAD_KEY;
                }
            }
        }
        h.dead += newly_dead;
    }

    /// True if the hash part holds keys with nil values.
    pub fn has_dead_keys(&self) -> bool {
        self.hash.as_ref().is_some_and(|h| h.dead > 0)
    }

    /// Number of live entries in all parts (for tests and debugging).
    pub fn count(&self) -> usize {
        let mut n = 0;
        self.for_each_slot(|_, v| n += usize::from(!v.is_nil()));
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: f64) -> Value {
        Value::num(x)
    }

    #[test]
    fn append_stays_in_array() {
        let mut t = Table::new(0, 0);
        for i in 1..=1000 {
            let len = t.length();
            assert_eq!(len, i - 1);
            t.set(n((len + 1) as f64), n(i as f64)).unwrap();
        }
        assert_eq!(t.length(), 1000);
        assert!(t.asize >= 1000);
        assert!(t.hash.is_none());
        assert_eq!(t.get(n(500.0)), n(500.0));
    }

    #[test]
    fn float_keys_normalize_and_errors() {
        let mut t = Table::new(0, 0);
        t.set(n(1.0), n(10.0)).unwrap();
        assert_eq!(t.get_int(1), n(10.0));
        t.set(n(-0.0), n(5.0)).unwrap();
        assert_eq!(t.get(n(0.0)), n(5.0));
        t.set(n(2.5), n(7.0)).unwrap();
        assert_eq!(t.get(n(2.5)), n(7.0));
        assert_eq!(t.set(Value::NIL, n(1.0)), Err(KeyError::Nil));
        assert_eq!(t.set(n(f64::NAN), n(1.0)), Err(KeyError::NaN));
        assert_eq!(t.get(n(f64::NAN)), Value::NIL);
    }

    #[test]
    fn reverse_fill_migrates_to_array() {
        let mut t = Table::new(0, 0);
        for i in (1..=64).rev() {
            t.set(n(i as f64), n(i as f64)).unwrap();
        }
        assert_eq!(t.length(), 64);
        assert!(t.asize >= 32, "asize {}", t.asize);
        for i in 1..=64 {
            assert_eq!(t.get_int(i), n(i as f64));
        }
    }

    #[test]
    fn border_with_holes() {
        let mut t = Table::new(0, 0);
        for i in 1..=10 {
            t.set(n(i as f64), Value::TRUE).unwrap();
        }
        t.set(n(10.0), Value::NIL).unwrap();
        assert_eq!(t.length(), 9);
        let mut u = Table::new(0, 0);
        u.set(n(1.0), Value::TRUE).unwrap();
        u.set(n(2.0), Value::TRUE).unwrap();
        u.set(n(4.0), Value::TRUE).unwrap();
        let l = u.length();
        assert!(l == 2 || l == 4);
    }

    #[test]
    fn next_is_stable_when_assigning_nil() {
        let mut t = Table::new(0, 0);
        for i in 0..100 {
            t.set(n(i as f64 + 0.5), n(i as f64)).unwrap();
        }
        t.set(n(1.0), Value::TRUE).unwrap();
        let mut k = Value::NIL;
        let mut seen = 0;
        while let Some((key, _)) = t.next(k).unwrap() {
            t.set(key, Value::NIL).unwrap();
            seen += 1;
            k = key;
        }
        assert_eq!(seen, 101);
        assert_eq!(t.count(), 0);
        assert!(t.next(n(12345.0)).is_err());
    }

    #[test]
    fn many_keys_grow_and_compact() {
        let mut t = Table::new(0, 0);
        for round in 0..3 {
            for i in 0..500 {
                t.set(n(i as f64 + 0.25), n(round as f64)).unwrap();
            }
            for i in 0..500 {
                assert_eq!(t.get(n(i as f64 + 0.25)), n(round as f64));
                t.set(n(i as f64 + 0.25), Value::NIL).unwrap();
            }
        }
        assert_eq!(t.count(), 0);
        assert!(t.hash.as_ref().unwrap().entries.len() <= 1024);
    }
}
