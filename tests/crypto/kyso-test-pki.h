#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Test helpers for the crypto area: a real PKI made by make-pki.sh with the openssl command,
 * a small HTTP/1.1 server on loopback running in its own thread, and an in-process RFC 3161
 * time-stamp authority built on OpenSSL's TS_RESP_CTX. */

typedef struct
{
  char *dir;
  guint16 ocsp_port; /* in the AIA of signer, signer-ec, revoked */
  guint16 http_port; /* in the CRLDP: http://127.0.0.1:http_port/sub.crl */
} KysoTestPki;

/* Makes the PKI once per process (under $KYSO_TEST_TMPDIR or a fresh temp dir). */
KysoTestPki *
kyso_test_pki_get (void);
void
kyso_test_pki_cleanup (void);
char *
kyso_test_pki_path (const char *name);
/* PEM certificate @name ("signer", "sub/sub", "root/root" …, without .pem) → DER. */
GBytes *
kyso_test_pki_cert (const char *name);
/* The chain of a leaf issued by the sub CA: leaf, sub, root (DER). */
GPtrArray *
kyso_test_pki_chain (const char *leaf);
/* Signs the SHA-256 @digest with @name.key (RSA PKCS#1 v1.5 or ECDSA DER). */
GBytes *
kyso_test_pki_sign_digest (const char *name, GBytes *digest);
/* A port nobody listens on right now. */
guint16
kyso_test_free_port (void);

/* Runs `openssl ARGS…`, asserting nothing; returns the exit status and fills @out (may be NULL). */
int
kyso_test_openssl (char **out, const char *first_arg, ...) G_GNUC_NULL_TERMINATED;

/* A real `openssl ocsp` responder for the sub CA on the PKI's ocsp_port (it listens on that port,
 * the AIA of the certificates points at 127.0.0.1). Returns once it accepts connections; it dies
 * with the test process. */
GPid
kyso_test_ocsp_start (void);
void
kyso_test_ocsp_stop (GPid pid);

/* HTTP server. The handler runs on the server thread; it returns the body (owned, may be NULL)
 * and sets *status and *content_type (static string). */
typedef struct _KysoTestHttp KysoTestHttp;

typedef GBytes *(*KysoTestHttpHandler) (KysoTestHttp *server, const char *method, const char *path,
                                        GBytes *body, guint *status, const char **content_type,
                                        gpointer user_data);

KysoTestHttp *
kyso_test_http_new (guint16 port, KysoTestHttpHandler handler, gpointer user_data);
char *
kyso_test_http_url (KysoTestHttp *self, const char *path);
guint
kyso_test_http_request_count (KysoTestHttp *self);
/* TRUE once the server is shutting down (for handlers that wait). */
gboolean
kyso_test_http_stopping (KysoTestHttp *self);
void
kyso_test_http_free (KysoTestHttp *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoTestHttp, kyso_test_http_free)

/* In-process TSA with the PKI's tsa certificate. */
typedef enum
{
  KYSO_TEST_TSA_GOOD,
  KYSO_TEST_TSA_WRONG_NONCE,
  KYSO_TEST_TSA_WRONG_IMPRINT,
  KYSO_TEST_TSA_REJECTION,
  KYSO_TEST_TSA_HTTP_500,
  KYSO_TEST_TSA_GARBAGE,
  KYSO_TEST_TSA_SLOW,
  KYSO_TEST_TSA_WRONG_SIGNER, /* signed by a certificate that is not a TSA (no timeStamping) */
} KysoTestTsaMode;

/* A TimeStampResp (DER) answering the TimeStampReq @request_der. */
GBytes *
kyso_test_tsa_respond (GBytes *request_der, KysoTestTsaMode mode);
/* A TimeStampToken over SHA-256(@data), made directly (no HTTP). */
GBytes *
kyso_test_tsa_token_for (GBytes *data);
/* The same from the PKI's certificate @tsa ("tsa", or "rogue-tsa" under the untrusted root) with
 * the genTime @gen_time (NULL = now): a backdating authority. Not thread-safe. */
GBytes *
kyso_test_tsa_token_custom (GBytes *data, const char *tsa, GDateTime *gen_time);
/* A handler for kyso_test_http_new(); @user_data points to a KysoTestTsaMode. */
GBytes *
kyso_test_tsa_handler (KysoTestHttp *server, const char *method, const char *path, GBytes *body,
                       guint *status, const char **content_type, gpointer user_data);

G_END_DECLS
