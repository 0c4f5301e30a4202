/* SPDX-License-Identifier: MIT */
/*
 * Personalization: ACTIVATE refuses an incomplete set, a new key drops the
 * pending chain, a write fault leaves the card BLANK, and a complete set
 * becomes a PERSONALIZED card that keeps everything over a reset, with the
 * card date set from the certificates.
 */
#include <string.h>

#include "conformance.h"

static void put_pin(const char *pin)
{
	uint8_t block[12];
	conf_resp r;

	msg_pin_block(pin, block);
	io_cmd(INS_RESET_RETRY, 0x02, 0x81, block, 12, 0, &r);
	io_expect_empty(&r, 0x9000, "RESET RETRY COUNTER (initial PIN)");
}

static void put_chain_for(const conf_cert *b)
{
	uint8_t chain[2 * CONF_MAX_CERT];

	io_put_data(DO_CHAIN, chain,
	            proc_chain(b, &conf.pki.dv, chain, sizeof(chain)), 0x9000,
	            "PUT DATA 0101");
}

static void put_holder(void)
{
	uint8_t holder[256];

	io_put_data(DO_HOLDER, holder, proc_holder_data(holder, sizeof(holder)),
	            0x9000, "PUT DATA 0102");
}

static void expect_blank_and_empty(void)
{
	static const uint16_t objects[] = {DO_CERT, DO_CHAIN, DO_ANCHOR};
	conf_fci fci;
	conf_resp r;

	proc_expect_state(LCS_BLANK, &fci);
	ck_assert_msg(!fci.has_date && fci.tries == 0,
	              "BLANK card with a card date or PIN tries");
	for (size_t i = 0; i < 3; i++) {
		io_get_data(objects[i], &r);
		io_expect_empty(&r, 0x6A88, "GET DATA on a BLANK card");
	}
}

START_TEST(ACT_1_refused_until_everything_is_pending)
{
	conf_cert b;

	/* one object after the other, PIN last */
	io_select_state(LCS_BLANK);
	io_expect_bare(INS_ACTIVATE, 0x6985, "[ACT-1] ACTIVATE with nothing");
	io_put_data(DO_ANCHOR, conf.pki.cvca.der, conf.pki.cvca.len, 0x9000,
	            "PUT DATA 0103");
	io_expect_bare(INS_ACTIVATE, 0x6985,
	               "[ACT-1] ACTIVATE with the anchor only");
	io_select_state(LCS_BLANK);
	proc_put_anchor_and_key(&b);
	io_expect_bare(INS_ACTIVATE, 0x6985,
	               "[ACT-1] ACTIVATE with anchor and key");
	put_chain_for(&b);
	io_expect_bare(INS_ACTIVATE, 0x6985,
	               "[ACT-1] ACTIVATE without holder data, PIN");
	put_holder();
	io_expect_bare(INS_ACTIVATE, 0x6985, "[ACT-1] ACTIVATE without a PIN");
	expect_blank_and_empty();

	/* everything but the holder data */
	proc_put_anchor_and_key(&b);
	put_chain_for(&b);
	put_pin(CONF_INITIAL_PIN);
	io_expect_bare(INS_ACTIVATE, 0x6985,
	               "[ACT-1] ACTIVATE without holder data");
	expect_blank_and_empty();

	/* everything but the chain */
	proc_put_anchor_and_key(&b);
	put_holder();
	put_pin(CONF_INITIAL_PIN);
	io_expect_bare(INS_ACTIVATE, 0x6985,
	               "[ACT-1] ACTIVATE without a chain");
	expect_blank_and_empty();
}
END_TEST

START_TEST(GEN_1_new_key_drops_pending_key_and_chain)
{
	uint8_t pub[512], chain[2 * CONF_MAX_CERT];
	size_t pub_len;
	conf_cert b;

	io_select_state(LCS_BLANK);
	proc_personalize_pending(&b);
	proc_generate(pub, sizeof(pub), &pub_len);
	io_expect_bare(INS_ACTIVATE, 0x6985,
	               "[GEN-1] ACTIVATE after GENERATE replaced the key");
	io_put_data(DO_CHAIN, chain,
	            proc_chain(&b, &conf.pki.dv, chain, sizeof(chain)), 0x6A80,
	            "[GEN-1] chain for the replaced key");
	expect_blank_and_empty();
}
END_TEST

START_TEST(ACT_3_activate_write_fault_keeps_blank)
{
	conf_cert b;

	if (!proc_arm_write_fault("[ACT-3]", "ACTIVATE in BLANK"))
		return;
	io_select_state(LCS_BLANK);
	proc_personalize_pending(&b);
	io_expect_bare(INS_ACTIVATE, 0x6581,
	               "[ACT-3] ACTIVATE with a write fault");
	/* [LC-3]: BLANK with no personalization data, also after a reset */
	expect_blank_and_empty();
	proc_power_cycle();
	expect_blank_and_empty();
}
END_TEST

