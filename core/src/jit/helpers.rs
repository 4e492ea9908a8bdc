//! The number helpers traces call: `extern "C"` entry points for the `FPMATH` functions
//! AArch64 has no instruction for and for the pure `CALLN` helpers of [`Call`].
//!
//! Invariants: every helper computes exactly what the interpreter computes for the same
//! `math` function: it goes through [`Fpm::eval`] or [`Call::eval_num`], which call the
//! functions `stdlib/math.rs` calls (the `libm` crate, `math::ldexp`, `vm_pow`), and the
//! tests below compare all of them with the `math` library's natives bit for bit. The
//! helpers follow the C calling convention (arguments in `d0`/`d1`, result in `d0`),
//! touch no memory and cannot fail, so a trace calls them without a snapshot.

use crate::jit::ir::{Call, Fpm};

macro_rules! fpm_helpers {
    ($($name:ident => $f:ident),* $(,)?) => {
        $(extern "C" fn $name(x: f64) -> f64 {
            Fpm::$f.eval(x)
        })*
        /// The helper computing `FPMATH f`, for the functions called out of line.
        pub fn fpm_address(f: Fpm) -> Option<u64> {
            let h: extern "C" fn(f64) -> f64 = match f {
                $(Fpm::$f => $name,)*
                _ => return None,
            };
            Some(h as usize as u64)
        }
    };
}

fpm_helpers! {
    fpm_log => LOG, fpm_log2 => LOG2, fpm_log10 => LOG10, fpm_exp => EXP, fpm_exp2 => EXP2,
    fpm_sin => SIN, fpm_cos => COS, fpm_tan => TAN,
}

macro_rules! call1_helpers {
    ($($name:ident => $c:ident),* $(,)?) => {
        $(extern "C" fn $name(x: f64) -> f64 {
            Call::$c.eval_num(&[x]).unwrap_or(f64::NAN)
        })*
    };
}

macro_rules! call2_helpers {
    ($($name:ident => $c:ident),* $(,)?) => {
        $(extern "C" fn $name(x: f64, y: f64) -> f64 {
            Call::$c.eval_num(&[x, y]).unwrap_or(f64::NAN)
        })*
    };
}

call1_helpers! {
    call_asin => ASIN, call_acos => ACOS, call_atan => ATAN, call_sinh => SINH,
    call_cosh => COSH, call_tanh => TANH,
}

call2_helpers! {
    call_pow => POW, call_fmod => FMOD, call_atan2 => ATAN2, call_ldexp => LDEXP,
}

/// The helper of a pure number `Call` (arguments and result doubles), with its number of
/// arguments.
pub fn call_address(c: Call) -> Option<(u64, usize)> {
    type F1 = extern "C" fn(f64) -> f64;
    type F2 = extern "C" fn(f64, f64) -> f64;
    let one = |f: F1| Some((f as usize as u64, 1));
    let two = |f: F2| Some((f as usize as u64, 2));
    match c {
        Call::ASIN => one(call_asin),
        Call::ACOS => one(call_acos),
        Call::ATAN => one(call_atan),
        Call::SINH => one(call_sinh),
        Call::COSH => one(call_cosh),
        Call::TANH => one(call_tanh),
        Call::POW => two(call_pow),
        Call::FMOD => two(call_fmod),
        Call::ATAN2 => two(call_atan2),
        Call::LDEXP => two(call_ldexp),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;
    use crate::vm::Vm;

    /// Arguments that reach every branch of the functions: signs, zeros, tiny, huge,
    /// infinities, NaN, values near the range reductions.
    const ARGS: [f64; 22] = [
        0.0,
        -0.0,
        0.5,
        -0.5,
        1.0,
        -1.0,
        0.999999,
        2.0,
        3.0,
        10.0,
        -7.25,
        1e-310,
        1e-8,
        1e8,
        710.0,
        -745.5,
        1e300,
        22.0,
        core::f64::consts::PI,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];

    fn native(vm: &mut Vm, name: &str, args: &[f64]) -> f64 {
        let math = vm.get_global("math");
        let f = crate::stdlib::bind::get_field(vm, math, name).unwrap();
        let args: alloc::vec::Vec<Value> = args.iter().map(|x| Value::num(*x)).collect();
        vm.call1(f, &args).unwrap().as_num().unwrap()
    }

    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    /// Every helper gives the bits of the `math` native of the same name.
    #[test]
    fn helpers_match_the_math_library() {
        let mut vm = Vm::new();
        crate::stdlib::open_libs(&mut vm).unwrap();
        let fpm = [
            ("log", Fpm::LOG),
            ("log10", Fpm::LOG10),
            ("exp", Fpm::EXP),
            ("sin", Fpm::SIN),
            ("cos", Fpm::COS),
            ("tan", Fpm::TAN),
        ];
        for (name, f) in fpm {
            let h: extern "C" fn(f64) -> f64 =
                // SAFETY: `fpm_address` returns the address of an `extern "C" fn(f64) -> f64`.
                unsafe { core::mem::transmute(fpm_address(f).unwrap() as usize) };
            for x in ARGS {
                let want = native(&mut vm, name, &[x]);
                assert!(same(h(x), want), "{name}({x}): {} vs {want}", h(x));
            }
        }
        let calls = [
            ("asin", Call::ASIN),
            ("acos", Call::ACOS),
            ("atan", Call::ATAN),
            ("sinh", Call::SINH),
            ("cosh", Call::COSH),
            ("tanh", Call::TANH),
            ("pow", Call::POW),
            ("fmod", Call::FMOD),
            ("atan2", Call::ATAN2),
            ("ldexp", Call::LDEXP),
        ];
        for (name, c) in calls {
            let (addr, n) = call_address(c).unwrap();
            assert_eq!(n, c.nargs(), "{name}");
            for x in ARGS {
                if n == 1 {
                    // SAFETY: a one-argument helper is an `extern "C" fn(f64) -> f64`.
                    let h: extern "C" fn(f64) -> f64 =
                        unsafe { core::mem::transmute(addr as usize) };
                    let want = native(&mut vm, name, &[x]);
                    assert!(same(h(x), want), "{name}({x})");
                    continue;
                }
                for y in ARGS {
                    // SAFETY: a two-argument helper is an `extern "C" fn(f64, f64) -> f64`.
                    let h: extern "C" fn(f64, f64) -> f64 =
                        unsafe { core::mem::transmute(addr as usize) };
                    let want = native(&mut vm, name, &[x, y]);
                    assert!(same(h(x, y), want), "{name}({x}, {y})");
                }
            }
        }
        assert!(call_address(Call::TAB_LEN).is_none());
        assert!(fpm_address(Fpm::FLOOR).is_none());
    }
}
