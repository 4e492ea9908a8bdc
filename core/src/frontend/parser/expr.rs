//! Expressions and table constructors (`subexpr` and below in 5.1's `lparser.c`).
//!
//! Invariant: an expression is returned as an [`ExpDesc`] not yet placed in a register;
//! the caller decides where its value goes. Operators are parsed by precedence climbing,
//! recursing (one syntax level each) only for right operands and unary operands.

use super::Parser;
use crate::bytecode::{Op, LFIELDS_PER_FLUSH};
use crate::frontend::code::{BinOpr, UnOpr, UNARY_PRIORITY};
use crate::frontend::expdesc::{ExpDesc, ExpKind};
use crate::frontend::lexer::Token;
use crate::frontend::Error;

/// State of a table constructor (`ConsControl`).
struct ConsControl {
    /// The last list item read, not yet stored.
    v: ExpDesc,
    /// Register of the table.
    table: u32,
    /// Record items.
    nh: u32,
    /// Array items.
    na: u32,
    /// Array items pending a `SETLIST`.
    tostore: u32,
}

fn unopr(t: &Token) -> Option<UnOpr> {
    match t {
        Token::Not => Some(UnOpr::Not),
        Token::Char(b'-') => Some(UnOpr::Minus),
        Token::Char(b'#') => Some(UnOpr::Len),
        _ => None,
    }
}

fn binopr(t: &Token) -> Option<BinOpr> {
    Some(match t {
        Token::Char(b'+') => BinOpr::Add,
        Token::Char(b'-') => BinOpr::Sub,
        Token::Char(b'*') => BinOpr::Mul,
        Token::Char(b'/') => BinOpr::Div,
        Token::Char(b'%') => BinOpr::Mod,
        Token::Char(b'^') => BinOpr::Pow,
        Token::Concat => BinOpr::Concat,
        Token::Ne => BinOpr::Ne,
        Token::Eq => BinOpr::Eq,
        Token::Char(b'<') => BinOpr::Lt,
        Token::Le => BinOpr::Le,
        Token::Char(b'>') => BinOpr::Gt,
        Token::Ge => BinOpr::Ge,
        Token::And => BinOpr::And,
        Token::Or => BinOpr::Or,
        _ => return None,
    })
}

