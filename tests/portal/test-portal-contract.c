/* The iGate contract without the network: every documented sample of ../shared/REAL-SERVICES.md §5
 * (and each assumed shape it lists) is a fixture in tests/portal/fixtures/ that the adapter's own
 * parsers read, and the apply-online body Kyso builds is compared with the documented one member
 * by member, in both directions (nothing missing, nothing invented). */
#include "config.h"

#include "kyso-dossier-private.h"
#include "kyso-igate-private.h"
#include "kyso-portal-json.h"

#include <glib/gstdio.h>
#include <string.h>

static JsonNode *
fixture (const char *name)
{
  g_autofree char *path = g_build_filename (KYSO_FIXTURES_DIR, name, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static KysoProcedure *
procedure_from_fixtures (void)
{
  g_autoptr (JsonNode) proc = fixture ("procedure.json");
  g_autoptr (JsonNode) forms = fixture ("procedure-form.json");
  g_autoptr (JsonNode) fees = fixture ("procost.json");
  g_autoptr (JsonNode) process = fixture ("process-definition.json");
  KysoProcedure *p = kyso_igate_parse_procedure (json_node_get_object (proc));

  g_assert_nonnull (p);
  g_assert_true (kyso_igate_add_details (p, kyso_igate_list_items (forms), kyso_igate_list_items (fees),
                                         kyso_pj_array_object (kyso_igate_list_items (process), 0)));
  return p;
}

static void
test_procedure (void)
{
  g_autoptr (KysoProcedure) p = procedure_from_fixtures ();
  GPtrArray *components = kyso_procedure_get_components (p);
  KysoProcedureComponent *first, *second;

  g_assert_cmpstr (kyso_procedure_get_id (p), ==, "6243fed45b82236f1d1c21d2");
  /* The national code for people; the portal's own for the dossier code. */
  g_assert_cmpstr (kyso_procedure_get_code (p), ==, "1.001612");
  g_assert_cmpstr (kyso_igate_procedure_portal_code (p), ==, "1.001612.000.00.00.H48");
  g_assert_cmpstr (kyso_igate_procedure_agency_id (p), ==, "62174f6f378b3c2a7563a00b");
  g_assert_cmpstr (kyso_procedure_get_name (p), ==, "Đăng ký thành lập hộ kinh doanh");
  g_assert_cmpstr (kyso_procedure_get_agency (p), ==, "UBND huyện Bình Sơn");
  g_assert_cmpstr (kyso_procedure_get_sector (p), ==, "Lĩnh vực thành lập và hoạt động của hộ kinh doanh");
  g_assert_cmpuint (kyso_procedure_get_level (p), ==, 3);
  g_assert_cmpuint (kyso_procedure_get_processing_days (p), ==, 3);
  g_assert_nonnull (kyso_procedure_get_processing_time (p));
  g_assert_true (kyso_procedure_has_details (p));

  /* Components in the portal's order, keyed by the procedure-form item's id. */
  g_assert_cmpuint (components->len, ==, 2);
  first = g_ptr_array_index (components, 0);
  second = g_ptr_array_index (components, 1);
  g_assert_cmpstr (kyso_procedure_component_get_key (first), ==, "pf-1");
  g_assert_cmpstr (kyso_procedure_component_get_name (first), ==, "Giấy đề nghị đăng ký hộ kinh doanh");
  g_assert_true (kyso_procedure_component_get_required (first));
  g_assert_cmpuint (kyso_procedure_component_get_originals (first), ==, 1);
  g_assert_cmpuint (kyso_procedure_component_get_copies (first), ==, 0);
  g_assert_true (g_strv_contains (kyso_procedure_component_get_types (first), "pdf"));
  g_assert_cmpuint (kyso_procedure_component_get_max_bytes (first), ==, 4096);
  g_assert_false (kyso_procedure_component_get_required (second));
  g_assert_cmpuint (kyso_procedure_component_get_copies (second), ==, 1);
  /* Without fileTypes/maxSize (optional in the assumed shape): no limit of the portal's. */
  g_assert_null (kyso_procedure_component_get_types (second)[0]);
  g_assert_cmpuint (kyso_procedure_component_get_max_bytes (second), ==, 0);

  g_assert_cmpuint (kyso_procedure_get_fees (p)->len, ==, 2);
  g_assert_cmpint (kyso_procedure_get_fee_total (p), ==, 108000);
  g_assert_cmpstr (((KysoFee *)g_ptr_array_index (kyso_procedure_get_fees (p), 1))->note, ==, "mỗi bản");
}

static void
test_process_missing (void)
{
  g_autoptr (JsonNode) proc = fixture ("procedure.json");
  g_autoptr (KysoProcedure) p = kyso_igate_parse_procedure (json_node_get_object (proc));

  /* No process definition: the portal takes no online application for it. */
  g_assert_false (kyso_igate_add_details (p, NULL, NULL, NULL));
  g_assert_false (kyso_procedure_has_details (p));
}

static void
test_small_answers (void)
{
  g_autoptr (JsonNode) upload = fixture ("upload.json");
  g_autoptr (JsonNode) places = fixture ("places.json");
  g_autoptr (JsonNode) search = fixture ("dossier-search.json");
  g_autoptr (JsonNode) pattern = fixture ("get-pattern.json");
  g_autoptr (JsonNode) next = fixture ("next-value.json");
  g_autoptr (KysoPortalFile) file
             = kyso_igate_parse_file (kyso_pj_array_object (kyso_igate_list_items (upload), 0));
  g_autoptr (KysoDossierStatus) status = NULL;
  g_autofree char *id = NULL, *name = NULL;
  g_autofree char *submitted = NULL;

  g_assert_cmpstr (file->id, ==, "62e23d0aeaa3695e58271140");
  g_assert_cmpstr (file->name, ==, "giay-de-nghi.pdf");
  g_assert_cmpuint (file->size, ==, 16);

  g_assert_cmpuint (json_array_get_length (kyso_igate_list_items (places)), ==, 2);
  g_assert_true (
    kyso_igate_parse_place (kyso_pj_array_object (kyso_igate_list_items (places), 0), &id, &name));
  g_assert_cmpstr (id, ==, "5def47c5f47614018c000051");
  g_assert_cmpstr (name, ==, "Tỉnh Quảng Ngãi");

  g_assert_cmpstr (kyso_pj_string (json_node_get_object (pattern), "id"), ==, "62a5b245a21aef4ae8daef2b");
  g_assert_cmpstr (kyso_pj_string (json_node_get_object (next), "value"), ==, "000.00.53.H48-220921-0099");

  status = kyso_igate_parse_dossier (kyso_pj_array_object (kyso_igate_list_items (search), 0));
  g_assert_cmpstr (status->code, ==, "000.00.53.H48-220921-0099");
  g_assert_cmpstr (status->procedure_id, ==, "6243fed45b82236f1d1c21d2");
  g_assert_cmpstr (status->procedure_name, ==, "Đăng ký thành lập hộ kinh doanh");
  g_assert_cmpstr (status->status, ==, "Mới đăng ký");
  g_assert_nonnull (status->due);
  submitted = g_date_time_format_iso8601 (status->submitted);
  g_assert_cmpstr (submitted, ==, "2022-09-21T02:15:00Z");
  g_assert_cmpuint (status->history->len, ==, 1);
}

static void
test_formats (void)
{
  g_autofree char *d1 = kyso_igate_date ("1994-10-24");
  g_autofree char *d2 = kyso_igate_date ("2000-01-01");
  g_autofree char *p1 = kyso_igate_phone ("0943087654");
  g_autofree char *p2 = kyso_igate_phone ("+84943087654");

  /* Midnight in Việt Nam (UTC+7), written in UTC with the portal's offset form. */
  g_assert_cmpstr (d1, ==, "1994-10-23T17:00:00.000+0000");
  g_assert_cmpstr (d2, ==, "1999-12-31T17:00:00.000+0000");
  g_assert_null (kyso_igate_date ("24/10/1994"));
  g_assert_null (kyso_igate_date ("1994-02-30"));
  g_assert_cmpstr (p1, ==, "+84943087654");
  g_assert_cmpstr (p2, ==, "+84943087654");
  g_assert_null (kyso_igate_phone ("943087654"));
  g_assert_null (kyso_igate_phone ("09430876"));
}

/* Compares two JSON values; on a difference, names the member path. */
static void
assert_same (JsonNode *want, JsonNode *got, const char *path)
{
  if (JSON_NODE_TYPE (want) != JSON_NODE_TYPE (got))
    g_error ("%s: %s expected, %s sent", path, json_node_type_name (want), json_node_type_name (got));
  if (JSON_NODE_HOLDS_OBJECT (want))
    {
      JsonObject *w = json_node_get_object (want), *g = json_node_get_object (got);
      g_autoptr (GList) wm = json_object_get_members (w);
      g_autoptr (GList) gm = json_object_get_members (g);

      for (GList *l = wm; l != NULL; l = l->next)
        {
          g_autofree char *sub = g_strconcat (path, ".", l->data, NULL);
          if (!json_object_has_member (g, l->data))
            g_error ("%s: missing from the body Kyso sends", sub);
          assert_same (json_object_get_member (w, l->data), json_object_get_member (g, l->data), sub);
        }
      for (GList *l = gm; l != NULL; l = l->next)
        if (!json_object_has_member (w, l->data))
          g_error ("%s.%s: sent, but REAL-SERVICES.md does not list it", path, (const char *)l->data);
    }
  else if (JSON_NODE_HOLDS_ARRAY (want))
    {
      JsonArray *w = json_node_get_array (want), *g = json_node_get_array (got);

      if (json_array_get_length (w) != json_array_get_length (g))
        g_error ("%s: %u entries expected, %u sent", path, json_array_get_length (w),
                 json_array_get_length (g));
      for (guint i = 0; i < json_array_get_length (w); i++)
        {
          g_autofree char *sub = g_strdup_printf ("%s[%u]", path, i);
          assert_same (json_array_get_element (w, i), json_array_get_element (g, i), sub);
        }
    }
  else if (!json_node_equal (want, got))
    {
      g_autofree char *ws = json_to_string (want, FALSE);
      g_autofree char *gs = json_to_string (got, FALSE);
      g_error ("%s: %s expected, %s sent", path, ws, gs);
    }
}

static void
test_apply_online_body (void)
{
  g_autoptr (KysoProcedure) p = procedure_from_fixtures ();
  g_autoptr (KysoDossier) d = kyso_dossier_new (p);
  g_autoptr (KysoApplicant) a = kyso_applicant_new ();
  g_autoptr (JsonNode) want = fixture ("apply-online.json");
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("kyso-contract-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (tmp, "giay-de-nghi.pdf", NULL);
  KysoDossierEntry *e;
  KysoIgateApplication app = {
    .code = "000.00.53.H48-220921-0099",
    .pattern_id = "62a5b245a21aef4ae8daef2b",
    .user_id = "62a9989a2466600857581c2d",
    .nation = { "5f39f4a95224cf235e134c5c", "Việt Nam" },
    .province = { "5def47c5f47614018c000051", "Tỉnh Quảng Ngãi" },
    .district = { "5def47c5f47614018c001522", "Thành phố Quảng Ngãi" },
    .ward = { "5def47c5f47614018c121025", "Phường Nguyễn Nghiêm" },
    .identity_agency = { "000050000191c4e1bd300049", "Công an Tỉnh Quảng Ngãi" },
    .receiving_kind = { "5f8968888fffa53e4c073ded", "Nhận trực tiếp" },
    .payment_method = { "5f7fca83b80e603d5300dcf4", "Trực tuyến" },
  };

  g_assert_true (g_file_set_contents (pdf, "%PDF-1.7\n%%EOF\n", -1, NULL));
  a->full_name = g_strdup ("Nguyễn Kim Hoàn");
  a->id_number = g_strdup ("212571363");
  a->id_issue_date = g_strdup ("2011-06-10");
  a->id_issue_place = g_strdup ("Công an Tỉnh Quảng Ngãi");
  a->birth_date = g_strdup ("1994-10-24");
  a->gender = KYSO_GENDER_MALE;
  a->province = g_strdup ("Quảng Ngãi");
  a->district = g_strdup ("Thành phố Quảng Ngãi");
  a->ward = g_strdup ("Phường Nguyễn Nghiêm");
  a->address = g_strdup ("28/16 Hùng Vương");
  a->phone = g_strdup ("0943087654");
  a->email = g_strdup ("hoan@example.vn");
  kyso_dossier_set_applicant (d, a);
  e = kyso_dossier_add_file (d, "pf-1", pdf, KYSO_COPY_KIND_ORIGINAL);
  e->uploaded = kyso_portal_file_new ("62e23d0aeaa3695e58271140", "giay-de-nghi.pdf", 16, NULL);

  body = kyso_igate_build_application (d, p, &app);
  assert_same (want, body, "body");

  /* A female applicant is 0, not -1 or "": the e-form's select. */
  kyso_dossier_get_applicant (d)->gender = KYSO_GENDER_FEMALE;
  g_clear_pointer (&body, json_node_unref);
  body = kyso_igate_build_application (d, p, &app);
  g_assert_cmpint (json_object_get_int_member (
                     json_object_get_object_member (
                       json_object_get_object_member (json_node_get_object (body), "applicant"), "data"),
                     "gender"),
                   ==, 0);

  g_unlink (pdf);
  g_rmdir (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/portal/contract/procedure", test_procedure);
  g_test_add_func ("/portal/contract/process-missing", test_process_missing);
  g_test_add_func ("/portal/contract/small-answers", test_small_answers);
  g_test_add_func ("/portal/contract/formats", test_formats);
  g_test_add_func ("/portal/contract/apply-online-body", test_apply_online_body);
  return g_test_run ();
}
