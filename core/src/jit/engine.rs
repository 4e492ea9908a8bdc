//! The trace engine: what happens when a loop gets hot, the trace registry, linking,
//! entering traces and handling their exits, penalties and blacklisting, `-jv`/`-jdump`.
//!
//! # Life of a loop
//! The interpreter counts back-edges while the JIT is on; when a loop's counter runs out
//! it calls [`hot_hook`] with the loop's start pc and its back-edge's pc. Per loop
//! (prototype, start pc) the engine keeps a [`LoopState`]:
//! - nothing yet: record ([`crate::jit::record`]), optimize, allocate, emit; on success the
//!   trace is *linked*: the loop is now `Linked` and the hook enters the trace at once and
//!   at every later back-edge (its hot counter is set to fire at every back-edge);
//! - a recording aborts: the loop is `Penalized` with a randomized exponential backoff
//!   (the next attempt waits `penalty` back-edges, doubled plus random bits each time,
//!   LuaJIT's `penalty_pc`); after [`MAX_ATTEMPTS`] failures, or [`MAX_SAME_ABORTS`] in a
//!   row for the same reason (a [`Failure`]), or at once, without recording, when the
//!   body has a bytecode the recorder never handles on every path (see
//!   [`record::doomed`]), it is `Blacklisted`: its back-edge
//!   instruction is marked ([`crate::vm::hot::NO_HOT`], LuaJIT's `IFORL`) and the
//!   interpreter never counts it again, so it costs what it costs with the JIT off;
//! - a linked trace that leaves during its first iteration most of the time (judged every
//!   [`EARLY_EXIT_SAMPLE`] entries) is unlinked and the loop penalized the same way, its
//!   earlier failures included: a trace must never make a program slower;
//! - a numeric `for` loop's trace is not entered when fewer than [`MIN_STEPS_LEFT`] steps
//!   of the loop are left (its trip count is known at the back-edge): entering and
//!   leaving would cost more than the interpreter needs for them; a trace skipped at
//!   most of its back-edges (a loop with short trips) is unlinked like an early-exiting
//!   one;
//! - a numeric `for` loop found hot with fewer than `hotloop` iterations left is not
//!   recorded at once ([`MAX_DEFERRALS`] times at most): compiling the last iterations of
//!   a loop that never runs again costs more than it saves.
//!
//! Costs with the JIT on, per event (AArch64 instructions, release build): a back-edge
//! of a loop still counting ~10, of a blacklisted loop 1 (the mark's bit test), with the
//! JIT off 3; an attempt at a loop whose body has a never-recorded bytecode on every
//! path ([`record::doomed`]) a scan of the body, about 10 per bytecode, and no recording;
//! a failed recording the IR built before the obstacle (the recorder reuses the storage
//! of earlier failed recordings, [`record::Scratch`], so it allocates nothing once warm;
//! constant labels are formatted only by dumps); entering a linked trace and restoring
//! the VM at its exit ~300 beyond the trace's own code.
//!
//! The engine adds no formatting unless `-jv`/`-jdump` asked for it. Totals of whole
//! programs move by up to ~0.1% with where the allocator places objects (table hashes
//! of object addresses, allocator bins), so JIT-on and JIT-off counts of one program are
//! compared with the same binary.
//!
//! Invariants: machine code only ever runs on AArch64 hosts with executable memory
//! installed ([`Engine::set_code_memory`]); elsewhere traces are recorded, compiled and
//! dumped, and the loop is parked (marked like a blacklisted one). Entering a trace
//! first checks its entry assumptions (see `record.rs`); if one fails the trace is not
//! entered. Every GC
//! object a trace depends on (its closure, its constants, the tables of its assumptions)
//! is kept alive in `Vm::roots` for as long as the engine lives.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Hashes loop keys (a prototype's address and a pc): multiply and rotate, enough for a
/// table whose keys no Lua program chooses.
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);

impl core::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// Per-loop state, keyed by (prototype address, loop start pc).
type LoopMap<V> = hashbrown::HashMap<(usize, usize), V, core::hash::BuildHasherDefault<KeyHasher>>;

