/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for CHAT interpretation (libcvc/src/chat.c), OID names and text
 * (libcvc/src/oid.c) and curve naming.
 *
 * Expected values come from elsewhere than the code under test: the CHAT
 * table of TR-03110 in the standards digest, gematik's own decoder output
 * beside each G2 certificate (*.gematik-explanation.txt), the corpus
 * MANIFEST.tsv roles, the curve each signature in EXPECTED.tsv was verified
 * with, and OpenSSL's built-in curve parameters and OIDs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>

#include <cvc/cert.h>
#include <cvc/chat.h>
#include <cvc/oid.h>

#include "testutil.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* Encodes dotted text to DER value octets (X.690 8.19), independently. */
static size_t oid_encode(const char *dotted, uint8_t *out, size_t cap)
{
	uint64_t arcs[32];
	size_t n = 0, len = 0;
	char *end;

	for (const char *p = dotted; *p; p = end + (*end == '.')) {
		ck_assert_uint_lt(n, ARRAY_LEN(arcs));
		arcs[n++] = strtoull(p, &end, 10);
		ck_assert_ptr_ne(end, p);
	}
	ck_assert_uint_ge(n, 2);
	arcs[1] += arcs[0] * 40;
	for (size_t i = 1; i < n; i++) {
		uint8_t tmp[10];
		size_t k = 0;
		uint64_t v = arcs[i];

		do {
			tmp[k++] = (uint8_t)(v & 0x7F);
			v >>= 7;
		} while (v);
		while (k > 0) {
			k--;
			ck_assert_uint_lt(len, cap);
			out[len++] = (uint8_t)(tmp[k] | (k > 0 ? 0x80 : 0));
		}
	}
	return len;
}

/* ------------------------------------------------------------------ */
/* CHAT: terminal types, roles, bits                                  */
/* ------------------------------------------------------------------ */

/* DER values from TR-03110-3 C.4, gemSpec_PKI 6.4.6 and SmartCard-HSM. */
static const uint8_t oid_is[] = {0x04, 0x00, 0x7F, 0x00, 0x07,
                                 0x03, 0x01, 0x02, 0x01};
static const uint8_t oid_at[] = {0x04, 0x00, 0x7F, 0x00, 0x07,
                                 0x03, 0x01, 0x02, 0x02};
static const uint8_t oid_st[] = {0x04, 0x00, 0x7F, 0x00, 0x07,
                                 0x03, 0x01, 0x02, 0x03};
static const uint8_t oid_ti[] = {0x2A, 0x82, 0x14, 0x00,
                                 0x4C, 0x04, 0x81, 0x18};
static const uint8_t oid_cms[] = {0x2A, 0x82, 0x14, 0x00,
                                  0x4C, 0x04, 0x81, 0x19};
static const uint8_t oid_schsm[] = {0x2B, 0x06, 0x01, 0x04, 0x01, 0x81,
                                    0xC3, 0x1F, 0x03, 0x01, 0x01};

#define SPAN(a) ((cvc_span){(a), sizeof(a)})

struct chat_buf {
	uint8_t bits[16];
	cvc_chat chat;
};

static const cvc_chat *make_chat(struct chat_buf *b, cvc_span oid,
                                 const char *bits_hex)
{
	memset(b, 0, sizeof(*b));
	b->chat.oid = oid;
	b->chat.bits.data = b->bits;
	b->chat.bits.len = cvc_test_unhex(bits_hex, b->bits, sizeof(b->bits));
	return &b->chat;
}

START_TEST(test_terminal_type_from_oid)
{
	uint8_t longer[sizeof(oid_at) + 1];

	ck_assert_int_eq(cvc_terminal_type_from_oid(SPAN(oid_is)), CVC_TT_IS);
	ck_assert_int_eq(cvc_terminal_type_from_oid(SPAN(oid_at)), CVC_TT_AT);
	ck_assert_int_eq(cvc_terminal_type_from_oid(SPAN(oid_st)), CVC_TT_ST);
	ck_assert_int_eq(cvc_terminal_type_from_oid(SPAN(oid_ti)),
	                 CVC_TT_GEMATIK_TI);
	ck_assert_int_eq(cvc_terminal_type_from_oid(SPAN(oid_cms)),
	                 CVC_TT_GEMATIK_CMS);
	ck_assert_int_eq(cvc_terminal_type_from_oid(SPAN(oid_schsm)),
	                 CVC_TT_SCHSM);
	/* A prefix or an extension of a known OID is another OID. */
	ck_assert_int_eq(
	    cvc_terminal_type_from_oid((cvc_span){oid_at, sizeof(oid_at) - 1}),
	    CVC_TT_UNKNOWN);
	memcpy(longer, oid_at, sizeof(oid_at));
	longer[sizeof(oid_at)] = 0x01;
	ck_assert_int_eq(cvc_terminal_type_from_oid(SPAN(longer)),
	                 CVC_TT_UNKNOWN);
	ck_assert_int_eq(cvc_terminal_type_from_oid((cvc_span){NULL, 0}),
	                 CVC_TT_UNKNOWN);
	ck_assert_str_eq(cvc_terminal_type_name(CVC_TT_AT), "AT");
	ck_assert_str_eq(cvc_terminal_type_name(CVC_TT_IS), "IS");
	ck_assert_str_eq(cvc_terminal_type_name(CVC_TT_ST), "ST");
	ck_assert_ptr_nonnull(cvc_terminal_type_name(CVC_TT_UNKNOWN));
	ck_assert_ptr_nonnull(cvc_terminal_type_name((cvc_terminal_type)99));
}
END_TEST

