//! The trace engine: what happens when a loop gets hot, the trace registry, linking,
//! entering traces and handling their exits, penalties and blacklisting, `-jv`/`-jdump`.
//!
//! # Life of a loop
//! The interpreter counts back-edges; when a loop's counter runs out it calls
//! [`hot_hook`] with the loop's start pc. Per loop (prototype, start pc) the engine keeps a
//! [`LoopState`]:
//! - nothing yet: record ([`crate::jit::record`]), optimize, allocate, emit; on success the
//!   trace is *linked*: the loop is now `Linked` and the hook enters the trace at once and
//!   at every later back-edge (its hot counter is set to fire at every back-edge);
//! - a recording aborts: the loop is `Penalized` with a randomized exponential backoff
//!   (the next attempt waits `penalty` back-edges, doubled plus random bits each time,
//!   LuaJIT's `penalty_pc`); after [`MAX_ATTEMPTS`] failures it is `Blacklisted` and its
//!   counter parked at the maximum, so the interpreter pays one call per 65535 iterations;
//! - a linked trace that leaves during its first iteration most of the time (after
//!   [`EARLY_EXIT_SAMPLE`] entries) is unlinked and the loop penalized the same way: a
//!   trace must never make a program slower.
//!
//! Invariants: machine code only ever runs on AArch64 hosts with executable memory
//! installed ([`Engine::set_code_memory`]); elsewhere traces are recorded, compiled and
//! dumped, and the loop is parked as if blacklisted. Entering a trace first checks its
//! entry assumptions (see `record.rs`); if one fails the trace is not entered. Every GC
//! object a trace depends on (its closure, its constants, the tables of its assumptions)
//! is kept alive in `Vm::roots` for as long as the engine lives.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use alloc::collections::BTreeMap as HashMap;

use crate::host::{CodeMemory, CodeRegion};
use crate::jit::emit;
use crate::jit::exit::{self, ExitState};
use crate::jit::ir::Trace;
use crate::jit::params::Params;
use crate::jit::record::{self, Abort, Expect, Recording, TableSrc};
use crate::jit::regalloc::{self, Allocation};
use crate::object::{LuaFunction, Proto, Table};
use crate::value::{tag, Value};
use crate::vm::Vm;

/// Failed attempts before a loop is blacklisted.
pub const MAX_ATTEMPTS: u8 = 4;
/// Entries of a trace after which its early-exit ratio is judged.
pub const EARLY_EXIT_SAMPLE: u32 = 16;
/// Largest penalty (back-edges before the next attempt).
pub const PENALTY_MAX: u32 = 60000;
/// Size of the code region reserved on first compile.
const CODE_REGION: usize = 1 << 20;

/// What the engine knows of one loop.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LoopState {
    /// Entered through trace number `n`.
    Linked(usize),
    /// Compiled but not runnable here (no AArch64 or no code memory): parked.
    Parked,
    /// Waiting `penalty` back-edges before another attempt (`attempts` failures so far).
    Penalized {
        /// Back-edges to wait.
        penalty: u32,
        /// Failures so far.
        attempts: u8,
    },
    /// Never recorded again.
    Blacklisted,
}

/// One compiled trace.
pub struct TraceEntry {
    /// Trace number (1-based, as `-jv` prints it).
    pub number: usize,
    /// The optimized IR.
    pub trace: Trace,
    /// Its register allocation.
    pub alloc: Allocation,
    /// Entry assumptions.
    pub rec_assumptions: Vec<record::Assumption>,
    /// Environment the assumptions on globals were made in.
    pub env: *mut Table,
    /// Address of the entry point, when the code is executable.
    pub entry: Option<usize>,
    /// Index of the first snapshot of the loop body (exits before it left in the
    /// first iteration).
    pub first_body_snap: usize,
    /// Restore plan of each snapshot.
    pub plans: Vec<exit::RestorePlan>,
    /// Registers above the entry base the trace reads or restores.
    pub nslots: usize,
    /// Times entered since the engine started (for tests and statistics).
    pub total_entries: u64,
    /// Times entered in the current early-exit sample.
    pub entries: u32,
    /// Exits from the first iteration.
    pub early_exits: u32,
    /// The loop it belongs to.
    pub key: (usize, usize),
}

