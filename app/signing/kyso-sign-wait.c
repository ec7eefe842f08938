#include "config.h"

#include "kyso-sign-wait.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>

struct _KysoSignWait
{
  GMainContext *context;
  KysoSignProgressFunc progress;
  gpointer progress_data;
  GCancellable *cancellable;
  guint initial_ms;
  guint max_ms;
  guint max_retries;
  gint64 expires_at;
  char *provider;
  char *transaction_id;
  char *verification_code;
  GStrv doc_codes;
};

typedef struct
{
  KysoSignProgressFunc func;
  gpointer data;
  KysoSignState state;
  char *provider;
  char *transaction_id;
  char *verification_code;
  GStrv doc_codes;
  gint64 expires_at;
} ProgressMessage;

KysoSignWait *
kyso_sign_wait_new (KysoSignProgressFunc progress, gpointer progress_data, GCancellable *cancellable)
{
  KysoSignWait *self = g_new0 (KysoSignWait, 1);

  self->context = g_main_context_ref_thread_default ();
  self->progress = progress;
  self->progress_data = progress_data;
  self->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  self->initial_ms = 2000;
  self->max_ms = 5000;
  self->max_retries = KYSO_SIGN_WAIT_DEFAULT_MAX_RETRIES;
  return self;
}

void
kyso_sign_wait_free (KysoSignWait *self)
{
  if (self == NULL)
    return;
  g_main_context_unref (self->context);
  g_clear_object (&self->cancellable);
  g_free (self->provider);
  g_free (self->transaction_id);
  g_free (self->verification_code);
  g_strfreev (self->doc_codes);
  g_free (self);
}

void
kyso_sign_wait_set_interval (KysoSignWait *self, guint initial_ms, guint max_ms)
{
  self->initial_ms = MAX (initial_ms, 10);
  self->max_ms = MAX (max_ms, self->initial_ms);
}

void
kyso_sign_wait_set_max_retries (KysoSignWait *self, guint max_retries)
{
  self->max_retries = max_retries;
}

void
kyso_sign_wait_set_expires_at (KysoSignWait *self, gint64 expires_at)
{
  self->expires_at = expires_at;
}

gint64
kyso_sign_wait_get_expires_at (KysoSignWait *self)
{
  return self->expires_at;
}

GCancellable *
kyso_sign_wait_get_cancellable (KysoSignWait *self)
{
  return self->cancellable;
}

static void
replace (char **field, const char *value)
{
  if (value == NULL)
    return;
  g_free (*field);
  *field = g_strdup (value);
}

void
kyso_sign_wait_set_info (KysoSignWait *self, const char *provider, const char *transaction_id,
                         const char *verification_code)
{
  replace (&self->provider, provider);
  replace (&self->transaction_id, transaction_id);
  replace (&self->verification_code, verification_code);
}

void
kyso_sign_wait_set_doc_codes (KysoSignWait *self, const char *const *codes)
{
  if (codes == NULL || codes[0] == NULL)
    return;
  g_strfreev (self->doc_codes);
  self->doc_codes = g_strdupv ((char **)codes);
  g_free (self->verification_code);
  self->verification_code = g_strjoinv (", ", self->doc_codes);
}

static void
progress_message_free (gpointer data)
{
  ProgressMessage *msg = data;

  g_free (msg->provider);
  g_free (msg->transaction_id);
  g_free (msg->verification_code);
  g_strfreev (msg->doc_codes);
  g_free (msg);
}

static gboolean
progress_dispatch (gpointer data)
{
  ProgressMessage *msg = data;
  KysoSignProgress progress = {
    .state = msg->state,
    .provider = msg->provider,
    .transaction_id = msg->transaction_id,
    .verification_code = msg->verification_code,
    .doc_codes = (const char *const *)msg->doc_codes,
    .expires_at = msg->expires_at,
  };

  msg->func (&progress, msg->data);
  return G_SOURCE_REMOVE;
}

