/* libFuzzer target for the VRRP codec. The first byte picks how the rest is read:
 *   bits 0-1  0: raw IPv4 packet, v2 instance with PASS "1111"
 *             1: raw IPv4 packet, v3 instance
 *             2: VRRP message from fe80::a to ff02::12, v3 IPv6 instance
 *             3: raw IPv4 packet, v2 instance without authentication
 *   bit 2     recompute the IP header and VRRP checksums first, so that mutations reach the
 *             checks behind the checksum instead of dying on it
 *   bit 3     skip_check_adv_addr;  bit 4  csum_strict;  bit 5  csum_form PLAIN
 * Whatever decodes is encoded again and must decode to the same advert. */
#include "wire/packet.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* field must have been zeroed before sum was taken. */
static void
put_csum (guint8 *field, guint32 sum)
{
  guint16 c = vipd_csum_fold (sum);

  field[0] = (guint8) (c >> 8);
  field[1] = (guint8) c;
}

/* The checksum is over the whole message, so both halves are zeroed before summing. */
static void
fix_vrrp_csum (guint8 *msg, gsize len, const VipdPacketMeta *meta, VipdCsumForm form)
{
  guint8 pseudo[40] = { 0 };
  gsize n = 0;
  guint32 seed = 0;

  if (len < VIPD_VRRP_HDR_LEN)
    return;
  if ((msg[0] >> 4) == 3 && (meta->src.family == AF_INET6 || form == VIPD_CSUM_PSEUDO))
    {
      if (meta->src.family == AF_INET6)
        {
          memcpy (pseudo, meta->src.v6, 16);
          memcpy (pseudo + 16, meta->dst.v6, 16);
          pseudo[34] = (guint8) (len >> 8);
          pseudo[35] = (guint8) len;
          pseudo[39] = VIPD_VRRP_PROTO;
          n = 40;
        }
      else
        {
          memcpy (pseudo, meta->src.v4, 4);
          memcpy (pseudo + 4, meta->dst.v4, 4);
          pseudo[9] = VIPD_VRRP_PROTO;
          pseudo[10] = (guint8) (len >> 8);
          pseudo[11] = (guint8) len;
          n = 12;
        }
      seed = vipd_csum_partial (pseudo, n, 0);
    }
  msg[6] = msg[7] = 0;
  put_csum (msg + 6, vipd_csum_partial (msg, len, seed));
}

static void
round_trip (const VipdAdvert *adv, const VipdPacketMeta *meta, VipdCsumForm form, gsize len)
{
  static guint8 buf[8192];
  VipdAdvert again, want;
  gsize n;

  n = vipd_packet_encode (adv, meta, form, buf, sizeof buf);
  if (n != len)
    abort ();
  if (vipd_packet_decode (buf, n, meta, TRUE, form, &again, NULL) != VIPD_RX_OK)
    abort ();
  /* Only the reserved v3 bits may differ on the wire, and with them the checksum. */
  want = *adv;
  want.checksum = again.checksum;
  if (memcmp (&want, &again, sizeof want) != 0)
    abort ();
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static const guint8 vip4[][4] = { { 192, 0, 2, 150 }, { 192, 0, 2, 151 } };
  static const guint8 vip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x01, [15] = 0x50 };
  VipdAddr vips[2];
  VipdRxExpect ex = { 0 };
  VipdPacketMeta meta = { 0 };
  VipdAdvert adv;
  VipdCsumForm seen;
  guint8 *copy;
  const guint8 *msg = NULL;
  gsize msg_len = 0, len;
  guint8 sel, variant;
  VipdRxResult r;

  if (size < 1)
    return 0;
  sel = data[0];
  variant = sel & 3;
  len = size - 1;
  /* An exact-size heap copy, so ASan catches any read past the end. */
  copy = malloc (len ? len : 1);
  memcpy (copy, data + 1, len);

  ex.skip_check_adv_addr = (sel & 0x08) != 0;
  ex.csum_strict = (sel & 0x10) != 0;
  ex.csum_form = (sel & 0x20) ? VIPD_CSUM_PLAIN : VIPD_CSUM_PSEUDO;

  if (variant == 2)
    {
      vipd_addr_from_bytes (&vips[0], AF_INET6, vip6);
      ex.version = 3;
      ex.family = AF_INET6;
      ex.vrid = 53;
      ex.vips = vips;
      ex.n_vips = 1;
      vipd_addr_parse ("fe80::a", &meta.src);
      vipd_addr_parse ("ff02::12", &meta.dst);
      meta.ttl = VIPD_VRRP_TTL;
      if (sel & 0x04)
        fix_vrrp_csum (copy, len, &meta, ex.csum_form);
      msg = copy;
      msg_len = len;
    }
  else
    {
      gsize ihl = len >= 20 ? (gsize) (copy[0] & 0x0f) * 4 : 0;

      if ((sel & 0x04) && ihl >= 20 && ihl <= len)
        {
          copy[10] = copy[11] = 0;
          put_csum (copy + 10, vipd_csum_partial (copy, ihl, 0));
        }
      r = vipd_packet_parse_ipv4 (copy, len, &meta, &msg, &msg_len);
      if (r != VIPD_RX_OK)
        goto out;
      if (sel & 0x04)
        fix_vrrp_csum (copy + (msg - copy), msg_len, &meta, ex.csum_form);
      vipd_addr_from_bytes (&vips[0], AF_INET, vip4[0]);
      vipd_addr_from_bytes (&vips[1], AF_INET, vip4[1]);
      ex.family = AF_INET;
      ex.vips = vips;
      if (variant == 1)
        {
          ex.version = 3;
          ex.vrid = 52;
          ex.n_vips = 2;
        }
      else
        {
          ex.version = 2;
          ex.vrid = 51;
          ex.n_vips = 1;
          ex.adver_int_cs = 100;
          ex.auth_type = variant == 0 ? VIPD_VRRP_AUTH_PASS : VIPD_VRRP_AUTH_NONE;
          ex.auth_pass = variant == 0 ? "1111" : NULL;
        }
    }

  r = vipd_packet_check (msg, msg_len, &meta, &ex, &adv);
  if ((guint) r >= VIPD_RX_N_REASONS || !vipd_rx_result_name (r))
    abort ();

  r = vipd_packet_decode (msg, msg_len, &meta, ex.csum_strict, ex.csum_form, &adv, &seen);
  if (r == VIPD_RX_OK)
    round_trip (&adv, &meta, seen, msg_len);

out:
  free (copy);
  return 0;
}
