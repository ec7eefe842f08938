#include "config.h"

#include "kyso-kiosk-config.h"
#include "kyso-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GROUP "kiosk"
#define PIN_ITERATIONS 100000
#define PIN_SALT_LEN 16
#define PIN_HASH_LEN 32

struct _KysoKioskConfig
{
  gatomicrefcount ref;
  gboolean enabled;
  char *province;
  char *counter;
  guint idle_timeout;
  guint countdown;
  gboolean printing;
  KysoKioskSources sources;
  GStrv folders;
  char *pin_hash;
};

const char *
kyso_kiosk_config_get_default_path (void)
{
  const char *env = g_getenv ("KYSO_KIOSK_CONFIG");

  return env != NULL && *env != '\0' ? env : KYSO_KIOSK_CONFIG_PATH;
}

KysoKioskConfig *
kyso_kiosk_config_new_default (void)
{
  KysoKioskConfig *self = g_new0 (KysoKioskConfig, 1);

  g_atomic_ref_count_init (&self->ref);
  self->idle_timeout = KYSO_KIOSK_DEFAULT_IDLE_TIMEOUT;
  self->countdown = KYSO_KIOSK_DEFAULT_COUNTDOWN;
  self->printing = TRUE;
  self->sources = KYSO_KIOSK_SOURCE_USB;
  self->folders = g_new0 (char *, 1);
  return self;
}

KysoKioskConfig *
kyso_kiosk_config_ref (KysoKioskConfig *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
kyso_kiosk_config_unref (KysoKioskConfig *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref))
    return;
  g_free (self->province);
  g_free (self->counter);
  g_strfreev (self->folders);
  g_free (self->pin_hash);
  g_free (self);
}

static gboolean
invalid (GError **error, const char *key, const char *why)
{
  /* Translators: the first %s is a setting's name in the kiosk file (e.g. “idle_timeout”), the
   * second why its value is refused. */
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
               _("The kiosk setting “%s” is not valid: %s"), key, why);
  return FALSE;
}

static gboolean
read_bool (GKeyFile *kf, const char *key, gboolean *value, GError **error)
{
  g_autoptr (GError) local = NULL;
  gboolean v;

  if (!g_key_file_has_key (kf, GROUP, key, NULL))
    return TRUE;
  v = g_key_file_get_boolean (kf, GROUP, key, &local);
  if (local != NULL)
    return invalid (error, key, _("write true or false."));
  *value = v;
  return TRUE;
}

static gboolean
read_uint (GKeyFile *kf, const char *key, guint min, guint max, guint *value, GError **error)
{
  g_autofree char *text = NULL;
  guint64 v;

  if (!g_key_file_has_key (kf, GROUP, key, NULL))
    return TRUE;
  text = g_key_file_get_value (kf, GROUP, key, NULL);
  g_strstrip (text);
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &v, NULL))
    {
      /* Translators: a number of seconds between %u and %u. */
      g_autofree char *why = g_strdup_printf (_("write a number of seconds from %u to %u."), min, max);
      return invalid (error, key, why);
    }
  *value = (guint)v;
  return TRUE;
}

static char *
read_string (GKeyFile *kf, const char *key)
{
  g_autofree char *v = g_key_file_get_string (kf, GROUP, key, NULL);

  if (v == NULL)
    return NULL;
  g_strstrip (v);
  return *v != '\0' ? g_steal_pointer (&v) : NULL;
}

static gboolean
parse_hash (const char *pin_hash, guint *iterations, GBytes **salt, GBytes **hash)
{
  g_auto (GStrv) parts = NULL;
  guint64 iter;
  guchar *s, *h;
  gsize s_len, h_len;

  if (pin_hash == NULL)
    return FALSE;
  parts = g_strsplit (pin_hash, "$", -1);
  if (g_strv_length (parts) != 4 || strcmp (parts[0], "pbkdf2-sha256") != 0
      || !g_ascii_string_to_unsigned (parts[1], 10, 1000, 10000000, &iter, NULL) || *parts[2] == '\0'
      || *parts[3] == '\0')
    return FALSE;
  s = g_base64_decode (parts[2], &s_len);
  h = g_base64_decode (parts[3], &h_len);
  if (s_len < 8 || s_len > 64 || h_len != PIN_HASH_LEN)
    {
      g_free (s);
      g_free (h);
      return FALSE;
    }
  *iterations = (guint)iter;
  *salt = g_bytes_new_take (s, s_len);
  *hash = g_bytes_new_take (h, h_len);
  return TRUE;
}

