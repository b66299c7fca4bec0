/* ipvs-netlink.h — the kernel's IPVS table through the "IPVS" generic-netlink family, the way
 * ipvsadm reaches it. Reads and writes the plain values of core/lvs/ipvs-table.h. */
#pragma once

#include <glib.h>

#include "lvs/ipvs-table.h"

G_BEGIN_DECLS

typedef struct _VipdIpvs VipdIpvs;

/* Connects to the IPVS family; G_IO_ERROR_NOT_SUPPORTED ("IPVS is not available in this kernel
 * (modprobe ip_vs)") when the kernel does not know it. */
VipdIpvs *vipd_ipvs_open (GError **error);
void vipd_ipvs_close (VipdIpvs *ipvs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdIpvs, vipd_ipvs_close)

/* The kernel's whole table: every service with its destinations. Services with a protocol that
 * the table cannot name are read as they are. NULL with a GError when a dump fails. */
VipdIpvsTable *vipd_ipvs_read (VipdIpvs *ipvs, GError **error);

/* Applies the operations of vipd_ipvs_table_diff() in order. A failed operation does not stop
 * the ones after it (one bad real server must not keep the others out); FALSE then, with a
 * GError naming every failed operation and the kernel's reason. */
gboolean vipd_ipvs_apply (VipdIpvs *ipvs, GArray *ops, GError **error);

/* Removes every service and destination from the kernel's table. */
gboolean vipd_ipvs_flush (VipdIpvs *ipvs, GError **error);

G_END_DECLS
