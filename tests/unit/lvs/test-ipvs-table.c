/* The IPVS table and its diff: what vipd asks of the kernel on start, reload and stop. An
 * operation too many drops live connections; one too few leaves a dead real server in service. */
#include "lvs/ipvs-table.h"

#include <arpa/inet.h>
#include <string.h>

static VipdIpvsServiceKey
key (guint16 proto, const char *addr, guint16 port)
{
  VipdIpvsServiceKey k = { 0 };

  g_assert_true (vipd_addr_parse (addr, &k.addr));
  k.family = k.addr.family;
  k.protocol = proto;
  k.port = port;
  return k;
}

static VipdIpvsServiceKey
fwmark_key (int family, guint32 mark)
{
  VipdIpvsServiceKey k = { 0 };

  k.family = family;
  k.fwmark = mark;
  return k;
}

static VipdIpvsService *
add_svc (VipdIpvsTable *t, VipdIpvsServiceKey k, const char *sched)
{
  VipdIpvsService s = { 0 };

  s.key = k;
  g_strlcpy (s.scheduler, sched, sizeof s.scheduler);
  return vipd_ipvs_table_add_service (t, &s);
}

static void
add_dest (VipdIpvsService *s, const char *addr, guint16 port, guint32 weight)
{
  VipdIpvsDest d = { 0 };

  g_assert_true (vipd_addr_parse (addr, &d.addr));
  d.port = port;
  d.weight = weight;
  d.forward = VIPD_IPVS_FWD_NAT;
  vipd_ipvs_service_set_dest (s, &d);
}

/* The ops as one string per line, so a test states the whole expected sequence. */
static char *
ops_text (GArray *ops)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < ops->len; i++)
    {
      g_autofree char *line = vipd_ipvs_op_describe (&g_array_index (ops, VipdIpvsOp, i));

      g_string_append_printf (out, "%s\n", line);
    }
  return g_string_free (out, FALSE);
}

static char *
diff_text (const VipdIpvsTable *cur, const VipdIpvsTable *want)
{
  g_autoptr (GArray) ops = vipd_ipvs_table_diff (cur, want);

  return ops_text (ops);
}

/* A typical two-service table: web on TCP 80 with two real servers, DNS on UDP 53 with one. */
static VipdIpvsTable *
sample_table (void)
{
  VipdIpvsTable *t = vipd_ipvs_table_new ();
  VipdIpvsService *web = add_svc (t, key (IPPROTO_TCP, "192.0.2.100", 80), "wrr");
  VipdIpvsService *dns = add_svc (t, key (IPPROTO_UDP, "192.0.2.100", 53), "rr");

  add_dest (web, "198.51.100.12", 8080, 1);
  add_dest (web, "198.51.100.11", 8080, 2);
  add_dest (dns, "198.51.100.11", 53, 1);
  return t;
}

static void
test_sorted (void)
{
  g_autoptr (VipdIpvsTable) t = sample_table ();
  const VipdIpvsService *first = g_ptr_array_index (t->services, 0);
  const VipdIpvsService *second = g_ptr_array_index (t->services, 1);
  char buf[VIPD_ADDR_STRLEN];

  /* TCP (6) before UDP (17); dests by address whatever the insertion order. */
  g_assert_cmpuint (t->services->len, ==, 2);
  g_assert_cmpuint (first->key.protocol, ==, IPPROTO_TCP);
  g_assert_cmpuint (second->key.protocol, ==, IPPROTO_UDP);
  g_assert_cmpuint (first->dests->len, ==, 2);
  g_assert_cmpstr (vipd_addr_format (&g_array_index (first->dests, VipdIpvsDest, 0).addr, buf,
                                     sizeof buf),
                   ==, "198.51.100.11");
}

