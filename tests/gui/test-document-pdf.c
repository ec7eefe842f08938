/* test-document-pdf.c: a minimal PDF writer for the document tests */

#include "test-document-pdf.h"

#include <string.h>

static gboolean
is_zero4 (const double v[4])
{
  return v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] == 0;
}

static guint
add_object (GPtrArray *objects, char *body)
{
  g_ptr_array_add (objects, body);
  return objects->len;
}

gboolean
kyso_test_pdf_write (const char *path, const KysoTestPage *pages, guint n_pages, GError **error)
{
  g_autoptr (GPtrArray) objects = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) out = g_string_new ("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
  g_autoptr (GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr (GString) kids = g_string_new (NULL);
  g_autofree guint *contents = g_new0 (guint, n_pages);
  guint font, pages_id, catalog;
  gsize xref;

  font = add_object (objects, g_strdup ("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"));
  for (guint i = 0; i < n_pages; i++)
    {
      const KysoTestPage *p = &pages[i];
      g_autoptr (GString) s = g_string_new (NULL);
      char b[4][G_ASCII_DTOSTR_BUF_SIZE];

      if (!is_zero4 (p->fill))
        g_string_append_printf (s, "0 g %s %s %s %s re f\n", g_ascii_dtostr (b[0], sizeof b[0], p->fill[0]),
                                g_ascii_dtostr (b[1], sizeof b[1], p->fill[1]),
                                g_ascii_dtostr (b[2], sizeof b[2], p->fill[2] - p->fill[0]),
                                g_ascii_dtostr (b[3], sizeof b[3], p->fill[3] - p->fill[1]));
      if (p->text)
        g_string_append_printf (s, "BT /F1 %s Tf %s %s Td (%s) Tj ET\n",
                                g_ascii_dtostr (b[0], sizeof b[0], p->text_size > 0 ? p->text_size : 12),
                                g_ascii_dtostr (b[1], sizeof b[1], p->text_x),
                                g_ascii_dtostr (b[2], sizeof b[2], p->text_y), p->text);
      contents[i]
        = add_object (objects, g_strdup_printf ("<< /Length %" G_GSIZE_FORMAT " >>\nstream\n%s\nendstream",
                                                s->len, s->str));
    }

  /* The page tree comes right after the pages, so its number is known in advance. */
  pages_id = objects->len + n_pages + 1;
  for (guint i = 0; i < n_pages; i++)
    {
      const KysoTestPage *p = &pages[i];
      g_autoptr (GString) d = g_string_new (NULL);
      char b[4][G_ASCII_DTOSTR_BUF_SIZE];
      guint id;

      g_string_append_printf (
        d, "<< /Type /Page /Parent %u 0 R /MediaBox [%s %s %s %s] ", pages_id,
        g_ascii_dtostr (b[0], sizeof b[0], p->media[0]), g_ascii_dtostr (b[1], sizeof b[1], p->media[1]),
        g_ascii_dtostr (b[2], sizeof b[2], p->media[2]), g_ascii_dtostr (b[3], sizeof b[3], p->media[3]));
      if (!is_zero4 (p->crop))
        g_string_append_printf (d, "/CropBox [%s %s %s %s] ", g_ascii_dtostr (b[0], sizeof b[0], p->crop[0]),
                                g_ascii_dtostr (b[1], sizeof b[1], p->crop[1]),
                                g_ascii_dtostr (b[2], sizeof b[2], p->crop[2]),
                                g_ascii_dtostr (b[3], sizeof b[3], p->crop[3]));
      if (p->rotate != 0)
        g_string_append_printf (d, "/Rotate %d ", p->rotate);
      g_string_append_printf (d, "/Resources << /Font << /F1 %u 0 R >> >> /Contents %u 0 R >>", font,
                              contents[i]);
      id = add_object (objects, g_string_free (g_steal_pointer (&d), FALSE));
      g_string_append_printf (kids, "%s%u 0 R", i ? " " : "", id);
    }
  if (add_object (objects, g_strdup_printf ("<< /Type /Pages /Kids [%s] /Count %u >>", kids->str, n_pages))
      != pages_id)
    g_assert_not_reached ();
  catalog = add_object (objects, g_strdup_printf ("<< /Type /Catalog /Pages %u 0 R >>", pages_id));

  for (guint i = 0; i < objects->len; i++)
    {
      gsize off = out->len;
      g_array_append_val (offsets, off);
      g_string_append_printf (out, "%u 0 obj\n%s\nendobj\n", i + 1, (const char *)objects->pdata[i]);
    }
  xref = out->len;
  g_string_append_printf (out, "xref\n0 %u\n0000000000 65535 f \n", objects->len + 1);
  for (guint i = 0; i < offsets->len; i++)
    g_string_append_printf (out, "%010" G_GSIZE_FORMAT " 00000 n \n", g_array_index (offsets, gsize, i));
  g_string_append_printf (out,
                          "trailer\n<< /Size %u /Root %u 0 R >>\nstartxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n",
                          objects->len + 1, catalog, xref);

  return g_file_set_contents (path, out->str, out->len, error);
}

gboolean
kyso_test_pdf_write_simple (const char *path, guint n_pages, const char *keyword, guint keyword_page,
                            GError **error)
{
  g_autofree KysoTestPage *pages = g_new0 (KysoTestPage, n_pages);
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n_pages; i++)
    {
      KysoTestPage *p = &pages[i];
      char *text;

      p->media[2] = 595;
      p->media[3] = 842;
      if (keyword && i + 1 == keyword_page)
        {
          text = g_strdup (keyword);
          p->text_x = 380;
          p->text_y = 200;
        }
      else
        {
          text = g_strdup_printf ("Page %u", i + 1);
          p->text_x = 72;
          p->text_y = 770;
        }
      g_ptr_array_add (texts, text);
      p->text = text;
      p->text_size = 14;
    }
  return kyso_test_pdf_write (path, pages, n_pages, error);
}
