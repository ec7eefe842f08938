/* Packages made to hurt: zip bombs, path traversal and duplicate names, 10 000 parts, XML entity
 * expansion, broken ZIPs. Each is refused with the right error and nothing is written. */
#define _GNU_SOURCE
#include "config.h"

#include "kyso-error.h"
#include "kyso-ooxml-package.h"
#include "kyso-ooxml-sign-session.h"
#include "kyso-ooxml-verify.h"
#include "kyso-test-pki.h"
#include "ooxml-test-util.h"

#include <string.h>

static void
expect_open_error (GBytes *bytes, GQuark domain, int code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoOoxmlPackage) package = kyso_ooxml_package_open_bytes (bytes, &error);

  g_assert_null (package);
  g_assert_error (error, domain, code);
  g_assert_nonnull (error->message);
}

static void
test_zip_bomb_ratio (void)
{
  gsize len = 4 * 1024 * 1024;
  g_autofree guint8 *zeros = g_malloc0 (len);
  KysoTestZip *zip = kyso_test_zip_new ();
  g_autoptr (GBytes) bytes = NULL;

  kyso_test_zip_add_text (zip, "[Content_Types].xml", "<Types/>");
  kyso_test_zip_add (zip, "word/document.xml", zeros, len, FALSE);
  bytes = kyso_test_zip_finish (zip);
  /* 4 MiB of zeros deflate to about 4 KiB: a thousand to one. */
  g_assert_cmpuint (g_bytes_get_size (bytes), <, len / KYSO_OOXML_MAX_RATIO);
  expect_open_error (bytes, KYSO_ERROR, KYSO_ERROR_LIMIT);
}

static void
test_file_too_large (void)
{
  g_autoptr (GBytes) big = g_bytes_new_take (g_malloc0 (KYSO_OOXML_MAX_FILE + 1), KYSO_OOXML_MAX_FILE + 1);

  expect_open_error (big, KYSO_ERROR, KYSO_ERROR_LIMIT);
}

static GBytes *
patched (GBytes *bytes, const char *from, const char *to)
{
  gsize len = g_bytes_get_size (bytes);
  guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), len);
  gsize n = strlen (from);
  guint hits = 0;

  g_assert_cmpuint (n, ==, strlen (to));
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (copy + i, from, n) == 0)
      {
        memcpy (copy + i, to, n);
        hits++;
      }
  g_assert_cmpuint (hits, ==, 2); /* local header and central directory */
  return g_bytes_new_take (copy, len);
}

static GBytes *
patched_once (GBytes *bytes, const char *from, const char *to)
{
  gsize len = g_bytes_get_size (bytes);
  guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), len);
  guint8 *at = memmem (copy, len, from, strlen (from));

  g_assert_nonnull (at);
  memcpy (at, to, strlen (to));
  return g_bytes_new_take (copy, len);
}

static void
test_duplicate_names (void)
{
  KysoTestZip *zip = kyso_test_zip_new ();
  KysoTestZip *zip2 = kyso_test_zip_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) exact = NULL;
  g_autoptr (GBytes) cased = NULL;

  /* The same name twice (written under another name, then renamed in place). */
  kyso_test_zip_add_text (zip, "word/document.xml", "<a/>");
  kyso_test_zip_add_text (zip, "word/documenX.xml", "<b/>");
  bytes = kyso_test_zip_finish (zip);
  exact = patched (bytes, "word/documenX.xml", "word/document.xml");
  expect_open_error (exact, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);

  /* Names equal but for case: one part for OPC. */
  kyso_test_zip_add_text (zip2, "word/document.xml", "<a/>");
  kyso_test_zip_add_text (zip2, "WORD/Document.xml", "<b/>");
  cased = kyso_test_zip_finish (zip2);
  expect_open_error (cased, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
}

static void
test_traversal_names (void)
{
  const char *names[] = {
    "../evil.xml",
    "word/../../evil.xml",
    "/etc/passwd",
    "C:/evil.xml",
    "word\\evil.xml",
    "word//evil.xml",
    "word/./evil.xml",
    "word/evil.",
    "word/\x01"
    "evil.xml",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      KysoTestZip *zip = kyso_test_zip_new ();
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (GBytes) evil = NULL;
      g_autofree char *placeholder = g_strnfill (strlen (names[i]), 'Z');

      /* libzip will not write such names itself: written under a placeholder of the same length,
       * then renamed in both headers. */
      kyso_test_zip_add_text (zip, "[Content_Types].xml", "<Types/>");
      kyso_test_zip_add_text (zip, placeholder, "<x/>");
      bytes = kyso_test_zip_finish (zip);
      evil = patched (bytes, placeholder, names[i]);
      g_test_message ("name %s", names[i]);
      expect_open_error (evil, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
    }
}

/* An entry whose bytes do not match its CRC. */
static void
test_lying_size (void)
{
  KysoTestZip *zip = kyso_test_zip_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) liar = NULL;

  kyso_test_zip_add (zip, "word/document.xml", "0123456789abcdef", 16, TRUE);
  bytes = kyso_test_zip_finish (zip);
  /* A stored entry's content changed after the CRC was written. */
  liar = patched_once (bytes, "0123456789abcdef", "0123456789abcdeX");
  expect_open_error (liar, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
}

static void
test_many_parts (void)
{
  KysoTestZip *ok = kyso_test_zip_new ();
  KysoTestZip *over = kyso_test_zip_new ();
  g_autoptr (GBytes) ok_bytes = NULL;
  g_autoptr (GBytes) over_bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoOoxmlPackage) package = NULL;

  for (guint i = 0; i < KYSO_OOXML_MAX_PARTS + 1; i++)
    {
      g_autofree char *name = g_strdup_printf ("p/%u.xml", i);

      if (i < KYSO_OOXML_MAX_PARTS)
        kyso_test_zip_add (ok, name, "<x/>", 4, TRUE);
      kyso_test_zip_add (over, name, "<x/>", 4, TRUE);
    }
  ok_bytes = kyso_test_zip_finish (ok);
  over_bytes = kyso_test_zip_finish (over);
  package = kyso_ooxml_package_open_bytes (ok_bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kyso_ooxml_package_get_n_parts (package), ==, KYSO_OOXML_MAX_PARTS);
  expect_open_error (over_bytes, KYSO_ERROR, KYSO_ERROR_LIMIT);
}

