/* SPDX-License-Identifier: MIT */
/*
 * Shared parts of cvc-read and cvc-verify --reader: reader, PIN, terminal
 * credentials, and printing the badge's status and holder data.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "badge-tool.h"

/* A PIN file holds the PIN and at most a line end; anything longer is
 * not a PIN file. */
#define PIN_FILE_MAX 64

/* ------------------------------------------------------------------ */
/* Options                                                             */

bool badge_cred_option(struct badge_cred_options *o, int c, char *arg)
{
	switch (c) {
	case BADGE_OPT_PIN_FILE:
		o->pin_file = arg;
		return true;
	case BADGE_OPT_TERMINAL_CERT:
		if (o->n_cert_paths < BADGE_MAX_TERMINAL_CERTS)
			o->cert_paths[o->n_cert_paths++] = arg;
		else
			o->too_many_certs = true;
		return true;
	case BADGE_OPT_TERMINAL_KEY:
		o->key_spec = arg;
		return true;
	}
	return false;
}

int badge_cred_check(const struct badge_cred_options *o, const char *synopsis)
{
	if (o->too_many_certs)
		return cvc_tool_usage_error(synopsis,
		                            "at most %u --terminal-cert files",
		                            BADGE_MAX_TERMINAL_CERTS);
	if (o->n_cert_paths > 0 && o->key_spec == NULL)
		return cvc_tool_usage_error(synopsis, "--terminal-cert needs "
		                                      "--terminal-key");
	if (o->n_cert_paths == 0 && o->key_spec != NULL)
		return cvc_tool_usage_error(synopsis, "--terminal-key needs "
		                                      "--terminal-cert");
	return -1;
}

/* ------------------------------------------------------------------ */
/* PIN                                                                 */

