/* KysoProfileStore against the real gnome-keyring of the test session. What one process stores
 * is read back by a second process (this program run again with --child), so nothing passes
 * through memory. */
#include "config.h"

#include "kyso-profile-store.h"
#include "kyso-error.h"
#include "kyso-test-png.h"

#include <locale.h>
#include <string.h>

/* Async plumbing -------------------------------------------------------------------------- */

static void
keep_result (GObject *source, GAsyncResult *result, gpointer user_data)
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

static GPtrArray *
list_sync (KysoProfileStore *store, GCancellable *cancellable, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kyso_profile_store_list_async (store, cancellable, keep_result, &result);
  return kyso_profile_store_list_finish (store, wait_result (&result), error);
}

static KysoProfile *
lookup_sync (KysoProfileStore *store, const char *id, GCancellable *cancellable, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kyso_profile_store_lookup_async (store, id, cancellable, keep_result, &result);
  return kyso_profile_store_lookup_finish (store, wait_result (&result), error);
}

static gboolean
create_sync (KysoProfileStore *store, KysoProfile *profile, GCancellable *cancellable, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kyso_profile_store_create_async (store, profile, cancellable, keep_result, &result);
  return kyso_profile_store_create_finish (store, wait_result (&result), error);
}

static gboolean
update_sync (KysoProfileStore *store, KysoProfile *profile, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kyso_profile_store_update_async (store, profile, NULL, keep_result, &result);
  return kyso_profile_store_update_finish (store, wait_result (&result), error);
}

static gboolean
delete_sync (KysoProfileStore *store, const char *id, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kyso_profile_store_delete_async (store, id, NULL, keep_result, &result);
  return kyso_profile_store_delete_finish (store, wait_result (&result), error);
}

/* One line per profile, every field, so two processes can be compared as text. */
static char *
describe (KysoProfile *profile)
{
  GString *s = g_string_new (NULL);
  GListModel *accounts = kyso_profile_get_accounts (profile);
  GBytes *image = kyso_profile_get_image (profile);
  g_autofree char *digest
    = image != NULL ? g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, image) : g_strdup ("-");

  g_string_append_printf (s, "%s|%s|%s|%s|%s|", kyso_profile_get_id (profile),
                          kyso_profile_get_display_name (profile), kyso_profile_get_phone (profile),
                          kyso_profile_get_keyword (profile), digest);
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(KysoProfileAccount) a = g_list_model_get_item (accounts, i);

      g_string_append_printf (s, "%s:%s:%s;", kyso_profile_account_get_kind (a),
                              kyso_profile_account_get_provider (a), kyso_profile_account_get_account (a));
    }
  return g_string_free (s, FALSE);
}

static char *
describe_all (GPtrArray *profiles)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < profiles->len; i++)
    {
      g_autofree char *line = describe (profiles->pdata[i]);
      g_string_append_printf (s, "%s\n", line);
    }
  return g_string_free (s, FALSE);
}

/* The second process ---------------------------------------------------------------------- */

static int
child_main (void)
{
  g_autoptr(KysoProfileStore) store = kyso_profile_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = list_sync (store, NULL, &error);
  g_autofree char *text = NULL;

  if (profiles == NULL)
    {
      g_print ("ERROR %s %d %s\n", g_quark_to_string (error->domain), error->code, error->message);
      return 3;
    }
  text = describe_all (profiles);
  g_print ("%s", text);
  return 0;
}

