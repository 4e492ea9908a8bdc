//! Storage of one trace's IR: refs, instructions, interned constants, per-opcode chains.
//!
//! Invariants:
//! - a [`Ref`] is biased: constants live below [`Ref::BIAS`] and grow down, instructions
//!   live at and above it and grow up, so "is constant" is one compare; `nil`, `false`
//!   and `true` have fixed refs just below the bias, and [`Ref::BASE`] (the `BASE`
//!   instruction) sits at the bias itself, so the first recorded instruction is
//!   [`Ref::FIRST`] and dumps number it `0001`;
//! - SSA: an instruction's `Ref` operands are constants or earlier instructions;
//! - constants are interned: one ref per (opcode, type, value); 64-bit payloads (numbers,
//!   pointers, GC objects) live in a side table, the instruction holds its index;
//! - every instruction is linked into the chain of its opcode through `prev`, newest
//!   first; chains are what CSE, forwarding and constant interning search, and a search
//!   may stop at the first ref below its operands (nothing can match earlier);
//! - refs are stable: passes that remove instructions turn them into `NOP` (unlinked from
//!   their chain) instead of compacting.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::op::{Kind, Mode, Op, NUM_OPS};
use super::types::{IrT, IrType};
use crate::jit::opt::Passes;
use crate::jit::snapshot::Snapshot;

/// A reference to an instruction or a constant of the current trace.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Ref(pub u16);

impl Ref {
    /// Constants are below, instructions at and above.
    pub const BIAS: u16 = 0x8000;
    /// No reference (also: "the guard was dropped").
    pub const NONE: Ref = Ref(0);
    /// The constant `nil`.
    pub const NIL: Ref = Ref(Self::BIAS - 1);
    /// The constant `false`.
    pub const FALSE: Ref = Ref(Self::BIAS - 2);
    /// The constant `true`.
    pub const TRUE: Ref = Ref(Self::BIAS - 3);
    /// The `BASE` instruction: the VM base pointer at trace entry.
    pub const BASE: Ref = Ref(Self::BIAS);
    /// The first recorded instruction.
    pub const FIRST: Ref = Ref(Self::BIAS + 1);

    /// Whether it refers to a constant.
    pub const fn is_const(self) -> bool {
        self.0 < Self::BIAS
    }
    /// Whether it refers to an instruction (the `BASE` instruction included).
    pub const fn is_ins(self) -> bool {
        self.0 >= Self::BIAS
    }
    /// Instruction number as dumps print it (`BASE` is 0).
    pub const fn num(self) -> u16 {
        self.0.wrapping_sub(Self::BIAS)
    }
    /// Index into a per-instruction table (`BASE` is 0); only for instruction refs.
    pub const fn idx(self) -> usize {
        (self.0 - Self::BIAS) as usize
    }
    /// The instruction ref with index `i`.
    pub const fn from_idx(i: usize) -> Ref {
        Ref(Self::BIAS + i as u16)
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_ins() {
            write!(f, "{:04}", self.num())
        } else {
            write!(f, "K{}", Self::BIAS - self.0)
        }
    }
}

/// One IR instruction: 8 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(C)]
pub struct Ins {
    /// First operand (see the opcode's [`Mode`]).
    pub op1: u16,
    /// Second operand.
    pub op2: u16,
    /// Result type and guard flag.
    pub t: IrT,
    /// Opcode.
    pub op: Op,
    /// Previous instruction with the same opcode (0: none).
    pub prev: u16,
}

const _: () = assert!(core::mem::size_of::<Ins>() == 8);

impl Ins {
    /// An instruction with two operands (raw 16-bit values, interpreted per mode).
    pub fn new(op: Op, t: IrT, op1: u16, op2: u16) -> Ins {
        let t = if op.is_guard() { t.with_guard() } else { t };
        Ins {
            op1,
            op2,
            t,
            op,
            prev: 0,
        }
    }
    /// First operand as a ref.
    pub fn a(&self) -> Ref {
        Ref(self.op1)
    }
    /// Second operand as a ref.
    pub fn b(&self) -> Ref {
        Ref(self.op2)
    }
    /// The result type.
    pub fn ty(&self) -> IrType {
        self.t.ty()
    }
    /// The two operands as one 32-bit payload (constants).
    pub fn op12(&self) -> u32 {
        self.op1 as u32 | (self.op2 as u32) << 16
    }
    /// The `Ref` operands (constants included), in order.
    pub fn ref_operands(&self) -> impl Iterator<Item = Ref> {
        let (m1, m2) = self.op.modes();
        let a = (m1 == Mode::Ref).then_some(Ref(self.op1));
        let b = (m2 == Mode::Ref).then_some(Ref(self.op2));
        a.into_iter().chain(b)
    }
    /// Whether the emitted code calls a helper, clobbering the caller-saved registers: the
    /// call opcodes, the opcodes lowered to calls, and `FPMATH` of a function AArch64 has
    /// no instruction for.
    pub fn is_call(&self) -> bool {
        self.op.is_call()
            || (self.op == Op::FPMATH
                && !super::op::Fpm::from_u16(self.op2).is_some_and(|f| f.is_inline()))
    }

