//! Snapshots: what a side exit restores.
//!
//! A snapshot is taken by the recorder before each guard that can exit; it covers every
//! instruction from its `r` up to the next snapshot's `r`. It holds:
//! - `pc`: where the interpreter resumes, in the innermost frame's function;
//! - `frames`: the frame layout, outermost (the frame the trace started in) first. Each
//!   frame has its base slot (relative to the trace's entry base; negative once the trace
//!   has returned below its start frame with `RETF`), the ref of its function (a constant
//!   after an identity guard for inlined calls) and, for every frame but the outermost,
//!   the pc in the calling frame to continue at when it returns. Inlined frames are
//!   virtual while the trace runs; an exit materializes them on the VM stack;
//! - `entries`: sparse slot -> ref pairs, only for slots the trace has written (relative
//!   to the entry base, like frame bases); every other slot still holds its value;
//! - `nslots`: the top of the innermost frame (first free slot), relative to the entry base.
//!
//! Invariants (checked by [`verify`]): entries are sorted by slot and unique; every ref
//! is a constant or an instruction before `r`; frame bases increase strictly; frame
//! function refs are valid; a slot below the innermost frame's top.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use alloc::vec;

use crate::bytecode::{is_k, Instr, Op as BcOp};
use crate::jit::ir::{IrType, Ref, Trace};

/// One slot of a snapshot: slot `slot` holds the value of `r`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SnapEntry {
    /// Slot, relative to the trace's entry base.
    pub slot: i16,
    /// The value.
    pub r: Ref,
}

/// One frame of a snapshot's frame layout.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SnapFrame {
    /// Slot of the frame's register 0, relative to the trace's entry base.
    pub base: i16,
    /// The function running in the frame (`Ref::NONE` for the entry frame when unknown).
    pub func: Ref,
    /// For inlined frames: the pc in the calling frame to continue at on return.
    pub ret_pc: u32,
}

/// The VM state at one point of the trace.
#[derive(Clone, PartialEq, Debug)]
pub struct Snapshot {
    /// First instruction covered.
    pub r: Ref,
    /// Bytecode pc to resume at, in the innermost frame.
    pub pc: u32,
    /// Top of the innermost frame, relative to the entry base.
    pub nslots: i16,
    /// Frames, outermost first (never empty).
    pub frames: Vec<SnapFrame>,
    /// Modified slots, sorted by slot.
    pub entries: Vec<SnapEntry>,
}

impl Snapshot {
    /// A snapshot of the entry frame only.
    pub fn new(r: Ref, pc: u32, nslots: i16, entries: Vec<SnapEntry>) -> Snapshot {
        let frames = alloc::vec![SnapFrame {
            base: 0,
            func: Ref::NONE,
            ret_pc: 0
        }];
        Snapshot {
            r,
            pc,
            nslots,
            frames,
            entries,
        }
    }

    /// The ref a slot holds, if the trace has written it.
    pub fn slot(&self, slot: i16) -> Option<Ref> {
        self.entries
            .binary_search_by_key(&slot, |e| e.slot)
            .ok()
            .map(|i| self.entries[i].r)
    }

    /// Sets a slot (keeping entries sorted).
    pub fn set_slot(&mut self, slot: i16, r: Ref) {
        match self.entries.binary_search_by_key(&slot, |e| e.slot) {
            Ok(i) => self.entries[i].r = r,
            Err(i) => self.entries.insert(i, SnapEntry { slot, r }),
        }
    }

    /// Every ref the snapshot keeps alive (entries and frame functions).
    pub fn refs(&self) -> impl Iterator<Item = Ref> + '_ {
        let f = self
            .frames
            .iter()
            .map(|f| f.func)
            .filter(|r| *r != Ref::NONE);
        self.entries.iter().map(|e| e.r).chain(f)
    }

    /// The innermost frame.
    pub fn innermost(&self) -> &SnapFrame {
        &self.frames[self.frames.len() - 1]
    }
}

/// The index of the snapshot that covers instruction `r` (the last one starting at or
/// before it), if any.
pub fn covering(trace: &Trace, r: Ref) -> Option<usize> {
    let n = trace.snaps.partition_point(|s| s.r <= r);
    n.checked_sub(1)
}

