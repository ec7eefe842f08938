/* KysoSignSession: two phases, saved across a restart, async wrappers and every error path. */
#include "kyso-error.h"
#include "kyso-p12-signer.h"
#include "kyso-sign-session.h"
#include "kyso-test-pdf.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

typedef struct
{
  char *dir;
  char *in;
  char *out;
  KysoSigner *signer;
  GPtrArray *chain;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = kyso_test_tmpdir ();
  f->in = g_build_filename (f->dir, "in.pdf", NULL);
  f->out = g_build_filename (f->dir, "out.pdf", NULL);
  kyso_test_make_simple (f->in);
  f->signer = kyso_test_signer ();
  f->chain = g_ptr_array_ref (kyso_p12_signer_get_credential (KYSO_P12_SIGNER (f->signer))->chain);
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_ptr_array_unref (f->chain);
  g_object_unref (f->signer);
  g_free (f->dir);
  g_free (f->in);
  g_free (f->out);
}

static void
on_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* The raw signature over @digest from the test key, through the p12 signer. */
static GBytes *
sign_digest (Fixture *f, GBytes *digest)
{
  g_autoptr(GPtrArray) digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GPtrArray) sigs = NULL;
  g_autoptr(GError) error = NULL;
  KysoSignRequest request = { KYSO_P12_CREDENTIAL_ID, "test", NULL };

  g_ptr_array_add (digests, g_bytes_ref (digest));
  kyso_signer_sign_digests_async (f->signer, digests, &request, NULL, NULL, NULL, on_result, &r);
  sigs = kyso_signer_sign_digests_finish (f->signer, wait_result (&r), &error);
  g_assert_no_error (error);
  return g_bytes_ref (g_ptr_array_index (sigs, 0));
}

static void
test_save_load (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) state = NULL;
  g_autoptr(GBytes) digest = NULL;
  g_autoptr(GBytes) sig = NULL;
  g_autofree char *temp = NULL;
  g_autofree char *text = NULL;
  KysoSignSession *session = kyso_sign_session_new (f->in, f->out, NULL);
  gint64 br[4];

  g_assert_null (kyso_sign_session_save (session));
  digest = kyso_sign_session_prepare (session, f->chain, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (digest), ==, 32);
  g_assert_true (kyso_sign_session_get_byte_range (session, br));
  g_assert_cmpint (br[0], ==, 0);
  temp = g_strdup (kyso_sign_session_get_temp_path (session));
  state = g_variant_ref_sink (kyso_sign_session_save (session));
  /* What is saved holds no secret: no key, no password, just public data and paths. */
  text = g_variant_print (state, TRUE);
  g_assert_null (strstr (text, "test-pass"));
  /* The process "restarts": the session goes away, the prepared file stays. */
  g_assert_finalize_object (session);
  g_assert_true (g_file_test (temp, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (f->out, G_FILE_TEST_EXISTS));

  session = kyso_sign_session_load (state, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (kyso_sign_session_get_digest_to_sign (session), digest));
  g_assert_cmpstr (kyso_sign_session_get_field_name (session), ==, "Signature1");
  sig = sign_digest (f, digest);
  g_assert_true (kyso_sign_session_complete (session, sig, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (kyso_sign_session_is_completed (session));
  g_assert_null (kyso_sign_session_save (session));
  g_assert_finalize_object (session);
  g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));
  kyso_test_assert_pdfsig (f->out, 1);
  kyso_test_assert_cms (f->out);
}

static void
test_load_errors (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoSignSession) session = kyso_sign_session_new (f->in, f->out, NULL);
  g_autoptr(GBytes) digest = kyso_sign_session_prepare (session, f->chain, NULL, &error);
  g_autoptr(GVariant) state = g_variant_ref_sink (kyso_sign_session_save (session));
  g_autoptr(GVariant) bogus = g_variant_ref_sink (g_variant_new ("(s)", "nope"));
  g_autoptr(GVariant) empty = g_variant_ref_sink (g_variant_new ("a{sv}", NULL));
  /* A copy: abort frees the session's own string. */
  g_autofree char *temp = g_strdup (kyso_sign_session_get_temp_path (session));
  KysoSignSession *loaded;

  g_assert_no_error (error);
  g_assert_nonnull (digest);
  loaded = kyso_sign_session_load (bogus, &error);
  g_assert_null (loaded);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  loaded = kyso_sign_session_load (empty, &error);
  g_assert_null (loaded);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* The prepared file changed: refused, and left alone. */
  g_assert_cmpint (truncate (temp, 100), ==, 0);
  loaded = kyso_sign_session_load (state, &error);
  g_assert_null (loaded);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_assert_true (g_file_test (temp, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  /* … and gone. */
  kyso_sign_session_abort (session);
  g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));
  loaded = kyso_sign_session_load (state, &error);
  g_assert_null (loaded);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
}

