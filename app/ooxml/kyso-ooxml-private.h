#pragma once

#include <gio/gio.h>
#include <libxml/tree.h>
#include <openssl/evp.h>

#include "kyso-ooxml-package.h"

G_BEGIN_DECLS

/* Shared by the files of app/ooxml (not public API): safe XML, canonicalisation, relationships. */

#define KYSO_OOXML_NS_RELATIONSHIPS "http://schemas.openxmlformats.org/package/2006/relationships"
#define KYSO_OOXML_NS_CONTENT_TYPES "http://schemas.openxmlformats.org/package/2006/content-types"
#define KYSO_OOXML_NS_DSIG "http://www.w3.org/2000/09/xmldsig#"
#define KYSO_OOXML_NS_MDSSI "http://schemas.openxmlformats.org/package/2006/digital-signature"
#define KYSO_OOXML_NS_XADES "http://uri.etsi.org/01903/v1.3.2#"
#define KYSO_OOXML_NS_OFFICE_DIGSIG "http://schemas.microsoft.com/office/2006/digsig"
#define KYSO_OOXML_ALG_C14N "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
#define KYSO_OOXML_ALG_RELATIONSHIP "http://schemas.openxmlformats.org/package/2006/RelationshipTransform"
#define KYSO_OOXML_REL_ORIGIN                                                                                \
  "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/origin"
#define KYSO_OOXML_REL_SIGNATURE                                                                             \
  "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/signature"
#define KYSO_OOXML_CT_RELATIONSHIPS "application/vnd.openxmlformats-package.relationships+xml"
#define KYSO_OOXML_CT_ORIGIN "application/vnd.openxmlformats-package.digital-signature-origin"
#define KYSO_OOXML_CT_SIGNATURE "application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

/* Parses @data as XML without ever loading anything from outside (no network, no DTD, no
 * external entities) and refuses any document with a DOCTYPE (so no entity can be declared, let
 * alone expanded). KYSO_ERROR_BROKEN_FILE naming @what when it is not well-formed or has a DTD. */
xmlDocPtr
_kyso_ooxml_parse_xml (GBytes *data, const char *what, GError **error);

/* Inclusive C14N 1.0 without comments of @node and its descendants, with the namespaces in scope
 * from its ancestors (what an XML-DSig "#id" reference without transforms digests). */
GBytes *
_kyso_ooxml_c14n_subtree (xmlNodePtr node, GError **error);

/* The first child element of @parent named @name in namespace @ns (NULL = any), or NULL. */
xmlNodePtr
_kyso_ooxml_child (xmlNodePtr parent, const char *ns, const char *name);
/* The text content of @node, stripped of surrounding white space (owned, never NULL). */
char *
_kyso_ooxml_text (xmlNodePtr node);
/* The element of @doc whose attribute "Id" is @id, or NULL (the first in document order). */
xmlNodePtr
_kyso_ooxml_find_id (xmlDocPtr doc, const char *id);

/* One Relationship of a relationships part. */
typedef struct
{
  char *id;
  char *type;
  char *target;
  char *target_mode; /* NULL = Internal */
} KysoOoxmlRel;

void
_kyso_ooxml_rel_free (KysoOoxmlRel *rel);
/* The relationships in @rels (GPtrArray of KysoOoxmlRel). KYSO_ERROR_BROKEN_FILE when it is not
 * a Relationships document. */
GPtrArray *
_kyso_ooxml_read_rels (GBytes *rels, GError **error);
/* ECMA-376 Part 2 §13.2.4.24, then C14N: the Relationship elements whose Id is in @ids (or whose
 * Type is in @types), sorted by Id, with TargetMode made explicit, nothing else. With @legacy,
 * as xmlsec 1.2 (LibreOffice 7) computes it: the other children of Relationships (white space
 * between the elements) each become an empty element named after their type, before the
 * relationships. The two differ only for a part with such children. */
GBytes *
_kyso_ooxml_rels_transform (GBytes *rels, const char *const *ids, const char *const *types, gboolean legacy,
                            GError **error);
/* Whether a signature already in @package covers the relationships part @name (bytes @rels)
 * through the xmlsec 1.2 reading of the transform (see above), which then is the one to use again
 * for it: whoever validated that signature reads the part that way. FALSE when @rels has nothing
 * but elements (both readings agree). */
gboolean
_kyso_ooxml_rels_legacy_in_use (KysoOoxmlPackage *package, const char *name, GBytes *rels);
/* The digest algorithm an XML-DSig DigestMethod URI names (and its name for people), or NULL. */
const EVP_MD *
_kyso_ooxml_digest_for (const char *uri, const char **name);
/* Whether Relationships has children other than elements (white space, comments). */
gboolean
_kyso_ooxml_rels_has_other_nodes (GBytes *rels);
/* The signature parts of @package, as its origin's relationships name them (GPtrArray of char *,
 * ZIP names). */
GPtrArray *
_kyso_ooxml_signature_parts (KysoOoxmlPackage *package);

/* The relationships part of a part ("word/document.xml" → "word/_rels/document.xml.rels",
 * "" → "_rels/.rels"); owned. */
char *
_kyso_ooxml_rels_name_for (const char *part);
/* The part a relationships part describes (the inverse; "" for the package), or NULL when
 * @name is not a relationships part name. */
char *
_kyso_ooxml_rels_source (const char *name);
/* Resolves @target relative to the folder of @source_part (ZIP names, no leading '/'); NULL when
 * it leaves the package. */
char *
_kyso_ooxml_resolve_target (const char *source_part, const char *target);

/* Parts a signature never covers (Office and LibreOffice agree): [Content_Types].xml, the core
 * and extended properties, and everything under _xmlsignatures/. */
gboolean
_kyso_ooxml_part_is_excluded (const char *name);
/* Relationship types left out of the relationship transform: core and extended properties and
 * the signature origin (they change when a document is signed). */
gboolean
_kyso_ooxml_rel_type_is_excluded (const char *type);

/* Base64 without line breaks (owned). */
char *
_kyso_ooxml_base64 (GBytes *data);
/* Decodes base64 with white space anywhere; NULL when malformed or empty. */
GBytes *
_kyso_ooxml_base64_decode (const char *text);

/* Checks a ZIP entry name: see kyso-ooxml-package.h. */
gboolean
_kyso_ooxml_check_name (const char *name, GError **error);

G_END_DECLS
