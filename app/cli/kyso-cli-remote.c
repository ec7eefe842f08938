/* The presenter of `kyso-cli sign` over KysoSigningJob: which signer (a profile, NEAC, CSC, a
 * local file), the progress on the terminal, Ctrl+C, --resume, and the exit status. */
#include "config.h"

#include "kyso-cli-remote.h"
#include "kyso-error.h"
#include "kyso-pending.h"
#include "kyso-profile-store.h"
#include "kyso-signer-factory.h"
#include "kyso-signing-job.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A stale record (and its prepared copies) is removed a day after it lapsed. */
#define PRUNE_GRACE_SECONDS (24 * 3600)

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
  GCancellable *cancellable;
  gint64 expires_at;
  guint tick_id;
  gboolean tty;
  gboolean interrupted;
  gboolean remote;
} Presenter;

gboolean
kyso_cli_remote_requested (const KysoCliRemoteArgs *args)
{
  return args->neac || args->csc || args->resume || args->profile != NULL;
}

void
kyso_cli_remote_args_clear (KysoCliRemoteArgs *args)
{
  g_clear_pointer (&args->account_file, g_free);
  g_clear_pointer (&args->provider, g_free);
  g_clear_pointer (&args->credential, g_free);
  g_clear_pointer (&args->profile, g_free);
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Presenter *p = user_data;

  p->result = g_object_ref (result);
  g_main_loop_quit (p->loop);
}

static GAsyncResult *
wait_result (Presenter *p)
{
  g_clear_object (&p->result);
  g_main_loop_run (p->loop);
  return p->result;
}

static char *
format_left (gint64 expires_at)
{
  gint64 left = MAX (expires_at - g_get_real_time (), 0) / G_USEC_PER_SEC;

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d", left / 60, (int)(left % 60));
}

/* A countdown: on a terminal one line rewritten every second, in a log a line every 30 s. */
static gboolean
on_tick (gpointer user_data)
{
  Presenter *p = user_data;
  g_autofree char *left = NULL;
  static guint calls;

  if (p->expires_at <= 0)
    return G_SOURCE_CONTINUE;
  left = format_left (p->expires_at);
  if (p->tty)
    /* Translators: a countdown, %s is minutes:seconds */
    printf (_ ("\r  Time left: %s   "), left);
  else if (++calls % 30 == 0)
    printf (_ ("  Time left: %s\n"), left);
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

static void
on_progress (KysoSigningJob *job, const KysoSignProgress *p, gpointer user_data)
{
  Presenter *r = user_data;
  const char *provider = p->provider;

  if (!r->remote)
    return;
  if (r->tty && p->state != KYSO_SIGN_STATE_WAITING)
    printf ("\n");
  switch (p->state)
    {
      case KYSO_SIGN_STATE_SENDING:
        /* Translators: %s is a certificate provider such as VNPT-CA */
        printf (_ ("Sending the signing request to %s…\n"), provider ? provider : "?");
        break;
      case KYSO_SIGN_STATE_WAITING:
        {
          g_autoptr (GDateTime) until = p->expires_at > 0
                                          ? g_date_time_new_from_unix_local (p->expires_at / G_USEC_PER_SEC)
                                          : NULL;
          g_autofree char *when = until ? g_date_time_format (until, "%H:%M:%S") : NULL;
          g_autofree char *left = p->expires_at > 0 ? format_left (p->expires_at) : NULL;

          r->expires_at = p->expires_at;
          /* Translators: %s is a certificate provider such as VNPT-CA; its app is on the citizen's phone */
          printf (_ ("Open the %s app on your phone and approve the signing request.\n"),
                     provider ? provider : "?");
          if (p->transaction_id != NULL && g_strcmp0 (p->transaction_id, p->verification_code) != 0)
            printf (_ ("  Transaction code: %s\n"), p->transaction_id);
          /* The doc_id sent, exactly: the code the provider's app shows next to the document. */
          for (guint i = 0; p->doc_codes != NULL && p->doc_codes[i] != NULL; i++)
            printf (_ ("  Document code: %s — check that your phone shows this code for this document.\n"),
                       p->doc_codes[i]);
          if (when != NULL)
            printf (_ ("  Approve before %s (%s left). Press Ctrl+C to stop waiting.\n"), when, left);
          if (r->tick_id == 0)
            r->tick_id = g_timeout_add_seconds (1, on_tick, r);
          break;
        }
      case KYSO_SIGN_STATE_RETRYING:
        printf (_ ("The connection to the signing service failed; trying again…\n"));
        break;
      case KYSO_SIGN_STATE_APPROVED:
        printf (_ ("Approved. Finishing the signature…\n"));
        break;
      default:
        break;
    }
  fflush (stdout);
}

static gboolean
on_signal (gpointer user_data)
{
  Presenter *p = user_data;

  p->interrupted = TRUE;
  g_cancellable_cancel (p->cancellable);
  return G_SOURCE_CONTINUE;
}

static gboolean
is_input_error (const GError *error)
{
  return error->domain == KYSO_ERROR
         && (error->code == KYSO_ERROR_ENCRYPTED || error->code == KYSO_ERROR_BROKEN_FILE
             || error->code == KYSO_ERROR_UNSUPPORTED || error->code == KYSO_ERROR_LIMIT);
}

/* Remote: 4 refused, 5 expired, 3 the input, 6 anything else. Local: 3 the input or the placement,
 * 4 the rest. */
static int
exit_for (const GError *error, gboolean remote)
{
  if (!remote)
    return is_input_error (error) || g_error_matches (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND)
               || g_error_matches (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT)
             ? KYSO_EXIT_INPUT
             : KYSO_EXIT_SIGN_FAILED;
  if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_REFUSED))
    return KYSO_EXIT_SIGN_FAILED;
  if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_EXPIRED))
    return KYSO_EXIT_EXPIRED;
  return is_input_error (error) ? KYSO_EXIT_INPUT : KYSO_EXIT_REMOTE;
}