/* The real CHATs of the standards digest (section 3) and their roles. */
static const struct real_chat {
	const char *what;
	const uint8_t *oid;
	size_t oid_len;
	const char *bits;
	cvc_terminal_type type;
	cvc_role role;
} real_chats[] = {
    {"DECVCAeID00102", oid_at, sizeof(oid_at), "fe0f01ffff", CVC_TT_AT,
     CVC_ROLE_CVCA},
    {"DECVCAeID00107", oid_at, sizeof(oid_at), "fc4f13ffff", CVC_TT_AT,
     CVC_ROLE_CVCA},
    {"DECVCAePASS00102", oid_is, sizeof(oid_is), "c1", CVC_TT_IS,
     CVC_ROLE_CVCA},
    {"DECVCAeSign00102", oid_st, sizeof(oid_st), "c2", CVC_TT_ST,
     CVC_ROLE_CVCA},
    {"PersoSim AT CVCA", oid_at, sizeof(oid_at), "fe1ffffff7", CVC_TT_AT,
     CVC_ROLE_CVCA},
    {"PersoSim AT DV", oid_at, sizeof(oid_at), "7e1ffffff7", CVC_TT_AT,
     CVC_ROLE_DV_FOREIGN},
    {"PersoSim AT terminal", oid_at, sizeof(oid_at), "3e1ffffff7", CVC_TT_AT,
     CVC_ROLE_TERMINAL},
    {"PersoSim IS CVCA", oid_is, sizeof(oid_is), "e3", CVC_TT_IS,
     CVC_ROLE_CVCA},
    {"PersoSim IS DV", oid_is, sizeof(oid_is), "a3", CVC_TT_IS,
     CVC_ROLE_DV_DOMESTIC},
    {"PersoSim IS terminal", oid_is, sizeof(oid_is), "03", CVC_TT_IS,
     CVC_ROLE_TERMINAL},
    {"vsmartcard ST CVCA", oid_st, sizeof(oid_st), "ff", CVC_TT_ST,
     CVC_ROLE_CVCA},
    {"vsmartcard ST DV", oid_st, sizeof(oid_st), "7f", CVC_TT_ST,
     CVC_ROLE_DV_FOREIGN},
    {"vsmartcard ST terminal", oid_st, sizeof(oid_st), "3f", CVC_TT_ST,
     CVC_ROLE_TERMINAL},
    {"gematik 2ZA", oid_ti, sizeof(oid_ti), "005d20daa88300", CVC_TT_GEMATIK_TI,
     CVC_ROLE_TERMINAL},
    {"gematik sub-CA", oid_ti, sizeof(oid_ti), "805d69daa8bb0c",
     CVC_TT_GEMATIK_TI, CVC_ROLE_DV_DOMESTIC},
    {"gematik root", oid_ti, sizeof(oid_ti), "ffffffffffffff",
     CVC_TT_GEMATIK_TI, CVC_ROLE_CVCA},
    {"SmartCard-HSM root", oid_schsm, sizeof(oid_schsm), "c0", CVC_TT_SCHSM,
     CVC_ROLE_CVCA},
};

START_TEST(test_real_chat_roles)
{
	const struct real_chat *c = &real_chats[_i];
	struct chat_buf b;
	const cvc_chat *chat =
	    make_chat(&b, (cvc_span){c->oid, c->oid_len}, c->bits);
	cvc_chat_info info;

	ck_assert_int_eq(cvc_chat_info_get(chat, &info), CVC_OK);
	ck_assert_msg(info.type == c->type, "%s: type %d", c->what, info.type);
	ck_assert_msg(info.role == c->role, "%s: role %d", c->what, info.role);
	ck_assert_uint_eq(info.nbits, 8 * chat->bits.len);
	/* The role is what the two role bits say, in either numbering. */
	for (size_t bit = 0; bit < info.nbits; bit++) {
		if (!cvc_chat_is_role_bit(info.type, info.nbits, bit))
			continue;
		bool high = c->type == CVC_TT_GEMATIK_TI
		                ? bit == 0
		                : bit == info.nbits - 1;
		unsigned want = high ? (c->role >> 1) & 1u : c->role & 1u;

		ck_assert_msg(cvc_chat_bit(chat, info.type, bit) == want,
		              "%s: role bit %zu", c->what, bit);
		ck_assert_ptr_null(cvc_chat_bit_name(info.type, bit));
	}
}
END_TEST

/* Standards digest 1: 000101D804 = read DG4/5/7/8/9/17 + RI. */
START_TEST(test_at_worked_example)
{
	static const struct {
		size_t bit;
		const char *name;
	} want[] = {
	    {2, "restricted identification"},
	    {11, "read DG4"},
	    {12, "read DG5"},
	    {14, "read DG7"},
	    {15, "read DG8"},
	    {16, "read DG9"},
	    {24, "read DG17"},
	};
	struct chat_buf b;
	const cvc_chat *chat = make_chat(&b, SPAN(oid_at), "000101d804");
	size_t k = 0;

	for (size_t bit = 0; bit < 40; bit++) {
		bool set = cvc_chat_bit(chat, CVC_TT_AT, bit);

		if (k < ARRAY_LEN(want) && want[k].bit == bit) {
			ck_assert_msg(set, "bit %zu should be set", bit);
			ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_AT, bit),
			                 want[k].name);
			k++;
		} else {
			ck_assert_msg(!set, "bit %zu should be clear", bit);
		}
	}
	ck_assert_uint_eq(k, ARRAY_LEN(want));
}
END_TEST

START_TEST(test_bit_numbering)
{
	struct chat_buf b;
	const cvc_chat *chat;

	/* TR-03110: bit 0 is the least significant bit of the last octet */
	chat = make_chat(&b, SPAN(oid_at), "0000000001");
	ck_assert(cvc_chat_bit(chat, CVC_TT_AT, 0));
	ck_assert(!cvc_chat_bit(chat, CVC_TT_AT, 7));
	ck_assert(!cvc_chat_bit(chat, CVC_TT_AT, 39));
	chat = make_chat(&b, SPAN(oid_at), "8000000000");
	ck_assert(cvc_chat_bit(chat, CVC_TT_AT, 39));
	ck_assert(!cvc_chat_bit(chat, CVC_TT_AT, 0));
	chat = make_chat(&b, SPAN(oid_at), "0000000100");
	ck_assert(cvc_chat_bit(chat, CVC_TT_AT, 8));
	/* gematik: b0 is the most significant bit of the first octet */
	chat = make_chat(&b, SPAN(oid_ti), "80000000000000");
	ck_assert(cvc_chat_bit(chat, CVC_TT_GEMATIK_TI, 0));
	ck_assert(!cvc_chat_bit(chat, CVC_TT_GEMATIK_TI, 55));
	chat = make_chat(&b, SPAN(oid_ti), "00000000000001");
	ck_assert(cvc_chat_bit(chat, CVC_TT_GEMATIK_TI, 55));
	ck_assert(!cvc_chat_bit(chat, CVC_TT_GEMATIK_TI, 0));
	chat = make_chat(&b, SPAN(oid_cms), "00800000000000");
	ck_assert(cvc_chat_bit(chat, CVC_TT_GEMATIK_CMS, 8));
	ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_GEMATIK_CMS, 8),
	                 "CMS administration");
	/* Beyond the field: clear, whatever the type. */
	chat = make_chat(&b, SPAN(oid_ti), "ffffffffffffff");
	ck_assert(!cvc_chat_bit(chat, CVC_TT_GEMATIK_TI, 56));
	ck_assert(!cvc_chat_bit(chat, CVC_TT_AT, 56));
	ck_assert(!cvc_chat_bit(chat, CVC_TT_AT, (size_t)-1));
	ck_assert(!cvc_chat_bit(NULL, CVC_TT_AT, 0));
}
END_TEST

