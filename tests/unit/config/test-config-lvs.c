/* test-config-lvs.c — virtual_server, virtual_server_group, real_server and checkers: what
 * keepalived.conf says lands in the model, and mistakes are named at their file:line. */
#include <netinet/in.h>
#include <string.h>

#include "config-test-util.h"

/* The LVS example of keepalived's own documentation (keepalived.conf(5), "LVS CONFIGURATION"),
 * with the addresses moved into the documentation ranges. */
static const char *const full_example =
    "virtual_server_group WEB {\n"                   /* 1 */
    "  192.0.2.100 80\n"                             /* 2 */
    "  192.0.2.110-112 80\n"                         /* 3 */
    "  fwmark 9\n"                                   /* 4 */
    "}\n"                                            /* 5 */
    "virtual_server 192.0.2.100 443 {\n"             /* 6 */
    "    delay_loop 6\n"                             /* 7 */
    "    lb_algo wrr\n"                              /* 8 */
    "    lb_kind DR\n"                               /* 9 */
    "    persistence_timeout 60\n"                   /* 10 */
    "    persistence_granularity 255.255.255.0\n"    /* 11 */
    "    protocol TCP\n"                             /* 12 */
    "    sorry_server 192.0.2.200 443\n"             /* 13 */
    "    sorry_server_inhibit\n"                     /* 14 */
    "    quorum 2\n"                                 /* 15 */
    "    hysteresis 1\n"                             /* 16 */
    "    quorum_up \"/usr/local/bin/up.sh web\"\n"   /* 17 */
    "    quorum_down /usr/local/bin/down.sh\n"       /* 18 */
    "    inhibit_on_failure\n"                       /* 19 */
    "    alpha\n"                                    /* 20 */
    "    omega\n"                                    /* 21 */
    "    virtualhost www.example.org\n"              /* 22 */
    "    real_server 192.0.2.10 443 {\n"             /* 23 */
    "        weight 3\n"                             /* 24 */
    "        notify_down /root/shutdown.sh\n"        /* 25 */
    "        notify_up \"/root/up.sh now\"\n"        /* 26 */
    "        TCP_CHECK {\n"                          /* 27 */
    "            connect_timeout 10\n"               /* 28 */
    "            nb_get_retry 3\n"                   /* 29 */
    "            delay_before_retry 0.5\n"           /* 30 */
    "            connect_port 8443\n"                /* 31 */
    "            connect_ip 192.0.2.20\n"            /* 32 */
    "            bindto 192.0.2.1\n"                 /* 33 */
    "            warmup 2\n"                         /* 34 */
    "        }\n"                                    /* 35 */
    "    }\n"                                        /* 36 */
    "    real_server 192.0.2.11 443 {\n"             /* 37 */
    "        SSL_GET {\n"                            /* 38 */
    "            url {\n"                            /* 39 */
    "              path /index.html\n"               /* 40 */
    "              digest 9B3A0C85A887A256D6939DA88AABD8CD\n" /* 41 */
    "              status_code 200-299 301,302\n"    /* 42 */
    "            }\n"                                /* 43 */
    "            url {\n"                            /* 44 */
    "              path /health\n"                   /* 45 */
    "            }\n"                                /* 46 */
    "            retry 2\n"                          /* 47 */
    "        }\n"                                    /* 48 */
    "    }\n"                                        /* 49 */
    "}\n"                                            /* 50 */
    "virtual_server group WEB {\n"                   /* 51 */
    "  real_server 192.0.2.12 80 {\n"                /* 52 */
    "    MISC_CHECK {\n"                             /* 53 */
    "      misc_path \"/usr/local/bin/check.sh 192.0.2.12\"\n" /* 54 */
    "      misc_timeout 5\n"                         /* 55 */
    "      misc_dynamic\n"                           /* 56 */
    "      user nobody nogroup\n"                    /* 57 */
    "    }\n"                                        /* 58 */
    "  }\n"                                          /* 59 */
    "}\n"                                            /* 60 */
    "virtual_server fwmark 7 {\n"                    /* 61 */
    "  protocol UDP\n"                               /* 62 */
    "  real_server 2001:db8::1 53 {\n"               /* 63 */
    "    MISC_CHECK {\n"                             /* 64 */
    "      misc_path /bin/true\n"                    /* 65 */
    "    }\n"                                        /* 66 */
    "  }\n"                                          /* 67 */
    "}\n"                                            /* 68 */
    "virtual_server 2001:db8::100 80 {\n"            /* 69 */
    "  real_server 2001:db8::10 80 {\n"              /* 70 */
    "    weight 5\n"                                 /* 71 */
    "  }\n"                                          /* 72 */
    "}\n";                                           /* 73 */

