#pragma once

#include <json-glib/json-glib.h>

#include "kyso-sandbox-test.h"

G_BEGIN_DECLS

/* The sandbox's test endpoints (control/, phone/) over the same HTTPS client the app uses. */
JsonObject *
kyso_test_portal_get (KysoTestSandbox *sb, const char *path);
JsonObject *
kyso_test_portal_post (KysoTestSandbox *sb, const char *path, const char *json);
/* The OTP last sent by text message to @phone. */
char *
kyso_test_portal_otp (KysoTestSandbox *sb, const char *phone);
/* `kyso-cli --config SANDBOX/kyso.conf verify --json FILE` ($KYSO_CLI), parsed. */
JsonObject *
kyso_test_portal_verify (KysoTestSandbox *sb, const char *file);

/* An async callback that keeps the result in *(GAsyncResult **) @slot; the condition for it. */
void
kyso_test_portal_keep_result (GObject *source, GAsyncResult *result, gpointer slot);
gboolean
kyso_test_portal_have_result (gpointer slot);

G_END_DECLS
