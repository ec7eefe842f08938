/* VNPT SmartCA's sp769 gateway, the shape NEAC's 769 decision standardises (REAL-SERVICES.md §1):
 * BASE/sca/sp769/v1/credentials/get_certificate, …/v1/signatures/sign (hash signing, one phone
 * approval for every file) and …/v1/signatures/sign/{transaction_id}/status. The gateway answers
 * with a transaction_id of its own, a UUID tran_code, lists an organisation seal (ESEAL) before
 * the citizen's certificate, and its status answer has no "status" field. What the documents do
 * not show (pending, refusal and expiry bodies) is decided here and listed in README.md. */

#include "kyso-sandbox-private.h"
#include "kyso-sandbox-pki.h"

#define MAX_FILES 20
#define SP769_V1 "/sca/sp769/v1/"

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
neac_request_full (KysoSandbox *self, SoupServerMessage *msg, gboolean empty_ok, JsonNode **out_node)
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
  /* The status call of the public clients (S2, S3) sends an empty body {}. */
  if (empty_ok && json_object_get_size (o) == 0)
    sp_id = sp_password = NULL;
  else if (g_strcmp0 (sp_id, self->sp_id) != 0 || g_strcmp0 (sp_password, self->sp_password) != 0)
    {
      neac_reply (self, msg, 401, "SP_CREDENTIAL_INVALID", NULL);
      return NULL;
    }
  *out_node = g_steal_pointer (&node);
  return o;
}

static JsonObject *
neac_request (KysoSandbox *self, SoupServerMessage *msg, JsonNode **out_node)
{
  return neac_request_full (self, msg, FALSE, out_node);
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

/* An organisation seal (ESEAL) of the same CA family: made once per run, EC key, issued by the
 * root. Never meant for a citizen; a client that offers it is wrong. */
static X509 *
seal_cert (KysoSandbox *self)
{
  static const KysoSandboxExt exts[] = {
    { NID_basic_constraints, "critical,CA:FALSE" },
    { NID_key_usage, "critical,digitalSignature,nonRepudiation" },
    { NID_undef, NULL },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) jobs = g_ptr_array_new ();
  EVP_PKEY *key = NULL;
  X509_NAME *name;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (self->seal_cert != NULL)
    return self->seal_cert;
  kyso_sandbox_key_job_add (jobs, &key, FALSE);
  if (!kyso_sandbox_generate_keys (jobs, &error))
    g_error ("kyso-sandbox: %s", error->message);
  name = kyso_sandbox_simple_name ("CÔNG TY TNHH KYSO SANDBOX", "CÔNG TY TNHH KYSO SANDBOX");
  X509_NAME_add_entry_by_NID (name, NID_userId, MBSTRING_UTF8, (const unsigned char *)"MST:0109999999", -1,
                              -1, 0);
  self->seal_cert = kyso_sandbox_make_cert (name, key, self->root_cert, self->root_key, now - 86400,
                                            now + 365 * 86400, exts, &error);
  X509_NAME_free (name);
  EVP_PKEY_free (key);
  if (self->seal_cert == NULL)
    g_error ("kyso-sandbox: %s", error->message);
  return self->seal_cert;
}

/* One entry of data.user_certificates[], every documented member. */
static void
add_certificate (KysoSandbox *self, JsonBuilder *b, const char *service_type, const char *service_name,
                 const char *status, X509 *cert, X509 *issuer, const char *transaction_id)
{
  g_autofree char *serial = kyso_sandbox_pki_serial_hex (cert);
  g_autofree char *cert_id = g_ascii_strdown (serial, -1);
  g_autofree char *subject = kyso_sandbox_pki_name_string (X509_get_subject_name (cert));
  g_autofree char *from = asn1_time_text (X509_get0_notBefore (cert));
  g_autofree char *to = asn1_time_text (X509_get0_notAfter (cert));
  g_autofree char *cert_b64 = kyso_sandbox_pki_base64 (cert);
  g_autofree char *ca_b64 = issuer != NULL ? kyso_sandbox_pki_base64 (issuer) : NULL;

  json_builder_begin_object (b);
  add_string (b, "service_type", service_type);
  add_string (b, "service_name", service_name);
  add_string (b, "cert_id", cert_id);
  add_string (b, "cert_status", status);
  add_string (b, "serial_number", serial);
  add_string (b, "cert_subject", subject);
  add_string (b, "cert_valid_from", from);
  add_string (b, "cert_valid_to", to);
  add_string (b, "cert_data", cert_b64);
  json_builder_set_member_name (b, "chain_data");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ca_cert");
  if (ca_b64 != NULL)
    json_builder_add_string_value (b, ca_b64);
  else
    json_builder_add_null_value (b);
  /* "root_cert (may be null)": this gateway leaves it out. */
  json_builder_set_member_name (b, "root_cert");
  json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "transaction_id");
  if (transaction_id != NULL)
    json_builder_add_string_value (b, transaction_id);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
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
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const char *transaction_id;

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
  transaction_id = json_object_get_string_member_with_default (o, "transaction_id", NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "user_certificates");
  json_builder_begin_array (b);
  /* The seal first: a client that takes the first entry signs as the company. */
  add_certificate (self, b, "ESEAL", "VNPT SmartCA eSeal", "Đang hoạt động", seal_cert (self),
                   self->root_cert, transaction_id);
  add_certificate (self, b, "SMARTCA", "VNPT SmartCA", cert_status_text (self, c),
                   kyso_sandbox_pki_served_cert (self, c), c->issuer, transaction_id);
  json_builder_end_array (b);
  json_builder_end_object (b);
  neac_reply (self, msg, 200, "SUCCESS", json_builder_get_root (b));
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

  /* The gateway's own transaction_id, not the one the client sent (S1 §4.3 sample). */
  json_builder_begin_object (b);
  add_string (b, "transaction_id", txn->id);
  add_string (b, "tran_code", txn->tran_code);
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

  /* A retry of a sign whose answer was lost (the same client transaction_id): the same
   * transaction, no second prompt on the phone. An assumption, see README.md. */
  for (guint i = 0; i < self->txn_order->len; i++)
    {
      txn = g_ptr_array_index (self->txn_order, i);
      if (!g_str_equal (txn->service, "neac") || g_strcmp0 (txn->client_id, txn_id) != 0)
        continue;
      if (g_strcmp0 (txn->fingerprint, fingerprint->str) != 0)
        neac_reply (self, msg, 400, "duplicate_transaction", NULL);
      else
        reply_sign_accepted (self, msg, txn);
      return;
    }
  {
    g_autofree char *random = kyso_sandbox_random_token (9);
    g_autofree char *own_id = g_strconcat ("SP769-", random, NULL);

    for (char *p = own_id; *p; p++)
      if (*p == '_')
        *p = '-';
    txn = kyso_sandbox_txn_new (
      self, own_id, "neac", c, json_object_get_string_member_with_default (o, "transaction_desc", NULL),
      g_steal_pointer (&doc_ids), g_steal_pointer (&digests), NID_sha256, fingerprint->str);
    txn->client_id = g_strdup (txn_id);
  }
  reply_sign_accepted (self, msg, txn);
}

