/* SPDX-License-Identifier: MIT */
/*
 * The state file: everything a badge keeps across power loss.
 *
 * A virtual card keeps its private key in this file (PKCS#8, mode 0600);
 * whoever can read the file holds the badge. A real card never lets its key
 * out of the secure element. The file is for tests and demonstrations only.
 *
 * Format (version 1, integers big-endian):
 *
 *   offset 0   8  magic "VBADGE\r\n"
 *          8   2  format version (1)
 *         10   2  flags (0)
 *         12   4  length N of the records
 *         16   N  records: type (1), length (2), value
 *       16+N  32  SHA-256 of octets 0 .. 16+N
 *
 * Records appear at most once, in ascending type order:
 *   1 life cycle status (03, 05, 0C)   5 private key, PKCS#8 PEM
 *   2 card date, 6 digits YYMMDD       6 chain (badge || DV certificate)
 *   3 PIN salt (16) || SHA-256 (32)    7 trust anchor certificate
 *   4 PIN tries left (0..3)            8 anchor domain parameters (7F49)
 *                                      9 holder data (65)
 * BLANK holds record 1 only; PERSONALIZED all nine; TERMINATED 1, 2, 6, 7
 * and 8 (key, PIN and holder data erased, SPEC [LC-4]).
 *
 * Every change rewrites the whole file: a temporary file in the same
 * directory, fsync, rename over the old one, fsync of the directory. A
 * crash at any moment leaves the old or the new file, never a mix
 * (SPEC [LC-3], [ACT-3]). A file that does not parse is reported and left
 * alone: the badge refuses to start rather than overwrite it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "vbadge_int.h"

#define MAGIC         "VBADGE\r\n"
#define MAGIC_LEN     8u
#define VERSION       1u
#define HEADER_LEN    16u
#define RECORD_HEADER 3u

enum record {
	R_LCS = 1,
	R_DATE,
	R_PIN,
	R_TRIES,
	R_KEY,
	R_CHAIN,
	R_ANCHOR,
	R_DOMAIN,
	R_HOLDER,
	R_COUNT
};

static const char *const record_names[R_COUNT] = {
    NULL,          "life cycle status", "card date",
    "PIN",         "PIN tries",         "private key",
    "chain",       "trust anchor",      "domain parameters",
    "holder data",
};

/* Records each state must hold (bit per record type). */
#define BIT(r)     (1u << (r))
#define NEED_BLANK BIT(R_LCS)
#define NEED_TERMINATED                                                        \
	(BIT(R_LCS) | BIT(R_DATE) | BIT(R_CHAIN) | BIT(R_ANCHOR) |             \
	 BIT(R_DOMAIN))
#define NEED_PERSONALIZED                                                      \
	(NEED_TERMINATED | BIT(R_PIN) | BIT(R_TRIES) | BIT(R_KEY) |            \
	 BIT(R_HOLDER))

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

void vb_wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}

void vb_persist_wipe(vb_persist *p)
{
	vb_wipe(p, sizeof(*p));
}

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static size_t get16(const uint8_t *p)
{
	return (size_t)p[0] << 8 | p[1];
}

static size_t get32(const uint8_t *p)
{
	return (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 |
	       p[3];
}

static bool sha256(const uint8_t *data, size_t len, uint8_t out[VB_HASH_LEN])
{
	unsigned n = 0;

	return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) == 1 &&
	       n == VB_HASH_LEN;
}

static cvc_err corrupt(cvc_diag *diag, size_t offset, const char *field,
                       const char *reason)
{
	if (diag != NULL) {
		memset(diag, 0, sizeof(*diag));
		diag->err = CVC_ERR_BAD_VALUE;
		diag->offset = offset;
		diag->field = field;
		diag->reason = reason;
	}
	return CVC_ERR_BAD_VALUE;
}

