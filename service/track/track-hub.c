/* track-hub.c — see track-hub.h. */
#include "track-hub.h"

#include "file-tracker.h"
#include "log.h"
#include "script-runner.h"
#include "track/track-value.h"

struct _VipdTrackHub
{
  const VipdConfig *config;
  VipdLinkMonitor *mon;
  GHashTable *runners;  /* script name -> VipdScriptRunner* */
  GHashTable *files;    /* track file name -> VipdFileTracker* */
  GHashTable *ifaces;   /* interface name -> GINT_TO_POINTER (1 up, 2 down): last seen */
  VipdNmMonitor *nm;
  int nm_seen;          /* connectivity last reported; -1 NetworkManager not running */
  VipdTrackHubChangedFunc changed;
  gpointer changed_data;
};

static const char *
key_for (const char *kind, const char *name)
{
  g_autofree char *k = g_strdup_printf ("%s %s", kind, name);

  return g_intern_string (k);
}

static void
on_script_changed (VipdScriptRunner *r, gpointer data)
{
  VipdTrackHub *hub = data;
  g_autofree char *what = NULL;

  if (vipd_script_runner_is_disabled (r))
    what = g_strdup ("disabled");
  else if (vipd_script_runner_is_up (r))
    what = g_strdup ("succeeded");
  else
    what = g_strdup_printf ("failed (%s)", vipd_script_runner_get_last_result (r));
  hub->changed (key_for ("script", vipd_script_runner_get_name (r)), what, hub->changed_data);
}

static void
on_file_changed (VipdFileTracker *t, gpointer data)
{
  VipdTrackHub *hub = data;
  g_autofree char *what = g_strdup_printf ("value %" G_GINT64_FORMAT " (weight %d)",
                                           vipd_file_tracker_get_value (t),
                                           vipd_file_tracker_get_config (t)->weight);

  hub->changed (key_for ("file", vipd_file_tracker_get_config (t)->name), what,
                hub->changed_data);
}

static void
note_interfaces (VipdTrackHub *hub, const GPtrArray *refs)
{
  for (guint i = 0; refs && i < refs->len; i++)
    {
      const VipdTrackRef *ref = g_ptr_array_index (refs, i);

      g_hash_table_insert (hub->ifaces, g_strdup (ref->name), GINT_TO_POINTER (0));
    }
}

static gboolean script_used (const VipdConfig *config, const char *name);

/* previous's runner for s when it can go on unchanged (stolen from previous), else a new one,
 * which starts from the status of a running predecessor of that name. */
static VipdScriptRunner *
adopt_runner (VipdTrackHub *hub, VipdTrackHub *previous, const VipdScript *s)
{
  VipdScriptRunner *r = previous ? g_hash_table_lookup (previous->runners, s->name) : NULL;
  VipdScriptRunner *fresh;

  if (r == NULL || !vipd_script_runner_is_running (r) || !script_used (hub->config, s->name))
    {
      /* A disabled script is checked again: the reload may be what fixed its owner or mode. */
      if (r != NULL && vipd_script_runner_is_disabled (r))
        vipd_log_instance (G_LOG_LEVEL_INFO, NULL,
                           "vrrp_script %s was disabled: checked again on reload", s->name);
      return vipd_script_runner_new (s, &hub->config->global, on_script_changed, hub);
    }
  if (vipd_script_runner_same_definition (r, s, &hub->config->global))
    {
      g_hash_table_steal (previous->runners, s->name);
      vipd_script_runner_adopt (r, s, &hub->config->global, on_script_changed, hub);
      vipd_log_instance (G_LOG_LEVEL_INFO, NULL,
                         "vrrp_script %s unchanged on reload: keeps its status (%s) and runs on",
                         s->name, vipd_script_runner_is_up (r) ? "ok" : "failed");
      return r;
    }
  fresh = vipd_script_runner_new (s, &hub->config->global, on_script_changed, hub);
  vipd_script_runner_set_status (fresh, vipd_script_runner_is_up (r));
  vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL,
                     "vrrp_script %s changed on reload: restarted from its last status (%s)",
                     s->name, vipd_script_runner_is_up (r) ? "ok" : "failed");
  return fresh;
}

static VipdFileTracker *
adopt_file (VipdTrackHub *hub, VipdTrackHub *previous, const VipdTrackFile *f)
{
  VipdFileTracker *t = previous ? g_hash_table_lookup (previous->files, f->name) : NULL;

  if (t == NULL || !vipd_file_tracker_same_definition (t, f))
    return NULL;
  g_hash_table_steal (previous->files, f->name);
  vipd_file_tracker_adopt (t, f, on_file_changed, hub);
  return t;
}