    /// Whether the instruction must stay even if its value is unused: stores, markers,
    /// guards (they check something the trace relies on), calls with effects.
    pub fn has_side_effect(&self) -> bool {
        self.t.is_guard() || self.op.kind() == Kind::Store
    }
}

/// Why the IR could not be built; the recorder turns it into a trace abort.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum IrError {
    /// More instructions than `maxrecord`.
    TraceTooLong,
    /// More constants than `maxirconst`.
    TooManyConstants,
    /// More snapshots than `maxsnap`.
    TooManySnapshots,
    /// Folding proved that a guard always fails.
    GuardAlwaysFails,
    /// A loop-carried value changes type between iterations.
    LoopUnstable,
    /// Too many loop-carried values.
    TooManyPhis,
}

impl IrError {
    /// The message `-jv` prints (worded as LuaJIT words it where it has one).
    pub fn message(self) -> &'static str {
        match self {
            IrError::TraceTooLong => "trace too long",
            IrError::TooManyConstants => "trace too long (constants)",
            IrError::TooManySnapshots => "too many snapshots",
            IrError::GuardAlwaysFails => "guard would always fail",
            IrError::LoopUnstable => "loop unroll failed (type instability)",
            IrError::TooManyPhis => "too many PHIs",
        }
    }
}

impl fmt::Display for IrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// Size limits of one trace (from the JIT parameters).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Maximum number of instructions (`maxrecord`).
    pub max_ins: usize,
    /// Maximum number of constants (`maxirconst`).
    pub max_consts: usize,
    /// Maximum number of snapshots (`maxsnap`).
    pub max_snaps: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_ins: 4000,
            max_consts: 500,
            max_snaps: 500,
        }
    }
}

/// One trace's IR, snapshots, and the switches of the on-the-fly optimizations.
#[derive(Clone)]
pub struct Trace {
    /// `k[i]` is the constant with ref `BIAS - 1 - i`.
    k: Vec<Ins>,
    /// `ins[i]` is the instruction with ref `BIAS + i`.
    ins: Vec<Ins>,
    /// 64-bit constant payloads and their dump labels (for GC objects). A label is built
    /// only when a dump needs it where it can be (see [`Trace::kgc_unlabeled`]).
    k64: Vec<(u64, Option<Cow<'static, str>>)>,
    /// Newest instruction of each opcode (0: none).
    chain: [u16; NUM_OPS],
    /// Snapshots in order of their first covered instruction.
    pub snaps: Vec<Snapshot>,
    /// Which optimizations [`Trace::emit`] runs.
    pub passes: Passes,
    /// Size limits.
    pub limits: Limits,
    /// The `LOOP` instruction, once the loop pass has run.
    pub loop_ref: Option<Ref>,
    /// Loop-carried pre-roll refs while the loop pass unrolls (fold's PHI barrier).
    pub(crate) phi_barrier: Vec<bool>,
}

impl Default for Trace {
    fn default() -> Trace {
        Trace::new(Passes::default(), Limits::default())
    }
}

impl Trace {
    /// An empty trace: the three primitive constants and the `BASE` instruction.
    pub fn new(passes: Passes, limits: Limits) -> Trace {
        let mut t = Trace {
            k: Vec::new(),
            ins: Vec::new(),
            k64: Vec::new(),
            chain: [0; NUM_OPS],
            snaps: Vec::new(),
            passes,
            limits,
            loop_ref: None,
            phi_barrier: Vec::new(),
        };
        t.reset(passes, limits);
        t
    }

