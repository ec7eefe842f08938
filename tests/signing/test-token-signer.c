/* KysoTokenSigner against SoftHSM2: two tokens made by make-test-tokens.sh with the PDF tests' CA
 * (SOFTHSM2_CONF in this test's temporary HOME), found the way a citizen's token is found — the
 * module p11-kit registers (Debian's softhsm2.module) — or through a module file named in Kyso's
 * configuration: kyso-test-p11-reader.so, SoftHSM2 behind a reader with a PIN retry counter, a PIN
 * pad and a token that can be pulled out. Signatures are checked with OpenSSL, PDFs with pdfsig,
 * mutool and `openssl cms -verify`. */
#include "config.h"

#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>
#include <unistd.h>

#include "kyso-error.h"
#include "kyso-sign-session.h"
#include "kyso-signer-factory.h"
#include "kyso-signing-job.h"
#include "kyso-profile-account.h"
#include "kyso-test-pdf.h"
#include "kyso-test-tokens.h"
#include "kyso-token-signer.h"
#include "kyso-token-signer-private.h"

#define PIN_A KYSO_TEST_TOKEN_PIN_A
#define PIN_B KYSO_TEST_TOKEN_PIN_B
#define LABEL_A KYSO_TEST_TOKEN_A
#define LABEL_B KYSO_TEST_TOKEN_B
#define AN "Nguyễn Văn An"
#define BINH "Trần Thị Bình"

static const char *tokens_dir;
static const char *reader_path;

static void
reader_state (const char *label, const char *what, const char *contents)
{
  kyso_test_tokens_reader_state (label, what, contents);
}

static void
fresh_reader_state (void)
{
  kyso_test_tokens_reader_reset ();
}

static KysoTokenSigner *
track (KysoTokenSigner *signer)
{
  return kyso_test_tokens_track (signer);
}

static void
wait_previous_signers (void)
{
  kyso_test_tokens_wait_signers ();
}

/* The modules p11-kit registers (SoftHSM2 among them). */
static KysoTokenSigner *
registered_signer (void)
{
  wait_previous_signers ();
  return track (kyso_token_signer_new (NULL, TRUE));
}

/* Only the reader module, named the way kyso.conf names it. */
static KysoTokenSigner *
reader_signer (void)
{
  const char *paths[] = { reader_path, NULL };

  wait_previous_signers ();
  fresh_reader_state ();
  return track (kyso_token_signer_new (paths, FALSE));
}

/* ---- async helpers ----------------------------------------------------------------------- */

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

static GPtrArray *
list_certificates (KysoTokenSigner *signer, GError **error)
{
  g_autoptr (GAsyncResult) r = NULL;

  kyso_token_signer_list_certificates_async (signer, NULL, on_result, &r);
  return kyso_token_signer_list_certificates_finish (signer, wait_result (&r), error);
}

static const KysoTokenCertificate *
find_holder (GPtrArray *certs, const char *holder)
{
  for (guint i = 0; i < certs->len; i++)
    {
      const KysoTokenCertificate *c = g_ptr_array_index (certs, i);
      if (g_strcmp0 (c->holder, holder) == 0)
        return c;
    }
  return NULL;
}

static const KysoTokenCertificate *
holder_cert (GPtrArray *certs, const char *holder)
{
  const KysoTokenCertificate *c = find_holder (certs, holder);

  if (c == NULL)
    g_error ("no certificate of %s on the tokens", holder);
  return c;
}

/* The credential id of @holder's certificate (asserting it can sign). */
static char *
credential_of (KysoTokenSigner *signer, const char *holder)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) certs = list_certificates (signer, &error);
  const KysoTokenCertificate *c;

  g_assert_no_error (error);
  c = holder_cert (certs, holder);
  g_assert_null (c->refusal);
  return g_strdup (c->credential->id);
}

/* What the PIN function saw and what it answers. */
typedef struct
{
  const char *const *answers; /* in order; past the end: give up (NULL) */
  gboolean hold;              /* keep the request unanswered */
  guint calls;
  KysoTokenPinFlags flags[8];
  char *messages[8];
  char *labels[8];
  KysoTokenPinRequest *held;
} PinScript;

static void
pin_script_clear (PinScript *p)
{
  for (guint i = 0; i < G_N_ELEMENTS (p->messages); i++)
    {
      g_free (p->messages[i]);
      g_free (p->labels[i]);
    }
  g_clear_pointer (&p->held, kyso_token_pin_request_unref);
  /* Ready for another round with the same answers. */
  *p = (PinScript){ .answers = p->answers, .hold = p->hold };
}