/// The last snapshot when it describes the end of the trace (only `PHI`s or `NOP`s follow
/// it): the state a straight trace exits with, or a loop's state at its back-edge.
pub fn final_snapshot(trace: &Trace) -> Option<&Snapshot> {
    let s = trace.snaps.last()?;
    let tail = (s.r.0..trace.next_ref().0).map(Ref);
    tail.into_iter()
        .all(|r| {
            matches!(
                trace.op(r),
                crate::jit::ir::Op::PHI | crate::jit::ir::Op::NOP
            )
        })
        .then_some(s)
}

/// Checks the invariants of every snapshot of a trace.
pub fn verify(trace: &Trace) -> Result<(), String> {
    let mut prev_r = Ref::NONE;
    for (n, s) in trace.snaps.iter().enumerate() {
        let err = |m: &str| Err(alloc::format!("snapshot #{n}: {m}"));
        if s.r < prev_r {
            return err("out of order");
        }
        prev_r = s.r;
        if !s.r.is_ins() || s.r > trace.next_ref() {
            return err("covers no instruction of the trace");
        }
        if s.frames.is_empty() {
            return err("no frame");
        }
        for w in s.frames.windows(2) {
            if w[1].base <= w[0].base {
                return err("frame bases do not increase");
            }
        }
        for f in &s.frames {
            if f.func != Ref::NONE && (f.func >= s.r || f.func < trace.first_const()) {
                return err("frame function ref out of range");
            }
            if f.func != Ref::NONE && trace.ty(f.func) != IrType::FUNC {
                return err("frame function is not a function");
            }
        }
        if s.innermost().base > s.nslots {
            return err("innermost frame above the top");
        }
        for w in s.entries.windows(2) {
            if w[1].slot <= w[0].slot {
                return err("entries not sorted or duplicated");
            }
        }
        for e in &s.entries {
            if e.slot >= s.nslots {
                return err("entry above the top");
            }
            if e.r >= s.r || e.r < trace.first_const() || e.r == Ref::NONE {
                return err("entry ref not defined before the snapshot");
            }
            if trace.op(e.r) == crate::jit::ir::Op::NOP {
                return err("entry refers to a removed instruction");
            }
        }
    }
    if trace.snaps.len() > trace.limits.max_snaps {
        return Err("too many snapshots".into());
    }
    Ok(())
}

/// Dumps one snapshot as `-jdump` shows it:
/// `SNAP   #1   pc 12 [ #1=0003 #2=+1.5 | fun:f @5 ret 7 #5=0004 ]` (frame separators
/// `|` give each inlined frame's function, base and return pc).
pub fn dump(trace: &Trace, n: usize, out: &mut String) {
    let s = &trace.snaps[n];
    let _ = write!(out, "....              SNAP   #{n:<3} pc {:<4} [", s.pc);
    let mut entries = s.entries.iter().peekable();
    for (fi, f) in s.frames.iter().enumerate() {
        let next_base = s.frames.get(fi + 1).map_or(i16::MAX, |f| f.base);
        if fi > 0 {
            out.push_str(" |");
            if f.func != Ref::NONE {
                out.push(' ');
                crate::jit::ir::dump::operand(trace, f.func, out);
            }
            let _ = write!(out, " @{} ret {}", f.base, f.ret_pc);
        }
        while let Some(e) = entries.next_if(|e| e.slot < next_base) {
            let _ = write!(out, " #{}=", e.slot);
            crate::jit::ir::dump::operand(trace, e.r, out);
        }
    }
    let _ = writeln!(out, " ] top {}", s.nslots);
}

