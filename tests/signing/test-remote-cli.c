/* `kyso-cli sign --neac | --csc` end to end against kyso-sandbox: whole PDFs, checked with pdfsig
 * trusting the sandbox root; each outcome's exit status and no output on failure; a signing
 * process killed while it waits and resumed without a second request to the phone; no secret in
 * what it prints, even with G_MESSAGES_DEBUG=all. */
#include "kyso-error.h"
#include "kyso-pending.h"
#include "signing-test-util.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#define AN "051090000101"

typedef struct
{
  char *dir;
  char *in;
  char *out;
  char *nssdb;
} Files;

static char *tmp_root;
static char *nssdb;
/* The citizen's ID number is read from a file, never given on the command line. */
static char *an_file;
static char *bad_file;

/* A one-page PDF with a classic xref table, written byte by byte. */
static void
write_pdf (const char *path)
{
  static const char *objs[] = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
    "/Resources << /Font << /F1 5 0 R >> >> >>",
    NULL,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  };
  const char *content = "BT /F1 14 Tf 72 760 Td (Don de nghi - ky so thu nghiem) Tj ET";
  g_autoptr(GString) pdf = g_string_new ("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
  gsize offsets[G_N_ELEMENTS (objs)];
  gsize xref;

  for (guint i = 0; i < G_N_ELEMENTS (objs); i++)
    {
      offsets[i] = pdf->len;
      if (objs[i] == NULL)
        g_string_append_printf (pdf, "%u 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n", i + 1,
                                strlen (content), content);
      else
        g_string_append_printf (pdf, "%u 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
  xref = pdf->len;
  g_string_append_printf (pdf, "xref\n0 %zu\n0000000000 65535 f \n", G_N_ELEMENTS (objs) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (objs); i++)
    g_string_append_printf (pdf, "%010zu 00000 n \n", offsets[i]);
  g_string_append_printf (pdf, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                          G_N_ELEMENTS (objs) + 1, xref);
  g_assert_true (g_file_set_contents (path, pdf->str, (gssize)pdf->len, NULL));
}

static int
run_sync (char **out, char **err, const char *const *argv)
{
  g_autoptr(GSubprocessLauncher) l
             = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_setenv (l, "G_MESSAGES_DEBUG", "all", TRUE);
  p = g_subprocess_launcher_spawnv (l, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (p) ? g_subprocess_get_exit_status (p) : -1;
}

/* Makes the NSS database pdfsig trusts the sandbox root in (once per program). */
static void
ensure_nssdb (SigningSandbox *s)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (nssdb != NULL)
    return;
  nssdb = g_build_filename (tmp_root, "nssdb", NULL);
  g_assert_cmpint (g_mkdir_with_parents (nssdb, 0700), ==, 0);
  {
    g_autofree char *db = g_strconcat ("sql:", nssdb, NULL);
    const char *create[] = { "certutil", "-N", "-d", db, "--empty-password", NULL };
    const char *add[]
      = { "certutil", "-A", "-d", db, "-n", "kyso-sandbox-root", "-t", "CT,C,C", "-i", s->sb->ca_file, NULL };
    g_assert_cmpint (run_sync (&out, &err, create), ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_sync (&out, &err, add), ==, 0);
  }
}

static void
assert_pdfsig_valid (SigningSandbox *s, const char *path, const char *signer_cn)
{
  g_autofree char *db = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  ensure_nssdb (s);
  db = g_strconcat ("sql:", nssdb, NULL);
  {
    const char *argv[] = { "pdfsig", "-nssdir", db, path, NULL };
    run_sync (&out, &err, argv);
  }
  if (strstr (out, "Signature Validation: Signature is Valid.") == NULL
      || strstr (out, "Certificate Validation: Certificate is Trusted.") == NULL
      || strstr (out, "Total document signed") == NULL || strstr (out, signer_cn) == NULL
      || strstr (out, "ETSI.CAdES.detached") == NULL)
    g_error ("pdfsig does not accept %s:\n%s%s", path, out, err);
}

static Files *
files_new (const char *name)
{
  Files *f = g_new0 (Files, 1);

  f->dir = g_build_filename (tmp_root, name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->dir, 0700), ==, 0);
  f->in = g_build_filename (f->dir, "don-de-nghi.pdf", NULL);
  f->out = g_build_filename (f->dir, "don-de-nghi-signed.pdf", NULL);
  write_pdf (f->in);
  return f;
}

static void
files_free (Files *f)
{
  g_free (f->dir);
  g_free (f->in);
  g_free (f->out);
  g_free (f);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Files, files_free)

/* Nothing at OUT, and nothing else left next to it: only the input. */
static void
assert_no_output (Files *f)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  g_assert_false (g_file_test (f->out, G_FILE_TEST_EXISTS));
  while ((name = g_dir_read_name (d)) != NULL)
    g_assert_cmpstr (name, ==, "don-de-nghi.pdf");
}

