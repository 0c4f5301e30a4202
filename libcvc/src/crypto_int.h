/* SPDX-License-Identifier: MIT */
/*
 * Internals of the crypto layer shared by algo.c, key.c, verify.c and
 * sign.c: the named-curve table and the layout of cvc_key.
 */
#ifndef CVC_CRYPTO_INT_H
#define CVC_CRYPTO_INT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include <cvc/crypto.h>

/* Largest coordinate or order in octets (P-521). */
#define CVC_MAX_EC_BYTES 66

/* A named curve libcvc knows: the TA curves of TR-03110-3 plus P-521. */
typedef struct cvc_curve {
	const char *name;      /* libcvc's name: "brainpoolP256r1", "P-256" */
	const char *ossl_name; /* OpenSSL's group name */
	const char *alias[2];  /* other accepted names, NULL when unused */
	int nid;
	const uint8_t *oid; /* DER value of the curve OID */
	size_t oid_len;
	unsigned bits; /* size of the prime field */
} cvc_curve;

/* Curve by any of its names (case-insensitive); NULL when unknown. */
const cvc_curve *cvc_curve_by_name(const char *name);
/* Curve whose OID is `oid` (value octets); NULL when none. */
const cvc_curve *cvc_curve_by_oid(cvc_span oid);
/* i-th table entry, NULL past the end: for matching domain parameters. */
const cvc_curve *cvc_curve_at(size_t i);
/* Octets of a field element (and of the order: equal for these curves). */
size_t cvc_curve_bytes(const cvc_curve *curve);

/*
 * Table entry with this scheme and hash (the id-TA OID where there is one,
 * else the ecdsa-with-SHA2 one); NULL when none. For defaults.
 */
const cvc_algo *cvc_algo_for(cvc_sig_scheme scheme, cvc_hash hash);
/* ECDSA algorithm a key on `curve` signs with when none is given. */
const cvc_algo *cvc_algo_default_ec(const cvc_curve *curve);

/* OpenSSL digest name ("SHA256"), NULL for CVC_HASH_NONE. */
const char *cvc_hash_ossl_name(cvc_hash hash);
/*
 * OpenSSL's built-in digest (EVP_sha256(), ...). These are static objects;
 * a prefetched EVP_MD (EVP_MD_fetch) avoids the implicit fetch per call.
 */
const EVP_MD *cvc_hash_md(cvc_hash hash);

struct cvc_key {
	EVP_PKEY *pkey;
	const cvc_algo *algo;   /* NULL when the key names none */
	const cvc_curve *curve; /* NULL for RSA */
	EVP_MD *md;             /* prefetched digest of algo, or NULL */
	unsigned bits;          /* order bits (EC) or modulus bits (RSA) */
	size_t sig_len;         /* ECDSA 2l, RSA modulus octets */
	size_t order_len;       /* l = ceil(order bits / 8), EC only */
	uint8_t order[CVC_MAX_EC_BYTES]; /* order, big-endian, l octets */
};

/*
 * Builds a key on a named curve from an uncompressed point (04 || X || Y).
 * CVC_ERR_BAD_KEY when the point is malformed or not on the curve.
 */
cvc_err cvc_key_new_ec(const cvc_curve *curve, const uint8_t *point,
                       size_t point_len, const cvc_algo *algo, cvc_key **out);

/* True when the algorithm's scheme can be used with the key's type. */
bool cvc_algo_fits_pkey(const cvc_algo *algo, const EVP_PKEY *pkey);

/*
 * A signer around a private key that lives elsewhere (sign_pkcs11.c): it
 * signs through the same code as file keys. Takes ownership of pkey in
 * every case; release(release_ctx), when not NULL, runs once after pkey is
 * freed (on failure here, or in cvc_signer_free).
 */
cvc_err cvc_signer_wrap(EVP_PKEY *pkey, const cvc_algo *algo,
                        void (*release)(void *ctx), void *release_ctx,
                        cvc_signer **out);

#endif
