/* The VRRP codec: round trips, one mutation per drop reason, both v3/IPv4 checksum forms,
 * and adverts captured from keepalived 2.2.7 (tests/data/golden/). */
#include "wire/packet.h"

#include <netinet/in.h>
#include <string.h>

#define BUF_MAX 8192

static VipdAddr
addr (const char *text)
{
  VipdAddr a;

  g_assert_true (vipd_addr_parse (text, &a));
  return a;
}

static VipdPacketMeta
meta_for (const char *src, const char *dst)
{
  VipdPacketMeta m = { .src = addr (src), .dst = addr (dst), .ttl = VIPD_VRRP_TTL };

  return m;
}

static VipdPacketMeta
meta_v4 (void)
{
  return meta_for ("192.0.2.10", "224.0.0.18");
}

static VipdPacketMeta
meta_v6 (void)
{
  return meta_for ("fe80::a", "ff02::12");
}

static void
advert_init (VipdAdvert *adv, guint8 version, int family, guint n)
{
  guint i;

  memset (adv, 0, sizeof *adv);
  adv->version = version;
  adv->type = VIPD_VRRP_TYPE_ADVERT;
  adv->vrid = 51;
  adv->priority = 100;
  adv->naddrs = (guint8) n;
  adv->adver_int_cs = 100;
  adv->family = family;
  for (i = 0; i < n; i++)
    {
      g_autofree char *text = family == AF_INET ? g_strdup_printf ("192.0.2.%u", i)
                                                : g_strdup_printf ("2001:db8::%x", i + 0x150);
      adv->addrs[i] = addr (text);
    }
  if (version == 2)
    {
      adv->auth_type = VIPD_VRRP_AUTH_PASS;
      strcpy (adv->auth_data, "1111");
    }
}

static void
assert_advert_equal (const VipdAdvert *a, const VipdAdvert *b)
{
  guint i;

  g_assert_cmpuint (a->version, ==, b->version);
  g_assert_cmpuint (a->type, ==, b->type);
  g_assert_cmpuint (a->vrid, ==, b->vrid);
  g_assert_cmpuint (a->priority, ==, b->priority);
  g_assert_cmpuint (a->naddrs, ==, b->naddrs);
  g_assert_cmpuint (a->adver_int_cs, ==, b->adver_int_cs);
  g_assert_cmpint (a->family, ==, b->family);
  if (a->version == 2)
    {
      g_assert_cmpuint (a->auth_type, ==, b->auth_type);
      g_assert_cmpmem (a->auth_data, VIPD_VRRP_V2_AUTH_LEN, b->auth_data, VIPD_VRRP_V2_AUTH_LEN);
    }
  for (i = 0; i < a->naddrs; i++)
    g_assert_true (vipd_addr_equal (&a->addrs[i], &b->addrs[i]));
}

static void
round_trip (guint8 version, int family, guint n, VipdCsumForm form)
{
  VipdAdvert adv, got;
  VipdPacketMeta meta = family == AF_INET ? meta_v4 () : meta_v6 ();
  g_autofree guint8 *buf = g_malloc (BUF_MAX);
  VipdCsumForm seen = form == VIPD_CSUM_PSEUDO ? VIPD_CSUM_PLAIN : VIPD_CSUM_PSEUDO;
  gsize len;
  gsize want = 8 + n * (family == AF_INET ? 4 : 16) + (version == 2 ? 8 : 0);

  advert_init (&adv, version, family, n);
  len = vipd_packet_encode (&adv, &meta, form, buf, BUF_MAX);
  g_assert_cmpuint (len, ==, want);
  /* The strict decode proves the checksum was written in the form that was asked for. */
  g_assert_cmpint (vipd_packet_decode (buf, len, &meta, TRUE, form, &got, &seen), ==, VIPD_RX_OK);
  assert_advert_equal (&adv, &got);
  if (version == 3 && family == AF_INET)
    g_assert_cmpint (seen, ==, form);
  /* One byte short of the buffer it needs: refused, not truncated. */
  g_assert_cmpuint (vipd_packet_encode (&adv, &meta, form, buf, want - 1), ==, 0);
}

static void
test_round_trip (void)
{
  static const guint counts[] = { 1, 2, 17, 255 };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      round_trip (2, AF_INET, counts[i], VIPD_CSUM_PLAIN);
      round_trip (3, AF_INET, counts[i], VIPD_CSUM_PSEUDO);
      round_trip (3, AF_INET, counts[i], VIPD_CSUM_PLAIN);
      round_trip (3, AF_INET6, counts[i], VIPD_CSUM_PSEUDO);
    }
}

