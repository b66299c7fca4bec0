/* sim-lan.c — see sim-lan.h. Events are kept in a binary heap ordered by (time, sequence) so
 * equal-time events run in the order they were scheduled and every run is reproducible. */
#include "sim-lan.h"

#include <netinet/in.h>
#include <string.h>

#include "wire/packet.h"

#define SIM_MAX_HOSTS 64
#define SIM_PKT_MAX 64

typedef enum
{
  SIM_EV_TIMER,
  SIM_EV_PACKET,
  SIM_EV_CONTROL,
  SIM_EV_CRASH,
} SimEvKind;

typedef struct
{
  guint64 at;
  guint64 seq;
  SimEvKind kind;
  guint idx;
  VipdEventType type; /* SIM_EV_CONTROL */
  guint8 priority;    /* SIM_EV_CONTROL */
  VipdPacketMeta meta; /* SIM_EV_PACKET */
  gsize len;
  guint8 pkt[SIM_PKT_MAX];
} SimEv;

struct SimLan
{
  GArray *routers; /* SimRouter */
  GArray *heap;    /* SimEv */
  guint64 seq;
  guint64 now;
  guint64 delay_us;
  guint64 link_delay[SIM_MAX_HOSTS][SIM_MAX_HOSTS]; /* 0 = default */
  guint group[SIM_MAX_HOSTS];
  double loss;
  GRand *rand;
  SimLanObserver observer;
  gpointer observer_data;
  guint rx_rejected;
};

static gboolean
ev_before (const SimEv *a, const SimEv *b)
{
  return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static void
heap_push (SimLan *lan, SimEv *ev)
{
  SimEv *h;
  guint i;

  ev->seq = lan->seq++;
  g_array_append_val (lan->heap, *ev);
  h = (SimEv *) (void *) lan->heap->data;
  for (i = lan->heap->len - 1; i > 0; i = (i - 1) / 2)
    {
      guint parent = (i - 1) / 2;
      SimEv tmp;

      if (!ev_before (&h[i], &h[parent]))
        break;
      tmp = h[i];
      h[i] = h[parent];
      h[parent] = tmp;
    }
}

static void
heap_pop (SimLan *lan, SimEv *out)
{
  SimEv *h = (SimEv *) (void *) lan->heap->data;
  guint n = lan->heap->len - 1;
  guint i = 0;

  *out = h[0];
  h[0] = h[n];
  g_array_set_size (lan->heap, n);
  h = (SimEv *) (void *) lan->heap->data;
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i;
      SimEv tmp;

      if (l < n && ev_before (&h[l], &h[m]))
        m = l;
      if (r < n && ev_before (&h[r], &h[m]))
        m = r;
      if (m == i)
        break;
      tmp = h[i];
      h[i] = h[m];
      h[m] = tmp;
      i = m;
    }
}

SimLan *
sim_lan_new (guint64 delay_us, double loss, guint32 seed)
{
  SimLan *lan = g_new0 (SimLan, 1);

  lan->routers = g_array_new (FALSE, TRUE, sizeof (SimRouter));
  lan->heap = g_array_new (FALSE, TRUE, sizeof (SimEv));
  lan->delay_us = delay_us;
  lan->loss = loss;
  lan->rand = g_rand_new_with_seed (seed);
  return lan;
}

void
sim_lan_free (SimLan *lan)
{
  g_array_unref (lan->routers);
  g_array_unref (lan->heap);
  g_rand_free (lan->rand);
  g_free (lan);
}

static void
host_addr (guint host, VipdAddr *out)
{
  guint8 b[4] = { 192, 0, 2, (guint8) (host + 1) };

  vipd_addr_from_bytes (out, AF_INET, b);
}

guint
sim_lan_add (SimLan *lan, guint host, guint8 version, guint8 vrid, guint8 priority,
             guint16 adver_int_cs, gboolean preempt)
{
  SimRouter r = { 0 };
  VipdFsmConfig cfg = {
    .version = version,
    .family = AF_INET,
    .vrid = vrid,
    .priority = priority,
    .adver_int_cs = adver_int_cs,
    .preempt = preempt,
  };
  guint8 vip[4] = { 198, 51, 100, vrid };

  g_assert_cmpuint (host, <, SIM_MAX_HOSTS);
  host_addr (host, &cfg.primary);
  vipd_fsm_init (&r.fsm, &cfg);
  vipd_addr_from_bytes (&r.vip, AF_INET, vip);
  r.host = host;
  r.alive = TRUE;
  r.auth_pass = version == 2 ? "1111" : NULL;
  r.timer_at = VIPD_FSM_NO_DEADLINE;
  g_array_append_val (lan->routers, r);
  return lan->routers->len - 1;
}

