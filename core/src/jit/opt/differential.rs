//! Differential tests of the whole pipeline on random traces: a reference interpreter of
//! the IR runs the unoptimized trace (one iteration, repeated), the optimized trace (pre-
//! roll, `LOOP`, body, PHIs) and the optimized trace on a simulated machine with the
//! register allocation (registers, spill slots, rematerialized constants, back-edge
//! moves, exits reading snapshot locations). All three must leave the same VM stack at
//! the same resume pc, bit for bit, after the same number of iterations or at the same
//! exit.

extern crate std;

use alloc::collections::BTreeMap;
use alloc::vec;
use alloc::vec::Vec;

use crate::jit::ir::{verify, Call, Conv, Field, Fpm, IrT, IrType, Op, Ref, SloadFlags, Trace};
use crate::jit::opt::fold::{cmp_int, cmp_num, num_mod};
use crate::jit::opt::{optimize, Passes};
use crate::jit::regalloc::{self, Allocation, Loc, Reg, RegSet, SnapLoc};
use crate::jit::snapshot::{covering, SnapEntry};

/// A tiny deterministic PRNG (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

const NUM_SLOTS: i16 = 6;
const INT_SLOTS: i16 = 3;
/// Two table slots after the ints: the same table or two different ones.
const TAB_SLOTS: i16 = 2;
/// Array size of every table.
const ASIZE: i32 = 4;
const NUMS: [f64; 9] = [0.0, -0.0, 1.0, 2.5, -3.0, 0.25, 1e10, -7.75, 4.0];

