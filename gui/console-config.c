/* console-config.c — nodes.ini: one [Nodes] group whose Specs key lists the node specs. */
#include "console-config.h"

#include <errno.h>

#include <glib/gstdio.h>

#define GROUP "Nodes"
#define KEY "Specs"

static char *
config_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "vipd-console", "nodes.ini", NULL);
}

char **
console_config_load_nodes (GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = config_path ();
  g_autoptr (GError) local = NULL;
  char **specs;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_KEEP_COMMENTS, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_new0 (char *, 1);
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", path);
      return NULL;
    }
  specs = g_key_file_get_string_list (kf, GROUP, KEY, NULL, NULL);
  return specs ? specs : g_new0 (char *, 1);
}

gboolean
console_config_save_nodes (const char *const *specs, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = config_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int err = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "%s: %s", dir,
                   g_strerror (err));
      return FALSE;
    }
  g_key_file_set_string_list (kf, GROUP, KEY, specs, g_strv_length ((char **)specs));
  return g_key_file_save_to_file (kf, path, error);
}
