/* kyso-page-renderer.c: threaded poppler rendering with an LRU texture cache */

#include "config.h"

#include "kyso-page-renderer.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <poppler.h>

#include "kyso-error.h"
#include "kyso-pdf-document.h"

#define DEFAULT_CACHE_LIMIT (192 * 1024 * 1024)
#define MAX_FILE_SIZE ((goffset)1024 * 1024 * 1024)
/* A page bigger than this many pixels is drawn smaller and stretched: a 14400-point page at
 * 400 % would otherwise ask for gigabytes. */
#define MAX_PIXELS (48 * 1024 * 1024)
#define MAX_WORKERS 2

/* What the worker threads share. Reference counted so that a worker still busy with a page when
 * the renderer goes away finishes safely and then lets go. */
typedef struct
{
  gatomicrefcount ref;
  GBytes *bytes;
  GAsyncQueue *queue; /* of Job, sorted */
  int render_count;
} Core;

typedef struct
{
  GTask *task; /* NULL: the worker quits */
  guint page;
  double scale;
  int priority;
  guint64 seq;
} Job;

typedef struct
{
  guint64 key;
  GdkTexture *texture;
  gsize size;
  GList link;
} CacheEntry;

typedef struct
{
  guint page;
  double scale;
} RenderData;

struct _KysoPageRenderer
{
  GObject parent_instance;

  GFile *file;
  char *title;
  Core *core;
  guint n_workers_started;
  KysoPageGeometry *pages;
  guint8 *exact;         /* pages[i].rotate read from the file (else guessed from the size) */
  KysoPdfDocument *kdoc; /* Kyso's reader on the same bytes, main thread only; may be NULL */
  guint n_pages;
  guint64 next_seq;

  GHashTable *cache; /* guint64 key → CacheEntry */
  GQueue lru;        /* most recently used first */
  gsize cache_size;
  gsize cache_limit;
};

G_DEFINE_FINAL_TYPE (KysoPageRenderer, kyso_page_renderer, G_TYPE_OBJECT)

static Core *
core_ref (Core *core)
{
  g_atomic_ref_count_inc (&core->ref);
  return core;
}

static void
job_free (Job *job)
{
  g_clear_object (&job->task);
  g_free (job);
}

static void
core_unref (Core *core)
{
  if (!g_atomic_ref_count_dec (&core->ref))
    return;
  g_bytes_unref (core->bytes);
  g_async_queue_unref (core->queue);
  g_free (core);
}

static guint64
cache_key (guint page, double scale)
{
  /* Scales closer than 1/1000 are the same picture. */
  return ((guint64)page << 32) | (guint32)lround (scale * 1000.0);
}

static int
job_compare (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const Job *ja = a, *jb = b;

  if (ja->priority != jb->priority)
    return ja->priority < jb->priority ? -1 : 1;
  /* Newest first: what is on screen now beats what was on screen a moment ago. */
  return ja->seq > jb->seq ? -1 : ja->seq < jb->seq ? 1 : 0;
}

static PopplerDocument *
open_document (GBytes *bytes, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  PopplerDocument *doc = poppler_document_new_from_bytes (bytes, NULL, &local_error);

  if (doc != NULL)
    return doc;
  if (g_error_matches (local_error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_ENCRYPTED,
                         _("This PDF is protected by a password. Remove the protection (or ask for an "
                           "unprotected copy), then open it again."));
  else
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                         _("This file cannot be read as a PDF document. It may be damaged or in another "
                           "format; open the original file or ask the sender for a new copy."));
  return NULL;
}

static GdkTexture *
render_page (PopplerDocument *doc, guint index, double scale, GError **error)
{
  g_autoptr (GBytes) pixels = NULL;
  PopplerPage *page;
  cairo_surface_t *surface;
  cairo_t *cr;
  double w, h;
  int pw, ph, stride;
  GdkTexture *texture;

  page = poppler_document_get_page (doc, (int)index);
  if (page == NULL)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                   _("Page %u of this document cannot be read."), index + 1);
      return NULL;
    }

  poppler_page_get_size (page, &w, &h);
  w = MAX (w, 1), h = MAX (h, 1);
  if (w * scale * h * scale > MAX_PIXELS)
    scale = sqrt (MAX_PIXELS / (w * h));
  pw = MAX (1, (int)ceil (w * scale));
  ph = MAX (1, (int)ceil (h * scale));

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, pw, ph);
  cr = cairo_create (surface);
  /* Paper is white, whatever the file leaves transparent. */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, (double)pw / w, (double)ph / h);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  g_object_unref (page);
  cairo_surface_flush (surface);

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT, _("Page %u is too large to show."), index + 1);
      return NULL;
    }

  /* cairo's ARGB32 is premultiplied BGRA in memory on little-endian machines, which is what
   * GDK_MEMORY_DEFAULT names; the bytes keep the surface alive. */
  stride = cairo_image_surface_get_stride (surface);
  pixels = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface), (gsize)stride * ph,
                                       (GDestroyNotify)cairo_surface_destroy, surface);
  texture = gdk_memory_texture_new (pw, ph, GDK_MEMORY_DEFAULT, pixels, stride);
  return texture;
}

