/* The portal part of kyso-sandbox: a Keycloak-shaped OpenID Connect provider (realm "digo", client
 * "web-padsvc") with the direct "ID number + password, then OTP" login, and the control endpoints the
 * portal tests use. The API lives in kyso-sandbox-portal-api.c. Documented in README.md, "Portal". */

#include "kyso-sandbox-portal-private.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

#define CODE_LIFETIME 60
#define REFRESH_LIFETIME 1800
#define OTP_LIFETIME 300
#define OTP_ATTEMPTS 5

typedef struct
{
  char *client_id;
  char *redirect_uri;
  char *challenge;
  char *nonce;
  char *username;
  gint64 expires;
} AuthCode;

typedef struct
{
  char *code;
  gint64 expires;
  guint attempts;
} Otp;

static void
auth_code_free (gpointer data)
{
  AuthCode *c = data;

  g_free (c->client_id);
  g_free (c->redirect_uri);
  g_free (c->challenge);
  g_free (c->nonce);
  g_free (c->username);
  g_free (c);
}

static void
otp_free (gpointer data)
{
  Otp *o = data;

  g_free (o->code);
  g_free (o);
}

static void
session_free (gpointer data)
{
  PortalSession *s = data;

  g_free (s->id);
  g_free (s->username);
  g_free (s);
}

static void
access_free (gpointer data)
{
  PortalAccess *a = data;

  g_free (a->token);
  g_free (a);
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
b64url (const guint8 *data, gsize len)
{
  char *text = g_base64_encode (data, len);
  char *out = text;

  for (char *p = text; *p != '\0' && *p != '='; p++)
    *out++ = *p == '+' ? '-' : *p == '/' ? '_' : *p;
  *out = '\0';
  return text;
}

/* 24 hex digits, the shape of the ids iGate's Keycloak puts in its tokens. */
static char *
hex_id (const char *what, const char *username)
{
  g_autofree char *seed = g_strconcat (what, ":", username, NULL);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, seed, -1);

  return g_strndup (sum, 24);
}

char *
portal_user_id (const char *username)
{
  return hex_id ("user", username);
}

char *
portal_account_id (const char *username)
{
  return hex_id ("account", username);
}

/* "0905000101" → "+84905000101", the form iGate's accounts use. */
static char *
international_phone (const char *phone)
{
  return phone != NULL && phone[0] == '0' ? g_strconcat ("+84", phone + 1, NULL) : g_strdup (phone);
}

char *
portal_random_id (gsize bytes)
{
  guint8 buf[64];

  g_assert (bytes <= sizeof buf);
  if (RAND_bytes (buf, (int)bytes) != 1)
    g_error ("RAND_bytes failed");
  return b64url (buf, bytes);
}

/* Keycloak's subjects are UUIDs: derive a stable one from the CCCD. */
static char *
subject_of (const char *username)
{
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA1, username, -1);

  return g_strdup_printf ("%.8s-%.4s-4%.3s-8%.3s-%.12s", sha, sha + 8, sha + 13, sha + 17, sha + 20);
}

/* "0905000101" → "09******01" */
static char *
mask_phone (const char *phone)
{
  gsize n = strlen (phone);
  char *masked = g_strdup (phone);

  for (gsize i = 2; i + 2 < n; i++)
    masked[i] = '*';
  return masked;
}

/* ---- discovery, keys ---- */

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_strings (JsonBuilder *b, const char *name, const char *const *values)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (gsize i = 0; values[i] != NULL; i++)
    json_builder_add_string_value (b, values[i]);
  json_builder_end_array (b);
}

