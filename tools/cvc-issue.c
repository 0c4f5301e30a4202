/* SPDX-License-Identifier: MIT */
/*
 * cvc-issue: the badge office tool. Creates CVCA roots, DV and terminal
 * certificates, CVCA link certificates and requests. Every issuing decision
 * (roles, rights, dates, issuer key) is libcvc's (cvc_issue_cert,
 * cvc_request_create); this file reads options and files and writes
 * outputs atomically (temporary file, then rename).
 */
#define _DEFAULT_SOURCE /* timegm, mkstemp, fchmod */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cvc-issue-office.h"

#define SYNOPSIS "root|dv|issue|link|request [options]"

enum opt {
	O_CHR = 256,
	O_CAR,
	O_SCHEME,
	O_CURVE,
	O_RSA_BITS,
	O_DAYS,
	O_FROM,
	O_UNTIL,
	O_TYPE,
	O_KEY_OUT,
	O_KEY,
	O_KEY_PASS,
	O_UNENC,
	O_OUT,
	O_ISSUER_CERT,
	O_ISSUER_KEY,
	O_REQUEST,
	O_PUBKEY,
	O_ROLE,
	O_RIGHTS,
	O_CHAT,
	O_OLD_CERT,
	O_OLD_KEY,
	O_NEW_KEY,
	O_OUTER_KEY,
	O_OUTER_CAR,
	O_CHR_PREFIX,
	O_PIN,
	O_LAST
};

typedef struct opts {
	const char *verb;
	const char *chr, *car, *scheme, *curve, *type, *from, *until;
	const char *key_out, *key, *key_pass, *out, *issuer_cert, *issuer_key;
	const char *request, *pubkey, *role, *rights, *chat, *outer_key;
	const char *outer_car, *chr_prefix, *pin, *old_cert, *old_key, *new_key;
	unsigned rsa_bits;
	long days;
	bool unencrypted;
	bool json;
} opts;

