/* kyso: the GTK front end. */
#include "config.h"

#include "kyso-application.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

int
main (int argc, char **argv)
{
  g_autoptr(KysoApplication) app = NULL;
  /* Same as kyso-cli: a build tree (and the tests) point KYSO_LOCALEDIR at its own .mo files. */
  const char *localedir = g_getenv ("KYSO_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = kyso_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
