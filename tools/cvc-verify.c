/* SPDX-License-Identifier: MIT */
/*
 * cvc-verify: offline verification of a card verifiable certificate (chain
 * to a trust anchor, signatures, dates, roles, terminal type, effective
 * CHAT, revocation), of a request's proof of possession and of an
 * authenticated request's outer signature. Every decision is libcvc's
 * (cvc_chain_verify, cvc_request_verify_*); this file reads the options and
 * inputs, cvc-verify-check.c asks the library, cvc-verify-output.c prints.
 * With --reader, cvc-verify-reader.c verifies a live badge instead.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cvc-verify.h"

#define SYNOPSIS VERIFY_SYNOPSIS

enum long_only {
	OPT_AT = 256,
	OPT_CRL,
	OPT_NO_DATES,
	OPT_REQUIRE_CRL,
	OPT_STRICT_CHAT,
	OPT_ALLOW_TYPE_MIX,
	OPT_TARGET,
};

/* ------------------------------------------------------------------ */
/* Options */

static void print_help(void)
{
	printf(
	    "usage: %s " SYNOPSIS "\n"
	    "\n"
	    "Verify a card verifiable certificate (CVC) offline: build its "
	    "chain to a\n"
	    "trust anchor and check signatures, dates, roles, terminal type, "
	    "the\n"
	    "effective CHAT and revocation. The last object given (or "
	    "--target) is\n"
	    "verified; the other FILEs offer chain certificates. For a "
	    "request, the\n"
	    "inner signature (proof of possession) and, if authenticated, the "
	    "outer\n"
	    "signature. Inputs may be DER, hex or base64.\n"
	    "\n"
	    "Options:\n"
	    "  -t, --trust PATH      trust anchors: a file or directory of "
	    "CVCA\n"
	    "                        certificates or bare 7F49 keys "
	    "(repeatable)\n"
	    "      --target FILE     the object to verify (default: the last "
	    "given)\n"
	    "      --at YYYY-MM-DD   check validity on this date (default: "
	    "today, UTC)\n"
	    "      --crl FILE        check revocation against this list\n"
	    "      --require-crl     fail without a revocation list\n"
	    "      --no-dates        do not check effective and expiration "
	    "dates\n"
	    "      --strict-chat     gematik: reject a flag list wider than "
	    "its issuer's\n"
	    "      --allow-type-mix  accept a CVCA of another terminal type "
	    "above the DV\n"
	    "  -j, --json            one JSON document "
	    "(schema " VERIFY_JSON_SCHEMA ")\n"
	    "  -l, --lenient         accept non-minimal length encodings (not "
	    "DER)\n"
	    "  -v, --verbose         list every certificate of the chain "
	    "(--reader:\n"
	    "                        also log APDUs on stderr, PINs masked)\n"
	    "  -h, --help            show this help and exit\n"
	    "  -V, --version         show the version and exit\n"
	    "\n"
	    "A live badge (applet-spec/SPEC.md), instead of FILEs:\n"
	    "  -r, --reader SPEC     authenticate the badge on this reader "
	    "(pcsc:NAME,\n"
	    "                        pcsc:INDEX, nfc:CONNSTRING)\n"
	    "      --require-right R the badge's effective rights must "
	    "include R (name\n"
	    "                        or bN; repeatable)\n"
	    "      --pin-file FILE   send the holder PIN from FILE (else "
	    "$" BADGE_PIN_ENV ")\n"
	    "      --require-pin     the card must sign that it checked the "
	    "PIN\n"
	    "      --terminal-cert FILE  terminal authentication first: DV "
	    "and terminal\n"
	    "                        certificates, in order (repeatable)\n"
	    "      --terminal-key KEY    the terminal's key: file "
	    "(passphrase\n"
	    "                        $" BADGE_KEY_PASS_ENV ") or pkcs11: URI\n"
	    "      --holder          also read the holder data (needs the "
	    "PIN or the\n"
	    "                        terminal's read right)\n"
	    "\n"
	    "Exit status: 0 valid (badge accepted), 1 not valid (reason on "
	    "stderr),\n"
	    "2 usage or input error, 3 reader or card error (--reader).\n"
	    "See cvc-verify(1).\n",
	    cvc_tool_name());
}

