/* Validation: each semantic error or warning, at the line that causes it. */
#include "config-test-util.h"

#include <sys/socket.h>

/* Builds "vrrp_instance NAME {" + body + "}" lines; body lines start at line 2. */
static char *
instance (const char *name, const char *body)
{
  return g_strdup_printf ("vrrp_instance %s {\n%s}\n", name, body);
}

static void
test_vrid_and_priority_ranges (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autofree char *text = instance ("VI", "  interface eth0\n"
                                          "  virtual_router_id 256\n"
                                          "  priority 0\n"
                                          "  virtual_ipaddress {\n"
                                          "    192.0.2.1\n"
                                          "  }\n");
  g_autoptr (VipdConfig) c = parse_text (text, d);

  g_assert_nonnull (c);
  assert_error (d, 3, 21, "virtual_router_id 256 is out of range: write 1 to 255");
  assert_error (d, 4, 12, "priority 0 is out of range");
  assert_count (d, VIPD_DIAG_ERROR, 2);
}

static void
test_numbers_that_do_not_parse (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autofree char *text = instance ("VI", "  interface eth0\n"
                                          "  virtual_router_id 1x\n"
                                          "  priority abc\n"
                                          "  advert_int 1..5\n"
                                          "  virtual_ipaddress {\n"
                                          "    192.0.2.1\n"
                                          "  }\n");
  g_autoptr (VipdConfig) c = parse_text (text, d);

  g_assert_nonnull (c);
  assert_error (d, 3, 21, "virtual_router_id \"1x\" is not a number");
  assert_error (d, 4, 12, "priority \"abc\" is not a number");
  assert_error (d, 5, 14, "advert_int \"1..5\" is not a duration");
  /* The bad VRID is not also reported as missing. */
  assert_count (d, VIPD_DIAG_ERROR, 3);
}

static void
test_missing_interface_and_vrid (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("\n"
                                         "vrrp_instance VI {\n"
                                         "  virtual_ipaddress {\n"
                                         "    192.0.2.1\n"
                                         "  }\n"
                                         "}\n",
                                         d);

  g_assert_nonnull (c);
  assert_error (d, 2, 1, "instance \"VI\" has no interface: add \"interface <ifname>\"");
  assert_error (d, 2, 1, "has no virtual_router_id");
}

static const char vip4[] = "  virtual_ipaddress {\n    192.0.2.1\n  }\n";

static void
test_duplicates (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autofree char *body = g_strdup_printf ("  interface eth0\n  virtual_router_id 5\n%s", vip4);
  g_autofree char *a = instance ("A", body);
  g_autofree char *b = instance ("B", body);
  g_autofree char *a2 = instance ("A", "  interface eth1\n  virtual_router_id 6\n"
                                       "  virtual_ipaddress {\n    192.0.2.9\n  }\n");
  g_autofree char *text = g_strconcat (a, b, a2, NULL);
  g_autoptr (VipdConfig) c = parse_text (text, d);

  g_assert_nonnull (c);
  /* B starts at line 8, its VRID value at 10:21; the second A at line 15. */
  assert_error (d, 10, 21, "instances \"A\" and \"B\" (test.conf:1) both use virtual_router_id 5 on eth0");
  assert_error (d, 15, 1, "vrrp_instance \"A\" is already defined at test.conf:1");
  assert_count (d, VIPD_DIAG_ERROR, 2);
}

static void
test_same_vrid_other_family_is_fine (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autofree char *a = instance ("A", "  interface eth0\n  virtual_router_id 5\n"
                                      "  virtual_ipaddress {\n    192.0.2.1\n  }\n");
  g_autofree char *b = instance ("B", "  interface eth0\n  virtual_router_id 5\n  version 3\n"
                                      "  virtual_ipaddress {\n    2001:db8::1\n  }\n");
  g_autofree char *text = g_strconcat (a, b, NULL);
  g_autoptr (VipdConfig) c = parse_text (text, d);

  assert_count (d, VIPD_DIAG_ERROR, 0);
  g_assert_cmpint (((VipdInstance *) g_ptr_array_index (c->instances, 1))->family, ==, AF_INET6);
}

