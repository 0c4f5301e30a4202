#!/bin/bash
# SPDX-License-Identifier: MIT
# A badge office hierarchy with keys in a SoftHSM token (suite hsm): the
# CVCA root key in a file, the DV keys and the new CVCA key of a rollover
# generated inside a private token and used through pkcs11: URIs. The DV's
# request is made with its token key; the DV issues terminals and badges;
# the CVCA rolls over to its token key with a link certificate and a second
# DV is issued under it. Every end entity is verified with cvc-verify (the
# ones under the new root with only the old root as anchor, plus the link)
# and every certificate with OpenPACE's cvc-print. Missing and wrong PINs
# and other token errors give a clear message, exit status 2 and no file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cvc-issue-lib.sh"
require_openpace
hsm_init cvc-office
hsm_keygen EC:brainpoolP256r1 01 dv-key
hsm_keygen EC:brainpoolP256r1 02 cvca2-key
hsm_keygen EC:brainpoolP256r1 03 dv2-key
DV_URI=$(hsm_uri dv-key)
CVCA2_URI=$(hsm_uri cvca2-key)
DV2_URI=$(hsm_uri dv2-key)
export CVC_KEY_PASS=test-pass
cd "$TMP" || exit 1
mkdir out

# ------------------------------------------------------------------
# The hierarchy. OpenPACE checks dates against the clock: validity starts
# today, and cvc-verify checks today too.

run "$I" root --chr DEHOSPCVCA00001 --type at --days 400 --key-out cvca.pem --out cvca.cvcert
expect_rc 0 "root (key file)"

# The DV's request, signed inside the token (PIN as an option).
run "$I" request --key "$DV_URI" --pin "$P11_PIN" --chr DEHOSPDV000001 \
	--car DEHOSPCVCA00001 --out dv.cvreq
expect_rc 0 "DV request with the token key"
run "$V" dv.cvreq
expect_rc 0 "DV request: proof of possession"
expect_out '^\[ok\]   inner-signature: DEHOSPDV000001' "DV request inner signature"
run "$CVC_PRINT" --json dv.cvreq
check
if [ "$(json_field "$OUT" 'd["objects"][0]["object"]["public_key"]["components"]["Y"]')" = "$(hsm_point 01)" ]; then
	pass "the request carries the token's public key"
else
	fail "request key is not the token key"
fi

run "$I" dv --issuer-cert cvca.cvcert --issuer-key cvca.pem --request dv.cvreq \
	--rights b0,b1,b2,b5 --days 300 --out dv.cvcert
expect_rc 0 "DV certificate by the root"

# Terminals and badges, signed by the DV key in the token (PIN from the
# environment this time).
export CVC_PKCS11_PIN=$P11_PIN
run "$I" request --key-out term.pem --chr DETERM0000001 --out term.cvreq
expect_rc 0 "terminal request"
run "$I" issue --issuer-cert dv.cvcert --issuer-key "$DV_URI" --request term.cvreq \
	--rights b0,b1 --days 60 --out term.cvcert
expect_rc 0 "terminal by the token DV key"

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:brainpoolP256r1 -out badge1.key 2>/dev/null
openssl pkey -in badge1.key -pubout -out badge1.pub.pem
run "$I" issue --issuer-cert dv.cvcert --issuer-key "$DV_URI" --pubkey badge1.pub.pem \
	--chr-prefix DEBADGE --rights b0 --days 60 --out badge1.cvcert --json
expect_rc 0 "badge from a PEM public key by the token DV key"
json_check "$OUT" 'd["schema"] == "libcvc-issue/1"' \
	'd["object"]["chr"]["text"] == "DEBADGE00001"' \
	'd["object"]["car"]["text"] == "DEHOSPDV000001"' \
	'[f["content"] for f in d["files"]] == ["certificate", "state"]'
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:brainpoolP256r1 -out badge2.key 2>/dev/null
openssl pkey -in badge2.key -pubout -outform DER | tail -c 65 | od -An -v -tx1 | tr -d ' \n' >badge2.hex
run "$I" issue --issuer-cert dv.cvcert --issuer-key "$DV_URI" --pubkey badge2.hex \
	--chr-prefix DEBADGE --rights b0 --days 60 --out badge2.cvcert
expect_rc 0 "badge from a raw point by the token DV key"

for ee in term badge1 badge2; do
	run "$V" -t cvca.cvcert dv.cvcert $ee.cvcert
	expect_rc 0 "$ee verifies"
	expect_out "^VALID" "$ee VALID"
done
run "$V" -t cvca.cvcert dv.cvcert badge2.cvcert
expect_out 'chain: DEBADGE00002 <- DEHOSPDV000001 <- DEHOSPCVCA00001 \(trust anchor\)' \
	"badge 2 chain and state-file CHR"

# Rollover: the new CVCA key is made in the token; the old key file signs.
run "$I" link --old-cert cvca.cvcert --old-key cvca.pem --new-key "$CVCA2_URI" \
	--days 700 --out link.cvcert
expect_rc 0 "link certificate to the token key"
run "$V" -t cvca.cvcert link.cvcert
expect_rc 0 "link verifies under the old root"
expect_out 'chain: DEHOSPCVCA00002 <- DEHOSPCVCA00001' "link CHR is the next sequence"

