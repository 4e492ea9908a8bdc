//! Statements (`chunk` and below in 5.1's `lparser.c`), including loops with their
//! back-edges, multiple assignment and `return`.
//!
//! Invariant: a statement leaves no temporaries (`chunk` resets `freereg` to `nactvar`).

use super::{block_follow, Parser, MAX_LEVELS};
use crate::bytecode::Op;
use crate::frontend::expdesc::{ExpDesc, ExpKind};
use crate::frontend::lexer::Token;
use crate::frontend::Error;

impl Parser<'_> {
    // ---- statements ----

    /// `chunk -> { stat [';'] }`
    pub(super) fn chunk(&mut self) -> Result<(), Error> {
        self.enter_level()?;
        let mut last = false;
        while !last && !block_follow(&self.lex.token) {
            last = self.statement()?;
            self.test_next(&Token::Char(b';'))?;
            let fs = self.fs();
            debug_assert!(fs.f.max_stack as u32 >= fs.freereg && fs.freereg >= fs.nactvar);
            fs.freereg = fs.nactvar;
        }
        self.leave_level();
        Ok(())
    }

    fn block(&mut self) -> Result<(), Error> {
        self.fs().enter_block(false);
        self.chunk()?;
        self.fs().leave_block()
    }

    /// Returns true for statements that must end a block (`return`, `break`).
    fn statement(&mut self) -> Result<bool, Error> {
        let line = self.lex.line;
        if self.at_goto()? {
            self.gotostat(line)?;
            return Ok(false);
        }
        match self.lex.token {
            Token::DbColon => self.labelstat()?,
            Token::If => self.ifstat(line)?,
            Token::While => self.whilestat(line)?,
            Token::Do => {
                self.next()?;
                self.block()?;
                self.check_match(&Token::End, &Token::Do, line)?;
            }
            Token::For => self.forstat(line)?,
            Token::Repeat => self.repeatstat(line)?,
            Token::Function => self.funcstat(line)?,
            Token::Local => {
                self.next()?;
                if self.test_next(&Token::Function)? {
                    self.localfunc()?;
                } else {
                    self.localstat()?;
                }
            }
            Token::Return => {
                self.retstat()?;
                return Ok(true);
            }
            Token::Break => {
                self.next()?;
                self.breakstat()?;
                return Ok(true);
            }
            _ => self.exprstat()?,
        }
        Ok(false)
    }

    /// Parses a condition; returns its false list (`cond`).
    fn cond(&mut self) -> Result<Option<usize>, Error> {
        let mut v = self.expr()?;
        if v.k == ExpKind::Nil {
            v.k = ExpKind::False;
        }
        self.fs().go_if_true(&mut v)?;
        Ok(v.f)
    }

    fn breakstat(&mut self) -> Result<(), Error> {
        let fs = self.fs();
        let mut upval = false;
        let mut target = None;
        for (i, bl) in fs.blocks.iter().enumerate().rev() {
            if bl.breakable {
                target = Some(i);
                break;
            }
            upval |= bl.upval;
        }
        let Some(i) = target else {
            return Err(Error::syntax("no loop to break"));
        };
        if upval {
            let n = fs.blocks[i].nactvar;
            fs.emit_abc(Op::CLOSE, n, 0, 0)?;
        }
        let j = fs.jump()?;
        let mut list = fs.blocks[i].breaklist;
        fs.concat(&mut list, Some(j))?;
        fs.blocks[i].breaklist = list;
        Ok(())
    }

    /// `whilestat -> WHILE cond DO block END`, closed by a `LOOP` back to the condition.
    fn whilestat(&mut self, line: u32) -> Result<(), Error> {
        self.next()?;
        let init = self.fs().get_label();
        let condexit = self.cond()?;
        self.fs().enter_block(true);
        self.check_next(&Token::Do)?;
        self.block()?;
        self.fs().back_edge(Op::LOOP, 0, init)?;
        self.check_match(&Token::End, &Token::While, line)?;
        let fs = self.fs();
        fs.leave_block()?;
        fs.patch_to_here(condexit)
    }

    /// `repeatstat -> REPEAT block UNTIL cond`: the condition jumps out of the loop when
    /// true; otherwise `LOOP` goes back. Locals of the body are visible in the condition;
    /// if one is captured, both exits close it.
    fn repeatstat(&mut self, line: u32) -> Result<(), Error> {
        let fs = self.fs();
        let init = fs.get_label();
        fs.enter_block(true); // loop block
        fs.enter_block(false); // scope block
        self.next()?;
        self.chunk()?;
        self.check_match(&Token::Until, &Token::Repeat, line)?;
        let mut v = self.expr()?;
        let fs = self.fs();
        fs.go_if_false(&mut v)?;
        let exit = v.t;
        let scope = fs.blocks.last().map_or(0, |b| b.nactvar);
        if fs.blocks.last().is_some_and(|b| b.upval) {
            fs.emit_abc(Op::CLOSE, scope, 0, 0)?;
        }
        fs.back_edge(Op::LOOP, 0, init)?;
        fs.patch_to_here(exit)?;
        fs.leave_block()?; // scope: CLOSE on the exit path if captured
        fs.leave_block() // loop: breaks land here
    }

    /// One control expression of a numeric `for`, into the next register.
    fn exp1(&mut self) -> Result<(), Error> {
        let mut e = self.expr()?;
        self.fs().exp_to_next_reg(&mut e)
    }

    /// The body of both `for`s; `nvars` declared variables above the three control slots.
    fn forbody(&mut self, base: u32, line: u32, nvars: u32, numeric: bool) -> Result<(), Error> {
        self.fs().adjust_local_vars(3);
        self.check_next(&Token::Do)?;
        let fs = self.fs();
        let prep = if numeric {
            fs.emit_asbx(Op::FORPREP, base, -1)?
        } else {
            fs.jump()?
        };
        fs.enter_block(false);
        fs.adjust_local_vars(nvars);
        fs.reserve_regs(nvars)?;
        self.block()?;
        let fs = self.fs();
        fs.leave_block()?;
        fs.patch_to_here(Some(prep))?;
        if numeric {
            fs.back_edge(Op::FORLOOP, base, prep + 1)?;
            fs.fix_line(line);
        } else {
            fs.emit_abc(Op::TFORCALL, base, 0, nvars)?;
            fs.fix_line(line);
            fs.back_edge(Op::TFORLOOP, base + 2, prep + 1)?;
            fs.fix_line(line);
        }
        Ok(())
    }

    /// `fornum -> NAME = exp1 ',' exp1 [',' exp1] forbody`
    fn fornum(&mut self, varname: &[u8], line: u32) -> Result<(), Error> {
        let fs = self.fs();
        let base = fs.freereg;
        fs.declare_local(b"(for index)", 0)?;
        fs.declare_local(b"(for limit)", 1)?;
        fs.declare_local(b"(for step)", 2)?;
        fs.declare_local(varname, 3)?;
        self.check_next(&Token::Char(b'='))?;
        self.exp1()?;
        self.check_next(&Token::Char(b','))?;
        self.exp1()?;
        if self.test_next(&Token::Char(b','))? {
            self.exp1()?;
        } else {
            let fs = self.fs();
            let k = fs.number_k(1.0)?;
            let r = fs.freereg;
            fs.emit_abx(Op::LOADK, r, k)?;
            fs.reserve_regs(1)?;
        }
        self.forbody(base, line, 1, true)
    }

    /// `forlist -> NAME {',' NAME} IN explist1 forbody`
    fn forlist(&mut self, indexname: &[u8]) -> Result<(), Error> {
        let fs = self.fs();
        let base = fs.freereg;
        fs.declare_local(b"(for generator)", 0)?;
        fs.declare_local(b"(for state)", 1)?;
        fs.declare_local(b"(for control)", 2)?;
        fs.declare_local(indexname, 3)?;
        let mut nvars = 4;
        while self.test_next(&Token::Char(b','))? {
            let n = self.str_check_name()?;
            self.fs().declare_local(&n, nvars)?;
            nvars += 1;
        }
        self.check_next(&Token::In)?;
        let line = self.lex.line;
        let mut e = ExpDesc::new(ExpKind::Void);
        let nexps = self.explist1(&mut e)?;
        self.adjust_assign(3, nexps, &mut e)?;
        if nexps > 3 {
            // Drop the leftover values (`for k in f, s, c, extra do`) so the loop's block
            // opens with no temporaries above its locals, as LuaJIT's `assign_adjust` does.
            self.fs().freereg -= nexps - 3;
        }
        self.fs().check_stack(3)?; // room for the generator call
        self.forbody(base, line, nvars - 3, false)
    }

    /// `forstat -> FOR (fornum | forlist) END`
    fn forstat(&mut self, line: u32) -> Result<(), Error> {
        self.fs().enter_block(true);
        self.next()?;
        let varname = self.str_check_name()?;
        match self.lex.token {
            Token::Char(b'=') => self.fornum(&varname, line)?,
            Token::Char(b',') | Token::In => self.forlist(&varname)?,
            _ => return Err(Error::syntax("'=' or 'in' expected")),
        }
        self.check_match(&Token::End, &Token::For, line)?;
        self.fs().leave_block()
    }

    /// `[IF | ELSEIF] cond THEN block`; returns the false list.
    fn test_then_block(&mut self) -> Result<Option<usize>, Error> {
        self.next()?;
        let condexit = self.cond()?;
        self.check_next(&Token::Then)?;
        self.block()?;
        Ok(condexit)
    }

    /// `ifstat -> IF cond THEN block {ELSEIF cond THEN block} [ELSE block] END`
    fn ifstat(&mut self, line: u32) -> Result<(), Error> {
        let mut escape = None;
        let mut flist = self.test_then_block()?;
        while self.lex.token == Token::Elseif {
            let fs = self.fs();
            let j = fs.jump()?;
            fs.concat(&mut escape, Some(j))?;
            fs.patch_to_here(flist)?;
            flist = self.test_then_block()?;
        }
        if self.lex.token == Token::Else {
            let fs = self.fs();
            let j = fs.jump()?;
            fs.concat(&mut escape, Some(j))?;
            fs.patch_to_here(flist)?;
            self.next()?;
            self.block()?;
        } else {
            let fs = self.fs();
            fs.concat(&mut escape, flist)?;
        }
        self.fs().patch_to_here(escape)?;
        self.check_match(&Token::End, &Token::If, line)
    }

    fn localfunc(&mut self) -> Result<(), Error> {
        let name = self.str_check_name()?;
        let fs = self.fs();
        fs.declare_local(&name, 0)?;
        let v = ExpDesc::new(ExpKind::Local(fs.freereg));
        fs.reserve_regs(1)?;
        fs.adjust_local_vars(1);
        let line = self.lex.line;
        let mut b = self.body(false, line)?;
        let fs = self.fs();
        fs.store_var(&v, &mut b)?;
        // Debug information sees the variable only after the closure is stored.
        let pc = fs.pc() as u32;
        let r = fs.nactvar - 1;
        fs.local_var(r).start_pc = pc;
        Ok(())
    }

    /// `localstat -> LOCAL NAME {',' NAME} ['=' explist1]`
    fn localstat(&mut self) -> Result<(), Error> {
        let mut nvars = 0;
        loop {
            let n = self.str_check_name()?;
            self.fs().declare_local(&n, nvars)?;
            nvars += 1;
            if !self.test_next(&Token::Char(b','))? {
                break;
            }
        }
        let mut e = ExpDesc::new(ExpKind::Void);
        let nexps = if self.test_next(&Token::Char(b'='))? {
            self.explist1(&mut e)?
        } else {
            0
        };
        self.adjust_assign(nvars, nexps, &mut e)?;
        self.fs().adjust_local_vars(nvars);
        Ok(())
    }

    /// `funcstat -> FUNCTION NAME {'.' NAME} [':' NAME] body`
    fn funcstat(&mut self, line: u32) -> Result<(), Error> {
        self.next()?;
        let mut v = self.single_var()?;
        let mut needself = false;
        while self.lex.token == Token::Char(b'.') {
            self.field(&mut v)?;
        }
        if self.lex.token == Token::Char(b':') {
            needself = true;
            self.field(&mut v)?;
        }
        let mut b = self.body(needself, line)?;
        let fs = self.fs();
        fs.store_var(&v, &mut b)?;
        fs.fix_line(line);
        Ok(())
    }

    /// `exprstat -> func | assignment`
    fn exprstat(&mut self) -> Result<(), Error> {
        let v = self.primaryexp()?;
        if let ExpKind::Call(pc) = v.k {
            self.fs().code_at(pc).set_c(1); // a call statement uses no results
            Ok(())
        } else {
            self.assignment(v)
        }
    }

    /// `assignment -> {',' primaryexp} '=' explist1`. Targets are evaluated left to right
    /// (their table and key operands into registers), then values, then stored right to
    /// left, as 5.1 does; a local assigned after being used as a table or key of an earlier
    /// target is copied first (`check_conflict`).
    fn assignment(&mut self, first: ExpDesc) -> Result<(), Error> {
        let mut lhs = alloc::vec![first];
        loop {
            let last = lhs.last().map_or(ExpKind::Void, |e| e.k);
            if !matches!(
                last,
                ExpKind::Local(_)
                    | ExpKind::Upval(_)
                    | ExpKind::Global(_)
                    | ExpKind::Indexed { .. }
            ) {
                return Err(Error::syntax("syntax error"));
            }
            if !self.test_next(&Token::Char(b','))? {
                break;
            }
            let nv = self.primaryexp()?;
            if let ExpKind::Local(r) = nv.k {
                self.check_conflict(&mut lhs, r)?;
            }
            let nvars = lhs.len() as u32;
            let room = MAX_LEVELS.saturating_sub(self.level);
            if nvars > room {
                return Err(self.fs().limit_error(room, "variables in assignment"));
            }
            lhs.push(nv);
        }
        self.check_next(&Token::Char(b'='))?;
        let nvars = lhs.len() as u32;
        let mut e = ExpDesc::new(ExpKind::Void);
        let nexps = self.explist1(&mut e)?;
        let fs = self.fs();
        let mut rest = lhs.len();
        if nexps == nvars {
            fs.set_one_ret(&mut e);
            let var = lhs[rest - 1];
            fs.store_var(&var, &mut e)?;
            rest -= 1;
        } else {
            self.adjust_assign(nvars, nexps, &mut e)?;
            if nexps > nvars {
                self.fs().freereg -= nexps - nvars;
            }
        }
        let fs = self.fs();
        for var in lhs[..rest].iter().rev() {
            let mut e = ExpDesc::new(ExpKind::NonReloc(fs.freereg - 1));
            fs.store_var(var, &mut e)?;
        }
        Ok(())
    }

    fn check_conflict(&mut self, lhs: &mut [ExpDesc], reg: u32) -> Result<(), Error> {
        let fs = self.fs();
        let extra = fs.freereg;
        let mut conflict = false;
        for e in lhs.iter_mut() {
            if let ExpKind::Indexed { table, key } = &mut e.k {
                if *table == reg {
                    conflict = true;
                    *table = extra;
                }
                if *key == reg {
                    conflict = true;
                    *key = extra;
                }
            }
        }
        if conflict {
            fs.emit_abc(Op::MOVE, extra, reg, 0)?;
            fs.reserve_regs(1)?;
        }
        Ok(())
    }

    /// `retstat -> RETURN [explist1]`
    fn retstat(&mut self) -> Result<(), Error> {
        self.next()?;
        let (first, nret);
        if block_follow(&self.lex.token) || self.lex.token == Token::Char(b';') {
            first = 0;
            nret = 0;
        } else {
            let mut e = ExpDesc::new(ExpKind::Void);
            let n = self.explist1(&mut e)?;
            let fs = self.fs();
            if e.is_multi() {
                fs.set_multret(&e)?;
                if let (ExpKind::Call(pc), 1) = (e.k, n) {
                    let i = fs.code_at(pc);
                    *i = crate::bytecode::Instr::abc(Op::TAILCALL, i.a(), i.b(), i.c());
                }
                first = fs.nactvar;
                nret = -1;
            } else if n == 1 {
                first = fs.exp_to_any_reg(&mut e)?;
                nret = 1;
            } else {
                fs.exp_to_next_reg(&mut e)?;
                first = fs.nactvar;
                nret = n as i32;
                debug_assert_eq!(nret as u32, fs.freereg - first);
            }
        }
        self.fs().ret(first, nret)
    }
}