static void
test_full_example (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (full_example, d);
  VipdVirtualServer *vs;
  VipdRealServer *rs;
  VipdChecker *ck;
  VipdCheckUrl *url;
  VipdVsGroup *g;
  VipdVsgEntry *e;
  char buf[VIPD_ADDR_STRLEN];

  assert_count (d, VIPD_DIAG_ERROR, 0);
  assert_count (d, VIPD_DIAG_WARNING, 0);
  g_assert_cmpuint (c->virtual_servers->len, ==, 4);
  g_assert_cmpuint (c->vs_groups->len, ==, 1);

  g = g_ptr_array_index (c->vs_groups, 0);
  g_assert_cmpstr (g->name, ==, "WEB");
  g_assert_cmpuint (g->entries->len, ==, 3);
  e = g_ptr_array_index (g->entries, 1);
  g_assert_cmpint (e->kind, ==, VIPD_VSG_RANGE);
  g_assert_cmpstr (vipd_addr_format (&e->addr, buf, sizeof buf), ==, "192.0.2.110");
  g_assert_cmpuint (e->range_end, ==, 112);
  g_assert_cmpuint (e->port, ==, 80);
  e = g_ptr_array_index (g->entries, 2);
  g_assert_cmpint (e->kind, ==, VIPD_VSG_FWMARK);
  g_assert_cmpuint (e->fwmark, ==, 9);

  vs = g_ptr_array_index (c->virtual_servers, 0);
  g_assert_cmpstr (vs->name, ==, "192.0.2.100:443/tcp");
  g_assert_true (vipd_config_find_virtual_server (c, "192.0.2.100:443/tcp") == vs);
  g_assert_cmpuint (vs->loc.line, ==, 6);
  g_assert_cmpuint (vs->delay_loop_ms, ==, 6000);
  g_assert_cmpstr (vs->lb_algo, ==, "wrr");
  g_assert_cmpint (vs->lb_kind, ==, VIPD_LB_DR);
  g_assert_cmpuint (vs->persistence_timeout, ==, 60);
  g_assert_true (vs->has_granularity);
  g_assert_cmpuint (vs->granularity_prefix, ==, 24);
  g_assert_cmpstr (vipd_addr_format (&vs->sorry_addr, buf, sizeof buf), ==, "192.0.2.200");
  g_assert_cmpuint (vs->sorry_port, ==, 443);
  g_assert_true (vs->sorry_server_inhibit);
  g_assert_cmpuint (vs->quorum, ==, 2);
  g_assert_cmpuint (vs->hysteresis, ==, 1);
  g_assert_cmpstr (vs->quorum_up.command, ==, "/usr/local/bin/up.sh web");
  g_assert_cmpstr (vs->quorum_down.command, ==, "/usr/local/bin/down.sh");
  g_assert_true (vs->inhibit_on_failure && vs->alpha && vs->omega);
  g_assert_cmpstr (vs->virtualhost, ==, "www.example.org");
  g_assert_cmpuint (vs->real_servers->len, ==, 2);

  rs = g_ptr_array_index (vs->real_servers, 0);
  g_assert_cmpuint (rs->loc.line, ==, 23);
  g_assert_cmpuint (rs->weight, ==, 3);
  g_assert_cmpuint (rs->port, ==, 443);
  g_assert_true (vipd_real_server_inhibit (vs, rs));
  g_assert_cmpstr (rs->notify_down.command, ==, "/root/shutdown.sh");
  g_assert_cmpstr (rs->notify_up.command, ==, "/root/up.sh now");
  g_assert_cmpuint (rs->checkers->len, ==, 1);
  ck = g_ptr_array_index (rs->checkers, 0);
  g_assert_cmpint (ck->kind, ==, VIPD_CHECK_TCP);
  g_assert_cmpuint (ck->loc.line, ==, 27);
  g_assert_cmpuint (ck->connect_timeout_ms, ==, 10000);
  g_assert_cmpuint (ck->retry, ==, 3);
  g_assert_cmpuint (ck->delay_before_retry_ms, ==, 500);
  g_assert_cmpuint (ck->connect_port, ==, 8443);
  g_assert_cmpstr (vipd_addr_format (&ck->connect_ip, buf, sizeof buf), ==, "192.0.2.20");
  g_assert_cmpstr (vipd_addr_format (&ck->bindto, buf, sizeof buf), ==, "192.0.2.1");
  g_assert_cmpuint (ck->warmup_ms, ==, 2000);

  rs = g_ptr_array_index (vs->real_servers, 1);
  g_assert_cmpuint (rs->weight, ==, 1);
  ck = g_ptr_array_index (rs->checkers, 0);
  g_assert_cmpint (ck->kind, ==, VIPD_CHECK_SSL);
  g_assert_cmpuint (ck->retry, ==, 2);
  g_assert_cmpuint (ck->connect_timeout_ms, ==, VIPD_LVS_CONNECT_TIMEOUT_MS);
  g_assert_cmpuint (ck->delay_before_retry_ms, ==, 3000); /* keepalived's HTTP default */
  g_assert_cmpuint (ck->urls->len, ==, 2);
  url = g_ptr_array_index (ck->urls, 0);
  g_assert_cmpstr (url->path, ==, "/index.html");
  g_assert_cmpstr (url->digest, ==, "9b3a0c85a887a256d6939da88aabd8cd");
  g_assert_cmpuint (url->status_codes->len, ==, 3);
  g_assert_cmpuint (g_array_index (url->status_codes, VipdStatusRange, 0).lo, ==, 200);
  g_assert_cmpuint (g_array_index (url->status_codes, VipdStatusRange, 0).hi, ==, 299);
  g_assert_cmpuint (g_array_index (url->status_codes, VipdStatusRange, 2).lo, ==, 302);
  url = g_ptr_array_index (ck->urls, 1);
  g_assert_cmpstr (url->path, ==, "/health");
  g_assert_null (url->digest);
  g_assert_cmpuint (url->status_codes->len, ==, 0);

  vs = g_ptr_array_index (c->virtual_servers, 1);
  g_assert_cmpint (vs->kind, ==, VIPD_VS_GROUP);
  g_assert_cmpstr (vs->name, ==, "group:WEB/tcp");
  g_assert_cmpstr (vs->lb_algo, ==, NULL); /* wlc, keepalived's default, when not written */
  ck = g_ptr_array_index (((VipdRealServer *) g_ptr_array_index (vs->real_servers, 0))->checkers, 0);
  g_assert_cmpint (ck->kind, ==, VIPD_CHECK_MISC);
  g_assert_cmpstr (ck->misc_path.command, ==, "/usr/local/bin/check.sh 192.0.2.12");
  g_assert_cmpuint (ck->misc_timeout_ms, ==, 5000);
  g_assert_true (ck->misc_dynamic);
  g_assert_cmpuint (ck->retry, ==, VIPD_LVS_MISC_RETRY);
  g_assert_cmpstr (ck->user, ==, "nobody");
  g_assert_cmpstr (ck->group, ==, "nogroup");

  vs = g_ptr_array_index (c->virtual_servers, 2);
  g_assert_cmpint (vs->kind, ==, VIPD_VS_FWMARK);
  g_assert_cmpuint (vs->fwmark, ==, 7);
  g_assert_cmpuint (vs->protocol, ==, IPPROTO_UDP);
  g_assert_cmpstr (vs->name, ==, "fwmark:7/udp");

  vs = g_ptr_array_index (c->virtual_servers, 3);
  g_assert_cmpstr (vs->name, ==, "[2001:db8::100]:80/tcp");
  rs = g_ptr_array_index (vs->real_servers, 0);
  g_assert_cmpuint (rs->weight, ==, 5);
  g_assert_cmpuint (rs->checkers->len, ==, 0);
}

