/* Signs every PDF of $KYSO_CORPUS_DIR with the real engine, in-process on two threads with one key:
 * a file qpdf accepts (qpdf --check exit 0 or 3) that is not encrypted must be signed, and the
 * output must pass pdfsig (new signature valid, whole file) and qpdf --check, with every earlier
 * signature still valid; any other file must get a clear refusal — never a crash or a hang.
 * Refusals that are right: encrypted files, files qpdf itself rejects or must rebuild ("file is
 * damaged": Kyso does not rebuild broken cross-reference data), documents certified against
 * changes. The counts are printed. */
#include "kyso-error.h"
#include "kyso-sign-session.h"

#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>

typedef enum
{
  R_SIGNED,
  R_REFUSED_ENCRYPTED,
  R_REFUSED_DAMAGED,      /* qpdf rebuilds the xref: Kyso refuses rather than guess */
  R_REFUSED_QPDF_REJECTS, /* qpdf --check fails on the input too */
  R_REFUSED_CERTIFIED,
  R_FAILED, /* anything that should not happen */
  N_RESULTS
} Result;

static const char *result_names[N_RESULTS] = {
  "signed",
  "refused: encrypted",
  "refused: damaged (qpdf rebuilds its xref)",
  "refused: qpdf rejects it too",
  "refused: certified against changes",
  "FAILED",
};

static char *work_dir;
static char *nss_dir;
static GPtrArray *chain;
static EVP_PKEY *key;
static GMutex lock;
static guint counts[N_RESULTS];
static GPtrArray *failures;
static guint pdfsig_timeouts;

static int
run (char **out, char **err, const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, err, &status, &error))
    g_error ("%s: %s", argv[0], error->message);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

typedef struct
{
  int qpdf;         /* qpdf --check exit status */
  gboolean damaged; /* qpdf had to rebuild the cross-reference table */
} QpdfCheck;

static QpdfCheck
qpdf_check (const char *path)
{
  const char *argv[] = { "timeout", "60", "qpdf", "--check", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  QpdfCheck c;

  c.qpdf = run (&out, &err, argv);
  c.damaged = strstr (err, "file is damaged") != NULL || strstr (err, "reconstruct") != NULL;
  return c;
}

/* pdfsig's verdicts, one per signature: TRUE = "Signature is Valid."; -1 when pdfsig hangs. */
static int
pdfsig (const char *path, GArray *valid, gboolean *total_last)
{
  const char *argv[] = { "timeout", "30", "pdfsig", "-nocert", "-nssdir", nss_dir, path, NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) blocks = NULL;
  int status = run (&out, NULL, argv);

  if (status == 124)
    return -1;
  blocks = g_strsplit (out, "Signature #", -1);
  for (guint i = 1; blocks[i] != NULL; i++)
    {
      gboolean v = strstr (blocks[i], "Signature is Valid.") != NULL;
      g_array_append_val (valid, v);
      if (total_last != NULL)
        *total_last = strstr (blocks[i], "Total document signed") != NULL;
    }
  return 0;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY_CTX, EVP_PKEY_CTX_free)

static GBytes *
sign_digest (GBytes *digest)
{
  g_autoptr(EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new (key, NULL);
  size_t len = 0;
  guint8 *sig;

  g_assert_true (EVP_PKEY_sign_init (ctx) > 0 && EVP_PKEY_CTX_set_signature_md (ctx, EVP_sha256 ()) > 0);
  g_assert_true (EVP_PKEY_sign (ctx, NULL, &len, g_bytes_get_data (digest, NULL), 32) > 0);
  sig = g_malloc (len);
  g_assert_true (EVP_PKEY_sign (ctx, sig, &len, g_bytes_get_data (digest, NULL), 32) > 0);
  return g_bytes_new_take (sig, len);
}

static gboolean
sign_file (const char *in, const char *out, GError **error)
{
  g_autoptr(KysoSignSession) session = kyso_sign_session_new (in, out, NULL);
  g_autoptr(GBytes) digest = kyso_sign_session_prepare (session, chain, NULL, error);
  g_autoptr(GBytes) sig = NULL;

  if (digest == NULL)
    return FALSE;
  sig = sign_digest (digest);
  return kyso_sign_session_complete (session, sig, NULL, error);
}

static Result
check_signed (const char *in, const char *out, GString *why)
{
  g_autoptr(GArray) before = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr(GArray) after = g_array_new (FALSE, FALSE, sizeof (gboolean));
  gboolean total = FALSE;
  QpdfCheck qo = qpdf_check (out);

  if (qo.qpdf != 0 && qo.qpdf != 3)
    {
      QpdfCheck qi = qpdf_check (in);
      /* qpdf failing on the output is only acceptable if it fails the same way on the input. */
      if (qi.qpdf == 0 || qi.qpdf == 3)
        {
          g_string_append_printf (why, "qpdf --check on the output exits %d (input %d)", qo.qpdf, qi.qpdf);
          return R_FAILED;
        }
    }
  else if (qo.qpdf == 3 && qpdf_check (in).qpdf == 0)
    {
      g_string_append (why, "qpdf warns on the output but not on the input");
      return R_FAILED;
    }
  if (pdfsig (out, after, &total) < 0)
    {
      g_mutex_lock (&lock);
      pdfsig_timeouts++;
      g_mutex_unlock (&lock);
      return R_SIGNED; /* pdfsig hangs on some inputs already (exponential form trees) */
    }
  if (after->len == 0 || !g_array_index (after, gboolean, after->len - 1) || !total)
    {
      g_string_append (why, "pdfsig does not find the new signature valid over the whole file");
      return R_FAILED;
    }
  if (after->len > 1 && pdfsig (in, before, NULL) == 0)
    {
      if (before->len != after->len - 1)
        {
          g_string_append_printf (why, "pdfsig saw %u signatures before and %u after", before->len,
                                  after->len);
          return R_FAILED;
        }
      for (guint i = 0; i < before->len; i++)
        if (g_array_index (before, gboolean, i) && !g_array_index (after, gboolean, i))
          {
            g_string_append_printf (why, "earlier signature #%u is no longer valid", i + 1);
            return R_FAILED;
          }
    }
  return R_SIGNED;
}

static Result
classify_refusal (const char *in, const GError *error, GString *why)
{
  QpdfCheck qi = qpdf_check (in);

  if (error->domain != KYSO_ERROR || error->message == NULL || *error->message == 0)
    {
      g_string_append_printf (why, "refused without a clear error: %s", error->message);
      return R_FAILED;
    }
  if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_ENCRYPTED))
    return R_REFUSED_ENCRYPTED;
  if (qi.qpdf != 0 && qi.qpdf != 3)
    return R_REFUSED_QPDF_REJECTS;
  if (qi.damaged)
    return R_REFUSED_DAMAGED;
  if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED)
      && strstr (error->message, "certified") != NULL)
    return R_REFUSED_CERTIFIED;
  g_string_append_printf (why, "qpdf accepts it but Kyso refused: %s", error->message);
  return R_FAILED;
}

