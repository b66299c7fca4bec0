/* packet.c — VRRP advertisement codec. Every length taken from the packet is checked before
 * it is used; nothing here reads past the length it was given. */
#include "wire/packet.h"

#include <netinet/in.h>
#include <string.h>

#define IPV4_HDR_LEN 20

static const struct
{
  const char *name;
  const char *describe;
} rx_results[VIPD_RX_N_REASONS] = {
  [VIPD_RX_OK] = { "ok", "accepted" },
  [VIPD_RX_TOO_SHORT] = { "too-short", "packet is shorter than its header and addresses" },
  [VIPD_RX_IP_HEADER] = { "ip-header", "malformed IPv4 header" },
  [VIPD_RX_TTL] = { "ttl", "TTL or hop limit is not 255" },
  [VIPD_RX_VERSION] = { "version", "VRRP version is not the one this instance runs" },
  [VIPD_RX_LENGTH] = { "length", "packet is longer than its address count implies" },
  [VIPD_RX_CHECKSUM] = { "checksum", "bad VRRP checksum" },
  [VIPD_RX_TYPE] = { "type", "VRRP type is not ADVERTISEMENT" },
  [VIPD_RX_VRID] = { "vrid", "virtual router ID is not ours" },
  [VIPD_RX_ADDR_COUNT] = { "addr-count", "address count is zero or differs from ours" },
  [VIPD_RX_AUTH_TYPE] = { "auth-type", "authentication type differs from ours" },
  [VIPD_RX_AUTH_PASS] = { "auth-pass", "authentication password differs from ours" },
  [VIPD_RX_INTERVAL] = { "interval", "advertisement interval is invalid or differs from ours" },
  [VIPD_RX_ADDR_LIST] = { "addr-list", "virtual address list differs from ours" },
  [VIPD_RX_SRC_ADDR] = { "src-addr", "source address is not usable (multicast, unset, not link-local for IPv6, or not a unicast peer)" },
  [VIPD_RX_FAMILY] = { "family", "address family does not fit the VRRP version or instance" },
  [VIPD_RX_OWNER] = { "owner", "we are the address owner (priority 255), which ignores adverts" },
};

const char *
vipd_rx_result_name (VipdRxResult r)
{
  if ((guint) r >= VIPD_RX_N_REASONS)
    return "unknown";
  return rx_results[r].name;
}

const char *
vipd_rx_result_describe (VipdRxResult r)
{
  if ((guint) r >= VIPD_RX_N_REASONS)
    return "unknown reason";
  return rx_results[r].describe;
}

VipdCsumForm
vipd_csum_form_for (guint8 version, int family, VipdCsumForm v3_ipv4_form)
{
  if (version == 2)
    return VIPD_CSUM_PLAIN;
  if (family == AF_INET6)
    return VIPD_CSUM_PSEUDO;
  return v3_ipv4_form;
}

const char *
vipd_csum_form_name (VipdCsumForm form)
{
  return form == VIPD_CSUM_PLAIN ? "message-only" : "pseudo-header";
}

guint32
vipd_csum_partial (const guint8 *buf, gsize len, guint32 initial)
{
  /* 64-bit accumulator: no carry is lost however long buf is; folded back to 32 at the end. */
  guint64 sum = initial;
  gsize i;

  for (i = 0; i + 1 < len; i += 2)
    sum += (guint32) buf[i] << 8 | buf[i + 1];
  if (len & 1)
    sum += (guint32) buf[len - 1] << 8;
  while (sum >> 32)
    sum = (sum & 0xffffffffu) + (sum >> 32);
  return (guint32) sum;
}

guint16
vipd_csum_fold (guint32 sum)
{
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) ~sum;
}

static gsize
family_addr_len (int family)
{
  return family == AF_INET6 ? 16 : 4;
}

/* The pseudo-header sum of RFC 5798 §5.2.8: IPv4 as in RFC 768, IPv6 as in RFC 8200 §8.1. */
static guint32
pseudo_header_sum (const VipdPacketMeta *meta, gsize vrrp_len)
{
  guint8 tail[8] = { 0 };
  guint32 sum;

  if (meta->src.family == AF_INET6)
    {
      sum = vipd_csum_partial (meta->src.v6, 16, 0);
      sum = vipd_csum_partial (meta->dst.v6, 16, sum);
      tail[0] = (guint8) (vrrp_len >> 24);
      tail[1] = (guint8) (vrrp_len >> 16);
      tail[2] = (guint8) (vrrp_len >> 8);
      tail[3] = (guint8) vrrp_len;
      tail[7] = VIPD_VRRP_PROTO;
      return vipd_csum_partial (tail, 8, sum);
    }
  sum = vipd_csum_partial (meta->src.v4, 4, 0);
  sum = vipd_csum_partial (meta->dst.v4, 4, sum);
  tail[1] = VIPD_VRRP_PROTO;
  tail[2] = (guint8) (vrrp_len >> 8);
  tail[3] = (guint8) vrrp_len;
  return vipd_csum_partial (tail, 4, sum);
}

