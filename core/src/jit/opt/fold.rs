//! Constant folding and algebraic simplification, run on every emitted instruction.
//!
//! The rule writers' contract:
//! - rules key on `(op, left operand's op, right operand's op)` in one `match`, most
//!   specific first; a non-ref operand, or a ref the loop pass marked as loop-carried
//!   (the PHI barrier: looking through it would add loop-carried values, see `loop.rs`),
//!   shows as `NOP` ("any");
//! - a rule keeps the result type: it returns a ref of the same type, a constant of that
//!   type, or a retry with an instruction of that type;
//! - rules only reduce strength (constants move right, chains shorten, expensive ops
//!   become cheap ones), so retrying ends;
//! - numbers are IEEE doubles and the result must be bit-identical to the interpreter's:
//!   `x + 0` is not `x` (`-0 + 0` is `+0`) but `x + -0` and `x - 0` are; `x - x` is not
//!   `0` (NaN, infinities); `x == x` is not true for numbers (NaN). Constant folding uses
//!   the interpreter's formulas: `%` is `a - floor(a/b)*b`, `^` is [`crate::jit::vm_pow`], a
//!   `math.min` step is `a < b ? a : b` and a `math.max` step `a > b ? a : b` (LuaJIT's
//!   SSE order, as `stdlib/math.rs` computes them: NaN and signed zeros depend on the
//!   order, so MIN/MAX are not commutative), math functions come from `libm` as in the
//!   VM's `math` library;
//! - the sign and payload of a NaN are not part of a number's value (every NaN is
//!   canonicalized when it is boxed, see `value.rs`), so `x * -1` may become `-x`. The
//!   emitter must canonicalize numbers it stores to the VM stack or heap: `fneg`/`fabs`
//!   of a NaN give a negative NaN, whose bits would read as a tagged value;
//! - a guard that always holds folds to `Drop`, one that always fails to `Fail` (the
//!   trace aborts: it could never run to the end).

use crate::jit::ir::{Call, Conv, Fpm, Ins, IrError, IrT, IrType, Kind, Mode, Op, Ref, Trace};

/// The outcome of folding one instruction.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fold {
    /// No rule applies: emit it (after CSE).
    Emit,
    /// Fold again with this instruction instead.
    Retry(Ins),
    /// The value is already available as this ref (an operand or a constant).
    Ref(Ref),
    /// A guard or effect that is proved redundant: emit nothing.
    Drop,
    /// A guard that always fails.
    Fail,
}

/// The opcode of a `Ref` operand as rules see it (`NOP` for "any").
fn operand_op(t: &Trace, mode: Mode, v: u16) -> Op {
    let r = Ref(v);
    if mode != Mode::Ref || r == Ref::NONE || t.is_phi_barrier(r) {
        Op::NOP
    } else {
        t.op(r)
    }
}

/// Lua's `a % b` for numbers, as the interpreter computes it.
pub fn num_mod(a: f64, b: f64) -> f64 {
    a - libm::floor(a / b) * b
}

/// Evaluates a number comparison (ordered ops false on NaN, `U` ops true on NaN).
#[allow(clippy::neg_cmp_op_on_partial_ord)] // `!(a >= b)` is exactly "less or unordered".
pub fn cmp_num(op: Op, a: f64, b: f64) -> bool {
    match op {
        Op::LT => a < b,
        Op::GE => a >= b,
        Op::LE => a <= b,
        Op::GT => a > b,
        Op::ULT => !(a >= b),
        Op::UGE => !(a < b),
        Op::ULE => !(a > b),
        Op::UGT => !(a <= b),
        Op::EQ => a == b,
        _ => a != b,
    }
}

/// Evaluates an integer comparison (`U` ops unsigned).
pub fn cmp_int(op: Op, a: i32, b: i32) -> bool {
    let (ua, ub) = (a as u32, b as u32);
    match op {
        Op::LT => a < b,
        Op::GE => a >= b,
        Op::LE => a <= b,
        Op::GT => a > b,
        Op::ULT => ua < ub,
        Op::UGE => ua >= ub,
        Op::ULE => ua <= ub,
        Op::UGT => ua > ub,
        Op::EQ => a == b,
        _ => a != b,
    }
}

