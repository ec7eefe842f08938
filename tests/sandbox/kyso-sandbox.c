/* The core of kyso-sandbox: the HTTPS server, faults, replies, JWTs and the files it writes. */

#include "kyso-sandbox-private.h"

#include <glib/gstdio.h>
#include <openssl/core_names.h>
#include <openssl/rand.h>

static void
citizen_free (gpointer data)
{
  KysoSandboxCitizen *c = data;

  g_free (c->name);
  g_free (c->cccd);
  g_free (c->provider);
  g_free (c->provider_id);
  g_free (c->email);
  g_free (c->phone);
  g_free (c->username);
  if (c->password != NULL)
    memset (c->password, 0, strlen (c->password));
  g_free (c->password);
  g_free (c->credential_id);
  EVP_PKEY_free (c->key);
  X509_free (c->cert);
  X509_free (c->issuer);
  X509_free (c->expired_twin);
  X509_free (c->revoked_twin);
  g_free (c);
}

static void
provider_free (gpointer data)
{
  KysoSandboxProvider *p = data;

  g_free (p->name);
  g_free (p->id);
  EVP_PKEY_free (p->key);
  X509_free (p->cert);
  X509_free (p->ocsp_cert);
  g_free (p);
}

typedef struct
{
  GDestroyNotify destroy;
  gpointer data;
} Cleanup;

void
kyso_sandbox_add_cleanup (KysoSandbox *self, GDestroyNotify destroy, gpointer data)
{
  Cleanup cleanup = { destroy, data };
  g_array_append_val (self->cleanups, cleanup);
}

KysoSandbox *
kyso_sandbox_new (const char *state_dir)
{
  KysoSandbox *self = g_new0 (KysoSandbox, 1);

  self->state_dir = g_canonicalize_filename (state_dir, NULL);
  self->expiry_seconds = 300;
  self->sp_id = g_strdup ("kyso-sandbox-sp");
  self->providers = g_ptr_array_new_with_free_func (provider_free);
  self->citizens = g_ptr_array_new_with_free_func (citizen_free);
  self->issued = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->fault_modes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->faults = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->fault_fired = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->urls = json_object_new ();
  self->extra = json_object_new ();
  self->conf = g_key_file_new ();
  self->cleanups = g_array_new (FALSE, FALSE, sizeof (Cleanup));

  kyso_sandbox_register_fault (self, "http500", TRUE);
  kyso_sandbox_register_fault (self, "drop", TRUE);
  kyso_sandbox_register_fault (self, "slow", FALSE);
  kyso_sandbox_register_fault (self, "badjson", FALSE);
  kyso_sandbox_register_fault (self, "badsig", FALSE);
  kyso_sandbox_register_fault (self, "expired-cert", FALSE);
  kyso_sandbox_register_fault (self, "revoked-cert", FALSE);
  return self;
}

void
kyso_sandbox_free (KysoSandbox *self)
{
  if (self == NULL)
    return;
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  if (self->http_server != NULL)
    soup_server_disconnect (self->http_server);
  g_clear_object (&self->server);
  g_clear_object (&self->http_server);
  for (guint i = self->cleanups->len; i > 0; i--)
    {
      Cleanup *cleanup = &g_array_index (self->cleanups, Cleanup, i - 1);
      cleanup->destroy (cleanup->data);
    }
  g_array_unref (self->cleanups);
  /* Transactions hold timers and held requests: drop them before what they point to. */
  g_clear_pointer (&self->txn_order, g_ptr_array_unref);
  g_clear_pointer (&self->txns, g_hash_table_unref);
  g_clear_pointer (&self->csc_tokens, g_hash_table_unref);
  g_clear_pointer (&self->csc_sads, g_hash_table_unref);
  g_clear_pointer (&self->recorded, g_ptr_array_unref);
  g_clear_pointer (&self->seal_cert, X509_free);
  g_ptr_array_unref (self->citizens);
  g_ptr_array_unref (self->providers);
  g_hash_table_unref (self->issued);
  g_hash_table_unref (self->fault_modes);
  g_hash_table_unref (self->faults);
  g_hash_table_unref (self->fault_fired);
  json_object_unref (self->urls);
  json_object_unref (self->extra);
  g_key_file_unref (self->conf);
  EVP_PKEY_free (self->root_key);
  X509_free (self->root_cert);
  EVP_PKEY_free (self->tls_key);
  X509_free (self->tls_cert);
  EVP_PKEY_free (self->tsa_key);
  X509_free (self->tsa_cert);
  EVP_PKEY_free (self->ocsp_key);
  EVP_PKEY_free (self->jwt_key);
  X509_free (self->jwt_cert);
  g_free (self->jwt_kid);
  g_free (self->root_file);
  g_free (self->sp_id);
  g_free (self->sp_password);
  g_free (self->base_url);
  g_free (self->http_base_url);
  g_free (self->state_dir);
  g_free (self);
}

