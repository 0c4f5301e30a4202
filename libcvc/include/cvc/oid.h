/* SPDX-License-Identifier: MIT */
/* Object identifiers that occur in CVCs: names and dotted text. */
#ifndef CVC_OID_H
#define CVC_OID_H

#include <stddef.h>

#include <cvc/tlv.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Symbolic name of a known OID (value octets, no 06 header), e.g.
 * "id-TA-ECDSA-SHA-256", "id-AT", "id-sector"; NULL when unknown.
 */
const char *cvc_oid_name(cvc_span oid);

/*
 * Dotted decimal form ("0.4.0.127.0.7.2.2.2.2.3") into buf. Returns
 * CVC_ERR_BAD_VALUE for a malformed encoding (empty, truncated arc, arc over
 * 64 bits, non-minimal arc) and CVC_ERR_BUFFER_TOO_SMALL when it does not fit.
 */
cvc_err cvc_oid_to_text(cvc_span oid, char *buf, size_t size);

/*
 * Name of the elliptic curve of a public key: from its domain parameters
 * when present (matched against the known prime fields and generators), or
 * from the point length for gematik keys (65/97/129 -> brainpoolP256/384/
 * 512r1) when cpi is CVC_CPI_GEMATIK_G2. NULL when unknown or absent.
 */
struct cvc_pubkey;
const char *cvc_curve_name(const struct cvc_pubkey *key, unsigned cpi);

#ifdef __cplusplus
}
#endif

#endif
