# shellcheck shell=bash
# A private pcscd + vpcd + vicc for one PC/SC integration test.
#
#   . tests/integration/stack/pcscd-env.sh
#   pcsc_isolate "$0" "$@"   # re-runs the script in its own mount namespace
#   pcsc_start_pcscd         # sets PCSC_READER PCSC_PORT PCSC_DIR PCSCD_PID
#   pcsc_start_vicc [opts]   # sets VICC_PID; returns once pcscd sees the card
#   pcsc_stop_vicc           # returns once pcscd sees the card gone
#   pcsc_stop_pid PID        # stops one child; PCSC_STOP_RC = its status
#   pcsc_forget_pid PID      # PID leaves PCSC_PIDS (stopped elsewhere)
#
# Everything started here is stopped by PID in an EXIT trap. Needs
# CVC_VICC and CVC_PCSCWAIT (paths of the stack's programs, from meson).
# CVC_PCSC_KEEP_LOGS=1 keeps the pcscd and vicc logs for debugging.
#
# Why a namespace: pcscd's socket path is fixed (/run/pcscd/pcscd.comm), so
# there is one pcscd per mount namespace. The test's pcscd gets a private
# tmpfs on /run/pcscd and never meets a system pcscd or another test run.
# Root uses `unshare -m`; other users need unprivileged user namespaces
# (`unshare -rm`). Without either the test fails: it does not skip.
#
# vpcd listens on two TCP ports (slot 0 and 1) on all interfaces; the test
# picks a free pair at random away from the default 35963, so a system
# pcscd's vpcd and parallel runs do not collide.

PCSC_READER="Virtual PCD 00 00"
PCSC_READY_TIMEOUT_MS=${PCSC_READY_TIMEOUT_MS:-10000}
PCSC_CARD_TIMEOUT_MS=${PCSC_CARD_TIMEOUT_MS:-5000}
PCSC_STOP_TIMEOUT_S=5
PCSC_STOP_RC=0
PCSCD_PID=""
VICC_PID=""
PCSC_PIDS=()
PCSC_DIR=""

pcsc_fail() {
	echo "FAIL: $*" >&2
	if [ -n "$PCSC_DIR" ] && [ -s "$PCSC_DIR/pcscd.log" ]; then
		echo "--- last lines of pcscd.log:" >&2
		tail -n 20 "$PCSC_DIR/pcscd.log" >&2
	fi
	exit 1
}

