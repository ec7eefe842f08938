/* JPEG and PNG images as PDF pages: the JPEG kept as it is, the PNG deflated, the orientation
 * and resolution the image carries honoured. */
#include "config.h"

#include "kyso-pdf-from-image.h"
#include "kyso-error.h"
#include "kyso-util.h"

#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <jpeglib.h>
#include <png.h>
#include <zlib.h>
#include <glib/gi18n-lib.h>

#define A4_SHORT 595.276
#define A4_LONG 841.89

typedef struct
{
  GBytes *data;        /* the stream's bytes */
  gboolean dct;        /* DCTDecode (else FlateDecode) */
  guint width, height; /* pixels as stored */
  int components;      /* 1, 3 or 4 */
  gboolean adobe_cmyk; /* an Adobe CMYK JPEG (inverted) */
  double dpi_x, dpi_y; /* 0 = unknown */
  int orientation;     /* EXIF 1–8 */
} Image;

static void
image_clear (Image *img)
{
  g_clear_pointer (&img->data, g_bytes_unref);
}

/* --- JPEG: headers only ------------------------------------------------------------------ */

static guint16
be16 (const guint8 *p)
{
  return (guint16)(p[0] << 8 | p[1]);
}

static guint32
rd32 (const guint8 *p, gboolean le)
{
  return le ? (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24
            : (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | (guint32)p[3];
}

static guint16
rd16 (const guint8 *p, gboolean le)
{
  return le ? (guint16)(p[0] | p[1] << 8) : be16 (p);
}

/* The orientation and resolution in an EXIF block (TIFF header at @t, @n bytes). */
static void
read_exif (Image *img, const guint8 *t, gsize n)
{
  gboolean le = FALSE;
  guint32 ifd = 0;
  guint count = 0;

  if (n < 8)
    return;
  if (memcmp (t, "II*\0", 4) == 0)
    le = TRUE;
  else if (memcmp (t, "MM\0*", 4) != 0)
    return;
  ifd = rd32 (t + 4, le);
  if (ifd < 8 || ifd + 2 > n)
    return;
  count = rd16 (t + ifd, le);
  for (guint i = 0; i < count && i < 512; i++)
    {
      gsize e = ifd + 2 + (gsize)i * 12;
      guint16 tag = 0, type = 0;

      if (e + 12 > n)
        return;
      tag = rd16 (t + e, le);
      type = rd16 (t + e + 2, le);
      if (tag == 0x0112 && type == 3)
        {
          guint16 o = rd16 (t + e + 8, le);

          if (o >= 1 && o <= 8)
            img->orientation = o;
        }
      else if ((tag == 0x011a || tag == 0x011b) && type == 5)
        {
          guint32 off = rd32 (t + e + 8, le);

          if (off + 8 <= n && rd32 (t + off + 4, le) != 0)
            {
              double v = (double)rd32 (t + off, le) / rd32 (t + off + 4, le);

              if (tag == 0x011a)
                img->dpi_x = img->dpi_x > 0 ? img->dpi_x : v;
              else
                img->dpi_y = img->dpi_y > 0 ? img->dpi_y : v;
            }
        }
    }
}

static gboolean
read_jpeg (Image *img, GBytes *bytes, GError **error)
{
  gsize len = 0;
  const guint8 *p = g_bytes_get_data (bytes, &len);
  gsize i = 2;
  gboolean have_frame = FALSE;
  double jfif_x = 0, jfif_y = 0;

  img->orientation = 1;
  while (i + 4 <= len)
    {
      guint8 marker = 0;
      guint16 seg = 0;

      if (p[i] != 0xff)
        break;
      marker = p[i + 1];
      if (marker == 0xff)
        {
          i++;
          continue;
        }
      if (marker == 0xd9 || marker == 0xda)
        break;
      seg = be16 (p + i + 2);
      if (seg < 2 || i + 2 + seg > len)
        break;
      if (marker == 0xe0 && seg >= 16 && memcmp (p + i + 4, "JFIF\0", 5) == 0)
        {
          guint8 units = p[i + 11];
          double x = be16 (p + i + 12), y = be16 (p + i + 14);

          if (units == 1)
            jfif_x = x, jfif_y = y;
          else if (units == 2)
            jfif_x = x * 2.54, jfif_y = y * 2.54;
        }
      else if (marker == 0xe1 && seg >= 8 && memcmp (p + i + 4, "Exif\0\0", 6) == 0)
        read_exif (img, p + i + 10, seg - 8);
      else if (marker == 0xee && seg >= 12 && memcmp (p + i + 4, "Adobe", 5) == 0)
        img->adobe_cmyk = TRUE;
      else if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
        {
          if (seg < 8)
            break;
          /* Baseline and progressive Huffman, 8 bits: what PDF readers show. */
          if ((marker != 0xc0 && marker != 0xc1 && marker != 0xc2) || p[i + 4] != 8)
            {
              g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                                   _ ("This kind of JPEG image cannot be put in a PDF; save it again as an "
                                      "ordinary JPEG or PNG."));
              return FALSE;
            }
          img->height = be16 (p + i + 5);
          img->width = be16 (p + i + 7);
          img->components = p[i + 9];
          have_frame = TRUE;
        }
      i += 2 + seg;
    }
  if (!have_frame || img->width == 0 || img->height == 0
      || (img->components != 1 && img->components != 3 && img->components != 4))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE, _ ("The JPEG image is damaged."));
      return FALSE;
    }
  if (jfif_x > 0 && jfif_y > 0)
    img->dpi_x = jfif_x, img->dpi_y = jfif_y;
  img->adobe_cmyk = img->adobe_cmyk && img->components == 4;
  img->data = g_bytes_ref (bytes);
  img->dct = TRUE;
  return TRUE;
}

