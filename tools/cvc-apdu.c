/* SPDX-License-Identifier: MIT */
/*
 * cvc-apdu: send command APDUs to a card and show the answers, from the
 * command line or from a script with expected answers (in the manner of
 * scriptor and opensc-tool -s). Lists readers, waits for a card, shows its
 * ATR, UID and ATS. GET RESPONSE and 6Cxx handling, PIN masking
 * in logs and the status word texts all come from libcvc.
 *
 * A script (or the argument list) is parsed completely before the reader
 * is opened, so a typo never leaves a card half-way through a sequence.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"

#define SYNOPSIS                                                               \
	"[-r SPEC] [--wait [SECONDS]] [--atr] [--raw] [-j] [-v] "              \
	"(-s FILE | APDU...)\n       cvc-apdu --list [-j]"
#define JSON_SCHEMA    "libcvc-apdu/1"
#define DEFAULT_READER "pcsc:0"
/* Room for the data of any answer, GET RESPONSE parts included. */
#define MAX_RESPONSE (256u * 1024u)
/* Longest --wait accepted: one day. */
#define MAX_WAIT_SECONDS 86400L

struct options {
	const char *reader;
	const char *script;
	bool list;
	bool atr;
	bool raw;
	bool json;
	bool verbose;
	bool wait;
	long wait_seconds; /* -1: forever */
};

/* One expected octet: value under mask (mask 0F for "9X", 00 for "XX"). */
struct pattern_octet {
	uint8_t value;
	uint8_t mask;
};

enum step_kind { STEP_APDU, STEP_RESET };

struct step {
	enum step_kind kind;
	size_t line; /* script line, or argument number */
	uint8_t *apdu;
	size_t len;
	struct pattern_octet *expect; /* NULL: 9000 wanted */
	size_t expect_len;
};

struct plan {
	struct step *steps;
	size_t n, cap;
	const char *origin; /* "line" or "APDU" in messages */
	const char *path;   /* script file, NULL for arguments */
};

/* Outcome of the run, for the exit status and JSON. */
enum outcome { OUT_OK, OUT_MISMATCH, OUT_CARD };

static void print_help(void)
{
	printf("usage: %s " SYNOPSIS "\n"
	       "\n"
	       "Send command APDUs (hex, spaces allowed) to a card and print "
	       "the answers.\n"
	       "\n"
	       "Options:\n"
	       "  -r, --reader SPEC   pcsc:NAME, pcsc:INDEX, nfc:CONNSTRING "
	       "(default " DEFAULT_READER ")\n"
	       "  -l, --list          list readers as specs and exit\n"
	       "  -w, --wait[=SECONDS] wait for a card (default: forever)\n"
	       "  -a, --atr           show the reader, ATR, UID and ATS\n"
	       "  -s, --script FILE   APDUs from FILE ('-': stdin), one per "
	       "line;\n"
	       "                      '#' starts a comment, '=> SW' or "
	       "'=> DATA SW' the\n"
	       "                      expected answer (X: any hex digit), "
	       "'reset' resets\n"
	       "      --raw           no GET RESPONSE or 6Cxx re-issue\n"
	       "  -j, --json          one JSON document (schema " JSON_SCHEMA
	       ")\n"
	       "  -v, --verbose       log every APDU exchanged on stderr "
	       "(PINs masked)\n"
	       "  -h, --help          show this help and exit\n"
	       "  -V, --version       show the version and exit\n"
	       "\n"
	       "Exit status: 0 every answer as expected (9000 when none "
	       "given), 1 an\n"
	       "answer differed, 2 usage or input error, 3 reader or card "
	       "error.\n"
	       "See cvc-apdu(1).\n",
	       cvc_tool_name());
}

/* ------------------------------------------------------------------ */
/* Options                                                             */

static bool parse_seconds(const char *s, long *out)
{
	char *end;
	long v;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > MAX_WAIT_SECONDS)
		return false;
	*out = v;
	return true;
}

