#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What the portal says about an administrative procedure ("thủ tục hành chính"): read-only
 * objects filled by a portal adapter. Lists carry the summary; kyso_portal_get_procedure_async()
 * returns one with its components and fees. */

/* One fee or charge ("phí, lệ phí"), in Vietnamese đồng. */
typedef struct
{
  char *name;
  gint64 amount; /* VND; 0 = free */
  char *note;    /* e.g. who is exempt; may be NULL */
} KysoFee;

#define KYSO_TYPE_FEE (kyso_fee_get_type ())
GType
kyso_fee_get_type (void) G_GNUC_CONST;
KysoFee *
kyso_fee_new (const char *name, gint64 amount, const char *note);
KysoFee *
kyso_fee_copy (const KysoFee *self);
void
kyso_fee_free (KysoFee *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoFee, kyso_fee_free)

/* One dossier component ("thành phần hồ sơ"). */
#define KYSO_TYPE_PROCEDURE_COMPONENT (kyso_procedure_component_get_type ())
G_DECLARE_FINAL_TYPE (KysoProcedureComponent, kyso_procedure_component, KYSO, PROCEDURE_COMPONENT, GObject)

const char *
kyso_procedure_component_get_key (KysoProcedureComponent *self);
const char *
kyso_procedure_component_get_name (KysoProcedureComponent *self);
/* How many originals ("bản chính") and copies ("bản sao") the procedure asks for. */
guint
kyso_procedure_component_get_originals (KysoProcedureComponent *self);
guint
kyso_procedure_component_get_copies (KysoProcedureComponent *self);
gboolean
kyso_procedure_component_get_required (KysoProcedureComponent *self);
/* Accepted file extensions, lower case without dot ("pdf", "docx", "jpg"). */
const char *const *
kyso_procedure_component_get_types (KysoProcedureComponent *self);
/* Largest accepted file; 0 = the portal sets no limit. */
guint64
kyso_procedure_component_get_max_bytes (KysoProcedureComponent *self);

/* Checks, before anything is sent, that @path is a regular file whose extension and content
 * match one of the accepted types and whose size is within the limit. @out_size (may be NULL)
 * receives its size. KYSO_ERROR_INVALID_INPUT (type), KYSO_ERROR_LIMIT (size), G_IO_ERROR_*. */
gboolean
kyso_procedure_component_check_file (KysoProcedureComponent *self, const char *path, guint64 *out_size,
                                     GError **error);

#define KYSO_TYPE_PROCEDURE (kyso_procedure_get_type ())
G_DECLARE_FINAL_TYPE (KysoProcedure, kyso_procedure, KYSO, PROCEDURE, GObject)

const char *
kyso_procedure_get_id (KysoProcedure *self);
const char *
kyso_procedure_get_code (KysoProcedure *self); /* national code, e.g. "1.001193" */
const char *
kyso_procedure_get_name (KysoProcedure *self);
const char *
kyso_procedure_get_sector (KysoProcedure *self); /* "lĩnh vực", may be NULL */
const char *
kyso_procedure_get_agency (KysoProcedure *self); /* receiving agency */
guint
kyso_procedure_get_level (KysoProcedure *self); /* online service level, 0 = unknown */
/* For people, e.g. "05 ngày làm việc"; may be NULL. */
const char *
kyso_procedure_get_processing_time (KysoProcedure *self);
guint
kyso_procedure_get_processing_days (KysoProcedure *self);
/* KysoFee, borrowed. Empty for list results. */
GPtrArray *
kyso_procedure_get_fees (KysoProcedure *self);
gint64
kyso_procedure_get_fee_total (KysoProcedure *self);
/* KysoProcedureComponent, borrowed. Empty for list results. */
GPtrArray *
kyso_procedure_get_components (KysoProcedure *self);
/* TRUE when this object came from the detail call (components and fees are known). */
gboolean
kyso_procedure_has_details (KysoProcedure *self);
KysoProcedureComponent *
kyso_procedure_find_component (KysoProcedure *self, const char *key);

/* The shape `kyso-cli procedures --json` prints (other tools read it):
 * {"id","code","name","agency","sector","level","processing_time","processing_days",
 *  "fee_total","fees":[{"name","amount","note"}],
 *  "components":[{"key","name","originals","copies","required","types","max_bytes"}]} */
JsonNode *
kyso_procedure_to_json (KysoProcedure *self);

G_END_DECLS