SimRouter *
sim_lan_router (SimLan *lan, guint idx)
{
  g_assert_cmpuint (idx, <, lan->routers->len);
  return &g_array_index (lan->routers, SimRouter, idx);
}

guint
sim_lan_n_routers (SimLan *lan)
{
  return lan->routers->len;
}

void
sim_lan_set_observer (SimLan *lan, SimLanObserver fn, gpointer user_data)
{
  lan->observer = fn;
  lan->observer_data = user_data;
}

void
sim_lan_set_link_delay (SimLan *lan, guint host_a, guint host_b, guint64 delay_us)
{
  lan->link_delay[host_a][host_b] = delay_us;
  lan->link_delay[host_b][host_a] = delay_us;
}

void
sim_lan_set_group (SimLan *lan, guint host, guint group)
{
  lan->group[host] = group;
}

void
sim_lan_heal (SimLan *lan)
{
  memset (lan->group, 0, sizeof lan->group);
}

void
sim_lan_schedule (SimLan *lan, guint idx, guint64 at, VipdEventType type, guint8 priority)
{
  SimEv ev = { .at = at, .kind = SIM_EV_CONTROL, .idx = idx, .type = type,
               .priority = priority };

  heap_push (lan, &ev);
}

void
sim_lan_schedule_crash (SimLan *lan, guint idx, guint64 at)
{
  SimEv ev = { .at = at, .kind = SIM_EV_CRASH, .idx = idx };

  heap_push (lan, &ev);
}

void
sim_lan_schedule_crash_host (SimLan *lan, guint host, guint64 at)
{
  for (guint i = 0; i < lan->routers->len; i++)
    if (sim_lan_router (lan, i)->host == host)
      sim_lan_schedule_crash (lan, i, at);
}

static void
send_advert (SimLan *lan, guint idx, guint8 priority)
{
  SimRouter *r = sim_lan_router (lan, idx);
  VipdAdvert adv;
  SimEv ev = { .kind = SIM_EV_PACKET };

  memset (&adv, 0, sizeof adv);
  adv.version = r->fsm.cfg.version;
  adv.type = VIPD_VRRP_TYPE_ADVERT;
  adv.vrid = r->fsm.cfg.vrid;
  adv.priority = priority;
  adv.naddrs = 1;
  adv.adver_int_cs = r->fsm.cfg.adver_int_cs;
  adv.family = AF_INET;
  adv.addrs[0] = r->vip;
  if (r->auth_pass != NULL)
    {
      adv.auth_type = VIPD_VRRP_AUTH_PASS;
      g_strlcpy (adv.auth_data, r->auth_pass, sizeof adv.auth_data);
    }
  ev.meta.src = r->fsm.cfg.primary;
  g_assert_true (vipd_addr_parse ("224.0.0.18", &ev.meta.dst));
  ev.meta.ttl = VIPD_VRRP_TTL;
  ev.len = vipd_packet_encode (&adv, &ev.meta, VIPD_CSUM_PSEUDO, ev.pkt, sizeof ev.pkt);
  g_assert_cmpuint (ev.len, >, 0);
  r->n_tx++;

  for (guint j = 0; j < lan->routers->len; j++)
    {
      SimRouter *peer = sim_lan_router (lan, j);
      guint64 delay;

      if (peer->host == r->host || lan->group[peer->host] != lan->group[r->host])
        continue;
      /* Drawn for every copy, partitioned or not, so loss stays reproducible. */
      if (lan->loss > 0 && g_rand_double (lan->rand) < lan->loss)
        {
          peer->n_lost++;
          continue;
        }
      delay = lan->link_delay[r->host][peer->host];
      ev.at = lan->now + (delay != 0 ? delay : lan->delay_us);
      ev.idx = j;
      heap_push (lan, &ev);
    }
}

static void
apply (SimLan *lan, guint idx, const VipdActions *a)
{
  SimRouter *r = sim_lan_router (lan, idx);
  char buf[VIPD_ADDR_STRLEN];
  guint64 next;

  if (a->remove_vips)
    {
      g_assert_true (r->holds_vips);
      r->holds_vips = FALSE;
    }
  if (a->add_vips)
    {
      g_assert_false (r->holds_vips);
      r->holds_vips = TRUE;
    }
  if (a->send_advert)
    send_advert (lan, idx, a->advert_priority);
  if (a->state_changed && g_test_verbose ())
    g_test_message ("%.6f  %s vrid %u: %s -> %s (%s)", lan->now / 1e6,
                    vipd_addr_format (&r->fsm.cfg.primary, buf, sizeof buf), r->fsm.cfg.vrid,
                    vipd_state_name (a->old_state), vipd_state_name (a->new_state), a->reason);

  next = vipd_fsm_next_deadline (&r->fsm);
  if (next != r->timer_at)
    {
      SimEv ev = { .at = next, .kind = SIM_EV_TIMER, .idx = idx };

      /* A deadline that is not in the future would spin the simulation. */
      g_assert_cmpuint (next, >, lan->now);
      r->timer_at = next;
      if (next != VIPD_FSM_NO_DEADLINE)
        heap_push (lan, &ev);
    }
}

