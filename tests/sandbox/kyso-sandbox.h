#pragma once

/* The API of kyso-sandbox that its parts use to register endpoints: the NEAC, CSC, phone, TSA and
 * OCSP parts (tests/sandbox/kyso-sandbox-*.c) and the portal part (kyso-sandbox-portal.c, whose
 * kyso_sandbox_portal_install() is called once at start-up when that file exists).
 *
 * Everything runs on the main thread of the server (one GMainContext): handlers must not block;
 * to answer later, call kyso_sandbox_hold() and reply from a timeout with kyso_sandbox_reply_*(). */

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

G_BEGIN_DECLS

typedef struct _KysoSandbox KysoSandbox;

typedef enum
{
  KYSO_SANDBOX_CITIZEN_GOOD,
  KYSO_SANDBOX_CITIZEN_REVOKED,
  KYSO_SANDBOX_CITIZEN_EXPIRED,
} KysoSandboxCitizenStatus;

/* One test citizen. All fields are owned by the sandbox and read-only for the parts. */
typedef struct
{
  char *name;        /* "Nguyễn Văn An" (UTF-8) */
  char *cccd;        /* 12 digits */
  char *provider;    /* "VNPT-CA" */
  char *provider_id; /* "vnpt-ca" */
  char *email;
  char *phone;         /* "0905000101": the signing phone number */
  char *username;      /* the portal / CSC login: the CCCD */
  char *password;      /* random per state dir; never log it */
  char *credential_id; /* CSC credentialID, "vnpt-ca-051090000101" */
  KysoSandboxCitizenStatus status;
  EVP_PKEY *key;      /* RSA 2048 */
  X509 *cert;         /* the citizen's certificate */
  X509 *issuer;       /* the provider's issuing CA */
  X509 *expired_twin; /* same key, expired: served under fault expired-cert */
  X509 *revoked_twin; /* same key, revoked in OCSP: served under fault revoked-cert */
} KysoSandboxCitizen;

/* "good" | "revoked" | "expired" */
const char *
kyso_sandbox_citizen_status_to_string (KysoSandboxCitizenStatus status);

/* --- where things are ------------------------------------------------------------------------ */

SoupServer *
kyso_sandbox_get_server (KysoSandbox *self);
/* "https://127.0.0.1:PORT", no trailing slash. */
const char *
kyso_sandbox_get_base_url (KysoSandbox *self);
/* BASE + @path (@path starts with '/'). */
char *
kyso_sandbox_dup_url (KysoSandbox *self, const char *path);
const char *
kyso_sandbox_get_state_dir (KysoSandbox *self);
/* Lifetime of a signing transaction, seconds (--expiry, default 300). */
guint
kyso_sandbox_get_expiry_seconds (KysoSandbox *self);

/* Borrowed array of KysoSandboxCitizen *. */
GPtrArray *
kyso_sandbox_get_citizens (KysoSandbox *self);
/* By CCCD or username; NULL when unknown. */
KysoSandboxCitizen *
kyso_sandbox_find_citizen (KysoSandbox *self, const char *cccd_or_username);

/* The test root CA (borrowed), e.g. to issue more certificates. */
X509 *
kyso_sandbox_get_root_cert (KysoSandbox *self);
EVP_PKEY *
kyso_sandbox_get_root_key (KysoSandbox *self);
const char *
kyso_sandbox_get_root_file (KysoSandbox *self); /* PEM path = sandbox.json ca_file */

/* --- JSON Web Tokens (for the OpenID Connect part) -------------------------------------------- */

/* RSA 2048 key pair, its certificate (issued by the root) and its key id. Borrowed. */
EVP_PKEY *
kyso_sandbox_get_jwt_key (KysoSandbox *self);
X509 *
kyso_sandbox_get_jwt_cert (KysoSandbox *self);
const char *
kyso_sandbox_get_jwt_kid (KysoSandbox *self);
/* Compact JWS, header {"alg":"RS256","typ":"JWT","kid":…}, payload = @claims serialized. */
char *
kyso_sandbox_jwt_sign (KysoSandbox *self, JsonObject *claims);
/* {"keys": [{"kty":"RSA","use":"sig","alg":"RS256","kid":…,"n":…,"e":…}]} (new reference). */
JsonNode *
kyso_sandbox_dup_jwks (KysoSandbox *self);

