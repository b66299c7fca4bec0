/* bus-instance.h — one VRRP instance on the bus: /org/vipd/Vrrp1/instance/NAME with
 * org.vipd.Vrrp1.Instance, its properties kept in step with the runtime and its admin methods
 * behind polkit. */
#pragma once

#include <gio/gio.h>

#include "bus-objects.h"
#include "vipd-dbus-generated.h"
#include "vrrp-daemon.h"

G_BEGIN_DECLS

typedef struct _VipdBusInstance VipdBusInstance;

/* An object path element for a configured name: letters, digits and "_" kept, any other byte
 * written as _xx (two lowercase hex digits). */
char *vipd_bus_escape_name (const char *name);
/* The object path of an instance called name. */
char *vipd_bus_instance_path (const char *name);
/* Creates and exports the object for inst among objects. */
VipdBusInstance *vipd_bus_instance_new (VipdDaemon *daemon, VipdVrrpInstance *inst,
                                        VipdBusObjects *objects);
/* Exports the object if it is not yet: another instance's name may have escaped to the same
 * path (VI-1 and VI_2d1), and the one that came later waits until the path is free. */
void vipd_bus_instance_export (VipdBusInstance *bi);
/* Unexports and frees; NULL is allowed. */
void vipd_bus_instance_free (VipdBusInstance *bi);
VipdVrrpInstance *vipd_bus_instance_get_instance (VipdBusInstance *bi);
/* Re-reads every property but Counters (always read live) when what they are made of moved;
 * PropertiesChanged names only the values that differ. */
void vipd_bus_instance_sync (VipdBusInstance *bi);
/* Sends the properties that moved (State, LastTransition…) first, then StateChanged. */
void vipd_bus_instance_emit_state_changed (VipdBusInstance *bi, const VipdEventRecord *event);

G_END_DECLS
