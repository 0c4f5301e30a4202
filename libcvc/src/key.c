/* SPDX-License-Identifier: MIT */
/*
 * Public keys: from CVC 7F49 objects (TR-03110-3 D.3), from a named curve and
 * a point, or from an RSA modulus and exponent. Keys are always built on
 * OpenSSL's named groups, never from explicit parameters, so that OpenSSL
 * takes its fast code paths; explicit CVC domain parameters are first matched
 * against the named curves they must equal.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "crypto_int.h"

/* RSA limits: TR-03110-3 A.7.3.1 moduli start at 1024 bits (the corpus has
 * RSA-1024 chains); OpenSSL refuses more than 16384 bits and, for large
 * moduli, public exponents over 64 bits. */
#define RSA_MIN_BITS     1024u
#define RSA_MAX_BITS     16384u
#define RSA_MAX_E_OCTETS 8u

static cvc_err key_fail(cvc_diag *diag, cvc_err err, uint32_t tag,
                        const char *reason)
{
	if (diag != NULL) {
		memset(diag, 0, sizeof(*diag));
		diag->err = err;
		diag->field = "public key";
		diag->tag = tag;
		diag->reason = reason;
	}
	return err;
}

static cvc_span strip_zeros(cvc_span s)
{
	while (s.len > 0 && s.data[0] == 0) {
		s.data++;
		s.len--;
	}
	return s;
}

static unsigned span_bits(cvc_span s)
{
	unsigned bits;

	s = strip_zeros(s);
	if (s.len == 0)
		return 0;
	bits = (unsigned)(s.len - 1) * 8;
	for (uint8_t top = s.data[0]; top != 0; top >>= 1)
		bits++;
	return bits;
}

/* ------------------------------------------------------------------ */
/* Key objects                                                         */

static cvc_key *key_new(EVP_PKEY *pkey)
{
	cvc_key *key = calloc(1, sizeof(*key));

	if (key != NULL)
		key->pkey = pkey;
	return key;
}

/*
 * The digest is fetched once here so that each verification skips
 * OpenSSL's implicit fetch by name.
 */
static cvc_err key_set_algo(cvc_key *key, const cvc_algo *algo)
{
	key->algo = algo;
	if (algo == NULL)
		return CVC_OK;
	key->md = EVP_MD_fetch(NULL, cvc_hash_ossl_name(algo->hash), NULL);
	return key->md != NULL ? CVC_OK : CVC_ERR_CRYPTO;
}

void cvc_key_free(cvc_key **key)
{
	if (key == NULL || *key == NULL)
		return;
	EVP_PKEY_free((*key)->pkey);
	EVP_MD_free((*key)->md);
	free(*key);
	*key = NULL;
}

const cvc_algo *cvc_key_algo(const cvc_key *key)
{
	return key != NULL ? key->algo : NULL;
}

const char *cvc_key_curve_name(const cvc_key *key)
{
	return key != NULL && key->curve != NULL ? key->curve->name : NULL;
}

unsigned cvc_key_bits(const cvc_key *key)
{
	return key != NULL ? key->bits : 0;
}

bool cvc_key_equal(const cvc_key *a, const cvc_key *b)
{
	if (a == NULL || b == NULL)
		return false;
	return EVP_PKEY_eq(a->pkey, b->pkey) == 1;
}

/* ------------------------------------------------------------------ */
/* EC keys on named curves                                             */

static EVP_PKEY *ec_pkey_from_point(const cvc_curve *curve,
                                    const uint8_t *point, size_t len)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	                                     (char *)curve->ossl_name, 0),
	    OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
	                                      (void *)point, len),
	    OSSL_PARAM_construct_end(),
	};

	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/*
 * Every curve in the table has cofactor 1, so a point that is on the curve
 * and not the point at infinity has the group order: the quick check (no
 * scalar multiplication by the order) is complete here.
 */
static bool ec_point_valid(EVP_PKEY *pkey)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	bool ok = ctx != NULL && EVP_PKEY_public_check_quick(ctx) == 1;

	EVP_PKEY_CTX_free(ctx);
	return ok;
}