/* "--wait 5": a short decimal after --wait is its argument, not an APDU
 * (an APDU has at least eight hex digits). */
static void take_wait_argument(int argc, char **argv, struct options *opt)
{
	const char *next = optind < argc ? argv[optind] : NULL;

	if (next != NULL && strlen(next) <= 5 &&
	    parse_seconds(next, &opt->wait_seconds))
		optind++;
}

static int parse_wait(const char *arg, int argc, char **argv,
                      struct options *opt)
{
	opt->wait = true;
	opt->wait_seconds = -1;
	if (arg == NULL) {
		take_wait_argument(argc, argv, opt);
		return -1;
	}
	if (!parse_seconds(arg, &opt->wait_seconds))
		return cvc_tool_usage_error(SYNOPSIS,
		                            "--wait: not a number of seconds "
		                            "(0..%ld): '%s'",
		                            MAX_WAIT_SECONDS, arg);
	return -1;
}

/* Returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct options *opt)
{
	enum { OPT_RAW = 256 };
	static const struct option longopts[] = {
	    {"reader", required_argument, NULL, 'r'},
	    {"list", no_argument, NULL, 'l'},
	    {"wait", optional_argument, NULL, 'w'},
	    {"atr", no_argument, NULL, 'a'},
	    {"script", required_argument, NULL, 's'},
	    {"raw", no_argument, NULL, OPT_RAW},
	    CVC_TOOL_SHARED_LONGOPTS,
	};
	const cvc_tool_shared_options shared = {SYNOPSIS, print_help,
	                                        &opt->json, &opt->verbose};
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:lw::as:jvhV", longopts,
	                        NULL)) != -1) {
		switch (c) {
		case 'r':
			opt->reader = optarg;
			break;
		case 'l':
			opt->list = true;
			break;
		case 'w':
			rc = parse_wait(optarg, argc, argv, opt);
			if (rc >= 0)
				return rc;
			break;
		case 'a':
			opt->atr = true;
			break;
		case 's':
			opt->script = optarg;
			break;
		case OPT_RAW:
			opt->raw = true;
			break;
		default:
			rc = cvc_tool_shared_option(&shared, c,
			                            argv[optind - 1]);
			if (rc >= 0)
				return rc;
		}
	}
	return -1;
}

static int check_combination(const struct options *opt, int n_args)
{
	bool has_apdus = opt->script != NULL || n_args > 0;

	if (opt->list && (has_apdus || opt->atr || opt->wait ||
	                  opt->reader != NULL || opt->raw))
		return cvc_tool_usage_error(SYNOPSIS,
		                            "--list takes no reader, APDU or "
		                            "other action");
	if (opt->script != NULL && n_args > 0)
		return cvc_tool_usage_error(SYNOPSIS,
		                            "give APDUs either as arguments or "
		                            "with --script, not both");
	if (!opt->list && !has_apdus && !opt->atr && !opt->wait)
		return cvc_tool_usage_error(SYNOPSIS, "nothing to do: give "
		                                      "APDUs, --script, --atr, "
		                                      "--wait or --list");
	return -1;
}

/* ------------------------------------------------------------------ */
/* Parsing APDUs and scripts                                           */

