/* vip-holder.h — the VIPs of one VRRP instance on the host: taken when it becomes master,
 * kept alive by renewing their lifetime, restored when another program removes them, and
 * announced with gratuitous ARP / unsolicited NA on keepalived's garp_master_* schedule. */
#pragma once

#include <glib.h>

#include "config/config-model.h"
#include "vip-netlink.h"

G_BEGIN_DECLS

typedef struct _VipdVipHolder VipdVipHolder;

typedef struct
{
  guint delay_ms;         /* garp_master_delay: second burst after becoming master; 0 = none */
  guint repeat;           /* garp_master_repeat: announcements per burst */
  guint refresh_ms;       /* garp_master_refresh: periodic burst while master; 0 = none */
  guint refresh_repeat;   /* garp_master_refresh_repeat */
  guint interval_ms;      /* vrrp_garp_interval / vrrp_gna_interval: gap inside a burst */
} VipdAnnounceSchedule;

/* A holder for instance's virtual_ipaddress list; log_name prefixes log lines. nl is borrowed. */
VipdVipHolder *vipd_vip_holder_new (VipdVipNetlink *nl, const char *log_name,
                                    const VipdInstance *instance, const VipdGlobalDefs *global);
/* Releases the VIPs when held, stops announcements, frees; NULL is allowed. */
void vipd_vip_holder_free (VipdVipHolder *holder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdVipHolder, vipd_vip_holder_free)

/* Lifetime in seconds given to every VIP; it must outlast a backup's Master_Down_Interval. */
void vipd_vip_holder_set_lifetime (VipdVipHolder *holder, guint32 lifetime_s);
/* Adds every VIP (renewing existing ones). While held with a lifetime, the VIPs are renewed
 * every sixth to third of it by one timer shared by all holders (default main context). */
void vipd_vip_holder_take (VipdVipHolder *holder, guint64 now_us);
/* Starts the announcement schedule: a burst now, another after garp_master_delay, and one
 * every garp_master_refresh. Call it after the first advert as master has gone out. */
void vipd_vip_holder_start_announcements (VipdVipHolder *holder);
/* Logs a failed renewal as the instance log_name: the VipdVipRenewFailedFunc to give to
 * vipd_vip_netlink_set_renew_failed. */
void vipd_vip_holder_renew_failed (const char *log_name, const char *message);
/* Removes every VIP and stops announcing. */
void vipd_vip_holder_release (VipdVipHolder *holder);
/* Sends one announcement burst now (SendGarp), when the VIPs are held. */
void vipd_vip_holder_announce (VipdVipHolder *holder);
gboolean vipd_vip_holder_is_held (const VipdVipHolder *holder);
/* Removes configured VIPs found on the host while not held: leftovers of a killed run. Returns
 * how many were removed. */
guint vipd_vip_holder_remove_leftovers (VipdVipHolder *holder);
/* An address left ifindex: when it is one of ours and we hold the VIPs, put it back and log it.
 * Returns TRUE when it was ours. */
gboolean vipd_vip_holder_address_removed (VipdVipHolder *holder, int ifindex, const VipdAddr *addr);
/* Switches to a new VIP list (reload): when held, adds the new ones and removes the dropped ones
 * without touching the VIPs both lists share. */
void vipd_vip_holder_update (VipdVipHolder *holder, const VipdInstance *instance,
                             const VipdGlobalDefs *global, guint64 now_us);
/* The VIPs as "addr/len" strings (NULL-terminated, free with g_strfreev). */
char **vipd_vip_holder_dup_strings (const VipdVipHolder *holder);

G_END_DECLS
