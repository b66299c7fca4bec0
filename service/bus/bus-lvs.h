/* bus-lvs.h — virtual servers (/org/vipd/Vrrp1/virtual_server/VS, org.vipd.Vrrp1.VirtualServer)
 * and their real servers (.../VS/RS, org.vipd.Vrrp1.RealServer) on the bus, with the polkit
 * checked Drain, Enable and SetWeight. */
#pragma once

#include <gio/gio.h>

#include "bus-objects.h"

#include "vrrp-daemon.h"

G_BEGIN_DECLS

typedef struct _VipdBusLvs VipdBusLvs;

char *vipd_bus_vs_path (const char *vs_name);
char *vipd_bus_rs_path (const char *vs_name, const char *rs_name);

/* Exports the daemon's virtual servers and follows the LVS manager from then on. */
VipdBusLvs *vipd_bus_lvs_new (VipdDaemon *daemon, VipdBusObjects *objects);
/* Unexports everything; NULL is allowed. */
void vipd_bus_lvs_free (VipdBusLvs *lvs);

G_END_DECLS
