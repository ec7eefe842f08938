#pragma once

#include <adwaita.h>

#include "kyso-profile.h"

G_BEGIN_DECLS

#define KYSO_TYPE_PROFILE_ROW (kyso_profile_row_get_type ())
G_DECLARE_FINAL_TYPE (KysoProfileRow, kyso_profile_row, KYSO, PROFILE_ROW, AdwActionRow)

/* One signature in the list: its image, name, providers and the end of its phone number, with
 * Edit and Delete buttons that activate profiles.edit / profiles.delete (s: profile id). */
GtkWidget *
kyso_profile_row_new (KysoProfile *profile);
KysoProfile *
kyso_profile_row_get_profile (KysoProfileRow *self);

G_END_DECLS
