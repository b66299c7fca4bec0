/* test-config-lvs-compat.c — keepalived 2.x LVS keywords: checker settings written at
 * virtual_server or real_server level as defaults for the checkers below (keepalived.conf(5):
 * "the virtual server setting is the default for real servers, and the real server setting is
 * the default for checkers"), lvs_flush and sorry_server_lvs_method. */
#include <netinet/in.h>
#include <string.h>

#include "config-test-util.h"

static const char *const inherit_conf =
    "virtual_server 192.0.2.100 80 {\n"          /* 1 */
    "  delay_loop 10\n"                          /* 2 */
    "  connect_timeout 7\n"                      /* 3 */
    "  retry 4\n"                                /* 4 */
    "  delay_before_retry 2\n"                   /* 5 */
    "  warmup 1.5\n"                             /* 6 */
    "  real_server 192.0.2.10 80 {\n"            /* 7: all from the virtual server */
    "    TCP_CHECK {\n"                          /* 8 */
    "    }\n"                                    /* 9 */
    "    MISC_CHECK {\n"                         /* 10 */
    "      misc_path /bin/true\n"                /* 11 */
    "    }\n"                                    /* 12 */
    "  }\n"                                      /* 13 */
    "  real_server 192.0.2.11 80 {\n"            /* 14: the real server overrides */
    "    connect_timeout 3\n"                    /* 15 */
    "    delay_loop 4\n"                         /* 16 */
    "    virtualhost rs.example.org\n"           /* 17 */
    "    HTTP_GET {\n"                           /* 18 */
    "      url {\n"                              /* 19 */
    "        path /\n"                           /* 20 */
    "      }\n"                                  /* 21 */
    "      retry 0\n"                            /* 22: the checker overrides both */
    "    }\n"                                    /* 23 */
    "    HTTP_GET {\n"                           /* 24 */
    "      url {\n"                              /* 25 */
    "        path /h\n"                          /* 26 */
    "      }\n"                                  /* 27 */
    "      virtualhost ck.example.org\n"         /* 28 */
    "      delay_before_retry 9\n"               /* 29 */
    "    }\n"                                    /* 30 */
    "    retry 6\n"                              /* 31: after the checkers: still theirs */
    "  }\n"                                      /* 32 */
    "}\n"                                        /* 33 */
    "virtual_server 192.0.2.101 80 {\n"          /* 34: nothing written: keepalived's */
    "  real_server 192.0.2.10 80 {\n"            /* 35 */
    "    HTTP_GET {\n"                           /* 36 */
    "      url {\n"                              /* 37 */
    "        path /\n"                           /* 38 */
    "      }\n"                                  /* 39 */
    "    }\n"                                    /* 40 */
    "  }\n"                                      /* 41 */
    "}\n";                                       /* 42 */

static VipdChecker *
checker_at (const VipdConfig *c, guint v, guint r, guint k)
{
  VipdVirtualServer *vs = g_ptr_array_index (c->virtual_servers, v);
  VipdRealServer *rs = g_ptr_array_index (vs->real_servers, r);

  return g_ptr_array_index (rs->checkers, k);
}

