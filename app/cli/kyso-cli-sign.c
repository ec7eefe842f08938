#include "config.h"

#include "kyso-cli.h"
#include "kyso-cli-remote.h"
#include "kyso-cli-sign-docx.h"
#include "kyso-cli-token.h"
#include "kyso-error.h"
#include "kyso-ooxml-package.h"
#include "kyso-p12-signer.h"
#include "kyso-sign-session.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
kyso_cli_cmd_sign (KysoCliContext *ctx, int argc, char **argv);

typedef struct
{
  char *p12;
  char *p12_pass_env;
  int page;
  char *rect;
  char *keyword;
  gboolean invisible;
  char *image;
  char *name;
  char *reason;
  char *location;
  char *tsa;
  char *ca_file;
  KysoCliRemoteArgs remote; /* --neac, --csc, --resume: kyso-cli-remote.c */
  KysoCliTokenArgs token;   /* --token, --module, --cert: kyso-cli-token.c */
} SignArgs;

static void
sign_args_clear (SignArgs *a)
{
  g_free (a->p12);
  g_free (a->p12_pass_env);
  g_free (a->rect);
  g_free (a->keyword);
  g_free (a->image);
  g_free (a->name);
  g_free (a->reason);
  g_free (a->location);
  g_free (a->tsa);
  g_free (a->ca_file);
  kyso_cli_remote_args_clear (&a->remote);
  kyso_cli_token_args_clear (&a->token);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SignArgs, sign_args_clear)

/* The one place that decides which signer signs: a local PKCS#12 file today; the NEAC gateway and
 * CSC services plug in here. Returns NULL with @error set, and *usage = TRUE when the options
 * themselves are wrong (exit 2). */
static KysoSigner *
create_signer (KysoCliContext *ctx, const SignArgs *a, gboolean *usage, GError **error)
{
  g_autofree char *password = NULL;
  KysoSigner *signer;

  *usage = FALSE;
  if (a->p12 == NULL)
    {
      *usage = TRUE;
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("Say how to sign: --p12 FILE, --token, --profile, --neac or --csc."));
      return NULL;
    }
  if (a->p12_pass_env != NULL)
    {
      password = g_strdup (g_getenv (a->p12_pass_env));
      /* Read once, then gone: no child process and no crash report inherits it. */
      g_unsetenv (a->p12_pass_env);
      if (password == NULL)
        {
          *usage = TRUE;
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                       /* Translators: %s is an environment variable name */
                       _("The environment variable %s that should hold the password is not set."),
                          a->p12_pass_env);
          return NULL;
        }
    }
  signer = kyso_p12_signer_new (a->p12, password, error);
  if (password != NULL)
    memset (password, 0, strlen (password));
  return signer;
}

static gboolean
parse_rect (const char *text, double rect[4])
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  if (g_strv_length (parts) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      char *end = NULL;
      rect[i] = g_ascii_strtod (g_strstrip (parts[i]), &end);
      if (end == parts[i] || *end != 0 || !isfinite (rect[i]))
        return FALSE;
    }
  return rect[2] > 0 && rect[3] > 0;
}

static int
run (KysoCliContext *ctx, SignArgs *a, const char *in, const char *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoSigner) signer = NULL;
  g_autoptr(GBytes) image = NULL;
  KysoSignSessionOptions o = { 0 };
  gboolean usage;

  if (access (in, R_OK) != 0)
    {
      kyso_cli_error (_("Cannot read “%s”: %s"), in, g_strerror (errno));
      return KYSO_EXIT_INPUT;
    }
  o.page = a->page;
  o.keyword = a->keyword;
  o.invisible = a->invisible;
  o.name = a->name;
  o.reason = a->reason;
  o.location = a->location;
  /* The box names the certifying authority too, as the portals' own signatures do. */
  o.show_ca = TRUE;
  o.tsa_url = a->tsa;
  o.tls_ca_file = a->ca_file;
  if (a->rect != NULL)
    {
      if (!parse_rect (a->rect, o.rect))
        {
          kyso_cli_error (_("--rect wants X,Y,W,H in points, with a positive width and height."));
          return KYSO_EXIT_USAGE;
        }
      o.has_rect = TRUE;
    }
  if (a->image != NULL)
    {
      g_autoptr(GMappedFile) map = g_mapped_file_new (a->image, FALSE, &error);
      if (map == NULL)
        {
          kyso_cli_error ("%s", error->message);
          return KYSO_EXIT_USAGE;
        }
      image = g_mapped_file_get_bytes (map);
      o.image_png = image;
    }

  /* A Word document (a ZIP) is signed as Word signs it, with a local certificate for now. */
  if (kyso_ooxml_is_package_file (in))
    {
      if (kyso_cli_remote_requested (&a->remote) || a->token.token)
        {
          kyso_cli_error (_ ("Word documents are signed with --p12 for now; for a remote signature save the "
                             "document as PDF."));
          return KYSO_EXIT_USAGE;
        }
      signer = create_signer (ctx, a, &usage, &error);
      if (signer == NULL)
        {
          kyso_cli_error ("%s", error->message);
          return usage ? KYSO_EXIT_USAGE : KYSO_EXIT_SIGN_FAILED;
        }
      return kyso_cli_sign_docx (signer, a->reason, a->tsa, a->ca_file, in, out);
    }

  /* A USB token: the PIN from the terminal or standard input. */
  if (a->token.token)
    {
      if (a->p12 != NULL || kyso_cli_remote_requested (&a->remote))
        {
          kyso_cli_error (_("Give one way to sign: --token, --p12 or a remote signer, not several."));
          return KYSO_EXIT_USAGE;
        }
      return kyso_cli_token_sign (ctx, &a->token, &o, in, out);
    }
  if (a->token.module != NULL || a->token.cert != NULL)
    {
      kyso_cli_error (_("--module and --cert go with --token."));
      return KYSO_EXIT_USAGE;
    }

  /* A remote CA waits for the citizen's phone and can be resumed: its own flow. */
  if (kyso_cli_remote_requested (&a->remote))
    {
      if (a->p12 != NULL)
        {
          kyso_cli_error (_("Give either --p12 or a remote signer (--profile, --neac, --csc), not both."));
          return KYSO_EXIT_USAGE;
        }
      return kyso_cli_remote_sign (ctx, &a->remote, &o, in, out);
    }

  signer = create_signer (ctx, a, &usage, &error);
  if (signer == NULL)
    {
      kyso_cli_error ("%s", error->message);
      return usage ? KYSO_EXIT_USAGE : KYSO_EXIT_SIGN_FAILED;
    }
  return kyso_cli_local_sign (signer, NULL, &o, in, out);
}

