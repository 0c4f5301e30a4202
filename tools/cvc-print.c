/* SPDX-License-Identifier: MIT */
/*
 * cvc-print: show card verifiable certificates, requests and bare public
 * keys as text or JSON. Each input file may hold one object or several
 * concatenated ones (a chain); all decoding and printing is done by libcvc.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define SYNOPSIS    "[-j] [-l] [-v] [FILE...]"
#define JSON_SCHEMA "libcvc-print/1"

struct options {
	bool json;
	bool lenient;
	bool verbose;
};

/* One decoded object: a CVC (any kind) or a bare 7F49 public key. */
struct object {
	bool is_key;
	bool nonminimal; /* accepted only because of --lenient */
	cvc_cert cert;
	cvc_pubkey key;
};

/* A failure remembered for the "errors" array of the JSON document. */
struct failure {
	const char *path;
	size_t index;
	cvc_tool_error err;
};

struct run {
	struct options opt;
	size_t printed; /* objects written so far (separators) */
	bool failed;    /* exit 2 at the end */
	struct failure *failures;
	size_t n_failures;
	size_t cap_failures;
};

/* What walking a file found: how many objects decode, and the failure. */
struct walk {
	size_t n_ok;
	bool failed;
	size_t fail_index; /* 1-based index of the object that failed */
	cvc_tool_error err;
};

static void print_help(void)
{
	printf("usage: %s " SYNOPSIS "\n"
	       "\n"
	       "Print card verifiable certificates (CVCs), certificate "
	       "requests and bare\n"
	       "public keys (7F49). Each FILE holds one object or several "
	       "concatenated\n"
	       "ones, as binary DER, hex or base64 (detected). Without FILE, "
	       "or for '-',\n"
	       "standard input is read.\n"
	       "\n"
	       "Options:\n"
	       "  -j, --json      one JSON document for the whole run "
	       "(schema " JSON_SCHEMA ")\n"
	       "  -l, --lenient   accept non-minimal length encodings (not "
	       "DER); warns\n"
	       "  -v, --verbose   all public key components, full hex\n"
	       "  -h, --help      show this help and exit\n"
	       "  -V, --version   show the version and exit\n"
	       "\n"
	       "Exit status: 0 all objects printed, 2 usage or input error.\n"
	       "See cvc-print(1).\n",
	       cvc_tool_name());
}

/* Returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
	    {"lenient", no_argument, NULL, 'l'},
	    CVC_TOOL_SHARED_LONGOPTS,
	};
	const cvc_tool_shared_options shared = {SYNOPSIS, print_help,
	                                        &opt->json, &opt->verbose};
	int c, rc;

	opterr = 0; /* our own messages, with the program name */
	while ((c = getopt_long(argc, argv, ":jlvhV", longopts, NULL)) != -1) {
		if (c == 'l') {
			opt->lenient = true;
			continue;
		}
		rc = cvc_tool_shared_option(&shared, c, argv[optind - 1]);
		if (rc >= 0)
			return rc;
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Decoding */

static bool pubkey_nonminimal(const cvc_pubkey *key)
{
	size_t i;

	if (key->len_octets != 0 || key->oid_len_octets != 0)
		return true;
	for (i = 0; i < CVC_KEY_COMPONENTS; i++)
		if (key->comp_len_octets[i] != 0)
			return true;
	return false;
}

/*
 * Decodes the object at the start of data. A bare public key (gematik trust
 * anchor) has its own decoder; everything else is a CVC of some kind.
 */
static cvc_err decode_object(const uint8_t *data, size_t len, bool lenient,
                             struct object *obj, size_t *used, cvc_diag *diag)
{
	unsigned flags = lenient ? CVC_DECODE_LENIENT : 0;
	cvc_tlv_reader r;
	cvc_tlv t;
	uint32_t tag;
	cvc_err rc;

	memset(obj, 0, sizeof(*obj));
	cvc_tlv_reader_init(&r, data, len,
	                    lenient ? CVC_TLV_LENIENT : CVC_TLV_STRICT);
	if (!cvc_tlv_peek_tag(&r, &tag) || tag != CVC_TAG_PUBKEY) {
		rc = cvc_cert_decode_prefix(data, len, flags, &obj->cert, used,
		                            diag);
		obj->nonminimal = rc == CVC_OK && obj->cert.nonminimal;
		return rc;
	}
	rc = cvc_tlv_next(&r, &t, diag);
	if (rc != CVC_OK)
		return rc;
	rc = cvc_pubkey_decode(t.whole.data, t.whole.len, flags, &obj->key,
	                       diag);
	obj->is_key = true;
	obj->nonminimal = t.nonminimal || pubkey_nonminimal(&obj->key);
	*used = t.whole.len;
	return rc;
}

static const char LENIENT_HINT[] = "; use --lenient to accept it";

/*
 * Decodes the object at data[pos..len); on failure fills err with the
 * position in the whole file.
 */
static bool decode_at(const cvc_tool_input *in, size_t pos, bool lenient,
                      struct object *obj, size_t *used, cvc_tool_error *err)
{
	cvc_diag diag;
	cvc_err rc;

	memset(&diag, 0, sizeof(diag));
	*used = 0;
	rc = decode_object(in->data + pos, in->len - pos, lenient, obj, used,
	                   &diag);
	if (rc != CVC_OK) {
		diag.err = rc;
		cvc_tool_error_from_diag(err, &diag, pos);
		if (rc == CVC_ERR_NONMINIMAL_LENGTH)
			cvc_tool_error_append(err, "%s", LENIENT_HINT);
		return false;
	}
	if (*used == 0 || *used > in->len - pos) {
		/* A decoder must consume what it accepted; never loop. */
		cvc_tool_error_set(err, CVC_ERR_INVALID_ARG,
		                   "byte %zu: decoder reported %zu octets used",
		                   pos, *used);
		err->has_offset = true;
		err->offset = pos;
		return false;
	}
	return true;
}

/* First pass: how many objects decode, and where the first failure is. */
static void walk_file(const cvc_tool_input *in, bool lenient, struct walk *w)
{
	struct object obj;
	size_t pos = 0, used;

	memset(w, 0, sizeof(*w));
	while (pos < in->len) {
		if (!decode_at(in, pos, lenient, &obj, &used, &w->err)) {
			w->failed = true;
			w->fail_index = w->n_ok + 1;
			return;
		}
		w->n_ok++;
		pos += used;
	}
}

/* ------------------------------------------------------------------ */
/* Output */

static unsigned print_flags(const struct options *opt)
{
	return opt->verbose ? CVC_PRINT_VERBOSE : 0;
}

static void print_header(struct run *run, const char *path, size_t index,
                         const struct walk *w, const struct object *obj)
{
	const char *kind = obj->is_key ? ", public key" : "";

	if (run->printed > 0)
		putchar('\n');
	printf("== %s", cvc_tool_display_name(path));
	if (w->failed) /* the total is unknown past the failure */
		printf(" (object %zu%s)", index, kind);
	else if (w->n_ok > 1)
		printf(" (object %zu of %zu%s)", index, w->n_ok, kind);
	else if (obj->is_key)
		fputs(" (public key)", stdout);
	fputs(" ==\n", stdout);
}

static cvc_err print_object_text(const struct run *run,
                                 const struct object *obj)
{
	unsigned flags = print_flags(&run->opt);

	if (obj->is_key)
		return cvc_pubkey_print_text(stdout, &obj->key, 0, flags, 2);
	return cvc_cert_print_text(stdout, &obj->cert, flags, 2);
}

/*
 * Renders one object as JSON into memory first, so that a printer failing
 * half-way can never leave a broken document on stdout.
 */
static cvc_err render_object_json(const struct run *run,
                                  const struct object *obj, char **text,
                                  size_t *len)
{
	unsigned flags = print_flags(&run->opt);
	FILE *mem = open_memstream(text, len);
	cvc_err rc;

	if (mem == NULL)
		return CVC_ERR_NO_MEMORY;
	if (obj->is_key)
		rc = cvc_pubkey_print_json(mem, &obj->key, 0, flags);
	else
		rc = cvc_cert_print_json(mem, &obj->cert, flags);
	if (fclose(mem) != 0 && rc == CVC_OK)
		rc = CVC_ERR_NO_MEMORY;
	if (rc != CVC_OK) {
		free(*text);
		*text = NULL;
	}
	return rc;
}

static cvc_err print_object_json(struct run *run, const cvc_tool_input *in,
                                 size_t index, const struct object *obj)
{
	char *text = NULL;
	size_t len = 0;
	cvc_err rc = render_object_json(run, obj, &text, &len);

	if (rc != CVC_OK)
		return rc;
	fputs(run->printed > 0 ? ",\n{" : "\n{", stdout);
	cvc_tool_json_member_str(stdout, "file", in->path);
	printf(",\"index\":%zu,", index);
	cvc_tool_json_member_str(stdout, "format",
	                         cvc_tool_format_token(in->format));
	putchar(',');
	cvc_tool_json_member_str(stdout, "type",
	                         obj->is_key ? "public-key" : "cvc");
	printf(",\"nonminimal\":%s,\"object\":",
	       obj->nonminimal ? "true" : "false");
	fwrite(text, 1, len, stdout);
	putchar('}');
	free(text);
	return CVC_OK;
}

/* Remembers a failure for JSON and reports it on stderr. */
static void fail(struct run *run, const cvc_tool_input *in, const char *path,
                 size_t index, const cvc_tool_error *err)
{
	run->failed = true;
	cvc_tool_report_object(path, in, index, err);

	if (!run->opt.json)
		return;
	if (run->n_failures == run->cap_failures) {
		size_t ncap = run->cap_failures ? run->cap_failures * 2 : 8;
		struct failure *n = realloc(run->failures, ncap * sizeof(*n));

		if (n == NULL) {
			cvc_tool_fail("out of memory; error list incomplete");
			return;
		}
		run->failures = n;
		run->cap_failures = ncap;
	}
	run->failures[run->n_failures].path = path;
	run->failures[run->n_failures].index = index;
	run->failures[run->n_failures].err = *err;
	run->n_failures++;
}

static void print_failed(struct run *run, const cvc_tool_input *in,
                         size_t index, cvc_err rc)
{
	cvc_tool_error err;

	cvc_tool_error_set(&err, rc, "cannot print object: %s",
	                   cvc_strerror(rc));
	fail(run, in, in->path, index, &err);
}

static void warn_nonminimal(const cvc_tool_input *in, size_t index)
{
	cvc_tool_warn(in->path,
	              "object %zu: non-minimal length encoding accepted "
	              "(--lenient); the object is not DER",
	              index);
}

/* Second pass: decode again and print every object that decodes. */
static void print_objects(struct run *run, const cvc_tool_input *in,
                          const struct walk *w)
{
	struct object obj;
	cvc_tool_error err;
	size_t pos = 0, used, i;
	cvc_err rc;

	for (i = 1; i <= w->n_ok; i++) {
		if (!decode_at(in, pos, run->opt.lenient, &obj, &used, &err)) {
			fail(run, in, in->path, i, &err); /* cannot happen */
			return;
		}
		pos += used;
		if (obj.nonminimal)
			warn_nonminimal(in, i);
		if (run->opt.json) {
			rc = print_object_json(run, in, i, &obj);
		} else {
			print_header(run, in->path, i, w, &obj);
			rc = print_object_text(run, &obj);
		}
		if (rc != CVC_OK) {
			print_failed(run, in, i, rc);
			continue;
		}
		run->printed++;
	}
}

static void process_file(struct run *run, const char *path)
{
	cvc_tool_input in;
	cvc_tool_error err;
	struct walk w;

	if (cvc_tool_load(path, CVC_TOOL_MAX_INPUT, &in, &err) != CVC_OK) {
		fail(run, NULL, path, 0, &err);
		return;
	}
	walk_file(&in, run->opt.lenient, &w);
	print_objects(run, &in, &w);
	if (w.failed)
		fail(run, &in, path, w.fail_index, &w.err);
	cvc_tool_input_free(&in);
}

static void print_json_errors(const struct run *run)
{
	size_t i;

	fputs("],\"errors\":[", stdout);
	for (i = 0; i < run->n_failures; i++) {
		const struct failure *f = &run->failures[i];

		fputs(i > 0 ? ",\n" : "\n", stdout);
		cvc_tool_json_error(stdout, f->path, f->index, &f->err);
	}
	fputs("]}\n", stdout);
}

int main(int argc, char **argv)
{
	static char *stdin_only[] = {"-", NULL};
	struct run run;
	char **files;
	int rc, i, n;

	cvc_tool_set_name("cvc-print");
	memset(&run, 0, sizeof(run));
	rc = parse_options(argc, argv, &run.opt);
	if (rc >= 0)
		return rc;
	files = optind < argc ? argv + optind : stdin_only;
	n = optind < argc ? argc - optind : 1;

	if (run.opt.json)
		fputs("{\"schema\":\"" JSON_SCHEMA "\",\"objects\":[", stdout);
	for (i = 0; i < n; i++)
		process_file(&run, files[i]);
	if (run.opt.json)
		print_json_errors(&run);
	free(run.failures);

	if (!cvc_tool_flush_stdout())
		return CVC_TOOL_EXIT_INPUT;
	return run.failed ? CVC_TOOL_EXIT_INPUT : CVC_TOOL_EXIT_OK;
}
