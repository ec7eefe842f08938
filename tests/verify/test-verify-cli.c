/* kyso-cli verify and history, run as a user runs them: exit statuses, the exact JSON shape,
 * trust from --trust and from --config, and the history table (translated headers, columns
 * aligned by display width). */
#include "config.h"

#include "kyso-test-pki.h"
#include "verify-fixture.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <string.h>

static char *dir, *plain, *signed_pdf, *modified, *root_pem;

static JsonObject *
parse_json (const char *text, JsonParser **parser_out)
{
  g_autoptr(GError) error = NULL;
  JsonParser *parser = json_parser_new ();

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  *parser_out = parser;
  return json_node_get_object (json_parser_get_root (parser));
}

static void
assert_keys (JsonObject *obj, const char *const *expected)
{
  g_autoptr(GList) members = json_object_get_members (obj);
  guint i = 0;

  for (GList *l = members; l != NULL; l = l->next, i++)
    {
      g_assert_nonnull (expected[i]);
      g_assert_cmpstr (l->data, ==, expected[i]);
    }
  g_assert_null (expected[i]);
}

static void
test_exit_status (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *junk = g_build_filename (dir, "junk.pdf", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.pdf", NULL);

  g_assert_cmpint (
    kyso_vf_cli (&out, NULL, "verify", "--no-system-trust", "--trust", root_pem, signed_pdf, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Nguyễn Văn An"));
  g_assert_nonnull (strstr (out, "Result: Valid"));
  g_assert_nonnull (strstr (out, "Kyso Test Root CA"));
  g_clear_pointer (&out, g_free);
  /* Offline, revocation is unknown: intact and trusted, but it cannot be confirmed, and it is
   * never called valid. */
  g_assert_cmpint (kyso_vf_cli (&out, NULL, "verify", "--offline", "--no-system-trust", "--trust", root_pem,
                                signed_pdf, NULL),
                   ==, 1);
  g_assert_nonnull (strstr (out, "Result: Cannot be confirmed"));
  g_assert_null (strstr (out, "Valid"));
  g_clear_pointer (&out, g_free);
  /* Intact but not trusted: not "valid". */
  g_assert_cmpint (kyso_vf_cli (&out, NULL, "verify", "--offline", "--no-system-trust", signed_pdf, NULL), ==,
                   1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (
    kyso_vf_cli (&out, NULL, "verify", "--offline", "--no-system-trust", "--trust", root_pem, modified, NULL),
    ==, 1);
  g_assert_nonnull (strstr (out, "Modified after signing"));
  g_clear_pointer (&out, g_free);
  /* No signature at all is not valid either. */
  g_assert_cmpint (kyso_vf_cli (&out, NULL, "verify", "--offline", plain, NULL), ==, 1);
  g_clear_pointer (&out, g_free);

  kyso_vf_write (junk, "not a pdf", 9);
  g_assert_cmpint (kyso_vf_cli (NULL, &err, "verify", "--offline", junk, NULL), ==, 3);
  g_assert_nonnull (strstr (err, "damaged"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (kyso_vf_cli (NULL, &err, "verify", missing, NULL), ==, 3);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (kyso_vf_cli (NULL, &err, "verify", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (kyso_vf_cli (NULL, &err, "verify", signed_pdf, plain, NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (kyso_vf_cli (NULL, &err, "verify", "--bogus", signed_pdf, NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (kyso_vf_cli (NULL, &err, "history", junk, NULL), ==, 3);
}

static void
test_json (void)
{
  static const char *const top[] = { "file", "status", "signatures", NULL };
  static const char *const sig[] = { "field",
                                     "signer",
                                     "email",
                                     "national_id",
                                     "issuer",
                                     "serial",
                                     "signing_time",
                                     "signing_time_source",
                                     "claimed_signing_time",
                                     "timestamp_time",
                                     "digest",
                                     "subfilter",
                                     "level",
                                     "integrity",
                                     "coverage",
                                     "changes_after",
                                     "trust",
                                     "trust_anchor",
                                     "trust_anchor_sha256",
                                     "revocation",
                                     "status",
                                     "reason_codes",
                                     "reasons",
                                     NULL };
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = NULL, parser2 = NULL;
  JsonObject *root, *s;
  JsonArray *sigs;
  g_autoptr(GDateTime) when = NULL;

  g_autoptr(JsonParser) parser3 = NULL;
  g_autofree char *anchor_sha256 = NULL;

  g_assert_cmpint (
    kyso_vf_cli (&out, NULL, "verify", "--json", "--no-system-trust", "--trust", root_pem, signed_pdf, NULL),
    ==, 0);
  root = parse_json (out, &parser);
  assert_keys (root, top);
  g_assert_cmpstr (json_object_get_string_member (root, "file"), ==, signed_pdf);
  g_assert_cmpstr (json_object_get_string_member (root, "status"), ==, "valid");
  sigs = json_object_get_array_member (root, "signatures");
  g_assert_cmpuint (json_array_get_length (sigs), ==, 1);
  s = json_array_get_object_element (sigs, 0);
  assert_keys (s, sig);
  g_assert_cmpstr (json_object_get_string_member (s, "field"), ==, "Sig1");
  g_assert_cmpstr (json_object_get_string_member (s, "signer"), ==, "Nguyễn Văn An");
  g_assert_cmpstr (json_object_get_string_member (s, "email"), ==, "an@example.vn");
  g_assert_cmpstr (json_object_get_string_member (s, "national_id"), ==, "001099012345");
  g_assert_cmpstr (json_object_get_string_member (s, "issuer"), ==, "Kyso Test CA");
  g_assert_cmpstr (json_object_get_string_member (s, "digest"), ==, "SHA-256");
  g_assert_cmpstr (json_object_get_string_member (s, "subfilter"), ==, "adbe.pkcs7.detached");
  g_assert_true (json_object_get_null_member (s, "timestamp_time"));
  g_assert_cmpstr (json_object_get_string_member (s, "integrity"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (s, "coverage"), ==, "whole");
  g_assert_cmpstr (json_object_get_string_member (s, "changes_after"), ==, "none");
  g_assert_cmpstr (json_object_get_string_member (s, "trust"), ==, "trusted");
  g_assert_cmpstr (json_object_get_string_member (s, "revocation"), ==, "good");
  g_assert_cmpstr (json_object_get_string_member (s, "status"), ==, "valid");
  g_assert_cmpstr (json_object_get_string_member (s, "signing_time_source"), ==, "claimed");
  g_assert_cmpstr (json_object_get_string_member (s, "trust_anchor"), ==, "Kyso Test Root CA");
  kyso_test_openssl (&anchor_sha256, "x509", "-in", root_pem, "-noout", "-fingerprint", "-sha256", NULL);
  {
    g_autofree char *hex = g_ascii_strdown (strchr (anchor_sha256, '=') + 1, -1);
    GString *plain_hex = g_string_new (NULL);

    for (const char *c = hex; *c != 0; c++)
      if (g_ascii_isxdigit (*c))
        g_string_append_c (plain_hex, *c);
    g_assert_cmpstr (json_object_get_string_member (s, "trust_anchor_sha256"), ==, plain_hex->str);
    g_string_free (plain_hex, TRUE);
  }
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (s, "reason_codes")), ==, 0);
  when = g_date_time_new_from_iso8601 (json_object_get_string_member (s, "signing_time"), NULL);
  g_assert_nonnull (when);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (s, "reasons")));

  /* Offline: indeterminate, with the reason code. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (kyso_vf_cli (&out, NULL, "verify", "--json", "--offline", "--no-system-trust", "--trust",
                                root_pem, signed_pdf, NULL),
                   ==, 1);
  root = parse_json (out, &parser3);
  g_assert_cmpstr (json_object_get_string_member (root, "status"), ==, "indeterminate");
  s = json_array_get_object_element (json_object_get_array_member (root, "signatures"), 0);
  g_assert_cmpstr (json_object_get_string_member (s, "status"), ==, "indeterminate");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (s, "reason_codes")), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (s, "reason_codes"), 0), ==,
                   "revocation_unknown");

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (kyso_vf_cli (&out, NULL, "verify", "--json", "--offline", "--no-system-trust", "--trust",
                                root_pem, modified, NULL),
                   ==, 1);
  root = parse_json (out, &parser2);
  g_assert_cmpstr (json_object_get_string_member (root, "status"), ==, "modified");
  s = json_array_get_object_element (json_object_get_array_member (root, "signatures"), 0);
  g_assert_cmpstr (json_object_get_string_member (s, "integrity"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (s, "coverage"), ==, "revision");
  g_assert_cmpstr (json_object_get_string_member (s, "changes_after"), ==, "other");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (s, "reasons")), >, 0);
}

/* Trust anchors from the configuration file, given relative to it. */
static void
test_config_trust (void)
{
  g_autofree char *conf_dir = g_build_filename (dir, "conf", NULL);
  g_autofree char *conf = g_build_filename (conf_dir, "kyso.conf", NULL);
  g_autofree char *anchor = g_build_filename (conf_dir, "anchor.pem", NULL);
  g_autoptr(GBytes) pem = kyso_vf_read (root_pem);
  static const char text[] = "[trust]\nanchors=anchor.pem\n";

  g_assert_cmpint (g_mkdir_with_parents (conf_dir, 0700), ==, 0);
  kyso_vf_write (anchor, g_bytes_get_data (pem, NULL), g_bytes_get_size (pem));
  kyso_vf_write (conf, text, strlen (text));
  g_assert_cmpint (
    kyso_vf_cli (NULL, NULL, "--config", conf, "verify", "--no-system-trust", signed_pdf, NULL), ==, 0);
  g_assert_cmpint (kyso_vf_cli (NULL, NULL, "verify", "--offline", "--no-system-trust", signed_pdf, NULL), ==,
                   1);
}

/* Terminal columns of @s (combining marks take none). */
static gsize
width_of (const char *s, gsize bytes)
{
  gsize w = 0;

  for (const char *p = s; p < s + bytes; p = g_utf8_next_char (p))
    if (!g_unichar_iszerowidth (g_utf8_get_char (p)))
      w += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  return w;
}

/* Every line of the table has its " | " separators at the same display columns. */
static void
assert_aligned (const char *table, guint expected_rows)
{
  g_auto (GStrv) lines = g_strsplit (table, "\n", -1);
  g_autoptr(GArray) columns = NULL;
  guint rows = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GArray) cols = g_array_new (FALSE, FALSE, sizeof (gsize));
      const char *sep = i == 1 ? "-+-" : " | ";

      if (*lines[i] == 0)
        continue;
      rows++;
      for (const char *p = lines[i]; (p = strstr (p, sep)) != NULL; p += 3)
        {
          gsize w = width_of (lines[i], (gsize)(p - lines[i]));
          g_array_append_val (cols, w);
        }
      g_assert_cmpuint (cols->len, ==, 4);
      if (columns == NULL)
        columns = g_array_ref (cols);
      for (guint c = 0; c < 4; c++)
        g_assert_cmpuint (g_array_index (cols, gsize, c), ==, g_array_index (columns, gsize, c));
    }
  g_assert_cmpuint (rows, ==, expected_rows);
}

/* The header row must be exactly these cells: English in the C locale, and the words the
 * portals use ("Xem lịch sử ký số") in Vietnamese, which po/vi.po must keep. */
static const char *const header_en[]
  = { "Signer", "Email", "Certification authority", "Signing date", "Status" };
static const char *const header_vi[] = { "Người ký", "Email", "Cơ quan chứng thực", "Ngày ký", "Trạng thái" };

static void
assert_header (const char *table, const char *const *expected)
{
  g_autofree char *first = g_strndup (table, strcspn (table, "\n"));
  g_auto (GStrv) cells = g_strsplit (first, "|", -1);

  g_assert_cmpuint (g_strv_length (cells), ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpstr (g_strstrip (cells[i]), ==, expected[i]);
}

static void
test_history (void)
{
  g_autofree char *twice = g_build_filename (dir, "twice.pdf", NULL);
  g_autofree char *out = NULL, *vi = NULL;

  kyso_vf_pdfsig_sign (signed_pdf, twice, "Sig2", FALSE);
  g_assert_cmpint (kyso_vf_cli (&out, NULL, "history", "--offline", "--trust", root_pem, twice, NULL), ==, 0);
  g_test_message ("%s", out);
  assert_header (out, header_en);
  g_assert_nonnull (strstr (out, "Nguyễn Văn An"));
  g_assert_nonnull (strstr (out, "an@example.vn"));
  g_assert_nonnull (strstr (out, "Kyso Test CA"));
  assert_aligned (out, 4);

  /* In Vietnamese: the headers come from the catalog, whatever it holds today. */
  g_setenv ("LANGUAGE", "vi", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_assert_cmpint (kyso_vf_cli (&vi, NULL, "history", "--offline", twice, NULL), ==, 0);
  g_test_message ("%s", vi);
  assert_header (vi, header_vi);
  assert_aligned (vi, 4);
  g_unsetenv ("LANGUAGE");
}

int
main (int argc, char **argv)
{
  int status;
  GPid ocsp;

  g_test_init (&argc, &argv, NULL);
  dir = kyso_vf_tmpdir ();
  plain = g_build_filename (dir, "plain.pdf", NULL);
  signed_pdf = g_build_filename (dir, "signed.pdf", NULL);
  modified = g_build_filename (dir, "modified.pdf", NULL);
  root_pem = kyso_test_pki_path ("root/root.pem");
  kyso_vf_write_plain_pdf (plain);
  kyso_vf_pdfsig_sign (plain, signed_pdf, "Sig1", FALSE);
  {
    static const char text[] = "BT /F1 24 Tf 72 700 Td (Changed) Tj ET";
    g_autofree char *stream
      = g_strdup_printf ("<< /Length %zu >>\nstream\n%s\nendstream", strlen (text), text);
    g_autoptr(GBytes) bytes = kyso_vf_read (signed_pdf);
    kyso_vf_write (modified, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    kyso_vf_append_update (modified, 4, stream, 0);
  }

  g_test_add_func ("/verify-cli/exit-status", test_exit_status);
  g_test_add_func ("/verify-cli/json", test_json);
  g_test_add_func ("/verify-cli/config-trust", test_config_trust);
  g_test_add_func ("/verify-cli/history", test_history);
  /* The test PKI's OCSP responder: online, a trusted signature's revocation is known. */
  ocsp = kyso_test_ocsp_start ();
  status = g_test_run ();
  kyso_test_ocsp_stop (ocsp);
  kyso_test_pki_cleanup ();
  return status;
}
