//! The parser: recursive descent over the Lua 5.1 grammar, generating code as it goes
//! (a port in spirit of 5.1's `lparser.c`).
//!
//! Invariants:
//! - `fss` is the stack of functions being compiled, innermost last; it is never empty
//!   while parsing.
//! - Every recursive production that source text can nest (`block`, `subexpr`) enters a
//!   syntax level; more than [`MAX_LEVELS`] nested levels is the 5.1 error "chunk has too many
//!   syntax levels", so nesting is bounded whatever the input. Productions that nest only
//!   through those two (parentheses, constructors, function bodies, `a.b.c` chains, which
//!   loop) are thereby bounded too; assignment target lists are parsed iteratively.
//! - Between statements, `freereg == nactvar`: statements leave no temporaries.

use alloc::vec::Vec;

use super::code::{BinOpr, UnOpr, UNARY_PRIORITY};
use super::expdesc::{ExpDesc, ExpKind};
use super::funcstate::{FuncState, UpvalSource};
use super::lexer::{token_name, Lexer, Token};
use super::Error;
use crate::bytecode::{Op, ProtoDesc, LFIELDS_PER_FLUSH};

/// Nesting limit of syntax levels (`LUAI_MAXCCALLS`).
pub(crate) const MAX_LEVELS: u32 = 200;

/// The parser; see the module docs.
pub(crate) struct Parser<'a> {
    pub(super) lex: Lexer<'a>,
    pub(super) fss: Vec<FuncState>,
    chunkname: &'a str,
    level: u32,
}

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

fn block_follow(t: &Token) -> bool {
    matches!(
        t,
        Token::Else | Token::Elseif | Token::End | Token::Until | Token::Eos
    )
}