static void today_utc(cvc_date *d)
{
	time_t now = time(NULL);
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	gmtime_r(&now, &tm);
	d->year = (uint16_t)(tm.tm_year + 1900);
	d->month = (uint8_t)(tm.tm_mon + 1);
	d->day = (uint8_t)tm.tm_mday;
}

/* Handles the options that only set something; false if c is not one. */
static bool set_option(struct verify_options *opt, int c)
{
	switch (c) {
	case OPT_NO_DATES:
		opt->chain_flags |= CVC_CHAIN_NO_DATES;
		return true;
	case OPT_REQUIRE_CRL:
		opt->chain_flags |= CVC_CHAIN_REQUIRE_CRL;
		return true;
	case OPT_STRICT_CHAT:
		opt->chain_flags |= CVC_CHAIN_STRICT_CHAT;
		return true;
	case OPT_ALLOW_TYPE_MIX:
		opt->chain_flags |= CVC_CHAIN_ALLOW_TYPE_MIX;
		return true;
	case 'j':
		opt->json = true;
		return true;
	case 'l':
		opt->lenient = true;
		return true;
	case 'v':
		opt->verbose = true;
		return true;
	}
	return false;
}

/* Handles an option with an argument; -1 to go on, else the exit status. */
static int take_argument(struct verify_options *opt, int c, char *arg,
                         bool *at_given)
{
	switch (c) {
	case 't':
		opt->trust[opt->n_trust++] = arg; /* at most argc of them */
		return -1;
	case OPT_TARGET:
		opt->target = arg;
		return -1;
	case OPT_CRL:
		opt->crl = arg;
		return -1;
	case OPT_AT:
		if (cvc_date_parse(arg, &opt->at) != CVC_OK)
			return cvc_tool_usage_error(SYNOPSIS,
			                            "invalid date for --at: "
			                            "'%s' (want YYYY-MM-DD)",
			                            arg);
		*at_given = true;
		return -1;
	}
	return CVC_TOOL_EXIT_INPUT; /* cannot happen */
}

static int show_and_exit(bool help)
{
	if (help)
		print_help();
	else
		cvc_tool_print_version();
	return cvc_tool_exit_flushed();
}

/* Returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct verify_options *opt)
{
	static const struct option longopts[] = {
	    {"trust", required_argument, NULL, 't'},
	    {"target", required_argument, NULL, OPT_TARGET},
	    {"at", required_argument, NULL, OPT_AT},
	    {"crl", required_argument, NULL, OPT_CRL},
	    {"no-dates", no_argument, NULL, OPT_NO_DATES},
	    {"require-crl", no_argument, NULL, OPT_REQUIRE_CRL},
	    {"strict-chat", no_argument, NULL, OPT_STRICT_CHAT},
	    {"allow-type-mix", no_argument, NULL, OPT_ALLOW_TYPE_MIX},
	    {"json", no_argument, NULL, 'j'},
	    {"lenient", no_argument, NULL, 'l'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"reader", required_argument, NULL, 'r'},
	    {"require-right", required_argument, NULL,
	     VERIFY_OPT_REQUIRE_RIGHT},
	    {"require-pin", no_argument, NULL, VERIFY_OPT_REQUIRE_PIN},
	    {"holder", no_argument, NULL, VERIFY_OPT_HOLDER},
	    {"pin-file", required_argument, NULL, BADGE_OPT_PIN_FILE},
	    {"terminal-cert", required_argument, NULL, BADGE_OPT_TERMINAL_CERT},
	    {"terminal-key", required_argument, NULL, BADGE_OPT_TERMINAL_KEY},
	    {NULL, 0, NULL, 0},
	};
	bool at_given = false;
	int c, rc;

	opt->trust = calloc((size_t)argc + 1, sizeof(*opt->trust));
	if (opt->trust == NULL) {
		cvc_tool_fail("out of memory");
		return CVC_TOOL_EXIT_INPUT;
	}
	opterr = 0; /* our own messages, with the program name */
	while ((c = getopt_long(argc, argv, ":t:r:jlvhV", longopts, NULL)) !=
	       -1) {
		if (set_option(opt, c) ||
		    cvc_tool_verify_reader_option(&opt->reader, c, optarg))
			continue;
		if (c == 'h' || c == 'V')
			return show_and_exit(c == 'h');
		if (c == '?' || c == ':')
			return cvc_tool_bad_option(SYNOPSIS, c, optopt,
			                           argv[optind - 1]);
		rc = take_argument(opt, c, optarg, &at_given);
		if (rc >= 0)
			return rc;
	}
	rc = cvc_tool_verify_reader_check(opt, argc - optind, SYNOPSIS);
	if (rc >= 0)
		return rc;
	if (opt->reader.spec == NULL && optind >= argc && opt->target == NULL)
		return cvc_tool_usage_error(SYNOPSIS,
		                            "no certificate or request given");
	if (!at_given)
		today_utc(&opt->at);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Reading inputs */

