#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The kiosk configuration of a one-stop counter PC: a system-wide file the operator writes and the
 * citizen cannot change. Format (GKeyFile), every key optional:
 *
 *   [kiosk]
 *   enabled=true              start every Kyso of this machine in kiosk mode
 *   province=quangngai        the portal preset (see kyso-province.h)
 *   counter=Bộ phận một cửa … shown on the start screen
 *   idle_timeout=180          seconds without input before the end-of-session countdown (30–3600)
 *   countdown=30              seconds of that countdown (5–300)
 *   printing=true             offer to print a receipt at the end of a session
 *   sources=usb;folder        where documents may come from: usb (removable drives), folder
 *   folders=/srv/kyso/scans   the folders "folder" allows (absolute paths; e.g. a scanner's output)
 *   pin_hash=pbkdf2-sha256$…  the operator PIN, set with `kyso-cli kiosk set-pin`
 *
 * The file is $KYSO_KIOSK_CONFIG when set (tests), else the path chosen at build time (meson
 * option kiosk_config, default /etc/kyso/kiosk.conf). A file others may write to is refused, and
 * the file at the build-time path must belong to root. GTK-free. */
typedef struct _KysoKioskConfig KysoKioskConfig;

typedef enum
{
  KYSO_KIOSK_SOURCE_USB = 1 << 0,    /* removable drives (/media, /run/media) */
  KYSO_KIOSK_SOURCE_FOLDER = 1 << 1, /* the folders listed in folders= */
} KysoKioskSources;

#define KYSO_KIOSK_DEFAULT_IDLE_TIMEOUT 180
#define KYSO_KIOSK_DEFAULT_COUNTDOWN 30

/* $KYSO_KIOSK_CONFIG, or the build-time path (borrowed). */
const char *
kyso_kiosk_config_get_default_path (void);

KysoKioskConfig *
kyso_kiosk_config_new_default (void);
/* KYSO_ERROR_INVALID_INPUT (a value out of range, a file others may write), G_FILE_ERROR_*
 * (unreadable), G_KEY_FILE_ERROR_* (not a key file). */
KysoKioskConfig *
kyso_kiosk_config_load (const char *path, GError **error);
KysoKioskConfig *
kyso_kiosk_config_load_from_data (const char *data, gssize length, GError **error);
/* The default file when it exists (an error when it is broken or unsafe), else NULL without an
 * error. */
KysoKioskConfig *
kyso_kiosk_config_load_default (GError **error);
KysoKioskConfig *
kyso_kiosk_config_ref (KysoKioskConfig *self);
void
kyso_kiosk_config_unref (KysoKioskConfig *self);

gboolean
kyso_kiosk_config_get_enabled (KysoKioskConfig *self);
const char *
kyso_kiosk_config_get_province (KysoKioskConfig *self); /* NULL: unset */
const char *
kyso_kiosk_config_get_counter (KysoKioskConfig *self); /* NULL: unset */
guint
kyso_kiosk_config_get_idle_timeout (KysoKioskConfig *self); /* seconds */
guint
kyso_kiosk_config_get_countdown (KysoKioskConfig *self); /* seconds */
gboolean
kyso_kiosk_config_get_printing (KysoKioskConfig *self);
KysoKioskSources
kyso_kiosk_config_get_sources (KysoKioskConfig *self);
const char *const *
kyso_kiosk_config_get_folders (KysoKioskConfig *self);
gboolean
kyso_kiosk_config_has_pin (KysoKioskConfig *self);

/* Whether @path (absolute) lies where the allowed sources are. */
gboolean
kyso_kiosk_config_allows_path (KysoKioskConfig *self, const char *path);

/* Compares in constant time; FALSE when no PIN is set. */
gboolean
kyso_kiosk_config_check_pin (KysoKioskConfig *self, const char *pin);

/* A PIN is 4 to 12 digits. → "pbkdf2-sha256$<iterations>$<salt>$<hash>" (base64) with a fresh
 * random salt; KYSO_ERROR_INVALID_INPUT for a PIN that is not one. */
char *
kyso_kiosk_pin_hash (const char *pin, GError **error);
gboolean
kyso_kiosk_pin_matches (const char *pin, const char *pin_hash);

/* Writes pin_hash= into the file at @path (created when missing), keeping its other keys and
 * comments; written atomically, mode 0644. */
gboolean
kyso_kiosk_config_set_pin_in_file (const char *path, const char *pin, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoKioskConfig, kyso_kiosk_config_unref)

G_END_DECLS
