//! Typed AArch64 registers.
//!
//! Invariants:
//! - Every register value holds a number in `0..=31`; constructors refuse anything larger.
//! - Register number 31 means either the zero register or the stack pointer, depending on the
//!   instruction field. Here the *type* decides, never the field: [`X`] and [`W`] live in the
//!   zero-register space (31 is `xzr`/`wzr`), [`XSp`] and [`WSp`] in the stack-pointer space
//!   (31 is `sp`/`wsp`). Each encoder takes the type whose meaning matches the field it fills,
//!   so `sp` cannot be passed where the hardware would read `xzr`, nor the reverse.
//! - Moving between the spaces is only possible for `0..=30` (the conversions return `Option`).
//! - Width is part of the type too: `X`/`XSp` are 64-bit views, `W`/`WSp` 32-bit views, `D`/`S`
//!   double and single floating-point registers. The [`Gpr`], [`GprSp`] and [`Fpr`] traits let
//!   one encoder serve both widths, with the `sf`/`ftype` bits taken from the type.
//!
//! Registers print exactly as `llvm-mc` prints them (`x3`, `wzr`, `sp`, `d7`), so tests compare
//! assembly text.

use core::fmt;

/// Any register: what every instruction field needs from it.
pub trait Reg: Copy + Eq + fmt::Debug + fmt::Display {
    /// The 5-bit register number.
    fn num(self) -> u32;
}

/// A general register in the zero-register space (`xzr`/`wzr` for 31), 32 or 64 bits wide.
pub trait Gpr: Reg {
    /// The `sf` bit (bit 31) of data-processing instructions: 1 for 64-bit, 0 for 32-bit.
    const SF: u32;
    /// The register width in bits (32 or 64).
    const BITS: u32;
    /// The zero register of this width.
    const ZR: Self;
    /// The same width in the stack-pointer space.
    type Sp: GprSp<Zr = Self>;
    /// The same register in the stack-pointer space; `None` for the zero register.
    fn to_sp(self) -> Option<Self::Sp>;
}

/// A general register in the stack-pointer space (`sp`/`wsp` for 31), 32 or 64 bits wide.
pub trait GprSp: Reg {
    /// The `sf` bit: 1 for 64-bit, 0 for 32-bit.
    const SF: u32;
    /// The stack pointer of this width.
    const SP: Self;
    /// The same width in the zero-register space.
    type Zr: Gpr<Sp = Self>;
    /// The same register in the zero-register space; `None` for the stack pointer.
    fn to_zr(self) -> Option<Self::Zr>;
}

/// A floating-point register viewed as a double (`D`) or single (`S`).
pub trait Fpr: Reg {
    /// The `ftype` field of scalar FP instructions: 0b00 single, 0b01 double.
    const FTYPE: u32;
    /// The general register of the same width (for `fmov` between register files).
    type Gpr: Gpr;
}

