/* ipvs-table.c — the IPVS table as sorted plain values, and the operations between two tables.
 * No I/O: the netlink shell reads and writes the kernel's table in these terms. */
#include "ipvs-table.h"

#include <string.h>

VipdIpvsTable *
vipd_ipvs_table_new (void)
{
  VipdIpvsTable *table = g_new0 (VipdIpvsTable, 1);

  table->services = g_ptr_array_new_with_free_func (NULL);
  return table;
}

static void
service_free (VipdIpvsService *service)
{
  if (service == NULL)
    return;
  if (service->dests)
    g_array_unref (service->dests);
  g_free (service);
}

void
vipd_ipvs_table_free (VipdIpvsTable *table)
{
  if (table == NULL)
    return;
  for (guint i = 0; i < table->services->len; i++)
    service_free (g_ptr_array_index (table->services, i));
  g_ptr_array_unref (table->services);
  g_free (table);
}

static int
cmp_uint (guint64 a, guint64 b)
{
  return a < b ? -1 : a > b ? 1 : 0;
}

int
vipd_ipvs_service_key_compare (const VipdIpvsServiceKey *a, const VipdIpvsServiceKey *b)
{
  int c;

  if ((c = cmp_uint ((guint) a->family, (guint) b->family)) != 0)
    return c;
  /* Address services (fwmark 0) sort before fwmark services; a fwmark alone names a service. */
  if ((c = cmp_uint (a->fwmark, b->fwmark)) != 0 || a->fwmark != 0)
    return c;
  if ((c = cmp_uint (a->protocol, b->protocol)) != 0)
    return c;
  if ((c = vipd_addr_compare (&a->addr, &b->addr)) != 0)
    return c;
  return cmp_uint (a->port, b->port);
}

int
vipd_ipvs_dest_compare (const VipdIpvsDest *a, const VipdIpvsDest *b)
{
  int c = vipd_addr_compare (&a->addr, &b->addr);

  return c != 0 ? c : cmp_uint (a->port, b->port);
}

static gint
dest_compare_cb (gconstpointer a, gconstpointer b)
{
  return vipd_ipvs_dest_compare (a, b);
}

