#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The suite's handling of statements a card cannot be tested for without
# the fault hook, against the reference badge over NFC (run-nfc.sh) with
# CVC_CONFORMANCE_NO_HOOK=1:
#   - without --allow-untestable, exactly the tests that need the hook
#     fail, each saying so, and the exit status is 1;
#   - with --allow-untestable, the exit status is 0 and the untested
#     statements are listed.
#
#   run-untestable.sh CONFORMANCE VBADGE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
conformance=${1:?usage: run-untestable.sh CONFORMANCE VBADGE}
vbadge=${2:?usage: run-untestable.sh CONFORMANCE VBADGE}
log=$(mktemp "${TMPDIR:-/tmp}/cvc-conf-untestable.XXXXXX")
trap 'rm -f "$log"' EXIT
export CVC_CONFORMANCE_NO_HOOK=1
failures=0

check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then
		echo "ok: $what"
	else
		echo "FAIL: $what"
		failures=$((failures + 1))
	fi
}

# The hook-needing tests: their names carry the statement id ACT_3.
hook_tests="ACT_3_activate_write_fault_keeps_blank
ACT_3_link_write_fault_keeps_anchor
ACT_3_wrong_pin_write_fault_keeps_counter"

bash "$here/run-nfc.sh" "$conformance" "$vbadge" >"$log" 2>&1
rc=$?
check "without --allow-untestable: exit status 1 (got $rc)" test "$rc" = 1
failed=$(sed -n 's/.*:[FE]:[a-z-]*:\([A-Za-z0-9_]*\):.*/\1/p' "$log" | sort)
check "exactly the tests that need the hook fail" \
	test "$failed" = "$hook_tests"
check "each says why" test "$(grep -c 'not testable on this card without CVC_CONFORMANCE_FAULT_HOOK' "$log")" = 3
[ "$failures" = 0 ] || cat "$log"

bash "$here/run-nfc.sh" "$conformance" "$vbadge" --allow-untestable \
	>"$log" 2>&1
rc=$?
check "with --allow-untestable: exit status 0 (got $rc)" test "$rc" = 0
check "the untested statements are listed" \
	grep -q '^  \[ACT-3\] .*needs CVC_CONFORMANCE_FAULT_HOOK' "$log"
check "100% of the checks pass" grep -q '^100%: Checks: ' "$log"
[ "$failures" = 0 ] || cat "$log"
echo "$failures failure(s)"
[ "$failures" = 0 ]
