/* Packet format requirements of RFC 3768, RFC 5798 and RFC 9568 that the codec tests in
 * test-packet.c do not pin down byte by byte. Checksums here are computed independently of
 * the codec, from the RFC 1071 definition.
 *
 * Conformance: RFC5798-5.2.8-CSUM-V4-FORMS, RFC9568-5.2.8-CSUM-V4-MSG, RFC5798-5.2.8-CSUM-V6,
 * RFC3768-5.3.8-CSUM, RFC5798-5.2.7-CENTISEC, RFC5798-5.2.6-RSVD, RFC3768-5.3.7-ADVER-INT,
 * RFC3768-5.3.10-AUTH-DATA, RFC5798-5.1.2.3-HOPLIMIT-RX, RFC3768-5.2.3-TTL-TX */
#include <netinet/in.h>
#include <string.h>

#include "wire/packet.h"

static VipdAddr
addr (const char *text)
{
  VipdAddr a;

  g_assert_true (vipd_addr_parse (text, &a));
  return a;
}

static VipdAdvert *
advert_new (guint8 version, int family, guint16 interval_cs)
{
  VipdAdvert *adv = g_new0 (VipdAdvert, 1);

  adv->version = version;
  adv->type = VIPD_VRRP_TYPE_ADVERT;
  adv->vrid = 7;
  adv->priority = 200;
  adv->naddrs = 1;
  adv->adver_int_cs = interval_cs;
  adv->family = family;
  adv->addrs[0] = addr (family == AF_INET ? "192.0.2.7" : "fe80::7");
  return adv;
}

/* RFC 1071: one's complement of the one's complement sum of 16-bit words. */
static guint16
textbook_csum (const guint8 *const *parts, const gsize *lens, guint nparts)
{
  guint32 sum = 0;

  for (guint p = 0; p < nparts; p++)
    for (gsize i = 0; i < lens[p]; i += 2)
      sum += (guint32) (parts[p][i] << 8) | (i + 1 < lens[p] ? parts[p][i + 1] : 0);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) ~sum;
}

static guint16
wire_csum (const guint8 *buf)
{
  return (guint16) (buf[6] << 8 | buf[7]);
}

/* Checksum over the message with its checksum field zeroed, with or without a pseudo-header. */
static guint16
expected_csum (const guint8 *buf, gsize len, const guint8 *pseudo, gsize pseudo_len)
{
  g_autofree guint8 *copy = g_memdup2 (buf, len);
  const guint8 *parts[2];
  gsize lens[2];
  guint n = 0;

  copy[6] = copy[7] = 0;
  if (pseudo)
    {
      parts[n] = pseudo;
      lens[n++] = pseudo_len;
    }
  parts[n] = copy;
  lens[n++] = len;
  return textbook_csum (parts, lens, n);
}

/* RFC 5798 5.2.8 (keepalived/FRR reading) and RFC 9568 5.2.8: the two v3/IPv4 forms. */
static void
test_v3_ipv4_checksum_forms (void)
{
  g_autofree VipdAdvert *adv = advert_new (3, AF_INET, 100);
  VipdPacketMeta meta = { .src = addr ("192.0.2.11"), .dst = addr ("224.0.0.18"), .ttl = 255 };
  guint8 buf[64], pseudo[12] = { 192, 0, 2, 11, 224, 0, 0, 18, 0, VIPD_VRRP_PROTO, 0, 0 };
  gsize len;

  len = vipd_packet_encode (adv, &meta, VIPD_CSUM_PLAIN, buf, sizeof buf);
  g_assert_cmpuint (len, ==, 12);
  g_assert_cmpuint (wire_csum (buf), ==, expected_csum (buf, len, NULL, 0));

  len = vipd_packet_encode (adv, &meta, VIPD_CSUM_PSEUDO, buf, sizeof buf);
  pseudo[11] = (guint8) len;
  g_assert_cmpuint (wire_csum (buf), ==, expected_csum (buf, len, pseudo, sizeof pseudo));
  g_assert_cmpuint (wire_csum (buf), !=, expected_csum (buf, len, NULL, 0));

  /* Which form each kind of packet carries, and the names the bus shows. */
  g_assert_cmpint (vipd_csum_form_for (2, AF_INET, VIPD_CSUM_PSEUDO), ==, VIPD_CSUM_PLAIN);
  g_assert_cmpint (vipd_csum_form_for (3, AF_INET6, VIPD_CSUM_PLAIN), ==, VIPD_CSUM_PSEUDO);
  g_assert_cmpint (vipd_csum_form_for (3, AF_INET, VIPD_CSUM_PLAIN), ==, VIPD_CSUM_PLAIN);
  g_assert_cmpint (vipd_csum_form_for (3, AF_INET, VIPD_CSUM_PSEUDO), ==, VIPD_CSUM_PSEUDO);
  g_assert_cmpstr (vipd_csum_form_name (VIPD_CSUM_PSEUDO), ==, "pseudo-header");
  g_assert_cmpstr (vipd_csum_form_name (VIPD_CSUM_PLAIN), ==, "message-only");
}