/// The JIT engine of one VM.
pub struct Engine {
    /// `jit.on()`/`jit.off()`.
    pub enabled: bool,
    /// Parameters and flags (`jit.opt.start`).
    pub params: Params,
    /// `-jv`: one line per trace event.
    pub verbose: bool,
    /// `-jdump`: recorded bytecode, IR, machine code.
    pub dump: bool,
    traces: Vec<TraceEntry>,
    loops: HashMap<(usize, usize), LoopState>,
    state: Box<ExitState>,
    mem: Option<Box<dyn CodeMemory>>,
    region: Option<(CodeRegion, usize)>,
    log: Option<LogSink>,
    /// Lines waiting for the VM's output when no log sink is installed.
    pending: String,
    rng: u32,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new()
    }
}

/// Where `-jv`/`-jdump` lines go.
pub type LogSink = Box<dyn FnMut(&str)>;

/// Whether this build can run emitted code at all.
pub const CAN_EXECUTE: bool = cfg!(target_arch = "aarch64");

impl Engine {
    /// An engine with default parameters, JIT on, no code memory.
    pub fn new() -> Engine {
        Engine {
            enabled: true,
            params: Params::default(),
            verbose: false,
            dump: false,
            traces: Vec::new(),
            loops: HashMap::new(),
            state: Box::default(),
            mem: None,
            region: None,
            log: None,
            pending: String::new(),
            rng: 0x2545_f491,
        }
    }

    /// Installs the host's executable memory (traces run only with it, on AArch64).
    pub fn set_code_memory(&mut self, mem: Box<dyn CodeMemory>) {
        self.mem = Some(mem);
    }

    /// Where `-jv`/`-jdump` lines go (default: nowhere).
    pub fn set_log(&mut self, log: LogSink) {
        self.log = Some(log);
    }

    /// The compiled traces.
    pub fn traces(&self) -> &[TraceEntry] {
        &self.traces
    }

    /// The state of the loop of `proto` starting at `pc`.
    pub fn loop_state(&self, proto: *const Proto, pc: usize) -> Option<LoopState> {
        self.loops.get(&(proto as usize, pc)).copied()
    }

    /// Forgets every trace (`jit.flush()`); loops will be recorded again.
    pub fn flush(&mut self) {
        self.traces.clear();
        self.loops.clear();
    }

    fn say(&mut self, line: &str) {
        match self.log.as_mut() {
            Some(log) => log(line),
            None => self.pending.push_str(line),
        }
    }

    fn random_bits(&mut self) -> u32 {
        // xorshift32: cheap, deterministic per engine.
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.rng = x;
        x
    }

    /// Penalizes a loop after a failure; returns the back-edges to wait, or `None` when
    /// it is now blacklisted.
    fn penalize(&mut self, key: (usize, usize), loc: &str) -> Option<u32> {
        let (penalty, attempts) = match self.loops.get(&key).copied() {
            Some(LoopState::Penalized { penalty, attempts }) => (penalty, attempts),
            _ => (36, 0),
        };
        if attempts + 1 >= MAX_ATTEMPTS {
            self.loops.insert(key, LoopState::Blacklisted);
            if self.verbose {
                self.say(&format!("[TRACE --- {loc} -- blacklisted]\n"));
            }
            return None;
        }
        let next = (penalty * 2 + (self.random_bits() & 15)).min(PENALTY_MAX);
        self.loops.insert(
            key,
            LoopState::Penalized {
                penalty: next,
                attempts: attempts + 1,
            },
        );
        Some(next)
    }
}

/// `proto` name and line of `pc` for `-jv` lines (`chunk:line`).
fn location(proto: &Proto, pc: usize) -> String {
    let line = proto.desc.lines.get(pc).copied().unwrap_or(0);
    let src = proto.desc.source.as_str();
    let name = src
        .strip_prefix('@')
        .or(src.strip_prefix('='))
        .unwrap_or(src);
    format!("{name}:{line}")
}

fn set_counter(vm: &mut Vm, proto: *mut Proto, pc: usize, n: u32) {
    let h = crate::vm::hot_index(proto, pc);
    vm.hotcount[h] = n.clamp(1, u16::MAX as u32) as u16;
}

