/* SPDX-License-Identifier: MIT */
/* Shared helpers of the libcvc tools; see common.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static const char *tool_name = "cvc-tool";

void cvc_tool_set_name(const char *name)
{
	if (name != NULL && name[0] != '\0')
		tool_name = name;
}

const char *cvc_tool_name(void)
{
	return tool_name;
}

static bool is_stdin(const char *path)
{
	return strcmp(path, "-") == 0;
}

const char *cvc_tool_display_name(const char *path)
{
	if (path == NULL)
		return NULL;
	return is_stdin(path) ? CVC_TOOL_STDIN_NAME : path;
}

/* ------------------------------------------------------------------ */
/* Errors */

/* vsnprintf with a caller's format: checked where the callers are. */
__attribute__((format(printf, 3, 0))) static void
error_vset(cvc_tool_error *err, cvc_err code, const char *fmt, va_list ap)
{
	err->err = code;
	err->has_offset = false;
	err->offset = 0;
	err->field = NULL;
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
}

void cvc_tool_error_set(cvc_tool_error *err, cvc_err code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vset(err, code, fmt, ap);
	va_end(ap);
}

void cvc_tool_error_append(cvc_tool_error *err, const char *fmt, ...)
{
	size_t used = strlen(err->message);
	va_list ap;

	if (used + 1 >= sizeof(err->message))
		return;
	va_start(ap, fmt);
	vsnprintf(err->message + used, sizeof(err->message) - used, fmt, ap);
	va_end(ap);
}

void cvc_tool_error_from_diag(cvc_tool_error *err, const cvc_diag *diag,
                              size_t base)
{
	cvc_diag shifted = *diag;

	/* The library counts from the start of the buffer it was given; the
	 * user wants the position in the whole file. */
	shifted.offset = diag->offset + base;
	err->err = diag->err;
	err->has_offset = true;
	err->offset = shifted.offset;
	err->field = diag->field;
	cvc_diag_format(&shifted, err->message, sizeof(err->message));
}

static void report_prefix(const char *path)
{
	fprintf(stderr, "%s: ", tool_name);
	if (path != NULL)
		fprintf(stderr, "%s: ", cvc_tool_display_name(path));
}

void cvc_tool_report(const char *path, const cvc_tool_error *err)
{
	report_prefix(path);
	fprintf(stderr, "%s\n", err->message);
}

void cvc_tool_report_object(const char *path, const cvc_tool_input *in,
                            size_t index, const cvc_tool_error *err)
{
	fprintf(stderr, "%s: %s", tool_name, cvc_tool_display_name(path));
	if (in != NULL && in->data != NULL && in->format != CVC_INPUT_DER)
		fprintf(stderr, " (%s)", cvc_tool_format_token(in->format));
	fputs(": ", stderr);
	if (index > 1)
		fprintf(stderr, "object %zu: ", index);
	fprintf(stderr, "%s\n", err->message);
}

