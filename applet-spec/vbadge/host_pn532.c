/* SPDX-License-Identifier: MIT */
/* A PN532 on a pseudo-terminal: see host_pn532.h. */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "host_pn532.h"

/* Frame layout (UM0701-02 6.2.1.1 / 6.2.1.2) */
#define TFI_HOST       0xd4
#define TFI_CHIP       0xd5
#define NORMAL_MAX_LEN 255u /* LEN octet, TFI included */
#define FRAME_DATA_MAX 264u /* TFI + PD0..PDn the PN532 takes (7.1) */

/* Commands (UM0701-02 chapter 7) */
enum {
	CMD_DIAGNOSE = 0x00,
	CMD_GET_FIRMWARE_VERSION = 0x02,
	CMD_GET_GENERAL_STATUS = 0x04,
	CMD_READ_REGISTER = 0x06,
	CMD_WRITE_REGISTER = 0x08,
	CMD_SET_PARAMETERS = 0x12,
	CMD_SAM_CONFIGURATION = 0x14,
	CMD_POWER_DOWN = 0x16,
	CMD_RF_CONFIGURATION = 0x32,
	CMD_IN_DATA_EXCHANGE = 0x40,
	CMD_IN_COMMUNICATE_THRU = 0x42,
	CMD_IN_DESELECT = 0x44,
	CMD_IN_LIST_PASSIVE_TARGET = 0x4a,
	CMD_IN_RELEASE = 0x52,
	CMD_IN_SELECT = 0x54,
};

/* Status byte of the In* commands (UM0701-02 7.1, table 4) */
enum {
	ST_OK = 0x00,
	ST_TIMEOUT = 0x01,
	ST_CRC_ERROR = 0x02,
	ST_CMD_NOT_ACCEPTABLE = 0x27,
	ST_MI = 0x40, /* more information follows (7.3.8) */
};

#define DIAG_COMM_TEST     0x00
#define DIAG_CARD_PRESENCE 0x06
#define RFCI_FIELD         0x01
#define RFCI_MAX_RETRIES   0x05
#define BRTY_106_TYPE_A    0x00
#define INFINITE_RETRIES   0xff

struct chip {
	const vhost_pn532_options *opt;
	const vhost_card *card;
	int master;
	bool card_present;
	bool target_active;    /* selected by InListPassiveTarget */
	bool hung;             /* answers nothing any more */
	bool rf_error_done;    /* --rf-error-after has struck */
	bool list_waiting;     /* InListPassiveTarget waits for a card */
	uint8_t max_retries;   /* MxRtyPassiveActivation */
	long apdus;            /* APDUs answered */
	uint8_t regs[0x10000]; /* register space for Read/WriteRegister */
	uint8_t rapdu[65536 + 2];
	size_t rapdu_len; /* response still to hand out with MI */
	size_t rapdu_off;
	uint8_t last_frame[FRAME_DATA_MAX + 16]; /* for NACK */
	size_t last_frame_len;
	uint8_t in[4096]; /* bytes from the host not yet parsed */
	size_t in_len;
};

static volatile sig_atomic_t got_stop;
static volatile sig_atomic_t got_remove;
static volatile sig_atomic_t got_insert;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_remove = 1;
	else if (sig == SIGUSR2)
		got_insert = 1;
	else
		got_stop = 1;
}

static void log_bytes(const struct chip *c, const char *what, const uint8_t *p,
                      size_t n)
{
	if (!c->opt->trace)
		return;
	fprintf(stderr, "%s %s", c->opt->name, what);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, " %02X", p[i]);
	fputc('\n', stderr);
}

static bool write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};

			poll(&pfd, 1, 100);
			continue;
		}
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static void send_ack(struct chip *c)
{
	static const uint8_t ack[] = {0x00, 0x00, 0xff, 0x00, 0xff, 0x00};

	log_bytes(c, "ack", ack, sizeof(ack));
	write_all(c->master, ack, sizeof(ack));
}

