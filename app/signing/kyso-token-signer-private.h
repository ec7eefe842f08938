#pragma once

#include "kyso-token-signer.h"

G_BEGIN_DECLS

/* For tests: called on the signing thread right after the token signed digest @index (before the
 * value is checked), so that a test can pull the token out between two files deterministically. */
typedef void (*KysoTokenSignHook) (guint index, gpointer user_data);

void
_kyso_token_signer_set_sign_hook (KysoTokenSigner *self, KysoTokenSignHook hook, gpointer user_data);

G_END_DECLS