/* --- accessors -------------------------------------------------------------------------------- */

SoupServer *
kyso_sandbox_get_server (KysoSandbox *self)
{
  return self->server;
}

const char *
kyso_sandbox_get_base_url (KysoSandbox *self)
{
  return self->base_url;
}

char *
kyso_sandbox_dup_url (KysoSandbox *self, const char *path)
{
  return g_strconcat (self->base_url, path, NULL);
}

const char *
kyso_sandbox_get_state_dir (KysoSandbox *self)
{
  return self->state_dir;
}

guint
kyso_sandbox_get_expiry_seconds (KysoSandbox *self)
{
  return self->expiry_seconds;
}

GPtrArray *
kyso_sandbox_get_citizens (KysoSandbox *self)
{
  return self->citizens;
}

KysoSandboxCitizen *
kyso_sandbox_find_citizen (KysoSandbox *self, const char *cccd_or_username)
{
  if (cccd_or_username == NULL)
    return NULL;
  for (guint i = 0; i < self->citizens->len; i++)
    {
      KysoSandboxCitizen *c = g_ptr_array_index (self->citizens, i);
      if (g_str_equal (c->cccd, cccd_or_username) || g_str_equal (c->username, cccd_or_username))
        return c;
    }
  return NULL;
}

const char *
kyso_sandbox_citizen_status_to_string (KysoSandboxCitizenStatus status)
{
  switch (status)
    {
      case KYSO_SANDBOX_CITIZEN_REVOKED:
        return "revoked";
      case KYSO_SANDBOX_CITIZEN_EXPIRED:
        return "expired";
      case KYSO_SANDBOX_CITIZEN_GOOD:
      default:
        return "good";
    }
}

X509 *
kyso_sandbox_get_root_cert (KysoSandbox *self)
{
  return self->root_cert;
}

EVP_PKEY *
kyso_sandbox_get_root_key (KysoSandbox *self)
{
  return self->root_key;
}

const char *
kyso_sandbox_get_root_file (KysoSandbox *self)
{
  return self->root_file;
}

EVP_PKEY *
kyso_sandbox_get_jwt_key (KysoSandbox *self)
{
  return self->jwt_key;
}

X509 *
kyso_sandbox_get_jwt_cert (KysoSandbox *self)
{
  return self->jwt_cert;
}

const char *
kyso_sandbox_get_jwt_kid (KysoSandbox *self)
{
  return self->jwt_kid;
}

void
kyso_sandbox_log (KysoSandbox *self, const char *format, ...)
{
  va_list args;
  g_autofree char *line = NULL;

  if (self->quiet)
    return;
  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("kyso-sandbox: %s\n", line);
}

char *
kyso_sandbox_format_time (gint64 unix_seconds)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
base64url (const guchar *data, gsize len)
{
  char *s = g_base64_encode (data, len);
  char *end = s + strlen (s);

  for (char *p = s; *p; p++)
    if (*p == '+')
      *p = '-';
    else if (*p == '/')
      *p = '_';
  while (end > s && end[-1] == '=')
    *--end = '\0';
  return s;
}

char *
kyso_sandbox_random_token (gsize n_bytes)
{
  g_autofree guchar *buf = g_malloc (n_bytes);

  RAND_bytes (buf, (int)n_bytes);
  return base64url (buf, n_bytes);
}

/* --- JWT -------------------------------------------------------------------------------------- */