/* Sends D5 <cc + 1> <data>, as a normal or an extended frame (6.2.1). */
static void send_response(struct chip *c, uint8_t cc, const uint8_t *data,
                          size_t n)
{
	uint8_t *f = c->last_frame;
	size_t len = n + 2, i = 0;
	uint8_t sum = TFI_CHIP + (uint8_t)(cc + 1);

	f[i++] = 0x00;
	f[i++] = 0x00;
	f[i++] = 0xff;
	if (len <= NORMAL_MAX_LEN) {
		f[i++] = (uint8_t)len;
		f[i++] = (uint8_t)(0x100 - len);
	} else {
		f[i++] = 0xff;
		f[i++] = 0xff;
		f[i++] = (uint8_t)(len >> 8);
		f[i++] = (uint8_t)len;
		f[i++] = (uint8_t)(0x100 - ((len >> 8) + (len & 0xff)));
	}
	f[i++] = TFI_CHIP;
	f[i++] = (uint8_t)(cc + 1);
	for (size_t k = 0; k < n; k++) {
		f[i++] = data[k];
		sum += data[k];
	}
	f[i++] = (uint8_t)(0x100 - sum);
	f[i++] = 0x00;
	c->last_frame_len = i;
	log_bytes(c, len <= NORMAL_MAX_LEN ? "tx" : "tx-extended", f, i);
	write_all(c->master, f, i);
}

/* Application-level error frame (6.2.1.5): libnfc reports NFC_EIO. */
static void send_error_frame(struct chip *c)
{
	static const uint8_t err[] = {0x00, 0x00, 0xff, 0x01,
	                              0xff, 0x7f, 0x81, 0x00};

	log_bytes(c, "error", err, sizeof(err));
	write_all(c->master, err, sizeof(err));
}

static void card_leaves(struct chip *c)
{
	c->card_present = false;
	c->target_active = false;
	c->rapdu_len = c->rapdu_off = 0;
}

static void card_arrives(struct chip *c)
{
	c->card_present = true;
	c->target_active = false;
	c->card->reset(c->card->ctx);
}

/* ---- commands --------------------------------------------------------- */

static void cmd_diagnose(struct chip *c, const uint8_t *p, size_t n)
{
	uint8_t out[FRAME_DATA_MAX];

	if (n >= 1 && p[0] == DIAG_COMM_TEST && n <= sizeof(out)) {
		memcpy(out, p, n); /* echo NumTst and InParam (7.2.1) */
		send_response(c, CMD_DIAGNOSE, out, n);
		return;
	}
	if (n >= 1 && p[0] == DIAG_CARD_PRESENCE) {
		out[0] =
		    c->card_present && c->target_active ? ST_OK : ST_TIMEOUT;
		send_response(c, CMD_DIAGNOSE, out, 1);
		return;
	}
	send_error_frame(c);
}

static void cmd_firmware_version(struct chip *c)
{
	/* IC PN532, version 1.6, supports ISO 14443 A and B and ISO 18092 */
	static const uint8_t fw[] = {0x32, 0x01, 0x06, 0x07};

	send_response(c, CMD_GET_FIRMWARE_VERSION, fw, sizeof(fw));
}

static void cmd_general_status(struct chip *c)
{
	uint8_t out[8];
	size_t n = 0;

	out[n++] = 0x00; /* last error */
	out[n++] = 0x01; /* field present */
	out[n++] = c->target_active ? 1 : 0;
	if (c->target_active) {
		out[n++] = 0x01; /* Tg */
		out[n++] = 0x00; /* BrRx 106 kbps */
		out[n++] = 0x00; /* BrTx 106 kbps */
		out[n++] = 0x00; /* type A */
	}
	out[n++] = 0x01; /* SAM status */
	send_response(c, CMD_GET_GENERAL_STATUS, out, n);
}

