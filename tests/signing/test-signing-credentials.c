/* SP credentials in a real Secret Service (the test wrapper starts gnome-keyring), through the
 * API and through `kyso-cli signing-credentials`. */
#include "kyso-error.h"
#include "kyso-signing-credentials.h"

#include <string.h>

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
} Sync;

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Sync *s = user_data;

  s->result = g_object_ref (result);
  g_main_loop_quit (s->loop);
}

static GAsyncResult *
wait_result (Sync *s)
{
  g_main_loop_run (s->loop);
  return s->result;
}

#define SYNC_INIT                                                                                            \
  {                                                                                                          \
    g_main_loop_new (NULL, FALSE), NULL                                                                      \
  }

static void
sync_clear (Sync *s)
{
  g_clear_object (&s->result);
}

static void
test_store_lookup_clear (void)
{
  Sync s = SYNC_INIT;
  g_autoptr(GError) error = NULL;
  char *secret;

  kyso_signing_credentials_store_async ("neac", "sp-a", "s3cret-A", NULL, on_done, &s);
  g_assert_true (kyso_signing_credentials_store_finish (wait_result (&s), &error));
  g_assert_no_error (error);
  sync_clear (&s);
  kyso_signing_credentials_store_async ("neac", "sp-b", "s3cret-B", NULL, on_done, &s);
  g_assert_true (kyso_signing_credentials_store_finish (wait_result (&s), &error));
  sync_clear (&s);
  /* Same id, other service: another item. */
  kyso_signing_credentials_store_async ("csc", "sp-a", "csc-pass", NULL, on_done, &s);
  g_assert_true (kyso_signing_credentials_store_finish (wait_result (&s), &error));
  sync_clear (&s);

  kyso_signing_credentials_lookup_async ("neac", "sp-a", NULL, on_done, &s);
  secret = kyso_signing_credentials_lookup_finish (wait_result (&s), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "s3cret-A");
  kyso_signing_credentials_free_secret (secret);
  sync_clear (&s);

  secret = kyso_signing_credentials_lookup_sync ("csc", "sp-a", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "csc-pass");
  kyso_signing_credentials_free_secret (secret);

  /* Replacing keeps one item. */
  kyso_signing_credentials_store_async ("neac", "sp-a", "new", NULL, on_done, &s);
  g_assert_true (kyso_signing_credentials_store_finish (wait_result (&s), &error));
  sync_clear (&s);
  secret = kyso_signing_credentials_lookup_sync ("neac", "sp-a", NULL, &error);
  g_assert_cmpstr (secret, ==, "new");
  kyso_signing_credentials_free_secret (secret);

  kyso_signing_credentials_clear_async ("neac", "sp-a", NULL, on_done, &s);
  g_assert_true (kyso_signing_credentials_clear_finish (wait_result (&s), &error));
  g_assert_no_error (error);
  sync_clear (&s);
  kyso_signing_credentials_clear_async ("neac", "sp-a", NULL, on_done, &s);
  g_assert_false (kyso_signing_credentials_clear_finish (wait_result (&s), &error));
  g_assert_no_error (error);
  sync_clear (&s);

  kyso_signing_credentials_lookup_async ("neac", "sp-a", NULL, on_done, &s);
  secret = kyso_signing_credentials_lookup_finish (wait_result (&s), &error);
  g_assert_null (secret);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  sync_clear (&s);
  secret = kyso_signing_credentials_lookup_sync ("neac", "sp-a", NULL, &error);
  g_assert_null (secret);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* The other one is untouched. */
  secret = kyso_signing_credentials_lookup_sync ("neac", "sp-b", NULL, &error);
  g_assert_cmpstr (secret, ==, "s3cret-B");
  kyso_signing_credentials_free_secret (secret);
  g_main_loop_unref (s.loop);
}

