#pragma once

#include <gio/gio.h>

#include "kyso-applicant.h"
#include "kyso-dossier.h"
#include "kyso-oidc-client.h"
#include "kyso-portal-records.h"
#include "kyso-procedure.h"

G_BEGIN_DECLS

/* A provincial public-service portal, behind one interface so that a province's real API is
 * one adapter (KysoIgatePortal: the VNPT iGate shape). Every call is asynchronous and runs off
 * the main thread; callbacks and progress run on the caller's thread-default main context.
 *
 * Properties: "logged-in" (boolean) and "user-name" (string, the citizen's name from the ID
 * token), notified on the main context of the thread that created the portal.
 *
 * Errors are KYSO_ERROR (messages for people) or G_IO_ERROR_CANCELLED: KYSO_ERROR_AUTH means
 * "log in (again)"; KYSO_ERROR_NETWORK/TLS/SERVER a remote problem; KYSO_ERROR_INVALID_INPUT
 * and KYSO_ERROR_LIMIT something the citizen can fix; KYSO_ERROR_NOT_FOUND an unknown id/code. */

#define KYSO_TYPE_PORTAL (kyso_portal_get_type ())
G_DECLARE_INTERFACE (KysoPortal, kyso_portal, KYSO, PORTAL, GObject)

typedef enum
{
  KYSO_PORTAL_STAGE_CHECKING,   /* checking the dossier and its files */
  KYSO_PORTAL_STAGE_UPLOADING,  /* sending a component file */
  KYSO_PORTAL_STAGE_RETRYING,   /* the connection dropped; sending again (no duplicate is made) */
  KYSO_PORTAL_STAGE_SUBMITTING, /* filing the dossier */
} KysoPortalStage;

typedef struct
{
  KysoPortalStage stage;
  const char *file_name; /* the file being sent, or NULL */
  guint file_index;      /* 0-based, among @n_files */
  guint n_files;
  guint64 file_sent; /* bytes of this file sent */
  guint64 file_size;
  guint64 total_sent; /* bytes of all files sent */
  guint64 total_size;
} KysoPortalProgress;

typedef enum
{
  KYSO_PLACE_PROVINCE,        /* tỉnh / thành phố: no parent */
  KYSO_PLACE_DISTRICT,        /* quận / huyện of a province */
  KYSO_PLACE_WARD,            /* phường / xã of a district */
  KYSO_PLACE_IDENTITY_AGENCY, /* who issues ID cards ("nơi cấp"): no parent */
} KysoPlaceLevel;

typedef void (*KysoPortalProgressFunc) (const KysoPortalProgress *progress, gpointer user_data);

struct _KysoPortalInterface
{
  GTypeInterface parent_iface;

  const char *(*get_display_name) (KysoPortal *self);
  gboolean (*is_logged_in) (KysoPortal *self);
  char *(*dup_user_name) (KysoPortal *self);

