/* Syntax: every keyword lands in the model, and every syntax problem is reported where it is. */
#include "config-test-util.h"
#include "config/config-private.h"

#include <string.h>
#include <sys/socket.h>

static const char all_keywords[] =
  "global_defs {\n"
  "  router_id r1\n"
  "  notification_email {\n"
  "    a@example.org\n"
  "    b@example.org\n"
  "  }\n"
  "  notification_email_from vipd@example.org\n"
  "  smtp_server 192.0.2.25 2525\n"
  "  smtp_connect_timeout 20\n"
  "  vrrp_mcast_group4 224.0.0.99\n"
  "  vrrp_mcast_group6 ff02::99\n"
  "  vrrp_skip_check_adv_addr\n"
  "  vrrp_garp_interval 0.5\n"
  "  vrrp_gna_interval 0.25\n"
  "  vrrp_version 3\n"
  "  script_user nobody nogroup\n"
  "  enable_script_security\n"
  "  notify_fifo /run/vipd.fifo\n"
  "  notify_fifo_script /usr/local/bin/fifo.sh arg\n"
  "  vrrp_notify_fifo /run/vrrp.fifo\n"
  "  vrrp_garp_master_delay 3\n"
  "  vrrp_garp_master_repeat 4\n"
  "  vrrp_garp_master_refresh 60\n"
  "  vrrp_garp_master_refresh_repeat 2\n"
  "}\n"
  "vrrp_script chk {\n"
  "  script \"/bin/check --fast\"\n"
  "  interval 2\n"
  "  timeout 1.5\n"
  "  weight -20 reverse\n"
  "  rise 3\n"
  "  fall 4\n"
  "  init_fail\n"
  "  user nobody nogroup\n"
  "}\n"
  "vrrp_track_file tf {\n"
  "  file /run/down\n"
  "  weight -5 reverse\n"
  "  init_file 7 overwrite\n"
  "}\n"
  "vrrp_instance V6 {\n"
  "  state MASTER\n"
  "  interface eth0\n"
  "  virtual_router_id 7\n"
  "  priority 200\n"
  "  advert_int 0.1\n"
  "  version 3\n"
  "  virtual_ipaddress {\n"
  "    2001:db8::10/64 dev eth1 scope link label eth1:6\n"
  "  }\n"
  "  virtual_ipaddress_excluded {\n"
  "    192.0.2.99/32\n"
  "  }\n"
  "  nopreempt\n"
  "  preempt_delay 2.5\n"
  "  track_script {\n"
  "    chk weight 5\n"
  "  }\n"
  "  track_interface {\n"
  "    eth1 weight -30\n"
  "    eth2\n"
  "  }\n"
  "  track_file {\n"
  "    tf weight 10\n"
  "  }\n"
  "  unicast_src_ip 2001:db8::1\n"
  "  unicast_peer {\n"
  "    2001:db8::2\n"
  "    2001:db8::3\n"
  "  }\n"
  "  mcast_src_ip 2001:db8::1\n"
  "  garp_master_delay 1\n"
  "  garp_master_repeat 2\n"
  "  garp_master_refresh 30\n"
  "  garp_master_refresh_repeat 3\n"
  "  notify /bin/notify.sh\n"
  "  notify_master \"/bin/master.sh up\" now\n"
  "  notify_backup /bin/backup.sh\n"
  "  notify_fault /bin/fault.sh\n"
  "  notify_stop /bin/stop.sh\n"
  "  smtp_alert\n"
  "  accept\n"
  "  use_vmac vrrp7\n"
  "  vmac_xmit_base\n"
  "  dont_track_primary\n"
  "}\n"
  "vrrp_instance V4 {\n"
  "  interface eth0\n"
  "  virtual_router_id 8\n"
  "  version 2\n"
  "  advert_int 3\n"
  "  authentication { auth_type PASS\n"
  "    auth_pass secret }\n"
  "  virtual_ipaddress { 192.0.2.1/24 brd 192.0.2.255 scope 200 }\n"
  "  no_accept\n"
  "  nopreempt\n"
  "  preempt\n"
  "}\n"
  "vrrp_sync_group G {\n"
  "  group {\n"
  "    V6\n"
  "    V4\n"
  "  }\n"
  "  notify /bin/g.sh\n"
  "  notify_master /bin/gm.sh\n"
  "  notify_backup /bin/gb.sh\n"
  "  notify_fault /bin/gf.sh\n"
  "  notify_stop /bin/gs.sh\n"
  "  smtp_alert\n"
  "  track_script { chk }\n"
  "  track_interface { eth3 weight 2 }\n"
  "  track_file { tf }\n"
  "}\n";

