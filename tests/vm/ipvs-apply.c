/* ipvs-apply — drives service/lvs/ipvs-netlink.c from a small text description, for the VM
 * tests (and by hand while debugging):
 *
 *   ipvs-apply FILE          read the kernel's table, diff it against FILE, print and apply the ops
 *   ipvs-apply --dry-run FILE   the same without applying
 *   ipvs-apply --show        print the kernel's table in the description format
 *   ipvs-apply --flush       empty the kernel's table
 *
 * Description, one entry a line ('#' starts a comment); a dest belongs to the service above it:
 *   service tcp|udp|sctp ADDRESS PORT SCHEDULER [persistent SECONDS [netmask MASK]]
 *   service fwmark MARK ipv4|ipv6 SCHEDULER [persistent SECONDS [netmask MASK]]
 *   dest ADDRESS PORT masq|route|tunnel weight N [uthreshold N] [lthreshold N]
 * MASK is a dotted IPv4 mask or an IPv6 prefix length.
 * Exit status: 0 done, 1 the kernel refused, 2 bad usage or description (file:line: why). */
#include <arpa/inet.h>
#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipvs-netlink.h"

static gboolean
parse_uint (const char *text, guint64 max, guint32 *out)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, 0, max, &v, NULL))
    return FALSE;
  *out = (guint32) v;
  return TRUE;
}

static gboolean
parse_service (char **w, guint n, VipdIpvsService *s, GString *why)
{
  guint i;

  memset (s, 0, sizeof *s);
  if (n < 5)
    {
      g_string_assign (why, "service needs a protocol (or fwmark), an address and port (or mark"
                            " and family) and a scheduler");
      return FALSE;
    }
  if (g_strcmp0 (w[1], "fwmark") == 0)
    {
      if (!parse_uint (w[2], G_MAXUINT32, &s->key.fwmark) || s->key.fwmark == 0)
        return g_string_assign (why, "the mark must be a number from 1 to 4294967295"), FALSE;
      if (g_strcmp0 (w[3], "ipv4") != 0 && g_strcmp0 (w[3], "ipv6") != 0)
        return g_string_assign (why, "a fwmark service needs ipv4 or ipv6 after the mark"), FALSE;
      s->key.family = g_strcmp0 (w[3], "ipv6") == 0 ? AF_INET6 : AF_INET;
    }
  else
    {
      guint32 port;

      if (g_strcmp0 (w[1], "tcp") == 0)
        s->key.protocol = IPPROTO_TCP;
      else if (g_strcmp0 (w[1], "udp") == 0)
        s->key.protocol = IPPROTO_UDP;
      else if (g_strcmp0 (w[1], "sctp") == 0)
        s->key.protocol = IPPROTO_SCTP;
      else
        return g_string_printf (why, "unknown protocol \"%s\" (tcp, udp, sctp or fwmark)", w[1]), FALSE;
      if (!vipd_addr_parse (w[2], &s->key.addr))
        return g_string_printf (why, "\"%s\" is not an IP address", w[2]), FALSE;
      if (!parse_uint (w[3], 65535, &port))
        return g_string_printf (why, "\"%s\" is not a port", w[3]), FALSE;
      s->key.family = s->key.addr.family;
      s->key.port = (guint16) port;
    }
  if (strlen (w[4]) >= sizeof s->scheduler)
    return g_string_printf (why, "scheduler name \"%s\" is too long", w[4]), FALSE;
  g_strlcpy (s->scheduler, w[4], sizeof s->scheduler);
  for (i = 5; i < n; i += 2)
    {
      if (i + 1 >= n)
        return g_string_printf (why, "\"%s\" needs a value", w[i]), FALSE;
      if (g_strcmp0 (w[i], "persistent") == 0)
        {
          s->persistent = TRUE;
          if (!parse_uint (w[i + 1], G_MAXUINT32, &s->persistence_timeout))
            return g_string_printf (why, "\"%s\" is not a number of seconds", w[i + 1]), FALSE;
        }
      else if (g_strcmp0 (w[i], "netmask") == 0)
        {
          struct in_addr m;

          if (s->key.family == AF_INET6 ? !parse_uint (w[i + 1], 128, &s->netmask)
                                        : inet_pton (AF_INET, w[i + 1], &m) != 1)
            return g_string_printf (why, "\"%s\" is not a netmask for this family", w[i + 1]), FALSE;
          if (s->key.family == AF_INET)
            s->netmask = m.s_addr;
        }
      else
        return g_string_printf (why, "unknown service option \"%s\"", w[i]), FALSE;
    }
  return TRUE;
}

