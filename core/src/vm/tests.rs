//! Interpreter tests on hand-assembled prototypes (independent of the front end).

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::bytecode::{rk_k, Const, Instr, Op, ProtoDesc};
use crate::value::Value;
use crate::vm::{LuaError, Vm};

fn proto(code: Vec<Instr>, consts: Vec<Const>, max_stack: u8) -> ProtoDesc {
    let n = code.len();
    ProtoDesc {
        source: String::from("=test"),
        code,
        lines: vec![1; n],
        consts,
        max_stack,
        is_vararg: true,
        ..Default::default()
    }
}

fn s(x: &str) -> Const {
    Const::Str(x.as_bytes().to_vec())
}

fn vm() -> Vm {
    let mut vm = Vm::new();
    crate::stdlib::open_libs(&mut vm).unwrap();
    vm
}

fn run(vm: &mut Vm, p: ProtoDesc) -> Result<Vec<Value>, LuaError> {
    let pp = vm.load_proto(p);
    let f = vm.new_lua_function(pp)?;
    let n = vm.call(f, &[], None)?;
    let r = vm.top_values(n).to_vec();
    vm.pop(n);
    Ok(r)
}

#[test]
fn arithmetic_and_return() {
    let mut vm = vm();
    // return 1 + 2 * 3
    let p = proto(
        vec![
            Instr::abc(Op::MUL, 0, rk_k(1), rk_k(2)),
            Instr::abc(Op::ADD, 0, rk_k(0), 0),
            Instr::abc(Op::RETURN, 0, 2, 0),
        ],
        vec![Const::Num(1.0), Const::Num(2.0), Const::Num(3.0)],
        2,
    );
    assert_eq!(run(&mut vm, p).unwrap(), vec![Value::num(7.0)]);
}

#[test]
fn numeric_for_and_table_append() {
    let mut vm = vm();
    // local t = {}; for i = 1, 100 do t[#t+1] = i end; return #t, t[50]
    let p = proto(
        vec![
            Instr::abc(Op::NEWTABLE, 0, 0, 0),
            Instr::abx(Op::LOADK, 1, 0), // 1
            Instr::abx(Op::LOADK, 2, 1), // 100
            Instr::abx(Op::LOADK, 3, 0), // 1
            Instr::asbx(Op::FORPREP, 1, 3),
            Instr::abc(Op::LEN, 5, 0, 0),
            Instr::abc(Op::ADD, 5, 5, rk_k(0)),
            Instr::abc(Op::SETTABLE, 0, 5, 4),
            Instr::asbx(Op::FORLOOP, 1, -4),
            Instr::abc(Op::LEN, 1, 0, 0),
            Instr::abc(Op::GETTABLE, 2, 0, rk_k(2)),
            Instr::abc(Op::RETURN, 1, 3, 0),
        ],
        vec![Const::Num(1.0), Const::Num(100.0), Const::Num(50.0)],
        6,
    );
    assert_eq!(
        run(&mut vm, p).unwrap(),
        vec![Value::num(100.0), Value::num(50.0)]
    );
}

#[test]
fn index_error_names_the_global() {
    let mut vm = vm();
    // return x.y  (x is a nil global)
    let p = proto(
        vec![
            Instr::abx(Op::GETGLOBAL, 0, 0),
            Instr::abc(Op::GETTABLE, 0, 0, rk_k(1)),
            Instr::abc(Op::RETURN, 0, 2, 0),
        ],
        vec![s("x"), s("y")],
        2,
    );
    let e = run(&mut vm, p).unwrap_err();
    let m = vm.error_message(e);
    assert_eq!(m, "test:1: attempt to index global 'x' (a nil value)");
}

#[test]
fn pcall_catches_and_returns_false_msg() {
    let mut vm = vm();
    // return pcall(error, "boom")
    let p = proto(
        vec![
            Instr::abx(Op::GETGLOBAL, 0, 0),
            Instr::abx(Op::GETGLOBAL, 1, 1),
            Instr::abx(Op::LOADK, 2, 2),
            Instr::abc(Op::CALL, 0, 3, 0),
            Instr::abc(Op::RETURN, 0, 0, 0),
        ],
        vec![s("pcall"), s("error"), s("boom")],
        3,
    );
    let r = run(&mut vm, p).unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(r[0], Value::FALSE);
    assert_eq!(vm.error_message(LuaError::Value(r[1])), "boom");
}

#[test]
fn closures_share_upvalues() {
    let mut vm = vm();
    // local n = 0; local function inc() n = n + 1 end; inc(); inc(); return n
    let inc = ProtoDesc {
        source: String::from("=test"),
        code: vec![
            Instr::abc(Op::GETUPVAL, 0, 0, 0),
            Instr::abc(Op::ADD, 0, 0, rk_k(0)),
            Instr::abc(Op::SETUPVAL, 0, 0, 0),
            Instr::abc(Op::RETURN, 0, 1, 0),
        ],
        lines: vec![1; 4],
        consts: vec![Const::Num(1.0)],
        num_upvals: 1,
        max_stack: 2,
        ..Default::default()
    };
    let mut p = proto(
        vec![
            Instr::abx(Op::LOADK, 0, 0),
            Instr::abx(Op::CLOSURE, 1, 0),
            Instr::abc(Op::MOVE, 0, 0, 0),
            Instr::abc(Op::MOVE, 2, 1, 0),
            Instr::abc(Op::CALL, 2, 1, 1),
            Instr::abc(Op::MOVE, 2, 1, 0),
            Instr::abc(Op::CALL, 2, 1, 1),
            Instr::abc(Op::RETURN, 0, 2, 0),
        ],
        vec![Const::Num(0.0)],
        3,
    );
    p.protos.push(inc);
    assert_eq!(run(&mut vm, p).unwrap(), vec![Value::num(2.0)]);
}

#[test]
fn gc_reclaims_garbage_tables() {
    let mut vm = vm();
    // for i = 1, 20000 do local t = {} end
    let p = proto(
        vec![
            Instr::abx(Op::LOADK, 0, 0),
            Instr::abx(Op::LOADK, 1, 1),
            Instr::abx(Op::LOADK, 2, 0),
            Instr::asbx(Op::FORPREP, 0, 1),
            Instr::abc(Op::NEWTABLE, 4, 0, 0),
            Instr::asbx(Op::FORLOOP, 0, -2),
            Instr::abc(Op::RETURN, 0, 1, 0),
        ],
        vec![Const::Num(1.0), Const::Num(20000.0)],
        5,
    );
    run(&mut vm, p).unwrap();
    vm.full_gc();
    assert!(vm.heap.cycles >= 2);
    assert!(vm.heap.total < 200_000, "heap {}", vm.heap.total);
}
