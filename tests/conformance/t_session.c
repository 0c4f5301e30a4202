/* SPDX-License-Identifier: MIT */
/*
 * PERSONALIZED: selection, GET DATA, terminal authentication (key lookup,
 * refusals, effective rights, challenge, EXTERNAL AUTHENTICATE), the card
 * date, rights, and what a SELECT clears.
 */
#include <stdio.h>
#include <string.h>

#include "conformance.h"

static void expect_sw_of(uint8_t ins, uint8_t p1, uint8_t p2,
                         const uint8_t *data, size_t len, bool want_data,
                         uint16_t sw, const char *what)
{
	conf_resp r;

	io_xchg(ins, p1, p2, data, len, want_data, &r);
	io_expect_empty(&r, sw, what);
}

static cvc_date status_date(void)
{
	conf_resp r;
	conf_fci st;

	io_get_data(DO_STATUS, &r);
	io_expect_sw(&r, 0x9000, "GET DATA 0104");
	msg_parse_status(r.data, r.len, &st);
	conf_check(st.has_date, "no card date");
	return st.date;
}

static void expect_date(cvc_date got, const char *want, const char *what)
{
	cvc_date w;

	ck_assert(cvc_date_parse(want, &w) == CVC_OK);
	conf_check(cvc_date_cmp(&got, &w) == 0,
	           "%s: card date %04u-%02u-%02u, expected %s", what, got.year,
	           got.month, got.day, want);
}

START_TEST(SEL_2_personalized_p2_0c_no_data)
{
	io_expect_select_no_data(0x9000, "[SEL-2] SELECT P2 0C");
}
END_TEST

START_TEST(SEL_5_personalized_fci_exact)
{
	conf_fci fci;

	msg_select_exact_v10(0x9000, &fci);
	ck_assert_uint_eq(fci.lcs, LCS_PERSONALIZED);
	ck_assert_msg(fci.has_date, "[SEL-5] no card date (85)");
	ck_assert_uint_eq(fci.tries, 3);
	msg_expect_status_as_fci(&fci);
}
END_TEST

START_TEST(GD_1_objects_exactly_as_stored)
{
	conf_resp fci, st;

	io_select(0x9000, &fci);
	io_expect_object(DO_CERT, conf.badge.der, conf.badge.len,
	                 "[GD-1] GET DATA 7F21");
	io_expect_object(DO_CHAIN, conf.chain, conf.chain_len,
	                 "[GD-1] GET DATA 0101");
	io_expect_object(DO_ANCHOR, conf.anchor->der, conf.anchor->len,
	                 "[GD-1] GET DATA 0103");
	io_get_data(DO_STATUS, &st);
	io_expect_sw(&st, 0x9000, "[GD-1] GET DATA 0104");
	/* 6F L 84 09 AID A5...: the A5 is the FCI's tail */
	conf_check(st.len + 2 + 11 == fci.len &&
	               memcmp(st.data, fci.data + 13, st.len) == 0,
	           "[GD-1] GET DATA 0104 is not the FCI's A5 template");
	ck_assert_uint_eq(proc_verify(conf.pin), 0x9000);
	io_expect_object(DO_HOLDER, conf.holder, conf.holder_len,
	                 "[GD-1] GET DATA 0102");
}
END_TEST

START_TEST(GD_2_holder_data_needs_right_or_pin)
{
	io_select_state(LCS_PERSONALIZED);
	expect_sw_of(INS_GET_DATA, 0x01, 0x02, NULL, 0, true, 0x6982,
	             "[GD-2] GET DATA 0102, no right, no PIN");
	proc_ta(conf.ta_dv, conf.ta_none);
	expect_sw_of(INS_GET_DATA, 0x01, 0x02, NULL, 0, true, 0x6982,
	             "[GD-2] GET DATA 0102, terminal without the right");
	proc_ta(conf.ta_dv, &conf.pki.t_read);
	io_expect_object(DO_HOLDER, conf.holder, conf.holder_len,
	                 "[GD-2] GET DATA 0102 with the read right");
	io_select_state(LCS_PERSONALIZED);
	ck_assert_uint_eq(proc_verify(conf.pin), 0x9000);
	io_expect_object(DO_HOLDER, conf.holder, conf.holder_len,
	                 "[GD-2] GET DATA 0102 with the PIN");
}
END_TEST

