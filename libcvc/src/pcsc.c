/* SPDX-License-Identifier: MIT */
/*
 * PC/SC back end (pcsc-lite): reader lookup, card presence, connect,
 * transmit, reset, transactions.
 *
 * Each cvc_card owns its own PC/SC context, so cards are independent and a
 * card is used by one thread at a time (card.h). Every call that could
 * wait is bounded by the caller's timeout; a missing pcscd is
 * CVC_ERR_NO_READER at once (the client library answers
 * SCARD_E_NO_SERVICE without blocking when its socket is absent).
 *
 * SCardTransmit itself has no timeout: pcscd waits as long as the reader
 * driver does, and a driver without its own limit (vpcd, measured: over
 * 400 s for a card that never answers) blocks the caller forever. So each
 * exchange runs on a short-lived worker thread and the caller stops
 * waiting after the exchange limit: environment CVC_PCSC_TIMEOUT_MS, read
 * when the card is opened (default 60 s, long enough for on-card key
 * generation; 0 = no limit). The card is then unusable (CVC_ERR_TIMEOUT)
 * until pcscd answers, typically when the card is pulled out.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <winscard.h>

#include "card_int.h"

/* pcscd polls card presence every 400 ms (PCSCLITE_STATUS_POLL_RATE):
 * waiting a little longer for the removal event after a failed exchange
 * tells removal from other failures within the one second card.h allows. */
#define PCSC_REMOVAL_BUDGET_MS   800
#define PCSC_REMOVAL_MIN_WAIT_MS 450
/* pcsc-lite: the upper 16 bits of dwEventState count card events */
#define PCSC_EVENT_COUNT(state) (((state) >> 16) & 0xffffu)
#define PCSC_TIMEOUT_ENV        "CVC_PCSC_TIMEOUT_MS"
#define PCSC_DEFAULT_TIMEOUT_MS 60000

struct exchange;

struct pcsc_card {
	SCARDCONTEXT ctx;
	SCARDHANDLE handle;
	DWORD protocol;
	DWORD events; /* card event count of the reader when connected */
	uint8_t atr[MAX_ATR_SIZE];
	size_t atr_len;
	int timeout_ms;         /* exchange limit; <= 0: none */
	struct exchange *stuck; /* an exchange given up on, still running */
};

/*
 * One SCardTransmit on a worker thread. The worker owns copies of the
 * command and the response, so a caller that stopped waiting may reuse its
 * buffers. Whoever finishes last frees it: the caller (or the card's next
 * operation, or its close) once done is set, else the worker, which then
 * also releases the card's PC/SC handles (orphan) that close left to it.
 */
struct exchange {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	struct pcsc_card *orphan;
	SCARDHANDLE handle;
	const SCARD_IO_REQUEST *pci;
	LONG rv;
	DWORD clen, rlen;
	uint8_t *cmd, *resp;
};

static struct pcsc_card *impl_of(const cvc_card *card)
{
	return card->impl;
}

/* ------------------------------------------------------------------ */
/* Time                                                                */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Deadline for a timeout_ms as card.h defines it (-1: none). */
static int64_t deadline_after(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

/* Time left as an SCardGetStatusChange timeout (INFINITE: no deadline). */
static DWORD ms_left(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return INFINITE;
	left = deadline - now_ms();
	return left > 0 ? (DWORD)left : 0;
}

/* ------------------------------------------------------------------ */
/* Error mapping                                                       */

static bool card_left(LONG rv)
{
	/* SCARD_W_RESET_CARD: someone else reset the card, so everything
	 * this session set up on it (selection, security state) is gone,
	 * which for the caller is the same as the card leaving. */
	return rv == SCARD_W_REMOVED_CARD || rv == SCARD_E_NO_SMARTCARD ||
	       rv == SCARD_W_RESET_CARD || rv == SCARD_W_UNPOWERED_CARD ||
	       rv == SCARD_E_READER_UNAVAILABLE;
}

static bool service_missing(LONG rv)
{
	return rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED ||
	       rv == SCARD_E_NO_READERS_AVAILABLE;
}

static cvc_err map_connect_error(LONG rv)
{
	if (rv == SCARD_E_NO_SMARTCARD || rv == SCARD_W_REMOVED_CARD)
		return CVC_ERR_NO_CARD;
	if (service_missing(rv) || rv == SCARD_E_UNKNOWN_READER ||
	    rv == SCARD_E_READER_UNAVAILABLE)
		return CVC_ERR_NO_READER;
	if (rv == SCARD_E_NO_MEMORY)
		return CVC_ERR_NO_MEMORY;
	return CVC_ERR_TRANSPORT;
}

/* ------------------------------------------------------------------ */
/* Context and readers                                                 */

static cvc_err establish(SCARDCONTEXT *ctx)
{
	LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, ctx);

	if (rv == SCARD_S_SUCCESS)
		return CVC_OK;
	return service_missing(rv) ? CVC_ERR_NO_READER : CVC_ERR_TRANSPORT;
}

