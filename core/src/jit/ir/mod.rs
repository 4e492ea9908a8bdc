//! The trace IR: a flat list of typed SSA instructions, constants kept apart, snapshots.
//!
//! # Structure and invariants
//! - A [`Trace`] is linear: the recorded path, then (after the loop pass) a `LOOP` marker
//!   and the loop body, ending with the `PHI`s of the loop-carried values. There are no
//!   other joins.
//! - Every instruction is 8 bytes ([`Ins`]): opcode, type with guard flag, two 16-bit
//!   operands interpreted per the opcode's [`Mode`] (ref, literal, constant payload,
//!   none), and the `prev` link of its opcode's chain.
//! - [`Ref`]s are biased: constants below [`Ref::BIAS`] (growing down), instructions
//!   from it (growing up); `nil`/`false`/`true` have fixed refs. Constants are interned,
//!   so equal constants have equal refs (numbers by their bits: `0` and `-0` differ).
//! - Every instruction has a type ([`IrType`]); instructions without a value (guards,
//!   stores, markers) are typed `nil`. A guard may exit through the snapshot covering it.
//! - Refs stay stable: removed instructions become `NOP`.
//! - [`verify`] checks all of this (and [`crate::jit::snapshot::verify`] the snapshots).
//!
//! # How the recorder uses the builder
//! The recorder owns a `Trace` (its [`Passes`](crate::jit::opt::Passes) from the JIT
//! flags) and a slot map (slot -> ref, like LuaJIT's `J->slot`):
//! 1. Reading a slot it has no ref for yet: [`Trace::sload`] with the type of the live
//!    value and `SloadFlags::TYPECHECK` (the guard), remembering the ref in the slot map.
//!    Writing a slot only updates the slot map: stack stores never appear in the IR.
//! 2. Before any instruction that can exit (a comparison [`Trace::guard`], a typed load,
//!    an overflow-checked op, `HREFK`, `ABC`), it takes a snapshot with
//!    [`Trace::snapshot`] / [`Trace::push_snapshot`]: the pc to resume at (the bytecode
//!    being recorded), the frames (inlined calls push a [`crate::jit::snapshot::SnapFrame`]
//!    after guarding the callee's identity with `EQ fn, KGC`), and the modified slots of
//!    the slot map. Consecutive snapshots without an instruction in between merge.
//! 3. Every instruction goes through [`Trace::emit`] (fold, CSE, forwarding): the result
//!    may be an older ref, a constant, or `Ref::NONE` for a guard that always holds; a
//!    guard that always fails is `Err(IrError::GuardAlwaysFails)` and aborts the trace.
//!    Constants come from [`Trace::knum`], [`Trace::kint`], [`Trace::kgc`] (with a label
//!    for dumps), [`Trace::kslot`]; helper calls from [`Trace::call`].
//! 4. Table access: `t.x` with `x` in skeys slot `i`: `HREFK t KSLOT("x", i)` (guard),
//!    then `HLOAD` (typed, guarded) or `HSTORE`; `t[i]`: `FLOAD t tab.asize`, `ABC`,
//!    `FLOAD t tab.array`, `AREF`, `ALOAD`/`ASTORE`; other keys: `HREF` + `HLOAD`.
//!    Upvalues: `UREF fn #n` + `ULOAD`/`USTORE`.
//!    Snapshots may drop slots the interpreter overwrites before reading them:
//!    [`crate::jit::snapshot::live_slots`] scans the bytecode from the resume pc and
//!    [`crate::jit::snapshot::Snapshot::purge`] removes the dead entries of a frame.
//! 5. At the loop's back-edge it takes the loop snapshot (every modified slot that is live
//!    at the loop start, pc of the loop start, the start frame only) and calls
//!    [`crate::jit::opt::optimize`] with `loops = true`, which runs the loop pass (that
//!    pass reads the slot map from that last snapshot) and the rest of the pipeline; a
//!    `false` result (type instability, or a guard that fails in the second iteration)
//!    leaves a straight trace, and the recorder may unroll further or link instead. A
//!    trace that does not loop ends with its exit snapshot and `loops = false` (see
//!    [`crate::jit::snapshot::final_snapshot`]).
//! 6. [`crate::jit::regalloc::allocate`] then gives every value a register or spill slot;
//!    the emitter walks the trace forward. Numbers it stores to the VM stack or heap must
//!    be canonical NaN-boxed values (see `opt/fold.rs` on NaN signs).
//!
//! # Tests
//! Each pass has unit tests on dumps; `opt/golden/*.txt` hold the dump after every stage
//! for five hand-built traces (`CRESCENT_BLESS=1` rewrites them); `opt/differential.rs`
//! checks random traces against a reference interpreter of the IR, before and after the
//! passes and on a simulated machine with the register allocation.

