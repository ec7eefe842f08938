#include "kyso-test-pki.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/rsa.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

static KysoTestPki *the_pki;

guint16
kyso_test_free_port (void)
{
  g_autoptr(GSocket) sock
             = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (sock, addr, TRUE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

int
kyso_test_openssl (char **out, const char *first_arg, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *std_out = NULL;
  g_autofree char *std_err = NULL;
  int status = -1;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) "openssl");
  va_start (ap, first_arg);
  for (const char *a = first_arg; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer)a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &std_out, &std_err,
                &status, &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_strconcat (std_out, std_err, NULL);
  return g_spawn_check_wait_status (status, NULL) ? 0 : (WIFEXITED (status) ? WEXITSTATUS (status) : 255);
}

KysoTestPki *
kyso_test_pki_get (void)
{
  const char *tmp = g_getenv ("KYSO_TEST_TMPDIR");
  g_autofree char *script = NULL;
  g_autofree char *p1 = NULL, *p2 = NULL, *std_out = NULL, *std_err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (the_pki != NULL)
    return the_pki;

  the_pki = g_new0 (KysoTestPki, 1);
  if (tmp != NULL)
    the_pki->dir = g_build_filename (tmp, "pki", NULL);
  else
    {
      the_pki->dir = g_dir_make_tmp ("kyso-pki-XXXXXX", &error);
      g_assert_no_error (error);
    }
  the_pki->ocsp_port = kyso_test_free_port ();
  do
    the_pki->http_port = kyso_test_free_port ();
  while (the_pki->http_port == the_pki->ocsp_port);

  script = g_test_build_filename (G_TEST_DIST, "crypto", "make-pki.sh", NULL);
  p1 = g_strdup_printf ("%u", the_pki->ocsp_port);
  p2 = g_strdup_printf ("%u", the_pki->http_port);
  {
    const char *argv[] = { "sh", script, the_pki->dir, p1, p2, NULL };
    g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &std_out, &std_err, &status,
                  &error);
  }
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("make-pki.sh failed: %s%s", std_out, std_err);
  return the_pki;
}

void
kyso_test_pki_cleanup (void)
{
  if (the_pki == NULL)
    return;
  {
    const char *argv[] = { "rm", "-rf", the_pki->dir, NULL };
    g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (the_pki->dir);
  g_clear_pointer (&the_pki, g_free);
}

char *
kyso_test_pki_path (const char *name)
{
  return g_build_filename (kyso_test_pki_get ()->dir, name, NULL);
}

static X509 *
load_cert (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".pem", NULL);
  g_autofree char *path = kyso_test_pki_path (file);
  BIO *bio = BIO_new_file (path, "r");
  X509 *cert;

  g_assert_nonnull (bio);
  cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  BIO_free (bio);
  g_assert_nonnull (cert);
  return cert;
}

static EVP_PKEY *
load_key (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".key", NULL);
  g_autofree char *path = kyso_test_pki_path (file);
  BIO *bio = BIO_new_file (path, "r");
  EVP_PKEY *key;

  g_assert_nonnull (bio);
  key = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
  BIO_free (bio);
  g_assert_nonnull (key);
  return key;
}

GBytes *
kyso_test_pki_cert (const char *name)
{
  X509 *cert = load_cert (name);
  unsigned char *der = NULL;
  int len = i2d_X509 (cert, &der);
  GBytes *out = g_bytes_new (der, (gsize)len);

  OPENSSL_free (der);
  X509_free (cert);
  return out;
}

GPtrArray *
kyso_test_pki_chain (const char *leaf)
{
  GPtrArray *chain = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

  g_ptr_array_add (chain, kyso_test_pki_cert (leaf));
  g_ptr_array_add (chain, kyso_test_pki_cert ("sub/sub"));
  g_ptr_array_add (chain, kyso_test_pki_cert ("root/root"));
  return chain;
}

GBytes *
kyso_test_pki_sign_digest (const char *name, GBytes *digest)
{
  EVP_PKEY *key = load_key (name);
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new (key, NULL);
  size_t len = 0;
  guint8 *sig;

  g_assert_cmpint (EVP_PKEY_sign_init (ctx), ==, 1);
  if (EVP_PKEY_is_a (key, "RSA"))
    g_assert_cmpint (EVP_PKEY_CTX_set_rsa_padding (ctx, RSA_PKCS1_PADDING), ==, 1);
  g_assert_cmpint (EVP_PKEY_CTX_set_signature_md (ctx, EVP_sha256 ()), ==, 1);
  g_assert_cmpint (
    EVP_PKEY_sign (ctx, NULL, &len, g_bytes_get_data (digest, NULL), g_bytes_get_size (digest)), ==, 1);
  sig = g_malloc (len);
  g_assert_cmpint (EVP_PKEY_sign (ctx, sig, &len, g_bytes_get_data (digest, NULL), g_bytes_get_size (digest)),
                   ==, 1);
  EVP_PKEY_CTX_free (ctx);
  EVP_PKEY_free (key);
  return g_bytes_new_take (sig, len);
}

