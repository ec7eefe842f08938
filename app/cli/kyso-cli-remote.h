#pragma once

#include "kyso-cli.h"
#include "kyso-sign-session.h"

G_BEGIN_DECLS

/* `kyso-cli sign --neac | --csc`: signing with a remote CA that asks the citizen's phone. The sign
 * command keeps its options in one struct and hands the whole remote flow over here:
 *
 *   --neac --account CCCD [--provider NAME]          the NEAC gateway ([neac] in the config)
 *   --csc --credential ID --account LOGIN [--provider NAME]   a CSC service ([csc] in the config)
 *   [--expiry SECONDS]  stop waiting after this long (default: what the provider says, else 300)
 *   [--resume]          continue the request left waiting for IN → OUT by an earlier run
 *
 * While waiting it prints which app to open, the transaction and verification codes and the time
 * left; Ctrl+C stops waiting and keeps the request for --resume. Exit status: 0 signed, 4 refused,
 * 5 expired, 6 any other remote failure (2 usage, 3 input), and nothing at OUT unless signed. */

typedef struct {
  gboolean neac;
  gboolean csc;
  char    *account;
  char    *provider;
  char    *credential;
  int      expiry;
  gboolean resume;
} KysoCliRemoteArgs;

#define KYSO_CLI_REMOTE_OPTION_ENTRIES(r)                                                               \
  { "neac", 0, 0, G_OPTION_ARG_NONE, &(r).neac, N_("Sign through the NEAC remote signing gateway"), NULL }, \
  { "csc", 0, 0, G_OPTION_ARG_NONE, &(r).csc, N_("Sign with a CSC (Cloud Signature Consortium) service"),   \
    NULL },                                                                                           \
  { "account", 0, 0, G_OPTION_ARG_STRING, &(r).account,                                                \
    N_("Your ID number (CMND/CCCD) at the NEAC gateway, or your CSC login"), N_("ID") },              \
  { "provider", 0, 0, G_OPTION_ARG_STRING, &(r).provider,                                              \
    N_("Your certificate provider (VNPT-CA, Viettel-CA, …)"), N_("NAME") },                           \
  { "credential", 0, 0, G_OPTION_ARG_STRING, &(r).credential, N_("The CSC credential (certificate) to use"), \
    N_("ID") },                                                                                       \
  { "expiry", 0, 0, G_OPTION_ARG_INT, &(r).expiry, N_("Stop waiting for the phone after this many seconds"), \
    N_("SECONDS") },                                                                                  \
  { "resume", 0, 0, G_OPTION_ARG_NONE, &(r).resume,                                                    \
    N_("Continue the signing request an earlier run left waiting"), NULL }

/* TRUE when the command line asks for a remote signer. */
gboolean kyso_cli_remote_requested  (const KysoCliRemoteArgs      *args);
void     kyso_cli_remote_args_clear (KysoCliRemoteArgs            *args);
/* Signs @in into @out with @options (placement, appearance, time-stamp); → an exit status. */
int      kyso_cli_remote_sign       (KysoCliContext               *ctx,
                                     const KysoCliRemoteArgs      *args,
                                     const KysoSignSessionOptions *options,
                                     const char                   *in,
                                     const char                   *out);

G_END_DECLS
