/* SPDX-License-Identifier: MIT */
/*
 * The badge applet's commands from the host side (applet-spec/SPEC.md):
 * selection and the length mode, reading objects, PIN, badge
 * authentication (INTERNAL AUTHENTICATE) and terminal authentication.
 * Personalization is in badge_perso.c, the parsers of the card's answers
 * in badge_parse.c, the integrator's one-call check in badge_auth.c.
 *
 * Length mode. SELECT chooses, per card, how later commands go out and
 * keeps the choice in the cvc_card (card_int.h), because re-reading the
 * FCI would cost an exchange and SELECT would clear the session ([SEL-4]):
 *   - extended form (data in one command, Le = FCI 84) when the FCI offers
 *     at least 1024 octets both ways ([SEL-6]) and the transport carries
 *     extended APDUs (PC/SC, in-process function);
 *   - short form otherwise: data chained in 255-octet parts (CLA 10,
 *     [LEN-3]), Le 256 and GET RESPONSE ([LEN-2]). NFC always uses it:
 *     libnfc takes at most 262 octets of command and returns at most 263
 *     octets of answer per exchange (nfc.c), so neither an extended
 *     command nor an extended Le answer of more than 261 octets gets
 *     through.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "badge_int.h"
#include "card_int.h"

#define PIN_REF        0x81u
#define PIN_BLOCK_LEN  12u
#define PIN_TRIES_FULL 3 /* [PIN-1]: a correct PIN resets to 3 */
#define SW_TERMINATED  0x6285u
#define SW_PIN_BLOCKED 0x6983u

/* ------------------------------------------------------------------ */
/* Status words and exchanges                                          */

typedef struct sw_phrase {
	uint16_t sw;
	const char *text;
} sw_phrase;

/* SPEC.md 7, with the status word in front for log lines. */
static const sw_phrase sw_phrases[] = {
    {0x6285, "6285 badge terminated"},
    {0x6300, "6300 terminal signature wrong"},
    {0x63C0, "63C0 PIN wrong, no tries left"},
    {0x63C1, "63C1 PIN wrong, 1 try left"},
    {0x63C2, "63C2 PIN wrong, 2 tries left"},
    {0x63C3, "63C3 PIN wrong, 3 tries left"},
    {0x6581, "6581 memory failure, nothing changed"},
    {0x6700, "6700 wrong length"},
    {0x6883, "6883 last command of the chain expected"},
    {0x6884, "6884 command chaining not supported"},
    {0x6982, "6982 security status not satisfied"},
    {0x6983, "6983 PIN blocked"},
    {0x6984, "6984 certificate not usable"},
    {0x6985, "6985 not allowed in this state or order"},
    {0x6A80, "6A80 malformed or inconsistent data"},
    {0x6A81, "6A81 function not supported"},
    {0x6A82, "6A82 application not found"},
    {0x6A86, "6A86 wrong P1 or P2"},
    {0x6A88, "6A88 data object or key not found"},
    {0x6D00, "6D00 instruction not supported"},
    {0x6E00, "6E00 class not supported"},
};

const char *cvc_badge_sw_phrase(uint16_t sw)
{
	for (size_t i = 0; i < sizeof(sw_phrases) / sizeof(sw_phrases[0]); i++)
		if (sw_phrases[i].sw == sw)
			return sw_phrases[i].text;
	return "unexpected status word (in the tag field)";
}

static const char *transport_phrase(cvc_err err)
{
	switch (err) {
	case CVC_ERR_BUFFER_TOO_SMALL:
		return "answer longer than expected";
	case CVC_ERR_APDU:
		return "card answered outside ISO/IEC 7816-4";
	default:
		return "exchange failed";
	}
}

/* Turns the outcome of one command into the layer's error. */
static cvc_err judge(cvc_err err, const cvc_rapdu *out, const char *what,
                     cvc_diag *diag)
{
	if (err != CVC_OK)
		return cvc_badge_fail(diag, err, 0, what, 0,
		                      transport_phrase(err));
	if (!cvc_sw_ok(out->sw))
		return cvc_badge_fail(diag, CVC_ERR_CARD_STATUS, 0, what,
		                      out->sw, cvc_badge_sw_phrase(out->sw));
	return CVC_OK;
}