static void
test_encode_invalid (void)
{
  VipdAdvert adv;
  VipdPacketMeta m4 = meta_v4 (), m6 = meta_v6 ();
  guint8 buf[BUF_MAX];

  advert_init (&adv, 2, AF_INET6, 1);
  g_assert_cmpuint (vipd_packet_encode (&adv, &m6, VIPD_CSUM_PSEUDO, buf, sizeof buf), ==, 0);
  advert_init (&adv, 2, AF_INET, 1);
  adv.adver_int_cs = 150;
  g_assert_cmpuint (vipd_packet_encode (&adv, &m4, VIPD_CSUM_PLAIN, buf, sizeof buf), ==, 0);
  advert_init (&adv, 3, AF_INET, 1);
  adv.adver_int_cs = 0x1000;
  g_assert_cmpuint (vipd_packet_encode (&adv, &m4, VIPD_CSUM_PSEUDO, buf, sizeof buf), ==, 0);
  advert_init (&adv, 3, AF_INET, 1);
  adv.addrs[0] = addr ("2001:db8::1");
  g_assert_cmpuint (vipd_packet_encode (&adv, &m4, VIPD_CSUM_PSEUDO, buf, sizeof buf), ==, 0);
  advert_init (&adv, 4, AF_INET, 1);
  g_assert_cmpuint (vipd_packet_encode (&adv, &m4, VIPD_CSUM_PSEUDO, buf, sizeof buf), ==, 0);
  /* A pseudo-header needs addresses of the advert's family. */
  advert_init (&adv, 3, AF_INET, 1);
  g_assert_cmpuint (vipd_packet_encode (&adv, &m6, VIPD_CSUM_PSEUDO, buf, sizeof buf), ==, 0);
  g_assert_cmpuint (vipd_packet_encode (&adv, NULL, VIPD_CSUM_PSEUDO, buf, sizeof buf), ==, 0);
  g_assert_cmpuint (vipd_packet_encode (&adv, NULL, VIPD_CSUM_PLAIN, buf, sizeof buf), ==, 12);
}

/* --- one case per drop reason -------------------------------------------------------- */

typedef struct
{
  guint8 buf[BUF_MAX];
  gsize len;
  VipdPacketMeta meta;
  VipdAddr vips[VIPD_VRRP_MAX_ADDRS];
  VipdRxExpect expect;
} Case;

/* A good advert and an instance that accepts it; each case then breaks one thing. */
static void
case_init (Case *c, guint8 version, int family)
{
  VipdAdvert adv;
  guint i;

  memset (c, 0, sizeof *c);
  advert_init (&adv, version, family, 2);
  c->meta = family == AF_INET ? meta_v4 () : meta_v6 ();
  c->len = vipd_packet_encode (&adv, &c->meta, VIPD_CSUM_PSEUDO, c->buf, sizeof c->buf);
  g_assert_cmpuint (c->len, >, 0);
  for (i = 0; i < adv.naddrs; i++)
    c->vips[i] = adv.addrs[i];
  c->expect.version = version;
  c->expect.family = family;
  c->expect.vrid = adv.vrid;
  c->expect.auth_type = adv.auth_type;
  c->expect.auth_pass = version == 2 ? "1111" : NULL;
  c->expect.adver_int_cs = adv.adver_int_cs;
  c->expect.vips = c->vips;
  c->expect.n_vips = adv.naddrs;
  c->expect.csum_form = VIPD_CSUM_PSEUDO;
}

static VipdRxResult
case_run (Case *c)
{
  VipdAdvert out;

  return vipd_packet_check (c->buf, c->len, &c->meta, &c->expect, &out);
}

/* After a mutation, so that the checksum does not mask the check under test. */
static void
case_fix_csum (Case *c)
{
  gboolean pseudo = (c->buf[0] >> 4) == 3;
  guint32 seed = 0;
  guint16 sum;

  if (pseudo)
    {
      /* Same pseudo-header as the codec, built by hand so a shared bug cannot cancel out. */
      guint8 ph[40] = { 0 };
      gsize n;

      if (c->meta.src.family == AF_INET)
        {
          memcpy (ph, c->meta.src.v4, 4);
          memcpy (ph + 4, c->meta.dst.v4, 4);
          ph[9] = 112;
          ph[10] = (guint8) (c->len >> 8);
          ph[11] = (guint8) c->len;
          n = 12;
        }
      else
        {
          memcpy (ph, c->meta.src.v6, 16);
          memcpy (ph + 16, c->meta.dst.v6, 16);
          ph[34] = (guint8) (c->len >> 8);
          ph[35] = (guint8) c->len;
          ph[39] = 112;
          n = 40;
        }
      seed = vipd_csum_partial (ph, n, 0);
    }
  c->buf[6] = c->buf[7] = 0;
  sum = vipd_csum_fold (vipd_csum_partial (c->buf, c->len, seed));
  c->buf[6] = (guint8) (sum >> 8);
  c->buf[7] = (guint8) sum;
}

