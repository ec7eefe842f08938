#include "config.h"

#include "kyso-token-signer.h"
#include "kyso-token-signer-private.h"
#include "kyso-error.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
/* Last: pkcs11.h (compat names) defines short macros such as "value" and "count". */
#include <p11-kit/p11-kit.h>
#include <p11-kit/pkcs11.h>

#define DEFAULT_WATCH_MS 1000
#define MIN_WATCH_MS 50
#define MAX_WATCH_MS 10000
/* How often a thread waiting for a PIN looks at its cancellable. */
#define PIN_WAIT_SLICE_US (100 * G_TIME_SPAN_MILLISECOND)
/* No certificate or signature on a token is anywhere near this. */
#define MAX_ATTRIBUTE_BYTES (64 * 1024)
#define MAX_OBJECTS 256

/* ==== loaded modules (shared by the signer, its tasks and its watch thread) ============== */

typedef struct
{
  gatomicrefcount ref;
  GMutex lock;
  gboolean loaded;
  char **paths;
  gboolean use_registered;
  CK_FUNCTION_LIST **registered; /* from p11-kit, NULL-terminated, or NULL */
  GPtrArray *by_path;            /* CK_FUNCTION_LIST *, loaded from paths */
  GPtrArray *modules;            /* every module in use (borrowed), paths first */
  GError *error;                 /* a module named in the configuration failed to load */
} Modules;

static Modules *
modules_new (const char *const *paths, gboolean use_registered)
{
  Modules *m = g_new0 (Modules, 1);

  g_atomic_ref_count_init (&m->ref);
  g_mutex_init (&m->lock);
  m->paths = g_strdupv ((char **)paths);
  m->use_registered = use_registered;
  m->by_path = g_ptr_array_new ();
  m->modules = g_ptr_array_new ();
  return m;
}

static Modules *
modules_ref (Modules *m)
{
  g_atomic_ref_count_inc (&m->ref);
  return m;
}

static void
modules_unref (Modules *m)
{
  if (!g_atomic_ref_count_dec (&m->ref))
    return;
  for (guint i = 0; i < m->by_path->len; i++)
    {
      CK_FUNCTION_LIST *module = g_ptr_array_index (m->by_path, i);
      p11_kit_module_finalize (module);
      p11_kit_module_release (module);
    }
  if (m->registered != NULL)
    p11_kit_modules_finalize_and_release (m->registered);
  g_ptr_array_unref (m->by_path);
  g_ptr_array_unref (m->modules);
  g_strfreev (m->paths);
  g_clear_error (&m->error);
  g_mutex_clear (&m->lock);
  g_free (m);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Modules, modules_unref)

static gboolean
is_trust_store (CK_FUNCTION_LIST *module)
{
  char *option = p11_kit_config_option (module, "trust-policy");
  gboolean yes
    = option != NULL && (g_ascii_strcasecmp (option, "yes") == 0 || g_ascii_strcasecmp (option, "true") == 0);

  free (option);
  return yes;
}

/* Loads once (on a worker thread); later calls return what the first found. */
static gboolean
modules_ensure_loaded (Modules *m, GError **error)
{
  gboolean ok;

  g_mutex_lock (&m->lock);
  if (!m->loaded)
    {
      m->loaded = TRUE;
      for (guint i = 0; m->paths != NULL && m->paths[i] != NULL; i++)
        {
          g_autofree char *display = g_filename_display_name (m->paths[i]);
          CK_FUNCTION_LIST *module = p11_kit_module_load (m->paths[i], 0);
          CK_RV rv;

          if (module == NULL)
            {
              const char *why = p11_kit_message ();
              g_set_error (&m->error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                           _ ("The token driver “%s” cannot be loaded: %s"), display,
                              why != NULL ? why : _ ("it is not a PKCS#11 module"));
              break;
            }
          rv = p11_kit_module_initialize (module);
          if (rv != CKR_OK)
            {
              p11_kit_module_release (module);
              g_set_error (&m->error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                           _ ("The token driver “%s” cannot be started: %s"), display, p11_kit_strerror (rv));
              break;
            }
          g_ptr_array_add (m->by_path, module);
          g_ptr_array_add (m->modules, module);
        }
      if (m->error == NULL && m->use_registered)
        {
          /* A registered module that fails to start is left out by p11-kit itself. */
          m->registered = p11_kit_modules_load_and_initialize (0);
          for (guint i = 0; m->registered != NULL && m->registered[i] != NULL; i++)
            if (!is_trust_store (m->registered[i]))
              g_ptr_array_add (m->modules, m->registered[i]);
        }
    }
  ok = m->error == NULL;
  if (!ok)
    g_set_error_literal (error, m->error->domain, m->error->code, m->error->message);
  g_mutex_unlock (&m->lock);
  return ok;
}

/* ==== PKCS#11 helpers (worker threads only) ============================================== */

typedef struct
{
  gatomicrefcount ref;
  CK_FUNCTION_LIST *module;
  CK_SLOT_ID slot;
  CK_FLAGS flags;
  char *label;
  char *key; /* manufacturer, model, serial and label: which token this is */
} Token;

static Token *
token_ref (Token *t)
{
  g_atomic_ref_count_inc (&t->ref);
  return t;
}

static void
token_unref (Token *t)
{
  if (t == NULL || !g_atomic_ref_count_dec (&t->ref))
    return;
  g_free (t->label);
  g_free (t->key);
  g_free (t);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Token, token_unref)

static char *
space_padded (const unsigned char *field, size_t len)
{
  char *s = p11_kit_space_strdup (field, len);
  char *out = g_utf8_make_valid (s != NULL ? s : "", -1);

  free (s);
  return out;
}

/* The tokens present in every module, in module and slot order. */
static GPtrArray *
scan_tokens (Modules *m)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func ((GDestroyNotify)token_unref);

  for (guint i = 0; i < m->modules->len; i++)
    {
      CK_FUNCTION_LIST *module = g_ptr_array_index (m->modules, i);
      g_autofree CK_SLOT_ID *slots = NULL;
      CK_ULONG n = 0;

      if (module->C_GetSlotList (CK_TRUE, NULL, &n) != CKR_OK || n == 0)
        continue;
      n = MIN (n, (CK_ULONG)MAX_OBJECTS);
      slots = g_new0 (CK_SLOT_ID, n);
      if (module->C_GetSlotList (CK_TRUE, slots, &n) != CKR_OK)
        continue;
      for (CK_ULONG s = 0; s < n; s++)
        {
          CK_TOKEN_INFO info;
          g_autofree char *manufacturer = NULL, *model = NULL, *serial = NULL;
          Token *t;

          if (module->C_GetTokenInfo (slots[s], &info) != CKR_OK)
            continue;
          t = g_new0 (Token, 1);
          g_atomic_ref_count_init (&t->ref);
          t->module = module;
          t->slot = slots[s];
          t->flags = info.flags;
          t->label = space_padded (info.label, sizeof info.label);
          manufacturer = space_padded (info.manufacturerID, sizeof info.manufacturerID);
          model = space_padded (info.model, sizeof info.model);
          serial = space_padded (info.serialNumber, sizeof info.serialNumber);
          t->key = g_strdup_printf ("%s|%s|%s|%s", manufacturer, model, serial, t->label);
          g_ptr_array_add (tokens, t);
        }
    }
  return tokens;
}