static const struct option long_opts[] = {
    {"chr", required_argument, NULL, O_CHR},
    {"car", required_argument, NULL, O_CAR},
    {"scheme", required_argument, NULL, O_SCHEME},
    {"curve", required_argument, NULL, O_CURVE},
    {"rsa-bits", required_argument, NULL, O_RSA_BITS},
    {"days", required_argument, NULL, O_DAYS},
    {"from", required_argument, NULL, O_FROM},
    {"until", required_argument, NULL, O_UNTIL},
    {"type", required_argument, NULL, O_TYPE},
    {"key-out", required_argument, NULL, O_KEY_OUT},
    {"key", required_argument, NULL, O_KEY},
    {"key-pass", required_argument, NULL, O_KEY_PASS},
    {"pin", required_argument, NULL, O_PIN},
    {"unencrypted-key", no_argument, NULL, O_UNENC},
    {"out", required_argument, NULL, O_OUT},
    {"issuer-cert", required_argument, NULL, O_ISSUER_CERT},
    {"issuer-key", required_argument, NULL, O_ISSUER_KEY},
    {"old-cert", required_argument, NULL, O_OLD_CERT},
    {"old-key", required_argument, NULL, O_OLD_KEY},
    {"new-key", required_argument, NULL, O_NEW_KEY},
    {"request", required_argument, NULL, O_REQUEST},
    {"pubkey", required_argument, NULL, O_PUBKEY},
    {"role", required_argument, NULL, O_ROLE},
    {"rights", required_argument, NULL, O_RIGHTS},
    {"chat", required_argument, NULL, O_CHAT},
    {"outer-key", required_argument, NULL, O_OUTER_KEY},
    {"outer-car", required_argument, NULL, O_OUTER_CAR},
    {"chr-prefix", required_argument, NULL, O_CHR_PREFIX},
    {"json", no_argument, NULL, 'j'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void print_help(void)
{
	printf(
	    "usage: %s " SYNOPSIS "\n"
	    "\n"
	    "Issue card verifiable certificates (CVCs) and requests.\n"
	    "\n"
	    "Verbs:\n"
	    "  root     new self-signed CVCA (--chr --type --key-out|--key "
	    "--out)\n"
	    "  dv       DV certificate (--issuer-cert --issuer-key "
	    "--request|--pubkey)\n"
	    "  issue    terminal/badge certificate, issued by a DV\n"
	    "  link     new CVCA key certified by the old (--old-cert "
	    "--old-key)\n"
	    "  request  certificate request (--key|--key-out --chr [--car]"
	    "\n"
	    "           [--outer-key --outer-car])\n"
	    "  personalize, confirm, renew, terminate, revoke, report:\n"
	    "           the badge office (cvc-issue personalize --help)\n"
	    "\n"
	    "Options:\n"
	    "      --chr REF          holder reference (CC + mnemonic + 5 "
	    "sequence)\n"
	    "      --chr-prefix CCMN  derive --chr from the issuer state "
	    "file\n"
	    "      --car REF          expected CA (request)\n"
	    "      --scheme NAME      ECDSA-SHA-256 (default), "
	    "RSA-v1-5-SHA-256, ...\n"
	    "      --curve NAME       brainpoolP256r1 (default), P-256, ...\n"
	    "      --rsa-bits N       RSA key size (default 3072)\n"
	    "      --days N | --from YYYY-MM-DD --until YYYY-MM-DD\n"
	    "      --type at|is|st    terminal type (root)\n"
	    "      --role domestic|foreign   DV role (dv)\n"
	    "      --rights A,B       access rights by name or bN; --chat "
	    "HEX\n"
	    "      --key FILE|URI     existing private key (pkcs11: URI "
	    "allowed)\n"
	    "      --key-out FILE     new private key, PEM, encrypted\n"
	    "      --key-pass PASS    passphrase (else $CVC_KEY_PASS)\n"
	    "      --unencrypted-key  write the new key unencrypted\n"
	    "      --pin PIN          PKCS#11 PIN\n"
	    "      --issuer-cert F --issuer-key F   issuer (dv, issue)\n"
	    "      --old-cert F --old-key F --new-key F   (link)\n"
	    "      --request F | --pubkey F   holder key (request; or PEM/DER "
	    "public key,\n"
	    "                         7F49, or raw point 04XY)\n"
	    "      --outer-key F --outer-car REF   authenticated request\n"
	    "      --out FILE         output (required)\n"
	    "  -j, --json             report what was written as JSON\n"
	    "  -h, --help / -V, --version\n"
	    "\n"
	    "Exit status: 0 ok, 1 refused by policy, 2 usage or input "
	    "error.\n"
	    "See cvc-issue(1).\n",
	    cvc_tool_name());
}

/* ------------------------------------------------------------------ */
/* Small helpers */

#define usage(...) cvc_tool_usage_error(SYNOPSIS, __VA_ARGS__)

/* "what: field: error: reason", naming the field where libcvc knows it. */
static int report(const char *what, cvc_err err, const cvc_diag *diag)
{
	const char *field = diag != NULL ? diag->field : NULL;

	if (diag != NULL && diag->reason != NULL)
		cvc_tool_fail("%s: %s%s%s: %s", what, field ? field : "",
		              field ? ": " : "", cvc_strerror(err),
		              diag->reason);
	else
		cvc_tool_fail("%s: %s", what, cvc_strerror(err));
	return cvc_issue_exit_for(err);
}

static void today_plus(long days, cvc_date *d)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	d->year = (uint16_t)(tm.tm_year + 1900);
	d->month = (uint8_t)(tm.tm_mon + 1);
	d->day = (uint8_t)tm.tm_mday;
}

static int set_dates(const opts *o, cvc_cert *c)
{
	c->has_dates = true;
	if (o->from != NULL) {
		if (cvc_date_parse(o->from, &c->effective) != CVC_OK)
			return usage("bad --from date '%s'", o->from);
	} else {
		today_plus(0, &c->effective);
	}
	if (o->until != NULL) {
		if (cvc_date_parse(o->until, &c->expiration) != CVC_OK)
			return usage("bad --until date '%s'", o->until);
	} else if (o->days > 0) {
		struct tm tm = {.tm_year = c->effective.year - 1900,
		                .tm_mon = c->effective.month - 1,
		                .tm_mday = c->effective.day + (int)o->days - 1};
		time_t t = timegm(&tm);
		gmtime_r(&t, &tm);
		c->expiration =
		    (cvc_date){(uint16_t)(tm.tm_year + 1900),
		               (uint8_t)(tm.tm_mon + 1), (uint8_t)tm.tm_mday};
	} else {
		return usage("%s: --days or --until required", o->verb);
	}
	return 0;
}

static const char *key_pass(const opts *o)
{
	return o->key_pass != NULL ? o->key_pass : getenv("CVC_KEY_PASS");
}

static int load_key(const opts *o, const char *spec, const cvc_algo *algo,
                    cvc_signer **s)
{
	return cvc_issue_load_key(spec, o->pin, key_pass(o), algo, s);
}

/* A new key: generated in memory, written only after the certificate. */
typedef struct new_key {
	char *pem;
	size_t pem_len;
} new_key;

static const cvc_algo *scheme_algo(const opts *o)
{
	return cvc_algo_from_name(o->scheme != NULL ? o->scheme
	                                            : "ECDSA-SHA-256");
}

static int make_key(const opts *o, const char *path, const char *keyspec,
                    cvc_signer **s, new_key *nk)
{
	const cvc_algo *algo = scheme_algo(o);
	char spec[32];
	cvc_err err;

	if (algo == NULL)
		return usage("unknown --scheme '%s'", o->scheme);
	if (keyspec != NULL)
		return load_key(o, keyspec, algo, s);
	if (path == NULL)
		return usage("%s: --key or --key-out required", o->verb);
	/* an empty passphrase would be encryption in name only */
	if (!o->unencrypted && (key_pass(o) == NULL || *key_pass(o) == '\0'))
		return usage("%s: --key-pass or $CVC_KEY_PASS required, not "
		             "empty (or --unencrypted-key)",
		             path);
	if (algo->scheme == CVC_SCHEME_ECDSA)
		snprintf(spec, sizeof(spec), "%s",
		         o->curve != NULL ? o->curve : "brainpoolP256r1");
	else
		snprintf(spec, sizeof(spec), "rsa%u",
		         o->rsa_bits ? o->rsa_bits : 3072);
	err = cvc_key_file_generate(spec, algo,
	                            o->unencrypted ? NULL : key_pass(o), s,
	                            &nk->pem, &nk->pem_len);
	if (err != CVC_OK) {
		cvc_tool_fail("cannot generate key '%s': %s", spec,
		              cvc_strerror(err));
		return CVC_TOOL_EXIT_INPUT;
	}
	return 0;
}

static int load_cert(const char *path, cvc_tool_input *in, cvc_cert *c)
{
	cvc_tool_error te;
	cvc_diag diag;

	if (cvc_tool_load(path, CVC_TOOL_MAX_INPUT, in, &te) != CVC_OK) {
		cvc_tool_report(path, &te);
		return CVC_TOOL_EXIT_INPUT;
	}
	if (cvc_cert_decode(in->data, in->len, 0, c, &diag) != CVC_OK) {
		cvc_tool_error_from_diag(&te, &diag, 0);
		cvc_tool_report(path, &te);
		return CVC_TOOL_EXIT_INPUT;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Verbs */

static cvc_terminal_type type_from_name(const char *n)
{
	if (n == NULL || strcasecmp(n, "at") == 0)
		return CVC_TT_AT;
	if (strcasecmp(n, "is") == 0)
		return CVC_TT_IS;
	if (strcasecmp(n, "st") == 0)
		return CVC_TT_ST;
	return CVC_TT_UNKNOWN;
}

static int hex_to_bytes(const char *hex, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(hex);

	if (n % 2 != 0 || n / 2 > cap || n == 0)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	*len = n / 2;
	return 0;
}

typedef struct job {
	cvc_cert tmpl;
	uint8_t pk[1200];
	uint8_t chat_bits[8];
	char chr[CVC_MAX_REF_LEN + 1];
	cvc_signer *issuer;
	cvc_signer *holder;
	cvc_tool_input issuer_in, holder_in;
	cvc_cert issuer_cert, holder_req;
	new_key nk;
} job;

static void job_free(job *j)
{
	cvc_signer_free(&j->issuer);
	cvc_signer_free(&j->holder);
	cvc_tool_input_free(&j->issuer_in);
	cvc_tool_input_free(&j->holder_in);
	free(j->nk.pem);
}

static int set_chr(const opts *o, job *j, const char *state_cert)
{
	if (o->chr != NULL) {
		snprintf(j->chr, sizeof(j->chr), "%s", o->chr);
	} else if (o->chr_prefix != NULL && state_cert != NULL) {
		int rc = cvc_issue_state_next(state_cert, o->chr_prefix, j->chr,
		                              sizeof(j->chr));
		if (rc != 0)
			return rc;
	} else {
		return usage("%s: --chr (or --chr-prefix) required", o->verb);
	}
	if (cvc_chr_validate(j->chr, NULL) != CVC_OK)
		return usage("invalid holder reference '%s'", j->chr);
	j->tmpl.chr = (cvc_span){(const uint8_t *)j->chr, strlen(j->chr)};
	return 0;
}

static int set_chat(const opts *o, job *j, cvc_terminal_type type,
                    cvc_role role, bool all)
{
	size_t len;
	cvc_diag diag;
	cvc_err err;

	if (o->chat != NULL) {
		cvc_span oid;
		if (hex_to_bytes(o->chat, j->chat_bits, sizeof(j->chat_bits),
		                 &len) != 0)
			return usage("bad --chat '%s'", o->chat);
		/* the OID and the role bits always come from the verb */
		uint8_t tmp[8];
		size_t tl;
		err = cvc_chat_build(type, role, false, NULL, tmp, sizeof(tmp),
		                     &tl, &oid, &diag);
		if (err != CVC_OK || tl != len)
			return usage("--chat '%s' has the wrong length",
			             o->chat);
		j->chat_bits[0] = (uint8_t)((j->chat_bits[0] & 0x3F) | tmp[0]);
		j->tmpl.chat.oid = oid;
	} else {
		err = cvc_chat_build(type, role, all, o->rights, j->chat_bits,
		                     sizeof(j->chat_bits), &len,
		                     &j->tmpl.chat.oid, &diag);
		if (err != CVC_OK)
			return report("--rights", err, &diag);
	}
	j->tmpl.has_chat = true;
	j->tmpl.chat.bits = (cvc_span){j->chat_bits, len};
	return 0;
}

static int set_pubkey_from_signer(job *j, const cvc_signer *s, bool domain)
{
	size_t len;
	cvc_err err =
	    cvc_signer_pubkey_encode(s, domain, j->pk, sizeof(j->pk), &len);
	if (err == CVC_OK)
		err = cvc_pubkey_decode(j->pk, len, 0, &j->tmpl.key, NULL);
	return err == CVC_OK ? 0 : report("public key", err, NULL);
}

/* All or nothing: the new key, the output, the issuer state (dv, issue). */
static int write_outputs(const opts *o, job *j, const uint8_t *der, size_t len)
{
	bool from_state =
	    o->chr == NULL && o->chr_prefix != NULL && o->issuer_cert != NULL;
	cvc_issue_commit_args a = {
	    .verb = o->verb,
	    .json = o->json,
	    .out = o->out,
	    .der = der,
	    .der_len = len,
	    .key_out = j->nk.pem != NULL ? o->key_out : NULL,
	    .key_pem = j->nk.pem,
	    .key_pem_len = j->nk.pem_len,
	    .key_encrypted = !o->unencrypted,
	    .state_cert = from_state ? o->issuer_cert : NULL,
	    .state_prefix = o->chr_prefix,
	    .chr = j->chr,
	};

	return cvc_issue_commit(&a);
}

static int issue_and_write(const opts *o, job *j, const cvc_cert *icert,
                           unsigned flags)
{
	uint8_t *der;
	size_t len;
	cvc_diag diag = {0};
	cvc_err err = cvc_issue_cert(&j->tmpl, j->issuer, icert, flags, &der,
	                             &len, &diag);
	int rc;

	if (err != CVC_OK)
		return report("refused", err, &diag);
	rc = write_outputs(o, j, der, len);
	free(der);
	return rc;
}

static int verb_root(const opts *o, job *j)
{
	cvc_terminal_type type = type_from_name(o->type);
	int rc;

	if (type == CVC_TT_UNKNOWN)
		return usage("bad --type '%s' (at, is or st)", o->type);
	if ((rc = set_chr(o, j, NULL)) || (rc = set_dates(o, &j->tmpl)) ||
	    (rc = make_key(o, o->key_out, o->key, &j->issuer, &j->nk)) ||
	    (rc = set_pubkey_from_signer(j, j->issuer, true)) ||
	    (rc = set_chat(o, j, type, CVC_ROLE_CVCA, true)))
		return rc;
	return issue_and_write(o, j, NULL, CVC_ISSUE_SELF_SIGNED);
}

/* Holder key from a request (proof of possession checked) or a key file. */
static int holder_key(const opts *o, job *j)
{
	cvc_tool_error te;
	cvc_diag diag;
	const char *path = o->request != NULL ? o->request : o->pubkey;
	cvc_pubkey *pk = &j->tmpl.key;
	cvc_err err;

	if ((o->request == NULL) == (o->pubkey == NULL))
		return usage("%s: exactly one of --request, --pubkey", o->verb);
	if (o->pubkey != NULL) {
		int rc = cvc_issue_read_pubkey(path, &j->issuer_cert,
		                               &j->holder_in, pk);
		if (rc != 0)
			return rc;
	} else if (cvc_tool_load(path, CVC_TOOL_MAX_INPUT, &j->holder_in,
	                         &te)) {
		cvc_tool_report(path, &te);
		return CVC_TOOL_EXIT_INPUT;
	} else {
		err = cvc_cert_decode(j->holder_in.data, j->holder_in.len, 0,
		                      &j->holder_req, &diag);
		if (err == CVC_OK && j->holder_req.kind != CVC_KIND_REQUEST &&
		    j->holder_req.kind != CVC_KIND_AUTH_REQUEST)
			err = CVC_ERR_NOT_A_CERT;
		if (err != CVC_OK) {
			cvc_tool_fail("%s: not a valid request: %s", path,
			              cvc_strerror(err));
			return CVC_TOOL_EXIT_INPUT;
		}
		err = cvc_request_verify_inner(&j->holder_req,
		                               &j->issuer_cert.key);
		if (err != CVC_OK) {
			cvc_tool_fail("%s: proof of possession fails: %s", path,
			              cvc_strerror(err));
			return cvc_issue_exit_for(err);
		}
		*pk = j->holder_req.key;
		if (o->chr == NULL && o->chr_prefix == NULL) {
			size_t n = j->holder_req.chr.len;
			memcpy(j->chr, j->holder_req.chr.data, n);
			j->chr[n] = '\0';
			j->tmpl.chr = (cvc_span){(uint8_t *)j->chr, n};
		}
	}
	/* terminals and DVs inherit the domain parameters (TR-03110-3 D.3.3) */
	for (size_t i = 0; i < CVC_KEY_COMPONENTS; i++) {
		bool keep = pk->type == CVC_KEY_RSA ? i <= 1 : i == 5;
		if (!keep)
			pk->comp[i] = (cvc_span){NULL, 0};
	}
	memset(pk->comp_len_octets, 0, sizeof(pk->comp_len_octets));
	pk->len_octets = 0;
	pk->oid_len_octets = 0;
	return cvc_issue_check_holder_key(path, pk, j->issuer);
}

static int verb_dv_or_issue(const opts *o, job *j, bool dv)
{
	cvc_chat_info ii;
	cvc_role role = CVC_ROLE_TERMINAL;
	int rc;

	if (o->issuer_cert == NULL || o->issuer_key == NULL)
		return usage("%s: --issuer-cert and --issuer-key required",
		             o->verb);
	if (dv)
		role = o->role == NULL || strcmp(o->role, "domestic") == 0
		           ? CVC_ROLE_DV_DOMESTIC
		       : strcmp(o->role, "foreign") == 0 ? CVC_ROLE_DV_FOREIGN
		                                         : CVC_ROLE_CVCA;
	if (role == CVC_ROLE_CVCA)
		return usage("bad --role '%s' (domestic or foreign)", o->role);
	if ((rc = load_cert(o->issuer_cert, &j->issuer_in, &j->issuer_cert)))
		return rc;
	if (!j->issuer_cert.has_chat ||
	    cvc_chat_info_get(&j->issuer_cert.chat, &ii) != CVC_OK)
		return usage("%s: issuer has no CHAT", o->issuer_cert);
	if ((rc = load_key(o, o->issuer_key,
	                   cvc_algo_from_oid(j->issuer_cert.key.oid),
	                   &j->issuer)) ||
	    (rc = holder_key(o, j)))
		return rc;
	if (j->tmpl.chr.len == 0 || o->chr != NULL)
		if ((rc = set_chr(o, j, o->issuer_cert)))
			return rc;
	if ((rc = set_dates(o, &j->tmpl)) ||
	    (rc = set_chat(o, j, ii.type, role, false)))
		return rc;
	/* write_outputs records the holder reference in the state file */
	return issue_and_write(o, j, &j->issuer_cert, 0);
}

/* A new CVCA key is like the old one unless --scheme/--curve/--rsa-bits. */
static void link_defaults(opts *lo, const cvc_cert *old, const cvc_algo *algo)
{
	cvc_key *k = NULL;

	if (lo->scheme == NULL && algo != NULL)
		lo->scheme = algo->name;
	if (cvc_key_from_pubkey(&old->key, NULL, old->cpi, &k, NULL) != CVC_OK)
		return;
	if (lo->curve == NULL)
		lo->curve = cvc_key_curve_name(k);
	if (lo->rsa_bits == 0 && cvc_key_curve_name(k) == NULL)
		lo->rsa_bits = cvc_key_bits(k);
	cvc_key_free(&k);
}

static int verb_link(const opts *o, job *j)
{
	opts lo = *o;
	char next[CVC_MAX_REF_LEN + 1];
	const cvc_algo *algo;
	int rc;

	if (o->old_cert == NULL || o->old_key == NULL)
		return usage("%s: --old-cert and --old-key required", o->verb);
	if ((rc = load_cert(o->old_cert, &j->issuer_in, &j->issuer_cert)))
		return rc;
	algo = cvc_algo_from_oid(j->issuer_cert.key.oid);
	if ((rc = load_key(o, o->old_key, algo, &j->issuer)))
		return rc;
	link_defaults(&lo, &j->issuer_cert, algo);
	if (o->chr == NULL) {
		/* next sequence after the old CVCA's own reference */
		snprintf(next, sizeof(next), "%.*s",
		         (int)j->issuer_cert.chr.len,
		         (const char *)j->issuer_cert.chr.data);
		if (cvc_chr_next(next, j->chr, sizeof(j->chr)) != CVC_OK)
			return usage("cannot derive the next CHR from '%s'",
			             next);
		j->tmpl.chr = (cvc_span){(uint8_t *)j->chr, strlen(j->chr)};
	} else if ((rc = set_chr(o, j, NULL))) {
		return rc;
	}
	if ((rc = set_dates(o, &j->tmpl)) ||
	    (rc = make_key(&lo, o->key_out, o->new_key, &j->holder, &j->nk)) ||
	    (rc = set_pubkey_from_signer(j, j->holder, true)))
		return rc;
	/* the new CVCA keeps the old one's terminal type and rights */
	j->tmpl.has_chat = j->issuer_cert.has_chat;
	j->tmpl.chat = j->issuer_cert.chat;
	return issue_and_write(o, j, &j->issuer_cert, 0);
}

static int verb_request(const opts *o, job *j)
{
	cvc_signer *outer = NULL;
	uint8_t *der;
	size_t len;
	cvc_diag diag = {0};
	cvc_err err;
	int rc;

	if ((o->outer_key == NULL) != (o->outer_car == NULL))
		return usage("%s: --outer-key needs --outer-car", o->verb);
	if (o->chr == NULL)
		return usage("%s: --chr required", o->verb);
	if ((rc = make_key(o, o->key_out, o->key, &j->holder, &j->nk)))
		return rc;
	if (o->outer_key != NULL &&
	    (rc = load_key(o, o->outer_key, NULL, &outer)))
		return rc;
	err = cvc_request_create(j->holder, o->chr, o->car, outer, o->outer_car,
	                         &der, &len, &diag);
	cvc_signer_free(&outer);
	if (err != CVC_OK)
		return report("request", err, &diag);
	rc = write_outputs(o, j, der, len);
	free(der);
	return rc;
}

/* ------------------------------------------------------------------ */
/* main */

static int parse_number(const char *arg, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || *end != '\0' || end == arg || v <= 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static int set_opt(opts *o, int c, const char *arg)
{
	long v;

	switch (c) {
	case O_CHR:
		o->chr = arg;
		break;
	case O_CAR:
		o->car = arg;
		break;
	case O_SCHEME:
		o->scheme = arg;
		break;
	case O_CURVE:
		o->curve = arg;
		break;
	case O_TYPE:
		o->type = arg;
		break;
	case O_FROM:
		o->from = arg;
		break;
	case O_UNTIL:
		o->until = arg;
		break;
	case O_KEY_OUT:
		o->key_out = arg;
		break;
	case O_KEY:
		o->key = arg;
		break;
	case O_KEY_PASS:
		o->key_pass = arg;
		break;
	case O_PIN:
		o->pin = arg;
		break;
	case O_UNENC:
		o->unencrypted = true;
		break;
	case O_OUT:
		o->out = arg;
		break;
	case O_ISSUER_CERT:
		o->issuer_cert = arg;
		break;
	case O_ISSUER_KEY:
		o->issuer_key = arg;
		break;
	case O_OLD_CERT:
		o->old_cert = arg;
		break;
	case O_OLD_KEY:
		o->old_key = arg;
		break;
	case O_NEW_KEY:
		o->new_key = arg;
		break;
	case O_REQUEST:
		o->request = arg;
		break;
	case O_PUBKEY:
		o->pubkey = arg;
		break;
	case O_ROLE:
		o->role = arg;
		break;
	case O_RIGHTS:
		o->rights = arg;
		break;
	case O_CHAT:
		o->chat = arg;
		break;
	case O_OUTER_KEY:
		o->outer_key = arg;
		break;
	case O_OUTER_CAR:
		o->outer_car = arg;
		break;
	case O_CHR_PREFIX:
		o->chr_prefix = arg;
		break;
	case 'j':
		o->json = true;
		break;
	case O_DAYS:
		if (parse_number(arg, 36500, &o->days) != 0)
			return usage("bad --days '%s'", arg);
		break;
	case O_RSA_BITS:
		if (parse_number(arg, 8192, &v) != 0 || v < 1024)
			return usage("bad --rsa-bits '%s'", arg);
		o->rsa_bits = (unsigned)v;
		break;
	default:
		return CVC_TOOL_EXIT_INPUT;
	}
	return 0;
}

static int run_verb(const opts *o)
{
	job j;
	int rc;

	memset(&j, 0, sizeof(j));
	j.tmpl.kind = CVC_KIND_CERT;
	j.tmpl.cpi = CVC_CPI_TR03110;
	if (strcmp(o->verb, "root") == 0)
		rc = verb_root(o, &j);
	else if (strcmp(o->verb, "dv") == 0)
		rc = verb_dv_or_issue(o, &j, true);
	else if (strcmp(o->verb, "issue") == 0)
		rc = verb_dv_or_issue(o, &j, false);
	else if (strcmp(o->verb, "link") == 0)
		rc = verb_link(o, &j);
	else
		rc = verb_request(o, &j);
	job_free(&j);
	return rc;
}

int main(int argc, char **argv)
{
	static const char *const verbs[] = {"root", "dv", "issue", "link",
	                                    "request"};
	opts o = {0};
	bool known = false;
	int c, rc;

	cvc_tool_set_name("cvc-issue");
	if (argc < 2)
		return usage("%s", "a verb is required");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		print_help();
		return cvc_tool_exit_flushed();
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		cvc_tool_print_version();
		return cvc_tool_exit_flushed();
	}
	if (cvc_issue_office_verb(argv[1]))
		return cvc_issue_office_main(argc, argv);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		known = known || strcmp(argv[1], verbs[i]) == 0;
	if (!known)
		return usage("unknown verb '%s'", argv[1]);
	o.verb = argv[1];
	opterr = 0;
	optind = 2;
	while ((c = getopt_long(argc, argv, ":hVj", long_opts, NULL)) != -1) {
		if (c == 'h') {
			print_help();
			return cvc_tool_exit_flushed();
		}
		if (c == 'V') {
			cvc_tool_print_version();
			return 0;
		}
		if (c == '?' || c == ':')
			return cvc_tool_bad_option(SYNOPSIS, c, optopt,
			                           argv[optind - 1]);
		if ((rc = set_opt(&o, c, optarg)) != 0)
			return rc;
	}
	if (optind != argc)
		return usage("unexpected argument '%s'", argv[optind]);
	if (o.out == NULL)
		return usage("%s: --out is required", o.verb);
	if (o.key_out != NULL && (o.key != NULL || o.new_key != NULL))
		return usage("%s: --key-out and --key/--new-key exclude each "
		             "other",
		             o.verb);
	return run_verb(&o);
}
