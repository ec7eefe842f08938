#pragma once

/* Helpers shared by the sandbox's own tests: one sandbox per test program, reset before each test. */

#include "kyso-sandbox-test.h"
#include "kyso-config.h"
#include "kyso-error.h"
#include "kyso-http.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)

#define GOOD_CCCD "051090000101" /* Nguyễn Văn An, VNPT-CA */

extern KysoTestSandbox *sb;

typedef struct
{
  const char *path;
  void (*func) (void);
} SandboxTest;

void
add_sandbox_tests (const SandboxTest *tests, gsize n);
/* Starts the sandbox (with @extra_args), runs the tests, stops it and checks it exited cleanly. */
int
run_with_sandbox (const char *const *extra_args);

/* HTTP */
KysoHttpOptions
options (const char *token);
JsonNode *
post (const char *base, const char *path, JsonObject *request, const char *token, guint *status);
JsonNode *
post_full (const char *base, const char *path, JsonObject *request, const char *token, guint *status,
           GError **error);
guint
raw_post (const char *base, const char *path, const char *body);
JsonNode *
get_json (const char *path, guint *status);
void
control (const char *path, const char *json);
void
assert_member (JsonNode *node, const char *name, const char *value);

/* NEAC and the phone */
JsonObject *
neac_body (const char *cccd);
JsonObject *
neac_sign_body (const char *cccd, const char *transaction_id, GPtrArray *digests);
/* data.status of a status poll (interned), NULL unless HTTP 200. */
const char *
neac_status (const char *transaction_id, JsonNode **out);
guint
phone_action (const char *id, const char *action);
guint
count_transactions (const char *id);
GPtrArray *
make_digests (guint n);
char *
new_transaction_id (void);

/* CSC */
char *
csc_login (const char *base, const char *cccd, const char *password);
char *
csc_authorize (const char *base, const char *token, const char *credential, GPtrArray *digests, gboolean v2);
JsonObject *
csc_sign_body (const char *credential, const char *sad, GPtrArray *digests, gboolean v2);
JsonNode *
csc_poll (const char *base, const char *token, const char *response_id, guint *status);
void
assert_signatures (JsonNode *answer, X509 *cert, GPtrArray *digests);

/* OpenSSL */
X509 *
load_pem_cert (const char *path);
X509 *
der_b64_cert (const char *b64);
X509 *
citizen_cert (const char *cccd);
char *
name_utf8 (const X509_NAME *name);
char *
serial_hex (X509 *cert);
/* X509_V_OK or the verification error, with the root trusted and the provider's CA as intermediate. */
int
verify_chain (X509 *cert, const char *provider_id);
gboolean
verify_raw (X509 *cert, GBytes *digest, const char *signature_b64);
/* Runs a program; returns its exit status (or -1), stdout in @out when not NULL. */
int
run_program (const char *const *argv, char **out);
