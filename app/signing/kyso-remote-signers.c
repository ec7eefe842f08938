#include "config.h"

#include "kyso-remote-signers.h"
#include "kyso-error.h"
#include "kyso-mysign-signer.h"
#include "kyso-neac-signer.h"
#include "kyso-providers.h"

#include <glib/gi18n-lib.h>

KysoRemoteSigner *
kyso_remote_signer_new_for_provider (KysoConfig *config, const char *account, const char *provider,
                                     GError **error)
{
  const KysoProvider *known = kyso_providers_find (provider);
  const char *service = known != NULL ? known->service : "sp769";
  const char *name = known != NULL ? known->name : provider;

  g_return_val_if_fail (config != NULL, NULL);
  if (g_strcmp0 (service, "sp769") == 0)
    return KYSO_REMOTE_SIGNER (kyso_neac_signer_new (config, account, name, error));
  if (g_strcmp0 (service, "mysign") == 0)
    return KYSO_REMOTE_SIGNER (kyso_mysign_signer_new (config, account, name, error));
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
               /* Translators: %s is a certificate provider such as VNPT-CA */
               _ ("Kyso cannot sign with %s’s remote signing service yet."), name);
  return NULL;
}
