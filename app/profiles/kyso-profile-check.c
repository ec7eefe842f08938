/* The rules a signature profile must keep, one function per field. Messages are for citizens:
 * they say what is wrong and what to do, and never repeat the personal number they check. */
#include "config.h"

#include "kyso-profile.h"
#include "kyso-providers.h"
#include "kyso-error.h"

#include <cairo.h>
#include <glib/gi18n-lib.h>
#include <string.h>

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT, message);
  return FALSE;
}

static gboolean
all_digits (const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

gboolean
kyso_profile_check_display_name (const char *display_name, GError **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (display_name != NULL ? display_name : ""));

  if (*stripped == '\0')
    return invalid (error, _("Enter a name for this signature, for example your full name."));
  if (!g_utf8_validate (stripped, -1, NULL))
    return invalid (error, _("The signature name contains characters that are not text. Type it again."));
  if (g_utf8_strlen (stripped, -1) > KYSO_PROFILE_NAME_MAX_CHARS)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("The signature name is too long. Use at most %d characters."),
                      KYSO_PROFILE_NAME_MAX_CHARS);
      return FALSE;
    }
  return TRUE;
}

gboolean
kyso_profile_check_phone (const char *phone, GError **error)
{
  gsize len = phone != NULL ? strlen (phone) : 0;

  if (len == 0)
    return invalid (error, _("Enter the phone number that approves your signatures."));
  /* A Vietnamese mobile number: 0 + 9 digits at home, +84 + the same 9 digits from abroad. */
  if (len == 10 && phone[0] == '0' && phone[1] != '0' && all_digits (phone, len))
    return TRUE;
  if (len == 12 && g_str_has_prefix (phone, "+84") && phone[3] != '0' && all_digits (phone + 3, 9))
    return TRUE;
  return invalid (error, _("The phone number is not valid. Write 10 digits starting with 0 "
                           "(0912345678) or +84 followed by 9 digits (+84912345678)."));
}

gboolean
kyso_profile_check_account_number (const char *account, GError **error)
{
  gsize len = account != NULL ? strlen (account) : 0;

  if (len == 0)
    return invalid (error, _("Enter the account: your CCCD number (12 digits) or CMND number (9 digits)."));
  if (!all_digits (account, len))
    return invalid (
      error,
      _("The account may contain digits only: your CCCD number (12 digits) or CMND number (9 digits)."));
  if (len != 12 && len != 9)
    return invalid (error, _("The account must be a CCCD number (12 digits) or a CMND number (9 digits). Check the number of digits."));
  return TRUE;
}

gboolean
kyso_profile_check_provider (const char *provider, GError **error)
{
  if (provider == NULL || *provider == '\0')
    return invalid (error, _("Choose the signature provider of each account."));
  if (kyso_providers_lookup (provider) == NULL)
    return invalid (
      error, _("The signature provider of an account is not one Kyso knows. Choose one from the list."));
  return TRUE;
}

gboolean
kyso_profile_check_keyword (const char *keyword, GError **error)
{
  /* Optional: without a keyword the citizen places the signature by hand. */
  if (keyword == NULL || *keyword == '\0')
    return TRUE;
  if (!g_utf8_validate (keyword, -1, NULL))
    return invalid (error, _("The location keyword contains characters that are not text. Type it again."));
  if (g_utf8_strlen (keyword, -1) > KYSO_PROFILE_KEYWORD_MAX_CHARS)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("The location keyword is too long. Use at most %d characters."),
                      KYSO_PROFILE_KEYWORD_MAX_CHARS);
      return FALSE;
    }
  return TRUE;
}

char *
kyso_profile_normalize_phone (const char *phone)
{
  GString *out = g_string_new (NULL);

  for (const char *p = phone != NULL ? phone : ""; *p != '\0'; p++)
    if (*p != ' ' && *p != '.' && *p != '-' && *p != '\t')
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* PNG ------------------------------------------------------------------------------------- */

static const guchar png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

typedef struct
{
  const guchar *data;
  gsize len;
  gsize pos;
} PngReader;

static cairo_status_t
png_read (void *closure, unsigned char *out, unsigned int length)
{
  PngReader *r = closure;

  if (length > r->len - r->pos)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (out, r->data + r->pos, length);
  r->pos += length;
  return CAIRO_STATUS_SUCCESS;
}

static guint32
read_be32 (const guchar *p)
{
  return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

gboolean
kyso_profile_check_image (GBytes *png, guint *width, guint *height, GError **error)
{
  const guchar *data;
  gsize len;
  guint32 w, h;
  PngReader reader;
  cairo_surface_t *surface;
  cairo_status_t status;

  if (png == NULL || g_bytes_get_size (png) == 0)
    return invalid (error, _("Choose a signature image: a PNG picture of your signature."));

  data = g_bytes_get_data (png, &len);
  if (len > KYSO_PROFILE_IMAGE_MAX_BYTES)
    {
      g_autofree char *size = g_format_size (len);

      g_set_error (
        error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
        _("The signature image is %s; it may be at most 1 MB. Save it smaller and choose it again."), size);
      return FALSE;
    }

  /* Signature, then the IHDR chunk (length 13) that every PNG starts with. */
  if (len < 33 || memcmp (data, png_signature, sizeof png_signature) != 0)
    return invalid (error, _("The signature image is not a PNG file. Save it as PNG and choose it again."));
  if (read_be32 (data + 8) != 13 || memcmp (data + 12, "IHDR", 4) != 0)
    return invalid (error, _("The signature image is damaged and cannot be read. Save it again as PNG."));

  /* Check the size before decoding: a small file can declare an enormous picture. */
  w = read_be32 (data + 16);
  h = read_be32 (data + 20);
  if (w == 0 || h == 0)
    return invalid (error, _("The signature image is damaged and cannot be read. Save it again as PNG."));
  if (w > KYSO_PROFILE_IMAGE_MAX_PIXELS || h > KYSO_PROFILE_IMAGE_MAX_PIXELS)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("The signature image is %u × %u pixels; it may be at most %d × %d. Make it smaller and choose it again."),
                      w, h, KYSO_PROFILE_IMAGE_MAX_PIXELS, KYSO_PROFILE_IMAGE_MAX_PIXELS);
      return FALSE;
    }

  /* Decoding the whole picture is the only way to know every chunk and CRC is sound. */
  reader = (PngReader){ data, len, 0 };
  surface = cairo_image_surface_create_from_png_stream (png_read, &reader);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    return invalid (error, _("The signature image is damaged and cannot be read. Save it again as PNG."));

  if (width != NULL)
    *width = w;
  if (height != NULL)
    *height = h;
  return TRUE;
}
