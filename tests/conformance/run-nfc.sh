#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The conformance suite against the reference badge (vbadge, a fresh BLANK
# state file) in the field of vbadge's emulated PN532, reached through
# libnfc's own pn532_uart driver on a pseudo-terminal. The pty is published
# as a symlink, so the reader spec stays the same when the fault hook
# (runner-lib.sh) restarts the badge with --fail-write-after.
#
#   run-nfc.sh CONFORMANCE VBADGE [conformance options]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=runner-lib.sh
. "$here/runner-lib.sh"
conformance=${1:?usage: run-nfc.sh CONFORMANCE VBADGE [options]}
vbadge=${2:?usage: run-nfc.sh CONFORMANCE VBADGE [options]}
shift 2

DIR=$(mktemp -d "${TMPDIR:-/tmp}/cvc-conf-nfc.XXXXXX")
LINK="$DIR/pn532"
BADGE_PID=""
STOP_TIMEOUT_S=5

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# SIGTERM, then SIGKILL after STOP_TIMEOUT_S; always reaped.
stop_badge() {
	local pid=$BADGE_PID _
	BADGE_PID=""
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq $((STOP_TIMEOUT_S * 20))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "warning: vbadge PID $pid ignored SIGTERM; killing it" >&2
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_badge
	if [ "$rc" != 0 ] && [ -s "$DIR/vbadge.log" ]; then
		echo "--- vbadge.log (last 20 lines):" >&2
		tail -n 20 "$DIR/vbadge.log" >&2
	fi
	rm -rf "$DIR"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_badge [vbadge options]: returns once the pty is published.
start_badge() {
	local _
	rm -f "$LINK"
	"$vbadge" --state "$DIR/badge.state" --pn532 --pty-link "$LINK" \
		"$@" 2>>"$DIR/vbadge.log" &
	BADGE_PID=$!
	for _ in $(seq 500); do
		[ -L "$LINK" ] && return 0
		kill -0 "$BADGE_PID" 2>/dev/null || fail "vbadge exited ($*)"
		sleep 0.01
	done
	fail "vbadge did not publish its pty ($*)"
}

conf_restart_badge() {
	stop_badge
	start_badge --fail-write-after "$1"
}

# libnfc: only our device, no scanning of serial ports
export LIBNFC_AUTO_SCAN=false
unset LIBNFC_DEVICE LIBNFC_DEFAULT_DEVICE

start_badge
echo "badge: vbadge PID $BADGE_PID, pty $(readlink "$LINK")"
# CVC_CONFORMANCE_NO_HOOK=1: run as against a card without a hook
if [ -n "${CVC_CONFORMANCE_NO_HOOK:-}" ]; then
	unset CVC_CONFORMANCE_FAULT_HOOK
else
	conf_write_hook "$DIR"
fi
export CVC_CONFORMANCE_READER="nfc:pn532_uart:$LINK"
rc=0
conf_run "$conformance" "$@" || rc=$?
exit "$rc"
