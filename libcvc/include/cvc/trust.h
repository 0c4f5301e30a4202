/* SPDX-License-Identifier: MIT */
/*
 * Trust anchors, chain building and validation, revocation lists.
 *
 * A cvc_store holds trust anchors (CVCA certificates, or bare public keys
 * such as gematik root keys) and untrusted intermediates (link and cross
 * certificates, DV certificates) as private copies, with their public keys
 * built once and cached. After loading it is read-only: many threads may
 * validate with one store.
 *
 * Validation (TR-03110-3 2.3-2.7, A.7.2) takes the date to check against.
 */
#ifndef CVC_TRUST_H
#define CVC_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cvc/cert.h>
#include <cvc/chat.h>
#include <cvc/crypto.h>
#include <cvc/error.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CVC_MAX_CHAIN    16
#define CVC_MAX_CHAT_LEN 8

/* ------------------------------------------------------------------ */
/* Revocation lists (format and semantics: doc/revocation.md)          */

/*
 * 7F3C { 7F3D { 5F29 version, 42 issuer, 5F25 this update, 5F24 next update,
 * A0 { A1 { 5F20 CHR, 5F25 revoked on }* } }, 5F37 signature }.
 * The signature covers DER(7F3D), tag and length included, and is made with
 * the issuer's key and algorithm, as for a certificate (TR-03110-3 C.1.8).
 */
#define CVC_TAG_CRL         0x7F3Cu
#define CVC_TAG_CRL_BODY    0x7F3Du
#define CVC_TAG_CRL_ENTRIES 0xA0u
#define CVC_TAG_CRL_ENTRY   0xA1u
#define CVC_CRL_VERSION     0u
#define CVC_CRL_MAX_ENTRIES 16384u

typedef struct cvc_crl {
	cvc_span raw;    /* the whole object */
	cvc_span tbs;    /* DER(7F3D): what the signature covers */
	uint8_t version; /* CVC_CRL_VERSION */
	cvc_span issuer; /* CHR of the signing CVCA or DV */
	cvc_date this_update;
	cvc_date next_update; /* the list is current through this whole day */
	size_t n_entries;
	cvc_span entries; /* value of A0, walk with cvc_crl_entry_at */
	cvc_span signature;
} cvc_crl;

typedef struct cvc_crl_entry {
	cvc_span chr;
	cvc_date revoked_on; /* revoked on and after this day */
} cvc_crl_entry;

/*
 * Decodes a revocation list that fills exactly [data, data+len): strict DER,
 * entries in strictly ascending CHR order (so a duplicate CHR is an error),
 * at most CVC_CRL_MAX_ENTRIES. A view into data; never allocates.
 */
cvc_err cvc_crl_decode(const uint8_t *data, size_t len, cvc_crl *crl,
                       cvc_diag *diag);
/* i-th entry, 0 <= i < n_entries; CVC_ERR_INVALID_ARG otherwise. */
cvc_err cvc_crl_entry_at(const cvc_crl *crl, size_t i, cvc_crl_entry *out);
/* Whether chr is listed; *entry (may be NULL) gets the entry. */
bool cvc_crl_lookup(const cvc_crl *crl, cvc_span chr, cvc_crl_entry *entry);
/*
 * Encodes a list from crl->version, issuer and dates and from entries[]
 * (any order: they are written sorted by CHR; a duplicate CHR gives
 * CVC_ERR_DUPLICATE_FIELD). crl->entries and n_entries are ignored. With an
 * empty crl->signature only DER(7F3D), the data to sign, is written; with a
 * signature the whole 7F3C object. Sizing as for cvc_cert_encode().
 */
cvc_err cvc_crl_encode(const cvc_crl *crl, const cvc_crl_entry *entries,
                       size_t n_entries, uint8_t *out, size_t cap,
                       size_t *out_len);
/* Verifies the list's signature with the issuer's key (CVC_ERR_SIGNATURE). */
cvc_err cvc_crl_verify_signature(const cvc_crl *crl, const cvc_key *issuer);

/* ------------------------------------------------------------------ */
/* Trust store                                                         */

typedef struct cvc_store cvc_store;

cvc_err cvc_store_new(cvc_store **out);
void cvc_store_free(cvc_store **store);

/*
 * Trust anchors. A certificate anchor is trusted as it is: its own signature
 * is not checked, and its dates only when it directly signs a DV (see
 * cvc_chain_verify). Its public key must be complete (EC domain parameters,
 * or a gematik G2 key). A key anchor is a bare 7F49 object named by `name`
 * (1..CVC_MAX_REF_LEN octets: the CHR/CAR it stands for); an EC key without
 * domain parameters is taken as a gematik G2 key (curve from the point
 * length). Adding an object the store already holds does nothing (except
 * that a held intermediate added as an anchor becomes one).
 */
