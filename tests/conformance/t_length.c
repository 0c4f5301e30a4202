/* SPDX-License-Identifier: MIT */
/*
 * Length handling (SPEC 5.1): short and extended forms [LEN-1], 61xx and
 * GET RESPONSE [LEN-2], command chaining [LEN-3], data over the card's
 * limit and wrong Lc [LEN-4]. One part runs on the BLANK card, one on the
 * PERSONALIZED card.
 *
 * Through a reader that cannot carry a long APDU (libnfc's PN53x frame:
 * 262 command octets, 263 answer octets) the checks that need one are
 * listed as not checked, and the rest still runs.
 */
#include <stdio.h>
#include <string.h>

#include "conformance.h"

static void send_ext(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
                     size_t len, size_t le, conf_resp *r)
{
	conf_cmd c = {0x00, ins, p1, p2, data, len, le, true};

	io_send1(&c, r);
}

static bool carries(size_t lc, size_t le_data, const char *what)
{
	/* header 4 + Lc 3 + data + Le 2 */
	if (io_reader_carries_command(4 + 3 + lc + 2) &&
	    io_reader_carries_response(le_data))
		return true;
	conf_note_untested("[LEN-1]", what);
	return false;
}

static size_t card_max_cmd(void)
{
	conf_fci fci;

	if (conf.max_cmd == 0) {
		msg_card_status(&fci);
		conf.max_cmd = fci.max_cmd;
		conf.max_resp = fci.max_resp;
	}
	return conf.max_cmd;
}

static void expect_same(const conf_resp *a, const conf_resp *b,
                        const char *what)
{
	conf_check(a->len == b->len && memcmp(a->data, b->data, a->len) == 0 &&
	               a->sw == b->sw,
	           "[LEN-1] %s: extended and short forms answer differently",
	           what);
}

/* ------------------------------------------------------------------ */
/* BLANK                                                               */

START_TEST(LEN_1_blank_extended_forms)
{
	uint8_t holder[256], block[12], gen[32];
	size_t holder_len = proc_holder_data(holder, sizeof(holder));
	conf_resp s, e;
	size_t n = 0;

	io_select(0x9000, &s);
	send_ext(INS_SELECT, 0x04, 0x00, conf_aid, sizeof(conf_aid), 65536, &e);
	expect_same(&e, &s, "SELECT");
	io_cmd(INS_GET_DATA, 0x01, 0x04, NULL, 0, 256, &s);
	send_ext(INS_GET_DATA, 0x01, 0x04, NULL, 0, 65536, &e);
	expect_same(&e, &s, "GET DATA 0104");
	if (carries(conf.pki.cvca.len, 0, "anchor in one extended PUT DATA")) {
		send_ext(INS_PUT_DATA, 0x01, 0x03, conf.pki.cvca.der,
		         conf.pki.cvca.len, 0, &e);
		io_expect_empty(&e, 0x9000, "[LEN-1] extended PUT DATA 0103");
	}
	send_ext(INS_PUT_DATA, 0x01, 0x02, holder, holder_len, 0, &e);
	io_expect_empty(&e, 0x9000, "[LEN-1] extended PUT DATA 0102");
	n = proc_generate_data(gen);
	send_ext(INS_GENERATE, 0, 0, gen, n, 65536, &e);
	io_expect_sw(&e, 0x9000, "[LEN-1] extended GENERATE");
	conf_check(e.len > 65 && e.data[0] == 0x7F && e.data[1] == 0x49,
	           "[LEN-1] extended GENERATE: no 7F49 in one answer");
	msg_pin_block(CONF_INITIAL_PIN, block);
	send_ext(INS_RESET_RETRY, 0x02, 0x81, block, 12, 0, &e);
	io_expect_empty(&e, 0x9000, "[LEN-1] extended RESET RETRY COUNTER");
	io_select_state(LCS_BLANK); /* drops what was put */
}
END_TEST

