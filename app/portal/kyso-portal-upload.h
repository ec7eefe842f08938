#pragma once

#include <gio/gio.h>

#include "kyso-http.h"

G_BEGIN_DECLS

/* One multipart/form-data upload of one file, streamed from disk with libcurl: memory stays
 * flat whatever the file's size. Blocking (worker threads). Retrying and tokens are the
 * caller's (the portal adapter); this is one attempt. Not public API. */

/* @sent and @total count the file's bytes. Called on the uploading thread. */
typedef void (*KysoUploadProgressFunc) (guint64 sent, guint64 total, gpointer user_data);

typedef struct
{
  const char *url;
  const char *field;          /* the form field, e.g. "files" */
  const char *path;           /* the file on disk */
  const char *file_name;      /* sent as the part's filename; NULL = basename of @path */
  const char *const *types;   /* accepted extensions, checked before sending; NULL = any */
  guint64 max_bytes;          /* 0 = no limit */
  const char *const *fields;  /* more form fields: name, value, name, value, …, NULL */
  const char *const *headers; /* extra "Name: value" lines */
  const char *bearer_token;   /* never logged */
  const char *ca_file;
  KysoUploadProgressFunc progress;
  gpointer progress_data;
} KysoUploadRequest;

/* Checks the file (type by extension and content, size) and sends it. The answer's body is
 * bounded (1 MiB). Errors: the check's (KYSO_ERROR_INVALID_INPUT, KYSO_ERROR_LIMIT,
 * G_IO_ERROR_*), KYSO_ERROR_NETWORK (connection failed or dropped: the portal may or may
 * not have stored the file), KYSO_ERROR_TLS, KYSO_ERROR_BROKEN_FILE (the file changed while
 * being sent), G_IO_ERROR_CANCELLED. */
KysoHttpResponse *
kyso_portal_upload_file (const KysoUploadRequest *request, GCancellable *cancellable, GError **error);

G_END_DECLS
