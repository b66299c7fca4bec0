/* bus-instance.c — properties and admin methods of one exported instance. */
#include "bus-instance.h"

#include <string.h>

#include "bus-authority.h"
#include "bus-names.h"
#include "bus-track.h"
#include "fsm/priority.h"
#include "wire/packet.h"

/* What the exported properties are made of, as last copied to the skeleton. The daemon
 * reports a change after every protocol step (each advert sent or received); setting twenty
 * GObject properties each time to find that none had changed was most of vipd's CPU time with
 * many instances. Configuration-derived properties change only with a new configuration. */
typedef struct
{
  const VipdInstance *conf;
  const VipdConfig *config;
  VipdAddr owner;
  guint64 last_transition;
  guint16 adver_int_cs;
  guint8 state;
  guint8 base_priority;
  guint8 admin_priority;
  guint8 effective_priority;
  guint8 master_priority;
  gboolean preempt;
} Seen;

struct _VipdBusInstance
{
  VipdDaemon *daemon;
  VipdVrrpInstance *inst;
  GDBusObjectManagerServer *server;
  VipdDBusObjectSkeleton *object;
  VipdDBusInstance *iface;
  char *path;
  Seen seen;
  char *seen_nm_device;
  gboolean synced;
};

/* --- Counters, read from the instance whenever a caller reads the property ---
 *
 * The counters change with every advert. Copying them into every exported object once a
 * second made a PropertiesChanged signal per instance per second: with a thousand instances
 * that was a thousand signals a second for dbus-daemon to route, and most of vipd's CPU time.
 * A skeleton subclass answers Get, GetAll and GetManagedObjects with the live values instead;
 * the XML marks Counters EmitsChangedSignal=false. */

typedef struct
{
  VipdDBusInstanceSkeleton parent;
  VipdVrrpInstance *inst; /* NULL once the instance is gone */
} CountersSkeleton;

typedef struct
{
  VipdDBusInstanceSkeletonClass parent_class;
} CountersSkeletonClass;

static GType counters_skeleton_get_type (void);
G_DEFINE_TYPE (CountersSkeleton, counters_skeleton, VIPD_DBUS_TYPE_INSTANCE_SKELETON)

enum
{
  PROP_COUNTERS = 1,
};

/* "rx-dropped-ttl" ...: one key per drop reason, built once. */
static const char *
dropped_key (guint reason)
{
  static char *keys[VIPD_RX_N_REASONS];

  if (keys[reason] == NULL)
    {
      keys[reason] = g_strdup_printf ("rx-dropped-%s", vipd_rx_result_name (reason));
      g_strdelimit (keys[reason], "_ ", '-');
    }
  return keys[reason];
}

static GVariant *
counters_variant (VipdVrrpInstance *inst)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{st}"));
  if (inst != NULL)
    {
      const VipdInstanceCounters *c = vipd_vrrp_instance_get_counters (inst);

      g_variant_builder_add (&b, "{st}", "adverts-rx", c->adverts_rx);
      g_variant_builder_add (&b, "{st}", "adverts-tx", c->adverts_tx);
      g_variant_builder_add (&b, "{st}", "send-errors", c->send_errors);
      g_variant_builder_add (&b, "{st}", "became-master", c->became_master);
      g_variant_builder_add (&b, "{st}", "router-adverts-tx", c->router_adverts_tx);
      g_variant_builder_add (&b, "{st}", "router-solicits-rx", c->router_solicits_rx);
      for (guint r = 1; r < VIPD_RX_N_REASONS; r++)
        g_variant_builder_add (&b, "{st}", dropped_key (r), c->rx_dropped[r]);
    }
  return g_variant_builder_end (&b);
}

static void
counters_skeleton_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  CountersSkeleton *self = (CountersSkeleton *) object;

  if (id == PROP_COUNTERS)
    g_value_take_variant (value, counters_variant (self->inst));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
