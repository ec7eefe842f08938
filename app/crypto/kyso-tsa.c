#include "config.h"

#include "kyso-tsa.h"
#include "kyso-crypto-private.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <string.h>

/* An RFC 3161 answer with its certificates is a few KiB; anything huge is not a TSA. */
#define MAX_REPLY_BYTES (256 * 1024)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TS_REQ, TS_REQ_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TS_RESP, TS_RESP_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TS_VERIFY_CTX, TS_VERIFY_CTX_free)

static TS_REQ *
make_request (const guint8 digest[32])
{
  g_autoptr(TS_REQ) req = TS_REQ_new ();
  TS_MSG_IMPRINT *imprint = TS_MSG_IMPRINT_new ();
  X509_ALGOR *alg = X509_ALGOR_new ();
  ASN1_INTEGER *nonce = NULL;
  BIGNUM *bn = BN_new ();
  gboolean ok;

  /* sha256 with explicit NULL parameters, as `openssl ts -query` sends: some TSAs insist. */
  ok = req != NULL && imprint != NULL && alg != NULL && bn != NULL
       && X509_ALGOR_set0 (alg, OBJ_nid2obj (NID_sha256), V_ASN1_NULL, NULL) == 1
       && TS_MSG_IMPRINT_set_algo (imprint, alg) == 1
       && TS_MSG_IMPRINT_set_msg (imprint, (unsigned char *)digest, 32) == 1
       && TS_REQ_set_version (req, 1) == 1
       && TS_REQ_set_msg_imprint (req, imprint) == 1
       /* A 63-bit random nonce ties the answer to this request. */
       && BN_rand (bn, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1
       && (nonce = BN_to_ASN1_INTEGER (bn, NULL)) != NULL && TS_REQ_set_nonce (req, nonce) == 1
       && TS_REQ_set_cert_req (req, 1) == 1;
  ASN1_INTEGER_free (nonce);
  BN_free (bn);
  X509_ALGOR_free (alg);
  TS_MSG_IMPRINT_free (imprint);
  return ok ? g_steal_pointer (&req) : NULL;
}

static GBytes *
request_to_bytes (TS_REQ *req)
{
  unsigned char *der = NULL;
  int len = i2d_TS_REQ (req, &der);
  GBytes *out;

  if (len <= 0)
    return NULL;
  out = g_bytes_new (der, (gsize)len);
  OPENSSL_free (der);
  return out;
}

static const char *
status_text (long status)
{
  switch (status)
    {
      case TS_STATUS_REJECTION:
        /* Translators: what a time-stamp authority answered */
        return _("it refused the request");
      case TS_STATUS_WAITING:
        return _("it is busy");
      case TS_STATUS_REVOCATION_WARNING:
      case TS_STATUS_REVOCATION_NOTIFICATION:
        return _("its certificate is being revoked");
      default:
        return _("it could not make a time-stamp");
    }
}

/* The token's own certificates as trust anchors (partial chain): proves the token is signed by
 * the certificate it carries, with extendedKeyUsage timeStamping, without trusting anyone. */
static X509_STORE *
store_from_token (PKCS7 *token)
{
  X509_STORE *store = X509_STORE_new ();
  STACK_OF (X509) *certs = PKCS7_type_is_signed (token) ? token->d.sign->cert : NULL;

  if (store == NULL)
    return NULL;
  for (int i = 0; i < sk_X509_num (certs); i++)
    X509_STORE_add_cert (store, sk_X509_value (certs, i));
  X509_STORE_set_flags (store, X509_V_FLAG_PARTIAL_CHAIN);
  return store;
}

static X509_STORE *
store_from_file (const char *path)
{
  X509_STORE *store = X509_STORE_new ();

  if (store != NULL && X509_STORE_load_file (store, path) != 1)
    g_clear_pointer (&store, X509_STORE_free);
  return store;
}

/* TS_RESP_verify_response with the imprint, nonce, version and signature checks; the store is
 * handed over. */
static gboolean
verify_with_store (TS_RESP *resp, TS_REQ *req, X509_STORE *store)
{
  g_autoptr(TS_VERIFY_CTX) ctx = TS_REQ_to_TS_VERIFY_CTX (req, NULL);

  if (ctx == NULL)
    {
      X509_STORE_free (store);
      return FALSE;
    }
  TS_VERIFY_CTX_add_flags (ctx, TS_VFY_SIGNATURE | TS_VFY_SIGNER);
  TS_VERIFY_CTX_set_store (ctx, store);
  return TS_RESP_verify_response (ctx, resp) == 1;
}

static gboolean
same_integer (const ASN1_INTEGER *a, const ASN1_INTEGER *b)
{
  return a != NULL && b != NULL && ASN1_INTEGER_cmp (a, b) == 0;
}

static GBytes *
request_for_digest (const char *url, GBytes *digest, const KysoHttpOptions *http, const char *trust_file,
                    GCancellable *cancellable, GError **error)
{
  static const char *const headers[] = { "Accept: application/timestamp-reply", NULL };
  KysoHttpOptions options = { 0 };
  g_autoptr(TS_REQ) req = NULL;
  g_autoptr(TS_RESP) resp = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(KysoHttpResponse) response = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GUri) uri = NULL;
  TS_TST_INFO *info;
  TS_MSG_IMPRINT *imprint;
  const ASN1_OCTET_STRING *hash;
  const unsigned char *p;
  gsize len = 0;
  long status;
  unsigned char *der = NULL;
  int der_len;
  GBytes *token;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (digest != NULL && g_bytes_get_size (digest) == 32, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  host = g_strdup (uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : url);
  if (http != NULL)
    options = *http;
  if (options.max_body_bytes == 0 || options.max_body_bytes > MAX_REPLY_BYTES)
    options.max_body_bytes = MAX_REPLY_BYTES;

  req = make_request (g_bytes_get_data (digest, NULL));
  body = req ? request_to_bytes (req) : NULL;
  if (body == NULL)
    {
      kyso_crypto_clear_errors ();
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_FAILED,
                           _("The time-stamp request could not be made."));
      return NULL;
    }

  response = kyso_http_request ("POST", url, headers, body, "application/timestamp-query", &options,
                                cancellable, error);
  if (response == NULL)
    return NULL;
  if (response->status != 200)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                   _("The time-stamp service %s answered with an error (HTTP %u). Try again later, or sign "
                     "without a time-stamp."),
                      host, response->status);
      return NULL;
    }

  p = g_bytes_get_data (response->body, &len);
  if (p != NULL && len > 0)
    {
      const unsigned char *start = p;
      resp = d2i_TS_RESP (NULL, &p, (long)len);
      if (resp != NULL && (gsize)(p - start) != len)
        g_clear_pointer (&resp, TS_RESP_free);
    }
  if (resp == NULL)
    {
      kyso_crypto_clear_errors ();
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                   _("The time-stamp service %s sent an answer that is not a time-stamp."), host);
      return NULL;
    }

  status = ASN1_INTEGER_get (TS_STATUS_INFO_get0_status (TS_RESP_get_status_info (resp)));
  if (status != TS_STATUS_GRANTED && status != TS_STATUS_GRANTED_WITH_MODS)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                   _("The time-stamp service %s did not time-stamp: %s."), host, status_text (status));
      return NULL;
    }
  info = TS_RESP_get_tst_info (resp);
  if (info == NULL || TS_RESP_get_token (resp) == NULL)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                   _("The time-stamp service %s sent an answer that is not a time-stamp."), host);
      return NULL;
    }

  /* Checked here too (TS_RESP_verify_response does) for a clear message: an answer to another
   * request must never be taken. */
  imprint = TS_TST_INFO_get_msg_imprint (info);
  hash = TS_MSG_IMPRINT_get_msg (imprint);
  if (OBJ_obj2nid (TS_MSG_IMPRINT_get_algo (imprint)->algorithm) != NID_sha256
      || ASN1_STRING_length (hash) != 32
      || memcmp (ASN1_STRING_get0_data (hash), g_bytes_get_data (digest, NULL), 32) != 0
      || !same_integer (TS_TST_INFO_get_nonce (info), TS_REQ_get_nonce (req)))
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                   _("The time-stamp from %s does not match what was asked for; it was not used."), host);
      return NULL;
    }

  if (!verify_with_store (resp, req, store_from_token (TS_RESP_get_token (resp))))
    {
      kyso_crypto_clear_errors ();
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                   _("The time-stamp from %s is not properly signed by a time-stamp authority; it was not "
                     "used."),
                      host);
      return NULL;
    }
  if (trust_file != NULL)
    {
      X509_STORE *store = store_from_file (trust_file);

      if (store == NULL)
        {
          kyso_crypto_clear_errors ();
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                       _("The trusted certificates file “%s” cannot be read."), trust_file);
          return NULL;
        }
      if (!verify_with_store (resp, req, store))
        {
          kyso_crypto_clear_errors ();
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                       _("The time-stamp authority %s is not one Kyso trusts; the time-stamp was not used."),
                          host);
          return NULL;
        }
    }

  der_len = i2d_PKCS7 (TS_RESP_get_token (resp), &der);
  if (der_len <= 0)
    {
      kyso_crypto_clear_errors ();
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_FAILED, _("The time-stamp could not be stored."));
      return NULL;
    }
  token = g_bytes_new (der, (gsize)der_len);
  OPENSSL_free (der);
  kyso_crypto_clear_errors ();
  return token;
}

GBytes *
kyso_tsa_request_token_with_trust (const char *url, GBytes *data, const KysoHttpOptions *http,
                                   const char *trust_file, GCancellable *cancellable, GError **error)
{
  g_autoptr(GBytes) digest = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  digest = kyso_crypto_sha256 (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  return request_for_digest (url, digest, http, trust_file, cancellable, error);
}

GBytes *
kyso_tsa_request_token_for_digest (const char *url, GBytes *sha256, const KysoHttpOptions *http,
                                   GCancellable *cancellable, GError **error)
{
  return request_for_digest (url, sha256, http, NULL, cancellable, error);
}

GBytes *
kyso_tsa_request_token (const char *url, GBytes *data, const KysoHttpOptions *http, GCancellable *cancellable,
                        GError **error)
{
  return kyso_tsa_request_token_with_trust (url, data, http, NULL, cancellable, error);
}
