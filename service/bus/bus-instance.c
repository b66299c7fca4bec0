/* bus-instance.c — properties and admin methods of one exported instance.
 *
 * The object is a plain registration (bus-objects.h): every Get, GetAll and GetManagedObjects
 * reads the instance live, and nothing but a digest per property is kept for it. */
#include "bus-instance.h"

#include <string.h>

#include "bus-authority.h"
#include "bus-objects.h"
#include "bus-names.h"
#include "bus-track.h"
#include "log.h"
#include "fsm/priority.h"
#include "wire/packet.h"

/* What the exported properties are made of, as last announced. The daemon reports a change
 * after every protocol step (each advert sent or received); building twenty values each time
 * to find that none had changed was most of vipd's CPU time with many instances.
 * Configuration-derived properties change only with a new configuration. */
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

/* The properties, each read live from the instance. */
typedef GVariant *(*PropertyFunc) (VipdBusInstance *bi);
typedef struct
{
  const char *name;
  PropertyFunc get;
} Property;
#define N_PROPERTIES 23

struct _VipdBusInstance
{
  VipdDaemon *daemon;
  VipdVrrpInstance *inst;
  VipdBusObjects *objects;
  char *path;
  Seen seen;
  char *seen_nm_device;
  gboolean synced;
  gboolean exported; /* FALSE when another object took the path */
  /* A digest of each property's value as last announced: PropertiesChanged names only the
   * properties whose value moved, as a skeleton would, without keeping the values. */
  guint64 digest[N_PROPERTIES];
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

static void
method_call (GDBusConnection *bus, const char *sender, const char *path, const char *iface,
             const char *method, GVariant *params, GDBusMethodInvocation *inv, gpointer data)
{
  guint8 priority;

  /* GDBus has checked the method's name and its argument types against the XML. */
  if (g_str_equal (method, "Demote"))
    start_admin (data, inv, VIPD_ACTION_DEMOTE, VIPD_EV_ADMIN_DEMOTE, 0, "Demote");
  else if (g_str_equal (method, "TakeOver"))
    start_admin (data, inv, VIPD_ACTION_TAKEOVER, VIPD_EV_ADMIN_TAKEOVER, 0, "TakeOver");
  else if (g_str_equal (method, "ResetPriority"))
    start_admin (data, inv, VIPD_ACTION_SET_PRIORITY, VIPD_EV_ADMIN_RESET_PRIORITY, 0,
                 "ResetPriority");
  else if (g_str_equal (method, "SendGarp"))
    start_admin (data, inv, VIPD_ACTION_SEND_GARP, (VipdEventType) -1, 0, "SendGarp");
  else if (g_str_equal (method, "SetPriority"))
    {
      g_variant_get (params, "(y)", &priority);
      if (priority < VIPD_PRIORITY_MIN || priority > VIPD_PRIORITY_MAX_BACKUP)
        g_dbus_method_invocation_return_error (inv, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                               "priority %u is out of range: use 1-254 "
                                               "(255 is reserved for the address owner)",
                                               priority);
      else
        start_admin (data, inv, VIPD_ACTION_SET_PRIORITY, VIPD_EV_ADMIN_SET_PRIORITY, priority,
                     "SetPriority");
    }
  else
    g_dbus_method_invocation_return_error (inv, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "%s has no method %s", VIPD_DBUS_IFACE_INSTANCE,
                                           method);
}

/* --- the properties --- */

static const VipdInstance *
conf_of (VipdBusInstance *bi)
{
  return vipd_vrrp_instance_get_config (bi->inst);
}

static const VipdFsm *
fsm_of (VipdBusInstance *bi)
{
  return vipd_vrrp_instance_get_fsm (bi->inst);
}

static GVariant *
p_name (VipdBusInstance *bi)
{
  return g_variant_new_string (conf_of (bi)->name);
}

static GVariant *
p_interface (VipdBusInstance *bi)
{
  return g_variant_new_string (conf_of (bi)->interface);
}

static GVariant *
p_vmac_interface (VipdBusInstance *bi)
{
  const VipdInstance *conf = conf_of (bi);

  return g_variant_new_string (conf->use_vmac && conf->vmac_name ? conf->vmac_name : "");
}

static GVariant *
p_vrid (VipdBusInstance *bi)
{
  return g_variant_new_byte ((guint8) conf_of (bi)->vrid);
}

static GVariant *
p_version (VipdBusInstance *bi)
{
  return g_variant_new_byte ((guint8) conf_of (bi)->version);
}

static GVariant *
p_family (VipdBusInstance *bi)
{
  return g_variant_new_string (conf_of (bi)->family == AF_INET6 ? "ipv6" : "ipv4");
}

static GVariant *
p_state (VipdBusInstance *bi)
{
  return g_variant_new_string (vipd_state_name (fsm_of (bi)->state));
}

static GVariant *
p_base_priority (VipdBusInstance *bi)
{
  return g_variant_new_byte (fsm_of (bi)->cfg.priority);
}

static GVariant *
p_admin_priority (VipdBusInstance *bi)
{
  return g_variant_new_byte (fsm_of (bi)->admin_priority);
}

static GVariant *
p_effective_priority (VipdBusInstance *bi)
{
  return g_variant_new_byte (vipd_fsm_priority (fsm_of (bi)));
}

static GVariant *
p_preempt (VipdBusInstance *bi)
{
  return g_variant_new_boolean (fsm_of (bi)->cfg.preempt);
}

static GVariant *
p_advert_interval (VipdBusInstance *bi)
{
  return g_variant_new_uint32 ((guint32) fsm_of (bi)->cfg.adver_int_cs * 10);
}

static GVariant *
p_virtual_addresses (VipdBusInstance *bi)
{
  g_auto (GStrv) vips = vipd_vrrp_instance_dup_vips (bi->inst);

  return g_variant_new_strv ((const char *const *) vips, -1);
}

static GVariant *
p_master_address (VipdBusInstance *bi)
{
  VipdAddr owner = vipd_vrrp_instance_get_owner (bi->inst);
  char text[VIPD_ADDR_STRLEN] = "";

  if (vipd_addr_is_set (&owner))
    vipd_addr_format (&owner, text, sizeof text);
  return g_variant_new_string (text);
}

static GVariant *
p_master_priority (VipdBusInstance *bi)
{
  const VipdFsm *fsm = fsm_of (bi);

  return g_variant_new_byte (fsm->state == VIPD_STATE_MASTER ? vipd_fsm_priority (fsm)
                                                             : fsm->master_priority);
}

static GVariant *
p_last_transition (VipdBusInstance *bi)
{
  const char *reason = NULL;

  return g_variant_new_uint64 (vipd_vrrp_instance_get_last_transition (bi->inst, &reason));
}

static GVariant *
p_last_transition_reason (VipdBusInstance *bi)
{
  const char *reason = NULL;

  vipd_vrrp_instance_get_last_transition (bi->inst, &reason);
  return g_variant_new_string (reason ? reason : "");
}

static GVariant *
p_sync_group (VipdBusInstance *bi)
{
  g_autofree char *group =
      vipd_bus_track_instance_group (vipd_daemon_get_config (bi->daemon), conf_of (bi));

  return g_variant_new_object_path (group);
}

static GVariant *
p_track_scripts (VipdBusInstance *bi)
{
  g_auto (GStrv) scripts =
      vipd_bus_track_instance_scripts (vipd_daemon_get_config (bi->daemon), conf_of (bi));

  return g_variant_new_objv ((const char *const *) scripts, -1);
}

static GVariant *
p_network_manager_device (VipdBusInstance *bi)
{
  const char *device = vipd_vrrp_instance_get_nm_device (bi->inst);

  return g_variant_new_string (device ? device : "");
}

static GVariant *
p_checksum_form (VipdBusInstance *bi)
{
  const VipdInstance *conf = conf_of (bi);
  VipdCsumForm wanted =
      conf->v3_checksum_as_v2 == VIPD_TRISTATE_YES ? VIPD_CSUM_PLAIN : VIPD_CSUM_PSEUDO;

  return g_variant_new_string (
      vipd_csum_form_name (vipd_csum_form_for ((guint8) conf->version, conf->family, wanted)));
}

static GVariant *
p_checksum_strict (VipdBusInstance *bi)
{
  const VipdInstance *conf = conf_of (bi);

  /* v2 and IPv6 know a single form, so the other one is always refused. */
  return g_variant_new_boolean (conf->version == 2 || conf->family == AF_INET6
                                || conf->v3_checksum_strict == VIPD_TRISTATE_YES);
}

static GVariant *
p_counters (VipdBusInstance *bi)
{
  return counters_variant (bi->inst);
}

/* In the XML's order. Counters is last: it changes with every advert and is only read
 * (EmitsChangedSignal=false), never announced. */
static const Property properties[N_PROPERTIES] = {
  { "Name", p_name },
  { "Interface", p_interface },
  { "VirtualMacInterface", p_vmac_interface },
  { "VirtualRouterId", p_vrid },
  { "Version", p_version },
  { "Family", p_family },
  { "State", p_state },
  { "BasePriority", p_base_priority },
  { "AdminPriority", p_admin_priority },
  { "EffectivePriority", p_effective_priority },
  { "Preempt", p_preempt },
  { "AdvertInterval", p_advert_interval },
  { "VirtualAddresses", p_virtual_addresses },
  { "MasterAddress", p_master_address },
  { "MasterPriority", p_master_priority },
  { "LastTransition", p_last_transition },
  { "LastTransitionReason", p_last_transition_reason },
  { "SyncGroup", p_sync_group },
  { "TrackScripts", p_track_scripts },
  { "NetworkManagerDevice", p_network_manager_device },
  { "ChecksumForm", p_checksum_form },
  { "ChecksumStrict", p_checksum_strict },
  { "Counters", p_counters },
};
#define N_ANNOUNCED (N_PROPERTIES - 1)

static GVariant *
get_property (GDBusConnection *bus, const char *sender, const char *path, const char *iface,
              const char *name, GError **error, gpointer data)
{
  for (guint i = 0; i < N_PROPERTIES; i++)
    if (g_str_equal (properties[i].name, name))
      return properties[i].get (data);
  /* GDBus only asks for properties of the XML, which all are in the table. */
  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "no property %s", name);
  return NULL;
}