  void (*login_browser_async) (KysoPortal *self, KysoOpenUriFunc open_uri, gpointer open_uri_data,
                               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
  gboolean (*login_browser_finish) (KysoPortal *self, GAsyncResult *result, GError **error);
  void (*login_password_async) (KysoPortal *self, const char *username, const char *password, const char *otp,
                                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
  KysoLoginStep (*login_password_finish) (KysoPortal *self, GAsyncResult *result, char **out_hint,
                                          GError **error);
  void (*restore_session_async) (KysoPortal *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
  gboolean (*restore_session_finish) (KysoPortal *self, GAsyncResult *result, GError **error);
  void (*logout_async) (KysoPortal *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data);
  gboolean (*logout_finish) (KysoPortal *self, GAsyncResult *result, GError **error);

  void (*list_procedures_async) (KysoPortal *self, const char *search, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
  GPtrArray *(*list_procedures_finish) (KysoPortal *self, GAsyncResult *result, GError **error);
  void (*get_procedure_async) (KysoPortal *self, const char *id, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
  KysoProcedure *(*get_procedure_finish) (KysoPortal *self, GAsyncResult *result, GError **error);

  void (*list_places_async) (KysoPortal *self, KysoPlaceLevel level, const char *parent_id,
                             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
  GPtrArray *(*list_places_finish) (KysoPortal *self, GAsyncResult *result, GError **error);

  void (*upload_file_async) (KysoPortal *self, KysoProcedureComponent *component, const char *path,
                             const char *idempotency_key, KysoPortalProgressFunc progress,
                             gpointer progress_data, GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);
  KysoPortalFile *(*upload_file_finish) (KysoPortal *self, GAsyncResult *result, GError **error);
  void (*delete_file_async) (KysoPortal *self, const char *file_id, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
  gboolean (*delete_file_finish) (KysoPortal *self, GAsyncResult *result, GError **error);

  void (*submit_dossier_async) (KysoPortal *self, KysoDossier *dossier, KysoProcedure *procedure,
                                KysoPortalProgressFunc progress, gpointer progress_data,
                                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
  char *(*submit_dossier_finish) (KysoPortal *self, GAsyncResult *result, GError **error);

  void (*track_dossier_async) (KysoPortal *self, const char *code, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
  KysoDossierStatus *(*track_dossier_finish) (KysoPortal *self, GAsyncResult *result, GError **error);
  void (*get_signing_history_async) (KysoPortal *self, const char *file_id, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
  GPtrArray *(*get_signing_history_finish) (KysoPortal *self, GAsyncResult *result, GError **error);
};

/* The province's name for people ("Quảng Ngãi"). */
const char *
kyso_portal_get_display_name (KysoPortal *self);
gboolean
kyso_portal_is_logged_in (KysoPortal *self);
/* NULL when not logged in. */
char *
kyso_portal_dup_user_name (KysoPortal *self);

/* The browser login (RFC 8252). @open_uri (NULL = the default browser, via
 * g_app_info_launch_default_for_uri) is called on the caller's main context with the
 * authorization URL; a GUI may also show that URL. @open_uri_data must stay valid until the
 * callback. KYSO_ERROR_EXPIRED when the browser never came back (10 minutes). */
void
kyso_portal_login_browser_async (KysoPortal *self, KysoOpenUriFunc open_uri, gpointer open_uri_data,
                                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean
kyso_portal_login_browser_finish (KysoPortal *self, GAsyncResult *result, GError **error);

/* A password grant with an OTP: invented by an earlier Kyso, not a citizen path in any public
 * material (REAL-SERVICES.md §5: the guides' ID number + password + captcha + OTP happen on the
 * province's own login page, in the browser). Kept only until the GUI's login page loses its
 * form (issue 12); kyso-cli no longer uses it. The first call "sends" an OTP and finishes with
 * KYSO_LOGIN_NEED_OTP (@out_hint: the masked number); call again with @otp. */
void
kyso_portal_login_password_async (KysoPortal *self, const char *username, const char *password,
                                  const char *otp, GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
KysoLoginStep
kyso_portal_login_password_finish (KysoPortal *self, GAsyncResult *result, char **out_hint, GError **error);

/* Resumes the session kept in the Secret Service. FALSE without an error: there is none. */
void
kyso_portal_restore_session_async (KysoPortal *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean
kyso_portal_restore_session_finish (KysoPortal *self, GAsyncResult *result, GError **error);

/* Revokes the session at the portal and forgets it here. */
void
kyso_portal_logout_async (KysoPortal *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data);
gboolean
kyso_portal_logout_finish (KysoPortal *self, GAsyncResult *result, GError **error);

/* Procedures the citizen can apply for online; @search (NULL = all) matches names and codes.
 * → GPtrArray of KysoProcedure (summaries, without components). */
void
kyso_portal_list_procedures_async (KysoPortal *self, const char *search, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *
kyso_portal_list_procedures_finish (KysoPortal *self, GAsyncResult *result, GError **error);

/* One procedure with its components and fees. */
void
kyso_portal_get_procedure_async (KysoPortal *self, const char *id, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
KysoProcedure *
kyso_portal_get_procedure_finish (KysoPortal *self, GAsyncResult *result, GError **error);

/* The portal's places for step 1's pickers: provinces, the districts of a province, the wards of
 * a district (@parent_id: the parent's KysoPlace.id; NULL for provinces and agencies).
 * → GPtrArray of KysoPlace in the portal's order. */
void
kyso_portal_list_places_async (KysoPortal *self, KysoPlaceLevel level, const char *parent_id,
                               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *
kyso_portal_list_places_finish (KysoPortal *self, GAsyncResult *result, GError **error);

/* Uploads @path for @component: checked first (type, size), streamed from disk. After a dropped
 * connection, or when an earlier call with the same @idempotency_key (the dossier entry's; may be
 * NULL) was cancelled or cut before the portal answered, the portal's stored files are looked at
 * before sending again, so it keeps one copy. The key stays on this computer (iGate has no such
 * header). */
void
kyso_portal_upload_file_async (KysoPortal *self, KysoProcedureComponent *component, const char *path,
                               const char *idempotency_key, KysoPortalProgressFunc progress,
                               gpointer progress_data, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
KysoPortalFile *
kyso_portal_upload_file_finish (KysoPortal *self, GAsyncResult *result, GError **error);

void
kyso_portal_delete_file_async (KysoPortal *self, const char *file_id, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean
kyso_portal_delete_file_finish (KysoPortal *self, GAsyncResult *result, GError **error);

/* Validates @dossier against @procedure, looks up the portal's ids of the applicant's places
 * and issuing agency when the applicant names them only, uploads the files not yet uploaded
 * (recording them in the dossier), takes a dossier code from the portal (kept in the dossier and
 * its draft), files the dossier and returns the code (also set on the dossier). Do not change
 * @dossier until the callback. A repeated call after a failure resumes: uploaded files are not
 * sent again, and a dossier whose code was taken is looked up by it before it is filed again. */
void
kyso_portal_submit_dossier_async (KysoPortal *self, KysoDossier *dossier, KysoProcedure *procedure,
                                  KysoPortalProgressFunc progress, gpointer progress_data,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
char *
kyso_portal_submit_dossier_finish (KysoPortal *self, GAsyncResult *result, GError **error);

/* "Tra cứu hồ sơ": status and history of the dossier @code. */
void
kyso_portal_track_dossier_async (KysoPortal *self, const char *code, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
KysoDossierStatus *
kyso_portal_track_dossier_finish (KysoPortal *self, GAsyncResult *result, GError **error);

/* "Xem lịch sử ký số" of a component's file (its id from KysoDossierStatus.files).
 * → GPtrArray of KysoSigningRecord, oldest first. */
void
kyso_portal_get_signing_history_async (KysoPortal *self, const char *file_id, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *
kyso_portal_get_signing_history_finish (KysoPortal *self, GAsyncResult *result, GError **error);

G_END_DECLS
