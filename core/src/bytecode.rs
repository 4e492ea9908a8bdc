//! Instruction format and opcodes: the contract between the compiler, the interpreter
//! and the trace recorder.
//!
//! The format is PUC Lua 5.1's register machine (`lopcodes.h`), with two changes made
//! so that every loop has a back-edge instruction where hotness is counted:
//! - `LOOP sBx` is the backward jump that closes `while` and `repeat` loops (a plain
//!   `JMP` never jumps backwards to form a loop);
//! - the generic `for` uses Lua 5.2's pair `TFORCALL`/`TFORLOOP`, so the back-edge is
//!   `TFORLOOP` itself.
//!
//! An instruction is 32 bits:
//!
//! ```text
//!  31      23 22      14 13    6 5    0
//! +----------+----------+-------+------+
//! |    B     |    C     |   A   |  OP  |   iABC
//! |         Bx          |   A   |  OP  |   iABx   (unsigned, 18 bits)
//! |        sBx          |   A   |  OP  |   iAsBx  (Bx - MAXARG_SBX)
//! +----------+----------+-------+------+
//! ```
//!
//! `RK(x)`: if `x & BITRK` the operand is constant `K(x & !BITRK)`, else register `R(x)`.
//! Comparison and test instructions are followed by a `JMP` that is taken when the
//! condition holds as stated below; otherwise the `JMP` is skipped (`pc++`).
//!
//! What the compiler (`frontend`) relies on and guarantees:
//! - On function entry, registers `num_params..max_stack` are nil: the compiler emits no
//!   `LOADNIL` for locals declared before the first jump target when they need nil.
//! - Every `JMP` jumps forward. Backward jumps are only the loop back-edges `LOOP`,
//!   `FORLOOP` and `TFORLOOP`, and every iteration of every loop executes exactly one of them.
//!   (A backward `goto`, LuaJIT's extension, is a `LOOP` too, after a `CLOSE` if it leaves
//!   locals; a forward `goto` leaving captured locals goes through a `CLOSE` trampoline.)
//! - `while c do body end` is: `c` (false exits forward) `body` `[CLOSE]` `LOOP` (back to `c`).
//!   `repeat body until c` is: `body` `c` (true jumps forward to the exit) `[CLOSE a]`
//!   `LOOP` (back to `body`), then at the exit `[CLOSE a]`: when a local of the body is
//!   captured by a closure, both the back-edge and the exit close it (a fresh upvalue per
//!   iteration).
//! - Numeric `for`: `FORPREP A` jumps to its `FORLOOP A` at the end; `R(A+3)` is the visible
//!   loop variable; the body closes captured loop variables with `CLOSE A+3` before `FORLOOP`.
//! - Generic `for` (5.2 layout): with `base` = the generator slot,
//!   `JMP` to the `TFORCALL`; body; `TFORCALL base C` (C = number of loop variables);
//!   `TFORLOOP base+2 sBx` back to the body. The call takes the generator, state and control
//!   from `R(base..base+2)` and writes its results to `R(base+3..base+2+C)` (`nil`-padded,
//!   extra ones dropped); `max_stack` leaves room for `base+6` so the interpreter can copy
//!   the three to `R(base+3..base+5)` and call there, as 5.2 does. `TFORLOOP` then tests
//!   `R(base+3)` and, if it is not nil, copies it to the control slot `R(base+2)` and jumps.
//! - `CLOSURE A Bx` is followed by `num_upvals` of the new function pseudo-instructions:
//!   `MOVE 0 B` (capture local `R(B)`) or `GETUPVAL 0 B` (share upvalue `B`); the
//!   interpreter skips them after building the closure.
//! - `SETLIST A B 0` is followed by a raw word holding C (more than `MAXARG_C` batches).
//! - Line info: `lines[pc]` follows 5.1: mostly the line of the last token consumed when the
//!   instruction was emitted; `CALL` carries the line of its `(`, `FORLOOP` the line of the
//!   `for`, `TFORCALL`/`TFORLOOP` the line where the `in` list starts, `LOOP` the line of
//!   the body's last token (a backward `goto`: the label name's line).

use core::fmt;