static void
test_abort_and_cleanup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) digest = NULL;
  KysoSignSession *session = kyso_sign_session_new (f->in, f->out, NULL);
  const char *work = kyso_sign_session_get_default_work_dir ();
  g_autofree char *temp = NULL;

  /* complete() before prepare(): refused. */
  {
    g_autoptr(GBytes) junk = g_bytes_new_static ("x", 1);
    g_assert_false (kyso_sign_session_complete (session, junk, NULL, &error));
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
    g_clear_error (&error);
  }
  digest = kyso_sign_session_prepare (session, f->chain, NULL, &error);
  g_assert_no_error (error);
  /* The prepared copy is in the private folder, not next to the output. */
  g_assert_cmpuint (count_entries (f->dir), ==, 1);
  temp = g_path_get_dirname (kyso_sign_session_get_temp_path (session));
  g_assert_cmpstr (temp, ==, work);
  g_clear_pointer (&temp, g_free);
  temp = g_strdup (kyso_sign_session_get_temp_path (session));
  g_assert_true (g_file_test (temp, G_FILE_TEST_IS_REGULAR));
  kyso_sign_session_abort (session);
  g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (f->dir), ==, 1);
  g_assert_finalize_object (session);

  /* A session dropped without saving takes its temporary file with it. */
  session = kyso_sign_session_new (f->in, f->out, NULL);
  g_clear_pointer (&digest, g_bytes_unref);
  digest = kyso_sign_session_prepare (session, f->chain, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&temp, g_free);
  temp = g_strdup (kyso_sign_session_get_temp_path (session));
  g_assert_true (g_file_test (temp, G_FILE_TEST_IS_REGULAR));
  g_assert_finalize_object (session);
  g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (f->dir), ==, 1);
}

/* The unsigned copy is nobody else's business: 0600 in a 0700 folder, even one that was made
 * wider before; the signed file gets the input's permissions, never more. */
