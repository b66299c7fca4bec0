/* inaddr.c — address parsing and comparison; no I/O. */
#include "inaddr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

gboolean
vipd_addr_parse (const char *text, VipdAddr *out)
{
  VipdAddr a = { .family = AF_UNSPEC };

  if (text == NULL)
    return FALSE;
  if (inet_pton (AF_INET, text, a.v4) == 1)
    a.family = AF_INET;
  else if (inet_pton (AF_INET6, text, a.v6) == 1)
    a.family = AF_INET6;
  else
    return FALSE;
  *out = a;
  return TRUE;
}

gboolean
vipd_addr_parse_prefix (const char *text, VipdAddr *out, guint8 *prefix_len, gboolean *has_prefix)
{
  const char *slash;
  g_autofree char *addr_part = NULL;
  VipdAddr a;
  guint max;

  if (text == NULL)
    return FALSE;
  slash = strchr (text, '/');
  addr_part = slash ? g_strndup (text, slash - text) : g_strdup (text);
  if (!vipd_addr_parse (addr_part, &a))
    return FALSE;
  max = a.family == AF_INET ? 32 : 128;
  if (slash)
    {
      const char *digits = slash + 1;
      char *end = NULL;
      unsigned long n;

      if (*digits < '0' || *digits > '9')
        return FALSE;
      n = strtoul (digits, &end, 10);
      if (*end != '\0' || n > max)
        return FALSE;
      if (prefix_len)
        *prefix_len = (guint8) n;
    }
  else if (prefix_len)
    *prefix_len = (guint8) max;
  if (has_prefix)
    *has_prefix = slash != NULL;
  *out = a;
  return TRUE;
}

const char *
vipd_addr_format (const VipdAddr *addr, char *buf, gsize buflen)
{
  if (addr == NULL || (addr->family != AF_INET && addr->family != AF_INET6)
      || inet_ntop (addr->family, addr->bytes, buf, (socklen_t) buflen) == NULL)
    g_strlcpy (buf, "(none)", buflen);
  return buf;
}

char *
vipd_addr_to_string (const VipdAddr *addr)
{
  char buf[VIPD_ADDR_STRLEN];

  return g_strdup (vipd_addr_format (addr, buf, sizeof buf));
}

gsize
vipd_addr_len (const VipdAddr *addr)
{
  switch (addr->family)
    {
    case AF_INET:
      return 4;
    case AF_INET6:
      return 16;
    default:
      return 0;
    }
}

int
vipd_addr_compare (const VipdAddr *a, const VipdAddr *b)
{
  if (a->family != b->family)
    return a->family < b->family ? -1 : 1;
  return memcmp (a->bytes, b->bytes, vipd_addr_len (a));
}

gboolean
vipd_addr_equal (const VipdAddr *a, const VipdAddr *b)
{
  return vipd_addr_compare (a, b) == 0;
}

gboolean
vipd_addr_is_set (const VipdAddr *addr)
{
  return addr->family == AF_INET || addr->family == AF_INET6;
}

gboolean
vipd_addr_is_multicast (const VipdAddr *addr)
{
  if (addr->family == AF_INET)
    return (addr->v4[0] & 0xf0) == 0xe0;
  if (addr->family == AF_INET6)
    return addr->v6[0] == 0xff;
  return FALSE;
}

gboolean
vipd_addr_is_link_local (const VipdAddr *addr)
{
  if (addr->family == AF_INET)
    return addr->v4[0] == 169 && addr->v4[1] == 254;
  if (addr->family == AF_INET6)
    return addr->v6[0] == 0xfe && (addr->v6[1] & 0xc0) == 0x80;
  return FALSE;
}

void
vipd_addr_from_bytes (VipdAddr *out, int family, const guint8 *bytes)
{
  memset (out, 0, sizeof *out);
  out->family = family;
  memcpy (out->bytes, bytes, family == AF_INET ? 4 : 16);
}
