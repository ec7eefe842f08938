/* Viettel MySign, the CSC-shaped variant (REAL-SERVICES.md §4): BASE/adss/service/ras/v1/login
 * with the service provider's client_id/client_secret and the citizen's user_id/profile_id, then
 * with the bearer token …/ras/csc/v1/credentials/list, credentials/info, credentials/authorize
 * (where the phone approves: the request is held until it decides) and signatures/signHash.
 * Error bodies are not documented: the sandbox's are listed in README.md. */

#include "kyso-sandbox-private.h"
#include "kyso-sandbox-pki.h"

#define MYSIGN_BASE "/adss/service/ras/"
#define MAX_HASHES 20
#define TOKEN_SECONDS 3600
#define OID_SHA256 "2.16.840.1.101.3.4.2.1"
#define OID_RSA "1.2.840.113549.1.1.1"

typedef struct
{
  KysoSandbox *sb;
  char *client_id;
  char *client_secret;
  char *profile_id;
  GHashTable *tokens; /* token → KysoSandboxCitizen * (borrowed) */
  GHashTable *sads;   /* SAD → transaction id */
} Mysign;

static void
mysign_free (gpointer data)
{
  Mysign *m = data;

  g_free (m->client_id);
  g_free (m->client_secret);
  g_free (m->profile_id);
  g_hash_table_unref (m->tokens);
  g_hash_table_unref (m->sads);
  g_free (m);
}

typedef struct
{
  Mysign *m;
  SoupServerMessage *msg;
  JsonObject *req;
  KysoSandboxCitizen *citizen;
} Call;

static void
error (Call *call, guint status, const char *code, const char *description)
{
  kyso_sandbox_reply_error (call->m->sb, call->msg, status, code, description);
}

static void
reply (Call *call, JsonBuilder *b)
{
  g_autoptr (JsonNode) node = json_builder_get_root (b);

  kyso_sandbox_reply_json (call->m->sb, call->msg, 200, node);
}

static const char *
get_string (Call *call, const char *name)
{
  return json_object_get_string_member_with_default (call->req, name, NULL);
}

static void
handle_login (Call *call)
{
  Mysign *m = call->m;
  KysoSandboxCitizen *c = kyso_sandbox_find_citizen (m->sb, get_string (call, "user_id"));
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *token = NULL;

  if (g_strcmp0 (get_string (call, "client_id"), m->client_id) != 0
      || g_strcmp0 (get_string (call, "client_secret"), m->client_secret) != 0)
    {
      error (call, 401, "invalid_client", "Unknown client_id or wrong client_secret");
      return;
    }
  if (g_strcmp0 (get_string (call, "profile_id"), m->profile_id) != 0)
    {
      error (call, 400, "invalid_request", "Unknown profile_id");
      return;
    }
  if (c == NULL)
    {
      error (call, 400, "invalid_user", "No MySign account for this user_id");
      return;
    }
  token = kyso_sandbox_random_token (24);
  g_hash_table_insert (m->tokens, g_strdup (token), c);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "access_token");
  json_builder_add_string_value (b, token);
  json_builder_set_member_name (b, "token_type");
  json_builder_add_string_value (b, "Bearer");
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, TOKEN_SECONDS);
  json_builder_end_object (b);
  reply (call, b);
}

static void
handle_list (Call *call)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (g_strcmp0 (get_string (call, "userID"), call->citizen->cccd) != 0)
    {
      error (call, 400, "invalid_request", "userID is not the logged-in user");
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "credentialIDs");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, call->citizen->credential_id);
  json_builder_end_array (b);
  json_builder_end_object (b);
  reply (call, b);
}

static gboolean
check_credential (Call *call)
{
  if (g_strcmp0 (get_string (call, "credentialID"), call->citizen->credential_id) != 0)
    {
      error (call, 400, "invalid_request", "Invalid parameter credentialID");
      return FALSE;
    }
  return TRUE;
}

static void
handle_info (Call *call)
{
  KysoSandbox *sb = call->m->sb;
  KysoSandboxCitizen *c = call->citizen;
  X509 *cert;
  X509 *chain[3];
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *serial = NULL, *subject = NULL, *issuer = NULL;
  const char *status = "valid";

  if (!check_credential (call))
    return;
  cert = kyso_sandbox_pki_served_cert (sb, c);
  chain[0] = cert;
  chain[1] = c->issuer;
  chain[2] = kyso_sandbox_get_root_cert (sb);
  serial = kyso_sandbox_pki_serial_hex (cert);
  subject = kyso_sandbox_pki_name_string (X509_get_subject_name (cert));
  issuer = kyso_sandbox_pki_name_string (X509_get_issuer_name (cert));
  if (cert == c->cert && c->status != KYSO_SANDBOX_CITIZEN_GOOD)
    status = kyso_sandbox_citizen_status_to_string (c->status);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "cert");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, status);
  json_builder_set_member_name (b, "certificates");
  json_builder_begin_array (b);
  for (guint i = 0; i < (g_strcmp0 (get_string (call, "certificates"), "chain") == 0 ? 3 : 1); i++)
    {
      g_autofree char *b64 = kyso_sandbox_pki_base64 (chain[i]);
      json_builder_add_string_value (b, b64);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "serialNumber");
  json_builder_add_string_value (b, serial);
  json_builder_set_member_name (b, "subjectDN");
  json_builder_add_string_value (b, subject);
  json_builder_set_member_name (b, "issuerDN");
  json_builder_add_string_value (b, issuer);
  json_builder_end_object (b);
  json_builder_end_object (b);
  reply (call, b);
}