static gboolean
parse (KysoKioskConfig *self, GKeyFile *kf, GError **error)
{
  g_auto (GStrv) sources = NULL;
  g_auto (GStrv) folders = NULL;
  g_autoptr (GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);

  if (!read_bool (kf, "enabled", &self->enabled, error) || !read_bool (kf, "printing", &self->printing, error)
      || !read_uint (kf, "idle_timeout", 30, 3600, &self->idle_timeout, error)
      || !read_uint (kf, "countdown", 5, 300, &self->countdown, error))
    return FALSE;
  self->province = read_string (kf, "province");
  self->counter = read_string (kf, "counter");

  if (g_key_file_has_key (kf, GROUP, "sources", NULL))
    {
      sources = g_key_file_get_string_list (kf, GROUP, "sources", NULL, NULL);
      self->sources = 0;
      for (guint i = 0; sources != NULL && sources[i] != NULL; i++)
        {
          const char *s = g_strstrip (sources[i]);

          if (strcmp (s, "usb") == 0)
            self->sources |= KYSO_KIOSK_SOURCE_USB;
          else if (strcmp (s, "folder") == 0)
            self->sources |= KYSO_KIOSK_SOURCE_FOLDER;
          else if (*s != '\0')
            {
              /* Translators: do not translate “usb” and “folder”: they are words of the file. */
              g_autofree char *why = g_strdup_printf (_("“%s” is not a source; use usb or folder."), s);
              return invalid (error, "sources", why);
            }
        }
    }

  folders = g_key_file_get_string_list (kf, GROUP, "folders", NULL, NULL);
  for (guint i = 0; folders != NULL && folders[i] != NULL; i++)
    {
      const char *f = g_strstrip (folders[i]);

      if (*f == '\0')
        continue;
      if (!g_path_is_absolute (f))
        {
          /* Translators: %s is a folder from the kiosk file. */
          g_autofree char *why = g_strdup_printf (_("“%s” is not an absolute path."), f);
          return invalid (error, "folders", why);
        }
      g_ptr_array_add (kept, g_canonicalize_filename (f, NULL));
    }
  if ((self->sources & KYSO_KIOSK_SOURCE_FOLDER) && kept->len == 0)
    return invalid (error, "folders", _("the source “folder” needs at least one folder."));
  g_ptr_array_add (kept, NULL);
  g_strfreev (self->folders);
  self->folders = (GStrv)g_ptr_array_steal (kept, NULL);

  self->pin_hash = read_string (kf, "pin_hash");
  if (self->pin_hash != NULL)
    {
      guint iterations;
      g_autoptr (GBytes) salt = NULL;
      g_autoptr (GBytes) hash = NULL;

      if (!parse_hash (self->pin_hash, &iterations, &salt, &hash))
        return invalid (error, "pin_hash", _("set the PIN again with “kyso-cli kiosk set-pin”."));
    }
  return TRUE;
}

