/* SPDX-License-Identifier: MIT */
/*
 * The NFC back end (libcvc/src/nfc.c) end to end: libnfc's real pn532_uart
 * driver talks over a pseudo-terminal to pn532emu, a PN532 with the shared
 * test card (cardmodel) in its field.
 *
 * Checked: identification (UID, ATS, the synthesised ATR), an APDU script
 * whose every command and response, as the logging hook sees them, equals
 * the same script through the in-process function back end; extended APDUs
 * in extended PN532 frames; responses in MI pieces; 61xx / 6Cxx / command
 * chaining; card removal reported within one second; a hung chip, a silent
 * chip and an empty field reported within bounded time; cvc_card_wait and
 * the reader list.
 *
 * Environment: CVC_PN532EMU (the emulator), LIBNFC_AUTO_SCAN=false (set
 * here too). Every emulator is stopped by PID; it also gets SIGTERM should
 * the test process die first.
 */
#define _DEFAULT_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cvc/apdu.h>
#include <cvc/card.h>

#include "cardmodel.h"

#define REMOVAL_BOUND_MS    1000 /* card.h: removal detected within 1 s */
#define EXCHANGE_TIMEOUT_MS 5000 /* nfc.c's bound for one APDU */

/* ------------------------------------------------------------------ */
/* Emulator process                                                    */

struct emu {
	pid_t pid;
	char path_file[128];
	char log_file[128];
	char tty[256];
	char spec[300]; /* "nfc:pn532_uart:/dev/pts/N" */
};

/* Where every emulator of this run keeps its files; main removes it. */
static char work_dir[64];

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0)
		;
}

static void exec_emulator(const struct emu *e, const char *const *args,
                          pid_t parent)
{
	const char *argv[24];
	size_t n = 0;
	int fd;

	/* Die with the test, even when it fails before emu_stop. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(1);
	fd = open(e->log_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0)
		dup2(fd, STDERR_FILENO);
	argv[n++] = getenv("CVC_PN532EMU");
	argv[n++] = "--path-file";
	argv[n++] = e->path_file;
	argv[n++] = "-v";
	while (args && *args && n < 23)
		argv[n++] = *args++;
	argv[n] = NULL;
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

static bool read_path(struct emu *e)
{
	FILE *f = fopen(e->path_file, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(e->tty, sizeof(e->tty), f) != NULL;
	fclose(f);
	e->tty[strcspn(e->tty, "\n")] = '\0';
	return ok && e->tty[0] != '\0';
}

/* Starts pn532emu with extra options (NULL-terminated). */
static void emu_start(struct emu *e, const char *const *args)
{
	static unsigned serial;
	pid_t parent = getpid();
	long long until;

	ck_assert_ptr_nonnull(getenv("CVC_PN532EMU"));
	memset(e, 0, sizeof(*e));
	serial++;
	snprintf(e->path_file, sizeof(e->path_file), "%s/%d-%u.tty", work_dir,
	         (int)parent, serial);
	snprintf(e->log_file, sizeof(e->log_file), "%s/%d-%u.log", work_dir,
	         (int)parent, serial);
	e->pid = fork();
	ck_assert_int_ge(e->pid, 0);
	if (e->pid == 0)
		exec_emulator(e, args, parent);
	until = now_ms() + 5000;
	while (!read_path(e)) {
		ck_assert_msg(now_ms() < until, "pn532emu did not start");
		ck_assert_int_eq(waitpid(e->pid, NULL, WNOHANG), 0);
		sleep_ms(5);
	}
	snprintf(e->spec, sizeof(e->spec), "nfc:pn532_uart:%s", e->tty);
}

/* Counts the emulator's log lines that contain `what`. */
static int emu_log_count(const struct emu *e, const char *what)
{
	FILE *f = fopen(e->log_file, "r");
	char line[4096];
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, what))
			n++;
	fclose(f);
	return n;
}

static void emu_remove_files(const struct emu *e)
{
	unlink(e->path_file);
	unlink(e->log_file);
}

/* Stops it by PID; it must exit cleanly (status 0) on SIGTERM. */
static void emu_stop(struct emu *e)
{
	int status = 0;
	pid_t done;

	kill(e->pid, SIGTERM);
	done = waitpid(e->pid, &status, 0);
	emu_remove_files(e);
	ck_assert_int_eq(done, e->pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "pn532emu ended with status %d", status);
}

/* Sends `sig` to the emulator after delay_ms, from a helper process. */
static pid_t signal_later(pid_t pid, int sig, long delay_ms)
{
	pid_t helper = fork();

	ck_assert_int_ge(helper, 0);
	if (helper == 0) {
		sleep_ms(delay_ms);
		kill(pid, sig);
		_exit(0);
	}
	return helper;
}

