/* vrrp-daemon.c — instances, their shared sockets, link events, reload and planned stop. */
#include "vrrp-daemon.h"

#include <gio/gio.h>
#include <string.h>

#include "admin-store.h"
#include "config-files.h"
#include "log.h"
#include "nm-monitor.h"
#include "notifier.h"
#include "sync-group.h"
#include "track-hub.h"
#include "vip-holder.h"
#include "instance-accept.h"
#include "instance-vmac.h"

/* How often a planned stop checks whether every hand-over has completed. */
#define HANDOVER_POLL_MS 5

/* One raw socket per (interface, family, multicast or unicast) and the instances on it. */
typedef struct
{
  VipdDaemon *daemon;
  char *key;
  VipdVrrpSocket *sock;
  GPtrArray *instances; /* VipdVrrpInstance*, borrowed */
  guint64 unknown_vrid;
} SocketEntry;

struct _VipdDaemon
{
  VipdConfig *config;
  char *config_path;
  VipdVipNetlink *nl;
  VipdVmacSet *vmacs;
  VipdAcceptFilter *accept; /* no_accept and the macvlans' gates */
  VipdLinkMonitor *mon;
  GPtrArray *instances;  /* VipdVrrpInstance*, owned */
  GHashTable *sockets;   /* key -> SocketEntry* */
  gboolean stopping;
  gboolean no_system_bus; /* --no-dbus: NetworkManager is not followed either */
  guint handover_source;
  guint drain_source;
  guint64 handover_deadline;
  GSourceFunc done;
  gpointer done_data;
  VipdAdminStore *store;
  VipdEventLog *events;
  gboolean maintenance;
  VipdDaemonObserver observer;
  gpointer observer_data;
  VipdTrackHub *hub;
  VipdNmMonitor *nm;
  VipdNotifier *notifier;
  GPtrArray *groups; /* VipdVrrpSyncGroup*, owned */
  VipdLvsManager *lvs;
};

static void wire_trackers (VipdDaemon *d, VipdTrackHub *hub);
static void unwire_trackers (VipdDaemon *d);

static void
socket_entry_free (gpointer data)
{
  SocketEntry *e = data;

  vipd_vrrp_socket_free (e->sock);
  g_ptr_array_unref (e->instances);
  g_free (e->key);
  g_free (e);
}

static void
on_link_changed (const VipdLinkInfo *link, gpointer user_data)
{
  VipdDaemon *d = user_data;

  vipd_vip_netlink_forget_interfaces (d->nl);
  if (!d->stopping)
    vipd_instance_vmac_repair (d->vmacs, d->instances, link);
  for (guint i = 0; i < d->instances->len; i++)
    vipd_vrrp_instance_link_changed (g_ptr_array_index (d->instances, i), link);
  if (d->hub)
    vipd_track_hub_link_changed (d->hub, link);
}

static void
on_addr_changed (const VipdAddrEvent *ev, gpointer user_data)
{
  VipdDaemon *d = user_data;

  if (!vipd_vrrp_instances_care_about (ev))
    return;
  for (guint i = 0; i < d->instances->len; i++)
    vipd_vrrp_instance_address_changed (g_ptr_array_index (d->instances, i), ev);
}

static void
on_overrun (gpointer user_data)
{
  VipdDaemon *d = user_data;

  /* Events were lost: re-read every interface the instances use. */
  vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "netlink events were lost; re-reading links");
  for (guint i = 0; i < d->instances->len; i++)
    {
      VipdVrrpInstance *inst = g_ptr_array_index (d->instances, i);
      VipdLinkInfo link;

      if (vipd_link_monitor_get_link (d->mon, vipd_vrrp_instance_get_config (inst)->interface,
                                      &link, NULL))
        vipd_vrrp_instance_link_changed (inst, &link);
    }
}

static int
load_weight (const char *vs, const char *rs, gpointer data)
{
  return vipd_admin_store_get_weight (((VipdDaemon *) data)->store, vs, rs);
}

