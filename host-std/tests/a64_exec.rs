//! Generated AArch64 code, executed: small functions built with the encoder
//! (`crescent_core::jit::a64`) and the code buffer, placed in executable memory by
//! `ExecMemory`, called through the C ABI, and checked against the same computation in Rust.
//!
//! Covers integer and FP arithmetic, constants from `mov_imm64`, loads and stores in every
//! addressing form, forward and backward branches, a call out to Rust through BLR, literal
//! pools, and re-targeting an emitted branch in place (as side-trace linking will).
//!
//! Only meaningful on AArch64: run with `cargo test --target aarch64-unknown-linux-gnu -p
//! crescent-host-std --test a64_exec` (under qemu-aarch64 through the cargo runner).

#![cfg(target_arch = "aarch64")]

use crescent_core::host::{CodeMemory, CodeRegion};
use crescent_core::jit::a64::*;
use crescent_host_std::ExecMemory;

/// Executable copies of generated code, released when dropped.
struct Code {
    mem: ExecMemory,
    region: Option<CodeRegion>,
}

impl Code {
    fn new(words: &[u32]) -> Code {
        let mut mem = ExecMemory::new();
        let region = mem.reserve(words.len() * 4).expect("reserve code memory");
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        mem.write(&region, 0, &bytes).expect("write code");
        Code {
            mem,
            region: Some(region),
        }
    }

    fn from_buffer(buf: CodeBuffer) -> Code {
        Code::new(&buf.finish().expect("all labels bound"))
    }

    fn addr(&self, offset: usize) -> usize {
        self.region
            .as_ref()
            .unwrap()
            .addr(offset)
            .expect("inside the region")
    }

    /// Overwrite the word at `offset` (the W^X cycle, then I-cache maintenance).
    fn patch(&mut self, offset: usize, word: u32) {
        let region = self.region.as_ref().unwrap();
        self.mem
            .write(region, offset, &word.to_le_bytes())
            .expect("patch code");
    }

    /// The code at offset 0 as a function of type `F` (a C-ABI `extern "C" fn` type).
    ///
    /// # Safety
    /// The code must follow the C calling convention for `F`'s signature.
    unsafe fn func<F: Copy>(&self) -> F {
        assert_eq!(std::mem::size_of::<F>(), std::mem::size_of::<usize>());
        let addr = self.addr(0);
        // SAFETY: `F` is a function pointer type (size checked above) and the caller vouches
        // that the code at `addr` implements it.
        unsafe { std::mem::transmute_copy::<usize, F>(&addr) }
    }
}

impl Drop for Code {
    fn drop(&mut self) {
        if let Some(region) = self.region.take() {
            // SAFETY: the tests call generated code only while `Code` is alive.
            unsafe { self.mem.release(region) }.expect("release code memory");
        }
    }
}

fn sh<R: Gpr>(n: u32) -> ShiftAmt<R> {
    ShiftAmt::new(n).unwrap()
}
fn imm(v: u64) -> Imm12 {
    Imm12::new(v).unwrap()
}
fn ret_x30() -> u32 {
    ret(x(30))
}

const SAMPLES: [u64; 12] = [
    0,
    1,
    2,
    7,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0x1234_5678_9abc_def0,
    0x7fff_ffff_ffff_ffff,
    0x8000_0000_0000_0000,
    0xffff_ffff_ffff_fffe,
    u64::MAX,
];

#[test]
fn a64_exec_integer_arithmetic() {
    // f(a, b) = ((a + 3*b) ^ (a >> 7)) - (b << 5) + smulh(a, b) + clz(a) + rbit(b) & 0xff00ff00
    let f = Code::new(&[
        add(
            x(2),
            x(0),
            x(1),
            ArithShift::new(ShiftKind::Lsl, 1).unwrap(),
        ), // a + 2b
        add(x(2), x(2), x(1), ArithShift::none()), // + b
        eor(
            x(2),
            x(2),
            x(0),
            LogicShift::new(ShiftKind::Lsr, 7).unwrap(),
        ),
        sub(
            x(2),
            x(2),
            x(1),
            ArithShift::new(ShiftKind::Lsl, 5).unwrap(),
        ),
        smulh(x(3), x(0), x(1)),
        add(x(2), x(2), x(3), ArithShift::none()),
        clz(x(3), x(0)),
        add(x(2), x(2), x(3), ArithShift::none()),
        rbit(x(3), x(1)),
        and_imm(xsp(3), x(3), LogicImm::new(0xff00_ff00_ff00_ff00).unwrap()),
        add(x(0), x(2), x(3), ArithShift::none()),
        ret_x30(),
    ]);
    // SAFETY: the code above takes two u64 in x0, x1 and returns x0, as the C ABI says.
    let func: extern "C" fn(u64, u64) -> u64 = unsafe { f.func() };
    for a in SAMPLES {
        for b in SAMPLES {
            let smulh = ((a as i64 as i128 * b as i64 as i128) >> 64) as u64;
            let expect = (a.wrapping_add(b.wrapping_mul(3)) ^ (a >> 7))
                .wrapping_sub(b << 5)
                .wrapping_add(smulh)
                .wrapping_add(a.leading_zeros() as u64)
                .wrapping_add(b.reverse_bits() & 0xff00_ff00_ff00_ff00);
            assert_eq!(func(a, b), expect, "a={a:#x} b={b:#x}");
        }
    }
}