    /// Empties the trace, keeping its storage: it is then exactly what
    /// [`Trace::new`]`(passes, limits)` returns (the recorder reuses the trace of an
    /// aborted recording, so that failed attempts allocate nothing).
    pub fn reset(&mut self, passes: Passes, limits: Limits) {
        self.k.clear();
        self.ins.clear();
        self.k64.clear();
        self.chain = [0; NUM_OPS];
        self.snaps.clear();
        self.passes = passes;
        self.limits = limits;
        self.loop_ref = None;
        self.phi_barrier.clear();
        for ty in [IrType::NIL, IrType::FALSE, IrType::TRUE] {
            self.push_const(Ins::new(Op::KPRI, IrT::new(ty), 0, 0));
        }
        self.ins
            .push(Ins::new(Op::BASE, IrT::new(IrType::PTR), 0, 0));
    }

    /// The instruction or constant behind a ref.
    pub fn get(&self, r: Ref) -> &Ins {
        if r.is_ins() {
            &self.ins[r.idx()]
        } else {
            &self.k[(Ref::BIAS - 1 - r.0) as usize]
        }
    }

    /// Mutable access (passes that rewrite in place).
    pub(crate) fn get_mut(&mut self, r: Ref) -> &mut Ins {
        if r.is_ins() {
            &mut self.ins[r.idx()]
        } else {
            &mut self.k[(Ref::BIAS - 1 - r.0) as usize]
        }
    }

    /// The type of a ref's value.
    pub fn ty(&self, r: Ref) -> IrType {
        self.get(r).ty()
    }

    /// The opcode behind a ref.
    pub fn op(&self, r: Ref) -> Op {
        self.get(r).op
    }

    /// One past the last instruction.
    pub fn next_ref(&self) -> Ref {
        Ref::from_idx(self.ins.len())
    }

    /// The lowest constant ref.
    pub fn first_const(&self) -> Ref {
        Ref(Ref::BIAS - self.k.len() as u16)
    }

    /// Number of instructions, `BASE` included.
    pub fn num_ins(&self) -> usize {
        self.ins.len()
    }

    /// Number of constants, the three primitives included.
    pub fn num_consts(&self) -> usize {
        self.k.len()
    }

    /// Refs of all instructions after `BASE`, in order.
    pub fn ins_refs(&self) -> impl DoubleEndedIterator<Item = Ref> {
        (1..self.ins.len()).map(Ref::from_idx)
    }

    /// Refs of all constants, newest (lowest) first.
    pub fn const_refs(&self) -> impl Iterator<Item = Ref> {
        (self.first_const().0..Ref::BIAS).map(Ref)
    }

    /// Newest instruction with this opcode.
    pub fn chain_head(&self, op: Op) -> Ref {
        Ref(self.chain[op as usize])
    }

    /// Chain of an opcode, newest first.
    pub fn chain(&self, op: Op) -> ChainIter<'_> {
        ChainIter {
            trace: self,
            next: self.chain[op as usize],
        }
    }

    /// Appends an instruction without any optimization (what passes use after deciding,
    /// and what the recorder uses with all passes off).
    pub fn append(&mut self, mut ins: Ins) -> Result<Ref, IrError> {
        if self.ins.len() >= self.limits.max_ins.min((u16::MAX - Ref::BIAS) as usize) {
            return Err(IrError::TraceTooLong);
        }
        debug_assert!(!ins.op.is_const());
        debug_assert!(
            ins.ref_operands().all(|r| r < self.next_ref()),
            "operand after {ins:?}"
        );
        let r = self.next_ref();
        ins.prev = self.chain[ins.op as usize];
        self.chain[ins.op as usize] = r.0;
        self.ins.push(ins);
        Ok(r)
    }

    /// Turns an instruction into a `NOP`, unlinking it from its chain. The caller
    /// guarantees that nothing refers to it any more.
    pub fn nop(&mut self, r: Ref) {
        let op = self.get(r).op;
        let prev = self.get(r).prev;
        let mut cur = self.chain[op as usize];
        if cur == r.0 {
            self.chain[op as usize] = prev;
        } else {
            while cur != 0 && cur > r.0 {
                let next = self.get(Ref(cur)).prev;
                if next == r.0 {
                    self.get_mut(Ref(cur)).prev = prev;
                    break;
                }
                cur = next;
            }
        }
        let nop = Ins::new(Op::NOP, IrT::new(IrType::NIL), 0, 0);
        *self.get_mut(r) = nop;
    }

