/* SPDX-License-Identifier: MIT */
/*
 * cvc-issue: options of the badge office verbs and the helpers they share
 * (certificates, keys, dates, the reader). Each option belongs to the
 * verbs listed in its table row; giving it to another verb is a usage
 * error, so a mistyped command line never silently does something else.
 */
#define _DEFAULT_SOURCE /* timegm */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cvc-issue-office.h"

#define SYNOPSIS "personalize|confirm|renew|terminate|revoke|report [options]"

enum {
	V_PERS = 1u << 0,
	V_CONF = 1u << 1,
	V_RENEW = 1u << 2,
	V_TERM = 1u << 3,
	V_REVOKE = 1u << 4,
	V_REPORT = 1u << 5,
	V_CARD = V_PERS | V_CONF | V_RENEW | V_TERM,
	V_ALL = 0x3Fu,
};

static const struct {
	const char *name;
	unsigned bit;
} verbs[] = {
    {"personalize", V_PERS}, {"confirm", V_CONF},  {"renew", V_RENEW},
    {"terminate", V_TERM},   {"revoke", V_REVOKE}, {"report", V_REPORT},
};

enum opt {
	O_READER = 256,
	O_WAIT,
	O_ISSUER_CERT,
	O_ISSUER_KEY,
	O_ANCHOR,
	O_CHR,
	O_CHR_PREFIX,
	O_NAME,
	O_STAFF_ID,
	O_DEPARTMENT,
	O_RIGHTS,
	O_CHAT,
	O_DAYS,
	O_FROM,
	O_UNTIL,
	O_SCHEME,
	O_CURVE,
	O_RSA_BITS,
	O_PIN_FILE,
	O_OUT,
	O_TERMINAL_CERT,
	O_TERMINAL_KEY,
	O_TERMINAL_CHAIN,
	O_REVOKE,
	O_CRL,
	O_DATE,
	O_NEXT_UPDATE_DAYS,
	O_STATUS,
	O_EXPIRING,
	O_AT,
	O_JSON,
	O_QUIET,
	O_VERBOSE,
	O_PIN, /* refused: see set_opt */
	O_END
};

