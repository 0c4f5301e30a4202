/* SPDX-License-Identifier: MIT */
/*
 * The crypto layer on its own: the algorithm table, keys from points, moduli
 * and 7F49 objects, signing and verifying with every scheme and curve, the
 * plain ECDSA length rule (TR-03111 5.2.1), key loading in every format, and
 * requests signed and verified end to end. Independent checks go through
 * OpenSSL directly where libcvc could otherwise agree with itself.
 */
#include <check.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cvc/cvc.h>

#define MAX_SIG 1024
#define MAX_ENC 4096

static const uint8_t msg[] = "7F4E ... the body a CVCA signs";

/* ------------------------------------------------------------------ */
/* Algorithm table                                                     */

/* From TR-03110-3 A.6.4 and gemSpec_PKI 6.4 (standards.md 2 and 7). */
static const struct {
	const char *name;
	const char *oid_hex;
	cvc_sig_scheme scheme;
	cvc_hash hash;
} known_algos[] = {
    {"id-TA-RSA-v1-5-SHA-1", "04007F00070202020101", CVC_SCHEME_RSA_V15,
     CVC_HASH_SHA1},
    {"id-TA-RSA-v1-5-SHA-256", "04007F00070202020102", CVC_SCHEME_RSA_V15,
     CVC_HASH_SHA256},
    {"id-TA-RSA-v1-5-SHA-512", "04007F00070202020105", CVC_SCHEME_RSA_V15,
     CVC_HASH_SHA512},
    {"id-TA-RSA-PSS-SHA-1", "04007F00070202020103", CVC_SCHEME_RSA_PSS,
     CVC_HASH_SHA1},
    {"id-TA-RSA-PSS-SHA-256", "04007F00070202020104", CVC_SCHEME_RSA_PSS,
     CVC_HASH_SHA256},
    {"id-TA-RSA-PSS-SHA-512", "04007F00070202020106", CVC_SCHEME_RSA_PSS,
     CVC_HASH_SHA512},
    {"id-TA-ECDSA-SHA-1", "04007F00070202020201", CVC_SCHEME_ECDSA,
     CVC_HASH_SHA1},
    {"id-TA-ECDSA-SHA-224", "04007F00070202020202", CVC_SCHEME_ECDSA,
     CVC_HASH_SHA224},
    {"id-TA-ECDSA-SHA-256", "04007F00070202020203", CVC_SCHEME_ECDSA,
     CVC_HASH_SHA256},
    {"id-TA-ECDSA-SHA-384", "04007F00070202020204", CVC_SCHEME_ECDSA,
     CVC_HASH_SHA384},
    {"id-TA-ECDSA-SHA-512", "04007F00070202020205", CVC_SCHEME_ECDSA,
     CVC_HASH_SHA512},
    {"authS_gemSpec-COS-G2_ecc-with-sha256", "2B2403050301", CVC_SCHEME_ECDSA,
     CVC_HASH_SHA256},
    {"authS_gemSpec-COS-G2_ecc-with-sha384", "2B2403050302", CVC_SCHEME_ECDSA,
     CVC_HASH_SHA384},
    {"authS_gemSpec-COS-G2_ecc-with-sha512", "2B2403050303", CVC_SCHEME_ECDSA,
     CVC_HASH_SHA512},
    {"ecdsa-with-SHA256", "2A8648CE3D040302", CVC_SCHEME_ECDSA,
     CVC_HASH_SHA256},
    {"ecdsa-with-SHA384", "2A8648CE3D040303", CVC_SCHEME_ECDSA,
     CVC_HASH_SHA384},
    {"ecdsa-with-SHA512", "2A8648CE3D040304", CVC_SCHEME_ECDSA,
     CVC_HASH_SHA512},
};
#define N_KNOWN_ALGOS (sizeof(known_algos) / sizeof(known_algos[0]))

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex) / 2;

	ck_assert_uint_le(n, cap);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

static const cvc_algo *algo(const char *name)
{
	const cvc_algo *a = cvc_algo_from_name(name);

	ck_assert_msg(a != NULL, "no algorithm %s", name);
	return a;
}

START_TEST(test_algo_lookup)
{
	for (size_t i = 0; i < N_KNOWN_ALGOS; i++) {
		uint8_t oid[16];
		size_t n = unhex(known_algos[i].oid_hex, oid, sizeof(oid));
		const cvc_algo *a = cvc_algo_from_oid((cvc_span){oid, n});

		ck_assert_msg(a != NULL, "%s", known_algos[i].name);
		ck_assert_str_eq(a->name, known_algos[i].name);
		ck_assert_int_eq(a->scheme, known_algos[i].scheme);
		ck_assert_int_eq(a->hash, known_algos[i].hash);
		ck_assert_ptr_eq(cvc_algo_from_name(known_algos[i].name), a);
		/* the OID layer (oid.c) names it the same way */
		ck_assert_str_eq(cvc_oid_name((cvc_span){a->oid, a->oid_len}),
		                 a->name);
		if (strncmp(a->name, "id-TA-", 6) == 0)
			ck_assert_ptr_eq(cvc_algo_from_name(a->name + 6), a);
	}
	ck_assert_ptr_eq(cvc_algo_from_name("ecdsa-sha-256"),
	                 algo("id-TA-ECDSA-SHA-256"));
	ck_assert_ptr_null(cvc_algo_from_name("ECDSA-SHA-999"));
	ck_assert_ptr_null(cvc_algo_from_name(""));
	ck_assert_ptr_null(cvc_algo_from_name(NULL));
}
END_TEST

