/* Ending the appended revision: its cross-reference section and trailer, of the file's own kind. */
#include "config.h"

#include "kyso-pdf-writer-private.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

void
kyso_pdf_update_begin_object (KysoPdfUpdate *update, guint32 num, guint32 gen)
{
  KysoPdfWrittenObject o = { num, gen, update->buf->len };

  g_array_append_val (update->objects, o);
  g_string_append_printf (update->buf, "%u %u obj\n", num, gen);
}

void
kyso_pdf_update_end_object (KysoPdfUpdate *update)
{
  g_string_append (update->buf, "\nendobj\n");
}

void
kyso_pdf_update_add_object (KysoPdfUpdate *update, guint32 num, guint32 gen, KysoPdfObject *object)
{
  kyso_pdf_update_begin_object (update, num, gen);
  kyso_pdf_object_serialize (object, update->buf);
  kyso_pdf_update_end_object (update);
}

void
kyso_pdf_update_add_stream (KysoPdfUpdate *update, guint32 num, KysoPdfObject *dict, GBytes *data)
{
  gsize len;
  const char *d = g_bytes_get_data (data, &len);

  kyso_pdf_dict_set (dict, "Length", kyso_pdf_int_new ((gint64)len));
  kyso_pdf_update_begin_object (update, num, 0);
  kyso_pdf_object_serialize (dict, update->buf);
  g_string_append (update->buf, "\nstream\n");
  g_string_append_len (update->buf, d, (gssize)len);
  g_string_append (update->buf, "\nendstream");
  kyso_pdf_update_end_object (update);
}

KysoPdfObject *
kyso_pdf_text_string_new (const char *utf8)
{
  gboolean ascii = TRUE;
  g_autofree gunichar2 *u16 = NULL;
  glong n = 0;
  g_autofree guint8 *bytes = NULL;

  for (const char *p = utf8; *p; p++)
    if ((guchar)*p < 0x20 || (guchar)*p >= 0x7f)
      ascii = FALSE;
  if (ascii)
    return kyso_pdf_string_new ((const guint8 *)utf8, strlen (utf8), FALSE);
  u16 = g_utf8_to_utf16 (utf8, -1, NULL, &n, NULL);
  if (u16 == NULL)
    return kyso_pdf_string_new ((const guint8 *)"?", 1, FALSE);
  bytes = g_malloc (2 + 2 * (gsize)n);
  bytes[0] = 0xfe;
  bytes[1] = 0xff;
  for (glong i = 0; i < n; i++)
    {
      bytes[2 + 2 * i] = (guint8)(u16[i] >> 8);
      bytes[3 + 2 * i] = (guint8)(u16[i] & 0xff);
    }
  return kyso_pdf_string_new (bytes, 2 + 2 * (gsize)n, TRUE);
}

static int
compare_objects (gconstpointer a, gconstpointer b)
{
  const KysoPdfWrittenObject *x = a, *y = b;

  return x->num < y->num ? -1 : x->num > y->num;
}

/* The second /ID string changes with every revision; the first identifies the document for ever
 * (§14.4). */
static KysoPdfObject *
new_id (KysoPdfObject *old_id, gint64 size)
{
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  KysoPdfObject *id = kyso_pdf_array_new ();
  KysoPdfObject *first = kyso_pdf_array_get (old_id, 0);
  guint8 digest[16];
  gsize len = sizeof digest;
  guint32 r[4] = { g_random_int (), g_random_int (), g_random_int (), g_random_int () };
  gint64 now = g_get_real_time ();

  g_checksum_update (md5, (const guchar *)r, sizeof r);
  g_checksum_update (md5, (const guchar *)&now, sizeof now);
  g_checksum_update (md5, (const guchar *)&size, sizeof size);
  g_checksum_get_digest (md5, digest, &len);
  if (kyso_pdf_object_get_kind (first) == KYSO_PDF_STRING && kyso_pdf_array_get_length (old_id) == 2)
    {
      gsize flen;
      const guint8 *f = kyso_pdf_object_get_string (first, &flen);
      kyso_pdf_array_add (id, kyso_pdf_string_new (f, flen, TRUE));
    }
  else
    kyso_pdf_array_add (id, kyso_pdf_string_new (digest, len, TRUE));
  kyso_pdf_array_add (id, kyso_pdf_string_new (digest, len, TRUE));
  return id;
}

static KysoPdfObject *
new_trailer (KysoPdfUpdate *update, guint32 size)
{
  KysoPdfObject *old = kyso_pdf_document_get_trailer (update->doc);
  const KysoPdfRevision *last
    = kyso_pdf_document_get_revision (update->doc, kyso_pdf_document_get_n_revisions (update->doc) - 1);
  KysoPdfObject *trailer = kyso_pdf_dict_new ();
  KysoPdfObject *v;

  kyso_pdf_dict_set (trailer, "Size", kyso_pdf_int_new (size));
  if ((v = kyso_pdf_document_find_trailer_key (update->doc, "Root")) != NULL)
    kyso_pdf_dict_set (trailer, "Root", kyso_pdf_object_copy (v));
  if ((v = kyso_pdf_document_find_trailer_key (update->doc, "Info")) != NULL
      && kyso_pdf_object_get_kind (v) == KYSO_PDF_REF)
    kyso_pdf_dict_set (trailer, "Info", kyso_pdf_object_copy (v));
  kyso_pdf_dict_set (trailer, "ID",
                     new_id (kyso_pdf_dict_get (old, "ID"), update->base + (gint64)update->buf->len));
  /* /Prev is the section the file's startxref names (corrected if it was a few bytes off). */
  kyso_pdf_dict_set (trailer, "Prev", kyso_pdf_int_new (last->xref_offset));
  return trailer;
}

