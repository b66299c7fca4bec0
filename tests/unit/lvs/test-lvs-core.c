/* test-lvs-core.c — the pure LVS core: keepalived's retry rule, MISC_CHECK exit statuses,
 * HTTP response reading and judgement (MD5 as genhash prints it), quorum with hysteresis and
 * the desired IPVS table. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "../config/config-test-util.h"
#include "lvs/checker-state.h"
#include "lvs/http-check.h"
#include "lvs/lvs-desired.h"

static void
test_retry_rule (void)
{
  VipdCheckerState s;
  VipdCheckStep st;

  /* retry 2: the third consecutive failure marks it down; retries use delay_before_retry. */
  vipd_checker_state_init (&s, 2, 6000, 500, FALSE);
  g_assert_true (s.up);
  st = vipd_checker_state_result (&s, FALSE);
  g_assert_false (st.changed);
  g_assert_true (st.retrying);
  g_assert_cmpuint (st.next_ms, ==, 500);
  st = vipd_checker_state_result (&s, FALSE);
  g_assert_false (st.changed);
  g_assert_cmpuint (st.next_ms, ==, 500);
  g_assert_true (s.up);
  st = vipd_checker_state_result (&s, FALSE);
  g_assert_true (st.changed);
  g_assert_false (st.retrying);
  g_assert_cmpuint (st.next_ms, ==, 6000);
  g_assert_false (s.up);
  /* Down stays down without retries in between: every failure is a full verdict again. */
  st = vipd_checker_state_result (&s, FALSE);
  g_assert_false (st.changed);
  /* One success brings it up. */
  st = vipd_checker_state_result (&s, FALSE);
  st = vipd_checker_state_result (&s, TRUE);
  g_assert_true (st.changed);
  g_assert_true (s.up);
  g_assert_cmpuint (st.next_ms, ==, 6000);
  /* A success in the middle of the retries resets them. */
  vipd_checker_state_result (&s, FALSE);
  vipd_checker_state_result (&s, FALSE);
  vipd_checker_state_result (&s, TRUE);
  vipd_checker_state_result (&s, FALSE);
  vipd_checker_state_result (&s, FALSE);
  g_assert_true (s.up);

  /* retry 0: down on the first failure. alpha: down until the first success. */
  vipd_checker_state_init (&s, 0, 1000, 1000, TRUE);
  g_assert_false (s.up);
  st = vipd_checker_state_result (&s, FALSE);
  g_assert_false (st.changed);
  g_assert_true (s.known);
  st = vipd_checker_state_result (&s, TRUE);
  g_assert_true (st.changed);
  vipd_checker_state_init (&s, 0, 1000, 1000, FALSE);
  st = vipd_checker_state_result (&s, FALSE);
  g_assert_true (st.changed);
  g_assert_false (s.up);
}

static void
test_misc_result (void)
{
  int w;
  g_autofree char *r1 = NULL, *r2 = NULL, *r3 = NULL, *r4 = NULL, *r5 = NULL, *r6 = NULL;

  g_assert_true (vipd_misc_check_result (TRUE, 0, FALSE, 5000, FALSE, &w, &r1));
  g_assert_cmpint (w, ==, -1);
  g_assert_false (vipd_misc_check_result (TRUE, 1, FALSE, 5000, TRUE, &w, &r2));
  g_assert_cmpstr (r2, ==, "exit status 1");
  g_assert_true (vipd_misc_check_result (TRUE, 12, FALSE, 5000, TRUE, &w, &r3));
  g_assert_cmpint (w, ==, 10);
  g_assert_cmpstr (r3, ==, "exit status 12 (misc_dynamic: weight 10)");
  g_assert_false (vipd_misc_check_result (TRUE, 12, FALSE, 5000, FALSE, &w, &r4));
  g_assert_false (vipd_misc_check_result (FALSE, 0, TRUE, 5000, TRUE, &w, &r5));
  g_assert_cmpstr (r5, ==, "timed out after 5000 ms (killed)");
  g_assert_false (vipd_misc_check_result (FALSE, 0, FALSE, 5000, FALSE, &w, &r6));
}

static VipdCheckUrl *
url_new (const char *path, const char *digest)
{
  VipdCheckUrl *u = g_new0 (VipdCheckUrl, 1);

  u->path = g_strdup (path);
  u->digest = g_strdup (digest);
  u->status_codes = g_array_new (FALSE, FALSE, sizeof (VipdStatusRange));
  return u;
}

static void
url_free (VipdCheckUrl *u)
{
  g_free (u->path);
  g_free (u->digest);
  g_array_unref (u->status_codes);
  g_free (u);
}

