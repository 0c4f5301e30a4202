/* SPDX-License-Identifier: MIT */
/*
 * cvc-issue: files, and the exit status for a libcvc error. Outputs go to a
 * temporary file in the target's directory and are moved into place only when
 * every output of the command has been written, so a reader never sees half a
 * certificate or key and a failed command leaves nothing behind. A new private
 * key never replaces an existing file: losing a CA key to a typo cannot be
 * undone. The issuer state file is rewritten the same way, and --json reports
 * what was written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvc-issue.h"

int cvc_issue_exit_for(cvc_err err)
{
	switch (err) {
	case CVC_ERR_ROLE:
	case CVC_ERR_CHAT_WIDENED:
	case CVC_ERR_TERMINAL_TYPE:
	case CVC_ERR_EXPIRED:
	case CVC_ERR_NOT_YET_VALID:
	case CVC_ERR_BAD_KEY:
	case CVC_ERR_SIGNATURE:
	case CVC_ERR_UNKNOWN_ISSUER:
	case CVC_ERR_REVOKED:
		return CVC_TOOL_EXIT_NO;
	case CVC_ERR_NO_READER:
	case CVC_ERR_NO_CARD:
	case CVC_ERR_CARD_REMOVED:
	case CVC_ERR_TIMEOUT:
	case CVC_ERR_TRANSPORT:
	case CVC_ERR_CARD_STATUS:
	case CVC_ERR_APDU:
		return CVC_TOOL_EXIT_READER;
	default:
		return CVC_TOOL_EXIT_INPUT;
	}
}

/* ------------------------------------------------------------------ */
/* Output files */

/* One output on its way: written to tmp, then moved to path. */
typedef struct staged {
	const char *path;
	char *tmp;       /* temporary file beside path; NULL once moved */
	bool no_clobber; /* private keys: never replace a file */
	bool created;    /* path did not exist before this command */
	bool placed;     /* moved into place */
} staged;

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static bool refuse_existing_key(const char *path)
{
	cvc_tool_fail("%s: file exists; cvc-issue never replaces a private "
	              "key file",
	              path);
	return false;
}

/* Writes data to a new temporary file beside path. */
static bool stage(staged *s, const char *path, const void *data, size_t len,
                  mode_t mode, bool no_clobber)
{
	cvc_tool_error err;

	memset(s, 0, sizeof(*s));
	s->path = path;
	s->no_clobber = no_clobber;
	s->created = !exists(path);
	if (no_clobber && !s->created)
		return refuse_existing_key(path);
	s->tmp = cvc_tool_write_temp(path, data, len, mode, &err);
	if (s->tmp == NULL)
		cvc_tool_report(path, &err);
	return s->tmp != NULL;
}

/*
 * A key is linked, not renamed, into place: link() fails when the name
 * exists, so a key created meanwhile by someone else is not replaced
 * either. File systems without hard links get the rename after a check.
 */
static bool place(staged *s)
{
	if (s->no_clobber && link(s->tmp, s->path) == 0) {
		unlink(s->tmp);
	} else if (s->no_clobber && (errno == EEXIST || exists(s->path))) {
		return refuse_existing_key(s->path);
	} else if (rename(s->tmp, s->path) != 0) {
		cvc_tool_fail("%s: cannot move into place: %s", s->path,
		              strerror(errno));
		return false;
	}
	free(s->tmp);
	s->tmp = NULL;
	s->placed = true;
	return true;
}

/* Undoes what can be undone: temporary files and files this run made. */
static void discard(staged *s)
{
	if (s->tmp != NULL) {
		unlink(s->tmp);
		free(s->tmp);
		s->tmp = NULL;
	}
	if (s->placed && s->created)
		unlink(s->path);
	s->placed = false;
}

/* Moves every staged file into place, or none that this run created. */
static bool place_all(staged *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!place(&s[i]))
			break;
	if (i == n)
		return true;
	for (i = 0; i < n; i++)
		discard(&s[i]);
	return false;
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