static const struct option long_opts[] = {
    {"reader", required_argument, NULL, O_READER},
    {"wait", required_argument, NULL, O_WAIT},
    {"issuer-cert", required_argument, NULL, O_ISSUER_CERT},
    {"issuer-key", required_argument, NULL, O_ISSUER_KEY},
    {"anchor", required_argument, NULL, O_ANCHOR},
    {"chr", required_argument, NULL, O_CHR},
    {"chr-prefix", required_argument, NULL, O_CHR_PREFIX},
    {"name", required_argument, NULL, O_NAME},
    {"staff-id", required_argument, NULL, O_STAFF_ID},
    {"department", required_argument, NULL, O_DEPARTMENT},
    {"rights", required_argument, NULL, O_RIGHTS},
    {"chat", required_argument, NULL, O_CHAT},
    {"days", required_argument, NULL, O_DAYS},
    {"from", required_argument, NULL, O_FROM},
    {"until", required_argument, NULL, O_UNTIL},
    {"scheme", required_argument, NULL, O_SCHEME},
    {"curve", required_argument, NULL, O_CURVE},
    {"rsa-bits", required_argument, NULL, O_RSA_BITS},
    {"pin-file", required_argument, NULL, O_PIN_FILE},
    {"out", required_argument, NULL, O_OUT},
    {"terminal-cert", required_argument, NULL, O_TERMINAL_CERT},
    {"terminal-key", required_argument, NULL, O_TERMINAL_KEY},
    {"terminal-chain", required_argument, NULL, O_TERMINAL_CHAIN},
    {"revoke", no_argument, NULL, O_REVOKE},
    {"crl", required_argument, NULL, O_CRL},
    {"date", required_argument, NULL, O_DATE},
    {"next-update-days", required_argument, NULL, O_NEXT_UPDATE_DAYS},
    {"status", required_argument, NULL, O_STATUS},
    {"expiring", required_argument, NULL, O_EXPIRING},
    {"at", required_argument, NULL, O_AT},
    {"json", no_argument, NULL, O_JSON},
    {"quiet", no_argument, NULL, O_QUIET},
    {"verbose", no_argument, NULL, O_VERBOSE},
    {"pin", required_argument, NULL, O_PIN},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* long_opts[c - O_READER] is option c: same order as enum opt. */
_Static_assert(sizeof(long_opts) / sizeof(long_opts[0]) == O_END - O_READER + 3,
               "long_opts and enum opt differ");

/* Which verbs take each option (indexed by enum opt - O_READER). */
static const unsigned opt_verbs[O_END - O_READER] = {
    [O_READER - O_READER] = V_CARD,
    [O_WAIT - O_READER] = V_CARD,
    [O_ISSUER_CERT - O_READER] = V_ALL,
    [O_ISSUER_KEY - O_READER] = V_PERS | V_RENEW | V_TERM | V_REVOKE,
    [O_ANCHOR - O_READER] = V_PERS,
    [O_CHR - O_READER] = V_PERS | V_RENEW | V_REVOKE,
    [O_CHR_PREFIX - O_READER] = V_PERS | V_RENEW,
    [O_NAME - O_READER] = V_PERS,
    [O_STAFF_ID - O_READER] = V_PERS,
    [O_DEPARTMENT - O_READER] = V_PERS,
    [O_RIGHTS - O_READER] = V_PERS,
    [O_CHAT - O_READER] = V_PERS,
    [O_DAYS - O_READER] = V_PERS | V_RENEW,
    [O_FROM - O_READER] = V_PERS | V_RENEW,
    [O_UNTIL - O_READER] = V_PERS | V_RENEW,
    [O_SCHEME - O_READER] = V_PERS,
    [O_CURVE - O_READER] = V_PERS,
    [O_RSA_BITS - O_READER] = V_PERS,
    [O_PIN_FILE - O_READER] = V_PERS,
    [O_OUT - O_READER] = V_PERS | V_CONF | V_RENEW,
    [O_TERMINAL_CERT - O_READER] = V_RENEW | V_TERM,
    [O_TERMINAL_KEY - O_READER] = V_RENEW | V_TERM,
    [O_TERMINAL_CHAIN - O_READER] = V_RENEW | V_TERM,
    [O_REVOKE - O_READER] = V_TERM,
    [O_CRL - O_READER] = V_TERM | V_REVOKE,
    [O_DATE - O_READER] = V_TERM | V_REVOKE,
    [O_NEXT_UPDATE_DAYS - O_READER] = V_TERM | V_REVOKE,
    [O_STATUS - O_READER] = V_REVOKE,
    [O_EXPIRING - O_READER] = V_REPORT,
    [O_AT - O_READER] = V_REPORT,
    [O_JSON - O_READER] = V_REPORT,
    [O_QUIET - O_READER] = V_ALL & ~V_REPORT,
    [O_VERBOSE - O_READER] = V_CARD,
    [O_PIN - O_READER] = V_ALL,
};

static void print_help(void)
{
	printf("usage: %s " SYNOPSIS "\n"
	       "\n"
	       "Badge office: personalize, confirm, renew and terminate badges "
	       "at a reader;\nrevoke certificates and report expiring "
	       "badges.\n"
	       "\n"
	       "  personalize -r SPEC --issuer-cert DV --issuer-key KEY "
	       "--anchor CVCA\n"
	       "              (--chr REF | --chr-prefix CCMNEMONIC) --name N "
	       "--staff-id ID\n"
	       "              [--department D] [--rights R | --chat HEX]\n"
	       "              (--days N | --from D --until D) [--scheme S] "
	       "[--curve C]\n"
	       "              [--rsa-bits N] [--pin-file F] --out BADGE\n"
	       "  confirm     -r SPEC --issuer-cert DV [--out BADGE]\n"
	       "  renew       -r SPEC --issuer-cert DV --issuer-key KEY "
	       "--terminal-cert T\n"
	       "              --terminal-key TKEY [--terminal-chain C]... "
	       "[--days N]\n"
	       "              [--chr REF | --chr-prefix P] [--out BADGE]\n"
	       "  terminate   -r SPEC --issuer-cert DV --terminal-cert T "
	       "--terminal-key TKEY\n"
	       "              [--terminal-chain C]... [--revoke --crl F "
	       "--issuer-key KEY]\n"
	       "  revoke      --issuer-cert CA --issuer-key KEY --crl F\n"
	       "              [--chr REF]... [--status STATUS] [--date D]\n"
	       "              [--next-update-days N]\n"
	       "  report      --issuer-cert DV [--expiring DAYS] [--at DATE] "
	       "[--json]\n"
	       "\n"
	       "  -r, --reader SPEC   pcsc:NAME, pcsc:INDEX or nfc:CONNSTRING\n"
	       "      --wait SECONDS  wait for a badge (default: it must be "
	       "there)\n"
	       "  -o, --out FILE      the badge certificate written\n"
	       "  -q, --quiet         no summary line\n"
	       "  -v, --verbose       progress and the APDUs on stderr "
	       "(PINs hidden)\n"
	       "  -j, --json          (report) JSON output\n"
	       "  -h, --help / -V, --version\n"
	       "\n"
	       "Secrets never go on the command line: the initial holder PIN "
	       "comes from\n--pin-file or $CVC_BADGE_PIN, key passphrases from "
	       "$CVC_KEY_PASS, the\nHSM PIN from $CVC_PKCS11_PIN.\n"
	       "\n"
	       "Exit status: 0 ok, 1 refused (state, rights, dates), 2 usage "
	       "or input\nerror, 3 reader or card error. See cvc-issue(1).\n",
	       cvc_tool_name());
}

int office_usage(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cvc_tool_usage_error(SYNOPSIS, "%s", msg);
}

bool cvc_issue_office_verb(const char *verb)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verb, verbs[i].name) == 0)
			return true;
	return false;
}

