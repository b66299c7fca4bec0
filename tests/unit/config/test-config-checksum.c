/* The VRRPv3/IPv4 checksum switch: keepalived's v3_checksum_as_v2 and vipd's v3_checksum_strict,
 * in global_defs (the default) and per instance (the override), their values, errors, warnings
 * and dump.
 *
 * Conformance: RFC5798-5.2.8-CSUM-V4-FORMS, RFC9568-5.2.8-CSUM-V4-MSG */
#include "config-test-util.h"

#include <string.h>
#include <sys/socket.h>

static VipdInstance *
nth (VipdConfig *c, guint i)
{
  g_assert_cmpuint (c->instances->len, >, i);
  return g_ptr_array_index (c->instances, i);
}

static void
test_defaults (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("vrrp_instance A {\n"
                                         "  interface eth0\n"
                                         "  virtual_router_id 1\n"
                                         "  version 3\n"
                                         "  virtual_ipaddress {\n    192.0.2.1\n  }\n"
                                         "}\n",
                                         d);

  g_assert_nonnull (c);
  assert_count (d, VIPD_DIAG_ERROR, 0);
  assert_count (d, VIPD_DIAG_WARNING, 0);
  g_assert_false (c->global.v3_checksum_as_v2);
  g_assert_false (c->global.v3_checksum_strict);
  /* Sends the pseudo-header form and accepts both: keepalived's and FRR's defaults. */
  g_assert_cmpint (nth (c, 0)->v3_checksum_as_v2, ==, VIPD_TRISTATE_NO);
  g_assert_cmpint (nth (c, 0)->v3_checksum_strict, ==, VIPD_TRISTATE_NO);
}

static void
test_global_and_override (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("global_defs {\n"
                                         "  v3_checksum_as_v2\n"
                                         "  v3_checksum_strict on\n"
                                         "}\n"
                                         "vrrp_instance INHERIT {\n"
                                         "  interface eth0\n"
                                         "  virtual_router_id 1\n"
                                         "  version 3\n"
                                         "  virtual_ipaddress {\n    192.0.2.1\n  }\n"
                                         "}\n"
                                         "vrrp_instance OVERRIDE {\n"
                                         "  interface eth0\n"
                                         "  virtual_router_id 2\n"
                                         "  version 3\n"
                                         "  v3_checksum_as_v2 false\n"
                                         "  v3_checksum_strict no\n"
                                         "  virtual_ipaddress {\n    192.0.2.2\n  }\n"
                                         "}\n",
                                         d);

  g_assert_nonnull (c);
  assert_count (d, VIPD_DIAG_ERROR, 0);
  assert_count (d, VIPD_DIAG_WARNING, 0);
  g_assert_true (c->global.v3_checksum_as_v2);
  g_assert_true (c->global.v3_checksum_strict);
  g_assert_cmpint (nth (c, 0)->v3_checksum_as_v2, ==, VIPD_TRISTATE_YES);
  g_assert_cmpint (nth (c, 0)->v3_checksum_strict, ==, VIPD_TRISTATE_YES);
  g_assert_cmpint (nth (c, 1)->v3_checksum_as_v2, ==, VIPD_TRISTATE_NO);
  g_assert_cmpint (nth (c, 1)->v3_checksum_strict, ==, VIPD_TRISTATE_NO);
}

static void
test_bad_boolean (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("global_defs {\n"
                                         "  v3_checksum_strict maybe\n"
                                         "}\n"
                                         "vrrp_instance A {\n"
                                         "  interface eth0\n"
                                         "  virtual_router_id 1\n"
                                         "  version 3\n"
                                         "  v3_checksum_as_v2 yes please\n"
                                         "  virtual_ipaddress {\n    192.0.2.1\n  }\n"
                                         "}\n",
                                         d);

  g_assert_nonnull (c);
  assert_error (d, 2, 22, "v3_checksum_strict \"maybe\" is not a boolean: write on, off");
  assert_warning (d, 8, 25, "extra argument \"please\" after \"v3_checksum_as_v2\" ignored");
  assert_count (d, VIPD_DIAG_ERROR, 1);
  /* The bad value leaves the default in place; the good one with an extra word still counts. */
  g_assert_cmpint (nth (c, 0)->v3_checksum_strict, ==, VIPD_TRISTATE_NO);
  g_assert_cmpint (nth (c, 0)->v3_checksum_as_v2, ==, VIPD_TRISTATE_YES);
}

static void
test_no_effect_warnings (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("vrrp_instance V2 {\n"
                                         "  interface eth0\n"
                                         "  virtual_router_id 1\n"
                                         "  v3_checksum_as_v2\n"
                                         "  virtual_ipaddress {\n    192.0.2.1\n  }\n"
                                         "}\n"
                                         "vrrp_instance V6 {\n"
                                         "  interface eth0\n"
                                         "  virtual_router_id 1\n"
                                         "  version 3\n"
                                         "  v3_checksum_strict\n"
                                         "  virtual_ipaddress {\n    fe80::1\n    2001:db8::1\n  }\n"
                                         "}\n",
                                         d);

  g_assert_nonnull (c);
  assert_count (d, VIPD_DIAG_ERROR, 0);
  assert_warning (d, 4, 3, "have no effect on instance \"V2\": VRRPv2 has a single checksum form");
  assert_warning (d, 13, 3, "have no effect on instance \"V6\": IPv6 has a single checksum form");
  assert_count (d, VIPD_DIAG_WARNING, 2);
}

static void
test_dump (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("global_defs {\n"
                                         "  v3_checksum_strict\n"
                                         "}\n"
                                         "vrrp_instance A {\n"
                                         "  interface eth0\n"
                                         "  virtual_router_id 1\n"
                                         "  version 3\n"
                                         "  v3_checksum_as_v2\n"
                                         "  virtual_ipaddress {\n    192.0.2.1\n  }\n"
                                         "}\n"
                                         "vrrp_instance V2 {\n"
                                         "  interface eth0\n"
                                         "  virtual_router_id 2\n"
                                         "  virtual_ipaddress {\n    192.0.2.2\n  }\n"
                                         "}\n",
                                         d);
  g_autofree char *dump = NULL;
  const char *v2;

  g_assert_nonnull (c);
  dump = vipd_config_dump (c);
  g_assert_nonnull (strstr (dump, "  v3_checksum_as_v2 no\n  v3_checksum_strict yes\n"));
  g_assert_nonnull (strstr (dump, "  v3_checksum_as_v2 yes  # sends the RFC 9568 form (no pseudo-header)\n"));
  g_assert_nonnull (strstr (dump, "  v3_checksum_strict yes  # accepts only the form it sends\n"));
  /* A v2 instance has one form: the dump does not pretend it has a choice. */
  v2 = strstr (dump, "vrrp_instance V2 {");
  g_assert_nonnull (v2);
  g_assert_null (strstr (v2, "v3_checksum"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/checksum/defaults", test_defaults);
  g_test_add_func ("/config/checksum/global-and-override", test_global_and_override);
  g_test_add_func ("/config/checksum/bad-boolean", test_bad_boolean);
  g_test_add_func ("/config/checksum/no-effect-warnings", test_no_effect_warnings);
  g_test_add_func ("/config/checksum/dump", test_dump);
  return g_test_run ();
}