#[test]
fn a64_exec_division_select_bitfields() {
    // g(a, b) = (b == 0 ? 0 : a / b signed) + (a % b unsigned via msub) + ubfx(a,8,12)
    //           + sbfx(b,4,8) + bfi(0x5555, a, 4, 8) + rev(a)>>56 + cset(a < b signed)
    let f = Code::new(&[
        sdiv(x(2), x(0), x(1)),
        udiv(x(3), x(0), x(1)),
        msub(x(3), x(3), x(1), x(0)), // a - (a/b)*b
        add(x(2), x(2), x(3), ArithShift::none()),
        ubfx(x(3), x(0), Bitfield::new(8, 12).unwrap()),
        add(x(2), x(2), x(3), ArithShift::none()),
        sbfx(x(3), x(1), Bitfield::new(4, 8).unwrap()),
        add(x(2), x(2), x(3), ArithShift::none()),
        movz(x(3), MoveWide::new(0x5555, 0).unwrap()),
        bfi(x(3), x(0), Bitfield::new(4, 8).unwrap()),
        add(x(2), x(2), x(3), ArithShift::none()),
        rev(x(3), x(0)),
        add(
            x(2),
            x(2),
            x(3),
            ArithShift::new(ShiftKind::Lsr, 56).unwrap(),
        ),
        cmp(x(0), x(1), ArithShift::none()),
        cset(x(3), Cond::Lt),
        add(x(0), x(2), x(3), ArithShift::none()),
        ret_x30(),
    ]);
    // SAFETY: two u64 arguments in x0/x1, result in x0.
    let func: extern "C" fn(u64, u64) -> u64 = unsafe { f.func() };
    for a in SAMPLES {
        for b in SAMPLES {
            let (ai, bi) = (a as i64, b as i64);
            let sdiv = if bi == 0 {
                0
            } else {
                ai.wrapping_div(bi) as u64
            };
            let urem = if b == 0 { a } else { a % b };
            let ubfx = (a >> 8) & 0xfff;
            let sbfx = (((b >> 4) & 0xff) as u8 as i8) as i64 as u64;
            let bfi = (0x5555 & !0xff0) | ((a & 0xff) << 4);
            let expect = sdiv
                .wrapping_add(urem)
                .wrapping_add(ubfx)
                .wrapping_add(sbfx)
                .wrapping_add(bfi)
                .wrapping_add(a.swap_bytes() >> 56)
                .wrapping_add((ai < bi) as u64);
            assert_eq!(func(a, b), expect, "a={a:#x} b={b:#x}");
        }
    }
}

#[test]
fn a64_exec_mov_imm64_constants() {
    let mut values = vec![0u64, 1, u64::MAX, 0xffff_0000, 0x5555_5555_5555_5555];
    values.extend(SAMPLES);
    let mut s = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..40 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        values.push(s);
        values.push(s & 0xffff_0000_ffff);
        values.push(s | 0xffff_ffff_0000_0000);
    }
    let mut words = Vec::new();
    // One function per value, 8 words each: sequence, padding, ret.
    for &v in &values {
        let seq = mov_imm64(x(0), v);
        words.extend_from_slice(&seq);
        words.push(ret_x30());
        words.resize(words.len().next_multiple_of(8), brk(0));
    }
    let code = Code::new(&words);
    for (i, &v) in values.iter().enumerate() {
        let addr = code.addr(i * 32);
        // SAFETY: each 32-byte slot holds a function returning its constant in x0.
        let func: extern "C" fn() -> u64 = unsafe { std::mem::transmute(addr) };
        assert_eq!(func(), v, "mov_imm64({v:#x})");
    }
}

