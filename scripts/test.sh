#!/usr/bin/env bash
# The README's test command: installs what is missing, builds libcvc twice
# (gcc; clang with ASan+UBSan and libFuzzer targets), runs `meson test` in
# both, and ends with one "N passed, N failed" line. Exits non-zero on any
# failure. Build directories: build/ and build-asan/ (override with
# CVC_BUILD_DIR / CVC_ASAN_BUILD_DIR).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# shellcheck source=scripts/deps.sh
. scripts/deps.sh
# shellcheck disable=SC2119
cvc_install_deps

build=${CVC_BUILD_DIR:-build}
asan=${CVC_ASAN_BUILD_DIR:-build-asan}

setup() { # dir, then meson options
	local dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson configure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
}

run_suite() { # dir, label
	local dir=$1 label=$2 rc=0
	rm -f "$dir/meson-logs/testlog.json"
	echo "== $label: build =="
	ninja -C "$dir" >"$dir/build.out" 2>&1 || {
		cat "$dir/build.out"
		echo "$label: build failed"
		return 1
	}
	echo "== $label: meson test =="
	meson test -C "$dir" --print-errorlogs || rc=$?
	return $rc
}

# Counts results from meson's JSON test log: prints "pass fail skip".
count_results() {
	python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, sys
p = f = s = 0
with open(sys.argv[1]) as log:
    for line in log:
        r = json.loads(line).get("result")
        if r in ("OK", "EXPECTEDFAIL"):
            p += 1
        elif r == "SKIP":
            s += 1
        else:
            f += 1
print(p, f, s)
PY
}

CC=gcc setup "$build" -Db_sanitize=none
CC=clang setup "$asan" -Db_sanitize=address,undefined -Db_lundef=false \
	-Dfuzz=enabled

status=0
run_suite "$build" "gcc" || status=1
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run_suite "$asan" "clang ASan+UBSan" || status=1

passed=0 failed=0 skipped=0
for dir in "$build" "$asan"; do
	if [ -f "$dir/meson-logs/testlog.json" ]; then
		read -r p f s < <(count_results "$dir")
	else
		p=0 f=1 s=0 # the build failed before any test ran
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
# A skipped test is not a passed one: report it, and fail, so nothing hides.
if [ "$skipped" -gt 0 ]; then
	echo "$skipped test(s) skipped"
	status=1
fi
[ "$failed" -gt 0 ] && status=1
echo "$passed passed, $failed failed"
exit $status