static gpointer
worker_main (gpointer data)
{
  Core *core = data;
  PopplerDocument *doc = NULL;
  GError *open_error = NULL;

  for (;;)
    {
      Job *job = g_async_queue_pop (core->queue);
      g_autoptr (GError) error = NULL;
      GdkTexture *texture;

      if (job->task == NULL)
        {
          job_free (job);
          break;
        }
      if (g_task_return_error_if_cancelled (job->task))
        {
          job_free (job);
          continue;
        }
      /* Opened lazily, once per thread: poppler documents must not be shared between threads. */
      if (doc == NULL && open_error == NULL)
        doc = open_document (core->bytes, &open_error);
      if (doc == NULL)
        {
          g_task_return_error (job->task, g_error_copy (open_error));
          job_free (job);
          continue;
        }

      texture = render_page (doc, job->page, job->scale, &error);
      g_atomic_int_inc (&core->render_count);
      if (texture != NULL)
        g_task_return_pointer (job->task, texture, g_object_unref);
      else
        g_task_return_error (job->task, g_steal_pointer (&error));
      job_free (job);
    }

  g_clear_error (&open_error);
  g_clear_object (&doc);
  core_unref (core);
  return NULL;
}

static void
cache_entry_free (gpointer data)
{
  CacheEntry *entry = data;

  g_clear_object (&entry->texture);
  g_free (entry);
}

static void
cache_trim (KysoPageRenderer *self, gsize limit)
{
  while (self->cache_size > limit && self->lru.tail != NULL)
    {
      CacheEntry *entry = self->lru.tail->data;

      g_queue_unlink (&self->lru, &entry->link);
      self->cache_size -= entry->size;
      g_hash_table_remove (self->cache, &entry->key);
    }
}

static void
cache_insert (KysoPageRenderer *self, guint page, double scale, GdkTexture *texture)
{
  CacheEntry *entry;
  guint64 key = cache_key (page, scale);

  if ((entry = g_hash_table_lookup (self->cache, &key)) != NULL)
    {
      g_queue_unlink (&self->lru, &entry->link);
      self->cache_size -= entry->size;
      g_hash_table_remove (self->cache, &key);
    }

  entry = g_new0 (CacheEntry, 1);
  entry->key = key;
  entry->texture = g_object_ref (texture);
  entry->size = (gsize)gdk_texture_get_width (texture) * gdk_texture_get_height (texture) * 4;
  entry->link.data = entry;
  g_hash_table_insert (self->cache, &entry->key, entry);
  g_queue_push_head_link (&self->lru, &entry->link);
  self->cache_size += entry->size;

  /* Keep the newest picture even when it alone is over budget. */
  cache_trim (self, MAX (self->cache_limit, entry->size));
}

static void
kyso_page_renderer_dispose (GObject *object)
{
  KysoPageRenderer *self = KYSO_PAGE_RENDERER (object);

  if (self->core != NULL)
    {
      /* Quit jobs sort before everything else; queued pages are dropped with the queue. */
      for (guint i = 0; i < self->n_workers_started; i++)
        {
          Job *job = g_new0 (Job, 1);
          job->priority = G_MININT;
          g_async_queue_push_sorted (self->core->queue, job, job_compare, NULL);
        }
      g_clear_pointer (&self->core, core_unref);
    }
  g_hash_table_remove_all (self->cache);
  g_queue_init (&self->lru);
  self->cache_size = 0;

  G_OBJECT_CLASS (kyso_page_renderer_parent_class)->dispose (object);
}

static void
kyso_page_renderer_finalize (GObject *object)
{
  KysoPageRenderer *self = KYSO_PAGE_RENDERER (object);

  g_clear_object (&self->file);
  g_free (self->title);
  g_free (self->pages);
  g_free (self->exact);
  g_clear_object (&self->kdoc);
  g_hash_table_unref (self->cache);

  G_OBJECT_CLASS (kyso_page_renderer_parent_class)->finalize (object);
}

