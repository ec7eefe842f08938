#pragma once

#include "kyso-dossier.h"

G_BEGIN_DECLS

struct _KysoDossier {
  GObject        parent_instance;
  char          *procedure_id;
  char          *procedure_name;
  char          *draft_id;
  char          *submission_key;
  KysoApplicant *applicant;
  GPtrArray     *entries;      /* KysoDossierEntry */
  gboolean       declaration;
  char          *code;
};

KysoDossier *kyso_dossier_new_empty (void);
void         kyso_dossier_entry_free (KysoDossierEntry *entry);
void         kyso_dossier_set_code   (KysoDossier *self, const char *code);

G_END_DECLS
