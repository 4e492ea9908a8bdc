//! The `crescent` binary driven as a user drives `luajit`: options, the `arg` table, exit
//! statuses, scripts from files and stdin, error reports, `LUA_INIT`/`LUA_PATH`, the REPL
//! through a pipe, and the io/os libraries on real files.
//!
//! Expected outputs were checked against `luajit` 2.1 (and `lua5.1`) on the same input;
//! where the engines differ only in details crescent does not copy (the address in
//! LuaJIT's `[C]: at 0x...` traceback line), the test checks the shape. The program name
//! is set to `crescent` (`argv[0]`), since messages use it as `lua.c` does.

use crescent_host_std::process::target_command;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

struct Cli {
    cmd: Command,
    stdin: Vec<u8>,
}

/// The binary, run natively or through the AArch64 rig's emulator, with `argv[0]` set to
/// `crescent` either way (`QEMU_ARGV0` is how qemu-user sets the guest's).
fn command() -> Command {
    let mut cmd = target_command(env!("CARGO_BIN_EXE_crescent"));
    cmd.arg0("crescent").env("QEMU_ARGV0", "crescent");
    cmd
}

fn crescent(args: &[&str]) -> Cli {
    let mut cmd = command();
    cmd.args(args);
    for var in ["LUA_INIT", "LUA_PATH", "LUA_CPATH"] {
        cmd.env_remove(var);
    }
    Cli {
        cmd,
        stdin: Vec::new(),
    }
}

impl Cli {
    fn stdin(mut self, input: &str) -> Cli {
        self.stdin = input.as_bytes().to_vec();
        self
    }

    fn env(mut self, k: &str, v: &str) -> Cli {
        self.cmd.env(k, v);
        self
    }

    fn dir(mut self, d: &Path) -> Cli {
        self.cmd.current_dir(d);
        self
    }

