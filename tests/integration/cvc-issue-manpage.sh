#!/bin/bash
# SPDX-License-Identifier: MIT
# doc/cvc-issue.1 renders without warnings and documents every verb and
# every option that cvc-issue's --help (and each verb's --help) lists, the
# exit codes, PKCS#11 keys and the JSON report.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cvc-issue-lib.sh"
require groff

page=$(cd "$(dirname "$0")/../../doc" && pwd)/cvc-issue.1

# -ww: all warnings; -z: no output, only diagnostics.
RC=0
groff -man -ww -z -Tutf8 "$page" >"$OUT" 2>"$ERR" || RC=$?
expect_rc 0 "groff renders the page"
expect_err_empty "groff warnings"

RC=0
groff -man -Tascii -P-c -P-b -P-u "$page" >"$TMP/page" 2>"$ERR" || RC=$?
expect_rc 0 "render as text"
cp "$TMP/page" "$OUT"
for section in NAME SYNOPSIS DESCRIPTION VERBS OPTIONS FILES 'PKCS#11 KEYS' \
	'JSON OUTPUT' 'EXIT STATUS' EXAMPLES 'SEE ALSO'; do
	expect_out "^$section\$" "section $section"
done

# Verbs: each named in --help is a tagged paragraph of the page.
run "$I" --help
expect_rc 0 "--help"
cp "$OUT" "$TMP/help"
sed -n '/^Verbs:/,/^Options:/p' "$TMP/help" | grep -Eo '^  [a-z]+(, [a-z]+)*' |
	tr ',' '\n' | tr -d ' ' | sort -u >"$TMP/verbs"
check
n=$(wc -l <"$TMP/verbs")
if [ "$n" -ge 5 ]; then pass "--help lists $n verbs"; else fail "--help lists only $n verbs"; fi
cp "$TMP/page" "$OUT"
while read -r verb; do
	expect_out "^       $verb( |\$)" "page documents the verb $verb"
done <"$TMP/verbs"

# Options: every long option of --help and of each verb's --help.
{
	grep -Eo -- '--[a-z][a-z0-9-]*' "$TMP/help"
	while read -r verb; do
		"$I" "$verb" --help 2>/dev/null | grep -Eo -- '--[a-z][a-z0-9-]*'
	done <"$TMP/verbs"
} | sort -u >"$TMP/options"
check
n=$(wc -l <"$TMP/options")
if [ "$n" -ge 25 ]; then pass "--help lists $n long options"; else fail "--help lists only $n long options"; fi
while read -r opt; do
	expect_out "$(re "$opt")([^a-z-]|\$)" "page documents $opt"
done <"$TMP/options"
for short in -h -V -j; do
	expect_out "(^|[ ,])$short([ ,]|\$)" "page documents $short"
done

# The contract items the tests rely on.
expect_out 'libcvc-issue/1' "page names the JSON schema"
expect_out 'SubjectPublicKeyInfo' "page documents PEM/DER public keys"
expect_out 'CVC_PKCS11_PIN' "page documents the PIN variable"
expect_out 'PKCS11_MODULE_PATH' "page documents the module variable"
expect_out 'never replaced|never replaces|never is' "page says a key file is never replaced"
expect_out '^       0 success' "page lists exit status 0"
for code in 1 2; do
	expect_out "(^|[ ;])$code (refused|usage)" "page explains exit status $code"
done

finish
