//! Execution budgets: the step budget ("instruction budget exhausted") and the hard-stop
//! latch of the memory limit ("not enough memory").
//!
//! A *step* is one bytecode instruction of straight-line loop code, counted where every
//! unbounded execution must pass: each loop back-edge (`FORLOOP`, `TFORLOOP`, `LOOP`)
//! charges the length of its loop (its backward jump distance, so an iteration costs about
//! as many steps as it executes instructions: exactly that for a branch-free body), and
//! each call (Lua or native, from the interpreter, a native, a metamethod or the host)
//! charges 1. Straight-line code between charges is bounded by the size of its function,
//! so a budget of `n` steps bounds the work done to O(n × largest function).
//!
//! Invariants:
//! - [`Vm::steps_left`] is the only counter the hot paths touch: a charge subtracts its
//!   cost and, when the result is negative, calls `Vm::budget_trip` (cold). With no
//!   budget it starts at `i64::MAX`, so the disabled case is the same subtract-and-branch
//!   that never fires (2^63 steps is centuries).
//! - `steps_used() == steps_spent + (steps_armed - steps_left)`: `steps_armed` is the value
//!   the counter was last set to and `steps_spent` what was charged before that.
//! - Setting `steps_left` to 0 forces a trip at the next charge (an *interrupt*): hard
//!   stops use it, so a latched error is raised again at the next back-edge or call, and
//!   `pcall` cannot swallow it for more than one iteration.
//! - Hard stop (step budget): once exhausted, every later charge raises the error again,
//!   until the host calls [`Vm::set_step_budget`]. Soft (default): the error is raised
//!   once and the budget renewed for another `n` steps (like a count hook that errors), so
//!   a script that catches it keeps being interrupted every `n` steps.
//! - Hard stop (memory): once "not enough memory" is raised, every later charge raises it
//!   again, until the host calls [`Vm::set_memory_limit`].
//!
//! Cost (callgrind, release CLI, `-joff`): a charge is a subtract, store and branch on the
//! counter; with the budget disabled or enabled the instruction counts are the same (the
//! same path), +4.6% on loops of 1-3 instruction bodies (a numeric micro-loop, `sieve`),
//! +0.25% on `fib`, within noise on `nbody`, against the interpreter without budgets.
//!
//! For the trace JIT: a trace must charge what the interpreter charges, at least at its
//! loop back-edge: load the `i64` at `vm + STEPS_LEFT_OFFSET`, subtract the loop's cost
//! ([`back_edge_cost`] of the loop instruction the trace closes, plus 1 for every call it
//! inlined, if it wants to be exact), store it back, and take a side exit when the result
//! is negative. The interpreter charges again after the hot hook returns (see the
//! back-edges in `exec.rs`), so it trips at once at the exit's pc: the trace needs no
//! special exit handling, only an ordinary snapshot exit.

use crate::vm::{LuaError, Vm};

/// Message of the step budget's error (raised without a position, as the memory error).
pub const BUDGET_MESSAGE: &str = "instruction budget exhausted";

/// Byte offset of [`Vm::steps_left`] (an `i64`) in [`Vm`], for compiled traces.
pub const STEPS_LEFT_OFFSET: usize = core::mem::offset_of!(Vm, steps_left);

/// Steps a loop back-edge with signed jump offset `sbx` charges: the loop's length in
/// instructions (the back-edge included), at least 1 for any backward jump.
#[inline(always)]
pub fn back_edge_cost(sbx: i32) -> i64 {
    sbx.unsigned_abs() as i64
}

impl Vm {
    /// Sets (or removes) the step budget: `n` more steps from now, counting from zero.
    /// Clears a latched hard stop of the step budget (not of the memory limit).
    pub fn set_step_budget(&mut self, n: Option<u64>) {
        self.step_budget = n;
        self.step_tripped = false;
        self.steps_spent = 0;
        self.step_limit = n.unwrap_or(u64::MAX);
        self.arm();
    }