static void
test_dump (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (full_example, d);
  g_autofree char *text = vipd_config_dump (c);

  g_assert_nonnull (strstr (text, "virtual_server 192.0.2.100 443 {  # 192.0.2.100:443/tcp\n"
                                  "  delay_loop 6\n"
                                  "  lb_algo wrr\n"
                                  "  lb_kind DR\n"));
  g_assert_nonnull (strstr (text, "  192.0.2.110-112 80\n"));
  g_assert_nonnull (strstr (text, "      connect_timeout 10\n      retry 3\n"
                                  "      delay_before_retry 0.5\n"));
  g_assert_nonnull (strstr (text, "        status_code 200-299 301 302\n"));
  g_assert_nonnull (strstr (text, "virtual_server group WEB {  # group:WEB/tcp\n"
                                  "  delay_loop 60\n  lb_algo wlc\n  lb_kind NAT\n"));
}

static void
test_errors (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (
      "virtual_server 192.0.2.100 {\n"                 /* 1: no port */
      "}\n"                                            /* 2 */
      "virtual_server 192.0.2.101 80 {\n"              /* 3 */
      "  lb_algo rrr\n"                                /* 4 */
      "  lb_kind FULLNAT\n"                            /* 5 */
      "  protocol ICMP\n"                              /* 6 */
      "  real_server 192.0.2.10 80 {\n"                /* 7 */
      "    weight 70000\n"                             /* 8 */
      "    HTTP_GET {\n"                               /* 9 */
      "      url { path index.html\n"                  /* 10 */
      "            digest 1234 }\n"                    /* 11 */
      "      misc_path /bin/true\n"                    /* 12 */
      "    }\n"                                        /* 13 */
      "  }\n"                                          /* 14 */
      "  real_server 192.0.2.10 80 {\n"                /* 15: duplicate */
      "    HTTP_GET {\n"                               /* 16: no url */
      "      status_code 200\n"                        /* 17: belongs in url */
      "    }\n"                                        /* 18 */
      "  }\n"                                          /* 19 */
      "  real_server 2001:db8::1 80 {\n"               /* 20: family */
      "    MISC_CHECK {\n"                             /* 21: no misc_path */
      "      connect_timeout 3\n"                      /* 22: not for MISC */
      "    }\n"                                        /* 23 */
      "  }\n"                                          /* 24 */
      "  real_server 192.0.2.11 80 {\n"                /* 25 */
      "    TCP_CHECK {\n"                              /* 26 */
      "      conect_timeout 3\n"                       /* 27: typo */
      "    }\n"                                        /* 28 */
      "  }\n"                                          /* 29 */
      "}\n"                                            /* 30 */
      "virtual_server group WBE {\n"                   /* 31: unknown group */
      "}\n"                                            /* 32 */
      "virtual_server_group WEB {\n"                   /* 33 */
      "  192.0.2.300 80\n"                             /* 34 */
      "  192.0.2.1-10\n"                               /* 35: no port */
      "}\n"                                            /* 36 */
      "virtual_server 192.0.2.101 80 {\n"              /* 37: duplicate */
      "  quorum 5\n"                                   /* 38 */
      "  real_server 192.0.2.12 80 {\n"                /* 39 */
      "  }\n"                                          /* 40 */
      "}\n",                                           /* 41 */
      d);

  g_assert_nonnull (c);
  assert_error (d, 1, 16, "virtual_server 192.0.2.100 needs a port");
  assert_error (d, 4, 11, "lb_algo \"rrr\" is not an IPVS scheduler — did you mean \"rr\"?");
  assert_error (d, 5, 11, "lb_kind \"FULLNAT\" is not a forwarding method: write NAT, DR or TUN");
  assert_error (d, 6, 12, "protocol \"ICMP\" is not supported: write TCP, UDP or SCTP");
  assert_error (d, 8, 12, "weight 70000 is out of range: write an integer from 0 to 65535");
  assert_error (d, 10, 18, "path \"index.html\" must start with \"/\"");
  assert_error (d, 11, 20, "digest \"1234\" is not an MD5 sum");
  assert_warning (d, 12, 7, "\"misc_path\" does not apply to HTTP_GET, ignored");
  assert_error (d, 15, 3, "real_server 192.0.2.10:80 is already in this virtual_server (at test.conf:7)");
  assert_error (d, 16, 5, "HTTP_GET has no url: add \"url { path / }\"");
  assert_warning (d, 17, 7, "unknown keyword \"status_code\" in HTTP_GET");
  assert_error (d, 20, 3, "real_server is IPv6 but virtual_server 192.0.2.101:80/tcp is IPv4");
  assert_error (d, 21, 5, "MISC_CHECK has no misc_path");
  assert_warning (d, 22, 7, "\"connect_timeout\" does not apply to MISC_CHECK");
  assert_warning (d, 27, 7, "unknown keyword \"conect_timeout\" in TCP_CHECK — did you mean "
                            "\"connect_timeout\"?");
  assert_error (d, 31, 1, "virtual_server group \"WBE\" is not defined — did you mean \"WEB\"?");
  assert_error (d, 34, 3, "\"192.0.2.300\" in virtual_server_group WEB is not an address");
  assert_error (d, 35, 3, "192.0.2.1-10 in virtual_server_group WEB needs a port");
  assert_error (d, 37, 1, "virtual_server 192.0.2.101:80/tcp is already defined at test.conf:3");
  assert_warning (d, 37, 1, "quorum 5 of virtual_server 192.0.2.101:80/tcp is more than the "
                            "weight of all its real servers (1)");
}