/// Builds a random type-stable loop trace the way the recorder would (slot map, SLOADs on
/// first read, a snapshot before every guard, the loop snapshot at the end).
fn random_trace(rng: &mut Rng) -> Trace {
    let mut t = Trace::new(Passes::NONE, Default::default());
    let nslots = NUM_SLOTS + INT_SLOTS + TAB_SLOTS;
    let ty = |s: i16| match s {
        _ if s < NUM_SLOTS => IrType::NUM,
        _ if s < NUM_SLOTS + INT_SLOTS => IrType::INT,
        _ => IrType::TAB,
    };
    let mut map: Vec<Option<Ref>> = vec![None; nslots as usize];
    let mut written = vec![false; nslots as usize];
    let n = IrT::new(IrType::NUM);
    let i = IrT::new(IrType::INT);
    let read = |t: &mut Trace, map: &mut Vec<Option<Ref>>, s: i16| -> Ref {
        *map[s as usize].get_or_insert_with(|| t.sload(s, ty(s), SloadFlags::TYPECHECK).unwrap())
    };
    let entries = |map: &[Option<Ref>], written: &[bool]| -> Vec<SnapEntry> {
        (0..nslots)
            .filter(|s| written[*s as usize])
            .map(|s| SnapEntry {
                slot: s,
                r: map[s as usize].unwrap_or(Ref::NIL),
            })
            .collect()
    };
    let steps = 3 + rng.below(12);
    let p = IrT::new(IrType::PTR);
    for pc in 0..steps as u32 {
        let dst = rng.below((NUM_SLOTS + INT_SLOTS) as usize) as i16;
        if rng.below(3) == 0 {
            // A table access: t.x / t.y (skeys slots 0, 1) or t[k] / t[i] (array part).
            let tab = read(
                &mut t,
                &mut map,
                NUM_SLOTS + INT_SLOTS + rng.below(2) as i16,
            );
            let addr = if rng.below(2) == 0 {
                let k = rng.below(2) as u16;
                let name = alloc::format!("\"{}\"", ["x", "y"][k as usize]);
                let key = t.kgc(IrType::STR, 0x100 + k as u64, name).unwrap();
                let ks = t.kslot(key, k).unwrap();
                t.snapshot(pc + 200, nslots, entries(&map, &written))
                    .unwrap();
                t.emit(Op::HREFK, p, tab.0, ks.0).unwrap()
            } else {
                let idx = if rng.below(3) == 0 {
                    read(
                        &mut t,
                        &mut map,
                        NUM_SLOTS + rng.below(INT_SLOTS as usize) as i16,
                    )
                } else {
                    t.kint(rng.below(ASIZE as usize) as i32).unwrap()
                };
                let asz = t
                    .emit(Op::FLOAD, i, tab.0, Field::TAB_ASIZE as u16)
                    .unwrap();
                t.snapshot(pc + 300, nslots, entries(&map, &written))
                    .unwrap();
                if t.guard(Op::ABC, asz, idx).is_err() {
                    continue;
                }
                let arr = t
                    .emit(Op::FLOAD, p, tab.0, Field::TAB_ARRAY as u16)
                    .unwrap();
                t.emit(Op::AREF, p, arr.0, idx.0).unwrap()
            };
            let hash = t.op(addr) == Op::HREFK;
            if rng.below(2) == 0 {
                let op = if hash { Op::HLOAD } else { Op::ALOAD };
                t.snapshot(pc + 400, nslots, entries(&map, &written))
                    .unwrap();
                let v = t.emit(op, n.with_guard(), addr.0, 0).unwrap();
                let d = rng.below(NUM_SLOTS as usize) as i16;
                map[d as usize] = Some(v);
                written[d as usize] = true;
            } else {
                let v = read(&mut t, &mut map, rng.below(NUM_SLOTS as usize) as i16);
                let op = if hash { Op::HSTORE } else { Op::ASTORE };
                t.emit(op, IrT::new(IrType::NIL), addr.0, v.0).unwrap();
            }
            continue;
        }
        if ty(dst) == IrType::NUM {
            let a = read(&mut t, &mut map, rng.below(NUM_SLOTS as usize) as i16);
            let b = if rng.below(3) == 0 {
                t.knum(rng.pick(&[0.0, -0.0, 1.0, -1.0, 2.0, 4.0, 0.5, 3.0]))
                    .unwrap()
            } else {
                read(&mut t, &mut map, rng.below(NUM_SLOTS as usize) as i16)
            };
            let r = match rng.below(15) {
                0 => t.emit(Op::ADD, n, a.0, b.0),
                1 => t.emit(Op::SUB, n, a.0, b.0),
                2 => t.emit(Op::MUL, n, a.0, b.0),
                3 => t.emit(Op::DIV, n, a.0, b.0),
                4 => t.emit(Op::NEG, n, a.0, 0),
                5 => t.emit(Op::ABS, n, a.0, 0),
                6 => t.emit(Op::MIN, n, a.0, b.0),
                7 => t.emit(Op::MAX, n, a.0, b.0),
                8 => t.emit(
                    Op::FPMATH,
                    n,
                    a.0,
                    rng.pick(&[Fpm::FLOOR, Fpm::SQRT, Fpm::CEIL]) as u16,
                ),
                9 => t.emit(Op::MOD, n, a.0, b.0),
                10 => {
                    let x = read(
                        &mut t,
                        &mut map,
                        NUM_SLOTS + rng.below(INT_SLOTS as usize) as i16,
                    );
                    t.emit(
                        Op::CONV,
                        n,
                        x.0,
                        Conv::new(IrType::NUM, IrType::INT, false).0,
                    )
                }
                11 => t.call(Call::ATAN2, &[a, b]),
                12 => t.emit(Op::POW, n, a.0, b.0),
                13 => t.emit(Op::FPMATH, n, a.0, Fpm::LOG as u16),
                _ => t.emit(Op::ADD, n, a.0, a.0),
            }
            .unwrap();
            map[dst as usize] = Some(r);
        } else {
            let a = read(
                &mut t,
                &mut map,
                NUM_SLOTS + rng.below(INT_SLOTS as usize) as i16,
            );
            let k = t.kint(rng.pick(&[0, 1, -1, 2, 3])).unwrap();
            t.snapshot(pc, nslots, entries(&map, &written)).unwrap();
            let g = IrT::guarded(IrType::INT);
            let r = match rng.below(4) {
                0 => t.emit(Op::ADDOV, g, a.0, k.0),
                1 => t.emit(Op::SUBOV, g, a.0, k.0),
                2 => t.emit(Op::ADD, i, a.0, k.0),
                _ => {
                    let x = read(&mut t, &mut map, rng.below(NUM_SLOTS as usize) as i16);
                    let c = Conv::new(IrType::INT, IrType::NUM, true);
                    t.emit(Op::CONV, g, x.0, c.0)
                }
            };
            match r {
                Ok(r) => map[dst as usize] = Some(r),
                Err(_) => continue, // Folded to an always-failing guard: skip it.
            }
        }
        written[dst as usize] = true;
        if rng.below(3) == 0 {
            // A guard that holds for a while: |x| < bound, or an int below a limit.
            t.snapshot(pc + 100, nslots, entries(&map, &written))
                .unwrap();
            let s = rng.below((NUM_SLOTS + INT_SLOTS) as usize) as i16;
            let x = read(&mut t, &mut map, s);
            let (op, k) = if ty(s) == IrType::NUM {
                (
                    rng.pick(&[Op::LT, Op::UGE, Op::LE, Op::NE]),
                    t.knum(rng.pick(&[1e6, 50.0, -1.0, 0.0])).unwrap(),
                )
            } else {
                (
                    rng.pick(&[Op::LT, Op::GE, Op::ULT, Op::NE]),
                    t.kint(rng.pick(&[40, 7, -5, 0])).unwrap(),
                )
            };
            if t.guard(op, x, k).is_err() {
                return random_trace(rng); // Always fails: try another trace.
            }
        }
    }
    t.snapshot(1000, nslots, entries(&map, &written)).unwrap();
    t
}

