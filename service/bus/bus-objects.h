/* bus-objects.h — vipd's org.freedesktop.DBus.ObjectManager at /org/vipd/Vrrp1 and the
 * objects below it.
 *
 * GDBusObjectManagerServer wants a GDBusObjectSkeleton and an interface skeleton per object,
 * each holding a GValue per property: with a thousand instances that was about 5 kB each, a
 * quarter of the daemon's memory. Here an object is either an interface skeleton (track
 * scripts, sync groups, LVS servers: few) or a plain registration whose properties are read
 * live through a vtable (instances: many). Each object has exactly one interface. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _VipdBusObjects VipdBusObjects;

/* An object without a skeleton: GDBus calls vtable for methods and Get/GetAll, and
 * GetManagedObjects and InterfacesAdded take get_all's a{sv} (a floating or new reference). */
typedef struct
{
  GDBusInterfaceInfo *(*info) (void);
  GDBusInterfaceVTable vtable;
  GVariant *(*get_all) (gpointer data);
} VipdBusObjectClass;

/* Registers the ObjectManager interface at root on bus. Objects added before
 * vipd_bus_objects_announce() send no InterfacesAdded (nobody can be listening yet). */
VipdBusObjects *vipd_bus_objects_new (GDBusConnection *bus, const char *root, GError **error);
/* Unexports every object and the ObjectManager; NULL is allowed. */
void vipd_bus_objects_free (VipdBusObjects *objects);
void vipd_bus_objects_announce (VipdBusObjects *objects);
GDBusConnection *vipd_bus_objects_get_connection (VipdBusObjects *objects);

/* Exports iface (a GDBusInterfaceSkeleton, referenced) at path. */
gboolean vipd_bus_objects_add_skeleton (VipdBusObjects *objects, const char *path, gpointer iface);
/* Exports a live object at path; klass must outlive it. Fails when path is taken. */
gboolean vipd_bus_objects_add (VipdBusObjects *objects, const char *path,
                               const VipdBusObjectClass *klass, gpointer data, GError **error);
/* Unexports what is at path (InterfacesRemoved); unknown paths are ignored. */
void vipd_bus_objects_remove (VipdBusObjects *objects, const char *path);

G_END_DECLS
