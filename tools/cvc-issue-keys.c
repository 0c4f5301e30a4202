/* SPDX-License-Identifier: MIT */
/*
 * cvc-issue: keys. The issuer's private key (a file, or a pkcs11: URI) is
 * loaded with messages that say what to fix and never show a PIN; the
 * holder's public key of --pubkey is read from a SubjectPublicKeyInfo (PEM
 * or DER, EC or RSA, through OpenSSL's EVP interfaces), a CVC 7F49 object
 * or an uncompressed EC point; and every holder key is checked against the
 * issuer's, because DV and terminal keys inherit the CVCA's domain
 * parameters (TR-03110-3 D.3.3) and a chain uses one algorithm (2.3).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cvc-issue.h"

#define PKCS11_SCHEME "pkcs11:"
#define PIN_ATTR      "pin-value="
#define MAX_PUBKEY    1200 /* a 7F49 with domain parameters or RSA-8192 */

/* ------------------------------------------------------------------ */
/* Private keys */

static bool env_set(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0';
}

/* RFC 7512: an attribute starts after the scheme, ';', '?' or '&'. */
static bool at_attribute(const char *uri, const char *p)
{
	return p > uri && strchr(":;?&", p[-1]) != NULL;
}

static bool uri_has_pin(const char *uri)
{
	for (const char *p = strstr(uri, PIN_ATTR); p != NULL;
	     p = strstr(p + 1, PIN_ATTR))
		if (at_attribute(uri, p))
			return true;
	return false;
}

