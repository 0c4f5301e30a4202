# SPDX-License-Identifier: MIT
# Helpers sourced by the cvc-print integration tests (bash).
#
# Environment (set by tests/meson.build):
#   CVC_PRINT       path of the cvc-print binary
#   CVC_CORPUS_DIR  the real-world CVC corpus
#   CVC_TEST_DATA   tests/data (malformed fixtures in bad/)
#
# Each check asserts the exit code and what was printed; a test exits 1 when
# any check failed, 0 otherwise. The temporary directory is removed on exit.

set -u

: "${CVC_PRINT:?CVC_PRINT must name the cvc-print binary}"
: "${CVC_CORPUS_DIR:?CVC_CORPUS_DIR must name the corpus directory}"
CVC_TEST_DATA=${CVC_TEST_DATA:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)}
BAD=$CVC_TEST_DATA/bad

# Debian's own interpreter when there is one: a pyenv shim first on PATH
# costs most of a second per call.
if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/cvc-print-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

checks=0
failures=0
OUT=$TMP/stdout
ERR=$TMP/stderr
RC=0

# run CMD...: runs it with stdout in $OUT, stderr in $ERR, status in $RC.
run() {
	"$@" >"$OUT" 2>"$ERR"
	RC=$?
}

# run_in FILE CMD...: as run, with stdin from FILE.
run_in() {
	local in=$1
	shift
	"$@" <"$in" >"$OUT" 2>"$ERR"
	RC=$?
}

fail() {
	failures=$((failures + 1))
	echo "FAIL: $*"
	echo "  exit status: $RC"
	echo "  stderr: $(head -c 600 "$ERR")"
	echo "  stdout (head): $(head -c 400 "$OUT")"
}

pass() {
	echo "ok: $*"
}

check() {
	checks=$((checks + 1))
}

# expect_rc N WHAT
expect_rc() {
	check
	if [ "$RC" -eq "$1" ]; then pass "$2: exit $1"; else fail "$2: expected exit $1"; fi
}

# expect_err ERE WHAT: stderr matches the extended regex
expect_err() {
	check
	if grep -Eq -- "$1" "$ERR"; then pass "$2: stderr ~ /$1/"; else fail "$2: stderr does not match /$1/"; fi
}

# expect_out ERE WHAT: stdout matches the extended regex
expect_out() {
	check
	if grep -Eq -- "$1" "$OUT"; then pass "$2: stdout ~ /$1/"; else fail "$2: stdout does not match /$1/"; fi
}

# expect_no_out ERE WHAT: stdout does not match
expect_no_out() {
	check
	if grep -Eq -- "$1" "$OUT"; then fail "$2: stdout unexpectedly matches /$1/"; else pass "$2: stdout !~ /$1/"; fi
}

expect_err_empty() {
	check
	if [ -s "$ERR" ]; then fail "$1: stderr not empty"; else pass "$1: stderr empty"; fi
}

expect_out_empty() {
	check
	if [ -s "$OUT" ]; then fail "$1: stdout not empty"; else pass "$1: stdout empty"; fi
}

# expect_same A B WHAT: two files have the same content
expect_same() {
	check
	if cmp -s "$1" "$2"; then
		pass "$3: identical"
	else
		fail "$3: differ"
		diff "$1" "$2" | head -20
	fi
}

# count_matches ERE FILE
count_matches() {
	grep -Ec -- "$1" "$2" || true
}

# escape a path for use inside an ERE
re() {
	printf '%s' "$1" | sed 's/[][\.*^$(){}?+|/]/\\&/g'
}

# strip_headers FILE: the text output without "== ... ==" header lines,
# which name the file and so differ between otherwise equal runs
strip_headers() {
	grep -Ev '^== .* ==$' "$1"
}

# json_check FILE PYTHON-EXPR...: parses FILE as JSON (as d) and asserts
# each expression is true. Prints the first one that is not.
json_check() {
	local file=$1
	shift
	check
	if "$PYTHON" - "$file" "$@" <<'PY'; then
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    d = json.load(f)
def strings(x):
    """Every string value anywhere in x."""
    if isinstance(x, str):
        yield x
    elif isinstance(x, dict):
        for v in x.values():
            yield from strings(v)
    elif isinstance(x, list):
        for v in x:
            yield from strings(v)
for expr in sys.argv[2:]:
    if not eval(expr, {"d": d, "strings": strings}):
        print("  false: " + expr)
        sys.exit(1)
PY
		pass "json: $*"
	else
		fail "json: $*"
	fi
}

finish() {
	echo "$checks checks, $failures failed"
	[ "$failures" -eq 0 ]
	exit $?
}