pub mod builder;
pub mod call;
pub mod dump;
pub mod field;
pub mod op;
pub mod trace;
pub mod types;

pub use builder::{Conv, SloadFlags};
pub use call::{Call, Effect};
pub use field::Field;
pub use op::{Fpm, Kind, Mode, Op};
pub use trace::{Ins, IrError, Limits, Ref, Trace};
pub use types::{IrT, IrType};

use alloc::format;
use alloc::string::String;

/// Checks the IR invariants: operands by mode (refs defined before use, never to a
/// removed instruction), chains sorted and complete, constants interned below the bias,
/// `PHI`s only after `LOOP`, and the snapshots.
pub fn verify(t: &Trace) -> Result<(), String> {
    let mut seen_loop = false;
    for r in t.ins_refs() {
        let ins = t.get(r);
        if ins.op.is_const() || ins.op == Op::BASE {
            return Err(format!("{r}: {} among instructions", ins.op));
        }
        if ins.op.is_guard() && !ins.t.is_guard() {
            return Err(format!("{r}: {} without guard flag", ins.op));
        }
        for a in ins.ref_operands() {
            if a >= r || a < t.first_const() || a == Ref::NONE {
                return Err(format!("{r}: operand {a} out of range"));
            }
            if t.op(a) == Op::NOP {
                return Err(format!("{r}: operand {a} was removed"));
            }
        }
        if let Some(e) = operand_types(t, ins) {
            return Err(format!("{r}: {} {e}", ins.op));
        }
        match ins.op {
            Op::LOOP if seen_loop => return Err(format!("{r}: second LOOP")),
            Op::LOOP => seen_loop = true,
            Op::PHI if !seen_loop => return Err(format!("{r}: PHI before LOOP")),
            Op::PHI => {
                let (a, b) = (ins.a(), ins.b());
                let l = t.loop_ref.unwrap_or(Ref::NONE);
                if !(a.is_ins() && a < l) || t.ty(a) != ins.ty() || t.ty(b) != ins.ty() {
                    return Err(format!("{r}: malformed PHI"));
                }
            }
            _ => {}
        }
    }
    for op in op::OPS {
        // Instructions chain to lower refs, constants (growing down) to higher ones.
        let mut last: Option<Ref> = None;
        for r in t.chain(*op) {
            let ordered = last.is_none_or(|l| if op.is_const() { r > l } else { r < l });
            if !ordered || t.op(r) != *op {
                return Err(format!("chain of {op} broken at {r}"));
            }
            last = Some(r);
        }
    }
    let chained: usize = op::OPS.iter().map(|o| t.chain(*o).count()).sum();
    let live = t.ins_refs().filter(|r| t.op(*r) != Op::NOP).count() + t.num_consts();
    if chained != live {
        return Err(format!(
            "{chained} chained, {live} live instructions and constants"
        ));
    }
    crate::jit::snapshot::verify(t)
}

