#include "config.h"

#include "kyso-certificate.h"
#include "kyso-crypto-private.h"
#include "kyso-error.h"
#include "kyso-util.h"

#include <glib/gi18n-lib.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <string.h>

struct _KysoCertificate
{
  GObject parent_instance;
  X509 *x509;
  GBytes *der;
  char *holder_name;
  char *email;
  char *national_id;
  char *national_id_kind;
  char *issuer_name;
  char *subject;
  char *issuer;
  char *serial;
  GDateTime *not_before;
  GDateTime *not_after;
};

G_DEFINE_FINAL_TYPE (KysoCertificate, kyso_certificate, G_TYPE_OBJECT)

static void
kyso_certificate_finalize (GObject *object)
{
  KysoCertificate *self = KYSO_CERTIFICATE (object);

  X509_free (self->x509);
  g_clear_pointer (&self->der, g_bytes_unref);
  g_free (self->holder_name);
  g_free (self->email);
  g_free (self->national_id);
  g_free (self->national_id_kind);
  g_free (self->issuer_name);
  g_free (self->subject);
  g_free (self->issuer);
  g_free (self->serial);
  g_clear_pointer (&self->not_before, g_date_time_unref);
  g_clear_pointer (&self->not_after, g_date_time_unref);
  G_OBJECT_CLASS (kyso_certificate_parent_class)->finalize (object);
}

static void
kyso_certificate_class_init (KysoCertificateClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kyso_certificate_finalize;
}

static void
kyso_certificate_init (KysoCertificate *self)
{
}

/* ---- reading names ------------------------------------------------------------------- */

static char *
asn1_to_utf8 (const ASN1_STRING *value)
{
  unsigned char *utf8 = NULL;
  int len = value ? ASN1_STRING_to_UTF8 (&utf8, value) : -1;
  char *out;

  if (len < 0)
    return NULL;
  /* A CA may put anything in a name; what reaches people is valid UTF-8, and a NUL inside
   * (the old "paypal.com\0.evil" trick) makes the whole value unusable. */
  if (memchr (utf8, 0, (size_t)len) != NULL)
    {
      OPENSSL_free (utf8);
      return NULL;
    }
  out = g_utf8_make_valid ((const char *)utf8, len);
  OPENSSL_free (utf8);
  g_strstrip (out);
  if (*out == '\0')
    g_clear_pointer (&out, g_free);
  return out;
}

static char *
name_entry (const X509_NAME *name, int nid)
{
  int idx = X509_NAME_get_index_by_NID (name, nid, -1);

  return idx < 0 ? NULL : asn1_to_utf8 (X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, idx)));
}

