/* Starting and stopping kyso-sandbox from GLib tests (see kyso-sandbox-test.h). */

#include "kyso-sandbox-test.h"

#include <glib/gstdio.h>
#include <signal.h>

const char *
kyso_test_sandbox_exe (void)
{
  const char *exe = g_getenv ("KYSO_SANDBOX");
  return exe != NULL ? exe : KYSO_SANDBOX_EXE;
}

const char *
kyso_test_sandbox_phone_exe (void)
{
  const char *exe = g_getenv ("KYSO_SANDBOX_PHONE");
  return exe != NULL ? exe : KYSO_SANDBOX_PHONE_EXE;
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  if (dir != NULL)
    g_dir_close (dir);
  g_rmdir (path);
}

static char *template_dir;

static void
remove_template (void)
{
  if (template_dir != NULL && !g_str_equal (template_dir, KYSO_SANDBOX_SEED_DIR))
    remove_tree (template_dir);
  g_clear_pointer (&template_dir, g_free);
}

static gboolean
run_sync (const char *const *argv, GError **error)
{
  int status = 0;
  g_autofree char *err = NULL;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, &err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "%s: %s", argv[0], err != NULL ? err : "");
      return FALSE;
    }
  return TRUE;
}

/* Keys take seconds to make; do it once per test program and copy the result. */
static gboolean
seed (const char *dir, GError **error)
{
  g_autofree char *state = g_build_filename (dir, "state.json", NULL);
  g_autofree char *src = NULL;

  if (g_file_test (state, G_FILE_TEST_EXISTS))
    return TRUE;
  /* The seed the build made, else a template made once by this program. */
  if (template_dir == NULL)
    {
      g_autofree char *seed_state = g_build_filename (KYSO_SANDBOX_SEED_DIR, "state.json", NULL);
      if (g_getenv ("KYSO_SANDBOX") == NULL && g_file_test (seed_state, G_FILE_TEST_EXISTS))
        template_dir = g_strdup (KYSO_SANDBOX_SEED_DIR);
    }
  if (template_dir == NULL)
    {
      g_autofree char *tmp = g_dir_make_tmp ("kyso-sandbox-template-XXXXXX", error);
      const char *init[] = { kyso_test_sandbox_exe (), "--init", "--state", tmp, NULL };
      if (tmp == NULL || !run_sync (init, error))
        {
          if (tmp != NULL)
            remove_tree (tmp);
          return FALSE;
        }
      template_dir = g_steal_pointer (&tmp);
      atexit (remove_template);
    }
  src = g_build_filename (template_dir, ".", NULL);
  {
    const char *cp[] = { "cp", "-a", src, dir, NULL };
    return run_sync (cp, error);
  }
}

static void
free_sandbox (KysoTestSandbox *sb)
{
  g_clear_object (&sb->process);
  g_clear_pointer (&sb->info_node, json_node_unref);
  g_free (sb->dir);
  g_free (sb->base_url);
  g_free (sb->http_base_url);
  g_free (sb->ca_file);
  g_free (sb->config_file);
  g_free (sb);
}

