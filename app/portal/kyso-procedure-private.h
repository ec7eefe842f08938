#pragma once

#include "kyso-procedure.h"

G_BEGIN_DECLS

/* Adapters fill these objects directly (not public API). */

struct _KysoProcedureComponent
{
  GObject parent_instance;
  char *key;
  char *name;
  guint originals;
  guint copies;
  gboolean required;
  GStrv types;
  guint64 max_bytes;
  JsonNode *portal_data; /* the adapter's own description of the component, or NULL */
};

struct _KysoProcedure
{
  GObject parent_instance;
  char *id;
  char *code;
  char *name;
  char *sector;
  char *agency;
  guint level;
  char *processing_time;
  guint processing_days;
  GPtrArray *fees;       /* KysoFee */
  GPtrArray *components; /* KysoProcedureComponent */
  gboolean has_details;
  JsonNode *portal_data; /* the adapter's own description of the procedure, or NULL */
};

KysoProcedureComponent *
kyso_procedure_component_new (void);
KysoProcedure *
kyso_procedure_new (void);

/* Checks the open file @fd named @name (for its extension) against @types and @max_bytes
 * (0 = no limit); @out_mime receives a static MIME type. Shared with the upload. */
gboolean
kyso_portal_check_file_fd (int fd, const char *name, const char *const *types, guint64 max_bytes,
                           guint64 *out_size, const char **out_mime, GError **error);

G_END_DECLS