static void
mut_too_short_header (Case *c)
{
  c->len = VIPD_VRRP_HDR_LEN - 1;
}

static void
mut_too_short_count (Case *c)
{
  c->buf[3] = 3; /* claims a third address that is not there */
  case_fix_csum (c);
}

static void
mut_ttl (Case *c)
{
  c->meta.ttl = 64;
}

static void
mut_version (Case *c)
{
  c->buf[0] = 0x11;
  case_fix_csum (c);
}

static void
mut_version_other (Case *c)
{
  c->expect.version = 2; /* a v3 packet reaching a v2 instance */
}

static void
mut_length (Case *c)
{
  c->len += 4; /* the zeroed bytes after the packet become a surplus address slot */
  case_fix_csum (c);
}

static void
mut_checksum (Case *c)
{
  c->buf[7] ^= 0x01;
}

static void
mut_type (Case *c)
{
  c->buf[0] = 0x32;
  case_fix_csum (c);
}

static void
mut_vrid (Case *c)
{
  c->expect.vrid = 52;
}

static void
mut_owner (Case *c)
{
  c->expect.local_is_owner = TRUE;
}

static void
mut_addr_count (Case *c)
{
  c->vips[2] = addr ("192.0.2.99");
  c->expect.n_vips = 3;
}

static void
mut_addr_count_zero (Case *c)
{
  /* Zero addresses are refused even when the list is not checked. */
  c->buf[3] = 0;
  c->len -= 8;
  if (c->buf[0] >> 4 == 2)
    memmove (c->buf + c->len - VIPD_VRRP_V2_AUTH_LEN, c->buf + c->len + 8 - VIPD_VRRP_V2_AUTH_LEN,
             VIPD_VRRP_V2_AUTH_LEN);
  case_fix_csum (c);
  c->expect.skip_check_adv_addr = TRUE;
}

static void
mut_auth_type (Case *c)
{
  c->expect.auth_type = VIPD_VRRP_AUTH_NONE;
}

static void
mut_auth_pass (Case *c)
{
  c->expect.auth_pass = "11112";
}

static void
mut_interval_v2 (Case *c)
{
  c->expect.adver_int_cs = 200;
}

static void
mut_interval_v3_zero (Case *c)
{
  c->buf[4] = 0;
  c->buf[5] = 0;
  case_fix_csum (c);
}

static void
mut_addr_list (Case *c)
{
  c->vips[1] = addr ("192.0.2.99");
}

static void
mut_src_v6_global (Case *c)
{
  c->meta.src = addr ("2001:db8::a");
  case_fix_csum (c);
}

static void
mut_src_v4_multicast (Case *c)
{
  c->meta.src = addr ("224.0.0.5");
  case_fix_csum (c);
}

static void
mut_family_v2_over_v6 (Case *c)
{
  c->meta = meta_v6 ();
  c->expect.family = AF_INET6;
}

static void
mut_family_instance (Case *c)
{
  c->expect.family = AF_INET6;
}

typedef struct
{
  const char *name;
  guint8 version;
  int family;
  void (*mutate) (Case *c);
  VipdRxResult want;
} DropCase;

