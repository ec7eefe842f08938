/* A DOCX signature in two phases: the SignedInfo's digest out, the raw signature in. */
#include "config.h"

#include "kyso-ooxml-sign-session.h"
#include "kyso-ooxml-private.h"
#include "kyso-error.h"
#include "kyso-signer.h"
#include "kyso-tsa.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#define DIGEST_ALG "http://www.w3.org/2001/04/xmlenc#sha256"

struct _KysoOoxmlSignSession
{
  GObject parent_instance;

  char *input_path;
  char *output_path;
  GDateTime *signing_time;
  char *comments;
  char *tsa_url;
  char *tls_ca_file;

  KysoOoxmlPackage *package;
  xmlDocPtr signature; /* the signature part being built */
  GBytes *cert_der;
  gboolean ecdsa;
  int ecdsa_half; /* bytes of r (and of s) in an XML-DSig ECDSA value */
  GBytes *digest;
  char *signature_part;
  gboolean completed;
};

G_DEFINE_FINAL_TYPE (KysoOoxmlSignSession, kyso_ooxml_sign_session, G_TYPE_OBJECT)

static void
kyso_ooxml_sign_session_finalize (GObject *object)
{
  KysoOoxmlSignSession *self = KYSO_OOXML_SIGN_SESSION (object);

  g_free (self->input_path);
  g_free (self->output_path);
  g_clear_pointer (&self->signing_time, g_date_time_unref);
  g_free (self->comments);
  g_free (self->tsa_url);
  g_free (self->tls_ca_file);
  g_clear_pointer (&self->package, kyso_ooxml_package_free);
  g_clear_pointer (&self->signature, xmlFreeDoc);
  g_clear_pointer (&self->cert_der, g_bytes_unref);
  g_clear_pointer (&self->digest, g_bytes_unref);
  g_free (self->signature_part);
  G_OBJECT_CLASS (kyso_ooxml_sign_session_parent_class)->finalize (object);
}

static void
kyso_ooxml_sign_session_class_init (KysoOoxmlSignSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kyso_ooxml_sign_session_finalize;
}

static void
kyso_ooxml_sign_session_init (KysoOoxmlSignSession *self)
{
}

KysoOoxmlSignSession *
kyso_ooxml_sign_session_new (const char *input_path, const char *output_path,
                             const KysoOoxmlSignOptions *options)
{
  KysoOoxmlSignSession *self = NULL;

  g_return_val_if_fail (input_path != NULL && output_path != NULL, NULL);
  self = g_object_new (KYSO_TYPE_OOXML_SIGN_SESSION, NULL);
  self->input_path = g_strdup (input_path);
  self->output_path = g_strdup (output_path);
  if (options != NULL)
    {
      self->signing_time = options->signing_time ? g_date_time_ref (options->signing_time) : NULL;
      self->comments = g_strdup (options->comments);
      self->tsa_url = g_strdup (options->tsa_url);
      self->tls_ca_file = g_strdup (options->tls_ca_file);
    }
  return self;
}

static GBytes *
sha256 (GBytes *data)
{
  guint8 md[32];
  gsize len = 0;
  const void *p = g_bytes_get_data (data, &len);

  EVP_Digest (p, len, md, NULL, EVP_sha256 (), NULL);
  return g_bytes_new (md, sizeof md);
}

static char *
sha256_b64 (GBytes *data)
{
  g_autoptr (GBytes) md = sha256 (data);

  return _kyso_ooxml_base64 (md);
}

static void
append_escaped (GString *out, const char *text)
{
  g_autofree char *e = g_markup_escape_text (text, -1);

  g_string_append (out, e);
}

static void
append_der_length (GByteArray *out, gsize len)
{
  guint8 b[5];
  int n = 0;

  if (len < 0x80)
    {
      b[0] = (guint8)len;
      g_byte_array_append (out, b, 1);
      return;
    }
  for (gsize l = len; l > 0; l >>= 8)
    n++;
  b[0] = 0x80 | n;
  for (int i = 0; i < n; i++)
    b[1 + i] = (guint8)(len >> (8 * (n - 1 - i)));
  g_byte_array_append (out, b, 1 + n);
}

static void
append_der (GByteArray *out, guint8 tag, const guint8 *content, gsize len)
{
  g_byte_array_append (out, &tag, 1);
  append_der_length (out, len);
  g_byte_array_append (out, content, len);
}

/* IssuerSerial ::= SEQUENCE { issuer GeneralNames (one directoryName), serialNumber INTEGER }
 * (RFC 5035), as XAdES's IssuerSerialV2 carries it. */
