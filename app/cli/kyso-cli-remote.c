/* The remote half of `kyso-cli sign`: NEAC or CSC, waiting for the phone, and --resume. */
#include "config.h"

#include "kyso-cli-remote.h"
#include "kyso-csc-signer.h"
#include "kyso-error.h"
#include "kyso-neac-signer.h"
#include "kyso-pending.h"
#include "kyso-util.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
  GCancellable *cancellable;
  char         *provider;
  gint64        expires_at;
  guint         tick_id;
  gboolean      tty;
  gboolean      interrupted;
} Remote;

gboolean
kyso_cli_remote_requested (const KysoCliRemoteArgs *args)
{
  return args->neac || args->csc || args->resume;
}

void
kyso_cli_remote_args_clear (KysoCliRemoteArgs *args)
{
  g_clear_pointer (&args->account, g_free);
  g_clear_pointer (&args->provider, g_free);
  g_clear_pointer (&args->credential, g_free);
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Remote *r = user_data;

  r->result = g_object_ref (result);
  g_main_loop_quit (r->loop);
}

static GAsyncResult *
wait_result (Remote *r)
{
  g_clear_object (&r->result);
  g_main_loop_run (r->loop);
  return r->result;
}

static char *
format_left (gint64 expires_at)
{
  gint64 left = MAX (expires_at - g_get_real_time (), 0) / G_USEC_PER_SEC;

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d", left / 60, (int) (left % 60));
}

/* A countdown: on a terminal one line rewritten every second, in a log a line every 30 s. */
static gboolean
on_tick (gpointer user_data)
{
  Remote *r = user_data;
  g_autofree char *left = NULL;
  static guint calls;

  if (r->expires_at <= 0)
    return G_SOURCE_CONTINUE;
  left = format_left (r->expires_at);
  if (r->tty)
    /* Translators: a countdown, %s is minutes:seconds */
    printf (_("\r  Time left: %s   "), left);
  else if (++calls % 30 == 0)
    printf (_("  Time left: %s\n"), left);
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

static void
on_progress (const KysoSignProgress *p, gpointer user_data)
{
  Remote *r = user_data;
  const char *provider = p->provider ? p->provider : r->provider;

  if (r->tty && p->state != KYSO_SIGN_STATE_WAITING)
    printf ("\n");
  switch (p->state)
    {
    case KYSO_SIGN_STATE_SENDING:
      /* Translators: %s is a certificate provider such as VNPT-CA */
      printf (_("Sending the signing request to %s…\n"), provider ? provider : "?");
      break;
    case KYSO_SIGN_STATE_WAITING:
      {
        g_autoptr(GDateTime) until
          = p->expires_at > 0 ? g_date_time_new_from_unix_local (p->expires_at / G_USEC_PER_SEC) : NULL;
        g_autofree char *when = until ? g_date_time_format (until, "%H:%M:%S") : NULL;
        g_autofree char *left = p->expires_at > 0 ? format_left (p->expires_at) : NULL;

        r->expires_at = p->expires_at;
        /* Translators: %s is a certificate provider such as VNPT-CA; its app is on the citizen's phone */
        printf (_("Open the %s app on your phone and approve the signing request.\n"),
                provider ? provider : "?");
        if (p->transaction_id != NULL && g_strcmp0 (p->transaction_id, p->verification_code) != 0)
          printf (_("  Transaction code: %s\n"), p->transaction_id);
        /* The doc_id sent, exactly: the code the provider's app shows next to the document. */
        for (guint i = 0; p->doc_codes != NULL && p->doc_codes[i] != NULL; i++)
          printf (_("  Document code: %s — check that your phone shows this code for this document.\n"),
                  p->doc_codes[i]);
        if (when != NULL)
          printf (_("  Approve before %s (%s left). Press Ctrl+C to stop waiting.\n"), when, left);
        if (r->tick_id == 0)
          r->tick_id = g_timeout_add_seconds (1, on_tick, r);
        break;
      }
    case KYSO_SIGN_STATE_RETRYING:
      printf (_("The connection to the signing service failed; trying again…\n"));
      break;
    case KYSO_SIGN_STATE_APPROVED:
      printf (_("Approved. Finishing the signature…\n"));
      break;
    default:
      break;
    }
  fflush (stdout);
}

static gboolean
on_signal (gpointer user_data)
{
  Remote *r = user_data;

  r->interrupted = TRUE;
  g_cancellable_cancel (r->cancellable);
  return G_SOURCE_CONTINUE;
}

/* 4 refused, 5 expired, 3 the input, 6 anything else remote. */
static int
exit_for (const GError *error)
{
  if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_REFUSED))
    return KYSO_EXIT_SIGN_FAILED;
  if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_EXPIRED))
    return KYSO_EXIT_EXPIRED;
  if (error->domain == KYSO_ERROR
      && (error->code == KYSO_ERROR_ENCRYPTED || error->code == KYSO_ERROR_BROKEN_FILE
          || error->code == KYSO_ERROR_UNSUPPORTED || error->code == KYSO_ERROR_LIMIT))
    return KYSO_EXIT_INPUT;
  return KYSO_EXIT_REMOTE;
}

