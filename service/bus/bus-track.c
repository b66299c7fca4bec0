/* bus-track.c — TrackScript and SyncGroup objects, rebuilt from the configuration on reload
 * and refreshed from the runtime (script runners, sync groups). */
#include "bus-track.h"

#include "bus-instance.h"
#include "bus-names.h"
#include "vipd-dbus-generated.h"

struct _VipdBusTrack
{
  VipdDaemon *daemon;
  VipdBusObjects *objects;
  GHashTable *scripts; /* name -> VipdDBusTrackScript* (exported) */
  GHashTable *groups;  /* name -> VipdDBusSyncGroup* (exported) */
};

static char *
path_for (const char *prefix, const char *name)
{
  g_autofree char *escaped = vipd_bus_escape_name (name);

  return g_strconcat (prefix, escaped, NULL);
}

char *
vipd_bus_script_path (const char *name)
{
  return path_for (VIPD_DBUS_SCRIPT_PREFIX, name);
}

char *
vipd_bus_group_path (const char *name)
{
  return path_for (VIPD_DBUS_GROUP_PREFIX, name);
}

static gboolean
refs_name (const GPtrArray *refs, const char *name)
{
  for (guint i = 0; refs && i < refs->len; i++)
    if (g_strcmp0 (((VipdTrackRef *) g_ptr_array_index (refs, i))->name, name) == 0)
      return TRUE;
  return FALSE;
}

static void
add_script_paths (GPtrArray *out, const GPtrArray *refs)
{
  for (guint i = 0; refs && i < refs->len; i++)
    {
      const char *name = ((VipdTrackRef *) g_ptr_array_index (refs, i))->name;
      char *path = vipd_bus_script_path (name);

      if (g_ptr_array_find_with_equal_func (out, path, g_str_equal, NULL))
        g_free (path);
      else
        g_ptr_array_add (out, path);
    }
}