static GBytes *
issuer_serial_der (X509 *cert)
{
  g_autoptr (GByteArray) name = g_byte_array_new ();
  g_autoptr (GByteArray) general = g_byte_array_new ();
  g_autoptr (GByteArray) names = g_byte_array_new ();
  g_autoptr (GByteArray) body = g_byte_array_new ();
  GByteArray *seq = g_byte_array_new ();
  unsigned char *der = NULL;
  int len = 0;

  len = i2d_X509_NAME (X509_get_issuer_name (cert), &der);
  if (len <= 0)
    {
      g_byte_array_unref (seq);
      return NULL;
    }
  g_byte_array_append (name, der, len);
  OPENSSL_free (der);
  der = NULL;
  append_der (general, 0xa4, name->data, name->len);     /* [4] EXPLICIT Name */
  append_der (names, 0x30, general->data, general->len); /* GeneralNames */
  g_byte_array_append (body, names->data, names->len);
  len = i2d_ASN1_INTEGER ((ASN1_INTEGER *)X509_get0_serialNumber (cert), &der);
  if (len <= 0)
    {
      g_byte_array_unref (seq);
      return NULL;
    }
  g_byte_array_append (body, der, len);
  OPENSSL_free (der);
  append_der (seq, 0x30, body->data, body->len);
  return g_byte_array_free_to_bytes (seq);
}

static char *
format_time (GDateTime *t)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (t);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* The Manifest: one Reference per part the signature covers, in the package's order. */
static gboolean
append_manifest (KysoOoxmlSignSession *self, GString *xml, GCancellable *cancellable, GError **error)
{
  const char *const *names = kyso_ooxml_package_get_names (self->package);
  guint n = 0;

  g_string_append (xml, "<Manifest>");
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = names[i];
      GBytes *data = kyso_ooxml_package_get_part (self->package, name);
      g_autofree char *ct = NULL;
      g_autofree char *uri = NULL;
      g_autofree char *digest = NULL;
      g_autofree char *source = NULL;

      if (_kyso_ooxml_part_is_excluded (name))
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      ct = kyso_ooxml_package_dup_content_type (self->package, name);
      if (ct == NULL)
        {
          g_autofree char *shown = g_utf8_make_valid (name, -1);

          g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                       _ ("The document's part “%s” has no content type; the file is damaged."), shown);
          return FALSE;
        }
      uri = g_uri_escape_string (name, "/", FALSE);
      g_string_append (xml, "<Reference URI=\"/");
      append_escaped (xml, uri);
      g_string_append (xml, "?ContentType=");
      append_escaped (xml, ct);
      g_string_append (xml, "\">");
      source = _kyso_ooxml_rels_source (name);
      if (source != NULL && g_strcmp0 (ct, KYSO_OOXML_CT_RELATIONSHIPS) == 0)
        {
          g_autoptr (GPtrArray) rels = _kyso_ooxml_read_rels (data, error);
          g_autoptr (GPtrArray) ids = g_ptr_array_new ();
          g_autoptr (GBytes) transformed = NULL;

          if (rels == NULL)
            return FALSE;
          g_string_append (xml, "<Transforms><Transform Algorithm=\"" KYSO_OOXML_ALG_RELATIONSHIP "\">");
          for (guint r = 0; r < rels->len; r++)
            {
              KysoOoxmlRel *rel = g_ptr_array_index (rels, r);

              if (_kyso_ooxml_rel_type_is_excluded (rel->type))
                continue;
              g_ptr_array_add (ids, rel->id);
              g_string_append (xml, "<mdssi:RelationshipReference xmlns:mdssi=\"" KYSO_OOXML_NS_MDSSI
                                    "\" SourceId=\"");
              append_escaped (xml, rel->id);
              g_string_append (xml, "\"/>");
            }
          g_ptr_array_add (ids, NULL);
          g_string_append (xml,
                           "</Transform><Transform Algorithm=\"" KYSO_OOXML_ALG_C14N "\"/></Transforms>");
          /* Read as the signatures already there read it, so that whoever checks them checks
           * this one the same way (white space between relationships, see the private header). */
          transformed
            = _kyso_ooxml_rels_transform (data, (const char *const *)ids->pdata, NULL,
                                          _kyso_ooxml_rels_legacy_in_use (self->package, name, data), error);
          if (transformed == NULL)
            return FALSE;
          digest = sha256_b64 (transformed);
        }
      else
        digest = sha256_b64 (data);
      g_string_append_printf (
        xml, "<DigestMethod Algorithm=\"" DIGEST_ALG "\"/><DigestValue>%s</DigestValue></Reference>", digest);
      n++;
    }
  g_string_append (xml, "</Manifest>");
  if (n == 0)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                           _ ("The document has nothing to sign."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
fill_reference (xmlDocPtr doc, xmlNodePtr signed_info, const char *id, GError **error)
{
  g_autofree char *uri = g_strdup_printf ("#%s", id);
  xmlNodePtr target = _kyso_ooxml_find_id (doc, id);
  g_autoptr (GBytes) c14n = NULL;
  g_autofree char *digest = NULL;

  if (target == NULL)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_FAILED, "no element %s", id);
      return FALSE;
    }
  c14n = _kyso_ooxml_c14n_subtree (target, error);
  if (c14n == NULL)
    return FALSE;
  digest = sha256_b64 (c14n);
  for (xmlNodePtr r = signed_info->children; r != NULL; r = r->next)
    {
      xmlChar *u = NULL;
      gboolean match = FALSE;

      if (r->type != XML_ELEMENT_NODE || strcmp ((const char *)r->name, "Reference") != 0)
        continue;
      u = xmlGetNoNsProp (r, BAD_CAST "URI");
      match = u != NULL && strcmp ((const char *)u, uri) == 0;
      xmlFree (u);
      if (match)
        {
          xmlNodeSetContent (_kyso_ooxml_child (r, KYSO_OOXML_NS_DSIG, "DigestValue"), BAD_CAST digest);
          return TRUE;
        }
    }
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_FAILED, "no reference to %s", id);
  return FALSE;
}

