#include "config.h"

#include "kyso-signer-factory.h"
#include "kyso-csc-signer.h"
#include "kyso-error.h"
#include "kyso-neac-signer.h"
#include "kyso-token-signer.h"

#include <glib/gi18n-lib.h>

KysoSigner *
kyso_signer_factory_new_for_kind (KysoConfig *config, const char *kind, const char *account,
                                  const char *provider, GError **error)
{
  g_return_val_if_fail (config != NULL, NULL);

  if (g_strcmp0 (kind, "neac") == 0)
    return (KysoSigner *)kyso_neac_signer_new (config, account, provider, error);
  if (g_strcmp0 (kind, "csc") == 0)
    return (KysoSigner *)kyso_csc_signer_new (config, account, provider, error);
  g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                       _ ("Kyso cannot sign with this type of signing account yet."));
  return NULL;
}

KysoSigner *
kyso_signer_factory_new_for_account (KysoConfig *config, KysoProfileAccount *account, GError **error)
{
  const char *kind;

  g_return_val_if_fail (KYSO_IS_PROFILE_ACCOUNT (account), NULL);
  kind = kyso_profile_account_get_kind (account);
  if (g_strcmp0 (kind, KYSO_ACCOUNT_KIND_TOKEN) == 0)
    {
      /* Whichever token holds the certificate, found by issuer and serial number. */
      KysoTokenSigner *signer = kyso_token_signer_new_for_config (config, NULL);

      kyso_token_signer_set_certificate (signer, kyso_profile_account_get_provider (account),
                                         kyso_profile_account_get_account (account));
      return KYSO_SIGNER (signer);
    }
  if (g_strcmp0 (kind, KYSO_ACCOUNT_KIND_NEAC_SIGN) == 0)
    kind = "neac";
  else if (g_strcmp0 (kind, KYSO_ACCOUNT_KIND_CSC) == 0)
    kind = "csc";
  else
    kind = NULL;
  return kyso_signer_factory_new_for_kind (config, kind, kyso_profile_account_get_account (account),
                                           kyso_profile_account_get_provider (account), error);
}

const char *
kyso_signer_factory_get_kind (KysoSigner *signer)
{
  if (KYSO_IS_NEAC_SIGNER (signer))
    return "neac";
  if (KYSO_IS_CSC_SIGNER (signer))
    return "csc";
  return NULL;
}

gboolean
kyso_signer_factory_set_pending (KysoSigner *signer, KysoPending *pending)
{
  if (KYSO_IS_NEAC_SIGNER (signer))
    kyso_neac_signer_set_pending (KYSO_NEAC_SIGNER (signer), pending);
  else if (KYSO_IS_CSC_SIGNER (signer))
    kyso_csc_signer_set_pending (KYSO_CSC_SIGNER (signer), pending);
  else
    return FALSE;
  return TRUE;
}

void
kyso_signer_factory_set_expiry (KysoSigner *signer, guint seconds)
{
  if (seconds == 0)
    return;
  if (KYSO_IS_NEAC_SIGNER (signer))
    kyso_neac_signer_set_expiry (KYSO_NEAC_SIGNER (signer), seconds);
  else if (KYSO_IS_CSC_SIGNER (signer))
    kyso_csc_signer_set_expiry (KYSO_CSC_SIGNER (signer), seconds);
}
