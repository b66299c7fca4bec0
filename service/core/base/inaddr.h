/* inaddr.h — an IPv4 or IPv6 address as a plain value (network byte order). */
#pragma once

#include <glib.h>
#include <sys/socket.h>

G_BEGIN_DECLS

#define VIPD_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

typedef struct
{
  int family; /* AF_INET, AF_INET6, or AF_UNSPEC when unset */
  union
  {
    guint8 v4[4];
    guint8 v6[16];
    guint8 bytes[16];
  };
} VipdAddr;

/* Parses a literal IPv4 or IPv6 address (no prefix, no scope). FALSE and *out untouched on error. */
gboolean vipd_addr_parse (const char *text, VipdAddr *out);
/* Parses "addr" or "addr/len"; *prefix_len is set to the full length when there is no "/len". */
gboolean vipd_addr_parse_prefix (const char *text, VipdAddr *out, guint8 *prefix_len, gboolean *has_prefix);
/* Formats into buf (at least VIPD_ADDR_STRLEN bytes) and returns buf; "(none)" when unset. */
const char *vipd_addr_format (const VipdAddr *addr, char *buf, gsize buflen);
/* Same, into a newly allocated string. */
char *vipd_addr_to_string (const VipdAddr *addr);
/* Byte length of the address: 4, 16, or 0 when unset. */
gsize vipd_addr_len (const VipdAddr *addr);
/* Total order: family first, then the bytes as unsigned big-endian integers. */
int vipd_addr_compare (const VipdAddr *a, const VipdAddr *b);
gboolean vipd_addr_equal (const VipdAddr *a, const VipdAddr *b);
gboolean vipd_addr_is_set (const VipdAddr *addr);
gboolean vipd_addr_is_multicast (const VipdAddr *addr);
gboolean vipd_addr_is_link_local (const VipdAddr *addr); /* fe80::/10 or 169.254/16 */
/* Fills *out from raw bytes of the family's length. */
void vipd_addr_from_bytes (VipdAddr *out, int family, const guint8 *bytes);

G_END_DECLS
