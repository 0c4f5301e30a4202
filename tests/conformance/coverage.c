/* SPDX-License-Identifier: MIT */
/*
 * Coverage: every normative statement of SPEC.md (an id in bold brackets,
 * **[TA-4]**) has a test whose name starts with the id (TA_4_...), and no
 * test names an id the SPEC does not have. The SPEC path is $CVC_SPEC.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance.h"

#define MAX_IDS   256
#define ID_MAX    16
#define SPEC_MAX  (1u << 20)
#define MAX_NAMES 512

typedef struct id_set {
	char ids[MAX_IDS][ID_MAX];
	size_t n;
} id_set;

static bool set_has(const id_set *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->ids[i], id) == 0)
			return true;
	return false;
}

static void set_add(id_set *s, const char *id)
{
	if (set_has(s, id))
		return;
	ck_assert_msg(s->n < MAX_IDS, "too many ids");
	snprintf(s->ids[s->n++], ID_MAX, "%s", id);
}

/* "**[" LETTERS "-" DIGITS "]**" at p: copies the id, returns its length
 * in the text (0 when p is not such an id). */
static size_t read_spec_id(const char *p, char id[ID_MAX])
{
	size_t i = 3, letters, digits;

	if (strncmp(p, "**[", 3) != 0)
		return 0;
	for (letters = 0; isupper((unsigned char)p[i]); i++, letters++)
		;
	if (letters == 0 || p[i++] != '-')
		return 0;
	for (digits = 0; isdigit((unsigned char)p[i]); i++, digits++)
		;
	if (digits == 0 || strncmp(p + i, "]**", 3) != 0 ||
	    letters + 1 + digits >= ID_MAX)
		return 0;
	memcpy(id, p + 3, letters + 1 + digits);
	id[letters + 1 + digits] = 0;
	return i + 3;
}

static void spec_ids(id_set *s)
{
	const char *path = getenv("CVC_SPEC");
	static char text[SPEC_MAX + 1];
	char id[ID_MAX];
	size_t len;
	FILE *f;

	ck_assert_msg(path != NULL, "CVC_SPEC (path of SPEC.md) is not set");
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	len = fread(text, 1, SPEC_MAX, f);
	fclose(f);
	ck_assert_msg(len < SPEC_MAX, "%s is too large", path);
	text[len] = 0;
	for (const char *p = text; *p; p++) {
		size_t used = read_spec_id(p, id);

		if (used > 0) {
			set_add(s, id);
			p += used - 1;
		}
	}
}

/* "TA_4_link..." -> "TA-4"; false when the name carries no id. */
static bool test_id(const char *name, char id[ID_MAX])
{
	size_t i = 0, j;

	while (isupper((unsigned char)name[i]))
		i++;
	if (i == 0 || name[i] != '_')
		return false;
	for (j = i + 1; isdigit((unsigned char)name[j]); j++)
		;
	if (j == i + 1 || (name[j] != '_' && name[j] != 0) || j >= ID_MAX)
		return false;
	memcpy(id, name, j);
	id[i] = '-';
	id[j] = 0;
	return true;
}

START_TEST(coverage_every_spec_id_has_a_test)
{
	static id_set spec, tested;
	const char *names[MAX_NAMES];
	size_t n = conf_all_test_names(names, MAX_NAMES), missing = 0,
	       unknown = 0;
	char id[ID_MAX];

	spec.n = tested.n = 0;
	spec_ids(&spec);
	ck_assert_msg(spec.n >= 10, "only %zu ids found in the SPEC", spec.n);
	for (size_t i = 0; i < n; i++) {
		if (!test_id(names[i], id))
			continue;
		set_add(&tested, id);
		if (!set_has(&spec, id)) {
			fprintf(stderr, "test %s names [%s], not in the SPEC\n",
			        names[i], id);
			unknown++;
		}
	}
	for (size_t i = 0; i < spec.n; i++) {
		if (!set_has(&tested, spec.ids[i])) {
			fprintf(stderr, "[%s] has no test\n", spec.ids[i]);
			missing++;
		}
	}
	printf("coverage: %zu statements in the SPEC, %zu tests, %zu "
	       "statements tested\n",
	       spec.n, n, tested.n);
	ck_assert_msg(missing == 0, "%zu SPEC statements have no test",
	              missing);
	ck_assert_msg(unknown == 0, "%zu tests name ids the SPEC lacks",
	              unknown);
}
END_TEST

size_t group_coverage(const TTest **out, size_t cap)
{
	const TTest *list[] = {coverage_every_spec_id_has_a_test};

	return conf_group_copy(list, sizeof(list) / sizeof(list[0]), out, cap);
}
