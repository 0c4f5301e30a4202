#!/bin/bash
# SPDX-License-Identifier: MIT
# Interoperability with OpenPACE (Debian openpace 1.1.2: /usr/bin/cvc-create
# and /usr/bin/cvc-print), for ECDSA-SHA-256 on brainpoolP256r1 and on P-256,
# RSA-v1-5-SHA-256 and RSA-PSS-SHA-256 (RSA-2048):
#
# (a) OpenPACE's cvc-create builds CVCA -> DV -> terminal and a CVCA link ->
#     DV -> terminal; libcvc's cvc-print decodes every certificate and
#     cvc-verify verifies both chains (VALID); one flipped signature octet
#     makes them INVALID. cvc-create cannot make requests (it has no such
#     mode, only --csr to issue from one), so requests are checked the other
#     way: cvc-create issues a certificate from a cvc-issue request (EC, see
#     below) and cvc-verify verifies it. cvc-issue also issues a badge with
#     OpenPACE's DV certificate and its DER key.
# (b) cvc-issue builds root -> DV -> terminal and badge, a link -> DV ->
#     terminal, and requests; OpenPACE's cvc-print prints and verifies each
#     (it exits 0 either way, so its "verified" line is asserted).
#
# OpenPACE checks dates against the system clock: validity starts today.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cvc-issue-lib.sh"
require_openpace
require openssl
export CVC_KEY_PASS=test-pass
EXP=$(yymmdd '+300 days')
EXP_LINK=$(yymmdd '+700 days')

# keygen SCHEME FILE [FORMAT]: a new private key for the scheme (PKCS#8,
# DER unless FORMAT says PEM): what cvc-create reads
keygen() {
	local fmt=${3:-DER}
	case $1 in
	bp256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:brainpoolP256r1 \
		-outform "$fmt" -out "$2" 2>/dev/null ;;
	p256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		-outform "$fmt" -out "$2" 2>/dev/null ;;
	*) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
		-outform "$fmt" -out "$2" 2>/dev/null ;;
	esac
}

# ------------------------------------------------------------------
# (a) OpenPACE makes, libcvc reads and verifies

# op_create OPENPACE-SCHEME ARGS...: runs cvc-create for an AT certificate
# with the restricted-identification and age-verification rights
op_create() {
	local scheme=$1
	shift
	run "$OP_CREATE" --scheme="$scheme" --rid --verify-age "$@"
}

