/* A Cloud Signature Consortium service: API v2 at /csc/v2/ and v1.0.4 at /csc/v1/. authMode is
 * implicit: authorize gives a SAD at once and the citizen consents on the phone during signHash
 * (asynchronously with operationMode "A" + signPolling in v2). See README.md. */

#include "kyso-sandbox-private.h"
#include "kyso-sandbox-pki.h"

#define MAX_HASHES 20
#define TOKEN_SECONDS 3600
#define OID_RSA "1.2.840.113549.1.1.1"
#define OID_SHA256_RSA "1.2.840.113549.1.1.11"

typedef struct
{
  KysoSandboxCitizen *citizen;
  gint64 expires;
} Token;

typedef struct
{
  KysoSandboxCitizen *citizen;
  guint remaining;
  GPtrArray *hashes; /* GBytes *, or NULL when not bound */
  gint64 expires;
} Sad;

static void
sad_free (gpointer p)
{
  Sad *sad = p;

  g_clear_pointer (&sad->hashes, g_ptr_array_unref);
  g_free (sad);
}

typedef struct
{
  KysoSandbox *self;
  SoupServerMessage *msg;
  JsonObject *req;
  KysoSandboxCitizen *citizen; /* from the Bearer token; NULL for info and auth/login */
  gboolean v2;
} Call;

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static const char *
get_string (Call *call, const char *name)
{
  return json_object_get_string_member_with_default (call->req, name, NULL);
}

static void
reply (Call *call, guint status, JsonBuilder *b)
{
  g_autoptr (JsonNode) node = json_builder_get_root (b);
  kyso_sandbox_reply_json (call->self, call->msg, status, node);
}

static void
error (Call *call, guint status, const char *code, const char *description)
{
  kyso_sandbox_reply_error (call->self, call->msg, status, code, description);
}

/* --- info, auth/login ------------------------------------------------------------------------- */

static void
handle_info (Call *call)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const char *methods[]
    = { "auth/login",          "credentials/list",      "credentials/info", "credentials/authorize",
        "signatures/signHash", "signatures/signPolling" };
  g_autofree char *logo = kyso_sandbox_dup_url (call->self, "/csc/logo.png");

  json_builder_begin_object (b);
  add_string (b, "specs", call->v2 ? "2.0.0.2" : "1.0.4.0");
  add_string (b, "name", "Kyso Sandbox CSC");
  add_string (b, "logo", logo);
  add_string (b, "region", "VN");
  add_string (b, "lang", "vi-VN");
  add_string (b, "description", "Dịch vụ ký số từ xa thử nghiệm (Kyso Sandbox)");
  json_builder_set_member_name (b, "authType");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "basic");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "methods");
  json_builder_begin_array (b);
  for (gsize i = 0; i < G_N_ELEMENTS (methods) - (call->v2 ? 0 : 1); i++)
    json_builder_add_string_value (b, methods[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "signAlgorithms");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "algos");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, OID_RSA);
  json_builder_add_string_value (b, OID_SHA256_RSA);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  reply (call, 200, b);
}

static void
handle_login (Call *call)
{
  const char *header
    = soup_message_headers_get_one (soup_server_message_get_request_headers (call->msg), "Authorization");
  g_autofree guchar *decoded = NULL;
  gsize len = 0;
  g_autofree char *pair = NULL;
  char *colon;
  KysoSandboxCitizen *c = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  Token *token;
  char *value;

  if (header != NULL && g_ascii_strncasecmp (header, "Basic ", 6) == 0)
    {
      decoded = g_base64_decode (header + 6, &len);
      pair = g_strndup ((const char *)decoded, len);
      if ((colon = strchr (pair, ':')) != NULL)
        {
          *colon = '\0';
          c = kyso_sandbox_find_citizen (call->self, pair);
          if (c != NULL && !g_str_equal (c->password, colon + 1))
            c = NULL;
        }
      memset (pair, 0, strlen (pair));
    }
  if (c == NULL)
    {
      error (call, 401, "unauthorized_client", "Wrong username or password");
      return;
    }
  token = g_new0 (Token, 1);
  token->citizen = c;
  token->expires = g_get_real_time () + (gint64)TOKEN_SECONDS * G_USEC_PER_SEC;
  value = kyso_sandbox_random_token (24);
  g_hash_table_replace (call->self->csc_tokens, value, token);
  json_builder_begin_object (b);
  add_string (b, "access_token", value);
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, TOKEN_SECONDS);
  json_builder_end_object (b);
  reply (call, 200, b);
}

