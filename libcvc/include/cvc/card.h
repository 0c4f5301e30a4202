/* SPDX-License-Identifier: MIT */
/*
 * One card interface over several transports: PC/SC (pcsc-lite), NFC
 * (libnfc, ISO 14443-4 targets) and an in-process function (tests,
 * samples, the reference virtual badge).
 *
 * Reader specs: "pcsc:NAME" (exact reader name or a unique prefix),
 * "pcsc:INDEX" (0-based, as cvc_readers_list orders them), "nfc:CONNSTRING"
 * (e.g. "nfc:pn532_uart:/dev/pts/3"), "nfc:" (libnfc's default device).
 *
 * A cvc_card is used by one thread at a time.
 */
#ifndef CVC_CARD_H
#define CVC_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cvc/apdu.h>
#include <cvc/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cvc_card cvc_card;

typedef enum cvc_transport {
	CVC_TRANSPORT_FUNCTION = 0,
	CVC_TRANSPORT_PCSC,
	CVC_TRANSPORT_NFC,
} cvc_transport;

/*
 * In-process card: called with one encoded command APDU, writes the
 * response (data + SW1 SW2) into rapdu[0..cap) and its size into *rlen.
 * Returns CVC_OK, or an error to simulate a transport failure (for
 * instance CVC_ERR_CARD_REMOVED).
 */
typedef cvc_err (*cvc_card_fn)(void *ctx, const uint8_t *capdu, size_t clen,
			       uint8_t *rapdu, size_t cap, size_t *rlen);

/*
 * Opens a card by reader spec, waiting up to timeout_ms for a card to be
 * present (0: do not wait; -1: wait forever). Errors: CVC_ERR_NO_READER,
 * CVC_ERR_NO_CARD / CVC_ERR_TIMEOUT, CVC_ERR_TRANSPORT, CVC_ERR_INVALID_ARG
 * for a malformed spec (neither "pcsc:" nor "nfc:"), CVC_ERR_UNSUPPORTED
 * when libcvc was built without that transport. *out is NULL on error.
 */
cvc_err cvc_card_open(const char *spec, int timeout_ms, cvc_card **out);
cvc_err cvc_card_open_function(cvc_card_fn fn, void *ctx, cvc_card **out);
/* Disconnects (leaving the card powered as it is) and frees; NULL is ok. */
void cvc_card_free(cvc_card **card);

cvc_transport cvc_card_transport(const cvc_card *card);
/* Reader name (PC/SC), connstring (NFC) or "function". */
const char *cvc_card_reader(const cvc_card *card);

/*
 * Identification: ATR for PC/SC (and a synthesised one for NFC targets as
 * PC/SC readers do), UID and ATS for NFC. *len = 0 when not applicable.
 */
cvc_err cvc_card_atr(const cvc_card *card, uint8_t *buf, size_t cap,
		     size_t *len);
cvc_err cvc_card_uid(const cvc_card *card, uint8_t *buf, size_t cap,
		     size_t *len);
cvc_err cvc_card_ats(const cvc_card *card, uint8_t *buf, size_t cap,
		     size_t *len);

/*
 * Sends one encoded command and returns the raw response (data + SW) as the
 * transport delivered it: no GET RESPONSE, no chaining. CVC_ERR_CARD_REMOVED
 * when the card left (detected within one second), CVC_ERR_TRANSPORT
 * otherwise.
 */
cvc_err cvc_card_transmit_raw(cvc_card *card, const uint8_t *capdu,
			      size_t clen, uint8_t *rapdu, size_t cap,
			      size_t *rlen);

/*
 * Sends a command the way applications want it: command chaining (CLA bit
 * 0x10) when the data exceed what the card takes in one command
 * (max_chunk; 0 = 255 for short, no chaining for extended), GET RESPONSE
 * while the card answers 61xx (data concatenated), and one re-issue with
 * Le = xx on 6Cxx. resp receives all response data; out->data points into
 * it and out->sw is the final status word. The SW is not judged: a card
 * error status is CVC_OK here (see cvc_card_transmit_ok).
 *
 * A chained part answered with anything but 9000 ends the chain; that
 * answer is the result. GET RESPONSE goes out as 00 C0 00 00 xx (on the
 * command's logical channel), at most 1024 times per call.
 * Errors: CVC_ERR_APDU for a command that cannot be encoded (Lc > 65535,
 * Le > 65536) or a card that misbehaves (an answer without SW, endless
 * 61xx); CVC_ERR_BUFFER_TOO_SMALL when the data exceed cap (out->data then
 * holds what fitted); transport errors as cvc_card_transmit_raw. out is
 * always filled (data.len 0, sw 0 when nothing arrived).
 */
cvc_err cvc_card_transmit(cvc_card *card, const cvc_apdu *cmd,
			  size_t max_chunk, uint8_t *resp, size_t cap,
			  cvc_rapdu *out);
/* As cvc_card_transmit, but a final SW other than 9000 is
 * CVC_ERR_CARD_STATUS (out->sw tells which). */
cvc_err cvc_card_transmit_ok(cvc_card *card, const cvc_apdu *cmd,
			     uint8_t *resp, size_t cap, cvc_rapdu *out);

/* Warm reset (PC/SC SCardReconnect with SCARD_RESET_CARD; NFC reselect). */
cvc_err cvc_card_reset(cvc_card *card);

/* Begin/end an exclusive transaction (PC/SC); no-ops elsewhere. */
cvc_err cvc_card_begin(cvc_card *card);
cvc_err cvc_card_end(cvc_card *card);

/*
 * Waits until a card is present (present = true) or gone (false) in the
 * reader the spec names, up to timeout_ms (-1 forever).
 * CVC_ERR_TIMEOUT when it did not happen in time.
 */
cvc_err cvc_card_wait(const char *spec, bool present, int timeout_ms);

/*
 * Logging hook: called for every APDU sent (is_command true) and every
 * response. Off by default. The data of VERIFY (INS 20), CHANGE REFERENCE
 * DATA (24) and RESET RETRY COUNTER (2C) commands is replaced by '*' octets
 * before the hook sees it: PIN values are never logged.
 */
typedef void (*cvc_card_log_fn)(void *ctx, bool is_command,
				const uint8_t *apdu, size_t len);
void cvc_card_set_log(cvc_card *card, cvc_card_log_fn fn, void *ctx);
/* A ready-made hook printing "> 00 A4 ..." / "< 90 00 (text)" to a FILE*. */
void cvc_card_log_stderr(void *file, bool is_command, const uint8_t *apdu,
			 size_t len);

/*
 * Lists readers as specs, one per line ("pcsc:Virtual PCD 00 00\n"), PC/SC
 * first, then NFC devices libnfc finds, as NUL-terminated text. *len = the
 * text's length without the NUL; CVC_ERR_BUFFER_TOO_SMALL unless
 * cap > *len (buf NULL with cap 0 asks for the size). Transports that are
 * not available (no pcscd) are skipped, not errors.
 */
cvc_err cvc_readers_list(char *buf, size_t cap, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