/* Index of the first service whose key is >= key; *found says whether it is equal. */
static guint
service_lower_bound (const VipdIpvsTable *table, const VipdIpvsServiceKey *key, gboolean *found)
{
  guint lo = 0, hi = table->services->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const VipdIpvsService *s = g_ptr_array_index (table->services, mid);

      if (vipd_ipvs_service_key_compare (&s->key, key) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  *found = lo < table->services->len
           && vipd_ipvs_service_key_compare (
                &((const VipdIpvsService *) g_ptr_array_index (table->services, lo))->key, key)
                == 0;
  return lo;
}

VipdIpvsService *
vipd_ipvs_table_add_service (VipdIpvsTable *table, const VipdIpvsService *service)
{
  VipdIpvsService *copy = g_new (VipdIpvsService, 1);
  gboolean found;
  guint at;

  *copy = *service;
  copy->scheduler[sizeof copy->scheduler - 1] = '\0';
  copy->dests = g_array_new (FALSE, FALSE, sizeof (VipdIpvsDest));
  if (service->dests)
    for (guint i = 0; i < service->dests->len; i++)
      vipd_ipvs_service_set_dest (copy, &g_array_index (service->dests, VipdIpvsDest, i));

  at = service_lower_bound (table, &copy->key, &found);
  if (found)
    {
      service_free (g_ptr_array_index (table->services, at));
      g_ptr_array_index (table->services, at) = copy;
    }
  else
    g_ptr_array_insert (table->services, (gint) at, copy);
  return copy;
}

gboolean
vipd_ipvs_table_remove_service (VipdIpvsTable *table, const VipdIpvsServiceKey *key)
{
  gboolean found;
  guint at = service_lower_bound (table, key, &found);

  if (!found)
    return FALSE;
  service_free (g_ptr_array_steal_index (table->services, at));
  return TRUE;
}

void
vipd_ipvs_table_clear (VipdIpvsTable *table)
{
  for (guint i = 0; i < table->services->len; i++)
    service_free (g_ptr_array_index (table->services, i));
  g_ptr_array_set_size (table->services, 0);
}

VipdIpvsService *
vipd_ipvs_table_find_service (const VipdIpvsTable *table, const VipdIpvsServiceKey *key)
{
  gboolean found;
  guint at = service_lower_bound (table, key, &found);

  return found ? g_ptr_array_index (table->services, at) : NULL;
}

void
vipd_ipvs_service_set_dest (VipdIpvsService *service, const VipdIpvsDest *dest)
{
  guint lo = 0, hi;

  if (service->dests == NULL)
    service->dests = g_array_new (FALSE, FALSE, sizeof (VipdIpvsDest));
  hi = service->dests->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (dest_compare_cb (&g_array_index (service->dests, VipdIpvsDest, mid), dest) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo < service->dests->len
      && vipd_ipvs_dest_compare (&g_array_index (service->dests, VipdIpvsDest, lo), dest) == 0)
    g_array_index (service->dests, VipdIpvsDest, lo) = *dest;
  else
    g_array_insert_val (service->dests, lo, *dest);
}

/* One client address: a /128 prefix, or 255.255.255.255 (the same in either byte order). */
static guint32
full_netmask (int family)
{
  return family == AF_INET6 ? 128 : 0xffffffffu;
}

static guint32
effective_netmask (const VipdIpvsService *s)
{
  return s->netmask == 0 ? full_netmask (s->key.family) : s->netmask;
}

gboolean
vipd_ipvs_service_equal (const VipdIpvsService *a, const VipdIpvsService *b)
{
  if (vipd_ipvs_service_key_compare (&a->key, &b->key) != 0)
    return FALSE;
  if (strncmp (a->scheduler, b->scheduler, sizeof a->scheduler) != 0)
    return FALSE;
  if (!a->persistent != !b->persistent)
    return FALSE;
  /* Without persistence the kernel ignores timeout and netmask: no reason to edit. */
  if (a->persistent
      && (a->persistence_timeout != b->persistence_timeout
          || effective_netmask (a) != effective_netmask (b)))
    return FALSE;
  return TRUE;
}

gboolean
vipd_ipvs_dest_equal (const VipdIpvsDest *a, const VipdIpvsDest *b)
{
  return vipd_ipvs_dest_compare (a, b) == 0 && a->forward == b->forward && a->weight == b->weight
         && a->u_threshold == b->u_threshold && a->l_threshold == b->l_threshold;
}

static void
push_op (GArray *ops, VipdIpvsOpKind kind, const VipdIpvsService *service, const VipdIpvsDest *dest)
{
  VipdIpvsOp op;

  memset (&op, 0, sizeof op);
  op.kind = kind;
  op.service = *service;
  op.service.dests = NULL;
  if (dest)
    op.dest = *dest;
  g_array_append_val (ops, op);
}

static guint
n_dests (const VipdIpvsService *s)
{
  return s && s->dests ? s->dests->len : 0;
}

static const VipdIpvsDest *
dest_at (const VipdIpvsService *s, guint i)
{
  return &g_array_index (s->dests, VipdIpvsDest, i);
}

typedef enum
{
  DEST_PASS_DEL,
  DEST_PASS_EDIT,
  DEST_PASS_ADD,
} DestPass;

/* One pass of the merge of two sorted destination lists; cur may be NULL (a new service). */
static void
diff_dests (GArray *ops, const VipdIpvsService *cur, const VipdIpvsService *want, DestPass pass)
{
  guint i = 0, j = 0, ni = n_dests (cur), nj = n_dests (want);

  while (i < ni || j < nj)
    {
      int c = i == ni ? 1 : j == nj ? -1 : vipd_ipvs_dest_compare (dest_at (cur, i), dest_at (want, j));

      if (c < 0)
        {
          if (pass == DEST_PASS_DEL)
            push_op (ops, VIPD_IPVS_OP_DEL_DEST, cur, dest_at (cur, i));
          i++;
        }
      else if (c > 0)
        {
          if (pass == DEST_PASS_ADD)
            push_op (ops, VIPD_IPVS_OP_ADD_DEST, want, dest_at (want, j));
          j++;
        }
      else
        {
          if (pass == DEST_PASS_EDIT && !vipd_ipvs_dest_equal (dest_at (cur, i), dest_at (want, j)))
            push_op (ops, VIPD_IPVS_OP_EDIT_DEST, want, dest_at (want, j));
          i++;
          j++;
        }
    }
}

GArray *
vipd_ipvs_table_diff (const VipdIpvsTable *current, const VipdIpvsTable *desired)
{
  GArray *ops = g_array_new (FALSE, TRUE, sizeof (VipdIpvsOp));
  const DestPass passes[] = { DEST_PASS_DEL, DEST_PASS_EDIT, DEST_PASS_ADD };

  /* Services to add or edit, in key order. */
  for (guint j = 0; j < desired->services->len; j++)
    {
      const VipdIpvsService *want = g_ptr_array_index (desired->services, j);
      const VipdIpvsService *cur = vipd_ipvs_table_find_service (current, &want->key);

      if (cur == NULL)
        push_op (ops, VIPD_IPVS_OP_ADD_SERVICE, want, NULL);
      else if (!vipd_ipvs_service_equal (cur, want))
        push_op (ops, VIPD_IPVS_OP_EDIT_SERVICE, want, NULL);
    }

  /* Destinations of the services that stay: all deletions, then edits, then additions, so a
   * service never holds both an old and a new destination longer than needed. */
  for (guint p = 0; p < G_N_ELEMENTS (passes); p++)
    for (guint j = 0; j < desired->services->len; j++)
      {
        const VipdIpvsService *want = g_ptr_array_index (desired->services, j);

        diff_dests (ops, vipd_ipvs_table_find_service (current, &want->key), want, passes[p]);
      }

  /* Services that go: the kernel takes their destinations with them. */
  for (guint i = 0; i < current->services->len; i++)
    {
      const VipdIpvsService *cur = g_ptr_array_index (current->services, i);

      if (vipd_ipvs_table_find_service (desired, &cur->key) == NULL)
        push_op (ops, VIPD_IPVS_OP_DEL_SERVICE, cur, NULL);
    }
  return ops;
}

static const char *
protocol_name (guint16 protocol)
{
  switch (protocol)
    {
    case IPPROTO_TCP:
      return "TCP";
    case IPPROTO_UDP:
      return "UDP";
    case IPPROTO_SCTP:
      return "SCTP";
    default:
      return NULL;
    }
}

static void
append_endpoint (GString *out, const VipdAddr *addr, guint16 port)
{
  char buf[VIPD_ADDR_STRLEN];

  vipd_addr_format (addr, buf, sizeof buf);
  if (addr->family == AF_INET6)
    g_string_append_printf (out, "[%s]:%u", buf, port);
  else
    g_string_append_printf (out, "%s:%u", buf, port);
}

static void
append_service (GString *out, const VipdIpvsService *service, gboolean with_persistence)
{
  const VipdIpvsServiceKey *k = &service->key;

  if (k->fwmark != 0)
    g_string_append_printf (out, "FWM %u%s", k->fwmark, k->family == AF_INET6 ? " IPv6" : "");
  else
    {
      const char *proto = protocol_name (k->protocol);

      if (proto)
        g_string_append_printf (out, "%s ", proto);
      else
        g_string_append_printf (out, "proto-%u ", k->protocol);
      append_endpoint (out, &k->addr, k->port);
    }
  g_string_append_printf (out, " %.*s", (int) sizeof service->scheduler, service->scheduler);
  if (with_persistence && service->persistent)
    {
      g_string_append_printf (out, " persistent %u", service->persistence_timeout);
      if (effective_netmask (service) != full_netmask (k->family))
        {
          char buf[VIPD_ADDR_STRLEN];
          VipdAddr mask = { .family = AF_INET };

          if (k->family == AF_INET6)
            g_string_append_printf (out, " mask %u", service->netmask);
          else
            {
              memcpy (mask.v4, &service->netmask, 4);
              g_string_append_printf (out, " mask %s", vipd_addr_format (&mask, buf, sizeof buf));
            }
        }
    }
}

char *
vipd_ipvs_service_describe (const VipdIpvsService *service)
{
  GString *out = g_string_new (NULL);

  append_service (out, service, FALSE);
  return g_string_free (out, FALSE);
}

const char *
vipd_ipvs_forward_to_string (VipdIpvsForward forward)
{
  switch (forward)
    {
    case VIPD_IPVS_FWD_NAT:
      return "masq";
    case VIPD_IPVS_FWD_DR:
      return "route";
    case VIPD_IPVS_FWD_TUN:
      return "tunnel";
    case VIPD_IPVS_FWD_LOCAL:
      return "local";
    default:
      return "unknown";
    }
}

char *
vipd_ipvs_op_describe (const VipdIpvsOp *op)
{
  static const char *const names[] = {
    [VIPD_IPVS_OP_ADD_SERVICE] = "add-service", [VIPD_IPVS_OP_EDIT_SERVICE] = "edit-service",
    [VIPD_IPVS_OP_DEL_SERVICE] = "del-service", [VIPD_IPVS_OP_ADD_DEST] = "add-dest",
    [VIPD_IPVS_OP_EDIT_DEST] = "edit-dest",     [VIPD_IPVS_OP_DEL_DEST] = "del-dest",
  };
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "%s ",
                          (guint) op->kind < G_N_ELEMENTS (names) ? names[op->kind] : "?");
  append_service (out, &op->service,
                  op->kind == VIPD_IPVS_OP_ADD_SERVICE || op->kind == VIPD_IPVS_OP_EDIT_SERVICE);
  if (op->kind == VIPD_IPVS_OP_ADD_DEST || op->kind == VIPD_IPVS_OP_EDIT_DEST
      || op->kind == VIPD_IPVS_OP_DEL_DEST)
    {
      g_string_append (out, " -> ");
      append_endpoint (out, &op->dest.addr, op->dest.port);
      if (op->kind != VIPD_IPVS_OP_DEL_DEST)
        {
          g_string_append_printf (out, " %s weight %u", vipd_ipvs_forward_to_string (op->dest.forward),
                                  op->dest.weight);
          if (op->dest.u_threshold || op->dest.l_threshold)
            g_string_append_printf (out, " thresholds %u-%u", op->dest.l_threshold,
                                    op->dest.u_threshold);
        }
    }
  return g_string_free (out, FALSE);
}