/* The URI as it may be shown: every pin-value is replaced by "***". */
static void uri_redacted(const char *uri, char *out, size_t cap)
{
	size_t o = 0, attr = strlen(PIN_ATTR);
	const char *p = uri;

	while (*p != '\0' && o + 1 < cap) {
		if (strncmp(p, PIN_ATTR, attr) == 0 && at_attribute(uri, p)) {
			int n = snprintf(out + o, cap - o, "%s***", PIN_ATTR);
			o = n < 0 || (size_t)n >= cap - o ? cap - 1
			                                  : o + (size_t)n;
			p += attr;
			p += strcspn(p, ";?&");
			continue;
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
}

static int algo_mismatch(const char *shown, const cvc_algo *algo)
{
	cvc_tool_fail("%s: the key does not fit the algorithm %s (wrong key "
	              "type or curve for this certificate)",
	              shown, algo != NULL ? algo->name : "(unknown)");
	return CVC_TOOL_EXIT_INPUT;
}

static int load_pkcs11(const char *uri, const char *pin, const cvc_algo *algo,
                       cvc_signer **out)
{
	char shown[512];
	cvc_err err;

	uri_redacted(uri, shown, sizeof(shown));
	if (!env_set("PKCS11_MODULE_PATH")) {
		cvc_tool_fail("%s: no PKCS#11 module: set $PKCS11_MODULE_PATH "
		              "(e.g. /usr/lib/softhsm/libsofthsm2.so)",
		              shown);
		return CVC_TOOL_EXIT_INPUT;
	}
	/* the library refuses too; this says which of the three to give */
	if (pin == NULL && !env_set("CVC_PKCS11_PIN") && !uri_has_pin(uri)) {
		cvc_tool_fail("%s: PIN required: give --pin, $CVC_PKCS11_PIN "
		              "or pin-value in the URI (there is no prompt)",
		              shown);
		return CVC_TOOL_EXIT_INPUT;
	}
	err = cvc_signer_load_pkcs11(uri, pin, NULL, algo, out);
	switch (err) {
	case CVC_OK:
		return 0;
	case CVC_ERR_INVALID_ARG:
		cvc_tool_fail("%s: PKCS#11 login failed: PIN incorrect or "
		              "locked, or the URI is malformed",
		              shown);
		break;
	case CVC_ERR_IO:
		cvc_tool_fail("%s: no such token or private key, or the "
		              "module %s cannot be loaded",
		              shown, getenv("PKCS11_MODULE_PATH"));
		break;
	case CVC_ERR_UNSUPPORTED:
		cvc_tool_fail("%s: OpenSSL's pkcs11 engine is not installed "
		              "(Debian: libengine-pkcs11-openssl)",
		              shown);
		break;
	case CVC_ERR_UNKNOWN_ALGORITHM:
		return algo_mismatch(shown, algo);
	default:
		cvc_tool_fail("%s: cannot load private key: %s", shown,
		              cvc_strerror(err));
	}
	return CVC_TOOL_EXIT_INPUT;
}

static int load_file(const char *path, const char *pass, const cvc_algo *algo,
                     cvc_signer **out)
{
	cvc_err err;

	if (access(path, R_OK) != 0) {
		cvc_tool_fail("%s: cannot open: %s", path, strerror(errno));
		return CVC_TOOL_EXIT_INPUT;
	}
	err = cvc_key_file_load(path, pass, algo, out);
	switch (err) {
	case CVC_OK:
		return 0;
	case CVC_ERR_UNKNOWN_ALGORITHM:
		return algo_mismatch(path, algo);
	case CVC_ERR_BAD_KEY:
		cvc_tool_fail("%s: no usable private key in the file (a public "
		              "key, or RSA under 1024 bits)",
		              path);
		break;
	case CVC_ERR_INPUT_FORMAT:
		cvc_tool_fail("%s: not a private key, or the passphrase is "
		              "wrong (--key-pass, $CVC_KEY_PASS)",
		              path);
		break;
	default:
		cvc_tool_fail("%s: cannot load private key: %s", path,
		              cvc_strerror(err));
	}
	return CVC_TOOL_EXIT_INPUT;
}

int cvc_issue_load_key(const char *spec, const char *pin, const char *pass,
                       const cvc_algo *algo, cvc_signer **out)
{
	if (strncmp(spec, PKCS11_SCHEME, strlen(PKCS11_SCHEME)) == 0)
		return load_pkcs11(spec, pin, algo, out);
	return load_file(spec, pass, algo, out);
}

/* ------------------------------------------------------------------ */
/* Holder public keys (--pubkey) */

/* True when the n octets at data contain the text s. */
static bool contains(const uint8_t *data, size_t n, const char *s)
{
	size_t k = strlen(s);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(data + i, s, k) == 0)
			return true;
	return false;
}

/*
 * OpenSSL's default for a PEM block with an encryption header is to prompt
 * on the terminal; a public key never needs a passphrase, so none is given.
 */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static EVP_PKEY *spki_from_pem(const uint8_t *data, size_t len)
{
	BIO *bio = BIO_new_mem_buf(data, (int)len);
	EVP_PKEY *pkey = NULL;

	if (bio != NULL)
		pkey = PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	return pkey;
}

/* DER SubjectPublicKeyInfo filling the whole input, else NULL. */
static EVP_PKEY *spki_from_der(const uint8_t *data, size_t len)
{
	const unsigned char *p = data;
	EVP_PKEY *pkey;

	if (len < 2 || data[0] != 0x30)
		return NULL;
	pkey = d2i_PUBKEY(NULL, &p, (long)len);
	if (pkey != NULL && p != data + len) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	return pkey;
}

/* The uncompressed point 04||X||Y of an EC key into buf. */
static bool ec_point_of(EVP_PKEY *pkey, uint8_t *buf, size_t cap, size_t *len)
{
	return EVP_PKEY_set_utf8_string_param(
	           pkey, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
	           OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED) == 1 &&
	       EVP_PKEY_get_octet_string_param(
	           pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, buf, cap, len) ==
	           1 &&
	       *len > 0 && buf[0] == 0x04;
}

/* n then e, big-endian without leading zeros, into buf. */
static bool rsa_parts_of(EVP_PKEY *pkey, uint8_t *buf, size_t cap,
                         size_t *n_len, size_t *e_len)
{
	BIGNUM *n = NULL, *e = NULL;
	bool ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
	          EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) == 1 &&
	          (size_t)BN_num_bytes(n) + (size_t)BN_num_bytes(e) <= cap;

	if (ok) {
		*n_len = (size_t)BN_bn2bin(n, buf);
		*e_len = (size_t)BN_bn2bin(e, buf + *n_len);
	}
	BN_free(n);
	BN_free(e);
	return ok;
}

