/* SPDX-License-Identifier: MIT */
/*
 * BLANK: the new card. Selection and the FCI, what a BLANK card holds and
 * refuses, key generation parameters, the objects PUT DATA accepts, length
 * handling, and that pending personalization data do not survive a reset
 * or a SELECT. Nothing here activates the card.
 */
#include <string.h>

#include "conformance.h"

/* Raw TLV writing for the malformed objects the card must refuse. */
static size_t tlv(uint8_t *out, size_t at, uint8_t tag, const void *v,
                  size_t len)
{
	out[at++] = tag;
	if (len > 0x7F)
		out[at++] = 0x81;
	out[at++] = (uint8_t)len;
	memcpy(out + at, v, len);
	return at + len;
}

static void expect_get_data_sw(uint16_t tag, uint16_t sw)
{
	char what[40];
	conf_resp r;

	snprintf(what, sizeof(what), "GET DATA %04X", tag);
	io_get_data(tag, &r);
	io_expect_empty(&r, sw, what);
}

static void expect_blank_unchanged(const conf_fci *before)
{
	conf_fci now;

	proc_expect_state(LCS_BLANK, &now);
	conf_check(msg_same_status(&now, before),
	           "[LC-5] the status template changed");
}

START_TEST(LC_1_new_card_is_blank)
{
	static const uint16_t objects[] = {DO_CERT, DO_CHAIN, DO_ANCHOR};
	conf_fci fci;
	conf_resp r;
	uint8_t ch[32];

	proc_expect_state(LCS_BLANK, &fci);
	ck_assert_msg(fci.tries == 0, "[LC-1] PIN tries %u without a PIN",
	              fci.tries);
	ck_assert_msg(!fci.has_date, "[LC-1] card date while BLANK");
	for (size_t i = 0; i < 3; i++)
		expect_get_data_sw(objects[i], 0x6A88);
	proc_random(ch, sizeof(ch));
	io_xchg(INS_INT_AUTH, 0, 0, ch, sizeof(ch), true, &r);
	io_expect_empty(&r, 0x6985, "[LC-1] INTERNAL AUTHENTICATE (no key)");
	/* a power loss does not make anything appear */
	proc_power_cycle();
	proc_expect_state(LCS_BLANK, &fci);
	for (size_t i = 0; i < 3; i++)
		expect_get_data_sw(objects[i], 0x6A88);
}
END_TEST

START_TEST(SEL_1_blank_select_gives_fci_9000)
{
	conf_fci fci;

	msg_select_fci(0x9000, &fci);
	ck_assert_uint_eq(fci.lcs, LCS_BLANK);
}
END_TEST

START_TEST(SEL_2_blank_p2_0c_no_data)
{
	io_expect_select_no_data(0x9000, "[SEL-2] SELECT P2 0C");
}
END_TEST

START_TEST(SEL_3_other_aid_6a82)
{
	static const uint8_t others[][16] = {
	    /* same AID, version 02 */
	    {0xF0, 0x6C, 0x69, 0x62, 0x63, 0x76, 0x63, 0x42, 0x02},
	    /* a prefix of the AID: not the full AID */
	    {0xF0, 0x6C, 0x69, 0x62, 0x63, 0x76, 0x63, 0x42},
	    /* the AID and one more octet */
	    {0xF0, 0x6C, 0x69, 0x62, 0x63, 0x76, 0x63, 0x42, 0x01, 0x00},
	    /* an unrelated RID */
	    {0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01},
	};
	static const size_t lens[] = {9, 8, 10, 7};
	conf_resp r;

	for (size_t i = 0; i < 4; i++) {
		io_cmd(INS_SELECT, 0x04, 0x00, others[i], lens[i], 256, &r);
		io_expect_empty(&r, 0x6A82, "[SEL-3] SELECT of another AID");
	}
	/* the applet can be selected again afterwards */
	io_select(0x9000, &r);
}
END_TEST

START_TEST(SEL_5_blank_fci_exact)
{
	conf_fci fci;

	msg_select_exact_v10(0x9000, &fci);
	/* GET DATA 0104 carries the same A5 template */
	msg_expect_status_as_fci(&fci);
}
END_TEST

