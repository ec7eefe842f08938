#include "config.h"

#include "kyso-pades.h"
#include "kyso-crypto-private.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <openssl/ess.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <string.h>

/* The CMS is built with OpenSSL's object model, but never signed by it: CMS_PARTIAL keeps it
 * open, the three signed attributes are added by hand (so that OpenSSL adds no signing-time or
 * S/MIME capabilities), and the signature value is set from outside. */
struct _KysoPadesBuilder
{
  CMS_ContentInfo *cms;
  CMS_SignerInfo *si; /* owned by cms */
  X509 *signer;
  GBytes *signed_attrs;
  GBytes *digest_to_sign;
  GBytes *signature;
};

void
kyso_pades_builder_free (KysoPadesBuilder *self)
{
  if (self == NULL)
    return;
  CMS_ContentInfo_free (self->cms);
  X509_free (self->signer);
  g_clear_pointer (&self->signed_attrs, g_bytes_unref);
  g_clear_pointer (&self->digest_to_sign, g_bytes_unref);
  g_clear_pointer (&self->signature, g_bytes_unref);
  g_free (self);
}

/* DER orders a SET OF by the encodings of its elements (X.690 §11.6); OpenSSL compares the
 * same way when it writes signedAttrs, so the bytes we hash are the bytes it will emit. */
static int
compare_der (gconstpointer a, gconstpointer b)
{
  GBytes *x = *(GBytes *const *)a;
  GBytes *y = *(GBytes *const *)b;
  gsize xl, yl;
  const guint8 *xd = g_bytes_get_data (x, &xl);
  const guint8 *yd = g_bytes_get_data (y, &yl);
  int c = memcmp (xd, yd, MIN (xl, yl));

  if (c != 0)
    return c;
  return xl < yl ? -1 : xl > yl ? 1 : 0;
}

static void
append_der_length (GByteArray *out, gsize len)
{
  guint8 buf[9];
  int n = 0;

  if (len < 0x80)
    {
      guint8 b = (guint8)len;
      g_byte_array_append (out, &b, 1);
      return;
    }
  while (len > 0)
    {
      buf[8 - n] = (guint8)(len & 0xff);
      len >>= 8;
      n++;
    }
  buf[8 - n] = (guint8)(0x80 | n);
  g_byte_array_append (out, buf + 8 - n, (guint)n + 1);
}

static GBytes *
encode_signed_attributes (CMS_SignerInfo *si)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize total = 0;
  guint8 tag = 0x31; /* SET */

  for (int i = 0; i < CMS_signed_get_attr_count (si); i++)
    {
      unsigned char *der = NULL;
      int len = i2d_X509_ATTRIBUTE (CMS_signed_get_attr (si, i), &der);

      if (len <= 0)
        return NULL;
      g_ptr_array_add (parts, g_bytes_new (der, (gsize)len));
      OPENSSL_free (der);
      total += (gsize)len;
    }
  g_ptr_array_sort (parts, compare_der);
  g_byte_array_append (out, &tag, 1);
  append_der_length (out, total);
  for (guint i = 0; i < parts->len; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (parts, i), &len);
      g_byte_array_append (out, data, (guint)len);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static gboolean
add_signing_certificate_v2 (CMS_SignerInfo *si, X509 *signer)
{
  ESS_SIGNING_CERT_V2 *sc = OSSL_ESS_signing_cert_v2_new_init (EVP_sha256 (), signer, NULL, 1);
  unsigned char *der = NULL;
  int len;
  gboolean ok;

  if (sc == NULL)
    return FALSE;
  len = i2d_ESS_SIGNING_CERT_V2 (sc, &der);
  ESS_SIGNING_CERT_V2_free (sc);
  if (len <= 0)
    return FALSE;
  ok = CMS_signed_add1_attr_by_NID (si, NID_id_smime_aa_signingCertificateV2, V_ASN1_SEQUENCE, der, len) == 1;
  OPENSSL_free (der);
  return ok;
}

static void
set_internal_error (GError **error)
{
  kyso_crypto_clear_errors ();
  g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_FAILED,
                       _("The signature could not be assembled. Please try again."));
}

