/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for certificate requests (TR-03110-3 C.2), seeded with
 * plain (7F21) and authenticated (67) requests. Besides the properties of
 * fuzz_cert, an authenticated request's outer signed data must be exactly
 * DER(7F21) || DER(42): from the start of the inner object to the end of
 * the outer CAR, which is where the outer signature object begins.
 */
#include <stddef.h>
#include <stdint.h>

#include "cert_props.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_request(const uint8_t *data, size_t size, unsigned flags)
{
	cvc_cert c;
	const uint8_t *end;

	if (cvc_cert_decode(data, size, flags, &c, NULL) != CVC_OK)
		return;
	if (c.kind == CVC_KIND_REQUEST || c.kind == CVC_KIND_AUTH_REQUEST)
		require(!c.has_chat && !c.has_dates);
	if (c.kind != CVC_KIND_AUTH_REQUEST) {
		require(c.outer_tbs.len == 0 && c.outer_car.len == 0);
		return;
	}
	require(data[0] == 0x67 && c.outer_tbs.len > 0);
	require(c.outer_tbs.data[0] == 0x7F && c.outer_tbs.data[1] == 0x21);
	require(c.tbs.data > c.outer_tbs.data);
	end = c.outer_tbs.data + c.outer_tbs.len;
	require(end == c.outer_car.data + c.outer_car.len);
	require(end[0] == 0x5F && end[1] == 0x37);
	require(c.outer_signature.data > end);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_cert_input(data, size);
	check_request(data, size, 0);
	check_request(data, size, CVC_DECODE_LENIENT);
	return 0;
}