/// Checks the operand types of one instruction; `Some(reason)` when they are wrong.
fn operand_types(t: &Trace, ins: &Ins) -> Option<&'static str> {
    let (a, b) = (ins.a(), ins.b());
    let ty = ins.ty();
    let arith = |n: usize| {
        let ok = t.ty(a) == ty && (n == 1 || t.ty(b) == ty);
        (!ok).then_some("operand type differs from result type")
    };
    match ins.op {
        Op::ADD | Op::SUB | Op::MUL | Op::DIV | Op::MOD | Op::POW | Op::MIN | Op::MAX => {
            arith(2).or((!(ty.is_fp() || ty.is_integer())).then_some("not a number type"))
        }
        Op::NEG | Op::ABS => arith(1),
        Op::FPMATH => arith(1)
            .or((ty != IrType::NUM).then_some("not a number"))
            .or(Fpm::from_u16(ins.op2)
                .is_none()
                .then_some("unknown function")),
        Op::ADDOV | Op::SUBOV | Op::MULOV => {
            arith(2).or((ty != IrType::INT).then_some("overflow check on a non-int"))
        }
        Op::BNOT => arith(1),
        Op::BAND | Op::BOR | Op::BXOR => arith(2),
        Op::BSHL | Op::BSHR | Op::BSAR | Op::BROL | Op::BROR => arith(1),
        op if op.is_comparison() => (t.ty(a) != t.ty(b)).then_some("compares different types"),
        Op::ABC => (t.ty(a) != IrType::INT || t.ty(b) != IrType::INT).then_some("needs ints"),
        Op::AREF => {
            (t.ty(a) != IrType::PTR || t.ty(b) != IrType::INT).then_some("needs (ptr, int)")
        }
        Op::HREFK => {
            (t.ty(a) != IrType::TAB || t.op(b) != Op::KSLOT).then_some("needs (tab, KSLOT)")
        }
        Op::HREF | Op::NEWREF => (t.ty(a) != IrType::TAB).then_some("needs a table"),
        Op::ALOAD | Op::HLOAD | Op::ULOAD => (t.ty(a) != IrType::PTR).then_some("needs an address"),
        Op::ASTORE | Op::HSTORE | Op::USTORE | Op::FSTORE | Op::XSTORE => {
            (t.ty(a) != IrType::PTR).then_some("needs an address")
        }
        Op::FLOAD | Op::FREF => match Field::from_u16(ins.op2) {
            None => Some("unknown field"),
            Some(f) if f.object_type() != t.ty(a) => Some("field of another object type"),
            Some(f) if ins.op == Op::FLOAD && f.value_type() != ty => Some("field type differs"),
            _ => None,
        },
        Op::CONV => {
            let c = Conv(ins.op2);
            (c.src() != t.ty(a) || c.dst() != ty).then_some("types differ from its conversion")
        }
        Op::CALLN | Op::CALLL | Op::CALLS => match Call::from_u16(ins.op2) {
            None => Some("unknown helper"),
            Some(c) if c.result() != ty => Some("result type differs from the helper's"),
            Some(c) if c.op() != ins.op => Some("call opcode does not match the helper's effects"),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::opt::Passes;

    #[test]
    fn verify_checks_operand_types() {
        let mut t = Trace::new(Passes::NONE, Limits::default());
        let x = t.sload(0, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let i = t.sload(1, IrType::INT, SloadFlags::TYPECHECK).unwrap();
        let tab = t.sload(2, IrType::TAB, SloadFlags::TYPECHECK).unwrap();
        t.emit(Op::ADD, IrT::new(IrType::NUM), x.0, x.0).unwrap();
        verify(&t).unwrap();
        let cases: [(Op, IrType, u16, u16, &str); 5] = [
            (Op::ADD, IrType::NUM, x.0, i.0, "operand type"),
            (Op::LT, IrType::NIL, x.0, i.0, "different types"),
            (
                Op::FLOAD,
                IrType::INT,
                x.0,
                Field::TAB_ASIZE as u16,
                "another object",
            ),
            (
                Op::FLOAD,
                IrType::NUM,
                tab.0,
                Field::TAB_ASIZE as u16,
                "field type",
            ),
            (
                Op::CALLN,
                IrType::NUM,
                x.0,
                Call::TAB_LEN as u16,
                "result type",
            ),
        ];
        for (op, ty, a, b, msg) in cases {
            let mut bad = t.clone();
            bad.append(Ins::new(op, IrT::new(ty), a, b)).unwrap();
            let e = verify(&bad).unwrap_err();
            assert!(e.contains(msg), "{op}: {e}");
        }
        let mut bad = t.clone();
        bad.nop(x);
        assert!(verify(&bad).unwrap_err().contains("removed"));
    }
}