static void
test_not_a_zip (void)
{
  g_autoptr (GBytes) text = g_bytes_new_static ("%PDF-1.7 not a zip", 18);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) minimal = kyso_test_docx_minimal ("x");
  g_autoptr (GBytes) truncated = g_bytes_new_from_bytes (minimal, 0, g_bytes_get_size (minimal) / 2);

  expect_open_error (text, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  expect_open_error (empty, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  expect_open_error (truncated, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
}

/* A package whose [Content_Types].xml (or a relationships part) declares entities: refused, not
 * expanded, both when signing and when verifying. */
static void
test_entity_expansion (void)
{
  const char *laughs
    = "<?xml version=\"1.0\"?><!DOCTYPE Types [<!ENTITY a \"aaaaaaaaaa\">"
      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
      "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
      "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">"
      "<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
      "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Default Extension=\"xml\" ContentType=\"&g;&x;\"/></Types>";
  g_autofree char *dir = g_dir_make_tmp ("kyso-ooxml-hostile-XXXXXX", NULL);
  g_autofree char *in = g_build_filename (dir, "laughs.docx", NULL);
  g_autofree char *out = g_build_filename (dir, "laughs-signed.docx", NULL);
  KysoTestZip *zip = kyso_test_zip_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GPtrArray) chain = kyso_test_pki_chain ("signer");
  g_autoptr (KysoOoxmlSignSession) session = NULL;
  g_autoptr (GBytes) digest = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoPdfVerifyReport) report = NULL;

  kyso_test_zip_add_text (zip, "[Content_Types].xml", laughs);
  kyso_test_zip_add_text (
    zip, "_rels/.rels",
    "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"b\">]>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"&a;\" Target=\"word/document.xml\"/></Relationships>");
  kyso_test_zip_add_text (zip, "word/document.xml", "<w/>");
  bytes = kyso_test_zip_finish (zip);
  kyso_test_write_bytes (in, bytes);

  session = kyso_ooxml_sign_session_new (in, out, NULL);
  digest = kyso_ooxml_sign_session_prepare (session, chain, NULL, &error);
  g_assert_null (digest);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* Verifying reads the relationships: no signature found, no expansion, no error. */
  report = kyso_ooxml_verify (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (report), ==, 0);
}

/* A signature part that is hostile XML itself: reported broken, nothing more. */
static void
test_hostile_signature_part (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kyso-ooxml-hostile-XXXXXX", NULL);
  g_autofree char *in = g_build_filename (dir, "in.docx", NULL);
  g_autofree char *signed_path = g_build_filename (dir, "signed.docx", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.docx", NULL);
  g_autoptr (GBytes) minimal = kyso_test_docx_minimal ("x");
  g_autoptr (GBytes) evil = g_bytes_new_static (
    "<!DOCTYPE Signature [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Signature>&x;</Signature>",
    strlen ("<!DOCTYPE Signature [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Signature>&x;</Signature>"));
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoPdfVerifyReport) report = NULL;

  kyso_test_write_bytes (in, minimal);
  g_assert_true (kyso_test_docx_sign (in, signed_path, "signer", NULL, &error));
  kyso_test_docx_replace_part (signed_path, bad, "_xmlsignatures/sig1.xml", evil);
  report = kyso_test_docx_verify (bad);
  g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (report), ==, 1);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (kyso_pdf_verify_report_get_signature (report, 0)),
                   ==, KYSO_SIGNATURE_STATUS_INVALID);
}

int
main (int argc, char **argv)
{
  int ret = 0;

  g_test_init (&argc, &argv, NULL);
  kyso_test_pki_get ();
  g_test_add_func ("/ooxml/hostile/zip-bomb-ratio", test_zip_bomb_ratio);
  g_test_add_func ("/ooxml/hostile/file-too-large", test_file_too_large);
  g_test_add_func ("/ooxml/hostile/traversal-names", test_traversal_names);
  g_test_add_func ("/ooxml/hostile/duplicate-names", test_duplicate_names);
  g_test_add_func ("/ooxml/hostile/lying-size", test_lying_size);
  g_test_add_func ("/ooxml/hostile/10000-parts", test_many_parts);
  g_test_add_func ("/ooxml/hostile/not-a-zip", test_not_a_zip);
  g_test_add_func ("/ooxml/hostile/entity-expansion", test_entity_expansion);
  g_test_add_func ("/ooxml/hostile/signature-part", test_hostile_signature_part);
  ret = g_test_run ();
  kyso_test_pki_cleanup ();
  return ret;
}
