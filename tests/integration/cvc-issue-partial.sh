#!/bin/bash
# SPDX-License-Identifier: MIT
# No failed cvc-issue command leaves anything behind. For every verb (root,
# dv, issue, link, request) and failures of every kind (wrong issuer key,
# expired issuer, malformed request, bad public key, missing PIN, wrong
# passphrase, existing key file, output directory missing or read-only,
# output name taken by a directory, disk full) the test asserts the exit
# status, a message naming the file or the field, and that the output
# directory lists exactly as before: no certificate, no key, no temporary
# file, and no change to the issuer's state file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cvc-issue-lib.sh"
require openssl unshare
export CVC_KEY_PASS=test-pass
cd "$TMP" || exit 1

# A hierarchy in 2030: root valid 2030-2031, DV 2030.
"$I" root --chr DEHOSPCVCA00001 --type at --from 2030-01-01 --until 2031-12-31 \
	--key-out cvca.pem --out cvca.cvcert || exit 1
"$I" root --chr DEOTHRCVCA00001 --type at --from 2030-01-01 --until 2031-12-31 \
	--key-out other.pem --out other.cvcert || exit 1
"$I" request --key-out dv.pem --chr DEHOSPDV000001 --out dv.cvreq || exit 1
"$I" dv --issuer-cert cvca.cvcert --issuer-key cvca.pem --request dv.cvreq \
	--chr-prefix DEHOSPDV --rights b0,b1 --from 2030-01-01 --until 2030-12-31 \
	--out dv.cvcert || exit 1
"$I" request --key-out t.pem --chr DETERM0000001 --out t.cvreq || exit 1
"$I" issue --issuer-cert dv.cvcert --issuer-key dv.pem --request t.cvreq \
	--chr-prefix DEBADGE --rights b0 --from 2030-02-01 --until 2030-03-01 \
	--out first.cvcert || exit 1
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.key 2>/dev/null
openssl pkey -in p256.key -pubout -out p256.pub.pem
head -c 20 t.cvreq >short.cvreq
flip_last t.cvreq tampered.cvreq
echo "this is not a request" >junk.cvreq

mkdir out ro
echo "an older key" >out/existing.pem
listing out >before
cp cvca.cvcert.state cvca.state.before
cp dv.cvcert.state dv.state.before
export PKCS11_MODULE_PATH=/usr/lib/softhsm/libsofthsm2.so
HSM='pkcs11:token=office;object=dv-key;type=private'

# nothing_left WHAT: out/ and the issuers' state files are as before
nothing_left() {
	expect_unchanged out before "$1"
	check
	if cmp -s cvca.cvcert.state cvca.state.before && cmp -s dv.cvcert.state dv.state.before; then
		pass "$1: issuer state kept"
	else
		fail "$1: issuer state changed"
	fi
}

# fails RC MESSAGE-ERE WHAT CMD...: cvc-issue CMD fails with RC and the
# message, and leaves nothing behind
fails() {
	local rc=$1 msg=$2 what=$3
	shift 3
	run "$I" "$@"
	expect_rc "$rc" "$what"
	expect_err "$msg" "$what: message"
	nothing_left "$what"
}

# full CMD...: as run, on a file system that takes no data (RLIMIT_FSIZE
# 0, its signal ignored, so write() fails with EFBIG); stderr goes through
# a pipe, which the limit does not cover
full() {
	(
		trap '' XFSZ
		ulimit -f 0
		exec "$I" "$@"
	) 2>&1 | cat >"$ERR"
	RC=${PIPESTATUS[0]}
}

# readonly CMD...: as run, with out/ mounted read-only in a private mount
# namespace (as root; otherwise the directory is made unwritable)
readonly_out() {
	if [ "$(id -u)" -eq 0 ]; then
		unshare -m bash -c 'mount --bind -o ro out out && exec "$@"' ro "$@" >"$OUT" 2>"$ERR"
		RC=$?
	else
		chmod a-w out
		"$@" >"$OUT" 2>"$ERR"
		RC=$?
		chmod u+w out
	fi
}

