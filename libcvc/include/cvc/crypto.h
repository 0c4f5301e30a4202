/* SPDX-License-Identifier: MIT */
/*
 * Signature algorithms and public keys (TR-03110-3 A.7.3-4, D.3; TR-03111;
 * gemSpec_PKI 6.4), verification with OpenSSL 3 EVP interfaces.
 *
 * A cvc_key is an opaque, immutable public key (it owns an EVP_PKEY). Once
 * built it may be shared read-only between threads and cached: verifying
 * with a cached key does no parsing and no curve lookup.
 */
#ifndef CVC_CRYPTO_H
#define CVC_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cvc/cert.h>
#include <cvc/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cvc_sig_scheme {
	CVC_SCHEME_UNKNOWN = 0,
	CVC_SCHEME_ECDSA,   /* plain r||s, TR-03111 5.2.1 */
	CVC_SCHEME_RSA_V15, /* RSASSA-PKCS1-v1_5 */
	CVC_SCHEME_RSA_PSS, /* RSASSA-PSS, MGF1 with the same hash */
} cvc_sig_scheme;

typedef enum cvc_hash {
	CVC_HASH_NONE = 0,
	CVC_HASH_SHA1,
	CVC_HASH_SHA224,
	CVC_HASH_SHA256,
	CVC_HASH_SHA384,
	CVC_HASH_SHA512,
} cvc_hash;

/* One entry of the algorithm table: a key/signature OID and what it means. */
typedef struct cvc_algo {
	const char *name;      /* "id-TA-ECDSA-SHA-256" */
	const uint8_t *oid;    /* DER value octets, no 06 header */
	size_t oid_len;
	cvc_sig_scheme scheme;
	cvc_hash hash;
} cvc_algo;

/* Table lookup; NULL when the OID is not a signature algorithm we know. */
const cvc_algo *cvc_algo_from_oid(cvc_span oid);
/* Lookup by name ("id-TA-ECDSA-SHA-256", also short "ECDSA-SHA-256"). */
const cvc_algo *cvc_algo_from_name(const char *name);
const char *cvc_hash_name(cvc_hash hash); /* "SHA-256" */
size_t cvc_hash_size(cvc_hash hash);      /* octets */

typedef struct cvc_key cvc_key;

/*
 * Public key from a CVC 7F49 object. `domain` supplies the EC domain
 * parameters when `pk` has none (DV and terminal keys inherit them from the
 * CVCA, TR-03110-3 D.3.3); pass NULL when pk carries its own. For the gematik
 * G2 profile (cpi 0x70) the curve follows from the point length. Explicit
 * parameters are matched to the named curve they equal; unknown ones give
 * CVC_ERR_DOMAIN_PARAMS. A point not on its curve gives CVC_ERR_BAD_KEY.
 */
cvc_err cvc_key_from_pubkey(const cvc_pubkey *pk, const cvc_pubkey *domain,
			    unsigned cpi, cvc_key **out, cvc_diag *diag);

/*
 * Public keys given directly, for integrators who verify transcripts:
 * an uncompressed point on a named curve ("brainpoolP256r1", "P-256",
 * "prime256v1", "secp256k1", ...) or an RSA modulus and exponent (big-endian).
 * algo may be NULL; then cvc_key_verify needs an explicit algorithm.
 */
cvc_err cvc_key_from_ec_point(const char *curve, const uint8_t *point,
			      size_t point_len, const cvc_algo *algo,
			      cvc_key **out);
cvc_err cvc_key_from_rsa(const uint8_t *n, size_t n_len, const uint8_t *e,
			 size_t e_len, const cvc_algo *algo, cvc_key **out);

/* Frees *key (NULL allowed) and sets it to NULL. */
void cvc_key_free(cvc_key **key);

const cvc_algo *cvc_key_algo(const cvc_key *key);
const char *cvc_key_curve_name(const cvc_key *key); /* NULL for RSA */
unsigned cvc_key_bits(const cvc_key *key);
/* True when both are the same public key (same curve/point or n/e). */
bool cvc_key_equal(const cvc_key *a, const cvc_key *b);

/*
 * Verifies sig over msg. algo NULL means the key's own algorithm. ECDSA
 * signatures must be exactly 2 * ceil(order bits / 8) octets (TR-03111);
 * RSA-PSS accepts any salt length. CVC_OK, or CVC_ERR_SIGNATURE when the
 * signature is wrong, or another code when it cannot be checked at all.
 */
cvc_err cvc_key_verify(const cvc_key *key, const cvc_algo *algo,
		       const uint8_t *msg, size_t msg_len, const uint8_t *sig,
		       size_t sig_len);