static bool is_separator(char c)
{
	return c == ' ' || c == '\t' || c == ':';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Hex digits (separators allowed between them) into octets; with
 * `pattern`, 'X' stands for any digit. out (cap octets) may be NULL to
 * count. Returns false with a reason in err.
 */
static bool parse_hex(const char *s, size_t n, bool pattern,
                      struct pattern_octet *out, size_t cap, size_t *len,
                      cvc_tool_error *err, const char *what)
{
	size_t digits = 0;
	struct pattern_octet cur = {0, 0};

	*len = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int v = hex_value(c);
		bool wild = pattern && (c == 'X' || c == 'x');

		if (is_separator(c))
			continue;
		if (v < 0 && !wild) {
			cvc_tool_error_set(err, CVC_ERR_INPUT_FORMAT,
			                   "%s: not a hex digit: '%c'", what,
			                   isprint((unsigned char)c) ? c : '?');
			return false;
		}
		cur.value = (uint8_t)(cur.value << 4 | (wild ? 0 : v));
		cur.mask = (uint8_t)(cur.mask << 4 | (wild ? 0 : 0xF));
		if (++digits % 2 == 0) {
			if (*len >= cap) {
				cvc_tool_error_set(err, CVC_ERR_INPUT_FORMAT,
				                   "%s: longer than %zu octets",
				                   what, cap);
				return false;
			}
			out[(*len)++] = cur;
			cur.value = cur.mask = 0;
		}
	}
	if (digits % 2 != 0) {
		cvc_tool_error_set(err, CVC_ERR_INPUT_FORMAT,
		                   "%s: odd number of hex digits", what);
		return false;
	}
	return true;
}

static bool plan_push(struct plan *p, const struct step *s)
{
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 16;
		struct step *n = realloc(p->steps, ncap * sizeof(*n));

		if (n == NULL)
			return false;
		p->steps = n;
		p->cap = ncap;
	}
	p->steps[p->n++] = *s;
	return true;
}

static void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->steps[i].apdu);
		free(p->steps[i].expect);
	}
	free(p->steps);
	memset(p, 0, sizeof(*p));
}

/* Checks an APDU the way it will be sent (strict 7816-4 unless raw). */
static bool check_apdu(const uint8_t *apdu, size_t len, bool raw,
                       cvc_tool_error *err)
{
	cvc_apdu parsed;
	cvc_diag diag;

	if (len < 4) {
		cvc_tool_error_set(err, CVC_ERR_APDU,
		                   "APDU shorter than CLA INS P1 P2");
		return false;
	}
	if (raw)
		return true;
	memset(&diag, 0, sizeof(diag));
	if (cvc_apdu_decode(apdu, len, &parsed, &diag) == CVC_OK)
		return true;
	cvc_tool_error_set(err, CVC_ERR_APDU, "malformed APDU: %s%s%s",
	                   diag.field ? diag.field : "", diag.field ? ": " : "",
	                   diag.reason ? diag.reason : "");
	cvc_tool_error_append(err, " (--raw sends it as it is)");
	return false;
}

/* Octets n characters of hex can hold, at most limit. */
static size_t hex_cap(size_t n, size_t limit)
{
	return n / 2 + 1 < limit ? n / 2 + 1 : limit;
}

static bool parse_apdu_text(const char *s, size_t n, bool raw, struct step *st,
                            cvc_tool_error *err)
{
	size_t cap = hex_cap(n, CVC_APDU_MAX_SIZE);
	struct pattern_octet *tmp = malloc(cap * sizeof(*tmp));
	size_t len = 0;
	bool ok;

	if (tmp == NULL) {
		cvc_tool_error_set(err, CVC_ERR_NO_MEMORY, "out of memory");
		return false;
	}
	ok = parse_hex(s, n, false, tmp, cap, &len, err, "APDU");
	if (ok) {
		st->apdu = malloc(len ? len : 1);
		ok = st->apdu != NULL;
		if (!ok)
			cvc_tool_error_set(err, CVC_ERR_NO_MEMORY,
			                   "out of memory");
	}
	if (ok) {
		for (size_t i = 0; i < len; i++)
			st->apdu[i] = tmp[i].value;
		st->len = len;
		ok = check_apdu(st->apdu, len, raw, err);
	}
	free(tmp);
	return ok;
}

