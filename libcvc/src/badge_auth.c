/* SPDX-License-Identifier: MIT */
/*
 * cvc_badge_authenticate(): the one call a door controller or a logon
 * module makes (SPEC.md 8, "Door" and "Workstation logon").
 *
 * Order of the steps: SELECT, VERIFY (when the policy has a PIN),
 * INTERNAL AUTHENTICATE P2 01 with a fresh challenge, then everything the
 * host checks offline (chain, signature, PIN flag, rights), and only for
 * a badge that passed them terminal authentication and the holder data.
 * Terminal authentication comes after INTERNAL AUTHENTICATE, as in the
 * spec's renewal flow, because M_TA needs the badge's CHR, which arrives
 * with the chain: doing it first would cost a GET DATA exchange, and the
 * terminal's credentials are never shown to a card that failed.
 *
 * A decision is ACCEPT or REFUSE whenever the card answered, whatever it
 * answered (a foreign card, a blank or terminated badge, a malformed
 * answer, a bad chain or signature); ERROR only when no answer arrived
 * (transport), or the policy or the host itself failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "badge_int.h"
#include "card_int.h"

/* SPEC.md 8: a door sends a 32-octet random challenge. */
#define AUTH_CHALLENGE_LEN 32u

typedef struct auth_run {
	cvc_card *card;
	const cvc_badge_policy *pol;
	cvc_badge_result *res;
	/* The caller's log hook, wrapped to count exchanges. */
	cvc_card_log_fn saved_fn;
	void *saved_ctx;
	unsigned exchanges;
	cvc_diag diag;
	uint8_t challenge[AUTH_CHALLENGE_LEN];
	cvc_badge_proof proof;
	uint8_t chain[CVC_BADGE_MAX_CHAIN];
	cvc_cert badge, dv;
	cvc_chain_result chain_res;
	bool all_steps_passed; /* set last: the only way to an ACCEPT */
} auth_run;

/* ------------------------------------------------------------------ */
/* Outcomes                                                            */

#if defined(__GNUC__) || defined(__clang__)
static void detail(cvc_badge_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#endif

static void detail(cvc_badge_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->detail, sizeof(res->detail), fmt, ap);
	va_end(ap);
}

/* No answer, or a failure of the host or the policy: no decision. */
static bool prevents_decision(cvc_err err)
{
	switch (err) {
	case CVC_ERR_CARD_REMOVED:
	case CVC_ERR_TIMEOUT:
	case CVC_ERR_TRANSPORT:
	case CVC_ERR_NO_CARD:
	case CVC_ERR_NO_READER:
	case CVC_ERR_APDU:
	case CVC_ERR_NO_MEMORY:
	case CVC_ERR_CRYPTO:
	case CVC_ERR_INVALID_ARG:
		return true;
	default:
		return false;
	}
}

static cvc_err refuse(auth_run *a, cvc_err reason, const char *check)
{
	a->res->decision = CVC_BADGE_REFUSE;
	a->res->reason = reason;
	a->res->check = check;
	return CVC_OK;
}

/* Errors of a parser, whose diagnostic offset means something. */
static bool is_decoding_error(cvc_err err)
{
	return err >= CVC_ERR_TRUNCATED && err <= CVC_ERR_BAD_STRING;
}

/* One line from the diagnostic of a failed step. */
static void detail_from_diag(auth_run *a, cvc_err err)
{
	const cvc_diag *d = &a->diag;
	const char *field = d->field != NULL ? d->field : a->res->check;
	char sw[96], at[32] = "";

	if (err == CVC_ERR_CARD_STATUS) {
		detail(a->res, "%s: card answered %04X %s", field,
		       (unsigned)d->tag,
		       cvc_sw_text((uint16_t)d->tag, sw, sizeof(sw)));
		return;
	}
	if (is_decoding_error(err))
		snprintf(at, sizeof(at), " (byte %zu)", d->offset);
	detail(a->res, "%s: %s%s%s%s", field, cvc_strerror(err),
	       d->reason != NULL ? ": " : "",
	       d->reason != NULL ? d->reason : "", at);
}

