#pragma once

#include "kyso-dossier.h"

G_BEGIN_DECLS

struct _KysoDossier
{
  GObject parent_instance;
  char *procedure_id;
  char *procedure_name;
  char *draft_id;
  char *submission_key;
  KysoApplicant *applicant;
  GPtrArray *entries; /* KysoDossierEntry */
  gboolean declaration;
  char *code;
  /* The dossier code taken from the portal before applying (iGate: bt/pattern/…/--get-next-value)
   * and the pattern it came from; kept in the draft so that a retry after a lost answer looks the
   * dossier up by it instead of filing it twice. NULL before. */
  char *reserved_code;
  char *code_pattern;
};

KysoDossier *
kyso_dossier_new_empty (void);
void
kyso_dossier_entry_free (KysoDossierEntry *entry);
void
kyso_dossier_set_code (KysoDossier *self, const char *code);
/* The files this computer sent with the dossier @code, from its draft (no Secret Service): the
 * portal's search does not list them. KysoPortalFile with ->component; empty when no draft has it. */
GPtrArray *
kyso_dossier_sent_files (const char *code);

G_END_DECLS
