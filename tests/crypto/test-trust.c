/* Trust for documents: Kyso's own list (a TRUST-LIST of fingerprints, nothing else loaded from
 * its folder), the operator's anchors, never the system's TLS store; the check a signing job runs
 * on a remote signer's chain before signing; and the shipped list's consistency. */
#include "kyso-certificate.h"
#include "kyso-error.h"
#include "kyso-test-pki.h"
#include "kyso-trust.h"

#include <string.h>

static char *bundled; /* KYSO_TRUST_DIR for this process */

static char *
fingerprint_of (const char *pem_name)
{
  g_autoptr(GBytes) der = kyso_test_pki_cert (pem_name);
  g_autoptr(KysoCertificate) cert = kyso_certificate_new (der, NULL);

  g_assert_nonnull (cert);
  return kyso_certificate_dup_fingerprint (cert);
}

static void
copy_into (const char *pem_name, const char *dest_name)
{
  g_autofree char *src = NULL;
  g_autofree char *file = g_strconcat (pem_name, ".pem", NULL);
  g_autofree char *dest = g_build_filename (bundled, dest_name, NULL);
  g_autofree char *data = NULL;
  gsize len = 0;

  src = kyso_test_pki_path (file);
  g_assert_true (g_file_get_contents (src, &data, &len, NULL));
  g_assert_true (g_file_set_contents (dest, data, (gssize)len, NULL));
}

/* The bundled folder holds the test root (listed, right fingerprint), the untrusted root
 * (listed with a wrong fingerprint) and the sub CA (not listed): only the first is an anchor. */
static void
make_bundled (void)
{
  g_autofree char *root_fp = fingerprint_of ("root/root");
  g_autofree char *list_path = g_build_filename (bundled, "TRUST-LIST", NULL);
  g_autofree char *list = g_strdup_printf ("# test list\n%s root.pem Kyso Test Root CA\n"
                                           "%064d other-root.pem wrong fingerprint\n",
                                           root_fp, 0);

  copy_into ("root/root", "root.pem");
  copy_into ("other-root/other-root", "other-root.pem");
  copy_into ("sub/sub", "sub.pem");
  g_assert_true (g_file_set_contents (list_path, list, -1, NULL));
}

static gboolean
check (const char *leaf, const char *const *anchors, gboolean use_bundled, GError **error)
{
  g_autoptr(GPtrArray) chain = kyso_test_pki_chain (leaf);

  return kyso_trust_check_signing_chain (chain, anchors, use_bundled, NULL, error);
}

static void
test_bundled_list (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (kyso_trust_bundled_dir (), ==, bundled);
  g_assert_true (check ("signer", NULL, TRUE, &error));
  g_assert_no_error (error);
  /* Without Kyso's list and without anchors, nothing is trusted. */
  g_assert_false (check ("signer", NULL, FALSE, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "not be accepted"));
}

/* A certificate dropped into the folder, or one whose fingerprint does not match, is no anchor:
 * the untrusted root's chain and a chain that would need the unlisted sub CA as anchor fail. */