/* --- credentials ------------------------------------------------------------------------------ */

static char *
generalized_time (const ASN1_TIME *t)
{
  struct tm tm = { 0 };
  char buf[32];

  ASN1_TIME_to_tm (t, &tm);
  strftime (buf, sizeof buf, "%Y%m%d%H%M%SZ", &tm);
  return g_strdup (buf);
}

static void
add_credential_info (Call *call, JsonBuilder *b, gboolean with_id)
{
  KysoSandbox *self = call->self;
  KysoSandboxCitizen *c = call->citizen;
  X509 *cert = kyso_sandbox_pki_served_cert (self, c);
  const char *certificates = get_string (call, "certificates");
  gboolean cert_info = json_object_get_boolean_member_with_default (call->req, "certInfo", FALSE);
  const char *status = "valid";
  g_autofree char *description = g_strdup_printf ("Chứng thư số của %s (%s Sandbox)", c->name, c->provider);

  /* Under expired-cert / revoked-cert the service lies, as a broken one would. */
  if (cert == c->cert && c->status != KYSO_SANDBOX_CITIZEN_GOOD)
    status = kyso_sandbox_citizen_status_to_string (c->status);
  if (certificates == NULL)
    certificates = "single";

  json_builder_begin_object (b);
  if (with_id)
    add_string (b, "credentialID", c->credential_id);
  add_string (b, "description", description);
  json_builder_set_member_name (b, "key");
  json_builder_begin_object (b);
  add_string (b, "status", "enabled");
  json_builder_set_member_name (b, "algo");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, OID_RSA);
  json_builder_add_string_value (b, OID_SHA256_RSA);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "len");
  json_builder_add_int_value (b, 2048);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "cert");
  json_builder_begin_object (b);
  add_string (b, "status", status);
  if (!g_str_equal (certificates, "none"))
    {
      X509 *chain[] = { cert, c->issuer, self->root_cert };
      guint n = g_str_equal (certificates, "chain") ? 3 : 1;
      json_builder_set_member_name (b, "certificates");
      json_builder_begin_array (b);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *b64 = kyso_sandbox_pki_base64 (chain[i]);
          json_builder_add_string_value (b, b64);
        }
      json_builder_end_array (b);
    }
  if (cert_info)
    {
      g_autofree char *issuer = kyso_sandbox_pki_name_string (X509_get_issuer_name (cert));
      g_autofree char *subject = kyso_sandbox_pki_name_string (X509_get_subject_name (cert));
      g_autofree char *serial = kyso_sandbox_pki_serial_hex (cert);
      g_autofree char *from = generalized_time (X509_get0_notBefore (cert));
      g_autofree char *to = generalized_time (X509_get0_notAfter (cert));
      add_string (b, "issuerDN", issuer);
      add_string (b, "serialNumber", serial);
      add_string (b, "subjectDN", subject);
      add_string (b, "validFrom", from);
      add_string (b, "validTo", to);
    }
  json_builder_end_object (b);

  add_string (b, "authMode", "implicit");
  if (call->v2)
    {
      json_builder_set_member_name (b, "auth");
      json_builder_begin_object (b);
      add_string (b, "mode", "implicit");
      json_builder_end_object (b);
    }
  add_string (b, "SCAL", "1");
  json_builder_set_member_name (b, "multisign");
  json_builder_add_int_value (b, MAX_HASHES);
  add_string (b, "lang", "vi-VN");
  json_builder_end_object (b);
}

static void
handle_list (Call *call)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "credentialIDs");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, call->citizen->credential_id);
  json_builder_end_array (b);
  if (call->v2 && json_object_get_boolean_member_with_default (call->req, "credentialInfo", FALSE))
    {
      json_builder_set_member_name (b, "credentialInfos");
      json_builder_begin_array (b);
      add_credential_info (call, b, TRUE);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  reply (call, 200, b);
}

