//! The code buffer: label binding, fixups and their range errors, alignment, and patching of
//! emitted branches. (That resolved words are the right instructions is checked against
//! llvm-mc in `a64_llvm_mc.rs`; this file checks the buffer's bookkeeping and errors.)

use crescent_core::jit::a64::*;

fn nops(buf: &mut CodeBuffer, n: usize) {
    for _ in 0..n {
        buf.put(nop());
    }
}

#[test]
fn a64_forward_and_backward_offsets() {
    let mut buf = CodeBuffer::new();
    let top = buf.new_label();
    let end = buf.new_label();
    buf.bind(top).unwrap();
    nops(&mut buf, 3);
    buf.cbz(x(0), end).unwrap(); // at 12, forward
    nops(&mut buf, 2);
    buf.b(top).unwrap(); // at 24, backward
    buf.bind(end).unwrap(); // at 28
    let words = buf.finish().unwrap();
    assert_eq!(LabelUse::Branch19.offset_of(words[3]), 16);
    assert_eq!(LabelUse::Branch26.offset_of(words[6]), -24);
    assert_eq!(words[3], cbz(x(0), BranchOff19::new(16).unwrap()));
    assert_eq!(words[6], b(BranchOff26::new(-24).unwrap()));
}

#[test]
fn a64_out_of_range_forward_is_an_error() {
    // B.cond reaches 1 MiB - 4 forward: one word more is an error at bind time.
    let mut buf = CodeBuffer::new();
    let far = buf.new_label();
    let near = buf.new_label();
    buf.b_cond(Cond::Eq, far).unwrap();
    buf.b_cond(Cond::Ne, near).unwrap();
    nops(&mut buf, (1 << 18) - 2);
    buf.bind(near).unwrap(); // exactly 1 MiB - 4 from the second branch
    let err = buf.bind(far).unwrap_err(); // 1 MiB from the first
    assert_eq!(
        err,
        BufError::OutOfRange {
            at: 0,
            target: 1 << 20,
            kind: LabelUse::Branch19
        }
    );
    assert!(err.to_string().contains("cannot reach"));
}

#[test]
fn a64_out_of_range_backward_is_an_error() {
    // TBZ reaches 32 KiB backward, and no further.
    let mut buf = CodeBuffer::new();
    let top = buf.new_label();
    buf.bind(top).unwrap();
    nops(&mut buf, 8193);
    let bit = ShiftAmt::<X>::new(63).unwrap();
    assert_eq!(
        buf.tbz(x(1), bit, top),
        Err(BufError::OutOfRange {
            at: 32772,
            target: 0,
            kind: LabelUse::Branch14
        })
    );
    let mut buf = CodeBuffer::new();
    let top = buf.new_label();
    buf.bind(top).unwrap();
    nops(&mut buf, 8192);
    buf.tbnz(x(1), bit, top).unwrap();
    assert_eq!(LabelUse::Branch14.offset_of(buf.words()[8192]), -32768);
}

#[test]
fn a64_label_misuse_is_an_error() {
    let mut buf = CodeBuffer::new();
    let l = buf.new_label();
    buf.bind(l).unwrap();
    assert_eq!(buf.bind(l), Err(BufError::Rebound(l)));

    let mut buf = CodeBuffer::new();
    let l = buf.new_label();
    buf.b(l).unwrap();
    assert_eq!(buf.clone().finish(), Err(BufError::Unbound(l)));
    buf.bind(l).unwrap();
    assert!(buf.finish().is_ok());

    // A label from another buffer is not known here.
    let mut other = CodeBuffer::new();
    let _ = other.new_label();
    let foreign = other.new_label();
    let mut buf = CodeBuffer::new();
    assert_eq!(buf.b(foreign), Err(BufError::Foreign(foreign)));
    assert_eq!(buf.bind(foreign), Err(BufError::Foreign(foreign)));
}

#[test]
fn a64_several_fixups_to_one_label() {
    let mut buf = CodeBuffer::new();
    let l = buf.new_label();
    for _ in 0..5 {
        buf.b(l).unwrap();
        buf.adr(x(2), l).unwrap();
    }
    buf.bind(l).unwrap();
    let words = buf.finish().unwrap();
    for (i, &wd) in words.iter().enumerate() {
        let kind = LabelUse::of_word(wd).unwrap();
        assert_eq!(kind.offset_of(wd), 40 - 4 * i as i64);
    }
}

#[test]
fn a64_align_pads_with_nops() {
    let mut buf = CodeBuffer::new();
    buf.put(brk(0));
    buf.align(16);
    assert_eq!(buf.offset(), 16);
    assert!(buf.words()[1..].iter().all(|&wd| wd == nop()));
    buf.align(16);
    assert_eq!(buf.offset(), 16);
    buf.align(2);
    assert_eq!(buf.offset(), 16);
    buf.put(nop());
    buf.align(8);
    assert_eq!(buf.offset(), 24);
    let lit = buf.new_label();
    buf.bind(lit).unwrap();
    buf.put_u64(0x1122_3344_5566_7788);
    assert_eq!(&buf.words()[6..], &[0x5566_7788, 0x1122_3344]);
}

