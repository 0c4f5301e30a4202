#!/bin/bash
# SPDX-License-Identifier: MIT
# Malformed inputs (tests/data/bad, see its README) and unreadable files:
# each gives exit 2 and a message naming the file and, where there is one,
# the byte offset and field.
. "$(dirname "$0")/lib.sh"

# bad NAME OFFSET ERE: exit 2, nothing on stdout, one message on stderr
# "cvc-print: FILE: byte OFFSET: ..." that also matches ERE.
bad() {
	local f=$BAD/$1
	run "$CVC_PRINT" "$f"
	expect_rc 2 "$1"
	expect_out_empty "$1"
	expect_err "^cvc-print: $(re "$f"): byte $2: " "$1 names file and offset"
	expect_err "$3" "$1 says why"
}

bad truncated.cvcert '[0-9]+' 'truncated'
bad overlong-length.cvcert '11[46]' 'CHR.*(invalid length|truncated)'
bad wrong-outer-tag.cvcert 0 'unexpected tag'
bad nonminimal-length.cvcert '11[46]' 'CHR.*shortest.*--lenient'
bad duplicate-chr.cvcert 131 'CHR.*(duplicate|unexpected)'
bad garbage.bin 0 'neither DER, hex nor base64'

# Non-minimal length: accepted with --lenient, with a warning naming the
# file, and printed as the DER original prints.
src=$CVC_CORPUS_DIR/de_eid_production/DE0000071005KA__at-terminal__by_DEDVeIDDTR101401__5cf22a97.cvcert
for opt in --lenient -l; do
	run "$CVC_PRINT" "$opt" "$BAD/nonminimal-length.cvcert"
	expect_rc 0 "$opt nonminimal-length"
	expect_err "^cvc-print: $(re "$BAD/nonminimal-length.cvcert"): warning: .*non-minimal" "$opt warns"
	expect_out 'DE0000071005KA' "$opt prints the holder"
	expect_out 'non-minimal' "$opt output says the encoding is not DER"
done
# Apart from that remark, it prints as the DER original does.
strip_headers "$OUT" | grep -v 'non-minimal' >"$TMP/lenient.txt"
run "$CVC_PRINT" "$src"
strip_headers "$OUT" >"$TMP/src.txt"
expect_same "$TMP/src.txt" "$TMP/lenient.txt" "lenient print equals the DER original"
run "$CVC_PRINT" --lenient --json "$BAD/nonminimal-length.cvcert"
expect_rc 0 "--lenient --json"
json_check "$OUT" 'd["objects"][0]["nonminimal"] is True'
run "$CVC_PRINT" --lenient "$src"
expect_rc 0 "--lenient on a DER file"
expect_err_empty "--lenient on a DER file warns nothing"

# The corpus itself has a real non-minimal length (7F21 82 00E7).
real=$CVC_CORPUS_DIR/de_eid_production/DEDVeIDDTR101201__at-dv-nonofficial__by_DECVCAeID00102__0a144f77.cvcert
run "$CVC_PRINT" "$real"
expect_rc 2 "real non-minimal, strict"
expect_err "^cvc-print: $(re "$real"): byte 0: .*--lenient" "strict hints at --lenient"
run "$CVC_PRINT" --lenient "$real"
expect_rc 0 "real non-minimal, --lenient"
expect_err "$(re "$real"): warning: .*non-minimal" "real non-minimal warns"
expect_out 'DEDVeIDDTR101201' "real non-minimal printed"

# Padding after a valid object: object 1 printed, object 2 fails at 333.
run "$CVC_PRINT" "$BAD/trailing-zeros.cvcert"
expect_rc 2 "trailing zeros"
expect_out 'DE0000071005KA' "object before the padding printed"
expect_out '\(object 1\) ==$' "header counts no total when the file fails"
expect_err "^cvc-print: $(re "$BAD/trailing-zeros.cvcert"): object 2: byte 333: " "names object 2 and byte 333"

# Empty file.
: >"$TMP/empty.cvcert"
run "$CVC_PRINT" "$TMP/empty.cvcert"
expect_rc 2 "empty file"
expect_out_empty "empty file"
expect_err "^cvc-print: $(re "$TMP/empty.cvcert"): byte 0: input: empty" "empty file message"

# Empty standard input.
run_in /dev/null "$CVC_PRINT"
expect_rc 2 "empty stdin"
expect_err "^cvc-print: <stdin>: byte 0: input: empty" "empty stdin message"

# Nonexistent file: no offset to give, the system's reason instead.
run "$CVC_PRINT" "$TMP/does-not-exist.cvcert"
expect_rc 2 "nonexistent file"
expect_err "^cvc-print: $(re "$TMP/does-not-exist.cvcert"): cannot open: No such file or directory$" "nonexistent file message"

# A directory.
run "$CVC_PRINT" "$TMP"
expect_rc 2 "directory"
expect_err "^cvc-print: $(re "$TMP"): read error: Is a directory$" "directory message"

# Too large: one octet over the 1 MiB limit is refused before decoding;
# exactly 1 MiB is read (and then refused as garbage).
head -c 1048577 /dev/zero >"$TMP/large.bin"
run "$CVC_PRINT" "$TMP/large.bin"
expect_rc 2 "too large file"
expect_err "^cvc-print: $(re "$TMP/large.bin"): byte 1048576: input: larger than the limit of 1048576 bytes" "too large message"
run_in "$TMP/large.bin" "$CVC_PRINT" -
expect_rc 2 "too large stdin"
expect_err "^cvc-print: <stdin>: byte 1048576: input: larger than the limit" "too large stdin message"
head -c 1048576 /dev/zero >"$TMP/limit.bin"
run "$CVC_PRINT" "$TMP/limit.bin"
expect_rc 2 "file at the limit"
expect_err "$(re "$TMP/limit.bin"): byte 0: input: input is neither DER, hex nor base64" "file at the limit is read"

# One bad file does not stop the others; the exit status still says 2.
good=$CVC_CORPUS_DIR/bsi_tr03110_worked_example/DECVCAAT00001__is-cvca__selfsigned__3e913d67.cvcert
run "$CVC_PRINT" "$good" "$BAD/truncated.cvcert" "$TMP/does-not-exist.cvcert" "$good"
expect_rc 2 "mixed good and bad"
check
n=$(count_matches '^== .* ==$' "$OUT")
if [ "$n" -eq 2 ]; then pass "both good files printed"; else fail "expected 2 headers, got $n"; fi
check
n=$(count_matches '^cvc-print: ' "$ERR")
if [ "$n" -eq 2 ]; then pass "two error lines"; else fail "expected 2 error lines, got $n"; fi

finish