/// The end state of a run: where the interpreter resumes and the stack it finds.
#[derive(Debug, PartialEq)]
struct Outcome {
    pc: u32,
    iterations: usize,
    stack: Vec<u64>,
    mem: BTreeMap<u64, u64>,
}

/// The initial contents of a memory cell.
fn mem_init(addr: u64) -> u64 {
    NUMS[(addr % NUMS.len() as u64) as usize].to_bits()
}

fn const_bits(t: &Trace, r: Ref) -> u64 {
    if let Some(n) = t.num_value(r) {
        n.to_bits()
    } else if let Some(i) = t.int_value(r) {
        i as u32 as u64
    } else {
        t.k64_value(r).unwrap_or(0)
    }
}

/// Computes one instruction; `None` when its guard fails.
fn eval(
    t: &Trace,
    r: Ref,
    stack: &[u64],
    get: &dyn Fn(Ref) -> u64,
    mem: &mut BTreeMap<u64, u64>,
) -> Option<u64> {
    let ins = *t.get(r);
    let (a, b) = (ins.a(), ins.b());
    let f = |x: Ref| f64::from_bits(get(x));
    let int = |x: Ref| get(x) as u32 as i32;
    let num = |v: f64| Some(v.to_bits());
    let iv = |v: i32| Some(v as u32 as u64);
    let is_num = ins.op.is_comparison() && t.ty(a) == IrType::NUM;
    match ins.op {
        Op::SLOAD => Some(stack[ins.op1 as usize]),
        Op::ADD if ins.ty() == IrType::NUM => num(f(a) + f(b)),
        Op::SUB if ins.ty() == IrType::NUM => num(f(a) - f(b)),
        Op::MUL if ins.ty() == IrType::NUM => num(f(a) * f(b)),
        Op::DIV => num(f(a) / f(b)),
        Op::MOD => num(num_mod(f(a), f(b))),
        Op::NEG if ins.ty() == IrType::NUM => num(-f(a)),
        Op::ABS => num(f(a).abs()),
        Op::MIN => num(if f(a) < f(b) { f(a) } else { f(b) }),
        Op::MAX => num(if f(a) > f(b) { f(a) } else { f(b) }),
        Op::FPMATH => num(Fpm::from_u16(ins.op2)?.eval(f(a))),
        Op::POW => num(crate::jit::vm_pow(f(a), f(b))),
        Op::CALLN => {
            let args: Vec<f64> = t.call_args(r).into_iter().map(f).collect();
            num(Call::from_u16(ins.op2)?.eval_num(&args)?)
        }
        Op::CARG => Some(0),
        Op::ADD => iv(int(a).wrapping_add(int(b))),
        Op::SUB => iv(int(a).wrapping_sub(int(b))),
        Op::MUL => iv(int(a).wrapping_mul(int(b))),
        Op::NEG => iv(int(a).wrapping_neg()),
        Op::ADDOV => iv(int(a).checked_add(int(b))?),
        Op::SUBOV => iv(int(a).checked_sub(int(b))?),
        Op::MULOV => iv(int(a).checked_mul(int(b))?),
        Op::CONV if Conv(ins.op2).dst() == IrType::NUM => num(int(a) as f64),
        Op::CONV => {
            let x = f(a);
            let v = x as i32;
            if Conv(ins.op2).check() && v as f64 != x {
                return None;
            }
            iv(v)
        }
        op if op.is_comparison() => {
            let ok = if is_num {
                cmp_num(op, f(a), f(b))
            } else {
                cmp_int(op, int(a), int(b))
            };
            ok.then_some(0)
        }
        Op::NOP | Op::LOOP => Some(0),
        // A table is its id; a field address is (id, 0, slot), an array slot (id, 1, index).
        Op::HREFK => Some(get(a) << 32 | t.get(b).op2 as u64),
        Op::FLOAD if ins.op2 == Field::TAB_ASIZE as u16 => iv(ASIZE),
        Op::FLOAD => Some(get(a)),
        Op::AREF => Some(get(a) << 32 | 1 << 31 | int(b) as u32 as u64),
        Op::ABC => ((int(b) as u32) < (int(a) as u32)).then_some(0),
        Op::HLOAD | Op::ALOAD => Some(*mem.entry(get(a)).or_insert_with(|| mem_init(get(a)))),
        Op::HSTORE | Op::ASTORE => {
            mem.insert(get(a), get(b));
            Some(0)
        }
        op => panic!("differential interpreter: {op} not supported"),
    }
}

