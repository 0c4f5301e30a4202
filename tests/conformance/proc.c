/* SPDX-License-Identifier: MIT */
/*
 * Procedures the tests share: terminal authentication, INTERNAL
 * AUTHENTICATE with signature check, key generation, the card's status,
 * the write-fault hook and the list of statements left unchecked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "conformance.h"

void proc_random(uint8_t *out, size_t n)
{
	ck_assert_int_eq(RAND_bytes(out, (int)n), 1);
}

void proc_pso(const conf_cert *c, uint16_t sw)
{
	cvc_span body = pki_body_and_sig(c);
	char what[96];
	conf_resp r;

	snprintf(what, sizeof(what), "PSO:VERIFY CERTIFICATE (%s)", c->label);
	io_xchg(INS_PSO, 0x00, 0xBE, body.data, body.len, false, &r);
	io_expect_empty(&r, sw, what);
}

void proc_challenge(uint8_t rpicc[16])
{
	conf_resp r;

	io_cmd(INS_GET_CHAL, 0, 0, NULL, 0, 16, &r);
	io_expect_sw(&r, 0x9000, "GET CHALLENGE");
	conf_check(r.len == 16, "[TA-5] GET CHALLENGE gave %zu octets", r.len);
	memcpy(rpicc, r.data, 16);
}

size_t proc_sign_ta(const cvc_signer *signer, const uint8_t rpicc[16],
                    uint8_t *sig, size_t cap)
{
	uint8_t m[128];
	size_t m_len = msg_ta(conf.badge.cert.chr, rpicc, m, sizeof(m));
	size_t sig_len = 0;

	ck_assert_int_eq(cvc_signer_sign(signer, m, m_len, sig, cap, &sig_len),
	                 CVC_OK);
	return sig_len;
}

void proc_ta_in_session(const conf_cert *dv, const conf_cert *terminal)
{
	uint8_t rpicc[16], sig[256];
	size_t sig_len;
	conf_resp r;

	proc_pso(dv, 0x9000);
	proc_pso(terminal, 0x9000);
	proc_challenge(rpicc);
	sig_len = proc_sign_ta(terminal->key, rpicc, sig, sizeof(sig));
	io_cmd(INS_EXT_AUTH, 0, 0, sig, sig_len, 0, &r);
	io_expect_empty(&r, 0x9000, "EXTERNAL AUTHENTICATE");
}

void proc_ta(const conf_cert *dv, const conf_cert *terminal)
{
	io_select_state(LCS_PERSONALIZED);
	proc_ta_in_session(dv, terminal);
}

uint16_t proc_verify(const char *pin)
{
	uint8_t block[12];
	conf_resp r;

	msg_pin_block(pin, block);
	io_cmd(INS_VERIFY, 0x00, 0x81, block, sizeof(block), 0, &r);
	conf_check(r.len == 0, "VERIFY answered %zu octets of data", r.len);
	return r.sw;
}

void proc_ia(uint8_t p1, uint8_t p2, const uint8_t *challenge, size_t len,
             conf_resp *r, conf_ia *ia)
{
	io_xchg(INS_INT_AUTH, p1, p2, challenge, len, true, r);
	io_expect_sw(r, 0x9000, "INTERNAL AUTHENTICATE");
	msg_parse_ia(r->data, r->len, p2 == 0x01, ia);
}

bool proc_ia_verifies(const conf_ia *ia, const conf_cert *badge,
                      const uint8_t *challenge, size_t len)
{
	uint8_t m[256];
	size_t m_len = msg_auth(ia->flags, badge->cert.chr, ia->nonce,
	                        challenge, len, m, sizeof(m));
	/* the badge key has no domain parameters: the CVCA's curve */
	cvc_key *key = pki_key(badge, &conf.pki.cvca);
	cvc_err err = cvc_key_verify(key, NULL, m, m_len, ia->signature.data,
	                             ia->signature.len);

	cvc_key_free(&key);
	return err == CVC_OK;
}

