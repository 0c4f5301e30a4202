#!/bin/bash
# SPDX-License-Identifier: MIT
# cvc-issue --pubkey: a certificate issued directly for a public key made
# elsewhere (a badge key generated on the card), given as a PEM or DER
# SubjectPublicKeyInfo (EC and RSA), a 7F49 object or an uncompressed point
# (hex or binary). The certificate carries exactly that key and verifies.
# Keys of the wrong type or curve, private keys and garbage are refused with
# exit 2 and no file. Also --json: what was written, CHR, CAR, dates, rights.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cvc-issue-lib.sh"
require openssl script timeout
export CVC_KEY_PASS=test-pass
cd "$TMP" || exit 1
AT=2030-06-01

# EC hierarchy on brainpoolP256r1, RSA hierarchies (v1.5 and PSS).
"$I" root --chr DEHOSPCVCA00001 --type at --from 2030-01-01 --until 2032-12-31 \
	--key-out cvca.pem --out cvca.cvcert || exit 1
"$I" request --key-out dv.pem --chr DEHOSPDV000001 --out dv.cvreq || exit 1
"$I" dv --issuer-cert cvca.cvcert --issuer-key cvca.pem --request dv.cvreq \
	--rights b0,b1,b2 --from 2030-01-01 --until 2031-06-30 --out dv.cvcert || exit 1
for v in v1-5 PSS; do
	"$I" root --chr DERSA${v%%-*}CA00001 --type at --scheme RSA-$v-SHA-256 --rsa-bits 2048 \
		--from 2030-01-01 --until 2032-12-31 --key-out rsa-$v.pem --out rsa-$v.cvcert || exit 1
done

# point_hex KEYFILE: the uncompressed point of an EC key, lower-case hex
point_hex() {
	openssl pkey -in "$1" -pubout -outform DER | tail -c 65 | od -An -v -tx1 | tr -d ' \n'
}

# cert_key CERT COMPONENT: a key component (Y, n, e) of a certificate, as
# cvc-print --json gives it
cert_key() {
	"$CVC_PRINT" --json "$1" >"$TMP/key.json"
	json_field "$TMP/key.json" "d['objects'][0]['object']['public_key']['components'].get('$2')"
}

# expect_key CERT COMPONENT HEX WHAT
expect_key() {
	check
	if [ "$(cert_key "$1" "$2")" = "$3" ]; then
		pass "$4: the certificate carries the given key"
	else
		fail "$4: certificate key $(cert_key "$1" "$2") is not $3"
	fi
}

badge() { # pubkey-file out [extra options]
	local pk=$1 out=$2
	shift 2
	run "$I" issue --issuer-cert dv.cvcert --issuer-key dv.pem --pubkey "$pk" \
		--chr-prefix DEBADGE --rights b0 --from 2030-02-01 --until 2030-12-31 \
		--out "$out" "$@"
}

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:brainpoolP256r1 -out bp.key 2>/dev/null
openssl pkey -in bp.key -pubout -out bp.pub.pem
openssl pkey -in bp.key -pubout -outform DER -out bp.pub.der
BP=$(point_hex bp.key)

badge bp.pub.pem pem.cvcert
expect_rc 0 "PEM SubjectPublicKeyInfo"
expect_err_empty "PEM: quiet"
expect_key pem.cvcert Y "$BP" "PEM"
run "$V" --at $AT -t cvca.cvcert dv.cvcert pem.cvcert
expect_rc 0 "PEM badge verifies"
run "$CVC_PRINT" pem.cvcert
expect_out 'domain params: +inherited from the CVCA' "PEM badge inherits the domain parameters"
expect_out 'algorithm: +id-TA-ECDSA-SHA-256' "PEM badge gets the issuer's algorithm"

badge bp.pub.der der.cvcert
expect_rc 0 "DER SubjectPublicKeyInfo"
expect_key der.cvcert Y "$BP" "DER"
run "$V" --at $AT -t cvca.cvcert dv.cvcert der.cvcert
expect_rc 0 "DER badge verifies"

echo "$BP" >bp.hex
badge bp.hex hex.cvcert
expect_rc 0 "hex point"
expect_key hex.cvcert Y "$BP" "hex point"
openssl pkey -in bp.key -pubout -outform DER | tail -c 65 >bp.bin
badge bp.bin bin.cvcert
expect_rc 0 "binary point"
expect_key bin.cvcert Y "$BP" "binary point"