fn guard_result(holds: bool) -> Fold {
    if holds {
        Fold::Drop
    } else {
        Fold::Fail
    }
}

fn retry(op: Op, t: IrT, a: Ref, b: Ref) -> Fold {
    Fold::Retry(Ins::new(op, t, a.0, b.0))
}

/// Folds one instruction.
pub fn fold(t: &mut Trace, ins: Ins) -> Result<Fold, IrError> {
    let (m1, m2) = ins.op.modes();
    let lop = operand_op(t, m1, ins.op1);
    let rop = operand_op(t, m2, ins.op2);
    let (a, b) = (ins.a(), ins.b());
    let ty = ins.ty();
    let knum = |t: &Trace, r: Ref| t.num_value(r).unwrap_or(f64::NAN);
    let kint = |t: &Trace, r: Ref| t.int_value(r).unwrap_or(0);
    use Op::*;

    // Canonical operand order: constants right, for commutative ops the higher ref left
    // (CSE then sees one order), for ordered comparisons by swapping the condition.
    if m1 == Mode::Ref && m2 == Mode::Ref {
        if ins.op.kind() == Kind::Comm && a < b {
            return Ok(retry(ins.op, ins.t, b, a));
        }
        if ins.op.is_ordered_comparison() && a.is_const() && !b.is_const() {
            return Ok(retry(ins.op.swap_operands(), ins.t, b, a));
        }
    }

    Ok(match (ins.op, lop, rop) {
        // ---- Constant folding: numbers.
        (ADD | SUB | MUL | DIV | MOD | POW | MIN | MAX, KNUM, KNUM) => {
            let (x, y) = (knum(t, a), knum(t, b));
            let v = match ins.op {
                ADD => x + y,
                SUB => x - y,
                MUL => x * y,
                DIV => x / y,
                MOD => num_mod(x, y),
                POW => crate::jit::vm_pow(x, y),
                MIN => {
                    if x < y {
                        x
                    } else {
                        y
                    }
                }
                _ => {
                    if x > y {
                        x
                    } else {
                        y
                    }
                }
            };
            Fold::Ref(t.knum(v)?)
        }
        (NEG, KNUM, _) => Fold::Ref(t.knum(-knum(t, a))?),
        (ABS, KNUM, _) => Fold::Ref(t.knum(knum(t, a).abs())?),
        (FPMATH, KNUM, _) => match Fpm::from_u16(ins.op2) {
            Some(f) => Fold::Ref(t.knum(f.eval(knum(t, a)))?),
            None => Fold::Emit,
        },
        (CALLN, KNUM, _) => fold_call(t, ins, &[a])?,
        (CALLN, CARG, _) => {
            let carg = *t.get(a);
            if t.op(carg.a()) == KNUM && t.op(carg.b()) == KNUM {
                fold_call(t, ins, &[carg.a(), carg.b()])?
            } else {
                Fold::Emit
            }
        }

        // ---- Constant folding: integers (wrapping, or checked for the OV variants).
        (ADD | SUB | MUL | BAND | BOR | BXOR | BSHL | BSHR | BSAR | BROL | BROR, KINT, KINT) => {
            let (x, y) = (kint(t, a), kint(t, b));
            let s = (y & 31) as u32;
            let v = match ins.op {
                ADD => x.wrapping_add(y),
                SUB => x.wrapping_sub(y),
                MUL => x.wrapping_mul(y),
                BAND => x & y,
                BOR => x | y,
                BXOR => x ^ y,
                BSHL => x.wrapping_shl(s),
                BSHR => ((x as u32) >> s) as i32,
                BSAR => x >> s,
                BROL => x.rotate_left(s),
                _ => x.rotate_right(s),
            };
            Fold::Ref(t.kint(v)?)
        }
        (ADDOV | SUBOV | MULOV, KINT, KINT) => {
            let (x, y) = (kint(t, a), kint(t, b));
            let v = match ins.op {
                ADDOV => x.checked_add(y),
                SUBOV => x.checked_sub(y),
                _ => x.checked_mul(y),
            };
            match v {
                Some(v) => Fold::Ref(t.kint(v)?),
                None => Fold::Fail,
            }
        }
        (NEG, KINT, _) => Fold::Ref(t.kint(kint(t, a).wrapping_neg())?),
        (BNOT, KINT, _) => Fold::Ref(t.kint(!kint(t, a))?),

        // ---- Conversions.
        (CONV, KNUM, _) if Conv(ins.op2).dst() == IrType::INT => {
            let x = knum(t, a);
            // Saturating, NaN -> 0: exactly `fcvtzs`. The emitted check converts back and
            // compares, so -0 passes (as 0) and so must it here.
            let i = x as i32;
            if Conv(ins.op2).check() && i as f64 != x {
                Fold::Fail
            } else {
                Fold::Ref(t.kint(i)?)
            }
        }
        (CONV, KINT, _) if Conv(ins.op2).dst() == IrType::NUM => {
            Fold::Ref(t.knum(kint(t, a) as f64)?)
        }
        // Narrowing: `x + k` computed in doubles from an int `x` (a narrowed loop index)
        // and checked back to an int (a table index) is `x + k` in ints, checked for
        // overflow: the double sum is exact, and an int exactly when the int sum does not
        // overflow. Both guards exit through the same snapshot.
        (CONV, ADD | SUB, _) if narrow_offset(t, ins).is_some() => {
            let (x, k) = narrow_offset(t, ins).unwrap_or((a, 0));
            let kr = t.kint(k)?;
            retry(ADDOV, IrT::guarded(IrType::INT), x, kr)
        }
        // int -> num -> int is the identity.
        (CONV, CONV, _)
            if Conv(ins.op2).dst() == IrType::INT
                && Conv(t.get(a).op2).dst() == IrType::NUM
                && Conv(t.get(a).op2).src() == IrType::INT =>
        {
            Fold::Ref(t.get(a).a())
        }

        // ---- Comparisons and bounds checks.
        (op, KNUM, KNUM) if op.is_comparison() => guard_result(cmp_num(op, knum(t, a), knum(t, b))),
        (op, KINT, KINT) if op.is_comparison() => guard_result(cmp_int(op, kint(t, a), kint(t, b))),
        (EQ | NE, _, _) if a.is_const() && b.is_const() && t.ty(a) != IrType::NUM => {
            // Interned: equal constants of non-number types have equal refs.
            guard_result((a == b) == (ins.op == EQ))
        }
        (op, _, _) if op.is_comparison() && a == b && t.ty(a) != IrType::NUM => {
            guard_result(matches!(op, EQ | LE | GE | ULE | UGE))
        }
        (ABC, KINT, KINT) => guard_result((kint(t, b) as u32) < (kint(t, a) as u32)),
        // A constant index below one an earlier check on the same size already passed.
        (ABC, _, KINT) if kint(t, b) >= 0 && abc_covered(t, a, kint(t, b)) => Fold::Drop,

        // ---- Algebra on numbers (exact in IEEE arithmetic).
        (ADD, _, KNUM) if ty == IrType::NUM && knum(t, b).to_bits() == (-0.0f64).to_bits() => {
            Fold::Ref(a)
        }
        (SUB, _, KNUM) if ty == IrType::NUM => {
            // x - k is x + (-k) exactly; x - 0 then folds to x via x + (-0).
            let nk = t.knum(-knum(t, b))?;
            retry(ADD, ins.t, a, nk)
        }
        (MUL | DIV, _, KNUM) if ty == IrType::NUM && knum(t, b) == 1.0 => Fold::Ref(a),
        (MUL | DIV, _, KNUM) if ty == IrType::NUM && knum(t, b) == -1.0 => {
            retry(NEG, ins.t, a, Ref::NONE)
        }
        (MUL, _, KNUM) if ty == IrType::NUM && knum(t, b) == 2.0 => retry(ADD, ins.t, a, a),
        (DIV, _, KNUM) if ty == IrType::NUM && exact_reciprocal(knum(t, b)).is_some() => {
            let r = t.knum(exact_reciprocal(knum(t, b)).unwrap_or(1.0))?;
            retry(MUL, ins.t, a, r)
        }
        // libm's pow (the interpreter's) returns exactly these for y = 0, 1, 2, -1.
        (POW, _, KNUM) if knum(t, b) == 0.0 => Fold::Ref(t.knum(1.0)?),
        (POW, _, KNUM) if knum(t, b) == 1.0 => Fold::Ref(a),
        (POW, _, KNUM) if knum(t, b) == 2.0 => retry(MUL, ins.t, a, a),
        (POW, _, KNUM) if knum(t, b) == -1.0 => {
            let one = t.knum(1.0)?;
            retry(DIV, ins.t, one, a)
        }
        // -(-x) is x for numbers and wrapping integers alike.
        (NEG, NEG, _) => Fold::Ref(t.get(a).a()),
        (ABS, NEG, _) => retry(ABS, ins.t, t.get(a).a(), Ref::NONE),
        (ABS, ABS, _) => Fold::Ref(a),
        (MIN | MAX, _, _) if a == b => Fold::Ref(a),
        (FPMATH, FPMATH, _) if is_rounding(ins.op2) && is_rounding(t.get(a).op2) => Fold::Ref(a),
        (FPMATH, CONV, _) if is_rounding(ins.op2) && Conv(t.get(a).op2).src() == IrType::INT => {
            Fold::Ref(a)
        }

        // ---- Algebra on integers (wrapping arithmetic).
        (ADD | SUB | BOR | BXOR | BSHL | BSHR | BSAR | BROL | BROR | ADDOV | SUBOV, _, KINT)
            if kint(t, b) == 0 =>
        {
            Fold::Ref(a)
        }
        (MUL | MULOV, _, KINT) if kint(t, b) == 1 => Fold::Ref(a),
        (MUL | BAND, _, KINT) if ty == IrType::INT && kint(t, b) == 0 => Fold::Ref(b),
        (BAND, _, KINT) if kint(t, b) == -1 => Fold::Ref(a),
        (BOR, _, KINT) if kint(t, b) == -1 => Fold::Ref(b),
        (BAND | BOR, _, _) if a == b => Fold::Ref(a),
        (SUB | BXOR, _, _) if a == b && ty.is_integer() => Fold::Ref(t.kint(0)?),
        (SUB, _, KINT) if ty == IrType::INT => {
            let nk = t.kint(kint(t, b).wrapping_neg())?;
            retry(ADD, ins.t, a, nk)
        }
        // (x + k1) + k2 ==> x + (k1 + k2)
        (ADD, ADD, KINT) if ty == IrType::INT && t.op(t.get(a).b()) == KINT => {
            let inner = *t.get(a);
            let k = t.kint(kint(t, inner.b()).wrapping_add(kint(t, b)))?;
            retry(ADD, ins.t, inner.a(), k)
        }
        // (x +ov k1) + k2 ==> x + (k1 + k2): wrapping addition is associative, and the
        // overflow check stays where it was (a guard is never removed by its users).
        (ADD, ADDOV, KINT) if ty == IrType::INT && t.op(t.get(a).b()) == KINT => {
            let inner = *t.get(a);
            let k = t.kint(kint(t, inner.b()).wrapping_add(kint(t, b)))?;
            retry(ADD, ins.t, inner.a(), k)
        }
        (BNOT, BNOT, _) => Fold::Ref(t.get(a).a()),

        _ => Fold::Emit,
    })
}

