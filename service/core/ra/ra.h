/* ra.h — IPv6 Router Advertisements for a VRRP virtual router (RFC 5798/9568 section 8.2,
 * RFC 4861 sections 4.1, 4.2, 6.1.1 and 6.2).
 *
 * Pure: no sockets, no clocks. The codec writes the ICMPv6 message that the shell sends from
 * the virtual router's link-local address (the kernel fills in the checksum of raw ICMPv6
 * sockets), and checks a received Router Solicitation. The schedule says when the next
 * advertisement is due, given the time and the random numbers the shell passes in. */
#pragma once

#include <glib.h>

#include "base/inaddr.h"

G_BEGIN_DECLS

#define VIPD_ND_HOP_LIMIT 255 /* RFC 4861: every ND message is sent and accepted with 255 */
#define VIPD_ICMP6_RS 133
#define VIPD_ICMP6_RA 134
#define VIPD_RA_LEN 16      /* ICMPv6 header and the fixed RA fields */
#define VIPD_RA_SLLA_LEN 8  /* source link-layer address option for a 6-byte MAC */
#define VIPD_RA_MAX_LEN (VIPD_RA_LEN + VIPD_RA_SLLA_LEN)
#define VIPD_RS_LEN 8 /* ICMPv6 header and the reserved word */

/* RFC 4861 section 6.2.1 limits (seconds), and vipd's defaults (the RFC's). */
#define VIPD_RA_MAX_INTERVAL_MIN 4
#define VIPD_RA_MAX_INTERVAL_MAX 1800
#define VIPD_RA_MIN_INTERVAL_MIN 3
#define VIPD_RA_LIFETIME_MAX 9000
#define VIPD_RA_DEFAULT_MIN_INTERVAL 200
#define VIPD_RA_DEFAULT_MAX_INTERVAL 600
#define VIPD_RA_DEFAULT_LIFETIME 1800

/* What an advertisement says. Reachable Time, Retrans Timer, Cur Hop Limit and the M/O flags
 * are sent as 0 ("unspecified"): hosts keep their own values and their address
 * configuration (SLAAC, DHCPv6, radvd) stays as it is; the RA only names the default router. */
typedef struct
{
  guint16 router_lifetime_s;
  gboolean has_source_mac; /* add the source link-layer address option */
  guint8 source_mac[6];
} VipdRaParams;

/* Writes the Router Advertisement into buf (checksum 0); returns its length, or 0 when size
 * is too small. */
gsize vipd_ra_encode (const VipdRaParams *params, guint8 *buf, gsize size);

/* A decoded advertisement (for checking what was sent; the daemon receives none). */
typedef struct
{
  guint8 cur_hop_limit;
  guint8 flags;
  guint16 router_lifetime_s;
  guint32 reachable_ms, retrans_ms;
  gboolean has_source_mac;
  guint8 source_mac[6];
} VipdRaInfo;

typedef enum
{
  VIPD_ND_OK,
  VIPD_ND_HOP_LIMIT_BAD, /* IP hop limit is not 255 */
  VIPD_ND_TOO_SHORT,     /* shorter than the message's fixed part */
  VIPD_ND_TYPE,          /* not the ICMPv6 type expected */
  VIPD_ND_CODE,          /* ICMPv6 code is not 0 */
  VIPD_ND_OPTION,        /* an option of length 0 or running past the end */
  VIPD_ND_UNSPEC_SLLA,   /* RS from :: with a source link-layer address option */
  VIPD_ND_SOURCE,        /* RA whose source is not link-local */
  VIPD_ND_N_RESULTS
} VipdNdResult;

/* A short phrase for logs ("hop limit is not 255"). */
const char *vipd_nd_result_describe (VipdNdResult r);

/* Checks a Router Solicitation as RFC 4861 section 6.1.1 asks of a router (the kernel has
 * checked the ICMPv6 checksum and length). src is the IPv6 source. */
VipdNdResult vipd_rs_check (const guint8 *buf, gsize len, guint hop_limit, const VipdAddr *src);

/* Decodes and checks an RA as a host would (RFC 4861 section 6.1.2); info may be NULL. */
VipdNdResult vipd_ra_decode (const guint8 *buf, gsize len, guint hop_limit, const VipdAddr *src,
                             VipdRaInfo *info);

/* --- when to send (RFC 4861 section 6.2.4 and 6.2.6) --- */

#define VIPD_RA_NEVER G_MAXUINT64
/* MIN_DELAY_BETWEEN_RAS: multicast RAs go out at most this often. */
#define VIPD_RA_MIN_DELAY_US (3 * G_USEC_PER_SEC)
/* MAX_RA_DELAY_TIME: an answer to a solicitation waits a random 0..500 ms. */
#define VIPD_RA_MAX_DELAY_US (500 * 1000)
/* After taking over, the first VIPD_RA_INITIAL advertisements go out every
 * VIPD_RA_INITIAL_INTERVAL_US (RFC 4861 allows up to 3 and 16 s; vipd uses the fastest pace
 * the rate limit allows, so hosts learn the router within seconds). */
#define VIPD_RA_INITIAL 3
#define VIPD_RA_INITIAL_INTERVAL_US VIPD_RA_MIN_DELAY_US
/* A send that failed (the VIP not yet on the interface, say) is tried again this much later. */
#define VIPD_RA_RETRY_US (250 * 1000)

typedef struct
{
  guint min_interval_s, max_interval_s; /* MinRtrAdvInterval, MaxRtrAdvInterval */
} VipdRaScheduleConfig;

typedef struct
{
  VipdRaScheduleConfig cfg;
  gboolean active;       /* the instance is master */
  guint sent;            /* RAs sent since it became active */
  gboolean has_sent;
  guint64 last_sent_us;  /* of the last multicast RA */
  guint64 next_us;       /* VIPD_RA_NEVER when inactive */
} VipdRaSchedule;

void vipd_ra_schedule_init (VipdRaSchedule *s, const VipdRaScheduleConfig *cfg);
/* Starts advertising at now (the first RA is due at once); nothing when already active. */
void vipd_ra_schedule_start (VipdRaSchedule *s, guint64 now);
/* Stops: nothing is due until the next start. No final RA with lifetime 0 is sent, since the
 * new master advertises the same router address (RFC 4861 section 6.2.5 does not apply). */
void vipd_ra_schedule_stop (VipdRaSchedule *s);
/* An RA was sent at now; rnd (uniform over 32 bits) picks the next unsolicited time. */
void vipd_ra_schedule_sent (VipdRaSchedule *s, guint64 now, guint32 rnd);
/* Sending at now failed: try again VIPD_RA_RETRY_US later. */
void vipd_ra_schedule_failed (VipdRaSchedule *s, guint64 now);
/* A valid solicitation arrived at now; rnd picks the 0..500 ms delay. FALSE when inactive
 * (a backup does not answer). */
gboolean vipd_ra_schedule_solicited (VipdRaSchedule *s, guint64 now, guint32 rnd);
/* New intervals (a reload); the next time is kept. */
void vipd_ra_schedule_reconfigure (VipdRaSchedule *s, const VipdRaScheduleConfig *cfg);
/* When the next RA is due: VIPD_RA_NEVER when inactive. */
guint64 vipd_ra_schedule_next (const VipdRaSchedule *s);

/* Maps rnd uniformly onto [lo, hi] (lo when hi <= lo). */
guint64 vipd_ra_uniform (guint64 lo, guint64 hi, guint32 rnd);

G_END_DECLS