/*
 * Verifies cert's (inner) signature over DER(7F4E) with the issuer's key;
 * the algorithm is the issuer key's (TR-03110-3 C.1.8).
 */
cvc_err cvc_cert_verify_signature(const cvc_cert *cert,
				  const cvc_key *issuer_key);

/*
 * Requests: the inner signature is a self-signature with the request's own
 * key (proof of possession; the request carries its domain parameters, or
 * `domain` supplies them); the outer signature of an authenticated request
 * covers DER(7F21) || DER(42) and is made with outer_key.
 */
cvc_err cvc_request_verify_inner(const cvc_cert *req,
				 const cvc_pubkey *domain);
cvc_err cvc_request_verify_outer(const cvc_cert *req,
				 const cvc_key *outer_key);

/* ------------------------------------------------------------------ */
/*
 * Signing. A cvc_signer owns a private key (wiped when freed) and the
 * algorithm it signs with; every signature libcvc makes goes through this
 * interface, so other back ends (PKCS#11, cards) plug in behind it.
 */
typedef struct cvc_signer cvc_signer;

/*
 * Generates a new key: spec is a curve name ("brainpoolP256r1", "P-256", ...)
 * or "rsa2048"/"rsa3072"/... . algo must fit the key type.
 */
cvc_err cvc_signer_generate(const char *spec, const cvc_algo *algo,
			    cvc_signer **out);
/* Loads a private key from a PEM or DER file (PKCS#8 or traditional). */
cvc_err cvc_signer_load_file(const char *path, const cvc_algo *algo,
			     cvc_signer **out);
/* Loads a private key from PEM or DER bytes in memory. */
cvc_err cvc_signer_load_mem(const uint8_t *data, size_t len,
			    const cvc_algo *algo, cvc_signer **out);
void cvc_signer_free(cvc_signer **signer);

const cvc_algo *cvc_signer_algo(const cvc_signer *signer);

/*
 * Signs msg. ECDSA: plain r||s, each half left-padded to the order length
 * (TR-03111 5.2.1); RSA-PSS: salt length = hash length. *sig_len gets the
 * size written, or needed with CVC_ERR_BUFFER_TOO_SMALL (sig may be NULL).
 */
cvc_err cvc_signer_sign(const cvc_signer *signer, const uint8_t *msg,
			size_t msg_len, uint8_t *sig, size_t cap,
			size_t *sig_len);

/*
 * Public half as a CVC 7F49 object with the signer's algorithm OID: with EC
 * domain parameters when with_domain is true (CVCA, requests), else the
 * point only. Written to out like cvc_cert_encode.
 */
cvc_err cvc_signer_pubkey_encode(const cvc_signer *signer, bool with_domain,
				 uint8_t *out, size_t cap, size_t *out_len);

/* Public half as a verification key. */
cvc_err cvc_signer_public_key(const cvc_signer *signer, cvc_key **out);

/*
 * Loads a private key from a PKCS#11 token (RFC 7512 URI, e.g.
 * "pkcs11:token=cvc-ca;object=ca-bp256;type=private") through OpenSSL's
 * pkcs11 engine (libp11). The key never leaves the token; signing and the
 * public half work as for any other signer.
 * module: the PKCS#11 library; NULL means $PKCS11_MODULE_PATH. There is no
 * built-in default (the engine's own, p11-kit-proxy, is rarely meant).
 * pin: NULL means the URI's pin-value, else $CVC_PKCS11_PIN. There is never
 * a prompt. The engine is process-wide and libp11 keeps the first module
 * it loaded until exit: a later call naming another module gets
 * CVC_ERR_UNSUPPORTED. PKCS#11 login is per process too, so once a token
 * is logged in, later loads from it succeed whatever PIN they give.
 * Errors: CVC_ERR_INVALID_ARG for a bad URI, no module, no PIN or a wrong
 * or locked PIN; CVC_ERR_IO when the module cannot be loaded or the token
 * or object does not exist; CVC_ERR_UNSUPPORTED without the engine or
 * for a second module.
 */
cvc_err cvc_signer_load_pkcs11(const char *uri, const char *pin,
			       const char *module, const cvc_algo *algo,
			       cvc_signer **out);

/*
 * For tools: spec is a "pkcs11:" URI (cvc_signer_load_pkcs11 with module
 * NULL and this pin) or a key file path (cvc_signer_load_file; pin unused).
 */
cvc_err cvc_signer_load(const char *spec, const char *pin,
			const cvc_algo *algo, cvc_signer **out);

#ifdef __cplusplus
}
#endif

#endif