/// `1/k` when `x / k == x * (1/k)` for every `x`: `k` a power of two whose reciprocal
/// is a normal number.
/// For `CONV int.num check (ADD|SUB (CONV num.int x) k)` with a small integral constant
/// `k`: `x` and the int to add to it.
fn narrow_offset(t: &Trace, ins: Ins) -> Option<(Ref, i32)> {
    let c = Conv(ins.op2);
    if !(c.check() && c.dst() == IrType::INT && c.src() == IrType::NUM) {
        return None;
    }
    let sum = t.get(ins.a());
    let conv = sum.a();
    if t.ty(ins.a()) != IrType::NUM || t.is_phi_barrier(conv) || t.op(conv) != Op::CONV {
        return None;
    }
    let inner = Conv(t.get(conv).op2);
    if inner.dst() != IrType::NUM || inner.src() != IrType::INT {
        return None;
    }
    let k = t.num_value(sum.b())?;
    if k != libm::trunc(k) || k.abs() > (1 << 30) as f64 {
        return None;
    }
    let k = k as i32;
    Some((t.get(conv).a(), if sum.op == Op::SUB { -k } else { k }))
}

fn exact_reciprocal(k: f64) -> Option<f64> {
    let bits = k.to_bits();
    let mantissa = bits & ((1u64 << 52) - 1);
    let exp = ((bits >> 52) & 0x7ff) as i32 - 1023;
    (k.is_normal() && mantissa == 0 && (-1022..=1022).contains(&-exp)).then(|| 1.0 / k)
}

