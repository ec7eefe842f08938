/* The NEAC remote-signing gateway in the sp769 shape (DESIGN §3): get_certificate, sign (hash
 * signing, one phone approval for every file), and status polling. See README.md. */

#include "kyso-sandbox-private.h"
#include "kyso-sandbox-pki.h"

#define MAX_FILES 20

static void
neac_reply (KysoSandbox *self, SoupServerMessage *msg, guint status, const char *message, JsonNode *data)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status_code");
  json_builder_add_int_value (b, status);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "data");
  if (data != NULL)
    json_builder_add_value (b, data);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  kyso_sandbox_reply_json (self, msg, status, node);
}

/* The request object after the SP credentials check; NULL when an error was answered. */
static JsonObject *
neac_request (KysoSandbox *self, SoupServerMessage *msg, JsonNode **out_node)
{
  g_autoptr (JsonNode) node = kyso_sandbox_parse_request (msg, NULL);
  JsonObject *o;
  const char *sp_id, *sp_password;

  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      neac_reply (self, msg, 400, "invalid_request", NULL);
      return NULL;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      neac_reply (self, msg, 400, "invalid_request", NULL);
      return NULL;
    }
  o = json_node_get_object (node);
  sp_id = json_object_get_string_member_with_default (o, "sp_id", NULL);
  sp_password = json_object_get_string_member_with_default (o, "sp_password", NULL);
  if (g_strcmp0 (sp_id, self->sp_id) != 0 || g_strcmp0 (sp_password, self->sp_password) != 0)
    {
      neac_reply (self, msg, 401, "invalid_sp_credentials", NULL);
      return NULL;
    }
  *out_node = g_steal_pointer (&node);
  return o;
}

static const char *
cert_status_text (KysoSandbox *self, KysoSandboxCitizen *c)
{
  /* Under expired-cert / revoked-cert the gateway lies: the certificate is bad, the status says
   * active. The client has to look at the certificate itself. */
  if (kyso_sandbox_pki_served_cert (self, c) != c->cert || c->status == KYSO_SANDBOX_CITIZEN_GOOD)
    return "Đang hoạt động";
  return c->status == KYSO_SANDBOX_CITIZEN_REVOKED ? "Đã thu hồi" : "Hết hạn";
}

static char *
asn1_time_text (const ASN1_TIME *t)
{
  struct tm tm = { 0 };

  ASN1_TIME_to_tm (t, &tm);
  return kyso_sandbox_format_time ((gint64)timegm (&tm));
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

/* The serial_number the client named is the one we serve (either case), or none was named. */
static gboolean
serial_matches (KysoSandbox *self, KysoSandboxCitizen *c, JsonObject *o)
{
  const char *wanted = json_object_get_string_member_with_default (o, "serial_number", NULL);
  g_autofree char *serial = kyso_sandbox_pki_serial_hex (kyso_sandbox_pki_served_cert (self, c));

  return wanted == NULL || *wanted == '\0' || g_ascii_strcasecmp (wanted, serial) == 0;
}

static void
handle_get_certificate (KysoSandbox *self, SoupServerMessage *msg)
{
  g_autoptr (JsonNode) node = NULL;
  JsonObject *o = neac_request (self, msg, &node);
  KysoSandboxCitizen *c;
  X509 *cert;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *serial = NULL, *cert_id = NULL, *subject = NULL, *from = NULL, *to = NULL;
  g_autofree char *cert_b64 = NULL, *ca_b64 = NULL, *root_b64 = NULL;

  if (o == NULL)
    return;
  c = kyso_sandbox_find_citizen (self, json_object_get_string_member_with_default (o, "user_id", NULL));
  if (c == NULL)
    {
      neac_reply (self, msg, 400, "user_not_found", NULL);
      return;
    }
  if (!serial_matches (self, c, o))
    {
      neac_reply (self, msg, 400, "certificate_not_found", NULL);
      return;
    }
  cert = kyso_sandbox_pki_served_cert (self, c);
  serial = kyso_sandbox_pki_serial_hex (cert);
  cert_id = g_ascii_strdown (serial, -1);
  subject = kyso_sandbox_pki_name_string (X509_get_subject_name (cert));
  from = asn1_time_text (X509_get0_notBefore (cert));
  to = asn1_time_text (X509_get0_notAfter (cert));
  cert_b64 = kyso_sandbox_pki_base64 (cert);
  ca_b64 = kyso_sandbox_pki_base64 (c->issuer);
  root_b64 = kyso_sandbox_pki_base64 (self->root_cert);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "user_certificates");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  add_string (b, "cert_id", cert_id);
  add_string (b, "cert_status", cert_status_text (self, c));
  add_string (b, "serial_number", serial);
  add_string (b, "cert_subject", subject);
  add_string (b, "cert_valid_from", from);
  add_string (b, "cert_valid_to", to);
  add_string (b, "cert_data", cert_b64);
  json_builder_set_member_name (b, "chain_data");
  json_builder_begin_object (b);
  add_string (b, "ca_cert", ca_b64);
  add_string (b, "root_cert", root_b64);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  neac_reply (self, msg, 200, "success", json_builder_get_root (b));
}

