#!/usr/bin/env python3
"""The bare-metal test: builds the firmware (host-bare), boots it in qemu-system-aarch64 once
per case with a timeout, and checks its UART output and exit status. Lua runs with the trace
JIT on unless a case says -joff.

The Lua cases compare the firmware's output with `luajit` running the same script. One case
(demo.lua, which needs the string/table/math libraries) is reported as skipped, not passed,
while the core's `open_libs` does not open those libraries yet.

Usage: scripts/firmware_test.py [--no-build] [--verbose]
"""

import os
import re
import select
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BARE = os.path.join(ROOT, "host-bare")
IMAGE = os.path.join(BARE, "target", "aarch64-unknown-none", "release", "crescent-bare")
QEMU = ["qemu-system-aarch64", "-cpu", "cortex-a72", "-m", "512M", "-nographic",
        "-semihosting"]
TIMEOUT = 120
VERBOSE = "--verbose" in sys.argv

EXIT_OK, EXIT_FAILURE, EXIT_PANIC, EXIT_EXCEPTION = 0, 1, 2, 3


def boot(command=None, machine="virt", cwd=ROOT):
    """Boots the image; returns (exit status, UART text without \\r, seconds to first byte)."""
    args = QEMU + ["-M", machine, "-kernel", IMAGE]
    if command:
        args += ["-append", command]
    start = time.monotonic()
    proc = subprocess.Popen(args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, bufsize=0)
    ready, _, _ = select.select([proc.stdout], [], [], TIMEOUT)
    first = proc.stdout.read(1) if ready else b""
    first_at = time.monotonic() - start
    try:
        rest, _ = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        rest, _ = proc.communicate()
        raise AssertionError(f"timeout after {TIMEOUT} s; output:\n"
                             + (first + rest).decode(errors="replace"))
    text = (first + rest).decode(errors="replace").replace("\r", "")
    if VERBOSE:
        print(f"--- {command or '(default)'} on {machine}: status {proc.returncode}\n{text}")
    return proc.returncode, text, first_at


def body(text):
    """The lines between the boot banner and the exit line: what the command printed."""
    lines = text.splitlines()
    assert lines and lines[0].startswith("crescent-bare: up at EL1"), f"no banner:\n{text}"
    if lines[-1].startswith("crescent-bare: exit"):
        lines = lines[:-1]
    return "\n".join(lines[1:]) + "\n"


def expect(cond, what, text):
    if not cond:
        raise AssertionError(f"{what}; output:\n{text}")


results = {"passed": 0, "failed": 0, "skipped": 0}


def case(name):
    def wrap(fn):
        try:
            outcome = fn()
        except AssertionError as e:
            results["failed"] += 1
            print(f"FAIL {name}: {e}")
            return fn
        if outcome and outcome.startswith("skip"):
            results["skipped"] += 1
            print(f"skip {name}: {outcome[5:].strip()}")
        else:
            results["passed"] += 1
            print(f"ok   {name}")
        return fn
    return wrap


