//! The code buffer: instruction words in emission order, labels, and fixups for PC-relative
//! references to labels not yet bound.
//!
//! Invariants:
//! - Offsets are byte offsets from the start of the buffer; the code is placed later, and
//!   since every label reference is PC-relative, placement never changes them.
//! - A label is bound at most once. A reference to a bound label is encoded at once; a
//!   reference to an unbound label is emitted with a zero offset field and recorded as a
//!   fixup, which `bind` resolves. Every fixup is resolved exactly once.
//! - Range is checked at encoding time: a target beyond what the instruction can reach is a
//!   [`BufError::OutOfRange`] value, never a panic and never a silently truncated offset. The
//!   trace compiler turns it into an aborted trace.
//! - [`retarget`] rewrites the offset of any already-emitted PC-relative instruction (the
//!   kind is read back from the word), which is how an exit branch is later linked to a side
//!   trace. It too reports out-of-range targets as errors.

use super::branch_off::{AdrOff, BranchOff14, BranchOff19, BranchOff26};
use super::cond::Cond;
use super::enc_branch::{self, BitIndex};
use super::enc_ldst::{self, LiteralReg};
use super::enc_system::nop;
use super::regs::{Gpr, X};
use alloc::vec::Vec;
use core::fmt;

/// A position in the code, bound once, referenced any number of times before or after.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct Label(u32);

/// How an instruction refers to a label: which field holds the offset, and its range.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum LabelUse {
    /// B, BL: 26-bit word offset at bits 25..=0 (±128 MiB).
    Branch26,
    /// B.cond, CBZ/CBNZ, LDR (literal): 19-bit word offset at bits 23..=5 (±1 MiB).
    Branch19,
    /// TBZ/TBNZ: 14-bit word offset at bits 18..=5 (±32 KiB).
    Branch14,
    /// ADR: 21-bit byte offset split into immlo (30..=29) and immhi (23..=5) (±1 MiB).
    Adr21,
}

impl LabelUse {
    /// The kind of PC-relative reference an instruction word makes, if any.
    pub fn of_word(word: u32) -> Option<LabelUse> {
        if word & 0x7c00_0000 == 0x1400_0000 {
            Some(LabelUse::Branch26)
        } else if word & 0xff00_0010 == 0x5400_0000
            || word & 0x7e00_0000 == 0x3400_0000
            || word & 0x3b00_0000 == 0x1800_0000
        {
            Some(LabelUse::Branch19)
        } else if word & 0x7e00_0000 == 0x3600_0000 {
            Some(LabelUse::Branch14)
        } else if word & 0x9f00_0000 == 0x1000_0000 {
            Some(LabelUse::Adr21)
        } else {
            None
        }
    }

    /// The instruction `word` with its offset field set to `offset` bytes, or `None` if the
    /// offset is out of range or misaligned for this kind.
    pub fn patch(self, word: u32, offset: i64) -> Option<u32> {
        Some(match self {
            LabelUse::Branch26 => word & !0x03ff_ffff | BranchOff26::new(offset)?.field(),
            LabelUse::Branch19 => word & !(0x7ffff << 5) | BranchOff19::new(offset)?.field() << 5,
            LabelUse::Branch14 => word & !(0x3fff << 5) | BranchOff14::new(offset)?.field() << 5,
            LabelUse::Adr21 => {
                let f = AdrOff::new(offset)?.field();
                word & !(0x3 << 29 | 0x7ffff << 5) | (f & 3) << 29 | (f >> 2) << 5
            }
        })
    }

    /// The offset (in bytes) the instruction `word` of this kind currently holds.
    pub fn offset_of(self, word: u32) -> i64 {
        let sext = |v: u32, bits: u32| ((v << (32 - bits)) as i32 >> (32 - bits)) as i64;
        match self {
            LabelUse::Branch26 => sext(word & 0x03ff_ffff, 26) * 4,
            LabelUse::Branch19 => sext((word >> 5) & 0x7ffff, 19) * 4,
            LabelUse::Branch14 => sext((word >> 5) & 0x3fff, 14) * 4,
            LabelUse::Adr21 => sext(((word >> 5) & 0x7ffff) << 2 | (word >> 29) & 3, 21),
        }
    }
}

/// Why a buffer operation failed. Offsets are in bytes from the buffer start.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BufError {
    /// The instruction at `at` cannot reach `target`.
    OutOfRange {
        /// Offset of the referring instruction.
        at: usize,
        /// Offset it should reach.
        target: usize,
        /// How it refers.
        kind: LabelUse,
    },
    /// A label was referenced but never bound.
    Unbound(Label),
    /// A label was bound twice.
    Rebound(Label),
    /// A label that this buffer did not create.
    Foreign(Label),
    /// The word at `at` is not a PC-relative instruction, or `at` is outside the buffer.
    NotPcRelative {
        /// Offset of the word.
        at: usize,
    },
}