char **
vipd_bus_track_instance_scripts (const VipdConfig *config, const VipdInstance *inst)
{
  GPtrArray *out = g_ptr_array_new ();
  const VipdSyncGroup *g = vipd_config_find_group_of (config, inst->name);

  add_script_paths (out, inst->track_scripts);
  if (g)
    add_script_paths (out, g->track_scripts);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

char *
vipd_bus_track_instance_group (const VipdConfig *config, const VipdInstance *inst)
{
  const VipdSyncGroup *g = vipd_config_find_group_of (config, inst->name);

  return g ? vipd_bus_group_path (g->name) : g_strdup ("/");
}

static void
sync_script (VipdBusTrack *t, const VipdScript *conf, VipdDBusTrackScript *s)
{
  const VipdConfig *config = vipd_daemon_get_config (t->daemon);
  VipdScriptRunner *runner = vipd_daemon_get_script (t->daemon, conf->name);
  GPtrArray *users = g_ptr_array_new_with_free_func (g_free);
  const char *status = "unknown";

  for (guint i = 0; i < config->instances->len; i++)
    {
      const VipdInstance *inst = g_ptr_array_index (config->instances, i);
      const VipdSyncGroup *g = vipd_config_find_group_of (config, inst->name);

      if (refs_name (inst->track_scripts, conf->name) || (g && refs_name (g->track_scripts, conf->name)))
        g_ptr_array_add (users, vipd_bus_instance_path (inst->name));
    }
  g_ptr_array_add (users, NULL);
  /* "unknown" until a run has completed, and for a script vipd refused to run. */
  if (runner && !vipd_script_runner_is_disabled (runner)
      && vipd_script_runner_get_last_run (runner) != 0)
    status = vipd_script_runner_is_up (runner) ? "ok" : "failed";
  vipd_dbus_track_script_set_name (s, conf->name);
  vipd_dbus_track_script_set_command (s, conf->script.command ? conf->script.command : "");
  vipd_dbus_track_script_set_interval (s, conf->interval_ms);
  vipd_dbus_track_script_set_timeout (s, conf->timeout_ms ? conf->timeout_ms : conf->interval_ms);
  vipd_dbus_track_script_set_weight (s, conf->weight);
  vipd_dbus_track_script_set_rise (s, conf->rise);
  vipd_dbus_track_script_set_fall (s, conf->fall);
  vipd_dbus_track_script_set_status (s, status);
  vipd_dbus_track_script_set_last_exit_status (s, runner ? vipd_script_runner_get_last_exit_status (runner) : -1);
  vipd_dbus_track_script_set_last_run (s, runner ? vipd_script_runner_get_last_run (runner) : 0);
  vipd_dbus_track_script_set_instances (s, (const char *const *) users->pdata);
  g_ptr_array_unref (users);
}

static void
sync_group (VipdBusTrack *t, const VipdSyncGroup *conf, VipdDBusSyncGroup *g)
{
  GPtrArray *groups = vipd_daemon_get_sync_groups (t->daemon);
  GPtrArray *members = g_ptr_array_new_with_free_func (g_free);
  const char *state = "init";

  for (guint i = 0; i < conf->members->len; i++)
    g_ptr_array_add (members,
                     vipd_bus_instance_path (((VipdTrackRef *) g_ptr_array_index (conf->members, i))->name));
  g_ptr_array_add (members, NULL);
  for (guint i = 0; groups && i < groups->len; i++)
    if (g_strcmp0 (vipd_vrrp_sync_group_get_name (g_ptr_array_index (groups, i)), conf->name) == 0)
      state = vipd_state_name (vipd_vrrp_sync_group_get_state (g_ptr_array_index (groups, i)));
  vipd_dbus_sync_group_set_name (g, conf->name);
  vipd_dbus_sync_group_set_members (g, (const char *const *) members->pdata);
  vipd_dbus_sync_group_set_state (g, state);
  g_ptr_array_unref (members);
}

void
vipd_bus_track_sync (VipdBusTrack *t)
{
  const VipdConfig *config = vipd_daemon_get_config (t->daemon);

  for (guint i = 0; i < config->scripts->len; i++)
    {
      const VipdScript *conf = g_ptr_array_index (config->scripts, i);
      VipdDBusTrackScript *s = g_hash_table_lookup (t->scripts, conf->name);

      if (s)
        sync_script (t, conf, s);
    }
  for (guint i = 0; i < config->sync_groups->len; i++)
    {
      const VipdSyncGroup *conf = g_ptr_array_index (config->sync_groups, i);
      VipdDBusSyncGroup *g = g_hash_table_lookup (t->groups, conf->name);

      if (g)
        sync_group (t, conf, g);
    }
}

void
vipd_bus_track_sync_group (VipdBusTrack *t, const char *name)
{
  const VipdSyncGroup *conf = vipd_config_find_sync_group (vipd_daemon_get_config (t->daemon), name);
  VipdDBusSyncGroup *g = g_hash_table_lookup (t->groups, name);

  if (conf && g)
    sync_group (t, conf, g);
}

void
vipd_bus_track_rebuild (VipdBusTrack *t)
{
  const VipdConfig *config = vipd_daemon_get_config (t->daemon);
  g_autoptr (GHashTable) keep = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  const char *name;

  /* Names in the new configuration stay (their objects are updated in place); the rest go. */
  for (guint i = 0; i < config->scripts->len; i++)
    g_hash_table_add (keep, ((VipdScript *) g_ptr_array_index (config->scripts, i))->name);
  g_hash_table_iter_init (&iter, t->scripts);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    if (!g_hash_table_contains (keep, name))
      {
        g_autofree char *path = vipd_bus_script_path (name);

        vipd_bus_objects_remove (t->objects, path);
        g_hash_table_iter_remove (&iter);
      }
  g_hash_table_remove_all (keep);
  for (guint i = 0; i < config->sync_groups->len; i++)
    g_hash_table_add (keep, ((VipdSyncGroup *) g_ptr_array_index (config->sync_groups, i))->name);
  g_hash_table_iter_init (&iter, t->groups);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    if (!g_hash_table_contains (keep, name))
      {
        g_autofree char *path = vipd_bus_group_path (name);

        vipd_bus_objects_remove (t->objects, path);
        g_hash_table_iter_remove (&iter);
      }

  for (guint i = 0; i < config->scripts->len; i++)
    {
      const VipdScript *conf = g_ptr_array_index (config->scripts, i);

      if (!g_hash_table_contains (t->scripts, conf->name))
        {
          g_autofree char *path = vipd_bus_script_path (conf->name);
          VipdDBusTrackScript *s = vipd_dbus_track_script_skeleton_new ();

          sync_script (t, conf, s);
          vipd_bus_objects_add_skeleton (t->objects, path, s);
          g_hash_table_insert (t->scripts, g_strdup (conf->name), s);
        }
    }
  for (guint i = 0; i < config->sync_groups->len; i++)
    {
      const VipdSyncGroup *conf = g_ptr_array_index (config->sync_groups, i);

      if (!g_hash_table_contains (t->groups, conf->name))
        {
          g_autofree char *path = vipd_bus_group_path (conf->name);
          VipdDBusSyncGroup *g = vipd_dbus_sync_group_skeleton_new ();

          sync_group (t, conf, g);
          vipd_bus_objects_add_skeleton (t->objects, path, g);
          g_hash_table_insert (t->groups, g_strdup (conf->name), g);
        }
    }
  vipd_bus_track_sync (t);
}

VipdBusTrack *
vipd_bus_track_new (VipdDaemon *daemon, VipdBusObjects *objects)
{
  VipdBusTrack *t = g_new0 (VipdBusTrack, 1);

  t->daemon = daemon;
  t->objects = objects;
  t->scripts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  t->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  vipd_bus_track_rebuild (t);
  return t;
}

void
vipd_bus_track_free (VipdBusTrack *t)
{
  GHashTableIter iter;
  const char *name;

  if (t == NULL)
    return;
  g_hash_table_iter_init (&iter, t->scripts);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    {
      g_autofree char *path = vipd_bus_script_path (name);

      vipd_bus_objects_remove (t->objects, path);
    }
  g_hash_table_iter_init (&iter, t->groups);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    {
      g_autofree char *path = vipd_bus_group_path (name);

      vipd_bus_objects_remove (t->objects, path);
    }
  g_hash_table_destroy (t->scripts);
  g_hash_table_destroy (t->groups);
  g_free (t);
}