static unsigned decode_flags(const struct verify_run *run)
{
	return run->opt.lenient ? CVC_DECODE_LENIENT : 0;
}

static void input_fail(struct verify_run *run, const char *check,
                       const char *path, size_t index,
                       const cvc_tool_error *err)
{
	struct verify_input_failure *f = &run->input_failure;

	if (f->set)
		return;
	f->set = true;
	f->check = check;
	f->path = path;
	f->index = index;
	f->err = *err;
}

/*
 * Keeps a loaded input (and owned_path, which may be NULL) for the whole
 * run. On failure frees both and returns NULL.
 */
static cvc_tool_input *keep_input(struct verify_run *run, cvc_tool_input *in,
                                  char *owned_path)
{
	struct verify_inputs *l = &run->inputs;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		struct verify_kept_input *n = realloc(l->v, ncap * sizeof(*n));

		if (n == NULL) {
			cvc_tool_input_free(in);
			free(owned_path);
			return NULL;
		}
		l->v = n;
		l->cap = ncap;
	}
	l->v[l->n].in = *in;
	l->v[l->n].owned_path = owned_path;
	return &l->v[l->n++].in;
}

static struct verify_object *new_object(struct verify_objects *l)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		struct verify_object *n = realloc(l->v, ncap * sizeof(*n));

		if (n == NULL)
			return NULL;
		l->v = n;
		l->cap = ncap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

static bool is_bare_key(const uint8_t *data, size_t len)
{
	cvc_tlv_reader r;
	uint32_t tag;

	cvc_tlv_reader_init(&r, data, len, CVC_TLV_LENIENT);
	return cvc_tlv_peek_tag(&r, &tag) && tag == CVC_TAG_PUBKEY;
}

static void bare_key_error(cvc_tool_error *err, size_t pos)
{
	cvc_tool_error_set(err, CVC_ERR_NOT_A_CERT,
	                   "byte %zu: public key: a bare public key is not a "
	                   "certificate; give trust anchor keys with --trust",
	                   pos);
	err->has_offset = true;
	err->offset = pos;
	err->field = "public key";
}