/// Whether an earlier `ABC size k2` with `k <= k2` exists (then `k < size` holds too).
fn abc_covered(t: &Trace, size: Ref, k: i32) -> bool {
    t.chain(Op::ABC).take_while(|r| *r > size).any(|r| {
        let g = t.get(r);
        g.a() == size && t.int_value(g.b()).is_some_and(|k2| k2 >= k)
    })
}

fn is_rounding(fpm: u16) -> bool {
    matches!(
        Fpm::from_u16(fpm),
        Some(Fpm::FLOOR | Fpm::CEIL | Fpm::TRUNC)
    )
}

fn fold_call(t: &mut Trace, ins: Ins, args: &[Ref]) -> Result<Fold, IrError> {
    let Some(f) = Call::from_u16(ins.op2) else {
        return Ok(Fold::Emit);
    };
    if f.nargs() != args.len() {
        return Ok(Fold::Emit);
    }
    let mut v = [0.0; 2];
    for (i, a) in args.iter().enumerate() {
        match t.num_value(*a) {
            Some(x) => v[i] = x,
            None => return Ok(Fold::Emit),
        }
    }
    match f.eval_num(&v[..args.len()]) {
        Some(r) => Ok(Fold::Ref(t.knum(r)?)),
        None => Ok(Fold::Emit),
    }
}

