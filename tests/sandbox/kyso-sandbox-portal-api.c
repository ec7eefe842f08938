/* The iGate-shaped API of the sandbox portal (BASE/igate/): procedures, dossiers, tracking. Files and
 * their signing history are in kyso-sandbox-portal-files.c. Documented in README.md, "Portal". */

#include "kyso-sandbox-portal-private.h"

#include <string.h>

#define MB (1024 * 1024)

/* Procedures as a provincial portal lists them (names, codes and fees of the national database of
 * administrative procedures; agencies of a ward and a district of Quảng Ngãi). */
/* Procedures as a provincial portal lists them (names, codes and fees of the national database of
 * administrative procedures; agencies of a ward and a district of Quảng Ngãi), each with what
 * bd/procedure-form ("_forms"), bd/procost/--for-online ("_fees") and
 * bd/procedure-process-definition ("_process") give for it. */
static const char procedures_json[]
  = "[{\"id\": \"62f0a1c2e4b0a7d1c3e5f701\", \"code\": \"1.001193.000.00.00.H48\", \"nationCode\": "
    "\"1.001193\", \"nam"
    "e\": \"Đăng ký khai sinh\", \"sector\": {\"id\": \"ho-tich\", \"code\": \"HT\", \"name\": \"Hộ tịch\"}, "
    "\"agency\": [{\""
    "id\": \"ubnd-tran-phu\", \"code\": \"000.00.20.H48\", \"name\": \"UBND phường Trần Phú, thành phố Quảng "
    "Ngãi\"}"
    "], \"level\": {\"id\": \"level-4\", \"name\": \"Mức độ 4\"}, \"_fees\": [{\"id\": \"fee-701\", "
    "\"type\": {\"id\": \"le-ph"
    "i\", \"name\": \"Lệ phí đăng ký khai sinh\"}, \"cost\": 0, \"description\": \"Miễn lệ phí đăng ký khai "
    "sinh đú"
    "ng hạn\"}], \"_forms\": [{\"id\": \"to-khai-khai-sinh\", \"form\": {\"id\": \"form-to-khai-khai-sinh\", "
    "\"name\": \""
    "Tờ khai đăng ký khai sinh (theo mẫu)\"}, \"case\": {\"id\": \"case-to-khai-khai-sinh\"}, \"detail\": "
    "[{\"type\""
    ": {\"id\": \"5f642cfb4e1bd312a6f3ae31\", \"name\": \"Bản chính\"}, \"quantity\": 1}], \"order\": 1, "
    "\"requirement"
    "\": true, \"fileTypes\": [\"pdf\", \"doc\", \"docx\", \"jpg\"], \"maxSize\": 20971520}, {\"id\": "
    "\"giay-chung-sinh\","
    " \"form\": {\"id\": \"form-giay-chung-sinh\", \"name\": \"Giấy chứng sinh\"}, \"case\": {\"id\": "
    "\"case-giay-chung-"
    "sinh\"}, \"detail\": [{\"type\": {\"id\": \"5f642cfb4e1bd312a6f3ae31\", \"name\": \"Bản chính\"}, "
    "\"quantity\": 1}]"
    ", \"order\": 2, \"requirement\": true, \"fileTypes\": [\"pdf\", \"jpg\", \"png\"], \"maxSize\": "
    "20971520}, {\"id\": "
    "\"van-ban-uy-quyen\", \"form\": {\"id\": \"form-van-ban-uy-quyen\", \"name\": \"Văn bản ủy quyền (nếu "
    "nộp thay)"
    "\"}, \"case\": {\"id\": \"case-van-ban-uy-quyen\"}, \"detail\": [{\"type\": {\"id\": "
    "\"5f642cfb4e1bd312a6f3ae31\", "
    "\"name\": \"Bản chính\"}, \"quantity\": 1}], \"order\": 3, \"requirement\": false, \"fileTypes\": "
    "[\"pdf\", \"doc\","
    " \"docx\"], \"maxSize\": 20971520}], \"_process\": {\"id\": \"ppd-701\", \"processDefinition\": "
    "{\"id\": \"ppd-701-"
    "def\", \"name\": \"Quy trình Đăng ký khai sinh - 1 ngày làm việc\", \"processingTime\": 1, "
    "\"processingTimeU"
    "nit\": \"d\", \"applicantEForm\": {\"id\": \"60d990f88e6893001e5a7b42\", \"name\": \"HCC Mẫu nhập thông "
    "tin\"}, \""
    "eForm\": {\"id\": \"60da89698e6893001e5a7b48\", \"name\": \"HCC Ghi chú\"}}}}, {\"id\": "
    "\"62f0a1c2e4b0a7d1c3e5f7"
    "02\", \"code\": \"2.000720.000.00.00.H48\", \"nationCode\": \"2.000720\", \"name\": \"Đăng ký thành lập "
    "hộ kinh "
    "doanh\", \"sector\": {\"id\": \"ho-kinh-doanh\", \"code\": \"HKD\", \"name\": \"Thành lập và hoạt động "
    "của hộ kinh"
    " doanh\"}, \"agency\": [{\"id\": \"tckh-quang-ngai\", \"code\": \"000.21.20.H48\", \"name\": \"Phòng "
    "Tài chính – K"
    "ế hoạch thành phố Quảng Ngãi\"}], \"level\": {\"id\": \"level-4\", \"name\": \"Mức độ 4\"}, \"_fees\": "
    "[{\"id\": \"f"
    "ee-702\", \"type\": {\"id\": \"le-phi\", \"name\": \"Lệ phí đăng ký hộ kinh doanh\"}, \"cost\": 100000, "
    "\"descript"
    "ion\": null}], \"_forms\": [{\"id\": \"giay-de-nghi\", \"form\": {\"id\": \"form-giay-de-nghi\", "
    "\"name\": \"Giấy đề"
    " nghị đăng ký hộ kinh doanh\"}, \"case\": {\"id\": \"case-giay-de-nghi\"}, \"detail\": [{\"type\": "
    "{\"id\": \"5f64"
    "2cfb4e1bd312a6f3ae31\", \"name\": \"Bản chính\"}, \"quantity\": 1}], \"order\": 1, \"requirement\": "
    "true, \"file"
    "Types\": [\"pdf\", \"doc\", \"docx\"], \"maxSize\": 20971520}, {\"id\": \"giay-to-phap-ly\", \"form\": "
    "{\"id\": \"form"
    "-giay-to-phap-ly\", \"name\": \"Bản sao giấy tờ pháp lý của cá nhân đối với các thành viên hộ gia đình đ"
    "ăng ký hộ kinh doanh\"}, \"case\": {\"id\": \"case-giay-to-phap-ly\"}, \"detail\": [{\"type\": {\"id\": "
    "\"5f642cfb"
    "4e1bd312a6f3ae32\", \"name\": \"Bản sao\"}, \"quantity\": 1}], \"order\": 2, \"requirement\": true, "
    "\"fileTypes\""
    ": [\"pdf\", \"jpg\", \"png\"], \"maxSize\": 20971520}, {\"id\": \"bien-ban-hop\", \"form\": {\"id\": "
    "\"form-bien-ban-"
    "hop\", \"name\": \"Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh\"}, \"case\": "
    "{\"id\":"
    " \"case-bien-ban-hop\"}, \"detail\": [{\"type\": {\"id\": \"5f642cfb4e1bd312a6f3ae31\", \"name\": \"Bản "
    "chính\"}, "
    "\"quantity\": 1}], \"order\": 3, \"requirement\": false, \"fileTypes\": [\"pdf\", \"doc\", \"docx\"], "
    "\"maxSize\": 2"
    "0971520}, {\"id\": \"hop-dong-thue\", \"form\": {\"id\": \"form-hop-dong-thue\", \"name\": \"Bản sao "
    "hợp đồng thu"
    "ê địa điểm kinh doanh\"}, \"case\": {\"id\": \"case-hop-dong-thue\"}, \"detail\": [{\"type\": {\"id\": "
    "\"5f642cfb4"
    "e1bd312a6f3ae32\", \"name\": \"Bản sao\"}, \"quantity\": 1}], \"order\": 4, \"requirement\": false, "
    "\"fileTypes\""
    ": [\"pdf\", \"jpg\"], \"maxSize\": 20971520}], \"_process\": {\"id\": \"ppd-702\", "
    "\"processDefinition\": {\"id\": \""
    "ppd-702-def\", \"name\": \"Quy trình Đăng ký thành lập hộ kinh doanh - 3 ngày làm việc\", "
    "\"processingTime"
    "\": 3, \"processingTimeUnit\": \"d\", \"applicantEForm\": {\"id\": \"60d990f88e6893001e5a7b42\", "
    "\"name\": \"HCC M"
    "ẫu nhập thông tin\"}, \"eForm\": {\"id\": \"60da89698e6893001e5a7b48\", \"name\": \"HCC Ghi chú\"}}}}, "
    "{\"id\": \""
    "62f0a1c2e4b0a7d1c3e5f703\", \"code\": \"2.000635.000.00.00.H48\", \"nationCode\": \"2.000635\", "
    "\"name\": \"Cấp "
    "bản sao trích lục hộ tịch\", \"sector\": {\"id\": \"ho-tich\", \"code\": \"HT\", \"name\": \"Hộ "
    "tịch\"}, \"agency\": "
    "[{\"id\": \"ubnd-tran-phu\", \"code\": \"000.00.20.H48\", \"name\": \"UBND phường Trần Phú, thành phố "
    "Quảng Ngã"
    "i\"}], \"level\": {\"id\": \"level-4\", \"name\": \"Mức độ 4\"}, \"_fees\": [{\"id\": \"fee-703\", "
    "\"type\": {\"id\": \"ph"
    "i\", \"name\": \"Phí cấp bản sao trích lục hộ tịch\"}, \"cost\": 8000, \"description\": \"8.000 "
    "đồng/bản sao\"}"
    "], \"_forms\": [{\"id\": \"to-khai-trich-luc\", \"form\": {\"id\": \"form-to-khai-trich-luc\", "
    "\"name\": \"Tờ khai "
    "cấp bản sao trích lục hộ tịch (theo mẫu)\"}, \"case\": {\"id\": \"case-to-khai-trich-luc\"}, "
    "\"detail\": [{\"t"
    "ype\": {\"id\": \"5f642cfb4e1bd312a6f3ae31\", \"name\": \"Bản chính\"}, \"quantity\": 1}], \"order\": "
    "1, \"require"
    "ment\": true, \"fileTypes\": [\"pdf\", \"doc\", \"docx\", \"jpg\"], \"maxSize\": 20971520}, {\"id\": "
    "\"van-ban-uy-qu"
    "yen\", \"form\": {\"id\": \"form-van-ban-uy-quyen\", \"name\": \"Văn bản ủy quyền (nếu nộp thay)\"}, "
    "\"case\": {\""
    "id\": \"case-van-ban-uy-quyen\"}, \"detail\": [{\"type\": {\"id\": \"5f642cfb4e1bd312a6f3ae31\", "
    "\"name\": \"Bản c"
    "hính\"}, \"quantity\": 1}], \"order\": 2, \"requirement\": false, \"fileTypes\": [\"pdf\", \"doc\", "
    "\"docx\"], \"max"
    "Size\": 20971520}], \"_process\": {\"id\": \"ppd-703\", \"processDefinition\": {\"id\": "
    "\"ppd-703-def\", \"name\": "
    "\"Quy trình Cấp bản sao trích lục hộ tịch - 1 ngày làm việc\", \"processingTime\": 1, "
    "\"processingTimeUni"
    "t\": \"d\", \"applicantEForm\": {\"id\": \"60d990f88e6893001e5a7b42\", \"name\": \"HCC Mẫu nhập thông "
    "tin\"}, \"eF"
    "orm\": {\"id\": \"60da89698e6893001e5a7b48\", \"name\": \"HCC Ghi chú\"}}}}, {\"id\": "
    "\"62f0a1c2e4b0a7d1c3e5f704"
    "\", \"code\": \"1.009994.000.00.00.H48\", \"nationCode\": \"1.009994\", \"name\": \"Cấp giấy phép xây "
    "dựng đối v"
    "ới nhà ở riêng lẻ\", \"sector\": {\"id\": \"xay-dung\", \"code\": \"XD\", \"name\": \"Hoạt động xây "
    "dựng\"}, \"agenc"
    "y\": [{\"id\": \"ubnd-tp-quang-ngai\", \"code\": \"000.22.20.H48\", \"name\": \"UBND thành phố Quảng "
    "Ngãi\"}], \"l"
    "evel\": {\"id\": \"level-4\", \"name\": \"Mức độ 4\"}, \"_fees\": [{\"id\": \"fee-704\", \"type\": "
    "{\"id\": \"le-phi\", \""
    "name\": \"Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ\"}, \"cost\": 75000, \"description\": null}], "
    "\"_form"
    "s\": [{\"id\": \"don-de-nghi\", \"form\": {\"id\": \"form-don-de-nghi\", \"name\": \"Đơn đề nghị cấp "
    "giấy phép xây"
    " dựng\"}, \"case\": {\"id\": \"case-don-de-nghi\"}, \"detail\": [{\"type\": {\"id\": "
    "\"5f642cfb4e1bd312a6f3ae31\", "
    "\"name\": \"Bản chính\"}, \"quantity\": 1}], \"order\": 1, \"requirement\": true, \"fileTypes\": "
    "[\"pdf\", \"doc\", "
    "\"docx\"], \"maxSize\": 20971520}, {\"id\": \"quyen-su-dung-dat\", \"form\": {\"id\": "
    "\"form-quyen-su-dung-dat\", "
    "\"name\": \"Bản sao giấy tờ chứng minh quyền sử dụng đất\"}, \"case\": {\"id\": "
    "\"case-quyen-su-dung-dat\"}, \""
    "detail\": [{\"type\": {\"id\": \"5f642cfb4e1bd312a6f3ae32\", \"name\": \"Bản sao\"}, \"quantity\": 1}], "
    "\"order\": "
    "2, \"requirement\": true, \"fileTypes\": [\"pdf\", \"jpg\"], \"maxSize\": 20971520}, {\"id\": "
    "\"ban-ve-thiet-ke\","
    " \"form\": {\"id\": \"form-ban-ve-thiet-ke\", \"name\": \"02 bộ bản vẽ thiết kế xây dựng\"}, \"case\": "
    "{\"id\": \"c"
    "ase-ban-ve-thiet-ke\"}, \"detail\": [{\"type\": {\"id\": \"5f642cfb4e1bd312a6f3ae31\", \"name\": \"Bản "
    "chính\"}, "
    "\"quantity\": 2}], \"order\": 3, \"requirement\": true, \"fileTypes\": [\"pdf\"], \"maxSize\": "
    "524288000}], \"_pr"
    "ocess\": {\"id\": \"ppd-704\", \"processDefinition\": {\"id\": \"ppd-704-def\", \"name\": \"Quy trình "
    "Cấp giấy phé"
    "p xây dựng đối với nhà ở riêng lẻ - 15 ngày làm việc\", \"processingTime\": 15, \"processingTimeUnit\": "
    "\""
    "d\", \"applicantEForm\": {\"id\": \"60d990f88e6893001e5a7b42\", \"name\": \"HCC Mẫu nhập thông tin\"}, "
    "\"eForm\":"
    " {\"id\": \"60da89698e6893001e5a7b48\", \"name\": \"HCC Ghi chú\"}}}}]";

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

  return v != NULL && *v != '\0' ? (guint)MIN (g_ascii_strtoull (v, NULL, 10), max) : fallback;
}

