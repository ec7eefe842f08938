/* OpenSSL helpers of the sandbox: PEM files, key generation, certificate making, raw signing. */

#include "kyso-sandbox-private.h"
#include "kyso-sandbox-pki.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

gboolean
kyso_sandbox_pki_set_error (GError **error, const char *what)
{
  char buf[256] = "";
  unsigned long code = ERR_get_error ();

  if (code != 0)
    ERR_error_string_n (code, buf, sizeof buf);
  ERR_clear_error ();
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed: %s", what, buf);
  return FALSE;
}

/* --- files ------------------------------------------------------------------------------------ */

char *
kyso_sandbox_state_path (KysoSandbox *self, const char *sub, const char *name, const char *suffix)
{
  g_autofree char *file = g_strconcat (name, suffix, NULL);
  return g_build_filename (self->state_dir, sub, file, NULL);
}

static gboolean
write_bio (BIO *bio, const char *path, GError **error)
{
  char *data = NULL;
  long len = BIO_get_mem_data (bio, &data);
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "Cannot create %s", dir);
      return FALSE;
    }
  return g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

gboolean
kyso_sandbox_save_key (EVP_PKEY *key, const char *path, GError **error)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  gboolean ok = PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL) == 1
                  ? write_bio (bio, path, error)
                  : kyso_sandbox_pki_set_error (error, "PEM_write_bio_PrivateKey");
  BIO_free (bio);
  return ok;
}

gboolean
kyso_sandbox_save_cert (X509 *cert, const char *path, GError **error)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  gboolean ok = PEM_write_bio_X509 (bio, cert) == 1
                  ? write_bio (bio, path, error)
                  : kyso_sandbox_pki_set_error (error, "PEM_write_bio_X509");
  BIO_free (bio);
  return ok;
}

static BIO *
read_bio (const char *path, GError **error)
{
  char *data = NULL;
  gsize len = 0;
  BIO *bio;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  bio = BIO_new (BIO_s_mem ());
  BIO_write (bio, data, (int)len);
  g_free (data);
  return bio;
}

EVP_PKEY *
kyso_sandbox_load_key (const char *path, GError **error)
{
  BIO *bio = read_bio (path, error);
  EVP_PKEY *key;

  if (bio == NULL)
    return NULL;
  key = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
  BIO_free (bio);
  if (key == NULL)
    kyso_sandbox_pki_set_error (error, path);
  return key;
}

X509 *
kyso_sandbox_load_cert (const char *path, GError **error)
{
  BIO *bio = read_bio (path, error);
  X509 *cert;

  if (bio == NULL)
    return NULL;
  cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  BIO_free (bio);
  if (cert == NULL)
    kyso_sandbox_pki_set_error (error, path);
  return cert;
}

/* --- keys and certificates -------------------------------------------------------------------- */

typedef struct
{
  EVP_PKEY **slot;
  gboolean rsa;
} KeyJob;

typedef struct
{
  GPtrArray *jobs;
  gint next;
} KeyJobs;

static gpointer
keygen_thread (gpointer data)
{
  KeyJobs *jobs = data;

  for (;;)
    {
      guint i = (guint)g_atomic_int_add (&jobs->next, 1);
      KeyJob *job;

      if (i >= jobs->jobs->len)
        return NULL;
      job = g_ptr_array_index (jobs->jobs, i);
      *job->slot = job->rsa ? EVP_RSA_gen (2048) : EVP_EC_gen ("P-256");
    }
}

void
kyso_sandbox_key_job_add (GPtrArray *jobs, EVP_PKEY **slot, gboolean rsa)
{
  KeyJob *job = g_new0 (KeyJob, 1);
  job->slot = slot;
  job->rsa = rsa;
  g_ptr_array_add (jobs, job);
}

/* RSA key generation is the slow part of the first start: two threads (the machine's cores). */
gboolean
kyso_sandbox_generate_keys (GPtrArray *job_list, GError **error)
{
  KeyJobs jobs = { job_list, 0 };
  GThread *helper = g_thread_new ("kyso-keygen", keygen_thread, &jobs);

  keygen_thread (&jobs);
  g_thread_join (helper);
  for (guint i = 0; i < job_list->len; i++)
    if (*((KeyJob *)g_ptr_array_index (job_list, i))->slot == NULL)
      return kyso_sandbox_pki_set_error (error, "key generation");
  return TRUE;
}

