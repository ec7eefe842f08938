/* A listener run by the login's worker thread rather than a GSocketService: the thread already
 * waits for the browser, and one poll() over the listening socket, the open connections and the
 * GCancellable keeps the whole exchange in one place without a private main loop. */
#include "config.h"

#include "kyso-oidc-loopback.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define MAX_REQUEST_HEAD 8192

struct _KysoLoopback
{
  GSocket *listener;
  char *redirect_uri;
  char *path;
};

KysoLoopback *
kyso_loopback_new (const char *redirect, GError **error)
{
  g_autoptr (GSocket) sock = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GUri) uri = g_uri_parse (redirect, G_URI_FLAGS_NONE, NULL);
  const char *path = uri != NULL ? g_uri_get_path (uri) : NULL;
  KysoLoopback *self;

  /* RFC 8252 §8.3: the literal 127.0.0.1, not "localhost" (which may resolve elsewhere). */
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
      || g_strcmp0 (g_uri_get_host (uri), "127.0.0.1") != 0 || path == NULL || path[0] != '/'
      || g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _ ("The login redirect “%s” is not a loopback address (http://127.0.0.1/…)."), redirect);
      return NULL;
    }

  sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (sock == NULL || !g_socket_bind (sock, any_port, FALSE, error) || !g_socket_listen (sock, error))
    return NULL;
  bound = g_socket_get_local_address (sock, error);
  if (bound == NULL)
    return NULL;

  self = g_new0 (KysoLoopback, 1);
  self->listener = g_steal_pointer (&sock);
  self->path = g_strdup (path);
  self->redirect_uri = g_strdup_printf ("http://127.0.0.1:%u%s",
                                        g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)), path);
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
  g_free (self->path);
  g_free (self);
}

