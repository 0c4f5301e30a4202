/* SPDX-License-Identifier: MIT */
/*
 * Issuing certificates and requests, holder references, CHATs from names
 * and private key files (see issue.h for the policy enforced).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cvc/issue.h>

#include "crypto_int.h"

#define MAX_PUBKEY 1200
#define MAX_SIG    1024

static cvc_err fail(cvc_diag *diag, cvc_err err, const char *field,
                    const char *reason)
{
	if (diag != NULL) {
		memset(diag, 0, sizeof(*diag));
		diag->err = err;
		diag->field = field;
		diag->reason = reason;
	}
	return err;
}

/* ------------------------------------------------------------------ */
/* Holder references (TR-03110-3 A.6.1) */

static bool is_seq_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

cvc_err cvc_chr_validate(const char *chr, cvc_diag *diag)
{
	size_t len, i;

	if (chr == NULL)
		return fail(diag, CVC_ERR_INVALID_ARG, "CHR", "no CHR");
	len = strlen(chr);
	if (len < 2 + 1 + CVC_CHR_SEQ_LEN ||
	    len > 2 + CVC_CHR_MNEMONIC_MAX + CVC_CHR_SEQ_LEN)
		return fail(diag, CVC_ERR_BAD_STRING, "CHR",
		            "length must be 8..16: country(2) mnemonic(1-9) "
		            "sequence(5)");
	if (!isupper((unsigned char)chr[0]) || !isupper((unsigned char)chr[1]))
		return fail(diag, CVC_ERR_BAD_STRING, "CHR",
		            "country code must be two upper-case letters");
	for (i = 2; i < len - CVC_CHR_SEQ_LEN; i++)
		if ((unsigned char)chr[i] < 0x20 ||
		    (unsigned char)chr[i] > 0x7E)
			return fail(diag, CVC_ERR_BAD_STRING, "CHR",
			            "mnemonic must be printable");
	for (i = len - CVC_CHR_SEQ_LEN; i < len; i++)
		if (!is_seq_char(chr[i]))
			return fail(diag, CVC_ERR_BAD_STRING, "CHR",
			            "sequence must be 5 digits or upper-case "
			            "letters");
	return CVC_OK;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int b36_value(char c)
{
	return c <= '9' ? c - '0' : c - 'A' + 10;
}

static char b36_digit(int v)
{
	return (char)(v < 10 ? '0' + v : 'A' + v - 10);
}

/* Adds one to seq[0..n) in `base`; false on overflow. */
static bool increment(char *seq, size_t n, int base)
{
	for (size_t i = n; i-- > 0;) {
		int v = b36_value(seq[i]) + 1;
		if (v < base) {
			seq[i] = b36_digit(v);
			return true;
		}
		seq[i] = '0';
	}
	return false;
}

cvc_err cvc_chr_next(const char *chr, char *out, size_t cap)
{
	cvc_err err = cvc_chr_validate(chr, NULL);
	size_t len;
	char *seq;

	if (err != CVC_OK)
		return err;
	len = strlen(chr);
	if (out == NULL || cap < len + 1)
		return CVC_ERR_BUFFER_TOO_SMALL;
	memcpy(out, chr, len + 1);
	seq = out + len - CVC_CHR_SEQ_LEN;
	if (!increment(seq, CVC_CHR_SEQ_LEN,
	               all_digits(seq, CVC_CHR_SEQ_LEN) ? 10 : 36))
		return CVC_ERR_TOO_MANY;
	return CVC_OK;
}

/* ------------------------------------------------------------------ */
/* CHAT (TR-03110-3 C.4) */

static const uint8_t oid_is[] = {0x04, 0x00, 0x7F, 0x00, 0x07,
                                 0x03, 0x01, 0x02, 0x01};
static const uint8_t oid_at[] = {0x04, 0x00, 0x7F, 0x00, 0x07,
                                 0x03, 0x01, 0x02, 0x02};
static const uint8_t oid_st[] = {0x04, 0x00, 0x7F, 0x00, 0x07,
                                 0x03, 0x01, 0x02, 0x03};

static size_t chat_octets(cvc_terminal_type type)
{
	return type == CVC_TT_AT ? 5 : 1;
}

static void set_bit(uint8_t *bits, size_t len, size_t bit)
{
	bits[len - 1 - bit / 8] |= (uint8_t)(1u << (bit % 8));
}

/* Access bit named `name` (or "bN"); SIZE_MAX when none. */
static size_t bit_by_name(cvc_terminal_type type, size_t nbits,
                          const char *name, size_t name_len)
{
	if (name_len > 1 && (name[0] == 'b' || name[0] == 'B') &&
	    all_digits(name + 1, name_len - 1) && name_len < 5) {
		size_t bit = (size_t)atoi(name + 1);
		return bit + 2 < nbits ? bit : SIZE_MAX;
	}
	for (size_t bit = 0; bit + 2 < nbits; bit++) {
		const char *n = cvc_chat_bit_name(type, bit);
		if (n != NULL && strlen(n) == name_len &&
		    strncasecmp(n, name, name_len) == 0)
			return bit;
	}
	return SIZE_MAX;
}

cvc_err cvc_chat_build(cvc_terminal_type type, cvc_role role, bool all,
                       const char *names, uint8_t *bits, size_t cap,
                       size_t *bits_len, cvc_span *oid, cvc_diag *diag)
{
	size_t len = chat_octets(type), nbits = len * 8;

	if (bits == NULL || bits_len == NULL || oid == NULL)
		return fail(diag, CVC_ERR_INVALID_ARG, "CHAT", NULL);
	if (type == CVC_TT_IS)
		*oid = (cvc_span){oid_is, sizeof(oid_is)};
	else if (type == CVC_TT_AT)
		*oid = (cvc_span){oid_at, sizeof(oid_at)};
	else if (type == CVC_TT_ST)
		*oid = (cvc_span){oid_st, sizeof(oid_st)};
	else
		return fail(diag, CVC_ERR_UNSUPPORTED, "CHAT",
		            "terminal type must be IS, AT or ST");
	if (cap < len)
		return CVC_ERR_BUFFER_TOO_SMALL;
	memset(bits, 0, len);
	bits[0] = (uint8_t)((unsigned)role << 6);
	if (all)
		for (size_t b = 0; b + 2 < nbits; b++)
			set_bit(bits, len, b);
	while (!all && names != NULL && *names != '\0') {
		size_t n = strcspn(names, ",");
		size_t bit = bit_by_name(type, nbits, names, n);
		if (n > 0 && bit == SIZE_MAX)
			return fail(diag, CVC_ERR_BAD_VALUE, "CHAT",
			            "unknown access right name");
		if (n > 0)
			set_bit(bits, len, bit);
		names += n + (names[n] == ',');
	}
	*bits_len = len;
	return CVC_OK;
}

/* ------------------------------------------------------------------ */
/* Policy */

static cvc_err chat_of(const cvc_cert *c, cvc_chat_info *info, cvc_diag *diag,
                       const char *who)
{
	if (!c->has_chat || cvc_chat_info_get(&c->chat, info) != CVC_OK)
		return fail(diag, CVC_ERR_MISSING_FIELD, "CHAT", who);
	return CVC_OK;
}

/* TR-03110-3 2.2: CVCA -> CVCA (link) or DV; DV -> terminal. */
static bool role_may_sign(cvc_role issuer, cvc_role holder)
{
	if (issuer == CVC_ROLE_CVCA)
		return holder != CVC_ROLE_TERMINAL;
	if (issuer == CVC_ROLE_DV_DOMESTIC || issuer == CVC_ROLE_DV_FOREIGN)
		return holder == CVC_ROLE_TERMINAL;
	return false;
}

/* Access bits of the holder that the issuer lacks (role bits excluded). */
static bool rights_widened(const cvc_chat *h, const cvc_chat *i)
{
	size_t n = h->bits.len;

	if (n != i->bits.len)
		return true;
	for (size_t k = 0; k < n; k++) {
		uint8_t mask = k == 0 ? 0x3F : 0xFF;
		if ((h->bits.data[k] & ~i->bits.data[k]) & mask)
			return true;
	}
	return false;
}

static cvc_err check_dates(const cvc_cert *t, const cvc_cert *ic,
                           cvc_role irole, cvc_diag *diag)
{
	if (!t->has_dates || !cvc_date_valid(&t->effective) ||
	    !cvc_date_valid(&t->expiration))
		return fail(diag, CVC_ERR_BAD_DATE, "dates",
		            "effective and expiration dates required");
	if (cvc_date_cmp(&t->effective, &t->expiration) > 0)
		return fail(diag, CVC_ERR_BAD_DATE, "dates",
		            "effective date after expiration date");
	if (ic == NULL)
		return CVC_OK;
	if (cvc_date_cmp(&t->effective, &ic->expiration) > 0)
		return fail(diag, CVC_ERR_EXPIRED, "CXD",
		            "issuer certificate expired before the effective "
		            "date");
	if (cvc_date_cmp(&t->effective, &ic->effective) < 0)
		return fail(diag, CVC_ERR_NOT_YET_VALID, "CED",
		            "issuer certificate not yet valid on the "
		            "effective date");
	if (irole != CVC_ROLE_CVCA &&
	    cvc_date_cmp(&t->expiration, &ic->expiration) > 0)
		return fail(diag, CVC_ERR_EXPIRED, "CXD",
		            "a DV cannot issue past its own expiration date");
	return CVC_OK;
}

/* The issuer key's public half is the one in the issuer certificate. */
static cvc_err check_issuer_key(const cvc_signer *s, const cvc_cert *ic,
                                cvc_diag *diag)
{
	uint8_t buf[MAX_PUBKEY];
	size_t len;
	cvc_pubkey pk;
	size_t idx = ic->key.type == CVC_KEY_RSA ? 0 : 5;
	cvc_err err =
	    cvc_signer_pubkey_encode(s, false, buf, sizeof(buf), &len);

	if (err == CVC_OK)
		err = cvc_pubkey_decode(buf, len, 0, &pk, NULL);
	if (err != CVC_OK)
		return fail(diag, err, "issuer key",
		            "cannot encode issuer key");
	if (pk.comp[idx].len != ic->key.comp[idx].len ||
	    memcmp(pk.comp[idx].data, ic->key.comp[idx].data,
	           pk.comp[idx].len) != 0)
		return fail(diag, CVC_ERR_BAD_KEY, "issuer key",
		            "issuer private key does not match the issuer "
		            "certificate");
	return CVC_OK;
}

static cvc_err check_policy(const cvc_cert *t, const cvc_signer *s,
                            const cvc_cert *ic, unsigned flags, cvc_diag *diag)
{
	cvc_chat_info hi, ii;
	cvc_err err;

	if ((err = chat_of(t, &hi, diag, "holder CHAT missing")) != CVC_OK)
		return err;
	if (flags & CVC_ISSUE_SELF_SIGNED) {
		if (hi.role != CVC_ROLE_CVCA)
			return fail(diag, CVC_ERR_ROLE, "CHAT",
			            "only a CVCA certificate is self-signed");
		return check_dates(t, NULL, CVC_ROLE_CVCA, diag);
	}
	if (ic == NULL || ic->kind != CVC_KIND_CERT)
		return fail(diag, CVC_ERR_NOT_A_CERT, "issuer",
		            "issuer certificate required");
	if ((err = chat_of(ic, &ii, diag, "issuer CHAT missing")) != CVC_OK)
		return err;
	if (!role_may_sign(ii.role, hi.role))
		return fail(diag, CVC_ERR_ROLE, "CHAT",
		            "issuer's role may not sign this role (CVCA signs "
		            "CVCA and DV, DV signs terminals)");
	if (hi.type != ii.type)
		return fail(diag, CVC_ERR_TERMINAL_TYPE, "CHAT",
		            "terminal type differs from the issuer's");
	if (hi.role != CVC_ROLE_CVCA && rights_widened(&t->chat, &ic->chat))
		return fail(diag, CVC_ERR_CHAT_WIDENED, "CHAT",
		            "rights exceed the issuer's");
	if ((err = check_dates(t, ic, ii.role, diag)) != CVC_OK)
		return err;
	return check_issuer_key(s, ic, diag);
}

/* ------------------------------------------------------------------ */
/* Encoding and signing */

static cvc_err encode_alloc(const cvc_cert *c, uint8_t **out, size_t *len)
{
	cvc_err err = cvc_cert_encode(c, NULL, 0, len);

	if (err != CVC_OK && err != CVC_ERR_BUFFER_TOO_SMALL)
		return err;
	*out = malloc(*len);
	if (*out == NULL)
		return CVC_ERR_NO_MEMORY;
	err = cvc_cert_encode(c, *out, *len, len);
	if (err != CVC_OK) {
		free(*out);
		*out = NULL;
	}
	return err;
}

/* Signs DER(7F4E) of c into sig and points c->signature at it. */
static cvc_err sign_body(cvc_cert *c, const cvc_signer *s, uint8_t *sig,
                         size_t cap)
{
	uint8_t *body;
	size_t len, sig_len;
	cvc_err err = cvc_cert_encode_body(c, NULL, 0, &len);

	if (err != CVC_OK && err != CVC_ERR_BUFFER_TOO_SMALL)
		return err;
	if ((body = malloc(len)) == NULL)
		return CVC_ERR_NO_MEMORY;
	err = cvc_cert_encode_body(c, body, len, &len);
	if (err == CVC_OK)
		err = cvc_signer_sign(s, body, len, sig, cap, &sig_len);
	free(body);
	if (err == CVC_OK)
		c->signature = (cvc_span){sig, sig_len};
	return err;
}

cvc_err cvc_issue_cert(const cvc_cert *tmpl, const cvc_signer *issuer,
                       const cvc_cert *issuer_cert, unsigned flags,
                       uint8_t **out, size_t *out_len, cvc_diag *diag)
{
	uint8_t sig[MAX_SIG];
	cvc_cert c;
	char chr[CVC_MAX_REF_LEN + 1];
	cvc_err err;

	if (tmpl == NULL || issuer == NULL || out == NULL || out_len == NULL)
		return fail(diag, CVC_ERR_INVALID_ARG, NULL, NULL);
	*out = NULL;
	if (tmpl->chr.len == 0 || tmpl->chr.len > CVC_MAX_REF_LEN)
		return fail(diag, CVC_ERR_MISSING_FIELD, "CHR", "CHR required");
	memcpy(chr, tmpl->chr.data, tmpl->chr.len);
	chr[tmpl->chr.len] = '\0';
	if ((err = cvc_chr_validate(chr, diag)) != CVC_OK)
		return err;
	err = check_policy(tmpl, issuer, issuer_cert, flags, diag);
	if (err != CVC_OK)
		return err;
	c = *tmpl;
	c.kind = CVC_KIND_CERT;
	c.profile = CVC_PROFILE_TR03110;
	c.has_car = true;
	c.car = (flags & CVC_ISSUE_SELF_SIGNED) ? tmpl->chr : issuer_cert->chr;
	if ((err = sign_body(&c, issuer, sig, sizeof(sig))) != CVC_OK)
		return fail(diag, err, "signature", "signing failed");
	if ((err = encode_alloc(&c, out, out_len)) != CVC_OK)
		return fail(diag, err, "certificate", "encoding failed");
	return CVC_OK;
}

static cvc_err wrap_outer(const cvc_cert *inner, const cvc_signer *outer,
                          const char *outer_car, uint8_t **out, size_t *out_len,
                          cvc_diag *diag)
{
	uint8_t sig[MAX_SIG], *tbs;
	size_t tbs_len, sig_len;
	cvc_cert c = *inner;
	cvc_err err;

	c.kind = CVC_KIND_AUTH_REQUEST;
	c.outer_car = (cvc_span){(const uint8_t *)outer_car, strlen(outer_car)};
	/* outer signature covers DER(7F21) || DER(42) (TR-03110-3 C.2) */
	c.kind = CVC_KIND_REQUEST;
	if ((err = encode_alloc(&c, &tbs, &tbs_len)) != CVC_OK)
		return fail(diag, err, "request", "encoding failed");
	{
		size_t n = c.outer_car.len;
		uint8_t *t = realloc(tbs, tbs_len + 2 + n);
		if (t == NULL) {
			free(tbs);
			return CVC_ERR_NO_MEMORY;
		}
		tbs = t;
		tbs[tbs_len] = CVC_TAG_CAR;
		tbs[tbs_len + 1] = (uint8_t)n;
		memcpy(tbs + tbs_len + 2, outer_car, n);
		tbs_len += 2 + n;
	}
	err = cvc_signer_sign(outer, tbs, tbs_len, sig, sizeof(sig), &sig_len);
	free(tbs);
	if (err != CVC_OK)
		return fail(diag, err, "outer signature", "signing failed");
	c.kind = CVC_KIND_AUTH_REQUEST;
	c.outer_signature = (cvc_span){sig, sig_len};
	if ((err = encode_alloc(&c, out, out_len)) != CVC_OK)
		return fail(diag, err, "request", "encoding failed");
	return CVC_OK;
}

cvc_err cvc_request_create(const cvc_signer *holder, const char *chr,
                           const char *car, const cvc_signer *outer,
                           const char *outer_car, uint8_t **out,
                           size_t *out_len, cvc_diag *diag)
{
	uint8_t pk[MAX_PUBKEY], sig[MAX_SIG];
	size_t pk_len;
	cvc_cert c;
	cvc_err err;

	if (holder == NULL || chr == NULL || out == NULL || out_len == NULL ||
	    (outer != NULL &&
	     (outer_car == NULL || strlen(outer_car) > CVC_MAX_REF_LEN)))
		return fail(diag, CVC_ERR_INVALID_ARG, NULL, NULL);
	*out = NULL;
	if ((err = cvc_chr_validate(chr, diag)) != CVC_OK)
		return err;
	if (car != NULL && (err = cvc_chr_validate(car, diag)) != CVC_OK)
		return err;
	err = cvc_signer_pubkey_encode(holder, true, pk, sizeof(pk), &pk_len);
	memset(&c, 0, sizeof(c));
	if (err == CVC_OK)
		err = cvc_pubkey_decode(pk, pk_len, 0, &c.key, NULL);
	if (err != CVC_OK)
		return fail(diag, err, "public key", "cannot encode key");
	c.kind = CVC_KIND_REQUEST;
	c.cpi = CVC_CPI_TR03110;
	c.has_car = car != NULL;
	if (car != NULL)
		c.car = (cvc_span){(const uint8_t *)car, strlen(car)};
	c.chr = (cvc_span){(const uint8_t *)chr, strlen(chr)};
	if ((err = sign_body(&c, holder, sig, sizeof(sig))) != CVC_OK)
		return fail(diag, err, "signature", "signing failed");
	if (outer != NULL)
		return wrap_outer(&c, outer, outer_car, out, out_len, diag);
	if ((err = encode_alloc(&c, out, out_len)) != CVC_OK)
		return fail(diag, err, "request", "encoding failed");
	return CVC_OK;
}

/* ------------------------------------------------------------------ */
/* Key files */

static EVP_PKEY *generate_pkey(const char *spec)
{
	const cvc_curve *curve = cvc_curve_by_name(spec);

	if (curve != NULL)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve->ossl_name);
	if (strncasecmp(spec, "rsa", 3) == 0 &&
	    all_digits(spec + 3, strlen(spec + 3)) && strlen(spec) > 3 &&
	    strlen(spec) < 9) {
		size_t bits = (size_t)atoi(spec + 3);
		if (bits >= 1024 && bits <= 8192)
			return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", bits);
	}
	return NULL;
}

