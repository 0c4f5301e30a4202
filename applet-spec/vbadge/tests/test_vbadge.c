/* SPDX-License-Identifier: MIT */
/*
 * In-process tests of the virtual badge: what the conformance suite, which
 * talks to a card through a reader, cannot see. Persistence across
 * vbadge_free/vbadge_open, atomic writes under injected faults (SPEC
 * [ACT-3]), corrupt state files (refused, never overwritten), pending
 * personalization discarded by reset and SELECT (SPEC [LC-2]), the private
 * key never in any response, the retry counter counted before the
 * comparison (SPEC [PIN-1]), and robustness against truncated, mutated and
 * random commands.
 */
#define _GNU_SOURCE /* mkdtemp, memmem */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "vbadge_int.h"
#include "vbpki.h"

#define STATE_MAX 16384

static char dir[256];
static char path[300];
static vbpki pki;
static uint8_t resp[8192];
static size_t resp_len;

/* ------------------------------------------------------------------ */
/* Fixtures and helpers                                                */

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/vbadge-test.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/badge.state", dir);
	ck_assert_int_eq(vbpki_build(&pki, NULL), CVC_OK);
}

static void teardown(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char f[600];

	vbpki_free(&pki);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(f, sizeof(f), "%s/%s", dir, e->d_name);
		unlink(f);
	}
	closedir(d);
	rmdir(dir);
}

