#!/bin/bash
# SPDX-License-Identifier: MIT
# cvc-apdu script and APDU parsing, without a reader: every malformed line
# is refused with exit 2 and its line number, before the reader is opened;
# well-formed scripts get as far as the reader (exit 3 for one that does
# not exist).
. "$(dirname "$0")/lib.sh"
: "${CVC_APDU:?CVC_APDU must name the cvc-apdu binary}"

nosuch='pcsc:libcvc test reader that does not exist'

# script_error WHAT LINE ERE [OPTIONS...] < script text on stdin
script_error() {
	local what=$1 line=$2 msg=$3
	shift 3
	cat >"$TMP/s.apdu"
	run "$CVC_APDU" -r "$nosuch" "$@" -s "$TMP/s.apdu"
	expect_rc 2 "$what"
	expect_out_empty "$what"
	expect_err "^cvc-apdu: $(re "$TMP/s.apdu"): line $line: $msg" "$what: message"
}

# script_ok WHAT [OPTIONS...] < script: parses, so the reader is tried
script_ok() {
	local what=$1
	shift
	cat >"$TMP/s.apdu"
	run "$CVC_APDU" -r "$nosuch" "$@" -s "$TMP/s.apdu"
	expect_rc 3 "$what (parsed, then no reader)"
	expect_err "reader 'pcsc:libcvc test reader" "$what: reader named"
}

script_error "odd hex" 1 "APDU: odd number of hex digits" <<<'00A4000'
script_error "not hex" 1 "APDU: not a hex digit: 'G'" <<<'00A4G000'
script_error "too short" 1 "APDU shorter than CLA INS P1 P2" <<<'00A400'
script_error "Lc beyond data" 1 "malformed APDU: Lc: command data shorter than Lc" <<<'00A4040C08F06C6962637663'
script_error "short Lc, extended Le" 1 "malformed APDU: Le" <<<'00A4040C01AA0001'
script_error "extended Lc 0" 1 "malformed APDU: Lc" <<<'00A40000000000AA'
script_error "expected too short" 1 "expected answer: needs at least SW1 SW2" <<<'00A40000 => 90'
script_error "expected empty" 1 "expected answer: needs at least SW1 SW2" <<<'00A40000 =>'
script_error "expected not hex" 1 "expected answer: not a hex digit: 'g'" <<<'00A40000 => 9g00'
script_error "expected odd" 1 "expected answer: odd number of hex digits" <<<'00A40000 => 900'
script_error "arrow without APDU" 1 "no APDU before '=>'" <<<' => 9000'
script_error "NUL octet" 1 "NUL octet" < <(printf '00A40000\0\n')

# The failing line is named, and nothing before it is sent: a bad line 6
# gives exit 2 although the reader does not exist.
script_error "error in line 6" 6 "APDU: odd number of hex digits" <<'S'
# a script
00 A4 04 0C 08 F0 6C 69 62 63 76 63 54 => 90 00

00 CA 00 6E 00 => 01 02 03 90 00   # data and SW
reset
00 B0 00 00 1
S

printf '# only a comment\n\n   \n' >"$TMP/empty.apdu"
run "$CVC_APDU" -r "$nosuch" -s "$TMP/empty.apdu"
expect_rc 2 "script without steps"
expect_err "no APDU in the script" "script without steps: message"

run "$CVC_APDU" -r "$nosuch" -s "$TMP/does-not-exist.apdu"
expect_rc 2 "missing script"
expect_err "does-not-exist.apdu: cannot open" "missing script: message"

head -c 2000000 /dev/zero | tr '\0' '0' >"$TMP/huge.apdu"
run "$CVC_APDU" -r "$nosuch" -s "$TMP/huge.apdu"
expect_rc 2 "script over 1 MiB"

# one APDU longer than any command (65546 octets)
{ printf '00DA0000'; head -c $((2 * 65542)) /dev/zero | tr '\0' 'A'; echo; } >"$TMP/long.apdu"
run "$CVC_APDU" -r "$nosuch" --raw -s "$TMP/long.apdu"
expect_rc 2 "APDU over 65545 octets"
expect_err "line 1: APDU: longer than 65545 octets" "APDU over 65545 octets: message"

# Well-formed scripts reach the reader.
script_ok "all four cases, short and extended" <<'S'
00 A4 00 00                             # case 1
00 B0 00 00 00                          # case 2S, Le 256
00 B0 00 00 00 00 00                    # case 2E, Le 65536
00 D6 00 00 01 AA                       # case 3S
00 D6 00 00 00 00 01 AA                 # case 3E
00 88 00 00 01 AA 00                    # case 4S
00 88 00 00 00 00 01 AA 00 00           # case 4E
S
script_ok "separators, case, comments, CR LF" < <(printf '00:a4:04:0c\t08 f06c696263766354 => 90:00\r\n# c\r\n\r\n00CA006E00=>0102039000#x\r\n')
script_ok "wildcards and reset" <<'S'
00 20 00 81 06 31 32 33 34 35 36 => 63 CX
RESET
00 84 00 00 08 => XX XX XX XX XX XX XX XX 90 00
S
script_ok "malformed APDU accepted with --raw" --raw <<<'00A4040C08F06C6962637663'
run_in <(echo '00A40000 => 9000') "$CVC_APDU" -r "$nosuch" -s -
expect_rc 3 "script from standard input"

# The same checks for APDU arguments: "APDU N" instead of "line N".
run "$CVC_APDU" -r "$nosuch" 00A40000 00A4040C08F06C6962637663
expect_rc 2 "malformed second argument"
expect_err "^cvc-apdu: APDU 2: malformed APDU" "malformed second argument: message"
run "$CVC_APDU" -r "$nosuch" '00 a4 04 0c'
expect_rc 3 "argument with spaces"
run "$CVC_APDU" -r "$nosuch" '00A40000 => 6A82'
expect_rc 3 "argument with an expected answer"

finish
