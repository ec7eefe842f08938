#pragma once

#include "kyso-portal.h"

G_BEGIN_DECLS

/* Delivering a worker thread's progress to the main context of the thread that started the
 * operation, keeping only the latest state so that a slow main loop sees fewer, never stale,
 * updates. Not public API. */
typedef struct _KysoPortalRelay KysoPortalRelay;

/* Captures the thread-default main context; @func may be NULL (then nothing is delivered). */
KysoPortalRelay *
kyso_portal_relay_new (KysoPortalProgressFunc func, gpointer data);
void
kyso_portal_relay_unref (gpointer relay);
/* From any thread. */
void
kyso_portal_relay_post (KysoPortalRelay *relay, const KysoPortalProgress *progress);
/* The operation finished: updates still queued are dropped. */
void
kyso_portal_relay_close (KysoPortalRelay *relay);

/* Runs @func on @context from an idle source; unlike g_main_context_invoke() never on the
 * calling thread, even when @context is free. */
void
kyso_portal_schedule (GMainContext *context, GSourceFunc func, gpointer data, GDestroyNotify destroy);

G_END_DECLS