cvc_err cvc_store_add_anchor(cvc_store *store, const uint8_t *der, size_t len,
                             unsigned decode_flags, cvc_diag *diag);
cvc_err cvc_store_add_anchor_key(cvc_store *store, const uint8_t *der,
                                 size_t len, const uint8_t *name,
                                 size_t name_len, cvc_diag *diag);
/*
 * Untrusted certificates offered for path building (links, cross
 * certificates, DVs, ...). A key without EC domain parameters gets them from
 * the nearest ancestor in the store whose key verifies it, as soon as that
 * ancestor is added; otherwise when a chain is built.
 */
cvc_err cvc_store_add_intermediate(cvc_store *store, const uint8_t *der,
                                   size_t len, unsigned decode_flags,
                                   cvc_diag *diag);

/*
 * Loads a file, or every regular file of a directory (not recursive; names
 * starting with '.' are skipped; in name order). Inputs may be DER, hex or
 * base64, and a file may hold several concatenated objects. A self-signed
 * certificate with role CVCA/root (CAR == CHR, role bits 11) becomes an
 * anchor, other certificates intermediates. A file holding a bare key 7F49
 * becomes a key anchor named by the start of its file name up to the first
 * '_' or '.': decoded as hex when it is an even number of hex digits
 * ("4445475858820214_ELC-PublicKey.der"), else taken as text. Requests and
 * anything else are errors. On error *bad_path (may be NULL) names the file
 * (valid until the next load or cvc_store_free); objects loaded before it
 * stay in the store. Files larger than CVC_STORE_MAX_FILE are refused.
 */
#define CVC_STORE_MAX_FILE (1024u * 1024u)
cvc_err cvc_store_load(cvc_store *store, const char *path,
                       unsigned decode_flags, cvc_diag *diag,
                       const char **bad_path);

/* Key anchors and certificate anchors together. */
size_t cvc_store_anchor_count(const cvc_store *store);
size_t cvc_store_intermediate_count(const cvc_store *store);

/* ------------------------------------------------------------------ */
/* Chain validation                                                    */

/* Flags for cvc_chain_verify() */
#define CVC_CHAIN_NO_DATES    0x1u /* skip the date checks (audits) */
#define CVC_CHAIN_REQUIRE_CRL 0x2u /* missing revocation list is an error */
/*
 * gematik G2: a child flag list wider than its issuer's is an error
 * (CVC_ERR_CHAT_WIDENED), as OpenHealth-Core checks. Off by default because
 * real gematik sub-CA certificates carry only their role bits (an HBA under
 * DEGXX_1-1-02-23 has rights its sub-CA lacks). TR-03110 chains always
 * get this check.
 */
#define CVC_CHAIN_STRICT_CHAT 0x4u
/*
 * Accept a CVCA/root (and its links) whose CHAT has another terminal type
 * than the DV below it, as in the BSI TR-03110 worked example (an IS CVCA
 * signing an AT DV). That CVCA's CHAT then takes no part in the rights.
 */
#define CVC_CHAIN_ALLOW_TYPE_MIX 0x8u

/*
 * Largest number of candidate issuers tried in one cvc_chain_verify() call
 * (every real chain of the corpus needs fewer than 48). When it runs out
 * the answer is CVC_ERR_CHAIN_TOO_LONG, check "search limit".
 */
#define CVC_CHAIN_MAX_TRIES 256

typedef struct cvc_chain_result {
	cvc_err status;    /* CVC_OK or the first reason it failed */
	size_t failed;     /* index in chain[] the failure concerns */
	const char *check; /* short name of the failed check, or NULL */
	size_t n;          /* chain[0] = target ... chain[n-1] = top */
	const cvc_cert *chain[CVC_MAX_CHAIN];
	bool anchor_is_key;   /* chain[n-1] was verified by a bare key */
	cvc_span anchor_name; /* CHR (or key name) of the trust anchor */
	cvc_terminal_type type;
	cvc_role role;                    /* effective role of the target */
	uint8_t rights[CVC_MAX_CHAT_LEN]; /* effective CHAT, target's layout */
	size_t rights_len;
	bool crl_checked; /* a revocation list was applied */
	bool crl_stale;
	bool anchor_expired; /* the anchor certificate is past its CXD */
	bool chat_widened;   /* a CHAT is wider than its issuer's (gematik) */
	/* On success: the EC domain parameters the target's key inherits
	 * from the path (TR-03110-3 D.3.3), for checking what the target
	 * signed (e.g. a badge's proof); NULL when none are needed. */
	const cvc_pubkey *target_domain;
} cvc_chain_result;