static const DropCase drop_cases[] = {
  { "too-short-header", 3, AF_INET, mut_too_short_header, VIPD_RX_TOO_SHORT },
  { "too-short-count", 3, AF_INET6, mut_too_short_count, VIPD_RX_TOO_SHORT },
  { "too-short-count-v2", 2, AF_INET, mut_too_short_count, VIPD_RX_TOO_SHORT },
  { "ttl", 3, AF_INET, mut_ttl, VIPD_RX_TTL },
  { "version", 3, AF_INET, mut_version, VIPD_RX_VERSION },
  { "version-other", 3, AF_INET, mut_version_other, VIPD_RX_VERSION },
  { "length", 3, AF_INET, mut_length, VIPD_RX_LENGTH },
  { "length-v2", 2, AF_INET, mut_length, VIPD_RX_LENGTH },
  { "checksum", 3, AF_INET, mut_checksum, VIPD_RX_CHECKSUM },
  { "checksum-v6", 3, AF_INET6, mut_checksum, VIPD_RX_CHECKSUM },
  { "checksum-v2", 2, AF_INET, mut_checksum, VIPD_RX_CHECKSUM },
  { "type", 3, AF_INET, mut_type, VIPD_RX_TYPE },
  { "vrid", 3, AF_INET, mut_vrid, VIPD_RX_VRID },
  { "owner", 3, AF_INET, mut_owner, VIPD_RX_OWNER },
  { "owner-v2", 2, AF_INET, mut_owner, VIPD_RX_OWNER },
  { "addr-count", 3, AF_INET, mut_addr_count, VIPD_RX_ADDR_COUNT },
  { "addr-count-zero", 3, AF_INET, mut_addr_count_zero, VIPD_RX_ADDR_COUNT },
  { "addr-count-zero-v2", 2, AF_INET, mut_addr_count_zero, VIPD_RX_ADDR_COUNT },
  { "auth-type", 2, AF_INET, mut_auth_type, VIPD_RX_AUTH_TYPE },
  { "auth-pass", 2, AF_INET, mut_auth_pass, VIPD_RX_AUTH_PASS },
  { "interval-v2", 2, AF_INET, mut_interval_v2, VIPD_RX_INTERVAL },
  { "interval-v3-zero", 3, AF_INET, mut_interval_v3_zero, VIPD_RX_INTERVAL },
  { "addr-list", 3, AF_INET, mut_addr_list, VIPD_RX_ADDR_LIST },
  { "addr-list-v2", 2, AF_INET, mut_addr_list, VIPD_RX_ADDR_LIST },
  { "src-v6-global", 3, AF_INET6, mut_src_v6_global, VIPD_RX_SRC_ADDR },
  { "src-v4-multicast", 3, AF_INET, mut_src_v4_multicast, VIPD_RX_SRC_ADDR },
  { "family-v2-over-v6", 2, AF_INET, mut_family_v2_over_v6, VIPD_RX_FAMILY },
  { "family-instance", 3, AF_INET, mut_family_instance, VIPD_RX_FAMILY },
};

static void
test_drop (gconstpointer data)
{
  const DropCase *dc = data;
  g_autofree Case *c = g_new0 (Case, 1);

  case_init (c, dc->version, dc->family);
  g_assert_cmpint (case_run (c), ==, VIPD_RX_OK);
  dc->mutate (c);
  g_assert_cmpstr (vipd_rx_result_name (case_run (c)), ==, vipd_rx_result_name (dc->want));
}

static VipdRxResult
ipv4_variant (void (*edit) (guint8 *ip, gsize *len))
{
  VipdAdvert adv;
  VipdPacketMeta meta = meta_v4 (), got;
  guint8 ip[256] = { 0 };
  gsize len;
  const guint8 *payload;
  gsize plen;
  guint16 sum;

  advert_init (&adv, 3, AF_INET, 1);
  len = vipd_packet_encode (&adv, &meta, VIPD_CSUM_PSEUDO, ip + 20, sizeof ip - 20);
  g_assert_cmpuint (vipd_packet_encode_ipv4_header (&meta, 7, len, ip, 20), ==, 20);
  len += 20;
  edit (ip, &len);
  ip[10] = ip[11] = 0;
  sum = vipd_csum_fold (vipd_csum_partial (ip, (gsize) (ip[0] & 0x0f) * 4, 0));
  ip[10] = (guint8) (sum >> 8);
  ip[11] = (guint8) sum;
  return vipd_packet_parse_ipv4 (ip, len, &got, &payload, &plen);
}

static void
edit_none (guint8 *ip, gsize *len)
{
}

static void
edit_version (guint8 *ip, gsize *len)
{
  ip[0] = 0x65;
}

static void
edit_ihl (guint8 *ip, gsize *len)
{
  ip[0] = 0x44;
}

static void
edit_ihl_past_total (guint8 *ip, gsize *len)
{
  ip[0] = 0x4f; /* 60-byte header in a 32-byte packet */
}

static void
edit_total_long (guint8 *ip, gsize *len)
{
  ip[3] += 1;
}

static void
edit_truncated (guint8 *ip, gsize *len)
{
  *len = 19;
}

static void
edit_proto (guint8 *ip, gsize *len)
{
  ip[9] = 17;
}

static void
edit_fragment (guint8 *ip, gsize *len)
{
  ip[6] = 0x20; /* more fragments */
}

static void
edit_padding (guint8 *ip, gsize *len)
{
  *len += 6; /* Ethernet-style padding past the total length */
}