static void
discovery (Portal *portal, SoupServerMessage *msg)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  const char *p = portal->issuer;
  g_autofree char *auth = g_strconcat (p, "/protocol/openid-connect/auth", NULL);
  g_autofree char *token = g_strconcat (p, "/protocol/openid-connect/token", NULL);
  g_autofree char *certs = g_strconcat (p, "/protocol/openid-connect/certs", NULL);
  g_autofree char *userinfo = g_strconcat (p, "/protocol/openid-connect/userinfo", NULL);
  g_autofree char *logout = g_strconcat (p, "/protocol/openid-connect/logout", NULL);
  g_autofree char *revoke = g_strconcat (p, "/protocol/openid-connect/revoke", NULL);

  json_builder_begin_object (b);
  add_string (b, "issuer", p);
  add_string (b, "authorization_endpoint", auth);
  add_string (b, "token_endpoint", token);
  add_string (b, "jwks_uri", certs);
  add_string (b, "userinfo_endpoint", userinfo);
  add_string (b, "end_session_endpoint", logout);
  if (!portal->hide_revocation)
    add_string (b, "revocation_endpoint", revoke);
  add_strings (b, "grant_types_supported",
               (const char *[]){ "authorization_code", "refresh_token", "password", NULL });
  add_strings (b, "response_types_supported", (const char *[]){ "code", NULL });
  add_strings (b, "response_modes_supported", (const char *[]){ "query", NULL });
  add_strings (b, "subject_types_supported", (const char *[]){ "public", NULL });
  add_strings (b, "id_token_signing_alg_values_supported", (const char *[]){ "RS256", NULL });
  add_strings (b, "code_challenge_methods_supported", (const char *[]){ "plain", "S256", NULL });
  add_strings (b, "scopes_supported", (const char *[]){ "openid", "profile", "email", "phone", NULL });
  add_strings (b, "token_endpoint_auth_methods_supported", (const char *[]){ "none", NULL });
  add_strings (b, "claims_supported",
               (const char *[]){ "sub", "iss", "aud", "exp", "iat", "nonce", "name", "preferred_username",
                                 "email", "phone_number", NULL });
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  kyso_sandbox_reply_json (portal->sb, msg, 200, root);
}

/* ---- tokens ---- */

static PortalSession *
new_session (Portal *portal, const char *username)
{
  PortalSession *s = g_new0 (PortalSession, 1);

  s->id = portal_random_id (16);
  s->username = g_strdup (username);
  s->auth_time = now_s ();
  s->expires = now_s () + REFRESH_LIFETIME;
  g_hash_table_insert (portal->sessions, s->id, s);
  return s;
}

static void
end_session (Portal *portal, PortalSession *s)
{
  GHashTableIter iter;
  gpointer key, value;

  s->revoked = TRUE;
  g_hash_table_iter_init (&iter, portal->access);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (((PortalAccess *)value)->session == s)
      g_hash_table_iter_remove (&iter);
  g_hash_table_iter_init (&iter, portal->refresh);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (value == s)
      g_hash_table_iter_remove (&iter);
}

/* A token answer as Keycloak gives it; a new refresh token each time (the earlier ones of the
 * session stay valid until the session ends, as with Keycloak's default). */