    /// Drops every instruction from `r` on (and the snapshots covering them), rebuilding
    /// the chains: used to undo a failed loop unroll.
    pub fn truncate(&mut self, r: Ref) {
        self.ins.truncate(r.idx());
        self.snaps.retain(|s| s.r <= r);
        for op in super::op::OPS.iter().filter(|o| !o.is_const()) {
            self.chain[*op as usize] = 0;
        }
        for i in 1..self.ins.len() {
            let op = self.ins[i].op;
            self.ins[i].prev = self.chain[op as usize];
            self.chain[op as usize] = Ref::from_idx(i).0;
        }
        if self.loop_ref.is_some_and(|l| l >= r) {
            self.loop_ref = None;
        }
    }

    fn push_const(&mut self, mut ins: Ins) -> Ref {
        let r = Ref(Ref::BIAS - 1 - self.k.len() as u16);
        ins.prev = self.chain[ins.op as usize];
        self.chain[ins.op as usize] = r.0;
        self.k.push(ins);
        r
    }

    fn intern(&mut self, ins: Ins) -> Result<Ref, IrError> {
        for r in self.chain(ins.op) {
            let k = self.get(r);
            if k.op1 == ins.op1 && k.op2 == ins.op2 && k.t == ins.t {
                return Ok(r);
            }
        }
        if self.k.len() >= self.limits.max_consts + 3 || self.k.len() >= Ref::BIAS as usize - 1 {
            return Err(IrError::TooManyConstants);
        }
        Ok(self.push_const(ins))
    }

    fn intern64(
        &mut self,
        op: Op,
        t: IrType,
        bits: u64,
        label: Option<Cow<'static, str>>,
    ) -> Result<Ref, IrError> {
        for r in self.chain(op) {
            let k = self.get(r);
            if k.ty() == t && self.k64[k.op12() as usize].0 == bits {
                return Ok(r);
            }
        }
        if self.k.len() >= self.limits.max_consts + 3 || self.k.len() >= Ref::BIAS as usize - 1 {
            return Err(IrError::TooManyConstants);
        }
        let idx = self.k64.len() as u32;
        self.k64.push((bits, label));
        let ins = Ins::new(op, IrT::new(t), idx as u16, (idx >> 16) as u16);
        Ok(self.push_const(ins))
    }

    /// The constant `nil`, `false` or `true`.
    pub fn kpri(t: IrType) -> Ref {
        match t {
            IrType::FALSE => Ref::FALSE,
            IrType::TRUE => Ref::TRUE,
            _ => Ref::NIL,
        }
    }

    /// A number constant (interned by its bits: `0` and `-0` are different constants).
    pub fn knum(&mut self, n: f64) -> Result<Ref, IrError> {
        self.intern64(Op::KNUM, IrType::NUM, n.to_bits(), None)
    }

    /// A 32-bit integer constant.
    pub fn kint(&mut self, n: i32) -> Result<Ref, IrError> {
        let u = n as u32;
        self.intern(Ins::new(
            Op::KINT,
            IrT::new(IrType::INT),
            u as u16,
            (u >> 16) as u16,
        ))
    }

    /// A 64-bit integer constant.
    pub fn kint64(&mut self, n: u64) -> Result<Ref, IrError> {
        self.intern64(Op::KINT64, IrType::I64, n, None)
    }

    /// A raw pointer constant (an address known at record time).
    pub fn kptr(&mut self, p: u64, label: Option<String>) -> Result<Ref, IrError> {
        self.intern64(Op::KPTR, IrType::PTR, p, label.map(Cow::Owned))
    }

    /// A raw pointer constant with a static dump label (no allocation: what the
    /// recorder uses, which must stay cheap when the recording is thrown away).
    pub fn kptr_static(&mut self, p: u64, label: &'static str) -> Result<Ref, IrError> {
        self.intern64(Op::KPTR, IrType::PTR, p, Some(Cow::Borrowed(label)))
    }

    /// A GC object constant; `label` is what dumps print (a string's quoted text, a
    /// function's name), so dumps never show addresses.
    pub fn kgc(&mut self, t: IrType, ptr: u64, label: String) -> Result<Ref, IrError> {
        debug_assert!(t.is_gc());
        self.intern64(Op::KGC, t, ptr, Some(Cow::Owned(label)))
    }