static char *
name_one_line (const X509_NAME *name)
{
  g_autoptr (BIO) bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long len;

  /* RFC 2253 order, but UTF-8 left as is (not \XX escapes) so that people can read it. */
  if (X509_NAME_print_ex (bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
    return g_strdup ("");
  len = BIO_get_mem_data (bio, &data);
  return g_utf8_make_valid (data, len);
}

static char *
san_email (X509 *x509)
{
  GENERAL_NAMES *names = X509_get_ext_d2i (x509, NID_subject_alt_name, NULL, NULL);
  char *email = NULL;

  for (int i = 0; i < sk_GENERAL_NAME_num (names) && email == NULL; i++)
    {
      GENERAL_NAME *gn = sk_GENERAL_NAME_value (names, i);
      if (gn->type == GEN_EMAIL)
        email = asn1_to_utf8 (gn->d.rfc822Name);
    }
  GENERAL_NAMES_free (names);
  return email;
}

/* ---- national ID --------------------------------------------------------------------- */

/* Personal ID kinds, best first: the chip ID card (CCCD; "CC" and "DDCN", the personal ID
 * number, are the same 12 digits), the old ID card (CMND), the passport (HC). */
static const char *const personal_kinds[] = { "CCCD", "DDCN", "CC", "CMND", "HC" };

static int
kind_rank (const char *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (personal_kinds); i++)
    if (g_strcmp0 (kind, personal_kinds[i]) == 0)
      return (int)i;
  return -1;
}

static char *
keep_alnum_upper (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (out, g_ascii_toupper (*p));
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

static gboolean
all_digits (const char *s)
{
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* Splits "CCCD:001099012345" / "001099012345" into kind and number; FALSE when it is not a
 * personal ID (an organisation's MST:, or something else). */
static gboolean
parse_id_value (const char *value, char **out_kind, char **out_id)
{
  const char *colon = strchr (value, ':');
  g_autofree char *kind = NULL;
  g_autofree char *id = NULL;

  if (colon != NULL)
    {
      g_autofree char *prefix = g_strndup (value, (gsize)(colon - value));
      kind = keep_alnum_upper (prefix);
      id = keep_alnum_upper (colon + 1);
      if (kind == NULL || id == NULL || kind_rank (kind) < 0)
        return FALSE;
    }
  else
    {
      id = keep_alnum_upper (value);
      if (id == NULL || !all_digits (id))
        return FALSE;
      if (strlen (id) == 12)
        kind = g_strdup ("CCCD");
      else if (strlen (id) == 9)
        kind = g_strdup ("CMND");
      else
        return FALSE;
    }
  *out_kind = g_steal_pointer (&kind);
  *out_id = g_steal_pointer (&id);
  return TRUE;
}

static void
find_national_id (KysoCertificate *self)
{
  const X509_NAME *name = X509_get_subject_name (self->x509);
  static const int nids[] = { NID_userId, NID_serialNumber };
  int best = G_MAXINT;

  for (guint n = 0; n < G_N_ELEMENTS (nids); n++)
    for (int idx = X509_NAME_get_index_by_NID (name, nids[n], -1); idx >= 0;
         idx = X509_NAME_get_index_by_NID (name, nids[n], idx))
      {
        g_autofree char *value = asn1_to_utf8 (X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, idx)));
        g_autofree char *kind = NULL;
        g_autofree char *id = NULL;

        if (value != NULL && parse_id_value (value, &kind, &id) && kind_rank (kind) < best)
          {
            best = kind_rank (kind);
            g_free (self->national_id_kind);
            g_free (self->national_id);
            self->national_id_kind = g_steal_pointer (&kind);
            self->national_id = g_steal_pointer (&id);
          }
      }
}

char *
kyso_national_id_normalize (const char *id)
{
  g_autofree char *kind = NULL;
  char *number = NULL;

  if (id == NULL)
    return NULL;
  if (parse_id_value (id, &kind, &number))
    return number;
  /* Not a known form (a passport number typed without prefix…): letters and digits only. */
  return strchr (id, ':') ? keep_alnum_upper (strchr (id, ':') + 1) : keep_alnum_upper (id);
}

/* ---- construction -------------------------------------------------------------------- */

static GDateTime *
asn1_time_to_datetime (const ASN1_TIME *t)
{
  struct tm tm = { 0 };

  if (t == NULL || ASN1_TIME_to_tm (t, &tm) != 1)
    return g_date_time_new_from_unix_utc (0);
  return g_date_time_new_utc (tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static char *
serial_hex (X509 *x509)
{
  BIGNUM *bn = ASN1_INTEGER_to_BN (X509_get0_serialNumber (x509), NULL);
  char *hex = bn ? BN_bn2hex (bn) : NULL;
  char *out = g_strdup (hex ? hex : "");

  OPENSSL_free (hex);
  BN_free (bn);
  return out;
}

KysoCertificate *
kyso_certificate_new_from_x509 (X509 *x509)
{
  KysoCertificate *self = g_object_new (KYSO_TYPE_CERTIFICATE, NULL);
  const X509_NAME *subject = X509_get_subject_name (x509);
  const X509_NAME *issuer = X509_get_issuer_name (x509);

  X509_up_ref (x509);
  self->x509 = x509;
  self->der = kyso_x509_to_bytes (x509);
  self->subject = name_one_line (subject);
  self->issuer = name_one_line (issuer);

  self->holder_name = name_entry (subject, NID_commonName);
  if (self->holder_name == NULL)
    self->holder_name = name_entry (subject, NID_organizationName);
  if (self->holder_name == NULL)
    self->holder_name = g_strdup (self->subject);

  self->email = name_entry (subject, NID_pkcs9_emailAddress);
  if (self->email == NULL)
    self->email = san_email (x509);

  self->issuer_name = name_entry (issuer, NID_organizationName);
  if (self->issuer_name == NULL)
    self->issuer_name = name_entry (issuer, NID_commonName);
  if (self->issuer_name == NULL)
    self->issuer_name = g_strdup (self->issuer);

  find_national_id (self);
  self->serial = serial_hex (x509);
  self->not_before = asn1_time_to_datetime (X509_get0_notBefore (x509));
  self->not_after = asn1_time_to_datetime (X509_get0_notAfter (x509));
  kyso_crypto_clear_errors ();
  return self;
}

KysoCertificate *
kyso_certificate_new (GBytes *data, GError **error)
{
  g_autoptr (X509) x509 = NULL;
  gsize len = 0;
  const char *bytes;

  g_return_val_if_fail (data != NULL, NULL);

  bytes = g_bytes_get_data (data, &len);
  if (len > 0 && len < G_MAXINT && g_strstr_len (bytes, (gssize)MIN (len, 4096), "-----BEGIN") != NULL)
    {
      g_autoptr (BIO) bio = BIO_new_mem_buf (bytes, (int)len);
      x509 = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
    }
  else
    x509 = kyso_x509_from_bytes (data);
  if (x509 == NULL)
    {
      kyso_crypto_clear_errors ();
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE, _ ("The certificate cannot be read."));
      return NULL;
    }
  return kyso_certificate_new_from_x509 (x509);
}

/* ---- getters ------------------------------------------------------------------------- */

X509 *
kyso_certificate_get_x509 (KysoCertificate *self)
{
  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), NULL);
  return self->x509;
}

GBytes *
kyso_certificate_get_der (KysoCertificate *self)
{
  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), NULL);
  return self->der;
}

