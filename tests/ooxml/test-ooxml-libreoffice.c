/* DOCX signatures against LibreOffice (headless, through its DocumentDigitalSignatures service,
 * libreoffice-signatures.py): LibreOffice finds Kyso's signatures valid and made by a trusted
 * certificate, Kyso finds LibreOffice's valid; both survive a second signature by the other; one
 * byte changed in word/document.xml makes both say the document changed. LibreOffice trusts the
 * test root through a throwaway NSS database (certutil, pk12util) that also holds the signer's
 * key for LibreOffice to sign with. Suite "interop": LibreOffice is heavy to install and start. */
#include "config.h"

#include "kyso-ooxml-package.h"
#include "kyso-test-pki.h"
#include "ooxml-test-util.h"

#include <glib/gstdio.h>

static char *tmpdir;
static char *nssdir;

static void
run_ok (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
}

static void
make_nssdb (void)
{
  g_autofree char *db = NULL;
  g_autofree char *root = kyso_test_pki_path ("root/root.pem");
  g_autofree char *sub = kyso_test_pki_path ("sub/sub.pem");
  g_autofree char *p12 = kyso_test_pki_path ("signer.p12");

  nssdir = g_build_filename (tmpdir, "nssdb", NULL);
  g_mkdir_with_parents (nssdir, 0700);
  db = g_strdup_printf ("sql:%s", nssdir);
  run_ok ((const char *const[]){ "certutil", "-N", "-d", db, "--empty-password", NULL });
  run_ok ((const char *const[]){ "certutil", "-A", "-d", db, "-n", "kyso-test-root", "-t", "CT,C,C", "-i",
                                 root, NULL });
  run_ok (
    (const char *const[]){ "certutil", "-A", "-d", db, "-n", "kyso-test-sub", "-t", ",,", "-i", sub, NULL });
  run_ok ((const char *const[]){ "pk12util", "-i", p12, "-d", db, "-W", "secret-pass", "-K", "", NULL });
}

/* Runs the LibreOffice script; returns its standard output. */
static char *
libreoffice (const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "ooxml", "libreoffice-signatures.py", NULL);
  char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  va_list ap;

  g_ptr_array_add (argv, "/usr/bin/python3");
  g_ptr_array_add (argv, script);
  g_ptr_array_add (argv, nssdir);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer)a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **)argv->pdata, NULL, 0, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("libreoffice-signatures.py failed: %s", err);
  return out;
}

/* LibreOffice's verdict on @path from the script's output: "1,0,1;…" per signature. */
static const char *
verdict (GHashTable *lines, const char *path)
{
  const char *v = g_hash_table_lookup (lines, path);

  g_assert_nonnull (v);
  return v;
}

static GHashTable *
parse (const char *out)
{
  GHashTable *lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto (GStrv) rows = g_strsplit (out, "\n", -1);

  for (guint i = 0; rows[i] != NULL; i++)
    {
      g_auto (GStrv) cols = g_strsplit (rows[i], "\t", 3);

      if (g_strv_length (cols) == 3)
        g_hash_table_insert (lines, g_strdup (cols[0]), g_strdup_printf ("%s\t%s", cols[1], cols[2]));
    }
  return lines;
}

static char *
path_in_tmp (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static void
change_one_byte (const char *in, const char *out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoOoxmlPackage) package = kyso_ooxml_package_open (in, NULL, &error);
  GBytes *doc = NULL;
  g_autofree char *copy = NULL;
  g_autoptr (GBytes) edited = NULL;
  char *at = NULL;
  gsize len = 0;

  g_assert_no_error (error);
  doc = kyso_ooxml_package_get_part (package, "word/document.xml");
  len = g_bytes_get_size (doc);
  copy = g_malloc0 (len + 1);
  memcpy (copy, g_bytes_get_data (doc, NULL), len);
  at = strstr (copy, "100");
  g_assert_nonnull (at);
  *at = '9';
  edited = g_bytes_new_take (g_steal_pointer (&copy), len);
  kyso_test_docx_replace_part (in, out, "word/document.xml", edited);
}

static void
expect_kyso (const char *path, guint n, KysoSignatureStatus status)
{
  g_autoptr (KysoPdfVerifyReport) report = kyso_test_docx_verify (path);

  g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (report), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (kyso_pdf_signature_report_get_status (kyso_pdf_verify_report_get_signature (report, i)),
                     ==, status);
}

