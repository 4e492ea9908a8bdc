//! The exit state and snapshot restore: the contract between exit stubs and the VM.
//!
//! A trace runs with `x20` pointing at an [`ExitState`]. When a guard fails, its exit stub
//! stores every allocatable register (general-purpose in `gpr`, floating-point bits in
//! `fpr`) and copies the trace's spill slots into `spill`, then returns to the entry glue
//! with the exit number (the snapshot index). [`restore`] then writes each slot of that
//! snapshot back to the VM stack, rebuilding constants and boxing values by their IR type,
//! and gives the pc to resume at. Inputs (numbers read by entry assumptions, see
//! `record.rs`) are written to `inputs` before entry and read by the trace; the step
//! counter is copied to `steps` before entry and back after the exit.
//!
//! Invariants: the layout is `#[repr(C)]` and the emitter takes every offset from here
//! (`offset_of!`); numbers written to the stack are canonical NaN-boxed values (a NaN
//! computed by the trace may carry any sign and payload, `Value::num` canonicalizes it).

use crate::jit::ir::{IrType, Op, Ref, Trace};
use crate::jit::record::MAX_INPUTS;
use crate::jit::regalloc::{Allocation, SnapLoc};
use crate::value::Value;
use alloc::vec::Vec;

/// Spill slots one trace may use.
pub const MAX_SPILLS: usize = 128;

/// Registers and spill slots at a trace exit, and the trace's inputs.
#[repr(C)]
pub struct ExitState {
    /// `x0`..`x31` (31 unused).
    pub gpr: [u64; 32],
    /// `d0`..`d31` (raw bits).
    pub fpr: [u64; 32],
    /// Spill slots, copied from the trace's stack frame.
    pub spill: [u64; MAX_SPILLS],
    /// Inputs filled before entry.
    pub inputs: [u64; MAX_INPUTS],
    /// The VM's step counter (`Vm::steps_left`), copied in before entry and back after
    /// the exit: each back-edge of the trace subtracts its loop's cost and exits when
    /// the result is negative (see `vm/budget.rs`).
    pub steps: i64,
}

impl Default for ExitState {
    fn default() -> ExitState {
        ExitState {
            gpr: [0; 32],
            fpr: [0; 32],
            spill: [0; MAX_SPILLS],
            inputs: [0; MAX_INPUTS],
            steps: 0,
        }
    }
}

/// Byte offset of `gpr[n]`.
pub const fn gpr_offset(n: u32) -> usize {
    core::mem::offset_of!(ExitState, gpr) + 8 * n as usize
}
/// Byte offset of `fpr[n]`.
pub const fn fpr_offset(n: u32) -> usize {
    core::mem::offset_of!(ExitState, fpr) + 8 * n as usize
}
/// Byte offset of `spill[n]`.
pub const fn spill_offset(n: u32) -> usize {
    core::mem::offset_of!(ExitState, spill) + 8 * n as usize
}
/// Byte offset of `inputs[n]`.
pub const fn input_offset(n: u32) -> usize {
    core::mem::offset_of!(ExitState, inputs) + 8 * n as usize
}

/// Byte offset of `steps`.
pub const STEPS_OFFSET: usize = core::mem::offset_of!(ExitState, steps);

// The emitter addresses everything with scaled 12-bit offsets from `x20`.
const _: () = assert!(input_offset(MAX_INPUTS as u32) < 4096 * 8);
const _: () = assert!(STEPS_OFFSET < 4096 * 8 && STEPS_OFFSET.is_multiple_of(8));

/// The boxed value of IR constant `k`.
pub fn const_value(t: &Trace, k: Ref) -> Value {
    let ty = t.ty(k);
    match t.op(k) {
        Op::KNUM => Value::num(t.num_value(k).unwrap_or(f64::NAN)),
        Op::KINT => Value::num(t.int_value(k).unwrap_or(0) as f64),
        Op::KPRI => pri_value(ty),
        Op::KGC => match ty.value_tag() {
            Some(tag) => Value::from_bits(
                (crate::value::TAGGED_HI | tag) << crate::value::TAG_SHIFT
                    | (t.k64_value(k).unwrap_or(0) & crate::value::PAYLOAD_MASK),
            ),
            None => Value::NIL,
        },
        _ => Value::NIL,
    }
}

fn pri_value(ty: IrType) -> Value {
    match ty {
        IrType::FALSE => Value::FALSE,
        IrType::TRUE => Value::TRUE,
        _ => Value::NIL,
    }
}

/// The value of an entry's raw 64 bits, by its IR type: numbers are canonicalized,
/// integers converted, GC objects are held boxed in registers (see `emit.rs`).
fn box_bits(ty: IrType, bits: u64) -> Value {
    match ty {
        IrType::NUM => Value::num(f64::from_bits(bits)),
        IrType::INT => Value::num(bits as u32 as i32 as f64),
        IrType::NIL | IrType::FALSE | IrType::TRUE => pri_value(ty),
        _ => Value::from_bits(bits),
    }
}

