/* SPDX-License-Identifier: MIT */
/*
 * What the libFuzzer targets share: the entry point's prototype (libFuzzer
 * and replay_main.c call it), CHECK for invariants (abort() is what
 * libFuzzer reports as a crash), the bounds test for views into the
 * input, and the answer step of the in-process cards made of the input.
 */
#ifndef CVC_FUZZ_COMMON_H
#define CVC_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cvc/error.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

/* Whether the n octets at p lie inside the size octets at base. */
static inline bool inside(const uint8_t *p, size_t n, const uint8_t *base,
                          size_t size)
{
	return p >= base && n <= size && (size_t)(p - base) <= size - n;
}

/*
 * A scripted card answers the next n octets of the input (*p, *left), or
 * what is left of them; CVC_ERR_BUFFER_TOO_SMALL when they exceed cap.
 */
static inline cvc_err fuzz_answer(const uint8_t **p, size_t *left, size_t n,
                                  uint8_t *rapdu, size_t cap, size_t *rlen)
{
	if (n > *left)
		n = *left;
	if (n > cap)
		return CVC_ERR_BUFFER_TOO_SMALL;
	memcpy(rapdu, *p, n);
	*p += n;
	*left -= n;
	*rlen = n;
	return CVC_OK;
}

#endif
