/* SPDX-License-Identifier: MIT */
/*
 * Trust store: anchors (certificates and bare keys) and intermediates, held
 * as private copies with their public keys built once. Decoded views point
 * into the copies, so the caller's buffers may go away after an add.
 *
 * DV and terminal keys carry no EC domain parameters; they inherit them from
 * the CVCA (TR-03110-3 D.3.3). When a certificate without them is added, the
 * store looks for an issuer already held (CHR == CAR) whose key verifies the
 * certificate and takes that issuer's parameters; when a key becomes known,
 * the certificates waiting under its name are tried, and so on down. What
 * is never resolved here is resolved per chain, from the path actually built
 * (chain.c).
 *
 * After loading, nothing in a store changes: concurrent readers are safe.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cvc/input.h>

#include "hex_int.h"
#include "trust_int.h"

bool cvc_span_equal(cvc_span a, cvc_span b)
{
	if (a.len != b.len)
		return false;
	return a.len == 0 || memcmp(a.data, b.data, a.len) == 0;
}

/* gemSpec_PKI 6.4: ECDSA with the SHA-2 hash that matches the curve. */
static const cvc_algo *default_algo(const cvc_key *key)
{
	unsigned bits = cvc_key_bits(key);

	if (cvc_key_curve_name(key) == NULL)
		return NULL;
	if (bits <= 256)
		return cvc_algo_from_name("ecdsa-with-SHA256");
	if (bits <= 384)
		return cvc_algo_from_name("ecdsa-with-SHA384");
	return cvc_algo_from_name("ecdsa-with-SHA512");
}