#[test]
fn a64_patch_retargets_emitted_branches() {
    let mut buf = CodeBuffer::new();
    let exit = buf.new_label();
    buf.b_cond(Cond::Lo, exit).unwrap(); // a guard
    buf.put(add_imm(xsp(0), xsp(0), Imm12::new(1).unwrap()));
    nops(&mut buf, 10);
    buf.bind(exit).unwrap();
    buf.put(brk(1));
    // Link the guard to a "side trace" further on.
    buf.patch(0, 44).unwrap();
    assert_eq!(
        buf.words()[0],
        b_cond(Cond::Lo, BranchOff19::new(44).unwrap())
    );
    // Not a branch, misaligned, outside: errors, buffer unchanged.
    assert_eq!(buf.patch(4, 0), Err(BufError::NotPcRelative { at: 4 }));
    assert_eq!(buf.patch(2, 0), Err(BufError::NotPcRelative { at: 2 }));
    assert_eq!(
        buf.patch(4000, 0),
        Err(BufError::NotPcRelative { at: 4000 })
    );
    assert_eq!(
        buf.patch(0, 1 << 20),
        Err(BufError::OutOfRange {
            at: 0,
            target: 1 << 20,
            kind: LabelUse::Branch19
        })
    );
    assert_eq!(
        buf.patch(0, 6),
        Err(BufError::OutOfRange {
            at: 0,
            target: 6,
            kind: LabelUse::Branch19
        })
    );
    assert_eq!(
        buf.words()[0],
        b_cond(Cond::Lo, BranchOff19::new(44).unwrap())
    );
}

#[test]
fn a64_retarget_in_place_by_address() {
    let base = 0x7f00_0000_0000u64;
    let word = b(BranchOff26::new(8).unwrap());
    let at = base + 0x100;
    let linked = retarget(word, at, at + (100 << 20)).unwrap();
    assert_eq!(linked, b(BranchOff26::new(100 << 20).unwrap()));
    assert_eq!(retarget(word, at, at + (128 << 20)), None);
    assert_eq!(
        retarget(word, at, at - (128 << 20)),
        Some(b(BranchOff26::new(-(128 << 20)).unwrap()))
    );
    // Every PC-relative kind is recognised and keeps its other fields.
    let guard = cbnz(w(7), BranchOff19::new(-4).unwrap());
    assert_eq!(
        retarget(guard, at, at + 64),
        Some(cbnz(w(7), BranchOff19::new(64).unwrap()))
    );
    let bit = ShiftAmt::<X>::new(40).unwrap();
    let t = tbz(x(9), bit, BranchOff14::new(4).unwrap());
    assert_eq!(
        retarget(t, at, at - 400),
        Some(tbz(x(9), bit, BranchOff14::new(-400).unwrap()))
    );
    let a = adr(x(3), AdrOff::new(0).unwrap());
    assert_eq!(
        retarget(a, at, at + 3),
        Some(adr(x(3), AdrOff::new(3).unwrap()))
    );
    let l = ldr_lit(d(4), BranchOff19::new(0).unwrap());
    assert_eq!(
        retarget(l, at, at + 16),
        Some(ldr_lit(d(4), BranchOff19::new(16).unwrap()))
    );
    // Not PC-relative: refused.
    for wd in [
        nop(),
        adrp(x(0), AdrpOff::new(4096).unwrap()),
        br(x(16)),
        ldst(LDR_X, x(0), SP, UOff::new(8).unwrap()),
        add_imm(xsp(1), SP, Imm12::new(4).unwrap()),
    ] {
        assert_eq!(LabelUse::of_word(wd), None, "{wd:#x}");
        assert_eq!(retarget(wd, at, at + 4), None);
    }
}

#[test]
fn a64_patch_round_trips_at_range_edges() {
    // For each kind: a template word from the encoder, offsets around both range ends; the
    // patched word must equal the encoder's own word for that offset, or be refused exactly
    // when the offset type refuses it.
    let bit = ShiftAmt::<X>::new(9).unwrap();
    let mut offsets = vec![0i64, 4, -4, 1, 2, 3, -1, 4096, -4096];
    for e in [1i64 << 15, 1 << 20, 1 << 27] {
        for d in [-8, -5, -4, -1, 0, 1, 4] {
            offsets.push(e + d);
            offsets.push(-e + d);
        }
    }
    let mut checked = 0;
    for &o in &offsets {
        let cases: [(u32, LabelUse, Option<u32>); 6] = [
            (
                b(BranchOff26::new(0).unwrap()),
                LabelUse::Branch26,
                BranchOff26::new(o).map(b),
            ),
            (
                b_cond(Cond::Hi, BranchOff19::new(0).unwrap()),
                LabelUse::Branch19,
                BranchOff19::new(o).map(|f| b_cond(Cond::Hi, f)),
            ),
            (
                cbz(w(4), BranchOff19::new(0).unwrap()),
                LabelUse::Branch19,
                BranchOff19::new(o).map(|f| cbz(w(4), f)),
            ),
            (
                tbnz(x(8), bit, BranchOff14::new(0).unwrap()),
                LabelUse::Branch14,
                BranchOff14::new(o).map(|f| tbnz(x(8), bit, f)),
            ),
            (
                adr(x(1), AdrOff::new(0).unwrap()),
                LabelUse::Adr21,
                AdrOff::new(o).map(|f| adr(x(1), f)),
            ),
            (
                ldrsw_lit(x(6), BranchOff19::new(0).unwrap()),
                LabelUse::Branch19,
                BranchOff19::new(o).map(|f| ldrsw_lit(x(6), f)),
            ),
        ];
        for (template, kind, expect) in cases {
            assert_eq!(LabelUse::of_word(template), Some(kind), "{template:#x}");
            let patched = kind.patch(template, o);
            assert_eq!(patched, expect, "{kind:?} offset {o}");
            if let Some(wd) = patched {
                assert_eq!(kind.offset_of(wd), o);
                // Patching again (re-linking) replaces, never accumulates.
                assert_eq!(kind.patch(wd, 0), Some(template));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, offsets.len() * 6);
}
