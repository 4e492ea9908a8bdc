//! The `table` library: `sort` and `concat` as engines over a table accessor, and the
//! natives (LuaJIT 2.1's set: 5.1's functions plus `move`).
//!
//! `sort` is PUC Lua 5.1's quicksort (`auxsort`) step for step, with LuaJIT's bounds
//! on the partition scans, so the sequence of comparator calls and element moves is
//! the same as LuaJIT's. That matters for programs whose comparator has side effects,
//! and for inconsistent comparators (`function(a, b) return true end`): the scan then
//! runs off its half of the array and the sort fails with "invalid order function for
//! sorting" at exactly the point where LuaJIT fails, instead of reading past the array.
//! With a consistent comparator the result is sorted; like every quicksort it is not
//! stable.
//!
//! The table is read and written only through [`SortAccess`] (raw gets and sets, as
//! `lua_rawgeti`/`lua_rawseti`), and the comparator is fallible, so errors raised by a
//! Lua comparator or by `__lt` propagate out unchanged. Native recursion is bounded:
//! only the smaller partition recurses, so the depth is at most log2(n) + 1.
//!
//! Raw or not: `insert`, `sort`, `concat` and `maxn` use raw access (they are C in
//! LuaJIT); `remove`, `move` and `foreachi` index normally, honouring `__index` and
//! `__newindex`, because LuaJIT writes them in Lua. `#t` is the raw border.

use alloc::vec::Vec;

use super::bind::{self, Fail};
use super::error::LibError;
use crate::value::Value;
use crate::vm::{LuaError, NativeFn, Vm};

/// What `sort` needs from the table and the comparator.
pub trait SortAccess {
    /// An element (a Lua value: cheap to clone).
    type Value: Clone;
    /// The binding's error type.
    type Error: From<LibError>;

    /// `t[i]`, raw.
    fn get(&mut self, i: i64) -> Result<Self::Value, Self::Error>;

    /// `t[i] = v`, raw.
    fn set(&mut self, i: i64, v: Self::Value) -> Result<(), Self::Error>;

    /// Is `a` less than `b`? The comparator function if one was given, else `<`.
    fn less(&mut self, a: &Self::Value, b: &Self::Value) -> Result<bool, Self::Error>;

    /// Called where `sort` holds no element except `live`: values fetched before
    /// this point are no longer used. A host whose values need rooting while a
    /// comparator runs (a garbage-collected VM) roots what `get` returns and releases it
    /// here, keeping only `live`, so rooting stays bounded however long a scan runs.
    fn checkpoint(&mut self, live: &[&Self::Value]) -> Result<(), Self::Error> {
        let _ = live;
        Ok(())
    }
}

fn invalid_order() -> LibError {
    LibError::runtime("invalid order function for sorting")
}

/// `table.sort(t, comp)` on `t[1..=n]`.
pub fn sort<A: SortAccess>(t: &mut A, n: i64) -> Result<(), A::Error> {
    auxsort(t, 1, n)
}

fn auxsort<A: SortAccess>(t: &mut A, mut l: i64, mut u: i64) -> Result<(), A::Error> {
    while l < u {
        t.checkpoint(&[])?;
        // Sort a[l], a[(l+u)/2] and a[u].
        let al = t.get(l)?;
        let au = t.get(u)?;
        if t.less(&au, &al)? {
            t.set(l, au)?;
            t.set(u, al)?;
        }
        if u - l == 1 {
            break; // only 2 elements
        }
        let mut i = (l + u) / 2;
        let ai = t.get(i)?;
        let al = t.get(l)?;
        if t.less(&ai, &al)? {
            t.set(i, al)?;
            t.set(l, ai)?;
        } else {
            let au = t.get(u)?;
            if t.less(&au, &ai)? {
                t.set(i, au)?;
                t.set(u, ai)?;
            }
        }
        if u - l == 2 {
            break; // only 3 elements
        }
        let pivot = t.get(i)?;
        let au1 = t.get(u - 1)?;
        t.set(i, au1)?;
        t.set(u - 1, pivot.clone())?;
        // Invariant: a[l..i] <= P <= a[j..u]; only l+1..u-2 remain to partition.
        i = l;
        let mut j = u - 1;
        loop {
            // Repeat ++i until a[i] >= P.
            let ai = loop {
                t.checkpoint(&[&pivot])?;
                i += 1;
                let ai = t.get(i)?;
                if !t.less(&ai, &pivot)? {
                    break ai;
                }
                if i >= u {
                    return Err(invalid_order().into());
                }
            };
            // Repeat --j until a[j] <= P.
            let aj = loop {
                t.checkpoint(&[&pivot, &ai])?;
                j -= 1;
                let aj = t.get(j)?;
                if !t.less(&pivot, &aj)? {
                    break aj;
                }
                if j <= l {
                    return Err(invalid_order().into());
                }
            };
            if j < i {
                break;
            }
            t.set(i, aj)?;
            t.set(j, ai)?;
        }
        // Swap the pivot (a[u-1]) with a[i].
        let au1 = t.get(u - 1)?;
        let ai = t.get(i)?;
        t.set(u - 1, ai)?;
        t.set(i, au1)?;
        // a[l..i-1] <= a[i] == P <= a[i+1..u]: recurse into the smaller part, loop on
        // the larger one.
        let (lo, hi);
        if i - l < u - i {
            lo = l;
            hi = i - 1;
            l = i + 1;
        } else {
            lo = i + 1;
            hi = u;
            u = i - 1;
        }
        auxsort(t, lo, hi)?;
    }
    Ok(())
}

