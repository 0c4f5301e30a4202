/* SPDX-License-Identifier: MIT */
/*
 * The test card: one APDU handler shared by every way the test stack reaches
 * a card (the vpcd client for PC/SC, the PN532 emulator for NFC, and the
 * in-process function back end), so the same script gives the same answers
 * over each transport.
 *
 * Commands it understands (CLA 00, or 10 for chaining where noted):
 *   00 A4 04 xx Lc AID      SELECT: 9000 for its AID (F0 6C 69 62 63 76 63 54)
 *                           and for any AID when not strict; 6A82 otherwise
 *   00 CA 00 6E 00          GET DATA: 01 02 03 9000
 *   00 84 00 00 Le          GET CHALLENGE: Le pseudo-random octets 9000
 *   x0 EE 00 00 Lc data Le  ECHO: returns the data (CLA 10 chains: data are
 *                           accumulated until a command without the bit)
 *   00 C0 00 00 Le          GET RESPONSE: the next part of a pending answer
 *   00 E0 P1 P2 Le          BIG: answers P1P2 octets (i mod 256) through 61xx
 *                           in chunks of at most 256 (if Le < total)
 *   00 E2 00 00 Le          EXACT: needs Le = 0x10; otherwise 6C10
 *   00 20 00 81 Lc PIN      VERIFY: PIN "123456"; 63Cx on a wrong PIN,
 *                           6983 when blocked
 *   00 E4 P1 00             SLEEP: answers after P1 * 100 ms (timeouts)
 *   anything else           6D00 (INS) / 6E00 (CLA)
 */
#ifndef CVC_TEST_CARDMODEL_H
#define CVC_TEST_CARDMODEL_H

#include <stddef.h>
#include <stdint.h>

#include <cvc/card.h>

typedef struct cardmodel cardmodel;

cardmodel *cardmodel_new(void);
void cardmodel_free(cardmodel *m);
/* Power-on reset: forgets pending responses, chaining state, selection. */
void cardmodel_reset(cardmodel *m);
/* ATR the card presents on a contact interface. */
const uint8_t *cardmodel_atr(size_t *len);

/* Same signature as cvc_card_fn: usable directly as an in-process card. */
cvc_err cardmodel_process(void *model, const uint8_t *capdu, size_t clen,
			  uint8_t *rapdu, size_t cap, size_t *rlen);

#endif