static GBytes *
get_attribute (CK_FUNCTION_LIST *module, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
               CK_ATTRIBUTE_TYPE kind)
{
  CK_ATTRIBUTE attr = { kind, NULL, 0 };
  guint8 *data;

  if (module->C_GetAttributeValue (session, object, &attr, 1) != CKR_OK
      || attr.ulValueLen == CK_UNAVAILABLE_INFORMATION || attr.ulValueLen > MAX_ATTRIBUTE_BYTES)
    return NULL;
  data = g_malloc (attr.ulValueLen + 1);
  attr.pValue = data;
  if (module->C_GetAttributeValue (session, object, &attr, 1) != CKR_OK)
    {
      g_free (data);
      return NULL;
    }
  return g_bytes_new_take (data, attr.ulValueLen);
}

/* Handles of the objects matching @tmpl (at most MAX_OBJECTS). */
static GArray *
find_objects (CK_FUNCTION_LIST *module, CK_SESSION_HANDLE session, CK_ATTRIBUTE *tmpl, CK_ULONG n_tmpl,
              CK_RV *rv_out)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (CK_OBJECT_HANDLE));
  CK_OBJECT_HANDLE batch[16];
  CK_ULONG got = 0;
  CK_RV rv;

  rv = module->C_FindObjectsInit (session, tmpl, n_tmpl);
  while (rv == CKR_OK && found->len < MAX_OBJECTS)
    {
      rv = module->C_FindObjects (session, batch, G_N_ELEMENTS (batch), &got);
      if (rv != CKR_OK || got == 0)
        break;
      g_array_append_vals (found, batch, (guint)got);
    }
  if (rv == CKR_OK)
    rv = module->C_FindObjectsFinal (session);
  else
    module->C_FindObjectsFinal (session);
  if (rv_out != NULL)
    *rv_out = rv;
  return found;
}

static gboolean
has_key (CK_FUNCTION_LIST *module, CK_SESSION_HANDLE session, CK_OBJECT_CLASS klass, GBytes *ckaid,
         CK_OBJECT_HANDLE *out)
{
  CK_ATTRIBUTE tmpl[] = {
    { CKA_CLASS, &klass, sizeof klass },
    { CKA_ID, (void *)g_bytes_get_data (ckaid, NULL), g_bytes_get_size (ckaid) },
  };
  g_autoptr (GArray) found = find_objects (module, session, tmpl, G_N_ELEMENTS (tmpl), NULL);

  if (found->len == 0)
    return FALSE;
  if (out != NULL)
    *out = g_array_index (found, CK_OBJECT_HANDLE, 0);
  return TRUE;
}

static gboolean
is_removal (CK_RV rv)
{
  switch (rv)
    {
      case CKR_DEVICE_REMOVED:
      case CKR_TOKEN_NOT_PRESENT:
      case CKR_TOKEN_NOT_RECOGNIZED:
      case CKR_SESSION_HANDLE_INVALID:
      case CKR_SESSION_CLOSED:
      case CKR_SLOT_ID_INVALID:
      case CKR_DEVICE_ERROR:
      case CKR_CRYPTOKI_NOT_INITIALIZED:
        return TRUE;
      default:
        return FALSE;
    }
}

static void
set_removed_error (GError **error, const char *label)
{
  g_set_error (
    error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
    _ ("The token “%s” was pulled out while signing. Nothing was signed: plug it in and sign again."), label);
}

static void
set_token_error (GError **error, CK_RV rv, const char *label)
{
  if (is_removal (rv))
    set_removed_error (error, label);
  else if (rv == CKR_FUNCTION_CANCELED || rv == CKR_CANCEL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                         _ ("Signing was cancelled; nothing was signed."));
  else if (rv == CKR_KEY_FUNCTION_NOT_PERMITTED || rv == CKR_KEY_TYPE_INCONSISTENT)
    g_set_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                 _ ("The key on the token “%s” may not be used for signing. Nothing was signed."), label);
  else
    g_set_error (error, KYSO_ERROR, KYSO_ERROR_FAILED,
                 _ ("The token “%s” could not sign (%s). Nothing was signed."), label, p11_kit_strerror (rv));
}

/* ==== certificates ======================================================================= */

G_DEFINE_BOXED_TYPE (KysoTokenCertificate, kyso_token_certificate, kyso_token_certificate_copy,
                     kyso_token_certificate_free)

KysoTokenCertificate *
kyso_token_certificate_copy (const KysoTokenCertificate *self)
{
  KysoTokenCertificate *copy = g_new0 (KysoTokenCertificate, 1);

  copy->credential = kyso_signer_credential_copy (self->credential);
  copy->token_label = g_strdup (self->token_label);
  copy->holder = g_strdup (self->holder);
  copy->issuer = g_strdup (self->issuer);
  copy->serial = g_strdup (self->serial);
  copy->refusal = g_strdup (self->refusal);
  return copy;
}

void
kyso_token_certificate_free (KysoTokenCertificate *self)
{
  if (self == NULL)
    return;
  kyso_signer_credential_free (self->credential);
  g_free (self->token_label);
  g_free (self->holder);
  g_free (self->issuer);
  g_free (self->serial);
  g_free (self->refusal);
  g_free (self);
}

static char *
normalise_serial (const char *s)
{
  GString *out = g_string_new (NULL);

  for (; *s != '\0'; s++)
    if (g_ascii_isxdigit (*s))
      g_string_append_c (out, g_ascii_toupper (*s));
    else if (*s != ':' && *s != ' ')
      return (g_string_free (out, TRUE), NULL);
  while (out->len > 1 && out->str[0] == '0')
    g_string_erase (out, 0, 1);
  return g_string_free (out, out->len == 0);
}

const KysoTokenCertificate *
kyso_token_certificates_find (GPtrArray *certificates, const char *id)
{
  g_autofree char *serial = NULL;

  g_return_val_if_fail (certificates != NULL, NULL);
  if (id == NULL || *id == '\0')
    return NULL;
  for (guint i = 0; i < certificates->len; i++)
    {
      const KysoTokenCertificate *c = g_ptr_array_index (certificates, i);
      if (g_ascii_strcasecmp (c->credential->id, id) == 0)
        return c;
    }
  serial = normalise_serial (id);
  for (guint i = 0; serial != NULL && i < certificates->len; i++)
    {
      const KysoTokenCertificate *c = g_ptr_array_index (certificates, i);
      g_autofree char *mine = normalise_serial (c->serial);
      if (g_strcmp0 (mine, serial) == 0)
        return c;
    }
  return NULL;
}

/* What a listing finds for one certificate: the public part and what signing needs. */
typedef struct
{
  KysoTokenCertificate *pub;
  Token *token;
  GBytes *ckaid;
  int key_type;  /* EVP_PKEY_RSA, EVP_PKEY_EC, or another */
  int key_bytes; /* RSA modulus size */
} Entry;

static void
entry_free (Entry *e)
{
  kyso_token_certificate_free (e->pub);
  token_unref (e->token);
  g_clear_pointer (&e->ckaid, g_bytes_unref);
  g_free (e);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Entry, entry_free)

static GBytes *
x509_der (X509 *cert)
{
  unsigned char *der = NULL;
  int len = i2d_X509 (cert, &der);
  GBytes *out;

  if (len <= 0)
    return NULL;
  out = g_bytes_new (der, (gsize)len);
  OPENSSL_free (der);
  return out;
}