/// Slots of a function that may be read before written when the interpreter resumes at
/// `pc` (LuaJIT's `snap_usedef` idea on our bytecode): `live[s]` is false only when every
/// path from `pc` writes slot `s` before reading it, or returns without reading it.
///
/// Conservative by construction: a backward jump (loop), an exhausted step budget, or a
/// function with nested closures (open upvalues let a callee or metamethod read any slot)
/// makes every still-undecided slot live. Reads and writes come from the opcode table's
/// operand modes plus the multi-register opcodes (calls, returns, `LOADNIL`, `CONCAT`,
/// `VARARG`, `SETLIST`). After a `CALL`, slots from its base up are dead (the compiler
/// never reads registers above a call's results before writing them).
pub fn live_slots(code: &[Instr], has_closures: bool, pc: usize, nslots: usize) -> Vec<bool> {
    let mut live = vec![false; nslots];
    if has_closures {
        live.iter_mut().for_each(|l| *l = true);
        return live;
    }
    let mut budget = 512usize;
    let mut paths: Vec<(usize, Vec<bool>)> = vec![(pc, vec![false; nslots])];
    while let Some((mut pc, mut def)) = paths.pop() {
        let use_ = |s: u32, def: &[bool], live: &mut [bool]| {
            if let Some(l) = live.get_mut(s as usize) {
                if !def[s as usize] {
                    *l = true;
                }
            }
        };
        let all_live = |def: &[bool], live: &mut [bool]| {
            for (s, l) in live.iter_mut().enumerate() {
                *l |= !def[s];
            }
        };
        let define = |from: u32, to: u32, def: &mut [bool]| {
            let end = (to as usize).min(def.len());
            for d in def.iter_mut().take(end).skip(from as usize) {
                *d = true;
            }
        };
        loop {
            let Some(ins) = code.get(pc).copied() else {
                all_live(&def, &mut live);
                break;
            };
            if budget == 0 {
                all_live(&def, &mut live);
                break;
            }
            budget -= 1;
            let (a, b, c) = (ins.a(), ins.b(), ins.c());
            let top = nslots as u32;
            let rk = |x: u32, def: &[bool], live: &mut [bool]| {
                if !is_k(x) {
                    use_(x, def, live);
                }
            };
            let mut next = pc + 1;
            match ins.op() {
                BcOp::MOVE | BcOp::UNM | BcOp::NOT | BcOp::LEN => {
                    use_(b, &def, &mut live);
                    define(a, a + 1, &mut def);
                }
                BcOp::LOADK | BcOp::GETGLOBAL | BcOp::GETUPVAL | BcOp::NEWTABLE | BcOp::CLOSURE => {
                    define(a, a + 1, &mut def)
                }
                BcOp::LOADBOOL => {
                    define(a, a + 1, &mut def);
                    if c != 0 {
                        next = pc + 2;
                    }
                }
                BcOp::LOADNIL => define(a, b + 1, &mut def),
                BcOp::SETGLOBAL | BcOp::SETUPVAL => use_(a, &def, &mut live),
                BcOp::GETTABLE => {
                    use_(b, &def, &mut live);
                    rk(c, &def, &mut live);
                    define(a, a + 1, &mut def);
                }
                BcOp::SETTABLE => {
                    use_(a, &def, &mut live);
                    rk(b, &def, &mut live);
                    rk(c, &def, &mut live);
                }
                BcOp::SELF => {
                    use_(b, &def, &mut live);
                    rk(c, &def, &mut live);
                    define(a, a + 2, &mut def);
                }
                BcOp::ADD | BcOp::SUB | BcOp::MUL | BcOp::DIV | BcOp::MOD | BcOp::POW => {
                    rk(b, &def, &mut live);
                    rk(c, &def, &mut live);
                    define(a, a + 1, &mut def);
                }
                BcOp::CONCAT => {
                    (b..=c).for_each(|s| use_(s, &def, &mut live));
                    define(a, a + 1, &mut def);
                }
                BcOp::EQ | BcOp::LT | BcOp::LE | BcOp::TEST | BcOp::TESTSET => {
                    if ins.op() == BcOp::TEST {
                        use_(a, &def, &mut live);
                    } else if ins.op() == BcOp::TESTSET {
                        use_(b, &def, &mut live);
                    } else {
                        rk(b, &def, &mut live);
                        rk(c, &def, &mut live);
                    }
                    // Not taken: skip the JMP. Taken: run the JMP (TESTSET writes A).
                    paths.push((pc + 2, def.clone()));
                    if ins.op() == BcOp::TESTSET {
                        define(a, a + 1, &mut def);
                    }
                }
                BcOp::JMP | BcOp::FORPREP => {
                    if ins.op() == BcOp::FORPREP {
                        (a..a + 3).for_each(|s| use_(s, &def, &mut live));
                        define(a, a + 1, &mut def);
                    }
                    let target = pc as i64 + 1 + ins.sbx() as i64;
                    if target <= pc as i64 {
                        all_live(&def, &mut live);
                        break;
                    }
                    next = target as usize;
                }
                BcOp::FORLOOP | BcOp::TFORLOOP | BcOp::LOOP => {
                    all_live(&def, &mut live);
                    break;
                }
                BcOp::CALL | BcOp::TAILCALL => {
                    let argtop = if b == 0 { top } else { a + b };
                    (a..argtop).for_each(|s| use_(s, &def, &mut live));
                    if ins.op() == BcOp::TAILCALL {
                        break;
                    }
                    define(a, top, &mut def);
                }
                BcOp::TFORCALL => {
                    (a..a + 3).for_each(|s| use_(s, &def, &mut live));
                    define(a + 3, top, &mut def);
                }
                BcOp::RETURN => {
                    let rtop = if b == 0 { top } else { a + b - 1 };
                    (a..rtop).for_each(|s| use_(s, &def, &mut live));
                    break;
                }
                BcOp::VARARG => define(a, if b == 0 { top } else { a + b - 1 }, &mut def),
                BcOp::SETLIST => {
                    let ltop = if b == 0 { top } else { a + b + 1 };
                    (a..ltop).for_each(|s| use_(s, &def, &mut live));
                    if c == 0 {
                        next = pc + 2;
                    }
                }
                BcOp::CLOSE => {}
            }
            pc = next;
        }
    }
    live
}

