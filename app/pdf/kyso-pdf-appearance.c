#include "config.h"

#include "kyso-pdf-appearance.h"
#include "kyso-pdf-filter.h"
#include "kyso-error.h"

#include <cairo.h>
#include <cairo-ft.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* Outlines come from DejaVu Sans (fonts-dejavu-core): it has every precomposed Vietnamese letter,
 * so NFC text needs no shaping and cairo's simple text API gives exact glyphs. */
#define FONT_FAMILY "DejaVu Sans"
/* Glyph paths are taken at 1000 units per em and written as integers: exact to 1/1000 em and
 * about half the bytes of decimals. */
#define EM 1000.0
/* Larger images are scaled down: 600 px is over 200 dpi at the usual box width. */
#define MAX_IMAGE_SIDE 600
#define MAX_FONT_SIZE 14.0
/* Where distributions keep DejaVu Sans. Opening the file directly spares fontconfig's start-up
 * (tens of milliseconds per signature); fontconfig is the fallback. */
static const char *const font_paths[] = {
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",   /* Debian, Ubuntu */
  "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf", /* Fedora */
  "/usr/share/fonts/dejavu/DejaVuSans.ttf",            /* Fedora (older), Flatpak runtimes */
  "/usr/share/fonts/TTF/DejaVuSans.ttf",               /* Arch */
};
#define LINE_SPACING 1.25

struct _KysoPdfAppearance
{
  double width;
  double height;
  GBytes *content;
  guint image_width;
  guint image_height;
  GBytes *rgb;
  GBytes *alpha;
};

void
kyso_pdf_appearance_free (KysoPdfAppearance *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->content, g_bytes_unref);
  g_clear_pointer (&self->rgb, g_bytes_unref);
  g_clear_pointer (&self->alpha, g_bytes_unref);
  g_free (self);
}

double
kyso_pdf_appearance_get_width (KysoPdfAppearance *self)
{
  return self->width;
}

double
kyso_pdf_appearance_get_height (KysoPdfAppearance *self)
{
  return self->height;
}

GBytes *
kyso_pdf_appearance_get_content (KysoPdfAppearance *self)
{
  return self->content;
}

gboolean
kyso_pdf_appearance_get_image (KysoPdfAppearance *self, guint *width, guint *height, GBytes **rgb_flate,
                               GBytes **alpha_flate)
{
  if (self->rgb == NULL)
    return FALSE;
  *width = self->image_width;
  *height = self->image_height;
  *rgb_flate = g_bytes_ref (self->rgb);
  *alpha_flate = self->alpha != NULL ? g_bytes_ref (self->alpha) : NULL;
  return TRUE;
}

typedef struct
{
  const guint8 *data;
  gsize len;
  gsize pos;
} PngReader;

static cairo_status_t
read_png (void *closure, unsigned char *out, unsigned int length)
{
  PngReader *r = closure;

  if (r->len - r->pos < length)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (out, r->data + r->pos, length);
  r->pos += length;
  return CAIRO_STATUS_SUCCESS;
}

/* Decodes the PNG with cairo, scales it down if large, and splits it into RGB and alpha planes. */
static gboolean
load_image (KysoPdfAppearance *self, GBytes *png, GError **error)
{
  PngReader r = { 0 };
  cairo_surface_t *src, *img;
  g_autofree guint8 *rgb = NULL;
  g_autofree guint8 *alpha = NULL;
  gboolean opaque = TRUE;
  int w, h, stride;
  double scale;

  r.data = g_bytes_get_data (png, &r.len);
  src = cairo_image_surface_create_from_png_stream (read_png, &r);
  if (cairo_surface_status (src) != CAIRO_STATUS_SUCCESS || cairo_image_surface_get_width (src) <= 0
      || cairo_image_surface_get_height (src) <= 0)
    {
      cairo_surface_destroy (src);
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("The signature image is not a PNG picture Kyso can read. Choose another image."));
      return FALSE;
    }
  w = cairo_image_surface_get_width (src);
  h = cairo_image_surface_get_height (src);
  scale = MIN (1.0, (double)MAX_IMAGE_SIDE / MAX (w, h));
  w = MAX (1, (int)lround (w * scale));
  h = MAX (1, (int)lround (h * scale));
  img = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  {
    cairo_t *cr = cairo_create (img);
    cairo_scale (cr, scale, scale);
    cairo_set_source_surface (cr, src, 0, 0);
    cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
    cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
    cairo_paint (cr);
    cairo_destroy (cr);
  }
  cairo_surface_destroy (src);
  cairo_surface_flush (img);
  stride = cairo_image_surface_get_stride (img);
  rgb = g_malloc ((gsize)w * h * 3);
  alpha = g_malloc ((gsize)w * h);
  for (int y = 0; y < h; y++)
    {
      const guint32 *row = (const guint32 *)(cairo_image_surface_get_data (img) + (gsize)y * stride);
      for (int x = 0; x < w; x++)
        {
          guint32 p = row[x];
          guint a = p >> 24;
          guint8 *o = rgb + ((gsize)y * w + x) * 3;
          /* cairo keeps premultiplied alpha; PDF wants straight colour with a separate mask. */
          for (int c = 0; c < 3; c++)
            {
              guint v = (p >> (16 - 8 * c)) & 0xff;
              o[c] = (guint8)(a == 0 ? 255 : MIN (255u, (v * 255 + a / 2) / a));
            }
          alpha[(gsize)y * w + x] = (guint8)a;
          opaque = opaque && a == 255;
        }
    }
  cairo_surface_destroy (img);
  self->image_width = (guint)w;
  self->image_height = (guint)h;
  self->rgb = kyso_pdf_flate_encode (rgb, (gsize)w * h * 3);
  if (!opaque)
    self->alpha = kyso_pdf_flate_encode (alpha, (gsize)w * h);
  return TRUE;
}

