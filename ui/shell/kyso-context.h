#pragma once

#include <gio/gio.h>

#include "kyso-config.h"
#include "kyso-profile-store.h"
#include "kyso-ui-types.h"

G_BEGIN_DECLS

/* What every page of the front end works with, handed to each the same way
 * (kyso_<page>_set_context()): the configuration, the signature profiles and the preferences.
 * Immutable once made; the application owns one, tests make their own. */

#define KYSO_TYPE_CONTEXT (kyso_context_get_type ())
G_DECLARE_FINAL_TYPE (KysoContext, kyso_context, KYSO, CONTEXT, GObject)

/* @settings may be NULL (no schema installed: pages keep their defaults). */
KysoContext *
kyso_context_new (KysoConfig *config, KysoProfileStore *profiles, GSettings *settings);
/* Never NULL. */
KysoConfig *
kyso_context_get_config (KysoContext *self);
/* Never NULL. */
KysoProfileStore *
kyso_context_get_profile_store (KysoContext *self);
/* May be NULL. */
GSettings *
kyso_context_get_settings (KysoContext *self);

G_END_DECLS
