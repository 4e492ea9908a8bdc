//! Coroutines: resume and yield between threads, each with its own VM stack.
//!
//! Invariants:
//! - `Vm::cur` is the running thread; the threads that resumed it (status `Normal`) are
//!   blocked inside `resume` on the native stack, so resume nesting is bounded like any
//!   native recursion (`MAX_CCALLS`).
//! - A yield unwinds (as `Err(LuaError::Yield)`) only through VM frames: Lua frames,
//!   `pcall` markers and metamethod continuations. A native call into Lua in between (a
//!   library callback such as `table.sort`'s comparator, or a metamethod called by a
//!   library function such as `tostring`) raises "attempt to yield across
//!   metamethod/C-call boundary" instead (`Thread::nny`).
//! - A suspended thread remembers where the yielding call's results go (`yield_func`,
//!   `yield_nres`); resuming places its arguments there, as if the call returned them.
//! - A dead thread has no open upvalues (they are closed when it dies).

use crate::object::{CoStatus, Thread};
use crate::value::{tag, Value};
use crate::vm::{LuaError, Vm, MAX_CCALLS};

impl Vm {
    /// A new coroutine running `f` (a function value).
    pub fn new_thread(&mut self, f: Value) -> Result<Value, LuaError> {
        self.check_mem(core::mem::size_of::<Thread>() + 64 * 8)?;
        let mut t = Thread::new();
        t.stack[0] = f;
        t.top = 1;
        let p = self.heap.alloc(t);
        Ok(Value::from_ptr(tag::THREAD, p))
    }

    /// The running coroutine, or `None` on the main thread.
    pub fn running(&self) -> Option<Value> {
        if self.cur == self.main {
            None
        } else {
            Some(Value::from_ptr(tag::THREAD, self.cur))
        }
    }

    /// Status of a thread value.
    pub fn co_status(&self, co: Value) -> CoStatus {
        // SAFETY: a thread value points to a live thread.
        unsafe { (*co.ptr::<Thread>()).status }
    }

    /// Resumes coroutine `co` with `args`. On success the values it yielded or returned
    /// are pushed on the running thread's stack and their count returned; on failure the
    /// error value (or a "cannot resume" message) is returned as `Err(value)`. Errors of
    /// the resume itself (C stack overflow) are the outer `Err`.
    pub fn resume(&mut self, co: Value, args: &[Value]) -> Result<Result<usize, Value>, LuaError> {
        let cp = co.ptr::<Thread>();
        // SAFETY: a thread value points to a live thread.
        let status = unsafe { (*cp).status };
        if status != CoStatus::Suspended {
            // LuaJIT's wording.
            let msg: &[u8] = match status {
                CoStatus::Dead => b"cannot resume dead coroutine",
                CoStatus::Running => b"cannot resume running coroutine",
                _ => b"cannot resume non-suspended coroutine",
            };
            return Ok(Err(self.str_unchecked(msg)));
        }
        // SAFETY: as above.
        if unsafe { (*cp).fresh && (*cp).frames.is_empty() && (*cp).top == 0 } {
            return Ok(Err(self.str_unchecked(b"cannot resume dead coroutine")));
        }
        if self.ccalls >= MAX_CCALLS || self.native_stack_exhausted() {
            return Err(self.rt_error("C stack overflow"));
        }
        let prev = self.cur;
        // SAFETY: `prev` is the running thread, `cp` a live suspended one; switching
        // `cur` makes `cp` the thread every VM operation below works on.
        unsafe {
            (*prev).status = CoStatus::Normal;
            (*cp).status = CoStatus::Running;
        }
        self.cur = cp;
        self.ccalls += 1;
        let r = self.resume_inner(args);
        self.ccalls -= 1;
        self.cur = prev;
        // SAFETY: both threads are live (`co` is rooted by the caller).
        unsafe { (*prev).status = CoStatus::Running };
        let co_th = cp;
        match r {
            Ok(()) | Err(LuaError::Yield) => {
                // SAFETY: as above.
                let (first, top, dead) = unsafe {
                    let t = &mut *co_th;
                    if matches!(r, Err(LuaError::Yield)) {
                        t.status = CoStatus::Suspended;
                        (t.yield_func + 1, t.top, false)
                    } else {
                        t.status = CoStatus::Dead;
                        (0, t.top, true)
                    }
                };
                let n = top - first;
                self.ensure_stack(self.th().top + n + crate::vm::call::MIN_STACK)?;
                for j in 0..n {
                    // SAFETY: as above; indices are below the coroutine's top.
                    let v = unsafe { (&*co_th).stack[first + j] };
                    self.push(v)?;
                }
                if dead {
                    // SAFETY: as above.
                    unsafe { (*co_th).top = 0 };
                }
                Ok(Ok(n))
            }
            Err(LuaError::Value(e)) => {
                // SAFETY: as above. The dead thread's upvalues are closed so closures
                // that outlive it do not point into its stack.
                unsafe { (*co_th).status = CoStatus::Dead };
                let saved = self.cur;
                self.cur = co_th;
                self.close_upvals(0);
                self.cur = saved;
                Ok(Err(e))
            }
        }
    }

