#pragma once

#include "kyso-cli.h"
#include "kyso-sign-session.h"
#include "kyso-token-signer.h"

G_BEGIN_DECLS

/* Signing with a USB token from kyso-cli: the options `sign` takes, the PIN read from the terminal
 * (echo off) or from standard input (one line, asked once), and the certificate chosen. */

typedef struct
{
  gboolean token;
  char *module;
  char *cert;
} KysoCliTokenArgs;

/* clang-format off */
#define KYSO_CLI_TOKEN_OPTION_ENTRIES(a) \
  { "token", 0, 0, G_OPTION_ARG_NONE, &(a).token, \
    N_("Sign with a USB token (PKCS#11); the PIN is read from the terminal or standard input"), NULL }, \
  { "module", 0, 0, G_OPTION_ARG_FILENAME, &(a).module, \
    N_("With --token: also load this PKCS#11 module (the token maker's driver)"), N_("PATH") }, \
  { "cert", 0, 0, G_OPTION_ARG_STRING, &(a).cert, \
    N_("With --token: the certificate to sign with (id or serial number, as `kyso-cli tokens` shows)"), \
    N_("ID") }
/* clang-format on */

void
kyso_cli_token_args_clear (KysoCliTokenArgs *a);

/* The token signer of the configuration ([token] modules=, registered=) plus @module (may be NULL),
 * asking the PIN on the terminal or reading it from standard input. */
KysoTokenSigner *
kyso_cli_token_signer_new (KysoConfig *config, const char *module);

/* Drops the signer and waits (a few seconds at most) until it has closed its modules: its last
 * reference may be held by a worker thread a moment after the result came back, and a token
 * module finalized while the process exits can crash. Call before returning from a command. */
void
kyso_cli_token_signer_release (KysoTokenSigner *signer);

/* Lists the certificates on the tokens (waits on the thread-default main context). */
GPtrArray *
kyso_cli_token_list (KysoTokenSigner *signer, GError **error);

/* The credential to sign with: @cert_id, or the only certificate that can sign. NULL with the
 * message printed and *exit_status set (2 when several could sign and none was named). */
char *
kyso_cli_token_choose (KysoTokenSigner *signer, const char *cert_id, int *exit_status);

/* `sign --token`: @in into @out with the certificate @args name (or the only one that can sign),
 * through the signing job; the PIN asked once. → an exit status (3: no such certificate, the token
 * is not plugged in or was pulled out; 4: refused, wrong or locked PIN; 2: several certificates and
 * none named). */
int
kyso_cli_token_sign (KysoCliContext *ctx, const KysoCliTokenArgs *args, const KysoSignSessionOptions *options,
                     const char *in, const char *out);

G_END_DECLS
