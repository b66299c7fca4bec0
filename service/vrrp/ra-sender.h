/* ra-sender.h — one instance's IPv6 Router Advertisements (router_advert): the schedule of
 * service/core/ra driven by a deadline, the socket of service/net/ra-socket.c opened while
 * the instance is master and closed when it stops being master. */
#pragma once

#include <glib.h>

#include "config/config-model.h"

G_BEGIN_DECLS

typedef struct _VipdRaSender VipdRaSender;

/* Counters the sender adds to (the instance's). */
typedef struct
{
  guint64 *router_adverts_tx;
  guint64 *solicits_rx;
  guint64 *send_errors;
} VipdRaCounters;

/* A sender for the instance named log_name, inactive. */
VipdRaSender *vipd_ra_sender_new (const char *log_name, const VipdRaCounters *counters);
/* Takes the instance's settings: interface, source (the first VIP), lifetime, intervals, and
 * the virtual MAC with use_vmac. conf must outlive the sender or the next call. */
void vipd_ra_sender_configure (VipdRaSender *s, const VipdInstance *conf);
/* Starts advertising (an initial burst first) or stops at once. */
void vipd_ra_sender_set_master (VipdRaSender *s, gboolean master);
gboolean vipd_ra_sender_is_active (const VipdRaSender *s);
void vipd_ra_sender_free (VipdRaSender *s);
/* Makes s (NULL for none) follow conf and the instance's state: created when conf has
 * router_advert and freed when it has not, configured when new or reconfigure is set, and
 * advertising exactly while master. Returns the sender to keep (or NULL). */
VipdRaSender *vipd_ra_sender_follow (VipdRaSender *s, const VipdInstance *conf,
                                     gboolean master, gboolean reconfigure,
                                     const VipdRaCounters *counters);

G_END_DECLS
