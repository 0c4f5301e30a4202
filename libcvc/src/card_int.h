/* SPDX-License-Identifier: MIT */
/*
 * Internal interface between card.c (transport-independent card core) and
 * the transport back ends pcsc.c (pcsc-lite) and nfc.c (libnfc). Not
 * installed.
 *
 * A back end allocates its own state, then wraps it in a cvc_card with
 * cvc_card_new(). card.c owns the cvc_card: cvc_card_free() calls
 * ops->close(card) (which releases card->impl, not the card) and then frees
 * the struct. The back ends are compiled in when meson defines
 * CVC_HAVE_PCSC / CVC_HAVE_NFC; card.c answers CVC_ERR_UNSUPPORTED for a
 * spec whose back end is missing.
 */
#ifndef CVC_CARD_INT_H
#define CVC_CARD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cvc/card.h>

#if defined(__GNUC__) || defined(__clang__)
#define CVC_CARD_INTERNAL __attribute__((visibility("hidden")))
#else
#define CVC_CARD_INTERNAL
#endif

/* Longest reader name / connstring kept (libnfc's NFC_BUFSIZE_CONNSTRING). */
#define CVC_CARD_READER_MAX 1024

/*
 * Back-end operations. transmit and close are mandatory; the others may be
 * NULL: begin/end then are no-ops, reset answers CVC_ERR_UNSUPPORTED, and
 * atr/uid/ats report *len = 0.
 *
 * transmit sends one encoded command APDU (already chained / split by
 * card.c) and writes the raw response, data + SW1 SW2, into rapdu[0..cap).
 * It returns CVC_ERR_CARD_REMOVED when the card left (detect it within one
 * second), CVC_ERR_TIMEOUT when the card did not answer in time,
 * CVC_ERR_BUFFER_TOO_SMALL when the response does not fit, and
 * CVC_ERR_TRANSPORT for any other failure. A response shorter than two
 * octets is CVC_ERR_APDU (card.c checks this too).
 *
 * atr/uid/ats copy the identification octets: CVC_ERR_BUFFER_TOO_SMALL with
 * *len = size needed when cap is too small, *len = 0 when not applicable.
 */
typedef struct cvc_card_ops {
	cvc_err (*transmit)(cvc_card *card, const uint8_t *capdu, size_t clen,
	                    uint8_t *rapdu, size_t cap, size_t *rlen);
	cvc_err (*reset)(cvc_card *card);
	cvc_err (*begin)(cvc_card *card);
	cvc_err (*end)(cvc_card *card);
	cvc_err (*atr)(const cvc_card *card, uint8_t *buf, size_t cap,
	               size_t *len);
	cvc_err (*uid)(const cvc_card *card, uint8_t *buf, size_t cap,
	               size_t *len);
	cvc_err (*ats)(const cvc_card *card, uint8_t *buf, size_t cap,
	               size_t *len);
	/* Disconnects and frees card->impl; must not free card itself. */
	void (*close)(cvc_card *card);
} cvc_card_ops;

struct cvc_card {
	const cvc_card_ops *ops;
	void *impl; /* back-end state */
	cvc_transport transport;
	char reader[CVC_CARD_READER_MAX]; /* NUL-terminated, may be cut */
	cvc_card_log_fn log_fn;           /* NULL: logging off */
	void *log_ctx;
	/*
	 * The badge layer's length mode (badge.c), chosen by
	 * cvc_badge_select() from the applet's FCI and the transport. The
	 * zero default is short APDUs with chaining and GET RESPONSE, which
	 * every badge accepts ([LEN-1]).
	 */
	bool badge_extended;
	size_t badge_max_response; /* FCI 84, the extended Le */
	/* card.c's work buffers (a card is used by one thread at a time). */
	uint8_t cmd[CVC_APDU_MAX_SIZE];       /* command being sent */
	uint8_t raw[CVC_APDU_MAX_EXT_LE + 2]; /* one raw response */
	uint8_t log_copy[CVC_APDU_MAX_SIZE];  /* PIN-masked command */
};

/*
 * Allocates a card for a back end (reader copied, cut to fit). On failure
 * returns CVC_ERR_NO_MEMORY and leaves impl to the caller to release.
 */
CVC_CARD_INTERNAL cvc_err cvc_card_new(const cvc_card_ops *ops, void *impl,
                                       cvc_transport transport,
                                       const char *reader, cvc_card **out);

/*
 * Copies src[0..n) into buf[0..cap) for the atr/uid/ats operations:
 * *len = n; CVC_ERR_BUFFER_TOO_SMALL when n > cap (buf untouched).
 */
CVC_CARD_INTERNAL cvc_err cvc_card_copy_id(const uint8_t *src, size_t n,
                                           uint8_t *buf, size_t cap,
                                           size_t *len);

/*
 * Back-end entry points. `spec` is the part after "pcsc:" / "nfc:" (for
 * PC/SC: an exact reader name, a unique name prefix, or a 0-based decimal
 * index; for NFC: a libnfc connstring, or "" for the default device).
 * timeout_ms as cvc_card_open / cvc_card_wait (0 no wait, -1 forever).
 *
 * The list functions write one "pcsc:NAME\n" / "nfc:CONNSTRING\n" line per
 * reader into buf[0..cap): *len = number of text octets the whole list
 * takes (without the terminating NUL). The text is NUL-terminated when
 * *len < cap; otherwise they return CVC_ERR_BUFFER_TOO_SMALL (buf may be
 * NULL with cap 0 to size). A transport that is not available (no pcscd, no
 * NFC device) is an empty list and CVC_OK, not an error.
 *
 * Always declared; card.c calls them only under CVC_HAVE_PCSC / CVC_HAVE_NFC
 * (defined by meson when pcsc.c / nfc.c are built).
 */
CVC_CARD_INTERNAL cvc_err cvc_pcsc_open(const char *spec, int timeout_ms,
                                        cvc_card **out);
CVC_CARD_INTERNAL cvc_err cvc_pcsc_wait(const char *spec, bool present,
                                        int timeout_ms);
CVC_CARD_INTERNAL cvc_err cvc_pcsc_list(char *buf, size_t cap, size_t *len);

CVC_CARD_INTERNAL cvc_err cvc_nfc_open(const char *spec, int timeout_ms,
                                       cvc_card **out);
CVC_CARD_INTERNAL cvc_err cvc_nfc_wait(const char *spec, bool present,
                                       int timeout_ms);
CVC_CARD_INTERNAL cvc_err cvc_nfc_list(char *buf, size_t cap, size_t *len);

#endif
