/* SPDX-License-Identifier: MIT */
/*
 * cvc-verify's own parts (not installed): the state of one run, shared by
 * cvc-verify.c (options, inputs, main), cvc-verify-check.c (certificate
 * chains: asking libcvc and turning its answers into check lines),
 * cvc-verify-request.c (requests), cvc-verify-output.c (text, JSON) and
 * cvc-verify-reader.c (a live badge: --reader).
 */
#ifndef CVC_TOOLS_VERIFY_H
#define CVC_TOOLS_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include <cvc/crypto.h>
#include <cvc/trust.h>

#include "badge-tool.h"
#include "common.h"

#define VERIFY_SYNOPSIS                                                        \
	"[-t PATH]... [--at YYYY-MM-DD] [--crl FILE] [options] FILE...\n"      \
	"       cvc-verify -r SPEC [-t PATH]... [--at YYYY-MM-DD] [--crl "     \
	"FILE] [reader options]"
#define VERIFY_JSON_SCHEMA        "libcvc-verify/1"
#define VERIFY_READER_JSON_SCHEMA "libcvc-verify-reader/1"

/* Longest one-line detail of a check (a CHAT lists up to 38 names). */
#define VERIFY_DETAIL_MAX 1536
/* Every signature of a maximal chain plus the other checks. */
#define VERIFY_MAX_CHECKS (CVC_MAX_CHAIN + 16)
/* A CAR/CHR as text or hex, or a key anchor's name, shortened to fit. */
#define VERIFY_NAME_MAX 72
/* "YYYY-MM-DD" */
#define VERIFY_DATE_MAX 11

/* --require-right: at most every bit of the longest CHAT. */
#define VERIFY_MAX_REQUIRED (8 * CVC_MAX_CHAT_LEN)

/* Options of the live badge mode (-r, --reader); getopt codes from 700. */
enum verify_reader_opt {
	VERIFY_OPT_REQUIRE_RIGHT = 700,
	VERIFY_OPT_REQUIRE_PIN,
	VERIFY_OPT_HOLDER,
};

struct verify_reader_options {
	const char *spec; /* NULL: offline mode */
	const char *rights[VERIFY_MAX_REQUIRED];
	size_t n_rights;
	bool too_many_rights;
	bool require_pin;
	bool holder;
	struct badge_cred_options cred;
};

struct verify_options {
	const char **trust; /* -t arguments, in order */
	size_t n_trust;
	const char *target; /* --target, or NULL: the last object given */
	const char *crl;
	cvc_date at;
	unsigned chain_flags; /* --no-dates, --strict-chat, ... */
	bool json;
	bool verbose;
	bool lenient;
	struct verify_reader_options reader;
};

/* One certificate or request read from a file. */
struct verify_object {
	cvc_cert cert;
	const char *path;
	size_t index; /* 1-based position in its file */
};

struct verify_objects {
	struct verify_object *v;
	size_t n, cap;
};

/*
 * Inputs stay loaded for the whole run: decoded certificates point into
 * them. Paths of files found in a trust directory are owned here too.
 */
struct verify_kept_input {
	cvc_tool_input in;
	char *owned_path;
};

struct verify_inputs {
	struct verify_kept_input *v;
	size_t n, cap;
};

enum verify_result { VERIFY_OK, VERIFY_FAIL, VERIFY_SKIP };

struct verify_check {
	const char *name; /* static: "chain", "signature", ... */
	enum verify_result result;
	char detail[VERIFY_DETAIL_MAX];
};

/* An input problem: exit 2, reported on stderr and in JSON. */
struct verify_input_failure {
	bool set;
	const char *check; /* "decode", "trust-store" or "crl" */
	const char *path;
	size_t index; /* object in the file, 0 for the file as a whole */
	cvc_tool_error err;
};

struct verify_run {
	struct verify_options opt;
	struct verify_inputs inputs;
	struct verify_objects given;   /* every object of every FILE */
	struct verify_objects trusted; /* certificates of the -t paths */
	bool trusted_scanned;
	const struct verify_object *target;
	cvc_store *store;
	cvc_tool_input crl_input;
	cvc_crl crl;
	bool has_crl;