/* Hands pkey to a signer via unencrypted PKCS#8 DER in memory. */
static cvc_err signer_from_pkey(EVP_PKEY *pkey, const cvc_algo *algo,
                                cvc_signer **out)
{
	unsigned char *der = NULL;
	int len = i2d_PrivateKey(pkey, &der);
	cvc_err err;

	if (len <= 0)
		return CVC_ERR_CRYPTO;
	err = cvc_signer_load_mem(der, (size_t)len, algo, out);
	OPENSSL_clear_free(der, (size_t)len);
	return err;
}

static cvc_err pem_of(EVP_PKEY *pkey, const char *pass, char **pem,
                      size_t *pem_len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;
	int ok;

	if (bio == NULL)
		return CVC_ERR_NO_MEMORY;
	ok = PEM_write_bio_PKCS8PrivateKey(
	    bio, pkey, pass != NULL ? EVP_aes_256_cbc() : NULL, NULL, 0, NULL,
	    (void *)pass);
	n = BIO_get_mem_data(bio, &data);
	if (ok != 1 || n <= 0 || (*pem = malloc((size_t)n + 1)) == NULL) {
		BIO_free(bio);
		return ok != 1 ? CVC_ERR_CRYPTO : CVC_ERR_NO_MEMORY;
	}
	memcpy(*pem, data, (size_t)n);
	(*pem)[n] = '\0';
	*pem_len = (size_t)n;
	BIO_free(bio);
	return CVC_OK;
}

