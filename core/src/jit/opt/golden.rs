//! Golden tests of the whole pipeline: hand-built traces, recorded as the recorder would
//! with every optimization off, then the dump after each pass in turn (fold, cse, fwd,
//! loop, dce, register allocation) compared with `golden/<name>.txt`.
//!
//! `CRESCENT_BLESS=1 cargo test -p crescent-core golden` rewrites the files; review the
//! diff before committing it.

extern crate std;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::jit::ir::dump::dump;
use crate::jit::ir::{verify, Field, IrT, IrType, Op, Ref, SloadFlags, Trace};
use crate::jit::opt::{cse, dce, fold, fwd, r#loop, Passes};
use crate::jit::regalloc;
use crate::jit::snapshot::{SnapEntry, SnapFrame, Snapshot};

const N: IrT = IrT::new(IrType::NUM);
const P: IrT = IrT::new(IrType::PTR);
const V: IrT = IrT::new(IrType::NIL);
const TC: SloadFlags = SloadFlags::TYPECHECK;
const RO: SloadFlags = SloadFlags(SloadFlags::TYPECHECK.0 | SloadFlags::READONLY.0);

fn snap(t: &mut Trace, pc: u32, top: i16, e: &[(i16, Ref)]) {
    let entries = e.iter().map(|&(slot, r)| SnapEntry { slot, r }).collect();
    t.snapshot(pc, top, entries).unwrap();
}

fn num(t: &mut Trace, n: f64) -> u16 {
    t.knum(n).unwrap().0
}

/// `while i <= n do s = s + i*2 + i*2 - 0; i = i + 1 end` (slots s, i, n).
fn sum_loop(t: &mut Trace) {
    let s = t.sload(0, IrType::NUM, TC).unwrap();
    let i = t.sload(1, IrType::NUM, TC).unwrap();
    let n = t.sload(2, IrType::NUM, RO).unwrap();
    snap(t, 2, 3, &[]);
    t.guard(Op::LE, i, n).unwrap();
    let two = num(t, 2.0);
    let a = t.emit(Op::MUL, N, i.0, two).unwrap();
    let b = t.emit(Op::MUL, N, i.0, two).unwrap();
    let c = t.emit(Op::ADD, N, s.0, a.0).unwrap();
    let d = t.emit(Op::ADD, N, c.0, b.0).unwrap();
    let zero = num(t, 0.0);
    let e = t.emit(Op::SUB, N, d.0, zero).unwrap();
    let one = num(t, 1.0);
    let i1 = t.emit(Op::ADD, N, i.0, one).unwrap();
    snap(t, 0, 3, &[(0, e), (1, i1)]);
}

/// Mandelbrot's inner loop (slots zr, zi, cr, ci, i, n).
fn mandelbrot(t: &mut Trace) {
    let zr = t.sload(0, IrType::NUM, TC).unwrap();
    let zi = t.sload(1, IrType::NUM, TC).unwrap();
    let cr = t.sload(2, IrType::NUM, RO).unwrap();
    let ci = t.sload(3, IrType::NUM, RO).unwrap();
    let i = t.sload(4, IrType::NUM, TC).unwrap();
    let n = t.sload(5, IrType::NUM, RO).unwrap();
    let zr2 = t.emit(Op::MUL, N, zr.0, zr.0).unwrap();
    let zi2 = t.emit(Op::MUL, N, zi.0, zi.0).unwrap();
    let s = t.emit(Op::ADD, N, zr2.0, zi2.0).unwrap();
    snap(t, 10, 6, &[]);
    let four = t.knum(4.0).unwrap();
    t.guard(Op::ULE, s, four).unwrap();
    let two = num(t, 2.0);
    let t1 = t.emit(Op::MUL, N, two, zr.0).unwrap();
    let t2 = t.emit(Op::MUL, N, t1.0, zi.0).unwrap();
    let nzi = t.emit(Op::ADD, N, t2.0, ci.0).unwrap();
    let d = t.emit(Op::SUB, N, zr2.0, zi2.0).unwrap();
    let nzr = t.emit(Op::ADD, N, d.0, cr.0).unwrap();
    let one = num(t, 1.0);
    let i1 = t.emit(Op::ADD, N, i.0, one).unwrap();
    snap(t, 20, 6, &[(0, nzr), (1, nzi), (4, i1)]);
    t.guard(Op::LE, i1, n).unwrap();
    snap(t, 5, 6, &[(0, nzr), (1, nzi), (4, i1)]);
}

/// `while i <= n do p.x = p.x + p.vx; p.y = p.y + p.vy; i = i + 1 end`, `p` with x, y,
/// vx, vy in its skeys slots 0..3.
fn field_update(t: &mut Trace) {
    let p = t.sload(0, IrType::TAB, RO).unwrap();
    let i = t.sload(1, IrType::NUM, TC).unwrap();
    let n = t.sload(2, IrType::NUM, RO).unwrap();
    snap(t, 1, 3, &[]);
    t.guard(Op::LE, i, n).unwrap();
    for (k, vk, slot) in [("x", "vx", 0u16), ("y", "vy", 1)] {
        let key = t
            .kgc(IrType::STR, 0x100 + slot as u64, format!("\"{k}\""))
            .unwrap();
        let vkey = t
            .kgc(IrType::STR, 0x200 + slot as u64, format!("\"{vk}\""))
            .unwrap();
        let ks = t.kslot(key, slot).unwrap();
        let vks = t.kslot(vkey, slot + 2).unwrap();
        let h = t.emit(Op::HREFK, P, p.0, ks.0).unwrap();
        let x = t.emit(Op::HLOAD, N.with_guard(), h.0, 0).unwrap();
        let hv = t.emit(Op::HREFK, P, p.0, vks.0).unwrap();
        let v = t.emit(Op::HLOAD, N.with_guard(), hv.0, 0).unwrap();
        let x1 = t.emit(Op::ADD, N, x.0, v.0).unwrap();
        let h2 = t.emit(Op::HREFK, P, p.0, ks.0).unwrap();
        t.emit(Op::HSTORE, V, h2.0, x1.0).unwrap();
    }
    let one = num(t, 1.0);
    let i1 = t.emit(Op::ADD, N, i.0, one).unwrap();
    snap(t, 0, 3, &[(1, i1)]);
}

/// `while i <= n do a[i] = a[i] * 2; i = i + 1 end`, the index narrowed to an integer.
fn array_scale(t: &mut Trace) {
    let a = t.sload(0, IrType::TAB, RO).unwrap();
    let i = t.sload(1, IrType::NUM, TC).unwrap();
    let n = t.sload(2, IrType::NUM, RO).unwrap();
    snap(t, 1, 3, &[]);
    t.guard(Op::LE, i, n).unwrap();
    let conv = crate::jit::ir::Conv::new(IrType::INT, IrType::NUM, true);
    let ii = t
        .emit(Op::CONV, IrT::guarded(IrType::INT), i.0, conv.0)
        .unwrap();
    let asize = t
        .emit(
            Op::FLOAD,
            IrT::new(IrType::INT),
            a.0,
            Field::TAB_ASIZE as u16,
        )
        .unwrap();
    t.guard(Op::ABC, asize, ii).unwrap();
    let arr = t.emit(Op::FLOAD, P, a.0, Field::TAB_ARRAY as u16).unwrap();
    let ar = t.emit(Op::AREF, P, arr.0, ii.0).unwrap();
    let v = t.emit(Op::ALOAD, N.with_guard(), ar.0, 0).unwrap();
    let two = num(t, 2.0);
    let v2 = t.emit(Op::MUL, N, v.0, two).unwrap();
    let ar2 = t.emit(Op::AREF, P, arr.0, ii.0).unwrap();
    t.emit(Op::ASTORE, V, ar2.0, v2.0).unwrap();
    let one = num(t, 1.0);
    let i1 = t.emit(Op::ADD, N, i.0, one).unwrap();
    snap(t, 0, 3, &[(1, i1)]);
}

/// `while i <= n do s = s + sq(i); i = i + 1 end` with `sq` (slot 3) inlined: its frame
/// has base 5 (function in slot 4, `x` in slot 5) and guards `x <= 1e6` inside.
fn inlined_call(t: &mut Trace) {
    let s = t.sload(0, IrType::NUM, TC).unwrap();
    let i = t.sload(1, IrType::NUM, TC).unwrap();
    let n = t.sload(2, IrType::NUM, RO).unwrap();
    let f = t.sload(3, IrType::FUNC, RO).unwrap();
    snap(t, 1, 4, &[]);
    t.guard(Op::LE, i, n).unwrap();
    let sq = t.kgc(IrType::FUNC, 0x300, "fun:sq".into()).unwrap();
    snap(t, 4, 4, &[]);
    t.guard(Op::EQ, f, sq).unwrap();
    let mut inner = Snapshot::new(Ref::NONE, 1, 6, Vec::new());
    inner.frames.push(SnapFrame {
        base: 5,
        func: sq,
        ret_pc: 5,
    });
    inner.set_slot(4, sq);
    inner.set_slot(5, i);
    t.push_snapshot(inner).unwrap();
    let big = t.knum(1e6).unwrap();
    t.guard(Op::LE, i, big).unwrap();
    let m = t.emit(Op::MUL, N, i.0, i.0).unwrap();
    let s1 = t.emit(Op::ADD, N, s.0, m.0).unwrap();
    let one = num(t, 1.0);
    let i1 = t.emit(Op::ADD, N, i.0, one).unwrap();
    snap(t, 0, 4, &[(0, s1), (1, i1)]);
}

/// Runs every stage, appending each dump under a header.
fn stages(build: fn(&mut Trace)) -> String {
    let mut t = Trace::new(Passes::NONE, Default::default());
    build(&mut t);
    let mut out = String::new();
    let mut add = |name: &str, t: &Trace, text: String| {
        verify(t).unwrap_or_else(|e| panic!("after {name}: {e}\n{text}"));
        out.push_str(&format!("-- {name}\n{text}"));
    };
    add("record", &t, dump(&t));
    let t = fold::run(&t).unwrap();
    add("fold", &t, dump(&t));
    let t = cse::run(&t).unwrap();
    add("cse", &t, dump(&t));
    let mut t = t;
    t.passes = Passes::ALL;
    let t = fwd::run(&t).unwrap();
    add("fwd", &t, dump(&t));
    let mut t = t;
    assert!(r#loop::run(&mut t).unwrap(), "loop pass failed");
    add("loop", &t, dump(&t));
    dce::run(&mut t);
    add("dce", &t, dump(&t));
    let a = regalloc::allocate(&t);
    regalloc::verify(&t, &a).unwrap();
    add("regalloc", &t, regalloc::dump(&t, &a));
    out
}

fn check(name: &str, build: fn(&mut Trace)) {
    let got = stages(build);
    let path = format!(
        "{}/src/jit/opt/golden/{name}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("CRESCENT_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{path} missing: run with CRESCENT_BLESS=1"));
    if got != want {
        let line = got.lines().zip(want.lines()).position(|(a, b)| a != b);
        panic!("{name}: dump differs from {path} (first at line {line:?}; CRESCENT_BLESS=1 to update)\n{got}");
    }
}

#[test]
fn golden_sum_loop() {
    check("sum_loop", sum_loop);
}

#[test]
fn golden_mandelbrot() {
    check("mandelbrot", mandelbrot);
}

#[test]
fn golden_field_update() {
    check("field_update", field_update);
}

#[test]
fn golden_array_scale() {
    check("array_scale", array_scale);
}

#[test]
fn golden_inlined_call() {
    check("inlined_call", inlined_call);
}

/// The one-call pipeline gives the same IR as the passes run one by one.
#[test]
fn optimize_matches_stages() {
    for build in [
        sum_loop,
        mandelbrot,
        field_update,
        array_scale,
        inlined_call,
    ] {
        let mut t = Trace::new(Passes::NONE, Default::default());
        build(&mut t);
        t.passes = Passes::ALL;
        let (t, looped) = crate::jit::opt::optimize(t, true).unwrap();
        assert!(looped);
        let staged = stages(build);
        let dce_part = staged
            .split("-- dce\n")
            .nth(1)
            .unwrap()
            .split("-- regalloc\n")
            .next()
            .unwrap();
        assert_eq!(dump(&t), dce_part);
    }
}