    /// The step budget last set, if any.
    pub fn step_budget(&self) -> Option<u64> {
        self.step_budget
    }

    /// Chooses whether exhausting a budget is a hard stop (errors again at every later
    /// back-edge or call, until the host resets the budget) or soft (one catchable
    /// error, then the budget is renewed). Applies to the step budget and the memory
    /// limit.
    pub fn set_budget_hard(&mut self, hard: bool) {
        self.budget_hard = hard;
    }

    /// True when exhausting a budget is a hard stop.
    pub fn budget_hard(&self) -> bool {
        self.budget_hard
    }

    /// Steps charged since the budget was last set.
    pub fn steps_used(&self) -> u64 {
        self.steps_spent
            .saturating_add(self.steps_armed.wrapping_sub(self.steps_left).max(0) as u64)
    }

    /// Steps left before the step budget is exhausted (`None` without a budget).
    pub fn steps_remaining(&self) -> Option<u64> {
        self.step_budget
            .map(|_| self.step_limit.saturating_sub(self.steps_used()))
    }

    /// True once the step budget ran out and its error was raised (until the budget is
    /// set again), in hard and soft mode.
    pub fn step_budget_exhausted(&self) -> bool {
        self.step_tripped
    }

    /// Makes the next charge (back-edge or call) call [`Vm::budget_trip`].
    pub(crate) fn interrupt(&mut self) {
        self.steps_spent = self.steps_used();
        self.steps_armed = 0;
        self.steps_left = 0;
    }

    /// Sets the counter to the steps left before the limit.
    pub(crate) fn arm(&mut self) {
        let left = self.step_limit.saturating_sub(self.steps_spent);
        let left = left.min(i64::MAX as u64) as i64;
        self.steps_armed = left;
        self.steps_left = left;
        if self.mem_latched {
            self.interrupt();
        }
    }

    /// Charges `cost` steps outside the dispatch loop (calls).
    #[inline(always)]
    pub(crate) fn charge(&mut self, cost: i64) -> Result<(), LuaError> {
        let left = self.steps_left - cost;
        self.steps_left = left;
        if left < 0 {
            return self.budget_trip();
        }
        Ok(())
    }

