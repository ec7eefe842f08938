/* Signing N PDF files with a USB token: all N with one login (one PIN entry, one sign_digests
 * call with N digests, as a dossier's "sign all" does) against one by one (N sign_digests calls,
 * each with its own login and PIN entry). Run by token-sign.sh, which makes the tokens.
 *
 *   bench-token-sign DIR N HOLDER PIN       (SOFTHSM2_CONF names the tokens)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "kyso-sign-session.h"
#include "kyso-test-pdf.h"
#include "kyso-token-signer.h"

typedef struct
{
  const char *pin;
  guint entries;
} Pin;

static void
give_pin (KysoTokenPinRequest *request, gpointer user_data)
{
  Pin *p = user_data;

  p->entries++;
  kyso_token_pin_request_reply (request, p->pin);
}

static void
on_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static const KysoSignerCredential *
find_credential (KysoTokenSigner *signer, const char *holder, GPtrArray **keep)
{
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;

  kyso_token_signer_list_certificates_async (signer, NULL, on_result, &r);
  *keep = kyso_token_signer_list_certificates_finish (signer, wait_result (&r), &error);
  if (*keep == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < (*keep)->len; i++)
    {
      KysoTokenCertificate *c = g_ptr_array_index (*keep, i);
      if (c->refusal == NULL && g_strcmp0 (c->holder, holder) == 0)
        return c->credential;
    }
  g_error ("no certificate of %s can sign", holder);
}

/* Signs files [first, first + n) with one sign_digests call. */
static void
sign_batch (KysoTokenSigner *signer, const KysoSignerCredential *cred, char **in, char **out, guint first,
            guint n)
{
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GPtrArray) sigs = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;
  KysoSignSessionOptions options = { .reason = "bench" };
  KysoSignRequest request = { .credential_id = cred->id, .description = "bench" };

  for (guint i = first; i < first + n; i++)
    {
      KysoSignSession *session = kyso_sign_session_new (in[i], out[i], &options);
      GBytes *digest = kyso_sign_session_prepare (session, cred->chain, NULL, &error);

      if (digest == NULL)
        g_error ("%s", error->message);
      g_ptr_array_add (sessions, session);
      g_ptr_array_add (digests, digest);
    }
  kyso_signer_sign_digests_async (KYSO_SIGNER (signer), digests, &request, NULL, NULL, NULL, on_result, &r);
  sigs = kyso_signer_sign_digests_finish (KYSO_SIGNER (signer), wait_result (&r), &error);
  if (sigs == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < n; i++)
    if (!kyso_sign_session_complete (g_ptr_array_index (sessions, i), g_ptr_array_index (sigs, i), NULL,
                                     &error))
      g_error ("%s", error->message);
}

int
main (int argc, char **argv)
{
  g_autoptr(KysoTokenSigner) signer = NULL;
  g_autoptr(GPtrArray) certs = NULL;
  g_auto(GStrv) in = NULL;
  g_auto(GStrv) out_batch = NULL;
  g_auto(GStrv) out_single = NULL;
  const KysoSignerCredential *cred;
  Pin pin = { 0 };
  gint64 t0, t1, t2;
  guint n;

  if (argc != 5)
    {
      fprintf (stderr, "usage: bench-token-sign DIR N HOLDER PIN\n");
      return 2;
    }
  n = (guint)strtoul (argv[2], NULL, 10);
  pin.pin = argv[4];
  in = g_new0 (char *, n + 1);
  out_batch = g_new0 (char *, n + 1);
  out_single = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *a = g_strdup_printf ("in-%02u.pdf", i);
      g_autofree char *b = g_strdup_printf ("batch-%02u.pdf", i);
      g_autofree char *c = g_strdup_printf ("single-%02u.pdf", i);

      in[i] = g_build_filename (argv[1], a, NULL);
      out_batch[i] = g_build_filename (argv[1], b, NULL);
      out_single[i] = g_build_filename (argv[1], c, NULL);
      kyso_test_make_simple (in[i]);
    }

  signer = kyso_token_signer_new (NULL, TRUE);
  kyso_token_signer_set_pin_func (signer, give_pin, &pin, NULL);
  cred = find_credential (signer, argv[3], &certs);

  t0 = g_get_monotonic_time ();
  sign_batch (signer, cred, in, out_batch, 0, n);
  t1 = g_get_monotonic_time ();
  printf ("one PIN for %u files: %.3f s (%u PIN entry)\n", n, (t1 - t0) / 1e6, pin.entries);

  pin.entries = 0;
  t1 = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    sign_batch (signer, cred, in, out_single, i, 1);
  t2 = g_get_monotonic_time ();
  printf ("one by one, %u files: %.3f s (%u PIN entries)\n", n, (t2 - t1) / 1e6, pin.entries);
  return 0;
}