/* The credentialID is the token holder's; answers the error and returns FALSE otherwise. */
static gboolean
check_credential (Call *call, gboolean usable)
{
  KysoSandboxCitizen *c = call->citizen;

  if (g_strcmp0 (get_string (call, "credentialID"), c->credential_id) != 0)
    {
      error (call, 400, "invalid_credential", "Invalid parameter credentialID");
      return FALSE;
    }
  if (usable && c->status == KYSO_SANDBOX_CITIZEN_REVOKED)
    {
      error (call, 400, "credential_revoked", "The certificate of this credential is revoked");
      return FALSE;
    }
  if (usable && c->status == KYSO_SANDBOX_CITIZEN_EXPIRED)
    {
      error (call, 400, "credential_expired", "The certificate of this credential has expired");
      return FALSE;
    }
  return TRUE;
}

static void
handle_cred_info (Call *call)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!check_credential (call, FALSE))
    return;
  add_credential_info (call, b, FALSE);
  reply (call, 200, b);
}

/* "hashes" (v2) or "hash" (v1), base64; NULL (error answered) when malformed. @md_len 0 = any. */
static GPtrArray *
read_hashes (Call *call, gsize md_len, gboolean required)
{
  const char *name = call->v2 ? "hashes" : "hash";
  JsonNode *node = json_object_get_member (call->req, name);
  g_autoptr (GPtrArray) hashes = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  JsonArray *array;
  g_autofree char *msg = g_strdup_printf ("Invalid parameter %s", name);

  if (node == NULL && !required)
    return g_steal_pointer (&hashes);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) || (array = json_node_get_array (node)) == NULL
      || json_array_get_length (array) == 0 || json_array_get_length (array) > MAX_HASHES)
    {
      error (call, 400, "invalid_request", msg);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *e = json_array_get_element (array, i);
      const char *b64 = JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING
                          ? json_node_get_string (e)
                          : NULL;
      gsize len = 0;
      guchar *raw = b64 != NULL && *b64 != '\0' ? g_base64_decode (b64, &len) : NULL;
      if (raw == NULL || len == 0 || (md_len != 0 && len != md_len))
        {
          g_free (raw);
          error (call, 400, "invalid_request", msg);
          return NULL;
        }
      g_ptr_array_add (hashes, g_bytes_new_take (raw, len));
    }
  return g_steal_pointer (&hashes);
}

static void
handle_authorize (Call *call)
{
  gint64 n = json_object_get_int_member_with_default (call->req, "numSignatures", 0);
  g_autoptr (GPtrArray) hashes = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  Sad *sad;
  char *value;

  if (!check_credential (call, TRUE))
    return;
  if (n < 1 || n > MAX_HASHES)
    {
      error (call, 400, "invalid_request", "Invalid parameter numSignatures");
      return;
    }
  if ((hashes = read_hashes (call, 0, FALSE)) == NULL)
    return;
  if (hashes->len != 0 && hashes->len != (guint)n)
    {
      error (call, 400, "invalid_request", "numSignatures does not match the number of hashes");
      return;
    }
  sad = g_new0 (Sad, 1);
  sad->citizen = call->citizen;
  sad->remaining = (guint)n;
  sad->hashes = hashes->len != 0 ? g_steal_pointer (&hashes) : NULL;
  sad->expires = g_get_real_time () + (gint64)call->self->expiry_seconds * G_USEC_PER_SEC;
  value = kyso_sandbox_random_token (24);
  g_hash_table_replace (call->self->csc_sads, value, sad);
  json_builder_begin_object (b);
  add_string (b, "SAD", value);
  json_builder_set_member_name (b, "expiresIn");
  json_builder_add_int_value (b, call->self->expiry_seconds);
  json_builder_end_object (b);
  reply (call, 200, b);
}

/* --- signing ---------------------------------------------------------------------------------- */