/* The outcome of a step that failed with err. */
static cvc_err step_failed(auth_run *a, cvc_err err, const char *check)
{
	a->res->check = check;
	detail_from_diag(a, err);
	if (prevents_decision(err)) {
		a->res->decision = CVC_BADGE_ERROR;
		a->res->reason = err;
		return err;
	}
	return refuse(a, err, check);
}

static void clear_diag(auth_run *a)
{
	memset(&a->diag, 0, sizeof(a->diag));
}

/* ------------------------------------------------------------------ */
/* Counting exchanges                                                  */

static void count_exchange(void *ctx, bool is_command, const uint8_t *apdu,
                           size_t len)
{
	auth_run *a = ctx;

	if (is_command)
		a->exchanges++;
	if (a->saved_fn != NULL)
		a->saved_fn(a->saved_ctx, is_command, apdu, len);
}

static void start_counting(auth_run *a)
{
	a->saved_fn = a->card->log_fn;
	a->saved_ctx = a->card->log_ctx;
	cvc_card_set_log(a->card, count_exchange, a);
}

static void stop_counting(auth_run *a)
{
	cvc_card_set_log(a->card, a->saved_fn, a->saved_ctx);
	a->res->exchanges = a->exchanges;
}

/* ------------------------------------------------------------------ */
/* Steps                                                               */

static cvc_err select_badge(auth_run *a)
{
	cvc_badge_info info;
	cvc_err err;

	clear_diag(a);
	err = cvc_badge_select(a->card, &info, &a->diag);
	if (err != CVC_OK)
		return step_failed(a, err, "select");
	a->res->state = info.state;
	if (info.state == CVC_BADGE_BLANK) {
		detail(a->res, "badge is blank (not personalized)");
		return refuse(a, CVC_ERR_CARD_STATUS, "state");
	}
	if (info.state == CVC_BADGE_TERMINATED) {
		detail(a->res, "badge is terminated (SELECT answered 6285)");
		return refuse(a, CVC_ERR_CARD_STATUS, "state");
	}
	return CVC_OK;
}

static cvc_err verify_pin(auth_run *a)
{
	int tries = -1;
	cvc_err err;

	clear_diag(a);
	err = cvc_badge_verify_pin(a->card, a->pol->pin, &tries, &a->diag);
	if (err != CVC_OK)
		return step_failed(a, err, "PIN");
	return CVC_OK;
}

static cvc_err internal_authenticate(auth_run *a)
{
	cvc_err err;

	if (RAND_bytes(a->challenge, sizeof(a->challenge)) != 1) {
		detail(a->res, "no random challenge");
		a->res->decision = CVC_BADGE_ERROR;
		a->res->reason = CVC_ERR_CRYPTO;
		a->res->check = "challenge";
		return CVC_ERR_CRYPTO;
	}
	clear_diag(a);
	err = cvc_badge_internal_auth(
	    a->card, a->challenge, sizeof(a->challenge), a->pol->require_pin,
	    true, &a->proof, a->chain, sizeof(a->chain), &a->diag);
	if (err == CVC_ERR_CARD_STATUS && a->pol->require_pin &&
	    a->diag.tag == 0x6982) {
		detail(a->res, "PIN not verified: the badge refused to sign "
		               "(6982)");
		return refuse(a, err, "PIN");
	}
	if (err != CVC_OK)
		return step_failed(a, err, "internal authenticate");
	return CVC_OK;
}

/* A CHR for a log line: printable ASCII, anything else as '?'. */
static void copy_ref(char *dst, size_t cap, cvc_span ref)
{
	size_t n = ref.len < cap - 1 ? ref.len : cap - 1;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = ref.data[i];

		dst[i] = c >= 0x20 && c <= 0x7E ? (char)c : '?';
	}
	dst[n] = '\0';
}

