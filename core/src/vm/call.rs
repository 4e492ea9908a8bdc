//! Calls and returns: frame setup (`precall`), result placement (`poscall`), upvalue
//! capture and closing, `pcall`/`xpcall` frames, and the protected `execute` driver.
//!
//! Invariants:
//! - `precall` either pushes a Lua frame (returns `true`; the dispatch loop runs it) or
//!   runs a native to completion and places its results at the callee's slot (`false`).
//! - A `Pcall`/`Xpcall` frame sits below the frame of its callee. When the callee returns
//!   (or a native callee completes) the marker is *finished*: `true` is put before the
//!   results. When an error unwinds to it, the frames above are dropped, upvalues above
//!   the callee closed, and `false, err` returned. Because these are VM frames and not
//!   native recursion, a coroutine can yield across `pcall`.
//! - `execute(stop)` runs until the frame at index `stop` returns; errors are caught by the
//!   innermost marker at index `>= stop`, or propagate with the frames left in place (the
//!   catcher truncates them, so tracebacks can still be taken).

use alloc::string::String;

use crate::bytecode::ProtoDesc;
use crate::gc::{GcHeader, Kind};
use crate::object::function::NativeKind;
use crate::object::{Cont, Frame, FrameKind, LuaFunction, NativeFunction, UpVal};
use crate::value::Value;
use crate::vm::meta::{MetaCall, Tm};
use crate::vm::{LuaError, Vm, MAX_CCALLS};

/// Extra slots a native may push without checking (LUA_MINSTACK).
pub const MIN_STACK: usize = 20;

/// Compiles a chunk with the front end.
pub(crate) fn compile(source: &[u8], chunkname: &str) -> Result<ProtoDesc, String> {
    crate::frontend::compile(source, chunkname).map_err(|e| e.message)
}

impl Vm {
    /// Makes sure `n` more slots exist above the running thread's top.
    pub(crate) fn grow_stack(&mut self, n: usize) -> Result<(), LuaError> {
        let need = self.th().top + n;
        self.ensure_stack(need)
    }

    /// Makes sure the running thread's stack has `need` slots.
    #[inline]
    pub(crate) fn ensure_stack(&mut self, need: usize) -> Result<(), LuaError> {
        if need <= self.th().stack.len() {
            return Ok(());
        }
        if need > self.max_stack {
            return Err(self.rt_error("stack overflow"));
        }
        self.check_mem(need * 8)?;
        let d = self.th_mut().grow(need);
        self.heap.account(d);
        Ok(())
    }

    /// The open upvalue for stack slot `idx` of the running thread (created if needed).
    pub(crate) fn find_upval(&mut self, idx: usize) -> *mut UpVal {
        let th = self.th_mut();
        let mut pos = th.open_upvals.len();
        while pos > 0 {
            let uv = th.open_upvals[pos - 1];
            // SAFETY: open upvalues of a live thread are live.
            let i = unsafe { (*uv).index };
            if i == idx {
                return uv;
            }
            if i < idx {
                break;
            }
            pos -= 1;
        }
        let v: *mut Value = &mut th.stack[idx];
        let uv = self.heap.alloc(UpVal {
            hdr: GcHeader::new(Kind::UpVal),
            v,
            closed: Value::NIL,
            index: idx,
            owner: self.cur,
        });
        self.th_mut().open_upvals.insert(pos, uv);
        uv
    }

    /// Closes the running thread's open upvalues at stack slots `>= level`.
    #[inline]
    pub(crate) fn close_upvals(&mut self, level: usize) {
        let th = self.th_mut();
        while let Some(&uv) = th.open_upvals.last() {
            // SAFETY: open upvalues are live and `v` points into this thread's stack.
            unsafe {
                if (*uv).index < level {
                    break;
                }
                (*uv).closed = *(*uv).v;
                (*uv).v = &mut (*uv).closed;
                (*uv).owner = core::ptr::null_mut();
            }
            th.open_upvals.pop();
        }
    }

