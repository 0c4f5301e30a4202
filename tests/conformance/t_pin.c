/* SPDX-License-Identifier: MIT */
/*
 * The holder PIN (SPEC 5.6): VERIFY, the retry counter and its
 * persistence, blocking, CHANGE REFERENCE DATA, and RESET RETRY COUNTER
 * with the PIN right, which also unblocks the card for the tests after.
 */
#include <string.h>

#include "conformance.h"

#define WRONG_PIN "999999"

static uint8_t tries_now(void)
{
	conf_fci fci;

	proc_expect_state(LCS_PERSONALIZED, &fci);
	return fci.tries;
}

static void expect_tries(uint8_t want, const char *what)
{
	uint8_t got = tries_now();

	conf_check(got == want, "%s: FCI 82 says %u tries, expected %u", what,
	           got, want);
}

static void expect_verify(const char *pin, uint16_t sw, const char *what)
{
	uint16_t got = proc_verify(pin);

	conf_check(got == sw, "%s: SW %04X, expected %04X", what, got, sw);
}

static void expect_ask(uint16_t sw, const char *what)
{
	conf_resp r;

	io_cmd(INS_VERIFY, 0x00, 0x81, NULL, 0, 0, &r);
	io_expect_empty(&r, sw, what);
}

static uint16_t change_pin(const char *old_pin, const char *new_pin)
{
	uint8_t blocks[24];
	conf_resp r;

	msg_pin_block(old_pin, blocks);
	msg_pin_block(new_pin, blocks + 12);
	io_cmd(INS_CHANGE_REF, 0x00, 0x81, blocks, 24, 0, &r);
	conf_check(r.len == 0, "CHANGE REFERENCE DATA answered data");
	return r.sw;
}

START_TEST(PIN_3_malformed_blocks_leave_the_counter)
{
	uint8_t blocks[24];
	conf_resp r;

	io_select_state(LCS_PERSONALIZED);
	for (size_t i = 0; i < msg_n_malformed_pin_blocks; i++) {
		io_cmd(INS_VERIFY, 0x00, 0x81,
		       (const uint8_t *)msg_malformed_pin_blocks[i], 12, 0, &r);
		io_expect_empty(&r, 0x6A80, "[PIN-3] VERIFY, malformed block");
		/* CHANGE REFERENCE DATA: old right, new malformed ... */
		msg_pin_block(conf.pin, blocks);
		memcpy(blocks + 12, msg_malformed_pin_blocks[i], 12);
		io_cmd(INS_CHANGE_REF, 0x00, 0x81, blocks, 24, 0, &r);
		io_expect_empty(&r, 0x6A80, "[PIN-3] CHANGE, new malformed");
		/* ... and old malformed */
		memcpy(blocks, msg_malformed_pin_blocks[i], 12);
		msg_pin_block("112233", blocks + 12);
		io_cmd(INS_CHANGE_REF, 0x00, 0x81, blocks, 24, 0, &r);
		io_expect_empty(&r, 0x6A80, "[PIN-3] CHANGE, old malformed");
	}
	expect_ask(0x63C3, "[PIN-3] counter after malformed blocks");
	expect_tries(3, "[PIN-3]");
	expect_verify(conf.pin, 0x9000, "[PIN-3] PIN unchanged");
}
END_TEST

START_TEST(PIN_2_verify_without_data_reports_only)
{
	io_select_state(LCS_PERSONALIZED);
	for (int i = 0; i < 4; i++)
		expect_ask(0x63C3, "[PIN-2] PIN not verified");
	expect_verify(conf.pin, 0x9000, "VERIFY");
	for (int i = 0; i < 4; i++)
		expect_ask(0x9000, "[PIN-2] PIN verified");
	expect_tries(3, "[PIN-2]");
}
END_TEST

START_TEST(PIN_1_correct_and_wrong_pin)
{
	uint8_t ch[32];
	conf_resp r;

	io_select_state(LCS_PERSONALIZED);
	expect_verify(conf.pin, 0x9000, "[PIN-1] correct PIN");
	expect_verify(WRONG_PIN, 0x63C2, "[PIN-1] wrong PIN");
	/* a wrong PIN clears "PIN verified" */
	expect_ask(0x63C2, "[PIN-1] after a wrong PIN");
	proc_random(ch, sizeof(ch));
	io_xchg(INS_INT_AUTH, 0x01, 0x00, ch, sizeof(ch), true, &r);
	io_expect_empty(&r, 0x6982, "[PIN-1] P1 01 after a wrong PIN");
	/* the decrement is persistent */
	expect_tries(2, "[PIN-1] after one wrong PIN");
	proc_power_cycle();
	expect_tries(2, "[PIN-1] after a reset");
	expect_verify(WRONG_PIN, 0x63C1, "[PIN-1] second wrong PIN");
	expect_verify(conf.pin, 0x9000, "[PIN-1] correct PIN");
	expect_ask(0x9000, "[PIN-1] verified");
	expect_tries(3, "[PIN-1] a correct PIN resets the counter");
}
END_TEST

START_TEST(ACT_3_wrong_pin_write_fault_keeps_counter)
{
	if (!proc_arm_write_fault("[ACT-3]", "VERIFY (counter decrement)"))
		return;
	io_select_state(LCS_PERSONALIZED);
	expect_verify(WRONG_PIN, 0x6581,
	              "[ACT-3] wrong PIN with a write fault");
	expect_tries(3, "[ACT-3] counter after the failed write");
	expect_verify(conf.pin, 0x9000, "[ACT-3] PIN after the fault");
}
END_TEST