/* Runs this program with --child; returns its stdout. @bus replaces the D-Bus address. */
static char *
run_child (const char *bus, int *status)
{
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { self_exe, "--child", NULL };
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int wait_status = 0;

  g_assert_nonnull (self_exe);
  if (bus != NULL)
    envp = g_environ_setenv (envp, "DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
  g_spawn_sync (NULL, (char **)argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &wait_status, &error);
  g_assert_no_error (error);
  *status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  return out;
}

static void
assert_child_sees (GPtrArray *expected)
{
  g_autofree char *want = describe_all (expected);
  int status = -1;
  g_autofree char *got = run_child (NULL, &status);

  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (got, ==, want);
}

/* Fixture ----------------------------------------------------------------------------------- */

typedef struct
{
  KysoProfileStore *store;
  int changed;
} Fixture;

static void
on_changed (KysoProfileStore *store, gpointer user_data)
{
  ((Fixture *)user_data)->changed++;
}

/* Counts the keyring items directly, without the store. (secret_service_search_sync rather than
 * secret_password_search_sync, which leaks in libsecret 0.20.) */
static guint
count_items (const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) attrs = g_hash_table_new (g_str_hash, g_str_equal);
  GList *items;
  guint n;

  if (id != NULL)
    g_hash_table_insert (attrs, (gpointer) "profile-id", (gpointer)id);
  items = secret_service_search_sync (NULL, kyso_profile_store_get_schema (), attrs, SECRET_SEARCH_ALL, NULL,
                                      &error);
  g_assert_no_error (error);
  n = g_list_length (items);
  g_list_free_full (items, g_object_unref);
  return n;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  /* Each test starts from an empty set of profile items. */
  secret_password_clear_sync (kyso_profile_store_get_schema (), NULL, &error, NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (NULL), ==, 0);

  f->store = kyso_profile_store_new ();
  f->changed = 0;
  g_signal_connect (f->store, "changed", G_CALLBACK (on_changed), f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  GWeakRef ref;
  GObject *alive;
  int tries = 0;

  /* No reference may leak. A worker thread drops its task (and the task's reference on the
   * store) just after the callback ran, so give it a moment; GWeakRef is thread-safe. */
  g_weak_ref_init (&ref, f->store);
  g_clear_object (&f->store);
  while ((alive = g_weak_ref_get (&ref)) != NULL && tries++ < 2000)
    {
      g_object_unref (alive);
      g_usleep (1000);
    }
  g_assert_null (alive);
  g_weak_ref_clear (&ref);
}

static KysoProfile *
make_profile (const char *name, const char *phone, const char *provider, const char *account, int variant)
{
  KysoProfile *profile = kyso_profile_new ();
  g_autoptr(GBytes) png = kyso_test_make_signature_png (360, 140, variant);
  g_autoptr(KysoProfileAccount) a = kyso_profile_account_new (provider, account);

  kyso_profile_set_display_name (profile, name);
  kyso_profile_set_phone (profile, phone);
  kyso_profile_set_keyword (profile, "Người làm đơn");
  kyso_profile_set_image (profile, png);
  kyso_profile_add_account (profile, a);
  return profile;
}

/* Tests ------------------------------------------------------------------------------------- */

static void
test_create_list_reload (Fixture *f, gconstpointer data)
{
  g_autoptr(KysoProfile) an = make_profile ("Nguyễn Văn An", "0912345678", "vnpt-ca", "079203001234", 0);
  g_autoptr(KysoProfile) cuc = make_profile ("Bùi Thị Cúc", "+84387654321", "viettel-ca", "123456789", 1);
  g_autoptr(KysoProfileAccount) extra = kyso_profile_account_new ("fpt-ca", "051199004321");
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  GError *error = NULL;

  kyso_profile_add_account (cuc, extra);

  g_assert_true (create_sync (f->store, an, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (f->changed, ==, 1);
  g_assert_true (create_sync (f->store, cuc, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (f->changed, ==, 2);
  g_assert_cmpuint (count_items (NULL), ==, 2);

  listed = list_sync (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 2);
  /* Sorted by name: "Bùi …" before "Nguyễn …". */
  g_ptr_array_add (expected, cuc);
  g_ptr_array_add (expected, an);
  {
    g_autofree char *want = describe_all (expected);
    g_autofree char *got = describe_all (listed);
    g_assert_cmpstr (got, ==, want);
  }

  /* A new process reads the same from the keyring. */
  assert_child_sees (expected);
}

static void
test_lookup (Fixture *f, gconstpointer data)
{
  g_autoptr(KysoProfile) an = make_profile ("Nguyễn Văn An", "0912345678", "vnpt-ca", "079203001234", 0);
  g_autoptr(KysoProfile) found = NULL;
  g_autofree char *want = NULL, *got = NULL;
  GError *error = NULL;

  g_assert_true (create_sync (f->store, an, NULL, NULL));
  found = lookup_sync (f->store, kyso_profile_get_id (an), NULL, &error);
  g_assert_no_error (error);
  want = describe (an);
  got = describe (found);
  g_assert_cmpstr (got, ==, want);

  g_assert_null (lookup_sync (f->store, "no-such-id", NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (f->changed, ==, 1);
}

static void
test_update (Fixture *f, gconstpointer data)
{
  g_autoptr(KysoProfile) an = make_profile ("Nguyễn Văn An", "0912345678", "vnpt-ca", "079203001234", 0);
  g_autoptr(KysoProfile) edited = NULL;
  g_autoptr(KysoProfile) stranger = make_profile ("Lê Văn Tư", "0987654321", "ca2", "123456789", 2);
  g_autoptr(KysoProfileAccount) second = kyso_profile_account_new ("misa-ca", "123456789");
  g_autoptr(GBytes) new_png = kyso_test_make_signature_png (200, 80, 2);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  GError *error = NULL;

  g_assert_true (create_sync (f->store, an, NULL, NULL));

  edited = kyso_profile_copy (an);
  kyso_profile_set_display_name (edited, "Nguyễn Văn An (cơ quan)");
  kyso_profile_set_phone (edited, "+84912000111");
  kyso_profile_set_keyword (edited, "");
  kyso_profile_set_image (edited, new_png);
  kyso_profile_add_account (edited, second);
  g_assert_true (update_sync (f->store, edited, &error));
  g_assert_no_error (error);
  g_assert_cmpint (f->changed, ==, 2);

  /* Replaced, not added. */
  g_assert_cmpuint (count_items (kyso_profile_get_id (an)), ==, 1);
  g_assert_cmpuint (count_items (NULL), ==, 1);

  listed = list_sync (f->store, NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_add (expected, edited);
  {
    g_autofree char *want = describe_all (expected);
    g_autofree char *got = describe_all (listed);
    g_assert_cmpstr (got, ==, want);
  }
  assert_child_sees (expected);

  /* Updating a profile that was never stored is refused and changes nothing. */
  g_assert_false (update_sync (f->store, stranger, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (f->changed, ==, 2);
  g_assert_cmpuint (count_items (NULL), ==, 1);
}

static void
test_delete (Fixture *f, gconstpointer data)
{
  g_autoptr(KysoProfile) an = make_profile ("Nguyễn Văn An", "0912345678", "vnpt-ca", "079203001234", 0);
  g_autoptr(KysoProfile) cuc = make_profile ("Bùi Thị Cúc", "0387654321", "bkav-ca", "123456789", 1);
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  GError *error = NULL;

  g_assert_true (create_sync (f->store, an, NULL, NULL));
  g_assert_true (create_sync (f->store, cuc, NULL, NULL));
  g_assert_true (delete_sync (f->store, kyso_profile_get_id (an), &error));
  g_assert_no_error (error);
  g_assert_cmpint (f->changed, ==, 3);
  g_assert_cmpuint (count_items (kyso_profile_get_id (an)), ==, 0);

  g_ptr_array_add (expected, cuc);
  assert_child_sees (expected);

  g_assert_false (delete_sync (f->store, kyso_profile_get_id (an), &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (lookup_sync (f->store, kyso_profile_get_id (an), NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (update_sync (f->store, an, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (f->changed, ==, 3);

  g_assert_true (delete_sync (f->store, kyso_profile_get_id (cuc), NULL));
  g_ptr_array_set_size (expected, 0);
  assert_child_sees (expected);
}

static void
test_invalid_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(KysoProfile) an = make_profile ("Nguyễn Văn An", "0912345678", "vnpt-ca", "079203001234", 0);
  g_autoptr(KysoProfile) bad_phone = make_profile ("Trần Bình", "12345", "vnpt-ca", "079203001234", 1);
  g_autoptr(KysoProfile) bad_id = make_profile ("Trần Bình", "0912345678", "vnpt-ca", "07920300", 1);
  g_autoptr(KysoProfile) bad_provider = make_profile ("Trần Bình", "0912345678", "acme", "079203001234", 1);
  g_autoptr(KysoProfile) no_name = make_profile ("", "0912345678", "vnpt-ca", "079203001234", 1);
  g_autoptr(KysoProfile) no_image = make_profile ("Trần Bình", "0912345678", "vnpt-ca", "079203001234", 1);
  g_autoptr(KysoProfile) edited = NULL;
  g_autoptr(KysoProfile) duplicate = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  KysoProfile *invalid[] = { bad_phone, bad_id, bad_provider, no_name, no_image };
  GError *error = NULL;

  kyso_profile_set_image (no_image, NULL);
  g_assert_true (create_sync (f->store, an, NULL, NULL));

  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_assert_false (create_sync (f->store, invalid[i], NULL, &error));
      g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
      g_test_message ("refused: %s", error->message);
      g_clear_error (&error);
    }
  g_assert_cmpuint (count_items (NULL), ==, 1);

  /* An invalid edit leaves the stored profile as it was. */
  edited = kyso_profile_copy (an);
  kyso_profile_set_phone (edited, "0912");
  g_assert_false (update_sync (f->store, edited, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* The same id twice is refused too. */
  duplicate = kyso_profile_copy (an);
  g_assert_false (create_sync (f->store, duplicate, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_FAILED);
  g_clear_error (&error);

  g_assert_cmpint (f->changed, ==, 1);
  g_ptr_array_add (expected, an);
  assert_child_sees (expected);
}

static void
test_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr(KysoProfile) an = make_profile ("Nguyễn Văn An", "0912345678", "vnpt-ca", "079203001234", 0);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GError *error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_null (list_sync (f->store, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (lookup_sync (f->store, kyso_profile_get_id (an), cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (create_sync (f->store, an, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  g_assert_cmpint (f->changed, ==, 0);
  g_assert_cmpuint (count_items (NULL), ==, 0);
}

static void
store_raw_item (const char *id, const char *secret)
{
  g_autoptr(GError) error = NULL;

  secret_password_store_sync (kyso_profile_store_get_schema (), SECRET_COLLECTION_DEFAULT, "raw", secret,
                              NULL, &error, "profile-id", id, NULL);
  g_assert_no_error (error);
}

static void
test_unreadable_items (Fixture *f, gconstpointer data)
{
  g_autoptr(KysoProfile) an = make_profile ("Nguyễn Văn An", "0912345678", "vnpt-ca", "079203001234", 0);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  GError *error = NULL;

  g_assert_true (create_sync (f->store, an, NULL, NULL));
  store_raw_item ("junk", "this is not JSON");
  store_raw_item ("future", "{\"version\":9,\"id\":\"future\"}");

  /* One damaged item does not hide the others. */
  listed = list_sync (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (kyso_profile_get_id (listed->pdata[0]), ==, kyso_profile_get_id (an));
  g_ptr_array_add (expected, an);
  assert_child_sees (expected);

  g_assert_null (lookup_sync (f->store, "junk", NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_clear_error (&error);
  g_assert_null (lookup_sync (f->store, "future", NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* The damaged item can still be deleted. */
  g_assert_true (delete_sync (f->store, "junk", NULL));
  g_assert_cmpuint (count_items ("junk"), ==, 0);
}

static void
test_no_keyring (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "kyso-no-such-bus", NULL);
  g_autofree char *bus = g_strdup_printf ("unix:path=%s", missing);
  int status = -1;
  g_autofree char *out = run_child (bus, &status);
  g_autofree char *want = g_strdup_printf ("ERROR %s %d ", g_quark_to_string (KYSO_ERROR), KYSO_ERROR_FAILED);

  /* Without a Secret Service the store fails with a message that says what to do. */
  g_test_message ("%s", out);
  g_assert_cmpint (status, ==, 3);
  g_assert_true (g_str_has_prefix (out, want));
  g_assert_nonnull (strstr (out, "keyring"));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  if (argc == 2 && strcmp (argv[1], "--child") == 0)
    return child_main ();

  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/store/create-list-reload", test_create_list_reload);
  ADD ("/store/lookup", test_lookup);
  ADD ("/store/update", test_update);
  ADD ("/store/delete", test_delete);
  ADD ("/store/invalid-refused", test_invalid_refused);
  ADD ("/store/cancelled", test_cancelled);
  ADD ("/store/unreadable-items", test_unreadable_items);
  ADD ("/store/no-keyring", test_no_keyring);
#undef ADD
  return g_test_run ();
}
