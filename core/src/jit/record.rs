//! The recorder: one iteration of a hot loop, from bytecode to typed IR with guards and
//! snapshots.
//!
//! # How it records
//! The interpreter calls the JIT at a loop's back-edge, with the loop about to start its
//! next iteration at `start` (the first instruction of the body). The recorder then runs
//! that iteration itself, on a *shadow* copy of the frame's registers: every instruction
//! is evaluated on the live values (so types and branch directions come from the real
//! program state, LuaJIT's "record from live values") and, at the same time, emitted as
//! IR. The VM is not modified; when recording succeeds the interpreter is still at `start`
//! and may enter the new trace at once. Recording ends at the back-edge instruction that
//! jumps to `start` (`FORLOOP` or `LOOP`).
//!
//! Invariants:
//! - the shadow registers always hold exactly what the interpreter would hold after the
//!   instructions recorded so far, and the slot map holds a ref computing each of them;
//! - only instructions without side effects are recorded (arithmetic, comparisons, moves,
//!   constants, reads of globals and of constant tables, pure `math` functions), plus
//!   writes of upvalues (`SETUPVAL`, see below), so the shadow run cannot diverge from a
//!   real run and a trace never writes a table. Anything else aborts with an [`Abort`]
//!   reason;
//! - every guard is preceded by a snapshot whose pc is the instruction being recorded: an
//!   exit resumes the interpreter *at* that instruction, which re-executes it from the
//!   restored registers. Re-executing is exact because every snapshot is taken before
//!   its instruction's store (a `SETUPVAL` stores last, after its only guard, the type
//!   check of its operand): stores of earlier instructions are what the interpreter
//!   would have done too, and the store of the exiting instruction has not happened;
//! - the last snapshot is the loop snapshot (pc `start`), as the loop pass requires.
//!
//! # Reads of globals and constant tables
//! `GETGLOBAL k` (the closure's environment) and `GETTABLE t k` on a table that is itself
//! such a read, with a constant string key, become *entry assumptions*: the engine checks
//! them in Rust each time before it enters the trace (the table is the same, the key maps
//! to the same object, or to a number). A GC-object result is then an IR constant; a
//! number is copied by the entry check into the trace's input area and read with an
//! `XLOAD`. This is sound because a trace writes no table and calls nothing that could:
//! while it runs, every table it read keeps its contents.
//!
//! # Upvalues
//! An upvalue the loop body never writes is read through an entry assumption like a
//! global (nothing else runs while the trace does, so it is invariant). An upvalue some
//! `SETUPVAL` of the body writes (found by scanning the body before recording) is
//! *mutable*: the entry check copies the address of its value (its own cell once closed,
//! the stack slot of an outer frame while open) to an input ([`Expect::Address`]); the
//! trace reads it with a typed `ULOAD` and writes it with `USTORE` through `UREF` of that
//! input. Within an iteration a read after a write takes the written value (the
//! recorder's shadow, since the VM's upvalue is not written while recording); across
//! iterations `opt::fwd` forwards the previous iteration's `USTORE` to the body's
//! `ULOAD` (a loop-carried value, a PHI), and a store of another type makes the loop
//! unstable. Upvalues open on the running frame itself are refused (their slot would be
//! written behind the slot map's back), as is a write to an upvalue read as invariant in
//! the same iteration. The GC is stop-the-world and never runs inside a trace, and has no
//! write barrier, so storing an object into an upvalue needs none.
//!
//! # Integer loop indices
//! A numeric `for` loop whose body indexes tables with its variable (or the variable
//! plus a constant) and whose index, limit and step are integers is recorded with an
//! `int` index (see `forloop_int`): stack slots still hold doubles (snapshots box the
//! `int`), the body's first iteration reads the variable as a double, and the loop pass
//! turns later reads into conversions of the `int`, which fold away where the value
//! becomes an array index (`opt::fold` narrows `i + k` too). Measured with
//! `a64count`: an array sum `s = s + t[i]` runs 19 instead of 24 instructions per
//! iteration.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::bytecode::{index_k, is_k, Instr, Op as BcOp};
use crate::gc::Kind as GcKind;
use crate::jit::ir::{Call, Fpm, IrError, IrT, IrType, Op, Ref, SloadFlags, Trace};
use crate::jit::snapshot::SlotMap;
use crate::object::{NativeFunction, Proto, Table, UpVal};
use crate::value::{tag, Value};
use crate::vm::meta::lua_mod;

/// Why a recording stopped (each is one `-jv` abort message).
#[derive(Clone, Debug, PartialEq)]
pub enum Abort {
    /// A bytecode the recorder does not handle (its name).
    Nyi(&'static str),
    /// An operand of a type the recorder does not handle.
    BadType(&'static str),
    /// Recording left the loop (a jump or a loop exit out of the body).
    LeftLoop,
    /// An inner loop was reached.
    InnerLoop,
    /// Too many bytecodes recorded.
    TooLong,
    /// The IR refused (limits, a guard that always fails).
    Ir(IrError),
    /// The loop pass could not close the loop (type instability).
    Unstable,
    /// Machine code could not be produced.
    Emit(String),
}

impl core::fmt::Display for Abort {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Abort::Nyi(op) => write!(f, "NYI: bytecode {op}"),
            Abort::BadType(what) => write!(f, "NYI: {what}"),
            Abort::LeftLoop => f.write_str("loop left during recording"),
            Abort::InnerLoop => f.write_str("inner loop in root trace"),
            Abort::TooLong => f.write_str("trace too long"),
            Abort::Ir(e) => write!(f, "{e}"),
            Abort::Unstable => f.write_str("loop unroll limit reached"),
            Abort::Emit(e) => write!(f, "machine code: {e}"),
        }
    }
}

impl From<IrError> for Abort {
    fn from(e: IrError) -> Abort {
        Abort::Ir(e)
    }
}

/// What an entry assumption expects of `table[key]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expect {
    /// Exactly this value (a GC object, a boolean or nil): the trace uses it as a constant.
    Same(Value),
    /// Some number, copied to input `n` of the trace.
    Number(u16),
    /// Nothing about the value: the address where it lives (an upvalue's value cell, or
    /// its stack slot while open) is copied to input `n`, and the trace loads and stores
    /// through it (upvalues the loop writes, see the module doc).
    Address(u16),
}

/// Where an entry assumption reads its value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TableSrc {
    /// `key` in the running closure's environment.
    Env,
    /// `key` in this table (itself the result of an earlier assumption, checked first).
    Const(*mut Table),
    /// Upvalue `n` of the running closure (`key` unused).
    Upvalue(u8),
}