static void cmd_read_register(struct chip *c, const uint8_t *p, size_t n)
{
	uint8_t out[FRAME_DATA_MAX];
	size_t k = 0;

	for (size_t i = 0; i + 1 < n && k < sizeof(out) - 2; i += 2)
		out[k++] = c->regs[(size_t)p[i] << 8 | p[i + 1]];
	send_response(c, CMD_READ_REGISTER, out, k);
}

static void cmd_write_register(struct chip *c, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 2 < n; i += 3)
		c->regs[(size_t)p[i] << 8 | p[i + 1]] = p[i + 2];
	send_response(c, CMD_WRITE_REGISTER, NULL, 0);
}

static void cmd_rf_configuration(struct chip *c, const uint8_t *p, size_t n)
{
	/* CfgItem 5: MxRtyATR, MxRtyPSL, MxRtyPassiveActivation (7.3.1) */
	if (n >= 4 && p[0] == RFCI_MAX_RETRIES)
		c->max_retries = p[3];
	/* CfgItem 1, field off: the card loses power and its selection */
	if (n >= 2 && p[0] == RFCI_FIELD && !(p[1] & 0x01)) {
		c->target_active = false;
		c->rapdu_len = c->rapdu_off = 0;
	}
	send_response(c, CMD_RF_CONFIGURATION, NULL, 0);
}

/* ATQA (SENS_RES) bits 7..6 of the first octet give the UID size
 * (ISO/IEC 14443-3 6.5.2.1): single, double, triple. */
static uint8_t atqa_uid_bits(size_t uid_len)
{
	return uid_len == 4 ? 0x00 : uid_len == 7 ? 0x40 : 0x80;
}

static void answer_target(struct chip *c)
{
	const vhost_pn532_options *o = c->opt;
	uint8_t out[64];
	size_t n = 0;

	out[n++] = 1;    /* NbTg */
	out[n++] = 1;    /* Tg */
	out[n++] = 0x00; /* SENS_RES, as the PN532 orders it (7.3.5) */
	out[n++] = (uint8_t)(0x04 | atqa_uid_bits(o->uid_len));
	out[n++] = o->sak;
	out[n++] = (uint8_t)o->uid_len;
	memcpy(out + n, o->uid, o->uid_len);
	n += o->uid_len;
	if (o->sak & 0x20) { /* the chip sent RATS: ATS with TL first */
		out[n++] = (uint8_t)(o->ats_len + 1);
		memcpy(out + n, o->ats, o->ats_len);
		n += o->ats_len;
	}
	c->target_active = true;
	c->rapdu_len = c->rapdu_off = 0;
	c->card->reset(c->card->ctx);
	send_response(c, CMD_IN_LIST_PASSIVE_TARGET, out, n);
}

static void answer_no_target(struct chip *c)
{
	static const uint8_t none[] = {0x00};

	send_response(c, CMD_IN_LIST_PASSIVE_TARGET, none, sizeof(none));
}

static void cmd_list_passive_target(struct chip *c, const uint8_t *p, size_t n)
{
	c->target_active = false;
	if (n < 2 || p[0] < 1) {
		send_error_frame(c);
		return;
	}
	if (p[1] != BRTY_106_TYPE_A) { /* only a type A card in the field */
		answer_no_target(c);
		return;
	}
	if (c->card_present) {
		answer_target(c);
		return;
	}
	/* With infinite retries the real chip keeps polling until a card
	 * comes (or the host aborts with an ACK). */
	if (c->max_retries == INFINITE_RETRIES)
		c->list_waiting = true;
	else
		answer_no_target(c);
}