static void
test_http_request (void)
{
  g_autofree char *a = vipd_http_request ("/index.html", "192.0.2.10", 80, FALSE);
  g_autofree char *b = vipd_http_request ("/", "www.example.org", 8443, TRUE);

  g_assert_cmpstr (a, ==, "GET /index.html HTTP/1.0\r\nUser-Agent: vipd\r\nHost: 192.0.2.10\r\n"
                          "Connection: close\r\n\r\n");
  g_assert_nonnull (strstr (b, "Host: www.example.org:8443\r\n"));
}

static void
test_http_response (void)
{
  /* md5("hello\n") = b1946ac92492d2347c6235b4d2611184, as "echo hello | md5sum" prints. */
  const char *resp = "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 6\r\n\r\nhello\nEXTRA";
  g_autoptr (VipdHttpResponse) r = vipd_http_response_new ();
  g_autoptr (VipdHttpResponse) r2 = vipd_http_response_new ();
  g_autoptr (VipdHttpResponse) r3 = vipd_http_response_new ();
  g_autoptr (VipdHttpResponse) r4 = vipd_http_response_new ();
  char *error = NULL;

  /* Byte by byte: the reader must not depend on how the stream is cut. */
  for (gsize i = 0; i < strlen (resp); i++)
    g_assert_true (vipd_http_response_feed (r, (const guint8 *) resp + i, 1, &error));
  g_assert_true (vipd_http_response_complete (r));
  g_assert_cmpint (vipd_http_response_status (r), ==, 200);
  g_assert_cmpstr (vipd_http_response_digest (r), ==, "b1946ac92492d2347c6235b4d2611184");

  /* No Content-Length: the body runs until the stream ends. */
  resp = "HTTP/1.0 404 Not Found\n\nhello\n";
  g_assert_true (vipd_http_response_feed (r2, (const guint8 *) resp, strlen (resp), &error));
  g_assert_false (vipd_http_response_complete (r2));
  g_assert_true (vipd_http_response_finish (r2, &error));
  g_assert_cmpint (vipd_http_response_status (r2), ==, 404);
  g_assert_cmpstr (vipd_http_response_digest (r2), ==, "b1946ac92492d2347c6235b4d2611184");

  resp = "SSH-2.0-OpenSSH_9.2\r\n\r\n";
  g_assert_false (vipd_http_response_feed (r3, (const guint8 *) resp, strlen (resp), &error));
  g_assert_nonnull (strstr (error, "not an HTTP response"));
  g_clear_pointer (&error, g_free);

  resp = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort";
  g_assert_true (vipd_http_response_feed (r4, (const guint8 *) resp, strlen (resp), &error));
  g_assert_false (vipd_http_response_finish (r4, &error));
  g_assert_cmpstr (error, ==, "connection closed after 5 of 100 body bytes");
  g_free (error);
}

static void
test_http_judge (void)
{
  VipdCheckUrl *plain = url_new ("/", NULL);
  VipdCheckUrl *digest = url_new ("/index.html", "B1946AC92492D2347C6235B4D2611184");
  VipdCheckUrl *codes = url_new ("/moved", NULL);
  VipdStatusRange r301 = { 301, 302 };
  char *reason = NULL;

  g_array_append_val (codes->status_codes, r301);
  g_assert_true (vipd_http_judge (plain, 204, "x", &reason));
  g_clear_pointer (&reason, g_free);
  g_assert_false (vipd_http_judge (plain, 500, "x", &reason));
  g_assert_cmpstr (reason, ==, "/: HTTP status 500, expected 2xx");
  g_clear_pointer (&reason, g_free);
  g_assert_true (vipd_http_judge (digest, 200, "b1946ac92492d2347c6235b4d2611184", &reason));
  g_assert_cmpstr (reason, ==, "/index.html: HTTP status 200, digest matches");
  g_clear_pointer (&reason, g_free);
  g_assert_false (vipd_http_judge (digest, 200, "d41d8cd98f00b204e9800998ecf8427e", &reason));
  g_assert_nonnull (strstr (reason, "body MD5 d41d8cd98f00b204e9800998ecf8427e differs"));
  g_clear_pointer (&reason, g_free);
  g_assert_true (vipd_http_judge (codes, 302, "x", &reason));
  g_clear_pointer (&reason, g_free);
  g_assert_false (vipd_http_judge (codes, 200, "x", &reason));
  g_assert_cmpstr (reason, ==, "/moved: HTTP status 200, expected the configured status_code");
  g_free (reason);
  url_free (plain);
  url_free (digest);
  url_free (codes);
}

static void
test_quorum (void)
{
  /* quorum 4, hysteresis 1: lost below 3, regained at 5. */
  g_assert_true (vipd_lvs_quorum_next (TRUE, 3, 4, 1));
  g_assert_false (vipd_lvs_quorum_next (TRUE, 2, 4, 1));
  g_assert_false (vipd_lvs_quorum_next (FALSE, 4, 4, 1));
  g_assert_true (vipd_lvs_quorum_next (FALSE, 5, 4, 1));
  g_assert_false (vipd_lvs_quorum_next (TRUE, 0, 1, 0));
  g_assert_true (vipd_lvs_quorum_next (FALSE, 1, 1, 0));
}

