/* SPDX-License-Identifier: MIT */
/*
 * Renewal in PERSONALIZED (SPEC 5.3, 5.7): a terminal with the renew right
 * generates a pending key, writes the chain for it and activates; the old
 * key stays in use until then. Also the holder data replacement.
 */
#include <string.h>

#include "conformance.h"

#define RENEWED_CHR "DECONFBDG00002"

/* GENERATE a renewal key; *b: its badge certificate under the DV. */
static void renewal_key(conf_cert *b)
{
	uint8_t pub[512];
	size_t pub_len;

	proc_generate(pub, sizeof(pub), &pub_len);
	pki_badge_cert(conf.badge_dv, RENEWED_CHR, pub, pub_len, "2025-06-15",
	               "2029-06-30", b);
}

static size_t chain_of(const conf_cert *b, uint8_t *out, size_t cap)
{
	return proc_chain(b, conf.badge_dv, out, cap);
}

static bool active_key_is(const conf_cert *badge)
{
	uint8_t ch[32];
	conf_resp r;
	conf_ia ia;

	proc_random(ch, sizeof(ch));
	proc_ia(0, 0, ch, sizeof(ch), &r, &ia);
	return proc_ia_verifies(&ia, badge, ch, sizeof(ch));
}

START_TEST(RIGHT_1_renewal_needs_the_renew_right)
{
	uint8_t chain[2 * CONF_MAX_CERT], holder[256];
	size_t holder_len =
	    msg_holder("Mallory", "HOSP-666", NULL, holder, sizeof(holder));
	conf_cert b;

	proc_ta(conf.ta_dv, conf.ta_renew);
	renewal_key(&b);
	/* a second terminal authentication: the rights are now its own */
	proc_ta_in_session(conf.ta_dv, conf.ta_none);
	io_put_data(DO_CHAIN, chain, chain_of(&b, chain, sizeof(chain)), 0x6982,
	            "[RIGHT-1] PUT DATA 0101 without renew");
	io_expect_bare(INS_ACTIVATE, 0x6982,
	               "[RIGHT-1] ACTIVATE without renew");
	io_put_data(DO_HOLDER, holder, holder_len, 0x6982,
	            "[RIGHT-1] PUT DATA 0102 without renew");
	io_expect_object(DO_CHAIN, conf.chain, conf.chain_len,
	                 "[RIGHT-1] chain unchanged");
	io_select_state(LCS_PERSONALIZED);
	ck_assert_msg(active_key_is(&conf.badge), "[RIGHT-1] key changed");
}
END_TEST

START_TEST(GEN_2_renewal_key_pending_old_key_in_use)
{
	conf_cert b;

	proc_ta(conf.ta_dv, conf.ta_renew);
	renewal_key(&b);
	ck_assert_msg(active_key_is(&conf.badge),
	              "[GEN-2] the active key changed before ACTIVATE");
	ck_assert(!active_key_is(&b));
	io_expect_object(DO_CERT, conf.badge.der, conf.badge.len,
	                 "[GEN-2] badge certificate before ACTIVATE");
}
END_TEST

START_TEST(PD_3_renewal_chain_needs_key_and_stays_pending)
{
	uint8_t chain[2 * CONF_MAX_CERT];
	conf_cert b;

	proc_ta(conf.ta_dv, conf.ta_renew);
	io_put_data(DO_CHAIN, conf.chain, conf.chain_len, 0x6985,
	            "[PD-3] PUT DATA 0101 without a renewal key");
	renewal_key(&b);
	io_put_data(DO_CHAIN, chain, chain_of(&b, chain, sizeof(chain)), 0x9000,
	            "[PD-3] renewal chain");
	io_expect_object(DO_CHAIN, conf.chain, conf.chain_len,
	                 "[PD-3] GET DATA 0101 while pending");
	/* a SELECT drops the pending renewal */
	proc_ta(conf.ta_dv, conf.ta_renew);
	io_expect_bare(INS_ACTIVATE, 0x6985, "[PD-3] ACTIVATE after SELECT");
	/* so does a reset */
	renewal_key(&b);
	io_put_data(DO_CHAIN, chain, chain_of(&b, chain, sizeof(chain)), 0x9000,
	            "[PD-3] renewal chain");
	io_reset();
	proc_ta(conf.ta_dv, conf.ta_renew);
	io_expect_bare(INS_ACTIVATE, 0x6985, "[PD-3] ACTIVATE after a reset");
	io_expect_object(DO_CHAIN, conf.chain, conf.chain_len,
	                 "[PD-3] chain unchanged");
}
END_TEST

START_TEST(OBJ_2_renewal_chain_is_for_the_pending_key)
{
	conf_cert b;

	proc_ta(conf.ta_dv, conf.ta_renew);
	renewal_key(&b);
	/* the active badge's chain: not the pending key */
	io_put_data(DO_CHAIN, conf.chain, conf.chain_len, 0x6A80,
	            "[OBJ-2] chain for the active, not the pending key");
}
END_TEST

