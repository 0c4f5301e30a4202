/* SPDX-License-Identifier: MIT */
/* Helpers shared by the card-side hosts and their programs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "host_common.h"

bool vhost_parse_long(const char *s, int base, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return false;
	errno = 0;
	v = strtol(s, &end, base);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool vhost_parse_hex(const char *s, uint8_t *out, size_t cap, size_t *n)
{
	size_t k = 0;

	while (*s) {
		unsigned v;

		if (*s == ' ' || *s == ':') {
			s++;
			continue;
		}
		if (k == cap || sscanf(s, "%2x", &v) != 1 || !s[1])
			return false;
		out[k++] = (uint8_t)v;
		s += 2;
	}
	*n = k;
	return k > 0;
}

static bool carries_pin(const uint8_t *p, size_t n)
{
	/* VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER (and the odd
	 * INS forms 21, 25, 2D) */
	uint8_t even = n >= 2 ? (uint8_t)(p[1] & 0xFE) : 0;

	return even == 0x20 || even == 0x24 || even == 0x2C;
}

/* Where the data field starts: after a short or an extended Lc. */
static size_t data_offset(const uint8_t *p, size_t n)
{
	if (n > 7 && p[4] == 0)
		return 7;
	return n > 5 ? 5 : n;
}

void vhost_log_apdu(const char *who, const char *dir, const uint8_t *p,
                    size_t n, size_t max, bool mask_pin)
{
	size_t shown = max == 0 || n < max ? n : max;
	size_t from = mask_pin && carries_pin(p, n) ? data_offset(p, n) : n;

	fprintf(stderr, "%s %s", who, dir);
	for (size_t i = 0; i < shown; i++) {
		if (i >= from)
			fputs(" **", stderr);
		else
			fprintf(stderr, " %02X", p[i]);
	}
	if (shown < n)
		fprintf(stderr, " ... (%zu octets)", n);
	fputc('\n', stderr);
}
