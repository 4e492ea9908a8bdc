//! The state of one function under compilation (`FuncState` of 5.1's `lparser.h`): the
//! prototype being filled, registers, active locals, blocks, upvalues and constants.
//!
//! Invariants:
//! - Registers `0..nactvar` hold the active locals, in declaration order; `nactvar <= freereg`;
//!   temporaries live in `nactvar..freereg` and are released in stack order.
//! - `freereg <= max_stack < MAXREGS` (checked by [`FuncState::check_stack`]).
//! - `actvar[i]` is the `locvars` entry of the local in register `i`.
//! - `blocks` is the stack of open blocks; a block's `nactvar` is the number of locals
//!   active when it opened, and `upval` says one of its locals is captured by a closure
//!   (so leaving the block needs a `CLOSE`).
//! - `jpc` lists jumps to the next instruction to be emitted; they are patched when it is
//!   emitted (`dischargejpc`), which lets jumps to a jump be threaded.
//! - `last_target` is the last pc that is a jump target (if any): peephole merges
//!   (`LOADNIL`) never reach across it.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use super::expdesc::{ExpDesc, ExpKind, JumpList};
use super::Error;
use crate::bytecode::{Const, Instr, LocVar, Op, ProtoDesc, MAXARG_BX, MAXREGS};

/// Largest number of active locals per function (`LUAI_MAXVARS`).
pub(crate) const MAX_VARS: u32 = 200;
/// Largest number of upvalues per function (`LUAI_MAXUPVALUES`).
pub(crate) const MAX_UPVALS: u32 = 60;

/// A block (`BlockCnt`).
#[derive(Clone, Debug)]
pub(crate) struct Block {
    /// Jumps of `break` statements out of this block (loops only).
    pub breaklist: JumpList,
    /// Active locals outside the block.
    pub nactvar: u32,
    /// Some local of this block is captured as an upvalue.
    pub upval: bool,
    /// A loop: `break` leaves it.
    pub breakable: bool,
    /// First of `labels` declared in this block.
    pub first_label: usize,
    /// First of `gotos` pending in this block (or moved out of nested ones).
    pub first_goto: usize,
}

/// A label, or a pending forward `goto` (`Labeldesc` of 5.2).
#[derive(Clone, Debug)]
pub(crate) struct LabelDesc {
    /// The label's name.
    pub name: Vec<u8>,
    /// The label's position, or the goto's `JMP`.
    pub pc: usize,
    /// Source line.
    pub line: u32,
    /// Active locals at that point.
    pub nactvar: u32,
}

/// Where an upvalue of this function comes from in the enclosing one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UpvalSource {
    /// A local in that register of the enclosing function.
    Local(u32),
    /// That upvalue of the enclosing function.
    Upval(u32),
}

/// Constant-table keys: numbers by bit pattern, so `0` and `-0` stay distinct.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum ConstKey {
    Nil,
    Bool(bool),
    Num(u64),
    Str(Vec<u8>),
}

/// See the module docs.
pub(crate) struct FuncState {
    pub f: ProtoDesc,
    pub freereg: u32,
    pub nactvar: u32,
    pub actvar: Vec<u32>,
    pub blocks: Vec<Block>,
    pub upvals: Vec<UpvalSource>,
    /// Labels of the open blocks (see `labels.rs`).
    pub labels: Vec<LabelDesc>,
    /// Forward `goto`s not yet resolved.
    pub gotos: Vec<LabelDesc>,
    pub jpc: JumpList,
    pub last_target: Option<usize>,
    /// Line attributed to the instructions emitted now (the lexer's last consumed line).
    pub line: u32,
    kcache: BTreeMap<ConstKey, u32>,
}

impl FuncState {
    /// A fresh function for `source`.
    pub fn new(source: &str, line: u32) -> FuncState {
        FuncState {
            f: ProtoDesc {
                source: alloc::string::String::from(source),
                max_stack: 2,
                ..ProtoDesc::default()
            },
            freereg: 0,
            nactvar: 0,
            actvar: Vec::new(),
            blocks: Vec::new(),
            upvals: Vec::new(),
            labels: Vec::new(),
            gotos: Vec::new(),
            jpc: None,
            last_target: None,
            line,
            kcache: BTreeMap::new(),
        }
    }

    /// The next pc.
    #[inline]
    pub fn pc(&self) -> usize {
        self.f.code.len()
    }