static void
test_ipv4_header (void)
{
  g_assert_cmpint (ipv4_variant (edit_none), ==, VIPD_RX_OK);
  g_assert_cmpint (ipv4_variant (edit_padding), ==, VIPD_RX_OK);
  g_assert_cmpint (ipv4_variant (edit_version), ==, VIPD_RX_IP_HEADER);
  g_assert_cmpint (ipv4_variant (edit_ihl), ==, VIPD_RX_IP_HEADER);
  g_assert_cmpint (ipv4_variant (edit_ihl_past_total), ==, VIPD_RX_IP_HEADER);
  g_assert_cmpint (ipv4_variant (edit_total_long), ==, VIPD_RX_IP_HEADER);
  g_assert_cmpint (ipv4_variant (edit_truncated), ==, VIPD_RX_IP_HEADER);
  g_assert_cmpint (ipv4_variant (edit_proto), ==, VIPD_RX_IP_HEADER);
  g_assert_cmpint (ipv4_variant (edit_fragment), ==, VIPD_RX_IP_HEADER);
}

static void
test_ipv4_header_checksum_and_options (void)
{
  VipdAdvert adv, out;
  VipdPacketMeta meta = meta_v4 (), got;
  guint8 ip[64];
  gsize len;
  const guint8 *payload = NULL;
  gsize plen = 0;
  guint16 sum;

  advert_init (&adv, 3, AF_INET, 1);
  len = vipd_packet_encode (&adv, &meta, VIPD_CSUM_PSEUDO, ip + 24, sizeof ip - 24);
  vipd_packet_encode_ipv4_header (&meta, 7, len + 4, ip, 20);
  /* A 4-byte Router Alert option: IHL 6, skipped. */
  ip[0] = 0x46;
  ip[20] = 0x94;
  ip[21] = 0x04;
  ip[22] = ip[23] = 0;
  g_assert_cmpint (vipd_packet_parse_ipv4 (ip, 24 + len, &got, &payload, &plen), ==,
                   VIPD_RX_IP_HEADER); /* header checksum not yet updated */

  ip[10] = ip[11] = 0;
  sum = vipd_csum_fold (vipd_csum_partial (ip, 24, 0));
  ip[10] = (guint8) (sum >> 8);
  ip[11] = (guint8) sum;
  g_assert_cmpint (vipd_packet_parse_ipv4 (ip, 24 + len, &got, &payload, &plen), ==, VIPD_RX_OK);
  g_assert_true (payload == ip + 24);
  g_assert_cmpuint (plen, ==, len);
  g_assert_cmpuint (got.ttl, ==, 255);
  g_assert_true (vipd_addr_equal (&got.src, &meta.src));
  g_assert_true (vipd_addr_equal (&got.dst, &meta.dst));
  g_assert_cmpint (vipd_packet_decode (payload, plen, &got, FALSE, VIPD_CSUM_PSEUDO, &out, NULL),
                   ==, VIPD_RX_OK);
}

static void
test_drop_cases_cover_every_reason (void)
{
  gboolean seen[VIPD_RX_N_REASONS] = { FALSE };
  gsize i;

  seen[VIPD_RX_OK] = TRUE;
  seen[VIPD_RX_IP_HEADER] = TRUE; /* test_ipv4_header: parse_ipv4 is its only source */
  for (i = 0; i < G_N_ELEMENTS (drop_cases); i++)
    seen[drop_cases[i].want] = TRUE;
  for (i = 0; i < VIPD_RX_N_REASONS; i++)
    if (!seen[i])
      g_error ("no drop case produces %s", vipd_rx_result_name ((VipdRxResult) i));
}

static void
test_reason_names (void)
{
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  guint i;

  for (i = 0; i < VIPD_RX_N_REASONS; i++)
    {
      const char *n = vipd_rx_result_name ((VipdRxResult) i);

      g_assert_nonnull (n);
      g_assert_false (g_hash_table_contains (names, n));
      g_hash_table_add (names, (gpointer) n);
      g_assert_cmpstr (vipd_rx_result_describe ((VipdRxResult) i), !=, "unknown reason");
    }
  g_assert_cmpstr (vipd_rx_result_name (VIPD_RX_N_REASONS), ==, "unknown");
}

static void
test_skip_and_owner (void)
{
  g_autofree Case *c = g_new0 (Case, 1);

  case_init (c, 3, AF_INET);
  mut_addr_list (c);
  c->expect.skip_check_adv_addr = TRUE;
  g_assert_cmpint (case_run (c), ==, VIPD_RX_OK);

  case_init (c, 3, AF_INET);
  mut_addr_count (c);
  c->expect.skip_check_adv_addr = TRUE;
  g_assert_cmpint (case_run (c), ==, VIPD_RX_OK);

  /* The address owner's advert is processed even when its list differs (RFC 5798 §7.1). */
  case_init (c, 3, AF_INET);
  mut_addr_list (c);
  c->buf[2] = 255;
  case_fix_csum (c);
  g_assert_cmpint (case_run (c), ==, VIPD_RX_OK);
  c->buf[2] = 254;
  case_fix_csum (c);
  g_assert_cmpint (case_run (c), ==, VIPD_RX_ADDR_LIST);

  /* Same set in another order is the same list. */
  case_init (c, 3, AF_INET);
  {
    VipdAddr t = c->vips[0];

    c->vips[0] = c->vips[1];
    c->vips[1] = t;
  }
  g_assert_cmpint (case_run (c), ==, VIPD_RX_OK);

  /* A duplicate cannot stand in for a missing address. */
  case_init (c, 3, AF_INET);
  c->vips[1] = c->vips[0];
  g_assert_cmpint (case_run (c), ==, VIPD_RX_ADDR_LIST);
}

