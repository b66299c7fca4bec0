/* admin-store.c — a GKeyFile, "admin.state", written with g_file_set_contents (atomic rename). */
#include "admin-store.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "log.h"

#define GROUP_NODE "node"
#define INSTANCE_GROUP_PREFIX "instance "
#define GROUP_WEIGHTS "real server weights"

struct _VipdAdminStore
{
  char *dir;
  char *path;
  GKeyFile *file;
};

VipdAdminStore *
vipd_admin_store_new (const char *dir)
{
  VipdAdminStore *s = g_new0 (VipdAdminStore, 1);
  g_autoptr (GError) error = NULL;

  s->dir = g_strdup (dir);
  s->path = g_build_filename (dir, "admin.state", NULL);
  s->file = g_key_file_new ();
  if (!g_key_file_load_from_file (s->file, s->path, G_KEY_FILE_NONE, &error)
      && !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                       "cannot read admin priorities from %s (%s); starting without them",
                       s->path, error->message);
  return s;
}

void
vipd_admin_store_free (VipdAdminStore *s)
{
  if (s == NULL)
    return;
  g_key_file_unref (s->file);
  g_free (s->path);
  g_free (s->dir);
  g_free (s);
}

static char *
instance_group (const char *instance)
{
  return g_strconcat (INSTANCE_GROUP_PREFIX, instance, NULL);
}

guint8
vipd_admin_store_get_priority (VipdAdminStore *s, const char *instance)
{
  g_autofree char *group = instance_group (instance);
  gint value = g_key_file_get_integer (s->file, group, "admin_priority", NULL);

  return value >= 1 && value <= 254 ? (guint8) value : 0;
}

gboolean
vipd_admin_store_get_maintenance (VipdAdminStore *s)
{
  return g_key_file_get_boolean (s->file, GROUP_NODE, "maintenance", NULL);
}

static gboolean
save (VipdAdminStore *s, GError **error)
{
  g_autofree char *data = NULL;
  gsize len;

  if (g_mkdir_with_parents (s->dir, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "cannot create the state directory %s: %s", s->dir, g_strerror (errno));
      return FALSE;
    }
  data = g_key_file_to_data (s->file, &len, NULL);
  return g_file_set_contents_full (s->path, data, (gssize) len,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0644, error);
}

gboolean
vipd_admin_store_set_priority (VipdAdminStore *s, const char *instance, guint8 priority,
                               GError **error)
{
  g_autofree char *group = instance_group (instance);

  if (priority == 0)
    g_key_file_remove_group (s->file, group, NULL);
  else
    g_key_file_set_integer (s->file, group, "admin_priority", priority);
  return save (s, error);
}

gboolean
vipd_admin_store_set_maintenance (VipdAdminStore *s, gboolean enabled, GError **error)
{
  g_key_file_set_boolean (s->file, GROUP_NODE, "maintenance", enabled);
  return save (s, error);
}

/* "VS RS" as a key: GKeyFile keys may not hold "[", "]" or "=" (IPv6 real servers have
 * brackets), so every byte but letters, digits, ".", ":" and "/" is written as %xx. */
static char *
weight_key (const char *vs, const char *rs)
{
  g_autofree char *joined = g_strconcat (vs, " ", rs, NULL);
  GString *key = g_string_new (NULL);

  for (const guchar *p = (const guchar *) joined; *p; p++)
    if (g_ascii_isalnum (*p) || *p == '.' || *p == ':' || *p == '/')
      g_string_append_c (key, (char) *p);
    else
      g_string_append_printf (key, "%%%02x", *p);
  return g_string_free (key, FALSE);
}

int
vipd_admin_store_get_weight (VipdAdminStore *s, const char *vs, const char *rs)
{
  g_autofree char *key = weight_key (vs, rs);
  g_autoptr (GError) error = NULL;
  gint value = g_key_file_get_integer (s->file, GROUP_WEIGHTS, key, &error);

  return error == NULL && value >= 0 && value <= 65535 ? value : -1;
}

gboolean
vipd_admin_store_set_weight (VipdAdminStore *s, const char *vs, const char *rs, int weight,
                             GError **error)
{
  g_autofree char *key = weight_key (vs, rs);

  if (weight < 0)
    g_key_file_remove_key (s->file, GROUP_WEIGHTS, key, NULL);
  else
    g_key_file_set_integer (s->file, GROUP_WEIGHTS, key, weight);
  return save (s, error);
}

const char *
vipd_admin_store_get_path (VipdAdminStore *s)
{
  return s->path;
}