    /// Prepares a call of the value at stack slot `func` with `nargs` arguments above it.
    /// Returns `true` if a Lua frame was pushed (to be run by the dispatch loop), `false`
    /// if a native ran and its results were placed (see `poscall`).
    pub(crate) fn precall(
        &mut self,
        func: usize,
        mut nargs: usize,
        nresults: i32,
    ) -> Result<bool, LuaError> {
        // Every call is a step (see `budget`): with back-edges, this bounds all execution.
        self.charge(1)?;
        let mut fv = self.th().stack[func];
        if !fv.is_func() {
            let h = self.metamethod(fv, Tm::Call);
            // As 5.1's `tryfuncTM`: only a function handler makes a value callable.
            if !h.is_func() {
                let reg = match self.th().frames.last() {
                    Some(f) if matches!(f.kind, FrameKind::Lua) && func >= f.base => {
                        Some((func - f.base) as u32)
                    }
                    _ => None,
                };
                return Err(self.op_error(fv, "call", reg));
            }
            self.ensure_stack(func + nargs + 2)?;
            let st = &mut self.th_mut().stack;
            st.copy_within(func..func + nargs + 1, func + 1);
            st[func] = h;
            nargs += 1;
            fv = h;
        }
        if self.th().frames.len() >= self.max_frames {
            return Err(self.rt_error("stack overflow"));
        }
        // SAFETY: a function value points to a live function; its header gives its kind.
        let kind = unsafe { (*fv.ptr::<GcHeader>()).kind };
        if kind == Kind::LuaFn {
            // SAFETY: checked the kind; a Lua function's proto is live.
            let p = unsafe { &*(*fv.ptr::<LuaFunction>()).proto };
            let np = p.num_params as usize;
            let ms = p.max_stack as usize;
            let (base, nvar) = if p.is_vararg {
                let base = func + 1 + nargs;
                self.ensure_stack(base + ms)?;
                let st = &mut self.th_mut().stack;
                for i in 0..np {
                    st[base + i] = if i < nargs {
                        st[func + 1 + i]
                    } else {
                        Value::NIL
                    };
                }
                st[base + np..base + ms].fill(Value::NIL);
                (base, nargs.saturating_sub(np))
            } else {
                let base = func + 1;
                self.ensure_stack(base + ms)?;
                let st = &mut self.th_mut().stack;
                st[base + nargs.min(np)..base + ms.max(nargs)].fill(Value::NIL);
                (base, 0)
            };
            let th = self.th_mut();
            th.frames.push(Frame {
                func,
                base,
                top: base + ms,
                pc: 0,
                nresults,
                kind: FrameKind::Lua,
                nvarargs: nvar,
                tailcalls: 0,
            });
            th.top = base + ms;
            return Ok(true);
        }
        // Native function.
        // SAFETY: the kind is `NativeFn`.
        let (f, nkind) = unsafe {
            let nf = &*fv.ptr::<NativeFunction>();
            (nf.f, nf.kind)
        };
        self.ensure_stack(func + 1 + nargs + MIN_STACK)?;
        match nkind {
            NativeKind::Normal => {
                let th = self.th_mut();
                th.frames.push(Frame {
                    func,
                    base: func + 1,
                    top: func + 1 + nargs,
                    pc: 0,
                    nresults,
                    kind: FrameKind::Native,
                    nvarargs: 0,
                    tailcalls: 0,
                });
                th.top = func + 1 + nargs;
                let n = f(self)?;
                let first = self.th().top - n;
                self.poscall(first, n);
                Ok(false)
            }
            NativeKind::Pcall | NativeKind::Xpcall => {
                let xp = nkind == NativeKind::Xpcall;
                let need = if xp { 2 } else { 1 };
                if nargs < need {
                    let name = if xp { "xpcall" } else { "pcall" };
                    let msg = if nargs == 0 || !xp {
                        alloc::format!("bad argument #1 to '{name}' (value expected)")
                    } else {
                        alloc::format!("bad argument #2 to '{name}' (value expected)")
                    };
                    return Err(self.rt_error(&msg));
                }
                let th = self.th_mut();
                if xp {
                    th.stack.swap(func + 1, func + 2);
                }
                th.frames.push(Frame {
                    func,
                    base: func + 1,
                    top: func + 1 + nargs,
                    pc: 0,
                    nresults,
                    kind: if xp {
                        FrameKind::Xpcall
                    } else {
                        FrameKind::Pcall
                    },
                    nvarargs: 0,
                    tailcalls: 0,
                });
                th.top = func + 1 + nargs;
                let callee = func + need;
                if self.precall(callee, nargs - need, -1)? {
                    return Ok(true);
                }
                self.finish_marker(true, Value::NIL);
                Ok(false)
            }
        }
    }