START_TEST(test_algo_unknown_oids)
{
	/* id-TA-ECDSA .6 does not exist; id-TA itself is no algorithm */
	static const uint8_t ecdsa6[] = {0x04, 0x00, 0x7F, 0x00, 0x07,
	                                 0x02, 0x02, 0x02, 0x02, 0x06};
	static const uint8_t id_ta[] = {0x04, 0x00, 0x7F, 0x00,
	                                0x07, 0x02, 0x02, 0x02};

	ck_assert_ptr_null(cvc_algo_from_oid((cvc_span){ecdsa6, 10}));
	ck_assert_ptr_null(cvc_algo_from_oid((cvc_span){id_ta, 8}));
	ck_assert_ptr_null(cvc_algo_from_oid((cvc_span){ecdsa6, 9}));
	ck_assert_ptr_null(cvc_algo_from_oid((cvc_span){NULL, 0}));
}
END_TEST

START_TEST(test_hash_names_and_sizes)
{
	static const struct {
		cvc_hash h;
		const char *name, *ossl;
	} hashes[] = {
	    {CVC_HASH_SHA1, "SHA-1", "SHA1"},
	    {CVC_HASH_SHA224, "SHA-224", "SHA224"},
	    {CVC_HASH_SHA256, "SHA-256", "SHA256"},
	    {CVC_HASH_SHA384, "SHA-384", "SHA384"},
	    {CVC_HASH_SHA512, "SHA-512", "SHA512"},
	};

	for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++) {
		EVP_MD *md = EVP_MD_fetch(NULL, hashes[i].ossl, NULL);

		ck_assert_ptr_nonnull(md);
		ck_assert_str_eq(cvc_hash_name(hashes[i].h), hashes[i].name);
		ck_assert_uint_eq(cvc_hash_size(hashes[i].h),
		                  (size_t)EVP_MD_get_size(md));
		EVP_MD_free(md);
	}
	ck_assert_uint_eq(cvc_hash_size(CVC_HASH_NONE), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* ECDSA on every curve                                                */

/* l = ceil(order bits / 8) for each curve (TR-03111 5.2.1). */
static const struct {
	const char *name;
	size_t l;
	const char *alias;
} curves[] = {
    {"brainpoolP160r1", 20, NULL}, {"brainpoolP192r1", 24, NULL},
    {"brainpoolP224r1", 28, NULL}, {"brainpoolP256r1", 32, NULL},
    {"brainpoolP320r1", 40, NULL}, {"brainpoolP384r1", 48, NULL},
    {"brainpoolP512r1", 64, NULL}, {"P-192", 24, "prime192v1"},
    {"P-224", 28, "secp224r1"},    {"P-256", 32, "secp256r1"},
    {"P-384", 48, "secp384r1"},    {"P-521", 66, "secp521r1"},
    {"secp256k1", 32, NULL},
};
#define N_CURVES (sizeof(curves) / sizeof(curves[0]))

static const char *const ecdsa_algos[] = {
    "id-TA-ECDSA-SHA-1",   "id-TA-ECDSA-SHA-224", "id-TA-ECDSA-SHA-256",
    "id-TA-ECDSA-SHA-384", "id-TA-ECDSA-SHA-512",
};

static size_t sign(const cvc_signer *s, const uint8_t *m, size_t m_len,
                   uint8_t *sig)
{
	size_t len = 0;

	ck_assert_int_eq(cvc_signer_sign(s, m, m_len, sig, MAX_SIG, &len),
	                 CVC_OK);
	return len;
}

static cvc_key *public_key(const cvc_signer *s)
{
	cvc_key *key = NULL;

	ck_assert_int_eq(cvc_signer_public_key(s, &key), CVC_OK);
	ck_assert_ptr_nonnull(key);
	return key;
}

static void expect_bad_sig(const cvc_key *key, const uint8_t *sig, size_t len)
{
	ck_assert_int_eq(cvc_key_verify(key, NULL, msg, sizeof(msg), sig, len),
	                 CVC_ERR_SIGNATURE);
}

/* Tampered message, tampered signature, wrong lengths: all "wrong". */
static void check_tampering(const cvc_key *key, const uint8_t *sig, size_t len)
{
	uint8_t bad[MAX_SIG + 1], other[sizeof(msg)];

	memcpy(other, msg, sizeof(msg));
	other[3] ^= 0x01;
	ck_assert_int_eq(
	    cvc_key_verify(key, NULL, other, sizeof(other), sig, len),
	    CVC_ERR_SIGNATURE);
	memcpy(bad, sig, len);
	bad[len - 1] ^= 0x01;
	expect_bad_sig(key, bad, len);
	memcpy(bad, sig, len);
	bad[len] = 0;
	expect_bad_sig(key, bad, len + 1);
	expect_bad_sig(key, sig, len - 1);
	expect_bad_sig(key, sig + 1, len - 1);
	expect_bad_sig(key, sig, 0);
}

/* r = 0 and s = n are outside [1, n-1] (TR-03111 4.2.1.2). */
static void check_scalar_range(const cvc_key *key, const uint8_t *sig,
                               size_t len, cvc_span order)
{
	uint8_t bad[MAX_SIG];
	size_t l = len / 2;

	ck_assert_uint_le(order.len, l);
	memcpy(bad, sig, len);
	memset(bad, 0, l);
	expect_bad_sig(key, bad, len);
	memcpy(bad, sig, len);
	memset(bad + l, 0, l - order.len);
	memcpy(bad + l + (l - order.len), order.data, order.len);
	expect_bad_sig(key, bad, len);
}

static size_t encode_pubkey(const cvc_signer *s, bool with_domain, uint8_t *out,
                            cvc_pubkey *pk)
{
	size_t need = 0, len = 0;

	/* size query first, then the exact size, then one octet short */
	ck_assert_int_eq(
	    cvc_signer_pubkey_encode(s, with_domain, NULL, 0, &need), CVC_OK);
	ck_assert_uint_le(need, MAX_ENC);
	ck_assert_int_eq(
	    cvc_signer_pubkey_encode(s, with_domain, out, need - 1, &len),
	    CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_int_eq(
	    cvc_signer_pubkey_encode(s, with_domain, out, need, &len), CVC_OK);
	ck_assert_uint_eq(len, need);
	ck_assert_int_eq(cvc_pubkey_decode(out, len, 0, pk, NULL), CVC_OK);
	return len;
}

static void check_ec_pubkey_objects(const cvc_signer *s, const cvc_key *key,
                                    size_t curve_i, const uint8_t *sig,
                                    size_t sig_len)
{
	uint8_t with[MAX_ENC], without[MAX_ENC];
	cvc_pubkey pk_with, pk_without;
	cvc_key *k1 = NULL, *k2 = NULL;
	const cvc_algo *a = cvc_signer_algo(s);

	encode_pubkey(s, true, with, &pk_with);
	encode_pubkey(s, false, without, &pk_without);
	ck_assert(cvc_pubkey_has_domain_params(&pk_with));
	ck_assert(!cvc_pubkey_has_domain_params(&pk_without));
	ck_assert_int_eq(pk_with.type, CVC_KEY_EC);
	ck_assert_uint_eq(pk_with.oid.len, a->oid_len);
	ck_assert_mem_eq(pk_with.oid.data, a->oid, a->oid_len);
	ck_assert_uint_eq(CVC_EC_POINT(&pk_with).len,
	                  CVC_EC_POINT(&pk_without).len);
	ck_assert_uint_eq(CVC_EC_COFACTOR(&pk_with).len, 1);
	ck_assert_uint_eq(CVC_EC_COFACTOR(&pk_with).data[0], 1);
	/* oid.c names the curve from the parameters on its own */
	ck_assert_str_eq(cvc_curve_name(&pk_with, 0), curves[curve_i].name);
	check_scalar_range(key, sig, sig_len, CVC_EC_ORDER(&pk_with));

	ck_assert_int_eq(cvc_key_from_pubkey(&pk_with, NULL, 0, &k1, NULL),
	                 CVC_OK);
	ck_assert(cvc_key_equal(k1, key));
	ck_assert_str_eq(cvc_key_curve_name(k1), curves[curve_i].name);
	ck_assert_int_eq(
	    cvc_key_verify(k1, NULL, msg, sizeof(msg), sig, sig_len), CVC_OK);
	ck_assert_int_eq(cvc_key_from_pubkey(&pk_without, NULL, 0, &k2, NULL),
	                 CVC_ERR_DOMAIN_PARAMS);
	ck_assert_int_eq(
	    cvc_key_from_pubkey(&pk_without, &pk_with, 0, &k2, NULL), CVC_OK);
	ck_assert(cvc_key_equal(k2, k1));
	cvc_key_free(&k1);
	cvc_key_free(&k2);
	ck_assert_ptr_null(k1);
}

START_TEST(test_ecdsa_every_curve)
{
	size_t ci = (size_t)_i;

	for (size_t h = 0; h < sizeof(ecdsa_algos) / sizeof(ecdsa_algos[0]);
	     h++) {
		const cvc_algo *a = algo(ecdsa_algos[h]);
		const cvc_algo *other = algo(ecdsa_algos[(h + 1) % 5]);
		cvc_signer *s = NULL;
		uint8_t sig[MAX_SIG];
		size_t len = 0;
		cvc_key *key;

		ck_assert_int_eq(cvc_signer_generate(curves[ci].name, a, &s),
		                 CVC_OK);
		ck_assert_ptr_eq(cvc_signer_algo(s), a);
		ck_assert_int_eq(
		    cvc_signer_sign(s, msg, sizeof(msg), NULL, 0, &len),
		    CVC_ERR_BUFFER_TOO_SMALL);
		ck_assert_uint_eq(len, 2 * curves[ci].l);
		len = sign(s, msg, sizeof(msg), sig);
		ck_assert_uint_eq(len, 2 * curves[ci].l);
		key = public_key(s);
		ck_assert_str_eq(cvc_key_curve_name(key), curves[ci].name);
		ck_assert_ptr_eq(cvc_key_algo(key), a);
		ck_assert_int_eq(
		    cvc_key_verify(key, NULL, msg, sizeof(msg), sig, len),
		    CVC_OK);
		ck_assert_int_eq(
		    cvc_key_verify(key, a, msg, sizeof(msg), sig, len), CVC_OK);
		/* the hash is part of the algorithm */
		ck_assert_int_eq(
		    cvc_key_verify(key, other, msg, sizeof(msg), sig, len),
		    CVC_ERR_SIGNATURE);
		check_tampering(key, sig, len);
		if (h == 2)
			check_ec_pubkey_objects(s, key, ci, sig, len);
		cvc_key_free(&key);
		cvc_signer_free(&s);
		ck_assert_ptr_null(s);
	}
}
END_TEST

START_TEST(test_curve_aliases)
{
	for (size_t i = 0; i < N_CURVES; i++) {
		cvc_signer *s = NULL;
		cvc_key *key;

		if (curves[i].alias == NULL)
			continue;
		ck_assert_int_eq(cvc_signer_generate(curves[i].alias, NULL, &s),
		                 CVC_OK);
		key = public_key(s);
		ck_assert_str_eq(cvc_key_curve_name(key), curves[i].name);
		/* default: a hash as long as the order, capped at SHA-512 */
		ck_assert_uint_ge(cvc_hash_size(cvc_signer_algo(s)->hash),
		                  curves[i].l < 64 ? curves[i].l : 64);
		cvc_key_free(&key);
		cvc_signer_free(&s);
	}
}
END_TEST

/*
 * TR-03111 5.2.1 / standards.md 2: r and s are each padded to l octets.
 * About one signature in 128 has a short r or s; over a few thousand the
 * padding path is taken many times, and every signature is 2l long.
 */
START_TEST(test_signature_always_2l)
{
	static const struct {
		const char *curve;
		int n;
	} runs[] = {{"P-256", 3000}, {"brainpoolP160r1", 1500}, {"P-521", 60}};

	for (size_t r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
		cvc_signer *s = NULL;
		cvc_key *key;
		size_t shorts = 0, l;
		uint8_t sig[MAX_SIG];

		ck_assert_int_eq(cvc_signer_generate(runs[r].curve, NULL, &s),
		                 CVC_OK);
		key = public_key(s);
		l = cvc_key_bits(key) / 8 + (cvc_key_bits(key) % 8 != 0);
		for (int i = 0; i < runs[r].n; i++) {
			uint8_t m[8];
			size_t len;

			memcpy(m, &i, sizeof(i));
			memset(m + sizeof(i), 0xA5, sizeof(m) - sizeof(i));
			len = sign(s, m, sizeof(m), sig);
			ck_assert_uint_eq(len, 2 * l);
			shorts += (sig[0] == 0) + (sig[l] == 0);
			ck_assert_int_eq(
			    cvc_key_verify(key, NULL, m, sizeof(m), sig, len),
			    CVC_OK);
		}
		printf("%s: %d signatures, all %zu octets, %zu short halves "
		       "padded\n",
		       runs[r].curve, runs[r].n, 2 * l, shorts);
		ck_assert_uint_gt(shorts, 0);
		cvc_key_free(&key);
		cvc_signer_free(&s);
	}
}
END_TEST

/* A plain signature checked by OpenSSL directly (DER via ECDSA_SIG). */
static bool openssl_verifies_plain(EVP_PKEY *pkey, const char *md,
                                   const uint8_t *sig, size_t len)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, (int)len / 2, NULL);
	BIGNUM *s = BN_bin2bn(sig + len / 2, (int)len / 2, NULL);
	unsigned char *der = NULL;
	int der_len;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok;

	ck_assert_int_eq(ECDSA_SIG_set0(es, r, s), 1);
	der_len = i2d_ECDSA_SIG(es, &der);
	ok = EVP_DigestVerifyInit_ex(ctx, NULL, md, NULL, NULL, pkey, NULL) ==
	         1 &&
	     EVP_DigestVerify(ctx, der, (size_t)der_len, msg, sizeof(msg)) == 1;
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	return ok;
}