/* Runs (or resumes) @job to its end, printing as it goes; → an exit status. */
static int
present (KysoSigningJob *job, KysoPending *resume, gboolean remote)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  Presenter p = { loop, NULL, cancellable };
  guint sigint, sigterm;
  gulong handler;
  gboolean ok;

  p.tty = isatty (STDOUT_FILENO);
  p.remote = remote;
  handler = g_signal_connect (job, "progress", G_CALLBACK (on_progress), &p);
  sigint = g_unix_signal_add (SIGINT, on_signal, &p);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &p);
  if (resume != NULL)
    {
      kyso_signing_job_resume_async (job, resume, cancellable, on_done, &p);
      ok = kyso_signing_job_resume_finish (job, wait_result (&p), &error);
    }
  else
    {
      kyso_signing_job_run_async (job, cancellable, on_done, &p);
      ok = kyso_signing_job_run_finish (job, wait_result (&p), &error);
    }
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_signal_handler_disconnect (job, handler);
  if (p.tick_id != 0)
    g_source_remove (p.tick_id);
  if (p.tty && remote)
    printf ("\n");
  g_clear_object (&p.result);
  if (!ok)
    {
      KysoPending *pending = kyso_signing_job_get_pending (job);
      g_autoptr (KysoPending) kept = NULL;

      if (p.interrupted)
        kyso_cli_error (_ ("Stopped waiting."));
      else
        kyso_cli_error ("%s", error->message);
      if (pending != NULL)
        kept = kyso_pending_load (kyso_pending_get_dir (pending), kyso_pending_get_id (pending), NULL);
      if (kept != NULL)
        kyso_cli_error (
          _ ("The signing request is kept: run the same command with --resume to continue it."));
      return exit_for (error, remote);
    }
  if (kyso_signing_job_get_n_files (job) == 1)
    {
      guint page = 0;
      double r[4];

      if (kyso_signing_job_get_placement (job, 0, &page, r) && page != G_MAXUINT)
        /* Translators: %s file, %s field name, %u page number */
        printf (_ ("Signed %s (field %s, page %u)\n"), kyso_signing_job_get_output (job, 0),
                   kyso_sign_session_get_field_name (kyso_signing_job_get_session (job, 0)), page + 1);
      else
        /* Translators: %s is the signed file */
        printf (_ ("Signed %s\n"), kyso_signing_job_get_output (job, 0));
    }
  return KYSO_EXIT_OK;
}

