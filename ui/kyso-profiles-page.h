#pragma once

#include <adwaita.h>

#include "kyso-profile-store.h"

G_BEGIN_DECLS

#define KYSO_TYPE_PROFILES_PAGE (kyso_profiles_page_get_type ())
G_DECLARE_FINAL_TYPE (KysoProfilesPage, kyso_profiles_page, KYSO, PROFILES_PAGE, AdwBin)

/* The "Signatures" page: the profiles in the keyring with their images, add / edit / delete.
 * It reloads by itself whenever the store reports a change.
 * Property "state" (read-only): "loading", "empty", "list" or "error". */
void              kyso_profiles_page_set_store   (KysoProfilesPage *self,
                                                  KysoProfileStore *store);
KysoProfileStore *kyso_profiles_page_get_store   (KysoProfilesPage *self);
const char       *kyso_profiles_page_get_state   (KysoProfilesPage *self);
void              kyso_profiles_page_reload      (KysoProfilesPage *self);
/* Opens the dialog for a new signature. */
void              kyso_profiles_page_add_profile (KysoProfilesPage *self);

G_END_DECLS
