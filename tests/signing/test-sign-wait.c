/* The shared wait loop: back-off, retries, expiry, cancellation, progress delivery. Real threads,
 * real clocks (with short intervals), no network. */
#include "kyso-error.h"
#include "kyso-remote-private.h"
#include "kyso-sign-wait.h"

#include <string.h>

typedef struct
{
  guint calls;
  guint pending_until;   /* PENDING for calls below this */
  guint transient_at[4]; /* 1-based call numbers answering TRANSIENT (0 = none) */
  gint64 times[32];
  gboolean fail;
} Script;

static KysoSignPollResult
scripted (KysoSignWait *wait, gpointer user_data, GError **error)
{
  Script *s = user_data;

  if (s->calls < G_N_ELEMENTS (s->times))
    s->times[s->calls] = g_get_monotonic_time ();
  s->calls++;
  for (guint i = 0; i < G_N_ELEMENTS (s->transient_at); i++)
    if (s->transient_at[i] == s->calls)
      {
        g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_NETWORK, "dropped");
        return KYSO_SIGN_POLL_TRANSIENT;
      }
  if (s->fail)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_REFUSED, "refused");
      return KYSO_SIGN_POLL_FAILED;
    }
  return s->calls < s->pending_until ? KYSO_SIGN_POLL_PENDING : KYSO_SIGN_POLL_DONE;
}

/* The doc_id codes the phone shows: readable, unique in a batch. */
static void
test_doc_codes (void)
{
  g_auto(GStrv) codes = kyso_remote_make_doc_codes (200);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (g_strv_length (codes), ==, 200);
  for (guint i = 0; codes[i] != NULL; i++)
    {
      g_assert_true (kyso_remote_is_doc_code (codes[i]));
      g_assert_cmpuint (strlen (codes[i]), ==, 8);
      g_assert_cmpint (codes[i][3], ==, '-');
      g_assert_null (strpbrk (codes[i], "01ILOilo"));
      g_assert_true (g_hash_table_add (seen, codes[i]));
    }
  g_assert_true (kyso_remote_is_doc_code ("4K7-2QF9"));
  g_assert_false (kyso_remote_is_doc_code ("4K7-2QF0"));
  g_assert_false (kyso_remote_is_doc_code ("4K72QF9"));
  g_assert_false (kyso_remote_is_doc_code ("1234"));
  g_assert_false (kyso_remote_is_doc_code (NULL));
}