static void
test_add_replaces_and_copies (void)
{
  g_autoptr (VipdIpvsTable) t = sample_table ();
  VipdIpvsServiceKey k = key (IPPROTO_TCP, "192.0.2.100", 80);
  VipdIpvsService s = { 0 };
  VipdIpvsDest d = { 0 };
  const VipdIpvsService *got;

  s.key = k;
  g_strlcpy (s.scheduler, "lc", sizeof s.scheduler);
  s.dests = g_array_new (FALSE, TRUE, sizeof (VipdIpvsDest));
  g_assert_true (vipd_addr_parse ("198.51.100.13", &d.addr));
  d.port = 80;
  g_array_append_val (s.dests, d);
  vipd_ipvs_table_add_service (t, &s);
  /* The table owns a copy: changing the caller's array afterwards changes nothing. */
  g_array_set_size (s.dests, 0);
  g_array_unref (s.dests);

  g_assert_cmpuint (t->services->len, ==, 2);
  got = vipd_ipvs_table_find_service (t, &k);
  g_assert_nonnull (got);
  g_assert_cmpstr (got->scheduler, ==, "lc");
  g_assert_cmpuint (got->dests->len, ==, 1);
  g_assert_cmpuint (g_array_index (got->dests, VipdIpvsDest, 0).port, ==, 80);

  /* Same address and port: the destination is replaced, not added twice. */
  add_dest ((VipdIpvsService *) got, "198.51.100.13", 80, 9);
  g_assert_cmpuint (got->dests->len, ==, 1);
  g_assert_cmpuint (g_array_index (got->dests, VipdIpvsDest, 0).weight, ==, 9);

  k.port = 81;
  g_assert_null (vipd_ipvs_table_find_service (t, &k));
}

static void
test_from_empty (void)
{
  g_autoptr (VipdIpvsTable) empty = vipd_ipvs_table_new ();
  g_autoptr (VipdIpvsTable) want = sample_table ();
  g_autofree char *text = diff_text (empty, want);

  g_assert_cmpstr (text, ==,
                   "add-service TCP 192.0.2.100:80 wrr\n"
                   "add-service UDP 192.0.2.100:53 rr\n"
                   "add-dest TCP 192.0.2.100:80 wrr -> 198.51.100.11:8080 masq weight 2\n"
                   "add-dest TCP 192.0.2.100:80 wrr -> 198.51.100.12:8080 masq weight 1\n"
                   "add-dest UDP 192.0.2.100:53 rr -> 198.51.100.11:53 masq weight 1\n");
}

static void
test_unchanged_no_op (void)
{
  g_autoptr (VipdIpvsTable) cur = sample_table ();
  g_autoptr (VipdIpvsTable) want = sample_table ();
  g_autoptr (GArray) ops = vipd_ipvs_table_diff (cur, want);

  g_assert_cmpuint (ops->len, ==, 0);
}

static void
test_weight_change_edits_dest (void)
{
  g_autoptr (VipdIpvsTable) cur = sample_table ();
  g_autoptr (VipdIpvsTable) want = sample_table ();
  VipdIpvsServiceKey k = key (IPPROTO_TCP, "192.0.2.100", 80);
  g_autofree char *text = NULL;

  add_dest (vipd_ipvs_table_find_service (want, &k), "198.51.100.12", 8080, 0);
  text = diff_text (cur, want);
  g_assert_cmpstr (text, ==,
                   "edit-dest TCP 192.0.2.100:80 wrr -> 198.51.100.12:8080 masq weight 0\n");
}

static void
test_forward_and_threshold_edit_dest (void)
{
  g_autoptr (VipdIpvsTable) cur = sample_table ();
  g_autoptr (VipdIpvsTable) want = sample_table ();
  VipdIpvsServiceKey k = key (IPPROTO_TCP, "192.0.2.100", 80);
  VipdIpvsService *web = vipd_ipvs_table_find_service (want, &k);
  g_autofree char *text = NULL;
  VipdIpvsDest *d;

  d = &g_array_index (web->dests, VipdIpvsDest, 0);
  d->forward = VIPD_IPVS_FWD_DR;
  d = &g_array_index (web->dests, VipdIpvsDest, 1);
  d->u_threshold = 100;
  text = diff_text (cur, want);
  g_assert_cmpstr (text, ==,
                   "edit-dest TCP 192.0.2.100:80 wrr -> 198.51.100.11:8080 route weight 2\n"
                   "edit-dest TCP 192.0.2.100:80 wrr -> 198.51.100.12:8080 masq weight 1"
                   " thresholds 0-100\n");
}

static void
test_scheduler_change_edits_service (void)
{
  g_autoptr (VipdIpvsTable) cur = sample_table ();
  g_autoptr (VipdIpvsTable) want = sample_table ();
  VipdIpvsServiceKey k = key (IPPROTO_UDP, "192.0.2.100", 53);
  g_autoptr (GArray) ops = NULL;
  const VipdIpvsOp *op;

  g_strlcpy (vipd_ipvs_table_find_service (want, &k)->scheduler, "sh", 16);
  ops = vipd_ipvs_table_diff (cur, want);
  g_assert_cmpuint (ops->len, ==, 1);
  op = &g_array_index (ops, VipdIpvsOp, 0);
  g_assert_cmpint (op->kind, ==, VIPD_IPVS_OP_EDIT_SERVICE);
  g_assert_cmpstr (op->service.scheduler, ==, "sh");
  g_assert_null (op->service.dests);
  g_assert_cmpint (vipd_ipvs_service_key_compare (&op->service.key, &k), ==, 0);
}

