//! Cross-check of every AArch64 encoder function against an independent assembler.
//!
//! For each encoder function (a "form"), the test generates many operand combinations —
//! boundary immediates, register 31 as SP and as the zero register, every condition, every
//! load/store operation — and writes the assembly text each should be. All texts are
//! assembled in one batch by `llvm-mc --triple=aarch64 -show-encoding`, and the words must
//! match. No expected word is typed by hand.
//!
//! Immediate constructors are checked the same way: sampled values, valid and invalid, are
//! written into an instruction that takes them; the constructor must accept exactly the
//! values `llvm-mc` assembles *into that instruction form* (an alias to another form, such as
//! `ldr` with a negative offset becoming `ldur`, counts as a refusal), and for accepted ones
//! the words must agree.
//!
//! `llvm-mc` must be installed (set `LLVM_MC` to use another path): without it the test fails.

use crescent_core::jit::a64::*;
use std::collections::BTreeSet;
use std::fmt::Display;
use std::io::Write;
use std::process::{Command, Stdio};

// ---------------------------------------------------------------------------------------------
// llvm-mc driver

/// Assemble `lines` in one batch: for each line, its word or llvm-mc's error message.
fn assemble(lines: &[String]) -> Vec<Result<u32, String>> {
    let exe = std::env::var("LLVM_MC").unwrap_or_else(|_| "llvm-mc".into());
    let mut child = Command::new(&exe)
        .args(["--triple=aarch64", "-show-encoding"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{exe}` ({e}): the AArch64 encoder is cross-checked against \
                 llvm-mc; install LLVM's llvm-mc (Debian: apt-get install llvm) or set LLVM_MC"
            )
        });
    let mut input = lines.join("\n");
    input.push('\n');
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("llvm-mc runs");
    writer
        .join()
        .expect("writer thread")
        .expect("write to llvm-mc");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);

    // Errors: "<stdin>:LINE:COL: error: MESSAGE".
    let mut errors = std::collections::BTreeMap::new();
    for l in stderr.lines() {
        let Some(rest) = l.strip_prefix("<stdin>:") else {
            continue;
        };
        let mut parts = rest.splitn(3, ':');
        let (Some(line), Some(_col), Some(msg)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if let (Ok(n), Some(m)) = (line.parse::<usize>(), msg.trim().strip_prefix("error:")) {
            errors.entry(n).or_insert_with(|| m.trim().to_string());
        }
    }
    // Encodings, one per accepted line, in order: "// encoding: [0x20,0x04,0x40,0x91]".
    let mut words = Vec::new();
    for l in stdout.lines() {
        let Some(i) = l.find("encoding: [") else {
            continue;
        };
        let bytes: Vec<u8> = l[i + 11..]
            .trim_end_matches(']')
            .split(',')
            .map(|b| u8::from_str_radix(b.trim().trim_start_matches("0x"), 16).expect("hex"))
            .collect();
        assert_eq!(bytes.len(), 4, "unexpected encoding line: {l}");
        words.push(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]));
    }
    assert_eq!(
        words.len() + errors.len(),
        lines.len(),
        "llvm-mc output does not line up with its input ({} words, {} errors, {} lines)\n{}",
        words.len(),
        errors.len(),
        lines.len(),
        stderr.lines().take(20).collect::<Vec<_>>().join("\n")
    );
    let mut words = words.into_iter();
    (1..=lines.len())
        .map(|n| match errors.get(&n) {
            Some(msg) => Err(msg.clone()),
            None => Ok(words.next().expect("counted above")),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Collecting cases

/// (immediate kind, text, our word if the constructor accepted, (mask, pattern) of the form)
type ImmCase = (String, String, Option<u32>, (u32, u32));

#[derive(Default)]
struct Cases {
    /// (form, text, our word)
    enc: Vec<(String, String, u32)>,
    imm: Vec<ImmCase>,
}

impl Cases {
    fn add(&mut self, form: impl Into<String>, word: u32, text: String) {
        self.enc.push((form.into(), text, word));
    }
    fn imm(&mut self, kind: &str, text: String, word: Option<u32>, class: (u32, u32)) {
        self.imm.push((kind.into(), text, word, class));
    }
}

/// Every register of a list in every position, plus rotations, as triples.
fn triples<T: Copy>(l: &[T]) -> Vec<(T, T, T)> {
    let n = l.len();
    let mut v = Vec::new();
    for i in 0..n {
        v.push((l[i], l[(i + 1) % n], l[(i + 2) % n]));
        v.push((l[i], l[1 % n], l[2 % n]));
        v.push((l[1 % n], l[i], l[2 % n]));
        v.push((l[1 % n], l[2 % n], l[i]));
    }
    v
}

fn pairs<T: Copy>(l: &[T]) -> Vec<(T, T)> {
    triples(l).into_iter().map(|(a, b, _)| (a, b)).collect()
}

fn quads<T: Copy>(l: &[T]) -> Vec<(T, T, T, T)> {
    let n = l.len();
    let mut v: Vec<_> = triples(l)
        .into_iter()
        .map(|(a, b, c)| (a, b, c, l[3 % n]))
        .collect();
    for &r in l {
        v.push((l[0], l[1 % n], l[2 % n], r));
    }
    v
}

const NUMS: [u8; 15] = [0, 1, 2, 3, 7, 8, 15, 16, 17, 18, 19, 28, 29, 30, 31];

fn xs() -> Vec<X> {
    NUMS.iter().map(|&n| x(n)).collect()
}
fn ws() -> Vec<W> {
    NUMS.iter().map(|&n| w(n)).collect()
}
fn xsps() -> Vec<XSp> {
    NUMS.iter().map(|&n| xsp(n)).collect()
}
fn wsps() -> Vec<WSp> {
    NUMS.iter().map(|&n| wsp(n)).collect()
}
fn ds() -> Vec<D> {
    [0, 1, 2, 7, 8, 15, 16, 23, 30, 31]
        .iter()
        .map(|&n| d(n))
        .collect()
}
fn ss() -> Vec<S> {
    [0, 1, 2, 7, 8, 15, 16, 23, 30, 31]
        .iter()
        .map(|&n| s(n))
        .collect()
}

/// A width of general registers with its sample lists.
trait Width: Gpr {
    fn zr_list() -> Vec<Self>;
    fn sp_list() -> Vec<Self::Sp>;
}
impl Width for X {
    fn zr_list() -> Vec<X> {
        xs()
    }
    fn sp_list() -> Vec<XSp> {
        xsps()
    }
}
impl Width for W {
    fn zr_list() -> Vec<W> {
        ws()
    }
    fn sp_list() -> Vec<WSp> {
        wsps()
    }
}

fn imm12_samples() -> Vec<Imm12> {
    let mut v: Vec<Imm12> = [
        0u64, 1, 2, 0x7ff, 0x800, 0xffe, 0xfff, 0x1000, 0x2000, 0x7ff000,
    ]
    .iter()
    .chain(&[0x800000, 0xfff000, 0x123, 0x456000])
    .map(|&v| Imm12::new(v).unwrap())
    .collect();
    v.push(Imm12::with_shift(0, true).unwrap());
    v.push(Imm12::with_shift(1, true).unwrap());
    v
}

fn logic_samples<R: Gpr>() -> Vec<LogicImm<R>> {
    // A spread of every element size and rotation, taken from the full list of encodings.
    let mut all = Vec::new();
    for n in 0..2 {
        for immr in 0..64 {
            for imms in 0..64 {
                if let Some(v) = decode_bit_masks(n, immr, imms, R::BITS) {
                    all.push(v);
                }
            }
        }
    }
    all.sort_unstable();
    all.dedup();
    let step = all.len() / 60;
    let mut v: Vec<LogicImm<R>> = all
        .iter()
        .step_by(step)
        .map(|&v| LogicImm::new(v).unwrap())
        .collect();
    v.push(LogicImm::new(*all.first().unwrap()).unwrap());
    v.push(LogicImm::new(*all.last().unwrap()).unwrap());
    v
}

fn arith_shifts<R: Gpr>() -> Vec<ArithShift<R>> {
    let mut v = vec![ArithShift::none()];
    for kind in [ShiftKind::Lsl, ShiftKind::Lsr, ShiftKind::Asr] {
        for amount in [0, 1, 5, R::BITS / 2, R::BITS - 1] {
            v.push(ArithShift::new(kind, amount).unwrap());
        }
    }
    v
}

fn logic_shifts<R: Gpr>() -> Vec<LogicShift<R>> {
    let mut v = vec![LogicShift::none()];
    for kind in [
        ShiftKind::Lsl,
        ShiftKind::Lsr,
        ShiftKind::Asr,
        ShiftKind::Ror,
    ] {
        for amount in [0, 1, 7, R::BITS - 1] {
            v.push(LogicShift::new(kind, amount).unwrap());
        }
    }
    v
}

fn shift_amounts<R: Gpr>() -> Vec<ShiftAmt<R>> {
    [0, 1, 2, 15, 16, 31, 32, 33, 62, 63]
        .iter()
        .filter_map(|&n| ShiftAmt::new(n))
        .collect()
}

fn bitfields<R: Gpr>() -> Vec<Bitfield<R>> {
    let b = R::BITS;
    let mut v = Vec::new();
    for lsb in [0, 1, 7, 8, b / 2, b - 2, b - 1] {
        for width in [1, 2, 8, b / 2, b - lsb - 1, b - lsb] {
            if let Some(f) = Bitfield::new(lsb, width) {
                v.push(f);
            }
        }
    }
    v
}

fn extends_w() -> Vec<Extend> {
    let mut v = Vec::new();
    for kind in [
        ExtendKind::Uxtb,
        ExtendKind::Uxth,
        ExtendKind::Uxtw,
        ExtendKind::Sxtb,
        ExtendKind::Sxth,
        ExtendKind::Sxtw,
    ] {
        for amount in 0..=4 {
            v.push(Extend::new(kind, amount).unwrap());
        }
    }
    v
}

fn extended_regs<R: Gpr>() -> Vec<ExtendedReg> {
    let mut v = Vec::new();
    let ws = ws();
    for (i, e) in extends_w().into_iter().enumerate() {
        v.push(ExtendedReg::w(ws[i % ws.len()], e).unwrap());
    }
    if R::BITS == 64 {
        let xs = xs();
        for kind in [ExtendKind::Uxtx, ExtendKind::Sxtx] {
            for amount in 0..=4 {
                let e = Extend::new(kind, amount).unwrap();
                v.push(ExtendedReg::x(xs[(amount as usize * 3) % xs.len()], e).unwrap());
            }
        }
    }
    v
}

fn conds() -> Vec<Cond> {
    Cond::ALL.to_vec()
}

fn invertible_conds() -> Vec<Cond> {
    Cond::ALL
        .iter()
        .copied()
        .filter(|c| !matches!(c, Cond::Al | Cond::Nv))
        .collect()
}

fn cycle<T: Copy>(l: &[T], i: usize) -> T {
    l[i % l.len()]
}

// ---------------------------------------------------------------------------------------------
// Forms

fn width_forms<R: Width>(c: &mut Cases) {
    let b = R::BITS;
    let rs = R::zr_list();
    let sps = R::sp_list();
    let f = |name: &str| format!("{name}/{b}");

    // ADD/SUB immediate.
    for (i, imm) in imm12_samples().into_iter().enumerate() {
        for (rd, rn) in pairs(&sps).into_iter().skip(i % 3).step_by(3) {
            c.add(
                f("add_imm"),
                add_imm(rd, rn, imm),
                format!("add {rd}, {rn}, {imm}"),
            );
            c.add(
                f("sub_imm"),
                sub_imm(rd, rn, imm),
                format!("sub {rd}, {rn}, {imm}"),
            );
            c.add(f("mov_sp"), mov_sp(rd, rn), format!("add {rd}, {rn}, #0"));
            c.add(f("cmp_imm"), cmp_imm(rn, imm), format!("cmp {rn}, {imm}"));
            c.add(f("cmn_imm"), cmn_imm(rn, imm), format!("cmn {rn}, {imm}"));
        }
        for (j, rd) in rs.iter().enumerate() {
            let rn = cycle(&sps, i + j);
            c.add(
                f("adds_imm"),
                adds_imm(*rd, rn, imm),
                format!("adds {rd}, {rn}, {imm}"),
            );
            c.add(
                f("subs_imm"),
                subs_imm(*rd, rn, imm),
                format!("subs {rd}, {rn}, {imm}"),
            );
        }
    }
    // ADD/SUB shifted register.
    for (i, sh) in arith_shifts::<R>().into_iter().enumerate() {
        for (rd, rn, rm) in triples(&rs).into_iter().skip(i % 2).step_by(2) {
            c.add(
                f("add"),
                add(rd, rn, rm, sh),
                format!("add {rd}, {rn}, {rm}, {sh}"),
            );
            c.add(
                f("sub"),
                sub(rd, rn, rm, sh),
                format!("sub {rd}, {rn}, {rm}, {sh}"),
            );
            c.add(
                f("adds"),
                adds(rd, rn, rm, sh),
                format!("adds {rd}, {rn}, {rm}, {sh}"),
            );
            c.add(
                f("subs"),
                subs(rd, rn, rm, sh),
                format!("subs {rd}, {rn}, {rm}, {sh}"),
            );
            c.add(f("cmp"), cmp(rn, rm, sh), format!("cmp {rn}, {rm}, {sh}"));
            c.add(f("cmn"), cmn(rn, rm, sh), format!("cmn {rn}, {rm}, {sh}"));
            c.add(f("neg"), neg(rd, rm, sh), format!("neg {rd}, {rm}, {sh}"));
            c.add(
                f("negs"),
                negs(rd, rm, sh),
                format!("negs {rd}, {rm}, {sh}"),
            );
        }
    }
    // ADD/SUB extended register.
    for (i, e) in extended_regs::<R>().into_iter().enumerate() {
        let (rd, rn) = (cycle(&sps, i), cycle(&sps, i * 7 + 3));
        let rdz = cycle(&rs, i * 5 + 1);
        let text = |m: &str, d: &dyn Display, n: &dyn Display| format!("{m} {d}, {n}, {e}");
        c.add(f("add_ext"), add_ext(rd, rn, e), text("add", &rd, &rn));
        c.add(f("sub_ext"), sub_ext(rd, rn, e), text("sub", &rd, &rn));
        c.add(f("adds_ext"), adds_ext(rdz, rn, e), text("adds", &rdz, &rn));
        c.add(f("subs_ext"), subs_ext(rdz, rn, e), text("subs", &rdz, &rn));
        c.add(f("cmp_ext"), cmp_ext(rn, e), format!("cmp {rn}, {e}"));
        c.add(f("cmn_ext"), cmn_ext(rn, e), format!("cmn {rn}, {e}"));
    }
    // Logical immediate.
    for (i, imm) in logic_samples::<R>().into_iter().enumerate() {
        let (rd, rn, rdz) = (cycle(&sps, i), cycle(&rs, i * 7 + 2), cycle(&rs, i * 3 + 1));
        c.add(
            f("and_imm"),
            and_imm(rd, rn, imm),
            format!("and {rd}, {rn}, {imm}"),
        );
        c.add(
            f("orr_imm"),
            orr_imm(rd, rn, imm),
            format!("orr {rd}, {rn}, {imm}"),
        );
        c.add(
            f("eor_imm"),
            eor_imm(rd, rn, imm),
            format!("eor {rd}, {rn}, {imm}"),
        );
        c.add(
            f("ands_imm"),
            ands_imm(rdz, rn, imm),
            format!("ands {rdz}, {rn}, {imm}"),
        );
        c.add(f("tst_imm"), tst_imm(rn, imm), format!("tst {rn}, {imm}"));
    }
    // Logical shifted register.
    type Lf<R> = fn(R, R, R, LogicShift<R>) -> u32;
    let logic: [(&str, Lf<R>); 8] = [
        ("and", and),
        ("bic", bic),
        ("orr", orr),
        ("orn", orn),
        ("eor", eor),
        ("eon", eon),
        ("ands", ands),
        ("bics", bics),
    ];
    for (i, sh) in logic_shifts::<R>().into_iter().enumerate() {
        for (rd, rn, rm) in triples(&rs).into_iter().skip(i % 3).step_by(3) {
            for (name, func) in logic {
                c.add(
                    f(name),
                    func(rd, rn, rm, sh),
                    format!("{name} {rd}, {rn}, {rm}, {sh}"),
                );
            }
            c.add(f("tst"), tst(rn, rm, sh), format!("tst {rn}, {rm}, {sh}"));
            c.add(f("mvn"), mvn(rd, rm, sh), format!("mvn {rd}, {rm}, {sh}"));
        }
    }
    for (rd, rm) in pairs(&rs) {
        c.add(f("mov"), mov(rd, rm), format!("mov {rd}, {rm}"));
    }
    // Move wide.
    for (i, rd) in rs.iter().enumerate() {
        for imm16 in [0u16, 1, 0x1234, 0x8000, 0xffff] {
            for shift in (0..b).step_by(16) {
                if (i + shift as usize / 16) & 1 == 0 {
                    continue;
                }
                let m = MoveWide::<R>::new(imm16, shift).unwrap();
                let t = |op: &str| format!("{op} {rd}, #{imm16}, lsl #{shift}");
                c.add(f("movz"), movz(*rd, m), t("movz"));
                c.add(f("movn"), movn(*rd, m), t("movn"));
                c.add(f("movk"), movk(*rd, m), t("movk"));
            }
        }
    }
    // Data processing, 3/2/1 sources.
    for (rd, rn, rm, ra) in quads(&rs) {
        c.add(
            f("madd"),
            madd(rd, rn, rm, ra),
            format!("madd {rd}, {rn}, {rm}, {ra}"),
        );
        c.add(
            f("msub"),
            msub(rd, rn, rm, ra),
            format!("msub {rd}, {rn}, {rm}, {ra}"),
        );
    }
    type F3<R> = fn(R, R, R) -> u32;
    let dp2: [(&str, F3<R>); 12] = [
        ("mul", mul),
        ("mneg", mneg),
        ("udiv", udiv),
        ("sdiv", sdiv),
        ("lslv", lslv),
        ("lsrv", lsrv),
        ("asrv", asrv),
        ("rorv", rorv),
        ("lsl", lsl),
        ("lsr", lsr),
        ("asr", asr),
        ("ror", ror),
    ];
    for (rd, rn, rm) in triples(&rs) {
        for (name, func) in dp2 {
            c.add(
                f(name),
                func(rd, rn, rm),
                format!("{name} {rd}, {rn}, {rm}"),
            );
        }
    }
    type F2<R> = fn(R, R) -> u32;
    let dp1: [(&str, F2<R>); 5] = [
        ("rbit", rbit),
        ("rev16", rev16),
        ("clz", clz),
        ("cls", cls),
        ("rev", rev),
    ];
    for (rd, rn) in pairs(&rs) {
        for (name, func) in dp1 {
            c.add(f(name), func(rd, rn), format!("{name} {rd}, {rn}"));
        }
    }
    // Bitfield moves and their aliases.
    let mut i = 0;
    for immr in [0, 1, b / 2, b - 1] {
        for imms in [0, 1, 7, b / 2, b - 1] {
            let r = BitfieldRaw::<R>::new(immr, imms).unwrap();
            let (rd, rn) = (cycle(&rs, i), cycle(&rs, i * 7 + 3));
            i += 1;
            c.add(f("sbfm"), sbfm(rd, rn, r), format!("sbfm {rd}, {rn}, {r}"));
            c.add(f("bfm"), bfm(rd, rn, r), format!("bfm {rd}, {rn}, {r}"));
            c.add(f("ubfm"), ubfm(rd, rn, r), format!("ubfm {rd}, {rn}, {r}"));
        }
    }
    for (i, sh) in shift_amounts::<R>().into_iter().enumerate() {
        for (rd, rn, rm) in triples(&rs).into_iter().skip(i % 4).step_by(4) {
            c.add(
                f("lsl_imm"),
                lsl_imm(rd, rn, sh),
                format!("lsl {rd}, {rn}, {sh}"),
            );
            c.add(
                f("lsr_imm"),
                lsr_imm(rd, rn, sh),
                format!("lsr {rd}, {rn}, {sh}"),
            );
            c.add(
                f("asr_imm"),
                asr_imm(rd, rn, sh),
                format!("asr {rd}, {rn}, {sh}"),
            );
            c.add(
                f("ror_imm"),
                ror_imm(rd, rn, sh),
                format!("ror {rd}, {rn}, {sh}"),
            );
            c.add(
                f("extr"),
                extr(rd, rn, rm, sh),
                format!("extr {rd}, {rn}, {rm}, {sh}"),
            );
        }
    }
    type Bf<R> = fn(R, R, Bitfield<R>) -> u32;
    let bfs: [(&str, Bf<R>); 6] = [
        ("ubfx", ubfx),
        ("sbfx", sbfx),
        ("bfxil", bfxil),
        ("bfi", bfi),
        ("ubfiz", ubfiz),
        ("sbfiz", sbfiz),
    ];
    for (i, bf) in bitfields::<R>().into_iter().enumerate() {
        let (rd, rn) = (cycle(&rs, i), cycle(&rs, i * 5 + 2));
        for (name, func) in bfs {
            // `bfi`/`bfxil` with the zero register as source are spelled `bfc` by llvm-mc.
            let rn = if rn == R::ZR && name.starts_with("bf") {
                cycle(&rs, i + 1)
            } else {
                rn
            };
            c.add(
                f(name),
                func(rd, rn, bf),
                format!("{name} {rd}, {rn}, {bf}"),
            );
        }
    }
    let wl = ws();
    for (i, rd) in rs.iter().enumerate() {
        let rn = cycle(&wl, i * 3 + 1);
        c.add(f("sxtb"), sxtb(*rd, rn), format!("sxtb {rd}, {rn}"));
        c.add(f("sxth"), sxth(*rd, rn), format!("sxth {rd}, {rn}"));
    }
    // Conditional select.
    type Cs<R> = fn(R, R, R, Cond) -> u32;
    let csels: [(&str, Cs<R>); 4] = [
        ("csel", csel),
        ("csinc", csinc),
        ("csinv", csinv),
        ("csneg", csneg),
    ];
    for (i, cond) in conds().into_iter().enumerate() {
        for (rd, rn, rm) in triples(&rs).into_iter().skip(i % 3).step_by(3) {
            for (name, func) in csels {
                c.add(
                    f(name),
                    func(rd, rn, rm, cond),
                    format!("{name} {rd}, {rn}, {rm}, {cond}"),
                );
            }
        }
    }
    for (i, cond) in invertible_conds().into_iter().enumerate() {
        for (rd, rn) in pairs(&rs).into_iter().skip(i % 2).step_by(2) {
            c.add(f("cset"), cset(rd, cond), format!("cset {rd}, {cond}"));
            c.add(f("csetm"), csetm(rd, cond), format!("csetm {rd}, {cond}"));
            c.add(
                f("cinc"),
                cinc(rd, rn, cond),
                format!("cinc {rd}, {rn}, {cond}"),
            );
            c.add(
                f("cinv"),
                cinv(rd, rn, cond),
                format!("cinv {rd}, {rn}, {cond}"),
            );
            c.add(
                f("cneg"),
                cneg(rd, rn, cond),
                format!("cneg {rd}, {rn}, {cond}"),
            );
        }
    }
    // Conditional compare.
    for (i, cond) in conds().into_iter().enumerate() {
        for (j, (rn, rm)) in pairs(&rs).into_iter().enumerate().skip(i % 4).step_by(4) {
            let nzcv = Nzcv::new(((i + j) % 16) as u32).unwrap();
            let imm = CcmpImm::new([0, 1, 17, 31][j % 4]).unwrap();
            let t = |m: &str, o: &dyn Display| format!("{m} {rn}, {o}, {nzcv}, {cond}");
            c.add(f("ccmp"), ccmp(rn, rm, nzcv, cond), t("ccmp", &rm));
            c.add(f("ccmn"), ccmn(rn, rm, nzcv, cond), t("ccmn", &rm));
            c.add(
                f("ccmp_imm"),
                ccmp_imm(rn, imm, nzcv, cond),
                t("ccmp", &imm),
            );
            c.add(
                f("ccmn_imm"),
                ccmn_imm(rn, imm, nzcv, cond),
                t("ccmn", &imm),
            );
        }
    }
    // Compare and branch, test and branch.
    for (i, off) in branch19_samples().into_iter().enumerate() {
        for rt in rs.iter().skip(i % 3).step_by(3) {
            c.add(f("cbz"), cbz(*rt, off), format!("cbz {rt}, {off}"));
            c.add(f("cbnz"), cbnz(*rt, off), format!("cbnz {rt}, {off}"));
        }
    }
    for (i, off) in branch14_samples().into_iter().enumerate() {
        for (j, bit) in shift_amounts::<R>().into_iter().enumerate() {
            let rt = cycle(&rs, i + j);
            c.add(
                f("tbz"),
                tbz(rt, bit, off),
                format!("tbz {rt}, {bit}, {off}"),
            );
            c.add(
                f("tbnz"),
                tbnz(rt, bit, off),
                format!("tbnz {rt}, {bit}, {off}"),
            );
        }
    }
}

fn branch26_samples() -> Vec<BranchOff26> {
    offs(BranchOff26::MIN, BranchOff26::MAX)
        .into_iter()
        .filter_map(BranchOff26::new)
        .collect()
}
fn branch19_samples() -> Vec<BranchOff19> {
    offs(BranchOff19::MIN, BranchOff19::MAX)
        .into_iter()
        .filter_map(BranchOff19::new)
        .collect()
}
fn branch14_samples() -> Vec<BranchOff14> {
    offs(BranchOff14::MIN, BranchOff14::MAX)
        .into_iter()
        .filter_map(BranchOff14::new)
        .collect()
}

/// Offsets around zero and both ends of a range, in and just out of it, aligned or not.
fn offs(min: i64, max: i64) -> Vec<i64> {
    let mut v = vec![
        0,
        1,
        2,
        3,
        4,
        8,
        -4,
        -8,
        12,
        4096,
        -4096,
        0x1234 * 4,
        -0x123 * 4,
    ];
    for e in [min, max] {
        for d in [-8, -4, -1, 0, 1, 4, 8] {
            v.push(e + d);
        }
    }
    v.push(min / 2);
    v.push((max / 2) & !3);
    v
}

fn x_only_forms(c: &mut Cases) {
    let xl = xs();
    let wl = ws();
    for (rd, rn, rm) in triples(&xl) {
        c.add(
            "smulh",
            smulh(rd, rn, rm),
            format!("smulh {rd}, {rn}, {rm}"),
        );
        c.add(
            "umulh",
            umulh(rd, rn, rm),
            format!("umulh {rd}, {rn}, {rm}"),
        );
        let (wn, wm) = (rn.w(), rm.w());
        c.add(
            "smull",
            smull(rd, wn, wm),
            format!("smull {rd}, {wn}, {wm}"),
        );
        c.add(
            "umull",
            umull(rd, wn, wm),
            format!("umull {rd}, {wn}, {wm}"),
        );
    }
    for (rd, rn) in pairs(&xl) {
        c.add("rev32", rev32(rd, rn), format!("rev32 {rd}, {rn}"));
        let wn = rn.w();
        c.add("sxtw", sxtw(rd, wn), format!("sxtw {rd}, {wn}"));
    }
    for (rd, rn) in pairs(&wl) {
        c.add("uxtb", uxtb(rd, rn), format!("uxtb {rd}, {rn}"));
        c.add("uxth", uxth(rd, rn), format!("uxth {rd}, {rn}"));
    }
    // Branches.
    for off in branch26_samples() {
        c.add("b", b(off), format!("b {off}"));
        c.add("bl", bl(off), format!("bl {off}"));
    }
    for (i, cond) in conds().into_iter().enumerate() {
        for off in branch19_samples().into_iter().skip(i % 4).step_by(4) {
            c.add("b_cond", b_cond(cond, off), format!("b.{cond} {off}"));
        }
    }
    for r in &xl {
        c.add("br", br(*r), format!("br {r}"));
        c.add("blr", blr(*r), format!("blr {r}"));
        c.add("ret", ret(*r), format!("ret {r}"));
    }
    for (i, o) in offs(AdrOff::MIN, AdrOff::MAX).into_iter().enumerate() {
        let rd = cycle(&xl, i);
        if let Some(off) = AdrOff::new(o) {
            c.add("adr", adr(rd, off), format!("adr {rd}, {off}"));
        }
        if let Some(off) = AdrpOff::new(o & !0xfff) {
            c.add("adrp", adrp(rd, off), format!("adrp {rd}, {off}"));
        }
    }
    for o in offs(AdrpOff::MIN, AdrpOff::MAX) {
        if let Some(off) = AdrpOff::new(o & !0xfff) {
            c.add("adrp", adrp(x(5), off), format!("adrp x5, {off}"));
        }
    }
}

fn uoff_samples<const L: u32>() -> Vec<UOff<L>> {
    let u = 1i64 << L;
    [
        0,
        u,
        2 * u,
        3 * u,
        255 * u,
        256 * u,
        2048 * u,
        4094 * u,
        4095 * u,
    ]
    .into_iter()
    .map(|o| UOff::new(o).unwrap())
    .collect()
}

fn simm9_samples() -> Vec<SImm9> {
    [-256, -255, -129, -17, -8, -1, 0, 1, 3, 8, 17, 128, 254, 255]
        .into_iter()
        .map(|o| SImm9::new(o).unwrap())
        .collect()
}

fn indexes() -> Vec<Index> {
    let (xl, wl) = (xs(), ws());
    let mut v = Vec::new();
    for (i, scaled) in [false, true, false, true].into_iter().enumerate() {
        v.push(Index::Lsl(cycle(&xl, i * 4), scaled));
        v.push(Index::Uxtw(cycle(&wl, i * 4 + 1), scaled));
        v.push(Index::Sxtw(cycle(&wl, i * 4 + 2), scaled));
        v.push(Index::Sxtx(cycle(&xl, i * 4 + 3), scaled));
    }
    v
}

fn fmt_index(idx: Index, l: u32) -> String {
    let mut s = String::new();
    idx.fmt_for(l, &mut s).unwrap();
    s
}

/// Whether a write-back form with transfer register number `rt` and base `rn` is
/// unpredictable (and refused by llvm-mc).
fn writeback_clash(rt: u32, is_gpr: bool, rn: XSp) -> bool {
    is_gpr && rt == rn.num() && rt != 31
}

fn ldst_forms<R: Reg, const L: u32>(c: &mut Cases, op: LdSt<R, L>, rts: &[R], gpr: bool) {
    let form = |m: &str| {
        format!(
            "{m}:{}{}",
            op.name(),
            rts[0].to_string().chars().next().unwrap()
        )
    };
    let bases = xsps();
    for (i, off) in uoff_samples::<L>().into_iter().enumerate() {
        for (j, rt) in rts.iter().enumerate().skip(i % 2).step_by(2) {
            let rn = cycle(&bases, i + j);
            c.add(
                form("ldst"),
                ldst(op, *rt, rn, off),
                format!("{} {rt}, [{rn}, {off}]", op.name()),
            );
        }
    }
    for (i, off) in simm9_samples().into_iter().enumerate() {
        for (j, rt) in rts.iter().enumerate().skip(i % 3).step_by(3) {
            let rn = cycle(&bases, i * 2 + j);
            let u = op.unscaled_name();
            c.add(
                form("ldst_unscaled"),
                ldst_unscaled(op, *rt, rn, off),
                format!("{u} {rt}, [{rn}, {off}]"),
            );
            if writeback_clash(rt.num(), gpr, rn) {
                continue;
            }
            let n = op.name();
            c.add(
                form("ldst_pre"),
                ldst_pre(op, *rt, rn, off),
                format!("{n} {rt}, [{rn}, {off}]!"),
            );
            c.add(
                form("ldst_post"),
                ldst_post(op, *rt, rn, off),
                format!("{n} {rt}, [{rn}], {off}"),
            );
        }
    }
    for (i, idx) in indexes().into_iter().enumerate() {
        for (j, rt) in rts.iter().enumerate().skip(i % 3).step_by(3) {
            let rn = cycle(&bases, i + j * 2);
            let t = format!("{} {rt}, [{rn}, {}]", op.name(), fmt_index(idx, L));
            c.add(form("ldst_reg"), ldst_reg(op, *rt, rn, idx), t);
        }
    }
}

fn pair_forms<R: Reg, const L: u32>(c: &mut Cases, op: LdStPair<R, L>, rts: &[R], gpr: bool) {
    let form = |m: &str| {
        format!(
            "{m}:{}{}",
            op.name(),
            rts[0].to_string().chars().next().unwrap()
        )
    };
    let load = op.name().starts_with("ld");
    let u = 1i64 << L;
    let offs: Vec<PairOff<L>> = [-64 * u, -63 * u, -u, 0, u, 2 * u, 62 * u, 63 * u]
        .into_iter()
        .map(|o| PairOff::new(o).unwrap())
        .collect();
    let bases = xsps();
    let n = op.name();
    for (i, off) in offs.into_iter().enumerate() {
        for (rt, rt2, _) in triples(rts).into_iter().skip(i % 2).step_by(2) {
            let rn = cycle(&bases, i * 3 + rt.num() as usize);
            if load && rt == rt2 {
                continue;
            }
            c.add(
                form("ldstp"),
                ldstp(op, rt, rt2, rn, off),
                format!("{n} {rt}, {rt2}, [{rn}, {off}]"),
            );
            if writeback_clash(rt.num(), gpr, rn) || writeback_clash(rt2.num(), gpr, rn) {
                continue;
            }
            c.add(
                form("ldstp_pre"),
                ldstp_pre(op, rt, rt2, rn, off),
                format!("{n} {rt}, {rt2}, [{rn}, {off}]!"),
            );
            c.add(
                form("ldstp_post"),
                ldstp_post(op, rt, rt2, rn, off),
                format!("{n} {rt}, {rt2}, [{rn}], {off}"),
            );
        }
    }
}

fn memory_forms(c: &mut Cases) {
    let (xl, wl, dl, sl) = (xs(), ws(), ds(), ss());
    ldst_forms(c, STRB, &wl, true);
    ldst_forms(c, LDRB, &wl, true);
    ldst_forms(c, LDRSB_X, &xl, true);
    ldst_forms(c, LDRSB_W, &wl, true);
    ldst_forms(c, STRH, &wl, true);
    ldst_forms(c, LDRH, &wl, true);
    ldst_forms(c, LDRSH_X, &xl, true);
    ldst_forms(c, LDRSH_W, &wl, true);
    ldst_forms(c, STR_W, &wl, true);
    ldst_forms(c, LDR_W, &wl, true);
    ldst_forms(c, LDRSW, &xl, true);
    ldst_forms(c, STR_X, &xl, true);
    ldst_forms(c, LDR_X, &xl, true);
    ldst_forms(c, STR_S, &sl, false);
    ldst_forms(c, LDR_S, &sl, false);
    ldst_forms(c, STR_D, &dl, false);
    ldst_forms(c, LDR_D, &dl, false);
    pair_forms(c, STP_W, &wl, true);
    pair_forms(c, LDP_W, &wl, true);
    pair_forms(c, LDPSW, &xl, true);
    pair_forms(c, STP_X, &xl, true);
    pair_forms(c, LDP_X, &xl, true);
    pair_forms(c, STP_S, &sl, false);
    pair_forms(c, LDP_S, &sl, false);
    pair_forms(c, STP_D, &dl, false);
    pair_forms(c, LDP_D, &dl, false);
    for (i, off) in branch19_samples().into_iter().enumerate() {
        let (rx, rw, rd, rs) = (
            cycle(&xl, i),
            cycle(&wl, i + 1),
            cycle(&dl, i),
            cycle(&sl, i),
        );
        c.add("ldr_lit:x", ldr_lit(rx, off), format!("ldr {rx}, {off}"));
        c.add("ldr_lit:w", ldr_lit(rw, off), format!("ldr {rw}, {off}"));
        c.add("ldr_lit:d", ldr_lit(rd, off), format!("ldr {rd}, {off}"));
        c.add("ldr_lit:s", ldr_lit(rs, off), format!("ldr {rs}, {off}"));
        c.add(
            "ldrsw_lit",
            ldrsw_lit(rx, off),
            format!("ldrsw {rx}, {off}"),
        );
    }
}

fn fp_samples() -> Vec<FpImm> {
    [
        1.0, -1.0, 0.125, -0.125, 0.1328125, 1.9375, 2.0, 0.5, 3.0, 10.0, 15.5, 16.0, 31.0, -31.0,
    ]
    .into_iter()
    .map(|v| FpImm::new(v).unwrap())
    .collect()
}

fn fp_forms<F: Fpr>(c: &mut Cases, fl: &[F]) {
    let p = fl[0].to_string().chars().next().unwrap();
    let f = |name: &str| format!("{name}/{p}");
    type F2<F> = fn(F, F) -> u32;
    let one: [(&str, F2<F>); 11] = [
        ("fmov", fmov),
        ("fabs", fabs),
        ("fneg", fneg),
        ("fsqrt", fsqrt),
        ("frintn", frintn),
        ("frintp", frintp),
        ("frintm", frintm),
        ("frintz", frintz),
        ("frinta", frinta),
        ("frintx", frintx),
        ("frinti", frinti),
    ];
    for (rd, rn) in pairs(fl) {
        for (name, func) in one {
            c.add(f(name), func(rd, rn), format!("{name} {rd}, {rn}"));
        }
        c.add(f("fcmp"), fcmp(rd, rn), format!("fcmp {rd}, {rn}"));
        c.add(f("fcmpe"), fcmpe(rd, rn), format!("fcmpe {rd}, {rn}"));
    }
    for r in fl {
        c.add(f("fcmp_zero"), fcmp_zero(*r), format!("fcmp {r}, #0.0"));
        c.add(f("fcmpe_zero"), fcmpe_zero(*r), format!("fcmpe {r}, #0.0"));
    }
    type F3<F> = fn(F, F, F) -> u32;
    let two: [(&str, F3<F>); 9] = [
        ("fmul", fmul),
        ("fdiv", fdiv),
        ("fadd", fadd),
        ("fsub", fsub),
        ("fmax", fmax),
        ("fmin", fmin),
        ("fmaxnm", fmaxnm),
        ("fminnm", fminnm),
        ("fnmul", fnmul),
    ];
    for (rd, rn, rm) in triples(fl) {
        for (name, func) in two {
            c.add(
                f(name),
                func(rd, rn, rm),
                format!("{name} {rd}, {rn}, {rm}"),
            );
        }
    }
    type F4<F> = fn(F, F, F, F) -> u32;
    let three: [(&str, F4<F>); 4] = [
        ("fmadd", fmadd),
        ("fmsub", fmsub),
        ("fnmadd", fnmadd),
        ("fnmsub", fnmsub),
    ];
    for (rd, rn, rm, ra) in quads(fl) {
        for (name, func) in three {
            c.add(
                f(name),
                func(rd, rn, rm, ra),
                format!("{name} {rd}, {rn}, {rm}, {ra}"),
            );
        }
    }
    for (i, cond) in conds().into_iter().enumerate() {
        for (rd, rn, rm) in triples(fl).into_iter().skip(i % 4).step_by(4) {
            c.add(
                f("fcsel"),
                fcsel(rd, rn, rm, cond),
                format!("fcsel {rd}, {rn}, {rm}, {cond}"),
            );
        }
    }
    for (i, imm) in fp_samples().into_iter().enumerate() {
        let rd = cycle(fl, i);
        c.add(
            f("fmov_imm"),
            fmov_imm(rd, imm),
            format!("fmov {rd}, {imm}"),
        );
    }
    conversions::<F, X>(c, fl, &xs());
    conversions::<F, W>(c, fl, &ws());
}

fn conversions<F: Fpr, R: Gpr>(c: &mut Cases, fl: &[F], rl: &[R]) {
    let tag = format!("{}{}", fl[0].to_string().chars().next().unwrap(), R::BITS);
    let f = |name: &str| format!("{name}/{tag}");
    type ToInt<R, F> = fn(R, F) -> u32;
    let to_int: [(&str, ToInt<R, F>); 9] = [
        ("fcvtns", fcvtns),
        ("fcvtnu", fcvtnu),
        ("fcvtas", fcvtas),
        ("fcvtps", fcvtps),
        ("fcvtpu", fcvtpu),
        ("fcvtms", fcvtms),
        ("fcvtmu", fcvtmu),
        ("fcvtzs", fcvtzs),
        ("fcvtzu", fcvtzu),
    ];
    for i in 0..rl.len().max(fl.len()) {
        let (r, fr) = (cycle(rl, i), cycle(fl, i * 3 + 1));
        c.add(f("scvtf"), scvtf(fr, r), format!("scvtf {fr}, {r}"));
        c.add(f("ucvtf"), ucvtf(fr, r), format!("ucvtf {fr}, {r}"));
        for (name, func) in to_int {
            c.add(f(name), func(r, fr), format!("{name} {r}, {fr}"));
        }
    }
}

fn fp_moves(c: &mut Cases) {
    let (xl, wl, dl, sl) = (xs(), ws(), ds(), ss());
    for i in 0..xl.len() {
        let (rx, rw, rd, rs) = (
            cycle(&xl, i),
            cycle(&wl, i + 2),
            cycle(&dl, i),
            cycle(&sl, i + 1),
        );
        c.add(
            "fmov_to_gpr/d",
            fmov_to_gpr(rx, rd),
            format!("fmov {rx}, {rd}"),
        );
        c.add(
            "fmov_from_gpr/d",
            fmov_from_gpr(rd, rx),
            format!("fmov {rd}, {rx}"),
        );
        c.add(
            "fmov_to_gpr/s",
            fmov_to_gpr(rw, rs),
            format!("fmov {rw}, {rs}"),
        );
        c.add(
            "fmov_from_gpr/s",
            fmov_from_gpr(rs, rw),
            format!("fmov {rs}, {rw}"),
        );
        c.add("fcvt_ds", fcvt_ds(rd, rs), format!("fcvt {rd}, {rs}"));
        c.add("fcvt_sd", fcvt_sd(rs, rd), format!("fcvt {rs}, {rd}"));
    }
}

fn system_forms(c: &mut Cases) {
    c.add("nop", nop(), "nop".into());
    c.add("isb", isb(), "isb".into());
    for imm in [0u16, 1, 0x7fff, 0x8000, 0xf000, 0xffff] {
        c.add("brk", brk(imm), format!("brk #{imm:#x}"));
        c.add("svc", svc(imm), format!("svc #{imm:#x}"));
        c.add("hvc", hvc(imm), format!("hvc #{imm:#x}"));
    }
    for o in Barrier::ALL {
        c.add("dmb", dmb(o), format!("dmb {}", o.name()));
        c.add("dsb", dsb(o), format!("dsb {}", o.name()));
    }
    for r in xs() {
        c.add("dc_cvau", dc_cvau(r), format!("dc cvau, {r}"));
        c.add("dc_civac", dc_civac(r), format!("dc civac, {r}"));
        c.add("dc_cvac", dc_cvac(r), format!("dc cvac, {r}"));
        c.add("dc_ivac", dc_ivac(r), format!("dc ivac, {r}"));
        c.add("dc_zva", dc_zva(r), format!("dc zva, {r}"));
        c.add("ic_ivau", ic_ivau(r), format!("ic ivau, {r}"));
        c.add("tlbi_vaae1", tlbi_vaae1(r), format!("tlbi vaae1, {r}"));
        c.add(
            "tlbi_vaae1is",
            tlbi_vaae1is(r),
            format!("tlbi vaae1is, {r}"),
        );
    }
    c.add("ic_iallu", ic_iallu(), "ic iallu".into());
    c.add("ic_ialluis", ic_ialluis(), "ic ialluis".into());
    c.add("tlbi_vmalle1", tlbi_vmalle1(), "tlbi vmalle1".into());
    c.add("tlbi_vmalle1is", tlbi_vmalle1is(), "tlbi vmalle1is".into());
    for (i, &reg) in SysReg::ALL.iter().enumerate() {
        for rt in [x(i as u8 % 31), XZR] {
            c.add("mrs", mrs(rt, reg), format!("mrs {rt}, {}", reg.name()));
            if let Some(word) = msr(reg, rt) {
                c.add("msr", word, format!("msr {}, {rt}", reg.name()));
            }
        }
    }
    for field in [PState::DAIFSet, PState::DAIFClr, PState::SPSel] {
        for imm in 0..=field.max_imm() {
            c.add(
                "msr_imm",
                msr_imm(field, imm).unwrap(),
                format!("msr {}, #{imm}", field.name()),
            );
        }
    }
}

/// The assembly text of a PC-relative instruction, given its byte offset.
type TextOf = Box<dyn Fn(i64) -> String>;

/// PC-relative instructions emitted through `CodeBuffer` labels, forward and backward: once
/// the buffer is finished each must be the instruction with the numeric offset to its label.
fn buffer_forms(c: &mut Cases) {
    let mut buf = CodeBuffer::new();
    let labels: Vec<Label> = (0..6).map(|_| buf.new_label()).collect();
    // (form, word offset, label index, text given the byte offset)
    let mut refs: Vec<(&str, usize, usize, TextOf)> = Vec::new();
    let bit = ShiftAmt::<X>::new(37).unwrap();
    let wbit = ShiftAmt::<W>::new(5).unwrap();
    for round in 0..12 {
        if round % 2 == 0 && round / 2 < labels.len() {
            buf.bind(labels[round / 2]).unwrap();
        }
        for (k, &l) in labels.iter().enumerate() {
            let cond = Cond::ALL[(round + k) % 14];
            let r = x(((round * 3 + k) % 31) as u8);
            let at = buf.offset();
            let mut note = |form: &'static str, f: TextOf| {
                refs.push((form, at, k, f));
            };
            match (round + k) % 10 {
                0 => {
                    buf.b(l).unwrap();
                    note("CodeBuffer::b", Box::new(|o| format!("b #{o}")));
                }
                1 => {
                    buf.bl(l).unwrap();
                    note("CodeBuffer::bl", Box::new(|o| format!("bl #{o}")));
                }
                2 => {
                    buf.b_cond(cond, l).unwrap();
                    note(
                        "CodeBuffer::b_cond",
                        Box::new(move |o| format!("b.{cond} #{o}")),
                    );
                }
                3 => {
                    buf.cbz(r, l).unwrap();
                    note(
                        "CodeBuffer::cbz",
                        Box::new(move |o| format!("cbz {r}, #{o}")),
                    );
                }
                4 => {
                    buf.cbnz(r.w(), l).unwrap();
                    let rw = r.w();
                    note(
                        "CodeBuffer::cbnz",
                        Box::new(move |o| format!("cbnz {rw}, #{o}")),
                    );
                }
                5 => {
                    buf.tbz(r, bit, l).unwrap();
                    note(
                        "CodeBuffer::tbz",
                        Box::new(move |o| format!("tbz {r}, #37, #{o}")),
                    );
                }
                6 => {
                    buf.tbnz(r.w(), wbit, l).unwrap();
                    let rw = r.w();
                    note(
                        "CodeBuffer::tbnz",
                        Box::new(move |o| format!("tbnz {rw}, #5, #{o}")),
                    );
                }
                7 => {
                    buf.adr(r, l).unwrap();
                    note(
                        "CodeBuffer::adr",
                        Box::new(move |o| format!("adr {r}, #{o}")),
                    );
                }
                8 => {
                    buf.ldr_lit(d(round as u8), l).unwrap();
                    note(
                        "CodeBuffer::ldr_lit",
                        Box::new(move |o| format!("ldr d{round}, #{o}")),
                    );
                }
                _ => {
                    buf.ldr_lit(r.w(), l).unwrap();
                    let rw = r.w();
                    note(
                        "CodeBuffer::ldr_lit",
                        Box::new(move |o| format!("ldr {rw}, #{o}")),
                    );
                }
            }
        }
        for _ in 0..round * 37 {
            buf.put(nop());
        }
    }
    let offsets: Vec<usize> = labels
        .iter()
        .map(|&l| buf.label_offset(l).unwrap())
        .collect();
    let words = buf.finish().unwrap();
    for (form, at, k, text) in refs {
        let off = offsets[k] as i64 - at as i64;
        c.add(form, words[at / 4], text(off));
    }
}

// ---------------------------------------------------------------------------------------------
// Immediate constructors against llvm-mc's accept/refuse

/// Word masks identifying an instruction form (so an alias to another form is a refusal).
const ADD_IMM_X: (u32, u32) = (0xff80_0000, 0x9100_0000);
const AND_IMM_X: (u32, u32) = (0xff80_0000, 0x9200_0000);
const AND_IMM_W: (u32, u32) = (0xff80_0000, 0x1200_0000);
const UBFM_X: (u32, u32) = (0xffc0_0000, 0xd340_0000);
const UBFM_W: (u32, u32) = (0xffc0_0000, 0x5300_0000);
const ADD_SHIFTED: (u32, u32) = (0xff20_0000, 0x8b00_0000);
const ADD_SHIFTED_W: (u32, u32) = (0xff20_0000, 0x0b00_0000);
const AND_SHIFTED: (u32, u32) = (0xff20_0000, 0x8a00_0000);
const ADD_EXT_X: (u32, u32) = (0xffe0_0000, 0x8b20_0000);
const MOVZ_X: (u32, u32) = (0xff80_0000, 0xd280_0000);
const MOVZ_W: (u32, u32) = (0xff80_0000, 0x5280_0000);
const LDST_UOFF: (u32, u32) = (0x3b00_0000, 0x3900_0000);
const LDUR: (u32, u32) = (0x3b20_0c00, 0x3800_0000);
const LDST_PRE: (u32, u32) = (0x3b20_0c00, 0x3800_0c00);
const LDP_OFF: (u32, u32) = (0x3bc0_0000, 0x2940_0000);
const FMOV_IMM: (u32, u32) = (0xff20_1fe0, 0x1e20_1000);
const B: (u32, u32) = (0xfc00_0000, 0x1400_0000);
const B_COND: (u32, u32) = (0xff00_0010, 0x5400_0000);
const TBZ: (u32, u32) = (0x7f00_0000, 0x3600_0000);
const ADR: (u32, u32) = (0x9f00_0000, 0x1000_0000);
const ADRP: (u32, u32) = (0x9f00_0000, 0x9000_0000);
const LDR_LIT: (u32, u32) = (0xff00_0000, 0x5800_0000);
const MSR_IMM: (u32, u32) = (0xfff8_f01f, 0xd500_401f);
const MSR_REG: (u32, u32) = (0xfff0_0000, 0xd510_0000);
const BFM_X: (u32, u32) = (0xffc0_0000, 0xb340_0000);

fn immediate_samples(c: &mut Cases) {
    // Arithmetic imm12: every value near the edges of both forms, and a sweep.
    let mut vals: BTreeSet<u64> = (0..=4100).step_by(7).collect();
    for e in [0u64, 0xfff, 0x1000, 0xfff000, 0x1000000] {
        for d in 0..3 {
            vals.insert(e + d);
            vals.insert(e.wrapping_sub(d));
        }
    }
    for k in 0..64 {
        vals.insert(1 << k);
        vals.insert((1u64 << k) + 0x1000);
        vals.insert(0x123u64 << (k % 24));
    }
    for v in vals {
        let w = Imm12::new(v).map(|i| add_imm(xsp(0), xsp(1), i));
        c.imm("Imm12::new", format!("add x0, x1, #{v}"), w, ADD_IMM_X);
    }
    for v in [0u32, 1, 0x800, 0xfff, 0x1000, 0x1001, 0xffff] {
        for sh in [false, true] {
            let w = Imm12::with_shift(v, sh).map(|i| add_imm(xsp(0), xsp(1), i));
            // The `sh` bit is part of the form: llvm-mc turns `#4096, lsl #0` into `#1, lsl #12`.
            let class = (ADD_IMM_X.0 | 1 << 22, ADD_IMM_X.1 | (sh as u32) << 22);
            let t = format!("add x0, x1, #{v}, lsl #{}", 12 * sh as u32);
            c.imm("Imm12::with_shift", t, w, class);
        }
    }

    // Signed immediates choosing ADD/SUB or CMP/CMN, as llvm-mc's aliases do.
    let mut signed: BTreeSet<i64> = (-4200..=4200).step_by(13).collect();
    for e in [0i64, 0xfff, 0x1000, 0xfff000, 0x1000000] {
        for d in [-1, 0, 1, 0x1000] {
            signed.insert(e + d);
            signed.insert(-(e + d));
        }
    }
    for v in signed {
        let any = (0, 0);
        let t = format!("add x0, x1, #{v}");
        c.imm("add_signed_imm", t, add_signed_imm(xsp(0), xsp(1), v), any);
        let t = format!("sub w0, wsp, #{v}");
        c.imm("sub_signed_imm", t, sub_signed_imm(wsp(0), WSP, v), any);
        c.imm(
            "cmp_signed_imm",
            format!("cmp x1, #{v}"),
            cmp_signed_imm(xsp(1), v),
            any,
        );
    }
    // Load/store offsets in whichever immediate form holds them, as llvm-mc picks for `ldr`.
    let mut offsets: BTreeSet<i64> = (-300..=300).step_by(3).collect();
    for e in [4095i64, 8190, 16380, 32760] {
        for d in [-8, -2, -1, 0, 1, 2, 4, 8] {
            offsets.insert(e + d);
        }
    }
    for o in offsets {
        let any = (0, 0);
        let t = format!("ldr x0, [x1, #{o}]");
        c.imm("ldst_offset", t, ldst_offset(LDR_X, x(0), xsp(1), o), any);
        let t = format!("strh w2, [sp, #{o}]");
        c.imm("ldst_offset", t, ldst_offset(STRH, w(2), SP, o), any);
        let t = format!("ldr s3, [x4, #{o}]");
        c.imm("ldst_offset", t, ldst_offset(LDR_S, s(3), xsp(4), o), any);
        let t = format!("ldrsb x5, [x6, #{o}]");
        c.imm("ldst_offset", t, ldst_offset(LDRSB_X, x(5), xsp(6), o), any);
    }

    // Logical immediates: every valid 64- and 32-bit pattern, and structured non-patterns.
    let mut cands: BTreeSet<u64> = BTreeSet::new();
    for n in 0..2 {
        for immr in 0..64 {
            for imms in 0..64 {
                if let Some(v) = decode_bit_masks(n, immr, imms, 64) {
                    cands.insert(v);
                    cands.insert(v ^ 1);
                    cands.insert(v.wrapping_add(1 << 7));
                    cands.insert(v & 0xffff_ffff);
                }
            }
        }
    }
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..2000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        cands.insert(seed);
        cands.insert(seed & 0xffff_ffff);
    }
    cands.insert(0);
    cands.insert(u64::MAX);
    for &v in &cands {
        let wx = LogicImm::<X>::new(v).map(|i| and_imm(xsp(0), x(1), i));
        c.imm("LogicImm<X>", format!("and x0, x1, #{v:#x}"), wx, AND_IMM_X);
        if v >> 32 == 0 {
            let ww = LogicImm::<W>::new(v).map(|i| and_imm(wsp(0), w(1), i));
            c.imm("LogicImm<W>", format!("and w0, w1, #{v:#x}"), ww, AND_IMM_W);
        }
    }

    // Shift amounts, arithmetic and logical shifts, extends.
    for n in 0..=70u32 {
        let wx = ShiftAmt::<X>::new(n).map(|s| lsl_imm(x(0), x(1), s));
        c.imm("ShiftAmt<X>", format!("lsl x0, x1, #{n}"), wx, UBFM_X);
        let ww = ShiftAmt::<W>::new(n).map(|s| lsl_imm(w(0), w(1), s));
        c.imm("ShiftAmt<W>", format!("lsl w0, w1, #{n}"), ww, UBFM_W);
        for kind in [
            ShiftKind::Lsl,
            ShiftKind::Lsr,
            ShiftKind::Asr,
            ShiftKind::Ror,
        ] {
            let k = kind.name();
            let wa = ArithShift::<X>::new(kind, n).map(|s| add(x(0), x(1), x(2), s));
            c.imm(
                "ArithShift<X>",
                format!("add x0, x1, x2, {k} #{n}"),
                wa,
                ADD_SHIFTED,
            );
            let wa = ArithShift::<W>::new(kind, n).map(|s| add(w(0), w(1), w(2), s));
            c.imm(
                "ArithShift<W>",
                format!("add w0, w1, w2, {k} #{n}"),
                wa,
                ADD_SHIFTED_W,
            );
            let wl = LogicShift::<X>::new(kind, n).map(|s| and(x(0), x(1), x(2), s));
            c.imm(
                "LogicShift<X>",
                format!("and x0, x1, x2, {k} #{n}"),
                wl,
                AND_SHIFTED,
            );
        }
    }
    for kind in [
        ExtendKind::Uxtb,
        ExtendKind::Uxth,
        ExtendKind::Uxtw,
        ExtendKind::Uxtx,
        ExtendKind::Sxtb,
        ExtendKind::Sxth,
        ExtendKind::Sxtw,
        ExtendKind::Sxtx,
    ] {
        for n in 0..=6 {
            let k = kind.name();
            let e = Extend::new(kind, n);
            let ww = e
                .and_then(|e| ExtendedReg::w(w(2), e))
                .map(|r| add_ext(xsp(0), xsp(1), r));
            c.imm(
                "ExtendedReg::w",
                format!("add x0, x1, w2, {k} #{n}"),
                ww,
                ADD_EXT_X,
            );
            let wx = e
                .and_then(|e| ExtendedReg::x(x(2), e))
                .map(|r| add_ext(xsp(0), xsp(1), r));
            c.imm(
                "ExtendedReg::x",
                format!("add x0, x1, x2, {k} #{n}"),
                wx,
                ADD_EXT_X,
            );
        }
    }

    // Conditional compare: immediate and flags.
    for v in 0..=40u32 {
        let wi = CcmpImm::new(v as u64).map(|i| ccmp_imm(x(1), i, Nzcv::new(0).unwrap(), Cond::Eq));
        c.imm(
            "CcmpImm",
            format!("ccmp x1, #{v}, #0, eq"),
            wi,
            (0xffe0_0c10, 0xfa40_0800),
        );
        let wn = Nzcv::new(v).map(|n| ccmp(x(1), x(2), n, Cond::Eq));
        c.imm(
            "Nzcv",
            format!("ccmp x1, x2, #{v}, eq"),
            wn,
            (0xffe0_0c10, 0xfa40_0000),
        );
    }

    // Bitfields (extract and insert), raw immr/imms.
    for lsb in (0..=66).step_by(3).chain([31, 32, 63, 64]) {
        for width in (0..=66).step_by(5).chain([1, 31, 32, 33, 63, 64]) {
            let wx = Bitfield::<X>::new(lsb, width).map(|f| ubfx(x(0), x(1), f));
            c.imm(
                "Bitfield<X>",
                format!("ubfx x0, x1, #{lsb}, #{width}"),
                wx,
                UBFM_X,
            );
            let ww = Bitfield::<W>::new(lsb, width).map(|f| ubfx(w(0), w(1), f));
            c.imm(
                "Bitfield<W>",
                format!("ubfx w0, w1, #{lsb}, #{width}"),
                ww,
                UBFM_W,
            );
            let wi = Bitfield::<X>::new(lsb, width).map(|f| bfi(x(0), x(1), f));
            c.imm(
                "Bitfield<X> (bfi)",
                format!("bfi x0, x1, #{lsb}, #{width}"),
                wi,
                BFM_X,
            );
        }
    }
    for r in [0, 1, 31, 32, 63, 64, 65] {
        for s in [0, 1, 31, 32, 63, 64] {
            let wx = BitfieldRaw::<X>::new(r, s).map(|f| ubfm(x(0), x(1), f));
            c.imm(
                "BitfieldRaw<X>",
                format!("ubfm x0, x1, #{r}, #{s}"),
                wx,
                UBFM_X,
            );
            let ww = BitfieldRaw::<W>::new(r, s).map(|f| ubfm(w(0), w(1), f));
            c.imm(
                "BitfieldRaw<W>",
                format!("ubfm w0, w1, #{r}, #{s}"),
                ww,
                UBFM_W,
            );
        }
    }

    // Move wide: explicit shifts, and single-halfword values.
    for sh in (0..=64).step_by(4) {
        for imm in [0u16, 1, 0xffff] {
            let wx = MoveWide::<X>::new(imm, sh).map(|m| movz(x(0), m));
            c.imm(
                "MoveWide<X>",
                format!("movz x0, #{imm}, lsl #{sh}"),
                wx,
                MOVZ_X,
            );
            let ww = MoveWide::<W>::new(imm, sh).map(|m| movz(w(0), m));
            c.imm(
                "MoveWide<W>",
                format!("movz w0, #{imm}, lsl #{sh}"),
                ww,
                MOVZ_W,
            );
        }
    }
    for k in 0..64 {
        for base in [1u64, 0xffff, 0x8001, 0x1_0001, 0x3] {
            let v = base.wrapping_shl(k);
            let wx = MoveWide::<X>::from_value(v).map(|m| movz(x(0), m));
            c.imm(
                "MoveWide::from_value",
                format!("mov x0, #{v:#x}"),
                wx,
                MOVZ_X,
            );
        }
    }

    // Load/store offsets for each access size.
    uoff_check(c, LDRB, w(0));
    uoff_check(c, LDRH, w(0));
    uoff_check(c, LDR_W, w(0));
    uoff_check(c, LDR_X, x(0));
    uoff_check(c, LDR_D, d(0));
    for o in (-300..=300)
        .step_by(7)
        .chain([-257, -256, 255, 256, -1, 0, 1])
    {
        let wu = SImm9::new(o).map(|s| ldst_unscaled(LDR_X, x(0), xsp(1), s));
        c.imm("SImm9 (ldur)", format!("ldur x0, [x1, #{o}]"), wu, LDUR);
        let wp = SImm9::new(o).map(|s| ldst_pre(LDR_X, x(0), xsp(1), s));
        c.imm("SImm9 (pre)", format!("ldr x0, [x1, #{o}]!"), wp, LDST_PRE);
    }
    pair_check(c, LDP_W, w(0), w(1));
    pair_check(c, LDP_X, x(0), x(1));
    pair_check(c, LDP_D, d(0), d(1));

    // FP immediates: all 256 values, their neighbours, and others.
    let mut fps: Vec<f64> = Vec::new();
    for sign in [1.0, -1.0] {
        for e in -5..=6 {
            for m in 0..=16 {
                fps.push(sign * (16.0 + m as f64) / 16.0 * 2f64.powi(e));
            }
        }
    }
    fps.extend([
        0.0,
        -0.0,
        0.1,
        1.03125,
        33.0,
        1e10,
        0.0625,
        0.12109375,
        1.0 / 3.0,
    ]);
    for v in fps {
        let w = FpImm::new(v).map(|i| fmov_imm(d(0), i));
        c.imm("FpImm", format!("fmov d0, #{v:?}"), w, FMOV_IMM);
    }

    // Branch and PC-relative offsets.
    for o in offs(BranchOff26::MIN, BranchOff26::MAX) {
        c.imm(
            "BranchOff26",
            format!("b #{o}"),
            BranchOff26::new(o).map(b),
            B,
        );
    }
    for o in offs(BranchOff19::MIN, BranchOff19::MAX) {
        let w = BranchOff19::new(o).map(|off| b_cond(Cond::Ne, off));
        c.imm("BranchOff19", format!("b.ne #{o}"), w, B_COND);
        let w = BranchOff19::new(o).map(|off| ldr_lit(x(0), off));
        c.imm("BranchOff19 (ldr)", format!("ldr x0, #{o}"), w, LDR_LIT);
    }
    for o in offs(BranchOff14::MIN, BranchOff14::MAX) {
        let w = BranchOff14::new(o).map(|off| tbz(x(0), ShiftAmt::new(3).unwrap(), off));
        c.imm("BranchOff14", format!("tbz w0, #3, #{o}"), w, TBZ);
    }
    for o in offs(AdrOff::MIN, AdrOff::MAX) {
        c.imm(
            "AdrOff",
            format!("adr x0, #{o}"),
            AdrOff::new(o).map(|a| adr(x(0), a)),
            ADR,
        );
    }
    for o in offs(AdrpOff::MIN, AdrpOff::MAX)
        .into_iter()
        .chain([4096, 8192, -4096, 2048])
    {
        c.imm(
            "AdrpOff",
            format!("adrp x0, #{o}"),
            AdrpOff::new(o).map(|a| adrp(x(0), a)),
            ADRP,
        );
    }

    // System: PSTATE immediates and writable registers.
    for field in [PState::DAIFSet, PState::DAIFClr, PState::SPSel] {
        for imm in 0..=16 {
            let t = format!("msr {}, #{imm}", field.name());
            c.imm("msr_imm", t, msr_imm(field, imm), MSR_IMM);
        }
    }
    for &reg in SysReg::ALL {
        c.imm(
            "msr (writable)",
            format!("msr {}, x3", reg.name()),
            msr(reg, x(3)),
            MSR_REG,
        );
    }
}

