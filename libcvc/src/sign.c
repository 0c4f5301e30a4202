/* SPDX-License-Identifier: MIT */
/*
 * Signing with an OpenSSL private key: generated (any named curve of the
 * table, RSA) or loaded from PEM/DER (PKCS#8 or the traditional forms).
 * ECDSA signatures come out in the plain format of TR-03111 5.2.1, always
 * exactly 2l octets; RSA-PSS uses a salt as long as the hash (TR-03110-3
 * A.7.3.1). The public half is written as a CVC 7F49 object.
 *
 * Private keys live only inside the EVP_PKEY (EVP_PKEY_free cleanses them);
 * file buffers that held key material are wiped before they are freed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "crypto_int.h"

#define KEY_FILE_MAX     (1u << 20)
#define RSA_MIN_BITS     1024 /* as key.c accepts for verification */
#define RSA_GEN_MAX_BITS 8192

struct cvc_signer {
	EVP_PKEY *pkey;
	const cvc_algo *algo;
	const cvc_curve *curve; /* NULL for RSA */
	size_t sig_len;         /* 2l or modulus octets */
	size_t order_len;       /* l, EC only */
	/* back end holding the key (PKCS#11 engine), released after pkey */
	void (*release)(void *ctx);
	void *release_ctx;
};

/* ------------------------------------------------------------------ */
/* Construction                                                        */

static const cvc_algo *default_algo(const cvc_curve *curve)
{
	if (curve != NULL)
		return cvc_algo_default_ec(curve);
	return cvc_algo_for(CVC_SCHEME_RSA_V15, CVC_HASH_SHA256);
}

static size_t ec_order_len(const cvc_curve *curve)
{
	EC_GROUP *group = EC_GROUP_new_by_curve_name(curve->nid);
	int n = group ? BN_num_bytes(EC_GROUP_get0_order(group)) : 0;

	EC_GROUP_free(group);
	return n > 0 ? (size_t)n : 0;
}

/* The named curve of an EC key; NULL for explicit or unknown groups. */
static const cvc_curve *pkey_curve(const EVP_PKEY *pkey)
{
	char name[64];
	size_t len = 0;

	if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
	                                   name, sizeof(name), &len) != 1)
		return NULL;
	return cvc_curve_by_name(name);
}

/* Takes ownership of pkey in every case. */
static cvc_err signer_new(EVP_PKEY *pkey, const cvc_algo *algo,
                          cvc_signer **out)
{
	cvc_signer *s;
	const cvc_curve *curve = NULL;

	if (EVP_PKEY_is_a(pkey, "EC")) {
		curve = pkey_curve(pkey);
		if (curve == NULL) {
			EVP_PKEY_free(pkey);
			return CVC_ERR_DOMAIN_PARAMS;
		}
	} else if (!EVP_PKEY_is_a(pkey, "RSA")) {
		EVP_PKEY_free(pkey);
		return CVC_ERR_UNKNOWN_ALGORITHM;
	} else if (EVP_PKEY_get_bits(pkey) < RSA_MIN_BITS) {
		/* no key libcvc would sign with that it would not verify */
		EVP_PKEY_free(pkey);
		return CVC_ERR_BAD_KEY;
	}
	if (algo == NULL)
		algo = default_algo(curve);
	if (!cvc_algo_fits_pkey(algo, pkey)) {
		EVP_PKEY_free(pkey);
		return CVC_ERR_UNKNOWN_ALGORITHM;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		EVP_PKEY_free(pkey);
		return CVC_ERR_NO_MEMORY;
	}
	s->pkey = pkey;
	s->algo = algo;
	s->curve = curve;
	if (curve != NULL) {
		s->order_len = ec_order_len(curve);
		s->sig_len = 2 * s->order_len;
	} else {
		s->sig_len = (size_t)EVP_PKEY_get_size(pkey);
	}
	if (s->sig_len == 0) {
		cvc_signer_free(&s);
		return CVC_ERR_CRYPTO;
	}
	*out = s;
	return CVC_OK;
}

cvc_err cvc_signer_wrap(EVP_PKEY *pkey, const cvc_algo *algo,
                        void (*release)(void *ctx), void *release_ctx,
                        cvc_signer **out)
{
	cvc_err err = signer_new(pkey, algo, out);

	if (err != CVC_OK) {
		if (release != NULL)
			release(release_ctx);
		return err;
	}
	(*out)->release = release;
	(*out)->release_ctx = release_ctx;
	return CVC_OK;
}