static void
test_defaults (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("virtual_server 192.0.2.100 80 {\n"
                                         "  persistence_timeout\n"
                                         "  real_server 192.0.2.10 80 {\n"
                                         "    TCP_CHECK {\n"
                                         "    }\n"
                                         "    inhibit_on_failure\n"
                                         "  }\n"
                                         "}\n",
                                         d);
  VipdVirtualServer *vs = g_ptr_array_index (c->virtual_servers, 0);
  VipdRealServer *rs = g_ptr_array_index (vs->real_servers, 0);
  VipdChecker *ck = g_ptr_array_index (rs->checkers, 0);

  assert_count (d, VIPD_DIAG_ERROR, 0);
  assert_count (d, VIPD_DIAG_WARNING, 0);
  g_assert_cmpuint (vs->delay_loop_ms, ==, 60000);
  g_assert_cmpint (vs->lb_kind, ==, VIPD_LB_NAT);
  g_assert_cmpuint (vs->protocol, ==, IPPROTO_TCP);
  g_assert_cmpuint (vs->persistence_timeout, ==, 360);
  g_assert_cmpuint (vs->quorum, ==, 1);
  g_assert_false (vs->inhibit_on_failure);
  g_assert_true (vipd_real_server_inhibit (vs, rs));
  g_assert_cmpuint (ck->connect_timeout_ms, ==, 5000);
  g_assert_cmpuint (ck->retry, ==, 1);
  g_assert_cmpuint (ck->delay_before_retry_ms, ==, 1000);
}

