/* SPDX-License-Identifier: MIT */
/*
 * cvc_signer_load_pkcs11 and cvc_signer_load against a SoftHSM2 token that
 * pkcs11-lib.sh creates for the run (labels cvc-ca / ca-bp256 id 01 /
 * ca-p256 id 02, EC keys generated inside the token).
 *
 * Checked: both curves load by label and by id; every signature is exactly
 * 2l octets (plain r||s, TR-03111 5.2.1) and verifies with cvc_key_verify
 * under the public key taken from the signer, both directly and through
 * the encoded 7F49 object, and under the public key pkcs11-tool read from
 * the token, which equals the signer's; a changed message does not verify; an
 * explicit algorithm is honoured; the PIN comes from the argument, the URI or
 * CVC_PKCS11_PIN, and a missing, wrong PIN, unknown object, missing or
 * broken module give errors without a prompt; cvc_signer_load dispatches
 * URIs and file paths; two signers may be alive at once.
 *
 * Environment: CVC_P11_MODULE (SoftHSM's module), CVC_P11_PIN (user PIN),
 * CVC_P11_KEYFILE (a PEM key file), CVC_P11_POINT_BP256 / _P256 (the
 * token's public points in hex), SOFTHSM2_CONF (the private token).
 * Check forks per test, so the environment changes stay in one test.
 */
#define _DEFAULT_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvc/cert.h>
#include <cvc/crypto.h>

#define URI_BP256  "pkcs11:token=cvc-ca;object=ca-bp256;type=private"
#define URI_P256   "pkcs11:token=cvc-ca;object=ca-p256;type=private"
#define URI_ID02   "pkcs11:token=cvc-ca;id=%02;type=private"
#define L_256      32 /* ceil(256 / 8): order length of both curves */
#define N_MESSAGES 20 /* enough that a short r or s shows up */

static const char *env_or_die(const char *name)
{
	const char *v = getenv(name);

	ck_assert_msg(v != NULL && *v != '\0', "%s not set", name);
	return v;
}

static const char *module(void)
{
	return env_or_die("CVC_P11_MODULE");
}

static const char *pin(void)
{
	return env_or_die("CVC_P11_PIN");
}

static cvc_signer *load_ok(const char *uri, const char *p, const char *mod,
                           const cvc_algo *algo)
{
	cvc_signer *s = NULL;
	cvc_err err = cvc_signer_load_pkcs11(uri, p, mod, algo, &s);

	ck_assert_msg(err == CVC_OK, "load %s: %s", uri, cvc_strerror(err));
	ck_assert_ptr_nonnull(s);
	return s;
}

/* Signs N_MESSAGES messages; each must be 2l octets and verify. */
static void sign_and_verify(const cvc_signer *s, const cvc_key *key,
                            const cvc_algo *algo)
{
	uint8_t msg[48], sig[2 * 66];
	size_t sig_len = 0;

	for (unsigned i = 0; i < N_MESSAGES; i++) {
		memset(msg, (int)i, sizeof(msg));
		ck_assert_int_eq(cvc_signer_sign(s, msg, sizeof(msg), sig,
		                                 sizeof(sig), &sig_len),
		                 CVC_OK);
		ck_assert_uint_eq(sig_len, 2 * L_256);
		ck_assert_int_eq(
		    cvc_key_verify(key, algo, msg, sizeof(msg), sig, sig_len),
		    CVC_OK);
		msg[0] ^= 0x80;
		ck_assert_int_eq(
		    cvc_key_verify(key, algo, msg, sizeof(msg), sig, sig_len),
		    CVC_ERR_SIGNATURE);
	}
}

static const char *const uris[] = {URI_BP256, URI_P256};
static const char *const curves[] = {"brainpoolP256r1", "P-256"};
static const char *const point_envs[] = {"CVC_P11_POINT_BP256",
                                         "CVC_P11_POINT_P256"};

/* The key as pkcs11-tool read it from the token (hex point in env). */
static cvc_key *token_key(unsigned i)
{
	const char *hex = env_or_die(point_envs[i]);
	uint8_t point[1 + 2 * L_256];
	cvc_key *key = NULL;

	ck_assert_uint_eq(strlen(hex), 2 * sizeof(point));
	for (size_t k = 0; k < sizeof(point); k++) {
		unsigned v;

		ck_assert_int_eq(sscanf(hex + 2 * k, "%2x", &v), 1);
		point[k] = (uint8_t)v;
	}
	ck_assert_int_eq(
	    cvc_key_from_ec_point(curves[i], point, sizeof(point), NULL, &key),
	    CVC_OK);
	return key;
}

