//! Jumps and patch lists (the jump half of 5.1's `lcode.c`).
//!
//! Invariants:
//! - A patch list is a chain of `JMP` instructions (or `FORPREP`/`FORLOOP`/`TFORLOOP`,
//!   which share the sBx field) not yet pointing at their target: each one's sBx is the
//!   offset to the next in the list, and `NO_JUMP` (-1) ends the list. A jump is only ever
//!   patched to its final target once its list is complete.
//! - A jump whose previous instruction is a test (`EQ`, `LT`, `LE`, `TEST`, `TESTSET`) is
//!   controlled by it; `TESTSET` lets a patch choose between keeping the tested value in a
//!   register (value target) or becoming a plain `TEST` (other targets).
//! - Backward jumps exist only as loop back-edges (`LOOP`, `FORLOOP`, `TFORLOOP`); every `JMP`
//!   the compiler emits points forward.

use super::expdesc::JumpList;
use super::funcstate::FuncState;
use super::Error;
use crate::bytecode::{Instr, Op, MAXARG_A, MAXARG_SBX};

/// The sBx that ends a patch list.
const NO_JUMP: i32 = -1;
/// "No register" for `TESTSET` patching.
pub(crate) const NO_REG: u32 = MAXARG_A;

impl FuncState {
    /// Points the jump at `pc` to `dest`.
    fn fix_jump(&mut self, pc: usize, dest: usize) -> Result<(), Error> {
        let offset = dest as i64 - (pc as i64 + 1);
        if offset.abs() > MAXARG_SBX as i64 {
            return Err(Error::syntax("control structure too long"));
        }
        self.f.code[pc].set_sbx(offset as i32);
        Ok(())
    }

    /// The next jump in the list after the one at `pc`.
    fn get_jump(&self, pc: usize) -> JumpList {
        let offset = self.f.code[pc].sbx();
        if offset == NO_JUMP {
            None
        } else {
            Some((pc as i64 + 1 + offset as i64) as usize)
        }
    }

    /// The pc of the instruction that controls the jump at `pc`.
    fn jump_control(&self, pc: usize) -> usize {
        if pc >= 1 && self.f.code[pc - 1].op().is_test() {
            pc - 1
        } else {
            pc
        }
    }

    /// Emits a `JMP` to be patched, carrying the jumps pending to here (`luaK_jump`).
    pub fn jump(&mut self) -> Result<usize, Error> {
        let pending = self.jpc.take();
        let j = self.emit_asbx(Op::JMP, 0, NO_JUMP)?;
        let mut list = Some(j);
        self.concat(&mut list, pending)?;
        Ok(j)
    }

    /// Emits test `op` and its jump; returns the jump (`condjump`).
    pub fn cond_jump(&mut self, op: Op, a: u32, b: u32, c: u32) -> Result<usize, Error> {
        self.emit_abc(op, a, b, c)?;
        self.jump()
    }

    /// Appends list `l2` to list `l1`.
    pub fn concat(&mut self, l1: &mut JumpList, l2: JumpList) -> Result<(), Error> {
        let Some(l2) = l2 else { return Ok(()) };
        match *l1 {
            None => *l1 = Some(l2),
            Some(mut list) => {
                while let Some(next) = self.get_jump(list) {
                    list = next;
                }
                self.fix_jump(list, l2)?;
            }
        }
        Ok(())
    }

    /// Lets the `TESTSET` controlling the jump at `node` store into `reg`, or turns it into a
    /// `TEST`. False if the jump is not controlled by a `TESTSET`.
    fn patch_test_reg(&mut self, node: usize, reg: u32) -> bool {
        let pc = self.jump_control(node);
        let i = self.f.code[pc];
        if i.op() != Op::TESTSET {
            return false;
        }
        if reg != NO_REG && reg != i.b() {
            self.f.code[pc].set_a(reg);
        } else {
            self.f.code[pc] = Instr::abc(Op::TEST, i.b(), 0, i.c());
        }
        true
    }

    /// Turns every `TESTSET` of `list` into a `TEST` (`removevalues`).
    pub fn remove_values(&mut self, mut list: JumpList) {
        while let Some(pc) = list {
            self.patch_test_reg(pc, NO_REG);
            list = self.get_jump(pc);
        }
    }

    /// True if some jump of `list` needs the value (is not a `TESTSET`).
    pub fn need_value(&self, mut list: JumpList) -> bool {
        while let Some(pc) = list {
            if self.f.code[self.jump_control(pc)].op() != Op::TESTSET {
                return true;
            }
            list = self.get_jump(pc);
        }
        false
    }

    /// Patches `list`: `TESTSET` jumps store into `reg` and go to `vtarget`, the others go
    /// to `dtarget`.
    pub fn patch_list_aux(
        &mut self,
        mut list: JumpList,
        vtarget: usize,
        reg: u32,
        dtarget: usize,
    ) -> Result<(), Error> {
        while let Some(pc) = list {
            let next = self.get_jump(pc);
            if self.patch_test_reg(pc, reg) {
                self.fix_jump(pc, vtarget)?;
            } else {
                self.fix_jump(pc, dtarget)?;
            }
            list = next;
        }
        Ok(())
    }

    /// Lands the pending jumps on the instruction about to be emitted.
    pub fn discharge_jpc(&mut self) -> Result<(), Error> {
        let pc = self.pc();
        let list = self.jpc.take();
        self.patch_list_aux(list, pc, NO_REG, pc)
    }

    /// Points `list` at the next instruction.
    pub fn patch_to_here(&mut self, list: JumpList) -> Result<(), Error> {
        self.get_label();
        let mut jpc = self.jpc.take();
        self.concat(&mut jpc, list)?;
        self.jpc = jpc;
        Ok(())
    }

    /// Emits a loop back-edge `op` (`LOOP`, or `FORLOOP`/`TFORLOOP` with register `a`) to
    /// `target`.
    pub fn back_edge(&mut self, op: Op, a: u32, target: usize) -> Result<usize, Error> {
        let pc = self.emit_asbx(op, a, NO_JUMP)?;
        self.fix_jump(pc, target)?;
        Ok(pc)
    }
}