static char *
name_to_utf8 (const X509_NAME *name)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long len;
  char *out;

  X509_NAME_print_ex (bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  len = BIO_get_mem_data (bio, &data);
  out = g_utf8_make_valid (data != NULL ? data : "", len);
  BIO_free (bio);
  return out;
}

static char *
common_name (X509 *cert)
{
  const X509_NAME *subject = X509_get_subject_name (cert);
  int index = X509_NAME_get_index_by_NID (subject, NID_commonName, -1);
  unsigned char *utf8 = NULL;
  char *out;
  int len;

  if (index < 0
      || (len = ASN1_STRING_to_UTF8 (&utf8, X509_NAME_ENTRY_get_data (X509_NAME_get_entry (subject, index))))
           < 0)
    return name_to_utf8 (subject);
  out = g_utf8_make_valid ((const char *)utf8, len);
  OPENSSL_free (utf8);
  return out;
}

static char *
fingerprint_id (X509 *cert)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;

  if (X509_digest (cert, EVP_sha256 (), md, &len) != 1 || len < 8)
    return g_strdup ("?");
  return g_strdup_printf ("%02x%02x%02x%02x%02x%02x%02x%02x", md[0], md[1], md[2], md[3], md[4], md[5], md[6],
                          md[7]);
}

/* The leaf, then each issuer found among @others. */
static GPtrArray *
build_chain (X509 *leaf, GPtrArray *others)
{
  GPtrArray *chain = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  X509 *current = leaf;
  GBytes *der;

  if ((der = x509_der (leaf)) != NULL)
    g_ptr_array_add (chain, der);
  for (guint depth = 0; depth < 8 && X509_check_issued (current, current) != X509_V_OK; depth++)
    {
      X509 *issuer = NULL;

      for (guint i = 0; i < others->len && issuer == NULL; i++)
        {
          X509 *candidate = g_ptr_array_index (others, i);
          if (candidate != current && X509_check_issued (candidate, current) == X509_V_OK)
            issuer = candidate;
        }
      if (issuer == NULL || (der = x509_der (issuer)) == NULL)
        break;
      g_ptr_array_add (chain, der);
      current = issuer;
    }
  ERR_clear_error ();
  return chain;
}

static char *
refusal_for (X509 *cert, gboolean key_present, int key_type, const char *label)
{
  uint32_t usage = X509_get_key_usage (cert);
  const ASN1_TIME *not_after = X509_get0_notAfter (cert);

  if (!key_present)
    return g_strdup_printf (
      _ ("The token “%s” holds no private key for this certificate, so it cannot sign with it."), label);
  if (key_type != EVP_PKEY_RSA && key_type != EVP_PKEY_EC)
    return g_strdup (_ ("The certificate's key is neither RSA nor ECDSA; Kyso cannot sign with it."));
  /* X509_get_key_usage() gives every bit when the extension is absent. */
  if ((usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0)
    return g_strdup (_ ("This certificate is not meant for signing (its key usage allows neither digital "
                        "signatures nor non-repudiation)."));
  if (X509_cmp_time (not_after, NULL) < 0)
    return g_strdup (_ ("This certificate has expired."));
  if (X509_cmp_time (X509_get0_notBefore (cert), NULL) > 0)
    return g_strdup (_ ("This certificate is not valid yet."));
  return NULL;
}

/* Every end-entity certificate on @t (certificate authorities' own certificates are left out). */
static void
list_token (Token *t, GPtrArray *entries)
{
  CK_FUNCTION_LIST *module = t->module;
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  CK_OBJECT_CLASS klass = CKO_CERTIFICATE;
  CK_CERTIFICATE_TYPE cert_type = CKC_X_509;
  CK_ATTRIBUTE tmpl[] = {
    { CKA_CLASS, &klass, sizeof klass },
    { CKA_CERTIFICATE_TYPE, &cert_type, sizeof cert_type },
  };
  g_autoptr (GArray) handles = NULL;
  g_autoptr (GPtrArray) certs = g_ptr_array_new_with_free_func ((GDestroyNotify)X509_free);
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

  if (module->C_OpenSession (t->slot, CKF_SERIAL_SESSION, NULL, NULL, &session) != CKR_OK)
    return;
  handles = find_objects (module, session, tmpl, G_N_ELEMENTS (tmpl), NULL);
  for (guint i = 0; i < handles->len; i++)
    {
      CK_OBJECT_HANDLE h = g_array_index (handles, CK_OBJECT_HANDLE, i);
      g_autoptr (GBytes) der = get_attribute (module, session, h, CKA_VALUE);
      GBytes *ckaid = get_attribute (module, session, h, CKA_ID);
      const unsigned char *p;
      X509 *cert;

      if (der == NULL)
        {
          g_clear_pointer (&ckaid, g_bytes_unref);
          continue;
        }
      p = g_bytes_get_data (der, NULL);
      cert = d2i_X509 (NULL, &p, (long)g_bytes_get_size (der));
      if (cert == NULL)
        {
          g_clear_pointer (&ckaid, g_bytes_unref);
          continue;
        }
      g_ptr_array_add (certs, cert);
      g_ptr_array_add (ids, ckaid != NULL ? ckaid : g_bytes_new (NULL, 0));
    }

  for (guint i = 0; i < certs->len; i++)
    {
      X509 *cert = g_ptr_array_index (certs, i);
      GBytes *ckaid = g_ptr_array_index (ids, i);
      EVP_PKEY *pub = X509_get0_pubkey (cert);
      g_autoptr (GPtrArray) chain = NULL;
      g_autofree char *id = NULL;
      gboolean key_present;
      BIGNUM *bn;
      char *hex;
      Entry *e;

      if (X509_check_ca (cert) != 0)
        continue;
      key_present = g_bytes_get_size (ckaid) > 0
                    && (has_key (module, session, CKO_PRIVATE_KEY, ckaid, NULL)
                        || has_key (module, session, CKO_PUBLIC_KEY, ckaid, NULL));
      e = g_new0 (Entry, 1);
      e->token = token_ref (t);
      e->ckaid = g_bytes_ref (ckaid);
      e->key_type = pub != NULL ? EVP_PKEY_get_base_id (pub) : EVP_PKEY_NONE;
      e->key_bytes = pub != NULL ? EVP_PKEY_get_size (pub) : 0;
      chain = build_chain (cert, certs);
      id = fingerprint_id (cert);
      e->pub = g_new0 (KysoTokenCertificate, 1);
      e->pub->credential = kyso_signer_credential_new (id, NULL, chain);
      e->pub->token_label = g_strdup (t->label);
      e->pub->holder = common_name (cert);
      e->pub->issuer = name_to_utf8 (X509_get_issuer_name (cert));
      bn = ASN1_INTEGER_to_BN (X509_get0_serialNumber (cert), NULL);
      hex = bn != NULL ? BN_bn2hex (bn) : NULL;
      e->pub->serial = g_strdup (hex != NULL ? hex : "");
      OPENSSL_free (hex);
      BN_free (bn);
      e->pub->refusal = refusal_for (cert, key_present, e->key_type, t->label);
      g_ptr_array_add (entries, e);
    }
  module->C_CloseSession (session);
  ERR_clear_error ();
}

/* Entries of every token present; a certificate seen twice (one module loaded two ways) once. */
static GPtrArray *
list_entries (Modules *m)
{
  g_autoptr (GPtrArray) tokens = scan_tokens (m);
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < tokens->len; i++)
    {
      g_autoptr (GPtrArray) mine = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);

      list_token (g_ptr_array_index (tokens, i), mine);
      for (guint j = 0; j < mine->len; j++)
        {
          Entry *e = g_ptr_array_index (mine, j);
          if (g_hash_table_add (seen, g_strdup (e->pub->credential->id)))
            g_ptr_array_add (entries, g_ptr_array_steal_index (mine, j--));
        }
    }
  return entries;
}