impl fmt::Display for BufError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BufError::OutOfRange { at, target, kind } => {
                write!(f, "{kind:?} at {at:#x} cannot reach {target:#x}")
            }
            BufError::Unbound(l) => write!(f, "label {} referenced but never bound", l.0),
            BufError::Rebound(l) => write!(f, "label {} bound twice", l.0),
            BufError::Foreign(l) => write!(f, "label {} belongs to another buffer", l.0),
            BufError::NotPcRelative { at } => write!(f, "no PC-relative instruction at {at:#x}"),
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Fixup {
    /// Word index of the referring instruction.
    at: u32,
    label: Label,
    kind: LabelUse,
}

/// Instruction words being emitted, with labels and pending fixups.
#[derive(Clone, Debug, Default)]
pub struct CodeBuffer {
    words: Vec<u32>,
    /// Word index each label is bound to.
    labels: Vec<Option<u32>>,
    fixups: Vec<Fixup>,
}

impl CodeBuffer {
    /// An empty buffer.
    pub fn new() -> CodeBuffer {
        CodeBuffer::default()
    }

    /// Append one instruction word.
    pub fn put(&mut self, word: u32) {
        self.words.push(word);
    }

    /// Append several instruction words (for example a [`mov_imm64`] sequence).
    ///
    /// [`mov_imm64`]: super::mov_imm::mov_imm64
    pub fn put_all(&mut self, words: &[u32]) {
        self.words.extend_from_slice(words);
    }

    /// The current offset in bytes (where the next word goes).
    pub fn offset(&self) -> usize {
        self.words.len() * 4
    }

    /// The words emitted so far; fixups to unbound labels still hold zero offsets.
    pub fn words(&self) -> &[u32] {
        &self.words
    }