VipdTrackHub *
vipd_track_hub_new (const VipdConfig *config, VipdLinkMonitor *mon, VipdNmMonitor *nm,
                    VipdTrackHubChangedFunc changed, gpointer user_data, VipdTrackHub *previous)
{
  VipdTrackHub *hub = g_new0 (VipdTrackHub, 1);
  guint level = 0;

  hub->config = config;
  hub->mon = mon;
  hub->nm = nm;
  hub->nm_seen = vipd_nm_monitor_get_connectivity (nm, &level) ? (int) level : -1;
  hub->changed = changed;
  hub->changed_data = user_data;
  hub->runners = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) vipd_script_runner_free);
  hub->files = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                      (GDestroyNotify) vipd_file_tracker_free);
  hub->ifaces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < config->scripts->len; i++)
    {
      const VipdScript *s = g_ptr_array_index (config->scripts, i);
      g_hash_table_insert (hub->runners, s->name, adopt_runner (hub, previous, s));
    }
  for (guint i = 0; i < config->track_files->len; i++)
    {
      const VipdTrackFile *f = g_ptr_array_index (config->track_files, i);
      VipdFileTracker *t = adopt_file (hub, previous, f);

      if (t == NULL)
        t = vipd_file_tracker_new (f, on_file_changed, hub);
      g_hash_table_insert (hub->files, f->name, t);
    }
  for (guint i = 0; i < config->instances->len; i++)
    note_interfaces (hub, ((VipdInstance *) g_ptr_array_index (config->instances, i))->track_interfaces);
  for (guint i = 0; i < config->sync_groups->len; i++)
    note_interfaces (hub, ((VipdSyncGroup *) g_ptr_array_index (config->sync_groups, i))->track_interfaces);
  /* An interface's state is read from the link monitor; what was last logged carries over so
   * that a reload does not log it again. */
  if (previous)
    {
      GHashTableIter iter;
      gpointer name, seen;

      g_hash_table_iter_init (&iter, hub->ifaces);
      while (g_hash_table_iter_next (&iter, &name, NULL))
        if (g_hash_table_lookup_extended (previous->ifaces, name, NULL, &seen))
          g_hash_table_iter_replace (&iter, seen);
    }
  return hub;
}

static gboolean
script_used (const VipdConfig *config, const char *name)
{
  for (guint i = 0; i < config->instances->len; i++)
    {
      const VipdInstance *inst = g_ptr_array_index (config->instances, i);

      for (guint j = 0; j < inst->track_scripts->len; j++)
        if (g_strcmp0 (((VipdTrackRef *) g_ptr_array_index (inst->track_scripts, j))->name, name) == 0)
          return TRUE;
    }
  for (guint i = 0; i < config->sync_groups->len; i++)
    {
      const VipdSyncGroup *g = g_ptr_array_index (config->sync_groups, i);

      for (guint j = 0; g->track_scripts && j < g->track_scripts->len; j++)
        if (g_strcmp0 (((VipdTrackRef *) g_ptr_array_index (g->track_scripts, j))->name, name) == 0)
          return TRUE;
    }
  return FALSE;
}

void
vipd_track_hub_start (VipdTrackHub *hub)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, hub->runners);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      VipdScriptRunner *r = value;

      /* keepalived runs only the scripts that something tracks. Runners kept over a reload
       * are running already. */
      if (!vipd_script_runner_is_running (r)
          && script_used (hub->config, vipd_script_runner_get_name (r)))
        vipd_script_runner_start (r);
    }
}

void
vipd_track_hub_free (VipdTrackHub *hub)
{
  if (hub == NULL)
    return;
  g_hash_table_destroy (hub->runners);
  g_hash_table_destroy (hub->files);
  g_hash_table_destroy (hub->ifaces);
  g_free (hub);
}

static gboolean
iface_up (VipdTrackHub *hub, const char *name)
{
  VipdLinkInfo link;

  if (!vipd_link_monitor_get_link (hub->mon, name, &link, NULL))
    return FALSE;
  return link.admin_up && link.carrier;
}