/* A Spring Data page, the way iGate answers lists. */
JsonNode *
portal_page_of (GPtrArray *items, guint page, guint size)
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

/* What the API shows of a procedure (bd/procedure/{id}): the members without "_". */
static JsonNode *
public_procedure (JsonObject *p)
{
  JsonObject *out = json_object_new ();
  g_autoptr (GList) members = json_object_get_members (p);

  for (GList *l = members; l != NULL; l = l->next)
    if (((const char *)l->data)[0] != '_')
      json_object_set_member (out, l->data, json_node_copy (json_object_get_member (p, l->data)));
  return json_node_init_object (json_node_alloc (), out);
}

static void
list_procedures (Portal *portal, SoupServerMessage *msg, GHashTable *query)
{
  const char *keyword = query != NULL ? g_hash_table_lookup (query, "keyword") : NULL;
  g_autofree char *folded = keyword != NULL && *keyword != '\0' ? fold (keyword) : NULL;
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr (JsonNode) page = NULL;

  for (guint i = 0; i < portal->procedures->len; i++)
    {
      JsonObject *p = json_node_get_object (g_ptr_array_index (portal->procedures, i));
      g_autofree char *name = fold (json_object_get_string_member (p, "name"));

      if (folded == NULL || strstr (name, folded) != NULL
          || strstr (json_object_get_string_member (p, "nationCode"), folded) != NULL)
        g_ptr_array_add (items, public_procedure (p));
    }
  page = portal_page_of (items, query_uint (query, "page", 0, 10000), query_uint (query, "size", 20, 500));
  kyso_sandbox_reply_json (portal->sb, msg, 200, page);
}

