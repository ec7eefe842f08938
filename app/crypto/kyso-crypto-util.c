#include "config.h"

#include "kyso-crypto-private.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

X509 *
kyso_x509_from_bytes (GBytes *der)
{
  gsize len = 0;
  const unsigned char *data = der ? g_bytes_get_data (der, &len) : NULL;
  const unsigned char *p = data;
  X509 *cert;

  if (data == NULL || len == 0 || len > G_MAXLONG)
    return NULL;
  cert = d2i_X509 (NULL, &p, (long)len);
  if (cert != NULL && p != data + len)
    g_clear_pointer (&cert, X509_free);
  return cert;
}

GBytes *
kyso_x509_to_bytes (X509 *cert)
{
  unsigned char *der = NULL;
  int len = i2d_X509 (cert, &der);
  GBytes *bytes;

  if (len <= 0)
    return NULL;
  bytes = g_bytes_new (der, (gsize)len);
  OPENSSL_free (der);
  return bytes;
}

STACK_OF (X509) * kyso_x509_stack_from_chain (GPtrArray *chain)
{
  STACK_OF (X509) *certs = sk_X509_new_null ();

  for (guint i = 0; chain != NULL && i < chain->len; i++)
    {
      X509 *cert = kyso_x509_from_bytes (g_ptr_array_index (chain, i));

      if (cert == NULL || !sk_X509_push (certs, cert))
        {
          X509_free (cert);
          sk_X509_pop_free (certs, X509_free);
          return NULL;
        }
    }
  return certs;
}

GPtrArray *
kyso_x509_stack_to_chain (const STACK_OF (X509) * certs)
{
  GPtrArray *chain = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

  for (int i = 0; i < sk_X509_num (certs); i++)
    {
      GBytes *der = kyso_x509_to_bytes (sk_X509_value (certs, i));
      if (der != NULL)
        g_ptr_array_add (chain, der);
    }
  return chain;
}

GBytes *
kyso_crypto_ecdsa_raw_to_der (EVP_PKEY *key, const guint8 *signature, gsize signature_len)
{
  int order_bits = 0;
  gsize half;
  ECDSA_SIG *sig;
  BIGNUM *r, *s;
  unsigned char *der = NULL;
  int der_len;
  GBytes *out;

  if (!EVP_PKEY_is_a (key, "EC") || !EVP_PKEY_get_int_param (key, OSSL_PKEY_PARAM_BITS, &order_bits))
    return NULL;
  half = ((gsize)order_bits + 7) / 8;
  /* Raw (P1363) values are exactly twice the order's size; the caller tries DER first, so a
   * DER value of that length that happens to fail is just tried once more and fails again. */
  if (signature_len != 2 * half)
    return NULL;
  sig = ECDSA_SIG_new ();
  r = BN_bin2bn (signature, (int)half, NULL);
  s = BN_bin2bn (signature + half, (int)half, NULL);
  if (sig == NULL || r == NULL || s == NULL || !ECDSA_SIG_set0 (sig, r, s))
    {
      BN_free (r);
      BN_free (s);
      ECDSA_SIG_free (sig);
      return NULL;
    }
  der_len = i2d_ECDSA_SIG (sig, &der);
  ECDSA_SIG_free (sig);
  if (der_len <= 0)
    return NULL;
  out = g_bytes_new (der, (gsize)der_len);
  OPENSSL_free (der);
  return out;
}

static gboolean
verify_one (EVP_PKEY *key, const EVP_MD *md, const guint8 *digest, gsize digest_len, const guint8 *signature,
            gsize signature_len)
{
  g_autoptr(EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new (key, NULL);

  if (ctx == NULL || EVP_PKEY_verify_init (ctx) != 1)
    return FALSE;
  if (EVP_PKEY_is_a (key, "RSA") && EVP_PKEY_CTX_set_rsa_padding (ctx, RSA_PKCS1_PADDING) != 1)
    return FALSE;
  if (EVP_PKEY_CTX_set_signature_md (ctx, md) != 1)
    return FALSE;
  return EVP_PKEY_verify (ctx, signature, signature_len, digest, digest_len) == 1;
}

gboolean
kyso_crypto_verify_digest (EVP_PKEY *key, const EVP_MD *md, const guint8 *digest, gsize digest_len,
                           const guint8 *signature, gsize signature_len, GBytes **out_der)
{
  g_autoptr(GBytes) der = NULL;
  gboolean ok;

  if (key == NULL || signature == NULL || signature_len == 0)
    return FALSE;
  ok = verify_one (key, md, digest, digest_len, signature, signature_len);
  if (ok)
    der = g_bytes_new (signature, signature_len);
  else if (EVP_PKEY_is_a (key, "EC"))
    {
      der = kyso_crypto_ecdsa_raw_to_der (key, signature, signature_len);
      ok = der != NULL
           && verify_one (key, md, digest, digest_len, g_bytes_get_data (der, NULL), g_bytes_get_size (der));
    }
  kyso_crypto_clear_errors ();
  if (ok && out_der != NULL)
    *out_der = g_steal_pointer (&der);
  return ok;
}

GBytes *
kyso_crypto_sha256 (const void *data, gsize len)
{
  guint8 md[32];

  EVP_Digest (data, len, md, NULL, EVP_sha256 (), NULL);
  return g_bytes_new (md, sizeof md);
}

void
kyso_crypto_clear_errors (void)
{
  ERR_clear_error ();
}
