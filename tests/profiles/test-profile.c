/* Unit tests of KysoProfile, its accounts, the provider list, the validation rules and the
 * JSON form. Real PNGs, encoded by cairo. */
#include "config.h"

#include "kyso-profile.h"
#include "kyso-providers.h"
#include "kyso-error.h"
#include "kyso-test-png.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

static KysoProfile *
make_valid_profile (void)
{
  KysoProfile *profile = kyso_profile_new ();
  g_autoptr(GBytes) png = kyso_test_make_signature_png (300, 120, 0);
  g_autoptr(KysoProfileAccount) account = kyso_profile_account_new ("vnpt-ca", "079203001234");

  kyso_profile_set_display_name (profile, "Nguyễn Văn An");
  kyso_profile_set_phone (profile, "0912345678");
  kyso_profile_set_keyword (profile, "Người làm đơn");
  kyso_profile_set_image (profile, png);
  kyso_profile_add_account (profile, account);
  return profile;
}

static void
test_providers (void)
{
  const char *expected[]
    = { "VNPT-CA", "Viettel-CA", "CA2", "BkavCA", "FPT-CA", "Newtel-CA", "MISA-CA", "EFY-CA" };
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  const KysoProvider *vnpt;

  g_assert_cmpuint (kyso_providers_get_n (), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < kyso_providers_get_n (); i++)
    {
      const KysoProvider *p = kyso_providers_get_nth (i);

      g_assert_cmpstr (p->name, ==, expected[i]);
      g_assert_true (g_hash_table_add (ids, (gpointer)p->id)); /* ids are unique */
      g_assert_true (kyso_providers_lookup (p->id) == p);
    }
  vnpt = kyso_providers_lookup ("vnpt-ca");
  g_assert_nonnull (vnpt);
  g_assert_cmpstr (vnpt->app_name, ==, "VNPT SmartCA");
  g_assert_cmpstr (kyso_providers_lookup ("viettel-ca")->app_name, ==, "Viettel MySign");
  g_assert_null (kyso_providers_lookup ("ca2")->app_name);
  /* The service family is data: MySign for Viettel-CA, the 769 gateway for the others. */
  g_assert_cmpstr (kyso_providers_lookup ("viettel-ca")->service, ==, "mysign");
  g_assert_cmpstr (kyso_providers_lookup ("vnpt-ca")->service, ==, "sp769");
  g_assert_cmpstr (kyso_providers_lookup ("ca2")->service, ==, "sp769");
  g_assert_true (kyso_providers_find ("Viettel-CA") == kyso_providers_lookup ("viettel-ca"));
  g_assert_true (kyso_providers_find ("vnpt-ca") == kyso_providers_lookup ("vnpt-ca"));
  g_assert_null (kyso_providers_find ("Unknown-CA"));
  g_assert_null (kyso_providers_lookup ("VNPT-CA")); /* ids, not names */
  g_assert_null (kyso_providers_lookup (""));
  g_assert_null (kyso_providers_lookup (NULL));
}

/* Takes the GError** so that it is read only after the call it checks has run. */
static void
assert_invalid (gboolean ok, GError **error)
{
  g_assert_false (ok);
  g_assert_error (*error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_assert_cmpuint (strlen ((*error)->message), >, 20);
}

static void
test_phone (void)
{
  const char *good[] = { "0912345678", "0387654321", "+84912345678", "+84387654321" };
  const char *bad[] = { "",
                        "091234567",
                        "09123456789",
                        "0012345678",
                        "09a2345678",
                        "0912 345 678",
                        "84912345678",
                        "+8491234567",
                        "+849123456789",
                        "+840912345678",
                        "+85912345678",
                        "+84 912345678" };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (kyso_profile_check_phone (good[i], &error));
      g_assert_no_error (error);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("phone %s", bad[i]);
      assert_invalid (kyso_profile_check_phone (bad[i], &error), &error);
    }
  /* The message never repeats the number it refused (personal data stays out of logs). */
  {
    g_autoptr(GError) error = NULL;
    assert_invalid (kyso_profile_check_phone ("0055566677", &error), &error);
    g_assert_null (strstr (error->message, "55566677"));
  }
  {
    g_autoptr(GError) error = NULL;
    assert_invalid (kyso_profile_check_phone (NULL, &error), &error);
  }
}

