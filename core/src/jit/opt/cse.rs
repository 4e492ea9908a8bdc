//! Common-subexpression elimination over the per-opcode chains.
//!
//! Invariants: only pure instructions (kinds `Norm`/`Comm`, plus `SLOAD`: stack slots are
//! never written inside a trace, the slot map and snapshots stand for the stores) are
//! CSE'd here; loads are CSE'd by `fwd`, which knows about stores. A match must have the
//! same opcode, operands and type, and may carry the guard flag only if the candidate
//! does too (a checked result is also a valid unchecked one, not the reverse). The chain
//! walk stops at the first ref not above both operands: in SSA nothing earlier can use
//! them.

use crate::jit::ir::{Ins, IrError, Kind, Mode, Op, Ref, Trace};
use crate::jit::opt::{reemit, Passes};

/// An existing instruction computing the same value as `ins`, if any.
pub fn find(t: &Trace, ins: &Ins) -> Option<Ref> {
    let (m1, m2) = ins.op.modes();
    let lim = [(m1, ins.op1), (m2, ins.op2)]
        .iter()
        .filter(|(m, _)| *m == Mode::Ref)
        .map(|(_, v)| *v)
        .max()
        .unwrap_or(0);
    let comm = ins.op.kind() == Kind::Comm;
    for r in t.chain(ins.op) {
        if r.0 <= lim {
            break;
        }
        let c = t.get(r);
        let same = (c.op1 == ins.op1 && c.op2 == ins.op2)
            || (comm && c.op1 == ins.op2 && c.op2 == ins.op1);
        if same && c.ty() == ins.ty() && (c.t.is_guard() || !ins.t.is_guard()) {
            return Some(r);
        }
    }
    None
}

/// Runs CSE alone over a trace (re-emitting it).
pub fn run(t: &Trace) -> Result<Trace, IrError> {
    let mut p = Passes::NONE;
    p.cse = true;
    let mut out = reemit(t, p)?;
    out.passes = t.passes;
    Ok(out)
}

/// Whether `op` is one CSE handles.
pub fn handles(op: Op) -> bool {
    matches!(op.kind(), Kind::Norm | Kind::Comm) || op == Op::SLOAD
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ir::dump::dump;
    use crate::jit::ir::{IrT, IrType, SloadFlags};

    #[test]
    fn duplicate_arithmetic_and_guards_collapse() {
        let mut t = Trace::new(Passes::NONE, Default::default());
        let a = t.sload(1, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let b = t.sload(2, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let n = IrT::new(IrType::NUM);
        let x = t.emit(Op::MUL, n, a.0, b.0).unwrap();
        let y = t.emit(Op::MUL, n, b.0, a.0).unwrap();
        let s = t.emit(Op::ADD, n, x.0, y.0).unwrap();
        t.guard(Op::LT, s, a).unwrap();
        t.guard(Op::LT, s, a).unwrap();
        let a2 = t.sload(1, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        t.emit(Op::SUB, n, a2.0, b.0).unwrap();
        let out = run(&t).unwrap();
        crate::jit::ir::verify(&out).unwrap();
        assert_eq!(
            dump(&out),
            "\
0001 >  num SLOAD  #1    T
0002 >  num SLOAD  #2    T
0003    num MUL    0001  0002
0004    num ADD    0003  0003
0005 >  nil LT     0004  0001
0006    num SUB    0001  0002
"
        );
    }

    #[test]
    fn different_types_or_guards_do_not_match() {
        let mut t = Trace::new(Passes::NONE, Default::default());
        let a = t.sload(1, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let c = crate::jit::ir::Conv::new(IrType::INT, IrType::NUM, false).0;
        let chk = crate::jit::ir::Conv::new(IrType::INT, IrType::NUM, true).0;
        let i = IrT::new(IrType::INT);
        let u = t.emit(Op::CONV, i, a.0, c).unwrap();
        let g = t.emit(Op::CONV, i.with_guard(), a.0, chk).unwrap();
        let mut p = Passes::NONE;
        p.cse = true;
        t.passes = p;
        assert_eq!(t.emit(Op::CONV, i, a.0, c).unwrap(), u);
        assert_eq!(t.emit(Op::CONV, i.with_guard(), a.0, chk).unwrap(), g);
        // An unguarded load must not stand for a guarded one.
        let ld = t.sload(2, IrType::NUM, SloadFlags::NONE).unwrap();
        assert_ne!(t.sload(2, IrType::NUM, SloadFlags::TYPECHECK).unwrap(), ld);
        assert!(handles(Op::SLOAD) && !handles(Op::ALOAD) && !handles(Op::TNEW));
    }
}
