/* packet.h — VRRP advertisement codec (RFC 3768 v2, RFC 5798/9568 v3), IPv4 and IPv6.
 *
 * Pure: no sockets, no clocks. The shells hand in the bytes they received plus what the
 * kernel told them about the IP header (source, destination, TTL/hop limit); the codec
 * decodes and validates in the RFC's order and names the first check that failed. */
#pragma once

#include <glib.h>

#include "base/inaddr.h"

G_BEGIN_DECLS

#define VIPD_VRRP_PROTO 112
#define VIPD_VRRP_TTL 255
/* IPv4 TOS / IPv6 traffic class of what vipd sends: DSCP CS6 ("network control", RFC 4594;
 * precedence "internetwork control" in the old TOS terms), as keepalived and FRR send. */
#define VIPD_VRRP_TOS 0xc0
#define VIPD_VRRP_TYPE_ADVERT 1
#define VIPD_VRRP_HDR_LEN 8
#define VIPD_VRRP_V2_AUTH_LEN 8
#define VIPD_VRRP_MAX_ADDRS 255
#define VIPD_VRRP_AUTH_NONE 0
#define VIPD_VRRP_AUTH_PASS 1 /* RFC 2338 simple text password, kept by RFC 3768 for compatibility */
#define VIPD_VRRP_AUTH_AH 2

/* How a VRRPv3-over-IPv4 checksum is computed. IPv6 and v2 have only one form each. */
typedef enum
{
  VIPD_CSUM_PSEUDO, /* over IPv4 pseudo-header + VRRP message: keepalived, FRR (default) */
  VIPD_CSUM_PLAIN,  /* over the VRRP message only: RFC 9568 text, Cisco */
} VipdCsumForm;

/* The form a packet of this version and family carries: v2 has only PLAIN, v3/IPv6 only
 * PSEUDO, v3/IPv4 the configured one. */
VipdCsumForm vipd_csum_form_for (guint8 version, int family, VipdCsumForm v3_ipv4_form);
/* "pseudo-header" or "message-only", as the D-Bus ChecksumForm property and logs say. */
const char *vipd_csum_form_name (VipdCsumForm form);

/* A decoded advertisement. Intervals are kept in centiseconds for both versions
 * (a v2 "Adver Int" of 1 s decodes to 100). */
typedef struct
{
  guint8 version;  /* 2 or 3 */
  guint8 type;     /* VIPD_VRRP_TYPE_ADVERT */
  guint8 vrid;     /* 1..255 */
  guint8 priority; /* 0..255 */
  guint8 naddrs;
  guint8 auth_type;        /* v2 only */
  guint16 adver_int_cs;    /* v3: 12-bit Max Adver Int; v2: Adver Int seconds * 100 */
  guint16 checksum;        /* as on the wire */
  int family;              /* AF_INET or AF_INET6 */
  /* v2: the 8 auth bytes as on the wire (a PASS password NUL-padded) plus a NUL; the encoder
   * copies the 8 bytes verbatim, so zero them for auth types other than PASS. */
  char auth_data[VIPD_VRRP_V2_AUTH_LEN + 1];
  VipdAddr addrs[VIPD_VRRP_MAX_ADDRS];
} VipdAdvert;

/* What the IP layer said about a received packet, or what will be sent. */
typedef struct
{
  VipdAddr src;
  VipdAddr dst;
  guint8 ttl; /* TTL (IPv4) or hop limit (IPv6) */
} VipdPacketMeta;

/* The reason a packet was dropped. The checks run in this order: TOO_SHORT (< 8 bytes), TTL,
 * VERSION, FAMILY, SRC_ADDR, TOO_SHORT/LENGTH (exact length), CHECKSUM, TYPE, then in
 * vipd_packet_check VRID, OWNER, ADDR_COUNT, AUTH_TYPE, AUTH_PASS, INTERVAL, ADDR_LIST.
 * vipd_packet_parse_ipv4 runs first and only yields IP_HEADER. */
