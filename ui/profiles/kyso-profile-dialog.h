#pragma once

#include <adwaita.h>

#include "kyso-profile-store.h"

G_BEGIN_DECLS

#define KYSO_TYPE_PROFILE_DIALOG (kyso_profile_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KysoProfileDialog, kyso_profile_dialog, KYSO, PROFILE_DIALOG, AdwWindow)

/* The "Add / Edit Signature" window: image (PNG, with preview), name, signing phone number,
 * location keyword and the signing accounts. Save validates field by field, flags the field at
 * fault with the reason, then creates or updates the profile in @store and closes.
 * Signal "saved" (KysoProfile *profile): emitted once the keyring holds it. */
KysoProfileDialog *
kyso_profile_dialog_new (GtkWindow *parent, KysoProfileStore *store, KysoProfile *profile_or_null);

G_END_DECLS