/* Only "done" is documented: {status_code 200, message "SUCCESS", data {transaction_id,
 * signatures[…]}}. While waiting this gateway answers a body of another shape, without
 * "signatures"; a refusal is status_code 400 in an HTTP 200 answer, an expiry HTTP 400 (both
 * assumptions, README.md). */
static void
handle_status (KysoSandbox *self, SoupServerMessage *msg, const char *txn_id)
{
  g_autoptr (JsonNode) node = NULL;
  JsonObject *o = neac_request_full (self, msg, TRUE, &node);
  KysoSandboxTxn *txn;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (o == NULL)
    return;
  /* Only the gateway's own id: a client polling with the id it sent is not found. */
  txn = g_hash_table_lookup (self->txns, txn_id);
  if (txn != NULL)
    txn = kyso_sandbox_txn_lookup (self, txn->id); /* expires it when due */
  if (txn == NULL || !g_str_equal (txn->service, "neac"))
    {
      neac_reply (self, msg, 400, "transaction_not_found", NULL);
      return;
    }
  switch (txn->state)
    {
      case KYSO_SANDBOX_TXN_REFUSED:
        {
          g_autoptr (JsonBuilder) r = json_builder_new ();
          g_autoptr (JsonNode) root = NULL;

          json_builder_begin_object (r);
          json_builder_set_member_name (r, "status_code");
          json_builder_add_int_value (r, 400);
          json_builder_set_member_name (r, "message");
          json_builder_add_string_value (r, "user_reject_transaction");
          json_builder_set_member_name (r, "data");
          json_builder_add_null_value (r);
          json_builder_end_object (r);
          root = json_builder_get_root (r);
          kyso_sandbox_reply_json (self, msg, 200, root);
          return;
        }
      case KYSO_SANDBOX_TXN_EXPIRED:
        neac_reply (self, msg, 400, "transaction_expired", NULL);
        return;
      case KYSO_SANDBOX_TXN_PENDING:
        json_builder_begin_object (b);
        add_string (b, "transaction_id", txn->id);
        add_string (b, "tran_code", txn->tran_code);
        json_builder_set_member_name (b, "tran_status");
        json_builder_add_int_value (b, 4000);
        json_builder_end_object (b);
        neac_reply (self, msg, 200, "WAITING_FOR_SIGNER_CONFIRM", json_builder_get_root (b));
        return;
      case KYSO_SANDBOX_TXN_APPROVED:
      default:
        break;
    }
  json_builder_begin_object (b);
  add_string (b, "transaction_id", txn->id);
  json_builder_set_member_name (b, "signatures");
  {
    g_autoptr (GPtrArray) sigs = kyso_sandbox_txn_dup_signatures (self, txn);
    json_builder_begin_array (b);
    for (guint i = 0; i < sigs->len; i++)
      {
        gsize len = 0;
        const guchar *data = g_bytes_get_data (g_ptr_array_index (sigs, i), &len);
        g_autofree char *b64 = g_base64_encode (data, len);
        json_builder_begin_object (b);
        add_string (b, "doc_id", g_ptr_array_index (txn->doc_ids, i));
        add_string (b, "signature_value", b64);
        /* "timestamp_signature (nullable)" */
        json_builder_set_member_name (b, "timestamp_signature");
        json_builder_add_null_value (b);
        json_builder_end_object (b);
      }
    json_builder_end_array (b);
  }
  json_builder_end_object (b);
  neac_reply (self, msg, 200, "SUCCESS", json_builder_get_root (b));
}

static void
neac_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
              gpointer user_data)
{
  KysoSandbox *self = user_data;
  const char *rest = path + strlen (SP769_V1);

  if (!g_str_has_prefix (path, SP769_V1))
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
  g_autofree char *base = kyso_sandbox_dup_url (self, "/sca/sp769");
  g_autofree char *v1 = kyso_sandbox_dup_url (self, SP769_V1);

  kyso_sandbox_add_handler (self, "/sca/sp769", neac_handler, self);
  /* urls.neac: where the v1 calls go; kyso.conf [neac] url: the documented base, Kyso adds v1/. */
  kyso_sandbox_set_url (self, "neac", v1);
  kyso_sandbox_set_url (self, "sp769", base);
  kyso_sandbox_set_config (self, "neac", "url", base);
  kyso_sandbox_set_config (self, "neac", "sp_id", self->sp_id);
}