static cvc_err split_chain(auth_run *a)
{
	cvc_badge_result *res = a->res;
	cvc_err err;

	clear_diag(a);
	err = cvc_badge_split_chain(a->chain, a->proof.chain_len, &a->badge,
	                            &a->dv, &a->diag);
	if (err != CVC_OK)
		return step_failed(a, err, "chain format");
	copy_ref(res->holder_chr, sizeof(res->holder_chr), a->badge.chr);
	copy_ref(res->dv_chr, sizeof(res->dv_chr), a->dv.chr);
	res->effective = a->badge.effective;
	res->expiration = a->badge.expiration;
	return CVC_OK;
}

static cvc_err validate_chain(auth_run *a)
{
	const cvc_badge_policy *pol = a->pol;
	cvc_chain_result *cr = &a->chain_res;
	const cvc_cert *extra[1] = {&a->dv};
	char who[CVC_MAX_REF_LEN + 1] = "?";
	cvc_err err;

	err = cvc_chain_verify(pol->store, &a->badge, extra, 1, &pol->at,
	                       pol->crl, pol->chain_flags, cr);
	if (err == CVC_OK) {
		copy_ref(a->res->anchor, sizeof(a->res->anchor),
		         cr->anchor_name);
		a->res->type = cr->type;
		memcpy(a->res->rights, cr->rights, sizeof(a->res->rights));
		a->res->rights_len = cr->rights_len;
		return CVC_OK;
	}
	if (cr->failed < cr->n && cr->chain[cr->failed] != NULL)
		copy_ref(who, sizeof(who), cr->chain[cr->failed]->chr);
	detail(a->res, "chain: %s: %s (%s)", cr->check ? cr->check : "-",
	       cvc_strerror(err), who);
	if (prevents_decision(err)) {
		a->res->decision = CVC_BADGE_ERROR;
		a->res->reason = err;
		a->res->check = "chain";
		return err;
	}
	return refuse(a, err, cr->check != NULL ? cr->check : "chain");
}

static cvc_err verify_signature(auth_run *a)
{
	cvc_err err;

	clear_diag(a);
	err = cvc_badge_verify_proof(&a->badge, a->chain_res.target_domain,
	                             a->challenge, sizeof(a->challenge),
	                             &a->proof, &a->diag);
	if (err != CVC_OK)
		return step_failed(a, err, "signature");
	a->res->pin_verified = (a->proof.flags & CVC_BADGE_FLAG_PIN) != 0;
	return CVC_OK;
}

static cvc_err check_policy(auth_run *a)
{
	const cvc_badge_policy *pol = a->pol;
	cvc_badge_result *res = a->res;
	cvc_chat rights = {.bits = {res->rights, res->rights_len}};

	/* [IA-3]: the flags are signed, so the card vouches for the PIN. */
	if (pol->require_pin && !res->pin_verified) {
		detail(res, "the badge did not sign a verified PIN");
		return refuse(a, CVC_ERR_NOT_AUTHORIZED, "PIN");
	}
	for (size_t i = 0; i < pol->n_required; i++) {
		size_t bit = pol->required_bits[i];
		const char *name;

		if (cvc_chat_bit(&rights, res->type, bit))
			continue;
		name = cvc_chat_bit_name(res->type, bit);
		detail(res, "right b%zu (%s) missing", bit,
		       name != NULL ? name : "-");
		return refuse(a, CVC_ERR_NOT_AUTHORIZED, "rights");
	}
	return CVC_OK;
}

static cvc_err terminal_authenticate(auth_run *a)
{
	const cvc_badge_policy *pol = a->pol;
	cvc_err err;

	clear_diag(a);
	err = cvc_badge_terminal_auth(a->card, pol->terminal_certs,
	                              pol->n_terminal_certs, pol->terminal_key,
	                              a->badge.chr, NULL, &a->diag);
	if (err != CVC_OK)
		return step_failed(a, err, "terminal authentication");
	a->res->terminal_authenticated = true;
	return CVC_OK;
}