static unsigned verb_bit(const char *verb)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verb, verbs[i].name) == 0)
			return verbs[i].bit;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Parsing                                                             */

static int parse_long(const char *arg, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || *end != '\0' || end == arg || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int add_to_list(const char **list, size_t *n, const char *arg,
                       const char *what)
{
	if (*n == OFFICE_MAX_LIST)
		return office_usage("at most %d %s", OFFICE_MAX_LIST, what);
	list[(*n)++] = arg;
	return 0;
}

static int set_number(office_opts *o, int c, const char *arg)
{
	long v;

	switch (c) {
	case O_WAIT:
		if (parse_long(arg, 0, 3600, &o->wait_s) != 0)
			return office_usage("bad --wait '%s'", arg);
		return 0;
	case O_DAYS:
		if (parse_long(arg, 1, 36500, &o->days) != 0)
			return office_usage("bad --days '%s'", arg);
		return 0;
	case O_RSA_BITS:
		if (parse_long(arg, 2048, 4096, &v) != 0 || v % 1024 != 0)
			return office_usage("bad --rsa-bits '%s' (2048, 3072 "
			                    "or 4096)",
			                    arg);
		o->rsa_bits = (unsigned)v;
		return 0;
	case O_NEXT_UPDATE_DAYS:
		if (parse_long(arg, 1, 3660, &o->next_update_days) != 0)
			return office_usage("bad --next-update-days '%s'", arg);
		return 0;
	default: /* O_EXPIRING */
		if (parse_long(arg, 0, 36500, &o->expiring) != 0)
			return office_usage("bad --expiring '%s'", arg);
		return 0;
	}
}

static int set_flag(office_opts *o, int c)
{
	if (c == O_REVOKE)
		o->revoke = true;
	else if (c == O_JSON)
		o->json = true;
	else if (c == O_QUIET)
		o->quiet = true;
	else
		o->verbose = true;
	return 0;
}

/* Where each string option goes. */
static const char **string_slot(office_opts *o, int c)
{
	switch (c) {
	case O_READER:
		return &o->reader;
	case O_ISSUER_CERT:
		return &o->issuer_cert;
	case O_ISSUER_KEY:
		return &o->issuer_key;
	case O_ANCHOR:
		return &o->anchor;
	case O_CHR_PREFIX:
		return &o->chr_prefix;
	case O_NAME:
		return &o->name;
	case O_STAFF_ID:
		return &o->staff_id;
	case O_DEPARTMENT:
		return &o->department;
	case O_RIGHTS:
		return &o->rights;
	case O_CHAT:
		return &o->chat;
	case O_FROM:
		return &o->from;
	case O_UNTIL:
		return &o->until;
	case O_SCHEME:
		return &o->scheme;
	case O_CURVE:
		return &o->curve;
	case O_PIN_FILE:
		return &o->pin_file;
	case O_OUT:
		return &o->out;
	case O_TERMINAL_CERT:
		return &o->terminal_cert;
	case O_TERMINAL_KEY:
		return &o->terminal_key;
	case O_CRL:
		return &o->crl;
	case O_DATE:
		return &o->date;
	case O_STATUS:
		return &o->status;
	case O_AT:
		return &o->at;
	default:
		return NULL;
	}
}

static int set_opt(office_opts *o, int c, const char *arg)
{
	const char **slot = string_slot(o, c);

	if (slot != NULL) {
		if (*slot != NULL)
			return office_usage("--%s given twice",
			                    long_opts[c - O_READER].name);
		*slot = arg;
		return 0;
	}
	switch (c) {
	case O_CHR:
		return add_to_list(o->chrs, &o->n_chrs, arg, "--chr");
	case O_TERMINAL_CHAIN:
		return add_to_list(o->terminal_chain, &o->n_terminal_chain, arg,
		                   "--terminal-chain");
	case O_PIN:
		/* An exact match, so that "--pin 123456" is not taken as an
		 * abbreviation of --pin-file; the value is never echoed. */
		return office_usage("%s: no --pin: PINs are never given on "
		                    "the command line (--pin-file, "
		                    "$CVC_BADGE_PIN, $CVC_PKCS11_PIN)",
		                    o->verb);
	case O_WAIT:
	case O_DAYS:
	case O_RSA_BITS:
	case O_NEXT_UPDATE_DAYS:
	case O_EXPIRING:
		return set_number(o, c, arg);
	default:
		return set_flag(o, c);
	}
}

static int short_to_long(int c)
{
	switch (c) {
	case 'r':
		return O_READER;
	case 'o':
		return O_OUT;
	case 'q':
		return O_QUIET;
	case 'v':
		return O_VERBOSE;
	case 'j':
		return O_JSON;
	default:
		return c;
	}
}

/* -1 to go on, else the exit status. */
static int parse(int argc, char **argv, office_opts *o)
{
	unsigned vb = verb_bit(argv[1]);
	int c;

	o->verb = argv[1];
	o->expiring = -1;
	opterr = 0;
	optind = 2;
	while ((c = getopt_long(argc, argv, ":r:o:qvjhV", long_opts, NULL)) !=
	       -1) {
		int rc;

		c = short_to_long(c);
		if (c == 'h') {
			print_help();
			return cvc_tool_exit_flushed();
		}
		if (c == 'V') {
			cvc_tool_print_version();
			return cvc_tool_exit_flushed();
		}
		if (c == '?' || c == ':')
			return cvc_tool_bad_option(SYNOPSIS, c, optopt,
			                           argv[optind - 1]);
		if ((opt_verbs[c - O_READER] & vb) == 0)
			return office_usage("%s: option --%s does not apply",
			                    o->verb,
			                    long_opts[c - O_READER].name);
		if ((rc = set_opt(o, c, optarg)) != 0)
			return rc;
	}
	if (optind != argc)
		return office_usage("unexpected argument '%s'", argv[optind]);
	return -1;
}

int cvc_issue_office_main(int argc, char **argv)
{
	office_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	if ((rc = parse(argc, argv, &o)) >= 0)
		return rc;
	if (o.issuer_cert == NULL)
		return office_usage("%s: --issuer-cert is required", o.verb);
	switch (verb_bit(o.verb)) {
	case V_PERS:
		return office_personalize(&o);
	case V_CONF:
		return office_confirm(&o);
	case V_RENEW:
		return office_renew(&o);
	case V_TERM:
		return office_terminate(&o);
	case V_REVOKE:
		return office_revoke(&o);
	default:
		return office_report(&o);
	}
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */

void office_progress(const office_opts *o, const char *fmt, ...)
{
	va_list ap;

	if (o->quiet || (!o->verbose && !isatty(STDERR_FILENO)))
		return;
	fprintf(stderr, "%s: %s: ", cvc_tool_name(), o->verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int office_fail(const char *what, cvc_err err, const cvc_diag *diag)
{
	char where[96] = "";
	uint16_t sw = err == CVC_ERR_CARD_STATUS ? office_sw(diag) : 0;

	if (diag != NULL && diag->reason != NULL)
		cvc_tool_fail("%s: %s: %s", what, cvc_strerror(err),
		              diag->reason);
	else if (diag != NULL && diag->field != NULL &&
	         cvc_diag_format(diag, where, sizeof(where)) > 0)
		cvc_tool_fail("%s: %s", what, where);
	else
		cvc_tool_fail("%s: %s", what, cvc_strerror(err));
	/* The badge said no: a right is missing (SPEC [RIGHT-1]) or it
	 * refused a certificate ([TA-2]); not a reader or card fault. */
	if (sw == 0x6982 || sw == 0x6984)
		return CVC_TOOL_EXIT_NO;
	return cvc_issue_exit_for(err);
}

uint16_t office_sw(const cvc_diag *diag)
{
	unsigned sw;

	if (diag == NULL || diag->reason == NULL ||
	    sscanf(diag->reason, "%4x", &sw) != 1)
		return 0;
	return (uint16_t)sw;
}

/* ------------------------------------------------------------------ */
/* Files and keys                                                      */

int office_load_cert(const char *path, office_cert *c)
{
	cvc_tool_error te;
	cvc_diag diag;

	memset(c, 0, sizeof(*c));
	if (cvc_tool_load(path, CVC_TOOL_MAX_INPUT, &c->in, &te) != CVC_OK) {
		cvc_tool_report(path, &te);
		return CVC_TOOL_EXIT_INPUT;
	}
	if (cvc_cert_decode(c->in.data, c->in.len, 0, &c->cert, &diag) !=
	    CVC_OK) {
		cvc_tool_error_from_diag(&te, &diag, 0);
		cvc_tool_report(path, &te);
		return CVC_TOOL_EXIT_INPUT;
	}
	if (c->cert.kind != CVC_KIND_CERT || !c->cert.has_chat ||
	    !c->cert.has_dates) {
		cvc_tool_fail("%s: not a certificate with CHAT and dates",
		              path);
		return CVC_TOOL_EXIT_INPUT;
	}
	return 0;
}

void office_cert_free(office_cert *c)
{
	cvc_tool_input_free(&c->in);
}

int office_load_key(const char *spec, const cvc_cert *cert, cvc_signer **s)
{
	return cvc_issue_load_key(spec, NULL, getenv("CVC_KEY_PASS"),
	                          cvc_algo_from_oid(cert->key.oid), s);
}

/* ------------------------------------------------------------------ */
/* Dates and text                                                      */

static void date_from_time(time_t t, cvc_date *d)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	d->year = (uint16_t)(tm.tm_year + 1900);
	d->month = (uint8_t)(tm.tm_mon + 1);
	d->day = (uint8_t)tm.tm_mday;
}

static time_t time_from_date(const cvc_date *d)
{
	struct tm tm = {.tm_year = d->year - 1900,
	                .tm_mon = d->month - 1,
	                .tm_mday = d->day,
	                .tm_hour = 12};
	return timegm(&tm);
}

void office_today(cvc_date *d)
{
	date_from_time(time(NULL), d);
}

void office_date_add(const cvc_date *d, long days, cvc_date *out)
{
	date_from_time(time_from_date(d) + (time_t)days * 86400, out);
}

long office_days_between(const cvc_date *a, const cvc_date *b)
{
	return (long)((time_from_date(b) - time_from_date(a)) / 86400);
}

const char *office_date_text(const cvc_date *d, char *buf, size_t cap)
{
	snprintf(buf, cap, "%04u-%02u-%02u", (unsigned)d->year,
	         (unsigned)d->month, (unsigned)d->day);
	return buf;
}

const char *office_chr_text(cvc_span chr, char *buf, size_t cap)
{
	size_t n = chr.len < cap ? chr.len : cap - 1;

	for (size_t i = 0; i < n; i++)
		buf[i] = chr.data[i] >= 0x20 && chr.data[i] < 0x7F
		             ? (char)chr.data[i]
		             : '?';
	buf[n] = '\0';
	return buf;
}

bool office_random(uint8_t *buf, size_t len)
{
	ssize_t got = getrandom(buf, len, 0);

	if (got != (ssize_t)len) {
		cvc_tool_fail("no random numbers: %s", strerror(errno));
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Reader                                                              */

int office_open_card(const office_opts *o, cvc_card **card)
{
	int timeout = o->wait_s > 0 ? (int)(o->wait_s * 1000) : 0;
	cvc_err err;

	if (o->reader == NULL)
		return office_usage("%s: --reader is required", o->verb);
	err = cvc_card_open(o->reader, timeout, card);
	if (err == CVC_ERR_INVALID_ARG)
		return office_usage("not a reader spec: '%s' (pcsc:NAME, "
		                    "pcsc:INDEX or nfc:CONNSTRING)",
		                    o->reader);
	if (err != CVC_OK) {
		cvc_tool_fail("reader '%s': %s", o->reader, cvc_strerror(err));
		return CVC_TOOL_EXIT_READER;
	}
	if (o->verbose)
		cvc_card_set_log(*card, cvc_card_log_stderr, stderr);
	/* Nobody else talks to the badge between our commands. */
	err = cvc_card_begin(*card);
	if (err != CVC_OK) {
		cvc_tool_fail("reader '%s': %s", o->reader, cvc_strerror(err));
		cvc_card_free(card);
		return CVC_TOOL_EXIT_READER;
	}
	return 0;
}