cvc_err cvc_badge_exchange(cvc_card *card, cvc_apdu *cmd, bool want_data,
                           const char *what, uint8_t *resp, size_t cap,
                           cvc_rapdu *out, cvc_diag *diag)
{
	bool ext = card->badge_extended;

	cmd->extended = ext;
	if (want_data)
		cmd->le =
		    ext ? card->badge_max_response : CVC_APDU_MAX_SHORT_LE;
	/* max_chunk 0: 255-octet parts in short form, one command when
	 * extended. */
	return judge(cvc_card_transmit(card, cmd, 0, resp, cap, out), out, what,
	             diag);
}

/* A command without response data. */
cvc_err cvc_badge_send_plain(cvc_card *card, cvc_apdu *cmd, const char *what,
                             cvc_diag *diag)
{
	uint8_t resp[CVC_APDU_MAX_SHORT_LE];
	cvc_rapdu out;

	return cvc_badge_exchange(card, cmd, false, what, resp, sizeof(resp),
	                          &out, diag);
}

void cvc_badge_apdu_set(cvc_apdu *a, uint8_t ins, uint8_t p1, uint8_t p2,
                        cvc_span data)
{
	memset(a, 0, sizeof(*a));
	a->ins = ins;
	a->p1 = p1;
	a->p2 = p2;
	a->data = data;
}

/* ------------------------------------------------------------------ */
/* Selection and status                                                */

static cvc_err check_select_answer(const cvc_rapdu *out, cvc_badge_info *info,
                                   cvc_diag *diag)
{
	cvc_err err;

	if (out->sw != CVC_SW_OK && out->sw != SW_TERMINATED)
		return judge(CVC_OK, out, "SELECT", diag);
	err = cvc_badge_info_parse(out->data.data, out->data.len, info, diag);
	if (err != CVC_OK)
		return err;
	/* [SEL-1]: 6285 exactly when the badge is terminated. */
	if ((out->sw == SW_TERMINATED) != (info->state == CVC_BADGE_TERMINATED))
		return cvc_badge_fail(diag, CVC_ERR_BAD_VALUE, 0, "SELECT",
		                      out->sw,
		                      "status word and life cycle disagree");
	if ((info->version >> 8) != 0x01)
		return cvc_badge_fail(diag, CVC_ERR_UNSUPPORTED, 0,
		                      "applet version", info->version,
		                      "not a version 1 applet");
	return CVC_OK;
}

cvc_err cvc_badge_select(cvc_card *card, cvc_badge_info *info, cvc_diag *diag)
{
	uint8_t resp[BADGE_RESP_MAX]; /* later versions may add to the FCI */
	cvc_badge_info local;
	cvc_apdu cmd;
	cvc_rapdu out;
	cvc_err err;

	if (card == NULL)
		return CVC_ERR_INVALID_ARG;
	if (info == NULL)
		info = &local;
	memset(info, 0, sizeof(*info));
	card->badge_extended = false;
	card->badge_max_response = 0;
	/* Short form: the mode is not known yet (GET RESPONSE fetches an FCI
	 * over 256 octets). */
	cvc_apdu_select_aid(
	    &cmd, (cvc_span){(const uint8_t *)CVC_BADGE_AID, CVC_BADGE_AID_LEN},
	    0x00, CVC_APDU_MAX_SHORT_LE);
	err = cvc_card_transmit(card, &cmd, 0, resp, sizeof(resp), &out);
	if (err != CVC_OK)
		return judge(err, &out, "SELECT", diag);
	err = check_select_answer(&out, info, diag);
	if (err != CVC_OK) {
		memset(info, 0, sizeof(*info));
		return err;
	}
	card->badge_extended = cvc_card_transport(card) != CVC_TRANSPORT_NFC &&
	                       info->max_command >= 1024 &&
	                       info->max_response >= 1024;
	card->badge_max_response = info->max_response;
	return CVC_OK;
}