static cvc_err read_holder(auth_run *a)
{
	cvc_err err;

	clear_diag(a);
	err = cvc_badge_read_holder(a->card, &a->res->holder, &a->diag);
	if (err != CVC_OK)
		return step_failed(a, err, "holder data");
	a->res->has_holder = true;
	return CVC_OK;
}

/* Everything after SELECT; stops at the first step without ACCEPT. */
static cvc_err run_steps(auth_run *a)
{
	const cvc_badge_policy *pol = a->pol;
	cvc_err err = CVC_OK;

#define STEP(call)                                                             \
	do {                                                                   \
		err = (call);                                                  \
		if (err != CVC_OK || a->res->decision != CVC_BADGE_ACCEPT)     \
			return err;                                            \
	} while (0)

	if (pol->pin != NULL)
		STEP(verify_pin(a));
	STEP(internal_authenticate(a));
	STEP(split_chain(a));
	STEP(validate_chain(a));
	STEP(verify_signature(a));
	STEP(check_policy(a));
	if (pol->terminal_key != NULL)
		STEP(terminal_authenticate(a));
	if (pol->read_holder)
		STEP(read_holder(a));
#undef STEP
	a->all_steps_passed = true;
	return CVC_OK;
}

static bool policy_usable(const cvc_badge_policy *pol)
{
	if (pol->store == NULL)
		return false;
	if (pol->n_required > 0 && pol->required_bits == NULL)
		return false;
	/* Terminal certificates and key come together. */
	if ((pol->terminal_key != NULL) != (pol->n_terminal_certs > 0))
		return false;
	return pol->n_terminal_certs == 0 || pol->terminal_certs != NULL;
}

static void wipe_run(auth_run *a)
{
	OPENSSL_cleanse(a->challenge, sizeof(a->challenge));
	OPENSSL_cleanse(&a->proof, sizeof(a->proof));
}

cvc_err cvc_badge_authenticate(cvc_card *card, const cvc_badge_policy *policy,
                               cvc_badge_result *res)
{
	auth_run a;
	cvc_err err;

	if (res == NULL)
		return CVC_ERR_INVALID_ARG;
	memset(res, 0, sizeof(*res));
	res->decision = CVC_BADGE_ERROR;
	res->reason = CVC_ERR_INVALID_ARG;
	if (card == NULL || policy == NULL || !policy_usable(policy)) {
		detail(res, "no card, or an incomplete policy");
		return CVC_ERR_INVALID_ARG;
	}
	memset(&a, 0, sizeof(a));
	a.card = card;
	a.pol = policy;
	a.res = res;
	res->decision = CVC_BADGE_ACCEPT;
	res->reason = CVC_OK;

	/* One PC/SC transaction: no other application may select something
	 * else between our SELECT and the last command. */
	err = cvc_card_begin(card);
	if (err != CVC_OK) {
		clear_diag(&a);
		return step_failed(&a, err, "transaction");
	}
	err = select_badge(&a);
	if (err == CVC_OK && res->decision == CVC_BADGE_ACCEPT) {
		start_counting(&a);
		err = run_steps(&a);
		stop_counting(&a);
	}
	cvc_card_end(card);
	/* Fail closed: ACCEPT stands only if every step ran and passed. */
	if (res->decision == CVC_BADGE_ACCEPT && !a.all_steps_passed) {
		res->decision = CVC_BADGE_ERROR;
		res->reason = err != CVC_OK ? err : CVC_ERR_INVALID_ARG;
		detail(res, "authentication did not complete");
	} else if (res->decision == CVC_BADGE_ACCEPT) {
		detail(res, "accepted");
	}
	wipe_run(&a);
	return err;
}
