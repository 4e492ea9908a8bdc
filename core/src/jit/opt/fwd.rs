//! Memory optimizations: load forwarding, CSE of loads, dead-store elimination, all
//! driven by alias analysis per memory class.
//!
//! Invariants:
//! - memory classes are disjoint: an array slot (`AREF`), a hash or skeys/svals slot
//!   (`HREFK`/`HREF`/`NEWREF`), an upvalue (`UREF`), an object field (`FLOAD`/`FREF`), a
//!   raw pointer (`XLOAD`/`XSTORE`): a store of one class never changes a load of another;
//! - [`alias`] answers `No` only when the two addresses can never be the same, `Must` only
//!   when they always are; everything else is `May`;
//! - a load is replaced by the value of the newest `Must` store of its class when no
//!   `May` store lies in between, or by an identical older load when no store of its class
//!   may alias in between. Nothing is forwarded across a *clobber* (`NEWREF`, which can
//!   move a table's parts; a `CALLS` helper; `GCSTEP`);
//! - a store makes an older `Must` store dead only if nothing could observe the old value
//!   in between: no load that may alias, no guard (an exit would see memory without the
//!   old store), no clobber, and not across `LOOP`;
//! - upvalues: two `UREF`s of one closure are the same variable when they name the same
//!   upvalue and different ones otherwise; a constant closure operand (the input cell the
//!   entry check filled, see `record.rs`) always means the running closure. A loop body's
//!   `ULOAD` of an upvalue the previous iteration stored is that stored value (it becomes
//!   a PHI), or a guard that always fails when it was stored with another type.

use crate::jit::ir::{Field, Ins, IrError, IrType, Op, Ref, Trace};

/// The answer of an alias query.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Alias {
    /// Never the same address.
    No,
    /// Perhaps the same address.
    May,
    /// Always the same address.
    Must,
}

/// The newest instruction that may change any memory or table shape.
pub fn clobber_limit(t: &Trace) -> Ref {
    [Op::CALLS, Op::NEWREF, Op::GCSTEP]
        .iter()
        .map(|o| t.chain_head(*o))
        .max()
        .unwrap_or(Ref::NONE)
}

/// Whether `r` is a fresh allocation (a different allocation is a different object).
fn is_alloc(t: &Trace, r: Ref) -> bool {
    r.is_ins() && matches!(t.op(r), Op::TNEW | Op::TDUP)
}

/// Alias of two objects: `Must` if the same ref, `No` if both are distinct allocations.
fn alias_obj(t: &Trace, a: Ref, b: Ref) -> Alias {
    if a == b {
        Alias::Must
    } else if is_alloc(t, a) && is_alloc(t, b) {
        Alias::No
    } else {
        Alias::May
    }
}

/// Splits an index into (base ref, constant offset): `x + k` gives `(x, k)`, `k` gives
/// `(NONE, k)`, anything else `(x, 0)`.
fn index_parts(t: &Trace, r: Ref) -> (Ref, i64) {
    if let Some(k) = t.int_value(r) {
        return (Ref::NONE, k as i64);
    }
    let i = t.get(r);
    if r.is_ins() && i.op == Op::ADD && !t.is_phi_barrier(r) {
        if let Some(k) = t.int_value(i.b()) {
            return (i.a(), k as i64);
        }
    }
    (r, 0)
}

fn alias_aref(t: &Trace, a: Ref, b: Ref) -> Alias {
    let (ia, ib) = (t.get(a), t.get(b));
    if ia.op != Op::AREF || ib.op != Op::AREF {
        return Alias::May;
    }
    let (xa, ka) = index_parts(t, ia.b());
    let (xb, kb) = index_parts(t, ib.b());
    let same_index = if xa == xb {
        if ka == kb {
            Alias::Must
        } else {
            Alias::No
        }
    } else {
        Alias::May
    };
    if same_index == Alias::No {
        return Alias::No;
    }
    // The array bases: FLOAD tab tab.array of the two tables.
    let tab = |i: &Ins| {
        let base = t.get(i.a());
        if base.op == Op::FLOAD && base.op2 == Field::TAB_ARRAY as u16 {
            base.a()
        } else {
            i.a()
        }
    };
    match (alias_obj(t, tab(ia), tab(ib)), same_index) {
        (Alias::No, _) => Alias::No,
        (Alias::Must, Alias::Must) => Alias::Must,
        _ => Alias::May,
    }
}

