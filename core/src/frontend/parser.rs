//! The parser: recursive descent over the Lua 5.1 grammar, generating code as it goes
//! (a port in spirit of 5.1's `lparser.c`). This file holds the parser state, token
//! helpers, variables and function bodies; `parser/expr.rs` the expressions and table
//! constructors; `parser/stat.rs` the statements; `labels.rs` `goto` and labels.
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

use super::expdesc::{ExpDesc, ExpKind};
use super::funcstate::{FuncState, UpvalSource};
use super::lexer::{token_name, Lexer, Token};

mod expr;
mod stat;
use super::Error;
use crate::bytecode::{Op, ProtoDesc};

/// Nesting limit of syntax levels (`LUAI_MAXCCALLS`).
pub(crate) const MAX_LEVELS: u32 = 200;

/// The parser; see the module docs.
pub(crate) struct Parser<'a> {
    pub(super) lex: Lexer<'a>,
    pub(super) fss: Vec<FuncState>,
    chunkname: &'a str,
    level: u32,
}

pub(super) fn block_follow(t: &Token) -> bool {
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
}