static gboolean
save_weight (const char *vs, const char *rs, int weight, gpointer data, GError **error)
{
  return vipd_admin_store_set_weight (((VipdDaemon *) data)->store, vs, rs, weight, error);
}

VipdDaemon *
vipd_daemon_new (VipdConfig *config, const char *config_path, const char *state_dir,
                 GError **error)
{
  static const VipdLinkMonitorCallbacks callbacks = {
    .link_changed = on_link_changed,
    .addr_changed = on_addr_changed,
    .overrun = on_overrun,
  };
  g_autoptr (VipdDaemon) d = g_new0 (VipdDaemon, 1);

  d->config = config;
  d->config_path = g_strdup (config_path);
  d->instances = g_ptr_array_new_with_free_func ((GDestroyNotify) vipd_vrrp_instance_free);
  d->sockets = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, socket_entry_free);
  d->store = vipd_admin_store_new (state_dir);
  d->maintenance = vipd_admin_store_get_maintenance (d->store);
  d->events = vipd_event_log_new (VIPD_EVENT_LOG_SIZE);
  d->nl = vipd_vip_netlink_new (error);
  if (d->nl == NULL)
    return NULL;
  vipd_vip_netlink_set_renew_failed (d->nl, vipd_vip_holder_renew_failed);
  d->vmacs = vipd_vmac_set_new (error);
  if (d->vmacs == NULL)
    return NULL;
  d->accept = vipd_accept_filter_new ();
  d->mon = vipd_link_monitor_new (&callbacks, d, error);
  if (d->mon == NULL)
    return NULL;
  vipd_link_monitor_ignore_additions_from (d->mon, vipd_vip_netlink_renew_port (d->nl));
  d->lvs = vipd_lvs_manager_new (d->config, NULL);
  {
    const VipdLvsWeightStore weights = { load_weight, save_weight, d };

    vipd_lvs_manager_set_weight_store (d->lvs, &weights);
  }
  return g_steal_pointer (&d);
}

void
vipd_daemon_free (VipdDaemon *d)
{
  if (d == NULL)
    return;
  g_clear_handle_id (&d->handover_source, g_source_remove);
  g_clear_handle_id (&d->drain_source, g_source_remove);
  unwire_trackers (d);
  vipd_nm_monitor_free (d->nm);
  /* Sockets first: instances must not receive while they are being freed. */
  if (d->sockets)
    g_hash_table_destroy (d->sockets);
  if (d->instances)
    g_ptr_array_unref (d->instances);
  /* After the instances: their VIPs and sockets leave the macvlans first. */
  vipd_accept_filter_free (d->accept);
  vipd_vmac_set_free (d->vmacs);
  vipd_notifier_free (d->notifier);
  vipd_lvs_manager_free (d->lvs);
  vipd_link_monitor_free (d->mon);
  vipd_vip_netlink_free (d->nl);
  vipd_admin_store_free (d->store);
  vipd_event_log_free (d->events);
  if (d->config)
    vipd_config_free (d->config);
  g_free (d->config_path);
  g_free (d);
}

static void
on_packet (const guint8 *payload, gsize len, const VipdPacketMeta *meta, int ifindex,
           gpointer user_data)
{
  SocketEntry *e = user_data;

  /* The VRID is the second byte of every VRRP version; the instance checks the rest. */
  if (len >= 2)
    for (guint i = 0; i < e->instances->len; i++)
      {
        VipdVrrpInstance *inst = g_ptr_array_index (e->instances, i);

        if (vipd_vrrp_instance_get_config (inst)->vrid == payload[1])
          {
            vipd_vrrp_instance_receive (inst, payload, len, meta);
            return;
          }
      }
  e->unknown_vrid++;
}