START_TEST(SEL_6_buffer_sizes_at_least_1024)
{
	conf_fci fci;

	proc_expect_state(LCS_BLANK, &fci);
	ck_assert_msg(fci.max_cmd >= 1024, "[SEL-6] FCI 83 = %zu", fci.max_cmd);
	ck_assert_msg(fci.max_resp >= 1024, "[SEL-6] FCI 84 = %zu",
	              fci.max_resp);
	conf.max_cmd = fci.max_cmd;
	conf.max_resp = fci.max_resp;
}
END_TEST

START_TEST(GD_3_blank_unknown_objects_6a88)
{
	static const uint16_t tags[] = {0x0100, 0x0105, 0x0001, 0x7F49,
	                                0x5F20, 0x00FF, 0xFFFF};

	io_select_state(LCS_BLANK);
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		expect_get_data_sw(tags[i], 0x6A88);
}
END_TEST

/* Table of section 6: what BLANK refuses with 6985, changing nothing. */
START_TEST(LC_5_blank_refusals_change_nothing)
{
	uint8_t block[24], ch[32];
	conf_fci before;
	conf_resp r;

	msg_pin_block(CONF_INITIAL_PIN, block);
	msg_pin_block("654321", block + 12);
	proc_random(ch, sizeof(ch));
	proc_expect_state(LCS_BLANK, &before);
	expect_get_data_sw(DO_HOLDER, 0x6985);
	io_cmd(INS_VERIFY, 0x00, 0x81, block, 12, 0, &r);
	io_expect_empty(&r, 0x6985, "VERIFY in BLANK");
	io_cmd(INS_VERIFY, 0x00, 0x81, NULL, 0, 0, &r);
	io_expect_empty(&r, 0x6985, "VERIFY (ask tries) in BLANK");
	io_cmd(INS_CHANGE_REF, 0x00, 0x81, block, 24, 0, &r);
	io_expect_empty(&r, 0x6985, "CHANGE REFERENCE DATA in BLANK");
	io_cmd(INS_INT_AUTH, 0x00, 0x00, ch, sizeof(ch), 256, &r);
	io_expect_empty(&r, 0x6985, "INTERNAL AUTHENTICATE in BLANK");
	io_cmd(INS_TERMINATE, 0x00, 0x00, NULL, 0, 0, &r);
	io_expect_empty(&r, 0x6985, "TERMINATE CARD USAGE in BLANK");
	expect_blank_unchanged(&before);
}
END_TEST

START_TEST(TA_8_blank_refuses_terminal_authentication)
{
	io_select_state(LCS_BLANK);
	proc_expect_ta_refused(&conf.pki.dv, "BLANK");
}
END_TEST

START_TEST(IA_1_blank_refuses_internal_authenticate)
{
	proc_expect_ia_refused(LCS_BLANK);
}
END_TEST

START_TEST(GEN_4_blank_unknown_ins_and_cla)
{
	io_select_state(LCS_BLANK);
	io_expect_unknown_ins_and_cla(DO_STATUS);
}
END_TEST

/* ------------------------------------------------------------------ */
/* GENERATE parameters                                                 */

static size_t gen_data(const char *algo_name, int param_id, int rsa_bits,
                       uint8_t *out)
{
	const cvc_algo *algo = cvc_algo_from_name(algo_name);
	size_t n = 0;

	ck_assert_ptr_nonnull(algo);
	out[n++] = 0x06;
	out[n++] = (uint8_t)algo->oid_len;
	memcpy(out + n, algo->oid, algo->oid_len);
	n += algo->oid_len;
	if (param_id >= 0) {
		out[n++] = 0x80;
		out[n++] = 0x01;
		out[n++] = (uint8_t)param_id;
	}
	if (rsa_bits >= 0) {
		out[n++] = 0x81;
		out[n++] = 0x02;
		out[n++] = (uint8_t)(rsa_bits >> 8);
		out[n++] = (uint8_t)rsa_bits;
	}
	return n;
}

/*
 * [GEN-1]: 7F49 { 06 OID, 86 point } (EC) or 7F49 { 06 OID, 81 n, 82 e }
 * (RSA), nothing else: no private component ever.
 */