static cvc_err io_error(cvc_diag *diag, const char *reason)
{
	if (diag != NULL) {
		memset(diag, 0, sizeof(*diag));
		diag->err = CVC_ERR_IO;
		diag->field = "state file";
		diag->reason = reason;
	}
	return CVC_ERR_IO;
}

/* ------------------------------------------------------------------ */
/* Serialization                                                       */

typedef struct writer {
	uint8_t *buf;
	size_t cap, len;
	bool overflow;
} writer;

static void put_record(writer *w, enum record type, const void *value,
                       size_t len)
{
	if (w->overflow || len > 0xFFFF ||
	    w->cap - w->len < RECORD_HEADER + len) {
		w->overflow = true;
		return;
	}
	w->buf[w->len] = (uint8_t)type;
	put16(w->buf + w->len + 1, len);
	memcpy(w->buf + w->len + RECORD_HEADER, value, len);
	w->len += RECORD_HEADER + len;
}

static void put_date(writer *w, const cvc_date *date)
{
	uint8_t digits[6];

	if (cvc_date_encode(date, digits) != CVC_OK) {
		w->overflow = true; /* cannot happen: dates come from certs */
		return;
	}
	put_record(w, R_DATE, digits, sizeof(digits));
}

static void put_records(writer *w, const vb_persist *p)
{
	uint8_t pin[VB_SALT_LEN + VB_HASH_LEN];

	put_record(w, R_LCS, &p->lcs, 1);
	if (p->has_date)
		put_date(w, &p->date);
	if (p->has_pin) {
		memcpy(pin, p->pin_salt, VB_SALT_LEN);
		memcpy(pin + VB_SALT_LEN, p->pin_hash, VB_HASH_LEN);
		put_record(w, R_PIN, pin, sizeof(pin));
		put_record(w, R_TRIES, &p->pin_tries, 1);
		vb_wipe(pin, sizeof(pin));
	}
	if (p->key_len > 0)
		put_record(w, R_KEY, p->key, p->key_len);
	if (p->chain_len > 0)
		put_record(w, R_CHAIN, p->chain, p->chain_len);
	if (p->anchor_len > 0)
		put_record(w, R_ANCHOR, p->anchor, p->anchor_len);
	if (p->domain_len > 0)
		put_record(w, R_DOMAIN, p->domain, p->domain_len);
	if (p->holder_len > 0)
		put_record(w, R_HOLDER, p->holder, p->holder_len);
}

/* The whole file image of p into buf; 0 when it does not fit. */
static size_t serialize(const vb_persist *p, uint8_t *buf, size_t cap)
{
	writer w = {buf, cap - VB_HASH_LEN, HEADER_LEN, false};

	memcpy(buf, MAGIC, MAGIC_LEN);
	put16(buf + 8, VERSION);
	put16(buf + 10, 0);
	put_records(&w, p);
	if (w.overflow)
		return 0;
	put32(buf + 12, w.len - HEADER_LEN);
	if (!sha256(buf, w.len, buf + w.len))
		return 0;
	return w.len + VB_HASH_LEN;
}

/* ------------------------------------------------------------------ */
/* Atomic replacement                                                  */

static bool write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* fsync of the directory holding path, so the rename itself is durable. */
static void sync_parent_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return;
	/* The rename has happened either way: the new state is what a
	 * restart reads unless the machine crashes in the next moments. */
	(void)fsync(fd);
	close(fd);
}

/* The fault injection point (vbadge_fail_write_after): the medium
 * "breaks" after the temporary file is written, before the rename. */
static bool injected_fault(vbadge *vb)
{
	if (vb->fail_write_after == 0)
		return false;
	return --vb->fail_write_after == 0;
}