static GVariant *
get_all (gpointer data)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < N_PROPERTIES; i++)
    g_variant_builder_add (&b, "{sv}", properties[i].name, properties[i].get (data));
  return g_variant_builder_end (&b);
}

static const VipdBusObjectClass instance_class = {
  vipd_dbus_instance_interface_info,
  { method_call, get_property, NULL, { 0 } },
  get_all,
};

/* FNV-1a over the value's serialised form: equal values give equal bytes. */
static guint64
digest_of (GVariant *v)
{
  const guchar *p = g_variant_get_data (v);
  gsize n = g_variant_get_size (v);
  guint64 h = 14695981039346656037ULL;

  for (gsize i = 0; i < n; i++)
    h = (h ^ p[i]) * 1099511628211ULL;
  return h;
}

VipdBusInstance *
vipd_bus_instance_new (VipdDaemon *daemon, VipdVrrpInstance *inst, VipdBusObjects *objects)
{
  VipdBusInstance *bi = g_new0 (VipdBusInstance, 1);

  G_STATIC_ASSERT (G_N_ELEMENTS (properties) == N_PROPERTIES);
  bi->daemon = daemon;
  bi->inst = inst;
  bi->objects = objects;
  bi->path = vipd_bus_instance_path (vipd_vrrp_instance_get_name (inst));
  vipd_bus_instance_sync (bi);
  vipd_bus_instance_export (bi);
  return bi;
}