/// One entry assumption: `src[key]` as expected (see the module doc).
#[derive(Clone, Copy, Debug)]
pub struct Assumption {
    /// The table.
    pub src: TableSrc,
    /// The key (an interned string constant of the prototype).
    pub key: Value,
    /// The expected value.
    pub expect: Expect,
}

/// A recorded, not yet optimized trace.
pub struct Recording {
    /// The IR (one iteration, last snapshot the loop snapshot).
    pub trace: Trace,
    /// Assumptions checked at every entry.
    pub assumptions: Vec<Assumption>,
    /// Environment table at record time (checked at entry when assumptions use it).
    pub env: *mut Table,
    /// The bytecodes recorded, with their pcs (for `-jdump`).
    pub bytecode: Vec<(usize, Instr)>,
    /// Number of input slots the assumptions fill.
    pub ninputs: u16,
    /// Natives whose identity the trace guards (its code compares with their address):
    /// the engine keeps them alive, so no other object can take their address.
    pub guarded_natives: Vec<Value>,
}

/// Maximum number of inputs of one trace.
pub const MAX_INPUTS: usize = 64;

/// A traced value: its IR ref and its live value.
#[derive(Clone, Copy)]
struct Tv {
    r: Ref,
    v: Value,
}

struct Recorder<'a> {
    t: Trace,
    slots: SlotMap,
    shadow: Vec<Value>,
    proto: &'a Proto,
    env: *mut Table,
    start: usize,
    top: i16,
    assumptions: Vec<Assumption>,
    /// Origin of GC constants made from assumptions (for `GETTABLE` on them).
    const_tables: Vec<(Ref, *mut Table)>,
    /// See [`Recording::guarded_natives`].
    guarded_natives: Vec<Value>,
    bytecode: Vec<(usize, Instr)>,
    ninputs: u16,
    inputs_addr: u64,
    /// The bytecode being recorded (exits of its guards resume there).
    pc: usize,
    /// The running closure's upvalues.
    upvals: &'a [*mut UpVal],
    /// The running thread and the frame's base (stack index): open upvalues at or above
    /// it are the frame's own registers.
    thread: *mut crate::object::Thread,
    base: usize,
    /// Per upvalue of the running closure (see "Upvalues" in the module doc).
    uv: Vec<UpvalState>,
    /// The loop is a numeric `for` whose body indexes tables with its variable.
    narrow_index: bool,
}

/// What the recording knows of one upvalue of the running closure.
#[derive(Clone, Copy, Default)]
struct UpvalState {
    /// The loop body writes it: reads and writes go through memory (`ULOAD`/`USTORE`).
    mutable: bool,
    /// Read through an entry assumption (as a constant or an input): it must not be
    /// written by this trace.
    assumed: bool,
    /// Its address (`UREF`), once needed.
    addr: Option<Ref>,
    /// The value written by this iteration so far (the shadow of the upvalue: the VM's
    /// upvalue is never written while recording).
    written: Option<Tv>,
}

/// The IR type of a live value, if the recorder handles it.
fn ir_type(v: Value) -> Option<IrType> {
    if v.is_num() {
        return Some(IrType::NUM);
    }
    match v.tag() {
        tag::NIL => Some(IrType::NIL),
        tag::FALSE => Some(IrType::FALSE),
        tag::TRUE => Some(IrType::TRUE),
        tag::STR => Some(IrType::STR),
        tag::TABLE => Some(IrType::TAB),
        tag::FUNC => Some(IrType::FUNC),
        _ => None,
    }
}

/// The fast functions a trace inlines, by the name their native carries.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fast {
    /// One argument, an `FPMATH` (inline or a helper call).
    Fpm(Fpm),
    Abs,
    Min,
    Max,
    /// `math.pow`: the `^` operator.
    Pow,
    /// A pure helper call with `nargs()` arguments.
    Call(Call),
    /// `math.deg`/`math.rad`: a multiplication by this constant.
    Scale(f64),
}

/// The fast function a value is, if any: a plain native of the `math` library.
///
/// Natives are identified by the name they were created with; the value itself is
/// guarded at every trace entry (it comes from an entry assumption), so a user function
/// can only be mistaken for one if it is a native created under the same name.
fn fast_function(f: Value) -> Option<Fast> {
    if !f.is_func() {
        return None;
    }
    // SAFETY: a function value points to a live function object whose header says
    // which kind it is.
    let hdr = unsafe { &*f.ptr::<crate::gc::GcHeader>() };
    if hdr.kind != GcKind::NativeFn {
        return None;
    }
    // SAFETY: checked just above that it is a native function.
    let nf = unsafe { &*f.ptr::<NativeFunction>() };
    if nf.kind != crate::object::NativeKind::Normal || !nf.upvals.is_empty() {
        return None;
    }
    Some(match nf.name {
        "floor" => Fast::Fpm(Fpm::FLOOR),
        "ceil" => Fast::Fpm(Fpm::CEIL),
        "sqrt" => Fast::Fpm(Fpm::SQRT),
        "abs" => Fast::Abs,
        "min" => Fast::Min,
        "max" => Fast::Max,
        "log" => Fast::Fpm(Fpm::LOG),
        "log10" => Fast::Fpm(Fpm::LOG10),
        "exp" => Fast::Fpm(Fpm::EXP),
        "sin" => Fast::Fpm(Fpm::SIN),
        "cos" => Fast::Fpm(Fpm::COS),
        "tan" => Fast::Fpm(Fpm::TAN),
        "asin" => Fast::Call(Call::ASIN),
        "acos" => Fast::Call(Call::ACOS),
        "atan" => Fast::Call(Call::ATAN),
        "sinh" => Fast::Call(Call::SINH),
        "cosh" => Fast::Call(Call::COSH),
        "tanh" => Fast::Call(Call::TANH),
        "atan2" => Fast::Call(Call::ATAN2),
        "fmod" | "mod" => Fast::Call(Call::FMOD),
        "ldexp" => Fast::Call(Call::LDEXP),
        "pow" => Fast::Pow,
        "deg" => Fast::Scale(crate::stdlib::math::deg(1.0)),
        "rad" => Fast::Scale(crate::stdlib::math::rad(1.0)),
        _ => return None,
    })
}

/// Whether `v` is a native the recorder inlines.
pub fn is_fast_function(v: Value) -> bool {
    fast_function(v).is_some()
}

