#!/usr/bin/env python3
"""Fills in the expected outputs of Lua test-case files by running each case under the
reference engine, luajit:   python3 lua_expect.py lua_string.txt [more files...]

A case is "=== name", Lua source lines, then "--- expected" and the output, closed by a
line "~~~". Cases named "=== name (manual)" keep their expectation (written by hand
where crescent deliberately differs from LuaJIT: PUC Lua 5.1's wording of an error, a
feature crescent does not have, a LuaJIT quirk).

Each case runs alone, as the main chunk of a fresh `luajit test` process (a file named
`test`, so messages read "test:1: ..."); the expectation is its standard output,
followed by "ERROR: " and the message if the chunk raised an error (taken from luajit's
stderr, without the "luajit: " prefix and the traceback). The Rust harness
(`luatests.rs`) runs the same source as chunk "@test".
"""
import os, re, subprocess, sys, tempfile

def expect(src):
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "test"), "w") as f:
            f.write(src)
        p = subprocess.run(["luajit", "test"], cwd=d, capture_output=True)
    out = p.stdout.decode("latin-1")
    if p.returncode != 0:
        err = p.stderr.decode("latin-1")
        err = err[len("luajit: "):] if err.startswith("luajit: ") else err
        err = err.split("\nstack traceback:\n")[0]
        out += "ERROR: " + err
    return out

for path in sys.argv[1:]:
    text = open(path, encoding="latin-1").read()
    out = []
    for block in re.findall(r"=== (.*?~~~\n)", text, re.S):
        header, rest = block.split("\n", 1)
        if "--- expected\n" in rest:
            src, exp = rest.split("--- expected\n", 1)
            exp = exp[: -len("~~~\n")]
        else:
            src, exp = rest[: -len("~~~\n")], ""
        if "(manual)" not in header:
            exp = expect(src)
        out.append("=== " + header + "\n" + src + "--- expected\n" + exp + "~~~\n")
    open(path, "w", encoding="latin-1").write("".join(out))