static cvc_err replace_file(vbadge *vb, const uint8_t *buf, size_t len)
{
	size_t n = strlen(vb->path) + sizeof(".tmp-XXXXXX");
	char *tmp = malloc(n);
	bool ok;
	int fd;

	if (tmp == NULL)
		return CVC_ERR_NO_MEMORY;
	snprintf(tmp, n, "%s.tmp-XXXXXX", vb->path);
	fd = mkstemp(tmp); /* mode 0600: the file holds a private key */
	if (fd < 0) {
		free(tmp);
		return CVC_ERR_IO;
	}
	ok = fchmod(fd, S_IRUSR | S_IWUSR) == 0 && write_all(fd, buf, len) &&
	     fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	ok = ok && !injected_fault(vb) && rename(tmp, vb->path) == 0;
	if (!ok)
		unlink(tmp);
	free(tmp);
	if (!ok)
		return CVC_ERR_IO;
	sync_parent_dir(vb->path);
	return CVC_OK;
}

vb_persist *vb_begin_update(vbadge *vb)
{
	memcpy(&vb->next, &vb->p, sizeof(vb->next));
	return &vb->next;
}

cvc_err vb_commit(vbadge *vb)
{
	size_t len = serialize(&vb->next, vb->file, sizeof(vb->file));
	cvc_err err = len == 0 ? CVC_ERR_BUFFER_TOO_SMALL
	                       : replace_file(vb, vb->file, len);

	vb_wipe(vb->file, len);
	if (err == CVC_OK)
		memcpy(&vb->p, &vb->next, sizeof(vb->p));
	vb_persist_wipe(&vb->next);
	return err;
}

/* ------------------------------------------------------------------ */
/* Parsing                                                             */

typedef struct parser {
	const uint8_t *file;
	size_t pos, end;
	unsigned seen;
	vb_persist *p;
	cvc_diag *diag;
} parser;

static cvc_err check_frame(const uint8_t *buf, size_t len, size_t *body_len,
                           cvc_diag *diag)
{
	uint8_t md[VB_HASH_LEN];
	size_t n;

	if (len < HEADER_LEN + VB_HASH_LEN)
		return corrupt(diag, len, "state file",
		               "truncated: shorter than header and checksum");
	if (memcmp(buf, MAGIC, MAGIC_LEN) != 0)
		return corrupt(diag, 0, "magic", "not a vbadge state file");
	if (get16(buf + 8) != VERSION)
		return corrupt(diag, 8, "version",
		               "unknown state file format version");
	if (get16(buf + 10) != 0)
		return corrupt(diag, 10, "flags", "unknown flags");
	n = get32(buf + 12);
	if (n > len - HEADER_LEN - VB_HASH_LEN)
		return corrupt(diag, len, "state file",
		               "truncated: records end past the file");
	if (n < len - HEADER_LEN - VB_HASH_LEN)
		return corrupt(diag, HEADER_LEN + n + VB_HASH_LEN, "state file",
		               "data after the checksum");
	if (!sha256(buf, HEADER_LEN + n, md) ||
	    CRYPTO_memcmp(md, buf + HEADER_LEN + n, VB_HASH_LEN) != 0)
		return corrupt(diag, HEADER_LEN + n, "checksum",
		               "SHA-256 does not match the contents");
	*body_len = n;
	return CVC_OK;
}

static bool copy_value(uint8_t *dst, size_t cap, size_t *dst_len,
                       const uint8_t *v, size_t n)
{
	if (n == 0 || n > cap)
		return false;
	memcpy(dst, v, n);
	*dst_len = n;
	return true;
}

static bool store_fixed(parser *ps, enum record type, const uint8_t *v,
                        size_t n)
{
	vb_persist *p = ps->p;

	switch (type) {
	case R_LCS:
		p->lcs = v[0];
		return n == 1 && (p->lcs == CVC_BADGE_BLANK ||
		                  p->lcs == CVC_BADGE_PERSONALIZED ||
		                  p->lcs == CVC_BADGE_TERMINATED);
	case R_DATE:
		p->has_date = true;
		return n == 6 && cvc_date_decode(v, &p->date) == CVC_OK;
	case R_PIN:
		if (n != VB_SALT_LEN + VB_HASH_LEN)
			return false;
		p->has_pin = true;
		memcpy(p->pin_salt, v, VB_SALT_LEN);
		memcpy(p->pin_hash, v + VB_SALT_LEN, VB_HASH_LEN);
		return true;
	case R_TRIES:
		p->pin_tries = v[0];
		return n == 1 && p->pin_tries <= VB_PIN_TRIES;
	default:
		return false;
	}
}

