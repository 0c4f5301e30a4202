#!/bin/bash
# SPDX-License-Identifier: MIT
# cvc-apdu without a reader: --help, --version, option errors and the
# combinations it refuses (exit 2), all before any reader is touched.
. "$(dirname "$0")/lib.sh"
: "${CVC_APDU:?CVC_APDU must name the cvc-apdu binary}"

for opt in --help -h; do
	run "$CVC_APDU" "$opt"
	expect_rc 0 "$opt"
	expect_err_empty "$opt"
	expect_out '^usage: cvc-apdu ' "$opt usage line"
	for o in --reader --list --wait --atr --script --raw --json --verbose --version; do
		expect_out -- "$o" "$opt documents $o"
	done
	expect_out '0 every answer as expected' "$opt documents exit 0"
	expect_out '3 reader or card' "$opt documents exit 3"
done

for opt in --version -V; do
	run "$CVC_APDU" "$opt"
	expect_rc 0 "$opt"
	expect_out '^cvc-apdu \(libcvc\) [0-9]+\.[0-9]+\.[0-9]+$' "$opt prints the library version"
done

# usage_error WHAT ERE ARGS...: exit 2, nothing on stdout, the message and
# the usage lines on stderr
usage_error() {
	local what=$1 msg=$2
	shift 2
	run "$CVC_APDU" "$@"
	expect_rc 2 "$what"
	expect_out_empty "$what"
	expect_err "^cvc-apdu: $msg" "$what: message"
	expect_err '^usage: cvc-apdu ' "$what: usage"
}

usage_error "no arguments" "nothing to do"
usage_error "reader only" "nothing to do" -r pcsc:0
usage_error "unknown long option" "unknown option: '--frobnicate'" --frobnicate
usage_error "unknown short option" "unknown option: '-x'" -x
usage_error "-r without argument" "option needs an argument" -r
usage_error "-s without argument" "option needs an argument" -s
usage_error "flag with argument" "option takes no argument: '--raw=1'" --raw=1 00A40000
usage_error "--wait not a number" "--wait: not a number of seconds" --wait=soon 00A40000
usage_error "--wait negative" "--wait: not a number of seconds" --wait=-1 00A40000
usage_error "--wait too long" "--wait: not a number of seconds" --wait=86401 00A40000
usage_error "--list with an APDU" "--list takes no reader" --list 00A40000
usage_error "--list with a reader" "--list takes no reader" --list -r pcsc:0
usage_error "--list with --atr" "--list takes no reader" --list --atr
usage_error "script and arguments" "give APDUs either as arguments or with --script" -s /dev/null 00A40000
usage_error "reader spec without transport" "not a reader spec: 'Virtual PCD'" -r 'Virtual PCD' 00A40000
usage_error "unknown transport" "not a reader spec: 'usb:0'" -r usb:0 00A40000

# "--wait 5": the number is the option's, not an APDU; "--wait 00A40000"
# leaves the APDU alone. Both then fail at the (nonexistent) reader, which
# shows the arguments were accepted.
nosuch='pcsc:libcvc test reader that does not exist'
run "$CVC_APDU" -r "$nosuch" --wait 0 00A40000
expect_rc 3 "--wait 0 followed by an APDU"
expect_err "reader 'pcsc:libcvc test reader" "--wait 0: the reader was tried"
run "$CVC_APDU" -r "$nosuch" --atr --wait=0
expect_rc 3 "--wait=0 --atr"

finish
