#include "config.h"

#include "kyso-p12-signer.h"
#include "kyso-certificate.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* A key file bigger than this is not a personal certificate. */
#define MAX_P12_BYTES (1024 * 1024)

struct _KysoP12Signer
{
  GObject parent_instance;
  EVP_PKEY *key;
  KysoSignerCredential *credential;
};

static void
kyso_p12_signer_iface_init (KysoSignerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KysoP12Signer, kyso_p12_signer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (KYSO_TYPE_SIGNER, kyso_p12_signer_iface_init))

static void
kyso_p12_signer_finalize (GObject *object)
{
  KysoP12Signer *self = KYSO_P12_SIGNER (object);

  EVP_PKEY_free (self->key);
  kyso_signer_credential_free (self->credential);
  G_OBJECT_CLASS (kyso_p12_signer_parent_class)->finalize (object);
}

static void
kyso_p12_signer_class_init (KysoP12SignerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kyso_p12_signer_finalize;
}

static void
kyso_p12_signer_init (KysoP12Signer *self)
{
}

/* ---- loading ------------------------------------------------------------------------- */

static gboolean
password_matches (PKCS12 *p12, const char *password)
{
  if (!PKCS12_mac_present (p12))
    return TRUE;
  if (password != NULL && *password != '\0')
    return PKCS12_verify_mac (p12, password, -1) == 1;
  /* "No password" is spelled two ways by different tools. */
  return PKCS12_verify_mac (p12, NULL, 0) == 1 || PKCS12_verify_mac (p12, "", 0) == 1;
}

static GBytes *
cert_to_bytes (X509 *cert)
{
  unsigned char *der = NULL;
  int len = i2d_X509 (cert, &der);
  GBytes *out;

  if (len <= 0)
    return NULL;
  out = g_bytes_new (der, (gsize)len);
  OPENSSL_free (der);
  return out;
}

/* Many CAs still export with RC2-40 or 3DES, which OpenSSL 3 keeps in its legacy provider.
 * Rather than enabling those algorithms for the whole process, the file is parsed once more in a
 * private library context (made this thread's default for the call), and what comes out is
 * moved back into the default context through DER, so that nothing outlives that context. */
static gboolean
parse_with_legacy (const guint8 *der, gsize len, const char *password, EVP_PKEY **out_key, X509 **out_cert,
                   STACK_OF (X509) * *out_cas)
{
  OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new ();
  OSSL_PROVIDER *def = ctx ? OSSL_PROVIDER_load (ctx, "default") : NULL;
  OSSL_PROVIDER *legacy = ctx ? OSSL_PROVIDER_load (ctx, "legacy") : NULL;
  OSSL_LIB_CTX *previous;
  const unsigned char *p = der;
  PKCS12 *p12;
  EVP_PKEY *key = NULL;
  X509 *cert = NULL;
  STACK_OF (X509) *cas = NULL;
  unsigned char *key_der = NULL;
  int key_len = 0;
  GPtrArray *cert_ders = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  GBytes *cert_der = NULL;
  gboolean ok = FALSE;

  if (def == NULL || legacy == NULL)
    goto out;
  previous = OSSL_LIB_CTX_set0_default (ctx);
  p12 = d2i_PKCS12 (NULL, &p, (long)len);
  ok = p12 != NULL && PKCS12_parse (p12, password, &key, &cert, &cas) == 1;
  if (ok && key != NULL)
    ok = (key_len = i2d_PrivateKey (key, &key_der)) > 0;
  if (ok && cert != NULL)
    cert_der = cert_to_bytes (cert);
  for (int i = 0; ok && i < sk_X509_num (cas); i++)
    {
      GBytes *b = cert_to_bytes (sk_X509_value (cas, i));
      if (b != NULL)
        g_ptr_array_add (cert_ders, b);
    }
  EVP_PKEY_free (key);
  X509_free (cert);
  sk_X509_pop_free (cas, X509_free);
  PKCS12_free (p12);
  OSSL_LIB_CTX_set0_default (previous);

  if (ok)
    {
      const unsigned char *q = key_der;

      *out_key = key_der ? d2i_AutoPrivateKey (NULL, &q, key_len) : NULL;
      if (cert_der != NULL)
        {
          q = g_bytes_get_data (cert_der, NULL);
          *out_cert = d2i_X509 (NULL, &q, (long)g_bytes_get_size (cert_der));
        }
      *out_cas = sk_X509_new_null ();
      for (guint i = 0; i < cert_ders->len; i++)
        {
          GBytes *b = g_ptr_array_index (cert_ders, i);
          X509 *x;
          q = g_bytes_get_data (b, NULL);
          if ((x = d2i_X509 (NULL, &q, (long)g_bytes_get_size (b))) != NULL)
            sk_X509_push (*out_cas, x);
        }
    }

out:
  if (key_der != NULL)
    OPENSSL_clear_free (key_der, (size_t)key_len);
  g_clear_pointer (&cert_der, g_bytes_unref);
  g_ptr_array_unref (cert_ders);
  OSSL_PROVIDER_unload (legacy);
  OSSL_PROVIDER_unload (def);
  OSSL_LIB_CTX_free (ctx);
  ERR_clear_error ();
  return ok;
}