/// Loops whose state fits in the maps as the engine creates them: hot events of a
/// program's first loops (a penalty, a blacklisting) allocate nothing, so they do not
/// move the program's own heap objects around (which changes malloc's work by more than
/// the JIT's own cost on programs the JIT does not speed up).
const LOOPS_RESERVED: usize = 64;

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
/// Consecutive attempts failing for the same reason before a loop is blacklisted (the
/// loop keeps taking the same path to the same obstacle: more attempts only cost).
pub const MAX_SAME_ABORTS: u8 = 2;
/// Entries of a trace after which its early-exit ratio and its work per entry are judged.
pub const EARLY_EXIT_SAMPLE: u32 = 16;
/// Least work left (steps, about bytecodes: iterations left times the loop's length) for
/// the trace of a numeric `for` loop to be entered: entering a trace and restoring the
/// VM at its exit cost a few hundred machine instructions, what the interpreter spends
/// on about this many bytecodes.
pub const MIN_STEPS_LEFT: f64 = 12.0;
/// Times a numeric `for` loop found hot near its end waits for another `hotloop`
/// back-edges before it is recorded anyway (see [`Engine`]'s deferral rule).
pub const MAX_DEFERRALS: u8 = 2;
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
        /// Why the last attempt failed, and how many attempts in a row failed so.
        last: (Failure, u8),
    },
    /// Never recorded again: its back-edge no longer counts (see [`crate::vm::hot`]).
    Blacklisted,
}

/// Why an attempt at a loop failed, cheap to compare (an [`Abort`] without its text).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Failure(core::mem::Discriminant<Abort>, usize);