static void
reply_outcome (KysoSandbox *self, SoupServerMessage *msg, KysoSandboxTxn *txn, gboolean polling)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  switch (txn->state)
    {
      case KYSO_SANDBOX_TXN_APPROVED:
        {
          g_autoptr (GPtrArray) sigs = kyso_sandbox_txn_dup_signatures (self, txn);
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
          node = json_builder_get_root (b);
          kyso_sandbox_reply_json (self, msg, 200, node);
        }
        break;
      case KYSO_SANDBOX_TXN_REFUSED:
        kyso_sandbox_reply_error (self, msg, 400, "access_denied",
                                  "The user refused the signature on the phone");
        break;
      case KYSO_SANDBOX_TXN_EXPIRED:
        kyso_sandbox_reply_error (self, msg, 400, "expired_transaction",
                                  "The user did not answer on the phone in time");
        break;
      case KYSO_SANDBOX_TXN_PENDING:
      default:
        json_builder_begin_object (b);
        add_string (b, "responseID", txn->id);
        add_string (b, "status", "pending");
        json_builder_end_object (b);
        node = json_builder_get_root (b);
        kyso_sandbox_reply_json (self, msg, polling ? 202 : 200, node);
        break;
    }
}

static void
sync_decided (KysoSandbox *self, KysoSandboxTxn *txn, gpointer data)
{
  reply_outcome (self, data, txn, FALSE);
}

static gboolean
same_hashes (GPtrArray *a, GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (!g_bytes_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
      return FALSE;
  return TRUE;
}

static void
handle_sign_hash (Call *call)
{
  const char *sad_value = get_string (call, "SAD");
  const char *sign_algo = get_string (call, "signAlgo");
  const char *hash_oid = get_string (call, "hashAlgorithmOID");
  const char *mode = call->v2 ? get_string (call, "operationMode") : NULL;
  Sad *sad = sad_value != NULL ? g_hash_table_lookup (call->self->csc_sads, sad_value) : NULL;
  int md_nid = NID_sha256;
  g_autoptr (GPtrArray) hashes = NULL;
  g_autoptr (GPtrArray) doc_ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *id = NULL;
  g_autofree char *random = kyso_sandbox_random_token (12);
  KysoSandboxTxn *txn;
  const char *client_data;

  if (hash_oid == NULL && !call->v2)
    hash_oid = get_string (call, "hashAlgo");
  if (!check_credential (call, TRUE))
    return;
  if (sign_algo == NULL || (!g_str_equal (sign_algo, OID_RSA) && !g_str_equal (sign_algo, OID_SHA256_RSA)))
    {
      error (call, 400, "invalid_request", "Invalid parameter signAlgo");
      return;
    }
  if (hash_oid != NULL)
    md_nid = OBJ_txt2nid (hash_oid);
  else if (g_str_equal (sign_algo, OID_RSA))
    md_nid = NID_undef;
  if ((md_nid != NID_sha256 && md_nid != NID_sha384 && md_nid != NID_sha512)
      || (g_str_equal (sign_algo, OID_SHA256_RSA) && md_nid != NID_sha256))
    {
      error (call, 400, "invalid_request", "Invalid parameter hashAlgorithmOID");
      return;
    }
  if (mode != NULL && !g_str_equal (mode, "A") && !g_str_equal (mode, "S"))
    {
      error (call, 400, "invalid_request", "Invalid parameter operationMode");
      return;
    }
  if ((hashes = read_hashes (call, EVP_MD_get_size (EVP_get_digestbynid (md_nid)), TRUE)) == NULL)
    return;
  if (sad == NULL || sad->citizen != call->citizen || g_get_real_time () >= sad->expires
      || sad->remaining < hashes->len || (sad->hashes != NULL && !same_hashes (sad->hashes, hashes)))
    {
      error (call, 400, "invalid_sad", "The SAD is not valid for this request");
      return;
    }
  sad->remaining -= hashes->len;
  if (sad->remaining == 0)
    g_hash_table_remove (call->self->csc_sads, sad_value);

  for (guint i = 0; i < hashes->len; i++)
    g_ptr_array_add (doc_ids, g_strdup_printf ("hash-%u", i + 1));
  client_data = get_string (call, "clientData");
  id = g_strconcat ("csc-", random, NULL);
  txn = kyso_sandbox_txn_new (call->self, id, "csc", call->citizen, client_data != NULL ? client_data : "",
                              g_steal_pointer (&doc_ids), g_steal_pointer (&hashes), md_nid, NULL);
  if (mode != NULL && g_str_equal (mode, "A"))
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_string (b, "responseID", txn->id);
      json_builder_end_object (b);
      reply (call, 200, b);
      return;
    }
  /* Synchronous: hold the request until the phone decides (or the transaction lapses). */
  kyso_sandbox_hold (call->self, call->msg);
  kyso_sandbox_txn_wait (call->self, txn, sync_decided, g_object_ref (call->msg), g_object_unref);
}

