/* SPDX-License-Identifier: MIT */
/*
 * pcscwait: the test stack's readiness probe, written straight against
 * pcsc-lite so that setting up a test never depends on the libcvc code
 * under test.
 *
 * Usage: pcscwait READER (--listed | --present | --absent) TIMEOUT_MS
 *   --listed   pcscd answers and lists READER (polls every 10 ms: before
 *              pcscd's socket exists there is nothing to wait on)
 *   --present  READER holds a card (waits on SCardGetStatusChange events)
 *   --absent   READER holds no card
 * Prints "ok after N ms" and exits 0, or says what it saw and exits 1 when
 * the time is up; 2 on usage errors.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <winscard.h>

#define POLL_MS 10

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static bool reader_listed(SCARDCONTEXT ctx, const char *reader)
{
	char names[4096];
	DWORD len = sizeof(names);

	if (SCardListReaders(ctx, NULL, names, &len) != SCARD_S_SUCCESS)
		return false;
	for (const char *n = names; n < names + len && *n; n += strlen(n) + 1)
		if (strcmp(n, reader) == 0)
			return true;
	return false;
}

/* Polls: establishes a fresh context each round, as pcscd may not run. */
static int wait_listed(const char *reader, long deadline)
{
	LONG last = 0;

	for (;;) {
		SCARDCONTEXT ctx;
		bool found = false;

		last =
		    SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
		if (last == SCARD_S_SUCCESS) {
			found = reader_listed(ctx, reader);
			SCardReleaseContext(ctx);
		}
		if (found)
			return 0;
		if (now_ms() >= deadline)
			break;
		pause_ms(POLL_MS);
	}
	fprintf(stderr, "pcscwait: \"%s\" not listed (last: %s)\n", reader,
	        pcsc_stringify_error(last));
	return 1;
}

static int wait_card(const char *reader, bool present, long deadline)
{
	SCARD_READERSTATE rs = {.szReader = reader,
	                        .dwCurrentState = SCARD_STATE_UNAWARE};
	SCARDCONTEXT ctx;
	LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);

	while (rv == SCARD_S_SUCCESS) {
		long left = deadline - now_ms();
		bool has_card;

		rv = SCardGetStatusChange(ctx, left > 0 ? (DWORD)left : 0, &rs,
		                          1);
		if (rv != SCARD_S_SUCCESS)
			break;
		has_card = (rs.dwEventState & SCARD_STATE_PRESENT) != 0;
		if (has_card == present) {
			SCardReleaseContext(ctx);
			return 0;
		}
		rs.dwCurrentState = rs.dwEventState & ~SCARD_STATE_CHANGED;
	}
	fprintf(stderr, "pcscwait: no card %s in \"%s\" (%s, state 0x%lx)\n",
	        present ? "arrived" : "left", reader, pcsc_stringify_error(rv),
	        (unsigned long)rs.dwEventState);
	if (rv != SCARD_E_NO_SERVICE)
		SCardReleaseContext(ctx);
	return 1;
}

int main(int argc, char **argv)
{
	long start = now_ms(), timeout;
	char *end;
	int rc;

	if (argc != 4)
		goto usage;
	timeout = strtol(argv[3], &end, 10);
	if (*end || timeout < 0)
		goto usage;
	if (strcmp(argv[2], "--listed") == 0)
		rc = wait_listed(argv[1], start + timeout);
	else if (strcmp(argv[2], "--present") == 0)
		rc = wait_card(argv[1], true, start + timeout);
	else if (strcmp(argv[2], "--absent") == 0)
		rc = wait_card(argv[1], false, start + timeout);
	else
		goto usage;
	if (rc == 0)
		printf("ok after %ld ms\n", now_ms() - start);
	return rc;
usage:
	fputs("usage: pcscwait READER (--listed | --present | --absent) "
	      "TIMEOUT_MS\n",
	      stderr);
	return 2;
}
