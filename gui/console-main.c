/* console-main.c — vipd-console's entry point. */
#include <glib/gi18n.h>
#include <locale.h>

#include "console-app.h"
#include "vipd-build-config.h"

int
main (int argc, char **argv)
{
  g_autoptr (ConsoleApp) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, VIPD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  app = console_app_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