/// What `concat` needs from the table.
pub trait ConcatAccess {
    /// The binding's error type.
    type Error: From<LibError>;

    /// Append `t[i]` (raw) to `out` if it is a string or a number (numbers as
    /// `tostring` writes them); for any other value return `Err(type name)`.
    #[allow(clippy::type_complexity)]
    fn append(
        &mut self,
        i: i64,
        out: &mut Vec<u8>,
    ) -> Result<Result<(), &'static str>, Self::Error>;
}

/// `table.concat(t, sep, i, j)`: the elements `t[i..=j]` joined by `sep`.
pub fn concat<A: ConcatAccess>(t: &mut A, sep: &[u8], i: i64, j: i64) -> Result<Vec<u8>, A::Error> {
    let mut out = Vec::new();
    let mut k = i;
    while k <= j {
        if let Err(type_name) = t.append(k, &mut out)? {
            return Err(LibError::runtime_owned(alloc::format!(
                "invalid value ({type_name}) at index {k} in table for 'concat'"
            ))
            .into());
        }
        if k < j {
            out.extend_from_slice(sep);
        }
        if out.len() > super::string::MAX_STR_LEN {
            return Err(super::string::too_large().into());
        }
        k += 1;
    }
    Ok(out)
}

// ---- the library as natives -------------------------------------------------------------

/// Opens the `table` library (LuaJIT 2.1's set: 5.1's functions plus `move`).
pub fn open(vm: &mut Vm) -> Result<(), LuaError> {
    const FNS: &[(&str, NativeFn)] = &[
        ("concat", tab_concat),
        ("foreach", tab_foreach),
        ("foreachi", tab_foreachi),
        ("getn", tab_getn),
        ("insert", tab_insert),
        ("maxn", tab_maxn),
        ("move", tab_move),
        ("remove", tab_remove),
        ("sort", tab_sort),
    ];
    bind::new_lib(vm, "table", FNS).map(|_| ())
}

/// `#t` of a table argument (raw: tables have no `__len` in Lua 5.1).
fn len_of(vm: &Vm, t: Value) -> i64 {
    vm.raw_len(t) as i64
}

fn tab_getn(vm: &mut Vm) -> Result<usize, LuaError> {
    let t = vm.check_table(1)?;
    let n = len_of(vm, t);
    vm.ret1(Value::num(n as f64))
}

fn tab_maxn(vm: &mut Vm) -> Result<usize, LuaError> {
    let t = vm.check_table(1)?;
    let mut max = 0.0f64;
    let mut k = Value::NIL;
    while let Some((key, _)) = vm.table_next(t, k)? {
        if let Some(n) = key.as_num() {
            if n > max {
                max = n;
            }
        }
        k = key;
    }
    vm.ret1(Value::num(max))
}

fn tab_insert(vm: &mut Vm) -> Result<usize, LuaError> {
    let t = vm.check_table(1)?;
    let e = len_of(vm, t) + 1; // first empty slot
    let (pos, v) = match vm.nargs() {
        2 => (e, vm.arg(2)),
        3 => {
            let pos = i64::from(bind::check_int(vm, 2)?);
            // Move up elements pos..e-1 (raw, like lua_rawseti).
            let mut i = e;
            while i > pos {
                let prev = vm.raw_geti(t, i - 1);
                vm.raw_seti(t, i, prev);
                i -= 1;
                if i % 4096 == 0 {
                    // A far-off position moves many slots: honour the memory limit.
                    vm.check_mem(0)?;
                }
            }
            (pos, vm.arg(3))
        }
        _ => return Err(vm.rt_error("wrong number of arguments to 'insert'")),
    };
    vm.raw_seti(t, pos, v);
    Ok(0)
}