static cvc_err key_load_order(cvc_key *key, const cvc_curve *curve)
{
	EC_GROUP *group = EC_GROUP_new_by_curve_name(curve->nid);
	const BIGNUM *order = group ? EC_GROUP_get0_order(group) : NULL;
	int n = order ? BN_num_bytes(order) : 0;
	cvc_err err = CVC_ERR_CRYPTO;

	if (n > 0 && n <= CVC_MAX_EC_BYTES &&
	    BN_bn2binpad(order, key->order, n) == n) {
		key->order_len = (size_t)n;
		key->sig_len = 2 * (size_t)n;
		key->bits = (unsigned)BN_num_bits(order);
		err = CVC_OK;
	}
	EC_GROUP_free(group);
	return err;
}

/* TR-03110-3 D.3.3 / TR-03111 3.2: uncompressed 04 || X || Y. */
static bool point_well_formed(const cvc_curve *curve, const uint8_t *point,
                              size_t len)
{
	return point != NULL && len == 1 + 2 * cvc_curve_bytes(curve) &&
	       point[0] == 0x04;
}

cvc_err cvc_key_new_ec(const cvc_curve *curve, const uint8_t *point,
                       size_t point_len, const cvc_algo *algo, cvc_key **out)
{
	EVP_PKEY *pkey;
	cvc_key *key;
	cvc_err err;

	if (!point_well_formed(curve, point, point_len))
		return CVC_ERR_BAD_KEY;
	pkey = ec_pkey_from_point(curve, point, point_len);
	if (pkey == NULL || !ec_point_valid(pkey)) {
		EVP_PKEY_free(pkey);
		ERR_clear_error();
		return CVC_ERR_BAD_KEY;
	}
	key = key_new(pkey);
	if (key == NULL) {
		EVP_PKEY_free(pkey);
		return CVC_ERR_NO_MEMORY;
	}
	key->curve = curve;
	err = key_load_order(key, curve);
	if (err == CVC_OK)
		err = key_set_algo(key, algo);
	if (err != CVC_OK) {
		cvc_key_free(&key);
		return err;
	}
	*out = key;
	return CVC_OK;
}

cvc_err cvc_key_from_ec_point(const char *curve_name, const uint8_t *point,
                              size_t point_len, const cvc_algo *algo,
                              cvc_key **out)
{
	const cvc_curve *curve;

	if (out == NULL)
		return CVC_ERR_INVALID_ARG;
	*out = NULL;
	if (curve_name == NULL || point == NULL)
		return CVC_ERR_INVALID_ARG;
	if (algo != NULL && algo->scheme != CVC_SCHEME_ECDSA)
		return CVC_ERR_UNKNOWN_ALGORITHM;
	curve = cvc_curve_by_name(curve_name);
	if (curve == NULL)
		return CVC_ERR_DOMAIN_PARAMS;
	return cvc_key_new_ec(curve, point, point_len, algo, out);
}

/* ------------------------------------------------------------------ */
/* RSA keys                                                            */

static cvc_err rsa_check(cvc_span n, cvc_span e, const char **why)
{
	unsigned n_bits = span_bits(n);

	n = strip_zeros(n);
	e = strip_zeros(e);
	*why = NULL;
	if (n_bits < RSA_MIN_BITS)
		*why = "RSA modulus shorter than 1024 bits";
	else if (n_bits > RSA_MAX_BITS)
		*why = "RSA modulus longer than 16384 bits";
	else if ((n.data[n.len - 1] & 1u) == 0)
		*why = "RSA modulus is even";
	else if (e.len == 0 || (e.len == 1 && e.data[0] == 1))
		*why = "RSA exponent is 0 or 1";
	else if ((e.data[e.len - 1] & 1u) == 0)
		*why = "RSA exponent is even";
	else if (e.len > RSA_MAX_E_OCTETS)
		*why = "RSA exponent longer than 64 bits";
	return *why == NULL ? CVC_OK : CVC_ERR_BAD_KEY;
}