static JsonNode *
issue_tokens (Portal *portal, PortalSession *s, const char *nonce)
{
  KysoSandboxCitizen *citizen = kyso_sandbox_find_citizen (portal->sb, s->username);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonBuilder) claims = json_builder_new ();
  g_autoptr (JsonNode) claims_node = NULL;
  g_autofree char *sub = subject_of (s->username);
  g_autofree char *id_token = NULL;
  PortalAccess *access = g_new0 (PortalAccess, 1);
  char *refresh = portal_random_id (32);
  g_autofree char *phone = international_phone (citizen->phone);
  g_autofree char *user_id = portal_user_id (s->username);
  g_autofree char *account_id = portal_account_id (s->username);
  g_autofree char *jti = portal_random_id (16);
  g_autoptr (JsonBuilder) at = json_builder_new ();
  g_autoptr (JsonNode) at_node = NULL;
  gint64 now = now_s ();

  /* The access token: an RS256 JWT as Keycloak's, with iGate's claims (REAL-SERVICES.md §5). */
  json_builder_begin_object (at);
  add_string (at, "jti", jti);
  add_string (at, "iss", portal->issuer);
  add_string (at, "sub", sub);
  add_string (at, "aud", "account");
  add_string (at, "azp", PORTAL_CLIENT_ID);
  add_string (at, "typ", "Bearer");
  json_builder_set_member_name (at, "exp");
  json_builder_add_int_value (at, now + portal->access_lifetime);
  json_builder_set_member_name (at, "iat");
  json_builder_add_int_value (at, now);
  add_string (at, "session_state", s->id);
  add_string (at, "scope", "openid profile email");
  add_string (at, "user_id", user_id);
  add_string (at, "account_id", account_id);
  add_string (at, "deployment_id", "sandbox-deployment");
  add_string (at, "preferred_username", phone);
  add_string (at, "name", citizen->name);
  json_builder_end_object (at);
  at_node = json_builder_get_root (at);

  access->token = kyso_sandbox_jwt_sign (portal->sb, json_node_get_object (at_node));
  access->session = s;
  access->expires = now + portal->access_lifetime;
  g_hash_table_insert (portal->access, access->token, access);
  g_hash_table_insert (portal->refresh, refresh, s);

  json_builder_begin_object (claims);
  add_string (claims, "iss", portal->issuer);
  add_string (claims, "sub", sub);
  add_string (claims, "aud", PORTAL_CLIENT_ID);
  add_string (claims, "azp", PORTAL_CLIENT_ID);
  json_builder_set_member_name (claims, "exp");
  json_builder_add_int_value (claims, now + portal->access_lifetime);
  json_builder_set_member_name (claims, "iat");
  json_builder_add_int_value (claims, now);
  json_builder_set_member_name (claims, "auth_time");
  json_builder_add_int_value (claims, s->auth_time);
  add_string (claims, "typ", "ID");
  add_string (claims, "session_state", s->id);
  if (nonce != NULL)
    add_string (claims, "nonce", nonce);
  add_string (claims, "name", citizen->name);
  add_string (claims, "preferred_username", phone);
  add_string (claims, "email", citizen->email);
  json_builder_end_object (claims);
  claims_node = json_builder_get_root (claims);
  id_token = kyso_sandbox_jwt_sign (portal->sb, json_node_get_object (claims_node));

  json_builder_begin_object (b);
  add_string (b, "access_token", access->token);
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, portal->access_lifetime);
  json_builder_set_member_name (b, "refresh_expires_in");
  json_builder_add_int_value (b, MAX (0, s->expires - now));
  add_string (b, "refresh_token", refresh);
  add_string (b, "token_type", "Bearer");
  add_string (b, "id_token", id_token);
  json_builder_set_member_name (b, "not-before-policy");
  json_builder_add_int_value (b, 0);
  add_string (b, "session_state", s->id);
  add_string (b, "scope", "openid profile email");
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
reply_tokens (Portal *portal, SoupServerMessage *msg, JsonNode *tokens)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Pragma", "no-cache");
  kyso_sandbox_reply_json (portal->sb, msg, 200, tokens);
}

static GHashTable *
form_of (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autofree char *text = NULL;

  if (body == NULL || body->length == 0)
    return g_hash_table_new (g_str_hash, g_str_equal);
  text = g_strndup (body->data, body->length);
  return soup_form_decode (text);
}

static gboolean
pkce_ok (const char *challenge, const char *verifier)
{
  guint8 digest[32];
  unsigned int len = sizeof digest;
  g_autofree char *computed = NULL;

  /* RFC 7636 §4.1: 43–128 characters. */
  if (verifier == NULL || strlen (verifier) < 43 || strlen (verifier) > 128)
    return FALSE;
  EVP_Digest (verifier, strlen (verifier), digest, &len, EVP_sha256 (), NULL);
  computed = b64url (digest, len);
  return g_strcmp0 (computed, challenge) == 0;
}

