/* ipvs-table-double.c — a plain implementation of service/core/lvs/ipvs-table.h, used only
 * while the tree has no service/core/lvs/ipvs-table.c of its own (see
 * service/core/lvs/meson.build). Straightforward and unoptimised: sorted arrays, a diff by
 * lookup. */
#include "lvs/ipvs-table.h"

#include <netinet/in.h>
#include <string.h>

static void
service_free (gpointer p)
{
  VipdIpvsService *s = p;

  if (s->dests)
    g_array_unref (s->dests);
  g_free (s);
}

VipdIpvsTable *
vipd_ipvs_table_new (void)
{
  VipdIpvsTable *t = g_new0 (VipdIpvsTable, 1);

  t->services = g_ptr_array_new_with_free_func (service_free);
  return t;
}

void
vipd_ipvs_table_free (VipdIpvsTable *table)
{
  if (table == NULL)
    return;
  g_ptr_array_unref (table->services);
  g_free (table);
}

int
vipd_ipvs_service_key_compare (const VipdIpvsServiceKey *a, const VipdIpvsServiceKey *b)
{
  int c;

  if (a->family != b->family)
    return a->family < b->family ? -1 : 1;
  if (a->fwmark != b->fwmark)
    return a->fwmark < b->fwmark ? -1 : 1;
  if (a->protocol != b->protocol)
    return a->protocol < b->protocol ? -1 : 1;
  if ((c = vipd_addr_compare (&a->addr, &b->addr)) != 0)
    return c;
  return a->port == b->port ? 0 : a->port < b->port ? -1 : 1;
}

int
vipd_ipvs_dest_compare (const VipdIpvsDest *a, const VipdIpvsDest *b)
{
  int c = vipd_addr_compare (&a->addr, &b->addr);

  if (c != 0)
    return c;
  return a->port == b->port ? 0 : a->port < b->port ? -1 : 1;
}

static gint
service_ptr_compare (gconstpointer a, gconstpointer b)
{
  const VipdIpvsService *sa = *(const VipdIpvsService *const *) a;
  const VipdIpvsService *sb = *(const VipdIpvsService *const *) b;

  return vipd_ipvs_service_key_compare (&sa->key, &sb->key);
}

static gint
dest_compare (gconstpointer a, gconstpointer b)
{
  return vipd_ipvs_dest_compare (a, b);
}

VipdIpvsService *
vipd_ipvs_table_find_service (const VipdIpvsTable *table, const VipdIpvsServiceKey *key)
{
  for (guint i = 0; i < table->services->len; i++)
    {
      VipdIpvsService *s = g_ptr_array_index (table->services, i);

      if (vipd_ipvs_service_key_compare (&s->key, key) == 0)
        return s;
    }
  return NULL;
}

VipdIpvsService *
vipd_ipvs_table_add_service (VipdIpvsTable *table, const VipdIpvsService *service)
{
  VipdIpvsService *copy = g_new0 (VipdIpvsService, 1);
  VipdIpvsService *old = vipd_ipvs_table_find_service (table, &service->key);

  *copy = *service;
  copy->dests = g_array_new (FALSE, TRUE, sizeof (VipdIpvsDest));
  if (service->dests)
    {
      g_array_append_vals (copy->dests, service->dests->data, service->dests->len);
      g_array_sort (copy->dests, dest_compare);
    }
  if (old)
    g_ptr_array_remove (table->services, old);
  g_ptr_array_add (table->services, copy);
  g_ptr_array_sort (table->services, service_ptr_compare);
  return copy;
}

void
vipd_ipvs_service_set_dest (VipdIpvsService *service, const VipdIpvsDest *dest)
{
  if (service->dests == NULL)
    service->dests = g_array_new (FALSE, TRUE, sizeof (VipdIpvsDest));
  for (guint i = 0; i < service->dests->len; i++)
    if (vipd_ipvs_dest_compare (&g_array_index (service->dests, VipdIpvsDest, i), dest) == 0)
      {
        g_array_index (service->dests, VipdIpvsDest, i) = *dest;
        return;
      }
  g_array_append_val (service->dests, *dest);
  g_array_sort (service->dests, dest_compare);
}

static const VipdIpvsDest *
find_dest (const VipdIpvsService *s, const VipdIpvsDest *d)
{
  for (guint i = 0; s->dests && i < s->dests->len; i++)
    if (vipd_ipvs_dest_compare (&g_array_index (s->dests, VipdIpvsDest, i), d) == 0)
      return &g_array_index (s->dests, VipdIpvsDest, i);
  return NULL;
}

