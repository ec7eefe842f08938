/* kyso-cli sign for Word documents (DOCX): one KysoOoxmlSignSession over the signer. */
#include "config.h"

#include "kyso-cli.h"
#include "kyso-cli-sign-docx.h"
#include "kyso-error.h"
#include "kyso-ooxml-sign-session.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

static void
on_done (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **)data = g_object_ref (result);
}

int
kyso_cli_sign_docx (KysoSigner *signer, const char *comments, const char *tsa, const char *ca_file,
                    const char *in, const char *out)
{
  KysoOoxmlSignOptions options = { .comments = comments, .tsa_url = tsa, .tls_ca_file = ca_file };
  g_autoptr (KysoOoxmlSignSession) session = kyso_ooxml_sign_session_new (in, out, &options);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  kyso_ooxml_sign_session_sign_with_signer_async (session, signer, NULL, NULL, NULL, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!kyso_ooxml_sign_session_sign_with_signer_finish (session, result, &error))
    {
      kyso_cli_error (_ ("Cannot sign “%s”: %s"), in, error->message);
      return error->domain == KYSO_ERROR
                 && (error->code == KYSO_ERROR_BROKEN_FILE || error->code == KYSO_ERROR_LIMIT
                     || error->code == KYSO_ERROR_ENCRYPTED || error->code == KYSO_ERROR_UNSUPPORTED)
               ? KYSO_EXIT_INPUT
               : KYSO_EXIT_SIGN_FAILED;
    }
  /* Translators: %s is the signed file's name */
  printf (_ ("Signed: %s\n"), out);
  return KYSO_EXIT_OK;
}