/// Runs a trace. With `alloc`, values live in simulated registers and spill slots, and
/// exits read the snapshot locations; without, in an SSA value table.
fn run(
    t: &Trace,
    alloc: Option<&Allocation>,
    input: &[u64],
    mem0: &BTreeMap<u64, u64>,
    max_iter: usize,
) -> Outcome {
    let mut stack = input.to_vec();
    let mut mem = mem0.clone();
    let mut vals = vec![0u64; t.num_ins()];
    let mut regs = [0u64; 64];
    let mut spill = vec![0u64; alloc.map_or(0, |a| a.spill_slots as usize)];
    let loop_idx = t.loop_ref.map(|l| l.idx());
    let mut iterations = 0;
    let mut p = 1;
    let last = t.num_ins();
    let read = |vals: &[u64], regs: &[u64; 64], spill: &[u64], r: Ref| -> u64 {
        if r.is_const() {
            return const_bits(t, r);
        }
        match alloc.map(|a| a.loc(r)) {
            None => vals[r.idx()],
            Some(Loc::Reg(x)) => regs[x.num() as usize + if x.is_fp() { 32 } else { 0 }],
            Some(Loc::Spill(s)) => spill[s as usize],
            Some(l) => panic!("{r} read from {l:?}"),
        }
    };
    let write =
        |vals: &mut [u64], regs: &mut [u64; 64], spill: &mut [u64], l: Loc, r: Ref, v: u64| {
            match l {
                Loc::Reg(x) => regs[x.num() as usize + if x.is_fp() { 32 } else { 0 }] = v,
                Loc::Spill(s) => spill[s as usize] = v,
                _ => {}
            }
            vals[r.idx()] = v;
        };
    let apply =
        |stack: &mut Vec<u64>, n: usize, vals: &[u64], regs: &[u64; 64], spill: &[u64]| match alloc
        {
            Some(a) => {
                for (slot, l) in a.snapshot_locs(t, n) {
                    stack[slot as usize] = match l {
                        SnapLoc::Const(k) => const_bits(t, k),
                        SnapLoc::Reg(x) => regs[x.num() as usize + if x.is_fp() { 32 } else { 0 }],
                        SnapLoc::Spill(s) => spill[s as usize],
                    };
                }
            }
            None => {
                for e in &t.snaps[n].entries {
                    stack[e.slot as usize] = read(vals, regs, spill, e.r);
                }
            }
        };
    loop {
        if let Some(a) = alloc {
            // Constants whose interval starts just before this instruction are loaded now.
            if p < last {
                for (k, x) in a.consts_loaded_before(Ref::from_idx(p)) {
                    regs[x.num() as usize + if x.is_fp() { 32 } else { 0 }] = const_bits(t, k);
                }
            }
        }
        if p == last || t.op(Ref::from_idx(p)) == Op::PHI {
            // End of one iteration: the last snapshot is the state at the back-edge.
            iterations += 1;
            if iterations >= max_iter || loop_idx.is_none() {
                apply(&mut stack, t.snaps.len() - 1, &vals, &regs, &spill);
                return Outcome {
                    pc: t.snaps[t.snaps.len() - 1].pc,
                    iterations,
                    stack,
                    mem,
                };
            }
            // Back-edge: PHIs in parallel.
            match alloc {
                Some(a) => {
                    for m in &a.phi_moves {
                        let v = match m.src_const {
                            Some(k) => const_bits(t, k),
                            None => match m.src {
                                Loc::Reg(x) => {
                                    regs[x.num() as usize + if x.is_fp() { 32 } else { 0 }]
                                }
                                Loc::Spill(s) => spill[s as usize],
                                l => panic!("move from {l:?}"),
                            },
                        };
                        match m.dst {
                            Loc::Reg(x) => {
                                regs[x.num() as usize + if x.is_fp() { 32 } else { 0 }] = v
                            }
                            Loc::Spill(s) => spill[s as usize] = v,
                            l => panic!("move to {l:?}"),
                        }
                    }
                }
                None => {
                    let phis: Vec<(Ref, u64)> = t
                        .ins_refs()
                        .filter(|r| t.op(*r) == Op::PHI)
                        .map(|r| (t.get(r).a(), read(&vals, &regs, &spill, t.get(r).b())))
                        .collect();
                    for (l, v) in phis {
                        vals[l.idx()] = v;
                    }
                }
            }
            p = loop_idx.unwrap_or(0) + 1;
            continue;
        }
        let r = Ref::from_idx(p);
        if t.op(r) == Op::LOOP {
            iterations += 1;
            if iterations >= max_iter {
                let n = covering(t, r).unwrap_or(0);
                apply(&mut stack, n, &vals, &regs, &spill);
                return Outcome {
                    pc: t.snaps[n].pc,
                    iterations,
                    stack,
                    mem,
                };
            }
            p += 1;
            continue;
        }
        let get = |x: Ref| read(&vals, &regs, &spill, x);
        match eval(t, r, input, &get, &mut mem) {
            Some(v) => {
                let l = alloc.map_or(Loc::None, |a| a.loc(r));
                if alloc.is_some() && t.get(r).is_call() {
                    // The helper clobbers every caller-saved register.
                    for (k, reg) in regs.iter_mut().enumerate() {
                        let x = if k < 32 {
                            Reg::x(k as u8)
                        } else {
                            Reg::d(k as u8 - 32)
                        };
                        if !regalloc::CALLEE_SAVED.has(x) {
                            *reg = 0x7FF4_DEAD_0000_0000 | k as u64;
                        }
                    }
                }
                write(&mut vals, &mut regs, &mut spill, l, r, v);
            }
            None => {
                let n = covering(t, r).expect("guard without snapshot");
                apply(&mut stack, n, &vals, &regs, &spill);
                return Outcome {
                    pc: t.snaps[n].pc,
                    iterations,
                    stack,
                    mem,
                };
            }
        }
        p += 1;
    }
}

