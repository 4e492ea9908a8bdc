//! A bytecode listing in the style of `luac -l -l` (5.1's `print.c`), for tests and
//! `-jdump`. Deterministic: nested functions are named by their position, never by address.
//!
//! Operands print as `luac` prints them: constants in RK and Bx operands as `-1 - index`,
//! jump targets as `; to N` (1-based pcs), constants quoted in a trailing comment.

use alloc::format;
use alloc::string::String;
use core::fmt::Write;

use crate::bytecode::{index_k, is_k, ArgMode, Const, Format, Op, ProtoDesc};

/// The listing of `p` and, after it, of its nested functions (depth first).
pub fn listing(p: &ProtoDesc) -> String {
    let mut out = String::new();
    list_function(p, &mut out, "0");
    out
}

fn source_name(p: &ProtoDesc) -> &str {
    let s = p.source.as_str();
    if let Some(r) = s.strip_prefix('@').or_else(|| s.strip_prefix('=')) {
        r
    } else {
        "(string)"
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn list_function(p: &ProtoDesc, out: &mut String, id: &str) {
    let n = p.code.len();
    let _ = writeln!(
        out,
        "{} {} <{}:{},{}> ({} instruction{})",
        if p.line_defined == 0 {
            "main"
        } else {
            "function"
        },
        id,
        source_name(p),
        p.line_defined,
        p.last_line_defined,
        n,
        plural(n)
    );
    let np = p.num_params as usize;
    let _ = writeln!(
        out,
        "{}{} param{}, {} slot{}, {} upvalue{}, {} local{}, {} constant{}, {} function{}",
        np,
        if p.is_vararg { "+" } else { "" },
        plural(np),
        p.max_stack,
        plural(p.max_stack as usize),
        p.num_upvals,
        plural(p.num_upvals as usize),
        p.locvars.len(),
        plural(p.locvars.len()),
        p.consts.len(),
        plural(p.consts.len()),
        p.protos.len(),
        plural(p.protos.len())
    );
    let mut pc = 0;
    while pc < n {
        pc = list_instruction(p, pc, out, id) + 1;
    }
    let _ = writeln!(out, "constants ({})", p.consts.len());
    for (i, k) in p.consts.iter().enumerate() {
        let _ = writeln!(out, "\t{}\t{}", i + 1, const_text(k));
    }
    let _ = writeln!(out, "locals ({})", p.locvars.len());
    for (i, lv) in p.locvars.iter().enumerate() {
        let _ = writeln!(
            out,
            "\t{}\t{}\t{}\t{}",
            i,
            String::from_utf8_lossy(&lv.name),
            lv.start_pc + 1,
            lv.end_pc + 1
        );
    }
    let _ = writeln!(out, "upvalues ({})", p.upval_names.len());
    for (i, u) in p.upval_names.iter().enumerate() {
        let _ = writeln!(out, "\t{}\t{}", i, String::from_utf8_lossy(u));
    }
    for (i, f) in p.protos.iter().enumerate() {
        list_function(f, out, &format!("{}.{}", id, i));
    }
}

/// Prints the instruction at `pc`; returns the pc of the last word it used.
fn list_instruction(p: &ProtoDesc, pc: usize, out: &mut String, id: &str) -> usize {
    let i = p.code[pc];
    let line = p.lines.get(pc).copied().unwrap_or(0);
    let Some(op) = Op::from_u8(i.op_u8()) else {
        let _ = writeln!(out, "\t{}\t[{}]\t<bad opcode {}>", pc + 1, line, i.op_u8());
        return pc;
    };
    let (a, b, c) = (i.a(), i.b(), i.c());
    // Like luac, but only operands that can be constants print as `-1 - index`.
    let operand = |x: u32, mode: ArgMode| {
        if mode == ArgMode::K && is_k(x) {
            -1 - index_k(x) as i64
        } else {
            x as i64
        }
    };
    let mut text = format!("\t{}\t[{}]\t{:<9}\t", pc + 1, line, op.name());
    match op.format() {
        Format::ABC => {
            text += &format!("{}", a);
            if op.b_mode() != ArgMode::N {
                text += &format!(" {}", operand(b, op.b_mode()));
            }
            if op.c_mode() != ArgMode::N {
                text += &format!(" {}", operand(c, op.c_mode()));
            }
        }
        Format::ABx => {
            let bx = i.bx() as i64;
            text += &format!(
                "{} {}",
                a,
                if op.b_mode() == ArgMode::K {
                    -1 - bx
                } else {
                    bx
                }
            );
        }
        Format::AsBx => {
            if op == Op::JMP {
                text += &format!("{}", i.sbx());
            } else {
                text += &format!("{} {}", a, i.sbx());
            }
        }
    }
    // Constant `n` (a Bx index), and the constant of RK operand `x`.
    let kn = |n: u32| match p.consts.get(n as usize) {
        Some(k) => const_text(k),
        None => String::from("?"),
    };
    let k = |x: u32| kn(index_k(x));
    let mut last = pc;
    match op {
        Op::LOADK => text += &format!("\t; {}", kn(i.bx())),
        Op::GETUPVAL | Op::SETUPVAL => {
            let name = p
                .upval_names
                .get(b as usize)
                .map_or(String::from("-"), |n| {
                    String::from_utf8_lossy(n).into_owned()
                });
            text += &format!("\t; {}", name);
        }
        Op::GETGLOBAL | Op::SETGLOBAL => match p.consts.get(i.bx() as usize) {
            Some(Const::Str(s)) => text += &format!("\t; {}", String::from_utf8_lossy(s)),
            _ => text += "\t; ?",
        },
        Op::GETTABLE | Op::SELF if is_k(c) => text += &format!("\t; {}", k(c)),
        Op::SETTABLE
        | Op::ADD
        | Op::SUB
        | Op::MUL
        | Op::DIV
        | Op::MOD
        | Op::POW
        | Op::EQ
        | Op::LT
        | Op::LE
            if is_k(b) || is_k(c) =>
        {
            let kb = if is_k(b) { k(b) } else { String::from("-") };
            let kc = if is_k(c) { k(c) } else { String::from("-") };
            text += &format!("\t; {} {}", kb, kc);
        }
        Op::JMP | Op::FORLOOP | Op::FORPREP | Op::TFORLOOP | Op::LOOP => {
            text += &format!("\t; to {}", i.sbx() as i64 + pc as i64 + 2);
        }
        Op::CLOSURE => text += &format!("\t; {}.{}", id, i.bx()),
        Op::SETLIST => {
            if c == 0 {
                last = pc + 1;
                text += &format!("\t; {}", p.code.get(pc + 1).map_or(0, |w| w.0));
            } else {
                text += &format!("\t; {}", c);
            }
        }
        _ => {}
    }
    out.push_str(&text);
    out.push('\n');
    last
}

/// A constant as `luac` prints it: numbers with `%.14g`, strings quoted with escapes.
fn const_text(k: &Const) -> String {
    match k {
        Const::Nil => String::from("nil"),
        Const::Bool(b) => String::from(if *b { "true" } else { "false" }),
        Const::Num(n) => crate::number::number_to_string(*n),
        Const::Str(s) => {
            let mut t = String::from("\"");
            for &c in s {
                match c {
                    b'"' => t += "\\\"",
                    b'\\' => t += "\\\\",
                    0x07 => t += "\\a",
                    0x08 => t += "\\b",
                    0x0c => t += "\\f",
                    b'\n' => t += "\\n",
                    b'\r' => t += "\\r",
                    b'\t' => t += "\\t",
                    0x0b => t += "\\v",
                    c if c.is_ascii_graphic() || c == b' ' => t.push(c as char),
                    c => t += &format!("\\{:03}", c),
                }
            }
            t.push('"');
            t
        }
    }
}
