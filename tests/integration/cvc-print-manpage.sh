#!/bin/bash
# SPDX-License-Identifier: MIT
# doc/cvc-print.1 renders without warnings and documents every option the
# tool's --help lists, the exit codes and the JSON envelope.
. "$(dirname "$0")/lib.sh"

page=$(cd "$(dirname "$0")/../../doc" && pwd)/cvc-print.1
if ! command -v groff >/dev/null 2>&1; then
	echo "FAIL: groff not installed (apt-get install groff-base)"
	exit 1
fi

# -ww: all warnings; -z: no output, only diagnostics.
RC=0
groff -man -ww -z -Tutf8 "$page" >"$OUT" 2>"$ERR" || RC=$?
expect_rc 0 "groff renders the page"
expect_err_empty "groff warnings"

RC=0
groff -man -Tascii -P-c -P-b -P-u "$page" >"$OUT" 2>"$ERR" || RC=$?
expect_rc 0 "render as text"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS 'INPUT FORMATS' OUTPUT 'EXIT STATUS' EXAMPLES 'SEE ALSO'; do
	expect_out "^$section\$" "section $section"
done
run "$CVC_PRINT" --help
expect_rc 0 "--help"
grep -Eo -- '--[a-z]+' "$OUT" | sort -u >"$TMP/options"
check
n=$(wc -l <"$TMP/options")
if [ "$n" -ge 5 ]; then pass "--help lists $n long options"; else fail "--help lists only $n long options"; fi
groff -man -Tascii -P-c -P-b -P-u "$page" >"$OUT" 2>/dev/null
while read -r opt; do
	expect_out "$opt" "page documents $opt"
done <"$TMP/options"
expect_out 'libcvc-print/1' "page documents the JSON schema name"
expect_out 'json-schema\.md' "page points at the object schema"

finish
