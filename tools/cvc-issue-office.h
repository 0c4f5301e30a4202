/* SPDX-License-Identifier: MIT */
/*
 * cvc-issue: the badge office verbs (personalize, confirm, renew,
 * terminate at a reader; revoke and report on files). They share an
 * option set of their own (cvc-issue-office.c), the issuance records
 * beside the issuer certificate (cvc-issue-records.c) and the badge
 * session steps (cvc-issue-badge.c). Everything the card and the PKI
 * decide is libcvc's (<cvc/badge.h>, cvc_issue_cert, <cvc/trust.h>).
 */
#ifndef CVC_ISSUE_OFFICE_H
#define CVC_ISSUE_OFFICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvc-issue.h"

/* Certificates given with --terminal-chain, and CHRs with --chr (revoke). */
#define OFFICE_MAX_LIST 16

typedef struct office_opts {
	const char *verb;
	const char *reader, *issuer_cert, *issuer_key, *anchor;
	const char *chr_prefix, *name, *staff_id, *department;
	const char *rights, *chat, *from, *until, *scheme, *curve;
	const char *pin_file, *out, *terminal_cert, *terminal_key;
	const char *crl, *date, *status, *at;
	const char *terminal_chain[OFFICE_MAX_LIST];
	size_t n_terminal_chain;
	const char *chrs[OFFICE_MAX_LIST];
	size_t n_chrs;
	long days, next_update_days, expiring, wait_s;
	unsigned rsa_bits;
	bool revoke, json, quiet, verbose;
} office_opts;

/* True for the verbs this part of cvc-issue handles. */
bool cvc_issue_office_verb(const char *verb);
/* main() for those verbs: argv[1] is the verb. Returns the exit status. */
int cvc_issue_office_main(int argc, char **argv);

/* The verbs (exit status). */
int office_personalize(const office_opts *o);
int office_confirm(const office_opts *o);
int office_renew(const office_opts *o);
int office_terminate(const office_opts *o);
int office_revoke(const office_opts *o);
int office_report(const office_opts *o);

/* ------------------------------------------------------------------ */
/* Shared helpers (cvc-issue-office.c)                                 */

int office_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "cvc-issue: VERB: ..." on stderr while working, when stderr is a
 * terminal or -v was given, never with -q. */