char *
kyso_sandbox_jwt_sign (KysoSandbox *self, JsonObject *claims)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) header = NULL;
  g_autoptr (JsonNode) payload = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *header_text = NULL;
  g_autofree char *payload_text = NULL;
  g_autofree char *h64 = NULL;
  g_autofree char *p64 = NULL;
  g_autofree char *input = NULL;
  g_autofree char *s64 = NULL;
  guchar sig[1024];
  size_t sig_len = sizeof sig;
  EVP_MD_CTX *md = EVP_MD_CTX_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "alg");
  json_builder_add_string_value (b, "RS256");
  json_builder_set_member_name (b, "typ");
  json_builder_add_string_value (b, "JWT");
  json_builder_set_member_name (b, "kid");
  json_builder_add_string_value (b, self->jwt_kid);
  json_builder_end_object (b);
  header = json_builder_get_root (b);
  json_node_set_object (payload, claims);
  header_text = json_to_string (header, FALSE);
  payload_text = json_to_string (payload, FALSE);
  h64 = base64url ((const guchar *)header_text, strlen (header_text));
  p64 = base64url ((const guchar *)payload_text, strlen (payload_text));
  input = g_strconcat (h64, ".", p64, NULL);
  if (EVP_DigestSignInit (md, NULL, EVP_sha256 (), NULL, self->jwt_key) <= 0
      || EVP_DigestSign (md, sig, &sig_len, (const guchar *)input, strlen (input)) <= 0)
    g_error ("kyso-sandbox: cannot sign a JWT");
  EVP_MD_CTX_free (md);
  s64 = base64url (sig, sig_len);
  return g_strconcat (input, ".", s64, NULL);
}

static char *
bn_param_b64url (EVP_PKEY *key, const char *name)
{
  BIGNUM *bn = NULL;
  g_autofree guchar *buf = NULL;
  int len;
  char *result;

  EVP_PKEY_get_bn_param (key, name, &bn);
  len = BN_num_bytes (bn);
  buf = g_malloc (len);
  BN_bn2bin (bn, buf);
  result = base64url (buf, len);
  BN_free (bn);
  return result;
}

JsonNode *
kyso_sandbox_dup_jwks (KysoSandbox *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *n = bn_param_b64url (self->jwt_key, OSSL_PKEY_PARAM_RSA_N);
  g_autofree char *e = bn_param_b64url (self->jwt_key, OSSL_PKEY_PARAM_RSA_E);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "keys");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kty");
  json_builder_add_string_value (b, "RSA");
  json_builder_set_member_name (b, "use");
  json_builder_add_string_value (b, "sig");
  json_builder_set_member_name (b, "alg");
  json_builder_add_string_value (b, "RS256");
  json_builder_set_member_name (b, "kid");
  json_builder_add_string_value (b, self->jwt_kid);
  json_builder_set_member_name (b, "n");
  json_builder_add_string_value (b, n);
  json_builder_set_member_name (b, "e");
  json_builder_add_string_value (b, e);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* --- faults ----------------------------------------------------------------------------------- */

void
kyso_sandbox_register_fault (KysoSandbox *self, const char *mode, gboolean once)
{
  g_hash_table_replace (self->fault_modes, g_strdup (mode), GINT_TO_POINTER (once ? 2 : 1));
}

gboolean
kyso_sandbox_add_fault (KysoSandbox *self, const char *spec, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (spec, "=", 2);
  g_autofree char *base = g_strdup (parts[0]);

  if (g_str_has_suffix (base, "-always"))
    base[strlen (base) - strlen ("-always")] = '\0';
  else if (g_str_has_suffix (base, "-once"))
    base[strlen (base) - strlen ("-once")] = '\0';
  if (!g_hash_table_contains (self->fault_modes, base))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "Unknown fault “%s”", spec);
      return FALSE;
    }
  if (parts[1] != NULL && !g_str_equal (base, "slow"))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "Fault “%s” takes no value", base);
      return FALSE;
    }
  g_hash_table_replace (self->faults, g_strdup (parts[0]), g_strdup (parts[1] != NULL ? parts[1] : ""));
  return TRUE;
}

void
kyso_sandbox_remove_fault (KysoSandbox *self, const char *mode)
{
  g_autofree char *base = g_strdup (mode);
  char *eq = strchr (base, '=');

  if (eq != NULL)
    *eq = '\0';
  g_hash_table_remove (self->faults, base);
}

void
kyso_sandbox_clear_faults (KysoSandbox *self)
{
  g_hash_table_remove_all (self->faults);
  g_hash_table_remove_all (self->fault_fired);
}

