#pragma once

#include <adwaita.h>

#include "kyso-context.h"

G_BEGIN_DECLS

#define KYSO_TYPE_SETTINGS_PAGE (kyso_settings_page_get_type ())
G_DECLARE_FINAL_TYPE (KysoSettingsPage, kyso_settings_page, KYSO, SETTINGS_PAGE, AdwBin)

/* The "Settings" page: the time-stamp server (GSettings tsa-url) and which configuration file
 * is in use. Without the context's settings (schema not installed) the editable rows are
 * insensitive. */
void
kyso_settings_page_set_context (KysoSettingsPage *self, KysoContext *context);

G_END_DECLS