fn tab_remove(vm: &mut Vm) -> Result<usize, LuaError> {
    let t = vm.check_table(1)?;
    let len = len_of(vm, t);
    let pos = if vm.arg(2).is_nil() {
        if len == 0 {
            return Ok(0);
        }
        len
    } else {
        let pos = i64::from(bind::check_int(vm, 2)?);
        if pos < 1 || pos > len {
            return Ok(0);
        }
        pos
    };
    // LuaJIT's `remove` is Lua code: plain (metamethod-honouring) indexing.
    let old = vm.index(t, Value::num(pos as f64))?;
    vm.push(old)?;
    for i in pos + 1..=len {
        let v = vm.index(t, Value::num(i as f64))?;
        vm.set_index(t, Value::num((i - 1) as f64), v)?;
    }
    vm.set_index(t, Value::num(len as f64), Value::NIL)?;
    Ok(1)
}

fn tab_move(vm: &mut Vm) -> Result<usize, LuaError> {
    let a1 = vm.check_table(1)?;
    let f = i64::from(bind::check_int(vm, 2)?);
    let e = i64::from(bind::check_int(vm, 3)?);
    let t = i64::from(bind::check_int(vm, 4)?);
    let a2 = if vm.arg(5).is_nil() {
        a1
    } else {
        vm.check_table(5)?
    };
    if e >= f {
        let d = t - f;
        let mv = |vm: &mut Vm, i: i64| -> Result<(), LuaError> {
            let v = vm.index(a1, Value::num(i as f64))?;
            vm.set_index(a2, Value::num((i + d) as f64), v)
        };
        if t > e || t <= f || a2 != a1 {
            for i in f..=e {
                mv(vm, i)?;
            }
        } else {
            for i in (f..=e).rev() {
                mv(vm, i)?;
            }
        }
    }
    vm.ret1(a2)
}

fn tab_foreach(vm: &mut Vm) -> Result<usize, LuaError> {
    let t = vm.check_table(1)?;
    let f = vm.arg(2);
    if !f.is_func() {
        return Err(vm.type_arg_error(2, "function"));
    }
    let mut k = Value::NIL;
    while let Some((key, v)) = vm.table_next(t, k)? {
        vm.push(key)?; // keep the key rooted across the call
        let r = vm.call1(f, &[key, v]);
        vm.pop(1);
        let r = r?;
        if !r.is_nil() {
            return vm.ret1(r);
        }
        k = key;
    }
    Ok(0)
}

fn tab_foreachi(vm: &mut Vm) -> Result<usize, LuaError> {
    let t = vm.check_table(1)?;
    let f = vm.arg(2);
    if !f.is_func() {
        return Err(vm.type_arg_error(2, "function"));
    }
    let n = len_of(vm, t);
    for i in 1..=n {
        let v = vm.index(t, Value::num(i as f64))?;
        let r = vm.call1(f, &[Value::num(i as f64), v])?;
        if !r.is_nil() {
            return vm.ret1(r);
        }
    }
    Ok(0)
}

/// `table.sort`'s access to the table and the comparator. Every element fetched is
/// pushed on the VM stack above `base`, so it stays rooted while a comparator runs (the
/// comparator may remove it from the table and trigger a collection); `checkpoint`
/// releases what the engine no longer holds.
struct VmSort<'v> {
    vm: &'v mut Vm,
    t: Value,
    comp: Value,
    base: usize,
}

impl SortAccess for VmSort<'_> {
    type Value = Value;
    type Error = Fail;

    fn get(&mut self, i: i64) -> Result<Value, Fail> {
        let v = self.vm.raw_geti(self.t, i);
        self.vm.push(v)?;
        Ok(v)
    }

    fn checkpoint(&mut self, live: &[&Value]) -> Result<(), Fail> {
        let above = self.vm.stack_top() - self.base;
        self.vm.pop(above);
        for &&v in live {
            self.vm.push(v)?;
        }
        Ok(())
    }

    fn set(&mut self, i: i64, v: Value) -> Result<(), Fail> {
        self.vm.raw_seti(self.t, i, v);
        Ok(())
    }

    fn less(&mut self, a: &Value, b: &Value) -> Result<bool, Fail> {
        if self.comp.is_nil() {
            return Ok(self.vm.less_than(*a, *b)?);
        }
        // The comparator may remove the elements being compared from the table: keep
        // them rooted while it runs.
        self.vm.push(*a)?;
        self.vm.push(*b)?;
        let r = self.vm.call1(self.comp, &[*a, *b]);
        self.vm.pop(2);
        Ok(r?.is_truthy())
    }
}

