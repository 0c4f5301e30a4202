/* SPDX-License-Identifier: MIT */
/*
 * vicc: the test card (cardmodel) behind pcscd's vpcd driver.
 *
 * vpcd listens on a TCP port per slot; a card "inserts" itself by
 * connecting and "leaves" by closing the socket. Every message in both
 * directions is a 2-octet big-endian length and a payload. A 1-octet
 * payload from vpcd is a control code (0 power off, 1 power on, 2 reset,
 * 4 get ATR; only get ATR is answered), anything longer a command APDU
 * that gets a response APDU.
 *
 * Usage: vicc [-v] [--host ADDR] [--port PORT] [--exit-after SECONDS]
 *             [--remove-after N] [--stall-after N | --stall]
 *   --remove-after N  answer N APDUs, then close the socket when the next
 *                     one arrives (the card leaves mid-exchange)
 *   --stall-after N   answer N APDUs, then read but never answer the next
 *                     ones (ATR polls are still answered: the card stays)
 *   --stall           the same as --stall-after 0
 * vicc retries connecting for up to 10 s (vpcd may still be starting).
 * Exits 0 on SIGTERM/SIGINT, after --exit-after, when vpcd closes the
 * connection or when its parent process ends; 1 on errors; 2 on usage
 * errors.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cardmodel.h"

#define VPCD_POWER_OFF         0
#define VPCD_POWER_ON          1
#define VPCD_RESET             2
#define VPCD_GET_ATR           4
#define VICC_MSG_MAX           65536u
#define VICC_CONNECT_RETRY_MS  20
#define VICC_CONNECT_TIMEOUT_S 10

struct options {
	const char *host;
	unsigned port;
	long exit_after_s; /* < 0: run until signalled */
	long remove_after; /* < 0: never */
	long stall_after;  /* < 0: never */
	bool verbose;
};

struct vicc {
	struct options opt;
	int fd;
	cardmodel *card;
	long apdus; /* APDUs received so far */
	struct timespec deadline;
	uint8_t msg[VICC_MSG_MAX];
	uint8_t resp[VICC_MSG_MAX + 2];
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/*
 * A test that fails may exit without stopping its card: take SIGTERM
 * when the process that started us ends, so no card outlives its test.
 */
static void die_with_parent(void)
{
	pid_t parent = getppid();

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		stop_requested = 1; /* it ended before prctl took effect */
}

static void install_signal_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void usage(FILE *f)
{
	fputs("usage: vicc [-v] [--host ADDR] [--port PORT] "
	      "[--exit-after SECONDS]\n"
	      "            [--remove-after N] [--stall-after N | --stall]\n",
	      f);
}

static bool parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	long v;

	*o = (struct options){"127.0.0.1", 35963, -1, -1, -1, false};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : 0;

		if (strcmp(a, "-v") == 0) {
			o->verbose = true;
			continue;
		}
		if (strcmp(a, "--stall") == 0) {
			o->stall_after = 0;
			continue;
		}
		if (strcmp(a, "--host") == 0 && val) {
			o->host = val;
		} else if (strcmp(a, "--port") == 0 &&
		           parse_long(val, 1, 65535, &v)) {
			o->port = (unsigned)v;
		} else if (strcmp(a, "--exit-after") == 0 &&
		           parse_long(val, 0, INT_MAX / 1000, &v)) {
			o->exit_after_s = v;
		} else if (strcmp(a, "--remove-after") == 0 &&
		           parse_long(val, 0, LONG_MAX, &v)) {
			o->remove_after = v;
		} else if (strcmp(a, "--stall-after") == 0 &&
		           parse_long(val, 0, LONG_MAX, &v)) {
			o->stall_after = v;
		} else {
			usage(stderr);
			return 2;
		}
		i++;
	}
	return 0;
}