    /// A GC object constant without a label: dumps print its type and payload
    /// (`str:0x1234`), formatted only when a dump is made.
    pub fn kgc_unlabeled(&mut self, t: IrType, ptr: u64) -> Result<Ref, IrError> {
        debug_assert!(t.is_gc());
        self.intern64(Op::KGC, t, ptr, None)
    }

    /// A key-slot constant: key constant `key` found at skeys slot `slot` (for `HREFK`).
    pub fn kslot(&mut self, key: Ref, slot: u16) -> Result<Ref, IrError> {
        debug_assert!(key.is_const());
        self.intern(Ins::new(Op::KSLOT, IrT::new(IrType::PTR), key.0, slot))
    }

    /// The value of a `KNUM`, or `None` for other refs.
    pub fn num_value(&self, r: Ref) -> Option<f64> {
        let k = self.get(r);
        (r.is_const() && k.op == Op::KNUM).then(|| f64::from_bits(self.k64[k.op12() as usize].0))
    }

    /// The value of a `KINT`, or `None` for other refs.
    pub fn int_value(&self, r: Ref) -> Option<i32> {
        let k = self.get(r);
        (r.is_const() && k.op == Op::KINT).then(|| k.op12() as i32)
    }

    /// The 64-bit payload of a `KNUM`/`KGC`/`KPTR`/`KINT64`.
    pub fn k64_value(&self, r: Ref) -> Option<u64> {
        let k = self.get(r);
        (r.is_const() && matches!(k.op, Op::KNUM | Op::KGC | Op::KPTR | Op::KINT64))
            .then(|| self.k64[k.op12() as usize].0)
    }

    /// The dump label of a `KGC`/`KPTR` constant.
    pub fn k_label(&self, r: Ref) -> Option<&str> {
        let k = self.get(r);
        if r.is_const() && matches!(k.op, Op::KGC | Op::KPTR) {
            self.k64[k.op12() as usize].1.as_deref()
        } else {
            None
        }
    }

    /// Copies this trace's constants (same refs) into an otherwise empty trace with the
    /// given switches: the start of every re-emitting pass.
    pub fn fork_consts(&self, passes: Passes) -> Trace {
        let mut t = Trace::new(passes, self.limits);
        t.k = self.k.clone();
        t.k64 = self.k64.clone();
        for op in crate::jit::ir::op::OPS.iter().filter(|o| o.is_const()) {
            t.chain[*op as usize] = self.chain[*op as usize];
        }
        t
    }

    /// Whether the loop pass marked `r` as loop-carried (fold must not look through it).
    pub fn is_phi_barrier(&self, r: Ref) -> bool {
        r.is_ins() && self.phi_barrier.get(r.idx()).copied().unwrap_or(false)
    }
}

/// Iterator over one opcode's chain, newest first.
pub struct ChainIter<'a> {
    trace: &'a Trace,
    next: u16,
}

