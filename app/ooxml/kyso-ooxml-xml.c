/* Safe XML for OOXML packages: parsing without DTDs or entities, C14N of a subtree, the OPC
 * relationship transform, and the small name rules of ECMA-376 Part 2. */
#include "config.h"

#include "kyso-ooxml-private.h"
#include "kyso-error.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <openssl/evp.h>

static void
ignore_structured_error (void *data, xmlErrorPtr error)
{
}

/* A DOCTYPE anywhere before the root element ends the matter: OPC parts never have one. */
static gboolean
has_doctype (const guint8 *p, gsize len)
{
  for (gsize i = 0; i + 9 <= len; i++)
    if (p[i] == '<' && p[i + 1] == '!' && g_ascii_strncasecmp ((const char *)p + i + 2, "DOCTYPE", 7) == 0)
      return TRUE;
  return FALSE;
}

xmlDocPtr
_kyso_ooxml_parse_xml (GBytes *data, const char *what, GError **error)
{
  gsize len = 0;
  const guint8 *p = g_bytes_get_data (data, &len);
  xmlParserCtxtPtr ctxt = NULL;
  xmlDocPtr doc = NULL;

  if (len > G_MAXINT)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT, _ ("The part %s is too large to read."), what);
      return NULL;
    }
  if (has_doctype (p, len))
    {
      g_set_error (
        error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
        _ ("The part %s declares a document type, which a Word document never does; it is refused."), what);
      return NULL;
    }
  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_FAILED, _ ("Out of memory while reading %s."), what);
      return NULL;
    }
  ctxt->sax->serror = ignore_structured_error;
  ctxt->sax->error = NULL;
  ctxt->sax->warning = NULL;
  /* No network, no DTD loading, no entity substitution, no XInclude; NONET even though nothing
   * external is ever asked for. */
  doc = xmlCtxtReadMemory (ctxt, (const char *)p, (int)len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOCDATA);
  if (doc == NULL || !ctxt->wellFormed || doc->intSubset != NULL || xmlDocGetRootElement (doc) == NULL)
    {
      g_clear_pointer (&doc, xmlFreeDoc);
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                   _ ("The part %s is not well-formed XML."), what);
    }
  xmlFreeParserCtxt (ctxt);
  return doc;
}

static gboolean
in_subtree (xmlNodePtr node, xmlNodePtr root)
{
  for (; node != NULL; node = node->parent)
    if (node == root)
      return TRUE;
  return FALSE;
}

static int
subtree_visible (void *data, xmlNodePtr node, xmlNodePtr parent)
{
  xmlNodePtr root = data;

  if (node == NULL)
    return 0;
  if (node->type == XML_NAMESPACE_DECL)
    return parent != NULL && in_subtree (parent, root);
  return in_subtree (node, root);
}

GBytes *
_kyso_ooxml_c14n_subtree (xmlNodePtr node, GError **error)
{
  xmlOutputBufferPtr buf = xmlAllocOutputBuffer (NULL);
  GBytes *out = NULL;

  if (buf == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_FAILED,
                           _ ("Out of memory while canonicalising XML."));
      return NULL;
    }
  if (xmlC14NExecute (node->doc, subtree_visible, node, XML_C14N_1_0, NULL, 0, buf) < 0)
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                         _ ("The signature's XML cannot be canonicalised."));
  else
    out = g_bytes_new (xmlOutputBufferGetContent (buf), xmlOutputBufferGetSize (buf));
  xmlOutputBufferClose (buf);
  return out;
}

xmlNodePtr
_kyso_ooxml_child (xmlNodePtr parent, const char *ns, const char *name)
{
  for (xmlNodePtr c = parent != NULL ? parent->children : NULL; c != NULL; c = c->next)
    if (c->type == XML_ELEMENT_NODE && g_strcmp0 ((const char *)c->name, name) == 0
        && (ns == NULL || (c->ns != NULL && g_strcmp0 ((const char *)c->ns->href, ns) == 0)))
      return c;
  return NULL;
}

