//! Expression code generation (the expression half of 5.1's `lcode.c`): moving expression
//! descriptors into registers or RK operands, conditions, operators and constant folding.
//!
//! Invariants (besides those of `expdesc.rs` and `funcstate.rs`):
//! - Operands are discharged in the order that keeps temporaries a stack: when both operands
//!   of a binary operator are temporaries, the higher one is released first.
//! - Constant folding happens only on numeric literals without jumps, never divides or takes
//!   a modulo by zero and never produces NaN, exactly as 5.1 does, so results (including
//!   `-0`) match the interpreter's.

use super::expdesc::{ExpDesc, ExpKind};
use super::funcstate::FuncState;
use super::jumps::NO_REG;
use super::Error;
use crate::bytecode::{rk_k, Instr, Op, MAXARG_C, MAXINDEXRK};

/// Binary operators, in 5.1's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinOpr {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Concat,
    Ne,
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinOpr {
    /// Left and right priorities (`priority[]`): `..` and `^` are right associative.
    pub fn priority(self) -> (u32, u32) {
        match self {
            BinOpr::Add | BinOpr::Sub => (6, 6),
            BinOpr::Mul | BinOpr::Div | BinOpr::Mod => (7, 7),
            BinOpr::Pow => (10, 9),
            BinOpr::Concat => (5, 4),
            BinOpr::Ne | BinOpr::Eq | BinOpr::Lt | BinOpr::Le | BinOpr::Gt | BinOpr::Ge => (3, 3),
            BinOpr::And => (2, 2),
            BinOpr::Or => (1, 1),
        }
    }
}

/// Priority of unary operators.
pub(crate) const UNARY_PRIORITY: u32 = 8;

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UnOpr {
    Minus,
    Not,
    Len,
}

/// 5.1's `luai_nummod`: `a - floor(a/b)*b`.
pub(crate) fn lua_mod(a: f64, b: f64) -> f64 {
    a - libm::floor(a / b) * b
}

/// Folds `op` over two numerals, as `constfolding` does; `None` if 5.1 would not fold.
fn fold(op: Op, v1: f64, v2: f64) -> Option<f64> {
    let r = match op {
        Op::ADD => v1 + v2,
        Op::SUB => v1 - v2,
        Op::MUL => v1 * v2,
        Op::DIV if v2 != 0.0 => v1 / v2,
        Op::MOD if v2 != 0.0 => lua_mod(v1, v2),
        Op::POW => crate::stdlib::math::pow(v1, v2),
        Op::UNM => -v1,
        _ => return None,
    };
    (!r.is_nan()).then_some(r)
}

impl FuncState {
    /// Sets `R(from)..R(from+n-1)` to nil, merging with a previous `LOADNIL` (`luaK_nil`).
    pub fn load_nil(&mut self, from: u32, n: u32) -> Result<(), Error> {
        if !matches!(self.last_target, Some(t) if self.pc() <= t) {
            if self.pc() == 0 {
                // A function starts with its non-parameter registers nil.
                if from >= self.nactvar {
                    return Ok(());
                }
            } else {
                let prev = self.f.code[self.pc() - 1];
                if prev.op() == Op::LOADNIL {
                    let (pfrom, pto) = (prev.a(), prev.b());
                    if pfrom <= from && from <= pto + 1 {
                        if from + n - 1 > pto {
                            let last = self.pc() - 1;
                            self.f.code[last].set_b(from + n - 1);
                        }
                        return Ok(());
                    }
                }
            }
        }
        self.emit_abc(Op::LOADNIL, from, from + n - 1, 0)?;
        Ok(())
    }

    /// Emits `RETURN first nret` (`nret` = -1 for "to top").
    pub fn ret(&mut self, first: u32, nret: i32) -> Result<(), Error> {
        self.emit_abc(Op::RETURN, first, (nret + 1) as u32, 0)?;
        Ok(())
    }