/* ---- places: ba/place/--search ----
 * The nation and place-type ids are those of the public iGate clients (REAL-SERVICES.md S7, S8),
 * as are the ids of Tỉnh Quảng Ngãi, Thành phố Quảng Ngãi and Phường Nguyễn Nghiêm; the others are
 * the sandbox's own. */

#define NATION_VN "5f39f4a95224cf235e134c5c"
#define TYPE_PROVINCE "5ee304423167922ac55bea01"
#define TYPE_DISTRICT "5ee304423167922ac55bea02"
#define TYPE_WARD "5ee304423167922ac55bea03"

typedef struct
{
  const char *id;
  const char *name;
  const char *type;
  const char *parent;
} Place;

static const Place places[] = {
  { "5def47c5f47614018c000051", "Tỉnh Quảng Ngãi", TYPE_PROVINCE, NULL },
  { "5def47c5f47614018c000048", "Thành phố Đà Nẵng", TYPE_PROVINCE, NULL },
  { "5def47c5f47614018c000001", "Thành phố Hà Nội", TYPE_PROVINCE, NULL },
  { "5def47c5f47614018c001522", "Thành phố Quảng Ngãi", TYPE_DISTRICT, "5def47c5f47614018c000051" },
  { "sandbox-place-binh-son", "Huyện Bình Sơn", TYPE_DISTRICT, "5def47c5f47614018c000051" },
  { "sandbox-place-hai-chau", "Quận Hải Châu", TYPE_DISTRICT, "5def47c5f47614018c000048" },
  { "sandbox-place-ba-dinh", "Quận Ba Đình", TYPE_DISTRICT, "5def47c5f47614018c000001" },
  { "5def47c5f47614018c121025", "Phường Nguyễn Nghiêm", TYPE_WARD, "5def47c5f47614018c001522" },
  { "sandbox-place-tran-phu", "Phường Trần Phú", TYPE_WARD, "5def47c5f47614018c001522" },
  { "sandbox-place-le-hong-phong", "Phường Lê Hồng Phong", TYPE_WARD, "5def47c5f47614018c001522" },
  { "sandbox-place-chau-o", "Thị trấn Châu Ổ", TYPE_WARD, "sandbox-place-binh-son" },
  { "sandbox-place-binh-thuan", "Xã Bình Thuận", TYPE_WARD, "sandbox-place-binh-son" },
  { "sandbox-place-thach-thang", "Phường Thạch Thang", TYPE_WARD, "sandbox-place-hai-chau" },
  { "sandbox-place-phuc-xa", "Phường Phúc Xá", TYPE_WARD, "sandbox-place-ba-dinh" },
};