void cvc_signer_free(cvc_signer **signer)
{
	if (signer == NULL || *signer == NULL)
		return;
	EVP_PKEY_free((*signer)->pkey); /* cleanses the private key */
	if ((*signer)->release != NULL)
		(*signer)->release((*signer)->release_ctx);
	OPENSSL_cleanse(*signer, sizeof(**signer));
	free(*signer);
	*signer = NULL;
}

const cvc_algo *cvc_signer_algo(const cvc_signer *signer)
{
	return signer != NULL ? signer->algo : NULL;
}

/* "rsa2048" -> 2048; 0 when spec is not of that form or out of range. */
static int rsa_spec_bits(const char *spec)
{
	char *end;
	long bits;

	if ((strncmp(spec, "rsa", 3) != 0 && strncmp(spec, "RSA", 3) != 0) ||
	    !isdigit((unsigned char)spec[3]))
		return 0;
	errno = 0;
	bits = strtol(spec + 3, &end, 10);
	if (errno != 0 || end == spec + 3 || *end != '\0' ||
	    bits < RSA_MIN_BITS || bits > RSA_GEN_MAX_BITS)
		return 0;
	return (int)bits;
}

static EVP_PKEY *generate_ec(const cvc_curve *curve)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	                                     (char *)curve->ossl_name, 0),
	    OSSL_PARAM_construct_end(),
	};

	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_params(ctx, params) != 1 ||
	    EVP_PKEY_generate(ctx, &pkey) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

static EVP_PKEY *generate_rsa(int bits)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *pkey = NULL;

	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) != 1 ||
	    EVP_PKEY_generate(ctx, &pkey) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

cvc_err cvc_signer_generate(const char *spec, const cvc_algo *algo,
                            cvc_signer **out)
{
	const cvc_curve *curve;
	EVP_PKEY *pkey;
	int bits;

	if (out == NULL)
		return CVC_ERR_INVALID_ARG;
	*out = NULL;
	if (spec == NULL)
		return CVC_ERR_INVALID_ARG;
	curve = cvc_curve_by_name(spec);
	bits = curve == NULL ? rsa_spec_bits(spec) : 0;
	if (curve == NULL && bits == 0)
		return CVC_ERR_INVALID_ARG;
	/* refuse a mismatch before spending time on key generation */
	if (algo != NULL &&
	    (algo->scheme == CVC_SCHEME_ECDSA) != (curve != NULL))
		return CVC_ERR_UNKNOWN_ALGORITHM;
	pkey = curve != NULL ? generate_ec(curve) : generate_rsa(bits);
	if (pkey == NULL) {
		ERR_clear_error();
		return CVC_ERR_CRYPTO;
	}
	return signer_new(pkey, algo, out);
}

/* ------------------------------------------------------------------ */
/* Loading private keys                                                */

static bool has_private_bn(const EVP_PKEY *pkey, const char *name)
{
	BIGNUM *bn = NULL;
	bool ok = EVP_PKEY_get_bn_param(pkey, name, &bn) == 1 && bn != NULL;

	BN_clear_free(bn);
	return ok;
}

static bool has_private_key(const EVP_PKEY *pkey)
{
	return has_private_bn(pkey, EVP_PKEY_is_a(pkey, "EC")
	                                ? OSSL_PKEY_PARAM_PRIV_KEY
	                                : OSSL_PKEY_PARAM_RSA_D);
}

/* PEM or DER, PKCS#8 or type-specific: OpenSSL's decoders detect which. */
cvc_err cvc_signer_load_mem(const uint8_t *data, size_t len,
                            const cvc_algo *algo, cvc_signer **out)
{
	OSSL_DECODER_CTX *dctx;
	EVP_PKEY *pkey = NULL;
	const unsigned char *p = data;
	size_t left = len;

	if (out == NULL)
		return CVC_ERR_INVALID_ARG;
	*out = NULL;
	if (data == NULL || len == 0)
		return CVC_ERR_INVALID_ARG;
	dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, NULL, NULL, NULL,
	                                     EVP_PKEY_KEYPAIR, NULL, NULL);
	if (dctx == NULL)
		return CVC_ERR_NO_MEMORY;
	if (OSSL_DECODER_from_data(dctx, &p, &left) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	OSSL_DECODER_CTX_free(dctx);
	ERR_clear_error();
	if (pkey == NULL)
		return CVC_ERR_INPUT_FORMAT;
	if (!EVP_PKEY_is_a(pkey, "EC") && !EVP_PKEY_is_a(pkey, "RSA")) {
		EVP_PKEY_free(pkey);
		return CVC_ERR_UNKNOWN_ALGORITHM;
	}
	if (!has_private_key(pkey)) {
		EVP_PKEY_free(pkey);
		ERR_clear_error();
		return CVC_ERR_BAD_KEY;
	}
	return signer_new(pkey, algo, out);
}