static bool parse_expect_text(const char *s, size_t n, struct step *st,
                              cvc_tool_error *err)
{
	size_t cap = hex_cap(n, MAX_RESPONSE + 2), len = 0;

	st->expect = malloc(cap * sizeof(*st->expect));
	if (st->expect == NULL) {
		cvc_tool_error_set(err, CVC_ERR_NO_MEMORY, "out of memory");
		return false;
	}
	if (!parse_hex(s, n, true, st->expect, cap, &len, err,
	               "expected answer"))
		return false;
	if (len < 2) {
		cvc_tool_error_set(err, CVC_ERR_INPUT_FORMAT,
		                   "expected answer: needs at least SW1 SW2");
		return false;
	}
	st->expect_len = len;
	return true;
}

static bool is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

static bool is_word(const char *s, size_t n, const char *word)
{
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return n == strlen(word) && strncasecmp(s, word, n) == 0;
}

/* One line of a script or one argument: APDU [=> EXPECTED] | reset. */
static bool parse_step_text(const char *s, size_t n, bool raw, struct step *st,
                            cvc_tool_error *err)
{
	const char *arrow = NULL;

	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '=' && s[i + 1] == '>') {
			arrow = s + i;
			break;
		}
	if (arrow == NULL && is_word(s, n, "reset")) {
		st->kind = STEP_RESET;
		return true;
	}
	size_t apdu_n = arrow ? (size_t)(arrow - s) : n;
	if (is_blank(s, apdu_n)) {
		cvc_tool_error_set(err, CVC_ERR_INPUT_FORMAT,
		                   "no APDU before '=>'");
		return false;
	}
	if (!parse_apdu_text(s, apdu_n, raw, st, err))
		return false;
	if (arrow == NULL)
		return true;
	return parse_expect_text(arrow + 2, n - apdu_n - 2, st, err);
}

static bool add_step(struct plan *p, const char *s, size_t n, size_t line,
                     bool raw, cvc_tool_error *err)
{
	struct step st;

	memset(&st, 0, sizeof(st));
	st.kind = STEP_APDU;
	st.line = line;
	if (!parse_step_text(s, n, raw, &st, err) || !plan_push(p, &st)) {
		if (err->err == CVC_OK)
			cvc_tool_error_set(err, CVC_ERR_NO_MEMORY,
			                   "out of memory");
		free(st.apdu);
		free(st.expect);
		return false;
	}
	return true;
}

/* Reports a parse failure as "prog: FILE: line N: message". */
static int parse_failed(const struct plan *p, size_t line, cvc_tool_error *err)
{
	cvc_tool_error shown = *err;

	cvc_tool_error_set(&shown, err->err, "%s %zu: %s", p->origin, line,
	                   err->message);
	cvc_tool_report(p->path, &shown);
	return CVC_TOOL_EXIT_INPUT;
}

static int plan_from_args(struct plan *p, char **args, int n, bool raw)
{
	cvc_tool_error err;

	p->origin = "APDU";
	for (int i = 0; i < n; i++) {
		memset(&err, 0, sizeof(err));
		if (!add_step(p, args[i], strlen(args[i]), (size_t)i + 1, raw,
		              &err))
			return parse_failed(p, (size_t)i + 1, &err);
	}
	return -1;
}

static int plan_from_text(struct plan *p, const char *text, size_t len,
                          bool raw)
{
	cvc_tool_error err;
	size_t line = 0;

	for (size_t pos = 0; pos < len;) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + (nl != NULL);
		line++;
		const char *hash = memchr(s, '#', n);
		if (hash != NULL)
			n = (size_t)(hash - s);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (is_blank(s, n))
			continue;
		if (memchr(s, '\0', n) != NULL) {
			cvc_tool_error_set(&err, CVC_ERR_INPUT_FORMAT,
			                   "NUL octet in the script");
			return parse_failed(p, line, &err);
		}
		memset(&err, 0, sizeof(err));
		if (!add_step(p, s, n, line, raw, &err))
			return parse_failed(p, line, &err);
	}
	if (p->n == 0) {
		cvc_tool_error_set(&err, CVC_ERR_INPUT_FORMAT,
		                   "no APDU in the script");
		cvc_tool_report(p->path, &err);
		return CVC_TOOL_EXIT_INPUT;
	}
	return -1;
}