/* ------------------------------------------------------------------ */
/* Key files                                                           */

typedef enum key_form {
	PEM_PKCS8,
	PEM_TRADITIONAL,
	DER_PKCS8,
	DER_TRADITIONAL,
	N_FORMS
} key_form;

/* The private key in one of the four forms, in a malloc'd buffer. */
static uint8_t *export_key(EVP_PKEY *pkey, key_form form, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;
	uint8_t *out;
	int ok = 0;

	switch (form) {
	case PEM_PKCS8:
		ok = PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL,
		                              NULL);
		break;
	case PEM_TRADITIONAL:
		ok = PEM_write_bio_PrivateKey_traditional(bio, pkey, NULL, NULL,
		                                          0, NULL, NULL);
		break;
	case DER_PKCS8:
		ok = i2d_PKCS8PrivateKey_bio(bio, pkey, NULL, NULL, 0, NULL,
		                             NULL);
		break;
	case DER_TRADITIONAL:
		ok = i2d_PrivateKey_bio(bio, pkey);
		break;
	case N_FORMS:
		break;
	}
	ck_assert_int_eq(ok, 1);
	n = BIO_get_mem_data(bio, &data);
	ck_assert_int_gt(n, 0);
	out = malloc((size_t)n);
	memcpy(out, data, (size_t)n);
	*len = (size_t)n;
	BIO_free(bio);
	return out;
}