    /// The counter went negative: raise a latched memory error, raise the budget error
    /// if the budget is spent, or just re-arm (an interrupt with nothing to report).
    #[cold]
    #[inline(never)]
    pub(crate) fn budget_trip(&mut self) -> Result<(), LuaError> {
        self.steps_spent = self.steps_used();
        self.steps_armed = 0;
        self.steps_left = 0;
        if self.mem_latched {
            // Stays interrupted (`steps_left == 0`): raised again at the next charge.
            return Err(self.mem_error());
        }
        if self.step_budget.is_none() || self.steps_spent < self.step_limit {
            self.arm();
            return Ok(());
        }
        self.step_tripped = true;
        if !self.budget_hard {
            // Soft: renew the budget for another round.
            let n = self.step_budget.unwrap_or(u64::MAX);
            self.step_limit = self.steps_spent.saturating_add(n);
            self.arm();
        }
        let v = self.str_unchecked(BUDGET_MESSAGE.as_bytes());
        Err(self.throw(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    fn vm() -> Vm {
        let mut vm = Vm::new();
        crate::stdlib::open_libs(&mut vm).unwrap();
        vm
    }

    /// Runs `src`, returning the error message if it failed (and resetting the stack).
    fn exec(vm: &mut Vm, src: &str) -> Result<(), alloc::string::String> {
        let (depth, top) = (vm.frame_depth(), vm.stack_top());
        let r = vm
            .load(src.as_bytes(), "=budget")
            .and_then(|f| vm.call(f, &[], Some(0)).map(|_| ()));
        let r = r.map_err(|e| vm.error_message(e));
        vm.reset_stack(depth, top);
        r
    }

    #[test]
    fn disabled_budget_never_trips_and_counts() {
        let mut vm = vm();
        assert_eq!(vm.steps_remaining(), None);
        exec(&mut vm, "local s = 0 for i = 1, 1000 do s = s + i end").unwrap();
        assert!(vm.steps_used() >= 1000, "{}", vm.steps_used());
        assert!(!vm.step_budget_exhausted());
    }

    #[test]
    fn back_edges_charge_the_loop_length() {
        let mut vm = vm();
        vm.set_step_budget(Some(1_000_000));
        // The call of the chunk costs 1; each of the 100 taken back-edges of an empty
        // numeric loop 1 (the loop is its `FORLOOP`).
        exec(&mut vm, "for i = 1, 100 do end").unwrap();
        assert_eq!(vm.steps_used(), 1 + 100);
        vm.set_step_budget(Some(1_000_000));
        // A loop body of 2 instructions plus the FORLOOP: 3 per iteration.
        exec(
            &mut vm,
            "local s = 0 for i = 1, 100 do s = s + i; s = s * 1 end",
        )
        .unwrap();
        let used = vm.steps_used();
        assert_eq!(used, 1 + 100 * 3, "{used}");
        assert_eq!(vm.steps_remaining(), Some(1_000_000 - used));
    }

    #[test]
    fn exact_budget_boundary() {
        let mut vm = vm();
        // 1 (chunk call) + 100 back-edges.
        vm.set_step_budget(Some(101));
        exec(&mut vm, "for i = 1, 100 do end").unwrap();
        assert_eq!(vm.steps_remaining(), Some(0));
        assert!(!vm.step_budget_exhausted());
        vm.set_step_budget(Some(100));
        let e = exec(&mut vm, "for i = 1, 100 do end").unwrap_err();
        assert_eq!(e, BUDGET_MESSAGE);
        assert!(vm.step_budget_exhausted());
    }

    #[test]
    fn soft_budget_renews_after_the_error() {
        let mut vm = vm();
        vm.set_step_budget(Some(10_000));
        exec(
            &mut vm,
            "n = 0 for i = 1, 5 do \
               local ok, e = pcall(function() while true do end end) \
               if not ok and e == 'instruction budget exhausted' then n = n + 1 end \
             end",
        )
        .unwrap();
        assert_eq!(vm.get_global("n"), Value::num(5.0));
    }

    #[test]
    fn hard_budget_cannot_be_swallowed() {
        let mut vm = vm();
        vm.set_budget_hard(true);
        vm.set_step_budget(Some(10_000));
        let e = exec(
            &mut vm,
            "while true do pcall(function() while true do end end) end",
        )
        .unwrap_err();
        assert_eq!(e, BUDGET_MESSAGE);
        // Still latched: any code fails at its first call or back-edge.
        assert_eq!(exec(&mut vm, "x = 1").unwrap_err(), BUDGET_MESSAGE);
        vm.set_step_budget(Some(10_000));
        exec(&mut vm, "x = 2").unwrap();
        assert_eq!(vm.get_global("x"), Value::num(2.0));
    }

    #[test]
    fn hard_memory_limit_latches_until_reset() {
        let mut vm = vm();
        vm.set_budget_hard(true);
        vm.set_memory_limit(Some(4 << 20));
        let e = exec(
            &mut vm,
            "while true do pcall(function() local t = {} while true do t[#t+1] = {} end end) end",
        )
        .unwrap_err();
        assert_eq!(e, "not enough memory");
        assert_eq!(exec(&mut vm, "x = 1").unwrap_err(), "not enough memory");
        vm.set_memory_limit(Some(4 << 20));
        exec(&mut vm, "x = 3").unwrap();
        assert_eq!(vm.get_global("x"), Value::num(3.0));
    }

    #[test]
    fn offset_points_at_the_counter() {
        let mut vm = vm();
        vm.set_step_budget(Some(12345));
        let p = &vm as *const Vm as *const u8;
        // SAFETY: the offset is of an `i64` field of `vm`, read while `vm` is borrowed.
        let v = unsafe { p.add(STEPS_LEFT_OFFSET).cast::<i64>().read() };
        assert_eq!(v, 12345);
    }
}