#[test]
fn a64_exec_floating_point() {
    // h(a, b) = fmadd(a, b, sqrt(|a|)) / (b - 0.5) + min(a, b) + floor(a) + (f64)(i64)trunc(b)
    let f = Code::new(&[
        fabs(d(2), d(0)),
        fsqrt(d(2), d(2)),
        fmadd(d(2), d(0), d(1), d(2)),
        fmov_imm(d(3), FpImm::new(0.5).unwrap()),
        fsub(d(3), d(1), d(3)),
        fdiv(d(2), d(2), d(3)),
        fmin(d(3), d(0), d(1)),
        fadd(d(2), d(2), d(3)),
        frintm(d(3), d(0)),
        fadd(d(2), d(2), d(3)),
        fcvtzs(x(0), d(1)),
        scvtf(d(3), x(0)),
        fadd(d(0), d(2), d(3)),
        ret_x30(),
    ]);
    // SAFETY: two doubles in d0/d1, result in d0.
    let func: extern "C" fn(f64, f64) -> f64 = unsafe { f.func() };
    let vals = [
        0.0,
        -0.0,
        1.0,
        -1.5,
        2.75,
        1e10,
        -3e-5,
        123.456,
        0.5,
        f64::INFINITY,
    ];
    for a in vals {
        for b in vals {
            let t = b.trunc();
            // FCVTZS saturates; NaN converts to 0.
            let bi = if t.is_nan() {
                0
            } else {
                t.clamp(i64::MIN as f64, i64::MAX as f64) as i64
            };
            let min = if a.is_nan() || b.is_nan() {
                f64::NAN
            } else if a == 0.0 && b == 0.0 {
                // FMIN of +0 and -0 is -0.
                if a.is_sign_negative() || b.is_sign_negative() {
                    -0.0
                } else {
                    0.0
                }
            } else {
                a.min(b)
            };
            let expect = a.mul_add(b, a.abs().sqrt()) / (b - 0.5) + min + a.floor() + bi as f64;
            let got = func(a, b);
            assert!(
                got.to_bits() == expect.to_bits() || (got.is_nan() && expect.is_nan()),
                "a={a} b={b}: got {got}, expected {expect}"
            );
        }
    }
    // Single precision and conversions between precisions.
    let g = Code::new(&[
        fcvt_sd(s(0), d(0)),
        fmul(s(1), s(0), s(0)),
        fneg(s(1), s(1)),
        fcvt_ds(d(0), s(1)),
        ret_x30(),
    ]);
    // SAFETY: a double in d0, a double result in d0.
    let gf: extern "C" fn(f64) -> f64 = unsafe { g.func() };
    for v in [1.5, 3.0e20, -7.25, 0.1] {
        let f = v as f32;
        assert_eq!(gf(v), -(f * f) as f64);
    }
    // Compare and select: max by fcmp + fcsel, and FCVTMS/FCVTPS.
    let h = Code::new(&[
        fcmp(d(0), d(1)),
        fcsel(d(2), d(0), d(1), Cond::Gt),
        fcvtms(x(0), d(2)),
        fcvtps(x(1), d(2)),
        add(
            x(0),
            x(1),
            x(0),
            ArithShift::new(ShiftKind::Lsl, 8).unwrap(),
        ),
        ret_x30(),
    ]);
    // SAFETY: two doubles in d0/d1, an i64 result in x0.
    let hf: extern "C" fn(f64, f64) -> i64 = unsafe { h.func() };
    for (a, b) in [(1.5, -2.0), (-3.25, -3.5), (7.0, 9.5), (-0.5, -0.75)] {
        let m: f64 = if a > b { a } else { b };
        assert_eq!(
            hf(a, b),
            ((m.floor() as i64) << 8) + m.ceil() as i64,
            "{a} {b}"
        );
    }
}

#[repr(C)]
#[derive(Debug, Default, PartialEq, Clone, Copy)]
struct Block {
    bytes: [u8; 8],
    halves: [u16; 4],
    words: [u32; 4],
    quads: [u64; 4],
    doubles: [f64; 2],
}