static void
test_inherit (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (inherit_conf, d);
  VipdChecker *tcp, *misc, *h1, *h2, *plain;

  assert_count (d, VIPD_DIAG_ERROR, 0);
  /* Only the two "has 2 checkers" notes: no keyword is unknown any more. */
  assert_warning (d, 7, 3, "real_server has 2 checkers");
  assert_warning (d, 14, 3, "real_server has 2 checkers");
  assert_count (d, VIPD_DIAG_WARNING, 2);

  tcp = checker_at (c, 0, 0, 0);
  g_assert_cmpuint (tcp->connect_timeout_ms, ==, 7000);
  g_assert_cmpuint (tcp->retry, ==, 4);
  g_assert_cmpuint (tcp->delay_before_retry_ms, ==, 2000);
  g_assert_cmpuint (tcp->warmup_ms, ==, 1500);
  g_assert_cmpuint (tcp->delay_loop_ms, ==, 0); /* the virtual server's delay_loop: 10 s */

  /* MISC_CHECK takes the timers but has no connect_timeout (misc_timeout is its bound). */
  misc = checker_at (c, 0, 0, 1);
  g_assert_cmpuint (misc->retry, ==, 4);
  g_assert_cmpuint (misc->delay_before_retry_ms, ==, 2000);
  g_assert_cmpuint (misc->connect_timeout_ms, ==, VIPD_LVS_CONNECT_TIMEOUT_MS);

  h1 = checker_at (c, 0, 1, 0);
  g_assert_cmpuint (h1->connect_timeout_ms, ==, 3000); /* real server */
  g_assert_cmpuint (h1->delay_loop_ms, ==, 4000);      /* real server */
  g_assert_cmpuint (h1->retry, ==, 0);                 /* its own */
  g_assert_cmpuint (h1->delay_before_retry_ms, ==, 2000); /* virtual server */
  g_assert_cmpstr (h1->virtualhost, ==, "rs.example.org");

  h2 = checker_at (c, 0, 1, 1);
  g_assert_cmpuint (h2->retry, ==, 6); /* the real server's, written after the block */
  g_assert_cmpuint (h2->delay_before_retry_ms, ==, 9000);
  g_assert_cmpstr (h2->virtualhost, ==, "ck.example.org");

  plain = checker_at (c, 1, 0, 0);
  g_assert_cmpuint (plain->connect_timeout_ms, ==, VIPD_LVS_CONNECT_TIMEOUT_MS);
  g_assert_cmpuint (plain->retry, ==, VIPD_LVS_RETRY);
  g_assert_cmpuint (plain->delay_before_retry_ms, ==, VIPD_LVS_HTTP_DELAY_BEFORE_RETRY_MS);
  g_assert_cmpuint (plain->warmup_ms, ==, 0);
  g_assert_null (plain->virtualhost);
}

/* A default changed at virtual_server level is a changed check: a reload restarts it. */
static void
test_inherit_fingerprint (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) a = parse_text ("virtual_server 192.0.2.100 80 {\n connect_timeout 3\n"
                                         " real_server 192.0.2.10 80 {\n TCP_CHECK {\n }\n }\n}\n",
                                         d);
  g_autoptr (VipdConfig) b = parse_text ("virtual_server 192.0.2.100 80 {\n connect_timeout 4\n"
                                         " real_server 192.0.2.10 80 {\n TCP_CHECK {\n }\n }\n}\n",
                                         d);
  VipdVirtualServer *va = g_ptr_array_index (a->virtual_servers, 0);
  VipdVirtualServer *vb = g_ptr_array_index (b->virtual_servers, 0);
  g_autofree char *fa = vipd_real_server_check_fingerprint (va, g_ptr_array_index (va->real_servers, 0));
  g_autofree char *fb = vipd_real_server_check_fingerprint (vb, g_ptr_array_index (vb->real_servers, 0));

  assert_count (d, VIPD_DIAG_ERROR, 0);
  g_assert_cmpstr (fa, !=, fb);
}

static void
test_inherit_errors (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("virtual_server 192.0.2.100 80 {\n" /* 1 */
                                         "  connect_timeout 0\n"            /* 2 */
                                         "  retry many\n"                   /* 3 */
                                         "  real_server 192.0.2.10 80 {\n"  /* 4 */
                                         "    delay_loop 0\n"               /* 5 */
                                         "    warmup -1\n"                  /* 6 */
                                         "    TCP_CHECK {\n"                /* 7 */
                                         "    }\n"                          /* 8 */
                                         "  }\n"                            /* 9 */
                                         "}\n",                             /* 10 */
                                         d);
  VipdChecker *tcp = checker_at (c, 0, 0, 0);

  assert_error (d, 2, 19, "connect_timeout 0 in virtual_server would fail every check");
  assert_error (d, 3, 9, "many");
  assert_error (d, 5, 16, "delay_loop 0 in real_server would check without pause");
  assert_error (d, 6, 12, "-1");
  /* Nothing bad was inherited. */
  g_assert_cmpuint (tcp->connect_timeout_ms, ==, VIPD_LVS_CONNECT_TIMEOUT_MS);
  g_assert_cmpuint (tcp->delay_loop_ms, ==, 0);
}

