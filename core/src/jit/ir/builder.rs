//! The emit pipeline: every instruction the recorder (or a re-emitting pass) produces goes
//! through fold, then CSE or load forwarding / dead-store elimination, then is appended.
//!
//! Invariants: [`Trace::emit`] returns a ref holding exactly the value the requested
//! instruction would compute (or [`Ref::NONE`] when a guard or store was proved
//! redundant); each stage is switched by [`crate::jit::opt::Passes`], and with every
//! switch off `emit` is `append`. Folding only reduces strength, so its retry loop ends;
//! it is bounded anyway.

use alloc::vec::Vec;

use super::call::Call;
use super::op::{Kind, Op};
use super::trace::{Ins, IrError, Ref, Trace};
use super::types::{IrT, IrType};
use crate::jit::opt::{cse, fold, fwd};
use crate::jit::snapshot::{SnapEntry, Snapshot};

/// Upper bound on fold retries for one instruction.
const MAX_FOLD_RETRIES: usize = 16;

/// Flags of `SLOAD` (operand b).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SloadFlags(pub u16);

impl SloadFlags {
    /// No flags: the slot's type is known (e.g. inherited from a parent trace's guard).
    pub const NONE: SloadFlags = SloadFlags(0);
    /// Guard the slot's type (`T`).
    pub const TYPECHECK: SloadFlags = SloadFlags(1);
    /// Loaded from a parent trace's exit state (`P`).
    pub const PARENT: SloadFlags = SloadFlags(2);
    /// Load a number and convert it to an integer, guarding exactness (`C`).
    pub const CONVERT: SloadFlags = SloadFlags(4);
    /// The slot is never written by the trace (`R`).
    pub const READONLY: SloadFlags = SloadFlags(8);
    /// Loads a frame slot (the function of a frame) (`F`).
    pub const FRAME: SloadFlags = SloadFlags(16);
    /// Every flag with its dump letter, in dump order.
    pub const LETTERS: [(SloadFlags, char); 5] = [
        (Self::PARENT, 'P'),
        (Self::FRAME, 'F'),
        (Self::TYPECHECK, 'T'),
        (Self::CONVERT, 'C'),
        (Self::READONLY, 'R'),
    ];
    /// Whether all flags of `other` are set.
    pub fn has(self, other: SloadFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl core::ops::BitOr for SloadFlags {
    type Output = SloadFlags;
    fn bitor(self, o: SloadFlags) -> SloadFlags {
        SloadFlags(self.0 | o.0)
    }
}

/// Operand b of `CONV`: destination type, source type, and whether to guard exactness.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Conv(pub u16);

impl Conv {
    /// Flag: guard that the conversion is exact (number to integer).
    pub const CHECK: u16 = 0x400;
    /// A conversion from `src` to `dst`.
    pub fn new(dst: IrType, src: IrType, check: bool) -> Conv {
        Conv((dst as u16) << 5 | src as u16 | if check { Self::CHECK } else { 0 })
    }
    /// Destination type.
    pub fn dst(self) -> IrType {
        IrType::from_u8(((self.0 >> 5) & 31) as u8).unwrap_or(IrType::NIL)
    }
    /// Source type.
    pub fn src(self) -> IrType {
        IrType::from_u8((self.0 & 31) as u8).unwrap_or(IrType::NIL)
    }
    /// Whether exactness is guarded.
    pub fn check(self) -> bool {
        self.0 & Self::CHECK != 0
    }
}

impl Trace {
    /// Emits an instruction through the optimization pipeline.
    pub fn emit(&mut self, op: Op, t: IrT, a: u16, b: u16) -> Result<Ref, IrError> {
        self.emit_ins(Ins::new(op, t, a, b))
    }

    /// Emits an instruction through the optimization pipeline.
    pub fn emit_ins(&mut self, mut ins: Ins) -> Result<Ref, IrError> {
        debug_assert!(!ins.op.is_const(), "constants are interned, not emitted");
        if self.passes.fold {
            let mut retries = 0;
            loop {
                match fold::fold(self, ins)? {
                    fold::Fold::Emit => break,
                    fold::Fold::Retry(n) if retries < MAX_FOLD_RETRIES => {
                        debug_assert_eq!(n.ty(), ins.ty(), "fold must keep the type");
                        retries += 1;
                        ins = n;
                    }
                    fold::Fold::Retry(n) => {
                        ins = n;
                        break;
                    }
                    fold::Fold::Ref(r) => {
                        debug_assert!(
                            r == Ref::NONE || self.ty(r) == ins.ty(),
                            "fold changed type: {ins:?} -> {:?}",
                            self.get(r)
                        );
                        return Ok(r);
                    }
                    fold::Fold::Drop => return Ok(Ref::NONE),
                    fold::Fold::Fail => return Err(IrError::GuardAlwaysFails),
                }
            }
        }
        match ins.op.kind() {
            Kind::Norm | Kind::Comm if self.passes.cse => {
                if let Some(r) = cse::find(self, &ins) {
                    return Ok(r);
                }
            }
            Kind::Load if ins.op == Op::SLOAD && self.passes.cse => {
                if let Some(r) = cse::find(self, &ins) {
                    return Ok(r);
                }
            }
            Kind::Load if self.passes.fwd => {
                if let Some(r) = fwd::forward_load(self, &ins)? {
                    return Ok(r);
                }
            }
            Kind::Store if self.passes.dse && fwd::eliminate_store(self, &ins) => {
                return Ok(Ref::NONE);
            }
            _ => {}
        }
        self.append(ins)
    }

    /// Emits `op a b` with two ref operands.
    pub fn emit_rr(&mut self, op: Op, t: IrType, a: Ref, b: Ref) -> Result<Ref, IrError> {
        self.emit(op, IrT::new(t), a.0, b.0)
    }

    /// Emits `op a` with one ref operand.
    pub fn emit_r(&mut self, op: Op, t: IrType, a: Ref) -> Result<Ref, IrError> {
        self.emit(op, IrT::new(t), a.0, 0)
    }

    /// Emits `op a #lit` (a field, a call id, conversion bits, a math function...).
    pub fn emit_rl(&mut self, op: Op, t: IrType, a: Ref, lit: u16) -> Result<Ref, IrError> {
        self.emit(op, IrT::new(t), a.0, lit)
    }

    /// Emits a typed load that guards the type of the loaded value (`ALOAD`, `HLOAD`,
    /// `ULOAD`, `XLOAD`).
    pub fn load_guarded(&mut self, op: Op, t: IrType, addr: Ref) -> Result<Ref, IrError> {
        debug_assert_eq!(op.kind(), Kind::Load);
        self.emit(op, IrT::guarded(t), addr.0, 0)
    }

    /// Loads a stack slot (relative to the entry base) of the type the recorder saw,
    /// guarding the type when `flags` has `TYPECHECK`.
    pub fn sload(&mut self, slot: i16, ty: IrType, flags: SloadFlags) -> Result<Ref, IrError> {
        let t = if flags.has(SloadFlags::TYPECHECK) || flags.has(SloadFlags::CONVERT) {
            IrT::guarded(ty)
        } else {
            IrT::new(ty)
        };
        self.emit(Op::SLOAD, t, slot as u16, flags.0)
    }

    /// Emits a comparison guard `op a b` (the recorder chooses `op` so that it holds on the
    /// path being recorded); `Ref::NONE` when folding proved it always holds.
    pub fn guard(&mut self, op: Op, a: Ref, b: Ref) -> Result<Ref, IrError> {
        debug_assert!(op.is_comparison() || op == Op::ABC);
        self.emit(op, IrT::guarded(IrType::NIL), a.0, b.0)
    }

    /// Emits a call of a helper with its arguments (built into a `CARG` chain).
    pub fn call(&mut self, f: Call, args: &[Ref]) -> Result<Ref, IrError> {
        debug_assert_eq!(args.len(), f.nargs());
        let mut list = Ref::NIL;
        for (i, a) in args.iter().enumerate() {
            list = if i == 0 {
                *a
            } else {
                self.emit(Op::CARG, IrT::new(IrType::NIL), list.0, a.0)?
            };
        }
        self.emit(f.op(), IrT::new(f.result()), list.0, f as u16)
    }

    /// The arguments of a call instruction, first to last.
    pub fn call_args(&self, call: Ref) -> Vec<Ref> {
        let mut args = Vec::new();
        let mut a = self.get(call).a();
        let n = Call::from_u16(self.get(call).op2).map_or(0, Call::nargs);
        while args.len() + 1 < n && self.op(a) == Op::CARG {
            args.push(self.get(a).b());
            a = self.get(a).a();
        }
        if n > 0 {
            args.push(a);
        }
        args.reverse();
        args
    }

    /// Takes a snapshot of the state before the next instruction: the recorder calls this
    /// before emitting a guard whose exit resumes at `pc` (or lets one snapshot cover
    /// several guards when no slot changed in between: the last snapshot is replaced when
    /// no instruction was emitted since it).
    pub fn snapshot(
        &mut self,
        pc: u32,
        nslots: i16,
        entries: Vec<SnapEntry>,
    ) -> Result<usize, IrError> {
        self.push_snapshot(Snapshot::new(self.next_ref(), pc, nslots, entries))
    }

    /// Adds a fully built snapshot (frames included) covering from the next instruction.
    pub fn push_snapshot(&mut self, mut s: Snapshot) -> Result<usize, IrError> {
        s.r = self.next_ref();
        if let Some(last) = self.snaps.last_mut() {
            if last.r == s.r {
                *last = s;
                return Ok(self.snaps.len() - 1);
            }
        }
        if self.snaps.len() >= self.limits.max_snaps {
            return Err(IrError::TooManySnapshots);
        }
        self.snaps.push(s);
        Ok(self.snaps.len() - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::opt::Passes;

    #[test]
    fn conv_round_trips() {
        let c = Conv::new(IrType::INT, IrType::NUM, true);
        assert_eq!(
            (c.dst(), c.src(), c.check()),
            (IrType::INT, IrType::NUM, true)
        );
    }

    #[test]
    fn calls_build_arg_chains() {
        let mut t = Trace::new(Passes::NONE, Default::default());
        let a = t.sload(1, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let b = t.sload(2, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let c = t.call(Call::ATAN2, &[a, b]).unwrap();
        assert_eq!(t.op(c), Op::CALLN);
        assert_eq!(t.call_args(c), [a, b]);
        let d = t.call(Call::ASIN, &[a]).unwrap();
        assert_eq!(t.call_args(d), [a]);
    }

    #[test]
    fn snapshots_merge_when_nothing_was_emitted() {
        let mut t = Trace::default();
        t.snapshot(1, 3, Vec::new()).unwrap();
        t.snapshot(2, 3, Vec::new()).unwrap();
        assert_eq!(t.snaps.len(), 1);
        assert_eq!(t.snaps[0].pc, 2);
        t.sload(1, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        t.snapshot(3, 3, Vec::new()).unwrap();
        assert_eq!(t.snaps.len(), 2);
    }

    #[test]
    fn convenience_emitters() {
        let mut t = Trace::default();
        let tab = t.sload(0, IrType::TAB, SloadFlags::TYPECHECK).unwrap();
        let x = t.sload(1, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let y = t.emit_rr(Op::MUL, IrType::NUM, x, x).unwrap();
        let n = t.emit_r(Op::NEG, IrType::NUM, y).unwrap();
        let arr = t.emit_rl(
            Op::FLOAD,
            IrType::PTR,
            tab,
            super::super::Field::TAB_ARRAY as u16,
        );
        let one = t.kint(1).unwrap();
        let ar = t.emit_rr(Op::AREF, IrType::PTR, arr.unwrap(), one).unwrap();
        let v = t.load_guarded(Op::ALOAD, IrType::NUM, ar).unwrap();
        assert!(t.get(v).t.is_guard() && t.ty(v) == IrType::NUM);
        assert_eq!(t.emit_r(Op::NEG, IrType::NUM, n).unwrap(), y, "folded");
        crate::jit::ir::verify(&t).unwrap();
    }
}
