/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for cvc_pubkey_decode (bare 7F49 objects such as the
 * gematik trust anchors): strict and lenient; an accepted key points only
 * into the input and encodes back to the same bytes.
 */
#include <stddef.h>
#include <stdint.h>

#include "cert_props.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_key(const uint8_t *data, size_t size, unsigned flags)
{
	size_t need = 0, got = 0;
	cvc_pubkey key;
	uint8_t *out;

	if (cvc_pubkey_decode(data, size, flags, &key, NULL) != CVC_OK)
		return;
	require_key_within(&key, data, size);
	require(key.oid.len > 0);
	if (key.type == CVC_KEY_RSA)
		require(CVC_RSA_N(&key).len > 0 && CVC_RSA_E(&key).len > 0);
	if (key.type == CVC_KEY_EC)
		require(CVC_EC_POINT(&key).len > 0);
	require(cvc_pubkey_encode(&key, NULL, 0, &need) == CVC_OK &&
	        need == size);
	out = malloc(size);
	require(out != NULL);
	require(cvc_pubkey_encode(&key, out, size, &got) == CVC_OK &&
	        got == size && memcmp(out, data, size) == 0);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_key(data, size, 0);
	check_key(data, size, CVC_DECODE_LENIENT);
	return 0;
}