X509 *
kyso_sandbox_make_cert (X509_NAME *subject, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key,
                        gint64 not_before, gint64 not_after, const KysoSandboxExt *exts, GError **error)
{
  X509 *cert = X509_new ();
  unsigned char serial[16];
  BIGNUM *bn;
  X509V3_CTX ctx;

  X509_set_version (cert, X509_VERSION_3);
  /* Random 127-bit serials: unique across re-issues and state dirs, positive. */
  RAND_bytes (serial, sizeof serial);
  serial[0] = (serial[0] & 0x7f) | 0x10;
  bn = BN_bin2bn (serial, sizeof serial, NULL);
  BN_to_ASN1_INTEGER (bn, X509_get_serialNumber (cert));
  BN_free (bn);
  X509_set_subject_name (cert, subject);
  X509_set_issuer_name (cert, issuer != NULL ? X509_get_subject_name (issuer) : subject);
  ASN1_TIME_set (X509_getm_notBefore (cert), (time_t)not_before);
  ASN1_TIME_set (X509_getm_notAfter (cert), (time_t)not_after);
  X509_set_pubkey (cert, key);

  X509V3_set_ctx (&ctx, issuer != NULL ? issuer : cert, cert, NULL, NULL, 0);
  for (const KysoSandboxExt *e = exts; e->nid != NID_undef; e++)
    {
      X509_EXTENSION *ext = X509V3_EXT_conf_nid (NULL, &ctx, e->nid, e->value);
      if (ext == NULL)
        {
          X509_free (cert);
          kyso_sandbox_pki_set_error (error, OBJ_nid2sn (e->nid));
          return NULL;
        }
      X509_add_ext (cert, ext, -1);
      X509_EXTENSION_free (ext);
    }
  if (X509_sign (cert, issuer_key, EVP_sha256 ()) == 0)
    {
      X509_free (cert);
      kyso_sandbox_pki_set_error (error, "X509_sign");
      return NULL;
    }
  return cert;
}

X509_NAME *
kyso_sandbox_simple_name (const char *cn, const char *org)
{
  X509_NAME *name = X509_NAME_new ();
  X509_NAME_add_entry_by_NID (name, NID_countryName, MBSTRING_UTF8, (const guchar *)"VN", -1, -1, 0);
  X509_NAME_add_entry_by_NID (name, NID_organizationName, MBSTRING_UTF8, (const guchar *)org, -1, -1, 0);
  X509_NAME_add_entry_by_NID (name, NID_commonName, MBSTRING_UTF8, (const guchar *)cn, -1, -1, 0);
  return name;
}

KysoSandboxIssued *
kyso_sandbox_pki_lookup (KysoSandbox *self, KysoSandboxProvider *issuer, const ASN1_INTEGER *serial)
{
  BIGNUM *bn = ASN1_INTEGER_to_BN (serial, NULL);
  char *hex = bn != NULL ? BN_bn2hex (bn) : NULL;
  g_autofree char *key = g_strconcat (issuer->id, ":", hex != NULL ? hex : "", NULL);

  OPENSSL_free (hex);
  BN_free (bn);
  return g_hash_table_lookup (self->issued, key);
}

GBytes *
kyso_sandbox_pki_sign_digest (EVP_PKEY *key, int md_nid, GBytes *digest, GError **error)
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new (key, NULL);
  const EVP_MD *md = EVP_get_digestbynid (md_nid);
  gsize dlen = 0;
  const guchar *d = g_bytes_get_data (digest, &dlen);
  size_t len = 0;
  guchar *sig = NULL;

  /* signature_md makes OpenSSL wrap the digest in its DigestInfo (PKCS#1 v1.5) and check its size. */
  if (ctx == NULL || md == NULL || EVP_PKEY_sign_init (ctx) <= 0
      || EVP_PKEY_CTX_set_rsa_padding (ctx, RSA_PKCS1_PADDING) <= 0
      || EVP_PKEY_CTX_set_signature_md (ctx, md) <= 0 || EVP_PKEY_sign (ctx, NULL, &len, d, dlen) <= 0)
    {
      EVP_PKEY_CTX_free (ctx);
      kyso_sandbox_pki_set_error (error, "EVP_PKEY_sign");
      return NULL;
    }
  sig = g_malloc (len);
  if (EVP_PKEY_sign (ctx, sig, &len, d, dlen) <= 0)
    {
      g_free (sig);
      EVP_PKEY_CTX_free (ctx);
      kyso_sandbox_pki_set_error (error, "EVP_PKEY_sign");
      return NULL;
    }
  EVP_PKEY_CTX_free (ctx);
  return g_bytes_new_take (sig, len);
}

GBytes *
kyso_sandbox_pki_der (X509 *cert)
{
  guchar *der = NULL;
  int len = i2d_X509 (cert, &der);
  GBytes *bytes = g_bytes_new (der, len > 0 ? (gsize)len : 0);

  OPENSSL_free (der);
  return bytes;
}

char *
kyso_sandbox_pki_base64 (X509 *cert)
{
  g_autoptr (GBytes) der = kyso_sandbox_pki_der (cert);
  gsize len = 0;
  const guchar *data = g_bytes_get_data (der, &len);

  return g_base64_encode (data, len);
}

char *
kyso_sandbox_pki_serial_hex (X509 *cert)
{
  BIGNUM *bn = ASN1_INTEGER_to_BN (X509_get0_serialNumber (cert), NULL);
  char *hex = BN_bn2hex (bn);
  char *result = g_strdup (hex);

  OPENSSL_free (hex);
  BN_free (bn);
  return result;
}

char *
kyso_sandbox_pki_name_string (const X509_NAME *name)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long len;
  char *result;

  /* RFC 2253 order, but UTF-8 kept as is (the default escapes every non-ASCII byte). */
  X509_NAME_print_ex (bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  len = BIO_get_mem_data (bio, &data);
  result = g_strndup (data, len);
  BIO_free (bio);
  return result;
}