/// Records one iteration of the loop of `proto` (run by a closure with environment
/// `env`) whose body starts at `start`, from the live registers `regs` (the frame's
/// registers, `max_stack` of them).
#[allow(clippy::too_many_arguments)]
pub fn record(
    proto: &Proto,
    env: *mut Table,
    upvals: &[*mut UpVal],
    thread: *mut crate::object::Thread,
    base: usize,
    regs: &[Value],
    start: usize,
    limits: crate::jit::ir::Limits,
    passes: crate::jit::opt::Passes,
    inputs_addr: u64,
) -> Result<Recording, Abort> {
    let mut r = Recorder {
        t: Trace::new(passes, limits),
        slots: SlotMap::new(),
        shadow: regs.to_vec(),
        proto,
        env,
        start,
        top: proto.max_stack as i16,
        assumptions: Vec::new(),
        const_tables: Vec::new(),
        guarded_natives: Vec::new(),
        bytecode: Vec::new(),
        ninputs: 0,
        inputs_addr,
        pc: start,
        upvals,
        thread,
        base,
        uv: vec![UpvalState::default(); upvals.len()],
        narrow_index: false,
    };
    let body = loop_body(proto, start);
    r.narrow_index = indexes_with_variable(body);
    for n in written_upvalues(body) {
        if let Some(u) = r.uv.get_mut(n) {
            u.mutable = true;
        }
    }
    r.run()?;
    Ok(Recording {
        trace: r.t,
        assumptions: r.assumptions,
        env,
        bytecode: r.bytecode,
        ninputs: r.ninputs,
        guarded_natives: r.guarded_natives,
    })
}

/// The bytecode of the loop body starting at `start`: from `start` to the first back-edge
/// (`FORLOOP`/`LOOP`) jumping to `start`, or to the end of the code when there is none.
fn loop_body(proto: &Proto, start: usize) -> &[Instr] {
    let code = &proto.code;
    let end = (start..code.len())
        .find(|&pc| {
            let i = code[pc];
            matches!(i.op(), BcOp::FORLOOP | BcOp::LOOP)
                && pc as isize + 1 + i.sbx() as isize == start as isize
        })
        .unwrap_or(code.len().saturating_sub(1));
    code.get(start..=end).unwrap_or(&[])
}

/// The upvalues that `SETUPVAL`s of the loop body write.
fn written_upvalues(body: &[Instr]) -> Vec<usize> {
    body.iter()
        .filter(|i| i.op() == BcOp::SETUPVAL)
        .map(|i| i.b() as usize)
        .collect()
}

/// Whether a numeric `for` loop body indexes a table with its variable (`t[i]`,
/// `t[i] = v`) or the variable plus or minus a constant (`t[i + 1]`): only then does an
/// integer index pay (see `forloop_int`). A heuristic on the bytecode: a register
/// computed as `i + k` anywhere in the body counts as such a key.
fn indexes_with_variable(body: &[Instr]) -> bool {
    let Some(last) = body.last().filter(|i| i.op() == BcOp::FORLOOP) else {
        return false;
    };
    let var = last.a() + 3;
    let offsets: Vec<u32> = body
        .iter()
        .filter(|i| match i.op() {
            BcOp::ADD => (i.b() == var && is_k(i.c())) || (i.c() == var && is_k(i.b())),
            BcOp::SUB => i.b() == var && is_k(i.c()),
            _ => false,
        })
        .map(|i| i.a())
        .collect();
    let is_key = |r: u32| r == var || offsets.contains(&r);
    body.iter().any(|i| match i.op() {
        BcOp::GETTABLE => !is_k(i.c()) && is_key(i.c()),
        BcOp::SETTABLE => !is_k(i.b()) && is_key(i.b()),
        _ => false,
    })
}

