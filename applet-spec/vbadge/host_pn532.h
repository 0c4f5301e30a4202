/* SPDX-License-Identifier: MIT */
/*
 * An NXP PN532 NFC controller on a pseudo-terminal, with a card in its
 * field.
 *
 * libnfc's own pn532_uart driver, pn53x chip layer and frame checksums talk
 * to it unchanged (connstring "pn532_uart:<slave path>"); only the chip's
 * firmware and the card are emulated. The frame format and the commands are
 * those of the PN532 User Manual (UM0701-02): 6.2.1 normal and extended
 * information frames, ACK / NACK / error frames, and the command set of
 * chapter 7 that libnfc uses for an ISO/IEC 14443-4 type A card.
 *
 * Signals: SIGTERM / SIGINT / SIGHUP end it; SIGUSR1 takes the card out of
 * the field, SIGUSR2 puts it back (a fresh activation: the card is reset).
 */
#ifndef VBADGE_HOST_PN532_H
#define VBADGE_HOST_PN532_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host_common.h"

typedef struct vhost_pn532_options {
	const char *name;      /* prefix of log lines ("pn532emu") */
	const char *path_file; /* write the slave path there, atomically */
	const char *pty_link;  /* make this a symlink to the slave */
	/* (neither: the path is printed on stdout) */
	uint8_t uid[10]; /* NFCID1: 4, 7 or 10 octets */
	size_t uid_len;
	uint8_t ats[32]; /* without TL */
	size_t ats_len;
	uint8_t sak;
	bool card_in_field;
	long remove_after;      /* the card leaves after N answered APDUs */
	uint8_t removal_status; /* InDataExchange status once it left */
	long rf_error_after;    /* the APDU after N answered ones meets an RF
	                           error once (status 02); the card stays */
	long hang_after;   /* after N answered APDUs the chip answers nothing */
	bool silent;       /* answer nothing from the start */
	size_t mi_chunk;   /* answers longer than this go in MI pieces */
	long exit_after_s; /* end after this many seconds (< 0: never) */
	bool verbose;      /* events on stderr */
	bool trace;        /* every frame on stderr (PIN data included) */
} vhost_pn532_options;

/*
 * name "pn532emu", UID 08123456, ATS 78 80 70 02 43 56 43 (FSCI 8, TA TB
 * TC, "CVC"), SAK 20, a card in the field, MI chunks of 262 octets, no
 * faults, quiet, path on stdout.
 */
void vhost_pn532_defaults(vhost_pn532_options *o);

/* Largest --mi-chunk: the data of one response frame. */
#define VHOST_PN532_RESPONSE_MAX 261u

/*
 * Opens the pseudo-terminal, publishes its slave path, installs the signal
 * handlers and serves until a signal (or exit_after_s). Returns 0, or 1
 * when setup failed (message on stderr).
 */
int vhost_pn532_run(const vhost_pn532_options *o, const vhost_card *card);

#endif