/* ==== PIN requests ======================================================================= */

struct _KysoTokenPinRequest
{
  gatomicrefcount ref;
  GMutex lock;
  GCond cond;
  gboolean answered;
  char *pin;
  char *token_label;
  char *certificate_name;
  char *message;
  KysoTokenPinFlags flags;
};

G_DEFINE_BOXED_TYPE (KysoTokenPinRequest, kyso_token_pin_request, kyso_token_pin_request_ref,
                     kyso_token_pin_request_unref)

static void
wipe_string (char **s)
{
  if (*s == NULL)
    return;
  OPENSSL_cleanse (*s, strlen (*s));
  g_free (*s);
  *s = NULL;
}

static KysoTokenPinRequest *
pin_request_new (const char *label, const char *holder, KysoTokenPinFlags flags, char *message)
{
  KysoTokenPinRequest *self = g_new0 (KysoTokenPinRequest, 1);

  g_atomic_ref_count_init (&self->ref);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->token_label = g_strdup (label);
  self->certificate_name = g_strdup (holder);
  self->flags = flags;
  self->message = message;
  return self;
}

KysoTokenPinRequest *
kyso_token_pin_request_ref (KysoTokenPinRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
kyso_token_pin_request_unref (KysoTokenPinRequest *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref))
    return;
  wipe_string (&self->pin);
  g_free (self->token_label);
  g_free (self->certificate_name);
  g_free (self->message);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

const char *
kyso_token_pin_request_get_token_label (KysoTokenPinRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->token_label;
}

const char *
kyso_token_pin_request_get_certificate_name (KysoTokenPinRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->certificate_name;
}

KysoTokenPinFlags
kyso_token_pin_request_get_flags (KysoTokenPinRequest *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->flags;
}

const char *
kyso_token_pin_request_get_message (KysoTokenPinRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->message;
}

void
kyso_token_pin_request_reply (KysoTokenPinRequest *self, const char *pin)
{
  g_return_if_fail (self != NULL);
  g_mutex_lock (&self->lock);
  if (!self->answered)
    {
      self->answered = TRUE;
      self->pin = g_strdup (pin);
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->lock);
}

/* Blocks the worker until the request is answered or @cancellable fires. → the PIN (wipe it), or
 * NULL with *cancelled set when @cancellable fired. */
static char *
pin_request_wait (KysoTokenPinRequest *self, GCancellable *cancellable, gboolean *cancelled)
{
  char *pin;

  *cancelled = FALSE;
  g_mutex_lock (&self->lock);
  while (!self->answered && !(*cancelled = g_cancellable_is_cancelled (cancellable)))
    g_cond_wait_until (&self->cond, &self->lock, g_get_monotonic_time () + PIN_WAIT_SLICE_US);
  pin = g_steal_pointer (&self->pin);
  self->answered = TRUE;
  g_mutex_unlock (&self->lock);
  return pin;
}

/* ==== the signer ========================================================================= */

typedef struct _Watch Watch;

struct _KysoTokenSigner
{
  GObject parent_instance;
  Modules *modules;
  GMutex lock; /* pin_func, hook */
  KysoTokenPinFunc pin_func;
  gpointer pin_data;
  GDestroyNotify pin_destroy;
  KysoTokenSignHook hook;
  gpointer hook_data;
  char *only_issuer; /* set_certificate(): the one certificate offered */
  char *only_serial;
  Watch *watch;
};

