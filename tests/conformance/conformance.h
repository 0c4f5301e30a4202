/* SPDX-License-Identifier: MIT */
/*
 * Conformance suite for the badge applet (applet-spec/SPEC.md).
 *
 * One card goes through its whole life cycle (BLANK, personalization,
 * PERSONALIZED, renewal, root rollover, termination, TERMINATED), so the
 * tests run in order in one process (Check in CK_NOFORK mode) and share the
 * state below. Every test starts from a fresh SELECT.
 *
 * The suite judges the card only by what crosses the reader: raw APDUs
 * built here, answers parsed here, M_AUTH and M_TA built from the SPEC text
 * here. libcvc is used for the transport (cvc_card_transmit_raw), for
 * certificates and for signatures, never for the badge protocol.
 */
#ifndef CONFORMANCE_H
#define CONFORMANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <check.h>

#include <cvc/cvc.h>

/* ------------------------------------------------------------------ */
/* Constants from the SPEC                                              */

extern const uint8_t conf_aid[9];

#define LCS_BLANK        0x03u
#define LCS_PERSONALIZED 0x05u
#define LCS_TERMINATED   0x0Cu

/* Rights (SPEC 4.3): TR-03110-3 C.4.2 bit numbers of an AT CHAT. */
#define RIGHT_TERMINATE 3u
#define RIGHT_PIN       5u
#define RIGHT_RENEW     6u
#define RIGHT_READ      8u

/* INS codes (SPEC 5) */
#define INS_SELECT      0xA4u
#define INS_GET_DATA    0xCAu
#define INS_PUT_DATA    0xDAu
#define INS_PSO         0x2Au
#define INS_GET_CHAL    0x84u
#define INS_EXT_AUTH    0x82u
#define INS_INT_AUTH    0x88u
#define INS_VERIFY      0x20u
#define INS_CHANGE_REF  0x24u
#define INS_RESET_RETRY 0x2Cu
#define INS_GENERATE    0x46u
#define INS_ACTIVATE    0x44u
#define INS_TERMINATE   0xFEu
#define INS_GET_RESP    0xC0u

/* GET DATA / PUT DATA objects */
#define DO_CERT   0x7F21u
#define DO_CHAIN  0x0101u
#define DO_HOLDER 0x0102u
#define DO_ANCHOR 0x0103u
#define DO_STATUS 0x0104u

/* ------------------------------------------------------------------ */
/* Responses and exchanges (io.c)                                       */

#define CONF_MAX_DATA 8192u

typedef struct conf_resp {
	uint8_t data[CONF_MAX_DATA];
	size_t len;
	uint16_t sw;
} conf_resp;

/* One command as the suite sends it. le: 0 none, else octets (256 = 00
 * short, 65536 = 0000 extended). */
typedef struct conf_cmd {
	uint8_t cla, ins, p1, p2;
	const uint8_t *data;
	size_t len;
	size_t le;
	bool extended;
} conf_cmd;

/* Sends exactly one encoded command; fails the test on a transport error. */
void io_raw(const uint8_t *capdu, size_t clen, conf_resp *r);
/* Encodes and sends one command (no chaining, no GET RESPONSE). */
void io_send1(const conf_cmd *c, conf_resp *r);
/* Shorthand for io_send1 with CLA 00, short form. */
void io_cmd(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
            size_t len, size_t le, conf_resp *r);
/*
 * Sends data in a command chain of parts of `chunk` octets (CLA 10 on all
 * but the last; Le only on the last). Each part but the last must be
 * answered 9000 without data [LEN-3]; a part answered otherwise ends the
 * chain and is the result. Returns the number of commands sent.
 */
size_t io_chain(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
                size_t len, size_t chunk, size_t le, conf_resp *r);
/*
 * Sends a command the way a terminal with short APDUs does: data over 255
 * octets in a chain (each part but the last must be answered 9000 without
 * data [LEN-3]), Le 00, and GET RESPONSE while the card answers 61xx
 * (each step checked against [LEN-2]). r gets all data and the final SW.
 */
