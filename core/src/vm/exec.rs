//! The dispatch loop: one `match` over the 5.1 instruction set plus `LOOP`,
//! `TFORCALL`/`TFORLOOP`.
//!
//! Invariants:
//! - The loop runs the top frame of the current thread, which is a Lua frame. Lua calls
//!   push a frame and continue here (no native recursion); returns pop it and resume the
//!   caller at its saved pc.
//! - Registers are addressed as `stk[base + r]`, with `stk` the stack's base pointer.
//!   `stk` is reloaded after every operation that may grow the stack (calls, metamethods,
//!   varargs, collection); `base` is an index and survives reallocation.
//! - The frame's `pc` is saved before every operation that may raise an error or call out,
//!   so error positions, variable names and tracebacks see the current instruction.
//! - Collection happens only at the `check_gc!` points (after allocating instructions and
//!   calls), where every live value is in a register of some frame.
//! - While the JIT is on (`Vm::hot_on`), loop back-edges (`FORLOOP`, `TFORLOOP`, `LOOP`)
//!   decrement a hot counter and call the JIT hook (out of line, `hot_fire`) when it
//!   reaches zero, except back-edges the JIT marked `NO_HOT` (blacklisted loops, see
//!   [`crate::vm::hot`]), which cost one bit test. With the JIT off a back-edge tests the
//!   mark and the flag and counts nothing. Back-edges jump by `hot::back_sbx` (their
//!   offset without the mark).
//! - Loop back-edges and calls charge the step budget (`budget!`, after `hot!` so a trace
//!   that exited on an exhausted budget trips at once; see [`crate::vm::budget`]).

use crate::bytecode::{index_k, is_k, Instr, Op, BITRK, LFIELDS_PER_FLUSH};
use crate::gc::{GcHeader, Kind};
use crate::object::{Cont, LuaFunction, Proto, Table, UpVal};
use crate::value::{tag, Value};
use crate::vm::meta::{arith_num, Slow, Tm};
use crate::vm::{LuaError, Vm};

impl Vm {
    /// A safe point: collects if the allocation debt is due, then enforces the memory
    /// limit. `top` is the end of the running frame's registers.
    #[inline(never)]
    pub(crate) fn gc_safe_point(&mut self, top: usize) -> Result<(), LuaError> {
        // Mark the whole register window, but give `top` back afterwards: after a call
        // with open results (`C == 0`) it ends those results, and the next instruction
        // (`CALL`/`RETURN`/`SETLIST` with `B == 0`) reads it.
        let th = self.th_mut();
        let saved_top = th.top;
        if th.top < top {
            th.top = top;
        }
        let r = self.full_gc();
        self.th_mut().top = saved_top;
        r?;
        if self.heap.over_limit(0) {
            return Err(self.mem_error());
        }
        Ok(())
    }

    /// A loop's hot counter ran out at a back-edge with offset `sbx`, the loop starting at
    /// `pc`: restarts the counter and calls the JIT's hook with the frame's pc saved.
    /// Returns the pc to continue at (where a trace exited, or `pc`).
    #[cold]
    #[inline(never)]
    fn hot_fire(&mut self, proto: *mut Proto, pc: usize, sbx: i32) -> usize {
        self.hotcount[crate::vm::hot_index(proto, pc)] = self.hotloop;
        if let Some(f) = self.th_mut().frames.last_mut() {
            f.pc = pc;
        }
        let edge = (pc as isize - 1 - sbx as isize) as usize;
        (self.hot_hook)(self, proto, pc, edge).unwrap_or(pc)
    }

