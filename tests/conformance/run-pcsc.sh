#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The conformance suite against the reference badge (vbadge, a fresh BLANK
# state file) behind a private pcscd with the vpcd driver
# (tests/integration/stack/pcscd-env.sh and vbadge-env.sh), with the fault
# hook served by
# restarting the badge with --fail-write-after (runner-lib.sh).
#
#   run-pcsc.sh CONFORMANCE VBADGE [conformance options]
#
# Needs CVC_VICC, CVC_PCSCWAIT (meson's test_env) and CVC_SPEC.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../integration/stack/pcscd-env.sh
. "$here/../integration/stack/pcscd-env.sh"
# shellcheck source-path=SCRIPTDIR source=../integration/stack/vbadge-env.sh
. "$here/../integration/stack/vbadge-env.sh"
# shellcheck source=runner-lib.sh
. "$here/runner-lib.sh"
pcsc_isolate "$0" "$@"
conformance=${1:?usage: run-pcsc.sh CONFORMANCE VBADGE [options]}
CVC_VBADGE=${2:?usage: run-pcsc.sh CONFORMANCE VBADGE [options]}
shift 2

conf_restart_badge() {
	vbadge_remove
	vbadge_start_vpcd "$PCSC_DIR/badge.state" --fail-write-after "$1"
}

pcsc_start_pcscd
vbadge_start_vpcd "$PCSC_DIR/badge.state"
echo "badge: vbadge PID $VBADGE_PID, state $PCSC_DIR/badge.state"
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
vbadge_remove
exit "$rc"
