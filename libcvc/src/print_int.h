/* SPDX-License-Identifier: MIT */
/*
 * Internal helpers shared by the text printer (print.c) and the JSON printer
 * (print_json.c). Not installed. Nothing here allocates.
 */
#ifndef CVC_PRINT_INT_H
#define CVC_PRINT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <cvc/cert.h>

#ifndef CVC_INTERNAL
#if defined(__GNUC__) || defined(__clang__)
#define CVC_INTERNAL __attribute__((visibility("hidden")))
#else
#define CVC_INTERNAL
#endif
#endif

/* Longest dotted OID text the printers produce; longer ones are shown as hex */
#define CVC_PR_OID_TEXT 128

/* Writes the octets as hex digits, upper or lower case, without separators. */
CVC_INTERNAL void cvc_pr_hex(FILE *out, const uint8_t *data, size_t len,
                             bool upper);

/* True when every octet is printable ASCII (0x20..0x7E). */
CVC_INTERNAL bool cvc_pr_is_ascii(cvc_span s);

/* True when every octet is a printable ISO 8859-1 character. */
CVC_INTERNAL bool cvc_pr_is_latin1(cvc_span s);

/*
 * A gematik G2 CA reference, 8 octets (gemSpec_PKI 6.4.2): CA name (5
 * letters) || service indicator and CA digit (BCD) || algorithm (2 BCD) ||
 * generation year (2 BCD).
 */
typedef struct cvc_pr_gem_ca {
	char name[6];
	unsigned service_indicator;
	unsigned ca_digit;
	unsigned algorithm;
	unsigned year; /* two digits */
} cvc_pr_gem_ca;

CVC_INTERNAL bool cvc_pr_gematik_ca(cvc_span ref, cvc_pr_gem_ca *out);

/*
 * A gematik G2 end-entity CHR, 12 octets: key ID (2 octets) || ICCSN (10
 * octets BCD: MII 2 digits, country 3, issuer 5, serial 10).
 */
typedef struct cvc_pr_gem_ee {
	uint8_t key_id[2];
	char iccsn[21]; /* 20 digits */
} cvc_pr_gem_ee;

#define CVC_PR_ICCSN_MII     0, 2
#define CVC_PR_ICCSN_COUNTRY 2, 3
#define CVC_PR_ICCSN_ISSUER  5, 5
#define CVC_PR_ICCSN_SERIAL  10, 10

CVC_INTERNAL bool cvc_pr_gematik_ee(cvc_span ref, cvc_pr_gem_ee *out);

/*
 * Key size in bits: from the modulus (RSA), the prime p, or else the length
 * of the public point (domain parameters inherited). 0 when unknown.
 */
CVC_INTERNAL unsigned cvc_pr_key_bits(const cvc_pubkey *key, unsigned cpi);

/* Name of component i (tag 0x81 + i) for the key type; NULL when none. */
CVC_INTERNAL const char *cvc_pr_component_name(cvc_key_type type, size_t i);

/*
 * The key type to print: the decoder's, or EC when the OID is not an
 * algorithm but the curve is still known (a bare gematik trust-anchor key
 * names its curve in the 06 object).
 */
CVC_INTERNAL cvc_key_type cvc_pr_key_type(const cvc_pubkey *key, unsigned cpi);

/* "EC", "RSA" or "unknown". */
CVC_INTERNAL const char *cvc_pr_key_type_name(cvc_key_type type);

/*
 * Name of a data object inside an extension (TR-03110-3 C.3), e.g. the
 * hashes 80/81 of id-description and id-sector. NULL when unknown.
 */
CVC_INTERNAL const char *cvc_pr_ext_object_name(cvc_span ext_oid, uint32_t tag);

/* True when s is a (possibly empty) sequence of well-formed TLVs. */
CVC_INTERNAL bool cvc_pr_is_tlv_sequence(cvc_span s);

/* Sanity of a certificate view given by a caller: spans and counts. */
CVC_INTERNAL bool cvc_pr_cert_ok(const cvc_cert *cert);
CVC_INTERNAL bool cvc_pr_key_ok(const cvc_pubkey *key);

#endif