START_TEST(t_sign_verify)
{
	cvc_signer *s = load_ok(uris[_i], pin(), module(), NULL);
	cvc_key *key = NULL, *tok;
	uint8_t small[4];
	size_t need = 0;

	ck_assert_int_eq(cvc_signer_public_key(s, &key), CVC_OK);
	ck_assert_str_eq(cvc_key_curve_name(key), curves[_i]);
	ck_assert_ptr_eq(cvc_key_algo(key), cvc_signer_algo(s));
	sign_and_verify(s, key, NULL);
	/* the engine's public half is the token's public key */
	tok = token_key((unsigned)_i);
	ck_assert(cvc_key_equal(key, tok));
	sign_and_verify(s, tok, cvc_signer_algo(s));
	cvc_key_free(&tok);
	/* size query, as for file keys */
	ck_assert_int_eq(
	    cvc_signer_sign(s, small, sizeof(small), NULL, 0, &need),
	    CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(need, 2 * L_256);
	cvc_key_free(&key);
	cvc_signer_free(&s);
	ck_assert_ptr_null(s);
}
END_TEST

/* The 7F49 object (with domain parameters) gives the same key. */
START_TEST(t_pubkey_encode)
{
	cvc_signer *s = load_ok(uris[_i], pin(), module(), NULL);
	cvc_key *direct = NULL, *decoded = NULL;
	uint8_t enc[512];
	size_t enc_len = 0;
	cvc_pubkey pk;

	ck_assert_int_eq(
	    cvc_signer_pubkey_encode(s, true, enc, sizeof(enc), &enc_len),
	    CVC_OK);
	ck_assert_int_eq(cvc_pubkey_decode(enc, enc_len, 0, &pk, NULL), CVC_OK);
	ck_assert_int_eq(cvc_key_from_pubkey(&pk, NULL, 0, &decoded, NULL),
	                 CVC_OK);
	ck_assert_int_eq(cvc_signer_public_key(s, &direct), CVC_OK);
	ck_assert(cvc_key_equal(direct, decoded));
	sign_and_verify(s, decoded, NULL);
	cvc_key_free(&direct);
	cvc_key_free(&decoded);
	cvc_signer_free(&s);
}
END_TEST

START_TEST(t_by_id)
{
	cvc_signer *by_id = load_ok(URI_ID02, pin(), module(), NULL);
	cvc_signer *by_label = load_ok(URI_P256, pin(), module(), NULL);
	cvc_key *a = NULL, *b = NULL;

	ck_assert_int_eq(cvc_signer_public_key(by_id, &a), CVC_OK);
	ck_assert_int_eq(cvc_signer_public_key(by_label, &b), CVC_OK);
	ck_assert(cvc_key_equal(a, b));
	/* two signers alive at once, freed in load order */
	sign_and_verify(by_label, a, NULL);
	cvc_signer_free(&by_id);
	sign_and_verify(by_label, b, NULL);
	cvc_signer_free(&by_label);
	cvc_key_free(&a);
	cvc_key_free(&b);
}
END_TEST

START_TEST(t_explicit_algo)
{
	const cvc_algo *algo = cvc_algo_from_name("id-TA-ECDSA-SHA-384");
	cvc_signer *s;
	cvc_key *key = NULL;

	ck_assert_ptr_nonnull(algo);
	s = load_ok(URI_BP256, pin(), module(), algo);
	ck_assert_ptr_eq(cvc_signer_algo(s), algo);
	ck_assert_int_eq(cvc_signer_public_key(s, &key), CVC_OK);
	sign_and_verify(s, key, algo);
	cvc_key_free(&key);
	cvc_signer_free(&s);
}
END_TEST

START_TEST(t_rsa_algo_refused)
{
	const cvc_algo *algo = cvc_algo_from_name("id-TA-RSA-v1-5-SHA-256");
	cvc_signer *s = (cvc_signer *)1;

	ck_assert_ptr_nonnull(algo);
	ck_assert_int_eq(
	    cvc_signer_load_pkcs11(URI_P256, pin(), module(), algo, &s),
	    CVC_ERR_UNKNOWN_ALGORITHM);
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(t_pin_from_env)
{
	cvc_signer *s;

	setenv("CVC_PKCS11_PIN", pin(), 1);
	s = load_ok(URI_P256, NULL, module(), NULL);
	cvc_signer_free(&s);
}
END_TEST

START_TEST(t_pin_from_uri)
{
	char uri[256];
	cvc_signer *s;

	unsetenv("CVC_PKCS11_PIN");
	snprintf(uri, sizeof(uri), "%s;pin-value=%s", URI_BP256, pin());
	s = load_ok(uri, NULL, module(), NULL);
	cvc_signer_free(&s);
}
END_TEST

static void expect_load_error(const char *uri, const char *p, const char *mod,
                              cvc_err want)
{
	cvc_signer *s = (cvc_signer *)1;
	cvc_err err = cvc_signer_load_pkcs11(uri, p, mod, NULL, &s);

	ck_assert_msg(err == want, "%s: got %s, want %s", uri,
	              cvc_strerror(err), cvc_strerror(want));
	ck_assert_ptr_null(s);
}

/* No PIN anywhere: an error at once, not a prompt (stdin is not read). */
START_TEST(t_missing_pin)
{
	unsetenv("CVC_PKCS11_PIN");
	expect_load_error(URI_P256, NULL, module(), CVC_ERR_INVALID_ARG);
}
END_TEST

START_TEST(t_wrong_pin)
{
	expect_load_error(URI_P256, "000000", module(), CVC_ERR_INVALID_ARG);
	/* a wrong PIN in the environment is as wrong */
	setenv("CVC_PKCS11_PIN", "999999", 1);
	expect_load_error(URI_BP256, NULL, module(), CVC_ERR_INVALID_ARG);
}
END_TEST

START_TEST(t_unknown_object)
{
	expect_load_error("pkcs11:token=cvc-ca;object=no-such-key;"
	                  "type=private",
	                  pin(), module(), CVC_ERR_IO);
	expect_load_error("pkcs11:token=no-such-token;object=ca-p256;"
	                  "type=private",
	                  pin(), module(), CVC_ERR_IO);
}
END_TEST

START_TEST(t_module_choice)
{
	cvc_signer *s;

	/* neither argument nor environment: no guessing */
	unsetenv("PKCS11_MODULE_PATH");
	expect_load_error(URI_P256, pin(), NULL, CVC_ERR_INVALID_ARG);
	expect_load_error(URI_P256, pin(), "/nonexistent/libnothing.so",
	                  CVC_ERR_IO);
	setenv("PKCS11_MODULE_PATH", module(), 1);
	s = load_ok(URI_P256, pin(), NULL, NULL);
	cvc_signer_free(&s);
	/* libp11 keeps the first module: another is refused, not ignored */
	expect_load_error(URI_P256, pin(), "/nonexistent/libnothing.so",
	                  CVC_ERR_UNSUPPORTED);
	s = load_ok(URI_BP256, pin(), module(), NULL);
	cvc_signer_free(&s);
}
END_TEST

START_TEST(t_bad_args)
{
	cvc_signer *s = (cvc_signer *)1;

	ck_assert_int_eq(
	    cvc_signer_load_pkcs11(URI_P256, pin(), module(), NULL, NULL),
	    CVC_ERR_INVALID_ARG);
	expect_load_error(NULL, pin(), module(), CVC_ERR_INVALID_ARG);
	expect_load_error("file.pem", pin(), module(), CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_signer_load(NULL, NULL, NULL, &s),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_ptr_null(s);
}
END_TEST

/* cvc_signer_load: URIs to the token (module from the environment). */
START_TEST(t_load_dispatch)
{
	cvc_signer *hsm = NULL, *file = NULL;
	cvc_key *key = NULL;

	setenv("PKCS11_MODULE_PATH", module(), 1);
	ck_assert_int_eq(cvc_signer_load(URI_BP256, pin(), NULL, &hsm), CVC_OK);
	ck_assert_int_eq(cvc_signer_public_key(hsm, &key), CVC_OK);
	ck_assert_str_eq(cvc_key_curve_name(key), "brainpoolP256r1");
	sign_and_verify(hsm, key, NULL);
	cvc_key_free(&key);

	ck_assert_int_eq(
	    cvc_signer_load(env_or_die("CVC_P11_KEYFILE"), pin(), NULL, &file),
	    CVC_OK);
	ck_assert_int_eq(cvc_signer_public_key(file, &key), CVC_OK);
	ck_assert_str_eq(cvc_key_curve_name(key), "P-256");
	sign_and_verify(file, key, NULL);
	cvc_key_free(&key);
	cvc_signer_free(&file);
	ck_assert_int_eq(
	    cvc_signer_load("/nonexistent/key.pem", NULL, NULL, &file),
	    CVC_ERR_IO);
	ck_assert_ptr_null(file);
	cvc_signer_free(&hsm);
}
END_TEST

static Suite *hsm_suite(void)
{
	Suite *s = suite_create("hsm");
	TCase *tc = tcase_create("pkcs11");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, t_sign_verify, 0, 2);
	tcase_add_loop_test(tc, t_pubkey_encode, 0, 2);
	tcase_add_test(tc, t_by_id);
	tcase_add_test(tc, t_explicit_algo);
	tcase_add_test(tc, t_rsa_algo_refused);
	tcase_add_test(tc, t_pin_from_env);
	tcase_add_test(tc, t_pin_from_uri);
	tcase_add_test(tc, t_missing_pin);
	tcase_add_test(tc, t_wrong_pin);
	tcase_add_test(tc, t_unknown_object);
	tcase_add_test(tc, t_module_choice);
	tcase_add_test(tc, t_bad_args);
	tcase_add_test(tc, t_load_dispatch);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(hsm_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