size_t proc_generate_data(uint8_t out[32])
{
	const cvc_algo *algo = cvc_algo_from_name("id-TA-ECDSA-SHA-256");
	size_t n = 0;

	ck_assert(algo != NULL && algo->oid_len < 24);
	out[n++] = 0x06;
	out[n++] = (uint8_t)algo->oid_len;
	memcpy(out + n, algo->oid, algo->oid_len);
	n += algo->oid_len;
	/* brainpoolP256r1: TR-03110-3 A.2.1.1 standardized ID 0D */
	out[n++] = 0x80;
	out[n++] = 0x01;
	out[n++] = 0x0D;
	return n;
}

void proc_generate(uint8_t *pub, size_t cap, size_t *len)
{
	uint8_t data[32];
	size_t n = proc_generate_data(data);
	conf_resp r;

	io_xchg(INS_GENERATE, 0, 0, data, n, true, &r);
	io_expect_sw(&r, 0x9000, "GENERATE ASYMMETRIC KEY PAIR");
	conf_check(r.len <= cap, "public key of %zu octets", r.len);
	memcpy(pub, r.data, r.len);
	*len = r.len;
}

size_t proc_chain(const conf_cert *badge, const conf_cert *dv, uint8_t *out,
                  size_t cap)
{
	ck_assert(badge->len + dv->len <= cap);
	memcpy(out, badge->der, badge->len);
	memcpy(out + badge->len, dv->der, dv->len);
	return badge->len + dv->len;
}

void proc_expect_state(uint8_t lcs, conf_fci *fci)
{
	msg_card_status(fci);
	conf_check(fci->lcs == lcs, "life cycle status %02X, expected %02X",
	           fci->lcs, lcs);
}

cvc_date proc_card_date(void)
{
	conf_fci fci;

	msg_card_status(&fci);
	conf_check(fci.has_date, "no card date in the FCI");
	return fci.date;
}

/* ------------------------------------------------------------------ */

#define MAX_NOTES 32

static struct {
	const char *id;
	char why[200];
} notes[MAX_NOTES];
static size_t n_notes;

void conf_note_untested(const char *id, const char *why)
{
	for (size_t i = 0; i < n_notes; i++)
		if (strcmp(notes[i].id, id) == 0 &&
		    strcmp(notes[i].why, why) == 0)
			return;
	if (n_notes == MAX_NOTES)
		return;
	notes[n_notes].id = id;
	snprintf(notes[n_notes].why, sizeof(notes[n_notes].why), "%s", why);
	n_notes++;
}

/* What no reader can show, whatever the card (README.md). */
static const char *const partly_observable[] = {
    "[SEL-3]   \"leaves the applet deselected\": commands sent then are "
    "outside the SPEC; checked: 6A82, and SELECT works after",
    "[LC-3]    atomic \"at any moment\": checked at a power loss after "
    "ACTIVATE and with a write fault in ACTIVATE (hook)",
    "[LC-4]    erasure of key, PIN, holder data: a TERMINATED card "
    "refuses all that could show them; checked: none can be used or read",
    "[GEN-1]   \"the private key never leaves the card\": checked: "
    "GENERATE answers the public key only, no command answers more",
    "[ACT-2]   \"destroys the old private key\": checked: the old key "
    "no longer signs",
    "[PIN-1]   \"decrement before comparing\": checked: the decrement "
    "survives a power loss, a write fault answers 6581 (hook)",
    "[IA-3]    fresh nonces, [TA-5] fresh challenges: checked: no "
    "repetition in a row, not the quality of the randomness",
};

void conf_print_untested(void)
{
	printf("Checked only as far as a reader can see:\n");
	for (size_t i = 0;
	     i < sizeof(partly_observable) / sizeof(partly_observable[0]); i++)
		printf("  %s\n", partly_observable[i]);
	if (n_notes == 0) {
		printf("Everything else was checked on this card through this "
		       "reader.\n");
		return;
	}
	printf("Not checked on this card / through this reader:\n");
	for (size_t i = 0; i < n_notes; i++)
		printf("  %-9s %s\n", notes[i].id, notes[i].why);
}

static void reopen_card(void)
{
	cvc_err err = cvc_card_open(conf.reader, 15000, &conf.card);

	conf_check(err == CVC_OK, "reopening %s after the hook: %s",
	           conf.reader, cvc_strerror(err));
}