fn uoff_check<R: Reg, const L: u32>(c: &mut Cases, op: LdSt<R, L>, rt: R) {
    let u = 1i64 << L;
    let mut v: Vec<i64> = (-8..=40).collect();
    for e in [4095 * u, 4096 * u, 2048 * u] {
        v.extend([e - 1, e, e + 1, e - u, e + u]);
    }
    let kind = format!("UOff<{L}>");
    for o in v {
        let w = UOff::<L>::new(o).map(|off| ldst(op, rt, xsp(1), off));
        c.imm(
            &kind,
            format!("{} {rt}, [x1, #{o}]", op.name()),
            w,
            LDST_UOFF,
        );
    }
}

fn pair_check<R: Reg, const L: u32>(c: &mut Cases, op: LdStPair<R, L>, rt: R, rt2: R) {
    let u = 1i64 << L;
    let mut v: Vec<i64> = (-70 * u..=70 * u).step_by(u as usize).collect();
    v.extend([-1, 1, 2, u / 2, 63 * u + 1, -64 * u - 1]);
    let kind = format!("PairOff<{L}>");
    for o in v {
        let w = PairOff::<L>::new(o).map(|off| ldstp(op, rt, rt2, xsp(2), off));
        c.imm(
            &kind,
            format!("{} {rt}, {rt2}, [x2, #{o}]", op.name()),
            w,
            LDP_OFF,
        );
    }
}