const char *
kyso_certificate_get_holder_name (KysoCertificate *self)
{
  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), NULL);
  return self->holder_name;
}

const char *
kyso_certificate_get_email (KysoCertificate *self)
{
  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), NULL);
  return self->email;
}

const char *
kyso_certificate_get_national_id (KysoCertificate *self)
{
  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), NULL);
  return self->national_id;
}

const char *
kyso_certificate_get_national_id_kind (KysoCertificate *self)
{
  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), NULL);
  return self->national_id_kind;
}

const char *
kyso_certificate_get_issuer_name (KysoCertificate *self)
{
  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), NULL);
  return self->issuer_name;
}

const char *
kyso_certificate_get_subject (KysoCertificate *self)
{
  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), NULL);
  return self->subject;
}

const char *
kyso_certificate_get_issuer (KysoCertificate *self)
{
  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), NULL);
  return self->issuer;
}

const char *
kyso_certificate_get_serial (KysoCertificate *self)
{
  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), NULL);
  return self->serial;
}

GDateTime *
kyso_certificate_get_not_before (KysoCertificate *self)
{
  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), NULL);
  return self->not_before;
}

GDateTime *
kyso_certificate_get_not_after (KysoCertificate *self)
{
  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), NULL);
  return self->not_after;
}

char *
kyso_certificate_dup_fingerprint (KysoCertificate *self)
{
  g_autoptr (GBytes) md = NULL;

  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), NULL);
  md = kyso_crypto_sha256 (g_bytes_get_data (self->der, NULL), g_bytes_get_size (self->der));
  return kyso_hex_encode (g_bytes_get_data (md, NULL), g_bytes_get_size (md));
}

gboolean
kyso_certificate_can_sign (KysoCertificate *self)
{
  guint32 ku;

  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), FALSE);
  ku = X509_get_key_usage (self->x509);
  /* UINT32_MAX: no keyUsage extension, so no restriction. */
  return ku == UINT32_MAX || (ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) != 0;
}

/* Extended key usages under which a certificate may sign documents: any purpose, e-mail (S/MIME
 * certificates sign PDFs in practice), document signing (RFC 9336), Adobe's and Microsoft's
 * document-signing purposes. */
static gboolean
eku_allows_documents (EXTENDED_KEY_USAGE *eku)
{
  static const char *const allowed[] = {
    "2.5.29.37.0",             /* anyExtendedKeyUsage */
    "1.3.6.1.5.5.7.3.4",       /* emailProtection */
    "1.3.6.1.5.5.7.3.36",      /* id-kp-documentSigning */
    "1.2.840.113583.1.1.5",    /* Adobe Authentic Documents Trust */
    "1.3.6.1.4.1.311.10.3.12", /* Microsoft document signing */
  };

  for (int i = 0; i < sk_ASN1_OBJECT_num (eku); i++)
    {
      char oid[80];

      if (OBJ_obj2txt (oid, sizeof oid, sk_ASN1_OBJECT_value (eku, i), 1) <= 0)
        continue;
      for (gsize j = 0; j < G_N_ELEMENTS (allowed); j++)
        if (strcmp (oid, allowed[j]) == 0)
          return TRUE;
    }
  return FALSE;
}