static KysoSigner *
create_signer (KysoCliContext *ctx, const KysoCliRemoteArgs *args, KysoPending *pending, GError **error)
{
  KysoConfig *config = kyso_cli_get_config (ctx);
  KysoSigner *signer = NULL;

  if (config == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _("The configuration cannot be read."));
      return NULL;
    }
  if (args->neac)
    {
      KysoNeacSigner *neac = kyso_neac_signer_new (config, args->account, args->provider, error);
      if (neac != NULL)
        {
          if (args->expiry > 0)
            kyso_neac_signer_set_expiry (neac, (guint) args->expiry);
          kyso_neac_signer_set_pending (neac, pending);
        }
      signer = (KysoSigner *) neac;
    }
  else
    {
      KysoCscSigner *csc = kyso_csc_signer_new (config, args->account, args->provider, error);
      if (csc != NULL)
        {
          if (args->expiry > 0)
            kyso_csc_signer_set_expiry (csc, (guint) args->expiry);
          kyso_csc_signer_set_pending (csc, pending);
        }
      signer = (KysoSigner *) csc;
    }
  return signer;
}

/* The prepared document is resumable only with its session: written like the record (0600). */
static gboolean
save_session (KysoPending *pending, KysoSignSession *session, GError **error)
{
  g_autoptr(GVariant) state = g_variant_ref_sink (kyso_sign_session_save (session));
  g_autofree char *path = kyso_pending_dup_session_path (pending);
  g_autoptr(KysoAtomicFile) file = NULL;

  if (g_mkdir_with_parents (kyso_pending_get_dir (pending), 0700) != 0
      || (file = kyso_atomic_file_new (path, error)) == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_FAILED, _("Cannot write in “%s”."),
                     kyso_pending_get_dir (pending));
      return FALSE;
    }
  fchmod (kyso_atomic_file_get_fd (file), 0600);
  return kyso_write_all (kyso_atomic_file_get_fd (file), g_variant_get_data (state),
                         g_variant_get_size (state), error)
         && kyso_atomic_file_commit (file, error);
}

static KysoSignSession *
load_session (KysoPending *pending, GError **error)
{
  g_autofree char *path = kyso_pending_dup_session_path (pending);
  g_autoptr(GMappedFile) map = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr(GBytes) bytes = map ? g_mapped_file_get_bytes (map) : NULL;
  g_autoptr(GVariant) raw = NULL;
  g_autoptr(GVariant) state = NULL;

  if (bytes == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                           _("The prepared document of the waiting request is gone. Sign again."));
      return NULL;
    }
  /* The file is ours, but read it as untrusted: normal form checks every offset. */
  raw = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
  state = g_variant_get_normal_form (raw);
  return kyso_sign_session_load (state, error);
}

