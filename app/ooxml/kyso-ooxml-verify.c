/* Checking the XML-DSig signatures of an OPC package, part by part. */
#include "config.h"

#include "kyso-ooxml-verify.h"
#include "kyso-ooxml-private.h"
#include "kyso-cert-trust.h"
#include "kyso-certificate.h"
#include "kyso-cms-verify.h"
#include "kyso-error.h"
#include "kyso-pdf-verify-private.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

typedef struct
{
  KysoOoxmlPackage *package;
  KysoPdfSignatureReport *r;
  xmlDocPtr doc;
  GHashTable *covered; /* lower-case part name → NULL (whole) or a set of relationship ids, "type:…" */
  GPtrArray *targets;  /* xmlNodePtr the SignedInfo references */
} Check;

static const EVP_MD *
signature_method (const char *uri, gboolean *ecdsa, const char **name)
{
  static const struct
  {
    const char *uri;
    gboolean ecdsa;
    const char *name;
    const EVP_MD *(*md) (void);
  } table[] = {
    { "http://www.w3.org/2000/09/xmldsig#rsa-sha1", FALSE, "SHA-1", EVP_sha1 },
    { "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", FALSE, "SHA-256", EVP_sha256 },
    { "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", FALSE, "SHA-384", EVP_sha384 },
    { "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", FALSE, "SHA-512", EVP_sha512 },
    { "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1", TRUE, "SHA-1", EVP_sha1 },
    { "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", TRUE, "SHA-256", EVP_sha256 },
    { "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", TRUE, "SHA-384", EVP_sha384 },
    { "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512", TRUE, "SHA-512", EVP_sha512 },
  };

  for (guint i = 0; uri != NULL && i < G_N_ELEMENTS (table); i++)
    if (strcmp (uri, table[i].uri) == 0)
      {
        *ecdsa = table[i].ecdsa;
        *name = table[i].name;
        return table[i].md ();
      }
  return NULL;
}

static char *
attr (xmlNodePtr node, const char *name)
{
  xmlChar *v = node != NULL ? xmlGetNoNsProp (node, BAD_CAST name) : NULL;
  char *s = v != NULL ? g_strdup ((const char *)v) : NULL;

  xmlFree (v);
  return s;
}

static gboolean
is_dsig (xmlNodePtr node, const char *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE && node->ns != NULL
         && strcmp ((const char *)node->ns->href, KYSO_OOXML_NS_DSIG) == 0
         && strcmp ((const char *)node->name, name) == 0;
}

static GBytes *
hash (const EVP_MD *md, GBytes *data)
{
  guint8 out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  gsize n = 0;
  const void *p = g_bytes_get_data (data, &n);

  if (!EVP_Digest (p, n, out, &len, md, NULL))
    return NULL;
  return g_bytes_new (out, len);
}

/* Compares the DigestValue of @ref with @md over @data. */
static gboolean
digest_matches (xmlNodePtr ref, const EVP_MD *md, GBytes *data)
{
  g_autofree char *text = _kyso_ooxml_text (_kyso_ooxml_child (ref, KYSO_OOXML_NS_DSIG, "DigestValue"));
  g_autoptr (GBytes) expected = _kyso_ooxml_base64_decode (text);
  g_autoptr (GBytes) actual = hash (md, data);

  return expected != NULL && actual != NULL && g_bytes_equal (expected, actual);
}

static const EVP_MD *
ref_digest (xmlNodePtr ref)
{
  g_autofree char *alg = attr (_kyso_ooxml_child (ref, KYSO_OOXML_NS_DSIG, "DigestMethod"), "Algorithm");

  return _kyso_ooxml_digest_for (alg, NULL);
}

