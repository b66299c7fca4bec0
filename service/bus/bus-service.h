/* bus-service.h — vipd on the system bus: owns org.vipd.Vrrp1, exports the manager and one
 * object per instance, and survives the bus: without one it runs VRRP and says so once; when
 * dbus-daemon restarts it reconnects and exports again. */
#pragma once

#include <glib.h>

#include "vrrp-daemon.h"

G_BEGIN_DECLS

typedef struct _VipdBusService VipdBusService;

/* Starts connecting to the system bus (DBUS_SYSTEM_BUS_ADDRESS or the default); daemon is
 * borrowed and must outlive the service. */
VipdBusService *vipd_bus_service_new (VipdDaemon *daemon);
void vipd_bus_service_free (VipdBusService *service);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdBusService, vipd_bus_service_free)

G_END_DECLS