char *
_kyso_ooxml_text (xmlNodePtr node)
{
  xmlChar *t = node != NULL ? xmlNodeGetContent (node) : NULL;
  char *s = g_strstrip (g_strdup (t != NULL ? (const char *)t : ""));

  xmlFree (t);
  return s;
}

static xmlNodePtr
find_id_in (xmlNodePtr node, const char *id, guint depth)
{
  if (depth > 64)
    return NULL;
  for (; node != NULL; node = node->next)
    {
      xmlChar *v = NULL;
      xmlNodePtr found = NULL;

      if (node->type != XML_ELEMENT_NODE)
        continue;
      v = xmlGetNoNsProp (node, BAD_CAST "Id");
      if (v != NULL && strcmp ((const char *)v, id) == 0)
        found = node;
      xmlFree (v);
      if (found == NULL)
        found = find_id_in (node->children, id, depth + 1);
      if (found != NULL)
        return found;
    }
  return NULL;
}

xmlNodePtr
_kyso_ooxml_find_id (xmlDocPtr doc, const char *id)
{
  return find_id_in (xmlDocGetRootElement (doc), id, 0);
}

void
_kyso_ooxml_rel_free (KysoOoxmlRel *rel)
{
  if (rel == NULL)
    return;
  g_free (rel->id);
  g_free (rel->type);
  g_free (rel->target);
  g_free (rel->target_mode);
  g_free (rel);
}

static char *
prop (xmlNodePtr node, const char *name)
{
  xmlChar *v = xmlGetNoNsProp (node, BAD_CAST name);
  char *s = v != NULL ? g_strdup ((const char *)v) : NULL;

  xmlFree (v);
  return s;
}

static gboolean
is_rel_element (xmlNodePtr node, const char *name)
{
  return node->type == XML_ELEMENT_NODE && node->ns != NULL
         && g_strcmp0 ((const char *)node->ns->href, KYSO_OOXML_NS_RELATIONSHIPS) == 0
         && g_strcmp0 ((const char *)node->name, name) == 0;
}

GPtrArray *
_kyso_ooxml_read_rels (GBytes *rels, GError **error)
{
  g_autoptr (xmlDoc) doc = _kyso_ooxml_parse_xml (rels, _ ("relationships"), error);
  g_autoptr (GPtrArray) out = NULL;
  xmlNodePtr root = NULL;

  if (doc == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);
  if (!is_rel_element (root, "Relationships"))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                           _ ("A relationships part of the document is not a list of relationships."));
      return NULL;
    }
  out = g_ptr_array_new_with_free_func ((GDestroyNotify)_kyso_ooxml_rel_free);
  for (xmlNodePtr c = root->children; c != NULL; c = c->next)
    {
      KysoOoxmlRel *rel = NULL;

      if (!is_rel_element (c, "Relationship"))
        continue;
      rel = g_new0 (KysoOoxmlRel, 1);
      rel->id = prop (c, "Id");
      rel->type = prop (c, "Type");
      rel->target = prop (c, "Target");
      rel->target_mode = prop (c, "TargetMode");
      if (rel->id == NULL || rel->type == NULL || rel->target == NULL)
        {
          _kyso_ooxml_rel_free (rel);
          g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                               _ ("A relationship of the document lacks its Id, Type or Target."));
          return NULL;
        }
      g_ptr_array_add (out, rel);
    }
  return g_steal_pointer (&out);
}

static gboolean
strv_has (const char *const *v, const char *s)
{
  return v != NULL && s != NULL && g_strv_contains (v, s);
}

static int
compare_by_id (gconstpointer a, gconstpointer b)
{
  xmlNodePtr na = *(xmlNodePtr *)a, nb = *(xmlNodePtr *)b;
  g_autofree char *ia = prop (na, "Id");
  g_autofree char *ib = prop (nb, "Id");

  return strcmp (ia, ib);
}

