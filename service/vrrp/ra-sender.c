/* ra-sender.c — the shell around VipdRaSchedule: a deadline at the next due time, a socket
 * while master, g_random for the schedule's random input. No protocol decisions here. */
#include "ra-sender.h"

#include <string.h>
#include <sys/socket.h>

#include "deadline-queue.h"
#include "log.h"
#include "ra-socket.h"
#include "ra/ra.h"

struct _VipdRaSender
{
  char *log_name;
  VipdRaCounters counters;
  VipdRaSchedule schedule;
  VipdRaParams params;
  VipdAddr source; /* the virtual router's link-local address */
  char *ifname;
  VipdRaSocket *sock;
  VipdDeadline *deadline;
  gboolean warned; /* one warning per master period for a failing send */
};

static void
rearm (VipdRaSender *s)
{
  guint64 next = vipd_ra_schedule_next (&s->schedule);

  vipd_deadline_set (s->deadline, next == VIPD_RA_NEVER ? VIPD_DEADLINE_NEVER : next);
}

static void
solicited (const guint8 *buf, gsize len, guint hop_limit, const VipdAddr *src, gpointer data)
{
  VipdRaSender *s = data;
  VipdNdResult r = vipd_rs_check (buf, len, hop_limit, src);
  char a[VIPD_ADDR_STRLEN];

  if (r != VIPD_ND_OK)
    {
      vipd_log_instance (G_LOG_LEVEL_DEBUG, s->log_name,
                         "ignored a Router Solicitation from %s: %s",
                         vipd_addr_format (src, a, sizeof a), vipd_nd_result_describe (r));
      return;
    }
  (*s->counters.solicits_rx)++;
  if (vipd_ra_schedule_solicited (&s->schedule, (guint64) g_get_monotonic_time (),
                                  g_random_int ()))
    rearm (s);
}

/* Opens the socket if there is none; FALSE (logged once) when it cannot be. */
static gboolean
ensure_socket (VipdRaSender *s)
{
  g_autoptr (GError) error = NULL;

  if (s->sock != NULL)
    return TRUE;
  s->sock = vipd_ra_socket_new (s->ifname, solicited, s, &error);
  if (s->sock == NULL && !s->warned)
    {
      vipd_log_instance (G_LOG_LEVEL_WARNING, s->log_name, "%s; trying again", error->message);
      s->warned = TRUE;
    }
  return s->sock != NULL;
}

static void
due (gpointer data)
{
  VipdRaSender *s = data;
  guint8 buf[VIPD_RA_MAX_LEN];
  guint64 now = (guint64) g_get_monotonic_time ();
  g_autoptr (GError) error = NULL;
  gsize len;

  if (!s->schedule.active)
    return;
  len = vipd_ra_encode (&s->params, buf, sizeof buf);
  if (len > 0 && ensure_socket (s) && vipd_ra_socket_send (s->sock, &s->source, buf, len, &error))
    {
      (*s->counters.router_adverts_tx)++;
      vipd_ra_schedule_sent (&s->schedule, now, g_random_int ());
    }
  else
    {
      (*s->counters.send_errors)++;
      /* Right after a takeover the VIP may still be on its way: quiet retries, one warning. */
      if (error && !s->warned)
        {
          vipd_log_instance (G_LOG_LEVEL_WARNING, s->log_name, "%s; trying again",
                             error->message);
          s->warned = TRUE;
        }
      /* A socket on an interface made again has a stale index: open a new one next time. */
      g_clear_pointer (&s->sock, vipd_ra_socket_free);
      vipd_ra_schedule_failed (&s->schedule, now);
    }
  rearm (s);
}

VipdRaSender *
vipd_ra_sender_new (const char *log_name, const VipdRaCounters *counters)
{
  VipdRaSender *s = g_new0 (VipdRaSender, 1);
  VipdRaScheduleConfig cfg = { VIPD_RA_DEFAULT_MIN_INTERVAL, VIPD_RA_DEFAULT_MAX_INTERVAL };

  s->log_name = g_strdup (log_name);
  s->counters = *counters;
  s->deadline = vipd_deadline_new (due, s);
  vipd_ra_schedule_init (&s->schedule, &cfg);
  return s;
}

void
vipd_ra_sender_configure (VipdRaSender *s, const VipdInstance *conf)
{
  VipdRaScheduleConfig cfg = { conf->ra_min_interval_s, conf->ra_max_interval_s };
  const char *ifname = vipd_instance_vip_interface (conf);
  VipdAddr source = { .family = AF_UNSPEC };

  if (conf->vips->len > 0)
    source = ((const VipdVip *) g_ptr_array_index (conf->vips, 0))->addr;
  /* Another interface (or a macvlan made again): the socket is reopened at the next send. */
  if (g_strcmp0 (ifname, s->ifname) != 0)
    {
      g_clear_pointer (&s->sock, vipd_ra_socket_free);
      g_free (s->ifname);
      s->ifname = g_strdup (ifname);
    }
  s->source = source;
  vipd_ra_schedule_reconfigure (&s->schedule, &cfg);
  memset (&s->params, 0, sizeof s->params);
  s->params.router_lifetime_s = (guint16) MIN (conf->ra_lifetime_s, G_MAXUINT16);
  /* With use_vmac the frames leave from the virtual MAC: announce it (RFC 5798 section 7.3),
   * so hosts need no Neighbor Solicitation before using the router. Without, the option is
   * left out, as RFC 4861 section 4.2 allows, since each router's own MAC would be wrong after
   * a takeover until its NA. */
  if (conf->use_vmac)
    {
      static const guint8 prefix[5] = { 0x00, 0x00, 0x5e, 0x00, 0x02 };

      s->params.has_source_mac = TRUE;
      memcpy (s->params.source_mac, prefix, sizeof prefix);
      s->params.source_mac[5] = (guint8) conf->vrid;
    }
}

void
vipd_ra_sender_set_master (VipdRaSender *s, gboolean master)
{
  if (master == s->schedule.active)
    return;
  if (master)
    {
      s->warned = FALSE;
      vipd_ra_schedule_start (&s->schedule, (guint64) g_get_monotonic_time ());
    }
  else
    {
      vipd_ra_schedule_stop (&s->schedule);
      /* A backup must not answer solicitations either: the socket goes with the state. */
      g_clear_pointer (&s->sock, vipd_ra_socket_free);
    }
  rearm (s);
}

gboolean
vipd_ra_sender_is_active (const VipdRaSender *s)
{
  return s->schedule.active;
}

void
vipd_ra_sender_free (VipdRaSender *s)
{
  if (s == NULL)
    return;
  vipd_deadline_free (s->deadline);
  vipd_ra_socket_free (s->sock);
  g_free (s->ifname);
  g_free (s->log_name);
  g_free (s);
}

VipdRaSender *
vipd_ra_sender_follow (VipdRaSender *s, const VipdInstance *conf, gboolean master,
                       gboolean reconfigure, const VipdRaCounters *counters)
{
  if (!conf->router_advert)
    {
      vipd_ra_sender_free (s);
      return NULL;
    }
  if (s == NULL)
    {
      s = vipd_ra_sender_new (conf->name, counters);
      reconfigure = TRUE;
    }
  if (reconfigure)
    vipd_ra_sender_configure (s, conf);
  vipd_ra_sender_set_master (s, master);
  return s;
}
