//! The emitter: a trace with its register allocation to AArch64 machine code.
//!
//! # Shape of the code
//! ```text
//! entry:  save fp/lr and every callee-saved register, reserve the spill frame,
//!         x19 = base (arg 0), x20 = &ExitState (arg 1), x21 = ExitState.steps
//!         pre-roll instructions ...
//! loop:   loop body ...
//!         subs x21, x21, #cost                   (step budget, see `vm/budget.rs`)
//!         b.pl loop; b exit_last                 (without back-edge moves), or
//!         b.mi exit_last; back-edge moves (PHIs); b loop
//! exit_n: str x0, [x20, gpr0]; movz x0, #n; b common     (one stub per snapshot)
//! common: store x21 to ExitState.steps, x1..x28, d0..d31 to the ExitState, copy the
//!         spill slots,
//!         restore the callee-saved registers, ret (x0 = exit number)
//! ```
//! The code is called as `extern "C" fn(base: *mut Value, st: *mut ExitState) -> u64` and
//! returns only through an exit; `exit.rs` restores the VM from the snapshot.
//!
//! # Invariants
//! - values live where [`Allocation`] says for their whole life; `x16`/`x17` and
//!   `d30`/`d31` are the only registers used for anything else (operand reloads,
//!   constants, type checks), and never hold a value across instructions;
//! - GC objects are held as boxed `Value` bits (tag included), numbers as doubles; the
//!   exit handler boxes by IR type and canonicalizes NaNs;
//! - every guard is one conditional branch to the stub of the snapshot covering it;
//! - a loop charges the step budget at its back-edge, before the back-edge moves, and
//!   exits through the final snapshot (whose refs live to the end, see `regalloc.rs`)
//!   when the counter goes negative: the interpreter then raises the error at its pc;
//! - the walk is forward, in IR order (allocation is a separate pass, see `regalloc.rs`).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::jit::a64::*;
use crate::jit::exit::{fpr_offset, gpr_offset, spill_offset, MAX_SPILLS, STEPS_OFFSET};
use crate::jit::ir::{Call, Conv, Field, Fpm, IrType, Op, Ref, SloadFlags, Trace};
use crate::jit::regalloc::{Allocation, Loc, Move, Reg as RaReg, SCRATCH_FPR, SCRATCH_GPR};
use crate::jit::snapshot::covering;
use crate::value::{NUM_LIMIT, TAGGED_HI, TAG_SHIFT};

/// `#t` for traces (`Call::TAB_LEN`): the table's border, as the interpreter computes it.
extern "C" fn helper_tab_len(t: *const crate::object::Table) -> i32 {
    // SAFETY: the trace passes the unboxed pointer of a table it holds (typed `tab` by a
    // guard), live for the whole trace.
    unsafe { (*t).length() as i32 }
}

/// Emitted code and where things are in it.
pub struct Code {
    /// The instruction words, entry first.
    pub words: Vec<u32>,
    /// Word offset of the loop label (None for a straight trace).
    pub loop_at: Option<usize>,
}

const XT0: X = X::new(16);
const XT1: X = X::new(17);
const DT0: D = D::new(30);
const DT1: D = D::new(31);
const BASE: XSp = XSp::new(19);
const ST: XSp = XSp::new(20);
const SP: XSp = XSp::new(31);
/// The step counter (`ExitState::steps`), loaded by the prologue, stored by the exits.
const STEPS: X = X::new(21);

const _: () = assert!(SCRATCH_GPR.num() == 16 && SCRATCH_FPR.num() == 31);

/// The extern "C" `pow` a trace calls for `POW`.
extern "C" fn helper_pow(a: f64, b: f64) -> f64 {
    crate::jit::vm_pow(a, b)
}

struct Emitter<'a> {
    t: &'a Trace,
    a: &'a Allocation,
    buf: CodeBuffer,
    stubs: Vec<Label>,
    frame: u32,
    /// Registers the allocation uses (bit n: `xn`, bit 32+n: `dn`): only these are
    /// saved by the prologue (callee-saved ones) and stored by the exits.
    used: u64,
}

/// The registers an allocation puts values in (back-edge temporaries included).
fn used_regs(a: &Allocation) -> u64 {
    let mut used = 0u64;
    let mut add = |l: Loc| {
        if let Loc::Reg(r) = l {
            used |= 1 << ((r.is_fp() as u32) * 32 + r.num() as u32);
        }
    };
    a.ins.iter().chain(a.consts.iter()).for_each(|l| add(*l));
    for m in &a.phi_moves {
        add(m.dst);
        add(m.src);
    }
    used
}

type EResult<T> = Result<T, String>;

fn buferr(e: BufError) -> String {
    format!("{e:?}")
}

fn ldst_x(op: LdSt<X, 3>, rt: X, rn: XSp, off: usize) -> EResult<u32> {
    ldst_offset(op, rt, rn, off as i64).ok_or_else(|| format!("offset {off} out of range"))
}

fn ldst_d(op: LdSt<D, 3>, rt: D, rn: XSp, off: usize) -> EResult<u32> {
    ldst_offset(op, rt, rn, off as i64).ok_or_else(|| format!("offset {off} out of range"))
}

/// Boxed bits of a GC or primitive constant, raw bits of the others.
fn const_bits(t: &Trace, k: Ref) -> u64 {
    match t.op(k) {
        Op::KNUM => t.num_value(k).map_or(0, f64::to_bits),
        Op::KINT => t.int_value(k).unwrap_or(0) as u32 as u64,
        Op::KPTR | Op::KINT64 => t.k64_value(k).unwrap_or(0),
        _ => crate::jit::exit::const_value(t, k).bits(),
    }
}

