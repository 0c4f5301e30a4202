/* SPDX-License-Identifier: MIT */
/*
 * cvc-issue: the issuance records of a DV, "<issuer cert>.issued". One
 * tab-separated line per badge certificate under a fixed header line:
 *
 *   status chr effective expiration name staff_id department replaces
 *   recorded updated certificate
 *
 * The file is read whole, changed in memory and written back through a
 * temporary file and rename, so a crash leaves the old or the new list,
 * never half of one. Concurrent runs for the same issuer serialize on an
 * flock of the issuer certificate (a file that is never replaced, unlike
 * the records file itself). A file that does not parse is never
 * overwritten.
 */
#define _DEFAULT_SOURCE /* getline, flock */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "cvc-issue-office.h"

#define HEADER                                                                 \
	"status\tchr\teffective\texpiration\tname\tstaff_id\tdepartment\t"     \
	"replaces\trecorded\tupdated\tcertificate"
#define N_FIELDS 11

static const char *const status_names[] = {
    [REC_ISSUED] = "issued",         [REC_RENEWED] = "renewed",
    [REC_TERMINATED] = "terminated", [REC_UNCONFIRMED] = "unconfirmed",
    [REC_REVOKED] = "revoked",
};

const char *record_status_name(record_status s)
{
	return (size_t)s < sizeof(status_names) / sizeof(status_names[0])
	           ? status_names[s]
	           : "?";
}

bool record_status_parse(const char *text, record_status *s)
{
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]);
	     i++)
		if (strcmp(text, status_names[i]) == 0) {
			*s = (record_status)i;
			return true;
		}
	return false;
}

bool record_text_ok(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			return false;
	return true;
}

static void now_text(char *buf, size_t cap)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ------------------------------------------------------------------ */
/* Parsing one line                                                    */

static bool copy_field(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap || !record_text_ok(src))
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

static bool parse_hex(const char *hex, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(hex);

	if (n % 2 != 0 || n / 2 > cap)
		return false;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1 ||
		    strchr("0123456789abcdefABCDEF", hex[2 * i]) == NULL ||
		    strchr("0123456789abcdefABCDEF", hex[2 * i + 1]) == NULL)
			return false;
		out[i] = (uint8_t)v;
	}
	*len = n / 2;
	return true;
}

static bool parse_fields(char **f, record *r)
{
	return record_status_parse(f[0], &r->status) &&
	       cvc_chr_validate(f[1], NULL) == CVC_OK &&
	       copy_field(r->chr, sizeof(r->chr), f[1]) &&
	       cvc_date_parse(f[2], &r->effective) == CVC_OK &&
	       cvc_date_parse(f[3], &r->expiration) == CVC_OK &&
	       copy_field(r->name, sizeof(r->name), f[4]) &&
	       copy_field(r->staff_id, sizeof(r->staff_id), f[5]) &&
	       copy_field(r->department, sizeof(r->department), f[6]) &&
	       copy_field(r->replaces, sizeof(r->replaces), f[7]) &&
	       copy_field(r->recorded, sizeof(r->recorded), f[8]) &&
	       copy_field(r->updated, sizeof(r->updated), f[9]) &&
	       parse_hex(f[10], r->cert, sizeof(r->cert), &r->cert_len);
}

static bool parse_line(char *line, record *r)
{
	char *f[N_FIELDS];
	size_t n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	for (char *p = line; n < N_FIELDS; n++) {
		f[n] = p;
		p = strchr(p, '\t');
		if (p == NULL) {
			n++;
			break;
		}
		*p++ = '\0';
		if (n == N_FIELDS - 1)
			return false; /* a field too many */
	}
	memset(r, 0, sizeof(*r));
	return n == N_FIELDS && parse_fields(f, r);
}

/* ------------------------------------------------------------------ */
/* The file                                                            */

static bool grow(record_file *rf)
{
	size_t ncap = rf->cap ? rf->cap * 2 : 16;
	record *nr;

	if (rf->n < rf->cap)
		return true;
	nr = realloc(rf->rows, ncap * sizeof(*nr));
	if (nr == NULL)
		return false;
	rf->rows = nr;
	rf->cap = ncap;
	return true;
}