static void send_exchange_part(struct chip *c, uint8_t cc)
{
	uint8_t out[FRAME_DATA_MAX];
	size_t left = c->rapdu_len - c->rapdu_off;
	size_t chunk = c->opt->mi_chunk;
	size_t n = left > chunk ? chunk : left;

	out[0] = left > n ? ST_MI : ST_OK;
	if (out[0] == ST_MI && c->opt->verbose)
		fprintf(stderr, "%s: more information follows\n", c->opt->name);
	memcpy(out + 1, c->rapdu + c->rapdu_off, n);
	c->rapdu_off += n;
	if (c->rapdu_off == c->rapdu_len)
		c->rapdu_len = c->rapdu_off = 0;
	send_response(c, cc, out, n + 1);
}

static void send_status(struct chip *c, uint8_t cc, uint8_t status)
{
	send_response(c, cc, &status, 1);
}

static void cmd_data_exchange(struct chip *c, const uint8_t *p, size_t n)
{
	size_t rlen = 0;

	if (n < 1 || (p[0] & 0x0f) != 1 || !c->card_present ||
	    !c->target_active) {
		send_status(c, CMD_IN_DATA_EXCHANGE,
		            c->card_present ? ST_CMD_NOT_ACCEPTABLE
		                            : c->opt->removal_status);
		return;
	}
	if (n == 1 && c->rapdu_len > 0) { /* host fetches the next part */
		send_exchange_part(c, CMD_IN_DATA_EXCHANGE);
		return;
	}
	c->rapdu_len = c->rapdu_off = 0;
	if (c->opt->rf_error_after >= 0 && !c->rf_error_done &&
	    c->apdus == c->opt->rf_error_after) {
		c->rf_error_done = true;
		send_status(c, CMD_IN_DATA_EXCHANGE, ST_CRC_ERROR);
		return;
	}
	if (c->card->process(c->card->ctx, p + 1, n - 1, c->rapdu,
	                     sizeof(c->rapdu), &rlen) != CVC_OK ||
	    rlen < 2) {
		send_status(c, CMD_IN_DATA_EXCHANGE, ST_TIMEOUT);
		return;
	}
	c->rapdu_len = rlen;
	c->apdus++;
	send_exchange_part(c, CMD_IN_DATA_EXCHANGE);
	if (c->opt->remove_after >= 0 && c->apdus == c->opt->remove_after) {
		if (c->opt->verbose)
			fprintf(stderr, "%s: card leaves the field\n",
			        c->opt->name);
		card_leaves(c);
	}
}

/*
 * Raw frames. The only one our card answers is an ISO/IEC 14443-4 R(NAK)
 * block (PCB 1011 001b, 7.5.4.3): libnfc sends it to test presence, and
 * the card answers R(ACK) with its block number (rule 12). Anything else
 * (probes for other card types) meets silence.
 */
static void cmd_communicate_thru(struct chip *c, const uint8_t *p, size_t n)
{
	uint8_t out[2];

	if (n == 1 && (p[0] & 0xfe) == 0xb2 && c->card_present &&
	    c->target_active) {
		out[0] = ST_OK;
		out[1] = (uint8_t)(0xa2 | (p[0] & 1));
		send_response(c, CMD_IN_COMMUNICATE_THRU, out, sizeof(out));
		return;
	}
	send_status(c, CMD_IN_COMMUNICATE_THRU, ST_TIMEOUT);
}

static void cmd_release(struct chip *c, uint8_t cc)
{
	static const uint8_t ok[] = {ST_OK};

	c->target_active = false;
	c->rapdu_len = c->rapdu_off = 0;
	send_response(c, cc, ok, sizeof(ok));
}

static void cmd_select(struct chip *c)
{
	if (c->card_present) {
		c->target_active = true;
		send_status(c, CMD_IN_SELECT, ST_OK);
	} else {
		send_status(c, CMD_IN_SELECT, ST_TIMEOUT);
	}
}