void cvc_tool_warn(const char *path, const char *fmt, ...)
{
	va_list ap;

	report_prefix(path);
	fputs("warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cvc_tool_fail(const char *fmt, ...)
{
	va_list ap;

	report_prefix(NULL);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ------------------------------------------------------------------ */
/* Options */

int cvc_tool_usage_error(const char *synopsis, const char *fmt, ...)
{
	va_list ap;

	report_prefix(NULL);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr,
	        "\nusage: %s %s\nTry '%s --help' for more information.\n",
	        tool_name, synopsis, tool_name);
	return CVC_TOOL_EXIT_INPUT;
}

int cvc_tool_bad_option(const char *synopsis, int ret, int opt, const char *arg)
{
	bool is_long = arg != NULL && strncmp(arg, "--", 2) == 0;

	/* With ':' leading the optstring, getopt_long() returns ':' for a
	 * missing argument and '?' otherwise. For a long option optopt is 0
	 * when the name is unknown, its value when only the argument is
	 * wrong; the word it stopped at is the best thing to show. */
	if (ret == ':')
		return cvc_tool_usage_error(synopsis,
		                            "option needs an argument: '%s'",
		                            arg != NULL ? arg : "?");
	if (is_long && opt != 0)
		return cvc_tool_usage_error(
		    synopsis, "option takes no argument: '%s'", arg);
	if (is_long)
		return cvc_tool_usage_error(synopsis, "unknown option: '%s'",
		                            arg);
	return cvc_tool_usage_error(synopsis, "unknown option: '-%c'", opt);
}

void cvc_tool_print_version(void)
{
	printf("%s (libcvc) %s\n", tool_name, cvc_version());
}

int cvc_tool_shared_option(const cvc_tool_shared_options *shared, int c,
                           const char *arg)
{
	switch (c) {
	case 'j':
		*shared->json = true;
		return -1;
	case 'v':
		*shared->verbose = true;
		return -1;
	case 'h':
		shared->print_help();
		return cvc_tool_exit_flushed();
	case 'V':
		cvc_tool_print_version();
		return cvc_tool_exit_flushed();
	default:
		return cvc_tool_bad_option(shared->synopsis, c, optopt, arg);
	}
}

/* ------------------------------------------------------------------ */
/* Reading input */

/* Doubles *cap, but to no more than limit. */
static bool grow_buffer(uint8_t **buf, size_t *cap, size_t limit)
{
	size_t ncap = *cap > limit / 2 ? limit : *cap * 2;
	uint8_t *nbuf = realloc(*buf, ncap);

	if (nbuf == NULL)
		return false;
	*buf = nbuf;
	*cap = ncap;
	return true;
}

static cvc_err read_stream(FILE *f, size_t max, uint8_t **data, size_t *len,
                           cvc_tool_error *err)
{
	size_t cap = 4096, used = 0;
	uint8_t *buf = malloc(cap);

	if (buf == NULL) {
		cvc_tool_error_set(err, CVC_ERR_NO_MEMORY, "out of memory");
		return CVC_ERR_NO_MEMORY;
	}
	for (;;) {
		size_t got;

		if (used == cap) {
			/* Stop one octet past the limit: enough to tell "too
			 * large" from "exactly at the limit". */
			if (cap > max)
				break;
			if (!grow_buffer(&buf, &cap, max + 1)) {
				free(buf);
				cvc_tool_error_set(err, CVC_ERR_NO_MEMORY,
				                   "out of memory");
				return CVC_ERR_NO_MEMORY;
			}
		}
		got = fread(buf + used, 1, cap - used, f);
		if (got == 0)
			break;
		used += got;
	}
	if (ferror(f)) {
		int e = errno;

		free(buf);
		cvc_tool_error_set(err, CVC_ERR_IO, "read error: %s",
		                   e ? strerror(e) : "unknown");
		return CVC_ERR_IO;
	}
	if (used > max) {
		free(buf);
		/* Not an I/O failure: the input is longer than allowed. */
		cvc_tool_error_set(err, CVC_ERR_BAD_LENGTH,
		                   "byte %zu: input: larger than the limit of "
		                   "%zu bytes",
		                   max, max);
		err->has_offset = true;
		err->offset = max;
		err->field = "input";
		return CVC_ERR_IO;
	}
	*data = buf;
	*len = used;
	return CVC_OK;
}

cvc_err cvc_tool_read_file(const char *path, size_t max, uint8_t **data,
                           size_t *len, cvc_tool_error *err)
{
	FILE *f;
	cvc_err rc;

	*data = NULL;
	*len = 0;
	if (is_stdin(path))
		return read_stream(stdin, max, data, len, err);
	errno = 0;
	f = fopen(path, "rb");
	if (f == NULL) {
		cvc_tool_error_set(err, CVC_ERR_IO, "cannot open: %s",
		                   strerror(errno));
		return CVC_ERR_IO;
	}
	errno = 0;
	rc = read_stream(f, max, data, len, err);
	fclose(f);
	return rc;
}

const char *cvc_tool_format_token(cvc_input_format fmt)
{
	switch (fmt) {
	case CVC_INPUT_DER:
		return "der";
	case CVC_INPUT_HEX:
		return "hex";
	case CVC_INPUT_BASE64:
		return "base64";
	}
	return "unknown";
}

static cvc_err convert_input(const uint8_t *raw, size_t raw_len,
                             cvc_tool_input *in, cvc_tool_error *err)
{
	/* Hex and base64 only shrink, so raw_len bounds the binary size. */
	size_t cap = raw_len, out_len = 0;
	uint8_t *out = malloc(cap);
	cvc_err rc;

	if (out == NULL) {
		cvc_tool_error_set(err, CVC_ERR_NO_MEMORY, "out of memory");
		return CVC_ERR_NO_MEMORY;
	}
	rc = cvc_input_decode(raw, raw_len, out, cap, &out_len, &in->format);
	if (rc != CVC_OK) {
		free(out);
		cvc_tool_error_set(err, rc, "byte 0: input: %s",
		                   cvc_strerror(rc));
		err->has_offset = true;
		err->field = "input";
		return rc;
	}
	in->data = out;
	in->len = out_len;
	return CVC_OK;
}

cvc_err cvc_tool_load(const char *path, size_t max, cvc_tool_input *in,
                      cvc_tool_error *err)
{
	uint8_t *raw = NULL;
	size_t raw_len = 0;
	cvc_err rc;

	memset(in, 0, sizeof(*in));
	in->path = path;
	rc = cvc_tool_read_file(path, max, &raw, &raw_len, err);
	if (rc != CVC_OK)
		return rc;
	if (raw_len == 0) {
		free(raw);
		cvc_tool_error_set(err, CVC_ERR_TRUNCATED,
		                   "byte 0: input: empty, no object to read");
		err->has_offset = true;
		err->field = "input";
		return CVC_ERR_TRUNCATED;
	}
	rc = convert_input(raw, raw_len, in, err);
	free(raw);
	return rc;
}

void cvc_tool_input_free(cvc_tool_input *in)
{
	if (in == NULL)
		return;
	free(in->data);
	in->data = NULL;
	in->len = 0;
}

/* ------------------------------------------------------------------ */
/* JSON */

/* Length of the valid UTF-8 sequence at s (RFC 3629), 0 if invalid. */
static size_t utf8_sequence(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n, i;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

void cvc_tool_json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fputc('"', out);
	while (*p != '\0') {
		size_t n = utf8_sequence(p);

		if (n == 0) {
			fputs("\\ufffd", out);
			p++;
		} else if (*p == '"' || *p == '\\') {
			fputc('\\', out);
			fputc(*p++, out);
		} else if (*p < 0x20 || *p == 0x7F) {
			fprintf(out, "\\u%04x", *p++);
		} else {
			fwrite(p, 1, n, out);
			p += n;
		}
	}
	fputc('"', out);
}

void cvc_tool_json_member_str(FILE *out, const char *key, const char *value)
{
	cvc_tool_json_string(out, key);
	fputc(':', out);
	if (value == NULL)
		fputs("null", out);
	else
		cvc_tool_json_string(out, value);
}

void cvc_tool_json_holder_members(FILE *out, const char *name,
                                  const char *staff_id, const char *department)
{
	cvc_tool_json_member_str(out, "name", name);
	fputc(',', out);
	cvc_tool_json_member_str(out, "staff_id", staff_id);
	fputc(',', out);
	cvc_tool_json_member_str(out, "department", department);
}

void cvc_tool_json_error(FILE *out, const char *path, size_t index,
                         const cvc_tool_error *err)
{
	fputc('{', out);
	cvc_tool_json_member_str(out, "file", path);
	fprintf(out, ",\"index\":%zu,\"offset\":", index);
	if (err->has_offset)
		fprintf(out, "%zu", err->offset);
	else
		fputs("null", out);
	fputc(',', out);
	cvc_tool_json_member_str(out, "field", err->field);
	fprintf(out, ",\"code\":%d,", (int)err->err);
	cvc_tool_json_member_str(out, "error", cvc_strerror(err->err));
	fputc(',', out);
	cvc_tool_json_member_str(out, "message", err->message);
	fputc('}', out);
}

bool cvc_tool_flush_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cvc_tool_fail("error writing standard output: %s",
		              strerror(errno));
		return false;
	}
	return true;
}