static const Place *
find_place (const char *id)
{
  for (gsize i = 0; id != NULL && i < G_N_ELEMENTS (places); i++)
    if (strcmp (places[i].id, id) == 0)
      return &places[i];
  return NULL;
}

static void
search_places (Portal *portal, SoupServerMessage *msg, GHashTable *query)
{
  const char *nation = query != NULL ? g_hash_table_lookup (query, "nation-id") : NULL;
  const char *type = query != NULL ? g_hash_table_lookup (query, "parent-type-id") : NULL;
  const char *parent = query != NULL ? g_hash_table_lookup (query, "parent-id") : NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  if (g_strcmp0 (nation, NATION_VN) != 0 || type == NULL)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_request",
                                "Thiếu nation-id hoặc parent-type-id");
      return;
    }
  /* A plain array of {id, name}, as the public clients read it. */
  json_builder_begin_array (b);
  for (gsize i = 0; i < G_N_ELEMENTS (places); i++)
    if (strcmp (places[i].type, type) == 0
        && (parent == NULL || *parent == '\0' ? places[i].parent == NULL
                                              : g_strcmp0 (places[i].parent, parent) == 0))
      {
        json_builder_begin_object (b);
        add_string (b, "id", places[i].id);
        add_string (b, "name", places[i].name);
        json_builder_end_object (b);
      }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  kyso_sandbox_reply_json (portal->sb, msg, 200, root);
}

/* ---- catalogue ---- */

static void
reply_member_list (Portal *portal, SoupServerMessage *msg, GHashTable *query, const char *member,
                   gboolean page)
{
  JsonObject *p = find_procedure (portal, query != NULL ? g_hash_table_lookup (query, "procedure-id") : NULL);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr (JsonNode) answer = NULL;
  JsonNode *node;

  if (p == NULL)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_request", "Thủ tục không tồn tại");
      return;
    }
  node = json_object_get_member (p, member);
  if (JSON_NODE_HOLDS_ARRAY (node))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
      g_ptr_array_add (items, json_node_copy (json_array_get_element (json_node_get_array (node), i)));
  else
    g_ptr_array_add (items, json_node_copy (node));
  if (page)
    answer
      = portal_page_of (items, query_uint (query, "page", 0, 10000), query_uint (query, "size", 20, 1000));
  else
    {
      JsonArray *array = json_array_new ();
      for (guint i = 0; i < items->len; i++)
        json_array_add_element (array, json_node_copy (g_ptr_array_index (items, i)));
      answer = json_node_init_array (json_node_alloc (), array);
      json_array_unref (array);
    }
  kyso_sandbox_reply_json (portal->sb, msg, 200, answer);
}

static const char *
agency_id_of (JsonObject *procedure)
{
  JsonArray *agencies = json_object_get_array_member (procedure, "agency");
  return json_object_get_string_member (json_array_get_object_element (agencies, 0), "id");
}

static void
get_pattern (Portal *portal, SoupServerMessage *msg, GHashTable *query)
{
  JsonObject *p = find_procedure (portal, query != NULL ? g_hash_table_lookup (query, "procedure-id") : NULL);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *id = NULL;

  if (p == NULL || g_strcmp0 (g_hash_table_lookup (query, "agency-id"), agency_id_of (p)) != 0)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_request",
                                "Không có mẫu mã hồ sơ cho thủ tục và cơ quan này");
      return;
    }
  /* One pattern per agency. */
  id = g_strconcat ("pattern-", agency_id_of (p), NULL);
  json_builder_begin_object (b);
  add_string (b, "id", id);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  kyso_sandbox_reply_json (portal->sb, msg, 200, root);
}