openpace_makes() { # name openpace-scheme libcvc-algorithm cvc-issue-options...
	local s=$1 ops=$2 alg=$3
	shift 3
	mkdir "$TMP/$s-op"
	cd "$TMP/$s-op" || exit 1
	keygen "$s" cvca.pk8
	op_create "$ops" --role=cvca --type=at --chr=DEOPCVCA00001 --expires="$EXP" \
		--sign-with=cvca.pk8 --out-cert=cvca.cvcert
	expect_rc 0 "$s: cvc-create CVCA"
	op_create "$ops" --role=dv_domestic --chr=DEOPDV00001 --expires="$EXP" \
		--sign-with=cvca.pk8 --sign-as=cvca.cvcert --out-cert=dv.cvcert --out-key=dv.pk8
	expect_rc 0 "$s: cvc-create DV"
	op_create "$ops" --role=terminal --chr=DEOPTERM00001 --expires="$EXP" \
		--sign-with=dv.pk8 --sign-as=dv.cvcert --out-cert=term.cvcert --out-key=term.pk8
	expect_rc 0 "$s: cvc-create terminal"
	keygen "$s" cvca2.pk8
	op_create "$ops" --role=cvca --chr=DEOPCVCA00002 --expires="$EXP_LINK" \
		--sign-with=cvca.pk8 --sign-as=cvca.cvcert --key=cvca2.pk8 --out-cert=link.cvcert
	expect_rc 0 "$s: cvc-create link"
	op_create "$ops" --role=dv_domestic --chr=DEOPDV00002 --expires="$EXP" \
		--sign-with=cvca2.pk8 --sign-as=link.cvcert --out-cert=dv2.cvcert --out-key=dv2.pk8
	expect_rc 0 "$s: cvc-create DV under the link"
	op_create "$ops" --role=terminal --chr=DEOPTERM00002 --expires="$EXP" \
		--sign-with=dv2.pk8 --sign-as=dv2.cvcert --out-cert=term2.cvcert --out-key=term2.pk8
	expect_rc 0 "$s: cvc-create terminal under the link"

	# libcvc decodes what OpenPACE wrote
	for c in cvca dv term link dv2 term2; do
		run "$CVC_PRINT" $c.cvcert
		expect_rc 0 "$s: cvc-print decodes OpenPACE's $c"
		expect_out "algorithm: +$alg " "$s: $c algorithm"
	done
	run "$CVC_PRINT" cvca.cvcert
	case $s in
	bp256) expect_out 'curve: +brainpoolP256r1' "$s: CVCA curve named" ;;
	p256) expect_out 'curve: +P-256' "$s: CVCA curve named" ;;
	*) expect_out 'size: +2048 bits' "$s: CVCA key size" ;;
	esac
	run "$CVC_PRINT" term.cvcert
	expect_out 'CHR: +DEOPTERM00001' "$s: terminal CHR"
	expect_out 'age verification' "$s: terminal rights"

	# and verifies both chains
	run "$V" -t cvca.cvcert dv.cvcert term.cvcert
	expect_rc 0 "$s: OpenPACE chain verifies"
	expect_out '^VALID' "$s: OpenPACE chain VALID"
	expect_out 'chain: DEOPTERM00001 <- DEOPDV00001 <- DEOPCVCA00001 \(trust anchor\)' \
		"$s: chain line"
	run "$V" -t cvca.cvcert link.cvcert dv2.cvcert term2.cvcert
	expect_rc 0 "$s: OpenPACE chain through its link verifies"
	expect_out 'chain: DEOPTERM00002 <- DEOPDV00002 <- DEOPCVCA00002 <- DEOPCVCA00001 \(trust anchor\)' \
		"$s: chain through the link"

	# one flipped signature octet anywhere in the chain is caught
	flip_last term.cvcert bad-term.cvcert
	run "$V" -t cvca.cvcert dv.cvcert bad-term.cvcert
	expect_rc 1 "$s: tampered terminal"
	expect_out '^INVALID: signature does not verify \(certificate DEOPTERM00001\)' \
		"$s: tampered terminal INVALID"
	flip_last dv.cvcert bad-dv.cvcert
	run "$V" -t cvca.cvcert bad-dv.cvcert term.cvcert
	expect_rc 1 "$s: tampered DV"
	expect_out '^INVALID: signature does not verify \(certificate DEOPDV00001\)' \
		"$s: tampered DV INVALID"
	flip_last link.cvcert bad-link.cvcert
	run "$V" -t cvca.cvcert bad-link.cvcert dv2.cvcert term2.cvcert
	expect_rc 1 "$s: tampered link"
	expect_out '^INVALID: signature does not verify' "$s: tampered link INVALID"

	# requests: cvc-create issues from a cvc-issue request. EC only:
	# Debian's cvc-create 1.1.2 writes to freed memory in --csr mode for
	# RSA requests (valgrind: invalid write after ASN1_item_free) and
	# aborts; (b) has OpenPACE verify cvc-issue's RSA requests instead.
	if [ "$s" = bp256 ] || [ "$s" = p256 ]; then
		run "$I" request "$@" --key-out t5.pem --chr DETERM0000005 \
			--car DEOPDV00001 --out t5.cvreq
		expect_rc 0 "$s: cvc-issue request"
		run "$OP_CREATE" --csr=t5.cvreq --role=terminal --type=at --expires="$EXP" \
			--sign-with=dv.pk8 --scheme="$ops" --rid --out-cert=t5.cvcert
		expect_rc 0 "$s: cvc-create issues from the cvc-issue request"
		run "$V" -t cvca.cvcert dv.cvcert t5.cvcert
		expect_rc 0 "$s: that certificate verifies"
		expect_out 'chain: DETERM0000005 <- DEOPDV00001' "$s: its chain"
	fi

	# cvc-issue works under OpenPACE's DV, with its DER key
	keygen "$s" badge.key PEM
	openssl pkey -in badge.key -pubout -out badge.pub.pem
	run "$I" issue --issuer-cert dv.cvcert --issuer-key dv.pk8 --pubkey badge.pub.pem \
		--chr DEBADGE00001 --rights 'age verification' --days 30 --out badge.cvcert
	expect_rc 0 "$s: cvc-issue issues under OpenPACE's DV"
	run "$V" -t cvca.cvcert dv.cvcert badge.cvcert
	expect_rc 0 "$s: mixed chain verifies with cvc-verify"
	op_verify "$s: mixed chain" badge.cvcert dv.cvcert cvca.cvcert
}

# ------------------------------------------------------------------
# (b) cvc-issue makes, OpenPACE reads and verifies