static int plan_from_script(struct plan *p, const char *path, bool raw)
{
	cvc_tool_error err;
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	p->origin = "line";
	p->path = path;
	memset(&err, 0, sizeof(err));
	if (cvc_tool_read_file(path, CVC_TOOL_MAX_INPUT, &data, &len, &err) !=
	    CVC_OK) {
		cvc_tool_report(path, &err);
		return CVC_TOOL_EXIT_INPUT;
	}
	rc = plan_from_text(p, (const char *)data, len, raw);
	free(data);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

static void print_hex(FILE *f, const uint8_t *p, size_t n, const char *sep)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%02X", i > 0 ? sep : "", p[i]);
}

static void json_hex(FILE *f, const char *key, const uint8_t *p, size_t n)
{
	fprintf(f, "\"%s\":\"", key);
	print_hex(f, p, n, "");
	fputc('"', f);
}

/*
 * The command as the tool shows it: the data of VERIFY, CHANGE REFERENCE
 * DATA and RESET RETRY COUNTER (INS 20/21, 24/25, 2C/2D) is shown as '*'
 * octets, as libcvc's log hook does, so PINs stay out of terminals and
 * logs. Writes into out (len octets).
 */
static void shown_command(const uint8_t *apdu, size_t len, uint8_t *out)
{
	uint8_t even = len > 1 ? (uint8_t)(apdu[1] & 0xFE) : 0;
	cvc_apdu parsed;

	memcpy(out, apdu, len);
	if (even != 0x20 && even != 0x24 && even != 0x2C)
		return;
	if (cvc_apdu_decode(apdu, len, &parsed, NULL) == CVC_OK) {
		memset(out + (parsed.data.data - apdu), '*', parsed.data.len);
		return;
	}
	if (len > 4)
		memset(out + 4, '*', len - 4);
}

static void print_pattern(FILE *f, const struct pattern_octet *p, size_t n,
                          const char *sep)
{
	static const char digits[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		fputs(i > 0 ? sep : "", f);
		fputc(p[i].mask & 0xF0 ? digits[p[i].value >> 4] : 'X', f);
		fputc(p[i].mask & 0x0F ? digits[p[i].value & 0xF] : 'X', f);
	}
}

/* ------------------------------------------------------------------ */
/* Talking to the card                                                 */

struct session {
	const struct options *opt;
	cvc_card *card;
	uint8_t *resp; /* data, then SW1 SW2 appended */
	size_t exchanges;
	cvc_tool_error err; /* the card error, when one ended the run */
	size_t err_line;
};

static bool pattern_matches(const struct step *st, const uint8_t *answer,
                            size_t len)
{
	const uint8_t *a = answer;

	if (st->expect_len == 2) { /* the SW only */
		a = answer + len - 2;
		len = 2;
	}
	if (len != st->expect_len)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((a[i] & st->expect[i].mask) !=
		    (st->expect[i].value & st->expect[i].mask))
			return false;
	return true;
}

static bool answer_ok(const struct session *s, const struct step *st,
                      const uint8_t *answer, size_t len)
{
	uint8_t sw1 = answer[len - 2], sw2 = answer[len - 1];

	if (st->expect != NULL)
		return pattern_matches(st, answer, len);
	/* --raw passes 61xx on to the script; it is not a failure there */
	return (sw1 == 0x90 && sw2 == 0x00) || (s->opt->raw && sw1 == 0x61);
}

