//! Text dump of a trace in the style of LuaJIT's `-jdump`:
//!
//! ```text
//! 0001 >  num SLOAD  #1    T
//! 0002    num ADD    0001  +1
//! ....              SNAP   #1   pc 7    [ #1=0002 ] top 3
//! 0003 ------------ LOOP ------------
//! ```
//!
//! Invariant: the dump is deterministic: no addresses (GC constants print their label,
//! pointers their label or their constant number), numbers print in a fixed format.
//! After register allocation, a location column can be added (see [`dump_with`]). A `+`
//! after the guard column marks the left side of a `PHI` (a loop-carried value).

use alloc::string::String;
use core::fmt::Write;

use super::builder::{Conv, SloadFlags};
use super::call::Call;
use super::field::Field;
use super::op::{Fpm, Mode, Op};
use super::trace::{Ref, Trace};
use super::types::IrType;
use crate::jit::snapshot;

/// Formats a number constant: integral values as `+3`/`-3`, others in Rust's shortest
/// round-trip form with a sign, `-0` kept apart from `+0`.
pub fn num(n: f64, out: &mut String) {
    if n.is_nan() {
        out.push_str("nan");
    } else if n.is_infinite() {
        out.push_str(if n > 0.0 { "+inf" } else { "-inf" });
    } else if n == 0.0 {
        out.push_str(if n.is_sign_negative() { "-0" } else { "+0" });
    } else if n == libm::trunc(n) && n.abs() < 1e15 {
        let _ = write!(out, "{:+}", n as i64);
    } else if !(1e-4..1e15).contains(&n.abs()) {
        let _ = write!(out, "{:+e}", n);
    } else {
        let _ = write!(out, "{:+}", n);
    }
}

/// Appends a `Ref` operand: an instruction number, or a constant's value.
pub fn operand(t: &Trace, r: Ref, out: &mut String) {
    if r.is_ins() {
        let _ = write!(out, "{:04}", r.num());
        return;
    }
    if r == Ref::NONE {
        out.push_str("----");
        return;
    }
    let k = t.get(r);
    match k.op {
        Op::KPRI => out.push_str(match k.ty() {
            IrType::FALSE => "false",
            IrType::TRUE => "true",
            _ => "nil",
        }),
        Op::KINT => {
            let _ = write!(out, "{:+}", k.op12() as i32);
        }
        Op::KNUM => num(t.num_value(r).unwrap_or(f64::NAN), out),
        Op::KINT64 => {
            let _ = write!(out, "{}LL", t.k64_value(r).unwrap_or(0) as i64);
        }
        Op::KGC | Op::KPTR => match t.k_label(r) {
            Some(l) => out.push_str(l),
            None if k.op == Op::KGC => {
                let _ = write!(out, "{}:{:#x}", k.ty(), t.k64_value(r).unwrap_or(0));
            }
            None => {
                let _ = write!(out, "{}#{}", k.ty(), Ref::BIAS - r.0);
            }
        },
        Op::KSLOT => {
            operand(t, k.a(), out);
            let _ = write!(out, " @{}", k.op2);
        }
        _ => {
            let _ = write!(out, "K{}?", Ref::BIAS - r.0);
        }
    }
}

fn literal(t: &Trace, op: Op, which: u8, v: u16, out: &mut String) {
    match (op, which) {
        (Op::SLOAD, 1) => {
            let _ = write!(out, "#{}", v as i16);
        }
        (Op::SLOAD, 2) => {
            for (f, c) in SloadFlags::LETTERS {
                if SloadFlags(v).has(f) {
                    out.push(c);
                }
            }
        }
        (Op::FLOAD | Op::FREF, 2) => match Field::from_u16(v) {
            Some(f) => out.push_str(f.name()),
            None => {
                let _ = write!(out, "field#{v}");
            }
        },
        (Op::FPMATH, 2) => match Fpm::from_u16(v) {
            Some(f) => out.push_str(f.name()),
            None => {
                let _ = write!(out, "fpm#{v}");
            }
        },
        (Op::CONV, 2) => {
            let c = Conv(v);
            let _ = write!(out, "{}.{}", c.dst(), c.src());
            if c.check() {
                out.push_str(" check");
            }
        }
        (Op::CALLN | Op::CALLL | Op::CALLS, 2) => match Call::from_u16(v) {
            Some(c) => out.push_str(c.name()),
            None => {
                let _ = write!(out, "call#{v}");
            }
        },
        (Op::UREF, 2) | (Op::TNEW, _) => {
            let _ = write!(out, "#{v}");
        }
        _ => {
            let _ = write!(out, "{v}");
        }
    }
    let _ = t;
}

