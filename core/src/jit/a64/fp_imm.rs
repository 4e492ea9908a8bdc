//! The 8-bit floating-point immediate of `FMOV Dd, #imm` / `FMOV Sd, #imm`.
//!
//! Invariants: an [`FpImm`] holds an `imm8` whose expansion (`VFPExpandImm`) is exactly the
//! value it was built from: `±(16 + m) / 16 * 2^e` with `m` in `0..=15` and `e` in `-3..=4`.
//! Zero is not among them (`fmov d0, xzr` sets zero), nor are NaNs and infinities. Every such
//! value is exact in both single and double precision, so one type serves `S` and `D`.

use core::fmt;

/// A floating-point value encodable in FMOV's 8-bit immediate.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct FpImm(u8);

impl FpImm {
    /// `value` if it is exactly `±(1 + m/16) * 2^e`, `m` in `0..=15`, `e` in `-3..=4`.
    pub fn new(value: f64) -> Option<FpImm> {
        let bits = value.to_bits();
        let sign = (bits >> 63) as u8;
        let exp = ((bits >> 52) & 0x7ff) as i32 - 1023;
        let frac = bits & ((1 << 52) - 1);
        if frac & ((1 << 48) - 1) != 0 || !(-3..=4).contains(&exp) {
            return None;
        }
        // imm8 = a:b:c:d:efgh with a the sign, b set for exponents -3..=0, cd = (e + 3) mod 4.
        let b = (exp <= 0) as u8;
        let cd = ((exp + 3) & 3) as u8;
        Some(FpImm(sign << 7 | b << 6 | cd << 4 | (frac >> 48) as u8))
    }

    /// The value, expanded from `imm8` as the architecture's `VFPExpandImm` does.
    pub fn value(self) -> f64 {
        let imm = self.0 as u64;
        let sign = imm >> 7;
        let b = (imm >> 6) & 1;
        let cd = (imm >> 4) & 3;
        // exp = NOT(b) : Replicate(b, 8) : c : d
        let exp = (b ^ 1) << 10 | (if b == 1 { 0xff } else { 0 }) << 2 | cd;
        f64::from_bits(sign << 63 | exp << 52 | (imm & 0xf) << 48)
    }

    /// The raw `imm8`.
    pub fn imm8(self) -> u32 {
        self.0 as u32
    }

    /// Bits 20..=13 (`imm8`) placed in an instruction word.
    pub fn bits(self) -> u32 {
        (self.0 as u32) << 13
    }
}

impl fmt::Display for FpImm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `{:?}` keeps a decimal point (`#2.0`), which the assembler needs to read a float.
        write!(f, "#{:?}", self.value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_256_round_trip() {
        for imm8 in 0..=255u8 {
            let v = FpImm(imm8).value();
            assert_eq!(FpImm::new(v), Some(FpImm(imm8)), "imm8 {imm8:#x} = {v}");
        }
    }

    #[test]
    fn refuses_the_rest() {
        assert_eq!(FpImm::new(1.0).map(FpImm::imm8), Some(0x70));
        assert_eq!(FpImm::new(0.0), None);
        assert_eq!(FpImm::new(-0.0), None);
        assert_eq!(FpImm::new(0.1), None);
        assert_eq!(FpImm::new(32.0), None);
        assert_eq!(FpImm::new(31.0).map(FpImm::value), Some(31.0));
        assert_eq!(FpImm::new(0.125).map(FpImm::value), Some(0.125));
        assert_eq!(FpImm::new(0.0625), None);
        assert_eq!(FpImm::new(f64::NAN), None);
        assert_eq!(FpImm::new(f64::INFINITY), None);
    }
}