static char *
next_signature_part (KysoOoxmlPackage *package)
{
  for (guint n = 1;; n++)
    {
      g_autofree char *name = g_strdup_printf ("_xmlsignatures/sig%u.xml", n);

      if (kyso_ooxml_package_lookup (package, name) == NULL)
        return g_steal_pointer (&name);
    }
}

static gboolean
link_signature (KysoOoxmlSignSession *self, GError **error);

GBytes *
kyso_ooxml_sign_session_prepare (KysoOoxmlSignSession *self, GPtrArray *chain, GCancellable *cancellable,
                                 GError **error)
{
  g_autoptr (GString) xml = g_string_new (NULL);
  g_autoptr (GBytes) xml_bytes = NULL;
  g_autoptr (xmlDoc) doc = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (GBytes) issuer_serial = NULL;
  g_autoptr (GBytes) signed_info_c14n = NULL;
  g_autofree char *when = NULL;
  g_autofree char *cert_b64 = NULL;
  g_autofree char *cert_digest = NULL;
  g_autofree char *issuer_serial_b64 = NULL;
  X509 *cert = NULL;
  EVP_PKEY *key = NULL;
  const unsigned char *p = NULL;
  gsize cert_len = 0;
  xmlNodePtr signed_info = NULL;

  g_return_val_if_fail (KYSO_IS_OOXML_SIGN_SESSION (self), NULL);
  g_return_val_if_fail (chain != NULL, NULL);
  if (self->digest != NULL || self->completed)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _ ("This signature is already prepared."));
      return NULL;
    }
  if (chain->len == 0)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE, _ ("The signer has no certificate."));
      return NULL;
    }
  self->cert_der = g_bytes_ref (g_ptr_array_index (chain, 0));
  p = g_bytes_get_data (self->cert_der, &cert_len);
  cert = d2i_X509 (NULL, &p, (long)cert_len);
  if (cert == NULL || (key = X509_get0_pubkey (cert)) == NULL
      || (EVP_PKEY_get_base_id (key) != EVP_PKEY_RSA && EVP_PKEY_get_base_id (key) != EVP_PKEY_EC))
    {
      X509_free (cert);
      g_clear_pointer (&self->cert_der, g_bytes_unref);
      g_set_error_literal (
        error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
        _ ("The signer's certificate cannot be used: it is not a certificate with an RSA or EC key."));
      return NULL;
    }
  self->ecdsa = EVP_PKEY_get_base_id (key) == EVP_PKEY_EC;
  self->ecdsa_half = self->ecdsa ? (EVP_PKEY_get_bits (key) + 7) / 8 : 0;
  issuer_serial = issuer_serial_der (cert);
  X509_free (cert);

  self->package = kyso_ooxml_package_open (self->input_path, cancellable, error);
  if (self->package == NULL)
    goto fail;
  self->signature_part = next_signature_part (self->package);

  now = self->signing_time ? g_date_time_ref (self->signing_time) : g_date_time_new_now_utc ();
  when = format_time (now);
  cert_b64 = _kyso_ooxml_base64 (self->cert_der);
  cert_digest = sha256_b64 (self->cert_der);
  issuer_serial_b64 = issuer_serial ? _kyso_ooxml_base64 (issuer_serial) : g_strdup ("");

  g_string_append (xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                        "<Signature xmlns=\"" KYSO_OOXML_NS_DSIG "\" Id=\"idPackageSignature\"><SignedInfo>"
                        "<CanonicalizationMethod Algorithm=\"" KYSO_OOXML_ALG_C14N "\"/>");
  g_string_append_printf (xml, "<SignatureMethod Algorithm=\"%s\"/>",
                          self->ecdsa ? "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
                                      : "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
  g_string_append (
    xml, "<Reference Type=\"http://www.w3.org/2000/09/xmldsig#Object\" URI=\"#idPackageObject\">"
         "<DigestMethod Algorithm=\"" DIGEST_ALG "\"/><DigestValue></DigestValue></Reference>"
         "<Reference Type=\"http://www.w3.org/2000/09/xmldsig#Object\" URI=\"#idOfficeObject\">"
         "<DigestMethod Algorithm=\"" DIGEST_ALG "\"/><DigestValue></DigestValue></Reference>"
         "<Reference Type=\"http://uri.etsi.org/01903#SignedProperties\" URI=\"#idSignedProperties\">"
         "<Transforms><Transform Algorithm=\"" KYSO_OOXML_ALG_C14N "\"/></Transforms>"
         "<DigestMethod Algorithm=\"" DIGEST_ALG "\"/><DigestValue></DigestValue></Reference>"
         "</SignedInfo><SignatureValue></SignatureValue><KeyInfo><X509Data>");
  g_string_append_printf (xml, "<X509Certificate>%s</X509Certificate>", cert_b64);
  for (guint i = 1; i < chain->len; i++)
    {
      g_autofree char *b64 = _kyso_ooxml_base64 (g_ptr_array_index (chain, i));

      g_string_append_printf (xml, "<X509Certificate>%s</X509Certificate>", b64);
    }
  g_string_append (xml, "</X509Data></KeyInfo><Object Id=\"idPackageObject\">");
  if (!append_manifest (self, xml, cancellable, error))
    goto fail;
  g_string_append_printf (
    xml,
    "<SignatureProperties><SignatureProperty Id=\"idSignatureTime\" Target=\"#idPackageSignature\">"
    "<mdssi:SignatureTime xmlns:mdssi=\"" KYSO_OOXML_NS_MDSSI "\">"
    "<mdssi:Format>YYYY-MM-DDThh:mm:ssTZD</mdssi:Format><mdssi:Value>%s</mdssi:Value>"
    "</mdssi:SignatureTime></SignatureProperty></SignatureProperties></Object>",
    when);
  g_string_append (xml,
                   "<Object Id=\"idOfficeObject\"><SignatureProperties>"
                   "<SignatureProperty Id=\"idOfficeV1Details\" Target=\"#idPackageSignature\">"
                   "<SignatureInfoV1 xmlns=\"" KYSO_OOXML_NS_OFFICE_DIGSIG "\"><SetupID></SetupID>"
                   "<SignatureText></SignatureText><SignatureImage></SignatureImage><SignatureComments>");
  if (self->comments != NULL)
    append_escaped (xml, self->comments);
  g_string_append (xml,
                   "</SignatureComments><WindowsVersion></WindowsVersion><OfficeVersion></OfficeVersion>"
                   "<ApplicationVersion></ApplicationVersion><Monitors></Monitors>"
                   "<HorizontalResolution></HorizontalResolution><VerticalResolution></VerticalResolution>"
                   "<ColorDepth></ColorDepth><SignatureProviderId>{00000000-0000-0000-0000-000000000000}"
                   "</SignatureProviderId><SignatureProviderUrl></SignatureProviderUrl>"
                   "<SignatureProviderDetails>9</SignatureProviderDetails>"
                   "<SignatureType>1</SignatureType></SignatureInfoV1></SignatureProperty>"
                   "</SignatureProperties></Object>");
  g_string_append_printf (
    xml,
    "<Object><xd:QualifyingProperties xmlns:xd=\"" KYSO_OOXML_NS_XADES "\" "
    "Target=\"#idPackageSignature\"><xd:SignedProperties Id=\"idSignedProperties\">"
    "<xd:SignedSignatureProperties><xd:SigningTime>%s</xd:SigningTime>"
    "<xd:SigningCertificateV2><xd:Cert><xd:CertDigest>"
    "<DigestMethod Algorithm=\"" DIGEST_ALG "\"/><DigestValue>%s</DigestValue></xd:CertDigest>"
    "<xd:IssuerSerialV2>%s</xd:IssuerSerialV2></xd:Cert></xd:SigningCertificateV2>"
    "<xd:SignaturePolicyIdentifier><xd:SignaturePolicyImplied></xd:SignaturePolicyImplied>"
    "</xd:SignaturePolicyIdentifier></xd:SignedSignatureProperties></xd:SignedProperties>"
    "</xd:QualifyingProperties></Object></Signature>",
    when, cert_digest, issuer_serial_b64);

  xml_bytes = g_string_free_to_bytes (g_steal_pointer (&xml));
  doc = _kyso_ooxml_parse_xml (xml_bytes, self->signature_part, error);
  if (doc == NULL)
    goto fail;
  signed_info = _kyso_ooxml_child (xmlDocGetRootElement (doc), KYSO_OOXML_NS_DSIG, "SignedInfo");
  if (!fill_reference (doc, signed_info, "idPackageObject", error)
      || !fill_reference (doc, signed_info, "idOfficeObject", error)
      || !fill_reference (doc, signed_info, "idSignedProperties", error))
    goto fail;
  signed_info_c14n = _kyso_ooxml_c14n_subtree (signed_info, error);
  if (signed_info_c14n == NULL)
    goto fail;
  /* Only parts no signature covers change: the origin, its relationships, the content types
   * and the package relationships (whose transform leaves the origin out). */
  if (!link_signature (self, error))
    goto fail;
  self->digest = sha256 (signed_info_c14n);
  self->signature = g_steal_pointer (&doc);
  return g_bytes_ref (self->digest);

fail:
  g_clear_pointer (&self->package, kyso_ooxml_package_free);
  g_clear_pointer (&self->cert_der, g_bytes_unref);
  g_clear_pointer (&self->signature_part, g_free);
  return NULL;
}