static void
test_ipv6_needs_v3_and_no_mixing (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autofree char *text = instance ("VI", "  interface eth0\n"
                                          "  virtual_router_id 1\n"
                                          "  virtual_ipaddress {\n"
                                          "    2001:db8::1/64\n"
                                          "    192.0.2.1/24\n"
                                          "  }\n");
  g_autoptr (VipdConfig) c = parse_text (text, d);

  g_assert_nonnull (c);
  assert_error (d, 4, 3, "has IPv6 addresses, which need VRRPv3: add \"version 3\"");
  assert_error (d, 6, 5, "mixes IPv4 and IPv6 (192.0.2.1): one instance advertises one family; "
                         "move the IPv4 addresses to virtual_ipaddress_excluded");
}

static void
test_auth_rules (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autofree char *v3 = instance ("V3", "  interface eth0\n"
                                        "  virtual_router_id 1\n"
                                        "  version 3\n"
                                        "  authentication {\n"
                                        "    auth_type PASS\n"
                                        "    auth_pass 123456789\n"
                                        "  }\n"
                                        "  virtual_ipaddress {\n    192.0.2.1\n  }\n");
  g_autoptr (VipdConfig) c = parse_text (v3, d);
  VipdInstance *i = g_ptr_array_index (c->instances, 0);

  assert_warning (d, 7, 15, "auth_pass is longer than 8 characters; only the first 8 are used");
  assert_warning (d, 5, 3, "authentication ignored with VRRPv3");
  assert_count (d, VIPD_DIAG_ERROR, 0);
  g_assert_cmpint (i->auth_type, ==, VIPD_AUTH_NONE);
  g_assert_null (i->auth_pass);
}

static void
test_auth_truncated_v2 (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autofree char *v2 = instance ("V2", "  interface eth0\n"
                                        "  virtual_router_id 1\n"
                                        "  authentication {\n"
                                        "    auth_type AH\n"
                                        "    auth_pass 123456789\n"
                                        "  }\n"
                                        "  virtual_ipaddress {\n    192.0.2.1\n  }\n");
  g_autoptr (VipdConfig) c = parse_text (v2, d);
  VipdInstance *i = g_ptr_array_index (c->instances, 0);

  /* The truncated password, and AH not being implemented. */
  assert_count (d, VIPD_DIAG_WARNING, 2);
  g_assert_cmpint (i->auth_type, ==, VIPD_AUTH_AH);
  g_assert_cmpstr (i->auth_pass, ==, "12345678");
}

static void
test_strict_rules (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autofree char *inst = instance ("VI", "  interface eth0\n"
                                          "  virtual_router_id 1\n"
                                          "  authentication {\n"
                                          "    auth_type PASS\n"
                                          "    auth_pass 1111\n"
                                          "  }\n");
  g_autofree char *text = g_strconcat ("global_defs {\n  vrrp_strict\n}\n", inst, NULL);
  g_autoptr (VipdConfig) c = parse_text (text, d);
  VipdInstance *i = g_ptr_array_index (c->instances, 0);

  assert_warning (d, 7, 3, "authentication ignored: vrrp_strict forbids it (RFC 5798 removed authentication)");
  assert_error (d, 4, 1, "has no virtual_ipaddress, which vrrp_strict forbids");
  assert_count (d, VIPD_DIAG_ERROR, 1);
  g_assert_cmpint (i->auth_type, ==, VIPD_AUTH_NONE);
}

static void
test_no_vip_is_a_warning (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("vrrp_instance VI {\n  interface eth0\n"
                                         "  virtual_router_id 1\n}\n",
                                         d);

  g_assert_nonnull (c);
  assert_count (d, VIPD_DIAG_ERROR, 0);
  assert_warning (d, 1, 1, "instance \"VI\" has no virtual_ipaddress");
}