gboolean
_kyso_ooxml_rels_has_other_nodes (GBytes *rels)
{
  g_autoptr (xmlDoc) doc = _kyso_ooxml_parse_xml (rels, "relationships", NULL);
  xmlNodePtr root = doc != NULL ? xmlDocGetRootElement (doc) : NULL;

  for (xmlNodePtr c = root != NULL ? root->children : NULL; c != NULL; c = c->next)
    if (c->type != XML_ELEMENT_NODE)
      return TRUE;
  return FALSE;
}

GBytes *
_kyso_ooxml_rels_transform (GBytes *rels, const char *const *ids, const char *const *types, gboolean legacy,
                            GError **error)
{
  g_autoptr (xmlDoc) doc = _kyso_ooxml_parse_xml (rels, _ ("relationships"), error);
  g_autoptr (xmlDoc) out = NULL;
  g_autoptr (GPtrArray) chosen = g_ptr_array_new ();
  xmlNodePtr root = NULL, out_root = NULL;
  xmlNsPtr ns = NULL;
  xmlChar *text = NULL;
  int len = 0;
  GBytes *bytes = NULL;

  if (doc == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);
  if (!is_rel_element (root, "Relationships"))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                           _ ("A relationships part of the document is not a list of relationships."));
      return NULL;
    }
  for (xmlNodePtr c = root->children; c != NULL; c = c->next)
    {
      g_autofree char *id = NULL;
      g_autofree char *type = NULL;

      if (!is_rel_element (c, "Relationship"))
        continue;
      id = prop (c, "Id");
      type = prop (c, "Type");
      if (id != NULL && (strv_has (ids, id) || strv_has (types, type)))
        g_ptr_array_add (chosen, c);
    }
  g_ptr_array_sort (chosen, compare_by_id);

  out = xmlNewDoc (BAD_CAST "1.0");
  out_root = xmlNewNode (NULL, BAD_CAST "Relationships");
  ns = xmlNewNs (out_root, BAD_CAST KYSO_OOXML_NS_RELATIONSHIPS, NULL);
  xmlSetNs (out_root, ns);
  xmlDocSetRootElement (out, out_root);
  /* xmlsec before 1.3 (LibreOffice 7 on Debian 12) wrote every other child of Relationships
   * (white space, comments), in order and before the sorted relationships, as an empty element
   * named after the node's type: "<text></text>". */
  for (xmlNodePtr c = root->children; legacy && c != NULL; c = c->next)
    if (c->type != XML_ELEMENT_NODE && c->name != NULL)
      xmlNewChild (out_root, ns, c->name, NULL);
  for (guint i = 0; i < chosen->len; i++)
    {
      xmlNodePtr src = g_ptr_array_index (chosen, i);
      xmlNodePtr r = xmlNewChild (out_root, ns, BAD_CAST "Relationship", NULL);
      gboolean has_mode = FALSE;

      for (xmlAttrPtr a = src->properties; a != NULL; a = a->next)
        {
          xmlChar *v = NULL;

          if (a->ns != NULL)
            continue;
          v = xmlNodeListGetString (doc, a->children, 1);
          xmlNewProp (r, a->name, v != NULL ? v : BAD_CAST "");
          xmlFree (v);
          if (strcmp ((const char *)a->name, "TargetMode") == 0)
            has_mode = TRUE;
        }
      if (!has_mode)
        xmlNewProp (r, BAD_CAST "TargetMode", BAD_CAST "Internal");
    }
  if (xmlC14NDocDumpMemory (out, NULL, XML_C14N_1_0, NULL, 0, &text) < 0 || text == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_FAILED,
                           _ ("The relationships cannot be canonicalised."));
      return NULL;
    }
  len = xmlStrlen (text);
  bytes = g_bytes_new (text, (gsize)len);
  xmlFree (text);
  return bytes;
}

char *
_kyso_ooxml_rels_name_for (const char *part)
{
  const char *slash = strrchr (part, '/');

  if (*part == '\0')
    return g_strdup ("_rels/.rels");
  if (slash == NULL)
    return g_strdup_printf ("_rels/%s.rels", part);
  return g_strdup_printf ("%.*s/_rels/%s.rels", (int)(slash - part), part, slash + 1);
}