/* A Reference inside the SignedInfo to an element of the signature ("#idPackageObject"). */
static gboolean
check_same_document_ref (Check *c, xmlNodePtr ref, const char *uri)
{
  xmlNodePtr target = _kyso_ooxml_find_id (c->doc, uri + 1);
  xmlNodePtr transforms = _kyso_ooxml_child (ref, KYSO_OOXML_NS_DSIG, "Transforms");
  const EVP_MD *md = ref_digest (ref);
  g_autoptr (GBytes) data = NULL;

  if (target == NULL || md == NULL)
    {
      kyso_pdf_signature_report_add_reason (c->r, KYSO_SIGNATURE_PROBLEM_CMS, "%s",
                                            _ ("The signature refers to something it does not contain."));
      return FALSE;
    }
  for (xmlNodePtr t = transforms != NULL ? transforms->children : NULL; t != NULL; t = t->next)
    {
      g_autofree char *alg = NULL;

      if (!is_dsig (t, "Transform"))
        continue;
      alg = attr (t, "Algorithm");
      if (g_strcmp0 (alg, KYSO_OOXML_ALG_C14N) != 0)
        {
          kyso_pdf_signature_report_add_reason (c->r, KYSO_SIGNATURE_PROBLEM_CMS, "%s",
                                                _ ("The signature uses a transform Kyso does not support."));
          return FALSE;
        }
    }
  data = _kyso_ooxml_c14n_subtree (target, NULL);
  if (data == NULL || !digest_matches (ref, md, data))
    {
      kyso_pdf_signature_report_add_reason (
        c->r, KYSO_SIGNATURE_PROBLEM_DIGEST, "%s",
        _ ("The signature's own signed properties were changed after signing."));
      return FALSE;
    }
  g_ptr_array_add (c->targets, target);
  return TRUE;
}

static void
set_unref (gpointer set)
{
  if (set != NULL)
    g_hash_table_unref (set);
}

/* Records @name as covered: whole (no @ids or @types), or the relationships named. */
static void
cover (Check *c, const char *name, GPtrArray *ids, GPtrArray *types)
{
  g_autofree char *key = g_ascii_strdown (name, -1);
  GHashTable *set = NULL;
  gboolean had = g_hash_table_lookup_extended (c->covered, key, NULL, (gpointer *)&set);

  if (had && set == NULL)
    return;
  if (ids == NULL && types == NULL)
    {
      g_hash_table_replace (c->covered, g_steal_pointer (&key), NULL);
      return;
    }
  if (set == NULL)
    {
      set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_replace (c->covered, g_steal_pointer (&key), set);
    }
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    g_hash_table_add (set, g_strdup (g_ptr_array_index (ids, i)));
  for (guint i = 0; types != NULL && i < types->len; i++)
    g_hash_table_add (set, g_strconcat ("type:", (const char *)g_ptr_array_index (types, i), NULL));
}