/* ---- OCSP responder ------------------------------------------------------------------- */

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

GPid
kyso_test_ocsp_start (void)
{
  KysoTestPki *pki = kyso_test_pki_get ();
  g_autofree char *port = g_strdup_printf ("%u", pki->ocsp_port);
  g_autofree char *index = kyso_test_pki_path ("sub/index.txt");
  g_autofree char *rsigner = kyso_test_pki_path ("ocsp.pem");
  g_autofree char *rkey = kyso_test_pki_path ("ocsp.key");
  g_autofree char *ca = kyso_test_pki_path ("sub/sub.pem");
  const char *argv[] = { "openssl", "ocsp", "-index", index, "-port", port, "-rsigner",    rsigner,
                         "-rkey",   rkey,   "-CA",    ca,    "-nmin", "10", "-ignore_err", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  GPid pid = 0;

  g_spawn_async (NULL, (char **)argv, NULL,
                 G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                   | G_SPAWN_STDERR_TO_DEV_NULL,
                 die_with_parent, NULL, &pid, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 100; i++)
    {
      g_autoptr(GSocketConnection) conn
                 = g_socket_client_connect_to_host (client, "127.0.0.1", pki->ocsp_port, NULL, NULL);
      /* A whole request, read to the end: the responder serves one connection at a time, and
       * one that closes without a request leaves it waiting forever. */
      if (conn != NULL)
        {
          static const char probe[] = "GET / HTTP/1.0\r\n\r\n";
          char buf[512];

          g_socket_set_timeout (g_socket_connection_get_socket (conn), 2);
          g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), probe,
                                     strlen (probe), NULL, NULL, NULL);
          while (g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buf, sizeof buf,
                                      NULL, NULL)
                 > 0)
            ;
          g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
          return pid;
        }
      g_usleep (50 * 1000);
    }
  g_error ("openssl ocsp did not start");
  return 0;
}

void
kyso_test_ocsp_stop (GPid pid)
{
  if (pid <= 0)
    return;
  kill (pid, SIGTERM);
  waitpid (pid, NULL, 0);
  g_spawn_close_pid (pid);
}

/* ---- HTTP server ---------------------------------------------------------------------- */

struct _KysoTestHttp
{
  GSocketListener *listener;
  GCancellable *cancel;
  GThread *thread;
  guint16 port;
  KysoTestHttpHandler handler;
  gpointer user_data;
  gint count;
};

static void
serve_one (KysoTestHttp *self, GSocketConnection *conn)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  g_autoptr(GDataInputStream) data = g_data_input_stream_new (in);
  g_autofree char *request_line = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *head = NULL;
  const char *content_type = "text/plain";
  gsize content_length = 0;
  guint status = 200;
  char *line;

  g_data_input_stream_set_newline_type (data, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  request_line = g_data_input_stream_read_line (data, NULL, self->cancel, NULL);
  if (request_line == NULL)
    return;
  while ((line = g_data_input_stream_read_line (data, NULL, self->cancel, NULL)) != NULL && *line != '\0')
    {
      if (g_ascii_strncasecmp (line, "Content-Length:", 15) == 0)
        content_length = (gsize)g_ascii_strtoull (line + 15, NULL, 10);
      g_free (line);
    }
  g_free (line);
  if (content_length > 0)
    {
      guint8 *buf = g_malloc (content_length);
      gsize got = 0;
      g_input_stream_read_all (G_INPUT_STREAM (data), buf, content_length, &got, self->cancel, NULL);
      body = g_bytes_new_take (buf, got);
    }
  else
    body = g_bytes_new (NULL, 0);

  g_atomic_int_inc (&self->count);
  parts = g_strsplit (request_line, " ", 3);
  reply = self->handler (self, parts[0], parts[1] ? parts[1] : "/", body, &status, &content_type,
                         self->user_data);
  head = g_strdup_printf (
    "HTTP/1.1 %u X\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", status,
    content_type, reply ? g_bytes_get_size (reply) : 0);
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL);
  if (reply != NULL)
    g_output_stream_write_all (out, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL, NULL,
                               NULL);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
}