cvc_err cvc_badge_status(cvc_card *card, cvc_badge_info *info, cvc_diag *diag)
{
	uint8_t resp[BADGE_RESP_MAX];
	cvc_apdu cmd;
	cvc_rapdu out;
	cvc_err err;

	if (card == NULL || info == NULL)
		return CVC_ERR_INVALID_ARG;
	memset(info, 0, sizeof(*info));
	cvc_apdu_get_data(&cmd, BADGE_DO_STATUS, 0);
	err = cvc_badge_exchange(card, &cmd, true, "GET DATA status", resp,
	                         sizeof(resp), &out, diag);
	if (err != CVC_OK)
		return err;
	if (out.data.len > 0 && out.data.data[0] != BADGE_TAG_PROP)
		return cvc_badge_fail(diag, CVC_ERR_UNEXPECTED_TAG, 0, "status",
		                      out.data.data[0],
		                      "expected the A5 template");
	return cvc_badge_info_parse(out.data.data, out.data.len, info, diag);
}

/* ------------------------------------------------------------------ */
/* Reading objects                                                     */

static cvc_err get_data(cvc_card *card, uint16_t tag, const char *what,
                        uint8_t *buf, size_t cap, size_t *len, cvc_diag *diag)
{
	cvc_apdu cmd;
	cvc_rapdu out;
	cvc_err err;

	if (card == NULL || len == NULL || (buf == NULL && cap > 0))
		return CVC_ERR_INVALID_ARG;
	*len = 0;
	cvc_apdu_get_data(&cmd, tag, 0);
	err = cvc_badge_exchange(card, &cmd, true, what, buf, cap, &out, diag);
	if (err == CVC_OK)
		*len = out.data.len;
	return err;
}

cvc_err cvc_badge_read_chain(cvc_card *card, uint8_t *buf, size_t cap,
                             size_t *len, cvc_diag *diag)
{
	return get_data(card, BADGE_DO_CHAIN, "GET DATA chain", buf, cap, len,
	                diag);
}

cvc_err cvc_badge_read_anchor(cvc_card *card, uint8_t *buf, size_t cap,
                              size_t *len, cvc_diag *diag)
{
	return get_data(card, BADGE_DO_ANCHOR, "GET DATA trust anchor", buf,
	                cap, len, diag);
}

cvc_err cvc_badge_read_holder(cvc_card *card, cvc_badge_holder *holder,
                              cvc_diag *diag)
{
	uint8_t buf[BADGE_RESP_MAX];
	size_t len = 0;
	cvc_err err;

	if (holder == NULL)
		return CVC_ERR_INVALID_ARG;
	memset(holder, 0, sizeof(*holder));
	err = get_data(card, BADGE_DO_HOLDER, "GET DATA holder data", buf,
	               sizeof(buf), &len, diag);
	if (err == CVC_OK)
		err = cvc_badge_holder_decode(buf, len, holder, diag);
	OPENSSL_cleanse(buf, len);
	return err;
}

/* ------------------------------------------------------------------ */
/* PIN (SPEC.md 5.6)                                                   */