/*
 * Reader names as a multi-string ("A\0B\0\0"), malloc'd. No reader at
 * all is an empty multi-string, not an error.
 */
static cvc_err reader_names(SCARDCONTEXT ctx, char **out)
{
	/* A reader plugged in between sizing and fetching makes the second
	 * call say INSUFFICIENT_BUFFER: size again, a few times. */
	for (int attempt = 0; attempt < 3; attempt++) {
		DWORD len = 0;
		LONG rv = SCardListReaders(ctx, NULL, NULL, &len);
		char *names;

		if (rv == SCARD_S_SUCCESS && len > 0) {
			/* +2 spare NULs: terminated whatever pcscd writes */
			names = calloc((size_t)len + 2, 1);
			if (!names)
				return CVC_ERR_NO_MEMORY;
			rv = SCardListReaders(ctx, NULL, names, &len);
			if (rv == SCARD_S_SUCCESS) {
				*out = names;
				return CVC_OK;
			}
			free(names);
		}
		if (rv == SCARD_E_NO_READERS_AVAILABLE ||
		    (rv == SCARD_S_SUCCESS && len == 0)) {
			*out = calloc(2, 1);
			return *out ? CVC_OK : CVC_ERR_NO_MEMORY;
		}
		if (rv != SCARD_E_INSUFFICIENT_BUFFER)
			return service_missing(rv) ? CVC_ERR_NO_READER
			                           : CVC_ERR_TRANSPORT;
	}
	return CVC_ERR_TRANSPORT;
}