typedef enum
{
  VIPD_RX_OK = 0,
  VIPD_RX_TOO_SHORT,      /* shorter than the fixed header, or than naddrs (+ v2 auth) needs */
  VIPD_RX_IP_HEADER,      /* malformed IPv4 header (version, IHL, total length, protocol) */
  VIPD_RX_TTL,            /* TTL / hop limit is not 255 */
  VIPD_RX_VERSION,        /* not 2 or 3, or not the version this instance runs */
  VIPD_RX_LENGTH,         /* longer than naddrs (and auth for v2) implies */
  VIPD_RX_CHECKSUM,       /* bad checksum (in every accepted form) */
  VIPD_RX_TYPE,           /* type is not ADVERTISEMENT */
  VIPD_RX_VRID,           /* VRID is not ours */
  VIPD_RX_ADDR_COUNT,     /* naddrs is 0, or differs from our VIP count (see ADDR_LIST) */
  VIPD_RX_AUTH_TYPE,      /* v2 auth type differs from ours */
  VIPD_RX_AUTH_PASS,      /* v2 PASS password differs */
  VIPD_RX_INTERVAL,       /* v2 Adver Int differs from ours; v3 Max Adver Int is 0 (RFC 9568 erratum 8301) */
  VIPD_RX_ADDR_LIST,      /* address set differs; neither this nor a count mismatch is checked
                           * with skip_check_adv_addr or from the owner (priority 255, §7.1) */
  VIPD_RX_SRC_ADDR,       /* source not usable (v6: not link-local; v4: multicast/unset) */
  VIPD_RX_FAMILY,         /* a v2 packet over IPv6, or family mismatch */
  VIPD_RX_OWNER,          /* we are the address owner (priority 255): RFC 3768/5798/9568 §7.1
                           * discard every advert for the VRID */
  VIPD_RX_N_REASONS
} VipdRxResult;

/* What the receiving instance expects; the caller fills it from its configuration. */
typedef struct
{
  guint8 version;
  int family;
  guint8 vrid;
  guint8 auth_type;            /* v2 */
  const char *auth_pass;       /* v2 PASS, NULL for none */
  guint16 adver_int_cs;        /* our interval; only compared for v2 */
  const VipdAddr *vips;        /* our VIPs (the primary list, not excluded ones) */
  guint n_vips;
  gboolean skip_check_adv_addr;
  gboolean csum_strict;        /* v3/IPv4: accept only csum_form, not both */
  gboolean local_is_owner;     /* our priority is 255 now: every advert is dropped (OWNER) */
  VipdCsumForm csum_form;
} VipdRxExpect;

/* Short English text for a reason, for logs and counters ("ttl", "checksum", ...). */
const char *vipd_rx_result_name (VipdRxResult r);
/* A sentence for logs: "TTL 64 is not 255" style is built by the caller; this is the generic one. */
const char *vipd_rx_result_describe (VipdRxResult r);

/* Strips and checks a raw IPv4 header (version, IHL, total length <= len, no fragment,
 * protocol 112, header checksum); options are skipped and bytes past the total length
 * ignored. On success fills meta (src, dst, ttl) and points *payload at the VRRP message. */
VipdRxResult vipd_packet_parse_ipv4 (const guint8 *buf, gsize len, VipdPacketMeta *meta,
                                     const guint8 **payload, gsize *payload_len);

/* Decodes a VRRP message (no IP header) without instance-specific checks: TTL, version,
 * family, source, length, checksum, type. The checksum is tried in csum_form first, then
 * (v3/IPv4, unless csum_strict) in the other; form_seen (may be NULL) tells which matched. */
VipdRxResult vipd_packet_decode (const guint8 *buf, gsize len, const VipdPacketMeta *meta,
                                 gboolean csum_strict, VipdCsumForm csum_form, VipdAdvert *out,
                                 VipdCsumForm *form_seen);

/* Full receive path in RFC order: decode, then VRID, address count, auth, interval, list. */
VipdRxResult vipd_packet_check (const guint8 *buf, gsize len, const VipdPacketMeta *meta,
                                const VipdRxExpect *expect, VipdAdvert *out);

/* Encodes adv (version, vrid, priority, interval, addrs, auth) into buf; computes the
 * checksum using meta->src/dst for the pseudo-header (form matters for v3/IPv4 only; meta may
 * be NULL when no pseudo-header is used). Returns the length written, or 0 when buf is too
 * small or adv is invalid (type, family, v2 interval not whole seconds, address families). */
gsize vipd_packet_encode (const VipdAdvert *adv, const VipdPacketMeta *meta, VipdCsumForm form,
                          guint8 *buf, gsize buflen);

/* Writes a 20-byte IPv4 header (TOS VIPD_VRRP_TOS, TTL 255, protocol 112, DF clear, id as
 * given) for a payload of payload_len bytes. Returns 20, or 0 when buflen < 20, meta is not
 * IPv4 or the total length exceeds 65535. */
gsize vipd_packet_encode_ipv4_header (const VipdPacketMeta *meta, guint16 id, gsize payload_len,
                                      guint8 *buf, gsize buflen);

/* The RFC 1071 one's-complement sum of buf's 16-bit big-endian words, added to initial;
 * neither folded to 16 bits nor inverted, so partial sums chain. */
guint32 vipd_csum_partial (const guint8 *buf, gsize len, guint32 initial);
/* Folds a partial sum to 16 bits and inverts it: the value for the checksum field, and 0 when
 * the summed data already contained a correct checksum. */
guint16 vipd_csum_fold (guint32 sum);

G_END_DECLS