impl Recorder<'_> {
    fn run(&mut self) -> Result<(), Abort> {
        let code = &self.proto.code;
        let mut pc = self.start;
        let max = self.t.limits.max_ins.max(1);
        loop {
            if self.bytecode.len() >= max {
                return Err(Abort::TooLong);
            }
            let Some(&i) = code.get(pc) else {
                return Err(Abort::LeftLoop);
            };
            self.bytecode.push((pc, i));
            self.pc = pc;
            match self.ins(pc, i)? {
                Next::Pc(n) => {
                    if n < self.start || n >= code.len() {
                        return Err(Abort::LeftLoop);
                    }
                    pc = n;
                }
                Next::Closed => return Ok(()),
            }
        }
    }

    /// A register's traced value (loading it from the VM stack the first time).
    fn reg(&mut self, s: u32) -> Result<Tv, Abort> {
        let v = *self
            .shadow
            .get(s as usize)
            .ok_or(Abort::BadType("register"))?;
        let ty = ir_type(v).ok_or(Abort::BadType("slot type"))?;
        if self.slots.get(s as i16).is_none() {
            // The type check of the load exits to the instruction being recorded.
            self.snapshot(self.pc)?;
        }
        let r = self
            .slots
            .read(&mut self.t, s as i16, ty, SloadFlags::TYPECHECK)?;
        Ok(Tv { r, v })
    }

    fn set(&mut self, s: u32, tv: Tv) -> Result<(), Abort> {
        let slot = self
            .shadow
            .get_mut(s as usize)
            .ok_or(Abort::BadType("register"))?;
        *slot = tv.v;
        self.slots.set(s as i16, tv.r);
        Ok(())
    }

    /// The IR constant of a Lua value (numbers, booleans, nil, strings, tables, functions).
    fn konst(&mut self, v: Value) -> Result<Ref, Abort> {
        let ty = ir_type(v).ok_or(Abort::BadType("constant type"))?;
        Ok(match ty {
            IrType::NUM => self.t.knum(v.num_unchecked())?,
            IrType::NIL | IrType::FALSE | IrType::TRUE => Trace::kpri(ty),
            _ => {
                let label = format!("{}:{:#x}", ty.name(), v.payload());
                self.t.kgc(ty, v.payload(), label)?
            }
        })
    }

    fn rk(&mut self, x: u32) -> Result<Tv, Abort> {
        if is_k(x) {
            let v = self.proto.consts[index_k(x) as usize];
            Ok(Tv {
                r: self.konst(v)?,
                v,
            })
        } else {
            self.reg(x)
        }
    }

    fn snapshot(&mut self, pc: usize) -> Result<(), Abort> {
        let s = self.slots.snapshot(pc as u32, self.top);
        self.t.push_snapshot(s)?;
        Ok(())
    }

    /// A guard that holds on the recorded path, exiting to `pc`.
    fn guard(&mut self, pc: usize, op: Op, a: Ref, b: Ref) -> Result<(), Abort> {
        self.snapshot(pc)?;
        self.t.guard(op, a, b)?;
        Ok(())
    }

    fn num2(&mut self, b: u32, c: u32) -> Result<(Tv, Tv), Abort> {
        let (x, y) = (self.rk(b)?, self.rk(c)?);
        if !(x.v.is_num() && y.v.is_num()) {
            return Err(Abort::BadType("arithmetic on a non-number"));
        }
        Ok((x, y))
    }

    fn arith(&mut self, op: Op, x: Tv, y: Tv, v: f64) -> Result<Tv, Abort> {
        let r = self.t.emit_rr(op, IrType::NUM, x.r, y.r)?;
        Ok(Tv {
            r,
            v: Value::num(v),
        })
    }

    /// `src[key]` through an entry assumption.
    fn assume(&mut self, src: TableSrc, key: Value) -> Result<Tv, Abort> {
        let v = match src {
            TableSrc::Upvalue(n) => {
                let uv = *self
                    .upvals
                    .get(n as usize)
                    .ok_or(Abort::BadType("upvalue"))?;
                // SAFETY: the running closure's upvalues are live, and `v` points to the
                // value (on the stack while open, in the upvalue once closed).
                unsafe { *(*uv).v }
            }
            TableSrc::Env | TableSrc::Const(_) => {
                let table = match src {
                    TableSrc::Const(t) => t,
                    _ => self.env,
                };
                if !key.is_str() || table.is_null() {
                    return Err(Abort::BadType("table key"));
                }
                // SAFETY: the environment and tables reached from it through assumptions
                // are live tables (the closure and the recorded constants keep them alive).
                let tab = unsafe { &*table };
                let v = tab.get(key);
                if v.is_nil() && !tab.meta.is_null() {
                    return Err(Abort::BadType("__index on a global or constant table"));
                }
                v
            }
        };
        if v.is_num() {
            if self.ninputs as usize >= MAX_INPUTS {
                return Err(Abort::BadType("too many inputs"));
            }
            let n = self.ninputs;
            self.ninputs += 1;
            self.assumptions.push(Assumption {
                src,
                key,
                expect: Expect::Number(n),
            });
            let addr = self.inputs_addr + 8 * n as u64;
            let p = self.t.kptr(addr, Some(format!("input{n}")))?;
            let r = self.t.emit(Op::XLOAD, IrT::new(IrType::NUM), p.0, 0)?;
            return Ok(Tv { r, v });
        }
        self.assumptions.push(Assumption {
            src,
            key,
            expect: Expect::Same(v),
        });
        let r = self.konst(v)?;
        if v.is_table() {
            self.const_tables.push((r, v.ptr::<Table>()));
        }
        Ok(Tv { r, v })
    }

    fn ins(&mut self, pc: usize, i: Instr) -> Result<Next, Abort> {
        let a = i.a();
        let next = Next::Pc(pc + 1);
        match i.op() {
            BcOp::MOVE => {
                let v = self.reg(i.b())?;
                self.set(a, v)?;
            }
            BcOp::LOADK => {
                let v = self.proto.consts[i.bx() as usize];
                let r = self.konst(v)?;
                self.set(a, Tv { r, v })?;
            }
            BcOp::LOADBOOL => {
                let v = Value::boolean(i.b() != 0);
                let r = self.konst(v)?;
                self.set(a, Tv { r, v })?;
                if i.c() != 0 {
                    return Ok(Next::Pc(pc + 2));
                }
            }
            BcOp::LOADNIL => {
                for s in a..=i.b() {
                    self.set(
                        s,
                        Tv {
                            r: Ref::NIL,
                            v: Value::NIL,
                        },
                    )?;
                }
            }
            BcOp::GETGLOBAL => {
                let key = self.proto.consts[i.bx() as usize];
                let v = self.assume(TableSrc::Env, key)?;
                self.set(a, v)?;
            }
            BcOp::GETUPVAL => {
                let v = self.get_upval(i.b() as usize)?;
                self.set(a, v)?;
            }
            BcOp::SETUPVAL => {
                let x = self.reg(a)?;
                self.set_upval(i.b() as usize, x)?;
            }
            BcOp::GETTABLE
                if self
                    .shadow
                    .get(i.b() as usize)
                    .is_some_and(|v| v.is_table())
                    && !(is_k(i.c())
                        && self.proto.consts[index_k(i.c()) as usize].is_str()
                        && self
                            .const_tables
                            .iter()
                            .any(|(r, _)| Some(*r) == self.slots.get(i.b() as i16))) =>
            {
                let t = self.reg(i.b())?;
                let k = self.rk(i.c())?;
                let v = self.table_read(t, k)?;
                self.set(a, v)?;
            }
            BcOp::GETTABLE => {
                let t = self.reg(i.b())?;
                let tab = self
                    .const_tables
                    .iter()
                    .find(|(r, _)| *r == t.r)
                    .map(|(_, p)| *p)
                    .ok_or(Abort::BadType("table read"))?;
                if !is_k(i.c()) {
                    return Err(Abort::BadType("table read with a variable key"));
                }
                let key = self.proto.consts[index_k(i.c()) as usize];
                let v = self.assume(TableSrc::Const(tab), key)?;
                self.set(a, v)?;
            }
            BcOp::ADD | BcOp::SUB | BcOp::MUL | BcOp::DIV | BcOp::MOD | BcOp::POW => {
                let (x, y) = self.num2(i.b(), i.c())?;
                let (p, q) = (x.v.num_unchecked(), y.v.num_unchecked());
                let (op, v) = match i.op() {
                    BcOp::ADD => (Op::ADD, p + q),
                    BcOp::SUB => (Op::SUB, p - q),
                    BcOp::MUL => (Op::MUL, p * q),
                    BcOp::DIV => (Op::DIV, p / q),
                    BcOp::MOD => (Op::MOD, lua_mod(p, q)),
                    _ => (Op::POW, crate::jit::vm_pow(p, q)),
                };
                let tv = self.arith(op, x, y, v)?;
                self.set(a, tv)?;
            }
            BcOp::UNM => {
                let x = self.reg(i.b())?;
                if !x.v.is_num() {
                    return Err(Abort::BadType("arithmetic on a non-number"));
                }
                let r = self.t.emit_r(Op::NEG, IrType::NUM, x.r)?;
                self.set(
                    a,
                    Tv {
                        r,
                        v: Value::num(-x.v.num_unchecked()),
                    },
                )?;
            }
            BcOp::NOT => {
                let x = self.reg(i.b())?;
                if x.v.is_num() || x.v.is_gc() {
                    self.set(
                        a,
                        Tv {
                            r: Ref::FALSE,
                            v: Value::FALSE,
                        },
                    )?;
                } else {
                    // nil/false/true: the slot's type (guarded) is its value.
                    let v = Value::boolean(x.v.is_falsy());
                    let r = self.konst(v)?;
                    self.set(a, Tv { r, v })?;
                }
            }
            BcOp::LEN => {
                let x = self.reg(i.b())?;
                if !x.v.is_table() {
                    return Err(Abort::BadType("length of a non-table"));
                }
                // SAFETY: a table value points to a live table.
                let n = unsafe { (*x.v.ptr::<Table>()).length() };
                if n > i32::MAX as usize {
                    return Err(Abort::BadType("table length"));
                }
                let len = self.t.call(crate::jit::ir::Call::TAB_LEN, &[x.r])?;
                let conv = crate::jit::ir::Conv::new(IrType::NUM, IrType::INT, false);
                let r = self.t.emit_rl(Op::CONV, IrType::NUM, len, conv.0)?;
                self.set(
                    a,
                    Tv {
                        r,
                        v: Value::num(n as f64),
                    },
                )?;
            }
            BcOp::JMP => return Ok(Next::Pc((pc as isize + 1 + i.sbx() as isize) as usize)),
            BcOp::EQ | BcOp::LT | BcOp::LE => {
                let (x, y) = (self.rk(i.b())?, self.rk(i.c())?);
                let holds = match (i.op(), x.v.as_num(), y.v.as_num()) {
                    (BcOp::LT, Some(p), Some(q)) => p < q,
                    (BcOp::LE, Some(p), Some(q)) => p <= q,
                    (BcOp::EQ, Some(p), Some(q)) => p == q,
                    _ => return Err(Abort::BadType("comparison of non-numbers")),
                };
                let op = match i.op() {
                    BcOp::LT => Op::LT,
                    BcOp::LE => Op::LE,
                    _ => Op::EQ,
                };
                let op = if holds { op } else { op.negate_num() };
                self.guard(pc, op, x.r, y.r)?;
                // "if (b op c) ~= A then pc++": skip the jump that follows.
                return Ok(Next::Pc(if holds != (a != 0) { pc + 2 } else { pc + 1 }));
            }
            BcOp::TEST => {
                // The slot's type is guarded by its load: numbers and objects are true,
                // nil/false/true are typed by their value. No further guard is needed.
                let x = self.reg(a)?;
                let truthy = x.v.is_truthy();
                return Ok(Next::Pc(if truthy != (i.c() != 0) {
                    pc + 2
                } else {
                    pc + 1
                }));
            }
            BcOp::TESTSET => {
                let x = self.reg(i.b())?;
                if x.v.is_truthy() == (i.c() != 0) {
                    self.set(a, x)?;
                    return Ok(Next::Pc(pc + 1));
                }
                return Ok(Next::Pc(pc + 2));
            }
            BcOp::CALL => return self.call(pc, i),
            BcOp::FORLOOP => return self.forloop(pc, i),
            BcOp::LOOP => {
                let target = (pc as isize + 1 + i.sbx() as isize) as usize;
                if target != self.start {
                    return Err(Abort::InnerLoop);
                }
                self.close_loop()?;
                return Ok(Next::Closed);
            }
            BcOp::FORPREP | BcOp::TFORCALL | BcOp::TFORLOOP => return Err(Abort::InnerLoop),
            op => return Err(Abort::Nyi(op.name())),
        }
        Ok(next)
    }

    /// The running closure's upvalue `n`, refusing one open on the running frame: its
    /// stack slot is one of the frame's registers, which the trace keeps in the slot map
    /// and writes only at exits, so a load or store through the upvalue would miss them.
    /// (It cannot happen for a closure run by the interpreter: a closure's upvalues
    /// belong to the frames that created it, below it on the stack, or are closed; the
    /// check keeps the recorder sound should that change.)
    fn upval(&self, n: usize) -> Result<*mut UpVal, Abort> {
        let uv = *self.upvals.get(n).ok_or(Abort::BadType("upvalue"))?;
        // SAFETY: the running closure's upvalues are live.
        let own =
            unsafe { (*uv).is_open() && (*uv).owner == self.thread && (*uv).index >= self.base };
        if own {
            return Err(Abort::BadType("upvalue of the running frame"));
        }
        Ok(uv)
    }

    /// The address of upvalue `n`'s value (`UREF`), filled in at entry (see
    /// [`Expect::Address`]).
    fn upval_addr(&mut self, n: usize) -> Result<Ref, Abort> {
        if let Some(r) = self.uv[n].addr {
            return Ok(r);
        }
        if self.ninputs as usize >= MAX_INPUTS {
            return Err(Abort::BadType("too many inputs"));
        }
        let k = self.ninputs;
        self.ninputs += 1;
        self.assumptions.push(Assumption {
            src: TableSrc::Upvalue(n as u8),
            key: Value::NIL,
            expect: Expect::Address(k),
        });
        let cell = self
            .t
            .kptr(self.inputs_addr + 8 * k as u64, Some(format!("input{k}")))?;
        let r = self.t.emit_rl(Op::UREF, IrType::PTR, cell, n as u16)?;
        self.uv[n].addr = Some(r);
        Ok(r)
    }

    /// `GETUPVAL`: the value this iteration wrote, else a typed load for an upvalue the
    /// loop writes, else an entry assumption (invariant while the trace runs).
    fn get_upval(&mut self, n: usize) -> Result<Tv, Abort> {
        let uv = self.upval(n)?;
        if let Some(tv) = self.uv[n].written {
            return Ok(tv);
        }
        if !self.uv[n].mutable {
            self.uv[n].assumed = true;
            return self.assume(TableSrc::Upvalue(n as u8), Value::NIL);
        }
        // SAFETY: the running closure's upvalues are live and `v` points to the value.
        let v = unsafe { *(*uv).v };
        let ty = ir_type(v).ok_or(Abort::BadType("upvalue type"))?;
        let addr = self.upval_addr(n)?;
        // The type guard exits to the GETUPVAL, which reads the same upvalue again.
        self.snapshot(self.pc)?;
        let r = self.t.load_guarded(Op::ULOAD, ty, addr)?;
        Ok(Tv { r, v })
    }

    /// `SETUPVAL`: store `x` to upvalue `n` (the VM's upvalue is untouched: the value
    /// goes to the shadow). No guard follows the store within this bytecode, so every
    /// exit sees memory exactly as the interpreter would have left it at its pc.
    fn set_upval(&mut self, n: usize, x: Tv) -> Result<(), Abort> {
        let uv = self.upval(n)?;
        if self.uv[n].assumed {
            // Read as invariant earlier in this iteration: the trace would not see its
            // own write there in the next iteration.
            return Err(Abort::BadType("upvalue written after an invariant read"));
        }
        if self
            .upvals
            .iter()
            .enumerate()
            .any(|(m, u)| m != n && *u == uv)
        {
            return Err(Abort::BadType("aliased upvalues"));
        }
        self.uv[n].mutable = true;
        let ty = ir_type(x.v).ok_or(Abort::BadType("upvalue type"))?;
        // Values of nil/false/true have no register: store the constant of their type.
        let val = if ty.is_pri() { Trace::kpri(ty) } else { x.r };
        let addr = self.upval_addr(n)?;
        self.t
            .emit(Op::USTORE, IrT::new(IrType::NIL), addr.0, val.0)?;
        self.uv[n].written = Some(x);
        Ok(())
    }

    /// `t[k]` on a table held in a slot: an array read (`k` an integer within the array
    /// part) or a small-string-map read (`k` a string in `skeys`). Only reads of non-nil
    /// values are recorded (a nil would consult the metatable), so the typed load's guard
    /// also proves no metamethod is involved.
    fn table_read(&mut self, t: Tv, k: Tv) -> Result<Tv, Abort> {
        use crate::jit::ir::{Conv, Field};
        // SAFETY: a table value points to a live table (it is in a register).
        let tab = unsafe { &*t.v.ptr::<Table>() };
        if let Some(n) = k.v.as_num() {
            let idx = n as i64;
            if idx as f64 != n || idx < 1 || idx > tab.asize as i64 {
                return Err(Abort::BadType("table read outside the array part"));
            }
            let v = tab.get_int(idx);
            let ty = ir_type(v).ok_or(Abort::BadType("table value type"))?;
            if v.is_nil() {
                return Err(Abort::BadType("read of a nil array slot"));
            }
            self.snapshot(self.pc)?;
            let conv = Conv::new(IrType::INT, IrType::NUM, true);
            let i = self
                .t
                .emit(Op::CONV, IrT::guarded(IrType::INT), k.r.0, conv.0)?;
            let one = self.t.kint(1)?;
            let i0 = self.t.emit_rr(Op::SUB, IrType::INT, i, one)?;
            let size = self
                .t
                .emit_rl(Op::FLOAD, IrType::INT, t.r, Field::TAB_ASIZE as u16)?;
            self.t.guard(Op::ABC, size, i0)?;
            let arr = self
                .t
                .emit_rl(Op::FLOAD, IrType::PTR, t.r, Field::TAB_ARRAY as u16)?;
            let addr = self.t.emit_rr(Op::AREF, IrType::PTR, arr, i0)?;
            let r = self.t.load_guarded(Op::ALOAD, ty, addr)?;
            return Ok(Tv { r, v });
        }
        if k.v.is_str() && k.r.is_const() {
            let key = k.v.ptr::<crate::object::LuaStr>();
            let n = tab.nskeys as usize;
            let slot = (0..n.min(tab.skeys.len()))
                .find(|&j| tab.skeys[j] == key)
                .ok_or(Abort::BadType("field outside the small string map"))?;
            let v = tab.svals[slot];
            let ty = ir_type(v).ok_or(Abort::BadType("table value type"))?;
            if v.is_nil() {
                return Err(Abort::BadType("read of a nil field"));
            }
            self.snapshot(self.pc)?;
            let ks = self.t.kslot(k.r, slot as u16)?;
            let addr = self
                .t
                .emit(Op::HREFK, IrT::guarded(IrType::PTR), t.r.0, ks.0)?;
            let r = self.t.load_guarded(Op::HLOAD, ty, addr)?;
            return Ok(Tv { r, v });
        }
        Err(Abort::BadType("table key type"))
    }

    fn close_loop(&mut self) -> Result<(), Abort> {
        self.snapshot(self.start)?;
        Ok(())
    }

    /// `FORLOOP` closing the recorded loop: `idx += step; guard idx <= limit` (or `>=`
    /// for a negative step), then the loop snapshot.
    fn forloop(&mut self, pc: usize, i: Instr) -> Result<Next, Abort> {
        let a = i.a();
        let target = (pc as isize + 1 + i.sbx() as isize) as usize;
        if target != self.start {
            return Err(Abort::InnerLoop);
        }
        let idx = self.reg(a)?;
        let limit = self.reg(a + 1)?;
        let step = self.reg(a + 2)?;
        let (Some(iv), Some(lv), Some(sv)) = (idx.v.as_num(), limit.v.as_num(), step.v.as_num())
        else {
            return Err(Abort::BadType("for loop control"));
        };
        if let Some(next) = self.forloop_int(pc, a, [idx, limit, step])? {
            return Ok(next);
        }
        let zero = self.t.knum(0.0)?;
        // The direction is fixed for the trace: guard the step's sign (invariant).
        let up = sv > 0.0;
        self.guard(pc, if up { Op::GT } else { Op::LE }, step.r, zero)?;
        let nv = iv + sv;
        let continues = if up { nv <= lv } else { lv <= nv };
        if !continues {
            return Err(Abort::LeftLoop);
        }
        let n = self.t.emit_rr(Op::ADD, IrType::NUM, idx.r, step.r)?;
        let tv = Tv {
            r: n,
            v: Value::num(nv),
        };
        self.set(a, tv)?;
        self.set(a + 3, tv)?;
        // The loop-exit guard resumes *after* the loop, with the new index in the
        // (then dead) control slots: the old index is not kept alive beside the new one
        // for the snapshot's sake, which saves a register move per iteration.
        self.guard(pc + 1, if up { Op::LE } else { Op::GE }, n, limit.r)?;
        self.close_loop()?;
        Ok(Next::Closed)
    }

    /// `FORLOOP` with the index narrowed to an integer, when the body indexes tables with
    /// the loop variable and index, limit and step are integers (in the `int` range) and
    /// `limit + step` is too: the index is then an `int` in the trace (array indexing
    /// uses it without conversion, saving a checked conversion per access; arithmetic on
    /// it converts it with one `scvtf`). Loops that do not index pay for it once per
    /// entry (the checked conversions of limit and step) and gain nothing: a short inner
    /// loop such as mandelbrot's ran 0.5% more instructions narrowed. The index needs no overflow check: the trace is
    /// entered with `idx <= limit` (a step > 0; `>=` below 0) and continues only while
    /// that holds, so `idx + step` stays between the limits of `limit + step`, which one
    /// invariant `ADDOV` checks before the loop. Exits of the entry guards resume at the
    /// `FORLOOP`, which the interpreter runs on the unchanged slots; the loop-exit guard
    /// resumes after the loop. `None`: not
    /// narrowed (the double version is recorded).
    fn forloop_int(
        &mut self,
        pc: usize,
        a: u32,
        [idx, limit, step]: [Tv; 3],
    ) -> Result<Option<Next>, Abort> {
        use crate::jit::ir::Conv;
        let as_int = |v: Value| {
            v.as_num()
                .filter(|n| *n == (*n as i32) as f64)
                .map(|n| n as i32)
        };
        let (Some(iv), Some(lv), Some(sv)) = (as_int(idx.v), as_int(limit.v), as_int(step.v))
        else {
            return Ok(None);
        };
        let (Some(nv), Some(_)) = (iv.checked_add(sv), lv.checked_add(sv)) else {
            return Ok(None);
        };
        if sv == 0 || !self.narrow_index {
            return Ok(None);
        }
        let up = sv > 0;
        let continues = if up { nv <= lv } else { lv <= nv };
        if !continues {
            return Err(Abort::LeftLoop);
        }
        self.snapshot(pc)?;
        let conv = Conv::new(IrType::INT, IrType::NUM, true).0;
        let int = |t: &mut Trace, r: Ref| t.emit(Op::CONV, IrT::guarded(IrType::INT), r.0, conv);
        let (ii, li, si) = (
            int(&mut self.t, idx.r)?,
            int(&mut self.t, limit.r)?,
            int(&mut self.t, step.r)?,
        );
        let zero = self.t.kint(0)?;
        self.t.guard(if up { Op::GT } else { Op::LT }, si, zero)?;
        self.t
            .emit(Op::ADDOV, IrT::guarded(IrType::INT), li.0, si.0)?;
        let n = self.t.emit_rr(Op::ADD, IrType::INT, ii, si)?;
        let tv = Tv {
            r: n,
            v: Value::num(nv as f64),
        };
        self.set(a, tv)?;
        self.set(a + 3, tv)?;
        // As in `forloop`: the exit resumes after the loop.
        self.guard(pc + 1, if up { Op::LE } else { Op::GE }, n, li)?;
        self.close_loop()?;
        Ok(Some(Next::Closed))
    }

    /// `CALL` of a fast function with number arguments and one result.
    fn call(&mut self, pc: usize, i: Instr) -> Result<Next, Abort> {
        let a = i.a();
        let f = self.reg(a)?;
        let fast = fast_function(f.v).ok_or(Abort::BadType("call of a non-fast function"))?;
        if !f.r.is_const() {
            // A function in a register (`local sin = math.sin`): guard its identity (the
            // slot is invariant in most loops: the guard then stays before the loop).
            let k = self.konst(f.v)?;
            self.guard(pc, Op::EQ, f.r, k)?;
            if !self.guarded_natives.contains(&f.v) {
                self.guarded_natives.push(f.v);
            }
        }
        if i.b() == 0 || i.c() == 0 {
            return Err(Abort::BadType("variable arguments or results"));
        }
        let nargs = i.b() - 1;
        let mut args = Vec::new();
        for s in a + 1..=a + nargs {
            let x = self.reg(s)?;
            if !x.v.is_num() {
                return Err(Abort::BadType("fast function argument"));
            }
            args.push(x);
        }
        let Some(&first) = args.first() else {
            return Err(Abort::BadType("fast function without arguments"));
        };
        let x0 = first.v.num_unchecked();
        let res = match fast {
            Fast::Fpm(m) if args.len() == 1 => {
                let r = self.t.emit_rl(Op::FPMATH, IrType::NUM, first.r, m as u16)?;
                Tv {
                    r,
                    v: Value::num(m.eval(x0)),
                }
            }
            Fast::Pow if args.len() == 2 => {
                let y = args[1].v.num_unchecked();
                self.arith(Op::POW, first, args[1], crate::jit::vm_pow(x0, y))?
            }
            Fast::Call(c) if args.len() == c.nargs() => {
                let xs: Vec<f64> = args.iter().map(|a| a.v.num_unchecked()).collect();
                let refs: Vec<Ref> = args.iter().map(|a| a.r).collect();
                let v = c.eval_num(&xs).ok_or(Abort::BadType("fast function"))?;
                let r = self.t.call(c, &refs)?;
                Tv {
                    r,
                    v: Value::num(v),
                }
            }
            Fast::Scale(k) if args.len() == 1 => {
                let kr = self.t.knum(k)?;
                let r = self.t.emit_rr(Op::MUL, IrType::NUM, first.r, kr)?;
                Tv {
                    r,
                    v: Value::num(x0 * k),
                }
            }
            Fast::Abs if args.len() == 1 => {
                let r = self.t.emit_r(Op::ABS, IrType::NUM, first.r)?;
                Tv {
                    r,
                    v: Value::num(crate::stdlib::math::abs(x0)),
                }
            }
            Fast::Min | Fast::Max => {
                let mut acc = first;
                for y in &args[1..] {
                    let (p, q) = (acc.v.num_unchecked(), y.v.num_unchecked());
                    acc = if fast == Fast::Min {
                        self.arith(Op::MIN, acc, *y, crate::stdlib::math::min2(p, q))?
                    } else {
                        self.arith(Op::MAX, acc, *y, crate::stdlib::math::max2(p, q))?
                    };
                }
                acc
            }
            _ => return Err(Abort::BadType("fast function arity")),
        };
        // Results: the first in A, the others nil (C - 1 wanted).
        let nres = i.c() - 1;
        for k in 0..nres {
            let v = if k == 0 {
                res
            } else {
                Tv {
                    r: Ref::NIL,
                    v: Value::NIL,
                }
            };
            self.set(a + k, v)?;
        }
        Ok(Next::Pc(pc + 1))
    }
}