cvc_err cvc_trust_verify(const cvc_key *key, cvc_span msg, cvc_span sig)
{
	const cvc_algo *algo;

	if (key == NULL || msg.data == NULL || sig.data == NULL)
		return CVC_ERR_INVALID_ARG;
	algo = cvc_key_algo(key);
	if (algo == NULL)
		algo = default_algo(key);
	if (algo == NULL)
		return CVC_ERR_UNKNOWN_ALGORITHM;
	return cvc_key_verify(key, algo, msg.data, msg.len, sig.data, sig.len);
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */

cvc_err cvc_store_new(cvc_store **out)
{
	if (out == NULL)
		return CVC_ERR_INVALID_ARG;
	*out = calloc(1, sizeof(**out));
	return *out == NULL ? CVC_ERR_NO_MEMORY : CVC_OK;
}

static void entry_free(cvc_store_entry *e)
{
	if (e == NULL)
		return;
	cvc_key_free(&e->key);
	free(e->der);
	free(e);
}

static void key_anchor_free(cvc_key_anchor *ka)
{
	if (ka == NULL)
		return;
	cvc_key_free(&ka->key);
	free(ka->der);
	free(ka);
}

void cvc_store_free(cvc_store **store)
{
	cvc_store *s;

	if (store == NULL || *store == NULL)
		return;
	s = *store;
	for (size_t i = 0; i < s->n_certs; i++)
		entry_free(s->certs[i]);
	for (size_t i = 0; i < s->n_keys; i++)
		key_anchor_free(s->keys[i]);
	free(s->certs);
	free(s->keys);
	free(s);
	*store = NULL;
}

size_t cvc_store_anchor_count(const cvc_store *store)
{
	return store == NULL ? 0 : store->n_cert_anchors + store->n_keys;
}

size_t cvc_store_intermediate_count(const cvc_store *store)
{
	return store == NULL ? 0 : store->n_certs - store->n_cert_anchors;
}

/* ------------------------------------------------------------------ */
/* Growing the arrays of pointers                                      */

static cvc_err reserve(void **arr, size_t *cap, size_t n, size_t elem)
{
	size_t new_cap;
	void *p;

	if (n < *cap)
		return CVC_OK;
	new_cap = *cap ? *cap * 2 : 16;
	if (new_cap > SIZE_MAX / elem)
		return CVC_ERR_NO_MEMORY;
	p = realloc(*arr, new_cap * elem);
	if (p == NULL)
		return CVC_ERR_NO_MEMORY;
	*arr = p;
	*cap = new_cap;
	return CVC_OK;
}

static cvc_err push_entry(cvc_store *s, cvc_store_entry *e)
{
	void *arr = s->certs;
	cvc_err err = reserve(&arr, &s->cap_certs, s->n_certs, sizeof(e));

	s->certs = arr;
	if (err == CVC_OK)
		s->certs[s->n_certs++] = e;
	return err;
}

static cvc_err push_key_anchor(cvc_store *s, cvc_key_anchor *ka)
{
	void *arr = s->keys;
	cvc_err err = reserve(&arr, &s->cap_keys, s->n_keys, sizeof(ka));

	s->keys = arr;
	if (err == CVC_OK)
		s->keys[s->n_keys++] = ka;
	return err;
}

/* ------------------------------------------------------------------ */
/* Keys and inherited domain parameters                                */

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

bool cvc_cert_needs_domain(const cvc_cert *cert)
{
	return cert->key.type == CVC_KEY_EC &&
	       !cvc_pubkey_has_domain_params(&cert->key) &&
	       cert->cpi != CVC_CPI_GEMATIK_G2;
}

static void build_own_key(cvc_store_entry *e)
{
	if (cvc_cert_needs_domain(&e->cert)) {
		e->key_err = CVC_ERR_DOMAIN_PARAMS;
		return;
	}
	e->key_err =
	    cvc_key_from_pubkey(&e->cert.key, NULL, e->cert.cpi, &e->key, NULL);
	if (e->key_err == CVC_OK && cvc_pubkey_has_domain_params(&e->cert.key))
		e->domain = &e->cert.key;
}

/* e is waiting for domain parameters; try an issuer's key and domain. */
static bool resolve_with(cvc_store_entry *e, const cvc_key *issuer_key,
                         const cvc_pubkey *domain)
{
	if (issuer_key == NULL || domain == NULL)
		return false;
	if (cvc_trust_verify(issuer_key, e->cert.tbs, e->cert.signature) !=
	    CVC_OK)
		return false;
	e->key_err = cvc_key_from_pubkey(&e->cert.key, domain, e->cert.cpi,
	                                 &e->key, NULL);
	if (e->key_err == CVC_OK)
		e->domain = domain;
	return true;
}

static bool pending(const cvc_store_entry *e)
{
	return e->key == NULL && e->key_err == CVC_ERR_DOMAIN_PARAMS;
}

/* A newly added entry that waits: look for its issuer among the others. */
static void resolve_from_issuers(cvc_store *s, cvc_store_entry *e)
{
	for (size_t i = 0; i < s->n_certs && pending(e); i++) {
		const cvc_store_entry *p = s->certs[i];

		if (p != e && cvc_span_equal(p->cert.chr, e->cert.car))
			(void)resolve_with(e, p->key, p->domain);
	}
	for (size_t i = 0; i < s->n_keys && pending(e); i++) {
		const cvc_key_anchor *ka = s->keys[i];
		cvc_span name = {ka->name, ka->name_len};

		if (cvc_span_equal(name, e->cert.car) &&
		    cvc_pubkey_has_domain_params(&ka->pubkey))
			(void)resolve_with(e, ka->key, &ka->pubkey);
	}
}

/* A key became known under `holder`: the entries it signed may settle. */
static void resolve_children(cvc_store *s, cvc_span holder, const cvc_key *key,
                             const cvc_pubkey *domain)
{
	for (size_t i = 0; i < s->n_certs; i++) {
		cvc_store_entry *e = s->certs[i];

		if (pending(e) && cvc_span_equal(e->cert.car, holder) &&
		    resolve_with(e, key, domain) && e->key != NULL)
			e->fresh = true;
	}
}

/*
 * Passes newly built keys down until nothing changes. Each entry turns
 * fresh at most once (when its key is built), so this ends.
 */
static void settle(cvc_store *s)
{
	bool again = true;

	while (again) {
		again = false;
		for (size_t i = 0; i < s->n_certs; i++) {
			cvc_store_entry *e = s->certs[i];

			if (!e->fresh)
				continue;
			e->fresh = false;
			again = true;
			resolve_children(s, e->cert.chr, e->key, e->domain);
		}
	}
}

static void settle_entry(cvc_store *s, cvc_store_entry *e)
{
	if (pending(e))
		resolve_from_issuers(s, e);
	e->fresh = e->key != NULL;
	settle(s);
}

static void settle_key_anchor(cvc_store *s, const cvc_key_anchor *ka)
{
	cvc_span name = {ka->name, ka->name_len};

	if (cvc_pubkey_has_domain_params(&ka->pubkey))
		resolve_children(s, name, ka->key, &ka->pubkey);
	settle(s);
}

/* ------------------------------------------------------------------ */
/* Adding                                                              */

static cvc_store_entry *find_cert(const cvc_store *s, const uint8_t *der,
                                  size_t len)
{
	cvc_span want = {der, len};

	for (size_t i = 0; i < s->n_certs; i++) {
		cvc_span have = {s->certs[i]->der, s->certs[i]->len};

		if (cvc_span_equal(have, want))
			return s->certs[i];
	}
	return NULL;
}

static cvc_err new_entry(const uint8_t *der, size_t len, unsigned flags,
                         cvc_store_entry **out, cvc_diag *diag)
{
	cvc_store_entry *e = calloc(1, sizeof(*e));
	cvc_err err;

	if (e == NULL)
		return CVC_ERR_NO_MEMORY;
	e->der = malloc(len);
	if (e->der == NULL) {
		free(e);
		return CVC_ERR_NO_MEMORY;
	}
	memcpy(e->der, der, len);
	e->len = len;
	err = cvc_cert_decode(e->der, len, flags, &e->cert, diag);
	if (err == CVC_OK && e->cert.kind != CVC_KIND_CERT)
		err = fail(diag, CVC_ERR_NOT_A_CERT, "certificate",
		           "a request or ISO 7816-9 object, not a certificate");
	if (err != CVC_OK) {
		entry_free(e);
		return err;
	}
	build_own_key(e);
	*out = e;
	return CVC_OK;
}

static cvc_err add_cert(cvc_store *s, const uint8_t *der, size_t len,
                        unsigned flags, bool anchor, cvc_diag *diag)
{
	cvc_store_entry *e;
	cvc_err err;

	if (s == NULL || der == NULL || len == 0)
		return CVC_ERR_INVALID_ARG;
	e = find_cert(s, der, len);
	if (e != NULL) {
		if (anchor && !e->anchor) {
			if (e->key == NULL)
				return fail(diag, e->key_err, "public key",
				            "an anchor needs a complete key");
			e->anchor = true;
			s->n_cert_anchors++;
		}
		return CVC_OK;
	}
	err = new_entry(der, len, flags, &e, diag);
	if (err != CVC_OK)
		return err;
	if (anchor && e->key == NULL) {
		err = e->key_err;
		entry_free(e);
		return fail(diag, err, "public key",
		            "an anchor needs a complete key");
	}
	e->anchor = anchor;
	err = push_entry(s, e);
	if (err != CVC_OK) {
		entry_free(e);
		return err;
	}
	if (anchor)
		s->n_cert_anchors++;
	settle_entry(s, e);
	return CVC_OK;
}

cvc_err cvc_store_add_anchor(cvc_store *store, const uint8_t *der, size_t len,
                             unsigned decode_flags, cvc_diag *diag)
{
	return add_cert(store, der, len, decode_flags, true, diag);
}

cvc_err cvc_store_add_intermediate(cvc_store *store, const uint8_t *der,
                                   size_t len, unsigned decode_flags,
                                   cvc_diag *diag)
{
	return add_cert(store, der, len, decode_flags, false, diag);
}

static bool holds_key_anchor(const cvc_store *s, const uint8_t *der, size_t len,
                             const uint8_t *name, size_t name_len)
{
	cvc_span want_der = {der, len}, want_name = {name, name_len};

	for (size_t i = 0; i < s->n_keys; i++) {
		const cvc_key_anchor *ka = s->keys[i];
		cvc_span have_der = {ka->der, ka->len};
		cvc_span have_name = {ka->name, ka->name_len};

		if (cvc_span_equal(have_der, want_der) &&
		    cvc_span_equal(have_name, want_name))
			return true;
	}
	return false;
}

static cvc_err new_key_anchor(const uint8_t *der, size_t len,
                              const uint8_t *name, size_t name_len,
                              cvc_key_anchor **out, cvc_diag *diag)
{
	cvc_key_anchor *ka = calloc(1, sizeof(*ka));
	unsigned cpi;
	cvc_err err;

	if (ka == NULL)
		return CVC_ERR_NO_MEMORY;
	ka->der = malloc(len);
	if (ka->der == NULL) {
		free(ka);
		return CVC_ERR_NO_MEMORY;
	}
	memcpy(ka->der, der, len);
	ka->len = len;
	memcpy(ka->name, name, name_len);
	ka->name_len = name_len;
	err = cvc_pubkey_decode(ka->der, len, 0, &ka->pubkey, diag);
	if (err == CVC_OK) {
		/*
		 * Without domain parameters only a gematik key is usable (its
		 * OID may be the curve's, as in gematik's trust-anchor files).
		 */
		cpi = ka->pubkey.type != CVC_KEY_RSA &&
		              !cvc_pubkey_has_domain_params(&ka->pubkey)
		          ? CVC_CPI_GEMATIK_G2
		          : CVC_CPI_TR03110;
		err =
		    cvc_key_from_pubkey(&ka->pubkey, NULL, cpi, &ka->key, diag);
	}
	if (err != CVC_OK) {
		key_anchor_free(ka);
		return err;
	}
	*out = ka;
	return CVC_OK;
}

cvc_err cvc_store_add_anchor_key(cvc_store *store, const uint8_t *der,
                                 size_t len, const uint8_t *name,
                                 size_t name_len, cvc_diag *diag)
{
	cvc_key_anchor *ka;
	cvc_err err;

	if (store == NULL || der == NULL || len == 0 || name == NULL)
		return CVC_ERR_INVALID_ARG;
	if (name_len == 0 || name_len > CVC_MAX_REF_LEN)
		return fail(diag, CVC_ERR_BAD_VALUE, "anchor name",
		            "a name is 1 to 16 octets");
	if (holds_key_anchor(store, der, len, name, name_len))
		return CVC_OK;
	err = new_key_anchor(der, len, name, name_len, &ka, diag);
	if (err != CVC_OK)
		return err;
	err = push_key_anchor(store, ka);
	if (err != CVC_OK) {
		key_anchor_free(ka);
		return err;
	}
	settle_key_anchor(store, ka);
	return CVC_OK;
}

/* ------------------------------------------------------------------ */
/* Loading files and directories                                       */

static cvc_err read_file(const char *path, uint8_t **out, size_t *out_len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf;
	size_t n;

	if (f == NULL)
		return CVC_ERR_IO;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < 0 ||
	    (unsigned long long)st.st_size > CVC_STORE_MAX_FILE) {
		fclose(f);
		return CVC_ERR_IO;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		fclose(f);
		return CVC_ERR_NO_MEMORY;
	}
	n = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f) || n != (size_t)st.st_size) {
		fclose(f);
		free(buf);
		return CVC_ERR_IO;
	}
	fclose(f);
	*out = buf;
	*out_len = n;
	return CVC_OK;
}