static size_t read_file(const char *p, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(p, "rb");
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", p);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void write_file(const char *p, const uint8_t *buf, size_t n)
{
	FILE *f = fopen(p, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

/* Number of entries in the test directory (no temporary files left). */
static int dir_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static vbadge *open_badge(void)
{
	vbadge *vb = NULL;
	cvc_diag diag;
	char text[200];
	cvc_err err = vbadge_open(path, &vb, &diag);

	if (err != CVC_OK)
		cvc_diag_format(&diag, text, sizeof(text));
	ck_assert_msg(err == CVC_OK, "vbadge_open: %s",
	              err == CVC_OK ? "" : text);
	return vb;
}

/* A power loss: the badge comes back from its state file, not selected. */
static void power_cycle(vbadge **vb)
{
	vbadge_free(vb);
	*vb = open_badge();
}

static vbadge *personalized_badge(void)
{
	vbadge *vb = open_badge();
	uint16_t sw = 0;
	cvc_err err = vbpki_personalize(&pki, vb, "123456", &sw);

	ck_assert_msg(err == CVC_OK, "personalize: %s, SW %04X",
	              cvc_strerror(err), sw);
	return vb;
}

static uint16_t cmd(vbadge *vb, uint8_t ins, uint8_t p1, uint8_t p2,
                    const uint8_t *data, size_t len, size_t le)
{
	return vbpki_cmd(vb, 0x00, ins, p1, p2, data, len, le, resp,
	                 sizeof(resp), &resp_len);
}

static uint16_t verify_pin(vbadge *vb, const char *pin)
{
	uint8_t block[12];

	vbpki_pin_block(pin, block);
	return cmd(vb, 0x20, 0x00, 0x81, block, 12, 0);
}

/* FCI 82 through GET DATA 0104 */
static unsigned pin_tries(vbadge *vb)
{
	ck_assert_uint_eq(cmd(vb, 0xCA, 0x01, 0x04, NULL, 0, 256), 0x9000);
	for (size_t i = 2; i + 2 < resp_len; i += 2 + resp[i + 1])
		if (resp[i] == 0x82)
			return resp[i + 2];
	ck_abort_msg("no 82 in the status template");
	return 0;
}

static uint16_t challenge_auth(vbadge *vb, uint8_t p1, uint8_t p2,
                               const uint8_t *chal, size_t n)
{
	return cmd(vb, 0x88, p1, p2, chal, n, 65536);
}

/* Checks an INTERNAL AUTHENTICATE answer against the badge certificate. */
static void check_proof(const uint8_t *r, size_t n, const vbpki_cert *badge,
                        const uint8_t *chal, size_t chal_len)
{
	cvc_tlv_reader rd, in;
	cvc_tlv t, nonce, flags, sig;
	cvc_cert bc, ca;
	cvc_key *key = NULL;
	uint8_t msg[200];
	size_t mlen = 0;

	cvc_tlv_reader_init(&rd, r, n, CVC_TLV_STRICT);
	ck_assert_int_eq(cvc_tlv_get(&rd, 0x7C, "proof", &t, NULL), CVC_OK);
	cvc_tlv_reader_child(&rd, &t, &in);
	ck_assert_int_eq(cvc_tlv_get(&in, 0x80, "nonce", &nonce, NULL), CVC_OK);
	ck_assert_int_eq(cvc_tlv_get(&in, 0x81, "flags", &flags, NULL), CVC_OK);
	ck_assert_int_eq(cvc_tlv_get(&in, 0x5F37, "sig", &sig, NULL), CVC_OK);
	ck_assert_int_eq(cvc_cert_decode(badge->der, badge->len, 0, &bc, NULL),
	                 CVC_OK);
	ck_assert_int_eq(
	    cvc_cert_decode(pki.cvca.der, pki.cvca.len, 0, &ca, NULL), CVC_OK);
	ck_assert_int_eq(cvc_key_from_pubkey(&bc.key, &ca.key, 0, &key, NULL),
	                 CVC_OK);
	ck_assert_int_eq(cvc_badge_auth_message(flags.value.data[0], bc.chr,
	                                        nonce.value,
	                                        (cvc_span){chal, chal_len}, msg,
	                                        sizeof(msg), &mlen),
	                 CVC_OK);
	ck_assert_int_eq(
	    cvc_key_verify(key, NULL, msg, mlen, sig.value.data, sig.value.len),
	    CVC_OK);
	cvc_key_free(&key);
}

static const uint8_t chal32[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                   12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                   23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

/* ------------------------------------------------------------------ */
/* Persistence                                                         */

START_TEST(t_new_badge_is_blank)
{
	vbadge *vb = open_badge();
	uint8_t buf[STATE_MAX];
	struct stat st;

	ck_assert_int_eq(vbadge_state(vb), CVC_BADGE_BLANK);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_uint_ge(read_file(path, buf, sizeof(buf)), 16 + 4 + 32);
	ck_assert_mem_eq(buf, "VBADGE\r\n", 8);
	vbadge_free(&vb);
	ck_assert_ptr_null(vb);
	vb = open_badge();
	ck_assert_int_eq(vbadge_state(vb), CVC_BADGE_BLANK);
	vbadge_free(&vb);
	vbadge_free(&vb); /* NULL is fine */
}
END_TEST

START_TEST(t_personalization_persists)
{
	vbadge *vb = personalized_badge();
	uint8_t chain[2048];
	struct stat st;

	ck_assert_int_eq(vbadge_state(vb), CVC_BADGE_PERSONALIZED);
	vbadge_free(&vb);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600); /* holds a private key */
	vb = open_badge();
	ck_assert_int_eq(vbadge_state(vb), CVC_BADGE_PERSONALIZED);
	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	/* the chain as written, the key still signs */
	ck_assert_uint_eq(cmd(vb, 0xCA, 0x01, 0x01, NULL, 0, 65536), 0x9000);
	memcpy(chain, pki.badge.der, pki.badge.len);
	memcpy(chain + pki.badge.len, pki.dv.der, pki.dv.len);
	ck_assert_uint_eq(resp_len, pki.badge.len + pki.dv.len);
	ck_assert_mem_eq(resp, chain, resp_len);
	ck_assert_uint_eq(challenge_auth(vb, 0, 0, chal32, 32), 0x9000);
	check_proof(resp, resp_len, &pki.badge, chal32, 32);
	vbadge_free(&vb);
}
END_TEST

START_TEST(t_pin_counter_persists)
{
	vbadge *vb = personalized_badge();

	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	ck_assert_uint_eq(verify_pin(vb, "654321"), 0x63C2);
	power_cycle(&vb);
	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	ck_assert_uint_eq(pin_tries(vb), 2);
	ck_assert_uint_eq(cmd(vb, 0x20, 0x00, 0x81, NULL, 0, 0), 0x63C2);
	ck_assert_uint_eq(verify_pin(vb, "123456"), 0x9000);
	power_cycle(&vb);
	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	ck_assert_uint_eq(pin_tries(vb), 3);
	/* the session does not survive a power loss */
	ck_assert_uint_eq(cmd(vb, 0x20, 0x00, 0x81, NULL, 0, 0), 0x63C3);
	vbadge_free(&vb);
}
END_TEST

/* [PIN-1]: the attempt is counted on disk before the comparison. */
START_TEST(t_pin_counted_before_compare)
{
	vbadge *vb = personalized_badge();
	uint8_t before[STATE_MAX], after[STATE_MAX];
	size_t n;

	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	n = read_file(path, before, sizeof(before));
	/* the decrement cannot be written: no comparison, nothing changes */
	vbadge_fail_write_after(vb, 1);
	ck_assert_uint_eq(verify_pin(vb, "123456"), 0x6581);
	ck_assert_uint_eq(read_file(path, after, sizeof(after)), n);
	ck_assert_mem_eq(before, after, n);
	ck_assert_uint_eq(cmd(vb, 0x20, 0x00, 0x81, NULL, 0, 0), 0x63C3);
	ck_assert_int_eq(dir_entries(), 1);
	/* the decrement is written, resetting the counter is not: the
	 * attempt stays counted and the PIN is not verified */
	vbadge_fail_write_after(vb, 2);
	ck_assert_uint_eq(verify_pin(vb, "123456"), 0x6581);
	ck_assert_uint_eq(cmd(vb, 0x20, 0x00, 0x81, NULL, 0, 0), 0x63C2);
	power_cycle(&vb);
	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	ck_assert_uint_eq(pin_tries(vb), 2);
	ck_assert_int_eq(dir_entries(), 1);
	vbadge_free(&vb);
}
END_TEST

/* Everything of a personalization pending, but not ACTIVATE. */
static void pend_all(vbadge *vb)
{
	uint8_t gen[32] = {0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02,
	                   0x02, 0x02, 0x02, 0x03, 0x80, 0x01, 0x0D};
	uint8_t buf[3000], block[12];
	size_t n;

	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	ck_assert_uint_eq(
	    cmd(vb, 0xDA, 0x01, 0x03, pki.cvca.der, pki.cvca.len, 0), 0x9000);
	ck_assert_uint_eq(cmd(vb, 0x46, 0, 0, gen, 15, 256), 0x9000);
	ck_assert_int_eq(vbpki_issue(&pki, &pki.dv, "DEVBBADGE0001", resp,
	                             resp_len, vbpki_chat_badge, "2025-06-01",
	                             "2026-06-01", &pki.badge),
	                 CVC_OK);
	memcpy(buf, pki.badge.der, pki.badge.len);
	memcpy(buf + pki.badge.len, pki.dv.der, pki.dv.len);
	ck_assert_uint_eq(
	    cmd(vb, 0xDA, 0x01, 0x01, buf, pki.badge.len + pki.dv.len, 0),
	    0x9000);
	n = vbpki_holder("Jane Roe", "J-1", NULL, buf, sizeof(buf));
	ck_assert_uint_eq(cmd(vb, 0xDA, 0x01, 0x02, buf, n, 0), 0x9000);
	vbpki_pin_block("2468013579", block);
	ck_assert_uint_eq(cmd(vb, 0x2C, 0x02, 0x81, block, 12, 0), 0x9000);
}

/* [ACT-3], [LC-3]: a failed ACTIVATE leaves the BLANK file as it was. */
START_TEST(t_activate_write_fault)
{
	vbadge *vb = open_badge();
	uint8_t before[STATE_MAX], after[STATE_MAX];
	size_t n = read_file(path, before, sizeof(before));

	pend_all(vb);
	/* pending objects never reach the file [LC-2] */
	ck_assert_uint_eq(read_file(path, after, sizeof(after)), n);
	ck_assert_mem_eq(before, after, n);
	vbadge_fail_write_after(vb, 1);
	ck_assert_uint_eq(cmd(vb, 0x44, 0, 0, NULL, 0, 0), 0x6581);
	ck_assert_int_eq(vbadge_state(vb), CVC_BADGE_BLANK);
	ck_assert_uint_eq(read_file(path, after, sizeof(after)), n);
	ck_assert_mem_eq(before, after, n);
	ck_assert_int_eq(dir_entries(), 1); /* the temporary file is gone */
	/* the pending objects are still there: a retry succeeds */
	ck_assert_uint_eq(cmd(vb, 0x44, 0, 0, NULL, 0, 0), 0x9000);
	ck_assert_int_eq(vbadge_state(vb), CVC_BADGE_PERSONALIZED);
	power_cycle(&vb);
	ck_assert_int_eq(vbadge_state(vb), CVC_BADGE_PERSONALIZED);
	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	ck_assert_uint_eq(verify_pin(vb, "2468013579"), 0x9000);
	vbadge_free(&vb);
}
END_TEST

/* TERMINATE and holder data replacement under a write fault. */
START_TEST(t_writes_fail_atomically)
{
	vbadge *vb = personalized_badge();
	uint8_t before[STATE_MAX], after[STATE_MAX], holder[200];
	size_t n, hn;

	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	ck_assert_uint_eq(vbpki_terminal_auth(&pki, vb), 0x9000);
	n = read_file(path, before, sizeof(before));
	vbadge_fail_write_after(vb, 1);
	ck_assert_uint_eq(cmd(vb, 0xFE, 0, 0, NULL, 0, 0), 0x6581);
	ck_assert_int_eq(vbadge_state(vb), CVC_BADGE_PERSONALIZED);
	hn = vbpki_holder("New Name", "N-2", "ER", holder, sizeof(holder));
	vbadge_fail_write_after(vb, 1);
	ck_assert_uint_eq(cmd(vb, 0xDA, 0x01, 0x02, holder, hn, 0), 0x6581);
	ck_assert_uint_eq(read_file(path, after, sizeof(after)), n);
	ck_assert_mem_eq(before, after, n);
	ck_assert_int_eq(dir_entries(), 1);
	/* the badge still works and holds the old holder data */
	ck_assert_uint_eq(challenge_auth(vb, 0, 0, chal32, 32), 0x9000);
	ck_assert_uint_eq(cmd(vb, 0xCA, 0x01, 0x02, NULL, 0, 256), 0x9000);
	ck_assert_uint_ne(resp_len, hn);
	/* off again: the same commands go through */
	ck_assert_uint_eq(cmd(vb, 0xDA, 0x01, 0x02, holder, hn, 0), 0x9000);
	ck_assert_uint_eq(cmd(vb, 0xCA, 0x01, 0x02, NULL, 0, 256), 0x9000);
	ck_assert_uint_eq(resp_len, hn);
	ck_assert_mem_eq(resp, holder, hn);
	ck_assert_uint_eq(cmd(vb, 0xFE, 0, 0, NULL, 0, 0), 0x9000);
	power_cycle(&vb);
	ck_assert_int_eq(vbadge_state(vb), CVC_BADGE_TERMINATED);
	vbadge_free(&vb);
}
END_TEST

/* [LC-4]: after termination the file holds no key, PIN or holder data. */
START_TEST(t_terminate_erases)
{
	vbadge *vb = personalized_badge();
	uint8_t buf[STATE_MAX];
	size_t n;

	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	ck_assert_uint_eq(vbpki_terminal_auth(&pki, vb), 0x9000);
	n = read_file(path, buf, sizeof(buf));
	ck_assert_ptr_nonnull(memmem(buf, n, "PRIVATE KEY", 11));
	ck_assert_ptr_nonnull(memmem(buf, n, "Mustermann", 10));
	ck_assert_uint_eq(cmd(vb, 0xFE, 0, 0, NULL, 0, 0), 0x9000);
	n = read_file(path, buf, sizeof(buf));
	ck_assert_ptr_null(memmem(buf, n, "PRIVATE KEY", 11));
	ck_assert_ptr_null(memmem(buf, n, "Mustermann", 10));
	ck_assert_ptr_nonnull(memmem(buf, n, pki.badge.der, pki.badge.len));
	ck_assert_uint_eq(vbpki_select(vb), 0x6285);
	ck_assert_uint_eq(challenge_auth(vb, 0, 0, chal32, 32), 0x6985);
	power_cycle(&vb);
	ck_assert_uint_eq(vbpki_select(vb), 0x6285);
	ck_assert_uint_eq(cmd(vb, 0xCA, 0x7F, 0x21, NULL, 0, 65536), 0x9000);
	ck_assert_uint_eq(resp_len, pki.badge.len);
	vbadge_free(&vb);
}
END_TEST

/* [TA-4]: a link certificate replaces the anchor on disk, atomically. */
START_TEST(t_link_rollover_persists)
{
	vbadge *vb = personalized_badge();
	vbpki_cert link;
	uint8_t pub[600];
	size_t pub_len = 0;
	cvc_signer *next = NULL;

	/* the new CVCA key, certified by the old one (same CHR series) */
	ck_assert_int_eq(cvc_signer_generate(
	                     "brainpoolP256r1",
	                     cvc_algo_from_name("id-TA-ECDSA-SHA-256"), &next),
	                 CVC_OK);
	ck_assert_int_eq(
	    cvc_signer_pubkey_encode(next, false, pub, sizeof(pub), &pub_len),
	    CVC_OK);
	ck_assert_int_eq(vbpki_issue(&pki, &pki.cvca, "DEVBCVCA00002", pub,
	                             pub_len, vbpki_chat_cvca, "2025-07-01",
	                             "2031-12-31", &link),
	                 CVC_OK);
	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	vbadge_fail_write_after(vb, 1);
	ck_assert_uint_eq(vbpki_pso(vb, &link), 0x6581);
	ck_assert_uint_eq(cmd(vb, 0xCA, 0x01, 0x03, NULL, 0, 65536), 0x9000);
	ck_assert_uint_eq(resp_len, pki.cvca.len);
	ck_assert_uint_eq(vbpki_pso(vb, &link), 0x9000);
	ck_assert_uint_eq(cmd(vb, 0xCA, 0x01, 0x03, NULL, 0, 65536), 0x9000);
	ck_assert_uint_eq(resp_len, link.len);
	ck_assert_mem_eq(resp, link.der, link.len);
	power_cycle(&vb);
	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	ck_assert_uint_eq(cmd(vb, 0xCA, 0x01, 0x03, NULL, 0, 65536), 0x9000);
	ck_assert_mem_eq(resp, link.der, link.len);
	/* [DATE-2]: the card date moved to the link's CED, 2025-07-01 */
	ck_assert_uint_eq(cmd(vb, 0xCA, 0x01, 0x04, NULL, 0, 256), 0x9000);
	ck_assert_mem_eq(resp + resp_len - 6, "\x02\x05\x00\x07\x00\x01", 6);
	/* the old CVCA's DV no longer chains to the anchor */
	ck_assert_uint_eq(vbpki_pso(vb, &pki.dv), 0x6A88);
	cvc_signer_free(&next);
	vbadge_free(&vb);
}
END_TEST

/* Renewal: the new key signs, the old one is gone from the file. */
START_TEST(t_renewal_replaces_key)
{
	vbadge *vb = personalized_badge();
	uint8_t gen[15] = {0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02,
	                   0x02, 0x02, 0x02, 0x03, 0x80, 0x01, 0x0D};
	static uint8_t old[STATE_MAX], buf[STATE_MAX];
	vbpki_cert renewed;
	size_t n;

	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	ck_assert_uint_eq(vbpki_terminal_auth(&pki, vb), 0x9000);
	memcpy(old, ((struct vbadge *)vb)->p.key,
	       ((struct vbadge *)vb)->p.key_len);
	n = ((struct vbadge *)vb)->p.key_len;
	ck_assert_uint_eq(cmd(vb, 0x46, 0, 0, gen, sizeof(gen), 256), 0x9000);
	ck_assert_int_eq(vbpki_issue(&pki, &pki.dv, "DEVBBADGE0002", resp,
	                             resp_len, vbpki_chat_badge, "2025-09-01",
	                             "2026-09-01", &renewed),
	                 CVC_OK);
	memcpy(buf, renewed.der, renewed.len);
	memcpy(buf + renewed.len, pki.dv.der, pki.dv.len);
	/* the old chain does not match the renewal key */
	ck_assert_uint_eq(
	    cmd(vb, 0xDA, 0x01, 0x01, pki.badge.der, pki.badge.len, 0), 0x6A80);
	ck_assert_uint_eq(
	    cmd(vb, 0xDA, 0x01, 0x01, buf, renewed.len + pki.dv.len, 0),
	    0x9000);
	/* until ACTIVATE the old key is in use */
	ck_assert_uint_eq(challenge_auth(vb, 0, 0, chal32, 32), 0x9000);
	check_proof(resp, resp_len, &pki.badge, chal32, 32);
	ck_assert_uint_eq(cmd(vb, 0x44, 0, 0, NULL, 0, 0), 0x9000);
	ck_assert_uint_eq(challenge_auth(vb, 0, 0, chal32, 32), 0x9000);
	check_proof(resp, resp_len, &renewed, chal32, 32);
	vbadge_free(&vb);
	n = read_file(path, buf, sizeof(buf));
	/* past the PKCS#8 header all keys share: the private scalar */
	ck_assert_ptr_null(memmem(buf, n, old + 90, 32));
	vb = open_badge();
	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	ck_assert_uint_eq(challenge_auth(vb, 0, 1, chal32, 32), 0x9000);
	check_proof(resp, resp_len, &renewed, chal32, 32);
	vbadge_free(&vb);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Corrupt state files                                                 */

static void put_sha256(uint8_t *buf, size_t len)
{
	unsigned n = 0;

	ck_assert_int_eq(
	    EVP_Digest(buf, len - 32, buf + len - 32, &n, EVP_sha256(), NULL),
	    1);
}

/* The file must be refused with a diagnostic and left untouched. */
static void expect_refused(const uint8_t *img, size_t n, const char *what)
{
	static uint64_t marker;
	static uint8_t after[STATE_MAX];
	vbadge *vb = (vbadge *)&marker; /* must become NULL */
	cvc_diag diag;
	char text[200];
	cvc_err err;

	write_file(path, img, n);
	memset(&diag, 0, sizeof(diag));
	err = vbadge_open(path, &vb, &diag);
	ck_assert_msg(err == CVC_ERR_BAD_VALUE, "%s: got %s", what,
	              cvc_strerror(err));
	ck_assert_ptr_null(vb);
	ck_assert_int_eq(diag.err, CVC_ERR_BAD_VALUE);
	ck_assert_ptr_nonnull(diag.field);
	ck_assert_ptr_nonnull(diag.reason);
	ck_assert_uint_le(diag.offset, n);
	cvc_diag_format(&diag, text, sizeof(text));
	ck_assert_msg(strstr(text, "byte ") == text, "%s: %s", what, text);
	/* never overwritten */
	ck_assert_uint_eq(read_file(path, after, sizeof(after)), n);
	ck_assert_msg(n == 0 || memcmp(after, img, n) == 0, "%s: changed",
	              what);
	ck_assert_int_eq(dir_entries(), 1);
}

START_TEST(t_corrupt_files_refused)
{
	static uint8_t good[STATE_MAX], img[STATE_MAX + 1];
	vbadge *vb = personalized_badge();
	size_t n, offsets[8];

	vbadge_free(&vb);
	n = read_file(path, good, sizeof(good));
	ck_assert_uint_gt(n, 400);
	/* flipped bits anywhere: the checksum catches them */
	offsets[0] = 0, offsets[1] = 8, offsets[2] = 12, offsets[3] = 16;
	offsets[4] = 40, offsets[5] = n / 2, offsets[6] = n - 33;
	offsets[7] = n - 1;
	for (size_t i = 0; i < 8; i++) {
		memcpy(img, good, n);
		img[offsets[i]] ^= 0x10;
		expect_refused(img, n, "flipped bit");
	}
	/* truncated at every length, and one octet too many */
	for (size_t len = 0; len < n; len += (len < 64 ? 1 : 97))
		expect_refused(good, len, "truncated");
	expect_refused(good, n - 1, "truncated by one");
	memcpy(img, good, n);
	img[n] = 0;
	expect_refused(img, n + 1, "trailing octet");
	/* well-formed frame, wrong contents (checksum recomputed) */
	memcpy(img, good, n);
	img[9] = 2; /* version 2 */
	put_sha256(img, n);
	expect_refused(img, n, "version");
	memcpy(img, good, n);
	img[16 + 3] = 0x07; /* life cycle status 07 */
	put_sha256(img, n);
	expect_refused(img, n, "life cycle");
	memcpy(img, good, n);
	img[16 + 3] = CVC_BADGE_BLANK; /* BLANK with keys */
	put_sha256(img, n);
	expect_refused(img, n, "records for another state");
	memcpy(img, good, n);
	img[16 + 4] = 0x0A; /* a record type that does not exist */
	put_sha256(img, n);
	expect_refused(img, n, "unknown record");
	/* the original still opens */
	write_file(path, good, n);
	vb = open_badge();
	ck_assert_int_eq(vbadge_state(vb), CVC_BADGE_PERSONALIZED);
	vbadge_free(&vb);
}
END_TEST

START_TEST(t_unreadable_state)
{
	vbadge *vb = NULL;
	cvc_diag diag;

	/* a directory where the file should be */
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_ne(vbadge_open(path, &vb, &diag), CVC_OK);
	ck_assert_ptr_null(vb);
	ck_assert_int_eq(rmdir(path), 0);
	/* a directory that does not exist: the file cannot be created */
	snprintf(path, sizeof(path), "%s/missing/badge.state", dir);
	ck_assert_int_eq(vbadge_open(path, &vb, &diag), CVC_ERR_IO);
	ck_assert_ptr_null(vb);
	ck_assert_int_eq(vbadge_open(NULL, &vb, NULL), CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(vbadge_open(path, NULL, NULL), CVC_ERR_INVALID_ARG);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Transient state                                                     */

/* [LC-2]: reset, SELECT and power loss discard what is pending. */
START_TEST(t_pending_discarded)
{
	vbadge *vb = open_badge();

	pend_all(vb);
	vbadge_reset(vb);
	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	ck_assert_uint_eq(cmd(vb, 0x44, 0, 0, NULL, 0, 0), 0x6985);
	ck_assert_uint_eq(pin_tries(vb), 0); /* no pending PIN either */
	/* no pending key: a chain is refused [PD-1] */
	ck_assert_uint_eq(
	    cmd(vb, 0xDA, 0x01, 0x01, pki.badge.der, pki.badge.len, 0), 0x6985);
	pend_all(vb);
	ck_assert_uint_eq(pin_tries(vb), 3);
	ck_assert_uint_eq(vbpki_select(vb), 0x9000); /* [SEL-4] */
	ck_assert_uint_eq(cmd(vb, 0x44, 0, 0, NULL, 0, 0), 0x6985);
	pend_all(vb);
	power_cycle(&vb);
	ck_assert_int_eq(vbadge_state(vb), CVC_BADGE_BLANK);
	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	ck_assert_uint_eq(cmd(vb, 0x44, 0, 0, NULL, 0, 0), 0x6985);
	vbadge_free(&vb);
}
END_TEST

/* The session (PIN, terminal rights) goes with reset; not selected after. */
START_TEST(t_reset_clears_session)
{
	vbadge *vb = personalized_badge();

	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	ck_assert_uint_eq(verify_pin(vb, "123456"), 0x9000);
	ck_assert_uint_eq(vbpki_terminal_auth(&pki, vb), 0x9000);
	ck_assert_uint_eq(cmd(vb, 0xCA, 0x01, 0x02, NULL, 0, 256), 0x9000);
	vbadge_reset(vb);
	ck_assert_uint_eq(cmd(vb, 0xCA, 0x01, 0x02, NULL, 0, 256), 0x6985);
	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	ck_assert_uint_eq(cmd(vb, 0xCA, 0x01, 0x02, NULL, 0, 256), 0x6982);
	ck_assert_uint_eq(cmd(vb, 0x20, 0x00, 0x81, NULL, 0, 0), 0x63C3);
	vbadge_free(&vb);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The private key never leaves                                        */

static uint8_t priv[128];
static size_t priv_len;
static char pem_lines[8][80];
static size_t n_lines;

/* The private scalar and the base64 lines of the PKCS#8 text. */
static void learn_key(const vbadge *vb)
{
	const vb_persist *p = &((const struct vbadge *)vb)->p;
	BIO *bio = BIO_new_mem_buf(p->key, (int)p->key_len);
	EVP_PKEY *pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIGNUM *d = NULL;
	const char *s = (const char *)p->key, *end = s + p->key_len;

	ck_assert_ptr_nonnull(pk);
	ck_assert_int_eq(
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_PRIV_KEY, &d), 1);
	priv_len = (size_t)BN_num_bytes(d);
	ck_assert_uint_le(priv_len, sizeof(priv));
	BN_bn2bin(d, priv);
	BN_clear_free(d);
	EVP_PKEY_free(pk);
	BIO_free(bio);
	n_lines = 0;
	while (s < end && n_lines < 8) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);

		if (len >= 32 && len < sizeof(pem_lines[0]) && s[0] != '-') {
			memcpy(pem_lines[n_lines], s, 32);
			pem_lines[n_lines++][32] = '\0';
		}
		s += len + 1;
	}
	ck_assert_uint_ge(n_lines, 2);
}

static void assert_no_key(const uint8_t *r, size_t n, const char *what)
{
	for (size_t i = 0; i + 8 <= priv_len; i += 4)
		ck_assert_msg(memmem(r, n, priv + i, 8) == NULL,
		              "%s: private key octets in a response", what);
	for (size_t i = 0; i < n_lines; i++)
		ck_assert_msg(memmem(r, n, pem_lines[i], 32) == NULL,
		              "%s: PKCS#8 text in a response", what);
}

static uint16_t checked(vbadge *vb, uint8_t ins, uint8_t p1, uint8_t p2,
                        const uint8_t *data, size_t len, size_t le)
{
	uint16_t sw = cmd(vb, ins, p1, p2, data, len, le);

	assert_no_key(resp, resp_len, "command");
	return sw;
}

START_TEST(t_private_key_never_answered)
{
	vbadge *vb = personalized_badge();
	uint8_t data[300];

	learn_key(vb);
	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	ck_assert_uint_eq(verify_pin(vb, "123456"), 0x9000);
	ck_assert_uint_eq(vbpki_terminal_auth(&pki, vb), 0x9000);
	for (int i = 0; i < 8; i++)
		ck_assert_uint_eq(checked(vb, 0x88, 1, 1, chal32, 32, 65536),
		                  0x9000);
	/* every INS, every P1 in a few forms: nothing carries the key */
	memset(data, 0x30, sizeof(data));
	for (unsigned ins = 0; ins < 256; ins++) {
		if (ins == 0xFE || ins == 0x44 || ins == 0x46 || ins == 0xA4)
			continue; /* keep the session and the key */
		for (unsigned p = 0; p < 4; p++) {
			checked(vb, (uint8_t)ins, (uint8_t)p, (uint8_t)(p + 1),
			        NULL, 0, 65536);
			checked(vb, (uint8_t)ins, 0x01, (uint8_t)p, data, 32,
			        256);
		}
	}
	const uint16_t objects[] = {0x7F21, 0x0101, 0x0102, 0x0103, 0x0104};
	for (size_t i = 0; i < 5; i++)
		ck_assert_uint_eq(checked(vb, 0xCA, (uint8_t)(objects[i] >> 8),
		                          (uint8_t)objects[i], NULL, 0, 65536),
		                  0x9000);
	/* also not in the state file's neighbours: only the file has it */
	vbadge_free(&vb);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Robustness                                                          */

static uint8_t rapdu[65538];

/* Every answer: CVC_OK, a status word, data within FCI 84. */
static void answered(vbadge *vb, const uint8_t *c, size_t n)
{
	size_t rlen = 0;

	ck_assert_int_eq(vbadge_process(vb, c, n, rapdu, sizeof(rapdu), &rlen),
	                 CVC_OK);
	ck_assert_uint_ge(rlen, 2);
	ck_assert_uint_le(rlen, VB_MAX_DATA + 2);
	ck_assert_msg(rapdu[rlen - 2] == 0x90 ||
	                  (rapdu[rlen - 2] >= 0x61 && rapdu[rlen - 2] <= 0x6E),
	              "SW1 %02X", rapdu[rlen - 2]);
	assert_no_key(rapdu, rlen, "mutated command");
}

/* Encoded commands of every kind the badge takes. */
static size_t sample_commands(uint8_t cmds[][600], size_t *lens)
{
	static const uint8_t fixed[][24] = {
	    {0x00, 0xA4, 0x04, 0x00, 0x09, 0xF0, 0x6C, 0x69, 0x62, 0x63, 0x76,
	     0x63, 0x42, 0x01, 0x00},
	    {0x00, 0xCA, 0x01, 0x04, 0x00},
	    {0x00, 0xCA, 0x01, 0x01, 0x00, 0x00, 0x00},
	    {0x00, 0xCA, 0x01, 0x02, 0x00},
	    {0x00, 0x84, 0x00, 0x00, 0x10},
	    {0x00, 0x20, 0x00, 0x81},
	    {0x00, 0x20, 0x00, 0x81, 0x0C, '1', '2', '3', '4', '5', '6', 0xFF,
	     0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
	    {0x00, 0x44, 0x00, 0x00},
	    {0x00, 0xC0, 0x00, 0x00, 0x00},
	    {0x10, 0xDA, 0x01, 0x02, 0x03, 0x65, 0x08, 0x80},
	};
	static const size_t fixed_len[] = {15, 5, 7, 5, 5, 4, 17, 4, 5, 8};
	size_t n = 0;
	cvc_apdu a = {0, 0x88, 0, 1, {chal32, 32}, 65536, true};

	for (size_t i = 0; i < sizeof(fixed_len) / sizeof(fixed_len[0]); i++) {
		memcpy(cmds[n], fixed[i], fixed_len[i]);
		lens[n++] = fixed_len[i];
	}
	ck_assert_int_eq(cvc_apdu_encode(&a, cmds[n], 600, &lens[n]), CVC_OK);
	n++;
	a = (cvc_apdu){0, 0x2A, 0x00, 0xBE, {pki.dv.der + 4, pki.dv.len - 4},
	               0, false};
	ck_assert_int_eq(cvc_apdu_encode(&a, cmds[n], 600, &lens[n]), CVC_OK);
	n++;
	a = (cvc_apdu){0, 0xDA, 0x01, 0x03, {pki.cvca.der, pki.cvca.len},
	               0, true};
	ck_assert_int_eq(cvc_apdu_encode(&a, cmds[n], 600, &lens[n]), CVC_OK);
	n++;
	return n;
}

START_TEST(t_truncated_and_mutated_commands)
{
	static uint8_t cmds[16][600];
	size_t lens[16], n;
	vbadge *vb = personalized_badge();
	uint8_t m[600];

	learn_key(vb);
	n = sample_commands(cmds, lens);
	for (size_t i = 0; i < n; i++) {
		/* every truncation, after a fresh SELECT */
		for (size_t len = 0; len <= lens[i]; len++) {
			answered(vb, cmds[0], lens[0]);
			answered(vb, cmds[i], len);
		}
		/* every octet changed, and one octet more */
		for (size_t k = 0; k < lens[i]; k++) {
			memcpy(m, cmds[i], lens[i]);
			m[k] ^= (uint8_t)(0x5A + k);
			answered(vb, m, lens[i]);
			m[lens[i]] = (uint8_t)k;
			answered(vb, m, lens[i] + 1);
		}
	}
	ck_assert_int_eq(vbadge_process(vb, cmds[0], lens[0], rapdu, 1, &n),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	vbadge_free(&vb);
}
END_TEST

static uint32_t rnd_state = 2463534242u;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13; /* xorshift32: reproducible */
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

START_TEST(t_random_commands)
{
	static const uint8_t ins[] = {0xA4, 0xCA, 0xDA, 0x2A, 0x84, 0x82,
	                              0x88, 0x20, 0x24, 0x2C, 0x46, 0x44,
	                              0xC0, 0x00, 0xB0, 0xFE};
	vbadge *vb = _i ? personalized_badge() : open_badge();
	uint8_t c[600];

	if (_i)
		learn_key(vb);
	else
		priv_len = n_lines = 0;
	for (int round = 0; round < 20000; round++) {
		size_t len = rnd() % (round % 8 == 0 ? 600 : 40);

		for (size_t k = 0; k < len; k++)
			c[k] = (uint8_t)rnd();
		if (len > 0)
			c[0] =
			    (uint8_t)((rnd() & 3) == 0 ? rnd() : rnd() & 0x10);
		if (len > 1)
			c[1] = ins[rnd() % sizeof(ins)];
		if (len > 4 && (rnd() & 1))
			c[4] = (uint8_t)(len - 5); /* consistent short Lc */
		if (round % 97 == 0)
			vbadge_reset(vb);
		answered(vb, c, len);
	}
	vbadge_free(&vb);
}
END_TEST

/* [LEN-2], [LEN-3] in-process: 61xx and GET RESPONSE, chaining. */
START_TEST(t_short_lengths_and_chaining)
{
	vbadge *vb = personalized_badge();
	uint8_t whole[4096], holder[200], got[4096];
	size_t whole_len, hn, got_len = 0;
	uint16_t sw;

	ck_assert_uint_eq(vbpki_select(vb), 0x9000);
	ck_assert_uint_eq(cmd(vb, 0xCA, 0x01, 0x01, NULL, 0, 65536), 0x9000);
	memcpy(whole, resp, resp_len);
	whole_len = resp_len;
	ck_assert_uint_gt(whole_len, 256);
	sw = cmd(vb, 0xCA, 0x01, 0x01, NULL, 0, 256);
	while ((sw >> 8) == 0x61) {
		memcpy(got + got_len, resp, resp_len);
		got_len += resp_len;
		sw = cmd(vb, 0xC0, 0, 0, NULL, 0,
		         (sw & 0xFF) ? (sw & 0xFF) : 256);
	}
	ck_assert_uint_eq(sw, 0x9000);
	memcpy(got + got_len, resp, resp_len);
	got_len += resp_len;
	ck_assert_uint_eq(got_len, whole_len);
	ck_assert_mem_eq(got, whole, whole_len);
	ck_assert_uint_eq(cmd(vb, 0xC0, 0, 0, NULL, 0, 256), 0x6985);
	/* chaining: PUT DATA in two parts with the renew right */
	ck_assert_uint_eq(vbpki_terminal_auth(&pki, vb), 0x9000);
	hn = vbpki_holder("Chained Name", "C-3", NULL, holder, sizeof(holder));
	ck_assert_uint_eq(
	    vbpki_cmd(vb, 0x10, 0xDA, 0x01, 0x02, holder, 5, 0, NULL, 0, NULL),
	    0x9000);
	ck_assert_uint_eq(cmd(vb, 0xDA, 0x01, 0x02, holder + 5, hn - 5, 0),
	                  0x9000);
	ck_assert_uint_eq(cmd(vb, 0xCA, 0x01, 0x02, NULL, 0, 256), 0x9000);
	ck_assert_mem_eq(resp, holder, hn);
	/* interrupted chain, and chaining where it is not allowed */
	ck_assert_uint_eq(
	    vbpki_cmd(vb, 0x10, 0xDA, 0x01, 0x02, holder, 5, 0, NULL, 0, NULL),
	    0x9000);
	ck_assert_uint_eq(cmd(vb, 0xCA, 0x01, 0x04, NULL, 0, 256), 0x6883);
	ck_assert_uint_eq(cmd(vb, 0xCA, 0x01, 0x04, NULL, 0, 256), 0x9000);
	ck_assert_uint_eq(
	    vbpki_cmd(vb, 0x10, 0x20, 0x00, 0x81, holder, 12, 0, NULL, 0, NULL),
	    0x6884);
	vbadge_free(&vb);
}
END_TEST

START_TEST(t_atr)
{
	size_t n = 0;
	const uint8_t *atr = vbadge_atr(&n);
	uint8_t x = 0;

	ck_assert_uint_ge(n, 4);
	ck_assert_uint_eq(atr[0], 0x3B);
	for (size_t i = 1; i < n; i++)
		x ^= atr[i];
	ck_assert_uint_eq(x, 0); /* TCK (ISO/IEC 7816-3 8.2.5) */
	/* card capabilities: chaining and extended Lc/Le */
	ck_assert_ptr_nonnull(memmem(atr, n, "\x73\x80\x00\xC0", 4));
}
END_TEST

static Suite *vbadge_suite(void)
{
	Suite *s = suite_create("vbadge");
	TCase *tc = tcase_create("persistence");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, t_new_badge_is_blank);
	tcase_add_test(tc, t_personalization_persists);
	tcase_add_test(tc, t_pin_counter_persists);
	tcase_add_test(tc, t_pin_counted_before_compare);
	tcase_add_test(tc, t_activate_write_fault);
	tcase_add_test(tc, t_writes_fail_atomically);
	tcase_add_test(tc, t_terminate_erases);
	tcase_add_test(tc, t_link_rollover_persists);
	tcase_add_test(tc, t_renewal_replaces_key);
	suite_add_tcase(s, tc);

	tc = tcase_create("corrupt");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_corrupt_files_refused);
	tcase_add_test(tc, t_unreadable_state);
	suite_add_tcase(s, tc);

	tc = tcase_create("transient");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_pending_discarded);
	tcase_add_test(tc, t_reset_clears_session);
	tcase_add_test(tc, t_short_lengths_and_chaining);
	suite_add_tcase(s, tc);

	tc = tcase_create("robustness");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, t_private_key_never_answered);
	tcase_add_test(tc, t_truncated_and_mutated_commands);
	tcase_add_loop_test(tc, t_random_commands, 0, 2);
	tcase_add_test(tc, t_atr);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(vbadge_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
