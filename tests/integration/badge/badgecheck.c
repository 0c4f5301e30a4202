/* SPDX-License-Identifier: MIT */
/*
 * badgecheck: what the badge office tests ask a badge, through libcvc's
 * badge layer and a real reader.
 *
 *   badgecheck state READER
 *       prints the life cycle state (blank, personalized, terminated)
 *   badgecheck door READER CVCA.cvcert [CRL]
 *       a door: cvc_badge_authenticate() against the CVCA at today's date
 *       (with the revocation list when given); prints "accept CHR" or
 *       "refuse CHECK: DETAIL"
 *
 * Exit status: 0 state printed / badge accepted, 1 badge refused,
 * 2 usage or input error, 3 reader or card error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cvc/cvc.h>

static int usage(void)
{
	fputs("usage: badgecheck state READER\n"
	      "       badgecheck door READER CVCA.cvcert [CRL]\n",
	      stderr);
	return 2;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(65536);

	*len = 0;
	if (f != NULL && buf != NULL)
		*len = fread(buf, 1, 65536, f);
	if (f != NULL)
		fclose(f);
	if (*len == 0 || *len == 65536) {
		fprintf(stderr, "badgecheck: %s: cannot read\n", path);
		free(buf);
		return NULL;
	}
	return buf;
}

static cvc_err open_card(const char *spec, cvc_card **card)
{
	cvc_err err = cvc_card_open(spec, 5000, card);

	if (err != CVC_OK)
		fprintf(stderr, "badgecheck: %s: %s\n", spec,
		        cvc_strerror(err));
	return err;
}

static int state(const char *spec)
{
	cvc_card *card = NULL;
	cvc_badge_info info;
	cvc_diag diag = {0};
	cvc_err err;

	if (open_card(spec, &card) != CVC_OK)
		return 3;
	err = cvc_badge_select(card, &info, &diag);
	cvc_card_free(&card);
	if (err != CVC_OK) {
		fprintf(stderr, "badgecheck: SELECT: %s\n", cvc_strerror(err));
		return 3;
	}
	printf("%s\n", cvc_badge_state_name(info.state));
	return 0;
}

static void today(cvc_date *d)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	d->year = (uint16_t)(tm.tm_year + 1900);
	d->month = (uint8_t)(tm.tm_mon + 1);
	d->day = (uint8_t)tm.tm_mday;
}

static int decide(cvc_card *card, cvc_badge_policy *policy)
{
	cvc_badge_result res;
	cvc_err err = cvc_badge_authenticate(card, policy, &res);

	if (err != CVC_OK || res.decision == CVC_BADGE_ERROR) {
		printf("error %s: %s\n", cvc_strerror(res.reason), res.detail);
		return 3;
	}
	if (res.decision == CVC_BADGE_ACCEPT) {
		printf("accept %s\n", res.holder_chr);
		return 0;
	}
	printf("refuse %s: %s\n", res.check ? res.check : "-", res.detail);
	return 1;
}

static int door(const char *spec, const char *anchor, const char *crl_path)
{
	cvc_badge_policy policy;
	cvc_store *store = NULL;
	cvc_card *card = NULL;
	cvc_crl crl;
	uint8_t *a = NULL, *c = NULL;
	size_t alen, clen;
	cvc_diag diag = {0};
	int rc = 2;

	memset(&policy, 0, sizeof(policy));
	if ((a = read_file(anchor, &alen)) == NULL ||
	    cvc_store_new(&store) != CVC_OK ||
	    cvc_store_add_anchor(store, a, alen, 0, &diag) != CVC_OK)
		goto out;
	policy.store = store;
	today(&policy.at);
	if (crl_path != NULL) {
		if ((c = read_file(crl_path, &clen)) == NULL ||
		    cvc_crl_decode(c, clen, &crl, &diag) != CVC_OK)
			goto out;
		policy.crl = &crl;
	}
	rc = 3;
	if (open_card(spec, &card) == CVC_OK)
		rc = decide(card, &policy);
out:
	if (rc == 2)
		fprintf(stderr, "badgecheck: bad input\n");
	cvc_card_free(&card);
	cvc_store_free(&store);
	free(a);
	free(c);
	return rc;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc == 3 && strcmp(argv[1], "state") == 0)
		rc = state(argv[2]);
	else if ((argc == 4 || argc == 5) && strcmp(argv[1], "door") == 0)
		rc = door(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	else
		rc = usage();
	fflush(stdout);
	return rc;
}