START_TEST(test_role_bits)
{
	/* TR-03110: the two highest-numbered bits of the field */
	ck_assert(cvc_chat_is_role_bit(CVC_TT_AT, 40, 39));
	ck_assert(cvc_chat_is_role_bit(CVC_TT_AT, 40, 38));
	ck_assert(!cvc_chat_is_role_bit(CVC_TT_AT, 40, 37));
	ck_assert(!cvc_chat_is_role_bit(CVC_TT_AT, 40, 0));
	ck_assert(!cvc_chat_is_role_bit(CVC_TT_AT, 40, 40));
	/* A one-octet AT field (SmartCard-HSM does this) */
	ck_assert(cvc_chat_is_role_bit(CVC_TT_AT, 8, 7));
	ck_assert(cvc_chat_is_role_bit(CVC_TT_AT, 8, 6));
	ck_assert(!cvc_chat_is_role_bit(CVC_TT_AT, 8, 5));
	ck_assert(cvc_chat_is_role_bit(CVC_TT_IS, 8, 7));
	ck_assert(cvc_chat_is_role_bit(CVC_TT_ST, 8, 6));
	/* gematik: b0 and b1 */
	ck_assert(cvc_chat_is_role_bit(CVC_TT_GEMATIK_TI, 56, 0));
	ck_assert(cvc_chat_is_role_bit(CVC_TT_GEMATIK_CMS, 56, 1));
	ck_assert(!cvc_chat_is_role_bit(CVC_TT_GEMATIK_TI, 56, 2));
	ck_assert(!cvc_chat_is_role_bit(CVC_TT_GEMATIK_TI, 56, 55));
	ck_assert(!cvc_chat_is_role_bit(CVC_TT_AT, 0, 0));
}
END_TEST

START_TEST(test_bit_names)
{
	char want[32];

	/* IS (TR-03110-3 C.4.1) and ST (v2.10 C.4.3) */
	ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_IS, 0),
	                 "read DG3 (fingerprint)");
	ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_IS, 1), "read DG4 (iris)");
	ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_IS, 2), "RFU");
	ck_assert_ptr_null(cvc_chat_bit_name(CVC_TT_IS, 6));
	ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_ST, 0),
	                 "generate electronic signature");
	ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_ST, 1),
	                 "generate qualified electronic signature");
	ck_assert_ptr_null(cvc_chat_bit_name(CVC_TT_ST, 7));
	/* AT v2.21: b0..b7 functions, read DGn at bit 7+n, PSA, RFU, write */
	ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_AT, 0), "age verification");
	ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_AT, 3),
	                 "privileged terminal");
	ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_AT, 4), "CAN allowed");
	ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_AT, 5), "PIN management");
	ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_AT, 7),
	                 "install qualified certificate");
	for (int n = 1; n <= 22; n++) {
		snprintf(want, sizeof(want), "read DG%d", n);
		ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_AT, (size_t)(7 + n)),
		                 want);
	}
	ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_AT, 30), "PSA");
	ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_AT, 31), "RFU");
	for (int n = 22; n >= 17; n--) {
		snprintf(want, sizeof(want), "write DG%d", n);
		ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_AT, (size_t)(54 - n)),
		                 want);
	}
	ck_assert_ptr_null(cvc_chat_bit_name(CVC_TT_AT, 38));
	ck_assert_ptr_null(cvc_chat_bit_name(CVC_TT_AT, 39));
	ck_assert_ptr_null(cvc_chat_bit_name(CVC_TT_AT, 40));
	/* gematik: role bits unnamed, b2..b7 RFU, 56 bits in all */
	ck_assert_ptr_null(cvc_chat_bit_name(CVC_TT_GEMATIK_TI, 0));
	ck_assert_ptr_null(cvc_chat_bit_name(CVC_TT_GEMATIK_TI, 1));
	ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_GEMATIK_TI, 2), "RFU");
	ck_assert_ptr_nonnull(cvc_chat_bit_name(CVC_TT_GEMATIK_TI, 55));
	ck_assert_ptr_null(cvc_chat_bit_name(CVC_TT_GEMATIK_TI, 56));
	for (size_t bit = 8; bit <= 11; bit++) {
		const char *name = cvc_chat_bit_name(CVC_TT_GEMATIK_CMS, bit);

		ck_assert_ptr_nonnull(name);
		ck_assert_str_ne(name, "RFU");
	}
	ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_GEMATIK_CMS, 12), "RFU");
	ck_assert_str_eq(cvc_chat_bit_name(CVC_TT_GEMATIK_CMS, 55), "RFU");
	ck_assert_ptr_null(cvc_chat_bit_name(CVC_TT_GEMATIK_CMS, 56));
	ck_assert_ptr_null(cvc_chat_bit_name(CVC_TT_UNKNOWN, 0));
}
END_TEST

