//! Fuzz target 3: `string.format`, the pattern functions (`find`, `match`, `gmatch`,
//! `gsub`) and `tonumber` on arbitrary arguments, through the VM so the bindings and the
//! engines are both exercised.
//!
//! Input layout: byte 0 picks the function, the rest splits on `0xFF` into string
//! arguments; byte 1's bits turn some arguments into numbers (`tonumber` of the string,
//! or its length when it is not a numeral) so numeric paths are reached too.
#![no_main]

use crescent::LuaValue;
use libfuzzer_sys::fuzz_target;

const FUNCS: &[&str] = &[
    "fmt",
    "find",
    "findplain",
    "match",
    "gmatch",
    "gsub",
    "gsubf",
    "gsubt",
    "tonum",
    "tonumbase",
    "rep",
];

// The wrappers are globals that call the library through locals with other names (a
// `function find` under a `local find` would assign the local and recurse forever).
const SETUP: &[u8] = br#"
local S = string
function fmt(f, ...) return S.format(f, ...) end
function find(s, p, i) return S.find(s, p, i) end
function findplain(s, p, i) return S.find(s, p, i, true) end
function match(s, p, i) return S.match(s, p, i) end
function gmatch(s, p)
  local n = 0
  for a, b in S.gmatch(s, p) do n = n + 1; if n > 1000 then break end end
  return n
end
function gsub(s, p, r, n) return S.gsub(s, p, r, n) end
function gsubf(s, p, n) return S.gsub(s, p, function(a, b) return b or a end, n) end
function gsubt(s, p, n) return S.gsub(s, p, {a = "x", [1] = 2, b = false}, n) end
function tonum(s) return tonumber(s) end
function tonumbase(s, b) return tonumber(s, b) end
function rep(s, n) return S.rep(s, n % 1000) end
"#;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let func = FUNCS[data[0] as usize % FUNCS.len()];
    let numeric = data[1];
    let args: Vec<LuaValue> = data[2..]
        .split(|&b| b == 0xFF)
        .take(8)
        .enumerate()
        .map(|(i, a)| {
            if numeric & (1 << i) != 0 {
                let n = std::str::from_utf8(a)
                    .ok()
                    .and_then(|s| s.trim().parse::<f64>().ok())
                    .unwrap_or(a.len() as f64 - 3.0);
                LuaValue::Number(n)
            } else {
                LuaValue::String(a.to_vec())
            }
        })
        .collect();
    crescent_fuzz::run_bounded(|lua| {
        lua.exec(SETUP, "=setup").expect("setup");
        let _ = lua.call_global(func, &args);
    });
});
