/* SPDX-License-Identifier: MIT */
/*
 * door: a door controller on libcvc (teaching code; samples/README.md).
 * Waits for a badge, asks cvc_badge_authenticate() whether it may pass
 * (genuine, valid today, not revoked, holding the rights this door needs),
 * logs one line, opens or stays closed, and waits for the badge to leave.
 * Re-reads the revocation list when its file changes; SIGINT/SIGTERM stop
 * it (exit 0). --once: one badge; exit 0 accept, 1 refuse, 3 no decision. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, gmtime_r, nanosleep */
#include <cvc/cvc.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define MAX_RIGHTS 16
#define POLL_MS    1000 /* how often the loop checks signals and the CRL */

struct door {
	const char *reader;
	cvc_store *store;                    /* the hospital's CVCA(s) */
	size_t rights[MAX_RIGHTS], n_rights; /* CHAT bits required here */
	bool once;
	const char *crl_path; /* NULL: no revocation list */
	struct stat crl_seen; /* the file when last read */
	uint8_t *crl_der;     /* the list in force; crl points into it */
	cvc_crl crl;
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	stopping = sig; /* non-zero; the loop notices within POLL_MS */
}

/* Re-reads a changed revocation list (DER); a broken file keeps the old. */
static bool update_crl(struct door *d)
{
	struct stat st;
	if (!d->crl_path || stat(d->crl_path, &st) != 0 ||
	    (st.st_ino == d->crl_seen.st_ino &&
	     !memcmp(&st.st_mtim, &d->crl_seen.st_mtim, sizeof st.st_mtim)))
		return d->crl_der != NULL;
	d->crl_seen = st;
	size_t size = (size_t)st.st_size;
	uint8_t *der = size <= CVC_STORE_MAX_FILE ? malloc(size + 1) : NULL;
	FILE *f = fopen(d->crl_path, "rb");
	cvc_err err = CVC_ERR_IO;
	cvc_crl crl;
	if (der && f && fread(der, 1, size + 1, f) == size)
		err = cvc_crl_decode(der, size, &crl, NULL);
	if (f)
		fclose(f);
	if (err == CVC_OK) { /* the new list replaces the old one */
		free(d->crl_der);
		d->crl_der = der;
		d->crl = crl;
		der = NULL;
	}
	fprintf(stderr, "door: %s: %s\n", d->crl_path,
	        err ? cvc_strerror(err) : "revocation list loaded");
	free(der);
	return d->crl_der != NULL;
}

/* One line per decision: UTC time, badge, verdict, reason, time taken. */
static void log_line(const struct tm *t, const cvc_badge_result *res, long ms)
{
	static const char *const verdicts[] = {[CVC_BADGE_ACCEPT] = "ACCEPT",
	                                       [CVC_BADGE_REFUSE] = "REFUSE",
	                                       [CVC_BADGE_ERROR] = "ERROR"};
	bool ok = res->decision == CVC_BADGE_ACCEPT;
	const char *why =
	    res->detail[0] ? res->detail : cvc_strerror(res->reason);
	char stamp[32];

	strftime(stamp, sizeof stamp, "%FT%TZ", t);
	printf("%s %s %s %s, %ld ms: %s\n", stamp,
	       res->holder_chr[0] ? res->holder_chr : "-",
	       verdicts[res->decision], ok ? "ok" : why, ms,
	       ok ? "open door" : "stay closed");
	fflush(stdout); /* a log is read line by line */
}

/* The integrator's part: open the card, make the one call, act on it. */
static cvc_badge_decision decide(const struct door *d)
{
	cvc_badge_result res = {.decision = CVC_BADGE_ERROR}; /* 0 is ACCEPT */
	cvc_badge_policy policy = {.store = d->store,
	                           .crl = d->crl_der ? &d->crl : NULL,
	                           .required_bits = d->rights,
	                           .n_required = d->n_rights};
	struct timespec t0, t1;
	time_t now = time(NULL);
	struct tm tm;
	cvc_card *card = NULL;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	gmtime_r(&now, &tm); /* validate at today's date, UTC */
	policy.at = (cvc_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
	res.reason = cvc_card_open(d->reader, 0, &card);
	if (res.reason == CVC_OK) /* fills res: decision, reason, detail */
		cvc_badge_authenticate(card, &policy, &res);
	cvc_card_free(&card);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_line(&tm, &res,
	         (t1.tv_sec - t0.tv_sec) * 1000 +
	             (t1.tv_nsec - t0.tv_nsec) / 1000000);
	return res.decision; /* a real door would drive its lock here */
}

/* Waits for a badge to come (present) or go, keeping the CRL current. */
static cvc_err wait_for_badge(struct door *d, bool present)
{
	cvc_err err = CVC_ERR_TIMEOUT;
	while (!stopping && err == CVC_ERR_TIMEOUT) {
		err = cvc_card_wait(d->reader, present, POLL_MS);
		update_crl(d); /* also right before each decision */
	}
	return err;
}

static int run(struct door *d)
{
	while (!stopping) {
		cvc_err err = wait_for_badge(d, true);
		int status = err == CVC_OK ? (int)decide(d) : 3;
		if (err != CVC_OK && !stopping) /* no reader (yet)? */
			fprintf(stderr, "door: %s\n", cvc_strerror(err));
		if (d->once)
			return status;
		if (err == CVC_OK)
			wait_for_badge(d, false); /* one decision per visit */
		else if (!stopping)
			nanosleep(&(struct timespec){1, 0}, NULL);
	}
	return d->once ? 3 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"reader", 1, NULL, 'r'}, {"trust", 1, NULL, 't'},
	    {"crl", 1, NULL, 'c'},    {"require", 1, NULL, 'R'},
	    {"once", 0, NULL, 'o'},   {NULL, 0, NULL, 0}};
	struct door d = {0};
	const char *bad = NULL;
	int c, status = 2;
	char extra;

	if (cvc_store_new(&d.store) != CVC_OK)
		return 2;
	while ((c = getopt_long(argc, argv, "r:t:c:R:", opts, NULL)) != -1) {
		if (c == 'r') {
			d.reader = optarg;
		} else if (c == 't') { /* a CVCA file or a directory of them */
			if (cvc_store_load(d.store, optarg, 0, NULL, &bad)) {
				fprintf(stderr, "door: bad trust anchor %s\n",
				        bad ? bad : optarg);
				goto out;
			}
		} else if (c == 'c') {
			d.crl_path = optarg;
		} else if (c == 'R' && d.n_rights < MAX_RIGHTS) { /* "bN" */
			size_t *bit = &d.rights[d.n_rights++];
			if (sscanf(optarg, "b%zu%c", bit, &extra) != 1 ||
			    *bit >= 8 * CVC_MAX_CHAT_LEN)
				goto usage;
		} else if (c == 'o') {
			d.once = true;
		} else {
			goto usage;
		}
	}
	if (!d.reader || cvc_store_anchor_count(d.store) == 0 || optind < argc)
		goto usage;
	if (d.crl_path && !update_crl(&d)) { /* a door must know the list */
		fprintf(stderr, "door: cannot read %s\n", d.crl_path);
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	status = run(&d);
	goto out;
usage:
	fprintf(stderr, "usage: door -r READER -t TRUST... [-c CRL] "
	                "[-R bN]... [--once]\n");
out:
	free(d.crl_der);
	cvc_store_free(&d.store);
	return status;
}