static void
test_persistence (void)
{
  g_autoptr (VipdIpvsTable) cur = sample_table ();
  g_autoptr (VipdIpvsTable) want = sample_table ();
  VipdIpvsServiceKey k = key (IPPROTO_TCP, "192.0.2.100", 80);
  VipdIpvsService *c = vipd_ipvs_table_find_service (cur, &k);
  VipdIpvsService *w = vipd_ipvs_table_find_service (want, &k);
  g_autofree char *t1 = NULL, *t2 = NULL, *t3 = NULL;

  /* Timeout and netmask mean nothing without persistence: no edit for them. */
  c->persistence_timeout = 300;
  c->netmask = htonl (0xffffff00);
  g_assert_true (vipd_ipvs_service_equal (c, w));

  w->persistent = TRUE;
  w->persistence_timeout = 300;
  w->netmask = htonl (0xffffff00);
  t1 = diff_text (cur, want);
  g_assert_cmpstr (t1, ==, "edit-service TCP 192.0.2.100:80 wrr persistent 300 mask 255.255.255.0\n");

  /* 0 is the full length: what the kernel reports back as 255.255.255.255 needs no edit. */
  c->persistent = TRUE;
  c->netmask = 0xffffffff;
  w->netmask = 0;
  g_assert_true (vipd_ipvs_service_equal (c, w));
  w->persistence_timeout = 60;
  t2 = diff_text (cur, want);
  g_assert_cmpstr (t2, ==, "edit-service TCP 192.0.2.100:80 wrr persistent 60\n");

  w->persistent = FALSE;
  t3 = diff_text (cur, want);
  g_assert_cmpstr (t3, ==, "edit-service TCP 192.0.2.100:80 wrr\n");
}

static void
test_service_removed (void)
{
  g_autoptr (VipdIpvsTable) cur = sample_table ();
  g_autoptr (VipdIpvsTable) want = vipd_ipvs_table_new ();
  VipdIpvsService *web;
  g_autofree char *text = NULL, *gone = NULL;
  g_autoptr (VipdIpvsTable) none = vipd_ipvs_table_new ();

  web = add_svc (want, key (IPPROTO_TCP, "192.0.2.100", 80), "wrr");
  add_dest (web, "198.51.100.11", 8080, 2);
  add_dest (web, "198.51.100.12", 8080, 1);
  /* DNS goes without a word about its destination: the kernel drops it with the service. */
  text = diff_text (cur, want);
  g_assert_cmpstr (text, ==, "del-service UDP 192.0.2.100:53 rr\n");

  gone = diff_text (cur, none);
  g_assert_cmpstr (gone, ==,
                   "del-service TCP 192.0.2.100:80 wrr\n"
                   "del-service UDP 192.0.2.100:53 rr\n");
}

/* Deletions of destinations before edits before additions, each over the services in key
 * order; service additions first and service deletions last. */
static void
test_ordering (void)
{
  g_autoptr (VipdIpvsTable) cur = sample_table ();
  g_autoptr (VipdIpvsTable) want = vipd_ipvs_table_new ();
  VipdIpvsService *web, *dns, *smtp;
  g_autofree char *text = NULL;

  add_svc (cur, key (IPPROTO_TCP, "192.0.2.101", 443), "rr");
  web = add_svc (want, key (IPPROTO_TCP, "192.0.2.100", 80), "wlc");
  add_dest (web, "198.51.100.11", 8080, 2);
  add_dest (web, "198.51.100.13", 8080, 1);
  dns = add_svc (want, key (IPPROTO_UDP, "192.0.2.100", 53), "rr");
  add_dest (dns, "198.51.100.11", 53, 5);
  add_dest (dns, "198.51.100.10", 53, 1);
  smtp = add_svc (want, key (IPPROTO_TCP, "192.0.2.99", 25), "rr");
  add_dest (smtp, "198.51.100.20", 25, 1);

  text = diff_text (cur, want);
  g_assert_cmpstr (text, ==,
                   "add-service TCP 192.0.2.99:25 rr\n"
                   "edit-service TCP 192.0.2.100:80 wlc\n"
                   "del-dest TCP 192.0.2.100:80 wrr -> 198.51.100.12:8080\n" /* DEL_* name the current */
                   "edit-dest UDP 192.0.2.100:53 rr -> 198.51.100.11:53 masq weight 5\n"
                   "add-dest TCP 192.0.2.99:25 rr -> 198.51.100.20:25 masq weight 1\n"
                   "add-dest TCP 192.0.2.100:80 wlc -> 198.51.100.13:8080 masq weight 1\n"
                   "add-dest UDP 192.0.2.100:53 rr -> 198.51.100.10:53 masq weight 1\n"
                   "del-service TCP 192.0.2.101:443 rr\n");
}