static gpointer
server_thread (gpointer user_data)
{
  KysoTestHttp *self = user_data;

  for (;;)
    {
      g_autoptr(GSocketConnection) conn
                 = g_socket_listener_accept (self->listener, NULL, self->cancel, NULL);
      if (conn == NULL)
        break;
      serve_one (self, conn);
    }
  return NULL;
}

KysoTestHttp *
kyso_test_http_new (guint16 port, KysoTestHttpHandler handler, gpointer user_data)
{
  KysoTestHttp *self = g_new0 (KysoTestHttp, 1);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, port);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  self->listener = g_socket_listener_new ();
  self->cancel = g_cancellable_new ();
  self->handler = handler;
  self->user_data = user_data;
  g_socket_listener_add_address (self->listener, addr, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                 &effective, &error);
  g_assert_no_error (error);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  self->thread = g_thread_new ("test-http", server_thread, self);
  return self;
}

char *
kyso_test_http_url (KysoTestHttp *self, const char *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", self->port, path);
}

guint
kyso_test_http_request_count (KysoTestHttp *self)
{
  return (guint)g_atomic_int_get (&self->count);
}

gboolean
kyso_test_http_stopping (KysoTestHttp *self)
{
  return g_cancellable_is_cancelled (self->cancel);
}

void
kyso_test_http_free (KysoTestHttp *self)
{
  if (self == NULL)
    return;
  g_cancellable_cancel (self->cancel);
  g_thread_join (self->thread);
  g_socket_listener_close (self->listener);
  g_object_unref (self->listener);
  g_object_unref (self->cancel);
  g_free (self);
}

/* ---- TSA -------------------------------------------------------------------------------- */

static GBytes *
resp_to_bytes (TS_RESP *resp)
{
  unsigned char *der = NULL;
  int len = i2d_TS_RESP (resp, &der);
  GBytes *out;

  g_assert_cmpint (len, >, 0);
  out = g_bytes_new (der, (gsize)len);
  OPENSSL_free (der);
  return out;
}

static time_t forced_gen_time;
static const char *tsa_name = "tsa";

static int
forced_time_cb (TS_RESP_CTX *ctx, void *data, long *sec, long *usec)
{
  *sec = (long)forced_gen_time;
  *usec = 0;
  return 1;
}

static TS_RESP *
make_response (TS_REQ *req)
{
  TS_RESP_CTX *ctx = TS_RESP_CTX_new ();
  X509 *cert = load_cert (tsa_name);
  EVP_PKEY *key = load_key (tsa_name);
  ASN1_OBJECT *policy = OBJ_txt2obj ("1.3.6.1.4.1.99999.1", 1);
  unsigned char *der = NULL;
  int len = i2d_TS_REQ (req, &der);
  BIO *bio = BIO_new_mem_buf (der, len);
  TS_RESP *resp;

  g_assert_cmpint (TS_RESP_CTX_set_signer_cert (ctx, cert), ==, 1);
  g_assert_cmpint (TS_RESP_CTX_set_signer_key (ctx, key), ==, 1);
  g_assert_cmpint (TS_RESP_CTX_set_def_policy (ctx, policy), ==, 1);
  g_assert_cmpint (TS_RESP_CTX_add_md (ctx, EVP_sha256 ()), ==, 1);
  g_assert_cmpint (TS_RESP_CTX_set_ess_cert_id_digest (ctx, EVP_sha256 ()), ==, 1);
  g_assert_cmpint (TS_RESP_CTX_set_signer_digest (ctx, EVP_sha256 ()), ==, 1);
  if (forced_gen_time != 0)
    TS_RESP_CTX_set_time_cb (ctx, forced_time_cb, NULL);
  resp = TS_RESP_create_response (ctx, bio);
  g_assert_nonnull (resp);
  BIO_free (bio);
  OPENSSL_free (der);
  ASN1_OBJECT_free (policy);
  X509_free (cert);
  EVP_PKEY_free (key);
  TS_RESP_CTX_free (ctx);
  return resp;
}