cvc_err cvc_key_file_generate(const char *spec, const cvc_algo *algo,
                              const char *pass, cvc_signer **signer, char **pem,
                              size_t *pem_len)
{
	EVP_PKEY *pkey;
	cvc_err err;

	if (spec == NULL || algo == NULL || signer == NULL || pem == NULL ||
	    pem_len == NULL)
		return CVC_ERR_INVALID_ARG;
	if ((pkey = generate_pkey(spec)) == NULL)
		return CVC_ERR_UNSUPPORTED;
	err = signer_from_pkey(pkey, algo, signer);
	if (err == CVC_OK && (err = pem_of(pkey, pass, pem, pem_len)) != CVC_OK)
		cvc_signer_free(signer);
	EVP_PKEY_free(pkey);
	return err;
}

/*
 * PEM or DER, PKCS#8 encrypted or not: OpenSSL's decoder chain tries each
 * form. Without a passphrase an empty one is given, so an encrypted key
 * fails instead of prompting on a terminal.
 */
static EVP_PKEY *decode_private_key(BIO *bio, const char *pass)
{
	EVP_PKEY *pkey = NULL;
	OSSL_DECODER_CTX *dctx;
	const char *pw = pass != NULL ? pass : "";

	dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, NULL, NULL, NULL,
	                                     EVP_PKEY_KEYPAIR, NULL, NULL);
	if (dctx == NULL)
		return NULL;
	if (OSSL_DECODER_CTX_set_passphrase(dctx, (const unsigned char *)pw,
	                                    strlen(pw)) != 1 ||
	    OSSL_DECODER_from_bio(dctx, bio) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	OSSL_DECODER_CTX_free(dctx);
	ERR_clear_error();
	return pkey;
}

cvc_err cvc_key_file_load(const char *path, const char *pass,
                          const cvc_algo *algo, cvc_signer **signer)
{
	BIO *bio;
	EVP_PKEY *pkey;
	cvc_err err;

	if (path == NULL || signer == NULL)
		return CVC_ERR_INVALID_ARG;
	if ((bio = BIO_new_file(path, "rb")) == NULL)
		return CVC_ERR_IO;
	pkey = decode_private_key(bio, pass);
	BIO_free(bio);
	if (pkey == NULL) /* the signer's loader names what is wrong */
		return cvc_signer_load_file(path, algo, signer);
	err = signer_from_pkey(pkey, algo, signer);
	EVP_PKEY_free(pkey);
	return err;
}
