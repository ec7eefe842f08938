/* The sandbox's state dir: which CAs and citizens exist, creating them on first start (keys
 * are made once), loading them after, and re-issuing the citizens' certificates — the only ones
 * that name the server's address — when the address changed. */

#include "kyso-sandbox-private.h"
#include "kyso-sandbox-pki.h"

#include <errno.h>
#include <openssl/x509v3.h>

#define DAY (24 * 3600)
#define YEAR (365 * DAY)

static const struct
{
  const char *name;
  const char *id;
} provider_table[] = {
  { "VNPT-CA", "vnpt-ca" }, { "Viettel-CA", "viettel-ca" }, { "BkavCA", "bkavca" },   { "FPT-CA", "fpt-ca" },
  { "CA2", "ca2" },         { "Newtel-CA", "newtel-ca" },   { "MISA-CA", "misa-ca" }, { "EFY-CA", "efy-ca" },
};

static const struct
{
  const char *name;
  const char *cccd;
  const char *provider;
  const char *email;
  const char *phone;
  KysoSandboxCitizenStatus status;
} citizen_table[] = {
  { "Nguyễn Văn An", "051090000101", "VNPT-CA", "an.nguyen@sandbox.kyso.vn", "0905000101",
    KYSO_SANDBOX_CITIZEN_GOOD },
  { "Trần Thị Bình", "051190000202", "Viettel-CA", "binh.tran@sandbox.kyso.vn", "0905000202",
    KYSO_SANDBOX_CITIZEN_GOOD },
  { "Lê Minh Châu", "062085000303", "BkavCA", "chau.le@sandbox.kyso.vn", "0905000303",
    KYSO_SANDBOX_CITIZEN_GOOD },
  { "Phạm Quốc Dũng", "051088000404", "FPT-CA", "dung.pham@sandbox.kyso.vn", "0905000404",
    KYSO_SANDBOX_CITIZEN_GOOD },
  { "Hoàng Thị Ánh Tuyết", "011195000505", "CA2", "tuyet.hoang@sandbox.kyso.vn", "0905000505",
    KYSO_SANDBOX_CITIZEN_GOOD },
  { "Võ Thành Đạt", "034092000606", "Newtel-CA", "dat.vo@sandbox.kyso.vn", "0905000606",
    KYSO_SANDBOX_CITIZEN_GOOD },
  { "Đặng Văn Hùng", "051080000707", "VNPT-CA", "hung.dang@sandbox.kyso.vn", "0905000707",
    KYSO_SANDBOX_CITIZEN_REVOKED },
  { "Bùi Thị Lan", "051185000808", "Viettel-CA", "lan.bui@sandbox.kyso.vn", "0905000808",
    KYSO_SANDBOX_CITIZEN_EXPIRED },
};

static void
register_issued (KysoSandbox *self, KysoSandboxProvider *issuer, X509 *cert, gboolean revoked)
{
  KysoSandboxIssued *issued = g_new0 (KysoSandboxIssued, 1);
  g_autofree char *serial = kyso_sandbox_pki_serial_hex (cert);
  struct tm tm = { 0 };

  issued->issuer = issuer;
  issued->revoked = revoked;
  /* Revoked an hour after issue: a fixed, plausible instant. */
  ASN1_TIME_to_tm (X509_get0_notBefore (cert), &tm);
  issued->revoked_at = (gint64)timegm (&tm) + 3600;
  g_hash_table_replace (self->issued, g_strconcat (issuer->id, ":", serial, NULL), issued);
}

static KysoSandboxProvider *
find_provider (KysoSandbox *self, const char *name)
{
  for (guint i = 0; i < self->providers->len; i++)
    {
      KysoSandboxProvider *p = g_ptr_array_index (self->providers, i);
      if (g_str_equal (p->name, name))
        return p;
    }
  return NULL;
}

static const char *
provider_id_for (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (provider_table); i++)
    if (g_str_equal (provider_table[i].name, name))
      return provider_table[i].id;
  g_return_val_if_reached (NULL);
}

static gboolean
provider_has_citizens (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (citizen_table); i++)
    if (g_str_equal (citizen_table[i].provider, name))
      return TRUE;
  return FALSE;
}

