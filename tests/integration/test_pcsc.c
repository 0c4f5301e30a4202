/* SPDX-License-Identifier: MIT */
/*
 * The PC/SC back end against real parts: pcscd with the vpcd driver and
 * the test card (stack/vicc serving stack/cardmodel). Run by pcsc-lib.sh,
 * which starts a private pcscd and passes:
 *   CVC_PCSC_READER  reader name ("Virtual PCD 00 00")
 *   PCSC_PORT        vpcd's TCP port for that reader
 *   CVC_VICC         path of vicc
 * Usage: test_pcsc nopcscd | stack
 *   nopcscd  no pcscd is running: everything fails fast with NO_READER
 *   stack    pcscd runs; each test starts and stops its own card
 *
 * Timings (reader readiness, round trip, removal detection, stalled card)
 * are printed as "timing: ..." lines; the tests assert bounds, not values.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cvc/apdu.h>
#include <cvc/card.h>

#include "cardmodel.h"

extern char **environ;

#define CARD_WAIT_MS     5000
#define RESP_CAP         70000
#define REMOVAL_BOUND_MS 1000
#define RTT_ROUNDS       200

static char spec[256];
static const char *reader;
static pid_t vicc_pid;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ------------------------------------------------------------------ */
/* The card process                                                    */

/* Starts vicc with extra options (NULL-terminated); does not wait. */
static pid_t vicc_spawn(const char *opt1, const char *opt2)
{
	const char *vicc = getenv("CVC_VICC");
	const char *port = getenv("PCSC_PORT");
	char *argv[] = {(char *)vicc, "--port",     (char *)port,
	                (char *)opt1, (char *)opt2, NULL};
	pid_t pid;

	ck_assert_msg(vicc && port, "CVC_VICC / PCSC_PORT not set");
	ck_assert_int_eq(posix_spawn(&pid, vicc, NULL, NULL, argv, environ), 0);
	return pid;
}