/// Appends the operand columns of one instruction.
fn operands(t: &Trace, r: Ref, out: &mut String) {
    let ins = t.get(r);
    let (m1, m2) = ins.op.modes();
    let start = out.len();
    for (i, (m, v)) in [(m1, ins.op1), (m2, ins.op2)].into_iter().enumerate() {
        let col = out.len();
        match m {
            Mode::Ref => operand(t, Ref(v), out),
            Mode::Lit => literal(t, ins.op, i as u8 + 1, v, out),
            Mode::Cst | Mode::None => continue,
        }
        if i == 0 {
            out.push(' ');
            while out.len() < col + 6 {
                out.push(' ');
            }
        }
    }
    let trimmed = out[start..].trim_end().len();
    out.truncate(start + trimmed);
}

/// Dumps one instruction (no newline), with an optional location column.
pub fn line(t: &Trace, r: Ref, loc: Option<&str>, out: &mut String) {
    let ins = t.get(r);
    let _ = write!(out, "{:04} ", r.num());
    if let Some(l) = loc {
        let _ = write!(out, "{l:<5} ");
    }
    if ins.op == Op::LOOP {
        out.push_str("------------ LOOP ------------");
        return;
    }
    let g = if ins.t.is_guard() { '>' } else { ' ' };
    let p = if t.chain(Op::PHI).any(|q| t.get(q).a() == r) {
        '+'
    } else {
        ' '
    };
    let _ = write!(out, "{g}{p} {} {:<6} ", ins.ty(), ins.op.name());
    operands(t, r, out);
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
}

/// Dumps a whole trace with its snapshots.
pub fn dump(t: &Trace) -> String {
    dump_with(t, &|_| None)
}

/// Dumps a whole trace, with `loc(ref)` (a register or spill slot) as an extra column.
pub fn dump_with(t: &Trace, loc: &dyn Fn(Ref) -> Option<String>) -> String {
    let mut out = String::new();
    let mut next_snap = 0;
    let has_loc = t.ins_refs().any(|r| loc(r).is_some());
    for r in t.ins_refs() {
        while next_snap < t.snaps.len() && t.snaps[next_snap].r <= r {
            snapshot::dump(t, next_snap, &mut out);
            next_snap += 1;
        }
        let l = if has_loc {
            Some(loc(r).unwrap_or_default())
        } else {
            None
        };
        line(t, r, l.as_deref(), &mut out);
        out.push('\n');
    }
    while next_snap < t.snaps.len() {
        snapshot::dump(t, next_snap, &mut out);
        next_snap += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ir::{IrT, SloadFlags};
    use crate::jit::opt::Passes;

    #[test]
    fn numbers_print_deterministically() {
        let cases = [
            (1.0, "+1"),
            (-2.0, "-2"),
            (0.5, "+0.5"),
            (-0.0, "-0"),
            (0.0, "+0"),
            (1e300, "+1e300"),
        ];
        for (n, s) in cases {
            let mut out = String::new();
            num(n, &mut out);
            assert_eq!(out, s);
        }
    }

    #[test]
    fn dump_format() {
        let mut t = Trace::new(Passes::NONE, Default::default());
        let a = t.sload(1, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let one = t.knum(1.0).unwrap();
        let b = t.emit(Op::ADD, IrT::new(IrType::NUM), a.0, one.0).unwrap();
        let tb = t
            .sload(2, IrType::TAB, SloadFlags::TYPECHECK | SloadFlags::READONLY)
            .unwrap();
        let x = t.kgc(IrType::STR, 0x99, "\"x\"".into()).unwrap();
        let ks = t.kslot(x, 2).unwrap();
        t.snapshot(
            4,
            3,
            alloc::vec![crate::jit::snapshot::SnapEntry { slot: 1, r: b }],
        )
        .unwrap();
        let h = t
            .emit(Op::HREFK, IrT::new(IrType::PTR), tb.0, ks.0)
            .unwrap();
        let sz = t
            .emit(
                Op::FLOAD,
                IrT::new(IrType::INT),
                tb.0,
                Field::TAB_ASIZE as u16,
            )
            .unwrap();
        let c = Conv::new(IrType::NUM, IrType::INT, false);
        t.emit(Op::CONV, IrT::new(IrType::NUM), sz.0, c.0).unwrap();
        t.emit(Op::HSTORE, IrT::new(IrType::NIL), h.0, b.0).unwrap();
        t.append(crate::jit::ir::Ins::new(
            Op::LOOP,
            IrT::new(IrType::NIL),
            0,
            0,
        ))
        .unwrap();
        let expect = "\
0001 >  num SLOAD  #1    T
0002    num ADD    0001  +1
0003 >  tab SLOAD  #2    TR
....              SNAP   #0   pc 4    [ #1=0002 ] top 3
0004 >  p64 HREFK  0003  \"x\" @2
0005    int FLOAD  0003  tab.asize
0006    num CONV   0005  num.int
0007    nil HSTORE 0004  0002
0008 ------------ LOOP ------------
";
        assert_eq!(dump(&t), expect);
    }
}
