//! Shared harness for the fuzz targets: a Lua state with a memory cap and a loop budget.
//!
//! Until the VM has execution budgets (issue 9, next session), the step bound is made from
//! the JIT's hot-loop hook: with `hotloop = 1` the interpreter calls [`Vm::hot_hook`] on
//! every loop back-edge, and the hook counts them. Past the budget it unwinds out of the
//! interpreter with a private panic payload ([`BudgetExhausted`]) that [`run_bounded`]
//! catches; the state is then dropped, never reused. Programs that never take a back-edge
//! but still do not end (infinite tail calls, exponential recursion through `pcall`) are
//! left to libFuzzer's `-timeout` (scripts/fuzz runs in fork mode with `-ignore_timeouts=1`,
//! so they are saved as `timeout-*` artifacts for the budget work, not reported as crashes).

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crescent::core::object::Proto;
use crescent::core::vm::Vm;
use crescent::Lua;

/// The panic payload that ends a run past its budget.
pub struct BudgetExhausted;

thread_local! {
    static BACK_EDGES: Cell<u64> = const { Cell::new(0) };
}

/// Loop back-edges one run may take.
pub const BACK_EDGE_BUDGET: u64 = 200_000;
/// Bytes of Lua heap one run may use.
pub const MEMORY_CAP: usize = 8 << 20;

fn count_back_edge(_vm: &mut Vm, _p: *mut Proto, _pc: usize) {
    let n = BACK_EDGES.with(|c| {
        let n = c.get() + 1;
        c.set(n);
        n
    });
    if n > BACK_EDGE_BUDGET {
        panic::panic_any(BudgetExhausted);
    }
}

/// Installs (once) a panic hook that stays silent for [`BudgetExhausted`] and defers to the
/// previous hook (libFuzzer's, which aborts) for every other panic.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let prev = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if info.payload().is::<BudgetExhausted>() {
                return;
            }
            prev(info);
        }));
    });
}

/// A state with the standard libraries, output discarded, the memory cap set and the
/// back-edge counter armed.
pub fn bounded_lua() -> Lua {
    install_hook();
    let mut lua = Lua::new();
    lua.set_output(Box::new(|_| {}));
    lua.set_memory_limit(Some(MEMORY_CAP));
    let vm = lua.vm();
    vm.hotloop = 1;
    vm.hot_hook = count_back_edge;
    lua
}

/// Runs `f` on a fresh bounded state; `None` if the loop budget ran out.
pub fn run_bounded<R>(f: impl FnOnce(&mut Lua) -> R) -> Option<R> {
    BACK_EDGES.with(|c| c.set(0));
    let mut lua = bounded_lua();
    let r = panic::catch_unwind(AssertUnwindSafe(|| f(&mut lua)));
    match r {
        Ok(v) => Some(v),
        Err(p) if p.is::<BudgetExhausted>() => None,
        Err(p) => panic::resume_unwind(p),
    }
}