/// NaN signs and payloads are not part of a number's value: boxing canonicalizes them.
fn canonical(mut o: Outcome) -> Outcome {
    for v in o.stack[..NUM_SLOTS as usize]
        .iter_mut()
        .chain(o.mem.values_mut())
    {
        if f64::from_bits(*v).is_nan() {
            *v = crate::value::CANON_NAN;
        }
    }
    // A cell only loaded holds its initial value, whether the cell was touched or not.
    o.mem.retain(|a, v| *v != mem_init(*a));
    o
}

#[test]
fn random_traces_agree() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut looped_count = 0;
    let mut spilled_cases = 0;
    let mut exits = 0;
    for case in 0..1500 {
        let raw = random_trace(&mut rng);
        verify(&raw).unwrap();
        let mut opt = raw.clone();
        opt.passes = Passes::ALL;
        let (opt, looped) = match optimize(opt, true) {
            Ok(x) => x,
            // Folding proved a guard always fails: the recorder aborts such a trace.
            Err(crate::jit::ir::IrError::GuardAlwaysFails) => continue,
            Err(e) => panic!("case {case}: {e}"),
        };
        verify(&opt).unwrap_or_else(|e| panic!("case {case}: {e}"));
        let alloc = regalloc::allocate(&opt);
        regalloc::verify(&opt, &alloc).unwrap_or_else(|e| panic!("case {case}: {e}"));
        looped_count += looped as usize;
        // Three registers per class: spills and rematerialized constants everywhere.
        let gprs = RegSet::range(Reg::x(0), Reg::x(1)).or(RegSet::range(Reg::x(22), Reg::x(22)));
        let fprs = RegSet::range(Reg::d(0), Reg::d(1)).or(RegSet::range(Reg::d(8), Reg::d(8)));
        let tight_alloc = regalloc::allocate_in(&opt, gprs, fprs);
        regalloc::verify(&opt, &tight_alloc).unwrap_or_else(|e| panic!("case {case}: {e}"));
        spilled_cases += (tight_alloc.spill_slots > 0) as usize;
        for _ in 0..6 {
            let mut input: Vec<u64> = (0..NUM_SLOTS).map(|_| rng.pick(&NUMS).to_bits()).collect();
            input.extend(
                (0..INT_SLOTS).map(|_| rng.pick(&[0i32, 1, -3, 5, i32::MAX - 2]) as u32 as u64),
            );
            // Two different tables, or one table in both slots (aliasing).
            input.extend([1, rng.pick(&[1u64, 2])]);
            // SLOADs in the unoptimized trace read the stack as it is at each iteration.
            let want = canonical(run_loop(&raw, None, &input, 8));
            let got = canonical(run_loop(&opt, None, &input, 8));
            let machine = canonical(run_loop(&opt, Some(&alloc), &input, 8));
            let tight = canonical(run_loop(&opt, Some(&tight_alloc), &input, 8));
            let dumps = || {
                alloc::format!(
                    "{}\n{}",
                    crate::jit::ir::dump::dump(&raw),
                    regalloc::dump(&opt, &alloc)
                )
            };
            assert_eq!(got, want, "case {case}: optimized differs\n{}", dumps());
            assert_eq!(machine, want, "case {case}: allocated differs\n{}", dumps());
            let tight_dump = || regalloc::dump(&opt, &tight_alloc);
            assert_eq!(
                tight,
                want,
                "case {case}: with 3+3 registers\n{}",
                tight_dump()
            );
            exits += (want.iterations < 8) as usize;
        }
    }
    assert!(spilled_cases > 500, "spills are exercised: {spilled_cases}");
    assert!(
        looped_count > 1100,
        "most random traces loop: {looped_count}"
    );
    assert!(exits > 800, "exits are exercised: {exits}");
}

