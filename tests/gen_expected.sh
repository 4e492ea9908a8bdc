#!/bin/sh
# Regenerates tests/lua/**/*.expected from the reference engine (LuaJIT 2.1) and cross-checks
# every script against PUC Lua 5.1.
#
#   tests/gen_expected.sh            rewrite every .expected file from `luajit`
#   tests/gen_expected.sh --check    rewrite nothing; report scripts whose .expected is stale
#   tests/gen_expected.sh FILE...    only these scripts (paths relative to tests/lua or absolute)
#
# Scripts run from tests/lua with their path relative to it (`luajit lex/escapes.lua`), which is
# also the chunk name the corpus runner uses ("@lex/escapes.lua"), so error positions agree.
# A script must exit 0 under luajit. Where `lua5.1` prints something else the script must be
# listed in tests/lua/DIFFERS_FROM_5.1 with the reason (LuaJIT is the reference we match).
set -eu
LUAJIT=${LUAJIT:-luajit}
LUA51=${LUA51:-lua5.1}
cd "$(dirname "$0")/lua"

check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
if [ $# -eq 0 ]; then
    set -- $(find . -name '*.lua' | sed 's|^\./||' | LC_ALL=C sort)
fi

status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$@"; do
    f=${f#"$PWD/"}
    exp=${f%.lua}.expected
    if ! timeout 60 "$LUAJIT" "$f" >"$tmp/jit.out" 2>"$tmp/jit.err"; then
        echo "FAIL $f: luajit exited with an error:" >&2
        cat "$tmp/jit.err" >&2
        status=1
        continue
    fi
    # Expected output must be deterministic: no addresses, no LuaJIT builtin numbers.
    if grep -Eq '0x[0-9a-f]{6,}|builtin#' "$tmp/jit.out"; then
        echo "FAIL $f: output contains an address; make the script deterministic" >&2
        status=1
    fi
    if [ "$check" = 1 ]; then
        if ! cmp -s "$tmp/jit.out" "$exp"; then
            echo "STALE $exp" >&2
            status=1
        fi
    else
        cp "$tmp/jit.out" "$exp"
    fi
    if command -v "$LUA51" >/dev/null 2>&1; then
        timeout 60 "$LUA51" "$f" >"$tmp/puc.out" 2>/dev/null || true
        if ! cmp -s "$tmp/jit.out" "$tmp/puc.out"; then
            if grep -q "^$f " DIFFERS_FROM_5.1 2>/dev/null; then
                :
            else
                echo "DIFF $f: lua5.1 prints differently (list it in DIFFERS_FROM_5.1 if intended):" >&2
                diff "$tmp/jit.out" "$tmp/puc.out" | head -20 >&2 || true
                status=1
            fi
        fi
    fi
done
exit $status