impl Failure {
    /// The failure of an abort.
    pub fn of(a: &Abort) -> Failure {
        let detail = match a {
            // The static names of the same abort site are the same string.
            Abort::Nyi(s) | Abort::BadType(s) => s.as_ptr() as usize,
            Abort::Ir(e) => *e as usize,
            _ => 0,
        };
        Failure(core::mem::discriminant(a), detail)
    }
    /// A trace that left in its first iteration too often.
    fn early_exits() -> Failure {
        Failure(core::mem::discriminant(&Abort::Unstable), usize::MAX)
    }
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
    /// Back-edges in the current sample where the trace was not entered (too few
    /// iterations left).
    pub skips: u32,
    /// For a numeric `for` loop, its control register (`FORLOOP A`) and its length in
    /// steps: entry checks the iterations left.
    pub for_loop: Option<(u32, f64)>,
    /// The loop it belongs to.
    pub key: (usize, usize),
    /// The pc of the loop's back-edge.
    pub edge: usize,
    /// The loop's penalty state before this trace (kept if it is unlinked).
    pub prior: Option<LoopState>,
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
    loops: LoopMap<LoopState>,
    /// Linked loops by hot counter (`(proto, pc, trace + 1)`, 0 when empty): the hook's
    /// fast path, taken at every back-edge of a linked loop.
    linked: [(usize, usize, usize); 64],
    /// Deferrals so far of each loop found hot near its end.
    deferred: LoopMap<u8>,
    /// Attempts at recording (successful or not) since the engine started.
    pub recordings: u64,
    state: Box<ExitState>,
    mem: Option<Box<dyn CodeMemory>>,
    region: Option<(CodeRegion, usize)>,
    log: Option<LogSink>,
    /// Lines waiting for the VM's output when no log sink is installed.
    pending: String,
    rng: u32,
    /// The recorder's storage, reused from one recording to the next.
    scratch: record::Scratch,
    /// The last attempt failed definitely (see [`record::doomed`]).
    definite: bool,
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
            loops: LoopMap::with_capacity_and_hasher(LOOPS_RESERVED, Default::default()),
            linked: [(0, 0, 0); 64],
            deferred: LoopMap::with_capacity_and_hasher(LOOPS_RESERVED, Default::default()),
            recordings: 0,
            state: Box::default(),
            mem: None,
            region: None,
            log: None,
            pending: String::new(),
            rng: 0x2545_f491,
            definite: false,
            scratch: record::Scratch::default(),
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
        self.linked = [(0, 0, 0); 64];
        self.deferred.clear();
    }

    /// Deferral rule: a numeric `for` loop whose counter ran out with fewer than
    /// `hotloop` iterations left to run (the last ones of a loop run once, or a short
    /// inner loop) would pay for a compilation with almost nothing to gain in this run:
    /// the engine waits for the counter to run out again, up to [`MAX_DEFERRALS`]
    /// times, so a loop that is not entered again is never compiled, and a short loop
    /// entered again and again is compiled a little later. True when the attempt waits.
    fn defer(&mut self, vm: &mut Vm, proto: *mut Proto, key: (usize, usize), edge: usize) -> bool {
        // SAFETY: `proto` is the running function's prototype.
        let Some(&i) = (unsafe { &*proto }).code.get(edge) else {
            return false;
        };
        if i.op() != crate::bytecode::Op::FORLOOP {
            return false;
        }
        let Some((_, base, avail)) = frame(vm) else {
            return false;
        };
        let a = i.a() as usize;
        if a + 2 >= avail {
            return false;
        }
        // SAFETY: `base..base + avail` are the frame's registers.
        let (idx, limit, step) = unsafe { (*base.add(a), *base.add(a + 1), *base.add(a + 2)) };
        let (Some(idx), Some(limit), Some(step)) = (idx.as_num(), limit.as_num(), step.as_num())
        else {
            return false;
        };
        let left = (limit - idx) / step; // iterations after the one about to run
        let near_end = left < self.params.hotloop as f64;
        if !near_end {
            return false;
        }
        let n = self.deferred.entry(key).or_insert(0);
        if *n >= MAX_DEFERRALS {
            return false;
        }
        *n += 1;
        true
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

    /// Penalizes a loop after a failure `why`; returns the back-edges to wait, or `None`
    /// when it is now blacklisted: after [`MAX_ATTEMPTS`] failures, after
    /// [`MAX_SAME_ABORTS`] in a row for the same reason, or once the penalty would pass
    /// `penaltymax`. A blacklisted loop's back-edge (at `edge`) is marked so that the
    /// interpreter stops counting it. The penalty starts at `penaltymin` and doubles
    /// plus `penaltyrnd` random bits (LuaJIT's `penalty_pc`).
    fn penalize(&mut self, key: (usize, usize), edge: usize, why: Failure) -> Option<u32> {
        let (penalty, attempts, last) = match self.loops.get(&key).copied() {
            Some(LoopState::Penalized {
                penalty,
                attempts,
                last,
            }) => (penalty, attempts, last),
            _ => (self.params.penaltymin.max(1), 0, (why, 0)),
        };
        let same = if last.0 == why { last.1 + 1 } else { 1 };
        let rnd = self.random_bits() & ((1u32 << self.params.penaltyrnd.min(16)) - 1);
        let next = penalty.saturating_mul(2).saturating_add(rnd);
        if attempts + 1 >= MAX_ATTEMPTS
            || same >= MAX_SAME_ABORTS
            || next > self.params.penaltymax.min(PENALTY_MAX)
        {
            self.blacklist(key, edge);
            return None;
        }
        self.loops.insert(
            key,
            LoopState::Penalized {
                penalty: next,
                attempts: attempts + 1,
                last: (why, same),
            },
        );
        Some(next)
    }

    /// Blacklists a loop: never recorded again, its back-edge marked as not counting.
    fn blacklist(&mut self, key: (usize, usize), edge: usize) {
        self.loops.insert(key, LoopState::Blacklisted);
        // SAFETY: `key.0` is a live prototype: the running function's (from the hot
        // hook) or a trace's (kept alive in `Vm::roots`); the interpreter holds no
        // reference into its code across the hook call (it reloads the instruction at
        // every dispatch).
        let marked = crate::vm::hot::mark(unsafe { &mut *(key.0 as *mut Proto) }, edge);
        debug_assert!(marked, "pc {edge} is not a back-edge");
        if self.verbose {
            // SAFETY: as above.
            let loc = location(unsafe { &*(key.0 as *const Proto) }, key.1);
            self.say(&format!("[TRACE --- {loc} -- blacklisted]\n"));
        }
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

/// The interpreter's hot hook: called at a back-edge (at `edge`) whose counter ran out,
/// with the frame's pc saved (`pc` is the loop's start). Returns the pc to continue at
/// when a trace ran (the VM registers then hold the state of the trace's exit).
pub fn hot_hook(vm: &mut Vm, proto: *mut Proto, pc: usize, edge: usize) -> Option<usize> {
    let mut engine = vm.jit.take()?;
    let r = on_hot(vm, &mut engine, proto, pc, edge);
    let lines = core::mem::take(&mut engine.pending);
    vm.jit = Some(engine);
    if !lines.is_empty() {
        vm.write_output(lines.as_bytes());
    }
    r
}

fn on_hot(vm: &mut Vm, e: &mut Engine, proto: *mut Proto, pc: usize, edge: usize) -> Option<usize> {
    if !e.enabled {
        return None;
    }
    let key = (proto as usize, pc);
    let slot = crate::vm::hot_index(proto, pc);
    if let (p, lpc, n @ 1..) = e.linked[slot] {
        if (p, lpc) == key {
            let r = enter(vm, e, n - 1);
            set_counter(vm, proto, pc, 1);
            return r;
        }
    }
    on_hot_slow(vm, e, proto, pc, edge)
}

/// The hook's path for a loop not in the linked-loop cache: looks up its state, then
/// enters, defers, compiles or penalizes. Out of line, so that entering a linked trace
/// does not pay for this function's registers.
#[inline(never)]
fn on_hot_slow(
    vm: &mut Vm,
    e: &mut Engine,
    proto: *mut Proto,
    pc: usize,
    edge: usize,
) -> Option<usize> {
    let key = (proto as usize, pc);
    let slot = crate::vm::hot_index(proto, pc);
    let prior = match e.loops.get(&key).copied() {
        Some(LoopState::Linked(n)) => {
            e.linked[slot] = (key.0, key.1, n + 1);
            let r = enter(vm, e, n);
            // Enter again at the next back-edge.
            set_counter(vm, proto, pc, 1);
            return r;
        }
        // A blacklisted or parked loop's back-edge no longer counts: this is another
        // prototype allocated where a dead one was (only traces' prototypes are kept
        // alive). Start afresh.
        Some(LoopState::Parked) | Some(LoopState::Blacklisted) => {
            e.loops.remove(&key);
            None
        }
        Some(p @ LoopState::Penalized { .. }) => Some(p),
        None => None,
    };
    if e.defer(vm, proto, key, edge) {
        return None;
    }
    // SAFETY: `proto` is the running function's prototype.
    let loc = if e.verbose || e.dump {
        location(unsafe { &*proto }, pc)
    } else {
        String::new()
    };
    match compile(vm, e, proto, pc, edge, &loc) {
        Ok(n) => {
            e.traces[n].prior = prior;
            let runnable = e.traces[n].entry.is_some();
            if runnable {
                e.loops.insert(key, LoopState::Linked(n));
                e.linked[slot] = (key.0, key.1, n + 1);
                let r = enter(vm, e, n);
                set_counter(vm, proto, pc, 1);
                r
            } else {
                // Compiled, but code cannot run here: stop counting the loop.
                e.loops.insert(key, LoopState::Parked);
                // SAFETY: `proto` is the running function's prototype.
                crate::vm::hot::mark(unsafe { &mut *proto }, edge);
                None
            }
        }
        Err(why) => {
            if e.verbose {
                e.say(&format!("[TRACE --- {loc} -- {why}]\n"));
            }
            if core::mem::take(&mut e.definite) {
                // Every attempt would stop at the same bytecode: the loop can never
                // compile, and each further attempt would only cost.
                e.blacklist(key, edge);
            } else if let Some(wait) = e.penalize(key, edge, Failure::of(&why)) {
                set_counter(vm, proto, pc, wait);
            }
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
    edge: usize,
    loc: &str,
) -> Result<usize, Abort> {
    e.recordings += 1;
    let number = e.traces.len() + 1;
    if number > e.params.maxtrace as usize {
        return Err(Abort::Emit("too many traces".into()));
    }
    if e.verbose {
        e.say(&format!("[TRACE {number:3} start {loc}]\n"));
    }
    // SAFETY: `proto` is the running function's prototype.
    if let Some(why) = record::doomed(unsafe { &*proto }, pc, edge) {
        e.definite = true;
        return Err(why);
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
        &mut e.scratch,
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
    let step_cost = rec.bytecode.last().map_or(1, |(_, i)| {
        crate::vm::budget::back_edge_cost(crate::vm::hot::back_sbx(*i))
    });
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
    // SAFETY: `proto` is the running function's prototype.
    let for_loop = match unsafe { &*proto }.code.get(edge) {
        Some(i) if i.op() == crate::bytecode::Op::FORLOOP => Some((i.a(), step_cost as f64)),
        _ => None,
    };
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
        skips: 0,
        for_loop,
        key: (proto as usize, pc),
        edge,
        prior: None,
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
    if let Some((a, len)) = tr.for_loop {
        if few_steps_left(base, avail, a as usize, len) {
            let tr = &mut e.traces[n];
            tr.skips += 1;
            if tr.skips + tr.entries >= EARLY_EXIT_SAMPLE {
                judge(vm, e, n);
            }
            return None;
        }
    }
    if !tr.rec_assumptions.is_empty() {
        check_assumptions(vm, &mut e.state, tr, cl, env)?;
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
    // Stubs exist only for snapshots.
    let plan = tr.plans.get(exitno)?;
    // SAFETY: the frame has `nslots` registers (checked above).
    let pc = unsafe { exit::restore(plan, &e.state, base) };
    tr.entries += 1;
    tr.total_entries += 1;
    if exitno < tr.first_body_snap {
        tr.early_exits += 1;
    }
    if tr.entries + tr.skips >= EARLY_EXIT_SAMPLE {
        judge(vm, e, n);
    }
    Some(pc)
}

/// True when the numeric `for` loop controlled by register `a` of the frame at `base` (of
/// `avail` registers) has less than [`MIN_STEPS_LEFT`] steps left, `len` steps per
/// iteration.
fn few_steps_left(base: *mut Value, avail: usize, a: usize, len: f64) -> bool {
    if a + 2 >= avail {
        return false;
    }
    // SAFETY: `base..base + avail` are the frame's registers.
    let (idx, limit, step) = unsafe { (*base.add(a), *base.add(a + 1), *base.add(a + 2)) };
    let (Some(idx), Some(limit), Some(step)) = (idx.as_num(), limit.as_num(), step.as_num()) else {
        return false;
    };
    // Iterations after the one about to run, which the trace runs too.
    let left = (limit - idx) / step + 1.0;
    left * len < MIN_STEPS_LEFT
}

/// Checks a trace's entry assumptions (see `record.rs`) and fills its inputs; `None`
/// when one fails (the trace must not be entered). Out of line: most traces have none,
/// and the check's registers would weigh on every entry.
#[inline(never)]
fn check_assumptions(
    vm: &Vm,
    state: &mut ExitState,
    tr: &TraceEntry,
    cl: *mut LuaFunction,
    env: *mut Table,
) -> Option<()> {
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
                state.inputs[i as usize] = v.bits();
            }
            // Where the trace reads and writes an upvalue (fixed while it runs: nothing
            // closes upvalues or moves the stack inside a trace).
            Expect::Address(i) => state.inputs[i as usize] = addr,
        }
    }
    Some(())
}

/// The end of a trace's sample of [`EARLY_EXIT_SAMPLE`] entries and skips: unlinks it
/// (and penalizes its loop) if it left in its first iteration more often than not, or
/// was skipped more often than entered (short trips), then starts the next sample.
#[cold]
#[inline(never)]
fn judge(vm: &mut Vm, e: &mut Engine, n: usize) {
    let tr = &mut e.traces[n];
    let early = tr.early_exits * 2 > tr.entries;
    let short = tr.skips * 2 > tr.entries + tr.skips;
    let (num, key) = (tr.number, tr.key);
    tr.entries = 0;
    tr.early_exits = 0;
    tr.skips = 0;
    if early || short {
        // Unlink: the interpreter does better without this trace. The loop's
        // earlier failures still count, so a loop that keeps compiling to such
        // traces ends blacklisted.
        let edge = tr.edge;
        match tr.prior {
            Some(p) => e.loops.insert(key, p),
            None => e.loops.remove(&key),
        };
        let slot = crate::vm::hot_index(key.0 as *const Proto, key.1);
        if e.linked[slot].2 == num {
            e.linked[slot] = (0, 0, 0);
        }
        let why = if early { "exits early" } else { "short trips" };
        if e.verbose {
            e.say(&format!("[TRACE {num:3} unlinked: {why}]\n"));
        }
        if let Some(wait) = e.penalize(key, edge, Failure::early_exits()) {
            set_counter(vm, key.0 as *mut Proto, key.1, wait);
        }
    }
}

/// The VM's engine, created (dormant: not enabled, no hook) if it has none.
pub fn engine(vm: &mut Vm) -> &mut Engine {
    vm.jit.get_or_insert_with(|| {
        let mut e = Box::new(Engine::new());
        e.enabled = false;
        e
    })
}

/// Turns the JIT on or off: the interpreter counts hotness and calls [`hot_hook`] only
/// while it is on (it switches dispatch loops when the running native returns).
pub fn set_enabled(vm: &mut Vm, on: bool) {
    engine(vm).enabled = on;
    vm.hot_on = on;
    if on {
        vm.hot_hook = hot_hook;
    }
}

/// Gives the VM's engine the host's executable memory (does not enable the JIT).
pub fn set_code_memory(vm: &mut Vm, mem: Box<dyn CodeMemory>) {
    engine(vm).set_code_memory(mem);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bytecode::Op;
    use crate::vm::hot;

    /// A VM with its libraries and the JIT woken with `opts` (`jit.opt.start` arguments).
    fn vm_with(opts: &str) -> Vm {
        let mut vm = Vm::new();
        crate::stdlib::open_libs(&mut vm).unwrap();
        vm.set_output(Box::new(|_| {}));
        if !opts.is_empty() {
            run(&mut vm, &format!("jit.opt.start({opts})"));
        }
        vm
    }

    /// Loads and runs `src`; returns the main function's prototype.
    fn run(vm: &mut Vm, src: &str) -> *mut Proto {
        let f = vm.load(src.as_bytes(), "=t").unwrap();
        vm.call(f, &[], None).unwrap();
        // SAFETY: `f` is a Lua function, alive while the test holds `vm` (its value is
        // not collected: the tests below allocate too little to trigger a collection).
        unsafe { (*f.ptr::<LuaFunction>()).proto }
    }

    fn recordings(vm: &Vm) -> u64 {
        vm.jit.as_ref().map_or(0, |e| e.recordings)
    }

    /// The pc of the first instruction with opcode `op` in `proto`.
    fn first(proto: *mut Proto, op: Op) -> usize {
        // SAFETY: a live prototype (see `run`).
        let code = unsafe { &(*proto).code };
        code.iter().position(|i| i.op() == op).unwrap()
    }

    /// A loop whose every recording fails (here: `maxrecord=1`, any body is too long)
    /// is blacklisted after `MAX_SAME_ABORTS` attempts failing for the same reason; its
    /// back-edge is then marked and never counted again: running it again records
    /// nothing, and the loop still computes the same.
    #[test]
    fn blacklisted_loop_is_marked_and_never_recorded_again() {
        let mut vm = vm_with("'hotloop=1', 'maxrecord=1'");
        let src = "local s = 0 for i = 1, 500 do s = s + i end";
        let p = run(&mut vm, src);
        assert_eq!(recordings(&vm), MAX_SAME_ABORTS as u64);
        let edge = first(p, Op::FORLOOP);
        // SAFETY: a live prototype.
        assert!(hot::is_marked(unsafe { &*p }, edge));
        let start = first(p, Op::FORPREP) + 1;
        let e = vm.jit.as_ref().unwrap();
        assert_eq!(e.loop_state(p, start), Some(LoopState::Blacklisted));
        let p2 = run(&mut vm, "local t = 0 for i = 1, 300 do t = t + 1 end s = t");
        assert_ne!(p, p2);
        // A second loop fails and is blacklisted on its own: no more than its attempts.
        assert_eq!(recordings(&vm), 2 * MAX_SAME_ABORTS as u64);
    }

    /// A bytecode the recorder never handles, on every path through the body, fails
    /// every attempt the same way: the loop is blacklisted after its first attempt.
    #[test]
    fn unconditional_nyi_blacklists_at_once() {
        let mut vm = vm_with("'hotloop=1'");
        let p = run(
            &mut vm,
            "local t = {} for i = 1, 500 do local x = i * 2 t[i] = x end",
        );
        assert_eq!(recordings(&vm), 1);
        let start = first(p, Op::FORPREP) + 1;
        let e = vm.jit.as_ref().unwrap();
        assert_eq!(e.loop_state(p, start), Some(LoopState::Blacklisted));
    }

    /// An NYI bytecode on a branch is not definite: the loop gets its usual attempts, and
    /// one taking the other path compiles.
    #[test]
    fn nyi_on_a_branch_keeps_its_attempts() {
        let mut vm = vm_with("'hotloop=1'");
        let p = run(
            &mut vm,
            "local t, s = {}, 0 for i = 1, 2000 do \
             if i < 3 then t[i] = i else s = s + i end end assert(s == 2000 * 2001 / 2 - 3)",
        );
        assert!(recordings(&vm) >= 2, "{}", recordings(&vm));
        let start = first(p, Op::FORPREP) + 1;
        let e = vm.jit.as_ref().unwrap();
        assert!(
            matches!(
                e.loop_state(p, start),
                Some(LoopState::Linked(_) | LoopState::Parked)
            ),
            "{:?}",
            e.loop_state(p, start)
        );
    }

    /// Re-running a blacklisted loop (the same prototype) enters the recorder no more.
    #[test]
    fn marked_loop_costs_no_recording_when_run_again() {
        let mut vm = vm_with("'hotloop=1', 'maxrecord=1'");
        run(
            &mut vm,
            "function f(n) local s = 0 for i = 1, n do s = s + i end return s end \
             assert(f(200) == 20100)",
        );
        let n = recordings(&vm);
        assert_eq!(n, MAX_SAME_ABORTS as u64);
        // Calls without a loop of their own (an outer loop would be recorded itself).
        run(&mut vm, &"assert(f(100) == 5050) ".repeat(20));
        assert_eq!(
            recordings(&vm),
            n,
            "a blacklisted loop entered the recorder"
        );
    }

    /// Different failure reasons are each given a chance, up to `MAX_ATTEMPTS`.
    #[test]
    fn penalties_back_off_and_blacklist_after_max_attempts() {
        let mut e = Engine::new();
        let mut proto_code = [crate::bytecode::Instr::asbx(Op::FORLOOP, 0, -2)];
        let key = (proto_code.as_mut_ptr() as usize, 0);
        let reasons = [Abort::LeftLoop, Abort::TooLong, Abort::InnerLoop];
        let mut last = 0;
        for (n, why) in reasons.iter().enumerate() {
            let wait = e.penalize(key, 0, Failure::of(why)).unwrap();
            assert!(wait > last && wait >= e.params.penaltymin, "{wait}");
            last = wait;
            assert!(matches!(
                e.loop_state(key.0 as *const Proto, 0),
                Some(LoopState::Penalized { attempts, .. }) if attempts as usize == n + 1
            ));
        }
        // The fourth failure blacklists (this one without a real prototype to mark:
        // checked through `blacklist` in the tests above).
        assert_eq!(MAX_ATTEMPTS as usize, reasons.len() + 1);
    }

    /// The same reason twice in a row blacklists; a different one in between does not.
    #[test]
    fn same_reason_twice_in_a_row_blacklists() {
        let a = Failure::of(&Abort::Nyi("SETTABLE"));
        let b = Failure::of(&Abort::Nyi("SETTABLE"));
        assert_eq!(a, b);
        assert_ne!(a, Failure::of(&Abort::Nyi("SELF")));
        assert_ne!(a, Failure::of(&Abort::BadType("SETTABLE")));
        assert_ne!(
            Failure::of(&Abort::Ir(crate::jit::ir::IrError::TraceTooLong)),
            Failure::of(&Abort::Ir(crate::jit::ir::IrError::TooManyPhis))
        );
    }

    /// With the JIT off the interpreter counts nothing (the counters keep their
    /// values); `jit.on()` in the middle of a chunk makes the loops after it count and
    /// record at once.
    #[test]
    fn no_counting_with_the_jit_off_and_jit_on_takes_effect_at_once() {
        let mut vm = Vm::new();
        crate::stdlib::open_libs(&mut vm).unwrap();
        set_enabled(&mut vm, false);
        let before = vm.hotcount;
        run(&mut vm, "local s = 0 for i = 1, 1000 do s = s + i end");
        assert_eq!(vm.hotcount, before, "hot counters moved with the JIT off");
        assert_eq!(recordings(&vm), 0);
        run(
            &mut vm,
            "jit.opt.start('hotloop=5') jit.on() local s = 0 for i = 1, 1000 do s = s + i end",
        );
        assert!(recordings(&vm) >= 1);
    }

    /// A numeric `for` loop found hot in its last iterations (run once) is not recorded;
    /// one with many iterations left is.
    #[test]
    fn loops_hot_near_their_end_are_deferred() {
        let mut vm = vm_with("'hotloop=56'");
        run(&mut vm, "local s = 0 for i = 1, 60 do s = s + i end");
        assert_eq!(
            recordings(&vm),
            0,
            "a loop with 4 iterations left was recorded"
        );
        run(&mut vm, "local s = 0 for i = 1, 500 do s = s + i end");
        assert_eq!(recordings(&vm), 1);
        // A short loop entered again and again is recorded after `MAX_DEFERRALS`.
        run(
            &mut vm,
            "local s = 0 for j = 1, 100 do for i = 1, 10 do s = s + i end end",
        );
        assert!(recordings(&vm) >= 2);
    }
}
