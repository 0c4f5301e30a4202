/* SPDX-License-Identifier: MIT */
/*
 * Root key rollover [TA-4]: a CVCA link certificate presented in PSO:VERIFY
 * CERTIFICATE replaces the card's trust anchor, persistently; the link has
 * no domain parameters, so the card must keep the old anchor's.
 */
#include <string.h>

#include "conformance.h"

static void expect_anchor(const conf_cert *want, const char *what)
{
	conf_resp r;

	io_get_data(DO_ANCHOR, &r);
	io_expect_sw(&r, 0x9000, what);
	conf_check(r.len == want->len && memcmp(r.data, want->der, r.len) == 0,
	           "%s: the anchor is not %s", what, want->label);
}

static void expect_same_date(cvc_date want, const char *what)
{
	cvc_date got = proc_card_date();

	conf_check(cvc_date_cmp(&got, &want) == 0,
	           "%s: card date %04u-%02u-%02u, was %04u-%02u-%02u", what,
	           got.year, got.month, got.day, want.year, want.month,
	           want.day);
}

static void expect_date(const char *want, const char *what)
{
	cvc_date w;

	ck_assert(cvc_date_parse(want, &w) == CVC_OK);
	expect_same_date(w, what);
}

START_TEST(ACT_3_link_write_fault_keeps_anchor)
{
	cvc_date before = proc_card_date();

	if (!proc_arm_write_fault("[ACT-3]", "PSO:VERIFY CERTIFICATE (link)"))
		return;
	io_select_state(LCS_PERSONALIZED);
	proc_pso(&conf.pki.link, 0x6581);
	expect_anchor(&conf.pki.cvca, "[ACT-3] anchor after a write fault");
	expect_same_date(before, "[ACT-3] card date after a write fault");
	proc_power_cycle();
	io_select_state(LCS_PERSONALIZED);
	expect_anchor(&conf.pki.cvca, "[ACT-3] anchor after a reset");
}
END_TEST

START_TEST(TA_4_broken_link_refused)
{
	cvc_date before = proc_card_date();

	io_select_state(LCS_PERSONALIZED);
	proc_pso(&conf.pki.link_badsig, 0x6984);
	expect_anchor(&conf.pki.cvca, "[TA-4] anchor after a broken link");
	expect_same_date(before, "[TA-4] card date after a broken link");
}
END_TEST

START_TEST(TA_4_link_replaces_the_anchor)
{
	const conf_pki *p = &conf.pki;

	io_select_state(LCS_PERSONALIZED);
	proc_pso(&p->link, 0x9000);
	expect_anchor(&p->link, "[TA-4] anchor after the link");
	/* the new hierarchy, with the old anchor's domain parameters */
	io_select_state(LCS_PERSONALIZED);
	proc_pso(&p->dv2, 0x9000);
	proc_pso(&p->t2_all, 0x9000);
	conf.anchor = &p->link;
	conf.ta_dv = &p->dv2;
	conf.ta_all = &p->t2_all;
	conf.ta_none = &p->t2_none;
	conf.ta_renew = &p->t2_renew;
	conf.ta_term = &p->t2_term;
	proc_ta(conf.ta_dv, conf.ta_all);
	/* [DATE-2]: a CVCA certificate with a later CED */
	expect_date("2025-10-01", "[TA-4] card date after the link");
}
END_TEST

START_TEST(TA_4_rollover_is_persistent)
{
	proc_power_cycle();
	io_select_state(LCS_PERSONALIZED);
	expect_anchor(&conf.pki.link, "[TA-4] anchor after a reset");
	/* the old CVCA is no anchor any more */
	proc_pso(&conf.pki.dv, 0x6A88);
	proc_pso(&conf.pki.link, 0x6A88);
	proc_ta(conf.ta_dv, conf.ta_all);
	expect_date("2025-10-01", "[TA-4] card date after a reset");
}
END_TEST

size_t group_rollover(const TTest **out, size_t cap)
{
	const TTest *list[] = {
	    ACT_3_link_write_fault_keeps_anchor,
	    TA_4_broken_link_refused,
	    TA_4_link_replaces_the_anchor,
	    TA_4_rollover_is_persistent,
	};

	return conf_group_copy(list, sizeof(list) / sizeof(list[0]), out, cap);
}