/* --- PNG: decoded with libpng ------------------------------------------------------------ */

typedef struct
{
  const guint8 *p;
  gsize len, pos;
} PngSource;

static void
png_read_cb (png_structp png, png_bytep out, png_size_t n)
{
  PngSource *src = png_get_io_ptr (png);

  if (src->pos + n > src->len)
    png_error (png, "truncated");
  memcpy (out, src->p + src->pos, n);
  src->pos += n;
}

static void
png_quiet (png_structp png, png_const_charp msg)
{
}

static gboolean
read_png (Image *img, GBytes *bytes, GError **error)
{
  PngSource src = { 0 };
  png_structp png = NULL;
  png_infop info = NULL;
  guint8 *volatile pixels = NULL;
  png_bytep *volatile rows = NULL;
  png_uint_32 w = 0, h = 0, xres = 0, yres = 0;
  int unit = 0, color = 0, channels = 0;
  gsize out_len = 0;
  guint8 *out = NULL;
  uLongf zlen = 0;
  guint8 *z = NULL;

  src.p = g_bytes_get_data (bytes, &src.len);
  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, NULL, png_quiet, png_quiet);
  info = png != NULL ? png_create_info_struct (png) : NULL;
  if (info == NULL)
    {
      png_destroy_read_struct (&png, NULL, NULL);
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_FAILED,
                           _ ("Out of memory while reading the image."));
      return FALSE;
    }
  if (setjmp (png_jmpbuf (png)))
    {
      g_free (pixels);
      g_free (rows);
      png_destroy_read_struct (&png, &info, NULL);
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE, _ ("The PNG image is damaged."));
      return FALSE;
    }
  png_set_read_fn (png, &src, png_read_cb);
  png_set_user_limits (png, 100000, 100000);
  png_read_info (png, info);
  w = png_get_image_width (png, info);
  h = png_get_image_height (png, info);
  if ((gint64)w * h > KYSO_IMAGE_MAX_PIXELS)
    {
      png_destroy_read_struct (&png, &info, NULL);
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                   _ ("The image has more than %d million pixels."), (int)(KYSO_IMAGE_MAX_PIXELS / 1000000));
      return FALSE;
    }
  if (png_get_pHYs (png, info, &xres, &yres, &unit) && unit == PNG_RESOLUTION_METER)
    {
      img->dpi_x = xres * 0.0254;
      img->dpi_y = yres * 0.0254;
    }
  /* Everything to 8-bit gray or RGB, with alpha composed onto white below. */
  png_set_expand (png);
  png_set_strip_16 (png);
  png_set_packing (png);
  color = png_get_color_type (png, info);
  if (color == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (png);
  png_read_update_info (png, info);
  channels = png_get_channels (png, info);
  pixels = g_malloc ((gsize)w * h * channels);
  rows = g_new (png_bytep, h);
  for (png_uint_32 y = 0; y < h; y++)
    rows[y] = pixels + (gsize)y * w * channels;
  png_read_image (png, rows);
  png_destroy_read_struct (&png, &info, NULL);
  g_free (rows);

  img->components = channels >= 3 ? 3 : 1;
  out_len = (gsize)w * h * img->components;
  out = g_malloc (out_len);
  for (gsize px = 0; px < (gsize)w * h; px++)
    {
      const guint8 *s = pixels + px * channels;
      guint8 *d = out + px * img->components;
      int alpha = (channels == 2 || channels == 4) ? s[channels - 1] : 255;

      for (int c = 0; c < img->components; c++)
        d[c] = (guint8)((s[c] * alpha + 255 * (255 - alpha) + 127) / 255);
    }
  g_free (pixels);
  zlen = compressBound (out_len);
  z = g_malloc (zlen);
  if (compress2 (z, &zlen, out, out_len, 6) != Z_OK)
    {
      g_free (z);
      g_free (out);
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_FAILED, _ ("The image could not be compressed."));
      return FALSE;
    }
  g_free (out);
  img->data = g_bytes_new_take (g_realloc (z, zlen), zlen);
  img->width = w;
  img->height = h;
  img->orientation = 1;
  img->dct = FALSE;
  return TRUE;
}