/* A Reference to a part ("/word/document.xml?ContentType=…"), in a Manifest. */
static void
check_part_ref (Check *c, xmlNodePtr ref, const char *uri)
{
  g_autofree char *path = g_strdup (uri);
  char *query = strchr (path, '?');
  g_autofree char *name = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *ct = NULL;
  const char *stored = NULL;
  GBytes *data = NULL;
  g_autoptr (GBytes) transformed = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) types = g_ptr_array_new_with_free_func (g_free);
  gboolean relationship = FALSE;
  xmlNodePtr transforms = _kyso_ooxml_child (ref, KYSO_OOXML_NS_DSIG, "Transforms");
  const EVP_MD *md = ref_digest (ref);

  if (query != NULL)
    *query++ = '\0';
  name = g_uri_unescape_string (path[0] == '/' ? path + 1 : path, NULL);
  shown = g_utf8_make_valid (name != NULL ? name : path, -1);
  if (md == NULL)
    {
      kyso_pdf_signature_report_add_reason (
        c->r, KYSO_SIGNATURE_PROBLEM_CMS, "%s",
        _ ("The signature uses a digest algorithm Kyso does not support."));
      return;
    }
  stored = name != NULL ? kyso_ooxml_package_lookup (c->package, name) : NULL;
  if (stored == NULL)
    {
      kyso_pdf_signature_report_add_reason (c->r, KYSO_SIGNATURE_PROBLEM_CHANGED,
                                            _ ("The part %s was removed after signing."), shown);
      return;
    }
  data = kyso_ooxml_package_get_part (c->package, stored);
  ct = kyso_ooxml_package_dup_content_type (c->package, stored);
  if (query != NULL && g_str_has_prefix (query, "ContentType="))
    {
      g_autofree char *want = g_uri_unescape_string (query + 12, NULL);

      if (want == NULL || ct == NULL || g_ascii_strcasecmp (want, ct) != 0)
        kyso_pdf_signature_report_add_reason (c->r, KYSO_SIGNATURE_PROBLEM_CHANGED,
                                              _ ("The type of the part %s was changed after signing."),
                                                 shown);
    }
  for (xmlNodePtr t = transforms != NULL ? transforms->children : NULL; t != NULL; t = t->next)
    {
      g_autofree char *alg = NULL;

      if (!is_dsig (t, "Transform"))
        continue;
      alg = attr (t, "Algorithm");
      if (g_strcmp0 (alg, KYSO_OOXML_ALG_RELATIONSHIP) == 0)
        {
          relationship = TRUE;
          for (xmlNodePtr s = t->children; s != NULL; s = s->next)
            {
              char *v = NULL;

              if (s->type != XML_ELEMENT_NODE || s->ns == NULL
                  || strcmp ((const char *)s->ns->href, KYSO_OOXML_NS_MDSSI) != 0)
                continue;
              if (strcmp ((const char *)s->name, "RelationshipReference") == 0
                  && (v = attr (s, "SourceId")) != NULL)
                g_ptr_array_add (ids, v);
              else if (strcmp ((const char *)s->name, "RelationshipsGroupReference") == 0
                       && (v = attr (s, "SourceType")) != NULL)
                g_ptr_array_add (types, v);
            }
        }
      else if (g_strcmp0 (alg, KYSO_OOXML_ALG_C14N) != 0)
        {
          kyso_pdf_signature_report_add_reason (c->r, KYSO_SIGNATURE_PROBLEM_CMS, "%s",
                                                _ ("The signature uses a transform Kyso does not support."));
          return;
        }
    }
  if (relationship)
    {
      g_ptr_array_add (ids, NULL);
      g_ptr_array_add (types, NULL);
      transformed = _kyso_ooxml_rels_transform (data, (const char *const *)ids->pdata,
                                                (const char *const *)types->pdata, FALSE, NULL);
      /* White space between relationships: the spec drops it, xmlsec 1.2 (LibreOffice 7) did
       * not; either signer's reading of the same relationships is accepted. */
      if (transformed != NULL && !digest_matches (ref, md, transformed)
          && _kyso_ooxml_rels_has_other_nodes (data))
        {
          g_bytes_unref (transformed);
          transformed = _kyso_ooxml_rels_transform (data, (const char *const *)ids->pdata,
                                                    (const char *const *)types->pdata, TRUE, NULL);
        }
      g_ptr_array_remove_index (ids, ids->len - 1);
      g_ptr_array_remove_index (types, types->len - 1);
    }
  else if (transforms != NULL && _kyso_ooxml_child (transforms, KYSO_OOXML_NS_DSIG, "Transform") != NULL)
    {
      /* C14N alone over a part: canonicalise the part's XML. */
      g_autoptr (xmlDoc) doc = _kyso_ooxml_parse_xml (data, shown, NULL);

      transformed = doc != NULL ? _kyso_ooxml_c14n_subtree (xmlDocGetRootElement (doc), NULL) : NULL;
    }
  else
    transformed = g_bytes_ref (data);
  if (transformed == NULL || !digest_matches (ref, md, transformed))
    kyso_pdf_signature_report_add_reason (c->r, KYSO_SIGNATURE_PROBLEM_CHANGED,
                                          _ ("The part %s was changed after signing."), shown);
  cover (c, stored, relationship ? ids : NULL, relationship ? types : NULL);
}

static void
check_manifests (Check *c, xmlNodePtr node, guint depth)
{
  for (; node != NULL && depth < 16; node = node->next)
    {
      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (is_dsig (node, "Manifest"))
        {
          for (xmlNodePtr ref = node->children; ref != NULL; ref = ref->next)
            {
              g_autofree char *uri = NULL;

              if (!is_dsig (ref, "Reference"))
                continue;
              uri = attr (ref, "URI");
              if (uri != NULL && uri[0] != '#')
                check_part_ref (c, ref, uri);
            }
        }
      else
        check_manifests (c, node->children, depth + 1);
    }
}

/* Every part but the excluded ones must be covered, and every relationship of a covered
 * relationships part but the excluded types. */