/// The interpreter's hot hook: called at a back-edge whose counter ran out, with the
/// frame's pc saved (`pc` is the loop's start). Returns the pc to continue at when a trace
/// ran (the VM registers then hold the state of the trace's exit).
pub fn hot_hook(vm: &mut Vm, proto: *mut Proto, pc: usize) -> Option<usize> {
    let mut engine = vm.jit.take()?;
    let r = on_hot(vm, &mut engine, proto, pc);
    let lines = core::mem::take(&mut engine.pending);
    vm.jit = Some(engine);
    if !lines.is_empty() {
        vm.write_output(lines.as_bytes());
    }
    r
}

fn on_hot(vm: &mut Vm, e: &mut Engine, proto: *mut Proto, pc: usize) -> Option<usize> {
    if !e.enabled {
        return None;
    }
    let key = (proto as usize, pc);
    match e.loops.get(&key).copied() {
        Some(LoopState::Linked(n)) => {
            let r = enter(vm, e, n);
            // Enter again at the next back-edge.
            set_counter(vm, proto, pc, 1);
            return r;
        }
        Some(LoopState::Parked) | Some(LoopState::Blacklisted) => {
            set_counter(vm, proto, pc, u16::MAX as u32);
            return None;
        }
        Some(LoopState::Penalized { .. }) | None => {}
    }
    // SAFETY: `proto` is the running function's prototype.
    let loc = location(unsafe { &*proto }, pc);
    match compile(vm, e, proto, pc, &loc) {
        Ok(n) => {
            let runnable = e.traces[n].entry.is_some();
            if runnable {
                e.loops.insert(key, LoopState::Linked(n));
                let r = enter(vm, e, n);
                set_counter(vm, proto, pc, 1);
                r
            } else {
                e.loops.insert(key, LoopState::Parked);
                set_counter(vm, proto, pc, u16::MAX as u32);
                None
            }
        }
        Err(why) => {
            if e.verbose {
                e.say(&format!("[TRACE --- {loc} -- {why}]\n"));
            }
            let wait = e.penalize(key, &loc).unwrap_or(u16::MAX as u32);
            set_counter(vm, proto, pc, wait);
            None
        }
    }
}

/// The running closure and its registers.
fn frame(vm: &mut Vm) -> Option<(*mut LuaFunction, *mut Value, usize)> {
    let th = vm.th_mut();
    let f = *th.frames.last()?;
    let func = th.stack.get(f.func).copied()?;
    if !func.is_func() {
        return None;
    }
    let n = th.stack.len().checked_sub(f.base)?;
    // SAFETY: `f.base` is inside the stack (checked just above via `n`).
    let base = unsafe { th.stack.as_mut_ptr().add(f.base) };
    Some((func.ptr::<LuaFunction>(), base, n))
}

