/* bus-objects.c — the ObjectManager at /org/vipd/Vrrp1 and its objects. */
#include "bus-objects.h"

#include <string.h>

#include "log.h"

#define OM_IFACE "org.freedesktop.DBus.ObjectManager"

typedef struct
{
  char *path;
  GDBusInterfaceSkeleton *skeleton; /* either an interface skeleton, */
  const VipdBusObjectClass *klass;  /* or a registration read through klass */
  gpointer data;
  guint registration;
} Entry;

struct _VipdBusObjects
{
  GDBusConnection *bus;
  char *root;
  guint registration;
  GHashTable *entries; /* path -> Entry* */
  gboolean announced;
};

static const char om_xml[] =
    "<node><interface name='" OM_IFACE "'>"
    "<method name='GetManagedObjects'>"
    "<arg name='objects' type='a{oa{sa{sv}}}' direction='out'/></method>"
    "<signal name='InterfacesAdded'><arg name='object' type='o'/>"
    "<arg name='interfaces' type='a{sa{sv}}'/></signal>"
    "<signal name='InterfacesRemoved'><arg name='object' type='o'/>"
    "<arg name='interfaces' type='as'/></signal>"
    "</interface></node>";

static GDBusInterfaceInfo *
om_info (void)
{
  static gsize once;
  static GDBusNodeInfo *node;

  if (g_once_init_enter (&once))
    {
      node = g_dbus_node_info_new_for_xml (om_xml, NULL);
      g_once_init_leave (&once, 1);
    }
  return node->interfaces[0];
}

static const char *
entry_iface_name (const Entry *e)
{
  return e->skeleton ? g_dbus_interface_skeleton_get_info (e->skeleton)->name
                     : e->klass->info ()->name;
}

/* {interface: {property: value}} of one object. */
static GVariant *
entry_interfaces (const Entry *e)
{
  /* A skeleton's properties come as a full reference, get_all's as a floating one. */
  g_autoptr (GVariant) props = e->skeleton
                                   ? g_dbus_interface_skeleton_get_properties (e->skeleton)
                                   : g_variant_ref_sink (e->klass->get_all (e->data));
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sa{sv}}"));
  g_variant_builder_add (&b, "{s@a{sv}}", entry_iface_name (e), props);
  return g_variant_builder_end (&b);
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(Entry *const *) a)->path, (*(Entry *const *) b)->path);
}

static void
om_method_call (GDBusConnection *bus, const char *sender, const char *path, const char *iface,
                const char *method, GVariant *params, GDBusMethodInvocation *invocation,
                gpointer user_data)
{
  VipdBusObjects *o = user_data;
  g_autoptr (GPtrArray) sorted = g_ptr_array_sized_new (g_hash_table_size (o->entries));
  GHashTableIter iter;
  gpointer entry;
  GVariantBuilder b;

  g_hash_table_iter_init (&iter, o->entries);
  while (g_hash_table_iter_next (&iter, NULL, &entry))
    g_ptr_array_add (sorted, entry);
  /* In path order, so that every caller sees the same listing. */
  g_ptr_array_sort (sorted, compare_paths);
  g_variant_builder_init (&b, G_VARIANT_TYPE ("(a{oa{sa{sv}}})"));
  g_variant_builder_open (&b, G_VARIANT_TYPE ("a{oa{sa{sv}}}"));
  for (guint i = 0; i < sorted->len; i++)
    {
      const Entry *e = g_ptr_array_index (sorted, i);

      g_variant_builder_add (&b, "{o@a{sa{sv}}}", e->path, entry_interfaces (e));
    }
  g_variant_builder_close (&b);
  g_dbus_method_invocation_return_value (invocation, g_variant_builder_end (&b));
}

static void
entry_unexport (VipdBusObjects *o, Entry *e)
{
  if (e->skeleton)
    {
      g_dbus_interface_skeleton_unexport (e->skeleton);
      g_object_unref (e->skeleton);
    }
  if (e->registration)
    g_dbus_connection_unregister_object (o->bus, e->registration);
  g_free (e->path);
  g_free (e);
}

