/* config-model.h — the keepalived.conf model: plain structs, each node knows where it was written.
 * Intervals are milliseconds. Fields with a _loc record the place of that value so that
 * validation points at the offending line; a zero loc means "not written, default". */
#pragma once

#include <glib.h>

#include "base/inaddr.h"
#include "diag.h"

G_BEGIN_DECLS

typedef enum
{
  VIPD_CONFIG_STATE_BACKUP, /* keepalived's default */
  VIPD_CONFIG_STATE_MASTER,
} VipdConfigState;

typedef enum
{
  VIPD_AUTH_NONE,
  VIPD_AUTH_PASS,
  VIPD_AUTH_AH,
} VipdAuthType;

typedef enum
{
  VIPD_TRISTATE_UNSET = -1,
  VIPD_TRISTATE_NO = 0,
  VIPD_TRISTATE_YES = 1,
} VipdTristate;

/* A script command as written: the words joined by one space, quoted words verbatim. */
typedef struct
{
  VipdLoc loc;
  char *command; /* NULL when not configured */
} VipdCommand;

typedef struct
{
  VipdCommand notify, master, backup, fault, stop;
} VipdNotifySet;

/* Virtual servers use VipdCommand and VipdTristate. */
#include "config-lvs.h"

/* One virtual_ipaddress line: <addr>[/<len>] [brd <addr>] [dev <if>] [scope <s>] [label <l>]. */
typedef struct
{
  VipdLoc loc;
  VipdAddr addr;
  guint8 prefix_len; /* full length when not written */
  gboolean has_prefix;
  VipdAddr brd; /* unset when not written */
  char *dev;
  int scope; /* 0-255 (global=0 ... host=254, nowhere=255); -1 when not written */
  char *label;
} VipdVip;

/* A reference by name from track_script/track_interface/track_file/group. */
typedef struct
{
  VipdLoc loc;
  char *name;
  int weight; /* 0 when not written: the tracked object's own weight applies */
  gboolean has_weight;
  gboolean reverse;
} VipdTrackRef;

typedef struct
{
  VipdLoc loc;
  VipdAddr addr;
} VipdPeer;

/* track_nm_connectivity: the least NetworkManager connectivity that counts as up. The values
 * are NetworkManager's own (NMConnectivityState), so the shell compares them directly. */
typedef enum
{
  VIPD_NM_CONNECTIVITY_UNSET = 0, /* not written: not tracked */
  VIPD_NM_CONNECTIVITY_PORTAL = 2,
  VIPD_NM_CONNECTIVITY_LIMITED = 3,
  VIPD_NM_CONNECTIVITY_FULL = 4,
} VipdNmConnectivity;

typedef struct
{
  VipdLoc loc;
  char *router_id;
  GPtrArray *notification_email; /* char* */
  char *notification_email_from;
  VipdAddr smtp_server;
  guint smtp_port;               /* 25 */
  guint smtp_connect_timeout_ms; /* 30 s */
  gboolean lvs_flush;            /* empty the whole IPVS table when vipd starts */
  VipdAddr mcast_group4;         /* unset = 224.0.0.18 */
  VipdAddr mcast_group6;         /* unset = ff02::12 */
  gboolean skip_check_adv_addr;
  gboolean strict;
  VipdLoc strict_loc;
  guint garp_interval_ms;
  guint gna_interval_ms;
  guint vrrp_version; /* 2 or 3; default 2 */
  VipdLoc vrrp_version_loc;
  char *script_user, *script_group;
  gboolean enable_script_security;
  char *notify_fifo, *notify_fifo_script, *vrrp_notify_fifo;
  guint garp_master_delay_ms; /* 5 s */
  guint garp_master_repeat;   /* 5 */
  guint garp_master_refresh_ms;
  guint garp_master_refresh_repeat; /* 1 */
  guint rt_priority;                /* vrrp_rt_priority: SCHED_RR 1-99; 0 = normal scheduling */
  /* VRRPv3 over IPv4: send the checksum without the pseudo-header (RFC 9568, Cisco), as
   * keepalived's v3_checksum_as_v2; strict: accept only the form sent. Defaults for instances. */
  gboolean v3_checksum_as_v2;
  gboolean v3_checksum_strict;
} VipdGlobalDefs;

#define VIPD_VRID_INVALID G_MININT64

