#include "config.h"

#include "kyso-portal-upload.h"
#include "kyso-error.h"
#include "kyso-procedure-private.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_ANSWER (1024 * 1024)
/* Progress is reported at most this often (µs), plus once at the end. */
#define PROGRESS_INTERVAL (100 * 1000)

static gsize curl_ready = 0;

typedef struct
{
  int fd;
  guint64 size;
  guint64 offset;
  gboolean changed; /* the file shrank under us */
  GByteArray *answer;
  gboolean answer_too_large;
  GCancellable *cancellable;
  const KysoUploadRequest *request;
  gint64 last_progress;
  guint64 last_sent;
} Upload;

/* libcurl pulls the part's bytes through here, 64 KiB at a time: nothing is held in memory. */
static size_t
read_part (char *buffer, size_t size, size_t nitems, void *arg)
{
  Upload *up = arg;
  size_t want = size * nitems;
  ssize_t n;

  if (up->offset >= up->size)
    return 0;
  want = (size_t)MIN ((guint64)want, up->size - up->offset);
  do
    n = pread (up->fd, buffer, want, (off_t)up->offset);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    {
      /* Shorter than announced: the file was truncated or replaced while being sent. */
      up->changed = TRUE;
      return CURL_READFUNC_ABORT;
    }
  up->offset += (guint64)n;
  return (size_t)n;
}

/* libcurl rewinds the part when it must send it again (e.g. an authentication retry). */
static int
seek_part (void *arg, curl_off_t offset, int origin)
{
  Upload *up = arg;

  if (origin != SEEK_SET || offset < 0 || (guint64)offset > up->size)
    return CURL_SEEKFUNC_CANTSEEK;
  up->offset = (guint64)offset;
  return CURL_SEEKFUNC_OK;
}

static size_t
write_answer (char *ptr, size_t size, size_t nmemb, void *arg)
{
  Upload *up = arg;
  size_t n = size * nmemb;

  if (up->answer->len + n > MAX_ANSWER)
    {
      up->answer_too_large = TRUE;
      return 0;
    }
  g_byte_array_append (up->answer, (const guint8 *)ptr, (guint)n);
  return n;
}

static void
report (Upload *up, guint64 sent, gboolean force)
{
  gint64 now = g_get_monotonic_time ();

  if (up->request->progress == NULL || (sent == up->last_sent && !force))
    return;
  if (!force && now - up->last_progress < PROGRESS_INTERVAL)
    return;
  up->last_progress = now;
  up->last_sent = sent;
  up->request->progress (sent, up->size, up->request->progress_data);
}

static int
on_progress (void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
  Upload *up = arg;

  if (g_cancellable_is_cancelled (up->cancellable))
    return 1;
  /* ulnow counts the multipart framing too; the file's own bytes are what people follow. */
  report (up, MIN (up->offset, up->size), FALSE);
  return 0;
}

static char *
host_of (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return g_strdup (uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : url);
}

KysoHttpResponse *
kyso_portal_upload_file (const KysoUploadRequest *request, GCancellable *cancellable, GError **error)
{
  g_autofree char *base = NULL;
  g_autofree char *auth = NULL;
  struct curl_slist *list = NULL;
  KysoHttpResponse *response = NULL;
  const char *mime_type = NULL;
  curl_mime *mime = NULL;
  curl_mimepart *part;
  Upload up = { .fd = -1 };
  CURLcode rc;
  CURL *curl = NULL;
  long status = 0;
  char *ctype = NULL;

  g_return_val_if_fail (request != NULL && request->url != NULL && request->path != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  base = request->file_name != NULL ? g_strdup (request->file_name) : g_path_get_basename (request->path);
  up.fd = g_open (request->path, O_RDONLY | O_CLOEXEC, 0);
  if (up.fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Could not open “%s”: %s"), base, g_strerror (saved));
      return NULL;
    }
  /* Checked on the very descriptor that is sent, so a file swapped in between is not sent. */
  if (!kyso_portal_check_file_fd (up.fd, base, request->types, request->max_bytes, &up.size, &mime_type,
                                  error))
    goto out;

  if (g_once_init_enter (&curl_ready))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&curl_ready, 1);
    }
  curl = curl_easy_init ();
  if (curl == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_FAILED, _ ("Could not start a network request."));
      goto out;
    }
  up.answer = g_byte_array_new ();
  up.cancellable = cancellable;
  up.request = request;

  mime = curl_mime_init (curl);
  part = curl_mime_addpart (mime);
  curl_mime_name (part, request->field != NULL ? request->field : "files");
  curl_mime_filename (part, base);
  curl_mime_type (part, mime_type);
  curl_mime_data_cb (part, (curl_off_t)up.size, read_part, seek_part, NULL, &up);
  for (gsize i = 0; request->fields != NULL && request->fields[i] != NULL && request->fields[i + 1] != NULL;
       i += 2)
    {
      curl_mimepart *field = curl_mime_addpart (mime);
      curl_mime_name (field, request->fields[i]);
      curl_mime_data (field, request->fields[i + 1], CURL_ZERO_TERMINATED);
    }

  for (gsize i = 0; request->headers != NULL && request->headers[i] != NULL; i++)
    list = curl_slist_append (list, request->headers[i]);
  if (request->bearer_token != NULL)
    {
      auth = g_strdup_printf ("Authorization: Bearer %s", request->bearer_token);
      list = curl_slist_append (list, auth);
    }
  list = curl_slist_append (list, "Accept: application/json");
  /* No "Expect: 100-continue": small servers stall a second on it; we checked the file already. */
  list = curl_slist_append (list, "Expect:");

  curl_easy_setopt (curl, CURLOPT_URL, request->url);
  curl_easy_setopt (curl, CURLOPT_MIMEPOST, mime);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (request->ca_file != NULL)
    curl_easy_setopt (curl, CURLOPT_CAINFO, request->ca_file);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, 15L);
  /* No total timeout (a big file on a slow line takes long), but a stalled one is given up. */
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, write_answer);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &up);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &up);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, "Kyso/" PACKAGE_VERSION);

  report (&up, 0, TRUE);
  rc = curl_easy_perform (curl);
  if (rc != CURLE_OK)
    {
      g_autofree char *host = host_of (request->url);

      if (rc == CURLE_ABORTED_BY_CALLBACK && g_cancellable_is_cancelled (cancellable))
        g_cancellable_set_error_if_cancelled (cancellable, error);
      else if (up.changed)
        g_set_error (
          error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
          _ ("“%s” changed while it was being sent. Close the program that writes it and try again."), base);
      else if (up.answer_too_large)
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT, _ ("The answer from %s is too large."), host);
      else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE
               || rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_CONNECT_ERROR)
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_TLS,
                     _ ("The identity of %s could not be verified, so Kyso did not connect (%s)."), host,
                        curl_easy_strerror (rc));
      else
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_NETWORK,
                     _ ("The upload to %s was interrupted: %s."), host, curl_easy_strerror (rc));
      goto out;
    }
  report (&up, up.size, TRUE);

  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo (curl, CURLINFO_CONTENT_TYPE, &ctype);
  response = g_new0 (KysoHttpResponse, 1);
  response->status = (guint)status;
  response->content_type = g_strdup (ctype);
  response->body = g_byte_array_free_to_bytes (g_steal_pointer (&up.answer));

out:
  if (up.answer != NULL)
    g_byte_array_unref (up.answer);
  curl_slist_free_all (list);
  if (mime != NULL)
    curl_mime_free (mime);
  if (curl != NULL)
    curl_easy_cleanup (curl);
  close (up.fd);
  return response;
}