static void
grant_code (Portal *portal, SoupServerMessage *msg, GHashTable *form)
{
  const char *code = g_hash_table_lookup (form, "code");
  AuthCode *c = code != NULL ? g_hash_table_lookup (portal->codes, code) : NULL;
  g_autoptr (JsonNode) tokens = NULL;
  PortalSession *s;

  if (c == NULL || c->expires < now_s ())
    {
      if (c != NULL)
        g_hash_table_remove (portal->codes, code);
      kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_grant", "Code not valid");
      return;
    }
  if (g_strcmp0 (g_hash_table_lookup (form, "client_id"), c->client_id) != 0
      || g_strcmp0 (g_hash_table_lookup (form, "redirect_uri"), c->redirect_uri) != 0)
    {
      g_hash_table_remove (portal->codes, code);
      kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_grant", "Incorrect redirect_uri or client");
      return;
    }
  if (!pkce_ok (c->challenge, g_hash_table_lookup (form, "code_verifier")))
    {
      g_hash_table_remove (portal->codes, code);
      kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_grant", "PKCE verification failed");
      return;
    }
  s = new_session (portal, c->username);
  tokens = issue_tokens (portal, s, c->nonce);
  /* Codes are single-use. */
  g_hash_table_remove (portal->codes, code);
  kyso_sandbox_log (portal->sb, "portal: browser login of a citizen");
  reply_tokens (portal, msg, tokens);
}

static void
grant_refresh (Portal *portal, SoupServerMessage *msg, GHashTable *form)
{
  const char *token = g_hash_table_lookup (form, "refresh_token");
  PortalSession *s = token != NULL ? g_hash_table_lookup (portal->refresh, token) : NULL;
  g_autoptr (JsonNode) tokens = NULL;

  if (s == NULL || s->revoked || s->expires < now_s ())
    {
      kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_grant", "Session not active");
      return;
    }
  tokens = issue_tokens (portal, s, NULL);
  reply_tokens (portal, msg, tokens);
}

static void
send_otp (Portal *portal, KysoSandboxCitizen *citizen)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *message = NULL;
  g_autofree char *sent = kyso_sandbox_dup_url (portal->sb, "/");
  Otp *otp = g_new0 (Otp, 1);
  guint32 n;

  RAND_bytes ((guint8 *)&n, sizeof n);
  otp->code = g_strdup_printf ("%06u", n % 1000000);
  otp->expires = now_s () + OTP_LIFETIME;
  message = g_strdup_printf ("Ma OTP dang nhap Dich vu cong cua ban la %s. Ma co hieu luc trong 5 phut.",
                             otp->code);
  json_builder_begin_object (b);
  add_string (b, "phone", citizen->phone);
  add_string (b, "otp", otp->code);
  add_string (b, "message", message);
  json_builder_set_member_name (b, "sent");
  json_builder_add_int_value (b, now_s ());
  json_builder_end_object (b);
  /* The "SMS" is kept for the tests (GET /control/portal/sms); never logged. */
  g_hash_table_replace (portal->sms, g_strdup (citizen->phone), json_builder_get_root (b));
  g_hash_table_replace (portal->otps, g_strdup (citizen->username), otp);
  kyso_sandbox_log (portal->sb, "portal: OTP sent to a citizen's phone");
}