char *
_kyso_ooxml_rels_source (const char *name)
{
  gsize len = strlen (name);
  const char *rels = NULL;

  if (len < 5 || g_ascii_strcasecmp (name + len - 5, ".rels") != 0)
    return NULL;
  /* The last "_rels/" folder: at the start, or after a '/'. */
  for (const char *p = name; p + 6 <= name + len; p++)
    if ((p == name || p[-1] == '/') && g_ascii_strncasecmp (p, "_rels/", 6) == 0)
      rels = p;
  if (rels == NULL || strchr (rels + 6, '/') != NULL || rels + 6 > name + len - 5)
    return NULL;
  /* "dir/_rels/name.ext.rels" → "dir/name.ext"; "_rels/.rels" → "" */
  return g_strdup_printf ("%.*s%.*s", (int)(rels - name), name, (int)(name + len - 5 - (rels + 6)), rels + 6);
}

char *
_kyso_ooxml_resolve_target (const char *source_part, const char *target)
{
  g_autoptr (GPtrArray) segs = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *decoded = NULL;
  g_auto (GStrv) parts = NULL;
  const char *slash = strrchr (source_part, '/');
  g_autoptr (GString) out = g_string_new (NULL);

  decoded = g_uri_unescape_segment (target, NULL, NULL);
  if (decoded == NULL)
    return NULL;
  /* A fragment or query does not name another part. */
  decoded[strcspn (decoded, "#?")] = '\0';
  if (decoded[0] != '/' && slash != NULL)
    {
      g_auto (GStrv) base = NULL;
      g_autofree char *dir = g_strndup (source_part, slash - source_part);

      base = g_strsplit (dir, "/", -1);
      for (guint i = 0; base[i] != NULL; i++)
        if (*base[i] != '\0')
          g_ptr_array_add (segs, g_strdup (base[i]));
    }
  parts = g_strsplit (decoded, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0' || strcmp (parts[i], ".") == 0)
        continue;
      if (strcmp (parts[i], "..") == 0)
        {
          if (segs->len == 0)
            return NULL;
          g_ptr_array_remove_index (segs, segs->len - 1);
          continue;
        }
      g_ptr_array_add (segs, g_strdup (parts[i]));
    }
  for (guint i = 0; i < segs->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "/" : "", (const char *)g_ptr_array_index (segs, i));
  if (out->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
_kyso_ooxml_part_is_excluded (const char *name)
{
  if (*name == '/')
    name++;
  return g_ascii_strcasecmp (name, "[Content_Types].xml") == 0
         || g_ascii_strcasecmp (name, "docProps/core.xml") == 0
         || g_ascii_strcasecmp (name, "docProps/app.xml") == 0
         || g_ascii_strncasecmp (name, "_xmlsignatures/", 15) == 0;
}

gboolean
_kyso_ooxml_rel_type_is_excluded (const char *type)
{
  return g_strcmp0 (type,
                    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties")
           == 0
         || g_strcmp0 (
              type, "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties")
              == 0
         || g_strcmp0 (type, KYSO_OOXML_REL_ORIGIN) == 0;
}

char *
_kyso_ooxml_base64 (GBytes *data)
{
  gsize len = 0;
  const guint8 *p = g_bytes_get_data (data, &len);

  return g_base64_encode (p, len);
}

GBytes *
_kyso_ooxml_base64_decode (const char *text)
{
  g_autoptr (GString) clean = g_string_new (NULL);
  gsize len = 0;
  guchar *raw = NULL;

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        continue;
      if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
        return NULL;
      g_string_append_c (clean, *p);
    }
  if (clean->len == 0 || clean->len % 4 != 0)
    return NULL;
  raw = g_base64_decode (clean->str, &len);
  if (raw == NULL || len == 0)
    {
      g_free (raw);
      return NULL;
    }
  return g_bytes_new_take (raw, len);
}

gboolean
_kyso_ooxml_check_name (const char *name, GError **error)
{
  g_auto (GStrv) segs = NULL;
  gsize len = strlen (name);
  gboolean ok = len > 0 && len <= 1024 && g_utf8_validate (name, -1, NULL) && name[0] != '/';

  for (const char *p = name; ok && *p != '\0'; p++)
    if ((guchar)*p < 0x20 || *p == 0x7f || *p == '\\')
      ok = FALSE;
  if (ok && len >= 2 && name[1] == ':')
    ok = FALSE;
  if (ok)
    {
      segs = g_strsplit (name, "/", -1);
      for (guint i = 0; segs[i] != NULL; i++)
        {
          gsize sl = strlen (segs[i]);

          if (sl == 0 || strcmp (segs[i], ".") == 0 || strcmp (segs[i], "..") == 0 || segs[i][sl - 1] == '.')
            ok = FALSE;
        }
    }
  if (!ok)
    {
      g_autofree char *shown = g_utf8_make_valid (name, MIN (len, 200));

      g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                   _ ("The document holds a part with a name that is not allowed (“%s”)."), shown);
    }
  return ok;
}

/* The signature parts, as the origin's relationships name them. */
GPtrArray *
_kyso_ooxml_signature_parts (KysoOoxmlPackage *package)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  GBytes *pkg_rels = kyso_ooxml_package_get_part (package, "_rels/.rels");
  g_autoptr (GPtrArray) rels = pkg_rels != NULL ? _kyso_ooxml_read_rels (pkg_rels, NULL) : NULL;

  for (guint i = 0; rels != NULL && i < rels->len; i++)
    {
      KysoOoxmlRel *rel = g_ptr_array_index (rels, i);
      g_autofree char *origin = NULL;
      g_autofree char *origin_rels_name = NULL;
      GBytes *origin_rels = NULL;
      g_autoptr (GPtrArray) sigs = NULL;

      if (g_strcmp0 (rel->type, KYSO_OOXML_REL_ORIGIN) != 0)
        continue;
      origin = _kyso_ooxml_resolve_target ("", rel->target);
      if (origin == NULL)
        continue;
      origin_rels_name = _kyso_ooxml_rels_name_for (origin);
      origin_rels = kyso_ooxml_package_get_part (package, origin_rels_name);
      sigs = origin_rels != NULL ? _kyso_ooxml_read_rels (origin_rels, NULL) : NULL;
      for (guint s = 0; sigs != NULL && s < sigs->len; s++)
        {
          KysoOoxmlRel *sig = g_ptr_array_index (sigs, s);
          char *name = NULL;

          if (g_strcmp0 (sig->type, KYSO_OOXML_REL_SIGNATURE) != 0)
            continue;
          name = _kyso_ooxml_resolve_target (origin, sig->target);
          if (name != NULL && out->len < 64)
            g_ptr_array_add (out, name);
          else
            g_free (name);
        }
      break;
    }
  return out;
}