    /// Runs the current (just resumed) thread until it yields, returns or fails.
    fn resume_inner(&mut self, args: &[Value]) -> Result<(), LuaError> {
        let fresh = self.th().fresh;
        if fresh {
            self.th_mut().fresh = false;
            self.th_mut().top = 1;
            self.ensure_stack(1 + args.len() + crate::vm::call::MIN_STACK)?;
            for &a in args {
                self.push(a)?;
            }
            let r = match self.precall(0, args.len(), -1) {
                Ok(true) => self.execute(0),
                Ok(false) => Ok(()),
                Err(e) => Err(e),
            };
            return self.finish_resume(r);
        }
        // Continue after a yield: the yielding call returns `args`.
        let (func, want) = (self.th().yield_func, self.th().yield_nres);
        self.ensure_stack(func + args.len() + crate::vm::call::MIN_STACK)?;
        let th = self.th_mut();
        th.stack[func..func + args.len()].copy_from_slice(args);
        if want < 0 {
            th.top = func + args.len();
        } else {
            let w = want as usize;
            if args.len() < w {
                th.stack[func + args.len()..func + w].fill(Value::NIL);
            }
            th.top = func + w;
        }
        // Frames the yielding call returns into: `pcall` markers, or the continuation of
        // the metamethod that yielded.
        let r = match self.unwind_markers(0) {
            Err(e) => Err(e),
            Ok(()) if self.th().frames.is_empty() => Ok(()),
            Ok(()) => self.execute(0),
        };
        self.finish_resume(r)
    }

    /// Catches errors at markers inside the coroutine; yields and uncaught errors pass.
    fn finish_resume(&mut self, mut r: Result<(), LuaError>) -> Result<(), LuaError> {
        loop {
            match r {
                Err(LuaError::Value(e)) => match self.catch(0, LuaError::Value(e)) {
                    Ok(()) => {
                        r = if self.th().frames.is_empty() {
                            Ok(())
                        } else {
                            self.execute(0)
                        }
                    }
                    Err(e) => return Err(e),
                },
                other => return other,
            }
        }
    }

    /// `coroutine.yield` from the running native frame: records where the results of the
    /// yielding call go and unwinds to `resume`. Values to yield are the native's
    /// arguments.
    pub(crate) fn yield_native(&mut self) -> Result<usize, LuaError> {
        if self.cur == self.main || self.th().nny > 0 {
            return Err(self.rt_error("attempt to yield across metamethod/C-call boundary"));
        }
        let th = self.th_mut();
        let f = th.frames.pop().expect("yield frame");
        th.yield_func = f.func;
        th.yield_nres = f.nresults;
        Err(LuaError::Yield)
    }
}