static bool store_record(parser *ps, enum record type, const uint8_t *v,
                         size_t n)
{
	vb_persist *p = ps->p;

	switch (type) {
	case R_KEY:
		return copy_value(p->key, sizeof(p->key), &p->key_len, v, n);
	case R_CHAIN:
		return copy_value(p->chain, sizeof(p->chain), &p->chain_len, v,
		                  n);
	case R_ANCHOR:
		return copy_value(p->anchor, sizeof(p->anchor), &p->anchor_len,
		                  v, n);
	case R_DOMAIN:
		return copy_value(p->domain, sizeof(p->domain), &p->domain_len,
		                  v, n);
	case R_HOLDER:
		return copy_value(p->holder, sizeof(p->holder), &p->holder_len,
		                  v, n);
	default:
		return n >= 1 && store_fixed(ps, type, v, n);
	}
}

static cvc_err parse_record(parser *ps)
{
	size_t at = ps->pos, n;
	unsigned type;

	if (ps->end - ps->pos < RECORD_HEADER)
		return corrupt(ps->diag, at, "record", "truncated header");
	type = ps->file[at];
	n = get16(ps->file + at + 1);
	if (type == 0 || type >= R_COUNT)
		return corrupt(ps->diag, at, "record", "unknown record type");
	if (ps->seen >> type != 0)
		return corrupt(ps->diag, at, record_names[type],
		               "record repeated or out of order");
	if (n > ps->end - at - RECORD_HEADER)
		return corrupt(ps->diag, at + 1, record_names[type],
		               "length runs past the records");
	if (!store_record(ps, (enum record)type, ps->file + at + RECORD_HEADER,
	                  n))
		return corrupt(ps->diag, at + RECORD_HEADER, record_names[type],
		               "bad value");
	ps->seen |= BIT(type);
	ps->pos = at + RECORD_HEADER + n;
	return CVC_OK;
}

static unsigned records_needed(uint8_t lcs)
{
	switch (lcs) {
	case CVC_BADGE_PERSONALIZED:
		return NEED_PERSONALIZED;
	case CVC_BADGE_TERMINATED:
		return NEED_TERMINATED;
	default:
		return NEED_BLANK;
	}
}

/* The records fit together: the objects decode and the key loads. */
static cvc_err check_objects(const vb_persist *p, size_t end, cvc_diag *diag)
{
	vb_chain chain;
	cvc_cert anchor;
	cvc_pubkey domain;
	cvc_signer *key = NULL;

	if (p->lcs == CVC_BADGE_BLANK)
		return CVC_OK;
	if (!vb_chain_decode(p->chain, p->chain_len, &chain))
		return corrupt(diag, end, "chain", "not two certificates");
	if (cvc_cert_decode(p->anchor, p->anchor_len, 0, &anchor, NULL) !=
	    CVC_OK)
		return corrupt(diag, end, "trust anchor", "not a certificate");
	if (!vb_domain(p, &domain))
		return corrupt(diag, end, "domain parameters",
		               "not a public key");
	if (p->lcs == CVC_BADGE_TERMINATED)
		return CVC_OK;
	if (!vb_holder_valid(p->holder, p->holder_len))
		return corrupt(diag, end, "holder data", "malformed");
	if (vb_load_badge_key(p, &key) != CVC_OK)
		return corrupt(diag, end, "private key",
		               "cannot be loaded for the badge certificate");
	cvc_signer_free(&key);
	return CVC_OK;
}