/* --- endpoints ------------------------------------------------------------------------------- */

/* soup_server_add_handler() plus the request log line (method, path, status; never bodies). */
void
kyso_sandbox_add_handler (KysoSandbox *self, const char *path, SoupServerCallback callback,
                          gpointer user_data);

/* Standard prologue of an endpoint that faults apply to. @kind names the endpoint for the
 * once-per-kind faults ("neac/sign", "portal/token", …). Answers the fault http500 itself and
 * returns FALSE then: the handler must return at once. It also remembers @kind on @msg so the
 * reply helpers below apply slow / drop / badjson. */
gboolean
kyso_sandbox_begin (KysoSandbox *self, SoupServerMessage *msg, const char *kind);

/* Replies. They apply the faults slow, drop and (for JSON) badjson when kyso_sandbox_begin()
 * was called for @msg; without it they are plain. @body may be NULL (empty body). */
void
kyso_sandbox_reply_json (KysoSandbox *self, SoupServerMessage *msg, guint status, JsonNode *body);
void
kyso_sandbox_reply_bytes (KysoSandbox *self, SoupServerMessage *msg, guint status, const char *content_type,
                          GBytes *body);
/* {"error": @error, "error_description": @description} — the OAuth 2 / CSC error shape. */
void
kyso_sandbox_reply_error (KysoSandbox *self, SoupServerMessage *msg, guint status, const char *error,
                          const char *description);

/* Pauses @msg so the handler can return and answer later: the next kyso_sandbox_reply_*() on
 * @msg resumes it (after the slow fault's delay, if set). */
void
kyso_sandbox_hold (KysoSandbox *self, SoupServerMessage *msg);

/* The request body parsed as JSON; NULL with @error when it is not JSON. */
JsonNode *
kyso_sandbox_parse_request (SoupServerMessage *msg, GError **error);
/* The token of "Authorization: Bearer …", or NULL. Borrowed from the message headers. */
const char *
kyso_sandbox_get_bearer (SoupServerMessage *msg);

/* --- faults ---------------------------------------------------------------------------------- */

/* TRUE when fault @mode applies to this request of @kind (NULL = one kind for everything).
 * For "once" modes (http500, drop) it is TRUE for the first request of each kind only and is
 * consumed by this call; "-always" modes and the other modes are TRUE every time they are set. */
gboolean
kyso_sandbox_take_fault (KysoSandbox *self, const char *mode, const char *kind);
/* TRUE when @mode is set (does not consume anything). */
gboolean
kyso_sandbox_has_fault (KysoSandbox *self, const char *mode);
/* Makes @mode accepted by --fault and POST /control/fault (e.g. "token-expired"). @once: the
 * bare mode fires once per kind, "MODE-always" every time. Call it from the install function. */
void
kyso_sandbox_register_fault (KysoSandbox *self, const char *mode, gboolean once);

/* --- sandbox.json and kyso.conf -------------------------------------------------------------- */

/* Adds urls.@name to sandbox.json. */
void
kyso_sandbox_set_url (KysoSandbox *self, const char *name, const char *url);
/* Sets [@group] @key=@value in kyso.conf (never a secret). */
void
kyso_sandbox_set_config (KysoSandbox *self, const char *group, const char *key, const char *value);
/* Adds a top-level member to sandbox.json; takes ownership of @value. */
void
kyso_sandbox_set_info_member (KysoSandbox *self, const char *name, JsonNode *value);

/* Calls @destroy (@data) when the sandbox stops, after the server is gone (last added, first
 * called): a part frees what its handlers use (so that the sanitizer builds see no leak). */
void
kyso_sandbox_add_cleanup (KysoSandbox *self, GDestroyNotify destroy, gpointer data);

/* A line on stderr unless --quiet. Never pass secrets (passwords, tokens, ID numbers). */
void
kyso_sandbox_log (KysoSandbox *self, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* --- the portal part (issue 6) --------------------------------------------------------------- */

/* Implemented in kyso-sandbox-portal.c; called once after the server listens and before
 * sandbox.json / kyso.conf are written. Registers the OpenID Connect and portal API handlers,
 * its URLs (kyso_sandbox_set_url "portal", "issuer") and its [portal] configuration. */
void
kyso_sandbox_portal_install (KysoSandbox *sandbox);

G_END_DECLS
