/* test-portal-samples: writes what a demo citizen needs into DIR — a signature image that looks
 * handwritten (chu-ky.png) and two dossier components with Vietnamese text and the location
 * keyword "Người làm đơn" (to-khai-khai-sinh.pdf, giay-chung-sinh.pdf). Used by
 * build-aux/demo.sh; made with cairo so no sample file is shipped.
 *
 *   test-portal-samples DIR */

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>

/* A few pen strokes in ink blue: a looping capital, a run of small loops, an underline. */
static gboolean
write_signature (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 420, 160);
  cairo_t *cr = cairo_create (surface);
  cairo_status_t status;

  cairo_set_source_rgba (cr, 0.05, 0.15, 0.55, 1.0);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, 4.5);
  cairo_move_to (cr, 40, 110);
  cairo_curve_to (cr, 60, 20, 95, 15, 90, 70);
  cairo_curve_to (cr, 85, 120, 55, 125, 70, 95);
  cairo_stroke (cr);
  cairo_set_line_width (cr, 3.5);
  cairo_move_to (cr, 90, 90);
  for (int i = 0; i < 9; i++)
    {
      double x = 100 + i * 28;
      cairo_curve_to (cr, x, 40 + 8 * sin (i), x + 18, 45, x + 14, 95);
      cairo_curve_to (cr, x + 12, 110, x + 22, 105, x + 28, 90);
    }
  cairo_stroke (cr);
  cairo_set_line_width (cr, 3.0);
  cairo_move_to (cr, 60, 130);
  cairo_curve_to (cr, 160, 118, 280, 140, 390, 122);
  cairo_stroke (cr);
  cairo_destroy (cr);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  return status == CAIRO_STATUS_SUCCESS;
}

static gboolean
write_pdf (const char *path, const char *title, const char *lines[])
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 595, 842);
  cairo_t *cr = cairo_create (surface);
  cairo_status_t status;
  double y = 210;

  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 13);
  cairo_move_to (cr, 150, 80);
  cairo_show_text (cr, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  cairo_move_to (cr, 205, 100);
  cairo_show_text (cr, "Độc lập - Tự do - Hạnh phúc");
  cairo_set_font_size (cr, 16);
  cairo_move_to (cr, 297 - 5.0 * g_utf8_strlen (title, -1), 150);
  cairo_show_text (cr, title);
  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 12);
  for (gsize i = 0; lines[i] != NULL; i++, y += 24)
    {
      cairo_move_to (cr, 72, y);
      cairo_show_text (cr, lines[i]);
    }
  cairo_move_to (cr, 360, 600);
  cairo_show_text (cr, "Quảng Ngãi, ngày ... tháng ... năm ...");
  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_move_to (cr, 400, 625);
  cairo_show_text (cr, "Người làm đơn");
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  return status == CAIRO_STATUS_SUCCESS;
}

int
main (int argc, char **argv)
{
  const char *declaration[] = { "Kính gửi: UBND phường Trần Phú, thành phố Quảng Ngãi",
                                "Họ, chữ đệm, tên người yêu cầu: Nguyễn Văn An",
                                "Nơi cư trú: 12 Hùng Vương, phường Trần Phú, thành phố Quảng Ngãi",
                                "Giấy tờ tùy thân: CCCD số 051090000101",
                                "Đề nghị đăng ký khai sinh cho người dưới đây:",
                                "Họ, chữ đệm, tên: Nguyễn Ngọc Khánh     Giới tính: Nữ",
                                "Ngày, tháng, năm sinh: 02/05/2025",
                                "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật.",
                                NULL };
  const char *birth[] = { "Bệnh viện Đa khoa tỉnh Quảng Ngãi",
                          "Họ và tên mẹ: Trần Thị Hoa     Năm sinh: 1992",
                          "Đã sinh con vào lúc 08 giờ 30 phút, ngày 02/05/2025",
                          "Giới tính của con: Nữ     Cân nặng: 3.100 gam",
                          "Dự định đặt tên con là: Nguyễn Ngọc Khánh",
                          NULL };
  g_autofree char *png = NULL, *pdf1 = NULL, *pdf2 = NULL;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s DIR\n", argv[0]);
      return 2;
    }
  if (g_mkdir_with_parents (argv[1], 0700) != 0)
    {
      fprintf (stderr, "%s: cannot create %s\n", argv[0], argv[1]);
      return 1;
    }
  png = g_build_filename (argv[1], "chu-ky.png", NULL);
  pdf1 = g_build_filename (argv[1], "to-khai-khai-sinh.pdf", NULL);
  pdf2 = g_build_filename (argv[1], "giay-chung-sinh.pdf", NULL);
  if (!write_signature (png) || !write_pdf (pdf1, "TỜ KHAI ĐĂNG KÝ KHAI SINH", declaration)
      || !write_pdf (pdf2, "GIẤY CHỨNG SINH", birth))
    {
      fprintf (stderr, "%s: cannot write the samples into %s\n", argv[0], argv[1]);
      return 1;
    }
  return 0;
}