/* The leaf, then each issuer found among @cas, then whatever is left (in file order). */
static GPtrArray *
order_chain (X509 *leaf, STACK_OF (X509) * cas)
{
  GPtrArray *chain = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GPtrArray) rest = g_ptr_array_new ();
  X509 *current = leaf;
  GBytes *der;

  for (int i = 0; i < sk_X509_num (cas); i++)
    if (X509_cmp (sk_X509_value (cas, i), leaf) != 0)
      g_ptr_array_add (rest, sk_X509_value (cas, i));

  if ((der = cert_to_bytes (leaf)) != NULL)
    g_ptr_array_add (chain, der);
  while (rest->len > 0)
    {
      guint found = G_MAXUINT;

      /* A self-signed certificate ends the chain. */
      if (X509_check_issued (current, current) == X509_V_OK)
        break;
      for (guint i = 0; i < rest->len && found == G_MAXUINT; i++)
        if (X509_check_issued (g_ptr_array_index (rest, i), current) == X509_V_OK)
          found = i;
      if (found == G_MAXUINT)
        break;
      current = g_ptr_array_steal_index (rest, found);
      if ((der = cert_to_bytes (current)) != NULL)
        g_ptr_array_add (chain, der);
    }
  for (guint i = 0; i < rest->len; i++)
    if ((der = cert_to_bytes (g_ptr_array_index (rest, i))) != NULL)
      g_ptr_array_add (chain, der);
  return chain;
}

KysoSigner *
kyso_p12_signer_new (const char *path, const char *password, GError **error)
{
  g_autoptr(KysoP12Signer) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *display = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  const unsigned char *p;
  gsize len = 0;
  PKCS12 *p12 = NULL;
  EVP_PKEY *key = NULL;
  X509 *cert = NULL;
  STACK_OF (X509) *cas = NULL;
  gboolean parsed;

  g_return_val_if_fail (path != NULL, NULL);

  display = g_filename_display_basename (path);
  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, KYSO_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? KYSO_ERROR_NOT_FOUND
                                                                                   : KYSO_ERROR_FAILED,
                   _("The certificate file “%s” cannot be opened: %s"), display, local_error->message);
      return NULL;
    }
  if (len > MAX_P12_BYTES)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                   _("“%s” is too large to be a certificate file."), display);
      return NULL;
    }
  p = (const unsigned char *)contents;
  p12 = d2i_PKCS12 (NULL, &p, (long)len);
  if (p12 == NULL)
    {
      ERR_clear_error ();
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                   _("“%s” is not a PKCS#12 certificate file (.p12 or .pfx)."), display);
      return NULL;
    }
  if (!password_matches (p12, password))
    {
      PKCS12_free (p12);
      ERR_clear_error ();
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("The password for “%s” is not correct. Check it and try again."), display);
      return NULL;
    }

  parsed = PKCS12_parse (p12, password, &key, &cert, &cas) == 1;
  if (!parsed)
    {
      ERR_clear_error ();
      parsed = parse_with_legacy ((const guint8 *)contents, len, password, &key, &cert, &cas);
    }
  PKCS12_free (p12);
  ERR_clear_error ();

  self = g_object_new (KYSO_TYPE_P12_SIGNER, NULL);
  self->key = key;
  if (!parsed)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                   _("“%s” uses an encryption this system cannot read. Export the certificate again "
                     "with current settings (AES) and try again."),
                      display);
      goto fail;
    }
  if (key == NULL)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("“%s” holds no private key, so it cannot sign. Use the file exported together "
                     "with its key."),
                      display);
      goto fail;
    }
  /* PKCS12_parse pairs key and certificate itself; no pair means the key is a stranger. */
  if (cert == NULL || X509_check_private_key (cert, key) != 1)
    {
      ERR_clear_error ();
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("The key in “%s” does not belong to its certificate."), display);
      goto fail;
    }
  if (!EVP_PKEY_is_a (key, "RSA") && !EVP_PKEY_is_a (key, "EC"))
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                   _("The key in “%s” is neither RSA nor ECDSA; Kyso cannot sign with it."), display);
      goto fail;
    }

  chain = order_chain (cert, cas);
  self->credential = kyso_signer_credential_new (KYSO_P12_CREDENTIAL_ID, NULL, chain);
  X509_free (cert);
  sk_X509_pop_free (cas, X509_free);
  return KYSO_SIGNER (g_steal_pointer (&self));

