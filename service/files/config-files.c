/* config-files.c — the thin filesystem shell around the pure config parser. */
#include "config-files.h"

#include <errno.h>
#include <glob.h>

static GBytes *
file_read (const char *path, GError **error, gpointer user_data)
{
  char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  return g_bytes_new_take (data, len);
}

static GPtrArray *
file_glob (const char *pattern, GError **error, gpointer user_data)
{
  glob_t g = { 0 };
  GPtrArray *out;
  int rc;

  /* glob(3) sorts its results, so includes are read in a stable order. No GLOB_ERR: a
   * directory that does not exist is "no match" (a warning), as in keepalived. */
  rc = glob (pattern, 0, NULL, &g);
  if (rc != 0 && rc != GLOB_NOMATCH)
    {
      int saved = errno;

      globfree (&g);
      g_set_error (error, G_FILE_ERROR,
                   rc == GLOB_NOSPACE ? G_FILE_ERROR_NOMEM : g_file_error_from_errno (saved),
                   "cannot expand \"%s\": %s", pattern,
                   rc == GLOB_NOSPACE ? "out of memory" : g_strerror (saved));
      return NULL;
    }
  out = g_ptr_array_new_with_free_func (g_free);
  for (gsize i = 0; rc == 0 && i < g.gl_pathc; i++)
    g_ptr_array_add (out, g_strdup (g.gl_pathv[i]));
  globfree (&g);
  return out;
}

static const VipdConfigSourceOps file_ops = { file_read, file_glob, NULL };

const VipdConfigSourceOps *
vipd_config_file_ops (void)
{
  return &file_ops;
}

VipdConfig *
vipd_config_load_file (const char *path, VipdDiagList *diags)
{
  return vipd_config_parse (&file_ops, path, diags);
}
