/* Copying the original bytes of a PDF while hashing them: the calling thread reads and hashes,
 * a helper thread writes, so that hashing and writing overlap and the file is read once.
 * Memory stays at a few fixed buffers whatever the file's size. */
#define _GNU_SOURCE /* sync_file_range */
#include "config.h"

#include "kyso-pdf-writer-private.h"
#include "kyso-util.h"

#include <fcntl.h>

#define CHUNK (1 << 20)
#define N_CHUNKS 3
/* Writeback is started every WINDOW bytes and the window before is waited for, so that the disk
 * writes while the rest is hashed: the final fsync then has little left to do, and dirty memory
 * stays bounded. */
#define WINDOW (8 << 20)

typedef struct
{
  guint8 *data;
  gsize len; /* 0: the end */
} Chunk;

typedef struct
{
  int fd;
  GAsyncQueue *full;  /* chunks to write, in order */
  GAsyncQueue *empty; /* chunks free for reading */
  GError *error;      /* set by the writer */
  gint failed;
} Pipe;

static void
start_writeback (Pipe *p, gint64 written)
{
#ifdef SYNC_FILE_RANGE_WRITE
  if (written % WINDOW != 0)
    return;
  /* Errors here are not fatal: fsync at the end reports them. */
  (void)sync_file_range (p->fd, written - WINDOW, WINDOW, SYNC_FILE_RANGE_WRITE);
  if (written >= 4 * WINDOW)
    (void)sync_file_range (p->fd, written - 4 * WINDOW, WINDOW,
                           SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
#endif
}

static gpointer
writer_thread (gpointer data)
{
  Pipe *p = data;
  gint64 written = 0;

  for (;;)
    {
      Chunk *c = g_async_queue_pop (p->full);
      gsize len = c->len;

      /* After a failure keep draining, so that the reader never blocks on a full pipe. */
      if (len > 0 && !g_atomic_int_get (&p->failed) && !kyso_write_all (p->fd, c->data, len, &p->error))
        g_atomic_int_set (&p->failed, 1);
      else if (len > 0)
        {
          written += (gint64)len;
          start_writeback (p, written);
        }
      g_async_queue_push (p->empty, c);
      if (len == 0)
        return NULL;
    }
}

gboolean
kyso_pdf_copy_and_hash (KysoPdfDocument *doc, int fd, EVP_MD_CTX *md, gint64 total,
                        KysoPdfWriteProgress progress, gpointer progress_data, GCancellable *cancellable,
                        GError **error)
{
  Chunk chunks[N_CHUNKS];
  Chunk end = { NULL, 0 };
  Pipe p = { fd, g_async_queue_new (), g_async_queue_new (), NULL, 0 };
  gint64 size = kyso_pdf_document_get_size (doc);
  GError *local = NULL;
  GThread *writer;

  for (guint i = 0; i < N_CHUNKS; i++)
    {
      chunks[i].data = g_malloc (CHUNK);
      g_async_queue_push (p.empty, &chunks[i]);
    }
  writer = g_thread_new ("kyso-pdf-writer", writer_thread, &p);
  for (gint64 pos = 0; pos < size && !g_atomic_int_get (&p.failed);)
    {
      Chunk *c = g_async_queue_pop (p.empty);

      c->len = (gsize)MIN ((gint64)CHUNK, size - pos);
      if (g_cancellable_set_error_if_cancelled (cancellable, &local)
          || !kyso_pdf_document_read (doc, pos, c->data, c->len, &local))
        {
          g_async_queue_push (p.empty, c);
          break;
        }
      EVP_DigestUpdate (md, c->data, c->len);
      pos += (gint64)c->len;
      g_async_queue_push (p.full, c);
      if (progress != NULL)
        progress (pos, total, progress_data);
    }
  g_async_queue_push (p.full, &end);
  g_thread_join (writer);
  for (guint i = 0; i < N_CHUNKS; i++)
    g_free (chunks[i].data);
  g_async_queue_unref (p.full);
  g_async_queue_unref (p.empty);
  if (local == NULL && p.error != NULL)
    local = g_steal_pointer (&p.error);
  g_clear_error (&p.error);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}