fail:
  X509_free (cert);
  sk_X509_pop_free (cas, X509_free);
  return NULL;
}

const KysoSignerCredential *
kyso_p12_signer_get_credential (KysoP12Signer *self)
{
  g_return_val_if_fail (KYSO_IS_P12_SIGNER (self), NULL);
  return self->credential;
}

/* ---- KysoSigner ---------------------------------------------------------------------- */

static void
kyso_p12_signer_list_credentials_async (KysoSigner *signer, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data)
{
  KysoP12Signer *self = KYSO_P12_SIGNER (signer);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GPtrArray *list;

  g_task_set_source_tag (task, kyso_p12_signer_list_credentials_async);
  if (g_task_return_error_if_cancelled (task))
    return;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_signer_credential_free);
  g_ptr_array_add (list, kyso_signer_credential_copy (self->credential));
  g_task_return_pointer (task, list, (GDestroyNotify)g_ptr_array_unref);
}

static GPtrArray *
kyso_p12_signer_list_credentials_finish (KysoSigner *signer, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, signer), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_p12_signer_list_credentials_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  GPtrArray *digests;
  KysoSignProgressFunc progress;
  gpointer progress_data;
} SignData;

static void
sign_data_free (SignData *data)
{
  g_ptr_array_unref (data->digests);
  g_free (data);
}

typedef struct
{
  KysoSignProgressFunc progress;
  gpointer progress_data;
  KysoSignState state;
} ProgressCall;

static gboolean
deliver_progress (gpointer user_data)
{
  ProgressCall *call = user_data;
  KysoSignProgress progress = { .state = call->state };

  call->progress (&progress, call->progress_data);
  return G_SOURCE_REMOVE;
}

/* Queued on the task's context before the task returns, so every progress call reaches the
 * caller before its callback (sources of equal priority run in the order they were added). */
static void
post_progress (GTask *task, SignData *data, KysoSignState state)
{
  g_autoptr(GSource) source = NULL;
  ProgressCall *call;

  if (data->progress == NULL)
    return;
  call = g_new (ProgressCall, 1);
  call->progress = data->progress;
  call->progress_data = data->progress_data;
  call->state = state;
  /* Always through the loop, never synchronously from _async. */
  source = g_idle_source_new ();
  g_source_set_priority (source, g_task_get_priority (task));
  g_source_set_callback (source, deliver_progress, call, g_free);
  g_source_set_static_name (source, "[kyso] p12 progress");
  g_source_attach (source, g_task_get_context (task));
}

static GBytes *
sign_one (EVP_PKEY *key, GBytes *digest)
{
  g_autoptr(GError) error = NULL;
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new (key, NULL);
  size_t len = 0;
  guint8 *sig = NULL;
  gboolean ok;

  ok = ctx != NULL && EVP_PKEY_sign_init (ctx) == 1
       && (!EVP_PKEY_is_a (key, "RSA") || EVP_PKEY_CTX_set_rsa_padding (ctx, RSA_PKCS1_PADDING) == 1)
       /* With the digest named, RSA signs the DigestInfo (PKCS#1 v1.5), ECDSA returns DER. */
       && EVP_PKEY_CTX_set_signature_md (ctx, EVP_sha256 ()) == 1
       && EVP_PKEY_sign (ctx, NULL, &len, g_bytes_get_data (digest, NULL), g_bytes_get_size (digest)) == 1;
  if (ok)
    {
      sig = g_malloc (len);
      ok = EVP_PKEY_sign (ctx, sig, &len, g_bytes_get_data (digest, NULL), g_bytes_get_size (digest)) == 1;
    }
  EVP_PKEY_CTX_free (ctx);
  ERR_clear_error ();
  if (!ok)
    {
      g_free (sig);
      return NULL;
    }
  return g_bytes_new_take (sig, len);
}