static const char *const lvs_conf =
    "virtual_server_group WEB {\n"
    "  192.0.2.110-112 80\n"
    "  2001:db8::100 80\n"
    "  fwmark 9\n"
    "}\n"
    "virtual_server 192.0.2.100 80 {\n"
    "  lb_algo wrr\n"
    "  lb_kind DR\n"
    "  persistence_timeout 300\n"
    "  persistence_granularity 255.255.255.0\n"
    "  sorry_server 192.0.2.200 80\n"
    "  quorum 3\n"
    "  real_server 192.0.2.10 80 {\n"
    "    weight 2\n"
    "  }\n"
    "  real_server 192.0.2.11 80 {\n"
    "    weight 1\n"
    "    inhibit_on_failure\n"
    "  }\n"
    "  real_server 192.0.2.12 8080 {\n"
    "    weight 5\n"
    "  }\n"
    "}\n"
    "virtual_server group WEB {\n"
    "  real_server 192.0.2.10 80 {\n"
    "  }\n"
    "}\n";

static const VipdIpvsDest *
dest_at (const VipdIpvsService *svc, const char *addr, guint port)
{
  VipdIpvsDest key = { 0 };

  vipd_addr_parse (addr, &key.addr);
  key.port = (guint16) port;
  for (guint i = 0; svc->dests && i < svc->dests->len; i++)
    if (vipd_ipvs_dest_compare (&g_array_index (svc->dests, VipdIpvsDest, i), &key) == 0)
      return &g_array_index (svc->dests, VipdIpvsDest, i);
  return NULL;
}

static void
test_desired (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (lvs_conf, d);
  VipdVirtualServer *vs = g_ptr_array_index (c->virtual_servers, 0);
  VipdRsStatus st[3] = { VIPD_RS_STATUS_INIT, VIPD_RS_STATUS_INIT, VIPD_RS_STATUS_INIT };
  g_autoptr (VipdIpvsTable) t1 = vipd_ipvs_table_new ();
  g_autoptr (VipdIpvsTable) t2 = vipd_ipvs_table_new ();
  g_autoptr (VipdIpvsTable) t3 = vipd_ipvs_table_new ();
  g_autoptr (GArray) ops = NULL;
  VipdIpvsService *svc;
  const VipdIpvsDest *dest;
  g_autofree char *desc = NULL;

  assert_count (d, VIPD_DIAG_ERROR, 0);
  g_assert_cmpuint (vipd_lvs_alive_weight (vs, st), ==, 8);

  /* All alive: three destinations with their weights, DR, persistence /24. */
  vipd_lvs_desired_add (t1, c, vs, st, TRUE);
  g_assert_cmpuint (t1->services->len, ==, 1);
  svc = g_ptr_array_index (t1->services, 0);
  desc = vipd_ipvs_service_describe (svc);
  g_assert_cmpstr (desc, ==, "TCP 192.0.2.100:80 wrr");
  g_assert_true (svc->persistent);
  g_assert_cmpuint (svc->persistence_timeout, ==, 300);
  g_assert_cmpuint (svc->netmask, ==, htonl (0xffffff00u));
  g_assert_cmpuint (svc->dests->len, ==, 3);
  dest = dest_at (svc, "192.0.2.12", 8080);
  g_assert_nonnull (dest);
  g_assert_cmpuint (dest->weight, ==, 5);
  g_assert_cmpint (dest->forward, ==, VIPD_IPVS_FWD_DR);

  /* .10 fails (removed), .11 fails (inhibit: weight 0), .12 drained by an admin. */
  st[0].alive = FALSE;
  st[1].alive = FALSE;
  st[2].admin_weight = 0;
  g_assert_cmpuint (vipd_lvs_alive_weight (vs, st), ==, 0);
  vipd_lvs_desired_add (t2, c, vs, st, TRUE);
  svc = g_ptr_array_index (t2->services, 0);
  g_assert_null (dest_at (svc, "192.0.2.10", 80));
  g_assert_cmpuint (dest_at (svc, "192.0.2.11", 80)->weight, ==, 0);
  g_assert_cmpuint (dest_at (svc, "192.0.2.12", 8080)->weight, ==, 0);
  ops = vipd_ipvs_table_diff (t1, t2);
  g_assert_cmpuint (ops->len, ==, 3); /* one DEL_DEST, two EDIT_DEST */
  g_assert_cmpint (g_array_index (ops, VipdIpvsOp, 0).kind, ==, VIPD_IPVS_OP_DEL_DEST);

  /* Quorum lost: the sorry server alone. */
  vipd_lvs_desired_add (t3, c, vs, st, FALSE);
  svc = g_ptr_array_index (t3->services, 0);
  g_assert_cmpuint (svc->dests->len, ==, 1);
  g_assert_cmpuint (dest_at (svc, "192.0.2.200", 80)->weight, ==, 1);
  g_assert_cmpint (dest_at (svc, "192.0.2.200", 80)->forward, ==, VIPD_IPVS_FWD_DR);
}