static void
test_checksum_forms (void)
{
  VipdAdvert adv, out;
  VipdPacketMeta meta = meta_v4 ();
  VipdAddr vip;
  VipdRxExpect ex = { .version = 3, .family = AF_INET, .vrid = 51, .n_vips = 1 };
  guint8 pseudo[64], plain[64];
  gsize len;
  VipdCsumForm seen;

  advert_init (&adv, 3, AF_INET, 1);
  vip = adv.addrs[0];
  ex.vips = &vip;
  len = vipd_packet_encode (&adv, &meta, VIPD_CSUM_PSEUDO, pseudo, sizeof pseudo);
  g_assert_cmpuint (vipd_packet_encode (&adv, &meta, VIPD_CSUM_PLAIN, plain, sizeof plain), ==, len);
  g_assert_cmpmem (pseudo + 8, len - 8, plain + 8, len - 8);
  g_assert_true (pseudo[6] != plain[6] || pseudo[7] != plain[7]);

  /* Default: both accepted, whichever is preferred. */
  g_assert_cmpint (vipd_packet_decode (plain, len, &meta, FALSE, VIPD_CSUM_PSEUDO, &out, &seen),
                   ==, VIPD_RX_OK);
  g_assert_cmpint (seen, ==, VIPD_CSUM_PLAIN);
  g_assert_cmpint (vipd_packet_decode (pseudo, len, &meta, FALSE, VIPD_CSUM_PLAIN, &out, &seen),
                   ==, VIPD_RX_OK);
  g_assert_cmpint (seen, ==, VIPD_CSUM_PSEUDO);
  g_assert_cmpint (vipd_packet_check (plain, len, &meta, &ex, &out), ==, VIPD_RX_OK);
  g_assert_cmpint (vipd_packet_check (pseudo, len, &meta, &ex, &out), ==, VIPD_RX_OK);

  /* Strict: only the configured form. */
  ex.csum_strict = TRUE;
  ex.csum_form = VIPD_CSUM_PSEUDO;
  g_assert_cmpint (vipd_packet_check (pseudo, len, &meta, &ex, &out), ==, VIPD_RX_OK);
  g_assert_cmpint (vipd_packet_check (plain, len, &meta, &ex, &out), ==, VIPD_RX_CHECKSUM);
  ex.csum_form = VIPD_CSUM_PLAIN;
  g_assert_cmpint (vipd_packet_check (plain, len, &meta, &ex, &out), ==, VIPD_RX_OK);
  g_assert_cmpint (vipd_packet_check (pseudo, len, &meta, &ex, &out), ==, VIPD_RX_CHECKSUM);

  /* The pseudo-header binds the packet to its addresses: another destination breaks it. */
  meta.dst = addr ("192.0.2.11");
  g_assert_cmpint (vipd_packet_decode (pseudo, len, &meta, TRUE, VIPD_CSUM_PSEUDO, &out, NULL),
                   ==, VIPD_RX_CHECKSUM);
}

static void
test_csum_rfc1071 (void)
{
  /* The worked example of RFC 1071 §3: the sum of these words is 0xddf2. */
  static const guint8 data[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
  static const guint8 odd[] = { 0x01, 0x02, 0x03 };

  g_assert_cmpuint (vipd_csum_fold (vipd_csum_partial (data, sizeof data, 0)), ==, 0xffff & ~0xddf2);
  /* A trailing odd byte counts as the high half of a word. */
  g_assert_cmpuint (vipd_csum_partial (odd, sizeof odd, 0), ==, 0x0102 + 0x0300);
  g_assert_cmpuint (vipd_csum_fold (0x1fffe), ==, 0x0000);
}

/* --- golden packets from keepalived -------------------------------------------------- */

static GBytes *
load_hex (const char *name)
{
  g_autofree char *path = g_build_filename (TESTS_SRCDIR, "data", "golden", name, NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  GByteArray *bytes = g_byte_array_new ();
  guint i;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i]; i++)
    {
      const char *p = lines[i];

      if (p[0] == '#')
        continue;
      for (; *p; p++)
        {
          int hi, lo;
          guint8 b;

          if (g_ascii_isspace (*p))
            continue;
          hi = g_ascii_xdigit_value (p[0]);
          lo = g_ascii_xdigit_value (p[1]);
          g_assert_true (hi >= 0 && lo >= 0);
          b = (guint8) (hi << 4 | lo);
          g_byte_array_append (bytes, &b, 1);
          p++;
        }
    }
  g_assert_cmpuint (bytes->len, >, 20);
  return g_byte_array_free_to_bytes (bytes);
}

