# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# A throw-away SoftHSM2 token for one test (cvc-issue-lib.sh, pkcs11-lib.sh):
# its configuration and token directory live in the test's own temporary
# directory, so no system token is touched.
#
#   softhsm_token DIR LABEL   writes DIR/softhsm2.conf (tokens in
#                             DIR/tokens), exports SOFTHSM2_CONF and
#                             initializes the token LABEL with the PINs below

SOFTHSM_SO_PIN=87654321 # test-only PINs of a throw-away token
SOFTHSM_PIN=123456

softhsm_token() {
	mkdir -p "$1/tokens"
	cat >"$1/softhsm2.conf" <<CONF
directories.tokendir = $1/tokens
objectstore.backend = file
log.level = ERROR
CONF
	export SOFTHSM2_CONF=$1/softhsm2.conf
	softhsm2-util --init-token --free --label "$2" \
		--so-pin "$SOFTHSM_SO_PIN" --pin "$SOFTHSM_PIN" >/dev/null
}
