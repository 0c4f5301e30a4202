/* SPDX-License-Identifier: MIT */
/*
 * cvc-read: show what a badge (applet-spec/SPEC.md) holds: its status
 * (life cycle, version, PIN tries, buffers, card date), its certificates,
 * the trust anchor it checks terminals with, and the holder data once the
 * PIN or an authenticated terminal with the read right allows it. Every
 * exchange is libcvc's badge layer; this file gathers and prints. Nothing
 * is verified here: cvc-verify --reader decides.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "badge-tool.h"

#define SYNOPSIS                                                               \
	"[-r SPEC] [-j] [-v] [--pin-file FILE] [--terminal-cert FILE... "      \
	"--terminal-key KEY] [-o FILE]"
#define JSON_SCHEMA    "libcvc-read/1"
#define DEFAULT_READER "pcsc:0"
/* SPEC.md 7: security status not satisfied */
#define SW_NO_RIGHT 0x6982u

struct read_options {
	const char *reader;
	const char *out_chain;
	bool json;
	bool verbose;
	struct badge_cred_options cred;
};

/* PIN check or terminal authentication. */
enum auth_state {
	AUTH_NOT_ASKED,
	AUTH_OK,
	AUTH_REFUSED,     /* the card said no (status word) */
	AUTH_NOT_ALLOWED, /* the badge is not personalized */
};

struct auth_outcome {
	enum auth_state state;
	int tries; /* PIN tries left after a refusal; -1 unknown */
	char detail[192];
};

enum holder_state {
	HOLDER_UNKNOWN,   /* the run ended before it was known */
	HOLDER_NONE,      /* blank or terminated: there is none */
	HOLDER_PROTECTED, /* neither PIN nor terminal authentication */
	HOLDER_DENIED,    /* authenticated, but without the read right */
	HOLDER_READ,
};

/* How the run ended, for the exit status and JSON. */
enum read_outcome { READ_OK, READ_REFUSED, READ_CARD_ERROR, READ_INPUT };

struct read_run {
	struct read_options opt;
	struct badge_credentials cred;
	cvc_card *card;
	bool selected;
	cvc_badge_info info;
	bool has_chain;
	uint8_t chain[CVC_BADGE_MAX_CHAIN];
	size_t chain_len;
	cvc_cert badge_cert, dv_cert;
	bool has_anchor;
	uint8_t anchor[CVC_BADGE_MAX_CERT];
	size_t anchor_len;
	cvc_cert anchor_cert;
	struct auth_outcome pin, terminal;
	enum holder_state holder_state;
	cvc_badge_holder holder;
	bool chain_saved;
	enum read_outcome outcome;
	const char *err_path; /* file the error concerns, or NULL */
	cvc_tool_error err;
};

static void print_help(void)
{
	printf(
	    "usage: %s " SYNOPSIS "\n"
	    "\n"
	    "Show a badge's status, its certificates, its trust anchor and, "
	    "when the PIN\n"
	    "or an authenticated terminal allows it, the holder data. "
	    "Nothing is\n"
	    "verified: use cvc-verify --reader for a decision.\n"
	    "\n"
	    "Options:\n"
	    "  -r, --reader SPEC        pcsc:NAME, pcsc:INDEX, "
	    "nfc:CONNSTRING (default " DEFAULT_READER ")\n"
	    "      --pin-file FILE      holder PIN from FILE (else "
	    "$" BADGE_PIN_ENV ")\n"
	    "      --terminal-cert FILE terminal authentication: DV and "
	    "terminal\n"
	    "                           certificates, in order "
	    "(repeatable)\n"
	    "      --terminal-key KEY   the terminal's private key: file "
	    "(passphrase\n"
	    "                           $" BADGE_KEY_PASS_ENV
	    ") or pkcs11: URI\n"
	    "  -o, --out-chain FILE     save the badge and DV "
	    "certificates (DER)\n"
	    "  -j, --json               one JSON document (schema " JSON_SCHEMA
	    ")\n"
	    "  -v, --verbose            full key components; log APDUs on "
	    "stderr\n"
	    "                           (PINs masked)\n"
	    "  -h, --help               show this help and exit\n"
	    "  -V, --version            show the version and exit\n"
	    "\n"
	    "Exit status: 0 read, 1 the card refused the PIN or the "
	    "terminal, 2 usage\n"
	    "or input error, 3 reader or card error.\n"
	    "See cvc-read(1).\n",
	    cvc_tool_name());
}