static EVP_PKEY *rsa2048;

static void rsa_setup(void)
{
	rsa2048 = EVP_RSA_gen(2048);
	ck_assert_ptr_nonnull(rsa2048);
}

static void rsa_teardown(void)
{
	EVP_PKEY_free(rsa2048);
	rsa2048 = NULL;
}

START_TEST(test_load_every_form)
{
	EVP_PKEY *ec = EVP_EC_gen("brainpoolP256r1");
	EVP_PKEY *keys[] = {ec, rsa2048};
	const char *algos[] = {"id-TA-ECDSA-SHA-256", "id-TA-RSA-PSS-SHA-256"};

	ck_assert_ptr_nonnull(ec);
	for (size_t k = 0; k < 2; k++) {
		for (key_form form = 0; form < N_FORMS; form++) {
			size_t len = 0, sig_len;
			uint8_t *data = export_key(keys[k], form, &len);
			uint8_t sig[MAX_SIG];
			cvc_signer *s = NULL;

			ck_assert_msg(cvc_signer_load_mem(data, len,
			                                  algo(algos[k]),
			                                  &s) == CVC_OK,
			              "key %zu form %d", k, form);
			sig_len = sign(s, msg, sizeof(msg), sig);
			if (k == 0)
				ck_assert(openssl_verifies_plain(ec, "SHA256",
				                                 sig, sig_len));
			cvc_signer_free(&s);
			free(data);
		}
	}
	EVP_PKEY_free(ec);
}
END_TEST

START_TEST(test_load_file)
{
	EVP_PKEY *ec = EVP_EC_gen("P-384");
	char path[] = "/tmp/libcvc-test-key-XXXXXX";
	int fd = mkstemp(path);
	size_t len = 0;
	uint8_t *pem = export_key(ec, PEM_TRADITIONAL, &len);
	cvc_signer *s = NULL;
	uint8_t point[200];
	size_t point_len = 0;
	cvc_key *from_file, *from_point = NULL;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, pem, len), (ssize_t)len);
	close(fd);
	ck_assert_int_eq(cvc_signer_load_file(path, NULL, &s), CVC_OK);
	unlink(path);
	/* the default algorithm for P-384 hashes with SHA-384 */
	ck_assert_str_eq(cvc_signer_algo(s)->name, "id-TA-ECDSA-SHA-384");
	ck_assert_int_eq(
	    EVP_PKEY_get_octet_string_param(ec, OSSL_PKEY_PARAM_PUB_KEY, point,
	                                    sizeof(point), &point_len),
	    1);
	ck_assert_int_eq(
	    cvc_key_from_ec_point("P-384", point, point_len, NULL, &from_point),
	    CVC_OK);
	from_file = public_key(s);
	ck_assert(cvc_key_equal(from_file, from_point));
	cvc_key_free(&from_file);
	cvc_key_free(&from_point);
	cvc_signer_free(&s);
	ck_assert_int_eq(cvc_signer_load_file(path, NULL, &s), CVC_ERR_IO);
	ck_assert_ptr_null(s);
	free(pem);
	EVP_PKEY_free(ec);
}
END_TEST