    /// Returns from the top frame: moves `n` results from slot `first` to the frame's
    /// function slot, adjusted to the count the caller wanted, and pops the frame.
    #[inline]
    pub(crate) fn poscall(&mut self, first: usize, n: usize) {
        let th = self.th_mut();
        let f = th.frames.pop().expect("frame to return from");
        let res = f.func;
        let st = &mut th.stack[..];
        if f.nresults < 0 {
            for j in 0..n {
                st[res + j] = st[first + j];
            }
            th.top = res + n;
        } else {
            let want = f.nresults as usize;
            let k = n.min(want);
            for j in 0..k {
                st[res + j] = st[first + j];
            }
            for v in &mut st[res + k..res + want] {
                *v = Value::NIL;
            }
            th.top = res + want;
        }
    }

    /// Finishes the `pcall`/`xpcall` frame on top: `true` and the callee's results (which
    /// end at the thread's top), or `false` and `err`.
    pub(crate) fn finish_marker(&mut self, ok: bool, err: Value) {
        let th = self.th_mut();
        let m = *th.frames.last().expect("marker");
        let callee = m.func
            + if matches!(m.kind, FrameKind::Xpcall) {
                2
            } else {
                1
            };
        if ok {
            let n = th.top - callee;
            th.stack[callee - 1] = Value::TRUE;
            self.poscall(callee - 1, n + 1);
        } else {
            th.stack[callee - 1] = Value::FALSE;
            th.stack[callee] = err;
            self.poscall(callee - 1, 2);
        }
    }

    /// After a return: finishes the frames whose callee just returned, down to `stop`:
    /// `pcall` markers, and metamethod continuations (see [`Vm::finish_cont`]). Stops
    /// early when a continuation has called another metamethod as a Lua frame.
    #[inline]
    pub(crate) fn unwind_markers(&mut self, stop: usize) -> Result<(), LuaError> {
        // The common case inline (a return to a Lua caller, say with multiple results),
        // the loop out of line.
        match self.th().frames.last() {
            Some(f) if matches!(f.kind, FrameKind::Lua | FrameKind::Native) => Ok(()),
            _ => self.unwind_frames(stop),
        }
    }