/// Compiles a trace whose loop back-edge charges `step_cost` steps. Fails (the trace is
/// aborted) on what the emitter does not handle.
pub fn emit(t: &Trace, a: &Allocation, step_cost: i64) -> EResult<Code> {
    if a.spill_slots as usize > MAX_SPILLS {
        return Err(format!("{} spill slots", a.spill_slots));
    }
    let frame = (a.spill_slots as u32 * 8 + 15) & !15;
    let mut e = Emitter {
        t,
        a,
        buf: CodeBuffer::new(),
        stubs: Vec::new(),
        frame,
        used: used_regs(a) | 1 << 19 | 1 << 20 | 1 << 21,
    };
    for _ in 0..t.snaps.len() {
        let l = e.buf.new_label();
        e.stubs.push(l);
    }
    e.prologue()?;
    let mut loop_at = None;
    for r in t.ins_refs().filter(|r| t.op(*r) != Op::BASE) {
        for (k, reg) in a.consts_loaded_before(r).collect::<Vec<_>>() {
            e.load_const(k, reg)?;
        }
        if t.op(r) == Op::LOOP {
            loop_at = Some(e.buf.offset() / 4);
        }
        e.ins(r)?;
    }
    match loop_at {
        Some(at) if a.phi_moves.is_empty() => {
            // Nothing to move: the budget check's branch is the back-edge, and the exit
            // it guards is the fall-through (one branch per iteration, not two).
            let exit = e.charge_steps(step_cost)?;
            let back = (at as i64 - (e.buf.offset() / 4) as i64) * 4;
            let off = BranchOff19::new(back).ok_or("loop too long")?;
            e.buf.put(b_cond(Cond::Pl, off));
            e.buf.b(exit).map_err(buferr)?;
        }
        Some(at) => {
            let exit = e.charge_steps(step_cost)?;
            e.buf.b_cond(Cond::Mi, exit).map_err(buferr)?;
            for m in a.phi_moves.clone() {
                e.phi_move(m)?;
            }
            let back = (at as i64 - (e.buf.offset() / 4) as i64) * 4;
            let off = BranchOff26::new(back).ok_or("loop too long")?;
            e.buf.put(b(off));
        }
        None => {
            // A straight trace leaves through its final snapshot.
            let n = t.snaps.len().checked_sub(1).ok_or("no snapshot")?;
            let l = e.stubs[n];
            e.buf.b(l).map_err(buferr)?;
        }
    }
    e.exits()?;
    let words = e.buf.finish().map_err(buferr)?;
    Ok(Code { words, loop_at })
}

fn callee_pairs() -> [(u8, u8, bool); 9] {
    [
        (19, 20, false),
        (21, 22, false),
        (23, 24, false),
        (25, 26, false),
        (27, 28, false),
        (8, 9, true),
        (10, 11, true),
        (12, 13, true),
        (14, 15, true),
    ]
}

