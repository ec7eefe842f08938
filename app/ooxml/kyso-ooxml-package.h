#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* An Open Packaging Conventions package (DOCX, XLSX …: ECMA-376 Part 2) read from a ZIP file
 * that may have been made to hurt: every part is inflated into memory at open, under bounds that
 * hold whatever the ZIP headers claim:
 *   - the file itself at most KYSO_OOXML_MAX_FILE bytes, at most KYSO_OOXML_MAX_PARTS entries;
 *   - each part at most KYSO_OOXML_MAX_PART bytes inflated, all parts together at most
 *     KYSO_OOXML_MAX_TOTAL, and no part inflating more than KYSO_OOXML_MAX_RATIO times its
 *     compressed size (a zip bomb) once it is larger than 1 MiB;
 *   - names are part names: no "..", ".", empty segments, backslashes, control characters,
 *     leading "/", or drive letters (path traversal), and no two names equal ignoring ASCII
 *     case (OPC part names are case-insensitive);
 *   - an entry that inflates to another size than its header says, or fails its CRC, is broken.
 * Folder entries ("word/") are skipped. Errors: KYSO_ERROR_LIMIT (a bound), KYSO_ERROR_BROKEN_FILE
 * (not a ZIP, a bad name, a broken entry), KYSO_ERROR_ENCRYPTED (an encrypted entry), G_IO_ERROR_*.
 *
 * A package can then be changed part by part and written out as a new ZIP (deflated), atomically:
 * the file at the path is replaced only once the whole package is on disk. */

#define KYSO_OOXML_MAX_FILE (G_GINT64_CONSTANT (100) * 1024 * 1024)
#define KYSO_OOXML_MAX_PART (G_GINT64_CONSTANT (100) * 1024 * 1024)
#define KYSO_OOXML_MAX_TOTAL (G_GINT64_CONSTANT (256) * 1024 * 1024)
#define KYSO_OOXML_MAX_PARTS 10000
#define KYSO_OOXML_MAX_RATIO 200

typedef struct _KysoOoxmlPackage KysoOoxmlPackage;

KysoOoxmlPackage *
kyso_ooxml_package_open (const char *path, GCancellable *cancellable, GError **error);
KysoOoxmlPackage *
kyso_ooxml_package_open_bytes (GBytes *bytes, GError **error);
void
kyso_ooxml_package_free (KysoOoxmlPackage *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoOoxmlPackage, kyso_ooxml_package_free)

/* The ZIP entry names in the file's order ("word/document.xml"), NULL-terminated, borrowed. */
const char *const *
kyso_ooxml_package_get_names (KysoOoxmlPackage *self);
guint
kyso_ooxml_package_get_n_parts (KysoOoxmlPackage *self);
/* The part's bytes (borrowed), or NULL. @name is a ZIP name ("word/document.xml") or a part
 * name ("/word/document.xml"); matched ignoring ASCII case. */
GBytes *
kyso_ooxml_package_get_part (KysoOoxmlPackage *self, const char *name);
/* The name as stored in the ZIP for @name (borrowed), or NULL when absent. */
const char *
kyso_ooxml_package_lookup (KysoOoxmlPackage *self, const char *name);
/* The content type [Content_Types].xml gives @name (an Override, else the Default for its
 * extension); owned; NULL when none or when [Content_Types].xml is missing or unreadable. */
char *
kyso_ooxml_package_dup_content_type (KysoOoxmlPackage *self, const char *name);

/* Adds or replaces a part (@name: a ZIP name, checked like the ones read). */
gboolean
kyso_ooxml_package_set_part (KysoOoxmlPackage *self, const char *name, GBytes *data, GError **error);
/* The package as a ZIP in memory, parts in their order (new parts last). */
GBytes *
kyso_ooxml_package_to_bytes (KysoOoxmlPackage *self, GError **error);
/* Writes the package to @path atomically (temporary file in the same folder, fsync, rename). */
gboolean
kyso_ooxml_package_write (KysoOoxmlPackage *self, const char *path, GError **error);

/* Whether @path starts like a ZIP file (PK\3\4); FALSE when it cannot be read. */
gboolean
kyso_ooxml_is_package_file (const char *path);

G_END_DECLS