static cvc_err parse_image(const uint8_t *buf, size_t len, vb_persist *p,
                           cvc_diag *diag)
{
	parser ps = {buf, HEADER_LEN, 0, 0, p, diag};
	size_t body_len = 0;
	unsigned need;
	cvc_err err;

	if ((err = check_frame(buf, len, &body_len, diag)) != CVC_OK)
		return err;
	ps.end = HEADER_LEN + body_len;
	while (ps.pos < ps.end)
		if ((err = parse_record(&ps)) != CVC_OK)
			return err;
	if (!(ps.seen & BIT(R_LCS)))
		return corrupt(diag, HEADER_LEN, "life cycle status",
		               "missing");
	need = records_needed(p->lcs);
	if (ps.seen != need)
		return corrupt(diag, ps.end, "state file",
		               (ps.seen & need) != need
		                   ? "a record the life cycle state needs "
		                     "is missing"
		                   : "a record the life cycle state forbids "
		                     "is present");
	return check_objects(p, ps.end, diag);
}

/* ------------------------------------------------------------------ */
/* Open and free                                                       */

/* Reads the file into vb->file; *missing when it does not exist. */
static cvc_err read_state(vbadge *vb, size_t *len, bool *missing,
                          cvc_diag *diag)
{
	int fd = open(vb->path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	*missing = false;
	if (fd < 0) {
		*missing = errno == ENOENT;
		return *missing ? CVC_OK
		                : io_error(diag, "cannot open the state file");
	}
	for (;;) {
		ssize_t r = read(fd, vb->file + got, sizeof(vb->file) - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return io_error(diag, "cannot read the state file");
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got == sizeof(vb->file)) {
			close(fd);
			return corrupt(diag, got, "state file",
			               "larger than any state file");
		}
	}
	close(fd);
	*len = got;
	return CVC_OK;
}

static cvc_err load_or_create(vbadge *vb, cvc_diag *diag)
{
	size_t len = 0;
	bool missing;
	cvc_err err = read_state(vb, &len, &missing, diag);

	if (err != CVC_OK)
		return err;
	if (missing) { /* a new card is BLANK [LC-1] */
		vb_begin_update(vb)->lcs = CVC_BADGE_BLANK;
		if (vb_commit(vb) != CVC_OK)
			return io_error(diag, "cannot create the state file");
		return CVC_OK;
	}
	err = parse_image(vb->file, len, &vb->p, diag);
	vb_wipe(vb->file, len);
	if (err == CVC_OK && vb->p.lcs == CVC_BADGE_PERSONALIZED &&
	    vb_load_badge_key(&vb->p, &vb->signer) != CVC_OK)
		err = corrupt(diag, len, "private key", "cannot be loaded");
	return err;
}

cvc_err vbadge_open(const char *state_path, vbadge **out, cvc_diag *diag)
{
	vbadge *vb;
	cvc_err err;

	if (out == NULL)
		return CVC_ERR_INVALID_ARG;
	*out = NULL;
	if (state_path == NULL || *state_path == '\0')
		return CVC_ERR_INVALID_ARG;
	vb = calloc(1, sizeof(*vb));
	if (vb == NULL)
		return CVC_ERR_NO_MEMORY;
	vb->path = strdup(state_path);
	if (vb->path == NULL) {
		free(vb);
		return CVC_ERR_NO_MEMORY;
	}
	err = load_or_create(vb, diag);
	if (err != CVC_OK) {
		vbadge_free(&vb);
		return err;
	}
	*out = vb;
	return CVC_OK;
}

void vbadge_free(vbadge **vbp)
{
	vbadge *vb;

	if (vbp == NULL || *vbp == NULL)
		return;
	vb = *vbp;
	vb_session_clear(vb);
	cvc_signer_free(&vb->signer);
	free(vb->path);
	vb_wipe(vb, sizeof(*vb)); /* keys, PIN hash, session */
	free(vb);
	*vbp = NULL;
}

void vbadge_fail_write_after(vbadge *vb, unsigned n)
{
	if (vb != NULL)
		vb->fail_write_after = n;
}
