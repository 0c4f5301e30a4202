/* SPDX-License-Identifier: MIT */
/*
 * Properties shared by the certificate fuzz targets: whatever the decoder
 * accepts must point only into the input and must encode back to the very
 * same bytes. A violation abort()s, which libFuzzer reports as a crash.
 */
#ifndef CVC_FUZZ_CERT_PROPS_H
#define CVC_FUZZ_CERT_PROPS_H

#include <stdlib.h>
#include <string.h>

#include <cvc/cert.h>

static inline void require(int ok)
{
	if (!ok)
		abort();
}

static inline void require_within(cvc_span s, const uint8_t *data, size_t size)
{
	if (s.len == 0)
		return;
	require(s.data >= data && s.len <= size &&
	        (size_t)(s.data - data) <= size - s.len);
}

static inline void require_key_within(const cvc_pubkey *key,
                                      const uint8_t *data, size_t size)
{
	require_within(key->oid, data, size);
	for (size_t i = 0; i < CVC_KEY_COMPONENTS; i++)
		require_within(key->comp[i], data, size);
}

static inline void require_cert_within(const cvc_cert *c, const uint8_t *data,
                                       size_t size)
{
	const cvc_span spans[] = {
	    c->raw,       c->tbs,
	    c->outer_tbs, c->car,
	    c->chr,       c->chat.oid,
	    c->chat.bits, c->signature,
	    c->outer_car, c->outer_signature,
	    c->remainder,
	};

	for (size_t i = 0; i < sizeof(spans) / sizeof(spans[0]); i++)
		require_within(spans[i], data, size);
	require_key_within(&c->key, data, size);
	require(c->n_ext <= CVC_MAX_EXTENSIONS);
	for (size_t i = 0; i < c->n_ext; i++) {
		require_within(c->ext[i].oid, data, size);
		require_within(c->ext[i].content, data, size);
	}
}

/* Encoding what was decoded gives the object's bytes, also as a size. */
static inline void require_round_trip(const cvc_cert *c, const uint8_t *obj,
                                      size_t len)
{
	size_t need = 0, got = 0;
	uint8_t *out;

	require(cvc_cert_encode(c, NULL, 0, &need) == CVC_OK && need == len);
	out = malloc(len);
	require(out != NULL);
	require(cvc_cert_encode(c, out, len, &got) == CVC_OK && got == len);
	require(memcmp(out, obj, len) == 0);
	if (c->kind != CVC_KIND_ISO9796) {
		require(cvc_cert_encode_body(c, out, len, &got) == CVC_OK);
		require(got == c->tbs.len &&
		        memcmp(out, c->tbs.data, got) == 0);
	}
	free(out);
}

/* Decodes data both ways and checks everything accepted. */
static inline void check_cert_input(const uint8_t *data, size_t size)
{
	cvc_cert strict, lenient;
	cvc_diag diag;
	size_t used = 0;
	cvc_err es, el;

	es = cvc_cert_decode(data, size, 0, &strict, &diag);
	el = cvc_cert_decode(data, size, CVC_DECODE_LENIENT, &lenient, NULL);
	/* Strict acceptance implies lenient acceptance of the same object. */
	require(es != CVC_OK || (el == CVC_OK && !strict.nonminimal));
	require(es == CVC_OK || diag.err == es);
	if (es == CVC_OK) {
		require_cert_within(&strict, data, size);
		require_round_trip(&strict, data, size);
	}
	if (el == CVC_OK) {
		require_cert_within(&lenient, data, size);
		require_round_trip(&lenient, data, size);
	}
	if (cvc_cert_decode_prefix(data, size, CVC_DECODE_LENIENT, &lenient,
	                           &used, NULL) == CVC_OK) {
		require(used > 0 && used <= size);
		require_cert_within(&lenient, data, used);
		require_round_trip(&lenient, data, used);
	}
}

#endif