libcvc_makes() { # name cvc-issue-options...
	local s=$1
	shift
	mkdir "$TMP/$s-ci"
	cd "$TMP/$s-ci" || exit 1
	run "$I" root "$@" --chr DEHOSPCVCA00001 --type at --days 400 \
		--key-out cvca.pem --out cvca.cvcert
	expect_rc 0 "$s: root"
	run "$I" request "$@" --key-out dv.pem --chr DEHOSPDV000001 --car DEHOSPCVCA00001 \
		--out dv.cvreq
	expect_rc 0 "$s: DV request"
	run "$I" dv --issuer-cert cvca.cvcert --issuer-key cvca.pem --request dv.cvreq \
		--rights b0,b1,b2 --days 300 --out dv.cvcert
	expect_rc 0 "$s: DV"
	run "$I" request "$@" --key-out term.pem --chr DETERM0000001 --out term.cvreq
	run "$I" issue --issuer-cert dv.cvcert --issuer-key dv.pem --request term.cvreq \
		--rights b0,b2 --days 60 --out term.cvcert
	expect_rc 0 "$s: terminal"
	keygen "$s" badge.key PEM
	openssl pkey -in badge.key -pubout -out badge.pub.pem
	run "$I" issue --issuer-cert dv.cvcert --issuer-key dv.pem --pubkey badge.pub.pem \
		--chr-prefix DEBADGE --rights b0 --days 60 --out badge.cvcert
	expect_rc 0 "$s: badge from a PEM public key"
	run "$I" link --old-cert cvca.cvcert --old-key cvca.pem --key-out cvca2.pem \
		--days 700 --out link.cvcert
	expect_rc 0 "$s: link"
	run "$I" request "$@" --key-out dv2.pem --chr DEHOSPDV000002 --out dv2.cvreq
	run "$I" dv --issuer-cert link.cvcert --issuer-key cvca2.pem --request dv2.cvreq \
		--rights b0,b1 --days 300 --out dv2.cvcert
	expect_rc 0 "$s: DV under the new root"
	run "$I" request "$@" --key-out term2.pem --chr DETERM0000002 --out term2.cvreq
	run "$I" issue --issuer-cert dv2.cvcert --issuer-key dv2.pem --request term2.cvreq \
		--rights b1 --days 60 --out term2.cvcert
	expect_rc 0 "$s: terminal under the new root"

	op_verify "$s: root" cvca.cvcert cvca.cvcert
	op_verify "$s: DV" dv.cvcert cvca.cvcert
	op_verify "$s: terminal" term.cvcert dv.cvcert cvca.cvcert
	expect_out '^  CAR: DEHOSPDV000001$' "$s: OpenPACE reads the terminal's CAR"
	op_verify "$s: badge" badge.cvcert dv.cvcert cvca.cvcert
	op_verify "$s: link" link.cvcert cvca.cvcert
	op_verify "$s: DV under the link" dv2.cvcert link.cvcert
	op_verify "$s: terminal under the link" term2.cvcert dv2.cvcert link.cvcert
	flip_last term.cvcert bad-term.cvcert
	op_refuse "$s: tampered terminal" bad-term.cvcert dv.cvcert cvca.cvcert
	flip_last link.cvcert bad-link.cvcert
	op_refuse "$s: tampered link" bad-link.cvcert cvca.cvcert

	for r in dv term; do
		run "$OP_PRINT" -r $r.cvreq
		expect_out '^ *certificate request verified$' "$s: OpenPACE verifies the $r request"
	done
	flip_last dv.cvreq bad.cvreq
	run "$OP_PRINT" -r bad.cvreq
	expect_out '^ *certificate request not verified$' "$s: OpenPACE refuses a tampered request"

	# the same chains verify with cvc-verify
	run "$V" -t cvca.cvcert link.cvcert dv2.cvcert term2.cvcert
	expect_rc 0 "$s: cvc-verify agrees"
}

openpace_makes bp256 ECDSA_SHA_256 id-TA-ECDSA-SHA-256 --curve brainpoolP256r1
openpace_makes p256 ECDSA_SHA_256 id-TA-ECDSA-SHA-256 --curve P-256
openpace_makes rsa15 RSA_v1_5_SHA_256 id-TA-RSA-v1-5-SHA-256 --scheme RSA-v1-5-SHA-256 --rsa-bits 2048
openpace_makes pss RSA_PSS_SHA_256 id-TA-RSA-PSS-SHA-256 --scheme RSA-PSS-SHA-256 --rsa-bits 2048

libcvc_makes bp256 --curve brainpoolP256r1
libcvc_makes p256 --curve P-256
libcvc_makes rsa15 --scheme RSA-v1-5-SHA-256 --rsa-bits 2048
libcvc_makes pss --scheme RSA-PSS-SHA-256 --rsa-bits 2048

finish
