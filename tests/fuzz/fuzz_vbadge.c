/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the badge applet's command parser and state
 * machine (applet-spec/vbadge).
 *
 * Input: one octet of set-up, then records of a 2-octet big-endian length
 * and that many octets of command APDU (length 0: a reset, as after power
 * loss). Set-up bits 0-1 choose the badge the commands meet: BLANK,
 * PERSONALIZED or TERMINATED (3: PERSONALIZED again); with PERSONALIZED,
 * bit 2 runs terminal authentication first (every right) and bit 3 a
 * correct VERIFY, so the fuzzer reaches the commands that need them.
 * Every run starts from the same state file image (made once with a test
 * PKI, tests/vbpki.c), in a private directory on /dev/shm when there is
 * one, so the file's fsyncs stay cheap.
 *
 * Invariants, any broken one aborts: every command gets CVC_OK and an
 * answer of 2..4098 octets whose SW1 is one SPEC.md 7 allows; no answer
 * holds 8 consecutive octets of the badge's private key; a BLANK badge
 * never becomes PERSONALIZED (nobody can forge the PKI's signatures).
 */
#define _GNU_SOURCE /* memmem, mkdtemp */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "vbadge_int.h"
#include "vbpki.h"

#include "fuzz_common.h"

#define MAX_COMMANDS 64
#define STATE_MAX    16384

static struct {
	bool ready;
	char dir[256];
	char path[300];
	vbpki pki;
	uint8_t image[3][STATE_MAX]; /* BLANK, PERSONALIZED, TERMINATED */
	size_t image_len[3];
	uint8_t priv[128];
	size_t priv_len;
} fx;

static uint8_t rapdu[65538];

static size_t slurp(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	CHECK(f != NULL);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void spill(const char *path, const uint8_t *buf, size_t n)
{
	FILE *f = fopen(path, "wb");

	CHECK(f != NULL);
	CHECK(fwrite(buf, 1, n, f) == n);
	CHECK(fclose(f) == 0);
}

/* The private scalar of the personalized badge, to look for in answers. */
static void learn_key(const vbadge *vb)
{
	const vb_persist *p = &vb->p;
	BIO *bio = BIO_new_mem_buf(p->key, (int)p->key_len);
	EVP_PKEY *pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIGNUM *d = NULL;

	CHECK(pk != NULL);
	CHECK(EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_PRIV_KEY, &d) == 1);
	fx.priv_len = (size_t)BN_num_bytes(d);
	CHECK(fx.priv_len <= sizeof(fx.priv));
	BN_bn2bin(d, fx.priv);
	BN_clear_free(d);
	EVP_PKEY_free(pk);
	BIO_free(bio);
}

/* The run's directory goes when the process ends. */
static void remove_files(void)
{
	unlink(fx.path);
	rmdir(fx.dir);
	vbpki_free(&fx.pki);
}

static void make_images(void)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	vbadge *vb = NULL;

	snprintf(fx.dir, sizeof(fx.dir), "%s/fuzz-vbadge.XXXXXX", base);
	CHECK(mkdtemp(fx.dir) != NULL);
	snprintf(fx.path, sizeof(fx.path), "%s/badge.state", fx.dir);
	atexit(remove_files);
	CHECK(vbpki_build(&fx.pki, NULL) == CVC_OK);
	CHECK(vbadge_open(fx.path, &vb, NULL) == CVC_OK);
	fx.image_len[0] = slurp(fx.path, fx.image[0], STATE_MAX);
	CHECK(vbpki_personalize(&fx.pki, vb, "123456", NULL) == CVC_OK);
	learn_key(vb);
	fx.image_len[1] = slurp(fx.path, fx.image[1], STATE_MAX);
	CHECK(vbpki_terminal_auth(&fx.pki, vb) == CVC_SW_OK);
	CHECK(vbpki_cmd(vb, 0, 0xFE, 0, 0, NULL, 0, 0, NULL, 0, NULL) ==
	      CVC_SW_OK);
	fx.image_len[2] = slurp(fx.path, fx.image[2], STATE_MAX);
	vbadge_free(&vb);
	fx.ready = true;
}

static bool sw1_known(uint8_t sw1)
{
	return sw1 == 0x90 || sw1 == 0x61 || sw1 == 0x62 || sw1 == 0x63 ||
	       sw1 == 0x65 || sw1 == 0x67 || sw1 == 0x68 || sw1 == 0x69 ||
	       sw1 == 0x6A || sw1 == 0x6D || sw1 == 0x6E;
}

static void check_answer(const uint8_t *r, size_t n)
{
	CHECK(n >= 2 && n <= VB_MAX_DATA + 2);
	CHECK(sw1_known(r[n - 2]));
	for (size_t i = 0; i + 8 <= fx.priv_len; i += 4)
		CHECK(memmem(r, n, fx.priv + i, 8) == NULL);
}

static void run_command(vbadge *vb, const uint8_t *c, size_t n)
{
	size_t rlen = 0;

	if (n == 0) {
		vbadge_reset(vb);
		return;
	}
	CHECK(vbadge_process(vb, c, n, rapdu, sizeof(rapdu), &rlen) == CVC_OK);
	check_answer(rapdu, rlen);
}

/* SELECT, and with PERSONALIZED the optional TA and PIN. */
static void prologue(vbadge *vb, uint8_t setup)
{
	uint8_t block[12];

	vbpki_select(vb);
	if (vb->p.lcs != CVC_BADGE_PERSONALIZED)
		return;
	if (setup & 0x04)
		CHECK(vbpki_terminal_auth(&fx.pki, vb) == CVC_SW_OK);
	if (setup & 0x08) {
		vbpki_pin_block("123456", block);
		CHECK(vbpki_cmd(vb, 0, 0x20, 0, 0x81, block, 12, 0, NULL, 0,
		                NULL) == CVC_SW_OK);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t which, pos = 1, commands = 0;
	vbadge *vb = NULL;

	if (!fx.ready)
		make_images();
	if (size < 1)
		return 0;
	which = (data[0] & 3) == 3 ? 1 : data[0] & 3;
	spill(fx.path, fx.image[which], fx.image_len[which]);
	CHECK(vbadge_open(fx.path, &vb, NULL) == CVC_OK);
	prologue(vb, data[0]);
	while (size - pos >= 2 && commands++ < MAX_COMMANDS) {
		size_t n = (size_t)data[pos] << 8 | data[pos + 1];

		pos += 2;
		if (n > size - pos)
			n = size - pos;
		run_command(vb, data + pos, n);
		pos += n;
	}
	/* nobody but the PKI can make a BLANK badge PERSONALIZED */
	CHECK(which != 0 || vbadge_state(vb) == CVC_BADGE_BLANK);
	vbadge_free(&vb);
	return 0;
}