void
kyso_sign_wait_report (KysoSignWait *self, KysoSignState state)
{
  g_autoptr(GSource) source = NULL;
  ProgressMessage *msg;

  if (self->progress == NULL)
    return;
  msg = g_new0 (ProgressMessage, 1);
  msg->func = self->progress;
  msg->data = self->progress_data;
  msg->state = state;
  msg->provider = g_strdup (self->provider);
  msg->transaction_id = g_strdup (self->transaction_id);
  msg->verification_code = g_strdup (self->verification_code);
  msg->doc_codes = g_strdupv (self->doc_codes);
  msg->expires_at = self->expires_at;

  /* Always queue (never g_main_context_invoke, which may run the callback right here on the worker
   * thread when nobody owns the context); sources of one priority run in the order attached, and
   * the GTask result is attached after the last report, so no report outlives the call. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, progress_dispatch, msg, progress_message_free);
  g_source_set_static_name (source, "[kyso] sign progress");
  g_source_attach (source, self->context);
}

gboolean
kyso_sign_wait_sleep (KysoSignWait *self, guint ms, GError **error)
{
  GPollFD fd;

  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return FALSE;
  if (self->cancellable != NULL && g_cancellable_make_pollfd (self->cancellable, &fd))
    {
      g_poll (&fd, 1, (gint)ms);
      g_cancellable_release_fd (self->cancellable);
    }
  else
    g_usleep ((gulong)ms * 1000);
  return !g_cancellable_set_error_if_cancelled (self->cancellable, error);
}

static guint
jitter (guint ms)
{
  return (guint)(ms * g_random_double_range (0.8, 1.2));
}

gboolean
kyso_sign_wait_error_is_transient (const GError *error)
{
  return error != NULL && g_error_matches (error, KYSO_ERROR, KYSO_ERROR_NETWORK);
}

/* Shared by call and poll: counts a transient fault; FALSE (error set) when the budget is spent. */
static gboolean
note_fault (KysoSignWait *self, guint *faults, GError **local, GError **error)
{
  if (++*faults > self->max_retries)
    {
      g_propagate_error (error, g_steal_pointer (local));
      return FALSE;
    }
  g_debug ("transient fault %u/%u: %s", *faults, self->max_retries, (*local)->message);
  g_clear_error (local);
  kyso_sign_wait_report (self, KYSO_SIGN_STATE_RETRYING);
  return TRUE;
}

gboolean
kyso_sign_wait_call (KysoSignWait *self, KysoSignPollFunc func, gpointer user_data, GError **error)
{
  guint faults = 0;

  for (;;)
    {
      g_autoptr(GError) local = NULL;
      KysoSignPollResult r;

      if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
        return FALSE;
      r = func (self, user_data, &local);
      switch (r)
        {
          case KYSO_SIGN_POLL_DONE:
          case KYSO_SIGN_POLL_PENDING:
            return TRUE;
          case KYSO_SIGN_POLL_FAILED:
            g_propagate_error (error, g_steal_pointer (&local));
            return FALSE;
          case KYSO_SIGN_POLL_TRANSIENT:
          default:
            if (!note_fault (self, &faults, &local, error))
              return FALSE;
            /* A short, growing pause: the service may be restarting. */
            if (!kyso_sign_wait_sleep (self, jitter (MIN (self->initial_ms / 2 * faults, self->max_ms)),
                                       error))
              return FALSE;
        }
    }
}

static void
set_expired (GError **error)
{
  g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_EXPIRED,
                       _("The request was not approved in time. Nothing was signed; sign again and "
                         "approve the request on your phone before the time runs out."));
}

gboolean
kyso_sign_wait_poll (KysoSignWait *self, KysoSignPollFunc func, gpointer user_data, GError **error)
{
  guint interval = self->initial_ms;
  guint faults = 0;
  gboolean retrying = FALSE;
  gboolean final = FALSE;

  for (;;)
    {
      g_autoptr(GError) local = NULL;
      KysoSignPollResult r;
      guint delay;

      if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
        return FALSE;
      r = func (self, user_data, &local);
      if (r == KYSO_SIGN_POLL_DONE)
        return TRUE;
      if (r == KYSO_SIGN_POLL_FAILED)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      if (r == KYSO_SIGN_POLL_TRANSIENT)
        {
          if (!note_fault (self, &faults, &local, error))
            return FALSE;
          retrying = TRUE;
        }
      else
        {
          faults = 0;
          if (final)
            {
              set_expired (error);
              return FALSE;
            }
          if (retrying)
            kyso_sign_wait_report (self, KYSO_SIGN_STATE_WAITING);
          retrying = FALSE;
        }

      delay = jitter (interval);
      interval = MIN (interval * 3 / 2, self->max_ms);
      if (self->expires_at > 0)
        {
          gint64 left_ms = (self->expires_at - g_get_real_time ()) / 1000;

          /* The last poll comes just after the deadline: an approval given in the last second
           * still counts, and the server, not our clock, decides. */
          if (left_ms < (gint64)delay)
            {
              delay = (guint)CLAMP (left_ms + 1000, 200, 1000 + (gint64)self->max_ms);
              final = TRUE;
            }
        }
      if (!kyso_sign_wait_sleep (self, delay, error))
        return FALSE;
    }
}