static void
check_coverage (Check *c)
{
  const char *const *names = kyso_ooxml_package_get_names (c->package);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *key = g_ascii_strdown (names[i], -1);
      g_autofree char *shown = g_utf8_make_valid (names[i], -1);
      GHashTable *set = NULL;
      g_autoptr (GPtrArray) rels = NULL;

      if (_kyso_ooxml_part_is_excluded (names[i]))
        continue;
      if (!g_hash_table_lookup_extended (c->covered, key, NULL, (gpointer *)&set)
          && (g_str_has_prefix (key, "customxml/") || g_str_has_prefix (key, "docprops/thumbnail.")))
        {
          /* The custom XML data store and the thumbnail: some signers (the Belgian eID applet,
           * Office 2007 in the corpus) leave them out on purpose; said, not counted as a change. */
          kyso_pdf_signature_report_add_reason (c->r, 0,
                                                _ ("The part %s is not covered by the signature: its signer "
                                                   "left it out."),
                                                   shown);
          continue;
        }
      if (!g_hash_table_lookup_extended (c->covered, key, NULL, (gpointer *)&set))
        {
          kyso_pdf_signature_report_add_reason (
            c->r, KYSO_SIGNATURE_PROBLEM_CHANGED,
            _ ("The part %s is not covered by the signature: it was added or "
               "replaced after signing."),
               shown);
          continue;
        }
      if (set == NULL)
        continue;
      rels = _kyso_ooxml_read_rels (kyso_ooxml_package_get_part (c->package, names[i]), NULL);
      for (guint r = 0; rels != NULL && r < rels->len; r++)
        {
          KysoOoxmlRel *rel = g_ptr_array_index (rels, r);
          g_autofree char *type_key = g_strconcat ("type:", rel->type, NULL);

          if (_kyso_ooxml_rel_type_is_excluded (rel->type) || g_hash_table_contains (set, rel->id)
              || g_hash_table_contains (set, type_key))
            continue;
          /* Links to the custom XML data store, which some signers leave out (see above). */
          if (g_str_has_suffix (rel->type, "/relationships/customXml")
              || g_str_has_suffix (rel->type, "/relationships/metadata/thumbnail"))
            kyso_pdf_signature_report_add_reason (
              c->r, 0,
              _ ("The link from %s to “%s” is not covered by the signature: its "
                 "signer left it out."),
                 shown, rel->target);
          else
            kyso_pdf_signature_report_add_reason (c->r, KYSO_SIGNATURE_PROBLEM_CHANGED,
                                                  _ ("A link from %s to “%s” was added after signing."),
                                                     shown, rel->target);
        }
    }
}

static gboolean
is_target (Check *c, xmlNodePtr node)
{
  for (; node != NULL; node = node->parent)
    for (guint i = 0; i < c->targets->len; i++)
      if (g_ptr_array_index (c->targets, i) == node)
        return TRUE;
  return FALSE;
}

static xmlNodePtr
find_xades (xmlNodePtr root, const char *name)
{
  for (xmlNodePtr o = root->children; o != NULL; o = o->next)
    {
      xmlNodePtr qp
        = is_dsig (o, "Object") ? _kyso_ooxml_child (o, KYSO_OOXML_NS_XADES, "QualifyingProperties") : NULL;

      if (qp != NULL)
        return name != NULL ? _kyso_ooxml_child (qp, KYSO_OOXML_NS_XADES, name) : qp;
    }
  return NULL;
}

static GDateTime *
parse_time (const char *text)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();

  return text != NULL && *text != '\0' ? g_date_time_new_from_iso8601 (text, utc) : NULL;
}