START_TEST(test_role_names)
{
	ck_assert_str_eq(cvc_role_name(CVC_TT_AT, CVC_ROLE_CVCA), "CVCA");
	ck_assert_str_eq(cvc_role_name(CVC_TT_AT, CVC_ROLE_DV_DOMESTIC),
	                 "DV (official domestic)");
	ck_assert_str_eq(cvc_role_name(CVC_TT_AT, CVC_ROLE_DV_FOREIGN),
	                 "DV (non-official/foreign)");
	ck_assert_str_eq(cvc_role_name(CVC_TT_AT, CVC_ROLE_TERMINAL),
	                 "authentication terminal");
	ck_assert_str_eq(cvc_role_name(CVC_TT_IS, CVC_ROLE_TERMINAL),
	                 "inspection system");
	ck_assert_str_eq(cvc_role_name(CVC_TT_ST, CVC_ROLE_TERMINAL),
	                 "signature terminal");
	ck_assert_str_eq(cvc_role_name(CVC_TT_ST, CVC_ROLE_DV_DOMESTIC),
	                 "DV (accreditation body)");
	ck_assert_str_eq(cvc_role_name(CVC_TT_ST, CVC_ROLE_DV_FOREIGN),
	                 "DV (certification service provider)");
	ck_assert_str_eq(cvc_role_name(CVC_TT_GEMATIK_TI, CVC_ROLE_CVCA),
	                 "root CA");
	ck_assert_str_eq(
	    cvc_role_name(CVC_TT_GEMATIK_CMS, CVC_ROLE_DV_DOMESTIC), "sub-CA");
	ck_assert_str_eq(cvc_role_name(CVC_TT_GEMATIK_TI, CVC_ROLE_TERMINAL),
	                 "end entity");
	ck_assert_ptr_nonnull(cvc_role_name(CVC_TT_UNKNOWN, CVC_ROLE_CVCA));
	ck_assert_ptr_nonnull(cvc_role_name(CVC_TT_AT, (cvc_role)7));
}
END_TEST

