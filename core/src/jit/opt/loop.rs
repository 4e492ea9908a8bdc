//! Loop optimization: peel one iteration and copy-substitute (LuaJIT's `lj_opt_loop.c`
//! idea, our own code).
//!
//! The recorded trace is one iteration (the pre-roll). The pass emits `LOOP`, then
//! re-emits every pre-roll instruction through the normal pipeline (fold, CSE, forwarding)
//! with its operands substituted by their loop-body versions (`subst`). Substituted
//! operands that did not change make the instruction invariant: CSE finds the pre-roll
//! instruction itself and nothing is emitted, so invariant code (and invariant guards)
//! stays before `LOOP` without any code motion. A stack load (`SLOAD`) in the body reads
//! what the previous iteration left in the slot: the ref of the loop snapshot (the last
//! snapshot, taken at the back-edge), not substituted.
//!
//! Invariants after the pass:
//! - a pre-roll ref `p` used in the body (by an instruction or a body snapshot) denotes
//!   its value from the previous iteration; unless it is invariant (`subst[p] == p`),
//!   there is a `PHI p subst[p]`: at the back-edge, `p` takes the body's value. PHIs are
//!   parallel (a swap of two variables is a PHI cycle); every PHI's right side that is
//!   itself a varying pre-roll ref has its own PHI;
//! - fold never looks through a loop-carried ref while the body is emitted (the PHI
//!   barrier): rewriting `(i + 1) + 1` as `i + 2` would make the body reference one more
//!   loop-carried value (one more PHI, a longer live range) for no gain. Correctness does
//!   not depend on it: PHIs are computed from the body's actual references afterwards;
//! - pre-roll snapshots are copied into the body with substituted refs, merged with the
//!   loop snapshot for the slots they do not mention (modified by earlier iterations);
//! - a loop-carried value that changes type (a slot loaded as `num` that ends the
//!   iteration as `int` is converted; anything else), or a guard that always fails in the
//!   body, makes the pass undo itself and report `false`: the trace stays a straight trace.

use alloc::collections::BTreeSet;
use alloc::vec;
use alloc::vec::Vec;

use crate::jit::ir::{Conv, Ins, IrError, IrT, IrType, Kind, Mode, Op, Ref, Trace};
use crate::jit::opt::map_snapshot;
use crate::jit::snapshot::Snapshot;

/// Maximum number of PHIs of one loop (they must fit the registers to be useful).
pub const MAX_PHIS: usize = 64;

/// Unrolls the loop. Requires that the last snapshot is the loop snapshot (taken at the
/// back-edge, after the last instruction, in the start frame). Returns `Ok(false)`,
/// leaving the trace as it was, when the loop is type-unstable or there is no loop
/// snapshot.
pub fn run(t: &mut Trace) -> Result<bool, IrError> {
    let invar = t.next_ref();
    let Some(loop_snap) = t.snaps.last().cloned() else {
        return Ok(false);
    };
    // A loop comes back to the frame it started in.
    let start_frame = loop_snap.frames.len() == 1 && loop_snap.frames[0].base == 0;
    if loop_snap.r != invar || t.loop_ref.is_some() || !start_frame {
        return Ok(false);
    }
    let saved = t.clone();
    match unroll(t, &loop_snap, invar) {
        Ok(true) => Ok(true),
        // A guard that always fails in the second iteration (a flipped boolean) makes the
        // loop unstable too: the recorder may unroll another iteration instead.
        Ok(false) | Err(IrError::LoopUnstable | IrError::GuardAlwaysFails) => {
            *t = saved;
            Ok(false)
        }
        Err(e) => {
            *t = saved;
            Err(e)
        }
    }
}

