/* Checking a file against what a dossier component accepts, before a byte is sent: the portal
 * would refuse it after a long upload, and a renamed file (photo.jpg → photo.pdf) is a common
 * mistake at the counter. */
#include "config.h"

#include "kyso-procedure-private.h"
#include "kyso-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct
{
  const char *ext;
  const char *mime;
  const char *magic; /* NULL = no content check */
  gsize magic_len;
} FileType;

static const FileType file_types[] = {
  { "pdf", "application/pdf", "%PDF-", 5 },
  { "doc", "application/msword", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8 },
  { "xls", "application/vnd.ms-excel", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8 },
  { "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "PK\x03\x04", 4 },
  { "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK\x03\x04", 4 },
  { "odt", "application/vnd.oasis.opendocument.text", "PK\x03\x04", 4 },
  { "zip", "application/zip", "PK\x03\x04", 4 },
  { "jpg", "image/jpeg", "\xFF\xD8\xFF", 3 },
  { "jpeg", "image/jpeg", "\xFF\xD8\xFF", 3 },
  { "png", "image/png", "\x89PNG\r\n\x1A\n", 8 },
  { "tif", "image/tiff", NULL, 0 },
  { "tiff", "image/tiff", NULL, 0 },
  { "xml", "application/xml", NULL, 0 },
};

static const FileType *
find_type (const char *ext)
{
  for (gsize i = 0; i < G_N_ELEMENTS (file_types); i++)
    if (g_ascii_strcasecmp (file_types[i].ext, ext) == 0)
      return &file_types[i];
  return NULL;
}

static gboolean
contains (const guint8 *hay, gsize len, const char *needle, gsize n)
{
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (hay + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
content_matches (const FileType *type, const guint8 *head, gsize len)
{
  if (type == NULL || type->magic == NULL)
    return TRUE;
  /* PDF readers accept the header anywhere in the first kilobyte; so do we. */
  if (strcmp (type->ext, "pdf") == 0)
    return contains (head, len, type->magic, type->magic_len);
  return len >= type->magic_len && memcmp (head, type->magic, type->magic_len) == 0;
}

/* Sizes as portals and the component rows write them: MB of 1024 × 1024 bytes ("20 MB"), not
 * MiB (which nobody at a counter reads) nor g_format_size's decimal MB (20 MiB is not 21.0 MB). */
static char *
portal_size (guint64 bytes)
{
  const guint64 mb = 1024 * 1024;

  if (bytes % mb == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " MB", bytes / mb);
  if (bytes >= mb)
    return g_strdup_printf ("%.1f MB", (double)bytes / mb);
  return g_strdup_printf ("%.0f KB", MAX (1.0, (double)bytes / 1024));
}

gboolean
kyso_portal_check_file_fd (int fd, const char *name, const char *const *types, guint64 max_bytes,
                           guint64 *out_size, const char **out_mime, GError **error)
{
  g_autofree char *accepted = NULL;
  const char *dot = strrchr (name, '.');
  const char *ext = dot != NULL ? dot + 1 : "";
  const FileType *type = NULL;
  guint8 head[1024];
  struct stat st;
  gboolean listed = FALSE;
  ssize_t n;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("“%s” is not a regular file. Choose a document file."), name);
      return FALSE;
    }

  for (gsize i = 0; types != NULL && types[i] != NULL; i++)
    if (g_ascii_strcasecmp (types[i], ext) == 0)
      listed = TRUE;
  accepted = types != NULL ? g_strjoinv (", ", (char **)types) : g_strdup ("");
  if (types != NULL && types[0] != NULL && !listed)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   /* Translators: %s are a file name and a list such as "pdf, doc, docx" */
                   _("“%s” is not a file type this component accepts. Accepted types: %s."), name, accepted);
      return FALSE;
    }
  if (max_bytes > 0 && (guint64)st.st_size > max_bytes)
    {
      g_autofree char *limit = portal_size (max_bytes);
      g_autofree char *size = portal_size ((guint64)st.st_size);
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                   _("“%s” is %s; this component accepts files up to %s. Reduce the file (for example scan at a lower resolution) and try again."),
                      name, size, limit);
      return FALSE;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT, _("“%s” is empty."), name);
      return FALSE;
    }

  type = find_type (ext);
  do
    n = pread (fd, head, sizeof head, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not read “%s”: %s"), name, g_strerror (saved));
      return FALSE;
    }
  if (!content_matches (type, head, (gsize)n))
    {
      g_set_error (
        error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
        _("“%s” is named .%s but its content is not a %s file. Save or export it again in that format."),
           name, ext, type->ext);
      return FALSE;
    }

  if (out_size != NULL)
    *out_size = (guint64)st.st_size;
  if (out_mime != NULL)
    *out_mime = type != NULL ? type->mime : "application/octet-stream";
  return TRUE;
}

gboolean
kyso_procedure_component_check_file (KysoProcedureComponent *self, const char *path, guint64 *out_size,
                                     GError **error)
{
  g_autofree char *base = NULL;
  gboolean ok;
  int fd;

  g_return_val_if_fail (KYSO_IS_PROCEDURE_COMPONENT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  base = g_path_get_basename (path);
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not open “%s”: %s"), base, g_strerror (saved));
      return FALSE;
    }
  ok = kyso_portal_check_file_fd (fd, base, kyso_procedure_component_get_types (self), self->max_bytes,
                                  out_size, NULL, error);
  close (fd);
  return ok;
}