/* XML-DSig wants ECDSA values as r‖s, each the size of the curve; signers give DER or that. */
static GBytes *
ecdsa_to_raw (GBytes *signature, int half)
{
  gsize len = 0;
  const unsigned char *p = g_bytes_get_data (signature, &len);
  ECDSA_SIG *sig = NULL;
  guint8 *raw = NULL;
  const BIGNUM *r = NULL, *s = NULL;

  if (len == (gsize)(2 * half))
    return g_bytes_ref (signature);
  sig = d2i_ECDSA_SIG (NULL, &p, (long)len);
  if (sig == NULL)
    return NULL;
  ECDSA_SIG_get0 (sig, &r, &s);
  raw = g_malloc0 (2 * half);
  if (BN_bn2binpad (r, raw, half) < 0 || BN_bn2binpad (s, raw + half, half) < 0)
    {
      ECDSA_SIG_free (sig);
      g_free (raw);
      return NULL;
    }
  ECDSA_SIG_free (sig);
  return g_bytes_new_take (raw, 2 * half);
}

static xmlDocPtr
parse_or_new (KysoOoxmlPackage *package, const char *name, const char *root_name, const char *ns,
              GError **error)
{
  GBytes *data = kyso_ooxml_package_get_part (package, name);
  xmlDocPtr doc = NULL;
  xmlNodePtr root = NULL;

  if (data != NULL)
    return _kyso_ooxml_parse_xml (data, name, error);
  doc = xmlNewDoc (BAD_CAST "1.0");
  root = xmlNewNode (NULL, BAD_CAST root_name);
  xmlSetNs (root, xmlNewNs (root, BAD_CAST ns, NULL));
  xmlDocSetRootElement (doc, root);
  doc->standalone = 1;
  return doc;
}