static EVP_PKEY *rsa_pkey_from(cvc_span n, cvc_span e)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *bn_n = BN_bin2bn(n.data, (int)n.len, NULL);
	BIGNUM *bn_e = BN_bin2bn(e.data, (int)e.len, NULL);
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;

	if (bld == NULL || bn_n == NULL || bn_e == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e))
		goto done;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
done:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn_n);
	BN_free(bn_e);
	return pkey;
}

static cvc_err rsa_key_new(cvc_span n, cvc_span e, const cvc_algo *algo,
                           cvc_key **out, cvc_diag *diag)
{
	const char *why;
	EVP_PKEY *pkey;
	cvc_key *key;
	cvc_err err = rsa_check(n, e, &why);

	if (err != CVC_OK)
		return key_fail(diag, err, 0x81, why);
	pkey = rsa_pkey_from(n, e);
	if (pkey == NULL) {
		ERR_clear_error();
		return key_fail(diag, CVC_ERR_CRYPTO, 0, "OpenSSL refused key");
	}
	key = key_new(pkey);
	if (key == NULL) {
		EVP_PKEY_free(pkey);
		return CVC_ERR_NO_MEMORY;
	}
	key->bits = span_bits(n);
	key->sig_len = (key->bits + 7) / 8;
	err = key_set_algo(key, algo);
	if (err != CVC_OK) {
		cvc_key_free(&key);
		return err;
	}
	*out = key;
	return CVC_OK;
}

cvc_err cvc_key_from_rsa(const uint8_t *n, size_t n_len, const uint8_t *e,
                         size_t e_len, const cvc_algo *algo, cvc_key **out)
{
	if (out == NULL)
		return CVC_ERR_INVALID_ARG;
	*out = NULL;
	if (n == NULL || e == NULL || n_len > INT32_MAX || e_len > INT32_MAX)
		return CVC_ERR_INVALID_ARG;
	if (algo != NULL && algo->scheme != CVC_SCHEME_RSA_V15 &&
	    algo->scheme != CVC_SCHEME_RSA_PSS)
		return CVC_ERR_UNKNOWN_ALGORITHM;
	return rsa_key_new((cvc_span){n, n_len}, (cvc_span){e, e_len}, algo,
	                   out, NULL);
}

/* ------------------------------------------------------------------ */
/* Explicit domain parameters -> named curve                           */

static bool span_equals_bn(cvc_span s, const BIGNUM *want, BIGNUM *tmp)
{
	return want != NULL && s.len <= INT32_MAX &&
	       BN_bin2bn(s.data, (int)s.len, tmp) != NULL &&
	       BN_cmp(tmp, want) == 0;
}

/* G in the form the CVC uses: uncompressed, or compressed (X9.62 4.3.6). */
static bool generator_matches(const EC_GROUP *group, cvc_span g, BN_CTX *bn)
{
	uint8_t buf[1 + 2 * CVC_MAX_EC_BYTES];
	point_conversion_form_t form;
	size_t n;

	if (g.len == 0)
		return false;
	if (g.data[0] == 0x04)
		form = POINT_CONVERSION_UNCOMPRESSED;
	else if (g.data[0] == 0x02 || g.data[0] == 0x03)
		form = POINT_CONVERSION_COMPRESSED;
	else
		return false;
	n = EC_POINT_point2oct(group, EC_GROUP_get0_generator(group), form, buf,
	                       sizeof(buf), bn);
	return n == g.len && memcmp(buf, g.data, n) == 0;
}

static bool curve_equals(const EC_GROUP *group, const cvc_pubkey *dp, BIGNUM *p,
                         BIGNUM *a, BIGNUM *b, BIGNUM *tmp, BN_CTX *bn)
{
	return EC_GROUP_get_curve(group, p, a, b, bn) == 1 &&
	       span_equals_bn(CVC_EC_P(dp), p, tmp) &&
	       span_equals_bn(CVC_EC_A(dp), a, tmp) &&
	       span_equals_bn(CVC_EC_B(dp), b, tmp);
}