START_TEST(PD_2_renewal_chain_signatures_checked_dates_not)
{
	const conf_pki *p = &conf.pki;
	uint8_t chain[2 * CONF_MAX_CERT], pk[512];
	size_t pk_len = 0;
	conf_cert b, forged, under_foreign, expired;
	conf_issue s = {
	    .label = "renewal badge",
	    .chr = RENEWED_CHR,
	    .role = CVC_ROLE_TERMINAL,
	    .from = "2025-06-15",
	    .to = "2029-06-30",
	    .domain = 0,
	};

	proc_ta(conf.ta_dv, conf.ta_renew);
	renewal_key(&b);
	ck_assert_int_eq(
	    cvc_pubkey_encode(&b.cert.key, pk, sizeof(pk), &pk_len), CVC_OK);
	s.pubkey = pk;
	s.pubkey_len = pk_len;
	s.signer = p->foreign.key;
	pki_issue(conf.badge_dv, &s, &forged);
	s.signer = NULL;
	pki_issue(&p->dv_foreign, &s, &under_foreign);
	s.from = "2025-01-01";
	s.to = "2025-02-28"; /* long before the card date */
	pki_issue(conf.badge_dv, &s, &expired);
	io_put_data(DO_CHAIN, chain, chain_of(&forged, chain, sizeof(chain)),
	            0x6A80, "[PD-2] renewal badge not signed by the DV");
	io_put_data(
	    DO_CHAIN, chain,
	    proc_chain(&under_foreign, &p->dv_foreign, chain, sizeof(chain)),
	    0x6A80, "[PD-2] renewal DV not signed by the anchor");
	io_put_data(DO_CHAIN, chain, chain_of(&expired, chain, sizeof(chain)),
	            0x9000, "[PD-2] expired renewal chain (dates not checked)");
}
END_TEST

START_TEST(ACT_2_renewal_replaces_key_and_chain)
{
	uint8_t chain[2 * CONF_MAX_CERT];
	size_t chain_len;
	conf_cert b, old;

	pki_cert_copy(&old, &conf.badge);
	proc_ta(conf.ta_dv, conf.ta_renew);
	io_expect_bare(INS_ACTIVATE, 0x6985,
	               "[ACT-2] ACTIVATE without a renewal");
	renewal_key(&b);
	io_expect_bare(INS_ACTIVATE, 0x6985,
	               "[ACT-2] ACTIVATE with a key but no chain");
	chain_len = chain_of(&b, chain, sizeof(chain));
	io_put_data(DO_CHAIN, chain, chain_len, 0x9000, "renewal chain");
	io_expect_bare(INS_ACTIVATE, 0x9000, "[ACT-2] ACTIVATE the renewal");
	io_expect_object(DO_CERT, b.der, b.len,
	                 "[ACT-2] new badge certificate");
	io_expect_object(DO_CHAIN, chain, chain_len, "[ACT-2] new chain");
	pki_cert_copy(&conf.badge, &b);
	memcpy(conf.chain, chain, chain_len);
	conf.chain_len = chain_len;
	ck_assert_msg(active_key_is(&b), "[ACT-2] new key not in use");
	ck_assert_msg(!active_key_is(&old), "[ACT-2] old key still signs");
	proc_power_cycle();
	io_select_state(LCS_PERSONALIZED);
	io_expect_object(DO_CHAIN, chain, chain_len,
	                 "[ACT-2] new chain after a reset");
	ck_assert_msg(active_key_is(&b), "[ACT-2] new key after a reset");
	/* nothing pending any more */
	proc_ta(conf.ta_dv, conf.ta_renew);
	io_expect_bare(INS_ACTIVATE, 0x6985, "[ACT-2] second ACTIVATE");
}
END_TEST

START_TEST(PD_4_holder_data_replaced_with_renew)
{
	uint8_t holder[256], bad[64];
	size_t len = msg_holder("Dr. J\xC3\xBCrgen M\xC3\xBCller",
	                        "HOSP-000418", NULL, holder, sizeof(holder));
	size_t bad_len = msg_holder("X", "", NULL, bad, sizeof(bad));

	proc_ta(conf.ta_dv, &conf.pki.t_read);
	io_put_data(DO_HOLDER, holder, len, 0x6982,
	            "[PD-4] PUT DATA 0102 without renew");
	proc_ta(conf.ta_dv, conf.ta_renew);
	io_put_data(DO_HOLDER, bad, bad_len, 0x6A80,
	            "[PD-4] malformed holder data");
	ck_assert_uint_eq(proc_verify(conf.pin), 0x9000);
	io_expect_object(DO_HOLDER, conf.holder, conf.holder_len,
	                 "[PD-4] holder data after refusals");
	io_put_data(DO_HOLDER, holder, len, 0x9000, "[PD-4] PUT DATA 0102");
	io_expect_object(DO_HOLDER, holder, len, "[PD-4] replaced holder data");
	memcpy(conf.holder, holder, len);
	conf.holder_len = len;
	proc_power_cycle();
	io_select_state(LCS_PERSONALIZED);
	ck_assert_uint_eq(proc_verify(conf.pin), 0x9000);
	io_expect_object(DO_HOLDER, holder, len,
	                 "[PD-4] replaced holder data after a reset");
}
END_TEST

START_TEST(PD_5_personalized_unknown_objects_6a88)
{
	static const uint16_t tags[] = {DO_STATUS, DO_CERT, 0x0100, 0x0105,
	                                0x5F20};
	uint8_t holder[256];
	size_t len = proc_holder_data(holder, sizeof(holder));

	proc_ta(conf.ta_dv, conf.ta_all);
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		io_put_data(tags[i], holder, len, 0x6A88,
		            "[PD-5] PUT DATA of an unknown object");
}
END_TEST

size_t group_renewal(const TTest **out, size_t cap)
{
	const TTest *list[] = {
	    RIGHT_1_renewal_needs_the_renew_right,
	    GEN_2_renewal_key_pending_old_key_in_use,
	    PD_3_renewal_chain_needs_key_and_stays_pending,
	    OBJ_2_renewal_chain_is_for_the_pending_key,
	    PD_2_renewal_chain_signatures_checked_dates_not,
	    ACT_2_renewal_replaces_key_and_chain,
	    PD_4_holder_data_replaced_with_renew,
	    PD_5_personalized_unknown_objects_6a88,
	};

	return conf_group_copy(list, sizeof(list) / sizeof(list[0]), out, cap);
}