def main():
    sys.stdout.reconfigure(line_buffering=True)
    if "--no-build" not in sys.argv:
        subprocess.run(["cargo", "build", "--release"], cwd=BARE, check=True)
    for tool in ("qemu-system-aarch64", "luajit"):
        if not shutil.which(tool):
            sys.exit(f"firmware test: {tool} not found (scripts/test installs it)")

    status, text, first_at = boot()
    size = os.path.getsize(IMAGE)
    m = re.search(r"after (\d+) us", text)
    print(f"firmware image: {size} bytes (ELF); loaded segments: {loaded_bytes()} bytes; "
          f"first UART byte {first_at * 1000:.0f} ms after starting QEMU; "
          f"banner at {m.group(1) if m else '?'} us of guest time")

    @case("boots, self-test passes, default command exits 0")
    def _():
        expect(status == EXIT_OK, f"exit status {status}", text)
        expect("entered at EL1" in text, "not entered at EL1", text)
        expect("selftest: W^X code region ok" in text, "self-test line missing", text)
        expect("\nfib\t6765\n" in text, "core.lua did not run", text)

    @case("entered at EL2 (virtualization=on) drops to EL1")
    def _():
        st, out, _ = boot("selftest", machine="virt,virtualization=on")
        expect(st == EXIT_OK, f"exit status {st}", out)
        expect("(entered at EL2)" in out, "not entered at EL2", out)

    @case("writing executable code faults (W^X in the page tables)")
    def _():
        st, out, _ = boot("fault-write-code")
        expect(st == EXIT_EXCEPTION, f"exit status {st}", out)
        expect("EC 0x25: data abort" in out, "no data abort", out)
        addr = re.search(r"writing to executable code at (0x[0-9a-f]+)", out)
        far = re.search(r"FAR_EL1  = (0x[0-9a-f]+)", out)
        expect(addr and far and int(addr.group(1), 16) == int(far.group(1), 16),
               "FAR is not the code address", out)
        expect(re.search(r"ESR_EL1  = 0x[0-9a-f]*(4f|4e|4d) ", out),
               "not a permission fault with WnR set", out)

    @case("running writable code faults")
    def _():
        st, out, _ = boot("fault-exec-data")
        expect(st == EXIT_EXCEPTION, f"exit status {st}", out)
        expect("EC 0x21: instruction abort" in out, "no instruction abort", out)
        expect("writable code ran" not in out, "writable code ran", out)

    @case("stack overflow hits the guard page and is reported")
    def _():
        st, out, _ = boot("fault-stack")
        expect(st == EXIT_EXCEPTION, f"exit status {st}", out)
        expect("EC 0x25: data abort" in out, "no data abort", out)

    @case("a panic prints its message and exits 2")
    def _():
        st, out, _ = boot("panic")
        expect(st == EXIT_PANIC, f"exit status {st}", out)
        expect("*** panic: " in out and "deliberate panic" in out, "no panic message", out)

    @case("an unknown command exits 1")
    def _():
        st, out, _ = boot("no-such-command")
        expect(st == EXIT_FAILURE, f"exit status {st}", out)
        expect("unknown command 'no-such-command'" in out, "no message", out)

    @case("a missing host file is reported, exit 1")
    def _():
        st, out, _ = boot("file no/such/file.lua")
        expect(st == EXIT_FAILURE, f"exit status {st}", out)
        expect("cannot open no/such/file.lua" in out, "no message", out)

    def luajit(script, cwd):
        return subprocess.run(["luajit", script], cwd=cwd, capture_output=True, text=True,
                              check=True).stdout

    @case("Lua: core.lua (tables, closures, strings, GC, ...) prints what luajit prints")
    def _():
        st, out, _ = boot("lua core")
        want = luajit("core.lua", os.path.join(BARE, "lua"))
        expect(st == EXIT_OK, f"exit status {st}", out)
        got = body(out)
        expect(got == want, f"output differs from luajit's:\n--- luajit\n{want}--- firmware", got)

    @case("Lua: demo.lua (string, table, math libraries) prints what luajit prints")
    def _():
        st, out, _ = boot("lua demo")
        if re.search(r"attempt to index global '(string|table|math)' \(a nil value\)", out):
            return "skip: the core's open_libs does not open string/table/math yet"
        want = luajit("demo.lua", os.path.join(BARE, "lua"))
        expect(st == EXIT_OK, f"exit status {st}", out)
        got = body(out)
        expect(got == want, f"output differs from luajit's:\n--- luajit\n{want}--- firmware", got)

    @case("JIT: hot loops compile to traces that run from the W^X code region")
    def _():
        st, out, _ = boot("-jv lua jit")
        want = luajit("jit.lua", os.path.join(BARE, "lua"))
        expect(st == EXIT_OK, f"exit status {st}", out)
        compiled = re.findall(r"^\[TRACE +\d+ jit\.lua:\d+ loop\]$", out, re.M)
        expect(len(compiled) >= 3, f"{len(compiled)} traces compiled", out)
        got = "".join(l + "\n" for l in body(out).splitlines() if not l.startswith("[TRACE"))
        expect(got == want, f"output differs from luajit's:\n--- luajit\n{want}--- firmware", got)
        expect("heap 0 bytes used" in out, "the VM and its JIT leaked memory", out)

    @case("JIT: -joff runs the same script in the interpreter alone")
    def _():
        st, out, _ = boot("-joff -jv lua jit")
        want = luajit("jit.lua", os.path.join(BARE, "lua"))
        expect(st == EXIT_OK, f"exit status {st}", out)
        expect("[TRACE" not in out, "traces with the JIT off", out)
        expect(body(out) == want, "output differs from luajit's", out)

    @case("an unknown option exits 1")
    def _():
        st, out, _ = boot("-jfoo lua core")
        expect(st == EXIT_FAILURE, f"exit status {st}", out)
        expect("unknown option '-jfoo'" in out, "no message", out)

    @case("Lua: an error exits 1 with the message on the UART")
    def _():
        st, out, _ = boot("lua error")
        expect(st == EXIT_FAILURE, f"exit status {st}", out)
        expect("before the error" in out, "script did not start", out)
        expect("error.lua:4: attempt to index local 't' (a nil value)" in out,
               "no Lua error message", out)
        expect("not reached" not in out, "ran past the error", out)

    @case("Lua: a host file read through semihosting runs")
    def _():
        st, out, _ = boot("file host-bare/lua/core.lua")
        want = luajit("host-bare/lua/core.lua", ROOT)
        expect(st == EXIT_OK, f"exit status {st}", out)
        expect(body(out) == want, "output differs from luajit's", out)

    @case("Lua corpus: bare metal agrees with the host wherever the host passes")
    def _():
        return corpus_on_bare_metal()

    total = results["passed"] + results["failed"]
    print(f"firmware: {results['passed']} passed, {results['failed']} failed, "
          f"{results['skipped']} skipped")
    return 1 if results["failed"] or total == 0 else 0