START_TEST(GD_3_personalized_unknown_objects_6a88)
{
	static const uint16_t tags[] = {0x0100, 0x0105, 0x0001, 0x7F49,
	                                0x5F20, 0x00FF, 0xFFFF};

	proc_ta(conf.ta_dv, conf.ta_all); /* rights cannot make them exist */
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		char what[40];

		snprintf(what, sizeof(what), "[GD-3] GET DATA %04X", tags[i]);
		expect_sw_of(INS_GET_DATA, (uint8_t)(tags[i] >> 8),
		             (uint8_t)tags[i], NULL, 0, true, 0x6A88, what);
	}
}
END_TEST

START_TEST(GEN_4_personalized_unknown_ins_and_cla)
{
	io_select_state(LCS_PERSONALIZED);
	io_expect_unknown_ins_and_cla(DO_CERT);
}
END_TEST

START_TEST(LC_5_personalized_anchor_cannot_be_put)
{
	proc_ta(conf.ta_dv, conf.ta_all);
	expect_sw_of(INS_PUT_DATA, 0x01, 0x03, conf.pki.foreign.der,
	             conf.pki.foreign.len, false, 0x6985,
	             "[LC-5] PUT DATA 0103 in PERSONALIZED");
	io_select_state(LCS_PERSONALIZED);
	io_expect_object(DO_ANCHOR, conf.anchor->der, conf.anchor->len,
	                 "[LC-5] anchor after the refusal");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Terminal authentication                                             */

START_TEST(TA_5_get_challenge_16_fresh_octets)
{
	static const size_t bad_le[] = {8, 15, 17, 32, 255};
	uint8_t a[16], b[16];
	conf_resp r;

	io_select_state(LCS_PERSONALIZED);
	proc_challenge(a);
	io_cmd(INS_GET_CHAL, 0, 0, NULL, 0, 256, &r); /* Le 00 */
	io_expect_sw(&r, 0x9000, "[TA-5] GET CHALLENGE Le 00");
	ck_assert_msg(r.len == 16, "[TA-5] Le 00 gave %zu octets", r.len);
	memcpy(b, r.data, 16);
	ck_assert_msg(memcmp(a, b, 16) != 0, "[TA-5] the same challenge twice");
	for (size_t i = 0; i < sizeof(bad_le) / sizeof(bad_le[0]); i++) {
		io_cmd(INS_GET_CHAL, 0, 0, NULL, 0, bad_le[i], &r);
		io_expect_empty(&r, 0x6700, "[TA-5] GET CHALLENGE, other Le");
	}
	io_cmd(INS_GET_CHAL, 0, 0, NULL, 0, 0, &r);
	io_expect_empty(&r, 0x6700, "[TA-5] GET CHALLENGE without Le");
}
END_TEST

START_TEST(TA_1_verification_key_found_by_car)
{
	io_select_state(LCS_PERSONALIZED);
	proc_pso(&conf.pki.t_unknown, 0x6A88);
	/* the terminal's CAR is the DV, neither anchor nor current key */
	proc_pso(&conf.pki.t_all, 0x6A88);
	proc_pso(&conf.pki.dv, 0x9000);
	proc_pso(&conf.pki.t_all, 0x9000);
	/* the current key is now the terminal's, not the DV's */
	proc_pso(&conf.pki.t_second, 0x6A88);
	proc_pso(&conf.pki.dv, 0x9000); /* through the anchor again */
	proc_pso(&conf.pki.t_second, 0x9000);
}
END_TEST

START_TEST(TA_2_unusable_certificates_6984)
{
	const conf_pki *p = &conf.pki;
	cvc_date before = proc_card_date();
	uint8_t rpicc[16], sig[128];
	size_t sig_len;
	conf_resp r;

	io_select_state(LCS_PERSONALIZED);
	proc_pso(&p->dv_badsig, 0x6984);
	proc_pso(&p->dv_is, 0x6984);
	proc_pso(&p->t_by_cvca, 0x6984);
	proc_pso(&p->dv_late_badsig, 0x6984);
	proc_pso(&p->dv, 0x9000);
	proc_pso(&p->dv_by_dv, 0x6984);
	proc_pso(&p->cvca_by_dv, 0x6984);
	proc_pso(&p->t_badsig, 0x6984);
	/* none of the refusals changed the current key (still the DV) */
	proc_pso(&p->t_all, 0x9000);
	proc_challenge(rpicc);
	sig_len = proc_sign_ta(p->t_all.key, rpicc, sig, sizeof(sig));
	io_cmd(INS_EXT_AUTH, 0, 0, sig, sig_len, 0, &r);
	io_expect_empty(&r, 0x9000, "EXTERNAL AUTHENTICATE after refusals");
	/* nor the card date (dv_late_badsig had a later CED) */
	expect_date(status_date(), "2025-04-01", "[TA-2]");
	ck_assert(cvc_date_cmp(&before, &p->dv.cert.effective) == 0);
}
END_TEST

START_TEST(TA_3_effective_chat_is_and_of_chain)
{
	/* the terminal claims the read right, its DV lacks it */
	proc_ta(&conf.pki.dv_limited, &conf.pki.t_limited);
	expect_sw_of(INS_GET_DATA, 0x01, 0x02, NULL, 0, true, 0x6982,
	             "[TA-3] read right masked by the DV's CHAT");
	proc_ta(conf.ta_dv, &conf.pki.t_read);
	io_expect_object(DO_HOLDER, conf.holder, conf.holder_len,
	                 "[TA-3] read right through DV and CVCA");
}
END_TEST

START_TEST(TA_6_external_authenticate_needs_terminal_and_challenge)
{
	uint8_t rpicc[16], sig[128];
	size_t sig_len;
	conf_resp r;

	/* no certificate verified */
	io_select_state(LCS_PERSONALIZED);
	proc_challenge(rpicc);
	sig_len = proc_sign_ta(conf.ta_all->key, rpicc, sig, sizeof(sig));
	io_cmd(INS_EXT_AUTH, 0, 0, sig, sig_len, 0, &r);
	io_expect_empty(&r, 0x6985, "[TA-6] EXTERNAL AUTHENTICATE, no key");
	/* the current key is a DV's */
	io_select_state(LCS_PERSONALIZED);
	proc_pso(conf.ta_dv, 0x9000);
	proc_challenge(rpicc);
	sig_len = proc_sign_ta(conf.ta_dv->key, rpicc, sig, sizeof(sig));
	io_cmd(INS_EXT_AUTH, 0, 0, sig, sig_len, 0, &r);
	io_expect_empty(&r, 0x6985, "[TA-6] EXTERNAL AUTHENTICATE, DV key");
	/* a terminal, but no challenge */
	io_select_state(LCS_PERSONALIZED);
	proc_pso(conf.ta_dv, 0x9000);
	proc_pso(conf.ta_all, 0x9000);
	proc_random(rpicc, sizeof(rpicc));
	sig_len = proc_sign_ta(conf.ta_all->key, rpicc, sig, sizeof(sig));
	io_cmd(INS_EXT_AUTH, 0, 0, sig, sig_len, 0, &r);
	io_expect_empty(&r, 0x6985,
	                "[TA-6] EXTERNAL AUTHENTICATE without a challenge");
}
END_TEST

/* PSO DV, PSO terminal, GET CHALLENGE: a session ready for EA. */
static void ready_for_ea(uint8_t rpicc[16])
{
	io_select_state(LCS_PERSONALIZED);
	proc_pso(conf.ta_dv, 0x9000);
	proc_pso(conf.ta_all, 0x9000);
	proc_challenge(rpicc);
}

START_TEST(TA_7_external_authenticate_result)
{
	uint8_t r1[16], r2[16], sig[128], m[128];
	size_t sig_len, m_len;
	conf_resp r;
	static const char wrong_chr[] = "DECONFBDG99999";

	/* good signature: 9000, rights, challenge used up */
	ready_for_ea(r1);
	sig_len = proc_sign_ta(conf.ta_all->key, r1, sig, sizeof(sig));
	io_cmd(INS_EXT_AUTH, 0, 0, sig, sig_len, 0, &r);
	io_expect_empty(&r, 0x9000, "[TA-7] EXTERNAL AUTHENTICATE");
	io_expect_object(DO_HOLDER, conf.holder, conf.holder_len,
	                 "[TA-7] rights of the terminal");
	io_cmd(INS_EXT_AUTH, 0, 0, sig, sig_len, 0, &r);
	io_expect_empty(&r, 0x6985, "[TA-7] second EA on one challenge");

	/* wrong key: 6300, challenge used, verification key cleared */
	ready_for_ea(r1);
	sig_len = proc_sign_ta(conf.pki.t_second.key, r1, sig, sizeof(sig));
	io_cmd(INS_EXT_AUTH, 0, 0, sig, sig_len, 0, &r);
	io_expect_empty(&r, 0x6300, "[TA-7] EA signed by another key");
	sig_len = proc_sign_ta(conf.ta_all->key, r1, sig, sizeof(sig));
	io_cmd(INS_EXT_AUTH, 0, 0, sig, sig_len, 0, &r);
	io_expect_empty(&r, 0x6985, "[TA-7] EA after 6300, same challenge");
	proc_challenge(r2);
	sig_len = proc_sign_ta(conf.ta_all->key, r2, sig, sizeof(sig));
	io_cmd(INS_EXT_AUTH, 0, 0, sig, sig_len, 0, &r);
	io_expect_empty(&r, 0x6985, "[TA-7] EA after 6300: key cleared");
	proc_pso(conf.ta_all, 0x6A88); /* the DV key is gone too */
	expect_sw_of(INS_GET_DATA, 0x01, 0x02, NULL, 0, true, 0x6982,
	             "[TA-7] no rights after 6300");

	/* M_TA over another badge CHR */
	ready_for_ea(r1);
	m_len = msg_ta(
	    (cvc_span){(const uint8_t *)wrong_chr, sizeof(wrong_chr) - 1}, r1,
	    m, sizeof(m));
	ck_assert_int_eq(cvc_signer_sign(conf.ta_all->key, m, m_len, sig,
	                                 sizeof(sig), &sig_len),
	                 CVC_OK);
	io_cmd(INS_EXT_AUTH, 0, 0, sig, sig_len, 0, &r);
	io_expect_empty(&r, 0x6300, "[TA-7] M_TA with another badge CHR");

	/* the last challenge counts, not an earlier one */
	ready_for_ea(r1);
	proc_challenge(r2);
	sig_len = proc_sign_ta(conf.ta_all->key, r1, sig, sizeof(sig));
	io_cmd(INS_EXT_AUTH, 0, 0, sig, sig_len, 0, &r);
	io_expect_empty(&r, 0x6300, "[TA-7] signature over an old challenge");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Card date                                                           */

START_TEST(DATE_3_expired_certificate_refused)
{
	expect_date(proc_card_date(), "2025-04-01", "before [DATE-3]");
	io_select_state(LCS_PERSONALIZED);
	proc_pso(&conf.pki.dv, 0x9000);
	proc_pso(&conf.pki.t_expired, 0x6984); /* CXD 2025-03-31 */
	proc_pso(&conf.pki.t_edge, 0x9000);    /* CXD = card date */
}
END_TEST

START_TEST(DATE_2_ca_certificate_advances_card_date)
{
	expect_date(proc_card_date(), "2025-04-01", "before [DATE-2]");
	io_select_state(LCS_PERSONALIZED);
	proc_pso(&conf.pki.dv_late_badsig, 0x6984);
	expect_date(status_date(), "2025-04-01", "[DATE-2] after a refused DV");
	proc_pso(&conf.pki.dv_late, 0x9000);
	expect_date(status_date(), "2025-06-01", "[DATE-2] after the DV");
	/* a terminal certificate with a later CED changes nothing */
	io_select_state(LCS_PERSONALIZED);
	proc_pso(&conf.pki.dv, 0x9000);
	proc_pso(&conf.pki.t_late, 0x9000);
	expect_date(status_date(), "2025-06-01",
	            "[DATE-2] after a terminal with CED 2025-09-01");
	proc_power_cycle();
	expect_date(proc_card_date(), "2025-06-01", "[DATE-2] after a reset");
}
END_TEST

START_TEST(DATE_3_expired_after_the_date_advanced)
{
	io_select_state(LCS_PERSONALIZED);
	proc_pso(&conf.pki.dv_expired, 0x6984); /* CXD 2025-05-31 */
	proc_pso(&conf.pki.dv, 0x9000);
	proc_pso(&conf.pki.t_edge, 0x6984); /* CXD 2025-04-01 */
	proc_pso(&conf.pki.t_all, 0x9000);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Rights                                                              */

/* Every command that needs a right, refused with 6982 (TERMINATE last). */
static void expect_rights_refused(bool renew, bool pin, bool term, bool read)
{
	uint8_t gen[32], holder[256], block[12];
	size_t n = 0, holder_len;

	n = proc_generate_data(gen);
	holder_len =
	    msg_holder("Mallory", "HOSP-666", NULL, holder, sizeof(holder));
	msg_pin_block("000000", block);
	if (!read)
		expect_sw_of(INS_GET_DATA, 0x01, 0x02, NULL, 0, true, 0x6982,
		             "[RIGHT-1] GET DATA 0102");
	if (!renew) {
		expect_sw_of(INS_GENERATE, 0, 0, gen, n, true, 0x6982,
		             "[RIGHT-1] GENERATE");
		expect_sw_of(INS_PUT_DATA, 0x01, 0x02, holder, holder_len,
		             false, 0x6982, "[RIGHT-1] PUT DATA 0102");
	}
	if (!pin)
		expect_sw_of(INS_RESET_RETRY, 0x02, 0x81, block, 12, false,
		             0x6982, "[RIGHT-1] RESET RETRY COUNTER");
	if (!term)
		expect_sw_of(INS_TERMINATE, 0, 0, NULL, 0, false, 0x6982,
		             "[RIGHT-1] TERMINATE CARD USAGE");
}

/* The card is as it was: state, objects, PIN, key. */
static void expect_nothing_changed(void)
{
	uint8_t ch[32];
	conf_resp r;
	conf_fci fci;
	conf_ia ia;

	proc_expect_state(LCS_PERSONALIZED, &fci);
	ck_assert_uint_eq(fci.tries, 3);
	io_expect_object(DO_CHAIN, conf.chain, conf.chain_len,
	                 "[RIGHT-1] chain");
	ck_assert_msg(proc_verify(conf.pin) == 0x9000,
	              "[RIGHT-1] the PIN changed");
	io_expect_object(DO_HOLDER, conf.holder, conf.holder_len,
	                 "[RIGHT-1] holder data");
	proc_random(ch, sizeof(ch));
	proc_ia(0, 0, ch, sizeof(ch), &r, &ia);
	ck_assert_msg(proc_ia_verifies(&ia, &conf.badge, ch, sizeof(ch)),
	              "[RIGHT-1] the badge key changed");
}

START_TEST(RIGHT_1_refused_without_terminal_authentication)
{
	io_select_state(LCS_PERSONALIZED);
	expect_rights_refused(false, false, false, false);
	/* a verified PIN is no right either (except for reading) */
	ck_assert_uint_eq(proc_verify(conf.pin), 0x9000);
	expect_rights_refused(false, false, false, true);
	expect_nothing_changed();
}
END_TEST

START_TEST(RIGHT_1_refused_when_the_chat_lacks_the_bit)
{
	proc_ta(conf.ta_dv, conf.ta_none);
	expect_rights_refused(false, false, false, false);
	proc_ta(conf.ta_dv, &conf.pki.t_read);
	expect_rights_refused(false, false, false, true);
	proc_ta(conf.ta_dv, &conf.pki.t_pin);
	expect_rights_refused(false, true, false, false);
	proc_ta(conf.ta_dv, &conf.pki.t_renew);
	expect_rights_refused(true, false, false, false);
	proc_ta(conf.ta_dv, &conf.pki.t_term);
	expect_rights_refused(false, false, true, false);
	expect_nothing_changed();
}
END_TEST

/* ------------------------------------------------------------------ */

START_TEST(SEL_4_select_clears_the_session)
{
	uint8_t rpicc[16], sig[128];
	size_t sig_len;
	conf_resp r;

	/* PIN verified */
	io_select_state(LCS_PERSONALIZED);
	ck_assert_uint_eq(proc_verify(conf.pin), 0x9000);
	io_cmd(INS_VERIFY, 0x00, 0x81, NULL, 0, 0, &r);
	io_expect_empty(&r, 0x9000, "VERIFY (ask) with the PIN verified");
	io_select_state(LCS_PERSONALIZED);
	io_cmd(INS_VERIFY, 0x00, 0x81, NULL, 0, 0, &r);
	io_expect_empty(&r, 0x63C3, "[SEL-4] PIN verified after SELECT");
	/* also a SELECT with P2 0C */
	ck_assert_uint_eq(proc_verify(conf.pin), 0x9000);
	io_cmd(INS_SELECT, 0x04, 0x0C, conf_aid, sizeof(conf_aid), 0, &r);
	io_expect_empty(&r, 0x9000, "SELECT P2 0C");
	io_cmd(INS_VERIFY, 0x00, 0x81, NULL, 0, 0, &r);
	io_expect_empty(&r, 0x63C3, "[SEL-4] PIN verified after SELECT 0C");
	/* terminal authenticated */
	proc_ta(conf.ta_dv, &conf.pki.t_read);
	io_select_state(LCS_PERSONALIZED);
	expect_sw_of(INS_GET_DATA, 0x01, 0x02, NULL, 0, true, 0x6982,
	             "[SEL-4] rights after SELECT");
	/* current verification key */
	proc_pso(conf.ta_dv, 0x9000);
	io_select_state(LCS_PERSONALIZED);
	proc_pso(conf.ta_all, 0x6A88);
	/* challenge */
	ready_for_ea(rpicc);
	io_select_state(LCS_PERSONALIZED);
	proc_pso(conf.ta_dv, 0x9000);
	proc_pso(conf.ta_all, 0x9000);
	sig_len = proc_sign_ta(conf.ta_all->key, rpicc, sig, sizeof(sig));
	io_cmd(INS_EXT_AUTH, 0, 0, sig, sig_len, 0, &r);
	io_expect_empty(&r, 0x6985, "[SEL-4] challenge after SELECT");
}
END_TEST

size_t group_session(const TTest **out, size_t cap)
{
	const TTest *list[] = {
	    SEL_2_personalized_p2_0c_no_data,
	    SEL_5_personalized_fci_exact,
	    GD_1_objects_exactly_as_stored,
	    GD_2_holder_data_needs_right_or_pin,
	    GD_3_personalized_unknown_objects_6a88,
	    GEN_4_personalized_unknown_ins_and_cla,
	    LC_5_personalized_anchor_cannot_be_put,
	    TA_5_get_challenge_16_fresh_octets,
	    TA_1_verification_key_found_by_car,
	    TA_2_unusable_certificates_6984,
	    TA_3_effective_chat_is_and_of_chain,
	    TA_6_external_authenticate_needs_terminal_and_challenge,
	    TA_7_external_authenticate_result,
	    DATE_3_expired_certificate_refused,
	    DATE_2_ca_certificate_advances_card_date,
	    DATE_3_expired_after_the_date_advanced,
	    RIGHT_1_refused_without_terminal_authentication,
	    RIGHT_1_refused_when_the_chat_lacks_the_bit,
	    SEL_4_select_clears_the_session,
	};

	return conf_group_copy(list, sizeof(list) / sizeof(list[0]), out, cap);
}
