/* The iGate-shaped API of the sandbox portal (BASE/igate/): procedures, dossiers, tracking. Files and
 * their signing history are in kyso-sandbox-portal-files.c. Documented in README.md, "Portal". */

#include "kyso-sandbox-portal-private.h"

#include <string.h>

#define MB (1024 * 1024)

/* Procedures as a provincial portal lists them (names, codes and fees of the national database of
 * administrative procedures; agencies of a ward and a district of Quảng Ngãi). */
static const char procedures_json[] =
  "["
  "{\"id\":\"62f0a1c2e4b0a7d1c3e5f701\",\"code\":\"1.001193\",\"name\":\"Đăng ký khai sinh\","
  " \"sector\":{\"id\":\"ho-tich\",\"name\":\"Hộ tịch\"},"
  " \"agency\":[{\"id\":\"ubnd-tran-phu\",\"name\":\"UBND phường Trần Phú, thành phố Quảng Ngãi\"}],"
  " \"level\":4,"
  " \"processingTime\":{\"value\":1,\"unit\":\"day\",\"text\":\"Ngay trong ngày làm việc; nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo\"},"
  " \"fees\":[{\"name\":\"Lệ phí đăng ký khai sinh\",\"amount\":0,\"note\":\"Miễn lệ phí đăng ký khai sinh đúng hạn\"}],"
  " \"forms\":["
  "  {\"key\":\"to-khai-khai-sinh\",\"name\":\"Tờ khai đăng ký khai sinh (theo mẫu)\",\"original\":1,\"copy\":0,\"required\":true,"
  "   \"fileTypes\":[\"pdf\",\"doc\",\"docx\",\"jpg\"],\"maxSize\":20971520},"
  "  {\"key\":\"giay-chung-sinh\",\"name\":\"Giấy chứng sinh\",\"original\":1,\"copy\":0,\"required\":true,"
  "   \"fileTypes\":[\"pdf\",\"jpg\",\"png\"],\"maxSize\":20971520},"
  "  {\"key\":\"van-ban-uy-quyen\",\"name\":\"Văn bản ủy quyền (nếu nộp thay)\",\"original\":1,\"copy\":0,\"required\":false,"
  "   \"fileTypes\":[\"pdf\",\"doc\",\"docx\"],\"maxSize\":20971520}]},"
  "{\"id\":\"62f0a1c2e4b0a7d1c3e5f702\",\"code\":\"2.000720\",\"name\":\"Đăng ký thành lập hộ kinh doanh\","
  " \"sector\":{\"id\":\"ho-kinh-doanh\",\"name\":\"Thành lập và hoạt động của hộ kinh doanh\"},"
  " \"agency\":{\"id\":\"tckh-quang-ngai\",\"name\":\"Phòng Tài chính – Kế hoạch thành phố Quảng Ngãi\"},"
  " \"level\":4,"
  " \"processingTime\":{\"value\":3,\"unit\":\"day\",\"text\":\"03 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ\"},"
  " \"fees\":[{\"name\":\"Lệ phí đăng ký hộ kinh doanh\",\"amount\":100000,\"note\":null}],"
  " \"forms\":["
  "  {\"key\":\"giay-de-nghi\",\"name\":\"Giấy đề nghị đăng ký hộ kinh doanh\",\"original\":1,\"copy\":0,\"required\":true,"
  "   \"fileTypes\":[\"pdf\",\"doc\",\"docx\"],\"maxSize\":20971520},"
  "  {\"key\":\"giay-to-phap-ly\",\"name\":\"Bản sao giấy tờ pháp lý của cá nhân đối với các thành viên hộ gia đình đăng ký hộ kinh doanh\","
  "   \"original\":0,\"copy\":1,\"required\":true,\"fileTypes\":[\"pdf\",\"jpg\",\"png\"],\"maxSize\":20971520},"
  "  {\"key\":\"bien-ban-hop\",\"name\":\"Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh\",\"original\":1,\"copy\":0,"
  "   \"required\":false,\"fileTypes\":[\"pdf\",\"doc\",\"docx\"],\"maxSize\":20971520},"
  "  {\"key\":\"hop-dong-thue\",\"name\":\"Bản sao hợp đồng thuê địa điểm kinh doanh\",\"original\":0,\"copy\":1,\"required\":false,"
  "   \"fileTypes\":[\"pdf\",\"jpg\"],\"maxSize\":20971520}]},"
  "{\"id\":\"62f0a1c2e4b0a7d1c3e5f703\",\"code\":\"2.000635\",\"name\":\"Cấp bản sao trích lục hộ tịch\","
  " \"sector\":{\"id\":\"ho-tich\",\"name\":\"Hộ tịch\"},"
  " \"agency\":[{\"id\":\"ubnd-tran-phu\",\"name\":\"UBND phường Trần Phú, thành phố Quảng Ngãi\"}],"
  " \"level\":4,"
  " \"processingTime\":{\"value\":1,\"unit\":\"day\",\"text\":\"Ngay khi nhận yêu cầu; nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo\"},"
  " \"fees\":[{\"name\":\"Phí cấp bản sao trích lục hộ tịch\",\"amount\":8000,\"note\":\"8.000 đồng/bản sao\"}],"
  " \"forms\":["
  "  {\"key\":\"to-khai-trich-luc\",\"name\":\"Tờ khai cấp bản sao trích lục hộ tịch (theo mẫu)\",\"original\":1,\"copy\":0,\"required\":true,"
  "   \"fileTypes\":[\"pdf\",\"doc\",\"docx\",\"jpg\"],\"maxSize\":20971520},"
  "  {\"key\":\"van-ban-uy-quyen\",\"name\":\"Văn bản ủy quyền (nếu nộp thay)\",\"original\":1,\"copy\":0,\"required\":false,"
  "   \"fileTypes\":[\"pdf\",\"doc\",\"docx\"],\"maxSize\":20971520}]},"
  "{\"id\":\"62f0a1c2e4b0a7d1c3e5f704\",\"code\":\"1.009994\",\"name\":\"Cấp giấy phép xây dựng đối với nhà ở riêng lẻ\","
  " \"sector\":{\"id\":\"xay-dung\",\"name\":\"Hoạt động xây dựng\"},"
  " \"agency\":{\"id\":\"ubnd-tp-quang-ngai\",\"name\":\"UBND thành phố Quảng Ngãi\"},"
  " \"level\":4,"
  " \"processingTime\":{\"value\":15,\"unit\":\"day\",\"text\":\"15 ngày kể từ ngày nhận đủ hồ sơ hợp lệ\"},"
  " \"fees\":[{\"name\":\"Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ\",\"amount\":75000,\"note\":null}],"
  " \"forms\":["
  "  {\"key\":\"don-de-nghi\",\"name\":\"Đơn đề nghị cấp giấy phép xây dựng\",\"original\":1,\"copy\":0,\"required\":true,"
  "   \"fileTypes\":[\"pdf\",\"doc\",\"docx\"],\"maxSize\":20971520},"
  "  {\"key\":\"quyen-su-dung-dat\",\"name\":\"Bản sao giấy tờ chứng minh quyền sử dụng đất\",\"original\":0,\"copy\":1,\"required\":true,"
  "   \"fileTypes\":[\"pdf\",\"jpg\"],\"maxSize\":20971520},"
  "  {\"key\":\"ban-ve-thiet-ke\",\"name\":\"02 bộ bản vẽ thiết kế xây dựng\",\"original\":2,\"copy\":0,\"required\":true,"
  "   \"fileTypes\":[\"pdf\"],\"maxSize\":524288000}]}"
  "]";

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static JsonObject *
find_procedure (Portal *portal, const char *id)
{
  for (guint i = 0; i < portal->procedures->len; i++)
    {
      JsonObject *p = json_node_get_object (g_ptr_array_index (portal->procedures, i));
      if (g_strcmp0 (json_object_get_string_member (p, "id"), id) == 0)
        return p;
    }
  return NULL;
}