    /// [`Vm::unwind_markers`]' loop.
    #[inline(never)]
    fn unwind_frames(&mut self, stop: usize) -> Result<(), LuaError> {
        loop {
            let th = self.th();
            if th.frames.len() <= stop {
                return Ok(());
            }
            match th.frames.last().map(|f| f.kind) {
                Some(FrameKind::Pcall | FrameKind::Xpcall) => self.finish_marker(true, Value::NIL),
                Some(FrameKind::Cont(c)) => {
                    if self.finish_cont(c)? {
                        return Ok(());
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// Calls metamethod `mc` for the instruction the top (Lua) frame is executing, as a
    /// VM frame above a [`FrameKind::Cont`] frame holding `cont`. A Lua handler is left
    /// to the dispatch loop to run; a native one runs now and the instruction is
    /// finished. Either way the dispatch loop continues with the top frame.
    #[inline(never)]
    pub(crate) fn meta_call(
        &mut self,
        mc: MetaCall,
        cont: Cont,
        stop: usize,
    ) -> Result<(), LuaError> {
        if !self.push_cont_call(mc, cont)? {
            self.unwind_markers(stop)?;
        }
        Ok(())
    }

    /// Pushes a [`FrameKind::Cont`] frame holding `cont` above the top (Lua) frame, and
    /// calls `mc` above it: `true` if that pushed a Lua frame for the dispatch loop to
    /// run, `false` if a native handler ran (its result is at the `Cont` frame's `func`,
    /// and the `Cont` frame is on top, unfinished). A native that yields leaves the
    /// `Cont` frame for the resume to finish.
    fn push_cont_call(&mut self, mc: MetaCall, cont: Cont) -> Result<bool, LuaError> {
        // Above the caller's registers; nothing of the caller lives there (no
        // instruction that can call a metamethod runs with open multiple results).
        let x = self.th().frames.last().expect("a Lua frame").top;
        let args = mc.args();
        let n = args.len();
        if x + 1 + n > self.th().stack.len() {
            self.ensure_stack(x + 1 + n)?;
        }
        let th = self.th_mut();
        th.stack[x] = mc.h;
        for (j, &v) in args.iter().enumerate() {
            th.stack[x + 1 + j] = v;
        }
        th.frames.push(Frame {
            func: x,
            base: x + 1,
            top: x + 1 + n,
            pc: 0,
            nresults: 1,
            kind: FrameKind::Cont(cont),
            nvarargs: 0,
            tailcalls: 0,
        });
        th.top = x + 1 + n;
        self.precall(x, n, 1)
    }

    /// Returns `v` from the top frame, a metamethod's, to the [`FrameKind::Cont`] frame
    /// below it and finishes the instruction that called the metamethod (the dispatch
    /// loop's shortcut for `poscall` + [`Vm::unwind_markers`]).
    #[inline(never)]
    pub(crate) fn return_to_cont(&mut self, cont: Cont, v: Value) -> Result<(), LuaError> {
        let th = self.th_mut();
        let f = th.frames.pop().expect("the metamethod's frame");
        th.stack[f.func] = v;
        self.finish_cont(cont)?;
        Ok(())
    }

    /// Finishes the instruction whose metamethod just returned (its result is at the
    /// top frame's `func`), popping the [`FrameKind::Cont`] frame. Returns `true` if it
    /// called a further metamethod as a Lua frame (a `..` with more operands).
    #[inline(never)]
    pub(crate) fn finish_cont(&mut self, cont: Cont) -> Result<bool, LuaError> {
        let th = self.th_mut();
        let cf = th.frames.pop().expect("continuation frame");
        let res = th.stack[cf.func];
        let caller = *th
            .frames
            .last()
            .expect("the Lua frame below a continuation");
        debug_assert!(matches!(caller.kind, FrameKind::Lua));
        th.top = caller.top;
        let base = caller.base;
        match cont {
            Cont::Reg(a) => th.stack[base + a as usize] = res,
            Cont::Discard => {}
            Cont::Cond { want, negate } => {
                // The comparison's jump follows it; `pc` is that jump's index.
                let mut pc = caller.pc;
                if (res.is_truthy() != negate) == want {
                    let fv = th.stack[caller.func];
                    // SAFETY: a Lua frame's function slot holds its Lua function, whose
                    // proto is live; the compiler puts a `JMP` after every comparison.
                    let j = unsafe { (*(*fv.ptr::<LuaFunction>()).proto).code[pc] };
                    pc = (pc as isize + 1 + j.sbx() as isize) as usize;
                } else {
                    pc += 1;
                }
                th.frames.last_mut().expect("caller").pc = pc;
            }
            Cont::Concat { a, b, mut at } => {
                th.stack[base + at as usize] = res;
                while at > b {
                    // Allocation here is at a safe point: the caller's registers are
                    // below `top` (set above).
                    let gc_ok = core::mem::replace(&mut self.gc_ok, true);
                    let r = self.concat_mm(base + b as usize, base + at as usize, base);
                    self.gc_ok = gc_ok;
                    match r? {
                        None => break,
                        Some((mc, slot)) => {
                            let at2 = (slot - base) as u8;
                            if self.push_cont_call(mc, Cont::Concat { a, b, at: at2 })? {
                                return Ok(true);
                            }
                            // A native handler ran: take its result here and go on
                            // with the next step (a loop, not recursion, however many
                            // operands there are).
                            let th = self.th_mut();
                            let cf = th.frames.pop().expect("continuation frame");
                            th.stack[slot] = th.stack[cf.func];
                            th.top = caller.top;
                            at = at2;
                        }
                    }
                }
                let st = &mut self.th_mut().stack;
                st[base + a as usize] = st[base + b as usize];
            }
        }
        Ok(false)
    }

    /// Handles error `e` raised while frames above `stop` were active: if a marker at
    /// index `>= stop` catches it, unwinds to it and returns `Ok`; else returns the error.
    pub(crate) fn catch(&mut self, stop: usize, e: LuaError) -> Result<(), LuaError> {
        let LuaError::Value(mut err) = e else {
            return Err(e);
        };
        let frames = &self.th().frames;
        let Some(m) = (stop..frames.len())
            .rev()
            .find(|&i| matches!(frames[i].kind, FrameKind::Pcall | FrameKind::Xpcall))
        else {
            return Err(e);
        };
        let mf = frames[m];
        if matches!(mf.kind, FrameKind::Xpcall) {
            // Run the handler on top of the failed frames (so it can take a traceback).
            let h = self.th().stack[mf.func + 1];
            let top = self.th().frames.last().map(|f| f.top).unwrap_or(0);
            let th = self.th_mut();
            th.top = th.top.max(top);
            // Extra room, so that a handler can run after a "stack overflow".
            self.max_frames += 64;
            let r = self.call1(h, &[err]);
            self.max_frames -= 64;
            err = match r {
                Ok(v) => v,
                // As 5.1's LUA_ERRERR: the handler itself failed.
                Err(_) => self.str_unchecked(b"error in error handling"),
            };
        }
        let callee = mf.func
            + if matches!(mf.kind, FrameKind::Xpcall) {
                2
            } else {
                1
            };
        self.close_upvals(callee);
        let th = self.th_mut();
        let dead_top = th.frames[m..]
            .iter()
            .map(|f| f.top)
            .fold(th.top, usize::max);
        th.frames.truncate(m + 1);
        self.finish_marker(false, err);
        // The unwound frames' values are dead: clear them so they are not kept alive as
        // stale registers of the caller (whose registers above the results are free).
        let th = self.th_mut();
        let from = th.top.min(dead_top);
        let to = dead_top.min(th.stack.len());
        th.stack[from..to].fill(Value::NIL);
        match self.unwind_markers(stop) {
            Ok(()) => Ok(()),
            // A continuation failed (a `..` with more operands): that is an error of the
            // frame below, handled like any other.
            Err(e) => self.catch(stop, e),
        }
    }

    /// True when nested native calls have used more than `native_stack_limit` bytes of
    /// the native stack since the outermost entry into the VM (a guard independent of
    /// how large each nesting level's frames are, e.g. in debug builds).
    #[inline]
    pub(crate) fn native_stack_exhausted(&mut self) -> bool {
        let marker = 0u8;
        let here = &marker as *const u8 as usize;
        if self.ccalls == 0 {
            self.native_stack_base = here;
            return false;
        }
        self.native_stack_base.saturating_sub(here) > self.native_stack_limit
    }

    /// Runs Lua frames until the frame at index `stop` returns, catching errors at
    /// markers above `stop`.
    pub(crate) fn execute(&mut self, stop: usize) -> Result<(), LuaError> {
        loop {
            if self.th().frames.len() <= stop {
                return Ok(());
            }
            match self.run(stop) {
                Ok(()) => return Ok(()),
                Err(e) => self.catch(stop, e)?,
            }
        }
    }

    /// Calls the value at stack slot `func` with `nargs` arguments above it, from native
    /// code: results end up at `func..top`. Nesting is bounded and not yieldable.
    pub(crate) fn call_at(
        &mut self,
        func: usize,
        nargs: usize,
        nresults: i32,
    ) -> Result<(), LuaError> {
        if self.ccalls >= MAX_CCALLS || self.native_stack_exhausted() {
            if self.ccalls >= MAX_CCALLS + MAX_CCALLS / 8 {
                // Error while handling the overflow: give up harder.
                return Err(self.mem_error());
            }
            self.ccalls += 1;
            let e = self.rt_error("C stack overflow");
            self.ccalls -= 1;
            return Err(e);
        }
        let stop = self.th().frames.len();
        // Code called from here is not at this caller's safe point.
        let gc_ok = core::mem::replace(&mut self.gc_ok, false);
        self.ccalls += 1;
        self.th_mut().nny += 1;
        let cur = self.cur;
        let r = match self.precall(func, nargs, nresults) {
            Ok(true) => self.execute(stop),
            Ok(false) => Ok(()),
            Err(e) => match self.catch(stop, e) {
                Ok(()) => self.execute(stop),
                Err(e) => Err(e),
            },
        };
        debug_assert!(self.cur == cur);
        self.ccalls -= 1;
        self.th_mut().nny -= 1;
        self.gc_ok = gc_ok;
        if r.is_err() && self.ccalls > 0 {
            // A native called us and may handle the error itself: give it back a
            // consistent stack (the outermost call leaves the frames for the host's
            // traceback; the host then resets the stack).
            self.close_upvals(func);
            let th = self.th_mut();
            th.frames.truncate(stop);
            th.top = func;
        }
        r
    }
}