enum
{
  SIGNAL_TOKENS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
kyso_token_signer_iface_init (KysoSignerInterface *iface);
static void
watch_stop (Watch *watch);

G_DEFINE_FINAL_TYPE_WITH_CODE (KysoTokenSigner, kyso_token_signer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (KYSO_TYPE_SIGNER, kyso_token_signer_iface_init))

static void
kyso_token_signer_dispose (GObject *object)
{
  KysoTokenSigner *self = KYSO_TOKEN_SIGNER (object);

  g_clear_pointer (&self->watch, watch_stop);
  G_OBJECT_CLASS (kyso_token_signer_parent_class)->dispose (object);
}

static void
kyso_token_signer_finalize (GObject *object)
{
  KysoTokenSigner *self = KYSO_TOKEN_SIGNER (object);

  if (self->pin_destroy != NULL)
    self->pin_destroy (self->pin_data);
  g_clear_pointer (&self->modules, modules_unref);
  g_free (self->only_issuer);
  g_free (self->only_serial);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (kyso_token_signer_parent_class)->finalize (object);
}

static void
kyso_token_signer_class_init (KysoTokenSignerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kyso_token_signer_dispose;
  object_class->finalize = kyso_token_signer_finalize;

  /**
   * KysoTokenSigner::tokens-changed:
   *
   * A token was plugged in or pulled out (after kyso_token_signer_watch()).
   */
  signals[SIGNAL_TOKENS_CHANGED] = g_signal_new ("tokens-changed", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kyso_token_signer_init (KysoTokenSigner *self)
{
  g_mutex_init (&self->lock);
}

KysoTokenSigner *
kyso_token_signer_new (const char *const *module_paths, gboolean use_registered)
{
  KysoTokenSigner *self = g_object_new (KYSO_TYPE_TOKEN_SIGNER, NULL);

  self->modules = modules_new (module_paths, use_registered);
  return self;
}

KysoTokenSigner *
kyso_token_signer_new_for_config (KysoConfig *config, const char *extra_module)
{
  const char *list = config != NULL ? kyso_config_get (config, "token", "modules") : NULL;
  const char *registered = config != NULL ? kyso_config_get (config, "token", "registered") : NULL;
  const char *file = config != NULL ? kyso_config_get_filename (config) : NULL;
  g_autofree char *base = file != NULL ? g_path_get_dirname (file) : g_get_current_dir ();
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  gboolean use_registered = TRUE;
  g_auto (GStrv) parts = NULL;

  if (extra_module != NULL)
    g_ptr_array_add (paths, g_canonicalize_filename (extra_module, NULL));
  if (list != NULL)
    {
      parts = g_strsplit (list, ";", -1);
      for (guint i = 0; parts[i] != NULL; i++)
        {
          g_autofree char *path = g_strstrip (g_strdup (parts[i]));
          if (*path == '\0')
            continue;
          g_ptr_array_add (paths, g_path_is_absolute (path) ? g_steal_pointer (&path)
                                                            : g_build_filename (base, path, NULL));
        }
    }
  g_ptr_array_add (paths, NULL);
  if (registered != NULL)
    use_registered = !(g_ascii_strcasecmp (registered, "false") == 0
                       || g_ascii_strcasecmp (registered, "no") == 0 || g_strcmp0 (registered, "0") == 0);
  return kyso_token_signer_new ((const char *const *)paths->pdata, use_registered);
}

void
kyso_token_signer_set_pin_func (KysoTokenSigner *self, KysoTokenPinFunc func, gpointer user_data,
                                GDestroyNotify destroy)
{
  GDestroyNotify old_destroy;
  gpointer old_data;

  g_return_if_fail (KYSO_IS_TOKEN_SIGNER (self));
  g_mutex_lock (&self->lock);
  old_destroy = self->pin_destroy;
  old_data = self->pin_data;
  self->pin_func = func;
  self->pin_data = user_data;
  self->pin_destroy = destroy;
  g_mutex_unlock (&self->lock);
  if (old_destroy != NULL)
    old_destroy (old_data);
}

void
kyso_token_signer_set_certificate (KysoTokenSigner *self, const char *issuer, const char *serial)
{
  g_return_if_fail (KYSO_IS_TOKEN_SIGNER (self));
  g_mutex_lock (&self->lock);
  g_free (self->only_issuer);
  g_free (self->only_serial);
  self->only_issuer = g_strdup (issuer);
  self->only_serial = serial != NULL ? normalise_serial (serial) : NULL;
  g_mutex_unlock (&self->lock);
}

void
_kyso_token_signer_set_sign_hook (KysoTokenSigner *self, KysoTokenSignHook hook, gpointer user_data)
{
  g_return_if_fail (KYSO_IS_TOKEN_SIGNER (self));
  g_mutex_lock (&self->lock);
  self->hook = hook;
  self->hook_data = user_data;
  g_mutex_unlock (&self->lock);
}

/* ---- listing ---- */

static void
list_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  KysoTokenSigner *self = source_object;
  g_autoptr (GPtrArray) entries = NULL;
  GPtrArray *out;
  GError *error = NULL;

  if (!modules_ensure_loaded (self->modules, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  entries = list_entries (self->modules);
  if (g_task_return_error_if_cancelled (task))
    return;
  out = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_token_certificate_free);
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (out, kyso_token_certificate_copy (((Entry *)g_ptr_array_index (entries, i))->pub));
  g_task_return_pointer (task, out, (GDestroyNotify)g_ptr_array_unref);
}

void
kyso_token_signer_list_certificates_async (KysoTokenSigner *self, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KYSO_IS_TOKEN_SIGNER (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_token_signer_list_certificates_async);
  g_task_run_in_thread (task, list_thread);
}

GPtrArray *
kyso_token_signer_list_certificates_finish (KysoTokenSigner *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_token_signer_list_certificates_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
credentials_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GPtrArray) certs = NULL;
  KysoTokenSigner *self = KYSO_TOKEN_SIGNER (source);
  g_autofree char *only_issuer = NULL;
  g_autofree char *only_serial = NULL;
  GError *error = NULL;
  GPtrArray *out;

  certs = kyso_token_signer_list_certificates_finish (KYSO_TOKEN_SIGNER (source), result, &error);
  if (certs == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  out = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_signer_credential_free);
  g_mutex_lock (&self->lock);
  only_issuer = g_strdup (self->only_issuer);
  only_serial = g_strdup (self->only_serial);
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < certs->len; i++)
    {
      KysoTokenCertificate *c = g_ptr_array_index (certs, i);
      g_autofree char *serial = normalise_serial (c->serial);

      if (only_serial != NULL
          && (g_strcmp0 (serial, only_serial) != 0 || g_strcmp0 (c->issuer, only_issuer) != 0))
        continue;
      if (only_serial != NULL && c->refusal != NULL)
        {
          g_ptr_array_unref (out);
          g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_CERTIFICATE, "%s", c->refusal);
          return;
        }
      if (c->refusal == NULL)
        g_ptr_array_add (out, kyso_signer_credential_copy (c->credential));
    }
  if (only_serial != NULL && out->len == 0)
    {
      g_ptr_array_unref (out);
      g_task_return_new_error (
        task, KYSO_ERROR, KYSO_ERROR_NOT_FOUND, "%s",
        _ ("The certificate of this signature profile is on no token plugged in. Plug in "
           "the token that holds it and try again."));
      return;
    }
  g_task_return_pointer (task, out, (GDestroyNotify)g_ptr_array_unref);
}

static void
kyso_token_signer_list_credentials_async (KysoSigner *signer, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (signer, cancellable, callback, user_data);

  g_task_set_source_tag (task, kyso_token_signer_list_credentials_async);
  kyso_token_signer_list_certificates_async (KYSO_TOKEN_SIGNER (signer), cancellable, credentials_ready,
                                             task);
}

static GPtrArray *
kyso_token_signer_list_credentials_finish (KysoSigner *signer, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, signer), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_token_signer_list_credentials_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- signing ---- */

typedef struct
{
  char *credential_id;
  GPtrArray *digests;
  KysoSignProgressFunc progress;
  gpointer progress_data;
} SignData;

static void
sign_data_free (SignData *data)
{
  g_free (data->credential_id);
  g_ptr_array_unref (data->digests);
  g_free (data);
}

typedef struct
{
  KysoSignProgressFunc progress;
  gpointer progress_data;
  KysoSignState state;
} ProgressCall;

static gboolean
deliver_progress (gpointer user_data)
{
  ProgressCall *call = user_data;
  KysoSignProgress progress = { .state = call->state };

  call->progress (&progress, call->progress_data);
  return G_SOURCE_REMOVE;
}

/* Queued on the task's context before the task returns, so every progress call reaches the
 * caller before its callback (sources of equal priority run in the order they were added). */
static void
post_progress (GTask *task, SignData *data, KysoSignState state)
{
  g_autoptr (GSource) source = NULL;
  ProgressCall *call;

  if (data->progress == NULL)
    return;
  call = g_new (ProgressCall, 1);
  call->progress = data->progress;
  call->progress_data = data->progress_data;
  call->state = state;
  source = g_idle_source_new ();
  g_source_set_priority (source, g_task_get_priority (task));
  g_source_set_callback (source, deliver_progress, call, g_free);
  g_source_set_static_name (source, "[kyso] token progress");
  g_source_attach (source, g_task_get_context (task));
}

typedef struct
{
  KysoTokenSigner *self;
  KysoTokenPinRequest *request;
} PinCall;

static void
pin_call_free (PinCall *call)
{
  g_object_unref (call->self);
  kyso_token_pin_request_unref (call->request);
  g_free (call);
}

static gboolean
deliver_pin_request (gpointer user_data)
{
  PinCall *call = user_data;
  KysoTokenPinFunc func;
  gpointer data;

  g_mutex_lock (&call->self->lock);
  func = call->self->pin_func;
  data = call->self->pin_data;
  g_mutex_unlock (&call->self->lock);
  if (func != NULL)
    func (call->request, data);
  else
    kyso_token_pin_request_reply (call->request, NULL);
  return G_SOURCE_REMOVE;
}

static void
post_pin_request (GTask *task, KysoTokenSigner *self, KysoTokenPinRequest *request)
{
  g_autoptr (GSource) source = g_idle_source_new ();
  PinCall *call = g_new0 (PinCall, 1);

  call->self = g_object_ref (self);
  call->request = kyso_token_pin_request_ref (request);
  g_source_set_priority (source, g_task_get_priority (task));
  g_source_set_callback (source, deliver_pin_request, call, (GDestroyNotify)pin_call_free);
  g_source_set_static_name (source, "[kyso] token PIN");
  g_source_attach (source, g_task_get_context (task));
}