static void
respond (GSocket *conn, guint status, const char *reason, const char *title, const char *message)
{
  g_autofree char *body = NULL;
  g_autofree char *head = NULL;
  g_autofree char *etitle = g_markup_escape_text (title, -1);
  g_autofree char *emessage = g_markup_escape_text (message, -1);

  body = g_strdup_printf (
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%s</title></head>"
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

typedef enum
{
  WAIT_MORE,
  WAIT_DONE,
  WAIT_FAILED
} WaitResult;

/* One complete request head. Answers it; WAIT_DONE with the code, WAIT_FAILED with @error when
 * the login is over (refused or cancelled in the browser), WAIT_MORE for anything that is not
 * the answer to this login: another path, another or no state (a stale tab, a page of another
 * program, a forged request) — those are answered and the wait goes on. */
static WaitResult
handle_request (KysoLoopback *self, GSocket *conn, char *head, const char *expected_state, char **out_code,
                char **out_iss, GError **error)
{
  g_auto (GStrv) line = NULL;
  g_autoptr (GHashTable) params = NULL;
  const char *query, *state, *code, *err;
  gsize path_len = strlen (self->path);
  char *eol;

  eol = strstr (head, "\r\n");
  *eol = '\0';
  line = g_strsplit (head, " ", 4);
  if (g_strv_length (line) != 3 || strcmp (line[0], "GET") != 0 || line[1][0] != '/')
    {
      respond (conn, 400, "Bad Request",
               _ ("Kyso"), _ ("This address only receives the portal’s login answer."));
      return WAIT_MORE;
    }
  query = strchr (line[1], '?');
  if (strncmp (line[1], self->path, path_len) != 0 || (line[1][path_len] != '\0' && line[1][path_len] != '?'))
    {
      respond (conn, 404, "Not Found",
               _ ("Kyso"), _ ("This address only receives the portal’s login answer."));
      return WAIT_MORE;
    }
  params = query != NULL ? g_uri_parse_params (query + 1, -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;
  state = params != NULL ? g_hash_table_lookup (params, "state") : NULL;
  code = params != NULL ? g_hash_table_lookup (params, "code") : NULL;
  err = params != NULL ? g_hash_table_lookup (params, "error") : NULL;

  if (state == NULL || strcmp (state, expected_state) != 0)
    {
      g_debug ("loopback: a request without this login's state, ignored");
      respond (conn, 400, "Bad Request",
               _ ("Not this login"),
                  _ ("This answer does not belong to the login Kyso is waiting for. Finish the login in the "
                  "window Kyso opened."));
      return WAIT_MORE;
    }
  if (err != NULL || code == NULL || *code == '\0')
    {
      respond (conn, 200, "OK", _ ("Login cancelled"), _ ("You can close this window and go back to Kyso."));
      if (g_strcmp0 (err, "access_denied") == 0)
        g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH, _ ("The login was cancelled or refused."));
      else
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                     _ ("The portal did not complete the login (%s). Try again."), err ? err : "no code");
      return WAIT_FAILED;
    }
  respond (conn, 200, "OK",
           _ ("Logged in"), _ ("You are logged in. You can close this window and go back to Kyso."));
  *out_code = g_strdup (code);
  *out_iss = g_strdup (g_hash_table_lookup (params, "iss"));
  return WAIT_DONE;
}

/* A browser opens several connections (pre-connects, /favicon.ico, a second tab): they are
 * served side by side, so one that sends nothing does not hold up the real answer. */
#define MAX_CONNECTIONS 16
#define IDLE_SECONDS 10

typedef struct
{
  GSocket *socket;
  GString *head;
  gint64 since; /* monotonic µs */
} Connection;

static void
connection_close (Connection *c)
{
  g_socket_close (c->socket, NULL);
  g_object_unref (c->socket);
  g_string_free (c->head, TRUE);
  c->socket = NULL;
  c->head = NULL;
}

char *
kyso_loopback_wait (KysoLoopback *self, const char *expected_state, gint64 deadline, char **out_iss,
                    GCancellable *cancellable, GError **error)
{
  Connection conns[MAX_CONNECTIONS] = { 0 };
  GPollFD fds[MAX_CONNECTIONS + 2];
  char *code = NULL;
  char *iss = NULL;
  WaitResult result = WAIT_MORE;
  gboolean have_cancel_fd;

  g_return_val_if_fail (expected_state != NULL && *expected_state != '\0', NULL);

  g_socket_set_blocking (self->listener, FALSE);
  have_cancel_fd = g_cancellable_make_pollfd (cancellable, &fds[0]);
  while (result == WAIT_MORE)
    {
      gint64 now = g_get_monotonic_time ();
      guint n = 0, first_conn;
      int timeout_ms;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          result = WAIT_FAILED;
          break;
        }
      if (now >= deadline)
        {
          g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_EXPIRED,
                               _ ("The login was not completed in the browser in time. Try again."));
          result = WAIT_FAILED;
          break;
        }
      if (have_cancel_fd)
        n++;
      fds[n].fd = g_socket_get_fd (self->listener);
      fds[n].events = G_IO_IN;
      fds[n].revents = 0;
      n++;
      first_conn = n;
      for (guint i = 0; i < MAX_CONNECTIONS; i++)
        {
          if (conns[i].socket != NULL && now - conns[i].since > IDLE_SECONDS * G_USEC_PER_SEC)
            connection_close (&conns[i]);
          fds[first_conn + i].fd = conns[i].socket != NULL ? g_socket_get_fd (conns[i].socket) : -1;
          fds[first_conn + i].events = conns[i].socket != NULL ? G_IO_IN | G_IO_HUP | G_IO_ERR : 0;
          fds[first_conn + i].revents = 0;
        }
      timeout_ms = (int)MIN ((deadline - now) / 1000 + 1, 1000);
      if (g_poll (fds, first_conn + MAX_CONNECTIONS, timeout_ms) < 0)
        continue;

      if (fds[first_conn - 1].revents & G_IO_IN)
        {
          GSocket *accepted = g_socket_accept (self->listener, NULL, NULL);
          if (accepted != NULL)
            {
              guint slot = 0;
              /* A free slot, else the oldest connection gives way. */
              for (guint i = 0; i < MAX_CONNECTIONS; i++)
                {
                  if (conns[i].socket == NULL)
                    {
                      slot = i;
                      break;
                    }
                  if (conns[i].since < conns[slot].since)
                    slot = i;
                }
              if (conns[slot].socket != NULL)
                connection_close (&conns[slot]);
              g_socket_set_blocking (accepted, FALSE);
              conns[slot].socket = accepted;
              conns[slot].head = g_string_new (NULL);
              conns[slot].since = g_get_monotonic_time ();
            }
        }
      for (guint i = 0; i < MAX_CONNECTIONS && result == WAIT_MORE; i++)
        {
          Connection *c = &conns[i];
          char buf[1024];
          gssize got;

          if (c->socket == NULL || fds[first_conn + i].revents == 0)
            continue;
          got = g_socket_receive (c->socket, buf, sizeof buf, NULL, NULL);
          if (got <= 0)
            {
              connection_close (c);
              continue;
            }
          g_string_append_len (c->head, buf, got);
          if (strstr (c->head->str, "\r\n\r\n") == NULL)
            {
              if (c->head->len >= MAX_REQUEST_HEAD)
                connection_close (c);
              continue;
            }
          /* The answer pages are small: send them blocking. */
          g_socket_set_blocking (c->socket, TRUE);
          g_socket_set_timeout (c->socket, 5);
          result = handle_request (self, c->socket, c->head->str, expected_state, &code, &iss, error);
          connection_close (c);
        }
    }
  for (guint i = 0; i < MAX_CONNECTIONS; i++)
    if (conns[i].socket != NULL)
      connection_close (&conns[i]);
  if (have_cancel_fd)
    g_cancellable_release_fd (cancellable);
  if (result != WAIT_DONE)
    return NULL;
  if (out_iss != NULL)
    *out_iss = iss;
  else
    g_free (iss);
  return code;
}
