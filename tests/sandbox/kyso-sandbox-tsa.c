/* The RFC 3161 time-stamp authority, the OCSP responder (RFC 6960) and the CA certificates named
 * by the AIA extensions — all with OpenSSL's own TS and OCSP code, as a real CA would run. */

#include "kyso-sandbox-private.h"
#include "kyso-sandbox-pki.h"

#include <openssl/ocsp.h>
#include <openssl/rand.h>
#include <openssl/ts.h>

#define TSA_POLICY "1.3.6.1.4.1.59999.1.1"

static TS_RESP_CTX *tsa_ctx;
static guint64 tsa_serial;

static ASN1_INTEGER *
tsa_serial_cb (TS_RESP_CTX *ctx, void *data)
{
  ASN1_INTEGER *serial = ASN1_INTEGER_new ();

  ASN1_INTEGER_set_uint64 (serial, ++tsa_serial);
  return serial;
}

static GBytes *
request_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  return body != NULL ? soup_message_body_flatten (body) : g_bytes_new (NULL, 0);
}

static void
tsa_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
             gpointer user_data)
{
  KysoSandbox *self = user_data;
  g_autoptr (GBytes) body = NULL;
  gsize len = 0;
  const char *data;
  BIO *in;
  TS_RESP *resp;
  guchar *der = NULL;
  int der_len;
  g_autoptr (GBytes) out = NULL;

  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  if (!kyso_sandbox_begin (self, msg, "tsa"))
    return;
  body = request_body (msg);
  data = g_bytes_get_data (body, &len);
  in = BIO_new_mem_buf (data, (int)len);
  /* A malformed request still gets a TimeStampResp (status rejection), as RFC 3161 asks. */
  resp = TS_RESP_create_response (tsa_ctx, in);
  BIO_free (in);
  if (resp == NULL)
    {
      kyso_sandbox_reply_bytes (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain", NULL);
      return;
    }
  der_len = i2d_TS_RESP (resp, &der);
  TS_RESP_free (resp);
  out = g_bytes_new (der, der_len > 0 ? (gsize)der_len : 0);
  OPENSSL_free (der);
  kyso_sandbox_reply_bytes (self, msg, SOUP_STATUS_OK, "application/timestamp-reply", out);
}

static void
tsa_uninstall (gpointer data)
{
  g_clear_pointer (&tsa_ctx, TS_RESP_CTX_free);
}

void
kyso_sandbox_tsa_install (KysoSandbox *self)
{
  g_autofree char *url = kyso_sandbox_dup_url (self, "/tsa");
  ASN1_OBJECT *policy = OBJ_txt2obj (TSA_POLICY, 1);

  RAND_bytes ((guchar *)&tsa_serial, sizeof tsa_serial);
  tsa_serial >>= 8;
  tsa_ctx = TS_RESP_CTX_new ();
  TS_RESP_CTX_set_signer_cert (tsa_ctx, self->tsa_cert);
  TS_RESP_CTX_set_signer_key (tsa_ctx, self->tsa_key);
  TS_RESP_CTX_set_signer_digest (tsa_ctx, EVP_sha256 ());
  TS_RESP_CTX_set_ess_cert_id_digest (tsa_ctx, EVP_sha256 ());
  TS_RESP_CTX_set_def_policy (tsa_ctx, policy);
  TS_RESP_CTX_add_md (tsa_ctx, EVP_sha256 ());
  TS_RESP_CTX_add_md (tsa_ctx, EVP_sha384 ());
  TS_RESP_CTX_add_md (tsa_ctx, EVP_sha512 ());
  TS_RESP_CTX_set_accuracy (tsa_ctx, 1, 0, 0);
  TS_RESP_CTX_set_serial_cb (tsa_ctx, tsa_serial_cb, NULL);
  TS_RESP_CTX_add_flags (tsa_ctx, TS_TSA_NAME);
  ASN1_OBJECT_free (policy);

  kyso_sandbox_add_cleanup (self, tsa_uninstall, NULL);
  kyso_sandbox_add_handler (self, "/tsa", tsa_handler, self);
  kyso_sandbox_set_url (self, "tsa", url);
  kyso_sandbox_set_config (self, "tsa", "url", url);
}

/* --- OCSP ------------------------------------------------------------------------------------- */

static KysoSandboxProvider *
find_issuer (KysoSandbox *self, OCSP_CERTID *cid)
{
  ASN1_OBJECT *md_obj = NULL;
  const EVP_MD *md;

  OCSP_id_get0_info (NULL, &md_obj, NULL, NULL, cid);
  if ((md = EVP_get_digestbyobj (md_obj)) == NULL)
    return NULL;
  for (guint i = 0; i < self->providers->len; i++)
    {
      KysoSandboxProvider *p = g_ptr_array_index (self->providers, i);
      OCSP_CERTID *ca_id = OCSP_cert_to_id (md, NULL, p->cert);
      int cmp = OCSP_id_issuer_cmp (ca_id, cid);
      OCSP_CERTID_free (ca_id);
      if (cmp == 0)
        return p;
    }
  return NULL;
}

static OCSP_RESPONSE *
ocsp_answer (KysoSandbox *self, const guchar *der, gsize len)
{
  const guchar *p = der;
  OCSP_REQUEST *req = d2i_OCSP_REQUEST (NULL, &p, (long)len);
  OCSP_BASICRESP *basic;
  OCSP_RESPONSE *resp;
  KysoSandboxProvider *signer = NULL;
  ASN1_TIME *this_update, *next_update;
  STACK_OF (X509) * extra;
  int n = req != NULL ? OCSP_request_onereq_count (req) : 0;

  if (n <= 0)
    {
      OCSP_REQUEST_free (req);
      return OCSP_response_create (OCSP_RESPONSE_STATUS_MALFORMEDREQUEST, NULL);
    }
  basic = OCSP_BASICRESP_new ();
  this_update = X509_gmtime_adj (NULL, 0);
  next_update = X509_gmtime_adj (NULL, 3600);
  for (int i = 0; i < n; i++)
    {
      OCSP_CERTID *cid = OCSP_onereq_get0_id (OCSP_request_onereq_get0 (req, i));
      KysoSandboxProvider *issuer = find_issuer (self, cid);
      ASN1_INTEGER *serial = NULL;
      KysoSandboxIssued *issued;

      if (issuer == NULL)
        {
          /* Not one of our CAs: we are not authorised to answer for it. */
          OCSP_BASICRESP_free (basic);
          OCSP_REQUEST_free (req);
          ASN1_TIME_free (this_update);
          ASN1_TIME_free (next_update);
          return OCSP_response_create (OCSP_RESPONSE_STATUS_UNAUTHORIZED, NULL);
        }
      if (signer == NULL)
        signer = issuer;
      OCSP_id_get0_info (NULL, NULL, NULL, &serial, cid);
      issued = kyso_sandbox_pki_lookup (self, issuer, serial);
      if (issued == NULL)
        OCSP_basic_add1_status (basic, cid, V_OCSP_CERTSTATUS_UNKNOWN, 0, NULL, this_update, next_update);
      else if (issued->revoked)
        {
          ASN1_TIME *when = ASN1_TIME_set (NULL, (time_t)issued->revoked_at);
          OCSP_basic_add1_status (basic, cid, V_OCSP_CERTSTATUS_REVOKED, OCSP_REVOKED_STATUS_KEYCOMPROMISE,
                                  when, this_update, next_update);
          ASN1_TIME_free (when);
        }
      else
        OCSP_basic_add1_status (basic, cid, V_OCSP_CERTSTATUS_GOOD, 0, NULL, this_update, next_update);
    }
  OCSP_copy_nonce (basic, req);
  /* The responder's issuing CA goes along, so that a client trusting only the root can check it. */
  extra = sk_X509_new_null ();
  if (signer->cert != self->root_cert)
    sk_X509_push (extra, signer->cert);
  OCSP_basic_sign (basic, signer->ocsp_cert, self->ocsp_key, EVP_sha256 (), extra, 0);
  sk_X509_free (extra);
  resp = OCSP_response_create (OCSP_RESPONSE_STATUS_SUCCESSFUL, basic);
  OCSP_BASICRESP_free (basic);
  OCSP_REQUEST_free (req);
  ASN1_TIME_free (this_update);
  ASN1_TIME_free (next_update);
  return resp;
}

static void
ocsp_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
              gpointer user_data)
{
  KysoSandbox *self = user_data;
  g_autoptr (GBytes) body = NULL;
  g_autofree guchar *decoded = NULL;
  const guchar *der;
  gsize len = 0;
  OCSP_RESPONSE *resp;
  guchar *out = NULL;
  int out_len;
  g_autoptr (GBytes) answer = NULL;

  if (!kyso_sandbox_begin (self, msg, "ocsp"))
    return;
  if (g_str_equal (soup_server_message_get_method (msg), "GET") && g_str_has_prefix (path, "/ocsp/"))
    {
      /* RFC 6960 A.1: GET {url}/{url-encoding of base-64 encoding of the DER request}. */
      g_autofree char *b64 = g_uri_unescape_string (path + strlen ("/ocsp/"), NULL);
      decoded = b64 != NULL ? g_base64_decode (b64, &len) : NULL;
      der = decoded;
    }
  else if (g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      body = request_body (msg);
      der = g_bytes_get_data (body, &len);
    }
  else
    {
      kyso_sandbox_reply_bytes (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "text/plain", NULL);
      return;
    }
  resp = ocsp_answer (self, der != NULL ? der : (const guchar *)"", der != NULL ? len : 0);
  out_len = i2d_OCSP_RESPONSE (resp, &out);
  OCSP_RESPONSE_free (resp);
  answer = g_bytes_new (out, out_len > 0 ? (gsize)out_len : 0);
  OPENSSL_free (out);
  kyso_sandbox_reply_bytes (self, msg, SOUP_STATUS_OK, "application/ocsp-response", answer);
}

