#include "config.h"

#include "kyso-crypto-private.h"
#include "kyso-error.h"
#include "kyso-http.h"

#include <glib/gi18n-lib.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <string.h>

/* Revocation of one certificate: OCSP from its AIA first (small, fresh), then the CRL from its
 * CRL distribution point. One address of each is tried, each with a short timeout, so that a
 * dead responder costs seconds, never a hang; whatever cannot be decided is "unknown". */

#define MAX_OCSP_BYTES (1024 * 1024)
#define MAX_CRL_BYTES (16 * 1024 * 1024)
/* Clock skew allowed between us and the responder (seconds). */
#define VALIDITY_LEEWAY 300
/* An OCSP answer without nextUpdate says nothing about how long it holds: it is taken only when
 * produced this recently (seconds). A CRL without nextUpdate, likewise. */
#define MAX_AGE_WITHOUT_NEXT_UPDATE 3600

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OCSP_CERTID, OCSP_CERTID_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OCSP_REQUEST, OCSP_REQUEST_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OCSP_RESPONSE, OCSP_RESPONSE_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OCSP_BASICRESP, OCSP_BASICRESP_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_CRL, X509_CRL_free)

typedef struct
{
  KysoRevocationStatus status;
  GDateTime *revoked_at;
  char *reason;
  GBytes *raw;               /* the OCSP response or CRL that decided, as received */
  gboolean transport_failed; /* the responder could not be reached or hung up */
} Outcome;

