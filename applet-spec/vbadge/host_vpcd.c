/* SPDX-License-Identifier: MIT */
/* A card behind pcscd's vpcd driver: see host_vpcd.h for the protocol. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "host_vpcd.h"

#define VPCD_POWER_OFF         0
#define VPCD_POWER_ON          1
#define VPCD_RESET             2
#define VPCD_GET_ATR           4
#define VPCD_MSG_MAX           65536u
#define VPCD_CONNECT_RETRY_MS  20
#define VPCD_CONNECT_TIMEOUT_S 10

struct vpcd {
	const vhost_vpcd_options *opt;
	const vhost_card *card;
	int fd;
	long apdus; /* APDUs received so far */
	struct timespec deadline;
	uint8_t msg[VPCD_MSG_MAX];
	uint8_t resp[VPCD_MSG_MAX + 2];
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

void vhost_vpcd_defaults(vhost_vpcd_options *o)
{
	*o = (vhost_vpcd_options){.name = "vicc",
	                          .host = "127.0.0.1",
	                          .port = 35963,
	                          .exit_after_s = -1,
	                          .remove_after = -1,
	                          .stall_after = -1};
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

static void trace(const struct vpcd *v, const char *dir, const uint8_t *p,
                  size_t n)
{
	if (v->opt->trace)
		vhost_log_apdu(v->opt->name, dir, p, n, 64, v->opt->mask_pin);
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
static bool wait_readable(struct vpcd *v)
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

static bool read_full(struct vpcd *v, uint8_t *buf, size_t n)
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
static bool send_msg(struct vpcd *v, const uint8_t *p, size_t n)
{
	uint8_t *out = v->resp;
	size_t total = n + 2, sent = 0;

	if (n > 0xffff) /* the length header has 16 bits */
		return false;
	memmove(out + 2, p, n);
	out[0] = (uint8_t)(n >> 8);
	out[1] = (uint8_t)n;
	trace(v, "<", out + 2, n);
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

static bool handle_control(struct vpcd *v, uint8_t code)
{
	size_t atr_len;
	const uint8_t *atr;

	switch (code) {
	case VPCD_POWER_OFF:
	case VPCD_POWER_ON:
	case VPCD_RESET:
		v->card->reset(v->card->ctx);
		return true;
	case VPCD_GET_ATR:
		atr = v->card->atr(&atr_len);
		return send_msg(v, atr, atr_len);
	default:
		fprintf(stderr, "%s: unknown control code %u\n", v->opt->name,
		        code);
		return true;
	}
}

/* Returns false when the connection is to end (removal simulated). */
static bool handle_apdu(struct vpcd *v, size_t n)
{
	size_t rlen = 0;
	long seen = v->apdus++;
	cvc_err err;

	trace(v, ">", v->msg, n);
	if (v->opt->remove_after >= 0 && seen >= v->opt->remove_after) {
		if (v->opt->verbose)
			fprintf(stderr, "%s: removing the card\n",
			        v->opt->name);
		return false;
	}
	if (v->opt->stall_after >= 0 && seen >= v->opt->stall_after) {
		if (v->opt->verbose)
			fprintf(stderr, "%s: stalling\n", v->opt->name);
		return true;
	}
	/* resp[0..2) is the length header; the answer goes after it */
	err = v->card->process(v->card->ctx, v->msg, n, v->resp + 2,
	                       sizeof(v->resp) - 2, &rlen);
	if (err != CVC_OK) {
		fprintf(stderr, "%s: the card failed (%d)\n", v->opt->name,
		        err);
		return false;
	}
	return send_msg(v, v->resp + 2, rlen);
}

static int serve(struct vpcd *v)
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

static int connect_vpcd(struct vpcd *v)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)v->opt->port)};
	struct timespec give_up;
	int one = 1;

	if (inet_pton(AF_INET, v->opt->host, &sa.sin_addr) != 1) {
		fprintf(stderr, "%s: bad address %s\n", v->opt->name,
		        v->opt->host);
		return -1;
	}
	/* vpcd may still be starting: retry for a while (or until the
	 * --exit-after deadline, or a signal) */
	clock_gettime(CLOCK_MONOTONIC, &give_up);
	give_up.tv_sec += VPCD_CONNECT_TIMEOUT_S;
	if (v->deadline.tv_sec && v->deadline.tv_sec < give_up.tv_sec)
		give_up = v->deadline;
	while (!stop_requested) {
		struct timespec pause = {0, VPCD_CONNECT_RETRY_MS * 1000000L};
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
	fprintf(stderr, "%s: cannot connect to vpcd at %s:%u\n", v->opt->name,
	        v->opt->host, v->opt->port);
	return -1;
}

int vhost_vpcd_run(const vhost_vpcd_options *o, const vhost_card *card)
{
	static struct vpcd v; /* large buffers: not on the stack */
	int rc;

	memset(&v, 0, sizeof(v));
	v.opt = o;
	v.card = card;
	install_signal_handlers();
	die_with_parent();
	if (o->exit_after_s >= 0) {
		clock_gettime(CLOCK_MONOTONIC, &v.deadline);
		v.deadline.tv_sec += o->exit_after_s;
	}
	v.fd = connect_vpcd(&v);
	if (v.fd < 0)
		return stop_requested ? 0 : 1;
	if (o->verbose)
		fprintf(stderr, "%s: connected to %s:%u\n", o->name, o->host,
		        o->port);
	rc = serve(&v);
	close(v.fd);
	return rc;
}
