/* SPDX-License-Identifier: MIT */
/*
 * Test helper: builds CVC hierarchies (CVCA, links, DVs, terminals, gematik
 * roots and sub-CAs) with real keys through cvc_signer and cvc_cert_encode,
 * and signed revocation lists. Failures abort the running Check test.
 */
#ifndef TESTPKI_H
#define TESTPKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cvc/cvc.h>

#define TESTPKI_MAX_DER 2048

/* Terminal-type OIDs (value octets) for spec.type. */
extern const uint8_t testpki_id_at[9];
extern const uint8_t testpki_id_is[9];
extern const uint8_t testpki_id_st[9];
extern const uint8_t testpki_gematik_ti[8];

typedef struct testpki_cert {
	cvc_signer *key; /* the holder's private key */
	bool own_key;    /* key is freed with the certificate */
	uint8_t der[TESTPKI_MAX_DER];
	size_t len;
	cvc_cert cert; /* view into der */
} testpki_cert;

typedef struct testpki_spec {
	const char *chr;        /* text CHR, or ... */
	const uint8_t *chr_bin; /* ... binary CHR of chr_len octets */
	size_t chr_len;
	const char *car;  /* NULL: the issuer's CHR (self-signed: own) */
	uint8_t cpi;      /* 0x00 or 0x70 (or anything, to test) */
	const char *key;  /* "brainpoolP256r1" (default), "rsa2048", ... */
	const char *algo; /* default: id-TA-ECDSA-SHA-256 / -RSA-v1-5-SHA-256 */
	int domain;       /* EC domain parameters: 1 yes, 0 no, -1 (default)
	                     when self-signed or role CVCA */
	const uint8_t *type; /* CHAT OID; default id-AT */
	size_t type_len;
	const uint8_t *chat; /* CHAT bits, role included */
	size_t chat_len;
	const char *from;             /* CED "YYYY-MM-DD" */
	const char *to;               /* CXD */
	const testpki_cert *same_key; /* reuse this holder's key */
} testpki_spec;

/* Issues spec, signed by issuer (NULL: self-signed) into *out. */
void testpki_issue(const testpki_cert *issuer, const testpki_spec *spec,
                   testpki_cert *out);
void testpki_free(testpki_cert *c);

/* Flips the low bit of der[offset] and decodes again. */
void testpki_flip(testpki_cert *c, size_t offset);
/* Offsets of the first CHAT bit octet and of the signature's first octet. */
size_t testpki_chat_offset(const testpki_cert *c);
size_t testpki_signature_offset(const testpki_cert *c);

/* The holder's public key as a bare 7F49 object with domain parameters. */
size_t testpki_pubkey(const testpki_cert *c, uint8_t *out, size_t cap);

/* One revocation entry: CHR text, date "YYYY-MM-DD". */
typedef struct testpki_revoked {
	const char *chr;
	const char *on;
} testpki_revoked;

/*
 * A signed revocation list named issuer_chr (NULL: signer's CHR), signed
 * with signer's key; returns its length in out. Decodes it into *crl.
 */
size_t testpki_crl(const testpki_cert *signer, const char *issuer_chr,
                   const char *this_update, const char *next_update,
                   const testpki_revoked *entries, size_t n, uint8_t *out,
                   size_t cap, cvc_crl *crl);

/* Zeroes spec and sets the usual fields (domain: automatic). */
void testpki_spec_init(testpki_spec *s, const char *chr, const uint8_t *chat,
                       size_t chat_len, const char *from, const char *to);

/*
 * The standard hierarchy of the tests: CVCA DETESTCVCA00001 (2025-01-01 ..
 * 2027-12-31) -> DV DETESTDV000001 (2025-06-01 .. 2025-12-31) -> terminal
 * DETESTTERM00001 (2025-07-01 .. 2025-07-31), AT CHATs below; a store with
 * the CVCA as anchor and the DV as intermediate; at = 2025-07-15.
 */
extern const uint8_t testpki_chat_cvca[5]; /* FF FF FF FF FF */
extern const uint8_t testpki_chat_dv[5];   /* BF FF FF FF 0F */
extern const uint8_t testpki_chat_term[5]; /* 00 00 00 01 07 */

typedef struct testpki_std {
	testpki_cert cvca, dv, term;
	cvc_store *store;
	cvc_date at;
} testpki_std;

/* key/algo NULL: brainpoolP256r1 / id-TA-ECDSA-SHA-256. */
void testpki_std_build(testpki_std *p, const char *key, const char *algo);
void testpki_std_free(testpki_std *p);

cvc_date testpki_date(const char *text);
cvc_span testpki_span(const char *text);

#endif