KysoKioskConfig *
kyso_kiosk_config_load_from_data (const char *data, gssize length, GError **error)
{
  g_autoptr (KysoKioskConfig) self = kyso_kiosk_config_new_default ();
  g_autoptr (GKeyFile) kf = g_key_file_new ();

  g_return_val_if_fail (data != NULL, NULL);

  if (!g_key_file_load_from_data (kf, data, length < 0 ? strlen (data) : (gsize)length, G_KEY_FILE_NONE,
                                  error)
      || !parse (self, kf, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* Only the operator may change the file: nobody else may write to it, and the one at the
 * system path must belong to root (a tests' override may belong to the caller). */
static gboolean
check_owner (const char *path, int fd, GError **error)
{
  struct stat st;

  if (fstat (fd, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path, g_strerror (saved));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      /* Translators: %s is a file's path. */
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("The kiosk file %s is not a regular file."), path);
      return FALSE;
    }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0
      || (st.st_uid != 0 && strcmp (path, KYSO_KIOSK_CONFIG_PATH) == 0
          && g_getenv ("KYSO_KIOSK_CONFIG") == NULL))
    {
      /* Translators: %s is a file's path; do not translate the command. */
      g_set_error (
        error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
        _("The kiosk file %s may be changed by others: it must belong to root and be writable by root "
           "alone (chown root:root, chmod 644)."),
           path);
      return FALSE;
    }
  return TRUE;
}

KysoKioskConfig *
kyso_kiosk_config_load (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize length;
  int fd;
  gboolean safe;

  g_return_val_if_fail (path != NULL, NULL);

  /* Check the file that is read, not a name that could be swapped in between. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path, g_strerror (saved));
      return NULL;
    }
  safe = check_owner (path, fd, error);
  if (safe)
    {
      g_autoptr (GIOChannel) channel = g_io_channel_unix_new (fd);

      g_io_channel_set_encoding (channel, NULL, NULL);
      if (g_io_channel_read_to_end (channel, &data, &length, error) != G_IO_STATUS_NORMAL)
        safe = FALSE;
    }
  close (fd);
  if (!safe)
    return NULL;
  return kyso_kiosk_config_load_from_data (data, (gssize)length, error);
}

KysoKioskConfig *
kyso_kiosk_config_load_default (GError **error)
{
  const char *path = kyso_kiosk_config_get_default_path ();

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  return kyso_kiosk_config_load (path, error);
}

gboolean
kyso_kiosk_config_get_enabled (KysoKioskConfig *self)
{
  return self->enabled;
}

const char *
kyso_kiosk_config_get_province (KysoKioskConfig *self)
{
  return self->province;
}

const char *
kyso_kiosk_config_get_counter (KysoKioskConfig *self)
{
  return self->counter;
}

guint
kyso_kiosk_config_get_idle_timeout (KysoKioskConfig *self)
{
  return self->idle_timeout;
}

guint
kyso_kiosk_config_get_countdown (KysoKioskConfig *self)
{
  return self->countdown;
}

gboolean
kyso_kiosk_config_get_printing (KysoKioskConfig *self)
{
  return self->printing;
}

KysoKioskSources
kyso_kiosk_config_get_sources (KysoKioskConfig *self)
{
  return self->sources;
}

const char *const *
kyso_kiosk_config_get_folders (KysoKioskConfig *self)
{
  return (const char *const *)self->folders;
}

gboolean
kyso_kiosk_config_has_pin (KysoKioskConfig *self)
{
  return self->pin_hash != NULL;
}

static gboolean
path_is_under (const char *path, const char *folder)
{
  gsize n = strlen (folder);

  while (n > 1 && folder[n - 1] == '/')
    n--;
  return strncmp (path, folder, n) == 0 && (path[n] == '/' || (n == 1 && folder[0] == '/'));
}

gboolean
kyso_kiosk_config_allows_path (KysoKioskConfig *self, const char *path)
{
  g_autofree char *canon = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_path_is_absolute (path))
    return FALSE;
  canon = g_canonicalize_filename (path, NULL);
  if ((self->sources & KYSO_KIOSK_SOURCE_USB)
      && (path_is_under (canon, "/media") || path_is_under (canon, "/run/media")))
    return TRUE;
  if (self->sources & KYSO_KIOSK_SOURCE_FOLDER)
    for (guint i = 0; self->folders[i] != NULL; i++)
      if (path_is_under (canon, self->folders[i]))
        return TRUE;
  return FALSE;
}

static gboolean
pin_is_valid (const char *pin)
{
  gsize n = pin != NULL ? strlen (pin) : 0;

  if (n < 4 || n > 12)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (pin[i]))
      return FALSE;
  return TRUE;
}

static gboolean
derive (const char *pin, const guchar *salt, gsize salt_len, guint iterations, guchar out[PIN_HASH_LEN])
{
  return PKCS5_PBKDF2_HMAC (pin, (int)strlen (pin), salt, (int)salt_len, (int)iterations, EVP_sha256 (),
                            PIN_HASH_LEN, out)
         == 1;
}

char *
kyso_kiosk_pin_hash (const char *pin, GError **error)
{
  guchar salt[PIN_SALT_LEN];
  guchar hash[PIN_HASH_LEN];
  g_autofree char *salt64 = NULL;
  g_autofree char *hash64 = NULL;

  if (!pin_is_valid (pin))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT, _("A PIN is 4 to 12 digits."));
      return NULL;
    }
  if (RAND_bytes (salt, sizeof salt) != 1 || !derive (pin, salt, sizeof salt, PIN_ITERATIONS, hash))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_FAILED, _("The PIN could not be protected."));
      return NULL;
    }
  salt64 = g_base64_encode (salt, sizeof salt);
  hash64 = g_base64_encode (hash, sizeof hash);
  OPENSSL_cleanse (hash, sizeof hash);
  return g_strdup_printf ("pbkdf2-sha256$%u$%s$%s", PIN_ITERATIONS, salt64, hash64);
}

gboolean
kyso_kiosk_pin_matches (const char *pin, const char *pin_hash)
{
  guint iterations;
  g_autoptr (GBytes) salt = NULL;
  g_autoptr (GBytes) want = NULL;
  guchar got[PIN_HASH_LEN];
  gsize salt_len;
  const guchar *s;
  gboolean same;

  if (!pin_is_valid (pin) || !parse_hash (pin_hash, &iterations, &salt, &want))
    return FALSE;
  s = g_bytes_get_data (salt, &salt_len);
  if (!derive (pin, s, salt_len, iterations, got))
    return FALSE;
  same = CRYPTO_memcmp (got, g_bytes_get_data (want, NULL), PIN_HASH_LEN) == 0;
  OPENSSL_cleanse (got, sizeof got);
  return same;
}

gboolean
kyso_kiosk_config_check_pin (KysoKioskConfig *self, const char *pin)
{
  return self->pin_hash != NULL && kyso_kiosk_pin_matches (pin, self->pin_hash);
}

gboolean
kyso_kiosk_config_set_pin_in_file (const char *path, const char *pin, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, FALSE);

  hash = kyso_kiosk_pin_hash (pin, error);
  if (hash == NULL)
    return FALSE;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS, &local)
      && !g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_key_file_set_string (kf, GROUP, "pin_hash", hash);
  data = g_key_file_to_data (kf, &length, NULL);
  /* Readable by the kiosk's own account, writable by the operator alone. */
  return g_file_set_contents_full (path, data, (gssize)length, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}