static char *
socket_key (const VipdInstance *conf)
{
  gboolean unicast = conf->unicast_peers->len > 0;

  return g_strdup_printf ("%s/%s/%s", conf->interface, conf->family == AF_INET6 ? "6" : "4",
                          unicast ? "unicast" : "multicast");
}

static void
attach_socket (VipdDaemon *d, VipdVrrpInstance *inst)
{
  const VipdInstance *conf = vipd_vrrp_instance_get_config (inst);
  const VipdAddr *group = NULL;
  g_autofree char *key = socket_key (conf);
  SocketEntry *e = g_hash_table_lookup (d->sockets, key);
  gboolean unicast = conf->unicast_peers->len > 0;

  if (!unicast)
    {
      const VipdAddr *configured = conf->family == AF_INET6 ? &d->config->global.mcast_group6
                                                            : &d->config->global.mcast_group4;

      group = vipd_addr_is_set (configured) ? configured : NULL;
    }
  if (e == NULL)
    {
      g_autoptr (GError) error = NULL;

      e = g_new0 (SocketEntry, 1);
      e->daemon = d;
      e->key = g_strdup (key);
      e->instances = g_ptr_array_new ();
      e->sock = vipd_vrrp_socket_new (conf->interface, conf->family, group, unicast, on_packet, e,
                                      &error);
      if (e->sock == NULL)
        vipd_log_instance (G_LOG_LEVEL_WARNING, conf->name, "%s", error->message);
      g_hash_table_insert (d->sockets, e->key, e);
      vipd_vrrp_instance_set_socket (inst, e->sock, error ? error->message : NULL);
    }
  else
    vipd_vrrp_instance_set_socket (inst, e->sock, e->sock ? NULL : "the socket could not be opened");
  g_ptr_array_add (e->instances, inst);
}

static void
detach_socket (VipdDaemon *d, VipdVrrpInstance *inst)
{
  GHashTableIter iter;
  SocketEntry *e;

  g_hash_table_iter_init (&iter, d->sockets);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &e))
    if (g_ptr_array_remove (e->instances, inst) && e->instances->len == 0)
      g_hash_table_iter_remove (&iter);
}

/* --- tracking, sync groups and notifications --- */

static VipdVrrpSyncGroup *
group_of (VipdDaemon *d, const VipdVrrpInstance *inst)
{
  for (guint i = 0; d->groups && i < d->groups->len; i++)
    if (vipd_vrrp_sync_group_has_member (g_ptr_array_index (d->groups, i), inst))
      return g_ptr_array_index (d->groups, i);
  return NULL;
}

static void
on_instance_changed (VipdVrrpInstance *inst, const VipdActions *a, gpointer user_data)
{
  VipdDaemon *d = user_data;

  const VipdInstance *conf = vipd_vrrp_instance_get_config (inst);
  VipdVrrpSyncGroup *group = group_of (d, inst);

  if (a->state_changed)
    {
      const VipdEventRecord *r = vipd_event_log_add (
          d->events, (guint64) g_get_real_time (), vipd_vrrp_instance_get_name (inst),
          vipd_state_name (a->old_state), vipd_state_name (a->new_state), a->reason);

      if (d->notifier)
        vipd_notifier_transition (d->notifier, VIPD_NOTIFY_INSTANCE, conf->name, &conf->notify,
                                  conf->smtp_alert, a->old_state, a->new_state,
                                  vipd_fsm_priority (vipd_vrrp_instance_get_fsm (inst)),
                                  a->reason);
      if (d->observer.transition)
        d->observer.transition (d, inst, r, d->observer_data);
    }
  /* This runs after every step; the group only cares about what moves it. */
  if (group && (a->state_changed || a->master_changed || a->want_master))
    vipd_vrrp_sync_group_member_changed (group, inst, a);
  if (d->observer.instance_changed)
    d->observer.instance_changed (d, inst, d->observer_data);
}