/// The key and table of a hash reference.
fn href_parts(t: &Trace, r: Ref) -> Option<(Ref, Ref, Option<u16>)> {
    let i = t.get(r);
    match i.op {
        Op::HREFK => {
            let ks = t.get(i.b());
            Some((i.a(), ks.a(), Some(ks.op2)))
        }
        Op::HREF | Op::NEWREF => Some((i.a(), i.b(), None)),
        _ => None,
    }
}

fn alias_href(t: &Trace, a: Ref, b: Ref) -> Alias {
    let (Some((ta, ka, sa)), Some((tb, kb, sb))) = (href_parts(t, a), href_parts(t, b)) else {
        return Alias::May;
    };
    let keys = if ka == kb {
        Alias::Must
    } else if ka.is_const() && kb.is_const() {
        match (t.num_value(ka), t.num_value(kb)) {
            // 0 and -0 are the same key; NaN is never a key.
            (Some(x), Some(y)) if x == y => Alias::Must,
            _ => Alias::No,
        }
    } else {
        Alias::May
    };
    if keys == Alias::No {
        return Alias::No;
    }
    match alias_obj(t, ta, tb) {
        Alias::No => Alias::No,
        Alias::Must if keys == Alias::Must && (sa == sb || sa.is_none() || sb.is_none()) => {
            Alias::Must
        }
        _ => Alias::May,
    }
}

fn alias_uref(t: &Trace, a: Ref, b: Ref) -> Alias {
    let (ia, ib) = (t.get(a), t.get(b));
    if ia.op != Op::UREF || ib.op != Op::UREF {
        return Alias::May;
    }
    // A constant closure operand is an input cell the entry check filled from the running
    // closure (see `record.rs`): both are upvalues of that one closure.
    let same_closure = ia.a() == ib.a() || (ia.a().is_const() && ib.a().is_const());
    match (same_closure, ia.op2 == ib.op2) {
        (true, true) => Alias::Must,
        // Two upvalues of one closure are distinct variables.
        (true, false) => Alias::No,
        _ => Alias::May,
    }
}

/// Object and field of a field load (`FLOAD obj f`) or field reference (`FREF obj f`).
fn field_parts(t: &Trace, ins: &Ins) -> (Ref, u16) {
    if ins.op == Op::FLOAD {
        (ins.a(), ins.op2)
    } else {
        let f = t.get(ins.a());
        (f.a(), f.op2)
    }
}

/// Whether the memory read by `load` and written by `store` (both of one class) overlap.
pub fn alias(t: &Trace, load: &Ins, store: &Ins) -> Alias {
    let (a, b) = (load.a(), store.a());
    match load.op {
        Op::FLOAD | Op::FSTORE => {
            let (oa, fa) = field_parts(t, load);
            let (ob, fb) = field_parts(t, store);
            if fa != fb {
                Alias::No
            } else {
                alias_obj(t, oa, ob)
            }
        }
        _ if a == b => Alias::Must,
        Op::ALOAD | Op::ASTORE => alias_aref(t, a, b),
        Op::HLOAD | Op::HSTORE => alias_href(t, a, b),
        Op::ULOAD | Op::USTORE => alias_uref(t, a, b),
        _ => Alias::May,
    }
}

/// The value a load reads when it is already known; `Ok(None)`: emit the load. A typed
/// (guarded) load of what a `Must` store just wrote with another type can only fail its
/// guard: `GuardAlwaysFails` (in the loop body, a loop-carried upvalue or field that
/// changes type: the loop pass then reports the loop unstable).
pub fn forward_load(t: &Trace, ins: &Ins) -> Result<Option<Ref>, IrError> {
    let lim = clobber_limit(t);
    let mut floor = lim;
    if let Some(store_op) = ins.op.store_of() {
        for s in t.chain(store_op) {
            if s <= lim {
                break;
            }
            let st = *t.get(s);
            match alias(t, ins, &st) {
                Alias::No => continue,
                Alias::Must => {
                    let v = st.b();
                    let (vt, lt) = (t.ty(v), ins.ty());
                    if vt == lt {
                        return Ok(Some(v));
                    }
                    let numeric = |ty: IrType| ty == IrType::NUM || ty == IrType::INT;
                    if ins.t.is_guard() && !(numeric(vt) && numeric(lt)) {
                        return Err(IrError::GuardAlwaysFails);
                    }
                    return Ok(None);
                }
                Alias::May => {
                    floor = s;
                    break;
                }
            }
        }
    } else if ins.op == Op::CALLL {
        // Reads any table contents: no store of any class may lie in between.
        for op in [Op::ASTORE, Op::HSTORE, Op::USTORE, Op::FSTORE, Op::XSTORE] {
            floor = floor.max(t.chain_head(op));
        }
    }
    for l in t.chain(ins.op) {
        if l <= floor {
            break;
        }
        let c = t.get(l);
        if c.op1 == ins.op1
            && c.op2 == ins.op2
            && c.ty() == ins.ty()
            && (c.t.is_guard() || !ins.t.is_guard())
        {
            return Ok(Some(l));
        }
    }
    Ok(None)
}

