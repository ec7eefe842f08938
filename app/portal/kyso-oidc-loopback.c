/* A blocking listener run by the login's worker thread rather than a GSocketService: the thread
 * already waits for the browser, and blocking accept() with a timeout and a GCancellable keeps
 * the whole exchange in one place without a private main loop. */
#include "config.h"

#include "kyso-oidc-loopback.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define MAX_REQUEST_HEAD 8192

struct _KysoLoopback {
  GSocket *listener;
  char    *redirect_uri;
};

KysoLoopback *
kyso_loopback_new (GError **error)
{
  g_autoptr(GSocket) sock = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  KysoLoopback *self;

  sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (sock == NULL || !g_socket_bind (sock, any_port, FALSE, error) || !g_socket_listen (sock, error))
    return NULL;
  bound = g_socket_get_local_address (sock, error);
  if (bound == NULL)
    return NULL;

  self = g_new0 (KysoLoopback, 1);
  self->listener = g_steal_pointer (&sock);
  /* RFC 8252 §8.3: the literal 127.0.0.1, not "localhost" (which may resolve elsewhere). */
  self->redirect_uri = g_strdup_printf ("http://127.0.0.1:%u/callback",
                                        g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  return self;
}

const char *
kyso_loopback_get_redirect_uri (KysoLoopback *self)
{
  return self->redirect_uri;
}

void
kyso_loopback_free (KysoLoopback *self)
{
  if (self == NULL)
    return;
  g_socket_close (self->listener, NULL);
  g_object_unref (self->listener);
  g_free (self->redirect_uri);
  g_free (self);
}

static void
respond (GSocket *conn, guint status, const char *reason, const char *title, const char *message)
{
  g_autofree char *body = NULL;
  g_autofree char *head = NULL;
  g_autofree char *etitle = g_markup_escape_text (title, -1);
  g_autofree char *emessage = g_markup_escape_text (message, -1);

  body = g_strdup_printf ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%s</title></head>"
                          "<body style=\"font-family:sans-serif;margin:3em\"><h1>%s</h1><p>%s</p></body></html>\n",
                          etitle, etitle, emessage);
  head = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: text/html; charset=utf-8\r\n"
                          "Content-Length: %zu\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
                          status, reason, strlen (body));
  /* Best effort: the browser may already be gone; the login result does not depend on it. */
  g_socket_send (conn, head, strlen (head), NULL, NULL);
  g_socket_send (conn, body, strlen (body), NULL, NULL);
  g_socket_shutdown (conn, FALSE, TRUE, NULL);
}

/* Reads up to the end of the request head; NULL on timeout, garbage or overflow. */
static char *
read_request_head (GSocket *conn, GCancellable *cancellable)
{
  g_autoptr(GString) head = g_string_new (NULL);
  char buf[1024];

  while (head->len < MAX_REQUEST_HEAD && strstr (head->str, "\r\n\r\n") == NULL)
    {
      gssize n = g_socket_receive (conn, buf, sizeof buf, cancellable, NULL);
      if (n <= 0)
        return NULL;
      g_string_append_len (head, buf, n);
    }
  return head->len < MAX_REQUEST_HEAD ? g_string_free (g_steal_pointer (&head), FALSE) : NULL;
}

typedef enum { WAIT_MORE, WAIT_DONE, WAIT_FAILED } WaitResult;

static WaitResult
handle_request (GSocket *conn, const char *expected_state, char **out_code, char **out_iss,
                GCancellable *cancellable, GError **error)
{
  g_autofree char *head = read_request_head (conn, cancellable);
  g_auto(GStrv) line = NULL;
  g_autoptr(GHashTable) params = NULL;
  const char *query, *state, *code, *err;
  char *eol;

  if (head == NULL)
    return WAIT_MORE;
  eol = strstr (head, "\r\n");
  *eol = '\0';
  line = g_strsplit (head, " ", 4);
  if (g_strv_length (line) != 3 || strcmp (line[0], "GET") != 0 || line[1][0] != '/')
    {
      respond (conn, 400, "Bad Request", _("Kyso"), _("This address only receives the portal’s login answer."));
      return WAIT_MORE;
    }
  query = strchr (line[1], '?');
  if (strncmp (line[1], "/callback", 9) != 0 || (line[1][9] != '\0' && line[1][9] != '?'))
    {
      respond (conn, 404, "Not Found", _("Kyso"), _("This address only receives the portal’s login answer."));
      return WAIT_MORE;
    }
  params = query != NULL ? g_uri_parse_params (query + 1, -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;
  state = params != NULL ? g_hash_table_lookup (params, "state") : NULL;
  code = params != NULL ? g_hash_table_lookup (params, "code") : NULL;
  err = params != NULL ? g_hash_table_lookup (params, "error") : NULL;

  /* A mismatched state is someone else's answer (or a forged one): refuse and stop. */
  if (g_strcmp0 (state, expected_state) != 0)
    {
      respond (conn, 400, "Bad Request", _("Login failed"),
               _("This answer does not belong to the login Kyso started. Go back to Kyso and log in again."));
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                           _("The login answer did not match the login Kyso started, so it was refused. Log in again."));
      return WAIT_FAILED;
    }
  if (err != NULL || code == NULL || *code == '\0')
    {
      respond (conn, 200, "OK", _("Login cancelled"), _("You can close this window and go back to Kyso."));
      if (g_strcmp0 (err, "access_denied") == 0)
        g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH, _("The login was cancelled or refused."));
      else
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                     _("The portal did not complete the login (%s). Try again."), err ? err : "no code");
      return WAIT_FAILED;
    }
  respond (conn, 200, "OK", _("Logged in"), _("You are logged in. You can close this window and go back to Kyso."));
  *out_code = g_strdup (code);
  *out_iss = g_strdup (g_hash_table_lookup (params, "iss"));
  return WAIT_DONE;
}

char *
kyso_loopback_wait (KysoLoopback *self,
                    const char   *expected_state,
                    gint64        deadline,
                    char        **out_iss,
                    GCancellable *cancellable,
                    GError      **error)
{
  for (;;)
    {
      g_autoptr(GSocket) conn = NULL;
      g_autoptr(GError) local_error = NULL;
      gint64 remaining = deadline - g_get_monotonic_time ();
      char *code = NULL;
      char *iss = NULL;
      WaitResult result;

      if (remaining <= 0)
        {
          g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_EXPIRED,
                               _("The login was not completed in the browser in time. Try again."));
          return NULL;
        }
      g_socket_set_timeout (self->listener, (guint) MAX (1, remaining / G_USEC_PER_SEC));
      conn = g_socket_accept (self->listener, cancellable, &local_error);
      if (conn == NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      /* A connection that sends nothing must not hold up the real browser for long. */
      g_socket_set_blocking (conn, TRUE);
      g_socket_set_timeout (conn, 10);
      result = handle_request (conn, expected_state, &code, &iss, cancellable, error);
      g_socket_close (conn, NULL);
      if (result == WAIT_DONE)
        {
          if (out_iss != NULL)
            *out_iss = iss;
          else
            g_free (iss);
          return code;
        }
      if (result == WAIT_FAILED)
        return NULL;
    }
}
