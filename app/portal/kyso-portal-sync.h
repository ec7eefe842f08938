#pragma once

#include <gio/gio.h>

#include "kyso-config.h"
#include "kyso-portal.h"

G_BEGIN_DECLS

/* Waiting for an asynchronous call from a program without a main loop of its own (kyso-cli,
 * tests): pass kyso_sync_wait_callback and the waiter, then kyso_sync_wait_run() iterates the
 * thread-default main context until the callback came and returns its result (borrowed). */
typedef struct _KysoSyncWait KysoSyncWait;

KysoSyncWait *
kyso_sync_wait_new (void);
void
kyso_sync_wait_callback (GObject *source, GAsyncResult *result, gpointer waiter);
GAsyncResult *
kyso_sync_wait_run (KysoSyncWait *self);
void
kyso_sync_wait_free (KysoSyncWait *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoSyncWait, kyso_sync_wait_free)

/* The configured portal with its stored session resumed. KYSO_ERROR_AUTH ("log in first")
 * when @require_session and no session is stored. */
KysoPortal *
kyso_portal_open_sync (KysoConfig *config, gboolean require_session, GError **error);

G_END_DECLS