static void
next_value (Portal *portal, SoupServerMessage *msg, const char *pattern, GHashTable *query)
{
  const char *code = query != NULL ? g_hash_table_lookup (query, "code") : NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%y%m%d");
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  JsonObject *procedure = NULL;
  g_autofree char *value = NULL;
  guint seq;

  for (guint i = 0; i < portal->procedures->len && code != NULL; i++)
    {
      JsonObject *p = json_node_get_object (g_ptr_array_index (portal->procedures, i));
      if (g_strcmp0 (json_object_get_string_member (p, "code"), code) == 0)
        procedure = p;
    }
  if (!g_str_has_prefix (pattern, "pattern-") || procedure == NULL
      || strcmp (pattern + strlen ("pattern-"), agency_id_of (procedure)) != 0)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_request",
                                "Mẫu mã hồ sơ hoặc mã thủ tục không đúng");
      return;
    }
  seq = GPOINTER_TO_UINT (g_hash_table_lookup (portal->patterns, pattern)) + 1;
  g_hash_table_insert (portal->patterns, g_strdup (pattern), GUINT_TO_POINTER (seq));
  /* The shape of iGate codes: the agency's code, the date (YYMMDD), a sequence. */
  {
    JsonObject *agency
      = json_array_get_object_element (json_object_get_array_member (procedure, "agency"), 0);
    value = g_strdup_printf ("%s-%s-%04u", json_object_get_string_member (agency, "code"), day, seq);
  }
  g_hash_table_insert (portal->codes_given, g_strdup (value), g_strdup (pattern));
  json_builder_begin_object (b);
  add_string (b, "value", value);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  kyso_sandbox_reply_json (portal->sb, msg, 200, root);
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
  JsonObject *st = json_object_new ();
  guint step = (guint)json_object_get_int_member_with_default (dossier, "_steps", 0) + 1;

  json_object_set_int_member (dossier, "_steps", step);
  json_object_set_int_member (st, "id", step);
  json_object_set_string_member (st, "name", status);
  json_object_set_object_member (dossier, "dossierStatus", st);
  if (g_str_has_prefix (status, "Đã trả kết quả") || g_str_has_prefix (status, "Hoàn thành"))
    {
      g_autofree char *time = now_iso ();
      json_object_set_string_member (dossier, "completedDate", time);
    }
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
           ? json_node_get_string (node)
           : NULL;
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

static gint64
get_int (JsonObject *obj, const char *member, gint64 fallback)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
           ? json_node_get_int (node)
           : fallback;
}

/* The portal's date form: "1994-10-23T17:00:00.000+0000" (ISO 8601 with an offset). */
static gboolean
portal_date_ok (const char *s)
{
  return s != NULL
         && g_regex_match_simple ("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{3})?[+-]\\d{4}$", s, 0,
                                  0);
}

/* {"label": name, "value": id} of a place of @type under @parent. */
static const char *
check_place (JsonObject *data, const char *member, const char *type, const char *parent, const char **out_id)
{
  JsonObject *place = get_obj (data, member);
  const Place *p = find_place (get_str (place, "value"));

  if (p == NULL || strcmp (p->type, type) != 0 || g_strcmp0 (p->parent, parent) != 0
      || g_strcmp0 (get_str (place, "label"), p->name) != 0)
    return member;
  *out_id = p->id;
  return NULL;
}

static const char *const identity_agencies[]
  = { "sandbox-agency-c06", "sandbox-agency-bca", "000050000191c4e1bd300049", NULL };

/* Checks an application field by field against REAL-SERVICES.md §5 and the portal's own data;
 * NULL when fine, else what is wrong (Vietnamese, as the portal would say it). */