static void
grant_password (Portal *portal, SoupServerMessage *msg, GHashTable *form)
{
  const char *username = g_hash_table_lookup (form, "username");
  const char *password = g_hash_table_lookup (form, "password");
  const char *otp_given = g_hash_table_lookup (form, "otp");
  KysoSandboxCitizen *citizen = username != NULL ? kyso_sandbox_find_citizen (portal->sb, username) : NULL;
  g_autoptr (JsonNode) tokens = NULL;
  Otp *otp;

  if (citizen == NULL || password == NULL || g_strcmp0 (citizen->password, password) != 0)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 401, "invalid_grant", "Invalid user credentials");
      return;
    }
  otp = g_hash_table_lookup (portal->otps, citizen->username);
  if (otp_given == NULL || *otp_given == '\0')
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) answer = NULL;
      g_autofree char *hint = mask_phone (citizen->phone);
      g_autofree char *description = g_strdup_printf ("Mã OTP đã được gửi đến số điện thoại %s", hint);

      send_otp (portal, citizen);
      json_builder_begin_object (b);
      add_string (b, "error", "otp_required");
      add_string (b, "error_description", description);
      add_string (b, "phone_hint", hint);
      json_builder_end_object (b);
      answer = json_builder_get_root (b);
      kyso_sandbox_reply_json (portal->sb, msg, 401, answer);
      return;
    }
  if (otp == NULL || otp->expires < now_s () || ++otp->attempts > OTP_ATTEMPTS
      || strcmp (otp->code, otp_given) != 0)
    {
      if (otp != NULL && (otp->attempts >= OTP_ATTEMPTS || otp->expires < now_s ()))
        g_hash_table_remove (portal->otps, citizen->username);
      kyso_sandbox_reply_error (portal->sb, msg, 401, "invalid_otp", "Mã OTP không đúng hoặc đã hết hạn");
      return;
    }
  g_hash_table_remove (portal->otps, citizen->username);
  tokens = issue_tokens (portal, new_session (portal, citizen->username), NULL);
  kyso_sandbox_log (portal->sb, "portal: direct login of a citizen");
  reply_tokens (portal, msg, tokens);
}

static void
token_endpoint (Portal *portal, SoupServerMessage *msg)
{
  g_autoptr (GHashTable) form = NULL;
  const char *grant;

  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 405, "invalid_request", "POST only");
      return;
    }
  form = form_of (msg);
  if (g_strcmp0 (g_hash_table_lookup (form, "client_id"), PORTAL_CLIENT_ID) != 0)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 401, "unauthorized_client", "Invalid client credentials");
      return;
    }
  grant = g_hash_table_lookup (form, "grant_type");
  if (g_strcmp0 (grant, "authorization_code") == 0)
    grant_code (portal, msg, form);
  else if (g_strcmp0 (grant, "refresh_token") == 0)
    {
      /* Faults apply to refreshes (kind "portal/refresh"), not to logins. */
      if (kyso_sandbox_begin (portal->sb, msg, "portal/refresh"))
        grant_refresh (portal, msg, form);
    }
  else if (g_strcmp0 (grant, "password") == 0)
    grant_password (portal, msg, form);
  else
    kyso_sandbox_reply_error (portal->sb, msg, 400, "unsupported_grant_type", "Unsupported grant_type");
}

/* ---- the authorization endpoint (the "browser" side) ---- */

/* RFC 8252 §7.3: a native client's loopback redirect may use any port. */
static gboolean
redirect_ok (const char *redirect_uri)
{
  g_autoptr (GUri) uri = redirect_uri != NULL ? g_uri_parse (redirect_uri, G_URI_FLAGS_NONE, NULL) : NULL;

  return uri != NULL && g_strcmp0 (g_uri_get_scheme (uri), "http") == 0
         && (g_strcmp0 (g_uri_get_host (uri), "127.0.0.1") == 0
             || g_strcmp0 (g_uri_get_host (uri), "localhost") == 0)
         && g_uri_get_fragment (uri) == NULL;
}

static void
reply_html (SoupServerMessage *msg, guint status, const char *html)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, html, strlen (html));
}

static void
redirect_to (SoupServerMessage *msg, const char *redirect_uri, const char *first, ...)
{
  g_autoptr (GString) url = g_string_new (redirect_uri);
  const char *name = first;
  va_list args;

  va_start (args, first);
  g_string_append_c (url, strchr (redirect_uri, '?') != NULL ? '&' : '?');
  while (name != NULL)
    {
      const char *value = va_arg (args, const char *);
      if (value != NULL)
        {
          g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);
          if (url->str[url->len - 1] != '?' && url->str[url->len - 1] != '&')
            g_string_append_c (url, '&');
          g_string_append_printf (url, "%s=%s", name, escaped);
        }
      name = va_arg (args, const char *);
    }
  va_end (args);
  soup_server_message_set_redirect (msg, 302, url->str);
}