static void
deliver (SimLan *lan, const SimEv *ev)
{
  SimRouter *r = sim_lan_router (lan, ev->idx);
  VipdRxExpect expect = {
    .version = r->fsm.cfg.version,
    .family = AF_INET,
    .vrid = r->fsm.cfg.vrid,
    .auth_type = r->auth_pass != NULL ? VIPD_VRRP_AUTH_PASS : VIPD_VRRP_AUTH_NONE,
    .auth_pass = r->auth_pass,
    .adver_int_cs = r->fsm.cfg.adver_int_cs,
    .vips = &r->vip,
    .n_vips = 1,
    .csum_form = VIPD_CSUM_PSEUDO,
  };
  VipdAdvert adv;
  VipdRxResult res;
  VipdEvent fev = { .type = VIPD_EV_ADVERT };
  VipdActions a;

  res = vipd_packet_check (ev->pkt, ev->len, &ev->meta, &expect, &adv);
  if (res == VIPD_RX_VRID)
    return; /* another VRID on the same LAN: not for this instance */
  if (res != VIPD_RX_OK)
    {
      r->n_rx_dropped++;
      lan->rx_rejected++;
      return;
    }
  r->n_rx++;
  fev.src = ev->meta.src;
  fev.priority = adv.priority;
  fev.adver_int_cs = adv.adver_int_cs;
  vipd_fsm_step (&r->fsm, &fev, lan->now, &a);
  apply (lan, ev->idx, &a);
}

static void
process (SimLan *lan, const SimEv *ev)
{
  SimRouter *r = sim_lan_router (lan, ev->idx);
  VipdActions a;

  if (!r->alive)
    return;
  switch (ev->kind)
    {
    case SIM_EV_TIMER:
      if (ev->at != r->timer_at)
        return; /* superseded by a later arming */
      r->timer_at = VIPD_FSM_NO_DEADLINE;
      vipd_fsm_step (&r->fsm, &(VipdEvent){ .type = VIPD_EV_TIMER }, lan->now, &a);
      apply (lan, ev->idx, &a);
      break;
    case SIM_EV_PACKET:
      deliver (lan, ev);
      break;
    case SIM_EV_CONTROL:
      vipd_fsm_step (&r->fsm, &(VipdEvent){ .type = ev->type, .priority = ev->priority },
                     lan->now, &a);
      apply (lan, ev->idx, &a);
      break;
    case SIM_EV_CRASH:
      r->alive = FALSE;
      r->holds_vips = FALSE;
      break;
    }
}

void
sim_lan_run_until (SimLan *lan, guint64 until)
{
  while (lan->heap->len > 0 && g_array_index (lan->heap, SimEv, 0).at <= until)
    {
      SimEv ev;

      heap_pop (lan, &ev);
      g_assert_cmpuint (ev.at, >=, lan->now);
      lan->now = ev.at;
      process (lan, &ev);
      if (lan->observer != NULL)
        lan->observer (lan, lan->now, lan->observer_data);
    }
  lan->now = until;
}

guint64
sim_lan_now (SimLan *lan)
{
  return lan->now;
}

guint
sim_lan_count_masters (SimLan *lan, guint8 vrid)
{
  guint n = 0;

  for (guint i = 0; i < lan->routers->len; i++)
    {
      SimRouter *r = sim_lan_router (lan, i);
      n += r->alive && r->fsm.cfg.vrid == vrid && r->fsm.state == VIPD_STATE_MASTER;
    }
  return n;
}

gint
sim_lan_sole_master (SimLan *lan, guint8 vrid)
{
  gint found = -1;

  for (guint i = 0; i < lan->routers->len; i++)
    {
      SimRouter *r = sim_lan_router (lan, i);

      if (!r->alive || r->fsm.cfg.vrid != vrid || r->fsm.state != VIPD_STATE_MASTER)
        continue;
      if (found >= 0)
        return -1;
      found = (gint) i;
    }
  return found;
}

guint
sim_lan_count_holders (SimLan *lan, guint8 vrid)
{
  guint n = 0;

  for (guint i = 0; i < lan->routers->len; i++)
    {
      SimRouter *r = sim_lan_router (lan, i);
      n += r->alive && r->fsm.cfg.vrid == vrid && r->holds_vips;
    }
  return n;
}

guint
sim_lan_rx_rejected (SimLan *lan)
{
  return lan->rx_rejected;
}