static bool is_index(const char *spec)
{
	if (!*spec)
		return false;
	for (const char *p = spec; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

static const char *reader_at(const char *names, const char *spec)
{
	unsigned long want = strtoul(spec, NULL, 10);
	unsigned long i = 0;

	for (const char *n = names; *n; n += strlen(n) + 1, i++)
		if (i == want)
			return n;
	return NULL;
}

/* Exact name first; otherwise the one reader whose name starts so. */
static const char *reader_named(const char *names, const char *spec)
{
	size_t slen = strlen(spec);
	const char *match = NULL;

	for (const char *n = names; *n; n += strlen(n) + 1) {
		if (strcmp(n, spec) == 0)
			return n;
		if (strncmp(n, spec, slen) == 0) {
			if (match)
				return NULL; /* ambiguous */
			match = n;
		}
	}
	return match;
}

/*
 * Resolves a spec (card_int.h): a decimal index, an exact name or a
 * unique prefix; "" is the first reader. Points into names.
 */
static const char *resolve_reader(const char *names, const char *spec)
{
	if (!*spec)
		return *names ? names : NULL;
	if (is_index(spec))
		return reader_at(names, spec);
	return reader_named(names, spec);
}

/*
 * Opens a context and finds the reader: *ctx must be released by the
 * caller on success; *names holds the name *reader points into.
 */
static cvc_err find_reader(const char *spec, SCARDCONTEXT *ctx, char **names,
                           const char **reader)
{
	cvc_err err;

	if (!spec)
		return CVC_ERR_INVALID_ARG;
	err = establish(ctx);
	if (err)
		return err;
	err = reader_names(*ctx, names);
	if (err == CVC_OK) {
		*reader = resolve_reader(*names, spec);
		if (*reader)
			return CVC_OK;
		err = CVC_ERR_NO_READER;
	}
	free(*names);
	*names = NULL;
	SCardReleaseContext(*ctx);
	return err;
}

/* ------------------------------------------------------------------ */
/* Reader state                                                        */

static bool state_matches(DWORD state, bool present)
{
	if (present)
		return (state & SCARD_STATE_PRESENT) != 0;
	return (state & SCARD_STATE_EMPTY) != 0 ||
	       (state & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE)) != 0;
}

/* Current state of one reader, without waiting. */
static cvc_err reader_state(SCARDCONTEXT ctx, const char *reader, DWORD *state)
{
	SCARD_READERSTATE rs = {.szReader = reader,
	                        .dwCurrentState = SCARD_STATE_UNAWARE};
	LONG rv = SCardGetStatusChange(ctx, 0, &rs, 1);

	if (rv != SCARD_S_SUCCESS)
		return service_missing(rv) ? CVC_ERR_NO_READER
		                           : CVC_ERR_TRANSPORT;
	*state = rs.dwEventState;
	return CVC_OK;
}

/*
 * Waits until the reader shows a card (present) or none (!present), by
 * SCardGetStatusChange events rather than polling. CVC_ERR_TIMEOUT when
 * the deadline passes first; CVC_ERR_NO_READER when the reader goes away
 * while a card is wanted.
 */
static cvc_err wait_for_state(SCARDCONTEXT ctx, const char *reader,
                              bool present, int64_t deadline)
{
	SCARD_READERSTATE rs = {.szReader = reader,
	                        .dwCurrentState = SCARD_STATE_UNAWARE};

	for (;;) {
		LONG rv = SCardGetStatusChange(ctx, ms_left(deadline), &rs, 1);

		if (rv == SCARD_E_TIMEOUT)
			return CVC_ERR_TIMEOUT;
		if (rv != SCARD_S_SUCCESS)
			return service_missing(rv) ||
			               rv == SCARD_E_UNKNOWN_READER
			           ? CVC_ERR_NO_READER
			           : CVC_ERR_TRANSPORT;
		if (state_matches(rs.dwEventState, present))
			return CVC_OK;
		if (rs.dwEventState & SCARD_STATE_UNKNOWN)
			return CVC_ERR_NO_READER;
		if (deadline >= 0 && ms_left(deadline) == 0)
			return CVC_ERR_TIMEOUT;
		rs.dwCurrentState = rs.dwEventState & ~SCARD_STATE_CHANGED;
	}
}

/*
 * After a failed exchange: has the card we connected to left? pcscd only
 * notices at its next presence poll, so wait for that event (bounded). A
 * changed event count means it left, even if another card is in the
 * reader by now.
 */
static bool card_gone(const cvc_card *card, int64_t started)
{
	struct pcsc_card *p = impl_of(card);
	int wait = PCSC_REMOVAL_BUDGET_MS - (int)(now_ms() - started);
	int64_t deadline =
	    now_ms() +
	    (wait > PCSC_REMOVAL_MIN_WAIT_MS ? wait : PCSC_REMOVAL_MIN_WAIT_MS);
	SCARD_READERSTATE rs = {.szReader = card->reader,
	                        .dwCurrentState = SCARD_STATE_UNAWARE};

	for (;;) {
		LONG rv =
		    SCardGetStatusChange(p->ctx, ms_left(deadline), &rs, 1);

		if (rv == SCARD_E_TIMEOUT)
			return false;
		if (rv != SCARD_S_SUCCESS)
			return rv == SCARD_E_UNKNOWN_READER;
		if (!(rs.dwEventState & SCARD_STATE_PRESENT) ||
		    PCSC_EVENT_COUNT(rs.dwEventState) != p->events)
			return true;
		if (ms_left(deadline) == 0)
			return false;
		rs.dwCurrentState = rs.dwEventState & ~SCARD_STATE_CHANGED;
	}
}

/* ATR and event count of the connected card. */
static cvc_err refresh_card_info(cvc_card *card)
{
	struct pcsc_card *p = impl_of(card);
	DWORD atr_len = sizeof(p->atr), state = 0, proto = 0, name_len = 0;
	LONG rv = SCardStatus(p->handle, NULL, &name_len, &state, &proto,
	                      p->atr, &atr_len);
	cvc_err err;

	if (rv != SCARD_S_SUCCESS)
		return card_left(rv) ? CVC_ERR_CARD_REMOVED : CVC_ERR_TRANSPORT;
	p->atr_len = atr_len;
	err = reader_state(p->ctx, card->reader, &state);
	if (err == CVC_OK)
		p->events = PCSC_EVENT_COUNT(state);
	return err;
}

/* ------------------------------------------------------------------ */
/* Card operations                                                     */

static const SCARD_IO_REQUEST *send_pci(DWORD protocol)
{
	if (protocol == SCARD_PROTOCOL_T0)
		return SCARD_PCI_T0;
	if (protocol == SCARD_PROTOCOL_T1)
		return SCARD_PCI_T1;
	return SCARD_PCI_RAW;
}

static cvc_err exchange_failed(cvc_card *card, LONG rv, int64_t started)
{
	if (card_left(rv))
		return CVC_ERR_CARD_REMOVED;
	if (rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED ||
	    rv == SCARD_E_INVALID_HANDLE)
		return CVC_ERR_TRANSPORT;
	/* vpcd and most drivers report a vanished card as a plain
	 * communication failure (SCARD_E_NOT_TRANSACTED): ask pcscd. */
	return card_gone(card, started) ? CVC_ERR_CARD_REMOVED
	                                : CVC_ERR_TRANSPORT;
}

static void release_handles(struct pcsc_card *p);

static void exchange_free(struct exchange *ex)
{
	pthread_mutex_destroy(&ex->lock);
	pthread_cond_destroy(&ex->cond);
	free(ex->cmd);
	free(ex);
}

static struct exchange *exchange_new(const struct pcsc_card *p,
                                     const uint8_t *capdu, size_t clen,
                                     size_t cap)
{
	struct exchange *ex = calloc(1, sizeof(*ex));
	pthread_condattr_t attr;

	if (!ex)
		return NULL;
	ex->rlen = cap < MAX_BUFFER_SIZE_EXTENDED ? (DWORD)cap
	                                          : MAX_BUFFER_SIZE_EXTENDED;
	ex->cmd = malloc(clen + ex->rlen + 1);
	if (!ex->cmd || pthread_condattr_init(&attr) != 0) {
		free(ex->cmd);
		free(ex);
		return NULL;
	}
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&ex->cond, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&ex->lock, NULL);
	memcpy(ex->cmd, capdu, clen);
	ex->resp = ex->cmd + clen;
	ex->clen = (DWORD)clen;
	ex->handle = p->handle;
	ex->pci = send_pci(p->protocol);
	return ex;
}

