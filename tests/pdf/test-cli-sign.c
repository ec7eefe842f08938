/* `kyso-cli sign` and `kyso-cli info` as scripts use them: exit statuses 0/2/3/4, and nothing
 * at OUT unless signing succeeded. */
#include "kyso-test-pdf.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

typedef struct
{
  char *dir;
  char *in;
  char *out;
  char *p12;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = kyso_test_tmpdir ();
  f->in = g_build_filename (f->dir, "in.pdf", NULL);
  f->out = g_build_filename (f->dir, "out.pdf", NULL);
  f->p12 = kyso_test_pki_file ("signer.p12");
  kyso_test_make_simple (f->in);
  g_setenv ("KYSO_TEST_P12_PASS", "test-pass", TRUE);
  g_setenv ("KYSO_TEST_WRONG_PASS", "wrong", TRUE);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->in);
  g_free (f->out);
  g_free (f->p12);
}

static const char *
cli (void)
{
  const char *path = g_getenv ("KYSO_CLI");

  g_assert_nonnull (path);
  return path;
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_sign_and_info (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *o, *sig;
  int status;

  status = kyso_test_run (&out, &err, cli (), "sign", f->in, f->out, "--p12", f->p12, "--p12-pass-env",
                          "KYSO_TEST_P12_PASS", "--page", "2", "--rect", "100,100,200,60", "--name",
                          "Nguyễn Văn An", "--reason", "Nộp hồ sơ", "--location", "Kon Tum", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Signature1"));
  kyso_test_assert_pdfsig (f->out, 1);
  kyso_test_assert_cms (f->out);

  status = kyso_test_run (&json, NULL, cli (), "info", f->out, "--json", NULL);
  g_assert_cmpint (status, ==, 0);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (o, "pages"), ==, 3);
  g_assert_false (json_object_get_boolean_member (o, "encrypted"));
  g_assert_cmpstr (json_object_get_string_member (o, "xref"), ==, "table");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "revisions")), ==, 2);
  sig = json_array_get_object_element (json_object_get_array_member (o, "signature_fields"), 0);
  g_assert_cmpstr (json_object_get_string_member (sig, "name"), ==, "Signature1");
  g_assert_true (json_object_get_boolean_member (sig, "signed"));
  g_assert_cmpstr (json_object_get_string_member (sig, "subfilter"), ==, "ETSI.CAdES.detached");
  /* The text form too. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (kyso_test_run (&out, NULL, cli (), "info", f->out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Signature1"));
}

static void
test_usage (Fixture *f, gconstpointer data)
{
  const char *rects[] = { "1,2,3", "a,b,c,d", "0,0,-5,10", "0,0,10,0" };

  g_assert_cmpint (kyso_test_run (NULL, NULL, cli (), "sign", f->in, NULL), ==, 2);
  g_assert_cmpint (kyso_test_run (NULL, NULL, cli (), "sign", f->in, f->out, NULL), ==, 2);
  g_assert_cmpint (
    kyso_test_run (NULL, NULL, cli (), "sign", f->in, f->out, "--p12", f->p12, "--bogus", NULL), ==, 2);
  g_assert_cmpint (
    kyso_test_run (NULL, NULL, cli (), "sign", f->in, f->out, "--p12", f->p12, "--page", "-3", NULL), ==, 2);
  g_assert_cmpint (kyso_test_run (NULL, NULL, cli (), "sign", f->in, f->out, "--p12", f->p12,
                                  "--p12-pass-env", "KYSO_TEST_UNSET_VARIABLE", NULL),
                   ==, 2);
  g_assert_cmpint (kyso_test_run (NULL, NULL, cli (), "sign", f->in, f->out, "--p12", f->p12, "--rect",
                                  "1,1,9,9", "--keyword", "x", NULL),
                   ==, 2);
  for (guint i = 0; i < G_N_ELEMENTS (rects); i++)
    g_assert_cmpint (
      kyso_test_run (NULL, NULL, cli (), "sign", f->in, f->out, "--p12", f->p12, "--rect", rects[i], NULL),
      ==, 2);
  g_assert_cmpint (kyso_test_run (NULL, NULL, cli (), "info", NULL), ==, 2);
  g_assert_false (g_file_test (f->out, G_FILE_TEST_EXISTS));
}

static void
test_refused_input (Fixture *f, gconstpointer data)
{
  g_autofree char *enc = g_build_filename (f->dir, "enc.pdf", NULL);
  g_autofree char *junk = g_build_filename (f->dir, "junk.pdf", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing.pdf", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (kyso_test_run (NULL, NULL, "qpdf", "--encrypt", "u", "o", "256", "--", f->in, enc, NULL),
                   ==, 0);
  g_assert_cmpint (kyso_test_run (NULL, &err, cli (), "sign", enc, f->out, "--p12", f->p12, "--p12-pass-env",
                                  "KYSO_TEST_P12_PASS", NULL),
                   ==, 3);
  g_assert_nonnull (strstr (err, "encrypted"));
  g_clear_pointer (&err, g_free);

  g_file_set_contents (junk, "%PDF-1.4\nthis is not a PDF at all\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kyso_test_run (NULL, &err, cli (), "sign", junk, f->out, "--p12", f->p12, "--p12-pass-env",
                                  "KYSO_TEST_P12_PASS", NULL),
                   ==, 3);
  g_assert_nonnull (strstr (err, "damaged"));
  g_assert_cmpint (kyso_test_run (NULL, NULL, cli (), "info", junk, NULL), ==, 3);
  g_assert_cmpint (kyso_test_run (NULL, NULL, cli (), "sign", missing, f->out, "--p12", f->p12,
                                  "--p12-pass-env", "KYSO_TEST_P12_PASS", NULL),
                   ==, 3);
  g_assert_cmpint (kyso_test_run (NULL, NULL, cli (), "sign", f->in, f->out, "--p12", f->p12,
                                  "--p12-pass-env", "KYSO_TEST_P12_PASS", "--keyword", "Không có chữ này",
                                  NULL),
                   ==, 3);
  g_assert_cmpint (kyso_test_run (NULL, NULL, cli (), "sign", f->in, f->out, "--p12", f->p12,
                                  "--p12-pass-env", "KYSO_TEST_P12_PASS", "--page", "9", NULL),
                   ==, 3);
  /* Nothing was left behind: input, enc, junk only. */
  g_assert_false (g_file_test (f->out, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (f->dir), ==, 3);
}

static void
test_signing_failed (Fixture *f, gconstpointer data)
{
  g_autofree char *err = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  /* An existing OUT is not touched when signing fails. */
  g_file_set_contents (f->out, "previous contents", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kyso_test_run (NULL, &err, cli (), "sign", f->in, f->out, "--p12", f->p12,
                                  "--p12-pass-env", "KYSO_TEST_WRONG_PASS", NULL),
                   ==, 4);
  g_assert_cmpint (kyso_test_run (NULL, NULL, cli (), "sign", f->in, f->out, "--p12", f->in, NULL), ==, 4);
  g_file_get_contents (f->out, &after, NULL, &error);
  g_assert_cmpstr (after, ==, "previous contents");
  g_assert_cmpuint (count_entries (f->dir), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) g_test_add ("/pdf/cli/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("sign-and-info", test_sign_and_info);
  ADD ("usage", test_usage);
  ADD ("refused-input", test_refused_input);
  ADD ("signing-failed", test_signing_failed);
#undef ADD
  return g_test_run ();
}
