/* SPDX-License-Identifier: MIT */
/*
 * Signature verification: plain ECDSA (TR-03111 5.2.1), RSASSA-PKCS1-v1_5
 * and RSASSA-PSS (TR-03110-3 A.7.3.1), over certificates and requests.
 *
 * The hot path is cvc_key_verify with a cached key: a length and range
 * check, the r||s -> DER conversion on the stack, and the same EVP calls a
 * program using OpenSSL directly would make. No parsing, no curve lookup.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/rsa.h>

#include "crypto_int.h"

/* SEQUENCE { INTEGER r, INTEGER s } for l <= 66: 2 * (2 + 67) + 3 octets. */
#define ECDSA_DER_MAX (3 + 2 * (2 + CVC_MAX_EC_BYTES + 1))

/* 0 < v < order, both l octets big-endian (TR-03111 4.2.1.2 step 1). */
static bool scalar_in_range(const uint8_t *v, const cvc_key *key)
{
	size_t i = 0;

	while (i < key->order_len && v[i] == 0)
		i++;
	if (i == key->order_len)
		return false;
	return memcmp(v, key->order, key->order_len) < 0;
}

/* X.690 INTEGER from an unsigned big-endian value with no leading zeros. */
static size_t der_put_uint(uint8_t *out, const uint8_t *v, size_t len)
{
	size_t pad;

	while (len > 1 && v[0] == 0) {
		v++;
		len--;
	}
	pad = (v[0] & 0x80u) ? 1 : 0;
	out[0] = 0x02;
	out[1] = (uint8_t)(len + pad);
	out[2] = 0;
	memcpy(out + 2 + pad, v, len);
	return 2 + pad + len;
}

/*
 * r || s (each l octets) -> ECDSA-Sig-Value DER. The integers are at most
 * 67 octets, so their headers are short-form; the sequence may need 81 xx.
 */
static size_t ecdsa_plain_to_der(const uint8_t *sig, size_t l,
                                 uint8_t out[ECDSA_DER_MAX])
{
	uint8_t body[ECDSA_DER_MAX];
	size_t n = der_put_uint(body, sig, l);
	size_t hdr;

	n += der_put_uint(body + n, sig + l, l);
	out[0] = 0x30;
	if (n < 0x80) {
		out[1] = (uint8_t)n;
		hdr = 2;
	} else {
		out[1] = 0x81;
		out[2] = (uint8_t)n;
		hdr = 3;
	}
	memcpy(out + hdr, body, n);
	return hdr + n;
}

/* The key's prefetched digest when it is the one asked for. */
static const EVP_MD *digest_for(const cvc_key *key, const cvc_algo *algo)
{
	if (key->md != NULL && key->algo != NULL &&
	    key->algo->hash == algo->hash)
		return key->md;
	return cvc_hash_md(algo->hash);
}

/*
 * TR-03110-3 A.7.3.1: PSS with MGF1 over the same hash and trailer BC. The
 * salt length is recovered from the block (RSA_PSS_SALTLEN_AUTO): TR-03110
 * signers use the hash length, OpenPACE the maximum, both are sound.
 */
static bool set_pss(EVP_PKEY_CTX *pctx, const EVP_MD *md)
{
	return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
	       EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) > 0 &&
	       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) > 0;
}

static cvc_err digest_verify(const cvc_key *key, const cvc_algo *algo,
                             const uint8_t *msg, size_t msg_len,
                             const uint8_t *sig, size_t sig_len)
{
	const EVP_MD *md = digest_for(key, algo);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	cvc_err err = CVC_ERR_CRYPTO;
	int rc;

	if (ctx == NULL)
		return CVC_ERR_NO_MEMORY;
	if (EVP_DigestVerifyInit(ctx, &pctx, md, NULL, key->pkey) != 1)
		goto done;
	if (algo->scheme == CVC_SCHEME_RSA_PSS && !set_pss(pctx, md))
		goto done;
	rc = EVP_DigestVerify(ctx, sig, sig_len, msg, msg_len);
	err = rc == 1 ? CVC_OK : CVC_ERR_SIGNATURE;
done:
	EVP_MD_CTX_free(ctx);
	if (err != CVC_OK)
		ERR_clear_error();
	return err;
}

