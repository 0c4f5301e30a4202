/* SPDX-License-Identifier: MIT */
/*
 * pn532emu: an NXP PN532 NFC controller on a pseudo-terminal, with the test
 * card (cardmodel) in its field. The chip emulation itself is
 * applet-spec/vbadge/host_pn532.c, shared with vbadge (see there for the
 * frames and commands).
 *
 * Usage: pn532emu [options]
 *   --path-file FILE    write the slave path there (else print it on stdout)
 *   --uid HEX           NFCID1 (4, 7 or 10 octets; default 08123456)
 *   --ats HEX           ATS without its length byte TL
 *                       (default 788070024356 43: FSCI 8, TA TB TC, "CVC")
 *   --sak HEX           SAK (default 20: ISO/IEC 14443-4 compliant)
 *   --no-card           start with an empty field
 *   --remove-after N    the card leaves after N answered APDUs
 *   --removal-status S  InDataExchange status once the card left
 *                       (default 01: "time out, the target has not answered")
 *   --rf-error-after N  the APDU after N answered ones meets an RF error
 *                       once (status 02, CRC error); the card stays
 *   --hang-after N      after N answered APDUs the chip stops answering
 *                       anything, ACK included (a hung or unplugged chip)
 *   --silent            answer nothing from the start
 *   --mi-chunk N        answer more than N octets in pieces with the MI bit
 *                       (default 262, the PN532 buffer; UM0701-02 7.3.8)
 *   -v                  log every frame on stderr
 * Signals: SIGTERM / SIGINT / SIGHUP end it (exit 0); SIGUSR1 takes the card
 * out of the field, SIGUSR2 puts it back (a fresh activation).
 */
#include <stdio.h>
#include <string.h>

#include "cardmodel.h"
#include "host_pn532.h"

static void usage(void)
{
	fputs(
	    "usage: pn532emu [--path-file FILE] [--uid HEX] [--ats HEX] "
	    "[--sak HEX]\n"
	    "                [--no-card] [--remove-after N] "
	    "[--removal-status S]\n"
	    "                [--rf-error-after N] [--hang-after N] [--silent]\n"
	    "                [--mi-chunk N] "
	    "[-v]\n",
	    stderr);
}

static bool parse_ids(vhost_pn532_options *o, const char *a, const char *val)
{
	long v;
	size_t n;

	if (!strcmp(a, "--uid")) {
		if (!vhost_parse_hex(val, o->uid, sizeof(o->uid), &n) ||
		    (n != 4 && n != 7 && n != 10))
			return false;
		o->uid_len = n;
		return true;
	}
	if (!strcmp(a, "--ats"))
		return vhost_parse_hex(val, o->ats, sizeof(o->ats),
		                       &o->ats_len);
	if (!strcmp(a, "--sak")) {
		if (!vhost_parse_long(val, 0, 0, 255, &v))
			return false;
		o->sak = (uint8_t)v;
		return true;
	}
	return false;
}

static bool parse_valued(vhost_pn532_options *o, const char *a, const char *val)
{
	long v;

	if (!strcmp(a, "--path-file")) {
		o->path_file = val;
	} else if (!strcmp(a, "--remove-after")) {
		return vhost_parse_long(val, 0, 1, 1000000, &o->remove_after);
	} else if (!strcmp(a, "--removal-status")) {
		if (!vhost_parse_long(val, 0, 1, 0x3f, &v))
			return false;
		o->removal_status = (uint8_t)v;
	} else if (!strcmp(a, "--rf-error-after")) {
		return vhost_parse_long(val, 0, 0, 1000000, &o->rf_error_after);
	} else if (!strcmp(a, "--hang-after")) {
		return vhost_parse_long(val, 0, 0, 1000000, &o->hang_after);
	} else if (!strcmp(a, "--mi-chunk")) {
		if (!vhost_parse_long(val, 0, 1, VHOST_PN532_RESPONSE_MAX, &v))
			return false;
		o->mi_chunk = (size_t)v;
	} else {
		return parse_ids(o, a, val);
	}
	return true;
}

static bool parse_options(int argc, char **argv, vhost_pn532_options *o)
{
	vhost_pn532_defaults(o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-v"))
			o->verbose = o->trace = true;
		else if (!strcmp(a, "--no-card"))
			o->card_in_field = false;
		else if (!strcmp(a, "--silent"))
			o->silent = true;
		else if (i + 1 == argc || !parse_valued(o, a, argv[++i]))
			return false;
	}
	return true;
}

static void reset_model(void *ctx)
{
	cardmodel_reset(ctx);
}

int main(int argc, char **argv)
{
	vhost_pn532_options opt;
	vhost_card card = {NULL, reset_model, cardmodel_process, cardmodel_atr};
	int rc;

	if (!parse_options(argc, argv, &opt)) {
		usage();
		return 2;
	}
	card.ctx = cardmodel_new();
	if (!card.ctx) {
		perror("pn532emu: setup");
		return 1;
	}
	rc = vhost_pn532_run(&opt, &card);
	cardmodel_free(card.ctx);
	return rc;
}
