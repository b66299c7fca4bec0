/* config-model.c — construction, defaults and destruction of the config model. */
#include "config-model.h"

#include "ra/ra.h"

#include <sys/socket.h>

static void
command_clear (VipdCommand *c)
{
  g_clear_pointer (&c->command, g_free);
}

static void
notify_clear (VipdNotifySet *n)
{
  command_clear (&n->notify);
  command_clear (&n->master);
  command_clear (&n->backup);
  command_clear (&n->fault);
  command_clear (&n->stop);
}

static void
vip_free (gpointer p)
{
  VipdVip *v = p;

  g_free (v->dev);
  g_free (v->label);
  g_free (v);
}

static void
track_ref_free (gpointer p)
{
  VipdTrackRef *r = p;

  g_free (r->name);
  g_free (r);
}

VipdVip *
vipd_vip_new (const VipdLoc *loc)
{
  VipdVip *v = g_new0 (VipdVip, 1);

  v->loc = *loc;
  v->scope = -1;
  return v;
}

VipdTrackRef *
vipd_track_ref_new (const char *name, const VipdLoc *loc)
{
  VipdTrackRef *r = g_new0 (VipdTrackRef, 1);

  r->loc = *loc;
  r->name = g_strdup (name);
  return r;
}

static GPtrArray *
refs_new (void)
{
  return g_ptr_array_new_with_free_func (track_ref_free);
}

static void
instance_free (gpointer p)
{
  VipdInstance *i = p;

  g_free (i->name);
  g_free (i->interface);
  g_free (i->auth_pass);
  g_ptr_array_unref (i->vips);
  g_ptr_array_unref (i->vips_excluded);
  g_ptr_array_unref (i->track_scripts);
  g_ptr_array_unref (i->track_interfaces);
  g_ptr_array_unref (i->track_files);
  g_ptr_array_unref (i->unicast_peers);
  notify_clear (&i->notify);
  g_free (i->vmac_name);
  g_free (i);
}

VipdInstance *
vipd_instance_new (const char *name, const VipdLoc *loc)
{
  VipdInstance *i = g_new0 (VipdInstance, 1);

  i->loc = *loc;
  i->name = g_strdup (name);
  i->vrid = -1;
  i->priority = 100;
  i->advert_int_ms = 1000;
  i->family = AF_UNSPEC;
  i->vips = g_ptr_array_new_with_free_func (vip_free);
  i->vips_excluded = g_ptr_array_new_with_free_func (vip_free);
  i->track_scripts = refs_new ();
  i->track_interfaces = refs_new ();
  i->track_files = refs_new ();
  i->unicast_peers = g_ptr_array_new_with_free_func (g_free);
  i->accept = VIPD_TRISTATE_UNSET;
  i->v3_checksum_as_v2 = VIPD_TRISTATE_UNSET;
  i->v3_checksum_strict = VIPD_TRISTATE_UNSET;
  i->ra_lifetime_s = VIPD_RA_DEFAULT_LIFETIME;
  i->ra_min_interval_s = VIPD_RA_DEFAULT_MIN_INTERVAL;
  i->ra_max_interval_s = VIPD_RA_DEFAULT_MAX_INTERVAL;
  return i;
}

static void
script_free (gpointer p)
{
  VipdScript *s = p;

  g_free (s->name);
  command_clear (&s->script);
  g_free (s->user);
  g_free (s->group);
  g_free (s);
}

VipdScript *
vipd_script_new (const char *name, const VipdLoc *loc)
{
  VipdScript *s = g_new0 (VipdScript, 1);

  s->loc = *loc;
  s->name = g_strdup (name);
  s->interval_ms = 1000;
  s->rise = 1;
  s->fall = 1;
  return s;
}

static void
track_file_free (gpointer p)
{
  VipdTrackFile *t = p;

  g_free (t->name);
  g_free (t->file);
  g_free (t);
}

VipdTrackFile *
vipd_track_file_new (const char *name, const VipdLoc *loc)
{
  VipdTrackFile *t = g_new0 (VipdTrackFile, 1);

  t->loc = *loc;
  t->name = g_strdup (name);
  t->weight = 1;
  return t;
}

static void
sync_group_free (gpointer p)
{
  VipdSyncGroup *g = p;

  g_free (g->name);
  g_ptr_array_unref (g->members);
  notify_clear (&g->notify);
  g_ptr_array_unref (g->track_scripts);
  g_ptr_array_unref (g->track_interfaces);
  g_ptr_array_unref (g->track_files);
  g_free (g);
}