/* The certificate the signing-certificate property names (else the first), and the others. */
static GBytes *
pick_certificate (Check *c, xmlNodePtr root, GPtrArray *others)
{
  xmlNodePtr key_info = _kyso_ooxml_child (root, KYSO_OOXML_NS_DSIG, "KeyInfo");
  xmlNodePtr data = _kyso_ooxml_child (key_info, KYSO_OOXML_NS_DSIG, "X509Data");
  xmlNodePtr ssp = find_xades (root, "SignedProperties");
  xmlNodePtr props = _kyso_ooxml_child (ssp, KYSO_OOXML_NS_XADES, "SignedSignatureProperties");
  xmlNodePtr sc = _kyso_ooxml_child (props, KYSO_OOXML_NS_XADES, "SigningCertificateV2");
  xmlNodePtr digest_node = NULL;
  g_autoptr (GBytes) want = NULL;
  const EVP_MD *md = NULL;
  g_autoptr (GPtrArray) certs = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  GBytes *chosen = NULL;

  if (sc == NULL)
    sc = _kyso_ooxml_child (props, KYSO_OOXML_NS_XADES, "SigningCertificate");
  digest_node = _kyso_ooxml_child (_kyso_ooxml_child (sc, KYSO_OOXML_NS_XADES, "Cert"), KYSO_OOXML_NS_XADES,
                                   "CertDigest");
  if (digest_node != NULL)
    {
      g_autofree char *alg
        = attr (_kyso_ooxml_child (digest_node, KYSO_OOXML_NS_DSIG, "DigestMethod"), "Algorithm");
      g_autofree char *text
        = _kyso_ooxml_text (_kyso_ooxml_child (digest_node, KYSO_OOXML_NS_DSIG, "DigestValue"));

      md = _kyso_ooxml_digest_for (alg, NULL);
      want = _kyso_ooxml_base64_decode (text);
    }
  for (xmlNodePtr x = data != NULL ? data->children : NULL; x != NULL; x = x->next)
    if (is_dsig (x, "X509Certificate"))
      {
        g_autofree char *text = _kyso_ooxml_text (x);
        GBytes *der = _kyso_ooxml_base64_decode (text);

        if (der != NULL)
          g_ptr_array_add (certs, der);
      }
  for (guint i = 0; md != NULL && want != NULL && chosen == NULL && i < certs->len; i++)
    {
      g_autoptr (GBytes) h = hash (md, g_ptr_array_index (certs, i));

      if (h != NULL && g_bytes_equal (h, want))
        chosen = g_ptr_array_index (certs, i);
    }
  if (chosen != NULL && ssp != NULL && is_target (c, ssp))
    c->r->level = KYSO_PADES_LEVEL_B_B;
  else if (digest_node != NULL)
    kyso_pdf_signature_report_add_reason (
      c->r, 0, "%s",
      _ ("The signing-certificate property does not name the certificate the "
         "signature carries."));
  if (chosen == NULL && certs->len > 0)
    chosen = g_ptr_array_index (certs, 0);
  for (guint i = 0; i < certs->len; i++)
    if (g_ptr_array_index (certs, i) != chosen)
      g_ptr_array_add (others, g_bytes_ref (g_ptr_array_index (certs, i)));
  return chosen != NULL ? g_bytes_ref (chosen) : NULL;
}

static gboolean
verify_value (EVP_PKEY *key, const EVP_MD *md, gboolean ecdsa, GBytes *data, GBytes *value)
{
  g_autoptr (GBytes) der = NULL;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  gsize dlen = 0, vlen = 0;
  const guint8 *d = g_bytes_get_data (data, &dlen);
  const guint8 *v = g_bytes_get_data (value, &vlen);
  gboolean ok = FALSE;

  if (ecdsa)
    {
      /* XML-DSig's r‖s → DER for OpenSSL. */
      ECDSA_SIG *sig = ECDSA_SIG_new ();
      unsigned char *out = NULL;
      int len = 0;

      if (vlen % 2 == 0 && vlen > 0 && vlen <= 264)
        {
          BIGNUM *r = BN_bin2bn (v, (int)vlen / 2, NULL);
          BIGNUM *s = BN_bin2bn (v + vlen / 2, (int)vlen / 2, NULL);

          if (r != NULL && s != NULL && ECDSA_SIG_set0 (sig, r, s))
            len = i2d_ECDSA_SIG (sig, &out);
          else
            {
              BN_free (r);
              BN_free (s);
            }
        }
      ECDSA_SIG_free (sig);
      if (len <= 0)
        {
          EVP_MD_CTX_free (ctx);
          return FALSE;
        }
      der = g_bytes_new (out, len);
      OPENSSL_free (out);
      v = g_bytes_get_data (der, &vlen);
    }
  ok = ctx != NULL && EVP_DigestVerifyInit (ctx, NULL, md, NULL, key) == 1
       && EVP_DigestVerify (ctx, v, vlen, d, dlen) == 1;
  EVP_MD_CTX_free (ctx);
  return ok;
}