/* The cofactor 87 may be absent (TR-03110-3 D.3.3). */
static bool subgroup_equals(const EC_GROUP *group, const cvc_pubkey *dp,
                            BIGNUM *tmp, BN_CTX *bn)
{
	return span_equals_bn(CVC_EC_ORDER(dp), EC_GROUP_get0_order(group),
	                      tmp) &&
	       (CVC_EC_COFACTOR(dp).len == 0 ||
	        span_equals_bn(CVC_EC_COFACTOR(dp),
	                       EC_GROUP_get0_cofactor(group), tmp)) &&
	       generator_matches(group, CVC_EC_G(dp), bn);
}

static bool group_matches(const EC_GROUP *group, const cvc_pubkey *dp,
                          BN_CTX *bn)
{
	BIGNUM *p, *a, *b, *tmp;
	bool ok;

	BN_CTX_start(bn);
	p = BN_CTX_get(bn);
	a = BN_CTX_get(bn);
	b = BN_CTX_get(bn);
	tmp = BN_CTX_get(bn);
	ok = tmp != NULL && curve_equals(group, dp, p, a, b, tmp, bn) &&
	     subgroup_equals(group, dp, tmp, bn);
	BN_CTX_end(bn);
	return ok;
}

static bool domain_complete(const cvc_pubkey *dp)
{
	for (size_t i = 0; i < 5; i++)
		if (dp->comp[i].len == 0)
			return false;
	return true;
}

/*
 * TR-03110-3 D.3.3 / A.7.3.4: CVCs never name their curve, so p, a, b, G,
 * r (and f when present) are compared with OpenSSL's parameters of each
 * named curve whose field has the same size. Nothing is cached.
 */
static cvc_err curve_from_params(const cvc_pubkey *dp, const cvc_curve **out,
                                 cvc_diag *diag)
{
	size_t p_len = strip_zeros(CVC_EC_P(dp)).len;
	BN_CTX *bn;
	const cvc_curve *c;

	if (!domain_complete(dp))
		return key_fail(diag, CVC_ERR_DOMAIN_PARAMS, 0,
		                "incomplete domain parameters");
	bn = BN_CTX_new();
	if (bn == NULL)
		return CVC_ERR_NO_MEMORY;
	*out = NULL;
	for (size_t i = 0; *out == NULL && (c = cvc_curve_at(i)) != NULL; i++) {
		EC_GROUP *group;

		if (cvc_curve_bytes(c) != p_len)
			continue;
		group = EC_GROUP_new_by_curve_name(c->nid);
		if (group != NULL && group_matches(group, dp, bn))
			*out = c;
		EC_GROUP_free(group);
	}
	BN_CTX_free(bn);
	ERR_clear_error();
	if (*out == NULL)
		return key_fail(diag, CVC_ERR_DOMAIN_PARAMS, 0x81,
		                "domain parameters match no known curve");
	return CVC_OK;
}

/* gemSpec_PKI 6.4: the curve follows from the point length. */
static const cvc_curve *gematik_curve(cvc_span point)
{
	switch (point.len) {
	case 65:
		return cvc_curve_by_name("brainpoolP256r1");
	case 97:
		return cvc_curve_by_name("brainpoolP384r1");
	case 129:
		return cvc_curve_by_name("brainpoolP512r1");
	default:
		return NULL;
	}
}

/*
 * Where the curve comes from, in order: the key's own OID when it names a
 * curve (a bare gematik trust anchor), the key's own parameters, the G2
 * point-length rule, the parameters inherited from `domain` (TR-03110-3
 * D.3.3: DV and terminal keys carry none).
 */
static cvc_err resolve_curve(const cvc_pubkey *pk, const cvc_pubkey *domain,
                             unsigned cpi, const cvc_curve **out,
                             cvc_diag *diag)
{
	const cvc_curve *c = cvc_curve_by_oid(pk->oid);

	if (c == NULL && cvc_pubkey_has_domain_params(pk))
		return curve_from_params(pk, out, diag);
	if (c == NULL && cpi == CVC_CPI_GEMATIK_G2) {
		c = gematik_curve(CVC_EC_POINT(pk));
		if (c == NULL)
			return key_fail(diag, CVC_ERR_BAD_KEY, 0x86,
			                "G2 point length is not 65, 97 or 129");
	}
	if (c == NULL && domain != NULL) {
		c = cvc_curve_by_oid(domain->oid);
		if (c == NULL && cvc_pubkey_has_domain_params(domain))
			return curve_from_params(domain, out, diag);
	}
	if (c == NULL)
		return key_fail(diag, CVC_ERR_DOMAIN_PARAMS, 0,
		                "no domain parameters and none inherited");
	*out = c;
	return CVC_OK;
}