static void
assert_addr (const VipdAddr *a, const char *expected)
{
  g_autofree char *s = vipd_addr_to_string (a);

  g_assert_cmpstr (s, ==, expected);
}

static VipdTrackRef *
ref (GPtrArray *refs, guint i)
{
  g_assert_cmpuint (i, <, refs->len);
  return g_ptr_array_index (refs, i);
}

static void
test_global_keywords (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (all_keywords, d);
  const VipdGlobalDefs *g = &c->global;

  assert_count (d, VIPD_DIAG_ERROR, 0);
  /* Every keyword is known; the one warning is about V6's address order (section 5.2.9). */
  assert_warning (d, 49, 5, "the first virtual_ipaddress of IPv6 instance \"V6\" is not link-local");
  assert_count (d, VIPD_DIAG_WARNING, 1);
  g_assert_cmpstr (g->router_id, ==, "r1");
  g_assert_cmpuint (g->notification_email->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (g->notification_email, 1), ==, "b@example.org");
  g_assert_cmpstr (g->notification_email_from, ==, "vipd@example.org");
  assert_addr (&g->smtp_server, "192.0.2.25");
  g_assert_cmpuint (g->smtp_port, ==, 2525);
  g_assert_cmpuint (g->smtp_connect_timeout_ms, ==, 20000);
  assert_addr (&g->mcast_group4, "224.0.0.99");
  assert_addr (&g->mcast_group6, "ff02::99");
  g_assert_true (g->skip_check_adv_addr);
  g_assert_false (g->strict);
  g_assert_cmpuint (g->garp_interval_ms, ==, 500);
  g_assert_cmpuint (g->gna_interval_ms, ==, 250);
  g_assert_cmpuint (g->vrrp_version, ==, 3);
  g_assert_cmpstr (g->script_user, ==, "nobody");
  g_assert_cmpstr (g->script_group, ==, "nogroup");
  g_assert_true (g->enable_script_security);
  g_assert_cmpstr (g->notify_fifo, ==, "/run/vipd.fifo");
  g_assert_cmpstr (g->notify_fifo_script, ==, "/usr/local/bin/fifo.sh arg");
  g_assert_cmpstr (g->vrrp_notify_fifo, ==, "/run/vrrp.fifo");
  g_assert_cmpuint (g->garp_master_delay_ms, ==, 3000);
  g_assert_cmpuint (g->garp_master_repeat, ==, 4);
  g_assert_cmpuint (g->garp_master_refresh_ms, ==, 60000);
  g_assert_cmpuint (g->garp_master_refresh_repeat, ==, 2);
}

static void
test_script_and_track_file_keywords (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (all_keywords, d);
  VipdScript *s = vipd_config_find_script (c, "chk");
  VipdTrackFile *tf = vipd_config_find_track_file (c, "tf");

  g_assert_nonnull (s);
  g_assert_cmpstr (s->script.command, ==, "/bin/check --fast");
  g_assert_cmpuint (s->interval_ms, ==, 2000);
  g_assert_cmpuint (s->timeout_ms, ==, 1500);
  g_assert_cmpint (s->weight, ==, -20);
  g_assert_true (s->reverse);
  g_assert_cmpuint (s->rise, ==, 3);
  g_assert_cmpuint (s->fall, ==, 4);
  g_assert_true (s->init_fail);
  g_assert_cmpstr (s->user, ==, "nobody");
  g_assert_cmpstr (s->group, ==, "nogroup");
  g_assert_cmpuint (s->loc.line, ==, 26);

  g_assert_nonnull (tf);
  g_assert_cmpstr (tf->file, ==, "/run/down");
  g_assert_cmpint (tf->weight, ==, -5);
  g_assert_true (tf->reverse);
  g_assert_true (tf->has_init);
  g_assert_cmpint (tf->init_value, ==, 7);
  g_assert_true (tf->overwrite);
}