static gboolean
valid_transaction_id (const char *id)
{
  gsize len = id != NULL ? strlen (id) : 0;

  if (len == 0 || len > 128 || g_str_equal (id, "latest"))
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-_.:", *p) == NULL)
      return FALSE;
  return TRUE;
}

static void
reply_sign_accepted (KysoSandbox *self, SoupServerMessage *msg, KysoSandboxTxn *txn)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gint64 left = (txn->expires - g_get_real_time ()) / G_USEC_PER_SEC;

  json_builder_begin_object (b);
  add_string (b, "transaction_id", txn->id);
  add_string (b, "tran_code", txn->tran_code);
  json_builder_set_member_name (b, "expired_in");
  json_builder_add_int_value (b, MAX (left, 0));
  json_builder_end_object (b);
  neac_reply (self, msg, 200, "sig_wait_for_user_confirm", json_builder_get_root (b));
}

static void
handle_sign (KysoSandbox *self, SoupServerMessage *msg)
{
  g_autoptr (JsonNode) node = NULL;
  JsonObject *o = neac_request (self, msg, &node);
  const char *user_id, *txn_id;
  KysoSandboxCitizen *c;
  JsonArray *files;
  KysoSandboxTxn *txn;
  g_autoptr (GPtrArray) doc_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr (GString) fingerprint = g_string_new (NULL);

  if (o == NULL)
    return;
  user_id = json_object_get_string_member_with_default (o, "user_id", NULL);
  txn_id = json_object_get_string_member_with_default (o, "transaction_id", NULL);
  files = json_object_has_member (o, "sign_files")
              && JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "sign_files"))
            ? json_object_get_array_member (o, "sign_files")
            : NULL;
  if (!valid_transaction_id (txn_id) || files == NULL || json_array_get_length (files) == 0
      || json_array_get_length (files) > MAX_FILES)
    {
      neac_reply (self, msg, 400, "invalid_request", NULL);
      return;
    }
  if ((c = kyso_sandbox_find_citizen (self, user_id)) == NULL)
    {
      neac_reply (self, msg, 400, "user_not_found", NULL);
      return;
    }
  if (!serial_matches (self, c, o))
    {
      neac_reply (self, msg, 400, "certificate_not_found", NULL);
      return;
    }
  if (c->status != KYSO_SANDBOX_CITIZEN_GOOD)
    {
      neac_reply (self, msg, 403,
                  c->status == KYSO_SANDBOX_CITIZEN_REVOKED ? "certificate_revoked" : "certificate_expired",
                  NULL);
      return;
    }

  g_string_append (fingerprint, c->cccd);
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonNode *file_node = json_array_get_element (files, i);
      JsonObject *file = JSON_NODE_HOLDS_OBJECT (file_node) ? json_node_get_object (file_node) : NULL;
      const char *hex
        = file != NULL ? json_object_get_string_member_with_default (file, "data_to_be_signed", NULL) : NULL;
      const char *doc_id
        = file != NULL ? json_object_get_string_member_with_default (file, "doc_id", NULL) : NULL;
      guint8 digest[32];

      if (hex == NULL || strlen (hex) != 64)
        {
          neac_reply (self, msg, 400, "invalid_request", NULL);
          return;
        }
      for (guint k = 0; k < 32; k++)
        {
          int hi = g_ascii_xdigit_value (hex[2 * k]), lo = g_ascii_xdigit_value (hex[2 * k + 1]);
          if (hi < 0 || lo < 0)
            {
              neac_reply (self, msg, 400, "invalid_request", NULL);
              return;
            }
          digest[k] = (guint8)(hi << 4 | lo);
        }
      g_ptr_array_add (digests, g_bytes_new (digest, sizeof digest));
      g_ptr_array_add (doc_ids, doc_id != NULL ? g_strdup (doc_id) : g_strdup_printf ("document-%u", i + 1));
      g_string_append_printf (fingerprint, "\n%s %s", hex, (char *)g_ptr_array_index (doc_ids, i));
    }
  g_string_ascii_down (fingerprint);

  /* A retry of a sign whose answer was lost: same transaction, no second prompt on the phone. */
  if ((txn = g_hash_table_lookup (self->txns, txn_id)) != NULL)
    {
      if (!g_str_equal (txn->service, "neac") || g_strcmp0 (txn->fingerprint, fingerprint->str) != 0)
        neac_reply (self, msg, 400, "duplicate_transaction", NULL);
      else
        reply_sign_accepted (self, msg, txn);
      return;
    }
  txn = kyso_sandbox_txn_new (
    self, txn_id, "neac", c, json_object_get_string_member_with_default (o, "transaction_desc", NULL),
    g_steal_pointer (&doc_ids), g_steal_pointer (&digests), NID_sha256, fingerprint->str);
  reply_sign_accepted (self, msg, txn);
}