/// Where one slot's value comes from at an exit, precomputed when the trace is compiled.
#[derive(Clone, Copy, Debug)]
pub enum Source {
    /// A constant, already boxed.
    Value(Value),
    /// A number in `fpr[n]` (the common case, restored without dispatching on a type).
    FprNum(u8),
    /// `gpr[n]` boxed by type.
    Gpr(u8, IrType),
    /// `fpr[n]` boxed by type.
    Fpr(u8, IrType),
    /// `spill[n]` boxed by type.
    Spill(u16, IrType),
}

/// What an exit through one snapshot writes: `(slot, source)` pairs and the pc.
#[derive(Clone, Debug)]
pub struct RestorePlan {
    /// Slots (relative to the entry base) and their sources.
    pub slots: Vec<(u16, Source)>,
    /// The pc to resume at.
    pub pc: usize,
}

/// The restore plans of every snapshot (slots below the entry base are not written: the
/// recorder never writes them).
pub fn plans(t: &Trace, a: &Allocation) -> Vec<RestorePlan> {
    (0..t.snaps.len())
        .map(|n| {
            let s = &t.snaps[n];
            let slots = a
                .snapshot_locs(t, n)
                .into_iter()
                .zip(s.entries.iter())
                .filter(|((slot, _), _)| *slot >= 0)
                .map(|((slot, loc), e)| {
                    let ty = t.ty(e.r);
                    let src = match loc {
                        SnapLoc::Const(k) => Source::Value(const_value(t, k)),
                        SnapLoc::Reg(r) if r.is_fp() && ty == IrType::NUM => {
                            Source::FprNum(r.num())
                        }
                        SnapLoc::Reg(r) if r.is_fp() => Source::Fpr(r.num(), ty),
                        SnapLoc::Reg(r) => Source::Gpr(r.num(), ty),
                        SnapLoc::Spill(sp) => Source::Spill(sp, ty),
                    };
                    (slot as u16, src)
                })
                .collect();
            RestorePlan {
                slots,
                pc: s.pc as usize,
            }
        })
        .collect()
}

/// Writes the slots of a snapshot's plan to `base` and returns the pc to resume at.
///
/// # Safety
/// `base` must point to the trace's entry frame with every slot of the plan writable.
pub unsafe fn restore(plan: &RestorePlan, st: &ExitState, base: *mut Value) -> usize {
    for &(slot, src) in &plan.slots {
        let v = match src {
            Source::FprNum(n) => Value::num(f64::from_bits(st.fpr[n as usize & 31])),
            Source::Value(v) => v,
            Source::Gpr(n, ty) => box_bits(ty, st.gpr[n as usize & 31]),
            Source::Fpr(n, ty) => box_bits(ty, st.fpr[n as usize & 31]),
            Source::Spill(n, ty) => box_bits(ty, st.spill[n as usize]),
        };
        // SAFETY: the caller guarantees the frame's slots are writable.
        unsafe { *base.add(slot as usize) = v };
    }
    plan.pc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ir::SloadFlags;
    use crate::jit::regalloc::{Loc, Reg};

    #[test]
    fn restore_boxes_by_type_and_canonicalizes_nans() {
        let mut t = Trace::default();
        let x = t.sload(0, IrType::NUM, SloadFlags::TYPECHECK).unwrap();
        let y = t.sload(1, IrType::TAB, SloadFlags::TYPECHECK).unwrap();
        let k = t.knum(2.5).unwrap();
        let s = crate::jit::snapshot::Snapshot::new(
            Ref::NONE,
            7,
            4,
            alloc::vec![
                crate::jit::snapshot::SnapEntry { slot: 0, r: x },
                crate::jit::snapshot::SnapEntry { slot: 1, r: y },
                crate::jit::snapshot::SnapEntry { slot: 2, r: k },
                crate::jit::snapshot::SnapEntry {
                    slot: 3,
                    r: Ref::TRUE
                },
            ],
        );
        t.push_snapshot(s).unwrap();
        let mut a = crate::jit::regalloc::allocate(&t);
        a.ins[x.idx()] = Loc::Reg(Reg::d(3));
        a.ins[y.idx()] = Loc::Spill(2);
        let mut st = ExitState::default();
        st.fpr[3] = 0xFFF8_0000_0000_0001; // a negative NaN: must not read as a tag
        let tab = Value::from_bits(crate::value::NUM_LIMIT | (5 << 47) | 0x1000);
        st.spill[2] = tab.bits();
        let mut stack = [Value::NIL; 4];
        // SAFETY: four writable slots.
        let plan = &plans(&t, &a)[0];
        let pc = unsafe { restore(plan, &st, stack.as_mut_ptr()) };
        assert_eq!(pc, 7);
        assert_eq!(stack[0].bits(), crate::value::CANON_NAN);
        assert_eq!(stack[1], tab);
        assert_eq!(stack[2].as_num(), Some(2.5));
        assert_eq!(stack[3], Value::TRUE);
    }
}
