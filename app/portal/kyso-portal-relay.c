/* Progress from a worker thread to the caller's main context, coalesced. */
#include "config.h"

#include "kyso-portal-relay.h"

/* Unlike g_main_context_invoke(), never runs @func on the calling thread, even when @context is
 * free: callbacks must run on the thread that owns @context. */
void
kyso_portal_schedule (GMainContext *context, GSourceFunc func, gpointer data, GDestroyNotify destroy)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "[kyso] portal callback");
  g_source_attach (source, context);
  g_source_unref (source);
}

struct _KysoPortalRelay
{
  KysoPortalProgressFunc func;
  gpointer data;
  GMainContext *context;
  GMutex lock;
  KysoPortalProgress latest;
  char *latest_name;
  gboolean pending;
  gint closed; /* atomic: the operation finished; drop late updates */
};

static void
relay_clear (gpointer data)
{
  KysoPortalRelay *relay = data;

  g_main_context_unref (relay->context);
  g_free (relay->latest_name);
  g_mutex_clear (&relay->lock);
}

KysoPortalRelay *
kyso_portal_relay_new (KysoPortalProgressFunc func, gpointer data)
{
  KysoPortalRelay *relay = g_atomic_rc_box_new0 (KysoPortalRelay);

  relay->func = func;
  relay->data = data;
  relay->context = g_main_context_ref_thread_default ();
  g_mutex_init (&relay->lock);
  return relay;
}

void
kyso_portal_relay_unref (gpointer relay)
{
  g_atomic_rc_box_release_full (relay, relay_clear);
}

static gboolean
relay_dispatch (gpointer data)
{
  KysoPortalRelay *relay = data;
  KysoPortalProgress copy;
  g_autofree char *name = NULL;

  g_mutex_lock (&relay->lock);
  copy = relay->latest;
  name = g_strdup (relay->latest_name);
  relay->pending = FALSE;
  g_mutex_unlock (&relay->lock);
  copy.file_name = name;
  if (!g_atomic_int_get (&relay->closed))
    relay->func (&copy, relay->data);
  return G_SOURCE_REMOVE;
}

/* Keeps only the latest state: a slow main loop sees fewer, never stale, updates. */
void
kyso_portal_relay_post (KysoPortalRelay *relay, const KysoPortalProgress *progress)
{
  if (relay == NULL || relay->func == NULL)
    return;
  g_mutex_lock (&relay->lock);
  relay->latest = *progress;
  if (g_strcmp0 (relay->latest_name, progress->file_name) != 0)
    {
      g_free (relay->latest_name);
      relay->latest_name = g_strdup (progress->file_name);
    }
  relay->latest.file_name = NULL;
  if (!relay->pending)
    {
      relay->pending = TRUE;
      kyso_portal_schedule (relay->context, relay_dispatch, g_atomic_rc_box_acquire (relay),
                            kyso_portal_relay_unref);
    }
  g_mutex_unlock (&relay->lock);
}

void
kyso_portal_relay_close (KysoPortalRelay *relay)
{
  g_atomic_int_set (&relay->closed, TRUE);
}