static void
on_group_changed (VipdVrrpSyncGroup *group, VipdState old_state, VipdState new_state,
                  const char *reason, gpointer user_data)
{
  VipdDaemon *d = user_data;
  const VipdSyncGroup *conf = vipd_vrrp_sync_group_get_config (group);

  if (d->notifier)
    vipd_notifier_transition (d->notifier, VIPD_NOTIFY_GROUP, conf->name, &conf->notify,
                              conf->smtp_alert, old_state, new_state, 0, reason);
  if (d->observer.sync_group_changed)
    d->observer.sync_group_changed (d, conf->name, d->observer_data);
}

/* An instance's trackers are its own plus its sync group's (keepalived's group tracking). */
static void
update_tracking (VipdDaemon *d, VipdVrrpInstance *inst, const char *key, const char *what)
{
  const VipdInstance *conf = vipd_vrrp_instance_get_config (inst);
  const VipdSyncGroup *g = vipd_config_find_group_of (d->config, conf->name);
  g_autoptr (GArray) trackers = g_array_new (FALSE, TRUE, sizeof (VipdTracker));

  vipd_track_hub_collect (d->hub, conf->track_scripts, conf->track_interfaces,
                          conf->track_files, trackers);
  vipd_track_hub_collect_nm (d->hub, conf, trackers);
  if (g)
    vipd_track_hub_collect (d->hub, g->track_scripts, g->track_interfaces, g->track_files,
                            trackers);
  /* keepalived ignores tracking weights inside a sync group: a member's priority moving on its
   * own could only stall the group (members go master together or not at all), so any
   * failure is a fault, which the group does move on. */
  if (g && g->members->len > 1)
    for (guint i = 0; i < trackers->len; i++)
      {
        VipdTracker *t = &g_array_index (trackers, VipdTracker, i);

        if (t->weight != 0 && key == NULL)
          vipd_log_instance (G_LOG_LEVEL_INFO, conf->name,
                             "in sync group %s: the weight of %s is ignored; a failure is a fault",
                             g->name, t->name);
        t->weight = 0;
      }
  vipd_vrrp_instance_set_tracking (inst, (const VipdTracker *) (gpointer) trackers->data,
                                   trackers->len, key, what);
}

static void
on_tracker_changed (const char *key, const char *what, gpointer user_data)
{
  VipdDaemon *d = user_data;

  for (guint i = 0; i < d->instances->len; i++)
    update_tracking (d, g_ptr_array_index (d->instances, i), key, what);
}

/* What NetworkManager says about inst's interface: fault while it manages it and has not
 * activated it; unmanaged and unknown devices are left alone. */
static void
apply_nm (VipdDaemon *d, VipdVrrpInstance *inst)
{
  const char *ifname = vipd_vrrp_instance_get_config (inst)->interface;
  const char *word = "absent";
  g_autofree char *fault = NULL;
  VipdNmDeviceKind kind = vipd_nm_monitor_get_device (d->nm, ifname, &word);

  if (kind == VIPD_NM_DEVICE_NOT_ACTIVATED)
    fault = vipd_nm_describe (ifname, word);
  /* A change that moves no state (unmanaged -> activated) still shows on D-Bus. */
  if (vipd_vrrp_instance_set_nm_device (inst, word, fault) && d->observer.instance_changed)
    d->observer.instance_changed (d, inst, d->observer_data);
}

static void
on_nm_changed (VipdNmMonitor *nm, gpointer user_data)
{
  VipdDaemon *d = user_data;

  for (guint i = 0; i < d->instances->len; i++)
    apply_nm (d, g_ptr_array_index (d->instances, i));
  if (d->hub)
    vipd_track_hub_nm_changed (d->hub);
}

/* Builds the sync groups for d->config, with hub (built for d->config) or a new hub, and
 * applies the trackers' current state. */