/* Decodes the object at data[pos..] into obj; false with err filled. */
static bool decode_one(const struct verify_run *run, const cvc_tool_input *in,
                       size_t pos, struct verify_object *obj, size_t *used,
                       cvc_tool_error *err)
{
	cvc_diag diag;
	cvc_err rc;

	memset(&diag, 0, sizeof(diag));
	*used = 0;
	rc = cvc_cert_decode_prefix(in->data + pos, in->len - pos,
	                            decode_flags(run), &obj->cert, used, &diag);
	if (rc == CVC_OK && (*used == 0 || *used > in->len - pos))
		rc = CVC_ERR_INVALID_ARG; /* a decoder must consume; never loop
		                           */
	if (rc == CVC_OK)
		return true;
	diag.err = rc;
	cvc_tool_error_from_diag(err, &diag, pos);
	if (rc == CVC_ERR_NONMINIMAL_LENGTH)
		cvc_tool_error_append(err, " (not DER; --lenient accepts "
		                           "non-minimal lengths)");
	return false;
}

/*
 * Decodes every object of a file into `list`. Returns false (err, *index
 * filled) at the first object that is not a certificate or request.
 */
static bool decode_objects(struct verify_run *run, const cvc_tool_input *in,
                           struct verify_objects *list, size_t *index,
                           cvc_tool_error *err)
{
	struct verify_object *obj;
	size_t pos = 0, used;

	for (*index = 1; pos < in->len; (*index)++) {
		if (is_bare_key(in->data + pos, in->len - pos)) {
			bare_key_error(err, pos);
			return false;
		}
		obj = new_object(list);
		if (obj == NULL) {
			cvc_tool_error_set(err, CVC_ERR_NO_MEMORY,
			                   "out of memory");
			return false;
		}
		if (!decode_one(run, in, pos, obj, &used, err)) {
			list->n--;
			return false;
		}
		obj->path = in->path;
		obj->index = *index;
		if (obj->cert.nonminimal && list == &run->given)
			cvc_tool_warn(in->path,
			              "object %zu: non-minimal length encoding "
			              "accepted (--lenient); the object is not "
			              "DER",
			              *index);
		pos += used;
	}
	return true;
}

/* Loads a FILE argument; an error stops the run (exit 2). */
static bool load_given_file(struct verify_run *run, const char *path)
{
	cvc_tool_input in, *kept;
	cvc_tool_error err;
	size_t index = 0;

	if (cvc_tool_load(path, CVC_TOOL_MAX_INPUT, &in, &err) != CVC_OK) {
		input_fail(run, "decode", path, 0, &err);
		return false;
	}
	kept = keep_input(run, &in, NULL);
	if (kept == NULL) {
		cvc_tool_error_set(&err, CVC_ERR_NO_MEMORY, "out of memory");
		input_fail(run, "decode", path, 0, &err);
		return false;
	}
	if (!decode_objects(run, kept, &run->given, &index, &err)) {
		input_fail(run, "decode", path, index, &err);
		return false;
	}
	return true;
}

/* Every FILE, then --target; the target is the last object read. */
static bool load_given(struct verify_run *run, int argc, char **argv)
{
	int i;

	for (i = optind; i < argc; i++)
		if (!load_given_file(run, argv[i]))
			return false;
	if (run->opt.target != NULL && !load_given_file(run, run->opt.target))
		return false;
	if (run->given.n == 0)
		return false; /* cannot happen: an empty file is an error */
	run->target = &run->given.v[run->given.n - 1];
	return true;
}

/* A file or directory that cannot be read: no byte offset to name. */
static bool is_file_problem(const cvc_diag *diag)
{
	return diag->field != NULL && (strcmp(diag->field, "file") == 0 ||
	                               strcmp(diag->field, "directory") == 0);
}

static void trust_error(const struct verify_run *run, size_t i, cvc_err rc,
                        cvc_diag *diag, cvc_tool_error *err)
{
	diag->err = rc;
	if (is_file_problem(diag))
		cvc_tool_error_set(err, rc, "%s%s%s", cvc_strerror(rc),
		                   diag->reason != NULL ? ": " : "",
		                   diag->reason != NULL ? diag->reason : "");
	else
		cvc_tool_error_from_diag(err, diag, 0);
	cvc_tool_error_append(err, " (trust path %s)", run->opt.trust[i]);
}