static const char *
tries_sentence (CK_FLAGS flags)
{
  if (flags & CKF_USER_PIN_FINAL_TRY)
    return _ ("One try is left: one more wrong PIN locks the token.");
  if (flags & CKF_USER_PIN_COUNT_LOW)
    return _ ("Few tries are left before the token locks.");
  return _ ("Check it and try again.");
}

static void
set_locked_error (GError **error, const char *label)
{
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_AUTH,
               _ ("The PIN of the token “%s” is locked after too many wrong tries. Unlock it with the PUK or "
                  "the certificate authority's token tool, then sign again."),
                  label);
}

static gboolean
token_info (Entry *e, CK_TOKEN_INFO *info, GError **error)
{
  CK_RV rv = e->token->module->C_GetTokenInfo (e->token->slot, info);

  if (rv != CKR_OK)
    {
      set_token_error (error, rv, e->token->label);
      return FALSE;
    }
  return TRUE;
}

/* Logs in as the user, asking the PIN as often as the person keeps trying. */
static gboolean
login (GTask *task, KysoTokenSigner *self, SignData *data, Entry *e, CK_SESSION_HANDLE session,
       GCancellable *cancellable, GError **error)
{
  CK_FUNCTION_LIST *module = e->token->module;
  const char *label = e->token->label;
  g_autoptr (GError) last_wrong = NULL;
  CK_SESSION_INFO session_info;
  CK_TOKEN_INFO info;
  gboolean have_func;

  if (!token_info (e, &info, error))
    return FALSE;
  if (!(info.flags & CKF_LOGIN_REQUIRED))
    return TRUE;
  if (module->C_GetSessionInfo (session, &session_info) == CKR_OK
      && (session_info.state == CKS_RO_USER_FUNCTIONS || session_info.state == CKS_RW_USER_FUNCTIONS))
    return TRUE;
  if (info.flags & CKF_USER_PIN_LOCKED)
    {
      set_locked_error (error, label);
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  have_func = self->pin_func != NULL;
  g_mutex_unlock (&self->lock);

  if (info.flags & CKF_PROTECTED_AUTHENTICATION_PATH)
    {
      g_autoptr (KysoTokenPinRequest) request = NULL;
      CK_RV rv;

      request = pin_request_new (
        label, e->pub->holder, KYSO_TOKEN_PIN_PAD,
        g_strdup_printf (_ ("Type the PIN of the token “%s” on the reader's keypad."), label));
      if (have_func)
        post_pin_request (task, self, request);
      post_progress (task, data, KYSO_SIGN_STATE_WAITING);
      rv = module->C_Login (session, CKU_USER, NULL, 0);
      if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN)
        return TRUE;
      if (rv == CKR_PIN_INCORRECT)
        {
          CK_TOKEN_INFO after = { .flags = 0 };

          module->C_GetTokenInfo (e->token->slot, &after);
          if (after.flags & CKF_USER_PIN_LOCKED)
            set_locked_error (error, label);
          else
            g_set_error (error, KYSO_ERROR, KYSO_ERROR_AUTH, "%s %s",
                         _ ("The PIN typed on the reader is wrong."), tries_sentence (after.flags));
        }
      else if (rv == CKR_PIN_LOCKED)
        set_locked_error (error, label);
      else
        set_token_error (error, rv, label);
      return FALSE;
    }

  if (!have_func)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                   _ ("The token “%s” needs its PIN, and there is no way to ask for it here."), label);
      return FALSE;
    }

  for (;;)
    {
      g_autoptr (KysoTokenPinRequest) request = NULL;
      KysoTokenPinFlags flags = 0;
      char *message;
      char *pin;
      gboolean cancelled;
      CK_RV rv;

      if (info.flags & CKF_USER_PIN_COUNT_LOW)
        flags |= KYSO_TOKEN_PIN_COUNT_LOW;
      if (info.flags & CKF_USER_PIN_FINAL_TRY)
        flags |= KYSO_TOKEN_PIN_FINAL_TRY;
      if (last_wrong != NULL)
        {
          flags |= KYSO_TOKEN_PIN_RETRY;
          message = g_strdup (last_wrong->message);
        }
      else
        {
          g_autofree char *ask
            = g_strdup_printf (_ ("Enter the PIN of the token “%s” to sign as %s."), label, e->pub->holder);
          message = (info.flags & CKF_USER_PIN_FINAL_TRY)
                      ? g_strdup_printf ("%s %s", ask, tries_sentence (info.flags))
                      : g_steal_pointer (&ask);
        }
      request = pin_request_new (label, e->pub->holder, flags, message);
      post_pin_request (task, self, request);
      post_progress (task, data, KYSO_SIGN_STATE_WAITING);
      pin = pin_request_wait (request, cancellable, &cancelled);
      if (cancelled)
        {
          wipe_string (&pin);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _ ("Signing was cancelled; nothing was signed."));
          return FALSE;
        }
      if (pin == NULL)
        {
          if (last_wrong != NULL)
            g_propagate_error (error, g_steal_pointer (&last_wrong));
          else
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _ ("Signing was cancelled; nothing was signed."));
          return FALSE;
        }
      rv = module->C_Login (session, CKU_USER, (CK_UTF8CHAR *)pin, strlen (pin));
      wipe_string (&pin);
      if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN)
        return TRUE;
      if (rv == CKR_PIN_LOCKED)
        {
          set_locked_error (error, label);
          return FALSE;
        }
      if (rv != CKR_PIN_INCORRECT && rv != CKR_PIN_INVALID && rv != CKR_PIN_LEN_RANGE)
        {
          set_token_error (error, rv, label);
          return FALSE;
        }
      if (!token_info (e, &info, error))
        return FALSE;
      if (info.flags & CKF_USER_PIN_LOCKED)
        {
          set_locked_error (error, label);
          return FALSE;
        }
      g_clear_error (&last_wrong);
      if (rv == CKR_PIN_LEN_RANGE)
        g_set_error (&last_wrong, KYSO_ERROR, KYSO_ERROR_AUTH,
                     _ ("The PIN of the token “%s” must have between %lu and %lu characters."), label,
                        (unsigned long)info.ulMinPinLen, (unsigned long)info.ulMaxPinLen);
      else
        g_set_error (&last_wrong, KYSO_ERROR, KYSO_ERROR_AUTH, "%s %s",
                     _ ("The PIN is wrong."), tries_sentence (info.flags));
    }
}

/* RSA: the DigestInfo of SHA-256; raw RSA also needs the PKCS#1 v1.5 block around it. */
static const guint8 SHA256_DIGEST_INFO[] = { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                             0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 };

static GBytes *
rsa_input (GBytes *digest, CK_MECHANISM_TYPE mech, int modulus_bytes)
{
  gsize info_len = sizeof SHA256_DIGEST_INFO + g_bytes_get_size (digest);
  guint8 *block;
  gsize len;

  if (mech == CKM_RSA_PKCS)
    {
      len = info_len;
      block = g_malloc (len);
    }
  else
    {
      if (modulus_bytes < (int)info_len + 11)
        return NULL;
      len = (gsize)modulus_bytes;
      block = g_malloc (len);
      block[0] = 0x00;
      block[1] = 0x01;
      memset (block + 2, 0xff, len - info_len - 3);
      block[len - info_len - 1] = 0x00;
    }
  memcpy (block + len - info_len, SHA256_DIGEST_INFO, sizeof SHA256_DIGEST_INFO);
  memcpy (block + len - g_bytes_get_size (digest), g_bytes_get_data (digest, NULL),
          g_bytes_get_size (digest));
  return g_bytes_new_take (block, len);
}