run "$I" request --key "$DV2_URI" --chr DEHOSPDV000002 --car DEHOSPCVCA00002 --out dv2.cvreq
expect_rc 0 "second DV request with its token key"
run "$I" dv --issuer-cert link.cvcert --issuer-key "$CVCA2_URI" --request dv2.cvreq \
	--rights b0,b1 --days 300 --out dv2.cvcert
expect_rc 0 "DV by the new CVCA key in the token"
run "$I" request --key-out term2.pem --chr DETERM0000002 --out term2.cvreq
run "$I" issue --issuer-cert dv2.cvcert --issuer-key "$DV2_URI" --request term2.cvreq \
	--rights b1 --days 60 --out term2.cvcert
expect_rc 0 "terminal under the new root"

# Across the link: only the old root is trusted.
run "$V" -t cvca.cvcert link.cvcert dv2.cvcert term2.cvcert
expect_rc 0 "new terminal verifies with the old root as anchor and the link"
expect_out 'chain: DETERM0000002 <- DEHOSPDV000002 <- DEHOSPCVCA00002 <- DEHOSPCVCA00001 \(trust anchor\)' \
	"chain runs through the link"
run "$V" -t cvca.cvcert dv2.cvcert term2.cvcert
expect_rc 1 "without the link the new terminal does not verify"

# OpenPACE verifies the same certificates, each against its issuer.
op_verify "root" cvca.cvcert cvca.cvcert
op_verify "DV" dv.cvcert cvca.cvcert
op_verify "terminal" term.cvcert dv.cvcert cvca.cvcert
op_verify "badge 1" badge1.cvcert dv.cvcert cvca.cvcert
op_verify "badge 2" badge2.cvcert dv.cvcert cvca.cvcert
op_verify "link" link.cvcert cvca.cvcert
op_verify "DV under the new root" dv2.cvcert link.cvcert
op_verify "terminal under the new root" term2.cvcert dv2.cvcert link.cvcert
run "$OP_PRINT" -r dv.cvreq
expect_out '^ *certificate request verified' "OpenPACE verifies the token-signed request"
flip_last term2.cvcert bad.cvcert
op_refuse "tampered terminal" bad.cvcert dv2.cvcert link.cvcert
flip_last dv.cvcert bad-dv.cvcert
op_refuse "terminal under a tampered DV" term.cvcert bad-dv.cvcert cvca.cvcert

# ------------------------------------------------------------------
# Token errors: a clear message, exit 2, nothing written.
listing out >before

issue_term() { # extra options for an issue into out/
	run "$I" issue --issuer-cert dv.cvcert --request term.cvreq --rights b0 \
		--days 30 --out out/x.cvcert "$@"
}

unset CVC_PKCS11_PIN
issue_term --issuer-key "$DV_URI"
expect_rc 2 "missing PIN"
expect_err 'PIN required: give --pin, \$CVC_PKCS11_PIN or pin-value' "missing PIN message"
expect_err "object=dv-key" "missing PIN message names the key"
expect_unchanged out before "missing PIN"

issue_term --issuer-key "$DV_URI" --pin 000000
expect_rc 2 "wrong PIN"
expect_err 'PKCS#11 login failed: PIN incorrect' "wrong PIN message"
expect_unchanged out before "wrong PIN"

issue_term --issuer-key "$DV_URI;pin-value=999999"
expect_rc 2 "wrong PIN in the URI"
expect_err 'pin-value=\*\*\*' "the URI's PIN is masked"
check
if grep -q 999999 "$ERR"; then fail "the PIN was shown"; else pass "the PIN is not shown"; fi
expect_unchanged out before "wrong PIN in the URI"

issue_term --issuer-key "$(hsm_uri no-such-key)" --pin "$P11_PIN"
expect_rc 2 "unknown key"
expect_err 'no such token or private key' "unknown key message"
expect_unchanged out before "unknown key"

(
	unset PKCS11_MODULE_PATH
	issue_term --issuer-key "$DV_URI" --pin "$P11_PIN"
	echo "$RC" >rc
)
RC=$(cat rc)
rm -f rc
expect_rc 2 "no module"
expect_err 'no PKCS#11 module: set \$PKCS11_MODULE_PATH' "no module message"
expect_unchanged out before "no module"

# The second DV's token key is not the first DV's: policy refusal.
issue_term --issuer-key "$DV2_URI" --pin "$P11_PIN"
expect_rc 1 "token key of another DV"
expect_err 'does not match the issuer certificate' "wrong issuer key message"
expect_unchanged out before "token key of another DV"

# A request made with a missing PIN writes nothing either.
run "$I" request --key "$DV_URI" --chr DEHOSPDV000009 --out out/x.cvreq
expect_rc 2 "request without PIN"
expect_unchanged out before "request without PIN"

# And the token still works afterwards with the right PIN.
issue_term --issuer-key "$DV_URI" --pin "$P11_PIN"
expect_rc 0 "right PIN after the failures"
run "$V" -t cvca.cvcert dv.cvcert out/x.cvcert
expect_rc 0 "and the certificate verifies"

finish