impl Snapshot {
    /// Drops the entries of frame `frame` whose slots are dead (`live` indexed from the
    /// frame's base, as [`live_slots`] returns it): the interpreter writes them before it
    /// reads them, so the exit need not restore them.
    pub fn purge(&mut self, frame: usize, live: &[bool]) {
        let base = self.frames[frame].base;
        let end = self.frames.get(frame + 1).map_or(i16::MAX, |f| f.base - 1);
        self.entries.retain(|e| {
            let rel = e.slot as i32 - base as i32;
            e.slot >= end || rel < 0 || live.get(rel as usize).copied().unwrap_or(true)
        });
    }
}

/// The recorder's view of the VM stack while recording (LuaJIT's `J->slot`): which ref
/// each slot holds, which slots the trace has written, and the frames of inlined calls.
/// Snapshots taken from it hold exactly the written slots, so exits restore those and
/// nothing else. It covers the slots from the entry base up; a trace that returns below
/// its entry frame (`RETF`) needs the caller's slots too, which this map does not track
/// yet (such slots are ignored: `get` knows nothing of them).
#[derive(Clone, Debug, Default)]
pub struct SlotMap {
    slots: Vec<Option<(Ref, bool)>>,
    frames: Vec<SnapFrame>,
}

impl SlotMap {
    /// The map at trace entry: nothing known, one frame at base 0.
    pub fn new() -> SlotMap {
        SlotMap {
            slots: Vec::new(),
            frames: vec![SnapFrame {
                base: 0,
                func: Ref::NONE,
                ret_pc: 0,
            }],
        }
    }

    fn index(slot: i16) -> Option<usize> {
        usize::try_from(slot).ok()
    }

    /// The ref a slot holds, if the trace has loaded or written it.
    pub fn get(&self, slot: i16) -> Option<Ref> {
        Self::index(slot)
            .and_then(|i| self.slots.get(i).copied().flatten())
            .map(|(r, _)| r)
    }

    /// Records the value of a slot read from the VM (`SLOAD`): known, not written.
    pub fn loaded(&mut self, slot: i16, r: Ref) {
        if let Some(i) = Self::index(slot) {
            if self.slots.len() <= i {
                self.slots.resize(i + 1, None);
            }
            self.slots[i] = Some((r, false));
        }
    }

    /// Records a write of a slot.
    pub fn set(&mut self, slot: i16, r: Ref) {
        if let Some(i) = Self::index(slot) {
            if self.slots.len() <= i {
                self.slots.resize(i + 1, None);
            }
            self.slots[i] = Some((r, true));
        }
    }

    /// The slot's ref, loading it with a typed `SLOAD` the first time it is read.
    pub fn read(
        &mut self,
        t: &mut Trace,
        slot: i16,
        ty: IrType,
        flags: crate::jit::ir::SloadFlags,
    ) -> Result<Ref, crate::jit::ir::IrError> {
        if let Some(r) = self.get(slot) {
            return Ok(r);
        }
        let r = t.sload(slot, ty, flags)?;
        self.loaded(slot, r);
        Ok(r)
    }

