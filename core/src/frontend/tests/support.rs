//! Helpers shared by the front-end tests.

use alloc::string::String;
use alloc::vec::Vec;

use crate::bytecode::ProtoDesc;

/// Compiles `src` as chunk `=t`, panicking with the message on error.
pub fn compile_ok(src: &str) -> ProtoDesc {
    match crate::frontend::compile(src.as_bytes(), "=t") {
        Ok(p) => p,
        Err(e) => panic!("compile error: {}", e.message),
    }
}

/// The compile error message for `src` as chunk `chunk`.
pub fn compile_err(src: &[u8], chunk: &str) -> String {
    match crate::frontend::compile(src, chunk) {
        Ok(_) => panic!(
            "expected a compile error for {:?}",
            String::from_utf8_lossy(src)
        ),
        Err(e) => e.message,
    }
}

/// The instruction lines of the main function's listing, without the line column, e.g.
/// `GETGLOBAL 0 -1 ; print`: compact enough to write expected code inline.
pub fn code(src: &str) -> Vec<String> {
    code_of(&compile_ok(src))
}

/// Instruction lines of one function (see [`code`]).
pub fn code_of(p: &ProtoDesc) -> Vec<String> {
    let l = crate::frontend::listing(&ProtoDesc {
        protos: Vec::new(),
        ..p.clone()
    });
    l.lines()
        .filter(|l| l.starts_with('\t') && l.split('\t').nth(2).is_some_and(|c| c.starts_with('[')))
        .map(|l| {
            let parts: Vec<&str> = l.split('\t').collect();
            // "", pc, [line], OP, operands, [; comment]
            let mut s = String::from(parts[3].trim_end());
            s.push(' ');
            s.push_str(parts[4]);
            if let Some(c) = parts.get(5) {
                s.push(' ');
                s.push_str(c);
            }
            s
        })
        .collect()
}
