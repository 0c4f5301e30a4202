/* SPDX-License-Identifier: MIT */
/*
 * What the badge-reading tools (cvc-read, cvc-verify --reader) share:
 * opening a reader, the holder PIN (--pin-file or $CVC_BADGE_PIN), the
 * terminal's certificates and key for terminal authentication
 * (--terminal-cert, --terminal-key), and printing the badge's status and
 * holder data as text or JSON. The protocol itself is libcvc's badge layer.
 */
#ifndef CVC_TOOLS_BADGE_H
#define CVC_TOOLS_BADGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common.h"

/* Environment variables the tools read secrets from (never argv). */
#define BADGE_PIN_ENV      "CVC_BADGE_PIN"
#define BADGE_KEY_PASS_ENV "CVC_KEY_PASS"

/* Certificates given with --terminal-cert, all files together. */
#define BADGE_MAX_TERMINAL_CERTS 8

/* "YYYY-MM-DD" */
#define BADGE_DATE_MAX 11

/* --pin-file, --terminal-cert (repeatable), --terminal-key as given. */
struct badge_cred_options {
	const char *pin_file;
	const char *cert_paths[BADGE_MAX_TERMINAL_CERTS];
	size_t n_cert_paths;
	bool too_many_certs;  /* more --terminal-cert than cert_paths holds */
	const char *key_spec; /* key file or pkcs11: URI */
};

/* The credentials once loaded. */
struct badge_credentials {
	bool has_pin;
	char pin[CVC_BADGE_PIN_MAX + 1]; /* wiped by badge_credentials_free */
	cvc_tool_input inputs[BADGE_MAX_TERMINAL_CERTS];
	size_t n_inputs;
	cvc_span certs[BADGE_MAX_TERMINAL_CERTS]; /* whole 7F21 objects */
	size_t n_certs;
	cvc_cert terminal; /* the last certificate: the terminal's own */
	cvc_signer *key;
};

/* An input problem found while loading credentials (exit status 2). */
struct badge_input_error {
	const char *path; /* file concerned, or NULL */
	cvc_tool_error err;
};

/*
 * Options shared by both tools: getopt codes from 600 on, so they never
 * meet a tool's own: "pin-file", "terminal-cert", "terminal-key".
 */
enum badge_cred_opt {
	BADGE_OPT_PIN_FILE = 600,
	BADGE_OPT_TERMINAL_CERT,
	BADGE_OPT_TERMINAL_KEY,
};

/* Takes one of the options above; false when c is not one of them. */
bool badge_cred_option(struct badge_cred_options *o, int c, char *arg);
/*
 * Usage checks: --terminal-cert and --terminal-key go together. Returns -1
 * when fine, else the exit status (reported with the synopsis).
 */
int badge_cred_check(const struct badge_cred_options *o, const char *synopsis);

/*
 * Loads the PIN (--pin-file, else $CVC_BADGE_PIN, else none) and the
 * terminal certificates and key. false with *e filled on an input error;
 * what was loaded is released by badge_credentials_free either way.
 */
bool badge_credentials_load(const struct badge_cred_options *o,
                            struct badge_credentials *c,
                            struct badge_input_error *e);
void badge_credentials_free(struct badge_credentials *c);

/*
 * Opens the reader named by spec (no waiting). Returns -1 when open; a
 * malformed spec is a usage error (reported, exit status 2); anything else
 * fills err and returns CVC_TOOL_EXIT_READER.
 */
int badge_open_reader(const char *spec, const char *synopsis, cvc_card **card,
                      cvc_tool_error *err);

/* Fills err from a badge layer error: the SW text for CARD_STATUS. */
void badge_card_error(cvc_tool_error *err, cvc_err rc, const cvc_diag *diag,
                      const char *what);

/* "pcsc", "nfc" or "function". */
const char *badge_transport_name(cvc_transport t);
const char *badge_date(const cvc_date *d, char buf[BADGE_DATE_MAX]);
/* Whole days from a to b (negative when b is earlier). */
long badge_days_between(const cvc_date *a, const cvc_date *b);

/*
 * Writes s to out with every control character (C0, DEL) as '?': what a
 * card sends must not drive the terminal.
 */
void badge_print_safe(FILE *out, const char *s);

/* The FCI / status: text lines "label: value", and a JSON object. */
void badge_info_print_text(FILE *out, const cvc_badge_info *info);
void badge_info_print_json(FILE *out, const cvc_badge_info *info);

/* Holder data, each line indented by `indent` spaces; a JSON object. */
void badge_holder_print_text(FILE *out, const cvc_badge_holder *h, int indent);
void badge_holder_print_json(FILE *out, const cvc_badge_holder *h);

#endif