START_TEST(LEN_2_get_response_only_after_61xx)
{
	conf_resp r;

	io_select_state(LCS_BLANK);
	io_cmd(INS_GET_RESP, 0, 0, NULL, 0, 256, &r);
	io_expect_empty(&r, 0x6985, "[LEN-2] GET RESPONSE after SELECT");
	io_cmd(INS_GET_DATA, 0x01, 0x04, NULL, 0, 256, &r);
	io_expect_sw(&r, 0x9000, "GET DATA 0104");
	io_cmd(INS_GET_RESP, 0, 0, NULL, 0, 16, &r);
	io_expect_empty(&r, 0x6985, "[LEN-2] GET RESPONSE after 9000");
}
END_TEST

START_TEST(LEN_3_blank_chained_put_data)
{
	conf_resp r;
	size_t parts;

	io_select_state(LCS_BLANK);
	parts = io_chain(INS_PUT_DATA, 0x01, 0x03, conf.pki.cvca.der,
	                 conf.pki.cvca.len, 100, 0, &r);
	io_expect_empty(&r, 0x9000, "[LEN-3] anchor in a chain");
	ck_assert_uint_ge(parts, 3);
	io_select_state(LCS_BLANK);
}
END_TEST

START_TEST(LEN_3_chaining_of_other_commands_6884)
{
	uint8_t block[12];
	conf_fci before, after;
	conf_resp r;

	msg_pin_block(CONF_INITIAL_PIN, block);
	proc_expect_state(LCS_BLANK, &before);
	{
		conf_cmd c[] = {
		    {0x10, INS_GET_DATA, 0x01, 0x04, NULL, 0, 256, false},
		    {0x10, INS_RESET_RETRY, 0x02, 0x81, block, 12, 0, false},
		    {0x10, INS_GENERATE, 0x00, 0x00, block, 12, 256, false},
		    {0x10, INS_ACTIVATE, 0x00, 0x00, NULL, 0, 0, false},
		    {0x10, INS_SELECT, 0x04, 0x00, conf_aid, sizeof(conf_aid),
		     256, false},
		};

		for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
			char what[64];

			snprintf(what, sizeof(what), "[LEN-3] CLA 10 INS %02X",
			         c[i].ins);
			io_send1(&c[i], &r);
			io_expect_empty(&r, 0x6884, what);
		}
	}
	proc_expect_state(LCS_BLANK, &after);
	ck_assert_msg(msg_same_status(&after, &before),
	              "[LEN-3] the status changed after refused chains");
}
END_TEST

START_TEST(LEN_3_interrupted_chain_discarded_6883)
{
	uint8_t holder[256];
	size_t len = proc_holder_data(holder, sizeof(holder));
	conf_cmd first = {0x10, INS_PUT_DATA, 0x01, 0x02, holder, 20, 0, false};
	conf_resp r;

	io_select_state(LCS_BLANK);
	io_send1(&first, &r);
	io_expect_empty(&r, 0x9000, "[LEN-3] first part");
	io_cmd(INS_GET_DATA, 0x01, 0x04, NULL, 0, 256, &r);
	io_expect_empty(&r, 0x6883, "[LEN-3] command interrupting a chain");
	io_cmd(INS_GET_DATA, 0x01, 0x04, NULL, 0, 256, &r);
	io_expect_sw(&r, 0x9000, "[LEN-3] next command after the 6883");
	/* the first part is gone: the rest alone is no holder data */
	io_cmd(INS_PUT_DATA, 0x01, 0x02, holder + 20, len - 20, 0, &r);
	io_expect_empty(&r, 0x6A80, "[LEN-3] rest of a discarded chain");
}
END_TEST