static void vicc_stop(pid_t pid)
{
	int status;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

/*
 * No card in the reader, as pcscd sees it. A test that failed may have
 * left before stopping its card (vicc then dies with it): a new card must
 * not connect before pcscd noticed, or it inherits a stale PRESENT state.
 */
static void reader_empty(void)
{
	ck_assert_int_eq(cvc_card_wait(spec, false, CARD_WAIT_MS), CVC_OK);
}

/* Starts a card and waits until pcscd has it (Check fixture). */
static void card_in(void)
{
	reader_empty();
	vicc_pid = vicc_spawn(NULL, NULL);
	ck_assert_int_eq(cvc_card_wait(spec, true, CARD_WAIT_MS), CVC_OK);
}

/* Stops it and waits until pcscd saw it go, so the next test's card does
 * not meet a stale PRESENT state. */
static void card_out(void)
{
	vicc_stop(vicc_pid);
	vicc_pid = 0;
	ck_assert_int_eq(cvc_card_wait(spec, false, CARD_WAIT_MS), CVC_OK);
}

static cvc_card *open_card(void)
{
	cvc_card *card = NULL;

	ck_assert_int_eq(cvc_card_open(spec, CARD_WAIT_MS, &card), CVC_OK);
	ck_assert_ptr_nonnull(card);
	return card;
}

/* ------------------------------------------------------------------ */
/* Without pcscd                                                       */

START_TEST(t_no_pcscd_open)
{
	cvc_card *card = NULL;
	double t0 = now_ms();

	/* even a long wait must not wait for a daemon that is not there */
	ck_assert_int_eq(cvc_card_open("pcsc:0", 5000, &card),
	                 CVC_ERR_NO_READER);
	ck_assert_ptr_null(card);
	ck_assert_int_eq(cvc_card_open("pcsc:Virtual PCD 00 00", -1, &card),
	                 CVC_ERR_NO_READER);
	ck_assert_int_eq(cvc_card_wait("pcsc:0", true, 5000),
	                 CVC_ERR_NO_READER);
	ck_assert_double_lt(now_ms() - t0, 1000);
}
END_TEST

START_TEST(t_no_pcscd_list)
{
	char buf[4096];
	size_t len = 99;

	ck_assert_int_eq(cvc_readers_list(buf, sizeof(buf), &len), CVC_OK);
	ck_assert_ptr_null(strstr(buf, "pcsc:"));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Readers and opening                                                 */

static char *list_readers(void)
{
	size_t need = 0, len = 0;
	char *buf;

	ck_assert_int_eq(cvc_readers_list(NULL, 0, &need),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_gt(need, 0);
	buf = malloc(need + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(cvc_readers_list(buf, need + 1, &len), CVC_OK);
	ck_assert_uint_eq(len, need);
	ck_assert_uint_eq(strlen(buf), len);
	return buf;
}

/* 0-based position of our reader among the pcsc: lines. */
static int reader_index(const char *list)
{
	char line[300];
	int i = 0;

	snprintf(line, sizeof(line), "%s\n", spec);
	for (const char *p = list; p && *p; i++) {
		if (strncmp(p, line, strlen(line)) == 0)
			return i;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return -1;
}

START_TEST(t_list_readers)
{
	char *list = list_readers();
	char small[8];
	size_t len = 0;

	/* vpcd has two slots: both are readers */
	ck_assert_ptr_nonnull(strstr(list, "pcsc:Virtual PCD 00 00\n"));
	ck_assert_ptr_nonnull(strstr(list, "pcsc:Virtual PCD 00 01\n"));
	ck_assert_int_ge(reader_index(list), 0);
	ck_assert_int_eq(cvc_readers_list(small, sizeof(small), &len),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(len, strlen(list));
	free(list);
}
END_TEST

START_TEST(t_open_by_name)
{
	cvc_card *card = open_card();

	ck_assert_int_eq(cvc_card_transport(card), CVC_TRANSPORT_PCSC);
	ck_assert_str_eq(cvc_card_reader(card), reader);
	cvc_card_free(&card);
	ck_assert_ptr_null(card);
}
END_TEST

START_TEST(t_open_by_index)
{
	char *list = list_readers();
	char by_index[32];
	cvc_card *card = NULL;
	int idx = reader_index(list);

	ck_assert_int_ge(idx, 0);
	snprintf(by_index, sizeof(by_index), "pcsc:%d", idx);
	ck_assert_int_eq(cvc_card_open(by_index, 0, &card), CVC_OK);
	ck_assert_str_eq(cvc_card_reader(card), reader);
	cvc_card_free(&card);
	ck_assert_int_eq(cvc_card_open("pcsc:99", 0, &card), CVC_ERR_NO_READER);
	free(list);
}
END_TEST

START_TEST(t_open_by_prefix)
{
	cvc_card *card = NULL;
	char prefix[256];

	/* a prefix shared by both slots names no single reader */
	snprintf(prefix, sizeof(prefix), "pcsc:%.*s", (int)strlen(reader) - 1,
	         reader);
	ck_assert_int_eq(cvc_card_open(prefix, 0, &card), CVC_ERR_NO_READER);
	ck_assert_int_eq(cvc_card_open("pcsc:Virtual", 0, &card),
	                 CVC_ERR_NO_READER);
	ck_assert_int_eq(cvc_card_open("pcsc:No Such Reader", 0, &card),
	                 CVC_ERR_NO_READER);
	ck_assert_ptr_null(card);
	/* the empty name is the first reader */
	ck_assert_int_eq(cvc_card_open("pcsc:", 0, &card), CVC_OK);
	cvc_card_free(&card);
}
END_TEST

START_TEST(t_open_other_slot_empty)
{
	cvc_card *card = NULL;
	double t0 = now_ms();

	/* slot 1 has no card: no wait means NO_CARD, a wait times out */
	ck_assert_int_eq(cvc_card_open("pcsc:Virtual PCD 00 01", 0, &card),
	                 CVC_ERR_NO_CARD);
	ck_assert_int_eq(cvc_card_open("pcsc:Virtual PCD 00 01", 300, &card),
	                 CVC_ERR_TIMEOUT);
	ck_assert_double_ge(now_ms() - t0, 290);
	ck_assert_ptr_null(card);
}
END_TEST

START_TEST(t_atr)
{
	cvc_card *card = open_card();
	size_t model_len = 0, len = 0;
	const uint8_t *model = cardmodel_atr(&model_len);
	uint8_t atr[64], tiny[2];

	ck_assert_int_eq(cvc_card_atr(card, atr, sizeof(atr), &len), CVC_OK);
	ck_assert_uint_eq(len, model_len);
	ck_assert_mem_eq(atr, model, len);
	ck_assert_int_eq(cvc_card_atr(card, tiny, sizeof(tiny), &len),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(len, model_len);
	/* a warm reset gives the same ATR again */
	ck_assert_int_eq(cvc_card_reset(card), CVC_OK);
	ck_assert_int_eq(cvc_card_atr(card, atr, sizeof(atr), &len), CVC_OK);
	ck_assert_mem_eq(atr, model, model_len);
	cvc_card_free(&card);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Exchanges: PC/SC against the same card model in-process             */

static const uint8_t aid[] = {0xF0, 0x6C, 0x69, 0x62, 0x63, 0x76, 0x63, 0x54};
static const uint8_t other_aid[] = {0xA0, 0x00, 0x00, 0x00, 0x01};
static const uint8_t pin_ok[] = {'1', '2', '3', '4', '5', '6'};
static const uint8_t pin_bad[] = {'0', '0', '0', '0', '0', '0'};
static uint8_t payload[1000];

struct step {
	cvc_apdu cmd;
	size_t max_chunk;
};

#define SPAN(a)    ((cvc_span){(a), sizeof(a)})
#define PART(a, n) ((cvc_span){(a), (n)})

static const struct step script[] = {
    {{0x00, 0xA4, 0x04, 0x00, SPAN(aid), 0, false}, 0},
    {{0x00, 0xA4, 0x04, 0x00, SPAN(other_aid), 0, false}, 0},
    {{0x00, 0xCA, 0x00, 0x6E, {0}, 256, false}, 0},
    {{0x00, 0x84, 0x00, 0x00, {0}, 8, false}, 0},
    {{0x00, 0x84, 0x00, 0x00, {0}, 8, false}, 0},
    {{0x00, 0xEE, 0x00, 0x00, PART(payload, 20), 256, false}, 0},
    /* chaining: 600 octets in 255-octet parts, answer via 61xx */
    {{0x00, 0xEE, 0x00, 0x00, PART(payload, 600), 256, false}, 0},
    {{0x00, 0xEE, 0x00, 0x00, PART(payload, 100), 256, false}, 16},
    /* no Le: the answer comes only through 61xx / GET RESPONSE */
    {{0x00, 0xEE, 0x00, 0x00, PART(payload, 40), 0, false}, 0},
    /* BIG: 300 octets through 61xx, and 0x1000 in 256-octet parts */
    {{0x00, 0xE0, 0x01, 0x2C, {0}, 256, false}, 0},
    {{0x00, 0xE0, 0x10, 0x00, {0}, 256, false}, 0},
    /* EXACT: wrong Le, 6C10, re-issued with Le = 16 */
    {{0x00, 0xE2, 0x00, 0x00, {0}, 1, false}, 0},
    {{0x00, 0xE2, 0x00, 0x00, {0}, 16, false}, 0},
    {{0x00, 0x20, 0x00, 0x81, SPAN(pin_bad), 0, false}, 0},
    {{0x00, 0x20, 0x00, 0x81, {0}, 0, false}, 0},
    {{0x00, 0x20, 0x00, 0x81, SPAN(pin_ok), 0, false}, 0},
    {{0x00, 0x20, 0x00, 0x81, {0}, 0, false}, 0},
    {{0x00, 0x42, 0x00, 0x00, {0}, 0, false}, 0},
    {{0x80, 0xCA, 0x00, 0x6E, {0}, 256, false}, 0},
    {{0x00, 0xE4, 0x01, 0x00, {0}, 0, false}, 0},
};

static void fill_payload(void)
{
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
}

struct outcome {
	cvc_err err;
	uint16_t sw;
	size_t len;
	uint8_t *data;
};

static void run_step(cvc_card *card, const struct step *s, struct outcome *o)
{
	cvc_rapdu r;

	o->data = malloc(RESP_CAP);
	ck_assert_ptr_nonnull(o->data);
	o->err = cvc_card_transmit(card, &s->cmd, s->max_chunk, o->data,
	                           RESP_CAP, &r);
	o->sw = r.sw;
	o->len = r.data.len;
}

START_TEST(t_script_same_as_function)
{
	cvc_card *pcsc = open_card(), *fn = NULL;
	cardmodel *model = cardmodel_new();

	fill_payload();
	ck_assert_ptr_nonnull(model);
	ck_assert_int_eq(cvc_card_open_function(cardmodel_process, model, &fn),
	                 CVC_OK);
	/* both cards start from a power-on reset */
	ck_assert_int_eq(cvc_card_reset(pcsc), CVC_OK);
	cardmodel_reset(model);
	for (size_t i = 0; i < sizeof(script) / sizeof(script[0]); i++) {
		struct outcome a, b;

		run_step(pcsc, &script[i], &a);
		run_step(fn, &script[i], &b);
		ck_assert_msg(a.err == CVC_OK && b.err == CVC_OK,
		              "step %zu: err %d / %d", i, a.err, b.err);
		ck_assert_msg(a.sw == b.sw, "step %zu: SW %04X vs %04X", i,
		              a.sw, b.sw);
		ck_assert_msg(a.len == b.len, "step %zu: %zu vs %zu octets", i,
		              a.len, b.len);
		ck_assert_msg(a.len == 0 || memcmp(a.data, b.data, a.len) == 0,
		              "step %zu: data differ", i);
		free(a.data);
		free(b.data);
	}
	cvc_card_free(&fn);
	cvc_card_free(&pcsc);
	cardmodel_free(model);
}
END_TEST

static uint16_t raw_exchange(cvc_card *card, const uint8_t *capdu, size_t clen,
                             uint8_t *resp, size_t *rlen)
{
	ck_assert_int_eq(
	    cvc_card_transmit_raw(card, capdu, clen, resp, RESP_CAP, rlen),
	    CVC_OK);
	ck_assert_uint_ge(*rlen, 2);
	return (uint16_t)((resp[*rlen - 2] << 8) | resp[*rlen - 1]);
}

START_TEST(t_get_response)
{
	static const uint8_t big[] = {0x00, 0xE0, 0x01, 0x2C, 0x00};
	cvc_card *card = open_card();
	cvc_apdu cmd = {0x00, 0xE0, 0x01, 0x2C, {0}, 256, false};
	uint8_t *resp = malloc(RESP_CAP);
	size_t rlen = 0;
	cvc_rapdu r;

	ck_assert_ptr_nonnull(resp);
	/* raw: the card answers 256 octets and 61 2C */
	ck_assert_uint_eq(raw_exchange(card, big, sizeof(big), resp, &rlen),
	                  0x612C);
	ck_assert_uint_eq(rlen, 258);
	/* transmit: fetches the rest */
	ck_assert_int_eq(cvc_card_transmit(card, &cmd, 0, resp, RESP_CAP, &r),
	                 CVC_OK);
	ck_assert_uint_eq(r.sw, 0x9000);
	ck_assert_uint_eq(r.data.len, 300);
	for (size_t i = 0; i < 300; i++)
		ck_assert_uint_eq(r.data.data[i], i & 0xFF);
	free(resp);
	cvc_card_free(&card);
}
END_TEST

START_TEST(t_wrong_le)
{
	static const uint8_t exact1[] = {0x00, 0xE2, 0x00, 0x00, 0x01};
	cvc_card *card = open_card();
	cvc_apdu cmd = {0x00, 0xE2, 0x00, 0x00, {0}, 1, false};
	uint8_t *resp = malloc(RESP_CAP);
	size_t rlen = 0;
	cvc_rapdu r;

	ck_assert_ptr_nonnull(resp);
	ck_assert_uint_eq(
	    raw_exchange(card, exact1, sizeof(exact1), resp, &rlen), 0x6C10);
	ck_assert_uint_eq(rlen, 2);
	ck_assert_int_eq(cvc_card_transmit(card, &cmd, 0, resp, RESP_CAP, &r),
	                 CVC_OK);
	ck_assert_uint_eq(r.sw, 0x9000);
	ck_assert_uint_eq(r.data.len, 16);
	free(resp);
	cvc_card_free(&card);
}
END_TEST

struct log_count {
	unsigned commands, chained;
};

static void count_log(void *ctx, bool is_command, const uint8_t *apdu,
                      size_t len)
{
	struct log_count *c = ctx;

	if (!is_command || len < 1)
		return;
	c->commands++;
	if (apdu[0] & CVC_APDU_CLA_CHAINING)
		c->chained++;
}

START_TEST(t_chaining)
{
	cvc_card *card = open_card();
	cvc_apdu cmd = {0x00, 0xEE, 0x00, 0x00, {payload, 600}, 256, false};
	struct log_count count = {0, 0};
	uint8_t *resp = malloc(RESP_CAP);
	cvc_rapdu r;

	fill_payload();
	ck_assert_ptr_nonnull(resp);
	cvc_card_set_log(card, count_log, &count);
	ck_assert_int_eq(cvc_card_transmit(card, &cmd, 0, resp, RESP_CAP, &r),
	                 CVC_OK);
	ck_assert_uint_eq(r.sw, 0x9000);
	ck_assert_uint_eq(r.data.len, 600);
	ck_assert_mem_eq(r.data.data, payload, 600);
	/* 255 + 255 chained, 90 last; 256 back, then 61 00 and 61 58 */
	ck_assert_uint_eq(count.chained, 2);
	ck_assert_uint_eq(count.commands, 5);
	free(resp);
	cvc_card_free(&card);
}
END_TEST

START_TEST(t_extended_length)
{
	cvc_card *card = open_card();
	cvc_apdu cmd = {0x00, 0xEE, 0x00, 0x00, {payload, 1000}, 1000, true};
	struct log_count count = {0, 0};
	uint8_t *resp = malloc(RESP_CAP);
	cvc_rapdu r;

	fill_payload();
	ck_assert_ptr_nonnull(resp);
	cvc_card_set_log(card, count_log, &count);
	ck_assert_int_eq(cvc_card_transmit(card, &cmd, 0, resp, RESP_CAP, &r),
	                 CVC_OK);
	ck_assert_uint_eq(r.sw, 0x9000);
	ck_assert_uint_eq(r.data.len, 1000);
	ck_assert_mem_eq(r.data.data, payload, 1000);
	ck_assert_uint_eq(count.commands, 1); /* one extended APDU each way */
	free(resp);
	cvc_card_free(&card);
}
END_TEST

START_TEST(t_reset_restarts_card)
{
	static const uint8_t challenge[] = {0x00, 0x84, 0x00, 0x00, 0x08};
	cvc_card *card = open_card();
	uint8_t a[64], b[64], c[64];
	size_t la = 0, lb = 0, lc = 0;

	/* the model's challenges restart at a reset: same after each reset,
	 * different without one */
	ck_assert_int_eq(cvc_card_reset(card), CVC_OK);
	ck_assert_int_eq(cvc_card_transmit_raw(card, challenge,
	                                       sizeof(challenge), a, sizeof(a),
	                                       &la),
	                 CVC_OK);
	ck_assert_int_eq(cvc_card_transmit_raw(card, challenge,
	                                       sizeof(challenge), b, sizeof(b),
	                                       &lb),
	                 CVC_OK);
	ck_assert_int_eq(cvc_card_reset(card), CVC_OK);
	ck_assert_int_eq(cvc_card_transmit_raw(card, challenge,
	                                       sizeof(challenge), c, sizeof(c),
	                                       &lc),
	                 CVC_OK);
	ck_assert_uint_eq(la, 10);
	ck_assert_uint_eq(lc, 10);
	ck_assert_mem_eq(a, c, 10);
	ck_assert_int_ne(memcmp(a, b, 8), 0);
	cvc_card_free(&card);
}
END_TEST

START_TEST(t_small_buffer)
{
	static const uint8_t get_data[] = {0x00, 0xCA, 0x00, 0x6E, 0x00};
	cvc_card *card = open_card();
	uint8_t resp[5];
	size_t rlen = 0;

	/* GET DATA answers 5 octets */
	ck_assert_int_eq(cvc_card_transmit_raw(card, get_data, sizeof(get_data),
	                                       resp, 4, &rlen),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	/* the card is still usable afterwards */
	ck_assert_int_eq(cvc_card_transmit_raw(card, get_data, sizeof(get_data),
	                                       resp, sizeof(resp), &rlen),
	                 CVC_OK);
	ck_assert_uint_eq(rlen, 5);
	cvc_card_free(&card);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Transactions                                                        */

struct begin_probe {
	cvc_card *card;
	double returned_at;
	cvc_err err;
};

static void *begin_in_thread(void *arg)
{
	struct begin_probe *p = arg;

	p->err = cvc_card_begin(p->card);
	p->returned_at = now_ms();
	if (p->err == CVC_OK)
		p->err = cvc_card_end(p->card);
	return NULL;
}

START_TEST(t_transaction_is_exclusive)
{
	static const uint8_t get_data[] = {0x00, 0xCA, 0x00, 0x6E, 0x00};
	cvc_card *one = open_card(), *two = open_card();
	struct begin_probe probe = {two, 0, CVC_ERR_TRANSPORT};
	uint8_t resp[16];
	size_t rlen = 0;
	pthread_t th;
	double ended;

	ck_assert_int_eq(cvc_card_begin(one), CVC_OK);
	ck_assert_int_eq(pthread_create(&th, NULL, begin_in_thread, &probe), 0);
	/* the second handle's begin must wait for the first one's end */
	pause_ms(300);
	ck_assert_int_eq(cvc_card_transmit_raw(one, get_data, sizeof(get_data),
	                                       resp, sizeof(resp), &rlen),
	                 CVC_OK);
	ended = now_ms();
	ck_assert_int_eq(cvc_card_end(one), CVC_OK);
	pthread_join(th, NULL);
	ck_assert_int_eq(probe.err, CVC_OK);
	ck_assert_double_ge(probe.returned_at, ended);
	cvc_card_free(&two);
	cvc_card_free(&one);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Timing                                                              */

START_TEST(t_round_trip)
{
	static const uint8_t get_data[] = {0x00, 0xCA, 0x00, 0x6E, 0x00};
	cvc_card *card = open_card();
	uint8_t resp[16];
	size_t rlen = 0;
	double t0 = now_ms(), per;

	for (int i = 0; i < RTT_ROUNDS; i++)
		ck_assert_int_eq(cvc_card_transmit_raw(card, get_data,
		                                       sizeof(get_data), resp,
		                                       sizeof(resp), &rlen),
		                 CVC_OK);
	per = (now_ms() - t0) / RTT_ROUNDS;
	printf("timing: APDU round trip through pcscd+vpcd: %.3f ms "
	       "(mean of %d)\n",
	       per, RTT_ROUNDS);
	/* Nagle + delayed ACK would make it ~40-90 ms (test-stack.md) */
	ck_assert_double_lt(per, 20);
	cvc_card_free(&card);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Removal, stall, arrival                                             */

static cvc_err get_data_once(cvc_card *card)
{
	static const uint8_t get_data[] = {0x00, 0xCA, 0x00, 0x6E, 0x00};
	uint8_t resp[16];
	size_t rlen = 0;

	return cvc_card_transmit_raw(card, get_data, sizeof(get_data), resp,
	                             sizeof(resp), &rlen);
}

START_TEST(t_removal_mid_exchange)
{
	cvc_card *card;
	double t0, took;
	cvc_err err;

	vicc_pid = vicc_spawn("--remove-after", "2");
	card = open_card();
	ck_assert_int_eq(get_data_once(card), CVC_OK);
	ck_assert_int_eq(get_data_once(card), CVC_OK);
	/* the card leaves while the third command is on its way */
	t0 = now_ms();
	err = get_data_once(card);
	took = now_ms() - t0;
	printf("timing: removal mid-exchange reported after %.1f ms\n", took);
	ck_assert_int_eq(err, CVC_ERR_CARD_REMOVED);
	ck_assert_double_lt(took, REMOVAL_BOUND_MS);
	/* and stays reported, quickly */
	t0 = now_ms();
	ck_assert_int_eq(get_data_once(card), CVC_ERR_CARD_REMOVED);
	ck_assert_double_lt(now_ms() - t0, REMOVAL_BOUND_MS);
	cvc_card_free(&card);
	card_out();
}
END_TEST

START_TEST(t_removal_during_get_response)
{
	cvc_card *card;
	cvc_apdu cmd = {0x00, 0xE0, 0x04, 0x00, {0}, 256, false};
	uint8_t *resp = malloc(RESP_CAP);
	cvc_rapdu r;
	double t0;

	ck_assert_ptr_nonnull(resp);
	/* BIG 1024 answers 61 00; the card leaves at the 2nd GET RESPONSE */
	vicc_pid = vicc_spawn("--remove-after", "2");
	card = open_card();
	t0 = now_ms();
	ck_assert_int_eq(cvc_card_transmit(card, &cmd, 0, resp, RESP_CAP, &r),
	                 CVC_ERR_CARD_REMOVED);
	ck_assert_double_lt(now_ms() - t0, REMOVAL_BOUND_MS);
	free(resp);
	cvc_card_free(&card);
	card_out();
}
END_TEST

/*
 * pcscd + vpcd never give up on a card that does not answer (measured:
 * SCardTransmit still blocked after 400 s), so libcvc bounds each exchange
 * itself (CVC_PCSC_TIMEOUT_MS, read at open).
 */
START_TEST(t_stalled_card)
{
	cvc_card *card;
	double t0, took;
	cvc_err err;

	setenv("CVC_PCSC_TIMEOUT_MS", "1500", 1);
	vicc_pid = vicc_spawn("--stall", NULL);
	card = open_card();
	t0 = now_ms();
	err = get_data_once(card);
	took = now_ms() - t0;
	printf("timing: stalled card: transmit gave %d (%s) after %.1f ms "
	       "(limit 1500 ms)\n",
	       err, cvc_strerror(err), took);
	ck_assert_int_eq(err, CVC_ERR_TIMEOUT);
	ck_assert_double_ge(took, 1450);
	ck_assert_double_lt(took, 2500);
	/* the card stays wedged: further calls fail at once, not block */
	t0 = now_ms();
	ck_assert_int_eq(get_data_once(card), CVC_ERR_TIMEOUT);
	ck_assert_int_eq(cvc_card_reset(card), CVC_ERR_TIMEOUT);
	ck_assert_int_eq(cvc_card_begin(card), CVC_ERR_TIMEOUT);
	ck_assert_double_lt(now_ms() - t0, 100);
	/* pulling the card ends the blocked exchange: then it is removed */
	vicc_stop(vicc_pid);
	vicc_pid = 0;
	ck_assert_int_eq(cvc_card_wait(spec, false, CARD_WAIT_MS), CVC_OK);
	t0 = now_ms();
	ck_assert_int_eq(get_data_once(card), CVC_ERR_CARD_REMOVED);
	ck_assert_double_lt(now_ms() - t0, REMOVAL_BOUND_MS);
	cvc_card_free(&card);
}
END_TEST

START_TEST(t_free_while_stalled)
{
	cvc_card *card;
	double t0;

	setenv("CVC_PCSC_TIMEOUT_MS", "300", 1);
	vicc_pid = vicc_spawn("--stall", NULL);
	card = open_card();
	ck_assert_int_eq(get_data_once(card), CVC_ERR_TIMEOUT);
	/* freeing must not wait for pcscd (the worker releases later) */
	t0 = now_ms();
	cvc_card_free(&card);
	ck_assert_double_lt(now_ms() - t0, 100);
	ck_assert_ptr_null(card);
	/* pulling the card unblocks pcscd and the worker */
	vicc_stop(vicc_pid);
	vicc_pid = 0;
	ck_assert_int_eq(cvc_card_wait(spec, false, CARD_WAIT_MS), CVC_OK);
	/* a fresh card works normally afterwards */
	vicc_pid = vicc_spawn(NULL, NULL);
	card = open_card();
	ck_assert_int_eq(get_data_once(card), CVC_OK);
	cvc_card_free(&card);
}
END_TEST

struct waiting_open {
	cvc_card *card;
	cvc_err err;
	double returned_at;
};

static void *open_in_thread(void *arg)
{
	struct waiting_open *w = arg;

	w->err = cvc_card_open(spec, CARD_WAIT_MS, &w->card);
	w->returned_at = now_ms();
	return NULL;
}

START_TEST(t_wait_arrival_and_departure)
{
	struct waiting_open w = {NULL, CVC_ERR_TRANSPORT, 0};
	cvc_card *card = NULL;
	pthread_t th;
	double t0, inserted, left;

	/* no card: polling open fails at once, waiting ones time out */
	ck_assert_int_eq(cvc_card_open(spec, 0, &card), CVC_ERR_NO_CARD);
	t0 = now_ms();
	ck_assert_int_eq(cvc_card_wait(spec, true, 300), CVC_ERR_TIMEOUT);
	ck_assert_double_ge(now_ms() - t0, 290);
	ck_assert_double_lt(now_ms() - t0, 1000);
	ck_assert_int_eq(cvc_card_wait(spec, false, 0), CVC_OK);

	/* a card that arrives while open waits (vicc is started from this
	 * thread: it dies with the thread that started it) */
	ck_assert_int_eq(pthread_create(&th, NULL, open_in_thread, &w), 0);
	pause_ms(300);
	inserted = now_ms();
	vicc_pid = vicc_spawn(NULL, NULL);
	pthread_join(th, NULL);
	ck_assert_int_eq(w.err, CVC_OK);
	printf("timing: card arrival seen %.1f ms after vicc started\n",
	       w.returned_at - inserted);
	ck_assert_double_ge(w.returned_at, inserted);
	ck_assert_int_eq(get_data_once(w.card), CVC_OK);
	cvc_card_free(&w.card);

	/* and leaves */
	ck_assert_int_eq(cvc_card_wait(spec, false, 200), CVC_ERR_TIMEOUT);
	vicc_stop(vicc_pid);
	vicc_pid = 0;
	t0 = now_ms();
	ck_assert_int_eq(cvc_card_wait(spec, false, CARD_WAIT_MS), CVC_OK);
	left = now_ms() - t0;
	printf("timing: card departure seen after %.1f ms\n", left);
	ck_assert_double_lt(left, REMOVAL_BOUND_MS);
}
END_TEST

START_TEST(t_card_leaves_by_itself)
{
	double t0;

	/* vicc ends on its own after 1 s: wait(absent) sees it */
	vicc_pid = vicc_spawn("--exit-after", "1");
	ck_assert_int_eq(cvc_card_wait(spec, true, CARD_WAIT_MS), CVC_OK);
	t0 = now_ms();
	ck_assert_int_eq(cvc_card_wait(spec, false, CARD_WAIT_MS), CVC_OK);
	ck_assert_double_lt(now_ms() - t0, 1000 + REMOVAL_BOUND_MS);
	vicc_stop(vicc_pid);
	vicc_pid = 0;
}
END_TEST

/* ------------------------------------------------------------------ */

static void stop_leftover_card(void)
{
	vicc_stop(vicc_pid);
	vicc_pid = 0;
}

static Suite *nopcscd_suite(void)
{
	Suite *s = suite_create("pcsc-nopcscd");
	TCase *tc = tcase_create("nopcscd");

	tcase_add_test(tc, t_no_pcscd_open);
	tcase_add_test(tc, t_no_pcscd_list);
	suite_add_tcase(s, tc);
	return s;
}

static Suite *stack_suite(void)
{
	Suite *s = suite_create("pcsc-stack");
	TCase *with_card = tcase_create("with-card");
	TCase *own_card = tcase_create("own-card");

	/* each test gets a fresh card (PIN counter, state) */
	tcase_add_checked_fixture(with_card, card_in, card_out);
	tcase_set_timeout(with_card, 60);
	tcase_add_test(with_card, t_list_readers);
	tcase_add_test(with_card, t_open_by_name);
	tcase_add_test(with_card, t_open_by_index);
	tcase_add_test(with_card, t_open_by_prefix);
	tcase_add_test(with_card, t_open_other_slot_empty);
	tcase_add_test(with_card, t_atr);
	tcase_add_test(with_card, t_script_same_as_function);
	tcase_add_test(with_card, t_get_response);
	tcase_add_test(with_card, t_wrong_le);
	tcase_add_test(with_card, t_chaining);
	tcase_add_test(with_card, t_extended_length);
	tcase_add_test(with_card, t_reset_restarts_card);
	tcase_add_test(with_card, t_small_buffer);
	tcase_add_test(with_card, t_transaction_is_exclusive);
	tcase_add_test(with_card, t_round_trip);
	suite_add_tcase(s, with_card);

	/* these start their own (misbehaving) card */
	tcase_add_checked_fixture(own_card, reader_empty, stop_leftover_card);
	tcase_set_timeout(own_card, 120);
	tcase_add_test(own_card, t_removal_mid_exchange);
	tcase_add_test(own_card, t_removal_during_get_response);
	tcase_add_test(own_card, t_stalled_card);
	tcase_add_test(own_card, t_free_while_stalled);
	tcase_add_test(own_card, t_wait_arrival_and_departure);
	tcase_add_test(own_card, t_card_leaves_by_itself);
	suite_add_tcase(s, own_card);
	return s;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	SRunner *sr;
	int failed;

	if (strcmp(mode, "nopcscd") == 0) {
		sr = srunner_create(nopcscd_suite());
	} else if (strcmp(mode, "stack") == 0) {
		reader = getenv("CVC_PCSC_READER");
		if (!reader || !getenv("CVC_VICC") || !getenv("PCSC_PORT")) {
			fprintf(stderr,
			        "test_pcsc: run via pcsc-lib.sh "
			        "(CVC_PCSC_READER, CVC_VICC, PCSC_PORT)\n");
			return 1;
		}
		snprintf(spec, sizeof(spec), "pcsc:%s", reader);
		sr = srunner_create(stack_suite());
	} else {
		fprintf(stderr, "usage: test_pcsc nopcscd | stack\n");
		return 2;
	}
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
