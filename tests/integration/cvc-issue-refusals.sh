#!/bin/bash
# SPDX-License-Identifier: MIT
# cvc-issue refuses bad input with a clear message, a non-zero exit and no
# output file.
. "$(dirname "$0")/lib.sh"
: "${CVC_ISSUE:?CVC_ISSUE must name the cvc-issue binary}"
I=$CVC_ISSUE
export CVC_KEY_PASS=test-pass
cd "$TMP" || exit 1

no_file() {
	check
	if [ ! -e "$1" ]; then pass "$2: no $1"; else fail "$2: $1 was written"; fi
}

"$I" root --chr DEHOSPCVCA00001 --type at --from 2030-01-01 --until 2031-12-31 \
	--key-out cvca.pem --out cvca.cvcert || exit 1
"$I" root --chr DEOTHRCVCA00001 --type at --days 100 --key-out other.pem --out other.cvcert || exit 1
"$I" request --key-out dv.pem --chr DEHOSPDV000001 --out dv.cvreq || exit 1
"$I" dv --issuer-cert cvca.cvcert --issuer-key cvca.pem --request dv.cvreq \
	--rights b0,b1 --from 2030-01-01 --until 2030-12-31 --out dv.cvcert || exit 1
"$I" request --key-out t.pem --chr DETERM0000001 --out t.cvreq || exit 1

run "$I" dv --issuer-cert cvca.cvcert --issuer-key other.pem --request dv.cvreq \
	--from 2030-01-01 --until 2030-12-31 --out x1.cvcert
expect_rc 1 "wrong issuer key"
expect_err 'does not match the issuer certificate' "wrong issuer key message"
no_file x1.cvcert "wrong issuer key"

run "$I" issue --issuer-cert dv.cvcert --issuer-key dv.pem --request t.cvreq \
	--from 2031-02-01 --until 2031-03-01 --out x2.cvcert
expect_rc 1 "expired issuer"
expect_err 'expired' "expired issuer message"
no_file x2.cvcert "expired issuer"

run "$I" issue --issuer-cert dv.cvcert --issuer-key dv.pem --request t.cvreq \
	--from 2030-02-01 --until 2031-03-01 --out x3.cvcert
expect_rc 1 "past the DV's expiry"
expect_err 'past its own expiration' "DV expiry message"
no_file x3.cvcert "past the DV's expiry"

run "$I" issue --issuer-cert dv.cvcert --issuer-key dv.pem --request t.cvreq \
	--rights b0,b4 --from 2030-02-01 --until 2030-03-01 --out x4.cvcert
expect_rc 1 "rights exceeding the issuer"
expect_err 'rights exceed' "rights message"
no_file x4.cvcert "rights exceeding the issuer"

head -c 20 t.cvreq >bad.cvreq
run "$I" issue --issuer-cert dv.cvcert --issuer-key dv.pem --request bad.cvreq \
	--from 2030-02-01 --until 2030-03-01 --out x5.cvcert
expect_rc 2 "malformed request"
expect_err 'not a valid request' "malformed request message"
no_file x5.cvcert "malformed request"

# tampered request: proof of possession fails
cp t.cvreq tampered.cvreq
printf '\x00' | dd of=tampered.cvreq bs=1 seek=$(($(stat -c %s t.cvreq) - 1)) conv=notrunc 2>/dev/null
run "$I" issue --issuer-cert dv.cvcert --issuer-key dv.pem --request tampered.cvreq \
	--from 2030-02-01 --until 2030-03-01 --out x6.cvcert
expect_rc 1 "tampered request"
expect_err 'proof of possession' "tampered request message"
no_file x6.cvcert "tampered request"

# roles: a DV may not issue a DV, a CVCA may not issue a terminal
run "$I" dv --issuer-cert dv.cvcert --issuer-key dv.pem --request t.cvreq \
	--from 2030-02-01 --until 2030-03-01 --out x7.cvcert
expect_rc 1 "DV issuing a DV"
expect_err 'role' "role message"
no_file x7.cvcert "DV issuing a DV"
run "$I" issue --issuer-cert cvca.cvcert --issuer-key cvca.pem --request t.cvreq \
	--from 2030-02-01 --until 2030-03-01 --out x8.cvcert
expect_rc 1 "CVCA issuing a terminal"
no_file x8.cvcert "CVCA issuing a terminal"

run "$I" root --chr BAD --type at --days 10 --key-out k.pem --out x9.cvcert
expect_rc 2 "invalid CHR"
no_file x9.cvcert "invalid CHR"
no_file k.pem "invalid CHR key"

run "$I" frobnicate
expect_rc 2 "unknown verb"
run "$I" --help
expect_rc 0 "--help"
expect_out 'usage: cvc-issue' "--help text"
run "$I" --version
expect_rc 0 "--version"

finish