# a 7F49 object: 06 id-TA-ECDSA-SHA-256, 86 the point
printf '7f494f060a04007f00070202020203864104%s\n' "${BP#04}" >bp.7f49.hex
badge bp.7f49.hex 7f49.cvcert
expect_rc 0 "7F49 object (hex)"
expect_key 7f49.cvcert Y "$BP" "7F49"
run "$V" --at $AT -t cvca.cvcert dv.cvcert 7f49.cvcert
expect_rc 0 "7F49 badge verifies"

# every badge took the next number from the state file
check
if grep -qx 'DEBADGE=DEBADGE00005' dv.cvcert.state; then pass "five badges numbered"; else fail "state: $(cat dv.cvcert.state)"; fi

# RSA: a DV directly for an RSA key, under RSA-v1.5 and RSA-PSS roots
for v in v1-5 PSS; do
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out r-$v.key 2>/dev/null
	openssl pkey -in r-$v.key -pubout -out r-$v.pub.pem
	openssl pkey -in r-$v.key -pubout -outform DER -out r-$v.pub.der
	n=$(openssl rsa -pubin -in r-$v.pub.pem -modulus -noout | sed 's/^Modulus=//' | tr 'A-F' 'a-f')
	for form in pem der; do
		run "$I" dv --issuer-cert rsa-$v.cvcert --issuer-key rsa-$v.pem --pubkey r-$v.pub.$form \
			--chr DERSADV00001 --rights b0 --from 2030-01-01 --until 2031-01-01 \
			--out rsa-$v-$form.cvcert
		expect_rc 0 "RSA-$v DV from $form"
		expect_key rsa-$v-$form.cvcert n "$n" "RSA-$v $form modulus"
		expect_key rsa-$v-$form.cvcert e "010001" "RSA-$v $form exponent"
		run "$V" --at $AT -t rsa-$v.cvcert rsa-$v-$form.cvcert
		expect_rc 0 "RSA-$v $form DV verifies"
		run "$CVC_PRINT" rsa-$v-$form.cvcert
		expect_out "algorithm: +id-TA-RSA-$v-SHA-256" "RSA-$v $form keeps the issuer's scheme"
	done
done

# ------------------------------------------------------------------
# Refusals: exit 2, a message naming the file, nothing written (no
# output, no temporary file, no change to the issuer state).
mkdir out
listing out >before
cp dv.cvcert.state state.before

refuse() { # what pubkey-file message-ERE [issuer: ec|rsa]
	if [ "${4:-ec}" = rsa ]; then
		run "$I" dv --issuer-cert rsa-v1-5.cvcert --issuer-key rsa-v1-5.pem --pubkey "$2" \
			--chr DERSADV00009 --from 2030-01-01 --until 2031-01-01 --out out/x.cvcert
	else
		badge "$2" out/x.cvcert
	fi
	expect_rc 2 "$1"
	expect_err "^cvc-issue: $(re "$2"): $3" "$1: message"
	expect_unchanged out before "$1"
	check
	if cmp -s dv.cvcert.state state.before; then pass "$1: state kept"; else fail "$1: state changed"; fi
}

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.key 2>/dev/null
openssl pkey -in p256.key -pubout -out p256.pub.pem
point_hex p256.key >p256.hex
refuse "P-256 key under a brainpoolP256r1 DV" p256.pub.pem \
	"the holder key is not a point on the issuer's curve brainpoolP256r1"