/* ------------------------------------------------------------------ */
/* Options                                                             */

/* Returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct read_options *opt)
{
	static const struct option longopts[] = {
	    {"reader", required_argument, NULL, 'r'},
	    {"out-chain", required_argument, NULL, 'o'},
	    {"pin-file", required_argument, NULL, BADGE_OPT_PIN_FILE},
	    {"terminal-cert", required_argument, NULL, BADGE_OPT_TERMINAL_CERT},
	    {"terminal-key", required_argument, NULL, BADGE_OPT_TERMINAL_KEY},
	    CVC_TOOL_SHARED_LONGOPTS,
	};
	const cvc_tool_shared_options shared = {SYNOPSIS, print_help,
	                                        &opt->json, &opt->verbose};
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:o:jvhV", longopts, NULL)) !=
	       -1) {
		if (badge_cred_option(&opt->cred, c, optarg))
			continue;
		switch (c) {
		case 'r':
			opt->reader = optarg;
			break;
		case 'o':
			opt->out_chain = optarg;
			break;
		default:
			rc = cvc_tool_shared_option(&shared, c,
			                            argv[optind - 1]);
			if (rc >= 0)
				return rc;
		}
	}
	if (optind < argc)
		return cvc_tool_usage_error(
		    SYNOPSIS, "unexpected argument '%s'", argv[optind]);
	return badge_cred_check(&opt->cred, SYNOPSIS);
}

/* ------------------------------------------------------------------ */
/* Reading the badge                                                   */

static bool card_failed(struct read_run *run, cvc_err rc, const cvc_diag *diag,
                        const char *what)
{
	badge_card_error(&run->err, rc, diag, what);
	run->outcome = READ_CARD_ERROR;
	return false;
}

static bool select_badge(struct read_run *run)
{
	cvc_diag diag;
	cvc_err rc;

	memset(&diag, 0, sizeof(diag));
	rc = cvc_badge_select(run->card, &run->info, &diag);
	if (rc == CVC_ERR_CARD_STATUS)
		return card_failed(run, rc, &diag,
		                   "no badge applet on this card: SELECT");
	if (rc != CVC_OK)
		return card_failed(run, rc, &diag, "SELECT");
	run->selected = true;
	return true;
}

static bool read_chain(struct read_run *run)
{
	cvc_diag diag;
	cvc_err rc;

	memset(&diag, 0, sizeof(diag));
	rc = cvc_badge_read_chain(run->card, run->chain, sizeof(run->chain),
	                          &run->chain_len, &diag);
	if (rc != CVC_OK)
		return card_failed(run, rc, &diag, "reading the chain");
	rc = cvc_badge_split_chain(run->chain, run->chain_len, &run->badge_cert,
	                           &run->dv_cert, &diag);
	if (rc != CVC_OK)
		return card_failed(run, rc, &diag, "the chain the badge sent");
	run->has_chain = true;
	return true;
}

static bool read_anchor(struct read_run *run)
{
	cvc_diag diag;
	cvc_err rc;

	memset(&diag, 0, sizeof(diag));
	rc = cvc_badge_read_anchor(run->card, run->anchor, sizeof(run->anchor),
	                           &run->anchor_len, &diag);
	if (rc != CVC_OK)
		return card_failed(run, rc, &diag, "reading the trust anchor");
	rc = cvc_cert_decode(run->anchor, run->anchor_len, 0, &run->anchor_cert,
	                     &diag);
	if (rc != CVC_OK)
		return card_failed(run, rc, &diag,
		                   "the trust anchor the badge sent");
	run->has_anchor = true;
	return true;
}

/* A refusal by status word is an answer; anything else ends the run. */
static bool auth_answer(struct read_run *run, struct auth_outcome *a,
                        cvc_err rc, const cvc_diag *diag, const char *what)
{
	if (rc == CVC_OK) {
		a->state = AUTH_OK;
		return true;
	}
	if (rc != CVC_ERR_CARD_STATUS)
		return card_failed(run, rc, diag, what);
	a->state = AUTH_REFUSED;
	snprintf(a->detail, sizeof(a->detail), "%s",
	         diag->reason != NULL ? diag->reason : cvc_strerror(rc));
	run->outcome = READ_REFUSED;
	return true;
}

