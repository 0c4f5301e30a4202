# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# The virtual badge (applet-spec/vbadge) in a test: started on one
# transport, stopped by PID. Sourced after pcscd-env.sh, whose variables,
# pcsc_fail and pcsc_stop_pid it uses (the NFC side needs no pcscd and no
# pcsc_isolate: sourcing pcscd-env.sh starts nothing).
#
#   . tests/integration/stack/pcscd-env.sh
#   . tests/integration/stack/vbadge-env.sh
#   vbadge_start_vpcd STATE [vbadge options]
#       vbadge on STATE behind the private pcscd (pcsc_start_pcscd first);
#       sets VBADGE_PID, returns once pcscd sees the card
#   vbadge_start_pn532 STATE LINK [vbadge options]
#       vbadge on STATE as a PN532 on a pseudo-terminal for libnfc's
#       pn532_uart driver, published as the symlink LINK; sets VBADGE_PID
#       and VBADGE_PTY (the pty itself), returns once LINK is there
#   vbadge_stop
#       stops the badge by its PID, also when it has ended by itself
#       (--remove-after); sets VBADGE_RC to its exit status
#   vbadge_wait_absent
#       returns once pcscd sees the reader empty
#   vbadge_remove
#       vbadge_stop, then vbadge_wait_absent
#
# Needs CVC_VBADGE (the vbadge program) and, for vpcd, CVC_PCSCWAIT. Its
# stderr (the -v log) is appended to VBADGE_LOG, by default vbadge.log in
# PCSC_DIR. A badge behind pcscd is in PCSC_PIDS, so pcsc_cleanup stops it
# on exit; on the NFC side the caller's EXIT trap calls vbadge_stop.

VBADGE_PID=""
# shellcheck disable=SC2034 # VBADGE_PTY and VBADGE_RC are for the caller
VBADGE_PTY="" VBADGE_RC=0
VBADGE_START_TIMEOUT_S=${VBADGE_START_TIMEOUT_S:-10}

vbadge_log() {
	echo "${VBADGE_LOG:-$PCSC_DIR/vbadge.log}"
}

vbadge_start_vpcd() {
	: "${CVC_VBADGE:?CVC_VBADGE must name the vbadge program}"
	"$CVC_VBADGE" --state "$1" --vpcd --port "$PCSC_PORT" "${@:2}" \
		2>>"$(vbadge_log)" &
	VBADGE_PID=$!
	PCSC_PIDS+=("$VBADGE_PID")
	"$CVC_PCSCWAIT" "$PCSC_READER" --present "$PCSC_CARD_TIMEOUT_MS" \
		>/dev/null || pcsc_fail "pcscd did not see the badge (vbadge ${*:2})"
}

# Polls for the link (vbadge makes it once the pty is open) and fails at
# once when vbadge has exited, e.g. on a usage error.
vbadge_start_pn532() {
	local link=$2 i
	: "${CVC_VBADGE:?CVC_VBADGE must name the vbadge program}"
	rm -f "$link"
	"$CVC_VBADGE" --state "$1" --pn532 --pty-link "$link" "${@:3}" \
		2>>"$(vbadge_log)" &
	VBADGE_PID=$!
	for ((i = 0; i < VBADGE_START_TIMEOUT_S * 100; i++)); do
		[ -L "$link" ] && break
		kill -0 "$VBADGE_PID" 2>/dev/null || break
		sleep 0.01
	done
	if [ ! -L "$link" ]; then
		tail -n 20 "$(vbadge_log)" >&2 2>/dev/null || true
		pcsc_fail "vbadge --pn532 did not publish its pty (vbadge ${*:3})"
	fi
	# shellcheck disable=SC2034 # for the caller
	VBADGE_PTY=$(readlink "$link")
}

# pcsc_stop_pid polls for the end (see there why not a background
# `sleep` guard: its forked shell could run the test's EXIT trap).
vbadge_stop() {
	VBADGE_RC=0
	[ -n "$VBADGE_PID" ] || return 0
	pcsc_stop_pid "$VBADGE_PID"
	# shellcheck disable=SC2034 # for the caller
	VBADGE_RC=$PCSC_STOP_RC
	pcsc_forget_pid "$VBADGE_PID"
	VBADGE_PID=""
}

# A card connecting before pcscd has seen the last one go would inherit
# the stale PRESENT state and fail.
vbadge_wait_absent() {
	"$CVC_PCSCWAIT" "$PCSC_READER" --absent "$PCSC_CARD_TIMEOUT_MS" \
		>/dev/null || pcsc_fail "pcscd did not see the badge leave"
}

vbadge_remove() {
	vbadge_stop
	vbadge_wait_absent
}