static void
put_num_prec (GString *out, double v, const char *format)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  gsize n;

  g_ascii_formatd (buf, sizeof buf, format, v);
  n = strlen (buf);
  while (n > 0 && buf[n - 1] == '0')
    buf[--n] = 0;
  if (n > 0 && buf[n - 1] == '.')
    buf[--n] = 0;
  if (strcmp (buf, "-0") == 0)
    strcpy (buf, "0");
  g_string_append (out, buf);
  g_string_append_c (out, ' ');
}

/* Coordinates to 1/1000 pt are plenty; a text scale (em → pt, ~0.01) needs more digits, or
 * rounding it up would widen a line past the box. */
static void
put_num (GString *out, double v)
{
  put_num_prec (out, v, "%.3f");
}

static void
put_scale (GString *out, double v)
{
  put_num_prec (out, v, "%.6f");
}

/* Emits the outline of @text (one line) as path operators in em units, baseline at the origin,
 * y pointing up. */
static void
emit_text_path (cairo_t *cr, const char *text, GString *out)
{
  cairo_path_t *path;

  cairo_new_path (cr);
  cairo_move_to (cr, 0, 0);
  cairo_text_path (cr, text);
  path = cairo_copy_path (cr);
  for (int i = 0; i < path->num_data; i += path->data[i].header.length)
    {
      cairo_path_data_t *d = &path->data[i];
      switch (d->header.type)
        {
          case CAIRO_PATH_MOVE_TO:
            g_string_append_printf (out, "%ld %ld m\n", lround (d[1].point.x), lround (-d[1].point.y));
            break;
          case CAIRO_PATH_LINE_TO:
            g_string_append_printf (out, "%ld %ld l\n", lround (d[1].point.x), lround (-d[1].point.y));
            break;
          case CAIRO_PATH_CURVE_TO:
            g_string_append_printf (out, "%ld %ld %ld %ld %ld %ld c\n", lround (d[1].point.x),
                                    lround (-d[1].point.y), lround (d[2].point.x), lround (-d[2].point.y),
                                    lround (d[3].point.x), lround (-d[3].point.y));
            break;
          case CAIRO_PATH_CLOSE_PATH:
            g_string_append (out, "h\n");
            break;
          default:
            break;
        }
    }
  cairo_path_destroy (path);
  g_string_append (out, "f\n");
}

static GPtrArray *
make_lines (const KysoPdfAppearanceInfo *info)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *date = g_date_time_format (info->time, "%d/%m/%Y %H:%M");

  /* The labels are Vietnamese on purpose: they are part of the signed document that provincial
   * officers read, whatever language the signer's desktop uses. */
  g_ptr_array_add (lines, g_strdup_printf ("Ký bởi: %s", info->signer_name));
  g_ptr_array_add (lines, g_strdup_printf ("Ngày ký: %s", date));
  if (info->ca_name != NULL && *info->ca_name)
    g_ptr_array_add (lines, g_strdup_printf ("Tổ chức chứng thực: %s", info->ca_name));
  if (info->reason != NULL && *info->reason)
    g_ptr_array_add (lines, g_strdup_printf ("Lý do: %s", info->reason));
  for (guint i = 0; i < lines->len; i++)
    {
      /* Precomposed letters have glyphs of their own in DejaVu; combining marks would need shaping. */
      char *nfc = g_utf8_normalize (g_ptr_array_index (lines, i), -1, G_NORMALIZE_NFC);
      if (nfc != NULL)
        {
          g_free (g_ptr_array_index (lines, i));
          g_ptr_array_index (lines, i) = nfc;
        }
    }
  return lines;
}

typedef struct
{
  FT_Library library;
  FT_Face face;
} FtFont;

static void
ft_font_free (void *data)
{
  FtFont *f = data;

  FT_Done_Face (f->face);
  FT_Done_FreeType (f->library);
  g_free (f);
}

static const cairo_user_data_key_t ft_key;