static cvc_err read_key_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	size_t n;
	cvc_err err;

	if (fp == NULL)
		return CVC_ERR_IO;
	buf = malloc(KEY_FILE_MAX + 1);
	if (buf == NULL) {
		fclose(fp);
		return CVC_ERR_NO_MEMORY;
	}
	n = fread(buf, 1, KEY_FILE_MAX + 1, fp);
	err = ferror(fp) ? CVC_ERR_IO : CVC_OK;
	fclose(fp);
	if (err == CVC_OK && n > KEY_FILE_MAX)
		err = CVC_ERR_BAD_LENGTH;
	if (err != CVC_OK) {
		OPENSSL_cleanse(buf, n);
		free(buf);
		return err;
	}
	*data = buf;
	*len = n;
	return CVC_OK;
}

cvc_err cvc_signer_load_file(const char *path, const cvc_algo *algo,
                             cvc_signer **out)
{
	uint8_t *data = NULL;
	size_t len = 0;
	cvc_err err;

	if (out == NULL)
		return CVC_ERR_INVALID_ARG;
	*out = NULL;
	if (path == NULL)
		return CVC_ERR_INVALID_ARG;
	err = read_key_file(path, &data, &len);
	if (err != CVC_OK)
		return err;
	err = cvc_signer_load_mem(data, len, algo, out);
	OPENSSL_cleanse(data, len);
	free(data);
	return err;
}

/* ------------------------------------------------------------------ */
/* Signing                                                             */

static bool set_sign_padding(EVP_PKEY_CTX *pctx, const cvc_algo *algo,
                             const EVP_MD *md)
{
	if (algo->scheme == CVC_SCHEME_RSA_V15)
		return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) >
		       0;
	if (algo->scheme == CVC_SCHEME_RSA_PSS)
		return EVP_PKEY_CTX_set_rsa_padding(
		           pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
		       EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) > 0 &&
		       EVP_PKEY_CTX_set_rsa_pss_saltlen(
		           pctx, RSA_PSS_SALTLEN_DIGEST) > 0;
	return true;
}

static cvc_err digest_sign(const cvc_signer *s, const uint8_t *msg,
                           size_t msg_len, uint8_t *sig, size_t *sig_len)
{
	const EVP_MD *md = cvc_hash_md(s->algo->hash);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	cvc_err err = CVC_ERR_CRYPTO;

	if (ctx == NULL)
		return CVC_ERR_NO_MEMORY;
	if (EVP_DigestSignInit(ctx, &pctx, md, NULL, s->pkey) == 1 &&
	    set_sign_padding(pctx, s->algo, md) &&
	    EVP_DigestSign(ctx, sig, sig_len, msg, msg_len) == 1)
		err = CVC_OK;
	EVP_MD_CTX_free(ctx);
	if (err != CVC_OK)
		ERR_clear_error();
	return err;
}

/*
 * TR-03111 5.2.1: r and s each left-padded to l octets. OpenPACE pads both
 * to the longer of the two instead, which gives short signatures when both
 * happen to be short; here the output is always exactly 2l octets.
 */
static cvc_err der_to_plain(const uint8_t *der, size_t der_len, size_t l,
                            uint8_t *out)
{
	const unsigned char *p = der;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	const BIGNUM *r = NULL, *s = NULL;
	cvc_err err = CVC_ERR_CRYPTO;

	if (es != NULL) {
		ECDSA_SIG_get0(es, &r, &s);
		if (BN_bn2binpad(r, out, (int)l) == (int)l &&
		    BN_bn2binpad(s, out + l, (int)l) == (int)l)
			err = CVC_OK;
	}
	ECDSA_SIG_free(es);
	return err;
}

static cvc_err sign_ecdsa(const cvc_signer *s, const uint8_t *msg,
                          size_t msg_len, uint8_t *sig)
{
	uint8_t der[3 + 2 * (3 + CVC_MAX_EC_BYTES)];
	size_t der_len = sizeof(der);
	cvc_err err;

	if ((size_t)EVP_PKEY_get_size(s->pkey) > sizeof(der))
		return CVC_ERR_CRYPTO;
	err = digest_sign(s, msg, msg_len, der, &der_len);
	if (err == CVC_OK)
		err = der_to_plain(der, der_len, s->order_len, sig);
	return err;
}

