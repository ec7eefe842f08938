#pragma once

#include "kyso-dossier.h"
#include "kyso-portal-records.h"
#include "kyso-procedure.h"

G_BEGIN_DECLS

/* The VNPT iGate JSON shapes, both ways: what ../shared/REAL-SERVICES.md §5 documents and the
 * shapes it lists as assumed (all written down in tests/sandbox/README.md, "Portal"). Every
 * iGate field name Kyso reads or writes is in kyso-igate-json.c. Not public API. */

/* The items of a list answer: a JSON array, or the "content" of a Spring Data page/slice.
 * NULL when the answer is neither. Borrowed from @answer. */
JsonArray *
kyso_igate_list_items (JsonNode *answer);

/* A procedure of bd/procedure/--can-apply or bd/procedure/{id} (without components and fees). */
KysoProcedure *
kyso_igate_parse_procedure (JsonObject *obj);
/* Completes @procedure (from bd/procedure/{id}) with the items of bd/procedure-form (components),
 * bd/procost/--for-online (fees) and the first item of bd/procedure-process-definition (the
 * process and its e-forms). FALSE when the process is missing (the portal cannot take an
 * application for it). */
gboolean
kyso_igate_add_details (KysoProcedure *procedure, JsonArray *forms, JsonArray *fees, JsonObject *process);
/* What the adapter kept from those calls (NULL when missing). */
const char *
kyso_igate_procedure_portal_code (KysoProcedure *procedure); /* "1.001612.000.00.00.H48" */
const char *
kyso_igate_procedure_agency_id (KysoProcedure *procedure);

/* A file of fi/file/--multiple. NULL without an id. */
KysoPortalFile *
kyso_igate_parse_file (JsonObject *obj);
/* A dossier of pa/dossier/search. NULL without a code. */
KysoDossierStatus *
kyso_igate_parse_dossier (JsonObject *obj);
/* The answer of fi/file/{id}/--sign-history (the sandbox's; no public call) → KysoSigningRecord. */
GPtrArray *
kyso_igate_parse_signatures (JsonObject *obj);
/* A place of ba/place/--search: {id, name}. */
gboolean
kyso_igate_parse_place (JsonObject *obj, char **out_id, char **out_name);

/* A date "YYYY-MM-DD" (midnight in Việt Nam, UTC+7) in the portal's ISO form with offset:
 * "1994-10-23T17:00:00.000+0000" for 1994-10-24. NULL when @date does not parse. */
char *
kyso_igate_date (const char *date);
/* "0905000101" or "+84905000101" → "+84905000101"; NULL when it is not a Vietnamese mobile number. */
char *
kyso_igate_phone (const char *phone);

typedef struct
{
  const char *id;
  const char *name;
} KysoIgateRef;

/* What apply-online needs beyond the dossier and the procedure. */
typedef struct
{
  const char *code;       /* from bt/pattern/{id}/--get-next-value */
  const char *pattern_id; /* from bd/config/get-pattern */
  const char *user_id;    /* the access token's user_id claim */
  KysoIgateRef nation;
  KysoIgateRef province;
  KysoIgateRef district;
  KysoIgateRef ward;
  KysoIgateRef identity_agency;
  KysoIgateRef receiving_kind;
  KysoIgateRef payment_method;
} KysoIgateApplication;

/* The body of pa/dossier/--apply-online/ (REAL-SERVICES.md §5). Every entry must be uploaded. */
JsonNode *
kyso_igate_build_application (KysoDossier *dossier, KysoProcedure *procedure,
                              const KysoIgateApplication *app);

G_END_DECLS

/* ---- the adapter's plumbing (kyso-igate-api.c) ---- */

#include "kyso-igate-portal.h"
#include "kyso-portal-upload.h"

struct _KysoIgatePortal
{
  GObject parent_instance;
  KysoProvince *province;
  char *ca_file;
  KysoOidcClient *oidc;
  GMainContext *context; /* where property notifications go */
  GMutex lock;
  GHashTable *unanswered; /* upload keys whose last attempt got no answer (may be stored) */
};

/* One API call with the session's token: refreshes once and tries again on 401 (a second 401
 * ends the session: "log in again"); retries dropped connections and 500/502/503/504 for GET,
 * PUT and DELETE. @path is relative to the API base, with its query. Returns the JSON answer of a
 * 2xx (a null node for an empty body); other statuses become errors. @out_sent (may be NULL) is
 * set when a request left Kyso but no answer came back (the portal may have acted on it). */
JsonNode *
kyso_igate_api_call (KysoIgatePortal *self, const char *method, const char *path, JsonNode *body,
                     gboolean *out_sent, GCancellable *cancellable, GError **error);

/* Called on the worker thread with each upload attempt's bytes; @retrying is TRUE at the start
 * of an attempt after a dropped one. */
typedef void (*KysoIgateUploadProgress) (guint64 sent, guint64 total, gboolean retrying, gpointer user_data);

/* Uploads one file to fi/file/--multiple?uuid=1 (part "files" and the account's "account-id").
 * After a dropped connection — or when an earlier call with the same @key (the dossier entry's)
 * was cancelled or cut before its answer — it first looks for the file among the account's
 * stored files (by name and size; @taken: ids already used by this dossier, not to be matched
 * again) and sends again only when it is not there: no public iGate client sends an
 * idempotency key, so @key stays on this computer. */
KysoPortalFile *
kyso_igate_api_upload (KysoIgatePortal *self, KysoProcedureComponent *component, const char *path,
                       const char *key, GStrv taken, KysoIgateUploadProgress progress, gpointer progress_data,
                       GCancellable *cancellable, GError **error);
