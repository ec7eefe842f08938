/* .doc (and any document LibreOffice reads) to PDF, with LibreOffice headless, on consent. */
#include "config.h"

#include "kyso-office-convert.h"
#include "kyso-error.h"
#include "kyso-util.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

gboolean
kyso_office_is_legacy_document (const char *path)
{
  static const guint8 ole2[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };
  guint8 head[8] = { 0 };
  FILE *f = g_fopen (path, "rb");
  size_t n = 0;

  if (f == NULL)
    return FALSE;
  n = fread (head, 1, sizeof head, f);
  fclose (f);
  return n == sizeof head && memcmp (head, ole2, sizeof head) == 0;
}

char *
kyso_office_find_converter (void)
{
  const char *names[] = { "soffice", "libreoffice" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      char *path = g_find_program_in_path (names[i]);

      if (path != NULL)
        return path;
    }
  return NULL;
}

static gboolean
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_file_test (path, G_FILE_TEST_IS_DIR) ? g_dir_open (path, 0, NULL) : NULL;
  const char *name = NULL;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  return g_remove (path) == 0;
}

static char *
output_name (const char *input_path)
{
  g_autofree char *base = g_path_get_basename (input_path);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_strconcat (base, ".pdf", NULL);
}

gboolean
kyso_office_convert_to_pdf (const char *input_path, const char *output_path, gboolean citizen_agreed,
                            GCancellable *cancellable, GError **error)
{
  g_autofree char *soffice = NULL;
  g_autofree char *work = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *profile_uri = NULL;
  g_autofree char *env_arg = NULL;
  g_autofree char *outdir = NULL;
  g_autofree char *produced = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *data = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (KysoAtomicFile) out = NULL;
  gint64 deadline = 0;
  gsize len = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (input_path != NULL && output_path != NULL, FALSE);
  if (!citizen_agreed)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _ ("Kyso converts a document to PDF only when you agree to it."));
      return FALSE;
    }
  soffice = kyso_office_find_converter ();
  if (soffice == NULL)
    {
      g_set_error_literal (
        error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
        _ ("This document is in the old Word format, which cannot be signed as it is, and "
           "LibreOffice is not installed to convert it to PDF. Save it as PDF or DOCX in Word "
           "and attach that file."));
      return FALSE;
    }
  if (!g_file_test (input_path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *shown = g_filename_display_name (input_path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _ ("Cannot open “%s”."), shown);
      return FALSE;
    }
  work = g_dir_make_tmp ("kyso-convert-XXXXXX", error);
  if (work == NULL)
    return FALSE;
  profile = g_build_filename (work, "profile", NULL);
  outdir = g_build_filename (work, "out", NULL);
  profile_uri = g_filename_to_uri (profile, NULL, NULL);
  env_arg = g_strdup_printf ("-env:UserInstallation=%s", profile_uri);
  /* A .doc is read as one: LibreOffice would otherwise take a damaged one for plain text. */
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, error,
                           soffice, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
                           "--nolockcheck", env_arg,
                           kyso_office_is_legacy_document (input_path) ? "--infilter=MS Word 97" : "--nologo",
                           "--convert-to", "pdf", "--outdir", outdir, input_path, NULL);
  if (proc == NULL)
    goto done;
  deadline = g_get_monotonic_time () + (gint64)KYSO_OFFICE_CONVERT_TIMEOUT * G_USEC_PER_SEC;
  /* GLib reaps the child on its worker thread; the identifier goes once it has. */
  while (g_subprocess_get_identifier (proc) != NULL)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          g_subprocess_force_exit (proc);
          goto done;
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_subprocess_force_exit (proc);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                               _ ("LibreOffice took too long to convert the document."));
          goto done;
        }
      g_usleep (50 * 1000);
    }
  produced = output_name (input_path);
  pdf = g_build_filename (outdir, produced, NULL);
  if (!g_subprocess_get_successful (proc) || !g_file_get_contents (pdf, &data, &len, NULL) || len < 5
      || memcmp (data, "%PDF-", 5) != 0)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                           _ ("LibreOffice could not convert this document to PDF; it may be damaged."));
      goto done;
    }
  out = kyso_atomic_file_new (output_path, error);
  if (out == NULL || !kyso_write_all (kyso_atomic_file_get_fd (out), data, len, error)
      || !kyso_atomic_file_commit (out, error))
    goto done;
  ok = TRUE;

done:
  remove_tree (work);
  return ok;
}

typedef struct
{
  char *input;
  char *output;
  gboolean agreed;
} ConvertData;

static void
convert_data_free (ConvertData *d)
{
  g_free (d->input);
  g_free (d->output);
  g_free (d);
}

static void
convert_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ConvertData *d = data;
  GError *error = NULL;

  if (kyso_office_convert_to_pdf (d->input, d->output, d->agreed, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
kyso_office_convert_to_pdf_async (const char *input_path, const char *output_path, gboolean citizen_agreed,
                                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ConvertData *d = g_new0 (ConvertData, 1);

  d->input = g_strdup (input_path);
  d->output = g_strdup (output_path);
  d->agreed = citizen_agreed;
  g_task_set_source_tag (task, kyso_office_convert_to_pdf_async);
  g_task_set_task_data (task, d, (GDestroyNotify)convert_data_free);
  g_task_run_in_thread (task, convert_thread);
}

gboolean
kyso_office_convert_to_pdf_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_office_convert_to_pdf_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