#[test]
fn a64_exec_loads_and_stores() {
    // Given x0 = &Block (input) and x1 = &mut Block (output), copy and transform fields using
    // every addressing form, signed and unsigned loads, pairs and FP registers.
    let off = |f: usize| f as i64;
    let (b, h, w4, q, dd) = (0, 8, 16, 32, 64);
    let mut buf = CodeBuffer::new();
    // Signed byte via unsigned offset, stored to the output byte 0 and to quads[0].
    buf.put(ldst(LDRSB_X, x(2), xsp(0), UOff::new(off(b + 1)).unwrap()));
    buf.put(ldst(STR_X, x(2), xsp(1), UOff::new(off(q)).unwrap()));
    // Unsigned halfword via register offset scaled (index 2 in x3).
    buf.put(movz(x(3), MoveWide::new(2, 0).unwrap()));
    buf.put(add_imm(xsp(4), xsp(0), imm(h as u64)));
    buf.put(ldst_reg(LDRH, w(5), xsp(4), Index::Lsl(x(3), true)));
    buf.put(add_imm(xsp(6), xsp(1), imm(h as u64)));
    buf.put(ldst_reg(STRH, w(5), xsp(6), Index::Uxtw(w(3), true)));
    // Signed word via unscaled negative offset from the end of `words`.
    buf.put(add_imm(xsp(4), xsp(0), imm((w4 + 16) as u64)));
    buf.put(ldst_unscaled(LDRSW, x(7), xsp(4), SImm9::new(-4).unwrap()));
    buf.put(ldst(STR_X, x(7), xsp(1), UOff::new(off(q + 8)).unwrap()));
    // Post-index walk over the input bytes summing them; pre-index store into output words.
    buf.put(mov_sp(xsp(4), xsp(0)));
    buf.put(movz(x(8), MoveWide::new(0, 0).unwrap()));
    for _ in 0..8 {
        buf.put(ldst_post(LDRB, w(9), xsp(4), SImm9::new(1).unwrap()));
        buf.put(add(x(8), x(8), x(9), ArithShift::none()));
    }
    buf.put(add_imm(xsp(6), xsp(1), imm(w4 as u64)));
    // words[1], by pre-index.
    buf.put(ldst_pre(STR_W, w(8), xsp(6), SImm9::new(4).unwrap()));
    // Pair of quads copied swapped; pair of doubles added.
    buf.put(ldstp(
        LDP_X,
        x(10),
        x(11),
        xsp(0),
        PairOff::new(off(q + 16)).unwrap(),
    ));
    buf.put(ldstp(
        STP_X,
        x(11),
        x(10),
        xsp(1),
        PairOff::new(off(q + 16)).unwrap(),
    ));
    buf.put(ldstp(
        LDP_D,
        d(0),
        d(1),
        xsp(0),
        PairOff::new(off(dd)).unwrap(),
    ));
    buf.put(fadd(d(2), d(0), d(1)));
    buf.put(ldst(STR_D, d(2), xsp(1), UOff::new(off(dd)).unwrap()));
    // Byte store through the zero register: output.bytes[7] = 0; bytes[0] = input byte 3.
    buf.put(ldst_unscaled(STRB, WZR, xsp(1), SImm9::new(7).unwrap()));
    buf.put(ldst(LDRB, w(12), xsp(0), UOff::new(3).unwrap()));
    buf.put(ldst(STRB, w(12), xsp(1), UOff::ZERO));
    // Stack use: push a pair, pop it back (pre/post-index on SP).
    buf.put(ldstp_pre(
        STP_X,
        x(10),
        x(11),
        SP,
        PairOff::new(-16).unwrap(),
    ));
    buf.put(ldstp_post(
        LDP_X,
        x(13),
        x(14),
        SP,
        PairOff::new(16).unwrap(),
    ));
    buf.put(sub(x(13), x(13), x(14), ArithShift::none()));
    buf.put(ldst(STR_X, x(13), xsp(1), UOff::new(off(q + 8)).unwrap()));
    buf.put(ret_x30());
    let code = Code::from_buffer(buf);

    let input = Block {
        bytes: [1, 0xfe, 3, 0x44, 5, 6, 7, 8],
        halves: [10, 20, 0xbeef, 40],
        words: [1, 2, 3, 0x8000_0001],
        quads: [0, 0, 0x1111, 0x2222],
        doubles: [1.25, 2.5],
    };
    let mut output = Block {
        bytes: [0xaa; 8],
        ..Default::default()
    };
    // SAFETY: the code reads only `Block` fields of x0 and writes those of x1, and restores SP.
    let func: extern "C" fn(*const Block, *mut Block) = unsafe { code.func() };
    func(&input, &mut output);

    let mut expect = Block {
        bytes: [0xaa; 8],
        ..Default::default()
    };
    expect.bytes[0] = 0x44;
    expect.bytes[7] = 0;
    expect.quads[0] = 0xfe_u8 as i8 as i64 as u64;
    expect.halves[2] = 0xbeef;
    expect.words[1] = input.bytes.iter().map(|&b| b as u32).sum();
    expect.quads[2] = 0x2222;
    expect.quads[3] = 0x1111;
    expect.doubles[0] = 3.75;
    // quads[1] was first the sign-extended word, then overwritten by x10 - x11.
    expect.quads[1] = 0x1111u64.wrapping_sub(0x2222);
    assert_eq!(output, expect);
}