GBytes *
kyso_test_tsa_respond (GBytes *request_der, KysoTestTsaMode mode)
{
  const unsigned char *p = g_bytes_get_data (request_der, NULL);
  TS_REQ *req = d2i_TS_REQ (NULL, &p, (long)g_bytes_get_size (request_der));
  TS_RESP *resp;
  GBytes *out;

  if (req == NULL)
    return NULL;
  if (mode == KYSO_TEST_TSA_WRONG_NONCE)
    {
      ASN1_INTEGER *nonce = ASN1_INTEGER_new ();
      ASN1_INTEGER_set (nonce, 42);
      TS_REQ_set_nonce (req, nonce);
      ASN1_INTEGER_free (nonce);
    }
  else if (mode == KYSO_TEST_TSA_WRONG_IMPRINT)
    {
      guint8 other[32] = { 1, 2, 3 };
      TS_MSG_IMPRINT_set_msg (TS_REQ_get_msg_imprint (req), other, sizeof other);
    }

  if (mode == KYSO_TEST_TSA_REJECTION)
    {
      TS_STATUS_INFO *si = TS_STATUS_INFO_new ();
      TS_STATUS_INFO_set_status (si, TS_STATUS_REJECTION);
      resp = TS_RESP_new ();
      TS_RESP_set_status_info (resp, si);
      TS_STATUS_INFO_free (si);
    }
  else
    resp = make_response (req);

  if (mode == KYSO_TEST_TSA_WRONG_SIGNER)
    {
      /* Flip a bit of the token's signature: the token then no longer verifies. */
      PKCS7 *token = TS_RESP_get_token (resp);
      PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value (PKCS7_get_signer_info (token), 0);
      ASN1_OCTET_STRING *sig = si->enc_digest;
      unsigned char *d = (unsigned char *)ASN1_STRING_get0_data (sig);
      d[10] ^= 0x01;
    }
  out = resp_to_bytes (resp);
  TS_RESP_free (resp);
  TS_REQ_free (req);
  return out;
}

GBytes *
kyso_test_tsa_token_custom (GBytes *data, const char *tsa, GDateTime *gen_time)
{
  GBytes *out;

  tsa_name = tsa;
  forced_gen_time = gen_time != NULL ? (time_t)g_date_time_to_unix (gen_time) : 0;
  out = kyso_test_tsa_token_for (data);
  tsa_name = "tsa";
  forced_gen_time = 0;
  return out;
}

GBytes *
kyso_test_tsa_token_for (GBytes *data)
{
  TS_REQ *req = TS_REQ_new ();
  TS_MSG_IMPRINT *imprint = TS_MSG_IMPRINT_new ();
  X509_ALGOR *alg = X509_ALGOR_new ();
  guint8 md[32];
  TS_RESP *resp;
  unsigned char *der = NULL;
  int len;
  GBytes *out;

  EVP_Digest (g_bytes_get_data (data, NULL), g_bytes_get_size (data), md, NULL, EVP_sha256 (), NULL);
  X509_ALGOR_set_md (alg, EVP_sha256 ());
  TS_MSG_IMPRINT_set_algo (imprint, alg);
  TS_MSG_IMPRINT_set_msg (imprint, md, sizeof md);
  TS_REQ_set_version (req, 1);
  TS_REQ_set_msg_imprint (req, imprint);
  TS_REQ_set_cert_req (req, 1);
  resp = make_response (req);
  len = i2d_PKCS7 (TS_RESP_get_token (resp), &der);
  g_assert_cmpint (len, >, 0);
  out = g_bytes_new (der, (gsize)len);
  OPENSSL_free (der);
  TS_RESP_free (resp);
  X509_ALGOR_free (alg);
  TS_MSG_IMPRINT_free (imprint);
  TS_REQ_free (req);
  return out;
}

GBytes *
kyso_test_tsa_handler (KysoTestHttp *server, const char *method, const char *path, GBytes *body,
                       guint *status, const char **content_type, gpointer user_data)
{
  KysoTestTsaMode mode = *(KysoTestTsaMode *)user_data;

  *content_type = "application/timestamp-reply";
  switch (mode)
    {
      case KYSO_TEST_TSA_HTTP_500:
        *status = 500;
        *content_type = "text/plain";
        return g_bytes_new_static ("boom", 4);
      case KYSO_TEST_TSA_GARBAGE:
        return g_bytes_new_static ("this is not DER", 15);
      case KYSO_TEST_TSA_SLOW:
        for (int i = 0; i < 200 && !kyso_test_http_stopping (server); i++)
          g_usleep (50 * 1000);
        *status = 500;
        return NULL;
      default:
        if (g_strcmp0 (method, "POST") != 0)
          {
            *status = 405;
            return NULL;
          }
        return kyso_test_tsa_respond (body, mode);
    }
}