static void
process (gpointer data, gpointer user_data)
{
  g_autofree char *in = data;
  g_autofree char *base = g_path_get_basename (in);
  g_autofree char *out = g_strdup_printf ("%s/%p-%s", work_dir, (void *)in, base);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) why = g_string_new (NULL);
  Result r;

  if (sign_file (in, out, &error))
    r = check_signed (in, out, why);
  else
    {
      r = classify_refusal (in, error, why);
      if (g_file_test (out, G_FILE_TEST_EXISTS))
        {
          g_string_append (why, " — and something was left at OUT");
          r = R_FAILED;
        }
    }
  g_unlink (out);
  g_mutex_lock (&lock);
  counts[r]++;
  if (r == R_FAILED)
    g_ptr_array_add (failures, g_strdup_printf ("%s: %s", in, why->str));
  g_mutex_unlock (&lock);
}

static void
collect (const char *dir, GPtrArray *files)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect (path, files);
      else if (g_str_has_suffix (name, ".pdf"))
        g_ptr_array_add (files, g_steal_pointer (&path));
    }
}

static void
load_key (void)
{
  g_autofree char *pki = g_build_filename (work_dir, "pki", NULL);
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "pdf", "make-test-pki.sh", NULL);
  g_autofree char *key_path = g_build_filename (pki, "signer.key", NULL);
  const char *argv[] = { "sh", script, pki, NULL };
  const char *names[] = { "signer.pem", "ca.pem" };
  FILE *fp;

  g_assert_cmpint (run (NULL, NULL, argv), ==, 0);
  nss_dir = g_strdup_printf ("sql:%s/nssdb", pki);
  fp = fopen (key_path, "r");
  key = PEM_read_PrivateKey (fp, NULL, NULL, NULL);
  fclose (fp);
  g_assert_nonnull (key);
  chain = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (pki, names[i], NULL);
      FILE *cf = fopen (path, "r");
      X509 *cert = PEM_read_X509 (cf, NULL, NULL, NULL);
      unsigned char *der = NULL;
      int len = i2d_X509 (cert, &der);
      g_ptr_array_add (chain, g_bytes_new (der, (gsize)len));
      OPENSSL_free (der);
      X509_free (cert);
      fclose (cf);
    }
}

static void
test_sign_corpus (void)
{
  const char *corpus = g_getenv ("KYSO_CORPUS_DIR");
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  GThreadPool *pool;
  gint64 start = g_get_monotonic_time ();

  if (corpus == NULL || !g_file_test (corpus, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no corpus (KYSO_CORPUS_DIR)");
      return;
    }
  collect (corpus, files);
  g_assert_cmpuint (files->len, >, 0);
  failures = g_ptr_array_new_with_free_func (g_free);
  pool = g_thread_pool_new (process, NULL, 2, TRUE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < files->len; i++)
    g_thread_pool_push (pool, g_strdup (g_ptr_array_index (files, i)), NULL);
  g_thread_pool_free (pool, FALSE, TRUE);

  printf ("# %u files in %.0f s\n", files->len, (g_get_monotonic_time () - start) / 1e6);
  for (int r = 0; r < N_RESULTS; r++)
    printf ("#   %-45s %u\n", result_names[r], counts[r]);
  if (pdfsig_timeouts > 0)
    printf ("#   (pdfsig timed out on %u signed outputs; it hangs on their inputs too)\n", pdfsig_timeouts);
  for (guint i = 0; i < failures->len; i++)
    printf ("# FAILED %s\n", (const char *)g_ptr_array_index (failures, i));
  g_assert_cmpuint (counts[R_FAILED], ==, 0);
  g_assert_cmpuint (counts[R_SIGNED], >, 0);
  g_ptr_array_unref (failures);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  work_dir = g_dir_make_tmp ("kyso-sign-corpus-XXXXXX", &error);
  g_assert_no_error (error);
  if (g_getenv ("KYSO_CORPUS_DIR") != NULL)
    load_key ();
  g_test_add_func ("/corpus/sign", test_sign_corpus);
  status = g_test_run ();
  {
    const char *argv_rm[] = { "rm", "-rf", work_dir, NULL };
    run (NULL, NULL, argv_rm);
  }
  g_clear_pointer (&chain, g_ptr_array_unref);
  EVP_PKEY_free (key);
  g_free (nss_dir);
  g_free (work_dir);
  return status;
}
