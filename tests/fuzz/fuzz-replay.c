/* Runs the fuzz harness once over every file given (files or folders, recursively): the corpus
 * and any crash reproducers, in normal and sanitizer builds alike. Without arguments it uses
 * $KYSO_CORPUS_DIR. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static guint n_files;

static void
run_path (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          run_path (child);
        }
      return;
    }
  {
    g_autofree char *data = NULL;
    gsize len;

    if (!g_file_get_contents (path, &data, &len, NULL))
      return;
    LLVMFuzzerTestOneInput ((const uint8_t *)data, len);
    n_files++;
  }
}

int
main (int argc, char **argv)
{
  const char *corpus = g_getenv ("KYSO_CORPUS_DIR");

  /* TAP, so that meson counts it like the other tests. */
  printf ("1..1\n");
  if (argc > 1)
    for (int i = 1; i < argc; i++)
      run_path (argv[i]);
  else if (corpus != NULL && g_file_test (corpus, G_FILE_TEST_IS_DIR))
    run_path (corpus);
  else
    {
      printf ("ok 1 # SKIP no corpus\n");
      return 0;
    }
  printf ("ok 1 - %u inputs read without a crash\n", n_files);
  return n_files > 0 ? 0 : 1;
}