static void
issue_code (Portal *portal, SoupServerMessage *msg, GHashTable *params, const char *username)
{
  AuthCode *c = g_new0 (AuthCode, 1);
  char *code = portal_random_id (24);

  c->client_id = g_strdup (g_hash_table_lookup (params, "client_id"));
  c->redirect_uri = g_strdup (g_hash_table_lookup (params, "redirect_uri"));
  c->challenge = g_strdup (g_hash_table_lookup (params, "code_challenge"));
  c->nonce = g_strdup (g_hash_table_lookup (params, "nonce"));
  c->username = g_strdup (username);
  c->expires = now_s () + CODE_LIFETIME;
  g_hash_table_insert (portal->codes, code, c);
  redirect_to (msg, c->redirect_uri, "code", code, "state", g_hash_table_lookup (params, "state"),
               "session_state", "sandbox", NULL);
}

static void
login_form (SoupServerMessage *msg, GHashTable *params, const char *error)
{
  static const char *const keep[]
    = { "response_type", "client_id",      "redirect_uri",          "scope", "state",
        "nonce",         "code_challenge", "code_challenge_method", NULL };
  g_autoptr (GString) html = g_string_new (NULL);

  g_string_append (html, "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
                         "<title>Đăng nhập – Dịch vụ công (sandbox)</title></head><body>"
                         "<h1>Đăng nhập Hệ thống thông tin giải quyết TTHC (sandbox)</h1>");
  if (error != NULL)
    g_string_append_printf (html, "<p role=\"alert\">%s</p>", error);
  g_string_append (html, "<form method=\"post\">");
  for (gsize i = 0; keep[i] != NULL; i++)
    {
      const char *v = g_hash_table_lookup (params, keep[i]);
      g_autofree char *escaped = v != NULL ? g_markup_escape_text (v, -1) : NULL;
      if (escaped != NULL)
        g_string_append_printf (html, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", keep[i], escaped);
    }
  g_string_append (html, "<label>Số CMND/CCCD <input name=\"username\" autocomplete=\"username\"></label><br>"
                         "<label>Mật khẩu <input name=\"password\" type=\"password\"></label><br>"
                         "<button type=\"submit\">Đăng nhập</button></form></body></html>\n");
  reply_html (msg, 200, html->str);
}

static void
auth_endpoint (Portal *portal, SoupServerMessage *msg, GHashTable *query)
{
  g_autoptr (GHashTable) form = NULL;
  GHashTable *params = query;
  const char *method = soup_server_message_get_method (msg);
  const char *redirect_uri, *state;

  if (g_strcmp0 (method, "POST") == 0)
    params = form = form_of (msg);
  if (params == NULL)
    {
      reply_html (msg, 400, "<p>Invalid request</p>");
      return;
    }
  redirect_uri = g_hash_table_lookup (params, "redirect_uri");
  state = g_hash_table_lookup (params, "state");
  /* Errors about the client itself are shown, never redirected (RFC 6749 §4.1.2.1). */
  if (g_strcmp0 (g_hash_table_lookup (params, "client_id"), PORTAL_CLIENT_ID) != 0
      || !redirect_ok (redirect_uri))
    {
      reply_html (msg, 400, "<p>Invalid client or redirect_uri</p>");
      return;
    }
  if (g_strcmp0 (g_hash_table_lookup (params, "response_type"), "code") != 0)
    {
      redirect_to (msg, redirect_uri, "error", "unsupported_response_type", "state", state, NULL);
      return;
    }
  /* PKCE is required for this public client, S256 only. */
  if (g_strcmp0 (g_hash_table_lookup (params, "code_challenge_method"), "S256") != 0
      || g_hash_table_lookup (params, "code_challenge") == NULL)
    {
      redirect_to (msg, redirect_uri, "error", "invalid_request", "error_description",
                   "Missing parameter: code_challenge", "state", state, NULL);
      return;
    }
  if (g_strcmp0 (method, "POST") == 0)
    {
      const char *username = g_hash_table_lookup (params, "username");
      KysoSandboxCitizen *citizen
        = username != NULL ? kyso_sandbox_find_citizen (portal->sb, username) : NULL;

      if (g_hash_table_lookup (params, "cancel") != NULL)
        redirect_to (msg, redirect_uri, "error", "access_denied", "state", state, NULL);
      else if (citizen == NULL
               || g_strcmp0 (citizen->password, g_hash_table_lookup (params, "password")) != 0)
        login_form (msg, params, "Số CMND/CCCD hoặc mật khẩu không đúng.");
      else
        issue_code (portal, msg, params, citizen->username);
      return;
    }
  if (portal->auto_login != NULL)
    issue_code (portal, msg, params, portal->auto_login);
  else
    login_form (msg, params, NULL);
}

/* ---- userinfo, logout, revoke ---- */

static PortalAccess *
lookup_access (Portal *portal, SoupServerMessage *msg)
{
  const char *token = kyso_sandbox_get_bearer (msg);
  PortalAccess *a = token != NULL ? g_hash_table_lookup (portal->access, token) : NULL;

  if (a == NULL || a->expires < now_s () || a->session->revoked)
    return NULL;
  return a;
}

KysoSandboxCitizen *
portal_authenticate (Portal *portal, SoupServerMessage *msg, const char *kind)
{
  PortalAccess *a = lookup_access (portal, msg);

  /* A token just issued has not had time to expire: the fault finds tokens already used (so a
   * client that refreshed because of it is not refused again at once). */
  if (a != NULL && kind != NULL && a->uses++ > 0
      && kyso_sandbox_take_fault (portal->sb, "token-expired", kind))
    {
      /* As if the token's lifetime had run out: it stays refused, so only a refresh helps. */
      a->expires = 0;
      a = NULL;
    }
  if (a == NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                    "Bearer realm=\"digo\", error=\"invalid_token\"");
      kyso_sandbox_reply_error (portal->sb, msg, 401, "invalid_token", "Token is not active");
      return NULL;
    }
  return kyso_sandbox_find_citizen (portal->sb, a->session->username);
}