refuse "P-256 point under a brainpoolP256r1 DV" p256.hex "the holder key is not a point"
refuse "RSA key under an EC DV" r-v1-5.pub.pem "the holder key is RSA but the issuer's is EC"
refuse "EC key under an RSA root" bp.pub.pem "the holder key is EC but the issuer's is RSA" rsa
refuse "a private key" bp.key "is a private key; give its public half"
openssl genpkey -algorithm ED25519 -out ed.key 2>/dev/null
openssl pkey -in ed.key -pubout -out ed.pub.pem
refuse "an Ed25519 key" ed.pub.pem "key type ED25519; CVCs carry EC or RSA keys"
head -c 40 bp.pub.der >short.der
refuse "a truncated DER key" short.der "not a public key"
sed 's/^M/X/' bp.pub.pem >broken.pem
refuse "a broken PEM key" broken.pem "bad PEM public key"
echo "04$(printf '%064d' 0)$(printf '%064d' 0)" >zero.hex
refuse "a point that is not on the curve" zero.hex "the holder key is not a point"
echo 0411 >odd.hex
refuse "a point too short" odd.hex "not a 7F49 object or an uncompressed EC point"
echo "not a key!" >junk.txt
refuse "text" junk.txt "not a public key"
# A PEM encryption header must not make OpenSSL ask for a passphrase on
# the terminal: on a pseudo-terminal (script) cvc-issue refuses at once.
printf '%s\n' '-----BEGIN PUBLIC KEY-----' 'Proc-Type: 4,ENCRYPTED' \
	'DEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF' '' \
	'MFowFAYHKoZIzj0CAQYJKyQDAwIIAQEHA0IABH==' '-----END PUBLIC KEY-----' >enc.pub.pem
RC=0
timeout 20 script -qec "$I issue --issuer-cert dv.cvcert --issuer-key dv.pem \
	--pubkey enc.pub.pem --chr DEBADGE00098 --from 2030-02-01 --until 2030-12-31 \
	--out out/x.cvcert" /dev/null </dev/null >"$OUT" 2>&1 || RC=$?
expect_rc 2 "an encrypted PEM public key, on a terminal"
expect_out 'enc\.pub\.pem: bad PEM public key' "encrypted PEM message"
expect_no_out 'pass ?phrase' "no passphrase prompt"
expect_unchanged out before "an encrypted PEM public key"

run "$I" issue --issuer-cert dv.cvcert --issuer-key dv.pem --pubkey missing.pem \
	--chr DEBADGE00099 --from 2030-02-01 --until 2030-12-31 --out out/x.cvcert
expect_rc 2 "missing --pubkey file"
expect_err 'missing\.pem: cannot open' "missing file message"
expect_unchanged out before "missing --pubkey file"

# ------------------------------------------------------------------
# --json
run "$I" issue --issuer-cert dv.cvcert --issuer-key dv.pem --pubkey bp.pub.pem \
	--chr DEBADGE00100 --rights b0,b2 --from 2030-02-01 --until 2030-12-31 --out j.cvcert --json
expect_rc 0 "--json"
json_check "$OUT" 'd["schema"] == "libcvc-issue/1"' 'd["verb"] == "issue"' \
	'd["files"] == [{"path": "j.cvcert", "content": "certificate"}]' \
	'd["object"]["chr"]["text"] == "DEBADGE00100"' \
	'd["object"]["car"]["text"] == "DEHOSPDV000001"' \
	'd["object"]["effective"] == "2030-02-01"' \
	'd["object"]["expiration"] == "2030-12-31"' \
	'[r["name"] for r in d["object"]["chat"]["rights"]] == ["age verification", "restricted identification"]'
check
if [ "$(wc -l <"$OUT")" -eq 1 ]; then pass "--json: one line"; else fail "--json: not one line"; fi
run "$I" root -j --chr DEJSONCA00001 --type is --from 2030-01-01 --until 2030-12-31 \
	--key-out j.pem --out jroot.cvcert
expect_rc 0 "-j"
json_check "$OUT" 'd["verb"] == "root"' \
	'd["files"] == [{"path": "jroot.cvcert", "content": "certificate"}, {"path": "j.pem", "content": "private-key", "encrypted": True}]' \
	'd["object"]["chat"]["role"] == "cvca"'
run "$I" request --unencrypted-key --key-out jr.pem --chr DEJSONT00001 --out jr.cvreq --json
json_check "$OUT" 'd["files"][0]["content"] == "request"' \
	'd["files"][1] == {"path": "jr.pem", "content": "private-key", "encrypted": False}' \
	'"chat" not in d["object"]'
run "$I" issue --issuer-cert dv.cvcert --issuer-key dv.pem --pubkey p256.pub.pem \
	--chr DEBADGE00101 --from 2030-02-01 --until 2030-12-31 --out j2.cvcert --json
expect_rc 2 "--json on failure"
expect_out_empty "--json prints nothing on failure"

finish