void io_xchg(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
             size_t len, bool want_data, conf_resp *r);

/* Fails the test (with the last exchanges printed) unless r->sw == sw. */
void io_expect_sw(const conf_resp *r, uint16_t sw, const char *what);
/* ... and no response data. */
void io_expect_empty(const conf_resp *r, uint16_t sw, const char *what);
/* Prints the last exchanges on stderr (called before failing). */
void io_dump_transcript(void);
/* Fails the test with a message, after printing the transcript. */
#define conf_fail(...)                                                         \
	do {                                                                   \
		io_dump_transcript();                                          \
		ck_abort_msg(__VA_ARGS__);                                     \
	} while (0)
#define conf_check(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond))                                                   \
			conf_fail(__VA_ARGS__);                                \
	} while (0)

/* SELECT by the AID, P2 00, Le 00: r gets the FCI; SW checked. */
void io_select(uint16_t expected_sw, conf_resp *r);
/* SELECT, expecting the state's SW (9000, or 6285 when TERMINATED). */
void io_select_state(uint8_t lcs);
/* Warm reset of the card (power loss as the reader can cause it). */
void io_reset(void);
/* GET DATA with Le 00 and GET RESPONSE as needed. */
void io_get_data(uint16_t tag, conf_resp *r);
/* Whether the reader carries a response of n data octets in one piece. */
bool io_reader_carries_response(size_t n);
/* Whether the reader carries a command of n encoded octets. */
bool io_reader_carries_command(size_t n);
/* PUT DATA of an object (chained, as io_xchg), answered sw without data. */
void io_put_data(uint16_t tag, const uint8_t *data, size_t len, uint16_t sw,
                 const char *what);
/* A command with no data and no Le (ACTIVATE, TERMINATE), answered sw. */
void io_expect_bare(uint8_t ins, uint16_t sw, const char *what);
/* GET DATA answered 9000 with exactly these octets. */
void io_expect_object(uint16_t tag, const uint8_t *want, size_t len,
                      const char *what);
/* SELECT by the AID with P2 0C (no Le) [SEL-2]: sw and no data. */
void io_expect_select_no_data(uint16_t sw, const char *what);
/* [GEN-4]: unknown INS answered 6D00, CLA other than 00/10 answered 6E00
 * (on GET DATA of tag). */
void io_expect_unknown_ins_and_cla(uint16_t tag);

/* ------------------------------------------------------------------ */
/* FCI and status template (msg.c)                                      */

typedef struct conf_fci {
	uint8_t lcs;
	uint8_t tries;
	size_t max_cmd, max_resp;
	bool has_date;
	cvc_date date;
	uint16_t version;       /* A5/81 */
	size_t unknown_objects; /* objects after 85 (or 84 while BLANK) */
	uint8_t a5[64];         /* a copy of the whole A5 object */
	size_t a5_len;
} conf_fci;

/* Parses an FCI (6F) strictly [SEL-5]; fails the test when malformed. */
void msg_parse_fci(const uint8_t *data, size_t len, conf_fci *fci);
/* Parses the status template (A5) strictly. */
void msg_parse_status(const uint8_t *data, size_t len, conf_fci *fci);
/* [SEL-5] for version 1.0: version 0100 and no other objects. */
void msg_expect_exact_v10(const conf_fci *fci);
/* Whether two parsed templates carry the same A5 octets. */
bool msg_same_status(const conf_fci *a, const conf_fci *b);
/* SELECT + FCI of the card now (SW as the state requires). */
void msg_card_status(conf_fci *fci);
/* SELECT expecting sw, the FCI parsed. */
void msg_select_fci(uint16_t sw, conf_fci *fci);
/* The same, and the FCI exactly as version 1.0 has it [SEL-5]. */
void msg_select_exact_v10(uint16_t sw, conf_fci *fci);
/* GET DATA 0104: exact, and the same A5 as the FCI's [SEL-5]. */
void msg_expect_status_as_fci(const conf_fci *fci);

/* ------------------------------------------------------------------ */
/* Messages, holder data, PIN blocks (msg.c)                            */