static void
wire_trackers (VipdDaemon *d, VipdTrackHub *hub)
{
  d->hub = hub ? hub : vipd_track_hub_new (d->config, d->mon, d->nm, on_tracker_changed, d, NULL);
  d->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) vipd_vrrp_sync_group_free);
  for (guint i = 0; i < d->config->sync_groups->len; i++)
    {
      const VipdSyncGroup *conf = g_ptr_array_index (d->config->sync_groups, i);
      g_autoptr (GPtrArray) members = g_ptr_array_new ();

      for (guint j = 0; j < conf->members->len; j++)
        for (guint k = 0; k < d->instances->len; k++)
          {
            VipdVrrpInstance *inst = g_ptr_array_index (d->instances, k);

            if (g_strcmp0 (vipd_vrrp_instance_get_name (inst),
                           ((VipdTrackRef *) g_ptr_array_index (conf->members, j))->name) == 0)
              g_ptr_array_add (members, inst);
          }
      g_ptr_array_add (d->groups, vipd_vrrp_sync_group_new (conf, members, on_group_changed, d));
    }
  for (guint i = 0; i < d->instances->len; i++)
    {
      VipdVrrpInstance *inst = g_ptr_array_index (d->instances, i);

      /* An instance that left its group (reload) must not keep the group's fault. */
      if (group_of (d, inst) == NULL)
        vipd_vrrp_instance_set_sync_fault (inst, FALSE, "no longer in a sync group");
      apply_nm (d, inst);
      update_tracking (d, inst, NULL, NULL);
    }
  for (guint i = 0; i < d->groups->len; i++)
    vipd_vrrp_sync_group_refresh (g_ptr_array_index (d->groups, i));
}

static void
unwire_trackers (VipdDaemon *d)
{
  g_clear_pointer (&d->groups, g_ptr_array_unref);
  g_clear_pointer (&d->hub, vipd_track_hub_free);
}

static VipdVrrpInstance *
add_instance (VipdDaemon *d, const VipdInstance *conf)
{
  VipdVrrpInstance *inst = vipd_vrrp_instance_new (conf, &d->config->global, d->nl, d->mon);
  guint8 admin = vipd_admin_store_get_priority (d->store, conf->name);

  vipd_vrrp_instance_set_changed_func (inst, on_instance_changed, d);
  /* Restored admin state applies before the first election. */
  if (admin == 1)
    vipd_vrrp_instance_admin (inst, VIPD_EV_ADMIN_DEMOTE, 0, "admin: Demote (restored)");
  else if (admin == 254)
    vipd_vrrp_instance_admin (inst, VIPD_EV_ADMIN_TAKEOVER, 0, "admin: TakeOver (restored)");
  else if (admin != 0)
    vipd_vrrp_instance_admin (inst, VIPD_EV_ADMIN_SET_PRIORITY, admin,
                              "admin: SetPriority (restored)");
  if (d->maintenance)
    vipd_vrrp_instance_admin (inst, VIPD_EV_MAINTENANCE_ON, 0, "maintenance (restored)");
  g_ptr_array_add (d->instances, inst);
  /* The gate closes before the macvlan exists: nothing leaves it with the virtual MAC. */
  vipd_instance_accept_attach (d->accept, inst);
  vipd_instance_vmac_attach (d->vmacs, inst);
  attach_socket (d, inst);
  return inst;
}

void
vipd_daemon_set_system_bus (VipdDaemon *d, gboolean use)
{
  d->no_system_bus = !use;
}

void
vipd_daemon_start (VipdDaemon *d)
{
  d->notifier = vipd_notifier_new (&d->config->global);
  /* Asynchronous: what NetworkManager says arrives through on_nm_changed once it answers. */
  d->nm = vipd_nm_monitor_new (on_nm_changed, d, !d->no_system_bus);
  for (guint i = 0; i < d->config->instances->len; i++)
    add_instance (d, g_ptr_array_index (d->config->instances, i));
  vipd_instance_accept_sync (d->accept, d->instances);
  wire_trackers (d, NULL);
  for (guint i = 0; i < d->instances->len; i++)
    vipd_vrrp_instance_start (g_ptr_array_index (d->instances, i));
  vipd_track_hub_start (d->hub);
  vipd_lvs_manager_start (d->lvs);
  vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "started %u VRRP instance%s from %s",
                     d->instances->len, d->instances->len == 1 ? "" : "s", d->config_path);
}