static bool verify_pin(struct read_run *run)
{
	cvc_diag diag;
	cvc_err rc;

	memset(&diag, 0, sizeof(diag));
	rc = cvc_badge_verify_pin(run->card, run->cred.pin, &run->pin.tries,
	                          &diag);
	return auth_answer(run, &run->pin, rc, &diag, "VERIFY");
}

static bool authenticate_terminal(struct read_run *run)
{
	cvc_diag diag;
	cvc_err rc;

	memset(&diag, 0, sizeof(diag));
	rc = cvc_badge_terminal_auth(run->card, run->cred.certs,
	                             run->cred.n_certs, run->cred.key,
	                             run->badge_cert.chr, NULL, &diag);
	return auth_answer(run, &run->terminal, rc, &diag,
	                   "terminal authentication");
}

/*
 * GET DATA 0102 after a PIN or a terminal: 6982 means the terminal lacks
 * the read right (SPEC [GD-2]); the badge layer leaves the SW in diag.tag.
 */
static bool read_holder(struct read_run *run)
{
	cvc_diag diag;
	cvc_err rc;

	memset(&diag, 0, sizeof(diag));
	rc = cvc_badge_read_holder(run->card, &run->holder, &diag);
	if (rc == CVC_OK) {
		run->holder_state = HOLDER_READ;
		return true;
	}
	if (rc == CVC_ERR_CARD_STATUS && diag.tag == SW_NO_RIGHT) {
		run->holder_state = HOLDER_DENIED;
		return true;
	}
	return card_failed(run, rc, &diag, "reading the holder data");
}

static bool authenticate(struct read_run *run)
{
	bool want_pin = run->cred.has_pin, want_ta = run->cred.n_certs > 0;

	if (run->info.state != CVC_BADGE_PERSONALIZED) {
		run->holder_state = HOLDER_NONE;
		if (want_pin)
			run->pin.state = AUTH_NOT_ALLOWED;
		if (want_ta)
			run->terminal.state = AUTH_NOT_ALLOWED;
		return true;
	}
	run->holder_state = HOLDER_PROTECTED;
	if (want_pin && !verify_pin(run))
		return false;
	if (want_ta && !authenticate_terminal(run))
		return false;
	/* Without PIN or terminal the card refuses (SPEC [GD-2]): do not
	 * ask. */
	if (run->pin.state == AUTH_OK || run->terminal.state == AUTH_OK)
		return read_holder(run);
	return true;
}

static bool save_chain(struct read_run *run)
{
	if (run->opt.out_chain == NULL)
		return true;
	if (!run->has_chain) {
		cvc_tool_error_set(&run->err, CVC_ERR_MISSING_FIELD,
		                   "--out-chain: a %s badge holds no chain",
		                   cvc_badge_state_name(run->info.state));
		run->outcome = READ_CARD_ERROR;
		return false;
	}
	if (!cvc_tool_write_atomic(run->opt.out_chain, run->chain,
	                           run->chain_len, cvc_tool_public_file_mode(),
	                           &run->err)) {
		run->err_path = run->opt.out_chain;
		run->outcome = READ_INPUT;
		return false;
	}
	run->chain_saved = true;
	return true;
}

