/* config-test-util.c — in-memory configuration sources and diagnostic assertions. */
#include "config-test-util.h"

#include <string.h>

static GBytes *
mem_read (const char *path, GError **error, gpointer user_data)
{
  MemFs *fs = user_data;
  const char *text = g_hash_table_lookup (fs->files, path);

  if (text == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "No such file or directory");
      return NULL;
    }
  return g_bytes_new (text, strlen (text));
}

/* g_ptr_array_sort passes pointers to the elements. */
static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static GPtrArray *
mem_glob (const char *pattern, GError **error, gpointer user_data)
{
  MemFs *fs = user_data;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter it;
  gpointer key;

  g_hash_table_iter_init (&it, fs->files);
  while (g_hash_table_iter_next (&it, &key, NULL))
    if (g_pattern_match_simple (pattern, key))
      g_ptr_array_add (out, g_strdup (key));
  g_ptr_array_sort (out, compare_paths);
  return out;
}

MemFs *
memfs_new (void)
{
  MemFs *fs = g_new0 (MemFs, 1);

  fs->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fs->ops.read = mem_read;
  fs->ops.glob = mem_glob;
  fs->ops.user_data = fs;
  return fs;
}

void
memfs_add (MemFs *fs, const char *path, const char *text)
{
  g_hash_table_replace (fs->files, g_strdup (path), g_strdup (text));
}

void
memfs_free (MemFs *fs)
{
  g_hash_table_unref (fs->files);
  g_free (fs);
}

VipdConfig *
parse_text (const char *text, VipdDiagList *diags)
{
  g_autoptr (MemFs) fs = memfs_new ();

  memfs_add (fs, "test.conf", text);
  return vipd_config_parse (&fs->ops, "test.conf", diags);
}

void
assert_diag_at (const VipdDiagList *diags, VipdDiagLevel level, const char *file, guint line,
                guint col, const char *substring)
{
  g_autofree char *all = vipd_diag_list_format (diags);

  for (guint i = 0; i < diags->items->len; i++)
    {
      const VipdDiag *d = g_ptr_array_index (diags->items, i);

      if (d->level == level && g_strcmp0 (d->loc.file, file) == 0 && d->loc.line == line
          && d->loc.col == col && strstr (d->message, substring) != NULL)
        return;
    }
  g_error ("no %s at %s:%u:%u containing \"%s\"; got:\n%s",
           level == VIPD_DIAG_ERROR ? "error" : "warning", file, line, col, substring, all);
}

void
assert_count (const VipdDiagList *diags, VipdDiagLevel level, guint n)
{
  if (vipd_diag_count (diags, level) != n)
    {
      g_autofree char *all = vipd_diag_list_format (diags);

      g_error ("expected %u %ss, got %u:\n%s", n, level == VIPD_DIAG_ERROR ? "error" : "warning",
               vipd_diag_count (diags, level), all);
    }
}