// ---------------------------------------------------------------------------------------------

#[test]
fn a64_encoders_match_llvm_mc() {
    let mut c = Cases::default();
    width_forms::<X>(&mut c);
    width_forms::<W>(&mut c);
    x_only_forms(&mut c);
    memory_forms(&mut c);
    fp_forms(&mut c, &ds());
    fp_forms(&mut c, &ss());
    fp_moves(&mut c);
    system_forms(&mut c);
    buffer_forms(&mut c);
    immediate_samples(&mut c);

    // Encodings: one batch, every line must assemble to our word.
    let texts: Vec<String> = c.enc.iter().map(|(_, t, _)| t.clone()).collect();
    let got = assemble(&texts);
    let mut failures = Vec::new();
    for ((form, text, ours), theirs) in c.enc.iter().zip(&got) {
        match theirs {
            Ok(w) if w == ours => {}
            Ok(w) => failures.push(format!(
                "{form}: `{text}`: ours {ours:#010x}, llvm-mc {w:#010x}"
            )),
            Err(e) => failures.push(format!("{form}: `{text}`: ours {ours:#010x}, llvm-mc: {e}")),
        }
    }

    // Immediates: same accept/refuse decision, same word when accepted.
    let texts: Vec<String> = c.imm.iter().map(|(_, t, _, _)| t.clone()).collect();
    let got = assemble(&texts);
    for ((kind, text, ours, (mask, pat)), theirs) in c.imm.iter().zip(&got) {
        let theirs_in_form = theirs.as_ref().ok().filter(|&&w| w & mask == *pat);
        match (ours, theirs_in_form) {
            (Some(a), Some(b)) if a == b => {}
            (None, None) => {}
            (Some(a), Some(b)) => failures.push(format!(
                "{kind}: `{text}`: ours {a:#010x}, llvm-mc {b:#010x}"
            )),
            (Some(a), None) => failures.push(format!(
                "{kind}: `{text}`: we accept ({a:#010x}), llvm-mc does not in this form: {:?}",
                theirs
            )),
            (None, Some(b)) => failures.push(format!(
                "{kind}: `{text}`: we refuse, llvm-mc gives {b:#010x}"
            )),
        }
    }

    // With the `disasm` feature, every word we emit must also be readable in `-jdump`.
    #[cfg(feature = "disasm")]
    for (form, text, word) in &c.enc {
        if disasm::disassemble_one(*word).is_none() {
            failures.push(format!(
                "{form}: `{text}` ({word:#010x}) does not disassemble"
            ));
        }
    }

    for f in failures.iter().take(60) {
        println!("MISMATCH {f}");
    }
    assert!(
        failures.is_empty(),
        "{} mismatches against llvm-mc (first 60 above)",
        failures.len()
    );

    let forms: BTreeSet<&str> = c.enc.iter().map(|(f, _, _)| f.as_str()).collect();
    // A form is one function at one register width or operation ("add/64", "ldst:ldrx");
    // the function is the part before the qualifier.
    let functions: BTreeSet<&str> = forms
        .iter()
        .map(|f| f.split(['/', ':']).next().unwrap_or(f))
        .collect();
    let kinds: BTreeSet<&str> = c.imm.iter().map(|(k, _, _, _)| k.as_str()).collect();
    let accepted = c.imm.iter().filter(|i| i.2.is_some()).count();
    println!(
        "a64 vs llvm-mc: verified {} forms ({} encoder functions x widths/operations) and {} \
         encodings; {} immediate kinds checked on {} samples ({} accepted, {} refused)",
        forms.len(),
        functions.len(),
        c.enc.len(),
        kinds.len(),
        c.imm.len(),
        accepted,
        c.imm.len() - accepted
    );
}