/* M_TA (SPEC 5.4). out needs 18 + 1 + 16 + 16 octets. */
size_t msg_ta(cvc_span chr, const uint8_t rpicc[16], uint8_t *out, size_t cap);
/* M_AUTH (SPEC 5.5). */
size_t msg_auth(uint8_t flags, cvc_span chr, const uint8_t nonce[16],
                const uint8_t *challenge, size_t challenge_len, uint8_t *out,
                size_t cap);

/* Holder data template 65 (SPEC 4.1): dept NULL omits 82. */
size_t msg_holder(const char *name, const char *staff, const char *dept,
                  uint8_t *out, size_t cap);

/* PIN block: ASCII digits padded with FF to 12 octets. */
void msg_pin_block(const char *pin, uint8_t block[12]);

/* Twelve-octet PIN blocks the card must refuse [PIN-3]. */
extern const char *const msg_malformed_pin_blocks[];
extern const size_t msg_n_malformed_pin_blocks;

/* An INTERNAL AUTHENTICATE answer (SPEC 5.5), parsed strictly. */
typedef struct conf_ia {
	uint8_t nonce[16];
	uint8_t flags;
	cvc_span signature;
	cvc_span chain; /* both 7F21 objects, when present */
} conf_ia;

void msg_parse_ia(const uint8_t *data, size_t len, bool with_chain,
                  conf_ia *ia);

/* ------------------------------------------------------------------ */
/* Test PKI (pki.c)                                                     */

#define CONF_MAX_CERT 1024u

typedef struct conf_cert {
	const char *label;
	cvc_signer *key; /* holder's private key; NULL for card keys */
	bool own_key;
	uint8_t der[CONF_MAX_CERT];
	size_t len;
	cvc_cert cert; /* view into der */
} conf_cert;

/* What to issue. */
typedef struct conf_issue {
	const char *label;
	const char *chr;
	const char *car; /* NULL: issuer's CHR (self-signed: own) */
	cvc_role role;
	const uint8_t *type_oid; /* NULL: id-AT */
	size_t type_oid_len;
	const unsigned *rights; /* access bits, ... */
	size_t n_rights;
	bool all_rights;           /* ... or every AT access bit */
	const char *from, *to;     /* CED, CXD "YYYY-MM-DD" */
	int domain;                /* EC domain parameters: -1 auto (CVCA) */
	const conf_cert *same_key; /* reuse this holder's key */
	const uint8_t *pubkey;     /* a card's 7F49 object (badge certs) */
	size_t pubkey_len;
	const cvc_signer *signer; /* NULL: issuer's key (self: own) */
} conf_issue;

void pki_issue(const conf_cert *issuer, const conf_issue *spec, conf_cert *out);
/* A copy of src with one bit of the signature flipped. */
void pki_bad_signature(const conf_cert *src, const char *label, conf_cert *out);
/* The certificate's contents without the 7F21 header (PSO data). */
cvc_span pki_body_and_sig(const conf_cert *c);
/* The certificate's public key with the anchor's domain parameters. */
cvc_key *pki_key(const conf_cert *c, const conf_cert *anchor);
/* A copy whose view points into its own der (the key is not owned). */
void pki_cert_copy(conf_cert *dst, const conf_cert *src);
void pki_cert_free(conf_cert *c);

/*
 * The suite's PKI, built at start: names below are those of SPEC 8 flows.
 * Dates are chosen against the card date the card must keep (SPEC 4.4):
 * after personalization it is the DV's CED 2025-04-01 [DATE-1].
 */
