/* KysoSigningJob end to end: N files with one approval through a local key and through the NEAC
 * and CSC signers of kyso-sandbox (made by the factory from profile accounts); the keep-or-forget
 * rule after each kind of failure; resume from the record after a cancellation (the phone asked
 * once), refused when the prepared copy changed; abort; pruning; and the files checked by pdfsig. */
#include "kyso-csc-signer.h"
#include "kyso-error.h"
#include "kyso-neac-signer.h"
#include "kyso-p12-signer.h"
#include "kyso-profile-account.h"
#include "kyso-signer-factory.h"
#include "kyso-signing-job.h"
#include "kyso-test-pdf.h"
#include "signing-test-util.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#define AN "051090000101"

typedef struct
{
  char *dir;     /* the documents */
  char *pending; /* the job's private folder */
  char *in[2];
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = kyso_test_tmpdir ();
  f->pending = g_build_filename (f->dir, "pending", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (f->in); i++)
    {
      g_autofree char *name = g_strdup_printf ("thanh-phan-%u.pdf", i + 1);
      f->in[i] = g_build_filename (f->dir, name, NULL);
      kyso_test_make_simple (f->in[i]);
    }
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        remove_tree (p);
      else
        g_unlink (p);
    }
  g_rmdir (dir);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->pending);
  for (guint i = 0; i < G_N_ELEMENTS (f->in); i++)
    g_free (f->in[i]);
}

static guint
count_files (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

typedef struct
{
  GAsyncResult *result;
  GArray *states;
  GCancellable *cancel_when_waiting;
  KysoSigningJob *abort_when_waiting;
  char *code;
} Run;

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;

  run->result = g_object_ref (result);
}

static void
on_progress (KysoSigningJob *job, const KysoSignProgress *p, Run *run)
{
  g_array_append_val (run->states, p->state);
  g_assert_true (p == kyso_signing_job_get_progress (job));
  if (p->state == KYSO_SIGN_STATE_WAITING)
    {
      g_free (run->code);
      run->code = g_strdup (p->verification_code);
      if (run->cancel_when_waiting != NULL)
        g_cancellable_cancel (run->cancel_when_waiting);
      if (run->abort_when_waiting != NULL)
        kyso_signing_job_abort (run->abort_when_waiting);
    }
}

static void
run_clear (Run *run)
{
  g_clear_object (&run->result);
  g_clear_pointer (&run->states, g_array_unref);
  g_clear_pointer (&run->code, g_free);
}