START_TEST(LEN_4_data_over_card_limit_6700)
{
	static uint8_t zeros[65536];
	size_t max = card_max_cmd();
	conf_resp r;

	ck_assert_uint_lt(max + 1, sizeof(zeros));
	io_select_state(LCS_BLANK);
	/* a chain of up to FCI 83 octets is taken (and then judged) */
	io_chain(INS_PUT_DATA, 0x01, 0x02, zeros, max, 255, 0, &r);
	io_expect_empty(&r, 0x6A80, "[LEN-4] chain of exactly FCI 83 octets");
	io_chain(INS_PUT_DATA, 0x01, 0x02, zeros, max + 1, 255, 0, &r);
	io_expect_empty(&r, 0x6700, "[LEN-4] chain of FCI 83 + 1 octets");
	if (io_reader_carries_command(max + 1 + 7)) {
		send_ext(INS_PUT_DATA, 0x01, 0x02, zeros, max, 0, &r);
		io_expect_empty(&r, 0x6A80, "[LEN-4] Lc = FCI 83");
		send_ext(INS_PUT_DATA, 0x01, 0x02, zeros, max + 1, 0, &r);
		io_expect_empty(&r, 0x6700, "[LEN-4] Lc = FCI 83 + 1");
	} else {
		conf_note_untested("[LEN-4]",
		                   "one extended command over FCI "
		                   "83 (the reader cannot carry it)");
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* PERSONALIZED                                                        */

START_TEST(LEN_1_personalized_extended_forms)
{
	uint8_t ch[32], rpicc[16], sig[128], block[24];
	cvc_span dv = pki_body_and_sig(conf.ta_dv);
	cvc_span term = pki_body_and_sig(conf.ta_all);
	size_t sig_len;
	conf_resp s, e;
	conf_ia ia;

	io_select(0x9000, &s);
	send_ext(INS_SELECT, 0x04, 0x00, conf_aid, sizeof(conf_aid), 65536, &e);
	expect_same(&e, &s, "SELECT");
	send_ext(INS_GET_DATA, 0x7F, 0x21, NULL, 0, 65536, &e);
	io_expect_sw(&e, 0x9000, "[LEN-1] extended GET DATA 7F21");
	conf_check(e.len == conf.badge.len &&
	               memcmp(e.data, conf.badge.der, e.len) == 0,
	           "[LEN-1] extended GET DATA 7F21: not the certificate");
	if (carries(0, conf.chain_len, "chain in one extended answer")) {
		send_ext(INS_GET_DATA, 0x01, 0x01, NULL, 0, 65536, &e);
		io_expect_sw(&e, 0x9000, "[LEN-1] extended GET DATA 0101");
		conf_check(e.len == conf.chain_len &&
		               memcmp(e.data, conf.chain, e.len) == 0,
		           "[LEN-1] extended GET DATA 0101: not the chain");
	}
	/* terminal authentication in extended form */
	send_ext(INS_PSO, 0x00, 0xBE, dv.data, dv.len, 0, &e);
	io_expect_empty(&e, 0x9000, "[LEN-1] extended PSO (DV)");
	send_ext(INS_PSO, 0x00, 0xBE, term.data, term.len, 0, &e);
	io_expect_empty(&e, 0x9000, "[LEN-1] extended PSO (terminal)");
	send_ext(INS_GET_CHAL, 0, 0, NULL, 0, 16, &e);
	io_expect_sw(&e, 0x9000, "[LEN-1] extended GET CHALLENGE");
	ck_assert_uint_eq(e.len, 16);
	memcpy(rpicc, e.data, 16);
	sig_len = proc_sign_ta(conf.ta_all->key, rpicc, sig, sizeof(sig));
	send_ext(INS_EXT_AUTH, 0, 0, sig, sig_len, 0, &e);
	io_expect_empty(&e, 0x9000, "[LEN-1] extended EXTERNAL AUTHENTICATE");
	/* PIN commands */
	msg_pin_block(conf.pin, block);
	msg_pin_block(conf.pin, block + 12);
	send_ext(INS_VERIFY, 0x00, 0x81, block, 12, 0, &e);
	io_expect_empty(&e, 0x9000, "[LEN-1] extended VERIFY");
	send_ext(INS_CHANGE_REF, 0x00, 0x81, block, 24, 0, &e);
	io_expect_empty(&e, 0x9000, "[LEN-1] extended CHANGE REFERENCE DATA");
	send_ext(INS_GET_DATA, 0x01, 0x02, NULL, 0, 65536, &e);
	io_expect_sw(&e, 0x9000, "[LEN-1] extended GET DATA 0102");
	/* badge authentication, with the chain when the reader carries it */
	proc_random(ch, sizeof(ch));
	send_ext(INS_INT_AUTH, 0, 0, ch, sizeof(ch), 65536, &e);
	io_expect_sw(&e, 0x9000, "[LEN-1] extended INTERNAL AUTHENTICATE");
	msg_parse_ia(e.data, e.len, false, &ia);
	ck_assert(proc_ia_verifies(&ia, &conf.badge, ch, sizeof(ch)));
	if (carries(32, conf.chain_len + 120,
	            "INTERNAL AUTHENTICATE P2 01 in one extended answer")) {
		send_ext(INS_INT_AUTH, 0, 1, ch, sizeof(ch), 65536, &e);
		io_expect_sw(&e, 0x9000,
		             "[LEN-1] extended INTERNAL AUTHENTICATE P2 01");
		msg_parse_ia(e.data, e.len, true, &ia);
		ck_assert(proc_ia_verifies(&ia, &conf.badge, ch, sizeof(ch)));
	}
}
END_TEST

/* GET DATA 7F21 in pieces of 64: first Le octets with 61xx, xx = left. */
START_TEST(LEN_2_get_response_pieces)
{
	uint8_t got[2 * CONF_MAX_CERT];
	size_t got_len = 0, left = conf.badge.len;
	conf_resp r;

	io_select_state(LCS_PERSONALIZED);
	io_cmd(INS_GET_DATA, 0x7F, 0x21, NULL, 0, 64, &r);
	while (left > r.len) {
		size_t rest = left - r.len;
		uint16_t sw61 = (uint16_t)(0x6100 | (rest >= 256 ? 0 : rest));

		if (r.sw != sw61)
			conf_fail("[LEN-2] SW %04X with %zu octets left, "
			          "expected %04X",
			          r.sw, rest, sw61);
		conf_check(r.len == 64 || got_len > 0,
		           "[LEN-2] first piece of %zu octets for Le 40",
		           r.len);
		memcpy(got + got_len, r.data, r.len);
		got_len += r.len;
		left = rest;
		io_cmd(INS_GET_RESP, 0, 0, NULL, 0, rest > 64 ? 64 : 256, &r);
	}
	io_expect_sw(&r, 0x9000, "[LEN-2] last GET RESPONSE");
	memcpy(got + got_len, r.data, r.len);
	got_len += r.len;
	conf_check(got_len == conf.badge.len &&
	               memcmp(got, conf.badge.der, got_len) == 0,
	           "[LEN-2] pieces do not make the badge certificate");
	io_cmd(INS_GET_RESP, 0, 0, NULL, 0, 256, &r);
	io_expect_empty(&r, 0x6985, "[LEN-2] GET RESPONSE after the last");
}
END_TEST

START_TEST(LEN_2_le_00_and_interrupted_get_response)
{
	conf_resp r;

	io_select_state(LCS_PERSONALIZED);
	/* io_get_data checks 256 octets + 61xx, then each GET RESPONSE */
	io_get_data(DO_CHAIN, &r);
	io_expect_sw(&r, 0x9000, "GET DATA 0101");
	conf_check(r.len == conf.chain_len &&
	               memcmp(r.data, conf.chain, r.len) == 0,
	           "[LEN-2] chain through GET RESPONSE differs");
	ck_assert_uint_gt(conf.chain_len, 256);
	io_cmd(INS_GET_DATA, 0x01, 0x01, NULL, 0, 256, &r);
	ck_assert_uint_eq(r.sw & 0xFF00, 0x6100);
	io_cmd(INS_GET_DATA, 0x01, 0x04, NULL, 0, 256, &r);
	io_expect_sw(&r, 0x9000, "GET DATA 0104 between");
	io_cmd(INS_GET_RESP, 0, 0, NULL, 0, 256, &r);
	io_expect_empty(&r, 0x6985,
	                "[LEN-2] GET RESPONSE not following the 61xx");
}
END_TEST

START_TEST(LEN_3_chained_pso_and_external_authenticate)
{
	cvc_span dv = pki_body_and_sig(conf.ta_dv);
	cvc_span term = pki_body_and_sig(conf.ta_all);
	uint8_t rpicc[16], sig[128];
	size_t sig_len;
	conf_resp r;

	io_select_state(LCS_PERSONALIZED);
	io_chain(INS_PSO, 0x00, 0xBE, dv.data, dv.len, 64, 0, &r);
	io_expect_empty(&r, 0x9000, "[LEN-3] chained PSO (DV)");
	io_chain(INS_PSO, 0x00, 0xBE, term.data, term.len, 50, 0, &r);
	io_expect_empty(&r, 0x9000, "[LEN-3] chained PSO (terminal)");
	proc_challenge(rpicc);
	sig_len = proc_sign_ta(conf.ta_all->key, rpicc, sig, sizeof(sig));
	io_chain(INS_EXT_AUTH, 0, 0, sig, sig_len, sig_len / 2, 0, &r);
	io_expect_empty(&r, 0x9000, "[LEN-3] chained EXTERNAL AUTHENTICATE");
	/* the read right is there: the chained TA counted */
	io_get_data(DO_HOLDER, &r);
	io_expect_sw(&r, 0x9000, "GET DATA 0102 after chained TA");
}
END_TEST

START_TEST(LEN_3_personalized_chaining_refused_6884)
{
	uint8_t block[24], ch[32];
	conf_fci before, after;
	conf_resp r;

	msg_pin_block(conf.pin, block);
	msg_pin_block(conf.pin, block + 12);
	proc_random(ch, sizeof(ch));
	proc_expect_state(LCS_PERSONALIZED, &before);
	{
		conf_cmd c[] = {
		    {0x10, INS_INT_AUTH, 0, 0, ch, sizeof(ch), 256, false},
		    {0x10, INS_VERIFY, 0x00, 0x81, block, 12, 0, false},
		    {0x10, INS_CHANGE_REF, 0x00, 0x81, block, 24, 0, false},
		    {0x10, INS_GET_CHAL, 0, 0, NULL, 0, 16, false},
		    {0x10, INS_GET_DATA, 0x7F, 0x21, NULL, 0, 256, false},
		};

		for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
			char what[64];

			snprintf(what, sizeof(what), "[LEN-3] CLA 10 INS %02X",
			         c[i].ins);
			io_send1(&c[i], &r);
			io_expect_empty(&r, 0x6884, what);
		}
	}
	io_cmd(INS_VERIFY, 0x00, 0x81, NULL, 0, 0, &r);
	io_expect_empty(&r, 0x63C3, "[LEN-3] PIN not verified by a 6884");
	proc_expect_state(LCS_PERSONALIZED, &after);
	ck_assert_uint_eq(after.tries, before.tries);
}
END_TEST

START_TEST(LEN_3_pso_chain_interrupted_6883)
{
	cvc_span dv = pki_body_and_sig(conf.ta_dv);
	conf_cmd first = {0x10, INS_PSO, 0x00, 0xBE, dv.data, 40, 0, false};
	conf_resp r;

	io_select_state(LCS_PERSONALIZED);
	io_send1(&first, &r);
	io_expect_empty(&r, 0x9000, "[LEN-3] first part of a PSO chain");
	io_cmd(INS_GET_CHAL, 0, 0, NULL, 0, 16, &r);
	io_expect_empty(&r, 0x6883, "[LEN-3] GET CHALLENGE inside a chain");
	/* the chain is gone: a whole PSO works as usual */
	proc_pso(conf.ta_dv, 0x9000);
}
END_TEST

START_TEST(LEN_4_wrong_lc_for_pin_commands_6700)
{
	uint8_t block[26];
	conf_fci before, after;
	conf_resp r;
	static const size_t verify_lc[] = {11, 13, 6, 24};
	static const size_t change_lc[] = {23, 25, 12};

	memset(block, 0xFF, sizeof(block));
	memcpy(block, "000000", 6);
	proc_expect_state(LCS_PERSONALIZED, &before);
	for (size_t i = 0; i < 4; i++) {
		io_cmd(INS_VERIFY, 0x00, 0x81, block, verify_lc[i], 0, &r);
		io_expect_empty(&r, 0x6700, "[LEN-4] VERIFY with a wrong Lc");
	}
	for (size_t i = 0; i < 3; i++) {
		io_cmd(INS_CHANGE_REF, 0x00, 0x81, block, change_lc[i], 0, &r);
		io_expect_empty(
		    &r, 0x6700,
		    "[LEN-4] CHANGE REFERENCE DATA with a wrong Lc");
	}
	proc_expect_state(LCS_PERSONALIZED, &after);
	ck_assert_msg(after.tries == before.tries,
	              "[LEN-4] a wrong Lc changed the PIN counter (%u -> %u)",
	              before.tries, after.tries);
}
END_TEST

START_TEST(LEN_4_pso_over_card_limit_6700)
{
	static uint8_t big[65536];
	size_t max = card_max_cmd();
	conf_resp r;

	cvc_span dv = pki_body_and_sig(conf.ta_dv);
	memset(big, 0, sizeof(big));
	memcpy(big, dv.data, dv.len);
	io_select_state(LCS_PERSONALIZED);
	io_chain(INS_PSO, 0x00, 0xBE, big, max + 1, 255, 0, &r);
	io_expect_empty(&r, 0x6700, "[LEN-4] PSO chain over FCI 83");
	if (io_reader_carries_command(max + 1 + 7)) {
		send_ext(INS_PSO, 0x00, 0xBE, big, max + 1, 0, &r);
		io_expect_empty(&r, 0x6700, "[LEN-4] PSO Lc over FCI 83");
	}
	/* nothing was verified: the terminal's CAR is not known */
	proc_pso(conf.ta_all, 0x6A88);
}
END_TEST

size_t group_length_blank(const TTest **out, size_t cap)
{
	const TTest *list[] = {
	    LEN_1_blank_extended_forms,
	    LEN_2_get_response_only_after_61xx,
	    LEN_3_blank_chained_put_data,
	    LEN_3_chaining_of_other_commands_6884,
	    LEN_3_interrupted_chain_discarded_6883,
	    LEN_4_data_over_card_limit_6700,
	};

	return conf_group_copy(list, sizeof(list) / sizeof(list[0]), out, cap);
}

size_t group_length(const TTest **out, size_t cap)
{
	const TTest *list[] = {
	    LEN_1_personalized_extended_forms,
	    LEN_2_get_response_pieces,
	    LEN_2_le_00_and_interrupted_get_response,
	    LEN_3_chained_pso_and_external_authenticate,
	    LEN_3_personalized_chaining_refused_6884,
	    LEN_3_pso_chain_interrupted_6883,
	    LEN_4_wrong_lc_for_pin_commands_6700,
	    LEN_4_pso_over_card_limit_6700,
	};

	return conf_group_copy(list, sizeof(list) / sizeof(list[0]), out, cap);
}
