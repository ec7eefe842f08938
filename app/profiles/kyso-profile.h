#pragma once

#include <gio/gio.h>

#include "kyso-profile-account.h"

G_BEGIN_DECLS

/* Bounds a profile must keep (checked by kyso_profile_validate()). */
#define KYSO_PROFILE_IMAGE_MAX_BYTES (1024 * 1024)
#define KYSO_PROFILE_IMAGE_MAX_PIXELS 4096 /* per side */
#define KYSO_PROFILE_NAME_MAX_CHARS 100
#define KYSO_PROFILE_KEYWORD_MAX_CHARS 200

#define KYSO_TYPE_PROFILE (kyso_profile_get_type ())
G_DECLARE_FINAL_TYPE (KysoProfile, kyso_profile, KYSO, PROFILE, GObject)

/* A signature profile as the provincial guides describe it ("Cập nhật chữ ký"): a display name,
 * a signature image (PNG), the phone number that approves, a location keyword, and one or more
 * signing accounts. Phone and account numbers are personal data: never log them.
 *
 * Properties: "id" (construct-only), "display-name", "image" (GBytes of PNG), "phone",
 * "keyword", "accounts" (GListModel of KysoProfileAccount, read-only, the live list). */

/* A new, empty profile with a fresh random id. */
KysoProfile *
kyso_profile_new (void);
/* A deep copy with the same id (edit the copy; save it with kyso_profile_store_update_async()). */
KysoProfile *
kyso_profile_copy (KysoProfile *self);

const char *
kyso_profile_get_id (KysoProfile *self);
const char *
kyso_profile_get_display_name (KysoProfile *self);
void
kyso_profile_set_display_name (KysoProfile *self, const char *display_name);
/* The PNG file's bytes, or NULL when no image was chosen. */
GBytes *
kyso_profile_get_image (KysoProfile *self);
void
kyso_profile_set_image (KysoProfile *self, GBytes *png);
const char *
kyso_profile_get_phone (KysoProfile *self);
void
kyso_profile_set_phone (KysoProfile *self, const char *phone);
const char *
kyso_profile_get_keyword (KysoProfile *self);
void
kyso_profile_set_keyword (KysoProfile *self, const char *keyword);

/* The accounts (borrowed, live): a GListModel of KysoProfileAccount. */
GListModel *
kyso_profile_get_accounts (KysoProfile *self);
void
kyso_profile_add_account (KysoProfile *self, KysoProfileAccount *account);
void
kyso_profile_remove_account (KysoProfile *self, guint position);
void
kyso_profile_remove_all_accounts (KysoProfile *self);

/* Every rule below, in form order; the first failure as KYSO_ERROR_INVALID_INPUT. */
gboolean
kyso_profile_validate (KysoProfile *self, GError **error);

/* The same rules one field at a time, for forms that flag the field at fault. All return
 * KYSO_ERROR_INVALID_INPUT with a translated message that says what to do. */
gboolean
kyso_profile_check_display_name (const char *display_name, GError **error);
/* 0 followed by 9 digits, or +84 followed by 9 digits (no spaces: see normalize_phone). */
gboolean
kyso_profile_check_phone (const char *phone, GError **error);
/* CCCD (12 digits) or CMND (9 digits). */
gboolean
kyso_profile_check_account_number (const char *account, GError **error);
/* One of the ids in kyso_providers_*(). */
gboolean
kyso_profile_check_provider (const char *provider, GError **error);
gboolean
kyso_profile_check_keyword (const char *keyword, GError **error);
/* A PNG of at most 1 MB and 4096 × 4096 pixels that decodes completely. @width and @height
 * (optional) receive its size. */
gboolean
kyso_profile_check_image (GBytes *png, guint *width, guint *height, GError **error);

/* "0912 345.678" → "0912345678": drops the spaces, dots and dashes people type. */
char *
kyso_profile_normalize_phone (const char *phone);

/* The profile as JSON (the secret stored in the keyring; image in base64). Wipe it after use. */
char *
kyso_profile_to_json (KysoProfile *self);
/* Reads what kyso_profile_to_json() wrote; KYSO_ERROR_BROKEN_FILE when it is not that. */
KysoProfile *
kyso_profile_new_from_json (const char *json, gssize length, GError **error);

G_END_DECLS