/* DejaVu Sans straight from its file, or NULL. The FreeType objects live as long as the face. */
static cairo_font_face_t *
load_font (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (font_paths); i++)
    {
      FtFont *f = g_new0 (FtFont, 1);
      cairo_font_face_t *face;

      if (FT_Init_FreeType (&f->library) != 0)
        {
          g_free (f);
          return NULL;
        }
      if (FT_New_Face (f->library, font_paths[i], 0, &f->face) != 0)
        {
          FT_Done_FreeType (f->library);
          g_free (f);
          continue;
        }
      face = cairo_ft_font_face_create_for_ft_face (f->face, 0);
      if (cairo_font_face_set_user_data (face, &ft_key, f, ft_font_free) != CAIRO_STATUS_SUCCESS)
        {
          cairo_font_face_destroy (face);
          ft_font_free (f);
          return NULL;
        }
      return face;
    }
  return NULL;
}

static void
draw_text (GString *out, GPtrArray *lines, double x0, double y0, double w, double h)
{
  cairo_font_face_t *face = load_font ();
  /* Unbounded: cairo drops glyphs that fall outside a bounded surface, even for paths. */
  cairo_surface_t *surface = cairo_recording_surface_create (CAIRO_CONTENT_ALPHA, NULL);
  cairo_t *cr = cairo_create (surface);
  double widest = 0, size, block_h, y;

  if (face != NULL)
    {
      cairo_set_font_face (cr, face);
      cairo_font_face_destroy (face);
    }
  else
    cairo_select_font_face (cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, EM);
  for (guint i = 0; i < lines->len; i++)
    {
      cairo_text_extents_t ext;
      cairo_text_extents (cr, g_ptr_array_index (lines, i), &ext);
      /* The ink can reach past the advance (a final "y" or "ự"), so take whichever is wider. */
      widest = MAX (widest, MAX (ext.x_advance, ext.x_bearing + ext.width));
    }
  /* The largest size at which every line fits the width and all lines fit the height. */
  size = MIN (MAX_FONT_SIZE, h / (lines->len * LINE_SPACING));
  if (widest > 0)
    size = MIN (size, w / (widest / EM));
  block_h = size * LINE_SPACING * lines->len;
  y = y0 + (h + block_h) / 2 - size; /* baseline of the first line: the block is centred */
  g_string_append (out, "0.08 0.16 0.45 rg\n");
  for (guint i = 0; i < lines->len; i++)
    {
      g_string_append (out, "q ");
      put_scale (out, size / EM);
      g_string_append (out, "0 0 ");
      put_scale (out, size / EM);
      put_num (out, x0);
      put_num (out, y + size * 0.2);
      g_string_append (out, "cm\n");
      emit_text_path (cr, g_ptr_array_index (lines, i), out);
      g_string_append (out, "Q\n");
      y -= size * LINE_SPACING;
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

KysoPdfAppearance *
kyso_pdf_appearance_new (const KysoPdfAppearanceInfo *info, double width, double height, GError **error)
{
  g_autoptr(KysoPdfAppearance) self = g_new0 (KysoPdfAppearance, 1);
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GString) out = g_string_new ("q\n");
  double pad, tx, ty, tw, th;

  g_return_val_if_fail (info != NULL && info->signer_name != NULL && info->time != NULL, NULL);
  if (!isfinite (width) || !isfinite (height) || width < 4 || height < 4 || width > 14400 || height > 14400)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("The signature box is too small to show anything."));
      return NULL;
    }
  self->width = width;
  self->height = height;
  if (info->image_png != NULL && !load_image (self, info->image_png, error))
    return NULL;
  pad = MIN (width, height) * 0.04;
  tx = pad;
  ty = pad;
  tw = width - 2 * pad;
  th = height - 2 * pad;
  if (self->rgb != NULL)
    {
      double aspect = (double)self->image_width / self->image_height;
      double iw, ih, ix, iy;
      if (width >= 1.6 * height)
        {
          /* A wide box: the image on the left, at most 40 % of the width. */
          ih = th;
          iw = MIN (ih * aspect, tw * 0.4);
          ih = iw / aspect;
          ix = pad;
          iy = pad + (th - ih) / 2;
          tx = ix + iw + pad;
          tw = width - tx - pad;
        }
      else
        {
          /* A tall or square box: the image on top, at most 45 % of the height. */
          iw = tw;
          ih = MIN (iw / aspect, th * 0.45);
          iw = ih * aspect;
          ix = pad + (tw - iw) / 2;
          iy = height - pad - ih;
          th = iy - pad - pad;
        }
      g_string_append (out, "q ");
      put_num (out, iw);
      g_string_append (out, "0 0 ");
      put_num (out, ih);
      put_num (out, ix);
      put_num (out, iy);
      g_string_append (out, "cm /Im0 Do Q\n");
    }
  lines = make_lines (info);
  if (tw > 0 && th > 0)
    draw_text (out, lines, tx, ty, tw, th);
  g_string_append (out, "Q\n");
  self->content = g_string_free_to_bytes (g_steal_pointer (&out));
  return g_steal_pointer (&self);
}