static void *exchange_main(void *arg)
{
	struct exchange *ex = arg;
	DWORD rlen = ex->rlen;
	LONG rv = SCardTransmit(ex->handle, ex->pci, ex->cmd, ex->clen, NULL,
	                        ex->resp, &rlen);
	struct pcsc_card *orphan;

	pthread_mutex_lock(&ex->lock);
	ex->rv = rv;
	ex->rlen = rlen;
	ex->done = true;
	orphan = ex->orphan;
	pthread_cond_signal(&ex->cond);
	pthread_mutex_unlock(&ex->lock);
	if (orphan) {
		release_handles(orphan);
		exchange_free(ex);
	}
	return NULL;
}

/* Waits for the worker up to timeout_ms (<= 0: forever); true if done. */
static bool exchange_wait(struct exchange *ex, int timeout_ms)
{
	struct timespec until;
	int rc = 0;
	bool done;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&ex->lock);
	while (!ex->done && rc != ETIMEDOUT)
		rc = timeout_ms > 0
		         ? pthread_cond_timedwait(&ex->cond, &ex->lock, &until)
		         : pthread_cond_wait(&ex->cond, &ex->lock);
	done = ex->done;
	pthread_mutex_unlock(&ex->lock);
	return done;
}

static bool exchange_start(struct exchange *ex)
{
	pthread_attr_t attr;
	pthread_t thread;
	bool ok;

	if (pthread_attr_init(&attr) != 0)
		return false;
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	ok = pthread_create(&thread, &attr, exchange_main, ex) == 0;
	pthread_attr_destroy(&attr);
	return ok;
}

/*
 * True while an exchange given up on still blocks the PC/SC context (any
 * call on it would block too); frees it once pcscd has answered.
 */
static bool still_stuck(struct pcsc_card *p)
{
	bool done;

	if (!p->stuck)
		return false;
	pthread_mutex_lock(&p->stuck->lock);
	done = p->stuck->done;
	pthread_mutex_unlock(&p->stuck->lock);
	if (!done)
		return true;
	exchange_free(p->stuck);
	p->stuck = NULL;
	return false;
}

