#!/bin/bash
# SPDX-License-Identifier: MIT
# Options: --help, --version, unknown options, "--".
. "$(dirname "$0")/lib.sh"

for opt in --help -h; do
	run "$CVC_PRINT" "$opt"
	expect_rc 0 "$opt"
	expect_err_empty "$opt"
	expect_out '^usage: cvc-print ' "$opt usage line"
	for o in --json --lenient --verbose --version; do
		expect_out "$o" "$opt documents $o"
	done
done

for opt in --version -V; do
	run "$CVC_PRINT" "$opt"
	expect_rc 0 "$opt"
	expect_err_empty "$opt"
	expect_out '^cvc-print \(libcvc\) [0-9]+\.[0-9]+\.[0-9]+$' "$opt prints the library version"
done

run "$CVC_PRINT" --frobnicate
expect_rc 2 "unknown long option"
expect_out_empty "unknown long option"
expect_err "^cvc-print: unknown option: '--frobnicate'$" "unknown long option named"
expect_err '^usage: cvc-print ' "unknown long option shows usage"
expect_err "Try 'cvc-print --help'" "unknown long option points at --help"

run "$CVC_PRINT" -x "$CVC_CORPUS_DIR"
expect_rc 2 "unknown short option"
expect_out_empty "unknown short option prints nothing"
expect_err "^cvc-print: unknown option: '-x'$" "unknown short option named"
expect_err '^usage: cvc-print ' "unknown short option shows usage"

run "$CVC_PRINT" --json=yes
expect_rc 2 "argument to a flag"
expect_err "^cvc-print: option takes no argument: '--json=yes'$" "argument to a flag named"
expect_err '^usage: cvc-print ' "argument to a flag shows usage"

# --verbose prints byte strings in full: the whole 128-byte signature, which
# is the end of the file, appears once white space is removed.
sig=$(tail -c 128 "$CVC_CORPUS_DIR/bsi_tr03110_worked_example/DECVCAAT00001__is-cvca__selfsigned__3e913d67.cvcert" | xxd -p | tr -d '\n')
for opt in --verbose -v; do
	run "$CVC_PRINT" "$opt" "$CVC_CORPUS_DIR/bsi_tr03110_worked_example/DECVCAAT00001__is-cvca__selfsigned__3e913d67.cvcert"
	expect_rc 0 "$opt"
	check
	if tr -d ' \n:' <"$OUT" | tr 'A-F' 'a-f' | grep -q "$sig"; then
		pass "$opt prints the full signature"
	else
		fail "$opt does not print the full signature"
	fi
done
run "$CVC_PRINT" "$CVC_CORPUS_DIR/bsi_tr03110_worked_example/DECVCAAT00001__is-cvca__selfsigned__3e913d67.cvcert"
check
if tr -d ' \n:' <"$OUT" | tr 'A-F' 'a-f' | grep -q "$sig"; then
	fail "default output is not shortened"
else
	pass "default output shortens the signature"
fi

# Output that cannot be written is an error, not a silent exit 0.
cert=$CVC_CORPUS_DIR/bsi_tr03110_worked_example/DECVCAAT00001__is-cvca__selfsigned__3e913d67.cvcert
if [ -w /dev/full ]; then
	"$CVC_PRINT" "$cert" >/dev/full 2>"$ERR"
	RC=$?
	expect_rc 2 "stdout is /dev/full"
	expect_err '^cvc-print: error writing standard output: No space left on device$' "write error reported"
fi

# "--" ends the options: a file called -j is a file.
cp "$cert" "$TMP/-j"
cd "$TMP" || exit 1
run "$CVC_PRINT" -- -j
cd - >/dev/null || exit 1
expect_rc 0 "-- ends options"
expect_out '^== -j ==$' "-- ends options: -j read as a file"

finish