VipdVrrpInstance *
vipd_daemon_find_instance (VipdDaemon *d, const char *name)
{
  for (guint i = 0; i < d->instances->len; i++)
    {
      VipdVrrpInstance *inst = g_ptr_array_index (d->instances, i);

      if (g_strcmp0 (vipd_vrrp_instance_get_name (inst), name) == 0)
        return inst;
    }
  return NULL;
}

static char **
diag_strings (const VipdDiagList *diags, VipdDiagLevel level)
{
  GStrvBuilder *b = g_strv_builder_new ();
  char **out;

  for (guint i = 0; i < diags->items->len; i++)
    {
      const VipdDiag *diag = g_ptr_array_index (diags->items, i);

      if (diag->level == level)
        {
          g_autofree char *text = vipd_diag_format (diag);

          g_strv_builder_add (b, text);
        }
    }
  out = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return out;
}

gboolean
vipd_daemon_reload (VipdDaemon *d, char ***warnings, GError **error)
{
  g_autoptr (VipdDiagList) diags = vipd_diag_list_new ();
  g_autoptr (VipdConfig) config = vipd_config_load_file (d->config_path, diags);
  g_autoptr (GPtrArray) old = NULL;
  g_autoptr (VipdTrackHub) old_hub = NULL;
  VipdTrackHub *hub;
  g_auto (GStrv) errors = diag_strings (diags, VIPD_DIAG_ERROR);
  g_auto (GStrv) warns = diag_strings (diags, VIPD_DIAG_WARNING);
  guint kept = 0, added = 0, removed = 0;

  for (guint i = 0; warns[i]; i++)
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "%s", warns[i]);
  if (warnings)
    *warnings = g_steal_pointer (&warns);
  if (errors[0] != NULL)
    {
      g_autofree char *all = g_strjoinv ("\n", errors);

      for (guint i = 0; errors[i]; i++)
        vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "%s", errors[i]);
      vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                         "reload refused: %s has %u error%s; the running configuration stays",
                         d->config_path, g_strv_length (errors), errors[1] ? "s" : "");
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s has %u error%s; the running configuration stays:\n%s", d->config_path,
                   g_strv_length (errors), errors[1] ? "s" : "", all);
      return FALSE;
    }

  /* Trackers and groups point into the old configuration: the groups are rebuilt below, and
   * the trackers whose definition did not change move to the new hub, which is built before
   * the old configuration goes. */
  old_hub = g_steal_pointer (&d->hub);
  unwire_trackers (d);
  /* Match instances by name; keep those that can change in place. */
  old = d->instances;
  d->instances = g_ptr_array_new_with_free_func ((GDestroyNotify) vipd_vrrp_instance_free);
  for (guint i = 0; i < config->instances->len; i++)
    {
      const VipdInstance *conf = g_ptr_array_index (config->instances, i);
      VipdVrrpInstance *inst = NULL;

      for (guint j = 0; j < old->len; j++)
        {
          VipdVrrpInstance *candidate = g_ptr_array_index (old, j);

          if (g_strcmp0 (vipd_vrrp_instance_get_name (candidate), conf->name) == 0
              && vipd_vrrp_instance_compatible (candidate, conf))
            {
              inst = g_ptr_array_steal_index (old, j);
              break;
            }
        }
      if (inst)
        {
          vipd_vrrp_instance_reconfigure (inst, conf, &config->global);
          g_ptr_array_add (d->instances, inst);
          /* A reload retries a macvlan that could not be made. */
          vipd_instance_vmac_retry (d->vmacs, inst);
          kept++;
        }
    }
  for (guint i = 0; i < old->len; i++)
    {
      VipdVrrpInstance *inst = g_ptr_array_index (old, i);

      vipd_vrrp_instance_stop (inst);
      detach_socket (d, inst);
      vipd_instance_accept_detach (d->accept, inst);
      vipd_instance_vmac_detach (d->vmacs, inst);
      removed++;
    }
  g_ptr_array_set_size (old, 0);

  hub = vipd_track_hub_new (config, d->mon, d->nm, on_tracker_changed, d, old_hub);
  /* What is left in the old hub changed or went away: its scripts are killed here. */
  g_clear_pointer (&old_hub, vipd_track_hub_free);
  /* Notify scripts that run (notify_stop of the instances just stopped, say) finish. */
  vipd_notifier_reload (d->notifier, &config->global);
  /* The checkers point into the old configuration too. */
  vipd_lvs_manager_reload (d->lvs, config);
  vipd_config_free (d->config);
  d->config = g_steal_pointer (&config);
  {
    g_autoptr (GPtrArray) fresh = g_ptr_array_new ();

    for (guint i = 0; i < d->config->instances->len; i++)
      {
        const VipdInstance *conf = g_ptr_array_index (d->config->instances, i);

        if (vipd_daemon_find_instance (d, conf->name) == NULL)
          {
            g_ptr_array_add (fresh, add_instance (d, conf));
            added++;
          }
      }
    vipd_instance_accept_sync (d->accept, d->instances);
    wire_trackers (d, hub);
    for (guint i = 0; i < fresh->len; i++)
      vipd_vrrp_instance_start (g_ptr_array_index (fresh, i));
    vipd_track_hub_start (d->hub);
  }
  vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL,
                     "reloaded %s: %u instance%s kept, %u started, %u stopped", d->config_path,
                     kept, kept == 1 ? "" : "s", added, removed);
  if (d->observer.instances_changed)
    d->observer.instances_changed (d, d->observer_data);
  return TRUE;
}

