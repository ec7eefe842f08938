#include "config.h"

#include "kyso-signer.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

G_DEFINE_INTERFACE (KysoSigner, kyso_signer, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (KysoSignerCredential, kyso_signer_credential, kyso_signer_credential_copy,
                     kyso_signer_credential_free)

static void
kyso_signer_default_init (KysoSignerInterface *iface)
{
}

KysoSignerCredential *
kyso_signer_credential_new (const char *id, const char *provider, GPtrArray *chain)
{
  KysoSignerCredential *self = g_new0 (KysoSignerCredential, 1);

  self->id = g_strdup (id);
  self->provider = g_strdup (provider);
  self->chain = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  for (guint i = 0; chain != NULL && i < chain->len; i++)
    g_ptr_array_add (self->chain, g_bytes_ref (g_ptr_array_index (chain, i)));
  return self;
}

KysoSignerCredential *
kyso_signer_credential_copy (const KysoSignerCredential *self)
{
  return kyso_signer_credential_new (self->id, self->provider, self->chain);
}

void
kyso_signer_credential_free (KysoSignerCredential *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->provider);
  g_ptr_array_unref (self->chain);
  g_free (self);
}

void
kyso_signer_list_credentials_async (KysoSigner *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_return_if_fail (KYSO_IS_SIGNER (self));
  KYSO_SIGNER_GET_IFACE (self)->list_credentials_async (self, cancellable, callback, user_data);
}

GPtrArray *
kyso_signer_list_credentials_finish (KysoSigner *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_SIGNER (self), NULL);
  return KYSO_SIGNER_GET_IFACE (self)->list_credentials_finish (self, result, error);
}

void
kyso_signer_sign_digests_async (KysoSigner *self, GPtrArray *digests, const KysoSignRequest *request,
                                KysoSignProgressFunc progress, gpointer progress_data,
                                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (KYSO_IS_SIGNER (self));
  g_return_if_fail (digests != NULL && digests->len > 0);
  g_return_if_fail (request != NULL && request->credential_id != NULL);
  KYSO_SIGNER_GET_IFACE (self)->sign_digests_async (self, digests, request, progress, progress_data,
                                                    cancellable, callback, user_data);
}

GPtrArray *
kyso_signer_sign_digests_finish (KysoSigner *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_SIGNER (self), NULL);
  return KYSO_SIGNER_GET_IFACE (self)->sign_digests_finish (self, result, error);
}

gboolean
kyso_signer_check_signature (GBytes *cert_der, GBytes *digest, GBytes *signature, GError **error)
{
  const unsigned char *p = g_bytes_get_data (cert_der, NULL);
  X509 *cert = d2i_X509 (NULL, &p, (long)g_bytes_get_size (cert_der));
  EVP_PKEY *key = cert ? X509_get0_pubkey (cert) : NULL;
  EVP_PKEY_CTX *ctx = NULL;
  gboolean ok = FALSE;

  if (key == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                           _("The signing certificate cannot be read."));
      goto out;
    }
  ctx = EVP_PKEY_CTX_new (key, NULL);
  if (ctx != NULL && EVP_PKEY_verify_init (ctx) == 1
      && EVP_PKEY_CTX_set_signature_md (ctx, EVP_sha256 ()) == 1
      && EVP_PKEY_verify (ctx, g_bytes_get_data (signature, NULL), g_bytes_get_size (signature),
                          g_bytes_get_data (digest, NULL), g_bytes_get_size (digest))
           == 1)
    ok = TRUE;
  else
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BAD_SIGNATURE,
                         _("The signature returned by the signing service does not match the document "
                           "and the certificate. Nothing was signed."));

out:
  EVP_PKEY_CTX_free (ctx);
  X509_free (cert);
  return ok;
}
