#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# libcvc's PKCS#11 signer (libcvc/src/sign_pkcs11.c) against a private
# SoftHSM2 token made for this run: the token directory and SOFTHSM2_CONF
# live in a temporary directory, so no system token is touched. Two EC key
# pairs are generated inside the token with pkcs11-tool (brainpoolP256r1 and
# prime256v1, never extractable); test_pkcs11.c then loads, signs and
# verifies. Fails (never skips) when SoftHSM or the engine is missing.
set -euo pipefail
test_pkcs11=${1:?usage: pkcs11-lib.sh PATH-OF-test_pkcs11}

module=${CVC_P11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
for need in softhsm2-util pkcs11-tool openssl; do
	command -v "$need" >/dev/null || { echo "FAIL: no $need (scripts/deps.sh installs it)"; exit 1; }
done
[ -r "$module" ] || { echo "FAIL: no $module (softhsm2)"; exit 1; }
openssl engine -t pkcs11 >/dev/null 2>&1 || {
	echo "FAIL: no OpenSSL pkcs11 engine (libengine-pkcs11-openssl)"
	exit 1
}

# shellcheck source-path=SCRIPTDIR source=softhsm-token.sh
. "$(dirname "$0")/softhsm-token.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cvc-pkcs11.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
softhsm_token "$tmp" cvc-ca
user_pin=$SOFTHSM_PIN
keygen() { # curve id label
	pkcs11-tool --module "$module" --token-label cvc-ca --login \
		--pin "$user_pin" --keypairgen --key-type "EC:$1" \
		--id "$2" --label "$3" >/dev/null
}
keygen brainpoolP256r1 01 ca-bp256
keygen prime256v1 02 ca-p256

# The public keys as the token itself gives them (pkcs11-tool, not the
# engine): the uncompressed point closing the SubjectPublicKeyInfo.
token_point() { # id
	pkcs11-tool --module "$module" --token-label cvc-ca --read-object \
		--type pubkey --id "$1" -o "$tmp/pub$1.der" >/dev/null 2>&1
	openssl pkey -pubin -inform DER -in "$tmp/pub$1.der" -outform DER |
		tail -c 65 | od -An -v -tx1 | tr -d ' \n'
}
export CVC_P11_POINT_BP256 CVC_P11_POINT_P256
CVC_P11_POINT_BP256=$(token_point 01)
CVC_P11_POINT_P256=$(token_point 02)

# A key file, for cvc_signer_load's file branch.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	-out "$tmp/file-key.pem" 2>/dev/null

# Under LeakSanitizer: libp11's own method tables only (see the file).
# The allocator frames are inside libcrypto, which has no frame pointers:
# only the slow unwinder sees them, so the suppressions can match.
here=$(cd "$(dirname "$0")" && pwd)
export LSAN_OPTIONS="suppressions=$here/pkcs11-lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"

CVC_P11_MODULE=$module CVC_P11_PIN=$user_pin \
	CVC_P11_KEYFILE=$tmp/file-key.pem "$test_pkcs11"