static void
test_fwmark (void)
{
  g_autoptr (VipdIpvsTable) cur = vipd_ipvs_table_new ();
  g_autoptr (VipdIpvsTable) want = vipd_ipvs_table_new ();
  VipdIpvsService *m7, *m7v6;
  g_autofree char *text = NULL, *again = NULL, *desc = NULL;
  VipdIpvsServiceKey k7 = fwmark_key (AF_INET, 7);

  /* A fwmark service is named by family and mark alone, whatever else the key holds. */
  add_svc (cur, fwmark_key (AF_INET, 7), "rr");
  add_svc (cur, fwmark_key (AF_INET, 9), "rr");
  k7.port = 80;
  g_assert_nonnull (vipd_ipvs_table_find_service (cur, &k7));

  m7 = add_svc (want, fwmark_key (AF_INET, 7), "rr");
  add_dest (m7, "198.51.100.11", 0, 1);
  m7v6 = add_svc (want, fwmark_key (AF_INET6, 7), "rr");
  add_dest (m7v6, "2001:db8:1::11", 0, 1);
  add_svc (want, key (IPPROTO_TCP, "192.0.2.100", 80), "rr");

  /* IPv4 before IPv6, address services before fwmark services. */
  desc = vipd_ipvs_service_describe (g_ptr_array_index (want->services, 0));
  g_assert_cmpstr (desc, ==, "TCP 192.0.2.100:80 rr");

  text = diff_text (cur, want);
  g_assert_cmpstr (text, ==,
                   "add-service TCP 192.0.2.100:80 rr\n"
                   "add-service FWM 7 IPv6 rr\n"
                   "add-dest FWM 7 rr -> 198.51.100.11:0 masq weight 1\n"
                   "add-dest FWM 7 IPv6 rr -> [2001:db8:1::11]:0 masq weight 1\n"
                   "del-service FWM 9 rr\n");

  /* Once applied, nothing more to do. */
  vipd_ipvs_table_free (g_steal_pointer (&cur));
  cur = vipd_ipvs_table_new ();
  for (guint i = 0; i < want->services->len; i++)
    vipd_ipvs_table_add_service (cur, g_ptr_array_index (want->services, i));
  again = diff_text (cur, want);
  g_assert_cmpstr (again, ==, "");
}

static void
test_ipv6 (void)
{
  g_autoptr (VipdIpvsTable) cur = vipd_ipvs_table_new ();
  g_autoptr (VipdIpvsTable) want = vipd_ipvs_table_new ();
  VipdIpvsService *c, *w;
  g_autofree char *text = NULL, *same = NULL;

  c = add_svc (cur, key (IPPROTO_TCP, "2001:db8::100", 80), "rr");
  add_dest (c, "2001:db8:1::11", 80, 1);
  add_dest (c, "2001:db8:1::12", 80, 1);
  c->persistent = TRUE;
  c->persistence_timeout = 300;
  c->netmask = 128; /* the kernel's answer for "one client address" */
  add_svc (cur, key (IPPROTO_TCP, "192.0.2.100", 80), "rr");

  w = add_svc (want, key (IPPROTO_TCP, "2001:db8::100", 80), "rr");
  add_dest (w, "2001:db8:1::12", 80, 3);
  add_dest (w, "2001:db8:1::11", 80, 1);
  w->persistent = TRUE;
  w->persistence_timeout = 300;
  add_svc (want, key (IPPROTO_TCP, "192.0.2.100", 80), "rr");
  text = diff_text (cur, want);
  g_assert_cmpstr (text, ==,
                   "edit-dest TCP [2001:db8::100]:80 rr -> [2001:db8:1::12]:80 masq weight 3\n");

  /* A prefix length is the IPv6 persistence netmask. */
  w->netmask = 64;
  same = diff_text (cur, want);
  g_assert_true (g_str_has_prefix (same, "edit-service TCP [2001:db8::100]:80 rr persistent 300 mask 64\n"));
}

