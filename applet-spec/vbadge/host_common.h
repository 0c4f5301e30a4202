/* SPDX-License-Identifier: MIT */
/*
 * What the card-side hosts (host_vpcd.h, host_pn532.h) share: the card they
 * serve, given as a small table of operations so that the same transport
 * code serves the badge applet (vbadge) and the test stack's card model
 * (vicc, pn532emu), and option parsing helpers of their programs.
 */
#ifndef VBADGE_HOST_COMMON_H
#define VBADGE_HOST_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cvc/card.h>

typedef struct vhost_card {
	void *ctx;
	/* Power-on or warm reset: the card forgets its session. */
	void (*reset)(void *ctx);
	/* One command APDU in, one response APDU out (cvc_card_fn). An error
	 * ends the exchange as if the card had not answered. */
	cvc_card_fn process;
	/* The ATR for contact readers. */
	const uint8_t *(*atr)(size_t *len);
} vhost_card;

/* strtol in `base` (0: C prefixes) within [min, max]; false otherwise. */
bool vhost_parse_long(const char *s, int base, long min, long max, long *out);

/* Hex octets, spaces and colons ignored; 1..cap of them. */
bool vhost_parse_hex(const char *s, uint8_t *out, size_t cap, size_t *n);

/*
 * Writes "<who> <dir> XX XX ..." to stderr; at most `max` octets (0: all)
 * then "... (n octets)". With mask_pin, the data field of VERIFY, CHANGE
 * REFERENCE DATA and RESET RETRY COUNTER (INS 20, 24, 2C) is shown as **.
 */
void vhost_log_apdu(const char *who, const char *dir, const uint8_t *p,
                    size_t n, size_t max, bool mask_pin);

#endif