static void
test_golden_v2 (void)
{
  g_autoptr (GBytes) bytes = load_hex ("keepalived-v2-ipv4-pass.hex");
  gsize len;
  const guint8 *ip = g_bytes_get_data (bytes, &len);
  const guint8 *payload;
  gsize plen;
  VipdPacketMeta meta;
  VipdAdvert adv;
  VipdAddr vip = addr ("192.0.2.150");
  VipdRxExpect ex = {
    .version = 2, .family = AF_INET, .vrid = 51, .auth_type = VIPD_VRRP_AUTH_PASS,
    .auth_pass = "1111", .adver_int_cs = 100, .vips = &vip, .n_vips = 1,
  };
  guint8 again[64];

  g_assert_cmpint (vipd_packet_parse_ipv4 (ip, len, &meta, &payload, &plen), ==, VIPD_RX_OK);
  g_assert_true (vipd_addr_equal (&meta.src, &(VipdAddr){ .family = AF_INET, .v4 = { 192, 0, 2, 10 } }));
  g_assert_true (vipd_addr_equal (&meta.dst, &(VipdAddr){ .family = AF_INET, .v4 = { 224, 0, 0, 18 } }));
  g_assert_cmpint (vipd_packet_check (payload, plen, &meta, &ex, &adv), ==, VIPD_RX_OK);
  g_assert_cmpuint (adv.version, ==, 2);
  g_assert_cmpuint (adv.vrid, ==, 51);
  g_assert_cmpuint (adv.priority, ==, 100);
  g_assert_cmpuint (adv.naddrs, ==, 1);
  g_assert_cmpuint (adv.auth_type, ==, VIPD_VRRP_AUTH_PASS);
  g_assert_cmpstr (adv.auth_data, ==, "1111");
  g_assert_cmpuint (adv.adver_int_cs, ==, 100);
  g_assert_true (vipd_addr_equal (&adv.addrs[0], &vip));

  g_assert_cmpuint (vipd_packet_encode (&adv, &meta, VIPD_CSUM_PLAIN, again + 20, sizeof again - 20),
                    ==, plen);
  g_assert_cmpuint (vipd_packet_encode_ipv4_header (&meta, (guint16) (ip[4] << 8 | ip[5]), plen,
                                                    again, 20),
                    ==, 20);
  /* The whole IP packet, header included, is what keepalived put on the wire. */
  g_assert_cmpmem (again, 20 + plen, ip, len);
}

static void
test_golden_v3_ipv4 (void)
{
  g_autoptr (GBytes) bytes = load_hex ("keepalived-v3-ipv4.hex");
  gsize len;
  const guint8 *ip = g_bytes_get_data (bytes, &len);
  const guint8 *payload;
  gsize plen;
  VipdPacketMeta meta;
  VipdAdvert adv;
  VipdAddr vips[2] = { addr ("192.0.2.151"), addr ("192.0.2.150") };
  VipdRxExpect ex = { .version = 3, .family = AF_INET, .vrid = 52, .vips = vips, .n_vips = 2,
                      .csum_strict = TRUE, .csum_form = VIPD_CSUM_PSEUDO };
  VipdCsumForm seen = VIPD_CSUM_PLAIN;
  guint8 again[64];

  g_assert_cmpint (vipd_packet_parse_ipv4 (ip, len, &meta, &payload, &plen), ==, VIPD_RX_OK);
  /* keepalived's default is the pseudo-header form. */
  g_assert_cmpint (vipd_packet_check (payload, plen, &meta, &ex, &adv), ==, VIPD_RX_OK);
  g_assert_cmpint (vipd_packet_decode (payload, plen, &meta, FALSE, VIPD_CSUM_PLAIN, &adv, &seen),
                   ==, VIPD_RX_OK);
  g_assert_cmpint (seen, ==, VIPD_CSUM_PSEUDO);
  g_assert_cmpuint (adv.version, ==, 3);
  g_assert_cmpuint (adv.vrid, ==, 52);
  g_assert_cmpuint (adv.priority, ==, 150);
  g_assert_cmpuint (adv.naddrs, ==, 2);
  g_assert_cmpuint (adv.adver_int_cs, ==, 10);
  g_assert_true (vipd_addr_equal (&adv.addrs[0], &vips[1]));
  g_assert_true (vipd_addr_equal (&adv.addrs[1], &vips[0]));

  g_assert_cmpuint (vipd_packet_encode (&adv, &meta, VIPD_CSUM_PSEUDO, again + 20, sizeof again - 20),
                    ==, plen);
  vipd_packet_encode_ipv4_header (&meta, (guint16) (ip[4] << 8 | ip[5]), plen, again, 20);
  g_assert_cmpmem (again, 20 + plen, ip, len);

  ex.csum_form = VIPD_CSUM_PLAIN;
  g_assert_cmpint (vipd_packet_check (payload, plen, &meta, &ex, &adv), ==, VIPD_RX_CHECKSUM);
}