/* SPEC.md 5.6: 6 to 12 ASCII digits. */
static bool set_pin(struct badge_credentials *c, const char *s, size_t len)
{
	size_t i;

	if (len < CVC_BADGE_PIN_MIN || len > CVC_BADGE_PIN_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	memcpy(c->pin, s, len);
	c->pin[len] = '\0';
	c->has_pin = true;
	return true;
}

static void not_a_pin(struct badge_input_error *e, const char *path,
                      const char *what)
{
	e->path = path;
	cvc_tool_error_set(&e->err, CVC_ERR_BAD_VALUE,
	                   "%s is not a PIN (6 to 12 digits, one line)", what);
}

static bool load_pin_file(const char *path, struct badge_credentials *c,
                          struct badge_input_error *e)
{
	uint8_t *data = NULL;
	size_t len = 0;
	bool ok;

	if (cvc_tool_read_file(path, PIN_FILE_MAX, &data, &len, &e->err) !=
	    CVC_OK) {
		e->path = path;
		return false;
	}
	/* one line end: "\n" or "\r\n" */
	if (len > 0 && data[len - 1] == '\n')
		len--;
	if (len > 0 && data[len - 1] == '\r')
		len--;
	ok = set_pin(c, (const char *)data, len);
	OPENSSL_cleanse(data, len);
	free(data);
	if (!ok)
		not_a_pin(e, path, "the file");
	return ok;
}

static bool load_pin(const char *path, struct badge_credentials *c,
                     struct badge_input_error *e)
{
	const char *env;

	if (path != NULL)
		return load_pin_file(path, c, e);
	env = getenv(BADGE_PIN_ENV);
	if (env == NULL || env[0] == '\0')
		return true;
	if (set_pin(c, env, strlen(env)))
		return true;
	not_a_pin(e, NULL, "$" BADGE_PIN_ENV);
	return false;
}

/* ------------------------------------------------------------------ */
/* Terminal certificates and key                                       */

static bool add_cert(struct badge_credentials *c, const cvc_tool_input *in,
                     size_t pos, size_t *used, struct badge_input_error *e)
{
	cvc_cert cert;
	cvc_diag diag;
	cvc_err rc;

	memset(&diag, 0, sizeof(diag));
	rc = cvc_cert_decode_prefix(in->data + pos, in->len - pos, 0, &cert,
	                            used, &diag);
	if (rc == CVC_OK && (*used == 0 || *used > in->len - pos))
		rc = CVC_ERR_INVALID_ARG; /* a decoder must consume */
	if (rc != CVC_OK) {
		diag.err = rc;
		cvc_tool_error_from_diag(&e->err, &diag, pos);
		return false;
	}
	if (cert.kind != CVC_KIND_CERT) {
		cvc_tool_error_set(&e->err, CVC_ERR_NOT_A_CERT,
		                   "byte %zu: a %s, not a certificate", pos,
		                   cvc_kind_name(cert.kind));
		return false;
	}
	if (c->n_certs == BADGE_MAX_TERMINAL_CERTS) {
		cvc_tool_error_set(&e->err, CVC_ERR_TOO_MANY,
		                   "more than %u terminal certificates",
		                   BADGE_MAX_TERMINAL_CERTS);
		return false;
	}
	c->certs[c->n_certs++] = cert.raw;
	c->terminal = cert; /* a view into in->data, kept until the end */
	return true;
}

static bool load_cert_file(const char *path, struct badge_credentials *c,
                           struct badge_input_error *e)
{
	cvc_tool_input *in = &c->inputs[c->n_inputs];
	size_t pos = 0, used;

	e->path = path;
	if (cvc_tool_load(path, CVC_TOOL_MAX_INPUT, in, &e->err) != CVC_OK)
		return false;
	c->n_inputs++;
	while (pos < in->len) {
		if (!add_cert(c, in, pos, &used, e))
			return false;
		pos += used;
	}
	return true;
}

static bool is_pkcs11(const char *spec)
{
	return strncmp(spec, "pkcs11:", 7) == 0;
}

static bool load_key(const char *spec, struct badge_credentials *c,
                     struct badge_input_error *e)
{
	const cvc_algo *algo = cvc_algo_from_oid(c->terminal.key.oid);
	cvc_err rc;

	e->path = is_pkcs11(spec) ? NULL : spec;
	if (algo == NULL) {
		cvc_tool_error_set(&e->err, CVC_ERR_UNKNOWN_ALGORITHM,
		                   "the terminal certificate's key algorithm "
		                   "is not supported");
		return false;
	}
	/* PINs and passphrases come from the environment, never argv. */
	if (is_pkcs11(spec))
		rc = cvc_signer_load(spec, NULL, algo, &c->key);
	else
		rc = cvc_key_file_load(spec, getenv(BADGE_KEY_PASS_ENV), algo,
		                       &c->key);
	if (rc == CVC_OK)
		return true;
	cvc_tool_error_set(&e->err, rc, "cannot load the terminal key: %s",
	                   cvc_strerror(rc));
	if (!is_pkcs11(spec))
		cvc_tool_error_append(&e->err, " (an encrypted key needs "
		                               "$" BADGE_KEY_PASS_ENV ")");
	else
		cvc_tool_error_append(&e->err,
		                      " (%s: PIN in the URI or "
		                      "$CVC_PKCS11_PIN)",
		                      spec);
	return false;
}

bool badge_credentials_load(const struct badge_cred_options *o,
                            struct badge_credentials *c,
                            struct badge_input_error *e)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	memset(e, 0, sizeof(*e));
	if (!load_pin(o->pin_file, c, e))
		return false;
	for (i = 0; i < o->n_cert_paths; i++)
		if (!load_cert_file(o->cert_paths[i], c, e))
			return false;
	if (o->key_spec != NULL && !load_key(o->key_spec, c, e))
		return false;
	memset(e, 0, sizeof(*e));
	return true;
}

void badge_credentials_free(struct badge_credentials *c)
{
	size_t i;

	for (i = 0; i < c->n_inputs; i++)
		cvc_tool_input_free(&c->inputs[i]);
	c->n_inputs = 0;
	c->n_certs = 0;
	cvc_signer_free(&c->key);
	OPENSSL_cleanse(c->pin, sizeof(c->pin));
	c->has_pin = false;
}

/* ------------------------------------------------------------------ */
/* Reader                                                              */

int badge_open_reader(const char *spec, const char *synopsis, cvc_card **card,
                      cvc_tool_error *err)
{
	cvc_err rc = cvc_card_open(spec, 0, card);

	if (rc == CVC_OK)
		return -1;
	if (rc == CVC_ERR_INVALID_ARG)
		return cvc_tool_usage_error(
		    synopsis,
		    "not a reader spec: '%s' (pcsc:NAME, "
		    "pcsc:INDEX or nfc:CONNSTRING)",
		    spec);
	cvc_tool_error_set(err, rc, "reader '%s': %s", spec, cvc_strerror(rc));
	return CVC_TOOL_EXIT_READER;
}

