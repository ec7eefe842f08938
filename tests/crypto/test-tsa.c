/* The RFC 3161 client against a real TSA (OpenSSL's TS_RESP_CTX) over HTTP on loopback, and
 * against TSAs that lie, fail, babble or hang. */
#include "kyso-tsa.h"
#include "kyso-pades.h"
#include "kyso-error.h"
#include "kyso-test-pki.h"

#include <string.h>

typedef struct
{
  KysoTestTsaMode mode;
  KysoTestHttp *server;
  char *url;
  GBytes *data;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer user_data)
{
  f->mode = KYSO_TEST_TSA_GOOD;
  f->server = kyso_test_http_new (0, kyso_test_tsa_handler, &f->mode);
  f->url = kyso_test_http_url (f->server, "/tsa");
  f->data = g_bytes_new_static ("the signature value", 19);
}

static void
fixture_tear_down (Fixture *f, gconstpointer user_data)
{
  kyso_test_http_free (f->server);
  g_free (f->url);
  g_bytes_unref (f->data);
}

static const KysoHttpOptions http_options = { .timeout_seconds = 20 };

static void
test_good (Fixture *f, gconstpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) token = kyso_tsa_request_token (f->url, f->data, &http_options, NULL, &error);
  g_autoptr(GBytes) other = NULL;
  g_autofree char *tok_path = kyso_test_pki_path ("tsa-token.der");
  g_autofree char *data_path = kyso_test_pki_path ("tsa-data.bin");
  g_autofree char *ca = kyso_test_pki_path ("root/root.pem");
  g_autofree char *tsa = kyso_test_pki_path ("tsa.pem");
  g_autofree char *log = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (token);
  g_assert_cmpuint (kyso_test_http_request_count (f->server), ==, 1);
  g_assert_true (kyso_pades_check_timestamp_imprint (token, f->data, &error));
  g_assert_no_error (error);

  /* `openssl ts -verify` agrees, independently. */
  g_file_set_contents (tok_path, g_bytes_get_data (token, NULL), (gssize)g_bytes_get_size (token), NULL);
  g_file_set_contents (data_path, g_bytes_get_data (f->data, NULL), (gssize)g_bytes_get_size (f->data), NULL);
  g_assert_cmpint (kyso_test_openssl (&log, "ts", "-verify", "-in", tok_path, "-token_in", "-data", data_path,
                                      "-CAfile", ca, "-untrusted", tsa, NULL),
                   ==, 0);
  g_assert_nonnull (strstr (log, "Verification: OK"));

  /* Two requests never share a nonce, so the tokens differ. */
  other = kyso_tsa_request_token (f->url, f->data, &http_options, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_bytes_equal (token, other));
}

static void
test_trust (Fixture *f, gconstpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = kyso_test_pki_path ("root/root.pem");
  g_autofree char *other = kyso_test_pki_path ("other-root/other-root.pem");
  g_autofree char *missing = kyso_test_pki_path ("missing.pem");
  g_autoptr(GBytes) token
             = kyso_tsa_request_token_with_trust (f->url, f->data, &http_options, root, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (token);

  g_assert_null (kyso_tsa_request_token_with_trust (f->url, f->data, &http_options, other, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
  g_clear_error (&error);

  g_assert_null (kyso_tsa_request_token_with_trust (f->url, f->data, &http_options, missing, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
}

static void
expect_server_error (Fixture *f, KysoTestTsaMode mode)
{
  g_autoptr(GError) error = NULL;

  f->mode = mode;
  g_assert_null (kyso_tsa_request_token (f->url, f->data, &http_options, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_SERVER);
  g_test_message ("%s", error->message);
}

static void
test_wrong_nonce (Fixture *f, gconstpointer user_data)
{
  expect_server_error (f, KYSO_TEST_TSA_WRONG_NONCE);
}

static void
test_wrong_imprint (Fixture *f, gconstpointer user_data)
{
  expect_server_error (f, KYSO_TEST_TSA_WRONG_IMPRINT);
}

static void
test_rejection (Fixture *f, gconstpointer user_data)
{
  expect_server_error (f, KYSO_TEST_TSA_REJECTION);
}

static void
test_http_500 (Fixture *f, gconstpointer user_data)
{
  expect_server_error (f, KYSO_TEST_TSA_HTTP_500);
}

static void
test_garbage (Fixture *f, gconstpointer user_data)
{
  expect_server_error (f, KYSO_TEST_TSA_GARBAGE);
}

static void
test_bad_token_signature (Fixture *f, gconstpointer user_data)
{
  expect_server_error (f, KYSO_TEST_TSA_WRONG_SIGNER);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (300 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_cancel (Fixture *f, gconstpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  GThread *thread;
  gint64 start = g_get_monotonic_time ();

  f->mode = KYSO_TEST_TSA_SLOW;
  thread = g_thread_new ("cancel", cancel_later, cancel);
  g_assert_null (kyso_tsa_request_token (f->url, f->data, &http_options, cancel, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* The server would have taken 10 s; the cancel is seen within about a second. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_thread_join (thread);

  g_clear_error (&error);
  g_assert_null (kyso_tsa_request_token (f->url, f->data, &http_options, cancel, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_unreachable (Fixture *f, gconstpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/tsa", kyso_test_free_port ());

  g_assert_null (kyso_tsa_request_token (url, f->data, &http_options, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NETWORK);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  kyso_test_pki_get ();
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/tsa/good", test_good);
  ADD ("/tsa/trust", test_trust);
  ADD ("/tsa/wrong-nonce", test_wrong_nonce);
  ADD ("/tsa/wrong-imprint", test_wrong_imprint);
  ADD ("/tsa/rejection", test_rejection);
  ADD ("/tsa/http-500", test_http_500);
  ADD ("/tsa/garbage", test_garbage);
  ADD ("/tsa/bad-token-signature", test_bad_token_signature);
  ADD ("/tsa/cancel", test_cancel);
  ADD ("/tsa/unreachable", test_unreachable);
  rc = g_test_run ();
  kyso_test_pki_cleanup ();
  return rc;
}
