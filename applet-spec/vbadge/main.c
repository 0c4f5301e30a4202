/* SPDX-License-Identifier: MIT */
/*
 * vbadge: serves the reference badge applet (applet-spec/SPEC.md) from a
 * state file, either behind pcscd's vpcd driver (a contact card in
 * "Virtual PCD 00 00") or as a card in the field of an emulated PN532 on a
 * pseudo-terminal (libnfc's pn532_uart driver). See vbadge(1).
 *
 * Exit status: 0 when stopped (signal, --exit-after, removal, vpcd gone),
 * 1 when the transport could not be set up, 2 for usage errors and state
 * files that cannot be used.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvc/version.h>

#include "host_pn532.h"
#include "host_vpcd.h"
#include "vbadge.h"

#define EXIT_TRANSPORT 1
#define EXIT_USAGE     2

enum mode { MODE_NONE, MODE_VPCD, MODE_PN532 };

enum {
	OPT_VPCD = 256,
	OPT_PN532,
	OPT_HOST,
	OPT_PTY_LINK,
	OPT_PATH_FILE,
	OPT_REMOVE_AFTER,
	OPT_STALL_AFTER,
	OPT_EXIT_AFTER,
	OPT_FAIL_WRITE_AFTER,
};

struct options {
	const char *state;
	enum mode mode;
	const char *host, *pty_link, *path_file;
	long port, remove_after, stall_after, exit_after, fail_write_after;
	bool verbose;
};

static const char synopsis[] =
    "usage: vbadge --state FILE (--vpcd [--host ADDR] [--port PORT] |\n"
    "                            --pn532 [--pty-link PATH] [--path-file "
    "FILE])\n"
    "              [--remove-after N] [--stall-after N] [--exit-after S]\n"
    "              [--fail-write-after N] [-v]\n";

static void print_help(void)
{
	fputs(synopsis, stdout);
	fputs("\nThe reference badge applet (applet-spec/SPEC.md) as a "
	      "virtual card.\n\n"
	      "  -s, --state FILE        the badge's state file (created "
	      "BLANK when missing)\n"
	      "      --vpcd              connect to pcscd's vpcd driver\n"
	      "      --host ADDR         vpcd address (default 127.0.0.1)\n"
	      "  -p, --port PORT         vpcd port (default 35963)\n"
	      "      --pn532             be a PN532 on a pseudo-terminal "
	      "(libnfc pn532_uart)\n"
	      "      --pty-link PATH     make PATH a symlink to the "
	      "pseudo-terminal\n"
	      "      --path-file FILE    write the pseudo-terminal's path to "
	      "FILE\n"
	      "      --remove-after N    the card leaves after N APDUs\n"
	      "      --stall-after N     after N APDUs the card (vpcd) or "
	      "the chip (PN532)\n"
	      "                          stops answering\n"
	      "      --exit-after S      stop after S seconds\n"
	      "      --fail-write-after N  the N-th state file write fails "
	      "(6581)\n"
	      "  -v, --verbose           log events and APDUs (PIN data "
	      "masked) on stderr\n"
	      "  -h, --help              this text\n"
	      "  -V, --version           version\n",
	      stdout);
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "vbadge: %s%s%s\n%s", what, arg ? ": " : "",
	        arg ? arg : "", synopsis);
	return EXIT_USAGE;
}

static const struct option longopts[] = {
    {"state", required_argument, NULL, 's'},
    {"vpcd", no_argument, NULL, OPT_VPCD},
    {"pn532", no_argument, NULL, OPT_PN532},
    {"host", required_argument, NULL, OPT_HOST},
    {"port", required_argument, NULL, 'p'},
    {"pty-link", required_argument, NULL, OPT_PTY_LINK},
    {"path-file", required_argument, NULL, OPT_PATH_FILE},
    {"remove-after", required_argument, NULL, OPT_REMOVE_AFTER},
    {"stall-after", required_argument, NULL, OPT_STALL_AFTER},
    {"exit-after", required_argument, NULL, OPT_EXIT_AFTER},
    {"fail-write-after", required_argument, NULL, OPT_FAIL_WRITE_AFTER},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static bool set_mode(struct options *o, enum mode m)
{
	if (o->mode != MODE_NONE && o->mode != m)
		return false;
	o->mode = m;
	return true;
}

/* A numeric option's value; false (usage error) when out of range. */
static bool number(int c, const char *arg, struct options *o)
{
	switch (c) {
	case 'p':
		return vhost_parse_long(arg, 10, 1, 65535, &o->port);
	case OPT_REMOVE_AFTER:
		return vhost_parse_long(arg, 10, 0, 1000000, &o->remove_after);
	case OPT_STALL_AFTER:
		return vhost_parse_long(arg, 10, 0, 1000000, &o->stall_after);
	case OPT_EXIT_AFTER:
		return vhost_parse_long(arg, 10, 0, INT_MAX / 1000,
		                        &o->exit_after);
	default:
		return vhost_parse_long(arg, 10, 0, UINT_MAX,
		                        &o->fail_write_after);
	}
}