#[test]
fn a64_exec_branches_both_ways() {
    // sum_odd(n) = sum of the odd numbers below n, with a backward loop branch (cbnz), a
    // forward skip (tbz on bit 0), and an early forward exit (b.eq) for n == 0.
    let mut buf = CodeBuffer::new();
    let (top, skip, done) = (buf.new_label(), buf.new_label(), buf.new_label());
    buf.put(movz(x(1), MoveWide::new(0, 0).unwrap()));
    buf.put(cmp_imm(xsp(0), imm(0)));
    buf.b_cond(Cond::Eq, done).unwrap();
    buf.bind(top).unwrap();
    buf.put(sub_imm(xsp(0), xsp(0), imm(1)));
    buf.tbz(x(0), sh(0), skip).unwrap();
    buf.put(add(x(1), x(1), x(0), ArithShift::none()));
    buf.bind(skip).unwrap();
    buf.cbnz(x(0), top).unwrap();
    buf.bind(done).unwrap();
    buf.put(mov(x(0), x(1)));
    buf.put(ret_x30());
    let code = Code::from_buffer(buf);
    // SAFETY: one u64 argument, u64 result.
    let func: extern "C" fn(u64) -> u64 = unsafe { code.func() };
    for n in [0u64, 1, 2, 3, 10, 101, 1000] {
        let expect: u64 = (0..n).filter(|k| k % 2 == 1).sum();
        assert_eq!(func(n), expect, "n={n}");
    }

    // A forward unconditional branch over a trap, and BL/RET to a local subroutine.
    let mut buf = CodeBuffer::new();
    let (over, sub_l) = (buf.new_label(), buf.new_label());
    buf.put(ldstp_pre(
        STP_X,
        x(29),
        x(30),
        SP,
        PairOff::new(-16).unwrap(),
    ));
    buf.b(over).unwrap();
    buf.put(brk(0xdead));
    buf.bind(over).unwrap();
    buf.bl(sub_l).unwrap();
    buf.bl(sub_l).unwrap();
    buf.put(ldstp_post(
        LDP_X,
        x(29),
        x(30),
        SP,
        PairOff::new(16).unwrap(),
    ));
    buf.put(ret_x30());
    buf.bind(sub_l).unwrap();
    buf.put(lsl_imm(x(0), x(0), sh(1)));
    buf.put(add_imm(xsp(0), xsp(0), imm(1)));
    buf.put(ret_x30());
    let code = Code::from_buffer(buf);
    // SAFETY: one u64 argument, u64 result; the frame is balanced.
    let func: extern "C" fn(u64) -> u64 = unsafe { code.func() };
    assert_eq!(func(5), ((5 * 2 + 1) * 2) + 1);
}

extern "C" fn rust_helper(a: u64, b: f64) -> u64 {
    a.wrapping_mul(1000) + (b * 10.0) as u64
}

#[test]
fn a64_exec_call_out_through_blr() {
    // f(a) = rust_helper(a + 1, 2.5) + a, keeping `a` in a callee-saved register.
    let helper = rust_helper as extern "C" fn(u64, f64) -> u64 as usize as u64;
    let mut buf = CodeBuffer::new();
    buf.put(ldstp_pre(
        STP_X,
        x(29),
        x(30),
        SP,
        PairOff::new(-32).unwrap(),
    ));
    buf.put(mov_sp(xsp(29), SP));
    buf.put(ldst(STR_X, x(19), xsp(29), UOff::new(16).unwrap()));
    buf.put(mov(x(19), x(0)));
    buf.put(add_imm(xsp(0), xsp(0), imm(1)));
    buf.put(fmov_imm(d(0), FpImm::new(2.5).unwrap()));
    buf.put_all(&mov_imm64(x(16), helper));
    buf.put(blr(x(16)));
    buf.put(add(x(0), x(0), x(19), ArithShift::none()));
    buf.put(ldst(LDR_X, x(19), xsp(29), UOff::new(16).unwrap()));
    buf.put(ldstp_post(
        LDP_X,
        x(29),
        x(30),
        SP,
        PairOff::new(32).unwrap(),
    ));
    buf.put(ret_x30());
    let code = Code::from_buffer(buf);
    // SAFETY: one u64 argument, u64 result; standard frame, x19 preserved.
    let func: extern "C" fn(u64) -> u64 = unsafe { code.func() };
    for a in [0u64, 1, 41, 1 << 40] {
        assert_eq!(func(a), rust_helper(a + 1, 2.5) + a);
    }
}