static guint
query_uint (GHashTable *query, const char *name, guint fallback, guint max)
{
  const char *v = query != NULL ? g_hash_table_lookup (query, name) : NULL;

  return v != NULL && *v != '\0' ? (guint) MIN (g_ascii_strtoull (v, NULL, 10), max) : fallback;
}

/* A Spring Data page, the way iGate answers lists. */
static JsonNode *
page_of (GPtrArray *items, guint page, guint size)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  guint total = items->len;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "content");
  json_builder_begin_array (b);
  for (guint i = page * size; i < total && i < (page + 1) * size; i++)
    json_builder_add_value (b, json_node_copy (g_ptr_array_index (items, i)));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "totalElements");
  json_builder_add_int_value (b, total);
  json_builder_set_member_name (b, "totalPages");
  json_builder_add_int_value (b, size > 0 ? (total + size - 1) / size : 0);
  json_builder_set_member_name (b, "number");
  json_builder_add_int_value (b, page);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, size);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Case- and accent-insensitive, as citizens type "khai sinh" for "Khai Sinh" or "khai sính". */
static char *
fold (const char *text)
{
  g_autofree char *nfd = g_utf8_normalize (text, -1, G_NORMALIZE_NFD);
  g_autoptr (GString) out = g_string_new (NULL);

  for (const char *p = nfd; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_combining_class (c) != 0)
        continue;
      if (c == 0x0111 || c == 0x0110) /* đ Đ */
        c = 'd';
      g_string_append_unichar (out, g_unichar_tolower (c));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
list_procedures (Portal *portal, SoupServerMessage *msg, GHashTable *query)
{
  const char *keyword = query != NULL ? g_hash_table_lookup (query, "keyword") : NULL;
  g_autofree char *folded = keyword != NULL && *keyword != '\0' ? fold (keyword) : NULL;
  g_autoptr (GPtrArray) items = g_ptr_array_new ();
  g_autoptr (JsonNode) page = NULL;

  for (guint i = 0; i < portal->procedures->len; i++)
    {
      JsonNode *node = g_ptr_array_index (portal->procedures, i);
      JsonObject *p = json_node_get_object (node);
      g_autofree char *name = fold (json_object_get_string_member (p, "name"));

      if (folded == NULL || strstr (name, folded) != NULL
          || strstr (json_object_get_string_member (p, "code"), folded) != NULL)
        g_ptr_array_add (items, node);
    }
  page = page_of (items, query_uint (query, "page", 0, 10000), query_uint (query, "size", 20, 500));
  kyso_sandbox_reply_json (portal->sb, msg, 200, page);
}

/* ---- dossiers ---- */

static char *
now_iso (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format_iso8601 (now);
}

void
portal_api_add_history (Portal *portal, JsonObject *dossier, const char *status, const char *note)
{
  JsonArray *history = json_object_get_array_member (dossier, "history");
  JsonObject *event = json_object_new ();
  JsonObject *st = json_object_new ();
  JsonObject *agency = json_object_get_object_member (dossier, "agency");
  g_autofree char *time = now_iso ();

  json_object_set_string_member (event, "time", time);
  json_object_set_string_member (event, "status", status);
  if (note != NULL)
    json_object_set_string_member (event, "note", note);
  else
    json_object_set_null_member (event, "note");
  json_object_set_string_member (event, "agency", json_object_get_string_member (agency, "name"));
  json_array_add_object_element (history, event);
  json_object_set_int_member (st, "id", json_array_get_length (history));
  json_object_set_string_member (st, "name", status);
  json_object_set_object_member (dossier, "dossierStatus", st);
}

static gboolean
digits (const char *s, gsize n)
{
  gsize i = 0;

  for (; s != NULL && s[i] != '\0'; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return s != NULL && i == n;
}

static const char *
get_str (JsonObject *obj, const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
           ? json_node_get_string (node) : NULL;
}

static JsonObject *
get_obj (JsonObject *obj, const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_arr (JsonObject *obj, const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
type_accepted (JsonObject *form, const char *filename)
{
  const char *dot = filename != NULL ? strrchr (filename, '.') : NULL;
  JsonArray *types = get_arr (form, "fileTypes");

  for (guint i = 0; dot != NULL && types != NULL && i < json_array_get_length (types); i++)
    if (g_ascii_strcasecmp (json_array_get_string_element (types, i), dot + 1) == 0)
      return TRUE;
  return FALSE;
}

/* Checks an application the way the portal does; NULL when fine, else what is wrong (Vietnamese,
 * as the portal would say it). */
static char *
check_application (Portal *portal, JsonObject *app, JsonObject *procedure, const char *owner)
{
  JsonObject *applicant = get_obj (app, "applicant");
  JsonArray *components = get_arr (app, "dossierComponent");
  JsonArray *forms = json_object_get_array_member (procedure, "forms");
  JsonNode *declaration = json_object_get_member (app, "declaration");
  static const char * const required[] = { "fullname", "identityNumber", "identityDate", "identityAgency",
                                           "birthday", "address", "phoneNumber", NULL };

  if (applicant == NULL)
    return g_strdup ("Thiếu thông tin người nộp hồ sơ");
  for (gsize i = 0; required[i] != NULL; i++)
    if (get_str (applicant, required[i]) == NULL || *get_str (applicant, required[i]) == '\0')
      return g_strdup_printf ("Thiếu thông tin người nộp: %s", required[i]);
  if (!digits (get_str (applicant, "identityNumber"), 12) && !digits (get_str (applicant, "identityNumber"), 9))
    return g_strdup ("Số CMND/CCCD không hợp lệ");
  if (declaration == NULL || !JSON_NODE_HOLDS_VALUE (declaration)
      || json_node_get_value_type (declaration) != G_TYPE_BOOLEAN || !json_node_get_boolean (declaration))
    return g_strdup ("Chưa xác nhận cam đoan về tính trung thực của thông tin");

  for (guint f = 0; f < json_array_get_length (forms); f++)
    {
      JsonObject *form = json_array_get_object_element (forms, f);
      const char *key = json_object_get_string_member (form, "key");
      guint n_files = 0;

      for (guint c = 0; components != NULL && c < json_array_get_length (components); c++)
        {
          JsonObject *component = json_array_get_object_element (components, c);
          JsonArray *files = get_arr (component, "file");

          if (component == NULL || g_strcmp0 (get_str (component, "key"), key) != 0)
            continue;
          for (guint i = 0; files != NULL && i < json_array_get_length (files); i++)
            {
              JsonObject *ref = json_array_get_object_element (files, i);
              PortalFile *file = portal_files_lookup (portal, get_str (ref, "id"), owner);

              if (file == NULL)
                return g_strdup_printf ("Tệp của thành phần “%s” không tồn tại", json_object_get_string_member (form, "name"));
              if (!type_accepted (form, file->name))
                return g_strdup_printf ("Định dạng tệp “%s” không được chấp nhận", file->name);
              if (file->size > (guint64) json_object_get_int_member (form, "maxSize"))
                return g_strdup_printf ("Tệp “%s” vượt quá dung lượng cho phép", file->name);
              n_files++;
            }
        }
      if (json_object_get_boolean_member (form, "required") && n_files == 0)
        return g_strdup_printf ("Thiếu thành phần hồ sơ: %s", json_object_get_string_member (form, "name"));
    }
  return NULL;
}

static char *
new_code (Portal *portal)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%y%m%d");

  /* The shape of iGate codes: agency code, date, sequence. H48 is Quảng Ngãi. */
  return g_strdup_printf ("000.00.20.H48-%s-%04u", day, ++portal->dossier_seq);
}

static void
apply_online (Portal *portal, SoupServerMessage *msg, KysoSandboxCitizen *citizen)
{
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Idempotency-Key");
  g_autofree char *idem = key != NULL ? g_strconcat (citizen->username, "\napply\n", key, NULL) : NULL;
  g_autoptr (JsonNode) app = kyso_sandbox_parse_request (msg, NULL);
  g_autoptr (JsonBuilder) b = NULL;
  g_autoptr (JsonNode) dossier_node = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *code = NULL;
  g_autofree char *applied = NULL;
  g_autofree char *due = NULL;
  JsonObject *obj, *procedure, *dossier;
  JsonArray *components;
  const char *previous;

  /* The same submission sent again (its answer was lost): the same dossier, not a second one. */
  if (idem != NULL && (previous = g_hash_table_lookup (portal->idempotency, idem)) != NULL)
    {
      kyso_sandbox_reply_json (portal->sb, msg, 200, g_hash_table_lookup (portal->dossiers, previous));
      return;
    }
  obj = app != NULL && JSON_NODE_HOLDS_OBJECT (app) ? json_node_get_object (app) : NULL;
  procedure = find_procedure (portal, get_str (get_obj (obj, "procedure"), "id"));
  if (procedure == NULL)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_request", "Thủ tục không tồn tại");
      return;
    }
  problem = check_application (portal, obj, procedure, citizen->username);
  if (problem != NULL)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_request", problem);
      return;
    }

  code = new_code (portal);
  applied = now_iso ();
  {
    g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr (GDateTime) then = g_date_time_add_days (now, MAX (1, json_object_get_int_member (
                                                         json_object_get_object_member (procedure, "processingTime"), "value")));
    due = g_date_time_format_iso8601 (then);
  }
  b = json_builder_new ();
  json_builder_begin_object (b);
  {
    g_autofree char *id = portal_random_id (12);
    add_string (b, "id", id);
  }
  add_string (b, "code", code);
  json_builder_set_member_name (b, "procedure");
  json_builder_begin_object (b);
  add_string (b, "id", json_object_get_string_member (procedure, "id"));
  add_string (b, "code", json_object_get_string_member (procedure, "code"));
  add_string (b, "name", json_object_get_string_member (procedure, "name"));
  json_builder_end_object (b);
  json_builder_set_member_name (b, "agency");
  {
    JsonNode *agency = json_object_get_member (procedure, "agency");
    json_builder_add_value (b, JSON_NODE_HOLDS_ARRAY (agency)
                                 ? json_node_copy (json_array_get_element (json_node_get_array (agency), 0))
                                 : json_node_copy (agency));
  }
  add_string (b, "applicantUsername", citizen->username);
  json_builder_set_member_name (b, "applicant");
  json_builder_add_value (b, json_node_copy (json_object_get_member (obj, "applicant")));
  add_string (b, "applyMethod", "online");
  add_string (b, "appliedDate", applied);
  add_string (b, "appointmentDate", due);
  json_builder_set_member_name (b, "fee");
  json_builder_add_value (b, json_node_copy (json_object_get_member (procedure, "fees")));
  json_builder_set_member_name (b, "dossierComponent");
  json_builder_add_value (b, json_node_copy (json_object_get_member (obj, "dossierComponent")));
  json_builder_set_member_name (b, "history");
  json_builder_begin_array (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  dossier_node = json_builder_get_root (b);
  dossier = json_node_get_object (dossier_node);
  portal_api_add_history (portal, dossier, "Mới đăng ký", "Hồ sơ nộp trực tuyến");

  /* Files of a submitted dossier are the dossier's now. */
  components = json_object_get_array_member (dossier, "dossierComponent");
  for (guint c = 0; c < json_array_get_length (components); c++)
    {
      JsonArray *files = get_arr (json_array_get_object_element (components, c), "file");
      for (guint i = 0; files != NULL && i < json_array_get_length (files); i++)
        {
          PortalFile *file = portal_files_lookup (portal, get_str (json_array_get_object_element (files, i), "id"),
                                                  citizen->username);
          if (file != NULL)
            file->attached = TRUE;
        }
    }

  g_hash_table_insert (portal->dossiers, g_strdup (code), json_node_ref (dossier_node));
  g_ptr_array_add (portal->dossier_order, g_strdup (code));
  if (idem != NULL)
    g_hash_table_insert (portal->idempotency, g_steal_pointer (&idem), g_strdup (code));
  kyso_sandbox_log (portal->sb, "portal: dossier %s submitted", code);
  kyso_sandbox_reply_json (portal->sb, msg, 200, dossier_node);
}

static void
search_dossiers (Portal *portal, SoupServerMessage *msg, GHashTable *query, KysoSandboxCitizen *citizen)
{
  const char *code = query != NULL ? g_hash_table_lookup (query, "code") : NULL;
  g_autoptr (GPtrArray) items = g_ptr_array_new ();
  g_autoptr (JsonNode) page = NULL;

  /* A citizen sees only the dossiers they submitted. */
  for (guint i = 0; i < portal->dossier_order->len; i++)
    {
      JsonNode *node = g_hash_table_lookup (portal->dossiers, g_ptr_array_index (portal->dossier_order, i));
      JsonObject *d = json_node_get_object (node);

      if (g_strcmp0 (json_object_get_string_member (d, "applicantUsername"), citizen->username) != 0)
        continue;
      if (code != NULL && *code != '\0' && g_strcmp0 (json_object_get_string_member (d, "code"), code) != 0)
        continue;
      g_ptr_array_add (items, node);
    }
  page = page_of (items, query_uint (query, "page", 0, 10000), query_uint (query, "size", 20, 500));
  kyso_sandbox_reply_json (portal->sb, msg, 200, page);
}

static void
api_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  Portal *portal = data;
  const char *rest = path + strlen (PORTAL_API);
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *kind = NULL;
  KysoSandboxCitizen *citizen;

  /* One fault kind per endpoint, e.g. "portal/bd/procedure" — ids are not part of it. */
  if (g_str_has_prefix (rest, "bd/procedure/--can-apply"))
    kind = g_strdup ("portal/procedures");
  else if (g_str_has_prefix (rest, "bd/procedure/"))
    kind = g_strdup ("portal/procedure");
  else if (g_str_has_prefix (rest, "pa/dossier/--apply-online"))
    kind = g_strdup ("portal/apply");
  else if (g_str_has_prefix (rest, "pa/dossier/search"))
    kind = g_strdup ("portal/search");
  else
    kind = g_strdup ("portal/other");

  if (!kyso_sandbox_begin (portal->sb, msg, kind))
    return;
  citizen = portal_authenticate (portal, msg, kind);
  if (citizen == NULL)
    return;

  if (g_str_equal (rest, "bd/procedure/--can-apply") && g_str_equal (method, "GET"))
    list_procedures (portal, msg, query);
  else if (g_str_has_prefix (rest, "bd/procedure/") && g_str_equal (method, "GET"))
    {
      JsonObject *p = find_procedure (portal, rest + strlen ("bd/procedure/"));
      if (p == NULL)
        kyso_sandbox_reply_error (portal->sb, msg, 404, "not_found", "Không tìm thấy thủ tục");
      else
        {
          g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), p);
          kyso_sandbox_reply_json (portal->sb, msg, 200, node);
        }
    }
  else if ((g_str_equal (rest, "pa/dossier/--apply-online/") || g_str_equal (rest, "pa/dossier/--apply-online"))
           && g_str_equal (method, "POST"))
    apply_online (portal, msg, citizen);
  else if (g_str_equal (rest, "pa/dossier/search") && g_str_equal (method, "GET"))
    search_dossiers (portal, msg, query, citizen);
  else
    kyso_sandbox_reply_error (portal->sb, msg, 404, "not_found", "Unknown endpoint");
}

void
portal_api_install (Portal *portal)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonArray *array;

  if (!json_parser_load_from_data (parser, procedures_json, -1, NULL))
    g_error ("kyso-sandbox: the portal's procedures do not parse");
  array = json_node_get_array (json_parser_get_root (parser));
  portal->procedures = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (portal->procedures, json_node_copy (json_array_get_element (array, i)));
  portal->dossiers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
  portal->dossier_order = g_ptr_array_new_with_free_func (g_free);
  kyso_sandbox_add_handler (portal->sb, PORTAL_API, api_handler, portal);
}
