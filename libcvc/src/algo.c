/* SPDX-License-Identifier: MIT */
/*
 * Algorithm table: the key and signature OIDs of TR-03110-3 A.6.4 / D.3 and
 * gemSpec_PKI 6.4, what scheme and hash each stands for, and the named
 * curves libcvc can build keys on.
 */
#include <string.h>
#include <strings.h>

#include <openssl/obj_mac.h>

#include "crypto_int.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* bsi-de 0.4.0.127.0.7, id-TA = bsi-de.2.2.2 (TR-03110-3 A.6.4) */
#define ID_TA_RSA   0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x02, 0x01
#define ID_TA_ECDSA 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x02, 0x02
/* authS_gemSpec-COS-G2_ecc-with-sha* 1.3.36.3.5.3 (gemSpec_PKI 6.4) */
#define GEM_COS_G2 0x2B, 0x24, 0x03, 0x05, 0x03
/* ecdsa-with-SHA2 1.2.840.10045.4.3 (RFC 5758 3.2) */
#define ECDSA_WITH_SHA2 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03

#define ALGO(name, scheme, hash, ...)                                          \
	{                                                                      \
		name, (const uint8_t[]){__VA_ARGS__},                          \
		    sizeof((const uint8_t[]){__VA_ARGS__}), scheme, hash       \
	}

static const cvc_algo algos[] = {
    ALGO("id-TA-RSA-v1-5-SHA-1", CVC_SCHEME_RSA_V15, CVC_HASH_SHA1, ID_TA_RSA,
         0x01),
    ALGO("id-TA-RSA-v1-5-SHA-256", CVC_SCHEME_RSA_V15, CVC_HASH_SHA256,
         ID_TA_RSA, 0x02),
    ALGO("id-TA-RSA-PSS-SHA-1", CVC_SCHEME_RSA_PSS, CVC_HASH_SHA1, ID_TA_RSA,
         0x03),
    ALGO("id-TA-RSA-PSS-SHA-256", CVC_SCHEME_RSA_PSS, CVC_HASH_SHA256,
         ID_TA_RSA, 0x04),
    ALGO("id-TA-RSA-v1-5-SHA-512", CVC_SCHEME_RSA_V15, CVC_HASH_SHA512,
         ID_TA_RSA, 0x05),
    ALGO("id-TA-RSA-PSS-SHA-512", CVC_SCHEME_RSA_PSS, CVC_HASH_SHA512,
         ID_TA_RSA, 0x06),
    ALGO("id-TA-ECDSA-SHA-1", CVC_SCHEME_ECDSA, CVC_HASH_SHA1, ID_TA_ECDSA,
         0x01),
    ALGO("id-TA-ECDSA-SHA-224", CVC_SCHEME_ECDSA, CVC_HASH_SHA224, ID_TA_ECDSA,
         0x02),
    ALGO("id-TA-ECDSA-SHA-256", CVC_SCHEME_ECDSA, CVC_HASH_SHA256, ID_TA_ECDSA,
         0x03),
    ALGO("id-TA-ECDSA-SHA-384", CVC_SCHEME_ECDSA, CVC_HASH_SHA384, ID_TA_ECDSA,
         0x04),
    ALGO("id-TA-ECDSA-SHA-512", CVC_SCHEME_ECDSA, CVC_HASH_SHA512, ID_TA_ECDSA,
         0x05),
    /* gematik G2 end-entity keys (gemSpec_PKI Tab_PKI_901) */
    ALGO("authS_gemSpec-COS-G2_ecc-with-sha256", CVC_SCHEME_ECDSA,
         CVC_HASH_SHA256, GEM_COS_G2, 0x01),
    ALGO("authS_gemSpec-COS-G2_ecc-with-sha384", CVC_SCHEME_ECDSA,
         CVC_HASH_SHA384, GEM_COS_G2, 0x02),
    ALGO("authS_gemSpec-COS-G2_ecc-with-sha512", CVC_SCHEME_ECDSA,
         CVC_HASH_SHA512, GEM_COS_G2, 0x03),
    /* gematik G2 CA keys; the signature is plain r||s all the same */
    ALGO("ecdsa-with-SHA256", CVC_SCHEME_ECDSA, CVC_HASH_SHA256,
         ECDSA_WITH_SHA2, 0x02),
    ALGO("ecdsa-with-SHA384", CVC_SCHEME_ECDSA, CVC_HASH_SHA384,
         ECDSA_WITH_SHA2, 0x03),
    ALGO("ecdsa-with-SHA512", CVC_SCHEME_ECDSA, CVC_HASH_SHA512,
         ECDSA_WITH_SHA2, 0x04),
};