static char *
pick_credential (Remote *r, KysoSigner *signer, const KysoCliRemoteArgs *args, GPtrArray **out_chain,
                 GError **error)
{
  g_autoptr(GPtrArray) creds = NULL;

  kyso_signer_list_credentials_async (signer, r->cancellable, on_done, r);
  creds = kyso_signer_list_credentials_finish (signer, wait_result (r), error);
  if (creds == NULL)
    return NULL;
  for (guint i = 0; i < creds->len; i++)
    {
      KysoSignerCredential *c = g_ptr_array_index (creds, i);
      if (args->credential == NULL || g_strcmp0 (c->id, args->credential) == 0)
        {
          *out_chain = g_ptr_array_ref (c->chain);
          return g_strdup (c->id);
        }
    }
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
               args->credential ? _("The signing service has no certificate “%s” for this account.")
                                : _("The signing service has no certificate for this account."),
               args->credential);
  return NULL;
}

static gboolean
check_args (const KysoCliRemoteArgs *args)
{
  if (args->neac == args->csc)
    kyso_cli_error (_("Choose one remote signer: --neac or --csc."));
  else if (args->account == NULL)
    kyso_cli_error (args->neac ? _("--neac needs --account with your ID number (CMND/CCCD).")
                               : _("--csc needs --account with your login at the signing service."));
  else if (args->csc && args->credential == NULL)
    kyso_cli_error (_("--csc needs --credential with the certificate to use."));
  else if (args->expiry < 0)
    kyso_cli_error (_("--expiry wants a number of seconds."));
  else
    return TRUE;
  return FALSE;
}

/* A new request (prepared and saved), or the one an earlier run left. */
static KysoSignSession *
start (Remote *r, const KysoCliRemoteArgs *args, const KysoSignSessionOptions *options, const char *in,
       const char *out, GPtrArray *chain, KysoPending *pending, GError **error)
{
  g_autoptr(KysoSignSession) session = NULL;
  g_autoptr(GBytes) digest = NULL;

  if (args->resume)
    return load_session (pending, error);
  session = kyso_sign_session_new (in, out, options);
  kyso_sign_session_prepare_async (session, chain, r->cancellable, on_done, r);
  digest = kyso_sign_session_prepare_finish (session, wait_result (r), error);
  if (digest == NULL)
    return NULL;
  if (!save_session (pending, session, error))
    {
      kyso_sign_session_abort (session);
      return NULL;
    }
  return g_steal_pointer (&session);
}

/* After a failure: keep what --resume needs when it may still succeed, else clean up. */
static void
finish_failed (KysoPending *pending, KysoSignSession *session, const GError *error)
{
  g_autofree char *json
    = g_strdup_printf ("%s/%s.json", kyso_pending_get_dir (pending), kyso_pending_get_id (pending));

  /* The signer forgets the record of a request that cannot succeed any more. */
  if (g_file_test (json, G_FILE_TEST_EXISTS) && kyso_pending_get_transaction_id (pending) != NULL
      && (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || error->domain != KYSO_ERROR
          || error->code == KYSO_ERROR_NETWORK || error->code == KYSO_ERROR_SERVER
          || error->code == KYSO_ERROR_TLS))
    {
      kyso_cli_error (_("The signing request is kept: run the same command with --resume to continue it."));
      return;
    }
  if (session != NULL)
    kyso_sign_session_abort (session);
  kyso_pending_forget (pending, NULL);
}