/* --- Re-encoding smaller (to fit a size limit) ------------------------------------------- */

struct jerr
{
  struct jpeg_error_mgr pub;
  jmp_buf jump;
};

static void
jpeg_fail (j_common_ptr cinfo)
{
  longjmp (((struct jerr *)cinfo->err)->jump, 1);
}

static void
jpeg_quiet (j_common_ptr cinfo, int level)
{
}

/* Decodes @img (JPEG or deflated PNG pixels) into 8-bit gray or RGB. */
static guint8 *
decode_pixels (const Image *img, int *out_components)
{
  gsize len = 0;
  const guint8 *p = g_bytes_get_data (img->data, &len);

  if (!img->dct)
    {
      uLongf n = (uLongf)img->width * img->height * img->components;
      guint8 *out = g_malloc (n);

      if (uncompress (out, &n, p, len) != Z_OK)
        {
          g_free (out);
          return NULL;
        }
      *out_components = img->components;
      return out;
    }
  {
    struct jpeg_decompress_struct cinfo;
    struct jerr jerr;
    guint8 *volatile out = NULL;

    cinfo.err = jpeg_std_error (&jerr.pub);
    jerr.pub.error_exit = jpeg_fail;
    jerr.pub.emit_message = jpeg_quiet;
    if (setjmp (jerr.jump))
      {
        jpeg_destroy_decompress (&cinfo);
        g_free (out);
        return NULL;
      }
    jpeg_create_decompress (&cinfo);
    jpeg_mem_src (&cinfo, p, len);
    jpeg_read_header (&cinfo, TRUE);
    cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress (&cinfo);
    out = g_malloc ((gsize)cinfo.output_width * cinfo.output_height * cinfo.output_components);
    while (cinfo.output_scanline < cinfo.output_height)
      {
        JSAMPROW row = out + (gsize)cinfo.output_scanline * cinfo.output_width * cinfo.output_components;
        jpeg_read_scanlines (&cinfo, &row, 1);
      }
    *out_components = cinfo.output_components;
    jpeg_finish_decompress (&cinfo);
    jpeg_destroy_decompress (&cinfo);
    return out;
  }
}