counters_skeleton_set_property (GObject *object, guint id, const GValue *value,
                                GParamSpec *pspec)
{
  /* Read-only on the bus, and nothing in vipd sets it: the value is always computed. */
  if (id != PROP_COUNTERS)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
counters_skeleton_class_init (CountersSkeletonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = counters_skeleton_get_property;
  object_class->set_property = counters_skeleton_set_property;
  g_object_class_override_property (object_class, PROP_COUNTERS, "counters");
}

static void
counters_skeleton_init (CountersSkeleton *self)
{
}

/* What an admin call needs after polkit has answered; the instance is looked up again by name
 * then, since a reload may have replaced it meanwhile. */
typedef struct
{
  VipdDaemon *daemon;
  char *name;
  GDBusMethodInvocation *invocation;
  VipdEventType type;
  guint8 priority;
  const char *verb;
} AdminCall;

static void
admin_call_free (AdminCall *c)
{
  g_free (c->name);
  g_object_unref (c->invocation);
  g_free (c);
}

char *
vipd_bus_escape_name (const char *name)
{
  GString *out = g_string_new (NULL);

  /* Letters, digits and "_" stay, so that VI_1 is /org/vipd/Vrrp1/instance/VI_1 and busctl
   * users can type it; any other byte becomes _xx (g_dbus_escape_object_path() would also
   * turn every "_" into "_5f"). */
  for (const guchar *p = (const guchar *) name; *p; p++)
    if (g_ascii_isalnum (*p) || *p == '_')
      g_string_append_c (out, (char) *p);
    else
      g_string_append_printf (out, "_%02x", *p);
  if (out->len == 0)
    g_string_append (out, "_");
  return g_string_free (out, FALSE);
}

char *
vipd_bus_instance_path (const char *name)
{
  g_autofree char *escaped = vipd_bus_escape_name (name);

  return g_strconcat (VIPD_DBUS_INSTANCE_PREFIX, escaped, NULL);
}

static void
on_authorized (GObject *source, GAsyncResult *res, gpointer user_data)
{
  AdminCall *c = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *reason = NULL;
  VipdVrrpInstance *inst;
  guint32 uid = 0;

  if (!vipd_bus_authorize_finish (res, &uid, &error))
    {
      g_dbus_method_invocation_return_gerror (c->invocation, error);
      admin_call_free (c);
      return;
    }
  inst = vipd_daemon_find_instance (c->daemon, c->name);
  if (inst == NULL)
    {
      g_dbus_method_invocation_return_error (c->invocation, G_DBUS_ERROR,
                                             G_DBUS_ERROR_UNKNOWN_OBJECT,
                                             "instance %s is gone (the configuration was reloaded)",
                                             c->name);
      admin_call_free (c);
      return;
    }
  if (c->type == VIPD_EV_ADMIN_SET_PRIORITY)
    reason = g_strdup_printf ("admin: %s %u by uid %u", c->verb, c->priority, uid);
  else
    reason = g_strdup_printf ("admin: %s by uid %u", c->verb, uid);
  if (c->type == (VipdEventType) -1)
    {
      /* SendGarp: not a state-machine event. */
      if (!vipd_vrrp_instance_send_garp (inst))
        {
          g_dbus_method_invocation_return_error (c->invocation, G_DBUS_ERROR, G_DBUS_ERROR_FAILED,
                                                 "%s does not hold its VIPs here (state %s): "
                                                 "call SendGarp on the master",
                                                 c->name,
                                                 vipd_state_name (vipd_vrrp_instance_get_state (inst)));
          admin_call_free (c);
          return;
        }
    }
  else if (!vipd_daemon_admin (c->daemon, inst, c->type, c->priority, reason, &error))
    /* It took effect; only remembering it across a restart failed. Say so, but succeed. */
    g_warning ("%s: %s", c->name, error->message);
  g_dbus_method_invocation_return_value (c->invocation, NULL);
  admin_call_free (c);
}

static gboolean
start_admin (VipdBusInstance *bi, GDBusMethodInvocation *invocation, const char *action,
             VipdEventType type, guint8 priority, const char *verb)
{
  AdminCall *c = g_new0 (AdminCall, 1);

  c->daemon = bi->daemon;
  c->name = g_strdup (vipd_vrrp_instance_get_name (bi->inst));
  c->invocation = g_object_ref (invocation);
  c->type = type;
  c->priority = priority;
  c->verb = verb;
  vipd_bus_authorize (invocation, action, on_authorized, c);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_demote (VipdDBusInstance *iface, GDBusMethodInvocation *inv, gpointer data)
{
  return start_admin (data, inv, VIPD_ACTION_DEMOTE, VIPD_EV_ADMIN_DEMOTE, 0, "Demote");
}

static gboolean
handle_take_over (VipdDBusInstance *iface, GDBusMethodInvocation *inv, gpointer data)
{
  return start_admin (data, inv, VIPD_ACTION_TAKEOVER, VIPD_EV_ADMIN_TAKEOVER, 0, "TakeOver");
}

static gboolean
handle_set_priority (VipdDBusInstance *iface, GDBusMethodInvocation *inv, guchar priority,
                     gpointer data)
{
  if (priority < VIPD_PRIORITY_MIN || priority > VIPD_PRIORITY_MAX_BACKUP)
    {
      g_dbus_method_invocation_return_error (inv, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                             "priority %u is out of range: use 1-254 "
                                             "(255 is reserved for the address owner)",
                                             priority);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  return start_admin (data, inv, VIPD_ACTION_SET_PRIORITY, VIPD_EV_ADMIN_SET_PRIORITY, priority,
                      "SetPriority");
}

static gboolean
handle_reset_priority (VipdDBusInstance *iface, GDBusMethodInvocation *inv, gpointer data)
{
  return start_admin (data, inv, VIPD_ACTION_SET_PRIORITY, VIPD_EV_ADMIN_RESET_PRIORITY, 0,
                      "ResetPriority");
}

static gboolean
handle_send_garp (VipdDBusInstance *iface, GDBusMethodInvocation *inv, gpointer data)
{
  return start_admin (data, inv, VIPD_ACTION_SEND_GARP, (VipdEventType) -1, 0, "SendGarp");
}

VipdBusInstance *
vipd_bus_instance_new (VipdDaemon *daemon, VipdVrrpInstance *inst,
                       GDBusObjectManagerServer *server)
{
  VipdBusInstance *bi = g_new0 (VipdBusInstance, 1);

  bi->daemon = daemon;
  bi->inst = inst;
  bi->server = g_object_ref (server);
  bi->path = vipd_bus_instance_path (vipd_vrrp_instance_get_name (inst));
  bi->object = vipd_dbus_object_skeleton_new (bi->path);
  bi->iface = g_object_new (counters_skeleton_get_type (), NULL);
  ((CountersSkeleton *) bi->iface)->inst = inst;
  g_signal_connect (bi->iface, "handle-demote", G_CALLBACK (handle_demote), bi);
  g_signal_connect (bi->iface, "handle-take-over", G_CALLBACK (handle_take_over), bi);
  g_signal_connect (bi->iface, "handle-set-priority", G_CALLBACK (handle_set_priority), bi);
  g_signal_connect (bi->iface, "handle-reset-priority", G_CALLBACK (handle_reset_priority), bi);
  g_signal_connect (bi->iface, "handle-send-garp", G_CALLBACK (handle_send_garp), bi);
  vipd_bus_instance_sync (bi);
  vipd_dbus_object_skeleton_set_instance (bi->object, bi->iface);
  g_dbus_object_manager_server_export (server, G_DBUS_OBJECT_SKELETON (bi->object));
  return bi;
}

void
vipd_bus_instance_free (VipdBusInstance *bi)
{
  if (bi == NULL)
    return;
  g_signal_handlers_disconnect_by_data (bi->iface, bi);
  ((CountersSkeleton *) bi->iface)->inst = NULL;
  g_dbus_object_manager_server_unexport (bi->server, bi->path);
  g_object_unref (bi->iface);
  g_object_unref (bi->object);
  g_object_unref (bi->server);
  g_free (bi->seen_nm_device);
  g_free (bi->path);
  g_free (bi);
}

VipdVrrpInstance *
vipd_bus_instance_get_instance (VipdBusInstance *bi)
{
  return bi->inst;
}

/* Fills what the properties are made of; TRUE when it differs from what was last copied. */
static gboolean
changed_since (VipdBusInstance *bi, Seen *now)
{
  const VipdFsm *fsm = vipd_vrrp_instance_get_fsm (bi->inst);
  const char *reason = NULL;

  memset (now, 0, sizeof *now); /* padding too: compared with memcmp */
  now->conf = vipd_vrrp_instance_get_config (bi->inst);
  now->config = vipd_daemon_get_config (bi->daemon);
  now->owner = vipd_vrrp_instance_get_owner (bi->inst);
  now->last_transition = vipd_vrrp_instance_get_last_transition (bi->inst, &reason);
  now->adver_int_cs = fsm->cfg.adver_int_cs;
  now->state = (guint8) fsm->state;
  now->base_priority = fsm->cfg.priority;
  now->admin_priority = fsm->admin_priority;
  now->effective_priority = vipd_fsm_priority (fsm);
  now->master_priority = fsm->state == VIPD_STATE_MASTER ? vipd_fsm_priority (fsm)
                                                         : fsm->master_priority;
  now->preempt = fsm->cfg.preempt;
  return !bi->synced || memcmp (now, &bi->seen, sizeof *now) != 0
         || g_strcmp0 (bi->seen_nm_device, vipd_vrrp_instance_get_nm_device (bi->inst)) != 0;
}

void
vipd_bus_instance_sync (VipdBusInstance *bi)
{
  VipdDBusInstance *i = bi->iface;
  Seen now;
  const VipdInstance *conf;
  const VipdFsm *fsm;
  VipdAddr owner;
  g_auto (GStrv) vips = NULL;
  char owner_text[VIPD_ADDR_STRLEN] = "";
  const char *reason = "";
  guint64 last;
  const VipdConfig *config;
  g_auto (GStrv) scripts = NULL;
  g_autofree char *group = NULL;

  if (!changed_since (bi, &now))
    return;
  bi->seen = now;
  bi->synced = TRUE;
  g_free (bi->seen_nm_device);
  bi->seen_nm_device = g_strdup (vipd_vrrp_instance_get_nm_device (bi->inst));
  conf = vipd_vrrp_instance_get_config (bi->inst);
  fsm = vipd_vrrp_instance_get_fsm (bi->inst);
  owner = vipd_vrrp_instance_get_owner (bi->inst);
  vips = vipd_vrrp_instance_dup_vips (bi->inst);
  last = vipd_vrrp_instance_get_last_transition (bi->inst, &reason);
  config = vipd_daemon_get_config (bi->daemon);
  scripts = vipd_bus_track_instance_scripts (config, conf);
  group = vipd_bus_track_instance_group (config, conf);
  if (vipd_addr_is_set (&owner))
    vipd_addr_format (&owner, owner_text, sizeof owner_text);
  vipd_dbus_instance_set_name (i, conf->name);
  vipd_dbus_instance_set_interface (i, conf->interface);
  vipd_dbus_instance_set_virtual_mac_interface (i, conf->use_vmac ? conf->vmac_name : "");
  vipd_dbus_instance_set_virtual_router_id (i, (guchar) conf->vrid);
  vipd_dbus_instance_set_version (i, (guchar) conf->version);
  vipd_dbus_instance_set_family (i, conf->family == AF_INET6 ? "ipv6" : "ipv4");
  vipd_dbus_instance_set_state (i, vipd_state_name (fsm->state));
  vipd_dbus_instance_set_base_priority (i, fsm->cfg.priority);
  vipd_dbus_instance_set_admin_priority (i, fsm->admin_priority);
  vipd_dbus_instance_set_effective_priority (i, vipd_fsm_priority (fsm));
  vipd_dbus_instance_set_preempt (i, fsm->cfg.preempt);
  vipd_dbus_instance_set_advert_interval (i, (guint) fsm->cfg.adver_int_cs * 10);
  vipd_dbus_instance_set_virtual_addresses (i, (const char *const *) vips);
  vipd_dbus_instance_set_master_address (i, owner_text);
  vipd_dbus_instance_set_master_priority (i, fsm->state == VIPD_STATE_MASTER
                                                 ? vipd_fsm_priority (fsm)
                                                 : fsm->master_priority);
  vipd_dbus_instance_set_last_transition (i, last);
  vipd_dbus_instance_set_last_transition_reason (i, reason);
  vipd_dbus_instance_set_network_manager_device (i, vipd_vrrp_instance_get_nm_device (bi->inst));
  vipd_dbus_instance_set_checksum_form (
      i, vipd_csum_form_name (vipd_csum_form_for (
             (guint8) conf->version, conf->family,
             conf->v3_checksum_as_v2 == VIPD_TRISTATE_YES ? VIPD_CSUM_PLAIN : VIPD_CSUM_PSEUDO)));
  /* v2 and IPv6 know a single form, so the other one is always refused. */
  vipd_dbus_instance_set_checksum_strict (i, conf->version == 2 || conf->family == AF_INET6
                                                 || conf->v3_checksum_strict == VIPD_TRISTATE_YES);
  vipd_dbus_instance_set_sync_group (i, group);
  vipd_dbus_instance_set_track_scripts (i, (const char *const *) scripts);
}

void
vipd_bus_instance_emit_state_changed (VipdBusInstance *bi, const VipdEventRecord *event)
{
  /* The skeleton sends PropertiesChanged from an idle; flushed here, it reaches the bus before
   * the signal, so a client that caches properties (GDBusProxy) and reads State when
   * StateChanged arrives sees the new state, not the old one. */
  vipd_bus_instance_sync (bi);
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (bi->iface));
  vipd_dbus_instance_emit_state_changed (bi->iface, event->old_state, event->new_state,
                                         event->reason);
}