static void
kyso_page_renderer_class_init (KysoPageRendererClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kyso_page_renderer_dispose;
  object_class->finalize = kyso_page_renderer_finalize;
}

static void
kyso_page_renderer_init (KysoPageRenderer *self)
{
  self->cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, cache_entry_free);
  self->cache_limit = DEFAULT_CACHE_LIMIT;
}

/* The result of opening, built in the thread and turned into the renderer on the main one. */
typedef struct
{
  GBytes *bytes;
  char *title;
  KysoPageGeometry *pages;
  guint n_pages;
  KysoPdfDocument *kdoc;
} OpenResult;

static void
open_result_free (OpenResult *result)
{
  g_clear_object (&result->kdoc);
  g_clear_pointer (&result->bytes, g_bytes_unref);
  g_free (result->title);
  g_free (result->pages);
  g_free (result);
}

static void
open_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  PopplerDocument *doc;
  OpenResult *result;
  int n;

  /* A failure here (no size known) is reported by the read below. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, cancellable, NULL);
  if (info != NULL && g_file_info_get_size (info) > MAX_FILE_SIZE)
    {
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_LIMIT,
                               _("This file is larger than 1 GB; Kyso cannot open it."));
      return;
    }
  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  result = g_new0 (OpenResult, 1);
  result->bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  doc = open_document (result->bytes, &error);
  if (doc == NULL)
    {
      open_result_free (result);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* poppler-glib does not tell /Rotate; Kyso's own reader does (with inheritance from the page
   * tree), page by page when a page's mapping to PDF coordinates is first needed: looking up
   * every page here would cost seconds on a 1000-page file. Until then (and for files only
   * poppler can read) /Rotate is guessed from the shown size, which gets the layout right. */
  result->kdoc = kyso_pdf_document_open_bytes (result->bytes, NULL);

  n = poppler_document_get_n_pages (doc);
  result->title = poppler_document_get_title (doc);
  result->n_pages = (guint)MAX (n, 0);
  result->pages = g_new0 (KysoPageGeometry, MAX (result->n_pages, 1));
  for (guint i = 0; i < result->n_pages; i++)
    {
      PopplerPage *page = poppler_document_get_page (doc, (int)i);
      PopplerRectangle crop = { 0, 0, 612, 792 };
      double w = 612, h = 792;
      int rotate = 0;

      if (page != NULL)
        {
          poppler_page_get_crop_box (page, &crop);
          poppler_page_get_size (page, &w, &h);
          g_object_unref (page);
        }
      /* A page shown with its crop box turned a quarter is taken as /Rotate 90 for now. */
      if (fabs (w - fabs (crop.x2 - crop.x1)) > 0.5 && fabs (w - fabs (crop.y2 - crop.y1)) <= 0.5)
        rotate = 90;
      kyso_page_geometry_init (&result->pages[i], crop.x1, crop.y1, crop.x2, crop.y2, rotate);
    }
  g_object_unref (doc);

  if (result->n_pages == 0)
    {
      open_result_free (result);
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                               _("This PDF document has no pages."));
      return;
    }
  g_task_return_pointer (task, result, (GDestroyNotify)open_result_free);
}

void
kyso_page_renderer_new_async (GFile *file, GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_page_renderer_new_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, open_thread);
}

KysoPageRenderer *
kyso_page_renderer_new_finish (GAsyncResult *result, GError **error)
{
  OpenResult *opened;
  KysoPageRenderer *self;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_page_renderer_new_async, NULL);

  opened = g_task_propagate_pointer (G_TASK (result), error);
  if (opened == NULL)
    return NULL;

  self = g_object_new (KYSO_TYPE_PAGE_RENDERER, NULL);
  self->file = g_object_ref (g_task_get_task_data (G_TASK (result)));
  self->title = g_steal_pointer (&opened->title);
  self->pages = g_steal_pointer (&opened->pages);
  self->n_pages = opened->n_pages;
  self->exact = g_new0 (guint8, self->n_pages);
  self->kdoc = g_steal_pointer (&opened->kdoc);
  self->core = g_new0 (Core, 1);
  g_atomic_ref_count_init (&self->core->ref);
  self->core->bytes = g_steal_pointer (&opened->bytes);
  self->core->queue = g_async_queue_new_full ((GDestroyNotify)job_free);
  open_result_free (opened);
  return self;
}

GFile *
kyso_page_renderer_get_file (KysoPageRenderer *self)
{
  g_return_val_if_fail (KYSO_IS_PAGE_RENDERER (self), NULL);
  return self->file;
}