START_TEST(ACT_1_complete_set_activates)
{
	conf_fci fci;

	io_select_state(LCS_BLANK);
	proc_personalize_pending(&conf.badge);
	io_expect_bare(INS_ACTIVATE, 0x9000, "[ACT-1] ACTIVATE");
	proc_expect_state(LCS_PERSONALIZED, &fci);

	conf.anchor = &conf.pki.cvca;
	conf.badge_dv = &conf.pki.dv;
	conf.chain_len = proc_chain(&conf.badge, &conf.pki.dv, conf.chain,
	                            sizeof(conf.chain));
	conf.holder_len = proc_holder_data(conf.holder, sizeof(conf.holder));
	strcpy(conf.pin, CONF_INITIAL_PIN);
	conf.ta_dv = &conf.pki.dv;
	conf.ta_all = &conf.pki.t_all;
	conf.ta_none = &conf.pki.t_none;
	conf.ta_renew = &conf.pki.t_renew;
	conf.ta_term = &conf.pki.t_term;
	conf.personalized = true;
}
END_TEST

START_TEST(LC_3_activate_committed_everything)
{
	uint8_t ch[32];
	conf_resp r;
	conf_fci fci;
	conf_ia ia;

	ck_assert_msg(conf.personalized, "personalization failed earlier");
	proc_power_cycle(); /* power loss right after ACTIVATE */
	proc_expect_state(LCS_PERSONALIZED, &fci);
	ck_assert_msg(fci.tries == 3, "[LC-3] PIN tries %u after ACTIVATE",
	              fci.tries);
	io_expect_object(DO_CERT, conf.badge.der, conf.badge.len,
	                 "[LC-3] badge certificate");
	io_expect_object(DO_CHAIN, conf.chain, conf.chain_len, "[LC-3] chain");
	io_expect_object(DO_ANCHOR, conf.pki.cvca.der, conf.pki.cvca.len,
	                 "[LC-3] trust anchor");
	ck_assert_uint_eq(proc_verify(conf.pin), 0x9000);
	io_expect_object(DO_HOLDER, conf.holder, conf.holder_len,
	                 "[LC-3] holder data");
	/* the key: a signature that verifies with the badge certificate */
	proc_random(ch, sizeof(ch));
	proc_ia(0x01, 0x00, ch, sizeof(ch), &r, &ia);
	ck_assert_msg(proc_ia_verifies(&ia, &conf.badge, ch, sizeof(ch)),
	              "[LC-3] the committed key does not match the "
	              "certificate");
}
END_TEST

START_TEST(DATE_1_card_date_is_latest_ced)
{
	cvc_date want = conf.pki.dv.cert.effective; /* 2025-04-01 */
	cvc_date got = proc_card_date();
	conf_resp r;
	conf_fci st;

	/* the DV's CED is later than the anchor's and the badge's */
	ck_assert(cvc_date_cmp(&want, &conf.pki.cvca.cert.effective) > 0);
	ck_assert(cvc_date_cmp(&want, &conf.badge.cert.effective) > 0);
	ck_assert_msg(cvc_date_cmp(&got, &want) == 0,
	              "[DATE-1] card date %04u-%02u-%02u, expected "
	              "%04u-%02u-%02u",
	              got.year, got.month, got.day, want.year, want.month,
	              want.day);
	io_get_data(DO_STATUS, &r);
	io_expect_sw(&r, 0x9000, "GET DATA 0104");
	msg_parse_status(r.data, r.len, &st);
	ck_assert(st.has_date && cvc_date_cmp(&st.date, &want) == 0);
}
END_TEST

START_TEST(SEL_1_personalized_select_gives_fci_9000)
{
	conf_fci fci;

	msg_select_fci(0x9000, &fci);
	ck_assert_uint_eq(fci.lcs, LCS_PERSONALIZED);
}
END_TEST

size_t group_personalize(const TTest **out, size_t cap)
{
	const TTest *list[] = {
	    ACT_1_refused_until_everything_is_pending,
	    GEN_1_new_key_drops_pending_key_and_chain,
	    ACT_3_activate_write_fault_keeps_blank,
	    ACT_1_complete_set_activates,
	    LC_3_activate_committed_everything,
	    DATE_1_card_date_is_latest_ced,
	    SEL_1_personalized_select_gives_fci_9000,
	};

	return conf_group_copy(list, sizeof(list) / sizeof(list[0]), out, cap);
}
