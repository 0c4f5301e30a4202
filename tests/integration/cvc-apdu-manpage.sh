#!/bin/bash
# SPDX-License-Identifier: MIT
# doc/cvc-apdu.1 renders without warnings and documents every option the
# tool's --help lists, the script syntax, the exit codes and the JSON schema.
. "$(dirname "$0")/lib.sh"
: "${CVC_APDU:?CVC_APDU must name the cvc-apdu binary}"

page=$(cd "$(dirname "$0")/../../doc" && pwd)/cvc-apdu.1
if ! command -v groff >/dev/null 2>&1; then
	echo "FAIL: groff not installed (apt-get install groff-base)"
	exit 1
fi

RC=0
groff -man -ww -z -Tutf8 "$page" >"$OUT" 2>"$ERR" || RC=$?
expect_rc 0 "groff renders the page"
expect_err_empty "groff warnings"

RC=0
groff -man -Tascii -P-c -P-b -P-u "$page" >"$OUT" 2>"$ERR" || RC=$?
expect_rc 0 "render as text"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS SCRIPTS 'PIN MASKING' OUTPUT 'EXIT STATUS' EXAMPLES 'SEE ALSO'; do
	expect_out "^$section\$" "section $section"
done
cp "$OUT" "$TMP/page.txt"

run "$CVC_APDU" --help
expect_rc 0 "--help"
grep -Eo -- '--[a-z]+' "$OUT" | sort -u >"$TMP/options"
check
n=$(wc -l <"$TMP/options")
if [ "$n" -ge 10 ]; then pass "--help lists $n long options"; else fail "--help lists only $n long options"; fi
cp "$TMP/page.txt" "$OUT"
while read -r opt; do
	expect_out "$opt" "page documents $opt"
done <"$TMP/options"
expect_out 'libcvc-apdu/1' "page documents the JSON schema name"
for code in 0 1 2 3; do
	expect_out "^       $code      [A-Z]" "page documents exit status $code"
done
expect_out '=> ' "page documents expected answers"
expect_out 'reset' "page documents reset"

# The example script in the page parses (it then fails at the reader).
sed -n '/^# badge.apdu/,/^$/p' "$page" | sed 's/\\-/-/g' >"$TMP/badge.apdu"
check
if [ "$(grep -c '=>' "$TMP/badge.apdu")" -eq 4 ]; then pass "example script extracted"; else fail "example script not found in the page"; fi
run "$CVC_APDU" -r 'pcsc:libcvc test reader that does not exist' -s "$TMP/badge.apdu"
expect_rc 3 "the page's example script parses"

finish