static void
test_key_compare (void)
{
  VipdIpvsServiceKey a = key (IPPROTO_TCP, "192.0.2.100", 80);
  VipdIpvsServiceKey b = key (IPPROTO_TCP, "192.0.2.100", 81);
  VipdIpvsServiceKey c = key (IPPROTO_TCP, "2001:db8::1", 80);
  VipdIpvsServiceKey m = fwmark_key (AF_INET, 1);

  g_assert_cmpint (vipd_ipvs_service_key_compare (&a, &b), <, 0);
  g_assert_cmpint (vipd_ipvs_service_key_compare (&b, &a), >, 0);
  g_assert_cmpint (vipd_ipvs_service_key_compare (&a, &a), ==, 0);
  g_assert_cmpint (vipd_ipvs_service_key_compare (&a, &c), <, 0);
  g_assert_cmpint (vipd_ipvs_service_key_compare (&a, &m), <, 0);
  g_assert_cmpint (vipd_ipvs_service_key_compare (&m, &c), <, 0);
}

/* The memory backend's DEL_SERVICE and flush: the table frees what it drops (the ASan build
 * of this test would report a leak otherwise). */
static void
test_remove_and_clear (void)
{
  g_autoptr (VipdIpvsTable) t = vipd_ipvs_table_new ();
  VipdIpvsServiceKey a = fwmark_key (AF_INET, 1), b = fwmark_key (AF_INET, 2);
  VipdIpvsServiceKey missing = fwmark_key (AF_INET6, 1);

  add_dest (add_svc (t, a, "rr"), "192.0.2.10", 80, 1);
  add_svc (t, b, "wrr");
  g_assert_false (vipd_ipvs_table_remove_service (t, &missing));
  g_assert_true (vipd_ipvs_table_remove_service (t, &a));
  g_assert_false (vipd_ipvs_table_remove_service (t, &a));
  g_assert_cmpuint (t->services->len, ==, 1);
  g_assert_nonnull (vipd_ipvs_table_find_service (t, &b));
  add_svc (t, a, "rr");
  vipd_ipvs_table_clear (t);
  g_assert_cmpuint (t->services->len, ==, 0);
  g_assert_null (vipd_ipvs_table_find_service (t, &b));
}

static void
test_describe (void)
{
  VipdIpvsService s = { 0 };
  g_autofree char *a = NULL, *b = NULL;

  s.key = key (IPPROTO_SCTP, "192.0.2.100", 3868);
  g_strlcpy (s.scheduler, "wlc", sizeof s.scheduler);
  a = vipd_ipvs_service_describe (&s);
  g_assert_cmpstr (a, ==, "SCTP 192.0.2.100:3868 wlc");
  s.key = fwmark_key (AF_INET, 42);
  s.persistent = TRUE;
  s.persistence_timeout = 600;
  b = vipd_ipvs_service_describe (&s);
  /* The key and the scheduler only: persistence shows in the operations that set it. */
  g_assert_cmpstr (b, ==, "FWM 42 wlc");
  g_assert_cmpstr (vipd_ipvs_forward_to_string (VIPD_IPVS_FWD_TUN), ==, "tunnel");
  g_assert_cmpstr (vipd_ipvs_forward_to_string (VIPD_IPVS_FWD_DR), ==, "route");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lvs/ipvs-table/sorted", test_sorted);
  g_test_add_func ("/lvs/ipvs-table/add-replaces-and-copies", test_add_replaces_and_copies);
  g_test_add_func ("/lvs/ipvs-table/from-empty", test_from_empty);
  g_test_add_func ("/lvs/ipvs-table/unchanged-no-op", test_unchanged_no_op);
  g_test_add_func ("/lvs/ipvs-table/weight-change-edits-dest", test_weight_change_edits_dest);
  g_test_add_func ("/lvs/ipvs-table/forward-and-threshold-edit-dest",
                   test_forward_and_threshold_edit_dest);
  g_test_add_func ("/lvs/ipvs-table/scheduler-change-edits-service",
                   test_scheduler_change_edits_service);
  g_test_add_func ("/lvs/ipvs-table/persistence", test_persistence);
  g_test_add_func ("/lvs/ipvs-table/service-removed", test_service_removed);
  g_test_add_func ("/lvs/ipvs-table/ordering", test_ordering);
  g_test_add_func ("/lvs/ipvs-table/fwmark", test_fwmark);
  g_test_add_func ("/lvs/ipvs-table/remove-and-clear", test_remove_and_clear);
  g_test_add_func ("/lvs/ipvs-table/ipv6", test_ipv6);
  g_test_add_func ("/lvs/ipvs-table/key-compare", test_key_compare);
  g_test_add_func ("/lvs/ipvs-table/describe", test_describe);
  return g_test_run ();
}
