#pragma once

#include <adwaita.h>

#include "kyso-profile-account.h"

G_BEGIN_DECLS

#define KYSO_TYPE_ACCOUNT_ROW (kyso_account_row_get_type ())
G_DECLARE_FINAL_TYPE (KysoAccountRow, kyso_account_row, KYSO, ACCOUNT_ROW, AdwActionRow)

/* One signing account being edited: signature type (NEAC Sign), provider, CCCD/CMND number and
 * a Remove button (signal "remove-requested"). */
GtkWidget *
kyso_account_row_new (KysoProfileAccount *account_or_null);
/* A new account holding what the row shows now (trimmed). */
KysoProfileAccount *
kyso_account_row_dup_account (KysoAccountRow *self);
/* Marks the row as the one at fault (until its fields change) and focuses its number. */
void
kyso_account_row_show_error (KysoAccountRow *self);
GtkEditable *
kyso_account_row_get_entry (KysoAccountRow *self);
GtkDropDown *
kyso_account_row_get_dropdown (KysoAccountRow *self);

G_END_DECLS