/*
 * The key of a SubjectPublicKeyInfo as CVC components, in in->data. It
 * gets the issuer's algorithm OID: an X.509 key names no CVC algorithm.
 */
static int pubkey_from_evp(const char *path, EVP_PKEY *pkey,
                           const cvc_cert *issuer_cert, cvc_tool_input *in,
                           cvc_pubkey *pk)
{
	uint8_t *buf = malloc(MAX_PUBKEY);
	size_t a = 0, b = 0;
	bool ok = false;

	memset(pk, 0, sizeof(*pk));
	pk->oid = issuer_cert->key.oid;
	if (buf != NULL && EVP_PKEY_is_a(pkey, "EC")) {
		ok = ec_point_of(pkey, buf, MAX_PUBKEY, &a);
		pk->type = CVC_KEY_EC;
		CVC_EC_POINT(pk) = (cvc_span){buf, a};
	} else if (buf != NULL && EVP_PKEY_is_a(pkey, "RSA")) {
		ok = rsa_parts_of(pkey, buf, MAX_PUBKEY, &a, &b);
		pk->type = CVC_KEY_RSA;
		CVC_RSA_N(pk) = (cvc_span){buf, a};
		CVC_RSA_E(pk) = (cvc_span){buf + a, b};
	} else if (buf != NULL) {
		cvc_tool_fail("%s: key type %s; CVCs carry EC or RSA keys",
		              path, EVP_PKEY_get0_type_name(pkey));
		free(buf);
		return CVC_TOOL_EXIT_INPUT;
	}
	ERR_clear_error();
	if (!ok) {
		cvc_tool_fail("%s: cannot read the public key", path);
		free(buf);
		return CVC_TOOL_EXIT_INPUT;
	}
	in->data = buf;
	in->len = a + b;
	return 0;
}

/* in->data as a 7F49 object or an uncompressed EC point. */
static int pubkey_from_bytes(const char *path, const cvc_cert *issuer_cert,
                             cvc_tool_input *in, cvc_pubkey *pk)
{
	cvc_diag diag = {0};
	cvc_err err;

	if (in->len > 1 && in->data[0] == 0x7F) {
		err = cvc_pubkey_decode(in->data, in->len, 0, pk, &diag);
		if (err == CVC_OK)
			return 0;
		cvc_tool_fail("%s: bad 7F49 public key: %s%s%s", path,
		              cvc_strerror(err), diag.reason ? ": " : "",
		              diag.reason ? diag.reason : "");
		return CVC_TOOL_EXIT_INPUT;
	}
	if (in->len < 3 || in->data[0] != 0x04 || in->len % 2 != 1) {
		cvc_tool_fail("%s: not a 7F49 object or an uncompressed EC "
		              "point (04 X Y)",
		              path);
		return CVC_TOOL_EXIT_INPUT;
	}
	memset(pk, 0, sizeof(*pk));
	pk->type = CVC_KEY_EC;
	pk->oid = issuer_cert->key.oid;
	CVC_EC_POINT(pk) = (cvc_span){in->data, in->len};
	return 0;
}

/* Wiped: a private key given by mistake must not linger in memory. */
static void free_raw(uint8_t *raw, size_t len)
{
	OPENSSL_cleanse(raw, len);
	free(raw);
}

