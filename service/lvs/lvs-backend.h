/* lvs-backend.h — where the LVS manager's table goes. The manager only reads the current table
 * and applies the operations of a diff; the kernel backend does that through the IPVS
 * generic-netlink family (ipvs-netlink.c), the memory backend keeps the table in the process
 * and logs every operation (tests, and trying a configuration on a machine without IPVS). */
#pragma once

#include <glib.h>

#include "lvs/ipvs-table.h"

G_BEGIN_DECLS

typedef struct
{
  const char *name;
  /* A handle, or NULL with error when this backend cannot be used here. */
  gpointer (*open) (GError **error);
  /* The table as it is now. */
  VipdIpvsTable *(*read) (gpointer handle, GError **error);
  /* Applies ops (VipdIpvsOp, from vipd_ipvs_table_diff()) in order. An operation that fails
   * does not stop the ones after it; FALSE then, with one error that names every failed
   * operation ("2 of 5 IPVS operations failed: ..."). */
  gboolean (*apply) (gpointer handle, GArray *ops, GError **error);
  /* Empties the whole table, services vipd did not make included (lvs_flush). */
  gboolean (*flush) (gpointer handle, GError **error);
  void (*close) (gpointer handle);
} VipdLvsBackend;

/* The kernel's IPVS table. */
const VipdLvsBackend *vipd_lvs_backend_kernel (void);
/* A table in memory; every operation is logged as "IPVS: ...". */
const VipdLvsBackend *vipd_lvs_backend_memory (void);
/* VIPD_IPVS_BACKEND=memory selects the memory backend; the kernel otherwise. */
const VipdLvsBackend *vipd_lvs_backend_default (void);

G_END_DECLS