/// Width of the opcode field.
pub const SIZE_OP: u32 = 6;
/// Width of A.
pub const SIZE_A: u32 = 8;
/// Width of B and C.
pub const SIZE_B: u32 = 9;
/// Width of C.
pub const SIZE_C: u32 = 9;
/// Width of Bx.
pub const SIZE_BX: u32 = SIZE_B + SIZE_C;
/// Position of A.
pub const POS_A: u32 = SIZE_OP;
/// Position of C.
pub const POS_C: u32 = POS_A + SIZE_A;
/// Position of B.
pub const POS_B: u32 = POS_C + SIZE_C;
/// Position of Bx.
pub const POS_BX: u32 = POS_C;
/// Largest A.
pub const MAXARG_A: u32 = (1 << SIZE_A) - 1;
/// Largest B or C.
pub const MAXARG_B: u32 = (1 << SIZE_B) - 1;
/// Largest C.
pub const MAXARG_C: u32 = (1 << SIZE_C) - 1;
/// Largest Bx.
pub const MAXARG_BX: u32 = (1 << SIZE_BX) - 1;
/// Bias of sBx.
pub const MAXARG_SBX: i32 = (MAXARG_BX >> 1) as i32;
/// Bit marking a constant index in an RK operand.
pub const BITRK: u32 = 1 << (SIZE_B - 1);
/// Largest constant index an RK operand can hold.
pub const MAXINDEXRK: u32 = BITRK - 1;
/// Number of list items accumulated before a `SETLIST`.
pub const LFIELDS_PER_FLUSH: u32 = 50;
/// Largest number of registers a function may use.
pub const MAXREGS: u32 = 250;

/// Instruction layout.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Format {
    /// A, B, C.
    ABC,
    /// A, unsigned Bx.
    ABx,
    /// A, signed sBx.
    AsBx,
}

/// What an operand (B or C) means, for listings, verifiers and the snapshot use/def scan.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ArgMode {
    /// Not used.
    N,
    /// Used as a plain number (count, flag, index).
    U,
    /// A register, or a jump offset.
    R,
    /// A constant or register (RK), or a constant index (Bx).
    K,
}

