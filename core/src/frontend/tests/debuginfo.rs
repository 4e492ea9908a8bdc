//! Variable names for runtime errors (`get_obj_name`), locals' live ranges, upvalue names.

use alloc::string::String;

use super::support::compile_ok;
use crate::bytecode::{Op, ProtoDesc};
use crate::frontend::debuginfo::{get_obj_name, local_name};

/// The pc of the `n`-th (0-based) instruction with opcode `op`.
fn pc_of(p: &ProtoDesc, op: Op, n: usize) -> usize {
    p.code
        .iter()
        .enumerate()
        .filter(|(_, i)| i.op() == op)
        .nth(n)
        .map(|(pc, _)| pc)
        .expect("no such op")
}

fn name(
    p: &ProtoDesc,
    op: Op,
    n: usize,
    reg_of: fn(crate::bytecode::Instr) -> u32,
) -> Option<(&'static str, String)> {
    let pc = pc_of(p, op, n);
    get_obj_name(p, pc, reg_of(p.code[pc]))
}

fn named(kind: &'static str, n: &str) -> Option<(&'static str, String)> {
    Some((kind, String::from(n)))
}

#[test]
fn indexed_values() {
    let b = |i: crate::bytecode::Instr| i.b();
    let a = |i: crate::bytecode::Instr| i.a();
    // t.x = 1 on a nil local: SETTABLE's A.
    assert_eq!(
        name(&compile_ok("local t; t.x = 1"), Op::SETTABLE, 0, a),
        named("local", "t")
    );
    // a.b.c: the second GETTABLE indexes the field 'b'.
    let p = compile_ok("local a; local v = a.b.c");
    assert_eq!(name(&p, Op::GETTABLE, 0, b), named("local", "a"));
    assert_eq!(name(&p, Op::GETTABLE, 1, b), named("field", "b"));
    // Globals.
    assert_eq!(
        name(&compile_ok("x = y.z"), Op::GETTABLE, 0, b),
        named("global", "y")
    );
    // Upvalues.
    let p = compile_ok("local u; function g() return u.x end");
    assert_eq!(
        name(&p.protos[0], Op::GETTABLE, 0, b),
        named("upvalue", "u")
    );
    // A non-constant key names nothing for the field.
    let p = compile_ok("local t, k; local v = t[k].x");
    assert_eq!(name(&p, Op::GETTABLE, 1, b), named("field", "?"));
    // A numeric constant key is not a name either.
    let p = compile_ok("local t; local v = t[1].x");
    assert_eq!(name(&p, Op::GETTABLE, 1, b), named("field", "?"));
}

#[test]
fn called_values() {
    let a = |i: crate::bytecode::Instr| i.a();
    assert_eq!(
        name(&compile_ok("f()"), Op::CALL, 0, a),
        named("global", "f")
    );
    assert_eq!(
        name(&compile_ok("local t = {} t.m()"), Op::CALL, 0, a),
        named("field", "m")
    );
    assert_eq!(
        name(&compile_ok("local t = {} t:m()"), Op::CALL, 0, a),
        named("method", "m")
    );
    assert_eq!(
        name(&compile_ok("local f; f()"), Op::CALL, 0, a),
        named("local", "f")
    );
    // A local copied for the call is still named by the local (MOVE to a higher register).
    assert_eq!(
        name(&compile_ok("local f; (f)()"), Op::CALL, 0, a),
        named("local", "f")
    );
    // The result of a call has no name.
    assert_eq!(name(&compile_ok("f()()"), Op::CALL, 1, a), None);
    // After a jump that skips the call site, the symbolic execution follows it.
    let p = compile_ok("local x if x then x = 1 end g()");
    assert_eq!(name(&p, Op::CALL, 0, a), named("global", "g"));
}

#[test]
fn arithmetic_operands() {
    let b = |i: crate::bytecode::Instr| i.b();
    let c = |i: crate::bytecode::Instr| i.c();
    let p = compile_ok("local a; x = a + 1");
    assert_eq!(name(&p, Op::ADD, 0, b), named("local", "a"));
    let p = compile_ok("x = 1 + y.z");
    assert_eq!(name(&p, Op::ADD, 0, c), named("field", "z"));
    let p = compile_ok("x = -y");
    assert_eq!(name(&p, Op::UNM, 0, b), named("global", "y"));
}

#[test]
fn local_ranges() {
    let p = compile_ok("local a = 1\ndo local b = 2 end\nlocal c = 3");
    let names: alloc::vec::Vec<(&[u8], u32, u32)> = p
        .locvars
        .iter()
        .map(|l| (l.name.as_slice(), l.start_pc, l.end_pc))
        .collect();
    // LOADK a; LOADK b; LOADK c; RETURN: each local starts after its initializer and
    // ends at the final RETURN, as in 5.1.
    assert_eq!(
        names,
        [(&b"a"[..], 1, 3), (&b"b"[..], 2, 2), (&b"c"[..], 3, 3)]
    );
    assert_eq!(local_name(&p, 0, 1), Some(&b"a"[..]));
    assert_eq!(local_name(&p, 1, 1), None); // b not yet active
    let p = compile_ok(
        "local a = 1
do local b = 2 end
local c = 3
c()",
    );
    assert_eq!(local_name(&p, 1, 4), Some(&b"c"[..])); // register 1 is c after b's scope
                                                       // A local function is visible in its own body (as an upvalue) but named only after
                                                       // the closure is stored.
    let p = compile_ok("local function f() return f end");
    assert_eq!(p.locvars[0].start_pc, 2); // after CLOSURE and its MOVE pseudo-instruction
    assert_eq!(p.protos[0].upval_names, [b"f".to_vec()]);
}