static void
ca_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
            gpointer user_data)
{
  KysoSandbox *self = user_data;
  const char *name = path + strlen ("/ca/");

  if (g_str_has_prefix (path, "/ca/") && g_str_has_suffix (name, ".crt"))
    for (guint i = 0; i < self->providers->len; i++)
      {
        KysoSandboxProvider *p = g_ptr_array_index (self->providers, i);
        g_autofree char *file = g_strconcat (p->id, ".crt", NULL);
        if (g_str_equal (name, file))
          {
            g_autoptr (GBytes) der = kyso_sandbox_pki_der (p->cert);
            kyso_sandbox_reply_bytes (self, msg, SOUP_STATUS_OK, "application/pkix-cert", der);
            return;
          }
      }
  kyso_sandbox_reply_bytes (self, msg, SOUP_STATUS_NOT_FOUND, "text/plain", NULL);
}

void
kyso_sandbox_ocsp_install (KysoSandbox *self)
{
  g_autofree char *url = kyso_sandbox_dup_url (self, "/ocsp");
  g_autofree char *http_url = g_strconcat (self->http_base_url, "/ocsp", NULL);
  g_autofree char *issuer = g_strconcat (self->http_base_url, "/ca/", NULL);

  /* Both on HTTPS and on the plain-HTTP port named inside the certificates. */
  kyso_sandbox_add_handler (self, "/ocsp", ocsp_handler, self);
  kyso_sandbox_add_handler (self, "/ca", ca_handler, self);
  soup_server_add_handler (self->http_server, "/ocsp", ocsp_handler, self, NULL);
  soup_server_add_handler (self->http_server, "/ca", ca_handler, self, NULL);
  kyso_sandbox_set_url (self, "ocsp", url);
  kyso_sandbox_set_url (self, "ocsp_http", http_url);
  kyso_sandbox_set_url (self, "ca_issuers", issuer);
}