static void
test_private_copy_and_mode (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *work = g_build_filename (f->dir, "work", NULL);
  static const guint modes[] = { 0640, 0600, 0644, 0755 };

  g_assert_cmpint (g_mkdir (work, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      KysoSignSessionOptions o = { .work_dir = work };
      g_autoptr(KysoSignSession) session = NULL;
      g_autoptr(GBytes) digest = NULL;
      g_autoptr(GBytes) sig = NULL;
      struct stat st;

      g_assert_cmpint (g_chmod (f->in, modes[i]), ==, 0);
      session = kyso_sign_session_new (f->in, f->out, &o);
      digest = kyso_sign_session_prepare (session, f->chain, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_stat (work, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0700);
      g_assert_cmpint (g_stat (kyso_sign_session_get_temp_path (session), &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      sig = sign_digest (f, digest);
      g_assert_true (kyso_sign_session_complete (session, sig, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpint (g_stat (f->out, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, modes[i] & 0666);
      g_assert_cmpint (g_unlink (f->out), ==, 0);
    }
  g_assert_cmpint (g_chmod (f->in, 0644), ==, 0);
  g_assert_cmpint (g_rmdir (work), ==, 0);
}

/* Resuming re-reads the prepared copy: one byte changed, same size, is refused. */
static void
test_same_size_change (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoSignSession) session = kyso_sign_session_new (f->in, f->out, NULL);
  g_autoptr(GBytes) digest = kyso_sign_session_prepare (session, f->chain, NULL, &error);
  g_autoptr(GVariant) state = NULL;
  KysoSignSession *loaded;
  gint64 br[4];
  char c;
  int fd;

  g_assert_no_error (error);
  state = g_variant_ref_sink (kyso_sign_session_save (session));
  g_assert_true (kyso_sign_session_get_byte_range (session, br));
  fd = open (kyso_sign_session_get_temp_path (session), O_RDWR);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pread (fd, &c, 1, br[1] / 2), ==, 1);
  c ^= 0x20;
  g_assert_cmpint (pwrite (fd, &c, 1, br[1] / 2), ==, 1);
  close (fd);
  loaded = kyso_sign_session_load (state, &error);
  g_assert_null (loaded);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_assert_nonnull (strstr (error->message, "changed"));
  g_assert_false (g_file_test (f->out, G_FILE_TEST_EXISTS));
  kyso_sign_session_abort (session);
}

static void
test_bad_signature (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoSignSession) session = kyso_sign_session_new (f->in, f->out, NULL);
  g_autoptr(GBytes) digest = kyso_sign_session_prepare (session, f->chain, NULL, &error);
  g_autoptr(GBytes) sig = NULL;
  g_autofree guint8 *junk = g_malloc0 (256);
  g_autoptr(GBytes) bad = NULL;

  g_assert_no_error (error);
  junk[0] = 1;
  bad = g_bytes_new (junk, 256);
  g_assert_false (kyso_sign_session_complete (session, bad, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);
  g_assert_false (g_file_test (f->out, G_FILE_TEST_EXISTS));
  /* The right signature still completes the same prepared file. */
  sig = sign_digest (f, digest);
  g_assert_true (kyso_sign_session_complete (session, sig, NULL, &error));
  g_assert_no_error (error);
  kyso_test_assert_pdfsig (f->out, 1);
}

static void
test_async (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoSignSession) session = kyso_sign_session_new (f->in, f->out, NULL);
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GBytes) digest = NULL;
  g_autoptr(GBytes) sig = NULL;

  kyso_sign_session_prepare_async (session, f->chain, NULL, on_result, &r1);
  digest = kyso_sign_session_prepare_finish (session, wait_result (&r1), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (digest, kyso_sign_session_get_digest_to_sign (session)));
  sig = sign_digest (f, digest);
  kyso_sign_session_complete_async (session, sig, NULL, on_result, &r2);
  g_assert_true (kyso_sign_session_complete_finish (session, wait_result (&r2), &error));
  g_assert_no_error (error);
  kyso_test_assert_pdfsig (f->out, 1);
}

static void
test_async_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *enc = g_build_filename (f->dir, "enc.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(KysoSignSession) s1 = NULL;
  g_autoptr(KysoSignSession) s2 = kyso_sign_session_new (f->in, f->out, NULL);
  g_autoptr(GBytes) digest = NULL;
  g_autoptr(GBytes) bad = g_bytes_new_static ("not a signature", 15);

  g_assert_cmpint (
    kyso_test_run (NULL, NULL, "qpdf", "--encrypt", "user", "owner", "256", "--", f->in, enc, NULL), ==, 0);
  s1 = kyso_sign_session_new (enc, f->out, NULL);
  kyso_sign_session_prepare_async (s1, f->chain, NULL, on_result, &r1);
  digest = kyso_sign_session_prepare_finish (s1, wait_result (&r1), &error);
  g_assert_null (digest);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_ENCRYPTED);
  g_clear_error (&error);

  digest = kyso_sign_session_prepare (s2, f->chain, NULL, &error);
  g_assert_no_error (error);
  kyso_sign_session_complete_async (s2, bad, NULL, on_result, &r2);
  g_assert_false (kyso_sign_session_complete_finish (s2, wait_result (&r2), &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BAD_SIGNATURE);
  g_assert_false (g_file_test (f->out, G_FILE_TEST_EXISTS));
}

static void
progress_cb (const KysoSignProgress *progress, gpointer user_data)
{
  (*(guint *)user_data)++;
}

static void
test_with_signer (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoSignSession) ok = kyso_sign_session_new (f->in, f->out, NULL);
  g_autoptr(KysoSignSession) unknown = kyso_sign_session_new (f->in, f->out, NULL);
  g_autoptr(KysoSignSession) cancelled = kyso_sign_session_new (f->in, f->out, NULL);
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GAsyncResult) r3 = NULL;
  guint calls = 0;

  kyso_sign_session_sign_with_signer_async (unknown, f->signer, "no-such-credential", NULL, NULL, NULL,
                                            on_result, &r1);
  g_assert_false (kyso_sign_session_sign_with_signer_finish (unknown, wait_result (&r1), &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_cancellable_cancel (cancel);
  kyso_sign_session_sign_with_signer_async (cancelled, f->signer, NULL, NULL, NULL, cancel, on_result, &r2);
  g_assert_false (kyso_sign_session_sign_with_signer_finish (cancelled, wait_result (&r2), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (g_file_test (f->out, G_FILE_TEST_EXISTS));

  kyso_sign_session_sign_with_signer_async (ok, f->signer, KYSO_P12_CREDENTIAL_ID, progress_cb, &calls, NULL,
                                            on_result, &r3);
  g_assert_true (kyso_sign_session_sign_with_signer_finish (ok, wait_result (&r3), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (calls, >, 0);
  kyso_test_assert_pdfsig (f->out, 1);
  /* Only the input and the signed file remain: no temporary file left behind. */
  g_clear_object (&cancelled);
  g_clear_object (&unknown);
  g_assert_cmpuint (count_entries (f->dir), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func)                                                                                      \
  g_test_add ("/pdf/session/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("save-load", test_save_load);
  ADD ("load-errors", test_load_errors);
  ADD ("abort-and-cleanup", test_abort_and_cleanup);
  ADD ("private-copy-and-mode", test_private_copy_and_mode);
  ADD ("same-size-change", test_same_size_change);
  ADD ("bad-signature", test_bad_signature);
  ADD ("async", test_async);
  ADD ("async-errors", test_async_errors);
  ADD ("with-signer", test_with_signer);
#undef ADD
  return g_test_run ();
}
