//! Mark & sweep: a full, stop-the-world collection (5.1's phases run back to back).
//!
//! Phases, in order (as `lgc.c`'s `singlestep` states, run to completion at once):
//! 1. mark the roots (threads, globals, registry, type metatables, metamethod names,
//!    pending finalizers, host/JIT roots, the current error value) and propagate through
//!    the gray stack;
//! 2. separate unreachable userdata with `__gc` (not yet finalized) and mark them and
//!    what they reference, so finalizers see intact objects (5.1's `luaC_separateudata`);
//! 3. clear weak tables: entries whose weak key or value is unmarked (strings are never
//!    cleared: they are values);
//! 4. sweep: drop dead strings from the intern set, replace freed dead keys by
//!    `DEAD_KEY`, free every unmarked object, unmark the survivors;
//! 5. set the next threshold from the live size and `pause`, and run queued finalizers
//!    (at the safe point that triggered the collection, never during a sweep).
//!
//! Invariant: between collections, no object is marked.

use alloc::vec::Vec;
use core::ptr;

use crate::gc::heap::{GcHeader, Kind};
use crate::object::table::DEAD_KEY;
use crate::object::{LuaFunction, NativeFunction, Proto, Table, Thread, UpVal, Userdata};
use crate::value::Value;
use crate::vm::meta::Tm;
use crate::vm::Vm;

/// Mark state for one collection.
struct Marker {
    gray: Vec<*mut GcHeader>,
    weak: Vec<(*mut Table, bool, bool)>,
    /// Tables with dead keys (nil values), whose keys may die.
    dead: Vec<*mut Table>,
}

#[inline]
fn is_obj(v: Value) -> bool {
    v.is_gc() && v != DEAD_KEY
}

/// True if `v` is a collectable object that is not marked.
#[inline]
fn dying(v: Value) -> bool {
    // SAFETY: `is_obj` values point to live objects with headers.
    is_obj(v) && unsafe { !(*v.ptr::<GcHeader>()).marked }
}

impl Marker {
    #[inline]
    fn obj(&mut self, h: *mut GcHeader) {
        if h.is_null() {
            return;
        }
        // SAFETY: callers pass pointers to live heap objects.
        unsafe {
            if (*h).marked {
                return;
            }
            (*h).marked = true;
            if (*h).kind != Kind::Str {
                self.gray.push(h);
            }
        }
    }

    #[inline]
    fn value(&mut self, v: Value) {
        if is_obj(v) {
            self.obj(v.ptr());
        }
    }

    fn propagate(&mut self, vm: &Vm) {
        while let Some(h) = self.gray.pop() {
            // SAFETY: gray objects are live; their kind says their type.
            unsafe {
                match (*h).kind {
                    Kind::Str => {}
                    Kind::Table => self.table(vm, h as *mut Table),
                    Kind::LuaFn => {
                        let f = &*(h as *mut LuaFunction);
                        self.obj(f.proto as *mut GcHeader);
                        self.obj(f.env as *mut GcHeader);
                        for &u in f.upvals.iter() {
                            self.obj(u as *mut GcHeader);
                        }
                    }
                    Kind::NativeFn => {
                        let f = &*(h as *mut NativeFunction);
                        self.obj(f.env as *mut GcHeader);
                        for &v in &f.upvals {
                            self.value(v);
                        }
                    }
                    Kind::UpVal => {
                        let u = &*(h as *mut UpVal);
                        self.obj(u.owner as *mut GcHeader);
                        self.value(*u.v);
                    }
                    Kind::Proto => {
                        let p = &*(h as *mut Proto);
                        for &v in p.consts.iter() {
                            self.value(v);
                        }
                        for &q in p.protos.iter() {
                            self.obj(q as *mut GcHeader);
                        }
                    }
                    Kind::Userdata => {
                        let u = &*(h as *mut Userdata);
                        self.obj(u.meta as *mut GcHeader);
                        self.obj(u.env as *mut GcHeader);
                    }
                    Kind::Thread => self.thread(h as *mut Thread),
                }
            }
        }
    }

    /// # Safety
    /// `t` must be a live table.
    unsafe fn table(&mut self, vm: &Vm, t: *mut Table) {
        // SAFETY: per the contract.
        let t = unsafe { &*t };
        self.obj(t.meta as *mut GcHeader);
        let (mut wk, mut wv) = (false, false);
        if !t.meta.is_null() {
            let mode = vm.fast_tm(t.meta, Tm::Mode);
            if mode.is_str() {
                let m = vm.str_bytes(mode);
                wk = m.contains(&b'k');
                wv = m.contains(&b'v');
            }
        }
        if wk || wv {
            self.weak.push((t as *const Table as *mut Table, wk, wv));
        } else if t.has_dead_keys() {
            self.dead.push(t as *const Table as *mut Table);
        }
        for i in 0..t.nskeys as usize {
            self.obj(t.skeys[i] as *mut GcHeader);
        }
        t.for_each_slot(|k, v| {
            if v.is_nil() {
                return; // dead key: not marked; the sweep replaces it if it dies
            }
            if !wk || k.is_str() {
                self.value(k);
            }
            if !wv || v.is_str() {
                self.value(v);
            }
        });
    }

