//! Random programs: a grammar-driven generator writes valid Lua 5.1 programs mixing every
//! statement and expression form, locals, upvalues and globals; each must compile, and its
//! output must pass the bytecode verifier (which `compile` also runs in debug builds, along
//! with the code generator's own register assertions). Random byte soup must never panic.

use alloc::string::String;
use alloc::vec::Vec;

use crate::frontend::{compile, verify};

/// xorshift64*: deterministic, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const NAMES: &[&str] = &["a", "b", "c", "x", "y", "t", "f"];

struct Gen {
    rng: Rng,
    out: String,
    /// Per enclosing function: is it vararg?
    vararg: Vec<bool>,
    loops: u32,
    /// Restrict to what compiles exactly as `luac5.1` does (no loops, no vararg functions,
    /// no `-0`), for the differential check in `dump_random_programs`.
    luac_like: bool,
    /// `continue` labels of the enclosing `while`/`for` loops of the current function.
    labels: Vec<u32>,
    next_label: u32,
}

impl Gen {
    fn name(&mut self) {
        let n = self.rng.pick(NAMES);
        self.out += n;
    }

    fn exp(&mut self, depth: u32) {
        let choice = if depth == 0 {
            self.rng.below(6)
        } else {
            self.rng.below(16)
        };
        match choice {
            0 => self.out += self.rng.pick(&["nil", "true", "false"]),
            1 if self.luac_like => self.out += self.rng.pick(&["0", "1", "2.5", "1e3", "0x10"]),
            1 => self.out += self.rng.pick(&["0", "1", "2.5", "-0", "1e3", "0x10", "3"]),
            2 => self.out += self.rng.pick(&["'s'", "\"t\\n\"", "[[long]]", "''"]),
            3 | 4 => self.name(),
            5 => {
                if *self.vararg.last().unwrap_or(&false) {
                    self.out += "...";
                } else {
                    self.out += "0";
                }
            }
            6..=8 => {
                self.exp(depth - 1);
                let op = self.rng.pick(&[
                    " + ", " - ", " * ", " / ", " % ", " ^ ", " .. ", " == ", " ~= ", " < ",
                    " <= ", " > ", " >= ", " and ", " or ",
                ]);
                self.out += op;
                self.exp(depth - 1);
            }
            9 => {
                self.out += self.rng.pick(&["- ", "not ", "#"]);
                self.exp(depth - 1);
            }
            10 => {
                self.out += "(";
                self.exp(depth - 1);
                self.out += ")";
            }
            11 => self.prefix(depth - 1),
            12 => self.call(depth - 1),
            13 => {
                self.out += "{";
                for _ in 0..self.rng.below(4) {
                    match self.rng.below(3) {
                        0 => {
                            self.out += "[ ";
                            self.exp(depth - 1);
                            self.out += "] = ";
                        }
                        1 => {
                            self.name();
                            self.out += " = ";
                        }
                        _ => {}
                    }
                    self.exp(depth - 1);
                    self.out += self.rng.pick(&[", ", "; "]);
                }
                if self.rng.below(2) == 0 {
                    self.call(depth - 1);
                }
                self.out += "}";
            }
            _ => self.function(depth - 1, false),
        }
    }

    fn prefix(&mut self, depth: u32) {
        self.name();
        for _ in 0..self.rng.below(3) {
            if self.rng.below(2) == 0 {
                self.out += ".";
                self.name();
            } else {
                self.out += "[ ";
                self.exp(depth);
                self.out += "]";
            }
        }
    }

    fn call(&mut self, depth: u32) {
        self.prefix(depth);
        if self.rng.below(3) == 0 {
            self.out += ":";
            self.name();
        }
        match self.rng.below(4) {
            0 => self.out += "'arg'",
            1 => self.out += "{}",
            _ => {
                self.out += "(";
                let n = self.rng.below(4);
                for i in 0..n {
                    if i > 0 {
                        self.out += ", ";
                    }
                    self.exp(depth);
                }
                self.out += ")";
            }
        }
    }