static void
userinfo (Portal *portal, SoupServerMessage *msg)
{
  KysoSandboxCitizen *citizen = portal_authenticate (portal, msg, NULL);
  g_autoptr (JsonBuilder) b = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *phone = NULL;

  if (citizen == NULL)
    return;
  sub = subject_of (citizen->username);
  phone = international_phone (citizen->phone);
  b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "sub", sub);
  add_string (b, "name", citizen->name);
  add_string (b, "preferred_username", phone);
  add_string (b, "email", citizen->email);
  add_string (b, "phone_number", phone);
  /* A user attribute the sandbox's realm maps into userinfo (no public material shows one). */
  add_string (b, "identity_number", citizen->cccd);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  kyso_sandbox_reply_json (portal->sb, msg, 200, root);
}

static PortalSession *
session_of_token (Portal *portal, const char *token)
{
  PortalAccess *a;

  if (token == NULL)
    return NULL;
  if ((a = g_hash_table_lookup (portal->access, token)) != NULL)
    return a->session;
  return g_hash_table_lookup (portal->refresh, token);
}

static void
logout (Portal *portal, SoupServerMessage *msg, GHashTable *query)
{
  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") == 0)
    {
      /* Keycloak's back-channel logout: client_id + refresh_token. */
      g_autoptr (GHashTable) form = form_of (msg);
      PortalSession *s = session_of_token (portal, g_hash_table_lookup (form, "refresh_token"));

      if (s == NULL)
        {
          kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_grant", "Invalid refresh token");
          return;
        }
      end_session (portal, s);
      soup_server_message_set_status (msg, 204, NULL);
      return;
    }
  /* The browser form (RP-initiated logout) only says goodbye: sessions here are not cookies. */
  if (query != NULL && g_hash_table_lookup (query, "post_logout_redirect_uri") != NULL
      && redirect_ok (g_hash_table_lookup (query, "post_logout_redirect_uri")))
    redirect_to (msg, g_hash_table_lookup (query, "post_logout_redirect_uri"), "state",
                 g_hash_table_lookup (query, "state"), NULL);
  else
    reply_html (msg, 200,
                "<!DOCTYPE html><html lang=\"vi\"><meta charset=\"utf-8\"><p>Bạn đã đăng xuất.</p></html>\n");
}