static long ms_until(const struct timespec *deadline)
{
	struct timespec now;

	if (deadline->tv_sec == 0)
		return -1; /* no deadline */
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (deadline->tv_sec - now.tv_sec) * 1000 +
	          (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms;
}

static void trace(const struct vicc *v, const char *dir, const uint8_t *p,
                  size_t n)
{
	if (!v->opt.verbose)
		return;
	fprintf(stderr, "vicc %s", dir);
	for (size_t i = 0; i < n && i < 64; i++)
		fprintf(stderr, " %02X", p[i]);
	fprintf(stderr, n > 64 ? " ... (%zu octets)\n" : "\n", n);
}

/*
 * vpcd sends without TCP_NODELAY and reads in two parts; acknowledging
 * at once (TCP_QUICKACK, which Linux clears again after use) keeps a
 * round trip well under a millisecond instead of ~40 ms of delayed ACK.
 */
static void quickack(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

/* Waits until fd is readable; false on timeout, signal or error. */
static bool wait_readable(struct vicc *v)
{
	struct pollfd p = {.fd = v->fd, .events = POLLIN};

	while (!stop_requested) {
		long ms = ms_until(&v->deadline);
		int r;

		if (ms == 0)
			return false;
		r = poll(&p, 1, ms > INT_MAX ? INT_MAX : (int)ms);
		if (r > 0)
			return true;
		if (r == 0 || errno != EINTR)
			return false;
	}
	return false;
}

static bool read_full(struct vicc *v, uint8_t *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r;

		if (!wait_readable(v))
			return false;
		quickack(v->fd);
		r = read(v->fd, buf + got, n - got);
		if (r == 0)
			return false; /* vpcd closed: pcscd stopped */
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		got += (size_t)r;
	}
	return true;
}

/* Header and payload in one write, so vpcd gets them in one segment. */
static bool send_msg(struct vicc *v, const uint8_t *p, size_t n)
{
	uint8_t *out = v->resp;
	size_t total = n + 2, sent = 0;

	if (n > 0xffff) /* the length header has 16 bits */
		return false;
	memmove(out + 2, p, n);
	out[0] = (uint8_t)(n >> 8);
	out[1] = (uint8_t)n;
	trace(v, "<", p, n);
	while (sent < total) {
		ssize_t w = write(v->fd, out + sent, total - sent);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		sent += (size_t)w;
	}
	return true;
}

static bool handle_control(struct vicc *v, uint8_t code)
{
	size_t atr_len;
	const uint8_t *atr;

	switch (code) {
	case VPCD_POWER_OFF:
	case VPCD_POWER_ON:
	case VPCD_RESET:
		cardmodel_reset(v->card);
		return true;
	case VPCD_GET_ATR:
		atr = cardmodel_atr(&atr_len);
		return send_msg(v, atr, atr_len);
	default:
		fprintf(stderr, "vicc: unknown control code %u\n", code);
		return true;
	}
}

/* Returns false when the connection is to end (removal simulated). */
static bool handle_apdu(struct vicc *v, size_t n)
{
	size_t rlen = 0;
	long seen = v->apdus++;
	cvc_err err;

	trace(v, ">", v->msg, n);
	if (v->opt.remove_after >= 0 && seen >= v->opt.remove_after) {
		if (v->opt.verbose)
			fprintf(stderr, "vicc: removing the card\n");
		return false;
	}
	if (v->opt.stall_after >= 0 && seen >= v->opt.stall_after) {
		if (v->opt.verbose)
			fprintf(stderr, "vicc: stalling\n");
		return true;
	}
	/* resp[0..2) is the length header; the answer goes after it */
	err = cardmodel_process(v->card, v->msg, n, v->resp + 2,
	                        sizeof(v->resp) - 2, &rlen);
	if (err != CVC_OK) {
		fprintf(stderr, "vicc: card model failed (%d)\n", err);
		return false;
	}
	return send_msg(v, v->resp + 2, rlen);
}

static int serve(struct vicc *v)
{
	uint8_t hdr[2];

	while (!stop_requested) {
		size_t n;

		if (!read_full(v, hdr, 2))
			break;
		n = ((size_t)hdr[0] << 8) | hdr[1];
		if (n == 0)
			continue;
		if (!read_full(v, v->msg, n))
			break;
		if (n == 1 ? !handle_control(v, v->msg[0]) : !handle_apdu(v, n))
			break;
	}
	return 0;
}

static int connect_vpcd(struct vicc *v)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)v->opt.port)};
	struct timespec give_up;
	int one = 1;

	if (inet_pton(AF_INET, v->opt.host, &sa.sin_addr) != 1) {
		fprintf(stderr, "vicc: bad address %s\n", v->opt.host);
		return -1;
	}
	/* vpcd may still be starting: retry for a while (or until the
	 * --exit-after deadline, or a signal) */
	clock_gettime(CLOCK_MONOTONIC, &give_up);
	give_up.tv_sec += VICC_CONNECT_TIMEOUT_S;
	if (v->deadline.tv_sec && v->deadline.tv_sec < give_up.tv_sec)
		give_up = v->deadline;
	while (!stop_requested) {
		struct timespec pause = {0, VICC_CONNECT_RETRY_MS * 1000000L};
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
			           sizeof(one));
			return fd;
		}
		close(fd);
		if (ms_until(&give_up) == 0)
			break;
		nanosleep(&pause, NULL);
	}
	fprintf(stderr, "vicc: cannot connect to vpcd at %s:%u\n", v->opt.host,
	        v->opt.port);
	return -1;
}

int main(int argc, char **argv)
{
	static struct vicc v; /* large buffers: not on the stack */
	int rc = parse_options(argc, argv, &v.opt);

	if (rc)
		return rc;
	install_signal_handlers();
	die_with_parent();
	if (v.opt.exit_after_s >= 0) {
		clock_gettime(CLOCK_MONOTONIC, &v.deadline);
		v.deadline.tv_sec += v.opt.exit_after_s;
	}
	v.card = cardmodel_new();
	if (!v.card)
		return 1;
	v.fd = connect_vpcd(&v);
	if (v.fd < 0) {
		cardmodel_free(v.card);
		return stop_requested ? 0 : 1;
	}
	if (v.opt.verbose)
		fprintf(stderr, "vicc: connected to %s:%u\n", v.opt.host,
		        v.opt.port);
	rc = serve(&v);
	close(v.fd);
	cardmodel_free(v.card);
	return rc;
}
