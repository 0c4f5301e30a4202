/* SPDX-License-Identifier: MIT */
/*
 * cvc-issue internals shared by cvc-issue.c, cvc-issue-files.c (exit
 * status, atomic output files, the issuer state file: last holder reference per
 * prefix, see cvc-issue(1) FILES; the --json report) and cvc-issue-keys.c
 * (private and public keys).
 */
#ifndef CVC_ISSUE_TOOL_H
#define CVC_ISSUE_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common.h"

/*
 * Exit status for a libcvc error: refusals by policy or trust 1, reader and
 * card errors 3, everything else (usage, input, files) 2.
 */
int cvc_issue_exit_for(cvc_err err);

/* Next holder reference for prefix from "<cert>.state" into chr; 0 or an
 * exit code (reported). */
int cvc_issue_state_next(const char *cert, const char *prefix, char *chr,
                         size_t cap);

/* Records chr as the last one issued for prefix; false on error. */
bool cvc_issue_state_save(const char *cert, const char *prefix,
                          const char *chr);

/*
 * Everything one command writes, committed together by
 * cvc_issue_commit(): the certificate or request, a new private key (never
 * replacing an existing file), the issuer state line, and the --json
 * report on stdout.
 */
typedef struct cvc_issue_commit_args {
	const char *verb;
	bool json;
	const char *out; /* certificate or request */
	const uint8_t *der;
	size_t der_len;
	const char *key_out; /* NULL: no new key file */
	const char *key_pem;
	size_t key_pem_len;
	bool key_encrypted;
	const char *state_cert; /* NULL: no state file update */
	const char *state_prefix;
	const char *chr;
} cvc_issue_commit_args;

/*
 * Writes every output to a temporary file beside it, then moves them into
 * place. Any failure removes every temporary file and every file already
 * moved that did not exist before, so a failed command leaves nothing
 * behind. 0 or an exit code (reported).
 */
int cvc_issue_commit(const cvc_issue_commit_args *a);

/* ------------------------------------------------------------------ */
/* Keys (cvc-issue-keys.c) */

/*
 * Loads a private key: a "pkcs11:" URI (module $PKCS11_MODULE_PATH, PIN
 * from pin, $CVC_PKCS11_PIN or the URI; never prompted) or a PEM/DER file
 * (decrypted with pass). 0 or an exit code; the message names what to fix
 * and never shows a PIN.
 */
int cvc_issue_load_key(const char *spec, const char *pin, const char *pass,
                       const cvc_algo *algo, cvc_signer **out);

/*
 * Reads the holder public key of --pubkey: a SubjectPublicKeyInfo (PEM or
 * DER; EC or RSA), a CVC 7F49 object (DER, hex or base64) or an
 * uncompressed EC point (binary or hex). A key without its own algorithm
 * OID gets the issuer's (issuer_cert). in keeps the octets pk points to.
 * 0 or an exit code (reported).
 */
int cvc_issue_read_pubkey(const char *path, const cvc_cert *issuer_cert,
                          cvc_tool_input *in, cvc_pubkey *pk);

/*
 * Checks that the holder key (without domain parameters) fits the issuer:
 * the same key type and, for EC, a point on the issuer key's curve, which
 * the holder inherits (TR-03110-3 D.3.3). 0 or an exit code (reported).
 */
int cvc_issue_check_holder_key(const char *what, const cvc_pubkey *pk,
                               const cvc_signer *issuer);

#endif
