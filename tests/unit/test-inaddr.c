/* Address parsing, formatting and ordering: the tie-break of RFC 5798 §6.4.3 relies on it. */
#include "base/inaddr.h"

#include <netinet/in.h>

static void
test_parse_v4 (void)
{
  VipdAddr a;
  char buf[VIPD_ADDR_STRLEN];

  g_assert_true (vipd_addr_parse ("192.0.2.10", &a));
  g_assert_cmpint (a.family, ==, AF_INET);
  g_assert_cmpuint (a.v4[3], ==, 10);
  g_assert_cmpstr (vipd_addr_format (&a, buf, sizeof buf), ==, "192.0.2.10");
  g_assert_false (vipd_addr_parse ("192.0.2.300", &a));
  g_assert_false (vipd_addr_parse ("", &a));
  g_assert_false (vipd_addr_parse (NULL, &a));
}

static void
test_parse_v6 (void)
{
  VipdAddr a;
  g_autofree char *s = NULL;

  g_assert_true (vipd_addr_parse ("2001:db8::1", &a));
  g_assert_cmpint (a.family, ==, AF_INET6);
  s = vipd_addr_to_string (&a);
  g_assert_cmpstr (s, ==, "2001:db8::1");
  g_assert_false (vipd_addr_is_link_local (&a));
  g_assert_true (vipd_addr_parse ("fe80::1", &a));
  g_assert_true (vipd_addr_is_link_local (&a));
  g_assert_true (vipd_addr_parse ("ff02::12", &a));
  g_assert_true (vipd_addr_is_multicast (&a));
}

static void
test_prefix (void)
{
  VipdAddr a;
  guint8 len = 0;
  gboolean has = TRUE;

  g_assert_true (vipd_addr_parse_prefix ("198.51.100.7/24", &a, &len, &has));
  g_assert_cmpuint (len, ==, 24);
  g_assert_true (has);
  g_assert_true (vipd_addr_parse_prefix ("198.51.100.7", &a, &len, &has));
  g_assert_cmpuint (len, ==, 32);
  g_assert_false (has);
  g_assert_true (vipd_addr_parse_prefix ("2001:db8::7/64", &a, &len, &has));
  g_assert_cmpuint (len, ==, 64);
  g_assert_false (vipd_addr_parse_prefix ("198.51.100.7/33", &a, &len, &has));
  g_assert_false (vipd_addr_parse_prefix ("198.51.100.7/", &a, &len, &has));
  g_assert_false (vipd_addr_parse_prefix ("198.51.100.7/2x", &a, &len, &has));
  g_assert_false (vipd_addr_parse_prefix ("198.51.100.7/-1", &a, &len, &has));
}

static void
test_compare (void)
{
  VipdAddr lo, hi, six;

  g_assert_true (vipd_addr_parse ("192.0.2.9", &lo));
  g_assert_true (vipd_addr_parse ("192.0.2.10", &hi));
  g_assert_true (vipd_addr_parse ("2001:db8::1", &six));
  /* Numeric, not textual: .10 is higher than .9. */
  g_assert_cmpint (vipd_addr_compare (&lo, &hi), <, 0);
  g_assert_cmpint (vipd_addr_compare (&hi, &lo), >, 0);
  g_assert_true (vipd_addr_equal (&lo, &lo));
  g_assert_cmpint (vipd_addr_compare (&lo, &six), !=, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/inaddr/parse-v4", test_parse_v4);
  g_test_add_func ("/inaddr/parse-v6", test_parse_v6);
  g_test_add_func ("/inaddr/prefix", test_prefix);
  g_test_add_func ("/inaddr/compare", test_compare);
  return g_test_run ();
}
