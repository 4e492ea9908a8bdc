//! IR opcodes: one table from which the enum, the names, the kinds and the operand modes
//! are derived.
//!
//! Invariants (pinned by the const asserts after the table):
//! - the comparisons come first and are laid out so that flipping bit 0 negates an
//!   integer comparison (`LT`<->`GE`, `LE`<->`GT`, `EQ`<->`NE`), bit 2 selects the
//!   unsigned (for integers) or unordered (for numbers) variant, and XOR 3 swaps the
//!   operands of an ordered comparison (`LT a b` == `GT b a`);
//! - loads and stores share an order: `store = load + L2S_DELTA` for each memory class
//!   (array, hash slot, upvalue, field, raw pointer);
//! - an operand's mode says what the 16 bits hold: a [`super::Ref`] (instruction or
//!   constant), a literal (slot number, field id, call id, flags), constant payload bits,
//!   or nothing. Passes that walk operands (CSE, DCE, loop, register allocation) only
//!   follow `Ref` operands.

use core::fmt;

/// What an operand of an instruction holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// A reference to an instruction or a constant.
    Ref,
    /// A literal 16-bit number (its meaning depends on the opcode).
    Lit,
    /// Payload bits of a constant.
    Cst,
    /// Unused.
    None,
}

/// How an instruction relates to memory and optimization.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// Pure: may be folded, CSE'd and removed when unused.
    Norm,
    /// Pure and commutative.
    Comm,
    /// Reads memory: only forwarded or CSE'd by `opt::fwd`, which knows about stores.
    Load,
    /// Writes memory or has another effect: never removed, never CSE'd.
    Store,
    /// Allocates a new object: never CSE'd; removed only by DCE when unused.
    Alloc,
}