int cvc_issue_read_pubkey(const char *path, const cvc_cert *issuer_cert,
                          cvc_tool_input *in, cvc_pubkey *pk)
{
	cvc_tool_error te;
	uint8_t *raw;
	size_t len;
	bool pem;
	EVP_PKEY *pkey;
	int rc;

	if (cvc_tool_read_file(path, CVC_TOOL_MAX_INPUT, &raw, &len, &te) !=
	    CVC_OK) {
		cvc_tool_report(path, &te);
		return CVC_TOOL_EXIT_INPUT;
	}
	/* PKCS#8, SEC 1 and PKCS#1 private keys all end their label so */
	if (contains(raw, len, "PRIVATE KEY-----")) {
		free_raw(raw, len);
		cvc_tool_fail("%s: is a private key; give its public half "
		              "(openssl pkey -pubout)",
		              path);
		return CVC_TOOL_EXIT_INPUT;
	}
	pem = contains(raw, len, "-----BEGIN PUBLIC KEY-----");
	pkey = pem ? spki_from_pem(raw, len) : spki_from_der(raw, len);
	ERR_clear_error();
	in->path = path;
	if (pkey != NULL || pem) {
		free_raw(raw, len);
		if (pkey == NULL) {
			cvc_tool_fail("%s: bad PEM public key", path);
			return CVC_TOOL_EXIT_INPUT;
		}
		rc = pubkey_from_evp(path, pkey, issuer_cert, in, pk);
		EVP_PKEY_free(pkey);
		return rc;
	}
	if (len > 0 && raw[0] == 0x04) { /* a binary point (hex text is not) */
		in->data = raw;
		in->len = len;
		return pubkey_from_bytes(path, issuer_cert, in, pk);
	}
	free_raw(raw, len);
	/* 7F49 as DER, hex or base64, or a point as hex */
	if (cvc_tool_load(path, CVC_TOOL_MAX_INPUT, in, &te) != CVC_OK) {
		cvc_tool_fail("%s: not a public key: give a PEM or DER "
		              "SubjectPublicKeyInfo, a 7F49 object or an "
		              "uncompressed EC point (04 X Y)",
		              path);
		return CVC_TOOL_EXIT_INPUT;
	}
	return pubkey_from_bytes(path, issuer_cert, in, pk);
}

/* ------------------------------------------------------------------ */
/* Holder key against the issuer key */

static const char *key_type_name(cvc_key_type t)
{
	return t == CVC_KEY_EC ? "EC" : t == CVC_KEY_RSA ? "RSA" : "unknown";
}

static const char *issuer_curve(const cvc_signer *issuer, cvc_key **k)
{
	if (cvc_signer_public_key(issuer, k) != CVC_OK)
		return "?";
	return cvc_key_curve_name(*k) != NULL ? cvc_key_curve_name(*k) : "?";
}

int cvc_issue_check_holder_key(const char *what, const cvc_pubkey *pk,
                               const cvc_signer *issuer)
{
	uint8_t buf[MAX_PUBKEY];
	size_t len;
	cvc_pubkey dom;
	cvc_key *key = NULL, *ik = NULL;
	cvc_diag diag = {0};
	cvc_err err;

	/* the issuer's own key with domain parameters: what the holder gets */
	err = cvc_signer_pubkey_encode(issuer, true, buf, sizeof(buf), &len);
	if (err == CVC_OK)
		err = cvc_pubkey_decode(buf, len, 0, &dom, NULL);
	if (err != CVC_OK) {
		cvc_tool_fail("issuer key: %s", cvc_strerror(err));
		return CVC_TOOL_EXIT_INPUT;
	}
	if (dom.type != pk->type) {
		cvc_tool_fail(
		    "%s: the holder key is %s but the issuer's is %s; "
		    "a chain uses one algorithm",
		    what, key_type_name(pk->type), key_type_name(dom.type));
		return CVC_TOOL_EXIT_INPUT;
	}
	err = cvc_key_from_pubkey(pk, pk->type == CVC_KEY_EC ? &dom : NULL,
	                          CVC_CPI_TR03110, &key, &diag);
	cvc_key_free(&key);
	if (err == CVC_OK)
		return 0;
	if (pk->type == CVC_KEY_EC)
		cvc_tool_fail("%s: the holder key is not a point on the "
		              "issuer's curve %s, which it inherits: %s",
		              what, issuer_curve(issuer, &ik),
		              cvc_strerror(err));
	else
		cvc_tool_fail("%s: unusable holder key: %s", what,
		              cvc_strerror(err));
	cvc_key_free(&ik);
	return CVC_TOOL_EXIT_INPUT;
}
