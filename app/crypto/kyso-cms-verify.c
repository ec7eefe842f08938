#include "config.h"

#include "kyso-cms-verify.h"
#include "kyso-crypto-private.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <openssl/cms.h>
#include <openssl/ess.h>
#include <openssl/ocsp.h>
#include <openssl/ts.h>
#include <string.h>

struct _KysoCmsVerifier
{
  CMS_ContentInfo *cms;
  CMS_SignerInfo *si; /* owned by cms */
  KysoCmsKind kind;
  const EVP_MD *content_md; /* what the caller hashes the byte ranges with */
  const EVP_MD *signer_md;  /* the SignerInfo's digestAlgorithm */
  GBytes *econtent;         /* encapsulated content: SHA-1 value or TSTInfo DER */
  TS_TST_INFO *tst;         /* KYSO_CMS_KIND_TIMESTAMP */
  STACK_OF (X509) * certs;  /* the CMS's certificates */
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TS_TST_INFO, TS_TST_INFO_free)

const char *
kyso_pades_level_to_string (KysoPadesLevel level)
{
  switch (level)
    {
      case KYSO_PADES_LEVEL_B_B:
        return "B-B";
      case KYSO_PADES_LEVEL_B_T:
        return "B-T";
      case KYSO_PADES_LEVEL_B_LT:
        return "B-LT";
      case KYSO_PADES_LEVEL_B_LTA:
        return "B-LTA";
      case KYSO_PADES_LEVEL_NONE:
      default:
        return NULL;
    }
}

void
kyso_cms_result_free (KysoCmsResult *result)
{
  if (result == NULL)
    return;
  g_clear_object (&result->signer);
  g_clear_pointer (&result->chain, g_ptr_array_unref);
  g_clear_pointer (&result->claimed_signing_time, g_date_time_unref);
  g_clear_pointer (&result->timestamp_time, g_date_time_unref);
  g_clear_object (&result->timestamp_signer);
  g_clear_pointer (&result->signing_time_used, g_date_time_unref);
  g_clear_object (&result->anchor);
  g_clear_pointer (&result->revocation_time, g_date_time_unref);
  g_clear_pointer (&result->reasons, g_ptr_array_unref);
  g_free (result);
}

void
kyso_cms_verifier_free (KysoCmsVerifier *self)
{
  if (self == NULL)
    return;
  CMS_ContentInfo_free (self->cms);
  g_clear_pointer (&self->econtent, g_bytes_unref);
  TS_TST_INFO_free (self->tst);
  sk_X509_pop_free (self->certs, X509_free);
  g_free (self);
}

static KysoCmsVerifier *
broken (KysoCmsVerifier *self, GError **error, const char *message)
{
  kyso_crypto_clear_errors ();
  kyso_cms_verifier_free (self);
  g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE, message);
  return NULL;
}

