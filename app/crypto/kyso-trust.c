#include "config.h"

#include "kyso-trust.h"
#include "kyso-certificate.h"
#include "kyso-crypto-private.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <string.h>

const char *
kyso_trust_status_to_string (KysoTrustStatus status)
{
  switch (status)
    {
      case KYSO_TRUST_TRUSTED:
        return "trusted";
      case KYSO_TRUST_UNTRUSTED:
        return "untrusted";
      case KYSO_TRUST_UNKNOWN:
      default:
        return "unknown";
    }
}

const char *
kyso_revocation_status_to_string (KysoRevocationStatus status)
{
  switch (status)
    {
      case KYSO_REVOCATION_GOOD:
        return "good";
      case KYSO_REVOCATION_REVOKED:
        return "revoked";
      case KYSO_REVOCATION_UNKNOWN:
      default:
        return "unknown";
    }
}

/* A bounded read: a trust folder holds certificates, not arbitrary large files. */
#define MAX_CERT_FILE_BYTES (4 * 1024 * 1024)

static guint
add_file (X509_STORE *store, const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  guint added = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL) || len == 0 || len > MAX_CERT_FILE_BYTES)
    return 0;
  if (g_strstr_len (contents, (gssize)len, "-----BEGIN") != NULL)
    {
      g_autoptr (BIO) bio = BIO_new_mem_buf (contents, (int)len);
      X509 *x;

      while ((x = PEM_read_bio_X509 (bio, NULL, NULL, NULL)) != NULL)
        {
          if (X509_STORE_add_cert (store, x) == 1)
            added++;
          X509_free (x);
        }
    }
  else
    {
      g_autoptr (GBytes) der = g_bytes_new_take (g_steal_pointer (&contents), len);
      g_autoptr (X509) x = kyso_x509_from_bytes (der);

      if (x != NULL && X509_STORE_add_cert (store, x) == 1)
        added++;
    }
  kyso_crypto_clear_errors ();
  return added;
}

static void
add_directory (X509_STORE *store, const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;

      if (!g_str_has_suffix (name, ".pem") && !g_str_has_suffix (name, ".crt")
          && !g_str_has_suffix (name, ".cer") && !g_str_has_suffix (name, ".der"))
        continue;
      path = g_build_filename (dir, name, NULL);
      add_file (store, path);
    }
}

const char *
kyso_trust_bundled_dir (void)
{
  static gsize once;
  static char *dir;

  if (g_once_init_enter (&once))
    {
      const char *env = g_getenv ("KYSO_TRUST_DIR");

      dir = env != NULL && *env != 0 ? g_strdup (env) : g_build_filename (PKGDATADIR, "trust", NULL);
      g_once_init_leave (&once, 1);
    }
  return dir;
}

/* The bundled folder holds the certificates and TRUST-LIST, one line per certificate:
 * "<sha256 hex> <file name> <what it is>". A certificate is loaded only when its line is there
 * and its SHA-256 matches: a file dropped into the folder, or altered, is not an anchor. */
static void
add_bundled (X509_STORE *store, const char *dir)
{
  g_autofree char *list_path = g_build_filename (dir, "TRUST-LIST", NULL);
  g_autofree char *list = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (list_path, &list, NULL, NULL))
    return;
  lines = g_strsplit (list, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = NULL;
      g_autofree char *path = NULL;
      g_autofree char *fingerprint = NULL;
      g_autoptr (GBytes) data = NULL;
      g_autoptr (KysoCertificate) cert = NULL;
      char *contents = NULL;
      gsize len = 0;

      g_strstrip (lines[i]);
      if (lines[i][0] == 0 || lines[i][0] == '#')
        continue;
      fields = g_strsplit_set (lines[i], " \t", 3);
      if (g_strv_length (fields) < 2 || strchr (fields[1], '/') != NULL)
        continue;
      path = g_build_filename (dir, fields[1], NULL);
      if (!g_file_get_contents (path, &contents, &len, NULL) || len > MAX_CERT_FILE_BYTES)
        {
          g_free (contents);
          continue;
        }
      data = g_bytes_new_take (contents, len);
      cert = kyso_certificate_new (data, NULL);
      fingerprint = cert != NULL ? kyso_certificate_dup_fingerprint (cert) : NULL;
      if (fingerprint == NULL || g_ascii_strcasecmp (fingerprint, fields[0]) != 0)
        {
          g_message ("trust list: %s does not match its fingerprint; not used", fields[1]);
          continue;
        }
      X509_STORE_add_cert (store, kyso_certificate_get_x509 (cert));
    }
  kyso_crypto_clear_errors ();
}

X509_STORE *
kyso_trust_store_new (const KysoTrustOptions *options)
{
  X509_STORE *store = X509_STORE_new ();

  if (store == NULL || options == NULL)
    return store;
  /* The system folder is hashed (c_rehash): looked up lazily, by subject. */
  if (options->use_system_store)
    X509_STORE_load_path (store, options->system_dir ? options->system_dir : "/etc/ssl/certs");
  for (guint i = 0; options->directories != NULL && options->directories[i] != NULL; i++)
    {
      g_autofree char *list = g_build_filename (options->directories[i], "TRUST-LIST", NULL);

      /* A folder with a TRUST-LIST (Kyso's own) gives only the certificates listed in it. */
      if (g_file_test (list, G_FILE_TEST_IS_REGULAR))
        add_bundled (store, options->directories[i]);
      else
        add_directory (store, options->directories[i]);
    }
  for (guint i = 0; options->files != NULL && options->files[i] != NULL; i++)
    add_file (store, options->files[i]);
  /* An anchor given explicitly may be an intermediate CA (a citizen's --trust file). */
  X509_STORE_set_flags (store, X509_V_FLAG_PARTIAL_CHAIN);
  kyso_crypto_clear_errors ();
  return store;
}