fn unroll(t: &mut Trace, loop_snap: &Snapshot, invar: Ref) -> Result<bool, IrError> {
    let nsnaps = t.snaps.len();
    let lp = t.append(Ins::new(Op::LOOP, IrT::new(IrType::NIL), 0, 0))?;
    t.loop_ref = Some(lp);
    t.phi_barrier = vec![false; invar.idx()];
    let mut subst: Vec<Ref> = vec![Ref::NONE; invar.idx()];
    subst[0] = Ref::BASE;
    let sub = |subst: &[Ref], r: Ref| {
        if r.is_ins() && r < invar {
            subst[r.idx()]
        } else {
            r
        }
    };
    let mut next_snap = 0;

    for r in (Ref::FIRST.0..invar.0).map(Ref) {
        while next_snap < nsnaps && t.snaps[next_snap].r <= r {
            let s = copy_snapshot(&t.snaps[next_snap], loop_snap, |x| sub(&subst, x));
            t.push_snapshot(s)?;
            next_snap += 1;
        }
        let ins = *t.get(r);
        if ins.op == Op::NOP {
            continue;
        }
        let mut n = ins;
        let (m1, m2) = ins.op.modes();
        if m1 == Mode::Ref {
            n.op1 = sub(&subst, ins.a()).0;
        }
        if m2 == Mode::Ref {
            n.op2 = sub(&subst, ins.b()).0;
        }
        let nr = if ins.op == Op::SLOAD {
            match loop_snap.slot(ins.op1 as i16) {
                None => r, // Unchanged slot: the same value every iteration.
                Some(v) if t.ty(v) == ins.ty() => v,
                Some(v) if ins.ty() == IrType::NUM && t.ty(v) == IrType::INT => {
                    let c = Conv::new(IrType::NUM, IrType::INT, false);
                    t.emit(Op::CONV, IrT::new(IrType::NUM), v.0, c.0)?
                }
                Some(_) => return Err(IrError::LoopUnstable),
            }
        } else if matches!(ins.op.kind(), Kind::Norm | Kind::Comm)
            && n.op1 == ins.op1
            && n.op2 == ins.op2
        {
            r // Invariant: same pure instruction, same operands.
        } else {
            n.prev = 0;
            t.emit_ins(n)?
        };
        if nr.is_ins() && nr < invar && nr != r && nr != Ref::NONE {
            t.phi_barrier[nr.idx()] = true;
        }
        subst[r.idx()] = nr;
    }
    for s in &t.snaps[next_snap..nsnaps].to_vec() {
        let s = copy_snapshot(s, loop_snap, |x| sub(&subst, x));
        t.push_snapshot(s)?;
    }

    // Pre-roll refs the body uses: each varying one needs a PHI.
    let mut used = BTreeSet::new();
    for r in (lp.0 + 1..t.next_ref().0).map(Ref) {
        used.extend(
            t.get(r)
                .ref_operands()
                .filter(|a| a.is_ins() && *a < invar && *a != Ref::BASE),
        );
    }
    for s in &t.snaps[nsnaps..] {
        used.extend(
            s.refs()
                .filter(|a| a.is_ins() && *a < invar && *a != Ref::BASE),
        );
    }
    let mut phis = BTreeSet::new();
    let mut work: Vec<Ref> = used.into_iter().collect();
    while let Some(p) = work.pop() {
        let q = subst[p.idx()];
        if q == p || phis.contains(&p) {
            continue;
        }
        if q == Ref::NONE || t.ty(q) != t.ty(p) {
            return Err(IrError::LoopUnstable);
        }
        phis.insert(p);
        if q.is_ins() && q < invar {
            work.push(q);
        }
    }
    if phis.len() > MAX_PHIS {
        return Err(IrError::TooManyPhis);
    }
    t.phi_barrier.clear();
    for p in phis {
        let q = subst[p.idx()];
        t.append(Ins::new(Op::PHI, IrT::new(t.ty(p)), p.0, q.0))?;
    }
    Ok(true)
}