fn compile(
    vm: &mut Vm,
    e: &mut Engine,
    proto: *mut Proto,
    pc: usize,
    loc: &str,
) -> Result<usize, Abort> {
    let number = e.traces.len() + 1;
    if number > e.params.maxtrace as usize {
        return Err(Abort::Emit("too many traces".into()));
    }
    if e.verbose {
        e.say(&format!("[TRACE {number:3} start {loc}]\n"));
    }
    let (cl, base, avail) = frame(vm).ok_or(Abort::BadType("frame"))?;
    // SAFETY: `cl` is the running Lua closure.
    if unsafe { (*cl).proto } != proto {
        return Err(Abort::BadType("frame"));
    }
    // SAFETY: as above.
    let nregs = (unsafe { (*proto).max_stack } as usize).min(avail);
    // SAFETY: `base..base + nregs` are the frame's registers, inside the stack.
    let regs = unsafe { core::slice::from_raw_parts(base, nregs) };
    let inputs = e.state.inputs.as_ptr() as u64;
    // SAFETY: `cl` is the running closure and `proto` its prototype, both live while
    // the interpreter runs them.
    let (p, env, upvals) = unsafe { (&*proto, (*cl).env, &(&(*cl).upvals)[..]) };
    let thread = vm.cur;
    let fbase = vm.th().frames.last().map_or(0, |f| f.base);
    let rec: Recording = record::record(
        p,
        env,
        upvals,
        thread,
        fbase,
        regs,
        pc,
        e.params.limits(),
        e.params.flags.passes(),
        inputs,
    )?;
    let trace = rec.trace;
    #[cfg(debug_assertions)]
    crate::jit::ir::verify(&trace).map_err(Abort::Emit)?;
    let (trace, looped) = crate::jit::opt::optimize(trace, true)?;
    if !looped && e.params.flags.r#loop {
        return Err(Abort::Unstable);
    }
    #[cfg(debug_assertions)]
    crate::jit::ir::verify(&trace).map_err(Abort::Emit)?;
    let alloc = regalloc::allocate(&trace);
    // The loop's back-edge charges what the interpreter charges for the instruction that
    // closes it (the last one recorded).
    let step_cost = rec
        .bytecode
        .last()
        .map_or(1, |(_, i)| crate::vm::budget::back_edge_cost(i.sbx()));
    let code = emit::emit(&trace, &alloc, step_cost).map_err(Abort::Emit)?;
    // Keep alive what the trace relies on without keeping anything observable alive:
    // the prototype (its address is the loop's key; its constants are the trace's
    // string constants) and the natives it inlines (no upvalues). Tables and closures
    // of assumptions are not rooted: the entry check compares bits before it reads
    // through any of them, in recording order, so a dead one is never dereferenced.
    vm.roots.push(Value::from_ptr(tag::INTERNAL, proto));
    for a in &rec.assumptions {
        if let Expect::Same(v) = a.expect {
            if record::is_fast_function(v) {
                vm.roots.push(v);
            }
        }
    }
    vm.roots.extend(rec.guarded_natives.iter().copied());
    let first_body_snap = trace.loop_ref.map_or(trace.snaps.len(), |l| {
        trace.snaps.partition_point(|s| s.r <= l)
    });
    if e.dump {
        let mut out = format!("---- TRACE {number} start {loc}\n---- TRACE {number} bytecode\n");
        for (bpc, i) in &rec.bytecode {
            out.push_str(&format!("{:04}  {}\n", bpc + 1, crate::jit::dump_bc(*i)));
        }
        out.push_str(&format!("---- TRACE {number} IR\n"));
        out.push_str(&regalloc::dump(&trace, &alloc));
        out.push_str(&format!(
            "---- TRACE {number} mcode {}\n",
            code.words.len() * 4
        ));
        out.push_str(&crate::jit::dump_code(&code.words));
        out.push_str(&format!("---- TRACE {number} stop -> loop\n\n"));
        e.say(&out);
    }
    let entry = install(e, &code.words)?;
    if e.verbose {
        e.say(&format!("[TRACE {number:3} {loc} loop]\n"));
    }
    let plans = exit::plans(&trace, &alloc);
    let nslots = trace
        .snaps
        .iter()
        .map(|s| s.nslots.max(0) as usize)
        .max()
        .unwrap_or(0);
    e.traces.push(TraceEntry {
        plans,
        nslots,
        number,
        trace,
        alloc,
        rec_assumptions: rec.assumptions,
        env: rec.env,
        entry,
        first_body_snap,
        total_entries: 0,
        entries: 0,
        early_exits: 0,
        key: (proto as usize, pc),
    });
    Ok(number - 1)
}

/// Copies code into executable memory; `None` when code cannot run here.
fn install(e: &mut Engine, words: &[u32]) -> Result<Option<usize>, Abort> {
    if !CAN_EXECUTE {
        return Ok(None);
    }
    let Some(mem) = e.mem.as_mut() else {
        return Ok(None);
    };
    let merr = |m: crate::host::CodeMemoryError| Abort::Emit(format!("{m}"));
    if e.region.is_none() {
        let r = mem.reserve(CODE_REGION).map_err(merr)?;
        e.region = Some((r, 0));
    }
    let Some((region, used)) = e.region.as_mut() else {
        return Ok(None);
    };
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    let at = (*used + 15) & !15;
    if at + bytes.len() > region.len() {
        return Err(Abort::Emit("code region full".into()));
    }
    mem.write(region, at, &bytes).map_err(merr)?;
    *used = at + bytes.len();
    Ok(region.addr(at))
}

