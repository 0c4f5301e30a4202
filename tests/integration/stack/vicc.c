/* SPDX-License-Identifier: MIT */
/*
 * vicc: the test card (cardmodel) behind pcscd's vpcd driver. The vpcd
 * client itself is applet-spec/vbadge/host_vpcd.c, shared with vbadge.
 *
 * Usage: vicc [-v] [--host ADDR] [--port PORT] [--exit-after SECONDS]
 *             [--remove-after N] [--stall-after N | --stall]
 *   --remove-after N  answer N APDUs, then close the socket when the next
 *                     one arrives (the card leaves mid-exchange)
 *   --stall-after N   answer N APDUs, then read but never answer the next
 *                     ones (ATR polls are still answered: the card stays)
 *   --stall           the same as --stall-after 0
 * vicc retries connecting for up to 10 s (vpcd may still be starting).
 * Exits 0 on SIGTERM/SIGINT, after --exit-after, when vpcd closes the
 * connection or when its parent process ends; 1 on errors; 2 on usage
 * errors.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cardmodel.h"
#include "host_vpcd.h"

static void usage(FILE *f)
{
	fputs("usage: vicc [-v] [--host ADDR] [--port PORT] "
	      "[--exit-after SECONDS]\n"
	      "            [--remove-after N] [--stall-after N | --stall]\n",
	      f);
}

static bool parse_valued(vhost_vpcd_options *o, const char *a, const char *val)
{
	long v;

	if (strcmp(a, "--host") == 0 && val) {
		o->host = val;
	} else if (strcmp(a, "--port") == 0 &&
	           vhost_parse_long(val, 10, 1, 65535, &v)) {
		o->port = (unsigned)v;
	} else if (strcmp(a, "--exit-after") == 0 &&
	           vhost_parse_long(val, 10, 0, INT_MAX / 1000, &v)) {
		o->exit_after_s = v;
	} else if (strcmp(a, "--remove-after") == 0 &&
	           vhost_parse_long(val, 10, 0, LONG_MAX, &v)) {
		o->remove_after = v;
	} else if (strcmp(a, "--stall-after") == 0 &&
	           vhost_parse_long(val, 10, 0, LONG_MAX, &v)) {
		o->stall_after = v;
	} else {
		return false;
	}
	return true;
}

static int parse_options(int argc, char **argv, vhost_vpcd_options *o)
{
	vhost_vpcd_defaults(o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : 0;

		if (strcmp(a, "-v") == 0) {
			o->verbose = o->trace = true;
			continue;
		}
		if (strcmp(a, "--stall") == 0) {
			o->stall_after = 0;
			continue;
		}
		if (!parse_valued(o, a, val)) {
			usage(stderr);
			return 2;
		}
		i++;
	}
	return 0;
}

static void reset_model(void *ctx)
{
	cardmodel_reset(ctx);
}

int main(int argc, char **argv)
{
	vhost_vpcd_options opt;
	vhost_card card = {NULL, reset_model, cardmodel_process, cardmodel_atr};
	int rc = parse_options(argc, argv, &opt);

	if (rc)
		return rc;
	card.ctx = cardmodel_new();
	if (!card.ctx)
		return 1;
	rc = vhost_vpcd_run(&opt, &card);
	cardmodel_free(card.ctx);
	return rc;
}