static void
script_pin (KysoTokenPinRequest *request, gpointer user_data)
{
  PinScript *p = user_data;
  guint i = p->calls++;
  KysoTokenPinFlags flags = kyso_token_pin_request_get_flags (request);

  if (i < G_N_ELEMENTS (p->flags))
    {
      p->flags[i] = flags;
      p->messages[i] = g_strdup (kyso_token_pin_request_get_message (request));
      p->labels[i] = g_strdup (kyso_token_pin_request_get_token_label (request));
    }
  if (flags & KYSO_TOKEN_PIN_PAD)
    return;
  if (p->hold)
    {
      g_clear_pointer (&p->held, kyso_token_pin_request_unref);
      p->held = kyso_token_pin_request_ref (request);
      return;
    }
  kyso_token_pin_request_reply (request, p->answers != NULL ? p->answers[i] : NULL);
}

static void
record_progress (const KysoSignProgress *progress, gpointer user_data)
{
  g_string_append_printf (user_data, "%d ", progress->state);
}

static GPtrArray *
make_digests (guint n)
{
  GPtrArray *digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("signed attributes of file %u", i);
      guint8 md[32];
      gsize len = sizeof md;
      g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

      g_checksum_update (sum, (const guchar *)text, -1);
      g_checksum_get_digest (sum, md, &len);
      g_ptr_array_add (digests, g_bytes_new (md, len));
    }
  return digests;
}

static GPtrArray *
sign (KysoTokenSigner *signer, const char *credential_id, GPtrArray *digests, GString *progress,
      GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) r = NULL;
  KysoSignRequest request = { .credential_id = credential_id, .description = "test" };

  kyso_signer_sign_digests_async (KYSO_SIGNER (signer), digests, &request, progress ? record_progress : NULL,
                                  progress, cancellable, on_result, &r);
  return kyso_signer_sign_digests_finish (KYSO_SIGNER (signer), wait_result (&r), error);
}

/* Independent check with OpenSSL and the certificate file. */
static void
assert_verifies (const char *cert_file, GBytes *digest, GBytes *sig)
{
  g_autofree char *path = g_build_filename (tokens_dir, cert_file, NULL);
  FILE *f = fopen (path, "r");
  X509 *cert;
  EVP_PKEY_CTX *ctx;

  if (f == NULL)
    {
      g_free (path);
      path = kyso_test_pki_file (cert_file);
      f = fopen (path, "r");
    }
  g_assert_nonnull (f);
  cert = PEM_read_X509 (f, NULL, NULL, NULL);
  fclose (f);
  g_assert_nonnull (cert);
  ctx = EVP_PKEY_CTX_new (X509_get0_pubkey (cert), NULL);
  g_assert_cmpint (EVP_PKEY_verify_init (ctx), ==, 1);
  g_assert_cmpint (EVP_PKEY_CTX_set_signature_md (ctx, EVP_sha256 ()), ==, 1);
  g_assert_cmpint (EVP_PKEY_verify (ctx, g_bytes_get_data (sig, NULL), g_bytes_get_size (sig),
                                    g_bytes_get_data (digest, NULL), g_bytes_get_size (digest)),
                   ==, 1);
  EVP_PKEY_CTX_free (ctx);
  X509_free (cert);
}

/* ---- tests ------------------------------------------------------------------------------- */

static void
test_list (void)
{
  g_autoptr (KysoTokenSigner) signer = registered_signer ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) certs = list_certificates (signer, &error);
  g_autoptr (GPtrArray) creds = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  const KysoTokenCertificate *an, *binh, *no_sign, *no_key;

  g_assert_no_error (error);
  /* Two tokens; the CA's own certificate on token A is no signing certificate and is left out. */
  g_assert_cmpuint (certs->len, ==, 4);
  an = find_holder (certs, AN);
  binh = find_holder (certs, BINH);
  no_sign = find_holder (certs, "Lê Văn Cường");
  no_key = find_holder (certs, "Phạm Văn Dũng");
  g_assert_nonnull (an);
  g_assert_nonnull (binh);
  g_assert_nonnull (no_sign);
  g_assert_nonnull (no_key);
  g_assert_cmpstr (an->token_label, ==, LABEL_A);
  g_assert_cmpstr (binh->token_label, ==, LABEL_B);
  g_assert_null (an->refusal);
  g_assert_null (binh->refusal);
  g_assert_nonnull (strstr (no_sign->refusal, "not meant for signing"));
  g_assert_nonnull (strstr (no_key->refusal, "holds no private key"));
  /* The chain: the certificate, then the CA found on the same token. */
  g_assert_cmpuint (an->credential->chain->len, ==, 2);
  g_assert_cmpuint (binh->credential->chain->len, ==, 1);
  g_assert_cmpuint (strlen (an->credential->id), ==, 16);
  g_assert_nonnull (strstr (an->issuer, "CN=Kyso PDF Test CA"));
  g_assert_true (g_ascii_isxdigit (an->serial[0]));

  /* Found by id and by serial number (any case, with colons). */
  g_assert_true (kyso_token_certificates_find (certs, an->credential->id) == an);
  {
    g_autofree char *lower = g_ascii_strdown (binh->serial, -1);
    g_assert_true (kyso_token_certificates_find (certs, lower) == binh);
  }
  g_assert_null (kyso_token_certificates_find (certs, "not-a-certificate"));

  /* The KysoSigner view: only the two that can sign. */
  kyso_signer_list_credentials_async (KYSO_SIGNER (signer), NULL, on_result, &r);
  creds = kyso_signer_list_credentials_finish (KYSO_SIGNER (signer), wait_result (&r), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (creds->len, ==, 2);
}

