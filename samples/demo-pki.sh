#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Creates a demo badge PKI with cvc-issue in DIR (default ./demo-pki):
#
#   cvca.cvcert  cvca.pem     root CVCA, terminal type AT (all rights)
#   dv.cvcert    dv.pem       the badge office's DV: signs badges and
#                             terminals, signs the revocation list
#   office.cvcert office.pem  issuing terminal: renew, terminate, PIN,
#                             read holder data (SPEC.md 4.3)
#   door.cvcert  door.pem     a door terminal: read holder data only
#
# Badges are personalized later with `cvc-issue personalize --issuer-cert
# dv.cvcert --issuer-key dv.pem --anchor cvca.cvcert ...`. The demo gives
# badges CHAT bit 0 (b0) and reads it as "may open ward doors": the doors
# require it with `door -R b0`. Bits 3, 5, 6 and 8 are the applet's
# terminal rights (terminate, PIN, renew, read holder data).
#
# Keys are encrypted under $CVC_KEY_PASS (set to a demo passphrase when
# unset: this PKI is for trying things out, never for real badges).
# cvc-issue is $CVC_ISSUE, else build/tools/cvc-issue, else on PATH.
#
#   samples/demo-pki.sh [DIR]
set -euo pipefail

dir=${1:-demo-pki}
top=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${CVC_ISSUE:-}" ]; then
	issue=$CVC_ISSUE
elif [ -x "$top/build/tools/cvc-issue" ]; then
	issue=$top/build/tools/cvc-issue
else
	issue=$(command -v cvc-issue) || {
		echo "demo-pki.sh: cvc-issue not found (set CVC_ISSUE)" >&2
		exit 2
	}
fi
export CVC_KEY_PASS=${CVC_KEY_PASS:-demo-only-passphrase}

if [ -e "$dir/cvca.cvcert" ]; then
	echo "demo-pki.sh: $dir already holds a PKI" >&2
	exit 2
fi
mkdir -p "$dir"
cd "$dir"

# Root: three years, every AT right; its key signs DVs and links only.
"$issue" root --chr DEHOSPCVCA00001 --type at --days 1095 \
	--key-out cvca.pem --out cvca.cvcert

# The badge office DV: one year; the rights it may pass on to badges (b0)
# and to terminals (b3 terminate, b5 PIN, b6 renew, b8 read holder data).
"$issue" request --key-out dv.pem --chr DEHOSPDV00001 --out dv.cvreq
"$issue" dv --issuer-cert cvca.cvcert --issuer-key cvca.pem \
	--request dv.cvreq --rights b0,b3,b5,b6,b8 --days 365 --out dv.cvcert

# The issuing terminal at the badge office and a door terminal: 90 days.
"$issue" request --key-out office.pem --chr DEOFFICE00001 --out office.cvreq
"$issue" issue --issuer-cert dv.cvcert --issuer-key dv.pem \
	--request office.cvreq --rights b3,b5,b6,b8 --days 90 \
	--out office.cvcert
"$issue" request --key-out door.pem --chr DEDOOR000001 --out door.cvreq
"$issue" issue --issuer-cert dv.cvcert --issuer-key dv.pem \
	--request door.cvreq --rights b8 --days 90 --out door.cvcert
rm -f dv.cvreq office.cvreq door.cvreq

echo "demo PKI in $dir: cvca, dv, office and door certificates and keys"
