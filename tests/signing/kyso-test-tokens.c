#include "config.h"

#include "kyso-test-tokens.h"
#include "kyso-test-pdf.h"

#include <glib/gstdio.h>

static char *tokens_dir;
static char *reader_path;
static char *state_dir;

const char *
kyso_test_tokens_make (void)
{
  g_autofree char *script = NULL;
  g_autofree char *import = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *target = NULL;
  g_autofree char *err = NULL;
  const char *tmp = g_getenv ("KYSO_TEST_TMPDIR");

  if (tokens_dir != NULL)
    return tokens_dir;
  script = g_test_build_filename (G_TEST_DIST, "signing", "make-test-tokens.sh", NULL);
  import = g_test_build_filename (G_TEST_BUILT, "signing", "kyso-test-token-import", NULL);
  tokens_dir = g_build_filename (tmp != NULL ? tmp : g_get_tmp_dir (), "tokens", NULL);
  if (kyso_test_run (NULL, &err, "sh", script, tokens_dir, kyso_test_pki_dir (), import, NULL) != 0)
    g_error ("make-test-tokens.sh: %s", err);
  conf = g_build_filename (tokens_dir, "softhsm2.conf", NULL);
  g_setenv ("SOFTHSM2_CONF", conf, TRUE);
  if (kyso_test_run (&target, NULL, import, "--module-path", NULL) != 0)
    g_error ("SoftHSM2 is not registered with p11-kit");
  g_setenv ("KYSO_TEST_P11_TARGET", g_strstrip (target), TRUE);
  reader_path = g_test_build_filename (G_TEST_BUILT, "signing", "kyso-test-p11-reader.so", NULL);
  /* Set once, before any thread: the reader module reads it on every call. */
  state_dir = g_build_filename (tokens_dir, "reader-state", NULL);
  g_assert_cmpint (g_mkdir_with_parents (state_dir, 0700), ==, 0);
  g_setenv ("KYSO_TEST_P11_STATE", state_dir, TRUE);
  return tokens_dir;
}

const char *
kyso_test_tokens_reader_path (void)
{
  kyso_test_tokens_make ();
  return reader_path;
}

void
kyso_test_tokens_reader_state (const char *label, const char *what, const char *contents)
{
  g_autofree char *name = g_strdup_printf ("%s.%s", label, what);
  g_autofree char *path = NULL;

  kyso_test_tokens_make ();
  path = g_build_filename (state_dir, name, NULL);
  if (contents == NULL)
    g_unlink (path);
  else
    g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

void
kyso_test_tokens_reader_reset (void)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  kyso_test_tokens_make ();
  dir = g_dir_open (state_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (state_dir, name, NULL);
      g_unlink (path);
    }
}

static gint signers_alive;

static void
signer_gone (gpointer data)
{
  g_atomic_int_dec_and_test (&signers_alive);
}

void
kyso_test_tokens_wait_signers (void)
{
  for (guint i = 0; g_atomic_int_get (&signers_alive) > 0; i++)
    {
      g_assert_cmpuint (i, <, 10000);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

gpointer
kyso_test_tokens_track (gpointer signer)
{
  g_assert_true (G_IS_OBJECT (signer));
  /* Made already, but nothing loaded yet: modules load on the first listing or signing. */
  kyso_test_tokens_wait_signers ();
  g_atomic_int_inc (&signers_alive);
  /* Qdata goes after the signer's own finalize has released its modules. */
  g_object_set_data_full (G_OBJECT (signer), "kyso-test-alive", signer, signer_gone);
  return signer;
}