/// Dead-store elimination for a store about to be emitted: returns true when the new
/// store is redundant (the same value is already stored); may turn an older store that
/// the new one overwrites into a `NOP`.
pub fn eliminate_store(t: &mut Trace, ins: &Ins) -> bool {
    let Some(load_op) = ins.op.load_of() else {
        return false;
    };
    let lim = clobber_limit(t)
        .max(t.loop_ref.unwrap_or(Ref::NONE))
        .max(t.chain_head(Op::LOOP));
    let mut found = None;
    for s in t.chain(ins.op) {
        if s <= lim {
            break;
        }
        let st = *t.get(s);
        match alias(t, ins, &st) {
            Alias::No => continue,
            Alias::May => return false,
            Alias::Must => {
                found = Some((s, st));
                break;
            }
        }
    }
    let Some((s, st)) = found else { return false };
    // Anything that could observe the old value in between?
    for l in t.chain(load_op) {
        if l <= s {
            break;
        }
        let ld = *t.get(l);
        if alias(t, &ld, &st) != Alias::No {
            return false;
        }
    }
    if st.b() == ins.b() {
        return true;
    }
    let mut r = t.next_ref();
    while r.0 > s.0 + 1 {
        r = Ref(r.0 - 1);
        if t.get(r).t.is_guard() || t.op(r) == Op::CALLL {
            return false;
        }
    }
    t.nop(s);
    false
}