static X509 *
make_responder_cert (KysoSandbox *self, KysoSandboxProvider *p, gint64 now, GError **error)
{
  static const KysoSandboxExt exts[] = {
    { NID_basic_constraints, "critical,CA:FALSE" },
    { NID_key_usage, "critical,digitalSignature" },
    { NID_ext_key_usage, "OCSPSigning" },
    { NID_id_pkix_OCSP_noCheck, "ignored" },
    { NID_subject_key_identifier, "hash" },
    { NID_authority_key_identifier, "keyid" },
    { NID_undef, NULL },
  };
  g_autofree char *cn = g_strdup_printf ("Kyso Sandbox OCSP Responder (%s)", p->name);
  X509_NAME *name = kyso_sandbox_simple_name (cn, "Kyso Sandbox");
  X509 *cert
    = kyso_sandbox_make_cert (name, self->ocsp_key, p->cert, p->key, now - DAY, now + 5 * YEAR, exts, error);
  X509_NAME_free (name);
  return cert;
}

/* --- creating a state dir --------------------------------------------------------------------- */

static gboolean
create_infrastructure (KysoSandbox *self, GError **error)
{
  static const KysoSandboxExt root_exts[] = {
    { NID_basic_constraints, "critical,CA:TRUE" },
    { NID_key_usage, "critical,keyCertSign,cRLSign" },
    { NID_subject_key_identifier, "hash" },
    { NID_authority_key_identifier, "keyid:always" },
    { NID_undef, NULL },
  };
  static const KysoSandboxExt ca_exts[] = {
    { NID_basic_constraints, "critical,CA:TRUE,pathlen:0" },
    { NID_key_usage, "critical,keyCertSign,cRLSign" },
    { NID_subject_key_identifier, "hash" },
    { NID_authority_key_identifier, "keyid" },
    { NID_undef, NULL },
  };
  static const KysoSandboxExt tls_exts[] = {
    { NID_basic_constraints, "critical,CA:FALSE" },
    { NID_key_usage, "critical,digitalSignature" },
    { NID_ext_key_usage, "serverAuth" },
    { NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost" },
    { NID_subject_key_identifier, "hash" },
    { NID_authority_key_identifier, "keyid" },
    { NID_undef, NULL },
  };
  static const KysoSandboxExt tsa_exts[] = {
    { NID_basic_constraints, "critical,CA:FALSE" },
    { NID_key_usage, "critical,digitalSignature,nonRepudiation" },
    { NID_ext_key_usage, "critical,timeStamping" },
    { NID_subject_key_identifier, "hash" },
    { NID_authority_key_identifier, "keyid" },
    { NID_undef, NULL },
  };
  static const KysoSandboxExt jwt_exts[] = {
    { NID_basic_constraints, "critical,CA:FALSE" },
    { NID_key_usage, "critical,digitalSignature" },
    { NID_subject_key_identifier, "hash" },
    { NID_authority_key_identifier, "keyid" },
    { NID_undef, NULL },
  };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  /* CAs start three years back so that the expired citizen lies within its issuer's validity. */
  gint64 ca_start = now - 3 * YEAR;
  g_autoptr (GPtrArray) jobs = g_ptr_array_new_with_free_func (g_free);
  X509_NAME *name;

  for (gsize i = 0; i < G_N_ELEMENTS (provider_table); i++)
    if (provider_has_citizens (provider_table[i].name))
      {
        KysoSandboxProvider *p = g_new0 (KysoSandboxProvider, 1);
        p->name = g_strdup (provider_table[i].name);
        p->id = g_strdup (provider_table[i].id);
        g_ptr_array_add (self->providers, p);
      }
  kyso_sandbox_key_job_add (jobs, &self->root_key, TRUE);
  kyso_sandbox_key_job_add (jobs, &self->tsa_key, TRUE);
  kyso_sandbox_key_job_add (jobs, &self->jwt_key, TRUE);
  kyso_sandbox_key_job_add (jobs, &self->tls_key, FALSE);
  kyso_sandbox_key_job_add (jobs, &self->ocsp_key, FALSE);
  for (guint i = 1; i < self->providers->len; i++)
    kyso_sandbox_key_job_add (jobs, &((KysoSandboxProvider *)g_ptr_array_index (self->providers, i))->key,
                              TRUE);
  for (guint i = 0; i < self->citizens->len; i++)
    kyso_sandbox_key_job_add (jobs, &((KysoSandboxCitizen *)g_ptr_array_index (self->citizens, i))->key,
                              TRUE);
  if (!kyso_sandbox_generate_keys (jobs, error))
    return FALSE;

  name = kyso_sandbox_simple_name ("Kyso Sandbox Root CA", "Kyso Sandbox");
  self->root_cert = kyso_sandbox_make_cert (name, self->root_key, NULL, self->root_key, ca_start,
                                            now + 10 * YEAR, root_exts, error);
  X509_NAME_free (name);
  if (self->root_cert == NULL)
    return FALSE;

  for (guint i = 0; i < self->providers->len; i++)
    {
      KysoSandboxProvider *p = g_ptr_array_index (self->providers, i);
      if (i == 0)
        {
          EVP_PKEY_up_ref (self->root_key);
          X509_up_ref (self->root_cert);
          p->key = self->root_key;
          p->cert = self->root_cert;
        }
      else
        {
          g_autofree char *cn = g_strdup_printf ("%s (Sandbox)", p->name);
          g_autofree char *org = g_strdup_printf ("%s — Kyso Sandbox", p->name);
          name = kyso_sandbox_simple_name (cn, org);
          p->cert = kyso_sandbox_make_cert (name, p->key, self->root_cert, self->root_key, ca_start,
                                            now + 8 * YEAR, ca_exts, error);
          X509_NAME_free (name);
          if (p->cert == NULL)
            return FALSE;
        }
      if ((p->ocsp_cert = make_responder_cert (self, p, now, error)) == NULL)
        return FALSE;
    }

  name = kyso_sandbox_simple_name ("localhost", "Kyso Sandbox");
  self->tls_cert = kyso_sandbox_make_cert (name, self->tls_key, self->root_cert, self->root_key, now - DAY,
                                           now + 2 * YEAR, tls_exts, error);
  X509_NAME_free (name);
  name = kyso_sandbox_simple_name ("Kyso Sandbox TSA", "Kyso Sandbox");
  self->tsa_cert = kyso_sandbox_make_cert (name, self->tsa_key, self->root_cert, self->root_key, now - DAY,
                                           now + 5 * YEAR, tsa_exts, error);
  X509_NAME_free (name);
  name = kyso_sandbox_simple_name ("Kyso Sandbox Token Signing", "Kyso Sandbox");
  self->jwt_cert = kyso_sandbox_make_cert (name, self->jwt_key, self->root_cert, self->root_key, now - DAY,
                                           now + 5 * YEAR, jwt_exts, error);
  X509_NAME_free (name);
  return self->tls_cert != NULL && self->tsa_cert != NULL && self->jwt_cert != NULL;
}

static gboolean
save_infrastructure (KysoSandbox *self, GError **error)
{
  struct
  {
    EVP_PKEY *key;
    X509 *cert;
    const char *sub;
    const char *name;
  } items[] = {
    { self->root_key, self->root_cert, "ca", "root" }, { self->tls_key, self->tls_cert, "tls", "tls" },
    { self->tsa_key, self->tsa_cert, "tsa", "tsa" },   { self->jwt_key, self->jwt_cert, "jwt", "jwt" },
    { self->ocsp_key, NULL, "ocsp", "ocsp" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autofree char *key_path = kyso_sandbox_state_path (self, items[i].sub, items[i].name, ".key");
      g_autofree char *cert_path = kyso_sandbox_state_path (self, items[i].sub, items[i].name, ".pem");
      if (!kyso_sandbox_save_key (items[i].key, key_path, error)
          || (items[i].cert != NULL && !kyso_sandbox_save_cert (items[i].cert, cert_path, error)))
        return FALSE;
    }
  for (guint i = 0; i < self->providers->len; i++)
    {
      KysoSandboxProvider *p = g_ptr_array_index (self->providers, i);
      g_autofree char *key_path = kyso_sandbox_state_path (self, "ca", p->id, ".key");
      g_autofree char *cert_path = kyso_sandbox_state_path (self, "ca", p->id, ".pem");
      g_autofree char *ocsp_path = kyso_sandbox_state_path (self, "ocsp", p->id, ".pem");
      if ((i > 0
           && (!kyso_sandbox_save_key (p->key, key_path, error)
               || !kyso_sandbox_save_cert (p->cert, cert_path, error)))
          || !kyso_sandbox_save_cert (p->ocsp_cert, ocsp_path, error))
        return FALSE;
    }
  for (guint i = 0; i < self->citizens->len; i++)
    {
      KysoSandboxCitizen *c = g_ptr_array_index (self->citizens, i);
      g_autofree char *key_path = kyso_sandbox_state_path (self, "citizens", c->cccd, ".key");
      if (!kyso_sandbox_save_key (c->key, key_path, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
load_infrastructure (KysoSandbox *self, GError **error)
{
  struct
  {
    EVP_PKEY **key;
    X509 **cert;
    const char *sub;
    const char *name;
  } items[] = {
    { &self->root_key, &self->root_cert, "ca", "root" }, { &self->tls_key, &self->tls_cert, "tls", "tls" },
    { &self->tsa_key, &self->tsa_cert, "tsa", "tsa" },   { &self->jwt_key, &self->jwt_cert, "jwt", "jwt" },
    { &self->ocsp_key, NULL, "ocsp", "ocsp" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autofree char *key_path = kyso_sandbox_state_path (self, items[i].sub, items[i].name, ".key");
      g_autofree char *cert_path = kyso_sandbox_state_path (self, items[i].sub, items[i].name, ".pem");
      if ((*items[i].key = kyso_sandbox_load_key (key_path, error)) == NULL
          || (items[i].cert != NULL && (*items[i].cert = kyso_sandbox_load_cert (cert_path, error)) == NULL))
        return FALSE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (provider_table); i++)
    {
      g_autofree char *cert_path = kyso_sandbox_state_path (self, "ca", provider_table[i].id, ".pem");
      if (g_file_test (cert_path, G_FILE_TEST_EXISTS))
        {
          KysoSandboxProvider *p = g_new0 (KysoSandboxProvider, 1);
          g_autofree char *key_path = kyso_sandbox_state_path (self, "ca", provider_table[i].id, ".key");
          p->name = g_strdup (provider_table[i].name);
          p->id = g_strdup (provider_table[i].id);
          g_ptr_array_add (self->providers, p);
          if ((p->key = kyso_sandbox_load_key (key_path, error)) == NULL
              || (p->cert = kyso_sandbox_load_cert (cert_path, error)) == NULL)
            return FALSE;
        }
    }
  {
    KysoSandboxProvider *root = g_ptr_array_index (self->providers, 0);
    EVP_PKEY_up_ref (self->root_key);
    X509_up_ref (self->root_cert);
    root->key = self->root_key;
    root->cert = self->root_cert;
  }
  for (guint i = 0; i < self->providers->len; i++)
    {
      KysoSandboxProvider *p = g_ptr_array_index (self->providers, i);
      g_autofree char *ocsp_path = kyso_sandbox_state_path (self, "ocsp", p->id, ".pem");
      if ((p->ocsp_cert = kyso_sandbox_load_cert (ocsp_path, error)) == NULL)
        return FALSE;
    }
  for (guint i = 0; i < self->citizens->len; i++)
    {
      KysoSandboxCitizen *c = g_ptr_array_index (self->citizens, i);
      g_autofree char *key_path = kyso_sandbox_state_path (self, "citizens", c->cccd, ".key");
      if ((c->key = kyso_sandbox_load_key (key_path, error)) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* --- state.json ------------------------------------------------------------------------------- */

static gboolean
save_state (KysoSandbox *self, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = g_build_filename (self->state_dir, "state.json", NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "port");
  json_builder_add_int_value (b, self->port);
  json_builder_set_member_name (b, "http_port");
  json_builder_add_int_value (b, self->http_port);
  json_builder_set_member_name (b, "sp_password");
  json_builder_add_string_value (b, self->sp_password);
  json_builder_set_member_name (b, "passwords");
  json_builder_begin_object (b);
  for (guint i = 0; i < self->citizens->len; i++)
    {
      KysoSandboxCitizen *c = g_ptr_array_index (self->citizens, i);
      json_builder_set_member_name (b, c->cccd);
      json_builder_add_string_value (b, c->password);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, TRUE);
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static char *
random_password (void)
{
  g_autofree char *token = kyso_sandbox_random_token (9);
  return g_strconcat ("Kyso-", token, NULL);
}

static void
init_citizens (KysoSandbox *self, JsonObject *passwords)
{
  for (gsize i = 0; i < G_N_ELEMENTS (citizen_table); i++)
    {
      KysoSandboxCitizen *c = g_new0 (KysoSandboxCitizen, 1);
      const char *pw = passwords != NULL
                         ? json_object_get_string_member_with_default (passwords, citizen_table[i].cccd, NULL)
                         : NULL;
      c->name = g_strdup (citizen_table[i].name);
      c->cccd = g_strdup (citizen_table[i].cccd);
      c->provider = g_strdup (citizen_table[i].provider);
      c->provider_id = g_strdup (provider_id_for (c->provider));
      c->email = g_strdup (citizen_table[i].email);
      c->phone = g_strdup (citizen_table[i].phone);
      c->username = g_strdup (c->cccd);
      c->password = pw != NULL ? g_strdup (pw) : random_password ();
      c->credential_id = g_strconcat (c->provider_id, "-", c->cccd, NULL);
      c->status = citizen_table[i].status;
      g_ptr_array_add (self->citizens, c);
    }
}

gboolean
kyso_sandbox_pki_load (KysoSandbox *self, GError **error)
{
  g_autofree char *path = g_build_filename (self->state_dir, "state.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) state = NULL;
  KysoSandboxProvider *root_responder = g_new0 (KysoSandboxProvider, 1);

  root_responder->name = g_strdup ("Kyso Sandbox Root CA");
  root_responder->id = g_strdup ("root");
  g_ptr_array_add (self->providers, root_responder);
  self->root_file = kyso_sandbox_state_path (self, "ca", "root", ".pem");

  if (g_file_get_contents (path, &text, NULL, NULL))
    {
      JsonObject *o;
      if ((state = json_from_string (text, error)) == NULL)
        return FALSE;
      if (!JSON_NODE_HOLDS_OBJECT (state))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not a sandbox state", path);
          return FALSE;
        }
      o = json_node_get_object (state);
      self->previous_port = (guint)json_object_get_int_member_with_default (o, "port", 0);
      self->previous_http_port = (guint)json_object_get_int_member_with_default (o, "http_port", 0);
      self->sp_password = g_strdup (json_object_get_string_member_with_default (o, "sp_password", ""));
      init_citizens (self, json_object_get_object_member (o, "passwords"));
      if (!load_infrastructure (self, error))
        return FALSE;
    }
  else
    {
      if (g_mkdir_with_parents (self->state_dir, 0700) != 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "Cannot create %s", self->state_dir);
          return FALSE;
        }
      self->sp_password = random_password ();
      init_citizens (self, NULL);
      if (!create_infrastructure (self, error) || !save_infrastructure (self, error))
        return FALSE;
      /* state.json last: its presence means the dir is complete. */
      if (!save_state (self, error))
        return FALSE;
    }

  for (guint i = 0; i < self->citizens->len; i++)
    {
      KysoSandboxCitizen *c = g_ptr_array_index (self->citizens, i);
      KysoSandboxProvider *p = find_provider (self, c->provider);
      if (p == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "No CA for %s in %s", c->provider,
                       self->state_dir);
          return FALSE;
        }
      X509_up_ref (p->cert);
      c->issuer = p->cert;
    }
  for (guint i = 0; i < self->providers->len; i++)
    {
      KysoSandboxProvider *p = g_ptr_array_index (self->providers, i);
      if (i > 0)
        register_issued (self, g_ptr_array_index (self->providers, 0), p->cert, FALSE);
      register_issued (self, p, p->ocsp_cert, FALSE);
    }
  register_issued (self, g_ptr_array_index (self->providers, 0), self->tls_cert, FALSE);
  register_issued (self, g_ptr_array_index (self->providers, 0), self->tsa_cert, FALSE);
  register_issued (self, g_ptr_array_index (self->providers, 0), self->jwt_cert, FALSE);
  {
    guchar md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    X509_pubkey_digest (self->jwt_cert, EVP_sha256 (), md, &md_len);
    self->jwt_kid
      = g_strdup_printf ("kyso-sandbox-%02x%02x%02x%02x%02x%02x", md[0], md[1], md[2], md[3], md[4], md[5]);
  }
  return TRUE;
}

/* --- the citizens' certificates --------------------------------------------------------------- */

static X509 *
make_citizen_cert (KysoSandbox *self, KysoSandboxCitizen *c, KysoSandboxProvider *p, gint64 not_before,
                   gint64 not_after, GError **error)
{
  g_autofree char *aia = g_strdup_printf ("OCSP;URI:%s/ocsp,caIssuers;URI:%s/ca/%s.crt", self->http_base_url,
                                          self->http_base_url, p->id);
  g_autofree char *san = g_strdup_printf ("email:%s", c->email);
  g_autofree char *uid = g_strdup_printf ("CCCD:%s", c->cccd);
  const KysoSandboxExt exts[] = {
    { NID_basic_constraints, "critical,CA:FALSE" },
    { NID_key_usage, "critical,digitalSignature,nonRepudiation" },
    { NID_ext_key_usage, "emailProtection,clientAuth" },
    { NID_subject_alt_name, san },
    { NID_info_access, aia },
    { NID_subject_key_identifier, "hash" },
    { NID_authority_key_identifier, "keyid" },
    { NID_undef, NULL },
  };
  X509_NAME *name = X509_NAME_new ();
  X509 *cert;

  /* DER order C, UID, emailAddress, CN: printed (RFC 2253) as "CN=…, emailAddress=…, UID=…, C=VN". */
  X509_NAME_add_entry_by_NID (name, NID_countryName, MBSTRING_UTF8, (const guchar *)"VN", -1, -1, 0);
  X509_NAME_add_entry_by_NID (name, NID_userId, MBSTRING_UTF8, (const guchar *)uid, -1, -1, 0);
  X509_NAME_add_entry_by_NID (name, NID_pkcs9_emailAddress, MBSTRING_ASC, (const guchar *)c->email, -1, -1,
                              0);
  X509_NAME_add_entry_by_NID (name, NID_commonName, MBSTRING_UTF8, (const guchar *)c->name, -1, -1, 0);
  cert = kyso_sandbox_make_cert (name, c->key, p->cert, p->key, not_before, not_after, exts, error);
  X509_NAME_free (name);
  return cert;
}

gboolean
kyso_sandbox_pki_issue (KysoSandbox *self, GError **error)
{
  gboolean moved = self->port != self->previous_port || self->http_port != self->previous_http_port;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < self->citizens->len; i++)
    {
      KysoSandboxCitizen *c = g_ptr_array_index (self->citizens, i);
      KysoSandboxProvider *p = find_provider (self, c->provider);
      g_autofree char *cert_path = kyso_sandbox_state_path (self, "citizens", c->cccd, ".pem");
      g_autofree char *expired_path = kyso_sandbox_state_path (self, "citizens", c->cccd, "-expired.pem");
      g_autofree char *revoked_path = kyso_sandbox_state_path (self, "citizens", c->cccd, "-revoked.pem");
      gboolean expired = c->status == KYSO_SANDBOX_CITIZEN_EXPIRED;

      g_clear_pointer (&c->cert, X509_free);
      g_clear_pointer (&c->expired_twin, X509_free);
      g_clear_pointer (&c->revoked_twin, X509_free);
      if (!moved && g_file_test (revoked_path, G_FILE_TEST_EXISTS))
        {
          if ((c->cert = kyso_sandbox_load_cert (cert_path, error)) == NULL
              || (c->expired_twin = kyso_sandbox_load_cert (expired_path, error)) == NULL
              || (c->revoked_twin = kyso_sandbox_load_cert (revoked_path, error)) == NULL)
            return FALSE;
        }
      else
        {
          /* The expired ones ended yesterday, two years after they began. */
          c->cert = make_citizen_cert (self, c, p, expired ? now - 2 * YEAR : now - DAY,
                                       expired ? now - DAY : now + 3 * YEAR, error);
          if (c->cert == NULL)
            return FALSE;
          c->expired_twin = make_citizen_cert (self, c, p, now - 2 * YEAR, now - DAY, error);
          if (c->expired_twin == NULL)
            return FALSE;
          c->revoked_twin = make_citizen_cert (self, c, p, now - DAY, now + 3 * YEAR, error);
          if (c->revoked_twin == NULL || !kyso_sandbox_save_cert (c->cert, cert_path, error)
              || !kyso_sandbox_save_cert (c->expired_twin, expired_path, error)
              || !kyso_sandbox_save_cert (c->revoked_twin, revoked_path, error))
            return FALSE;
        }
      register_issued (self, p, c->cert, c->status == KYSO_SANDBOX_CITIZEN_REVOKED);
      register_issued (self, p, c->expired_twin, FALSE);
      register_issued (self, p, c->revoked_twin, TRUE);
    }
  return moved ? save_state (self, error) : TRUE;
}

X509 *
kyso_sandbox_pki_served_cert (KysoSandbox *self, KysoSandboxCitizen *citizen)
{
  if (kyso_sandbox_has_fault (self, "expired-cert"))
    return citizen->expired_twin;
  if (kyso_sandbox_has_fault (self, "revoked-cert"))
    return citizen->revoked_twin;
  return citizen->cert;
}