static void check_public_key(const uint8_t *d, size_t len, const char *algo,
                             size_t point_len, size_t rsa_bits)
{
	const cvc_algo *a = cvc_algo_from_name(algo);
	cvc_tlv_reader r, in;
	cvc_tlv t, c;

	cvc_tlv_reader_init(&r, d, len, CVC_TLV_STRICT);
	conf_check(cvc_tlv_get(&r, 0x7F49, "7F49", &t, NULL) == CVC_OK &&
	               cvc_tlv_remaining(&r) == 0,
	           "[GEN-1] answer is not one DER 7F49 object");
	cvc_tlv_reader_child(&r, &t, &in);
	conf_check(cvc_tlv_get(&in, 0x06, "OID", &c, NULL) == CVC_OK &&
	               c.value.len == a->oid_len &&
	               memcmp(c.value.data, a->oid, a->oid_len) == 0,
	           "[GEN-1] 7F49/06 is not the requested %s", algo);
	if (point_len > 0) {
		conf_check(
		    cvc_tlv_get(&in, 0x86, "point", &c, NULL) == CVC_OK &&
		        c.value.len == point_len && c.value.data[0] == 0x04,
		    "[GEN-1] 7F49/86 is not an uncompressed point of "
		    "%zu octets",
		    point_len);
	} else {
		conf_check(cvc_tlv_get(&in, 0x81, "n", &c, NULL) == CVC_OK &&
		               c.value.len * 8 == rsa_bits,
		           "[GEN-1] 7F49/81 is not a %zu-bit modulus",
		           rsa_bits);
		conf_check(cvc_tlv_get(&in, 0x82, "e", &c, NULL) == CVC_OK,
		           "[GEN-1] 7F49/82 exponent missing");
	}
	conf_check(cvc_tlv_remaining(&in) == 0,
	           "[GEN-1] more than the public key in 7F49");
}

static void expect_generate(const uint8_t *data, size_t len, uint16_t sw,
                            const char *what)
{
	conf_resp r;

	io_xchg(INS_GENERATE, 0, 0, data, len, true, &r);
	io_expect_empty(&r, sw, what);
}

START_TEST(GEN_3_generate_parameters_refused)
{
	static const uint8_t unknown_oid[] = {0x06, 0x03, 0x2A, 0x03,
	                                      0x04, 0x80, 0x01, 0x0D};
	static const int unlisted_ids[] = {0x01, 0x0E, 0x13, 0x00, 0xFF};
	static const int bad_bits[] = {1024, 2047, 2500, 5120, 0};
	const char *ec = "id-TA-ECDSA-SHA-256", *rsa = "id-TA-RSA-v1-5-SHA-256";
	uint8_t d[64];

	io_select_state(LCS_BLANK);
	expect_generate(unknown_oid, sizeof(unknown_oid), 0x6A80,
	                "[GEN-3] unknown OID");
	expect_generate(d, gen_data(ec, -1, -1, d), 0x6A80,
	                "[GEN-3] EC without a domain parameter ID");
	expect_generate(d, gen_data(ec, -1, 2048, d), 0x6A80,
	                "[GEN-3] EC OID with 81 only");
	expect_generate(d, gen_data(ec, 0x0D, 2048, d), 0x6A80,
	                "[GEN-3] EC OID with 80 and 81");
	for (size_t i = 0; i < sizeof(unlisted_ids) / sizeof(int); i++)
		expect_generate(d, gen_data(ec, unlisted_ids[i], -1, d), 0x6A80,
		                "[GEN-3] unlisted domain parameter ID");
	expect_generate(d, gen_data(rsa, -1, -1, d), 0x6A80,
	                "[GEN-3] RSA without a size");
	expect_generate(d, gen_data(rsa, 0x0D, -1, d), 0x6A80,
	                "[GEN-3] RSA OID with 80");
	expect_generate(d, gen_data(rsa, 0x0D, 2048, d), 0x6A80,
	                "[GEN-3] RSA OID with 80 and 81");
	for (size_t i = 0; i < sizeof(bad_bits) / sizeof(int); i++)
		expect_generate(d, gen_data(rsa, -1, bad_bits[i], d), 0x6A80,
		                "[GEN-3] RSA size not 2048..4096 by 1024");
}
END_TEST

