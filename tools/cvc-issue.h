/* SPDX-License-Identifier: MIT */
/*
 * cvc-issue internals shared by cvc-issue.c and cvc-issue-files.c: atomic
 * output files and the issuer state file (last holder reference per
 * prefix, see cvc-issue(1) FILES).
 */
#ifndef CVC_ISSUE_TOOL_H
#define CVC_ISSUE_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common.h"

/* Writes data to path via a temporary file and rename; false on error
 * (reported). */
bool cvc_issue_write_atomic(const char *path, const void *data, size_t len,
                            mode_t mode);

/* Next holder reference for prefix from "<cert>.state" into chr; 0 or an
 * exit code (reported). */
int cvc_issue_state_next(const char *cert, const char *prefix, char *chr,
                         size_t cap);

/* Records chr as the last one issued for prefix; false on error. */
bool cvc_issue_state_save(const char *cert, const char *prefix,
                          const char *chr);

#endif
