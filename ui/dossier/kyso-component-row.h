#pragma once

#include <adwaita.h>

#include "kyso-dossier.h"
#include "kyso-procedure.h"

G_BEGIN_DECLS

/* One dossier component ("thành phần hồ sơ") in step 2: its name, whether it is required, how
 * many originals or copies, the accepted file types and size limit; the attached file and what
 * happened to it (signed by whom, uploaded, failed and why), upload progress; and buttons that
 * activate "components.<attach|sign|open|history|upload|cancel|remove>" with the component's
 * key as target. Signal "kind-changed": the original/copy choice changed. */

typedef enum
{
  KYSO_COMPONENT_EMPTY,    /* no file */
  KYSO_COMPONENT_ATTACHED, /* a file, not signed by Kyso */
  KYSO_COMPONENT_SIGNING,
  KYSO_COMPONENT_SIGNED,
  KYSO_COMPONENT_UPLOADING,
  KYSO_COMPONENT_UPLOADED,
  KYSO_COMPONENT_FAILED,  /* the last upload or signing failed: see the message */
  KYSO_COMPONENT_BLOCKED, /* signed by someone other than the logged-in citizen: not uploaded */
} KysoComponentState;

#define KYSO_TYPE_COMPONENT_ROW (kyso_component_row_get_type ())
G_DECLARE_FINAL_TYPE (KysoComponentRow, kyso_component_row, KYSO, COMPONENT_ROW, GtkListBoxRow)

GtkWidget *
kyso_component_row_new (KysoProcedureComponent *component);
KysoProcedureComponent *
kyso_component_row_get_component (KysoComponentRow *self);
const char *
kyso_component_row_get_key (KysoComponentRow *self);

/* @path: the file (NULL for none); @detail: a line for people (who signed it, an error …). */
void
kyso_component_row_update (KysoComponentRow *self, KysoComponentState state, const char *path,
                           gboolean signed_file, const char *detail);
KysoComponentState
kyso_component_row_get_state (KysoComponentRow *self);
/* Shows "Attach File…" as the page's main button (the next thing to do is giving this file). */
void
kyso_component_row_set_main_attach (KysoComponentRow *self, gboolean main);
const char *
kyso_component_row_get_detail (KysoComponentRow *self);
/* Upload progress, 0…1, with a line such as "1.2 MB of 3.4 MB". */
void
kyso_component_row_set_progress (KysoComponentRow *self, double fraction, const char *text);

KysoCopyKind
kyso_component_row_get_kind (KysoComponentRow *self);
void
kyso_component_row_set_kind (KysoComponentRow *self, KysoCopyKind kind);

/* "PDF, DOC, DOCX · up to 20 MB" (owned). */
char *
kyso_component_describe_types (KysoProcedureComponent *component);

G_END_DECLS