static bool span_is(cvc_span s, const uint8_t *data, size_t len)
{
	return s.data != NULL && s.len == len && memcmp(s.data, data, len) == 0;
}

const cvc_algo *cvc_algo_from_oid(cvc_span oid)
{
	for (size_t i = 0; i < COUNT(algos); i++)
		if (span_is(oid, algos[i].oid, algos[i].oid_len))
			return &algos[i];
	return NULL;
}

const cvc_algo *cvc_algo_from_name(const char *name)
{
	static const char ta_prefix[] = "id-TA-";

	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < COUNT(algos); i++) {
		const char *full = algos[i].name;

		if (strcasecmp(name, full) == 0)
			return &algos[i];
		/* short form: "ECDSA-SHA-256" for "id-TA-ECDSA-SHA-256" */
		if (strncmp(full, ta_prefix, sizeof(ta_prefix) - 1) == 0 &&
		    strcasecmp(name, full + sizeof(ta_prefix) - 1) == 0)
			return &algos[i];
	}
	return NULL;
}

const cvc_algo *cvc_algo_for(cvc_sig_scheme scheme, cvc_hash hash)
{
	for (size_t i = 0; i < COUNT(algos); i++)
		if (algos[i].scheme == scheme && algos[i].hash == hash)
			return &algos[i];
	return NULL;
}

const char *cvc_hash_name(cvc_hash hash)
{
	switch (hash) {
	case CVC_HASH_SHA1:
		return "SHA-1";
	case CVC_HASH_SHA224:
		return "SHA-224";
	case CVC_HASH_SHA256:
		return "SHA-256";
	case CVC_HASH_SHA384:
		return "SHA-384";
	case CVC_HASH_SHA512:
		return "SHA-512";
	case CVC_HASH_NONE:
		break;
	}
	return "none";
}

size_t cvc_hash_size(cvc_hash hash)
{
	switch (hash) {
	case CVC_HASH_SHA1:
		return 20;
	case CVC_HASH_SHA224:
		return 28;
	case CVC_HASH_SHA256:
		return 32;
	case CVC_HASH_SHA384:
		return 48;
	case CVC_HASH_SHA512:
		return 64;
	case CVC_HASH_NONE:
		break;
	}
	return 0;
}

const char *cvc_hash_ossl_name(cvc_hash hash)
{
	switch (hash) {
	case CVC_HASH_SHA1:
		return "SHA1";
	case CVC_HASH_SHA224:
		return "SHA224";
	case CVC_HASH_SHA256:
		return "SHA256";
	case CVC_HASH_SHA384:
		return "SHA384";
	case CVC_HASH_SHA512:
		return "SHA512";
	case CVC_HASH_NONE:
		break;
	}
	return NULL;
}

const EVP_MD *cvc_hash_md(cvc_hash hash)
{
	switch (hash) {
	case CVC_HASH_SHA1:
		return EVP_sha1();
	case CVC_HASH_SHA224:
		return EVP_sha224();
	case CVC_HASH_SHA256:
		return EVP_sha256();
	case CVC_HASH_SHA384:
		return EVP_sha384();
	case CVC_HASH_SHA512:
		return EVP_sha512();
	case CVC_HASH_NONE:
		break;
	}
	return NULL;
}