/* @img re-encoded as a JPEG of quality 80 at @scale of its size (box-filtered down). */
static gboolean
shrink (const Image *img, double scale, Image *out)
{
  int comps = 0;
  g_autofree guint8 *pixels = decode_pixels (img, &comps);
  guint w2 = MAX (1, (guint)floor (img->width * scale)), h2 = MAX (1, (guint)floor (img->height * scale));
  g_autofree guint8 *small = NULL;
  struct jpeg_compress_struct cinfo;
  struct jerr jerr;
  unsigned char *volatile mem = NULL;
  unsigned long mem_len = 0;

  if (pixels == NULL)
    return FALSE;
  small = g_malloc ((gsize)w2 * h2 * comps);
  for (guint y = 0; y < h2; y++)
    for (guint x = 0; x < w2; x++)
      {
        guint x0 = (guint)((gsize)x * img->width / w2),
              x1 = MAX (x0 + 1, (guint)((gsize)(x + 1) * img->width / w2));
        guint y0 = (guint)((gsize)y * img->height / h2),
              y1 = MAX (y0 + 1, (guint)((gsize)(y + 1) * img->height / h2));

        for (int c = 0; c < comps; c++)
          {
            guint64 sum = 0;

            for (guint yy = y0; yy < y1; yy++)
              for (guint xx = x0; xx < x1; xx++)
                sum += pixels[((gsize)yy * img->width + xx) * comps + c];
            small[((gsize)y * w2 + x) * comps + c] = (guint8)(sum / ((guint64)(x1 - x0) * (y1 - y0)));
          }
      }
  cinfo.err = jpeg_std_error (&jerr.pub);
  jerr.pub.error_exit = jpeg_fail;
  jerr.pub.emit_message = jpeg_quiet;
  if (setjmp (jerr.jump))
    {
      jpeg_destroy_compress (&cinfo);
      free (mem);
      return FALSE;
    }
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, (unsigned char **)&mem, &mem_len);
  cinfo.image_width = w2;
  cinfo.image_height = h2;
  cinfo.input_components = comps;
  cinfo.in_color_space = comps == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, 80, TRUE);
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < h2)
    {
      JSAMPROW row = small + (gsize)cinfo.next_scanline * w2 * comps;
      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  *out = *img;
  out->data = g_bytes_new (mem, mem_len);
  free (mem);
  out->dct = TRUE;
  out->adobe_cmyk = FALSE;
  out->components = comps;
  out->width = w2;
  out->height = h2;
  /* The same page size: the resolution shrinks with the pixels. */
  out->dpi_x = img->dpi_x * scale;
  out->dpi_y = img->dpi_y * scale;
  return TRUE;
}

/* --- The PDF ----------------------------------------------------------------------------- */

static void
obj_begin (GString *pdf, GArray *offsets)
{
  gsize off = pdf->len;

  g_array_append_val (offsets, off);
  g_string_append_printf (pdf, "%u 0 obj\n", offsets->len);
}

