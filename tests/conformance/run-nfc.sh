#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The conformance suite against the reference badge (vbadge, a fresh BLANK
# state file) in the field of vbadge's emulated PN532, reached through
# libnfc's own pn532_uart driver on a pseudo-terminal. The pty is published
# as a symlink, so the reader spec stays the same when the fault hook
# (runner-lib.sh) restarts the badge with --fail-write-after. The badge is
# started and stopped by ../integration/stack/vbadge-env.sh (with only the
# helpers of pcscd-env.sh: no pcscd here).
#
#   run-nfc.sh CONFORMANCE VBADGE [conformance options]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../integration/stack/pcscd-env.sh
. "$here/../integration/stack/pcscd-env.sh"
# shellcheck source-path=SCRIPTDIR source=../integration/stack/vbadge-env.sh
. "$here/../integration/stack/vbadge-env.sh"
# shellcheck source=runner-lib.sh
. "$here/runner-lib.sh"
conformance=${1:?usage: run-nfc.sh CONFORMANCE VBADGE [options]}
CVC_VBADGE=${2:?usage: run-nfc.sh CONFORMANCE VBADGE [options]}
shift 2

DIR=$(mktemp -d "${TMPDIR:-/tmp}/cvc-conf-nfc.XXXXXX")
LINK="$DIR/pn532"
VBADGE_LOG=$DIR/vbadge.log

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	vbadge_stop
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

conf_restart_badge() {
	vbadge_stop
	vbadge_start_pn532 "$DIR/badge.state" "$LINK" --fail-write-after "$1"
}

# libnfc: only our device, no scanning of serial ports
export LIBNFC_AUTO_SCAN=false
unset LIBNFC_DEVICE LIBNFC_DEFAULT_DEVICE

vbadge_start_pn532 "$DIR/badge.state" "$LINK"
echo "badge: vbadge PID $VBADGE_PID, pty $VBADGE_PTY"
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
