# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Helpers for the cvc-issue integration tests, sourced after lib.sh: the
# tools, "nothing was left behind" checks, a private SoftHSM token and
# OpenPACE's tools. A missing tool fails the test (a skip would count as a
# pass that proves nothing).

: "${CVC_ISSUE:?CVC_ISSUE must name the cvc-issue binary}"
: "${CVC_VERIFY:?CVC_VERIFY must name the cvc-verify binary}"
I=$CVC_ISSUE
V=$CVC_VERIFY

# require CMD...: each must be on PATH, else the test fails at once
require() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 && continue
		echo "FAIL: $c is not installed (scripts/deps.sh installs it)"
		exit 1
	done
}

# listing DIR: its entries, hidden ones too, one a line
listing() {
	ls -A "$1" | LC_ALL=C sort
}

# expect_unchanged DIR BEFORE WHAT: DIR lists exactly as BEFORE (a file
# made by `listing DIR >BEFORE`), so no output and no temporary file stayed
expect_unchanged() {
	check
	if listing "$1" | cmp -s - "$2"; then
		pass "$3: nothing left in $1"
	else
		fail "$3: $1 changed: $(listing "$1" | diff "$2" - | grep '^[<>]' | tr '\n' ' ')"
	fi
}

# flip_last SRC DST: DST is SRC with its last octet (inside the signature
# of a certificate or request) XORed with 1
flip_last() {
	local n b
	cp "$1" "$2"
	n=$(stat -c %s "$2")
	b=$(od -An -tu1 -j $((n - 1)) -N1 "$2" | tr -d ' ')
	# shellcheck disable=SC2059
	printf "$(printf '\\%03o' $((b ^ 1)))" |
		dd of="$2" bs=1 seek=$((n - 1)) conv=notrunc 2>/dev/null
}

# chr_of FILE: the holder reference, as libcvc's cvc-print reads it
chr_of() {
	"$CVC_PRINT" "$1" | awk '$1 == "CHR:" { print $2; exit }'
}

# json_field FILE EXPR: one value from a cvc-print --json / cvc-issue
# --json document (EXPR in Python, the document is d)
json_field() {
	"$PYTHON" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# ------------------------------------------------------------------
# SoftHSM: a private token in $TMP, so no system token is touched.

# shellcheck source-path=SCRIPTDIR source=softhsm-token.sh
. "$(dirname "${BASH_SOURCE[0]}")/softhsm-token.sh"
P11_MODULE=${CVC_P11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
P11_PIN=$SOFTHSM_PIN

# hsm_init LABEL: a new token; exports SOFTHSM2_CONF and PKCS11_MODULE_PATH
hsm_init() {
	require softhsm2-util pkcs11-tool openssl
	if [ ! -r "$P11_MODULE" ]; then
		echo "FAIL: no PKCS#11 module $P11_MODULE (package softhsm2)"
		exit 1
	fi
	if ! openssl engine -t pkcs11 >/dev/null 2>&1; then
		echo "FAIL: no OpenSSL pkcs11 engine (package libengine-pkcs11-openssl)"
		exit 1
	fi
	softhsm_token "$TMP" "$1"
	export PKCS11_MODULE_PATH=$P11_MODULE
	HSM_TOKEN=$1
	# libp11 keeps its method tables until exit: LSan must not count them
	local here
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	export LSAN_OPTIONS="suppressions=$here/pkcs11-lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
}

# hsm_keygen KEYTYPE ID LABEL: a key pair made inside the token, never
# extractable (KEYTYPE as pkcs11-tool wants it, e.g. EC:brainpoolP256r1)
hsm_keygen() {
	pkcs11-tool --module "$P11_MODULE" --token-label "$HSM_TOKEN" --login \
		--pin "$P11_PIN" --keypairgen --key-type "$1" \
		--id "$2" --label "$3" >/dev/null
}

# hsm_uri LABEL: the RFC 7512 URI of the private key LABEL
hsm_uri() {
	echo "pkcs11:token=$HSM_TOKEN;object=$1;type=private"
}

# hsm_point ID: the token's own public point (pkcs11-tool, not the
# engine) as lower-case hex
hsm_point() {
	pkcs11-tool --module "$P11_MODULE" --token-label "$HSM_TOKEN" \
		--read-object --type pubkey --id "$1" -o "$TMP/pub$1.der" >/dev/null 2>&1
	openssl pkey -pubin -inform DER -in "$TMP/pub$1.der" -outform DER |
		tail -c 65 | od -An -v -tx1 | tr -d ' \n'
}

# ------------------------------------------------------------------
# OpenPACE (Debian package openpace): /usr/bin/cvc-create and cvc-print,
# named by path since libcvc's cvc-print has the same name.

OP_CREATE=/usr/bin/cvc-create
OP_PRINT=/usr/bin/cvc-print

require_openpace() {
	if ! "$OP_PRINT" --help 2>/dev/null | grep -q -- '--cvc-dir' ||
		! "$OP_CREATE" --help 2>/dev/null | grep -q -- '--sign-as'; then
		echo "FAIL: OpenPACE's cvc-create/cvc-print missing (package openpace)"
		exit 1
	fi
}

op_dirs=0

# op_trust FILE...: a new directory with FILEs named by their CHR, as
# OpenPACE's --cvc-dir wants them; its name in $OP_DIR
op_trust() {
	local f
	op_dirs=$((op_dirs + 1))
	OP_DIR=$TMP/op-trust.$op_dirs
	mkdir "$OP_DIR"
	for f in "$@"; do
		cp "$f" "$OP_DIR/$(chr_of "$f")"
	done
}

# op_verify WHAT CERT FILE...: OpenPACE's cvc-print prints CERT and verifies
# it with a trust directory holding FILEs, CERT's issuers up to the nearest
# CVCA. OpenPACE looks up each CAR there and checks each DV signature on
# the way, but takes the first CVCA-role certificate it reaches (root or
# link) as a trust anchor without checking it: a link is verified on its
# own, against the root. It exits 0 whatever the outcome, so its output
# line is what tells.
op_verify() {
	local what=$1 cert=$2
	shift 2
	op_trust "$@"
	run "$OP_PRINT" --cvc-dir "$OP_DIR" -c "$cert"
	expect_out '^certificate verified$' "$what: OpenPACE verifies it"
	expect_out "^  CHR: $(chr_of "$cert")\$" "$what: OpenPACE reads the CHR"
}

# op_refuse WHAT CERT FILE...: as op_verify, but the signature is refused
op_refuse() {
	local what=$1 cert=$2
	shift 2
	op_trust "$@"
	run "$OP_PRINT" --cvc-dir "$OP_DIR" -c "$cert"
	expect_out '^certificate not verified$' "$what: OpenPACE refuses it"
}

# yymmdd DATE-STRING: a date in cvc-create's --expires form
yymmdd() {
	date -u --date="$1" +%y%m%d
}
