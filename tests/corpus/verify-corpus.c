/* The verifier on the real files of ../shared/corpus (suite "corpus"):
 *   - every file is checked without a crash or a hang (broken ones are refused);
 *   - every shadow-attacks/<attack>/4_* file is modified or invalid, every 3_*-signed.pdf intact;
 *   - every pyhanko/coverage-anomalies/ file is flagged; the sneaky form updates are "other";
 *   - every signature is compared with poppler's pdfsig: where they disagree the reason is
 *     recorded. Kyso stricter is fine when it names why; Kyso laxer (intact where pdfsig says
 *     not) must be confirmed by `openssl cms -verify` over the same byte ranges, else it fails;
 *   - corpus files newly signed by pdfsig and by kyso-cli sign verify as intact.
 * Counts are printed as TAP comments. */
#include "config.h"

#include "kyso-pdf-document.h"
#include "kyso-pdf-verify.h"
#include "kyso-test-pki.h"
#include "verify-fixture.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

typedef struct
{
  char *field;
  gint64 ranges[4];
  gboolean has_ranges;
  gboolean valid; /* "Signature is Valid." */
} PopplerSig;

static void
poppler_sig_free (PopplerSig *s)
{
  g_free (s->field);
  g_free (s);
}

static const char *corpus;
static GPtrArray *files; /* relative paths, sorted */

static void
collect (const char *dir, const char *rel)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *r = rel != NULL ? g_build_filename (rel, name, NULL) : g_strdup (name);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect (path, r);
      else if (g_str_has_suffix (name, ".pdf"))
        g_ptr_array_add (files, g_steal_pointer (&r));
    }
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