static char *
check_application (Portal *portal, JsonObject *app, JsonObject *procedure, KysoSandboxCitizen *citizen,
                   const char **out_code)
{
  JsonObject *pattern = get_obj (app, "codePattern");
  JsonObject *proc = get_obj (app, "procedure");
  JsonObject *applicant = get_obj (app, "applicant");
  JsonObject *data = get_obj (applicant, "data");
  JsonObject *agency = get_obj (data, "identityAgency");
  JsonObject *process = json_object_get_object_member (procedure, "_process");
  JsonObject *definition = json_object_get_object_member (process, "processDefinition");
  JsonArray *forms = json_object_get_array_member (procedure, "_forms");
  JsonArray *form_files = get_arr (app, "dossierFormFile");
  JsonArray *translate = get_arr (proc, "translate");
  g_autofree char *user_id = portal_user_id (citizen->username);
  const char *code = get_str (app, "code");
  const char *given, *bad, *province = NULL, *district = NULL, *ward = NULL, *nation = NULL;
  static const char *const required[] = { "fullname", "ownerFullname", "identityNumber", "address", NULL };

  given = code != NULL ? g_hash_table_lookup (portal->codes_given, code) : NULL;
  if (given == NULL || g_strcmp0 (get_str (pattern, "id"), given) != 0)
    return g_strdup ("Mã hồ sơ không hợp lệ (lấy từ bt/pattern/…/--get-next-value)");
  if (g_strcmp0 (get_str (proc, "code"), json_object_get_string_member (procedure, "code")) != 0
      || translate == NULL || get_int (json_array_get_object_element (translate, 0), "languageId", 0) != 228
      || g_strcmp0 (get_str (json_array_get_object_element (translate, 0), "name"),
                    json_object_get_string_member (procedure, "name"))
           != 0
      || g_strcmp0 (get_str (get_obj (proc, "sector"), "id"),
                    json_object_get_string_member (json_object_get_object_member (procedure, "sector"), "id"))
           != 0)
    return g_strdup ("Thông tin thủ tục không đúng");
  if (g_strcmp0 (get_str (applicant, "userId"), user_id) != 0)
    return g_strdup ("applicant.userId không phải người dùng đăng nhập");
  if (g_strcmp0 (
        get_str (applicant, "eformId"),
        json_object_get_string_member (json_object_get_object_member (definition, "applicantEForm"), "id"))
      != 0)
    return g_strdup ("applicant.eformId không đúng biểu mẫu của quy trình");
  if (data == NULL)
    return g_strdup ("Thiếu thông tin người nộp hồ sơ");
  for (gsize i = 0; required[i] != NULL; i++)
    if (get_str (data, required[i]) == NULL || *get_str (data, required[i]) == '\0')
      return g_strdup_printf ("Thiếu thông tin người nộp: %s", required[i]);
  if (!digits (get_str (data, "identityNumber"), 12) && !digits (get_str (data, "identityNumber"), 9))
    return g_strdup ("Số CMND/CCCD không hợp lệ");
  if (!portal_date_ok (get_str (data, "birthday")) || !portal_date_ok (get_str (data, "identityDate")))
    return g_strdup ("Ngày sinh hoặc ngày cấp không đúng định dạng");
  if (get_int (data, "gender", -1) != 0 && get_int (data, "gender", -1) != 1)
    return g_strdup ("Giới tính không hợp lệ (1 nam, 0 nữ)");
  if (agency == NULL || get_str (agency, "name") == NULL
      || !g_strv_contains (identity_agencies, get_str (agency, "id") != NULL ? get_str (agency, "id") : ""))
    return g_strdup ("Nơi cấp không hợp lệ");
  if (!g_regex_match_simple ("^\\+84\\d{9}$",
                             get_str (data, "phoneNumber") ? get_str (data, "phoneNumber") : "", 0, 0))
    return g_strdup ("Số điện thoại phải có dạng +84…");
  if (get_str (data, "email") == NULL || get_str (data, "note") == NULL)
    return g_strdup ("Thiếu email hoặc ghi chú");
  if (g_strcmp0 (get_str (get_obj (data, "nation"), "value"), NATION_VN) != 0
      || g_strcmp0 (get_str (get_obj (data, "nation"), "label"), "Việt Nam") != 0)
    return g_strdup ("Quốc gia không hợp lệ");
  (void)nation;
  if ((bad = check_place (data, "province", TYPE_PROVINCE, NULL, &province)) != NULL
      || (bad = check_place (data, "district", TYPE_DISTRICT, province, &district)) != NULL
      || (bad = check_place (data, "village", TYPE_WARD, district, &ward)) != NULL)
    return g_strdup_printf ("Địa bàn không hợp lệ: %s", bad);
  if (g_strcmp0 (get_str (get_obj (app, "eForm"), "id"),
                 json_object_get_string_member (json_object_get_object_member (definition, "eForm"), "id"))
        != 0
      || get_obj (get_obj (app, "eForm"), "data") == NULL)
    return g_strdup ("eForm không đúng");
  if (get_arr (app, "dossierFee") == NULL)
    return g_strdup ("Thiếu dossierFee");
  if (g_strcmp0 (get_str (get_obj (app, "dossierReceivingKind"), "id"), "5f8968888fffa53e4c073ded") != 0)
    return g_strdup ("Hình thức nhận kết quả không hợp lệ");
  if (g_strcmp0 (get_str (get_obj (app, "paymentMethod"), "id"), "5f7fca83b80e603d5300dcf4") != 0
      || get_str (get_obj (app, "paymentMethod"), "name") == NULL)
    return g_strdup ("Phương thức thanh toán không hợp lệ");
  if (g_strcmp0 (get_str (get_obj (app, "agency"), "id"), agency_id_of (procedure)) != 0)
    return g_strdup ("Cơ quan tiếp nhận không đúng");
  if (g_strcmp0 (get_str (get_obj (app, "procedureProcessDefinition"), "id"),
                 json_object_get_string_member (process, "id"))
      != 0)
    return g_strdup ("Quy trình không đúng");
  if (get_int (app, "dossierStatus", -1) != 0)
    return g_strdup ("dossierStatus phải là 0");
  if (form_files == NULL)
    return g_strdup ("Thiếu dossierFormFile");

  for (guint f = 0; f < json_array_get_length (forms); f++)
    {
      JsonObject *form = json_array_get_object_element (forms, f);
      JsonObject *form_ref = json_object_get_object_member (form, "form");
      guint n_files = 0;

      for (guint c = 0; c < json_array_get_length (form_files); c++)
        {
          JsonObject *entry = json_array_get_object_element (form_files, c);
          JsonObject *detail = get_obj (entry, "detail");
          JsonObject *type = get_obj (detail, "type");
          JsonArray *files = get_arr (entry, "file");
          gboolean type_known = FALSE;
          JsonArray *details = json_object_get_array_member (form, "detail");

          if (entry == NULL
              || g_strcmp0 (get_str (get_obj (entry, "procedureForm"), "id"),
                            json_object_get_string_member (form_ref, "id"))
                   != 0)
            continue;
          if (g_strcmp0 (get_str (get_obj (entry, "procedureForm"), "name"),
                         json_object_get_string_member (form_ref, "name"))
                != 0
              || g_strcmp0 (
                   get_str (get_obj (entry, "case"), "id"),
                   json_object_get_string_member (json_object_get_object_member (form, "case"), "id"))
                   != 0
              || get_int (entry, "order", -1) < 0 || get_int (detail, "quantity", -1) < 1)
            return g_strdup_printf ("Thành phần “%s” khai báo không đúng",
                                    json_object_get_string_member (form_ref, "name"));
          for (guint d = 0; d < json_array_get_length (details); d++)
            {
              JsonObject *known
                = json_object_get_object_member (json_array_get_object_element (details, d), "type");
              if (g_strcmp0 (get_str (type, "id"), json_object_get_string_member (known, "id")) == 0
                  && g_strcmp0 (get_str (type, "name"), json_object_get_string_member (known, "name")) == 0)
                type_known = TRUE;
            }
          if (!type_known)
            return g_strdup_printf ("Loại bản của thành phần “%s” không đúng",
                                    json_object_get_string_member (form_ref, "name"));
          for (guint i = 0; files != NULL && i < json_array_get_length (files); i++)
            {
              JsonObject *ref = json_array_get_object_element (files, i);
              PortalFile *file = portal_files_lookup (portal, get_str (ref, "id"), citizen->username);

              if (file == NULL || g_strcmp0 (get_str (ref, "filename"), file->name) != 0
                  || get_int (ref, "size", -1) != (gint64)file->size)
                return g_strdup_printf ("Tệp của thành phần “%s” không tồn tại",
                                        json_object_get_string_member (form_ref, "name"));
              if (!type_accepted (form, file->name))
                return g_strdup_printf ("Định dạng tệp “%s” không được chấp nhận", file->name);
              if (file->size > (guint64)json_object_get_int_member (form, "maxSize"))
                return g_strdup_printf ("Tệp “%s” vượt quá dung lượng cho phép", file->name);
              n_files++;
            }
        }
      if (json_object_get_boolean_member (form, "requirement") && n_files == 0)
        return g_strdup_printf ("Thiếu thành phần hồ sơ: %s",
                                json_object_get_string_member (form_ref, "name"));
    }
  *out_code = code;
  return NULL;
}

