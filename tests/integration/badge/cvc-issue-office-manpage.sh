#!/bin/bash
# SPDX-License-Identifier: MIT
# doc/cvc-issue.1 documents the badge office verbs: it renders without
# warnings, has a paragraph per verb, names every option that
# `cvc-issue personalize --help` lists, the records file, the secrets'
# environment variables, exit status 3 and what happens when a badge
# leaves the reader. The help itself works for every office verb.
. "$(dirname "$0")/../lib.sh"
: "${CVC_ISSUE:?CVC_ISSUE must name the cvc-issue binary}"

page=$(cd "$(dirname "$0")/../../../doc" && pwd)/cvc-issue.1

RC=0
groff -man -ww -z -Tutf8 "$page" >"$OUT" 2>"$ERR" || RC=$?
expect_rc 0 "groff renders the page"
expect_err_empty "groff warnings"

RC=0
# no hyphenation, so words can be looked for across line ends
groff -man -rHY=0 -Tascii -P-c -P-b -P-u "$page" >"$OUT" 2>"$ERR" || RC=$?
expect_rc 0 "render as text"
cp "$OUT" "$TMP/page.txt"
for section in 'BADGE OFFICE VERBS' 'ENVIRONMENT' 'EXIT STATUS' 'FILES'; do
	expect_out "^$section\$" "section $section"
done
verbs="personalize confirm renew terminate revoke report"
for verb in $verbs; do
	expect_out "^       $verb( |\$)" "paragraph for $verb"
done
for verb in $verbs; do
	run "$CVC_ISSUE" "$verb" --help
	expect_rc 0 "$verb --help"
	expect_out 'personalize -r SPEC' "$verb --help shows the office synopsis"
done

run "$CVC_ISSUE" personalize --help
grep -Eo -- '--[a-z][a-z-]*' "$OUT" | sort -u >"$TMP/options"
check
n=$(wc -l <"$TMP/options")
if [ "$n" -ge 25 ]; then pass "--help lists $n long options"; else fail "--help lists only $n long options"; fi
cp "$TMP/page.txt" "$OUT"
while read -r opt; do
	expect_out "$opt" "page documents $opt"
done <"$TMP/options"
tr -s ' \n' '  ' <"$TMP/page.txt" >"$OUT" # one line: phrases across ends
for word in 'ISSUER-CERT.issued' CVC_BADGE_PIN CVC_KEY_PASS CVC_PKCS11_PIN \
	unconfirmed 'cvc-issue confirm' 'When the badge leaves the reader' \
	'never reused' '3 reader or card error'; do
	expect_out "$word" "page mentions $word"
done

# The top-level help names the office verbs.
run "$CVC_ISSUE" --help
expect_rc 0 "cvc-issue --help"
expect_out 'personalize, confirm, renew, terminate, revoke, report' "top-level help lists the office verbs"
run "$CVC_ISSUE" personalize --version
expect_rc 0 "personalize --version"
expect_out '^cvc-issue \(libcvc\) ' "version line"

finish
