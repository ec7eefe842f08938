/* The portal's data without the network: applicant fields as the guides ask them, file checks
 * (extension, content, size), province presets and configuration overrides, dossier validation,
 * and local drafts (mode 0600, ID and phone numbers in the Secret Service, resumable). */
#include "config.h"

#include "kyso-dossier-private.h"
#include "kyso-error.h"
#include "kyso-igate-private.h"
#include "kyso-portal-json.h"
#include "kyso-portal-sync.h"
#include "kyso-province.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

/* A procedure as the iGate catalogue calls describe it (bd/procedure/{id}, bd/procedure-form,
 * bd/procost/--for-online, bd/procedure-process-definition). */
static const char procedure_json[] = "{\"id\": \"p1\", \"code\": \"1.001193.000.00.00.H48\", \"nationCode\": "
                                     "\"1.001193\", \"name\": \"Đăng ký khai sinh\","
                                     " \"agency\": [{\"id\": \"a1\", \"name\": \"UBND phường Trần Phú\"}], "
                                     "\"sector\": {\"name\": \"Hộ tịch\"},"
                                     " \"level\": {\"name\": \"Mức độ 4\"}}";
static const char forms_json[]
  = "[{\"id\": \"to-khai\", \"form\": {\"id\": \"f1\", \"name\": \"Tờ khai\"}, \"case\": {\"id\": \"c\"},"
    "  \"detail\": [{\"type\": {\"id\": \"t1\", \"name\": \"Bản chính\"}, \"quantity\": 1}], \"order\": 1,"
    "  \"requirement\": true, \"fileTypes\": [\".PDF\", \"docx\", \"jpg\"], \"maxSize\": \"4096\"},"
    " {\"id\": \"uy-quyen\", \"form\": {\"id\": \"f2\", \"name\": \"Văn bản ủy quyền\"}, \"case\": {\"id\": "
    "\"c\"},"
    "  \"detail\": [{\"type\": {\"id\": \"t2\", \"name\": \"Bản sao\"}, \"quantity\": 1}], \"order\": 2,"
    "  \"requirement\": false, \"fileTypes\": [\"pdf\"], \"maxSize\": 1048576},"
    " {\"form\": {\"name\": \"no id: ignored\"}}, {\"id\": 42, \"form\": {\"id\": \"x\", \"name\": \"bad id: "
    "ignored\"}}]";
static const char fees_json[]
  = "[{\"type\": {\"name\": \"Lệ phí\"}, \"cost\": \"8000\"},"
    " {\"type\": {\"name\": \"Phí bản sao\"}, \"cost\": 8000, \"description\": \"mỗi bản\"}]";
static const char process_json[]
  = "{\"id\": \"ppd\", \"processDefinition\": {\"processingTime\": 1, \"processingTimeUnit\": \"d\","
    " \"applicantEForm\": {\"id\": \"e1\"}, \"eForm\": {\"id\": \"e2\"}}}";

static KysoProcedure *
make_procedure (void)
{
  g_autoptr (JsonNode) node = json_from_string (procedure_json, NULL);
  g_autoptr (JsonNode) forms = json_from_string (forms_json, NULL);
  g_autoptr (JsonNode) fees = json_from_string (fees_json, NULL);
  g_autoptr (JsonNode) process = json_from_string (process_json, NULL);
  KysoProcedure *p;

  g_assert_nonnull (node);
  p = kyso_igate_parse_procedure (json_node_get_object (node));
  g_assert_true (kyso_igate_add_details (p, json_node_get_array (forms), json_node_get_array (fees),
                                         json_node_get_object (process)));
  return p;
}

