/* SPDX-License-Identifier: MIT */
/*
 * Termination and the TERMINATED card: TERMINATE CARD USAGE needs the
 * terminate right; afterwards the card answers SELECT (6285) and GET DATA
 * of its public objects only, and has no key, PIN or holder data.
 */
#include <stdio.h>
#include <string.h>

#include "conformance.h"

/* The public objects, unchanged. */
static void expect_certificates_kept(const char *what)
{
	char w[96];

	snprintf(w, sizeof(w), "%s: GET DATA 7F21", what);
	io_expect_object(DO_CERT, conf.badge.der, conf.badge.len, w);
	snprintf(w, sizeof(w), "%s: GET DATA 0101", what);
	io_expect_object(DO_CHAIN, conf.chain, conf.chain_len, w);
	snprintf(w, sizeof(w), "%s: GET DATA 0103", what);
	io_expect_object(DO_ANCHOR, conf.anchor->der, conf.anchor->len, w);
}

START_TEST(RIGHT_1_terminate_needs_the_terminate_right)
{
	conf_fci fci;

	io_select_state(LCS_PERSONALIZED);
	io_expect_bare(INS_TERMINATE, 0x6982,
	               "[RIGHT-1] TERMINATE without terminal");
	proc_ta(conf.ta_dv, conf.ta_none);
	io_expect_bare(INS_TERMINATE, 0x6982,
	               "[RIGHT-1] TERMINATE, no terminate right");
	proc_ta(conf.ta_dv, conf.ta_renew);
	io_expect_bare(INS_TERMINATE, 0x6982,
	               "[RIGHT-1] TERMINATE with renew only");
	proc_expect_state(LCS_PERSONALIZED, &fci);
}
END_TEST

START_TEST(TERM_1_terminate_erases_and_terminates)
{
	conf_resp r;
	conf_fci st;

	proc_ta(conf.ta_dv, conf.ta_term);
	io_expect_bare(INS_TERMINATE, 0x9000, "[TERM-1] TERMINATE CARD USAGE");
	io_get_data(DO_STATUS, &r);
	io_expect_sw(&r, 0x9000, "GET DATA 0104 after TERMINATE");
	msg_parse_status(r.data, r.len, &st);
	ck_assert_msg(st.lcs == LCS_TERMINATED, "[TERM-1] LCS %02X", st.lcs);
	ck_assert_msg(st.tries == 0,
	              "[TERM-1] PIN tries %u after the PIN "
	              "was erased",
	              st.tries);
	proc_power_cycle();
	io_select(0x6285, &r);
}
END_TEST

START_TEST(SEL_1_terminated_select_gives_fci_6285)
{
	conf_fci fci;

	msg_select_fci(0x6285, &fci);
	ck_assert_uint_eq(fci.lcs, LCS_TERMINATED);
}
END_TEST

START_TEST(SEL_2_terminated_p2_0c_no_data_6285)
{
	io_expect_select_no_data(0x6285, "[SEL-2] SELECT P2 0C, TERMINATED");
}
END_TEST

START_TEST(SEL_5_terminated_fci_exact)
{
	conf_fci fci;

	msg_select_exact_v10(0x6285, &fci);
	ck_assert_msg(fci.has_date, "[SEL-5] no card date when TERMINATED");
	ck_assert_uint_eq(fci.tries, 0);
	msg_expect_status_as_fci(&fci);
}
END_TEST

START_TEST(GD_1_terminated_objects_as_stored)
{
	io_select_state(LCS_TERMINATED);
	expect_certificates_kept("[GD-1]");
}
END_TEST

START_TEST(LC_4_terminated_keeps_only_certificates)
{
	uint8_t ch[32];
	conf_resp r;

	io_select_state(LCS_TERMINATED);
	expect_certificates_kept("[LC-4]");
	/* no key: nothing signs */
	proc_random(ch, sizeof(ch));
	io_xchg(INS_INT_AUTH, 0, 0, ch, sizeof(ch), true, &r);
	io_expect_empty(&r, 0x6985, "[LC-4] INTERNAL AUTHENTICATE");
	/* no PIN, no holder data */
	conf_check(proc_verify(conf.pin) == 0x6985, "[LC-4] VERIFY");
	io_get_data(DO_HOLDER, &r);
	io_expect_empty(&r, 0x6985, "[LC-4] GET DATA 0102");
	proc_power_cycle();
	io_select_state(LCS_TERMINATED);
	expect_certificates_kept("[LC-4] after a reset");
}
END_TEST