static gboolean
finish_table (KysoPdfUpdate *update, GError **error)
{
  g_autoptr(KysoPdfObject) trailer = NULL;
  gint64 xref_offset = update->base + (gint64)update->buf->len;
  guint32 size = update->next_num;

  g_array_sort (update->objects, compare_objects);
  g_string_append (update->buf, "xref\n");
  for (guint i = 0; i < update->objects->len;)
    {
      guint j = i + 1;
      while (j < update->objects->len
             && g_array_index (update->objects, KysoPdfWrittenObject, j).num
                  == g_array_index (update->objects, KysoPdfWrittenObject, j - 1).num + 1)
        j++;
      g_string_append_printf (update->buf, "%u %u\n",
                              g_array_index (update->objects, KysoPdfWrittenObject, i).num, j - i);
      for (; i < j; i++)
        {
          const KysoPdfWrittenObject *o = &g_array_index (update->objects, KysoPdfWrittenObject, i);
          gint64 off = update->base + (gint64)o->pos;
          /* Classic entries have ten digits: beyond 10 GB only a stream can say where objects are. */
          if (off > 9999999999LL)
            {
              g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                           _("The PDF file is too large for its kind of cross-reference table."));
              return FALSE;
            }
          g_string_append_printf (update->buf, "%010" G_GINT64_FORMAT " %05u n\r\n", off, o->gen);
          size = MAX (size, o->num + 1);
        }
    }
  trailer = new_trailer (update, size);
  g_string_append (update->buf, "trailer\n");
  kyso_pdf_object_serialize (trailer, update->buf);
  g_string_append_printf (update->buf, "\nstartxref\n%" G_GINT64_FORMAT "\n%%%%EOF\n", xref_offset);
  return TRUE;
}

static void
put_field (GByteArray *out, guint64 value, guint width)
{
  for (guint i = width; i > 0; i--)
    {
      guint8 b = (guint8)(value >> (8 * (i - 1)));
      g_byte_array_append (out, &b, 1);
    }
}

static gboolean
finish_stream (KysoPdfUpdate *update, GError **error)
{
  g_autoptr(KysoPdfObject) dict = NULL;
  g_autoptr(KysoPdfObject) w = kyso_pdf_array_new ();
  g_autoptr(KysoPdfObject) index = kyso_pdf_array_new ();
  g_autoptr(GByteArray) rows = g_byte_array_new ();
  g_autoptr(GBytes) data = NULL;
  guint32 xref_num = update->next_num++;
  gint64 xref_offset = update->base + (gint64)update->buf->len;
  guint width = 1;
  guint32 size = update->next_num;
  KysoPdfWrittenObject self = { xref_num, 0, update->buf->len };

  /* The stream lists itself too (§7.5.8.3 does not require it, but qpdf and Acrobat expect it). */
  g_array_append_val (update->objects, self);
  g_array_sort (update->objects, compare_objects);
  while (width < 8 && (guint64)xref_offset >> (8 * width) != 0)
    width++;
  for (guint i = 0; i < update->objects->len;)
    {
      guint j = i + 1;
      while (j < update->objects->len
             && g_array_index (update->objects, KysoPdfWrittenObject, j).num
                  == g_array_index (update->objects, KysoPdfWrittenObject, j - 1).num + 1)
        j++;
      kyso_pdf_array_add (index,
                          kyso_pdf_int_new (g_array_index (update->objects, KysoPdfWrittenObject, i).num));
      kyso_pdf_array_add (index, kyso_pdf_int_new (j - i));
      for (; i < j; i++)
        {
          const KysoPdfWrittenObject *o = &g_array_index (update->objects, KysoPdfWrittenObject, i);
          put_field (rows, 1, 1);
          put_field (rows, (guint64)(update->base + (gint64)o->pos), width);
          put_field (rows, o->gen, 2);
          size = MAX (size, o->num + 1);
        }
    }
  kyso_pdf_array_add (w, kyso_pdf_int_new (1));
  kyso_pdf_array_add (w, kyso_pdf_int_new (width));
  kyso_pdf_array_add (w, kyso_pdf_int_new (2));
  dict = new_trailer (update, size);
  kyso_pdf_dict_set (dict, "Type", kyso_pdf_name_new ("XRef"));
  kyso_pdf_dict_set (dict, "W", g_steal_pointer (&w));
  kyso_pdf_dict_set (dict, "Index", g_steal_pointer (&index));
  data = g_byte_array_free_to_bytes (g_steal_pointer (&rows));
  /* add_stream would record the object again: write it by hand. */
  kyso_pdf_dict_set (dict, "Length", kyso_pdf_int_new ((gint64)g_bytes_get_size (data)));
  g_string_append_printf (update->buf, "%u 0 obj\n", xref_num);
  kyso_pdf_object_serialize (dict, update->buf);
  g_string_append (update->buf, "\nstream\n");
  g_string_append_len (update->buf, g_bytes_get_data (data, NULL), (gssize)g_bytes_get_size (data));
  g_string_append (update->buf, "\nendstream\nendobj\n");
  g_string_append_printf (update->buf, "startxref\n%" G_GINT64_FORMAT "\n%%%%EOF\n", xref_offset);
  return TRUE;
}

gboolean
kyso_pdf_update_finish (KysoPdfUpdate *update, GError **error)
{
  /* A hybrid file ends with a table, so a table follows it; readers keep its /XRefStm through /Prev. */
  if (kyso_pdf_document_get_xref_kind (update->doc) == KYSO_PDF_XREF_STREAM)
    return finish_stream (update, error);
  return finish_table (update, error);
}