static void
test_lvs_flush (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) on = parse_text ("global_defs {\n  lvs_flush\n}\n", d);
  g_autoptr (VipdConfig) off = parse_text ("global_defs {\n  router_id a\n}\n", d);
  g_autoptr (VipdDiagList) d2 = vipd_diag_list_new ();
  g_autoptr (VipdConfig) bad = parse_text ("global_defs {\n  lvs_flush yes\n}\n", d2);
  g_autofree char *dump = vipd_config_dump (on);

  assert_count (d, VIPD_DIAG_ERROR, 0);
  assert_count (d, VIPD_DIAG_WARNING, 0);
  g_assert_true (on->global.lvs_flush);
  g_assert_false (off->global.lvs_flush);
  /* keepalived's "lvs_flush" takes no value: an extra one is named and ignored. */
  g_assert_nonnull (bad);
  g_assert_true (bad->global.lvs_flush);
  g_assert_cmpuint (d2->n_errors, ==, 0);
  g_assert_cmpuint (d2->n_warnings, ==, 1);
  g_assert_nonnull (strstr (dump, "\n  lvs_flush\n"));
}

static void
test_sorry_method (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("virtual_server 192.0.2.100 80 {\n"       /* 1 */
                                         "  lb_kind NAT\n"                        /* 2 */
                                         "  sorry_server 192.0.2.200 80\n"        /* 3 */
                                         "  sorry_server_lvs_method DR\n"         /* 4 */
                                         "}\n"                                    /* 5 */
                                         "virtual_server 192.0.2.101 80 {\n"      /* 6 */
                                         "  lb_kind TUN\n"                        /* 7 */
                                         "  sorry_server 192.0.2.200 80\n"        /* 8 */
                                         "}\n"                                    /* 9 */
                                         "virtual_server 192.0.2.102 80 {\n"      /* 10 */
                                         "  sorry_server 192.0.2.200 80\n"        /* 11 */
                                         "  sorry_server_lvs_method FNAT\n"       /* 12 */
                                         "}\n",                                   /* 13 */
                                         d);
  VipdVirtualServer *v0 = g_ptr_array_index (c->virtual_servers, 0);
  VipdVirtualServer *v1 = g_ptr_array_index (c->virtual_servers, 1);
  VipdVirtualServer *v2 = g_ptr_array_index (c->virtual_servers, 2);
  g_autofree char *dump = vipd_config_dump (c);

  assert_error (d, 12, 27, "sorry_server_lvs_method \"FNAT\" is not a forwarding method");
  assert_count (d, VIPD_DIAG_ERROR, 1);
  g_assert_cmpint (vipd_virtual_server_sorry_lb_kind (v0), ==, VIPD_LB_DR);
  g_assert_cmpint (v0->lb_kind, ==, VIPD_LB_NAT);
  g_assert_cmpint (vipd_virtual_server_sorry_lb_kind (v1), ==, VIPD_LB_TUN);
  g_assert_cmpint (vipd_virtual_server_sorry_lb_kind (v2), ==, VIPD_LB_NAT);
  g_assert_nonnull (strstr (dump, "sorry_server_lvs_method DR\n"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/lvs-compat/inherit", test_inherit);
  g_test_add_func ("/config/lvs-compat/inherit-fingerprint", test_inherit_fingerprint);
  g_test_add_func ("/config/lvs-compat/inherit-errors", test_inherit_errors);
  g_test_add_func ("/config/lvs-compat/lvs-flush", test_lvs_flush);
  g_test_add_func ("/config/lvs-compat/sorry-method", test_sorry_method);
  return g_test_run ();
}