static void
check_timestamp (Check *c, xmlNodePtr root, const KysoTrustOptions *trust, GCancellable *cancellable)
{
  xmlNodePtr up = find_xades (root, "UnsignedProperties");
  xmlNodePtr usp = _kyso_ooxml_child (up, KYSO_OOXML_NS_XADES, "UnsignedSignatureProperties");
  xmlNodePtr ts = _kyso_ooxml_child (usp, KYSO_OOXML_NS_XADES, "SignatureTimeStamp");
  xmlNodePtr value = _kyso_ooxml_child (root, KYSO_OOXML_NS_DSIG, "SignatureValue");
  g_autofree char *text = NULL;
  g_autoptr (GBytes) token = NULL;
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GBytes) digest = NULL;
  g_autoptr (KysoCmsVerifier) v = NULL;
  g_autoptr (KysoCmsResult) result = NULL;
  KysoTrustOptions sub = { 0 };

  if (ts == NULL)
    return;
  text = _kyso_ooxml_text (_kyso_ooxml_child (ts, KYSO_OOXML_NS_XADES, "EncapsulatedTimeStamp"));
  token = _kyso_ooxml_base64_decode (text);
  data = _kyso_ooxml_c14n_subtree (value, NULL);
  v = token != NULL ? kyso_cms_verifier_new (token, NULL) : NULL;
  if (v != NULL && data != NULL)
    digest = hash (kyso_cms_verifier_get_digest_algorithm (v), data);
  if (trust != NULL)
    sub = *trust;
  sub.offline = TRUE;
  if (digest == NULL || !kyso_cms_verifier_check (v, digest, &sub, cancellable, &result, NULL)
      || !result->intact || result->timestamp_time == NULL)
    {
      kyso_pdf_signature_report_add_reason (
        c->r, 0, "%s", _ ("The signature's time-stamp does not verify and was ignored."));
      return;
    }
  c->r->timestamp_time = g_date_time_ref (result->timestamp_time);
  if (c->r->level == KYSO_PADES_LEVEL_B_B)
    c->r->level = KYSO_PADES_LEVEL_B_T;
  if (result->trust != KYSO_TRUST_TRUSTED)
    kyso_pdf_signature_report_add_reason (c->r, 0, "%s",
                                          _ ("The time-stamp authority is not one Kyso trusts."));
}