static void
push (GArray *ops, VipdIpvsOpKind kind, const VipdIpvsService *s, const VipdIpvsDest *d)
{
  VipdIpvsOp op = { 0 };

  op.kind = kind;
  op.service = *s;
  op.service.dests = NULL;
  if (d)
    op.dest = *d;
  g_array_append_val (ops, op);
}

static gboolean
service_differs (const VipdIpvsService *a, const VipdIpvsService *b)
{
  return strcmp (a->scheduler, b->scheduler) != 0 || a->persistent != b->persistent
         || a->persistence_timeout != b->persistence_timeout || a->netmask != b->netmask;
}

static gboolean
dest_differs (const VipdIpvsDest *a, const VipdIpvsDest *b)
{
  return a->forward != b->forward || a->weight != b->weight || a->u_threshold != b->u_threshold
         || a->l_threshold != b->l_threshold;
}

GArray *
vipd_ipvs_table_diff (const VipdIpvsTable *current, const VipdIpvsTable *desired)
{
  GArray *ops = g_array_new (FALSE, TRUE, sizeof (VipdIpvsOp));

  for (guint i = 0; i < desired->services->len; i++)
    {
      const VipdIpvsService *want = g_ptr_array_index (desired->services, i);
      const VipdIpvsService *have = vipd_ipvs_table_find_service (current, &want->key);

      if (have == NULL)
        push (ops, VIPD_IPVS_OP_ADD_SERVICE, want, NULL);
      else if (service_differs (have, want))
        push (ops, VIPD_IPVS_OP_EDIT_SERVICE, want, NULL);
    }
  for (guint i = 0; i < current->services->len; i++)
    {
      const VipdIpvsService *have = g_ptr_array_index (current->services, i);
      const VipdIpvsService *want = vipd_ipvs_table_find_service (desired, &have->key);

      for (guint d = 0; want && have->dests && d < have->dests->len; d++)
        if (find_dest (want, &g_array_index (have->dests, VipdIpvsDest, d)) == NULL)
          push (ops, VIPD_IPVS_OP_DEL_DEST, have, &g_array_index (have->dests, VipdIpvsDest, d));
    }
  for (guint i = 0; i < desired->services->len; i++)
    {
      const VipdIpvsService *want = g_ptr_array_index (desired->services, i);
      const VipdIpvsService *have = vipd_ipvs_table_find_service (current, &want->key);

      for (guint d = 0; want->dests && d < want->dests->len; d++)
        {
          const VipdIpvsDest *wd = &g_array_index (want->dests, VipdIpvsDest, d);
          const VipdIpvsDest *hd = have ? find_dest (have, wd) : NULL;

          if (hd && dest_differs (hd, wd))
            push (ops, VIPD_IPVS_OP_EDIT_DEST, want, wd);
        }
      for (guint d = 0; want->dests && d < want->dests->len; d++)
        {
          const VipdIpvsDest *wd = &g_array_index (want->dests, VipdIpvsDest, d);

          if (have == NULL || find_dest (have, wd) == NULL)
            push (ops, VIPD_IPVS_OP_ADD_DEST, want, wd);
        }
    }
  for (guint i = 0; i < current->services->len; i++)
    {
      const VipdIpvsService *have = g_ptr_array_index (current->services, i);

      if (vipd_ipvs_table_find_service (desired, &have->key) == NULL)
        push (ops, VIPD_IPVS_OP_DEL_SERVICE, have, NULL);
    }
  return ops;
}

char *
vipd_ipvs_service_describe (const VipdIpvsService *service)
{
  char buf[VIPD_ADDR_STRLEN];
  const VipdIpvsServiceKey *k = &service->key;

  if (k->fwmark)
    return g_strdup_printf ("FWM %u %s", k->fwmark, service->scheduler);
  vipd_addr_format (&k->addr, buf, sizeof buf);
  return g_strdup_printf (k->family == AF_INET6 ? "%s [%s]:%u %s" : "%s %s:%u %s",
                          k->protocol == IPPROTO_UDP    ? "UDP"
                          : k->protocol == IPPROTO_SCTP ? "SCTP"
                                                        : "TCP",
                          buf, k->port, service->scheduler);
}

const char *
vipd_ipvs_forward_to_string (VipdIpvsForward forward)
{
  return forward == VIPD_IPVS_FWD_DR ? "route" : forward == VIPD_IPVS_FWD_TUN ? "tunnel" : "masq";
}
