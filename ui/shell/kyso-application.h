#pragma once

#include <adwaita.h>

#include "kyso-config.h"
#include "kyso-context.h"
#include "kyso-kiosk-config.h"
#include "kyso-profile-store.h"

G_BEGIN_DECLS

#define KYSO_TYPE_APPLICATION (kyso_application_get_type ())
G_DECLARE_FINAL_TYPE (KysoApplication, kyso_application, KYSO, APPLICATION, AdwApplication)

/* The Kyso GUI application (vn.kyso.Kyso). Command line: --version, --config FILE.
 * Actions: app.about, app.quit (app.open-document is added by the document window).
 * Kiosk mode (--kiosk, or /etc/kyso/kiosk.conf with enabled=true; see kyso-kiosk-config.h):
 * no app actions or shortcuts, and the window is the kiosk's (kyso-kiosk.h). */
KysoApplication *
kyso_application_new (void);

/* The --config file given on the command line (absolute), or NULL for the default one. */
const char *
kyso_application_get_config_path (KysoApplication *self);
/* The configuration in use (from --config, else the default file, else empty); loaded at
 * startup, never NULL after it. */
KysoConfig *
kyso_application_get_config (KysoApplication *self);
/* The signature profiles in the keyring; shared by every window. */
KysoProfileStore *
kyso_application_get_profile_store (KysoApplication *self);
/* Kyso's preferences, or NULL when the vn.kyso.Kyso schema is not installed (running from a
 * build tree without GSETTINGS_SCHEMA_DIR): callers then keep defaults. */
GSettings *
kyso_application_get_settings (KysoApplication *self);
/* All three, as every page is given them; made at startup, never NULL after it. */
KysoContext *
kyso_application_get_context (KysoApplication *self);

typedef struct _KysoKiosk KysoKiosk;

/* Before the application starts (and before anything reads the XDG folders): kiosk mode with
 * @kiosk_config; @trial for `kyso --kiosk`. Errors of kyso_kiosk_session_begin(). */
gboolean
kyso_application_enable_kiosk (KysoApplication *self, KysoKioskConfig *kiosk_config, gboolean trial,
                               GError **error);
/* The kiosk once the application is activated in kiosk mode, else NULL. */
KysoKiosk *
kyso_application_get_kiosk (KysoApplication *self);

G_END_DECLS