typedef struct
{
  VipdLoc loc;
  char *name;
  VipdConfigState state;
  VipdLoc state_loc;
  char *interface;
  VipdLoc interface_loc;
  gint64 vrid; /* -1 when missing, VIPD_VRID_INVALID when unparsable; range checked by validation */
  VipdLoc vrid_loc;
  gint64 priority; /* 100 */
  VipdLoc priority_loc;
  guint advert_int_ms; /* 1000 */
  VipdLoc advert_int_loc;
  guint version; /* 0 while parsing = inherit; validation sets the effective 2 or 3 */
  VipdLoc version_loc;
  int family; /* of the VIPs, set by validation; AF_UNSPEC when there is none */
  VipdAuthType auth_type;
  char *auth_pass; /* at most 8 bytes, as on the wire */
  VipdLoc auth_loc;
  GPtrArray *vips;          /* VipdVip* */
  GPtrArray *vips_excluded; /* VipdVip* */
  VipdLoc vips_loc;
  gboolean nopreempt;
  guint preempt_delay_ms;
  GPtrArray *track_scripts, *track_interfaces, *track_files; /* VipdTrackRef* */
  VipdAddr unicast_src_ip;
  GPtrArray *unicast_peers; /* VipdPeer* */
  VipdAddr mcast_src_ip;
  VipdLoc mcast_src_loc;
  guint garp_master_delay_ms, garp_master_repeat, garp_master_refresh_ms,
      garp_master_refresh_repeat; /* copied from global_defs unless written */
  gboolean garp_set[4];           /* which of the four were written */
  VipdNotifySet notify;
  gboolean smtp_alert;
  VipdTristate accept;
  gboolean use_vmac;
  char *vmac_name; /* validation fills in keepalived's default, vrrp.<vrid> or vrrpN.<vrid> */
  VipdLoc vmac_loc;
  gboolean vmac_xmit_base; /* adverts go out on the base interface, not the macvlan */
  VipdLoc vmac_xmit_base_loc;
  gboolean dont_track_primary;
  VipdNmConnectivity nm_connectivity; /* track_nm_connectivity LEVEL */
  int nm_connectivity_weight;         /* [weight N]; 0 (or none): below LEVEL is a fault */
  VipdLoc nm_connectivity_loc;
  /* Unset while parsing = inherit global_defs; validation resolves both to YES or NO. */
  VipdTristate v3_checksum_as_v2;
  VipdTristate v3_checksum_strict;
  VipdLoc v3_checksum_loc; /* of the first of the two written in the instance */
  /* vipd's own "router_advert [lifetime S] [interval MIN MAX]": IPv6 Router Advertisements
   * for the virtual router while master (RFC 5798/9568 section 8.2). Seconds. */
  gboolean router_advert;
  VipdLoc router_advert_loc;
  guint ra_lifetime_s;                       /* 1800 */
  guint ra_min_interval_s, ra_max_interval_s; /* 200, 600 */
} VipdInstance;

typedef struct
{
  VipdLoc loc;
  char *name;
  VipdCommand script;
  guint interval_ms; /* 1000 */
  guint timeout_ms;  /* 0 = same as interval */
  int weight;        /* -253..253 */
  VipdLoc weight_loc;
  gboolean reverse;
  guint rise, fall; /* 1, 1 */
  gboolean init_fail;
  char *user, *group;
} VipdScript;

typedef struct
{
  VipdLoc loc;
  char *name;
  char *file;
  int weight; /* 1 */
  gboolean reverse;
  gboolean has_init;
  int init_value;
  gboolean overwrite;
} VipdTrackFile;

typedef struct
{
  VipdLoc loc;
  char *name;
  GPtrArray *members; /* VipdTrackRef* (weight unused) */
  VipdNotifySet notify;
  gboolean smtp_alert;
  GPtrArray *track_scripts, *track_interfaces, *track_files; /* VipdTrackRef* */
} VipdSyncGroup;

typedef struct
{
  VipdGlobalDefs global;
  GPtrArray *instances;   /* VipdInstance* */
  GPtrArray *scripts;     /* VipdScript* */
  GPtrArray *track_files; /* VipdTrackFile* */
  GPtrArray *sync_groups; /* VipdSyncGroup* */
  GPtrArray *virtual_servers; /* VipdVirtualServer* */
  GPtrArray *vs_groups;       /* VipdVsGroup* (virtual_server_group) */
  GPtrArray *files;       /* char*: every file read, main file first */
} VipdConfig;

/* An empty model with keepalived's defaults. */
VipdConfig *vipd_config_new (void);
void vipd_config_free (VipdConfig *config);
VipdInstance *vipd_instance_new (const char *name, const VipdLoc *loc);
VipdScript *vipd_script_new (const char *name, const VipdLoc *loc);
VipdTrackFile *vipd_track_file_new (const char *name, const VipdLoc *loc);
VipdSyncGroup *vipd_sync_group_new (const char *name, const VipdLoc *loc);
VipdVip *vipd_vip_new (const VipdLoc *loc);
VipdTrackRef *vipd_track_ref_new (const char *name, const VipdLoc *loc);

/* The interface that carries instance's VIPs (unless a VIP names its own dev): the macvlan
 * with use_vmac, else the instance's interface. */
const char *vipd_instance_vip_interface (const VipdInstance *instance);
/* The interface adverts are sent on: the macvlan with use_vmac unless vmac_xmit_base. */
const char *vipd_instance_xmit_interface (const VipdInstance *instance);

/* Lookups by name; NULL when absent. */
VipdInstance *vipd_config_find_instance (const VipdConfig *config, const char *name);
VipdScript *vipd_config_find_script (const VipdConfig *config, const char *name);
VipdTrackFile *vipd_config_find_track_file (const VipdConfig *config, const char *name);
VipdSyncGroup *vipd_config_find_sync_group (const VipdConfig *config, const char *name);
VipdVsGroup *vipd_config_find_vs_group (const VipdConfig *config, const char *name);
VipdVirtualServer *vipd_config_find_virtual_server (const VipdConfig *config, const char *name);
/* The sync group that lists instance as a member; NULL when it is in none. */
VipdSyncGroup *vipd_config_find_group_of (const VipdConfig *config, const char *instance);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdConfig, vipd_config_free)

G_END_DECLS