KysoCmsVerifier *
kyso_cms_verifier_new (GBytes *cms_der, GError **error)
{
  KysoCmsVerifier *self;
  gsize len = 0;
  const unsigned char *data, *p;
  const ASN1_OBJECT *type;
  ASN1_OCTET_STRING **content;
  X509_ALGOR *digest_alg = NULL;
  X509_ALGOR *imprint_alg;

  g_return_val_if_fail (cms_der != NULL, NULL);

  self = g_new0 (KysoCmsVerifier, 1);
  data = p = g_bytes_get_data (cms_der, &len);
  if (data == NULL || len == 0 || len > G_MAXLONG)
    return broken (self, error, _ ("The signature is empty."));
  self->cms = d2i_CMS_ContentInfo (NULL, &p, (long)len);
  if (self->cms == NULL)
    return broken (self, error, _ ("The signature data cannot be read (it is not a CMS signature)."));
  /* /Contents is a fixed-size placeholder: the CMS is followed by zeros, and by nothing else. */
  for (const unsigned char *q = p; q < data + len; q++)
    if (*q != 0)
      return broken (self, error, _ ("There is extra data after the signature inside the signature value."));

  if (OBJ_obj2nid (CMS_get0_type (self->cms)) != NID_pkcs7_signed)
    return broken (self, error, _ ("The signature data is not a signed-data structure."));
  if (sk_CMS_SignerInfo_num (CMS_get0_SignerInfos (self->cms)) != 1)
    return broken (self, error, _ ("The signature data must hold exactly one signer."));
  self->si = sk_CMS_SignerInfo_value (CMS_get0_SignerInfos (self->cms), 0);
  self->certs = CMS_get1_certs (self->cms);
  if (self->certs == NULL)
    self->certs = sk_X509_new_null ();

  CMS_SignerInfo_get0_algs (self->si, NULL, NULL, &digest_alg, NULL);
  self->signer_md = digest_alg ? EVP_get_digestbyobj (digest_alg->algorithm) : NULL;
  if (self->signer_md == NULL)
    {
      kyso_cms_verifier_free (self);
      kyso_crypto_clear_errors ();
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                           _ ("The signature uses a digest algorithm Kyso does not know."));
      return NULL;
    }

  type = CMS_get0_eContentType (self->cms);
  content = CMS_get0_content (self->cms);
  if (content != NULL && *content != NULL)
    self->econtent = g_bytes_new (ASN1_STRING_get0_data (*content), (gsize)ASN1_STRING_length (*content));

  if (OBJ_obj2nid (type) == NID_id_smime_ct_TSTInfo)
    {
      const unsigned char *t;
      if (self->econtent == NULL)
        return broken (self, error, _ ("The time-stamp holds no time-stamp information."));
      t = g_bytes_get_data (self->econtent, NULL);
      self->tst = d2i_TS_TST_INFO (NULL, &t, (long)g_bytes_get_size (self->econtent));
      if (self->tst == NULL)
        return broken (self, error, _ ("The time-stamp information cannot be read."));
      self->kind = KYSO_CMS_KIND_TIMESTAMP;
      imprint_alg = TS_MSG_IMPRINT_get_algo (TS_TST_INFO_get_msg_imprint (self->tst));
      self->content_md = EVP_get_digestbyobj (imprint_alg->algorithm);
      if (self->content_md == NULL)
        {
          kyso_cms_verifier_free (self);
          kyso_crypto_clear_errors ();
          g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                               _ ("The time-stamp uses a digest algorithm Kyso does not know."));
          return NULL;
        }
    }
  else if (OBJ_obj2nid (type) == NID_pkcs7_data)
    {
      if (self->econtent == NULL)
        {
          self->kind = KYSO_CMS_KIND_DETACHED;
          self->content_md = self->signer_md;
        }
      else if (g_bytes_get_size (self->econtent) == 20)
        {
          /* adbe.pkcs7.sha1: the signed content is the SHA-1 of the byte ranges. */
          self->kind = KYSO_CMS_KIND_SHA1_CONTENT;
          self->content_md = EVP_sha1 ();
        }
      else
        return broken (self, error,
                       _ ("The signature carries content of its own instead of signing the file."));
    }
  else
    return broken (self, error, _ ("The signature signs something other than a document."));

  kyso_crypto_clear_errors ();
  return self;
}

KysoCmsKind
kyso_cms_verifier_get_kind (KysoCmsVerifier *self)
{
  g_return_val_if_fail (self != NULL, KYSO_CMS_KIND_DETACHED);
  return self->kind;
}

const EVP_MD *
kyso_cms_verifier_get_digest_algorithm (KysoCmsVerifier *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->content_md;
}

/* ---- checks ------------------------------------------------------------------------- */