static uint8_t *public_pem(EVP_PKEY *pkey, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;
	uint8_t *out;

	ck_assert_int_eq(PEM_write_bio_PUBKEY(bio, pkey), 1);
	n = BIO_get_mem_data(bio, &data);
	out = malloc((size_t)n);
	memcpy(out, data, (size_t)n);
	*len = (size_t)n;
	BIO_free(bio);
	return out;
}

START_TEST(test_load_rejects)
{
	static const uint8_t garbage[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n";
	EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	EVP_PKEY *ec = EVP_EC_gen("P-256");
	EVP_PKEY *small;
	size_t len = 0;
	uint8_t *data;
	cvc_signer *s = NULL;

	ck_assert_int_eq(
	    cvc_signer_load_mem(garbage, sizeof(garbage), NULL, &s),
	    CVC_ERR_INPUT_FORMAT);
	ck_assert_int_eq(cvc_signer_load_mem(garbage, 0, NULL, &s),
	                 CVC_ERR_INVALID_ARG);
	/* a public key is no signing key */
	data = public_pem(ec, &len);
	ck_assert_int_ne(cvc_signer_load_mem(data, len, NULL, &s), CVC_OK);
	ck_assert_ptr_null(s);
	free(data);
	/* the key type and the algorithm must fit */
	data = export_key(ec, PEM_PKCS8, &len);
	ck_assert_int_eq(
	    cvc_signer_load_mem(data, len, algo("id-TA-RSA-v1-5-SHA-256"), &s),
	    CVC_ERR_UNKNOWN_ALGORITHM);
	ck_assert_ptr_null(s);
	free(data);
	/* RSA below 1024 bits: libcvc would not verify it, so not sign */
	small = EVP_RSA_gen(512);
	data = export_key(small, DER_TRADITIONAL, &len);
	ck_assert_int_eq(cvc_signer_load_mem(data, len, NULL, &s),
	                 CVC_ERR_BAD_KEY);
	free(data);
	EVP_PKEY_free(small);
	/* no TR-03110 scheme for Ed25519 */
	data = export_key(ed, PEM_PKCS8, &len);
	ck_assert_int_eq(cvc_signer_load_mem(data, len, NULL, &s),
	                 CVC_ERR_UNKNOWN_ALGORITHM);
	free(data);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(ec);
}
END_TEST

/* ------------------------------------------------------------------ */
/* RSA                                                                 */

static const char *const rsa_algos[] = {
    "id-TA-RSA-v1-5-SHA-1", "id-TA-RSA-v1-5-SHA-256", "id-TA-RSA-v1-5-SHA-512",
    "id-TA-RSA-PSS-SHA-1",  "id-TA-RSA-PSS-SHA-256",  "id-TA-RSA-PSS-SHA-512",
};

/* OpenSSL's own verification, PSS with the salt exactly the hash length. */
static bool openssl_verifies_rsa(const cvc_algo *a, const uint8_t *sig,
                                 size_t len)
{
	const char *md = a->hash == CVC_HASH_SHA1     ? "SHA1"
	                 : a->hash == CVC_HASH_SHA256 ? "SHA256"
	                                              : "SHA512";
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	bool ok = EVP_DigestVerifyInit_ex(ctx, &pctx, md, NULL, NULL, rsa2048,
	                                  NULL) == 1;

	if (a->scheme == CVC_SCHEME_RSA_PSS)
		ok = ok &&
		     EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) >
		         0 &&
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(
		         pctx, RSA_PSS_SALTLEN_DIGEST) > 0;
	ok = ok && EVP_DigestVerify(ctx, sig, len, msg, sizeof(msg)) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

START_TEST(test_rsa_every_scheme)
{
	size_t pem_len = 0;
	uint8_t *pem = export_key(rsa2048, PEM_PKCS8, &pem_len);

	for (size_t i = 0; i < sizeof(rsa_algos) / sizeof(rsa_algos[0]); i++) {
		const cvc_algo *a = algo(rsa_algos[i]);
		/* the same hash with the other padding */
		const cvc_algo *twin = algo(rsa_algos[(i + 3) % 6]);
		cvc_signer *s = NULL;
		uint8_t sig[MAX_SIG];
		size_t len;
		cvc_key *key;

		ck_assert_int_eq(cvc_signer_load_mem(pem, pem_len, a, &s),
		                 CVC_OK);
		len = sign(s, msg, sizeof(msg), sig);
		ck_assert_uint_eq(len, 256);
		ck_assert_msg(openssl_verifies_rsa(a, sig, len), "%s", a->name);
		key = public_key(s);
		ck_assert_uint_eq(cvc_key_bits(key), 2048);
		ck_assert_ptr_null(cvc_key_curve_name(key));
		ck_assert_int_eq(
		    cvc_key_verify(key, NULL, msg, sizeof(msg), sig, len),
		    CVC_OK);
		ck_assert_int_eq(
		    cvc_key_verify(key, twin, msg, sizeof(msg), sig, len),
		    CVC_ERR_SIGNATURE);
		ck_assert_int_eq(cvc_key_verify(key,
		                                algo("id-TA-ECDSA-SHA-256"),
		                                msg, sizeof(msg), sig, len),
		                 CVC_ERR_UNKNOWN_ALGORITHM);
		check_tampering(key, sig, len);
		cvc_key_free(&key);
		cvc_signer_free(&s);
	}
	free(pem);
}
END_TEST

/* OpenPACE signs PSS with the largest salt; any salt length verifies. */
START_TEST(test_rsa_pss_any_salt)
{
	static const int salts[] = {RSA_PSS_SALTLEN_MAX, 0, 20, 64};
	uint8_t n[512], e[8];
	size_t n_len, e_len;
	cvc_key *key = NULL;
	BIGNUM *bn_n = NULL, *bn_e = NULL;

	ck_assert_int_eq(
	    EVP_PKEY_get_bn_param(rsa2048, OSSL_PKEY_PARAM_RSA_N, &bn_n), 1);
	ck_assert_int_eq(
	    EVP_PKEY_get_bn_param(rsa2048, OSSL_PKEY_PARAM_RSA_E, &bn_e), 1);
	n_len = (size_t)BN_bn2bin(bn_n, n);
	e_len = (size_t)BN_bn2bin(bn_e, e);
	ck_assert_int_eq(cvc_key_from_rsa(n, n_len, e, e_len,
	                                  algo("id-TA-RSA-PSS-SHA-256"), &key),
	                 CVC_OK);
	for (size_t i = 0; i < sizeof(salts) / sizeof(salts[0]); i++) {
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		EVP_PKEY_CTX *pctx = NULL;
		uint8_t sig[MAX_SIG];
		size_t len = sizeof(sig);

		ck_assert_int_eq(EVP_DigestSignInit_ex(ctx, &pctx, "SHA256",
		                                       NULL, NULL, rsa2048,
		                                       NULL),
		                 1);
		ck_assert_int_gt(
		    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING),
		    0);
		ck_assert_int_gt(
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salts[i]), 0);
		ck_assert_int_eq(
		    EVP_DigestSign(ctx, sig, &len, msg, sizeof(msg)), 1);
		EVP_MD_CTX_free(ctx);
		ck_assert_int_eq(
		    cvc_key_verify(key, NULL, msg, sizeof(msg), sig, len),
		    CVC_OK);
	}
	cvc_key_free(&key);
	BN_free(bn_n);
	BN_free(bn_e);
}
END_TEST