GBytes *
kyso_page_renderer_get_bytes (KysoPageRenderer *self)
{
  g_return_val_if_fail (KYSO_IS_PAGE_RENDERER (self), NULL);
  return self->core ? self->core->bytes : NULL;
}

const char *
kyso_page_renderer_get_title (KysoPageRenderer *self)
{
  g_return_val_if_fail (KYSO_IS_PAGE_RENDERER (self), NULL);
  return self->title && *self->title ? self->title : NULL;
}

guint
kyso_page_renderer_get_n_pages (KysoPageRenderer *self)
{
  g_return_val_if_fail (KYSO_IS_PAGE_RENDERER (self), 0);
  return self->n_pages;
}

gboolean
kyso_page_renderer_get_geometry (KysoPageRenderer *self, guint page, KysoPageGeometry *geometry)
{
  g_return_val_if_fail (KYSO_IS_PAGE_RENDERER (self), FALSE);
  g_return_val_if_fail (geometry != NULL, FALSE);

  if (page >= self->n_pages)
    return FALSE;
  if (!self->exact[page] && self->kdoc != NULL)
    {
      g_autoptr (KysoPdfPage) kpage = kyso_pdf_document_get_page (self->kdoc, page, NULL);
      KysoPageGeometry *g = &self->pages[page];

      if (kpage != NULL)
        kyso_page_geometry_init (g, g->crop.x0, g->crop.y0, g->crop.x1, g->crop.y1, kpage->rotate);
    }
  self->exact[page] = TRUE;
  *geometry = self->pages[page];
  return TRUE;
}

gboolean
kyso_page_renderer_get_size (KysoPageRenderer *self, guint page, double *width, double *height)
{
  g_return_val_if_fail (KYSO_IS_PAGE_RENDERER (self), FALSE);

  if (page >= self->n_pages)
    return FALSE;
  if (width)
    *width = kyso_page_geometry_get_width (&self->pages[page]);
  if (height)
    *height = kyso_page_geometry_get_height (&self->pages[page]);
  return TRUE;
}

void
kyso_page_renderer_set_rotation (KysoPageRenderer *self, guint page, int rotate)
{
  KysoPageGeometry *g;

  g_return_if_fail (KYSO_IS_PAGE_RENDERER (self));
  g_return_if_fail (page < self->n_pages);

  g = &self->pages[page];
  kyso_page_geometry_init (g, g->crop.x0, g->crop.y0, g->crop.x1, g->crop.y1, rotate);
  self->exact[page] = TRUE;
}

GdkTexture *
kyso_page_renderer_lookup (KysoPageRenderer *self, guint page, double scale)
{
  guint64 key = cache_key (page, scale);
  CacheEntry *entry;

  g_return_val_if_fail (KYSO_IS_PAGE_RENDERER (self), NULL);

  entry = g_hash_table_lookup (self->cache, &key);
  if (entry == NULL)
    return NULL;
  g_queue_unlink (&self->lru, &entry->link);
  g_queue_push_head_link (&self->lru, &entry->link);
  return entry->texture;
}

GdkTexture *
kyso_page_renderer_lookup_any (KysoPageRenderer *self, guint page)
{
  CacheEntry *best = NULL;

  g_return_val_if_fail (KYSO_IS_PAGE_RENDERER (self), NULL);

  for (GList *l = self->lru.head; l != NULL; l = l->next)
    {
      CacheEntry *entry = l->data;
      if ((entry->key >> 32) == page && (best == NULL || entry->size > best->size))
        best = entry;
    }
  return best ? best->texture : NULL;
}

static void
render_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  KysoPageRenderer *self = g_task_get_source_object (task);
  RenderData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  GdkTexture *texture;

  texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (texture == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->core != NULL)
    cache_insert (self, data->page, data->scale, texture);
  g_task_return_pointer (task, texture, g_object_unref);
}

