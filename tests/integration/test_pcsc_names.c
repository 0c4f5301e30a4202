/* SPDX-License-Identifier: MIT */
/*
 * Reader lookup and reader-list formatting of the PC/SC back end, on made-up
 * reader lists. vpcd's readers come in slot pairs ("... 00 00", "... 00 01")
 * that share every proper prefix, so a live pcscd cannot show a unique
 * prefix; this test includes pcsc.c to reach its static helpers directly.
 * Needs no pcscd.
 */
#include "../../libcvc/src/pcsc.c"

#include <check.h>

/* "A\0B\0\0" multi-strings as pcsc-lite returns them */
static const char two_slots[] = "Virtual PCD 00 00\0Virtual PCD 00 01\0";
static const char mixed[] = "Virtual PCD 00 00\0Virtual PCD 00 01\0"
                            "REINER SCT cyberJack RFID basis 01 00\0"
                            "12\0";

START_TEST(t_exact_name_wins_over_prefix)
{
	/* "Virtual PCD 00 0" prefixes both, the exact name picks one */
	ck_assert_str_eq(resolve_reader(two_slots, "Virtual PCD 00 01"),
	                 "Virtual PCD 00 01");
	ck_assert_ptr_null(resolve_reader(two_slots, "Virtual PCD 00 0"));
	ck_assert_ptr_null(resolve_reader(two_slots, "Virtual"));
}
END_TEST

START_TEST(t_unique_prefix)
{
	ck_assert_str_eq(resolve_reader(mixed, "REINER"),
	                 "REINER SCT cyberJack RFID basis 01 00");
	ck_assert_str_eq(resolve_reader(mixed, "R"),
	                 "REINER SCT cyberJack RFID basis 01 00");
	ck_assert_ptr_null(resolve_reader(mixed, "reiner")); /* case counts */
	ck_assert_ptr_null(resolve_reader(mixed, "Virtual PCD 00 00 "));
}
END_TEST

START_TEST(t_index)
{
	ck_assert_str_eq(resolve_reader(mixed, "0"), "Virtual PCD 00 00");
	ck_assert_str_eq(resolve_reader(mixed, "2"),
	                 "REINER SCT cyberJack RFID basis 01 00");
	/* all digits is an index, even when a reader has that name */
	ck_assert_str_eq(resolve_reader(mixed, "3"), "12");
	ck_assert_ptr_null(resolve_reader(mixed, "12"));
	ck_assert_ptr_null(resolve_reader(mixed, "4"));
	ck_assert_ptr_null(
	    resolve_reader(mixed, "99999999999999999999999999999"));
	/* "" is the first reader; none in an empty list */
	ck_assert_str_eq(resolve_reader(mixed, ""), "Virtual PCD 00 00");
	ck_assert_ptr_null(resolve_reader("\0", ""));
	ck_assert_ptr_null(resolve_reader("\0", "0"));
}
END_TEST

START_TEST(t_list_format_and_sizes)
{
	static const char want[] = "pcsc:Virtual PCD 00 00\n"
	                           "pcsc:Virtual PCD 00 01\n";
	size_t n = sizeof(want) - 1;
	char buf[64];

	ck_assert_uint_eq(format_list(two_slots, NULL, 0), n);
	memset(buf, 'x', sizeof(buf));
	ck_assert_uint_eq(format_list(two_slots, buf, n + 1), n);
	buf[n] = '\0';
	ck_assert_str_eq(buf, want);
	/* a line that does not fit (with the NUL) is not written at all */
	memset(buf, 'x', sizeof(buf));
	ck_assert_uint_eq(format_list(two_slots, buf, n), n);
	ck_assert_int_eq(memcmp(buf, want, n / 2), 0);
	ck_assert_int_eq(buf[n / 2], 'x');
	ck_assert_uint_eq(format_list("\0", buf, sizeof(buf)), 0);
}
END_TEST

START_TEST(t_state_matching)
{
	ck_assert(
	    state_matches(SCARD_STATE_PRESENT | SCARD_STATE_CHANGED, true));
	ck_assert(!state_matches(SCARD_STATE_EMPTY, true));
	ck_assert(state_matches(SCARD_STATE_EMPTY, false));
	/* a reader that went away holds no card */
	ck_assert(state_matches(SCARD_STATE_UNKNOWN, false));
	ck_assert(
	    !state_matches(SCARD_STATE_PRESENT | SCARD_STATE_INUSE, false));
	ck_assert_uint_eq(PCSC_EVENT_COUNT(0x00030022u), 3);
}
END_TEST

START_TEST(t_error_mapping)
{
	ck_assert(card_left(SCARD_W_REMOVED_CARD));
	ck_assert(card_left(SCARD_E_NO_SMARTCARD));
	ck_assert(card_left(SCARD_W_RESET_CARD));
	ck_assert(!card_left(SCARD_E_NOT_TRANSACTED));
	ck_assert_int_eq(map_connect_error(SCARD_E_NO_SMARTCARD),
	                 CVC_ERR_NO_CARD);
	ck_assert_int_eq(map_connect_error(SCARD_E_NO_SERVICE),
	                 CVC_ERR_NO_READER);
	ck_assert_int_eq(map_connect_error(SCARD_E_SHARING_VIOLATION),
	                 CVC_ERR_TRANSPORT);
}
END_TEST

START_TEST(t_timeout_setting)
{
	unsetenv(PCSC_TIMEOUT_ENV);
	ck_assert_int_eq(exchange_timeout_ms(), PCSC_DEFAULT_TIMEOUT_MS);
	setenv(PCSC_TIMEOUT_ENV, "2500", 1);
	ck_assert_int_eq(exchange_timeout_ms(), 2500);
	setenv(PCSC_TIMEOUT_ENV, "0", 1);
	ck_assert_int_eq(exchange_timeout_ms(), 0);
	setenv(PCSC_TIMEOUT_ENV, "-5", 1);
	ck_assert_int_eq(exchange_timeout_ms(), PCSC_DEFAULT_TIMEOUT_MS);
	setenv(PCSC_TIMEOUT_ENV, "10s", 1);
	ck_assert_int_eq(exchange_timeout_ms(), PCSC_DEFAULT_TIMEOUT_MS);
	setenv(PCSC_TIMEOUT_ENV, "99999999999", 1);
	ck_assert_int_eq(exchange_timeout_ms(), PCSC_DEFAULT_TIMEOUT_MS);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pcsc-names");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, t_exact_name_wins_over_prefix);
	tcase_add_test(tc, t_unique_prefix);
	tcase_add_test(tc, t_index);
	tcase_add_test(tc, t_list_format_and_sizes);
	tcase_add_test(tc, t_state_matching);
	tcase_add_test(tc, t_error_mapping);
	tcase_add_test(tc, t_timeout_setting);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