JsonNode *
kyso_sandbox_dup_fault_list (KysoSandbox *self)
{
  g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (self->faults), (GCompareFunc)g_strcmp0);
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (GList *l = keys; l != NULL; l = l->next)
    {
      const char *value = g_hash_table_lookup (self->faults, l->data);
      g_autofree char *spec = *value != '\0' ? g_strconcat (l->data, "=", value, NULL) : g_strdup (l->data);
      json_array_add_string_element (array, spec);
    }
  json_node_take_array (node, array);
  return node;
}

static const char *
active_fault (KysoSandbox *self, const char *mode, gboolean *once)
{
  g_autofree char *always = g_strconcat (mode, "-always", NULL);
  g_autofree char *once_mode = g_strconcat (mode, "-once", NULL);
  const char *value;

  if ((value = g_hash_table_lookup (self->faults, always)) != NULL)
    {
      *once = FALSE;
      return value;
    }
  if ((value = g_hash_table_lookup (self->faults, once_mode)) != NULL)
    {
      *once = TRUE;
      return value;
    }
  if ((value = g_hash_table_lookup (self->faults, mode)) != NULL)
    {
      *once = GPOINTER_TO_INT (g_hash_table_lookup (self->fault_modes, mode)) == 2;
      return value;
    }
  return NULL;
}

gboolean
kyso_sandbox_has_fault (KysoSandbox *self, const char *mode)
{
  gboolean once;
  return active_fault (self, mode, &once) != NULL;
}

gboolean
kyso_sandbox_take_fault (KysoSandbox *self, const char *mode, const char *kind)
{
  gboolean once = FALSE;
  g_autofree char *key = NULL;

  if (active_fault (self, mode, &once) == NULL)
    return FALSE;
  if (!once)
    return TRUE;
  key = g_strconcat (mode, "\x1f", kind != NULL ? kind : "", NULL);
  if (g_hash_table_contains (self->fault_fired, key))
    return FALSE;
  g_hash_table_add (self->fault_fired, g_steal_pointer (&key));
  return TRUE;
}

guint
kyso_sandbox_get_slow_seconds (KysoSandbox *self)
{
  gboolean once;
  const char *value = active_fault (self, "slow", &once);

  if (value == NULL)
    return 0;
  return *value != '\0' ? (guint)CLAMP (g_ascii_strtoull (value, NULL, 10), 1, 600) : 3;
}

/* --- requests and replies --------------------------------------------------------------------- */

#define KIND_KEY "kyso-sandbox-kind"
#define HELD_KEY "kyso-sandbox-held"
#define FINISHED_KEY "kyso-sandbox-finished"

static void
reply_plain (SoupServerMessage *msg, guint status, const char *content_type, const char *data, gsize len)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, data, len);
}

#define MAX_RECORDED 400

/* Kept for the contract tests (GET control/requests): the body exactly as it came. */
static void
record_request (KysoSandbox *self, SoupServerMessage *msg, const char *kind)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  const char *ctype = soup_message_headers_get_one (headers, "Content-Type");
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *scheme = auth != NULL ? g_strndup (auth, strcspn (auth, " ")) : NULL;
  g_autofree char *text = body != NULL && body->length > 0 ? g_strndup (body->data, body->length) : NULL;

  if (self->recorded == NULL)
    self->recorded = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, kind);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, soup_server_message_get_method (msg));
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, g_uri_get_path (soup_server_message_get_uri (msg)));
  json_builder_set_member_name (b, "content_type");
  if (ctype != NULL)
    json_builder_add_string_value (b, ctype);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "authorization");
  if (scheme != NULL)
    json_builder_add_string_value (b, scheme);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "body");
  if (text != NULL && g_utf8_validate (text, -1, NULL))
    json_builder_add_string_value (b, text);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  if (self->recorded->len >= MAX_RECORDED)
    g_ptr_array_remove_index (self->recorded, 0);
  g_ptr_array_add (self->recorded, json_builder_get_root (b));
}

JsonNode *
kyso_sandbox_dup_recorded (KysoSandbox *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "requests");
  json_builder_begin_array (b);
  for (guint i = 0; self->recorded != NULL && i < self->recorded->len; i++)
    json_builder_add_value (b, json_node_copy (g_ptr_array_index (self->recorded, i)));
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

void
kyso_sandbox_clear_recorded (KysoSandbox *self)
{
  if (self->recorded != NULL)
    g_ptr_array_set_size (self->recorded, 0);
}