static gboolean
csum_ok (const guint8 *buf, gsize len, const VipdPacketMeta *meta, VipdCsumForm form)
{
  guint32 seed = form == VIPD_CSUM_PSEUDO ? pseudo_header_sum (meta, len) : 0;

  return vipd_csum_fold (vipd_csum_partial (buf, len, seed)) == 0;
}

static gboolean
src_usable (const VipdAddr *src)
{
  static const guint8 any4[4] = { 0, 0, 0, 0 };
  static const guint8 bcast4[4] = { 255, 255, 255, 255 };

  if (src->family == AF_INET6)
    return vipd_addr_is_link_local (src);
  return !vipd_addr_is_multicast (src) && memcmp (src->v4, any4, 4) != 0
         && memcmp (src->v4, bcast4, 4) != 0;
}

/* Shared by decode and check so that check can reject a foreign version or family in RFC
 * order (before length and checksum) rather than after a full decode. want_* = 0: any. */
static VipdRxResult
decode_as (const guint8 *buf, gsize len, const VipdPacketMeta *meta, guint8 want_version,
           int want_family, gboolean csum_strict, VipdCsumForm csum_form, VipdAdvert *out,
           VipdCsumForm *form_seen)
{
  guint8 version;
  int family;
  gsize alen, need, i;
  VipdCsumForm form;

  if (len < VIPD_VRRP_HDR_LEN)
    return VIPD_RX_TOO_SHORT;
  if (meta->ttl != VIPD_VRRP_TTL)
    return VIPD_RX_TTL;

  version = buf[0] >> 4;
  if ((version != 2 && version != 3) || (want_version != 0 && version != want_version))
    return VIPD_RX_VERSION;

  family = meta->src.family;
  if ((family != AF_INET && family != AF_INET6) || meta->dst.family != family
      || (want_family != 0 && family != want_family) || (version == 2 && family != AF_INET))
    return VIPD_RX_FAMILY;
  if (!src_usable (&meta->src))
    return VIPD_RX_SRC_ADDR;

  /* The IP layer has already cut off link padding, so a longer message is a sender whose
   * count disagrees with what it sent: RFC 5798 §7.1 wants the complete packet, and nothing
   * in either RFC may follow the addresses (v3) or the 8 bytes of auth data (v2). */
  alen = family_addr_len (family);
  need = VIPD_VRRP_HDR_LEN + (gsize) buf[3] * alen + (version == 2 ? VIPD_VRRP_V2_AUTH_LEN : 0);
  if (len < need)
    return VIPD_RX_TOO_SHORT;
  if (len > need)
    return VIPD_RX_LENGTH;

  if (version == 2)
    {
      form = VIPD_CSUM_PLAIN;
      if (!csum_ok (buf, len, meta, form))
        return VIPD_RX_CHECKSUM;
    }
  else if (family == AF_INET6)
    {
      form = VIPD_CSUM_PSEUDO;
      if (!csum_ok (buf, len, meta, form))
        return VIPD_RX_CHECKSUM;
    }
  else
    {
      VipdCsumForm other = csum_form == VIPD_CSUM_PSEUDO ? VIPD_CSUM_PLAIN : VIPD_CSUM_PSEUDO;

      form = csum_form;
      if (!csum_ok (buf, len, meta, form))
        {
          form = other;
          if (csum_strict || !csum_ok (buf, len, meta, form))
            return VIPD_RX_CHECKSUM;
        }
    }

  if ((buf[0] & 0x0f) != VIPD_VRRP_TYPE_ADVERT)
    return VIPD_RX_TYPE;

  memset (out, 0, sizeof *out);
  out->version = version;
  out->type = buf[0] & 0x0f;
  out->vrid = buf[1];
  out->priority = buf[2];
  out->naddrs = buf[3];
  out->checksum = (guint16) (buf[6] << 8 | buf[7]);
  out->family = family;
  if (version == 2)
    {
      out->auth_type = buf[4];
      out->adver_int_cs = (guint16) (buf[5] * 100);
      memcpy (out->auth_data, buf + need - VIPD_VRRP_V2_AUTH_LEN, VIPD_VRRP_V2_AUTH_LEN);
    }
  else
    {
      /* The 4 reserved bits are ignored on receipt (RFC 5798 §5.2.7). */
      out->adver_int_cs = (guint16) ((buf[4] & 0x0f) << 8 | buf[5]);
    }
  for (i = 0; i < out->naddrs; i++)
    vipd_addr_from_bytes (&out->addrs[i], family, buf + VIPD_VRRP_HDR_LEN + i * alen);
  if (form_seen)
    *form_seen = form;
  return VIPD_RX_OK;
}