/* PKCS#11 gives ECDSA as r ‖ s; CMS wants the DER ECDSA-Sig-Value. */
static GBytes *
ecdsa_to_der (const guint8 *raw, gsize len)
{
  ECDSA_SIG *sig;
  BIGNUM *r, *s;
  unsigned char *der = NULL;
  int der_len;
  GBytes *out;

  if (len == 0 || len % 2 != 0)
    return NULL;
  r = BN_bin2bn (raw, (int)(len / 2), NULL);
  s = BN_bin2bn (raw + len / 2, (int)(len / 2), NULL);
  sig = ECDSA_SIG_new ();
  if (sig == NULL || r == NULL || s == NULL || ECDSA_SIG_set0 (sig, r, s) != 1)
    {
      BN_free (r);
      BN_free (s);
      ECDSA_SIG_free (sig);
      return NULL;
    }
  der_len = i2d_ECDSA_SIG (sig, &der);
  ECDSA_SIG_free (sig);
  if (der_len <= 0)
    return NULL;
  out = g_bytes_new (der, (gsize)der_len);
  OPENSSL_free (der);
  return out;
}

static gboolean
choose_mechanism (Entry *e, CK_MECHANISM_TYPE *out, GError **error)
{
  CK_FUNCTION_LIST *module = e->token->module;
  g_autofree CK_MECHANISM_TYPE *mechs = NULL;
  CK_ULONG n = 0;
  gboolean listed = FALSE, rsa_pkcs = FALSE, rsa_raw = FALSE, ecdsa = FALSE;

  if (module->C_GetMechanismList (e->token->slot, NULL, &n) == CKR_OK && n > 0 && n < 4096)
    {
      mechs = g_new0 (CK_MECHANISM_TYPE, n);
      listed = module->C_GetMechanismList (e->token->slot, mechs, &n) == CKR_OK;
    }
  for (CK_ULONG i = 0; listed && i < n; i++)
    {
      rsa_pkcs |= mechs[i] == CKM_RSA_PKCS;
      rsa_raw |= mechs[i] == CKM_RSA_X_509;
      ecdsa |= mechs[i] == CKM_ECDSA;
    }
  /* A token that does not list its mechanisms gets the usual one tried. */
  if (e->key_type == EVP_PKEY_RSA && (rsa_pkcs || !listed))
    *out = CKM_RSA_PKCS;
  else if (e->key_type == EVP_PKEY_RSA && rsa_raw)
    *out = CKM_RSA_X_509;
  else if (e->key_type == EVP_PKEY_EC && (ecdsa || !listed))
    *out = CKM_ECDSA;
  else
    {
      /* Hash-and-sign mechanisms (CKM_SHA256_RSA_PKCS …) need the signed data, not its digest. */
      g_set_error (
        error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
        _ ("The token “%s” offers no signing method Kyso can use with this key (it needs RSA PKCS#1 "
           "or ECDSA over a digest)."),
           e->token->label);
      return FALSE;
    }
  return TRUE;
}

static GBytes *
sign_on_token (Entry *e, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key, CK_MECHANISM_TYPE mech_type,
               GBytes *digest, GError **error)
{
  CK_FUNCTION_LIST *module = e->token->module;
  CK_MECHANISM mech = { mech_type, NULL, 0 };
  g_autoptr (GBytes) input = NULL;
  g_autofree guint8 *out = NULL;
  CK_ULONG out_len = 1024;
  CK_RV rv;

  input = mech_type == CKM_ECDSA ? g_bytes_ref (digest) : rsa_input (digest, mech_type, e->key_bytes);
  if (input == NULL)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                   _ ("The key on the token “%s” is too small to sign with SHA-256."), e->token->label);
      return NULL;
    }
  rv = module->C_SignInit (session, &mech, key);
  if (rv == CKR_OK)
    {
      out = g_malloc (out_len);
      rv = module->C_Sign (session, (CK_BYTE *)g_bytes_get_data (input, NULL), g_bytes_get_size (input), out,
                           &out_len);
      if (rv == CKR_BUFFER_TOO_SMALL && out_len <= MAX_ATTRIBUTE_BYTES)
        {
          g_free (out);
          out = g_malloc (out_len);
          rv = module->C_Sign (session, (CK_BYTE *)g_bytes_get_data (input, NULL), g_bytes_get_size (input),
                               out, &out_len);
        }
    }
  if (rv != CKR_OK)
    {
      set_token_error (error, rv, e->token->label);
      return NULL;
    }
  if (mech_type == CKM_ECDSA)
    {
      GBytes *der = ecdsa_to_der (out, out_len);
      if (der == NULL)
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_BAD_SIGNATURE,
                     _ ("The token “%s” returned a signature Kyso cannot read. Nothing was signed."),
                        e->token->label);
      return der;
    }
  return g_bytes_new_take (g_steal_pointer (&out), out_len);
}

static Entry *
find_entry (Modules *m, const char *id, GError **error)
{
  g_autoptr (GPtrArray) entries = list_entries (m);

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = g_ptr_array_index (entries, i);

      if (g_strcmp0 (e->pub->credential->id, id) != 0)
        continue;
      if (e->pub->refusal != NULL)
        {
          g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE, e->pub->refusal);
          return NULL;
        }
      return g_ptr_array_steal_index (entries, i);
    }
  g_set_error_literal (
    error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
    _ ("The token holding the chosen certificate is not plugged in. Plug it in and try again."));
  return NULL;
}

static GPtrArray *
sign_all (GTask *task, KysoTokenSigner *self, SignData *data, Entry *e, CK_SESSION_HANDLE session,
          GCancellable *cancellable, GError **error)
{
  CK_FUNCTION_LIST *module = e->token->module;
  g_autoptr (GPtrArray) signatures = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  GBytes *cert = g_ptr_array_index (e->pub->credential->chain, 0);
  CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
  CK_MECHANISM_TYPE mech = CKM_RSA_PKCS;
  KysoTokenSignHook hook;
  gpointer hook_data;

  if (!login (task, self, data, e, session, cancellable, error))
    return NULL;
  post_progress (task, data, KYSO_SIGN_STATE_APPROVED);
  if (!has_key (module, session, CKO_PRIVATE_KEY, e->ckaid, &key))
    {
      CK_SESSION_INFO info;
      CK_RV rv = module->C_GetSessionInfo (session, &info);

      if (rv != CKR_OK && is_removal (rv))
        set_removed_error (error, e->token->label);
      else
        g_set_error (
          error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
          _ ("The token “%s” holds no private key for this certificate, so it cannot sign with it."),
             e->token->label);
      return NULL;
    }
  if (!choose_mechanism (e, &mech, error))
    return NULL;

  g_mutex_lock (&self->lock);
  hook = self->hook;
  hook_data = self->hook_data;
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < data->digests->len; i++)
    {
      GBytes *digest = g_ptr_array_index (data->digests, i);
      g_autoptr (GBytes) sig = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      sig = sign_on_token (e, session, key, mech, digest, error);
      if (sig == NULL)
        return NULL;
      if (hook != NULL)
        hook (i, hook_data);
      if (!kyso_signer_check_signature (cert, digest, sig, error))
        return NULL;
      g_ptr_array_add (signatures, g_steal_pointer (&sig));
    }
  return g_steal_pointer (&signatures);
}