gboolean
kyso_sandbox_begin (KysoSandbox *self, SoupServerMessage *msg, const char *kind)
{
  static const char body[]
    = "{\"status_code\": 500, \"message\": \"internal_error\", "
      "\"error\": \"server_error\", \"error_description\": \"Injected fault http500\", "
      "\"data\": null}";

  g_object_set_data_full (G_OBJECT (msg), KIND_KEY, g_strdup (kind), g_free);
  record_request (self, msg, kind);
  if (kyso_sandbox_take_fault (self, "http500", kind))
    {
      reply_plain (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "application/json", body, strlen (body));
      return FALSE;
    }
  return TRUE;
}

static void
on_finished (SoupServerMessage *msg)
{
  g_object_set_data (G_OBJECT (msg), FINISHED_KEY, GINT_TO_POINTER (1));
}

void
kyso_sandbox_hold (KysoSandbox *self, SoupServerMessage *msg)
{
  if (g_object_get_data (G_OBJECT (msg), HELD_KEY) != NULL)
    return;
  g_object_set_data (G_OBJECT (msg), HELD_KEY, GINT_TO_POINTER (1));
  soup_server_message_pause (msg);
}

static void
resume (SoupServerMessage *msg)
{
  if (g_object_get_data (G_OBJECT (msg), HELD_KEY) == NULL)
    return;
  g_object_set_data (G_OBJECT (msg), HELD_KEY, NULL);
  /* The client may have gone while we held its request. */
  if (g_object_get_data (G_OBJECT (msg), FINISHED_KEY) == NULL)
    soup_server_message_unpause (msg);
}

static gboolean
resume_cb (gpointer data)
{
  resume (data);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  SoupServerMessage *msg;
  guint status;
  char *content_type;
  GBytes *body;
} Drop;

static void
drop_free (Drop *drop)
{
  g_object_unref (drop->msg);
  g_free (drop->content_type);
  g_bytes_unref (drop->body);
  g_free (drop);
}

/* Answers headers that announce the whole body, sends half of it and closes: the client sees a
 * connection lost in the middle of an answer. Done from an idle so that libsoup is not inside
 * its own I/O code when the connection is taken from it. */
static gboolean
drop_idle (gpointer data)
{
  Drop *drop = data;
  GIOStream *stream = NULL;
  gsize len = 0;
  const char *body = g_bytes_get_data (drop->body, &len);
  g_autofree char *head = NULL;
  GOutputStream *out;

  if (g_object_get_data (G_OBJECT (drop->msg), FINISHED_KEY) == NULL)
    stream = soup_server_message_steal_connection (drop->msg);
  if (stream != NULL)
    {
      head
        = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: %s\r\nContent-Length: %" G_GSIZE_FORMAT
                           "\r\nConnection: close\r\n\r\n",
                           drop->status, soup_status_get_phrase (drop->status), drop->content_type, len + 64);
      out = g_io_stream_get_output_stream (stream);
      g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL);
      g_output_stream_write_all (out, body, len / 2, NULL, NULL, NULL);
      g_output_stream_flush (out, NULL, NULL);
      g_io_stream_close (stream, NULL, NULL);
      g_object_unref (stream);
    }
  drop_free (drop);
  return G_SOURCE_REMOVE;
}

static void
reply_with_faults (KysoSandbox *self, SoupServerMessage *msg, guint status, const char *content_type,
                   GBytes *body, gboolean json)
{
  const char *kind = g_object_get_data (G_OBJECT (msg), KIND_KEY);
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : "";
  guint delay;

  if (kind != NULL && json && kyso_sandbox_has_fault (self, "badjson"))
    len /= 2;
  if (kind != NULL && kyso_sandbox_take_fault (self, "drop", kind))
    {
      Drop *drop = g_new0 (Drop, 1);
      drop->msg = g_object_ref (msg);
      drop->status = status;
      drop->content_type = g_strdup (content_type);
      drop->body = g_bytes_new (data, len);
      kyso_sandbox_hold (self, msg);
      g_idle_add (drop_idle, drop);
      return;
    }
  reply_plain (msg, status, content_type, data, len);
  delay = kind != NULL ? kyso_sandbox_get_slow_seconds (self) : 0;
  if (delay > 0)
    {
      kyso_sandbox_hold (self, msg);
      /* Not g_timeout_add_seconds(): its first tick may come early. */
      g_timeout_add_full (G_PRIORITY_DEFAULT, delay * 1000, resume_cb, g_object_ref (msg), g_object_unref);
    }
  else
    resume (msg);
}

