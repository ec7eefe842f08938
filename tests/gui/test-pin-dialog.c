/* The PIN dialog in a real window under Xvfb, answering a KysoTokenSigner that signs on SoftHSM2
 * tokens (make-test-tokens.sh): a wrong PIN, then the right one; giving up; a PIN pad. Each
 * dialog is rendered to a PNG in the build folder (tests/gui/). */
#include "config.h"

#include <adwaita.h>
#include <locale.h>
#include <string.h>

#include "kyso-error.h"
#include "kyso-pin-dialog.h"
#include "kyso-test-tokens.h"
#include "kyso-ui-resources.h"
#include "kyso-token-signer.h"

static GtkWindow *window;

typedef struct
{
  KysoPinDialog *dialog; /* the one showing, weak */
  guint shown;
} Shown;

static gboolean
timed_out (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
settle (void)
{
  gboolean done = FALSE;

  g_timeout_add (300, timed_out, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

typedef gboolean (*Condition) (gpointer data);

static void
wait_until (Condition condition, gpointer data, const char *what)
{
  gboolean expired = FALSE;
  guint timeout = g_timeout_add_seconds (20, timed_out, &expired);

  while (!condition (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (expired)
    g_error ("Timed out waiting for %s", what);
  g_source_remove (timeout);
}

static gboolean
dialog_count_is (gpointer data)
{
  Shown *s = data;
  return s->shown >= 1 && s->dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (s->dialog));
}

static gboolean
have_result (gpointer slot)
{
  return *(GAsyncResult **)slot != NULL;
}

static void
show_dialog (KysoTokenPinRequest *request, gpointer user_data)
{
  Shown *s = user_data;
  KysoPinDialog *dialog = kyso_pin_dialog_new (window, request);

  if (s->dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (s->dialog), (gpointer *)&s->dialog);
  s->dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&s->dialog);
  s->shown++;
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
render_to_png (GtkWidget *widget, const char *name)
{
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  const char *suffix = g_getenv ("KYSO_TEST_SCREENSHOT_SUFFIX");
  g_autofree char *file = g_strdup_printf ("%s%s.png", name, suffix != NULL ? suffix : "");
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = g_path_get_dirname (self_exe);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  GtkSnapshot *snapshot;
  int width, height;

  settle ();
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("rendered %s (%d × %d)", path, width, height);
}

static GPtrArray *
digests (guint n)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

  for (guint i = 0; i < n; i++)
    {
      guint8 d[32];
      memset (d, (int)(i + 1), sizeof d);
      g_ptr_array_add (out, g_bytes_new (d, sizeof d));
    }
  return out;
}

static void
on_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static char *
credential_of (KysoTokenSigner *signer, const char *holder)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) certs = NULL;

  kyso_token_signer_list_certificates_async (signer, NULL, on_result, &r);
  wait_until (have_result, &r, "the certificates");
  certs = kyso_token_signer_list_certificates_finish (signer, r, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < certs->len; i++)
    {
      KysoTokenCertificate *c = g_ptr_array_index (certs, i);
      if (g_strcmp0 (c->holder, holder) == 0)
        return g_strdup (c->credential->id);
    }
  g_error ("no certificate of %s", holder);
}

/* Types @pin and presses Enter, as a person would. */
static void
type_and_enter (Shown *s, const char *pin)
{
  g_autoptr (GtkWidget) entry = g_object_ref (kyso_pin_dialog_get_entry (s->dialog));

  gtk_editable_set_text (GTK_EDITABLE (entry), pin);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (s->dialog), "sign"));
  g_signal_emit_by_name (entry, "activate");
  while (gtk_widget_get_mapped (entry))
    g_main_context_iteration (NULL, TRUE);
  /* Emptied as soon as it was handed over. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
}

static void
test_wrong_then_right (void)
{
  g_autoptr (KysoTokenSigner) signer = kyso_test_tokens_track (kyso_token_signer_new (NULL, TRUE));
  g_autofree char *id = credential_of (signer, "Nguyễn Văn An");
  g_autoptr (GPtrArray) d = digests (3);
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GPtrArray) sigs = NULL;
  g_autoptr (GError) error = NULL;
  KysoSignRequest request = { .credential_id = id, .description = "test" };
  Shown s = { 0 };

  kyso_token_signer_set_pin_func (signer, show_dialog, &s, NULL);
  kyso_signer_sign_digests_async (KYSO_SIGNER (signer), d, &request, NULL, NULL, NULL, on_result, &r);
  wait_until (dialog_count_is, &s, "the PIN dialog");
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (s.dialog)), ==,
                   "PIN of the token “" KYSO_TEST_TOKEN_A "”");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (s.dialog)), "Nguyễn Văn An"));
  /* Nothing typed: Sign waits. */
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (s.dialog), "sign"));
  gtk_editable_set_text (GTK_EDITABLE (kyso_pin_dialog_get_entry (s.dialog)), "000000");
  render_to_png (GTK_WIDGET (s.dialog), "pin-dialog");
  type_and_enter (&s, "000000");

  /* Asked again, saying the PIN was wrong. */
  while (s.shown < 2)
    g_main_context_iteration (NULL, TRUE);
  wait_until (dialog_count_is, &s, "the second PIN dialog");
  g_assert_true (kyso_token_pin_request_get_flags (kyso_pin_dialog_get_request (s.dialog))
                 & KYSO_TOKEN_PIN_RETRY);
  g_assert_nonnull (
    strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (s.dialog)), "The PIN is wrong."));
  render_to_png (GTK_WIDGET (s.dialog), "pin-dialog-wrong");
  type_and_enter (&s, KYSO_TEST_TOKEN_PIN_A);

  wait_until (have_result, &r, "the signatures");
  sigs = kyso_signer_sign_digests_finish (KYSO_SIGNER (signer), r, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sigs->len, ==, 3);
  g_assert_cmpuint (s.shown, ==, 2);
  settle ();
  g_assert_null (s.dialog);
}