/* notify_stop and friends get their time (each is bounded by its own timeout) before the
 * process exits and kills what is left. */
static gboolean
drain_poll (gpointer data)
{
  VipdDaemon *d = data;

  if ((vipd_notifier_busy (d->notifier) || vipd_lvs_manager_scripts_busy (d->lvs))
      && (guint64) g_get_monotonic_time () < d->handover_deadline)
    return G_SOURCE_CONTINUE;
  d->drain_source = 0;
  if (d->done)
    d->done (d->done_data);
  return G_SOURCE_REMOVE;
}

static void
finish_stop (VipdDaemon *d)
{
  g_clear_handle_id (&d->handover_source, g_source_remove);
  vipd_daemon_stop_now (d);
  if ((d->notifier && vipd_notifier_busy (d->notifier)) || vipd_lvs_manager_scripts_busy (d->lvs))
    {
      d->handover_deadline = (guint64) g_get_monotonic_time ()
                             + (guint64) (VIPD_NOTIFY_TIMEOUT_MS + 1000) * 1000;
      d->drain_source = g_timeout_add (HANDOVER_POLL_MS, drain_poll, d);
      return;
    }
  if (d->done)
    d->done (d->done_data);
}

static gboolean
handover_poll (gpointer data)
{
  VipdDaemon *d = data;
  gboolean holding = FALSE;

  for (guint i = 0; i < d->instances->len; i++)
    holding |= vipd_vrrp_instance_holds_vips (g_ptr_array_index (d->instances, i));
  if (holding && (guint64) g_get_monotonic_time () < d->handover_deadline)
    return G_SOURCE_CONTINUE;
  d->handover_source = 0;
  finish_stop (d);
  return G_SOURCE_REMOVE;
}