/* Every command but SELECT and GET DATA of the public objects. */
START_TEST(TERM_2_only_select_and_public_get_data)
{
	uint8_t holder[256], block[24], gen[32], ch[32], sig[64] = {0};
	size_t holder_len = proc_holder_data(holder, sizeof(holder)), n = 0;
	cvc_span dv = pki_body_and_sig(conf.ta_dv);
	conf_resp r;

	n = proc_generate_data(gen);
	msg_pin_block(conf.pin, block);
	msg_pin_block("135791", block + 12);
	proc_random(ch, sizeof(ch));
	io_select_state(LCS_TERMINATED);
	{
		const conf_cmd refused[] = {
		    {0, INS_GET_DATA, 0x01, 0x02, NULL, 0, 256, false},
		    {0, INS_PUT_DATA, 0x01, 0x01, conf.chain, 200, 0, false},
		    {0, INS_PUT_DATA, 0x01, 0x02, holder, holder_len, 0, false},
		    {0, INS_PUT_DATA, 0x01, 0x03, conf.pki.cvca.der, 200, 0,
		     false},
		    {0, INS_GENERATE, 0, 0, gen, n, 256, false},
		    {0, INS_ACTIVATE, 0, 0, NULL, 0, 0, false},
		    {0, INS_RESET_RETRY, 0x02, 0x81, block, 12, 0, false},
		    {0, INS_VERIFY, 0x00, 0x81, block, 12, 0, false},
		    {0, INS_VERIFY, 0x00, 0x81, NULL, 0, 0, false},
		    {0, INS_CHANGE_REF, 0x00, 0x81, block, 24, 0, false},
		    {0, INS_PSO, 0x00, 0xBE, dv.data,
		     dv.len < 255 ? dv.len : 255, 0, false},
		    {0, INS_GET_CHAL, 0, 0, NULL, 0, 16, false},
		    {0, INS_EXT_AUTH, 0, 0, sig, sizeof(sig), 0, false},
		    {0, INS_INT_AUTH, 0, 0, ch, sizeof(ch), 256, false},
		    {0, INS_INT_AUTH, 0, 1, ch, sizeof(ch), 256, false},
		    {0, INS_TERMINATE, 0, 0, NULL, 0, 0, false},
		    {0, INS_GET_RESP, 0, 0, NULL, 0, 256, false},
		};

		for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]);
		     i++) {
			char what[64];

			snprintf(
			    what, sizeof(what),
			    "[TERM-2] INS %02X P1P2 %02X%02X in TERMINATED",
			    refused[i].ins, refused[i].p1, refused[i].p2);
			io_send1(&refused[i], &r);
			io_expect_empty(&r, 0x6985, what);
		}
	}
	/* still answered */
	expect_certificates_kept("[TERM-2]");
	io_get_data(DO_STATUS, &r);
	io_expect_sw(&r, 0x9000, "[TERM-2] GET DATA 0104");
	io_select(0x6285, &r);
}
END_TEST

START_TEST(TA_8_terminated_refuses_terminal_authentication)
{
	io_select_state(LCS_TERMINATED);
	proc_expect_ta_refused(conf.ta_dv, "TERMINATED");
}
END_TEST

START_TEST(IA_1_terminated_refuses_internal_authenticate)
{
	proc_expect_ia_refused(LCS_TERMINATED);
}
END_TEST

START_TEST(LC_5_terminated_refusals_change_nothing)
{
	conf_resp before, after;

	io_select(0x6285, &before);
	proc_pso(conf.ta_dv, 0x6985);
	conf_check(proc_verify(conf.pin) == 0x6985, "[LC-5] VERIFY");
	io_select(0x6285, &after);
	conf_check(before.len == after.len &&
	               memcmp(before.data, after.data, before.len) == 0,
	           "[LC-5] the FCI changed after refused commands");
	expect_certificates_kept("[LC-5]");
}
END_TEST

size_t group_terminated(const TTest **out, size_t cap)
{
	const TTest *list[] = {
	    RIGHT_1_terminate_needs_the_terminate_right,
	    TERM_1_terminate_erases_and_terminates,
	    SEL_1_terminated_select_gives_fci_6285,
	    SEL_2_terminated_p2_0c_no_data_6285,
	    SEL_5_terminated_fci_exact,
	    GD_1_terminated_objects_as_stored,
	    LC_4_terminated_keeps_only_certificates,
	    TERM_2_only_select_and_public_get_data,
	    TA_8_terminated_refuses_terminal_authentication,
	    IA_1_terminated_refuses_internal_authenticate,
	    LC_5_terminated_refusals_change_nothing,
	};

	return conf_group_copy(list, sizeof(list) / sizeof(list[0]), out, cap);
}