static void dispatch(struct chip *c, const uint8_t *d, size_t n)
{
	uint8_t cc = d[0];
	const uint8_t *p = d + 1;
	size_t pn = n - 1;
	static const uint8_t power_down_ok[] = {ST_OK};

	switch (cc) {
	case CMD_DIAGNOSE:
		cmd_diagnose(c, p, pn);
		break;
	case CMD_GET_FIRMWARE_VERSION:
		cmd_firmware_version(c);
		break;
	case CMD_GET_GENERAL_STATUS:
		cmd_general_status(c);
		break;
	case CMD_READ_REGISTER:
		cmd_read_register(c, p, pn);
		break;
	case CMD_WRITE_REGISTER:
		cmd_write_register(c, p, pn);
		break;
	case CMD_SET_PARAMETERS:
	case CMD_SAM_CONFIGURATION:
		send_response(c, cc, NULL, 0);
		break;
	case CMD_POWER_DOWN:
		send_response(c, cc, power_down_ok, sizeof(power_down_ok));
		break;
	case CMD_RF_CONFIGURATION:
		cmd_rf_configuration(c, p, pn);
		break;
	case CMD_IN_LIST_PASSIVE_TARGET:
		cmd_list_passive_target(c, p, pn);
		break;
	case CMD_IN_DATA_EXCHANGE:
		cmd_data_exchange(c, p, pn);
		break;
	case CMD_IN_COMMUNICATE_THRU:
		cmd_communicate_thru(c, p, pn);
		break;
	case CMD_IN_DESELECT:
	case CMD_IN_RELEASE:
		cmd_release(c, cc);
		break;
	case CMD_IN_SELECT:
		cmd_select(c);
		break;
	default:
		send_error_frame(c);
		break;
	}
}

/* The chip hangs before it acknowledges this command (--hang-after). */
static bool hangs_now(struct chip *c, const uint8_t *d)
{
	if (c->hung)
		return true;
	if (c->opt->hang_after >= 0 && d[0] == CMD_IN_DATA_EXCHANGE &&
	    c->apdus >= c->opt->hang_after) {
		if (c->opt->verbose)
			fprintf(stderr, "%s: chip hangs\n", c->opt->name);
		c->hung = true;
	}
	return c->hung;
}

static void handle_frame(struct chip *c, const uint8_t *d, size_t n,
                         bool extended)
{
	log_bytes(c, extended ? "rx-extended" : "rx", d, n);
	if (c->opt->silent)
		return;
	if (n < 2 || d[0] != TFI_HOST)
		return; /* not for us: the chip ignores it */
	if (hangs_now(c, d + 1))
		return;
	c->list_waiting = false;
	send_ack(c);
	dispatch(c, d + 1, n - 1);
}

/* ---- host byte stream ------------------------------------------------- */

static void consume(struct chip *c, size_t n)
{
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
}

/* Offset just past the start code 00 FF, or 0 when there is none yet
 * (bytes before it, such as the 55 55 00.. wake-up, are dropped). */
static size_t find_start(struct chip *c)
{
	for (size_t i = 0; i + 1 < c->in_len; i++)
		if (c->in[i] == 0x00 && c->in[i + 1] == 0xff) {
			consume(c, i);
			return 2;
		}
	if (c->in_len > 0 && c->in[c->in_len - 1] == 0x00)
		consume(c, c->in_len - 1);
	else
		c->in_len = 0;
	return 0;
}

/*
 * Handles one complete frame at the start of the buffer. Returns false
 * when more bytes are needed.
 */
