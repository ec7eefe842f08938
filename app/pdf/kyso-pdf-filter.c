#include "config.h"

#include "kyso-pdf-filter.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define CHUNK (64 * 1024)

static void
set_limit_error (GError **error)
{
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
               _("A compressed part of the PDF file expands to more than Kyso accepts."));
}

static void
set_broken_error (GError **error, const char *why)
{
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
               /* Translators: %s says what is wrong with a compressed stream */
               _("The PDF file is damaged (a compressed stream: %s)."), why);
}

typedef gssize (*ReadFunc) (gpointer data, gint64 pos, guint8 *buf, gsize len);

typedef struct
{
  KysoPdfSource *source;
  gint64 offset;
} SourceReader;

static gssize
read_source (gpointer data, gint64 pos, guint8 *buf, gsize len)
{
  SourceReader *r = data;

  return kyso_pdf_source_read_some (r->source, r->offset + pos, buf, len);
}

typedef struct
{
  const guint8 *data;
} MemReader;

static gssize
read_mem (gpointer data, gint64 pos, guint8 *buf, gsize len)
{
  MemReader *r = data;

  memcpy (buf, r->data + pos, len);
  return (gssize)len;
}

static GByteArray *
inflate_all (ReadFunc read, gpointer rdata, gint64 in_len, gsize max_output, GError **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree guint8 *in = g_malloc (CHUNK);
  g_autofree guint8 *buf = g_malloc (CHUNK);
  z_stream zs = { 0 };
  gint64 pos = 0;
  gboolean pending = FALSE;

  if (inflateInit (&zs) != Z_OK)
    {
      set_broken_error (error, "zlib");
      return NULL;
    }
  for (;;)
    {
      gsize produced;
      int ret;

      if (zs.avail_in == 0 && !pending)
        {
          gsize want = (gsize)MIN ((gint64)CHUNK, in_len - pos);
          gssize n = want > 0 ? read (rdata, pos, in, want) : 0;
          /* Truncated data: keep what decoded, as other readers do. */
          if (n <= 0)
            break;
          pos += n;
          zs.next_in = in;
          zs.avail_in = (uInt)n;
        }
      zs.next_out = buf;
      zs.avail_out = CHUNK;
      ret = inflate (&zs, Z_NO_FLUSH);
      produced = CHUNK - zs.avail_out;
      pending = zs.avail_out == 0;
      if (out->len + produced > max_output)
        {
          inflateEnd (&zs);
          set_limit_error (error);
          return NULL;
        }
      g_byte_array_append (out, buf, (guint)produced);
      if (ret == Z_STREAM_END)
        break;
      if (ret != Z_OK && ret != Z_BUF_ERROR)
        {
          /* Corrupt tail after good data: keep what decoded (qpdf warns and does the same). */
          if (out->len > 0)
            break;
          set_broken_error (error, zs.msg != NULL ? zs.msg : "inflate");
          inflateEnd (&zs);
          return NULL;
        }
    }
  inflateEnd (&zs);
  return g_steal_pointer (&out);
}

static int
paeth (int a, int b, int c)
{
  int p = a + b - c, pa = abs (p - a), pb = abs (p - b), pc = abs (p - c);

  if (pa <= pb && pa <= pc)
    return a;
  return pb <= pc ? b : c;
}

static gint64
parm_int (KysoPdfObject *parms, const char *key, gint64 def)
{
  gboolean ok;
  gint64 v = kyso_pdf_object_get_int (kyso_pdf_dict_get (parms, key), &ok);

  return ok ? v : def;
}