static gboolean
store_doc (KysoOoxmlPackage *package, const char *name, xmlDocPtr doc, GError **error)
{
  xmlChar *mem = NULL;
  int size = 0;
  g_autoptr (GBytes) bytes = NULL;

  xmlDocDumpMemoryEnc (doc, &mem, &size, "UTF-8");
  if (mem == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_FAILED, _ ("The signature could not be written."));
      return FALSE;
    }
  bytes = g_bytes_new (mem, size);
  xmlFree (mem);
  return kyso_ooxml_package_set_part (package, name, bytes, error);
}

/* A free "rIdN" in @root's relationships. */
static char *
free_rel_id (xmlNodePtr root)
{
  for (guint n = 1;; n++)
    {
      g_autofree char *id = g_strdup_printf ("rId%u", n);
      gboolean used = FALSE;

      for (xmlNodePtr c = root->children; c != NULL && !used; c = c->next)
        {
          xmlChar *v = c->type == XML_ELEMENT_NODE ? xmlGetNoNsProp (c, BAD_CAST "Id") : NULL;

          used = v != NULL && strcmp ((const char *)v, id) == 0;
          xmlFree (v);
        }
      if (!used)
        return g_steal_pointer (&id);
    }
}

static void
add_rel (xmlNodePtr root, const char *type, const char *target)
{
  g_autofree char *id = free_rel_id (root);
  xmlNodePtr r = xmlNewChild (root, root->ns, BAD_CAST "Relationship", NULL);

  xmlNewProp (r, BAD_CAST "Id", BAD_CAST id);
  xmlNewProp (r, BAD_CAST "Type", BAD_CAST type);
  xmlNewProp (r, BAD_CAST "Target", BAD_CAST target);
}

/* The origin part (found through the package relationships, or made), its relationship to the
 * new signature part, and the content types of both. */