VipdBusObjects *
vipd_bus_objects_new (GDBusConnection *bus, const char *root, GError **error)
{
  static const GDBusInterfaceVTable vtable = { om_method_call, NULL, NULL, { 0 } };
  VipdBusObjects *o = g_new0 (VipdBusObjects, 1);

  o->bus = g_object_ref (bus);
  o->root = g_strdup (root);
  o->entries = g_hash_table_new (g_str_hash, g_str_equal);
  o->registration = g_dbus_connection_register_object (bus, root, om_info (), &vtable, o, NULL,
                                                       error);
  if (o->registration == 0)
    {
      vipd_bus_objects_free (o);
      return NULL;
    }
  return o;
}

void
vipd_bus_objects_free (VipdBusObjects *o)
{
  GHashTableIter iter;
  Entry *e;

  if (o == NULL)
    return;
  /* Going away as a whole (shutdown, lost bus): no InterfacesRemoved per object. */
  g_hash_table_iter_init (&iter, o->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &e))
    {
      g_hash_table_iter_steal (&iter);
      entry_unexport (o, e);
    }
  g_hash_table_destroy (o->entries);
  if (o->registration)
    g_dbus_connection_unregister_object (o->bus, o->registration);
  g_object_unref (o->bus);
  g_free (o->root);
  g_free (o);
}

void
vipd_bus_objects_announce (VipdBusObjects *o)
{
  o->announced = TRUE;
}

GDBusConnection *
vipd_bus_objects_get_connection (VipdBusObjects *o)
{
  return o->bus;
}

static void
emit (VipdBusObjects *o, const char *signal, GVariant *args)
{
  /* A closed connection only fails to send; the objects are dropped with it anyway. */
  g_dbus_connection_emit_signal (o->bus, NULL, o->root, OM_IFACE, signal, args, NULL);
}

static gboolean
add_entry (VipdBusObjects *o, Entry *e)
{
  if (g_hash_table_contains (o->entries, e->path))
    {
      /* Two names escaping to one path: keep the first, say which lost. */
      vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "%s is exported already; not exporting it twice",
                         e->path);
      entry_unexport (o, e);
      return FALSE;
    }
  g_hash_table_insert (o->entries, e->path, e);
  if (o->announced)
    emit (o, "InterfacesAdded", g_variant_new ("(o@a{sa{sv}})", e->path, entry_interfaces (e)));
  return TRUE;
}

gboolean
vipd_bus_objects_add_skeleton (VipdBusObjects *o, const char *path, gpointer iface)
{
  g_autoptr (GError) error = NULL;
  Entry *e = g_new0 (Entry, 1);

  e->path = g_strdup (path);
  e->skeleton = g_object_ref (iface);
  if (!g_dbus_interface_skeleton_export (e->skeleton, o->bus, path, &error))
    {
      vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "cannot export %s: %s", path, error->message);
      g_clear_object (&e->skeleton);
      entry_unexport (o, e);
      return FALSE;
    }
  return add_entry (o, e);
}

gboolean
vipd_bus_objects_add (VipdBusObjects *o, const char *path, const VipdBusObjectClass *klass,
                      gpointer data, GError **error)
{
  Entry *e = g_new0 (Entry, 1);

  e->path = g_strdup (path);
  e->klass = klass;
  e->data = data;
  e->registration = g_dbus_connection_register_object (o->bus, path, klass->info (),
                                                       &klass->vtable, data, NULL, error);
  if (e->registration == 0)
    {
      entry_unexport (o, e);
      return FALSE;
    }
  return add_entry (o, e);
}

void
vipd_bus_objects_remove (VipdBusObjects *o, const char *path)
{
  Entry *e = g_hash_table_lookup (o->entries, path);
  const char *names[2] = { NULL, NULL };

  if (e == NULL)
    return;
  g_hash_table_steal (o->entries, path);
  names[0] = entry_iface_name (e);
  if (o->announced)
    emit (o, "InterfacesRemoved", g_variant_new ("(o^as)", e->path, names));
  entry_unexport (o, e);
}