fn tab_sort(vm: &mut Vm) -> Result<usize, LuaError> {
    let t = vm.check_table(1)?;
    let comp = vm.arg(2);
    if !comp.is_nil() && !comp.is_func() {
        return Err(vm.type_arg_error(2, "function"));
    }
    let n = len_of(vm, t);
    let base = vm.stack_top();
    let r = sort(
        &mut VmSort {
            vm: &mut *vm,
            t,
            comp,
            base,
        },
        n,
    );
    r.map_err(|e| e.raise(vm))?;
    Ok(0)
}

/// `table.concat`'s access to the table.
struct VmConcat<'v> {
    vm: &'v Vm,
    t: Value,
}

impl ConcatAccess for VmConcat<'_> {
    type Error = Fail;

    fn append(&mut self, i: i64, out: &mut Vec<u8>) -> Result<Result<(), &'static str>, Fail> {
        let v = self.vm.raw_geti(self.t, i);
        if bind::str_or_num(self.vm, v, out) {
            Ok(Ok(()))
        } else {
            Ok(Err(v.type_name()))
        }
    }
}

fn tab_concat(vm: &mut Vm) -> Result<usize, LuaError> {
    let t = vm.check_table(1)?;
    let sep = vm.opt_bytes(2, b"")?;
    let i = i64::from(bind::opt_int(vm, 3, 1)?);
    let j = if vm.arg(4).is_nil() {
        len_of(vm, t)
    } else {
        i64::from(bind::check_int(vm, 4)?)
    };
    let r = concat(&mut VmConcat { vm: &*vm, t }, sep, i, j).map_err(|e| e.raise(vm))?;
    let v = vm.new_str(&r)?;
    vm.ret1(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// An array of integers standing in for a Lua table, with a comparator and a log
    /// of calls for checking the exact sequence.
    struct Arr<F: FnMut(i64, i64) -> Result<bool, LibError>> {
        v: Vec<Option<i64>>,
        less: F,
        calls: usize,
    }

    impl<F: FnMut(i64, i64) -> Result<bool, LibError>> SortAccess for Arr<F> {
        type Value = Option<i64>;
        type Error = LibError;
        fn get(&mut self, i: i64) -> Result<Option<i64>, LibError> {
            Ok(self.v.get((i - 1) as usize).copied().flatten())
        }
        fn set(&mut self, i: i64, v: Option<i64>) -> Result<(), LibError> {
            let i = (i - 1) as usize;
            if i >= self.v.len() {
                self.v.resize(i + 1, None);
            }
            self.v[i] = v;
            Ok(())
        }
        fn less(&mut self, a: &Option<i64>, b: &Option<i64>) -> Result<bool, LibError> {
            self.calls += 1;
            match (a, b) {
                (Some(a), Some(b)) => (self.less)(*a, *b),
                _ => Err(LibError::runtime("attempt to compare nil with number")),
            }
        }
    }

    fn sorted(v: &[i64]) -> (Vec<i64>, usize) {
        let mut a = Arr {
            v: v.iter().map(|&x| Some(x)).collect(),
            less: |a, b| Ok(a < b),
            calls: 0,
        };
        sort(&mut a, v.len() as i64).unwrap();
        (a.v.into_iter().map(Option::unwrap).collect(), a.calls)
    }

    #[test]
    fn sorts() {
        assert_eq!(sorted(&[]).0, vec![]);
        assert_eq!(sorted(&[1]).0, vec![1]);
        assert_eq!(sorted(&[2, 1]).0, vec![1, 2]);
        assert_eq!(sorted(&[3, 1, 2]).0, vec![1, 2, 3]);
        assert_eq!(
            sorted(&[5, 2, 8, 1, 9, 3, 7, 4, 6, 0]).0,
            (0..10).collect::<Vec<_>>()
        );
        // A pseudo-random permutation with duplicates.
        let mut x: i64 = 12345;
        let v: Vec<i64> = (0..1000)
            .map(|_| {
                x = (x * 1103515245 + 12345) % 2147483648;
                x % 100
            })
            .collect();
        let mut expect = v.clone();
        expect.sort();
        assert_eq!(sorted(&v).0, expect);
        // Already sorted and reversed inputs.
        let up: Vec<i64> = (0..500).collect();
        assert_eq!(sorted(&up).0, up);
        let down: Vec<i64> = (0..500).rev().collect();
        assert_eq!(sorted(&down).0, up);
    }

    #[test]
    fn comparison_counts_match_luajit() {
        // luajit: counting comparator calls of table.sort on these arrays.
        assert_eq!(sorted(&[5, 2, 8, 1, 9, 3, 7, 4, 6, 0]).1, 29);
        assert_eq!(sorted(&(1..=100).collect::<Vec<_>>()).1, 578);
        assert_eq!(sorted(&(1..=100).rev().collect::<Vec<_>>()).1, 710);
    }

    #[test]
    fn inconsistent_comparator_is_an_error() {
        // luajit: table.sort({1..10}, function() return true end) fails.
        let mut a = Arr {
            v: (1..=10).map(Some).collect(),
            less: |_, _| Ok(true),
            calls: 0,
        };
        assert_eq!(sort(&mut a, 10), Err(invalid_order()));
        let mut a = Arr {
            v: (1..=3).map(Some).collect(),
            less: |_, _| Ok(true),
            calls: 0,
        };
        // Three elements never reach the partition scan: no error.
        assert_eq!(sort(&mut a, 3), Ok(()));
        let mut a = Arr {
            v: vec![Some(3), Some(1), Some(2), Some(5), Some(4)],
            less: |a, b| Ok(a <= b),
            calls: 0,
        };
        assert_eq!(sort(&mut a, 5), Ok(()));
    }

    /// Run a sort of `v` with `less`; the outcome, comparator calls and final array.
    fn run(v: Vec<i64>, less: fn(i64, i64) -> bool) -> (Result<(), LibError>, usize, Vec<i64>) {
        let n = v.len() as i64;
        let mut a = Arr {
            v: v.into_iter().map(Some).collect(),
            less: |a, b| Ok(less(a, b)),
            calls: 0,
        };
        let r = sort(&mut a, n);
        (r, a.calls, a.v.into_iter().map(Option::unwrap).collect())
    }

    #[test]
    fn inconsistent_comparators_fail_where_luajit_fails() {
        // luajit: the number of comparator calls and the array left behind.
        let (r, calls, v) = run((1..=10).collect(), |_, _| true);
        assert_eq!(
            (r, calls, v),
            (
                Err(invalid_order()),
                11,
                vec![5, 2, 3, 4, 9, 6, 7, 8, 10, 1]
            )
        );
        let (r, calls, v) = run((1..=10).collect(), |a, b| a <= b);
        assert_eq!((r, calls, v), (Ok(()), 28, (1..=10).collect()));
        let (r, calls, v) = run((1..=20).map(|i| i * 7 % 5).collect(), |a, b| a <= b);
        assert_eq!(
            (r, calls, v),
            (
                Err(invalid_order()),
                21,
                vec![0, 4, 1, 3, 0, 2, 4, 1, 3, 3, 2, 4, 1, 3, 0, 2, 4, 1, 0, 2]
            )
        );
    }

    #[test]
    fn comparator_errors_propagate() {
        let mut a = Arr {
            v: (1..=10).map(Some).collect(),
            less: |a, _| {
                if a == 7 {
                    Err(LibError::runtime("boom"))
                } else {
                    Ok(false)
                }
            },
            calls: 0,
        };
        assert_eq!(sort(&mut a, 10), Err(LibError::runtime("boom")));
        // A hole compares nil: the comparison's own error comes out.
        let mut a = Arr {
            v: vec![Some(1), None, Some(3)],
            less: |a, b| Ok(a < b),
            calls: 0,
        };
        assert_eq!(
            sort(&mut a, 3),
            Err(LibError::runtime("attempt to compare nil with number"))
        );
    }

    struct Items(Vec<Option<&'static str>>);

    impl ConcatAccess for Items {
        type Error = LibError;
        fn append(
            &mut self,
            i: i64,
            out: &mut Vec<u8>,
        ) -> Result<Result<(), &'static str>, LibError> {
            match self.0.get((i - 1) as usize).copied().flatten() {
                Some(s) => {
                    out.extend_from_slice(s.as_bytes());
                    Ok(Ok(()))
                }
                None => Ok(Err("nil")),
            }
        }
    }

    #[test]
    fn concat_joins_and_reports_the_bad_index() {
        let mut t = Items(vec![Some("a"), Some("b"), Some("c"), None]);
        assert_eq!(concat(&mut t, b", ", 1, 3).unwrap(), b"a, b, c");
        assert_eq!(concat(&mut t, b"", 2, 3).unwrap(), b"bc");
        assert_eq!(concat(&mut t, b"-", 3, 2).unwrap(), b"");
        assert_eq!(concat(&mut t, b"-", 3, 3).unwrap(), b"c");
        assert_eq!(
            concat(&mut t, b"-", 1, 4).unwrap_err(),
            LibError::runtime("invalid value (nil) at index 4 in table for 'concat'")
        );
    }
}