static guint
count_pending (void)
{
  g_autoptr(GPtrArray) list = kyso_pending_list (NULL, NULL);

  return list ? list->len : 0;
}

/* What kyso-cli prints must not hold a secret of the sandbox. */
static void
assert_no_secret (SigningSandbox *s, const char *text)
{
  JsonArray *citizens = json_object_get_array_member (s->sb->info, "citizens");

  g_assert_null (strstr (text, signing_sandbox_get_string (s, "sp_password")));
  g_assert_null (strstr (text, "sp_password"));
  g_assert_null (strstr (text, "access_token"));
  g_assert_null (strstr (text, "Bearer"));
  for (guint i = 0; i < json_array_get_length (citizens); i++)
    g_assert_null (
      strstr (text, json_object_get_string_member (json_array_get_object_element (citizens, i), "password")));
}

/* kyso-cli --config <sandbox> sign IN OUT ARGS… with G_MESSAGES_DEBUG=all. */
static int
sign_cli (SigningSandbox *s, Files *f, char **out, char **err, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *o = NULL;
  g_autofree char *e = NULL;
  va_list ap;
  int status;

  g_ptr_array_add (argv, (gpointer)g_getenv ("KYSO_CLI"));
  g_ptr_array_add (argv, (gpointer) "--config");
  g_ptr_array_add (argv, s->sb->config_file);
  g_ptr_array_add (argv, (gpointer) "sign");
  g_ptr_array_add (argv, f->in);
  g_ptr_array_add (argv, f->out);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer)a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  status = run_sync (&o, &e, (const char *const *)argv->pdata);
  g_test_message ("kyso-cli sign … → %d\n%s%s", status, o, e);
  assert_no_secret (s, o);
  assert_no_secret (s, e);
  if (out != NULL)
    *out = g_steal_pointer (&o);
  if (err != NULL)
    *err = g_steal_pointer (&e);
  return status;
}

static void
test_neac_approved (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(Files) f = files_new ("neac-approved");
  g_autofree char *out = NULL;
  g_autoptr(JsonObject) txn = NULL;
  g_autofree char *code_line = NULL;
  guint before;

  signing_sandbox_reset (s, "approve-after=1", 300);
  before = signing_sandbox_count_transactions (s);
  g_assert_cmpint (sign_cli (s, f, &out, NULL, "--neac", "--account-file", an_file, "--provider", "VNPT-CA",
                             "--tsa", kyso_test_sandbox_get_url (s->sb, "tsa"), NULL),
                   ==, 0);
  /* It said which app to open and the code the phone shows. */
  txn = signing_sandbox_latest_transaction (s);
  /* The code printed is exactly the doc_id the gateway received. */
  code_line
    = g_strdup_printf ("Document code: %s — check that your phone shows this code for this document.",
                       json_array_get_string_element (json_object_get_array_member (txn, "documents"), 0));
  g_assert_nonnull (strstr (out, "VNPT-CA"));
  g_assert_nonnull (strstr (out, code_line));
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + 1);
  assert_pdfsig_valid (s, f->out, "Nguyễn Văn An");
  g_assert_cmpuint (count_pending (), ==, 0);
}

static void
test_csc_approved (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(Files) f = files_new ("csc-approved");
  const char *cred = json_object_get_string_member (signing_sandbox_citizen (s, AN), "credential_id");

  signing_sandbox_reset (s, "approve-after=1", 300);
  g_assert_cmpint (sign_cli (s, f, NULL, NULL, "--csc", "--account-file", an_file, "--credential", cred,
                             "--provider", "VNPT-CA", NULL),
                   ==, 0);
  assert_pdfsig_valid (s, f->out, "Nguyễn Văn An");
  g_assert_cmpuint (count_pending (), ==, 0);
}

/* Exit status and nothing left behind, for each outcome that is not a signature. */
static void
expect_failure (const char *name, const char *policy, guint expiry, const char *fault, int status,
                gboolean csc)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(Files) f = files_new (name);
  const char *cred = json_object_get_string_member (signing_sandbox_citizen (s, AN), "credential_id");
  g_autofree char *err = NULL;

  signing_sandbox_reset (s, policy, expiry);
  if (fault != NULL)
    signing_sandbox_fault (s, fault);
  if (csc)
    g_assert_cmpint (
      sign_cli (s, f, NULL, &err, "--csc", "--account-file", an_file, "--credential", cred, NULL), ==,
      status);
  else
    g_assert_cmpint (
      sign_cli (s, f, NULL, &err, "--neac", "--account-file", an_file, "--provider", "VNPT-CA", NULL), ==,
      status);
  g_assert_nonnull (strstr (err, "kyso-cli: "));
  assert_no_output (f);
  g_assert_cmpuint (count_pending (), ==, 0);
  signing_sandbox_reset (s, "ignore", 300);
}