static int
run (const char *const *argv, const char *cwd, char **out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *std_out = NULL;
  int status = -1;

  g_spawn_sync (cwd, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                &std_out, NULL, &status, &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_steal_pointer (&std_out);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 255;
}

/* pdfsig's view of @path: one entry per signature it lists. */
static GPtrArray *
pdfsig (const char *path)
{
  const char *argv[] = { "timeout", "30", "pdfsig", "-nocert", "-no-ocsp", path, NULL };
  GPtrArray *sigs = g_ptr_array_new_with_free_func ((GDestroyNotify)poppler_sig_free);
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  PopplerSig *cur = NULL;

  run (argv, NULL, &out);
  lines = g_strsplit (out != NULL ? out : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = g_strstrip (lines[i]);
      long long a, b, c, d;

      if (g_str_has_prefix (l, "Signature #"))
        {
          cur = g_new0 (PopplerSig, 1);
          g_ptr_array_add (sigs, cur);
        }
      else if (cur != NULL && g_str_has_prefix (l, "- Signature Field Name: "))
        cur->field = g_strdup (l + strlen ("- Signature Field Name: "));
      else if (cur != NULL
               && sscanf (l, "- Signed Ranges: [%lld - %lld], [%lld - %lld]", &a, &b, &c, &d) == 4)
        {
          cur->ranges[0] = a;
          cur->ranges[1] = b - a;
          cur->ranges[2] = c;
          cur->ranges[3] = d - c;
          cur->has_ranges = TRUE;
        }
      else if (cur != NULL && strcmp (l, "- Signature Validation: Signature is Valid.") == 0)
        cur->valid = TRUE;
    }
  return sigs;
}

/* `openssl cms -verify` of signature @index (as `pdfsig -dump` numbers them) over @ranges; for a
 * document time-stamp, the token's signature and its imprint (`openssl ts`). */
static gboolean
openssl_agrees (const char *path, guint index, const gint64 *ranges, gboolean timestamp)
{
  g_autofree char *dir = kyso_vf_tmpdir ();
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *sig = NULL, *content = NULL;
  g_autoptr(GBytes) bytes = kyso_vf_read (path);
  g_autoptr(GByteArray) data = g_byte_array_new ();
  const char *dump[] = { "timeout", "30", "pdfsig", "-nocert", "-no-ocsp", "-dump", path, NULL };
  const guint8 *d = g_bytes_get_data (bytes, NULL);

  run (dump, dir, NULL);
  sig = g_strdup_printf ("%s/%s.sig%u", dir, base, index);
  if (!g_file_test (sig, G_FILE_TEST_EXISTS) || ranges[2] + ranges[3] > (gint64)g_bytes_get_size (bytes)
      || ranges[1] < 0)
    return FALSE;
  g_byte_array_append (data, d, (guint)ranges[1]);
  g_byte_array_append (data, d + ranges[2], (guint)ranges[3]);
  content = g_build_filename (dir, "content.bin", NULL);
  kyso_vf_write (content, data->data, data->len);
  if (!timestamp)
    {
      const char *argv[]
        = { "openssl",  "cms",   "-verify",   "-binary",  "-inform", "DER",  "-in",       sig,
            "-content", content, "-noverify", "-purpose", "any",     "-out", "/dev/null", NULL };
      return run (argv, NULL, NULL) == 0;
    }
  /* A document time-stamp: its own signature verifies, and its imprint is the ranges' digest. */
  {
    const char *verify[] = { "openssl",   "cms",      "-verify", "-inform", "DER",       "-in", sig,
                             "-noverify", "-purpose", "any",     "-out",    "/dev/null", NULL };
    const char *text[] = { "openssl", "ts", "-reply", "-in", sig, "-token_in", "-text", "-token_out", NULL };
    g_autofree char *out = NULL;
    g_autoptr(GString) imprint = g_string_new (NULL);
    g_auto (GStrv) lines = NULL;
    GChecksumType type;
    gboolean in_data = FALSE;
    const char *algo = NULL;
    g_autoptr(GChecksum) sum = NULL;

    if (run (verify, NULL, NULL) != 0 || run (text, NULL, &out) != 0)
      return FALSE;
    lines = g_strsplit (out, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
      {
        const char *l = lines[i];
        if (g_str_has_prefix (l, "Hash Algorithm: "))
          algo = l + strlen ("Hash Algorithm: ");
        else if (g_str_has_prefix (l, "Message data:"))
          in_data = TRUE;
        else if (in_data && strstr (l, " - ") != NULL)
          {
            /* "    0000 - 4a 3b …-… 9c   ascii": the 16 hex bytes sit between " - " and the ASCII. */
            const char *h = strstr (l, " - ") + 3;
            for (guint k = 0; k < 16 && g_ascii_isxdigit (h[0]) && g_ascii_isxdigit (h[1]); k++, h += 3)
              g_string_append_len (imprint, h, 2);
          }
        else if (in_data)
          in_data = FALSE;
      }
    if (g_strcmp0 (algo, "sha256") == 0)
      type = G_CHECKSUM_SHA256;
    else if (g_strcmp0 (algo, "sha512") == 0)
      type = G_CHECKSUM_SHA512;
    else if (g_strcmp0 (algo, "sha384") == 0)
      type = G_CHECKSUM_SHA384;
    else if (g_strcmp0 (algo, "sha1") == 0)
      type = G_CHECKSUM_SHA1;
    else
      return FALSE;
    sum = g_checksum_new (type);
    g_checksum_update (sum, data->data, data->len);
    return g_ascii_strcasecmp (g_checksum_get_string (sum), imprint->str) == 0;
  }
}

static gboolean
contains (const char *path, const char *needle)
{
  g_autoptr(GBytes) bytes = kyso_vf_read (path);
  gsize len, n = strlen (needle);
  const char *d = g_bytes_get_data (bytes, &len);

  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (d + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static KysoPdfVerifyReport *
kyso_verify (const char *path, GError **error)
{
  g_autoptr(KysoPdfVerifier) v = kyso_pdf_verifier_new ();

  kyso_pdf_verifier_set_use_bundled_trust (v, FALSE);
  kyso_pdf_verifier_set_offline (v, TRUE);
  return kyso_pdf_verifier_verify (v, path, NULL, error);
}

static gboolean
intact (KysoSignatureStatus s)
{
  return s == KYSO_SIGNATURE_STATUS_VALID || s == KYSO_SIGNATURE_STATUS_VALID_UNTRUSTED;
}

static KysoPdfSignatureReport *
match (KysoPdfVerifyReport *report, PopplerSig *p, guint index, guint n_poppler)
{
  guint n = kyso_pdf_verify_report_get_n_signatures (report);

  for (guint i = 0; p->field != NULL && i < n; i++)
    {
      KysoPdfSignatureReport *s = kyso_pdf_verify_report_get_signature (report, i);
      if (g_strcmp0 (kyso_pdf_signature_report_get_field (s), p->field) == 0)
        return s;
    }
  return n == n_poppler && index < n ? kyso_pdf_verify_report_get_signature (report, index) : NULL;
}

static void
test_corpus (void)
{
  guint n_files = 0, n_refused = 0, n_signed_files = 0, n_sigs = 0, n_agree = 0, n_stricter = 0;
  guint n_laxer_confirmed = 0, n_unmatched = 0, n_shadow = 0, n_anomalies = 0, n_sneaky = 0, failures = 0;

  for (guint f = 0; f < files->len; f++)
    {
      const char *rel = g_ptr_array_index (files, f);
      g_autofree char *path = g_build_filename (corpus, rel, NULL);
      g_autofree char *base = g_path_get_basename (rel);
      g_autoptr(GError) error = NULL;
      g_autoptr(KysoPdfVerifyReport) report = kyso_verify (path, &error);
      g_autoptr(GPtrArray) poppler = NULL;
      guint n;
      KysoSignatureStatus status;

      n_files++;
      if (report == NULL)
        {
          n_refused++;
          g_assert_nonnull (error);
          /* A file with signatures that Kyso refuses is reported as not valid: stricter. */
          if (strstr (rel, "shadow-attacks/") != NULL && g_str_has_prefix (base, "3_"))
            {
              g_test_message ("FAIL %s: refused (%s), must be intact", rel, error->message);
              failures++;
            }
          continue;
        }
      n = kyso_pdf_verify_report_get_n_signatures (report);
      status = kyso_pdf_verify_report_get_status (report);

      /* What the corpus README demands. */
      if (strstr (rel, "shadow-attacks/") != NULL && g_str_has_prefix (base, "4_"))
        {
          n_shadow++;
          if (n == 0 || intact (status))
            {
              g_test_message ("FAIL %s: %s, must be modified or invalid", rel,
                              kyso_signature_status_to_string (status));
              failures++;
            }
        }
      if (strstr (rel, "shadow-attacks/") != NULL && g_str_has_prefix (base, "3_")
          && g_str_has_suffix (base, "-signed.pdf"))
        for (guint i = 0; i < n; i++)
          {
            KysoPdfSignatureReport *s = kyso_pdf_verify_report_get_signature (report, i);
            if (!intact (kyso_pdf_signature_report_get_status (s))
                || !kyso_pdf_signature_report_get_integrity (s))
              {
                g_test_message ("FAIL %s: %s, must be intact", rel,
                                kyso_signature_status_to_string (kyso_pdf_signature_report_get_status (s)));
                failures++;
              }
          }
      if (strstr (rel, "coverage-anomalies/") != NULL)
        {
          n_anomalies++;
          if (n == 0 || intact (status))
            {
              g_test_message ("FAIL %s: %s, must be flagged", rel, kyso_signature_status_to_string (status));
              failures++;
            }
        }
      if (g_str_has_prefix (base, "form-update-") && n > 0)
        {
          KysoPdfSignatureReport *first = kyso_pdf_verify_report_get_signature (report, 0);
          gboolean sneaky = strstr (base, "sneaky") != NULL;
          KysoPdfChanges expected = sneaky ? KYSO_PDF_CHANGES_OTHER : KYSO_PDF_CHANGES_SIGNATURES;

          n_sneaky += sneaky;
          if (kyso_pdf_signature_report_get_changes_after (first) != expected
              || intact (kyso_pdf_signature_report_get_status (first)) == sneaky)
            {
              g_test_message (
                "FAIL %s: first signature %s / %s, expected %s", rel,
                kyso_signature_status_to_string (kyso_pdf_signature_report_get_status (first)),
                kyso_pdf_changes_to_string (kyso_pdf_signature_report_get_changes_after (first)),
                kyso_pdf_changes_to_string (expected));
              failures++;
            }
        }

      /* The comparison with pdfsig. */
      if (n == 0 && !contains (path, "/ByteRange"))
        continue;
      n_signed_files++;
      poppler = pdfsig (path);
      for (guint i = 0; i < poppler->len; i++)
        {
          PopplerSig *p = g_ptr_array_index (poppler, i);
          KysoPdfSignatureReport *s = match (report, p, i, poppler->len);
          const char *const *reasons;
          gboolean kyso_intact;

          if (!p->has_ranges && !p->valid)
            continue; /* an empty signature field */
          n_sigs++;
          if (s == NULL)
            {
              /* pdfsig sees a signature Kyso does not list: only fine when pdfsig does not call it valid. */
              n_unmatched++;
              g_test_message ("%s %s: pdfsig lists signature %s (%s) that Kyso does not",
                              p->valid ? "FAIL" : "note", rel, p->field != NULL ? p->field : "?",
                              p->valid ? "valid" : "not valid");
              failures += p->valid;
              continue;
            }
          kyso_intact = kyso_pdf_signature_report_get_integrity (s)
                        && kyso_pdf_signature_report_get_status (s) != KYSO_SIGNATURE_STATUS_INVALID;
          reasons = kyso_pdf_signature_report_get_reasons (s);
          if (p->valid == kyso_intact)
            n_agree++;
          else if (p->valid)
            {
              /* Kyso stricter: it must say why. */
              if (kyso_pdf_signature_report_get_problems (s) == 0 || reasons[0] == NULL)
                {
                  g_test_message ("FAIL %s [%s]: stricter than pdfsig without a reason", rel, p->field);
                  failures++;
                }
              else
                {
                  n_stricter++;
                  g_test_message ("stricter %s [%s]: %s — %s", rel, p->field,
                                  kyso_signature_status_to_string (kyso_pdf_signature_report_get_status (s)),
                                  reasons[0]);
                }
            }
          else if (p->has_ranges
                   && openssl_agrees (path, i, p->ranges,
                                      kyso_pdf_signature_report_is_document_timestamp (s)))
            {
              n_laxer_confirmed++;
              g_test_message ("pdfsig-only failure %s [%s]: openssl cms -verify accepts the same bytes", rel,
                              p->field);
            }
          else
            {
              g_test_message ("FAIL %s [%s]: Kyso says intact, pdfsig and openssl do not", rel, p->field);
              failures++;
            }
        }
    }

  g_test_message (
    "files %u, refused %u, with signatures %u, signatures compared %u: agree %u, Kyso stricter %u, "
    "pdfsig-only failures confirmed by openssl %u, pdfsig-only signatures %u; shadow stage-4 %u, "
    "coverage anomalies %u, sneaky form updates %u; failures %u",
    n_files, n_refused, n_signed_files, n_sigs, n_agree, n_stricter, n_laxer_confirmed, n_unmatched, n_shadow,
    n_anomalies, n_sneaky, failures);
  printf ("# verify-corpus: files %u, refused %u, with signatures %u, signatures %u, agree %u, stricter %u, "
          "pdfsig-only failures %u, failures %u\n",
          n_files, n_refused, n_signed_files, n_sigs, n_agree, n_stricter, n_laxer_confirmed, failures);
  g_assert_cmpuint (n_shadow, >=, 8);
  g_assert_cmpuint (n_anomalies, ==, 5);
  g_assert_cmpuint (n_sneaky, ==, 4);
  g_assert_cmpuint (failures, ==, 0);
}

/* Corpus files newly signed by pdfsig and by Kyso verify as intact and unchanged. */
static void
test_newly_signed (void)
{
  g_autofree char *dir = kyso_vf_tmpdir ();
  g_autofree char *p12 = kyso_test_pki_path ("signer.p12");
  guint tried = 0, by_pdfsig = 0, by_kyso = 0, failures = 0;

  g_setenv ("KYSO_TEST_P12_PASS", "secret-pass", TRUE);
  /* A spread of the qpdf files (every 12th), skipping what is already signed or encrypted. */
  for (guint f = 0; f < files->len && tried < 40; f += 12)
    {
      const char *rel = g_ptr_array_index (files, f);
      g_autofree char *path = g_build_filename (corpus, rel, NULL);
      g_autofree char *a = g_strdup_printf ("%s/pdfsig-%u.pdf", dir, f);
      g_autofree char *b = g_strdup_printf ("%s/kyso-%u.pdf", dir, f);
      g_autofree char *err = NULL;

      if (!g_str_has_prefix (rel, "qpdf/") || contains (path, "/ByteRange") || contains (path, "/Encrypt"))
        continue;
      /* A source Kyso's reader refuses (a damaged xref) cannot come out readable once signed. */
      {
        g_autoptr(KysoPdfDocument) doc = kyso_pdf_document_open (path, NULL);
        if (doc == NULL)
          continue;
      }
      tried++;
      /* Only the files pdfsig manages to sign count for it. */
      if (kyso_vf_pdfsig_try (path, a, "CorpusSig"))
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(KysoPdfVerifyReport) r = kyso_verify (a, &error);
          KysoPdfSignatureReport *s
            = r != NULL && kyso_pdf_verify_report_get_n_signatures (r) > 0
                ? kyso_pdf_verify_report_get_signature (r, kyso_pdf_verify_report_get_n_signatures (r) - 1)
                : NULL;
          by_pdfsig++;
          if (s == NULL || !intact (kyso_pdf_signature_report_get_status (s))
              || kyso_pdf_signature_report_get_changes_after (s) != KYSO_PDF_CHANGES_NONE)
            {
              g_test_message ("FAIL %s signed by pdfsig: %s", rel,
                              s != NULL
                                ? kyso_signature_status_to_string (kyso_pdf_signature_report_get_status (s))
                              : error != NULL ? error->message
                                              : "no signature");
              failures++;
            }
        }
      if (kyso_vf_cli (NULL, &err, "sign", path, b, "--p12", p12, "--p12-pass-env", "KYSO_TEST_P12_PASS",
                       NULL)
          == 0)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(KysoPdfVerifyReport) r = kyso_verify (b, &error);
          guint n = r != NULL ? kyso_pdf_verify_report_get_n_signatures (r) : 0;
          KysoPdfSignatureReport *s = n > 0 ? kyso_pdf_verify_report_get_signature (r, n - 1) : NULL;

          by_kyso++;
          if (s == NULL || !intact (kyso_pdf_signature_report_get_status (s))
              || !kyso_pdf_signature_report_covers_whole_file (s))
            {
              g_test_message ("FAIL %s signed by Kyso: %s", rel,
                              s != NULL
                                ? kyso_signature_status_to_string (kyso_pdf_signature_report_get_status (s))
                              : error != NULL ? error->message
                                              : "no signature");
              failures++;
            }
        }
    }
  g_test_message ("newly signed: tried %u, by pdfsig %u, by Kyso %u, failures %u", tried, by_pdfsig, by_kyso,
                  failures);
  printf ("# verify-corpus newly signed: tried %u, by pdfsig %u, by Kyso %u, failures %u\n", tried, by_pdfsig,
          by_kyso, failures);
  g_assert_cmpuint (by_pdfsig, >=, 10);
  g_assert_cmpuint (by_kyso, >=, 10);
  g_assert_cmpuint (failures, ==, 0);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  corpus = g_getenv ("KYSO_CORPUS_DIR");
  files = g_ptr_array_new_with_free_func (g_free);
  if (corpus != NULL)
    collect (corpus, NULL);
  g_ptr_array_sort (files, compare_strings);
  if (files->len == 0)
    {
      g_test_skip ("no corpus (set KYSO_CORPUS_DIR)");
      return g_test_run ();
    }
  g_test_add_func ("/verify-corpus/all", test_corpus);
  g_test_add_func ("/verify-corpus/newly-signed", test_newly_signed);
  status = g_test_run ();
  kyso_test_pki_cleanup ();
  g_ptr_array_unref (files);
  return status;
}
