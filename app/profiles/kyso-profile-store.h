#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

#include "kyso-profile.h"

G_BEGIN_DECLS

#define KYSO_TYPE_PROFILE_STORE (kyso_profile_store_get_type ())
G_DECLARE_FINAL_TYPE (KysoProfileStore, kyso_profile_store, KYSO, PROFILE_STORE, GObject)

/* Signature profiles in the Secret Service (GNOME Keyring, KWallet …): one item per profile,
 * schema "vn.kyso.Kyso.Profile", attribute "profile-id", the secret being the profile's JSON
 * (kyso_profile_to_json()). Nothing is written anywhere else.
 *
 * Every call runs in a worker thread. Errors: G_IO_ERROR_CANCELLED; KYSO_ERROR_INVALID_INPUT
 * (create/update of a profile that fails kyso_profile_validate()); KYSO_ERROR_NOT_FOUND (no
 * such profile); KYSO_ERROR_BROKEN_FILE / KYSO_ERROR_UNSUPPORTED (lookup of an unreadable item);
 * KYSO_ERROR_FAILED (keyring unreachable or locked, or create of an id already stored).
 *
 * Signal "changed" (no arguments): emitted in the thread-default main context of the caller
 * after a create, update or delete through this store succeeded, before its callback runs. */
KysoProfileStore *
kyso_profile_store_new (void);
const SecretSchema *
kyso_profile_store_get_schema (void);

/* All readable profiles, sorted by display name: a GPtrArray of KysoProfile (owned). Items
 * that cannot be read are skipped. */
void
kyso_profile_store_list_async (KysoProfileStore *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *
kyso_profile_store_list_finish (KysoProfileStore *self, GAsyncResult *result, GError **error);

void
kyso_profile_store_lookup_async (KysoProfileStore *self, const char *id, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
KysoProfile *
kyso_profile_store_lookup_finish (KysoProfileStore *self, GAsyncResult *result, GError **error);

/* Stores a new profile (validated first; its id must not be stored yet). */
void
kyso_profile_store_create_async (KysoProfileStore *self, KysoProfile *profile, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean
kyso_profile_store_create_finish (KysoProfileStore *self, GAsyncResult *result, GError **error);

/* Replaces the stored profile with the same id (validated first). */
void
kyso_profile_store_update_async (KysoProfileStore *self, KysoProfile *profile, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean
kyso_profile_store_update_finish (KysoProfileStore *self, GAsyncResult *result, GError **error);

void
kyso_profile_store_delete_async (KysoProfileStore *self, const char *id, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean
kyso_profile_store_delete_finish (KysoProfileStore *self, GAsyncResult *result, GError **error);

G_END_DECLS
