#pragma once

#include <adwaita.h>

#include "kyso-context.h"
#include "kyso-profile-store.h"

G_BEGIN_DECLS

#define KYSO_TYPE_SIGNATURES_PAGE (kyso_signatures_page_get_type ())
G_DECLARE_FINAL_TYPE (KysoSignaturesPage, kyso_signatures_page, KYSO, SIGNATURES_PAGE, AdwBin)

/* The "Signatures" page: the profiles in the keyring with their images, add / edit / delete.
 * It reloads by itself whenever the store reports a change.
 * Property "state" (read-only): "loading", "empty", "list" or "error". */
/* Shows the context's profile store. */
void
kyso_signatures_page_set_context (KysoSignaturesPage *self, KysoContext *context);
void
kyso_signatures_page_set_store (KysoSignaturesPage *self, KysoProfileStore *store);
KysoProfileStore *
kyso_signatures_page_get_store (KysoSignaturesPage *self);
const char *
kyso_signatures_page_get_state (KysoSignaturesPage *self);
void
kyso_signatures_page_reload (KysoSignaturesPage *self);
/* Opens the dialog for a new signature. */
void
kyso_signatures_page_add_profile (KysoSignaturesPage *self);

G_END_DECLS