# ------------------------------------------------------------------
# root
ROOT=(root --chr DENEWCVCA00001 --type at --from 2030-01-01 --until 2031-12-31)
fails 2 'invalid holder reference' "root: bad CHR" root --chr BAD --type at --days 10 \
	--key-out out/k.pem --out out/x.cvcert
fails 2 'out/existing\.pem: file exists; cvc-issue never replaces a private key' \
	"root: existing key file" "${ROOT[@]}" --key-out out/existing.pem --out out/x.cvcert
check
if [ "$(cat out/existing.pem)" = "an older key" ]; then pass "the existing key is intact"; else fail "existing key replaced"; fi
fails 2 'CVC_KEY_PASS required, not empty' "root: empty passphrase" \
	"${ROOT[@]}" --key-pass '' --key-out out/k.pem --out out/x.cvcert
fails 2 'nodir/x\.cvcert: cannot create a file there: No such file' \
	"root: output directory missing" "${ROOT[@]}" --key-out out/k.pem --out nodir/x.cvcert
mkdir out/taken
listing out >before
fails 2 'out/taken: cannot move into place: Is a directory' \
	"root: output name is a directory (the new key is taken back)" \
	"${ROOT[@]}" --key-out out/k.pem --out out/taken
fails 2 "$(re "$HSM"): PIN required" "root: pkcs11 key without PIN" \
	"${ROOT[@]}" --key "$HSM" --out out/x.cvcert
full "${ROOT[@]}" --key-out out/k.pem --out out/x.cvcert
expect_rc 2 "root: disk full"
expect_err 'out/k\.pem: cannot write: File too large' "root: disk full message"
nothing_left "root: disk full"
readonly_out "$I" "${ROOT[@]}" --key-out out/k.pem --out out/x.cvcert
expect_rc 2 "root: read-only directory"
expect_err 'out/k\.pem: cannot create a file there' "root: read-only message"
nothing_left "root: read-only directory"

# ------------------------------------------------------------------
# dv (with --chr-prefix, so the state file is at stake too)
DV=(dv --issuer-cert cvca.cvcert --chr-prefix DEHOSPDV --rights b0 --from 2030-06-01 --until 2030-12-31)
fails 1 'issuer private key does not match the issuer certificate' "dv: wrong issuer key" \
	"${DV[@]}" --issuer-key other.pem --request dv.cvreq --out out/x.cvcert
fails 1 'issuer certificate expired before the effective date' "dv: expired issuer" \
	dv --issuer-cert cvca.cvcert --issuer-key cvca.pem --request dv.cvreq --chr-prefix DEHOSPDV \
	--from 2032-01-01 --until 2032-06-01 --out out/x.cvcert
fails 2 'short\.cvreq: not a valid request' "dv: truncated request" \
	"${DV[@]}" --issuer-key cvca.pem --request short.cvreq --out out/x.cvcert
fails 2 'junk\.cvreq' "dv: not a request at all" \
	"${DV[@]}" --issuer-key cvca.pem --request junk.cvreq --out out/x.cvcert
fails 1 'tampered\.cvreq: proof of possession fails' "dv: tampered request" \
	"${DV[@]}" --issuer-key cvca.pem --request tampered.cvreq --out out/x.cvcert
fails 2 "p256\\.pub\\.pem: the holder key is not a point on the issuer's curve" \
	"dv: public key on another curve" "${DV[@]}" --issuer-key cvca.pem --pubkey p256.pub.pem \
	--out out/x.cvcert
fails 2 'cvca\.pem: not a private key, or the passphrase is wrong' "dv: wrong passphrase" \
	"${DV[@]}" --issuer-key cvca.pem --key-pass wrong --request dv.cvreq --out out/x.cvcert
fails 2 'nokey\.pem: cannot open' "dv: issuer key file missing" \
	"${DV[@]}" --issuer-key nokey.pem --request dv.cvreq --out out/x.cvcert
fails 2 "$(re "$HSM"): PIN required" "dv: pkcs11 issuer key without PIN" \
	"${DV[@]}" --issuer-key "$HSM" --request dv.cvreq --out out/x.cvcert
fails 2 'nodir/x\.cvcert: cannot create' "dv: output directory missing" \
	"${DV[@]}" --issuer-key cvca.pem --request dv.cvreq --out nodir/x.cvcert