static gboolean
link_signature (KysoOoxmlSignSession *self, GError **error)
{
  g_autoptr (xmlDoc) pkg_rels = NULL;
  g_autoptr (xmlDoc) origin_rels = NULL;
  g_autoptr (xmlDoc) types = NULL;
  g_autofree char *origin = NULL;
  g_autofree char *origin_rels_name = NULL;
  g_autofree char *target = NULL;
  g_autofree char *sig_part_name = NULL;
  xmlNodePtr root = NULL;
  gboolean has_sigs_default = FALSE;
  gboolean origin_override = FALSE;

  pkg_rels = parse_or_new (self->package, "_rels/.rels", "Relationships", KYSO_OOXML_NS_RELATIONSHIPS, error);
  if (pkg_rels == NULL)
    return FALSE;
  root = xmlDocGetRootElement (pkg_rels);
  for (xmlNodePtr c = root->children; c != NULL && origin == NULL; c = c->next)
    {
      xmlChar *type = NULL, *t = NULL;

      if (c->type != XML_ELEMENT_NODE)
        continue;
      type = xmlGetNoNsProp (c, BAD_CAST "Type");
      t = xmlGetNoNsProp (c, BAD_CAST "Target");
      if (type != NULL && t != NULL && strcmp ((const char *)type, KYSO_OOXML_REL_ORIGIN) == 0)
        origin = _kyso_ooxml_resolve_target ("", (const char *)t);
      xmlFree (type);
      xmlFree (t);
    }
  if (origin == NULL)
    {
      g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);

      origin = g_strdup ("_xmlsignatures/origin.sigs");
      add_rel (root, KYSO_OOXML_REL_ORIGIN, origin);
      if (!store_doc (self->package, "_rels/.rels", pkg_rels, error))
        return FALSE;
      if (kyso_ooxml_package_get_part (self->package, origin) == NULL
          && !kyso_ooxml_package_set_part (self->package, origin, empty, error))
        return FALSE;
    }
  else if (kyso_ooxml_package_get_part (self->package, origin) == NULL)
    {
      g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);

      if (!kyso_ooxml_package_set_part (self->package, origin, empty, error))
        return FALSE;
    }

  origin_rels_name = _kyso_ooxml_rels_name_for (origin);
  origin_rels
    = parse_or_new (self->package, origin_rels_name, "Relationships", KYSO_OOXML_NS_RELATIONSHIPS, error);
  if (origin_rels == NULL)
    return FALSE;
  /* The signature part's name relative to the origin's folder. */
  if (g_str_has_prefix (self->signature_part, "_xmlsignatures/")
      && g_str_has_prefix (origin, "_xmlsignatures/") && strchr (origin + 15, '/') == NULL)
    target = g_strdup (self->signature_part + 15);
  else
    target = g_strdup_printf ("/%s", self->signature_part);
  add_rel (xmlDocGetRootElement (origin_rels), KYSO_OOXML_REL_SIGNATURE, target);
  if (!store_doc (self->package, origin_rels_name, origin_rels, error))
    return FALSE;

  types = parse_or_new (self->package, "[Content_Types].xml", "Types", KYSO_OOXML_NS_CONTENT_TYPES, error);
  if (types == NULL)
    return FALSE;
  root = xmlDocGetRootElement (types);
  for (xmlNodePtr c = root->children; c != NULL; c = c->next)
    {
      xmlChar *v = NULL;

      if (c->type != XML_ELEMENT_NODE)
        continue;
      if (strcmp ((const char *)c->name, "Default") == 0)
        {
          v = xmlGetNoNsProp (c, BAD_CAST "Extension");
          if (v != NULL && g_ascii_strcasecmp ((const char *)v, "sigs") == 0)
            has_sigs_default = TRUE;
        }
      else if (strcmp ((const char *)c->name, "Override") == 0)
        {
          v = xmlGetNoNsProp (c, BAD_CAST "PartName");
          if (v != NULL && v[0] == '/' && g_ascii_strcasecmp ((const char *)v + 1, origin) == 0)
            origin_override = TRUE;
        }
      xmlFree (v);
    }
  if (!has_sigs_default && !origin_override)
    {
      g_autofree char *origin_ct = kyso_ooxml_package_dup_content_type (self->package, origin);

      if (g_str_has_suffix (origin, ".sigs"))
        {
          xmlNodePtr d = xmlNewChild (root, root->ns, BAD_CAST "Default", NULL);

          xmlNewProp (d, BAD_CAST "Extension", BAD_CAST "sigs");
          xmlNewProp (d, BAD_CAST "ContentType", BAD_CAST KYSO_OOXML_CT_ORIGIN);
        }
      else if (g_strcmp0 (origin_ct, KYSO_OOXML_CT_ORIGIN) != 0)
        {
          g_autofree char *pn = g_strdup_printf ("/%s", origin);
          xmlNodePtr o = xmlNewChild (root, root->ns, BAD_CAST "Override", NULL);

          xmlNewProp (o, BAD_CAST "PartName", BAD_CAST pn);
          xmlNewProp (o, BAD_CAST "ContentType", BAD_CAST KYSO_OOXML_CT_ORIGIN);
        }
    }
  sig_part_name = g_strdup_printf ("/%s", self->signature_part);
  {
    xmlNodePtr o = xmlNewChild (root, root->ns, BAD_CAST "Override", NULL);

    xmlNewProp (o, BAD_CAST "PartName", BAD_CAST sig_part_name);
    xmlNewProp (o, BAD_CAST "ContentType", BAD_CAST KYSO_OOXML_CT_SIGNATURE);
  }
  return store_doc (self->package, "[Content_Types].xml", types, error);
}