static void
test_invalid (void)
{
  Sync s = SYNC_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();

  kyso_signing_credentials_store_async ("neac", "", "x", NULL, on_done, &s);
  g_assert_false (kyso_signing_credentials_store_finish (wait_result (&s), &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  sync_clear (&s);
  kyso_signing_credentials_store_async ("neac", "sp", "", NULL, on_done, &s);
  g_assert_false (kyso_signing_credentials_store_finish (wait_result (&s), &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  sync_clear (&s);
  kyso_signing_credentials_lookup_async (NULL, "sp", NULL, on_done, &s);
  g_assert_null (kyso_signing_credentials_lookup_finish (wait_result (&s), &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  sync_clear (&s);
  kyso_signing_credentials_clear_async ("neac", NULL, NULL, on_done, &s);
  g_assert_false (kyso_signing_credentials_clear_finish (wait_result (&s), &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  sync_clear (&s);

  g_cancellable_cancel (cancelled);
  kyso_signing_credentials_lookup_async ("neac", "sp", cancelled, on_done, &s);
  g_assert_null (kyso_signing_credentials_lookup_finish (wait_result (&s), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  sync_clear (&s);
  g_main_loop_unref (s.loop);
}

static int
run_cli (const char *input, char **out, char **err, const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer)g_getenv ("KYSO_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv (
    (const char *const *)argv->pdata,
    G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (proc);
}

static void
test_cli (void)
{
  const char *set[] = { "signing-credentials", "set", "--service", "neac", "--sp-id", "cli-sp", NULL };
  const char *check[] = { "signing-credentials", "check", "--service", "neac", "--sp-id", "cli-sp", NULL };
  const char *clear[] = { "signing-credentials", "clear", "--service", "neac", "--sp-id", "cli-sp", NULL };
  const char *bad[] = { "signing-credentials", "set", "--service", "other", "--sp-id", "x", NULL };
  const char *noact[] = { "signing-credentials", "--service", "neac", "--sp-id", "x", NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL, *err = NULL;
  char *secret;

  if (g_getenv ("KYSO_CLI") == NULL)
    {
      g_test_skip ("KYSO_CLI is not set");
      return;
    }
  g_assert_cmpint (run_cli (NULL, &out, &err, check), ==, 3);
  g_assert_nonnull (strstr (out, "not stored"));
  g_free (out), g_free (err);

  g_assert_cmpint (run_cli ("p@ss word from stdin\n", &out, &err, set), ==, 0);
  g_assert_null (strstr (out, "p@ss"));
  g_assert_null (strstr (err, "p@ss"));
  g_free (out), g_free (err);
  secret = kyso_signing_credentials_lookup_sync ("neac", "cli-sp", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "p@ss word from stdin");
  kyso_signing_credentials_free_secret (secret);

  g_assert_cmpint (run_cli (NULL, &out, &err, check), ==, 0);
  g_assert_nonnull (strstr (out, "stored"));
  g_assert_null (strstr (out, "p@ss"));
  g_free (out), g_free (err);

  /* Empty input stores nothing. */
  g_assert_cmpint (run_cli ("\n", &out, &err, set), ==, 3);
  g_free (out), g_free (err);
  /* Usage errors exit before reading stdin: give them none (a write would race with their exit). */
  g_assert_cmpint (run_cli (NULL, &out, &err, bad), ==, 2);
  g_free (out), g_free (err);
  g_assert_cmpint (run_cli (NULL, &out, &err, noact), ==, 2);
  g_free (out), g_free (err);

  g_assert_cmpint (run_cli (NULL, &out, &err, clear), ==, 0);
  g_free (out), g_free (err);
  g_assert_cmpint (run_cli (NULL, &out, &err, check), ==, 3);
  g_free (out), g_free (err);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/signing-credentials/store-lookup-clear", test_store_lookup_clear);
  g_test_add_func ("/signing-credentials/invalid", test_invalid);
  g_test_add_func ("/signing-credentials/cli", test_cli);
  return g_test_run ();
}