static void
test_sign_rsa (void)
{
  g_autoptr (KysoTokenSigner) signer = registered_signer ();
  g_autofree char *id = credential_of (signer, AN);
  g_autoptr (GPtrArray) digests = make_digests (3);
  g_autoptr (GString) progress = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sigs = NULL;
  const char *answers[] = { PIN_A, NULL };
  PinScript pin = { .answers = answers };

  kyso_token_signer_set_pin_func (signer, script_pin, &pin, NULL);
  sigs = sign (signer, id, digests, progress, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sigs->len, ==, 3);
  /* One PIN for the three files. */
  g_assert_cmpuint (pin.calls, ==, 1);
  g_assert_cmpint (pin.flags[0], ==, 0);
  g_assert_cmpstr (pin.labels[0], ==, LABEL_A);
  g_assert_nonnull (strstr (pin.messages[0], LABEL_A));
  g_assert_nonnull (strstr (pin.messages[0], AN));
  g_assert_cmpstr (progress->str, ==, "0 1 2 ");
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (sigs, i)), ==, 256);
      assert_verifies ("signer.pem", g_ptr_array_index (digests, i), g_ptr_array_index (sigs, i));
    }
  pin_script_clear (&pin);
}

static void
test_sign_ec (void)
{
  g_autoptr (KysoTokenSigner) signer = registered_signer ();
  g_autofree char *id = credential_of (signer, BINH);
  g_autoptr (GPtrArray) digests = make_digests (2);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sigs = NULL;
  const char *answers[] = { PIN_B, NULL };
  PinScript pin = { .answers = answers };

  kyso_token_signer_set_pin_func (signer, script_pin, &pin, NULL);
  sigs = sign (signer, id, digests, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pin.calls, ==, 1);
  for (guint i = 0; i < 2; i++)
    {
      const guint8 *der = g_bytes_get_data (g_ptr_array_index (sigs, i), NULL);
      /* DER ECDSA-Sig-Value, not the token's raw r‖s. */
      g_assert_cmpint (der[0], ==, 0x30);
      assert_verifies ("signer-ec.pem", g_ptr_array_index (digests, i), g_ptr_array_index (sigs, i));
    }
  pin_script_clear (&pin);
}