/* Sends one step; *len = answer size (data + SW) in s->resp. */
static cvc_err exchange(struct session *s, const struct step *st, size_t *len)
{
	cvc_err rc;

	if (s->opt->raw)
		return cvc_card_transmit_raw(s->card, st->apdu, st->len,
		                             s->resp, MAX_RESPONSE + 2, len);

	cvc_apdu cmd;
	cvc_rapdu out;
	rc = cvc_apdu_decode(st->apdu, st->len, &cmd, NULL);
	if (rc != CVC_OK)
		return rc; /* checked when parsing; cannot happen */
	rc = cvc_card_transmit(s->card, &cmd, 0, s->resp, MAX_RESPONSE, &out);
	if (rc != CVC_OK)
		return rc;
	s->resp[out.data.len] = (uint8_t)(out.sw >> 8);
	s->resp[out.data.len + 1] = (uint8_t)(out.sw & 0xFF);
	*len = out.data.len + 2;
	return CVC_OK;
}

static void print_exchange_text(const struct step *st, const uint8_t *shown,
                                const uint8_t *answer, size_t len)
{
	char text[128];
	uint16_t sw = (uint16_t)(answer[len - 2] << 8 | answer[len - 1]);

	fputs("> ", stdout);
	print_hex(stdout, shown, st->len, " ");
	fputs("\n< ", stdout);
	print_hex(stdout, answer, len, " ");
	printf(" (%s)\n", cvc_sw_text(sw, text, sizeof(text)));
}

static void print_exchange_json(struct session *s, const struct step *st,
                                const uint8_t *shown, const uint8_t *answer,
                                size_t len, bool ok)
{
	char text[128];
	uint16_t sw = (uint16_t)(answer[len - 2] << 8 | answer[len - 1]);

	fputs(s->exchanges > 0 ? ",\n{" : "\n{", stdout);
	printf("\"line\":%zu,", st->line);
	json_hex(stdout, "command", shown, st->len);
	putchar(',');
	json_hex(stdout, "data", answer, len - 2);
	printf(",\"sw\":\"%04X\",", sw);
	cvc_tool_json_member_str(stdout, "sw_text",
	                         cvc_sw_text(sw, text, sizeof(text)));
	fputs(",\"expected\":", stdout);
	if (st->expect != NULL) {
		putchar('"');
		print_pattern(stdout, st->expect, st->expect_len, "");
		putchar('"');
	} else {
		fputs("null", stdout);
	}
	printf(",\"ok\":%s}", ok ? "true" : "false");
}

static void report_mismatch(const struct session *s, const struct plan *p,
                            const struct step *st, const uint8_t *answer,
                            size_t len)
{
	char text[128];
	uint16_t sw = (uint16_t)(answer[len - 2] << 8 | answer[len - 1]);

	fprintf(stderr, "%s: ", cvc_tool_name());
	if (p->path != NULL)
		fprintf(stderr, "%s: ", cvc_tool_display_name(p->path));
	fprintf(stderr, "%s %zu: expected ", p->origin, st->line);
	if (st->expect != NULL)
		print_pattern(stderr, st->expect, st->expect_len, " ");
	else
		fputs(s->opt->raw ? "90 00 or 61 XX" : "90 00", stderr);
	fputs(", got ", stderr);
	if (st->expect != NULL && st->expect_len != 2)
		print_hex(stderr, answer, len, " ");
	else
		print_hex(stderr, answer + len - 2, 2, " ");
	fprintf(stderr, " (%s)\n", cvc_sw_text(sw, text, sizeof(text)));
}

