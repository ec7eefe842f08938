#include "config.h"

#include "kyso-pdf-verify-hash.h"
#include "kyso-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>

/* 1 MiB: large enough that syscalls cost nothing next to SHA-256, small enough to stay in cache. */
#define CHUNK_SIZE (1024 * 1024)

typedef struct
{
  EVP_MD_CTX *ctx;
  gint64 *ranges; /* (offset, length) pairs */
  guint n_ranges;
  GBytes *digest;
} Job;

struct _KysoRangeHasher
{
  GArray *jobs; /* Job */
};

static void
job_clear (gpointer data)
{
  Job *job = data;

  EVP_MD_CTX_free (job->ctx);
  g_free (job->ranges);
  g_clear_pointer (&job->digest, g_bytes_unref);
}

KysoRangeHasher *
kyso_range_hasher_new (void)
{
  KysoRangeHasher *self = g_new0 (KysoRangeHasher, 1);

  self->jobs = g_array_new (FALSE, TRUE, sizeof (Job));
  g_array_set_clear_func (self->jobs, job_clear);
  return self;
}

void
kyso_range_hasher_free (KysoRangeHasher *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->jobs);
  g_free (self);
}

guint
kyso_range_hasher_add (KysoRangeHasher *self, const EVP_MD *md, const gint64 *ranges, guint n_ranges)
{
  Job job = { 0 };

  job.ctx = EVP_MD_CTX_new ();
  /* Init only fails on allocation failure, which GLib treats as fatal anyway. */
  if (job.ctx == NULL || EVP_DigestInit_ex (job.ctx, md, NULL) != 1)
    g_error ("Cannot initialise a message digest");
  job.ranges = g_memdup2 (ranges, sizeof (gint64) * 2 * n_ranges);
  job.n_ranges = n_ranges;
  g_array_append_val (self->jobs, job);
  return self->jobs->len - 1;
}

/* Feeds @job the part of its ranges that falls inside [@pos, @pos + @len). */
static void
job_update (Job *job, const guint8 *buf, gint64 pos, gint64 len)
{
  for (guint i = 0; i < job->n_ranges; i++)
    {
      gint64 start = MAX (job->ranges[2 * i], pos);
      gint64 end = MIN (job->ranges[2 * i] + job->ranges[2 * i + 1], pos + len);

      if (start < end)
        EVP_DigestUpdate (job->ctx, buf + (start - pos), (gsize)(end - start));
    }
}

static gboolean
chunk_needed (KysoRangeHasher *self, gint64 pos, gint64 len)
{
  for (guint j = 0; j < self->jobs->len; j++)
    {
      Job *job = &g_array_index (self->jobs, Job, j);

      for (guint i = 0; i < job->n_ranges; i++)
        if (job->ranges[2 * i] < pos + len && job->ranges[2 * i] + job->ranges[2 * i + 1] > pos)
          return TRUE;
    }
  return FALSE;
}

gboolean
kyso_range_hasher_run (KysoRangeHasher *self, KysoPdfSource *source, KysoRangeHasherProgress progress,
                       gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autofree guint8 *buf = NULL;
  gint64 size = kyso_pdf_source_get_size (source);
  gint64 end = 0;

  for (guint j = 0; j < self->jobs->len; j++)
    {
      Job *job = &g_array_index (self->jobs, Job, j);

      for (guint i = 0; i < job->n_ranges; i++)
        {
          gint64 off = job->ranges[2 * i], len = job->ranges[2 * i + 1];

          if (off < 0 || len < 0 || len > size || off > size - len)
            {
              g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                           _("A signature covers bytes past the end of the file."));
              return FALSE;
            }
          end = MAX (end, off + len);
        }
    }

  if (kyso_pdf_source_get_fd (source) >= 0)
    (void)posix_fadvise (kyso_pdf_source_get_fd (source), 0, end, POSIX_FADV_SEQUENTIAL);

  buf = g_malloc (CHUNK_SIZE);
  for (gint64 pos = 0; pos < end; pos += CHUNK_SIZE)
    {
      gint64 len = MIN ((gint64)CHUNK_SIZE, end - pos);
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!chunk_needed (self, pos, len))
        continue;
      n = kyso_pdf_source_read_some (source, pos, buf, (gsize)len);
      if (n != len)
        {
          int saved = errno;
          if (n < 0)
            g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                         _("Cannot read the file: %s"), g_strerror (saved));
          else
            g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                         _("The file became shorter while it was being checked."));
          return FALSE;
        }
      for (guint j = 0; j < self->jobs->len; j++)
        job_update (&g_array_index (self->jobs, Job, j), buf, pos, len);
      if (progress != NULL)
        progress (pos + len, end, progress_data);
    }

  for (guint j = 0; j < self->jobs->len; j++)
    {
      Job *job = &g_array_index (self->jobs, Job, j);
      guint8 md[EVP_MAX_MD_SIZE];
      unsigned int md_len = 0;

      if (EVP_DigestFinal_ex (job->ctx, md, &md_len) != 1)
        {
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_FAILED,
                       _("The document digest could not be computed."));
          return FALSE;
        }
      g_clear_pointer (&job->digest, g_bytes_unref);
      job->digest = g_bytes_new (md, md_len);
    }
  return TRUE;
}

GBytes *
kyso_range_hasher_get_digest (KysoRangeHasher *self, guint job)
{
  g_return_val_if_fail (job < self->jobs->len, NULL);
  return g_array_index (self->jobs, Job, job).digest;
}