int cvc_tool_exit_flushed(void)
{
	return cvc_tool_flush_stdout() ? CVC_TOOL_EXIT_OK : CVC_TOOL_EXIT_INPUT;
}

/* ------------------------------------------------------------------ */
/* Output files */

mode_t cvc_tool_public_file_mode(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return (mode_t)(0644 & ~mask);
}

static bool write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

char *cvc_tool_write_temp(const char *path, const void *data, size_t len,
                          mode_t mode, cvc_tool_error *err)
{
	size_t n = strlen(path) + sizeof(".tmpXXXXXX");
	char *tmp = malloc(n);
	int fd, saved;
	bool ok;

	if (tmp == NULL) {
		cvc_tool_error_set(err, CVC_ERR_NO_MEMORY, "out of memory");
		return NULL;
	}
	snprintf(tmp, n, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		cvc_tool_error_set(err, CVC_ERR_IO,
		                   "cannot create a file there: %s",
		                   strerror(errno));
		free(tmp);
		return NULL;
	}
	ok =
	    fchmod(fd, mode) == 0 && write_all(fd, data, len) && fsync(fd) == 0;
	saved = errno;
	ok = close(fd) == 0 && ok;
	if (!ok) {
		cvc_tool_error_set(err, CVC_ERR_IO, "cannot write: %s",
		                   strerror(saved));
		unlink(tmp);
		free(tmp);
		return NULL;
	}
	return tmp;
}

bool cvc_tool_write_atomic(const char *path, const void *data, size_t len,
                           mode_t mode, cvc_tool_error *err)
{
	char *tmp = cvc_tool_write_temp(path, data, len, mode, err);
	bool ok;

	if (tmp == NULL)
		return false;
	ok = rename(tmp, path) == 0;
	if (!ok) {
		cvc_tool_error_set(err, CVC_ERR_IO,
		                   "cannot move into place: %s",
		                   strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return ok;
}

bool cvc_tool_write_atomic_reported(const char *path, const void *data,
                                    size_t len, mode_t mode)
{
	cvc_tool_error err;

	if (cvc_tool_write_atomic(path, data, len, mode, &err))
		return true;
	cvc_tool_report(path, &err);
	return false;
}