/*
 * A bare key that names its curve instead of an algorithm (a gematik root
 * anchor) signs like a G2 CA: ecdsa-with-SHA256/384/512 by curve size.
 */
static const cvc_algo *anchor_algo(const cvc_curve *curve)
{
	switch (cvc_algo_default_ec(curve)->hash) {
	case CVC_HASH_SHA384:
		return cvc_algo_from_name("ecdsa-with-SHA384");
	case CVC_HASH_SHA512:
		return cvc_algo_from_name("ecdsa-with-SHA512");
	default:
		return cvc_algo_from_name("ecdsa-with-SHA256");
	}
}

static cvc_err ec_key_from_pubkey(const cvc_pubkey *pk,
                                  const cvc_pubkey *domain, unsigned cpi,
                                  cvc_key **out, cvc_diag *diag)
{
	const cvc_algo *algo = cvc_algo_from_oid(pk->oid);
	const cvc_curve *curve;
	cvc_err err = resolve_curve(pk, domain, cpi, &curve, diag);

	if (err != CVC_OK)
		return err;
	if (algo == NULL && cvc_curve_by_oid(pk->oid) != NULL)
		algo = anchor_algo(curve);
	if (algo == NULL || algo->scheme != CVC_SCHEME_ECDSA)
		return key_fail(diag, CVC_ERR_UNKNOWN_ALGORITHM, 0x06,
		                "not an ECDSA key OID");
	err = cvc_key_new_ec(curve, CVC_EC_POINT(pk).data, CVC_EC_POINT(pk).len,
	                     algo, out);
	if (err == CVC_ERR_BAD_KEY)
		return key_fail(diag, err, 0x86,
		                point_well_formed(curve, CVC_EC_POINT(pk).data,
		                                  CVC_EC_POINT(pk).len)
		                    ? "public point not on the curve"
		                    : "public point not uncompressed or "
		                      "wrong length");
	return err;
}

static cvc_err rsa_key_from_pubkey(const cvc_pubkey *pk, cvc_key **out,
                                   cvc_diag *diag)
{
	const cvc_algo *algo = cvc_algo_from_oid(pk->oid);

	if (algo == NULL || algo->scheme == CVC_SCHEME_ECDSA)
		return key_fail(diag, CVC_ERR_UNKNOWN_ALGORITHM, 0x06,
		                "not an RSA key OID");
	if (CVC_RSA_N(pk).len == 0 || CVC_RSA_E(pk).len == 0 ||
	    CVC_RSA_N(pk).len > INT32_MAX || CVC_RSA_E(pk).len > INT32_MAX)
		return key_fail(diag, CVC_ERR_BAD_KEY, 0x81,
		                "RSA modulus or exponent missing");
	return rsa_key_new(CVC_RSA_N(pk), CVC_RSA_E(pk), algo, out, diag);
}

cvc_err cvc_key_from_pubkey(const cvc_pubkey *pk, const cvc_pubkey *domain,
                            unsigned cpi, cvc_key **out, cvc_diag *diag)
{
	if (out == NULL)
		return key_fail(diag, CVC_ERR_INVALID_ARG, 0, NULL);
	*out = NULL;
	if (pk == NULL)
		return key_fail(diag, CVC_ERR_INVALID_ARG, 0, NULL);
	if (pk->type == CVC_KEY_RSA)
		return rsa_key_from_pubkey(pk, out, diag);
	if (pk->type == CVC_KEY_EC || cvc_curve_by_oid(pk->oid) != NULL)
		return ec_key_from_pubkey(pk, domain, cpi, out, diag);
	return key_fail(diag, CVC_ERR_UNKNOWN_ALGORITHM, 0x06,
	                "key OID not supported");
}
