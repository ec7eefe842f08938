#include "config.h"

#include "kyso-jwt.h"
#include "kyso-error.h"
#include "kyso-portal-json.h"

#include <glib/gi18n-lib.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY_CTX, EVP_PKEY_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_MD_CTX, EVP_MD_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OSSL_PARAM_BLD, OSSL_PARAM_BLD_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIGNUM, BN_free)

char *
kyso_base64url_encode (const guint8 *data, gsize len)
{
  char *text = g_base64_encode (data, len);
  char *out = text;

  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '=')
        break;
      *out++ = *p == '+' ? '-' : *p == '/' ? '_' : *p;
    }
  *out = '\0';
  return text;
}

GBytes *
kyso_base64url_decode (const char *text, gssize len)
{
  g_autoptr (GString) std = NULL;
  gsize n = len < 0 ? strlen (text) : (gsize)len;
  guchar *data;
  gsize out_len;

  if (n % 4 == 1)
    return NULL;
  std = g_string_sized_new (n + 3);
  for (gsize i = 0; i < n; i++)
    {
      char c = text[i];
      if (g_ascii_isalnum (c))
        g_string_append_c (std, c);
      else if (c == '-')
        g_string_append_c (std, '+');
      else if (c == '_')
        g_string_append_c (std, '/');
      else
        return NULL;
    }
  while (std->len % 4 != 0)
    g_string_append_c (std, '=');
  data = g_base64_decode (std->str, &out_len);
  return g_bytes_new_take (data, out_len);
}

static gpointer
auth_error (GError **error, const char *why)
{
  /* The detail is for developers; the citizen only needs to know the login was not accepted. */
  g_debug ("ID token refused: %s", why);
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_AUTH,
               _ ("The login server’s answer could not be verified (%s). Try to log in again; if it keeps "
                  "failing, the portal address in the settings may be wrong."),
                  why);
  return NULL;
}

static JsonNode *
decode_json_part (const char *part, gsize len)
{
  g_autoptr (GBytes) bytes = kyso_base64url_decode (part, (gssize)len);
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize n;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &n);
  if (n == 0 || !json_parser_load_from_data (parser, data, (gssize)n, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

char *
kyso_jwt_dup_kid (const char *jwt)
{
  const char *dot = jwt != NULL ? strchr (jwt, '.') : NULL;
  g_autoptr (JsonNode) header = NULL;

  if (dot == NULL)
    return NULL;
  header = decode_json_part (jwt, (gsize)(dot - jwt));
  return header != NULL ? g_strdup (kyso_pj_string (json_node_get_object (header), "kid")) : NULL;
}

static BIGNUM *
bn_from_b64url (const char *text)
{
  g_autoptr (GBytes) bytes = text != NULL ? kyso_base64url_decode (text, -1) : NULL;
  gsize n;
  const guint8 *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &n);
  return n > 0 ? BN_bin2bn (data, (int)n, NULL) : NULL;
}

static EVP_PKEY *
rsa_key_from_jwk (JsonObject *jwk)
{
  g_autoptr (BIGNUM) n = bn_from_b64url (kyso_pj_string (jwk, "n"));
  g_autoptr (BIGNUM) e = bn_from_b64url (kyso_pj_string (jwk, "e"));
  g_autoptr (OSSL_PARAM_BLD) bld = NULL;
  g_autoptr (EVP_PKEY_CTX) ctx = NULL;
  OSSL_PARAM *params = NULL;
  EVP_PKEY *key = NULL;

  if (n == NULL || e == NULL || BN_num_bits (n) < 2048)
    return NULL;
  bld = OSSL_PARAM_BLD_new ();
  if (bld == NULL || !OSSL_PARAM_BLD_push_BN (bld, OSSL_PKEY_PARAM_RSA_N, n)
      || !OSSL_PARAM_BLD_push_BN (bld, OSSL_PKEY_PARAM_RSA_E, e))
    return NULL;
  params = OSSL_PARAM_BLD_to_param (bld);
  ctx = EVP_PKEY_CTX_new_from_name (NULL, "RSA", NULL);
  if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init (ctx) <= 0
      || EVP_PKEY_fromdata (ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    key = NULL;
  OSSL_PARAM_free (params);
  return key;
}

/* The JWK to check @header's signature with: same kid (when the token names one), RSA, meant
 * for signatures. */
static JsonObject *
find_key (JsonNode *jwks, JsonObject *header)
{
  const char *kid = kyso_pj_string (header, "kid");
  const char *alg = kyso_pj_string (header, "alg");
  JsonArray *keys;
  JsonObject *found = NULL;
  guint matches = 0;

  if (jwks == NULL || !JSON_NODE_HOLDS_OBJECT (jwks))
    return NULL;
  keys = kyso_pj_array (json_node_get_object (jwks), "keys");
  for (guint i = 0; keys != NULL && i < json_array_get_length (keys); i++)
    {
      JsonObject *k = kyso_pj_array_object (keys, i);
      const char *use = kyso_pj_string (k, "use");
      const char *kalg = kyso_pj_string (k, "alg");

      if (g_strcmp0 (kyso_pj_string (k, "kty"), "RSA") != 0 || (use != NULL && strcmp (use, "sig") != 0)
          || (kalg != NULL && g_strcmp0 (kalg, alg) != 0))
        continue;
      if (kid != NULL && g_strcmp0 (kyso_pj_string (k, "kid"), kid) != 0)
        continue;
      found = k;
      matches++;
    }
  /* Without a kid, only an unambiguous key will do. */
  return matches == 1 || (kid != NULL && matches > 0) ? found : NULL;
}

static gboolean
audience_ok (JsonObject *claims, const char *audience)
{
  const char *aud = kyso_pj_string (claims, "aud");
  JsonArray *auds = kyso_pj_array (claims, "aud");
  gboolean listed = FALSE;
  guint n;

  if (aud != NULL)
    return strcmp (aud, audience) == 0;
  if (auds == NULL)
    return FALSE;
  n = json_array_get_length (auds);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (auds, i);
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
          && g_strcmp0 (json_node_get_string (node), audience) == 0)
        listed = TRUE;
    }
  /* OIDC Core §3.1.3.7 (4, 5): with several audiences, azp must name us. */
  if (listed && n > 1)
    return g_strcmp0 (kyso_pj_string (claims, "azp"), audience) == 0;
  return listed;
}

