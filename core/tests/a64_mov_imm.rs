//! `mov_imm64`/`mov_imm32`: the sequence must produce the value, and be as short as the best
//! MOVZ/MOVN/ORR-bitmask + MOVK sequence, found here by exhaustive search over every bitmask
//! immediate (5334 for 64-bit registers, 1302 for 32-bit ones), indexed by halfwords.

use crescent_core::jit::a64::*;
use std::collections::HashSet;

/// Execute MOVZ/MOVN/MOVK/ORR-immediate words on a model register file, reading the fields
/// as the architecture defines them. Returns the final value of register `rd`.
fn run(words: &[u32], rd: u32) -> u64 {
    let mut regs = [0xdead_beef_dead_beef_u64; 32];
    for &wd in words {
        let sf = wd >> 31;
        let reg = (wd & 31) as usize;
        let mask = if sf == 1 { u64::MAX } else { 0xffff_ffff };
        let value = if wd & 0x1f80_0000 == 0x1280_0000 {
            // Move wide: sf:opc:100101:hw:imm16:Rd
            let opc = (wd >> 29) & 3;
            let shift = ((wd >> 21) & 3) * 16;
            let imm = (((wd >> 5) & 0xffff) as u64) << shift;
            match opc {
                0b00 => !imm,
                0b10 => imm,
                0b11 => (regs[reg] & !(0xffff << shift)) | imm,
                _ => panic!("bad move-wide opc in {wd:#x}"),
            }
        } else if wd & 0x7f80_0000 == 0x3200_0000 {
            // ORR (immediate) from the zero register.
            assert_eq!(
                (wd >> 5) & 31,
                31,
                "ORR source must be the zero register: {wd:#x}"
            );
            assert_ne!(reg, 31, "ORR would write SP: {wd:#x}");
            let (n, immr, imms) = ((wd >> 22) & 1, (wd >> 16) & 63, (wd >> 10) & 63);
            decode_bit_masks(n, immr, imms, if sf == 1 { 64 } else { 32 }).expect("valid mask")
        } else {
            panic!("unexpected instruction {wd:#010x}");
        };
        if reg != 31 {
            regs[reg] = value & mask;
        }
    }
    regs[rd as usize]
}

/// Number of non-zero halfwords among the low `n`.
fn nonzero_halfwords(v: u64, n: u32) -> usize {
    (0..n).filter(|i| (v >> (16 * i)) & 0xffff != 0).count()
}

/// The bits of the halfwords in `subset` (bit i set: halfword i).
fn subset_bits(subset: u32) -> u64 {
    (0..4)
        .filter(|i| subset & (1 << i) != 0)
        .fold(0, |m, i| m | 0xffff << (16 * i))
}

/// Every bitmask immediate of one width, indexed by each subset of its halfwords, so the
/// best ORR base for a value (the one agreeing with it on the most halfwords) is found
/// exactly without scanning the list.
struct Oracle {
    n: u32,
    known: HashSet<(u32, u64)>,
}

impl Oracle {
    fn new(masks: &[u64], n: u32) -> Oracle {
        let mut known = HashSet::new();
        for &m in masks {
            for subset in 0..1 << n {
                known.insert((subset, m & subset_bits(subset)));
            }
        }
        Oracle { n, known }
    }

    /// The length of the shortest MOVZ/MOVN/ORR + MOVK sequence for `v`.
    fn optimal(&self, v: u64) -> usize {
        let n = self.n;
        let ones = u64::MAX >> (64 - 16 * n);
        let mut best = nonzero_halfwords(v, n)
            .max(1)
            .min(nonzero_halfwords(v ^ ones, n).max(1));
        // ORR of a mask agreeing with `v` on the halfwords of `subset`, then a MOVK for each
        // other halfword (at most; the minimum over subsets is exact).
        for subset in 0..1u32 << n {
            if self.known.contains(&(subset, v & subset_bits(subset))) {
                best = best.min(1 + (n - subset.count_ones()) as usize);
            }
        }
        best
    }
}

fn masks(width: u32) -> Vec<u64> {
    let mut v = Vec::new();
    for n in 0..2 {
        for immr in 0..64 {
            for imms in 0..64 {
                if let Some(m) = decode_bit_masks(n, immr, imms, width) {
                    v.push(m);
                }
            }
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Values with structure: bitmasks, bitmasks with halfwords overwritten, halfword mixes of
/// 0, 0xffff and random, and plain random values.
fn samples(masks: &[u64], width: u32) -> Vec<u64> {
    let n = width / 16;
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut v = vec![
        0,
        u64::MAX >> (64 - width),
        1,
        0xffff,
        0x1_0000,
        0x8000_0000,
    ];
    for (i, &m) in masks.iter().enumerate() {
        v.push(m);
        let h = (i as u32) % n;
        let r = rng.next() & 0xffff;
        v.push((m & !(0xffff << (16 * h))) | r << (16 * h));
        if n == 4 && i % 3 == 0 {
            let h2 = (h + 1 + (i as u32 / 3) % 3) % 4;
            let r2 = rng.next() & 0xffff;
            v.push((v[v.len() - 1] & !(0xffff << (16 * h2))) | r2 << (16 * h2));
        }
    }
    for i in 0..(1 << (2 * n)) {
        let mut x = 0u64;
        for h in 0..n {
            let pick = match (i >> (2 * h)) & 3 {
                0 => 0,
                1 => 0xffff,
                2 => 0x1234,
                _ => rng.next() & 0xffff,
            };
            x |= pick << (16 * h);
        }
        v.push(x);
    }
    for _ in 0..3000 {
        v.push(rng.next() >> (64 - width));
    }
    v
}

#[test]
fn a64_mov_imm64_is_correct_and_shortest() {
    let masks = masks(64);
    assert_eq!(masks.len(), 5334);
    let oracle = Oracle::new(&masks, 4);
    let mut by_len = [0usize; 5];
    for (i, v) in samples(&masks, 64).into_iter().enumerate() {
        let rd = [x(0), x(17), x(30)][i % 3];
        let seq = mov_imm64(rd, v);
        assert_eq!(run(&seq, rd.num()), v, "mov_imm64({v:#x}) = {:x?}", &*seq);
        assert_eq!(
            seq.len(),
            oracle.optimal(v),
            "mov_imm64({v:#x}) not shortest: {:x?}",
            &*seq
        );
        by_len[seq.len()] += 1;
    }
    // Writing xzr must never become an ORR (which would write SP).
    for v in [0x5555_5555_5555_5555u64, 0xff, 0x1234_5678] {
        assert!(mov_imm64(XZR, v)
            .iter()
            .all(|&w| w & 0x7f80_0000 != 0x3200_0000));
    }
    println!("mov_imm64: sequences of length 1/2/3/4: {:?}", &by_len[1..]);
}

#[test]
fn a64_mov_imm32_is_correct_and_shortest() {
    let masks = masks(32);
    assert_eq!(masks.len(), 1302);
    let oracle = Oracle::new(&masks, 2);
    for v in samples(&masks, 32) {
        let seq = mov_imm32(w(3), v as u32);
        assert_eq!(run(&seq, 3), v, "mov_imm32({v:#x}) = {:x?}", &*seq);
        assert_eq!(
            seq.len(),
            oracle.optimal(v),
            "mov_imm32({v:#x}) not shortest"
        );
    }
}
