/* test-signature-pad.c: drawing a signature instead of choosing a picture. The canvas refuses
 * nothing or a tap, turns strokes into a PNG the profile accepts (ink on transparency, cropped),
 * clears; the pad hands its drawing to the profile dialog, which shows it as the image. Pictures
 * of the pad (Vietnamese, 1.5× text, 1366×768 and 1024×600 screens) under
 * <builddir>/tests/screenshots/signature-pad-*.png. */
#include "config.h"

#include "kyso-application.h"
#include "kyso-error.h"
#include "kyso-profile-dialog-private.h"
#include "kyso-profile.h"
#include "kyso-signature-pad.h"
#include "test-document-util.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <math.h>
#include <string.h>

static KysoApplication *app;

/* A hand-written-looking name: a wave, a loop, and an underline. */
static void
sign (KysoSignatureCanvas *canvas)
{
  double wave[2 * 60], underline[2 * 2] = { 90, 175, 470, 170 };

  for (guint i = 0; i < 60; i++)
    {
      wave[2 * i] = 80 + i * 6.5;
      wave[2 * i + 1] = 110 + 35 * sin (i / 4.0) - (i > 40 ? (i - 40) * 1.5 : 0);
    }
  kyso_signature_canvas_add_stroke (canvas, wave, 60, 0.7);
  kyso_signature_canvas_add_stroke (canvas, underline, 2, 1.0);
}

typedef struct
{
  GByteArray *data;
  gsize offset;
} Reader;

static cairo_status_t
read_cb (void *closure, unsigned char *data, unsigned int length)
{
  Reader *r = closure;

  if (r->offset + length > r->data->len)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (data, r->data->data + r->offset, length);
  r->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

static void
test_canvas (void)
{
  KysoSignatureCanvas *canvas = KYSO_SIGNATURE_CANVAS (kyso_signature_canvas_new ());
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) png = NULL;
  double tap[2] = { 50, 50 };
  guint width, height;
  cairo_surface_t *image;
  Reader reader = { NULL, 0 };
  const guint8 *pixels;
  int stride, inked = 0;

  g_object_ref_sink (canvas);
  g_assert_true (kyso_signature_canvas_is_empty (canvas));
  g_assert_null (kyso_signature_canvas_to_png (canvas, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* A tap is not a signature. */
  kyso_signature_canvas_add_stroke (canvas, tap, 1, 1.0);
  g_assert_false (kyso_signature_canvas_is_empty (canvas));
  g_assert_null (kyso_signature_canvas_to_png (canvas, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  kyso_signature_canvas_clear (canvas);
  g_assert_true (kyso_signature_canvas_is_empty (canvas));

  sign (canvas);
  g_assert_cmpuint (kyso_signature_canvas_get_n_strokes (canvas), ==, 2);
  png = kyso_signature_canvas_to_png (canvas, &error);
  g_assert_no_error (error);
  /* What a profile takes, cropped to the drawing at twice its size. */
  g_assert_true (kyso_profile_check_image (png, &width, &height, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (width, >, 700);
  g_assert_cmpuint (width, <, 900);
  g_assert_cmpuint (height, >, 150);
  g_assert_cmpuint (height, <, 300);

  /* Ink on transparency: the corners are clear, some pixels are dark blue. */
  reader.data = g_bytes_unref_to_array (g_bytes_ref (png));
  image = cairo_image_surface_create_from_png_stream (read_cb, &reader);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  pixels = cairo_image_surface_get_data (image);
  stride = cairo_image_surface_get_stride (image);
  g_assert_cmpuint (pixels[3], ==, 0);
  g_assert_cmpuint (pixels[(height - 1) * stride + (width - 1) * 4 + 3], ==, 0);
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        const guint8 *p = pixels + y * stride + x * 4; /* premultiplied BGRA */
        if (p[3] == 255 && p[0] > p[2] + 40)
          inked++;
      }
  g_assert_cmpint (inked, >, 1000);
  cairo_surface_destroy (image);
  g_byte_array_unref (reader.data);
  g_object_unref (canvas);
}

static gboolean
dialog_has_image (gpointer dialog)
{
  return kyso_profile_dialog_get_image (dialog) != NULL;
}

static void
test_pad_in_profile_dialog (void)
{
  KysoProfileDialog *dialog = kyso_profile_dialog_new (NULL, kyso_application_get_profile_store (app), NULL);
  KysoSignaturePad *pad;
  GtkSettings *settings = gtk_settings_get_default ();
  int dpi;

  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_null (kyso_profile_dialog_get_image (dialog));
  pad = kyso_profile_dialog_draw_signature (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (pad)) == GTK_WINDOW (dialog));

  /* Nothing drawn: nothing to use. */
  gtk_widget_activate_action (GTK_WIDGET (pad), "pad.use", NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (pad)));
  g_assert_null (kyso_profile_dialog_get_image (dialog));

  sign (kyso_signature_pad_get_canvas (pad));
  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  g_object_set (settings, "gtk-xft-dpi", 96 * 1024 * 3 / 2, NULL);
  for (guint i = 0; i < 2; i++)
    {
      const int sizes[2][2] = { { 1366, 768 }, { 1024, 600 } };
      g_autofree char *name = g_strdup_printf ("signature-pad-%dx%d", sizes[i][0], sizes[i][1]);
      g_autofree char *png = NULL;

      /* The pad at what such a screen gives it (no window manager: show it again). */
      gtk_widget_set_visible (GTK_WIDGET (pad), FALSE);
      gtk_window_set_default_size (GTK_WINDOW (pad), MIN (760, sizes[i][0]), MIN (460, sizes[i][1] - 40));
      gtk_window_present (GTK_WINDOW (pad));
      kyso_test_wait_frame (GTK_WIDGET (pad));
      kyso_test_wait_ms (300);
      png = kyso_test_save_png (GTK_WIDGET (pad), name);
      g_test_message ("saved %s", png);
      g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (pad)), <=, sizes[i][1]);
    }
  g_object_set (settings, "gtk-xft-dpi", dpi, NULL);

  /* Used: the pad closes and the dialog shows the drawing as the signature image. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pad), "pad.use", NULL));
  kyso_test_wait_until (dialog_has_image, dialog, 5000);
  g_assert_true (kyso_profile_check_image (kyso_profile_dialog_get_image (dialog), NULL, NULL, NULL));
  g_assert_null (kyso_profile_dialog_get_error (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("KYSO_LOCALEDIR") ? g_getenv ("KYSO_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_test_init (&argc, &argv, NULL);

  app = kyso_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/signature-pad/canvas", test_canvas);
  g_test_add_func ("/signature-pad/in-profile-dialog", test_pad_in_profile_dialog);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