impl Parser<'_> {
    // ---- expressions ----

    /// `explist1 -> expr { ',' expr }`; returns the number of expressions, the last in `e`.
    pub(super) fn explist1(&mut self, e: &mut ExpDesc) -> Result<u32, Error> {
        let mut n = 1;
        *e = self.expr()?;
        while self.test_next(&Token::Char(b','))? {
            self.fs().exp_to_next_reg(e)?;
            *e = self.expr()?;
            n += 1;
        }
        Ok(n)
    }

    pub(super) fn funcargs(&mut self, f: &mut ExpDesc) -> Result<(), Error> {
        let line = self.lex.line;
        let mut args = match &self.lex.token {
            Token::Char(b'(') => {
                if line != self.lex.last_line {
                    return Err(Error::syntax(
                        "ambiguous syntax (function call x new statement)",
                    ));
                }
                self.next()?;
                let args = if self.lex.token == Token::Char(b')') {
                    ExpDesc::new(ExpKind::Void)
                } else {
                    let mut a = ExpDesc::new(ExpKind::Void);
                    self.explist1(&mut a)?;
                    self.fs().set_multret(&a)?;
                    a
                };
                self.check_match(&Token::Char(b')'), &Token::Char(b'('), line)?;
                args
            }
            Token::Char(b'{') => self.constructor()?,
            Token::Str(s, _) => {
                let s = s.clone();
                let a = self.code_string(&s)?;
                self.next()?;
                a
            }
            _ => return Err(Error::syntax("function arguments expected")),
        };
        let fs = self.fs();
        let base = match f.k {
            ExpKind::NonReloc(r) => r,
            _ => return Err(Error::bare("internal compiler error")),
        };
        let nparams = if args.is_multi() {
            -1
        } else {
            if args.k != ExpKind::Void {
                fs.exp_to_next_reg(&mut args)?;
            }
            (fs.freereg - (base + 1)) as i32
        };
        f.k = ExpKind::Call(fs.emit_abc(Op::CALL, base, (nparams + 1) as u32, 2)?);
        fs.fix_line(line);
        fs.freereg = base + 1;
        Ok(())
    }

    /// `prefixexp -> NAME | '(' expr ')'`
    fn prefixexp(&mut self) -> Result<ExpDesc, Error> {
        match self.lex.token {
            Token::Char(b'(') => {
                let line = self.lex.line;
                self.next()?;
                let mut v = self.expr()?;
                self.check_match(&Token::Char(b')'), &Token::Char(b'('), line)?;
                self.fs().discharge_vars(&mut v)?;
                Ok(v)
            }
            Token::Name(_) => self.single_var(),
            _ => Err(Error::syntax("unexpected symbol")),
        }
    }

    /// `primaryexp -> prefixexp { '.' NAME | '[' exp ']' | ':' NAME funcargs | funcargs }`
    pub(super) fn primaryexp(&mut self) -> Result<ExpDesc, Error> {
        let mut v = self.prefixexp()?;
        loop {
            match self.lex.token {
                Token::Char(b'.') => self.field(&mut v)?,
                Token::Char(b'[') => {
                    self.fs().exp_to_any_reg(&mut v)?;
                    let mut key = self.yindex()?;
                    self.fs().indexed(&mut v, &mut key)?;
                }
                Token::Char(b':') => {
                    self.next()?;
                    let mut key = self.check_name()?;
                    self.fs().self_op(&mut v, &mut key)?;
                    self.funcargs(&mut v)?;
                }
                Token::Char(b'(') | Token::Str(..) | Token::Char(b'{') => {
                    self.fs().exp_to_next_reg(&mut v)?;
                    self.funcargs(&mut v)?;
                }
                _ => return Ok(v),
            }
        }
    }

    /// `field -> ['.' | ':'] NAME`
    pub(super) fn field(&mut self, v: &mut ExpDesc) -> Result<(), Error> {
        self.fs().exp_to_any_reg(v)?;
        self.next()?;
        let mut key = self.check_name()?;
        self.fs().indexed(v, &mut key)
    }

    /// `index -> '[' expr ']'`
    fn yindex(&mut self) -> Result<ExpDesc, Error> {
        self.next()?;
        let mut v = self.expr()?;
        self.fs().exp_to_val(&mut v)?;
        self.check_next(&Token::Char(b']'))?;
        Ok(v)
    }

    /// `simpleexp -> NUMBER | STRING | NIL | true | false | ... | constructor |
    ///  FUNCTION body | primaryexp`
    fn simpleexp(&mut self) -> Result<ExpDesc, Error> {
        let v = match &self.lex.token {
            Token::Number(n, ..) => ExpDesc::new(ExpKind::KNum(*n)),
            Token::Str(s, _) => {
                let s = s.clone();
                self.code_string(&s)?
            }
            Token::Nil => ExpDesc::new(ExpKind::Nil),
            Token::True => ExpDesc::new(ExpKind::True),
            Token::False => ExpDesc::new(ExpKind::False),
            Token::Dots => {
                let fs = self.fs();
                if !fs.f.is_vararg {
                    return Err(Error::syntax("cannot use '...' outside a vararg function"));
                }
                ExpDesc::new(ExpKind::Vararg(fs.emit_abc(Op::VARARG, 0, 1, 0)?))
            }
            Token::Char(b'{') => return self.constructor(),
            Token::Function => {
                self.next()?;
                let line = self.lex.line;
                return self.body(false, line);
            }
            _ => return self.primaryexp(),
        };
        self.next()?;
        Ok(v)
    }

    /// `subexpr -> (simpleexp | unop subexpr) { binop subexpr }`, where `binop` is any
    /// operator binding tighter than `limit`. Returns the first operator not consumed.
    fn subexpr(&mut self, v: &mut ExpDesc, limit: u32) -> Result<Option<BinOpr>, Error> {
        self.enter_level()?;
        if let Some(uop) = unopr(&self.lex.token) {
            self.next()?;
            self.subexpr(v, UNARY_PRIORITY)?;
            self.fs().prefix(uop, v)?;
        } else {
            *v = self.simpleexp()?;
        }
        let mut op = binopr(&self.lex.token);
        while let Some(o) = op {
            let (left, right) = o.priority();
            if left <= limit {
                break;
            }
            self.next()?;
            self.fs().infix(o, v)?;
            let mut v2 = ExpDesc::new(ExpKind::Void);
            let nextop = self.subexpr(&mut v2, right)?;
            self.fs().posfix(o, v, &mut v2)?;
            op = nextop;
        }
        self.leave_level();
        Ok(op)
    }

    pub(super) fn expr(&mut self) -> Result<ExpDesc, Error> {
        let mut v = ExpDesc::new(ExpKind::Void);
        self.subexpr(&mut v, 0)?;
        Ok(v)
    }

    // ---- table constructors ----

    fn recfield(&mut self, cc: &mut ConsControl) -> Result<(), Error> {
        let reg = self.fs().freereg;
        let mut key = if matches!(self.lex.token, Token::Name(_)) {
            self.check_name()?
        } else {
            self.yindex()?
        };
        cc.nh += 1;
        self.check_next(&Token::Char(b'='))?;
        let rkkey = self.fs().exp_to_rk(&mut key)?;
        let mut val = self.expr()?;
        let fs = self.fs();
        let rkval = fs.exp_to_rk(&mut val)?;
        fs.emit_abc(Op::SETTABLE, cc.table, rkkey, rkval)?;
        fs.freereg = reg;
        Ok(())
    }

    fn close_listfield(&mut self, cc: &mut ConsControl) -> Result<(), Error> {
        if cc.v.k == ExpKind::Void {
            return Ok(());
        }
        let fs = self.fs();
        fs.exp_to_next_reg(&mut cc.v)?;
        cc.v.k = ExpKind::Void;
        if cc.tostore == LFIELDS_PER_FLUSH {
            fs.set_list(cc.table, cc.na, cc.tostore as i32)?;
            cc.tostore = 0;
        }
        Ok(())
    }

    fn last_listfield(&mut self, cc: &mut ConsControl) -> Result<(), Error> {
        if cc.tostore == 0 {
            return Ok(());
        }
        let fs = self.fs();
        if cc.v.is_multi() {
            fs.set_multret(&cc.v)?;
            fs.set_list(cc.table, cc.na, -1)?;
            cc.na -= 1;
        } else {
            if cc.v.k != ExpKind::Void {
                fs.exp_to_next_reg(&mut cc.v)?;
            }
            fs.set_list(cc.table, cc.na, cc.tostore as i32)?;
        }
        Ok(())
    }

    fn listfield(&mut self, cc: &mut ConsControl) -> Result<(), Error> {
        cc.v = self.expr()?;
        cc.na += 1;
        cc.tostore += 1;
        Ok(())
    }

    /// `constructor -> '{' [ field { fieldsep field } [fieldsep] ] '}'`
    fn constructor(&mut self) -> Result<ExpDesc, Error> {
        let line = self.lex.line;
        let fs = self.fs();
        let pc = fs.emit_abc(Op::NEWTABLE, 0, 0, 0)?;
        let mut t = ExpDesc::new(ExpKind::Relocable(pc));
        fs.exp_to_next_reg(&mut t)?;
        let table = fs.freereg - 1;
        let mut cc = ConsControl {
            v: ExpDesc::new(ExpKind::Void),
            table,
            nh: 0,
            na: 0,
            tostore: 0,
        };
        self.check_next(&Token::Char(b'{'))?;
        loop {
            if self.lex.token == Token::Char(b'}') {
                break;
            }
            self.close_listfield(&mut cc)?;
            match self.lex.token {
                Token::Name(_) => {
                    if *self.lex.peek()? != Token::Char(b'=') {
                        self.listfield(&mut cc)?;
                    } else {
                        self.recfield(&mut cc)?;
                    }
                }
                Token::Char(b'[') => self.recfield(&mut cc)?,
                _ => self.listfield(&mut cc)?,
            }
            if !(self.test_next(&Token::Char(b','))? || self.test_next(&Token::Char(b';'))?) {
                break;
            }
        }
        self.check_match(&Token::Char(b'}'), &Token::Char(b'{'), line)?;
        self.last_listfield(&mut cc)?;
        let code = self.fs().code_at(pc);
        code.set_b(int2fb(cc.na));
        code.set_c(int2fb(cc.nh));
        Ok(t)
    }
}

/// 5.1's `luaO_int2fb`: `x` as a "floating point byte" `eeeeexxx` meaning `(1xxx) * 2^(eeeee-1)`
/// (or `xxx` when `eeeee` is 0), rounded up.
pub(crate) fn int2fb(mut x: u32) -> u32 {
    let mut e = 0;
    while x >= 16 {
        x = (x + 1) >> 1;
        e += 1;
    }
    if x < 8 {
        x
    } else {
        ((e + 1) << 3) | (x - 8)
    }
}