void
vipd_track_hub_link_changed (VipdTrackHub *hub, const VipdLinkInfo *link)
{
  gpointer seen;
  gboolean up;

  if (!g_hash_table_lookup_extended (hub->ifaces, link->name, NULL, &seen))
    return;
  up = !link->removed && link->admin_up && link->carrier;
  if (GPOINTER_TO_INT (seen) == (up ? 1 : 2))
    return;
  g_hash_table_insert (hub->ifaces, g_strdup (link->name), GINT_TO_POINTER (up ? 1 : 2));
  vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "track interface %s is %s", link->name,
                     up ? "up" : link->removed ? "gone" : !link->admin_up ? "down" : "without carrier");
  hub->changed (key_for ("interface", link->name), up ? "up" : "down", hub->changed_data);
}

static const char *
nm_key (void)
{
  return key_for ("NetworkManager", "connectivity");
}

static gboolean
nm_used (const VipdConfig *config)
{
  for (guint i = 0; i < config->instances->len; i++)
    if (((VipdInstance *) g_ptr_array_index (config->instances, i))->nm_connectivity
        != VIPD_NM_CONNECTIVITY_UNSET)
      return TRUE;
  return FALSE;
}

void
vipd_track_hub_nm_changed (VipdTrackHub *hub)
{
  guint level = 0;
  int now = vipd_nm_monitor_get_connectivity (hub->nm, &level) ? (int) level : -1;

  if (now == hub->nm_seen)
    return;
  hub->nm_seen = now;
  if (!nm_used (hub->config))
    return;
  if (now < 0)
    {
      vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL,
                         "track NetworkManager connectivity: NetworkManager is not running, "
                         "so it is not held against any instance");
      hub->changed (nm_key (), "not tracked (NetworkManager is not running)", hub->changed_data);
      return;
    }
  vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "track NetworkManager connectivity is %s",
                     vipd_nm_connectivity_name (level));
  hub->changed (nm_key (), vipd_nm_connectivity_name (level), hub->changed_data);
}

void
vipd_track_hub_collect_nm (VipdTrackHub *hub, const VipdInstance *conf, GArray *out)
{
  VipdTracker t;
  gboolean up;

  if (conf->nm_connectivity == VIPD_NM_CONNECTIVITY_UNSET)
    return;
  /* 0 is NetworkManager's "unknown". */
  up = hub->nm_seen <= 0 || hub->nm_seen >= (int) conf->nm_connectivity;
  vipd_tracker_from_status (nm_key (), conf->nm_connectivity_weight, FALSE, up, &t);
  g_array_append_val (out, t);
}

void
vipd_track_hub_collect (VipdTrackHub *hub, const GPtrArray *scripts, const GPtrArray *ifaces,
                        const GPtrArray *files, GArray *out)
{
  for (guint i = 0; scripts && i < scripts->len; i++)
    {
      const VipdTrackRef *ref = g_ptr_array_index (scripts, i);
      VipdScriptRunner *r = g_hash_table_lookup (hub->runners, ref->name);
      const VipdScript *s;
      VipdTracker t;

      if (r == NULL || vipd_script_runner_is_disabled (r))
        continue;
      s = vipd_script_runner_get_config (r);
      vipd_tracker_from_status (key_for ("script", ref->name),
                                ref->has_weight ? ref->weight : s->weight,
                                ref->has_weight ? ref->reverse : s->reverse,
                                vipd_script_runner_is_up (r), &t);
      g_array_append_val (out, t);
    }
  for (guint i = 0; ifaces && i < ifaces->len; i++)
    {
      const VipdTrackRef *ref = g_ptr_array_index (ifaces, i);
      VipdTracker t;

      vipd_tracker_from_status (key_for ("interface", ref->name), ref->weight, ref->reverse,
                                iface_up (hub, ref->name), &t);
      g_array_append_val (out, t);
    }
  for (guint i = 0; files && i < files->len; i++)
    {
      const VipdTrackRef *ref = g_ptr_array_index (files, i);
      VipdFileTracker *f = g_hash_table_lookup (hub->files, ref->name);
      const VipdTrackFile *fc;
      VipdTracker t;

      if (f == NULL)
        continue;
      fc = vipd_file_tracker_get_config (f);
      vipd_tracker_from_file (key_for ("file", ref->name), vipd_file_tracker_get_value (f),
                              ref->has_weight ? ref->weight : fc->weight,
                              ref->has_weight ? ref->reverse : fc->reverse, &t);
      g_array_append_val (out, t);
    }
}

VipdScriptRunner *
vipd_track_hub_get_script (VipdTrackHub *hub, const char *name)
{
  return g_hash_table_lookup (hub->runners, name);
}