static GDateTime *
asn1_time_to_datetime (const ASN1_TIME *t)
{
  struct tm tm = { 0 };

  if (t == NULL || ASN1_TIME_to_tm (t, &tm) != 1)
    return NULL;
  return g_date_time_new_utc (tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
add_reason (KysoCmsResult *r, char *reason)
{
  g_ptr_array_add (r->reasons, reason);
}

static void
set_broken (KysoCmsResult *r, const char *reason)
{
  r->intact = FALSE;
  /* Integrity reasons go first: they decide the status. */
  g_ptr_array_insert (r->reasons, 0, g_strdup (reason));
}

static const char *
md_display_name (const EVP_MD *md)
{
  switch (EVP_MD_get_type (md))
    {
      case NID_sha1:
        return "SHA-1";
      case NID_sha224:
        return "SHA-224";
      case NID_sha256:
        return "SHA-256";
      case NID_sha384:
        return "SHA-384";
      case NID_sha512:
        return "SHA-512";
      case NID_md5:
        return "MD5";
      default:
        return OBJ_nid2sn (EVP_MD_get_type (md));
    }
}

static X509 *
find_signer (KysoCmsVerifier *self, STACK_OF (X509) * untrusted)
{
  for (int i = 0; i < sk_X509_num (untrusted); i++)
    if (CMS_SignerInfo_cert_cmp (self->si, sk_X509_value (untrusted, i)) == 0)
      return sk_X509_value (untrusted, i);
  return NULL;
}

static GBytes *
digest_of (const EVP_MD *md, GBytes *data)
{
  guint8 out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;

  if (EVP_Digest (g_bytes_get_data (data, NULL), g_bytes_get_size (data), out, &len, md, NULL) != 1)
    return NULL;
  return g_bytes_new (out, len);
}

static gboolean
octets_equal (const ASN1_OCTET_STRING *s, GBytes *b)
{
  return s != NULL && b != NULL && (gsize)ASN1_STRING_length (s) == g_bytes_get_size (b)
         && memcmp (ASN1_STRING_get0_data (s), g_bytes_get_data (b, NULL), g_bytes_get_size (b)) == 0;
}

/* The value the signature covers: content digest as the signed attributes must state it. */
static GBytes *
expected_message_digest (KysoCmsVerifier *self, GBytes *content_digest, KysoCmsResult *r)
{
  switch (self->kind)
    {
      case KYSO_CMS_KIND_SHA1_CONTENT:
        if (!g_bytes_equal (self->econtent, content_digest))
          {
            set_broken (r, _ ("The document was changed after it was signed: its digest does not match."));
            return NULL;
          }
        return digest_of (self->signer_md, self->econtent);
      case KYSO_CMS_KIND_TIMESTAMP:
        if (!octets_equal (TS_MSG_IMPRINT_get_msg (TS_TST_INFO_get_msg_imprint (self->tst)), content_digest))
          {
            set_broken (r,
                        _ ("The document was changed after it was time-stamped: its digest does not match."));
            return NULL;
          }
        return digest_of (self->signer_md, self->econtent);
      case KYSO_CMS_KIND_DETACHED:
      default:
        return g_bytes_ref (content_digest);
    }
}

static void
check_signature (KysoCmsVerifier *self, X509 *signer, GBytes *content_digest, KysoCmsResult *r)
{
  g_autoptr (GBytes) expected = expected_message_digest (self, content_digest, r);

  if (expected == NULL)
    return;
  if (CMS_signed_get_attr_count (self->si) > 0)
    {
      const ASN1_OCTET_STRING *md = CMS_signed_get0_data_by_OBJ (
        self->si, OBJ_nid2obj (NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING);
      const ASN1_OBJECT *ctype
        = CMS_signed_get0_data_by_OBJ (self->si, OBJ_nid2obj (NID_pkcs9_contentType), -3, V_ASN1_OBJECT);
      if (!octets_equal (md, expected))
        {
          set_broken (r, md == NULL
                      ? _ ("The signature does not state which document digest it signs.")
                      : _ ("The document was changed after it was signed: its digest does not match."));
          return;
        }
      /* RFC 5652 §11.1: the content-type attribute must name what is signed. */
      if (ctype == NULL || OBJ_cmp (ctype, CMS_get0_eContentType (self->cms)) != 0)
        {
          set_broken (r, _ ("The signature's content type does not match what it signs."));
          return;
        }
      CMS_SignerInfo_set1_signer_cert (self->si, signer);
      if (CMS_SignerInfo_verify (self->si) != 1)
        set_broken (r,
                    _ ("The signature value does not verify with the signer's certificate: it was forged or "
                       "damaged."));
    }
  else
    {
      /* Old PKCS#7 without attributes: the signature is directly over the content's digest. */
      if (!kyso_crypto_verify_digest (
            X509_get0_pubkey (signer), self->signer_md, g_bytes_get_data (expected, NULL),
            g_bytes_get_size (expected), ASN1_STRING_get0_data (CMS_SignerInfo_get0_signature (self->si)),
            (gsize)ASN1_STRING_length (CMS_SignerInfo_get0_signature (self->si)), NULL))
        set_broken (r,
                    _ ("The signature value does not verify with the signer's certificate: it was forged or "
                       "damaged."));
    }
}

/* ESS signing-certificate(-v2): binds the signature to one certificate, so that it cannot be
 * swapped for another with the same key or the same issuer and serial. */
static void
check_signing_certificate (KysoCmsVerifier *self, X509 *signer, KysoCmsResult *r)
{
  const ASN1_STRING *v2 = CMS_signed_get0_data_by_OBJ (
    self->si, OBJ_nid2obj (NID_id_smime_aa_signingCertificateV2), -3, V_ASN1_SEQUENCE);
  const ASN1_STRING *v1 = CMS_signed_get0_data_by_OBJ (
    self->si, OBJ_nid2obj (NID_id_smime_aa_signingCertificate), -3, V_ASN1_SEQUENCE);
  ESS_SIGNING_CERT_V2 *ss2 = NULL;
  ESS_SIGNING_CERT *ss1 = NULL;
  STACK_OF (X509) * just_signer;
  const unsigned char *p;

  if (v2 == NULL && v1 == NULL)
    return;
  if (v2 != NULL)
    {
      p = ASN1_STRING_get0_data (v2);
      if ((ss2 = d2i_ESS_SIGNING_CERT_V2 (NULL, &p, ASN1_STRING_length (v2))) == NULL)
        goto bad;
    }
  if (v1 != NULL)
    {
      p = ASN1_STRING_get0_data (v1);
      if ((ss1 = d2i_ESS_SIGNING_CERT (NULL, &p, ASN1_STRING_length (v1))) == NULL)
        {
          ESS_SIGNING_CERT_V2_free (ss2);
          goto bad;
        }
    }
  just_signer = sk_X509_new_null ();
  sk_X509_push (just_signer, signer);
  r->has_signing_certificate = OSSL_ESS_check_signing_certs (ss1, ss2, just_signer, 1) == 1;
  sk_X509_free (just_signer);
  ESS_SIGNING_CERT_V2_free (ss2);
  ESS_SIGNING_CERT_free (ss1);
  if (r->has_signing_certificate)
    return;
bad:
  set_broken (r, _ ("The signature names a different certificate than the one it carries."));
}

static void
read_signing_time (KysoCmsVerifier *self, KysoCmsResult *r)
{
  int idx = CMS_signed_get_attr_by_NID (self->si, NID_pkcs9_signingTime, -1);
  ASN1_TYPE *t = idx >= 0 ? X509_ATTRIBUTE_get0_type (CMS_signed_get_attr (self->si, idx), 0) : NULL;

  if (t != NULL && (t->type == V_ASN1_UTCTIME || t->type == V_ASN1_GENERALIZEDTIME))
    r->claimed_signing_time = asn1_time_to_datetime (t->value.utctime);
}

static gboolean
check_internal (KysoCmsVerifier *self, GBytes *content_digest, const KysoTrustOptions *trust, guint depth,
                GCancellable *cancellable, KysoCmsResult **out, GError **error);

/* The signature time-stamp, an unsigned attribute: anyone may add one, so a bad one is ignored
 * (with a reason), never a reason to call the signature broken. */
static void
check_signature_timestamp (KysoCmsVerifier *self, const KysoTrustOptions *trust, guint depth,
                           KysoCmsResult *r)
{
  int idx = CMS_unsigned_get_attr_by_NID (self->si, NID_id_smime_aa_timeStampToken, -1);
  ASN1_TYPE *t = idx >= 0 ? X509_ATTRIBUTE_get0_type (CMS_unsigned_get_attr (self->si, idx), 0) : NULL;
  g_autoptr (GBytes) token = NULL;
  g_autoptr (GBytes) sig = NULL;
  g_autoptr (GBytes) imprint = NULL;
  g_autoptr (KysoCmsVerifier) tv = NULL;
  g_autoptr (KysoCmsResult) tr = NULL;
  KysoTrustOptions sub = { 0 };
  ASN1_OCTET_STRING *sigval = CMS_SignerInfo_get0_signature (self->si);

  if (idx < 0 || depth > 0)
    return;
  if (t == NULL || t->type != V_ASN1_SEQUENCE)
    goto bad;
  token
    = g_bytes_new (ASN1_STRING_get0_data (t->value.sequence), (gsize)ASN1_STRING_length (t->value.sequence));
  tv = kyso_cms_verifier_new (token, NULL);
  if (tv == NULL || tv->kind != KYSO_CMS_KIND_TIMESTAMP)
    goto bad;
  sig = g_bytes_new (ASN1_STRING_get0_data (sigval), (gsize)ASN1_STRING_length (sigval));
  imprint = digest_of (tv->content_md, sig);
  /* The TSA's chain is judged with the same anchors; its revocation is not fetched. */
  if (trust != NULL)
    sub = *trust;
  sub.offline = TRUE;
  if (imprint == NULL || !check_internal (tv, imprint, &sub, depth + 1, NULL, &tr, NULL) || !tr->intact
      || tr->timestamp_time == NULL)
    goto bad;
  r->timestamp_time = g_date_time_ref (tr->timestamp_time);
  r->timestamp_signer = g_object_ref (tr->signer);
  r->timestamp_trust = tr->trust;
  if (tr->trust != KYSO_TRUST_TRUSTED)
    add_reason (
      r, g_strdup (_ ("The time-stamp authority is not one Kyso trusts, so its time proves nothing: the "
                      "signature is checked as of now.")));
  return;

bad:
  r->timestamp_invalid = TRUE;
  add_reason (r, g_strdup (_ ("The signature's time-stamp does not verify and was ignored.")));
}

static void
check_trust (KysoCmsVerifier *self, X509 *signer, STACK_OF (X509) * untrusted, X509_STORE *store,
             KysoCmsResult *r, STACK_OF (X509) * *out_chain)
{
  g_autofree char *reason = NULL;
  time_t when = (time_t)g_date_time_to_unix (r->signing_time_used);

  /* A time-stamp authority's certificate must be one (critical extendedKeyUsage timeStamping). */
  r->trust = kyso_trust_verify (store, signer, untrusted, when,
                                self->kind == KYSO_CMS_KIND_TIMESTAMP ? X509_PURPOSE_TIMESTAMP_SIGN : 0,
                                out_chain, &reason);
  for (int i = 0; i < sk_X509_num (*out_chain); i++)
    g_ptr_array_add (r->chain, kyso_certificate_new_from_x509 (sk_X509_value (*out_chain, i)));
  if (r->trust == KYSO_TRUST_TRUSTED && r->chain->len > 0)
    r->anchor = g_object_ref (g_ptr_array_index (r->chain, r->chain->len - 1));
  if (reason != NULL)
    add_reason (r, g_steal_pointer (&reason));
}

static gboolean
check_internal (KysoCmsVerifier *self, GBytes *content_digest, const KysoTrustOptions *trust, guint depth,
                GCancellable *cancellable, KysoCmsResult **out, GError **error)
{
  g_autoptr (KysoCmsResult) r = g_new0 (KysoCmsResult, 1);
  g_autoptr (X509_STORE) store = NULL;
  STACK_OF (X509) *untrusted = NULL;
  STACK_OF (X509) *chain = NULL;
  X509 *signer;
  gboolean ok = TRUE;

  if (g_bytes_get_size (content_digest) != (gsize)EVP_MD_get_size (self->content_md))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _ ("The document digest does not have the size the signature's algorithm gives."));
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  r->kind = self->kind;
  r->intact = TRUE;
  r->reasons = g_ptr_array_new_with_free_func (g_free);
  r->chain = g_ptr_array_new_with_free_func (g_object_unref);
  /* For adbe.pkcs7.sha1 the file itself is only covered by SHA-1, whatever signs that value. */
  r->digest_algorithm
    = md_display_name (self->kind == KYSO_CMS_KIND_SHA1_CONTENT ? self->content_md : self->signer_md);
  r->weak_algorithm
    = EVP_MD_get_type (self->signer_md) == NID_md5 || EVP_MD_get_type (self->signer_md) == NID_sha1
      || EVP_MD_get_type (self->content_md) == NID_md5 || EVP_MD_get_type (self->content_md) == NID_sha1;
  r->trust = KYSO_TRUST_UNKNOWN;
  r->timestamp_trust = KYSO_TRUST_UNKNOWN;
  r->revocation = KYSO_REVOCATION_UNKNOWN;

  /* The CMS's certificates (borrowed), then the caller's extra ones (owned, freed at the end). */
  untrusted = sk_X509_dup (self->certs);
  for (guint i = 0; trust != NULL && trust->extra_certs != NULL && i < trust->extra_certs->len; i++)
    {
      X509 *x = kyso_x509_from_bytes (g_ptr_array_index (trust->extra_certs, i));
      if (x != NULL)
        sk_X509_push (untrusted, x);
    }
  signer = find_signer (self, untrusted);
  if (signer == NULL)
    {
      set_broken (r, _ ("The signature does not carry its signer's certificate, so it cannot be checked."));
      goto done;
    }
  r->signer = kyso_certificate_new_from_x509 (signer);

  check_signature (self, signer, content_digest, r);
  check_signing_certificate (self, signer, r);
  read_signing_time (self, r);
  if (self->kind == KYSO_CMS_KIND_TIMESTAMP)
    r->timestamp_time = asn1_time_to_datetime (TS_TST_INFO_get_time (self->tst));
  else
    check_signature_timestamp (self, trust, depth, r);

  /* Only a time-stamp whose authority is trusted proves when the signature existed; otherwise
   * everything is judged as of now (ETSI EN 319 102-1 §5.6.2.1). A document time-stamp's own
   * chain is judged as of now too, never as of the time it claims. */
  r->signing_time_used = trust != NULL && trust->validation_time != NULL
                           ? g_date_time_ref (trust->validation_time)
                           : g_date_time_new_now_utc ();
  if (self->kind != KYSO_CMS_KIND_TIMESTAMP && r->timestamp_time != NULL
      && r->timestamp_trust == KYSO_TRUST_TRUSTED)
    {
      g_date_time_unref (r->signing_time_used);
      r->signing_time_used = g_date_time_ref (r->timestamp_time);
      r->time_proven = TRUE;
    }
  if (self->kind != KYSO_CMS_KIND_TIMESTAMP && r->has_signing_certificate)
    r->level = r->time_proven ? KYSO_PADES_LEVEL_B_T : KYSO_PADES_LEVEL_B_B;
  if (r->weak_algorithm)
    add_reason (r, g_strdup_printf (_ ("The signature uses %s, an algorithm no longer considered secure."),
                                       r->digest_algorithm));
  if (self->kind != KYSO_CMS_KIND_TIMESTAMP)
    {
      const char *usage = NULL;

      if (!kyso_certificate_is_for_document_signing (r->signer, &usage))
        {
          r->not_for_signing = TRUE;
          add_reason (r, g_strdup (usage));
        }
    }
  r->signer_expired = !kyso_certificate_is_valid_at (r->signer, r->signing_time_used);

  store = kyso_trust_store_new (trust);
  check_trust (self, signer, untrusted, store, r, &chain);

  if (!r->intact)
    add_reason (r, g_strdup (_ ("Revocation was not checked: the signature is broken.")));
  else if (r->trust != KYSO_TRUST_TRUSTED)
    add_reason (r, g_strdup (_ ("Revocation was not checked: the certificate is not trusted.")));
  else
    {
      g_autofree char *reason = NULL;
      GError *local_error = NULL;

      X509 *issuer = sk_X509_num (chain) > 1 ? sk_X509_value (chain, 1) : NULL;

      /* Kept revocation data must have been issued after the signing time: the proven one, or
       * now when nothing proves it (then only a fresh answer will do). */
      r->revocation = kyso_revocation_check_at (signer, issuer, store, untrusted, trust, r->signing_time_used,
                                                cancellable, &r->revocation_time, &r->revocation_kept, NULL,
                                                &reason, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          ok = FALSE;
          goto done;
        }
      if (r->revocation == KYSO_REVOCATION_REVOKED)
        {
          g_autoptr (GDateTime) local = r->revocation_time ? g_date_time_to_local (r->revocation_time) : NULL;
          g_autofree char *when = local ? g_date_time_format (local, _ ("%d/%m/%Y %H:%M")) : NULL;
          add_reason (r, when ? g_strdup_printf (_ ("The signer's certificate was revoked on %s."), when)
                              : g_strdup (_ ("The signer's certificate has been revoked.")));
        }
      if (reason != NULL)
        add_reason (r, g_steal_pointer (&reason));
    }

done:
  /* The extra certificates were pushed after the CMS's own: free only those. */
  for (int i = sk_X509_num (self->certs); i < sk_X509_num (untrusted); i++)
    X509_free (sk_X509_value (untrusted, i));
  sk_X509_free (untrusted);
  sk_X509_pop_free (chain, X509_free);
  kyso_crypto_clear_errors ();
  if (ok)
    *out = g_steal_pointer (&r);
  return ok;
}

gboolean
kyso_cms_verifier_check (KysoCmsVerifier *self, GBytes *content_digest, const KysoTrustOptions *trust,
                         GCancellable *cancellable, KysoCmsResult **out, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (content_digest != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  *out = NULL;
  return check_internal (self, content_digest, trust, 0, cancellable, out, error);
}

gboolean
kyso_cms_verify_document_timestamp (GBytes *token_der, GBytes *content_digest, const KysoTrustOptions *trust,
                                    GCancellable *cancellable, KysoCmsResult **out, GError **error)
{
  g_autoptr (KysoCmsVerifier) v = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (out != NULL, FALSE);
  *out = NULL;
  v = kyso_cms_verifier_new (token_der, &local_error);
  if (v != NULL && v->kind != KYSO_CMS_KIND_TIMESTAMP)
    {
      g_clear_pointer (&v, kyso_cms_verifier_free);
      g_set_error_literal (&local_error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                           _ ("The document time-stamp is not a time-stamp token."));
    }
  if (v == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return kyso_cms_verifier_check (v, content_digest, trust, cancellable, out, error);
}

/* ---- validation data for /DSS (B-LT) ------------------------------------------------------ */

static void
add_unique (GPtrArray *list, GBytes *item)
{
  for (guint i = 0; i < list->len; i++)
    if (g_bytes_equal (g_ptr_array_index (list, i), item))
      return;
  g_ptr_array_add (list, g_bytes_ref (item));
}

/* The chain of @leaf (built with @store and @untrusted, as of now) into @certs, and the
 * revocation answer of each certificate below the anchor into @ocsps or @crls. */
static gboolean
collect_chain (X509 *leaf, STACK_OF (X509) * untrusted, X509_STORE *store, const KysoTrustOptions *trust,
               gboolean required, GPtrArray *certs, GPtrArray *ocsps, GPtrArray *crls,
               GCancellable *cancellable, GError **error)
{
  g_autofree char *reason = NULL;
  STACK_OF (X509) *chain = NULL;
  KysoTrustOptions online = { 0 };
  KysoTrustStatus status;
  gboolean ok = TRUE;

  status = kyso_trust_verify (store, leaf, untrusted, time (NULL), 0, &chain, &reason);
  if (status != KYSO_TRUST_TRUSTED && required)
    {
      sk_X509_pop_free (chain, X509_free);
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE, "%s",
                   reason != NULL ? reason : _ ("The certificate chain cannot be verified."));
      return FALSE;
    }
  if (trust != NULL)
    online = *trust;
  /* Fresh answers from the network: what the document keeps is what is being built. */
  online.offline = FALSE;
  online.ocsp_responses = NULL;
  online.crls = NULL;
  for (int i = 0; i < sk_X509_num (chain) && ok; i++)
    {
      g_autoptr (GBytes) der = kyso_x509_to_bytes (sk_X509_value (chain, i));
      g_autoptr (GBytes) raw = NULL;
      g_autoptr (GDateTime) revoked_at = NULL;
      g_autofree char *why = NULL;
      g_autoptr (GError) local = NULL;
      X509 *issuer = i + 1 < sk_X509_num (chain) ? sk_X509_value (chain, i + 1) : NULL;

      add_unique (certs, der);
      if (issuer == NULL || status != KYSO_TRUST_TRUSTED)
        continue;
      kyso_revocation_check_at (sk_X509_value (chain, i), issuer, store, untrusted, &online, NULL,
                                cancellable, &revoked_at, NULL, &raw, &why, &local);
      if (local != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          ok = FALSE;
        }
      else if (raw != NULL)
        {
          const unsigned char *p = g_bytes_get_data (raw, NULL);
          OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE (NULL, &p, (long)g_bytes_get_size (raw));
          OCSP_BASICRESP *basic = resp != NULL ? OCSP_response_get1_basic (resp) : NULL;

          if (basic != NULL)
            {
              /* The responder's own certificates, so that the answer verifies offline. */
              const STACK_OF (X509) *rcerts = OCSP_resp_get0_certs (basic);

              add_unique (ocsps, raw);
              for (int j = 0; j < sk_X509_num (rcerts); j++)
                {
                  g_autoptr (GBytes) rder = kyso_x509_to_bytes (sk_X509_value (rcerts, j));
                  add_unique (certs, rder);
                }
            }
          else
            add_unique (crls, raw);
          OCSP_BASICRESP_free (basic);
          OCSP_RESPONSE_free (resp);
        }
    }
  sk_X509_pop_free (chain, X509_free);
  kyso_crypto_clear_errors ();
  return ok;
}

gboolean
kyso_cms_collect_validation_data (GBytes *cms_der, const KysoTrustOptions *trust, GPtrArray *certs,
                                  GPtrArray *ocsps, GPtrArray *crls, GCancellable *cancellable,
                                  GError **error)
{
  g_autoptr (KysoCmsVerifier) v = NULL;
  g_autoptr (X509_STORE) store = NULL;
  STACK_OF (X509) *untrusted = NULL;
  X509 *signer;
  gboolean ok;

  g_return_val_if_fail (cms_der != NULL && certs != NULL && ocsps != NULL && crls != NULL, FALSE);
  v = kyso_cms_verifier_new (cms_der, error);
  if (v == NULL)
    return FALSE;
  untrusted = sk_X509_dup (v->certs);
  signer = find_signer (v, untrusted);
  if (signer == NULL)
    {
      sk_X509_free (untrusted);
      g_set_error_literal (
        error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
        _ ("The signature does not carry its signer's certificate, so it cannot be checked."));
      return FALSE;
    }
  store = kyso_trust_store_new (trust);
  ok = collect_chain (signer, untrusted, store, trust, TRUE, certs, ocsps, crls, cancellable, error);
  sk_X509_free (untrusted);

  /* The signature time-stamp's authority: its chain too (its revocation when it names a service). */
  if (ok && v->kind != KYSO_CMS_KIND_TIMESTAMP)
    {
      int idx = CMS_unsigned_get_attr_by_NID (v->si, NID_id_smime_aa_timeStampToken, -1);
      ASN1_TYPE *t = idx >= 0 ? X509_ATTRIBUTE_get0_type (CMS_unsigned_get_attr (v->si, idx), 0) : NULL;

      if (t != NULL && t->type == V_ASN1_SEQUENCE)
        {
          g_autoptr (GBytes) token = g_bytes_new (ASN1_STRING_get0_data (t->value.sequence),
                                                  (gsize)ASN1_STRING_length (t->value.sequence));
          g_autoptr (KysoCmsVerifier) tv = kyso_cms_verifier_new (token, NULL);
          STACK_OF (X509) *tcerts = tv != NULL ? sk_X509_dup (tv->certs) : NULL;
          X509 *tsa = tv != NULL ? find_signer (tv, tcerts) : NULL;

          if (tsa != NULL)
            ok = collect_chain (tsa, tcerts, store, trust, FALSE, certs, ocsps, crls, cancellable, error);
          sk_X509_free (tcerts);
        }
    }
  kyso_crypto_clear_errors ();
  return ok;
}