static int read_rows(record_file *rf, FILE *f)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	int rc = 0;

	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		if (lineno == 1) {
			line[strcspn(line, "\r\n")] = '\0';
			if (strcmp(line, HEADER) != 0) {
				cvc_tool_fail("%s: line 1: not a cvc-issue "
				              "records header",
				              rf->path);
				rc = CVC_TOOL_EXIT_INPUT;
			}
			continue;
		}
		if (!grow(rf)) {
			cvc_tool_fail("out of memory");
			rc = CVC_TOOL_EXIT_INPUT;
		} else if (!parse_line(line, &rf->rows[rf->n])) {
			cvc_tool_fail("%s: line %zu: malformed record (the "
			              "file is left as it is)",
			              rf->path, lineno);
			rc = CVC_TOOL_EXIT_INPUT;
		} else {
			rf->n++;
		}
	}
	free(line);
	return rc;
}

static int take_lock(record_file *rf, const char *issuer_cert)
{
	rf->lock_fd = open(issuer_cert, O_RDONLY | O_CLOEXEC);
	if (rf->lock_fd < 0 || flock(rf->lock_fd, LOCK_EX) != 0) {
		cvc_tool_fail("%s: cannot lock: %s", issuer_cert,
		              strerror(errno));
		return CVC_TOOL_EXIT_INPUT;
	}
	return 0;
}

int records_open(const char *issuer_cert, record_file *rf)
{
	size_t n = strlen(issuer_cert) + sizeof(".issued");
	FILE *f;
	int rc;

	memset(rf, 0, sizeof(*rf));
	rf->lock_fd = -1;
	rf->path = malloc(n);
	if (rf->path == NULL) {
		cvc_tool_fail("out of memory");
		return CVC_TOOL_EXIT_INPUT;
	}
	snprintf(rf->path, n, "%s.issued", issuer_cert);
	if ((rc = take_lock(rf, issuer_cert)) != 0)
		return rc;
	f = fopen(rf->path, "r");
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		cvc_tool_fail("%s: %s", rf->path, strerror(errno));
		return CVC_TOOL_EXIT_INPUT;
	}
	rc = read_rows(rf, f);
	fclose(f);
	return rc;
}

static void put_hex(FILE *f, const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02X", data[i]);
}

static void put_row(FILE *f, const record *r)
{
	char ced[16], cxd[16];

	fprintf(f, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t",
	        record_status_name(r->status), r->chr,
	        office_date_text(&r->effective, ced, sizeof(ced)),
	        office_date_text(&r->expiration, cxd, sizeof(cxd)), r->name,
	        r->staff_id, r->department, r->replaces, r->recorded,
	        r->updated);
	put_hex(f, r->cert, r->cert_len);
	fputc('\n', f);
}

int records_save(record_file *rf)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool ok;

	if (f == NULL) {
		cvc_tool_fail("out of memory");
		return CVC_TOOL_EXIT_INPUT;
	}
	fputs(HEADER "\n", f);
	for (size_t i = 0; i < rf->n; i++)
		put_row(f, &rf->rows[i]);
	ok = fclose(f) == 0;
	ok = ok && cvc_tool_write_atomic_reported(rf->path, buf, len, 0644);
	free(buf);
	return ok ? 0 : CVC_TOOL_EXIT_INPUT;
}

void records_close(record_file *rf)
{
	if (rf->lock_fd >= 0)
		close(rf->lock_fd); /* releases the flock */
	free(rf->path);
	free(rf->rows);
	memset(rf, 0, sizeof(*rf));
	rf->lock_fd = -1;
}

record *records_find(record_file *rf, const char *chr)
{
	for (size_t i = 0; i < rf->n; i++)
		if (strcmp(rf->rows[i].chr, chr) == 0)
			return &rf->rows[i];
	return NULL;
}

int records_refuse_reuse(record_file *rf, const char *chr)
{
	const record *r = records_find(rf, chr);

	if (r == NULL)
		return 0;
	cvc_tool_fail("holder reference %s is already recorded (%s) in %s: "
	              "never reuse one",
	              chr, record_status_name(r->status), rf->path);
	return CVC_TOOL_EXIT_NO;
}

record *records_add(record_file *rf, const record *r)
{
	record *row;

	if (!grow(rf)) {
		cvc_tool_fail("out of memory");
		return NULL;
	}
	row = &rf->rows[rf->n++];
	*row = *r;
	now_text(row->recorded, sizeof(row->recorded));
	memcpy(row->updated, row->recorded, sizeof(row->updated));
	return row;
}

void record_set_status(record *r, record_status s)
{
	r->status = s;
	now_text(r->updated, sizeof(r->updated));
}

void record_from_cert(record *r, const cvc_cert *c)
{
	office_chr_text(c->chr, r->chr, sizeof(r->chr));
	r->effective = c->effective;
	r->expiration = c->expiration;
	r->cert_len = c->raw.len <= sizeof(r->cert) ? c->raw.len : 0;
	memcpy(r->cert, c->raw.data, r->cert_len);
}
