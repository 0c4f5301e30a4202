#!/bin/bash
# SPDX-License-Identifier: MIT
# --crl and --require-crl with the test PKI of tests/data/verify (CVCA ->
# DV -> terminals, revocation lists by the DV and the CVCA; built by
# make-fixtures.py, independently of libcvc).
. "$(dirname "$0")/cvc-verify-lib.sh"

V=$CVC_TEST_DATA/verify
pki=(-t "$V/cvca.cvcert" "$V/dv.cvcert")

# Without a list: valid, revocation skipped; --require-crl: not valid.
run "$CVC_VERIFY" "${pki[@]}" --at 2025-08-01 "$V/terminal1.cvcert"
expect_valid "terminal 1 without a list"
expect_out '^\[skip\] revocation: no revocation list given \(--crl\)$' "revocation skipped"
run "$CVC_VERIFY" "${pki[@]}" --at 2025-08-01 --require-crl "$V/terminal1.cvcert"
expect_invalid "--require-crl without a list" 'revocation list is stale' 'ZZTERMTEST00001'
expect_out '^\[FAIL\] revocation: no revocation list given \(--require-crl\)$' "--require-crl line"
expect_out '^\[ok\]   signature: ZZTERMTEST00001 by ZZDVTEST00001$' "the rest still checked"
json_verdict "--require-crl" false crl_stale revocation ZZTERMTEST00001 "${pki[@]}" --at 2025-08-01 --require-crl "$V/terminal1.cvcert"

# The DV's list revokes terminal 1 from 2025-07-01.
crl=(--crl "$V/dv-revokes-terminal1.crl")
run "$CVC_VERIFY" "${pki[@]}" "${crl[@]}" --at 2025-08-01 "$V/terminal1.cvcert"
expect_invalid "revoked terminal" 'certificate revoked' 'ZZTERMTEST00001'
expect_out '^\[FAIL\] revocation: list by ZZDVTEST00001, this update 2025-06-01, next update 2025-12-31 \(current\), 1 entry: certificate revoked \(ZZTERMTEST00001 revoked on 2025-07-01\)$' "revocation line names issuer, dates and entry"
expect_out '^\[ok\]   dates: ' "other checks passed"
json_verdict "revoked terminal" false revoked revocation ZZTERMTEST00001 "${pki[@]}" "${crl[@]}" --at 2025-08-01 "$V/terminal1.cvcert"
json_check "$OUT" \
	'd["revocation"]["issuer"] == "ZZDVTEST00001"' \
	'd["revocation"]["this_update"] == "2025-06-01" and d["revocation"]["next_update"] == "2025-12-31"' \
	'd["revocation"]["entries"] == 1 and d["revocation"]["stale"] is False' \
	'd["revocation"]["file"].endswith("dv-revokes-terminal1.crl")'
# Before the revocation date it is still valid; another terminal is.
run "$CVC_VERIFY" "${pki[@]}" "${crl[@]}" --at 2025-06-15 "$V/terminal1.cvcert"
expect_valid "terminal 1 before its revocation date"
expect_out '^\[ok\]   revocation: list by ZZDVTEST00001, .*; no certificate of the chain listed$' "list applied"
run "$CVC_VERIFY" "${pki[@]}" "${crl[@]}" --require-crl --at 2025-08-01 "$V/terminal2.cvcert"
expect_valid "terminal 2 is not listed"
run "$CVC_VERIFY" --json "${pki[@]}" "${crl[@]}" --at 2025-08-01 "$V/terminal2.cvcert"
json_check "$OUT" 'd["valid"] is True' 'd["revocation"]["checked"] is True'

# Revoked and expired: the date failure is reported first, the revocation
# is still found when the chain is asked again without dates.
run "$CVC_VERIFY" "${pki[@]}" "${crl[@]}" --at 2026-01-15 "$V/terminal1.cvcert"
expect_invalid "revoked and expired" 'certificate expired' 'ZZTERMTEST00001'
expect_out '^\[FAIL\] revocation: .*certificate revoked' "revocation also reported"

# A stale list (next update 2025-03-31) fails the revocation check.
run "$CVC_VERIFY" "${pki[@]}" --crl "$V/dv-stale.crl" --at 2025-08-01 "$V/terminal2.cvcert"
expect_invalid "stale list" 'revocation list is stale' 'ZZDVTEST00001'
expect_out '^\[FAIL\] revocation: list by ZZDVTEST00001, this update 2025-01-01, next update 2025-03-31 \(stale\), 0 entries' "stale shown"
run "$CVC_VERIFY" --json "${pki[@]}" --crl "$V/dv-stale.crl" --at 2025-08-01 "$V/terminal2.cvcert"
json_check "$OUT" 'd["status"] == "crl_stale"' 'd["revocation"]["stale"] is True'

# The CVCA's list revokes the DV from 2025-09-01: every terminal below it.
run "$CVC_VERIFY" "${pki[@]}" --crl "$V/cvca-revokes-dv.crl" --at 2025-10-01 "$V/terminal2.cvcert"
expect_invalid "revoked DV" 'certificate revoked' 'ZZDVTEST00001'
run "$CVC_VERIFY" "${pki[@]}" --crl "$V/cvca-revokes-dv.crl" --at 2025-08-01 "$V/terminal2.cvcert"
expect_valid "DV before its revocation"

# A list from a CA outside the chain, and one that claims the DV's name
# but is signed with another key.
run "$CVC_VERIFY" "${pki[@]}" --crl "$V/other-issuer.crl" --at 2025-08-01 "$V/terminal1.cvcert"
expect_invalid "list from another CA" 'revocation list issuer not in the chain' 'ZZTERMTEST00001'
json_verdict "list from another CA" false crl_issuer revocation ZZTERMTEST00001 "${pki[@]}" --crl "$V/other-issuer.crl" --at 2025-08-01 "$V/terminal1.cvcert"
run "$CVC_VERIFY" "${pki[@]}" --crl "$V/dv-forged.crl" --at 2025-08-01 "$V/terminal2.cvcert"
expect_invalid "forged list" 'signature does not verify' 'ZZDVTEST00001'
json_verdict "forged list" false signature revocation ZZDVTEST00001 "${pki[@]}" --crl "$V/dv-forged.crl" --at 2025-08-01 "$V/terminal2.cvcert"

# A tampered list no longer verifies; a list that is not one is an input
# error.
flip_byte "$V/dv-revokes-terminal1.crl" "$TMP/tampered.crl" -1
run "$CVC_VERIFY" "${pki[@]}" --crl "$TMP/tampered.crl" --at 2025-08-01 "$V/terminal2.cvcert"
expect_invalid "tampered list" 'signature does not verify' 'ZZDVTEST00001'
run "$CVC_VERIFY" "${pki[@]}" --crl "$V/dv.cvcert" --at 2025-08-01 "$V/terminal2.cvcert"
expect_rc 2 "a certificate as the list"
expect_err "$(re "$V/dv.cvcert"): byte [0-9]+: " "the list is named with an offset"
run "$CVC_VERIFY" --json "${pki[@]}" --crl "$V/dv.cvcert" --at 2025-08-01 "$V/terminal2.cvcert"
json_check "$OUT" 'd["check"] == "crl" and d["error"]["file"].endswith("dv.cvcert")'

finish
