//! Debug information for errors: source positions, variable names by symbolic execution
//! (as PUC Lua 5.1's `ldebug.c` `getobjname`), chunk ids and tracebacks.
//!
//! The name finder here is the runtime's own minimal version (`local_get_obj_name`); the
//! front end's `frontend::debuginfo` can replace it behind [`obj_name`].

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::bytecode::{index_k, is_k, Const, Op, ProtoDesc};
use crate::gc::GcHeader;
use crate::gc::Kind;
use crate::object::{FrameKind, LuaFunction, NativeFunction};
use crate::value::Value;
use crate::vm::Vm;

/// `luaO_chunkid`: the printable name of a chunk.
pub fn chunkid(source: &str) -> String {
    const IDSIZE: usize = 60;
    if let Some(rest) = source.strip_prefix('=') {
        rest.chars().take(IDSIZE - 1).collect()
    } else if let Some(rest) = source.strip_prefix('@') {
        if rest.len() > IDSIZE - 1 {
            let tail: String = rest
                .chars()
                .rev()
                .take(IDSIZE - 4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("...{tail}")
        } else {
            String::from(rest)
        }
    } else {
        let line = source.split(['\n', '\r']).next().unwrap_or("");
        let max = IDSIZE - 15;
        let truncated = line.len() < source.len() || line.len() > max;
        let mut l: String = line.chars().take(max).collect();
        if truncated {
            l.push_str("...");
        }
        format!("[string \"{l}\"]")
    }
}

/// The kind and name of the value in register `reg` just before `pc` executes
/// ("local", "global", "field", "upvalue", "method").
pub fn obj_name(p: &ProtoDesc, pc: usize, reg: u32) -> Option<(&'static str, String)> {
    local_get_obj_name(p, pc, reg, 0)
}

fn const_str(p: &ProtoDesc, k: u32) -> Option<String> {
    match p.consts.get(k as usize) {
        Some(Const::Str(s)) => Some(String::from_utf8_lossy(s).into_owned()),
        _ => None,
    }
}

/// Name of the local in register `reg` at `pc` (`luaF_getlocalname`).
pub fn local_name(p: &ProtoDesc, reg: u32, pc: usize) -> Option<String> {
    let mut n = reg as i64 + 1;
    for lv in &p.locvars {
        if lv.start_pc as usize > pc {
            break;
        }
        if pc < lv.end_pc as usize {
            n -= 1;
            if n == 0 {
                return Some(String::from_utf8_lossy(&lv.name).into_owned());
            }
        }
    }
    None
}

/// Finds the instruction that last set `reg` before `lastpc` (`symbexec`, simplified:
/// forward jumps that land before `lastpc` skip the code they jump over).
fn find_setter(p: &ProtoDesc, lastpc: usize, reg: u32) -> Option<usize> {
    let mut last = None;
    let mut pc = 0;
    while pc < lastpc && pc < p.code.len() {
        let i = p.code[pc];
        let a = i.a();
        let sets = match i.op() {
            Op::LOADNIL => a <= reg && reg <= i.b(),
            Op::CALL | Op::TAILCALL => reg >= a,
            Op::TFORCALL => reg >= a + 3,
            Op::JMP => {
                let dest = pc as i64 + 1 + i.sbx() as i64;
                if dest > pc as i64 && (dest as usize) <= lastpc {
                    pc = dest as usize;
                    continue;
                }
                false
            }
            Op::SELF => reg == a || reg == a + 1,
            op if op.sets_a() => a == reg,
            _ => false,
        };
        if sets {
            last = Some(pc);
        }
        pc += 1;
    }
    last
}

fn local_get_obj_name(
    p: &ProtoDesc,
    pc: usize,
    reg: u32,
    depth: u32,
) -> Option<(&'static str, String)> {
    if let Some(n) = local_name(p, reg, pc) {
        return Some(("local", n));
    }
    if depth > 8 {
        return None;
    }
    let spc = find_setter(p, pc, reg)?;
    let i = p.code[spc];
    match i.op() {
        Op::GETGLOBAL => const_str(p, i.bx()).map(|n| ("global", n)),
        Op::MOVE => {
            let (a, b) = (i.a(), i.b());
            if b < a {
                local_get_obj_name(p, spc, b, depth + 1)
            } else {
                None
            }
        }
        Op::GETTABLE => {
            let c = i.c();
            if is_k(c) {
                const_str(p, index_k(c)).map(|n| ("field", n))
            } else {
                None
            }
        }
        Op::GETUPVAL => p
            .upval_names
            .get(i.b() as usize)
            .map(|n| ("upvalue", String::from_utf8_lossy(n).into_owned()))
            .or(Some(("upvalue", String::from("?")))),
        Op::SELF => {
            let c = i.c();
            if is_k(c) {
                const_str(p, index_k(c)).map(|n| ("method", n))
            } else {
                None
            }
        }
        _ => None,
    }
}

impl Vm {
    /// Source name (chunkid) and current line of Lua frame `i` of the running thread.
    pub(crate) fn frame_line(&self, i: usize) -> Option<(String, u32)> {
        let th = self.th();
        let f = th.frames.get(i)?;
        let p = self.frame_proto(th.stack[f.func])?;
        let pc = f.pc.saturating_sub(1);
        let line = p.lines.get(pc).copied().unwrap_or(0);
        Some((chunkid(&p.source), line))
    }

    fn frame_proto(&self, fv: Value) -> Option<&ProtoDesc> {
        if !fv.is_func() {
            return None;
        }
        // SAFETY: a function value points to a live function object whose header says
        // which kind it is; a Lua function's proto is live while the function is.
        unsafe {
            if (*fv.ptr::<GcHeader>()).kind != Kind::LuaFn {
                return None;
            }
            Some(&(*(*fv.ptr::<LuaFunction>()).proto).desc)
        }
    }

    /// Name of the value in register `reg` of the running Lua frame, if it has one.
    pub(crate) fn reg_name(&self, reg: u32) -> Option<(&'static str, String)> {
        let th = self.th();
        let f = th.frames.last()?;
        if f.kind != FrameKind::Lua {
            return None;
        }
        let p = self.frame_proto(th.stack[f.func])?;
        obj_name(p, f.pc.saturating_sub(1), reg)
    }

    /// Name of the running native function (for argument errors).
    pub(crate) fn current_native_name(&self) -> &'static str {
        let th = self.th();
        match th.frames.last() {
            Some(f) if f.kind == FrameKind::Native => {
                let fv = th.stack[f.func];
                if fv.is_func() {
                    // SAFETY: a function value's header tells its kind.
                    unsafe {
                        if (*fv.ptr::<GcHeader>()).kind == Kind::NativeFn {
                            return (*fv.ptr::<NativeFunction>()).name;
                        }
                    }
                }
                "?"
            }
            _ => "?",
        }
    }

    /// How the function of frame `i` was called: `Some("f")` from the caller's
    /// `CALL` instruction (`getfuncname`).
    fn frame_func_name(&self, i: usize) -> Option<String> {
        let th = self.th();
        let f = th.frames.get(i)?;
        if f.tailcalls > 0 {
            return None;
        }
        let caller = th.frames.get(i.checked_sub(1)?)?;
        if caller.kind != FrameKind::Lua {
            return None;
        }
        let p = self.frame_proto(th.stack[caller.func])?;
        let pc = caller.pc.checked_sub(1)?;
        let ins = *p.code.get(pc)?;
        match ins.op() {
            Op::CALL | Op::TAILCALL | Op::TFORCALL => obj_name(p, pc, ins.a()).map(|(_, n)| n),
            _ => None,
        }
    }

    /// A 5.1-style traceback of the running thread ("stack traceback:\n\t...").
    pub fn traceback(&self) -> String {
        let th = self.th();
        let mut s = String::from("stack traceback:");
        let n = th.frames.len();
        let mut shown = 0;
        for i in (0..n).rev() {
            let f = th.frames[i];
            if f.kind == FrameKind::Pcall || f.kind == FrameKind::Xpcall {
                s.push_str("\n\t[C]: in function '");
                s.push_str(if f.kind == FrameKind::Pcall {
                    "pcall"
                } else {
                    "xpcall"
                });
                s.push('\'');
                continue;
            }
            shown += 1;
            if shown > 22 && i > 11 {
                if shown == 23 {
                    s.push_str("\n\t...");
                }
                continue;
            }
            let name = self.frame_func_name(i);
            if f.kind == FrameKind::Native {
                let nm = name.unwrap_or_else(|| {
                    let fv = th.stack[f.func];
                    // SAFETY: a native frame's function slot holds a native function.
                    unsafe {
                        if fv.is_func() && (*fv.ptr::<GcHeader>()).kind == Kind::NativeFn {
                            String::from((*fv.ptr::<NativeFunction>()).name)
                        } else {
                            String::from("?")
                        }
                    }
                });
                s.push_str(&format!("\n\t[C]: in function '{nm}'"));
                continue;
            }
            let (src, line) = self.frame_line(i).unwrap_or((String::from("?"), 0));
            let p = self.frame_proto(th.stack[f.func]);
            let what = match (name, p) {
                (Some(n), _) => format!("in function '{n}'"),
                (None, Some(p)) if p.line_defined == 0 => String::from("in main chunk"),
                (None, Some(p)) => {
                    format!("in function <{}:{}>", chunkid(&p.source), p.line_defined)
                }
                _ => String::from("?"),
            };
            s.push_str(&format!("\n\t{src}:{line}: {what}"));
            if f.tailcalls > 0 {
                s.push_str("\n\t(tail call): ?");
            }
        }
        s.push_str("\n\t[C]: ?");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunkids() {
        assert_eq!(chunkid("=stdin"), "stdin");
        assert_eq!(chunkid("@foo.lua"), "foo.lua");
        assert_eq!(chunkid("x = 1"), "[string \"x = 1\"]");
        assert_eq!(chunkid("x = 1\ny = 2"), "[string \"x = 1...\"]");
    }
}