/* Listed parameters: a key (9000) or "not supported" (6A81), no other. */
START_TEST(GEN_3_listed_parameters_generate_or_6a81)
{
	static const struct {
		int id;
		size_t point;
	} curves[] = {{0x0C, 65}, {0x0D, 65},  {0x0F, 97},
	              {0x10, 97}, {0x11, 129}, {0x12, 133}};
	const char *ec = "id-TA-ECDSA-SHA-256", *rsa = "id-TA-RSA-v1-5-SHA-256";
	size_t supported = 0;
	uint8_t d[64];
	conf_resp r;

	io_select_state(LCS_BLANK);
	for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++) {
		io_xchg(INS_GENERATE, 0, 0, d,
		        gen_data(ec, curves[i].id, -1, d), true, &r);
		if (r.sw == 0x6A81 && r.len == 0)
			continue;
		io_expect_sw(&r, 0x9000, "[GEN-3] listed curve");
		check_public_key(r.data, r.len, ec, curves[i].point, 0);
		supported++;
	}
	/* brainpoolP256r1 is what the suite personalizes with */
	ck_assert_msg(supported > 0, "[GEN-3] no listed curve supported");
	io_xchg(INS_GENERATE, 0, 0, d, gen_data(rsa, -1, 2048, d), true, &r);
	if (r.sw != 0x6A81 || r.len != 0) {
		io_expect_sw(&r, 0x9000, "[GEN-3] RSA-2048");
		check_public_key(r.data, r.len, rsa, 0, 2048);
	}
}
END_TEST

START_TEST(GEN_1_blank_generate_returns_public_key_only)
{
	uint8_t a[512], b[512];
	size_t a_len, b_len;
	conf_cert c1;
	cvc_key *key;

	io_select_state(LCS_BLANK);
	proc_generate(a, sizeof(a), &a_len);
	check_public_key(a, a_len, "id-TA-ECDSA-SHA-256", 65, 0);
	proc_generate(b, sizeof(b), &b_len);
	check_public_key(b, b_len, "id-TA-ECDSA-SHA-256", 65, 0);
	ck_assert_msg(a_len != b_len || memcmp(a, b, a_len) != 0,
	              "[GEN-1] two GENERATEs gave the same key");
	/* a point on the CVCA's curve: usable in a badge certificate */
	pki_badge_cert(&conf.pki.dv, "DECONFBDG00009", b, b_len, "2025-03-01",
	               "2028-02-29", &c1);
	key = pki_key(&c1, &conf.pki.cvca);
	ck_assert_ptr_nonnull(key);
	cvc_key_free(&key);
}
END_TEST

/* ------------------------------------------------------------------ */
/* PUT DATA in BLANK                                                   */

START_TEST(PD_1_chain_needs_pending_key)
{
	uint8_t chain[2 * CONF_MAX_CERT], pub[512];
	size_t chain_len, pub_len;

	/* a structurally good chain, for a key that is not the card's */
	chain_len =
	    proc_chain(&conf.pki.t_all, &conf.pki.dv, chain, sizeof(chain));
	io_select_state(LCS_BLANK);
	io_put_data(DO_ANCHOR, conf.pki.cvca.der, conf.pki.cvca.len, 0x9000,
	            "PUT DATA 0103");
	io_put_data(DO_CHAIN, chain, chain_len, 0x6985,
	            "[PD-1] PUT DATA 0101 before GENERATE");
	proc_generate(pub, sizeof(pub), &pub_len);
	io_put_data(DO_CHAIN, chain, chain_len, 0x6A80,
	            "[PD-1] chain for another key than the pending one");
}
END_TEST

START_TEST(PD_5_blank_unknown_objects_6a88)
{
	static const uint16_t tags[] = {DO_STATUS, DO_CERT, 0x0100, 0x0105,
	                                0x5F20};
	uint8_t holder[256];
	size_t len = proc_holder_data(holder, sizeof(holder));

	io_select_state(LCS_BLANK);
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		io_put_data(tags[i], holder, len, 0x6A88,
		            "[PD-5] PUT DATA of an unknown object");
}
END_TEST

/* Holder data made of objects of the given tags and lengths ('A's). */
typedef struct holder_field {
	uint8_t tag; /* 0 ends the list */
	size_t len;
} holder_field;

static size_t holder_of(const holder_field *f, uint8_t *out)
{
	uint8_t in[300], value[80];
	size_t n = 0;

	memset(value, 'A', sizeof(value));
	for (; f->tag != 0; f++)
		n = tlv(in, n, f->tag, value, f->len);
	return tlv(out, 0, 0x65, in, n);
}

