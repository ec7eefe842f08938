#pragma once

#include "kyso-cli.h"
#include "kyso-pdf-verify.h"

G_BEGIN_DECLS

/* Shared by `verify` and `history`: a verifier with the trust settings of the configuration
 * file and the command line. */
KysoPdfVerifier *
kyso_cli_verify_make_verifier (KysoCliContext *ctx, char **trust_files, gboolean offline,
                               gboolean no_system_trust);

/* Verifies @path, printing why it could not be checked; NULL then (exit status 3). */
KysoPdfVerifyReport *
kyso_cli_verify_run (KysoPdfVerifier *verifier, const char *path);

G_END_DECLS
