#pragma once

#include <gtk/gtk.h>

#include "kyso-portal.h"

G_BEGIN_DECLS

/* The citizen's dossiers on the home page: the drafts kept on this computer (most recent first)
 * for the logged-in citizen's ID number and, for those already submitted, their status at the
 * portal. Builds the rows of a list box;
 * its buttons activate "portal.resume", "portal.delete-draft" and "portal.track".
 * Signal "error" (s): a message for people (e.g. a draft that cannot be read). */

#define KYSO_TYPE_DOSSIER_LIST (kyso_dossier_list_get_type ())
G_DECLARE_FINAL_TYPE (KysoDossierList, kyso_dossier_list, KYSO, DOSSIER_LIST, GObject)

KysoDossierList *
kyso_dossier_list_new (void);
void
kyso_dossier_list_set_portal (KysoDossierList *self, KysoPortal *portal);
/* Lists only the drafts of this ID number (a kiosk serves many citizens); NULL lists none. */
void
kyso_dossier_list_set_account_id (KysoDossierList *self, const char *national_id);
void
kyso_dossier_list_bind (KysoDossierList *self, GtkListBox *list_box);
void
kyso_dossier_list_reload (KysoDossierList *self);
gboolean
kyso_dossier_list_is_loading (KysoDossierList *self);
/* KysoDossier items. */
GListModel *
kyso_dossier_list_get_model (KysoDossierList *self);
KysoDossier *
kyso_dossier_list_find (KysoDossierList *self, const char *draft_id);
/* The portal's status of the submitted dossier @code, or NULL while unknown. */
const char *
kyso_dossier_list_get_status (KysoDossierList *self, const char *code);
/* Deletes the draft from this computer (its files stay where they are). */
void
kyso_dossier_list_delete (KysoDossierList *self, const char *draft_id);

G_END_DECLS