    /// The error for exceeding `limit` `what`s (`errorlimit`).
    pub fn limit_error(&self, limit: u32, what: &str) -> Error {
        Error::bare(if self.f.line_defined == 0 {
            alloc::format!("main function has more than {} {}", limit, what)
        } else {
            alloc::format!(
                "function at line {} has more than {} {}",
                self.f.line_defined,
                limit,
                what
            )
        })
    }

    // ---- instructions ----

    /// Emits `i`, patching pending jumps to it first. Returns its pc.
    pub fn emit(&mut self, i: Instr) -> Result<usize, Error> {
        self.discharge_jpc()?;
        self.f.code.push(i);
        self.f.lines.push(self.line);
        Ok(self.f.code.len() - 1)
    }

    /// Emits an iABC instruction.
    pub fn emit_abc(&mut self, op: Op, a: u32, b: u32, c: u32) -> Result<usize, Error> {
        debug_assert!(a <= crate::bytecode::MAXARG_A && b <= crate::bytecode::MAXARG_B);
        self.emit(Instr::abc(op, a, b, c))
    }

    /// Emits an iABx instruction.
    pub fn emit_abx(&mut self, op: Op, a: u32, bx: u32) -> Result<usize, Error> {
        self.emit(Instr::abx(op, a, bx))
    }

    /// Emits an iAsBx instruction.
    pub fn emit_asbx(&mut self, op: Op, a: u32, sbx: i32) -> Result<usize, Error> {
        self.emit(Instr::asbx(op, a, sbx))
    }

    /// The instruction at `pc`.
    #[inline]
    pub fn code_at(&mut self, pc: usize) -> &mut Instr {
        &mut self.f.code[pc]
    }

    /// Gives the last instruction line `line` (`luaK_fixline`).
    pub fn fix_line(&mut self, line: u32) {
        if let Some(l) = self.f.lines.last_mut() {
            *l = line;
        }
    }

    /// Marks the next pc as a jump target and returns it (`luaK_getlabel`).
    pub fn get_label(&mut self) -> usize {
        self.last_target = Some(self.pc());
        self.pc()
    }

    // ---- registers ----

    /// Ensures `n` more registers above `freereg` fit (`luaK_checkstack`).
    pub fn check_stack(&mut self, n: u32) -> Result<(), Error> {
        let newstack = self.freereg + n;
        if newstack > self.f.max_stack as u32 {
            if newstack >= MAXREGS {
                return Err(Error::syntax("function or expression too complex"));
            }
            self.f.max_stack = newstack as u8;
        }
        Ok(())
    }

    /// Reserves `n` registers.
    pub fn reserve_regs(&mut self, n: u32) -> Result<(), Error> {
        self.check_stack(n)?;
        self.freereg += n;
        Ok(())
    }

    /// Releases `reg` if it is a temporary (it must be the top one).
    pub fn free_reg(&mut self, reg: u32) {
        if !crate::bytecode::is_k(reg) && reg >= self.nactvar {
            self.freereg -= 1;
            debug_assert_eq!(reg, self.freereg);
        }
    }

    /// Releases the register of `e` if it holds a temporary.
    pub fn free_exp(&mut self, e: &ExpDesc) {
        if let ExpKind::NonReloc(r) = e.k {
            self.free_reg(r);
        }
    }

    // ---- constants ----

    fn add_k(&mut self, key: ConstKey, v: Const) -> Result<u32, Error> {
        if let Some(&i) = self.kcache.get(&key) {
            return Ok(i);
        }
        let i = self.f.consts.len() as u32;
        if i >= MAXARG_BX {
            return Err(Error::bare("constant table overflow"));
        }
        self.f.consts.push(v);
        self.kcache.insert(key, i);
        Ok(i)
    }

    /// The index of string constant `s`.
    pub fn string_k(&mut self, s: &[u8]) -> Result<u32, Error> {
        self.add_k(ConstKey::Str(s.to_vec()), Const::Str(s.to_vec()))
    }

    /// The index of number constant `n`.
    pub fn number_k(&mut self, n: f64) -> Result<u32, Error> {
        self.add_k(ConstKey::Num(n.to_bits()), Const::Num(n))
    }