/* sorry_server_lvs_method: the sorry server forwarded its own way, real servers as lb_kind. */
static void
test_sorry_method (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text ("virtual_server 192.0.2.100 80 {\n"
                                         "  lb_kind DR\n"
                                         "  sorry_server 192.0.2.200 8080\n"
                                         "  sorry_server_lvs_method NAT\n"
                                         "  sorry_server_inhibit\n"
                                         "  real_server 192.0.2.10 80 {\n"
                                         "  }\n"
                                         "}\n",
                                         d);
  VipdVirtualServer *vs = g_ptr_array_index (c->virtual_servers, 0);
  VipdRsStatus st[1] = { VIPD_RS_STATUS_INIT };
  g_autoptr (VipdIpvsTable) up = vipd_ipvs_table_new ();
  g_autoptr (VipdIpvsTable) lost = vipd_ipvs_table_new ();
  VipdIpvsService *svc;

  assert_count (d, VIPD_DIAG_ERROR, 0);
  /* Quorum up: the real server by DR, the inhibited sorry server at weight 0 by NAT. */
  vipd_lvs_desired_add (up, c, vs, st, TRUE);
  svc = g_ptr_array_index (up->services, 0);
  g_assert_cmpint (dest_at (svc, "192.0.2.10", 80)->forward, ==, VIPD_IPVS_FWD_DR);
  g_assert_cmpint (dest_at (svc, "192.0.2.200", 8080)->forward, ==, VIPD_IPVS_FWD_NAT);
  g_assert_cmpuint (dest_at (svc, "192.0.2.200", 8080)->weight, ==, 0);
  /* Quorum lost: the sorry server alone, by NAT. */
  st[0].alive = FALSE;
  vipd_lvs_desired_add (lost, c, vs, st, FALSE);
  svc = g_ptr_array_index (lost->services, 0);
  g_assert_cmpuint (svc->dests->len, ==, 1);
  g_assert_cmpint (dest_at (svc, "192.0.2.200", 8080)->forward, ==, VIPD_IPVS_FWD_NAT);
}

static void
test_group_expansion (void)
{
  g_autoptr (VipdDiagList) d = vipd_diag_list_new ();
  g_autoptr (VipdConfig) c = parse_text (lvs_conf, d);
  VipdVirtualServer *vs = g_ptr_array_index (c->virtual_servers, 1);
  VipdRsStatus st[1] = { VIPD_RS_STATUS_INIT };
  g_autoptr (VipdIpvsTable) t = vipd_ipvs_table_new ();
  g_autoptr (GArray) keys = vipd_lvs_service_keys (c, vs);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  g_assert_cmpuint (keys->len, ==, 5); /* three of the range, one IPv6, one mark */
  vipd_lvs_desired_add (t, c, vs, st, TRUE);
  g_assert_cmpuint (t->services->len, ==, 5);
  for (guint i = 0; i < t->services->len; i++)
    {
      VipdIpvsService *svc = g_ptr_array_index (t->services, i);

      g_ptr_array_add (names, vipd_ipvs_service_describe (svc));
      g_assert_cmpuint (svc->dests->len, ==, 1);
    }
  g_ptr_array_add (names, NULL);
  g_assert_true (g_strv_contains ((const char *const *) names->pdata, "TCP 192.0.2.110:80 wlc"));
  g_assert_true (g_strv_contains ((const char *const *) names->pdata, "TCP 192.0.2.112:80 wlc"));
  g_assert_true (g_strv_contains ((const char *const *) names->pdata, "TCP [2001:db8::100]:80 wlc"));
  g_assert_true (g_strv_contains ((const char *const *) names->pdata, "FWM 9 wlc"));
  g_ptr_array_unref (names);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lvs/checker/retry-rule", test_retry_rule);
  g_test_add_func ("/lvs/checker/misc-result", test_misc_result);
  g_test_add_func ("/lvs/http/request", test_http_request);
  g_test_add_func ("/lvs/http/response", test_http_response);
  g_test_add_func ("/lvs/http/judge", test_http_judge);
  g_test_add_func ("/lvs/desired/quorum", test_quorum);
  g_test_add_func ("/lvs/desired/table", test_desired);
  g_test_add_func ("/lvs/desired/group", test_group_expansion);
  g_test_add_func ("/lvs/desired/sorry-method", test_sorry_method);
  return g_test_run ();
}