KysoTestSandbox *
kyso_test_sandbox_start_in (const char *dir, const char *const *extra_args, GError **error)
{
  KysoTestSandbox *sb = g_new0 (KysoTestSandbox, 1);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *ready = NULL;
  g_autofree char *log = NULL;
  g_autofree char *info_path = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  gint64 deadline;

  sb->dir = g_strdup (dir);
  sb->keep_dir = TRUE;
  ready = g_build_filename (dir, "ready", NULL);
  log = g_build_filename (dir, "sandbox.log", NULL);
  g_mkdir_with_parents (dir, 0700);
  g_unlink (ready);
  if (!seed (dir, error))
    {
      free_sandbox (sb);
      return NULL;
    }
  g_ptr_array_add (argv, (char *)kyso_test_sandbox_exe ());
  g_ptr_array_add (argv, (char *)"--state");
  g_ptr_array_add (argv, (char *)dir);
  g_ptr_array_add (argv, (char *)"--ready-file");
  g_ptr_array_add (argv, ready);
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)extra_args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  /* Under ASan the server runs without leak detection: GCC 12's LeakSanitizer crashes scanning the
   * thread-local storage of glib-networking's dlopen'ed GnuTLS module once a TLS handshake ran.
   * Address and UB errors still abort it (and fail kyso_test_sandbox_stop_check). */
  {
    const char *asan = g_getenv ("ASAN_OPTIONS");
    g_autofree char *value
      = g_strconcat (asan != NULL ? asan : "", asan != NULL ? ":" : "", "detect_leaks=0", NULL);
    g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", value, TRUE);
  }
  sb->process = g_subprocess_launcher_spawnv (launcher, (const char *const *)argv->pdata, error);
  if (sb->process == NULL)
    {
      free_sandbox (sb);
      return NULL;
    }

  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!g_file_test (ready, G_FILE_TEST_EXISTS))
    {
      if (g_subprocess_get_identifier (sb->process) == NULL || g_get_monotonic_time () > deadline)
        {
          g_autofree char *text = NULL;
          g_file_get_contents (log, &text, NULL, NULL);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "kyso-sandbox did not start: %s",
                       text != NULL ? text : "(no log)");
          g_subprocess_force_exit (sb->process);
          g_subprocess_wait (sb->process, NULL, NULL);
          free_sandbox (sb);
          return NULL;
        }
      g_usleep (10000);
    }

  info_path = g_build_filename (dir, "sandbox.json", NULL);
  if (!json_parser_load_from_mapped_file (parser, info_path, error))
    {
      kyso_test_sandbox_stop (sb);
      return NULL;
    }
  sb->info_node = json_node_ref (json_parser_get_root (parser));
  sb->info = json_node_get_object (sb->info_node);
  sb->base_url = g_strdup (json_object_get_string_member (sb->info, "base_url"));
  sb->http_base_url = g_strdup (json_object_get_string_member (sb->info, "http_base_url"));
  sb->ca_file = g_strdup (json_object_get_string_member (sb->info, "ca_file"));
  sb->config_file = g_build_filename (dir, "kyso.conf", NULL);
  return sb;
}

KysoTestSandbox *
kyso_test_sandbox_start (const char *const *extra_args, GError **error)
{
  g_autofree char *dir = g_dir_make_tmp ("kyso-sandbox-XXXXXX", error);
  KysoTestSandbox *sb;

  if (dir == NULL)
    return NULL;
  sb = kyso_test_sandbox_start_in (dir, extra_args, error);
  if (sb == NULL)
    remove_tree (dir);
  else
    sb->keep_dir = FALSE;
  return sb;
}

const char *
kyso_test_sandbox_get_url (KysoTestSandbox *sb, const char *name)
{
  JsonObject *urls = json_object_get_object_member (sb->info, "urls");
  return json_object_get_string_member_with_default (urls, name, NULL);
}

JsonObject *
kyso_test_sandbox_get_citizen (KysoTestSandbox *sb, const char *cccd_or_status)
{
  JsonArray *citizens = json_object_get_array_member (sb->info, "citizens");

  for (guint i = 0; i < json_array_get_length (citizens); i++)
    {
      JsonObject *c = json_array_get_object_element (citizens, i);
      if (g_strcmp0 (json_object_get_string_member (c, "cccd"), cccd_or_status) == 0
          || g_strcmp0 (json_object_get_string_member (c, "status"), cccd_or_status) == 0)
        return c;
    }
  return NULL;
}

gboolean
kyso_test_sandbox_stop_check (KysoTestSandbox *sb, GError **error)
{
  gboolean ok = TRUE;

  if (sb == NULL)
    return TRUE;
  if (sb->process != NULL)
    {
      g_subprocess_send_signal (sb->process, SIGTERM);
      ok = g_subprocess_wait_check (sb->process, NULL, error);
      if (!ok)
        {
          g_autofree char *log = g_build_filename (sb->dir, "sandbox.log", NULL);
          g_autofree char *text = NULL;
          g_file_get_contents (log, &text, NULL, NULL);
          g_prefix_error (error, "kyso-sandbox: %s\n", text != NULL ? text : "");
        }
    }
  if (!sb->keep_dir)
    remove_tree (sb->dir);
  free_sandbox (sb);
  return ok;
}

void
kyso_test_sandbox_stop (KysoTestSandbox *sb)
{
  kyso_test_sandbox_stop_check (sb, NULL);
}