KysoPadesBuilder *
kyso_pades_builder_new (GBytes *document_digest, GPtrArray *chain, GError **error)
{
  g_autoptr(KysoPadesBuilder) self = NULL;
  EVP_PKEY *key;
  const int flags = CMS_PARTIAL | CMS_DETACHED | CMS_BINARY | CMS_NOSMIMECAP;

  g_return_val_if_fail (document_digest != NULL, NULL);

  if (g_bytes_get_size (document_digest) != 32)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _("The document digest must be a SHA-256 value (32 bytes)."));
      return NULL;
    }
  if (chain == NULL || chain->len == 0)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                           _("No signing certificate was given, so nothing can be signed."));
      return NULL;
    }

  self = g_new0 (KysoPadesBuilder, 1);
  self->signer = kyso_x509_from_bytes (g_ptr_array_index (chain, 0));
  key = self->signer ? X509_get0_pubkey (self->signer) : NULL;
  if (key == NULL)
    {
      kyso_crypto_clear_errors ();
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                           _("The signing certificate cannot be read."));
      return NULL;
    }
  if (!EVP_PKEY_is_a (key, "RSA") && !EVP_PKEY_is_a (key, "EC"))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                           _("The signing certificate uses a kind of key Kyso cannot sign with "
                             "(only RSA and ECDSA are supported)."));
      return NULL;
    }

  self->cms = CMS_sign (NULL, NULL, NULL, NULL, flags);
  if (self->cms == NULL)
    {
      set_internal_error (error);
      return NULL;
    }
  CMS_set_detached (self->cms, 1);

  /* CMS_add1_signer wants a key that matches the certificate; the public key does, and with
   * CMS_PARTIAL it is never asked to sign. It also sets rsaEncryption / ecdsa-with-SHA256. */
  self->si = CMS_add1_signer (self->cms, self->signer, key, EVP_sha256 (), flags | CMS_NOCERTS);
  if (self->si == NULL
      || CMS_signed_add1_attr_by_NID (self->si, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                      OBJ_nid2obj (NID_pkcs7_data), -1)
           != 1
      || CMS_signed_add1_attr_by_NID (self->si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING,
                                      g_bytes_get_data (document_digest, NULL), 32)
           != 1
      || !add_signing_certificate_v2 (self->si, self->signer))
    {
      set_internal_error (error);
      return NULL;
    }

  for (guint i = 0; i < chain->len; i++)
    {
      g_autoptr(X509) cert = kyso_x509_from_bytes (g_ptr_array_index (chain, i));
      gboolean seen = FALSE;

      if (cert == NULL)
        {
          kyso_crypto_clear_errors ();
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                       _("Certificate %u of the signing certificate's chain cannot be read."), i + 1);
          return NULL;
        }
      /* A chain that repeats the signer (some CAs send it twice) must not repeat it in the CMS. */
      for (guint j = 0; j < i && !seen; j++)
        seen = g_bytes_equal (g_ptr_array_index (chain, j), g_ptr_array_index (chain, i));
      if (!seen && CMS_add1_cert (self->cms, cert) != 1)
        {
          set_internal_error (error);
          return NULL;
        }
    }

  self->signed_attrs = encode_signed_attributes (self->si);
  if (self->signed_attrs == NULL)
    {
      set_internal_error (error);
      return NULL;
    }
  self->digest_to_sign
    = kyso_crypto_sha256 (g_bytes_get_data (self->signed_attrs, NULL), g_bytes_get_size (self->signed_attrs));
  return g_steal_pointer (&self);
}

GBytes *
kyso_pades_builder_get_digest_to_sign (KysoPadesBuilder *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->digest_to_sign;
}

GBytes *
kyso_pades_builder_get_signed_attributes (KysoPadesBuilder *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->signed_attrs;
}

gboolean
kyso_pades_builder_set_signature (KysoPadesBuilder *self, GBytes *raw_signature, GError **error)
{
  EVP_PKEY *key;
  gsize len = 0;
  const guint8 *sig;
  g_autoptr(GBytes) der = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (raw_signature != NULL, FALSE);

  key = X509_get0_pubkey (self->signer);
  sig = g_bytes_get_data (raw_signature, &len);
  /* CMS carries ECDSA values DER-encoded; a raw r‖s that verifies comes back converted. */
  if (!kyso_crypto_verify_digest (key, EVP_sha256 (), g_bytes_get_data (self->digest_to_sign, NULL), 32, sig,
                                  len, &der))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BAD_SIGNATURE,
                           _("The signature returned by the signing service does not match the document "
                             "and the certificate. Nothing was signed."));
      return FALSE;
    }

  if (ASN1_STRING_set (CMS_SignerInfo_get0_signature (self->si), g_bytes_get_data (der, NULL),
                       (int)g_bytes_get_size (der))
      != 1)
    {
      set_internal_error (error);
      return FALSE;
    }
  g_clear_pointer (&self->signature, g_bytes_unref);
  self->signature = g_steal_pointer (&der);
  return TRUE;
}

GBytes *
kyso_pades_builder_get_signature (KysoPadesBuilder *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->signature;
}