/*
 * Builds a path from target up to a trust anchor, using the store's
 * intermediates and `extra` (certificates that came with the target, e.g.
 * read from a badge; they need not be decoded from the same buffer), and
 * validates it at date `at` (may be NULL with CVC_CHAIN_NO_DATES). Among
 * several paths the first one that passes every check is taken; when none
 * does, the most telling failure is reported: a path whose signatures all
 * verify, then a bad signature, then a loop or a too long path, then an
 * unknown issuer. A search that runs out of CVC_CHAIN_MAX_TRIES reports
 * that instead.
 *
 * Path building (TR-03110-3 2.3, A.7.2): an issuer is any anchor,
 * intermediate or extra whose CHR equals the CAR and whose key verifies the
 * signature (CARs are reused with new keys); a key anchor whose name equals
 * the CAR ends the path. A certificate whose CHR and key already occur in
 * the path is a loop. At most CVC_MAX_CHAIN certificates.
 *
 * Checks, from the top down; on failure res->failed is the index of the
 * certificate concerned (the child, for a check between issuer and child)
 * and res->check names the check:
 *  - CVC_ERR_CRITICAL, content that must be understood: "unknown profile"
 *    (CPI other than 00 and 70), "no CHAT", "unknown terminal type",
 *    "CHAT length" (over CVC_MAX_CHAT_LEN), "no dates". Extensions are
 *    never critical (TR-03110-3 C.3). A request in the path: "not a
 *    certificate" (CVC_ERR_NOT_A_CERT).
 *  - "signature": with the issuer's key, EC domain parameters inherited
 *    from the nearest ancestor that has them (TR-03110-3 D.3.3); "public
 *    key" when the issuer's key cannot be built (failed = the issuer).
 *  - "role" (CVC_ERR_ROLE). TR-03110: a CVCA signs links (CVCA) and DVs; a
 *    DV signs terminals; a terminal signs nothing. gematik G2: a root signs
 *    cross certificates (root) and sub-CAs, a sub-CA signs sub-CAs and end
 *    entities; role 01 is undefined. A key anchor counts as a CVCA/root.
 *  - "terminal type" (CVC_ERR_TERMINAL_TYPE): the same CHAT OID
 *    throughout (see CVC_CHAIN_ALLOW_TYPE_MIX).
 *  - "chat" (CVC_ERR_CHAT_WIDENED): below the trust point, no access bit
 *    that the issuer lacks (see CVC_CHAIN_STRICT_CHAT for gematik).
 *  - "dates" (CVC_ERR_NOT_YET_VALID, CVC_ERR_EXPIRED): CED <= at <= CXD,
 *    whole days, for the target, every DV / sub-CA / terminal, and the CVCA
 *    (link or anchor) that signs the DV, i.e. the active trust point
 *    (TR-03110-3 2.5.1 step 5). Other link and cross certificates, which
 *    only carry the key to a newer trust point, are exempt: an expired link
 *    still carries a new anchor.
 *  - Revocation against crl (may be NULL; doc/revocation.md): the list's
 *    issuer must be a CA of the path or the key anchor ("revocation list
 *    issuer", CVC_ERR_CRL_ISSUER, failed 0) and the list must verify with
 *    that CA's key ("revocation list signature", CVC_ERR_SIGNATURE, failed
 *    = that CA); at after next update is "revocation list stale"
 *    (CVC_ERR_CRL_STALE, failed = that CA); a certificate below that CA
 *    whose CHR is listed with a revocation date <= at is "revocation"
 *    (CVC_ERR_REVOKED; the topmost such one is reported, so a revoked DV
 *    revokes every terminal below it). Without a list and with
 *    CVC_CHAIN_REQUIRE_CRL: "no revocation list", CVC_ERR_CRL_STALE.
 *  - While building: "issuer" (CVC_ERR_UNKNOWN_ISSUER: nothing is named by
 *    the CAR of chain[failed]), "loop", "path length" and "search limit"
 *    (CVC_ERR_CHAIN_TOO_LONG).
 *
 * The trust point is the lowest CVCA/root-role certificate of the path (or
 * the key anchor). Effective rights (TR-03110-3 2.7): the AND of the CHATs
 * from the trust point down to the target, role bits included; bits beyond
 * a shorter CHAT count as 0. gematik G2 (whose COS keeps the end entity's
 * flag list as the security state): the target's flag list.
 *
 * Returns res->status. On failure res->chain holds the path that failed
 * (as far as it was built). Pointers in res stay valid while store and the
 * caller's certificates do. Thread-safe for concurrent calls on one store.
 */
cvc_err cvc_chain_verify(const cvc_store *store, const cvc_cert *target,
                         const cvc_cert *const *extra, size_t n_extra,
                         const cvc_date *at, const cvc_crl *crl, unsigned flags,
                         cvc_chain_result *res);

#ifdef __cplusplus
}
#endif

#endif