    /// Makes an open call or `...` produce `nresults` (-1: all) values (`luaK_setreturns`).
    pub fn set_returns(&mut self, e: &ExpDesc, nresults: i32) -> Result<(), Error> {
        match e.k {
            ExpKind::Call(pc) => self.code_at(pc).set_c((nresults + 1) as u32),
            ExpKind::Vararg(pc) => {
                let fr = self.freereg;
                let i = self.code_at(pc);
                i.set_b((nresults + 1) as u32);
                i.set_a(fr);
                self.reserve_regs(1)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Makes an open call or `...` produce all its values.
    pub fn set_multret(&mut self, e: &ExpDesc) -> Result<(), Error> {
        self.set_returns(e, -1)
    }

    /// Makes an open call or `...` produce exactly one value (`luaK_setoneret`).
    pub fn set_one_ret(&mut self, e: &mut ExpDesc) {
        match e.k {
            ExpKind::Call(pc) => e.k = ExpKind::NonReloc(self.f.code[pc].a()),
            ExpKind::Vararg(pc) => {
                self.code_at(pc).set_b(2);
                e.k = ExpKind::Relocable(pc);
            }
            _ => {}
        }
    }

    /// Turns variables into values: locals become `NonReloc`, the others emit their load
    /// (`luaK_dischargevars`).
    pub fn discharge_vars(&mut self, e: &mut ExpDesc) -> Result<(), Error> {
        match e.k {
            ExpKind::Local(r) => e.k = ExpKind::NonReloc(r),
            ExpKind::Upval(u) => e.k = ExpKind::Relocable(self.emit_abc(Op::GETUPVAL, 0, u, 0)?),
            ExpKind::Global(k) => e.k = ExpKind::Relocable(self.emit_abx(Op::GETGLOBAL, 0, k)?),
            ExpKind::Indexed { table, key } => {
                self.free_reg(key);
                self.free_reg(table);
                e.k = ExpKind::Relocable(self.emit_abc(Op::GETTABLE, 0, table, key)?);
            }
            ExpKind::Call(_) | ExpKind::Vararg(_) => self.set_one_ret(e),
            _ => {}
        }
        Ok(())
    }

    fn code_label(&mut self, a: u32, b: u32, jump: u32) -> Result<usize, Error> {
        self.get_label();
        self.emit_abc(Op::LOADBOOL, a, b, jump)
    }

    /// Puts the value of `e` (jumps aside) into `reg` (`discharge2reg`).
    fn discharge_to_reg(&mut self, e: &mut ExpDesc, reg: u32) -> Result<(), Error> {
        self.discharge_vars(e)?;
        match e.k {
            ExpKind::Nil => self.load_nil(reg, 1)?,
            ExpKind::False | ExpKind::True => {
                self.emit_abc(Op::LOADBOOL, reg, (e.k == ExpKind::True) as u32, 0)?;
            }
            ExpKind::K(k) => {
                self.emit_abx(Op::LOADK, reg, k)?;
            }
            ExpKind::KNum(n) => {
                let k = self.number_k(n)?;
                self.emit_abx(Op::LOADK, reg, k)?;
            }
            ExpKind::Relocable(pc) => self.code_at(pc).set_a(reg),
            ExpKind::NonReloc(r) => {
                if r != reg {
                    self.emit_abc(Op::MOVE, reg, r, 0)?;
                }
            }
            _ => return Ok(()), // Void or Jmp: nothing to do
        }
        e.k = ExpKind::NonReloc(reg);
        Ok(())
    }

    /// Puts `e` in some register unless it already is in one.
    fn discharge_to_any_reg(&mut self, e: &mut ExpDesc) -> Result<(), Error> {
        if !matches!(e.k, ExpKind::NonReloc(_)) {
            self.reserve_regs(1)?;
            let r = self.freereg - 1;
            self.discharge_to_reg(e, r)?;
        }
        Ok(())
    }

    /// Puts the full value of `e`, jumps included, into `reg` (`exp2reg`).
    fn exp_to_reg(&mut self, e: &mut ExpDesc, reg: u32) -> Result<(), Error> {
        self.discharge_to_reg(e, reg)?;
        if let ExpKind::Jmp(pc) = e.k {
            let mut t = e.t;
            self.concat(&mut t, Some(pc))?;
            e.t = t;
        }
        if e.has_jumps() {
            let mut p_f = None;
            let mut p_t = None;
            if self.need_value(e.t) || self.need_value(e.f) {
                let fj = if matches!(e.k, ExpKind::Jmp(_)) {
                    None
                } else {
                    Some(self.jump()?)
                };
                p_f = Some(self.code_label(reg, 0, 1)?);
                p_t = Some(self.code_label(reg, 1, 0)?);
                self.patch_to_here(fj)?;
            }
            let end = self.get_label();
            self.patch_list_aux(e.f, end, reg, p_f.unwrap_or(end))?;
            self.patch_list_aux(e.t, end, reg, p_t.unwrap_or(end))?;
        }
        e.t = None;
        e.f = None;
        e.k = ExpKind::NonReloc(reg);
        Ok(())
    }

    /// Puts `e` into the next free register (`luaK_exp2nextreg`).
    pub fn exp_to_next_reg(&mut self, e: &mut ExpDesc) -> Result<(), Error> {
        self.discharge_vars(e)?;
        self.free_exp(e);
        self.reserve_regs(1)?;
        let r = self.freereg - 1;
        self.exp_to_reg(e, r)
    }

    /// Puts `e` into some register and returns it (`luaK_exp2anyreg`).
    pub fn exp_to_any_reg(&mut self, e: &mut ExpDesc) -> Result<u32, Error> {
        self.discharge_vars(e)?;
        if let ExpKind::NonReloc(r) = e.k {
            if !e.has_jumps() {
                return Ok(r);
            }
            if r >= self.nactvar {
                self.exp_to_reg(e, r)?;
                return Ok(r);
            }
        }
        self.exp_to_next_reg(e)?;
        match e.k {
            ExpKind::NonReloc(r) => Ok(r),
            _ => unreachable_reg(),
        }
    }

    /// Makes `e` a value: a register if it has jumps, else discharged (`luaK_exp2val`).
    pub fn exp_to_val(&mut self, e: &mut ExpDesc) -> Result<(), Error> {
        if e.has_jumps() {
            self.exp_to_any_reg(e)?;
            Ok(())
        } else {
            self.discharge_vars(e)
        }
    }

    /// Makes `e` an RK operand: a constant index if it fits, else a register (`luaK_exp2RK`).
    pub fn exp_to_rk(&mut self, e: &mut ExpDesc) -> Result<u32, Error> {
        self.exp_to_val(e)?;
        match e.k {
            ExpKind::KNum(_) | ExpKind::True | ExpKind::False | ExpKind::Nil
                if self.f.consts.len() as u32 <= MAXINDEXRK =>
            {
                let k = match e.k {
                    ExpKind::Nil => self.nil_k()?,
                    ExpKind::KNum(n) => self.number_k(n)?,
                    _ => self.bool_k(e.k == ExpKind::True)?,
                };
                e.k = ExpKind::K(k);
                return Ok(rk_k(k));
            }
            ExpKind::K(k) if k <= MAXINDEXRK => return Ok(rk_k(k)),
            _ => {}
        }
        self.exp_to_any_reg(e)
    }

    /// Stores `ex` into variable `var` (`luaK_storevar`).
    pub fn store_var(&mut self, var: &ExpDesc, ex: &mut ExpDesc) -> Result<(), Error> {
        match var.k {
            ExpKind::Local(r) => {
                self.free_exp(ex);
                return self.exp_to_reg(ex, r);
            }
            ExpKind::Upval(u) => {
                let e = self.exp_to_any_reg(ex)?;
                self.emit_abc(Op::SETUPVAL, e, u, 0)?;
            }
            ExpKind::Global(k) => {
                let e = self.exp_to_any_reg(ex)?;
                self.emit_abx(Op::SETGLOBAL, e, k)?;
            }
            ExpKind::Indexed { table, key } => {
                let e = self.exp_to_rk(ex)?;
                self.emit_abc(Op::SETTABLE, table, key, e)?;
            }
            _ => debug_assert!(false, "store into a non-variable"),
        }
        self.free_exp(ex);
        Ok(())
    }

    /// `e:key` — the method and its receiver in two consecutive registers (`luaK_self`).
    pub fn self_op(&mut self, e: &mut ExpDesc, key: &mut ExpDesc) -> Result<(), Error> {
        self.exp_to_any_reg(e)?;
        self.free_exp(e);
        let func = self.freereg;
        self.reserve_regs(2)?;
        let obj = match e.k {
            ExpKind::NonReloc(r) => r,
            _ => unreachable_reg()?,
        };
        let k = self.exp_to_rk(key)?;
        self.emit_abc(Op::SELF, func, obj, k)?;
        self.free_exp(key);
        e.k = ExpKind::NonReloc(func);
        Ok(())
    }

    /// `t[k]`: `t` must already be in a register (`luaK_indexed`).
    pub fn indexed(&mut self, t: &mut ExpDesc, k: &mut ExpDesc) -> Result<(), Error> {
        let key = self.exp_to_rk(k)?;
        let table = match t.k {
            ExpKind::NonReloc(r) | ExpKind::Local(r) => r,
            _ => unreachable_reg()?,
        };
        t.k = ExpKind::Indexed { table, key };
        Ok(())
    }

    /// Negates the comparison controlling the jump of `e`.
    fn invert_jump(&mut self, e: &ExpDesc) {
        if let ExpKind::Jmp(pc) = e.k {
            let c = if pc >= 1 && self.f.code[pc - 1].op().is_test() {
                pc - 1
            } else {
                pc
            };
            let a = self.f.code[c].a();
            self.f.code[c].set_a((a == 0) as u32);
        }
    }

    /// Emits a jump taken when `e` is `cond` (`jumponcond`).
    fn jump_on_cond(&mut self, e: &mut ExpDesc, cond: bool) -> Result<usize, Error> {
        if let ExpKind::Relocable(pc) = e.k {
            let ie = self.f.code[pc];
            if ie.op() == Op::NOT && pc + 1 == self.pc() {
                // Test the operand of the `not` instead, with the condition reversed.
                self.f.code.pop();
                self.f.lines.pop();
                return self.cond_jump(Op::TEST, ie.b(), 0, (!cond) as u32);
            }
        }
        self.discharge_to_any_reg(e)?;
        self.free_exp(e);
        let r = match e.k {
            ExpKind::NonReloc(r) => r,
            _ => unreachable_reg()?,
        };
        self.cond_jump(Op::TESTSET, NO_REG, r, cond as u32)
    }

    /// Falls through when `e` is true, jumping (list `f`) otherwise (`luaK_goiftrue`).
    /// A constant `false` (or, below, `true`) takes the general path, as in 5.1.5, whose
    /// exact code shapes both functions keep.
    pub fn go_if_true(&mut self, e: &mut ExpDesc) -> Result<(), Error> {
        self.discharge_vars(e)?;
        let pc = match e.k {
            ExpKind::K(_) | ExpKind::KNum(_) | ExpKind::True => None,
            ExpKind::Jmp(pc) => {
                self.invert_jump(e);
                Some(pc)
            }
            _ => Some(self.jump_on_cond(e, false)?),
        };
        let mut f = e.f;
        self.concat(&mut f, pc)?;
        e.f = f;
        self.patch_to_here(e.t)?;
        e.t = None;
        Ok(())
    }

    /// Falls through when `e` is false, jumping (list `t`) otherwise (`luaK_goiffalse`).
    pub fn go_if_false(&mut self, e: &mut ExpDesc) -> Result<(), Error> {
        self.discharge_vars(e)?;
        let pc = match e.k {
            ExpKind::Nil | ExpKind::False => None,
            ExpKind::Jmp(pc) => Some(pc),
            _ => Some(self.jump_on_cond(e, true)?),
        };
        let mut t = e.t;
        self.concat(&mut t, pc)?;
        e.t = t;
        self.patch_to_here(e.f)?;
        e.f = None;
        Ok(())
    }

    fn code_not(&mut self, e: &mut ExpDesc) -> Result<(), Error> {
        self.discharge_vars(e)?;
        match e.k {
            ExpKind::Nil | ExpKind::False => e.k = ExpKind::True,
            ExpKind::K(_) | ExpKind::KNum(_) | ExpKind::True => e.k = ExpKind::False,
            ExpKind::Jmp(_) => self.invert_jump(e),
            ExpKind::Relocable(_) | ExpKind::NonReloc(_) => {
                self.discharge_to_any_reg(e)?;
                self.free_exp(e);
                let r = match e.k {
                    ExpKind::NonReloc(r) => r,
                    _ => unreachable_reg()?,
                };
                e.k = ExpKind::Relocable(self.emit_abc(Op::NOT, 0, r, 0)?);
            }
            _ => debug_assert!(false, "not of a non-value"),
        }
        core::mem::swap(&mut e.t, &mut e.f);
        self.remove_values(e.f);
        self.remove_values(e.t);
        Ok(())
    }

    /// Emits arithmetic `op` (or `UNM`, `LEN`, `CONCAT`) into `e1` (`codearith`).
    fn code_arith(&mut self, op: Op, e1: &mut ExpDesc, e2: &mut ExpDesc) -> Result<(), Error> {
        if let (Some(v1), Some(v2)) = (e1.numeral(), e2.numeral()) {
            if let Some(r) = fold(op, v1, v2) {
                e1.k = ExpKind::KNum(r);
                return Ok(());
            }
        }
        let o2 = if op != Op::UNM && op != Op::LEN {
            self.exp_to_rk(e2)?
        } else {
            0
        };
        let o1 = self.exp_to_rk(e1)?;
        if o1 > o2 {
            self.free_exp(e1);
            self.free_exp(e2);
        } else {
            self.free_exp(e2);
            self.free_exp(e1);
        }
        e1.k = ExpKind::Relocable(self.emit_abc(op, 0, o1, o2)?);
        Ok(())
    }

    fn code_comp(
        &mut self,
        op: Op,
        cond: bool,
        e1: &mut ExpDesc,
        e2: &mut ExpDesc,
    ) -> Result<(), Error> {
        let mut o1 = self.exp_to_rk(e1)?;
        let mut o2 = self.exp_to_rk(e2)?;
        self.free_exp(e2);
        self.free_exp(e1);
        let mut cond = cond;
        if !cond && op != Op::EQ {
            // a > b is b < a; a >= b is b <= a.
            core::mem::swap(&mut o1, &mut o2);
            cond = true;
        }
        e1.k = ExpKind::Jmp(self.cond_jump(op, cond as u32, o1, o2)?);
        Ok(())
    }

    /// Applies unary `op` to `e` (`luaK_prefix`).
    pub fn prefix(&mut self, op: UnOpr, e: &mut ExpDesc) -> Result<(), Error> {
        let mut e2 = ExpDesc::new(ExpKind::KNum(0.0));
        match op {
            UnOpr::Minus => {
                if e.numeral().is_none() {
                    self.exp_to_any_reg(e)?;
                }
                self.code_arith(Op::UNM, e, &mut e2)
            }
            UnOpr::Not => self.code_not(e),
            UnOpr::Len => {
                self.exp_to_any_reg(e)?;
                self.code_arith(Op::LEN, e, &mut e2)
            }
        }
    }

    /// Prepares the left operand of `op` before the right one is parsed (`luaK_infix`).
    pub fn infix(&mut self, op: BinOpr, v: &mut ExpDesc) -> Result<(), Error> {
        match op {
            BinOpr::And => self.go_if_true(v),
            BinOpr::Or => self.go_if_false(v),
            BinOpr::Concat => self.exp_to_next_reg(v),
            BinOpr::Add | BinOpr::Sub | BinOpr::Mul | BinOpr::Div | BinOpr::Mod | BinOpr::Pow => {
                if v.numeral().is_none() {
                    self.exp_to_rk(v)?;
                }
                Ok(())
            }
            _ => {
                self.exp_to_rk(v)?;
                Ok(())
            }
        }
    }

    /// Combines both operands of `op` into `e1` (`luaK_posfix`).
    pub fn posfix(&mut self, op: BinOpr, e1: &mut ExpDesc, e2: &mut ExpDesc) -> Result<(), Error> {
        match op {
            BinOpr::And => {
                debug_assert!(e1.t.is_none());
                self.discharge_vars(e2)?;
                let mut f = e2.f;
                self.concat(&mut f, e1.f)?;
                e2.f = f;
                *e1 = *e2;
            }
            BinOpr::Or => {
                debug_assert!(e1.f.is_none());
                self.discharge_vars(e2)?;
                let mut t = e2.t;
                self.concat(&mut t, e1.t)?;
                e2.t = t;
                *e1 = *e2;
            }
            BinOpr::Concat => {
                self.exp_to_val(e2)?;
                match e2.k {
                    ExpKind::Relocable(pc) if self.f.code[pc].op() == Op::CONCAT => {
                        // Extend the right operand's CONCAT to start at e1's register.
                        self.free_exp(e1);
                        if let ExpKind::NonReloc(r) = e1.k {
                            self.code_at(pc).set_b(r);
                        }
                        e1.k = ExpKind::Relocable(pc);
                    }
                    _ => {
                        self.exp_to_next_reg(e2)?;
                        self.code_arith(Op::CONCAT, e1, e2)?;
                    }
                }
            }
            BinOpr::Add => self.code_arith(Op::ADD, e1, e2)?,
            BinOpr::Sub => self.code_arith(Op::SUB, e1, e2)?,
            BinOpr::Mul => self.code_arith(Op::MUL, e1, e2)?,
            BinOpr::Div => self.code_arith(Op::DIV, e1, e2)?,
            BinOpr::Mod => self.code_arith(Op::MOD, e1, e2)?,
            BinOpr::Pow => self.code_arith(Op::POW, e1, e2)?,
            BinOpr::Eq => self.code_comp(Op::EQ, true, e1, e2)?,
            BinOpr::Ne => self.code_comp(Op::EQ, false, e1, e2)?,
            BinOpr::Lt => self.code_comp(Op::LT, true, e1, e2)?,
            BinOpr::Le => self.code_comp(Op::LE, true, e1, e2)?,
            BinOpr::Gt => self.code_comp(Op::LT, false, e1, e2)?,
            BinOpr::Ge => self.code_comp(Op::LE, false, e1, e2)?,
        }
        Ok(())
    }

    /// Emits `SETLIST` for `tostore` items (-1: to top) ending at item `nelems` of the table
    /// in `base` (`luaK_setlist`).
    pub fn set_list(&mut self, base: u32, nelems: u32, tostore: i32) -> Result<(), Error> {
        let c = (nelems - 1) / crate::bytecode::LFIELDS_PER_FLUSH + 1;
        let b = if tostore < 0 { 0 } else { tostore as u32 };
        if c <= MAXARG_C {
            self.emit_abc(Op::SETLIST, base, b, c)?;
        } else {
            self.emit_abc(Op::SETLIST, base, b, 0)?;
            self.emit(Instr(c))?;
        }
        self.freereg = base + 1;
        Ok(())
    }
}

/// Reached only if a descriptor is not where the code generator just put it (a compiler bug):
/// reported as an error rather than a panic.
fn unreachable_reg<T>() -> Result<T, Error> {
    debug_assert!(false, "expression not in a register");
    Err(Error::bare("internal compiler error"))
}
