//! Debug information for errors: source positions, variable names by symbolic execution
//! (as PUC Lua 5.1's `ldebug.c` `getobjname`), chunk ids and tracebacks.
//!
//! Names come from the front end's symbolic execution (`frontend::debuginfo`).

use alloc::format;
use alloc::string::String;

use crate::bytecode::{Op, ProtoDesc};
use crate::gc::GcHeader;
use crate::gc::Kind;
use crate::object::{frame_below, Frame, FrameKind, LuaFunction, NativeFunction};
use crate::value::Value;
use crate::vm::Vm;

/// `luaO_chunkid`: the printable name of a chunk (the front end's).
pub fn chunkid(source: &str) -> String {
    crate::frontend::chunkid(source)
}

/// The kind and name of the value in register `reg` just before `pc` executes
/// ("local", "global", "field", "upvalue", "method"), as 5.1's `getobjname`.
pub fn obj_name(p: &ProtoDesc, pc: usize, reg: u32) -> Option<(&'static str, String)> {
    crate::frontend::get_obj_name(p, pc, reg)
}

/// How the function of frame `i` was called, from its caller's instruction (5.1's
/// `getfuncname`): the kind ("global", "local", "method", "field", "upvalue", "for
/// iterator", "metamethod") and the name. A metamethod that an instruction called (above
/// a continuation frame) is named after its event, as LuaJIT names it ("__index").
pub(crate) fn call_name(
    frames: &[Frame],
    stack: &[Value],
    i: usize,
) -> Option<(&'static str, String)> {
    let below = frame_below(frames, i)?;
    let caller = frames.get(below)?;
    if !matches!(caller.kind, FrameKind::Lua) {
        return None;
    }
    let fv = stack[caller.func];
    // SAFETY: a Lua frame's function slot holds a live Lua function; its proto is live
    // while the function is on the stack.
    let p = unsafe { &(*(*fv.ptr::<LuaFunction>()).proto).desc };
    let pc = caller.pc.checked_sub(1)?;
    let ins = *p.code.get(pc)?;
    // The handler itself sits right above its continuation, at the same `func` (also
    // after a tail call, or through `__call`); anything else above a continuation (an
    // `xpcall` handler running for an error raised there) is named as usual.
    let is_handler = below + 1 < i
        && matches!(frames[i - 1].kind, FrameKind::Cont(_))
        && frames[i - 1].func == frames[i].func;
    if is_handler {
        let event = match ins.op() {
            Op::GETTABLE | Op::SELF | Op::GETGLOBAL => "__index",
            Op::SETTABLE | Op::SETGLOBAL => "__newindex",
            Op::ADD => "__add",
            Op::SUB => "__sub",
            Op::MUL => "__mul",
            Op::DIV => "__div",
            Op::MOD => "__mod",
            Op::POW => "__pow",
            Op::UNM => "__unm",
            Op::LEN => "__len",
            Op::CONCAT => "__concat",
            Op::EQ => "__eq",
            Op::LT => "__lt",
            // Also when `__lt` stands in (LuaJIT names it by the instruction too).
            Op::LE => "__le",
            _ => return None,
        };
        return Some(("metamethod", String::from(event)));
    }
    match ins.op() {
        Op::CALL | Op::TAILCALL => obj_name(p, pc, ins.a()),
        Op::TFORCALL => Some(("for iterator", String::from("for iterator"))),
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
        if !matches!(f.kind, FrameKind::Lua) {
            return None;
        }
        let p = self.frame_proto(th.stack[f.func])?;
        obj_name(p, f.pc.saturating_sub(1), reg)
    }

    /// How the running native was called, for argument errors: the kind ("global",
    /// "method", ...) and name from the caller's instruction, or `None` ("?").
    pub(crate) fn current_native_name(&self) -> Option<(&'static str, String)> {
        let n = self.th().frames.len();
        self.frame_call_name(n.checked_sub(1)?)
    }

    /// How the function of frame `i` was called: `Some("f")` from the caller's
    /// `CALL` instruction (`getfuncname`).
    fn frame_func_name(&self, i: usize) -> Option<String> {
        self.frame_call_name(i).map(|(_, n)| n)
    }

    /// Kind and name of the function of frame `i`, from its caller's call instruction.
    fn frame_call_name(&self, i: usize) -> Option<(&'static str, String)> {
        let th = self.th();
        let f = th.frames.get(i)?;
        if f.tailcalls > 0 {
            return None;
        }
        call_name(&th.frames, &th.stack, i)
    }

    /// A 5.1-style traceback of the running thread ("stack traceback:\n\t...").
    pub fn traceback(&self) -> String {
        let th = self.th();
        let mut s = String::from("stack traceback:");
        let n = th.frames.len();
        let mut shown = 0;
        for i in (0..n).rev() {
            let f = th.frames[i];
            if matches!(f.kind, FrameKind::Cont(_)) {
                continue;
            }
            if matches!(f.kind, FrameKind::Pcall | FrameKind::Xpcall) {
                s.push_str("\n\t[C]: in function '");
                s.push_str(if matches!(f.kind, FrameKind::Pcall) {
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
            if matches!(f.kind, FrameKind::Native) {
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