static bool parse_one(struct chip *c)
{
	size_t s = find_start(c), len, hdr;
	uint8_t sum = 0;

	if (s == 0 || c->in_len < s + 2)
		return false;
	if (c->in[s] == 0x00 && c->in[s + 1] == 0xff) { /* ACK: abort */
		c->list_waiting = false;
		consume(c, s + 2);
		return true;
	}
	if (c->in[s] == 0xff && c->in[s + 1] == 0x00) { /* NACK: resend */
		consume(c, s + 2);
		if (!c->hung && !c->opt->silent)
			write_all(c->master, c->last_frame, c->last_frame_len);
		return true;
	}
	if (c->in[s] == 0xff && c->in[s + 1] == 0xff) { /* extended */
		if (c->in_len < s + 5)
			return false;
		len = (size_t)c->in[s + 2] << 8 | c->in[s + 3];
		if ((uint8_t)(c->in[s + 2] + c->in[s + 3] + c->in[s + 4])) {
			consume(c, s); /* bad LCS: resynchronise */
			return true;
		}
		hdr = s + 5;
	} else {
		len = c->in[s];
		if ((uint8_t)(c->in[s] + c->in[s + 1]) != 0) {
			consume(c, s);
			return true;
		}
		hdr = s + 2;
	}
	if (len == 0 || len > FRAME_DATA_MAX) {
		consume(c, hdr);
		return true;
	}
	if (c->in_len < hdr + len + 2)
		return false; /* DCS and postamble still to come */
	for (size_t i = 0; i < len + 1; i++)
		sum += c->in[hdr + i];
	if (sum == 0) /* data checksum (6.2.1.1) */
		handle_frame(c, c->in + hdr, len, hdr == s + 5);
	else if (c->opt->verbose)
		fprintf(stderr, "%s: bad DCS, frame ignored\n", c->opt->name);
	consume(c, hdr + len + 2);
	return true;
}

static bool read_host(struct chip *c)
{
	ssize_t r;

	if (c->in_len == sizeof(c->in))
		c->in_len = 0; /* garbage: start over */
	r = read(c->master, c->in + c->in_len, sizeof(c->in) - c->in_len);
	if (r > 0) {
		c->in_len += (size_t)r;
		while (parse_one(c))
			;
		return true;
	}
	/* EIO: no slave open (cannot happen while we hold one) */
	return r < 0 && (errno == EINTR || errno == EAGAIN || errno == EIO);
}

static void handle_signals(struct chip *c)
{
	if (got_remove) {
		got_remove = 0;
		card_leaves(c);
	}
	if (got_insert) {
		got_insert = 0;
		card_arrives(c);
	}
	if (c->list_waiting && c->card_present) {
		c->list_waiting = false;
		answer_target(c);
	}
}

static bool past(const struct timespec *deadline)
{
	struct timespec now;

	if (deadline->tv_sec == 0)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline->tv_sec ||
	       (now.tv_sec == deadline->tv_sec &&
	        now.tv_nsec >= deadline->tv_nsec);
}

static int serve(struct chip *c, const struct timespec *deadline)
{
	while (!got_stop && !past(deadline)) {
		struct pollfd pfd = {.fd = c->master, .events = POLLIN};
		int r = poll(&pfd, 1, 20);

		handle_signals(c);
		if (r < 0 && errno != EINTR)
			return 1;
		if (r > 0 && (pfd.revents & POLLIN) && !read_host(c))
			return 1;
		if (r > 0 && (pfd.revents & (POLLHUP | POLLERR)) &&
		    !(pfd.revents & POLLIN)) {
			/* no slave open: wait instead of spinning */
			struct timespec ts = {0, 10 * 1000000L};

			nanosleep(&ts, NULL);
		}
	}
	return 0;
}

/* ---- setup ------------------------------------------------------------ */

void vhost_pn532_defaults(vhost_pn532_options *o)
{
	static const uint8_t uid[] = {0x08, 0x12, 0x34, 0x56};
	/* T0: FSCI 8 (256 octets), TA TB TC follow; TA 80: same bit rate both
	 * ways only (106 kbps); TB 70: FWI 7, SFGI 0; TC 02: CID supported;
	 * historical bytes "CVC" (ISO/IEC 14443-4 5.2) */
	static const uint8_t ats[] = {0x78, 0x80, 0x70, 0x02, 0x43, 0x56, 0x43};

	memset(o, 0, sizeof(*o));
	o->name = "pn532emu";
	memcpy(o->uid, uid, sizeof(uid));
	o->uid_len = sizeof(uid);
	memcpy(o->ats, ats, sizeof(ats));
	o->ats_len = sizeof(ats);
	o->sak = 0x20;
	o->card_in_field = true;
	o->remove_after = -1;
	o->removal_status = ST_TIMEOUT;
	o->rf_error_after = -1;
	o->hang_after = -1;
	o->mi_chunk = 262;
	o->exit_after_s = -1;
}