cvc_err cvc_signer_sign(const cvc_signer *signer, const uint8_t *msg,
                        size_t msg_len, uint8_t *sig, size_t cap,
                        size_t *sig_len)
{
	size_t n;
	cvc_err err;

	if (signer == NULL || sig_len == NULL || (msg == NULL && msg_len > 0))
		return CVC_ERR_INVALID_ARG;
	*sig_len = signer->sig_len;
	if (sig == NULL || cap < signer->sig_len)
		return CVC_ERR_BUFFER_TOO_SMALL;
	if (signer->curve != NULL)
		return sign_ecdsa(signer, msg, msg_len, sig);
	n = cap;
	err = digest_sign(signer, msg, msg_len, sig, &n);
	if (err == CVC_OK && n != signer->sig_len)
		err = CVC_ERR_CRYPTO;
	return err;
}

/* ------------------------------------------------------------------ */
/* Public half                                                         */

/*
 * Legacy keys (the PKCS#11 engine's) expose no X/Y parameters; their
 * encoded point comes through the ASN.1 method. Uncompressed only.
 */
static cvc_err ec_encoded_point(const cvc_signer *s, uint8_t *out, size_t *len)
{
	size_t f = cvc_curve_bytes(s->curve);
	unsigned char *enc = NULL;
	size_t n = EVP_PKEY_get1_encoded_public_key(s->pkey, &enc);
	cvc_err err = CVC_ERR_CRYPTO;

	if (n == 1 + 2 * f && enc[0] == 0x04) {
		memcpy(out, enc, n);
		*len = n;
		err = CVC_OK;
	}
	OPENSSL_free(enc);
	ERR_clear_error();
	return err;
}