static gboolean
parse_dest (char **w, guint n, VipdIpvsDest *d, GString *why)
{
  static const char *const fwds[] = { "masq", "route", "tunnel" };
  guint32 port;
  guint i;
  gboolean have_fwd = FALSE;

  memset (d, 0, sizeof *d);
  if (n < 6 || g_strcmp0 (w[4], "weight") != 0)
    return g_string_assign (why, "dest needs ADDRESS PORT masq|route|tunnel weight N"), FALSE;
  if (!vipd_addr_parse (w[1], &d->addr))
    return g_string_printf (why, "\"%s\" is not an IP address", w[1]), FALSE;
  if (!parse_uint (w[2], 65535, &port))
    return g_string_printf (why, "\"%s\" is not a port", w[2]), FALSE;
  d->port = (guint16) port;
  for (i = 0; i < G_N_ELEMENTS (fwds); i++)
    if (g_strcmp0 (w[3], fwds[i]) == 0)
      {
        d->forward = (VipdIpvsForward) i;
        have_fwd = TRUE;
      }
  if (!have_fwd)
    return g_string_printf (why, "unknown forwarding \"%s\" (masq, route or tunnel)", w[3]), FALSE;
  if (!parse_uint (w[5], 65535, &d->weight))
    return g_string_printf (why, "\"%s\" is not a weight (0-65535)", w[5]), FALSE;
  for (i = 6; i < n; i += 2)
    {
      guint32 *slot = g_strcmp0 (w[i], "uthreshold") == 0   ? &d->u_threshold
                      : g_strcmp0 (w[i], "lthreshold") == 0 ? &d->l_threshold
                                                            : NULL;

      if (slot == NULL)
        return g_string_printf (why, "unknown dest option \"%s\"", w[i]), FALSE;
      if (i + 1 >= n || !parse_uint (w[i + 1], G_MAXUINT32, slot))
        return g_string_printf (why, "\"%s\" needs a number", w[i]), FALSE;
    }
  return TRUE;
}

static VipdIpvsTable *
load (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (VipdIpvsTable) table = vipd_ipvs_table_new ();
  g_autoptr (GString) why = g_string_new (NULL);
  VipdIpvsService *current = NULL;

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (guint ln = 0; lines[ln] != NULL; ln++)
    {
      char *hash = strchr (lines[ln], '#');
      g_auto (GStrv) w = NULL;
      guint n;
      gboolean ok = TRUE;

      if (hash)
        *hash = '\0';
      w = g_strsplit_set (g_strstrip (lines[ln]), " \t", -1);
      /* Runs of blanks leave empty words: squeeze them out. */
      n = 0;
      for (guint i = 0; w[i] != NULL; i++)
        if (w[i][0] != '\0')
          w[n++] = w[i];
        else
          g_free (w[i]);
      w[n] = NULL;
      if (n == 0)
        continue;
      if (g_strcmp0 (w[0], "service") == 0)
        {
          VipdIpvsService s;

          ok = parse_service (w, n, &s, why);
          if (ok)
            current = vipd_ipvs_table_add_service (table, &s);
        }
      else if (g_strcmp0 (w[0], "dest") == 0)
        {
          VipdIpvsDest d;

          if (current == NULL)
            ok = (g_string_assign (why, "dest before any service"), FALSE);
          else if ((ok = parse_dest (w, n, &d, why)))
            vipd_ipvs_service_set_dest (current, &d);
        }
      else
        ok = (g_string_printf (why, "unknown entry \"%s\" (service or dest)", w[0]), FALSE);
      if (!ok)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s:%u: %s", path, ln + 1,
                       why->str);
          return NULL;
        }
    }
  return g_steal_pointer (&table);
}