/* Runs "HOOK n"; the card is closed first and opened again after. */
static void run_hook(unsigned n)
{
	char cmd[1200];
	int rc;

	/* the hook may take the card away and bring it back */
	cvc_card_free(&conf.card);
	snprintf(cmd, sizeof(cmd), "%s %u", conf.hook, n);
	fflush(NULL);
	rc = system(cmd);
	reopen_card();
	conf_check(rc == 0, "fault hook \"%s\" failed (status %d)", cmd, rc);
}

bool proc_arm_write_fault(const char *id, const char *what)
{
	if (conf.hook == NULL) {
		char why[200];

		snprintf(why, sizeof(why),
		         "%s: needs CVC_CONFORMANCE_FAULT_HOOK (a memory fault "
		         "cannot be caused through a reader)",
		         what);
		conf_note_untested(id, why);
		if (!conf.allow_untestable)
			ck_abort_msg("%s %s: not testable on this card without "
			             "CVC_CONFORMANCE_FAULT_HOOK; run with "
			             "--allow-untestable to accept that",
			             id, what);
		return false;
	}
	run_hook(1);
	return true;
}

void proc_power_cycle(void)
{
	if (conf.hook != NULL)
		run_hook(0); /* the hook may cut the power for real */
	io_reset();
}

/* ------------------------------------------------------------------ */

size_t proc_holder_data(uint8_t *out, size_t cap)
{
	return msg_holder("Dr. J\xC3\xBCrgen M\xC3\xBCller-L\xC3\xBC"
	                  "denscheidt",
	                  "HOSP-000417", "Cardiology", out, cap);
}

void proc_put_anchor_and_key(conf_cert *badge)
{
	uint8_t pub[512];
	size_t pub_len;

	io_put_data(DO_ANCHOR, conf.pki.cvca.der, conf.pki.cvca.len, 0x9000,
	            "PUT DATA 0103 (anchor)");
	proc_generate(pub, sizeof(pub), &pub_len);
	pki_badge_cert(&conf.pki.dv, "DECONFBDG00001", pub, pub_len,
	               "2025-03-01", "2028-02-29", badge);
}

void proc_personalize_pending(conf_cert *badge)
{
	uint8_t chain[2 * CONF_MAX_CERT], holder[256], block[12];
	size_t chain_len, holder_len;
	conf_resp r;

	proc_put_anchor_and_key(badge);
	chain_len = proc_chain(badge, &conf.pki.dv, chain, sizeof(chain));
	io_put_data(DO_CHAIN, chain, chain_len, 0x9000,
	            "PUT DATA 0101 (chain)");
	holder_len = proc_holder_data(holder, sizeof(holder));
	io_put_data(DO_HOLDER, holder, holder_len, 0x9000,
	            "PUT DATA 0102 (holder)");
	msg_pin_block(CONF_INITIAL_PIN, block);
	io_cmd(INS_RESET_RETRY, 0x02, 0x81, block, sizeof(block), 0, &r);
	io_expect_empty(&r, 0x9000, "RESET RETRY COUNTER (initial PIN)");
}

/* ------------------------------------------------------------------ */

void proc_expect_ta_refused(const conf_cert *dv, const char *state)
{
	uint8_t sig[64] = {0};
	char what[64];
	conf_resp r;

	proc_pso(dv, 0x6985);
	io_cmd(INS_GET_CHAL, 0, 0, NULL, 0, 16, &r);
	snprintf(what, sizeof(what), "[TA-8] GET CHALLENGE in %s", state);
	io_expect_empty(&r, 0x6985, what);
	io_cmd(INS_EXT_AUTH, 0, 0, sig, sizeof(sig), 0, &r);
	snprintf(what, sizeof(what), "[TA-8] EXTERNAL AUTHENTICATE in %s",
	         state);
	io_expect_empty(&r, 0x6985, what);
}

void proc_expect_ia_refused(uint8_t lcs)
{
	uint8_t ch[32];
	conf_resp r;

	proc_random(ch, sizeof(ch));
	io_select_state(lcs);
	for (uint8_t p2 = 0; p2 <= 1; p2++) {
		io_cmd(INS_INT_AUTH, 0x00, p2, ch, sizeof(ch), 256, &r);
		io_expect_empty(&r, 0x6985, "[IA-1] INTERNAL AUTHENTICATE");
	}
}