static cvc_err exchange_result(cvc_card *card, struct exchange *ex,
                               int64_t started, uint8_t *rapdu, size_t *rlen)
{
	if (ex->rv == SCARD_E_INSUFFICIENT_BUFFER) {
		*rlen = ex->rlen; /* pcsc-lite reports the size needed */
		return CVC_ERR_BUFFER_TOO_SMALL;
	}
	if (ex->rv != SCARD_S_SUCCESS)
		return exchange_failed(card, ex->rv, started);
	if (ex->rlen >= 2) {
		memcpy(rapdu, ex->resp, ex->rlen);
		*rlen = ex->rlen;
		return CVC_OK;
	}
	/* vpcd reports success with no octets when the card's connection
	 * closed mid-exchange: removal, unless the card is still there. */
	return card_gone(card, started) ? CVC_ERR_CARD_REMOVED : CVC_ERR_APDU;
}

static cvc_err pcsc_transmit(cvc_card *card, const uint8_t *capdu, size_t clen,
                             uint8_t *rapdu, size_t cap, size_t *rlen)
{
	struct pcsc_card *p = impl_of(card);
	int64_t started = now_ms();
	struct exchange *ex;
	cvc_err err;

	*rlen = 0;
	if (clen > MAX_BUFFER_SIZE_EXTENDED)
		return CVC_ERR_APDU;
	if (still_stuck(p))
		return CVC_ERR_TIMEOUT;
	ex = exchange_new(p, capdu, clen, cap);
	if (!ex)
		return CVC_ERR_NO_MEMORY;
	if (!exchange_start(ex)) {
		exchange_free(ex);
		return CVC_ERR_NO_MEMORY;
	}
	if (!exchange_wait(ex, p->timeout_ms)) {
		p->stuck =
		    ex; /* the worker may still finish: see still_stuck */
		return CVC_ERR_TIMEOUT;
	}
	err = exchange_result(card, ex, started, rapdu, rlen);
	exchange_free(ex);
	return err;
}

static cvc_err pcsc_reset(cvc_card *card)
{
	struct pcsc_card *p = impl_of(card);
	int64_t started = now_ms();
	LONG rv;

	if (still_stuck(p))
		return CVC_ERR_TIMEOUT;
	rv = SCardReconnect(p->handle, SCARD_SHARE_SHARED,
	                    SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
	                    SCARD_RESET_CARD, &p->protocol);

	if (rv != SCARD_S_SUCCESS)
		return exchange_failed(card, rv, started);
	return refresh_card_info(card);
}

static cvc_err pcsc_begin(cvc_card *card)
{
	int64_t started = now_ms();
	LONG rv;

	if (still_stuck(impl_of(card)))
		return CVC_ERR_TIMEOUT;
	rv = SCardBeginTransaction(impl_of(card)->handle);
	return rv == SCARD_S_SUCCESS ? CVC_OK
	                             : exchange_failed(card, rv, started);
}

static cvc_err pcsc_end(cvc_card *card)
{
	int64_t started = now_ms();
	LONG rv;

	if (still_stuck(impl_of(card)))
		return CVC_ERR_TIMEOUT;
	rv = SCardEndTransaction(impl_of(card)->handle, SCARD_LEAVE_CARD);
	return rv == SCARD_S_SUCCESS ? CVC_OK
	                             : exchange_failed(card, rv, started);
}

static cvc_err pcsc_atr(const cvc_card *card, uint8_t *buf, size_t cap,
                        size_t *len)
{
	const struct pcsc_card *p = impl_of(card);

	return cvc_card_copy_id(p->atr, p->atr_len, buf, cap, len);
}

static void release_handles(struct pcsc_card *p)
{
	if (p->handle)
		SCardDisconnect(p->handle, SCARD_LEAVE_CARD);
	if (p->ctx)
		SCardReleaseContext(p->ctx);
	free(p);
}

/*
 * Disconnects and frees; while an exchange given up on still holds the
 * context, its worker does that when pcscd finally answers.
 */
static void release(struct pcsc_card *p)
{
	struct exchange *ex;

	if (!p)
		return;
	ex = p->stuck;
	if (ex) {
		pthread_mutex_lock(&ex->lock);
		if (!ex->done) {
			ex->orphan = p;
			pthread_mutex_unlock(&ex->lock);
			return;
		}
		pthread_mutex_unlock(&ex->lock);
		exchange_free(ex);
	}
	release_handles(p);
}

static void pcsc_close(cvc_card *card)
{
	release(impl_of(card));
	card->impl = NULL;
}

static const cvc_card_ops pcsc_ops = {
    .transmit = pcsc_transmit,
    .reset = pcsc_reset,
    .begin = pcsc_begin,
    .end = pcsc_end,
    .atr = pcsc_atr,
    .close = pcsc_close,
};

/* ------------------------------------------------------------------ */
/* Entry points                                                        */

