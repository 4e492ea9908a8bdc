//! Helper functions that traces call (`CALLN`/`CALLL`/`CALLS`): one table with each
//! helper's name, argument count, result type, effects and whether it may throw.
//!
//! Invariants: the [`Effect`] decides which call opcode the builder emits: `Pure` helpers
//! are CSE'd and folded like arithmetic, `Reads` helpers are forwarded like loads, and
//! `Writes` helpers clobber every memory class. A helper that may throw (allocation
//! failure, a `__gc` finalizer's error) or run the GC is only ever `Writes`; before
//! calling it the emitter stores the covering snapshot's values back to the VM stack, so
//! the error (or the collector) sees a consistent VM. Addresses are bound by the emitter
//! through one `match` over [`Call`]; the IR only holds the id.

use super::op::Op;
use super::types::IrType;

/// What a helper may do besides computing its result.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Effect {
    /// Nothing: a pure function of its arguments.
    Pure,
    /// Reads heap memory (its result changes when tables change).
    Reads,
    /// Writes heap memory, allocates or may throw.
    Writes,
}

macro_rules! ir_calls {
    ($( $name:ident $dump:literal $nargs:literal $ret:ident $eff:ident $throws:literal,
        #[doc = $doc:literal] )*) => {
        /// A helper function (operand b of a call instruction).
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
        #[repr(u8)]
        #[allow(non_camel_case_types)]
        pub enum Call { $( #[doc = $doc] $name, )* }
        const CALLS: &[Call] = &[ $( Call::$name, )* ];
        const CALL_INFO: &[(&str, u8, IrType, Effect, bool)] =
            &[ $( ($dump, $nargs, IrType::$ret, Effect::$eff, $throws), )* ];
    };
}

ir_calls! {
    POW "pow" 2 NUM Pure false, #[doc = "`a ^ b` (libm `pow`)."]
    FMOD "fmod" 2 NUM Pure false, #[doc = "`math.fmod`."]
    ATAN2 "atan2" 2 NUM Pure false, #[doc = "`math.atan2`."]
    LDEXP "ldexp" 2 NUM Pure false, #[doc = "`math.ldexp` (b truncated, as the library does)."]
    ASIN "asin" 1 NUM Pure false, #[doc = "`math.asin`."]
    ACOS "acos" 1 NUM Pure false, #[doc = "`math.acos`."]
    ATAN "atan" 1 NUM Pure false, #[doc = "`math.atan`."]
    SINH "sinh" 1 NUM Pure false, #[doc = "`math.sinh`."]
    COSH "cosh" 1 NUM Pure false, #[doc = "`math.cosh`."]
    TANH "tanh" 1 NUM Pure false, #[doc = "`math.tanh`."]
    TAB_LEN "tab_len" 1 INT Reads false, #[doc = "`#t` for a table without `__len` concerns (border search)."]
    TAB_GET "tab_get" 2 PTR Reads false, #[doc = "Address of the value of any key, or of a nil value (HREF)."]
    TAB_NEWKEY "tab_newkey" 2 PTR Writes true, #[doc = "Insert a key, returning its value slot (NEWREF)."]
    TAB_NEW "tab_new" 2 TAB Writes true, #[doc = "New table (TNEW)."]
    TAB_DUP "tab_dup" 1 TAB Writes true, #[doc = "Copy of a template table (TDUP)."]
    STR_CONCAT "str_concat" 2 STR Writes true, #[doc = "Concatenate two strings."]
    NUM_TOSTR "num_tostr" 1 STR Writes true, #[doc = "Number to a new string (TOSTR)."]
    GC_STEP "gc_step" 0 NIL Writes true, #[doc = "Run a GC step at a safe point (GCSTEP)."]
}

impl Call {
    /// The helper from its number (operand b).
    pub fn from_u16(n: u16) -> Option<Call> {
        CALLS.get(n as usize).copied()
    }
    /// Its name in dumps.
    pub fn name(self) -> &'static str {
        CALL_INFO[self as usize].0
    }
    /// Number of arguments.
    pub fn nargs(self) -> usize {
        CALL_INFO[self as usize].1 as usize
    }
    /// Result type.
    pub fn result(self) -> IrType {
        CALL_INFO[self as usize].2
    }
    /// Effects.
    pub fn effect(self) -> Effect {
        CALL_INFO[self as usize].3
    }
    /// Whether it may throw a Lua error or run the collector (allocation, finalizers).
    pub fn may_throw(self) -> bool {
        CALL_INFO[self as usize].4
    }
    /// The call opcode that matches its effects.
    pub fn op(self) -> Op {
        match self.effect() {
            Effect::Pure => Op::CALLN,
            Effect::Reads => Op::CALLL,
            Effect::Writes => Op::CALLS,
        }
    }
    /// Constant folding of pure numeric helpers, with the functions the interpreter's
    /// `math` library calls (`jit::helpers` calls this too).
    pub fn eval_num(self, args: &[f64]) -> Option<f64> {
        Some(match (self, args) {
            (Call::POW, [a, b]) => crate::jit::vm_pow(*a, *b),
            (Call::FMOD, [a, b]) => libm::fmod(*a, *b),
            (Call::ATAN2, [a, b]) => libm::atan2(*a, *b),
            (Call::LDEXP, [a, b]) => crate::stdlib::math::ldexp(*a, *b),
            (Call::ASIN, [a]) => libm::asin(*a),
            (Call::ACOS, [a]) => libm::acos(*a),
            (Call::ATAN, [a]) => libm::atan(*a),
            (Call::SINH, [a]) => libm::sinh(*a),
            (Call::COSH, [a]) => libm::cosh(*a),
            (Call::TANH, [a]) => libm::tanh(*a),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_round_trips() {
        for (i, c) in CALLS.iter().enumerate() {
            assert_eq!(Call::from_u16(i as u16), Some(*c));
            if c.effect() == Effect::Pure {
                assert_eq!(c.result(), IrType::NUM);
                let args = [0.5; 2];
                assert!(c.eval_num(&args[..c.nargs()]).is_some());
            }
        }
        assert_eq!(Call::TAB_NEW.op(), Op::CALLS);
        for c in CALLS {
            assert!(
                !c.may_throw() || c.effect() == Effect::Writes,
                "{c:?} throws: Writes"
            );
        }
        assert!(Call::STR_CONCAT.may_throw() && !Call::TAB_GET.may_throw());
        assert_eq!(Call::TAB_LEN.op(), Op::CALLL);
        assert_eq!(Call::POW.op(), Op::CALLN);
    }
}