static void read_badge(struct read_run *run)
{
	bool personalized_once;

	if (!select_badge(run))
		return;
	/* BLANK holds no certificate (SPEC [LC-1]); TERMINATED keeps them. */
	personalized_once = run->info.state == CVC_BADGE_PERSONALIZED ||
	                    run->info.state == CVC_BADGE_TERMINATED;
	if (personalized_once && (!read_chain(run) || !read_anchor(run)))
		return;
	if (!authenticate(run))
		return;
	(void)save_chain(run);
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

static unsigned print_flags(const struct read_run *run)
{
	return run->opt.verbose ? CVC_PRINT_VERBOSE : 0;
}

static void print_cert_text(const struct read_run *run, const char *title,
                            const cvc_cert *cert)
{
	printf("%s:\n", title);
	(void)cvc_cert_print_text(stdout, cert, print_flags(run), 2);
}

static void print_auth_text(const char *label, const struct auth_outcome *a,
                            const char *ok_text)
{
	printf("%-13s", label);
	switch (a->state) {
	case AUTH_NOT_ASKED:
		puts("not given");
		break;
	case AUTH_OK:
		puts(ok_text);
		break;
	case AUTH_REFUSED:
		/* the card's status word and its meaning, e.g. "63C2 PIN
		 * wrong, 2 tries left" */
		printf("refused: ");
		badge_print_safe(stdout, a->detail);
		putchar('\n');
		break;
	case AUTH_NOT_ALLOWED:
		puts("not tried: the badge is not personalized");
		break;
	}
}

static void print_holder_text(const struct read_run *run)
{
	switch (run->holder_state) {
	case HOLDER_UNKNOWN:
		break;
	case HOLDER_NONE:
		printf("holder data: none (%s badge)\n",
		       cvc_badge_state_name(run->info.state));
		break;
	case HOLDER_PROTECTED:
		puts("holder data: protected (needs PIN or terminal "
		     "authentication)");
		break;
	case HOLDER_DENIED:
		puts("holder data: protected (the terminal lacks the read "
		     "holder data right)");
		break;
	case HOLDER_READ:
		puts("holder data:");
		badge_holder_print_text(stdout, &run->holder, 2);
		break;
	}
}

static void print_terminal_line(const struct read_run *run)
{
	const cvc_span chr = run->cred.terminal.chr;
	char line[64];
	size_t i, o;

	/* The CHR as printable text (it comes from the user's file). */
	o = (size_t)snprintf(line, sizeof(line), "authenticated as ");
	for (i = 0; i < chr.len && o + 1 < sizeof(line); i++) {
		uint8_t c = chr.data[i];

		line[o++] = c >= 0x20 && c < 0x7F ? (char)c : '?';
	}
	line[o] = '\0';
	print_auth_text("terminal:", &run->terminal, line);
}

static void print_text(const struct read_run *run)
{
	printf("reader:      ");
	badge_print_safe(stdout, cvc_card_reader(run->card));
	printf(" (%s)\n", badge_transport_name(cvc_card_transport(run->card)));
	badge_info_print_text(stdout, &run->info);
	if (run->has_chain) {
		print_cert_text(run, "badge certificate", &run->badge_cert);
		print_cert_text(run, "DV certificate", &run->dv_cert);
	}
	if (run->has_anchor)
		print_cert_text(run,
		                "trust anchor (the badge checks terminals "
		                "with it)",
		                &run->anchor_cert);
	if (!run->has_chain && run->info.state == CVC_BADGE_BLANK)
		puts("certificates: none (blank badge)");
	print_auth_text("PIN:", &run->pin, "verified");
	print_terminal_line(run);
	print_holder_text(run);
	if (run->chain_saved)
		printf("chain saved: %s (%zu octets)\n", run->opt.out_chain,
		       run->chain_len);
}

/* ------------------------------------------------------------------ */
/* JSON (schema libcvc-read/1, doc/json-schema.md)                     */

/* A certificate's object, or null: rendered in memory first, so that the
 * document stays valid JSON whatever the card sent. */
static void json_cert(const struct read_run *run, const char *key,
                      const cvc_cert *cert)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	cvc_err rc = CVC_ERR_NO_MEMORY;

	printf(",\"%s\":", key);
	mem = cert != NULL ? open_memstream(&buf, &len) : NULL;
	if (mem != NULL) {
		rc = cvc_cert_print_json(mem, cert, print_flags(run));
		if (fclose(mem) != 0 && rc == CVC_OK)
			rc = CVC_ERR_NO_MEMORY;
	}
	fputs(rc == CVC_OK ? buf : "null", stdout);
	free(buf);
}

static void json_auth(const char *key, const struct auth_outcome *a)
{
	static const char *const states[] = {"not-given", "ok", "refused",
	                                     "not-personalized"};

	printf(",\"%s\":", key);
	if (a->state == AUTH_NOT_ASKED) {
		fputs("null", stdout);
		return;
	}
	fputc('{', stdout);
	cvc_tool_json_member_str(stdout, "result", states[a->state]);
	fputc(',', stdout);
	cvc_tool_json_member_str(stdout, "status",
	                         a->state == AUTH_REFUSED ? a->detail : NULL);
	if (a->state == AUTH_REFUSED && a->tries >= 0)
		printf(",\"tries_left\":%d}", a->tries);
	else
		fputs(",\"tries_left\":null}", stdout);
}

static void json_holder(const struct read_run *run)
{
	static const char *const states[] = {NULL, "none", "protected",
	                                     "denied", "read"};

	fputc(',', stdout);
	cvc_tool_json_member_str(stdout, "holder_data",
	                         states[run->holder_state]);
	fputs(",\"holder\":", stdout);
	if (run->holder_state == HOLDER_READ)
		badge_holder_print_json(stdout, &run->holder);
	else
		fputs("null", stdout);
}