/* Raw 8-bit line: no echo, no line editing, no CR/LF translation. */
static bool make_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t) != 0)
		return false;
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	return tcsetattr(fd, TCSANOW, &t) == 0;
}

/* Writes the path to FILE atomically (a reader never sees half of it). */
static bool publish_path(const char *file, const char *path)
{
	char tmp[4096];
	FILE *f;
	int n = snprintf(tmp, sizeof(tmp), "%s.tmp", file);

	if (n < 0 || (size_t)n >= sizeof(tmp))
		return false;
	f = fopen(tmp, "w");
	if (!f)
		return false;
	fprintf(f, "%s\n", path);
	if (fclose(f) != 0)
		return false;
	return rename(tmp, file) == 0;
}

/* Points link at path, atomically (symlink beside it, then rename). */
static bool publish_link(const char *link, const char *path)
{
	char tmp[4096];
	int n = snprintf(tmp, sizeof(tmp), "%s.tmp", link);

	if (n < 0 || (size_t)n >= sizeof(tmp))
		return false;
	unlink(tmp);
	if (symlink(path, tmp) != 0)
		return false;
	if (rename(tmp, link) != 0) {
		unlink(tmp);
		return false;
	}
	return true;
}

/* Removes link if it still points at path (nobody took it over). */
static void withdraw_link(const char *link, const char *path)
{
	char target[256];
	ssize_t n = readlink(link, target, sizeof(target) - 1);

	if (n < 0)
		return;
	target[n] = '\0';
	if (strcmp(target, path) == 0)
		unlink(link);
}

static bool publish(const vhost_pn532_options *o, const char *path)
{
	if (o->pty_link && !publish_link(o->pty_link, path))
		return false;
	if (o->path_file && !publish_path(o->path_file, path))
		return false;
	if (!o->pty_link && !o->path_file) {
		printf("%s\n", path);
		fflush(stdout);
	}
	return true;
}

static int open_pty(int *slave, char *path, size_t cap)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	const char *name;

	if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0)
		return -1;
	name = ptsname(m);
	if (!name || strlen(name) >= cap)
		return -1;
	strcpy(path, name);
	/* Hold the slave open so the master never sees a hang-up between
	 * clients, and so its line settings stay raw. */
	*slave = open(path, O_RDWR | O_NOCTTY);
	if (*slave < 0 || !make_raw(*slave))
		return -1;
	fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
	return m;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int vhost_pn532_run(const vhost_pn532_options *o, const vhost_card *card)
{
	static struct chip chip; /* large: keep it off the stack */
	struct timespec deadline = {0, 0};
	char path[256];
	int slave = -1, rc;

	memset(&chip, 0, sizeof(chip));
	install_signals();
	chip.opt = o;
	chip.card = card;
	chip.max_retries = INFINITE_RETRIES; /* the chip's default (7.3.1) */
	chip.master = open_pty(&slave, path, sizeof(path));
	if (chip.master < 0) {
		fprintf(stderr, "%s: setup: %s\n", o->name, strerror(errno));
		return 1;
	}
	if (o->card_in_field)
		card_arrives(&chip);
	if (!publish(o, path)) {
		fprintf(stderr, "%s: path file: %s\n", o->name,
		        strerror(errno));
		close(slave);
		close(chip.master);
		return 1;
	}
	if (o->exit_after_s >= 0) {
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += o->exit_after_s;
	}
	rc = serve(&chip, &deadline);
	if (o->pty_link)
		withdraw_link(o->pty_link, path);
	close(slave);
	close(chip.master);
	return rc;
}