#[test]
fn a64_exec_literal_pool_and_adr() {
    let mut buf = CodeBuffer::new();
    let (lit, data) = (buf.new_label(), buf.new_label());
    buf.ldr_lit(x(0), lit).unwrap();
    buf.ldr_lit(d(0), lit).unwrap();
    buf.adr(x(1), data).unwrap();
    buf.put(ldst(LDR_W, w(2), xsp(1), UOff::new(4).unwrap()));
    buf.put(fmov_to_gpr(x(3), d(0)));
    buf.put(eor(x(0), x(0), x(3), LogicShift::none())); // 0 if both loads agree
    buf.put(add(x(0), x(0), x(2), ArithShift::none()));
    buf.put(ret_x30());
    buf.align(8);
    buf.bind(lit).unwrap();
    buf.put_u64(0x0123_4567_89ab_cdef);
    buf.bind(data).unwrap();
    buf.put_all(&[11, 22, 33]);
    let code = Code::from_buffer(buf);
    // SAFETY: no arguments, u64 result.
    let func: extern "C" fn() -> u64 = unsafe { code.func() };
    assert_eq!(func(), 22);
}

#[test]
fn a64_exec_retarget_emitted_branch() {
    // Offset 0: b.ne to the "exit" at 16 (returns 1); later re-targeted to a "side trace" at
    // 32 (returns 2), the way a hot exit gets linked.
    let mut words = vec![
        cmp_imm(xsp(0), imm(5)),
        b_cond(Cond::Ne, BranchOff19::new(12).unwrap()),
        movz(x(0), MoveWide::new(0, 0).unwrap()),
        ret_x30(),
        movz(x(0), MoveWide::new(1, 0).unwrap()),
        ret_x30(),
        brk(1),
        brk(1),
        movz(x(0), MoveWide::new(2, 0).unwrap()),
        ret_x30(),
    ];
    words.resize(16, brk(2));
    let mut code = Code::new(&words);
    // SAFETY: one u64 argument, u64 result.
    let func: extern "C" fn(u64) -> u64 = unsafe { code.func() };
    assert_eq!(func(5), 0);
    assert_eq!(func(6), 1);
    let (from, to) = (code.addr(4) as u64, code.addr(32) as u64);
    let linked = retarget(words[1], from, to).expect("in range");
    code.patch(4, linked);
    assert_eq!(func(5), 0);
    assert_eq!(func(6), 2);
}

#[test]
fn a64_exec_float_conditions_with_nan() {
    // For each named FP condition: fcmp d0, d1; cset x0, cond; ret.
    type Pred = fn(f64, f64) -> bool;
    let conds: [(Cond, Pred); 7] = [
        (Cond::FEQ, |a, b| a == b),
        (Cond::FNE, |a, b| a != b),
        (Cond::FLT, |a, b| a < b),
        (Cond::FLE, |a, b| a <= b),
        (Cond::FGT, |a, b| a > b),
        (Cond::FGE, |a, b| a >= b),
        (Cond::FUNORDERED, |a, b| a.is_nan() || b.is_nan()),
    ];
    let vals = [
        f64::NAN,
        -1.0,
        -0.0,
        0.0,
        2.5,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    for (cond, pred) in conds {
        let code = Code::new(&[fcmp(d(0), d(1)), cset(x(0), cond), ret_x30()]);
        // SAFETY: two doubles in d0/d1, u64 result.
        let func: extern "C" fn(f64, f64) -> u64 = unsafe { code.func() };
        for a in vals {
            for b in vals {
                assert_eq!(func(a, b) == 1, pred(a, b), "{cond} on {a} vs {b}");
            }
        }
    }
}