/*
 * A key file's name names its key: "4445475858820214_ELC-PublicKey.der"
 * stands for the binary CHR 44 45 47 58 58 82 02 14 (gematik), and
 * "DECVCAeID00102.der" for the text CHR DECVCAeID00102.
 */
static cvc_err name_from_path(const char *path, uint8_t *name, size_t *name_len)
{
	const char *base = strrchr(path, '/');
	size_t n = 0;
	bool hex = true;

	base = base ? base + 1 : path;
	while (base[n] != '\0' && base[n] != '_' && base[n] != '.') {
		if (cvc_hex_value((uint8_t)base[n]) < 0)
			hex = false;
		n++;
	}
	if (n == 0)
		return CVC_ERR_BAD_VALUE;
	if (hex && n % 2 == 0) {
		if (n / 2 > CVC_MAX_REF_LEN)
			return CVC_ERR_BAD_VALUE;
		for (size_t i = 0; i < n / 2; i++)
			name[i] =
			    (uint8_t)(cvc_hex_value((uint8_t)base[2 * i]) << 4 |
			              cvc_hex_value((uint8_t)base[2 * i + 1]));
		*name_len = n / 2;
		return CVC_OK;
	}
	if (n > CVC_MAX_REF_LEN)
		return CVC_ERR_BAD_VALUE;
	memcpy(name, base, n);
	*name_len = n;
	return CVC_OK;
}

