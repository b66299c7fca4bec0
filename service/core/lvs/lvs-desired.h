/* lvs-desired.h — the IPVS table vipd wants, from the configuration and the checkers' verdicts:
 * failed real servers removed (or kept at weight 0 with inhibit_on_failure), admin weights,
 * misc_dynamic weights, the sorry server while the quorum is lost (with hysteresis), and
 * virtual_server_group expanded into one service per address, range entry or mark. Pure. */
#pragma once

#include <glib.h>

#include "config/config-model.h"
#include "lvs/ipvs-table.h"

G_BEGIN_DECLS

/* What the runtime knows about one real server; one per entry of vs->real_servers. */
typedef struct
{
  gboolean alive;     /* every checker says up */
  int dynamic_weight; /* set by a misc_dynamic check; -1 = none */
  int admin_weight;   /* set by an admin (Drain = 0, SetWeight); -1 = none */
} VipdRsStatus;

#define VIPD_RS_STATUS_INIT { TRUE, -1, -1 }

/* The weight the real server is given while alive: admin, else dynamic, else configured. */
guint vipd_lvs_rs_weight (const VipdRealServer *rs, const VipdRsStatus *status);
/* The summed weight of the alive real servers (status has vs->real_servers->len entries). */
guint64 vipd_lvs_alive_weight (const VipdVirtualServer *vs, const VipdRsStatus *status);
/* The quorum state after a change: lost when the alive weight drops below quorum - hysteresis,
 * regained when it reaches quorum + hysteresis (keepalived's rule). */
gboolean vipd_lvs_quorum_next (gboolean up, guint64 alive_weight, guint quorum,
                               guint hysteresis);

/* The kernel services of vs: one, or one per entry of its group (ranges expanded). A GArray
 * of VipdIpvsServiceKey. */
GArray *vipd_lvs_service_keys (const VipdConfig *config, const VipdVirtualServer *vs);
/* Adds every service of vs with the destinations it should have now. */
void vipd_lvs_desired_add (VipdIpvsTable *table, const VipdConfig *config,
                           const VipdVirtualServer *vs, const VipdRsStatus *status,
                           gboolean quorum_up);

G_END_DECLS