enum Next {
    Pc(usize),
    Closed,
}

#[cfg(test)]
mod tests {
    use crate::jit::tests::run_script;

    const DUMP: &str = "jit.opt.start('hotloop=1') require('jit.dump').start() \
                        require('jit.v').start()";

    /// The IR section of trace 1 of a `-jdump` output.
    fn ir_of(out: &str) -> &str {
        let start = out.find("---- TRACE 1 IR").unwrap_or(0);
        let end = out[start..]
            .find("---- TRACE 1 mcode")
            .map_or(out.len(), |e| start + e);
        &out[start..end]
    }

    #[test]
    fn setupval_stores_and_the_next_iteration_forwards() {
        let out = run_script(
            "local count = 0 \
             local function bump(n) for i = 1, n do count = count + i end end \
             bump(100) print(count)",
            DUMP,
        );
        assert!(out.ends_with("5050\n"), "{out}");
        let ir = ir_of(&out);
        let (pre, body) = ir.split_once("LOOP").unwrap();
        // The address comes from an input filled at entry, read once before the loop.
        assert!(pre.contains("p64 UREF   input0 #0"), "{ir}");
        assert!(pre.contains(">  num ULOAD"), "{ir}");
        assert_eq!(pre.matches("USTORE").count(), 1, "{ir}");
        // The body stores again but does not load: the previous store is forwarded.
        assert!(!body.contains("ULOAD") && !body.contains("UREF"), "{ir}");
        assert_eq!(body.matches("USTORE").count(), 1, "{ir}");
        assert!(body.contains("num PHI"), "{ir}");
    }