# Re-executes the calling script ($1 = its path, then its arguments) inside
# a private mount namespace, then mounts a tmpfs on /run/pcscd there.
pcsc_isolate() {
	if [ -z "${CVC_VICC:-}" ] || [ -z "${CVC_PCSCWAIT:-}" ]; then
		pcsc_fail "CVC_VICC and CVC_PCSCWAIT must be set (run via meson test)"
	fi
	# unshare without --fork keeps the PID: $$ tells "already inside"
	if [ "${CVC_PCSC_NS_PID:-}" != "$$" ]; then
		export CVC_PCSC_NS_PID=$$
		if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
			exec unshare -m --propagation private bash "$@"
		fi
		if [ -d /run/pcscd ] && unshare -rm true 2>/dev/null; then
			exec unshare -rm --propagation private bash "$@"
		fi
		pcsc_fail "cannot give pcscd a private /run/pcscd: need root" \
			"with unshare(1), or unprivileged user namespaces" \
			"(and an existing /run/pcscd). Run the PC/SC tests as root."
	fi
	mkdir -p /run/pcscd 2>/dev/null
	mount -t tmpfs -o mode=0755,size=1m cvc-pcscd /run/pcscd ||
		pcsc_fail "cannot mount a tmpfs on /run/pcscd in the namespace"
	trap pcsc_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# Stops one child by PID: SIGTERM, then SIGKILL after PCSC_STOP_TIMEOUT_S.
# Polls instead of racing a background `sleep`: a forked guard shell that
# is signalled before it has exec'd sleep would run this shell's EXIT trap
# (bash installs trap handlers in the child until exec) and stop pcscd.
# bash reaps its children as they exit, so kill -0 fails once pid is gone.
# Sets PCSC_STOP_RC to the child's exit status.
pcsc_stop_pid() {
	local pid=$1 i
	PCSC_STOP_RC=0
	[ -n "$pid" ] || return 0
	if kill -TERM "$pid" 2>/dev/null; then
		for i in $(seq $((PCSC_STOP_TIMEOUT_S * 20))); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "warning: PID $pid ignored SIGTERM; killing it" >&2
			kill -KILL "$pid" 2>/dev/null
		fi
	fi
	# shellcheck disable=SC2034 # for the caller
	wait "$pid" 2>/dev/null || PCSC_STOP_RC=$?
	return 0
}

# Drops a PID that was stopped or reaped from PCSC_PIDS, so that the
# cleanup never signals it once the system may have reused it.
pcsc_forget_pid() {
	local keep=() pid
	for pid in "${PCSC_PIDS[@]}"; do
		[ "$pid" = "$1" ] || keep+=("$pid")
	done
	PCSC_PIDS=("${keep[@]}")
}

pcsc_cleanup() {
	local rc=$? pid
	trap - EXIT INT TERM
	for pid in "${PCSC_PIDS[@]}"; do
		[ "$pid" = "$PCSCD_PID" ] || pcsc_stop_pid "$pid"
	done
	pcsc_stop_pid "$PCSCD_PID"
	if [ -n "$PCSC_DIR" ]; then
		if [ "$rc" != 0 ] && [ -s "$PCSC_DIR/pcscd.log" ]; then
			echo "--- pcscd.log (last 40 lines):" >&2
			tail -n 40 "$PCSC_DIR/pcscd.log" >&2
		fi
		if [ -n "${CVC_PCSC_KEEP_LOGS:-}" ]; then
			echo "logs kept in $PCSC_DIR" >&2
		else
			rm -rf "$PCSC_DIR"
		fi
	fi
	exit "$rc"
}

# True when any TCP socket uses the port (listening or connected).
pcsc_port_busy() {
	local hex
	hex=$(printf ':%04X ' "$1")
	grep -q -- "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# An even port P with P and P+1 free, in 36000..39998.
pcsc_pick_port() {
	local i p
	for i in $(seq 50); do
		p=$((36000 + ((RANDOM + $$ + i) % 2000) * 2))
		if ! pcsc_port_busy "$p" && ! pcsc_port_busy $((p + 1)); then
			echo "$p"
			return 0
		fi
	done
	return 1
}

pcsc_vpcd_driver() {
	local lib
	lib=$(sed -n 's/^[[:space:]]*LIBPATH[[:space:]]*//p' \
		/etc/reader.conf.d/vpcd 2>/dev/null | head -n 1)
	for lib in "$lib" /usr/lib/pcsc/drivers/serial/libifdvpcd.so; do
		[ -n "$lib" ] && [ -f "$lib" ] && { echo "$lib"; return 0; }
	done
	return 1
}

pcsc_write_conf() {
	cat >"$PCSC_DIR/conf/vpcd" <<EOF
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:$PCSC_PORT
LIBPATH      $1
CHANNELID    $PCSC_PORT
EOF
}

# Starts pcscd (-a: APDUs in the log) with vpcd on a free port pair and
# waits, by polling with a deadline, until it lists the reader.
pcsc_start_pcscd() {
	local pcscd driver attempt out
	pcscd=$(command -v pcscd || echo /usr/sbin/pcscd)
	[ -x "$pcscd" ] || pcsc_fail "pcscd not installed (apt-get install pcscd)"
	driver=$(pcsc_vpcd_driver) ||
		pcsc_fail "vpcd driver not found (apt-get install vsmartcard-vpcd)"
	PCSC_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cvc-pcsc.XXXXXX")
	mkdir "$PCSC_DIR/conf"
	# A port can be taken between the check and vpcd's bind: try again.
	for attempt in 1 2 3; do
		PCSC_PORT=$(pcsc_pick_port) || pcsc_fail "no free TCP port pair"
		pcsc_write_conf "$driver"
		"$pcscd" --foreground --apdu -c "$PCSC_DIR/conf" \
			>"$PCSC_DIR/pcscd.log" 2>&1 &
		PCSCD_PID=$!
		PCSC_PIDS+=("$PCSCD_PID")
		if out=$("$CVC_PCSCWAIT" "$PCSC_READER" --listed \
			"$PCSC_READY_TIMEOUT_MS"); then
			PCSC_READY_MS=${out##* after }
			PCSC_READY_MS=${PCSC_READY_MS% ms}
			echo "pcscd ready: PID $PCSCD_PID, vpcd port $PCSC_PORT," \
				"$PCSC_READY_MS ms"
			export PCSC_READER PCSC_PORT PCSC_DIR
			return 0
		fi
		echo "pcscd attempt $attempt (port $PCSC_PORT) not ready" >&2
		pcsc_stop_pid "$PCSCD_PID"
		PCSCD_PID=""
	done
	pcsc_fail "pcscd did not list \"$PCSC_READER\" within" \
		"$PCSC_READY_TIMEOUT_MS ms"
}

# Starts vicc on the reader's slot-0 port; returns once pcscd sees the card.
pcsc_start_vicc() {
	local out
	"$CVC_VICC" --port "$PCSC_PORT" "$@" 2>>"$PCSC_DIR/vicc.log" &
	VICC_PID=$!
	PCSC_PIDS+=("$VICC_PID")
	out=$("$CVC_PCSCWAIT" "$PCSC_READER" --present "$PCSC_CARD_TIMEOUT_MS") ||
		pcsc_fail "pcscd did not see the card (vicc $*)"
	echo "card inserted: vicc PID $VICC_PID $*, seen $out"
}

# Stops vicc and waits until pcscd has seen the card go: a card connecting
# before that would inherit the stale PRESENT state and fail.
pcsc_stop_vicc() {
	local out
	pcsc_stop_pid "$VICC_PID"
	out=$("$CVC_PCSCWAIT" "$PCSC_READER" --absent "$PCSC_CARD_TIMEOUT_MS") ||
		pcsc_fail "pcscd did not see the card leave"
	echo "card removed: seen $out"
	VICC_PID=""
}