fails 2 'out/taken: cannot move into place' "dv: output name is a directory" \
	"${DV[@]}" --issuer-key cvca.pem --request dv.cvreq --out out/taken
full "${DV[@]}" --issuer-key cvca.pem --request dv.cvreq --out out/x.cvcert
expect_rc 2 "dv: disk full"
expect_err 'out/x\.cvcert: cannot write: File too large' "dv: disk full message"
nothing_left "dv: disk full"

# ------------------------------------------------------------------
# issue
ISSUE=(issue --issuer-cert dv.cvcert --chr-prefix DEBADGE --rights b0 --from 2030-02-01 --until 2030-03-01)
fails 1 'issuer private key does not match the issuer certificate' "issue: wrong issuer key" \
	"${ISSUE[@]}" --issuer-key cvca.pem --request t.cvreq --out out/x.cvcert
fails 1 'issuer certificate expired before the effective date' "issue: expired DV" \
	issue --issuer-cert dv.cvcert --issuer-key dv.pem --request t.cvreq --chr-prefix DEBADGE \
	--from 2031-02-01 --until 2031-03-01 --out out/x.cvcert
fails 1 'a DV cannot issue past its own expiration date' "issue: past the DV's expiry" \
	issue --issuer-cert dv.cvcert --issuer-key dv.pem --request t.cvreq --chr-prefix DEBADGE \
	--from 2030-02-01 --until 2031-03-01 --out out/x.cvcert
fails 1 "rights exceed the issuer's" "issue: rights beyond the DV's" \
	issue --issuer-cert dv.cvcert --issuer-key dv.pem --request t.cvreq --chr-prefix DEBADGE \
	--rights b0,b5 --from 2030-02-01 --until 2030-03-01 --out out/x.cvcert
fails 2 'short\.cvreq: not a valid request' "issue: truncated request" \
	"${ISSUE[@]}" --issuer-key dv.pem --request short.cvreq --out out/x.cvcert
fails 2 'p256\.pub\.pem: the holder key is not a point' "issue: public key on another curve" \
	"${ISSUE[@]}" --issuer-key dv.pem --pubkey p256.pub.pem --out out/x.cvcert
fails 2 'p256\.key: is a private key' "issue: private key as --pubkey" \
	"${ISSUE[@]}" --issuer-key dv.pem --pubkey p256.key --out out/x.cvcert
fails 2 "$(re "$HSM"): PIN required" "issue: pkcs11 issuer key without PIN" \
	"${ISSUE[@]}" --issuer-key "$HSM" --request t.cvreq --out out/x.cvcert
(
	unset PKCS11_MODULE_PATH
	run "$I" "${ISSUE[@]}" --issuer-key "$HSM" --pin 1234 --request t.cvreq --out out/x.cvcert
	echo "$RC" >rc
)
RC=$(cat rc)
expect_rc 2 "issue: pkcs11 without a module"
expect_err 'no PKCS#11 module: set \$PKCS11_MODULE_PATH' "issue: no module message"
nothing_left "issue: pkcs11 without a module"
fails 2 'out/taken: cannot move into place' "issue: output name is a directory" \
	"${ISSUE[@]}" --issuer-key dv.pem --request t.cvreq --out out/taken
readonly_out "$I" "${ISSUE[@]}" --issuer-key dv.pem --request t.cvreq --out out/x.cvcert
expect_rc 2 "issue: read-only directory"
expect_err 'out/x\.cvcert: cannot create a file there' "issue: read-only message"
nothing_left "issue: read-only directory"
full "${ISSUE[@]}" --issuer-key dv.pem --request t.cvreq --out out/x.cvcert
expect_rc 2 "issue: disk full"
nothing_left "issue: disk full"

# ------------------------------------------------------------------
# link
LINK=(link --old-cert cvca.cvcert --from 2030-06-01 --until 2033-12-31)
fails 1 'issuer private key does not match the issuer certificate' "link: wrong old key" \
	"${LINK[@]}" --old-key other.pem --key-out out/k.pem --out out/x.cvcert