static GBytes *
build_pdf (Image *images, guint n, double default_dpi)
{
  GString *pdf = g_string_new ("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
  g_autoptr (GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr (GString) kids = g_string_new (NULL);
  gsize xref = 0;

  /* 1 catalog, 2 pages, then per image: page, contents, image. */
  for (guint i = 0; i < n; i++)
    g_string_append_printf (kids, "%s%u 0 R", i > 0 ? " " : "", 3 + 3 * i);
  obj_begin (pdf, offsets);
  g_string_append (pdf, "<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
  obj_begin (pdf, offsets);
  g_string_append_printf (pdf, "<< /Type /Pages /Kids [%s] /Count %u >>\nendobj\n", kids->str, n);
  for (guint i = 0; i < n; i++)
    {
      Image *img = &images[i];
      double dx = img->dpi_x > 1 ? img->dpi_x : default_dpi;
      double dy = img->dpi_y > 1 ? img->dpi_y : default_dpi;
      /* Drawn size in points, before the orientation turns it. */
      double w = img->width * 72.0 / dx, h = img->height * 72.0 / dy;
      gboolean turned = img->orientation >= 5;
      double pw = turned ? h : w, ph = turned ? w : h;
      double fit = 1.0;
      double a = 0, b = 0, c = 0, d = 0, e = 0, f = 0;
      g_autofree char *content = NULL;
      const char *cs = img->components == 1   ? "/DeviceGray"
                       : img->components == 3 ? "/DeviceRGB"
                                              : "/DeviceCMYK";
      gsize len = 0;
      const char *data = g_bytes_get_data (img->data, &len);

      /* No larger than A4, as the picture is oriented. */
      if (pw > ph)
        fit = MIN (1.0, MIN (A4_LONG / pw, A4_SHORT / ph));
      else
        fit = MIN (1.0, MIN (A4_SHORT / pw, A4_LONG / ph));
      w *= fit, h *= fit, pw *= fit, ph *= fit;
      /* The unit square to the page, per EXIF orientation (1 = as stored; 6 = turn 90° clockwise). */
      switch (img->orientation)
        {
          default:
          case 1:
            a = w, d = h;
            break;
          case 2:
            a = -w, d = h, e = w;
            break;
          case 3:
            a = -w, d = -h, e = w, f = h;
            break;
          case 4:
            a = w, d = -h, f = h;
            break;
          case 5:
            b = -w, c = -h, e = h, f = w;
            break;
          case 6:
            b = -w, c = h, f = w;
            break;
          case 7:
            b = w, c = h;
            break;
          case 8:
            b = w, c = -h, e = h;
            break;
        }
      content = g_strdup_printf ("q %.4f %.4f %.4f %.4f %.4f %.4f cm /Im0 Do Q\n", a, b, c, d, e, f);
      obj_begin (pdf, offsets);
      g_string_append_printf (
        pdf,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.4f %.4f] /Contents %u 0 R "
        "/Resources << /XObject << /Im0 %u 0 R >> /ProcSet [/PDF /ImageC /ImageB] >> >>\n"
        "endobj\n",
        pw, ph, 4 + 3 * i, 5 + 3 * i);
      obj_begin (pdf, offsets);
      g_string_append_printf (pdf, "<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n", strlen (content),
                              content);
      obj_begin (pdf, offsets);
      g_string_append_printf (pdf,
                              "<< /Type /XObject /Subtype /Image /Width %u /Height %u /ColorSpace %s "
                              "/BitsPerComponent 8 /Filter %s%s /Length %zu >>\nstream\n",
                              img->width, img->height, cs, img->dct ? "/DCTDecode" : "/FlateDecode",
                              img->adobe_cmyk ? " /Decode [1 0 1 0 1 0 1 0]" : "", len);
      g_string_append_len (pdf, data, (gssize)len);
      g_string_append (pdf, "\nendstream\nendobj\n");
    }
  xref = pdf->len;
  g_string_append_printf (pdf, "xref\n0 %u\n0000000000 65535 f \n", offsets->len + 1);
  for (guint i = 0; i < offsets->len; i++)
    g_string_append_printf (pdf, "%010zu 00000 n \n", g_array_index (offsets, gsize, i));
  g_string_append_printf (pdf, "trailer\n<< /Size %u /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                          offsets->len + 1, xref);
  return g_string_free_to_bytes (pdf);
}

const char *
kyso_image_sniff_type (const char *path)
{
  guint8 head[8] = { 0 };
  FILE *f = fopen (path, "rb");
  size_t n = 0;

  if (f == NULL)
    return NULL;
  n = fread (head, 1, sizeof head, f);
  fclose (f);
  if (n >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff)
    return "image/jpeg";
  if (n == 8 && memcmp (head, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "image/png";
  return NULL;
}

static gboolean
read_image (const char *path, Image *img, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, error);
  g_autofree char *data = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gsize len = 0;
  const char *type = NULL;

  if (info == NULL)
    return FALSE;
  if (g_file_info_get_size (info) > KYSO_IMAGE_MAX_FILE)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                   _ ("The image is larger than %d MB."), (int)(KYSO_IMAGE_MAX_FILE / (1024 * 1024)));
      return FALSE;
    }
  type = kyso_image_sniff_type (path);
  if (type == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                           _ ("Only JPEG and PNG images can be made into a PDF."));
      return FALSE;
    }
  if (!g_file_get_contents (path, &data, &len, error))
    return FALSE;
  bytes = g_bytes_new_take (g_steal_pointer (&data), len);
  if (strcmp (type, "image/jpeg") == 0)
    {
      if (!read_jpeg (img, bytes, error))
        return FALSE;
      if ((gint64)img->width * img->height > KYSO_IMAGE_MAX_PIXELS)
        {
          image_clear (img);
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                       _ ("The image has more than %d million pixels."),
                          (int)(KYSO_IMAGE_MAX_PIXELS / 1000000));
          return FALSE;
        }
      return TRUE;
    }
  return read_png (img, bytes, error);
}

