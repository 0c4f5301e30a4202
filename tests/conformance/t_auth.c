/* SPDX-License-Identifier: MIT */
/*
 * Badge authentication: INTERNAL AUTHENTICATE (SPEC 5.5). The signature is
 * checked over M_AUTH built here from the SPEC text, with the badge
 * certificate's key and the CVCA's domain parameters.
 */
#include <string.h>

#include "conformance.h"

static void fresh_challenge(uint8_t *ch, size_t len)
{
	proc_random(ch, len);
}

static void expect_ia_sw(uint8_t p1, uint8_t p2, const uint8_t *ch, size_t len,
                         uint16_t sw, const char *what)
{
	conf_resp r;

	io_xchg(INS_INT_AUTH, p1, p2, ch, len, true, &r);
	io_expect_empty(&r, sw, what);
}

/* IA with flags and a verifying signature. */
static void expect_signed(uint8_t p1, uint8_t flags, const char *what)
{
	uint8_t ch[32];
	conf_resp r;
	conf_ia ia;

	fresh_challenge(ch, sizeof(ch));
	proc_ia(p1, 0x00, ch, sizeof(ch), &r, &ia);
	conf_check(ia.flags == flags, "%s: flags %02X, expected %02X", what,
	           ia.flags, flags);
	conf_check(proc_ia_verifies(&ia, &conf.badge, ch, sizeof(ch)),
	           "%s: signature does not verify over M_AUTH", what);
}

START_TEST(IA_1_personalized_internal_authenticate)
{
	io_select_state(LCS_PERSONALIZED);
	expect_signed(0x00, 0x00, "[IA-1] INTERNAL AUTHENTICATE");
}
END_TEST

START_TEST(IA_2_challenge_of_16_to_64_octets)
{
	static const size_t bad[] = {0, 1, 15, 65, 128, 255};
	static const size_t good[] = {16, 33, 64};
	uint8_t ch[255];
	conf_resp r;
	conf_ia ia;

	fresh_challenge(ch, sizeof(ch));
	io_select_state(LCS_PERSONALIZED);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_ia_sw(0, 0, ch, bad[i], 0x6700,
		             "[IA-2] challenge length out of 16..64");
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		proc_ia(0, 0, ch, good[i], &r, &ia);
		conf_check(proc_ia_verifies(&ia, &conf.badge, ch, good[i]),
		           "[IA-2] %zu-octet challenge: bad signature",
		           good[i]);
	}
}
END_TEST

START_TEST(IA_3_signature_over_m_auth_fresh_nonce)
{
	uint8_t ch[32], nonces[6][16];
	conf_resp r;
	conf_ia ia;

	fresh_challenge(ch, sizeof(ch));
	io_select_state(LCS_PERSONALIZED);
	for (size_t i = 0; i < 6; i++) {
		proc_ia(0, 0, ch, sizeof(ch), &r, &ia);
		ck_assert_msg(
		    proc_ia_verifies(&ia, &conf.badge, ch, sizeof(ch)),
		    "[IA-3] signature does not verify");
		memcpy(nonces[i], ia.nonce, 16);
		for (size_t j = 0; j < i; j++)
			ck_assert_msg(memcmp(nonces[i], nonces[j], 16) != 0,
			              "[IA-3] nonce repeated");
	}
	/* the check is real: another challenge does not verify */
	ch[0] ^= 0x01;
	ck_assert(!proc_ia_verifies(&ia, &conf.badge, ch, sizeof(ch)));
}
END_TEST

START_TEST(IA_3_flags_tell_pin_and_terminal)
{
	io_select_state(LCS_PERSONALIZED);
	expect_signed(0x00, 0x00, "[IA-3] fresh session");
	ck_assert_uint_eq(proc_verify(conf.pin), 0x9000);
	expect_signed(0x00, 0x01, "[IA-3] PIN verified");
	proc_ta(conf.ta_dv, conf.ta_none);
	expect_signed(0x00, 0x02, "[IA-3] terminal authenticated");
	ck_assert_uint_eq(proc_verify(conf.pin), 0x9000);
	expect_signed(0x00, 0x03, "[IA-3] terminal and PIN");
}
END_TEST

START_TEST(IA_4_p1_01_needs_pin_and_other_p1_p2_refused)
{
	static const uint8_t bad_p1[] = {0x02, 0x80, 0xFF};
	static const uint8_t bad_p2[] = {0x02, 0x80, 0xFF};
	uint8_t ch[32];

	fresh_challenge(ch, sizeof(ch));
	io_select_state(LCS_PERSONALIZED);
	expect_ia_sw(0x01, 0x00, ch, sizeof(ch), 0x6982,
	             "[IA-4] P1 01 without the PIN");
	expect_ia_sw(0x01, 0x01, ch, sizeof(ch), 0x6982,
	             "[IA-4] P1 01 P2 01 without the PIN");
	for (size_t i = 0; i < sizeof(bad_p1); i++)
		expect_ia_sw(bad_p1[i], 0x00, ch, sizeof(ch), 0x6A86,
		             "[IA-4] P1 not 00/01");
	for (size_t i = 0; i < sizeof(bad_p2); i++)
		expect_ia_sw(0x00, bad_p2[i], ch, sizeof(ch), 0x6A86,
		             "[IA-4] P2 not 00/01");
	ck_assert_uint_eq(proc_verify(conf.pin), 0x9000);
	expect_signed(0x01, 0x01, "[IA-4] P1 01 with the PIN");
}
END_TEST

START_TEST(IA_5_chain_in_the_answer_as_get_data)
{
	uint8_t ch[32];
	conf_resp r, gd;
	conf_ia ia;

	fresh_challenge(ch, sizeof(ch));
	io_select_state(LCS_PERSONALIZED);
	io_get_data(DO_CHAIN, &gd);
	io_expect_sw(&gd, 0x9000, "GET DATA 0101");
	proc_ia(0x00, 0x01, ch, sizeof(ch), &r, &ia);
	conf_check(ia.chain.len == gd.len &&
	               memcmp(ia.chain.data, gd.data, gd.len) == 0,
	           "[IA-5] chain in the answer differs from GET DATA 0101");
	conf_check(ia.chain.len == conf.chain_len &&
	               memcmp(ia.chain.data, conf.chain, conf.chain_len) == 0,
	           "[IA-5] chain in the answer is not the stored chain");
	ck_assert_msg(proc_ia_verifies(&ia, &conf.badge, ch, sizeof(ch)),
	              "[IA-5] signature does not verify");
	/* the workstation logon form: P1 01 P2 01 */
	ck_assert_uint_eq(proc_verify(conf.pin), 0x9000);
	proc_ia(0x01, 0x01, ch, sizeof(ch), &r, &ia);
	ck_assert_uint_eq(ia.flags, 0x01);
	ck_assert(ia.chain.len == conf.chain_len);
	ck_assert(proc_ia_verifies(&ia, &conf.badge, ch, sizeof(ch)));
}
END_TEST

size_t group_auth(const TTest **out, size_t cap)
{
	const TTest *list[] = {
	    IA_1_personalized_internal_authenticate,
	    IA_2_challenge_of_16_to_64_octets,
	    IA_3_signature_over_m_auth_fresh_nonce,
	    IA_3_flags_tell_pin_and_terminal,
	    IA_4_p1_01_needs_pin_and_other_p1_p2_refused,
	    IA_5_chain_in_the_answer_as_get_data,
	};

	return conf_group_copy(list, sizeof(list) / sizeof(list[0]), out, cap);
}