bool cvc_algo_fits_pkey(const cvc_algo *algo, const EVP_PKEY *pkey)
{
	if (algo == NULL || pkey == NULL || algo->hash == CVC_HASH_NONE ||
	    cvc_hash_md(algo->hash) == NULL)
		return false;
	switch (algo->scheme) {
	case CVC_SCHEME_ECDSA:
		return EVP_PKEY_is_a(pkey, "EC");
	case CVC_SCHEME_RSA_V15:
	case CVC_SCHEME_RSA_PSS:
		return EVP_PKEY_is_a(pkey, "RSA");
	case CVC_SCHEME_UNKNOWN:
		break;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Named curves (RFC 5639, FIPS 186-4 D.1.2, SEC 2)                    */

/* ecStdCurvesAndGeneration 1.3.36.3.3.2.8.1.1 (RFC 5639 4.1) */
#define BRAINPOOL_R1 0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01
/* ansi-X9-62 primeCurve 1.2.840.10045.3.1 */
#define X962_PRIME 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01
/* certicom-arc curve 1.3.132.0 */
#define SECG_CURVE 0x2B, 0x81, 0x04, 0x00

#define CURVE(name, ossl, a0, a1, nid, bits, ...)                              \
	{                                                                      \
		name, ossl, {a0, a1}, nid, (const uint8_t[]){__VA_ARGS__},     \
		    sizeof((const uint8_t[]){__VA_ARGS__}), bits               \
	}

static const cvc_curve curves[] = {
    CURVE("brainpoolP160r1", "brainpoolP160r1", NULL, NULL, NID_brainpoolP160r1,
          160, BRAINPOOL_R1, 0x01),
    CURVE("brainpoolP192r1", "brainpoolP192r1", NULL, NULL, NID_brainpoolP192r1,
          192, BRAINPOOL_R1, 0x03),
    CURVE("brainpoolP224r1", "brainpoolP224r1", NULL, NULL, NID_brainpoolP224r1,
          224, BRAINPOOL_R1, 0x05),
    CURVE("brainpoolP256r1", "brainpoolP256r1", NULL, NULL, NID_brainpoolP256r1,
          256, BRAINPOOL_R1, 0x07),
    CURVE("brainpoolP320r1", "brainpoolP320r1", NULL, NULL, NID_brainpoolP320r1,
          320, BRAINPOOL_R1, 0x09),
    CURVE("brainpoolP384r1", "brainpoolP384r1", NULL, NULL, NID_brainpoolP384r1,
          384, BRAINPOOL_R1, 0x0B),
    CURVE("brainpoolP512r1", "brainpoolP512r1", NULL, NULL, NID_brainpoolP512r1,
          512, BRAINPOOL_R1, 0x0D),
    CURVE("P-192", "prime192v1", "secp192r1", NULL, NID_X9_62_prime192v1, 192,
          X962_PRIME, 0x01),
    CURVE("P-224", "secp224r1", NULL, NULL, NID_secp224r1, 224, SECG_CURVE,
          0x21),
    CURVE("P-256", "prime256v1", "secp256r1", NULL, NID_X9_62_prime256v1, 256,
          X962_PRIME, 0x07),
    CURVE("P-384", "secp384r1", NULL, NULL, NID_secp384r1, 384, SECG_CURVE,
          0x22),
    CURVE("P-521", "secp521r1", NULL, NULL, NID_secp521r1, 521, SECG_CURVE,
          0x23),
    CURVE("secp256k1", "secp256k1", NULL, NULL, NID_secp256k1, 256, SECG_CURVE,
          0x0A),
};

static bool curve_has_name(const cvc_curve *c, const char *name)
{
	if (strcasecmp(name, c->name) == 0 ||
	    strcasecmp(name, c->ossl_name) == 0)
		return true;
	for (size_t i = 0; i < COUNT(c->alias); i++)
		if (c->alias[i] != NULL && strcasecmp(name, c->alias[i]) == 0)
			return true;
	return false;
}

const cvc_curve *cvc_curve_by_name(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < COUNT(curves); i++)
		if (curve_has_name(&curves[i], name))
			return &curves[i];
	return NULL;
}

const cvc_curve *cvc_curve_by_oid(cvc_span oid)
{
	for (size_t i = 0; i < COUNT(curves); i++)
		if (span_is(oid, curves[i].oid, curves[i].oid_len))
			return &curves[i];
	return NULL;
}

const cvc_curve *cvc_curve_at(size_t i)
{
	return i < COUNT(curves) ? &curves[i] : NULL;
}

size_t cvc_curve_bytes(const cvc_curve *curve)
{
	return (curve->bits + 7) / 8;
}

/*
 * A hash at least as long as the order, capped at SHA-512; gemSpec_PKI 6.4
 * pairs brainpoolP256/384/512r1 with SHA-256/384/512 the same way.
 */
const cvc_algo *cvc_algo_default_ec(const cvc_curve *curve)
{
	cvc_hash hash = CVC_HASH_SHA512;

	if (curve->bits <= 256)
		hash = CVC_HASH_SHA256;
	else if (curve->bits <= 384)
		hash = CVC_HASH_SHA384;
	return cvc_algo_for(CVC_SCHEME_ECDSA, hash);
}