static void
test_interop (void)
{
  g_autofree char *plain = path_in_tmp ("plain.docx");
  g_autofree char *kyso1 = path_in_tmp ("kyso-1.docx");
  g_autofree char *kyso2 = path_in_tmp ("kyso-2.docx");
  g_autofree char *kyso_changed = path_in_tmp ("kyso-changed.docx");
  g_autofree char *lo1 = path_in_tmp ("lo-1.docx");
  g_autofree char *lo_kyso = path_in_tmp ("lo-kyso.docx");
  g_autofree char *lo_changed = path_in_tmp ("lo-changed.docx");
  g_autofree char *kyso_lo = path_in_tmp ("kyso-lo.docx");
  g_autoptr (GBytes) minimal = kyso_test_docx_minimal ("Số tiền: 100 đồng");
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) lines = NULL;
  g_autofree char *out = NULL;
  g_autofree char *signed_out = NULL;
  g_autofree char *signed_out2 = NULL;

  kyso_test_write_bytes (plain, minimal);
  /* Kyso signs, then signs again with another key (ECDSA). */
  g_assert_true (kyso_test_docx_sign (plain, kyso1, "signer", NULL, &error));
  g_assert_true (kyso_test_docx_sign (kyso1, kyso2, "signer-ec", NULL, &error));
  g_assert_no_error (error);
  change_one_byte (kyso1, kyso_changed);

  /* LibreOffice signs the plain document, and signs Kyso's signed one again. */
  signed_out = libreoffice ("sign", plain, lo1, NULL);
  signed_out2 = libreoffice ("sign", kyso1, kyso_lo, NULL);
  g_assert_true (kyso_test_docx_sign (lo1, lo_kyso, "signer-ec", NULL, &error));
  g_assert_no_error (error);
  change_one_byte (lo1, lo_changed);

  out = libreoffice ("verify", kyso1, kyso2, kyso_changed, lo1, lo_kyso, lo_changed, kyso_lo, NULL);
  if (g_test_verbose ())
    g_printerr ("%s", out);
  lines = parse (out);

  /* LibreOffice: valid (1), certificate trusted (0); partial is always 1 for OOXML. */
  g_assert_cmpstr (verdict (lines, kyso1), ==, "1\t1,0,1");
  g_assert_cmpstr (verdict (lines, kyso2), ==, "2\t1,0,1;1,0,1");
  g_assert_cmpstr (verdict (lines, kyso_changed), ==, "1\t0,0,1");
  g_assert_cmpstr (verdict (lines, lo1), ==, "1\t1,0,1");
  g_assert_cmpstr (verdict (lines, lo_kyso), ==, "2\t1,0,1;1,0,1");
  g_assert_cmpstr (verdict (lines, lo_changed), ==, "1\t0,0,1");
  /* LibreOffice's signDocumentWithCertificate() writes only the signature it makes (its
   * dialog reads the existing ones first; this API does not): one signature, LibreOffice's. */
  g_assert_cmpstr (verdict (lines, kyso_lo), ==, "1\t1,0,1");

  /* Kyso: the same. */
  expect_kyso (kyso1, 1, KYSO_SIGNATURE_STATUS_VALID);
  expect_kyso (kyso2, 2, KYSO_SIGNATURE_STATUS_VALID);
  expect_kyso (kyso_changed, 1, KYSO_SIGNATURE_STATUS_MODIFIED);
  expect_kyso (lo1, 1, KYSO_SIGNATURE_STATUS_VALID);
  expect_kyso (lo_kyso, 2, KYSO_SIGNATURE_STATUS_VALID);
  expect_kyso (lo_changed, 1, KYSO_SIGNATURE_STATUS_MODIFIED);
  expect_kyso (kyso_lo, 1, KYSO_SIGNATURE_STATUS_VALID);
}

static void
test_not_installed (void)
{
  g_test_skip ("LibreOffice (libreoffice-writer-nogui, python3-uno) is not installed: "
               "build-aux/install-test-tools.sh --libreoffice");
}

int
main (int argc, char **argv)
{
  int ret = 0;

  g_test_init (&argc, &argv, NULL);
  if (!g_file_test ("/usr/bin/soffice", G_FILE_TEST_IS_EXECUTABLE)
      || !g_file_test ("/usr/lib/python3/dist-packages/uno.py", G_FILE_TEST_EXISTS))
    {
      g_test_add_func ("/ooxml/libreoffice/interop", test_not_installed);
      return g_test_run ();
    }
  tmpdir = g_dir_make_tmp ("kyso-ooxml-lo-XXXXXX", NULL);
  kyso_test_pki_get ();
  make_nssdb ();
  g_test_add_func ("/ooxml/libreoffice/interop", test_interop);
  ret = g_test_run ();
  kyso_test_pki_cleanup ();
  return ret;
}