static KysoApplicant *
good_applicant (void)
{
  g_autoptr (JsonNode) node = json_from_string (
    "{\"full_name\": \" Trần Thị Bình \", \"id_number\": \"051190000202\", \"id_issue_date\": \"01/02/2022\","
    " \"id_issue_place\": \"Cục CS QLHC về TTXH\", \"birth_date\": \"1990-11-05\", \"gender\": \"nữ\","
    " \"province\": \"Quảng Ngãi\", \"district\": \"TP Quảng Ngãi\", \"ward\": \"Phường Trần Phú\","
    " \"address\": \"5 Lê Lợi\", \"phone\": \"+84905000202\", \"email\": \"binh@example.vn\"}",
    NULL);
  g_autoptr (GError) error = NULL;
  KysoApplicant *a = kyso_applicant_new_from_json (node, &error);

  g_assert_no_error (error);
  return a;
}

static void
test_procedure_parsed (void)
{
  g_autoptr (KysoProcedure) p = make_procedure ();
  g_autoptr (JsonNode) json = kyso_procedure_to_json (p);
  JsonObject *obj = json_node_get_object (json);
  JsonObject *c0 = json_array_get_object_element (json_object_get_array_member (obj, "components"), 0);
  KysoProcedureComponent *c = kyso_procedure_find_component (p, "to-khai");

  g_assert_cmpstr (kyso_procedure_get_agency (p), ==, "UBND phường Trần Phú");
  g_assert_cmpstr (kyso_procedure_get_sector (p), ==, "Hộ tịch");
  g_assert_cmpint (kyso_procedure_get_fee_total (p), ==, 16000);
  g_assert_cmpuint (kyso_procedure_get_components (p)->len, ==, 2);
  g_assert_cmpuint (kyso_procedure_component_get_max_bytes (c), ==, 4096);
  g_assert_true (g_strv_contains (kyso_procedure_component_get_types (c), "pdf"));
  g_assert_null (kyso_procedure_find_component (p, "nothing"));
  /* The shape kyso-cli prints. */
  g_assert_cmpstr (json_object_get_string_member (obj, "agency"), ==, "UBND phường Trần Phú");
  g_assert_cmpstr (json_object_get_string_member (c0, "key"), ==, "to-khai");
  g_assert_cmpint (json_object_get_int_member (c0, "copies"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (c0, "max_bytes"), ==, 4096);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (c0, "types")), ==, 3);
}

static void
test_applicant (void)
{
  g_autoptr (KysoApplicant) a = good_applicant ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) public_json = kyso_applicant_to_json (a, FALSE);
  g_autoptr (JsonNode) full_json = kyso_applicant_to_json (a, TRUE);
  const char *field = NULL;

  g_assert_cmpstr (a->full_name, ==, "Trần Thị Bình");
  g_assert_cmpstr (a->id_issue_date, ==, "2022-02-01");
  g_assert_cmpint (a->gender, ==, KYSO_GENDER_FEMALE);
  g_assert_true (kyso_applicant_validate (a, &field, &error));
  g_assert_no_error (error);
  g_assert_false (json_object_has_member (json_node_get_object (public_json), "id_number"));
  g_assert_false (json_object_has_member (json_node_get_object (public_json), "phone"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (full_json), "id_number"), ==,
                   "051190000202");

  /* Each field, broken in turn, is named. */
  {
    static const struct
    {
      const char *field;
      const char *value;
    } cases[] = {
      { "full_name", "" },
      { "id_number", "05119000020" },
      { "id_number", "0511900002AB" },
      { "birth_date", "31/02/1990" },
      { "birth_date", "2999-01-01" },
      { "id_issue_date", "1980-01-01" },
      { "id_issue_place", "" },
      { "province", "" },
      { "district", "" },
      { "ward", "" },
      { "address", "" },
      { "phone", "12345" },
      { "phone", "0905abc202" },
      { "email", "binh.example.vn" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr (KysoApplicant) b = kyso_applicant_copy (a);
        char **slot = NULL;

        if (g_str_equal (cases[i].field, "full_name"))
          slot = &b->full_name;
        else if (g_str_equal (cases[i].field, "id_number"))
          slot = &b->id_number;
        else if (g_str_equal (cases[i].field, "birth_date"))
          slot = &b->birth_date;
        else if (g_str_equal (cases[i].field, "id_issue_date"))
          slot = &b->id_issue_date;
        else if (g_str_equal (cases[i].field, "id_issue_place"))
          slot = &b->id_issue_place;
        else if (g_str_equal (cases[i].field, "province"))
          slot = &b->province;
        else if (g_str_equal (cases[i].field, "district"))
          slot = &b->district;
        else if (g_str_equal (cases[i].field, "ward"))
          slot = &b->ward;
        else if (g_str_equal (cases[i].field, "address"))
          slot = &b->address;
        else if (g_str_equal (cases[i].field, "phone"))
          slot = &b->phone;
        else if (g_str_equal (cases[i].field, "email"))
          slot = &b->email;
        if (slot == NULL)
          g_assert_not_reached ();
        g_free (*slot);
        *slot = g_strdup (cases[i].value);
        g_clear_error (&error);
        g_assert_false (kyso_applicant_validate (b, &field, &error));
        g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
        g_assert_cmpstr (field, ==, cases[i].field);
      }
  }
  {
    g_autoptr (KysoApplicant) b = kyso_applicant_copy (a);
    b->gender = KYSO_GENDER_UNKNOWN;
    g_clear_error (&error);
    g_assert_false (kyso_applicant_validate (b, &field, &error));
    g_assert_cmpstr (field, ==, "gender");
    g_clear_error (&error);
  }
  {
    g_autoptr (JsonNode) not_object = json_from_string ("[1, 2]", NULL);
    g_autoptr (KysoApplicant) none = kyso_applicant_new_from_json (not_object, &error);
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
    g_assert_null (none);
  }
}

