//! A verifier for compiled functions: checks that a [`ProtoDesc`] keeps every promise of the
//! bytecode contract (`crate::bytecode` module docs), so the interpreter and the recorder
//! may rely on them without checks of their own. In the spirit of 5.1's `luaG_checkcode`.
//!
//! [`compile`](super::compile) runs it on its output in debug builds; the tests run it on
//! every function they compile. It never panics, whatever the input.

use alloc::format;
use alloc::string::String;

use crate::bytecode::{index_k, is_k, ArgMode, Const, Format, Instr, Op, ProtoDesc, MAXREGS};

/// Checks `p` and its nested functions; the error names the first broken rule.
pub fn verify(p: &ProtoDesc) -> Result<(), String> {
    let mut stack = alloc::vec![p];
    while let Some(f) = stack.pop() {
        verify_one(f)?;
        stack.extend(f.protos.iter());
    }
    Ok(())
}

fn verify_one(p: &ProtoDesc) -> Result<(), String> {
    let n = p.code.len();
    let ms = p.max_stack as u32;
    let fail = |pc: usize, what: &str| -> Result<(), String> {
        Err(format!("line {} pc {}: {}", p.line_defined, pc, what))
    };
    if p.lines.len() != n {
        return fail(0, "lines and code differ in length");
    }
    if ms > MAXREGS || (p.num_params as u32) > ms {
        return fail(0, "bad frame size");
    }
    if p.upval_names.len() != p.num_upvals as usize {
        return fail(0, "upvalue names and count differ");
    }
    if n == 0 || p.code[n - 1].op_u8() != Op::RETURN as u8 {
        return fail(n, "does not end with RETURN");
    }
    for lv in &p.locvars {
        if lv.start_pc > lv.end_pc || lv.end_pc as usize > n {
            return fail(lv.start_pc as usize, "bad local range");
        }
    }
    let reg = |r: u32| r < ms;
    let rk = |x: u32| {
        if is_k(x) {
            (index_k(x) as usize) < p.consts.len()
        } else {
            x < ms
        }
    };
    let mut pc = 0;
    while pc < n {
        let i = p.code[pc];
        let Some(op) = Op::from_u8(i.op_u8()) else {
            return fail(pc, "bad opcode");
        };
        let (a, b, c) = (i.a(), i.b(), i.c());
        let next = p.code.get(pc + 1).copied();
        let next_op = next.and_then(|x| Op::from_u8(x.op_u8()));
        let target = pc as i64 + 1 + i.sbx() as i64;
        let in_code = |t: i64| t >= 0 && (t as usize) < n;
        // Operands by mode.
        let a_is_reg = !matches!(op, Op::JMP | Op::EQ | Op::LT | Op::LE | Op::LOOP);
        if a_is_reg && !reg(a) {
            return fail(pc, "A out of frame");
        }
        if op.format() == Format::ABC {
            for (x, mode) in [(b, op.b_mode()), (c, op.c_mode())] {
                let ok = match mode {
                    ArgMode::R => reg(x),
                    ArgMode::K => rk(x),
                    ArgMode::N | ArgMode::U => true,
                };
                if !ok {
                    return fail(pc, "B or C out of range");
                }
            }
        }
        if op.format() == Format::ABx
            && op.b_mode() == ArgMode::K
            && i.bx() as usize >= p.consts.len()
        {
            return fail(pc, "constant out of range");
        }
        if op.is_test() && next_op != Some(Op::JMP) {
            return fail(pc, "test not followed by JMP");
        }
        let open = |x: Option<Instr>| -> bool {
            match x.and_then(|x| Op::from_u8(x.op_u8()).map(|o| (o, x))) {
                Some((Op::CALL | Op::TAILCALL | Op::RETURN | Op::SETLIST, x)) => x.b() == 0,
                _ => false,
            }
        };
        match op {
            Op::LOADBOOL if c != 0 && pc + 2 >= n => {
                return fail(pc, "LOADBOOL skips past the end")
            }
            Op::LOADNIL if b < a => return fail(pc, "empty LOADNIL"),
            Op::GETUPVAL | Op::SETUPVAL if b >= p.num_upvals as u32 => {
                return fail(pc, "upvalue out of range")
            }
            Op::GETGLOBAL | Op::SETGLOBAL
                if !matches!(p.consts.get(i.bx() as usize), Some(Const::Str(_))) =>
            {
                return fail(pc, "global name is not a string")
            }
            Op::SELF if !reg(a + 1) => return fail(pc, "SELF out of frame"),
            Op::CONCAT if b >= c => return fail(pc, "CONCAT of fewer than two values"),
            Op::JMP if !(in_code(target) && target > pc as i64) => {
                return fail(pc, "JMP not forward inside the function")
            }
            Op::LOOP if !(in_code(target) && target <= pc as i64) => {
                return fail(pc, "LOOP not backward inside the function")
            }
            Op::FORPREP => {
                let ok = in_code(target) && target > pc as i64 && reg(a + 3) && {
                    let l = p.code[target as usize];
                    l.op_u8() == Op::FORLOOP as u8
                        && l.a() == a
                        && target + 1 + l.sbx() as i64 == pc as i64 + 1
                };
                if !ok {
                    return fail(pc, "FORPREP does not pair with its FORLOOP");
                }
            }
            Op::FORLOOP | Op::TFORLOOP if !(in_code(target) && target <= pc as i64) => {
                return fail(pc, "loop back-edge not backward inside the function")
            }
            Op::TFORCALL => {
                let ok = c >= 1
                    && reg(a + 2 + c)
                    && reg(a + 5)
                    && next_op == Some(Op::TFORLOOP)
                    && next.is_some_and(|x| x.a() == a + 2);
                if !ok {
                    return fail(pc, "bad TFORCALL");
                }
            }
            Op::CALL | Op::TAILCALL => {
                if b != 0 && !reg(a + b - 1) {
                    return fail(pc, "call arguments out of frame");
                }
                if c == 0 && !open(next) {
                    return fail(pc, "open call not consumed");
                }
                if c > 1 && !reg(a + c - 2) {
                    return fail(pc, "call results out of frame");
                }
                if op == Op::TAILCALL && next_op != Some(Op::RETURN) {
                    return fail(pc, "TAILCALL not followed by RETURN");
                }
            }
            Op::RETURN if b > 1 && !reg(a + b - 2) => return fail(pc, "results out of frame"),
            Op::VARARG => {
                if !p.is_vararg {
                    return fail(pc, "VARARG in a fixed-arity function");
                }
                if b == 0 && !open(next) {
                    return fail(pc, "open VARARG not consumed");
                }
                if b > 1 && !reg(a + b - 2) {
                    return fail(pc, "VARARG results out of frame");
                }
            }
            Op::SETLIST => {
                if b > 0 && !reg(a + b) {
                    return fail(pc, "SETLIST out of frame");
                }
                if c == 0 {
                    if pc + 2 >= n {
                        return fail(pc, "SETLIST without its count");
                    }
                    pc += 1;
                }
            }
            Op::CLOSURE => {
                let Some(f) = p.protos.get(i.bx() as usize) else {
                    return fail(pc, "function out of range");
                };
                let nup = f.num_upvals as usize;
                if pc + nup >= n {
                    return fail(pc, "CLOSURE without its upvalues");
                }
                for j in 1..=nup {
                    let u = p.code[pc + j];
                    let ok = match Op::from_u8(u.op_u8()) {
                        Some(Op::MOVE) => reg(u.b()),
                        Some(Op::GETUPVAL) => u.b() < p.num_upvals as u32,
                        _ => false,
                    };
                    if !ok {
                        return fail(pc + j, "bad CLOSURE upvalue");
                    }
                }
                pc += nup;
            }
            _ => {}
        }
        pc += 1;
    }
    Ok(())
}