/// A pre-roll snapshot as seen in the body: its entries substituted, plus the loop
/// snapshot's entries (values of the previous iteration) for slots it does not mention.
fn copy_snapshot(s: &Snapshot, loop_snap: &Snapshot, f: impl Fn(Ref) -> Ref) -> Snapshot {
    let mut out = map_snapshot(s, f);
    for e in &loop_snap.entries {
        if e.slot < out.nslots && out.slot(e.slot).is_none() {
            out.set_slot(e.slot, e.r);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ir::dump::dump;
    use crate::jit::ir::{verify, Field, SloadFlags};
    use crate::jit::opt::{dce, Passes};
    use crate::jit::snapshot::SnapEntry;

    const N: IrT = IrT::new(IrType::NUM);

    fn snap(t: &mut Trace, pc: u32, top: i16, e: &[(i16, Ref)]) {
        let entries = e.iter().map(|&(slot, r)| SnapEntry { slot, r }).collect();
        t.snapshot(pc, top, entries).unwrap();
    }

    /// `local s = 0; for i = 1, n do s = s + i end` as a while-style loop on slots
    /// 0 (s), 1 (i), 2 (n).
    fn sum_loop() -> Trace {
        let mut t = Trace::default();
        let s = t.sload(0, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let i = t.sload(1, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let n = t
            .sload(2, IrType::NUM, SloadFlags::TYPECHECK | SloadFlags::READONLY)
            .unwrap();
        let s1 = t.emit(Op::ADD, N, s.0, i.0).unwrap();
        let one = t.knum(1.0).unwrap();
        let i1 = t.emit(Op::ADD, N, i.0, one.0).unwrap();
        snap(&mut t, 3, 3, &[(0, s1), (1, i1)]);
        t.guard(Op::LE, i1, n).unwrap();
        snap(&mut t, 1, 3, &[(0, s1), (1, i1)]);
        t
    }

    #[test]
    fn sum_loop_gets_phis() {
        let mut t = sum_loop();
        assert!(run(&mut t).unwrap());
        verify(&t).unwrap();
        dce::run(&mut t);
        verify(&t).unwrap();
        assert_eq!(
            dump(&t),
            "\
0001 >  num SLOAD  #0    T
0002 >  num SLOAD  #1    T
0003 >  num SLOAD  #2    TR
0004  + num ADD    0002  0001
0005  + num ADD    0002  +1
....              SNAP   #0   pc 3    [ #0=0004 #1=0005 ] top 3
0006 >  nil LE     0005  0003
....              SNAP   #1   pc 1    [ #0=0004 #1=0005 ] top 3
0007 ------------ LOOP ------------
0008    num ADD    0005  0004
0009    num ADD    0005  +1
....              SNAP   #2   pc 3    [ #0=0008 #1=0009 ] top 3
0010 >  nil LE     0009  0003
....              SNAP   #3   pc 1    [ #0=0008 #1=0009 ] top 3
0011    num PHI    0004  0008
0012    num PHI    0005  0009
"
        );
    }

    #[test]
    fn invariants_are_hoisted_and_guards_not_repeated() {
        // x = t.k * 2 (t, k invariant); acc = acc + x; guard acc < 100
        let mut t = Trace::default();
        let tab = t
            .sload(1, IrType::TAB, SloadFlags::TYPECHECK | SloadFlags::READONLY)
            .unwrap();
        let acc = t.sload(2, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let kk = t.kgc(IrType::STR, 7, "\"k\"".into()).unwrap();
        let ks = t.kslot(kk, 3).unwrap();
        snap(&mut t, 2, 4, &[]);
        let h = t
            .emit(Op::HREFK, IrT::new(IrType::PTR), tab.0, ks.0)
            .unwrap();
        let v = t.emit(Op::HLOAD, N.with_guard(), h.0, 0).unwrap();
        let two = t.knum(2.0).unwrap();
        let x = t.emit(Op::MUL, N, v.0, two.0).unwrap();
        let acc1 = t.emit(Op::ADD, N, acc.0, x.0).unwrap();
        snap(&mut t, 5, 4, &[(2, acc1), (3, x)]);
        let k_1 = t.knum(100.0).unwrap();
        t.guard(Op::LT, acc1, k_1).unwrap();
        snap(&mut t, 0, 4, &[(2, acc1), (3, x)]);
        assert!(run(&mut t).unwrap());
        dce::run(&mut t);
        verify(&t).unwrap();
        assert_eq!(
            dump(&t),
            "\
0001 >  tab SLOAD  #1    TR
0002 >  num SLOAD  #2    T
....              SNAP   #0   pc 2    [ ] top 4
0003 >  p64 HREFK  0001  \"k\" @3
0004 >  num HLOAD  0003
0005    num ADD    0004  0004
0006  + num ADD    0005  0002
....              SNAP   #1   pc 5    [ #2=0006 #3=0005 ] top 4
0007 >  nil LT     0006  +100
....              SNAP   #2   pc 0    [ #2=0006 #3=0005 ] top 4
0008 ------------ LOOP ------------
....              SNAP   #3   pc 2    [ #2=0006 #3=0005 ] top 4
0009    num ADD    0006  0005
....              SNAP   #4   pc 5    [ #2=0009 #3=0005 ] top 4
0010 >  nil LT     0009  +100
....              SNAP   #5   pc 0    [ #2=0009 #3=0005 ] top 4
0011    num PHI    0006  0009
"
        );
    }

    #[test]
    fn swap_makes_a_phi_cycle() {
        // a, b = b, a (slots 0 and 1); guard on a loop counter in slot 2.
        let mut t = Trace::default();
        let a = t.sload(0, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let b = t.sload(1, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let i = t.sload(2, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let k_2 = t.knum(1.0).unwrap();
        let i1 = t.emit(Op::ADD, N, i.0, k_2.0).unwrap();
        snap(&mut t, 4, 3, &[(0, b), (1, a), (2, i1)]);
        let k_3 = t.knum(10.0).unwrap();
        t.guard(Op::LT, i1, k_3).unwrap();
        snap(&mut t, 0, 3, &[(0, b), (1, a), (2, i1)]);
        assert!(run(&mut t).unwrap());
        dce::run(&mut t);
        verify(&t).unwrap();
        let d = dump(&t);
        assert!(
            d.ends_with(
                "\
0009    num PHI    0001  0002
0010    num PHI    0002  0001
0011    num PHI    0004  0007
"
            ),
            "{d}"
        );
    }

    #[test]
    fn type_instability_undoes() {
        let mut t = Trace::default();
        let x = t.sload(0, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let _ = x;
        snap(&mut t, 0, 1, &[(0, Ref::NIL)]);
        let before = dump(&t);
        assert!(!run(&mut t).unwrap());
        assert_eq!(dump(&t), before);
        assert_eq!(t.loop_ref, None);
    }

    #[test]
    fn flipped_boolean_undoes() {
        // `while x == 0 do x = 1 end`: the body's guard `1 == 0` always fails.
        let mut t = Trace::default();
        let x = t.sload(0, IrType::INT, SloadFlags::TYPECHECK).unwrap();
        snap(&mut t, 0, 1, &[]);
        let zero = t.kint(0).unwrap();
        t.guard(Op::EQ, x, zero).unwrap();
        let one = t.kint(1).unwrap();
        snap(&mut t, 0, 1, &[(0, one)]);
        let before = dump(&t);
        assert!(!run(&mut t).unwrap());
        assert_eq!(dump(&t), before);
    }

    #[test]
    fn narrowed_slot_is_converted() {
        let mut t = Trace::default();
        let x = t.sload(0, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let c = Conv::new(IrType::INT, IrType::NUM, true);
        let xi = t
            .emit(Op::CONV, IrT::guarded(IrType::INT), x.0, c.0)
            .unwrap();
        let one = t.kint(1).unwrap();
        let y = t
            .emit(Op::ADDOV, IrT::guarded(IrType::INT), xi.0, one.0)
            .unwrap();
        snap(&mut t, 0, 1, &[(0, y)]);
        assert!(run(&mut t).unwrap());
        verify(&t).unwrap();
        // The body adds to the previous int directly: conv(num(int)) folded away.
        let d = dump(&t);
        assert!(d.contains("0006 >  int ADDOV  0003  +1\n"), "{d}");
        assert!(d.contains("int PHI    0003  0006"), "{d}");
    }

    #[test]
    fn loads_and_stores_in_the_body() {
        // a[i] = a[i] + 1 with i = i + 1 each iteration, array part of the table in slot 0.
        let mut t = Trace::default();
        let tab = t.sload(0, IrType::TAB, SloadFlags::TYPECHECK).unwrap();
        let i = t.sload(1, IrType::INT, SloadFlags::TYPECHECK).unwrap();
        let asz = t
            .emit(
                Op::FLOAD,
                IrT::new(IrType::INT),
                tab.0,
                Field::TAB_ASIZE as u16,
            )
            .unwrap();
        snap(&mut t, 1, 2, &[]);
        t.guard(Op::ABC, asz, i).unwrap();
        let arr = t
            .emit(
                Op::FLOAD,
                IrT::new(IrType::PTR),
                tab.0,
                Field::TAB_ARRAY as u16,
            )
            .unwrap();
        let ar = t.emit(Op::AREF, IrT::new(IrType::PTR), arr.0, i.0).unwrap();
        let v = t.emit(Op::ALOAD, N.with_guard(), ar.0, 0).unwrap();
        let k_4 = t.knum(1.0).unwrap();
        let v1 = t.emit(Op::ADD, N, v.0, k_4.0).unwrap();
        t.emit(Op::ASTORE, IrT::new(IrType::NIL), ar.0, v1.0)
            .unwrap();
        let k_5 = t.kint(1).unwrap();
        let i1 = t
            .emit(Op::ADDOV, IrT::guarded(IrType::INT), i.0, k_5.0)
            .unwrap();
        snap(&mut t, 0, 2, &[(1, i1)]);
        assert!(run(&mut t).unwrap());
        dce::run(&mut t);
        verify(&t).unwrap();
        let d = dump(&t);
        // asize and the array base are invariant (no clobber in the loop); the load is not.
        assert!(d.contains("0013    p64 AREF   0005  0010\n"), "{d}");
        assert!(d.contains("0014 >  num ALOAD  0013\n"), "{d}");
        assert!(d.ends_with("0018    int PHI    0010  0017\n"), "{d}");
        assert_eq!(d.matches("FLOAD").count(), 2, "{d}");
    }

    #[test]
    fn passes_after_the_loop_leave_the_body_alone() {
        let mut t = sum_loop();
        assert!(run(&mut t).unwrap());
        let before = dump(&t);
        let again = crate::jit::opt::fold::run(&t).unwrap();
        let again = crate::jit::opt::cse::run(&again).unwrap();
        verify(&again).unwrap();
        assert_eq!(again.loop_ref, t.loop_ref);
        assert_eq!(dump(&again), before);
    }

    #[test]
    fn loop_needs_a_loop_snapshot() {
        let mut t = sum_loop();
        t.snaps.pop();
        assert!(!run(&mut t).unwrap());
        let mut p = Passes::ALL;
        p.r#loop = false;
        assert!(p.fold);
    }
}
