#include "config.h"

#include "kyso-util.h"
#include "kyso-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

struct _KysoAtomicFile
{
  char *path;
  char *temp_path;
  int fd;
  gboolean committed;
};

static gboolean
set_errno_error (GError **error, int saved_errno, const char *what, const char *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               /* Translators: "%1$s" is an action such as "create", "%2$s" a file name, "%3$s" the reason */
               _("Could not %s “%s”: %s"), what, path, g_strerror (saved_errno));
  return FALSE;
}

KysoAtomicFile *
kyso_atomic_file_new (const char *path, GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *templ = NULL;
  KysoAtomicFile *self;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  templ = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  fd = g_mkstemp_full (templ, O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      set_errno_error (error, errno, _("create a file in"), dir);
      return NULL;
    }
  self = g_new0 (KysoAtomicFile, 1);
  self->path = g_strdup (path);
  self->temp_path = g_steal_pointer (&templ);
  self->fd = fd;
  return self;
}

int
kyso_atomic_file_get_fd (KysoAtomicFile *self)
{
  return self->fd;
}

const char *
kyso_atomic_file_get_temp_path (KysoAtomicFile *self)
{
  return self->temp_path;
}

gboolean
kyso_atomic_file_commit (KysoAtomicFile *self, GError **error)
{
  g_autofree char *dir = NULL;
  int dfd;

  g_return_val_if_fail (!self->committed, FALSE);

  if (fsync (self->fd) != 0)
    return set_errno_error (error, errno, _("save"), self->path);
  if (close (self->fd) != 0)
    {
      self->fd = -1;
      return set_errno_error (error, errno, _("save"), self->path);
    }
  self->fd = -1;
  if (g_rename (self->temp_path, self->path) != 0)
    return set_errno_error (error, errno, _("save"), self->path);
  self->committed = TRUE;

  /* Make the rename itself durable. */
  dir = g_path_get_dirname (self->path);
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0)
    {
      (void)fsync (dfd);
      close (dfd);
    }
  return TRUE;
}

void
kyso_atomic_file_free (KysoAtomicFile *self)
{
  if (self == NULL)
    return;
  if (self->fd >= 0)
    close (self->fd);
  if (!self->committed)
    (void)g_unlink (self->temp_path);
  g_free (self->path);
  g_free (self->temp_path);
  g_free (self);
}

gboolean
kyso_write_all (int fd, const void *data, gsize len, GError **error)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return set_errno_error (error, errno, _("write"), _("the output file"));
        }
      p += n;
      len -= (gsize)n;
    }
  return TRUE;
}

gboolean
kyso_pwrite_all (int fd, const void *data, gsize len, goffset offset, GError **error)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = pwrite (fd, p, len, offset);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return set_errno_error (error, errno, _("write"), _("the output file"));
        }
      p += n;
      len -= (gsize)n;
      offset += n;
    }
  return TRUE;
}

char *
kyso_hex_encode (const guint8 *data, gsize len)
{
  static const char digits[] = "0123456789abcdef";
  char *out = g_malloc (len * 2 + 1);

  for (gsize i = 0; i < len; i++)
    {
      out[2 * i] = digits[data[i] >> 4];
      out[2 * i + 1] = digits[data[i] & 0xf];
    }
  out[len * 2] = '\0';
  return out;
}

GBytes *
kyso_hex_decode (const char *hex, gssize len)
{
  guint8 *out;
  gsize n;

  if (len < 0)
    len = (gssize)strlen (hex);
  if (len % 2 != 0)
    return NULL;
  n = (gsize)len / 2;
  out = g_malloc (n > 0 ? n : 1);
  for (gsize i = 0; i < n; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);
      if (hi < 0 || lo < 0)
        {
          g_free (out);
          return NULL;
        }
      out[i] = (guint8)(hi << 4 | lo);
    }
  return g_bytes_new_take (out, n);
}

char *
kyso_mask_id (const char *id)
{
  gsize len = id != NULL ? strlen (id) : 0;

  if (len <= 4)
    return g_strdup (id != NULL ? id : "");
  return g_strconcat ("…", id + len - 4, NULL);
}