static bool is_self_signed_root(const cvc_cert *cert)
{
	return cert->has_car && cvc_span_equal(cert->car, cert->chr) &&
	       cert->has_chat && cert->chat.bits.len > 0 &&
	       (cert->chat.bits.data[0] >> 6) == CVC_ROLE_CVCA;
}

static cvc_err load_key_file(cvc_store *s, const char *path, const uint8_t *der,
                             size_t len, cvc_diag *diag)
{
	uint8_t name[CVC_MAX_REF_LEN];
	size_t name_len = 0;

	if (name_from_path(path, name, &name_len) != CVC_OK)
		return fail(diag, CVC_ERR_BAD_VALUE, "file name",
		            "a key file's name must start with its CHR");
	return cvc_store_add_anchor_key(s, der, len, name, name_len, diag);
}

static cvc_err load_objects(cvc_store *s, const uint8_t *data, size_t len,
                            unsigned flags, cvc_diag *diag)
{
	size_t off = 0, used = 0;
	cvc_cert cert;
	cvc_err err;

	if (len == 0)
		return fail(diag, CVC_ERR_TRUNCATED, "file", "empty");
	while (off < len) {
		err = cvc_cert_decode_prefix(data + off, len - off, flags,
		                             &cert, &used, diag);
		if (err == CVC_OK && cert.kind != CVC_KIND_CERT)
			err = fail(diag, CVC_ERR_NOT_A_CERT, "certificate",
			           "not a certificate");
		if (err == CVC_OK)
			err = add_cert(s, data + off, used, flags,
			               is_self_signed_root(&cert), diag);
		if (err != CVC_OK) {
			if (diag != NULL)
				diag->offset += off;
			return err;
		}
		off += used;
	}
	return CVC_OK;
}