static void
test_advert_int_ranges (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autofree char *a = instance ("A", "  interface eth0\n  virtual_router_id 1\n"
                                      "  advert_int 0.5\n");
  g_autofree char *b = instance ("B", "  interface eth0\n  virtual_router_id 2\n"
                                      "  advert_int 256\n");
  g_autofree char *c3 = instance ("C", "  interface eth0\n  virtual_router_id 3\n"
                                       "  version 3\n  advert_int 0.015\n");
  g_autofree char *d3 = instance ("D", "  interface eth0\n  virtual_router_id 4\n"
                                       "  version 3\n  advert_int 41\n");
  g_autofree char *e3 = instance ("E", "  interface eth0\n  virtual_router_id 5\n"
                                       "  version 3\n  advert_int 0.01\n");
  g_autofree char *text = g_strconcat (a, b, c3, d3, e3, NULL);
  g_autoptr (VipdConfig) c = parse_text (text, d);

  assert_error (d, 4, 14, "advert_int 0.500: VRRPv2 counts whole seconds; use an integer, or "
                          "\"version 3\" for sub-second intervals");
  assert_error (d, 9, 14, "advert_int 256 is out of range: VRRPv2 allows 1 to 255 seconds");
  assert_error (d, 15, 14, "advert_int 0.015 is not valid for VRRPv3");
  assert_error (d, 21, 14, "advert_int 41.000 is not valid for VRRPv3");
  assert_count (d, VIPD_DIAG_ERROR, 4);
  g_assert_cmpuint (vipd_config_find_instance (c, "E")->advert_int_ms, ==, 10);
}

static void
test_version_values (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("global_defs {\n  vrrp_version 1\n}\n"
                                         "vrrp_instance VI {\n  version 4\n}\n",
                                         d);

  g_assert_nonnull (c);
  assert_error (d, 2, 16, "vrrp_version \"1\" is not a VRRP version: write 2 or 3");
  assert_error (d, 5, 11, "version \"4\" is not a VRRP version");
}

static void
test_undefined_references (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("vrrp_script chk {\n  script /bin/true\n}\n"
                                         "vrrp_instance VI {\n"
                                         "  interface eth0\n"
                                         "  virtual_router_id 1\n"
                                         "  virtual_ipaddress {\n    192.0.2.1\n  }\n"
                                         "  track_script {\n"
                                         "    chk\n"
                                         "    chk_missing weight 2\n"
                                         "  }\n"
                                         "  track_file {\n"
                                         "    nofile\n"
                                         "  }\n"
                                         "}\n"
                                         "vrrp_sync_group G1 {\n"
                                         "  group {\n"
                                         "    VI VX\n"
                                         "  }\n"
                                         "}\n"
                                         "vrrp_sync_group G2 {\n"
                                         "  group {\n"
                                         "    VI\n"
                                         "  }\n"
                                         "}\n",
                                         d);

  g_assert_nonnull (c);
  assert_error (d, 12, 5, "track_script \"chk_missing\" is not defined");
  assert_error (d, 15, 5, "track_file \"nofile\" is not defined");
  assert_error (d, 20, 8, "sync group member vrrp_instance \"VX\" is not defined");
  assert_error (d, 25, 5, "instance \"VI\" is already in vrrp_sync_group \"G1\"");
  assert_count (d, VIPD_DIAG_ERROR, 4);
}

static void
test_unicast_family (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autofree char *text = instance ("VI", "  interface eth0\n"
                                          "  virtual_router_id 1\n"
                                          "  virtual_ipaddress {\n    192.0.2.1\n  }\n"
                                          "  unicast_peer {\n"
                                          "    192.0.2.7\n"
                                          "    2001:db8::7\n"
                                          "  }\n");
  g_autoptr (VipdConfig) c = parse_text (text, d);

  g_assert_nonnull (c);
  assert_error (d, 9, 5, "unicast_peer is IPv6 but instance \"VI\" is IPv4");
  assert_count (d, VIPD_DIAG_ERROR, 1);
}

