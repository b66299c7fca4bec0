/* ra.c — Router Advertisement encoding, and the checks of RFC 4861 section 6.1 on received
 * Router Solicitations and (for tests and tools) advertisements. */
#include "ra.h"

#include <string.h>
#include <sys/socket.h>

#define ND_OPT_SLLA 1

static const char *const describe[VIPD_ND_N_RESULTS] = {
  [VIPD_ND_OK] = "ok",
  [VIPD_ND_HOP_LIMIT_BAD] = "hop limit is not 255",
  [VIPD_ND_TOO_SHORT] = "shorter than the fixed part of the message",
  [VIPD_ND_TYPE] = "not the ICMPv6 type expected",
  [VIPD_ND_CODE] = "ICMPv6 code is not 0",
  [VIPD_ND_OPTION] = "an option has length 0 or runs past the end",
  [VIPD_ND_UNSPEC_SLLA] = "sent from :: with a source link-layer address option",
  [VIPD_ND_SOURCE] = "source address is not link-local",
};

const char *
vipd_nd_result_describe (VipdNdResult r)
{
  return (guint) r < VIPD_ND_N_RESULTS ? describe[r] : "unknown";
}

static void
put16 (guint8 *p, guint16 v)
{
  p[0] = (guint8) (v >> 8);
  p[1] = (guint8) v;
}

static guint16
get16 (const guint8 *p)
{
  return (guint16) (p[0] << 8 | p[1]);
}

static guint32
get32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

gsize
vipd_ra_encode (const VipdRaParams *params, guint8 *buf, gsize size)
{
  gsize len = VIPD_RA_LEN + (params->has_source_mac ? VIPD_RA_SLLA_LEN : 0);

  if (size < len)
    return 0;
  memset (buf, 0, len);
  buf[0] = VIPD_ICMP6_RA;
  /* buf[1] code 0, buf[2..3] checksum (kernel), buf[4] Cur Hop Limit 0, buf[5] flags 0 (M, O,
   * preference medium). */
  put16 (buf + 6, params->router_lifetime_s);
  /* Reachable Time and Retrans Timer 0: unspecified. */
  if (params->has_source_mac)
    {
      buf[VIPD_RA_LEN] = ND_OPT_SLLA;
      buf[VIPD_RA_LEN + 1] = 1; /* in units of 8 bytes */
      memcpy (buf + VIPD_RA_LEN + 2, params->source_mac, 6);
    }
  return len;
}

/* Walks the options from offset; every one must have a non-zero length and fit. Reports
 * whether a source link-layer address option was seen (the first one is copied to mac). */
static VipdNdResult
walk_options (const guint8 *buf, gsize len, gsize offset, gboolean *has_slla, guint8 mac[6])
{
  *has_slla = FALSE;
  while (offset < len)
    {
      gsize olen;

      if (len - offset < 2)
        return VIPD_ND_OPTION;
      olen = (gsize) buf[offset + 1] * 8;
      if (olen == 0 || olen > len - offset)
        return VIPD_ND_OPTION;
      if (buf[offset] == ND_OPT_SLLA && !*has_slla)
        {
          *has_slla = TRUE;
          if (mac && olen >= 8)
            memcpy (mac, buf + offset + 2, 6);
        }
      offset += olen;
    }
  return VIPD_ND_OK;
}

static VipdNdResult
check_fixed (const guint8 *buf, gsize len, guint hop_limit, guint8 type, gsize fixed)
{
  if (hop_limit != VIPD_ND_HOP_LIMIT)
    return VIPD_ND_HOP_LIMIT_BAD;
  if (buf == NULL || len < fixed)
    return VIPD_ND_TOO_SHORT;
  if (buf[0] != type)
    return VIPD_ND_TYPE;
  if (buf[1] != 0)
    return VIPD_ND_CODE;
  return VIPD_ND_OK;
}

VipdNdResult
vipd_rs_check (const guint8 *buf, gsize len, guint hop_limit, const VipdAddr *src)
{
  VipdNdResult r = check_fixed (buf, len, hop_limit, VIPD_ICMP6_RS, VIPD_RS_LEN);
  gboolean has_slla;

  if (r != VIPD_ND_OK)
    return r;
  r = walk_options (buf, len, VIPD_RS_LEN, &has_slla, NULL);
  if (r != VIPD_ND_OK)
    return r;
  /* A host without an address yet may solicit from ::, but then has no link-layer address
   * to announce that a router could cache. */
  if (has_slla && (src == NULL || !vipd_addr_is_set (src)
                   || (src->family == AF_INET6 && memcmp (src->v6, (guint8[16]) { 0 }, 16) == 0)))
    return VIPD_ND_UNSPEC_SLLA;
  return VIPD_ND_OK;
}

VipdNdResult
vipd_ra_decode (const guint8 *buf, gsize len, guint hop_limit, const VipdAddr *src,
                VipdRaInfo *info)
{
  VipdNdResult r = check_fixed (buf, len, hop_limit, VIPD_ICMP6_RA, VIPD_RA_LEN);
  VipdRaInfo tmp;

  if (r != VIPD_ND_OK)
    return r;
  if (src == NULL || src->family != AF_INET6 || !vipd_addr_is_link_local (src))
    return VIPD_ND_SOURCE;
  if (info == NULL)
    info = &tmp;
  memset (info, 0, sizeof *info);
  info->cur_hop_limit = buf[4];
  info->flags = buf[5];
  info->router_lifetime_s = get16 (buf + 6);
  info->reachable_ms = get32 (buf + 8);
  info->retrans_ms = get32 (buf + 12);
  return walk_options (buf, len, VIPD_RA_LEN, &info->has_source_mac, info->source_mac);
}