START_TEST(test_rsa_generate_and_encode)
{
	cvc_signer *s = NULL;
	uint8_t enc[MAX_ENC], sig[MAX_SIG];
	cvc_pubkey pk;
	cvc_key *key = NULL, *direct;
	size_t len;

	ck_assert_int_eq(
	    cvc_signer_generate("rsa2048", algo("id-TA-RSA-PSS-SHA-512"), &s),
	    CVC_OK);
	encode_pubkey(s, true, enc, &pk); /* with_domain means nothing here */
	ck_assert_int_eq(pk.type, CVC_KEY_RSA);
	ck_assert_uint_eq(CVC_RSA_N(&pk).len, 256);
	ck_assert_uint_ne(CVC_RSA_N(&pk).data[0], 0);
	ck_assert_uint_eq(CVC_RSA_E(&pk).len, 3); /* 65537 */
	ck_assert_int_eq(cvc_key_from_pubkey(&pk, NULL, 0, &key, NULL), CVC_OK);
	ck_assert_str_eq(cvc_key_algo(key)->name, "id-TA-RSA-PSS-SHA-512");
	direct = public_key(s);
	ck_assert(cvc_key_equal(key, direct));
	len = sign(s, msg, sizeof(msg), sig);
	ck_assert_int_eq(cvc_key_verify(key, NULL, msg, sizeof(msg), sig, len),
	                 CVC_OK);
	cvc_key_free(&key);
	cvc_key_free(&direct);
	cvc_signer_free(&s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Key checks                                                          */

START_TEST(test_ec_point_checks)
{
	cvc_signer *s = NULL;
	cvc_key *key = NULL;
	uint8_t enc[MAX_ENC], point[200];
	cvc_pubkey pk;
	size_t len;

	ck_assert_int_eq(cvc_signer_generate("brainpoolP256r1", NULL, &s),
	                 CVC_OK);
	encode_pubkey(s, false, enc, &pk);
	len = CVC_EC_POINT(&pk).len;
	memcpy(point, CVC_EC_POINT(&pk).data, len);
	ck_assert_int_eq(
	    cvc_key_from_ec_point("brainpoolP256r1", point, len, NULL, &key),
	    CVC_OK);
	/* no algorithm known: verification needs one given */
	ck_assert_int_eq(cvc_key_verify(key, NULL, msg, sizeof(msg), point, 64),
	                 CVC_ERR_UNKNOWN_ALGORITHM);
	cvc_key_free(&key);
	/* same length, other curve: off that curve */
	ck_assert_int_eq(cvc_key_from_ec_point("P-256", point, len, NULL, &key),
	                 CVC_ERR_BAD_KEY);
	ck_assert_ptr_null(key);
	/* compressed form and a truncated point */
	point[0] = 0x02 | (point[len - 1] & 1);
	ck_assert_int_eq(
	    cvc_key_from_ec_point("brainpoolP256r1", point, 33, NULL, &key),
	    CVC_ERR_BAD_KEY);
	point[0] = 0x04;
	ck_assert_int_eq(cvc_key_from_ec_point("brainpoolP256r1", point,
	                                       len - 1, NULL, &key),
	                 CVC_ERR_BAD_KEY);
	ck_assert_int_eq(
	    cvc_key_from_ec_point("brainpoolP999r1", point, len, NULL, &key),
	    CVC_ERR_DOMAIN_PARAMS);
	ck_assert_int_eq(cvc_key_from_ec_point("brainpoolP256r1", point, len,
	                                       algo("id-TA-RSA-PSS-SHA-1"),
	                                       &key),
	                 CVC_ERR_UNKNOWN_ALGORITHM);
	ck_assert_int_eq(cvc_key_from_ec_point(NULL, point, len, NULL, &key),
	                 CVC_ERR_INVALID_ARG);
	/* the point at infinity is no public key */
	memset(point + 1, 0, len - 1);
	ck_assert_int_eq(
	    cvc_key_from_ec_point("brainpoolP256r1", point, len, NULL, &key),
	    CVC_ERR_BAD_KEY);
	cvc_signer_free(&s);
}
END_TEST

START_TEST(test_rsa_key_checks)
{
	uint8_t n[256], e[16];
	cvc_key *key = NULL;

	memset(n, 0xC5, sizeof(n)); /* odd, 2048 bits */
	e[0] = 0x03;
	ck_assert_int_eq(cvc_key_from_rsa(n, 256, e, 1, NULL, &key), CVC_OK);
	ck_assert_uint_eq(cvc_key_bits(key), 2048);
	cvc_key_free(&key);
	/* leading zeros do not count */
	n[0] = 0;
	ck_assert_int_eq(cvc_key_from_rsa(n, 256, e, 1, NULL, &key), CVC_OK);
	ck_assert_uint_eq(cvc_key_bits(key), 2040);
	cvc_key_free(&key);
	n[0] = 0xC5;
	ck_assert_int_eq(cvc_key_from_rsa(n, 64, e, 1, NULL, &key),
	                 CVC_ERR_BAD_KEY); /* 512 bits */
	ck_assert_int_eq(cvc_key_from_rsa(n, 127, e, 1, NULL, &key),
	                 CVC_ERR_BAD_KEY); /* 1016 bits */
	ck_assert_int_eq(cvc_key_from_rsa(n, 128, e, 1, NULL, &key), CVC_OK);
	cvc_key_free(&key);
	n[255] = 0xC4;
	ck_assert_int_eq(cvc_key_from_rsa(n, 256, e, 1, NULL, &key),
	                 CVC_ERR_BAD_KEY); /* even */
	n[255] = 0xC5;
	e[0] = 1;
	ck_assert_int_eq(cvc_key_from_rsa(n, 256, e, 1, NULL, &key),
	                 CVC_ERR_BAD_KEY);
	e[0] = 2;
	ck_assert_int_eq(cvc_key_from_rsa(n, 256, e, 1, NULL, &key),
	                 CVC_ERR_BAD_KEY);
	memset(e, 0x01, sizeof(e)); /* 65..72 bits */
	ck_assert_int_eq(cvc_key_from_rsa(n, 256, e, 9, NULL, &key),
	                 CVC_ERR_BAD_KEY);
	ck_assert_int_eq(cvc_key_from_rsa(n, 256, e, 8, NULL, &key), CVC_OK);
	cvc_key_free(&key);
	ck_assert_int_eq(cvc_key_from_rsa(n, 256, e, 0, NULL, &key),
	                 CVC_ERR_BAD_KEY);
	ck_assert_int_eq(
	    cvc_key_from_rsa(n, 256, e, 1, algo("id-TA-ECDSA-SHA-1"), &key),
	    CVC_ERR_UNKNOWN_ALGORITHM);
	ck_assert_ptr_null(key);
}
END_TEST

START_TEST(test_generate_arguments)
{
	cvc_signer *s = NULL;
	size_t len = 0;

	ck_assert_int_eq(
	    cvc_signer_generate("P-256", algo("id-TA-RSA-v1-5-SHA-256"), &s),
	    CVC_ERR_UNKNOWN_ALGORITHM);
	ck_assert_int_eq(
	    cvc_signer_generate("rsa2048", algo("id-TA-ECDSA-SHA-256"), &s),
	    CVC_ERR_UNKNOWN_ALGORITHM);
	ck_assert_int_eq(cvc_signer_generate("rsa512", NULL, &s),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_signer_generate("rsa2048x", NULL, &s),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_signer_generate("rsa+2048", NULL, &s),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_signer_generate("curve25519", NULL, &s),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_signer_generate(NULL, NULL, &s),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(cvc_signer_sign(NULL, msg, 1, NULL, 0, &len),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_key_verify(NULL, NULL, msg, 1, msg, 1),
	                 CVC_ERR_INVALID_ARG);
	cvc_signer_free(&s);
	cvc_signer_free(NULL);
	cvc_key_free(NULL);
	ck_assert_ptr_null(cvc_signer_algo(NULL));
	ck_assert_ptr_null(cvc_key_algo(NULL));
	ck_assert(!cvc_key_equal(NULL, NULL));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Requests signed and verified end to end (TR-03110-3 C.2)            */

static size_t signed_request(const cvc_signer *s, const char *chr,
                             uint8_t *pk_buf, uint8_t *out, size_t cap)
{
	static uint8_t body[MAX_ENC], sig[MAX_SIG];
	cvc_cert req;
	size_t body_len = 0, sig_len, len = 0;

	memset(&req, 0, sizeof(req));
	req.kind = CVC_KIND_REQUEST;
	req.cpi = 0;
	encode_pubkey(s, true, pk_buf, &req.key);
	req.chr = (cvc_span){(const uint8_t *)chr, strlen(chr)};
	ck_assert_int_eq(
	    cvc_cert_encode_body(&req, body, sizeof(body), &body_len), CVC_OK);
	sig_len = sign(s, body, body_len, sig);
	req.signature = (cvc_span){sig, sig_len};
	ck_assert_int_eq(cvc_cert_encode(&req, out, cap, &len), CVC_OK);
	return len;
}

START_TEST(test_request_inner_and_outer)
{
	static const uint8_t outer_car[] = "DECVCA00001";
	cvc_signer *applicant = NULL, *ca = NULL;
	uint8_t pk[MAX_ENC], inner[MAX_ENC], outer_tbs[MAX_ENC], auth[MAX_ENC];
	uint8_t outer_sig[MAX_SIG];
	size_t inner_len, tbs_len, auth_len = 0,
	                           car_len = sizeof(outer_car) - 1;
	cvc_cert req, tmpl, dec;
	cvc_key *ca_key, *applicant_key;

	ck_assert_int_eq(
	    cvc_signer_generate("brainpoolP256r1", NULL, &applicant), CVC_OK);
	ck_assert_int_eq(cvc_signer_generate("P-256", NULL, &ca), CVC_OK);
	inner_len = signed_request(applicant, "DETESTDV00001", pk, inner,
	                           sizeof(inner));
	ck_assert_int_eq(cvc_cert_decode(inner, inner_len, 0, &req, NULL),
	                 CVC_OK);
	ck_assert_int_eq(cvc_request_verify_inner(&req, NULL), CVC_OK);

	/* outer: DER(7F21) || DER(42 CAR), signed with the CA's key */
	memcpy(outer_tbs, inner, inner_len);
	outer_tbs[inner_len] = 0x42;
	outer_tbs[inner_len + 1] = (uint8_t)car_len;
	memcpy(outer_tbs + inner_len + 2, outer_car, car_len);
	tbs_len = inner_len + 2 + car_len;
	tmpl = req;
	tmpl.kind = CVC_KIND_AUTH_REQUEST;
	tmpl.outer_car = (cvc_span){outer_car, car_len};
	tmpl.outer_signature =
	    (cvc_span){outer_sig, sign(ca, outer_tbs, tbs_len, outer_sig)};
	ck_assert_int_eq(cvc_cert_encode(&tmpl, auth, sizeof(auth), &auth_len),
	                 CVC_OK);
	ck_assert_int_eq(cvc_cert_decode(auth, auth_len, 0, &dec, NULL),
	                 CVC_OK);
	ck_assert_int_eq(dec.kind, CVC_KIND_AUTH_REQUEST);
	ck_assert_uint_eq(dec.outer_tbs.len, tbs_len);
	ck_assert_mem_eq(dec.outer_tbs.data, outer_tbs, tbs_len);

	ca_key = public_key(ca);
	applicant_key = public_key(applicant);
	ck_assert_int_eq(cvc_request_verify_inner(&dec, NULL), CVC_OK);
	ck_assert_int_eq(cvc_request_verify_outer(&dec, ca_key), CVC_OK);
	ck_assert_int_eq(cvc_request_verify_outer(&dec, applicant_key),
	                 CVC_ERR_SIGNATURE);
	/* a plain request has no outer signature */
	ck_assert_int_eq(cvc_request_verify_outer(&req, ca_key),
	                 CVC_ERR_MISSING_FIELD);
	/* tampered inner signature */
	auth[dec.signature.data - auth + 5] ^= 0x10;
	ck_assert_int_eq(cvc_cert_decode(auth, auth_len, 0, &dec, NULL),
	                 CVC_OK);
	ck_assert_int_eq(cvc_request_verify_inner(&dec, NULL),
	                 CVC_ERR_SIGNATURE);
	ck_assert_int_eq(cvc_request_verify_outer(&dec, ca_key),
	                 CVC_ERR_SIGNATURE);
	cvc_key_free(&ca_key);
	cvc_key_free(&applicant_key);
	cvc_signer_free(&applicant);
	cvc_signer_free(&ca);
}
END_TEST

/* ------------------------------------------------------------------ */
/* One key, many threads (crypto.h: keys may be shared read-only)      */

typedef struct thread_arg {
	const cvc_key *key;
	const uint8_t *sig;
	size_t len;
	int failures;
} thread_arg;

static void *verify_many(void *p)
{
	thread_arg *a = p;

	for (int i = 0; i < 200; i++)
		if (cvc_key_verify(a->key, NULL, msg, sizeof(msg), a->sig,
		                   a->len) != CVC_OK)
			a->failures++;
	return NULL;
}

START_TEST(test_shared_key_threads)
{
	cvc_signer *s = NULL;
	uint8_t sig[MAX_SIG];
	pthread_t t[4];
	thread_arg args[4];
	cvc_key *key;
	size_t len;

	ck_assert_int_eq(cvc_signer_generate("brainpoolP256r1", NULL, &s),
	                 CVC_OK);
	key = public_key(s);
	len = sign(s, msg, sizeof(msg), sig);
	for (int i = 0; i < 4; i++) {
		args[i] = (thread_arg){key, sig, len, 0};
		ck_assert_int_eq(
		    pthread_create(&t[i], NULL, verify_many, &args[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(args[i].failures, 0);
	}
	cvc_key_free(&key);
	cvc_signer_free(&s);
}
END_TEST

static Suite *crypto_suite(void)
{
	Suite *s = suite_create("crypto");
	TCase *table = tcase_create("algorithms");
	TCase *ec = tcase_create("ecdsa");
	TCase *rsa = tcase_create("rsa");
	TCase *keys = tcase_create("keys");

	tcase_add_test(table, test_algo_lookup);
	tcase_add_test(table, test_algo_unknown_oids);
	tcase_add_test(table, test_hash_names_and_sizes);
	suite_add_tcase(s, table);

	tcase_set_timeout(ec, 600);
	tcase_add_loop_test(ec, test_ecdsa_every_curve, 0, (int)N_CURVES);
	tcase_add_test(ec, test_curve_aliases);
	tcase_add_test(ec, test_signature_always_2l);
	tcase_add_test(ec, test_ec_point_checks);
	tcase_add_test(ec, test_request_inner_and_outer);
	tcase_add_test(ec, test_shared_key_threads);
	suite_add_tcase(s, ec);

	tcase_set_timeout(rsa, 600);
	tcase_add_unchecked_fixture(rsa, rsa_setup, rsa_teardown);
	tcase_add_test(rsa, test_rsa_every_scheme);
	tcase_add_test(rsa, test_rsa_pss_any_salt);
	tcase_add_test(rsa, test_rsa_generate_and_encode);
	tcase_add_test(rsa, test_load_every_form);
	tcase_add_test(rsa, test_load_file);
	tcase_add_test(rsa, test_load_rejects);
	suite_add_tcase(s, rsa);

	tcase_add_test(keys, test_rsa_key_checks);
	tcase_add_test(keys, test_generate_arguments);
	suite_add_tcase(s, keys);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(crypto_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