/* hash[] (base64 SHA-256) and documents[] of the same length. */
static gboolean
read_request (Call *call, GPtrArray **out_hashes, GPtrArray **out_names)
{
  JsonArray *hash
    = json_object_has_member (call->req, "hash") ? json_object_get_array_member (call->req, "hash") : NULL;
  JsonArray *docs = json_object_has_member (call->req, "documents")
                      ? json_object_get_array_member (call->req, "documents")
                      : NULL;
  g_autoptr (GPtrArray) hashes = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint n = hash != NULL ? json_array_get_length (hash) : 0;

  if (n == 0 || n > MAX_HASHES || docs == NULL || json_array_get_length (docs) != n)
    {
      error (call, 400, "invalid_request", "hash[] and documents[] must have the same length (1…20)");
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      JsonNode *d = json_array_get_element (docs, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (d) ? json_node_get_object (d) : NULL;
      const char *text = JSON_NODE_HOLDS_VALUE (json_array_get_element (hash, i))
                           ? json_array_get_string_element (hash, i)
                           : NULL;
      gsize len = 0;
      g_autofree guchar *raw = text != NULL ? g_base64_decode (text, &len) : NULL;

      if (len != 32 || o == NULL || !json_object_has_member (o, "document_id")
          || !json_object_has_member (o, "document_name"))
        {
          error (call, 400, "invalid_request", "Invalid hash or document");
          return FALSE;
        }
      g_ptr_array_add (hashes, g_bytes_new (raw, len));
      /* What the phone shows for each document (README: an assumption). */
      g_ptr_array_add (names, g_strdup (json_object_get_string_member (o, "document_name")));
    }
  *out_hashes = g_steal_pointer (&hashes);
  *out_names = g_steal_pointer (&names);
  return TRUE;
}

static void
authorize_decided (KysoSandbox *sb, KysoSandboxTxn *txn, gpointer data)
{
  SoupServerMessage *msg = data;
  Mysign *m = g_object_get_data (G_OBJECT (msg), "kyso-mysign");
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *sad = NULL;

  if (txn->state == KYSO_SANDBOX_TXN_REFUSED)
    {
      kyso_sandbox_reply_error (sb, msg, 400, "access_denied", "The user refused the request on the phone");
      return;
    }
  if (txn->state != KYSO_SANDBOX_TXN_APPROVED)
    {
      kyso_sandbox_reply_error (sb, msg, 400, "expired_request",
                                "The user did not answer on the phone in time");
      return;
    }
  sad = kyso_sandbox_random_token (24);
  g_hash_table_insert (m->sads, g_strdup (sad), g_strdup (txn->id));
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "SAD");
  json_builder_add_string_value (b, sad);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  kyso_sandbox_reply_json (sb, msg, 200, node);
}

static void
handle_authorize (Call *call)
{
  g_autoptr (GPtrArray) hashes = NULL;
  g_autoptr (GPtrArray) names = NULL;
  g_autofree char *random = kyso_sandbox_random_token (9);
  g_autofree char *id = g_strconcat ("mysign-", random, NULL);
  KysoSandboxTxn *txn;

  if (!check_credential (call) || !read_request (call, &hashes, &names))
    return;
  if (json_object_get_int_member_with_default (call->req, "numSignatures", 0) != (gint64)hashes->len)
    {
      error (call, 400, "invalid_request", "numSignatures is not the number of hashes");
      return;
    }
  if (call->citizen->status != KYSO_SANDBOX_CITIZEN_GOOD)
    {
      error (call, 403, "invalid_credential", "The certificate cannot sign");
      return;
    }
  txn = kyso_sandbox_txn_new (call->m->sb, id, "mysign", call->citizen, "", g_steal_pointer (&names),
                              g_steal_pointer (&hashes), NID_sha256, NULL);
  /* The phone approves here: the answer waits for it (or for the request to lapse). */
  g_object_set_data (G_OBJECT (call->msg), "kyso-mysign", call->m);
  kyso_sandbox_hold (call->m->sb, call->msg);
  kyso_sandbox_txn_wait (call->m->sb, txn, authorize_decided, g_object_ref (call->msg), g_object_unref);
}