/* RFC 5798/9568 5.2.8: IPv6 always with the RFC 8200 pseudo-header, whatever is asked. */
static void
test_v3_ipv6_checksum (void)
{
  g_autofree VipdAdvert *adv = advert_new (3, AF_INET6, 100);
  VipdPacketMeta meta = { .src = addr ("fe80::11"), .dst = addr ("ff02::12"), .ttl = 255 };
  guint8 buf[64], pseudo[40] = { 0 };
  gsize len;

  len = vipd_packet_encode (adv, &meta, VIPD_CSUM_PLAIN, buf, sizeof buf);
  g_assert_cmpuint (len, ==, 24);
  memcpy (pseudo, meta.src.v6, 16);
  memcpy (pseudo + 16, meta.dst.v6, 16);
  pseudo[35] = (guint8) len;
  pseudo[39] = VIPD_VRRP_PROTO;
  g_assert_cmpuint (wire_csum (buf), ==, expected_csum (buf, len, pseudo, sizeof pseudo));
}

/* RFC 3768 5.3.8: v2 over the message only. */
static void
test_v2_checksum (void)
{
  g_autofree VipdAdvert *adv = advert_new (2, AF_INET, 100);
  guint8 buf[64];
  gsize len;

  len = vipd_packet_encode (adv, NULL, VIPD_CSUM_PSEUDO, buf, sizeof buf);
  g_assert_cmpuint (len, ==, 20);
  g_assert_cmpuint (wire_csum (buf), ==, expected_csum (buf, len, NULL, 0));
}

/* RFC 5798/9568 5.2.7: 12-bit Max Adver Int in centiseconds, 4 reserved bits sent as zero and
 * ignored on receipt; RFC 3768 5.3.7: v2 Adver Int in whole seconds. */
static void
test_interval_units (void)
{
  g_autofree VipdAdvert *adv = advert_new (3, AF_INET, 10);
  g_autofree VipdAdvert *out = g_new0 (VipdAdvert, 1);
  VipdPacketMeta meta = { .src = addr ("192.0.2.11"), .dst = addr ("224.0.0.18"), .ttl = 255 };
  guint8 buf[64];
  gsize len;

  len = vipd_packet_encode (adv, &meta, VIPD_CSUM_PLAIN, buf, sizeof buf);
  g_assert_cmpuint (buf[0], ==, 0x31); /* version 3, type 1 ADVERTISEMENT */
  g_assert_cmpuint (buf[4], ==, 0x00);
  g_assert_cmpuint (buf[5], ==, 10); /* 0.1 s */
  adv->adver_int_cs = 4095;
  len = vipd_packet_encode (adv, &meta, VIPD_CSUM_PLAIN, buf, sizeof buf);
  g_assert_cmpuint (buf[4], ==, 0x0f);
  g_assert_cmpuint (buf[5], ==, 0xff);
  adv->adver_int_cs = 4096; /* does not fit in 12 bits */
  g_assert_cmpuint (vipd_packet_encode (adv, &meta, VIPD_CSUM_PLAIN, buf, sizeof buf), ==, 0);

  /* Reserved bits set by a peer: ignored, the interval read from the low 12 bits. */
  adv->adver_int_cs = 25;
  len = vipd_packet_encode (adv, &meta, VIPD_CSUM_PLAIN, buf, sizeof buf);
  buf[4] |= 0xf0;
  buf[6] = buf[7] = 0;
  {
    guint16 c = vipd_csum_fold (vipd_csum_partial (buf, len, 0));

    buf[6] = (guint8) (c >> 8);
    buf[7] = (guint8) c;
  }
  g_assert_cmpint (vipd_packet_decode (buf, len, &meta, TRUE, VIPD_CSUM_PLAIN, out, NULL), ==,
                   VIPD_RX_OK);
  g_assert_cmpuint (out->adver_int_cs, ==, 25);

  /* v2: seconds on the wire, auth type 0 and zero auth data when unauthenticated. */
  {
    g_autofree VipdAdvert *v2 = advert_new (2, AF_INET, 300);

    len = vipd_packet_encode (v2, NULL, VIPD_CSUM_PLAIN, buf, sizeof buf);
    g_assert_cmpuint (buf[0], ==, 0x21);
    g_assert_cmpuint (buf[4], ==, VIPD_VRRP_AUTH_NONE);
    g_assert_cmpuint (buf[5], ==, 3);
    for (gsize i = len - VIPD_VRRP_V2_AUTH_LEN; i < len; i++)
      g_assert_cmpuint (buf[i], ==, 0);
    v2->adver_int_cs = 150; /* 1.5 s has no v2 encoding */
    g_assert_cmpuint (vipd_packet_encode (v2, NULL, VIPD_CSUM_PLAIN, buf, sizeof buf), ==, 0);
  }
}