impl Emitter<'_> {
    /// The callee-saved register pairs the prologue saves: `x19`/`x20` always, the
    /// others when the allocation uses one of the pair.
    fn saved_pairs(&self) -> Vec<(u8, u8, bool)> {
        let bit = |n: u8, fp: bool| 1u64 << (fp as u32 * 32 + n as u32);
        callee_pairs()
            .into_iter()
            .filter(|(p, q, fp)| self.used & (bit(*p, *fp) | bit(*q, *fp)) != 0)
            .collect()
    }

    fn put(&mut self, w: u32) {
        self.buf.put(w);
    }

    fn prologue(&mut self) -> EResult<()> {
        let pre = PairOff::<3>::new(-16).ok_or("pair offset")?;
        self.put(ldstp_pre(STP_X, x(29), x(30), SP, pre));
        for (p, q, fp) in self.saved_pairs() {
            if fp {
                self.put(ldstp_pre(STP_D, d(p), d(q), SP, pre));
            } else {
                self.put(ldstp_pre(STP_X, x(p), x(q), SP, pre));
            }
        }
        if self.frame > 0 {
            let imm = Imm12::new(self.frame as u64).ok_or("frame too large")?;
            self.put(sub_imm(SP, SP, imm));
        }
        self.put(mov(x(19), x(0)));
        self.put(mov(x(20), x(1)));
        self.put(ldst_x(LDR_X, STEPS, ST, STEPS_OFFSET)?);
        Ok(())
    }

    fn exits(&mut self) -> EResult<()> {
        let common = self.buf.new_label();
        for n in 0..self.stubs.len() {
            let l = self.stubs[n];
            self.buf.bind(l).map_err(buferr)?;
            self.put(ldst_x(STR_X, x(0), ST, gpr_offset(0))?);
            let mw = MoveWide::new(n as u16, 0).ok_or("too many exits")?;
            self.put(movz(x(0), mw));
            self.buf.b(common).map_err(buferr)?;
        }
        self.buf.bind(common).map_err(buferr)?;
        // x0 was stored by the stub; the exit handler reads only allocated registers.
        self.put(ldst_x(STR_X, STEPS, ST, STEPS_OFFSET)?);
        for n in 1..=28u8 {
            if (19..=21).contains(&n) || self.used & (1 << n) == 0 {
                continue;
            }
            self.put(ldst_x(STR_X, x(n), ST, gpr_offset(n as u32))?);
        }
        for n in 0..32u8 {
            if self.used & (1 << (32 + n)) != 0 {
                self.put(ldst_d(STR_D, d(n), ST, fpr_offset(n as u32))?);
            }
        }
        for s in 0..self.a.spill_slots as usize {
            self.put(ldst_x(LDR_X, XT0, SP, 8 * s)?);
            self.put(ldst_x(STR_X, XT0, ST, spill_offset(s as u32))?);
        }
        if self.frame > 0 {
            let imm = Imm12::new(self.frame as u64).ok_or("frame too large")?;
            self.put(add_imm(SP, SP, imm));
        }
        let post = PairOff::<3>::new(16).ok_or("pair offset")?;
        for (p, q, fp) in self.saved_pairs().iter().rev() {
            if *fp {
                self.put(ldstp_post(LDP_D, d(*p), d(*q), SP, post));
            } else {
                self.put(ldstp_post(LDP_X, x(*p), x(*q), SP, post));
            }
        }
        self.put(ldstp_post(LDP_X, x(29), x(30), SP, post));
        self.put(ret(x(30)));
        Ok(())
    }

    /// The back-edge's step charge: `x21 -= cost` (the counter lives in `x21` for the
    /// whole trace), setting the flags; returns the stub of the final snapshot (the state
    /// at the back-edge), which the caller branches to when the result is negative.
    fn charge_steps(&mut self, cost: i64) -> EResult<Label> {
        let n = crate::jit::snapshot::final_snapshot(self.t)
            .map(|_| self.t.snaps.len() - 1)
            .ok_or("loop without a back-edge snapshot")?;
        match Imm12::new(cost.max(0) as u64) {
            Some(imm) => self.put(subs_imm(STEPS, XSp::new(21), imm)),
            None => {
                self.mov64(XT1, cost as u64);
                self.put(subs(STEPS, STEPS, XT1, ArithShift::none()));
            }
        }
        Ok(self.stubs[n])
    }

    fn mov64(&mut self, rd: X, v: u64) {
        let seq = mov_imm64(rd, v);
        self.buf.put_all(&seq);
    }

    /// Materializes constant `k` in a floating-point register.
    fn fconst(&mut self, rd: D, k: Ref) {
        let bits = const_bits(self.t, k);
        let v = f64::from_bits(bits);
        if bits == 0 {
            self.put(fmov_from_gpr(rd, X::ZR));
        } else if let Some(imm) = FpImm::new(v) {
            self.put(fmov_imm(rd, imm));
        } else {
            self.mov64(XT1, bits);
            self.put(fmov_from_gpr(rd, XT1));
        }
    }

    fn load_const(&mut self, k: Ref, reg: RaReg) -> EResult<()> {
        if reg.is_fp() {
            self.fconst(d(reg.num()), k);
        } else {
            self.mov64(x(reg.num()), const_bits(self.t, k));
        }
        Ok(())
    }

    /// A floating-point operand: its register, or reloaded/materialized in `scratch`.
    fn fin(&mut self, r: Ref, scratch: D) -> EResult<D> {
        match self.a.loc(r) {
            Loc::Reg(reg) if reg.is_fp() => Ok(d(reg.num())),
            Loc::Spill(s) => {
                self.put(ldst_d(LDR_D, scratch, SP, 8 * s as usize)?);
                Ok(scratch)
            }
            _ if r.is_const() => {
                self.fconst(scratch, r);
                Ok(scratch)
            }
            l => Err(format!("{r}: number operand at {l:?}")),
        }
    }

    /// The mask that unboxes a GC object pointer.
    fn payload_mask(&self) -> EResult<LogicImm<X>> {
        LogicImm::new(crate::value::PAYLOAD_MASK).ok_or_else(|| "payload mask".into())
    }

    /// A 32-bit integer operand (the W view of its register).
    fn win(&mut self, r: Ref, scratch: X) -> EResult<W> {
        if r.is_const() && !matches!(self.a.loc(r), Loc::Reg(_)) {
            let v = self.t.int_value(r).ok_or("int constant")? as u32;
            let seq = mov_imm32(W::new(scratch.num() as u8), v);
            self.buf.put_all(&seq);
            return Ok(W::new(scratch.num() as u8));
        }
        let g = self.gin(r, scratch)?;
        Ok(W::new(g.num() as u8))
    }

    /// A general-purpose operand.
    fn gin(&mut self, r: Ref, scratch: X) -> EResult<X> {
        match self.a.loc(r) {
            Loc::Reg(reg) if !reg.is_fp() => Ok(x(reg.num())),
            Loc::Spill(s) => {
                self.put(ldst_x(LDR_X, scratch, SP, 8 * s as usize)?);
                Ok(scratch)
            }
            _ if r.is_const() => {
                self.mov64(scratch, const_bits(self.t, r));
                Ok(scratch)
            }
            l => Err(format!("{r}: operand at {l:?}")),
        }
    }

    /// Where a floating-point result goes: its register, or `d31` then its spill slot.
    fn fout(&self, r: Ref) -> Option<(D, Option<u16>)> {
        match self.a.loc(r) {
            Loc::Reg(reg) => Some((d(reg.num()), None)),
            Loc::Spill(s) => Some((DT1, Some(s))),
            _ => None,
        }
    }

    /// Where a general-purpose result goes: its register, or `scratch` then its spill
    /// slot (`None`: the value is unused).
    fn gout(&self, r: Ref, scratch: X) -> EResult<Option<(X, Option<u16>)>> {
        match self.a.loc(r) {
            Loc::Reg(reg) if !reg.is_fp() => Ok(Some((x(reg.num()), None))),
            Loc::Spill(s) => Ok(Some((scratch, Some(s)))),
            Loc::None => Ok(None),
            l => Err(format!("{r}: general-purpose result at {l:?}")),
        }
    }

    fn gdone(&mut self, dst: (X, Option<u16>)) -> EResult<()> {
        if let Some(s) = dst.1 {
            self.put(ldst_x(STR_X, dst.0, SP, 8 * s as usize)?);
        }
        Ok(())
    }

    fn fdone(&mut self, dst: (D, Option<u16>)) -> EResult<()> {
        if let Some(s) = dst.1 {
            self.put(ldst_d(STR_D, dst.0, SP, 8 * s as usize)?);
        }
        Ok(())
    }

    fn guard_branch(&mut self, r: Ref, exit_if: Cond) -> EResult<()> {
        let n = covering(self.t, r).ok_or("guard without snapshot")?;
        let l = self.stubs[n];
        self.buf.b_cond(exit_if, l).map_err(buferr)
    }

    fn ins(&mut self, r: Ref) -> EResult<()> {
        let ins = *self.t.get(r);
        let ty = ins.ty();
        match ins.op {
            // CARG: read by the call that consumes the chain.
            Op::NOP | Op::LOOP | Op::PHI | Op::USE | Op::CARG => {}
            Op::SLOAD => self.sload(r)?,
            // Overflow-checked integer arithmetic, and plain arithmetic with a negative
            // immediate (`i - 1` folds to `i + -1`): see `int_arith`.
            Op::ADDOV | Op::SUBOV | Op::ADD | Op::SUB
                if ty == IrType::INT && self.int_arith_here(&ins, r) =>
            {
                self.int_arith(r)?
            }
            op if op.is_comparison() && self.t.ty(ins.a()) == IrType::INT => self.int_compare(r)?,
            Op::XLOAD => {
                let addr = self.gin(ins.a(), XT0)?;
                let addr = addr.to_sp().ok_or("xzr address")?;
                if ty == IrType::NUM {
                    if let Some(dst) = self.fout(r) {
                        self.put(ldst_d(LDR_D, dst.0, addr, 0)?);
                        self.fdone(dst)?;
                    }
                } else {
                    return Err(format!("XLOAD of {}", ty.name()));
                }
            }
            Op::ADD | Op::SUB | Op::MUL | Op::DIV | Op::MIN | Op::MAX if ty == IrType::NUM => {
                let Some(dst) = self.fout(r) else {
                    return Ok(());
                };
                let p = self.fin(ins.a(), DT0)?;
                let q = self.fin(ins.b(), DT1)?;
                let w = match ins.op {
                    Op::ADD => fadd(dst.0, p, q),
                    Op::SUB => fsub(dst.0, p, q),
                    Op::MUL => fmul(dst.0, p, q),
                    Op::DIV => fdiv(dst.0, p, q),
                    Op::MIN => {
                        self.put(fcmp(p, q));
                        fcsel(dst.0, p, q, Cond::Mi)
                    }
                    _ => {
                        self.put(fcmp(p, q));
                        fcsel(dst.0, p, q, Cond::Gt)
                    }
                };
                self.put(w);
                self.fdone(dst)?;
            }
            Op::MOD if ty == IrType::NUM => {
                let Some(dst) = self.fout(r) else {
                    return Ok(());
                };
                // a - floor(a / b) * b, never fused; the temporary is d31, so when both
                // operands are out of registers (spilled or constants) their bits wait
                // in x16/x17 while d30/d31 compute.
                let p = self.fin(ins.a(), DT0)?;
                if p == DT0 && !matches!(self.a.loc(ins.b()), Loc::Reg(_)) {
                    let q = self.fin(ins.b(), DT1)?;
                    self.put(fmov_to_gpr(XT0, p));
                    self.put(fmov_to_gpr(XT1, q));
                    self.put(fdiv(DT1, p, q));
                    self.put(frintm(DT1, DT1));
                    self.put(fmov_from_gpr(DT0, XT1));
                    self.put(fmul(DT1, DT1, DT0));
                    self.put(fmov_from_gpr(DT0, XT0));
                    self.put(fsub(dst.0, DT0, DT1));
                    return self.fdone(dst);
                }
                let q = self.fin(ins.b(), DT0)?;
                self.put(fdiv(DT1, p, q));
                self.put(frintm(DT1, DT1));
                self.put(fmul(DT1, DT1, q));
                self.put(fsub(dst.0, p, DT1));
                self.fdone(dst)?;
            }
            Op::POW if ty == IrType::NUM => {
                let p = self.fin(ins.a(), DT0)?;
                self.put(fmov(DT0, p));
                let q = self.fin(ins.b(), DT1)?;
                self.put(fmov(d(1), q));
                self.put(fmov(d(0), DT0));
                self.mov64(
                    XT0,
                    helper_pow as extern "C" fn(f64, f64) -> f64 as usize as u64,
                );
                self.put(blr(XT0));
                if let Some(dst) = self.fout(r) {
                    self.put(fmov(dst.0, d(0)));
                    self.fdone(dst)?;
                }
            }
            Op::FPMATH if ins.is_call() => {
                let f = Fpm::from_u16(ins.op2).ok_or("FPMATH function")?;
                let addr = crate::jit::helpers::fpm_address(f).ok_or("FPMATH helper")?;
                self.call_num(r, &[ins.a()], addr)?;
            }
            Op::CALLN => {
                let c = Call::from_u16(ins.op2).ok_or("helper")?;
                let (addr, n) = crate::jit::helpers::call_address(c)
                    .ok_or_else(|| format!("NYI: helper {}", c.name()))?;
                let args = self.t.call_args(r);
                if args.len() != n {
                    return Err(format!("{}: {} arguments", c.name(), args.len()));
                }
                self.call_num(r, &args, addr)?;
            }
            Op::NEG | Op::ABS | Op::FPMATH if ty == IrType::NUM => {
                let Some(dst) = self.fout(r) else {
                    return Ok(());
                };
                let p = self.fin(ins.a(), DT0)?;
                let w = match ins.op {
                    Op::NEG => fneg(dst.0, p),
                    Op::ABS => fabs(dst.0, p),
                    _ => match Fpm::from_u16(ins.op2) {
                        Some(Fpm::FLOOR) => frintm(dst.0, p),
                        Some(Fpm::CEIL) => frintp(dst.0, p),
                        Some(Fpm::TRUNC) => frintz(dst.0, p),
                        Some(Fpm::SQRT) => fsqrt(dst.0, p),
                        f => return Err(format!("FPMATH {f:?}")),
                    },
                };
                self.put(w);
                self.fdone(dst)?;
            }
            Op::FLOAD => {
                let f = Field::from_u16(ins.op2).ok_or("field")?;
                let off = f.offset().ok_or("field without offset")?;
                let obj = self.gin(ins.a(), XT0)?;
                self.put(and_imm(XSp::new(16), obj, self.payload_mask()?));
                if let Some(dst) = self.gout(r, XT1)? {
                    let w = match ty {
                        IrType::INT | IrType::U32 => {
                            let o = UOff::<2>::new(off as i64).ok_or("field offset")?;
                            ldst(LDR_W, W::new(dst.0.num() as u8), XSp::new(16), o)
                        }
                        _ => ldst_x(LDR_X, dst.0, XSp::new(16), off)?,
                    };
                    self.put(w);
                    self.gdone(dst)?;
                }
            }
            Op::CALLL if ins.op2 == Call::TAB_LEN as u16 => {
                let tab = self.gin(ins.a(), XT0)?;
                self.put(and_imm(XSp::new(0), tab, self.payload_mask()?));
                let f = helper_tab_len as extern "C" fn(*const crate::object::Table) -> i32;
                self.mov64(XT0, f as usize as u64);
                self.put(blr(XT0));
                match self.a.loc(r) {
                    Loc::Reg(reg) if !reg.is_fp() => self.put(mov(W::new(reg.num()), W::new(0))),
                    Loc::Spill(sp) => self.put(ldst_x(STR_X, x(0), SP, 8 * sp as usize)?),
                    _ => {}
                }
            }
            Op::CONV if Conv(ins.op2).src() == IrType::INT => {
                let c = Conv(ins.op2);
                if c.dst() != IrType::NUM {
                    return Err(format!("CONV {c:?}"));
                }
                let Some(dst) = self.fout(r) else {
                    return Ok(());
                };
                let p = self.win(ins.a(), XT0)?;
                self.put(scvtf(dst.0, p));
                self.fdone(dst)?;
            }
            Op::CONV => {
                let c = Conv(ins.op2);
                if c.src() != IrType::NUM || c.dst() != IrType::INT {
                    return Err(format!("CONV {:?}", c));
                }
                let p = self.fin(ins.a(), DT0)?;
                let out = match self.gout(r, XT0)? {
                    Some(o) => o,
                    None if ins.t.is_guard() => (XT0, None),
                    None => return Ok(()),
                };
                let dst = W::new(out.0.num() as u8);
                self.put(fcvtzs(dst, p));
                if c.check() {
                    self.put(scvtf(DT1, dst));
                    self.put(fcmp(p, DT1));
                    self.guard_branch(r, Cond::Ne)?;
                }
                self.gdone(out)?;
            }
            Op::ADD | Op::SUB if ty == IrType::INT => {
                let Some(out) = self.gout(r, XT0)? else {
                    return Ok(());
                };
                let dst = W::new(out.0.num() as u8);
                let p = self.win(ins.a(), XT0)?;
                match self.t.int_value(ins.b()).and_then(|k| Imm12::new(k as u64)) {
                    Some(imm) if ins.b().is_const() => {
                        let (d, p) = (WSp::new(dst.num() as u8), WSp::new(p.num() as u8));
                        self.put(if ins.op == Op::ADD {
                            add_imm(d, p, imm)
                        } else {
                            sub_imm(d, p, imm)
                        });
                    }
                    _ => {
                        let q = self.win(ins.b(), XT1)?;
                        self.put(if ins.op == Op::ADD {
                            add(dst, p, q, ArithShift::none())
                        } else {
                            sub(dst, p, q, ArithShift::none())
                        });
                    }
                }
                self.gdone(out)?;
            }
            Op::ABC => {
                // Exit unless index (b) < size (a), unsigned.
                let size = self.win(ins.a(), XT0)?;
                let idx = self.win(ins.b(), XT1)?;
                self.put(cmp(idx, size, ArithShift::none()));
                self.guard_branch(r, Cond::Hs)?;
            }
            Op::AREF => {
                let arr = self.gin(ins.a(), XT0)?;
                let idx = self.gin(ins.b(), XT1)?;
                if let Some(dst) = self.gout(r, XT0)? {
                    let sh = ArithShift::new(ShiftKind::Lsl, 3).ok_or("shift")?;
                    self.put(add(dst.0, arr, idx, sh));
                    self.gdone(dst)?;
                }
            }
            Op::HREFK => {
                let ks = *self.t.get(ins.b());
                let slot = ks.op2 as usize;
                let key = self.t.k64_value(Ref(ks.op1)).ok_or("HREFK key")?;
                let kofs = Field::TAB_SKEYS.offset().ok_or("skeys")? + 8 * slot;
                let vofs = Field::TAB_SVALS.offset().ok_or("svals")? + 8 * slot;
                let tab = self.gin(ins.a(), XT0)?;
                self.put(and_imm(XSp::new(16), tab, self.payload_mask()?));
                self.put(ldst_x(LDR_X, XT1, XSp::new(16), kofs)?);
                let imm = Imm12::new(vofs as u64).ok_or("svals offset")?;
                match self.a.loc(r) {
                    Loc::Reg(reg) if !reg.is_fp() => {
                        let dst = x(reg.num());
                        self.mov64(dst, key);
                        self.put(cmp(XT1, dst, ArithShift::none()));
                        self.guard_branch(r, Cond::Ne)?;
                        self.put(add_imm(XSp::new(reg.num()), XSp::new(16), imm));
                    }
                    l => {
                        // Spilled (or unused): store the address first, which frees
                        // x16 for the key (the exit does not read this value).
                        if let Loc::Spill(sp) = l {
                            self.put(add_imm(XSp::new(16), XSp::new(16), imm));
                            self.put(ldst_x(STR_X, XT0, SP, 8 * sp as usize)?);
                        }
                        self.mov64(XT0, key);
                        self.put(cmp(XT1, XT0, ArithShift::none()));
                        self.guard_branch(r, Cond::Ne)?;
                    }
                }
            }
            Op::UREF => {
                // The address the entry check stored in the input cell (operand a).
                let cell = self.gin(ins.a(), XT0)?.to_sp().ok_or("xzr address")?;
                match self.a.loc(r) {
                    Loc::Reg(reg) if !reg.is_fp() => {
                        self.put(ldst_x(LDR_X, x(reg.num()), cell, 0)?)
                    }
                    Loc::Spill(s) => {
                        self.put(ldst_x(LDR_X, XT1, cell, 0)?);
                        self.put(ldst_x(STR_X, XT1, SP, 8 * s as usize)?);
                    }
                    Loc::None => {}
                    l => return Err(format!("UREF into {l:?}")),
                }
            }
            Op::USTORE => self.store_value(r)?,
            Op::ALOAD | Op::HLOAD | Op::ULOAD => {
                let addr = self.gin(ins.a(), XT0)?;
                let addr = addr.to_sp().ok_or("xzr address")?;
                self.put(ldst_x(LDR_X, XT0, addr, 0)?);
                if ins.t.is_guard() {
                    self.type_check(r, ty)?;
                }
                self.boxed_to_dest(r)?;
            }
            Op::EQ | Op::NE if self.t.ty(ins.a()).is_gc() => {
                // Identity of GC objects: their boxed bits.
                let p = self.gin(ins.a(), XT0)?;
                let q = self.gin(ins.b(), XT1)?;
                self.put(cmp(p, q, ArithShift::none()));
                let exit_if = if ins.op == Op::EQ { Cond::Ne } else { Cond::Eq };
                self.guard_branch(r, exit_if)?;
            }
            op if op.is_comparison() && self.t.ty(ins.a()) == IrType::NUM => {
                let p = self.fin(ins.a(), DT0)?;
                let q = self.fin(ins.b(), DT1)?;
                self.put(fcmp(p, q));
                // Exit when the guarded relation does not hold (see the flag table of
                // FCMP: unordered sets C and V).
                let exit_if = match op {
                    Op::LT => Cond::Pl,
                    Op::GE => Cond::Lt,
                    Op::LE => Cond::Hi,
                    Op::GT => Cond::Le,
                    Op::ULT => Cond::Ge,
                    Op::UGE => Cond::Lo,
                    Op::ULE => Cond::Gt,
                    Op::UGT => Cond::Ls,
                    Op::EQ => Cond::Ne,
                    _ => Cond::Eq,
                };
                self.guard_branch(r, exit_if)?;
            }
            op => return Err(format!("NYI: IR {op} {}", ty.name())),
        }
        Ok(())
    }

    /// A call of a number helper at `addr` (`extern "C" fn(f64, ..) -> f64`, at most two
    /// arguments): arguments to `d0`/`d1` through the scratch registers (an argument may
    /// live in the other's argument register), result from `d0`. The register allocation
    /// keeps nothing live across it in caller-saved registers (`Ins::is_call`).
    fn call_num(&mut self, r: Ref, args: &[Ref], addr: u64) -> EResult<()> {
        match *args {
            [a] => {
                let p = self.fin(a, DT0)?;
                if p != d(0) {
                    self.put(fmov(d(0), p));
                }
            }
            [a, b] => {
                let p = self.fin(a, DT0)?;
                self.put(fmov(DT0, p));
                let q = self.fin(b, DT1)?;
                self.put(fmov(d(1), q));
                self.put(fmov(d(0), DT0));
            }
            _ => return Err(format!("{} helper arguments", args.len())),
        }
        self.mov64(XT0, addr);
        self.put(blr(XT0));
        if let Some(dst) = self.fout(r) {
            self.put(fmov(dst.0, d(0)));
            self.fdone(dst)?;
        }
        Ok(())
    }

    /// Whether [`Self::int_arith`] emits `ins`: overflow checks always; plain `ADD`/`SUB`
    /// into a register when the constant operand is a negative immediate.
    fn int_arith_here(&self, ins: &crate::jit::ir::Ins, r: Ref) -> bool {
        match ins.op {
            Op::ADDOV | Op::SUBOV => true,
            _ => {
                matches!(self.a.loc(r), Loc::Reg(reg) if !reg.is_fp())
                    && matches!(self.int_imm(ins), Some((false, _)))
            }
        }
    }

    /// The constant operand of `a + k` / `a - k` as `a + k'`: (k' >= 0, |k'|), when it is
    /// an immediate.
    fn int_imm(&self, ins: &crate::jit::ir::Ins) -> Option<(bool, Imm12)> {
        let sub_op = matches!(ins.op, Op::SUB | Op::SUBOV);
        let k = ins
            .b()
            .is_const()
            .then(|| self.t.int_value(ins.b()))
            .flatten()
            .map(|k| if sub_op { -(k as i64) } else { k as i64 })?;
        Imm12::new(k.unsigned_abs()).map(|i| (k >= 0, i))
    }

    /// Integer `ADD`/`SUB`/`ADDOV`/`SUBOV` (the overflow checks exit when the result
    /// overflows 32 bits; an unused one still checks, into `w17`).
    fn int_arith(&mut self, r: Ref) -> EResult<()> {
        let ins = *self.t.get(r);
        let ov = matches!(ins.op, Op::ADDOV | Op::SUBOV);
        let (dst, spill) = match self.a.loc(r) {
            Loc::Reg(reg) if !reg.is_fp() => (W::new(reg.num()), None),
            Loc::Spill(s) => (W::new(17), Some(s)),
            Loc::None if ov => (W::new(17), None),
            Loc::None => return Ok(()),
            l => return Err(format!("int arithmetic into {l:?}")),
        };
        let sub_op = matches!(ins.op, Op::SUB | Op::SUBOV);
        let p = self.win(ins.a(), XT0)?;
        match self.int_imm(&ins) {
            Some((pos, imm)) => {
                let (d, ps) = (WSp::new(dst.num() as u8), WSp::new(p.num() as u8));
                self.put(match (ov, pos) {
                    (false, true) => add_imm(d, ps, imm),
                    (false, false) => sub_imm(d, ps, imm),
                    (true, true) => adds_imm(dst, ps, imm),
                    (true, false) => subs_imm(dst, ps, imm),
                });
            }
            None => {
                let q = self.win(ins.b(), XT1)?;
                let sh = ArithShift::none();
                self.put(match (ov, sub_op) {
                    (false, false) => add(dst, p, q, sh),
                    (false, true) => sub(dst, p, q, sh),
                    (true, false) => adds(dst, p, q, sh),
                    (true, true) => subs(dst, p, q, sh),
                });
            }
        }
        if ov {
            self.guard_branch(r, Cond::Vs)?;
        }
        if let Some(s) = spill {
            self.put(ldst_x(STR_X, XT1, SP, 8 * s as usize)?);
        }
        Ok(())
    }

    /// A comparison guard of two integers (signed, or unsigned for the `U` forms).
    fn int_compare(&mut self, r: Ref) -> EResult<()> {
        let ins = *self.t.get(r);
        let p = self.win(ins.a(), XT0)?;
        let q = self.win(ins.b(), XT1)?;
        self.put(cmp(p, q, ArithShift::none()));
        let exit_if = match ins.op {
            Op::LT => Cond::Ge,
            Op::GE => Cond::Lt,
            Op::LE => Cond::Gt,
            Op::GT => Cond::Le,
            Op::ULT => Cond::Hs,
            Op::UGE => Cond::Lo,
            Op::ULE => Cond::Hi,
            Op::UGT => Cond::Ls,
            Op::EQ => Cond::Ne,
            _ => Cond::Eq,
        };
        self.guard_branch(r, exit_if)
    }

    /// A store of a Lua value (`USTORE`): boxed as the VM holds it, a NaN canonicalized
    /// (a NaN computed by the trace may carry any sign and payload), an `int` converted.
    fn store_value(&mut self, r: Ref) -> EResult<()> {
        let ins = *self.t.get(r);
        let v = ins.b();
        let vt = self.t.ty(v);
        let addr = self.gin(ins.a(), XT0)?.to_sp().ok_or("xzr address")?;
        let val = if v.is_const() {
            let bits = crate::jit::exit::const_value(self.t, v).bits();
            self.mov64(XT1, bits);
            XT1
        } else if vt.is_pri() {
            let k = Trace::kpri(vt);
            self.mov64(XT1, crate::jit::exit::const_value(self.t, k).bits());
            XT1
        } else if vt == IrType::NUM || vt == IrType::INT {
            let p = if vt == IrType::INT {
                let w = self.win(v, XT1)?;
                self.put(scvtf(DT0, w));
                DT0
            } else {
                self.fin(v, DT0)?
            };
            let done = self.buf.new_label();
            self.put(fmov_to_gpr(XT1, p));
            self.put(fcmp(p, p));
            self.buf.b_cond(Cond::Vc, done).map_err(buferr)?;
            self.mov64(XT1, crate::value::CANON_NAN);
            self.buf.bind(done).map_err(buferr)?;
            XT1
        } else {
            self.gin(v, XT1)?
        };
        self.put(ldst_x(STR_X, val, addr, 0)?);
        Ok(())
    }

    /// `SLOAD`: load the slot, check its type (exit if it differs), keep the value.
    fn sload(&mut self, r: Ref) -> EResult<()> {
        let ins = *self.t.get(r);
        let ty = ins.ty();
        let slot = ins.op1 as i16;
        if slot < 0 {
            return Err("SLOAD below the base".into());
        }
        let flags = SloadFlags(ins.op2);
        self.put(ldst_x(LDR_X, XT0, BASE, 8 * slot as usize)?);
        if flags.has(SloadFlags::TYPECHECK) {
            self.type_check(r, ty)?;
        }
        self.boxed_to_dest(r)
    }

    /// Guards that the boxed value in `x16` has type `ty` (exit through `r`'s snapshot).
    fn type_check(&mut self, r: Ref, ty: IrType) -> EResult<()> {
        if ty == IrType::NUM {
            self.mov64(XT1, NUM_LIMIT);
            self.put(cmp(XT0, XT1, ArithShift::none()));
            self.guard_branch(r, Cond::Hs)
        } else {
            let tag = ty.value_tag().ok_or("load of an untagged type")?;
            // bits >> 47 (arithmetic) is TAGGED_HI|tag as a negative 17-bit number.
            let neg = (1u64 << (64 - TAG_SHIFT)) - (TAGGED_HI | tag);
            let sh = ShiftAmt::new(TAG_SHIFT).ok_or("shift")?;
            self.put(asr_imm(XT1, XT0, sh));
            let imm = Imm12::new(neg).ok_or("tag immediate")?;
            self.put(cmn_imm(XSp::new(17), imm));
            self.guard_branch(r, Cond::Ne)
        }
    }

    /// Moves the boxed value in `x16` to `r`'s home (numbers to their FP register).
    fn boxed_to_dest(&mut self, r: Ref) -> EResult<()> {
        match self.a.loc(r) {
            Loc::Reg(reg) if reg.is_fp() => self.put(fmov_from_gpr(d(reg.num()), XT0)),
            Loc::Reg(reg) => self.put(mov(x(reg.num()), XT0)),
            Loc::Spill(s) => self.put(ldst_x(STR_X, XT0, SP, 8 * s as usize)?),
            _ => {}
        }
        Ok(())
    }

    fn phi_move(&mut self, m: Move) -> EResult<()> {
        if let Some(k) = m.src_const {
            return match m.dst {
                Loc::Reg(reg) => self.load_const(k, reg),
                Loc::Spill(s) => {
                    self.mov64(XT0, const_bits(self.t, k));
                    self.put(ldst_x(STR_X, XT0, SP, 8 * s as usize)?);
                    Ok(())
                }
                _ => Ok(()),
            };
        }
        match (m.dst, m.src) {
            (Loc::Reg(dr), Loc::Reg(sr)) if dr == sr => {}
            (Loc::Reg(dr), Loc::Reg(sr)) if dr.is_fp() && sr.is_fp() => {
                self.put(fmov(d(dr.num()), d(sr.num())));
            }
            (Loc::Reg(dr), Loc::Reg(sr)) if !dr.is_fp() && !sr.is_fp() => {
                self.put(mov(x(dr.num()), x(sr.num())));
            }
            (Loc::Reg(dr), Loc::Spill(s)) if dr.is_fp() => {
                self.put(ldst_d(LDR_D, d(dr.num()), SP, 8 * s as usize)?);
            }
            (Loc::Reg(dr), Loc::Spill(s)) => {
                self.put(ldst_x(LDR_X, x(dr.num()), SP, 8 * s as usize)?);
            }
            (Loc::Spill(s), Loc::Reg(sr)) if sr.is_fp() => {
                self.put(ldst_d(STR_D, d(sr.num()), SP, 8 * s as usize)?);
            }
            (Loc::Spill(s), Loc::Reg(sr)) => {
                self.put(ldst_x(STR_X, x(sr.num()), SP, 8 * s as usize)?);
            }
            (Loc::Spill(ds), Loc::Spill(ss)) => {
                // Through x17: x16 may hold the saved value of a cycle being broken.
                if ds != ss {
                    self.put(ldst_x(LDR_X, XT1, SP, 8 * ss as usize)?);
                    self.put(ldst_x(STR_X, XT1, SP, 8 * ds as usize)?);
                }
            }
            (dst, src) => return Err(format!("back-edge move {src:?} -> {dst:?}")),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ir::IrT;
    use crate::jit::snapshot::Snapshot;

    /// `slot0 = slot0 + 1` while `slot0 < 10`, as the recorder would build it.
    fn counting_loop() -> Trace {
        let mut t = Trace::default();
        t.push_snapshot(Snapshot::new(Ref::NONE, 3, 2, alloc::vec![]))
            .unwrap();
        let x = t.sload(0, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let ten = t.knum(10.0).unwrap();
        t.guard(Op::LT, x, ten).unwrap();
        let one = t.knum(1.0).unwrap();
        let y = t.emit(Op::ADD, IrT::new(IrType::NUM), x.0, one.0).unwrap();
        let mut s = Snapshot::new(Ref::NONE, 3, 2, alloc::vec![]);
        s.set_slot(0, y);
        t.push_snapshot(s).unwrap();
        let (t, looped) = crate::jit::opt::optimize(t, true).unwrap();
        assert!(looped);
        t
    }

    #[test]
    fn loop_code_shape() {
        let t = counting_loop();
        let a = crate::jit::regalloc::allocate(&t);
        let code = emit(&t, &a, 1).unwrap();
        let w = &code.words;
        // Prologue: fp/lr, then x19/x20 and x21 (the step counter) with x22 only (no
        // callee-saved register is allocated).
        let pre = PairOff::new(-16).unwrap();
        assert_eq!(w[0], ldstp_pre(STP_X, x(29), x(30), SP, pre));
        assert_eq!(w[1], ldstp_pre(STP_X, x(19), x(20), SP, pre));
        assert_eq!(w[2], ldstp_pre(STP_X, x(21), x(22), SP, pre));
        assert_eq!(w[3], mov(x(19), x(0)));
        assert_eq!(w[4], mov(x(20), x(1)));
        assert_eq!(w[5], ldst_x(LDR_X, STEPS, ST, STEPS_OFFSET).unwrap());
        // One exit stub per snapshot: `movz x0, #n` for each n.
        for n in 0..t.snaps.len() {
            let mz = movz(x(0), MoveWide::new(n as u16, 0).unwrap());
            assert!(w.contains(&mz), "stub {n}");
        }
        // The loop ends with a backward branch to the loop label.
        let at = code.loop_at.unwrap();
        // The back-edge charges the step counter and exits through the final snapshot.
        let charge = subs_imm(STEPS, XSp::new(21), Imm12::new(1).unwrap());
        assert!(w[at..].contains(&charge), "no step charge");
        let c = w[at..].iter().position(|x| *x == charge).unwrap() + at;
        // Nothing to move at the back-edge (the counter's PHI shares its register): the
        // budget check's `b.pl` is the back-edge, the fall-through exits.
        assert!(a.phi_moves.is_empty());
        let back = BranchOff19::new((at as i64 - (c + 1) as i64) * 4).unwrap();
        assert_eq!(w[c + 1], b_cond(Cond::Pl, back));
        let stub = t.snaps.len() - 1;
        let mz = movz(x(0), MoveWide::new(stub as u16, 0).unwrap());
        let off = (
            (c + 2) as i64,
            w.iter().position(|x| *x == mz).unwrap() as i64 - 1,
        );
        assert_eq!(w[c + 2], b(BranchOff26::new((off.1 - off.0) * 4).unwrap()));
        // The exit path ends with `ret`.
        assert_eq!(*w.last().unwrap(), ret(x(30)));
    }

    /// With back-edge moves, the budget exits by `b.mi`, then the moves, then `b loop`.
    #[test]
    fn loop_with_moves_code_shape() {
        // A swap: `a, b = b, a` needs a cycle of moves.
        let mut t = Trace::default();
        t.push_snapshot(Snapshot::new(Ref::NONE, 3, 3, alloc::vec![]))
            .unwrap();
        let a = t.sload(0, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let b0 = t.sload(1, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        t.guard(Op::LT, a, b0).unwrap();
        let mut s = Snapshot::new(Ref::NONE, 3, 3, alloc::vec![]);
        s.set_slot(0, b0);
        s.set_slot(1, a);
        t.push_snapshot(s).unwrap();
        let (t, looped) = crate::jit::opt::optimize(t, true).unwrap();
        assert!(looped);
        let al = crate::jit::regalloc::allocate(&t);
        assert_eq!(al.phi_moves.len(), 3, "a swap through d31");
        let code = emit(&t, &al, 1).unwrap();
        let w = &code.words;
        let at = code.loop_at.unwrap();
        let charge = subs_imm(STEPS, XSp::new(21), Imm12::new(1).unwrap());
        let c = w[at..].iter().position(|x| *x == charge).unwrap() + at;
        assert_eq!(
            w[c + 1] & 0xff00_001f,
            b_cond(Cond::Mi, BranchOff19::new(0).unwrap())
        );
        let back = c + 2 + al.phi_moves.len();
        assert_eq!(
            w[back],
            b(BranchOff26::new((at as i64 - back as i64) * 4).unwrap())
        );
    }

    #[test]
    fn type_check_immediates_cover_every_tag() {
        for ty in [
            IrType::NIL,
            IrType::FALSE,
            IrType::TRUE,
            IrType::STR,
            IrType::TAB,
        ] {
            let tag = ty.value_tag().unwrap();
            let neg = (1u64 << (64 - TAG_SHIFT)) - (TAGGED_HI | tag);
            // `asr #47` of a value with this tag, compared by `cmn #neg`, gives zero.
            let bits = (TAGGED_HI | tag) << TAG_SHIFT | 0x1234;
            assert_eq!(
                ((bits as i64) >> TAG_SHIFT).wrapping_add(neg as i64),
                0,
                "{ty:?}"
            );
            assert!(Imm12::new(neg).is_some());
        }
    }

    #[test]
    fn unsupported_ops_fail_cleanly() {
        let mut t = Trace::default();
        t.push_snapshot(Snapshot::new(Ref::NONE, 0, 2, alloc::vec![]))
            .unwrap();
        let s = t.sload(0, IrType::STR, SloadFlags::TYPECHECK).unwrap();
        t.emit(Op::TOSTR, IrT::new(IrType::STR), s.0, 0).unwrap();
        let a = crate::jit::regalloc::allocate(&t);
        let e = emit(&t, &a, 1).err().unwrap_or_default();
        assert!(e.contains("NYI: IR TOSTR"), "{e}");
    }
}