static void
test_fingerprint (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) a = parse_text ("virtual_server 192.0.2.100 80 {\n"
                                         "  real_server 192.0.2.10 80 { \n weight 1\n"
                                         "    TCP_CHECK {\n connect_timeout 3\n }\n }\n}\n",
                                         d);
  g_autoptr (VipdConfig) b = parse_text ("virtual_server 192.0.2.100 80 {\n"
                                         "  real_server 192.0.2.10 80 { \n weight 5\n"
                                         "    TCP_CHECK {\n connect_timeout 3\n }\n }\n}\n",
                                         d);
  g_autoptr (VipdConfig) e = parse_text ("virtual_server 192.0.2.100 80 {\n"
                                         "  real_server 192.0.2.10 80 { \n weight 1\n"
                                         "    TCP_CHECK {\n connect_timeout 4\n }\n }\n}\n",
                                         d);
  VipdVirtualServer *va = g_ptr_array_index (a->virtual_servers, 0);
  VipdVirtualServer *vb = g_ptr_array_index (b->virtual_servers, 0);
  VipdVirtualServer *ve = g_ptr_array_index (e->virtual_servers, 0);
  g_autofree char *fa = vipd_real_server_check_fingerprint (va, g_ptr_array_index (va->real_servers, 0));
  g_autofree char *fb = vipd_real_server_check_fingerprint (vb, g_ptr_array_index (vb->real_servers, 0));
  g_autofree char *fe = vipd_real_server_check_fingerprint (ve, g_ptr_array_index (ve->real_servers, 0));

  assert_count (d, VIPD_DIAG_ERROR, 0);
  /* A new weight keeps the check (and its state); a new timeout starts it afresh. */
  g_assert_cmpstr (fa, ==, fb);
  g_assert_cmpstr (fa, !=, fe);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/lvs/full-example", test_full_example);
  g_test_add_func ("/config/lvs/dump", test_dump);
  g_test_add_func ("/config/lvs/errors", test_errors);
  g_test_add_func ("/config/lvs/defaults", test_defaults);
  g_test_add_func ("/config/lvs/fingerprint", test_fingerprint);
  return g_test_run ();
}