static cvc_err await_card(SCARDCONTEXT ctx, const char *reader, int timeout_ms)
{
	DWORD state = 0;
	cvc_err err;

	if (timeout_ms != 0)
		return wait_for_state(ctx, reader, true,
		                      deadline_after(timeout_ms));
	err = reader_state(ctx, reader, &state);
	if (err == CVC_OK && !(state & SCARD_STATE_PRESENT))
		err = CVC_ERR_NO_CARD;
	return err;
}

/* The exchange limit for a card being opened (see the top of the file). */
static int exchange_timeout_ms(void)
{
	const char *v = getenv(PCSC_TIMEOUT_ENV);
	char *end;
	long ms;

	if (!v || !*v)
		return PCSC_DEFAULT_TIMEOUT_MS;
	errno = 0;
	ms = strtol(v, &end, 10);
	if (errno || *end || ms < 0 || ms > INT_MAX)
		return PCSC_DEFAULT_TIMEOUT_MS;
	return (int)ms;
}

static cvc_err connect_card(struct pcsc_card *p, const char *reader)
{
	LONG rv = SCardConnect(p->ctx, reader, SCARD_SHARE_SHARED,
	                       SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
	                       &p->handle, &p->protocol);

	if (rv != SCARD_S_SUCCESS) {
		p->handle = 0;
		return map_connect_error(rv);
	}
	return CVC_OK;
}

cvc_err cvc_pcsc_open(const char *spec, int timeout_ms, cvc_card **out)
{
	struct pcsc_card *p;
	const char *reader;
	char *names = NULL;
	cvc_card *card = NULL;
	cvc_err err;

	if (!out)
		return CVC_ERR_INVALID_ARG;
	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return CVC_ERR_NO_MEMORY;
	p->timeout_ms = exchange_timeout_ms();
	err = find_reader(spec, &p->ctx, &names, &reader);
	if (err) {
		free(p);
		return err;
	}
	err = await_card(p->ctx, reader, timeout_ms);
	if (err == CVC_OK)
		err = connect_card(p, reader);
	if (err == CVC_OK)
		err = cvc_card_new(&pcsc_ops, p, CVC_TRANSPORT_PCSC, reader,
		                   &card);
	free(names);
	if (err == CVC_OK)
		err = refresh_card_info(card);
	if (err) {
		if (card)
			cvc_card_free(&card); /* calls pcsc_close */
		else
			release(p);
		return err;
	}
	*out = card;
	return CVC_OK;
}

cvc_err cvc_pcsc_wait(const char *spec, bool present, int timeout_ms)
{
	SCARDCONTEXT ctx;
	const char *reader;
	char *names = NULL;
	cvc_err err = find_reader(spec, &ctx, &names, &reader);

	if (err)
		return err;
	err = wait_for_state(ctx, reader, present, deadline_after(timeout_ms));
	free(names);
	SCardReleaseContext(ctx);
	return err;
}

/* Appends "pcsc:NAME\n" lines while they fit; counts them all. */
static size_t format_list(const char *names, char *buf, size_t cap)
{
	static const char prefix[] = "pcsc:";
	size_t total = 0;

	for (const char *n = names; *n; n += strlen(n) + 1) {
		size_t plen = sizeof(prefix) - 1, nlen = strlen(n);
		size_t line = plen + nlen + 1;

		if (buf && total + line < cap) {
			memcpy(buf + total, prefix, plen);
			memcpy(buf + total + plen, n, nlen);
			buf[total + line - 1] = '\n';
		}
		total += line;
	}
	return total;
}

cvc_err cvc_pcsc_list(char *buf, size_t cap, size_t *len)
{
	SCARDCONTEXT ctx;
	char *names = NULL;
	cvc_err err = CVC_OK;

	if (!len || (!buf && cap))
		return CVC_ERR_INVALID_ARG;
	*len = 0;
	/* No pcscd (or it went away meanwhile): no PC/SC readers. */
	if (establish(&ctx) == CVC_OK) {
		err = reader_names(ctx, &names);
		SCardReleaseContext(ctx);
		if (err == CVC_ERR_NO_READER)
			err = CVC_OK;
	}
	if (err == CVC_OK) {
		*len = format_list(names ? names : "", buf, cap);
		if (*len < cap)
			buf[*len] = '\0';
		else
			err = CVC_ERR_BUFFER_TOO_SMALL;
	}
	free(names);
	return err;
}