static enum outcome run_step(struct session *s, const struct plan *p,
                             const struct step *st)
{
	size_t len = 0;
	cvc_err rc;

	if (st->kind == STEP_RESET) {
		rc = cvc_card_reset(s->card);
		if (rc != CVC_OK) {
			cvc_tool_error_set(&s->err, rc, "reset: %s",
			                   cvc_strerror(rc));
			s->err_line = st->line;
			return OUT_CARD;
		}
		return OUT_OK;
	}
	rc = exchange(s, st, &len);
	if (rc != CVC_OK) {
		cvc_tool_error_set(&s->err, rc, "%s", cvc_strerror(rc));
		s->err_line = st->line;
		return OUT_CARD;
	}

	uint8_t *shown = malloc(st->len);
	bool ok = answer_ok(s, st, s->resp, len);

	if (shown == NULL) {
		cvc_tool_error_set(&s->err, CVC_ERR_NO_MEMORY, "out of memory");
		return OUT_CARD;
	}
	shown_command(st->apdu, st->len, shown);
	if (s->opt->json)
		print_exchange_json(s, st, shown, s->resp, len, ok);
	else
		print_exchange_text(st, shown, s->resp, len);
	free(shown);
	s->exchanges++;
	if (!ok)
		report_mismatch(s, p, st, s->resp, len);
	return ok ? OUT_OK : OUT_MISMATCH;
}

/* ------------------------------------------------------------------ */
/* Identification, listing                                             */

typedef cvc_err (*id_fn)(const cvc_card *card, uint8_t *buf, size_t cap,
                         size_t *len);

static void print_id(const struct session *s, const char *label,
                     const char *key, id_fn fn, bool *first)
{
	uint8_t buf[256];
	size_t n = 0;

	if (fn(s->card, buf, sizeof(buf), &n) != CVC_OK)
		n = 0;
	if (s->opt->json) {
		fputs(*first ? "" : ",", stdout);
		if (n > 0)
			json_hex(stdout, key, buf, n);
		else
			printf("\"%s\":null", key);
		*first = false;
		return;
	}
	if (n == 0)
		return;
	printf("%s: ", label);
	print_hex(stdout, buf, n, " ");
	putchar('\n');
}

static void print_identification(const struct session *s)
{
	bool first = true;

	if (!s->opt->json)
		printf("Reader: %s\n", cvc_card_reader(s->card));
	print_id(s, "ATR", "atr", cvc_card_atr, &first);
	print_id(s, "UID", "uid", cvc_card_uid, &first);
	print_id(s, "ATS", "ats", cvc_card_ats, &first);
	if (s->opt->json)
		putchar(',');
}

static int list_readers(const struct options *opt)
{
	size_t len = 0;
	char *buf = NULL;
	cvc_err rc = cvc_readers_list(NULL, 0, &len);

	if (rc == CVC_OK || rc == CVC_ERR_BUFFER_TOO_SMALL) {
		buf = malloc(len + 1);
		rc = buf ? cvc_readers_list(buf, len + 1, &len)
		         : CVC_ERR_NO_MEMORY;
	}
	if (rc != CVC_OK) {
		cvc_tool_fail("cannot list readers: %s", cvc_strerror(rc));
		free(buf);
		return CVC_TOOL_EXIT_READER;
	}
	if (opt->json) {
		fputs("{\"schema\":\"" JSON_SCHEMA "\",\"readers\":[", stdout);
		size_t i = 0;
		for (char *line = buf; *line != '\0'; i++) {
			char *nl = strchr(line, '\n');

			if (nl != NULL)
				*nl = '\0';
			fputs(i > 0 ? "," : "", stdout);
			cvc_tool_json_string(stdout, line);
			line = nl ? nl + 1 : line + strlen(line);
		}
		fputs("]}\n", stdout);
	} else {
		fputs(buf, stdout);
	}
	free(buf);
	return cvc_tool_exit_flushed();
}

/* ------------------------------------------------------------------ */
/* The run                                                             */

static int open_card(struct session *s)
{
	const struct options *opt = s->opt;
	const char *spec = opt->reader ? opt->reader : DEFAULT_READER;
	int timeout = 0;
	cvc_err rc;

	if (opt->wait)
		timeout = opt->wait_seconds < 0
		              ? -1
		              : (int)(opt->wait_seconds * 1000);
	rc = cvc_card_open(spec, timeout, &s->card);
	if (rc == CVC_OK)
		return -1;
	if (rc == CVC_ERR_INVALID_ARG)
		return cvc_tool_usage_error(
		    SYNOPSIS,
		    "not a reader spec: '%s' (pcsc:NAME, "
		    "pcsc:INDEX or nfc:CONNSTRING)",
		    spec);
	cvc_tool_error_set(&s->err, rc, "reader '%s': %s", spec,
	                   cvc_strerror(rc));
	return CVC_TOOL_EXIT_READER;
}