static void
test_golden_v3_ipv6 (void)
{
  g_autoptr (GBytes) bytes = load_hex ("keepalived-v3-ipv6.hex");
  gsize len;
  const guint8 *ip = g_bytes_get_data (bytes, &len);
  VipdPacketMeta meta = { .ttl = 0 };
  VipdAdvert adv;
  VipdAddr vip = addr ("2001:db8::150");
  VipdRxExpect ex = { .version = 3, .family = AF_INET6, .vrid = 53, .vips = &vip, .n_vips = 1 };
  guint8 again[64];
  gsize plen;

  /* The fixed IPv6 header, read here because the shells get these fields from the kernel. */
  g_assert_cmpuint (len, >=, 40);
  g_assert_cmpuint (ip[0] >> 4, ==, 6);
  g_assert_cmpuint (ip[6], ==, 112);
  plen = (gsize) ip[4] << 8 | ip[5];
  g_assert_cmpuint (40 + plen, ==, len);
  meta.ttl = ip[7];
  vipd_addr_from_bytes (&meta.src, AF_INET6, ip + 8);
  vipd_addr_from_bytes (&meta.dst, AF_INET6, ip + 24);
  g_assert_true (vipd_addr_equal (&meta.src, &(VipdAddr){ .family = AF_INET6,
                                                           .v6 = { 0xfe, 0x80, [15] = 0x0a } }));

  g_assert_cmpint (vipd_packet_check (ip + 40, plen, &meta, &ex, &adv), ==, VIPD_RX_OK);
  g_assert_cmpuint (adv.version, ==, 3);
  g_assert_cmpint (adv.family, ==, AF_INET6);
  g_assert_cmpuint (adv.vrid, ==, 53);
  g_assert_cmpuint (adv.priority, ==, 200);
  g_assert_cmpuint (adv.naddrs, ==, 1);
  g_assert_cmpuint (adv.adver_int_cs, ==, 10);
  g_assert_true (vipd_addr_equal (&adv.addrs[0], &vip));

  /* The form argument is irrelevant for IPv6: the pseudo-header is always used. */
  g_assert_cmpuint (vipd_packet_encode (&adv, &meta, VIPD_CSUM_PLAIN, again, sizeof again), ==, plen);
  g_assert_cmpmem (again, plen, ip + 40, plen);
}

int
main (int argc, char **argv)
{
  gsize i;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wire/round-trip", test_round_trip);
  g_test_add_func ("/wire/encode-invalid", test_encode_invalid);
  g_test_add_func ("/wire/csum-rfc1071", test_csum_rfc1071);
  g_test_add_func ("/wire/checksum-forms", test_checksum_forms);
  g_test_add_func ("/wire/ipv4-header", test_ipv4_header);
  g_test_add_func ("/wire/ipv4-header-checksum-options", test_ipv4_header_checksum_and_options);
  g_test_add_func ("/wire/skip-and-owner", test_skip_and_owner);
  g_test_add_func ("/wire/reason-names", test_reason_names);
  g_test_add_func ("/wire/drop/cover-every-reason", test_drop_cases_cover_every_reason);
  for (i = 0; i < G_N_ELEMENTS (drop_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/wire/drop/%s", drop_cases[i].name);

      g_test_add_data_func (path, &drop_cases[i], test_drop);
    }
  g_test_add_func ("/wire/golden/keepalived-v2-ipv4-pass", test_golden_v2);
  g_test_add_func ("/wire/golden/keepalived-v3-ipv4", test_golden_v3_ipv4);
  g_test_add_func ("/wire/golden/keepalived-v3-ipv6", test_golden_v3_ipv6);
  return g_test_run ();
}