typedef struct conf_pki {
	conf_cert cvca;       /* the trust anchor, all rights */
	conf_cert dv;         /* DV, CED 2025-04-01 (latest of the chain) */
	conf_cert foreign;    /* another self-signed CVCA */
	conf_cert dv_foreign; /* same CHR as dv, signed by the foreign CVCA */
	/* terminals under dv, CED 2025-02-15 CXD 2030-06-30 */
	conf_cert t_all, t_none, t_read, t_pin, t_renew, t_term;
	conf_cert t_expired; /* CXD 2025-03-31: before the card date */
	conf_cert t_edge;    /* CXD 2025-04-01: on the card date */
	conf_cert t_late;    /* CED 2025-09-01: later than the card date */
	conf_cert t_badsig;  /* t_all with a broken signature */
	conf_cert t_by_cvca; /* terminal issued by the CVCA itself */
	conf_cert t_unknown; /* CAR nobody knows */
	conf_cert t_second;  /* another terminal under dv (TA-1) */
	/* DVs under cvca */
	conf_cert dv_limited;     /* lacks "read holder data" and "terminate" */
	conf_cert t_limited;      /* claims all rights under dv_limited */
	conf_cert dv_is;          /* CHAT of type IS */
	conf_cert dv_badsig;      /* dv with a broken signature */
	conf_cert dv_late;        /* CED 2025-06-01: advances the card date */
	conf_cert dv_late_badsig; /* CED 2025-07-01, broken signature */
	conf_cert dv_by_dv;       /* role DV issued by dv */
	conf_cert cvca_by_dv;     /* role CVCA issued by dv */
	conf_cert dv_expired;     /* CXD 2025-05-31 */
	/* anchors refused by [OBJ-3] */
	conf_cert anchor_car_ne_chr, anchor_dv_role, anchor_badsig,
	    anchor_no_domain;
	/* root rollover [TA-4]: link cvca -> cvca2, no domain parameters */
	conf_cert link, link_badsig;
	conf_cert dv2;                                /* under cvca2 */
	conf_cert t2_all, t2_none, t2_renew, t2_term; /* under dv2 */
} conf_pki;

void pki_build(conf_pki *p);
void pki_free(conf_pki *p);

/* A badge certificate for the card's public key (7F49 from GENERATE). */
void pki_badge_cert(const conf_cert *dv, const char *chr, const uint8_t *pubkey,
                    size_t pubkey_len, const char *from, const char *to,
                    conf_cert *out);

/* ------------------------------------------------------------------ */
/* The card's life, as the suite knows it                               */

typedef struct conf_state {
	cvc_card *card;
	const char *reader;
	bool nfc;         /* transport limits (io_reader_carries_*) */
	const char *hook; /* CVC_CONFORMANCE_FAULT_HOOK */
	bool allow_untestable;
	conf_pki pki;
	bool pki_built;

	/* what the suite put on the card */
	const conf_cert *anchor; /* the anchor the card holds now */
	conf_cert badge;         /* active badge certificate */
	const conf_cert *badge_dv;
	uint8_t chain[2 * CONF_MAX_CERT];
	size_t chain_len;
	uint8_t holder[256];
	size_t holder_len;
	char pin[13];
	/* terminals that chain to the card's anchor now */
	const conf_cert *ta_dv, *ta_all, *ta_none, *ta_renew, *ta_term;
	size_t max_cmd, max_resp; /* FCI 83, 84 */
	bool personalized;        /* personalization succeeded */
} conf_state;

extern conf_state conf;

/* ------------------------------------------------------------------ */
/* Procedures shared by the tests (proc.c)                              */

/* PSO:VERIFY CERTIFICATE with the certificate, expecting sw. */
void proc_pso(const conf_cert *c, uint16_t sw);
/* GET CHALLENGE: 16 octets. */
void proc_challenge(uint8_t rpicc[16]);
/* Signs M_TA for the active badge with `signer` over rpicc. */
size_t proc_sign_ta(const cvc_signer *signer, const uint8_t rpicc[16],
                    uint8_t *sig, size_t cap);
/* SELECT, then terminal authentication with dv and terminal: 9000 each. */
void proc_ta(const conf_cert *dv, const conf_cert *terminal);
/* The same without the SELECT (a second TA in one session). */
void proc_ta_in_session(const conf_cert *dv, const conf_cert *terminal);
/* VERIFY with a PIN text, returning the SW. */
uint16_t proc_verify(const char *pin);
/* INTERNAL AUTHENTICATE P1 P2 with a challenge, parsed; SW 9000. */
void proc_ia(uint8_t p1, uint8_t p2, const uint8_t *challenge, size_t len,
             conf_resp *r, conf_ia *ia);