static gboolean
add_timestamp (KysoOoxmlSignSession *self, xmlNodePtr value, GCancellable *cancellable, GError **error)
{
  g_autoptr (GBytes) c14n = _kyso_ooxml_c14n_subtree (value, error);
  g_autoptr (GBytes) token = NULL;
  g_autofree char *b64 = NULL;
  KysoHttpOptions http = { 0 };
  xmlNodePtr root = xmlDocGetRootElement (self->signature);
  xmlNodePtr qp = NULL;
  xmlNodePtr up = NULL, usp = NULL, ts = NULL, cm = NULL;
  xmlNsPtr xd = NULL;

  if (c14n == NULL)
    return FALSE;
  http.ca_file = self->tls_ca_file;
  token = kyso_tsa_request_token (self->tsa_url, c14n, &http, cancellable, error);
  if (token == NULL)
    return FALSE;
  for (xmlNodePtr o = root->children; o != NULL && qp == NULL; o = o->next)
    if (o->type == XML_ELEMENT_NODE && strcmp ((const char *)o->name, "Object") == 0)
      qp = _kyso_ooxml_child (o, KYSO_OOXML_NS_XADES, "QualifyingProperties");
  g_assert (qp != NULL);
  xd = qp->ns;
  b64 = _kyso_ooxml_base64 (token);
  up = xmlNewChild (qp, xd, BAD_CAST "UnsignedProperties", NULL);
  usp = xmlNewChild (up, xd, BAD_CAST "UnsignedSignatureProperties", NULL);
  ts = xmlNewChild (usp, xd, BAD_CAST "SignatureTimeStamp", NULL);
  xmlNewProp (ts, BAD_CAST "Id", BAD_CAST "idSignatureTimeStamp");
  cm = xmlNewChild (ts, root->ns, BAD_CAST "CanonicalizationMethod", NULL);
  xmlNewProp (cm, BAD_CAST "Algorithm", BAD_CAST KYSO_OOXML_ALG_C14N);
  xmlNewChild (ts, xd, BAD_CAST "EncapsulatedTimeStamp", BAD_CAST b64);
  return TRUE;
}

gboolean
kyso_ooxml_sign_session_complete (KysoOoxmlSignSession *self, GBytes *raw_signature,
                                  GCancellable *cancellable, GError **error)
{
  g_autoptr (GBytes) value = NULL;
  g_autofree char *b64 = NULL;
  xmlNodePtr value_node = NULL;
  GError *local = NULL;

  g_return_val_if_fail (KYSO_IS_OOXML_SIGN_SESSION (self), FALSE);
  g_return_val_if_fail (raw_signature != NULL, FALSE);
  if (self->digest == NULL || self->completed)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           self->completed ? _ ("This document is signed already.")
                                           : _ ("The signature was not prepared."));
      return FALSE;
    }
  if (!kyso_signer_check_signature (self->cert_der, self->digest, raw_signature, error))
    return FALSE;
  value = self->ecdsa ? ecdsa_to_raw (raw_signature, self->ecdsa_half) : g_bytes_ref (raw_signature);
  if (value == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BAD_SIGNATURE,
                           _ ("The signature value cannot be read."));
      return FALSE;
    }
  b64 = _kyso_ooxml_base64 (value);
  value_node
    = _kyso_ooxml_child (xmlDocGetRootElement (self->signature), KYSO_OOXML_NS_DSIG, "SignatureValue");
  xmlNodeSetContent (value_node, BAD_CAST b64);
  if (self->tsa_url != NULL && !add_timestamp (self, value_node, cancellable, &local))
    {
      /* Undo, so that complete() may be tried again. */
      xmlNodeSetContent (value_node, BAD_CAST "");
      g_propagate_error (error, local);
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  /* The signature part replaces itself on a retry; the links were made by prepare(). */
  if (!store_doc (self->package, self->signature_part, self->signature, error)
      || !kyso_ooxml_package_write (self->package, self->output_path, error))
    return FALSE;
  self->completed = TRUE;
  g_clear_pointer (&self->package, kyso_ooxml_package_free);
  return TRUE;
}

void
kyso_ooxml_sign_session_abort (KysoOoxmlSignSession *self)
{
  g_return_if_fail (KYSO_IS_OOXML_SIGN_SESSION (self));
  g_clear_pointer (&self->package, kyso_ooxml_package_free);
  g_clear_pointer (&self->signature, xmlFreeDoc);
  g_clear_pointer (&self->digest, g_bytes_unref);
  g_clear_pointer (&self->cert_der, g_bytes_unref);
  g_clear_pointer (&self->signature_part, g_free);
}

const char *
kyso_ooxml_sign_session_get_input_path (KysoOoxmlSignSession *self)
{
  return self->input_path;
}

const char *
kyso_ooxml_sign_session_get_output_path (KysoOoxmlSignSession *self)
{
  return self->output_path;
}

GBytes *
kyso_ooxml_sign_session_get_digest_to_sign (KysoOoxmlSignSession *self)
{
  return self->digest;
}

const char *
kyso_ooxml_sign_session_get_signature_part (KysoOoxmlSignSession *self)
{
  return self->signature_part;
}

gboolean
kyso_ooxml_sign_session_is_completed (KysoOoxmlSignSession *self)
{
  return self->completed;
}

static void
prepare_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GBytes *digest = kyso_ooxml_sign_session_prepare (source, data, cancellable, &error);

  if (digest == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, digest, (GDestroyNotify)g_bytes_unref);
}

void
kyso_ooxml_sign_session_prepare_async (KysoOoxmlSignSession *self, GPtrArray *chain,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KYSO_IS_OOXML_SIGN_SESSION (self));
  g_return_if_fail (chain != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_ooxml_sign_session_prepare_async);
  g_task_set_task_data (task, g_ptr_array_ref (chain), (GDestroyNotify)g_ptr_array_unref);
  g_task_run_in_thread (task, prepare_thread);
}