static void
test_wrong_pin_then_right (void)
{
  g_autoptr (KysoTokenSigner) signer = registered_signer ();
  g_autofree char *id = credential_of (signer, AN);
  g_autoptr (GPtrArray) digests = make_digests (1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sigs = NULL;
  const char *answers[] = { "000000", PIN_A, NULL };
  PinScript pin = { .answers = answers };

  kyso_token_signer_set_pin_func (signer, script_pin, &pin, NULL);
  sigs = sign (signer, id, digests, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pin.calls, ==, 2);
  g_assert_true (pin.flags[1] & KYSO_TOKEN_PIN_RETRY);
  g_assert_nonnull (strstr (pin.messages[1], "The PIN is wrong."));
  assert_verifies ("signer.pem", g_ptr_array_index (digests, 0), g_ptr_array_index (sigs, 0));
  pin_script_clear (&pin);
}

static void
test_wrong_pin_give_up (void)
{
  g_autoptr (KysoTokenSigner) signer = registered_signer ();
  g_autofree char *id = credential_of (signer, AN);
  g_autoptr (GPtrArray) digests = make_digests (2);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sigs = NULL;
  const char *answers[] = { "000000", NULL };
  PinScript pin = { .answers = answers };

  kyso_token_signer_set_pin_func (signer, script_pin, &pin, NULL);
  sigs = sign (signer, id, digests, NULL, NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_AUTH);
  g_assert_null (sigs);
  g_assert_nonnull (strstr (error->message, "The PIN is wrong."));
  g_assert_cmpuint (pin.calls, ==, 2);
  pin_script_clear (&pin);

  /* Giving up at the first request is a cancellation. */
  {
    PinScript none = { .answers = NULL };
    g_clear_error (&error);
    kyso_token_signer_set_pin_func (signer, script_pin, &none, NULL);
    sigs = sign (signer, id, digests, NULL, NULL, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (sigs);
    pin_script_clear (&none);
  }
}

static void
test_locked (void)
{
  g_autoptr (KysoTokenSigner) signer = reader_signer ();
  g_autofree char *id = credential_of (signer, AN);
  g_autoptr (GPtrArray) digests = make_digests (1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sigs = NULL;
  const char *wrong[] = { "111111", "222222", "333333", NULL };
  const char *right[] = { PIN_A, NULL };
  PinScript pin = { .answers = wrong };
  PinScript again = { .answers = right };

  reader_state (LABEL_A, "max-tries", "3");
  kyso_token_signer_set_pin_func (signer, script_pin, &pin, NULL);
  sigs = sign (signer, id, digests, NULL, NULL, &error);
  g_assert_null (sigs);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_assert_cmpuint (pin.calls, ==, 3);
  /* What the token said along the way: a wrong PIN lowers the count, then one try is left. */
  g_assert_true (pin.flags[1] & KYSO_TOKEN_PIN_COUNT_LOW);
  g_assert_false (pin.flags[1] & KYSO_TOKEN_PIN_FINAL_TRY);
  g_assert_true (pin.flags[2] & KYSO_TOKEN_PIN_FINAL_TRY);
  g_assert_nonnull (strstr (pin.messages[1], "Few tries are left"));
  g_assert_nonnull (strstr (pin.messages[2], "One try is left"));
  pin_script_clear (&pin);

  /* Locked: not even asked, even with the right PIN at hand. */
  g_clear_error (&error);
  kyso_token_signer_set_pin_func (signer, script_pin, &again, NULL);
  sigs = sign (signer, id, digests, NULL, NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_assert_cmpuint (again.calls, ==, 0);
  pin_script_clear (&again);
}

static void
test_final_try_announced (void)
{
  g_autoptr (KysoTokenSigner) signer = reader_signer ();
  g_autofree char *id = credential_of (signer, AN);
  g_autoptr (GPtrArray) digests = make_digests (1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sigs = NULL;
  const char *answers[] = { PIN_A, NULL };
  PinScript pin = { .answers = answers };

  /* Two wrong PINs in an earlier session: the first request already warns. */
  reader_state (LABEL_A, "max-tries", "3");
  reader_state (LABEL_A, "failures", "2");
  kyso_token_signer_set_pin_func (signer, script_pin, &pin, NULL);
  sigs = sign (signer, id, digests, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (pin.flags[0] & KYSO_TOKEN_PIN_FINAL_TRY);
  g_assert_false (pin.flags[0] & KYSO_TOKEN_PIN_RETRY);
  g_assert_nonnull (strstr (pin.messages[0], "One try is left"));
  pin_script_clear (&pin);
}

static void
test_pin_pad (void)
{
  g_autoptr (KysoTokenSigner) signer = reader_signer ();
  g_autofree char *id = credential_of (signer, BINH);
  g_autoptr (GPtrArray) digests = make_digests (2);
  g_autoptr (GString) progress = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sigs = NULL;
  PinScript pin = { .answers = NULL };

  reader_state (LABEL_B, "pinpad", PIN_B);
  kyso_token_signer_set_pin_func (signer, script_pin, &pin, NULL);
  sigs = sign (signer, id, digests, progress, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pin.calls, ==, 1);
  g_assert_true (pin.flags[0] & KYSO_TOKEN_PIN_PAD);
  g_assert_nonnull (strstr (pin.messages[0], "keypad"));
  g_assert_cmpstr (progress->str, ==, "0 1 2 ");
  assert_verifies ("signer-ec.pem", g_ptr_array_index (digests, 1), g_ptr_array_index (sigs, 1));
  pin_script_clear (&pin);

  /* A wrong PIN typed on the pad. */
  reader_state (LABEL_B, "pinpad", "999999");
  reader_state (LABEL_B, "max-tries", "3");
  g_clear_pointer (&sigs, g_ptr_array_unref);
  sigs = sign (signer, id, digests, NULL, NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "typed on the reader is wrong"));
  g_assert_nonnull (strstr (error->message, "Few tries are left"));
  pin_script_clear (&pin);
}

static void
unplug_a (guint index, gpointer user_data)
{
  guint *signed_count = user_data;

  *signed_count = index + 1;
  if (index == 0)
    reader_state (LABEL_A, "unplugged", "");
}

static void
test_removed_mid_sign (void)
{
  g_autoptr (KysoTokenSigner) signer = reader_signer ();
  g_autofree char *id = credential_of (signer, AN);
  g_autoptr (GPtrArray) digests = make_digests (5);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sigs = NULL;
  const char *answers[] = { PIN_A, NULL };
  PinScript pin = { .answers = answers };
  guint signed_count = 0;

  kyso_token_signer_set_pin_func (signer, script_pin, &pin, NULL);
  _kyso_token_signer_set_sign_hook (signer, unplug_a, &signed_count);
  sigs = sign (signer, id, digests, NULL, NULL, &error);
  g_assert_null (sigs);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "pulled out"));
  g_assert_nonnull (strstr (error->message, LABEL_A));
  /* Pulled out after the first file: the second never came back. */
  g_assert_cmpuint (signed_count, ==, 1);
  _kyso_token_signer_set_sign_hook (signer, NULL, NULL);

  /* Still out: signing says the token is not there, without asking the PIN. */
  g_clear_error (&error);
  sigs = sign (signer, id, digests, NULL, NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_assert_cmpuint (pin.calls, ==, 1);

  /* Back in: it signs. */
  reader_state (LABEL_A, "unplugged", NULL);
  g_clear_error (&error);
  pin_script_clear (&pin);
  pin = (PinScript){ .answers = answers };
  sigs = sign (signer, id, digests, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sigs->len, ==, 5);
  pin_script_clear (&pin);
}

static void
on_tokens_changed (KysoTokenSigner *signer, gpointer user_data)
{
  (*(guint *)user_data)++;
}

static gboolean
timed_out (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_for_count (guint *count, guint expected)
{
  gboolean late = FALSE;
  guint timer = g_timeout_add_seconds (10, timed_out, &late);

  while (*count < expected && !late)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (late);
  g_source_remove (timer);
}

static void
test_watch (void)
{
  g_autoptr (KysoTokenSigner) signer = reader_signer ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) certs = NULL;
  guint changes = 0;

  g_signal_connect (signer, "tokens-changed", G_CALLBACK (on_tokens_changed), &changes);
  kyso_token_signer_watch (signer, 50);
  /* Let the watch take its first look with both tokens in. */
  g_usleep (300 * G_TIME_SPAN_MILLISECOND);
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (changes, ==, 0);

  reader_state (LABEL_B, "unplugged", "");
  wait_for_count (&changes, 1);
  certs = list_certificates (signer, &error);
  g_assert_no_error (error);
  g_assert_null (find_holder (certs, BINH));
  g_assert_nonnull (find_holder (certs, AN));

  reader_state (LABEL_B, "unplugged", NULL);
  wait_for_count (&changes, 2);
  g_clear_pointer (&certs, g_ptr_array_unref);
  certs = list_certificates (signer, &error);
  g_assert_nonnull (find_holder (certs, BINH));
}

static void
test_refused_certificate (void)
{
  g_autoptr (KysoTokenSigner) signer = registered_signer ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) certs = list_certificates (signer, &error);
  g_autoptr (GPtrArray) digests = make_digests (1);
  g_autoptr (GPtrArray) sigs = NULL;
  const char *answers[] = { PIN_A, NULL };
  PinScript pin = { .answers = answers };

  kyso_token_signer_set_pin_func (signer, script_pin, &pin, NULL);
  sigs = sign (signer, holder_cert (certs, "Lê Văn Cường")->credential->id, digests, NULL, NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "not meant for signing"));
  g_assert_cmpuint (pin.calls, ==, 0);

  g_clear_error (&error);
  sigs = sign (signer, "0123456789abcdef", digests, NULL, NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_assert_cmpuint (pin.calls, ==, 0);

  /* Only SHA-256 digests. */
  g_clear_error (&error);
  g_ptr_array_add (digests, g_bytes_new ("short", 5));
  sigs = sign (signer, holder_cert (certs, AN)->credential->id, digests, NULL, NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  pin_script_clear (&pin);
}

static void
test_no_pin_func (void)
{
  g_autoptr (KysoTokenSigner) signer = registered_signer ();
  g_autofree char *id = credential_of (signer, AN);
  g_autoptr (GPtrArray) digests = make_digests (1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sigs = sign (signer, id, digests, NULL, NULL, &error);

  g_assert_null (sigs);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "no way to ask"));
}

static gboolean
cancel_later (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_while_asking (void)
{
  g_autoptr (KysoTokenSigner) signer = registered_signer ();
  g_autofree char *id = credential_of (signer, AN);
  g_autoptr (GPtrArray) digests = make_digests (1);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sigs = NULL;
  PinScript pin = { .hold = TRUE };

  kyso_token_signer_set_pin_func (signer, script_pin, &pin, NULL);
  g_timeout_add (200, cancel_later, cancellable);
  sigs = sign (signer, id, digests, NULL, cancellable, &error);
  g_assert_null (sigs);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (pin.calls, ==, 1);
  /* A late answer is harmless. */
  kyso_token_pin_request_reply (pin.held, PIN_A);
  pin_script_clear (&pin);
}

static void
test_bad_module (void)
{
  g_autofree char *missing = g_build_filename (tokens_dir, "no-such-module.so", NULL);
  g_autofree char *not_module = g_build_filename (tokens_dir, "softhsm2.conf", NULL);
  g_autoptr (GError) error = NULL;

  {
    const char *paths[] = { missing, NULL };
    g_autoptr (KysoTokenSigner) signer = NULL;
    wait_previous_signers ();
    signer = track (kyso_token_signer_new (paths, TRUE));
    g_autoptr (GPtrArray) certs = list_certificates (signer, &error);
    g_assert_null (certs);
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "no-such-module.so"));
  }
  g_clear_error (&error);
  {
    const char *paths[] = { not_module, NULL };
    g_autoptr (KysoTokenSigner) signer = NULL;
    wait_previous_signers ();
    signer = track (kyso_token_signer_new (paths, FALSE));
    g_autoptr (GPtrArray) digests = make_digests (1);
    g_autoptr (GPtrArray) sigs = sign (signer, "0123456789abcdef", digests, NULL, NULL, &error);
    g_assert_null (sigs);
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  }
}

static void
test_config (void)
{
  g_autofree char *dir = kyso_test_tmpdir ();
  g_autofree char *conf_path = g_build_filename (dir, "kyso.conf", NULL);
  g_autofree char *reader_dir = g_path_get_dirname (reader_path);
  g_autofree char *relative = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (KysoConfig) config = NULL;
  g_autoptr (KysoTokenSigner) signer = NULL;
  g_autoptr (GPtrArray) certs = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *link = g_build_filename (dir, "drivers", NULL);

  /* A module path relative to the configuration file's folder; the registered ones left out. */
  g_assert_cmpint (symlink (reader_dir, link), ==, 0);
  contents
    = g_strdup_printf ("[token]\nmodules= drivers/%s ;\nregistered=false\n", "kyso-test-p11-reader.so");
  g_assert_true (g_file_set_contents (conf_path, contents, -1, NULL));
  config = kyso_config_load (conf_path, &error);
  g_assert_no_error (error);
  fresh_reader_state ();
  reader_state (LABEL_B, "unplugged", "");
  wait_previous_signers ();
  signer = track (kyso_token_signer_new_for_config (config, NULL));
  certs = list_certificates (signer, &error);
  g_assert_no_error (error);
  /* Token B is out of the reader: if SoftHSM2 were loaded as registered too, it would show. */
  g_assert_null (find_holder (certs, BINH));
  g_assert_nonnull (find_holder (certs, AN));

  /* No configuration: the registered modules. */
  g_clear_object (&signer);
  g_clear_pointer (&certs, g_ptr_array_unref);
  wait_previous_signers ();
  signer = track (kyso_token_signer_new_for_config (NULL, NULL));
  certs = list_certificates (signer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (find_holder (certs, BINH));
}

/* The whole PAdES path with the token: pdfsig, mutool and openssl cms accept the file. */
static void
sign_pdf_with (const char *holder, const char *pin_value)
{
  g_autoptr (KysoTokenSigner) signer = registered_signer ();
  g_autofree char *id = credential_of (signer, holder);
  g_autofree char *dir = kyso_test_tmpdir ();
  g_autofree char *in = g_build_filename (dir, "in.pdf", NULL);
  g_autofree char *out = g_build_filename (dir, "out.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (KysoSignSession) session = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) cms = NULL;
  KysoSignSessionOptions options = { .reason = "Nộp hồ sơ" };
  const char *answers[] = { pin_value, NULL };
  PinScript pin = { .answers = answers };
  gsize len;

  kyso_test_make_simple (in);
  kyso_token_signer_set_pin_func (signer, script_pin, &pin, NULL);
  session = kyso_sign_session_new (in, out, &options);
  kyso_sign_session_sign_with_signer_async (session, KYSO_SIGNER (signer), id, NULL, NULL, NULL, on_result,
                                            &r);
  g_assert_true (kyso_sign_session_sign_with_signer_finish (session, wait_result (&r), &error));
  g_assert_no_error (error);
  kyso_test_assert_pdfsig (out, 1);
  kyso_test_assert_mutool (out);
  cms = kyso_test_assert_cms (out);
  g_assert_nonnull (cms);
  /* The PIN is nowhere in the output. */
  g_assert_true (g_file_get_contents (out, &contents, &len, NULL));
  g_assert_null (g_strstr_len (contents, (gssize)len, pin_value));
  pin_script_clear (&pin);
}

static void
test_pades_rsa (void)
{
  sign_pdf_with (AN, PIN_A);
}

static void
test_pades_ec (void)
{
  sign_pdf_with (BINH, PIN_B);
}

/* `kyso-cli tokens`: what `sign --token --cert` takes, and why a certificate cannot sign. */
static void
test_cli_tokens (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *missing = g_build_filename (tokens_dir, "no-such-module.so", NULL);

  wait_previous_signers ();
  g_assert_cmpint (kyso_test_run (&out, &err, g_getenv ("KYSO_CLI"), "tokens", NULL), ==, 0);
  g_assert_nonnull (strstr (out, AN));
  g_assert_nonnull (strstr (out, BINH));
  g_assert_nonnull (strstr (out, "Token: " LABEL_B));
  g_assert_nonnull (strstr (out, "not meant for signing"));
  g_assert_nonnull (strstr (out, "holds no private key"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (kyso_test_run (&out, &err, g_getenv ("KYSO_CLI"), "tokens", "--module", missing, NULL), ==,
                   3);
  g_assert_nonnull (strstr (err, "no-such-module.so"));
}

/* kyso-cli with @input on standard input; → its exit status. */
static int
run_cli (const char *input, char **out, char **err, const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  va_list ap;

  wait_previous_signers ();
  g_ptr_array_add (argv, (gpointer)g_getenv ("KYSO_CLI"));
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv (
    (const char *const *)argv->pdata,
    G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, input, NULL, out, err, &error));
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (proc);
}

/* `kyso-cli sign --token`: the PIN from standard input, PAdES accepted by pdfsig, mutool and
 * openssl cms on RSA and EC; several certificates need --cert; a wrong PIN and a token that is not
 * there end with a message, the PIN in no output and no file written. */
static void
test_cli_sign (void)
{
  g_autoptr (KysoTokenSigner) signer = registered_signer ();
  g_autofree char *an = credential_of (signer, AN);
  g_autofree char *binh = credential_of (signer, BINH);
  g_autofree char *dir = kyso_test_tmpdir ();
  g_autofree char *in = g_build_filename (dir, "in.pdf", NULL);
  g_autofree char *out_rsa = g_build_filename (dir, "rsa.pdf", NULL);
  g_autofree char *out_ec = g_build_filename (dir, "ec.pdf", NULL);
  g_autofree char *out_bad = g_build_filename (dir, "bad.pdf", NULL);
  g_autofree char *conf = g_build_filename (dir, "kyso.conf", NULL);
  g_autofree char *conf_text = NULL;
  g_autoptr (GBytes) cms = NULL;
  char *out = NULL, *err = NULL;

  g_clear_object (&signer);
  kyso_test_make_simple (in);

  /* Two certificates can sign: name one. */
  g_assert_cmpint (run_cli (PIN_A "\n", &out, &err, "sign", "--token", in, out_bad, NULL), ==, 2);
  g_assert_nonnull (strstr (err, an));
  g_assert_nonnull (strstr (err, binh));
  g_assert_false (g_file_test (out_bad, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (PIN_A "\n", &out, &err, "sign", "--token", "--cert", an, in, out_rsa, NULL), ==,
                   0);
  g_assert_nonnull (strstr (out, "Signed"));
  g_assert_null (strstr (out, PIN_A));
  g_assert_null (strstr (err, PIN_A));
  kyso_test_assert_pdfsig (out_rsa, 1);
  kyso_test_assert_mutool (out_rsa);
  cms = kyso_test_assert_cms (out_rsa);
  g_clear_pointer (&cms, g_bytes_unref);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* By serial number, on the EC token. */
  {
    g_autoptr (KysoTokenSigner) s2 = registered_signer ();
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) certs = list_certificates (s2, &error);
    g_autofree char *serial = g_strdup (holder_cert (certs, BINH)->serial);

    g_clear_object (&s2);
    g_assert_cmpint (
      run_cli (PIN_B "\n", &out, &err, "sign", "--token", "--cert", serial, "--invisible", in, out_ec, NULL),
      ==, 0);
  }
  kyso_test_assert_pdfsig (out_ec, 1);
  kyso_test_assert_mutool (out_ec);
  cms = kyso_test_assert_cms (out_ec);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A wrong PIN: said with what the token says, no file. */
  g_assert_cmpint (run_cli ("999999\n", &out, &err, "sign", "--token", "--cert", an, in, out_bad, NULL), ==,
                   4);
  g_assert_nonnull (strstr (err, "The PIN is wrong."));
  g_assert_null (strstr (err, "999999"));
  g_assert_false (g_file_test (out_bad, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* No PIN at all (end of input): cancelled, no file. */
  g_assert_cmpint (run_cli ("", &out, &err, "sign", "--token", "--cert", an, in, out_bad, NULL), ==, 4);
  g_assert_false (g_file_test (out_bad, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The token out of the reader (the module named with --module, the registered ones left out). */
  conf_text = g_strdup ("[token]\nregistered=false\n");
  g_assert_true (g_file_set_contents (conf, conf_text, -1, NULL));
  fresh_reader_state ();
  reader_state (LABEL_A, "unplugged", "");
  g_assert_cmpint (run_cli (PIN_A "\n", &out, &err, "--config", conf, "sign", "--token", "--module",
                            reader_path, "--cert", an, in, out_bad, NULL),
                   ==, 3);
  g_assert_nonnull (strstr (err, an));
  g_assert_false (g_file_test (out_bad, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  fresh_reader_state ();

  /* --module without --token. */
  g_assert_cmpint (run_cli ("", &out, &err, "sign", "--module", reader_path, in, out_bad, NULL), ==, 2);
  g_free (out);
  g_free (err);
}

/* A profile's USB token account (issuer + serial) through the signer factory and the signing job:
 * three files, one PIN entry; the certificate found on whichever token holds it; an account whose
 * certificate is on no token present. */
static void
test_profile_account_job (void)
{
  g_autoptr (KysoTokenSigner) lister = registered_signer ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) certs = list_certificates (lister, &error);
  const KysoTokenCertificate *binh = holder_cert (certs, BINH);
  g_autoptr (KysoProfileAccount) account = kyso_profile_account_new (binh->issuer, binh->serial);
  g_autoptr (KysoProfileAccount) other = NULL;
  g_autoptr (KysoConfig) config = kyso_config_new_default ();
  g_autoptr (KysoSigner) signer = NULL;
  g_autoptr (KysoSigningJob) job = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autofree char *dir = kyso_test_tmpdir ();
  const char *answers[] = { PIN_B, NULL };
  PinScript pin = { .answers = answers };
  char *in[3], *out[3];

  g_clear_object (&lister);
  kyso_profile_account_set_kind (account, KYSO_ACCOUNT_KIND_TOKEN);
  g_assert_true (kyso_profile_account_validate (account, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (kyso_account_kind_get_display_name (KYSO_ACCOUNT_KIND_TOKEN), ==, "USB Token");

  wait_previous_signers ();
  signer = kyso_test_tokens_track (kyso_signer_factory_new_for_account (config, account, &error));
  g_assert_no_error (error);
  g_assert_true (KYSO_IS_TOKEN_SIGNER (signer));
  g_assert_null (kyso_signer_factory_get_kind (signer));
  kyso_token_signer_set_pin_func (KYSO_TOKEN_SIGNER (signer), script_pin, &pin, NULL);
  job = kyso_signing_job_new (signer, NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *a = g_strdup_printf ("in-%u.pdf", i);
      g_autofree char *b = g_strdup_printf ("out-%u.pdf", i);

      in[i] = g_build_filename (dir, a, NULL);
      out[i] = g_build_filename (dir, b, NULL);
      kyso_test_make_simple (in[i]);
      kyso_signing_job_add_file (job, in[i], out[i], NULL);
    }
  kyso_signing_job_run_async (job, NULL, on_result, &r);
  g_assert_true (kyso_signing_job_run_finish (job, wait_result (&r), &error));
  g_assert_no_error (error);
  /* One PIN for the three files, and the account's certificate (token B), not the first one. */
  g_assert_cmpuint (pin.calls, ==, 1);
  g_assert_cmpstr (pin.labels[0], ==, LABEL_B);
  for (guint i = 0; i < 3; i++)
    {
      kyso_test_assert_pdfsig (out[i], 1);
      g_free (in[i]);
      g_free (out[i]);
    }
  pin_script_clear (&pin);
  g_clear_object (&job);
  g_clear_object (&signer);
  g_clear_object (&r);

  /* A certificate no token holds: said before any PIN is asked. */
  other = kyso_profile_account_new (binh->issuer, "0123ABCD");
  kyso_profile_account_set_kind (other, KYSO_ACCOUNT_KIND_TOKEN);
  wait_previous_signers ();
  signer = kyso_test_tokens_track (kyso_signer_factory_new_for_account (config, other, &error));
  g_assert_no_error (error);
  kyso_signer_list_credentials_async (signer, NULL, on_result, &r);
  g_assert_null (kyso_signer_list_credentials_finish (signer, wait_result (&r), &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Validation: a serial number and an issuer are needed. */
  kyso_profile_account_set_account (other, "not hex");
  g_assert_false (kyso_profile_account_validate (other, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  kyso_profile_account_set_account (other, "0123ABCD");
  kyso_profile_account_set_provider (other, " ");
  g_assert_false (kyso_profile_account_validate (other, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tokens_dir = kyso_test_tokens_make ();
  reader_path = kyso_test_tokens_reader_path ();
  g_test_add_func ("/token-signer/list", test_list);
  g_test_add_func ("/token-signer/sign-rsa", test_sign_rsa);
  g_test_add_func ("/token-signer/sign-ec", test_sign_ec);
  g_test_add_func ("/token-signer/wrong-pin-then-right", test_wrong_pin_then_right);
  g_test_add_func ("/token-signer/wrong-pin-give-up", test_wrong_pin_give_up);
  g_test_add_func ("/token-signer/locked", test_locked);
  g_test_add_func ("/token-signer/final-try-announced", test_final_try_announced);
  g_test_add_func ("/token-signer/pin-pad", test_pin_pad);
  g_test_add_func ("/token-signer/removed-mid-sign", test_removed_mid_sign);
  g_test_add_func ("/token-signer/watch", test_watch);
  g_test_add_func ("/token-signer/refused-certificate", test_refused_certificate);
  g_test_add_func ("/token-signer/no-pin-func", test_no_pin_func);
  g_test_add_func ("/token-signer/cancel-while-asking", test_cancel_while_asking);
  g_test_add_func ("/token-signer/bad-module", test_bad_module);
  g_test_add_func ("/token-signer/config", test_config);
  g_test_add_func ("/token-signer/pades-rsa", test_pades_rsa);
  g_test_add_func ("/token-signer/pades-ec", test_pades_ec);
  g_test_add_func ("/token-signer/cli-tokens", test_cli_tokens);
  g_test_add_func ("/token-signer/cli-sign", test_cli_sign);
  g_test_add_func ("/token-signer/profile-account-job", test_profile_account_job);
  status = g_test_run ();
  /* Not exiting while a worker thread closes the last signer's modules. */
  kyso_test_tokens_wait_signers ();
  return status;
}