    /// # Safety
    /// `th` must be a live thread.
    unsafe fn thread(&mut self, th: *mut Thread) {
        // SAFETY: per the contract; clearing the dead part of the stack is allowed
        // because nothing above the live top is read before being written.
        let th = unsafe { &mut *th };
        // As 5.1's `traversestack`: everything below the thread's top is live, everything
        // above is dead. A Lua frame at a safe point has its whole register window below
        // the top (`gc_safe_point` raises it); a native frame's top ends its arguments and
        // pushes, and the caller's registers at and above the call slot are free.
        let top = th.top.min(th.stack.len());
        for &v in &th.stack[..top] {
            self.value(v);
        }
        th.stack[top..].fill(Value::NIL);
        for &u in &th.open_upvals {
            self.obj(u as *mut GcHeader);
        }
    }
}

impl Vm {
    /// Runs a full collection, then the finalizers it queued; an error raised by a
    /// finalizer propagates (as in LuaJIT), and the finalizers after it stay queued.
    pub fn full_gc(&mut self) -> Result<(), crate::vm::LuaError> {
        self.collect();
        self.run_finalizers()
    }

    /// Runs a full collection; finalizers are queued, to run at the next safe point.
    pub fn collect(&mut self) {
        let mut m = Marker {
            gray: Vec::new(),
            weak: Vec::new(),
            dead: Vec::new(),
        };
        // 1. Roots.
        m.obj(self.main as *mut GcHeader);
        m.obj(self.cur as *mut GcHeader);
        m.obj(self.globals as *mut GcHeader);
        m.obj(self.registry as *mut GcHeader);
        for &t in &self.type_mt {
            m.obj(t as *mut GcHeader);
        }
        for &s in &self.tm_names {
            m.obj(s as *mut GcHeader);
        }
        m.value(self.mem_err);
        m.value(self.err_root);
        for &v in &self.roots {
            m.value(v);
        }
        for &u in &self.tobefnz {
            m.obj(u as *mut GcHeader);
        }
        m.propagate(self);
        // 2. Unreachable userdata with finalizers.
        let mut newly = Vec::new();
        for &u in &self.heap.udata {
            // SAFETY: the udata list holds live userdata only (pruned before each sweep).
            unsafe {
                let h = u as *mut GcHeader;
                if !(*h).marked && !(*h).finalized && !self.fast_tm((*u).meta, Tm::Gc).is_nil() {
                    (*h).finalized = true;
                    newly.push(u);
                }
            }
        }
        for &u in &newly {
            m.obj(u as *mut GcHeader);
        }
        m.propagate(self);
        self.tobefnz.extend(newly);
        // 3. Weak tables.
        for &(t, wk, wv) in &m.weak {
            // SAFETY: weak tables found during marking are live (and marked).
            unsafe { (*t).clear_dead(wk, wv, dying) };
        }
        for &t in &m.dead {
            // SAFETY: as above; this replaces dead keys whose objects are about to be freed.
            unsafe { (*t).clear_dead(false, false, dying) };
        }
        // 4. Sweep.
        // SAFETY: userdata in the list are live until the sweep below frees the unmarked.
        self.heap.udata.retain(|&u| unsafe { (*u).hdr.marked });
        // SAFETY: interned strings are live until freed below.
        self.heap.strings.retain(|s| unsafe { (**s).hdr.marked });
        let mut prev: *mut GcHeader = ptr::null_mut();
        let mut h = self.heap.all;
        while !h.is_null() {
            // SAFETY: `h` walks the all list; unmarked objects are unreachable from the
            // roots, so nothing live refers to them, and unlinking before freeing keeps
            // the list consistent.
            unsafe {
                let next = (*h).next;
                if (*h).marked {
                    (*h).marked = false;
                    prev = h;
                } else {
                    if prev.is_null() {
                        self.heap.all = next;
                    } else {
                        (*prev).next = next;
                    }
                    self.heap.free(h);
                }
                h = next;
            }
        }
        self.heap.cycles += 1;
        self.heap.set_threshold();
    }

    /// 5. Runs queued finalizers (at a safe point), stopping at the first error.
    pub(crate) fn run_finalizers(&mut self) -> Result<(), crate::vm::LuaError> {
        if self.in_finalizer || self.tobefnz.is_empty() {
            return Ok(());
        }
        self.in_finalizer = true;
        let mut result = Ok(());
        while let Some(u) = self.tobefnz.pop() {
            let uv = Value::from_ptr(crate::value::tag::USERDATA, u);
            // Keep it rooted while its finalizer runs.
            self.roots.push(uv);
            // SAFETY: queued userdata are kept alive by `tobefnz`/`roots`.
            let gc = self.fast_tm(unsafe { (*u).meta }, Tm::Gc);
            if !gc.is_nil() {
                let (depth, top) = (self.frame_depth(), self.th().top);
                let r = self.call(gc, &[uv], Some(0));
                self.reset_stack(depth, top);
                if let Err(e) = r {
                    self.roots.pop();
                    result = Err(e);
                    break;
                }
            }
            self.roots.pop();
        }
        self.in_finalizer = false;
        result
    }
}
