#pragma once

/* What the GUI tests reach inside the page; not for other widgets. */
#include "kyso-signatures-page.h"
#include "kyso-profile-dialog.h"

G_BEGIN_DECLS

/* The loaded profiles (GListModel of KysoProfile) and the list showing them. */
GListModel *
kyso_signatures_page_get_profiles (KysoSignaturesPage *self);
GtkListBox *
kyso_signatures_page_get_list_box (KysoSignaturesPage *self);
/* What the row buttons do; each returns the window it opened. */
KysoProfileDialog *
kyso_signatures_page_open_dialog (KysoSignaturesPage *self, KysoProfile *profile_or_null);
AdwMessageDialog *
kyso_signatures_page_confirm_delete (KysoSignaturesPage *self, KysoProfile *profile);

G_END_DECLS