void
kyso_page_renderer_render_async (KysoPageRenderer *self, guint page, double scale, int priority,
                                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  RenderData *data;
  GdkTexture *cached;
  Job *job;

  g_return_if_fail (KYSO_IS_PAGE_RENDERER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_page_renderer_render_async);
  g_task_set_priority (task, priority);

  if (page >= self->n_pages || !(scale > 0) || self->core == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No page %u at scale %g", page,
                               scale);
      return;
    }
  if ((cached = kyso_page_renderer_lookup (self, page, scale)) != NULL)
    {
      g_task_return_pointer (task, g_object_ref (cached), g_object_unref);
      return;
    }

  data = g_new0 (RenderData, 1);
  data->page = page;
  data->scale = scale;
  g_task_set_task_data (task, data, g_free);

  /* Start the workers on first use, up to one per core (at most MAX_WORKERS). */
  if (self->n_workers_started < MIN (MAX_WORKERS, g_get_num_processors ()))
    {
      g_autoptr (GError) error = NULL;
      GThread *thread = g_thread_try_new ("kyso-render", worker_main, core_ref (self->core), &error);
      if (thread != NULL)
        {
          g_thread_unref (thread);
          self->n_workers_started++;
        }
      else
        {
          core_unref (self->core);
          g_warning ("Cannot start a rendering thread: %s", error->message);
        }
    }

  job = g_new0 (Job, 1);
  job->task = g_task_new (NULL, cancellable, render_done, g_steal_pointer (&task));
  job->page = page;
  job->scale = scale;
  job->priority = priority;
  job->seq = ++self->next_seq;
  g_async_queue_push_sorted (self->core->queue, job, job_compare, NULL);
}

GdkTexture *
kyso_page_renderer_render_finish (KysoPageRenderer *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PAGE_RENDERER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_page_renderer_render_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  GBytes *bytes;
  char *text;
  guint max_matches;
  guint n_pages;
  KysoPageGeometry *pages;
} FindData;

static void
find_data_free (FindData *data)
{
  g_bytes_unref (data->bytes);
  g_free (data->text);
  g_free (data->pages);
  g_free (data);
}

static void
find_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  FindData *data = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) matches = g_array_new (FALSE, FALSE, sizeof (KysoTextMatch));
  PopplerDocument *doc;

  /* Its own document: this thread is not one of the render workers. */
  doc = open_document (data->bytes, &error);
  if (doc == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = data->n_pages; i-- > 0;)
    {
      PopplerPage *page;
      GList *found;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      page = poppler_document_get_page (doc, (int)i);
      if (page == NULL)
        continue;
      found = poppler_page_find_text_with_options (page, data->text, POPPLER_FIND_DEFAULT);
      for (GList *l = found; l != NULL; l = l->next)
        {
          PopplerRectangle *r = l->data;
          KysoPageRect shown = { r->x1, r->y1, r->x2, r->y2 };
          KysoTextMatch match = { i, { 0 } };

          kyso_page_geometry_from_shown_y_up (&data->pages[i], &shown, &match.rect);
          g_array_append_val (matches, match);
          if (data->max_matches > 0 && matches->len >= data->max_matches)
            break;
        }
      g_list_free_full (found, (GDestroyNotify)poppler_rectangle_free);
      g_object_unref (page);
      if (data->max_matches > 0 && matches->len >= data->max_matches)
        break;
    }
  g_object_unref (doc);

  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_pointer (task, g_steal_pointer (&matches), (GDestroyNotify)g_array_unref);
}

void
kyso_page_renderer_find_text_async (KysoPageRenderer *self, const char *text, guint max_matches,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  FindData *data;

  g_return_if_fail (KYSO_IS_PAGE_RENDERER (self));
  g_return_if_fail (text != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_page_renderer_find_text_async);
  if (self->core == NULL || *text == '\0')
    {
      g_task_return_pointer (task, g_array_new (FALSE, FALSE, sizeof (KysoTextMatch)),
                             (GDestroyNotify)g_array_unref);
      return;
    }

  data = g_new0 (FindData, 1);
  data->bytes = g_bytes_ref (self->core->bytes);
  data->text = g_strdup (text);
  data->max_matches = max_matches;
  data->n_pages = self->n_pages;
  data->pages = g_memdup2 (self->pages, sizeof (KysoPageGeometry) * self->n_pages);
  g_task_set_task_data (task, data, (GDestroyNotify)find_data_free);
  g_task_run_in_thread (task, find_thread);
}

GArray *
kyso_page_renderer_find_text_finish (KysoPageRenderer *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PAGE_RENDERER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_page_renderer_find_text_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kyso_page_renderer_set_cache_limit (KysoPageRenderer *self, gsize bytes)
{
  g_return_if_fail (KYSO_IS_PAGE_RENDERER (self));

  self->cache_limit = bytes;
  cache_trim (self, bytes);
}

gsize
kyso_page_renderer_get_cache_size (KysoPageRenderer *self)
{
  g_return_val_if_fail (KYSO_IS_PAGE_RENDERER (self), 0);
  return self->cache_size;
}

guint
kyso_page_renderer_get_render_count (KysoPageRenderer *self)
{
  g_return_val_if_fail (KYSO_IS_PAGE_RENDERER (self), 0);
  return self->core ? (guint)g_atomic_int_get (&self->core->render_count) : 0;
}
