#!/bin/bash
# SPDX-License-Identifier: MIT
# doc/cvc-verify.1 renders without warnings (tbl included) and documents
# every option --help lists, the exit codes, the reason tokens and the JSON
# members the tool writes.
. "$(dirname "$0")/cvc-verify-lib.sh"

page=$(cd "$(dirname "$0")/../../doc" && pwd)/cvc-verify.1
if ! command -v groff >/dev/null 2>&1; then
	echo "FAIL: groff not installed (apt-get install groff-base)"
	exit 1
fi

RC=0
groff -t -man -ww -z -Tutf8 "$page" >"$OUT" 2>"$ERR" || RC=$?
expect_rc 0 "groff renders the page"
expect_err_empty "groff warnings"
check
if head -n 1 "$page" | grep -q "^'\\\\\" t"; then pass "first line asks man for tbl"; else fail "first line does not ask for tbl"; fi

RC=0
groff -t -man -Tascii -P-c -P-b -P-u "$page" >"$TMP/page.txt" 2>"$ERR" || RC=$?
expect_rc 0 "render as text"
cp "$TMP/page.txt" "$OUT"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS 'TRUST STORE' REVOCATION OUTPUT 'EXIT STATUS' EXAMPLES 'SEE ALSO'; do
	expect_out "^$section\$" "section $section"
done

run "$CVC_VERIFY" --help
grep -Eo -- '--[a-z-]+' "$OUT" | sort -u >"$TMP/options"
check
n=$(wc -l <"$TMP/options")
if [ "$n" -ge 10 ]; then pass "--help lists $n long options"; else fail "--help lists only $n long options"; fi
cp "$TMP/page.txt" "$OUT"
while read -r opt; do
	expect_out "$opt" "page documents $opt"
done <"$TMP/options"
expect_out 'libcvc-verify/1' "page documents the JSON schema name"

# Every member of a real JSON document is documented, and every status
# token the tests meet is in the table of reasons.
cvca=$(corpus de_eid_production 'DECVCAeID00102__at-cvca__selfsigned__*')
dv=$(corpus de_eid_production 'DEDVeIDDTR101401__*')
term=$(corpus de_eid_production 'DE0000049004FN__*')
"$CVC_VERIFY" --json -t "$cvca" --at 2011-12-09 "$dv" "$term" >"$TMP/doc.json"
"$PYTHON" - "$TMP/doc.json" >"$TMP/members" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
names = set(d)
for sub in ("target", "effective_rights", "anchor"):
    names |= set(d[sub] or {})
names |= set(d["chain"][0]) | set(d["checks"][0])
print("\n".join(sorted(names)))
PY
while read -r m; do
	expect_out "\\b$m\\b" "page documents JSON member $m"
done <"$TMP/members"
for token in signature expired not_yet_valid unknown_issuer role chat_widened terminal_type revoked crl_stale; do
	expect_out "^ +$token +" "table of reasons lists $token"
done
for code in 0 1 2; do
	expect_out "^ +$code +" "exit status $code documented"
done

finish
