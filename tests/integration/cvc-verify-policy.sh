#!/bin/bash
# SPDX-License-Identifier: MIT
# Chain rules beyond signatures and dates, with the test PKI of
# tests/data/verify: a terminal that signs, a CHAT wider than the DV's, a
# terminal type that changes; and requests whose outer signer or domain
# parameters come from that PKI.
. "$(dirname "$0")/cvc-verify-lib.sh"

V=$CVC_TEST_DATA/verify
pki=(-t "$V/cvca.cvcert" "$V/dv.cvcert" --at 2025-08-01)

# The PKI itself is sound.
run "$CVC_VERIFY" "${pki[@]}" "$V/terminal1.cvcert"
expect_valid "test PKI terminal"
expect_out '^\[ok\]   role: CVCA -> DV \(official domestic\) -> authentication terminal$' "roles"
expect_out '^\[ok\]   chat: effective rights 0000000007 \(AT, authentication terminal\): age verification, municipality ID verification, restricted identification$' "effective rights named"
run "$CVC_VERIFY" --json "${pki[@]}" "$V/terminal1.cvcert"
json_check "$OUT" \
	'd["effective_rights"]["bits"] == "0000000007"' \
	'd["effective_rights"]["names"] == ["age verification", "municipality ID verification", "restricted identification"]' \
	'd["effective_rights"]["widened"] is False'

# A terminal never signs (TR-03110-3 2.3).
run "$CVC_VERIFY" "${pki[@]}" "$V/terminal1.cvcert" "$V/terminal3-by-terminal.cvcert"
expect_invalid "terminal signed by a terminal" 'issuer role may not sign this certificate' 'ZZTERMTEST00003'
expect_out '^\[ok\]   signature: ZZTERMTEST00003 by ZZTERMTEST00001$' "its signature is fine"
expect_out '^\[FAIL\] role: CVCA -> DV \(official domestic\) -> authentication terminal -> authentication terminal: ' "role line shows the path"
json_verdict "terminal signed by a terminal" false role role ZZTERMTEST00003 "${pki[@]}" "$V/terminal1.cvcert" "$V/terminal3-by-terminal.cvcert"

# A CHAT with a right (read DG1) the DV lacks.
run "$CVC_VERIFY" "${pki[@]}" "$V/terminal4-wider-chat.cvcert"
expect_invalid "CHAT wider than the DV's" "authorization exceeds the issuer's" 'ZZTERMTEST00004'
json_verdict "CHAT wider than the DV's" false chat_widened chat ZZTERMTEST00004 "${pki[@]}" "$V/terminal4-wider-chat.cvcert"

# An IS terminal under an AT DV; --allow-type-mix only concerns CVCAs.
run "$CVC_VERIFY" "${pki[@]}" "$V/terminal5-is-type.cvcert"
expect_invalid "IS terminal under an AT DV" 'terminal type differs along the chain' 'ZZTERMTEST00005'
run "$CVC_VERIFY" --allow-type-mix "${pki[@]}" "$V/terminal5-is-type.cvcert"
expect_rc 1 "--allow-type-mix does not cover a DV"

# An authenticated request for a new key of terminal 2, signed with the key
# of its current certificate.
renewal=$V/terminal2-renewal.cvreq
run "$CVC_VERIFY" "${pki[@]}" "$V/terminal2.cvcert" "$renewal"
expect_valid "renewal request"
expect_out '^\[ok\]   outer-signer: ZZTERMTEST00002, certificate 1 of ' "outer signer"
expect_out '^\[ok\]   chain: ZZTERMTEST00002 <- ZZDVTEST00001 <- ZZCVCATEST00001 \(trust anchor\)$' "outer signer's chain"
expect_out '^\[ok\]   outer-signature: ZZTERMTEST00012 by ZZTERMTEST00002$' "outer signature"
# ... but not with terminal 2 expired, or revoked.
run "$CVC_VERIFY" -t "$V/cvca.cvcert" "$V/dv.cvcert" --at 2026-01-15 "$V/terminal2.cvcert" "$renewal"
expect_invalid "renewal signed by an expired terminal" 'certificate expired' 'ZZTERMTEST00002'
run "$CVC_VERIFY" "${pki[@]}" --crl "$V/cvca-revokes-dv.crl" --at 2025-10-01 "$V/terminal2.cvcert" "$renewal"
expect_invalid "renewal below a revoked DV" 'certificate revoked' 'ZZDVTEST00001'
# ... nor with the certificate of another holder of that name: terminal 1
# renamed is not offered, so only the CHR decides; without terminal 2 the
# signer is unknown.
run "$CVC_VERIFY" "${pki[@]}" "$V/terminal1.cvcert" "$renewal"
expect_invalid "renewal without the signer" 'issuer unknown' 'ZZTERMTEST00012'

# A request without EC domain parameters: they come from the CVCA its CAR
# names, found in the trust path.
nodomain=$V/no-domain.cvreq
run "$CVC_VERIFY" -t "$V/cvca.cvcert" "$nodomain"
expect_valid "request without domain parameters"
run "$CVC_VERIFY" "$nodomain"
expect_rc 1 "request without domain parameters and without the CVCA"
expect_out '^\[FAIL\] inner-signature: ZZTERMTEST00006: proof of possession: EC domain parameters missing or unknown$' "domain parameters missing"

finish
