/* SPDX-License-Identifier: MIT */
/*
 * workstation: a workstation logon check on libcvc (teaching code;
 * samples/README.md). The badge must be genuine, valid today and not
 * revoked, and the holder must know its PIN: the card checks the PIN and
 * signs that it did (SPEC.md 5.5, INTERNAL AUTHENTICATE P1 01), so a
 * forged "PIN ok" is impossible. With the PIN verified the card also hands
 * out the holder data, which tells who logged in.
 *
 * The PIN comes from $CVC_BADGE_PIN or is asked for on the terminal
 * without echo. Exit status: 0 logged in, 1 refused (wrong PIN, badge not
 * valid), 2 usage, 3 reader or card problem (no decision).
 */
#define _POSIX_C_SOURCE 200809L /* getopt, termios, gmtime_r */
#include <cvc/cvc.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* Overwrites a secret in a way the compiler may not optimise away. */
static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

/*
 * Asks for the PIN on the controlling terminal with echo off. The stream
 * is unbuffered so no copy of the PIN stays in a stdio buffer; typed-ahead
 * input is discarded (TCSAFLUSH): it was shown before echo went off.
 * Ctrl-C, Ctrl-Z and SIGTERM wait until echo is back on.
 */
static bool prompt_pin(char *pin, size_t cap)
{
	FILE *tty = fopen("/dev/tty", "r+");
	struct termios saved, quiet;
	sigset_t held, old;
	bool ok;

	if (!tty)
		return false;
	setvbuf(tty, NULL, _IONBF, 0);
	if (tcgetattr(fileno(tty), &saved) != 0) {
		fclose(tty);
		return false;
	}
	sigemptyset(&held);
	sigaddset(&held, SIGINT);
	sigaddset(&held, SIGTSTP);
	sigaddset(&held, SIGTERM);
	sigprocmask(SIG_BLOCK, &held, &old);
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	fputs("Badge PIN: ", tty);
	ok = fgets(pin, (int)cap, tty) != NULL;
	tcsetattr(fileno(tty), TCSAFLUSH, &saved);
	fputs("\n", tty);
	fclose(tty);
	sigprocmask(SIG_SETMASK, &old, NULL);
	pin[ok ? strcspn(pin, "\r\n") : 0] = '\0';
	return ok;
}

/* The PIN from the environment (automated logons, tests) or the user; it
 * must be 6 to 12 digits (SPEC.md 5.6), anything else is a typo. */
static bool get_pin(char *pin, size_t cap)
{
	const char *env = getenv("CVC_BADGE_PIN");
	size_t digits;

	if (env && strlen(env) < cap)
		strcpy(pin, env);
	else if (env || !prompt_pin(pin, cap))
		return false;
	digits = strspn(pin, "0123456789");
	return pin[digits] == '\0' && digits >= CVC_BADGE_PIN_MIN &&
	       digits <= CVC_BADGE_PIN_MAX;
}

/* The integrator's part: one policy, one call. */
static void log_on(const char *reader, int wait_ms, const cvc_store *store,
                   const cvc_crl *crl, const char *pin, cvc_badge_result *res)
{
	time_t now = time(NULL);
	struct tm tm;
	cvc_card *card = NULL;

	gmtime_r(&now, &tm); /* validate at today's date, UTC */
	cvc_badge_policy policy = {
	    .store = store,
	    .crl = crl,
	    .at = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday},
	    .require_pin = true, /* the card must sign that it checked it */
	    .pin = pin,          /* sent with VERIFY first */
	    .read_holder = true, /* allowed once the PIN is verified */
	};
	res->reason = cvc_card_open(reader, wait_ms, &card);
	if (res->reason == CVC_OK)
		cvc_badge_authenticate(card, &policy, res);
	cvc_card_free(&card);
}

static void print_result(const cvc_badge_result *res)
{
	if (res->decision == CVC_BADGE_ACCEPT) {
		printf("logged in: %s (staff ID %s%s%s), badge %s, PIN %s\n",
		       res->holder.name, res->holder.staff_id,
		       res->holder.department[0] ? ", " : "",
		       res->holder.department, res->holder_chr,
		       res->pin_verified ? "verified by the card"
		                         : "NOT verified");
		return;
	}
	printf("logon %s: %s\n",
	       res->decision == CVC_BADGE_REFUSE ? "refused" : "failed",
	       res->detail[0] ? res->detail : cvc_strerror(res->reason));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"reader", 1, NULL, 'r'},
	                                     {"trust", 1, NULL, 't'},
	                                     {"crl", 1, NULL, 'c'},
	                                     {"wait", 1, NULL, 'w'},
	                                     {NULL, 0, NULL, 0}};
	const char *reader = NULL, *crl_path = NULL, *bad = NULL;
	char pin[CVC_BADGE_PIN_MAX + 2] = ""; /* digits, newline, NUL */
	uint8_t crl_der[64 * 1024];
	size_t crl_len = 0;
	cvc_crl crl;
	int wait_ms = 30000, c, status = 2;
	cvc_store *store = NULL;
	cvc_badge_result res = {.decision = CVC_BADGE_ERROR}; /* 0 is ACCEPT */

	if (cvc_store_new(&store) != CVC_OK)
		return 2;
	while ((c = getopt_long(argc, argv, "r:t:c:w:", opts, NULL)) != -1) {
		if (c == 'r') {
			reader = optarg;
		} else if (c == 't') { /* a CVCA file or a directory of them */
			if (cvc_store_load(store, optarg, 0, NULL, &bad)) {
				fprintf(stderr,
				        "workstation: bad trust anchor %s\n",
				        bad ? bad : optarg);
				goto out;
			}
		} else if (c == 'c') {
			crl_path = optarg;
		} else if (c == 'w') {
			wait_ms = atoi(optarg);
		} else {
			goto usage;
		}
	}
	if (!reader || cvc_store_anchor_count(store) == 0 || optind < argc)
		goto usage;
	if (crl_path) { /* a small revocation list read once, DER */
		FILE *f = fopen(crl_path, "rb");
		crl_len = f ? fread(crl_der, 1, sizeof crl_der, f) : 0;
		if (f)
			fclose(f);
		if (cvc_crl_decode(crl_der, crl_len, &crl, NULL) != CVC_OK) {
			fprintf(stderr, "workstation: bad list %s\n", crl_path);
			goto out;
		}
	}
	if (!get_pin(pin, sizeof pin)) {
		fprintf(stderr, "workstation: no PIN of 6 to 12 digits\n");
		goto out;
	}
	log_on(reader, wait_ms, store, crl_path ? &crl : NULL, pin, &res);
	print_result(&res);
	status = (int)res.decision; /* 0, 1 or 3 */
	goto out;
usage:
	fprintf(stderr, "usage: workstation -r READER -t TRUST... [-c CRL] "
	                "[-w MS]\n");
out:
	wipe(pin, sizeof pin);
	cvc_store_free(&store);
	return status;
}