static const char *reader_spec(const struct read_run *run)
{
	return run->opt.reader != NULL ? run->opt.reader : DEFAULT_READER;
}

static void json_head(const struct read_run *run)
{
	fputs("{\"schema\":\"" JSON_SCHEMA "\",", stdout);
	cvc_tool_json_member_str(stdout, "reader",
	                         run->card ? cvc_card_reader(run->card)
	                                   : reader_spec(run));
	fputc(',', stdout);
	cvc_tool_json_member_str(
	    stdout, "transport",
	    run->card ? badge_transport_name(cvc_card_transport(run->card))
	              : NULL);
	fputs(",\"badge\":", stdout);
	if (run->selected)
		badge_info_print_json(stdout, &run->info);
	else
		fputs("null", stdout);
}

static void print_json(const struct read_run *run)
{
	json_head(run);
	json_cert(run, "certificate", run->has_chain ? &run->badge_cert : NULL);
	json_cert(run, "dv_certificate", run->has_chain ? &run->dv_cert : NULL);
	json_cert(run, "trust_anchor",
	          run->has_anchor ? &run->anchor_cert : NULL);
	json_auth("pin", &run->pin);
	json_auth("terminal_authentication", &run->terminal);
	json_holder(run);
	fputc(',', stdout);
	cvc_tool_json_member_str(stdout, "chain_file",
	                         run->chain_saved ? run->opt.out_chain : NULL);
	fputs(",\"error\":", stdout);
	if (run->outcome == READ_CARD_ERROR || run->outcome == READ_INPUT)
		cvc_tool_json_error(stdout, run->err_path, 0, &run->err);
	else
		fputs("null", stdout);
	fputs("}\n", stdout);
}

/* ------------------------------------------------------------------ */

static int exit_status(enum read_outcome o)
{
	switch (o) {
	case READ_OK:
		return CVC_TOOL_EXIT_OK;
	case READ_REFUSED:
		return CVC_TOOL_EXIT_NO;
	case READ_INPUT:
		return CVC_TOOL_EXIT_INPUT;
	case READ_CARD_ERROR:
		break;
	}
	return CVC_TOOL_EXIT_READER;
}

static void report(const struct read_run *run)
{
	if (run->outcome == READ_CARD_ERROR || run->outcome == READ_INPUT)
		cvc_tool_report(run->err_path, &run->err);
	if (run->pin.state == AUTH_REFUSED)
		cvc_tool_fail("PIN refused: %s", run->pin.detail);
	if (run->terminal.state == AUTH_REFUSED)
		cvc_tool_fail("terminal authentication refused: %s",
		              run->terminal.detail);
	if (run->opt.json)
		print_json(run);
	else if (run->selected)
		print_text(run);
}

static bool load_credentials(struct read_run *run)
{
	struct badge_input_error e;

	if (badge_credentials_load(&run->opt.cred, &run->cred, &e))
		return true;
	run->err = e.err;
	run->err_path = e.path;
	run->outcome = READ_INPUT;
	return false;
}

static int run_read(struct read_run *run)
{
	const char *spec = reader_spec(run);
	int rc;

	if (load_credentials(run)) {
		rc = badge_open_reader(spec, SYNOPSIS, &run->card, &run->err);
		if (rc == CVC_TOOL_EXIT_INPUT)
			return rc; /* usage, already reported */
		if (rc < 0) {
			if (run->opt.verbose)
				cvc_card_set_log(run->card, cvc_card_log_stderr,
				                 stderr);
			read_badge(run);
		} else {
			run->outcome = READ_CARD_ERROR;
		}
	}
	report(run);
	if (!cvc_tool_flush_stdout())
		return CVC_TOOL_EXIT_INPUT;
	return exit_status(run->outcome);
}

int main(int argc, char **argv)
{
	struct read_run *run;
	int rc;

	cvc_tool_set_name("cvc-read");
	run = calloc(1, sizeof(*run));
	if (run == NULL) {
		cvc_tool_fail("out of memory");
		return CVC_TOOL_EXIT_INPUT;
	}
	run->pin.tries = run->terminal.tries = -1; /* not known */
	rc = parse_options(argc, argv, &run->opt);
	if (rc < 0)
		rc = run_read(run);
	cvc_card_free(&run->card);
	badge_credentials_free(&run->cred);
	OPENSSL_cleanse(&run->holder, sizeof(run->holder));
	free(run);
	return rc;
}