static void
test_missing_script_body (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("vrrp_script s {\n  interval 1\n}\n"
                                         "vrrp_track_file f {\n}\n",
                                         d);

  g_assert_nonnull (c);
  assert_error (d, 1, 1, "vrrp_script \"s\" has no script");
  assert_error (d, 4, 1, "vrrp_track_file \"f\" has no file");
}

/* RFC 5798/9568 section 5.2.9: an IPv6 advert lists the virtual link-local address first. */
static void
test_ipv6_first_link_local (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("vrrp_instance GLOBAL_FIRST {\n"
                                         "  interface eth0\n"
                                         "  virtual_router_id 1\n"
                                         "  version 3\n"
                                         "  virtual_ipaddress {\n"
                                         "    2001:db8::1/64\n"
                                         "    fe80::1/64\n"
                                         "  }\n"
                                         "}\n"
                                         "vrrp_instance LL_FIRST {\n"
                                         "  interface eth0\n"
                                         "  virtual_router_id 2\n"
                                         "  version 3\n"
                                         "  virtual_ipaddress {\n"
                                         "    fe80::2/64\n"
                                         "    2001:db8::2/64\n"
                                         "  }\n"
                                         "}\n",
                                         d);

  g_assert_nonnull (c);
  assert_count (d, VIPD_DIAG_ERROR, 0);
  assert_warning (d, 6, 5,
                  "the first virtual_ipaddress of IPv6 instance \"GLOBAL_FIRST\" is not link-local");
  assert_count (d, VIPD_DIAG_WARNING, 1);
}

static void
test_vmac_defaults (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autofree char *v4 = instance ("V4", "  interface eth0\n"
                                        "  virtual_router_id 7\n"
                                        "  use_vmac\n"
                                        "  virtual_ipaddress {\n"
                                        "    192.0.2.1/24\n"
                                        "  }\n");
  g_autofree char *v6 = instance ("V6", "  interface eth0\n"
                                        "  virtual_router_id 7\n"
                                        "  version 3\n"
                                        "  use_vmac\n"
                                        "  vmac_xmit_base\n"
                                        "  virtual_ipaddress {\n"
                                        "    fe80::7\n"
                                        "  }\n");
  g_autofree char *plain = instance ("P", "  interface eth1\n"
                                          "  virtual_router_id 8\n"
                                          "  virtual_ipaddress {\n"
                                          "    192.0.2.2\n"
                                          "  }\n");
  g_autofree char *text = g_strconcat (v4, v6, plain, NULL);
  g_autoptr (VipdConfig) c = parse_text (text, d);
  const VipdInstance *i4 = g_ptr_array_index (c->instances, 0);
  const VipdInstance *i6 = g_ptr_array_index (c->instances, 1);
  const VipdInstance *ip = g_ptr_array_index (c->instances, 2);

  assert_count (d, VIPD_DIAG_ERROR, 0);
  assert_count (d, VIPD_DIAG_WARNING, 0);
  /* One macvlan per virtual MAC: 00:00:5e:00:01:07 and 00:00:5e:00:02:07 need two, named as
   * keepalived 2.2.7 names them. */
  g_assert_cmpstr (i4->vmac_name, ==, "vrrp.7");
  g_assert_cmpstr (i6->vmac_name, ==, "vrrp1.7");
  g_assert_cmpstr (vipd_instance_vip_interface (i4), ==, "vrrp.7");
  g_assert_cmpstr (vipd_instance_xmit_interface (i4), ==, "vrrp.7");
  g_assert_cmpstr (vipd_instance_vip_interface (i6), ==, "vrrp1.7");
  g_assert_cmpstr (vipd_instance_xmit_interface (i6), ==, "eth0");
  g_assert_cmpstr (vipd_instance_vip_interface (ip), ==, "eth1");
  g_assert_cmpstr (vipd_instance_xmit_interface (ip), ==, "eth1");
}