void
vipd_bus_instance_export (VipdBusInstance *bi)
{
  g_autoptr (GError) error = NULL;

  if (bi->exported)
    return;
  bi->exported = vipd_bus_objects_add (bi->objects, bi->path, &instance_class, bi, &error);
  if (!bi->exported)
    vipd_log_instance (G_LOG_LEVEL_WARNING, vipd_vrrp_instance_get_name (bi->inst),
                       "not on D-Bus (%s): another instance's name gives the same object path "
                       "(every byte but letters, digits and _ is written _xx); rename one of "
                       "them. VRRP runs regardless", error->message);
}

void
vipd_bus_instance_free (VipdBusInstance *bi)
{
  if (bi == NULL)
    return;
  if (bi->exported)
    vipd_bus_objects_remove (bi->objects, bi->path);
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
  GVariantBuilder changed;
  gboolean first = !bi->synced;
  gboolean any = FALSE;
  Seen now;

  if (!changed_since (bi, &now))
    return;
  bi->seen = now;
  bi->synced = TRUE;
  g_free (bi->seen_nm_device);
  bi->seen_nm_device = g_strdup (vipd_vrrp_instance_get_nm_device (bi->inst));
  g_variant_builder_init (&changed, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < N_ANNOUNCED; i++)
    {
      g_autoptr (GVariant) v = g_variant_ref_sink (properties[i].get (bi));
      guint64 d = digest_of (v);

      if (!first && d == bi->digest[i])
        continue;
      bi->digest[i] = d;
      g_variant_builder_add (&changed, "{sv}", properties[i].name, v);
      any = TRUE;
    }
  /* The first values go out with InterfacesAdded (or GetManagedObjects). */
  if (any && !first && bi->exported)
    g_dbus_connection_emit_signal (vipd_bus_objects_get_connection (bi->objects), NULL, bi->path,
                                   "org.freedesktop.DBus.Properties", "PropertiesChanged",
                                   g_variant_new ("(sa{sv}as)", VIPD_DBUS_IFACE_INSTANCE,
                                                  &changed, NULL),
                                   NULL);
  else
    g_variant_builder_clear (&changed);
}

void
vipd_bus_instance_emit_state_changed (VipdBusInstance *bi, const VipdEventRecord *event)
{
  /* PropertiesChanged goes out first, so that a client that caches properties (GDBusProxy)
   * and reads State when StateChanged arrives sees the new state, not the old one. */
  vipd_bus_instance_sync (bi);
  if (!bi->exported)
    return;
  g_dbus_connection_emit_signal (vipd_bus_objects_get_connection (bi->objects), NULL, bi->path,
                                 VIPD_DBUS_IFACE_INSTANCE, "StateChanged",
                                 g_variant_new ("(sss)", event->old_state, event->new_state,
                                                event->reason),
                                 NULL);
}
