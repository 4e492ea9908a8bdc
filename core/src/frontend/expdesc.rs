//! Expression descriptors: what the code generator knows about an expression that has been
//! parsed but not yet (fully) placed in a register, as `expdesc` in 5.1's `lcode.h`.
//!
//! Invariants:
//! - A descriptor is "discharged" step by step: variables become `Relocable` (an emitted
//!   instruction whose A is not yet chosen) or `NonReloc` (a fixed register); constants stay
//!   symbolic until an RK operand or a register needs them.
//! - `t` and `f` are patch lists of jumps taken when the expression is true / false; they are
//!   empty for anything but conditions under construction.
//! - A `NonReloc` register at or above the active locals is a temporary owned by this
//!   expression, released (`free_exp`) in stack order.

/// The head of a list of jumps chained through their offsets (see `jumps.rs`), or `None`.
pub(crate) type JumpList = Option<usize>;

/// What an expression is, and where its value is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ExpKind {
    /// No value (an empty expression list).
    Void,
    /// `nil`
    Nil,
    /// `true`
    True,
    /// `false`
    False,
    /// Constant number `n` in the constant table.
    K(u32),
    /// A numeric literal, not yet in the constant table (so it can be folded).
    KNum(f64),
    /// A local variable in this register.
    Local(u32),
    /// Upvalue number `n`.
    Upval(u32),
    /// Global variable; the name is constant `n`.
    Global(u32),
    /// `R(table)[RK(key)]`.
    Indexed {
        /// Register of the table.
        table: u32,
        /// RK operand of the key.
        key: u32,
    },
    /// A comparison; the value is the `JMP` at this pc.
    Jmp(usize),
    /// The instruction at this pc computes the value; its A is still free.
    Relocable(usize),
    /// The value is in this register.
    NonReloc(u32),
    /// The call at this pc (results adjustable).
    Call(usize),
    /// The `VARARG` at this pc (results adjustable).
    Vararg(usize),
}

/// An expression descriptor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ExpDesc {
    /// What and where.
    pub k: ExpKind,
    /// Jumps to patch when the expression is true.
    pub t: JumpList,
    /// Jumps to patch when the expression is false.
    pub f: JumpList,
}

impl ExpDesc {
    /// A descriptor without pending jumps.
    pub fn new(k: ExpKind) -> ExpDesc {
        ExpDesc {
            k,
            t: None,
            f: None,
        }
    }
    /// True if either jump list is non-empty.
    pub fn has_jumps(&self) -> bool {
        self.t != self.f
    }
    /// A numeric literal without jumps, so constant folding applies (`isnumeral`).
    pub fn numeral(&self) -> Option<f64> {
        match self.k {
            ExpKind::KNum(n) if self.t.is_none() && self.f.is_none() => Some(n),
            _ => None,
        }
    }
    /// A call or `...`, whose number of results the context decides.
    pub fn is_multi(&self) -> bool {
        matches!(self.k, ExpKind::Call(_) | ExpKind::Vararg(_))
    }
}