static char *tmp_dir;

static char *
write_file (const char *name, const char *data, gssize len)
{
  char *path = g_build_filename (tmp_dir, name, NULL);

  g_assert_true (g_file_set_contents (path, data, len, NULL));
  return path;
}

static void
test_file_check (void)
{
  g_autoptr (KysoProcedure) p = make_procedure ();
  KysoProcedureComponent *c = kyso_procedure_find_component (p, "to-khai");
  g_autofree char *pdf = write_file ("don.PDF", "%PDF-1.4\n...%%EOF\n", -1);
  g_autofree char *late_header = write_file ("late.pdf", "\r\n\r\n%PDF-1.4\n", -1);
  g_autofree char *jpg = write_file ("anh.jpg", "\xFF\xD8\xFF\xE0....", 8);
  g_autofree char *fake_docx = write_file ("don.docx", "not a zip", -1);
  g_autofree char *exe = write_file ("don.exe", "MZ", -1);
  g_autofree char *empty = write_file ("rong.pdf", "", 0);
  g_autofree char *big = g_build_filename (tmp_dir, "lon.pdf", NULL);
  g_autofree char *missing = g_build_filename (tmp_dir, "khong-co.pdf", NULL);
  g_autofree char *big_data = g_strnfill (4097, 'x');
  g_autoptr (GError) error = NULL;
  guint64 size = 0;

  memcpy (big_data, "%PDF-", 5);
  g_assert_true (g_file_set_contents (big, big_data, 4097, NULL));

  g_assert_true (kyso_procedure_component_check_file (c, pdf, &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, strlen ("%PDF-1.4\n...%%EOF\n"));
  g_assert_true (kyso_procedure_component_check_file (c, late_header, NULL, &error));
  g_assert_true (kyso_procedure_component_check_file (c, jpg, NULL, &error));
  g_assert_no_error (error);

#define REFUSED(path, domain, code)                                                                          \
  g_assert_false (kyso_procedure_component_check_file (c, path, NULL, &error));                              \
  g_assert_error (error, domain, code);                                                                      \
  g_clear_error (&error);
  REFUSED (fake_docx, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  REFUSED (exe, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  REFUSED (empty, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  REFUSED (big, KYSO_ERROR, KYSO_ERROR_LIMIT);
  REFUSED (missing, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  REFUSED (tmp_dir, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
#undef REFUSED
}

static void
test_provinces (void)
{
  g_autoptr (GPtrArray) presets = kyso_province_list_presets ();
  static const char *const expected[] = { "quangngai", "kontum", "dienbien", "thaibinh", "sandbox" };
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (presets->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < presets->len; i++)
    {
      KysoProvince *p = g_ptr_array_index (presets, i);
      g_assert_cmpstr (p->id, ==, expected[i]);
      g_assert_cmpstr (p->adapter, ==, "igate");
      /* A desktop client needs the province's own registration: none is known but the sandbox's. */
      g_assert_cmpstr (p->client_id, ==, g_str_equal (p->id, "sandbox") ? "kyso-desktop" : NULL);
      g_assert_cmpstr (p->redirect, ==, "http://127.0.0.1/callback");
      g_assert_true (g_str_has_suffix (p->issuer, "/auth/realms/digo"));
      /* The ids no catalogue call gives (REAL-SERVICES.md S7/S8), shared by every province. */
      g_assert_cmpstr (kyso_pj_string (kyso_pj_object (json_node_get_object (p->igate), "nation"), "id"), ==,
                       "5f39f4a95224cf235e134c5c");
      g_assert_nonnull (
        kyso_pj_string (kyso_pj_object (json_node_get_object (p->igate), "place_types"), "ward"));
      if (!g_str_equal (p->id, "sandbox"))
        {
          g_assert_true (g_str_has_prefix (p->issuer, "https://"));
          g_assert_true (g_str_has_prefix (p->api, "https://"));
          g_assert_true (g_str_has_prefix (p->web, "https://dichvucong."));
        }
    }
  {
    g_autoptr (KysoProvince) qn = kyso_province_find_preset ("quangngai");
    g_assert_cmpstr (qn->name, ==, "Quảng Ngãi");
    g_assert_cmpstr (qn->web, ==, "https://dichvucong.quangngai.gov.vn/");
    g_assert_null (kyso_province_find_preset ("atlantis"));
  }

  /* A preset with one address overridden; the API base always ends with a slash. */
  {
    g_autoptr (KysoConfig) config = kyso_config_new_default ();
    g_autoptr (KysoProvince) p = NULL;
    kyso_config_set (config, "portal", "province", "kontum");
    kyso_config_set (config, "portal", "api", "https://apiigate.kontum.gov.vn");
    p = kyso_province_new_from_config (config, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (p->name, ==, "Kon Tum");
    g_assert_cmpstr (p->api, ==, "https://apiigate.kontum.gov.vn/");
    g_assert_cmpstr (p->issuer, ==, "https://ssokontum.vnptigate.vn/auth/realms/digo");
  }
  /* Tokens and files never go in clear: http only on the loopback interface. */
  {
    static const char *const refused[]
      = { "http://apiigate.kontum.gov.vn/", "ftp://x/", "http://10.0.0.1/", NULL };
    static const char *const accepted[] = { "http://127.0.0.1:8080/igate/", "http://[::1]:8080/", NULL };

    for (gsize i = 0; refused[i] != NULL; i++)
      {
        g_autoptr (KysoConfig) config = kyso_config_new_default ();
        g_autoptr (KysoProvince) p = NULL;
        kyso_config_set (config, "portal", "province", "kontum");
        kyso_config_set (config, "portal", "api", refused[i]);
        p = kyso_province_new_from_config (config, &error);
        g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
        g_assert_null (p);
        g_clear_error (&error);
      }
    for (gsize i = 0; accepted[i] != NULL; i++)
      {
        g_autoptr (KysoConfig) config = kyso_config_new_default ();
        g_autoptr (KysoProvince) p = NULL;
        kyso_config_set (config, "portal", "province", "kontum");
        kyso_config_set (config, "portal", "api", accepted[i]);
        p = kyso_province_new_from_config (config, &error);
        g_assert_no_error (error);
      }
    {
      g_autoptr (KysoConfig) config = kyso_config_new_default ();
      g_autoptr (KysoProvince) p = NULL;
      kyso_config_set (config, "portal", "province", "kontum");
      kyso_config_set (config, "portal", "issuer", "http://ssokontum.vnptigate.vn/auth/realms/digo");
      p = kyso_province_new_from_config (config, &error);
      g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
      g_clear_error (&error);
    }
  }
  /* The sandbox preset: relative addresses resolved against base=. */
  {
    g_autoptr (KysoConfig) config = kyso_config_new_default ();
    g_autoptr (KysoProvince) p = NULL;
    g_autoptr (KysoPortal) portal = NULL;
    kyso_config_set (config, "portal", "province", "sandbox");
    kyso_config_set (config, "portal", "base", "https://127.0.0.1:8443");
    p = kyso_province_new_from_config (config, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (p->issuer, ==, "https://127.0.0.1:8443/auth/realms/digo");
    g_assert_cmpstr (p->api, ==, "https://127.0.0.1:8443/igate/");
    portal = kyso_portal_new_from_config (config, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (kyso_portal_get_display_name (portal), ==, "Sandbox (thử nghiệm)");
    g_assert_false (kyso_portal_is_logged_in (portal));
    g_assert_null (kyso_portal_dup_user_name (portal));
  }
  /* Nothing usable configured. */
  {
    g_autoptr (KysoConfig) none = kyso_config_new_default ();
    g_autoptr (KysoConfig) unknown = kyso_config_new_default ();
    g_autoptr (KysoConfig) no_base = kyso_config_new_default ();
    g_autoptr (KysoProvince) p = NULL;
    kyso_config_set (unknown, "portal", "province", "atlantis");
    kyso_config_set (no_base, "portal", "province", "sandbox");
    p = kyso_province_new_from_config (none, &error);
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
    g_clear_error (&error);
    p = kyso_province_new_from_config (unknown, &error);
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
    g_clear_error (&error);
    p = kyso_province_new_from_config (no_base, &error);
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
    g_clear_error (&error);
  }
  /* Only addresses, no preset. */
  {
    g_autoptr (KysoConfig) config = kyso_config_new_default ();
    g_autoptr (KysoProvince) p = NULL;
    kyso_config_set (config, "portal", "issuer", "https://sso.example.vn/auth/realms/digo");
    kyso_config_set (config, "portal", "api", "https://api.example.vn/");
    p = kyso_province_new_from_config (config, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (p->id, ==, "custom");
  }
}

static void
test_dossier_validate (void)
{
  g_autoptr (KysoProcedure) p = make_procedure ();
  g_autoptr (KysoDossier) d = kyso_dossier_new (p);
  g_autoptr (KysoApplicant) a = good_applicant ();
  g_autoptr (GError) error = NULL;
  g_autofree char *pdf = write_file ("to-khai.pdf", "%PDF-1.7\n%%EOF\n", -1);
  g_autofree char *jpg_as_pdf = write_file ("uy-quyen.pdf", "\xFF\xD8\xFF\xE0", 4);
  const char *field = NULL;
  KysoDossierEntry *e;

  g_assert_false (kyso_dossier_validate (d, p, &field, &error));
  g_assert_cmpstr (field, ==, "full_name");
  g_clear_error (&error);

  kyso_dossier_set_applicant (d, a);
  g_assert_false (kyso_dossier_validate (d, p, &field, &error));
  g_assert_cmpstr (field, ==, "to-khai"); /* required, missing */
  g_clear_error (&error);

  e = kyso_dossier_add_file (d, "to-khai", pdf, KYSO_COPY_KIND_ORIGINAL);
  g_assert_true (g_path_is_absolute (e->path));
  g_assert_true (g_uuid_string_is_valid (e->idempotency_key));
  kyso_dossier_add_file (d, "uy-quyen", jpg_as_pdf, KYSO_COPY_KIND_COPY);
  g_assert_false (kyso_dossier_validate (d, p, &field, &error));
  g_assert_cmpstr (field, ==, "uy-quyen"); /* not a PDF inside */
  g_clear_error (&error);
  g_assert_cmpuint (kyso_dossier_remove_files (d, "uy-quyen"), ==, 1);

  g_assert_false (kyso_dossier_validate (d, p, &field, &error));
  g_assert_cmpstr (field, ==, "declaration");
  g_clear_error (&error);
  kyso_dossier_set_declaration (d, TRUE);
  g_assert_true (kyso_dossier_get_declaration (d));
  g_assert_true (kyso_dossier_validate (d, p, &field, &error));
  g_assert_no_error (error);

  kyso_dossier_add_file (d, "khong-co", pdf, KYSO_COPY_KIND_ORIGINAL);
  g_assert_false (kyso_dossier_validate (d, p, &field, &error));
  g_assert_cmpstr (field, ==, "component");
  g_clear_error (&error);
  kyso_dossier_remove_files (d, "khong-co");
}

static KysoDossier *
load_async (const char *id, GError **error)
{
  g_autoptr (KysoSyncWait) wait = kyso_sync_wait_new ();

  kyso_dossier_load_draft_async (id, NULL, kyso_sync_wait_callback, wait);
  return kyso_dossier_load_draft_finish (kyso_sync_wait_run (wait), error);
}

static void
test_drafts (void)
{
  g_autoptr (KysoProcedure) p = make_procedure ();
  g_autoptr (KysoDossier) d = kyso_dossier_new (p);
  g_autoptr (KysoApplicant) a = good_applicant ();
  g_autoptr (KysoDossier) back = NULL;
  g_autoptr (KysoSyncWait) wait = kyso_sync_wait_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *pdf = write_file ("to-khai.pdf", "%PDF-1.7\n%%EOF\n", -1);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) list = NULL;
  KysoDossierEntry *e, *e2;
  struct stat st;

  kyso_dossier_set_applicant (d, a);
  e = kyso_dossier_add_file (d, "to-khai", pdf, KYSO_COPY_KIND_ORIGINAL);
  e->uploaded = kyso_portal_file_new ("f-1", "to-khai.pdf", 16, NULL);
  kyso_dossier_set_declaration (d, TRUE);

  kyso_dossier_save_draft_async (d, NULL, kyso_sync_wait_callback, wait);
  g_assert_true (kyso_dossier_save_draft_finish (d, kyso_sync_wait_run (wait), &error));
  g_assert_no_error (error);

  path = g_strdup_printf ("%s/kyso/drafts/%s.json", g_get_user_data_dir (), kyso_dossier_get_draft_id (d));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  {
    g_autofree char *dir = g_path_get_dirname (path);
    g_assert_cmpint (g_stat (dir, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  }
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_null (strstr (text, "051190000202"));
  g_assert_null (strstr (text, "0905000202"));
  g_assert_nonnull (strstr (text, "Trần Thị Bình"));

  list = kyso_dossier_list_drafts (&error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char *const *)list, kyso_dossier_get_draft_id (d)));

  back = load_async (kyso_dossier_get_draft_id (d), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kyso_dossier_get_procedure_id (back), ==, "p1");
  g_assert_cmpstr (kyso_dossier_get_procedure_name (back), ==, "Đăng ký khai sinh");
  g_assert_cmpstr (kyso_dossier_get_submission_key (back), ==, kyso_dossier_get_submission_key (d));
  g_assert_true (kyso_dossier_get_declaration (back));
  g_assert_cmpstr (kyso_dossier_get_applicant (back)->id_number, ==, "051190000202");
  g_assert_cmpstr (kyso_dossier_get_applicant (back)->phone, ==, "+84905000202");
  g_assert_cmpstr (kyso_dossier_get_applicant (back)->full_name, ==, "Trần Thị Bình");
  e2 = g_ptr_array_index (kyso_dossier_get_entries (back), 0);
  g_assert_cmpstr (e2->path, ==, e->path);
  g_assert_cmpstr (e2->idempotency_key, ==, e->idempotency_key);
  g_assert_cmpstr (e2->uploaded->id, ==, "f-1");
  g_assert_true (kyso_dossier_validate (back, p, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (kyso_dossier_delete_draft (kyso_dossier_get_draft_id (d), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_object (&back);
  back = load_async (kyso_dossier_get_draft_id (d), &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_assert_null (back);
  g_clear_error (&error);
  back = kyso_dossier_load_draft ("../../etc/passwd", NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A damaged file says so. */
  {
    g_autofree char *damaged_id = g_uuid_string_random ();
    g_autofree char *damaged = g_strdup_printf ("%s/kyso/drafts/%s.json", g_get_user_data_dir (), damaged_id);
    g_assert_true (g_file_set_contents (damaged, "{not json", -1, NULL));
    back = kyso_dossier_load_draft (damaged_id, NULL, &error);
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
    g_clear_error (&error);
    g_assert_true (kyso_dossier_delete_draft (damaged_id, NULL, &error));
    g_assert_no_error (error);
  }
}

static void
test_records (void)
{
  g_autoptr (KysoDossierStatus) s = kyso_dossier_status_new ();
  g_autoptr (KysoDossierStatus) copy = NULL;
  g_autoptr (JsonNode) json = NULL;
  KysoDossierEvent *e1 = g_new0 (KysoDossierEvent, 1), *e2 = g_new0 (KysoDossierEvent, 1);
  KysoPortalFile *f = kyso_portal_file_new ("f1", "a.pdf", 10, NULL);
  JsonObject *obj;
  JsonArray *history;

  s->code = g_strdup ("000.00.20.H48-250601-0001");
  s->procedure_id = g_strdup ("p1");
  s->status = g_strdup ("Đã tiếp nhận");
  s->submitted = g_date_time_new_from_iso8601 ("2025-06-01T03:00:00Z", NULL);
  e1->time = g_date_time_new_from_iso8601 ("2025-06-01T03:00:00Z", NULL);
  e1->status = g_strdup ("Mới đăng ký");
  e2->status = g_strdup ("Đã tiếp nhận");
  e2->note = g_strdup ("OK");
  g_ptr_array_add (s->history, e1);
  g_ptr_array_add (s->history, e2);
  f->component = g_strdup ("to-khai");
  g_ptr_array_add (s->files, f);

  copy = kyso_dossier_status_copy (s);
  json = kyso_dossier_status_to_json (copy);
  obj = json_node_get_object (json);
  history = json_object_get_array_member (obj, "history");
  g_assert_cmpstr (copy->status, ==, "Đã tiếp nhận");
  g_assert_cmpuint (copy->history->len, ==, 2);
  g_assert_cmpuint (copy->files->len, ==, 1);
  g_assert_cmpstr (((KysoPortalFile *)g_ptr_array_index (copy->files, 0))->component, ==, "to-khai");
  g_assert_cmpstr (json_object_get_string_member (obj, "code"), ==, "000.00.20.H48-250601-0001");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "time"), ==,
                   "2025-06-01T03:00:00Z");
  g_assert_true (json_object_get_null_member (json_array_get_object_element (history, 1), "time"));
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("kyso-portal-model-XXXXXX", &error);
  g_assert_no_error (error);
  g_test_add_func ("/portal/model/procedure", test_procedure_parsed);
  g_test_add_func ("/portal/model/applicant", test_applicant);
  g_test_add_func ("/portal/model/file-check", test_file_check);
  g_test_add_func ("/portal/model/provinces", test_provinces);
  g_test_add_func ("/portal/model/dossier-validate", test_dossier_validate);
  g_test_add_func ("/portal/model/drafts", test_drafts);
  g_test_add_func ("/portal/model/records", test_records);
  status = g_test_run ();
  {
    const char *name;
    g_autoptr (GDir) d = g_dir_open (tmp_dir, 0, NULL);
    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (tmp_dir, name, NULL);
        g_unlink (p);
      }
    g_rmdir (tmp_dir);
    g_free (tmp_dir);
  }
  return status;
}