static void
apply_online (Portal *portal, SoupServerMessage *msg, KysoSandboxCitizen *citizen)
{
  g_autoptr (JsonNode) app = kyso_sandbox_parse_request (msg, NULL);
  g_autoptr (JsonNode) dossier_node = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) then = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *applied = NULL;
  g_autofree char *due = NULL;
  g_autofree char *id = NULL;
  g_autofree char *code = NULL;
  JsonObject *obj, *procedure, *dossier, *proc, *applicant, *data;
  JsonArray *form_files;
  const char *checked_code = NULL;

  obj = app != NULL && JSON_NODE_HOLDS_OBJECT (app) ? json_node_get_object (app) : NULL;
  procedure = find_procedure (portal, get_str (get_obj (obj, "procedure"), "id"));
  if (procedure == NULL)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_request", "Thủ tục không tồn tại");
      return;
    }
  problem = check_application (portal, obj, procedure, citizen, &checked_code);
  if (problem != NULL)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_request", problem);
      return;
    }
  code = g_strdup (checked_code);
  /* A code is good for one dossier. */
  g_hash_table_remove (portal->codes_given, code);

  applied = g_date_time_format_iso8601 (now);
  then = g_date_time_add_days (
    now, MAX (1, json_object_get_int_member (
                   json_object_get_object_member (json_object_get_object_member (procedure, "_process"),
                                                  "processDefinition"),
                   "processingTime")));
  due = g_date_time_format_iso8601 (then);
  id = portal_random_id (12);

  /* Stored: the members pa/dossier/search shows, and the private ones ("_"). */
  dossier = json_object_new ();
  dossier_node = json_node_init_object (json_node_alloc (), dossier);
  json_object_unref (dossier);
  json_object_set_string_member (dossier, "id", id);
  json_object_set_string_member (dossier, "code", code);
  proc = json_object_new ();
  json_object_set_string_member (proc, "id", json_object_get_string_member (procedure, "id"));
  json_object_set_string_member (proc, "code", json_object_get_string_member (procedure, "code"));
  json_object_set_string_member (proc, "name", json_object_get_string_member (procedure, "name"));
  json_object_set_object_member (dossier, "procedure", proc);
  applicant = json_object_new ();
  data = json_object_new ();
  json_object_set_string_member (data, "fullname",
                                 get_str (get_obj (get_obj (obj, "applicant"), "data"), "fullname"));
  json_object_set_object_member (applicant, "data", data);
  json_object_set_object_member (dossier, "applicant", applicant);
  json_object_set_string_member (dossier, "appliedDate", applied);
  json_object_set_string_member (dossier, "appointmentDate", due);
  json_object_set_null_member (dossier, "completedDate");
  json_object_set_string_member (dossier, "_owner", citizen->username);
  json_object_set_member (dossier, "_body", json_node_copy (app));
  portal_api_add_history (portal, dossier, "Mới đăng ký", NULL);

  /* Files of a submitted dossier are the dossier's now. */
  form_files = get_arr (obj, "dossierFormFile");
  for (guint c = 0; form_files != NULL && c < json_array_get_length (form_files); c++)
    {
      JsonArray *files = get_arr (json_array_get_object_element (form_files, c), "file");
      for (guint i = 0; files != NULL && i < json_array_get_length (files); i++)
        {
          PortalFile *file = portal_files_lookup (
            portal, get_str (json_array_get_object_element (files, i), "id"), citizen->username);
          if (file != NULL)
            file->attached = TRUE;
        }
    }

  g_hash_table_insert (portal->dossiers, g_strdup (code), json_node_ref (dossier_node));
  g_ptr_array_add (portal->dossier_order, g_strdup (code));
  kyso_sandbox_log (portal->sb, "portal: dossier %s submitted", code);
  {
    /* The answer: the dossier's id and code (no public material shows more). */
    g_autoptr (JsonBuilder) b = json_builder_new ();
    g_autoptr (JsonNode) root = NULL;

    json_builder_begin_object (b);
    add_string (b, "id", id);
    add_string (b, "code", code);
    json_builder_end_object (b);
    root = json_builder_get_root (b);
    kyso_sandbox_reply_json (portal->sb, msg, 200, root);
  }
}