impl Iterator for ChainIter<'_> {
    type Item = Ref;
    fn next(&mut self) -> Option<Ref> {
        if self.next == 0 {
            return None;
        }
        let r = Ref(self.next);
        self.next = self.trace.get(r).prev;
        Some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn refs_are_biased() {
        assert!(Ref::NIL.is_const() && Ref::TRUE.is_const());
        assert!(Ref::BASE.is_ins() && Ref::FIRST.is_ins());
        assert_eq!(Ref::FIRST.num(), 1);
        assert_eq!(format!("{}", Ref::FIRST), "0001");
    }

    /// A reset trace is a new one: same constants, refs, chains, no snapshots.
    #[test]
    fn reset_makes_a_new_trace() {
        let mut t = Trace::default();
        let a = t.knum(1.5).unwrap();
        t.kgc_unlabeled(IrType::STR, 8).unwrap();
        let x = t.kint(3).unwrap();
        t.append(Ins::new(Op::ADD, IrT::new(IrType::INT), x.0, x.0))
            .unwrap();
        t.snaps.push(crate::jit::snapshot::Snapshot::new(
            t.next_ref(),
            1,
            1,
            Vec::new(),
        ));
        t.loop_ref = Some(Ref::FIRST);
        t.phi_barrier.push(true);
        t.reset(Passes::NONE, Limits::default());
        let fresh = Trace::new(Passes::NONE, Limits::default());
        assert_eq!(
            (t.num_consts(), t.num_ins()),
            (fresh.num_consts(), fresh.num_ins())
        );
        assert_eq!(t.chain, fresh.chain);
        assert!(t.snaps.is_empty() && t.loop_ref.is_none() && t.phi_barrier.is_empty());
        assert_eq!(t.k64.len(), 0);
        // A constant made again gets the ref a fresh trace gives it, not a stale one.
        let y = t.kint(4).unwrap();
        assert_eq!(Some(y), fresh.clone().kint(4).ok());
        assert_eq!(t.num_value(a), None);
        assert_eq!(t.int_value(y), Some(4));
    }

    /// Unlabeled GC constants and static labels allocate nothing, and dumps still print
    /// them (`type:payload`, the static text).
    #[test]
    fn lazy_labels_dump_as_eager_ones_did() {
        let mut t = Trace::default();
        let s = t.kgc_unlabeled(IrType::STR, 0x1234).unwrap();
        assert_eq!(t.kgc_unlabeled(IrType::STR, 0x1234).unwrap(), s);
        assert_eq!(t.k_label(s), None);
        let mut out = String::new();
        crate::jit::ir::dump::operand(&t, s, &mut out);
        assert_eq!(out, "str:0x1234");
        let p = t.kptr_static(0x40, "input3").unwrap();
        assert_eq!(t.k_label(p), Some("input3"));
    }

    #[test]
    fn constants_are_interned() {
        let mut t = Trace::default();
        let a = t.knum(1.5).unwrap();
        let b = t.knum(1.5).unwrap();
        let z = t.knum(0.0).unwrap();
        let nz = t.knum(-0.0).unwrap();
        assert_eq!(a, b);
        assert_ne!(z, nz);
        assert!(a.is_const() && a < Ref::TRUE);
        assert_eq!(t.num_value(a), Some(1.5));
        let i = t.kint(-7).unwrap();
        assert_eq!(t.int_value(i), Some(-7));
        assert_eq!(t.kint(-7).unwrap(), i);
        assert_eq!(Trace::kpri(IrType::FALSE), Ref::FALSE);
        let s1 = t.kgc(IrType::STR, 0x1000, "\"x\"".into()).unwrap();
        let s2 = t.kgc(IrType::TAB, 0x1000, "t".into()).unwrap();
        assert_ne!(s1, s2, "type is part of the key");
        assert_eq!(t.k_label(s1), Some("\"x\""));
    }

    #[test]
    fn limits_are_enforced() {
        let mut t = Trace::new(
            Passes::default(),
            Limits {
                max_ins: 3,
                max_consts: 2,
                max_snaps: 1,
            },
        );
        t.knum(1.0).unwrap();
        t.knum(2.0).unwrap();
        assert_eq!(t.knum(3.0), Err(IrError::TooManyConstants));
        let ins = Ins::new(Op::LOOP, IrT::new(IrType::NIL), 0, 0);
        t.append(ins).unwrap();
        t.append(ins).unwrap();
        assert_eq!(t.append(ins), Err(IrError::TraceTooLong));
    }

    #[test]
    fn nop_unlinks_from_chain() {
        let mut t = Trace::default();
        let ins = Ins::new(Op::LOOP, IrT::new(IrType::NIL), 0, 0);
        let a = t.append(ins).unwrap();
        let b = t.append(ins).unwrap();
        let c = t.append(ins).unwrap();
        t.nop(b);
        assert_eq!(t.chain(Op::LOOP).collect::<Vec<_>>(), [c, a]);
        t.nop(c);
        assert_eq!(t.chain(Op::LOOP).collect::<Vec<_>>(), [a]);
        assert_eq!(t.op(b), Op::NOP);
    }

    #[test]
    fn truncate_rebuilds_chains_and_drops_snapshots() {
        let mut t = Trace::default();
        let ins = Ins::new(Op::LOOP, IrT::new(IrType::NIL), 0, 0);
        let a = t.append(ins).unwrap();
        t.snaps.push(crate::jit::snapshot::Snapshot::new(
            t.next_ref(),
            1,
            0,
            Vec::new(),
        ));
        let b = t.append(ins).unwrap();
        t.snaps.push(crate::jit::snapshot::Snapshot::new(
            t.next_ref(),
            2,
            0,
            Vec::new(),
        ));
        t.append(ins).unwrap();
        t.truncate(b);
        assert_eq!(t.next_ref(), b);
        assert_eq!(t.chain(Op::LOOP).collect::<Vec<_>>(), [a]);
        assert_eq!(t.snaps.len(), 1);
        crate::jit::ir::verify(&t).unwrap();
    }
}