/// Runs forwarding and dead-store elimination alone over a trace (re-emitting it).
pub fn run(t: &Trace) -> Result<Trace, IrError> {
    let mut p = crate::jit::opt::Passes::NONE;
    p.fwd = t.passes.fwd;
    p.dse = t.passes.dse;
    let mut out = crate::jit::opt::reemit(t, p)?;
    out.passes = t.passes;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ir::dump::dump;
    use crate::jit::ir::{Call, IrT, IrType, SloadFlags};
    use crate::jit::opt::Passes;

    const N: IrT = IrT::new(IrType::NUM);
    const P: IrT = IrT::new(IrType::PTR);
    const V: IrT = IrT::new(IrType::NIL);

    fn memopt() -> Trace {
        let mut p = Passes::NONE;
        p.fwd = true;
        p.dse = true;
        Trace::new(p, Default::default())
    }

    /// `t.x = t.x + 1; y = t.x; t.y = y` on a table in slot 1.
    #[test]
    fn field_update_forwards_and_dse() {
        let mut t = Trace::new(Passes::NONE, Default::default());
        let tab = t.sload(1, IrType::TAB, SloadFlags::TYPECHECK).unwrap();
        let kx = t.kgc(IrType::STR, 1, "\"x\"".into()).unwrap();
        let ky = t.kgc(IrType::STR, 2, "\"y\"".into()).unwrap();
        let sx = t.kslot(kx, 0).unwrap();
        let sy = t.kslot(ky, 1).unwrap();
        let hx = t.emit(Op::HREFK, P, tab.0, sx.0).unwrap();
        let x = t.emit(Op::HLOAD, N.with_guard(), hx.0, 0).unwrap();
        let one = t.knum(1.0).unwrap();
        let x1 = t.emit(Op::ADD, N, x.0, one.0).unwrap();
        t.emit(Op::HSTORE, V, hx.0, x1.0).unwrap();
        let hy = t.emit(Op::HREFK, P, tab.0, sy.0).unwrap();
        let _y_old = t.emit(Op::HLOAD, N.with_guard(), hy.0, 0).unwrap();
        let hx2 = t.emit(Op::HREFK, P, tab.0, sx.0).unwrap();
        let x2 = t.emit(Op::HLOAD, N.with_guard(), hx2.0, 0).unwrap();
        t.emit(Op::HSTORE, V, hy.0, x2.0).unwrap();
        t.emit(Op::HSTORE, V, hx2.0, x2.0).unwrap();
        let mut p = t.passes;
        p.fwd = true;
        p.dse = true;
        t.passes = p;
        let out = run(&t).unwrap();
        crate::jit::ir::verify(&out).unwrap();
        assert_eq!(
            dump(&out),
            "\
0001 >  tab SLOAD  #1    T
0002 >  p64 HREFK  0001  \"x\" @0
0003 >  num HLOAD  0002
0004    num ADD    0003  +1
0005    nil HSTORE 0002  0004
0006 >  p64 HREFK  0001  \"y\" @1
0007 >  num HLOAD  0006
0008    nil HSTORE 0006  0004
"
        );
    }

    #[test]
    fn array_alias_by_index() {
        let mut t = memopt();
        let tab = t.sload(1, IrType::TAB, SloadFlags::TYPECHECK).unwrap();
        let i = t.sload(2, IrType::INT, SloadFlags::TYPECHECK).unwrap();
        let arr = t
            .emit(Op::FLOAD, P, tab.0, Field::TAB_ARRAY as u16)
            .unwrap();
        let one = t.kint(1).unwrap();
        let i1 = t.emit(Op::ADD, IrT::new(IrType::INT), i.0, one.0).unwrap();
        let a0 = t.emit(Op::AREF, P, arr.0, i.0).unwrap();
        let a1 = t.emit(Op::AREF, P, arr.0, i1.0).unwrap();
        let v = t.emit(Op::ALOAD, N.with_guard(), a0.0, 0).unwrap();
        t.emit(Op::ASTORE, V, a1.0, v.0).unwrap();
        // a[i] is not a[i+1]: the load is CSE'd across the store.
        assert_eq!(t.emit(Op::ALOAD, N.with_guard(), a0.0, 0).unwrap(), v);
        // a[i+1] is forwarded from the store.
        assert_eq!(t.emit(Op::ALOAD, N.with_guard(), a1.0, 0).unwrap(), v);
        // Another table's array may alias.
        let tab2 = t.sload(3, IrType::TAB, SloadFlags::TYPECHECK).unwrap();
        let arr2 = t
            .emit(Op::FLOAD, P, tab2.0, Field::TAB_ARRAY as u16)
            .unwrap();
        let b0 = t.emit(Op::AREF, P, arr2.0, i.0).unwrap();
        t.emit(Op::ASTORE, V, b0.0, one.0).unwrap();
        assert_ne!(t.emit(Op::ALOAD, N.with_guard(), a0.0, 0).unwrap(), v);
        assert_eq!(alias_aref(&t, a0, a1), Alias::No);
    }

    #[test]
    fn clobbers_and_guards_block() {
        let mut t = memopt();
        let f = t.sload(0, IrType::FUNC, SloadFlags::TYPECHECK).unwrap();
        let u0 = t.emit(Op::UREF, P, f.0, 0).unwrap();
        let u1 = t.emit(Op::UREF, P, f.0, 1).unwrap();
        let a = t.emit(Op::ULOAD, N.with_guard(), u0.0, 0).unwrap();
        t.emit(Op::USTORE, V, u1.0, a.0).unwrap();
        assert_eq!(
            t.emit(Op::ULOAD, N.with_guard(), u0.0, 0).unwrap(),
            a,
            "distinct upvalues"
        );
        let s = t.kgc(IrType::STR, 5, "\"s\"".into()).unwrap();
        t.call(Call::STR_CONCAT, &[s, s]).unwrap();
        assert_ne!(
            t.emit(Op::ULOAD, N.with_guard(), u0.0, 0).unwrap(),
            a,
            "after a call"
        );
        // Two stores to one upvalue with a guard in between: both stay.
        let st1 = t.emit(Op::USTORE, V, u1.0, a.0).unwrap();
        let k_1 = t.knum(3.0).unwrap();
        t.guard(Op::LT, a, k_1).unwrap();
        let k_2 = t.knum(1.0).unwrap();
        t.emit(Op::USTORE, V, u1.0, k_2.0).unwrap();
        assert_eq!(t.op(st1), Op::USTORE);
        // Without the guard the first dies.
        let k_3 = t.knum(2.0).unwrap();
        let st3 = t.emit(Op::USTORE, V, u1.0, k_3.0).unwrap();
        assert_eq!(t.op(st3), Op::USTORE);
        assert_eq!(t.op(Ref(st3.0 - 1)), Op::NOP);
        // Storing the same value again is dropped.
        let k_4 = t.knum(2.0).unwrap();
        assert_eq!(t.emit(Op::USTORE, V, u1.0, k_4.0).unwrap(), Ref::NONE);
        crate::jit::ir::verify(&t).unwrap();
    }

    /// Upvalues of the running closure (`UREF` of entry-filled input cells): distinct
    /// upvalues never alias, a store is forwarded to the next load of the same one, and
    /// a guarded load of a value stored with another type can only fail.
    #[test]
    fn running_closure_upvalues() {
        let mut t = memopt();
        t.passes.cse = true;
        let c0 = t.kptr(0x1000, Some("input0".into())).unwrap();
        let c1 = t.kptr(0x1008, Some("input1".into())).unwrap();
        let u0 = t.emit(Op::UREF, P, c0.0, 0).unwrap();
        let u1 = t.emit(Op::UREF, P, c1.0, 3).unwrap();
        assert_eq!(alias_uref(&t, u0, u1), Alias::No);
        assert_eq!(t.emit(Op::UREF, P, c0.0, 0).unwrap(), u0, "CSE'd");
        let a = t.emit(Op::ULOAD, N.with_guard(), u0.0, 0).unwrap();
        let one = t.knum(1.0).unwrap();
        let a1 = t.emit(Op::ADD, N, a.0, one.0).unwrap();
        t.emit(Op::USTORE, V, u0.0, a1.0).unwrap();
        let s = t.kgc(IrType::STR, 5, "\"s\"".into()).unwrap();
        t.emit(Op::USTORE, V, u1.0, s.0).unwrap();
        assert_eq!(t.emit(Op::ULOAD, N.with_guard(), u0.0, 0).unwrap(), a1);
        let st = IrT::guarded(IrType::STR);
        assert_eq!(t.emit(Op::ULOAD, st, u1.0, 0).unwrap(), s);
        assert_eq!(
            t.emit(Op::ULOAD, N.with_guard(), u1.0, 0),
            Err(IrError::GuardAlwaysFails)
        );
        // Unguarded, the load is simply not forwarded.
        let r = t.emit(Op::ULOAD, N, u1.0, 0).unwrap();
        assert_eq!(t.op(r), Op::ULOAD);
        crate::jit::ir::verify(&t).unwrap();
    }

    #[test]
    fn hash_keys_and_fields() {
        let mut t = memopt();
        let tab = t.sload(1, IrType::TAB, SloadFlags::TYPECHECK).unwrap();
        let tn = t.emit(Op::TNEW, IrT::new(IrType::TAB), 0, 0).unwrap();
        let k0 = t.knum(0.0).unwrap();
        let kn0 = t.knum(-0.0).unwrap();
        let h1 = t.emit(Op::HREF, P, tab.0, k0.0).unwrap();
        let h2 = t.emit(Op::HREF, P, tab.0, kn0.0).unwrap();
        let h3 = t.emit(Op::HREF, P, tn.0, k0.0).unwrap();
        assert_eq!(alias_href(&t, h1, h2), Alias::Must, "0 and -0 are one key");
        assert_eq!(alias_href(&t, h1, h3), Alias::May);
        let m = t
            .emit(
                Op::FLOAD,
                IrT::new(IrType::TAB),
                tab.0,
                Field::TAB_META as u16,
            )
            .unwrap();
        let fr = t.emit(Op::FREF, P, tab.0, Field::TAB_NOMM as u16).unwrap();
        let k_5 = t.kint(0).unwrap();
        t.emit(Op::FSTORE, V, fr.0, k_5.0).unwrap();
        assert_eq!(
            t.emit(
                Op::FLOAD,
                IrT::new(IrType::TAB),
                tab.0,
                Field::TAB_META as u16
            )
            .unwrap(),
            m
        );
        let fr2 = t.emit(Op::FREF, P, tab.0, Field::TAB_META as u16).unwrap();
        t.emit(Op::FSTORE, V, fr2.0, tn.0).unwrap();
        assert_eq!(
            t.emit(
                Op::FLOAD,
                IrT::new(IrType::TAB),
                tab.0,
                Field::TAB_META as u16
            )
            .unwrap(),
            tn
        );
    }
}