int
kyso_cli_remote_sign (KysoCliContext *ctx, const KysoCliRemoteArgs *args,
                      const KysoSignSessionOptions *options, const char *in, const char *out)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(KysoPending) pending = NULL;
  g_autoptr(KysoSigner) signer = NULL;
  g_autoptr(KysoSignSession) session = NULL;
  g_autoptr(GPtrArray) digests = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) sigs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *credential_id = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autofree char *base = g_path_get_basename (in);
  const char *doc_ids[] = { base, NULL };
  KysoSignRequest request = { 0 };
  KysoSignSessionOptions session_options;
  Remote r = { loop, NULL, cancellable };
  guint sigint, sigterm;
  int status = KYSO_EXIT_OK;

  if (!check_args (args))
    return KYSO_EXIT_USAGE;
  if (access (in, R_OK) != 0)
    {
      kyso_cli_error (_("Cannot read “%s”: %s"), in, g_strerror (errno));
      return KYSO_EXIT_INPUT;
    }

  /* One request per document at a time: never a second prompt on the phone by accident. */
  kyso_pending_prune (NULL, 24 * 3600);
  pending = kyso_pending_find_for_document (NULL, in, out, &error);
  if (error != NULL)
    {
      kyso_cli_error ("%s", error->message);
      return KYSO_EXIT_INPUT;
    }
  if (args->resume && pending == NULL)
    {
      kyso_cli_error (_("No signing request for “%s” is waiting. Sign without --resume."), in);
      return KYSO_EXIT_INPUT;
    }
  if (!args->resume && pending != NULL)
    {
      kyso_cli_error (
        _("A signing request for “%s” is still waiting for approval on the phone (code %s). "
           "Run the same command with --resume to continue it."),
        in,
        kyso_pending_get_verification_code (pending) ? kyso_pending_get_verification_code (pending) : "?");
      return KYSO_EXIT_USAGE;
    }
  if (args->resume && g_strcmp0 (kyso_pending_get_kind (pending), args->neac ? "neac" : "csc") != 0)
    {
      kyso_cli_error (_("The waiting request was made with --%s."), kyso_pending_get_kind (pending));
      return KYSO_EXIT_USAGE;
    }
  if (pending == NULL)
    {
      pending = kyso_pending_new (NULL, args->neac ? "neac" : "csc");
      kyso_pending_set_document_path (pending, in);
      kyso_pending_set_output_path (pending, out);
    }

  signer = create_signer (ctx, args, pending, &error);
  if (signer == NULL)
    {
      kyso_cli_error ("%s", error->message);
      return KYSO_EXIT_USAGE;
    }
  /* The configured trust also covers the time-stamp authority, unless --ca-file said otherwise. */
  session_options = *options;
  if (session_options.tls_ca_file == NULL && kyso_cli_get_config (ctx) != NULL)
    session_options.tls_ca_file = kyso_config_get_path (kyso_cli_get_config (ctx), "tls", "ca_file");
  r.provider = g_strdup (args->provider);
  r.tty = isatty (STDOUT_FILENO);
  sigint = g_unix_signal_add (SIGINT, on_signal, &r);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &r);

  credential_id = pick_credential (&r, signer, args, &chain, &error);
  if (credential_id == NULL)
    {
      kyso_cli_error ("%s", error->message);
      /* A new request has sent nothing yet; a waiting one stays for a later try. */
      if (!args->resume)
        kyso_pending_forget (pending, NULL);
      status = KYSO_EXIT_REMOTE;
      goto out;
    }
  session = start (&r, args, &session_options, in, out, chain, pending, &error);
  if (session == NULL)
    {
      kyso_cli_error ("%s", error->message);
      /* The document (3), or a resume whose prepared file is gone (6). */
      status = args->resume || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? KYSO_EXIT_REMOTE
                                                                                         : KYSO_EXIT_INPUT;
      kyso_pending_forget (pending, NULL);
      goto out;
    }

  g_ptr_array_add (digests, g_bytes_ref (kyso_sign_session_get_digest_to_sign (session)));
  request.credential_id = credential_id;
  request.description = base;
  request.doc_ids = doc_ids;
  kyso_signer_sign_digests_async (signer, digests, &request, on_progress, &r, cancellable, on_done, &r);
  sigs = kyso_signer_sign_digests_finish (signer, wait_result (&r), &error);
  if (r.tick_id != 0)
    g_source_remove (r.tick_id);
  if (r.tty)
    printf ("\n");
  if (sigs != NULL)
    {
      kyso_sign_session_complete_async (session, g_ptr_array_index (sigs, 0), cancellable, on_done, &r);
      kyso_sign_session_complete_finish (session, wait_result (&r), &error);
    }
  if (error != NULL)
    {
      if (r.interrupted)
        kyso_cli_error (_("Stopped waiting."));
      else
        kyso_cli_error ("%s", error->message);
      finish_failed (pending, session, error);
      status = exit_for (error);
      goto out;
    }
  kyso_pending_forget (pending, NULL);
  /* Translators: %s is the signed file */
  printf (_("Signed %s\n"), out);

out:
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_clear_object (&r.result);
  g_free (r.provider);
  return status;
}
