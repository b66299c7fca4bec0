/* router_advert: vipd's keyword for IPv6 Router Advertisements of the virtual router, its
 * defaults (RFC 4861's), its errors at file:line:column, and the dump.
 *
 * Conformance: RFC5798-8.2-RA */
#include "config-test-util.h"

#include <string.h>

#define HEAD                                                                                   \
  "vrrp_instance V6 {\n"                                                                       \
  "  interface eth0\n"                                                                         \
  "  virtual_router_id 7\n"                                                                    \
  "  version 3\n"
#define VIPS6 "  virtual_ipaddress {\n    fe80::1/64\n    2001:db8::1/64\n  }\n"

static VipdInstance *
first (VipdConfig *c)
{
  g_assert_cmpuint (c->instances->len, ==, 1);
  return g_ptr_array_index (c->instances, 0);
}

static void
test_off_by_default (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (HEAD VIPS6 "}\n", d);

  assert_count (d, VIPD_DIAG_ERROR, 0);
  g_assert_false (first (c)->router_advert);
}

static void
test_defaults (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (HEAD VIPS6 "  router_advert\n}\n", d);
  VipdInstance *i = first (c);

  assert_count (d, VIPD_DIAG_ERROR, 0);
  assert_count (d, VIPD_DIAG_WARNING, 0);
  g_assert_true (i->router_advert);
  g_assert_cmpuint (i->router_advert_loc.line, ==, 9);
  g_assert_cmpuint (i->ra_lifetime_s, ==, 1800);
  g_assert_cmpuint (i->ra_min_interval_s, ==, 200);
  g_assert_cmpuint (i->ra_max_interval_s, ==, 600);
}

static void
test_values_and_dump (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c
      = parse_text (HEAD VIPS6 "  router_advert interval 3 4 lifetime 12\n}\n", d);
  VipdInstance *i = first (c);
  g_autofree char *dump = NULL;

  assert_count (d, VIPD_DIAG_ERROR, 0);
  g_assert_cmpuint (i->ra_lifetime_s, ==, 12);
  g_assert_cmpuint (i->ra_min_interval_s, ==, 3);
  g_assert_cmpuint (i->ra_max_interval_s, ==, 4);
  dump = vipd_config_dump (c);
  g_assert_nonnull (strstr (dump, "  router_advert lifetime 12 interval 3 4\n"));
}

static void
check_error (const char *line, guint col, const char *substring)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autofree char *text = g_strdup_printf (HEAD VIPS6 "%s\n}\n", line);
  g_autoptr (VipdConfig) c = parse_text (text, d);

  assert_error (d, 9, col, substring);
  g_assert_false (first (c)->router_advert);
}

static void
test_syntax_errors (void)
{
  check_error ("  router_advert lifetime 0", 26, "whole seconds from 1 to 9000");
  check_error ("  router_advert lifetime 9001", 26, "whole seconds from 1 to 9000");
  check_error ("  router_advert lifetime 1.5", 26, "\"1.5\" is not valid");
  check_error ("  router_advert lifetime -1", 26, "\"-1\" is not valid");
  check_error ("  router_advert lifetime", 17, "lifetime needs a number of seconds");
  check_error ("  router_advert interval 2 600", 26, "interval (minimum) \"2\"");
  check_error ("  router_advert interval 3 3", 28, "interval (maximum) \"3\"");
  check_error ("  router_advert interval 200 1801", 30, "from 4 to 1800");
  check_error ("  router_advert interval 200", 26, "interval (maximum) needs a number");
  check_error ("  router_advert lifetim 600", 17, "unexpected \"lifetim\"");
}

static void
check_semantic (const char *text, guint line, const char *substring)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (text, d);

  (void) c;
  assert_error (d, line, 3, substring);
}

static void
test_semantic_errors (void)
{
  check_semantic (HEAD "  virtual_ipaddress {\n    192.0.2.1/24\n  }\n  router_advert\n}\n", 8,
                  "router_advert needs an IPv6 instance");
  check_semantic (HEAD "  virtual_ipaddress {\n    2001:db8::1/64\n  }\n  router_advert\n}\n", 8,
                  "2001:db8::1 is not link-local");
  check_semantic (HEAD VIPS6 "  router_advert interval 4 4\n}\n", 9, "more than 3/4 of the maximum");
  check_semantic (HEAD VIPS6 "  router_advert interval 30 600 lifetime 599\n}\n", 9,
                  "lifetime 599 s is shorter than the interval maximum 600 s");
}

static void
test_source_dev (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (HEAD "  virtual_ipaddress {\n    fe80::1/64 dev eth1\n"
                                              "  }\n  router_advert\n}\n",
                                         d);
  g_autoptr (VipdDiagList) d2 = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c2 = parse_text (HEAD "  virtual_ipaddress {\n    fe80::1/64 dev eth0\n"
                                               "  }\n  router_advert\n}\n",
                                          d2);

  (void) c;
  (void) c2;
  assert_error (d, 6, 5, "\"dev eth1\" puts the first virtual_ipaddress");
  assert_count (d2, VIPD_DIAG_ERROR, 0);
}

static void
test_no_vips (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (HEAD "  router_advert\n}\n", d);

  (void) c;
  assert_error (d, 5, 3, "has no virtual_ipaddress");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/ra/off-by-default", test_off_by_default);
  g_test_add_func ("/config/ra/defaults", test_defaults);
  g_test_add_func ("/config/ra/values-and-dump", test_values_and_dump);
  g_test_add_func ("/config/ra/syntax-errors", test_syntax_errors);
  g_test_add_func ("/config/ra/semantic-errors", test_semantic_errors);
  g_test_add_func ("/config/ra/source-dev", test_source_dev);
  g_test_add_func ("/config/ra/no-vips", test_no_vips);
  return g_test_run ();
}