/* The TSTInfo inside an RFC 3161 token, or NULL. */
static TS_TST_INFO *
parse_tst_info (GBytes *token_der)
{
  gsize len = 0;
  const unsigned char *p = g_bytes_get_data (token_der, &len);
  PKCS7 *p7 = len > 0 && len < G_MAXLONG ? d2i_PKCS7 (NULL, &p, (long)len) : NULL;
  TS_TST_INFO *info = p7 ? PKCS7_to_TS_TST_INFO (p7) : NULL;

  PKCS7_free (p7);
  return info;
}

gboolean
kyso_pades_check_timestamp_imprint (GBytes *token_der, GBytes *data, GError **error)
{
  TS_TST_INFO *info;
  TS_MSG_IMPRINT *imprint;
  const EVP_MD *md;
  ASN1_OCTET_STRING *hash;
  guint8 expected[EVP_MAX_MD_SIZE];
  unsigned int expected_len = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (token_der != NULL && data != NULL, FALSE);

  info = parse_tst_info (token_der);
  if (info == NULL)
    {
      kyso_crypto_clear_errors ();
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                           _("The time-stamp authority sent a token Kyso cannot read."));
      return FALSE;
    }
  imprint = TS_TST_INFO_get_msg_imprint (info);
  md = EVP_get_digestbyobj (TS_MSG_IMPRINT_get_algo (imprint)->algorithm);
  hash = TS_MSG_IMPRINT_get_msg (imprint);
  if (md != NULL
      && EVP_Digest (g_bytes_get_data (data, NULL), g_bytes_get_size (data), expected, &expected_len, md,
                     NULL)
      && (unsigned int)ASN1_STRING_length (hash) == expected_len
      && memcmp (ASN1_STRING_get0_data (hash), expected, expected_len) == 0)
    ok = TRUE;
  else
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                         _("The time-stamp does not belong to this signature."));
  TS_TST_INFO_free (info);
  kyso_crypto_clear_errors ();
  return ok;
}

gboolean
kyso_pades_builder_add_timestamp_token (KysoPadesBuilder *self, GBytes *token_der, GError **error)
{
  int idx;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (token_der != NULL, FALSE);

  if (self->signature == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _("A time-stamp can only be added after the signature."));
      return FALSE;
    }
  if (!kyso_pades_check_timestamp_imprint (token_der, self->signature, error))
    return FALSE;

  /* One signature time-stamp: a second call replaces the first. */
  while ((idx = CMS_unsigned_get_attr_by_NID (self->si, NID_id_smime_aa_timeStampToken, -1)) >= 0)
    X509_ATTRIBUTE_free (CMS_unsigned_delete_attr (self->si, idx));

  if (CMS_unsigned_add1_attr_by_NID (self->si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE,
                                     g_bytes_get_data (token_der, NULL), (int)g_bytes_get_size (token_der))
      != 1)
    {
      set_internal_error (error);
      return FALSE;
    }
  return TRUE;
}

GBytes *
kyso_pades_builder_to_der (KysoPadesBuilder *self, GError **error)
{
  unsigned char *der = NULL;
  int len;
  GBytes *out;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->signature == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _("The signature is not there yet, so the signed file cannot be written."));
      return NULL;
    }
  len = i2d_CMS_ContentInfo (self->cms, &der);
  if (len <= 0)
    {
      set_internal_error (error);
      return NULL;
    }
  out = g_bytes_new (der, (gsize)len);
  OPENSSL_free (der);
  return out;
}

gsize
kyso_pades_estimate_size (GPtrArray *chain, gsize timestamp_reserve)
{
  /* SignedData framing, the three signed attributes, algorithm identifiers, issuer and serial:
   * well under 2 KiB, plus the certificates, plus the largest signature the key can make. */
  gsize total = 2048 + timestamp_reserve;

  for (guint i = 0; chain != NULL && i < chain->len; i++)
    {
      GBytes *cert = g_ptr_array_index (chain, i);
      total += g_bytes_get_size (cert) + 8;
      if (i == 0)
        {
          g_autoptr(X509) x = kyso_x509_from_bytes (cert);
          EVP_PKEY *key = x ? X509_get0_pubkey (x) : NULL;
          int size = key ? EVP_PKEY_get_size (key) : 0;
          total += size > 0 ? (gsize)size + 8 : 1024;
          /* Its issuer name appears again in issuerAndSerialNumber and ESSCertIDv2. */
          total += 2 * (gsize)(x ? i2d_X509_NAME (X509_get_issuer_name (x), NULL) : 512);
        }
    }
  kyso_crypto_clear_errors ();
  return total;
}
