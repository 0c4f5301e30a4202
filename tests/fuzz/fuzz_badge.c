/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the badge layer's parsers of what a card answers
 * (libcvc/src/badge_parse.c) and for the integrator's call over a card
 * that answers anything.
 *
 * 1. The input as an FCI or status template, holder data, a chain and an
 *    INTERNAL AUTHENTICATE template (with and without chain): accepted
 *    objects keep their invariants (known states, bounded strings, views
 *    inside the input, holder data that re-encode to the input).
 * 2. The input as a card: cvc_badge_authenticate runs against an
 *    in-process card whose answers are length-prefixed slices of the
 *    input. Whatever it answers, the call ends with a decision that agrees
 *    with its return value and a one-line detail.
 * Any broken invariant aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cvc/badge.h>

#include "../../libcvc/src/badge_int.h"

#include "fuzz_common.h"

static void check_info(const uint8_t *data, size_t size)
{
	cvc_badge_info info;
	cvc_diag diag;

	memset(&diag, 0, sizeof(diag));
	if (cvc_badge_info_parse(data, size, &info, &diag) != CVC_OK) {
		CHECK(info.state == CVC_BADGE_UNKNOWN);
		return;
	}
	CHECK(info.state == CVC_BADGE_BLANK ||
	      info.state == CVC_BADGE_PERSONALIZED ||
	      info.state == CVC_BADGE_TERMINATED);
	CHECK(info.pin_tries <= 3);
	CHECK(info.max_command <= 0xFFFF && info.max_response <= 0xFFFF);
	CHECK(!info.has_card_date || cvc_date_valid(&info.card_date));
}

static void check_text(const char *s, size_t cap, size_t min)
{
	size_t n = strnlen(s, cap);

	CHECK(n < cap && n >= min);
	for (size_t i = 0; i < n; i++)
		CHECK((uint8_t)s[i] >= 0x20 && (uint8_t)s[i] != 0x7F);
}

static void check_holder(const uint8_t *data, size_t size)
{
	static uint8_t enc[512];
	cvc_badge_holder h;
	size_t n = 0;

	if (cvc_badge_holder_decode(data, size, &h, NULL) != CVC_OK) {
		CHECK(h.name[0] == '\0' && h.staff_id[0] == '\0');
		return;
	}
	check_text(h.name, sizeof(h.name), 1);
	check_text(h.staff_id, sizeof(h.staff_id), 1);
	check_text(h.department, sizeof(h.department), 0);
	/* Re-encoding gives the input, but for an empty 82 (left out). */
	CHECK(cvc_badge_holder_encode(&h, enc, sizeof(enc), &n, NULL) ==
	      CVC_OK);
	CHECK(n <= size);
	if (n == size)
		CHECK(memcmp(enc, data, size) == 0);
	else
		CHECK(h.department[0] == '\0' && n + 2 == size);
}

static void check_chain(const uint8_t *data, size_t size)
{
	cvc_cert badge, dv;

	if (cvc_badge_split_chain(data, size, &badge, &dv, NULL) != CVC_OK)
		return;
	CHECK(badge.kind == CVC_KIND_CERT && dv.kind == CVC_KIND_CERT);
	CHECK(badge.raw.data == data);
	CHECK(badge.raw.len + dv.raw.len == size);
	CHECK(inside(dv.raw.data, dv.raw.len, data, size));
	CHECK(badge.raw.len <= CVC_BADGE_MAX_CERT &&
	      dv.raw.len <= CVC_BADGE_MAX_CERT);
	CHECK(badge.car.len == dv.chr.len &&
	      memcmp(badge.car.data, dv.chr.data, dv.chr.len) == 0);
}

static void check_auth(const uint8_t *data, size_t size, bool with_chain)
{
	cvc_badge_proof proof;
	cvc_span chain;
	cvc_diag diag;

	memset(&diag, 0, sizeof(diag));
	if (cvc_badge_parse_auth(data, size, with_chain, &proof, &chain,
	                         &diag) != CVC_OK) {
		CHECK(proof.signature_len == 0 && chain.len == 0);
		CHECK(diag.offset <= size);
		return;
	}
	CHECK(proof.signature_len >= 1 &&
	      proof.signature_len <= sizeof(proof.signature));
	CHECK((proof.flags & ~BADGE_FLAGS_KNOWN) == 0);
	CHECK(with_chain == (chain.len > 0));
	if (with_chain)
		CHECK(inside(chain.data, chain.len, data, size));
}

/* ------------------------------------------------------------------ */
/* The input as a card                                                 */

struct script {
	const uint8_t *p;
	size_t left;
};

/* Each answer: two length octets L (big-endian), then L octets (cut at
 * the end of the input). No input left: the card is gone. */
static cvc_err script_card(void *ctx, const uint8_t *capdu, size_t clen,
                           uint8_t *rapdu, size_t cap, size_t *rlen)
{
	struct script *s = ctx;
	size_t n;

	CHECK(clen >= 4 && clen <= CVC_APDU_MAX_SIZE);
	(void)capdu;
	if (s->left < 2)
		return CVC_ERR_CARD_REMOVED;
	n = ((size_t)s->p[0] << 8) | s->p[1];
	s->p += 2;
	s->left -= 2;
	return fuzz_answer(&s->p, &s->left, n, rapdu, cap, rlen);
}

static void check_card(const uint8_t *data, size_t size)
{
	/* One card and store for all inputs (a card holds 192 KiB of work
	 * buffers); the store has no anchor, so no chain validates, but
	 * everything before the chain check runs on the input. */
	static struct script s;
	static cvc_card *card;
	static cvc_store *store;
	static const size_t need[] = {0, 8};
	cvc_badge_policy pol;
	cvc_badge_result res;
	cvc_err err;

	if (card == NULL) {
		CHECK(cvc_card_open_function(script_card, &s, &card) == CVC_OK);
		CHECK(cvc_store_new(&store) == CVC_OK);
	}
	s.p = data;
	s.left = size;
	memset(&pol, 0, sizeof(pol));
	pol.store = store;
	pol.at = (cvc_date){2025, 7, 15};
	pol.required_bits = need;
	pol.n_required = 2;
	pol.pin = size > 0 && (data[0] & 1) ? "123456" : NULL;
	pol.require_pin = size > 0 && (data[0] & 2);
	err = cvc_badge_authenticate(card, &pol, &res);
	CHECK((err == CVC_OK) == (res.decision != CVC_BADGE_ERROR));
	CHECK(res.decision == CVC_BADGE_REFUSE ||
	      res.decision == CVC_BADGE_ERROR);
	CHECK(res.reason != CVC_OK && res.check != NULL);
	CHECK(strnlen(res.detail, sizeof(res.detail)) < sizeof(res.detail));
	CHECK(strchr(res.detail, '\n') == NULL);
	CHECK(res.exchanges <= 2 * 1024 + 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_info(data, size);
	check_holder(data, size);
	check_chain(data, size);
	check_auth(data, size, false);
	check_auth(data, size, true);
	check_card(data, size);
	return 0;
}
