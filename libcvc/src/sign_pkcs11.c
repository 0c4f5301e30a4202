/* SPDX-License-Identifier: MIT */
/*
 * Signing with a private key inside a PKCS#11 token (an HSM, or SoftHSM in
 * the tests) through OpenSSL's "pkcs11" engine (libp11).
 *
 * The ENGINE API is deprecated in OpenSSL 3, but on Debian 12 it is the only
 * PKCS#11 route: pkcs11-provider is not packaged for bookworm, and libp11
 * 0.4.12 registers no OSSL_STORE loader, so OSSL_STORE_open("pkcs11:...")
 * fails. Hence OPENSSL_SUPPRESS_DEPRECATED in this one file; the key the
 * engine returns is an ordinary EVP_PKEY and everything after loading
 * (signing, plain r||s, public key export) is sign.c's EVP code.
 *
 * PINs are never prompted for: with no PIN from the caller, the URI or
 * CVC_PKCS11_PIN, loading fails. Copies of the PIN are wiped after use.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/ui.h>

#include "crypto_int.h"

#define URI_SCHEME        "pkcs11:"
#define ENV_MODULE        "PKCS11_MODULE_PATH"
#define ENV_PIN           "CVC_PKCS11_PIN"
#define CKR_PIN_INCORRECT 0xA0 /* PKCS#11 v2.40 return values */
#define CKR_PIN_LOCKED    0xA4

/*
 * The engine is one process-wide object; its MODULE_PATH and PIN controls
 * and the load that uses them must not interleave between threads.
 */
static pthread_mutex_t engine_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * libp11 loads the module on the first key load and keeps it (and the
 * token login) until the process exits, whatever MODULE_PATH says later.
 * The first module that gave a key is therefore the only one; asking for
 * another is refused rather than silently served by the first.
 */
static char active_module[4096];

/* True when the URI carries a pin-value attribute (RFC 7512 2.3). */
static bool uri_has_pin(const char *uri)
{
	const char *p = uri + strlen(URI_SCHEME);

	while ((p = strstr(p, "pin-value=")) != NULL) {
		char before = p[-1];

		if (before == ':' || before == ';' || before == '?' ||
		    before == '&')
			return true;
		p++;
	}
	return false;
}

/* Explicit module, else $PKCS11_MODULE_PATH; NULL when neither is set. */
static const char *choose_module(const char *module)
{
	const char *env;

	if (module != NULL && *module != '\0')
		return module;
	env = getenv(ENV_MODULE);
	return env != NULL && *env != '\0' ? env : NULL;
}

/* Explicit PIN, else $CVC_PKCS11_PIN; NULL when neither is set. */
static const char *choose_pin(const char *pin)
{
	const char *env;

	if (pin != NULL)
		return pin;
	env = getenv(ENV_PIN);
	return env != NULL && *env != '\0' ? env : NULL;
}

/*
 * A UI method whose every read fails: should libp11 want a PIN it was not
 * given (a key needing a second login, say), it gets an error, not a
 * prompt on the terminal. Created once and kept for the process lifetime,
 * since libp11 keeps the pointer for later logins.
 */
static int refuse_read(UI *ui, UI_STRING *uis)
{
	(void)ui;
	(void)uis;
	return -1;
}

static UI_METHOD *no_prompt_ui;
static pthread_once_t no_prompt_once = PTHREAD_ONCE_INIT;

static void make_no_prompt_ui(void)
{
	no_prompt_ui = UI_create_method("libcvc no prompt");
	if (no_prompt_ui != NULL)
		UI_method_set_reader(no_prompt_ui, refuse_read);
}

/* Releases what open_engine acquired; the signer's release hook. */
static void close_engine(void *ctx)
{
	ENGINE *e = ctx;

	ENGINE_finish(e);
	ENGINE_free(e);
}

/* The pkcs11 engine, initialised with `module`; NULL with *err set. */
static ENGINE *open_engine(const char *module, cvc_err *err)
{
	ENGINE *e;

	ENGINE_load_builtin_engines();
	e = ENGINE_by_id("pkcs11");
	if (e == NULL) {
		*err = CVC_ERR_UNSUPPORTED; /* libengine-pkcs11-openssl */
		return NULL;
	}
	/*
	 * QUIET: libp11 would otherwise print the URI on stderr when a load
	 * fails, pin-value included. The engine's own default module
	 * (p11-kit-proxy) is never what we want.
	 */
	if (ENGINE_ctrl_cmd_string(e, "QUIET", NULL, 0) != 1 ||
	    ENGINE_ctrl_cmd_string(e, "MODULE_PATH", module, 0) != 1 ||
	    ENGINE_init(e) != 1) {
		ENGINE_free(e);
		*err = CVC_ERR_IO; /* module missing or C_Initialize failed */
		return NULL;
	}
	return e;
}