/* 04 || X || Y, each coordinate padded to the field size. */
static cvc_err ec_public_point(const cvc_signer *s, uint8_t *out, size_t *len)
{
	size_t f = cvc_curve_bytes(s->curve);
	BIGNUM *x = NULL, *y = NULL;
	cvc_err err = CVC_ERR_CRYPTO;

	if (EVP_PKEY_get_bn_param(s->pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
	    EVP_PKEY_get_bn_param(s->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1 &&
	    BN_bn2binpad(x, out + 1, (int)f) == (int)f &&
	    BN_bn2binpad(y, out + 1 + f, (int)f) == (int)f) {
		out[0] = 0x04;
		*len = 1 + 2 * f;
		err = CVC_OK;
	}
	BN_free(x);
	BN_free(y);
	if (err != CVC_OK && s->release != NULL)
		err = ec_encoded_point(s, out, len);
	return err;
}

/*
 * A domain parameter as an unsigned big-endian integer without leading
 * zeros (TR-03110-3 D.2.1.1). Zero (a of secp256k1) is the one octet 00, as
 * an empty value would mean "absent".
 */
static bool put_bn(cvc_tlv_writer *w, uint32_t tag, const BIGNUM *bn)
{
	uint8_t buf[CVC_MAX_EC_BYTES];
	int n = BN_num_bytes(bn);

	if (n > (int)sizeof(buf))
		return false;
	if (n == 0)
		buf[n++] = 0;
	else
		BN_bn2bin(bn, buf);
	cvc_tlv_put(w, tag, buf, (size_t)n, 0);
	return true;
}

static bool put_point(cvc_tlv_writer *w, uint32_t tag, const EC_GROUP *group,
                      const EC_POINT *pt, BN_CTX *bn)
{
	uint8_t buf[1 + 2 * CVC_MAX_EC_BYTES];
	size_t n = EC_POINT_point2oct(group, pt, POINT_CONVERSION_UNCOMPRESSED,
	                              buf, sizeof(buf), bn);

	if (n == 0)
		return false;
	cvc_tlv_put(w, tag, buf, n, 0);
	return true;
}

/* 81 p, 82 a, 83 b, 84 G, 85 r; 87 f follows the point (D.3.3 order). */
static cvc_err put_domain(cvc_tlv_writer *w, const cvc_curve *curve,
                          BIGNUM **cofactor)
{
	EC_GROUP *group = EC_GROUP_new_by_curve_name(curve->nid);
	BN_CTX *bn = BN_CTX_new();
	BIGNUM *p = BN_new(), *a = BN_new(), *b = BN_new();
	cvc_err err = CVC_ERR_CRYPTO;

	if (group != NULL && bn != NULL && p != NULL && a != NULL &&
	    b != NULL && EC_GROUP_get_curve(group, p, a, b, bn) == 1 &&
	    put_bn(w, 0x81, p) && put_bn(w, 0x82, a) && put_bn(w, 0x83, b) &&
	    put_point(w, 0x84, group, EC_GROUP_get0_generator(group), bn) &&
	    put_bn(w, 0x85, EC_GROUP_get0_order(group))) {
		*cofactor = BN_dup(EC_GROUP_get0_cofactor(group));
		err = *cofactor != NULL ? CVC_OK : CVC_ERR_NO_MEMORY;
	}
	BN_free(p);
	BN_free(a);
	BN_free(b);
	BN_CTX_free(bn);
	EC_GROUP_free(group);
	return err;
}

static cvc_err put_ec_key(cvc_tlv_writer *w, const cvc_signer *s,
                          bool with_domain)
{
	uint8_t point[1 + 2 * CVC_MAX_EC_BYTES];
	size_t point_len = 0;
	BIGNUM *cofactor = NULL;
	cvc_err err = ec_public_point(s, point, &point_len);

	if (err == CVC_OK && with_domain)
		err = put_domain(w, s->curve, &cofactor);
	if (err == CVC_OK) {
		cvc_tlv_put(w, 0x86, point, point_len, 0);
		if (cofactor != NULL && !put_bn(w, 0x87, cofactor))
			err = CVC_ERR_CRYPTO;
	}
	BN_free(cofactor);
	return err;
}

static cvc_err put_rsa_key(cvc_tlv_writer *w, const cvc_signer *s)
{
	BIGNUM *n = NULL, *e = NULL;
	uint8_t *buf = NULL;
	cvc_err err = CVC_ERR_CRYPTO;

	if (EVP_PKEY_get_bn_param(s->pkey, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
	    EVP_PKEY_get_bn_param(s->pkey, OSSL_PKEY_PARAM_RSA_E, &e) == 1 &&
	    (buf = malloc((size_t)BN_num_bytes(n) + 1)) != NULL) {
		int len = BN_bn2bin(n, buf);

		cvc_tlv_put(w, 0x81, buf, (size_t)len, 0);
		len = BN_bn2bin(e, buf);
		cvc_tlv_put(w, 0x82, buf, (size_t)len, 0);
		err = CVC_OK;
	}
	free(buf);
	BN_free(n);
	BN_free(e);
	return err;
}

cvc_err cvc_signer_pubkey_encode(const cvc_signer *signer, bool with_domain,
                                 uint8_t *out, size_t cap, size_t *out_len)
{
	cvc_tlv_writer w;
	cvc_err err;

	if (signer == NULL || out_len == NULL || (out == NULL && cap > 0))
		return CVC_ERR_INVALID_ARG;
	cvc_tlv_writer_init(&w, out, cap);
	cvc_tlv_begin(&w, CVC_TAG_PUBKEY, 0);
	cvc_tlv_put(&w, CVC_TAG_OID, signer->algo->oid, signer->algo->oid_len,
	            0);
	if (signer->curve != NULL)
		err = put_ec_key(&w, signer, with_domain);
	else
		err = put_rsa_key(&w, signer);
	cvc_tlv_end(&w);
	if (err != CVC_OK)
		return err;
	return cvc_tlv_writer_finish(&w, out_len);
}

static cvc_err ec_public_key(const cvc_signer *s, cvc_key **out)
{
	uint8_t point[1 + 2 * CVC_MAX_EC_BYTES];
	size_t point_len = 0;
	cvc_err err = ec_public_point(s, point, &point_len);

	if (err == CVC_OK)
		err = cvc_key_new_ec(s->curve, point, point_len, s->algo, out);
	return err;
}

/* n and e exactly as the CVC 7F49 carries them. */
static cvc_err rsa_public_key(const cvc_signer *s, cvc_key **out)
{
	uint8_t enc[16384 / 8 + 64]; /* OpenSSL's largest modulus */
	size_t enc_len = 0;
	cvc_pubkey pk;
	cvc_err err;

	err = cvc_signer_pubkey_encode(s, false, enc, sizeof(enc), &enc_len);
	if (err == CVC_OK)
		err = cvc_pubkey_decode(enc, enc_len, 0, &pk, NULL);
	if (err == CVC_OK)
		err = cvc_key_from_rsa(CVC_RSA_N(&pk).data, CVC_RSA_N(&pk).len,
		                       CVC_RSA_E(&pk).data, CVC_RSA_E(&pk).len,
		                       s->algo, out);
	return err;
}

cvc_err cvc_signer_public_key(const cvc_signer *signer, cvc_key **out)
{
	if (out == NULL)
		return CVC_ERR_INVALID_ARG;
	*out = NULL;
	if (signer == NULL)
		return CVC_ERR_INVALID_ARG;
	if (signer->curve != NULL)
		return ec_public_key(signer, out);
	return rsa_public_key(signer, out);
}