    /// Runs the top (Lua) frame until the frame at index `stop` returns.
    // `reload!` after a slow path is sometimes followed by `enter!`, which reloads again.
    #[allow(unused_assignments)]
    pub(crate) fn run(&mut self, stop: usize) -> Result<(), LuaError> {
        let th = self.cur;
        let mut stk: *mut Value;
        let mut base: usize;
        // `stk + base`, kept in step with both: saves an address computation per
        // register access and a live register in the dispatch loop.
        let mut regs: *mut Value;
        let mut pc: usize;
        let mut code: *const Instr;
        let mut k: *const Value;
        // `k` biased down by `BITRK` (wrapping: it may point outside the constants), so an
        // RK operand is one select of `kb`/`regs` and one index by the raw operand.
        let mut kb: *const Value;
        let mut cl: *mut LuaFunction;
        let mut proto: *mut Proto;

        // SAFETY (for every `unsafe` below): `th` is the running thread, live for the
        // whole run. The top frame is a Lua frame whose function slot holds `cl`, whose
        // proto (`proto`, `code`, `k`) lives as long as the closure is on the stack.
        // Register operands are below the proto's `max_stack`, and `precall` made
        // `base + max_stack <= stack.len()`, so `stk.add(base + r)` is in bounds; constant
        // operands index `consts`, and jump targets stay inside `code` (the compiler's
        // contract; debug builds assert it). `stk` is reloaded after anything that may
        // reallocate the stack.
        macro_rules! reload {
            () => {
                stk = unsafe { (*th).stack.as_mut_ptr() };
                regs = unsafe { stk.add(base) };
            };
        }
        macro_rules! enter {
            () => {{
                let f = unsafe { *(*th).frames.last().unwrap_unchecked() };
                base = f.base;
                pc = f.pc;
                cl = unsafe { (*(*th).stack.as_ptr().add(f.func)).ptr::<LuaFunction>() };
                proto = unsafe { (*cl).proto };
                code = unsafe { (*proto).code.as_ptr() };
                k = unsafe { (*proto).consts.as_ptr() };
                kb = k.wrapping_sub(BITRK as usize);
                reload!();
            }};
        }
        macro_rules! r {
            ($i:expr) => {
                unsafe { *regs.add(($i) as usize) }
            };
        }
        macro_rules! setr {
            ($i:expr, $v:expr) => {{
                let v = $v;
                debug_assert!(base + ($i as usize) < unsafe { (&*th).stack.len() });
                unsafe { *regs.add(($i) as usize) = v };
            }};
        }
        macro_rules! kst {
            ($i:expr) => {{
                debug_assert!(($i as usize) < unsafe { (&*proto).consts.len() });
                unsafe { *k.add($i as usize) }
            }};
        }
        macro_rules! rk {
            ($x:expr) => {{
                let x = $x;
                debug_assert!(
                    !is_k(x) || (index_k(x) as usize) < unsafe { (&*proto).consts.len() }
                );
                let p: *const Value = if is_k(x) { kb } else { regs };
                // `kb + x` is `k + index_k(x)` for a constant operand, `regs + x` otherwise.
                unsafe { *p.wrapping_add(x as usize) }
            }};
        }
        macro_rules! rkreg {
            ($x:expr) => {{
                let x = $x;
                if is_k(x) {
                    None
                } else {
                    Some(x)
                }
            }};
        }
        macro_rules! savepc {
            () => {
                unsafe { (*th).frames.last_mut().unwrap_unchecked().pc = pc };
            };
        }
        // Runs a fallible slow path with pc saved and the stack reloaded afterwards.
        macro_rules! protect {
            ($e:expr) => {{
                savepc!();
                let r = $e;
                reload!();
                r?
            }};
        }
        macro_rules! check_gc {
            () => {
                if self.heap.should_collect() {
                    savepc!();
                    let top = base + unsafe { (*proto).max_stack } as usize;
                    self.gc_safe_point(top)?;
                    reload!();
                }
            };
        }
        // Marks the next allocation as made at a safe point (see `Vm::check_mem`).
        macro_rules! safe_alloc {
            () => {{
                let top = base + unsafe { (*proto).max_stack } as usize;
                if unsafe { (*th).top } < top {
                    unsafe { (*th).top = top };
                }
                self.gc_ok = true;
            }};
        }
        // At a taken back-edge `$i` with jump offset `$sbx` (`pc` is now the loop's
        // start): counts while the JIT is on, unless it marked the back-edge `NO_HOT`,
        // and calls the JIT's hook (out of line) when the loop is hot. The mark is tested
        // first: it is in a register, the flag is a load. (Keep this small: the dispatch
        // loop's register allocation is sensitive to what is inlined here.)
        macro_rules! hot {
            ($i:expr, $sbx:expr) => {{
                if $i.0 & crate::vm::hot::NO_HOT == 0 && self.hot_on {
                    let h = crate::vm::hot_index(proto, pc);
                    let c = self.hotcount[h];
                    if c <= 1 {
                        pc = self.hot_fire(proto, pc, $sbx);
                        reload!();
                    } else {
                        self.hotcount[h] = c - 1;
                    }
                }
            }};
        }
        // Charges `cost` steps; a negative counter calls the (cold) budget check.
        macro_rules! budget {
            ($cost:expr) => {{
                let left = self.steps_left - ($cost);
                self.steps_left = left;
                if left < 0 {
                    savepc!();
                    self.budget_trip()?;
                }
            }};
        }
        // Calls metamethod `$mc` as a VM frame (`Vm::meta_call`, after the loop's
        // `'meta` block), `$cont` finishing the instruction when it returns; dispatch goes
        // on with whatever frame is then on top. `pc` must be saved (it is, after
        // `protect!`).
        macro_rules! meta_call {
            ($l:lifetime, $mc:expr, $cont:expr) => {{
                break $l($mc, $cont);
            }};
        }
        // A slow path's value into register `$a`, or its metamethod called to put it there.
        macro_rules! slow_to_reg {
            ($l:lifetime, $a:expr, $slow:expr) => {{
                match $slow {
                    Slow::Done(v) => setr!($a, v),
                    Slow::Call(mc) => meta_call!($l, mc, Cont::Reg($a as u8)),
                }
            }};
        }
        // A comparison's slow path: its outcome, or its metamethod called to decide the
        // jump that follows (`$want`: the outcome that takes it).
        macro_rules! slow_cond {
            ($l:lifetime, $want:expr, $slow:expr) => {{
                match $slow {
                    Slow::Done(v) => v,
                    Slow::Call(mc) => {
                        let negate = mc.negate;
                        meta_call!(
                            $l,
                            mc,
                            Cont::Cond {
                                want: $want,
                                negate
                            }
                        )
                    }
                }
            }};
        }
        // `LT`/`LE`: numbers inline, anything else through `$slow` (strings, `__lt`/`__le`);
        // the outcome decides the jump that follows.
        macro_rules! order {
            ($l:lifetime, $i:expr, $cmp:tt, $slow:ident) => {{
                let (x, y) = (rk!($i.b()), rk!($i.c()));
                let outcome = if x.is_num() && y.is_num() {
                    x.num_unchecked() $cmp y.num_unchecked()
                } else {
                    slow_cond!($l, $i.a() != 0, protect!(self.$slow(x, y)))
                };
                if outcome == ($i.a() != 0) {
                    jump_next!();
                } else {
                    pc += 1;
                }
            }};
        }
        macro_rules! arith {
            ($l:lifetime, $i:expr, $op:expr) => {{
                let (b, c) = ($i.b(), $i.c());
                let (x, y) = (rk!(b), rk!(c));
                if x.is_num() && y.is_num() {
                    setr!(
                        $i.a(),
                        Value::num(arith_num($op, x.num_unchecked(), y.num_unchecked()))
                    );
                } else {
                    let s = protect!(self.arith_mm($op, x, y, (rkreg!(b), rkreg!(c))));
                    slow_to_reg!($l, $i.a(), s);
                }
            }};
        }
        macro_rules! jump_next {
            () => {{
                let j = unsafe { *code.add(pc) };
                debug_assert!(j.op() == Op::JMP);
                pc = (pc as isize + 1 + j.sbx() as isize) as usize;
            }};
        }

        enter!();
        'dispatch: loop {
            // Instructions that call a metamethod break out with it (one call site for
            // all of them keeps the dispatch loop's code small).
            let (mc, cont) = 'meta: {
                debug_assert!(pc < unsafe { (&*proto).code.len() });
                let i = unsafe { *code.add(pc) };
                pc += 1;
                match decode(i) {
                    Op::MOVE => setr!(i.a(), r!(i.b())),
                    Op::LOADK => setr!(i.a(), kst!(i.bx())),
                    Op::LOADBOOL => {
                        setr!(i.a(), Value::boolean(i.b() != 0));
                        if i.c() != 0 {
                            pc += 1;
                        }
                    }
                    Op::LOADNIL => {
                        for r in i.a()..=i.b() {
                            setr!(r, Value::NIL);
                        }
                    }
                    Op::GETUPVAL => {
                        let uv = unsafe { *(*cl).upvals.as_ptr().add(i.b() as usize) };
                        setr!(i.a(), unsafe { *(*uv).v });
                    }
                    Op::GETGLOBAL => {
                        let key = kst!(i.bx());
                        let env = unsafe { (*cl).env };
                        let v = unsafe { (*env).get_str(key.ptr()) };
                        if !v.is_nil() || unsafe { (*env).meta.is_null() } {
                            setr!(i.a(), v);
                        } else {
                            let g = Value::from_ptr(tag::TABLE, env);
                            let s = protect!(self.index_mm(g, key, None));
                            slow_to_reg!('meta, i.a(), s);
                        }
                    }
                    Op::GETTABLE => {
                        let t = r!(i.b());
                        let key = rk!(i.c());
                        let mut done = false;
                        if t.is_table() {
                            let tb = unsafe { &*t.ptr::<Table>() };
                            let v = if key.is_num() {
                                tb.get_num(key.num_unchecked())
                            } else if key.is_str() {
                                tb.get_str(key.ptr())
                            } else {
                                tb.get(key)
                            };
                            if !v.is_nil() || tb.meta.is_null() {
                                setr!(i.a(), v);
                                done = true;
                            }
                        }
                        if !done {
                            let s = protect!(self.index_mm(t, key, Some(i.b())));
                            slow_to_reg!('meta, i.a(), s);
                        }
                    }
                    Op::SETGLOBAL => {
                        let key = kst!(i.bx());
                        let env = unsafe { (*cl).env };
                        let g = Value::from_ptr(tag::TABLE, env);
                        let v = r!(i.a());
                        if unsafe { (*env).meta.is_null() } {
                            protect!(self.raw_set(g, key, v));
                        } else if let Slow::Call(mc) = protect!(self.set_index_mm(g, key, v, None))
                        {
                            meta_call!('meta, mc, Cont::Discard);
                        }
                        check_gc!();
                    }
                    Op::SETUPVAL => {
                        let uv = unsafe { *(*cl).upvals.as_ptr().add(i.b() as usize) };
                        let v = r!(i.a());
                        unsafe { *(*uv).v = v };
                    }
                    Op::SETTABLE => {
                        let t = r!(i.a());
                        let key = rk!(i.b());
                        let v = rk!(i.c());
                        let mut done = false;
                        if t.is_table() {
                            let tb = unsafe { &mut *t.ptr::<Table>() };
                            if key.is_num() {
                                let n = key.num_unchecked();
                                let ix = n as i64;
                                if ix as f64 == n && ix >= 1 && ix <= tb.asize as i64 {
                                    let slot = unsafe { &mut *tb.arr.add(ix as usize - 1) };
                                    if !slot.is_nil() || tb.meta.is_null() {
                                        *slot = v;
                                        done = true;
                                    }
                                }
                            } else if key.is_str() {
                                // An existing field of the small string map.
                                let sp = key.ptr::<crate::object::LuaStr>();
                                for j in 0..tb.nskeys as usize {
                                    if tb.skeys[j] == sp {
                                        if !tb.svals[j].is_nil() || tb.meta.is_null() {
                                            tb.svals[j] = v;
                                            tb.mm_absent = 0;
                                            done = true;
                                        }
                                        break;
                                    }
                                }
                            }
                            if !done && (tb.meta.is_null() || !tb.get(key).is_nil()) {
                                protect!(self.raw_set(t, key, v));
                                done = true;
                                check_gc!();
                            }
                        }
                        if !done {
                            let s = protect!(self.set_index_mm(t, key, v, Some(i.a())));
                            if let Slow::Call(mc) = s {
                                meta_call!('meta, mc, Cont::Discard);
                            }
                            check_gc!();
                        }
                    }
                    Op::NEWTABLE => {
                        check_gc!();
                        let narr = fb2int(i.b());
                        let nhash = fb2int(i.c());
                        savepc!();
                        safe_alloc!();
                        let r = self.new_table(narr, nhash);
                        self.gc_ok = false;
                        let t = r?;
                        setr!(i.a(), t);
                        check_gc!();
                    }
                    Op::SELF => {
                        let t = r!(i.b());
                        let key = rk!(i.c());
                        setr!(i.a() + 1, t);
                        let mut done = false;
                        if t.is_table() {
                            let tb = unsafe { &*t.ptr::<Table>() };
                            let v = tb.get(key);
                            if !v.is_nil() || tb.meta.is_null() {
                                setr!(i.a(), v);
                                done = true;
                            }
                        }
                        if !done {
                            let s = protect!(self.index_mm(t, key, Some(i.b())));
                            slow_to_reg!('meta, i.a(), s);
                        }
                    }
                    Op::ADD => arith!('meta, i, Tm::Add),
                    Op::SUB => arith!('meta, i, Tm::Sub),
                    Op::MUL => arith!('meta, i, Tm::Mul),
                    Op::DIV => arith!('meta, i, Tm::Div),
                    Op::MOD => arith!('meta, i, Tm::Mod),
                    Op::POW => arith!('meta, i, Tm::Pow),
                    Op::UNM => {
                        let x = r!(i.b());
                        if x.is_num() {
                            setr!(i.a(), Value::num(-x.num_unchecked()));
                        } else {
                            let s = protect!(self.unm_mm(x, Some(i.b())));
                            slow_to_reg!('meta, i.a(), s);
                        }
                    }
                    Op::NOT => setr!(i.a(), Value::boolean(r!(i.b()).is_falsy())),
                    Op::LEN => {
                        let x = r!(i.b());
                        if x.is_table() && unsafe { (*x.ptr::<Table>()).meta.is_null() } {
                            let n = unsafe { (*x.ptr::<Table>()).length() };
                            setr!(i.a(), Value::num(n as f64));
                        } else {
                            let s = protect!(self.len_mm(x, Some(i.b())));
                            slow_to_reg!('meta, i.a(), s);
                        }
                    }
                    Op::CONCAT => {
                        check_gc!();
                        let (b, c) = (i.b() as usize, i.c() as usize);
                        savepc!();
                        safe_alloc!();
                        let r = self.concat_mm(base + b, base + c, base);
                        self.gc_ok = false;
                        reload!();
                        if let Some((mc, slot)) = r? {
                            let at = (slot - base) as u8;
                            let (a, b) = (i.a() as u8, b as u8);
                            meta_call!('meta, mc, Cont::Concat { a, b, at });
                        }
                        setr!(i.a(), r!(b));
                        check_gc!();
                    }
                    Op::JMP => {
                        pc = (pc as isize + i.sbx() as isize) as usize;
                    }
                    Op::EQ => {
                        let (x, y) = (rk!(i.b()), rk!(i.c()));
                        let eq = if x.bits() == y.bits() && !x.is_num() {
                            true
                        } else if x.is_num() && y.is_num() {
                            x.num_unchecked() == y.num_unchecked()
                        } else {
                            savepc!();
                            slow_cond!('meta, i.a() != 0, self.equals_mm(x, y))
                        };
                        if eq == (i.a() != 0) {
                            jump_next!();
                        } else {
                            pc += 1;
                        }
                    }
                    Op::LT => order!('meta, i, <, less_than_mm),
                    Op::LE => order!('meta, i, <=, less_equal_mm),
                    Op::TEST => {
                        if r!(i.a()).is_truthy() == (i.c() != 0) {
                            jump_next!();
                        } else {
                            pc += 1;
                        }
                    }
                    Op::TESTSET => {
                        let v = r!(i.b());
                        if v.is_truthy() == (i.c() != 0) {
                            setr!(i.a(), v);
                            jump_next!();
                        } else {
                            pc += 1;
                        }
                    }
                    Op::CALL => {
                        let a = i.a() as usize;
                        let func = base + a;
                        let nargs = if i.b() != 0 {
                            i.b() as usize - 1
                        } else {
                            (unsafe { (*th).top }) - func - 1
                        };
                        let nres = i.c() as i32 - 1;
                        // Fast path: a fixed-parameter Lua function whose frame fits in the
                        // stack (no allocation, so no safe point needed).
                        let fv = r!(a);
                        if fv.is_func() && unsafe { (*fv.ptr::<GcHeader>()).kind } == Kind::LuaFn {
                            let np: &Proto = unsafe { &*(*fv.ptr::<LuaFunction>()).proto };
                            let ms = np.max_stack as usize;
                            let nb = func + 1;
                            let th_ref = unsafe { &mut *th };
                            if !np.is_vararg
                                && nb + ms.max(nargs) <= th_ref.stack.len()
                                && th_ref.frames.len() < self.max_frames
                            {
                                savepc!();
                                budget!(1);
                                let th_ref = unsafe { &mut *th };
                                let lo = nb + nargs.min(np.num_params as usize);
                                for v in &mut th_ref.stack[lo..nb + ms.max(nargs)] {
                                    *v = Value::NIL;
                                }
                                th_ref.frames.push(crate::object::Frame {
                                    func,
                                    base: nb,
                                    top: nb + ms,
                                    pc: 0,
                                    nresults: nres,
                                    kind: crate::object::FrameKind::Lua,
                                    nvarargs: 0,
                                    tailcalls: 0,
                                });
                                th_ref.top = nb + ms;
                                base = nb;
                                regs = unsafe { stk.add(base) };
                                pc = 0;
                                cl = fv.ptr::<LuaFunction>();
                                proto = unsafe { (*cl).proto };
                                code = np.code.as_ptr();
                                k = np.consts.as_ptr();
                                kb = k.wrapping_sub(BITRK as usize);
                                continue 'dispatch;
                            }
                        }
                        unsafe { (*th).top = func + nargs + 1 };
                        check_gc!();
                        savepc!();
                        let is_lua = self.precall(func, nargs, nres)?;
                        if is_lua {
                            enter!();
                            continue 'dispatch;
                        }
                        reload!();
                        if nres >= 0 {
                            unsafe { (*th).top = base + (*proto).max_stack as usize };
                        }
                        check_gc!();
                    }
                    Op::TAILCALL => {
                        let a = i.a() as usize;
                        let func = base + a;
                        let nargs = if i.b() != 0 {
                            i.b() as usize - 1
                        } else {
                            (unsafe { (*th).top }) - func - 1
                        };
                        savepc!();
                        let fv = r!(a);
                        if !fv.is_func() && !self.metamethod(fv, Tm::Call).is_func() {
                            return Err(self.op_error(fv, "call", Some(a as u32)));
                        }
                        // Close upvalues, move the callee and its arguments down over this
                        // frame, and replace the frame.
                        self.close_upvals(base);
                        let f = unsafe { (*th).frames.pop().unwrap_unchecked() };
                        let st = unsafe { &mut (*th).stack };
                        st.copy_within(func..func + nargs + 1, f.func);
                        unsafe { (*th).top = f.func + nargs + 1 };
                        let is_lua = self.precall(f.func, nargs, f.nresults)?;
                        if is_lua {
                            let nf = unsafe { (*th).frames.last_mut().unwrap_unchecked() };
                            nf.tailcalls = f.tailcalls + 1;
                            enter!();
                            continue 'dispatch;
                        }
                        // A native ran in place of this frame: continue with the caller.
                        if unsafe { (&*th).frames.len() } <= stop {
                            return Ok(());
                        }
                        self.unwind_markers(stop)?;
                        if unsafe { (&*th).frames.len() } <= stop {
                            return Ok(());
                        }
                        enter!();
                        if f.nresults >= 0 {
                            unsafe { (*th).top = base + (*proto).max_stack as usize };
                        }
                    }
                    Op::RETURN => {
                        let a = i.a() as usize;
                        let n = if i.b() != 0 {
                            i.b() as usize - 1
                        } else {
                            (unsafe { (*th).top }) - (base + a)
                        };
                        if !unsafe { (&*th).open_upvals.is_empty() } {
                            self.close_upvals(base);
                        }
                        // Fast path: returning to a Lua caller above `stop`.
                        let th_ref = unsafe { &mut *th };
                        let nf = th_ref.frames.len();
                        if nf >= 2 && nf - 1 > stop {
                            let cur = th_ref.frames[nf - 1];
                            let caller = th_ref.frames[nf - 2];
                            if matches!(caller.kind, crate::object::FrameKind::Lua)
                                && cur.nresults >= 0
                            {
                                let want = cur.nresults as usize;
                                let res = cur.func;
                                let first = base + a;
                                let st = &mut th_ref.stack[..];
                                if want == 1 && n >= 1 {
                                    // The common single result, without the general loop.
                                    st[res] = st[first];
                                } else {
                                    for j in 0..want {
                                        st[res + j] =
                                            if j < n { st[first + j] } else { Value::NIL };
                                    }
                                }
                                th_ref.frames.pop();
                                base = caller.base;
                                regs = unsafe { stk.add(base) };
                                pc = caller.pc;
                                cl = st[caller.func].ptr::<LuaFunction>();
                                proto = unsafe { (*cl).proto };
                                code = unsafe { (*proto).code.as_ptr() };
                                k = unsafe { (*proto).consts.as_ptr() };
                                kb = k.wrapping_sub(BITRK as usize);
                                th_ref.top = base + unsafe { (*proto).max_stack } as usize;
                                continue 'dispatch;
                            }
                        }
                        // A metamethod returning to the instruction that called it: finished
                        // out of line (code in the fast path above slows every return down).
                        // The frame must be above `stop`: a function that a native called
                        // above a continuation (an `xpcall` handler) returns to the native.
                        if nf >= 2 && nf - 1 > stop {
                            if let crate::object::FrameKind::Cont(c) = th_ref.frames[nf - 2].kind {
                                let v = if n >= 1 { r!(a) } else { Value::NIL };
                                self.return_to_cont(c, v)?;
                                enter!();
                                continue 'dispatch;
                            }
                        }
                        let wanted = unsafe { (*th).frames.last().unwrap_unchecked().nresults };
                        self.poscall(base + a, n);
                        if unsafe { (&*th).frames.len() } <= stop {
                            return Ok(());
                        }
                        self.unwind_markers(stop)?;
                        if unsafe { (&*th).frames.len() } <= stop {
                            return Ok(());
                        }
                        enter!();
                        if wanted >= 0 {
                            unsafe { (*th).top = base + (*proto).max_stack as usize };
                        }
                    }
                    Op::FORLOOP => {
                        let a = i.a();
                        let step = r!(a + 2).num_unchecked();
                        let idx = r!(a).num_unchecked() + step;
                        let limit = r!(a + 1).num_unchecked();
                        if if step > 0.0 {
                            idx <= limit
                        } else {
                            limit <= idx
                        } {
                            let sbx = crate::vm::hot::back_sbx(i);
                            pc = (pc as isize + sbx as isize) as usize;
                            setr!(a, Value::num(idx));
                            setr!(a + 3, Value::num(idx));
                            hot!(i, sbx);
                            budget!(crate::vm::budget::back_edge_cost(sbx));
                        }
                    }
                    Op::FORPREP => {
                        let a = i.a();
                        let init = r!(a);
                        let limit = r!(a + 1);
                        let step = r!(a + 2);
                        let Some(vi) = self.to_number(init) else {
                            savepc!();
                            return Err(self.rt_error("'for' initial value must be a number"));
                        };
                        let Some(vl) = self.to_number(limit) else {
                            savepc!();
                            return Err(self.rt_error("'for' limit must be a number"));
                        };
                        let Some(vs) = self.to_number(step) else {
                            savepc!();
                            return Err(self.rt_error("'for' step must be a number"));
                        };
                        setr!(a, Value::num(vi - vs));
                        setr!(a + 1, Value::num(vl));
                        setr!(a + 2, Value::num(vs));
                        pc = (pc as isize + i.sbx() as isize) as usize;
                    }
                    Op::TFORCALL => {
                        let a = i.a() as usize;
                        let cb = base + a + 3;
                        // The call slots may lie past the frame's registers (a one-variable
                        // loop reserves only one slot above the control registers).
                        if cb + 3 > unsafe { (&*th).stack.len() } {
                            savepc!();
                            self.ensure_stack(cb + 3)?;
                            reload!();
                        }
                        setr!(a + 3, r!(a));
                        setr!(a + 4, r!(a + 1));
                        setr!(a + 5, r!(a + 2));
                        unsafe { (*th).top = cb + 3 };
                        savepc!();
                        let nres = i.c() as i32;
                        let is_lua = self.precall(cb, 2, nres)?;
                        if is_lua {
                            enter!();
                            continue 'dispatch;
                        }
                        reload!();
                        unsafe { (*th).top = base + (*proto).max_stack as usize };
                        check_gc!();
                    }
                    Op::TFORLOOP => {
                        let a = i.a();
                        let v = r!(a + 1);
                        if !v.is_nil() {
                            setr!(a, v);
                            let sbx = crate::vm::hot::back_sbx(i);
                            pc = (pc as isize + sbx as isize) as usize;
                            hot!(i, sbx);
                            budget!(crate::vm::budget::back_edge_cost(sbx));
                        }
                    }
                    Op::SETLIST => {
                        let a = i.a() as usize;
                        let n = if i.b() != 0 {
                            i.b() as usize
                        } else {
                            (unsafe { (*th).top }) - (base + a) - 1
                        };
                        let c = if i.c() != 0 {
                            i.c() as usize
                        } else {
                            let raw = unsafe { (*code.add(pc)).0 } as usize;
                            pc += 1;
                            raw
                        };
                        let t = r!(a);
                        let first = (c.saturating_sub(1)) * LFIELDS_PER_FLUSH as usize;
                        let tb = unsafe { &mut *t.ptr::<Table>() };
                        for j in 1..=n {
                            let d = tb.set_int((first + j) as i64, r!(a + j));
                            self.heap.account(d);
                        }
                        unsafe { (*th).top = base + (*proto).max_stack as usize };
                        check_gc!();
                    }
                    Op::CLOSE => {
                        self.close_upvals(base + i.a() as usize);
                    }
                    Op::CLOSURE => {
                        check_gc!();
                        let p = unsafe { *(*proto).protos.as_ptr().add(i.bx() as usize) };
                        let nup = unsafe { (*p).num_upvals } as usize;
                        let mut ups: alloc::vec::Vec<*mut UpVal> =
                            alloc::vec::Vec::with_capacity(nup);
                        for _ in 0..nup {
                            let pi = unsafe { *code.add(pc) };
                            pc += 1;
                            if pi.op() == Op::GETUPVAL {
                                ups.push(unsafe { *(*cl).upvals.as_ptr().add(pi.b() as usize) });
                            } else {
                                ups.push(self.find_upval(base + pi.b() as usize));
                            }
                        }
                        let f = LuaFunction {
                            hdr: GcHeader::new(Kind::LuaFn),
                            proto: p,
                            env: unsafe { (*cl).env },
                            upvals: ups.into_boxed_slice(),
                        };
                        let fp = self.heap.alloc(f);
                        setr!(i.a(), Value::from_ptr(tag::FUNC, fp));
                        check_gc!();
                    }
                    Op::VARARG => {
                        let a = i.a() as usize;
                        let f = unsafe { *(*th).frames.last().unwrap_unchecked() };
                        let nv = f.nvarargs;
                        let src = base - nv;
                        if i.b() == 0 {
                            savepc!();
                            self.ensure_stack(base + a + nv)?;
                            reload!();
                            let st = unsafe { &mut (*th).stack };
                            st.copy_within(src..src + nv, base + a);
                            unsafe { (*th).top = base + a + nv };
                        } else {
                            let want = i.b() as usize - 1;
                            for j in 0..want {
                                let v = if j < nv {
                                    unsafe { *stk.add(src + j) }
                                } else {
                                    Value::NIL
                                };
                                setr!(a + j, v);
                            }
                        }
                    }
                    Op::LOOP => {
                        let sbx = crate::vm::hot::back_sbx(i);
                        pc = (pc as isize + sbx as isize) as usize;
                        hot!(i, sbx);
                        budget!(crate::vm::budget::back_edge_cost(sbx));
                    }
                }
                continue 'dispatch;
            };
            self.meta_call(mc, cont, stop)?;
            enter!();
        }
    }
}

/// The opcode of an instruction, without the table lookup of `Instr::op`.
#[inline(always)]
fn decode(i: Instr) -> Op {
    let n = i.op_u8();
    debug_assert!((n as usize) < crate::bytecode::NUM_OPS);
    // SAFETY: `Op` is `repr(u8)` with variants numbered densely from 0 (pinned by the
    // const asserts in `bytecode`). Code reaches the interpreter only from the compiler,
    // which emits instructions through `Instr::abc`/`abx`/`asbx` from an `Op` (the same
    // contract the unchecked register and jump accesses rely on; `frontend::verify`
    // checks it), so `n` is below their count. Trusting it removes a compare and a
    // select from every dispatch.
    unsafe {
        core::hint::assert_unchecked((n as usize) < crate::bytecode::NUM_OPS);
        core::mem::transmute::<u8, Op>(n)
    }
}

/// Decodes 5.1's "floating point byte" size hints (`eeeeexxx`).
#[inline]
pub fn fb2int(x: u32) -> usize {
    let e = (x >> 3) & 31;
    if e == 0 {
        x as usize
    } else {
        (((x & 7) + 8) as usize) << (e - 1)
    }
}