static KysoPdfSignatureReport *
check_signature (KysoOoxmlPackage *package, const char *part, GBytes *data, const KysoTrustOptions *trust,
                 GCancellable *cancellable, GError **error)
{
  g_autoptr (KysoPdfSignatureReport) r = kyso_pdf_signature_report_new ();
  g_autoptr (xmlDoc) doc = NULL;
  g_autoptr (GPtrArray) others = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr (GPtrArray) targets = g_ptr_array_new ();
  g_autoptr (GHashTable) covered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, set_unref);
  g_autoptr (GBytes) cert_der = NULL;
  g_autoptr (KysoCertificate) cert = NULL;
  g_autoptr (GBytes) signed_info_c14n = NULL;
  g_autoptr (GBytes) value = NULL;
  g_autoptr (GPtrArray) trust_reasons = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *c14n_alg = NULL;
  g_autofree char *sig_alg = NULL;
  g_autofree char *value_text = NULL;
  xmlNodePtr root = NULL, signed_info = NULL;
  const EVP_MD *md = NULL;
  const char *md_name = NULL;
  gboolean ecdsa = FALSE;
  gboolean refs_ok = TRUE;
  Check c = { package, r, NULL, covered, targets };

  r->field = g_strdup_printf ("/%s", part);
  r->whole_file = TRUE;
  r->revision = -1;
  r->trust = KYSO_TRUST_UNKNOWN;
  r->revocation = KYSO_REVOCATION_UNKNOWN;
  r->subfilter = g_strdup ("ooxml.xmldsig");

  doc = data != NULL ? _kyso_ooxml_parse_xml (data, part, NULL) : NULL;
  root = doc != NULL ? xmlDocGetRootElement (doc) : NULL;
  signed_info
    = is_dsig (root, "Signature") ? _kyso_ooxml_child (root, KYSO_OOXML_NS_DSIG, "SignedInfo") : NULL;
  if (signed_info == NULL)
    {
      kyso_pdf_signature_report_add_reason (r, KYSO_SIGNATURE_PROBLEM_CMS, "%s",
                                            data == NULL ? _ ("The signature part is missing.")
                                                         : _ ("The signature part is not an XML signature."));
      r->whole_file = FALSE;
      kyso_pdf_signature_report_finish (r);
      return g_steal_pointer (&r);
    }
  c.doc = doc;
  if (find_xades (root, "SignedProperties") != NULL)
    {
      g_free (r->subfilter);
      r->subfilter = g_strdup ("ooxml.xades");
    }

  c14n_alg
    = attr (_kyso_ooxml_child (signed_info, KYSO_OOXML_NS_DSIG, "CanonicalizationMethod"), "Algorithm");
  sig_alg = attr (_kyso_ooxml_child (signed_info, KYSO_OOXML_NS_DSIG, "SignatureMethod"), "Algorithm");
  md = signature_method (sig_alg, &ecdsa, &md_name);
  if (g_strcmp0 (c14n_alg, KYSO_OOXML_ALG_C14N) != 0 || md == NULL)
    {
      kyso_pdf_signature_report_add_reason (r, KYSO_SIGNATURE_PROBLEM_CMS, "%s",
                                            _ ("The signature uses an algorithm Kyso does not support."));
      r->whole_file = FALSE;
      kyso_pdf_signature_report_finish (r);
      return g_steal_pointer (&r);
    }
  r->digest = g_strdup (md_name);

  /* The SignedInfo's references: the signature's own objects (which hold the Manifest). */
  for (xmlNodePtr ref = signed_info->children; ref != NULL; ref = ref->next)
    {
      g_autofree char *uri = NULL;

      if (!is_dsig (ref, "Reference"))
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      uri = attr (ref, "URI");
      if (uri != NULL && uri[0] == '#')
        refs_ok &= check_same_document_ref (&c, ref, uri);
      else if (uri != NULL)
        check_part_ref (&c, ref, uri);
    }
  /* Only manifests inside signed objects count. */
  for (guint i = 0; i < targets->len; i++)
    {
      xmlNodePtr t = g_ptr_array_index (targets, i);

      if (is_dsig (t, "Manifest"))
        check_manifests (&c, t, 0);
      else
        check_manifests (&c, t->children, 0);
    }
  check_coverage (&c);

  cert_der = pick_certificate (&c, root, others);
  cert = cert_der != NULL ? kyso_certificate_new (cert_der, NULL) : NULL;
  value_text = _kyso_ooxml_text (_kyso_ooxml_child (root, KYSO_OOXML_NS_DSIG, "SignatureValue"));
  value = _kyso_ooxml_base64_decode (value_text);
  signed_info_c14n = _kyso_ooxml_c14n_subtree (signed_info, NULL);
  if (cert == NULL)
    kyso_pdf_signature_report_add_reason (r, KYSO_SIGNATURE_PROBLEM_CMS, "%s",
                                          _ ("The signature does not carry the signer's certificate."));
  else
    {
      X509 *x = NULL;
      const unsigned char *p = NULL;
      gsize len = 0;

      p = g_bytes_get_data (cert_der, &len);
      x = d2i_X509 (NULL, &p, (long)len);
      if (x == NULL || value == NULL || signed_info_c14n == NULL
          || !verify_value (X509_get0_pubkey (x), md, ecdsa, signed_info_c14n, value))
        kyso_pdf_signature_report_add_reason (
          r, KYSO_SIGNATURE_PROBLEM_SIGNATURE, "%s",
          _ ("The signature value does not verify with the signer's certificate."));
      X509_free (x);
      r->signer = kyso_pdf_verify_text_dup (kyso_certificate_get_holder_name (cert));
      r->email = kyso_pdf_verify_text_dup (kyso_certificate_get_email (cert));
      r->national_id = kyso_pdf_verify_text_dup (kyso_certificate_get_national_id (cert));
      r->issuer = kyso_pdf_verify_text_dup (kyso_certificate_get_issuer_name (cert));
      r->serial = g_strdup (kyso_certificate_get_serial (cert));
    }
  r->integrity
    = refs_ok && (r->problems & (KYSO_SIGNATURE_PROBLEM_SIGNATURE | KYSO_SIGNATURE_PROBLEM_CMS)) == 0;
  if (g_strcmp0 (md_name, "SHA-1") == 0)
    kyso_pdf_signature_report_add_reason (
      r, 0, "%s", _ ("The signature uses SHA-1, an algorithm no longer considered secure."));

  /* When: XAdES SigningTime, else the package's SignatureTime. */
  {
    xmlNodePtr ssp = find_xades (root, "SignedProperties");
    xmlNodePtr props = _kyso_ooxml_child (ssp, KYSO_OOXML_NS_XADES, "SignedSignatureProperties");
    g_autofree char *t = _kyso_ooxml_text (_kyso_ooxml_child (props, KYSO_OOXML_NS_XADES, "SigningTime"));

    r->signing_time = parse_time (t);
    for (xmlNodePtr n = _kyso_ooxml_find_id (doc, "idSignatureTime"); r->signing_time == NULL && n != NULL;)
      {
        xmlNodePtr st = _kyso_ooxml_child (n, KYSO_OOXML_NS_MDSSI, "SignatureTime");
        g_autofree char *v = _kyso_ooxml_text (_kyso_ooxml_child (st, KYSO_OOXML_NS_MDSSI, "Value"));

        r->signing_time = parse_time (v);
        break;
      }
  }
  if (r->integrity)
    check_timestamp (&c, root, trust, cancellable);

  if (r->problems & KYSO_SIGNATURE_PROBLEM_CHANGED)
    {
      r->changes_after = KYSO_PDF_CHANGES_OTHER;
      r->whole_file = FALSE;
    }
  if (cert != NULL && r->integrity)
    {
      KysoTrustStatus ts = KYSO_TRUST_UNKNOWN;
      KysoRevocationStatus rs = KYSO_REVOCATION_UNKNOWN;

      GError *local = NULL;

      if (!kyso_cert_trust_check (cert_der, others, trust, r->timestamp_time, cancellable, &ts, &rs,
                                  trust_reasons, &local))
        {
          if (local->domain == G_IO_ERROR)
            {
              g_propagate_error (error, local);
              return NULL;
            }
          g_clear_error (&local);
        }
      r->trust = ts;
      r->revocation = rs;
      for (guint i = 0; i < trust_reasons->len; i++)
        kyso_pdf_signature_report_add_reason (r, 0, "%s", (const char *)g_ptr_array_index (trust_reasons, i));
      if (ts != KYSO_TRUST_TRUSTED)
        r->problems |= KYSO_SIGNATURE_PROBLEM_UNTRUSTED;
      if (rs == KYSO_REVOCATION_REVOKED)
        r->problems |= KYSO_SIGNATURE_PROBLEM_REVOKED;
    }
  if (r->timestamp_time != NULL)
    kyso_pdf_signature_report_add_reason (r, 0, "%s",
                                          _ ("The signature carries a time-stamp that verifies."));
  kyso_pdf_signature_report_finish (r);
  return g_steal_pointer (&r);
}