macro_rules! ir_ops {
    ($( $name:ident $kind:ident $guard:tt $m1:ident $m2:ident, #[doc = $doc:literal] )*) => {
        /// An IR opcode.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        #[repr(u8)]
        #[allow(clippy::upper_case_acronyms)]
        pub enum Op { $( #[doc = $doc] $name, )* }

        /// Every opcode, in table order.
        pub const OPS: &[Op] = &[ $( Op::$name, )* ];
        const OP_NAMES: &[&str] = &[ $( stringify!($name), )* ];
        const OP_KINDS: &[Kind] = &[ $( Kind::$kind, )* ];
        const OP_GUARDS: &[bool] = &[ $( ir_ops!(@guard $guard), )* ];
        const OP_MODES: &[(Mode, Mode)] = &[ $( (Mode::$m1, Mode::$m2), )* ];
    };
    (@guard G) => { true };
    (@guard -) => { false };
}

ir_ops! {
    // Comparisons: always guards. ORDER: see the module doc.
    LT Norm G Ref Ref, #[doc = "Guard `a < b` (numbers: ordered)."]
    GE Norm G Ref Ref, #[doc = "Guard `a >= b`."]
    LE Norm G Ref Ref, #[doc = "Guard `a <= b`."]
    GT Norm G Ref Ref, #[doc = "Guard `a > b`."]
    ULT Norm G Ref Ref, #[doc = "Guard `a < b` unsigned (numbers: or unordered)."]
    UGE Norm G Ref Ref, #[doc = "Guard `a >= b` unsigned (numbers: or unordered)."]
    ULE Norm G Ref Ref, #[doc = "Guard `a <= b` unsigned (numbers: or unordered)."]
    UGT Norm G Ref Ref, #[doc = "Guard `a > b` unsigned (numbers: or unordered)."]
    EQ Comm G Ref Ref, #[doc = "Guard `a == b` (GC objects: identity)."]
    NE Comm G Ref Ref, #[doc = "Guard `a ~= b`."]
    ABC Norm G Ref Ref, #[doc = "Array bounds check: guard `b < a` unsigned (a: size, b: index)."]
    RETF Store G Ref Lit, #[doc = "Return to a lower frame: guard the caller's saved pc (a, KPTR) and move the base down by b slots."]
    // Markers and miscellany.
    NOP Norm - None None, #[doc = "Nothing (a removed instruction)."]
    BASE Norm - Lit Lit, #[doc = "The VM base pointer at trace entry (the first instruction)."]
    LOOP Store - None None, #[doc = "Separates the pre-roll from the loop body."]
    USE Store - Ref None, #[doc = "Keeps a ref alive."]
    PHI Store - Ref Ref, #[doc = "Loop-carried value: a (pre-roll value) takes b (loop value) at the back-edge."]
    GCSTEP Store - None None, #[doc = "GC safe point check before allocation."]
    // Constants (below the bias).
    KPRI Norm - None None, #[doc = "`nil`, `false` or `true` (the type says which)."]
    KINT Norm - Cst Cst, #[doc = "32-bit integer constant."]
    KGC Norm - Cst Cst, #[doc = "GC object constant (index into the 64-bit constant table)."]
    KPTR Norm - Cst Cst, #[doc = "Raw pointer constant (index into the 64-bit constant table)."]
    KNUM Norm - Cst Cst, #[doc = "Number constant (index into the 64-bit constant table)."]
    KINT64 Norm - Cst Cst, #[doc = "64-bit integer constant (index into the 64-bit constant table)."]
    KSLOT Norm - Ref Lit, #[doc = "Key constant a found at skeys slot b (operand of HREFK)."]
    // Bit operations on integers.
    BNOT Norm - Ref None, #[doc = "Bitwise not."]
    BAND Comm - Ref Ref, #[doc = "Bitwise and."]
    BOR Comm - Ref Ref, #[doc = "Bitwise or."]
    BXOR Comm - Ref Ref, #[doc = "Bitwise xor."]
    BSHL Norm - Ref Ref, #[doc = "Shift left (count masked to 5 bits)."]
    BSHR Norm - Ref Ref, #[doc = "Logical shift right."]
    BSAR Norm - Ref Ref, #[doc = "Arithmetic shift right."]
    BROL Norm - Ref Ref, #[doc = "Rotate left."]
    BROR Norm - Ref Ref, #[doc = "Rotate right."]
    // Arithmetic (NUM, or wrapping INT).
    ADD Comm - Ref Ref, #[doc = "a + b"]
    SUB Norm - Ref Ref, #[doc = "a - b"]
    MUL Comm - Ref Ref, #[doc = "a * b"]
    DIV Norm - Ref Ref, #[doc = "a / b"]
    MOD Norm - Ref Ref, #[doc = "Lua's a % b: a - floor(a/b)*b (inline: fdiv, frintm, fmul, fsub, never fused)"]
    POW Norm - Ref Ref, #[doc = "a ^ b (a call to `pow`)"]
    NEG Norm - Ref None, #[doc = "-a"]
    ABS Norm - Ref None, #[doc = "|a|"]
    MIN Norm - Ref Ref, #[doc = "`math.min` step: a < b ? a : b (LuaJIT's minsd order, as the VM's)"]
    MAX Norm - Ref Ref, #[doc = "`math.max` step: a > b ? a : b (LuaJIT's maxsd order, as the VM's)"]
    FPMATH Norm - Ref Lit, #[doc = "Unary math function b (an `Fpm`) of a"]
    ADDOV Comm - Ref Ref, #[doc = "INT a + b, guarded against overflow"]
    SUBOV Norm - Ref Ref, #[doc = "INT a - b, guarded against overflow"]
    MULOV Comm - Ref Ref, #[doc = "INT a * b, guarded against overflow"]
    // Memory references.
    AREF Norm - Ref Ref, #[doc = "Address of array slot b of array base a (from FLOAD tab.array)"]
    HREFK Load G Ref Ref, #[doc = "Guard table a has key KSLOT b at its skeys slot; address of the svals slot"]
    HREF Load - Ref Ref, #[doc = "Address of the value of key b in table a, or of a nil value (lookup by call)"]
    NEWREF Store - Ref Ref, #[doc = "Insert key b into table a; address of the new value slot"]
    UREF Norm - Ref Lit, #[doc = "Address of the value of upvalue b of closure a (a `KPTR`: the running closure's, read from the input cell a that the entry check fills)"]
    FREF Norm - Ref Lit, #[doc = "Address of field b (a `Field`) of object a"]
    // Loads and stores. ORDER: store = load + L2S_DELTA.
    SLOAD Load - Lit Lit, #[doc = "Load stack slot a (relative to the trace base), flags b (`SloadFlags`)"]
    ALOAD Load - Ref None, #[doc = "Load an array slot (from AREF)"]
    HLOAD Load - Ref None, #[doc = "Load a hash or svals slot (from HREFK/HREF)"]
    ULOAD Load - Ref None, #[doc = "Load an upvalue (from UREF)"]
    FLOAD Load - Ref Lit, #[doc = "Load field b (a `Field`) of object a"]
    XLOAD Load - Ref Lit, #[doc = "Load through a raw pointer (b: flags)"]
    ASTORE Store - Ref Ref, #[doc = "Store b to an array slot"]
    HSTORE Store - Ref Ref, #[doc = "Store b to a hash or svals slot"]
    USTORE Store - Ref Ref, #[doc = "Store b to an upvalue"]
    FSTORE Store - Ref Ref, #[doc = "Store b to a field (a: FREF)"]
    XSTORE Store - Ref Ref, #[doc = "Store b through a raw pointer"]
    // Allocations.
    SNEW Alloc - Ref Ref, #[doc = "New interned string from pointer a and length b"]
    TNEW Alloc - Lit Lit, #[doc = "New table with array size a and hash size b"]
    TDUP Alloc - Ref None, #[doc = "New table copied from template table constant a"]
    // GC barriers.
    TBAR Store - Ref None, #[doc = "Table write barrier"]
    OBAR Store - Ref Ref, #[doc = "Object write barrier (object a gets value b)"]
    // Conversions.
    CONV Norm - Ref Lit, #[doc = "Convert a between types (b: `Conv` bits)"]
    TOBIT Norm - Ref Ref, #[doc = "`bit.tobit` of number a (b: the 2^52+2^51 bias constant)"]
    TOSTR Norm - Ref Lit, #[doc = "Number a to a new string"]
    STRTO Norm - Ref None, #[doc = "String a to a number (guard: convertible)"]
    // Calls of helper functions (b: a `Call` id; a: argument or CARG chain).
    CALLN Norm - Ref Lit, #[doc = "Call of a pure helper"]
    CALLL Load - Ref Lit, #[doc = "Call of a helper that reads memory"]
    CALLS Store - Ref Lit, #[doc = "Call of a helper with side effects"]
    CARG Norm - Ref Ref, #[doc = "Argument list cell: (args so far, next argument)"]
}

/// Number of IR opcodes.
pub const NUM_OPS: usize = OPS.len();

/// Distance from a load opcode to the store opcode of the same memory class.
pub const L2S_DELTA: u8 = Op::ASTORE as u8 - Op::ALOAD as u8;

const _: () = assert!((Op::LT as u8) == 0 && (Op::GE as u8) == 1);
const _: () = assert!((Op::LE as u8) == 2 && (Op::GT as u8) == 3);
const _: () = assert!((Op::LT as u8) + 4 == Op::ULT as u8 && (Op::GT as u8) + 4 == Op::UGT as u8);
const _: () = assert!((Op::EQ as u8) == 8 && (Op::NE as u8) == 9);
const _: () = assert!((Op::HLOAD as u8) + L2S_DELTA == Op::HSTORE as u8);
const _: () = assert!((Op::ULOAD as u8) + L2S_DELTA == Op::USTORE as u8);
const _: () = assert!((Op::FLOAD as u8) + L2S_DELTA == Op::FSTORE as u8);
const _: () = assert!((Op::XLOAD as u8) + L2S_DELTA == Op::XSTORE as u8);
const _: () = assert!((Op::CALLN as u8) + 1 == Op::CALLL as u8);
const _: () = assert!(NUM_OPS < 128);

impl Op {
    /// The opcode from its number.
    pub fn from_u8(n: u8) -> Option<Op> {
        OPS.get(n as usize).copied()
    }

    /// The name as dumps print it.
    pub fn name(self) -> &'static str {
        OP_NAMES[self as usize]
    }

    /// Kind: pure, commutative, load, store, allocation.
    pub fn kind(self) -> Kind {
        OP_KINDS[self as usize]
    }

    /// Whether the instruction is always a guard (comparisons, `ABC`, `HREFK`, `RETF`).
    pub fn is_guard(self) -> bool {
        OP_GUARDS[self as usize]
    }

    /// Operand modes.
    pub fn modes(self) -> (Mode, Mode) {
        OP_MODES[self as usize]
    }

    /// Whether this is a constant opcode (lives below the bias).
    pub fn is_const(self) -> bool {
        (Op::KPRI..=Op::KSLOT).contains(&self)
    }

    /// A comparison guard (`LT`..`NE`).
    pub fn is_comparison(self) -> bool {
        self <= Op::NE
    }

    /// An ordered comparison (`LT`..`UGT`), i.e. not `EQ`/`NE`.
    pub fn is_ordered_comparison(self) -> bool {
        self <= Op::UGT
    }

    /// The exact negation of an integer, pointer or equality comparison: `!(a < b)` is
    /// `a >= b`. For numbers use [`Op::negate_num`], which accounts for NaN.
    pub fn negate(self) -> Op {
        debug_assert!(self.is_comparison());
        OPS[(self as u8 ^ 1) as usize]
    }

    /// The exact negation of a number comparison: `!(a < b)` is "`a >= b` or unordered"
    /// (`UGE`), because every ordered comparison with NaN is false.
    pub fn negate_num(self) -> Op {
        debug_assert!(self.is_comparison());
        if self.is_ordered_comparison() {
            OPS[(self as u8 ^ 5) as usize]
        } else {
            self.negate()
        }
    }

    /// The same comparison with its operands swapped: `a < b` is `b > a`.
    pub fn swap_operands(self) -> Op {
        debug_assert!(self.is_comparison());
        if self.is_ordered_comparison() {
            OPS[(self as u8 ^ 3) as usize]
        } else {
            self
        }
    }

    /// The store opcode of a load's memory class (`ALOAD` -> `ASTORE`, ...).
    pub fn store_of(self) -> Option<Op> {
        if (Op::ALOAD..=Op::XLOAD).contains(&self) {
            Op::from_u8(self as u8 + L2S_DELTA)
        } else {
            None
        }
    }

    /// The load opcode of a store's memory class.
    pub fn load_of(self) -> Option<Op> {
        if (Op::ASTORE..=Op::XSTORE).contains(&self) {
            Op::from_u8(self as u8 - L2S_DELTA)
        } else {
            None
        }
    }

    /// Whether the emitted code calls out to a helper (clobbering caller-saved registers);
    /// `FPMATH` depends on its function: see [`super::Ins::is_call`].
    pub fn is_call(self) -> bool {
        matches!(
            self,
            Op::POW
                | Op::HREF
                | Op::NEWREF
                | Op::SNEW
                | Op::TNEW
                | Op::TDUP
                | Op::TOSTR
                | Op::STRTO
                | Op::GCSTEP
                | Op::CALLN
                | Op::CALLL
                | Op::CALLS
        )
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

macro_rules! fpm_table {
    ($( $name:ident $dump:literal $inline:literal, )*) => {
        /// Unary math functions of `FPMATH` (operand b).
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        #[repr(u8)]
        #[allow(clippy::upper_case_acronyms)]
        pub enum Fpm { $( #[doc = $dump] $name, )* }
        const FPMS: &[Fpm] = &[ $( Fpm::$name, )* ];
        const FPM_NAMES: &[&str] = &[ $( $dump, )* ];
        const FPM_INLINE: &[bool] = &[ $( $inline, )* ];
    };
}

fpm_table! {
    FLOOR "floor" true,
    CEIL "ceil" true,
    TRUNC "trunc" true,
    SQRT "sqrt" true,
    LOG "log" false,
    LOG2 "log2" false,
    LOG10 "log10" false,
    EXP "exp" false,
    EXP2 "exp2" false,
    SIN "sin" false,
    COS "cos" false,
    TAN "tan" false,
}

impl Fpm {
    /// The function from its number (operand b of `FPMATH`).
    pub fn from_u16(n: u16) -> Option<Fpm> {
        FPMS.get(n as usize).copied()
    }
    /// Its name in dumps.
    pub fn name(self) -> &'static str {
        FPM_NAMES[self as usize]
    }
    /// Whether AArch64 has an instruction for it (`frintm`, `frintp`, `frintz`, `fsqrt`);
    /// the others call `libm`.
    pub fn is_inline(self) -> bool {
        FPM_INLINE[self as usize]
    }
    /// The function itself, as the VM's `math` library computes it (constant folding
    /// must give the interpreter's bits).
    pub fn eval(self, x: f64) -> f64 {
        match self {
            Fpm::FLOOR => libm::floor(x),
            Fpm::CEIL => libm::ceil(x),
            Fpm::TRUNC => libm::trunc(x),
            Fpm::SQRT => libm::sqrt(x),
            Fpm::LOG => crate::stdlib::math::log(x, None),
            Fpm::LOG2 => libm::log2(x),
            Fpm::LOG10 => libm::log10(x),
            Fpm::EXP => libm::exp(x),
            Fpm::EXP2 => libm::exp2(x),
            Fpm::SIN => libm::sin(x),
            Fpm::COS => libm::cos(x),
            Fpm::TAN => libm::tan(x),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_round_trips() {
        for (i, op) in OPS.iter().enumerate() {
            assert_eq!(*op as usize, i);
            assert_eq!(Op::from_u8(i as u8), Some(*op));
            assert!(
                op.name().len() <= 6,
                "{} too long for the dump column",
                op.name()
            );
        }
        assert_eq!(Op::from_u8(NUM_OPS as u8), None);
    }

    #[test]
    fn comparisons_negate_and_swap() {
        let pairs = [
            (Op::LT, Op::GE),
            (Op::LE, Op::GT),
            (Op::ULT, Op::UGE),
            (Op::EQ, Op::NE),
        ];
        for (a, b) in pairs {
            assert_eq!(a.negate(), b);
            assert_eq!(b.negate(), a);
        }
        assert_eq!(Op::LT.negate_num(), Op::UGE);
        assert_eq!(Op::UGT.negate_num(), Op::LE);
        assert_eq!(Op::EQ.negate_num(), Op::NE);
        assert_eq!(Op::LT.swap_operands(), Op::GT);
        assert_eq!(Op::GE.swap_operands(), Op::LE);
        assert_eq!(Op::ULE.swap_operands(), Op::UGE);
        assert_eq!(Op::NE.swap_operands(), Op::NE);
        for op in OPS.iter().filter(|o| o.is_comparison()) {
            assert!(op.is_guard());
            assert_eq!(op.negate().negate(), *op);
            assert_eq!(op.negate_num().negate_num(), *op);
            assert_eq!(op.swap_operands().swap_operands(), *op);
        }
    }

    #[test]
    fn loads_map_to_stores() {
        assert_eq!(Op::ALOAD.store_of(), Some(Op::ASTORE));
        assert_eq!(Op::FLOAD.store_of(), Some(Op::FSTORE));
        assert_eq!(Op::XSTORE.load_of(), Some(Op::XLOAD));
        assert_eq!(Op::SLOAD.store_of(), None);
        for op in OPS {
            if let Some(s) = op.store_of() {
                assert_eq!(op.kind(), Kind::Load);
                assert_eq!(s.kind(), Kind::Store);
                assert_eq!(s.load_of(), Some(*op));
            }
        }
    }

    #[test]
    fn constants_are_contiguous() {
        for op in OPS {
            let k = matches!(
                op,
                Op::KPRI | Op::KINT | Op::KGC | Op::KPTR | Op::KNUM | Op::KINT64 | Op::KSLOT
            );
            assert_eq!(op.is_const(), k, "{op}");
        }
    }

    #[test]
    fn fpm_eval() {
        assert_eq!(Fpm::FLOOR.eval(-1.5), -2.0);
        assert_eq!(Fpm::CEIL.eval(-1.5).to_bits(), (-1.0f64).to_bits());
        assert_eq!(Fpm::CEIL.eval(-0.5).to_bits(), (-0.0f64).to_bits());
        assert_eq!(Fpm::SQRT.eval(2.0), core::f64::consts::SQRT_2);
        assert_eq!(Fpm::from_u16(Fpm::TAN as u16), Some(Fpm::TAN));
    }
}