static void
test_normalize_phone (void)
{
  g_autofree char *a = kyso_profile_normalize_phone (" 0912 345.678 ");
  g_autofree char *b = kyso_profile_normalize_phone ("+84-912-345-678");
  g_autofree char *c = kyso_profile_normalize_phone (NULL);

  g_assert_cmpstr (a, ==, "0912345678");
  g_assert_cmpstr (b, ==, "+84912345678");
  g_assert_cmpstr (c, ==, "");
  g_assert_true (kyso_profile_check_phone (a, NULL));
  g_assert_true (kyso_profile_check_phone (b, NULL));
}

static void
test_account_number (void)
{
  const char *good[] = { "079203001234", "123456789" };
  const char *bad[] = { "",
                        "12345678",
                        "1234567890",
                        "12345678901",
                        "1234567890123",
                        "07920300123a",
                        "0792 0300 1234",
                        "-12345678",
                        "１２３４５６７８９" };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (kyso_profile_check_account_number (good[i], NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("account %s", bad[i]);
      assert_invalid (kyso_profile_check_account_number (bad[i], &error), &error);
      if (strlen (bad[i]) >= 8)
        g_assert_null (strstr (error->message, bad[i]));
    }
}

static void
test_name_keyword_provider (void)
{
  g_autofree char *long_name = g_strnfill (KYSO_PROFILE_NAME_MAX_CHARS + 1, 'a');
  g_autofree char *max_name = g_strnfill (KYSO_PROFILE_NAME_MAX_CHARS, 'a');
  g_autofree char *long_keyword = g_strnfill (KYSO_PROFILE_KEYWORD_MAX_CHARS + 1, 'k');
  g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL, e5 = NULL, e6 = NULL, e7 = NULL;

  g_assert_true (kyso_profile_check_display_name ("Nguyễn Văn An", NULL));
  g_assert_true (kyso_profile_check_display_name (max_name, NULL));
  /* Characters, not bytes: 100 Vietnamese letters are fine. */
  {
    GString *s = g_string_new (NULL);
    for (int i = 0; i < KYSO_PROFILE_NAME_MAX_CHARS; i++)
      g_string_append (s, "ễ");
    g_assert_true (kyso_profile_check_display_name (s->str, NULL));
    g_string_free (s, TRUE);
  }
  assert_invalid (kyso_profile_check_display_name ("", &e1), &e1);
  assert_invalid (kyso_profile_check_display_name ("   \t ", &e2), &e2);
  assert_invalid (kyso_profile_check_display_name (long_name, &e3), &e3);
  assert_invalid (kyso_profile_check_display_name ("bad \xff utf8", &e7), &e7);

  g_assert_true (kyso_profile_check_keyword ("", NULL));
  g_assert_true (kyso_profile_check_keyword (NULL, NULL));
  g_assert_true (kyso_profile_check_keyword ("NGƯỜI LÀM ĐƠN", NULL));
  assert_invalid (kyso_profile_check_keyword (long_keyword, &e4), &e4);

  g_assert_true (kyso_profile_check_provider ("efy-ca", NULL));
  assert_invalid (kyso_profile_check_provider ("", &e5), &e5);
  assert_invalid (kyso_profile_check_provider ("acme-ca", &e6), &e6);
}

/* A copy of the PNG file with byte @pos replaced. */
static GBytes *
patched_png (GBytes *png, gsize pos, guint8 value)
{
  gsize len;
  const guint8 *orig = g_bytes_get_data (png, &len);
  guint8 *data = g_memdup2 (orig, len);

  data[pos] = value;
  return g_bytes_new_take (data, len);
}

static void
test_image (void)
{
  g_autoptr(GBytes) png = kyso_test_make_signature_png (320, 100, 1);
  g_autoptr(GBytes) jpeg = g_bytes_new_static ("\xff\xd8\xff\xe0\0\x10JFIF\0\1\1\0\0\1\0\1\0\0"
                                                "\xff\xd9\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
                                                36);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) truncated = NULL;
  g_autoptr(GBytes) corrupt = NULL;
  g_autoptr(GBytes) huge = NULL;
  g_autoptr(GBytes) zero_wide = NULL;
  g_autoptr(GBytes) too_big = NULL;
  gsize len = g_bytes_get_size (png);
  guint w = 0, h = 0;
  GError *error = NULL;

  g_assert_true (kyso_profile_check_image (png, &w, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (w, ==, 320);
  g_assert_cmpuint (h, ==, 100);

  assert_invalid (kyso_profile_check_image (NULL, NULL, NULL, &error), &error);
  g_clear_error (&error);
  assert_invalid (kyso_profile_check_image (empty, NULL, NULL, &error), &error);
  g_clear_error (&error);
  assert_invalid (kyso_profile_check_image (jpeg, NULL, NULL, &error), &error);
  g_assert_nonnull (strstr (error->message, "PNG"));
  g_clear_error (&error);

  truncated = g_bytes_new_from_bytes (png, 0, len / 2);
  assert_invalid (kyso_profile_check_image (truncated, NULL, NULL, &error), &error);
  g_clear_error (&error);

  /* A flipped byte inside the compressed pixels: the chunk's CRC no longer matches. */
  corrupt = patched_png (png, len - 30, ((const guint8 *)g_bytes_get_data (png, NULL))[len - 30] ^ 0x55);
  assert_invalid (kyso_profile_check_image (corrupt, NULL, NULL, &error), &error);
  g_clear_error (&error);

  /* A declared width of 65 536+ pixels is refused before any decoding. */
  huge = patched_png (png, 17, 0x01);
  assert_invalid (kyso_profile_check_image (huge, &w, NULL, &error), &error);
  g_assert_nonnull (strstr (error->message, "4096"));
  g_assert_cmpuint (w, ==, 320); /* untouched on failure */
  g_clear_error (&error);

  /* A declared width of 0. */
  {
    guint8 *d = g_memdup2 (g_bytes_get_data (png, NULL), len);
    memset (d + 16, 0, 4);
    zero_wide = g_bytes_new_take (d, len);
  }
  assert_invalid (kyso_profile_check_image (zero_wide, NULL, NULL, &error), &error);
  g_clear_error (&error);

  /* Over 1 MB is refused by size, whatever follows the valid start. */
  {
    guint8 *d = g_malloc0 (KYSO_PROFILE_IMAGE_MAX_BYTES + 1);
    memcpy (d, g_bytes_get_data (png, NULL), len);
    too_big = g_bytes_new_take (d, KYSO_PROFILE_IMAGE_MAX_BYTES + 1);
  }
  assert_invalid (kyso_profile_check_image (too_big, NULL, NULL, &error), &error);
  g_assert_nonnull (strstr (error->message, "1 MB"));
  g_clear_error (&error);
}

static void
test_big_valid_image (void)
{
  /* A large picture that is still under both limits passes. */
  g_autoptr(GBytes) png = kyso_test_make_signature_png (4096, 600, 2);
  guint w = 0, h = 0;

  g_assert_cmpuint (g_bytes_get_size (png), <=, KYSO_PROFILE_IMAGE_MAX_BYTES);
  g_assert_true (kyso_profile_check_image (png, &w, &h, NULL));
  g_assert_cmpuint (w, ==, 4096);
  g_assert_cmpuint (h, ==, 600);
}

static void
count_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (*(int *)user_data)++;
}

static void
test_object (void)
{
  KysoProfile *a = kyso_profile_new ();
  KysoProfile *b = kyso_profile_new ();
  g_autoptr(GBytes) png = kyso_test_make_signature_png (100, 40, 0);
  g_autoptr(GBytes) same_png = g_bytes_new (g_bytes_get_data (png, NULL), g_bytes_get_size (png));
  int notified = 0;

  g_assert_cmpuint (strlen (kyso_profile_get_id (a)), ==, 36);
  g_assert_cmpstr (kyso_profile_get_id (a), !=, kyso_profile_get_id (b));
  g_assert_cmpstr (kyso_profile_get_display_name (a), ==, "");
  g_assert_null (kyso_profile_get_image (a));
  g_assert_cmpuint (g_list_model_get_n_items (kyso_profile_get_accounts (a)), ==, 0);

  g_signal_connect (a, "notify", G_CALLBACK (count_notify), &notified);
  kyso_profile_set_display_name (a, "An");
  kyso_profile_set_display_name (a, "An");
  g_assert_cmpint (notified, ==, 1);
  kyso_profile_set_image (a, png);
  kyso_profile_set_image (a, same_png); /* equal bytes: no change */
  g_assert_cmpint (notified, ==, 2);
  kyso_profile_set_phone (a, "0912345678");
  kyso_profile_set_keyword (a, "Ký tên");
  kyso_profile_set_keyword (a, "Ký tên");
  g_assert_cmpint (notified, ==, 4);
  kyso_profile_set_image (a, NULL);
  g_assert_cmpint (notified, ==, 5);

  /* Explicit id at construction is kept; empty gets a fresh one. */
  {
    KysoProfile *c = g_object_new (KYSO_TYPE_PROFILE, "id", "my-id", NULL);
    KysoProfile *d = g_object_new (KYSO_TYPE_PROFILE, "id", "", NULL);
    g_assert_cmpstr (kyso_profile_get_id (c), ==, "my-id");
    g_assert_cmpuint (strlen (kyso_profile_get_id (d)), ==, 36);
    g_assert_finalize_object (c);
    g_assert_finalize_object (d);
  }

  g_assert_finalize_object (a);
  g_assert_finalize_object (b);
}

static void
test_accounts_and_copy (void)
{
  KysoProfile *profile = make_valid_profile ();
  KysoProfile *copy = kyso_profile_copy (profile);
  g_autoptr(KysoProfileAccount) second = kyso_profile_account_new ("viettel-ca", "123456789");
  KysoProfileAccount *first_copy;

  g_assert_cmpstr (kyso_profile_get_id (copy), ==, kyso_profile_get_id (profile));
  g_assert_cmpstr (kyso_profile_get_display_name (copy), ==, "Nguyễn Văn An");
  g_assert_true (g_bytes_equal (kyso_profile_get_image (copy), kyso_profile_get_image (profile)));

  /* Deep: editing the copy's account leaves the original alone. */
  first_copy = g_list_model_get_item (kyso_profile_get_accounts (copy), 0);
  kyso_profile_account_set_account (first_copy, "111111111");
  {
    g_autoptr(KysoProfileAccount) orig = g_list_model_get_item (kyso_profile_get_accounts (profile), 0);
    g_assert_cmpstr (kyso_profile_account_get_account (orig), ==, "079203001234");
    g_assert_true (orig != first_copy);
    g_assert_cmpstr (kyso_profile_account_get_kind (orig), ==, KYSO_ACCOUNT_KIND_NEAC_SIGN);
  }
  g_object_unref (first_copy);

  kyso_profile_add_account (copy, second);
  g_assert_cmpuint (g_list_model_get_n_items (kyso_profile_get_accounts (copy)), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (kyso_profile_get_accounts (profile)), ==, 1);
  kyso_profile_remove_account (copy, 0);
  {
    g_autoptr(KysoProfileAccount) left = g_list_model_get_item (kyso_profile_get_accounts (copy), 0);
    g_assert_true (left == second);
  }
  kyso_profile_remove_all_accounts (copy);
  g_assert_cmpuint (g_list_model_get_n_items (kyso_profile_get_accounts (copy)), ==, 0);

  g_assert_cmpstr (kyso_account_kind_get_display_name (KYSO_ACCOUNT_KIND_NEAC_SIGN), ==, "NEAC Sign");
  g_assert_null (kyso_account_kind_get_display_name ("other"));

  g_assert_finalize_object (copy);
  g_assert_finalize_object (profile);
}

static void
test_validate (void)
{
  g_autoptr(KysoProfile) profile = make_valid_profile ();
  g_autoptr(GError) error = NULL;

  g_assert_true (kyso_profile_validate (profile, &error));
  g_assert_no_error (error);

  /* Each broken field is reported. */
  {
    g_autoptr(KysoProfile) p = kyso_profile_copy (profile);
    kyso_profile_set_image (p, NULL);
    assert_invalid (kyso_profile_validate (p, &error), &error);
    g_clear_error (&error);
  }
  {
    g_autoptr(KysoProfile) p = kyso_profile_copy (profile);
    kyso_profile_set_display_name (p, " ");
    assert_invalid (kyso_profile_validate (p, &error), &error);
    g_clear_error (&error);
  }
  {
    g_autoptr(KysoProfile) p = kyso_profile_copy (profile);
    kyso_profile_set_phone (p, "12345");
    assert_invalid (kyso_profile_validate (p, &error), &error);
    g_clear_error (&error);
  }
  {
    g_autoptr(KysoProfile) p = kyso_profile_copy (profile);
    kyso_profile_remove_all_accounts (p);
    assert_invalid (kyso_profile_validate (p, &error), &error);
    g_assert_nonnull (strstr (error->message, "CCCD"));
    g_clear_error (&error);
  }
  {
    g_autoptr(KysoProfile) p = kyso_profile_copy (profile);
    g_autoptr(KysoProfileAccount) bad = kyso_profile_account_new ("vnpt-ca", "1234");
    kyso_profile_add_account (p, bad);
    assert_invalid (kyso_profile_validate (p, &error), &error);
    g_clear_error (&error);
    kyso_profile_account_set_account (bad, "123456789");
    g_assert_true (kyso_profile_validate (p, NULL));
    kyso_profile_account_set_provider (bad, "nope");
    assert_invalid (kyso_profile_validate (p, &error), &error);
    g_clear_error (&error);
    kyso_profile_account_set_provider (bad, "ca2");
    kyso_profile_account_set_kind (bad, "smart-card");
    assert_invalid (kyso_profile_validate (p, &error), &error);
    g_clear_error (&error);
  }
}

static void
assert_same_profile (KysoProfile *a, KysoProfile *b)
{
  GListModel *la = kyso_profile_get_accounts (a), *lb = kyso_profile_get_accounts (b);

  g_assert_cmpstr (kyso_profile_get_id (a), ==, kyso_profile_get_id (b));
  g_assert_cmpstr (kyso_profile_get_display_name (a), ==, kyso_profile_get_display_name (b));
  g_assert_cmpstr (kyso_profile_get_phone (a), ==, kyso_profile_get_phone (b));
  g_assert_cmpstr (kyso_profile_get_keyword (a), ==, kyso_profile_get_keyword (b));
  g_assert_true ((kyso_profile_get_image (a) == NULL) == (kyso_profile_get_image (b) == NULL));
  if (kyso_profile_get_image (a) != NULL)
    g_assert_true (g_bytes_equal (kyso_profile_get_image (a), kyso_profile_get_image (b)));
  g_assert_cmpuint (g_list_model_get_n_items (la), ==, g_list_model_get_n_items (lb));
  for (guint i = 0; i < g_list_model_get_n_items (la); i++)
    {
      g_autoptr(KysoProfileAccount) x = g_list_model_get_item (la, i);
      g_autoptr(KysoProfileAccount) y = g_list_model_get_item (lb, i);

      g_assert_cmpstr (kyso_profile_account_get_kind (x), ==, kyso_profile_account_get_kind (y));
      g_assert_cmpstr (kyso_profile_account_get_account (x), ==, kyso_profile_account_get_account (y));
      g_assert_cmpstr (kyso_profile_account_get_provider (x), ==, kyso_profile_account_get_provider (y));
    }
}

static void
test_json_roundtrip (void)
{
  g_autoptr(KysoProfile) profile = make_valid_profile ();
  g_autoptr(KysoProfileAccount) second = kyso_profile_account_new ("misa-ca", "123456789");
  g_autofree char *json = NULL;
  g_autoptr(KysoProfile) back = NULL;
  g_autoptr(KysoProfile) no_image = kyso_profile_new ();
  g_autofree char *json2 = NULL;
  g_autoptr(KysoProfile) back2 = NULL;
  GError *error = NULL;

  kyso_profile_add_account (profile, second);
  json = kyso_profile_to_json (profile);
  back = kyso_profile_new_from_json (json, -1, &error);
  g_assert_no_error (error);
  assert_same_profile (profile, back);
  g_assert_true (kyso_profile_validate (back, NULL));

  /* An incomplete profile round-trips too (null image, no accounts). */
  json2 = kyso_profile_to_json (no_image);
  back2 = kyso_profile_new_from_json (json2, strlen (json2), &error);
  g_assert_no_error (error);
  assert_same_profile (no_image, back2);
}

static void
test_json_broken (void)
{
  const char *broken[] = {
    "",
    "not json",
    "[]",
    "{}",
    "{\"version\": \"1\"}",
    "{\"version\":1,\"id\":\"\",\"display-name\":\"a\",\"phone\":\"\",\"keyword\":\"\",\"image\":null,"
    "\"accounts\":[]}",
    "{\"version\":1,\"id\":\"x\",\"phone\":\"\",\"keyword\":\"\",\"image\":null,\"accounts\":[]}",
    "{\"version\":1,\"id\":\"x\",\"display-name\":5,\"phone\":\"\",\"keyword\":\"\",\"image\":null,"
    "\"accounts\":[]}",
    "{\"version\":1,\"id\":\"x\",\"display-name\":\"a\",\"phone\":\"\",\"keyword\":\"\",\"accounts\":[]}",
    "{\"version\":1,\"id\":\"x\",\"display-name\":\"a\",\"phone\":\"\",\"keyword\":\"\",\"image\":\"a "
    "b!\",\"accounts\":[]}",
    "{\"version\":1,\"id\":\"x\",\"display-name\":\"a\",\"phone\":\"\",\"keyword\":\"\",\"image\":7,"
    "\"accounts\":[]}",
    "{\"version\":1,\"id\":\"x\",\"display-name\":\"a\",\"phone\":\"\",\"keyword\":\"\",\"image\":null,"
    "\"accounts\":{}}",
    "{\"version\":1,\"id\":\"x\",\"display-name\":\"a\",\"phone\":\"\",\"keyword\":\"\",\"image\":null,"
    "\"accounts\":[1]}",
    "{\"version\":1,\"id\":\"x\",\"display-name\":\"a\",\"phone\":\"\",\"keyword\":\"\",\"image\":null,"
    "\"accounts\":[{\"kind\":\"neac-sign\",\"account\":\"123456789\"}]}",
  };
  const char *newer = "{\"version\":2,\"id\":\"x\",\"display-name\":\"a\",\"phone\":\"\",\"keyword\":\"\","
                      "\"image\":null,\"accounts\":[]}";
  GError *error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_test_message ("json %s", broken[i]);
      g_assert_null (kyso_profile_new_from_json (broken[i], -1, &error));
      g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
      g_clear_error (&error);
    }
  g_assert_null (kyso_profile_new_from_json (newer, -1, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED);
  g_clear_error (&error);
}

static void
test_translated (void)
{
  /* The messages reach people through gettext: with Vietnamese chosen they are Vietnamese. */
  const char *english = "Enter the phone number that approves your signatures.";
  g_autoptr(GError) error = NULL;

  g_setenv ("LANGUAGE", "vi", TRUE);
  kyso_profile_check_phone ("", &error);
  g_unsetenv ("LANGUAGE");
  g_assert_nonnull (error);
  g_test_message ("vi: %s", error->message);
  g_assert_cmpstr (error->message, !=, english);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

int
main (int argc, char **argv)
{
  const char *localedir = g_getenv ("KYSO_LOCALEDIR");

  /* C.UTF-8 (present everywhere) keeps LANGUAGE effective for test_translated(). */
  setlocale (LC_ALL, "C.UTF-8");
  g_unsetenv ("LANGUAGE");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/profile/providers", test_providers);
  g_test_add_func ("/profile/phone", test_phone);
  g_test_add_func ("/profile/normalize-phone", test_normalize_phone);
  g_test_add_func ("/profile/account-number", test_account_number);
  g_test_add_func ("/profile/name-keyword-provider", test_name_keyword_provider);
  g_test_add_func ("/profile/image", test_image);
  g_test_add_func ("/profile/image-large", test_big_valid_image);
  g_test_add_func ("/profile/object", test_object);
  g_test_add_func ("/profile/accounts-and-copy", test_accounts_and_copy);
  g_test_add_func ("/profile/validate", test_validate);
  g_test_add_func ("/profile/json-roundtrip", test_json_roundtrip);
  g_test_add_func ("/profile/json-broken", test_json_broken);
  g_test_add_func ("/profile/translated", test_translated);
  return g_test_run ();
}