    /// The index of boolean constant `b`.
    pub fn bool_k(&mut self, b: bool) -> Result<u32, Error> {
        self.add_k(ConstKey::Bool(b), Const::Bool(b))
    }

    /// The index of the `nil` constant.
    pub fn nil_k(&mut self) -> Result<u32, Error> {
        self.add_k(ConstKey::Nil, Const::Nil)
    }

    // ---- locals, blocks, upvalues ----

    /// Records a new local variable's debug entry; returns its index.
    pub fn register_local(&mut self, name: &[u8]) -> u32 {
        self.f.locvars.push(LocVar {
            name: name.to_vec(),
            start_pc: 0,
            end_pc: 0,
        });
        (self.f.locvars.len() - 1) as u32
    }

    /// The debug entry of the local in register `reg`.
    pub fn local_var(&mut self, reg: u32) -> &mut LocVar {
        let idx = self.actvar[reg as usize] as usize;
        &mut self.f.locvars[idx]
    }

    /// The register of the active local named `name`, innermost first (`searchvar`).
    pub fn search_var(&self, name: &[u8]) -> Option<u32> {
        (0..self.nactvar)
            .rev()
            .find(|&r| self.f.locvars[self.actvar[r as usize] as usize].name == name)
    }

    /// Marks the block declaring register `level` as holding a captured local.
    pub fn mark_upval(&mut self, level: u32) {
        if let Some(bl) = self.blocks.iter_mut().rev().find(|bl| bl.nactvar <= level) {
            bl.upval = true;
        }
    }

    /// The index of the upvalue `name` coming from `src`, added if new (`indexupvalue`).
    pub fn index_upvalue(&mut self, name: &[u8], src: UpvalSource) -> Result<u32, Error> {
        if let Some(i) = self.upvals.iter().position(|&u| u == src) {
            return Ok(i as u32);
        }
        if self.upvals.len() as u32 + 1 > MAX_UPVALS {
            return Err(self.limit_error(MAX_UPVALS, "upvalues"));
        }
        self.upvals.push(src);
        self.f.upval_names.push(name.to_vec());
        Ok(self.upvals.len() as u32 - 1)
    }

    /// Activates the last `n` declared locals (`adjustlocalvars`).
    pub fn adjust_local_vars(&mut self, n: u32) {
        let pc = self.pc() as u32;
        for _ in 0..n {
            self.nactvar += 1;
            let r = self.nactvar - 1;
            self.local_var(r).start_pc = pc;
        }
    }

    /// Deactivates locals down to `to_level` (`removevars`).
    pub fn remove_vars(&mut self, to_level: u32) {
        let pc = self.pc() as u32;
        while self.nactvar > to_level {
            self.nactvar -= 1;
            let r = self.nactvar;
            self.local_var(r).end_pc = pc;
        }
        self.actvar.truncate(self.nactvar as usize);
    }

    /// Opens a block.
    pub fn enter_block(&mut self, breakable: bool) {
        debug_assert_eq!(self.freereg, self.nactvar);
        self.blocks.push(Block {
            breaklist: None,
            nactvar: self.nactvar,
            upval: false,
            breakable,
            first_label: self.labels.len(),
            first_goto: self.gotos.len(),
        });
    }

    /// Closes the innermost block: ends its locals, closes captured ones, frees registers
    /// and lands its `break`s here.
    pub fn leave_block(&mut self) -> Result<(), Error> {
        let Some(bl) = self.blocks.pop() else {
            return Ok(());
        };
        self.remove_vars(bl.nactvar);
        if bl.upval {
            self.emit_abc(Op::CLOSE, bl.nactvar, 0, 0)?;
        }
        self.move_gotos_out(&bl)?;
        self.freereg = self.nactvar;
        self.patch_to_here(bl.breaklist)?;
        Ok(())
    }
}

impl FuncState {
    /// Declares local `name` as the `n`-th of a group not yet active (`new_localvar`).
    pub fn declare_local(&mut self, name: &[u8], n: u32) -> Result<(), Error> {
        if self.nactvar + n + 1 > MAX_VARS {
            return Err(self.limit_error(MAX_VARS, "local variables"));
        }
        let idx = self.register_local(name);
        let slot = (self.nactvar + n) as usize;
        if self.actvar.len() <= slot {
            self.actvar.resize(slot + 1, 0);
        }
        self.actvar[slot] = idx;
        Ok(())
    }
}