	struct verify_input_failure input_failure;

	/* The verdict: the first reason the target is not valid. */
	cvc_err status;
	const char *failed_check;
	char failed_name[VERIFY_NAME_MAX]; /* "" = none */
	/* The path shown: the target's, or an outer signer's. */
	bool has_chain;
	cvc_chain_result chain;
	/* Effective rights, when the chain passed. */
	bool has_rights;
	cvc_chain_result rights;
	struct verify_check checks[VERIFY_MAX_CHECKS];
	size_t n_checks;
};

/* cvc-verify.c */
void cvc_tool_verify_scan_trust(struct verify_run *run);
/* Given certificates other than the target (malloc'd; NULL if no memory). */
const cvc_cert **cvc_tool_verify_extra(const struct verify_run *run, size_t *n);

/* cvc-verify-check.c: the target, and certificate chains */
void cvc_tool_verify_target(struct verify_run *run);
/*
 * Validates cert's chain and adds its check lines; a failure becomes the
 * verdict. The path becomes run->chain (and, for the target, its rights).
 */
void cvc_tool_verify_chain(struct verify_run *run, const cvc_cert *cert,
                           const cvc_cert *const *extra, size_t n_extra);
/* Only asks whether cert's chain validates (no check lines). */
cvc_err cvc_tool_verify_chain_status(const struct verify_run *run,
                                     const cvc_cert *cert,
                                     const cvc_cert *const *extra,
                                     size_t n_extra, cvc_chain_result *res);
struct verify_check *
cvc_tool_verify_add_check(struct verify_run *run, const char *name,
                          enum verify_result result, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Remembers the first reason the target is not valid. */
void cvc_tool_verify_fail(struct verify_run *run, cvc_err status,
                          const char *check, cvc_span who);
bool cvc_tool_verify_span_eq(cvc_span a, cvc_span b);
const char *cvc_tool_verify_name(cvc_span s, char buf[VERIFY_NAME_MAX]);
/* A certificate's CHR, as cvc_tool_verify_name() writes it. */
const char *cvc_tool_verify_chr(const cvc_cert *c, char buf[VERIFY_NAME_MAX]);
const char *cvc_tool_verify_date(const cvc_date *d, char buf[VERIFY_DATE_MAX]);
/* The role a certificate's own CHAT states, e.g. "DV (official domestic)". */
const char *cvc_tool_verify_role(const cvc_cert *c);
/* Calls fn for every access right in an effective CHAT (role bits not). */
void cvc_tool_verify_rights(const cvc_chain_result *res,
                            void (*fn)(void *ctx, size_t bit, const char *name),
                            void *ctx);
void cvc_tool_verify_rights_hex(const cvc_chain_result *res, char *buf,
                                size_t size);
bool cvc_tool_verify_crl_stale(const struct verify_run *run);
/* Whether a (failed) path reached a trust anchor. */
bool cvc_tool_verify_path_complete(const cvc_chain_result *res);

/* cvc-verify-request.c */
void cvc_tool_verify_request(struct verify_run *run);

/* cvc-verify-reader.c */
/* Takes a --reader mode option; false when c is not one. */
bool cvc_tool_verify_reader_option(struct verify_reader_options *r, int c,
                                   char *arg);
/*
 * Usage checks between the modes (nfiles: FILE arguments given). -1 when
 * fine, else the exit status (reported).
 */
int cvc_tool_verify_reader_check(const struct verify_options *opt, int nfiles,
                                 const char *synopsis);
/* Verifies the badge on the reader; returns the exit status. */
int cvc_tool_verify_reader(struct verify_run *run);
/* The JSON document for an input error of the trust store or CRL. */
void cvc_tool_verify_reader_json_input_failure(const struct verify_run *run);

/* cvc-verify-output.c */
/* Stable token for JSON: the error's enum name in lower case. */
const char *cvc_tool_verify_err_token(cvc_err err);
void cvc_tool_verify_print_text(const struct verify_run *run);
void cvc_tool_verify_print_json(const struct verify_run *run);
void cvc_tool_verify_print_json_input_failure(const struct verify_run *run);

#endif