START_TEST(PIN_4_change_reference_data)
{
	static const char new_pin[] = "87654321";

	io_select_state(LCS_PERSONALIZED);
	ck_assert_uint_eq(change_pin(WRONG_PIN, new_pin), 0x63C2);
	expect_tries(2, "[PIN-4] CHANGE with a wrong old PIN");
	expect_verify(new_pin, 0x63C1, "[PIN-4] new PIN was not set");
	expect_verify(conf.pin, 0x9000, "[PIN-4] old PIN still valid");
	/* a correct old PIN resets the counter as VERIFY does */
	expect_verify(WRONG_PIN, 0x63C2, "wrong PIN");
	ck_assert_uint_eq(change_pin(conf.pin, new_pin), 0x9000);
	expect_tries(3, "[PIN-4] after CHANGE");
	expect_verify(conf.pin, 0x63C2, "[PIN-4] old PIN after CHANGE");
	expect_verify(new_pin, 0x9000, "[PIN-4] new PIN after CHANGE");
	strcpy(conf.pin, new_pin);
	expect_tries(3, "[PIN-4]");
}
END_TEST

START_TEST(PIN_1_three_wrong_pins_block)
{
	uint8_t ch[32];
	conf_resp r;

	io_select_state(LCS_PERSONALIZED);
	expect_verify(WRONG_PIN, 0x63C2, "[PIN-1] wrong PIN 1");
	expect_verify(WRONG_PIN, 0x63C1, "[PIN-1] wrong PIN 2");
	expect_verify(WRONG_PIN, 0x63C0, "[PIN-1] wrong PIN 3");
	/* blocked: no comparison, the right PIN does not help */
	expect_verify(conf.pin, 0x6983, "[PIN-1] right PIN when blocked");
	expect_verify(WRONG_PIN, 0x6983, "[PIN-1] wrong PIN when blocked");
	expect_tries(0, "[PIN-1] blocked");
	proc_power_cycle();
	io_select_state(LCS_PERSONALIZED);
	expect_verify(conf.pin, 0x6983, "[PIN-1] blocked after a reset");
	proc_random(ch, sizeof(ch));
	io_xchg(INS_INT_AUTH, 0x01, 0x00, ch, sizeof(ch), true, &r);
	io_expect_empty(&r, 0x6982, "[PIN-1] P1 01 with a blocked PIN");
}
END_TEST

START_TEST(PIN_2_verify_without_data_when_blocked)
{
	io_select_state(LCS_PERSONALIZED);
	expect_ask(0x6983, "[PIN-2] blocked");
	expect_tries(0, "[PIN-2]");
}
END_TEST

START_TEST(PIN_4_change_refused_when_blocked)
{
	io_select_state(LCS_PERSONALIZED);
	ck_assert_uint_eq(change_pin(conf.pin, "13579135"), 0x6983);
	expect_tries(0, "[PIN-4] blocked");
}
END_TEST

START_TEST(PIN_5_reset_retry_counter_with_pin_right)
{
	static const char new_pin[] = "246802468024";
	uint8_t block[12];
	conf_resp r;

	msg_pin_block(new_pin, block);
	io_select_state(LCS_PERSONALIZED);
	io_cmd(INS_RESET_RETRY, 0x02, 0x81, block, 12, 0, &r);
	io_expect_empty(&r, 0x6982, "[PIN-5] without terminal");
	proc_ta(conf.ta_dv, &conf.pki.t_read);
	io_cmd(INS_RESET_RETRY, 0x02, 0x81, block, 12, 0, &r);
	io_expect_empty(&r, 0x6982, "[PIN-5] terminal without the PIN right");
	expect_tries(0, "[PIN-5] still blocked");

	proc_ta(conf.ta_dv, &conf.pki.t_pin);
	io_cmd(INS_RESET_RETRY, 0x02, 0x81,
	       (const uint8_t *)msg_malformed_pin_blocks[0], 12, 0, &r);
	io_expect_empty(&r, 0x6A80, "[PIN-5] malformed new PIN");
	io_cmd(INS_RESET_RETRY, 0x02, 0x81, block, 12, 0, &r);
	io_expect_empty(&r, 0x9000, "[PIN-5] RESET RETRY COUNTER");
	expect_tries(3, "[PIN-5] counter after the reset");
	expect_verify(conf.pin, 0x63C2, "[PIN-5] the old PIN is gone");
	expect_verify(new_pin, 0x9000, "[PIN-5] the new PIN");
	strcpy(conf.pin, new_pin);
	expect_tries(3, "[PIN-5]");
}
END_TEST

size_t group_pin(const TTest **out, size_t cap)
{
	const TTest *list[] = {
	    PIN_3_malformed_blocks_leave_the_counter,
	    PIN_2_verify_without_data_reports_only,
	    PIN_1_correct_and_wrong_pin,
	    ACT_3_wrong_pin_write_fault_keeps_counter,
	    PIN_4_change_reference_data,
	    PIN_1_three_wrong_pins_block,
	    PIN_2_verify_without_data_when_blocked,
	    PIN_4_change_refused_when_blocked,
	    PIN_5_reset_retry_counter_with_pin_right,
	};

	return conf_group_copy(list, sizeof(list) / sizeof(list[0]), out, cap);
}