    fn explist(&mut self, depth: u32) {
        let n = 1 + self.rng.below(3);
        for i in 0..n {
            if i > 0 {
                self.out += ", ";
            }
            self.exp(depth);
        }
    }

    fn function(&mut self, depth: u32, method: bool) {
        if !method {
            self.out += "function";
        }
        self.out += "(";
        let n = self.rng.below(3);
        for i in 0..n {
            if i > 0 {
                self.out += ", ";
            }
            self.name();
        }
        let va = !self.luac_like && self.rng.below(2) == 0;
        if va {
            self.out += if n > 0 { ", ..." } else { "..." };
        }
        self.out += ") ";
        self.vararg.push(va);
        let saved = core::mem::replace(&mut self.loops, 0);
        let saved_labels = core::mem::take(&mut self.labels);
        self.block(depth);
        self.loops = saved;
        self.labels = saved_labels;
        self.vararg.pop();
        self.out += " end";
    }

    fn block(&mut self, depth: u32) {
        for _ in 0..self.rng.below(4) {
            self.statement(depth);
            self.out += if self.rng.below(4) == 0 { "; " } else { "\n" };
        }
        match self.rng.below(6) {
            0 => {
                self.out += "return ";
                if self.rng.below(2) == 0 {
                    self.explist(depth);
                }
                self.out += "\n";
            }
            1 if self.loops > 0 => self.out += "break\n",
            _ => {}
        }
    }

    /// The body of a `while` or `for`, sometimes with a `continue` label at its end.
    fn loop_body(&mut self, depth: u32) {
        self.loops += 1;
        if self.luac_like || self.rng.below(2) == 0 {
            self.block(depth);
        } else {
            let l = self.next_label;
            self.next_label += 1;
            self.labels.push(l);
            for _ in 0..self.rng.below(4) {
                self.statement(depth);
                self.out += "\n";
            }
            self.labels.pop();
            self.out += &alloc::format!(" ::c{}::", l);
        }
        self.loops -= 1;
    }

    fn statement(&mut self, depth: u32) {
        if !self.labels.is_empty() && self.rng.below(6) == 0 {
            let l = self.labels[self.rng.below(self.labels.len() as u64) as usize];
            self.out += &alloc::format!("goto c{}", l);
            return;
        }
        let d = depth.saturating_sub(1);
        let mut choice = if depth == 0 {
            self.rng.below(3)
        } else {
            self.rng.below(13)
        };
        if self.luac_like && matches!(choice, 4 | 5 | 6 | 9) {
            choice = 7;
        }
        match choice {
            0 => {
                self.out += "local ";
                self.name();
                if self.rng.below(2) == 0 {
                    self.out += ", ";
                    self.name();
                }
                if self.rng.below(3) != 0 {
                    self.out += " = ";
                    self.explist(d);
                }
            }
            1 => {
                let n = 1 + self.rng.below(3);
                for i in 0..n {
                    if i > 0 {
                        self.out += ", ";
                    }
                    self.prefix(d);
                }
                self.out += " = ";
                self.explist(d);
            }
            2 => self.call(d),
            3 => {
                self.out += "do ";
                self.block(d);
                self.out += " end";
            }
            4 | 5 => {
                self.out += "while ";
                self.exp(d);
                self.out += " do ";
                self.loop_body(d);
                self.out += " end";
            }
            6 => {
                self.out += "repeat ";
                self.loops += 1;
                self.block(d);
                self.loops -= 1;
                self.out += " until ";
                self.exp(d);
            }
            7 => {
                self.out += "if ";
                self.exp(d);
                self.out += " then ";
                self.block(d);
                for _ in 0..self.rng.below(3) {
                    self.out += " elseif ";
                    self.exp(d);
                    self.out += " then ";
                    self.block(d);
                }
                if self.rng.below(2) == 0 {
                    self.out += " else ";
                    self.block(d);
                }
                self.out += " end";
            }
            8 => {
                self.out += "for ";
                self.name();
                self.out += " = ";
                self.exp(d);
                self.out += ", ";
                self.exp(d);
                if self.rng.below(2) == 0 {
                    self.out += ", ";
                    self.exp(d);
                }
                self.out += " do ";
                self.loop_body(d);
                self.out += " end";
            }
            9 => {
                self.out += "for ";
                self.name();
                for _ in 0..self.rng.below(3) {
                    self.out += ", ";
                    self.name();
                }
                self.out += " in ";
                self.explist(d);
                self.out += " do ";
                self.loop_body(d);
                self.out += " end";
            }
            10 => {
                self.out += "local function ";
                self.name();
                self.function(d, true);
            }
            11 => {
                self.out += "function ";
                self.name();
                if self.rng.below(2) == 0 {
                    self.out += ".";
                    self.name();
                }
                if self.rng.below(2) == 0 {
                    self.out += ":";
                    self.name();
                }
                self.function(d, true);
            }
            _ => {
                let v = self
                    .rng
                    .pick(&["local a = f(x) ", "a, b = b, a ", "t[a], a = 1, 2 "]);
                self.out += v;
            }
        }
    }
}

