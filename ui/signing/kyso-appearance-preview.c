/* kyso-appearance-preview.c: the signature's appearance drawn as it will be on paper */

#include "config.h"

#include "kyso-appearance-preview.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <poppler.h>

#include "kyso-error.h"

typedef struct
{
  char *signer_name;
  GDateTime *time;
  char *ca_name;
  char *reason;
  GBytes *image_png;
  double width, height, scale;
} PreviewData;

static void
preview_data_free (PreviewData *data)
{
  g_free (data->signer_name);
  g_clear_pointer (&data->time, g_date_time_unref);
  g_free (data->ca_name);
  g_free (data->reason);
  g_clear_pointer (&data->image_png, g_bytes_unref);
  g_free (data);
}

static void
add_object (GString *out, GArray *offsets, const char *dict, GBytes *stream)
{
  gsize offset = out->len;

  g_array_append_val (offsets, offset);
  g_string_append_printf (out, "%u 0 obj\n%s", offsets->len, dict);
  if (stream != NULL)
    {
      g_string_append (out, "\nstream\n");
      g_string_append_len (out, g_bytes_get_data (stream, NULL), (gssize)g_bytes_get_size (stream));
      g_string_append (out, "\nendstream");
    }
  g_string_append (out, "\nendobj\n");
}

GBytes *
kyso_appearance_preview_make_pdf (KysoPdfAppearance *appearance)
{
  g_autoptr (GString) out = g_string_new ("%PDF-1.7\n");
  g_autoptr (GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr (GBytes) rgb = NULL, alpha = NULL;
  GBytes *content = kyso_pdf_appearance_get_content (appearance);
  g_autofree char *page = NULL, *content_dict = NULL;
  char w[G_ASCII_DTOSTR_BUF_SIZE], h[G_ASCII_DTOSTR_BUF_SIZE];
  guint iw = 0, ih = 0;
  gboolean has_image;
  gsize xref;

  g_ascii_dtostr (w, sizeof w, kyso_pdf_appearance_get_width (appearance));
  g_ascii_dtostr (h, sizeof h, kyso_pdf_appearance_get_height (appearance));
  has_image = kyso_pdf_appearance_get_image (appearance, &iw, &ih, &rgb, &alpha);

  /* 1 catalog, 2 pages, 3 page, 4 content, 5 image, 6 its soft mask. */
  add_object (out, offsets, "<< /Type /Catalog /Pages 2 0 R >>", NULL);
  add_object (out, offsets, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", NULL);
  page = g_strdup_printf ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Contents 4 0 R "
                          "/Resources << %s >> >>",
                          w, h, has_image ? "/XObject << /Im0 5 0 R >>" : "");
  add_object (out, offsets, page, NULL);
  content_dict = g_strdup_printf ("<< /Length %" G_GSIZE_FORMAT " >>", g_bytes_get_size (content));
  add_object (out, offsets, content_dict, content);
  if (has_image)
    {
      g_autofree char *image
        = g_strdup_printf ("<< /Type /XObject /Subtype /Image /Width %u /Height %u "
                           "/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode "
                           "%s/Length %" G_GSIZE_FORMAT " >>",
                           iw, ih, alpha ? "/SMask 6 0 R " : "", g_bytes_get_size (rgb));
      add_object (out, offsets, image, rgb);
      if (alpha != NULL)
        {
          g_autofree char *mask
            = g_strdup_printf ("<< /Type /XObject /Subtype /Image /Width %u /Height %u "
                               "/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode "
                               "/Length %" G_GSIZE_FORMAT " >>",
                               iw, ih, g_bytes_get_size (alpha));
          add_object (out, offsets, mask, alpha);
        }
    }

  xref = out->len;
  g_string_append_printf (out, "xref\n0 %u\n0000000000 65535 f \n", offsets->len + 1);
  for (guint i = 0; i < offsets->len; i++)
    g_string_append_printf (out, "%010" G_GSIZE_FORMAT " 00000 n \n", g_array_index (offsets, gsize, i));
  g_string_append_printf (out,
                          "trailer\n<< /Size %u /Root 1 0 R >>\nstartxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n",
                          offsets->len + 1, xref);
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

static void
render_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  PreviewData *data = task_data;
  KysoPdfAppearanceInfo info
    = { data->signer_name, data->time, data->ca_name, data->reason, data->image_png };
  g_autoptr (KysoPdfAppearance) appearance = NULL;
  g_autoptr (GBytes) pdf = NULL, pixels = NULL;
  g_autoptr (GError) error = NULL;
  PopplerDocument *doc;
  PopplerPage *page;
  cairo_surface_t *surface;
  cairo_t *cr;
  int pw, ph;

  appearance = kyso_pdf_appearance_new (&info, data->width, data->height, &error);
  if (appearance == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  pdf = kyso_appearance_preview_make_pdf (appearance);
  doc = poppler_document_new_from_bytes (pdf, NULL, &error);
  if (doc == NULL)
    {
      /* Translators: %s says why; the signature itself is not affected. */
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_FAILED,
                               _("The preview could not be drawn: %s"), error->message);
      return;
    }
  page = poppler_document_get_page (doc, 0);
  pw = MAX (1, (int)ceil (data->width * data->scale));
  ph = MAX (1, (int)ceil (data->height * data->scale));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, pw, ph);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, pw / data->width, ph / data->height);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  g_object_unref (page);
  g_object_unref (doc);

  pixels = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                       (gsize)cairo_image_surface_get_stride (surface) * ph,
                                       (GDestroyNotify)cairo_surface_destroy, surface);
  g_task_return_pointer (task,
                         gdk_memory_texture_new (pw, ph, GDK_MEMORY_DEFAULT, pixels,
                                                 (gsize)cairo_image_surface_get_stride (surface)),
                         g_object_unref);
}

void
kyso_appearance_preview_render_async (const KysoPdfAppearanceInfo *info, double width, double height,
                                      double scale, GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  PreviewData *data;

  g_return_if_fail (info != NULL && info->signer_name != NULL && info->time != NULL);
  g_return_if_fail (width > 0 && height > 0 && scale > 0);

  data = g_new0 (PreviewData, 1);
  data->signer_name = g_strdup (info->signer_name);
  data->time = g_date_time_ref (info->time);
  data->ca_name = g_strdup (info->ca_name);
  data->reason = g_strdup (info->reason);
  data->image_png = info->image_png ? g_bytes_ref (info->image_png) : NULL;
  data->width = width;
  data->height = height;
  data->scale = scale;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_appearance_preview_render_async);
  g_task_set_task_data (task, data, (GDestroyNotify)preview_data_free);
  g_task_run_in_thread (task, render_thread);
}

GdkTexture *
kyso_appearance_preview_render_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_appearance_preview_render_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