int
kyso_cli_local_sign (KysoSigner *signer, const char *credential_id, const KysoSignSessionOptions *options,
                     const char *in, const char *out)
{
  g_autoptr (KysoSigningJob) job = kyso_signing_job_new (signer, credential_id);

  kyso_signing_job_add_file (job, in, out, options);
  return present (job, NULL, FALSE);
}

/* The account is personal data: from a file or standard input, never the command line. */
static char *
read_account (const char *file, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;

  if (g_strcmp0 (file, "-") == 0)
    {
      char line[256];

      if (fgets (line, sizeof line, stdin) != NULL)
        text = g_strdup (line);
    }
  else if (!g_file_get_contents (file, &text, &len, error))
    return NULL;
  if (text != NULL)
    g_strstrip (text);
  if (text == NULL || *text == '\0' || strchr (text, '\n') != NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _ ("The account file must hold your ID number or login on one line."));
      return NULL;
    }
  return g_steal_pointer (&text);
}

static KysoProfile *
find_profile (const char *wanted, GError **error)
{
  g_autoptr (KysoProfileStore) store = kyso_profile_store_new ();
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GPtrArray) profiles = NULL;
  Presenter p = { loop };

  kyso_profile_store_list_async (store, NULL, on_done, &p);
  profiles = kyso_profile_store_list_finish (store, wait_result (&p), error);
  g_clear_object (&p.result);
  if (profiles == NULL)
    return NULL;
  for (guint i = 0; i < profiles->len; i++)
    {
      KysoProfile *profile = profiles->pdata[i];

      if (g_strcmp0 (kyso_profile_get_id (profile), wanted) == 0
          || g_strcmp0 (kyso_profile_get_display_name (profile), wanted) == 0)
        return g_object_ref (profile);
    }
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
               /* Translators: %s is what was given with --profile */
               _ ("There is no signature profile “%s”. Run “kyso-cli profiles list” to see them."), wanted);
  return NULL;
}

/* The signer: from the arguments, else from the profile (given, or the one the record names). */
static KysoSigner *
create_signer (KysoCliContext *ctx, const KysoCliRemoteArgs *args, KysoPending *pending,
               KysoProfile **out_profile, gboolean *usage, GError **error)
{
  KysoConfig *config = kyso_cli_get_config (ctx);
  g_autofree char *profile_id = NULL;
  g_autoptr (KysoProfile) profile = NULL;
  g_autoptr (KysoProfileAccount) account = NULL;
  KysoSigner *signer;

  *usage = FALSE;
  if (config == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _ ("The configuration cannot be read."));
      return NULL;
    }
  if (args->neac || args->csc)
    {
      g_autofree char *login = read_account (args->account_file, error);

      *usage = TRUE;
      if (login == NULL)
        return NULL;
      signer = kyso_signer_factory_new_for_kind (config, args->neac ? "neac" : "csc", login, args->provider,
                                                 error);
      if (signer != NULL)
        kyso_signer_factory_set_expiry (signer, (guint)args->expiry);
      return signer;
    }
  profile_id = args->profile != NULL ? g_strdup (args->profile)
                                     : (pending != NULL ? kyso_signing_job_dup_profile_id (pending) : NULL);
  if (profile_id == NULL)
    {
      *usage = TRUE;
      g_set_error_literal (
        error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
        _ ("The waiting request names no signature profile: give --profile, --neac or --csc."));
      return NULL;
    }
  profile = find_profile (profile_id, error);
  if (profile == NULL)
    return NULL;
  account = g_list_model_get_item (kyso_profile_get_accounts (profile),
                                   args->profile_account > 0 ? (guint)args->profile_account - 1 : 0);
  if (account == NULL)
    {
      *usage = TRUE;
      g_set_error_literal (
        error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
        _ ("This signature profile has no such signing account. Add one under Signatures."));
      return NULL;
    }
  signer = kyso_signer_factory_new_for_account (config, account, error);
  if (signer != NULL)
    kyso_signer_factory_set_expiry (signer, (guint)args->expiry);
  *out_profile = g_steal_pointer (&profile);
  return signer;
}

