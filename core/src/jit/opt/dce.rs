//! Dead-code elimination: mark from the roots, turn everything else into `NOP`.
//!
//! Invariants: the roots are every ref a snapshot keeps (exits must be able to restore
//! it) and every instruction with a side effect (stores, guards, calls with effects,
//! `LOOP`, `PHI`: the loop pass already emitted only the PHIs that matter). Marks
//! propagate from an instruction to its `Ref` operands in one backward walk (operands
//! always precede their users). Unmarked instructions become `NOP` and leave their chain;
//! refs never move, so snapshots and later passes need no renumbering.

use alloc::vec;

use crate::jit::ir::{Op, Trace};

/// Runs DCE in place; returns the number of instructions removed.
pub fn run(t: &mut Trace) -> usize {
    let mut mark = vec![false; t.num_ins()];
    for s in &t.snaps {
        for r in s.refs().filter(|r| r.is_ins()) {
            mark[r.idx()] = true;
        }
    }
    let mut removed = 0;
    let refs: alloc::vec::Vec<_> = t.ins_refs().rev().collect();
    for r in refs {
        let ins = *t.get(r);
        if ins.op == Op::NOP {
            continue;
        }
        if !mark[r.idx()] && !ins.has_side_effect() {
            t.nop(r);
            removed += 1;
            continue;
        }
        for a in ins.ref_operands().filter(|a| a.is_ins()) {
            mark[a.idx()] = true;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ir::dump::dump;
    use crate::jit::ir::{IrT, IrType, Ref, SloadFlags};
    use crate::jit::opt::Passes;
    use crate::jit::snapshot::SnapEntry;

    #[test]
    fn removes_unused_pure_code_keeps_roots() {
        let mut t = Trace::new(Passes::NONE, Default::default());
        let n = IrT::new(IrType::NUM);
        let a = t.sload(1, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let b = t.sload(2, IrType::NUM, SloadFlags::NONE).unwrap();
        let dead = t.emit(Op::MUL, n, a.0, b.0).unwrap();
        let _dead2 = t.emit(Op::ADD, n, dead.0, dead.0).unwrap();
        let _tnew = t.emit(Op::TNEW, IrT::new(IrType::TAB), 0, 0).unwrap();
        let live = t.emit(Op::ADD, n, a.0, a.0).unwrap();
        t.snapshot(5, 3, vec![SnapEntry { slot: 2, r: live }])
            .unwrap();
        let k = t.knum(9.0).unwrap();
        let c = t.emit(Op::SUB, n, b.0, k.0).unwrap();
        t.guard(Op::LT, c, a).unwrap();
        assert_eq!(run(&mut t), 3);
        crate::jit::ir::verify(&t).unwrap();
        assert_eq!(
            dump(&t),
            "\
0001 >  num SLOAD  #1    T
0002    num SLOAD  #2
0003    nil NOP
0004    nil NOP
0005    nil NOP
0006    num ADD    0001  0001
....              SNAP   #0   pc 5    [ #2=0006 ] top 3
0007    num SUB    0002  +9
0008 >  nil LT     0007  0001
"
        );
        assert_eq!(t.op(Ref(Ref::FIRST.0 + 2)), Op::NOP);
        assert_eq!(run(&mut t), 0, "idempotent");
    }
}