/// Runs up to `max_iter` iterations. A trace without `LOOP` (the unoptimized one, or one
/// whose loop was undone) runs one iteration at a time, its SLOADs reading the stack the
/// previous iteration left.
fn run_loop(t: &Trace, alloc: Option<&Allocation>, input: &[u64], max_iter: usize) -> Outcome {
    let mem = BTreeMap::new();
    if t.loop_ref.is_some() {
        return run(t, alloc, input, &mem, max_iter);
    }
    let (mut stack, mut mem) = (input.to_vec(), mem);
    for it in 1..=max_iter {
        let o = run(t, alloc, &stack, &mem, 1);
        if o.pc != t.snaps[t.snaps.len() - 1].pc || o.iterations == 0 {
            return Outcome {
                pc: o.pc,
                iterations: it - 1,
                stack: o.stack,
                mem: o.mem,
            };
        }
        stack = o.stack;
        mem = o.mem;
    }
    Outcome {
        pc: t.snaps[t.snaps.len() - 1].pc,
        iterations: max_iter,
        stack,
        mem,
    }
}

#[test]
fn random_traces_exercise_memory_optimizations() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut forwarded, mut hoisted) = (0, 0);
    for _ in 0..300 {
        let raw = random_trace(&mut rng);
        let count = |t: &Trace, ops: &[Op], from: usize, to: usize| {
            (from..to)
                .map(Ref::from_idx)
                .filter(|r| ops.contains(&t.op(*r)))
                .count()
        };
        let loads = count(&raw, &[Op::HLOAD, Op::ALOAD], 1, raw.num_ins());
        let mut opt = raw.clone();
        opt.passes = Passes::ALL;
        let Ok((opt, looped)) = optimize(opt, true) else {
            continue;
        };
        if !looped {
            continue;
        }
        let (l, n) = (opt.loop_ref.unwrap().idx(), opt.num_ins());
        forwarded += (count(&opt, &[Op::HLOAD, Op::ALOAD], 1, l) < loads) as usize;
        let refs = [Op::HREFK, Op::FLOAD];
        hoisted += (count(&opt, &refs, l, n) == 0 && count(&opt, &refs, 1, l) > 0) as usize;
    }
    assert!(forwarded > 20 && hoisted > 100, "{forwarded} {hoisted}");
}