/* The PIN as ASCII digits padded with FF to 12 octets. */
static cvc_err pin_block(const char *pin, uint8_t block[PIN_BLOCK_LEN],
                         cvc_diag *diag)
{
	size_t n;

	if (pin == NULL)
		return CVC_ERR_INVALID_ARG;
	n = strnlen(pin, CVC_BADGE_PIN_MAX + 1);
	if (n < CVC_BADGE_PIN_MIN || n > CVC_BADGE_PIN_MAX)
		return cvc_badge_fail(diag, CVC_ERR_INVALID_ARG, 0, "PIN", 0,
		                      "not 6 to 12 digits");
	for (size_t i = 0; i < n; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return cvc_badge_fail(diag, CVC_ERR_INVALID_ARG, 0,
			                      "PIN", 0, "not only digits");
	memset(block, 0xFF, PIN_BLOCK_LEN);
	memcpy(block, pin, n);
	return CVC_OK;
}

/* Tries left as the answer tells them: 63Cx, 6983 blocked. */
static void note_tries(uint16_t sw, cvc_err err, int *tries)
{
	if (tries == NULL)
		return;
	if (err == CVC_OK)
		*tries = PIN_TRIES_FULL;
	else if ((sw & 0xFFF0u) == 0x63C0u)
		*tries = (int)(sw & 0x0Fu);
	else if (sw == SW_PIN_BLOCKED)
		*tries = 0;
}

static cvc_err pin_command(cvc_card *card, uint8_t ins, uint8_t p1,
                           const uint8_t *data, size_t len, const char *what,
                           int *tries, cvc_diag *diag)
{
	uint8_t resp[CVC_APDU_MAX_SHORT_LE];
	cvc_apdu cmd;
	cvc_rapdu out;
	cvc_err err;

	cvc_badge_apdu_set(&cmd, ins, p1, PIN_REF, (cvc_span){data, len});
	err = cvc_badge_exchange(card, &cmd, false, what, resp, sizeof(resp),
	                         &out, diag);
	note_tries(out.sw, err, tries);
	return err;
}

cvc_err cvc_badge_verify_pin(cvc_card *card, const char *pin, int *tries,
                             cvc_diag *diag)
{
	uint8_t block[PIN_BLOCK_LEN];
	cvc_err err;

	if (tries != NULL)
		*tries = -1;
	if (card == NULL)
		return CVC_ERR_INVALID_ARG;
	if (pin == NULL) /* [PIN-2]: ask whether verified, and the tries */
		return pin_command(card, BADGE_INS_VERIFY, 0x00, NULL, 0,
		                   "VERIFY", tries, diag);
	err = pin_block(pin, block, diag);
	if (err == CVC_OK)
		err = pin_command(card, BADGE_INS_VERIFY, 0x00, block,
		                  sizeof(block), "VERIFY", tries, diag);
	OPENSSL_cleanse(block, sizeof(block));
	return err;
}

cvc_err cvc_badge_change_pin(cvc_card *card, const char *old_pin,
                             const char *new_pin, int *tries, cvc_diag *diag)
{
	uint8_t blocks[2 * PIN_BLOCK_LEN];
	cvc_err err;

	if (tries != NULL)
		*tries = -1;
	if (card == NULL)
		return CVC_ERR_INVALID_ARG;
	err = pin_block(old_pin, blocks, diag);
	if (err == CVC_OK)
		err = pin_block(new_pin, blocks + PIN_BLOCK_LEN, diag);
	if (err == CVC_OK)
		err = pin_command(card, BADGE_INS_CHANGE_REF, 0x00, blocks,
		                  sizeof(blocks), "CHANGE REFERENCE DATA",
		                  tries, diag);
	OPENSSL_cleanse(blocks, sizeof(blocks));
	return err;
}

cvc_err cvc_badge_set_pin(cvc_card *card, const char *pin, cvc_diag *diag)
{
	uint8_t block[PIN_BLOCK_LEN];
	cvc_err err;

	if (card == NULL)
		return CVC_ERR_INVALID_ARG;
	err = pin_block(pin, block, diag);
	if (err == CVC_OK) /* P1 02: new reference data only */
		err = pin_command(card, BADGE_INS_RESET_RETRY, 0x02, block,
		                  sizeof(block), "RESET RETRY COUNTER", NULL,
		                  diag);
	OPENSSL_cleanse(block, sizeof(block));
	return err;
}

/* ------------------------------------------------------------------ */
/* Badge authentication (SPEC.md 5.5)                                  */

cvc_err cvc_badge_internal_auth(cvc_card *card, const uint8_t *challenge,
                                size_t challenge_len, bool require_pin,
                                bool want_chain, cvc_badge_proof *proof,
                                uint8_t *chain_buf, size_t chain_cap,
                                cvc_diag *diag)
{
	uint8_t resp[BADGE_RESP_MAX];
	cvc_span chain;
	cvc_apdu cmd;
	cvc_rapdu out;
	cvc_err err;

	if (proof != NULL)
		memset(proof, 0, sizeof(*proof));
	if (card == NULL || challenge == NULL || proof == NULL ||
	    (want_chain && chain_buf == NULL))
		return CVC_ERR_INVALID_ARG;
	if (challenge_len < CVC_BADGE_CHALLENGE_MIN ||
	    challenge_len > CVC_BADGE_CHALLENGE_MAX)
		return cvc_badge_fail(diag, CVC_ERR_INVALID_ARG, 0, "challenge",
		                      0, "not 16 to 64 octets");
	cvc_badge_apdu_set(&cmd, BADGE_INS_INTERNAL_AUTH,
	                   require_pin ? 0x01 : 0x00, want_chain ? 0x01 : 0x00,
	                   (cvc_span){challenge, challenge_len});
	err = cvc_badge_exchange(card, &cmd, true, "INTERNAL AUTHENTICATE",
	                         resp, sizeof(resp), &out, diag);
	if (err == CVC_OK)
		err = cvc_badge_parse_auth(out.data.data, out.data.len,
		                           want_chain, proof, &chain, diag);
	if (err != CVC_OK || !want_chain)
		return err;
	if (chain.len > chain_cap) {
		memset(proof, 0, sizeof(*proof));
		return CVC_ERR_BUFFER_TOO_SMALL;
	}
	memcpy(chain_buf, chain.data, chain.len);
	proof->chain_len = chain.len;
	return CVC_OK;
}

cvc_err cvc_badge_verify_proof(const cvc_cert *badge_cert,
                               const cvc_pubkey *domain,
                               const uint8_t *challenge, size_t challenge_len,
                               const cvc_badge_proof *proof, cvc_diag *diag)
{
	uint8_t msg[160];
	size_t msg_len = 0;
	cvc_key *key = NULL;
	cvc_err err;

	if (badge_cert == NULL || challenge == NULL || proof == NULL ||
	    proof->signature_len > sizeof(proof->signature))
		return CVC_ERR_INVALID_ARG;
	err = cvc_badge_auth_message(
	    proof->flags, badge_cert->chr,
	    (cvc_span){proof->nonce, sizeof(proof->nonce)},
	    (cvc_span){challenge, challenge_len}, msg, sizeof(msg), &msg_len);
	if (err != CVC_OK)
		return cvc_badge_fail(diag, err, 0, "challenge", 0,
		                      "M_AUTH cannot be built");
	err = cvc_key_from_pubkey(&badge_cert->key, domain, badge_cert->cpi,
	                          &key, diag);
	if (err != CVC_OK)
		return err;
	err = cvc_key_verify(key, NULL, msg, msg_len, proof->signature,
	                     proof->signature_len);
	cvc_key_free(&key);
	if (err == CVC_ERR_SIGNATURE)
		return cvc_badge_fail(
		    diag, err, 0, "badge signature", CVC_TAG_SIGNATURE,
		    "made with another key or over other data");
	if (err != CVC_OK)
		return cvc_badge_fail(diag, err, 0, "badge signature",
		                      CVC_TAG_SIGNATURE, "cannot be checked");
	return CVC_OK;
}

/* ------------------------------------------------------------------ */
/* Terminal authentication (SPEC.md 5.4)                               */

/* PSO:VERIFY CERTIFICATE takes the contents of 7F21 (7F4E ... 5F37 ...). */
static cvc_err verify_certificate(cvc_card *card, cvc_span cert, uint16_t *sw,
                                  cvc_diag *diag)
{
	uint8_t resp[CVC_APDU_MAX_SHORT_LE];
	cvc_tlv_reader r;
	cvc_tlv t;
	cvc_apdu cmd;
	cvc_rapdu out;
	cvc_err err;

	if (cert.data == NULL)
		return CVC_ERR_INVALID_ARG;
	cvc_tlv_reader_init(&r, cert.data, cert.len, CVC_TLV_STRICT);
	err = cvc_tlv_get(&r, CVC_TAG_CERT, "certificate", &t, diag);
	if (err != CVC_OK)
		return err;
	if (cvc_tlv_remaining(&r) != 0)
		return cvc_badge_fail(diag, CVC_ERR_TRAILING_DATA,
		                      cvc_tlv_offset(&r), "certificate", 0,
		                      "data after the certificate");
	cvc_apdu_pso_verify_certificate(&cmd, t.value);
	err = cvc_badge_exchange(card, &cmd, false, "PSO:VERIFY CERTIFICATE",
	                         resp, sizeof(resp), &out, diag);
	*sw = out.sw;
	return err;
}

/* GET CHALLENGE is always short with Le 10 ([TA-5] refuses others). */
static cvc_err get_challenge(cvc_card *card, uint8_t rpicc[16], uint16_t *sw,
                             cvc_diag *diag)
{
	uint8_t resp[CVC_APDU_MAX_SHORT_LE];
	cvc_apdu cmd;
	cvc_rapdu out;
	cvc_err err;

	cvc_apdu_get_challenge(&cmd, 16);
	err = cvc_card_transmit(card, &cmd, 0, resp, sizeof(resp), &out);
	*sw = out.sw;
	err = judge(err, &out, "GET CHALLENGE", diag);
	if (err != CVC_OK)
		return err;
	if (out.data.len != 16)
		return cvc_badge_fail(diag, CVC_ERR_BAD_LENGTH, 0,
		                      "GET CHALLENGE", 0,
		                      "challenge is not 16 octets");
	memcpy(rpicc, out.data.data, 16);
	return CVC_OK;
}

static cvc_err external_authenticate(cvc_card *card, const cvc_signer *terminal,
                                     cvc_span badge_chr,
                                     const uint8_t rpicc[16], uint16_t *sw,
                                     cvc_diag *diag)
{
	uint8_t msg[64], sig[1024], resp[CVC_APDU_MAX_SHORT_LE];
	size_t msg_len = 0, sig_len = 0;
	cvc_apdu cmd;
	cvc_rapdu out;
	cvc_err err = cvc_badge_ta_message(badge_chr, (cvc_span){rpicc, 16},
	                                   msg, sizeof(msg), &msg_len);

	if (err != CVC_OK)
		return cvc_badge_fail(diag, err, 0, "badge CHR", 0,
		                      "M_TA cannot be built");
	err =
	    cvc_signer_sign(terminal, msg, msg_len, sig, sizeof(sig), &sig_len);
	if (err != CVC_OK)
		return cvc_badge_fail(diag, err, 0, "terminal key", 0,
		                      "signing M_TA failed");
	cvc_apdu_external_authenticate(&cmd, (cvc_span){sig, sig_len});
	err = cvc_badge_exchange(card, &cmd, false, "EXTERNAL AUTHENTICATE",
	                         resp, sizeof(resp), &out, diag);
	*sw = out.sw;
	return err;
}

cvc_err cvc_badge_terminal_auth(cvc_card *card, const cvc_span *certs, size_t n,
                                const cvc_signer *terminal, cvc_span badge_chr,
                                uint16_t *sw, cvc_diag *diag)
{
	uint8_t rpicc[16];
	uint16_t local_sw = 0;
	cvc_err err = CVC_OK;

	if (sw == NULL)
		sw = &local_sw;
	*sw = 0;
	if (card == NULL || certs == NULL || n == 0 || terminal == NULL ||
	    badge_chr.data == NULL || badge_chr.len == 0 ||
	    badge_chr.len > CVC_MAX_REF_LEN)
		return CVC_ERR_INVALID_ARG;
	for (size_t i = 0; i < n && err == CVC_OK; i++)
		err = verify_certificate(card, certs[i], sw, diag);
	if (err == CVC_OK)
		err = get_challenge(card, rpicc, sw, diag);
	if (err == CVC_OK)
		err = external_authenticate(card, terminal, badge_chr, rpicc,
		                            sw, diag);
	return err;
}