VipdRxResult
vipd_packet_decode (const guint8 *buf, gsize len, const VipdPacketMeta *meta,
                    gboolean csum_strict, VipdCsumForm csum_form, VipdAdvert *out,
                    VipdCsumForm *form_seen)
{
  return decode_as (buf, len, meta, 0, 0, csum_strict, csum_form, out, form_seen);
}

static gboolean
addr_in (const VipdAddr *a, const VipdAddr *list, guint n)
{
  guint i;

  for (i = 0; i < n; i++)
    if (vipd_addr_equal (a, &list[i]))
      return TRUE;
  return FALSE;
}

/* Same set in any order: both directions, so duplicates on one side cannot hide a missing
 * address on the other. */
static gboolean
addr_lists_equal (const VipdAdvert *adv, const VipdRxExpect *expect)
{
  guint i;

  for (i = 0; i < adv->naddrs; i++)
    if (!addr_in (&adv->addrs[i], expect->vips, expect->n_vips))
      return FALSE;
  for (i = 0; i < expect->n_vips; i++)
    if (!addr_in (&expect->vips[i], adv->addrs, adv->naddrs))
      return FALSE;
  return TRUE;
}

VipdRxResult
vipd_packet_check (const guint8 *buf, gsize len, const VipdPacketMeta *meta,
                   const VipdRxExpect *expect, VipdAdvert *out)
{
  VipdRxResult r;
  /* RFC 3768/5798 §7.1: a list mismatch is logged but the address owner's advert is still
   * processed; anyone else's is dropped. */
  gboolean check_list;

  r = decode_as (buf, len, meta, expect->version, expect->family, expect->csum_strict,
                 expect->csum_form, out, NULL);
  if (r != VIPD_RX_OK)
    return r;

  if (out->vrid != expect->vrid)
    return VIPD_RX_VRID;
  /* §7.1 of all three RFCs: the owner never yields, so it has nothing to learn from adverts
   * (two owners of one VRID are a misconfiguration that a tie break must not hide). */
  if (expect->local_is_owner)
    return VIPD_RX_OWNER;

  /* RFC 5798 §5.2.5 sets the minimum count to 1; a v2 advert without addresses is as
   * meaningless, so zero is refused whatever skip_check_adv_addr says. */
  check_list = !expect->skip_check_adv_addr && out->priority != 255;
  if (out->naddrs == 0 || (check_list && out->naddrs != expect->n_vips))
    return VIPD_RX_ADDR_COUNT;

  if (out->version == 2)
    {
      if (out->auth_type != expect->auth_type)
        return VIPD_RX_AUTH_TYPE;
      if (out->auth_type == VIPD_VRRP_AUTH_PASS)
        {
          /* Compared as the 8 NUL-padded bytes keepalived sends; longer passwords are cut. */
          char want[VIPD_VRRP_V2_AUTH_LEN] = { 0 };

          if (expect->auth_pass)
            memcpy (want, expect->auth_pass, strnlen (expect->auth_pass, sizeof want));
          if (memcmp (want, out->auth_data, VIPD_VRRP_V2_AUTH_LEN) != 0)
            return VIPD_RX_AUTH_PASS;
        }
      if (out->adver_int_cs != expect->adver_int_cs)
        return VIPD_RX_INTERVAL;
    }
  else if (out->adver_int_cs == 0)
    {
      /* RFC 9568 erratum 8301: a zero interval would make every backup take over at once. */
      return VIPD_RX_INTERVAL;
    }

  if (check_list && !addr_lists_equal (out, expect))
    return VIPD_RX_ADDR_LIST;
  return VIPD_RX_OK;
}