static cvc_err load_file(cvc_store *s, const char *path, unsigned flags,
                         cvc_diag *diag)
{
	uint8_t *text = NULL, *bin = NULL;
	size_t text_len = 0, bin_len = 0;
	cvc_err err;

	err = read_file(path, &text, &text_len);
	if (err != CVC_OK)
		return fail(diag, err, "file", "cannot read the file");
	bin = malloc(text_len + 1);
	if (bin == NULL) {
		free(text);
		return CVC_ERR_NO_MEMORY;
	}
	err =
	    cvc_input_decode(text, text_len, bin, text_len + 1, &bin_len, NULL);
	if (err != CVC_OK)
		err = fail(diag, err, "input", "neither DER, hex nor base64");
	else if (bin_len >= 2 && bin[0] == 0x7F && bin[1] == 0x49)
		err = load_key_file(s, path, bin, bin_len, diag);
	else
		err = load_objects(s, bin, bin_len, flags, diag);
	free(text);
	free(bin);
	return err;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Regular files of dir, not starting with '.', sorted. */
static cvc_err list_dir(const char *dir, char ***out, size_t *out_n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	cvc_err err = CVC_OK;

	if (d == NULL)
		return CVC_ERR_IO;
	while (err == CVC_OK && (de = readdir(d)) != NULL) {
		void *arr = names;

		if (de->d_name[0] == '.')
			continue;
		err = reserve(&arr, &cap, n, sizeof(char *));
		names = arr;
		if (err != CVC_OK)
			break;
		names[n] = strdup(de->d_name);
		if (names[n] == NULL)
			err = CVC_ERR_NO_MEMORY;
		else
			n++;
	}
	closedir(d);
	if (err != CVC_OK) {
		free_names(names, n);
		return err;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), compare_names);
	*out = names;
	*out_n = n;
	return CVC_OK;
}

static cvc_err load_dir(cvc_store *s, const char *dir, unsigned flags,
                        cvc_diag *diag)
{
	char **names = NULL;
	size_t n = 0;
	struct stat st;
	cvc_err err;

	err = list_dir(dir, &names, &n);
	if (err != CVC_OK) {
		snprintf(s->bad_path, sizeof(s->bad_path), "%s", dir);
		return fail(diag, err, "directory", "cannot list it");
	}
	for (size_t i = 0; i < n && err == CVC_OK; i++) {
		int w = snprintf(s->bad_path, sizeof(s->bad_path), "%s/%s", dir,
		                 names[i]);

		if (w < 0 || (size_t)w >= sizeof(s->bad_path))
			err = fail(diag, CVC_ERR_IO, "file", "path too long");
		else if (stat(s->bad_path, &st) == 0 && S_ISREG(st.st_mode))
			err = load_file(s, s->bad_path, flags, diag);
	}
	free_names(names, n);
	return err;
}

cvc_err cvc_store_load(cvc_store *store, const char *path,
                       unsigned decode_flags, cvc_diag *diag,
                       const char **bad_path)
{
	struct stat st;
	cvc_err err;

	if (bad_path != NULL)
		*bad_path = NULL;
	if (store == NULL || path == NULL)
		return CVC_ERR_INVALID_ARG;
	if (stat(path, &st) != 0) {
		snprintf(store->bad_path, sizeof(store->bad_path), "%s", path);
		err = fail(diag, CVC_ERR_IO, "file", "no such file");
	} else if (S_ISDIR(st.st_mode)) {
		err = load_dir(store, path, decode_flags, diag);
	} else {
		snprintf(store->bad_path, sizeof(store->bad_path), "%s", path);
		err = load_file(store, path, decode_flags, diag);
	}
	if (err != CVC_OK && bad_path != NULL)
		*bad_path = store->bad_path;
	return err;
}
