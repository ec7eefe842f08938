#pragma once

/* What the GUI tests reach inside the page; not for other widgets. */
#include "kyso-profiles-page.h"
#include "kyso-profile-dialog.h"

G_BEGIN_DECLS

/* The loaded profiles (GListModel of KysoProfile) and the list showing them. */
GListModel       *kyso_profiles_page_get_profiles       (KysoProfilesPage *self);
GtkListBox       *kyso_profiles_page_get_list_box       (KysoProfilesPage *self);
/* What the row buttons do; each returns the window it opened. */
KysoProfileDialog *kyso_profiles_page_open_dialog       (KysoProfilesPage *self,
                                                         KysoProfile      *profile_or_null);
AdwMessageDialog *kyso_profiles_page_confirm_delete     (KysoProfilesPage *self,
                                                         KysoProfile      *profile);

G_END_DECLS
