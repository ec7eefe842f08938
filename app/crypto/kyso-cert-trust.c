/* A signer's certificate checked on its own: chain to the anchors, then revocation. */
#include "config.h"

#include "kyso-cert-trust.h"
#include "kyso-crypto-private.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>

gboolean
kyso_cert_trust_check (GBytes *cert_der, GPtrArray *extra, const KysoTrustOptions *trust, GDateTime *at,
                       GCancellable *cancellable, KysoTrustStatus *out_trust,
                       KysoRevocationStatus *out_revocation, GPtrArray *reasons, GError **error)
{
  g_autoptr (X509) cert = NULL;
  g_autoptr (X509_STORE) store = NULL;
  STACK_OF (X509) *untrusted = NULL;
  STACK_OF (X509) *chain = NULL;
  g_autofree char *reason = NULL;
  KysoTrustOptions none = { 0 };
  GDateTime *when = at;
  gboolean ok = TRUE;

  g_return_val_if_fail (cert_der != NULL && out_trust != NULL && out_revocation != NULL && reasons != NULL,
                        FALSE);
  *out_trust = KYSO_TRUST_UNKNOWN;
  *out_revocation = KYSO_REVOCATION_UNKNOWN;
  cert = kyso_x509_from_bytes (cert_der);
  if (cert == NULL)
    {
      kyso_crypto_clear_errors ();
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                           _ ("The signer's certificate cannot be read."));
      return FALSE;
    }
  if (trust == NULL)
    trust = &none;
  if (trust->validation_time != NULL)
    when = trust->validation_time;

  untrusted = sk_X509_new_null ();
  for (guint i = 0; extra != NULL && i < extra->len; i++)
    {
      X509 *x = kyso_x509_from_bytes (g_ptr_array_index (extra, i));

      if (x != NULL)
        sk_X509_push (untrusted, x);
    }
  for (guint i = 0; trust->extra_certs != NULL && i < trust->extra_certs->len; i++)
    {
      X509 *x = kyso_x509_from_bytes (g_ptr_array_index (trust->extra_certs, i));

      if (x != NULL)
        sk_X509_push (untrusted, x);
    }

  store = kyso_trust_store_new (trust);
  *out_trust = kyso_trust_verify (
    store, cert, untrusted, when ? (time_t)g_date_time_to_unix (when) : time (NULL), 0, &chain, &reason);
  if (reason != NULL)
    g_ptr_array_add (reasons, g_steal_pointer (&reason));

  if (*out_trust != KYSO_TRUST_TRUSTED)
    g_ptr_array_add (reasons, g_strdup (_ ("Revocation was not checked: the certificate is not trusted.")));
  else
    {
      g_autoptr (GDateTime) revoked_at = NULL;
      X509 *issuer = sk_X509_num (chain) > 1 ? sk_X509_value (chain, 1) : NULL;

      GError *local = NULL;

      *out_revocation = kyso_revocation_check (cert, issuer, store, untrusted, trust, cancellable,
                                               &revoked_at, &reason, &local);
      if (local != NULL)
        {
          g_propagate_error (error, local);
          ok = FALSE;
        }
      else if (*out_revocation == KYSO_REVOCATION_REVOKED)
        {
          g_autoptr (GDateTime) at_local = revoked_at ? g_date_time_to_local (revoked_at) : NULL;
          g_autofree char *shown = at_local ? g_date_time_format (at_local, _ ("%d/%m/%Y %H:%M")) : NULL;

          g_ptr_array_add (reasons,
                           shown ? g_strdup_printf (_ ("The signer's certificate was revoked on %s."), shown)
                                 : g_strdup (_ ("The signer's certificate has been revoked.")));
        }
      if (reason != NULL)
        g_ptr_array_add (reasons, g_steal_pointer (&reason));
    }
  sk_X509_pop_free (untrusted, X509_free);
  sk_X509_pop_free (chain, X509_free);
  kyso_crypto_clear_errors ();
  return ok;
}
