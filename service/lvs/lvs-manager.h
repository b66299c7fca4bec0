/* lvs-manager.h — the virtual servers of one configuration at run time: a checker per real
 * server checker, the quorum of each virtual server, notify and quorum scripts, admin weights,
 * and the IPVS table kept equal to what the configuration and the verdicts ask for. Reload
 * keeps the checkers (and their state) of real servers whose checks did not change. */
#pragma once

#include <glib.h>

#include "config/config.h"
#include "lvs-backend.h"

G_BEGIN_DECLS

typedef struct _VipdLvsManager VipdLvsManager;
typedef struct _VipdLvsVs VipdLvsVs;
typedef struct _VipdLvsRs VipdLvsRs;

typedef struct
{
  /* A property of vs (rs NULL) or of one of its real servers changed. */
  void (*changed) (VipdLvsManager *m, VipdLvsVs *vs, VipdLvsRs *rs, gpointer user_data);
  /* Virtual or real servers were added or removed (reload): earlier pointers may be gone. */
  void (*rebuilt) (VipdLvsManager *m, gpointer user_data);
} VipdLvsObserver;

/* Where admin weights outlive a restart (the daemon's state directory). */
typedef struct
{
  int (*load) (const char *vs, const char *rs, gpointer data); /* -1 = none */
  gboolean (*save) (const char *vs, const char *rs, int weight, gpointer data, GError **error);
  gpointer data;
} VipdLvsWeightStore;

/* config is borrowed until the next reload; backend NULL = vipd_lvs_backend_default(). */
VipdLvsManager *vipd_lvs_manager_new (const VipdConfig *config, const VipdLvsBackend *backend);
void vipd_lvs_manager_free (VipdLvsManager *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdLvsManager, vipd_lvs_manager_free)
void vipd_lvs_manager_set_observer (VipdLvsManager *m, const VipdLvsObserver *observer,
                                    gpointer user_data);
/* Before start: admin weights are read from store at start and for real servers added by a
 * reload, and written on every change. */
void vipd_lvs_manager_set_weight_store (VipdLvsManager *m, const VipdLvsWeightStore *store);
/* Opens the backend (a kernel without IPVS is one warning, and checking goes on), starts the
 * checkers and programs the table. */
void vipd_lvs_manager_start (VipdLvsManager *m);
/* The new configuration (already valid); the old one may be freed after this returns. */
void vipd_lvs_manager_reload (VipdLvsManager *m, const VipdConfig *config);
/* Stops checking and removes the services vipd programmed; omega runs quorum_down. */
void vipd_lvs_manager_stop (VipdLvsManager *m);
/* Notify or quorum scripts are queued or running (a stop waits for them, as for VRRP's). */
gboolean vipd_lvs_manager_scripts_busy (VipdLvsManager *m);
/* TRUE while the table is in the kernel (or the memory backend). */
gboolean vipd_lvs_manager_is_programmed (const VipdLvsManager *m);

GPtrArray *vipd_lvs_manager_get_virtual_servers (VipdLvsManager *m); /* VipdLvsVs*, borrowed */
VipdLvsVs *vipd_lvs_manager_find (VipdLvsManager *m, const char *vs_name);
VipdLvsRs *vipd_lvs_vs_find (VipdLvsVs *vs, const char *rs_name);

const VipdVirtualServer *vipd_lvs_vs_get_config (const VipdLvsVs *vs);
gboolean vipd_lvs_vs_get_quorum_up (const VipdLvsVs *vs);
gboolean vipd_lvs_vs_get_sorry_active (const VipdLvsVs *vs);
GPtrArray *vipd_lvs_vs_get_real_servers (VipdLvsVs *vs); /* VipdLvsRs*, borrowed */

const VipdRealServer *vipd_lvs_rs_get_config (const VipdLvsRs *rs);
const char *vipd_lvs_rs_get_name (const VipdLvsRs *rs); /* "192.0.2.10:80" */
const char *vipd_lvs_rs_get_health (const VipdLvsRs *rs); /* "up", "down", "unknown" */
/* The weight in the table now; 0 when drained, inhibited or out of the table. */
guint vipd_lvs_rs_get_weight (const VipdLvsRs *rs);
gboolean vipd_lvs_rs_in_table (const VipdLvsRs *rs);
int vipd_lvs_rs_get_admin_weight (const VipdLvsRs *rs); /* -1 = none */
guint64 vipd_lvs_rs_get_last_check (const VipdLvsRs *rs);
const char *vipd_lvs_rs_get_last_reason (const VipdLvsRs *rs);
void vipd_lvs_rs_get_counters (const VipdLvsRs *rs, guint64 *checks, guint64 *failures,
                               guint64 *transitions);

/* Drain (0), a weight (0-65535), or -1 to go back to the configured weight. Survives reloads
 * while the real server stays in the configuration, and restarts through the weight store. */
void vipd_lvs_rs_set_admin_weight (VipdLvsManager *m, VipdLvsRs *rs, int weight,
                                   const char *reason);

G_END_DECLS