static char *
format_time (time_t t)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr (GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  /* Translators: date and time as people write them in Vietnam */
  return local ? g_date_time_format (local, _ ("%d/%m/%Y %H:%M")) : g_strdup ("?");
}

static char *
reason_for (int err, time_t at)
{
  g_autofree char *when = format_time (at);

  switch (err)
    {
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
      case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        return g_strdup (_ ("The certificate was not issued by a certification authority Kyso trusts."));
      case X509_V_ERR_CERT_HAS_EXPIRED:
        /* Translators: %s is the time the chain is checked for (the time-stamp, or now) */
        return g_strdup_printf (_ ("A certificate in the signer's chain was expired on %s."), when);
      case X509_V_ERR_CERT_NOT_YET_VALID:
        return g_strdup_printf (_ ("A certificate in the signer's chain was not yet valid on %s."), when);
      case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        return g_strdup (_ ("A certificate in the chain is forged: its signature does not verify."));
      case X509_V_ERR_INVALID_CA:
      case X509_V_ERR_INVALID_PURPOSE:
        return g_strdup (_ ("A certificate in the chain is not allowed to issue certificates."));
      default:
        return g_strdup_printf (_ ("The certificate chain cannot be verified (%s)."),
                                   X509_verify_cert_error_string (err));
    }
}

KysoTrustStatus
kyso_trust_verify (X509_STORE *store, X509 *cert, STACK_OF (X509) * untrusted, time_t at, int purpose,
                   STACK_OF (X509) * *out_chain, char **out_reason)
{
  g_autoptr (X509_STORE_CTX) ctx = X509_STORE_CTX_new ();
  KysoTrustStatus status = KYSO_TRUST_UNTRUSTED;
  int err;

  if (ctx == NULL || X509_STORE_CTX_init (ctx, store, cert, untrusted) != 1)
    {
      *out_reason = g_strdup (_ ("The certificate chain cannot be verified."));
      kyso_crypto_clear_errors ();
      return KYSO_TRUST_UNKNOWN;
    }
  X509_VERIFY_PARAM_set_time (X509_STORE_CTX_get0_param (ctx), at);
  if (purpose != 0)
    X509_STORE_CTX_set_purpose (ctx, purpose);
  if (X509_verify_cert (ctx) == 1)
    status = KYSO_TRUST_TRUSTED;
  else
    {
      err = X509_STORE_CTX_get_error (ctx);
      *out_reason = reason_for (err, at);
    }
  if (out_chain != NULL)
    {
      STACK_OF (X509) *chain = X509_STORE_CTX_get1_chain (ctx);
      /* On failure OpenSSL may have no chain at all: the certificate alone, then. */
      if (chain == NULL)
        {
          chain = sk_X509_new_null ();
          X509_up_ref (cert);
          sk_X509_push (chain, cert);
        }
      *out_chain = chain;
    }
  kyso_crypto_clear_errors ();
  return status;
}

gboolean
kyso_trust_check_signing_chain (GPtrArray *chain, const char *const *anchor_files, gboolean use_bundled,
                                GDateTime *at, GError **error)
{
  const char *dirs[2] = { kyso_trust_bundled_dir (), NULL };
  KysoTrustOptions options = { 0 };
  g_autoptr (X509_STORE) store = NULL;
  g_autoptr (KysoCertificate) signer = NULL;
  g_autofree char *reason = NULL;
  STACK_OF (X509) *untrusted = NULL;
  const char *usage = NULL;
  KysoTrustStatus status;

  if (chain == NULL || chain->len == 0
      || (signer = kyso_certificate_new (g_ptr_array_index (chain, 0), NULL)) == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                           _ ("The signing certificate cannot be read."));
      return FALSE;
    }
  if (!kyso_certificate_is_for_document_signing (signer, &usage))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE, usage);
      return FALSE;
    }
  if (use_bundled)
    options.directories = dirs;
  options.files = anchor_files;
  store = kyso_trust_store_new (&options);
  untrusted = kyso_x509_stack_from_chain (chain);
  if (store == NULL || untrusted == NULL)
    {
      sk_X509_pop_free (untrusted, X509_free);
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                           _ ("The signing certificate cannot be read."));
      return FALSE;
    }
  status = kyso_trust_verify (store, sk_X509_value (untrusted, 0), untrusted,
                              at != NULL ? (time_t)g_date_time_to_unix (at) : time (NULL), 0, NULL, &reason);
  sk_X509_pop_free (untrusted, X509_free);
  if (status != KYSO_TRUST_TRUSTED)
    {
      g_set_error (
        error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
        /* Translators: %s says why, e.g. "The certificate was not issued by a certification
         * authority Kyso trusts." */
        _ ("This signing certificate cannot be used: documents signed with it would not be accepted. "
           "%s"),
           reason != NULL ? reason : "");
      return FALSE;
    }
  return TRUE;
}