void
vipd_daemon_stop (VipdDaemon *d, GSourceFunc done, gpointer user_data)
{
  guint64 longest = 0;
  gboolean holding = FALSE;

  if (d->stopping)
    return;
  d->stopping = TRUE;
  d->done = done;
  d->done_data = user_data;
  for (guint i = 0; i < d->instances->len; i++)
    {
      VipdVrrpInstance *inst = g_ptr_array_index (d->instances, i);

      if (vipd_vrrp_instance_begin_handover (inst))
        {
          holding = TRUE;
          longest = MAX (longest, vipd_vrrp_instance_handover_us (inst));
        }
    }
  if (!holding)
    {
      finish_stop (d);
      return;
    }
  vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL,
                     "stopping: handing over, VIPs kept until the new master speaks (at most "
                     "%" G_GUINT64_FORMAT " ms)", longest / 1000);
  d->handover_deadline = (guint64) g_get_monotonic_time () + longest;
  d->handover_source = g_timeout_add (HANDOVER_POLL_MS, handover_poll, d);
}

void
vipd_daemon_stop_now (VipdDaemon *d)
{
  vipd_lvs_manager_stop (d->lvs);
  for (guint i = 0; i < d->instances->len; i++)
    vipd_vrrp_instance_stop (g_ptr_array_index (d->instances, i));
  /* A stopped vipd leaves no macvlan behind, and the bases' ARP settings as they were; nor
   * its nftables tables. */
  for (guint i = 0; i < d->instances->len; i++)
    {
      vipd_instance_accept_detach (d->accept, g_ptr_array_index (d->instances, i));
      vipd_instance_vmac_detach (d->vmacs, g_ptr_array_index (d->instances, i));
    }
  g_clear_pointer (&d->accept, vipd_accept_filter_free);
}

void
vipd_daemon_set_observer (VipdDaemon *d, const VipdDaemonObserver *observer, gpointer user_data)
{
  d->observer = *observer;
  d->observer_data = user_data;
}

gboolean
vipd_daemon_admin (VipdDaemon *d, VipdVrrpInstance *inst, VipdEventType type, guint8 priority,
                   const char *reason, GError **error)
{
  const char *name = vipd_vrrp_instance_get_name (inst);

  vipd_vrrp_instance_admin (inst, type, priority, reason);
  vipd_log_instance (G_LOG_LEVEL_MESSAGE, name, "%s", reason);
  return vipd_admin_store_set_priority (d->store, name,
                                        vipd_vrrp_instance_get_fsm (inst)->admin_priority, error);
}

gboolean
vipd_daemon_set_maintenance (VipdDaemon *d, gboolean enabled, const char *reason,
                             GError **error)
{
  if (d->maintenance != enabled)
    {
      d->maintenance = enabled;
      vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "%s", reason);
      for (guint i = 0; i < d->instances->len; i++)
        vipd_vrrp_instance_admin (g_ptr_array_index (d->instances, i),
                                  enabled ? VIPD_EV_MAINTENANCE_ON : VIPD_EV_MAINTENANCE_OFF, 0,
                                  reason);
    }
  return vipd_admin_store_set_maintenance (d->store, enabled, error);
}

gboolean
vipd_daemon_get_maintenance (VipdDaemon *d)
{
  return d->maintenance;
}

VipdEventLog *
vipd_daemon_get_event_log (VipdDaemon *d)
{
  return d->events;
}

const char *
vipd_daemon_get_config_path (VipdDaemon *d)
{
  return d->config_path;
}

GPtrArray *
vipd_daemon_get_instances (VipdDaemon *d)
{
  return d->instances;
}

const VipdConfig *
vipd_daemon_get_config (VipdDaemon *d)
{
  return d->config;
}

VipdScriptRunner *
vipd_daemon_get_script (VipdDaemon *d, const char *name)
{
  return d->hub ? vipd_track_hub_get_script (d->hub, name) : NULL;
}

GPtrArray *
vipd_daemon_get_sync_groups (VipdDaemon *d)
{
  return d->groups;
}

VipdLvsManager *
vipd_daemon_get_lvs (VipdDaemon *d)
{
  return d->lvs;
}