static void
show (const VipdIpvsTable *t)
{
  static const char *const fwds[] = { "masq", "route", "tunnel", "local" };

  for (guint i = 0; i < t->services->len; i++)
    {
      const VipdIpvsService *s = g_ptr_array_index (t->services, i);
      char buf[VIPD_ADDR_STRLEN];
      const char *proto = s->key.protocol == IPPROTO_TCP   ? "tcp"
                          : s->key.protocol == IPPROTO_UDP ? "udp"
                                                           : "sctp";

      if (s->key.fwmark)
        printf ("service fwmark %u %s %s", s->key.fwmark, s->key.family == AF_INET6 ? "ipv6" : "ipv4",
                s->scheduler);
      else
        printf ("service %s %s %u %s", proto, vipd_addr_format (&s->key.addr, buf, sizeof buf),
                s->key.port, s->scheduler);
      if (s->persistent)
        {
          printf (" persistent %u", s->persistence_timeout);
          /* The full length is the default: left out, as in a description. */
          if (s->key.family == AF_INET6)
            {
              if (s->netmask != 0 && s->netmask != 128)
                printf (" netmask %u", s->netmask);
            }
          else if (s->netmask != 0 && s->netmask != 0xffffffffu)
            {
              struct in_addr m = { .s_addr = s->netmask };

              printf (" netmask %s", inet_ntop (AF_INET, &m, buf, sizeof buf));
            }
        }
      printf ("\n");
      for (guint j = 0; s->dests && j < s->dests->len; j++)
        {
          const VipdIpvsDest *d = &g_array_index (s->dests, VipdIpvsDest, j);

          printf ("  dest %s %u %s weight %u", vipd_addr_format (&d->addr, buf, sizeof buf), d->port,
                  (guint) d->forward < G_N_ELEMENTS (fwds) ? fwds[d->forward] : "?", d->weight);
          if (d->u_threshold)
            printf (" uthreshold %u", d->u_threshold);
          if (d->l_threshold)
            printf (" lthreshold %u", d->l_threshold);
          printf ("\n");
        }
    }
}

int
main (int argc, char **argv)
{
  gboolean dry_run = FALSE, do_show = FALSE, do_flush = FALSE;
  const GOptionEntry entries[] = {
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Print the operations, apply nothing", NULL },
    { "show", 's', 0, G_OPTION_ARG_NONE, &do_show, "Print the kernel's table", NULL },
    { "flush", 0, 0, G_OPTION_ARG_NONE, &do_flush, "Empty the kernel's table", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("[FILE]");
  g_autoptr (GError) error = NULL;
  g_autoptr (VipdIpvs) ipvs = NULL;
  g_autoptr (VipdIpvsTable) want = NULL, cur = NULL;
  g_autoptr (GArray) ops = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "ipvs-apply: %s\n", error->message);
      return 2;
    }
  if ((do_show || do_flush) ? argc != 1 : argc != 2)
    {
      fprintf (stderr, "usage: ipvs-apply [--dry-run] FILE | --show | --flush\n");
      return 2;
    }
  if (!do_show && !do_flush && (want = load (argv[1], &error)) == NULL)
    {
      fprintf (stderr, "ipvs-apply: %s\n", error->message);
      return 2;
    }
  if ((ipvs = vipd_ipvs_open (&error)) == NULL)
    {
      fprintf (stderr, "ipvs-apply: %s\n", error->message);
      return 1;
    }
  if (do_flush)
    {
      if (vipd_ipvs_flush (ipvs, &error))
        return 0;
      fprintf (stderr, "ipvs-apply: %s\n", error->message);
      return 1;
    }
  if ((cur = vipd_ipvs_read (ipvs, &error)) == NULL)
    {
      fprintf (stderr, "ipvs-apply: %s\n", error->message);
      return 1;
    }
  if (do_show)
    {
      show (cur);
      return 0;
    }
  ops = vipd_ipvs_table_diff (cur, want);
  for (guint i = 0; i < ops->len; i++)
    {
      g_autofree char *line = vipd_ipvs_op_describe (&g_array_index (ops, VipdIpvsOp, i));

      printf ("op %s\n", line);
    }
  fflush (stdout);
  if (!dry_run && !vipd_ipvs_apply (ipvs, ops, &error))
    {
      fprintf (stderr, "ipvs-apply: %s\n", error->message);
      return 1;
    }
  return 0;
}
