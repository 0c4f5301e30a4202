#!/bin/bash
# SPDX-License-Identifier: MIT
# Rebuilds the malformed cvc-print fixtures in this directory from one real
# certificate of the corpus. See README for what each file is.
#
#   make-fixtures.sh [CORPUS_DIR [OUT_DIR]]
#
# Needs bash, xxd and printf only. The output is deterministic, so the
# integration test bad-fixtures-reproducible checks that the committed files
# still match what this script makes.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
corpus=${1:-$here/../cvc-corpus}
out=${2:-$here}

# German eID production terminal certificate, 333 octets:
#   0 7F21 82 0148        5 7F4E 82 0100      10 5F29 01 00
#  14 42 10 "DEDVeIDDTR101401"                 32 7F49 4F ...
# 114 5F20 0E "DE0000071005KA"                131 7F4C 12 ...
# 151 5F25 ...  160 5F24 ...  169 65 5E ...   265 5F37 40 ...
src=$corpus/de_eid_production/DE0000071005KA__at-terminal__by_DEDVeIDDTR101401__5cf22a97.cvcert

hex=$(xxd -p "$src" | tr -d '\n')
if [ "${#hex}" -ne 666 ]; then
	echo "make-fixtures: unexpected source size: $src" >&2
	exit 1
fi

# hex helpers: octet offsets, two hex digits per octet
part() { printf '%s' "${hex:$(($1 * 2)):$(($2 * 2))}"; }    # from, count
rest() { printf '%s' "${hex:$(($1 * 2))}"; }                # from
emit() { xxd -r -p > "$out/$1"; }                            # hex on stdin

cert_hdr=$(part 0 3)   # 7F21 82
body_hdr=$(part 5 3)   # 7F4E 82
body_fields=$(part 10 104)  # 5F29, 42, 7F49: octets 10..113
chr=$(part 114 17)     # 5F20 0E DE0000071005KA
after_chr_at=131

# 1. truncated: the first 200 octets; 7F21 still announces 328.
part 0 200 | emit truncated.cvcert

# 2. overlong length: CHR announces 255 octets (81 FF), far past the end
#    of its parent 7F4E. Parent lengths grow by one for the extra octet.
{ printf '%s0149%s0101%s' "$cert_hdr" "$body_hdr" "$body_fields"
  printf '5f2081ff%s' "$(part 117 14)"; rest $after_chr_at; } |
	emit overlong-length.cvcert

# 3. wrong outer tag: 7F21 replaced by 7F4E (a bare body, no wrapper).
{ printf '7f4e'; rest 2; } | emit wrong-outer-tag.cvcert

# 4. non-minimal length: CHR length 0E written as 81 0E (BER, not DER).
#    Valid except for that, so --lenient accepts it.
{ printf '%s0149%s0101%s' "$cert_hdr" "$body_hdr" "$body_fields"
  printf '5f20810e%s' "$(part 117 14)"; rest $after_chr_at; } |
	emit nonminimal-length.cvcert

# 5. duplicate field: the CHR data object twice in a row; lengths +17.
{ printf '%s0159%s0111%s' "$cert_hdr" "$body_hdr" "$body_fields"
  printf '%s%s' "$chr" "$chr"; rest $after_chr_at; } |
	emit duplicate-chr.cvcert

# 6. trailing garbage: the valid certificate followed by 00 00 00 (card
#    files are often padded); the second "object" fails at octet 333.
{ printf '%s' "$hex"; printf '000000'; } | emit trailing-zeros.cvcert

# 7. garbage: neither DER (first octet not 7F/67), nor hex, nor base64.
printf '00ff13e2c0de5a5a0102030405060708090a0b0c0d0e0ffe' | emit garbage.bin