/* One option; -1 to go on, else the exit status. */
static int take_option(int c, const char *arg, struct options *o)
{
	switch (c) {
	case 's':
		o->state = arg;
		return -1;
	case OPT_VPCD:
	case OPT_PN532:
		if (!set_mode(o, c == OPT_VPCD ? MODE_VPCD : MODE_PN532))
			return usage_error("--vpcd and --pn532 exclude "
			                   "each other",
			                   NULL);
		return -1;
	case OPT_HOST:
		o->host = arg;
		return -1;
	case OPT_PTY_LINK:
		o->pty_link = arg;
		return -1;
	case OPT_PATH_FILE:
		o->path_file = arg;
		return -1;
	case 'v':
		o->verbose = true;
		return -1;
	case 'h':
		print_help();
		return 0;
	case 'V':
		printf("vbadge (libcvc) %s\n", cvc_version());
		return 0;
	case 'p':
	case OPT_REMOVE_AFTER:
	case OPT_STALL_AFTER:
	case OPT_EXIT_AFTER:
	case OPT_FAIL_WRITE_AFTER:
		return number(c, arg, o) ? -1 : usage_error("bad number", arg);
	default:
		return usage_error("unknown option or missing argument", NULL);
	}
}

static int check_options(const struct options *o)
{
	if (o->state == NULL)
		return usage_error("--state FILE is required", NULL);
	if (o->mode == MODE_NONE)
		return usage_error("choose --vpcd or --pn532", NULL);
	if (o->mode == MODE_PN532 && (o->host != NULL || o->port > 0))
		return usage_error("--host and --port go with --vpcd", NULL);
	if (o->mode == MODE_VPCD && (o->pty_link || o->path_file))
		return usage_error("--pty-link and --path-file go with --pn532",
		                   NULL);
	if (o->mode == MODE_PN532 && o->remove_after == 0)
		return usage_error("--pn532 needs --remove-after 1 or more",
		                   NULL);
	return -1;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	int c, rc;

	*o = (struct options){
	    .remove_after = -1, .stall_after = -1, .exit_after = -1};
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:p:vhV", longopts, NULL)) != -1)
		if ((rc = take_option(c, optarg, o)) >= 0)
			return rc;
	if (optind < argc)
		return usage_error("unexpected argument", argv[optind]);
	return check_options(o);
}

/* ------------------------------------------------------------------ */
/* The card                                                            */

static bool log_apdus;

static void reset_badge(void *ctx)
{
	vbadge_reset(ctx);
}

/* vbadge_process, with the APDUs on stderr under -v (PIN data masked). */
static cvc_err process(void *ctx, const uint8_t *capdu, size_t clen,
                       uint8_t *rapdu, size_t cap, size_t *rlen)
{
	cvc_err err;

	if (log_apdus)
		vhost_log_apdu("vbadge", ">", capdu, clen, 64, true);
	err = vbadge_process(ctx, capdu, clen, rapdu, cap, rlen);
	if (log_apdus && err == CVC_OK)
		vhost_log_apdu("vbadge", "<", rapdu, *rlen, 64, false);
	return err;
}

static int serve_vpcd(const struct options *o, const vhost_card *card)
{
	vhost_vpcd_options v;

	vhost_vpcd_defaults(&v);
	v.name = "vbadge";
	if (o->host != NULL)
		v.host = o->host;
	if (o->port > 0)
		v.port = (unsigned)o->port;
	v.exit_after_s = o->exit_after;
	v.remove_after = o->remove_after;
	v.stall_after = o->stall_after;
	v.verbose = o->verbose;
	return vhost_vpcd_run(&v, card);
}

static int serve_pn532(const struct options *o, const vhost_card *card)
{
	vhost_pn532_options p;

	vhost_pn532_defaults(&p);
	p.name = "vbadge";
	p.pty_link = o->pty_link;
	p.path_file = o->path_file;
	p.remove_after = o->remove_after;
	p.hang_after = o->stall_after; /* the chip stops answering */
	p.exit_after_s = o->exit_after;
	p.verbose = o->verbose;
	return vhost_pn532_run(&p, card);
}

static int open_badge(const struct options *o, vbadge **vb)
{
	char text[200];
	cvc_diag diag;
	cvc_err err;

	memset(&diag, 0, sizeof(diag));
	err = vbadge_open(o->state, vb, &diag);
	if (err != CVC_OK) {
		cvc_diag_format(&diag, text, sizeof(text));
		fprintf(stderr,
		        "vbadge: %s: %s\n"
		        "vbadge: the state file is left as it is\n",
		        o->state, diag.err ? text : cvc_strerror(err));
		return EXIT_USAGE;
	}
	if (o->verbose)
		fprintf(stderr, "vbadge: %s: %s\n", o->state,
		        cvc_badge_state_name(vbadge_state(*vb)));
	vbadge_fail_write_after(*vb, (unsigned)o->fail_write_after);
	return -1;
}

int main(int argc, char **argv)
{
	struct options o;
	vhost_card card = {NULL, reset_badge, process, vbadge_atr};
	vbadge *vb = NULL;
	int rc = parse_options(argc, argv, &o);

	if (rc >= 0)
		return rc;
	if ((rc = open_badge(&o, &vb)) >= 0)
		return rc;
	log_apdus = o.verbose;
	card.ctx = vb;
	rc = o.mode == MODE_VPCD ? serve_vpcd(&o, &card)
	                         : serve_pn532(&o, &card);
	vbadge_free(&vb);
	return rc;
}