START_TEST(OBJ_1_holder_data_refused_unless_exact)
{
	static const struct {
		const char *what;
		holder_field f[5];
	} bad[] = {
	    {"[OBJ-1] no staff ID", {{0x80, 12}}},
	    {"[OBJ-1] 81 before 80", {{0x81, 6}, {0x80, 12}}},
	    {"[OBJ-1] empty name", {{0x80, 0}, {0x81, 6}}},
	    {"[OBJ-1] name of 65 octets", {{0x80, 65}, {0x81, 6}}},
	    {"[OBJ-1] empty staff ID", {{0x80, 12}, {0x81, 0}}},
	    {"[OBJ-1] staff ID of 33 octets", {{0x80, 12}, {0x81, 33}}},
	    {"[OBJ-1] department of 65 octets",
	     {{0x80, 12}, {0x81, 6}, {0x82, 65}}},
	    {"[OBJ-1] unknown object 83", {{0x80, 12}, {0x81, 6}, {0x83, 6}}},
	    {"[OBJ-1] 82 twice", {{0x80, 12}, {0x81, 6}, {0x82, 6}, {0x82, 6}}},
	};
	static const holder_field good[] = {{0x80, 12}, {0x81, 6}, {0}};
	uint8_t d[640];
	size_t n;

	io_select_state(LCS_BLANK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		io_put_data(DO_HOLDER, d, holder_of(bad[i].f, d), 0x6A80,
		            bad[i].what);
	/* not exactly one DER 65 around good content */
	n = holder_of(good, d);
	d[0] = 0x66;
	io_put_data(DO_HOLDER, d, n, 0x6A80, "[OBJ-1] tag 66");
	n = holder_of(good, d + 1);
	d[0] = 0x65;
	d[1] = 0x81; /* 65 81 xx with xx < 80: not DER */
	io_put_data(DO_HOLDER, d, n + 1, 0x6A80, "[OBJ-1] non-DER length");
	n = holder_of(good, d);
	d[n] = 0x00;
	io_put_data(DO_HOLDER, d, n + 1, 0x6A80, "[OBJ-1] trailing octet");
	memcpy(d + n, d, n);
	io_put_data(DO_HOLDER, d, 2 * n, 0x6A80, "[OBJ-1] two templates");
	io_put_data(DO_HOLDER, d, n, 0x9000, "[OBJ-1] the good template");
}
END_TEST

START_TEST(OBJ_1_holder_data_limits_accepted)
{
	uint8_t in[300], d[320], big[80];
	size_t n;

	memset(big, 'B', sizeof(big));
	io_select_state(LCS_BLANK);
	n = tlv(in, 0, 0x80, big, 64);
	n = tlv(in, n, 0x81, big, 32);
	n = tlv(in, n, 0x82, big, 64);
	n = tlv(d, 0, 0x65, in, n);
	ck_assert_uint_le(n, 170);
	io_put_data(DO_HOLDER, d, n, 0x9000, "[OBJ-1] largest holder data");
	n = tlv(in, 0, 0x80, "X", 1);
	n = tlv(in, n, 0x81, "1", 1);
	n = tlv(in, n, 0x82, "", 0);
	io_put_data(DO_HOLDER, d, tlv(d, 0, 0x65, in, n), 0x9000,
	            "[OBJ-1] empty department");
	n = tlv(in, 0, 0x80, "X", 1);
	n = tlv(in, n, 0x81, "1", 1);
	io_put_data(DO_HOLDER, d, tlv(d, 0, 0x65, in, n), 0x9000,
	            "[OBJ-1] without department");
}
END_TEST

START_TEST(OBJ_3_trust_anchor_refused_unless_self_signed_cvca)
{
	const conf_pki *p = &conf.pki;
	const conf_cert *bad[] = {&p->anchor_car_ne_chr,
	                          &p->anchor_dv_role,
	                          &p->anchor_badsig,
	                          &p->anchor_no_domain,
	                          &p->dv,
	                          &p->link};
	uint8_t d[2 * CONF_MAX_CERT + 1];

	io_select_state(LCS_BLANK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		io_put_data(DO_ANCHOR, bad[i]->der, bad[i]->len, 0x6A80,
		            bad[i]->label);
	memcpy(d, p->cvca.der, p->cvca.len);
	d[p->cvca.len] = 0x00;
	io_put_data(DO_ANCHOR, d, p->cvca.len + 1, 0x6A80,
	            "[OBJ-3] anchor with a trailing octet");
	memcpy(d + p->cvca.len, p->cvca.der, p->cvca.len);
	io_put_data(DO_ANCHOR, d, 2 * p->cvca.len, 0x6A80,
	            "[OBJ-3] two anchors");
	io_put_data(DO_ANCHOR, p->cvca.der, p->cvca.len, 0x9000,
	            "[OBJ-3] the CVCA");
}
END_TEST

/* The anchor and a pending key; *badge issued for it under the DV. */
static void anchor_and_key(conf_cert *badge)
{
	uint8_t pub[512];
	size_t pub_len;

	io_select_state(LCS_BLANK);
	io_put_data(DO_ANCHOR, conf.pki.cvca.der, conf.pki.cvca.len, 0x9000,
	            "PUT DATA 0103");
	proc_generate(pub, sizeof(pub), &pub_len);
	pki_badge_cert(&conf.pki.dv, "DECONFBDG00001", pub, pub_len,
	               "2025-03-01", "2028-02-29", badge);
}

START_TEST(OBJ_2_chain_refused_unless_badge_then_dv)
{
	const conf_pki *p = &conf.pki;
	uint8_t d[4 * CONF_MAX_CERT];
	conf_cert b;
	size_t n;

	anchor_and_key(&b);
	io_put_data(DO_CHAIN, b.der, b.len, 0x6A80, "[OBJ-2] badge only");
	n = proc_chain(&b, &p->dv, d, sizeof(d));
	memcpy(d + n, p->dv.der, p->dv.len);
	io_put_data(DO_CHAIN, d, n + p->dv.len, 0x6A80,
	            "[OBJ-2] three certificates");
	d[n] = 0x00;
	io_put_data(DO_CHAIN, d, n + 1, 0x6A80, "[OBJ-2] trailing octet");
	n = proc_chain(&p->dv, &b, d, sizeof(d));
	io_put_data(DO_CHAIN, d, n, 0x6A80, "[OBJ-2] DV first");
	n = proc_chain(&b, &p->dv_late, d, sizeof(d));
	io_put_data(DO_CHAIN, d, n, 0x6A80,
	            "[OBJ-2] second CHR is not the badge's CAR");
	/* 7F21 with a non-minimal length: not DER */
	ck_assert(b.der[2] == 0x81);
	memcpy(d, (const uint8_t[]){0x7F, 0x21, 0x82, 0x00}, 4);
	memcpy(d + 4, b.der + 3, b.len - 3);
	memcpy(d + 4 + b.len - 3, p->dv.der, p->dv.len);
	io_put_data(DO_CHAIN, d, b.len + 1 + p->dv.len, 0x6A80,
	            "[OBJ-2] non-DER badge certificate");
	n = proc_chain(&b, &p->dv, d, sizeof(d));
	io_put_data(DO_CHAIN, d, n, 0x9000, "[OBJ-2] the right chain");
}
END_TEST

START_TEST(PD_2_blank_chain_signatures_verified)
{
	const conf_pki *p = &conf.pki;
	uint8_t d[2 * CONF_MAX_CERT], pk[512];
	size_t pk_len = 0;
	conf_cert b, forged, under_foreign;
	conf_issue s = {
	    .label = "badge signed by a foreign key",
	    .chr = "DECONFBDG00001",
	    .role = CVC_ROLE_TERMINAL,
	    .from = "2025-03-01",
	    .to = "2028-02-29",
	    .domain = 0,
	};

	anchor_and_key(&b);
	/* badge certificates for the pending key, wrongly signed */
	ck_assert_int_eq(
	    cvc_pubkey_encode(&b.cert.key, pk, sizeof(pk), &pk_len), CVC_OK);
	s.pubkey = pk;
	s.pubkey_len = pk_len;
	s.signer = p->foreign.key;
	pki_issue(&p->dv, &s, &forged);
	s.signer = NULL;
	pki_issue(&p->dv_foreign, &s, &under_foreign);
	io_put_data(DO_CHAIN, d, proc_chain(&forged, &p->dv, d, sizeof(d)),
	            0x6A80, "[PD-2] badge certificate not signed by the DV");
	io_put_data(DO_CHAIN, d,
	            proc_chain(&under_foreign, &p->dv_foreign, d, sizeof(d)),
	            0x6A80, "[PD-2] DV certificate not signed by the anchor");
	io_put_data(DO_CHAIN, d, proc_chain(&b, &p->dv, d, sizeof(d)), 0x9000,
	            "[PD-2] the right chain");
}
END_TEST

START_TEST(PIN_3_blank_initial_pin_block_checked)
{
	uint8_t block[13];
	conf_resp r;

	io_select_state(LCS_BLANK);
	for (size_t i = 0; i < msg_n_malformed_pin_blocks; i++) {
		memcpy(block, msg_malformed_pin_blocks[i], 12);
		io_cmd(INS_RESET_RETRY, 0x02, 0x81, block, 12, 0, &r);
		io_expect_empty(&r, 0x6A80, "[PIN-3] malformed initial PIN");
	}
	msg_pin_block("1234567", block);
	io_cmd(INS_RESET_RETRY, 0x02, 0x81, block, 11, 0, &r);
	io_expect_empty(&r, 0x6700, "[PIN-3] Lc 0B");
	block[12] = 0xFF;
	io_cmd(INS_RESET_RETRY, 0x02, 0x81, block, 13, 0, &r);
	io_expect_empty(&r, 0x6700, "[PIN-3] Lc 0D");
	msg_pin_block("123456789012", block);
	io_cmd(INS_RESET_RETRY, 0x02, 0x81, block, 12, 0, &r);
	io_expect_empty(&r, 0x9000, "[PIN-3] 12-digit PIN");
}
END_TEST

/* ------------------------------------------------------------------ */

START_TEST(LC_2_reset_discards_pending_data)
{
	uint8_t d[2 * CONF_MAX_CERT];
	conf_cert b;
	conf_fci fci;

	/* a power loss during personalization ... */
	io_select_state(LCS_BLANK);
	proc_personalize_pending(&b);
	proc_power_cycle();
	proc_expect_state(LCS_BLANK, &fci);
	io_expect_bare(INS_ACTIVATE, 0x6985,
	               "[LC-2] ACTIVATE after a power loss");
	/* ... and a warm reset */
	proc_personalize_pending(&b);
	io_reset();
	proc_expect_state(LCS_BLANK, &fci);
	io_expect_bare(INS_ACTIVATE, 0x6985, "[LC-2] ACTIVATE after a reset");
	expect_get_data_sw(DO_CERT, 0x6A88);
	/* the pending key went too: the old chain has no key to match */
	io_put_data(DO_ANCHOR, conf.pki.cvca.der, conf.pki.cvca.len, 0x9000,
	            "PUT DATA 0103");
	io_put_data(DO_CHAIN, d, proc_chain(&b, &conf.pki.dv, d, sizeof(d)),
	            0x6985, "[LC-2] PUT DATA 0101 after a reset");
}
END_TEST

START_TEST(LC_2_select_discards_pending_data)
{
	conf_cert b;
	conf_fci fci;

	io_select_state(LCS_BLANK);
	proc_personalize_pending(&b);
	io_select_state(LCS_BLANK);
	io_expect_bare(INS_ACTIVATE, 0x6985, "[LC-2] ACTIVATE after a SELECT");
	proc_expect_state(LCS_BLANK, &fci);
	ck_assert(!fci.has_date);
}
END_TEST

size_t group_blank(const TTest **out, size_t cap)
{
	const TTest *list[] = {
	    LC_1_new_card_is_blank,
	    SEL_1_blank_select_gives_fci_9000,
	    SEL_2_blank_p2_0c_no_data,
	    SEL_3_other_aid_6a82,
	    SEL_5_blank_fci_exact,
	    SEL_6_buffer_sizes_at_least_1024,
	    GD_3_blank_unknown_objects_6a88,
	    LC_5_blank_refusals_change_nothing,
	    TA_8_blank_refuses_terminal_authentication,
	    IA_1_blank_refuses_internal_authenticate,
	    GEN_4_blank_unknown_ins_and_cla,
	    GEN_3_generate_parameters_refused,
	    GEN_3_listed_parameters_generate_or_6a81,
	    GEN_1_blank_generate_returns_public_key_only,
	    PD_1_chain_needs_pending_key,
	    PD_5_blank_unknown_objects_6a88,
	    OBJ_1_holder_data_refused_unless_exact,
	    OBJ_1_holder_data_limits_accepted,
	    OBJ_3_trust_anchor_refused_unless_self_signed_cvca,
	    OBJ_2_chain_refused_unless_badge_then_dv,
	    PD_2_blank_chain_signatures_verified,
	    PIN_3_blank_initial_pin_block_checked,
	    LC_2_reset_discards_pending_data,
	    LC_2_select_discards_pending_data,
	};

	return conf_group_copy(list, sizeof(list) / sizeof(list[0]), out, cap);
}