static KysoPdfVerifyReport *
verify_package (KysoOoxmlPackage *package, const char *path, const KysoTrustOptions *trust,
                GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) parts = _kyso_ooxml_signature_parts (package);
  g_autoptr (GPtrArray) reports = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < parts->len; i++)
    {
      const char *part = g_ptr_array_index (parts, i);
      const char *stored = kyso_ooxml_package_lookup (package, part);
      KysoPdfSignatureReport *r = check_signature (
        package, stored != NULL ? stored : part,
        stored != NULL ? kyso_ooxml_package_get_part (package, stored) : NULL, trust, cancellable, error);

      if (r == NULL)
        return NULL;
      r->revision = (int)i;
      g_ptr_array_add (reports, r);
    }
  return kyso_pdf_verify_report_new (path, 1, reports);
}

KysoPdfVerifyReport *
kyso_ooxml_verify (const char *path, const KysoTrustOptions *trust, GCancellable *cancellable, GError **error)
{
  g_autoptr (KysoOoxmlPackage) package = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  package = kyso_ooxml_package_open (path, cancellable, error);
  if (package == NULL)
    return NULL;
  return verify_package (package, path, trust, cancellable, error);
}

KysoPdfVerifyReport *
kyso_ooxml_verify_bytes (GBytes *bytes, const KysoTrustOptions *trust, GCancellable *cancellable,
                         GError **error)
{
  g_autoptr (KysoOoxmlPackage) package = NULL;
  KysoTrustOptions offline = { 0 };

  g_return_val_if_fail (bytes != NULL, NULL);
  package = kyso_ooxml_package_open_bytes (bytes, error);
  if (package == NULL)
    return NULL;
  if (trust != NULL)
    offline = *trust;
  offline.offline = TRUE;
  return verify_package (package, NULL, &offline, cancellable, error);
}