static void
handle_status (KysoSandbox *self, SoupServerMessage *msg, const char *txn_id)
{
  g_autoptr (JsonNode) node = NULL;
  JsonObject *o = neac_request (self, msg, &node);
  KysoSandboxTxn *txn;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *expires = NULL;
  const char *status;

  if (o == NULL)
    return;
  txn = g_str_equal (txn_id, "latest") ? NULL : kyso_sandbox_txn_lookup (self, txn_id);
  if (txn == NULL || !g_str_equal (txn->service, "neac"))
    {
      neac_reply (self, msg, 400, "transaction_not_found", NULL);
      return;
    }
  switch (txn->state)
    {
      case KYSO_SANDBOX_TXN_APPROVED:
        status = "SUCCESS";
        break;
      case KYSO_SANDBOX_TXN_REFUSED:
        status = "REJECTED";
        break;
      case KYSO_SANDBOX_TXN_EXPIRED:
        status = "EXPIRED";
        break;
      case KYSO_SANDBOX_TXN_PENDING:
      default:
        status = "PENDING";
        break;
    }
  expires = kyso_sandbox_format_time (txn->expires / G_USEC_PER_SEC);
  json_builder_begin_object (b);
  add_string (b, "transaction_id", txn->id);
  add_string (b, "tran_code", txn->tran_code);
  add_string (b, "status", status);
  add_string (b, "expired_at", expires);
  json_builder_set_member_name (b, "signatures");
  if (txn->state == KYSO_SANDBOX_TXN_APPROVED)
    {
      g_autoptr (GPtrArray) sigs = kyso_sandbox_txn_dup_signatures (self, txn);
      g_autofree char *decided = kyso_sandbox_format_time (txn->decided / G_USEC_PER_SEC);
      json_builder_begin_array (b);
      for (guint i = 0; i < sigs->len; i++)
        {
          gsize len = 0;
          const guchar *data = g_bytes_get_data (g_ptr_array_index (sigs, i), &len);
          g_autofree char *b64 = g_base64_encode (data, len);
          json_builder_begin_object (b);
          add_string (b, "doc_id", g_ptr_array_index (txn->doc_ids, i));
          add_string (b, "signature_value", b64);
          add_string (b, "timestamp_signature", decided);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  neac_reply (self, msg, 200, status, json_builder_get_root (b));
}

static void
neac_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
              gpointer user_data)
{
  KysoSandbox *self = user_data;
  const char *rest = path + strlen ("/neac/v1/");

  if (!g_str_has_prefix (path, "/neac/v1/"))
    neac_reply (self, msg, 404, "not_found", NULL);
  else if (g_str_equal (rest, "credentials/get_certificate"))
    {
      if (kyso_sandbox_begin (self, msg, "neac/get_certificate"))
        handle_get_certificate (self, msg);
    }
  else if (g_str_equal (rest, "signatures/sign"))
    {
      if (kyso_sandbox_begin (self, msg, "neac/sign"))
        handle_sign (self, msg);
    }
  else if (g_str_has_prefix (rest, "signatures/sign/") && g_str_has_suffix (rest, "/status"))
    {
      g_autofree char *id = g_strndup (rest + strlen ("signatures/sign/"),
                                       strlen (rest) - strlen ("signatures/sign/") - strlen ("/status"));
      if (kyso_sandbox_begin (self, msg, "neac/status"))
        handle_status (self, msg, id);
    }
  else
    neac_reply (self, msg, 404, "not_found", NULL);
}

void
kyso_sandbox_neac_install (KysoSandbox *self)
{
  g_autofree char *url = kyso_sandbox_dup_url (self, "/neac/v1/");

  kyso_sandbox_add_handler (self, "/neac", neac_handler, self);
  kyso_sandbox_set_url (self, "neac", url);
  kyso_sandbox_set_config (self, "neac", "url", url);
  kyso_sandbox_set_config (self, "neac", "sp_id", self->sp_id);
}