static GDateTime *
asn1_time_to_datetime (const ASN1_TIME *t)
{
  struct tm tm = { 0 };

  if (t == NULL || ASN1_TIME_to_tm (t, &tm) != 1)
    return NULL;
  return g_date_time_new_utc (tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
http_options (const KysoTrustOptions *options, gsize max_body, KysoHttpOptions *out)
{
  memset (out, 0, sizeof *out);
  out->ca_file = options->tls_ca_file;
  out->timeout_seconds = options->timeout_seconds ? options->timeout_seconds : 5;
  out->connect_timeout_seconds = options->connect_timeout_seconds ? options->connect_timeout_seconds : 3;
  out->max_body_bytes = max_body;
}

static gboolean
is_http_url (const char *url)
{
  return g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://");
}

/* → TRUE when the OCSP answer decided (good, revoked, or "unknown" said by the responder). */
static gboolean
try_ocsp (X509 *cert, X509 *issuer, X509_STORE *store, STACK_OF (X509) * untrusted,
          const KysoTrustOptions *options, const char *url, GCancellable *cancellable, Outcome *out,
          GError **error)
{
  g_autoptr (OCSP_CERTID) id = OCSP_cert_to_id (NULL, cert, issuer);
  g_autoptr (OCSP_REQUEST) req = OCSP_REQUEST_new ();
  g_autoptr (OCSP_RESPONSE) resp = NULL;
  g_autoptr (OCSP_BASICRESP) basic = NULL;
  g_autoptr (KysoHttpResponse) http = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) local_error = NULL;
  static const char *const headers[] = { "Accept: application/ocsp-response", NULL };
  KysoHttpOptions hopts;
  unsigned char *der = NULL;
  int der_len, status, reason = 0, nonce;
  ASN1_GENERALIZEDTIME *revtime = NULL, *thisupd = NULL, *nextupd = NULL;
  const unsigned char *p;
  gsize len;

  if (id == NULL || req == NULL || OCSP_request_add0_id (req, OCSP_CERTID_dup (id)) == NULL
      || OCSP_request_add1_nonce (req, NULL, -1) != 1 || (der_len = i2d_OCSP_REQUEST (req, &der)) <= 0)
    return FALSE;
  body = g_bytes_new (der, (gsize)der_len);
  OPENSSL_free (der);

  http_options (options, MAX_OCSP_BYTES, &hopts);
  http = kyso_http_request ("POST", url, headers, body, "application/ocsp-request", &hopts, cancellable,
                            &local_error);
  if (http == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        {
          g_free (out->reason);
          out->reason
            = g_strdup_printf (_ ("The revocation service did not answer (%s)."), local_error->message);
          out->transport_failed = TRUE;
        }
      return FALSE;
    }
  p = g_bytes_get_data (http->body, &len);
  if (http->status != 200 || p == NULL || len == 0 || (resp = d2i_OCSP_RESPONSE (NULL, &p, (long)len)) == NULL
      || OCSP_response_status (resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL
      || (basic = OCSP_response_get1_basic (resp)) == NULL)
    {
      out->reason = g_strdup (_ ("The revocation service sent an answer that cannot be used."));
      return FALSE;
    }
  /* 0: the responder echoed a different nonce (a replayed answer). Not echoing is allowed. */
  nonce = OCSP_check_nonce (req, basic);
  if (nonce == 0)
    {
      out->reason = g_strdup (_ ("The revocation service's answer was not made for this request."));
      return FALSE;
    }
  if (OCSP_basic_verify (basic, untrusted, store, 0) <= 0)
    {
      out->reason = g_strdup (_ ("The revocation service's answer is not signed by someone Kyso trusts."));
      return FALSE;
    }
  if (OCSP_resp_find_status (basic, id, &status, &reason, &revtime, &thisupd, &nextupd) != 1)
    {
      out->reason = g_strdup (_ ("The revocation service's answer is about another certificate."));
      return FALSE;
    }
  if (OCSP_check_validity (thisupd, nextupd, VALIDITY_LEEWAY,
                           nextupd != NULL ? -1 : MAX_AGE_WITHOUT_NEXT_UPDATE)
      != 1)
    {
      out->reason = g_strdup (_ ("The revocation service's answer is out of date."));
      return FALSE;
    }
  g_clear_pointer (&out->reason, g_free);
  g_clear_pointer (&out->raw, g_bytes_unref);
  out->raw = g_bytes_ref (http->body);
  switch (status)
    {
      case V_OCSP_CERTSTATUS_GOOD:
        out->status = KYSO_REVOCATION_GOOD;
        break;
      case V_OCSP_CERTSTATUS_REVOKED:
        out->status = KYSO_REVOCATION_REVOKED;
        out->revoked_at = asn1_time_to_datetime (revtime);
        break;
      default:
        out->status = KYSO_REVOCATION_UNKNOWN;
        out->reason = g_strdup (_ ("The revocation service does not know this certificate."));
        break;
    }
  return TRUE;
}

static X509_CRL *
parse_crl (GBytes *body)
{
  gsize len = 0;
  const unsigned char *p = g_bytes_get_data (body, &len);
  X509_CRL *crl;

  if (p == NULL || len == 0 || len > G_MAXINT)
    return NULL;
  crl = d2i_X509_CRL (NULL, &p, (long)len);
  if (crl == NULL)
    {
      g_autoptr (BIO) bio = BIO_new_mem_buf (g_bytes_get_data (body, NULL), (int)len);
      crl = PEM_read_bio_X509_CRL (bio, NULL, NULL, NULL);
    }
  return crl;
}

static gboolean
try_crl (X509 *cert, X509 *issuer, const KysoTrustOptions *options, const char *url,
         GCancellable *cancellable, Outcome *out, GError **error)
{
  g_autoptr (KysoHttpResponse) http = NULL;
  g_autoptr (X509_CRL) crl = NULL;
  g_autoptr (GError) local_error = NULL;
  KysoHttpOptions hopts;
  X509_REVOKED *revoked = NULL;
  const ASN1_TIME *next;

  http_options (options, MAX_CRL_BYTES, &hopts);
  http = kyso_http_request ("GET", url, NULL, NULL, NULL, &hopts, cancellable, &local_error);
  if (http == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        {
          g_free (out->reason);
          out->reason
            = g_strdup_printf (_ ("The revocation list could not be fetched (%s)."), local_error->message);
        }
      return FALSE;
    }
  if (http->status != 200 || (crl = parse_crl (http->body)) == NULL
      || X509_NAME_cmp (X509_CRL_get_issuer (crl), X509_get_subject_name (issuer)) != 0
      || X509_CRL_verify (crl, X509_get0_pubkey (issuer)) != 1)
    {
      g_free (out->reason);
      out->reason
        = g_strdup (_ ("The revocation list is not usable (unreadable, or not signed by the issuer)."));
      return FALSE;
    }
  next = X509_CRL_get0_nextUpdate (crl);
  if ((next != NULL && X509_cmp_time (next, NULL) < 0)
      || (next == NULL
          && X509_cmp_time (X509_CRL_get0_lastUpdate (crl),
                            &(time_t){ time (NULL) - MAX_AGE_WITHOUT_NEXT_UPDATE })
               < 0))
    {
      g_free (out->reason);
      out->reason = g_strdup (_ ("The revocation list is out of date."));
      return FALSE;
    }
  g_clear_pointer (&out->reason, g_free);
  g_clear_pointer (&out->raw, g_bytes_unref);
  out->raw = g_bytes_ref (http->body);
  /* 1: listed; 2: listed as removeFromCRL (no longer revoked). */
  if (X509_CRL_get0_by_cert (crl, &revoked, cert) == 1)
    {
      out->status = KYSO_REVOCATION_REVOKED;
      out->revoked_at = asn1_time_to_datetime (X509_REVOKED_get0_revocationDate (revoked));
    }
  else
    out->status = KYSO_REVOCATION_GOOD;
  return TRUE;
}

static char *
first_crl_url (X509 *cert)
{
  STACK_OF (DIST_POINT) *dps = X509_get_ext_d2i (cert, NID_crl_distribution_points, NULL, NULL);
  char *url = NULL;

  for (int i = 0; i < sk_DIST_POINT_num (dps) && url == NULL; i++)
    {
      DIST_POINT *dp = sk_DIST_POINT_value (dps, i);
      if (dp->distpoint == NULL || dp->distpoint->type != 0)
        continue;
      for (int j = 0; j < sk_GENERAL_NAME_num (dp->distpoint->name.fullname) && url == NULL; j++)
        {
          GENERAL_NAME *gn = sk_GENERAL_NAME_value (dp->distpoint->name.fullname, j);
          if (gn->type == GEN_URI)
            {
              const char *s = (const char *)ASN1_STRING_get0_data (gn->d.uniformResourceIdentifier);
              gsize n = (gsize)ASN1_STRING_length (gn->d.uniformResourceIdentifier);
              if (memchr (s, 0, n) == NULL)
                {
                  g_autofree char *u = g_strndup (s, n);
                  if (is_http_url (u))
                    url = g_steal_pointer (&u);
                }
            }
        }
    }
  sk_DIST_POINT_pop_free (dps, DIST_POINT_free);
  return url;
}

static char *
first_ocsp_url (X509 *cert)
{
  STACK_OF (OPENSSL_STRING) *urls = X509_get1_ocsp (cert);
  char *url = NULL;

  for (int i = 0; i < sk_OPENSSL_STRING_num (urls) && url == NULL; i++)
    if (is_http_url (sk_OPENSSL_STRING_value (urls, i)))
      url = g_strdup (sk_OPENSSL_STRING_value (urls, i));
  X509_email_free (urls);
  return url;
}

static gboolean
time_at_or_after (const ASN1_TIME *t, GDateTime *when)
{
  time_t limit;

  if (when == NULL)
    return TRUE;
  limit = (time_t)g_date_time_to_unix (when) - VALIDITY_LEEWAY;
  return t != NULL && X509_cmp_time (t, &limit) >= 0;
}

/* An OCSP answer kept in the document (/DSS): the responder's signature is checked as of when it
 * answered, and the answer must have been made after @signed_at (it then says the certificate
 * was not revoked when the signature was made). */
static gboolean
try_kept_ocsp (X509 *cert, X509 *issuer, X509_STORE *store, STACK_OF (X509) * untrusted, GBytes *der,
               GDateTime *signed_at, Outcome *out)
{
  g_autoptr (OCSP_RESPONSE) resp = NULL;
  g_autoptr (OCSP_BASICRESP) basic = NULL;
  const unsigned char *p;
  gsize len = 0;
  const EVP_MD *mds[] = { EVP_sha1 (), EVP_sha256 () };
  int status = -1, reason = 0;
  ASN1_GENERALIZEDTIME *revtime = NULL, *thisupd = NULL, *nextupd = NULL;
  const ASN1_GENERALIZEDTIME *produced;
  X509_VERIFY_PARAM *param = X509_STORE_get0_param (store);
  struct tm tm = { 0 };
  int ok;

  p = g_bytes_get_data (der, &len);
  if (p == NULL || len == 0 || len > MAX_OCSP_BYTES
      || (resp = d2i_OCSP_RESPONSE (NULL, &p, (long)len)) == NULL
      || OCSP_response_status (resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL
      || (basic = OCSP_response_get1_basic (resp)) == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (mds) && status < 0; i++)
    {
      g_autoptr (OCSP_CERTID) id = OCSP_cert_to_id (mds[i], cert, issuer);

      if (id == NULL
          || OCSP_resp_find_status (basic, id, &status, &reason, &revtime, &thisupd, &nextupd) != 1)
        status = -1;
    }
  if (status < 0 || !time_at_or_after (thisupd, signed_at))
    return FALSE;
  /* The responder's certificate as of when it answered, not as of today. */
  produced = OCSP_resp_get0_produced_at (basic);
  if (produced == NULL || ASN1_TIME_to_tm (produced, &tm) != 1)
    return FALSE;
  X509_VERIFY_PARAM_set_time (param, timegm (&tm));
  ok = OCSP_basic_verify (basic, untrusted, store, 0) > 0;
  X509_VERIFY_PARAM_clear_flags (param, X509_V_FLAG_USE_CHECK_TIME);
  if (!ok)
    return FALSE;
  g_clear_pointer (&out->reason, g_free);
  if (status == V_OCSP_CERTSTATUS_GOOD)
    out->status = KYSO_REVOCATION_GOOD;
  else if (status == V_OCSP_CERTSTATUS_REVOKED)
    {
      out->status = KYSO_REVOCATION_REVOKED;
      out->revoked_at = asn1_time_to_datetime (revtime);
    }
  else
    return FALSE;
  return TRUE;
}

static gboolean
try_kept_crl (X509 *cert, X509 *issuer, GBytes *der, GDateTime *signed_at, Outcome *out)
{
  g_autoptr (X509_CRL) crl = parse_crl (der);
  X509_REVOKED *revoked = NULL;

  if (crl == NULL || X509_NAME_cmp (X509_CRL_get_issuer (crl), X509_get_subject_name (issuer)) != 0
      || X509_CRL_verify (crl, X509_get0_pubkey (issuer)) != 1
      || !time_at_or_after (X509_CRL_get0_lastUpdate (crl), signed_at))
    return FALSE;
  g_clear_pointer (&out->reason, g_free);
  if (X509_CRL_get0_by_cert (crl, &revoked, cert) == 1)
    {
      out->status = KYSO_REVOCATION_REVOKED;
      out->revoked_at = asn1_time_to_datetime (X509_REVOKED_get0_revocationDate (revoked));
    }
  else
    out->status = KYSO_REVOCATION_GOOD;
  return TRUE;
}

KysoRevocationStatus
kyso_revocation_check (X509 *cert, X509 *issuer, X509_STORE *store, STACK_OF (X509) * untrusted,
                       const KysoTrustOptions *options, GCancellable *cancellable, GDateTime **out_revoked_at,
                       char **out_reason, GError **error)
{
  return kyso_revocation_check_at (cert, issuer, store, untrusted, options, NULL, cancellable, out_revoked_at,
                                   NULL, NULL, out_reason, error);
}

KysoRevocationStatus
kyso_revocation_check_at (X509 *cert, X509 *issuer, X509_STORE *store, STACK_OF (X509) * untrusted,
                          const KysoTrustOptions *options, GDateTime *signed_at, GCancellable *cancellable,
                          GDateTime **out_revoked_at, gboolean *out_kept, GBytes **out_raw, char **out_reason,
                          GError **error)
{
  static const KysoTrustOptions defaults = { 0 };
  g_autofree char *ocsp_url = NULL;
  g_autofree char *crl_url = NULL;
  g_autoptr (GError) local_error = NULL;
  Outcome out = { KYSO_REVOCATION_UNKNOWN, NULL, NULL, NULL, FALSE };
  gboolean decided = FALSE;

  if (options == NULL)
    options = &defaults;
  *out_revoked_at = NULL;
  *out_reason = NULL;
  if (out_kept != NULL)
    *out_kept = FALSE;
  if (out_raw != NULL)
    *out_raw = NULL;
  /* What the document keeps first: it is what lets a signature be checked years later. */
  for (guint i = 0;
       issuer != NULL && options->ocsp_responses != NULL && i < options->ocsp_responses->len && !decided; i++)
    decided = try_kept_ocsp (cert, issuer, store, untrusted, g_ptr_array_index (options->ocsp_responses, i),
                             signed_at, &out);
  for (guint i = 0; issuer != NULL && options->crls != NULL && i < options->crls->len && !decided; i++)
    decided = try_kept_crl (cert, issuer, g_ptr_array_index (options->crls, i), signed_at, &out);
  if (decided)
    {
      kyso_crypto_clear_errors ();
      if (out_kept != NULL)
        *out_kept = TRUE;
      if (out_raw != NULL)
        *out_raw = NULL;
      *out_revoked_at = out.revoked_at;
      *out_reason = out.reason;
      return out.status;
    }
  if (options->offline)
    {
      *out_reason = g_strdup (_ ("Revocation was not checked: working offline."));
      return KYSO_REVOCATION_UNKNOWN;
    }
  if (issuer == NULL)
    {
      *out_reason = g_strdup (_ ("Revocation cannot be checked without the issuer's certificate."));
      return KYSO_REVOCATION_UNKNOWN;
    }

  ocsp_url = first_ocsp_url (cert);
  crl_url = first_crl_url (cert);
  if (ocsp_url == NULL && crl_url == NULL)
    {
      *out_reason = g_strdup (_ ("The certificate names no revocation service."));
      return KYSO_REVOCATION_UNKNOWN;
    }
  if (ocsp_url != NULL)
    decided = try_ocsp (cert, issuer, store, untrusted, options, ocsp_url, cancellable, &out, &local_error);
  /* A connection dropped once is worth one more try: the answer decides whether a signature is
   * confirmed. */
  if (ocsp_url != NULL && !decided && local_error == NULL && out.transport_failed)
    decided = try_ocsp (cert, issuer, store, untrusted, options, ocsp_url, cancellable, &out, &local_error);
  if (!decided && local_error == NULL && crl_url != NULL)
    decided = try_crl (cert, issuer, options, crl_url, cancellable, &out, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto fail;
    }
  kyso_crypto_clear_errors ();
  if (!decided)
    out.status = KYSO_REVOCATION_UNKNOWN;
  *out_revoked_at = out.revoked_at;
  *out_reason = out.reason;
  if (out_raw != NULL)
    *out_raw = decided ? g_steal_pointer (&out.raw) : NULL;
  g_clear_pointer (&out.raw, g_bytes_unref);
  return out.status;

fail:
  g_clear_pointer (&out.raw, g_bytes_unref);
  kyso_crypto_clear_errors ();
  g_clear_pointer (&out.revoked_at, g_date_time_unref);
  g_free (out.reason);
  return KYSO_REVOCATION_UNKNOWN;
}