#[test]
fn random_programs_compile_and_verify() {
    for seed in 1..=3000u64 {
        let mut g = Gen {
            rng: Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1),
            out: String::new(),
            vararg: alloc::vec![true],
            loops: 0,
            luac_like: false,
            labels: Vec::new(),
            next_label: 0,
        };
        g.block(4);
        match compile(g.out.as_bytes(), "=rand") {
            Ok(p) => {
                if let Err(e) = verify(&p) {
                    panic!("seed {}: {}\n{}", seed, e, g.out);
                }
            }
            Err(e) => {
                // The generator writes valid programs; only limits may reject them.
                assert!(
                    e.message.contains("has more than") || e.message.contains("too complex"),
                    "seed {}: {}\n{}",
                    seed,
                    e.message,
                    g.out
                );
            }
        }
    }
}

#[test]
fn random_bytes_and_token_soup_never_panic() {
    let tokens = [
        "local", "function", "end", "if", "then", "else", "elseif", "while", "do", "repeat",
        "until", "for", "in", "return", "break", "and", "or", "not", "nil", "true", "...", "..",
        "=", "==", "~=", "<", ">", "(", ")", "{", "}", "[", "]", ".", ":", ",", ";", "+", "-", "#",
        "^", "x", "y", "1", "'s'", "[[l]]", "--c\n", "\n", "goto", "::", "::l::",
    ];
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for _ in 0..3000 {
        let mut src = Vec::new();
        if rng.below(4) == 0 {
            for _ in 0..rng.below(60) {
                src.push(rng.next() as u8);
            }
        } else {
            for _ in 0..rng.below(40) {
                src.extend_from_slice(tokens[rng.below(tokens.len() as u64) as usize].as_bytes());
                src.push(b' ');
            }
        }
        if let Ok(p) = compile(&src, "=soup") {
            verify(&p).expect("valid bytecode");
        }
    }
}

/// Writes programs that compile exactly as under `luac5.1` to `$DUMP_DIR/rNNN.lua`, for a
/// differential check of instruction listings (a developer aid).
#[test]
#[ignore]
fn dump_random_programs() {
    extern crate std;
    let dir = std::env::var("DUMP_DIR").expect("DUMP_DIR");
    for seed in 1..=300u64 {
        let mut g = Gen {
            rng: Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1),
            out: String::new(),
            vararg: alloc::vec![true],
            loops: 0,
            luac_like: true,
            labels: Vec::new(),
            next_label: 0,
        };
        g.block(4);
        std::fs::write(alloc::format!("{}/r{:03}.lua", dir, seed), &g.out).unwrap();
    }
}