static void
handle_sign_hash (Call *call)
{
  const char *sad = get_string (call, "SAD");
  const char *txn_id = sad != NULL ? g_hash_table_lookup (call->m->sads, sad) : NULL;
  KysoSandboxTxn *txn = txn_id != NULL ? kyso_sandbox_txn_lookup (call->m->sb, txn_id) : NULL;
  g_autoptr (GPtrArray) hashes = NULL;
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GPtrArray) sigs = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!check_credential (call) || !read_request (call, &hashes, &names))
    return;
  if (g_strcmp0 (get_string (call, "hashAlgo"), OID_SHA256) != 0
      || g_strcmp0 (get_string (call, "signAlgo"), OID_RSA) != 0)
    {
      error (call, 400, "invalid_request", "hashAlgo must be SHA-256 and signAlgo RSA");
      return;
    }
  if (txn == NULL || txn->citizen != call->citizen || txn->state != KYSO_SANDBOX_TXN_APPROVED
      || txn->digests->len != hashes->len)
    {
      error (call, 400, "invalid_sad", "The SAD is not valid for this request");
      return;
    }
  for (guint i = 0; i < hashes->len; i++)
    if (!g_bytes_equal (g_ptr_array_index (hashes, i), g_ptr_array_index (txn->digests, i)))
      {
        error (call, 400, "invalid_sad", "The SAD was given for other hashes");
        return;
      }
  g_hash_table_remove (call->m->sads, sad);
  sigs = kyso_sandbox_txn_dup_signatures (call->m->sb, txn);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "signatures");
  json_builder_begin_array (b);
  for (guint i = 0; i < sigs->len; i++)
    {
      gsize len = 0;
      const guchar *data = g_bytes_get_data (g_ptr_array_index (sigs, i), &len);
      g_autofree char *b64 = g_base64_encode (data, len);
      json_builder_add_string_value (b, b64);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  reply (call, b);
}

static const struct
{
  const char *path;
  const char *kind;
  gboolean token;
  void (*handle) (Call *call);
} methods[] = {
  { "v1/login", "mysign/login", FALSE, handle_login },
  { "csc/v1/credentials/list", "mysign/list", TRUE, handle_list },
  { "csc/v1/credentials/info", "mysign/info", TRUE, handle_info },
  { "csc/v1/credentials/authorize", "mysign/authorize", TRUE, handle_authorize },
  { "csc/v1/signatures/signHash", "mysign/signHash", TRUE, handle_sign_hash },
};

static void
mysign_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                gpointer user_data)
{
  Call call = { user_data, msg, NULL, NULL };
  const char *rest = g_str_has_prefix (path, MYSIGN_BASE) ? path + strlen (MYSIGN_BASE) : "";
  g_autoptr (JsonNode) node = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      if (!g_str_equal (rest, methods[i].path))
        continue;
      if (!kyso_sandbox_begin (call.m->sb, msg, methods[i].kind))
        return;
      node = kyso_sandbox_parse_request (msg, NULL);
      if (!g_str_equal (soup_server_message_get_method (msg), "POST") || node == NULL
          || !JSON_NODE_HOLDS_OBJECT (node))
        {
          error (&call, 400, "invalid_request", "POST a JSON object");
          return;
        }
      call.req = json_node_get_object (node);
      if (methods[i].token)
        {
          const char *bearer = kyso_sandbox_get_bearer (msg);
          call.citizen = bearer != NULL ? g_hash_table_lookup (call.m->tokens, bearer) : NULL;
          if (call.citizen == NULL)
            {
              error (&call, 401, "invalid_token", "Missing or invalid access token");
              return;
            }
        }
      methods[i].handle (&call);
      return;
    }
  error (&call, 404, "invalid_request", "Unknown method");
}

void
kyso_sandbox_mysign_install (KysoSandbox *self)
{
  Mysign *m = g_new0 (Mysign, 1);
  g_autofree char *url = kyso_sandbox_dup_url (self, "/adss/service/ras");

  m->sb = self;
  m->client_id = g_strdup ("kyso-sandbox-mysign");
  /* Per run: the SP's secret, in sandbox.json for the tests, never in kyso.conf. */
  m->client_secret = kyso_sandbox_random_token (18);
  m->profile_id = g_strdup ("adss:ras:profile:001");
  m->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  m->sads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  kyso_sandbox_add_cleanup (self, mysign_free, m);
  kyso_sandbox_add_handler (self, "/adss", mysign_handler, m);
  kyso_sandbox_set_url (self, "mysign", url);
  kyso_sandbox_set_config (self, "mysign", "url", url);
  kyso_sandbox_set_config (self, "mysign", "client_id", m->client_id);
  kyso_sandbox_set_config (self, "mysign", "profile_id", m->profile_id);
  {
    JsonNode *secret = json_node_new (JSON_NODE_VALUE);
    json_node_set_string (secret, m->client_secret);
    kyso_sandbox_set_info_member (self, "mysign_client_secret", secret);
  }
}