/* Runs (or resumes @pending) to the end. */
static gboolean
run_job (KysoSigningJob *job, KysoPending *pending, GCancellable *cancellable, Run *run, GError **error)
{
  gulong id;
  gboolean ok;

  run->states = g_array_new (FALSE, FALSE, sizeof (KysoSignState));
  id = g_signal_connect (job, "progress", G_CALLBACK (on_progress), run);
  if (pending != NULL)
    kyso_signing_job_resume_async (job, pending, cancellable, on_done, run);
  else
    kyso_signing_job_run_async (job, cancellable, on_done, run);
  while (run->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  ok = pending != NULL ? kyso_signing_job_resume_finish (job, run->result, error)
                       : kyso_signing_job_run_finish (job, run->result, error);
  g_signal_handler_disconnect (job, id);
  return ok;
}

static gboolean
saw (Run *run, KysoSignState state)
{
  for (guint i = 0; i < run->states->len; i++)
    if (g_array_index (run->states, KysoSignState, i) == state)
      return TRUE;
  return FALSE;
}

static KysoSigner *
account_signer (SigningSandbox *s, const char *kind)
{
  g_autoptr (KysoProfileAccount) account = kyso_profile_account_new ("VNPT-CA", AN);
  g_autoptr (GError) error = NULL;
  KysoSigner *signer;

  kyso_profile_account_set_kind (account, kind);
  signer = kyso_signer_factory_new_for_account (s->config, account, &error);
  g_assert_no_error (error);
  if (KYSO_IS_NEAC_SIGNER (signer))
    kyso_neac_signer_set_poll_interval (KYSO_NEAC_SIGNER (signer), 300, 600);
  else
    {
      g_assert_true (KYSO_IS_CSC_SIGNER (signer));
      kyso_csc_signer_set_poll_interval (KYSO_CSC_SIGNER (signer), 300, 600);
    }
  return signer;
}

static KysoSigningJob *
two_file_job (Fixture *f, KysoSigner *signer)
{
  KysoSigningJob *job = kyso_signing_job_new (signer, NULL);

  kyso_signing_job_set_pending_dir (job, f->pending);
  for (guint i = 0; i < G_N_ELEMENTS (f->in); i++)
    g_assert_cmpuint (kyso_signing_job_add_file (job, f->in[i], NULL, NULL), ==, i);
  return job;
}

static void
assert_signed (KysoSigningJob *job)
{
  for (guint i = 0; i < kyso_signing_job_get_n_files (job); i++)
    {
      g_assert_true (kyso_signing_job_is_signed (job, i));
      kyso_test_assert_pdfsig (kyso_signing_job_get_output (job, i), 1);
    }
}

/* Documents folder: only the inputs (no prepared copy next to an output, no output). */
static void
assert_untouched (Fixture *f, KysoSigningJob *job)
{
  for (guint i = 0; i < kyso_signing_job_get_n_files (job); i++)
    g_assert_false (g_file_test (kyso_signing_job_get_output (job, i), G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (f->dir), ==,
                    G_N_ELEMENTS (f->in) + (g_file_test (f->pending, G_FILE_TEST_IS_DIR) ? 1 : 0));
}

static void
test_local_two_files (Fixture *f, gconstpointer data)
{
  g_autoptr (KysoSigner) signer = kyso_test_signer ();
  g_autoptr (KysoSigningJob) job = two_file_job (f, signer);
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = g_build_filename (f->dir, "thanh-phan-1-signed.pdf", NULL);
  Run run = { 0 };
  guint page;
  double rect[4];

  g_assert_true (run_job (job, NULL, NULL, &run, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (kyso_signing_job_get_output (job, 0), ==, expected);
  g_assert_cmpstr (kyso_signing_job_get_input (job, 1), ==, f->in[1]);
  assert_signed (job);
  g_assert_true (saw (&run, KYSO_SIGN_STATE_APPROVED));
  g_assert_cmpstr (kyso_signing_job_get_signer_name (job), ==, "Nguyễn Văn An");
  g_assert_nonnull (kyso_signing_job_get_credential (job));
  /* The default place: the last page, lower right. */
  g_assert_true (kyso_signing_job_get_placement (job, 0, &page, rect));
  g_assert_cmpuint (page, ==, 2);
  g_assert_cmpfloat (rect[0], >, 595.0 / 2);
  g_assert_cmpfloat (rect[1], <, 842.0 / 4);
  /* A local key keeps no record, and nothing is left in the private folder. */
  g_assert_null (kyso_signing_job_get_pending (job));
  g_assert_cmpuint (count_files (f->pending), ==, 0);
  run_clear (&run);
}

static void
test_local_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (KysoSigner) signer = kyso_test_signer ();
  g_autoptr (KysoSigningJob) empty = kyso_signing_job_new (signer, NULL);
  g_autoptr (KysoSigningJob) job = NULL;
  g_autoptr (KysoSigningJob) wrong = NULL;
  g_autoptr (GError) error = NULL;
  Run run = { 0 };

  g_assert_false (run_job (empty, NULL, NULL, &run, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  run_clear (&run);

  /* The second file is not a PDF: the message names it, and nothing is written anywhere. */
  g_assert_true (g_file_set_contents (f->in[1], "not a pdf", -1, NULL));
  job = two_file_job (f, signer);
  g_assert_false (run_job (job, NULL, NULL, &run, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_assert_nonnull (strstr (error->message, "thanh-phan-2.pdf"));
  g_clear_error (&error);
  run_clear (&run);
  assert_untouched (f, job);
  g_assert_cmpuint (count_files (f->pending), ==, 0);

  /* A certificate the signer does not hold. */
  kyso_test_make_simple (f->in[1]);
  wrong = kyso_signing_job_new (signer, "nobody");
  kyso_signing_job_set_pending_dir (wrong, f->pending);
  kyso_signing_job_add_file (wrong, f->in[0], NULL, NULL);
  g_assert_false (run_job (wrong, NULL, NULL, &run, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  run_clear (&run);
  assert_untouched (f, wrong);
}

static void
test_neac_one_approval (Fixture *f, gconstpointer data)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr (KysoSigner) signer = account_signer (s, KYSO_ACCOUNT_KIND_NEAC_SIGN);
  g_autoptr (KysoSigningJob) job = two_file_job (f, signer);
  g_autoptr (GError) error = NULL;
  Run run = { 0 };
  guint before;

  signing_sandbox_reset (s, "approve-after=1", 300);
  before = signing_sandbox_count_transactions (s);
  kyso_signing_job_set_expected_id (job, AN);
  g_assert_true (run_job (job, NULL, NULL, &run, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + 1);
  g_assert_true (saw (&run, KYSO_SIGN_STATE_WAITING));
  g_assert_nonnull (run.code);
  assert_signed (job);
  g_assert_cmpuint (count_files (f->pending), ==, 0);
  run_clear (&run);
}

static void
test_csc_by_account_kind (Fixture *f, gconstpointer data)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr (KysoSigner) signer = account_signer (s, KYSO_ACCOUNT_KIND_CSC);
  g_autoptr (KysoSigningJob) job = two_file_job (f, signer);
  g_autoptr (GError) error = NULL;
  Run run = { 0 };

  g_assert_cmpstr (kyso_signer_factory_get_kind (signer), ==, "csc");
  signing_sandbox_reset (s, "approve-after=1", 300);
  g_assert_true (run_job (job, NULL, NULL, &run, &error));
  g_assert_no_error (error);
  assert_signed (job);
  g_assert_cmpuint (count_files (f->pending), ==, 0);
  run_clear (&run);
}

/* Cancelled while the phone is asked: the record and the prepared copies are kept. */
static KysoPending *
start_and_cancel (Fixture *f, SigningSandbox *s, guint *out_before)
{
  g_autoptr (KysoSigner) signer = account_signer (s, KYSO_ACCOUNT_KIND_NEAC_SIGN);
  g_autoptr (KysoSigningJob) job = two_file_job (f, signer);
  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  Run run = { .cancel_when_waiting = cancel };

  signing_sandbox_reset (s, "ignore", 300);
  *out_before = signing_sandbox_count_transactions (s);
  kyso_signing_job_set_profile_id (job, "profile-1");
  g_assert_false (run_job (job, NULL, cancel, &run, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  run_clear (&run);
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, *out_before + 1);
  assert_untouched (f, job);
  list = kyso_pending_list (f->pending, NULL);
  g_assert_cmpuint (list->len, ==, 1);
  /* The record, its session file and one prepared copy per file. */
  g_assert_cmpuint (count_files (f->pending), ==, 2 + G_N_ELEMENTS (f->in));
  return g_object_ref (list->pdata[0]);
}

static void
test_cancel_then_resume (Fixture *f, gconstpointer data)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr (KysoPending) pending = NULL;
  g_autoptr (KysoPending) found = NULL;
  g_autoptr (KysoSigner) signer = NULL;
  g_autoptr (KysoSigningJob) job = NULL;
  g_autoptr (JsonObject) txn = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *profile = NULL;
  Run run = { 0 };
  guint before;

  pending = start_and_cancel (f, s, &before);
  found = kyso_signing_job_find_pending (f->pending, f->in[0], NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  profile = kyso_signing_job_dup_profile_id (found);
  g_assert_cmpstr (profile, ==, "profile-1");

  /* A second run for the same document is refused while the first waits. */
  signer = account_signer (s, KYSO_ACCOUNT_KIND_NEAC_SIGN);
  job = two_file_job (f, signer);
  g_assert_false (run_job (job, NULL, NULL, &run, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  run_clear (&run);
  g_clear_object (&job);

  txn = signing_sandbox_latest_transaction (s);
  signing_sandbox_phone (s, json_object_get_string_member (txn, "id"), "approve");
  /* Another job, another signer (as after a restart): the same transaction finishes. */
  g_clear_object (&signer);
  signer = account_signer (s, KYSO_ACCOUNT_KIND_NEAC_SIGN);
  job = kyso_signing_job_new (signer, NULL);
  g_assert_true (run_job (job, found, NULL, &run, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + 1);
  g_assert_cmpuint (kyso_signing_job_get_n_files (job), ==, 2);
  assert_signed (job);
  g_assert_cmpuint (count_files (f->pending), ==, 0);
  run_clear (&run);
}

static void
test_resume_changed_copy (Fixture *f, gconstpointer data)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr (KysoPending) pending = NULL;
  g_autoptr (KysoSigner) signer = NULL;
  g_autoptr (KysoSigningJob) job = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) d = NULL;
  const char *name;
  Run run = { 0 };
  guint before, changed = 0;

  pending = start_and_cancel (f, s, &before);
  /* One byte of a prepared copy changes; the size stays. */
  d = g_dir_open (f->pending, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL && changed == 0)
    if (g_str_has_prefix (name, "prepared-"))
      {
        g_autofree char *path = g_build_filename (f->pending, name, NULL);
        int fd = open (path, O_RDWR);
        char c;

        g_assert_cmpint (fd, >=, 0);
        g_assert_cmpint (pread (fd, &c, 1, 200), ==, 1);
        c ^= 1;
        g_assert_cmpint (pwrite (fd, &c, 1, 200), ==, 1);
        close (fd);
        changed++;
      }
  g_assert_cmpuint (changed, ==, 1);
  signer = account_signer (s, KYSO_ACCOUNT_KIND_NEAC_SIGN);
  job = kyso_signing_job_new (signer, NULL);
  g_assert_false (run_job (job, pending, NULL, &run, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_assert_nonnull (strstr (error->message, "changed"));
  run_clear (&run);
  /* Nothing signed, nothing asked again, nothing left. */
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + 1);
  assert_untouched (f, job);
  g_assert_cmpuint (count_files (f->pending), ==, 0);
}

/* Answers that cannot change: the record and the prepared copies are forgotten. */
static void
test_refused_forgets (Fixture *f, gconstpointer data)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr (KysoSigner) signer = account_signer (s, KYSO_ACCOUNT_KIND_NEAC_SIGN);
  g_autoptr (KysoSigningJob) job = two_file_job (f, signer);
  g_autoptr (KysoSigningJob) expired = NULL;
  g_autoptr (GError) error = NULL;
  Run run = { 0 };

  signing_sandbox_reset (s, "refuse-after=1", 300);
  g_assert_false (run_job (job, NULL, NULL, &run, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_REFUSED);
  g_clear_error (&error);
  run_clear (&run);
  assert_untouched (f, job);
  g_assert_cmpuint (count_files (f->pending), ==, 0);

  signing_sandbox_reset (s, "ignore", 2);
  expired = two_file_job (f, signer);
  g_assert_false (run_job (expired, NULL, NULL, &run, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_EXPIRED);
  run_clear (&run);
  assert_untouched (f, expired);
  g_assert_cmpuint (count_files (f->pending), ==, 0);
  signing_sandbox_reset (s, "ignore", 300);
}

static void
test_abort (Fixture *f, gconstpointer data)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr (KysoSigner) signer = account_signer (s, KYSO_ACCOUNT_KIND_NEAC_SIGN);
  g_autoptr (KysoSigningJob) job = two_file_job (f, signer);
  g_autoptr (GError) error = NULL;
  Run run = { .abort_when_waiting = job };

  signing_sandbox_reset (s, "ignore", 300);
  g_assert_false (run_job (job, NULL, NULL, &run, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  run_clear (&run);
  assert_untouched (f, job);
  g_assert_cmpuint (count_files (f->pending), ==, 0);
}

/* A record whose time passed goes with its prepared copy; a copy no record names goes once old;
 * a fresh one stays (another process may be preparing it). */
static void
test_prune (Fixture *f, gconstpointer data)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr (KysoPending) pending = NULL;
  g_autofree char *orphan = g_build_filename (f->pending, "prepared-ORPHAN.pdf", NULL);
  g_autofree char *fresh = g_build_filename (f->pending, "prepared-FRESH.pdf", NULL);
  g_autofree char *other = g_build_filename (f->pending, "notes.txt", NULL);
  struct utimbuf old = { 1000, 1000 };
  guint before;

  pending = start_and_cancel (f, s, &before);
  g_assert_cmpuint (kyso_signing_job_prune (f->pending, 0), ==, 0);
  g_assert_cmpuint (count_files (f->pending), ==, 4);
  g_assert_true (g_file_set_contents (orphan, "x", -1, NULL));
  g_assert_true (g_file_set_contents (fresh, "x", -1, NULL));
  g_assert_true (g_file_set_contents (other, "x", -1, NULL));
  g_assert_cmpint (utime (orphan, &old), ==, 0);
  g_assert_cmpint (utime (other, &old), ==, 0);
  kyso_pending_set_expires_at (pending, g_get_real_time () - 10 * G_USEC_PER_SEC);
  g_assert_true (kyso_pending_save (pending, NULL));
  g_assert_cmpuint (kyso_signing_job_prune (f->pending, 5), ==, 1);
  g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (f->pending), ==, 2);
}

/* Every record expires, even one written without a deadline. */
static void
test_default_expiry (Fixture *f, gconstpointer data)
{
  g_autoptr (KysoPending) p = kyso_pending_new (f->pending, "neac");
  gint64 now = g_get_real_time ();

  g_assert_cmpint (kyso_pending_get_expires_at (p), >, now);
  g_assert_cmpint (kyso_pending_get_expires_at (p), <=,
                   now + (KYSO_PENDING_DEFAULT_LIFETIME_SECONDS + 1) * G_USEC_PER_SEC);
  g_assert_false (kyso_pending_is_expired (p, now));
  g_assert_true (
    kyso_pending_is_expired (p, now + (KYSO_PENDING_DEFAULT_LIFETIME_SECONDS + 5) * G_USEC_PER_SEC));
}

static void
test_factory (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr (KysoProfileAccount) account = kyso_profile_account_new ("VNPT-CA", AN);
  g_autoptr (KysoSigner) p12 = kyso_test_signer ();
  g_autoptr (KysoSigner) neac = NULL;
  g_autoptr (GError) error = NULL;
  KysoSigner *none;

  neac = kyso_signer_factory_new_for_account (s->config, account, &error);
  g_assert_no_error (error);
  g_assert_true (KYSO_IS_NEAC_SIGNER (neac));
  g_assert_cmpstr (kyso_signer_factory_get_kind (neac), ==, "neac");
  g_assert_null (kyso_signer_factory_get_kind (p12));
  g_assert_false (kyso_signer_factory_set_pending (p12, NULL));
  kyso_profile_account_set_kind (account, "token");
  none = kyso_signer_factory_new_for_account (s->config, account, &error);
  g_assert_null (none);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
#define ADD(name, func)                                                                                      \
  g_test_add ("/signing-job/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("local/two-files", test_local_two_files);
  ADD ("local/errors", test_local_errors);
  ADD ("neac/one-approval", test_neac_one_approval);
  ADD ("csc/by-account-kind", test_csc_by_account_kind);
  ADD ("neac/cancel-then-resume", test_cancel_then_resume);
  ADD ("neac/resume-changed-copy", test_resume_changed_copy);
  ADD ("neac/refused-forgets", test_refused_forgets);
  ADD ("neac/abort", test_abort);
  ADD ("prune", test_prune);
  ADD ("default-expiry", test_default_expiry);
#undef ADD
  g_test_add_func ("/signing-job/factory", test_factory);
  status = g_test_run ();
  signing_sandbox_stop ();
  return status;
}