/* Checks ia's signature over M_AUTH with the given badge certificate. */
bool proc_ia_verifies(const conf_ia *ia, const conf_cert *badge,
                      const uint8_t *challenge, size_t len);
/* GENERATE's data for the suite's key: id-TA-ECDSA-SHA-256, 80 01 0D. */
size_t proc_generate_data(uint8_t out[32]);
/* GENERATE for the suite's curve (brainpoolP256r1, ECDSA-SHA-256). */
void proc_generate(uint8_t *pub, size_t cap, size_t *len);
/* Whole 7F21 chain bytes of two certificates. */
size_t proc_chain(const conf_cert *badge, const conf_cert *dv, uint8_t *out,
                  size_t cap);
/* FCI now; asserts the life cycle state. */
void proc_expect_state(uint8_t lcs, conf_fci *fci);
/* Card date now as YYMMDD text (from FCI 85). */
cvc_date proc_card_date(void);
/*
 * On a BLANK card (selected): PUT DATA of the anchor and GENERATE, each
 * answered 9000; *badge gets a badge certificate for the new key.
 */
void proc_put_anchor_and_key(conf_cert *badge);
/*
 * Puts a complete personalization on a BLANK card, pending (SELECT first):
 * anchor, GENERATE, a badge certificate issued for the key (into *badge),
 * the chain, holder data, the initial PIN. Each answered 9000.
 */
void proc_personalize_pending(conf_cert *badge);
/* The suite's holder data and initial PIN. */
size_t proc_holder_data(uint8_t *out, size_t cap);
#define CONF_INITIAL_PIN "123456"
/* Random octets from OpenSSL. */
void proc_random(uint8_t *out, size_t n);
/*
 * [TA-8] in a state without terminal authentication (selected already):
 * PSO:VERIFY CERTIFICATE of dv, GET CHALLENGE and EXTERNAL AUTHENTICATE are
 * answered 6985. state names the state in the messages.
 */
void proc_expect_ta_refused(const conf_cert *dv, const char *state);
/* [IA-1]: SELECT (state lcs), INTERNAL AUTHENTICATE P2 00 and 01: 6985. */
void proc_expect_ia_refused(uint8_t lcs);

/*
 * Arms a persistent-write fault in the card through the hook (see
 * README.md): returns true when armed (the card was reopened and must be
 * selected again), false when the statement cannot be tested on this card
 * (no hook and --allow-untestable; without the flag the test fails).
 */
bool proc_arm_write_fault(const char *id, const char *what);

/*
 * A power loss: "HOOK 0" (no fault; a simulator restarts the card) when
 * there is a hook, then a warm reset. The applet must be selected again.
 */
void proc_power_cycle(void);

/* Statements left unchecked (reader or card limits), printed at the end. */
void conf_note_untested(const char *id, const char *why);
void conf_print_untested(void);

/* ------------------------------------------------------------------ */
/* Test groups, in the order of the card's life                         */

typedef size_t (*conf_group_fn)(const TTest **out, size_t cap);

size_t group_blank(const TTest **out, size_t cap);
size_t group_personalize(const TTest **out, size_t cap);
size_t group_session(const TTest **out, size_t cap);
size_t group_length_blank(const TTest **out, size_t cap);
size_t group_length(const TTest **out, size_t cap);
size_t group_auth(const TTest **out, size_t cap);
size_t group_pin(const TTest **out, size_t cap);
size_t group_renewal(const TTest **out, size_t cap);
size_t group_rollover(const TTest **out, size_t cap);
size_t group_terminated(const TTest **out, size_t cap);

/* Copies a group's list into out (aborts when cap is too small). */
size_t conf_group_copy(const TTest *const *list, size_t n, const TTest **out,
                       size_t cap);

/* The SPEC coverage check (coverage.c). */
size_t group_coverage(const TTest **out, size_t cap);
/* All test names of all groups (coverage.c asks main.c). */
size_t conf_all_test_names(const char **names, size_t cap);

#endif
