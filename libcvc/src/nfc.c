/* SPDX-License-Identifier: MIT */
/*
 * NFC back end over libnfc: an ISO/IEC 14443-4 type A card (106 kbps) in
 * front of a libnfc device (PN532 and friends), exchanging APDUs with the
 * chip's ISO-DEP handling ("easy framing": the chip does the I-blocks,
 * chaining and waiting-time extensions).
 *
 * Every open gets its own libnfc context, released with the card.
 *
 * libnfc limits this back end follows:
 *   - A command APDU goes into one PN53x frame of 264 octets with the two
 *     InDataExchange octets, so at most 262 octets; libnfc copies without
 *     checking, hence the check here.
 *   - The answer arrives in a 264-octet buffer (status octet first), so at
 *     most 263 octets of response APDU.
 *   - Target selection (InListPassiveTarget) has no timeout in libnfc 1.8:
 *     the driver waits as long as the chip takes. The chip is therefore
 *     told to try a few times only (no infinite retries), and asked a
 *     bounded configuration command just before each selection so that a
 *     chip that stopped answering is noticed there.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nfc/nfc.h>

#include "card_int.h"

/* PN53x frame: 264 data octets (libnfc PN53x_EXTENDED_FRAME__DATA_MAX_LEN) */
#define NFC_FRAME_MAX 264u
#define NFC_CAPDU_MAX (NFC_FRAME_MAX - 2) /* InDataExchange, Tg */

/*
 * How long one APDU may take end to end. The chip grants the card its
 * waiting-time extensions by itself; this only bounds a card or chip that
 * never answers. Badge operations (ECDSA, key generation) stay well below.
 */
#define NFC_EXCHANGE_TIMEOUT_MS 5000
/* Pause between two selections while waiting for a card. */
#define NFC_POLL_INTERVAL_MS 50
/* Field off before a reset: ISO/IEC 14443-3 6.2.4 asks for 5 ms at least. */
#define NFC_RESET_FIELD_OFF_MS 10
#define NFC_LIST_MAX           16

/* SAK bit 6 (0x20): the card speaks ISO/IEC 14443-4 (14443-3 6.5.3.4) */
#define SAK_ISO14443_4 0x20

/* PC/SC part 3 3.1.3.2.3: at most 15 historical bytes fit in T0 */
#define ATR_HIST_MAX 15u
#define ATR_MAX      (4 + ATR_HIST_MAX + 1)
#define ATS_MAX      255u /* TL + libnfc's 254 octets */

typedef struct cvc_nfc_card {
	nfc_context *ctx;
	nfc_device *dev;
	nfc_target target;
	bool gone; /* card left the field: nothing more until a reset */
	uint8_t atr[ATR_MAX];
	size_t atr_len;
	uint8_t ats[ATS_MAX];
	size_t ats_len;
} cvc_nfc_card;

static const nfc_modulation iso14443a_106 = {
    .nmt = NMT_ISO14443A,
    .nbr = NBR_106,
};