static enum outcome run_plan(struct session *s, const struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		enum outcome o = run_step(s, p, &p->steps[i]);

		if (o != OUT_OK)
			return o;
	}
	return OUT_OK;
}

static void report_card_error(const struct session *s, const struct plan *p)
{
	cvc_tool_error shown = s->err;

	if (s->err_line > 0)
		cvc_tool_error_set(&shown, s->err.err, "%s %zu: %s", p->origin,
		                   s->err_line, s->err.message);
	cvc_tool_report(s->err_line > 0 ? p->path : NULL, &shown);
}

static void json_finish(const struct session *s, enum outcome o)
{
	static const char *const names[] = {"ok", "mismatch", "error"};

	printf("],\"result\":\"%s\",\"error\":", names[o]);
	if (o == OUT_CARD)
		cvc_tool_json_error(stdout, NULL, 0, &s->err);
	else
		fputs("null", stdout);
	fputs("}\n", stdout);
}

static int exit_status(enum outcome o)
{
	if (o == OUT_CARD)
		return CVC_TOOL_EXIT_READER;
	return o == OUT_MISMATCH ? CVC_TOOL_EXIT_NO : CVC_TOOL_EXIT_OK;
}

static int run(const struct options *opt, const struct plan *p)
{
	struct session s;
	enum outcome o = OUT_OK;
	int rc;

	memset(&s, 0, sizeof(s));
	s.opt = opt;
	s.resp = malloc(MAX_RESPONSE + 2);
	if (s.resp == NULL) {
		cvc_tool_fail("out of memory");
		return CVC_TOOL_EXIT_READER;
	}
	rc = open_card(&s);
	if (rc == CVC_TOOL_EXIT_INPUT) {
		free(s.resp);
		return rc;
	}
	if (opt->json)
		fputs("{\"schema\":\"" JSON_SCHEMA "\",", stdout);
	if (rc >= 0) {
		o = OUT_CARD;
	} else {
		if (opt->json) {
			fputs("\"reader\":", stdout);
			cvc_tool_json_string(stdout, cvc_card_reader(s.card));
			putchar(',');
		}
		if (opt->verbose)
			cvc_card_set_log(s.card, cvc_card_log_stderr, stderr);
		if (opt->atr)
			print_identification(&s);
	}
	if (opt->json)
		fputs("\"exchanges\":[", stdout);
	if (o == OUT_OK)
		o = run_plan(&s, p);
	if (o == OUT_CARD)
		report_card_error(&s, p);
	if (opt->json)
		json_finish(&s, o);
	cvc_card_free(&s.card);
	free(s.resp);
	if (!cvc_tool_flush_stdout())
		return CVC_TOOL_EXIT_INPUT;
	return exit_status(o);
}

int main(int argc, char **argv)
{
	struct options opt;
	struct plan plan;
	int rc;

	cvc_tool_set_name("cvc-apdu");
	memset(&opt, 0, sizeof(opt));
	memset(&plan, 0, sizeof(plan));
	rc = parse_options(argc, argv, &opt);
	if (rc >= 0)
		return rc;
	rc = check_combination(&opt, argc - optind);
	if (rc >= 0)
		return rc;
	if (opt.list)
		return list_readers(&opt);

	if (opt.script != NULL)
		rc = plan_from_script(&plan, opt.script, opt.raw);
	else
		rc = plan_from_args(&plan, argv + optind, argc - optind,
		                    opt.raw);
	if (rc < 0)
		rc = run(&opt, &plan);
	plan_free(&plan);
	return rc;
}