static void
handle_polling (Call *call)
{
  KysoSandboxTxn *txn = kyso_sandbox_txn_lookup (call->self, get_string (call, "responseID"));

  if (txn == NULL || !g_str_equal (txn->service, "csc") || txn->citizen != call->citizen
      || g_strcmp0 (get_string (call, "responseID"), "latest") == 0)
    {
      error (call, 400, "invalid_response_id", "Invalid parameter responseID");
      return;
    }
  reply_outcome (call->self, call->msg, txn, TRUE);
}

/* --- dispatch --------------------------------------------------------------------------------- */

static const struct
{
  const char *method;
  const char *kind;
  gboolean token;
  gboolean v2_only;
  void (*handle) (Call *call);
} methods[] = {
  { "info", "csc/info", FALSE, FALSE, handle_info },
  { "auth/login", "csc/login", FALSE, FALSE, handle_login },
  { "credentials/list", "csc/list", TRUE, FALSE, handle_list },
  { "credentials/info", "csc/credinfo", TRUE, FALSE, handle_cred_info },
  { "credentials/authorize", "csc/authorize", TRUE, FALSE, handle_authorize },
  { "signatures/signHash", "csc/signHash", TRUE, FALSE, handle_sign_hash },
  { "signatures/signPolling", "csc/signPolling", TRUE, TRUE, handle_polling },
};

static void
csc_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
             gpointer user_data)
{
  Call call = { user_data, msg, NULL, NULL, g_str_has_prefix (path, "/csc/v2/") };
  const char *rest;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonObject) empty = json_object_new ();

  if (!g_str_has_prefix (path, "/csc/v2/") && !g_str_has_prefix (path, "/csc/v1/"))
    {
      error (&call, 404, "invalid_request", "Unknown API version (v1, v2)");
      return;
    }
  rest = path + strlen ("/csc/v2/");
  for (gsize i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      Token *token;
      if (!g_str_equal (rest, methods[i].method) || (methods[i].v2_only && !call.v2))
        continue;
      if (!kyso_sandbox_begin (call.self, msg, methods[i].kind))
        return;
      if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
        {
          error (&call, 405, "invalid_request", "Use POST");
          return;
        }
      /* An empty body is an empty request (info, auth/login); anything else must be an object. */
      node = kyso_sandbox_parse_request (msg, NULL);
      if (node != NULL && !JSON_NODE_HOLDS_OBJECT (node))
        {
          error (&call, 400, "invalid_request", "The body must be a JSON object");
          return;
        }
      if (node == NULL && soup_server_message_get_request_body (msg)->length > 0)
        {
          error (&call, 400, "invalid_request", "The body is not JSON");
          return;
        }
      call.req = node != NULL ? json_node_get_object (node) : empty;
      if (methods[i].token)
        {
          const char *bearer = kyso_sandbox_get_bearer (msg);
          token = bearer != NULL ? g_hash_table_lookup (call.self->csc_tokens, bearer) : NULL;
          if (token == NULL || g_get_real_time () >= token->expires)
            {
              error (&call, 401, "invalid_token", "Missing or invalid access token");
              return;
            }
          call.citizen = token->citizen;
        }
      methods[i].handle (&call);
      return;
    }
  error (&call, 404, "invalid_request", "Unknown method");
}

void
kyso_sandbox_csc_install (KysoSandbox *self)
{
  g_autofree char *url = kyso_sandbox_dup_url (self, "/csc/v2/");
  g_autofree char *url_v1 = kyso_sandbox_dup_url (self, "/csc/v1/");

  self->csc_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->csc_sads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, sad_free);
  kyso_sandbox_add_handler (self, "/csc", csc_handler, self);
  kyso_sandbox_set_url (self, "csc", url);
  kyso_sandbox_set_url (self, "csc_v1", url_v1);
  kyso_sandbox_set_config (self, "csc", "url", url);
  kyso_sandbox_set_config (self, "csc", "client_id", "kyso-sandbox");
}