gboolean
kyso_pdf_from_images (const char *const *image_paths, const char *output_path,
                      const KysoPdfFromImageOptions *options, gint64 *out_size, GCancellable *cancellable,
                      GError **error)
{
  static const double scales[] = { 1.0, 0.75, 0.5, 1.0 / 3, 0.25 };
  guint n = image_paths != NULL ? g_strv_length ((char **)image_paths) : 0;
  g_autofree Image *images = NULL;
  g_autoptr (GBytes) pdf = NULL;
  g_autoptr (KysoAtomicFile) out = NULL;
  gint64 max_bytes = options != NULL ? options->max_bytes : 0;
  double dpi = options != NULL && options->default_dpi > 0 ? options->default_dpi : 150;
  gboolean ok = FALSE;

  g_return_val_if_fail (output_path != NULL, FALSE);
  if (n == 0)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _ ("There is no image to make a PDF of."));
      return FALSE;
    }
  images = g_new0 (Image, n);
  for (guint i = 0; i < n; i++)
    if (g_cancellable_set_error_if_cancelled (cancellable, error)
        || !read_image (image_paths[i], &images[i], error))
      goto done;

  pdf = build_pdf (images, n, dpi);
  for (guint s = 1; max_bytes > 0 && (gint64)g_bytes_get_size (pdf) > max_bytes && s < G_N_ELEMENTS (scales);
       s++)
    {
      g_autofree Image *smaller = g_new0 (Image, n);
      gboolean all = TRUE;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto done;
      for (guint i = 0; i < n && all; i++)
        {
          Image src = images[i];

          /* The page size stays: an image with no resolution keeps the default one's size. */
          if (src.dpi_x <= 1 || src.dpi_y <= 1)
            src.dpi_x = src.dpi_y = dpi;
          all = shrink (&src, scales[s], &smaller[i]);
        }
      if (all)
        {
          g_bytes_unref (pdf);
          pdf = build_pdf (smaller, n, dpi);
        }
      for (guint i = 0; i < n; i++)
        image_clear (&smaller[i]);
      if (!all)
        {
          g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                               _ ("An image could not be decoded."));
          goto done;
        }
    }
  if (out_size != NULL)
    *out_size = (gint64)g_bytes_get_size (pdf);
  if (max_bytes > 0 && (gint64)g_bytes_get_size (pdf) > max_bytes)
    {
      g_autofree char *got = g_format_size ((guint64)g_bytes_get_size (pdf));
      g_autofree char *limit = g_format_size ((guint64)max_bytes);

      g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                   _ ("Even at a quarter of their size the images make a PDF of %s, over the %s allowed."),
                      got, limit);
      goto done;
    }
  out = kyso_atomic_file_new (output_path, error);
  if (out == NULL
      || !kyso_write_all (kyso_atomic_file_get_fd (out), g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf),
                          error)
      || !kyso_atomic_file_commit (out, error))
    goto done;
  ok = TRUE;

done:
  for (guint i = 0; i < n; i++)
    image_clear (&images[i]);
  return ok;
}