static void
test_instance_keywords (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (all_keywords, d);
  VipdInstance *i = vipd_config_find_instance (c, "V6");
  VipdInstance *j = vipd_config_find_instance (c, "V4");
  VipdVip *v;

  g_assert_nonnull (i);
  g_assert_cmpint (i->state, ==, VIPD_CONFIG_STATE_MASTER);
  g_assert_cmpstr (i->interface, ==, "eth0");
  g_assert_cmpint (i->vrid, ==, 7);
  g_assert_cmpint (i->priority, ==, 200);
  g_assert_cmpuint (i->priority_loc.line, ==, 45);
  g_assert_cmpuint (i->priority_loc.col, ==, 12);
  g_assert_cmpuint (i->advert_int_ms, ==, 100);
  g_assert_cmpuint (i->version, ==, 3);
  g_assert_cmpint (i->family, ==, AF_INET6);
  g_assert_cmpuint (i->vips->len, ==, 1);
  v = g_ptr_array_index (i->vips, 0);
  assert_addr (&v->addr, "2001:db8::10");
  g_assert_cmpuint (v->prefix_len, ==, 64);
  g_assert_cmpstr (v->dev, ==, "eth1");
  g_assert_cmpint (v->scope, ==, 253);
  g_assert_cmpstr (v->label, ==, "eth1:6");
  g_assert_cmpuint (i->vips_excluded->len, ==, 1);
  assert_addr (&((VipdVip *) g_ptr_array_index (i->vips_excluded, 0))->addr, "192.0.2.99");
  g_assert_true (i->nopreempt);
  g_assert_cmpuint (i->preempt_delay_ms, ==, 2500);
  g_assert_cmpstr (ref (i->track_scripts, 0)->name, ==, "chk");
  g_assert_cmpint (ref (i->track_scripts, 0)->weight, ==, 5);
  g_assert_cmpstr (ref (i->track_interfaces, 0)->name, ==, "eth1");
  g_assert_cmpint (ref (i->track_interfaces, 0)->weight, ==, -30);
  g_assert_false (ref (i->track_interfaces, 1)->has_weight);
  g_assert_cmpstr (ref (i->track_files, 0)->name, ==, "tf");
  g_assert_cmpint (ref (i->track_files, 0)->weight, ==, 10);
  assert_addr (&i->unicast_src_ip, "2001:db8::1");
  g_assert_cmpuint (i->unicast_peers->len, ==, 2);
  assert_addr (&((VipdPeer *) g_ptr_array_index (i->unicast_peers, 1))->addr, "2001:db8::3");
  assert_addr (&i->mcast_src_ip, "2001:db8::1");
  g_assert_cmpuint (i->garp_master_delay_ms, ==, 1000);
  g_assert_cmpuint (i->garp_master_repeat, ==, 2);
  g_assert_cmpuint (i->garp_master_refresh_ms, ==, 30000);
  g_assert_cmpuint (i->garp_master_refresh_repeat, ==, 3);
  g_assert_cmpstr (i->notify.notify.command, ==, "/bin/notify.sh");
  g_assert_cmpstr (i->notify.master.command, ==, "/bin/master.sh up now");
  g_assert_cmpstr (i->notify.backup.command, ==, "/bin/backup.sh");
  g_assert_cmpstr (i->notify.fault.command, ==, "/bin/fault.sh");
  g_assert_cmpstr (i->notify.stop.command, ==, "/bin/stop.sh");
  g_assert_true (i->smtp_alert);
  g_assert_cmpint (i->accept, ==, VIPD_TRISTATE_YES);
  g_assert_true (i->use_vmac);
  g_assert_cmpstr (i->vmac_name, ==, "vrrp7");
  g_assert_true (i->vmac_xmit_base);
  g_assert_true (i->dont_track_primary);

  g_assert_nonnull (j);
  g_assert_cmpint (j->state, ==, VIPD_CONFIG_STATE_BACKUP);
  g_assert_cmpint (j->priority, ==, 100);
  g_assert_cmpuint (j->version, ==, 2);
  g_assert_cmpuint (j->advert_int_ms, ==, 3000);
  g_assert_cmpint (j->auth_type, ==, VIPD_AUTH_PASS);
  g_assert_cmpstr (j->auth_pass, ==, "secret");
  v = g_ptr_array_index (j->vips, 0);
  assert_addr (&v->brd, "192.0.2.255");
  g_assert_cmpint (v->scope, ==, 200);
  g_assert_cmpint (j->accept, ==, VIPD_TRISTATE_NO);
  g_assert_false (j->nopreempt);
  /* Not written in the instance: inherited from global_defs. */
  g_assert_cmpuint (j->garp_master_delay_ms, ==, 3000);
}