int
kyso_cli_cmd_sign (KysoCliContext *ctx, int argc, char **argv)
{
  g_auto(SignArgs) a = { 0 };
  GOptionEntry entries[] = {
    { "p12", 0, 0, G_OPTION_ARG_FILENAME, &a.p12,
      N_("Sign with the key in this PKCS#12 file"), N_("FILE") },
      { "p12-pass-env", 0, 0, G_OPTION_ARG_STRING, &a.p12_pass_env,
        N_("Read the PKCS#12 password from this environment variable"), N_("VAR") },
        { "page", 0, 0, G_OPTION_ARG_INT, &a.page,
          N_("Page to sign (1-based, -1 = last; default: last)"), N_("N") },
          { "rect", 0, 0, G_OPTION_ARG_STRING, &a.rect,
            N_("Signature box in points from the page's lower left"), N_("X,Y,W,H") },
            { "keyword", 0, 0, G_OPTION_ARG_STRING, &a.keyword,
              N_("Place the box by this text (the signature line)"), N_("TEXT") },
              { "invisible", 0, 0, G_OPTION_ARG_NONE, &a.invisible, N_("Sign without a visible box"), NULL },
                { "image", 0, 0, G_OPTION_ARG_FILENAME, &a.image, N_("Signature image (PNG)"), N_("PNG") },
                  { "name", 0, 0, G_OPTION_ARG_STRING, &a.name,
                    N_("Signer name shown (default: from the certificate)"), N_("TEXT") },
                    { "reason", 0, 0, G_OPTION_ARG_STRING, &a.reason,
                      N_("Reason for signing"), N_("TEXT") },
                      { "location", 0, 0, G_OPTION_ARG_STRING, &a.location,
                        N_("Place of signing"), N_("TEXT") },
                        { "tsa", 0, 0, G_OPTION_ARG_STRING, &a.tsa,
                          N_("Add an RFC 3161 time-stamp from this URL"), N_("URL") },
                          { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &a.ca_file,
                            N_("Trust these CA certificates for HTTPS"), N_("PEM") },
                            KYSO_CLI_REMOTE_OPTION_ENTRIES (a.remote),
                            KYSO_CLI_TOKEN_OPTION_ENTRIES (a.token), G_OPTION_ENTRY_NULL,
                          };

  a.page = 0;
  if (!kyso_cli_parse (_("IN OUT"), _("Sign a PDF file (PAdES) or a Word document (DOCX)"), entries, &argc,
                                        &argv))
    return KYSO_EXIT_USAGE;
  if (argc != 3)
    {
      kyso_cli_error (_("Give the file to sign and the file to write."));
      return KYSO_EXIT_USAGE;
    }
  if (a.page < -1)
    {
      kyso_cli_error (_("--page wants a page number from 1, or -1 for the last page."));
      return KYSO_EXIT_USAGE;
    }
  if (a.rect != NULL && a.keyword != NULL)
    {
      kyso_cli_error (_("Give either --rect or --keyword, not both."));
      return KYSO_EXIT_USAGE;
    }
  return run (ctx, &a, argv[1], argv[2]);
}
