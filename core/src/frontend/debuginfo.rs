//! Naming the variable a register holds, for runtime error messages ("attempt to index
//! local 't'", "global 'f'", "field 'x'", "upvalue 'u'", "method 'm'"), as 5.1's
//! `getobjname` does with its symbolic execution (`symbexec`).
//!
//! Invariant relied on: the code comes from this compiler, so it is well formed (every
//! test is followed by a `JMP`, `CLOSURE` by its pseudo-instructions, jumps land inside the
//! function); the scan still never indexes out of bounds if it is not.

use alloc::string::String;

use crate::bytecode::{index_k, is_k, Const, Instr, Op, ProtoDesc};

/// The name of the active local in register `reg` at `pc` (`luaF_getlocalname`), if any.
pub fn local_name(p: &ProtoDesc, reg: u32, pc: usize) -> Option<&[u8]> {
    let mut n = reg + 1;
    for lv in p.locvars.iter().take_while(|lv| lv.start_pc as usize <= pc) {
        if pc < lv.end_pc as usize {
            n -= 1;
            if n == 0 {
                return Some(&lv.name);
            }
        }
    }
    None
}

/// The last instruction before `lastpc` that set `reg`, following forward jumps that do
/// not skip `lastpc` (the tracing part of `symbexec`); `None` if nothing did.
fn last_setter(p: &ProtoDesc, lastpc: usize, reg: u32) -> Option<Instr> {
    let code = &p.code;
    let mut last = None;
    let mut pc = 0;
    let end = lastpc.min(code.len());
    while pc < end {
        let i = code[pc];
        let op = Op::from_u8(i.op_u8())?;
        let (a, b, c) = (i.a(), i.b(), i.c());
        if op.sets_a() && a == reg {
            last = Some(pc);
        }
        match op {
            Op::LOADNIL if a <= reg && reg <= b => last = Some(pc),
            Op::SELF if reg == a + 1 => last = Some(pc),
            Op::CALL | Op::TAILCALL if reg >= a => last = Some(pc),
            Op::TFORCALL if reg >= a + 3 => last = Some(pc),
            Op::JMP | Op::FORPREP => {
                let dest = pc as i64 + 1 + i.sbx() as i64;
                if (pc as i64) < dest && dest <= lastpc as i64 {
                    pc = (dest - 1) as usize;
                }
            }
            Op::SETLIST if c == 0 => pc += 1,
            Op::CLOSURE => {
                pc += p
                    .protos
                    .get(i.bx() as usize)
                    .map_or(0, |f| f.num_upvals as usize);
            }
            _ => {}
        }
        pc += 1;
    }
    last.and_then(|pc| code.get(pc).copied())
}

fn const_name(p: &ProtoDesc, rk: u32) -> String {
    if is_k(rk) {
        if let Some(Const::Str(s)) = p.consts.get(index_k(rk) as usize) {
            return super::lexer::bytes_to_string(s);
        }
    }
    String::from("?")
}

/// What register `reg` holds when the instruction at `pc` runs, as 5.1 names it: the kind
/// (`"local"`, `"global"`, `"field"`, `"upvalue"`, `"method"`) and the name.
pub fn get_obj_name(p: &ProtoDesc, pc: usize, reg: u32) -> Option<(&'static str, String)> {
    let mut reg = reg;
    // Each step follows a MOVE to a lower register, so this terminates; bound it anyway.
    for _ in 0..=crate::bytecode::MAXREGS {
        if let Some(n) = local_name(p, reg, pc) {
            return Some(("local", super::lexer::bytes_to_string(n)));
        }
        let i = last_setter(p, pc, reg)?;
        match Op::from_u8(i.op_u8())? {
            Op::GETGLOBAL => {
                return match p.consts.get(i.bx() as usize) {
                    Some(Const::Str(s)) => Some(("global", super::lexer::bytes_to_string(s))),
                    _ => None,
                }
            }
            Op::MOVE if i.b() < i.a() => reg = i.b(),
            Op::GETTABLE => return Some(("field", const_name(p, i.c()))),
            Op::GETUPVAL => {
                let name = p
                    .upval_names
                    .get(i.b() as usize)
                    .map_or(String::from("?"), |n| super::lexer::bytes_to_string(n));
                return Some(("upvalue", name));
            }
            Op::SELF => return Some(("method", const_name(p, i.c()))),
            _ => return None,
        }
    }
    None
}