static gboolean
check_args (const KysoCliRemoteArgs *args)
{
  if (args->neac && args->csc)
    kyso_cli_error (_ ("Choose one remote signer: --neac or --csc."));
  else if ((args->neac || args->csc) && args->profile != NULL)
    kyso_cli_error (_ ("Give either --profile or a remote signer (--neac, --csc), not both."));
  else if ((args->neac || args->csc) && args->account_file == NULL)
    kyso_cli_error (args->neac ? _ ("--neac needs --account-file with your ID number (CMND/CCCD).")
                               : _ ("--csc needs --account-file with your login at the signing service."));
  else if (args->csc && args->credential == NULL)
    kyso_cli_error (_ ("--csc needs --credential with the certificate to use."));
  else if (args->expiry < 0)
    kyso_cli_error (_ ("--expiry wants a number of seconds."));
  else if (args->profile_account < 0)
    kyso_cli_error (_ ("--profile-account wants a number from 1."));
  else
    return TRUE;
  return FALSE;
}

int
kyso_cli_remote_sign (KysoCliContext *ctx, const KysoCliRemoteArgs *args,
                      const KysoSignSessionOptions *options, const char *in, const char *out)
{
  g_autoptr (KysoPending) pending = NULL;
  g_autoptr (KysoSigner) signer = NULL;
  g_autoptr (KysoProfile) profile = NULL;
  g_autoptr (KysoSigningJob) job = NULL;
  g_autoptr (GError) error = NULL;
  KysoSignSessionOptions o;
  gboolean usage = FALSE;

  if (!check_args (args))
    return KYSO_EXIT_USAGE;
  if (access (in, R_OK) != 0)
    {
      kyso_cli_error (_ ("Cannot read “%s”: %s"), in, g_strerror (errno));
      return KYSO_EXIT_INPUT;
    }

  /* One request per document at a time: never a second prompt on the phone by accident. */
  kyso_signing_job_prune (NULL, PRUNE_GRACE_SECONDS);
  pending = kyso_signing_job_find_pending (NULL, in, out, &error);
  if (error != NULL)
    {
      kyso_cli_error ("%s", error->message);
      return KYSO_EXIT_INPUT;
    }
  if (args->resume && pending == NULL)
    {
      kyso_cli_error (_ ("No signing request for “%s” is waiting. Sign without --resume."), in);
      return KYSO_EXIT_INPUT;
    }
  if (!args->resume && pending != NULL)
    {
      const char *code = kyso_pending_get_verification_code (pending);

      kyso_cli_error (_ ("A signing request for “%s” is still waiting for approval on the phone (code %s). "
                         "Run the same command with --resume to continue it."),
                         in, code != NULL ? code : "?");
      return KYSO_EXIT_USAGE;
    }

  signer = create_signer (ctx, args, pending, &profile, &usage, &error);
  if (signer == NULL)
    {
      kyso_cli_error ("%s", error->message);
      return usage ? KYSO_EXIT_USAGE : KYSO_EXIT_REMOTE;
    }
  if (pending != NULL
      && g_strcmp0 (kyso_pending_get_kind (pending), kyso_signer_factory_get_kind (signer)) != 0)
    {
      kyso_cli_error (_ ("The waiting request was made with --%s."), kyso_pending_get_kind (pending));
      return KYSO_EXIT_USAGE;
    }

  /* The configured trust also covers the time-stamp authority, unless --ca-file said otherwise; a
   * profile gives its keyword and image unless the command line placed the box itself. */
  o = *options;
  if (o.tls_ca_file == NULL)
    o.tls_ca_file = kyso_config_get_path (kyso_cli_get_config (ctx), "tls", "ca_file");
  if (profile != NULL && !o.has_rect && o.keyword == NULL && kyso_profile_get_keyword (profile) != NULL
      && *kyso_profile_get_keyword (profile) != '\0')
    {
      o.keyword = kyso_profile_get_keyword (profile);
      o.keyword_fallback = TRUE;
    }
  if (profile != NULL && o.image_png == NULL)
    o.image_png = kyso_profile_get_image (profile);

  job = kyso_signing_job_new (signer, args->credential);
  if (profile != NULL)
    kyso_signing_job_set_profile_id (job, kyso_profile_get_id (profile));
  if (pending == NULL)
    kyso_signing_job_add_file (job, in, out, &o);
  return present (job, pending, TRUE);
}