static GByteArray *
unpredict (GByteArray *in, KysoPdfObject *parms, GError **error)
{
  gint64 predictor = parm_int (parms, "Predictor", 1);
  gint64 colors = parm_int (parms, "Colors", 1);
  gint64 bpc = parm_int (parms, "BitsPerComponent", 8);
  gint64 columns = parm_int (parms, "Columns", 1);
  gint64 bpp, rowlen;
  g_autoptr(GByteArray) out = NULL;
  g_autofree guint8 *prev = NULL;

  if (predictor == 1)
    return g_byte_array_ref (in);
  if (colors < 1 || colors > 32 || columns < 1 || columns > (1 << 24)
      || (bpc != 1 && bpc != 2 && bpc != 4 && bpc != 8 && bpc != 16))
    {
      set_broken_error (error, _("bad predictor parameters"));
      return NULL;
    }
  bpp = MAX (1, (colors * bpc + 7) / 8);
  rowlen = (columns * colors * bpc + 7) / 8;
  out = g_byte_array_sized_new (in->len);
  if (predictor == 2)
    {
      if (bpc != 8)
        {
          set_broken_error (error, _("unsupported predictor"));
          return NULL;
        }
      g_byte_array_append (out, in->data, in->len);
      for (gint64 r = 0; (r + 1) * rowlen <= (gint64)out->len; r++)
        for (gint64 i = bpp; i < rowlen; i++)
          out->data[r * rowlen + i] += out->data[r * rowlen + i - bpp];
      return g_steal_pointer (&out);
    }
  if (predictor < 10 || predictor > 15)
    {
      set_broken_error (error, _("unsupported predictor"));
      return NULL;
    }
  prev = g_malloc0 ((gsize)rowlen);
  for (gint64 pos = 0; pos < (gint64)in->len; pos += rowlen + 1)
    {
      int type = in->data[pos];
      gint64 n = MIN (rowlen, (gint64)in->len - pos - 1);
      guint8 *row;
      guint start = out->len;

      /* PNG rows are complete; a short last row is padded so that it decodes like the others. */
      g_byte_array_set_size (out, out->len + (guint)rowlen);
      row = out->data + start;
      memset (row, 0, (gsize)rowlen);
      if (n > 0)
        memcpy (row, in->data + pos + 1, (gsize)n);
      for (gint64 i = 0; i < rowlen; i++)
        {
          int left = i >= bpp ? row[i - bpp] : 0;
          int up = prev[i];
          int ul = i >= bpp ? prev[i - bpp] : 0;
          switch (type)
            {
              case 0:
                break;
              case 1:
                row[i] += left;
                break;
              case 2:
                row[i] += up;
                break;
              case 3:
                row[i] += (left + up) / 2;
                break;
              case 4:
                row[i] += paeth (left, up, ul);
                break;
              default:
                set_broken_error (error, _("bad PNG row filter"));
                return NULL;
            }
        }
      memcpy (prev, row, (gsize)rowlen);
      if (n < rowlen)
        g_byte_array_set_size (out, start + (guint)n);
    }
  return g_steal_pointer (&out);
}

static GBytes *
decode (KysoPdfObject *dict, ReadFunc read, gpointer rdata, gint64 len, gsize max_output, GError **error)
{
  KysoPdfObject *filter = kyso_pdf_dict_get (dict, "Filter");
  KysoPdfObject *parms = kyso_pdf_dict_get (dict, "DecodeParms");
  g_autoptr(GByteArray) raw = NULL;
  g_autoptr(GByteArray) out = NULL;

  if (kyso_pdf_object_get_kind (filter) == KYSO_PDF_ARRAY)
    {
      if (kyso_pdf_array_get_length (filter) > 1)
        {
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                       _("The PDF file uses a compression Kyso does not read (several filters)."));
          return NULL;
        }
      filter = kyso_pdf_array_get (filter, 0);
      if (kyso_pdf_object_get_kind (parms) == KYSO_PDF_ARRAY)
        parms = kyso_pdf_array_get (parms, 0);
    }
  if (filter == NULL)
    {
      if (len > (gint64)max_output)
        {
          set_limit_error (error);
          return NULL;
        }
      raw = g_byte_array_sized_new ((guint)len);
      g_byte_array_set_size (raw, (guint)len);
      if (len > 0 && read (rdata, 0, raw->data, (gsize)len) != len)
        {
          set_broken_error (error, _("truncated"));
          return NULL;
        }
      return g_byte_array_free_to_bytes (g_steal_pointer (&raw));
    }
  if (!kyso_pdf_object_is_name (filter, "FlateDecode") && !kyso_pdf_object_is_name (filter, "Fl"))
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                   /* Translators: %s is a PDF filter name such as LZWDecode */
                   _("The PDF file uses a compression Kyso does not read (%s)."),
                      kyso_pdf_object_get_name (filter) ? kyso_pdf_object_get_name (filter) : "?");
      return NULL;
    }
  raw = inflate_all (read, rdata, len, max_output, error);
  if (raw == NULL)
    return NULL;
  out = unpredict (raw, kyso_pdf_object_get_kind (parms) == KYSO_PDF_DICT ? parms : NULL, error);
  if (out == NULL)
    return NULL;
  if (out->len > max_output)
    {
      set_limit_error (error);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

GBytes *
kyso_pdf_stream_decode (KysoPdfSource *source, KysoPdfObject *stream, gsize max_output, GError **error)
{
  SourceReader r = { source, kyso_pdf_stream_get_data_offset (stream) };

  g_return_val_if_fail (kyso_pdf_object_get_kind (stream) == KYSO_PDF_STREAM, NULL);
  return decode (kyso_pdf_stream_get_dict (stream), read_source, &r, kyso_pdf_stream_get_length (stream),
                 max_output, error);
}

GBytes *
kyso_pdf_decode_bytes (KysoPdfObject *dict, const guint8 *data, gsize len, gsize max_output, GError **error)
{
  MemReader r = { data };

  return decode (dict, read_mem, &r, (gint64)len, max_output, error);
}

GBytes *
kyso_pdf_flate_encode (const guint8 *data, gsize len)
{
  uLongf out_len = compressBound (len);
  guint8 *out = g_malloc (out_len);

  if (compress2 (out, &out_len, data, len, 6) != Z_OK)
    g_error ("zlib compress2 failed");
  return g_bytes_new_take (g_realloc (out, out_len), out_len);
}