/* ------------------------------------------------------------------ */
/* Time                                                                */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000,
	                      .tv_nsec = (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Deadline for a timeout_ms as the API takes it (-1: none). */
static long long deadline_after(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

static bool deadline_passed(long long deadline)
{
	return deadline >= 0 && now_ms() >= deadline;
}

/* ------------------------------------------------------------------ */
/* Identification                                                      */

/*
 * The ATR a PC/SC reader reports for an ISO/IEC 14443-4 type A card
 * (PC/SC part 3, 3.1.3.2.3.1): 3B 8n 80 01 T1..Tn TCK, the historical
 * bytes taken from the ATS, TCK the XOR of T0..Tn (ISO/IEC 7816-3 8.2.5).
 */
static size_t synthesise_atr(const uint8_t *hist, size_t n, uint8_t *atr)
{
	size_t len = 0;
	uint8_t tck = 0;

	if (n > ATR_HIST_MAX)
		n = ATR_HIST_MAX;
	atr[len++] = 0x3b;
	atr[len++] = (uint8_t)(0x80 | n); /* T0: TD1 present, n hist. bytes */
	atr[len++] = 0x80;                /* TD1: TD2 present, T=0 */
	atr[len++] = 0x01;                /* TD2: T=1 */
	memcpy(atr + len, hist, n);
	len += n;
	for (size_t i = 1; i < len; i++)
		tck ^= atr[i];
	atr[len++] = tck;
	return len;
}

/*
 * Historical bytes of an ATS given from T0 on (ISO/IEC 14443-4 5.2): T0
 * announces TA(1), TB(1), TC(1) with bits 5, 6, 7; the rest are T1..Tk.
 */
static const uint8_t *ats_historical(const uint8_t *ats, size_t len, size_t *n)
{
	size_t skip = 1;

	*n = 0;
	if (len == 0)
		return ats;
	for (uint8_t bit = 0x10; bit <= 0x40; bit <<= 1)
		if (ats[0] & bit)
			skip++;
	if (skip > len)
		return ats;
	*n = len - skip;
	return ats + skip;
}

/* Derives the ATS (with TL) and the ATR of the target just selected. */
static void record_target(cvc_nfc_card *c)
{
	const nfc_iso14443a_info *a = &c->target.nti.nai;
	size_t ats_len = a->szAtsLen < ATS_MAX - 1 ? a->szAtsLen : ATS_MAX - 1;
	size_t hist_len;
	const uint8_t *hist = ats_historical(a->abtAts, ats_len, &hist_len);

	/* The ATS as ISO/IEC 14443-4 5.2 defines it starts with its length
	 * byte TL; libnfc keeps it from T0 on. */
	c->ats[0] = (uint8_t)(ats_len + 1);
	memcpy(c->ats + 1, a->abtAts, ats_len);
	c->ats_len = ats_len + 1;
	c->atr_len = synthesise_atr(hist, hist_len, c->atr);
	c->gone = false;
}

/* ------------------------------------------------------------------ */
/* libnfc errors                                                       */

/* Whether the selected card still answers (an ISO-DEP presence check). */
static bool card_still_there(cvc_nfc_card *c)
{
	return nfc_initiator_target_is_present(c->dev, &c->target) == 0;
}

/*
 * Maps a failed exchange. A card that leaves the field shows as a target
 * the chip released, or as an RF error (the chip's own timeout, status
 * 01); the second can also be a one-off glitch, so a presence check
 * decides.
 */
static cvc_err exchange_error(cvc_nfc_card *c, int res)
{
	switch (res) {
	case NFC_ETGRELEASED:
		c->gone = true;
		return CVC_ERR_CARD_REMOVED;
	case NFC_ERFTRANS:
		if (card_still_there(c))
			return CVC_ERR_TRANSPORT;
		c->gone = true;
		return CVC_ERR_CARD_REMOVED;
	case NFC_ETIMEOUT:
		return CVC_ERR_TIMEOUT;
	case NFC_EOVFLOW:
		return CVC_ERR_BUFFER_TOO_SMALL;
	default: /* NFC_EIO, NFC_ECHIP, NFC_ESOFT, NFC_ENOTSUCHDEV, ... */
		return CVC_ERR_TRANSPORT;
	}
}

/* ------------------------------------------------------------------ */
/* Device and target                                                   */

static void release_device(nfc_context *ctx, nfc_device *dev)
{
	if (dev != NULL)
		nfc_close(dev);
	if (ctx != NULL)
		nfc_exit(ctx);
}

/*
 * Opens the device named by a connstring ("" = libnfc's default) as an
 * initiator. CVC_ERR_NO_READER when libnfc cannot open it.
 */
static cvc_err open_device(const char *connstring, nfc_context **ctx,
                           nfc_device **dev)
{
	*dev = NULL;
	if (strlen(connstring) >= NFC_BUFSIZE_CONNSTRING)
		return CVC_ERR_INVALID_ARG;
	nfc_init(ctx);
	if (*ctx == NULL)
		return CVC_ERR_NO_MEMORY;
	*dev = nfc_open(*ctx, connstring[0] != '\0' ? connstring : NULL);
	if (*dev == NULL) {
		nfc_exit(*ctx);
		*ctx = NULL;
		return CVC_ERR_NO_READER;
	}
	if (nfc_initiator_init(*dev) < 0) {
		release_device(*ctx, *dev);
		*ctx = NULL;
		*dev = NULL;
		return CVC_ERR_TRANSPORT;
	}
	return CVC_OK;
}

/* What one selection attempt found. */
enum selection {
	SELECTED_ISO_DEP, /* an ISO/IEC 14443-4 card, now selected */
	NO_TARGET,
	NOT_ISO_DEP, /* only a card without ISO-DEP (MIFARE Classic, ...) */
};

/*
 * One selection attempt. Limited retries make InListPassiveTarget answer
 * "no target" soon; the same bounded command doubles as a check that the
 * chip still answers before the one call libnfc gives no timeout.
 */
static cvc_err select_once(nfc_device *dev, nfc_target *t,
                           enum selection *found)
{
	int res;

	if (nfc_device_set_property_bool(dev, NP_INFINITE_SELECT, false) < 0)
		return CVC_ERR_TRANSPORT;
	res =
	    nfc_initiator_select_passive_target(dev, iso14443a_106, NULL, 0, t);
	if (res < 0)
		return CVC_ERR_TRANSPORT;
	if (res == 0)
		*found = NO_TARGET;
	else if (t->nti.nai.btSak & SAK_ISO14443_4)
		*found = SELECTED_ISO_DEP;
	else
		*found = NOT_ISO_DEP;
	return CVC_OK;
}

/*
 * Polls for an ISO/IEC 14443-4 card until the deadline. CVC_ERR_NO_CARD
 * when none was there on a single try (timeout 0), CVC_ERR_TIMEOUT after
 * waiting, CVC_ERR_UNSUPPORTED when only a card without ISO-DEP answered.
 */
static cvc_err select_card(nfc_device *dev, int timeout_ms, nfc_target *t)
{
	long long deadline = deadline_after(timeout_ms);
	bool other_card = false;

	for (;;) {
		enum selection found;
		cvc_err err = select_once(dev, t, &found);

		if (err != CVC_OK)
			return err;
		if (found == SELECTED_ISO_DEP)
			return CVC_OK;
		if (found == NOT_ISO_DEP) {
			other_card = true;
			nfc_initiator_deselect_target(dev);
		}
		if (timeout_ms == 0 || deadline_passed(deadline))
			break;
		sleep_ms(NFC_POLL_INTERVAL_MS);
	}
	if (other_card)
		return CVC_ERR_UNSUPPORTED;
	return timeout_ms == 0 ? CVC_ERR_NO_CARD : CVC_ERR_TIMEOUT;
}

/* ------------------------------------------------------------------ */
/* Card operations                                                     */

static cvc_err transmit_nfc(cvc_card *card, const uint8_t *capdu, size_t clen,
                            uint8_t *rapdu, size_t cap, size_t *rlen)
{
	cvc_nfc_card *c = card->impl;
	uint8_t buf[NFC_FRAME_MAX];
	int res;

	*rlen = 0;
	if (clen > NFC_CAPDU_MAX)
		return CVC_ERR_UNSUPPORTED;
	if (c->gone)
		return CVC_ERR_CARD_REMOVED;
	res = nfc_initiator_transceive_bytes(
	    c->dev, capdu, clen, buf, sizeof(buf), NFC_EXCHANGE_TIMEOUT_MS);
	if (res < 0)
		return exchange_error(c, res);
	if (res < 2)
		return CVC_ERR_APDU;
	*rlen = (size_t)res;
	if ((size_t)res > cap)
		return CVC_ERR_BUFFER_TOO_SMALL;
	memcpy(rapdu, buf, (size_t)res);
	return CVC_OK;
}

/*
 * Reset as a contactless PC/SC reader does it: the field goes off (the
 * card loses power) and on again, then the card is selected anew. Once
 * the field went off the old session is over, so any failure leaves the
 * card marked gone.
 */
static cvc_err reset_nfc(cvc_card *card)
{
	cvc_nfc_card *c = card->impl;
	nfc_target t;
	cvc_err err = CVC_ERR_TRANSPORT;

	c->gone = true;
	if (nfc_device_set_property_bool(c->dev, NP_ACTIVATE_FIELD, false) < 0)
		return err;
	sleep_ms(NFC_RESET_FIELD_OFF_MS);
	if (nfc_device_set_property_bool(c->dev, NP_ACTIVATE_FIELD, true) < 0)
		return err;
	err = select_card(c->dev, 0, &t);
	if (err == CVC_ERR_NO_CARD)
		return CVC_ERR_CARD_REMOVED;
	if (err == CVC_OK) {
		c->target = t;
		record_target(c);
	}
	return err;
}

static cvc_err atr_nfc(const cvc_card *card, uint8_t *buf, size_t cap,
                       size_t *len)
{
	const cvc_nfc_card *c = card->impl;

	return cvc_card_copy_id(c->atr, c->atr_len, buf, cap, len);
}

static cvc_err uid_nfc(const cvc_card *card, uint8_t *buf, size_t cap,
                       size_t *len)
{
	const nfc_iso14443a_info *a =
	    &((const cvc_nfc_card *)card->impl)->target.nti.nai;
	size_t n =
	    a->szUidLen < sizeof(a->abtUid) ? a->szUidLen : sizeof(a->abtUid);

	return cvc_card_copy_id(a->abtUid, n, buf, cap, len);
}

static cvc_err ats_nfc(const cvc_card *card, uint8_t *buf, size_t cap,
                       size_t *len)
{
	const cvc_nfc_card *c = card->impl;

	return cvc_card_copy_id(c->ats, c->ats_len, buf, cap, len);
}

/* nfc_close releases the target and switches the field off first. */
static void close_nfc(cvc_card *card)
{
	cvc_nfc_card *c = card->impl;

	if (c == NULL)
		return;
	release_device(c->ctx, c->dev);
	free(c);
	card->impl = NULL;
}

static const cvc_card_ops ops_nfc = {
    .transmit = transmit_nfc,
    .reset = reset_nfc,
    .atr = atr_nfc,
    .uid = uid_nfc,
    .ats = ats_nfc,
    .close = close_nfc,
};

/* ------------------------------------------------------------------ */
/* Entry points                                                        */

cvc_err cvc_nfc_open(const char *spec, int timeout_ms, cvc_card **out)
{
	cvc_nfc_card *c;
	cvc_err err;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return CVC_ERR_NO_MEMORY;
	err = open_device(spec, &c->ctx, &c->dev);
	if (err == CVC_OK)
		err = select_card(c->dev, timeout_ms, &c->target);
	if (err == CVC_OK) {
		record_target(c);
		err = cvc_card_new(&ops_nfc, c, CVC_TRANSPORT_NFC,
		                   nfc_device_get_connstring(c->dev), out);
	}
	if (err != CVC_OK) {
		release_device(c->ctx, c->dev);
		free(c);
	}
	return err;
}

/* Waits for the selected card to leave: presence checks until one fails. */
static cvc_err wait_card_gone(nfc_device *dev, nfc_target *t,
                              long long deadline)
{
	for (;;) {
		if (nfc_initiator_target_is_present(dev, t) != 0)
			return CVC_OK;
		if (deadline_passed(deadline))
			return CVC_ERR_TIMEOUT;
		sleep_ms(NFC_POLL_INTERVAL_MS);
	}
}

cvc_err cvc_nfc_wait(const char *spec, bool present, int timeout_ms)
{
	nfc_context *ctx = NULL;
	nfc_device *dev = NULL;
	nfc_target t;
	long long deadline = deadline_after(timeout_ms);
	cvc_err err = open_device(spec, &ctx, &dev);

	if (err != CVC_OK)
		return err;
	if (present) {
		err = select_card(dev, timeout_ms, &t);
		if (err == CVC_ERR_NO_CARD || err == CVC_ERR_UNSUPPORTED)
			err = CVC_ERR_TIMEOUT;
	} else {
		err = select_card(dev, 0, &t);
		if (err == CVC_ERR_NO_CARD || err == CVC_ERR_UNSUPPORTED)
			err = CVC_OK; /* no ISO-DEP card there */
		else if (err == CVC_OK)
			err = wait_card_gone(dev, &t, deadline);
	}
	release_device(ctx, dev);
	return err;
}

/* Appends "nfc:CONNSTRING\n" while it fits (text stays NUL-terminated). */
static void list_line(const char *connstring, size_t k, char *buf, size_t cap,
                      size_t *total, bool *fits)
{
	size_t n = 4 + k + 1;

	*fits = *fits && *total + n < cap;
	if (*fits) {
		memcpy(buf + *total, "nfc:", 4);
		memcpy(buf + *total + 4, connstring, k);
		buf[*total + n - 1] = '\n';
		buf[*total + n] = '\0';
	}
	*total += n;
}

cvc_err cvc_nfc_list(char *buf, size_t cap, size_t *len)
{
	nfc_context *ctx = NULL;
	nfc_connstring *found;
	size_t n, total = 0;
	bool fits = true;

	*len = 0;
	if (cap > 0)
		buf[0] = '\0';
	found = calloc(NFC_LIST_MAX, sizeof(*found));
	if (found == NULL)
		return CVC_ERR_NO_MEMORY;
	nfc_init(&ctx);
	n = ctx != NULL ? nfc_list_devices(ctx, found, NFC_LIST_MAX) : 0;
	for (size_t i = 0; i < n; i++)
		list_line(found[i], strnlen(found[i], sizeof(found[i])), buf,
		          cap, &total, &fits);
	if (ctx != NULL)
		nfc_exit(ctx);
	free(found);
	*len = total;
	return total < cap || total == 0 ? CVC_OK : CVC_ERR_BUFFER_TOO_SMALL;
}
