#include "config.h"

#include "kyso-pdf-source.h"
#include "kyso-error.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Parsing walks forward through small regions (an xref table, one object), so one window that
 * refills around the position asked for is enough; 64 KiB keeps syscalls rare. */
#define WINDOW_SIZE (64 * 1024)

struct _KysoPdfSource
{
  int fd;
  gint64 size;
  GBytes *bytes;      /* memory source */
  const guint8 *data; /* memory source data */
  guint8 *window;
  gint64 window_start;
  gsize window_len;
};

KysoPdfSource *
kyso_pdf_source_new_fd (int fd, GError **error)
{
  KysoPdfSource *self;
  struct stat st;

  if (fstat (fd, &st) != 0)
    {
      int saved = errno;
      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot read the file: %s"), g_strerror (saved));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT, _("This is not a regular file."));
      return NULL;
    }
  self = g_new0 (KysoPdfSource, 1);
  self->fd = fd;
  self->size = st.st_size;
  self->window = g_malloc (WINDOW_SIZE);
  return self;
}

KysoPdfSource *
kyso_pdf_source_new_bytes (GBytes *bytes)
{
  KysoPdfSource *self = g_new0 (KysoPdfSource, 1);
  gsize len;

  self->fd = -1;
  self->bytes = g_bytes_ref (bytes);
  self->data = g_bytes_get_data (bytes, &len);
  self->size = (gint64)len;
  return self;
}

void
kyso_pdf_source_free (KysoPdfSource *self)
{
  if (self == NULL)
    return;
  if (self->fd >= 0)
    close (self->fd);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_free (self->window);
  g_free (self);
}

gint64
kyso_pdf_source_get_size (KysoPdfSource *self)
{
  return self->size;
}

int
kyso_pdf_source_get_fd (KysoPdfSource *self)
{
  return self->fd;
}

gssize
kyso_pdf_source_read_some (KysoPdfSource *self, gint64 pos, void *buffer, gsize len)
{
  gsize done = 0;

  if (pos < 0 || pos >= self->size)
    return 0;
  if ((gint64)len > self->size - pos)
    len = (gsize)(self->size - pos);
  if (self->data != NULL)
    {
      memcpy (buffer, self->data + pos, len);
      return (gssize)len;
    }
  while (done < len)
    {
      ssize_t n = pread (self->fd, (guint8 *)buffer + done, len - done, pos + (gint64)done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      done += (gsize)n;
    }
  return (gssize)done;
}

gboolean
kyso_pdf_source_read (KysoPdfSource *self, gint64 pos, void *buffer, gsize len, GError **error)
{
  gssize n = kyso_pdf_source_read_some (self, pos, buffer, len);

  if (n < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot read the file: %s"), g_strerror (saved));
      return FALSE;
    }
  if ((gsize)n != len)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                   _("The PDF file is damaged: it ends where more data was expected."));
      return FALSE;
    }
  return TRUE;
}

int
kyso_pdf_source_peek (KysoPdfSource *self, gint64 pos)
{
  gssize n;
  gint64 start;

  if (pos < 0 || pos >= self->size)
    return -1;
  if (self->data != NULL)
    return self->data[pos];
  if (pos >= self->window_start && pos < self->window_start + (gint64)self->window_len)
    return self->window[pos - self->window_start];
  /* Keep a little behind the position: parsers step back a few bytes now and then. */
  start = pos > 256 ? pos - 256 : 0;
  n = kyso_pdf_source_read_some (self, start, self->window, WINDOW_SIZE);
  if (n <= 0 || start + n <= pos)
    {
      self->window_len = 0;
      return -1;
    }
  self->window_start = start;
  self->window_len = (gsize)n;
  return self->window[pos - start];
}