fails 1 'issuer certificate expired before the effective date' "link: expired old root" \
	link --old-cert cvca.cvcert --old-key cvca.pem --from 2032-06-01 --until 2033-12-31 \
	--key-out out/k.pem --out out/x.cvcert
fails 2 'out/existing\.pem: file exists' "link: existing key file" \
	"${LINK[@]}" --old-key cvca.pem --key-out out/existing.pem --out out/x.cvcert
fails 2 "$(re "$HSM"): PIN required" "link: pkcs11 new key without PIN" \
	"${LINK[@]}" --old-key cvca.pem --new-key "$HSM" --out out/x.cvcert
fails 2 'nodir/x\.cvcert: cannot create' "link: output directory missing" \
	"${LINK[@]}" --old-key cvca.pem --key-out out/k.pem --out nodir/x.cvcert
fails 2 'out/taken: cannot move into place' "link: output name is a directory" \
	"${LINK[@]}" --old-key cvca.pem --key-out out/k.pem --out out/taken
full "${LINK[@]}" --old-key cvca.pem --key-out out/k.pem --out out/x.cvcert
expect_rc 2 "link: disk full"
nothing_left "link: disk full"

# ------------------------------------------------------------------
# request
REQ=(request --chr DETERM0000002)
fails 2 'request: CHR: .*country code must be two upper-case letters' "request: bad CHR" \
	request --chr deTERM00001 --key-out out/k.pem --out out/x.cvreq
fails 2 "$(re "$HSM"): PIN required" "request: pkcs11 key without PIN" \
	"${REQ[@]}" --key "$HSM" --out out/x.cvreq
fails 2 't\.pem: not a private key, or the passphrase is wrong' "request: wrong passphrase" \
	"${REQ[@]}" --key t.pem --outer-key dv.pem --outer-car DEHOSPDV000001 --key-pass wrong \
	--out out/x.cvreq
fails 2 'out/existing\.pem: file exists' "request: existing key file" \
	"${REQ[@]}" --key-out out/existing.pem --out out/x.cvreq
fails 2 'out/taken: cannot move into place' "request: output name is a directory" \
	"${REQ[@]}" --key-out out/k.pem --out out/taken
(
	unset CVC_KEY_PASS
	run "$I" "${REQ[@]}" --key-out out/k.pem --out out/x.cvreq
	echo "$RC" >rc
)
RC=$(cat rc)
expect_rc 2 "request: no passphrase for the new key"
expect_err 'out/k\.pem: --key-pass or \$CVC_KEY_PASS required' "request: no passphrase message"
nothing_left "request: no passphrase for the new key"
full "${REQ[@]}" --key-out out/k.pem --out out/x.cvreq
expect_rc 2 "request: disk full"
nothing_left "request: disk full"

# ------------------------------------------------------------------
# What does work: an existing certificate is replaced whole, the state
# advances only with a written certificate, a key is never replaced.
cp first.cvcert out/replace.cvcert
run "$I" "${ISSUE[@]}" --issuer-key dv.pem --request t.cvreq --out out/replace.cvcert
expect_rc 0 "issue over an existing certificate"
run "$V" --at 2030-02-15 -t cvca.cvcert dv.cvcert out/replace.cvcert
expect_out 'chain: DEBADGE00002 <-' "the new certificate replaced the old, next CHR"
check
if grep -qx 'DEBADGE=DEBADGE00002' dv.cvcert.state; then pass "state advanced once"; else fail "state: $(cat dv.cvcert.state)"; fi
run "$I" "${REQ[@]}" --key-out out/new.pem --out out/new.cvreq
expect_rc 0 "request with a new key"
check
if [ "$(stat -c %a out/new.pem)" = 600 ] && grep -q '^-----BEGIN ENCRYPTED PRIVATE KEY-----$' out/new.pem &&
	! grep -q 'BEGIN PRIVATE KEY' out/new.pem; then
	pass "the new key is encrypted, mode 0600"
else
	fail "new key: mode $(stat -c %a out/new.pem), $(head -1 out/new.pem)"
fi
check
if compgen -G 'out/*.tmp*' >/dev/null; then fail "temporary file left"; else pass "no temporary file after success"; fi

finish