static void
test_cancel (void)
{
  g_autoptr (KysoTokenSigner) signer = kyso_test_tokens_track (kyso_token_signer_new (NULL, TRUE));
  g_autofree char *id = credential_of (signer, "Trần Thị Bình");
  g_autoptr (GPtrArray) d = digests (1);
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GPtrArray) sigs = NULL;
  g_autoptr (GError) error = NULL;
  KysoSignRequest request = { .credential_id = id, .description = "test" };
  Shown s = { 0 };

  kyso_token_signer_set_pin_func (signer, show_dialog, &s, NULL);
  kyso_signer_sign_digests_async (KYSO_SIGNER (signer), d, &request, NULL, NULL, NULL, on_result, &r);
  wait_until (dialog_count_is, &s, "the PIN dialog");
  /* Closed with Escape / the window's close button: the close response, "cancel". */
  gtk_window_close (GTK_WINDOW (s.dialog));
  wait_until (have_result, &r, "the end of signing");
  sigs = kyso_signer_sign_digests_finish (KYSO_SIGNER (signer), r, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (sigs);
}

static void
test_pin_pad (void)
{
  const char *paths[] = { kyso_test_tokens_reader_path (), NULL };
  g_autoptr (KysoTokenSigner) signer = kyso_test_tokens_track (kyso_token_signer_new (paths, FALSE));
  g_autofree char *id = NULL;
  g_autoptr (GPtrArray) d = digests (2);
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GPtrArray) sigs = NULL;
  g_autoptr (GError) error = NULL;
  KysoSignRequest request = { .credential_id = NULL, .description = "test" };
  Shown s = { 0 };

  kyso_test_tokens_reader_reset ();
  kyso_test_tokens_reader_state (KYSO_TEST_TOKEN_B, "pinpad", KYSO_TEST_TOKEN_PIN_B);
  id = credential_of (signer, "Trần Thị Bình");
  request.credential_id = id;
  kyso_token_signer_set_pin_func (signer, show_dialog, &s, NULL);
  kyso_signer_sign_digests_async (KYSO_SIGNER (signer), d, &request, NULL, NULL, NULL, on_result, &r);
  wait_until (have_result, &r, "the signatures");
  sigs = kyso_signer_sign_digests_finish (KYSO_SIGNER (signer), r, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s.shown, ==, 1);
  g_assert_nonnull (s.dialog);
  g_assert_null (kyso_pin_dialog_get_entry (s.dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (s.dialog)), "keypad"));
  render_to_png (GTK_WIDGET (s.dialog), "pin-dialog-pad");
  /* Whoever showed it closes it once signing went on. */
  gtk_window_destroy (GTK_WINDOW (s.dialog));
  g_assert_null (s.dialog);
  kyso_test_tokens_reader_reset ();
}

int
main (int argc, char **argv)
{
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  kyso_test_tokens_make ();
  adw_init ();
  kyso_ui_register_resource ();
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 640, 480);
  gtk_window_present (window);

  g_test_add_func ("/gui/pin-dialog/wrong-then-right", test_wrong_then_right);
  g_test_add_func ("/gui/pin-dialog/cancel", test_cancel);
  g_test_add_func ("/gui/pin-dialog/pin-pad", test_pin_pad);
  status = g_test_run ();
  gtk_window_destroy (window);
  kyso_test_tokens_wait_signers ();
  return status;
}