static void reap(pid_t helper)
{
	ck_assert_int_eq(waitpid(helper, NULL, 0), helper);
}

static cvc_card *open_ok(const struct emu *e)
{
	cvc_card *card = NULL;

	ck_assert_int_eq(cvc_card_open(e->spec, 2000, &card), CVC_OK);
	ck_assert_ptr_nonnull(card);
	return card;
}

/* ------------------------------------------------------------------ */
/* Identification                                                      */

static void check_id(cvc_card *card,
                     cvc_err (*get)(const cvc_card *, uint8_t *, size_t,
                                    size_t *),
                     const uint8_t *want, size_t want_len)
{
	uint8_t buf[300];
	size_t len = 0;

	ck_assert_int_eq(get(card, buf, sizeof(buf), &len), CVC_OK);
	ck_assert_uint_eq(len, want_len);
	ck_assert_mem_eq(buf, want, want_len);
	/* too small a buffer: the size needed, nothing written */
	ck_assert_int_eq(get(card, buf, want_len - 1, &len),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(len, want_len);
}

/* PC/SC part 3 3.1.3.2.3.1, computed here independently of nfc.c. */
static size_t expected_atr(const uint8_t *hist, size_t n, uint8_t *atr)
{
	uint8_t tck = 0;

	atr[0] = 0x3b;
	atr[1] = (uint8_t)(0x80 + n);
	atr[2] = 0x80;
	atr[3] = 0x01;
	memcpy(atr + 4, hist, n);
	for (size_t i = 1; i < 4 + n; i++)
		tck ^= atr[i];
	atr[4 + n] = tck;
	return 5 + n;
}

START_TEST(t_identify_default)
{
	static const uint8_t uid[] = {0x08, 0x12, 0x34, 0x56};
	static const uint8_t ats[] = {0x08, 0x78, 0x80, 0x70,
	                              0x02, 0x43, 0x56, 0x43};
	static const uint8_t hist[] = {0x43, 0x56, 0x43};
	uint8_t atr[32];
	size_t atr_len = expected_atr(hist, sizeof(hist), atr);
	struct emu e;
	cvc_card *card;

	emu_start(&e, NULL);
	card = open_ok(&e);
	ck_assert_int_eq(cvc_card_transport(card), CVC_TRANSPORT_NFC);
	ck_assert_str_eq(cvc_card_reader(card), e.spec + strlen("nfc:"));
	check_id(card, cvc_card_uid, uid, sizeof(uid));
	check_id(card, cvc_card_ats, ats, sizeof(ats));
	check_id(card, cvc_card_atr, atr, atr_len);
	cvc_card_free(&card);
	ck_assert_ptr_null(card);
	emu_stop(&e);
}
END_TEST

START_TEST(t_identify_custom)
{
	/* 7-octet UID; ATS T0 = 0x75 (FSCI 5, TA TB TC), 5 historical bytes */
	static const char *const args[] = {"--uid", "04A1B2C3D4E5F6", "--ats",
	                                   "75778102806501AABB", NULL};
	static const uint8_t uid[] = {0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6};
	static const uint8_t ats[] = {0x0a, 0x75, 0x77, 0x81, 0x02,
	                              0x80, 0x65, 0x01, 0xaa, 0xbb};
	static const uint8_t hist[] = {0x80, 0x65, 0x01, 0xaa, 0xbb};
	uint8_t atr[32];
	size_t atr_len = expected_atr(hist, sizeof(hist), atr);
	struct emu e;
	cvc_card *card;

	emu_start(&e, args);
	card = open_ok(&e);
	check_id(card, cvc_card_uid, uid, sizeof(uid));
	check_id(card, cvc_card_ats, ats, sizeof(ats));
	check_id(card, cvc_card_atr, atr, atr_len);
	cvc_card_free(&card);
	emu_stop(&e);
}
END_TEST

START_TEST(t_not_iso_dep)
{
	static const char *const args[] = {"--sak", "0x08", NULL};
	struct emu e;
	cvc_card *card = NULL;

	emu_start(&e, args);
	ck_assert_int_eq(cvc_card_open(e.spec, 0, &card), CVC_ERR_UNSUPPORTED);
	ck_assert_ptr_null(card);
	emu_stop(&e);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The same script through NFC and through the function back end       */

/* Everything the logging hook saw, one record after the other. */
struct transcript {
	uint8_t buf[1 << 17];
	size_t len;
	int commands;
	bool saw_chaining, saw_get_response;
};

static void record(void *ctx, bool is_command, const uint8_t *apdu, size_t len)
{
	struct transcript *t = ctx;

	ck_assert_uint_le(t->len + 3 + len, sizeof(t->buf));
	t->buf[t->len++] = is_command ? 'C' : 'R';
	t->buf[t->len++] = (uint8_t)(len >> 8);
	t->buf[t->len++] = (uint8_t)len;
	memcpy(t->buf + t->len, apdu, len);
	t->len += len;
	if (is_command && len >= 2) {
		t->commands++;
		t->saw_chaining |= (apdu[0] & CVC_APDU_CLA_CHAINING) != 0;
		t->saw_get_response |= apdu[1] == 0xc0;
	}
}

/* Appends the outcome of one step (error, SW, data) to the transcript. */
static void record_result(struct transcript *t, cvc_err err, const cvc_rapdu *r)
{
	uint8_t head[3] = {(uint8_t)err, (uint8_t)(r->sw >> 8), (uint8_t)r->sw};

	record(t, false, head, sizeof(head));
	record(t, false, r->data.data ? r->data.data : head, r->data.len);
}

struct step {
	cvc_apdu cmd;
	size_t max_chunk;
	uint16_t sw;     /* expected final SW */
	size_t data_len; /* expected response data length */
};

static const uint8_t aid[] = {0xf0, 0x6c, 0x69, 0x62, 0x63, 0x76, 0x63, 0x54};
static const uint8_t bad_aid[] = {0xa0, 0x00, 0x00, 0x00, 0x01};
static const uint8_t wrong_pin[] = {'0', '0', '0', '0', '0', '0'};
static const uint8_t right_pin[] = {'1', '2', '3', '4', '5', '6'};
static uint8_t pattern[700];

#define SPAN(a)                                                                \
	{                                                                      \
		.data = (a), .len = sizeof(a)                                  \
	}
#define PART(a, n)                                                             \
	{                                                                      \
		.data = (a), .len = (n)                                        \
	}

static const struct step script[] = {
    {{0x00, 0xa4, 0x04, 0x00, SPAN(aid), 0, false}, 0, 0x9000, 0},
    {{0x00, 0xa4, 0x04, 0x00, SPAN(bad_aid), 0, false}, 0, 0x6a82, 0},
    {{0x00, 0xca, 0x00, 0x6e, {NULL, 0}, 256, false}, 0, 0x9000, 3},
    /* 6C03, re-issued with Le 3 */
    {{0x00, 0xca, 0x00, 0x6e, {NULL, 0}, 1, false}, 0, 0x9000, 3},
    {{0x00, 0x84, 0x00, 0x00, {NULL, 0}, 8, false}, 0, 0x9000, 8},
    {{0x00, 0xee, 0x00, 0x00, PART(pattern, 16), 256, false}, 0, 0x9000, 16},
    {{0x00, 0x20, 0x00, 0x81, SPAN(wrong_pin), 0, false}, 0, 0x63c2, 0},
    {{0x00, 0x20, 0x00, 0x81, {NULL, 0}, 0, false}, 0, 0x63c2, 0},
    {{0x00, 0x20, 0x00, 0x81, SPAN(right_pin), 0, false}, 0, 0x9000, 0},
    /* 600 octets through 61xx and GET RESPONSE */
    {{0x00, 0xe0, 0x02, 0x58, {NULL, 0}, 256, false}, 0, 0x9000, 600},
    /* 6C10, re-issued with Le 16 */
    {{0x00, 0xe2, 0x00, 0x00, {NULL, 0}, 0x20, false}, 0, 0x9000, 16},
    /* 600 octets in three chained commands, back through 61xx */
    {{0x00, 0xee, 0x00, 0x00, PART(pattern, 600), 256, false},
     200,
     0x9000,
     600},
    {{0x00, 0x77, 0x00, 0x00, {NULL, 0}, 0, false}, 0, 0x6d00, 0},
    {{0x80, 0xca, 0x00, 0x6e, {NULL, 0}, 256, false}, 0, 0x6e00, 0},
    /* extended: 251 + 9 octets out, 253 back (both extended frames) */
    {{0x00, 0xee, 0x00, 0x00, PART(pattern, 251), 251, true}, 0, 0x9000, 251},
    /* short form, 261 octets out, 257 back */
    {{0x00, 0xee, 0x00, 0x00, PART(pattern, 255), 256, false}, 0, 0x9000, 255},
    /* extended Le: 260 octets in one response of 262 */
    {{0x00, 0xe0, 0x01, 0x04, {NULL, 0}, 260, true}, 0, 0x9000, 260},
    {{0x00, 0x84, 0x00, 0x00, {NULL, 0}, 32, false}, 0, 0x9000, 32},
};

static void fill_pattern(void)
{
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + 3);
}

static void run_script(cvc_card *card, struct transcript *t)
{
	static uint8_t resp[70000];

	fill_pattern();
	cvc_card_set_log(card, record, t);
	for (size_t i = 0; i < sizeof(script) / sizeof(script[0]); i++) {
		const struct step *s = &script[i];
		cvc_rapdu r = {{NULL, 0}, 0};
		cvc_err err = cvc_card_transmit(card, &s->cmd, s->max_chunk,
		                                resp, sizeof(resp), &r);

		ck_assert_msg(err == CVC_OK, "step %zu: error %d", i, err);
		ck_assert_msg(r.sw == s->sw, "step %zu: SW %04X", i, r.sw);
		ck_assert_msg(r.data.len == s->data_len, "step %zu: %zu octets",
		              i, r.data.len);
		record_result(t, err, &r);
	}
	cvc_card_set_log(card, NULL, NULL);
}

static void run_function_script(struct transcript *t)
{
	cardmodel *m = cardmodel_new();
	cvc_card *card = NULL;

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(cvc_card_open_function(cardmodel_process, m, &card),
	                 CVC_OK);
	run_script(card, t);
	cvc_card_free(&card);
	cardmodel_free(m);
}

static void assert_same_transcript(const struct transcript *a,
                                   const struct transcript *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	size_t i = 0;

	while (i < n && a->buf[i] == b->buf[i])
		i++;
	ck_assert_msg(a->len == b->len && i == n,
	              "transcripts differ at octet %zu (%zu vs %zu octets)", i,
	              a->len, b->len);
}

static void script_against_function(const char *const *emu_args, struct emu *e)
{
	static struct transcript nfc, fn;
	cvc_card *card;

	memset(&nfc, 0, sizeof(nfc));
	memset(&fn, 0, sizeof(fn));
	emu_start(e, emu_args);
	card = open_ok(e);
	run_script(card, &nfc);
	cvc_card_free(&card);
	run_function_script(&fn);
	assert_same_transcript(&nfc, &fn);
	/* the card core's work really went over NFC */
	ck_assert(nfc.saw_chaining);
	ck_assert(nfc.saw_get_response);
	ck_assert_int_gt(nfc.commands,
	                 (int)(sizeof(script) / sizeof(script[0])));
}

START_TEST(t_script_same_as_function)
{
	struct emu e;

	script_against_function(NULL, &e);
	/* the extended steps went out and came back in extended frames */
	ck_assert_int_ge(emu_log_count(&e, "rx-extended"), 2);
	ck_assert_int_ge(emu_log_count(&e, "tx-extended"), 3);
	ck_assert_int_eq(emu_log_count(&e, "more information"), 0);
	emu_stop(&e);
}
END_TEST

START_TEST(t_script_in_mi_pieces)
{
	static const char *const args[] = {"--mi-chunk", "40", NULL};
	struct emu e;

	script_against_function(args, &e);
	ck_assert_int_ge(emu_log_count(&e, "more information"), 10);
	emu_stop(&e);
}
END_TEST

START_TEST(t_raw_61xx)
{
	static const uint8_t big[] = {0x00, 0xe0, 0x02, 0x58, 0x00};
	static const uint8_t get_response[] = {0x00, 0xc0, 0x00, 0x00, 0x00};
	uint8_t r[300];
	size_t len = 0;
	struct emu e;
	cvc_card *card;

	emu_start(&e, NULL);
	card = open_ok(&e);
	/* raw: the first 256 octets and 61 58 (344 left), nothing more */
	ck_assert_int_eq(
	    cvc_card_transmit_raw(card, big, sizeof(big), r, sizeof(r), &len),
	    CVC_OK);
	ck_assert_uint_eq(len, 258);
	ck_assert_uint_eq(r[255], 255);
	ck_assert_uint_eq(r[256], 0x61);
	ck_assert_uint_eq(r[257], 0x58);
	ck_assert_int_eq(cvc_card_transmit_raw(card, get_response,
	                                       sizeof(get_response), r,
	                                       sizeof(r), &len),
	                 CVC_OK);
	ck_assert_uint_eq(len, 258);
	ck_assert_uint_eq(r[0], 0);
	ck_assert_uint_eq(r[256], 0x61);
	/* a response larger than the caller's buffer */
	ck_assert_int_eq(cvc_card_transmit_raw(card, get_response,
	                                       sizeof(get_response), r, 10,
	                                       &len),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	cvc_card_free(&card);
	emu_stop(&e);
}
END_TEST

/* Beyond one PN532 frame: refused before libnfc, session intact. */
START_TEST(t_too_long_for_pn532)
{
	static uint8_t cmd[4 + 3 + 300 + 2] = {0x00, 0xee, 0x00, 0x00,
	                                       0x00, 0x01, 0x2c};
	static const uint8_t get_data[] = {0x00, 0xca, 0x00, 0x6e, 0x00};
	uint8_t r[300];
	size_t len = 0;
	struct emu e;
	cvc_card *card;

	emu_start(&e, NULL);
	card = open_ok(&e);
	ck_assert_int_eq(
	    cvc_card_transmit_raw(card, cmd, sizeof(cmd), r, sizeof(r), &len),
	    CVC_ERR_UNSUPPORTED);
	ck_assert_int_eq(cvc_card_transmit_raw(card, get_data, sizeof(get_data),
	                                       r, sizeof(r), &len),
	                 CVC_OK);
	ck_assert_uint_eq(len, 5);
	ck_assert_uint_eq(r[3], 0x90);
	cvc_card_free(&card);
	emu_stop(&e);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Removal, hung and silent chips, empty field                         */

static const uint8_t get_data_cmd[] = {0x00, 0xca, 0x00, 0x6e, 0x00};

static cvc_err get_data(cvc_card *card, long long *elapsed_ms)
{
	uint8_t r[64];
	size_t len = 0;
	long long t0 = now_ms();
	cvc_err err = cvc_card_transmit_raw(
	    card, get_data_cmd, sizeof(get_data_cmd), r, sizeof(r), &len);

	if (elapsed_ms)
		*elapsed_ms = now_ms() - t0;
	if (err == CVC_OK) {
		ck_assert_uint_eq(len, 5);
		ck_assert_uint_eq(r[3], 0x90);
	}
	return err;
}

/* _i: 0 = the chip reports "time out" (01), 1 = "target released" (29) */
START_TEST(t_removal_mid_session)
{
	static const char *const status[] = {"0x01", "0x29"};
	const char *const args[] = {"--remove-after", "3", "--removal-status",
	                            status[_i], NULL};
	long long ms;
	struct emu e;
	cvc_card *card;

	emu_start(&e, args);
	card = open_ok(&e);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(get_data(card, NULL), CVC_OK);
	ck_assert_int_eq(get_data(card, &ms), CVC_ERR_CARD_REMOVED);
	printf("timing: removal (status %s) reported after %lld ms\n",
	       status[_i], ms);
	ck_assert_int_lt(ms, REMOVAL_BOUND_MS);
	ck_assert_int_eq(get_data(card, &ms), CVC_ERR_CARD_REMOVED);
	ck_assert_int_lt(ms, REMOVAL_BOUND_MS);
	/* no card for the reset to find */
	ck_assert_int_eq(cvc_card_reset(card), CVC_ERR_CARD_REMOVED);
	/* the card comes back: a reset selects it again */
	ck_assert_int_eq(kill(e.pid, SIGUSR2), 0);
	sleep_ms(100);
	ck_assert_int_eq(cvc_card_reset(card), CVC_OK);
	ck_assert_int_eq(get_data(card, NULL), CVC_OK);
	/* and leaves without warning */
	ck_assert_int_eq(kill(e.pid, SIGUSR1), 0);
	sleep_ms(100);
	ck_assert_int_eq(get_data(card, &ms), CVC_ERR_CARD_REMOVED);
	ck_assert_int_lt(ms, REMOVAL_BOUND_MS);
	cvc_card_free(&card);
	emu_stop(&e);
}
END_TEST

/* An RF error with the card still there is not a removal. */
START_TEST(t_rf_glitch)
{
	static const char *const args[] = {"--rf-error-after", "1", NULL};
	struct emu e;
	cvc_card *card;

	emu_start(&e, args);
	card = open_ok(&e);
	ck_assert_int_eq(get_data(card, NULL), CVC_OK);
	ck_assert_int_eq(get_data(card, NULL), CVC_ERR_TRANSPORT);
	ck_assert_int_eq(get_data(card, NULL), CVC_OK);
	cvc_card_free(&card);
	emu_stop(&e);
}
END_TEST

/* A warm reset forgets the card's security state (VERIFY status). */
START_TEST(t_reset)
{
	static const uint8_t verify[] = {0x00, 0x20, 0x00, 0x81, 0x06, '1',
	                                 '2',  '3',  '4',  '5',  '6'};
	static const uint8_t status[] = {0x00, 0x20, 0x00, 0x81};
	uint8_t r[16];
	size_t len = 0;
	struct emu e;
	cvc_card *card;

	emu_start(&e, NULL);
	card = open_ok(&e);
	ck_assert_int_eq(cvc_card_transmit_raw(card, verify, sizeof(verify), r,
	                                       sizeof(r), &len),
	                 CVC_OK);
	ck_assert_int_eq(cvc_card_transmit_raw(card, status, sizeof(status), r,
	                                       sizeof(r), &len),
	                 CVC_OK);
	ck_assert_uint_eq(len, 2);
	ck_assert_uint_eq(r[0], 0x90);
	ck_assert_int_eq(cvc_card_reset(card), CVC_OK);
	ck_assert_int_eq(cvc_card_transmit_raw(card, status, sizeof(status), r,
	                                       sizeof(r), &len),
	                 CVC_OK);
	ck_assert_uint_eq(r[0], 0x63);
	cvc_card_free(&card);
	emu_stop(&e);
}
END_TEST

START_TEST(t_slow_card_within_timeout)
{
	static const uint8_t sleep_1s[] = {0x00, 0xe4, 0x0a, 0x00};
	uint8_t r[16];
	size_t len = 0;
	long long t0;
	struct emu e;
	cvc_card *card;

	emu_start(&e, NULL);
	card = open_ok(&e);
	t0 = now_ms();
	ck_assert_int_eq(cvc_card_transmit_raw(card, sleep_1s, sizeof(sleep_1s),
	                                       r, sizeof(r), &len),
	                 CVC_OK);
	ck_assert_int_ge(now_ms() - t0, 1000);
	ck_assert_uint_eq(r[0], 0x90);
	cvc_card_free(&card);
	emu_stop(&e);
}
END_TEST

START_TEST(t_hung_chip)
{
	static const char *const args[] = {"--hang-after", "2", NULL};
	long long ms, t0;
	struct emu e;
	cvc_card *card;

	emu_start(&e, args);
	card = open_ok(&e);
	ck_assert_int_eq(get_data(card, NULL), CVC_OK);
	ck_assert_int_eq(get_data(card, NULL), CVC_OK);
	ck_assert_int_eq(get_data(card, &ms), CVC_ERR_TIMEOUT);
	printf("timing: hung chip reported after %lld ms\n", ms);
	ck_assert_int_ge(ms, EXCHANGE_TIMEOUT_MS - 100);
	ck_assert_int_lt(ms, EXCHANGE_TIMEOUT_MS + 1500);
	/* a reset stops at the chip too, before the selection that libnfc
	 * would wait for without limit */
	t0 = now_ms();
	ck_assert_int_eq(cvc_card_reset(card), CVC_ERR_TRANSPORT);
	ms = now_ms() - t0;
	printf("timing: reset with a hung chip failed after %lld ms\n", ms);
	ck_assert_int_lt(ms, 1500);
	ck_assert_int_eq(get_data(card, NULL), CVC_ERR_CARD_REMOVED);
	/* closing talks to the chip too: also bounded */
	t0 = now_ms();
	cvc_card_free(&card);
	ms = now_ms() - t0;
	printf("timing: closing with a hung chip took %lld ms\n", ms);
	ck_assert_int_lt(ms, 3000);
	emu_stop(&e);
}
END_TEST

START_TEST(t_silent_chip)
{
	static const char *const args[] = {"--silent", NULL};
	cvc_card *card = NULL;
	long long t0, ms;
	struct emu e;

	emu_start(&e, args);
	t0 = now_ms();
	ck_assert_int_eq(cvc_card_open(e.spec, 1000, &card), CVC_ERR_NO_READER);
	ms = now_ms() - t0;
	printf("timing: silent chip reported after %lld ms\n", ms);
	ck_assert_int_lt(ms, 3000);
	ck_assert_ptr_null(card);
	emu_stop(&e);
}
END_TEST

START_TEST(t_empty_field)
{
	static const char *const args[] = {"--no-card", NULL};
	cvc_card *card = NULL;
	long long t0, ms;
	struct emu e;

	emu_start(&e, args);
	t0 = now_ms();
	ck_assert_int_eq(cvc_card_open(e.spec, 0, &card), CVC_ERR_NO_CARD);
	ck_assert_int_lt(now_ms() - t0, 1000);
	t0 = now_ms();
	ck_assert_int_eq(cvc_card_open(e.spec, 400, &card), CVC_ERR_TIMEOUT);
	ms = now_ms() - t0;
	ck_assert_int_ge(ms, 400);
	ck_assert_int_lt(ms, 1500);
	ck_assert_ptr_null(card);
	emu_stop(&e);
}
END_TEST

START_TEST(t_open_waits_for_card)
{
	static const char *const args[] = {"--no-card", NULL};
	cvc_card *card = NULL;
	long long t0;
	struct emu e;
	pid_t helper;

	emu_start(&e, args);
	helper = signal_later(e.pid, SIGUSR2, 300);
	t0 = now_ms();
	ck_assert_int_eq(cvc_card_open(e.spec, 3000, &card), CVC_OK);
	ck_assert_int_ge(now_ms() - t0, 250);
	reap(helper);
	ck_assert_int_eq(get_data(card, NULL), CVC_OK);
	cvc_card_free(&card);
	emu_stop(&e);
}
END_TEST

START_TEST(t_wait)
{
	static const char *const args[] = {"--no-card", NULL};
	long long t0, ms;
	struct emu e;
	pid_t helper;

	emu_start(&e, args);
	t0 = now_ms();
	ck_assert_int_eq(cvc_card_wait(e.spec, true, 300), CVC_ERR_TIMEOUT);
	ms = now_ms() - t0;
	ck_assert_int_ge(ms, 300);
	ck_assert_int_lt(ms, 1500);
	ck_assert_int_eq(cvc_card_wait(e.spec, false, 0), CVC_OK);

	helper = signal_later(e.pid, SIGUSR2, 300);
	t0 = now_ms();
	ck_assert_int_eq(cvc_card_wait(e.spec, true, 3000), CVC_OK);
	ck_assert_int_ge(now_ms() - t0, 250);
	reap(helper);

	ck_assert_int_eq(cvc_card_wait(e.spec, false, 200), CVC_ERR_TIMEOUT);
	helper = signal_later(e.pid, SIGUSR1, 300);
	t0 = now_ms();
	ck_assert_int_eq(cvc_card_wait(e.spec, false, 3000), CVC_OK);
	ms = now_ms() - t0;
	ck_assert_int_ge(ms, 250);
	ck_assert_int_lt(ms, 300 + REMOVAL_BOUND_MS);
	reap(helper);
	emu_stop(&e);
}
END_TEST

START_TEST(t_round_trip)
{
	long long t0, open_ms, ms;
	struct emu e;
	cvc_card *card;

	emu_start(&e, NULL);
	t0 = now_ms();
	card = open_ok(&e);
	open_ms = now_ms() - t0;
	t0 = now_ms();
	for (int i = 0; i < 200; i++)
		ck_assert_int_eq(get_data(card, NULL), CVC_OK);
	ms = now_ms() - t0;
	printf("timing: open %lld ms, 200 APDUs %lld ms (%.2f ms each)\n",
	       open_ms, ms, ms / 200.0);
	ck_assert_int_lt(ms, 200 * 50);
	cvc_card_free(&card);
	emu_stop(&e);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Reader specs and the reader list                                    */

START_TEST(t_bad_specs)
{
	char spec[1200];
	cvc_card *card = NULL;

	ck_assert_int_eq(cvc_card_open("nfc:nosuchdriver:x", 0, &card),
	                 CVC_ERR_NO_READER);
	ck_assert_int_eq(
	    cvc_card_open("nfc:pn532_uart:/nonexistent/tty", 0, &card),
	    CVC_ERR_NO_READER);
	memset(spec, 'a', sizeof(spec) - 1);
	spec[sizeof(spec) - 1] = '\0';
	memcpy(spec, "nfc:", 4);
	ck_assert_int_eq(cvc_card_open(spec, 0, &card), CVC_ERR_INVALID_ARG);
	ck_assert_ptr_null(card);
}
END_TEST

START_TEST(t_reader_list_and_default_device)
{
	char connstring[300], line[320], list[4096];
	size_t len = 0, len2 = 0;
	struct emu e;
	cvc_card *card = NULL;
	cvc_err err;

	emu_start(&e, NULL);
	snprintf(connstring, sizeof(connstring), "pn532_uart:%s", e.tty);
	snprintf(line, sizeof(line), "nfc:%s\n", connstring);
	ck_assert_int_eq(setenv("LIBNFC_DEVICE", connstring, 1), 0);

	ck_assert_int_eq(cvc_readers_list(list, sizeof(list), &len), CVC_OK);
	ck_assert_uint_eq(strlen(list), len);
	ck_assert_ptr_nonnull(strstr(list, line));
	/* sizing call */
	err = cvc_readers_list(NULL, 0, &len2);
	ck_assert_int_eq(err, CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(len2, len);
	ck_assert_int_eq(cvc_readers_list(list, len, &len2),
	                 CVC_ERR_BUFFER_TOO_SMALL);

	/* "nfc:" opens libnfc's default device */
	ck_assert_int_eq(cvc_card_open("nfc:", 2000, &card), CVC_OK);
	ck_assert_str_eq(cvc_card_reader(card), connstring);
	ck_assert_int_eq(get_data(card, NULL), CVC_OK);
	cvc_card_free(&card);
	unsetenv("LIBNFC_DEVICE");
	emu_stop(&e);
}
END_TEST

/* ------------------------------------------------------------------ */
/* PC/SC and NFC side by side (run by nfc-pcsc-compare.sh)             */

/*
 * The same script through pcscd + vpcd + vicc and through libnfc +
 * pn532emu: both serve the card model, so every command and response must
 * be identical, and equal to the in-process card's.
 */
START_TEST(t_pcsc_vs_nfc)
{
	static struct transcript nfc, pcsc, fn;
	const char *reader = getenv("CVC_PCSC_READER");
	char spec[512];
	struct emu e;
	cvc_card *card = NULL;

	ck_assert_ptr_nonnull(reader);
	snprintf(spec, sizeof(spec), "pcsc:%s", reader);
	memset(&nfc, 0, sizeof(nfc));
	memset(&pcsc, 0, sizeof(pcsc));
	memset(&fn, 0, sizeof(fn));

	ck_assert_int_eq(cvc_card_open(spec, 5000, &card), CVC_OK);
	ck_assert_int_eq(cvc_card_transport(card), CVC_TRANSPORT_PCSC);
	run_script(card, &pcsc);
	cvc_card_free(&card);

	emu_start(&e, NULL);
	card = open_ok(&e);
	run_script(card, &nfc);
	cvc_card_free(&card);
	emu_stop(&e);

	run_function_script(&fn);
	assert_same_transcript(&pcsc, &nfc);
	assert_same_transcript(&nfc, &fn);
	ck_assert(pcsc.saw_chaining && pcsc.saw_get_response);
}
END_TEST

static Suite *compare_suite(void)
{
	Suite *s = suite_create("nfc-vs-pcsc");
	TCase *tc = tcase_create("compare");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_pcsc_vs_nfc);
	suite_add_tcase(s, tc);
	return s;
}

static Suite *nfc_suite(void)
{
	Suite *s = suite_create("nfc");
	TCase *tc = tcase_create("pn532emu");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_identify_default);
	tcase_add_test(tc, t_identify_custom);
	tcase_add_test(tc, t_not_iso_dep);
	tcase_add_test(tc, t_script_same_as_function);
	tcase_add_test(tc, t_script_in_mi_pieces);
	tcase_add_test(tc, t_raw_61xx);
	tcase_add_test(tc, t_too_long_for_pn532);
	tcase_add_loop_test(tc, t_removal_mid_session, 0, 2);
	tcase_add_test(tc, t_rf_glitch);
	tcase_add_test(tc, t_reset);
	tcase_add_test(tc, t_slow_card_within_timeout);
	tcase_add_test(tc, t_hung_chip);
	tcase_add_test(tc, t_silent_chip);
	tcase_add_test(tc, t_empty_field);
	tcase_add_test(tc, t_open_waits_for_card);
	tcase_add_test(tc, t_wait);
	tcase_add_test(tc, t_round_trip);
	tcase_add_test(tc, t_bad_specs);
	tcase_add_test(tc, t_reader_list_and_default_device);
	suite_add_tcase(s, tc);
	return s;
}

/* Removes the files a failed test left behind (Check ends a failing test
 * at once; its emulator died with it, by PR_SET_PDEATHSIG). */
static void remove_work_dir(void)
{
	DIR *d = opendir(work_dir);
	struct dirent *de;
	char path[sizeof(work_dir) + 300];

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", work_dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(work_dir);
}

/* Usage: test_nfc [compare] (compare: PC/SC against NFC, needs pcscd) */
int main(int argc, char **argv)
{
	bool compare = argc > 1 && strcmp(argv[1], "compare") == 0;
	SRunner *sr;
	int failed;

	/* Only the devices named: no USB or serial probing. */
	setenv("LIBNFC_AUTO_SCAN", "false", 1);

	unsetenv("LIBNFC_DEVICE");
	unsetenv("LIBNFC_DEFAULT_DEVICE");
	strcpy(work_dir, "/tmp/cvc-nfc-XXXXXX");
	if (!mkdtemp(work_dir)) {
		perror("mkdtemp");
		return 1;
	}
	sr = srunner_create(compare ? compare_suite() : nfc_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	remove_work_dir();
	return failed == 0 ? 0 : 1;
}
