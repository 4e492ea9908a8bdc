//! `goto` and labels, as LuaJIT 2.1 accepts them (Lua 5.2 semantics) on top of Lua 5.1.
//!
//! Invariants:
//! - `FuncState::labels` holds the labels of the open blocks of the function, in order;
//!   leaving a block forgets its labels. A label is visible to a `goto` in its block and in
//!   nested blocks of the same function.
//! - A `goto` to a visible label (already seen) jumps backwards: it is a loop, so it is a
//!   `LOOP` back-edge (hotness is counted there), preceded by `CLOSE` when it leaves the
//!   scope of locals. Any other `goto` is a forward `JMP` kept in `FuncState::gotos` until
//!   its label appears in the same or an enclosing block.
//! - A pending `goto` records the active locals at its point; leaving a block lowers that to
//!   the block's level. When a block whose locals are captured is left, each pending goto
//!   that leaves those locals is routed through a trampoline (`CLOSE` then a new `JMP`),
//!   since a 5.1 `JMP` cannot close upvalues itself.
//! - A label followed only by labels up to the end of its block (not `until`; a `;` counts
//!   as a statement, as in LuaJIT) is outside the block's locals, so `goto continue` may
//!   skip local declarations.
//! - `goto` is a statement only when a name follows; otherwise it is an ordinary name.

use alloc::format;
use alloc::vec::Vec;

use super::funcstate::{Block, FuncState, LabelDesc};
use super::jumps::NO_REG;
use super::lexer::{bytes_to_string, Token};
use super::parser::Parser;
use super::Error;
use crate::bytecode::Op;

impl FuncState {
    /// Leaving block `bl`: forgets its labels and moves its pending gotos to the enclosing
    /// block, closing captured locals on their way out.
    pub fn move_gotos_out(&mut self, bl: &Block) -> Result<(), Error> {
        self.labels.truncate(bl.first_label);
        let mut skip = None;
        for i in bl.first_goto..self.gotos.len() {
            if self.gotos[i].nactvar > bl.nactvar {
                if bl.upval {
                    if skip.is_none() {
                        skip = Some(self.jump()?); // the fall-through path skips the trampolines
                    }
                    let pc = self.gotos[i].pc;
                    self.patch_to_here(Some(pc))?;
                    self.emit_abc(Op::CLOSE, bl.nactvar, 0, 0)?;
                    self.gotos[i].pc = self.jump()?;
                }
                self.gotos[i].nactvar = bl.nactvar;
            }
        }
        self.patch_to_here(skip)
    }

    /// The error for the first `goto` whose label never appeared, if any.
    pub fn check_undefined_gotos(&self) -> Result<(), Error> {
        match self.gotos.first() {
            Some(g) => Err(Error::at_line(
                format!("undefined label '{}'", bytes_to_string(&g.name)),
                g.line,
            )),
            None => Ok(()),
        }
    }

    /// Lands the pending gotos of the current block named like `labels[idx]` on it.
    fn resolve_gotos(&mut self, idx: usize) -> Result<(), Error> {
        let label = self.labels[idx].clone();
        let mut i = self.blocks.last().map_or(0, |b| b.first_goto);
        while i < self.gotos.len() {
            if self.gotos[i].name != label.name {
                i += 1;
                continue;
            }
            let g = self.gotos.remove(i);
            if g.nactvar < label.nactvar {
                let local = bytes_to_string(&self.local_var(g.nactvar).name);
                return Err(Error::at_line(
                    format!(
                        "<goto {}> jumps into the scope of local '{}'",
                        bytes_to_string(&g.name),
                        local
                    ),
                    g.line,
                ));
            }
            if label.pc == self.pc() {
                self.patch_to_here(Some(g.pc))?;
            } else {
                self.patch_list_aux(Some(g.pc), label.pc, NO_REG, label.pc)?;
            }
        }
        Ok(())
    }
}

impl Parser<'_> {
    /// True if the current token starts a `goto` statement (`goto` followed by a name).
    pub(super) fn at_goto(&mut self) -> Result<bool, Error> {
        if !matches!(&self.lex.token, Token::Name(n) if n == b"goto") {
            return Ok(false);
        }
        Ok(matches!(self.lex.peek()?, Token::Name(_)))
    }

    /// `goto NAME`, at `goto`.
    pub(super) fn gotostat(&mut self, line: u32) -> Result<(), Error> {
        self.next()?;
        let name = self.str_check_name()?;
        let fs = self.fs();
        if let Some(label) = fs.labels.iter().rev().find(|l| l.name == name).cloned() {
            if fs.nactvar > label.nactvar {
                fs.emit_abc(Op::CLOSE, label.nactvar, 0, 0)?;
            }
            fs.back_edge(Op::LOOP, 0, label.pc)?;
        } else {
            let pc = fs.jump()?;
            let nactvar = fs.nactvar;
            fs.gotos.push(LabelDesc {
                name,
                pc,
                line,
                nactvar,
            });
        }
        Ok(())
    }

    /// `::NAME::` (and any labels right after it), at the first `::`.
    pub(super) fn labelstat(&mut self) -> Result<(), Error> {
        let mut created = Vec::new();
        while self.lex.token == Token::DbColon {
            self.next()?;
            let line = self.lex.line;
            let name = self.str_check_name()?;
            self.check_next(&Token::DbColon)?;
            let fs = self.fs();
            let first = fs.blocks.last().map_or(0, |b| b.first_label);
            if fs.labels[first..].iter().any(|l| l.name == name) {
                return Err(Error::at_line(
                    format!("duplicate label '{}'", bytes_to_string(&name)),
                    line,
                ));
            }
            let pc = fs.get_label();
            let nactvar = fs.nactvar;
            created.push(fs.labels.len());
            fs.labels.push(LabelDesc {
                name,
                pc,
                line,
                nactvar,
            });
        }
        let at_end = matches!(
            self.lex.token,
            Token::Else | Token::Elseif | Token::End | Token::Eos
        );
        let fs = self.fs();
        if at_end {
            let level = fs.blocks.last().map_or(0, |b| b.nactvar);
            for &i in &created {
                fs.labels[i].nactvar = level;
            }
        }
        for &i in &created {
            fs.resolve_gotos(i)?;
        }
        Ok(())
    }
}
