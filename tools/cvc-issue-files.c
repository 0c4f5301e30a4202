/* SPDX-License-Identifier: MIT */
/*
 * cvc-issue: files. Outputs go to a temporary file in the target's
 * directory and are renamed into place, so a reader never sees half a
 * certificate or key; the issuer state file is rewritten the same way.
 */
#define _DEFAULT_SOURCE /* mkstemp, fchmod */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvc-issue.h"

/* Writes data to path through a temporary file in the same directory. */
bool cvc_issue_write_atomic(const char *path, const void *data, size_t len,
                            mode_t mode)
{
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	int fd;
	bool ok;

	if (tmp == NULL)
		return false;
	snprintf(tmp, n, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		cvc_tool_fail("%s: %s", path, strerror(errno));
		free(tmp);
		return false;
	}
	ok = fchmod(fd, mode) == 0 && write(fd, data, len) == (ssize_t)len &&
	     fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	ok = ok && rename(tmp, path) == 0;
	if (!ok) {
		cvc_tool_fail("%s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return ok;
}

/* ------------------------------------------------------------------ */
/* Holder reference state: "<issuer cert>.state", lines PREFIX=LASTCHR */

static char *state_path(const char *cert)
{
	size_t n = strlen(cert) + 7;
	char *p = malloc(n);

	if (p != NULL)
		snprintf(p, n, "%s.state", cert);
	return p;
}

int cvc_issue_state_next(const char *cert, const char *prefix, char *chr,
                         size_t cap)
{
	char *path = state_path(cert), line[128], last[64] = "";
	size_t plen = strlen(prefix);
	FILE *f;

	if (path == NULL)
		return CVC_TOOL_EXIT_INPUT;
	f = fopen(path, "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, prefix, plen) == 0 && line[plen] == '=')
			snprintf(last, sizeof(last), "%.*s",
			         (int)strcspn(line + plen + 1, "\r\n"),
			         line + plen + 1);
	if (f != NULL)
		fclose(f);
	free(path);
	if (last[0] == '\0') {
		snprintf(chr, cap, "%s00001", prefix);
		if (cvc_chr_validate(chr, NULL) == CVC_OK)
			return 0;
		cvc_tool_fail("bad --chr-prefix '%s'", prefix);
		return CVC_TOOL_EXIT_INPUT;
	}
	if (cvc_chr_next(last, chr, cap) != CVC_OK) {
		cvc_tool_fail("%s.state: cannot increment '%s'", cert, last);
		return CVC_TOOL_EXIT_INPUT;
	}
	return 0;
}

bool cvc_issue_state_save(const char *cert, const char *prefix, const char *chr)
{
	char *path = state_path(cert), line[128], *buf;
	size_t plen = strlen(prefix), len = 0, cap = 4096;
	FILE *f;
	bool ok;

	buf = malloc(cap);
	if (path == NULL || buf == NULL) {
		free(path);
		free(buf);
		return false;
	}
	f = fopen(path, "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (!(strncmp(line, prefix, plen) == 0 && line[plen] == '=') &&
		    len + strlen(line) < cap - 64) {
			memcpy(buf + len, line, strlen(line));
			len += strlen(line);
		}
	if (f != NULL)
		fclose(f);
	len += (size_t)snprintf(buf + len, cap - len, "%s=%s\n", prefix, chr);
	ok = cvc_issue_write_atomic(path, buf, len, 0644);
	free(buf);
	free(path);
	return ok;
}