static void
test_poll_backoff (void)
{
  g_autoptr(KysoSignWait) wait = kyso_sign_wait_new (NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  Script s = { .pending_until = 5 };

  kyso_sign_wait_set_interval (wait, 100, 200);
  g_assert_true (kyso_sign_wait_poll (wait, scripted, &s, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s.calls, ==, 5);
  /* 100 ms, then ×1.5 = 150, then capped at 200, each ±20 %. */
  for (guint i = 1; i < 5; i++)
    {
      gint64 gap = (s.times[i] - s.times[i - 1]) / 1000;
      guint base = i == 1 ? 100 : i == 2 ? 150 : 200;
      g_assert_cmpint (gap, >=, base * 8 / 10 - 5);
      /* Late wake-ups happen on a loaded machine (sanitizers, parallel tests); early ones never. */
      g_assert_cmpint (gap, <=, base * 12 / 10 + 250);
    }
}

static void
test_poll_transient (void)
{
  g_autoptr(KysoSignWait) wait = kyso_sign_wait_new (NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  Script ok = { .pending_until = 4, .transient_at = { 2, 3 } };
  Script bad = { .pending_until = 100, .transient_at = { 2, 3, 4 } };

  kyso_sign_wait_set_interval (wait, 20, 40);
  kyso_sign_wait_set_max_retries (wait, 2);
  /* Two faults in a row are within the budget … */
  g_assert_true (kyso_sign_wait_poll (wait, scripted, &ok, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ok.calls, ==, 4);
  /* … three are not, and the last fault is what the caller sees. */
  g_assert_false (kyso_sign_wait_poll (wait, scripted, &bad, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NETWORK);
  g_assert_cmpuint (bad.calls, ==, 4);
}

static void
test_poll_failed (void)
{
  g_autoptr(KysoSignWait) wait = kyso_sign_wait_new (NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  Script s = { .fail = TRUE };

  g_assert_false (kyso_sign_wait_poll (wait, scripted, &s, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_REFUSED);
  g_assert_cmpuint (s.calls, ==, 1);
}

static void
test_poll_expiry (void)
{
  g_autoptr(KysoSignWait) wait = kyso_sign_wait_new (NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  Script s = { .pending_until = 1000 };
  gint64 start = g_get_real_time ();

  kyso_sign_wait_set_interval (wait, 100, 200);
  kyso_sign_wait_set_expires_at (wait, start + 500 * 1000);
  g_assert_false (kyso_sign_wait_poll (wait, scripted, &s, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_EXPIRED);
  /* One last poll comes after the deadline, and not much later. */
  g_assert_cmpint (g_get_real_time () - start, >=, 500 * 1000);
  g_assert_cmpint (g_get_real_time () - start, <, 2500 * 1000);
  g_assert_cmpint ((s.times[s.calls - 1] - s.times[0]) / 1000, >=, 500);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static gpointer
poll_thread (gpointer data)
{
  KysoSignWait *wait = data;
  Script s = { .pending_until = 1000 };
  GError *error = NULL;

  g_assert_false (kyso_sign_wait_poll (wait, scripted, &s, &error));
  return error;
}

static void
test_poll_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(KysoSignWait) wait = kyso_sign_wait_new (NULL, NULL, cancellable);
  g_autoptr(GError) error = NULL;
  GThread *thread;
  gint64 start = g_get_monotonic_time ();

  /* A 10 s interval: cancelling must not wait for it. */
  kyso_sign_wait_set_interval (wait, 10000, 10000);
  thread = g_thread_new ("poll", poll_thread, wait);
  g_timeout_add (150, cancel_later, cancellable);
  while (!g_cancellable_is_cancelled (cancellable))
    g_main_context_iteration (NULL, TRUE);
  error = g_thread_join (thread);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

static void
test_call_retries (void)
{
  g_autoptr(KysoSignWait) wait = kyso_sign_wait_new (NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  Script once = { .pending_until = 0, .transient_at = { 1 } };
  Script never = { .pending_until = 0, .transient_at = { 1, 2, 3, 4 } };

  kyso_sign_wait_set_interval (wait, 20, 40);
  g_assert_true (kyso_sign_wait_call (wait, scripted, &once, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (once.calls, ==, 2);
  g_assert_false (kyso_sign_wait_call (wait, scripted, &never, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NETWORK);
  g_assert_cmpuint (never.calls, ==, KYSO_SIGN_WAIT_DEFAULT_MAX_RETRIES + 1);
}

typedef struct
{
  GThread *main_thread;
  GArray *states;
  char *code;
  GStrv codes;
  char *transaction;
  gint64 expires_at;
  gboolean done;
} Seen;

static void
on_progress (const KysoSignProgress *p, gpointer user_data)
{
  Seen *seen = user_data;

  g_assert_true (g_thread_self () == seen->main_thread);
  g_assert_false (seen->done);
  g_array_append_val (seen->states, p->state);
  g_free (seen->code);
  seen->code = g_strdup (p->verification_code);
  g_strfreev (seen->codes);
  seen->codes = g_strdupv ((char **)p->doc_codes);
  g_free (seen->transaction);
  seen->transaction = g_strdup (p->transaction_id);
  seen->expires_at = p->expires_at;
}

static gint64 progress_expiry;

static void
report_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  KysoSignWait *wait = task_data;
  Script s = { .pending_until = 4, .transient_at = { 2 } };
  GError *error = NULL;

  const char *codes[] = { "4K7-2QF9", "8HX-3MPA", NULL };

  kyso_sign_wait_set_info (wait, "VNPT-CA", NULL, NULL);
  kyso_sign_wait_set_doc_codes (wait, codes);
  kyso_sign_wait_report (wait, KYSO_SIGN_STATE_SENDING);
  kyso_sign_wait_set_info (wait, NULL, "tx-1", NULL);
  kyso_sign_wait_set_expires_at (wait, progress_expiry);
  kyso_sign_wait_report (wait, KYSO_SIGN_STATE_WAITING);
  if (kyso_sign_wait_poll (wait, scripted, &s, &error))
    {
      kyso_sign_wait_report (wait, KYSO_SIGN_STATE_APPROVED);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Seen *seen = user_data;

  g_assert_true (g_task_propagate_boolean (G_TASK (result), NULL));
  seen->done = TRUE;
}

static void
test_progress (void)
{
  Seen seen = { g_thread_self (), g_array_new (FALSE, FALSE, sizeof (KysoSignState)) };
  g_autoptr(GTask) task = g_task_new (NULL, NULL, on_done, &seen);
  KysoSignWait *wait = kyso_sign_wait_new (on_progress, &seen, NULL);
  static const KysoSignState expect[] = {
    KYSO_SIGN_STATE_SENDING, KYSO_SIGN_STATE_WAITING,  KYSO_SIGN_STATE_RETRYING,
    KYSO_SIGN_STATE_WAITING, KYSO_SIGN_STATE_APPROVED,
  };

  progress_expiry = g_get_real_time () + 60 * G_USEC_PER_SEC;
  kyso_sign_wait_set_interval (wait, 20, 40);
  g_task_set_task_data (task, wait, (GDestroyNotify)kyso_sign_wait_free);
  g_task_run_in_thread (task, report_thread);
  while (!seen.done)
    g_main_context_iteration (NULL, TRUE);
  /* Every report arrived before the result, in order, on this thread. */
  g_assert_cmpuint (seen.states->len, ==, G_N_ELEMENTS (expect));
  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    g_assert_cmpint (g_array_index (seen.states, KysoSignState, i), ==, expect[i]);
  /* The doc codes, one per document, and joined for a single label. */
  g_assert_cmpstr (seen.code, ==, "4K7-2QF9, 8HX-3MPA");
  g_assert_cmpuint (g_strv_length (seen.codes), ==, 2);
  g_assert_cmpstr (seen.codes[0], ==, "4K7-2QF9");
  g_assert_cmpstr (seen.codes[1], ==, "8HX-3MPA");
  g_strfreev (seen.codes);
  g_assert_cmpstr (seen.transaction, ==, "tx-1");
  g_assert_cmpint (seen.expires_at, ==, progress_expiry);
  g_array_unref (seen.states);
  g_free (seen.code);
  g_free (seen.transaction);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sign-wait/doc-codes", test_doc_codes);
  g_test_add_func ("/sign-wait/poll/backoff", test_poll_backoff);
  g_test_add_func ("/sign-wait/poll/transient", test_poll_transient);
  g_test_add_func ("/sign-wait/poll/failed", test_poll_failed);
  g_test_add_func ("/sign-wait/poll/expiry", test_poll_expiry);
  g_test_add_func ("/sign-wait/poll/cancel", test_poll_cancel);
  g_test_add_func ("/sign-wait/call/retries", test_call_retries);
  g_test_add_func ("/sign-wait/progress", test_progress);
  return g_test_run ();
}