/* The state file's new content: other prefixes kept, this one replaced. */
static char *state_render(const char *path, const char *prefix, const char *chr,
                          size_t *len)
{
	size_t plen = strlen(prefix), cap = 4096;
	char line[128], *buf = malloc(cap);
	FILE *f;

	if (buf == NULL)
		return NULL;
	*len = 0;
	f = fopen(path, "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (!(strncmp(line, prefix, plen) == 0 && line[plen] == '=') &&
		    *len + strlen(line) < cap - 64) {
			memcpy(buf + *len, line, strlen(line));
			*len += strlen(line);
		}
	if (f != NULL)
		fclose(f);
	*len +=
	    (size_t)snprintf(buf + *len, cap - *len, "%s=%s\n", prefix, chr);
	return buf;
}

bool cvc_issue_state_save(const char *cert, const char *prefix, const char *chr)
{
	char *path = state_path(cert), *buf = NULL;
	size_t len = 0;
	bool ok;

	if (path != NULL)
		buf = state_render(path, prefix, chr, &len);
	ok =
	    buf != NULL && cvc_tool_write_atomic_reported(path, buf, len, 0644);
	free(buf);
	free(path);
	return ok;
}

/* ------------------------------------------------------------------ */
/* --json: one object on stdout, schema libcvc-issue/1 */

static void json_file(const char *path, const char *content, int encrypted,
                      bool first)
{
	printf("%s{", first ? "" : ",");
	cvc_tool_json_member_str(stdout, "path", path);
	printf(",");
	cvc_tool_json_member_str(stdout, "content", content);
	if (encrypted >= 0)
		printf(",\"encrypted\":%s", encrypted ? "true" : "false");
	printf("}");
}

static int json_report(const cvc_issue_commit_args *a, const char *state)
{
	cvc_cert c;
	bool decoded =
	    cvc_cert_decode(a->der, a->der_len, 0, &c, NULL) == CVC_OK;

	printf("{\"schema\":\"libcvc-issue/1\",");
	cvc_tool_json_member_str(stdout, "verb", a->verb);
	printf(",\"files\":[");
	json_file(a->out, decoded ? cvc_kind_name(c.kind) : "other", -1, true);
	if (a->key_out != NULL)
		json_file(a->key_out, "private-key", a->key_encrypted, false);
	if (state != NULL)
		json_file(state, "state", -1, false);
	printf("]");
	if (decoded) {
		printf(",\"object\":");
		cvc_cert_print_json(stdout, &c, 0);
	}
	printf("}\n");
	return cvc_tool_exit_flushed();
}

int cvc_issue_commit(const cvc_issue_commit_args *a)
{
	staged s[3];
	size_t n = 0;
	char *state = NULL, *content = NULL;
	size_t content_len = 0;
	bool ok = true;
	int rc;

	if (a->key_out != NULL && a->key_pem != NULL)
		ok = stage(&s[n++], a->key_out, a->key_pem, a->key_pem_len,
		           0600, true);
	if (ok)
		ok = stage(&s[n++], a->out, a->der, a->der_len, 0644, false);
	if (ok && a->state_cert != NULL) {
		state = state_path(a->state_cert);
		content = state != NULL ? state_render(state, a->state_prefix,
		                                       a->chr, &content_len)
		                        : NULL;
		ok = content != NULL &&
		     stage(&s[n++], state, content, content_len, 0644, false);
	}
	/* a failed stage has cleaned up after itself: discard the others */
	if (!ok) {
		for (size_t i = 0; i < n; i++)
			discard(&s[i]);
	} else {
		ok = place_all(s, n);
	}
	free(content);
	rc = !ok ? CVC_TOOL_EXIT_INPUT : a->json ? json_report(a, state) : 0;
	free(state);
	return rc;
}
