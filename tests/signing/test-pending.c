/* Pending signing requests on disk: round trip, permissions, listing, lookup, pruning, and no
 * secrets in the file. */
#include "kyso-error.h"
#include "kyso-pending.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

typedef struct
{
  char *dir;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autofree char *base = g_dir_make_tmp ("kyso-pending-XXXXXX", NULL);

  g_assert_nonnull (base);
  /* A folder that does not exist yet: save creates it. */
  f->dir = g_build_filename (base, "state", "pending", NULL);
  g_free (g_steal_pointer (&base));
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *state = g_path_get_dirname (f->dir);
  g_autofree char *base = g_path_get_dirname (state);

  rm_rf (base);
  g_free (f->dir);
}

static GPtrArray *
make_digests (guint n, guint8 seed)
{
  GPtrArray *digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

  for (guint i = 0; i < n; i++)
    {
      guint8 d[32];
      memset (d, seed + i, sizeof d);
      g_ptr_array_add (digests, g_bytes_new (d, sizeof d));
    }
  return digests;
}

static KysoPending *
make_pending (Fixture *f, const char *doc, const char *out, gint64 expires_in_s)
{
  g_autoptr(GPtrArray) digests = make_digests (2, 7);
  const char *doc_ids[] = { "don.pdf", "giay-to.pdf", NULL };
  KysoPending *p = kyso_pending_new (f->dir, "neac");

  kyso_pending_set_service_url (p, "https://127.0.0.1:1/neac/v1/");
  kyso_pending_set_provider (p, "VNPT-CA");
  kyso_pending_set_credential_id (p, "5a0f");
  kyso_pending_set_certificate_sha256 (p, "00ff");
  kyso_pending_set_transaction_id (p, "kyso-1");
  kyso_pending_set_tran_code (p, "4821");
  kyso_pending_set_verification_code (p, "4821");
  kyso_pending_set_description (p, "Ký hồ sơ");
  kyso_pending_set_document_path (p, doc);
  kyso_pending_set_output_path (p, out);
  kyso_pending_set_digests (p, digests, doc_ids);
  kyso_pending_set_state (p, KYSO_PENDING_SENT);
  kyso_pending_set_expires_at (p, g_get_real_time () + expires_in_s * G_USEC_PER_SEC);
  return p;
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(KysoPending) p = make_pending (f, "/tmp/in.pdf", "/tmp/out.pdf", 300);
  g_autoptr(KysoPending) q = NULL;
  g_autoptr(GPtrArray) digests = make_digests (2, 7);
  g_autoptr(GPtrArray) other = make_digests (2, 8);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  GStatBuf st;

  g_assert_true (kyso_pending_save (p, &error));
  g_assert_no_error (error);
  path = g_strdup_printf ("%s/%s.json", f->dir, kyso_pending_get_id (p));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (f->dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  q = kyso_pending_load (f->dir, kyso_pending_get_id (p), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kyso_pending_get_kind (q), ==, "neac");
  g_assert_cmpstr (kyso_pending_get_service_url (q), ==, "https://127.0.0.1:1/neac/v1/");
  g_assert_cmpstr (kyso_pending_get_provider (q), ==, "VNPT-CA");
  g_assert_cmpstr (kyso_pending_get_credential_id (q), ==, "5a0f");
  g_assert_cmpstr (kyso_pending_get_certificate_sha256 (q), ==, "00ff");
  g_assert_cmpstr (kyso_pending_get_transaction_id (q), ==, "kyso-1");
  g_assert_cmpstr (kyso_pending_get_tran_code (q), ==, "4821");
  g_assert_cmpstr (kyso_pending_get_description (q), ==, "Ký hồ sơ");
  g_assert_cmpstr (kyso_pending_get_document_path (q), ==, "/tmp/in.pdf");
  g_assert_cmpstr (kyso_pending_get_output_path (q), ==, "/tmp/out.pdf");
  g_assert_cmpint (kyso_pending_get_state (q), ==, KYSO_PENDING_SENT);
  g_assert_cmpstr (kyso_pending_get_doc_ids (q)[1], ==, "giay-to.pdf");
  g_assert_true (kyso_pending_matches_digests (q, digests));
  g_assert_false (kyso_pending_matches_digests (q, other));
  g_assert_cmpint (kyso_pending_get_expires_at (q) / G_USEC_PER_SEC, ==,
                   kyso_pending_get_expires_at (p) / G_USEC_PER_SEC);
  g_assert_false (kyso_pending_is_expired (q, g_get_real_time ()));

  /* What is in the file is what the header promises, and nothing else: no password field. */
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_null (strstr (text, "password"));
  g_assert_null (strstr (text, "token"));
  g_assert_nonnull (strstr (text, "0707070707070707070707070707070707070707070707070707070707070707"));

  /* Forget removes the record and the session file next to it. */
  {
    g_autofree char *session = kyso_pending_dup_session_path (q);
    g_assert_true (g_file_set_contents (session, "x", 1, NULL));
    g_assert_true (kyso_pending_forget (q, &error));
    g_assert_no_error (error);
    g_assert_false (g_file_test (session, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    /* Twice is fine. */
    g_assert_true (kyso_pending_forget (q, &error));
  }
}

static void
test_load_errors (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPending) p = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *id = g_uuid_string_random ();

  /* Not an id of ours: never a path. */
  p = kyso_pending_load (f->dir, "../../etc/passwd", &error);
  g_assert_null (p);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  p = kyso_pending_load (f->dir, id, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_cmpint (g_mkdir_with_parents (f->dir, 0700), ==, 0);
  bad = g_strdup_printf ("%s/%s.json", f->dir, id);
  g_assert_true (g_file_set_contents (bad, "{\"version\": 1, \"id\": \"nope\"}", -1, NULL));
  p = kyso_pending_load (f->dir, id, &error);
  g_assert_null (p);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (bad, "{ not json", -1, NULL));
  p = kyso_pending_load (f->dir, id, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
}

static void
test_list_find_prune (Fixture *f, gconstpointer data)
{
  g_autoptr(KysoPending) a = NULL;
  g_autoptr(KysoPending) b = NULL;
  g_autoptr(KysoPending) old = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(KysoPending) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *junk = NULL;

  /* Empty (and missing) folder: an empty list, not an error. */
  list = kyso_pending_list (f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* created_at is kept in whole seconds. */
  old = make_pending (f, "/tmp/in.pdf", "/tmp/out.pdf", -7200);
  g_usleep (1100 * 1000);
  a = make_pending (f, "/tmp/a/../in.pdf", "/tmp/out.pdf", 300);
  g_usleep (1100 * 1000);
  b = make_pending (f, "/tmp/in.pdf", "/tmp/out2.pdf", 300);
  g_assert_true (kyso_pending_save (b, NULL));
  g_assert_true (kyso_pending_save (old, NULL));
  g_assert_true (kyso_pending_save (a, NULL));
  junk = g_build_filename (f->dir, "junk.json", NULL);
  g_assert_true (g_file_set_contents (junk, "[]", -1, NULL));

  list = kyso_pending_list (f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (kyso_pending_get_id (g_ptr_array_index (list, 0)), ==, kyso_pending_get_id (old));
  g_assert_cmpstr (kyso_pending_get_id (g_ptr_array_index (list, 2)), ==, kyso_pending_get_id (b));

  /* Paths are compared canonicalised; expired records are not offered. */
  found = kyso_pending_find_for_document (f->dir, "/tmp/in.pdf", "/tmp/out.pdf", &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (kyso_pending_get_id (found), ==, kyso_pending_get_id (a));
  g_clear_object (&found);
  found = kyso_pending_find_for_document (f->dir, "/tmp/in.pdf", NULL, &error);
  g_assert_cmpstr (kyso_pending_get_id (found), ==, kyso_pending_get_id (b));
  g_clear_object (&found);
  found = kyso_pending_find_for_document (f->dir, "/tmp/other.pdf", NULL, &error);
  g_assert_null (found);
  g_assert_no_error (error);

  /* Expired an hour ago + more: pruned with a one-hour grace, the live ones stay. */
  g_assert_cmpuint (kyso_pending_prune (f->dir, 3600), ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = kyso_pending_list (f->dir, NULL);
  g_assert_cmpuint (list->len, ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Temporary files inside the wrapper's folder, which it removes. */
  if (g_getenv ("KYSO_TEST_TMPDIR") != NULL)
    g_setenv ("TMPDIR", g_getenv ("KYSO_TEST_TMPDIR"), TRUE);
  g_test_add ("/pending/round-trip", Fixture, NULL, setup, test_round_trip, teardown);
  g_test_add ("/pending/load-errors", Fixture, NULL, setup, test_load_errors, teardown);
  g_test_add ("/pending/list-find-prune", Fixture, NULL, setup, test_list_find_prune, teardown);
  return g_test_run ();
}