/*
 * TR-03111 5.2.1: exactly 2l octets, l = ceil(order bits / 8). Any other
 * length, or r or s outside [1, n-1], is a wrong signature.
 */
static cvc_err verify_ecdsa(const cvc_key *key, const cvc_algo *algo,
                            const uint8_t *msg, size_t msg_len,
                            const uint8_t *sig, size_t sig_len)
{
	uint8_t der[ECDSA_DER_MAX];
	size_t l = key->order_len;

	if (sig_len != 2 * l || !scalar_in_range(sig, key) ||
	    !scalar_in_range(sig + l, key))
		return CVC_ERR_SIGNATURE;
	return digest_verify(key, algo, msg, msg_len, der,
	                     ecdsa_plain_to_der(sig, l, der));
}

static bool algo_fits_key(const cvc_algo *algo, const cvc_key *key)
{
	if (cvc_hash_md(algo->hash) == NULL)
		return false;
	if (algo->scheme == CVC_SCHEME_ECDSA)
		return key->curve != NULL;
	if (algo->scheme == CVC_SCHEME_RSA_V15 ||
	    algo->scheme == CVC_SCHEME_RSA_PSS)
		return key->curve == NULL;
	return false;
}

cvc_err cvc_key_verify(const cvc_key *key, const cvc_algo *algo,
                       const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                       size_t sig_len)
{
	if (key == NULL || (msg == NULL && msg_len > 0) ||
	    (sig == NULL && sig_len > 0))
		return CVC_ERR_INVALID_ARG;
	if (algo == NULL)
		algo = key->algo;
	if (algo == NULL || !algo_fits_key(algo, key))
		return CVC_ERR_UNKNOWN_ALGORITHM;
	if (algo->scheme == CVC_SCHEME_ECDSA)
		return verify_ecdsa(key, algo, msg, msg_len, sig, sig_len);
	/* RSA: the signature is the raw block, as long as the modulus */
	if (sig_len != key->sig_len)
		return CVC_ERR_SIGNATURE;
	return digest_verify(key, algo, msg, msg_len, sig, sig_len);
}

/* ------------------------------------------------------------------ */
/* Certificates and requests                                           */

static bool has_body(const cvc_cert *cert)
{
	return cert->kind != CVC_KIND_ISO9796 && cert->tbs.data != NULL &&
	       cert->tbs.len > 0;
}

/* TR-03110-3 C.1.8: over DER(7F4E), with the issuer key's algorithm. */
cvc_err cvc_cert_verify_signature(const cvc_cert *cert,
                                  const cvc_key *issuer_key)
{
	if (cert == NULL || issuer_key == NULL)
		return CVC_ERR_INVALID_ARG;
	if (!has_body(cert))
		return CVC_ERR_UNSUPPORTED;
	return cvc_key_verify(issuer_key, NULL, cert->tbs.data, cert->tbs.len,
	                      cert->signature.data, cert->signature.len);
}

/* TR-03110-3 C.2: proof of possession, signed with the requested key. */
cvc_err cvc_request_verify_inner(const cvc_cert *req, const cvc_pubkey *domain)
{
	cvc_key *key = NULL;
	cvc_err err;

	if (req == NULL)
		return CVC_ERR_INVALID_ARG;
	if (!has_body(req))
		return CVC_ERR_UNSUPPORTED;
	err = cvc_key_from_pubkey(&req->key, domain, req->cpi, &key, NULL);
	if (err == CVC_OK)
		err = cvc_cert_verify_signature(req, key);
	cvc_key_free(&key);
	return err;
}

/* TR-03110-3 C.2: the outer signature covers DER(7F21) || DER(42). */
cvc_err cvc_request_verify_outer(const cvc_cert *req, const cvc_key *outer_key)
{
	if (req == NULL || outer_key == NULL)
		return CVC_ERR_INVALID_ARG;
	if (req->kind != CVC_KIND_AUTH_REQUEST || req->outer_tbs.len == 0)
		return CVC_ERR_MISSING_FIELD;
	return cvc_key_verify(outer_key, NULL, req->outer_tbs.data,
	                      req->outer_tbs.len, req->outer_signature.data,
	                      req->outer_signature.len);
}