void office_progress(const office_opts *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prints "what: error: reason" and returns the exit status for err:
 * 1 for policy refusals, 3 for reader and card errors, 2 otherwise. */
int office_fail(const char *what, cvc_err err, const cvc_diag *diag);
/* Status word named by a CVC_ERR_CARD_STATUS diagnostic ("6982 ..."). */
uint16_t office_sw(const cvc_diag *diag);

/* A decoded certificate together with the bytes it points into. */
typedef struct office_cert {
	cvc_tool_input in;
	cvc_cert cert;
} office_cert;

int office_load_cert(const char *path, office_cert *c);
void office_cert_free(office_cert *c);
/* A private key file (passphrase $CVC_KEY_PASS) or pkcs11: URI
 * ($CVC_PKCS11_PIN), for the algorithm of cert's key. */
int office_load_key(const char *spec, const cvc_cert *cert, cvc_signer **s);

void office_today(cvc_date *d);
/* d + days (may be negative), calendar arithmetic in UTC. */
void office_date_add(const cvc_date *d, long days, cvc_date *out);
/* Whole days from a to b (b - a). */
long office_days_between(const cvc_date *a, const cvc_date *b);
/* "YYYY-MM-DD" into buf (>= 11 octets). */
const char *office_date_text(const cvc_date *d, char *buf, size_t cap);
/* CHR of a certificate as text into buf (>= CVC_MAX_REF_LEN + 1). */
const char *office_chr_text(cvc_span chr, char *buf, size_t cap);
/* Random octets from the kernel; false on failure (reported). */
bool office_random(uint8_t *buf, size_t len);
/* Opens the reader (waiting --wait seconds), begins a transaction and
 * turns on the APDU log with -v. 0 or an exit status. */
int office_open_card(const office_opts *o, cvc_card **card);

/* ------------------------------------------------------------------ */
/* Issuance records: "<issuer cert>.issued" (cvc-issue-records.c)      */

#define RECORD_CERT_MAX 1024u /* CVC_BADGE_MAX_CERT */

typedef enum record_status {
	REC_ISSUED = 0,
	REC_RENEWED,
	REC_TERMINATED,
	REC_UNCONFIRMED,
	REC_REVOKED,
} record_status;

typedef struct record {
	record_status status;
	char chr[CVC_MAX_REF_LEN + 1];
	cvc_date effective, expiration;
	char name[CVC_BADGE_NAME_MAX + 1];
	char staff_id[CVC_BADGE_STAFF_ID_MAX + 1];
	char department[CVC_BADGE_DEPT_MAX + 1];
	char replaces[CVC_MAX_REF_LEN + 1]; /* CHR a renewal replaced, or "" */
	char recorded[21];                  /* 2026-01-31T12:00:00Z */
	char updated[21];                   /* last status change */
	uint8_t cert[RECORD_CERT_MAX];
	size_t cert_len;
} record;

typedef struct record_file {
	char *path;  /* "<issuer cert>.issued" */
	int lock_fd; /* flock on the issuer certificate, -1 when none */
	record *rows;
	size_t n, cap;
} record_file;

const char *record_status_name(record_status s);
bool record_status_parse(const char *text, record_status *s);
/* Whether text is fit for a record field: no control characters. */
bool record_text_ok(const char *text);

/*
 * Opens the records of issuer_cert: takes an exclusive lock (flock on the
 * issuer certificate file, so concurrent runs for one issuer serialize)
 * and reads the file; a missing file is an empty list. 0 or an exit
 * status (reported).
 */
int records_open(const char *issuer_cert, record_file *rf);
/* Writes all rows back atomically (temporary file, rename). */
int records_save(record_file *rf);
/* Unlocks and frees. */
void records_close(record_file *rf);
record *records_find(record_file *rf, const char *chr);
/* 0 when chr is not recorded yet, else exit 1 (reported). */
int records_refuse_reuse(record_file *rf, const char *chr);
/* Appends a row (copied); sets both times to now. NULL on no memory. */
record *records_add(record_file *rf, const record *r);
/* Sets a row's status and its updated time. */
void record_set_status(record *r, record_status s);
/* Fills chr, dates and cert of r from a certificate. */
void record_from_cert(record *r, const cvc_cert *c);

/* ------------------------------------------------------------------ */
/* Badge session steps (cvc-issue-badge.c), shared by the reader verbs */

typedef struct badge_session {
	const office_opts *o;
	cvc_card *card;
	cvc_badge_info info;
	uint8_t chain[CVC_BADGE_MAX_CHAIN];
	size_t chain_len;
	cvc_cert badge, dv; /* views into chain, after session_prove */
	char chr[CVC_MAX_REF_LEN + 1];
	uint8_t anchor_der[CVC_BADGE_MAX_CERT];
	cvc_cert anchor; /* the badge's trust anchor, after session_trust */
	cvc_store *store;
} badge_session;

/* Opens the reader. 0 or an exit status. */
int session_open(const office_opts *o, badge_session *s);
void session_close(badge_session *s);
/* SELECT; the life cycle state must be `want` (else exit 1, naming it),
 * any state with CVC_BADGE_UNKNOWN. */
int session_select(badge_session *s, cvc_badge_state want);
/*
 * Reads the badge's trust anchor and accepts it only when the office's
 * issuer certificate chains to it (through `links`, e.g. CVCA link
 * certificates of --terminal-chain): the anchor then holds the key of the
 * issuer's CVCA. Exit status.
 */
int session_trust(badge_session *s, const cvc_cert *issuer,
                  const office_cert *links, size_t n_links);
/*
 * INTERNAL AUTHENTICATE with a fresh challenge and the chain (SPEC 5.5):
 * splits the chain into s->badge and s->dv and checks the signature with
 * the badge certificate's key, EC domain parameters from `domain`.
 * With check_chain (needs session_trust) the chain must also lead to the
 * trusted anchor (dates are not checked: an expired badge may be renewed
 * or terminated). Exit status.
 */
int session_prove(badge_session *s, const cvc_pubkey *domain, bool check_chain);

/* The last steps of personalization and renewal. */
typedef struct activation {
	const cvc_cert *issued; /* the new badge certificate */
	const cvc_cert *dv;     /* its issuer */
	const cvc_pubkey *domain;
	record rec; /* holder fields and replaces; the rest is filled in */
} activation;

/*
 * ACTIVATE, then SELECT and INTERNAL AUTHENTICATE to confirm that the
 * badge holds the new certificate and its key; only then writes --out
 * and records the certificate (issued, or renewed when rec.replaces is
 * set). When the badge leaves after ACTIVATE was sent the certificate is
 * recorded as unconfirmed; before, nothing is recorded. Exit status.
 */
int session_activate(badge_session *s, const char *issuer_cert, activation *a);
/*
 * The holder reference of a new certificate: `chr` as given, or the next
 * one for `prefix` from the issuer's state file, which is advanced at once
 * (a failed attempt consumes its number; no number is ever used twice).
 * Either way it must not be in the issuer's records yet (exit 1).
 */
int office_allocate_chr(const char *issuer_cert, const char *chr,
                        const char *prefix, char *out, size_t cap);
/* A badge certificate just issued. */
typedef struct new_cert {
	char chr[CVC_MAX_REF_LEN + 1];
	uint8_t *der; /* malloc'd; cert points into it */
	cvc_cert cert;
} new_cert;

/*
 * Takes the holder reference (office_allocate_chr with chr or prefix) and
 * issues tmpl (whose CHR it sets) under dv with cvc_issue_cert and its
 * policy. Exit status; free nc->der.
 */
int office_issue(const office_opts *o, const char *chr, const char *prefix,
                 cvc_cert *tmpl, const cvc_signer *issuer, const cvc_cert *dv,
                 new_cert *nc);
/*
 * Runs cvc_issue_cert's policy on tmpl with a stand-in key and holder
 * reference (`chr`, else prefix + "00000") before the badge is touched, so
 * a refusal (dates past the DV's, rights the DV lacks, the wrong issuer
 * key) costs neither a badge command nor a holder reference. Exit status.
 */
int office_policy_check(const office_opts *o, const cvc_cert *tmpl,
                        const cvc_pubkey *stand_in, const char *chr,
                        const char *prefix, const cvc_signer *issuer,
                        const cvc_cert *dv);
/* CHAT bit of a terminal certificate (AT), SPEC 4.3. */
bool office_has_right(const cvc_cert *c, unsigned bit);
/* Reports a failed step of terminal authentication (exit status). */
int office_ta_fail(cvc_err err, uint16_t sw, const cvc_diag *diag);

/* ------------------------------------------------------------------ */
/* Revocation list update (cvc-issue-revoke.c), shared with terminate  */

typedef struct crl_update {
	const char *crl_path;
	const cvc_cert *issuer; /* the CA that signs the list */
	const cvc_signer *key;
	const char *const *chrs;
	size_t n_chrs;
	cvc_date revoked_on;
	long next_update_days;
} crl_update;

/* Adds chrs to the list at crl_path (created when missing), re-signed
 * with new dates; prints a summary unless quiet. Exit status. */
int office_crl_update(const office_opts *o, const crl_update *u);

#endif