void
kyso_sandbox_reply_bytes (KysoSandbox *self, SoupServerMessage *msg, guint status, const char *content_type,
                          GBytes *body)
{
  reply_with_faults (self, msg, status, content_type, body, FALSE);
}

void
kyso_sandbox_reply_json (KysoSandbox *self, SoupServerMessage *msg, guint status, JsonNode *body)
{
  g_autofree char *text = body != NULL ? json_to_string (body, FALSE) : g_strdup ("");
  g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), strlen (text));

  reply_with_faults (self, msg, status, "application/json", bytes, TRUE);
}

void
kyso_sandbox_reply_error (KysoSandbox *self, SoupServerMessage *msg, guint status, const char *error,
                          const char *description)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, error);
  json_builder_set_member_name (b, "error_description");
  json_builder_add_string_value (b, description);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  kyso_sandbox_reply_json (self, msg, status, node);
}

JsonNode *
kyso_sandbox_parse_request (SoupServerMessage *msg, GError **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (JsonParser) parser = json_parser_new ();

  if (body == NULL || body->length == 0)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA, "empty body");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, body->data, (gssize)body->length, error))
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

const char *
kyso_sandbox_get_bearer (SoupServerMessage *msg)
{
  const char *value
    = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;
  return value + 7;
}

void
kyso_sandbox_add_handler (KysoSandbox *self, const char *path, SoupServerCallback callback,
                          gpointer user_data)
{
  soup_server_add_handler (self->server, path, callback, user_data, NULL);
}

/* --- listening -------------------------------------------------------------------------------- */

static void
on_request_started (SoupServer *server, SoupServerMessage *msg)
{
  g_signal_connect (msg, "finished", G_CALLBACK (on_finished), NULL);
}

static void
on_request_finished (SoupServer *server, SoupServerMessage *msg, KysoSandbox *self)
{
  /* Only method, path and status: bodies and query strings may carry secrets. */
  kyso_sandbox_log (self, "%s %s → %u", soup_server_message_get_method (msg),
                    g_uri_get_path (soup_server_message_get_uri (msg)), soup_server_message_get_status (msg));
}

static guint
listen_port (SoupServer *server, guint wanted, guint previous, gboolean https, GError **error)
{
  SoupServerListenOptions flags = SOUP_SERVER_LISTEN_IPV4_ONLY | (https ? SOUP_SERVER_LISTEN_HTTPS : 0);
  g_autoptr (GSList) uris = NULL;
  guint port;

  /* Port 0: reuse last run's port if free, so that the certificates stay as they are. */
  if (wanted != 0 || previous == 0 || !soup_server_listen_local (server, previous, flags, NULL))
    if (!soup_server_listen_local (server, wanted, flags, error))
      return 0;
  uris = soup_server_get_uris (server);
  port = (guint)g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify)g_uri_unref);
  return port;
}

gboolean
kyso_sandbox_listen (KysoSandbox *self, guint port, GError **error)
{
  g_autofree char *cert_file = g_build_filename (self->state_dir, "tls", "tls.pem", NULL);
  g_autofree char *key_file = g_build_filename (self->state_dir, "tls", "tls.key", NULL);
  g_autoptr (GTlsCertificate) cert = g_tls_certificate_new_from_files (cert_file, key_file, error);
  SoupServer *servers[2];

  if (cert == NULL)
    return FALSE;
  self->server = soup_server_new ("tls-certificate", cert, "server-header", "kyso-sandbox ", NULL);
  self->http_server = soup_server_new ("server-header", "kyso-sandbox ", NULL);
  servers[0] = self->server;
  servers[1] = self->http_server;
  for (guint i = 0; i < 2; i++)
    {
      g_signal_connect (servers[i], "request-started", G_CALLBACK (on_request_started), NULL);
      g_signal_connect (servers[i], "request-finished", G_CALLBACK (on_request_finished), self);
    }
  if ((self->port = listen_port (self->server, port, self->previous_port, TRUE, error)) == 0)
    return FALSE;
  if ((self->http_port = listen_port (self->http_server, 0, self->previous_http_port, FALSE, error)) == 0)
    return FALSE;
  self->base_url = g_strdup_printf ("https://127.0.0.1:%u", self->port);
  self->http_base_url = g_strdup_printf ("http://127.0.0.1:%u", self->http_port);
  return TRUE;
}