static bool load_trust_store(struct verify_run *run)
{
	const char *bad_path;
	cvc_tool_error err;
	cvc_diag diag;
	cvc_err rc;
	size_t i;

	rc = cvc_store_new(&run->store);
	if (rc != CVC_OK) {
		cvc_tool_error_set(&err, rc,
		                   "cannot create the trust store: %s",
		                   cvc_strerror(rc));
		input_fail(run, "trust-store", NULL, 0, &err);
		return false;
	}
	for (i = 0; i < run->opt.n_trust; i++) {
		memset(&diag, 0, sizeof(diag));
		bad_path = NULL;
		rc = cvc_store_load(run->store, run->opt.trust[i],
		                    decode_flags(run), &diag, &bad_path);
		if (rc == CVC_OK)
			continue;
		trust_error(run, i, rc, &diag, &err);
		/* bad_path lives in the store, which stays until the end */
		input_fail(run, "trust-store",
		           bad_path != NULL ? bad_path : run->opt.trust[i], 0,
		           &err);
		return false;
	}
	return true;
}

static bool load_crl(struct verify_run *run)
{
	cvc_tool_error err;
	cvc_diag diag;
	cvc_err rc;

	if (run->opt.crl == NULL)
		return true;
	if (cvc_tool_load(run->opt.crl, CVC_TOOL_MAX_INPUT, &run->crl_input,
	                  &err) != CVC_OK) {
		input_fail(run, "crl", run->opt.crl, 0, &err);
		return false;
	}
	memset(&diag, 0, sizeof(diag));
	rc = cvc_crl_decode(run->crl_input.data, run->crl_input.len, &run->crl,
	                    &diag);
	if (rc != CVC_OK) {
		diag.err = rc;
		cvc_tool_error_from_diag(&err, &diag, 0);
		input_fail(run, "crl", run->opt.crl, 1, &err);
		return false;
	}
	run->has_crl = true;
	return true;
}

/* ------------------------------------------------------------------ */
/* Certificates of the trust paths (to find an outer signer by its CHR) */

