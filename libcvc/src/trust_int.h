/* SPDX-License-Identifier: MIT */
/*
 * Internals of the trust layer shared by store.c, chain.c and revoke.c: the
 * layout of a trust store and the revocation step of chain validation.
 * Not installed.
 */
#ifndef CVC_TRUST_INT_H
#define CVC_TRUST_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cvc/trust.h>

#include "cert_int.h" /* CVC_INTERNAL */

/*
 * One certificate held by a store: a private copy of its bytes, the decoded
 * view into that copy and its public key, built once.
 */
typedef struct cvc_store_entry {
	uint8_t *der;
	size_t len;
	cvc_cert cert; /* view into der */
	bool anchor;
	/*
	 * NULL until built. key_err says why: CVC_ERR_DOMAIN_PARAMS while the
	 * EC domain parameters are not known yet (they come from an ancestor),
	 * another code when the key is unusable.
	 */
	cvc_key *key;
	cvc_err key_err;
	/* The public key that supplied the EC domain parameters, or NULL. */
	const cvc_pubkey *domain;
	bool fresh; /* key just built; its children not tried yet (store.c) */
} cvc_store_entry;

/* A bare public key trusted under a name (a gematik root key, say). */
typedef struct cvc_key_anchor {
	uint8_t *der;
	size_t len;
	cvc_pubkey pubkey; /* view into der */
	uint8_t name[CVC_MAX_REF_LEN];
	size_t name_len;
	cvc_key *key;
} cvc_key_anchor;

/*
 * Entries are allocated one by one, so pointers to them (and into their
 * copies) stay valid while the arrays of pointers grow.
 */
struct cvc_store {
	cvc_store_entry **certs;
	size_t n_certs, cap_certs;
	size_t n_cert_anchors;
	cvc_key_anchor **keys;
	size_t n_keys, cap_keys;
	char bad_path[4096];
};

/* True when both spans hold the same octets. */
CVC_INTERNAL bool cvc_span_equal(cvc_span a, cvc_span b);

/*
 * An EC key without domain parameters outside the gematik profile: it can
 * only be built with parameters inherited from an ancestor.
 */
CVC_INTERNAL bool cvc_cert_needs_domain(const cvc_cert *cert);

/*
 * Verifies sig over msg with key. A key that names no signature algorithm
 * (a gematik trust-anchor key carries the curve OID) signs with ECDSA and
 * the SHA-2 hash of its size (gemSpec_PKI 6.4: "the issuer's curve and its
 * matching SHA").
 */
CVC_INTERNAL cvc_err cvc_trust_verify(const cvc_key *key, cvc_span msg,
                                      cvc_span sig);

/*
 * A validated path as the revocation step sees it: certs[0] is the target,
 * keys[i] the public key of certs[i] (NULL where not needed or not built),
 * anchor_key/anchor_name the key anchor above certs[n-1], if any.
 */
typedef struct cvc_crl_path {
	const cvc_cert *const *certs;
	const cvc_key *const *keys;
	size_t n;
	const cvc_key *anchor_key;
	cvc_span anchor_name;
} cvc_crl_path;

/*
 * Applies crl to path at date at (NULL or flags & CVC_CHAIN_NO_DATES: no
 * date checks; every listed certificate counts as revoked). On failure
 * *failed and *check say where and why. *stale is set when the list is past
 * its next update.
 */
CVC_INTERNAL cvc_err cvc_crl_apply(const cvc_crl *crl, const cvc_crl_path *path,
                                   const cvc_date *at, unsigned flags,
                                   size_t *failed, const char **check,
                                   bool *stale);

#endif