    /// A new, unbound label.
    pub fn new_label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() as u32 - 1)
    }

    /// The offset a label is bound to, if it is.
    pub fn label_offset(&self, label: Label) -> Option<usize> {
        self.labels
            .get(label.0 as usize)
            .copied()
            .flatten()
            .map(|w| w as usize * 4)
    }

    /// Bind `label` to the current offset and resolve the references waiting for it. If one
    /// of them is out of range, the first such error is returned (the others are still
    /// resolved); the code is then unusable and the trace is abandoned.
    pub fn bind(&mut self, label: Label) -> Result<(), BufError> {
        let here = self.words.len() as u32;
        match self.labels.get_mut(label.0 as usize) {
            Some(slot @ None) => *slot = Some(here),
            Some(Some(_)) => return Err(BufError::Rebound(label)),
            None => return Err(BufError::Foreign(label)),
        }
        let mut result = Ok(());
        let mut i = 0;
        while i < self.fixups.len() {
            let f = self.fixups[i];
            if f.label == label {
                self.fixups.swap_remove(i);
                if let Err(e) = self.resolve(f.at, here, f.kind) {
                    result = result.and(Err(e));
                }
            } else {
                i += 1;
            }
        }
        result
    }

    fn resolve(&mut self, at: u32, target: u32, kind: LabelUse) -> Result<(), BufError> {
        let offset = (target as i64 - at as i64) * 4;
        let word = &mut self.words[at as usize];
        match kind.patch(*word, offset) {
            Some(w) => {
                *word = w;
                Ok(())
            }
            None => Err(BufError::OutOfRange {
                at: at as usize * 4,
                target: target as usize * 4,
                kind,
            }),
        }
    }

    /// Append `word`, a PC-relative instruction of kind `kind` whose offset field is zero,
    /// referring to `label`: encoded now if the label is bound, else when it is. On error the
    /// word stays in the buffer with a zero offset (the code is to be abandoned).
    pub fn put_ref(&mut self, word: u32, label: Label, kind: LabelUse) -> Result<(), BufError> {
        let at = self.words.len() as u32;
        self.words.push(word);
        match self.labels.get(label.0 as usize) {
            Some(Some(target)) => self.resolve(at, *target, kind),
            Some(None) => {
                self.fixups.push(Fixup { at, label, kind });
                Ok(())
            }
            None => Err(BufError::Foreign(label)),
        }
    }

    /// `b label`
    pub fn b(&mut self, label: Label) -> Result<(), BufError> {
        self.put_ref(enc_branch::b(ZERO26), label, LabelUse::Branch26)
    }

    /// `bl label`
    pub fn bl(&mut self, label: Label) -> Result<(), BufError> {
        self.put_ref(enc_branch::bl(ZERO26), label, LabelUse::Branch26)
    }

    /// `b.cond label`
    pub fn b_cond(&mut self, cond: Cond, label: Label) -> Result<(), BufError> {
        self.put_ref(enc_branch::b_cond(cond, ZERO19), label, LabelUse::Branch19)
    }

    /// `cbz rt, label`
    pub fn cbz<R: Gpr>(&mut self, rt: R, label: Label) -> Result<(), BufError> {
        self.put_ref(enc_branch::cbz(rt, ZERO19), label, LabelUse::Branch19)
    }

    /// `cbnz rt, label`
    pub fn cbnz<R: Gpr>(&mut self, rt: R, label: Label) -> Result<(), BufError> {
        self.put_ref(enc_branch::cbnz(rt, ZERO19), label, LabelUse::Branch19)
    }

    /// `tbz rt, #bit, label`
    pub fn tbz<R: Gpr>(&mut self, rt: R, bit: BitIndex<R>, label: Label) -> Result<(), BufError> {
        self.put_ref(enc_branch::tbz(rt, bit, ZERO14), label, LabelUse::Branch14)
    }

    /// `tbnz rt, #bit, label`
    pub fn tbnz<R: Gpr>(&mut self, rt: R, bit: BitIndex<R>, label: Label) -> Result<(), BufError> {
        self.put_ref(enc_branch::tbnz(rt, bit, ZERO14), label, LabelUse::Branch14)
    }

    /// `adr rd, label`
    pub fn adr(&mut self, rd: X, label: Label) -> Result<(), BufError> {
        self.put_ref(enc_branch::adr(rd, ZERO_ADR), label, LabelUse::Adr21)
    }

    /// `ldr rt, label` (a literal placed in the buffer, for example by [`CodeBuffer::put_u64`]).
    pub fn ldr_lit<R: LiteralReg>(&mut self, rt: R, label: Label) -> Result<(), BufError> {
        self.put_ref(enc_ldst::ldr_lit(rt, ZERO19), label, LabelUse::Branch19)
    }

    /// Append a 64-bit little-endian literal as two words (align to 8 first for atomicity).
    pub fn put_u64(&mut self, value: u64) {
        self.words.push(value as u32);
        self.words.push((value >> 32) as u32);
    }

    /// Pad with NOPs until the offset is a multiple of `bytes` (a power of two; values below
    /// 4 are already satisfied).
    pub fn align(&mut self, bytes: usize) {
        debug_assert!(bytes.is_power_of_two(), "alignment must be a power of two");
        while self.offset() & (bytes.max(4) - 1) != 0 {
            self.words.push(nop());
        }
    }

    /// Re-target the PC-relative instruction at byte offset `at` to byte offset `target`.
    pub fn patch(&mut self, at: usize, target: usize) -> Result<(), BufError> {
        let word = self.words.get(at / 4).copied().filter(|_| at & 3 == 0);
        let kind = word
            .and_then(LabelUse::of_word)
            .ok_or(BufError::NotPcRelative { at })?;
        let offset = target as i64 - at as i64;
        let slot = &mut self.words[at / 4];
        *slot = kind
            .patch(*slot, offset)
            .ok_or(BufError::OutOfRange { at, target, kind })?;
        Ok(())
    }

    /// The finished code, or an error naming a label that was referenced but never bound.
    pub fn finish(self) -> Result<Vec<u32>, BufError> {
        match self.fixups.first() {
            Some(f) => Err(BufError::Unbound(f.label)),
            None => Ok(self.words),
        }
    }
}

const ZERO26: BranchOff26 = match BranchOff26::new(0) {
    Some(o) => o,
    None => panic!(),
};
const ZERO19: BranchOff19 = match BranchOff19::new(0) {
    Some(o) => o,
    None => panic!(),
};
const ZERO14: BranchOff14 = match BranchOff14::new(0) {
    Some(o) => o,
    None => panic!(),
};
const ZERO_ADR: AdrOff = match AdrOff::new(0) {
    Some(o) => o,
    None => panic!(),
};

/// Re-target an already emitted PC-relative instruction `word`, located at address `from`,
/// to address `to` (for linking an exit branch to a side trace in place). The instruction
/// kind is read from the word; `None` if it is not PC-relative, or `to` is out of its range.
pub fn retarget(word: u32, from: u64, to: u64) -> Option<u32> {
    let kind = LabelUse::of_word(word)?;
    kind.patch(word, to.wrapping_sub(from) as i64)
}
