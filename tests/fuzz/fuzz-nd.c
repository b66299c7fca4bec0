/* libFuzzer target for the Neighbor Discovery checks of service/core/ra. The first byte picks
 * how the rest is read:
 *   bit 0     0: a Router Solicitation (vipd_rs_check)   1: a Router Advertisement
 *             (vipd_ra_decode)
 *   bits 1-2  the IPv6 source: 0 ::, 1 fe80::a, 2 2001:db8::a, 3 none (NULL)
 *   bit 3     hop limit 64 instead of 255
 * An RA that decodes is encoded again from what was decoded and must decode to the same. */
#include "ra/ra.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static const char *const sources[] = { "::", "fe80::a", "2001:db8::a" };
  VipdAddr src;
  const VipdAddr *srcp = NULL;
  guint hop_limit;
  VipdRaInfo info, again;
  VipdRaParams params;
  guint8 buf[VIPD_RA_MAX_LEN];
  gsize len;
  guint8 mode;

  if (size < 1)
    return 0;
  mode = data[0];
  data++;
  size--;
  if (((mode >> 1) & 3) < 3)
    {
      if (!vipd_addr_parse (sources[(mode >> 1) & 3], &src))
        abort ();
      srcp = &src;
    }
  hop_limit = (mode & 8) ? 64 : VIPD_ND_HOP_LIMIT;
  if ((mode & 1) == 0)
    {
      VipdNdResult r = vipd_rs_check (data, size, hop_limit, srcp);

      if (vipd_nd_result_describe (r) == NULL || (r == VIPD_ND_OK && hop_limit != 255))
        abort ();
      return 0;
    }
  if (vipd_ra_decode (data, size, hop_limit, srcp, &info) != VIPD_ND_OK)
    return 0;
  memset (&params, 0, sizeof params);
  params.router_lifetime_s = info.router_lifetime_s;
  params.has_source_mac = info.has_source_mac;
  memcpy (params.source_mac, info.source_mac, 6);
  len = vipd_ra_encode (&params, buf, sizeof buf);
  if (len == 0 || vipd_ra_decode (buf, len, VIPD_ND_HOP_LIMIT, srcp, &again) != VIPD_ND_OK
      || again.router_lifetime_s != info.router_lifetime_s
      || again.has_source_mac != info.has_source_mac
      || (info.has_source_mac && memcmp (again.source_mac, info.source_mac, 6) != 0))
    abort ();
  return 0;
}