impl<'a> Parser<'a> {
    /// A parser over `source`.
    pub fn new(source: &'a [u8], chunkname: &'a str) -> Parser<'a> {
        Parser {
            lex: Lexer::new(source),
            fss: Vec::new(),
            chunkname,
            level: 0,
        }
    }

    /// The lexer's current line (for error messages).
    pub fn line(&self) -> u32 {
        self.lex.line
    }

    /// The current token as error messages quote it.
    pub fn token_text(&self) -> alloc::string::String {
        self.lex.token_text()
    }

    /// Parses the whole chunk as the main function.
    pub fn main_function(&mut self) -> Result<ProtoDesc, Error> {
        self.open_func();
        self.fs().f.is_vararg = true;
        self.next()?;
        self.chunk()?;
        self.check(&Token::Eos)?;
        let f = self.close_func()?;
        debug_assert!(self.fss.is_empty());
        Ok(f)
    }

    // ---- helpers ----

    #[inline]
    pub(super) fn fs(&mut self) -> &mut FuncState {
        // Invariant: never empty while parsing.
        self.fss.last_mut().expect("no function being compiled")
    }

    pub(super) fn next(&mut self) -> Result<(), Error> {
        self.lex.next()?;
        let line = self.lex.last_line;
        if let Some(fs) = self.fss.last_mut() {
            fs.line = line;
        }
        Ok(())
    }

    pub(super) fn test_next(&mut self, t: &Token) -> Result<bool, Error> {
        if self.lex.token == *t {
            self.next()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn error_expected(&self, t: &Token) -> Error {
        Error::syntax(alloc::format!("'{}' expected", token_name(t)))
    }

    fn check(&self, t: &Token) -> Result<(), Error> {
        if self.lex.token == *t {
            Ok(())
        } else {
            Err(self.error_expected(t))
        }
    }

    pub(super) fn check_next(&mut self, t: &Token) -> Result<(), Error> {
        self.check(t)?;
        self.next()
    }

    fn check_match(&mut self, what: &Token, who: &Token, line: u32) -> Result<(), Error> {
        if self.test_next(what)? {
            return Ok(());
        }
        if line == self.lex.line {
            Err(self.error_expected(what))
        } else {
            Err(Error::syntax(alloc::format!(
                "'{}' expected (to close '{}' at line {})",
                token_name(what),
                token_name(who),
                line
            )))
        }
    }

    pub(super) fn str_check_name(&mut self) -> Result<Vec<u8>, Error> {
        match &mut self.lex.token {
            Token::Name(n) => {
                let n = core::mem::take(n);
                self.next()?;
                Ok(n)
            }
            _ => Err(self.error_expected(&Token::Name(Vec::new()))),
        }
    }

    fn code_string(&mut self, s: &[u8]) -> Result<ExpDesc, Error> {
        Ok(ExpDesc::new(ExpKind::K(self.fs().string_k(s)?)))
    }

    fn check_name(&mut self) -> Result<ExpDesc, Error> {
        let n = self.str_check_name()?;
        self.code_string(&n)
    }

    fn enter_level(&mut self) -> Result<(), Error> {
        self.level += 1;
        if self.level > MAX_LEVELS {
            return Err(Error::bare("chunk has too many syntax levels"));
        }
        Ok(())
    }

    fn leave_level(&mut self) {
        self.level -= 1;
    }

    // ---- functions ----

    fn open_func(&mut self) {
        let fs = FuncState::new(self.chunkname, self.lex.last_line);
        self.fss.push(fs);
    }

    fn close_func(&mut self) -> Result<ProtoDesc, Error> {
        let fs = self.fs();
        fs.check_undefined_gotos()?;
        fs.remove_vars(0);
        fs.ret(0, 0)?;
        let mut fs = self.fss.pop().expect("no function being compiled");
        fs.f.num_upvals = fs.upvals.len() as u8;
        // Code emitted next in the enclosing function belongs to the last consumed token.
        if let Some(outer) = self.fss.last_mut() {
            outer.line = self.lex.last_line;
        }
        debug_assert_eq!(fs.f.code.len(), fs.f.lines.len());
        Ok(fs.f)
    }

    /// Finds `name`: a local of the current function, an upvalue (creating the chain of
    /// upvalues through the enclosing functions), or a global (`singlevaraux`).
    fn single_var_aux(&mut self, name: &[u8]) -> Result<ExpKind, Error> {
        let n = self.fss.len();
        let found = (0..n)
            .rev()
            .find_map(|l| self.fss[l].search_var(name).map(|r| (l, r)));
        let Some((level, reg)) = found else {
            return Ok(ExpKind::Global(0));
        };
        if level == n - 1 {
            return Ok(ExpKind::Local(reg));
        }
        self.fss[level].mark_upval(reg);
        let mut src = UpvalSource::Local(reg);
        let mut idx = 0;
        for fs in &mut self.fss[level + 1..] {
            idx = fs.index_upvalue(name, src)?;
            src = UpvalSource::Upval(idx);
        }
        Ok(ExpKind::Upval(idx))
    }

    fn single_var(&mut self) -> Result<ExpDesc, Error> {
        let name = self.str_check_name()?;
        let k = match self.single_var_aux(&name)? {
            ExpKind::Global(_) => ExpKind::Global(self.fs().string_k(&name)?),
            k => k,
        };
        Ok(ExpDesc::new(k))
    }

    /// Adjusts `nexps` values (the last being `e`) to `nvars` (`adjust_assign`).
    fn adjust_assign(&mut self, nvars: u32, nexps: u32, e: &mut ExpDesc) -> Result<(), Error> {
        let fs = self.fs();
        let mut extra = nvars as i32 - nexps as i32;
        if e.is_multi() {
            extra += 1;
            if extra < 0 {
                extra = 0;
            }
            fs.set_returns(e, extra)?;
            if extra > 1 {
                fs.reserve_regs(extra as u32 - 1)?;
            }
        } else {
            if e.k != ExpKind::Void {
                fs.exp_to_next_reg(e)?;
            }
            if extra > 0 {
                let reg = fs.freereg;
                fs.reserve_regs(extra as u32)?;
                fs.load_nil(reg, extra as u32)?;
            }
        }
        Ok(())
    }

    /// Emits the closure for the just-compiled `f` (`pushclosure`): `CLOSURE` and one
    /// pseudo-instruction per upvalue.
    fn push_closure(&mut self, f: ProtoDesc, upvals: &[UpvalSource]) -> Result<ExpDesc, Error> {
        let fs = self.fs();
        let idx = fs.f.protos.len() as u32;
        if idx >= crate::bytecode::MAXARG_BX {
            return Err(Error::bare("constant table overflow"));
        }
        fs.f.protos.push(f);
        let pc = fs.emit_abx(Op::CLOSURE, 0, idx)?;
        for u in upvals {
            match *u {
                UpvalSource::Local(r) => fs.emit_abc(Op::MOVE, 0, r, 0)?,
                UpvalSource::Upval(i) => fs.emit_abc(Op::GETUPVAL, 0, i, 0)?,
            };
        }
        Ok(ExpDesc::new(ExpKind::Relocable(pc)))
    }

    /// `body -> '(' parlist ')' chunk END`
    fn body(&mut self, needself: bool, line: u32) -> Result<ExpDesc, Error> {
        self.open_func();
        self.fs().f.line_defined = line;
        self.check_next(&Token::Char(b'('))?;
        if needself {
            self.fs().declare_local(b"self", 0)?;
            self.fs().adjust_local_vars(1);
        }
        self.parlist()?;
        self.check_next(&Token::Char(b')'))?;
        self.chunk()?;
        self.fs().f.last_line_defined = self.lex.line;
        self.check_match(&Token::End, &Token::Function, line)?;
        let upvals = self.fs().upvals.clone();
        let f = self.close_func()?;
        self.push_closure(f, &upvals)
    }

    /// `parlist -> [ param { ',' param } ]`
    fn parlist(&mut self) -> Result<(), Error> {
        let mut nparams = 0;
        let mut vararg = false;
        if self.lex.token != Token::Char(b')') {
            loop {
                match self.lex.token {
                    Token::Name(_) => {
                        let n = self.str_check_name()?;
                        self.fs().declare_local(&n, nparams)?;
                        nparams += 1;
                    }
                    Token::Dots => {
                        self.next()?;
                        vararg = true;
                    }
                    _ => return Err(Error::syntax("<name> or '...' expected")),
                }
                if vararg || !self.test_next(&Token::Char(b','))? {
                    break;
                }
            }
        }
        let fs = self.fs();
        fs.f.is_vararg = vararg;
        fs.adjust_local_vars(nparams);
        fs.f.num_params = fs.nactvar as u8;
        let n = fs.nactvar;
        fs.reserve_regs(n)
    }

    // ---- expressions ----

    /// `explist1 -> expr { ',' expr }`; returns the number of expressions, the last in `e`.
    fn explist1(&mut self, e: &mut ExpDesc) -> Result<u32, Error> {
        let mut n = 1;
        *e = self.expr()?;
        while self.test_next(&Token::Char(b','))? {
            self.fs().exp_to_next_reg(e)?;
            *e = self.expr()?;
            n += 1;
        }
        Ok(n)
    }

    fn funcargs(&mut self, f: &mut ExpDesc) -> Result<(), Error> {
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
    fn primaryexp(&mut self) -> Result<ExpDesc, Error> {
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
    fn field(&mut self, v: &mut ExpDesc) -> Result<(), Error> {
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

    fn expr(&mut self) -> Result<ExpDesc, Error> {
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

    // ---- statements ----

    /// `chunk -> { stat [';'] }`
    fn chunk(&mut self) -> Result<(), Error> {
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