START_TEST(test_chat_info_errors)
{
	struct chat_buf b;
	cvc_chat_info info;
	cvc_chat empty = {.oid = SPAN(oid_at)};

	ck_assert_int_eq(cvc_chat_info_get(NULL, &info), CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(
	    cvc_chat_info_get(make_chat(&b, SPAN(oid_at), "00"), NULL),
	    CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_chat_info_get(&empty, &info), CVC_ERR_BAD_VALUE);
	/* Unknown types still give the role and the size. */
	ck_assert_int_eq(
	    cvc_chat_info_get(make_chat(&b, (cvc_span){oid_at, 3}, "8001"),
	                      &info),
	    CVC_OK);
	ck_assert_int_eq(info.type, CVC_TT_UNKNOWN);
	ck_assert_int_eq(info.role, CVC_ROLE_DV_DOMESTIC);
	ck_assert_uint_eq(info.nbits, 16);
}
END_TEST

/* ------------------------------------------------------------------ */
/* CHAT against the corpus                                             */
/* ------------------------------------------------------------------ */

/* gemSpec_PKI v2.14.1 names bits that gematik's older decoder calls RFU. */
static bool assigned_since_decoder(size_t bit)
{
	return bit == 49; /* "Fingerprint des COS erstellen" */
}

/* Bits 56..63 of a gematik flag list (gemSpec_PKI: 7 octets) are never
 * listed; bits 0 and 1 are the role. */
static void check_explained_bits(const char *name, const cvc_chat *chat,
                                 const struct cvc_test_explanation *x)
{
	for (size_t bit = 2; bit < 56; bit++) {
		const char *bit_name =
		    cvc_chat_bit_name(CVC_TT_GEMATIK_TI, bit);

		ck_assert_msg(cvc_chat_bit(chat, CVC_TT_GEMATIK_TI, bit) ==
		                  x->listed[bit],
		              "%s: b%zu", name, bit);
		if (!x->listed[bit] || assigned_since_decoder(bit))
			continue;
		ck_assert_ptr_nonnull(bit_name);
		ck_assert_msg((strcmp(bit_name, "RFU") == 0) == x->rfu[bit],
		              "%s: b%zu named \"%s\"", name, bit, bit_name);
	}
	for (size_t bit = 56; bit < CVC_TEST_GX_MAX_BITS; bit++)
		ck_assert_msg(!x->listed[bit], "%s: b%zu listed", name, bit);
}

static void check_explained(const char *path, const char *name, void *ctx)
{
	char rel[1024], hex[64];
	size_t len;
	char *text = (char *)cvc_test_read_file(path, &len);
	struct cvc_test_explanation x;
	struct cvc_test_object o;
	cvc_chat_info info;
	cvc_role role;

	(void)ctx;
	cvc_test_parse_explanation(text, &x);
	ck_assert_msg(x.error == NULL, "%s: %s", name, x.error);
	ck_assert_msg(cvc_test_explained_role(x.role_text, &role),
	              "%s: no role line", name);

	cvc_test_explained_cert(name, rel, sizeof(rel));
	cvc_test_load_object(&o, rel);
	ck_assert(o.cert.has_chat);
	ck_assert_str_eq(cvc_test_hex(o.cert.chat.bits, hex, sizeof(hex)),
	                 x.field[CVC_TEST_GX_FLAGS]);
	ck_assert_int_eq(cvc_chat_info_get(&o.cert.chat, &info), CVC_OK);
	ck_assert_int_eq(info.type, CVC_TT_GEMATIK_TI);
	ck_assert_msg(info.role == role, "%s: role %d, want %d", name,
	              info.role, role);
	check_explained_bits(name, &o.cert.chat, &x);
	free(o.data);
	free(text);
}

START_TEST(test_gematik_explanations)
{
	size_t files = cvc_test_each_corpus_file(
	    "gematik_g2", CVC_TEST_EXPLANATION_SUFFIX, check_explained, NULL);

	ck_assert_uint_ge(files, 90);
}
END_TEST

/* MANIFEST.tsv roles: "<type>-<role>", or a gematik / SmartCard-HSM role. */
static bool manifest_role(const char *s, cvc_terminal_type *type,
                          cvc_role *role)
{
	static const struct {
		const char *name;
		cvc_terminal_type type;
		cvc_role role;
	} special[] = {
	    {"root", CVC_TT_GEMATIK_TI, CVC_ROLE_CVCA},
	    {"root-cross", CVC_TT_GEMATIK_TI, CVC_ROLE_CVCA},
	    {"subca", CVC_TT_GEMATIK_TI, CVC_ROLE_DV_DOMESTIC},
	    {"ee", CVC_TT_GEMATIK_TI, CVC_ROLE_TERMINAL},
	    {"srca-root", CVC_TT_SCHSM, CVC_ROLE_CVCA},
	    {"device-issuer-ca", CVC_TT_SCHSM, CVC_ROLE_DV_DOMESTIC},
	    {"device", CVC_TT_SCHSM, CVC_ROLE_TERMINAL},
	};
	static const struct {
		const char *name;
		cvc_role role;
	} suffix[] = {
	    {"cvca", CVC_ROLE_CVCA},
	    {"cvca-link", CVC_ROLE_CVCA},
	    {"dv-official", CVC_ROLE_DV_DOMESTIC},
	    {"dv-nonofficial", CVC_ROLE_DV_FOREIGN},
	    {"terminal", CVC_ROLE_TERMINAL},
	};

	for (size_t i = 0; i < ARRAY_LEN(special); i++)
		if (strcmp(s, special[i].name) == 0) {
			*type = special[i].type;
			*role = special[i].role;
			return true;
		}
	if (strncmp(s, "at-", 3) == 0)
		*type = CVC_TT_AT;
	else if (strncmp(s, "is-", 3) == 0)
		*type = CVC_TT_IS;
	else if (strncmp(s, "st-", 3) == 0)
		*type = CVC_TT_ST;
	else
		return false; /* requests, ISO 7816-9: no CHAT */
	for (size_t i = 0; i < ARRAY_LEN(suffix); i++)
		if (strcmp(s + 3, suffix[i].name) == 0) {
			*role = suffix[i].role;
			return true;
		}
	ck_abort_msg("unexpected manifest role %s", s);
	return false;
}

static void check_manifest_role(const struct cvc_test_manifest_row *row,
                                const struct cvc_test_object *o, void *ctx)
{
	size_t *checked = ctx;
	cvc_terminal_type type;
	cvc_role role;
	cvc_chat_info info;

	if (!manifest_role(row->role, &type, &role))
		return;
	ck_assert_msg(o->cert.has_chat, "%s: no CHAT", row->file);
	ck_assert_int_eq(cvc_chat_info_get(&o->cert.chat, &info), CVC_OK);
	ck_assert_msg(info.type == type && info.role == role,
	              "%s: type %d role %d, manifest says %s", row->file,
	              info.type, info.role, row->role);
	(*checked)++;
}

START_TEST(test_manifest_roles)
{
	size_t checked = 0;

	cvc_test_each_manifest_object(check_manifest_role, &checked);
	ck_assert_uint_ge(checked, 230);
}
END_TEST

/* ------------------------------------------------------------------ */
/* OIDs                                                                */
/* ------------------------------------------------------------------ */

static const struct oid_text_case {
	const char *hex;
	const char *text;
} oid_text_cases[] = {
    {"04007f00070202020203", "0.4.0.127.0.7.2.2.2.2.3"},
    {"2a8648ce3d040302", "1.2.840.10045.4.3.2"},
    {"2b2403030208010107", "1.3.36.3.3.2.8.1.1.7"},
    {"2a8214004c048118", "1.2.276.0.76.4.152"},
    {"2b0601040181c31f030101", "1.3.6.1.4.1.24991.3.1.1"},
    {"00", "0.0"},
    {"27", "0.39"},
    {"28", "1.0"},
    {"4f", "1.39"},
    {"50", "2.0"},
    {"8837", "2.999"},
    /* The largest arc that fits in 64 bits, then 2^63. */
    {"2a81ffffffffffffffff7f", "1.2.18446744073709551615"},
    {"2a818080808080808080"
     "00",
     "1.2.9223372036854775808"},
    /* The first subidentifier itself can be large (X.690 8.19.4). */
    {"81ffffffffffffffff7f", "2.18446744073709551535"},
};

START_TEST(test_oid_to_text)
{
	const struct oid_text_case *c = &oid_text_cases[_i];
	uint8_t der[32];
	size_t n = cvc_test_unhex(c->hex, der, sizeof(der));
	char buf[64];
	uint8_t again[32];

	ck_assert_int_eq(cvc_oid_to_text((cvc_span){der, n}, buf, sizeof(buf)),
	                 CVC_OK);
	ck_assert_str_eq(buf, c->text);
	/* The test's own encoder agrees, where its arithmetic can follow. */
	if (strlen(c->text) < 20) {
		ck_assert_uint_eq(oid_encode(c->text, again, sizeof(again)), n);
		ck_assert_mem_eq(again, der, n);
	}
}
END_TEST

static const char *const malformed_oids[] = {
    "",                       /* empty */
    "2a86",                   /* last arc has its continuation bit */
    "86",                     /* the only arc is truncated */
    "2a8648ce3d0403",         /* fine ... */
    "2a8001",                 /* arc padded with a leading 0x80 */
    "802a",                   /* first subidentifier padded */
    "2a82808080808080808000", /* 2^64: does not fit in 64 bits */
    "2affffffffffffffffffff7f",
};

START_TEST(test_oid_malformed)
{
	uint8_t der[32];
	size_t n = cvc_test_unhex(malformed_oids[_i], der, sizeof(der));
	char buf[64] = "untouched";
	cvc_err want = _i == 3 ? CVC_OK : CVC_ERR_BAD_VALUE;

	ck_assert_int_eq(cvc_oid_to_text((cvc_span){der, n}, buf, sizeof(buf)),
	                 want);
	if (want != CVC_OK)
		ck_assert_str_eq(buf, "");
	/* Malformed beats too small: the caller learns the real problem. */
	if (want != CVC_OK)
		ck_assert_int_eq(cvc_oid_to_text((cvc_span){der, n}, NULL, 0),
		                 want);
}
END_TEST

START_TEST(test_oid_buffer)
{
	static const uint8_t der[] = {0x2A, 0x86, 0x48, 0xCE,
	                              0x3D, 0x04, 0x03, 0x02};
	const char *text = "1.2.840.10045.4.3.2";
	size_t need = strlen(text) + 1;
	char buf[64];

	ck_assert_int_eq(cvc_oid_to_text(SPAN(der), buf, need), CVC_OK);
	ck_assert_str_eq(buf, text);
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(cvc_oid_to_text(SPAN(der), buf, need - 1),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(cvc_oid_to_text(SPAN(der), buf, 1),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_int_eq(cvc_oid_to_text(SPAN(der), NULL, 0),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_int_eq(cvc_oid_to_text(SPAN(der), NULL, 10),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_oid_to_text((cvc_span){NULL, 3}, buf, 64),
	                 CVC_ERR_INVALID_ARG);
}
END_TEST

/* Names from TR-03110-3 A.6 / C.3 / C.4, gemSpec_PKI, RFC 5639, SEC 2. */
static const struct oid_name_case {
	const char *dotted;
	const char *name;
} oid_name_cases[] = {
    {"0.4.0.127.0.7.2.2.2.1.1", "id-TA-RSA-v1-5-SHA-1"},
    {"0.4.0.127.0.7.2.2.2.1.2", "id-TA-RSA-v1-5-SHA-256"},
    {"0.4.0.127.0.7.2.2.2.1.3", "id-TA-RSA-PSS-SHA-1"},
    {"0.4.0.127.0.7.2.2.2.1.4", "id-TA-RSA-PSS-SHA-256"},
    {"0.4.0.127.0.7.2.2.2.1.5", "id-TA-RSA-v1-5-SHA-512"},
    {"0.4.0.127.0.7.2.2.2.1.6", "id-TA-RSA-PSS-SHA-512"},
    {"0.4.0.127.0.7.2.2.2.2.1", "id-TA-ECDSA-SHA-1"},
    {"0.4.0.127.0.7.2.2.2.2.2", "id-TA-ECDSA-SHA-224"},
    {"0.4.0.127.0.7.2.2.2.2.3", "id-TA-ECDSA-SHA-256"},
    {"0.4.0.127.0.7.2.2.2.2.4", "id-TA-ECDSA-SHA-384"},
    {"0.4.0.127.0.7.2.2.2.2.5", "id-TA-ECDSA-SHA-512"},
    {"0.4.0.127.0.7.3.1.2.1", "id-IS"},
    {"0.4.0.127.0.7.3.1.2.2", "id-AT"},
    {"0.4.0.127.0.7.3.1.2.3", "id-ST"},
    {"0.4.0.127.0.7.3.1.2.2.1", "id-eIDAccess"},
    {"0.4.0.127.0.7.3.1.2.2.2", "id-specialFunctions"},
    {"0.4.0.127.0.7.3.1.3.1", "id-description"},
    {"0.4.0.127.0.7.3.1.3.1.1", "id-plainFormat"},
    {"0.4.0.127.0.7.3.1.3.1.2", "id-htmlFormat"},
    {"0.4.0.127.0.7.3.1.3.1.3", "id-pdfFormat"},
    {"0.4.0.127.0.7.3.1.3.2", "id-sector"},
    {"0.4.0.127.0.7.3.1.3.3", "id-PS-sector"},
    {"1.3.36.3.5.3.1", "authS_gemSpec-COS-G2_ecc-with-sha256"},
    {"1.3.36.3.5.3.2", "authS_gemSpec-COS-G2_ecc-with-sha384"},
    {"1.3.36.3.5.3.3", "authS_gemSpec-COS-G2_ecc-with-sha512"},
    {"1.2.840.10045.4.3.2", "ecdsa-with-SHA256"},
    {"1.2.840.10045.4.3.3", "ecdsa-with-SHA384"},
    {"1.2.840.10045.4.3.4", "ecdsa-with-SHA512"},
    {"1.2.276.0.76.4.152", "cvc_FlagList_TI"},
    {"1.2.276.0.76.4.153", "cvc_FlagList_CMS"},
    {"1.3.36.3.3.2.8.1.1.1", "brainpoolP160r1"},
    {"1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1"},
    {"1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1"},
    {"1.2.840.10045.3.1.7", "P-256"},
    {"1.3.132.0.35", "P-521"},
};

START_TEST(test_oid_names)
{
	const struct oid_name_case *c = &oid_name_cases[_i];
	uint8_t der[32];
	size_t n = oid_encode(c->dotted, der, sizeof(der));
	char text[64];

	ck_assert_pstr_eq(cvc_oid_name((cvc_span){der, n}), c->name);
	ck_assert_int_eq(
	    cvc_oid_to_text((cvc_span){der, n}, text, sizeof(text)), CVC_OK);
	ck_assert_str_eq(text, c->dotted);
	/* An arc more is another OID. */
	der[n] = 0x7F;
	ck_assert_ptr_null(cvc_oid_name((cvc_span){der, n + 1}));
}
END_TEST

START_TEST(test_oid_unknown)
{
	uint8_t der[32];
	size_t n;

	n = oid_encode("0.4.0.127.0.7", der, sizeof(der));
	ck_assert_ptr_null(cvc_oid_name((cvc_span){der, n}));
	n = oid_encode("1.2.840.113549.1.1.1", der, sizeof(der));
	ck_assert_ptr_null(cvc_oid_name((cvc_span){der, n}));
	ck_assert_ptr_null(cvc_oid_name((cvc_span){NULL, 0}));
	ck_assert_ptr_nonnull(cvc_oid_name(SPAN(oid_schsm)));
}
END_TEST

/* The one OID in the corpus that is deliberately unknown: a made-up test
 * extension in a PersoSim terminal certificate. */
#define PERSOSIM_TEST_EXTENSION "0.1.2.15617.12163.13441.3"

static size_t check_named(cvc_span oid, const char *file)
{
	char text[128];

	ck_assert_int_eq(cvc_oid_to_text(oid, text, sizeof(text)), CVC_OK);
	if (cvc_oid_name(oid) == NULL)
		ck_assert_msg(strcmp(text, PERSOSIM_TEST_EXTENSION) == 0,
		              "%s: OID %s has no name", file, text);
	return 1;
}

static void check_oids_named(const struct cvc_test_manifest_row *row,
                             const struct cvc_test_object *o, void *ctx)
{
	size_t *oids = ctx;

	if (o->cert.kind != CVC_KIND_ISO9796)
		*oids += check_named(o->cert.key.oid, row->file);
	if (o->cert.has_chat)
		*oids += check_named(o->cert.chat.oid, row->file);
	for (size_t k = 0; k < o->cert.n_ext; k++)
		*oids += check_named(o->cert.ext[k].oid, row->file);
}

START_TEST(test_corpus_oids_named)
{
	size_t oids = 0;

	cvc_test_each_manifest_object(check_oids_named, &oids);
	ck_assert_uint_ge(oids, 500);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Curves                                                              */
/* ------------------------------------------------------------------ */

static const struct openssl_curve {
	const char *name;
	int nid;
} openssl_curves[] = {
    {"brainpoolP160r1", NID_brainpoolP160r1},
    {"brainpoolP192r1", NID_brainpoolP192r1},
    {"brainpoolP224r1", NID_brainpoolP224r1},
    {"brainpoolP256r1", NID_brainpoolP256r1},
    {"brainpoolP320r1", NID_brainpoolP320r1},
    {"brainpoolP384r1", NID_brainpoolP384r1},
    {"brainpoolP512r1", NID_brainpoolP512r1},
    {"P-192", NID_X9_62_prime192v1},
    {"P-224", NID_secp224r1},
    {"P-256", NID_X9_62_prime256v1},
    {"P-384", NID_secp384r1},
    {"P-521", NID_secp521r1},
    {"secp256k1", NID_secp256k1},
};

/* p and G of an OpenSSL built-in curve, as a CVC key would carry them. */
struct params {
	uint8_t p[80];
	size_t p_len;
	uint8_t g[200];
	size_t g_len;
	uint8_t g_compressed[100];
	size_t g_compressed_len;
};

static void openssl_params(int nid, struct params *out)
{
	EC_GROUP *group = EC_GROUP_new_by_curve_name(nid);
	BIGNUM *p = BN_new(), *a = BN_new(), *b = BN_new();

	ck_assert_ptr_nonnull(group);
	ck_assert_int_eq(EC_GROUP_get_curve(group, p, a, b, NULL), 1);
	out->p_len = (size_t)BN_bn2bin(p, out->p);
	out->g_len = EC_POINT_point2oct(group, EC_GROUP_get0_generator(group),
	                                POINT_CONVERSION_UNCOMPRESSED, out->g,
	                                sizeof(out->g), NULL);
	out->g_compressed_len = EC_POINT_point2oct(
	    group, EC_GROUP_get0_generator(group), POINT_CONVERSION_COMPRESSED,
	    out->g_compressed, sizeof(out->g_compressed), NULL);
	ck_assert_uint_gt(out->g_len, 0);
	ck_assert_uint_gt(out->g_compressed_len, 0);
	BN_free(p);
	BN_free(a);
	BN_free(b);
	EC_GROUP_free(group);
}

static cvc_pubkey params_key(const uint8_t *p, size_t p_len, const uint8_t *g,
                             size_t g_len)
{
	cvc_pubkey key;

	memset(&key, 0, sizeof(key));
	key.type = CVC_KEY_EC;
	CVC_EC_P(&key) = (cvc_span){p, p_len};
	CVC_EC_G(&key) = (cvc_span){g, g_len};
	return key;
}

START_TEST(test_curve_from_openssl_params)
{
	const struct openssl_curve *c = &openssl_curves[_i];
	struct params prm;
	uint8_t padded[81];
	cvc_pubkey key;

	openssl_params(c->nid, &prm);
	key = params_key(prm.p, prm.p_len, prm.g, prm.g_len);
	ck_assert_pstr_eq(cvc_curve_name(&key, 0), c->name);
	ck_assert_pstr_eq(cvc_curve_name(&key, CVC_CPI_GEMATIK_G2), c->name);
	/* Compressed generator */
	key = params_key(prm.p, prm.p_len, prm.g_compressed,
	                 prm.g_compressed_len);
	ck_assert_pstr_eq(cvc_curve_name(&key, 0), c->name);
	/* p written as an ASN.1 INTEGER would be, with a leading zero */
	padded[0] = 0;
	memcpy(padded + 1, prm.p, prm.p_len);
	key = params_key(padded, prm.p_len + 1, prm.g, prm.g_len);
	ck_assert_pstr_eq(cvc_curve_name(&key, 0), c->name);
	/* Another generator on the same field is another curve. */
	prm.g[prm.g_len - 1] ^= 0x01;
	key = params_key(prm.p, prm.p_len, prm.g, prm.g_len);
	ck_assert_ptr_null(cvc_curve_name(&key, 0));
	prm.g_compressed[0] ^= 0x01; /* the other y */
	key = params_key(prm.p, prm.p_len, prm.g_compressed,
	                 prm.g_compressed_len);
	ck_assert_ptr_null(cvc_curve_name(&key, 0));
	/* Only p: not enough to tell r1 from t1 */
	key = params_key(prm.p, prm.p_len, NULL, 0);
	ck_assert_ptr_null(cvc_curve_name(&key, 0));
}
END_TEST

START_TEST(test_curve_from_openssl_oid)
{
	const struct openssl_curve *c = &openssl_curves[_i];
	char dotted[80];
	uint8_t der[32];
	cvc_pubkey key;

	ck_assert_int_gt(
	    OBJ_obj2txt(dotted, sizeof(dotted), OBJ_nid2obj(c->nid), 1), 0);
	memset(&key, 0, sizeof(key));
	key.oid.data = der;
	key.oid.len = oid_encode(dotted, der, sizeof(der));
	ck_assert_pstr_eq(cvc_curve_name(&key, 0), c->name);
	ck_assert_pstr_eq(cvc_oid_name(key.oid), c->name);
}
END_TEST

START_TEST(test_curve_twisted_not_named)
{
	struct params prm;
	cvc_pubkey key;

	openssl_params(NID_brainpoolP256t1, &prm);
	key = params_key(prm.p, prm.p_len, prm.g, prm.g_len);
	ck_assert_ptr_null(cvc_curve_name(&key, 0));
	ck_assert_ptr_null(cvc_curve_name(NULL, 0));
}
END_TEST

START_TEST(test_curve_gematik_point_length)
{
	static const struct {
		size_t len;
		const char *name;
	} cases[] = {
	    {65, "brainpoolP256r1"},
	    {97, "brainpoolP384r1"},
	    {129, "brainpoolP512r1"},
	    {133, NULL},
	    {64, NULL},
	    {0, NULL},
	};
	uint8_t point[200];
	cvc_pubkey key;

	memset(point, 0x5A, sizeof(point));
	point[0] = 0x04;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		memset(&key, 0, sizeof(key));
		key.type = CVC_KEY_EC;
		CVC_EC_POINT(&key) = (cvc_span){point, cases[i].len};
		ck_assert_pstr_eq(cvc_curve_name(&key, CVC_CPI_GEMATIK_G2),
		                  cases[i].name);
		/* TR-03110 keys without parameters inherit them: no name */
		ck_assert_ptr_null(cvc_curve_name(&key, CVC_CPI_TR03110));
	}
	point[0] = 0x02; /* compressed points are not G2 */
	CVC_EC_POINT(&key) = (cvc_span){point, 65};
	ck_assert_ptr_null(cvc_curve_name(&key, CVC_CPI_GEMATIK_G2));
}
END_TEST

/* EXPECTED.tsv's curve names as libcvc spells them. */
static const char *libcvc_curve_spelling(const char *s)
{
	if (strcmp(s, "prime256v1") == 0)
		return "P-256";
	if (strcmp(s, "prime192v1") == 0)
		return "P-192";
	return s;
}

/*
 * Which file holds the key that checked this signature. "file#inner" is the
 * inner request of an authenticated request, whose key cert.key is anyway.
 */
static const char *signer_file(char **col)
{
	char *f = col[0];

	if (strcmp(col[2], "sig") == 0 || strcmp(col[2], "outer-sig") == 0)
		f = strncmp(col[4], "./", 2) == 0 ? col[4] + 2 : col[4];
	if (strchr(f, '#') != NULL)
		*strchr(f, '#') = '\0';
	return f;
}

START_TEST(test_corpus_curves_match_expected)
{
	static const char *const want_seen[] = {
	    "brainpoolP224r1", "brainpoolP256r1", "brainpoolP512r1",
	    "secp256k1",       "P-256",           "P-192",
	};
	bool seen[ARRAY_LEN(want_seen)] = {false};
	char curve[64];
	struct cvc_test_tsv t;
	size_t named = 0;

	cvc_test_tsv_load(&t, "EXPECTED.tsv");
	for (size_t i = 1; i < t.n; i++) {
		char *col[10];
		struct cvc_test_object o;
		const char *name, *want;

		if (cvc_test_tsv_split(t.line[i], col, 10) < 6 ||
		    strncmp(col[5], "ECDSA-", 6) != 0 ||
		    sscanf(col[5], "ECDSA-%*s %63s", curve) != 1)
			continue;
		cvc_test_load_object(&o, signer_file(col));
		name = cvc_curve_name(&o.cert.key, o.cert.cpi);
		want = libcvc_curve_spelling(curve);
		if (name == NULL) {
			/* Allowed only when the parameters are inherited. */
			ck_assert_msg(
			    !cvc_pubkey_has_domain_params(&o.cert.key),
			    "%s: curve not named", signer_file(col));
		} else {
			ck_assert_msg(strcmp(name, want) == 0,
			              "%s: %s, EXPECTED.tsv says %s",
			              signer_file(col), name, want);
			named++;
			for (size_t k = 0; k < ARRAY_LEN(want_seen); k++)
				seen[k] |= strcmp(want_seen[k], name) == 0;
		}
		free(o.data);
	}
	cvc_test_tsv_free(&t);
	ck_assert_uint_ge(named, 200);
	for (size_t k = 0; k < ARRAY_LEN(want_seen); k++)
		ck_assert_msg(seen[k], "%s never named", want_seen[k]);
}
END_TEST

static void check_anchor_curve(const char *path, const char *name, void *ctx)
{
	size_t len;
	uint8_t *data = cvc_test_read_file(path, &len);
	cvc_pubkey key;

	(void)name;
	(void)ctx;
	ck_assert_int_eq(
	    cvc_pubkey_decode(data, len, CVC_DECODE_LENIENT, &key, NULL),
	    CVC_OK);
	/* The anchor names its curve in the OID (OpenHealth format) */
	ck_assert_pstr_eq(cvc_curve_name(&key, CVC_CPI_GEMATIK_G2),
	                  "brainpoolP256r1");
	free(data);
}

START_TEST(test_trust_anchor_curves)
{
	size_t n = cvc_test_each_corpus_file("gematik_g2/trust-anchor", ".der",
	                                     check_anchor_curve, NULL);

	ck_assert_uint_ge(n, 1);
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *chat_suite(void)
{
	Suite *s = suite_create("chat");
	TCase *tc = tcase_create("chat");
	TCase *oid = tcase_create("oid");
	TCase *curve = tcase_create("curve");
	TCase *corpus = tcase_create("corpus");

	tcase_add_test(tc, test_terminal_type_from_oid);
	tcase_add_loop_test(tc, test_real_chat_roles, 0,
	                    (int)ARRAY_LEN(real_chats));
	tcase_add_test(tc, test_at_worked_example);
	tcase_add_test(tc, test_bit_numbering);
	tcase_add_test(tc, test_role_bits);
	tcase_add_test(tc, test_bit_names);
	tcase_add_test(tc, test_role_names);
	tcase_add_test(tc, test_chat_info_errors);
	suite_add_tcase(s, tc);

	tcase_add_loop_test(oid, test_oid_to_text, 0,
	                    (int)ARRAY_LEN(oid_text_cases));
	tcase_add_loop_test(oid, test_oid_malformed, 0,
	                    (int)ARRAY_LEN(malformed_oids));
	tcase_add_test(oid, test_oid_buffer);
	tcase_add_loop_test(oid, test_oid_names, 0,
	                    (int)ARRAY_LEN(oid_name_cases));
	tcase_add_test(oid, test_oid_unknown);
	suite_add_tcase(s, oid);

	tcase_add_loop_test(curve, test_curve_from_openssl_params, 0,
	                    (int)ARRAY_LEN(openssl_curves));
	tcase_add_loop_test(curve, test_curve_from_openssl_oid, 0,
	                    (int)ARRAY_LEN(openssl_curves));
	tcase_add_test(curve, test_curve_twisted_not_named);
	tcase_add_test(curve, test_curve_gematik_point_length);
	suite_add_tcase(s, curve);

	tcase_add_test(corpus, test_gematik_explanations);
	tcase_add_test(corpus, test_manifest_roles);
	tcase_add_test(corpus, test_corpus_oids_named);
	tcase_add_test(corpus, test_corpus_curves_match_expected);
	tcase_add_test(corpus, test_trust_anchor_curves);
	tcase_set_timeout(corpus, 120);
	suite_add_tcase(s, corpus);
	return s;
}

int main(void)
{
	return cvc_test_run(chat_suite());
}