/// Runs trace `n` from the current frame; returns the pc to resume at, or `None` when the
/// trace could not be entered (an entry assumption failed).
fn enter(vm: &mut Vm, e: &mut Engine, n: usize) -> Option<usize> {
    let (cl, base, avail) = frame(vm)?;
    let tr = &e.traces[n];
    let entry = tr.entry?;
    // SAFETY: `cl` is the running closure.
    let env = unsafe { (*cl).env };
    if tr.nslots > avail {
        return None;
    }
    for a in &tr.rec_assumptions {
        let mut addr = 0u64;
        let v = match a.src {
            TableSrc::Env if env != tr.env => return None,
            // SAFETY: environments are live tables; a `Const` table is checked to be
            // the live value of an earlier assumption before it is read.
            TableSrc::Env => unsafe { (*env).get(a.key) },
            // SAFETY: as above.
            TableSrc::Const(t) => unsafe { (*t).get(a.key) },
            TableSrc::Upvalue(n) => {
                // SAFETY: the running closure's upvalues are live; `v` points to the
                // value (stack slot while open, the upvalue itself once closed).
                let ups: &[*mut crate::object::UpVal] = unsafe { &(*cl).upvals };
                let uv = ups.get(n as usize).copied()?;
                // The recorder refused upvalues open on the running frame; another
                // closure of the same prototype may still have one: do not enter.
                // SAFETY: as above.
                let own = unsafe { (*uv).is_open() && (*uv).owner == vm.cur };
                if own && unsafe { (*uv).index } >= vm.th().frames.last()?.base {
                    return None;
                }
                // SAFETY: as above.
                addr = unsafe { (*uv).v } as u64;
                // SAFETY: as above.
                unsafe { *(*uv).v }
            }
        };
        match a.expect {
            Expect::Same(w) if v != w => return None,
            Expect::Same(_) => {}
            Expect::Number(i) => {
                if !v.is_num() {
                    return None;
                }
                e.state.inputs[i as usize] = v.bits();
            }
            // Where the trace reads and writes an upvalue (fixed while it runs: nothing
            // closes upvalues or moves the stack inside a trace).
            Expect::Address(i) => e.state.inputs[i as usize] = addr,
        }
    }
    // SAFETY: `entry` is the start of a trace emitted for this AArch64 host by `emit`,
    // installed executable; it follows the C calling convention with two pointer
    // arguments, reads and writes only the frame's registers below `nslots` (checked
    // above to be inside the stack) and the exit state, and returns the exit number.
    e.state.steps = vm.steps_left;
    let exitno = unsafe {
        let f: extern "C" fn(*mut Value, *mut ExitState) -> u64 = core::mem::transmute(entry);
        f(base, &mut *e.state)
    } as usize;
    // Negative when the budget ran out: the interpreter's charge at the exit pc trips.
    vm.steps_left = e.state.steps;
    let tr = &mut e.traces[n];
    let plan = tr.plans.get(exitno)?; // stubs exist only for snapshots
                                      // SAFETY: the frame has `nslots` registers (checked above).
    let pc = unsafe { exit::restore(plan, &e.state, base) };
    tr.entries += 1;
    tr.total_entries += 1;
    if exitno < tr.first_body_snap {
        tr.early_exits += 1;
    }
    if tr.entries >= EARLY_EXIT_SAMPLE {
        let bad = tr.early_exits * 2 > tr.entries;
        let (num, key) = (tr.number, tr.key);
        tr.entries = 0;
        tr.early_exits = 0;
        if bad {
            // Unlink: the interpreter does better without this trace.
            e.loops.remove(&key);
            if e.verbose {
                e.say(&format!("[TRACE {num:3} unlinked: exits early]\n"));
            }
            let wait = e.penalize(key, "loop").unwrap_or(u16::MAX as u32);
            set_counter(vm, key.0 as *mut Proto, key.1, wait);
        }
    }
    Some(pc)
}

/// The VM's engine, created (dormant: not enabled, no hook) if it has none.
pub fn engine(vm: &mut Vm) -> &mut Engine {
    vm.jit.get_or_insert_with(|| {
        let mut e = Box::new(Engine::new());
        e.enabled = false;
        e
    })
}

/// Turns the JIT on or off: the interpreter calls [`hot_hook`] only while it is on.
pub fn set_enabled(vm: &mut Vm, on: bool) {
    engine(vm).enabled = on;
    if on {
        vm.hot_hook = hot_hook;
    }
}

/// Gives the VM's engine the host's executable memory (does not enable the JIT).
pub fn set_code_memory(vm: &mut Vm, mem: Box<dyn CodeMemory>) {
    engine(vm).set_code_memory(mem);
}