    fn run(mut self) -> Run {
        self.cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.cmd.spawn().expect("spawn crescent");
        let mut stdin = child.stdin.take().unwrap();
        let input = std::mem::take(&mut self.stdin);
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let out = child.wait_with_output().expect("wait for crescent");
        writer.join().unwrap();
        Run {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// A scratch directory removed at the end of the test.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let d = std::env::temp_dir().join(format!("crescent-cli-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        TempDir(d)
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn ok(r: &Run) {
    assert_eq!(r.status, 0, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
}

// ---------------------------------------------------------------- options

#[test]
fn version_line() {
    let r = crescent(&["-v"]).run();
    ok(&r);
    assert!(r.stdout.starts_with("crescent "), "{}", r.stdout);
    assert_eq!(r.stdout.lines().count(), 1);
    assert_eq!(r.stderr, "");
}

#[test]
fn help_lists_luajit_and_crescent_options() {
    let r = crescent(&["--help"]).run();
    ok(&r);
    assert!(r
        .stdout
        .starts_with("usage: crescent [options]... [script [args]...].\n"));
    assert!(r
        .stdout
        .contains("  -O[opt]   Control LuaJIT optimizations.\n"));
    assert!(r.stdout.contains("crescent options:\n  --memory-limit=N"));
    assert_eq!(r.stderr, "");
}

#[test]
fn exec_chunks_in_order() {
    let r = crescent(&["-e", "x = 1", "-eprint(x + 1)", "-e", "print(x, 'done')"]).run();
    ok(&r);
    assert_eq!(r.stdout, "2\n1\tdone\n");
}

#[test]
fn version_with_exec_prints_version_first() {
    let r = crescent(&["-v", "-e", "print(1)"])
        .env("LUA_INIT", "print('init')")
        .run();
    ok(&r);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "init");
    assert!(lines[1].starts_with("crescent "));
    assert_eq!(lines[2], "1");
}

#[test]
fn usage_errors_exit_1() {
    for bad in [&["-x"][..], &["-vx"], &["-ix"], &["-e"], &["-l"], &["--x"]] {
        let r = crescent(bad).run();
        assert_eq!(r.status, 1, "{bad:?}");
        assert!(
            r.stderr
                .contains("usage: crescent [options]... [script [args]...]."),
            "{bad:?}"
        );
        assert!(r.stderr.contains("  -e chunk  Execute string 'chunk'.\n"));
        assert_eq!(r.stdout, "");
    }
}

#[test]
fn jit_options_are_accepted_and_checked() {
    let r = crescent(&[
        "-joff",
        "-jon",
        "-jflush",
        "-O3",
        "-Ohotloop=1,-fold",
        "-e",
        "print(1)",
    ])
    .run();
    ok(&r);
    assert_eq!(r.stdout, "1\n");
    let r = crescent(&["-Ofoo", "-e", "print(1)"]).run();
    assert_eq!(r.status, 1);
    assert_eq!(
        r.stderr,
        "crescent: unknown or malformed optimization flag 'foo'\n"
    );
    assert_eq!(r.stdout, "");
    let r = crescent(&["-jbogus"]).run();
    assert_eq!(r.status, 1);
    assert_eq!(
        r.stderr,
        "crescent: unknown luaJIT command or jit.* modules not installed\n"
    );
}

#[test]
fn jit_options_reach_the_jit_library() {
    let r = crescent(&["-joff", "-e", "print((jit.status()))"]).run();
    ok(&r);
    assert_eq!(r.stdout, "false\n");
    let r = crescent(&[
        "-O-fold,hotloop=3",
        "-e",
        // The flags after the status start with the CPU's ("ARMv8" on AArch64).
        "local s = {jit.status()} local f = ' '..table.concat(s, ' ', 2)..' ' \
         print(s[1], f:find(' fold ') == nil, f:find(' cse ') ~= nil)",
    ])
    .run();
    ok(&r);
    assert_eq!(r.stdout, "true\ttrue\ttrue\n");
    // As luajit's runcmdopt reports it: the message only, no traceback.
    let r = crescent(&["-jon=1", "-e", "print(1)"]).run();
    assert_eq!(r.status, 1);
    assert_eq!(
        r.stderr,
        "crescent: bad argument #1 to '?' (function expected, got string)\n"
    );
    assert_eq!(r.stdout, "");
    // Modules the JIT does not have yet (-jv, -jdump) are accepted for when it does.
    let r = crescent(&["-jv", "-jdump=+rs,/dev/null", "-e", "print(1)"]).run();
    ok(&r);
    assert_eq!(r.stdout, "1\n");
}

#[test]
fn bytecode_option_is_refused_honestly() {
    let r = crescent(&["-b", "x.lua", "x.o"]).run();
    assert_eq!(r.status, 1);
    assert!(r.stderr.starts_with("crescent: -b: "), "{}", r.stderr);
    assert!(r.stderr.contains("not supported"));
}

#[test]
fn memory_limit_option() {
    let r = crescent(&["--memory-limit=64m", "-e", "print('ok')"]).run();
    ok(&r);
    assert_eq!(r.stdout, "ok\n");
    let r = crescent(&[
        "--memory-limit=1m",
        "-e",
        "local t = {} for i = 1, 1e7 do t[i] = i end",
    ])
    .run();
    assert_eq!(r.status, 1);
    // As lua.c reports memory errors: no traceback.
    assert_eq!(r.stderr, "crescent: not enough memory\n");
    let r = crescent(&["--memory-limit=lots"]).run();
    assert_eq!(r.status, 1);
    assert!(r
        .stderr
        .starts_with("crescent: invalid size 'lots' for --memory-limit\nusage:"));
}

// ---------------------------------------------------------------- the arg table

const SHOW_ARGS: &str = "for i = -4, 3 do io.write(i, '=', tostring(arg[i]), ' ') end \
                         print('|', select('#', ...), ...)";

#[test]
fn arg_table_for_a_script() {
    let d = TempDir::new("arg");
    let s = d.file("a.lua", SHOW_ARGS);
    let s = s.to_str().unwrap();
    let r = crescent(&[s, "x", "y"]).run();
    ok(&r);
    assert_eq!(
        r.stdout,
        format!("-4=nil -3=nil -2=nil -1=crescent 0={s} 1=x 2=y 3=nil |\t2\tx\ty\n")
    );
    let r = crescent(&["-e", "z=1", s, "q"]).run();
    ok(&r);
    assert_eq!(
        r.stdout,
        format!("-4=nil -3=crescent -2=-e -1=z=1 0={s} 1=q 2=nil 3=nil |\t1\tq\n")
    );
    let r = crescent(&["--", s]).run();
    ok(&r);
    assert!(r
        .stdout
        .starts_with(&format!("-4=nil -3=nil -2=crescent -1=-- 0={s} 1=nil")));
}

#[test]
fn arg_table_without_a_script() {
    let r = crescent(&[
        "-e",
        "for i=-3,1 do io.write(tostring(arg[i]), ' ') end print()",
    ])
    .run();
    ok(&r);
    assert_eq!(
        r.stdout,
        "crescent -e for i=-3,1 do io.write(tostring(arg[i]), ' ') end print() nil nil \n"
    );
}

#[test]
fn arg_changes_before_the_script_reach_its_varargs() {
    let d = TempDir::new("argchange");
    let s = d.file("a.lua", "print(...)");
    // luajit reads the script's arguments from `arg` when it calls the script.
    let r = crescent(&[
        "-e",
        "arg[1] = 'changed'; arg[3] = 'extra'",
        s.to_str().unwrap(),
        "a",
        "b",
    ])
    .run();
    ok(&r);
    assert_eq!(r.stdout, "changed\tb\textra\n");
}

// ---------------------------------------------------------------- stdin

#[test]
fn script_from_piped_stdin() {
    let r = crescent(&[])
        .stdin("local x = 2\nprint(x * 21)\nprint(arg[0], arg[-1])\n")
        .run();
    ok(&r);
    assert_eq!(r.stdout, "42\nnil\tcrescent\n");
}

#[test]
fn dash_is_stdin_with_arguments() {
    let r = crescent(&["-", "a", "b"])
        .stdin(&format!("{SHOW_ARGS}\n"))
        .run();
    ok(&r);
    assert_eq!(
        r.stdout,
        "-4=nil -3=nil -2=nil -1=crescent 0=- 1=a 2=b 3=nil |\t2\ta\tb\n"
    );
}

#[test]
fn stdin_errors_are_named_stdin() {
    let r = crescent(&[])
        .stdin("print(1)\nlocal t = nil\nprint(t.x)\n")
        .run();
    assert_eq!(r.status, 1);
    assert_eq!(r.stdout, "1\n");
    let first = r.stderr.lines().next().unwrap();
    assert_eq!(
        first,
        "crescent: stdin:3: attempt to index local 't' (a nil value)"
    );
}

#[test]
fn shebang_line_is_skipped() {
    let d = TempDir::new("shebang");
    let s = d.file("s.lua", "#!/usr/bin/env crescent\nerror('line two')\n");
    let r = crescent(&[s.to_str().unwrap()]).run();
    assert_eq!(r.status, 1);
    assert!(r
        .stderr
        .starts_with(&format!("crescent: {}:2: line two\n", s.display())));
}

// ---------------------------------------------------------------- errors and exit codes

#[test]
fn syntax_error_has_no_traceback() {
    let d = TempDir::new("syntax");
    let s = d.file("syn.lua", "x = = 1\n");
    let r = crescent(&[s.to_str().unwrap()]).run();
    assert_eq!(r.status, 1);
    assert_eq!(
        r.stderr,
        format!("crescent: {}:1: unexpected symbol near '='\n", s.display())
    );
    let r = crescent(&["-e", "x = = 1"]).run();
    assert_eq!(r.status, 1);
    assert_eq!(
        r.stderr,
        "crescent: (command line):1: unexpected symbol near '='\n"
    );
}

#[test]
fn runtime_error_has_a_traceback() {
    let d = TempDir::new("runtime");
    let s = d.file("err.lua", "local function f(t) return t.x.y end\nf({})\n");
    let r = crescent(&["err.lua"]).dir(d.path()).run();
    assert_eq!(r.status, 1);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(
        lines[0],
        "crescent: err.lua:1: attempt to index field 'x' (a nil value)"
    );
    assert_eq!(lines[1], "stack traceback:");
    assert_eq!(lines[2], "\terr.lua:1: in function 'f'");
    assert_eq!(lines[3], "\terr.lua:2: in main chunk");
    assert!(
        lines[4..].iter().all(|l| l.starts_with('\t')),
        "{}",
        r.stderr
    );
    drop(s);
}

#[test]
fn error_with_level_0_and_from_command_line() {
    let r = crescent(&["-e", "error('msg', 0)"]).run();
    assert_eq!(r.status, 1);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines[0], "crescent: msg");
    assert_eq!(lines[1], "stack traceback:");
    assert_eq!(lines[2], "\t[C]: in function 'error'");
    assert_eq!(lines[3], "\t(command line):1: in main chunk");
}

#[test]
fn non_string_error_objects() {
    let r = crescent(&["-e", "error({})"]).run();
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (1, "crescent: (error object is not a string)\n")
    );
    let r = crescent(&[
        "-e",
        "error(setmetatable({}, {__tostring = function() return 'custom' end}))",
    ])
    .run();
    assert_eq!(r.status, 1);
    assert!(r
        .stderr
        .starts_with("crescent: custom\nstack traceback:\n\t[C]: in function 'error'\n"));
    let r = crescent(&[
        "-e",
        "error(setmetatable({}, {__tostring = function() error('x') end}))",
    ])
    .run();
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (1, "crescent: error in error handling\n")
    );
    let r = crescent(&["-e", "error()"]).run();
    assert_eq!((r.status, r.stderr.as_str()), (1, ""));
    let r = crescent(&["-e", "error(42)"]).run();
    assert_eq!(r.status, 1);
    assert!(
        r.stderr
            .starts_with("crescent: (command line):1: 42\nstack traceback:\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn missing_script() {
    let r = crescent(&["/nonexistent/x.lua"]).run();
    assert_eq!(r.status, 1);
    assert_eq!(
        r.stderr,
        "crescent: cannot open /nonexistent/x.lua: No such file or directory\n"
    );
    let d = TempDir::new("dirscript");
    let r = crescent(&[d.path().to_str().unwrap()]).run();
    assert_eq!(r.status, 1);
    assert_eq!(
        r.stderr,
        format!(
            "crescent: cannot read {}: Is a directory\n",
            d.path().display()
        )
    );
}

#[test]
fn os_exit_statuses() {
    for (code, want) in [
        ("3", 3),
        ("true", 0),
        ("false", 1),
        ("", 0),
        ("0", 0),
        ("255", 255),
    ] {
        let r = crescent(&["-e", &format!("io.write('x') os.exit({code})")]).run();
        assert_eq!(r.status, want, "os.exit({code})");
        // Buffered output is flushed on exit.
        assert_eq!(r.stdout, "x", "os.exit({code})");
    }
}

#[test]
fn failure_stops_later_options() {
    let r = crescent(&["-e", "print(1)", "-e", "error('stop')", "-e", "print(3)"]).run();
    assert_eq!(r.status, 1);
    assert_eq!(r.stdout, "1\n");
    assert!(r.stderr.starts_with("crescent: (command line):1: stop\n"));
}

// ---------------------------------------------------------------- -l, LUA_PATH, LUA_INIT

#[test]
fn require_with_lua_path() {
    let d = TempDir::new("require");
    std::fs::create_dir(d.path().join("mods")).unwrap();
    d.file(
        "mods/mymod.lua",
        "print('loaded', ...) return { answer = 42 }",
    );
    let r = crescent(&["-l", "mymod", "-e", "print(package.loaded.mymod.answer)"])
        .env("LUA_PATH", "mods/?.lua")
        .dir(d.path())
        .run();
    ok(&r);
    assert_eq!(r.stdout, "loaded\tmymod\n42\n");
    // `;;` stands for the default path.
    let r = crescent(&["-lmymod", "-e", "print(package.path:sub(1, 16))"])
        .env("LUA_PATH", "mods/?.lua;;")
        .dir(d.path())
        .run();
    ok(&r);
    assert_eq!(r.stdout, "loaded\tmymod\nmods/?.lua;./?.l\n");
    let r = crescent(&["-l", "nomod"]).dir(d.path()).run();
    assert_eq!(r.status, 1);
    assert!(
        r.stderr.starts_with("crescent: module 'nomod' not found:"),
        "{}",
        r.stderr
    );
}

#[test]
fn lua_init_string_and_file() {
    let r = crescent(&["-e", "print(x)"])
        .env("LUA_INIT", "x = 'from init'")
        .run();
    ok(&r);
    assert_eq!(r.stdout, "from init\n");
    let d = TempDir::new("init");
    let f = d.file("init.lua", "y = 'from file'");
    let r = crescent(&["-e", "print(y)"])
        .env("LUA_INIT", &format!("@{}", f.display()))
        .run();
    ok(&r);
    assert_eq!(r.stdout, "from file\n");
    let r = crescent(&["-E", "-e", "print(x)"])
        .env("LUA_INIT", "x = 1")
        .run();
    ok(&r);
    assert_eq!(r.stdout, "nil\n");
    let r = crescent(&["-e", "print(1)"])
        .env("LUA_INIT", "error('ie')")
        .run();
    assert_eq!(r.status, 1);
    assert!(r.stderr.starts_with("crescent: LUA_INIT:1: ie\n"));
    let r = crescent(&["-e", "print(1)"])
        .env("LUA_INIT", "@/nonexistent/init.lua")
        .run();
    assert_eq!(r.status, 1);
    assert_eq!(
        r.stderr,
        "crescent: cannot open /nonexistent/init.lua: No such file or directory\n"
    );
}

// ---------------------------------------------------------------- the REPL

#[test]
fn repl_through_a_pipe() {
    let input = "x = 1\nfor i=1,2 do\nprint(i)\nend\n=x+1\n=1,nil,'a'\n\
                 error('boom')\nx = = 2\nreturn 5\nprint(\n";
    let r = crescent(&["-i"]).stdin(input).run();
    ok(&r);
    let banner_end = r.stdout.find("\n> ").expect("prompt after the banner");
    let banner = &r.stdout[..banner_end];
    assert!(banner.starts_with("crescent "), "{banner}");
    assert!(
        banner.lines().nth(1).unwrap().starts_with("JIT: "),
        "{banner}"
    );
    assert_eq!(
        &r.stdout[banner_end + 1..],
        "> > >> >> 1\n2\n> 2\n> 1\tnil\ta\n> > > 5\n> >> \n"
    );
    let err: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(err[0], "stdin:1: boom");
    assert_eq!(err[1], "stack traceback:");
    assert!(
        r.stderr.contains("\nstdin:1: unexpected symbol near '='\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn repl_after_exec_keeps_state_and_reads_prompts() {
    let r = crescent(&["-e", "y = 10 _PROMPT = 'lua> '", "-i"])
        .stdin("=y * 2\n")
        .run();
    ok(&r);
    assert!(r.stdout.ends_with("lua> 20\nlua> \n"), "{}", r.stdout);
}

#[test]
fn repl_and_io_read_share_stdin() {
    let r = crescent(&["-i"])
        .stdin("x = io.read()\nthis line is data\n=x\n")
        .run();
    ok(&r);
    assert!(
        r.stdout.ends_with("> > this line is data\n> \n"),
        "{}",
        r.stdout
    );
}

// ---------------------------------------------------------------- io and os

#[test]
fn dofile_and_loadfile_read_through_the_host() {
    let d = TempDir::new("dofile");
    d.file("df.lua", "return 1, 2\n");
    d.file("df2.lua", "#!shebang\nreturn ...\n");
    let script = "print(dofile('df.lua')) print(loadfile('df2.lua')('a')) \
                  print(loadfile('missing.lua')) print(pcall(dofile, 'missing.lua')) \
                  print(loadfile('.'))";
    let r = crescent(&["-e", script]).dir(d.path()).run();
    ok(&r);
    assert_eq!(
        r.stdout,
        "1\t2\na\nnil\tcannot open missing.lua: No such file or directory\n\
         false\tcannot open missing.lua: No such file or directory\n\
         nil\tcannot read .: Is a directory\n"
    );
    let r = crescent(&["-e", "print(dofile())"])
        .stdin("return 7\n")
        .run();
    ok(&r);
    assert_eq!(r.stdout, "7\n");
    let r = crescent(&["-e", "print(loadfile())"]).stdin("x=\n").run();
    ok(&r);
    assert_eq!(r.stdout, "nil\tstdin:2: unexpected symbol near '<eof>'\n");
}

#[test]
fn print_and_io_write_share_one_buffer() {
    let r = crescent(&[
        "-e",
        "print(1) io.write(2, ' ', 3.5) print('x') io.stdout:write('y\\n')",
    ])
    .run();
    ok(&r);
    assert_eq!(r.stdout, "1\n2 3.5x\ny\n");
}

#[test]
fn io_files_in_a_temp_dir() {
    let d = TempDir::new("io");
    let script = r#"
        local name = "data.txt"
        local f = assert(io.open(name, "w"))
        print(io.type(f), tostring(f) == tostring(f), tostring(f) ~= "file (closed)")
        print(f:write("line one\n", 42, " ", 1.5, "\nline three\n"))
        f:close()
        print(io.type(f), tostring(f), io.type(42))
        print(pcall(f.write, f, "x"))
        f = assert(io.open(name))
        print(f:read("*l"))
        print(f:read("*n", "*n"))
        print(f:read("*L"))
        print(f:read(4), f:read(0))
        print(f:read("*a"))
        print(f:read("*a"), f:read("*l"), f:read(0))
        print(f:seek("set", 5), f:read(3), f:seek(), f:seek("end"))
        f:close()
        for l in io.lines(name) do io.write("[", l, "]") end print()
        local n = 0
        for a, b in io.lines(name, 4, "*l") do n = n + 1 end print(n)
        f = assert(io.open(name, "a+"))
        f:write("appended\n")
        f:seek("set")
        print(#f:read("*a"))
        f:close()
        print(io.open("missing/file.txt"))
        print(io.open(name, "z"))
        print(pcall(io.lines, "missing.txt"))
        print(io.close(io.stdout))
        local out = assert(io.open("out.txt", "w"))
        io.output(out)
        io.write("via io.output")
        io.close()
        io.output(io.stdout)
        io.input("out.txt")
        print(io.read("*a"))
        print(io.stdin, io.stderr ~= io.stdout)
    "#;
    let s = d.file("io.lua", script);
    let r = crescent(&[s.to_str().unwrap()]).dir(d.path()).run();
    ok(&r);
    let expected = "file\ttrue\ttrue\n\
                    true\n\
                    closed file\tfile (closed)\tnil\n\
                    false\tattempt to use a closed file\n\
                    line one\n\
                    42\t1.5\n\
                    \n\n\
                    line\t\n\
                    \x20three\n\n\
                    \tnil\tnil\n\
                    5\tone\t8\t27\n\
                    [line one][42 1.5][line three]\n\
                    3\n\
                    36\n\
                    nil\tmissing/file.txt: No such file or directory\t2\n\
                    nil\tdata.txt: Invalid argument\t22\n\
                    false\tbad argument #1 to '?' (missing.txt: No such file or directory)\n\
                    nil\tcannot close standard file\n\
                    via io.output\n";
    assert!(
        r.stdout.starts_with(expected),
        "got:\n{}\nwant:\n{expected}",
        r.stdout
    );
    let last = r.stdout[expected.len()..].trim_end();
    assert!(
        last.starts_with("file (0x") && last.ends_with("\ttrue"),
        "{last}"
    );
}

#[test]
fn io_popen_in_both_directions() {
    let script = "io.write('before ') local p = io.popen('echo hi; echo there') \
                  print(p:read('*l'), p:read('*a')) print(p:close()) \
                  print(io.popen('true', 'x')) \
                  local w = io.popen('cat', 'w') w:write('to cat\\n') print(w:close()) \
                  print(io.type(p))";
    let r = crescent(&["-e", script]).run();
    ok(&r);
    // The output written before popen is flushed first, as LuaJIT's fflush(NULL) does.
    assert_eq!(
        r.stdout,
        "before hi\tthere\n\ntrue\nnil\ttrue: Invalid argument\t22\nto cat\ntrue\nclosed file\n"
    );
}

#[test]
fn io_read_from_stdin() {
    let r = crescent(&[
        "-e",
        "print(io.read('*n', '*n')) print(io.read()) print(io.read('*a'))",
    ])
    .stdin("12 0x10 rest of line\nlast\n")
    .run();
    ok(&r);
    assert_eq!(r.stdout, "12\t16\n rest of line\nlast\n\n");
    let r = crescent(&[
        "-e",
        "for l in io.lines() do io.write('<', l, '>') end print()",
    ])
    .stdin("a\n\nb")
    .run();
    ok(&r);
    assert_eq!(r.stdout, "<a><><b>\n");
}

#[test]
fn io_argument_errors() {
    let r = crescent(&["-e", "io.read('*x')"]).stdin("").run();
    assert_eq!(r.status, 1);
    assert!(
        r.stderr
            .starts_with("crescent: (command line):1: bad argument #1 to 'read' (invalid format)"),
        "{}",
        r.stderr
    );
    let r = crescent(&["-e", "io.stdout:seek('bad')"]).run();
    assert_eq!(r.status, 1);
    assert!(
        r.stderr
            .contains("bad argument #1 to 'seek' (invalid option 'bad')"),
        "{}",
        r.stderr
    );
    let r = crescent(&["-e", "io.write({})"]).run();
    assert_eq!(r.status, 1);
    assert!(r
        .stderr
        .contains("bad argument #1 to 'write' (string expected, got table)"));
}

#[test]
fn os_functions() {
    let d = TempDir::new("os");
    let script = r#"
        local t = os.time{year=2024, month=3, day=5, hour=7, min=8, sec=9}
        print(t, os.date("!%Y-%m-%d %H:%M:%S", t), os.date("%c", t))
        local d = os.date("*t", t)
        print(d.year, d.month, d.day, d.hour, d.min, d.sec, d.wday, d.yday, d.isdst)
        print(os.time{year=2024, month=3, day=5}, os.time{year=2024, month=13, day=1})
        print(pcall(os.time, {year=2024}))
        print(os.date("!*t", 0).year, os.date("", 0), os.date("!%%|%", 0))
        print(type(os.time()), type(os.clock()), os.clock() >= 0)
        print(os.difftime(5, 3), os.difftime(5))
        print(os.getenv("CRESCENT_TEST_VAR"), os.getenv("CRESCENT_UNSET_VAR"))
        local f = io.open("a.txt", "w") f:write("x") f:close()
        print(os.rename("a.txt", "b.txt"), io.open("a.txt"), io.open("b.txt"):read("*a"))
        print(os.remove("b.txt"), os.remove("b.txt"))
        print(os.rename("nope", "x"))
        local tmp = os.tmpname()
        print(tmp, io.open(tmp) ~= nil, os.remove(tmp), io.open(tmp) == nil)
    "#;
    let s = d.file("os.lua", script);
    let r = crescent(&[s.to_str().unwrap()])
        .dir(d.path())
        .env("TZ", "UTC")
        .env("CRESCENT_TEST_VAR", "hello")
        .run();
    ok(&r);
    let expected = "1709622489\t2024-03-05 07:08:09\tTue Mar  5 07:08:09 2024\n\
                    2024\t3\t5\t7\t8\t9\t3\t65\tfalse\n\
                    1709640000\t1735732800\n\
                    false\tfield 'day' missing in date table\n\
                    1970\t\t%|%\n\
                    number\tnumber\ttrue\n\
                    2\t5\n\
                    hello\tnil\n\
                    true\tnil\tx\n\
                    true\tnil\tb.txt: No such file or directory\t2\n\
                    nil\tnope: No such file or directory\t2\n";
    assert!(
        r.stdout.starts_with(expected),
        "got:\n{}\nwant:\n{expected}",
        r.stdout
    );
    let tmp_line = &r.stdout[expected.len()..];
    let (tmp, rest) = tmp_line.split_once('\t').unwrap();
    assert!(tmp.starts_with("/tmp/lua_") && tmp.len() == 15, "{tmp}");
    assert_eq!(rest, "true\ttrue\ttrue\n");
    assert!(!Path::new(tmp).exists());
}

#[test]
fn os_date_local_time_zone() {
    let r = crescent(&["-e", "print(os.date('%H:%M %Z', 0), os.date('!%H:%M', 0))"])
        .env("TZ", "America/New_York")
        .run();
    ok(&r);
    assert_eq!(r.stdout, "19:00 EST\t00:00\n");
}

#[test]
fn files_are_flushed_at_exit() {
    let d = TempDir::new("flush");
    let r = crescent(&[
        "-e",
        "local f = io.open('left-open.txt', 'w') f:write('kept') os.exit(0)",
    ])
    .dir(d.path())
    .run();
    ok(&r);
    assert_eq!(
        std::fs::read_to_string(d.path().join("left-open.txt")).unwrap(),
        "kept"
    );
    let r = crescent(&["-e", "g = io.open('at-end.txt', 'w') g:write('also kept')"])
        .dir(d.path())
        .run();
    ok(&r);
    assert_eq!(
        std::fs::read_to_string(d.path().join("at-end.txt")).unwrap(),
        "also kept"
    );
}

#[test]
fn a_closed_pipe_ends_the_program() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    let mut child = command()
        .args(["-e", "while true do print('y') end"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut buf = [0u8; 64];
    out.read_exact(&mut buf).unwrap();
    drop(out);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("crescent kept running after its stdout closed");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.signal(), Some(libc::SIGPIPE));
}
