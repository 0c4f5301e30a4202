/* SPDX-License-Identifier: MIT */
/*
 * Pieces every libcvc command-line tool shares: exit codes, reading an input
 * file (or stdin) with a size cap, turning DER/hex/base64 into binary through
 * cvc_input_decode(), and reporting errors that name the file and, where the
 * library knows it, the byte offset and field.
 *
 * The tools hold no protocol logic; this file only moves bytes and text.
 */
#ifndef CVC_TOOLS_COMMON_H
#define CVC_TOOLS_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <cvc/cvc.h>

/* Exit codes (design.md "Tools conventions"). */
enum cvc_tool_exit {
	CVC_TOOL_EXIT_OK = 0,     /* success, or valid */
	CVC_TOOL_EXIT_NO = 1,     /* verification said no */
	CVC_TOOL_EXIT_INPUT = 2,  /* usage or input error */
	CVC_TOOL_EXIT_READER = 3, /* reader or card error */
};

/* Largest input file accepted. Real CVCs and chains are a few kB. */
#define CVC_TOOL_MAX_INPUT (1024u * 1024u)

/* Name shown for "-" in messages. */
#define CVC_TOOL_STDIN_NAME "<stdin>"

/*
 * One failure, kept structured so that it can go to stderr as a line and
 * into a tool's JSON output as an object.
 */
typedef struct cvc_tool_error {
	cvc_err err;
	bool has_offset;   /* offset is meaningful */
	size_t offset;     /* absolute, in the decoded (binary) input */
	const char *field; /* static string from the library, or NULL */
	char message[384]; /* one line, without program and file prefix */
} cvc_tool_error;

/* An input file read into memory and turned into binary. */
typedef struct cvc_tool_input {
	const char *path; /* as given on the command line ("-" for stdin) */
	uint8_t *data;    /* binary (decoded) content, malloc'd */
	size_t len;
	cvc_input_format format; /* how it was given */
} cvc_tool_input;

/* Sets the program name used as the prefix of every message. */
void cvc_tool_set_name(const char *name);
const char *cvc_tool_name(void);

/* "<stdin>" for "-", else path itself. */
const char *cvc_tool_display_name(const char *path);

/*
 * Reads all of `path` ("-" = stdin) into a malloc'd buffer, refusing more
 * than `max` octets. On failure fills err and returns its code.
 */
cvc_err cvc_tool_read_file(const char *path, size_t max, uint8_t **data,
                           size_t *len, cvc_tool_error *err);

/*
 * Reads `path` (as cvc_tool_read_file) and converts DER, hex or base64 to
 * binary. An empty input is an error. Free with cvc_tool_input_free().
 */
cvc_err cvc_tool_load(const char *path, size_t max, cvc_tool_input *in,
                      cvc_tool_error *err);
void cvc_tool_input_free(cvc_tool_input *in);

/* Lower-case token for JSON: "der", "hex", "base64". */
const char *cvc_tool_format_token(cvc_input_format fmt);

/* Fills err from a library diagnostic; `base` is added to its offset. */
void cvc_tool_error_from_diag(cvc_tool_error *err, const cvc_diag *diag,
                              size_t base);