/* Why the engine could not load the key, from libp11's error queue. */
static cvc_err load_failure(void)
{
	unsigned long code;
	cvc_err err = CVC_ERR_IO; /* no such token or object */

	while ((code = ERR_get_error()) != 0) {
		int reason = ERR_GET_REASON(code);

		if (reason == CKR_PIN_INCORRECT || reason == CKR_PIN_LOCKED)
			err = CVC_ERR_INVALID_ARG;
	}
	return err;
}

/*
 * Sets the PIN (a private copy, wiped afterwards: the control wants a
 * mutable string) and loads the key. Called with engine_lock held.
 */
static EVP_PKEY *load_key(ENGINE *e, const char *uri, const char *pin)
{
	char *copy = NULL;
	size_t len = 0;
	EVP_PKEY *pkey = NULL;

	if (pin != NULL) {
		len = strlen(pin);
		copy = malloc(len + 1);
		if (copy == NULL)
			return NULL;
		memcpy(copy, pin, len + 1);
		if (ENGINE_ctrl_cmd_string(e, "PIN", copy, 0) != 1)
			goto done;
	}
	pkey = ENGINE_load_private_key(e, uri, no_prompt_ui, NULL);
done:
	if (copy != NULL) {
		OPENSSL_cleanse(copy, len);
		free(copy);
	}
	return pkey;
}

cvc_err cvc_signer_load_pkcs11(const char *uri, const char *pin,
                               const char *module, const cvc_algo *algo,
                               cvc_signer **out)
{
	const char *mod, *use_pin;
	ENGINE *e;
	EVP_PKEY *pkey;
	cvc_err err = CVC_OK;

	if (out == NULL)
		return CVC_ERR_INVALID_ARG;
	*out = NULL;
	if (uri == NULL || strncmp(uri, URI_SCHEME, strlen(URI_SCHEME)) != 0)
		return CVC_ERR_INVALID_ARG;
	mod = choose_module(module);
	use_pin = choose_pin(pin);
	/* a missing PIN is the caller's error: never fall back to a prompt */
	if (mod == NULL || strlen(mod) >= sizeof(active_module) ||
	    (use_pin == NULL && !uri_has_pin(uri)))
		return CVC_ERR_INVALID_ARG;
	if (pthread_once(&no_prompt_once, make_no_prompt_ui) != 0 ||
	    no_prompt_ui == NULL)
		return CVC_ERR_NO_MEMORY;

	pthread_mutex_lock(&engine_lock);
	if (active_module[0] != '\0' && strcmp(active_module, mod) != 0) {
		pthread_mutex_unlock(&engine_lock);
		return CVC_ERR_UNSUPPORTED;
	}
	e = open_engine(mod, &err);
	pkey = e != NULL ? load_key(e, uri, use_pin) : NULL;
	if (e != NULL && pkey == NULL)
		err = load_failure();
	if (pkey != NULL && active_module[0] == '\0')
		snprintf(active_module, sizeof(active_module), "%s", mod);
	pthread_mutex_unlock(&engine_lock);
	ERR_clear_error();
	if (pkey == NULL) {
		if (e != NULL)
			close_engine(e);
		return err;
	}
	/* the engine stays initialised while the key is in use */
	return cvc_signer_wrap(pkey, algo, close_engine, e, out);
}

cvc_err cvc_signer_load(const char *spec, const char *pin, const cvc_algo *algo,
                        cvc_signer **out)
{
	if (out == NULL)
		return CVC_ERR_INVALID_ARG;
	*out = NULL;
	if (spec == NULL)
		return CVC_ERR_INVALID_ARG;
	if (strncmp(spec, URI_SCHEME, strlen(URI_SCHEME)) == 0)
		return cvc_signer_load_pkcs11(spec, pin, NULL, algo, out);
	return cvc_signer_load_file(spec, algo, out);
}
