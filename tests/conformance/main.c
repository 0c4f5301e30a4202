/* SPDX-License-Identifier: MIT */
/*
 * conformance: checks a badge applet behind any reader against
 * applet-spec/SPEC.md. See README.md.
 *
 *   conformance [--allow-untestable] [--spec SPEC.md] [READER]
 *   conformance --coverage-only [--spec SPEC.md]
 *
 * READER is a libcvc reader spec ("pcsc:NAME", "pcsc:INDEX",
 * "nfc:CONNSTRING"), else $CVC_CONFORMANCE_READER. The card must be a new
 * (BLANK) badge: the suite personalizes and finally terminates it.
 * Exit status: 0 every test passed, 1 a test failed, 2 usage, 3 no card.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance.h"

conf_state conf;

/* Inside a test, so that a failure is reported like any other. */
START_TEST(setup_build_the_test_pki)
{
	pki_build(&conf.pki);
	conf.pki_built = true;
	/* what personalization will set; never NULL even when it fails */
	conf.anchor = &conf.pki.cvca;
	conf.badge_dv = &conf.pki.dv;
	conf.ta_dv = &conf.pki.dv;
	conf.ta_all = &conf.pki.t_all;
	conf.ta_none = &conf.pki.t_none;
	conf.ta_renew = &conf.pki.t_renew;
	conf.ta_term = &conf.pki.t_term;
}
END_TEST

/* Groups that need the personalized card fail at once without it. */
static void need_personalized_card(void)
{
	ck_assert_msg(conf.personalized,
	              "the card was not personalized (see the personalize "
	              "group)");
}

static size_t group_setup(const TTest **out, size_t cap)
{
	const TTest *list[] = {setup_build_the_test_pki};

	return conf_group_copy(list, 1, out, cap);
}

static const struct {
	const char *name;
	conf_group_fn fn;
	bool needs_personalized;
} groups[] = {
    {"coverage", group_coverage, false},
    {"setup", group_setup, false},
    {"blank", group_blank, false},
    {"length-blank", group_length_blank, false},
    {"personalize", group_personalize, false},
    {"session", group_session, true},
    {"length", group_length, true},
    {"auth", group_auth, true},
    {"pin", group_pin, true},
    {"renewal", group_renewal, true},
    {"rollover", group_rollover, true},
    {"terminated", group_terminated, true},
};
#define N_GROUPS            (sizeof(groups) / sizeof(groups[0]))

#define MAX_TESTS_PER_GROUP 64

size_t conf_all_test_names(const char **names, size_t cap)
{
	const TTest *tests[MAX_TESTS_PER_GROUP];
	size_t total = 0;

	for (size_t g = 0; g < N_GROUPS; g++) {
		size_t n = groups[g].fn(tests, MAX_TESTS_PER_GROUP);

		for (size_t i = 0; i < n && total < cap; i++)
			names[total++] = tests[i]->name;
	}
	return total;
}

size_t conf_group_copy(const TTest *const *list, size_t n, const TTest **out,
                       size_t cap)
{
	if (n > cap) {
		fprintf(stderr, "conformance: a group has over %zu tests\n",
		        cap);
		abort();
	}
	for (size_t i = 0; i < n; i++)
		out[i] = list[i];
	return n;
}

static Suite *make_suite(bool coverage_only)
{
	Suite *s = suite_create("badge applet conformance");
	const TTest *tests[MAX_TESTS_PER_GROUP];

	for (size_t g = 0; g < N_GROUPS; g++) {
		TCase *tc = tcase_create(groups[g].name);
		size_t n = groups[g].fn(tests, MAX_TESTS_PER_GROUP);

		if (groups[g].needs_personalized)
			tcase_add_checked_fixture(tc, need_personalized_card,
			                          NULL);
		for (size_t i = 0; i < n; i++)
			tcase_add_test(tc, tests[i]);
		suite_add_tcase(s, tc);
		if (coverage_only)
			break; /* the coverage group is first */
	}
	return s;
}

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: conformance [--allow-untestable] [--spec SPEC.md] "
	        "[READER]\n"
	        "       conformance --coverage-only [--spec SPEC.md]\n"
	        "READER: pcsc:NAME, pcsc:INDEX or nfc:CONNSTRING (default "
	        "$CVC_CONFORMANCE_READER).\n"
	        "The card must be BLANK; the suite personalizes and then "
	        "terminates it.\n"
	        "$CVC_CONFORMANCE_FAULT_HOOK: command run with an argument N "
	        "to make the\n"
	        "card's N-th persistent write from then on fail (see "
	        "README.md).\n");
}

typedef struct options {
	bool coverage_only;
} options;

static int parse_args(int argc, char **argv, options *o)
{
	conf.reader = getenv("CVC_CONFORMANCE_READER");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--allow-untestable") == 0) {
			conf.allow_untestable = true;
		} else if (strcmp(a, "--coverage-only") == 0) {
			o->coverage_only = true;
		} else if (strcmp(a, "--spec") == 0 && i + 1 < argc) {
			setenv("CVC_SPEC", argv[++i], 1);
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			exit(0);
		} else if (a[0] == '-') {
			usage(stderr);
			return 2;
		} else {
			conf.reader = a;
		}
	}
	if (!o->coverage_only && (conf.reader == NULL || *conf.reader == 0)) {
		fprintf(stderr, "conformance: no reader given\n");
		usage(stderr);
		return 2;
	}
	return 0;
}

static int open_card(void)
{
	cvc_err err = cvc_card_open(conf.reader, 10000, &conf.card);

	if (err != CVC_OK) {
		fprintf(stderr, "conformance: %s: %s\n", conf.reader,
		        cvc_strerror(err));
		return 3;
	}
	conf.nfc = cvc_card_transport(conf.card) == CVC_TRANSPORT_NFC;
	printf("reader: %s (%s)\n", cvc_card_reader(conf.card),
	       conf.nfc ? "NFC" : "PC/SC");
	conf.hook = getenv("CVC_CONFORMANCE_FAULT_HOOK");
	if (conf.hook != NULL && *conf.hook == 0)
		conf.hook = NULL;
	printf("fault hook: %s\n", conf.hook ? conf.hook : "(none)");
	return 0;
}

int main(int argc, char **argv)
{
	options o = {false};
	SRunner *sr;
	int rc, failed;

	rc = parse_args(argc, argv, &o);
	if (rc != 0)
		return rc;
	if (!o.coverage_only) {
		rc = open_card();
		if (rc != 0)
			return rc;
	}
	/* one card, one life: the tests run in order in this process */
	setenv("CK_VERBOSITY", "verbose", 0);
	sr = srunner_create(make_suite(o.coverage_only));
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (!o.coverage_only) {
		conf_print_untested();
		pki_cert_free(&conf.badge);
		if (conf.pki_built)
			pki_free(&conf.pki);
		cvc_card_free(&conf.card);
	}
	return failed == 0 ? 0 : 1;
}
