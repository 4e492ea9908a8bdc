//! Optimization passes over a trace, one per file.
//!
//! Invariants: every pass is a function over a [`Trace`] that keeps its meaning (same
//! values reach every snapshot and every side effect happens in the same order) and
//! leaves it passing [`crate::jit::ir::verify`]. Fold, CSE and forwarding run on the fly
//! inside [`Trace::emit`] (switched by [`Passes`]); run standalone they re-emit the trace
//! through [`reemit`] with only their switch on, so each can be tested and dumped alone.
//! The pipeline ([`optimize`]) is the one of DESIGN.md: (record with folding) -> cse ->
//! fwd -> loop -> dce.

pub mod cse;
pub mod dce;
pub mod fold;
pub mod fwd;
pub mod r#loop;

#[cfg(test)]
mod differential;
#[cfg(test)]
mod golden;

use alloc::vec;
use alloc::vec::Vec;

use crate::jit::ir::{IrError, Ref, Trace};
use crate::jit::snapshot::Snapshot;

/// Switches of the optimizations (`-O-fold` style flags).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Passes {
    /// Constant folding and algebraic simplification.
    pub fold: bool,
    /// Common-subexpression elimination.
    pub cse: bool,
    /// Load forwarding (and CSE of loads).
    pub fwd: bool,
    /// Dead-store elimination.
    pub dse: bool,
    /// Loop peeling with copy-substitution.
    pub r#loop: bool,
    /// Dead-code elimination.
    pub dce: bool,
}

impl Passes {
    /// Everything on (the default, like LuaJIT's `-O3`).
    pub const ALL: Passes = Passes {
        fold: true,
        cse: true,
        fwd: true,
        dse: true,
        r#loop: true,
        dce: true,
    };
    /// Everything off: `emit` appends as is.
    pub const NONE: Passes = Passes {
        fold: false,
        cse: false,
        fwd: false,
        dse: false,
        r#loop: false,
        dce: false,
    };
}

impl Default for Passes {
    fn default() -> Passes {
        Passes::ALL
    }
}

/// Re-emits every instruction of `t` through [`Trace::emit`] with the given switches,
/// substituting operands, and maps the snapshots. Constants keep their refs. From `LOOP`
/// on, instructions are copied unchanged: optimizing the loop body again would need the
/// loop pass's PHI analysis again (a new reference to a loop-carried value needs a PHI).
pub fn reemit(t: &Trace, passes: Passes) -> Result<Trace, IrError> {
    let mut out = t.fork_consts(passes);
    out.loop_ref = None;
    let mut subst: Vec<Ref> = vec![Ref::NONE; t.num_ins()];
    subst[0] = Ref::BASE;
    let map = |subst: &[Ref], r: Ref| if r.is_ins() { subst[r.idx()] } else { r };
    let mut next_snap = 0;
    for r in t.ins_refs() {
        while next_snap < t.snaps.len() && t.snaps[next_snap].r <= r {
            let s = map_snapshot(&t.snaps[next_snap], |x| map(&subst, x));
            out.push_snapshot(s)?;
            next_snap += 1;
        }
        let mut ins = *t.get(r);
        if ins.op == crate::jit::ir::Op::NOP {
            continue;
        }
        let (m1, m2) = ins.op.modes();
        if m1 == crate::jit::ir::Mode::Ref {
            ins.op1 = map(&subst, ins.a()).0;
        }
        if m2 == crate::jit::ir::Mode::Ref {
            ins.op2 = map(&subst, ins.b()).0;
        }
        let nr = if out.loop_ref.is_some() || ins.op == crate::jit::ir::Op::LOOP {
            out.append(ins)?
        } else {
            out.emit_ins(ins)?
        };
        if ins.op == crate::jit::ir::Op::LOOP {
            out.loop_ref = Some(nr);
        }
        subst[r.idx()] = nr;
    }
    for s in &t.snaps[next_snap..] {
        let s = map_snapshot(s, |x| map(&subst, x));
        out.push_snapshot(s)?;
    }
    Ok(out)
}