static void
test_vmac_errors (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (
      "vrrp_instance A {\n"
      "  interface eth0\n"
      "  virtual_router_id 1\n"
      "  use_vmac vmac-name-too-long\n"
      "  virtual_ipaddress {\n    192.0.2.1\n  }\n"
      "}\n"
      "vrrp_instance B {\n"
      "  interface eth0\n"
      "  virtual_router_id 2\n"
      "  use_vmac eth0\n"
      "  virtual_ipaddress {\n    192.0.2.2\n  }\n"
      "}\n"
      "vrrp_instance C {\n"
      "  interface eth0\n"
      "  virtual_router_id 3\n"
      "  use_vmac vm3\n"
      "  virtual_ipaddress {\n    192.0.2.3\n  }\n"
      "}\n"
      "vrrp_instance D {\n"
      "  interface eth1\n"
      "  virtual_router_id 4\n"
      "  use_vmac vm3\n"
      "  virtual_ipaddress {\n    192.0.2.4\n  }\n"
      "}\n"
      "vrrp_instance E {\n"
      "  interface vm5\n"
      "  virtual_router_id 5\n"
      "  vmac_xmit_base\n"
      "  virtual_ipaddress {\n    192.0.2.5\n  }\n"
      "}\n"
      "vrrp_instance F {\n"
      "  interface eth0\n"
      "  virtual_router_id 6\n"
      "  use_vmac vm5\n"
      "  virtual_ipaddress {\n    192.0.2.6\n  }\n"
      "}\n"
      "vrrp_instance G {\n"
      "  interface eth0\n"
      "  virtual_router_id 7\n"
      "  use_vmac a/b\n"
      "  virtual_ipaddress {\n    192.0.2.7\n  }\n"
      "}\n",
      d);

  g_assert_nonnull (c);
  assert_error (d, 4, 12, "use_vmac name \"vmac-name-too-long\" is longer than 15 characters");
  assert_error (d, 12, 12, "use_vmac name \"eth0\" is the instance's own interface");
  assert_error (d, 28, 12, "use_vmac name \"vm3\" is already the macvlan of instance \"C\"");
  assert_warning (d, 36, 3, "vmac_xmit_base without use_vmac ignored");
  assert_error (d, 44, 12, "use_vmac name \"vm5\" is the interface of instance \"E\"");
  assert_error (d, 52, 12,
                "use_vmac name \"a/b\" has a character that interface names cannot have");
  assert_count (d, VIPD_DIAG_ERROR, 5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/validate/ranges", test_vrid_and_priority_ranges);
  g_test_add_func ("/config/validate/bad-numbers", test_numbers_that_do_not_parse);
  g_test_add_func ("/config/validate/missing-interface-vrid", test_missing_interface_and_vrid);
  g_test_add_func ("/config/validate/duplicates", test_duplicates);
  g_test_add_func ("/config/validate/vrid-per-family", test_same_vrid_other_family_is_fine);
  g_test_add_func ("/config/validate/ipv6-and-mixing", test_ipv6_needs_v3_and_no_mixing);
  g_test_add_func ("/config/validate/auth-v3", test_auth_rules);
  g_test_add_func ("/config/validate/auth-v2", test_auth_truncated_v2);
  g_test_add_func ("/config/validate/strict", test_strict_rules);
  g_test_add_func ("/config/validate/no-vip", test_no_vip_is_a_warning);
  g_test_add_func ("/config/validate/advert-int", test_advert_int_ranges);
  g_test_add_func ("/config/validate/version", test_version_values);
  g_test_add_func ("/config/validate/references", test_undefined_references);
  g_test_add_func ("/config/validate/unicast-family", test_unicast_family);
  g_test_add_func ("/config/validate/missing-script", test_missing_script_body);
  g_test_add_func ("/config/validate/ipv6-first-link-local", test_ipv6_first_link_local);
  g_test_add_func ("/config/validate/vmac-defaults", test_vmac_defaults);
  g_test_add_func ("/config/validate/vmac-errors", test_vmac_errors);
  return g_test_run ();
}
