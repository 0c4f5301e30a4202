/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for input format detection.
 *
 * cvc_input_decode must never write past cap (the output buffers are
 * allocated to exactly cap, so ASan sees any overrun), never report more
 * than the input length, agree with itself for every buffer size, and give
 * the same result when decoding in place. Any broken invariant aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cvc/input.h>

#include "fuzz_common.h"

static uint8_t *copy_of(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);

	CHECK(p != NULL);
	if (size > 0)
		memcpy(p, data, size);
	return p;
}

/* Decoding with a buffer of exactly cap octets. */
static cvc_err decode_with_cap(const uint8_t *data, size_t size, size_t cap,
                               size_t *n, cvc_input_format *fmt)
{
	uint8_t *out = malloc(cap ? cap : 1);
	cvc_err err;

	CHECK(out != NULL);
	err = cvc_input_decode(data, size, cap ? out : NULL, cap, n, fmt);
	free(out);
	return err;
}

static void check_sizes(const uint8_t *data, size_t size, size_t n)
{
	size_t fmt_n;
	cvc_input_format fmt;

	/* One short: too small, same size needed. */
	CHECK(decode_with_cap(data, size, n - 1, &fmt_n, &fmt) ==
	      CVC_ERR_BUFFER_TOO_SMALL);
	CHECK(fmt_n == n);
	CHECK(decode_with_cap(data, size, 0, &fmt_n, &fmt) ==
	      CVC_ERR_BUFFER_TOO_SMALL);
	CHECK(fmt_n == n);
	/* Exactly the size: fine. */
	CHECK(decode_with_cap(data, size, n, &fmt_n, &fmt) == CVC_OK);
	CHECK(fmt_n == n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *out = malloc(size ? size : 1);
	uint8_t *in_place;
	cvc_input_format fmt = (cvc_input_format)-1, fmt2;
	size_t n = (size_t)-1, n2;
	cvc_err err;

	CHECK(out != NULL);
	err = cvc_input_decode(data, size, out, size, &n, &fmt);
	if (err != CVC_OK) {
		/* Decoded output is never bigger than the input. */
		CHECK(err == CVC_ERR_INPUT_FORMAT);
		CHECK(n == 0);
		free(out);
		return 0;
	}
	CHECK(n > 0 && n <= size);
	switch (fmt) {
	case CVC_INPUT_DER:
		CHECK(n == size && memcmp(out, data, n) == 0);
		CHECK(data[0] == 0x7F || data[0] == 0x67);
		break;
	case CVC_INPUT_HEX:
		CHECK(2 * n <= size);
		break;
	case CVC_INPUT_BASE64:
		CHECK(4 * ((n + 2) / 3) <= size);
		break;
	default:
		CHECK(0);
	}
	check_sizes(data, size, n);

	in_place = copy_of(data, size);
	CHECK(cvc_input_decode(in_place, size, in_place, size, &n2, &fmt2) ==
	      CVC_OK);
	CHECK(n2 == n && fmt2 == fmt);
	CHECK(memcmp(in_place, out, n) == 0);
	free(in_place);
	free(out);
	return 0;
}