static void
revoke_endpoint (Portal *portal, SoupServerMessage *msg)
{
  g_autoptr (GHashTable) form = form_of (msg);
  PortalSession *s;

  if (g_strcmp0 (g_hash_table_lookup (form, "client_id"), PORTAL_CLIENT_ID) != 0)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 401, "unauthorized_client", "Invalid client credentials");
      return;
    }
  /* RFC 7009 §2.2: an unknown token is not an error. */
  s = session_of_token (portal, g_hash_table_lookup (form, "token"));
  if (s != NULL)
    {
      end_session (portal, s);
      kyso_sandbox_log (portal->sb, "portal: session revoked");
    }
  soup_server_message_set_status (msg, 200, NULL);
}

static void
realm_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  Portal *portal = data;
  const char *rest = path + strlen (PORTAL_REALM);

  if (g_str_equal (rest, "/.well-known/openid-configuration"))
    discovery (portal, msg);
  else if (g_str_equal (rest, "/protocol/openid-connect/auth"))
    auth_endpoint (portal, msg, query);
  else if (g_str_equal (rest, "/protocol/openid-connect/token"))
    token_endpoint (portal, msg);
  else if (g_str_equal (rest, "/protocol/openid-connect/certs"))
    {
      g_autoptr (JsonNode) jwks = kyso_sandbox_dup_jwks (portal->sb);
      kyso_sandbox_reply_json (portal->sb, msg, 200, jwks);
    }
  else if (g_str_equal (rest, "/protocol/openid-connect/userinfo"))
    userinfo (portal, msg);
  else if (g_str_equal (rest, "/protocol/openid-connect/logout"))
    logout (portal, msg, query);
  else if (g_str_equal (rest, "/protocol/openid-connect/revoke")
           && g_str_equal (soup_server_message_get_method (msg), "POST"))
    revoke_endpoint (portal, msg);
  else
    kyso_sandbox_reply_error (portal->sb, msg, 404, "not_found", "Unknown endpoint");
}

void
kyso_sandbox_portal_install (KysoSandbox *sb)
{
  Portal *portal = g_new0 (Portal, 1);
  g_autofree char *token_url = NULL;

  portal->sb = sb;
  portal->issuer = kyso_sandbox_dup_url (sb, PORTAL_REALM);
  portal->api = kyso_sandbox_dup_url (sb, PORTAL_API);
  portal->dir = g_build_filename (kyso_sandbox_get_state_dir (sb), "portal", NULL);
  portal->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, auth_code_free);
  portal->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, session_free);
  portal->refresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  portal->access = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, access_free);
  portal->otps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, otp_free);
  portal->sms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)json_node_unref);
  /* Keycloak's default access token lifetime. */
  portal->access_lifetime = 300;

  kyso_sandbox_register_fault (sb, "token-expired", TRUE);
  kyso_sandbox_add_handler (sb, PORTAL_REALM, realm_handler, portal);
  portal_control_install (portal);
  portal_files_install (portal);
  portal_api_install (portal);

  kyso_sandbox_set_url (sb, "issuer", portal->issuer);
  kyso_sandbox_set_url (sb, "portal", portal->api);
  token_url = g_strconcat (portal->issuer, "/protocol/openid-connect/token", NULL);
  kyso_sandbox_set_url (sb, "portal_token", token_url);
  kyso_sandbox_set_config (sb, "portal", "province", "sandbox");
  kyso_sandbox_set_config (sb, "portal", "base", kyso_sandbox_get_base_url (sb));
  kyso_sandbox_set_config (sb, "portal", "issuer", portal->issuer);
  kyso_sandbox_set_config (sb, "portal", "api", portal->api);
  kyso_sandbox_set_config (sb, "portal", "client_id", PORTAL_CLIENT_ID);
  /* The portal part lives as long as the process: no teardown. */
}