/* RFC 5798/9568 5.1.2.3: hop limit 255 on receipt, for IPv6 as for IPv4's TTL. */
static void
test_ipv6_hop_limit_rx (void)
{
  g_autofree VipdAdvert *adv = advert_new (3, AF_INET6, 100);
  g_autofree VipdAdvert *out = g_new0 (VipdAdvert, 1);
  VipdPacketMeta meta = { .src = addr ("fe80::11"), .dst = addr ("ff02::12"), .ttl = 255 };
  guint8 buf[64];
  gsize len = vipd_packet_encode (adv, &meta, VIPD_CSUM_PSEUDO, buf, sizeof buf);

  g_assert_cmpint (vipd_packet_decode (buf, len, &meta, FALSE, VIPD_CSUM_PSEUDO, out, NULL), ==,
                   VIPD_RX_OK);
  meta.ttl = 254;
  g_assert_cmpint (vipd_packet_decode (buf, len, &meta, FALSE, VIPD_CSUM_PSEUDO, out, NULL), ==,
                   VIPD_RX_TTL);
  meta.ttl = 1;
  g_assert_cmpint (vipd_packet_decode (buf, len, &meta, FALSE, VIPD_CSUM_PSEUDO, out, NULL), ==,
                   VIPD_RX_TTL);
}

/* RFC 3768 5.2.3 / RFC 5798 5.1.1.3: the IPv4 header vipd builds carries TTL 255, protocol
 * 112 and the source it is given. */
static void
test_ipv4_header_fields (void)
{
  VipdPacketMeta meta = { .src = addr ("192.0.2.11"), .dst = addr ("224.0.0.18"), .ttl = 255 };
  guint8 hdr[20];

  g_assert_cmpuint (vipd_packet_encode_ipv4_header (&meta, 1, 12, hdr, sizeof hdr), ==, 20);
  g_assert_cmpuint (hdr[8], ==, 255);
  g_assert_cmpuint (hdr[9], ==, 112);
  g_assert_cmpmem (hdr + 12, 4, meta.src.v4, 4);
  g_assert_cmpmem (hdr + 16, 4, meta.dst.v4, 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wire/rfc/v3-ipv4-checksum-forms", test_v3_ipv4_checksum_forms);
  g_test_add_func ("/wire/rfc/v3-ipv6-checksum", test_v3_ipv6_checksum);
  g_test_add_func ("/wire/rfc/v2-checksum", test_v2_checksum);
  g_test_add_func ("/wire/rfc/interval-units", test_interval_units);
  g_test_add_func ("/wire/rfc/ipv6-hop-limit-rx", test_ipv6_hop_limit_rx);
  g_test_add_func ("/wire/rfc/ipv4-header-fields", test_ipv4_header_fields);
  return g_test_run ();
}
