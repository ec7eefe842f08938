#pragma once

#include "kyso-cli.h"
#include "kyso-sign-session.h"
#include "kyso-signer.h"

G_BEGIN_DECLS

/* `kyso-cli sign`: how the signer is chosen, and the presenter over KysoSigningJob that every way
 * of signing shares (kyso-signing-job.h does the work; this prints its progress and maps its
 * outcome to an exit status).
 *
 *   --profile ID|NAME [--profile-account N]   the signer the profile's account kind gives
 *   --neac --account-file FILE [--provider NAME]           the NEAC gateway ([neac] in the config)
 *   --csc --account-file FILE --credential ID [--provider NAME]   a CSC service ([csc])
 *   [--expiry SECONDS]  stop waiting after this long (default: what the provider says, else 300)
 *   [--resume]          continue the request left waiting for IN → OUT by an earlier run, of
 *                       kyso-cli or of the Kyso window (the same record); without a signer option,
 *                       the record's own profile signs
 *
 * The account (ID number, login) is read from FILE, or from standard input with "-", never from
 * the command line (where every user of the computer can read it). While waiting it prints which
 * app to open, the verification code and the time left; Ctrl+C stops waiting and keeps the request
 * for --resume. Exit status: 0 signed, 4 refused, 5 expired, 6 any other remote failure (2 usage,
 * 3 input), and nothing at OUT unless signed. */

typedef struct
{
  gboolean neac;
  gboolean csc;
  char *account_file;
  char *provider;
  char *credential;
  char *profile;
  int profile_account;
  int expiry;
  gboolean resume;
} KysoCliRemoteArgs;

#define KYSO_CLI_REMOTE_OPTION_ENTRIES(r)                                                                    \
  { "neac", 0, 0, G_OPTION_ARG_NONE, &(r).neac, N_("Sign through the NEAC remote signing gateway"), NULL }, \
    { "csc", 0, 0, G_OPTION_ARG_NONE, &(r).csc, N_("Sign with a CSC (Cloud Signature Consortium) service"), \
                                                    NULL },                                                  \
      { "account-file",                                                                                      \
        0,                                                                                                   \
        0,                                                                                                   \
        G_OPTION_ARG_FILENAME,                                                                               \
        &(r).account_file,                                                                                   \
        N_("Read your ID number (CMND/CCCD) at the NEAC gateway, or your CSC login, from FILE (- = standard input)"),                                                                              \
            N_("FILE") },                                                                                   \
        { "provider",                                                                                        \
          0,                                                                                                 \
          0,                                                                                                 \
          G_OPTION_ARG_STRING,                                                                               \
          &(r).provider,                                                                                     \
          N_("Your certificate provider (VNPT-CA, Viettel-CA, …)"), N_("NAME") },                          \
          { "credential",                                                                                    \
            0,                                                                                               \
            0,                                                                                               \
            G_OPTION_ARG_STRING,                                                                             \
            &(r).credential,                                                                                 \
            N_("The CSC credential (certificate) to use"),                                                  \
                N_("ID") },                                                                                 \
            { "profile",                                                                                     \
              0,                                                                                             \
              0,                                                                                             \
              G_OPTION_ARG_STRING,                                                                           \
              &(r).profile,                                                                                  \
              N_("Sign with this signature profile (its id or name): its account, keyword and image"),      \
                  N_("PROFILE") },                                                                          \
              { "profile-account",                                                                           \
                0,                                                                                           \
                0,                                                                                           \
                G_OPTION_ARG_INT,                                                                            \
                &(r).profile_account,                                                                        \
                N_("Which of the profile's accounts signs (from 1; default 1)"), N_("N") },                \
                { "expiry",         0,           0,                                                          \
                  G_OPTION_ARG_INT, &(r).expiry, N_("Stop waiting for the phone after this many seconds"),  \
                                                     N_("SECONDS") },                                       \
  {                                                                                                          \
    "resume", 0, 0, G_OPTION_ARG_NONE, &(r).resume,                                                          \
      N_("Continue the signing request an earlier run left waiting"), NULL                                  \
  }

/* TRUE when the command line asks for a remote signer (or a profile, or a resume). */
gboolean
kyso_cli_remote_requested (const KysoCliRemoteArgs *args);
void
kyso_cli_remote_args_clear (KysoCliRemoteArgs *args);
/* Signs @in into @out with @options (placement, appearance, time-stamp) through the remote
 * signer the arguments name; → an exit status. */
int
kyso_cli_remote_sign (KysoCliContext *ctx, const KysoCliRemoteArgs *args,
                      const KysoSignSessionOptions *options, const char *in, const char *out);
/* Signs @in into @out with a local @signer (it answers at once) and its credential
 * @credential_id (NULL = the first); → an exit status. */
int
kyso_cli_local_sign (KysoSigner *signer, const char *credential_id, const KysoSignSessionOptions *options,
                     const char *in, const char *out);

G_END_DECLS