    /// Enters an inlined call: a frame at `base` running `func`, returning to `ret_pc`.
    pub fn push_frame(&mut self, base: i16, func: Ref, ret_pc: u32) {
        self.frames.push(SnapFrame { base, func, ret_pc });
    }

    /// Leaves the innermost inlined frame: its slots from `base - 1` up become unknown
    /// (they are dead for the caller, whose registers above a call are rewritten).
    pub fn pop_frame(&mut self) -> Option<SnapFrame> {
        if self.frames.len() <= 1 {
            return None;
        }
        let f = self.frames.pop()?;
        if let Some(i) = Self::index(f.base - 1) {
            self.slots.truncate(i);
        }
        Some(f)
    }

    /// The frames, outermost first.
    pub fn frames(&self) -> &[SnapFrame] {
        &self.frames
    }

    /// A snapshot of the written slots below `top`, resuming at `pc`.
    pub fn snapshot(&self, pc: u32, top: i16) -> Snapshot {
        self.snapshot_into(pc, top, None)
    }

    /// [`SlotMap::snapshot`], reusing the vectors of a discarded snapshot `spare` (the
    /// recorder keeps those of aborted recordings, so that guards cost no allocation).
    pub fn snapshot_into(&self, pc: u32, top: i16, spare: Option<Snapshot>) -> Snapshot {
        let (mut frames, mut entries) =
            spare.map_or((Vec::new(), Vec::new()), |s| (s.frames, s.entries));
        frames.clear();
        frames.extend_from_slice(&self.frames);
        entries.clear();
        entries.extend(
            self.slots
                .iter()
                .enumerate()
                .take(Self::index(top).unwrap_or(0))
                .filter_map(|(i, s)| match s {
                    Some((r, true)) => Some(SnapEntry {
                        slot: i as i16,
                        r: *r,
                    }),
                    _ => None,
                }),
        );
        Snapshot {
            r: Ref::NONE,
            pc,
            nslots: top,
            frames,
            entries,
        }
    }

