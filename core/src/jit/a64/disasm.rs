//! Disassembly of emitted code for `-jdump`, through the `yaxpeax-arm` decoder (optional
//! cargo feature `disasm`, so the core's default build carries no decoder).
//!
//! Invariants: one output line per instruction word, `address:  word  text`, in order;
//! a word the decoder rejects prints as `.inst 0x........ // undefined`, never an error, so a
//! dump of a corrupted trace still shows every word. PC-relative instructions (branches,
//! literal loads, ADR, ADRP) end with `; -> target` giving the absolute address they reach,
//! so exits and links can be followed in the dump.

use super::buffer::LabelUse;
use alloc::string::String;
use core::fmt::Write;
use yaxpeax_arch::{Decoder, U8Reader};
use yaxpeax_arm::armv8::a64::InstDecoder;

/// The text of one instruction word, or `None` if the decoder rejects it.
pub fn disassemble_one(word: u32) -> Option<String> {
    let bytes = word.to_le_bytes();
    let mut reader = U8Reader::new(&bytes);
    let inst = InstDecoder::default().decode(&mut reader).ok()?;
    let mut text = String::new();
    write!(text, "{inst}").ok()?;
    Some(text)
}

/// A listing of `words`, the first placed at `base_addr`: one line per word.
pub fn disassemble(words: &[u32], base_addr: u64) -> String {
    let mut out = String::new();
    for (i, &word) in words.iter().enumerate() {
        let addr = base_addr.wrapping_add(4 * i as u64);
        // Writing to a String cannot fail.
        let _ = write!(out, "{addr:016x}:  {word:08x}  ");
        let _ = match (disassemble_one(word), target(word, addr)) {
            (Some(text), Some(to)) => writeln!(out, "{text:<32} ; -> {to:016x}"),
            (Some(text), None) => writeln!(out, "{text}"),
            (None, _) => writeln!(out, ".inst {word:#010x} // undefined"),
        };
    }
    out
}

/// The absolute address a PC-relative instruction at `addr` refers to.
fn target(word: u32, addr: u64) -> Option<u64> {
    if word & 0x9f00_0000 == 0x9000_0000 {
        // ADRP: a signed 21-bit page offset from the instruction's page.
        let field = ((word >> 5) & 0x7ffff) << 2 | (word >> 29) & 3;
        let pages = ((field << 11) as i32 >> 11) as i64;
        return Some((addr & !0xfff).wrapping_add((pages * 4096) as u64));
    }
    let kind = LabelUse::of_word(word)?;
    Some(addr.wrapping_add(kind.offset_of(word) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::a64::*;

    #[test]
    fn lists_emitted_code() {
        let words = [
            add_imm(xsp(0), SP, Imm12::new(16).unwrap()),
            ldst(LDR_X, x(1), xsp(0), UOff::new(8).unwrap()),
            fadd(d(0), d(1), d(2)),
            ret(x(30)),
            0,
            0xffff_ffff,
            b_cond(Cond::Ne, BranchOff19::new(-8).unwrap()),
            adrp(x(2), AdrpOff::new(-4096).unwrap()),
        ];
        let text = disassemble(&words, 0x1000);
        let lines: alloc::vec::Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 8, "{text}");
        let head = "0000000000001000:  910043e0  add x0, sp, #0x10";
        assert!(lines[0].starts_with(head), "{text}");
        assert!(lines[1].contains("ldr x1, [x0, #0x8]"), "{text}");
        assert!(lines[2].contains("fadd d0, d1, d2"), "{text}");
        assert!(
            lines[3].starts_with("000000000000100c") && lines[3].contains("ret"),
            "{text}"
        );
        assert!(lines[4].contains("udf"), "{text}");
        assert!(
            lines[5].ends_with(".inst 0xffffffff // undefined"),
            "{text}"
        );
        assert!(
            lines[6].contains("b.ne") && lines[6].ends_with("; -> 0000000000001010"),
            "{text}"
        );
        assert!(
            lines[7].contains("adrp") && lines[7].ends_with("; -> 0000000000000000"),
            "{text}"
        );
    }
}
