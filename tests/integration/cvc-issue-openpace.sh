#!/bin/bash
# SPDX-License-Identifier: MIT
# Interoperability: OpenPACE's cvc-print (Debian openpace, /usr/bin) verifies
# a chain and a request made by cvc-issue. OpenPACE checks dates against the
# system clock, so validity starts today; it exits 0 either way, so the
# "verified" line is what is checked (standards.md "Interoperating with
# OpenPACE").
. "$(dirname "$0")/lib.sh"
: "${CVC_ISSUE:?CVC_ISSUE must name the cvc-issue binary}"
OP=/usr/bin/cvc-print
if ! "$OP" --help 2>/dev/null | grep -q -- '--cvc-dir'; then
	echo "OpenPACE cvc-print not installed: skipping"
	exit 77
fi
I=$CVC_ISSUE
export CVC_KEY_PASS=test-pass
cd "$TMP" || exit 1
mkdir trust

run "$I" root --chr DEHOSPCVCA00001 --type at --days 365 --key-out cvca.pem --out trust/DEHOSPCVCA00001
expect_rc 0 "root"
run "$I" request --key-out dv.pem --chr DEHOSPDV000001 --car DEHOSPCVCA00001 --out dv.cvreq
expect_rc 0 "DV request"
run "$OP" -r dv.cvreq
expect_out '^ *certificate request verified' "OpenPACE verifies the request"
run "$I" dv --issuer-cert trust/DEHOSPCVCA00001 --issuer-key cvca.pem --request dv.cvreq \
	--rights b0,b1,b2 --days 100 --out trust/DEHOSPDV000001
expect_rc 0 "dv"
run "$I" request --key-out t.pem --chr DETERM0000001 --out t.cvreq
run "$I" issue --issuer-cert trust/DEHOSPDV000001 --issuer-key dv.pem --request t.cvreq \
	--rights b0 --days 30 --out term.cvcert
expect_rc 0 "terminal"
run "$OP" --cvc-dir trust -c term.cvcert
expect_out '^certificate verified' "OpenPACE verifies the terminal chain"
expect_out 'CHR: DETERM0000001' "OpenPACE reads the CHR"

# a tampered certificate is refused by OpenPACE too
cp term.cvcert bad.cvcert
printf '\x00' | dd of=bad.cvcert bs=1 seek=$(($(stat -c %s bad.cvcert) - 1)) conv=notrunc 2>/dev/null
run "$OP" --cvc-dir trust -c bad.cvcert
expect_out '^certificate not verified' "OpenPACE refuses a tampered signature"

finish
