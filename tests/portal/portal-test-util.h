#pragma once

/* Shared by the portal tests: a sandbox with its configured portal, its control endpoints, the
 * browser login, test files, and a libcurl "browser" that follows the login redirects. */

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "kyso-config.h"
#include "kyso-portal.h"
#include "kyso-portal-sync.h"
#include "kyso-sandbox-test.h"

G_BEGIN_DECLS

typedef struct
{
  KysoTestSandbox *sb;
  KysoConfig *config;
  KysoPortal *portal;
  JsonObject *citizen; /* the first good citizen of sandbox.json (borrowed) */
} PortalFixture;

/* Starts a sandbox (extra args may be NULL) and makes the configured portal. */
void
pt_fixture_setup (PortalFixture *f, gconstpointer extra_args);
void
pt_fixture_teardown (PortalFixture *f, gconstpointer data);

/* A request to the sandbox (control endpoints); @body may be NULL; asserts HTTP 2xx. */
JsonNode *
pt_control (KysoTestSandbox *sb, const char *method, const char *path, const char *json_body);
void
pt_set_fault (KysoTestSandbox *sb, const char *mode);
void
pt_clear_faults (KysoTestSandbox *sb);
/* /control/portal/state member. */
gint64
pt_state (KysoTestSandbox *sb, const char *member);
/* Files in STATE/portal/files. */
guint
pt_count_stored (KysoTestSandbox *sb);

/* The browser login (the sandbox logs the citizen in without its form); asserts success. */
void
pt_login (PortalFixture *f);
/* The current access token (refreshed if needed) and the stored refresh token. */
char *
pt_dup_access_token (KysoPortal *portal);
char *
pt_dup_refresh_token (KysoPortal *portal);

/* A PDF-looking file of @size bytes ("%PDF-1.7" … "%%EOF"), sparse in the middle. */
void
pt_write_pdf (const char *path, guint64 size);
/* A temp dir removed by the test framework's end (g_test_add_func users call _free). */
char *
pt_make_tmp_dir (void);
void
pt_remove_tree (const char *path);

/* The "browser": GETs @url and follows redirects (cookies kept) up to the loopback redirect,
 * in a thread, so the caller's main loop keeps running. Returns at once. */
gboolean
pt_browser_open_uri (const char *uri, gpointer ca_file, GError **error);
/* Like pt_browser_open_uri but answers the sandbox's login form with Cancel. */
gboolean
pt_browser_cancel (const char *uri, gpointer ca_file, GError **error);
/* HTTP status of the last page the browser reached (the loopback's), 0 before. */
guint
pt_browser_last_status (void);
void
pt_browser_join (void);

G_END_DECLS