macro_rules! gpr_types {
    ($( $(#[$doc:meta])* $ty:ident, $ctor:ident, $prefix:literal, $r31:literal,
        $reg31:ident ;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $ty(u8);

        impl $ty {
            /// The register with number `n`.
            ///
            /// # Panics
            /// If `n > 31`: register numbers come from the register allocator, so a larger one
            /// is a compiler bug, not an input error.
            pub const fn new(n: u8) -> Self {
                assert!(n <= 31, "AArch64 register numbers are 0..=31");
                $ty(n)
            }
        }

        #[doc = concat!("Shorthand for [`", stringify!($ty), "::new`].")]
        pub const fn $ctor(n: u8) -> $ty {
            $ty::new(n)
        }

        #[doc = concat!("Register 31 in this space: `", $r31, "`.")]
        pub const $reg31: $ty = $ty(31);

        impl Reg for $ty {
            fn num(self) -> u32 {
                self.0 as u32
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                if self.0 == 31 {
                    f.write_str($r31)
                } else {
                    write!(f, concat!($prefix, "{}"), self.0)
                }
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    )*};
}

gpr_types! {
    /// A 64-bit general register `x0`..`x30`, or `xzr` (31).
    X, x, "x", "xzr", XZR;
    /// A 32-bit general register `w0`..`w30`, or `wzr` (31).
    W, w, "w", "wzr", WZR;
    /// A 64-bit general register `x0`..`x30`, or `sp` (31).
    XSp, xsp, "x", "sp", SP;
    /// A 32-bit general register `w0`..`w30`, or `wsp` (31).
    WSp, wsp, "w", "wsp", WSP;
}

macro_rules! gpr_pair {
    ($zr:ident, $sp:ident, $sf:literal, $bits:literal) => {
        impl Gpr for $zr {
            const SF: u32 = $sf;
            const BITS: u32 = $bits;
            const ZR: Self = $zr(31);
            type Sp = $sp;
            fn to_sp(self) -> Option<$sp> {
                (self.0 != 31).then_some($sp(self.0))
            }
        }
        impl GprSp for $sp {
            const SF: u32 = $sf;
            const SP: Self = $sp(31);
            type Zr = $zr;
            fn to_zr(self) -> Option<$zr> {
                (self.0 != 31).then_some($zr(self.0))
            }
        }
    };
}

gpr_pair!(X, XSp, 1, 64);
gpr_pair!(W, WSp, 0, 32);

impl X {
    /// The 32-bit view of the same register (`x5` → `w5`, `xzr` → `wzr`).
    pub const fn w(self) -> W {
        W(self.0)
    }
}

impl W {
    /// The 64-bit view of the same register (`w5` → `x5`, `wzr` → `xzr`).
    pub const fn x(self) -> X {
        X(self.0)
    }
}

impl XSp {
    /// The 32-bit view of the same register (`x5` → `w5`, `sp` → `wsp`).
    pub const fn w(self) -> WSp {
        WSp(self.0)
    }
}

macro_rules! fpr_types {
    ($( $(#[$doc:meta])* $ty:ident, $ctor:ident, $prefix:literal, $ftype:literal,
        $gpr:ident ;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $ty(u8);

        impl $ty {
            /// The register with number `n`.
            ///
            /// # Panics
            /// If `n > 31` (a compiler bug: numbers come from the register allocator).
            pub const fn new(n: u8) -> Self {
                assert!(n <= 31, "AArch64 register numbers are 0..=31");
                $ty(n)
            }
        }

        #[doc = concat!("Shorthand for [`", stringify!($ty), "::new`].")]
        pub const fn $ctor(n: u8) -> $ty {
            $ty::new(n)
        }

        impl Fpr for $ty {
            const FTYPE: u32 = $ftype;
            type Gpr = $gpr;
        }

        impl Reg for $ty {
            fn num(self) -> u32 {
                self.0 as u32
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    )*};
}

fpr_types! {
    /// A floating-point register viewed as a 64-bit double, `d0`..`d31`.
    D, d, "d", 0b01, X;
    /// A floating-point register viewed as a 32-bit single, `s0`..`s31`.
    S, s, "s", 0b00, W;
}

impl D {
    /// The single-precision view of the same register.
    pub const fn s(self) -> S {
        S(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn register_31_prints_by_space() {
        assert_eq!(XZR.to_string(), "xzr");
        assert_eq!(SP.to_string(), "sp");
        assert_eq!(WZR.to_string(), "wzr");
        assert_eq!(WSP.to_string(), "wsp");
        assert_eq!(x(7).to_string(), "x7");
        assert_eq!(d(31).to_string(), "d31");
        assert_eq!(s(0).to_string(), "s0");
    }

    #[test]
    fn spaces_convert_only_below_31() {
        assert_eq!(XZR.to_sp(), None);
        assert_eq!(SP.to_zr(), None);
        assert_eq!(x(30).to_sp(), Some(xsp(30)));
        assert_eq!(xsp(4).to_zr(), Some(x(4)));
        assert_eq!(w(4).x(), x(4));
        assert_eq!(XZR.w(), WZR);
        assert_eq!(SP.w(), WSP);
    }

    #[test]
    #[should_panic]
    fn numbers_above_31_are_refused() {
        let _ = x(32);
    }
}
