//! Threads (coroutines): a VM stack of values, a frame stack and open upvalues.
//!
//! Invariants:
//! - `stack.len()` is the allocated size; every slot is initialized (nil above `top`).
//! - A Lua frame owns registers `base..base + max_stack`, all within `stack`; a native frame
//!   owns `base..top` (its arguments, then what it pushed).
//! - `open_upvals` is sorted by stack index, ascending, and each entry's `v` points to
//!   `stack[index]`; [`Thread::grow`] fixes those pointers when the stack moves.
//! - Frames never point into another thread's stack.

use alloc::vec::Vec;

use crate::gc::heap::{GcHeader, GcObject, Kind};
use crate::object::UpVal;
use crate::value::Value;

/// What a frame is running.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FrameKind {
    /// A Lua function.
    Lua,
    /// A native function.
    Native,
    /// A `pcall` in progress: its callee runs in the frame above.
    Pcall,
    /// An `xpcall` in progress (handler at `func + 1`).
    Xpcall,
    /// A metamethod called by an instruction of the Lua frame below: the metamethod runs
    /// in the frame above, as an ordinary call with one result at this frame's `func`;
    /// when it has returned, the continuation finishes the instruction. Being a VM frame
    /// and not native recursion, a coroutine can yield inside a metamethod. Not a level
    /// for `debug` (see [`frame_below`]).
    Cont(Cont),
}

/// How an instruction that called a metamethod is finished with its result.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Cont {
    /// The result goes into register `.0` (`__index`, arithmetic, `__unm`, `__len`).
    Reg(u8),
    /// The result is dropped (`__newindex`).
    Discard,
    /// A comparison (`__eq`, `__lt`, `__le`): the result's truth, inverted when `negate`
    /// (`a <= b` taken as `not (b < a)`), is compared with `want` (the instruction's A)
    /// to decide the jump that follows, as the comparison itself would.
    Cond {
        /// The instruction's A operand: the outcome that takes the jump.
        want: bool,
        /// The metamethod computed the opposite (`__lt` standing in for `__le`).
        negate: bool,
    },
    /// One step of `..` (`__concat`): the result goes into register `at`, the operands
    /// `b..=at` remain to be joined, and the whole goes into register `a`.
    Concat {
        /// Destination register of the `CONCAT`.
        a: u8,
        /// First operand register.
        b: u8,
        /// Register receiving this step's result.
        at: u8,
    },
}

/// The frame below frame `i` that is a level (skipping [`FrameKind::Cont`] frames): the
/// caller as `debug`, error positions and call names see it.
pub fn frame_below(frames: &[Frame], i: usize) -> Option<usize> {
    (0..i)
        .rev()
        .find(|&j| !matches!(frames[j].kind, FrameKind::Cont(_)))
}

/// The frame at `level` levels below the top frame (0: the top frame itself), counting
/// only frames that are levels.
pub fn frame_at_level(frames: &[Frame], level: usize) -> Option<usize> {
    let mut i = frame_below(frames, frames.len())?;
    for _ in 0..level {
        i = frame_below(frames, i)?;
    }
    Some(i)
}

/// One activation record.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    /// Stack index of the called value (results are moved here on return).
    pub func: usize,
    /// First register (Lua) or first argument (native).
    pub base: usize,
    /// End of the registers this frame may use.
    pub top: usize,
    /// Saved program counter (Lua frames; index of the next instruction).
    pub pc: usize,
    /// Results the caller wants (`-1`: all).
    pub nresults: i32,
    /// What the frame runs.
    pub kind: FrameKind,
    /// Extra arguments of a vararg function (stored below `base`).
    pub nvarargs: usize,
    /// Number of tail calls that replaced this frame (for tracebacks).
    pub tailcalls: u32,
}

/// A coroutine's status, as `coroutine.status` reports it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CoStatus {
    /// Created or yielded, waiting for `resume`.
    Suspended,
    /// Running (the current thread).
    Running,
    /// Resumed another coroutine and waits for it.
    Normal,
    /// Finished or died with an error.
    Dead,
}

/// A thread of execution.
#[repr(C)]
pub struct Thread {
    /// GC header.
    pub hdr: GcHeader,
    /// The value stack.
    pub stack: Vec<Value>,
    /// Active frames, innermost last.
    pub frames: Vec<Frame>,
    /// Open upvalues, sorted by stack index.
    pub open_upvals: Vec<*mut UpVal>,
    /// First free slot.
    pub top: usize,
    /// Coroutine status.
    pub status: CoStatus,
    /// Non-yieldable nesting: native calls into Lua (metamethods, callbacks) in progress.
    pub nny: u32,
    /// When suspended by a yield: where the yielding call's results go.
    pub yield_func: usize,
    /// When suspended by a yield: how many results that call wanted.
    pub yield_nres: i32,
    /// True until the first resume.
    pub fresh: bool,
}

// SAFETY: `#[repr(C)]` with the header first, kind `Thread`.
unsafe impl GcObject for Thread {
    const KIND: Kind = Kind::Thread;
    fn size(&self) -> usize {
        core::mem::size_of::<Thread>()
            + self.stack.capacity() * 8
            + self.frames.capacity() * core::mem::size_of::<Frame>()
            + self.open_upvals.capacity() * 8
    }
}

/// Initial stack size of a thread.
pub const INITIAL_STACK: usize = 64;

impl Thread {
    /// A new thread with an empty stack.
    pub fn new() -> Thread {
        let mut stack = Vec::with_capacity(INITIAL_STACK);
        stack.resize(INITIAL_STACK, Value::NIL);
        Thread {
            hdr: GcHeader::new(Kind::Thread),
            stack,
            frames: Vec::new(),
            open_upvals: Vec::new(),
            top: 0,
            status: CoStatus::Suspended,
            nny: 0,
            yield_func: 0,
            yield_nres: 0,
            fresh: true,
        }
    }

    /// Grows the stack so that `need` slots exist, fixing open upvalues. Returns the
    /// change in owned bytes.
    pub fn grow(&mut self, need: usize) -> isize {
        if need <= self.stack.len() {
            return 0;
        }
        let before = self.stack.capacity();
        let new_len = need.max(self.stack.len() * 2);
        self.stack.resize(new_len, Value::NIL);
        let base = self.stack.as_mut_ptr();
        for &uv in &self.open_upvals {
            // SAFETY: open upvalues of this thread are live (the thread marks them) and
            // their `index` is within the stack.
            unsafe { (*uv).v = base.add((*uv).index) };
        }
        ((self.stack.capacity() - before) * 8) as isize
    }
}

impl Default for Thread {
    fn default() -> Self {
        Self::new()
    }
}
