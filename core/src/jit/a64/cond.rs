//! Condition codes of B.cond, CSEL and friends, and the comparisons they test.
//!
//! Invariants: the enum discriminant is the 4-bit field the hardware reads, and conditions
//! come in pairs differing only in bit 0, so `invert` flips that bit (AL/NV excepted, which
//! have no inverse and are not produced by it).

use core::fmt;

macro_rules! conds {
    ($( $(#[$doc:meta])* $name:ident = $bits:literal, $text:literal; )*) => {
        /// A condition on the NZCV flags.
        #[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
        pub enum Cond {
            $( $(#[$doc])* $name = $bits, )*
        }

        impl Cond {
            /// Every condition, in encoding order.
            pub const ALL: [Cond; 16] = [$(Cond::$name),*];

            /// The assembler suffix (`eq`, `hs`...), as `llvm-mc` prints it.
            pub const fn name(self) -> &'static str {
                match self { $( Cond::$name => $text, )* }
            }
        }
    };
}

conds! {
    /// Equal (Z).
    Eq = 0, "eq";
    /// Not equal (!Z).
    Ne = 1, "ne";
    /// Unsigned higher or same, carry set (C).
    Hs = 2, "hs";
    /// Unsigned lower, carry clear (!C).
    Lo = 3, "lo";
    /// Negative (N).
    Mi = 4, "mi";
    /// Positive or zero (!N).
    Pl = 5, "pl";
    /// Overflow (V).
    Vs = 6, "vs";
    /// No overflow (!V).
    Vc = 7, "vc";
    /// Unsigned higher (C && !Z).
    Hi = 8, "hi";
    /// Unsigned lower or same (!C || Z).
    Ls = 9, "ls";
    /// Signed greater or equal (N == V).
    Ge = 10, "ge";
    /// Signed less than (N != V).
    Lt = 11, "lt";
    /// Signed greater than (!Z && N == V).
    Gt = 12, "gt";
    /// Signed less or equal (Z || N != V).
    Le = 13, "le";
    /// Always.
    Al = 14, "al";
    /// Always (the encoding reserved as "never" on older architectures).
    Nv = 15, "nv";
}

const _: () = assert!(Cond::Ne as u32 == Cond::Eq as u32 ^ 1 && Cond::Le as u32 == 13);

/// Conditions after `fcmp a, b` that are true exactly when the IEEE comparison is, so NaN
/// operands (unordered: NZCV = 0011) make every ordered comparison false, as Lua requires.
/// FCMP sets NZCV to 1000 for less, 0110 for equal, 0010 for greater, 0011 for unordered.
impl Cond {
    /// `a == b` (false if unordered).
    pub const FEQ: Cond = Cond::Eq;
    /// `a != b` or unordered (the negation of [`Cond::FEQ`]).
    pub const FNE: Cond = Cond::Ne;
    /// `a < b` (false if unordered). Note: *not* `Lt`, which is also true when unordered.
    pub const FLT: Cond = Cond::Mi;
    /// `a <= b` (false if unordered). Note: *not* `Le`, which is also true when unordered.
    pub const FLE: Cond = Cond::Ls;
    /// `a > b` (false if unordered).
    pub const FGT: Cond = Cond::Gt;
    /// `a >= b` (false if unordered).
    pub const FGE: Cond = Cond::Ge;
    /// Either operand is NaN.
    pub const FUNORDERED: Cond = Cond::Vs;
}

impl Cond {
    /// The 4-bit condition field.
    pub const fn bits(self) -> u32 {
        self as u32
    }

    /// The opposite condition (`eq` ↔ `ne`, `lt` ↔ `ge`...). AL and NV have no opposite and
    /// are returned unchanged.
    pub const fn invert(self) -> Cond {
        match self {
            Cond::Al | Cond::Nv => self,
            _ => Cond::ALL[(self as usize) ^ 1],
        }
    }
}

impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_order_is_the_encoding() {
        for (i, c) in Cond::ALL.iter().enumerate() {
            assert_eq!(c.bits(), i as u32);
        }
        assert_eq!(Cond::Lt.invert(), Cond::Ge);
        assert_eq!(Cond::Hi.invert(), Cond::Ls);
        assert_eq!(Cond::Al.invert(), Cond::Al);
    }
}
