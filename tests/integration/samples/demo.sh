#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the README's demo (scripts/demo.sh) on this build and checks its key
# lines: the badge is personalized, read, accepted at the door, revoked,
# then refused at the door as revoked; and nothing it started is left
# running.
#   demo.sh PATH-OF-scripts/demo.sh BUILD-DIR
set -uo pipefail
demo=${1:?usage: demo.sh DEMO-SCRIPT BUILD-DIR}
build=${2:?usage: demo.sh DEMO-SCRIPT BUILD-DIR}
out=$(mktemp "${TMPDIR:-/tmp}/cvc-demo-test.XXXXXX")
trap 'rm -f "$out"' EXIT
checks=0 failures=0

expect() { # ERE WHAT
	checks=$((checks + 1))
	if grep -Eq -- "$1" "$out"; then
		echo "ok: $2"
	else
		failures=$((failures + 1))
		echo "FAIL: $2: no line matches /$1/"
	fi
}

# line number of the first line matching ERE (0 when none)
line_of() {
	grep -En -m1 -- "$1" "$out" | cut -d: -f1 | grep . || echo 0
}

CVC_BUILD_DIR=$build CVC_DEMO_NO_BUILD=1 bash "$demo" </dev/null >"$out" 2>&1
rc=$?
checks=$((checks + 1))
if [ "$rc" -eq 0 ]; then
	echo "ok: demo exit 0"
else
	failures=$((failures + 1))
	echo "FAIL: demo exit $rc"
	tail -n 40 "$out"
fi

expect 'CHR: +DECVCAeID00102' "corpus part ran (real CVCA printed)"
expect 'demo PKI in ' "demo PKI created"
expect 'DEBADGE00001' "badge personalized with a CHR"
expect 'Alice Example' "holder data shown"
expect 'Z DEBADGE00001 ACCEPT ok, [0-9]+ ms: open door$' "door accepts the badge"
expect 'Z DEBADGE00001 REFUSE .*revoked.*: stay closed$' "door refuses it once revoked"
expect '^exit code: 1 \(1 = refused\)$' "door exit status 1 when refusing"

accept=$(line_of 'DEBADGE00001 ACCEPT')
refuse=$(line_of 'DEBADGE00001 REFUSE .*revoked')
checks=$((checks + 1))
if [ "$accept" -gt 0 ] && [ "$refuse" -gt "$accept" ]; then
	echo "ok: ACCEPT (line $accept) before REFUSE revoked (line $refuse)"
else
	failures=$((failures + 1))
	echo "FAIL: order of ACCEPT ($accept) and REFUSE ($refuse)"
fi

# Nothing of the demo survives it: no vbadge or pcscd from this build.
checks=$((checks + 1))
left=$(pgrep -f "$build/applet-spec/vbadge/vbadge" || true)
if [ -z "$left" ]; then
	echo "ok: no vbadge left running"
else
	failures=$((failures + 1))
	echo "FAIL: vbadge still running: $left"
fi

echo "$checks checks, $failures failed"
[ "$failures" -eq 0 ]
