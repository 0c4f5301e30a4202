# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Shared by run-pcsc.sh and run-nfc.sh: runs the conformance program and
# serves its fault hook.
#
#   conf_write_hook DIR   writes DIR/fault-hook.sh and exports
#                         CVC_CONFORMANCE_FAULT_HOOK naming it
#   conf_run PROGRAM ARGS runs the program; returns its exit status
#
# The caller defines conf_restart_badge N: stop the virtual badge and start
# it again on the same state file with --fail-write-after N.
#
# Why the runner restarts the badge and not the hook itself: vbadge ends
# when the process that started it ends (PR_SET_PDEATHSIG, so that no card
# outlives a failed test), and the hook is a short-lived child of the
# conformance program. So the hook asks this script (SIGUSR1 plus a request
# file), which owns the badge, and waits for the answer file.

CONF_RESTART_REQUESTED=0
CONF_HOOK_DIR=""

conf_write_hook() {
	CONF_HOOK_DIR=$1
	cat >"$CONF_HOOK_DIR/fault-hook.sh" <<EOF
#!/usr/bin/env bash
# Conformance fault hook: the card's \$1-th persistent write from now on
# fails. Asks the runner (PID $$) to restart the badge with
# --fail-write-after \$1 and waits for it (up to 30 s).
set -u
n=\${1:?usage: fault-hook.sh N}
dir='$CONF_HOOK_DIR'
rm -f "\$dir/fault.done"
echo "\$n" >"\$dir/fault.request.tmp"
mv "\$dir/fault.request.tmp" "\$dir/fault.request"
for i in \$(seq 600); do
	# (re)signal while the request has not been taken
	if [ -e "\$dir/fault.request" ] && [ \$((i % 40)) = 1 ]; then
		kill -USR1 $$ || exit 1
	fi
	if [ -e "\$dir/fault.done" ]; then
		exit "\$(cat "\$dir/fault.done")"
	fi
	sleep 0.05
done
echo "fault hook: the runner did not answer" >&2
exit 1
EOF
	chmod +x "$CONF_HOOK_DIR/fault-hook.sh"
	export CVC_CONFORMANCE_FAULT_HOOK="$CONF_HOOK_DIR/fault-hook.sh"
}

conf_serve_request() {
	local n rc=0
	[ -e "$CONF_HOOK_DIR/fault.request" ] || return 0
	n=$(cat "$CONF_HOOK_DIR/fault.request")
	rm -f "$CONF_HOOK_DIR/fault.request"
	echo "fault hook: restarting the badge with --fail-write-after $n"
	conf_restart_badge "$n" || rc=$?
	echo "$rc" >"$CONF_HOOK_DIR/fault.done"
}

conf_run() {
	local pid rc
	trap 'CONF_RESTART_REQUESTED=1' USR1
	"$@" &
	pid=$!
	while :; do
		rc=0
		wait "$pid" || rc=$?
		# wait returns early (status > 128) for the trapped signal;
		# once the program has ended, wait gives its saved status
		if [ "$CONF_RESTART_REQUESTED" = 1 ]; then
			CONF_RESTART_REQUESTED=0
			conf_serve_request
			continue
		fi
		break
	done
	trap - USR1
	return "$rc"
}
