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
/// loop, then dce. Each pass runs only when switched on in `t.passes`. Returns whether the
/// trace loops: the loop pass reports type instability as `false` after undoing itself,
/// and the trace is then a straight trace without `LOOP`.
pub fn optimize(t: Trace) -> Result<(Trace, bool), IrError> {
    let p = t.passes;
    let mut t = t;
    if p.fold || p.cse || p.fwd || p.dse {
        let mut q = p;
        q.r#loop = false;
        q.dce = false;
        t = reemit(&t, q)?;
    }
    let mut looped = false;
    if p.r#loop {
        looped = r#loop::run(&mut t)?;
    }
    if p.dce {
        dce::run(&mut t);
    }
    t.passes = p;
    Ok((t, looped))
}