static void
sign_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  KysoTokenSigner *self = source_object;
  SignData *data = task_data;
  g_autoptr (Entry) e = NULL;
  g_autoptr (GPtrArray) signatures = NULL;
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  GError *error = NULL;
  CK_RV rv;

  if (!modules_ensure_loaded (self->modules, &error)
      || (e = find_entry (self->modules, data->credential_id, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  rv = e->token->module->C_OpenSession (e->token->slot, CKF_SERIAL_SESSION, NULL, NULL, &session);
  if (rv != CKR_OK)
    {
      set_token_error (&error, rv, e->token->label);
      g_task_return_error (task, error);
      return;
    }
  signatures = sign_all (task, self, data, e, session, cancellable, &error);
  /* Logging out also ends the login of this application's other sessions on the token. */
  e->token->module->C_Logout (session);
  e->token->module->C_CloseSession (session);
  ERR_clear_error ();
  if (signatures == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&signatures), (GDestroyNotify)g_ptr_array_unref);
}

static void
kyso_token_signer_sign_digests_async (KysoSigner *signer, GPtrArray *digests, const KysoSignRequest *request,
                                      KysoSignProgressFunc progress, gpointer progress_data,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  KysoTokenSigner *self = KYSO_TOKEN_SIGNER (signer);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  SignData *data;

  g_task_set_source_tag (task, kyso_token_signer_sign_digests_async);
  for (guint i = 0; i < digests->len; i++)
    if (g_bytes_get_size (g_ptr_array_index (digests, i)) != 32)
      {
        g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                                 _ ("Only SHA-256 digests (32 bytes) can be signed."));
        return;
      }
  data = g_new0 (SignData, 1);
  data->credential_id = g_strdup (request->credential_id);
  data->digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  for (guint i = 0; i < digests->len; i++)
    g_ptr_array_add (data->digests, g_bytes_ref (g_ptr_array_index (digests, i)));
  data->progress = progress;
  data->progress_data = progress_data;
  g_task_set_task_data (task, data, (GDestroyNotify)sign_data_free);
  post_progress (task, data, KYSO_SIGN_STATE_SENDING);
  g_task_run_in_thread (task, sign_thread);
}

static GPtrArray *
kyso_token_signer_sign_digests_finish (KysoSigner *signer, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, signer), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_token_signer_sign_digests_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
kyso_token_signer_iface_init (KysoSignerInterface *iface)
{
  iface->list_credentials_async = kyso_token_signer_list_credentials_async;
  iface->list_credentials_finish = kyso_token_signer_list_credentials_finish;
  iface->sign_digests_async = kyso_token_signer_sign_digests_async;
  iface->sign_digests_finish = kyso_token_signer_sign_digests_finish;
}

/* ==== watching for tokens ================================================================ */

struct _Watch
{
  gatomicrefcount ref;
  GMutex lock;
  GCond cond;
  gboolean stop;
  guint interval_ms;
  Modules *modules;
  GWeakRef signer;
  GMainContext *context;
  GThread *thread;
};

static Watch *
watch_ref (Watch *w)
{
  g_atomic_ref_count_inc (&w->ref);
  return w;
}

static void
watch_unref (Watch *w)
{
  if (!g_atomic_ref_count_dec (&w->ref))
    return;
  modules_unref (w->modules);
  g_weak_ref_clear (&w->signer);
  g_main_context_unref (w->context);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->cond);
  g_free (w);
}

static char *
snapshot (Modules *m)
{
  g_autoptr (GPtrArray) tokens = scan_tokens (m);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < tokens->len; i++)
    {
      Token *t = g_ptr_array_index (tokens, i);
      g_string_append_printf (s, "%p/%lu/%s\n", (void *)t->module, (unsigned long)t->slot, t->key);
    }
  return g_string_free (s, FALSE);
}

static gboolean
emit_tokens_changed (gpointer user_data)
{
  Watch *w = user_data;
  g_autoptr (KysoTokenSigner) self = g_weak_ref_get (&w->signer);

  if (self != NULL)
    g_signal_emit (self, signals[SIGNAL_TOKENS_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static gpointer
watch_thread (gpointer user_data)
{
  Watch *w = user_data;
  g_autofree char *last = NULL;

  if (modules_ensure_loaded (w->modules, NULL))
    last = snapshot (w->modules);
  g_mutex_lock (&w->lock);
  while (!w->stop)
    {
      gint64 until = g_get_monotonic_time () + (gint64)w->interval_ms * G_TIME_SPAN_MILLISECOND;
      g_autofree char *now = NULL;

      while (!w->stop && g_cond_wait_until (&w->cond, &w->lock, until))
        ;
      if (w->stop)
        break;
      g_mutex_unlock (&w->lock);
      if (last != NULL)
        {
          /* Modules that report slot events say so at once; the others are compared below. */
          for (guint i = 0; i < w->modules->modules->len; i++)
            {
              CK_FUNCTION_LIST *module = g_ptr_array_index (w->modules->modules, i);
              CK_SLOT_ID slot;
              for (guint n = 0; n < 8 && module->C_WaitForSlotEvent (CKF_DONT_BLOCK, &slot, NULL) == CKR_OK;
                   n++)
                ;
            }
          now = snapshot (w->modules);
          if (g_strcmp0 (now, last) != 0)
            {
              g_autoptr (GSource) source = g_idle_source_new ();
              g_source_set_callback (source, emit_tokens_changed, watch_ref (w), (GDestroyNotify)watch_unref);
              g_source_set_static_name (source, "[kyso] tokens changed");
              g_source_attach (source, w->context);
              g_free (last);
              last = g_steal_pointer (&now);
            }
        }
      g_mutex_lock (&w->lock);
    }
  g_mutex_unlock (&w->lock);
  return NULL;
}

static void
watch_stop (Watch *w)
{
  g_mutex_lock (&w->lock);
  w->stop = TRUE;
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);
  g_thread_join (w->thread);
  watch_unref (w);
}

void
kyso_token_signer_watch (KysoTokenSigner *self, guint interval_ms)
{
  Watch *w;

  g_return_if_fail (KYSO_IS_TOKEN_SIGNER (self));
  if (self->watch != NULL)
    return;
  w = g_new0 (Watch, 1);
  g_atomic_ref_count_init (&w->ref);
  g_mutex_init (&w->lock);
  g_cond_init (&w->cond);
  w->interval_ms = CLAMP (interval_ms == 0 ? DEFAULT_WATCH_MS : interval_ms, MIN_WATCH_MS, MAX_WATCH_MS);
  w->modules = modules_ref (self->modules);
  g_weak_ref_init (&w->signer, self);
  w->context = g_main_context_ref_thread_default ();
  /* The thread's own reference is the one watch_stop() drops after joining it. */
  w->thread = g_thread_new ("kyso-token-watch", watch_thread, w);
  self->watch = w;
}