JsonNode *
kyso_jwt_verify (const char *jwt, JsonNode *jwks, const KysoJwtCheck *check, GError **error)
{
  g_auto (GStrv) parts = NULL;
  g_autoptr (JsonNode) header_node = NULL;
  g_autoptr (JsonNode) claims_node = NULL;
  g_autoptr (GBytes) sig = NULL;
  g_autoptr (EVP_PKEY) key = NULL;
  g_autoptr (EVP_MD_CTX) mdctx = NULL;
  g_autofree char *signed_part = NULL;
  JsonObject *header, *claims, *jwk;
  const EVP_MD *md;
  const char *alg;
  gint64 now, exp, iat, nbf;
  guint leeway;
  const guint8 *sig_data;
  gsize sig_len;

  g_return_val_if_fail (check != NULL && check->issuer != NULL
                          && (check->audience != NULL || check->authorized_party != NULL),
                        NULL);

  if (jwt == NULL)
    return auth_error (error, "no ID token");
  parts = g_strsplit (jwt, ".", 4);
  if (g_strv_length (parts) != 3)
    return auth_error (error, "malformed ID token");
  header_node = decode_json_part (parts[0], strlen (parts[0]));
  claims_node = decode_json_part (parts[1], strlen (parts[1]));
  sig = kyso_base64url_decode (parts[2], -1);
  if (header_node == NULL || claims_node == NULL || sig == NULL)
    return auth_error (error, "malformed ID token");
  header = json_node_get_object (header_node);
  claims = json_node_get_object (claims_node);

  /* Only asymmetric algorithms: "none" and HS256 (keyed with public data) must never pass. */
  alg = kyso_pj_string (header, "alg");
  if (g_strcmp0 (alg, "RS256") == 0)
    md = EVP_sha256 ();
  else if (g_strcmp0 (alg, "RS384") == 0)
    md = EVP_sha384 ();
  else if (g_strcmp0 (alg, "RS512") == 0)
    md = EVP_sha512 ();
  else
    return auth_error (error, "unsupported signature algorithm");

  jwk = find_key (jwks, header);
  if (jwk == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                           _ ("The login server signed with a key it does not publish."));
      return NULL;
    }
  key = rsa_key_from_jwk (jwk);
  if (key == NULL)
    return auth_error (error, "unusable signing key");

  signed_part = g_strdup_printf ("%s.%s", parts[0], parts[1]);
  sig_data = g_bytes_get_data (sig, &sig_len);
  mdctx = EVP_MD_CTX_new ();
  if (mdctx == NULL || EVP_DigestVerifyInit (mdctx, NULL, md, NULL, key) != 1
      || EVP_DigestVerify (mdctx, sig_data, sig_len, (const guint8 *)signed_part, strlen (signed_part)) != 1)
    {
      ERR_clear_error ();
      return auth_error (error, "bad signature");
    }

  now = check->now != 0 ? check->now : g_get_real_time () / G_USEC_PER_SEC;
  leeway = check->leeway != 0 ? check->leeway : 60;
  exp = kyso_pj_int (claims, "exp", -1);
  iat = kyso_pj_int (claims, "iat", -1);
  nbf = kyso_pj_int (claims, "nbf", 0);
  if (g_strcmp0 (kyso_pj_string (claims, "iss"), check->issuer) != 0)
    return auth_error (error, "wrong issuer");
  if (check->audience != NULL ? !audience_ok (claims, check->audience)
                              : g_strcmp0 (kyso_pj_string (claims, "azp"), check->authorized_party) != 0)
    return auth_error (error, "wrong audience");
  if (exp < 0 || exp + leeway < now)
    return auth_error (error, "expired");
  if (iat < 0 || iat > now + leeway || nbf > now + leeway)
    return auth_error (error, "issued in the future");
  if (check->nonce != NULL && g_strcmp0 (kyso_pj_string (claims, "nonce"), check->nonce) != 0)
    return auth_error (error, "wrong nonce");
  if (kyso_pj_string (claims, "sub") == NULL)
    return auth_error (error, "no subject");

  return g_steal_pointer (&claims_node);
}