static int visible_entry(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/*
 * Adds the certificates of one file; a bare key simply ends its file's
 * walk. owned_path (may be NULL) is path when the scan built it.
 */
static void scan_trust_file(struct verify_run *run, const char *path,
                            char *owned_path)
{
	cvc_tool_input in, *kept;
	cvc_tool_error err;
	size_t index;

	if (cvc_tool_load(path, CVC_TOOL_MAX_INPUT, &in, &err) != CVC_OK) {
		free(owned_path);
		return;
	}
	kept = keep_input(run, &in, owned_path);
	if (kept != NULL)
		(void)decode_objects(run, kept, &run->trusted, &index, &err);
}

/* The same files cvc_store_load() reads: regular, not hidden, sorted. */
static void scan_trust_dir(struct verify_run *run, const char *dir)
{
	struct dirent **names = NULL;
	struct stat st;
	int n, i;

	n = scandir(dir, &names, visible_entry, alphasort);
	for (i = 0; i < n; i++) {
		size_t len = strlen(dir) + strlen(names[i]->d_name) + 2;
		char *path = malloc(len);

		if (path != NULL) {
			snprintf(path, len, "%s/%s", dir, names[i]->d_name);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				scan_trust_file(run, path, path);
			else
				free(path);
		}
		free(names[i]);
	}
	free(names);
}

void cvc_tool_verify_scan_trust(struct verify_run *run)
{
	struct stat st;
	size_t i;

	if (run->trusted_scanned)
		return;
	run->trusted_scanned = true;
	for (i = 0; i < run->opt.n_trust; i++) {
		const char *p = run->opt.trust[i];

		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			scan_trust_dir(run, p);
		else
			scan_trust_file(run, p, NULL);
	}
}

const cvc_cert **cvc_tool_verify_extra(const struct verify_run *run, size_t *n)
{
	const cvc_cert **v = calloc(run->given.n + 1, sizeof(*v));
	size_t i;

	*n = 0;
	if (v == NULL)
		return NULL;
	for (i = 0; i < run->given.n; i++) {
		const struct verify_object *o = &run->given.v[i];

		if (o != run->target && o->cert.kind == CVC_KIND_CERT)
			v[(*n)++] = &o->cert;
	}
	return v;
}

/* ------------------------------------------------------------------ */

static void report_input_failure(const struct verify_run *run)
{
	const struct verify_input_failure *f = &run->input_failure;

	if (f->path != NULL && f->index > 1)
		fprintf(stderr, "%s: %s: object %zu: %s\n", cvc_tool_name(),
		        cvc_tool_display_name(f->path), f->index,
		        f->err.message);
	else
		cvc_tool_report(f->path, &f->err);
	if (run->opt.json && run->opt.reader.spec != NULL)
		cvc_tool_verify_reader_json_input_failure(run);
	else if (run->opt.json)
		cvc_tool_verify_print_json_input_failure(run);
}

/* Errors of the tool itself, not answers about the target. */
static bool is_internal_error(cvc_err err)
{
	return err == CVC_ERR_NO_MEMORY || err == CVC_ERR_INVALID_ARG ||
	       err == CVC_ERR_IO;
}

static void report_not_valid(const struct verify_run *run)
{
	char name[VERIFY_NAME_MAX];
	const char *who = run->failed_name;

	if (who[0] == '\0')
		who = cvc_tool_verify_name(run->target->cert.chr, name);
	fprintf(stderr, "%s: %s: not valid: %s (%s, certificate %s)\n",
	        cvc_tool_name(), cvc_tool_display_name(run->target->path),
	        cvc_strerror(run->status),
	        run->failed_check != NULL ? run->failed_check : "?", who);
}

static int finish(const struct verify_run *run)
{
	int rc = CVC_TOOL_EXIT_OK;

	if (run->opt.json)
		cvc_tool_verify_print_json(run);
	else
		cvc_tool_verify_print_text(run);
	if (run->status != CVC_OK) {
		report_not_valid(run);
		rc = is_internal_error(run->status) ? CVC_TOOL_EXIT_INPUT
		                                    : CVC_TOOL_EXIT_NO;
	}
	if (!cvc_tool_flush_stdout())
		return CVC_TOOL_EXIT_INPUT;
	return rc;
}

static void free_run(struct verify_run *run)
{
	size_t i;

	for (i = 0; i < run->inputs.n; i++) {
		cvc_tool_input_free(&run->inputs.v[i].in);
		free(run->inputs.v[i].owned_path);
	}
	free(run->inputs.v);
	free(run->given.v);
	free(run->trusted.v);
	cvc_tool_input_free(&run->crl_input);
	cvc_store_free(&run->store);
	free(run->opt.trust);
	free(run);
}

/* Reads the inputs and verifies: the FILEs offline, or the live badge. */
static int verify(struct verify_run *run, int argc, char **argv)
{
	bool live = run->opt.reader.spec != NULL;

	if ((live || load_given(run, argc, argv)) && load_trust_store(run) &&
	    load_crl(run)) {
		if (live)
			return cvc_tool_verify_reader(run);
		cvc_tool_verify_target(run);
		return finish(run);
	}
	report_input_failure(run);
	(void)cvc_tool_flush_stdout();
	return CVC_TOOL_EXIT_INPUT;
}

int main(int argc, char **argv)
{
	struct verify_run *run;
	int rc;

	cvc_tool_set_name("cvc-verify");
	/* Large (its check lines): on the heap, not the stack. */
	run = calloc(1, sizeof(*run));
	if (run == NULL) {
		cvc_tool_fail("out of memory");
		return CVC_TOOL_EXIT_INPUT;
	}
	rc = parse_options(argc, argv, &run->opt);
	if (rc < 0)
		rc = verify(run, argc, argv);
	free_run(run);
	return rc;
}