static void
test_bundled_rejects_unlisted (void)
{
  g_autoptr(GPtrArray) other = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GPtrArray) sub_only = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (other, kyso_test_pki_cert ("other"));
  g_assert_false (kyso_trust_check_signing_chain (other, NULL, TRUE, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
  g_clear_error (&error);
  /* The signer alone: its issuer (sub) is in the folder but not listed, so no path. */
  g_ptr_array_add (sub_only, kyso_test_pki_cert ("signer"));
  g_assert_false (kyso_trust_check_signing_chain (sub_only, NULL, TRUE, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
}

/* The operator's anchors (the sandbox's root in tests): enough without Kyso's list. */
static void
test_operator_anchor (void)
{
  g_autofree char *root = kyso_test_pki_path ("root/root.pem");
  const char *anchors[] = { root, NULL };
  g_autoptr(GError) error = NULL;

  g_assert_true (check ("signer-ec", anchors, FALSE, &error));
  g_assert_no_error (error);
}

/* Certificates that may not sign documents are refused before signing, whoever issued them; an
 * expired one too. */
static void
test_not_for_signing (void)
{
  static const char *const leaves[] = { "tls-server", "no-sign", "expired" };
  g_autofree char *root = kyso_test_pki_path ("root/root.pem");
  const char *anchors[] = { root, NULL };

  for (gsize i = 0; i < G_N_ELEMENTS (leaves); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (check (leaves[i], anchors, TRUE, &error));
      g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
      g_test_message ("%s: %s", leaves[i], error->message);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) empty = g_ptr_array_new ();

    g_assert_false (kyso_trust_check_signing_chain (empty, anchors, TRUE, NULL, &error));
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
  }
}

/* Key usage decisions, directly. */
static void
test_document_signing_usage (void)
{
  static const struct
  {
    const char *name;
    gboolean ok;
  } cases[] = {
    { "signer", TRUE },   { "signer-ec", TRUE }, { "tsa", TRUE },        { "tls-server", FALSE },
    { "no-sign", FALSE }, { "sub/sub", FALSE },  { "root/root", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) der = kyso_test_pki_cert (cases[i].name);
      g_autoptr(KysoCertificate) cert = kyso_certificate_new (der, NULL);
      const char *reason = NULL;

      g_test_message ("%s", cases[i].name);
      g_assert_cmpint (kyso_certificate_is_for_document_signing (cert, &reason), ==, cases[i].ok);
      g_assert_true (cases[i].ok == (reason == NULL));
    }
}

/* The list Kyso ships: every line names a file of the folder whose SHA-256 is the one written. */
static void
test_shipped_list (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "..", "resources", "trust", NULL);
  g_autofree char *list_path = g_build_filename (dir, "TRUST-LIST", NULL);
  g_autofree char *list = NULL;
  g_auto (GStrv) lines = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (list_path, &list, NULL, NULL));
  lines = g_strsplit (list, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = NULL;
      g_autofree char *path = NULL;
      g_autofree char *data = NULL;
      g_autofree char *fp = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(KysoCertificate) cert = NULL;
      gsize len = 0;

      if (lines[i][0] == 0 || lines[i][0] == '#')
        continue;
      fields = g_strsplit_set (lines[i], " \t", 3);
      g_assert_cmpuint (g_strv_length (fields), ==, 3);
      g_assert_cmpuint (strlen (fields[0]), ==, 64);
      path = g_build_filename (dir, fields[1], NULL);
      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      bytes = g_bytes_new_take (g_steal_pointer (&data), len);
      cert = kyso_certificate_new (bytes, NULL);
      g_assert_nonnull (cert);
      fp = kyso_certificate_dup_fingerprint (cert);
      g_assert_cmpstr (fp, ==, fields[0]);
      n++;
    }
  g_test_message ("%u certificates listed", n);
}

int
main (int argc, char **argv)
{
  const char *env_tmp = g_getenv ("KYSO_TEST_TMPDIR");
  g_autofree char *tmp = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  /* The test environment removes its own folder afterwards. */
  tmp = env_tmp != NULL ? g_build_filename (env_tmp, "trust-test", NULL)
                        : g_dir_make_tmp ("kyso-trust-XXXXXX", NULL);
  g_assert_nonnull (tmp);
  bundled = g_build_filename (tmp, "trust", NULL);
  g_assert_cmpint (g_mkdir_with_parents (bundled, 0700), ==, 0);
  g_setenv ("KYSO_TRUST_DIR", bundled, TRUE);
  kyso_test_pki_get ();
  make_bundled ();

  g_test_add_func ("/trust/bundled-list", test_bundled_list);
  g_test_add_func ("/trust/bundled-rejects-unlisted", test_bundled_rejects_unlisted);
  g_test_add_func ("/trust/operator-anchor", test_operator_anchor);
  g_test_add_func ("/trust/not-for-signing", test_not_for_signing);
  g_test_add_func ("/trust/document-signing-usage", test_document_signing_usage);
  g_test_add_func ("/trust/shipped-list", test_shipped_list);
  status = g_test_run ();
  kyso_test_pki_cleanup ();
  g_free (bundled);
  return status;
}
