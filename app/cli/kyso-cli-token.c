#include "config.h"

#include "kyso-cli-token.h"
#include "kyso-cli-remote.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define MAX_PIN 256

void
kyso_cli_token_args_clear (KysoCliTokenArgs *a)
{
  g_clear_pointer (&a->module, g_free);
  g_clear_pointer (&a->cert, g_free);
}

typedef struct
{
  gboolean tty;
  guint asked;
} CliPin;

/* One line, echo off on a terminal; NULL at the end of the input. */
static char *
read_pin (gboolean tty)
{
  struct termios old, quiet;
  gboolean quiet_set = tty && tcgetattr (STDIN_FILENO, &old) == 0;
  char *buf = g_malloc0 (MAX_PIN + 1);
  gboolean got;
  gsize len;

  if (tty)
    fprintf (stderr, "%s ", _ ("PIN:"));
  if (quiet_set)
    {
      quiet = old;
      quiet.c_lflag &= ~(tcflag_t)ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  got = fgets (buf, MAX_PIN + 1, stdin) != NULL;
  if (quiet_set)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &old);
  if (tty)
    fputc ('\n', stderr);
  len = strlen (buf);
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
    buf[--len] = '\0';
  if (!got || len == 0)
    {
      memset (buf, 0, MAX_PIN + 1);
      g_free (buf);
      return NULL;
    }
  return buf;
}

static void
cli_pin (KysoTokenPinRequest *request, gpointer user_data)
{
  CliPin *p = user_data;
  char *pin;

  if (kyso_token_pin_request_get_flags (request) & KYSO_TOKEN_PIN_PAD)
    {
      fprintf (stderr, "%s\n", kyso_token_pin_request_get_message (request));
      return;
    }
  /* Standard input holds one PIN: a wrong one ends here, with the token's message as the error. */
  if (!p->tty && p->asked > 0)
    {
      kyso_token_pin_request_reply (request, NULL);
      return;
    }
  p->asked++;
  if (p->tty)
    fprintf (stderr, "%s\n", kyso_token_pin_request_get_message (request));
  pin = read_pin (p->tty);
  kyso_token_pin_request_reply (request, pin);
  if (pin != NULL)
    {
      memset (pin, 0, strlen (pin));
      g_free (pin);
    }
}

KysoTokenSigner *
kyso_cli_token_signer_new (KysoConfig *config, const char *module)
{
  KysoTokenSigner *signer = kyso_token_signer_new_for_config (config, module);
  CliPin *pin = g_new0 (CliPin, 1);

  pin->tty = isatty (STDIN_FILENO);
  kyso_token_signer_set_pin_func (signer, cli_pin, pin, g_free);
  return signer;
}

static void
mark_gone (gpointer data)
{
  g_atomic_int_set ((gint *)data, 1);
}

void
kyso_cli_token_signer_release (KysoTokenSigner *signer)
{
  gint *gone;

  if (signer == NULL)
    return;
  gone = g_new0 (gint, 1);
  /* Qdata is destroyed at the very end of finalize, after the modules are closed. */
  g_object_set_data_full (G_OBJECT (signer), "kyso-cli-gone", gone, mark_gone);
  g_object_unref (signer);
  for (guint i = 0; i < 5000 && !g_atomic_int_get (gone); i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  /* Left allocated if the signer outlived the wait: its finalize will still write there. */
  if (g_atomic_int_get (gone))
    g_free (gone);
}

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
} Wait;

static void
on_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->result = g_object_ref (result);
  g_main_loop_quit (w->loop);
}

GPtrArray *
kyso_cli_token_list (KysoTokenSigner *signer, GError **error)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Wait w = { loop, NULL };
  GPtrArray *certs;

  kyso_token_signer_list_certificates_async (signer, NULL, on_listed, &w);
  g_main_loop_run (loop);
  certs = kyso_token_signer_list_certificates_finish (signer, w.result, error);
  g_object_unref (w.result);
  return certs;
}

static void
print_certificate (const KysoTokenCertificate *c)
{
  /* Translators: a certificate on a token: id, holder, token label, serial number */
  fprintf (stderr, _ ("  %s  %s (token “%s”, serial %s)\n"), c->credential->id, c->holder, c->token_label,
                      c->serial);
}

char *
kyso_cli_token_choose (KysoTokenSigner *signer, const char *cert_id, int *exit_status)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) certs = kyso_cli_token_list (signer, &error);
  const KysoTokenCertificate *chosen = NULL;
  guint usable = 0;

  if (certs == NULL)
    {
      kyso_cli_error ("%s", error->message);
      *exit_status = KYSO_EXIT_INPUT;
      return NULL;
    }
  if (cert_id != NULL)
    {
      chosen = kyso_token_certificates_find (certs, cert_id);
      if (chosen == NULL)
        {
          kyso_cli_error (_ ("No certificate “%s” is on the tokens plugged in."), cert_id);
          *exit_status = KYSO_EXIT_INPUT;
          return NULL;
        }
      if (chosen->refusal != NULL)
        {
          kyso_cli_error ("%s", chosen->refusal);
          *exit_status = KYSO_EXIT_SIGN_FAILED;
          return NULL;
        }
      return g_strdup (chosen->credential->id);
    }
  for (guint i = 0; i < certs->len; i++)
    {
      const KysoTokenCertificate *c = g_ptr_array_index (certs, i);
      if (c->refusal == NULL)
        {
          chosen = c;
          usable++;
        }
    }
  if (usable == 1)
    return g_strdup (chosen->credential->id);
  if (usable == 0)
    {
      kyso_cli_error ("%s", _ ("No token with a certificate that can sign is plugged in."));
      for (guint i = 0; i < certs->len; i++)
        {
          const KysoTokenCertificate *c = g_ptr_array_index (certs, i);
          print_certificate (c);
          fprintf (stderr, "    %s\n", c->refusal);
        }
      *exit_status = KYSO_EXIT_SIGN_FAILED;
      return NULL;
    }
  kyso_cli_error ("%s", _ ("Several certificates can sign; choose one with --cert:"));
  for (guint i = 0; i < certs->len; i++)
    if (((KysoTokenCertificate *)g_ptr_array_index (certs, i))->refusal == NULL)
      print_certificate (g_ptr_array_index (certs, i));
  *exit_status = KYSO_EXIT_USAGE;
  return NULL;
}

int
kyso_cli_token_sign (KysoCliContext *ctx, const KysoCliTokenArgs *args, const KysoSignSessionOptions *options,
                     const char *in, const char *out)
{
  KysoConfig *config = kyso_cli_get_config (ctx);
  KysoTokenSigner *signer;
  g_autofree char *id = NULL;
  int status = KYSO_EXIT_OK;

  if (config == NULL)
    return KYSO_EXIT_INPUT;
  signer = kyso_cli_token_signer_new (config, args->module);
  id = kyso_cli_token_choose (signer, args->cert, &status);
  if (id != NULL)
    status = kyso_cli_local_sign (KYSO_SIGNER (signer), id, options, in, out);
  kyso_cli_token_signer_release (signer);
  return status;
}