/* The members pa/dossier/search shows (REAL-SERVICES.md, "Shapes Kyso assumes"). */
static JsonNode *
search_item (JsonObject *d)
{
  static const char *const shown[] = { "id",
                                       "code",
                                       "procedure",
                                       "applicant",
                                       "dossierStatus",
                                       "appliedDate",
                                       "appointmentDate",
                                       "completedDate",
                                       NULL };
  JsonObject *out = json_object_new ();

  for (gsize i = 0; shown[i] != NULL; i++)
    json_object_set_member (out, shown[i], json_node_copy (json_object_get_member (d, shown[i])));
  return json_node_init_object (json_node_alloc (), out);
}

static void
search_dossiers (Portal *portal, SoupServerMessage *msg, GHashTable *query, KysoSandboxCitizen *citizen)
{
  const char *code = query != NULL ? g_hash_table_lookup (query, "code") : NULL;
  guint page = query_uint (query, "page", 0, 10000), size = query_uint (query, "size", 20, 500);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  if (g_strcmp0 (g_hash_table_lookup (query, "spec"), "slice") != 0)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_request", "spec=slice");
      return;
    }
  /* A citizen sees only the dossiers they submitted, most recently updated first. */
  for (guint i = portal->dossier_order->len; i > 0; i--)
    {
      JsonNode *node
        = g_hash_table_lookup (portal->dossiers, g_ptr_array_index (portal->dossier_order, i - 1));
      JsonObject *d = json_node_get_object (node);

      if (g_strcmp0 (json_object_get_string_member (d, "_owner"), citizen->username) != 0)
        continue;
      if (code != NULL && *code != '\0' && g_strcmp0 (json_object_get_string_member (d, "code"), code) != 0)
        continue;
      g_ptr_array_add (items, search_item (d));
    }
  /* A Spring Data slice: a page without the totals. */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "content");
  json_builder_begin_array (b);
  for (guint i = page * size; i < items->len && i < (page + 1) * size; i++)
    json_builder_add_value (b, json_node_copy (g_ptr_array_index (items, i)));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "number");
  json_builder_add_int_value (b, page);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, size);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  kyso_sandbox_reply_json (portal->sb, msg, 200, root);
}

static void
api_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  Portal *portal = data;
  const char *rest = path + strlen (PORTAL_API);
  const char *method = soup_server_message_get_method (msg);
  gboolean get = g_str_equal (method, "GET");
  const char *kind;
  KysoSandboxCitizen *citizen;

  /* One fault kind per endpoint — ids are not part of it. */
  if (g_str_has_prefix (rest, "bd/procedure/--can-apply"))
    kind = "portal/procedures";
  else if (g_str_has_prefix (rest, "bd/procedure/"))
    kind = "portal/procedure";
  else if (g_str_has_prefix (rest, "bd/procedure-form") || g_str_has_prefix (rest, "bd/procost")
           || g_str_has_prefix (rest, "bd/procedure-process-definition"))
    kind = "portal/catalogue";
  else if (g_str_has_prefix (rest, "bd/config/get-pattern") || g_str_has_prefix (rest, "bt/pattern/"))
    kind = "portal/pattern";
  else if (g_str_has_prefix (rest, "ba/place"))
    kind = "portal/places";
  else if (g_str_has_prefix (rest, "pa/dossier/--apply-online"))
    kind = "portal/apply";
  else if (g_str_has_prefix (rest, "pa/dossier/search"))
    kind = "portal/search";
  else
    kind = "portal/other";

  if (!kyso_sandbox_begin (portal->sb, msg, kind))
    return;
  citizen = portal_authenticate (portal, msg, kind);
  if (citizen == NULL)
    return;

  if (g_str_equal (rest, "bd/procedure/--can-apply") && get)
    list_procedures (portal, msg, query);
  else if ((g_str_equal (rest, "bd/procedure-form/") || g_str_equal (rest, "bd/procedure-form")) && get)
    reply_member_list (portal, msg, query, "_forms", TRUE);
  else if (g_str_equal (rest, "bd/procost/--for-online") && get)
    reply_member_list (portal, msg, query, "_fees", FALSE);
  else if ((g_str_equal (rest, "bd/procedure-process-definition/")
            || g_str_equal (rest, "bd/procedure-process-definition"))
           && get)
    reply_member_list (portal, msg, query, "_process", TRUE);
  else if (g_str_has_prefix (rest, "bd/procedure/") && get)
    {
      JsonObject *p = find_procedure (portal, rest + strlen ("bd/procedure/"));
      if (p == NULL)
        kyso_sandbox_reply_error (portal->sb, msg, 404, "not_found", "Không tìm thấy thủ tục");
      else
        {
          g_autoptr (JsonNode) node = public_procedure (p);
          kyso_sandbox_reply_json (portal->sb, msg, 200, node);
        }
    }
  else if (g_str_equal (rest, "bd/config/get-pattern") && get)
    get_pattern (portal, msg, query);
  else if (g_str_has_prefix (rest, "bt/pattern/") && g_str_has_suffix (rest, "/--get-next-value")
           && g_str_equal (method, "PUT"))
    {
      g_autofree char *pattern = g_strndup (
        rest + strlen ("bt/pattern/"), strlen (rest) - strlen ("bt/pattern/") - strlen ("/--get-next-value"));
      next_value (portal, msg, pattern, query);
    }
  else if (g_str_equal (rest, "ba/place/--search") && get)
    search_places (portal, msg, query);
  else if (g_str_equal (rest, "pa/dossier/--apply-online/") && g_str_equal (method, "POST"))
    apply_online (portal, msg, citizen);
  else if (g_str_equal (rest, "pa/dossier/search") && get)
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
  portal->procedures = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (portal->procedures, json_node_copy (json_array_get_element (array, i)));
  portal->dossiers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)json_node_unref);
  portal->dossier_order = g_ptr_array_new_with_free_func (g_free);
  portal->patterns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  portal->codes_given = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  kyso_sandbox_add_handler (portal->sb, PORTAL_API, api_handler, portal);
}
