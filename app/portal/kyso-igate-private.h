#pragma once

#include "kyso-dossier.h"
#include "kyso-portal-records.h"
#include "kyso-procedure.h"

G_BEGIN_DECLS

/* The VNPT iGate JSON shapes, both ways (documented in tests/sandbox/README.md, "Portal").
 * Not public API. */

/* A procedure object of bd/procedure/--can-apply (summary) or bd/procedure/{id} (@details). */
KysoProcedure     *kyso_igate_parse_procedure  (JsonObject  *obj,
                                                gboolean     details);
/* A file object of fi/file/--multiple. NULL without an id. */
KysoPortalFile    *kyso_igate_parse_file       (JsonObject  *obj);
/* A dossier object of pa/dossier/search. NULL without a code. */
KysoDossierStatus *kyso_igate_parse_dossier    (JsonObject  *obj);
/* The answer of fi/file/{id}/--sign-history → KysoSigningRecord. */
GPtrArray         *kyso_igate_parse_signatures (JsonObject  *obj);
/* The body of pa/dossier/--apply-online/. Every entry must be uploaded. */
JsonNode          *kyso_igate_build_application (KysoDossier   *dossier,
                                                 KysoProcedure *procedure);

G_END_DECLS

/* ---- the adapter's plumbing (kyso-igate-api.c) ---- */

#include "kyso-igate-portal.h"
#include "kyso-portal-upload.h"

struct _KysoIgatePortal {
  GObject         parent_instance;
  KysoProvince   *province;
  char           *ca_file;
  KysoOidcClient *oidc;
  GMainContext   *context;    /* where property notifications go */
};

/* One API call with the session's token: refreshes and retries once on 401; retries dropped
 * connections and 500/502/503/504 for GET, DELETE and calls with an @idempotency_key.
 * @path is relative to the API base, with its query. Returns the JSON answer of a 2xx (a null
 * node for an empty body); other statuses become errors. */
JsonNode       *kyso_igate_api_call   (KysoIgatePortal  *self,
                                       const char       *method,
                                       const char       *path,
                                       JsonNode         *body,
                                       const char       *idempotency_key,
                                       GCancellable     *cancellable,
                                       GError          **error);

/* Called on the worker thread with each upload attempt's bytes; @retrying is TRUE at the start
 * of an attempt after a dropped one. */
typedef void (*KysoIgateUploadProgress) (guint64  sent,
                                         guint64  total,
                                         gboolean retrying,
                                         gpointer user_data);

/* Uploads one file to fi/file/--multiple with the same token and retry rules (the idempotency
 * key makes the retry safe). */
KysoPortalFile *kyso_igate_api_upload (KysoIgatePortal         *self,
                                       KysoProcedureComponent  *component,
                                       const char              *path,
                                       const char              *idempotency_key,
                                       KysoIgateUploadProgress  progress,
                                       gpointer                 progress_data,
                                       GCancellable            *cancellable,
                                       GError                 **error);