    #[test]
    fn read_after_write_in_one_iteration_uses_the_written_value() {
        let out = run_script(
            "local a, b = 1, 0 \
             local function f(n) for i = 1, n do a = a + 1 b = a * 2 end end \
             f(10) print(a, b)",
            DUMP,
        );
        assert!(out.ends_with("11\t22\n"), "{out}");
        let ir = ir_of(&out);
        // One load (of `a`, before its store); `b` is only stored.
        assert_eq!(ir.matches("ULOAD").count(), 1, "{ir}");
        assert_eq!(ir.matches("UREF").count(), 2, "{ir}");
    }

    #[test]
    fn read_only_upvalues_stay_entry_assumptions() {
        let out = run_script(
            "local k = 3 local s = 0 \
             local function f(n) for i = 1, n do s = s + k end end \
             f(10) print(s)",
            DUMP,
        );
        assert!(out.ends_with("30\n"), "{out}");
        let ir = ir_of(&out);
        assert!(ir.contains("XLOAD"), "k is an input: {ir}");
        assert_eq!(ir.matches("UREF").count(), 1, "{ir}");
    }

    #[test]
    fn upvalue_changing_type_each_iteration_is_unstable() {
        let out = run_script(
            "local u = 1 local n = 0 \
             local function f(m) for i = 1, m do if u then u = nil else u = 1 end n = n + 1 end end \
             f(20) print(u, n)",
            DUMP,
        );
        assert!(out.ends_with("1\t20\n"), "{out}");
        assert!(out.contains("loop unroll limit reached"), "{out}");
    }

