#pragma once

/* For tests in any suite: start a kyso-sandbox in a fresh temporary state dir and stop it. Keys
 * are made once per test program (a template dir) and copied, so each start takes milliseconds. */

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *dir;           /* the state dir (removed by kyso_test_sandbox_stop) */
  char *base_url;      /* "https://127.0.0.1:PORT" */
  char *http_base_url; /* "http://127.0.0.1:PORT2" (OCSP and CA certificates only) */
  char *ca_file;       /* PEM of the test root */
  char *config_file;   /* DIR/kyso.conf */
  JsonObject *info;    /* DIR/sandbox.json */
  GSubprocess *process;
  JsonNode *info_node; /* private */
  gboolean keep_dir;   /* private */
} KysoTestSandbox;

/* Starts kyso-sandbox --state <new temp dir> --port 0 plus @extra_args (NULL-terminated, may be
 * NULL: e.g. { "--phone", "approve-after=1", "--fault", "http500", NULL }) and waits until ready. */
KysoTestSandbox *
kyso_test_sandbox_start (const char *const *extra_args, GError **error);
/* The same in @dir (kept by _stop): a second start in the same dir reuses its keys and port. */
KysoTestSandbox *
kyso_test_sandbox_start_in (const char *dir, const char *const *extra_args, GError **error);
/* urls.@name of sandbox.json ("neac", "csc", "tsa", "ocsp", "phone", "control", …); NULL if unknown. */
const char *
kyso_test_sandbox_get_url (KysoTestSandbox *sb, const char *name);
/* The citizen with this CCCD, or the first with this "status" ("good", "revoked", "expired"). */
JsonObject *
kyso_test_sandbox_get_citizen (KysoTestSandbox *sb, const char *cccd_or_status);
/* SIGTERM, wait, remove the dir. NULL-safe. */
void
kyso_test_sandbox_stop (KysoTestSandbox *sb);
/* The same, and FALSE with @error unless the server exited cleanly (status 0: no leak under ASan). */
gboolean
kyso_test_sandbox_stop_check (KysoTestSandbox *sb, GError **error);

/* The kyso-sandbox and kyso-sandbox-phone programs of this build ($KYSO_SANDBOX overrides). */
const char *
kyso_test_sandbox_exe (void);
const char *
kyso_test_sandbox_phone_exe (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoTestSandbox, kyso_test_sandbox_stop)

G_END_DECLS