static void
test_sync_group_keywords (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (all_keywords, d);
  VipdSyncGroup *g = vipd_config_find_sync_group (c, "G");

  g_assert_nonnull (g);
  g_assert_cmpuint (g->members->len, ==, 2);
  g_assert_cmpstr (ref (g->members, 0)->name, ==, "V6");
  g_assert_cmpstr (ref (g->members, 1)->name, ==, "V4");
  g_assert_cmpstr (g->notify.notify.command, ==, "/bin/g.sh");
  g_assert_cmpstr (g->notify.master.command, ==, "/bin/gm.sh");
  g_assert_cmpstr (g->notify.backup.command, ==, "/bin/gb.sh");
  g_assert_cmpstr (g->notify.fault.command, ==, "/bin/gf.sh");
  g_assert_cmpstr (g->notify.stop.command, ==, "/bin/gs.sh");
  g_assert_true (g->smtp_alert);
  g_assert_cmpstr (ref (g->track_scripts, 0)->name, ==, "chk");
  g_assert_cmpint (ref (g->track_interfaces, 0)->weight, ==, 2);
  g_assert_cmpstr (ref (g->track_files, 0)->name, ==, "tf");
}

/* Every section and the values that differ from the defaults show up in the dump. */
static void
test_dump_all_sections (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (all_keywords, d);
  g_autofree char *text = vipd_config_dump (c);
  static const char *const expected[] = {
    "# file test.conf\n",
    "  smtp_server 192.0.2.25 2525\n",
    "  vrrp_gna_interval 0.25\n",
    "  script_user nobody nogroup\n",
    "vrrp_script chk {\n  script \"/bin/check --fast\"\n  interval 2\n  timeout 1.5\n"
    "  weight -20 reverse\n",
    "vrrp_track_file tf {\n  file /run/down\n  weight -5 reverse\n  init_file 7 overwrite\n}\n",
    "vrrp_sync_group G {\n  group {\n    V6\n    V4\n  }\n",
    "  track_interface {\n    eth3 weight 2\n  }\n",
    "vrrp_instance V6 {\n  state MASTER\n  interface eth0\n  virtual_router_id 7\n"
    "  priority 200\n  advert_int 0.1\n  version 3\n  family ipv6\n",
    "    2001:db8::10/64 dev eth1 scope 253 label eth1:6\n",
    "  track_interface {\n    eth1 weight -30\n    eth2\n  }\n",
    "  unicast_peer {\n    2001:db8::2\n    2001:db8::3\n  }\n",
    "  notify_master \"/bin/master.sh up now\"\n",
    "  preempt no\n  preempt_delay 2.5\n",
    "    192.0.2.1/24 brd 192.0.2.255 scope 200\n",
    "    auth_pass ******\n",
    "  use_vmac vrrp7\n  vmac_xmit_base\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (strstr (text, expected[i]) == NULL)
      g_error ("dump lacks \"%s\":\n%s", expected[i], text);
  g_assert_null (strstr (text, "secret"));
}

static const char minimal_tail[] = "  interface eth0\n"
                                   "  virtual_router_id 1\n"
                                   "  virtual_ipaddress {\n"
                                   "    192.0.2.1\n"
                                   "  }\n"
                                   "}\n";

static VipdConfig *
parse_instance (const char *head, VipdDiagList *d)
{
  g_autofree char *text = g_strconcat ("vrrp_instance VI {\n", head, minimal_tail, NULL);

  return parse_text (text, d);
}

static void
test_lexer_braces_and_comments (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (
      "vrrp_instance VI # trailing comment { not a brace\n"
      "{\n"
      "  interface eth0 ! another comment\n"
      "  virtual_router_id 9\n"
      "  virtual_ipaddress { 192.0.2.1/24 192.0.2.2 }\n"
      "  notify_master \"/bin/x # not a comment ! nor this\"\n"
      "  track_interface {eth1 weight 3}}\n",
      d);
  VipdInstance *i;

  assert_count (d, VIPD_DIAG_ERROR, 0);
  i = vipd_config_find_instance (c, "VI");
  g_assert_nonnull (i);
  g_assert_cmpint (i->vrid, ==, 9);
  /* "192.0.2.2" on the same line is an option word, not an address. */
  assert_warning (d, 5, 36, "unknown virtual_ipaddress option \"192.0.2.2\"");
  g_assert_cmpuint (i->vips->len, ==, 1);
  g_assert_cmpstr (i->notify.master.command, ==, "/bin/x # not a comment ! nor this");
  g_assert_cmpstr (ref (i->track_interfaces, 0)->name, ==, "eth1");
  g_assert_cmpint (ref (i->track_interfaces, 0)->weight, ==, 3);
}

static void
test_unterminated_string (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("vrrp_script s {\n"
                                         "  script \"/bin/true\n"
                                         "}\n",
                                         d);

  g_assert_nonnull (c);
  assert_error (d, 2, 10, "unterminated string");
}

static void
test_unbalanced_braces (void)
{
  g_autoptr (VipdDiagList) d1 = vipd_diag_list_new ();
  g_autoptr (VipdDiagList) d2 = vipd_diag_list_new ();
  g_autoptr (VipdDiagList) d3 = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c1 = parse_text ("global_defs {\n  router_id a\n}\n}\n", d1);
  g_autoptr (VipdConfig) c2 = parse_text ("global_defs {\n  router_id a\n\nvrrp_script s {\n", d2);
  g_autoptr (VipdConfig) c3 = parse_text ("global_defs {\n  router_id a\n  { x }\n}\n{ y }\n", d3);

  g_assert_nonnull (c2);
  g_assert_nonnull (c3);
  assert_error (d1, 4, 1, "unexpected '}'");
  g_assert_cmpstr (c1->global.router_id, ==, "a");
  /* Both open blocks are reported, each at its own '{'. */
  assert_error (d2, 1, 13, "never closed (end of file at line 5)");
  assert_error (d2, 4, 15, "never closed");
  /* A brace on the next line opens the previous statement's block, as in keepalived... */
  assert_warning (d3, 3, 3, "\"router_id\" does not take a block");
  /* ...but after a complete block it belongs to nobody. */
  assert_error (d3, 5, 1, "'{' without a keyword");
}

static void
test_unknown_keyword_suggestion (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_instance ("  priorty 150\n"
                                             "  no_such_thing {\n"
                                             "    priority abc\n"
                                             "  }\n",
                                             d);
  g_autofree char *text = vipd_diag_format (g_ptr_array_index (d->items, 0));

  assert_warning (d, 2, 3, "unknown keyword \"priorty\" in vrrp_instance — did you mean \"priority\"?");
  g_assert_cmpstr (text, ==,
                   "test.conf:2:3: warning: unknown keyword \"priorty\" in vrrp_instance — did "
                   "you mean \"priority\"?");
  assert_warning (d, 3, 3, "unknown keyword \"no_such_thing\" in vrrp_instance, ignored with its block");
  /* The skipped block is not interpreted: its bad priority raises nothing. */
  assert_count (d, VIPD_DIAG_ERROR, 0);
  g_assert_cmpint (((VipdInstance *) g_ptr_array_index (c->instances, 0))->priority, ==, 100);
}

static void
test_suggest (void)
{
  const char *const words[] = { "priority", "preempt", "preempt_delay", "vrrp_mcast_group4", NULL };

  g_assert_cmpstr (vipd_suggest ("priorty", words), ==, "priority");
  g_assert_cmpstr (vipd_suggest ("prempt", words), ==, "preempt");
  g_assert_cmpstr (vipd_suggest ("vrrp_mcast", words), ==, "vrrp_mcast_group4");
  g_assert_null (vipd_suggest ("interface", words));
  g_assert_null (vipd_suggest ("ab", words));
}

static void
test_unsupported_blocks (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("static_routes {\n"
                                         "  192.0.2.0/24 via 198.51.100.1\n"
                                         "}\n"
                                         "global_defs {\n"
                                         "  lvs_id LVS1\n"
                                         "}\n",
                                         d);

  g_assert_nonnull (c);
  assert_count (d, VIPD_DIAG_ERROR, 0);
  assert_count (d, VIPD_DIAG_WARNING, 2);
  assert_warning (d, 1, 1, "\"static_routes\" is not supported yet, ignored");
  assert_warning (d, 5, 3, "\"lvs_id\" is not supported yet, ignored");
}

static void
test_argument_errors (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_instance ("  state SLAVE\n"
                                             "  interface\n"
                                             "  priority 10 20\n"
                                             "  smtp_alert {\n"
                                             "  }\n",
                                             d);

  g_assert_nonnull (c);
  assert_error (d, 2, 9, "state \"SLAVE\" is not a state: write MASTER or BACKUP");
  assert_error (d, 3, 3, "\"interface\" needs 1 argument, got 0");
  assert_warning (d, 4, 15, "extra argument \"20\" after \"priority\" ignored");
  assert_warning (d, 5, 14, "\"smtp_alert\" does not take a block");
}

static void
test_vip_syntax_errors (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("vrrp_instance VI {\n"
                                         "  interface eth0\n"
                                         "  virtual_router_id 1\n"
                                         "  virtual_ipaddress {\n"
                                         "    192.0.2.1/33\n"
                                         "    192.0.2.2 scope galaxy\n"
                                         "    192.0.2.3 brd 2001:db8::1\n"
                                         "    192.0.2.4 dev\n"
                                         "  }\n"
                                         "}\n",
                                         d);

  g_assert_nonnull (c);
  assert_error (d, 5, 5, "\"192.0.2.1/33\" is not an address");
  assert_error (d, 6, 21, "scope \"galaxy\" is unknown");
  assert_error (d, 7, 19, "brd \"2001:db8::1\" is not an address of the same family");
  assert_error (d, 8, 15, "\"dev\" needs a value");
}

static void
test_seconds_parsing (void)
{
  guint ms = 0;

  g_assert_true (vipd_parse_seconds_ms ("0.1", 1000000, &ms));
  g_assert_cmpuint (ms, ==, 100);
  g_assert_true (vipd_parse_seconds_ms ("40.95", 1000000, &ms));
  g_assert_cmpuint (ms, ==, 40950);
  g_assert_true (vipd_parse_seconds_ms (".5", 1000000, &ms));
  g_assert_cmpuint (ms, ==, 500);
  g_assert_true (vipd_parse_seconds_ms ("1.2500", 1000000, &ms));
  g_assert_cmpuint (ms, ==, 1250);
  g_assert_false (vipd_parse_seconds_ms ("0.0001", 1000000, &ms));
  g_assert_false (vipd_parse_seconds_ms ("1s", 1000000, &ms));
  g_assert_false (vipd_parse_seconds_ms ("-1", 1000000, &ms));
  g_assert_false (vipd_parse_seconds_ms ("", 1000000, &ms));
  g_assert_false (vipd_parse_seconds_ms ("99999999999999999999", 1000000, &ms));
  g_assert_false (vipd_parse_seconds_ms ("1001", 1000000, &ms));
}

/* keepalived's vrrp_rt_priority: SCHED_RR priority 1-99. */
static void
test_rt_priority (void)
{
  g_autoptr (VipdDiagList) ok = vipd_diag_list_new ();
  g_autoptr (VipdDiagList) bad = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c1 = parse_text ("global_defs {\n  vrrp_rt_priority 50\n}\n", ok);
  g_autoptr (VipdConfig) c2 = parse_text ("global_defs {\n  vrrp_rt_priority 100\n}\n", bad);
  g_autofree char *dump = vipd_config_dump (c1);

  assert_count (ok, VIPD_DIAG_ERROR, 0);
  assert_count (ok, VIPD_DIAG_WARNING, 0);
  g_assert_cmpuint (c1->global.rt_priority, ==, 50);
  g_assert_nonnull (strstr (dump, "vrrp_rt_priority 50"));
  assert_error (bad, 2, 20, "from 1 to 99");
  g_assert_cmpuint (c2->global.rt_priority, ==, 0);
}

/* track_nm_connectivity: the level, the optional weight, errors at file:line, the dump. */
static void
test_track_nm_connectivity (void)
{
  static const struct
  {
    const char *line;
    VipdNmConnectivity level;
    int weight;
  } good[] = {
    { "  track_nm_connectivity full\n", VIPD_NM_CONNECTIVITY_FULL, 0 },
    { "  track_nm_connectivity limited weight -20\n", VIPD_NM_CONNECTIVITY_LIMITED, -20 },
    { "  track_nm_connectivity portal weight 5\n", VIPD_NM_CONNECTIVITY_PORTAL, 5 },
  };
  static const struct
  {
    const char *line;
    guint col;
    const char *needle;
  } bad[] = {
    { "  track_nm_connectivity fulll\n", 25, "did you mean \"full\"?" },
    { "  track_nm_connectivity online\n", 25, "write full, limited or portal" },
    { "  track_nm_connectivity full -20\n", 30, "expected \"weight <-253..253>\"" },
    { "  track_nm_connectivity full weight\n", 30, "expected \"weight <-253..253>\"" },
    { "  track_nm_connectivity full weight 300\n", 37, "-253" },
    { "  track_nm_connectivity\n", 3, "track_nm_connectivity" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
      g_autoptr (VipdConfig) c = parse_instance (good[i].line, d);
      const VipdInstance *inst = g_ptr_array_index (c->instances, 0);
      g_autofree char *dump = vipd_config_dump (c);

      assert_count (d, VIPD_DIAG_ERROR, 0);
      g_assert_cmpint (inst->nm_connectivity, ==, good[i].level);
      g_assert_cmpint (inst->nm_connectivity_weight, ==, good[i].weight);
      g_assert_cmpuint (inst->nm_connectivity_loc.line, ==, 2);
      if (strstr (dump, good[i].line) == NULL)
        g_error ("dump lacks \"%s\":\n%s", good[i].line, dump);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
      g_autoptr (VipdConfig) c = parse_instance (bad[i].line, d);
      const VipdInstance *inst = g_ptr_array_index (c->instances, 0);

      assert_error (d, 2, bad[i].col, bad[i].needle);
      g_assert_cmpint (inst->nm_connectivity, ==, VIPD_NM_CONNECTIVITY_UNSET);
    }
  {
    g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
    g_autoptr (VipdConfig) c = parse_instance ("", d);
    g_autofree char *dump = vipd_config_dump (c);

    g_assert_null (strstr (dump, "track_nm_connectivity"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/syntax/global-keywords", test_global_keywords);
  g_test_add_func ("/config/syntax/rt-priority", test_rt_priority);
  g_test_add_func ("/config/syntax/script-track-file-keywords", test_script_and_track_file_keywords);
  g_test_add_func ("/config/syntax/instance-keywords", test_instance_keywords);
  g_test_add_func ("/config/syntax/sync-group-keywords", test_sync_group_keywords);
  g_test_add_func ("/config/syntax/dump-all-sections", test_dump_all_sections);
  g_test_add_func ("/config/syntax/braces-and-comments", test_lexer_braces_and_comments);
  g_test_add_func ("/config/syntax/unterminated-string", test_unterminated_string);
  g_test_add_func ("/config/syntax/unbalanced-braces", test_unbalanced_braces);
  g_test_add_func ("/config/syntax/unknown-keyword", test_unknown_keyword_suggestion);
  g_test_add_func ("/config/syntax/suggest", test_suggest);
  g_test_add_func ("/config/syntax/unsupported-blocks", test_unsupported_blocks);
  g_test_add_func ("/config/syntax/argument-errors", test_argument_errors);
  g_test_add_func ("/config/syntax/vip-errors", test_vip_syntax_errors);
  g_test_add_func ("/config/syntax/seconds", test_seconds_parsing);
  g_test_add_func ("/config/syntax/track-nm-connectivity", test_track_nm_connectivity);
  return g_test_run ();
}
