#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The conformance suite against the reference badge (vbadge, a fresh BLANK
# state file) behind a private pcscd with the vpcd driver
# (tests/integration/stack/pcscd-env.sh), with the fault hook served by
# restarting the badge with --fail-write-after (runner-lib.sh).
#
#   run-pcsc.sh CONFORMANCE VBADGE [conformance options]
#
# Needs CVC_VICC, CVC_PCSCWAIT (meson's test_env) and CVC_SPEC.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../integration/stack/pcscd-env.sh
. "$here/../integration/stack/pcscd-env.sh"
# shellcheck source=runner-lib.sh
. "$here/runner-lib.sh"
pcsc_isolate "$0" "$@"
conformance=${1:?usage: run-pcsc.sh CONFORMANCE VBADGE [options]}
vbadge=${2:?usage: run-pcsc.sh CONFORMANCE VBADGE [options]}
shift 2

BADGE_PID=""

# start_badge [vbadge options]: returns once pcscd sees the card.
start_badge() {
	"$vbadge" --state "$PCSC_DIR/badge.state" --vpcd --port "$PCSC_PORT" \
		"$@" 2>>"$PCSC_DIR/vbadge.log" &
	BADGE_PID=$!
	PCSC_PIDS+=("$BADGE_PID")
	"$CVC_PCSCWAIT" "$PCSC_READER" --present "$PCSC_CARD_TIMEOUT_MS" \
		>/dev/null || pcsc_fail "pcscd did not see the badge ($*)"
}

# Stops the badge and waits until pcscd has seen it go: a card connecting
# earlier would inherit the stale PRESENT state.
stop_badge() {
	pcsc_stop_pid "$BADGE_PID"
	"$CVC_PCSCWAIT" "$PCSC_READER" --absent "$PCSC_CARD_TIMEOUT_MS" \
		>/dev/null || pcsc_fail "pcscd did not see the badge leave"
	BADGE_PID=""
}

conf_restart_badge() {
	stop_badge
	start_badge --fail-write-after "$1"
}

pcsc_start_pcscd
start_badge
echo "badge: vbadge PID $BADGE_PID, state $PCSC_DIR/badge.state"
# CVC_CONFORMANCE_NO_HOOK=1: run as against a card without a hook
if [ -n "${CVC_CONFORMANCE_NO_HOOK:-}" ]; then
	unset CVC_CONFORMANCE_FAULT_HOOK
else
	conf_write_hook "$PCSC_DIR"
fi
rc=0
export CVC_CONFORMANCE_READER="pcsc:$PCSC_READER"
conf_run "$conformance" "$@" ||
	rc=$?
if [ "$rc" != 0 ] && [ -s "$PCSC_DIR/vbadge.log" ]; then
	echo "--- vbadge.log (last 20 lines):" >&2
	tail -n 20 "$PCSC_DIR/vbadge.log" >&2
fi
stop_badge
exit "$rc"
