//! Disassembly of emitted code for `-jdump`, through the `yaxpeax-arm` decoder (optional
//! cargo feature `disasm`, so the core's default build carries no decoder).
//!
//! Invariants: one output line per instruction word, `address:  word  text`, in order;
//! a word the decoder rejects prints as `.inst 0x........ // undefined`, never an error, so a
//! dump of a corrupted trace still shows every word.

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
        let _ = match disassemble_one(word) {
            Some(text) => writeln!(out, "{addr:016x}:  {word:08x}  {text}"),
            None => writeln!(
                out,
                "{addr:016x}:  {word:08x}  .inst {word:#010x} // undefined"
            ),
        };
    }
    out
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
        ];
        let text = disassemble(&words, 0x1000);
        let lines: alloc::vec::Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6, "{text}");
        assert!(
            lines[0].starts_with("0000000000001000:  910043e0  add x0, sp, #0x10"),
            "{text}"
        );
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
    }
}