macro_rules! opcodes {
    ($( $name:ident = $fmt:ident, $b:ident, $c:ident, $seta:expr, $test:expr; #[doc = $doc:literal] )*) => {
        /// Opcodes, in encoding order.
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        #[repr(u8)]
        #[allow(clippy::upper_case_acronyms)]
        pub enum Op { $( #[doc = $doc] $name, )* }

        /// Every opcode, indexed by its number.
        pub const OPS: &[Op] = &[ $( Op::$name, )* ];
        const NAMES: &[&str] = &[ $( stringify!($name), )* ];
        const MODES: &[(Format, ArgMode, ArgMode, bool, bool)] =
            &[ $( (Format::$fmt, ArgMode::$b, ArgMode::$c, $seta, $test), )* ];
    };
}

opcodes! {
    MOVE     = ABC,  R, N, true,  false; #[doc = "R(A) := R(B)"]
    LOADK    = ABx,  K, N, true,  false; #[doc = "R(A) := K(Bx)"]
    LOADBOOL = ABC,  U, U, true,  false; #[doc = "R(A) := (B != 0); if C != 0 then pc++"]
    LOADNIL  = ABC,  R, N, true,  false; #[doc = "R(A) ..= R(B) := nil"]
    GETUPVAL = ABC,  U, N, true,  false; #[doc = "R(A) := Upvalue[B]"]
    GETGLOBAL= ABx,  K, N, true,  false; #[doc = "R(A) := Env[K(Bx)]"]
    GETTABLE = ABC,  R, K, true,  false; #[doc = "R(A) := R(B)[RK(C)]"]
    SETGLOBAL= ABx,  K, N, false, false; #[doc = "Env[K(Bx)] := R(A)"]
    SETUPVAL = ABC,  U, N, false, false; #[doc = "Upvalue[B] := R(A)"]
    SETTABLE = ABC,  K, K, false, false; #[doc = "R(A)[RK(B)] := RK(C)"]
    NEWTABLE = ABC,  U, U, true,  false; #[doc = "R(A) := {} (size hints B array, C hash, as 5.1 floating-point bytes)"]
    SELF     = ABC,  R, K, true,  false; #[doc = "R(A+1) := R(B); R(A) := R(B)[RK(C)]"]
    ADD      = ABC,  K, K, true,  false; #[doc = "R(A) := RK(B) + RK(C)"]
    SUB      = ABC,  K, K, true,  false; #[doc = "R(A) := RK(B) - RK(C)"]
    MUL      = ABC,  K, K, true,  false; #[doc = "R(A) := RK(B) * RK(C)"]
    DIV      = ABC,  K, K, true,  false; #[doc = "R(A) := RK(B) / RK(C)"]
    MOD      = ABC,  K, K, true,  false; #[doc = "R(A) := RK(B) % RK(C)"]
    POW      = ABC,  K, K, true,  false; #[doc = "R(A) := RK(B) ^ RK(C)"]
    UNM      = ABC,  R, N, true,  false; #[doc = "R(A) := -R(B)"]
    NOT      = ABC,  R, N, true,  false; #[doc = "R(A) := not R(B)"]
    LEN      = ABC,  R, N, true,  false; #[doc = "R(A) := #R(B)"]
    CONCAT   = ABC,  R, R, true,  false; #[doc = "R(A) := R(B) .. ... .. R(C)"]
    JMP      = AsBx, R, N, false, false; #[doc = "pc += sBx (forward, or backward only inside one iteration)"]
    EQ       = ABC,  K, K, false, true;  #[doc = "if (RK(B) == RK(C)) ~= A then pc++"]
    LT       = ABC,  K, K, false, true;  #[doc = "if (RK(B) < RK(C)) ~= A then pc++"]
    LE       = ABC,  K, K, false, true;  #[doc = "if (RK(B) <= RK(C)) ~= A then pc++"]
    TEST     = ABC,  R, U, false, true;  #[doc = "if not (R(A) <=> C) then pc++"]
    TESTSET  = ABC,  R, U, true,  true;  #[doc = "if (R(B) <=> C) then R(A) := R(B) else pc++"]
    CALL     = ABC,  U, U, true,  false; #[doc = "R(A), ..., R(A+C-2) := R(A)(R(A+1), ..., R(A+B-1)); B=0: args to top; C=0: results to top"]
    TAILCALL = ABC,  U, U, true,  false; #[doc = "return R(A)(R(A+1), ..., R(A+B-1))"]
    RETURN   = ABC,  U, N, false, false; #[doc = "return R(A), ..., R(A+B-2); B=0: to top"]
    FORLOOP  = AsBx, R, N, true,  false; #[doc = "R(A) += R(A+2); if R(A) <?= R(A+1) then { pc += sBx; R(A+3) := R(A) } (back-edge)"]
    FORPREP  = AsBx, R, N, true,  false; #[doc = "R(A) -= R(A+2); pc += sBx (after coercing the three control values to numbers)"]
    TFORCALL = ABC,  N, U, false, false; #[doc = "R(A+3), ..., R(A+2+C) := R(A)(R(A+1), R(A+2))"]
    TFORLOOP = AsBx, R, N, true,  false; #[doc = "if R(A+1) ~= nil then { R(A) := R(A+1); pc += sBx } (back-edge; A is the control slot, base+2)"]
    SETLIST  = ABC,  U, U, false, false; #[doc = "R(A)[(C-1)*FPF+i] := R(A+i), 1 <= i <= B; B=0: to top; C=0: next instruction is the raw C"]
    CLOSE    = ABC,  N, N, false, false; #[doc = "close all upvalues >= R(A)"]
    CLOSURE  = ABx,  U, N, true,  false; #[doc = "R(A) := closure(KPROTO[Bx]); followed by one MOVE (B = local) or GETUPVAL (B = upvalue) pseudo-instruction per upvalue"]
    VARARG   = ABC,  U, N, true,  false; #[doc = "R(A), ..., R(A+B-2) = vararg; B=0: all, to top"]
    LOOP     = AsBx, R, N, false, false; #[doc = "pc += sBx (backward): the back-edge of while and repeat loops, where hotness is counted"]
}

/// Number of opcodes.
pub const NUM_OPS: usize = OPS.len();
const _: () = assert!(NUM_OPS <= (1 << SIZE_OP));
const _: () = assert!(Op::LOOP as usize == NUM_OPS - 1);

impl Op {
    /// The opcode with number `n`, if any.
    #[inline]
    pub fn from_u8(n: u8) -> Option<Op> {
        OPS.get(n as usize).copied()
    }
    /// Its name in listings.
    pub fn name(self) -> &'static str {
        NAMES[self as usize]
    }
    /// Its layout.
    pub fn format(self) -> Format {
        MODES[self as usize].0
    }
    /// What B means.
    pub fn b_mode(self) -> ArgMode {
        MODES[self as usize].1
    }
    /// What C means.
    pub fn c_mode(self) -> ArgMode {
        MODES[self as usize].2
    }
    /// True if the instruction writes R(A).
    pub fn sets_a(self) -> bool {
        MODES[self as usize].3
    }
    /// True for comparisons and tests, which are followed by a `JMP`.
    pub fn is_test(self) -> bool {
        MODES[self as usize].4
    }
}

/// One encoded instruction.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
#[repr(transparent)]
pub struct Instr(pub u32);

impl Instr {
    /// Encodes an iABC instruction.
    #[inline]
    pub const fn abc(op: Op, a: u32, b: u32, c: u32) -> Instr {
        Instr((op as u32) | (a << POS_A) | (b << POS_B) | (c << POS_C))
    }
    /// Encodes an iABx instruction.
    #[inline]
    pub const fn abx(op: Op, a: u32, bx: u32) -> Instr {
        Instr((op as u32) | (a << POS_A) | (bx << POS_BX))
    }
    /// Encodes an iAsBx instruction.
    #[inline]
    pub const fn asbx(op: Op, a: u32, sbx: i32) -> Instr {
        Instr((op as u32) | (a << POS_A) | (((sbx + MAXARG_SBX) as u32) << POS_BX))
    }
    /// The opcode. Instructions come only from the compiler, so the field is valid;
    /// an out-of-range value (a corrupted instruction) decodes as `MOVE`'s neighbour
    /// check in [`Op::from_u8`] by callers that need to be defensive.
    #[inline(always)]
    pub fn op(self) -> Op {
        let n = (self.0 & ((1 << SIZE_OP) - 1)) as u8;
        debug_assert!((n as usize) < NUM_OPS);
        // Compiler-produced code only holds valid opcodes; fall back defensively.
        Op::from_u8(n).unwrap_or(Op::MOVE)
    }
    /// The raw opcode number.
    #[inline(always)]
    pub const fn op_u8(self) -> u8 {
        (self.0 & ((1 << SIZE_OP) - 1)) as u8
    }
    /// Field A.
    #[inline(always)]
    pub const fn a(self) -> u32 {
        (self.0 >> POS_A) & MAXARG_A
    }
    /// Field B.
    #[inline(always)]
    pub const fn b(self) -> u32 {
        (self.0 >> POS_B) & MAXARG_B
    }
    /// Field C.
    #[inline(always)]
    pub const fn c(self) -> u32 {
        (self.0 >> POS_C) & MAXARG_C
    }
    /// Field Bx.
    #[inline(always)]
    pub const fn bx(self) -> u32 {
        (self.0 >> POS_BX) & MAXARG_BX
    }
    /// Field sBx.
    #[inline(always)]
    pub const fn sbx(self) -> i32 {
        self.bx() as i32 - MAXARG_SBX
    }
    /// Replaces A.
    pub fn set_a(&mut self, a: u32) {
        self.0 = (self.0 & !(MAXARG_A << POS_A)) | (a << POS_A);
    }
    /// Replaces B.
    pub fn set_b(&mut self, b: u32) {
        self.0 = (self.0 & !(MAXARG_B << POS_B)) | (b << POS_B);
    }
    /// Replaces C.
    pub fn set_c(&mut self, c: u32) {
        self.0 = (self.0 & !(MAXARG_C << POS_C)) | (c << POS_C);
    }
    /// Replaces Bx.
    pub fn set_bx(&mut self, bx: u32) {
        self.0 = (self.0 & !(MAXARG_BX << POS_BX)) | (bx << POS_BX);
    }
    /// Replaces sBx.
    pub fn set_sbx(&mut self, sbx: i32) {
        self.set_bx((sbx + MAXARG_SBX) as u32);
    }
}

/// True if RK operand `x` names a constant.
#[inline(always)]
pub const fn is_k(x: u32) -> bool {
    x & BITRK != 0
}

/// The constant index of an RK operand that [`is_k`].
#[inline(always)]
pub const fn index_k(x: u32) -> u32 {
    x & !BITRK
}

/// The RK operand naming constant `k`.
#[inline(always)]
pub const fn rk_k(k: u32) -> u32 {
    k | BITRK
}

impl fmt::Debug for Instr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = self.op();
        match op.format() {
            Format::ABC => write!(f, "{:<9} {} {} {}", op.name(), self.a(), self.b(), self.c()),
            Format::ABx => write!(f, "{:<9} {} {}", op.name(), self.a(), self.bx()),
            Format::AsBx => write!(f, "{:<9} {} {}", op.name(), self.a(), self.sbx()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip() {
        let i = Instr::abc(Op::ADD, 250, rk_k(3), 511);
        assert_eq!(i.op(), Op::ADD);
        assert_eq!((i.a(), i.b(), i.c()), (250, rk_k(3), 511));
        assert!(is_k(i.b()) && index_k(i.b()) == 3);
        let j = Instr::asbx(Op::LOOP, 0, -5);
        assert_eq!((j.op(), j.sbx()), (Op::LOOP, -5));
        let k = Instr::abx(Op::LOADK, 7, MAXARG_BX);
        assert_eq!((k.a(), k.bx()), (7, MAXARG_BX));
        let mut m = Instr::asbx(Op::JMP, 0, MAXARG_SBX);
        assert_eq!(m.sbx(), MAXARG_SBX);
        m.set_sbx(-MAXARG_SBX);
        assert_eq!(m.sbx(), -MAXARG_SBX);
    }

    #[test]
    fn table_is_consistent() {
        for (i, op) in OPS.iter().enumerate() {
            assert_eq!(*op as usize, i);
            assert_eq!(Op::from_u8(i as u8), Some(*op));
        }
        assert_eq!(Op::TFORLOOP.name(), "TFORLOOP");
        assert!(Op::LT.is_test() && !Op::ADD.is_test());
    }
}

/// A constant of a compiled function, before it is turned into a [`crate::value::Value`]
/// (strings are interned when the chunk is loaded into a VM).
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    /// `nil`
    Nil,
    /// `true` / `false`
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string (Lua strings are byte strings).
    Str(alloc::vec::Vec<u8>),
}

/// A local variable's debug record: its name and the pc range where it is active.
#[derive(Clone, Debug, PartialEq)]
pub struct LocVar {
    /// Name as written.
    pub name: alloc::vec::Vec<u8>,
    /// First pc where the variable is active.
    pub start_pc: u32,
    /// First pc where the variable is dead.
    pub end_pc: u32,
}

/// A compiled function: pure data, as the front end produces it (no GC objects).
/// Mirrors PUC Lua 5.1's `Proto`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProtoDesc {
    /// Chunk name as given to `load` (`"@file.lua"`, `"=stdin"`, or the source text).
    pub source: alloc::string::String,
    /// Line where the function was defined (0 for the main chunk).
    pub line_defined: u32,
    /// Line of its `end`.
    pub last_line_defined: u32,
    /// Number of fixed parameters.
    pub num_params: u8,
    /// True for `...` functions (the main chunk is vararg).
    pub is_vararg: bool,
    /// Number of upvalues.
    pub num_upvals: u8,
    /// Registers needed.
    pub max_stack: u8,
    /// The instructions.
    pub code: alloc::vec::Vec<Instr>,
    /// Source line of each instruction.
    pub lines: alloc::vec::Vec<u32>,
    /// Constants referenced by `K(x)`.
    pub consts: alloc::vec::Vec<Const>,
    /// Nested functions referenced by `CLOSURE`.
    pub protos: alloc::vec::Vec<ProtoDesc>,
    /// Local variables (debug info).
    pub locvars: alloc::vec::Vec<LocVar>,
    /// Upvalue names (debug info).
    pub upval_names: alloc::vec::Vec<alloc::vec::Vec<u8>>,
}
