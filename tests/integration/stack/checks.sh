# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# The check counter of the stack's own tests (nfc-list.sh, and vbadge's
# tests in applet-spec/vbadge/tests), which run without ../lib.sh:
#
#   check DESCRIPTION CMD...   runs CMD; a failure is counted, not fatal
#
# The test ends with: echo "$checks checks, $failures failed";
# [ "$failures" = 0 ]

checks=0
failures=0

check() {
	local what=$1
	shift
	checks=$((checks + 1))
	if "$@"; then
		echo "ok: $what"
	else
		echo "FAIL: $what"
		failures=$((failures + 1))
	fi
}