CORPUS = os.path.join(ROOT, "tests", "lua")
# Scripts that need what only a process has (io, os, require of files) are not compared.
NEEDS_PROCESS = re.compile(r"\b(io|os)\.|\brequire\b|\bdofile\b|\bloadfile\b")


def corpus_on_bare_metal():
    """Runs the whole corpus in one boot (`batch`), and requires every script whose output
    under the host CLI matches its .expected file to match it on bare metal too."""
    if not os.path.isdir(CORPUS):
        return "skip: no tests/lua corpus"
    built = subprocess.run(["cargo", "build", "--quiet", "--bin", "crescent"], cwd=ROOT)
    if built.returncode != 0:
        raise AssertionError("cannot build the crescent CLI")
    cli = os.path.join(ROOT, "target", "debug", "crescent")
    probe = subprocess.run([cli, "-e", "print(1)"], capture_output=True, text=True)
    if probe.stdout != "1\n":
        return "skip: the host CLI cannot run Lua yet"
    scripts = sorted(os.path.relpath(os.path.join(d, f), CORPUS)
                     for d, _, fs in os.walk(CORPUS) for f in fs if f.endswith(".lua"))
    scripts = [s for s in scripts
               if not NEEDS_PROCESS.search(open(os.path.join(CORPUS, s)).read())]
    listing = os.path.join(BARE, "target", "corpus-list.txt")
    with open(listing, "w") as f:
        f.write("\n".join(scripts) + "\n")
    st, out, _ = boot(f"batch {listing}", cwd=CORPUS)
    expect(st == EXIT_OK, f"batch exit status {st}", out)
    frames = {m.group(1): (m.group(3), m.group(2)) for m in re.finditer(
        r"=== begin (\S+)\n(.*?)=== end \1: (ok|error)\n", out, re.S)}
    compared, bad = 0, []
    for script in scripts:
        expected = open(os.path.join(CORPUS, script[:-4] + ".expected")).read()
        host = subprocess.run([cli, script], cwd=CORPUS, capture_output=True, text=True)
        if host.returncode != 0 or host.stdout != expected:
            continue
        compared += 1
        status, text = frames.get(script, ("missing", ""))
        if status != "ok" or text != expected:
            bad.append(f"{script}: {status}\n{text}")
    print(f"     corpus: {compared} of {len(scripts)} scripts pass on the host and were compared")
    expect(compared > 0, "no script passes on the host", "")
    expect(not bad, f"{len(bad)} scripts differ on bare metal", "\n".join(bad))


def loaded_bytes():
    """Bytes QEMU loads: the file sizes of the ELF's PT_LOAD segments."""
    import struct
    with open(IMAGE, "rb") as f:
        data = f.read()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    total = 0
    for i in range(phnum):
        p_type, _, _, _, _, p_filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
        if p_type == 1:
            total += p_filesz
    return total


if __name__ == "__main__":
    sys.exit(main())