gboolean
kyso_certificate_is_for_document_signing (KysoCertificate *self, const char **out_reason)
{
  EXTENDED_KEY_USAGE *eku;
  gboolean tls_server = FALSE, documents;
  guint32 ku;

  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), FALSE);
  if (X509_check_ca (self->x509) != 0 && (X509_get_extension_flags (self->x509) & EXFLAG_CA) != 0)
    {
      if (out_reason != NULL)
        *out_reason
          = _ ("The signer’s certificate belongs to a certification authority, not to a person: it may "
               "only issue certificates.");
      return FALSE;
    }
  ku = X509_get_key_usage (self->x509);
  if (ku != UINT32_MAX && (ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0)
    {
      if (out_reason != NULL)
        *out_reason
          = _ ("The signer’s certificate is not allowed to make signatures (its key usage allows neither "
               "digital signature nor non-repudiation).");
      return FALSE;
    }
  eku = X509_get_ext_d2i (self->x509, NID_ext_key_usage, NULL, NULL);
  for (int i = 0; i < sk_ASN1_OBJECT_num (eku); i++)
    tls_server |= OBJ_obj2nid (sk_ASN1_OBJECT_value (eku, i)) == NID_server_auth;
  documents = eku == NULL || eku_allows_documents (eku);
  sk_ASN1_OBJECT_pop_free (eku, ASN1_OBJECT_free);
  kyso_crypto_clear_errors ();
  /* A web server's certificate (serverAuth, with nothing for documents) is not a signer's. A
   * client-authentication certificate is: Vietnamese token certificates often carry only
   * clientAuth besides keyUsage digitalSignature, nonRepudiation. */
  if (tls_server && !documents)
    {
      if (out_reason != NULL)
        *out_reason = _ ("The signer’s certificate is a web server (TLS) certificate, not one for signing "
                         "documents.");
      return FALSE;
    }
  return TRUE;
}

gboolean
kyso_certificate_is_valid_at (KysoCertificate *self, GDateTime *time)
{
  g_autoptr (GDateTime) now = NULL;

  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), FALSE);
  if (time == NULL)
    time = now = g_date_time_new_now_utc ();
  return g_date_time_compare (time, self->not_before) >= 0
         && g_date_time_compare (time, self->not_after) <= 0;
}

gboolean
kyso_certificate_matches_national_id (KysoCertificate *self, const char *id)
{
  g_autofree char *normalized = kyso_national_id_normalize (id);

  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), FALSE);
  return normalized != NULL && self->national_id != NULL && strcmp (normalized, self->national_id) == 0;
}

static char *
format_date (GDateTime *time)
{
  g_autoptr (GDateTime) local = g_date_time_to_local (time);

  /* Translators: a date as people write it in Vietnam */
  return g_date_time_format (local, _ ("%d/%m/%Y"));
}

gboolean
kyso_certificate_check_for_signing (KysoCertificate *self, const char *expected_national_id, GDateTime *now,
                                    GError **error)
{
  g_autoptr (GDateTime) current = NULL;

  g_return_val_if_fail (KYSO_IS_CERTIFICATE (self), FALSE);

  if (now == NULL)
    now = current = g_date_time_new_now_utc ();
  if (g_date_time_compare (now, self->not_before) < 0)
    {
      g_autofree char *date = format_date (self->not_before);
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                   _ ("The certificate of %s is not valid until %s. Try again from that day, or check the "
                      "computer's clock."),
                      self->holder_name, date);
      return FALSE;
    }
  if (g_date_time_compare (now, self->not_after) > 0)
    {
      g_autofree char *date = format_date (self->not_after);
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                   _ ("The certificate of %s expired on %s. Renew it with %s, then try again."),
                      self->holder_name, date, self->issuer_name);
      return FALSE;
    }
  if (!kyso_certificate_can_sign (self))
    {
      g_set_error (
        error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
        _ ("The certificate of %s is not meant for signing documents. Choose a signing certificate."),
           self->holder_name);
      return FALSE;
    }
  if (expected_national_id == NULL)
    return TRUE;
  /* ID numbers stay out of these messages: they may end up in logs. */
  if (self->national_id == NULL)
    {
      g_set_error (
        error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
        _ ("The certificate of %s does not state an ID number, so Kyso cannot tell that it is yours. "
           "Choose the certificate issued for your CCCD/CMND number."),
           self->holder_name);
      return FALSE;
    }
  if (!kyso_certificate_matches_national_id (self, expected_national_id))
    {
      g_set_error (
        error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
        _ ("The certificate of %s was issued for a different ID number than the one in this signature "
           "profile. Check the account number in the profile, or choose another certificate."),
           self->holder_name);
      return FALSE;
    }
  return TRUE;
}