static void
sign_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  KysoP12Signer *self = source_object;
  SignData *data = task_data;
  g_autoptr(GPtrArray) signatures = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  GBytes *cert = g_ptr_array_index (self->credential->chain, 0);

  for (guint i = 0; i < data->digests->len; i++)
    {
      GBytes *digest = g_ptr_array_index (data->digests, i);
      g_autoptr(GBytes) sig = NULL;
      GError *error = NULL;

      if (g_task_return_error_if_cancelled (task))
        return;
      sig = sign_one (self->key, digest);
      if (sig == NULL)
        {
          g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_FAILED,
                                   _("The local certificate could not sign. Nothing was signed."));
          return;
        }
      if (!kyso_signer_check_signature (cert, digest, sig, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      g_ptr_array_add (signatures, g_steal_pointer (&sig));
    }
  post_progress (task, data, KYSO_SIGN_STATE_APPROVED);
  g_task_return_pointer (task, g_steal_pointer (&signatures), (GDestroyNotify)g_ptr_array_unref);
}

/* A local file can hold anything: refuse what a certifying authority would not let sign now. */
static gboolean
check_certificate (KysoP12Signer *self, GError **error)
{
  g_autoptr(KysoCertificate) cert
             = kyso_certificate_new (g_ptr_array_index (self->credential->chain, 0), error);

  if (cert == NULL)
    return FALSE;
  if (!kyso_certificate_is_valid_at (cert, NULL))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                           _("The certificate in this certificate file is expired or not valid yet, so it "
                             "cannot sign. Nothing was signed."));
      return FALSE;
    }
  if (!kyso_certificate_can_sign (cert))
    {
      g_set_error_literal (
        error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
        _("The certificate in this certificate file is not meant for signing documents "
                             "(its key usage allows neither digital signatures nor non-repudiation). Nothing "
                             "was signed."));
      return FALSE;
    }
  return TRUE;
}

static void
kyso_p12_signer_sign_digests_async (KysoSigner *signer, GPtrArray *digests, const KysoSignRequest *request,
                                    KysoSignProgressFunc progress, gpointer progress_data,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  KysoP12Signer *self = KYSO_P12_SIGNER (signer);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  SignData *data;

  g_task_set_source_tag (task, kyso_p12_signer_sign_digests_async);
  if (g_strcmp0 (request->credential_id, KYSO_P12_CREDENTIAL_ID) != 0)
    {
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                               _("The certificate chosen for signing is not in this certificate file."));
      return;
    }
  {
    GError *error = NULL;

    if (!check_certificate (self, &error))
      {
        g_task_return_error (task, error);
        return;
      }
  }
  for (guint i = 0; i < digests->len; i++)
    if (g_bytes_get_size (g_ptr_array_index (digests, i)) != 32)
      {
        g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                                 _("Only SHA-256 digests (32 bytes) can be signed."));
        return;
      }

  data = g_new0 (SignData, 1);
  data->digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  for (guint i = 0; i < digests->len; i++)
    g_ptr_array_add (data->digests, g_bytes_ref (g_ptr_array_index (digests, i)));
  data->progress = progress;
  data->progress_data = progress_data;
  g_task_set_task_data (task, data, (GDestroyNotify)sign_data_free);

  post_progress (task, data, KYSO_SIGN_STATE_SENDING);
  g_task_run_in_thread (task, sign_thread);
}

static GPtrArray *
kyso_p12_signer_sign_digests_finish (KysoSigner *signer, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, signer), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_p12_signer_sign_digests_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
kyso_p12_signer_iface_init (KysoSignerInterface *iface)
{
  iface->list_credentials_async = kyso_p12_signer_list_credentials_async;
  iface->list_credentials_finish = kyso_p12_signer_list_credentials_finish;
  iface->sign_digests_async = kyso_p12_signer_sign_digests_async;
  iface->sign_digests_finish = kyso_p12_signer_sign_digests_finish;
}
