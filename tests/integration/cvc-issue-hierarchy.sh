#!/bin/bash
# SPDX-License-Identifier: MIT
# cvc-issue builds a whole hierarchy with key files (root -> DV -> terminal
# and badge, a CVCA link rollover and a DV under the new root) and requests;
# every object is checked by cvc-verify at a date inside its validity.
. "$(dirname "$0")/lib.sh"
: "${CVC_ISSUE:?CVC_ISSUE must name the cvc-issue binary}"
: "${CVC_VERIFY:?CVC_VERIFY must name the cvc-verify binary}"
I=$CVC_ISSUE
export CVC_KEY_PASS=test-pass
cd "$TMP" || exit 1
AT=2030-06-01

run "$I" root --chr DEHOSPCVCA00001 --type at --from 2030-01-01 --until 2032-12-31 \
	--key-out cvca.pem --out cvca.cvcert
expect_rc 0 "root"
check
if grep -q 'BEGIN ENCRYPTED PRIVATE KEY' cvca.pem; then pass "root key encrypted"; else fail "root key not encrypted"; fi

run "$I" request --key-out dv.pem --chr DEHOSPDV000001 --car DEHOSPCVCA00001 --out dv.cvreq
expect_rc 0 "DV request"
run "$CVC_VERIFY" dv.cvreq
expect_rc 0 "DV request: proof of possession"
expect_out '^\[ok\]   inner-signature: DEHOSPDV000001' "DV request inner line"

run "$I" dv --issuer-cert cvca.cvcert --issuer-key cvca.pem --request dv.cvreq \
	--rights 'age verification,b1,b2,b5' --from 2030-01-01 --until 2031-06-30 --out dv.cvcert
expect_rc 0 "dv"

run "$I" request --key-out term.pem --chr DETERM0000001 --out term.cvreq
expect_rc 0 "terminal request"
run "$I" issue --issuer-cert dv.cvcert --issuer-key dv.pem --request term.cvreq \
	--rights b0,b1 --from 2030-02-01 --until 2030-12-31 --out term.cvcert
expect_rc 0 "terminal"
run "$CVC_VERIFY" --at $AT -t cvca.cvcert dv.cvcert term.cvcert
expect_rc 0 "terminal chain verifies"
expect_out 'chain: DETERM0000001 <- DEHOSPDV000001 <- DEHOSPCVCA00001' "terminal chain line"

# A badge whose key was generated on the card: only the public point.
openssl ecparam -name brainpoolP256r1 -genkey -noout -out badge-card.pem 2>/dev/null
openssl ec -in badge-card.pem -pubout -conv_form uncompressed -outform DER 2>/dev/null |
	tail -c 65 | od -An -tx1 | tr -d ' \n' >badge.hex
run "$I" issue --issuer-cert dv.cvcert --issuer-key dv.pem --pubkey badge.hex \
	--chr-prefix DEBADGE --rights b0 --from 2030-02-01 --until 2030-12-31 --out badge.cvcert
expect_rc 0 "badge from --pubkey"
run "$CVC_VERIFY" --at $AT -t cvca.cvcert dv.cvcert badge.cvcert
expect_rc 0 "badge chain verifies"
expect_out 'DEBADGE00001' "badge CHR from the state file"
run "$I" issue --issuer-cert dv.cvcert --issuer-key dv.pem --pubkey badge.hex \
	--chr-prefix DEBADGE --rights b0 --from 2030-02-01 --until 2030-12-31 --out badge2.cvcert
expect_rc 0 "second badge"
run "$CVC_VERIFY" --at $AT -t cvca.cvcert dv.cvcert badge2.cvcert
expect_out 'DEBADGE00002' "state file advances the sequence"
check
if grep -q '^DEBADGE=DEBADGE00002$' dv.cvcert.state; then pass "state file"; else fail "state file: $(cat dv.cvcert.state)"; fi

# Rollover: the new CVCA key certified by the old; next sequence automatic.
run "$I" link --old-cert cvca.cvcert --old-key cvca.pem --key-out cvca2.pem \
	--from 2030-06-01 --until 2034-12-31 --out link.cvcert
expect_rc 0 "link"
run "$CVC_VERIFY" --at $AT -t cvca.cvcert link.cvcert
expect_rc 0 "link verifies under the old root"
expect_out 'DEHOSPCVCA00002' "link CHR is the next sequence"
run "$I" request --key-out dv2.pem --chr DEHOSPDV000002 --out dv2.cvreq
run "$I" dv --issuer-cert link.cvcert --issuer-key cvca2.pem --request dv2.cvreq \
	--role foreign --rights b0 --from 2030-07-01 --until 2031-06-30 --out dv2.cvcert
expect_rc 0 "DV under the new root"
run "$CVC_VERIFY" --at 2030-08-01 -t cvca.cvcert link.cvcert dv2.cvcert
expect_rc 0 "DV under the new root verifies through the link"

# RSA: a PSS root and its link keep the scheme and key size.
run "$I" root --chr DERSACVCA00001 --type is --scheme RSA-PSS-SHA-256 --rsa-bits 2048 \
	--from 2030-01-01 --until 2031-12-31 --key-out rsa.pem --out rsa.cvcert
expect_rc 0 "RSA-PSS root"
run "$I" link --old-cert rsa.cvcert --old-key rsa.pem --key-out rsa2.pem \
	--from 2030-02-01 --until 2032-12-31 --out rsalink.cvcert
expect_rc 0 "RSA link"
run "$CVC_VERIFY" --at $AT -t rsa.cvcert rsalink.cvcert
expect_rc 0 "RSA link verifies"
run "$CVC_PRINT" rsalink.cvcert
expect_out 'RSA-PSS-SHA-256' "RSA link keeps the scheme"
expect_out '2048 bits' "RSA link keeps the key size"

# Authenticated request (renewal): outer signature by the current DV key.
run "$I" request --key-out dv3.pem --chr DEHOSPDV000003 --car DEHOSPCVCA00001 \
	--outer-key dv.pem --outer-car DEHOSPDV000001 --out dv3.cvreq
expect_rc 0 "authenticated request"
run "$CVC_VERIFY" --at $AT -t cvca.cvcert dv.cvcert dv3.cvreq
expect_rc 0 "authenticated request verifies (inner and outer)"
expect_out '^\[ok\]   outer-signature: DEHOSPDV000003 by DEHOSPDV000001' "outer signature checked"

# Unencrypted key only on request.
run "$I" request --unencrypted-key --key-out plain.pem --chr DETERM0000009 --out plain.cvreq
expect_rc 0 "--unencrypted-key"
check
if grep -q 'BEGIN PRIVATE KEY' plain.pem; then pass "unencrypted key"; else fail "key not plain"; fi
(unset CVC_KEY_PASS; "$I" request --key-out nopass.pem --chr DETERM0000010 --out nopass.cvreq >"$OUT" 2>"$ERR"; echo $? >rc)
RC=$(cat rc)
expect_rc 2 "no passphrase refused"
check
if [ ! -e nopass.pem ] && [ ! -e nopass.cvreq ]; then pass "no key without passphrase"; else fail "output written"; fi

finish