    #[test]
    fn integer_for_loops_index_arrays_without_conversion() {
        let out = run_script(
            "local t = {} for i = 1, 50 do t[#t + 1] = i end \
             local s = 0 for i = 1, 50 do s = s + t[i] + i end print(s)",
            DUMP,
        );
        assert!(out.ends_with("2550\n"), "{out}");
        let ir = ir_of(&out);
        let (pre, body) = ir.split_once("LOOP").unwrap();
        // limit + step checked once, before the loop; the index is an int PHI.
        assert!(pre.contains(">  int ADDOV"), "{ir}");
        assert!(!body.contains("ADDOV") && !body.contains("int.num"), "{ir}");
        assert!(body.contains("int PHI"), "{ir}");
        assert!(
            body.contains("num CONV") && body.contains("num.int"),
            "{ir}"
        );
        // A fractional step keeps the double loop.
        let out = run_script(
            "local s = 0 for i = 1, 50, 0.5 do s = s + i end print(s)",
            DUMP,
        );
        assert!(out.ends_with("2524.5\n"), "{out}");
        assert!(!ir_of(&out).contains("int PHI"), "{out}");
    }

    #[test]
    fn math_functions_become_fpmath_and_helper_calls() {
        let out = run_script(
            "local s = 0 local sin = math.sin \
             for i = 1, 20 do \
               local x = i * 0.01 \
               s = s + sin(x) + math.cos(x) + math.tan(x) + math.exp(x) + math.log(x) \
                 + math.log10(x) + math.asin(x) + math.acos(x) + math.atan(x) + math.sinh(x) \
                 + math.cosh(x) + math.tanh(x) + math.fmod(i, 3) + math.atan2(x, 2) \
                 + math.pow(x, 3) + math.ldexp(x, 2) + math.deg(x) + math.rad(x) \
             end print(string.format('%.10f', s))",
            DUMP,
        );
        assert!(out.ends_with("183.6219776377\n"), "{out}");
        let ir = ir_of(&out);
        let (pre, _) = ir.split_once("LOOP").unwrap();
        let calls = |op: &str, f: &str| {
            pre.lines()
                .any(|l| l.contains(op) && l.ends_with(&alloc::format!("  {f}")))
        };
        for f in ["sin", "cos", "tan", "exp", "log", "log10"] {
            assert!(calls("num FPMATH", f), "{f}: {ir}");
        }
        for f in [
            "asin", "acos", "atan", "sinh", "cosh", "tanh", "fmod", "atan2", "ldexp",
        ] {
            assert!(calls("num CALLN", f), "{f}: {ir}");
        }
        assert!(pre.contains("num POW"), "{ir}");
        // `sin` in a register: its identity is guarded once, before the loop.
        assert_eq!(ir.matches(">  nil EQ").count(), 1, "{ir}");
    }

    #[test]
    fn writes_outside_the_body_keep_reads_invariant() {
        // `t` is written after the loop, not in its body: read through an assumption.
        let out = run_script(
            "local t = 5 local s = 0 \
             local function f(n) for i = 1, n do s = s + t end t = 0 end \
             f(10) print(s, t)",
            DUMP,
        );
        assert!(out.ends_with("50\t0\n"), "{out}");
        assert!(ir_of(&out).contains("XLOAD"), "{out}");
    }
}