/// Runs folding alone over a trace (re-emitting it).
pub fn run(t: &Trace) -> Result<Trace, IrError> {
    let mut p = crate::jit::opt::Passes::NONE;
    p.fold = true;
    let mut out = crate::jit::opt::reemit(t, p)?;
    out.passes = t.passes;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ir::dump::dump;
    use crate::jit::ir::SloadFlags;
    use crate::jit::opt::Passes;

    fn folding() -> Trace {
        let mut p = Passes::NONE;
        p.fold = true;
        Trace::new(p, Default::default())
    }

    const N: IrT = IrT::new(IrType::NUM);
    const I: IrT = IrT::new(IrType::INT);

    #[test]
    fn numbers_fold_bit_identically() {
        let mut t = folding();
        let cases: &[(Op, f64, f64, f64)] = &[
            (Op::ADD, 0.1, 0.2, 0.1 + 0.2),
            (Op::SUB, -0.0, 0.0, -0.0),
            (Op::MUL, 1e308, 10.0, f64::INFINITY),
            (Op::DIV, 1.0, 0.0, f64::INFINITY),
            (Op::DIV, -1.0, 0.0, f64::NEG_INFINITY),
            (Op::MOD, 5.5, 2.0, 1.5),
            (Op::MOD, -5.5, 2.0, 0.5),
            (Op::MOD, 5.0, -3.0, -1.0),
            (Op::POW, 2.0, 10.0, 1024.0),
            // luajit: min(0, -0) is -0, min(-0, 0) is 0, max(0, -0) is -0.
            (Op::MIN, 0.0, -0.0, -0.0),
            (Op::MIN, -0.0, 0.0, 0.0),
            (Op::MAX, 0.0, -0.0, -0.0),
            (Op::MAX, -0.0, 0.0, 0.0),
            (Op::MAX, 1.0, 3.0, 3.0),
            (Op::MIN, f64::NAN, 1.0, 1.0),
        ];
        for &(op, x, y, want) in cases {
            let (kx, ky) = (t.knum(x).unwrap(), t.knum(y).unwrap());
            let r = t.emit(op, N, kx.0, ky.0).unwrap();
            let got = t.num_value(r).unwrap();
            assert_eq!(got.to_bits(), want.to_bits(), "{op} {x} {y} = {got}");
        }
        let nan = t.knum(f64::NAN).unwrap();
        let one = t.knum(1.0).unwrap();
        let r = t.emit(Op::ADD, N, nan.0, one.0).unwrap();
        assert!(t.num_value(r).unwrap().is_nan());
        let k_1 = t.knum(-0.5).unwrap();
        let r = t.emit(Op::FPMATH, N, k_1.0, Fpm::CEIL as u16).unwrap();
        assert_eq!(t.num_value(r).unwrap().to_bits(), (-0.0f64).to_bits());
        let k_2 = t.knum(0.0).unwrap();
        let r = t.emit(Op::NEG, N, k_2.0, 0).unwrap();
        assert_eq!(t.num_value(r).unwrap().to_bits(), (-0.0f64).to_bits());
        assert_eq!(t.num_ins(), 1, "nothing emitted");
    }

    #[test]
    fn ieee_algebra_keeps_signed_zero() {
        let mut t = folding();
        let x = t.sload(1, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let z = t.knum(0.0).unwrap();
        let nz = t.knum(-0.0).unwrap();
        let add0 = t.emit(Op::ADD, N, x.0, z.0).unwrap();
        assert_ne!(add0, x, "x + 0 is not x for x = -0");
        assert_eq!(t.emit(Op::ADD, N, x.0, nz.0).unwrap(), x, "x + -0 is x");
        assert_eq!(t.emit(Op::SUB, N, x.0, z.0).unwrap(), x, "x - 0 is x");
        let sub_nz = t.emit(Op::SUB, N, x.0, nz.0).unwrap();
        assert_eq!(t.op(sub_nz), Op::ADD, "x - -0 is x + 0, not x");
        let k_3 = t.knum(0.0).unwrap();
        assert_ne!(t.emit(Op::SUB, N, x.0, x.0).unwrap(), k_3, "x - x is not 0");
        let k_4 = t.knum(1.0).unwrap();
        assert_eq!(t.emit(Op::MUL, N, x.0, k_4.0).unwrap(), x);
        let k4 = t.knum(4.0).unwrap();
        let d = t.emit(Op::DIV, N, x.0, k4.0).unwrap();
        assert_eq!(t.op(d), Op::MUL);
        assert_eq!(t.num_value(t.get(d).b()), Some(0.25));
        let k_5 = t.knum(3.0).unwrap();
        let d3 = t.emit(Op::DIV, N, x.0, k_5.0).unwrap();
        assert_eq!(t.op(d3), Op::DIV, "1/3 is inexact");
        let k_6 = t.knum(2.0).unwrap();
        let m2 = t.emit(Op::MUL, N, k_6.0, x.0).unwrap();
        assert_eq!((t.op(m2), t.get(m2).a(), t.get(m2).b()), (Op::ADD, x, x));
        let n = t.emit(Op::NEG, N, x.0, 0).unwrap();
        assert_eq!(t.emit(Op::NEG, N, n.0, 0).unwrap(), x);
        let abs = t.emit(Op::ABS, N, n.0, 0).unwrap();
        assert_eq!(t.get(abs).a(), x);
        assert!(crate::jit::ir::verify(&t).is_ok());
    }

    #[test]
    fn guards_fold() {
        let mut t = folding();
        let (one, two) = (t.knum(1.0).unwrap(), t.knum(2.0).unwrap());
        assert_eq!(t.guard(Op::LT, one, two), Ok(Ref::NONE));
        assert_eq!(t.guard(Op::GT, one, two), Err(IrError::GuardAlwaysFails));
        let nan = t.knum(f64::NAN).unwrap();
        assert_eq!(
            t.guard(Op::UGE, nan, one),
            Ok(Ref::NONE),
            "unordered holds on NaN"
        );
        assert_eq!(t.guard(Op::GE, nan, one), Err(IrError::GuardAlwaysFails));
        let k_7 = t.knum(0.0).unwrap();
        let k_8 = t.knum(-0.0).unwrap();
        assert_eq!(t.guard(Op::EQ, k_7, k_8), Ok(Ref::NONE));
        let (m1, k1) = (t.kint(-1).unwrap(), t.kint(1).unwrap());
        assert_eq!(t.guard(Op::LT, m1, k1), Ok(Ref::NONE));
        assert_eq!(t.guard(Op::ULT, m1, k1), Err(IrError::GuardAlwaysFails));
        assert_eq!(
            t.guard(Op::EQ, Ref::NIL, Ref::FALSE),
            Err(IrError::GuardAlwaysFails)
        );
        let tab = t.sload(1, IrType::TAB, SloadFlags::TYPECHECK).unwrap();
        assert_eq!(t.guard(Op::EQ, tab, tab), Ok(Ref::NONE));
        let x = t.sload(2, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        assert_ne!(t.guard(Op::EQ, x, x), Ok(Ref::NONE), "NaN ~= NaN");
        // Constants move right by swapping the condition.
        let g = t.guard(Op::LT, two, x).unwrap();
        assert_eq!((t.op(g), t.get(g).a(), t.get(g).b()), (Op::GT, x, two));
        let (k3, k5) = (t.kint(3).unwrap(), t.kint(5).unwrap());
        assert_eq!(t.guard(Op::ABC, k5, k3), Ok(Ref::NONE));
        // Bounds checks covered by a larger constant index on the same size.
        let n = t.sload(3, IrType::INT, SloadFlags::TYPECHECK).unwrap();
        let big = t.guard(Op::ABC, n, k5).unwrap();
        assert_ne!(big, Ref::NONE);
        assert_eq!(
            t.guard(Op::ABC, n, k3),
            Ok(Ref::NONE),
            "3 < n follows from 5 < n"
        );
        let k7 = t.kint(7).unwrap();
        assert_ne!(t.guard(Op::ABC, n, k7), Ok(Ref::NONE));
        assert_eq!(t.guard(Op::ABC, k3, k5), Err(IrError::GuardAlwaysFails));
    }

    /// `t[i + k]` with an int `i`: the checked conversion of the double sum becomes an
    /// overflow-checked int add, and the array offset `(i +ov k) - 1` reassociates to
    /// `i + (k - 1)` (the overflow check stays).
    #[test]
    fn index_arithmetic_narrows() {
        let mut t = folding();
        let i = t.sload(1, IrType::INT, SloadFlags::TYPECHECK).unwrap();
        let to_num = Conv::new(IrType::NUM, IrType::INT, false).0;
        let to_int = Conv::new(IrType::INT, IrType::NUM, true).0;
        let n = t.emit(Op::CONV, N, i.0, to_num).unwrap();
        let three = t.knum(3.0).unwrap();
        let sum = t.emit(Op::SUB, N, n.0, three.0).unwrap();
        let k = t.emit(Op::CONV, I.with_guard(), sum.0, to_int).unwrap();
        assert_eq!(t.op(k), Op::ADDOV);
        assert!(t.get(k).t.is_guard());
        assert_eq!((t.get(k).a(), t.int_value(t.get(k).b())), (i, Some(-3)));
        let one = t.kint(1).unwrap();
        let i0 = t.emit(Op::SUB, I, k.0, one.0).unwrap();
        assert_eq!((t.get(i0).a(), t.int_value(t.get(i0).b())), (i, Some(-4)));
        // i + 1 - 1 is i itself.
        let onef = t.knum(1.0).unwrap();
        let s1 = t.emit(Op::ADD, N, n.0, onef.0).unwrap();
        let k1 = t.emit(Op::CONV, I.with_guard(), s1.0, to_int).unwrap();
        assert_eq!(t.emit(Op::SUB, I, k1.0, one.0).unwrap(), i);
        // A fractional or huge offset, or a double that is not a converted int: kept.
        let half = t.knum(0.5).unwrap();
        let sh = t.emit(Op::ADD, N, n.0, half.0).unwrap();
        let kh = t.emit(Op::CONV, I.with_guard(), sh.0, to_int);
        assert!(kh.is_err() || t.op(kh.unwrap()) == Op::CONV);
        let x = t.sload(2, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let sx = t.emit(Op::ADD, N, x.0, onef.0).unwrap();
        let kx = t.emit(Op::CONV, I.with_guard(), sx.0, to_int).unwrap();
        assert_eq!(t.op(kx), Op::CONV);
        crate::jit::ir::verify(&t).unwrap();
    }

    #[test]
    fn integers_wrap_or_check() {
        let mut t = folding();
        let (max, one) = (t.kint(i32::MAX).unwrap(), t.kint(1).unwrap());
        let w = t.emit(Op::ADD, I, max.0, one.0).unwrap();
        assert_eq!(t.int_value(w), Some(i32::MIN));
        assert_eq!(
            t.emit(Op::ADDOV, I.with_guard(), max.0, one.0),
            Err(IrError::GuardAlwaysFails)
        );
        let x = t.sload(1, IrType::INT, SloadFlags::TYPECHECK).unwrap();
        let x1 = t.emit(Op::ADD, I, x.0, one.0).unwrap();
        let k_9 = t.kint(2).unwrap();
        let x3 = t.emit(Op::ADD, I, x1.0, k_9.0).unwrap();
        assert_eq!(
            (t.get(x3).a(), t.int_value(t.get(x3).b())),
            (x, Some(3)),
            "reassociated"
        );
        let s = t.emit(Op::SUB, I, x.0, one.0).unwrap();
        assert_eq!(t.int_value(t.get(s).b()), Some(-1));
        let z = t.emit(Op::SUB, I, x.0, x.0).unwrap();
        assert_eq!(t.int_value(z), Some(0));
        let k_10 = t.kint(-1).unwrap();
        assert_eq!(t.emit(Op::BAND, I, x.0, k_10.0).unwrap(), x);
        let c = Conv::new(IrType::NUM, IrType::INT, false);
        let n = t.emit(Op::CONV, N, x.0, c.0).unwrap();
        let back = Conv::new(IrType::INT, IrType::NUM, true);
        assert_eq!(t.emit(Op::CONV, I.with_guard(), n.0, back.0).unwrap(), x);
        let half = t.knum(0.5).unwrap();
        assert_eq!(
            t.emit(Op::CONV, I.with_guard(), half.0, back.0),
            Err(IrError::GuardAlwaysFails)
        );
        let f = t.emit(Op::FPMATH, N, n.0, Fpm::FLOOR as u16).unwrap();
        assert_eq!(f, n, "floor of an integer");
    }

    #[test]
    fn fold_pass_dump() {
        let mut t = Trace::new(Passes::NONE, Default::default());
        let x = t.sload(1, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let (k2, k3) = (t.knum(2.0).unwrap(), t.knum(3.0).unwrap());
        let k6 = t.emit(Op::MUL, N, k2.0, k3.0).unwrap();
        let y = t.emit(Op::MUL, N, k6.0, x.0).unwrap();
        let z = t.emit(Op::SUB, N, y.0, k2.0).unwrap();
        t.guard(Op::LT, k2, k3).unwrap();
        t.snapshot(
            3,
            2,
            alloc::vec![crate::jit::snapshot::SnapEntry { slot: 1, r: z }],
        )
        .unwrap();
        t.guard(Op::GT, z, x).unwrap();
        let out = run(&t).unwrap();
        crate::jit::ir::verify(&out).unwrap();
        assert_eq!(
            dump(&out),
            "\
0001 >  num SLOAD  #1    T
0002    num MUL    0001  +6
0003    num ADD    0002  -2
....              SNAP   #0   pc 3    [ #1=0003 ] top 2
0004 >  nil GT     0003  0001
"
        );
    }

    #[test]
    fn pow_with_small_exponents_matches_libm() {
        let xs = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            -3.25,
            1e300,
            -1e-310,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for y in [0.0, -0.0, 1.0, 2.0, -1.0] {
            for x in xs {
                let mut t = folding();
                let s = t.sload(0, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
                let k = t.knum(y).unwrap();
                let r = t.emit(Op::POW, N, s.0, k.0).unwrap();
                // Evaluate the folded form on x.
                let ins = *t.get(r);
                let val = |r: Ref| if r == s { x } else { t.num_value(r).unwrap() };
                let got = match ins.op {
                    _ if r == s => x,
                    _ if r.is_const() => t.num_value(r).unwrap(),
                    Op::MUL => val(ins.a()) * val(ins.b()),
                    Op::DIV => val(ins.a()) / val(ins.b()),
                    op => panic!("pow folded to {op}"),
                };
                assert_ne!(ins.op, Op::POW, "x^{y} folds");
                assert_eq!(got.to_bits(), crate::jit::vm_pow(x, y).to_bits(), "{x}^{y}");
            }
        }
        let mut t = folding();
        let s = t.sload(0, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let k = t.knum(3.0).unwrap();
        let p = t.emit(Op::POW, N, s.0, k.0).unwrap();
        assert_eq!(t.op(p), Op::POW);
    }
}