/// A snapshot with every ref mapped through `f`.
pub fn map_snapshot(s: &Snapshot, f: impl Fn(Ref) -> Ref) -> Snapshot {
    let mut s = s.clone();
    for e in &mut s.entries {
        e.r = f(e.r);
    }
    for fr in &mut s.frames {
        if fr.func != Ref::NONE {
            fr.func = f(fr.func);
        }
    }
    s
}

/// Runs the optimization pipeline on a recorded trace: fold + cse + fwd/dse (one
/// re-emission; when the recorder already emitted with them on, it changes nothing), then
/// loop (only for a trace that `loops` back to its start: its last snapshot is then the
/// loop snapshot), then dce. Each pass runs only when switched on in `t.passes`. Returns
/// whether the trace loops: the loop pass reports type instability as `false` after
/// undoing itself, and the trace is then a straight trace without `LOOP`.
pub fn optimize(t: Trace, loops: bool) -> Result<(Trace, bool), IrError> {
    let p = t.passes;
    let mut t = t;
    if p.fold || p.cse || p.fwd || p.dse {
        let mut q = p;
        q.r#loop = false;
        q.dce = false;
        t = reemit(&t, q)?;
    }
    let mut looped = false;
    if p.r#loop && loops {
        looped = r#loop::run(&mut t)?;
    }
    if p.dce {
        dce::run(&mut t);
    }
    t.passes = p;
    Ok((t, looped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ir::dump::dump;
    use crate::jit::ir::{verify, Call, IrT, IrType, Op, SloadFlags};
    use crate::jit::snapshot::{SnapEntry, SnapFrame, Snapshot};

    /// A trace that returns below its start frame (`RETF`), with effects that no pass may
    /// remove or merge: they all survive the whole pipeline, in order.
    #[test]
    fn effects_survive_the_pipeline() {
        let mut t = Trace::new(Passes::NONE, Default::default());
        let x = t.sload(0, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let pc = t.kptr(0x40, Some("pc:caller+3".into())).unwrap();
        let mut s = Snapshot::new(Ref::NONE, 7, 2, alloc::vec![SnapEntry { slot: 0, r: x }]);
        s.frames[0] = SnapFrame {
            base: -4,
            func: Ref::NONE,
            ret_pc: 0,
        };
        s.frames.push(SnapFrame {
            base: 0,
            func: Ref::NONE,
            ret_pc: 3,
        });
        t.push_snapshot(s).unwrap();
        let v = IrT::new(IrType::NIL);
        t.emit(Op::RETF, IrT::guarded(IrType::NIL), pc.0, 4)
            .unwrap();
        t.emit(Op::GCSTEP, v, 0, 0).unwrap();
        t.emit(Op::GCSTEP, v, 0, 0).unwrap();
        let tab = t.emit(Op::TNEW, IrT::new(IrType::TAB), 4, 0).unwrap();
        t.emit(Op::TBAR, v, tab.0, 0).unwrap();
        t.call(Call::TAB_LEN, &[tab]).unwrap();
        t.call(Call::GC_STEP, &[]).unwrap();
        t.emit(Op::USE, v, x.0, 0).unwrap();
        // After the return, the caller's frame (base -4) is the only one.
        let mut s = Snapshot::new(Ref::NONE, 9, -2, alloc::vec![SnapEntry { slot: -3, r: x }]);
        s.frames[0].base = -4;
        t.push_snapshot(s).unwrap();
        verify(&t).unwrap();
        let before = dump(&t);
        t.passes = Passes::ALL;
        let (t, looped) = optimize(t, false).unwrap();
        assert!(!looped);
        verify(&t).unwrap();
        let d = dump(&t);
        for op in ["RETF", "GCSTEP", "TBAR", "CALLS", "USE"] {
            assert_eq!(
                before.matches(op).count(),
                d.matches(op).count(),
                "{op}\n{d}"
            );
        }
        assert!(
            !d.contains("CALLL"),
            "an unused pure-read call is dead code:\n{d}"
        );
        assert!(d.contains("0002 >  nil RETF   pc:caller+3 4\n"), "{d}");
        assert!(d.contains("[ | @0 ret 3 #0=0001 ] top 2"), "{d}");
        assert!(d.contains("[ #-3=0001 ] top -2"), "{d}");
    }
}
