/* script-command.c — see script-command.h. */
#include "track/script-command.h"

#include <string.h>

gboolean
vipd_script_is_inline (const char *command)
{
  const char *p = command;

  while (*p == ' ' || *p == '\t')
    p++;
  if (*p != '/')
    return TRUE; /* a builtin, a keyword or a PATH lookup: the shell knows what to do */
  return strpbrk (p, "\"'\\$`;&|<>(){}[]*?~!#=\n") != NULL;
}

char **
vipd_script_argv (const char *command, const char *const *extra, GError **error)
{
  GStrvBuilder *b;
  char **out;

  if (command == NULL || command[strspn (command, " \t\n")] == '\0')
    {
      g_set_error (error, G_SHELL_ERROR, G_SHELL_ERROR_EMPTY_STRING, "the command is empty");
      return NULL;
    }
  b = g_strv_builder_new ();
  if (vipd_script_is_inline (command))
    {
      /* $0 is the name the script sees; the extra arguments are $1.. as for a file. */
      g_strv_builder_add_many (b, VIPD_SCRIPT_SHELL, "-c", command, "vipd-script", NULL);
    }
  else
    {
      g_auto (GStrv) words = g_strsplit_set (command, " \t", -1);

      for (guint i = 0; words[i]; i++)
        if (words[i][0] != '\0')
          g_strv_builder_add (b, words[i]);
    }
  for (guint i = 0; extra && extra[i]; i++)
    g_strv_builder_add (b, extra[i]);
  out = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return out;
}

char *
vipd_script_program (const char *command)
{
  const char *p = command;
  const char *end;

  if (vipd_script_is_inline (command))
    return g_strdup (VIPD_SCRIPT_SHELL);
  while (*p == ' ' || *p == '\t')
    p++;
  end = p + strcspn (p, " \t");
  return g_strndup (p, (gsize) (end - p));
}