static void
test_outcomes (void)
{
  expect_failure ("refused", "refuse-after=1", 300, NULL, 4, FALSE);
  expect_failure ("expired", "ignore", 3, NULL, 5, FALSE);
  expect_failure ("badsig", "approve", 300, "badsig", 6, FALSE);
  expect_failure ("http500-always", "approve", 300, "http500-always", 6, FALSE);
  expect_failure ("expired-cert", "approve", 300, "expired-cert", 6, FALSE);
  expect_failure ("csc-refused", "refuse-after=1", 300, NULL, 4, TRUE);
  expect_failure ("csc-expired", "ignore", 3, NULL, 5, TRUE);
  expect_failure ("csc-badsig", "approve", 300, "badsig", 6, TRUE);
}

static void
test_usage (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(Files) f = files_new ("usage");

  g_assert_cmpint (sign_cli (s, f, NULL, NULL, "--neac", NULL), ==, 2);
  g_assert_cmpint (sign_cli (s, f, NULL, NULL, "--neac", "--csc", "--account-file", an_file, NULL), ==, 2);
  g_assert_cmpint (sign_cli (s, f, NULL, NULL, "--csc", "--account-file", an_file, NULL), ==, 2);
  g_assert_cmpint (sign_cli (s, f, NULL, NULL, "--neac", "--account-file", an_file, "--p12", "x.p12", NULL),
                   ==, 2);
  g_assert_cmpint (sign_cli (s, f, NULL, NULL, "--neac", "--account-file", bad_file, NULL), ==, 2);
  /* Nothing to resume. */
  g_assert_cmpint (sign_cli (s, f, NULL, NULL, "--neac", "--account-file", an_file, "--resume", NULL), ==, 3);
  assert_no_output (f);
}

static void
test_wrong_ca (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(Files) f = files_new ("wrong-ca");
  g_autoptr(KysoConfig) config = kyso_config_load (s->sb->config_file, NULL);
  g_autofree char *conf = g_build_filename (f->dir, "..", "wrong-ca.conf", NULL);
  JsonArray *providers = json_object_get_array_member (s->sb->info, "providers");
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { g_getenv ("KYSO_CLI"), "--config", conf, "sign", f->in, f->out, "--neac",
                         "--account-file",      an_file,    NULL };

  kyso_config_set (config, "tls", "ca_file",
                   json_object_get_string_member (json_array_get_object_element (providers, 0), "ca_file"));
  g_assert_true (kyso_config_save (config, conf, &error));
  signing_sandbox_reset (s, "approve", 300);
  g_assert_cmpint (run_sync (NULL, &err, argv), ==, 6);
  g_assert_nonnull (strstr (err, "could not be verified"));
  assert_no_output (f);
}

static gboolean
wait_for_sent (guint timeout_ms)
{
  for (guint waited = 0; waited < timeout_ms; waited += 100)
    {
      g_autoptr(GPtrArray) list = kyso_pending_list (NULL, NULL);
      for (guint i = 0; list != NULL && i < list->len; i++)
        if (kyso_pending_get_state (g_ptr_array_index (list, i)) == KYSO_PENDING_SENT)
          return TRUE;
      g_usleep (100 * 1000);
    }
  return FALSE;
}

static GSubprocess *
spawn_sign (SigningSandbox *s, Files *f, const char *const *extra)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *p;

  g_ptr_array_add (argv, (gpointer)g_getenv ("KYSO_CLI"));
  g_ptr_array_add (argv, (gpointer) "--config");
  g_ptr_array_add (argv, s->sb->config_file);
  g_ptr_array_add (argv, (gpointer) "sign");
  g_ptr_array_add (argv, f->in);
  g_ptr_array_add (argv, f->out);
  for (guint i = 0; extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)extra[i]);
  g_ptr_array_add (argv, NULL);
  p = g_subprocess_newv ((const char *const *)argv->pdata,
                         G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  return p;
}

/* The process dies (SIGKILL) while the phone is asked; the citizen approves meanwhile; the next
 * run with --resume completes the file from the same transaction. */