GBytes *
kyso_ooxml_sign_session_prepare_finish (KysoOoxmlSignSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_ooxml_sign_session_prepare_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
complete_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (kyso_ooxml_sign_session_complete (source, data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
kyso_ooxml_sign_session_complete_async (KysoOoxmlSignSession *self, GBytes *raw_signature,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KYSO_IS_OOXML_SIGN_SESSION (self));
  g_return_if_fail (raw_signature != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_ooxml_sign_session_complete_async);
  g_task_set_task_data (task, g_bytes_ref (raw_signature), (GDestroyNotify)g_bytes_unref);
  g_task_run_in_thread (task, complete_thread);
}

gboolean
kyso_ooxml_sign_session_complete_finish (KysoOoxmlSignSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_ooxml_sign_session_complete_async,
                        FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The whole sequence over a KysoSigner, one step after another on the caller's main context. */
typedef struct
{
  KysoSigner *signer;
  char *credential_id;
  KysoSignProgressFunc progress;
  gpointer progress_data;
  KysoSignerCredential *credential;
} WithSigner;

static void
with_signer_free (WithSigner *w)
{
  g_clear_object (&w->signer);
  g_free (w->credential_id);
  g_clear_pointer (&w->credential, kyso_signer_credential_free);
  g_free (w);
}

static void
with_signer_completed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GTask) task = data;
  GError *error = NULL;

  if (kyso_ooxml_sign_session_complete_finish (KYSO_OOXML_SIGN_SESSION (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
with_signer_signed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GTask) task = data;
  KysoOoxmlSignSession *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr (GPtrArray) signatures = kyso_signer_sign_digests_finish (KYSO_SIGNER (source), result, &error);

  if (signatures == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (signatures->len != 1)
    {
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_BAD_SIGNATURE, "%s",
                               _ ("The signing service answered with the wrong number of signatures."));
      return;
    }
  kyso_ooxml_sign_session_complete_async (self, g_ptr_array_index (signatures, 0),
                                          g_task_get_cancellable (task), with_signer_completed,
                                          g_object_ref (task));
}

static void
with_signer_prepared (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GTask) task = data;
  WithSigner *w = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GBytes) digest
             = kyso_ooxml_sign_session_prepare_finish (KYSO_OOXML_SIGN_SESSION (source), result, &error);
  g_autoptr (GPtrArray) digests = NULL;
  g_autofree char *name = NULL;
  const char *doc_ids[2] = { NULL, NULL };
  KysoSignRequest request = { 0 };

  if (digest == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_ptr_array_add (digests, g_bytes_ref (digest));
  name = g_path_get_basename (kyso_ooxml_sign_session_get_input_path (KYSO_OOXML_SIGN_SESSION (source)));
  doc_ids[0] = name;
  request.credential_id = w->credential->id;
  request.description = name;
  request.doc_ids = doc_ids;
  kyso_signer_sign_digests_async (w->signer, digests, &request, w->progress, w->progress_data,
                                  g_task_get_cancellable (task), with_signer_signed, g_object_ref (task));
}

static void
with_signer_listed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GTask) task = data;
  KysoOoxmlSignSession *self = g_task_get_source_object (task);
  WithSigner *w = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GPtrArray) credentials
             = kyso_signer_list_credentials_finish (KYSO_SIGNER (source), result, &error);

  if (credentials == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < credentials->len && w->credential == NULL; i++)
    {
      KysoSignerCredential *c = g_ptr_array_index (credentials, i);

      if (w->credential_id == NULL || g_strcmp0 (c->id, w->credential_id) == 0)
        w->credential = kyso_signer_credential_copy (c);
    }
  if (w->credential == NULL || w->credential->chain == NULL || w->credential->chain->len == 0)
    {
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_CERTIFICATE, "%s",
                               _ ("The signer has no certificate to sign with."));
      return;
    }
  kyso_ooxml_sign_session_prepare_async (self, w->credential->chain, g_task_get_cancellable (task),
                                         with_signer_prepared, g_object_ref (task));
}

void
kyso_ooxml_sign_session_sign_with_signer_async (KysoOoxmlSignSession *self, KysoSigner *signer,
                                                const char *credential_id, KysoSignProgressFunc progress,
                                                gpointer progress_data, GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  WithSigner *w = NULL;

  g_return_if_fail (KYSO_IS_OOXML_SIGN_SESSION (self));
  g_return_if_fail (KYSO_IS_SIGNER (signer));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_ooxml_sign_session_sign_with_signer_async);
  w = g_new0 (WithSigner, 1);
  w->signer = g_object_ref (signer);
  w->credential_id = g_strdup (credential_id);
  w->progress = progress;
  w->progress_data = progress_data;
  g_task_set_task_data (task, w, (GDestroyNotify)with_signer_free);
  kyso_signer_list_credentials_async (signer, cancellable, with_signer_listed, g_object_ref (task));
}

gboolean
kyso_ooxml_sign_session_sign_with_signer_finish (KysoOoxmlSignSession *self, GAsyncResult *result,
                                                 GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (
    g_task_get_source_tag (G_TASK (result)) == kyso_ooxml_sign_session_sign_with_signer_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