const EVP_MD *
_kyso_ooxml_digest_for (const char *uri, const char **name)
{
  static const struct
  {
    const char *uri;
    const char *name;
    const EVP_MD *(*md) (void);
  } table[] = {
    { "http://www.w3.org/2000/09/xmldsig#sha1", "SHA-1", EVP_sha1 },
    { "http://www.w3.org/2001/04/xmlenc#sha256", "SHA-256", EVP_sha256 },
    { "http://www.w3.org/2001/04/xmldsig-more#sha384", "SHA-384", EVP_sha384 },
    { "http://www.w3.org/2001/04/xmlenc#sha512", "SHA-512", EVP_sha512 },
  };

  for (guint i = 0; uri != NULL && i < G_N_ELEMENTS (table); i++)
    if (strcmp (uri, table[i].uri) == 0)
      {
        if (name != NULL)
          *name = table[i].name;
        return table[i].md ();
      }
  return NULL;
}

static xmlNodePtr
find_part_reference (xmlNodePtr node, const char *name, guint depth)
{
  for (; node != NULL && depth < 16; node = node->next)
    {
      xmlNodePtr found = NULL;

      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (strcmp ((const char *)node->name, "Reference") == 0 && node->ns != NULL
          && strcmp ((const char *)node->ns->href, KYSO_OOXML_NS_DSIG) == 0)
        {
          g_autofree char *uri = prop (node, "URI");
          g_autofree char *path = NULL;

          if (uri != NULL && uri[0] == '/')
            {
              uri[strcspn (uri, "?")] = '\0';
              path = g_uri_unescape_string (uri + 1, NULL);
              if (path != NULL && g_ascii_strcasecmp (path, name) == 0)
                return node;
            }
          continue;
        }
      found = find_part_reference (node->children, name, depth + 1);
      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
_kyso_ooxml_rels_legacy_in_use (KysoOoxmlPackage *package, const char *name, GBytes *rels)
{
  g_autoptr (GPtrArray) parts = NULL;

  if (!_kyso_ooxml_rels_has_other_nodes (rels))
    return FALSE;
  parts = _kyso_ooxml_signature_parts (package);
  for (guint i = 0; i < parts->len; i++)
    {
      GBytes *data = kyso_ooxml_package_get_part (package, g_ptr_array_index (parts, i));
      g_autoptr (xmlDoc) doc = data != NULL ? _kyso_ooxml_parse_xml (data, "signature", NULL) : NULL;
      xmlNodePtr ref = doc != NULL ? find_part_reference (xmlDocGetRootElement (doc), name, 0) : NULL;
      xmlNodePtr transforms = ref != NULL ? _kyso_ooxml_child (ref, KYSO_OOXML_NS_DSIG, "Transforms") : NULL;
      g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GPtrArray) types = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GBytes) legacy = NULL;
      g_autoptr (GBytes) expected = NULL;
      g_autofree char *alg = NULL;
      g_autofree char *value = NULL;
      const EVP_MD *md = NULL;
      guint8 out[EVP_MAX_MD_SIZE];
      unsigned int out_len = 0;

      for (xmlNodePtr t = transforms != NULL ? transforms->children : NULL; t != NULL; t = t->next)
        for (xmlNodePtr r = t->type == XML_ELEMENT_NODE ? t->children : NULL; r != NULL; r = r->next)
          {
            char *v = NULL;

            if (r->type != XML_ELEMENT_NODE)
              continue;
            if (strcmp ((const char *)r->name, "RelationshipReference") == 0
                && (v = prop (r, "SourceId")) != NULL)
              g_ptr_array_add (ids, v);
            else if (strcmp ((const char *)r->name, "RelationshipsGroupReference") == 0
                     && (v = prop (r, "SourceType")) != NULL)
              g_ptr_array_add (types, v);
          }
      if (ref == NULL || (ids->len == 0 && types->len == 0))
        continue;
      g_ptr_array_add (ids, NULL);
      g_ptr_array_add (types, NULL);
      alg = prop (_kyso_ooxml_child (ref, KYSO_OOXML_NS_DSIG, "DigestMethod"), "Algorithm");
      md = _kyso_ooxml_digest_for (alg, NULL);
      value = _kyso_ooxml_text (_kyso_ooxml_child (ref, KYSO_OOXML_NS_DSIG, "DigestValue"));
      expected = _kyso_ooxml_base64_decode (value);
      legacy = _kyso_ooxml_rels_transform (rels, (const char *const *)ids->pdata,
                                           (const char *const *)types->pdata, TRUE, NULL);
      if (md == NULL || expected == NULL || legacy == NULL
          || !EVP_Digest (g_bytes_get_data (legacy, NULL), g_bytes_get_size (legacy), out, &out_len, md,
                          NULL))
        continue;
      if (out_len == g_bytes_get_size (expected)
          && memcmp (out, g_bytes_get_data (expected, NULL), out_len) == 0)
        return TRUE;
    }
  return FALSE;
}