static void
test_killed_then_resumed (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(Files) f = files_new ("killed");
  const char *extra[] = { "--neac", "--account-file", an_file, "--provider", "VNPT-CA", NULL };
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(JsonObject) txn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  guint before;

  signing_sandbox_reset (s, "ignore", 300);
  before = signing_sandbox_count_transactions (s);
  p = spawn_sign (s, f, extra);
  g_assert_true (wait_for_sent (20000));
  g_subprocess_force_exit (p);
  g_subprocess_wait (p, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_exited (p));
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + 1);
  g_assert_false (g_file_test (f->out, G_FILE_TEST_EXISTS));
  /* What was left on disk: no password, and not the citizen's ID number. */
  {
    g_autoptr(GPtrArray) list = kyso_pending_list (NULL, NULL);
    g_autofree char *path = NULL;
    g_autofree char *text = NULL;

    g_assert_cmpuint (list->len, ==, 1);
    path = g_strdup_printf ("%s/%s.json", kyso_pending_get_dir (g_ptr_array_index (list, 0)),
                            kyso_pending_get_id (g_ptr_array_index (list, 0)));
    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    assert_no_secret (s, text);
    g_assert_null (strstr (text, AN));
  }

  /* Meanwhile, on the phone. */
  txn = signing_sandbox_latest_transaction (s);
  g_assert_cmpstr (json_object_get_string_member (txn, "state"), ==, "pending");
  signing_sandbox_phone (s, json_object_get_string_member (txn, "id"), "approve");

  /* Without --resume, no second request: it says how to continue. */
  g_assert_cmpint (
    sign_cli (s, f, NULL, &err, "--neac", "--account-file", an_file, "--provider", "VNPT-CA", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--resume"));
  g_assert_false (g_file_test (f->out, G_FILE_TEST_EXISTS));

  g_assert_cmpint (sign_cli (s, f, NULL, NULL, "--neac", "--account-file", an_file, "--provider", "VNPT-CA",
                             "--resume", NULL),
                   ==, 0);
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + 1);
  assert_pdfsig_valid (s, f->out, "Nguyễn Văn An");
  g_assert_cmpuint (count_pending (), ==, 0);
}

/* SIGTERM while waiting (CSC, asynchronous): stops cleanly, keeps the request, resumes later. */
static void
test_terminated_then_resumed (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(Files) f = files_new ("terminated");
  const char *cred = json_object_get_string_member (signing_sandbox_citizen (s, AN), "credential_id");
  const char *extra[] = { "--csc", "--account-file", an_file, "--credential", cred, NULL };
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(JsonObject) txn = NULL;
  g_autoptr(GError) error = NULL;
  guint before;

  signing_sandbox_reset (s, "ignore", 300);
  before = signing_sandbox_count_transactions (s);
  p = spawn_sign (s, f, extra);
  g_assert_true (wait_for_sent (20000));
  g_subprocess_send_signal (p, SIGTERM);
  g_subprocess_wait (p, NULL, &error);
  g_assert_true (g_subprocess_get_if_exited (p));
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 6);
  g_assert_cmpuint (count_pending (), ==, 1);
  g_assert_false (g_file_test (f->out, G_FILE_TEST_EXISTS));

  txn = signing_sandbox_latest_transaction (s);
  signing_sandbox_phone (s, json_object_get_string_member (txn, "id"), "approve");
  g_assert_cmpint (
    sign_cli (s, f, NULL, NULL, "--csc", "--account-file", an_file, "--credential", cred, "--resume", NULL),
    ==, 0);
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + 1);
  assert_pdfsig_valid (s, f->out, "Nguyễn Văn An");
  g_assert_cmpuint (count_pending (), ==, 0);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* Temporary files inside the wrapper's folder, which it removes. */
  if (g_getenv ("KYSO_TEST_TMPDIR") != NULL)
    g_setenv ("TMPDIR", g_getenv ("KYSO_TEST_TMPDIR"), TRUE);
  if (g_getenv ("KYSO_CLI") == NULL)
    {
      g_printerr ("KYSO_CLI is not set\n");
      return 77;
    }
  tmp_root = g_dir_make_tmp ("kyso-remote-cli-XXXXXX", NULL);
  an_file = g_build_filename (tmp_root, "account.txt", NULL);
  bad_file = g_build_filename (tmp_root, "bad-account.txt", NULL);
  g_assert_true (g_file_set_contents (an_file, AN "\n", -1, NULL));
  g_assert_true (g_file_set_contents (bad_file, "12ab", -1, NULL));
  g_test_add_func ("/remote-cli/neac/approved", test_neac_approved);
  g_test_add_func ("/remote-cli/csc/approved", test_csc_approved);
  g_test_add_func ("/remote-cli/outcomes", test_outcomes);
  g_test_add_func ("/remote-cli/usage", test_usage);
  g_test_add_func ("/remote-cli/wrong-ca", test_wrong_ca);
  g_test_add_func ("/remote-cli/resume/killed", test_killed_then_resumed);
  g_test_add_func ("/remote-cli/resume/terminated", test_terminated_then_resumed);
  status = g_test_run ();
  signing_sandbox_stop ();
  g_free (nssdb);
  g_free (an_file);
  g_free (bad_file);
  g_free (tmp_root);
  return status;
}