void badge_card_error(cvc_tool_error *err, cvc_err rc, const cvc_diag *diag,
                      const char *what)
{
	const char *reason = diag != NULL ? diag->reason : NULL;

	if (rc == CVC_ERR_CARD_STATUS && reason != NULL)
		cvc_tool_error_set(err, rc, "%s: the card answered %s", what,
		                   reason);
	else if (reason != NULL)
		cvc_tool_error_set(err, rc, "%s: %s (%s)", what,
		                   cvc_strerror(rc), reason);
	else
		cvc_tool_error_set(err, rc, "%s: %s", what, cvc_strerror(rc));
}

const char *badge_transport_name(cvc_transport t)
{
	switch (t) {
	case CVC_TRANSPORT_PCSC:
		return "pcsc";
	case CVC_TRANSPORT_NFC:
		return "nfc";
	case CVC_TRANSPORT_FUNCTION:
		break;
	}
	return "function";
}

const char *badge_date(const cvc_date *d, char buf[BADGE_DATE_MAX])
{
	snprintf(buf, BADGE_DATE_MAX, "%04u-%02u-%02u",
	         (unsigned)(d->year % 10000), (unsigned)(d->month % 100),
	         (unsigned)(d->day % 100));
	return buf;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (civil calendar). */
static long days_from_civil(const cvc_date *d)
{
	long y = (long)d->year - (d->month <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long m = d->month;
	long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d->day - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

long badge_days_between(const cvc_date *a, const cvc_date *b)
{
	return days_from_civil(b) - days_from_civil(a);
}

/* ------------------------------------------------------------------ */
/* Printing                                                            */

void badge_print_safe(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		fputc(ch < 0x20 || ch == 0x7F ? '?' : ch, out);
	}
}

void badge_info_print_text(FILE *out, const cvc_badge_info *info)
{
	char d[BADGE_DATE_MAX];

	fprintf(out, "state:       %s\n", cvc_badge_state_name(info->state));
	fprintf(out, "applet:      version %u.%u\n", info->version >> 8,
	        info->version & 0xFFu);
	fprintf(out, "PIN tries:   %u%s\n", (unsigned)info->pin_tries,
	        info->pin_tries == 0 && info->state == CVC_BADGE_PERSONALIZED
	            ? " (PIN blocked)"
	            : "");
	fprintf(out, "buffers:     command %zu, response %zu octets\n",
	        info->max_command, info->max_response);
	fprintf(out, "card date:   %s\n",
	        info->has_card_date ? badge_date(&info->card_date, d) : "none");
}

void badge_info_print_json(FILE *out, const cvc_badge_info *info)
{
	char d[BADGE_DATE_MAX];

	fputc('{', out);
	cvc_tool_json_member_str(out, "state",
	                         cvc_badge_state_name(info->state));
	fprintf(out,
	        ",\"lcs\":%u,\"version\":\"%u.%u\",\"pin_tries\":%u,"
	        "\"max_command\":%zu,\"max_response\":%zu,",
	        (unsigned)info->state, info->version >> 8,
	        info->version & 0xFFu, (unsigned)info->pin_tries,
	        info->max_command, info->max_response);
	cvc_tool_json_member_str(
	    out, "card_date",
	    info->has_card_date ? badge_date(&info->card_date, d) : NULL);
	fputc('}', out);
}

static void holder_line(FILE *out, int indent, const char *label,
                        const char *value)
{
	fprintf(out, "%*s%-12s", indent, "", label);
	badge_print_safe(out, value[0] != '\0' ? value : "(none)");
	fputc('\n', out);
}

void badge_holder_print_text(FILE *out, const cvc_badge_holder *h, int indent)
{
	holder_line(out, indent, "name:", h->name);
	holder_line(out, indent, "staff ID:", h->staff_id);
	holder_line(out, indent, "department:", h->department);
}

void badge_holder_print_json(FILE *out, const cvc_badge_holder *h)
{
	fputc('{', out);
	cvc_tool_json_holder_members(out, h->name, h->staff_id, h->department);
	fputc('}', out);
}