    /// Forgets everything, keeping the storage: the map is then as [`SlotMap::new`]
    /// makes it.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.frames.clear();
        self.frames.push(SnapFrame {
            base: 0,
            func: Ref::NONE,
            ret_pc: 0,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ir::{IrT, Op, SloadFlags};
    use alloc::vec;

    fn two_frame_trace() -> Trace {
        let mut t = Trace::default();
        let a = t.sload(1, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let one = t.knum(1.0).unwrap();
        let b = t.emit(Op::ADD, IrT::new(IrType::NUM), a.0, one.0).unwrap();
        let f = t.kgc(IrType::FUNC, 0x40, "fun:inner".into()).unwrap();
        let mut s = Snapshot::new(t.next_ref(), 9, 8, vec![SnapEntry { slot: 1, r: b }]);
        s.frames.push(SnapFrame {
            base: 5,
            func: f,
            ret_pc: 4,
        });
        s.set_slot(6, a);
        s.set_slot(4, f);
        t.snaps.push(s);
        t
    }

    #[test]
    fn verify_accepts_a_frame_aware_snapshot() {
        let t = two_frame_trace();
        verify(&t).unwrap();
        let mut out = String::new();
        dump(&t, 0, &mut out);
        assert_eq!(
            out,
            "....              SNAP   #0   pc 9    [ #1=0002 #4=fun:inner | fun:inner @5 ret 4 #6=0001 ] top 8\n"
        );
        assert_eq!(covering(&t, Ref(Ref::FIRST.0 + 2)), Some(0));
        assert_eq!(covering(&t, Ref::FIRST), None);
    }

    #[test]
    fn verify_rejects_broken_snapshots() {
        let base = two_frame_trace();
        let mut t = base.clone();
        t.snaps[0].entries.swap(0, 1);
        assert!(verify(&t).unwrap_err().contains("sorted"));
        let mut t = base.clone();
        t.snaps[0].entries[0].r = t.snaps[0].r;
        assert!(verify(&t).unwrap_err().contains("before the snapshot"));
        let mut t = base.clone();
        t.snaps[0].frames[1].base = 0;
        assert!(verify(&t).unwrap_err().contains("increase"));
        let mut t = base.clone();
        t.snaps[0].frames[1].func = Ref::FIRST;
        assert!(verify(&t).unwrap_err().contains("not a function"));
        let mut t = base;
        t.snaps[0].nslots = 3;
        assert!(verify(&t).is_err());
    }

    #[test]
    fn usedef_finds_dead_slots() {
        use crate::bytecode::{rk_k, Instr as I, Op as B};
        // 0: r3 := r0 + r1; 1: r2 := K0; 2: return r2, r3
        let code = [
            I::abc(B::ADD, 3, 0, 1),
            I::abx(B::LOADK, 2, 0),
            I::abc(B::RETURN, 2, 3, 0),
        ];
        assert_eq!(
            live_slots(&code, false, 0, 5),
            [true, true, false, false, false]
        );
        assert_eq!(
            live_slots(&code, false, 1, 5),
            [false, false, false, true, false]
        );
        assert_eq!(
            live_slots(&code, true, 1, 2),
            [true, true],
            "closures: all live"
        );
        // Branches: 0: if r0 < K then pc++ ; 1: jmp +1 ; 2: r1 := r2 ; 3: return r1
        let code = [
            I::abc(B::LT, 0, 0, rk_k(0)),
            I::asbx(B::JMP, 0, 1),
            I::abc(B::MOVE, 1, 2, 0),
            I::abc(B::RETURN, 1, 2, 0),
        ];
        // Taken path reads r1 at the return, the other writes it first.
        assert_eq!(live_slots(&code, false, 0, 4), [true, true, true, false]);
        assert_eq!(live_slots(&code, false, 2, 4), [false, false, true, false]);
        // A backward jump makes everything undecided live.
        let code = [I::abc(B::MOVE, 1, 0, 0), I::asbx(B::LOOP, 0, -2)];
        assert_eq!(live_slots(&code, false, 0, 3), [true, false, true]);
        // A call uses its arguments and kills everything from its base.
        let code = [I::abc(B::CALL, 1, 2, 2), I::abc(B::RETURN, 0, 2, 0)];
        assert_eq!(live_slots(&code, false, 0, 4), [true, true, true, false]);
    }

    #[test]
    fn purge_drops_dead_entries_of_one_frame() {
        let mut t = two_frame_trace();
        // Frame 1 (base 5) has an entry for slot 6 (rel 1); frame 0 for slots 1 and 4.
        t.snaps[0].purge(1, &[true, false]);
        assert_eq!(t.snaps[0].slot(6), None);
        assert!(t.snaps[0].slot(1).is_some());
        t.snaps[0].purge(0, &[false, false, true, true, false]);
        assert_eq!(t.snaps[0].slot(1), None);
        assert!(
            t.snaps[0].slot(4).is_some(),
            "the frame's function slot stays"
        );
        verify(&t).unwrap();
    }

    #[test]
    fn slot_map_snapshots_written_slots_and_frames() {
        use crate::jit::ir::{IrT, Op, SloadFlags};
        let mut t = Trace::default();
        let mut m = SlotMap::new();
        let a = m
            .read(&mut t, 0, IrType::NUM, SloadFlags::TYPECHECK)
            .unwrap();
        assert_eq!(
            m.read(&mut t, 0, IrType::NUM, SloadFlags::TYPECHECK)
                .unwrap(),
            a
        );
        assert_eq!(t.num_ins(), 2, "one SLOAD");
        let one = t.knum(1.0).unwrap();
        let b = t.emit(Op::ADD, IrT::new(IrType::NUM), a.0, one.0).unwrap();
        m.set(1, b);
        let f = t.kgc(IrType::FUNC, 0x10, "fun:g".into()).unwrap();
        m.set(3, f);
        m.push_frame(4, f, 9);
        m.set(4, a);
        let s = m.snapshot(2, 6);
        assert_eq!(
            s.entries.iter().map(|e| e.slot).collect::<Vec<_>>(),
            [1, 3, 4]
        );
        assert_eq!(s.frames.len(), 2);
        t.push_snapshot(s).unwrap();
        verify(&t).unwrap();
        assert_eq!(m.pop_frame().map(|f| f.ret_pc), Some(9));
        assert_eq!(m.get(3), None, "the callee's function slot is gone");
        assert_eq!(m.get(1), Some(b));
        assert_eq!(m.pop_frame(), None, "the entry frame stays");
        assert_eq!(
            m.snapshot(2, 1).entries.len(),
            0,
            "only slots below the top"
        );
    }
}
