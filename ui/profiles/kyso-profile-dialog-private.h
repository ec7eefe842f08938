#pragma once

/* What the GUI tests reach inside the dialog; not for other widgets. */
#include "kyso-profile-dialog.h"
#include "kyso-signature-pad.h"

G_BEGIN_DECLS

/* Reads @file (at most 1 MB + 1 byte) and shows it when it is a valid PNG, the reason otherwise:
 * what the file chooser does with the chosen file. */
void
kyso_profile_dialog_load_image_file (KysoProfileDialog *self, GFile *file);
GBytes *
kyso_profile_dialog_get_image (KysoProfileDialog *self);
/* The message shown at the top of the form, or NULL when none is shown. */
const char *
kyso_profile_dialog_get_error (KysoProfileDialog *self);
GtkEditable *
kyso_profile_dialog_get_name_entry (KysoProfileDialog *self);
GtkEditable *
kyso_profile_dialog_get_phone_entry (KysoProfileDialog *self);
GtkEditable *
kyso_profile_dialog_get_keyword_entry (KysoProfileDialog *self);
/* The account rows (KysoAccountRow), in order; borrowed. */
GPtrArray *
kyso_profile_dialog_get_account_rows (KysoProfileDialog *self);
/* What the Add Account and Save buttons do. */
GtkWidget *
kyso_profile_dialog_add_account (KysoProfileDialog *self);
void
kyso_profile_dialog_save (KysoProfileDialog *self);
gboolean
kyso_profile_dialog_is_saving (KysoProfileDialog *self);
/* What the Draw button does: the signature pad, whose drawing becomes the image. */
KysoSignaturePad *
kyso_profile_dialog_draw_signature (KysoProfileDialog *self);

G_END_DECLS