/* Fills err with a free-form message (no offset). */
void cvc_tool_error_set(cvc_tool_error *err, cvc_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Appends text to err->message (truncating safely). */
void cvc_tool_error_append(cvc_tool_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "prog: file: message" on stderr. file may be NULL. */
void cvc_tool_report(const char *path, const cvc_tool_error *err);

/*
 * As cvc_tool_report, for an object inside a loaded input: names the input
 * format when it was not DER (offsets count decoded octets, not hex or
 * base64 characters) and the object number when it is not the first:
 * "prog: file (hex): object 2: message". in may be NULL.
 */
void cvc_tool_report_object(const char *path, const cvc_tool_input *in,
                            size_t index, const cvc_tool_error *err);

/* "prog: file: warning: ..." on stderr. file may be NULL. */
void cvc_tool_warn(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "prog: ..." on stderr. */
void cvc_tool_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Reports a usage error: "prog: message", the synopsis and a pointer to
 * --help on stderr. Returns CVC_TOOL_EXIT_INPUT for `return`.
 */
int cvc_tool_usage_error(const char *synopsis, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Reports an option getopt_long() refused; call with opterr = 0 and an
 * optstring that starts with ':'. ret is what getopt_long() returned ('?' or
 * ':'), opt is optopt, arg is argv[optind - 1].
 */
int cvc_tool_bad_option(const char *synopsis, int ret, int opt,
                        const char *arg);

/* "prog (libcvc) X.Y.Z" on stdout. */
void cvc_tool_print_version(void);

/*
 * The options most tools share: -j/--json and -v/--verbose set a flag,
 * -h/--help and -V/--version print and end the run.
 */
typedef struct cvc_tool_shared_options {
	const char *synopsis;
	void (*print_help)(void);
	bool *json;
	bool *verbose;
} cvc_tool_shared_options;

/* Their long forms; ends a tool's struct option table. */
/* clang-format off */
#define CVC_TOOL_SHARED_LONGOPTS                                               \
	{"json", no_argument, NULL, 'j'},                                      \
	{"verbose", no_argument, NULL, 'v'},                                   \
	{"help", no_argument, NULL, 'h'},                                      \
	{"version", no_argument, NULL, 'V'},                                   \
	{NULL, 0, NULL, 0}
/* clang-format on */

/*
 * Takes an option getopt_long() returned that is not the tool's own: a
 * shared one, or one it refused (see cvc_tool_bad_option()). arg is
 * argv[optind - 1]. Returns -1 to go on, else the exit status.
 */
int cvc_tool_shared_option(const cvc_tool_shared_options *shared, int c,
                           const char *arg);

/*
 * Writes s as a JSON string (quotes included). Control characters are
 * escaped and octets that are not valid UTF-8 become U+FFFD, so the output
 * is always valid JSON whatever a file name holds.
 */
void cvc_tool_json_string(FILE *out, const char *s);

/* Writes `"key":"value"` / `"key":null` members. */
void cvc_tool_json_member_str(FILE *out, const char *key, const char *value);

/* The `"name","staff_id","department"` members of a badge holder. */
void cvc_tool_json_holder_members(FILE *out, const char *name,
                                  const char *staff_id, const char *department);

/* One error object: {"file","index","offset","field","code","error","message"}.
 * index 0 means the file as a whole (it could not be read or converted). */
void cvc_tool_json_error(FILE *out, const char *path, size_t index,
                         const cvc_tool_error *err);

/*
 * Flushes stdout and reports a write error (full disk, closed pipe) so that
 * a tool never exits 0 after losing output. Returns false on error.
 */
bool cvc_tool_flush_stdout(void);

/* Exit code after output that is complete: OK, or INPUT when it was lost. */
int cvc_tool_exit_flushed(void);

/* 0644 under the umask: for files anyone may read (certificates). */
mode_t cvc_tool_public_file_mode(void);

/*
 * Writes data to a new temporary file beside path ("path.tmpXXXXXX") with
 * the given mode and syncs it. Returns its malloc'd name, or NULL with err
 * filled and nothing left behind.
 */
char *cvc_tool_write_temp(const char *path, const void *data, size_t len,
                          mode_t mode, cvc_tool_error *err);

/*
 * Writes data to path through cvc_tool_write_temp() and a rename, so that
 * path is either complete or untouched. false with err filled on failure.
 */
bool cvc_tool_write_atomic(const char *path, const void *data, size_t len,
                           mode_t mode, cvc_tool_error *err);

/* As cvc_tool_write_atomic(), reporting a failure ("prog: path: ..."). */
bool cvc_tool_write_atomic_reported(const char *path, const void *data,
                                    size_t len, mode_t mode);

#endif