gsize
vipd_packet_encode (const VipdAdvert *adv, const VipdPacketMeta *meta, VipdCsumForm form,
                    guint8 *buf, gsize buflen)
{
  gsize alen, len, i;
  guint16 csum;
  gboolean pseudo;

  if (adv->type != VIPD_VRRP_TYPE_ADVERT)
    return 0;
  if (adv->family != AF_INET && adv->family != AF_INET6)
    return 0;
  if (adv->version == 2)
    {
      if (adv->family != AF_INET || adv->adver_int_cs % 100 != 0 || adv->adver_int_cs > 255 * 100)
        return 0;
    }
  else if (adv->version != 3 || adv->adver_int_cs > 0x0fff)
    return 0;

  alen = family_addr_len (adv->family);
  len = VIPD_VRRP_HDR_LEN + adv->naddrs * alen + (adv->version == 2 ? VIPD_VRRP_V2_AUTH_LEN : 0);
  if (len > buflen)
    return 0;
  for (i = 0; i < adv->naddrs; i++)
    if (adv->addrs[i].family != adv->family)
      return 0;

  pseudo = adv->version == 3 && (adv->family == AF_INET6 || form == VIPD_CSUM_PSEUDO);
  if (pseudo && (!meta || meta->src.family != adv->family || meta->dst.family != adv->family))
    return 0;

  buf[0] = (guint8) (adv->version << 4 | VIPD_VRRP_TYPE_ADVERT);
  buf[1] = adv->vrid;
  buf[2] = adv->priority;
  buf[3] = adv->naddrs;
  if (adv->version == 2)
    {
      buf[4] = adv->auth_type;
      buf[5] = (guint8) (adv->adver_int_cs / 100);
    }
  else
    {
      buf[4] = (guint8) (adv->adver_int_cs >> 8);
      buf[5] = (guint8) adv->adver_int_cs;
    }
  buf[6] = 0;
  buf[7] = 0;
  for (i = 0; i < adv->naddrs; i++)
    memcpy (buf + VIPD_VRRP_HDR_LEN + i * alen, adv->addrs[i].bytes, alen);
  if (adv->version == 2)
    memcpy (buf + len - VIPD_VRRP_V2_AUTH_LEN, adv->auth_data, VIPD_VRRP_V2_AUTH_LEN);

  csum = vipd_csum_fold (vipd_csum_partial (buf, len, pseudo ? pseudo_header_sum (meta, len) : 0));
  buf[6] = (guint8) (csum >> 8);
  buf[7] = (guint8) csum;
  return len;
}

gsize
vipd_packet_encode_ipv4_header (const VipdPacketMeta *meta, guint16 id, gsize payload_len,
                                guint8 *buf, gsize buflen)
{
  gsize total = IPV4_HDR_LEN + payload_len;
  guint16 csum;

  if (buflen < IPV4_HDR_LEN || total > 0xffff || meta->src.family != AF_INET
      || meta->dst.family != AF_INET)
    return 0;
  buf[0] = 0x45;
  buf[1] = VIPD_VRRP_TOS;
  buf[2] = (guint8) (total >> 8);
  buf[3] = (guint8) total;
  buf[4] = (guint8) (id >> 8);
  buf[5] = (guint8) id;
  buf[6] = 0;
  buf[7] = 0;
  buf[8] = VIPD_VRRP_TTL;
  buf[9] = VIPD_VRRP_PROTO;
  buf[10] = 0;
  buf[11] = 0;
  memcpy (buf + 12, meta->src.v4, 4);
  memcpy (buf + 16, meta->dst.v4, 4);
  csum = vipd_csum_fold (vipd_csum_partial (buf, IPV4_HDR_LEN, 0));
  buf[10] = (guint8) (csum >> 8);
  buf[11] = (guint8) csum;
  return IPV4_HDR_LEN;
}

VipdRxResult
vipd_packet_parse_ipv4 (const guint8 *buf, gsize len, VipdPacketMeta *meta,
                        const guint8 **payload, gsize *payload_len)
{
  gsize ihl, total;

  if (len < IPV4_HDR_LEN || buf[0] >> 4 != 4)
    return VIPD_RX_IP_HEADER;
  ihl = (gsize) (buf[0] & 0x0f) * 4;
  total = (gsize) buf[2] << 8 | buf[3];
  /* Bytes past the total length are link padding, not VRRP: they are cut off, not refused. */
  if (ihl < IPV4_HDR_LEN || ihl > total || total > len)
    return VIPD_RX_IP_HEADER;
  /* More-fragments or an offset: the kernel reassembles before a raw socket sees the packet,
   * so a fragment here is malformed. */
  if (((buf[6] & 0x3f) | buf[7]) != 0)
    return VIPD_RX_IP_HEADER;
  if (buf[9] != VIPD_VRRP_PROTO)
    return VIPD_RX_IP_HEADER;
  if (vipd_csum_fold (vipd_csum_partial (buf, ihl, 0)) != 0)
    return VIPD_RX_IP_HEADER;

  memset (meta, 0, sizeof *meta);
  vipd_addr_from_bytes (&meta->src, AF_INET, buf + 12);
  vipd_addr_from_bytes (&meta->dst, AF_INET, buf + 16);
  meta->ttl = buf[8];
  *payload = buf + ihl;
  *payload_len = total - ihl;
  return VIPD_RX_OK;
}
