#include "config.h"

#include "kyso-cli.h"
#include "kyso-cli-token.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

int
kyso_cli_cmd_tokens (KysoCliContext *ctx, int argc, char **argv);

/* Lists the certificates on the USB tokens plugged in: the id `sign --token --cert` takes, and
 * why a certificate cannot sign. */
int
kyso_cli_cmd_tokens (KysoCliContext *ctx, int argc, char **argv)
{
  g_autofree char *module = NULL;
  KysoTokenSigner *signer = NULL;
  g_autoptr (GPtrArray) certs = NULL;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "module", 0, 0, G_OPTION_ARG_FILENAME, &module,
      N_ ("Also load this PKCS#11 module (the token maker's driver)"), N_ ("PATH") }, G_OPTION_ENTRY_NULL,
    };
  KysoConfig *config;

  if (!kyso_cli_parse (NULL, _ ("List the signing certificates on the USB tokens plugged in"), entries, &argc,
                                &argv))
    return KYSO_EXIT_USAGE;
  config = kyso_cli_get_config (ctx);
  if (config == NULL)
    return KYSO_EXIT_INPUT;
  signer = kyso_cli_token_signer_new (config, module);
  certs = kyso_cli_token_list (signer, &error);
  kyso_cli_token_signer_release (signer);
  if (certs == NULL)
    {
      kyso_cli_error ("%s", error->message);
      return KYSO_EXIT_INPUT;
    }
  if (certs->len == 0)
    {
      printf ("%s\n", _ ("No certificate was found on the tokens plugged in."));
      return KYSO_EXIT_OK;
    }
  for (guint i = 0; i < certs->len; i++)
    {
      const KysoTokenCertificate *c = g_ptr_array_index (certs, i);

      printf ("%s  %s\n", c->credential->id, c->holder);
      printf ("    %s: %s\n", _ ("Token"), c->token_label);
      printf ("    %s: %s\n", _ ("Issuer"), c->issuer);
      printf ("    %s: %s\n", _ ("Serial number"), c->serial);
      printf ("    %s: %s\n", _ ("Can sign"), c->refusal == NULL ? _ ("yes") : c->refusal);
    }
  return KYSO_EXIT_OK;
}