VipdSyncGroup *
vipd_sync_group_new (const char *name, const VipdLoc *loc)
{
  VipdSyncGroup *g = g_new0 (VipdSyncGroup, 1);

  g->loc = *loc;
  g->name = g_strdup (name);
  g->members = refs_new ();
  g->track_scripts = refs_new ();
  g->track_interfaces = refs_new ();
  g->track_files = refs_new ();
  return g;
}

VipdConfig *
vipd_config_new (void)
{
  VipdConfig *c = g_new0 (VipdConfig, 1);
  VipdGlobalDefs *g = &c->global;

  g->notification_email = g_ptr_array_new_with_free_func (g_free);
  g->smtp_port = 25;
  g->smtp_connect_timeout_ms = 30000;
  g->vrrp_version = 2;
  g->garp_master_delay_ms = 5000;
  g->garp_master_repeat = 5;
  g->garp_master_refresh_repeat = 1;
  c->instances = g_ptr_array_new_with_free_func (instance_free);
  c->scripts = g_ptr_array_new_with_free_func (script_free);
  c->track_files = g_ptr_array_new_with_free_func (track_file_free);
  c->sync_groups = g_ptr_array_new_with_free_func (sync_group_free);
  c->virtual_servers = g_ptr_array_new_with_free_func (vipd_virtual_server_free);
  c->vs_groups = g_ptr_array_new_with_free_func (vipd_vs_group_free);
  c->files = g_ptr_array_new_with_free_func (g_free);
  return c;
}

void
vipd_config_free (VipdConfig *config)
{
  VipdGlobalDefs *g;

  if (config == NULL)
    return;
  g = &config->global;
  g_free (g->router_id);
  g_ptr_array_unref (g->notification_email);
  g_free (g->notification_email_from);
  g_free (g->script_user);
  g_free (g->script_group);
  g_free (g->notify_fifo);
  g_free (g->notify_fifo_script);
  g_free (g->vrrp_notify_fifo);
  g_ptr_array_unref (config->instances);
  g_ptr_array_unref (config->scripts);
  g_ptr_array_unref (config->track_files);
  g_ptr_array_unref (config->sync_groups);
  g_ptr_array_unref (config->virtual_servers);
  g_ptr_array_unref (config->vs_groups);
  g_ptr_array_unref (config->files);
  g_free (config);
}

/* Every named node starts with VipdLoc loc; char *name, so one lookup serves all four kinds. */
typedef struct
{
  VipdLoc loc;
  char *name;
} Named;

static gpointer
find_named (GPtrArray *array, const char *name)
{
  for (guint i = 0; i < array->len; i++)
    {
      Named *n = g_ptr_array_index (array, i);

      if (g_strcmp0 (n->name, name) == 0)
        return n;
    }
  return NULL;
}

VipdInstance *
vipd_config_find_instance (const VipdConfig *config, const char *name)
{
  return find_named (config->instances, name);
}

VipdScript *
vipd_config_find_script (const VipdConfig *config, const char *name)
{
  return find_named (config->scripts, name);
}

VipdTrackFile *
vipd_config_find_track_file (const VipdConfig *config, const char *name)
{
  return find_named (config->track_files, name);
}

VipdSyncGroup *
vipd_config_find_sync_group (const VipdConfig *config, const char *name)
{
  return find_named (config->sync_groups, name);
}

VipdVsGroup *
vipd_config_find_vs_group (const VipdConfig *config, const char *name)
{
  return find_named (config->vs_groups, name);
}

VipdSyncGroup *
vipd_config_find_group_of (const VipdConfig *config, const char *instance)
{
  for (guint i = 0; i < config->sync_groups->len; i++)
    {
      VipdSyncGroup *g = g_ptr_array_index (config->sync_groups, i);

      for (guint j = 0; j < g->members->len; j++)
        if (g_strcmp0 (((VipdTrackRef *) g_ptr_array_index (g->members, j))->name, instance) == 0)
          return g;
    }
  return NULL;
}

const char *
vipd_instance_vip_interface (const VipdInstance *instance)
{
  return instance->use_vmac && instance->vmac_name ? instance->vmac_name : instance->interface;
}

const char *
vipd_instance_xmit_interface (const VipdInstance *instance)
{
  return instance->vmac_xmit_base ? instance->interface : vipd_instance_vip_interface (instance);
}
