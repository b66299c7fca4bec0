/* vrrp-instance.c — the shell around one VipdFsm: it feeds the state machine packets, timer
 * expiries and link changes, and carries out the actions it returns. No protocol decisions
 * are taken here. */
#include "vrrp-instance.h"

#include <net/if.h>
#include <string.h>
#include <time.h>

#include "deadline-queue.h"
#include "log.h"
#include "vip-holder.h"
#include "vrrp-instance-private.h"

/* Dropped packets are logged once, then at most once per this period per reason. */
#define DROP_LOG_PERIOD_US (10 * G_USEC_PER_SEC)

static void step (VipdVrrpInstance *inst, const VipdEvent *ev);

static guint16
adver_int_cs (const VipdInstance *conf)
{
  return (guint16) MIN (conf->advert_int_ms / 10, 4095);
}

static void
load_config (VipdVrrpInstance *inst, const VipdInstance *conf, const VipdGlobalDefs *global)
{
  guint64 down_us;

  inst->conf = conf;
  inst->global = global;
  g_array_set_size (inst->vip_addrs, 0);
  for (guint i = 0; i < conf->vips->len; i++)
    {
      const VipdVip *v = g_ptr_array_index (conf->vips, i);

      g_array_append_val (inst->vip_addrs, v->addr);
    }
  /* A killed daemon's VIPs must outlive the slowest backup's Master_Down_Interval (priority 1
   * gives the longest Skew_Time), plus a second for the kernel's expiry granularity. */
  down_us = vipd_fsm_master_down_us ((guint8) conf->version, 1, adver_int_cs (conf));
  vipd_vip_holder_set_lifetime (inst->vips,
                                (guint32) MAX (2, (down_us + 2 * G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
}

static void
fill_fsm_config (const VipdInstance *conf, const VipdAddr *src, VipdFsmConfig *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->version = (guint8) conf->version;
  cfg->family = conf->family;
  cfg->vrid = (guint8) conf->vrid;
  cfg->priority = (guint8) CLAMP (conf->priority, 1, 255);
  cfg->adver_int_cs = adver_int_cs (conf);
  cfg->preempt = !conf->nopreempt;
  cfg->preempt_delay_cs = conf->preempt_delay_ms / 10;
  cfg->accept_mode = conf->accept == VIPD_TRISTATE_YES;
  cfg->primary = *src;
}

VipdVrrpInstance *
vipd_vrrp_instance_new (const VipdInstance *conf, const VipdGlobalDefs *global,
                        VipdVipNetlink *nl, VipdLinkMonitor *mon)
{
  VipdVrrpInstance *inst = g_new0 (VipdVrrpInstance, 1);
  VipdFsmConfig cfg;

  inst->name = g_strdup (conf->name);
  inst->mon = mon;
  inst->vip_addrs = g_array_new (FALSE, TRUE, sizeof (VipdAddr));
  inst->vips = vipd_vip_holder_new (nl, conf->name, conf, global);
  inst->nm_device = g_strdup ("absent");
  load_config (inst, conf, global);
  fill_fsm_config (conf, &inst->src, &cfg);
  vipd_fsm_init (&inst->fsm, &cfg);
  return inst;
}

/* router_advert: Router Advertisements exactly while master (RFC 5798/9568 section 8.2). */
static void
ra_follow (VipdVrrpInstance *inst, gboolean reconfigure)
{
  VipdRaCounters c = { &inst->counters.router_adverts_tx, &inst->counters.router_solicits_rx,
                       &inst->counters.send_errors };

  inst->ra = vipd_ra_sender_follow (inst->ra, inst->conf,
                                    inst->started && inst->fsm.state == VIPD_STATE_MASTER,
                                    reconfigure, &c);
}

void
vipd_vrrp_instance_free (VipdVrrpInstance *inst)
{
  if (inst == NULL)
    return;
  vipd_deadline_free (inst->timer);
  vipd_ra_sender_free (inst->ra);
  vipd_vrrp_instance_store_faults (inst, 0);
  vipd_vip_holder_free (inst->vips);
  g_array_unref (inst->vip_addrs);
  vipd_vrrp_socket_free (inst->tx_sock);
  g_free (inst->vmac_error);
  g_free (inst->socket_error);
  g_free (inst->last_reason);
  g_free (inst->track_reason);
  g_free (inst->sync_reason);
  g_free (inst->nm_device);
  g_free (inst->nm_reason);
  g_free (inst->prio_note);
  g_free (inst->reload_note);
  g_free (inst->name);
  g_free (inst);
}

void
vipd_vrrp_instance_set_changed_func (VipdVrrpInstance *inst, VipdInstanceChangedFunc func,
                                     gpointer user_data)
{
  inst->changed = func;
  inst->changed_data = user_data;
}

void
vipd_vrrp_instance_set_gate_func (VipdVrrpInstance *inst, VipdInstanceGateFunc func,
                                  gpointer user_data)
{
  inst->gate = func;
  inst->gate_data = user_data;
}

void
vipd_vrrp_instance_set_socket (VipdVrrpInstance *inst, VipdVrrpSocket *sock,
                               const char *error_message)
{
  inst->sock = sock;
  g_free (inst->socket_error);
  inst->socket_error = g_strdup (error_message);
}

/* --- timer: one deadline armed at the state machine's next deadline --- */

static void
timer_fired (gpointer data)
{
  VipdVrrpInstance *inst = data;
  VipdEvent ev = { .type = VIPD_EV_TIMER };

  step (inst, &ev);
}

static void
rearm (VipdVrrpInstance *inst)
{
  guint64 deadline = vipd_fsm_next_deadline (&inst->fsm);

  if (inst->timer == NULL)
    inst->timer = vipd_deadline_new (timer_fired, inst);
  vipd_deadline_set_early (inst->timer,
                           deadline == VIPD_FSM_NO_DEADLINE ? VIPD_DEADLINE_NEVER : deadline,
                           vipd_fsm_next_deadline_slack (&inst->fsm));
}

/* --- sending --- */

/* The VRRPv3/IPv4 checksum form this instance sends (and, when strict, alone accepts). */
static VipdCsumForm
csum_form (const VipdInstance *conf)
{
  return conf->v3_checksum_as_v2 == VIPD_TRISTATE_YES ? VIPD_CSUM_PLAIN : VIPD_CSUM_PSEUDO;
}

static void
send_to (VipdVrrpInstance *inst, const VipdAdvert *adv, const VipdAddr *dst)
{
  VipdPacketMeta meta = { .src = inst->src, .ttl = VIPD_VRRP_TTL };
  guint8 buf[VIPD_VRRP_HDR_LEN + VIPD_VRRP_MAX_ADDRS * 16 + VIPD_VRRP_V2_AUTH_LEN];
  g_autoptr (GError) error = NULL;
  gsize len;

  meta.dst = *dst;
  len = vipd_packet_encode (adv, &meta, csum_form (inst->conf), buf, sizeof buf);
  if (len == 0)
    {
      vipd_log_instance (G_LOG_LEVEL_WARNING, inst->name, "cannot encode an advert");
      inst->counters.send_errors++;
      return;
    }
  if (!vipd_vrrp_socket_send (inst->tx_sock ? inst->tx_sock : inst->sock, &inst->src, dst, buf,
                              len, &error))
    {
      inst->counters.send_errors++;
      vipd_log_instance (G_LOG_LEVEL_DEBUG, inst->name, "advert not sent: %s", error->message);
      return;
    }
  inst->counters.adverts_tx++;
}

static void
send_advert (VipdVrrpInstance *inst, guint8 priority)
{
  const VipdInstance *conf = inst->conf;
  VipdAdvert storage;
  VipdAdvert *adv = &storage;

  if (inst->sock == NULL || !vipd_addr_is_set (&inst->src))
    return;
  /* The header fields only: the encoder reads addrs[0..naddrs), filled below, and zeroing all
   * 255 slots (6 kB) on every advert cost more than the rest of the packet. */
  memset (adv, 0, G_STRUCT_OFFSET (VipdAdvert, addrs));
  adv->version = (guint8) conf->version;
  adv->type = VIPD_VRRP_TYPE_ADVERT;
  adv->vrid = (guint8) conf->vrid;
  adv->priority = priority;
  adv->family = conf->family;
  adv->adver_int_cs = adver_int_cs (conf);
  adv->naddrs = (guint8) MIN (inst->vip_addrs->len, VIPD_VRRP_MAX_ADDRS);
  for (guint i = 0; i < adv->naddrs; i++)
    adv->addrs[i] = g_array_index (inst->vip_addrs, VipdAddr, i);
  if (conf->version == 2 && conf->auth_type == VIPD_AUTH_PASS && conf->auth_pass)
    {
      adv->auth_type = VIPD_VRRP_AUTH_PASS;
      strncpy (adv->auth_data, conf->auth_pass, VIPD_VRRP_V2_AUTH_LEN);
    }

  if (conf->unicast_peers->len > 0)
    for (guint i = 0; i < conf->unicast_peers->len; i++)
      {
        const VipdPeer *peer = g_ptr_array_index (conf->unicast_peers, i);

        send_to (inst, adv, &peer->addr);
      }
  else
    send_to (inst, adv, vipd_vrrp_socket_get_group (inst->sock));
}

/* --- applying the state machine's actions --- */

/* Every transition names the instance, old -> new state, the reason and the priorities. */
static void
log_transition (VipdVrrpInstance *inst, const VipdActions *a)
{
  const VipdFsm *f = &inst->fsm;
  g_autofree char *prio = NULL;
  char m[VIPD_ADDR_STRLEN];

  if (f->admin_priority != 0)
    prio = g_strdup_printf ("priority %u (admin; base %u)", vipd_fsm_priority (f),
                            f->cfg.priority);
  else if (f->tracked_priority != f->cfg.priority && inst->prio_note)
    prio = g_strdup_printf ("priority %u (base %u; %s)", vipd_fsm_priority (f), f->cfg.priority,
                            inst->prio_note);
  else
    prio = g_strdup_printf ("priority %u", vipd_fsm_priority (f));
  if (vipd_addr_is_set (&f->master_addr) && a->new_state == VIPD_STATE_BACKUP)
    vipd_log_instance (G_LOG_LEVEL_MESSAGE, inst->name, "%s -> %s: %s; %s, master %s priority %u",
                       vipd_state_name (a->old_state), vipd_state_name (a->new_state),
                       a->reason[0] ? a->reason : "no reason given", prio,
                       vipd_addr_format (&f->master_addr, m, sizeof m), f->master_priority);
  else
    vipd_log_instance (G_LOG_LEVEL_MESSAGE, inst->name, "%s -> %s: %s; %s",
                       vipd_state_name (a->old_state), vipd_state_name (a->new_state),
                       a->reason[0] ? a->reason : "no reason given", prio);
}

static void
gate (VipdVrrpInstance *inst, gboolean open)
{
  if (inst->gate)
    inst->gate (inst, open, inst->gate_data);
}

static void
apply (VipdVrrpInstance *inst, const VipdActions *a, gboolean priority_kept)
{
  guint64 now = (guint64) g_get_monotonic_time ();

  if (a->remove_vips)
    {
      vipd_vip_holder_release (inst->vips);
      gate (inst, FALSE);
    }
  if (a->add_vips)
    {
      gate (inst, TRUE);
      vipd_vip_holder_take (inst->vips, now);
    }
  if (a->send_advert)
    send_advert (inst, a->advert_priority);
  /* Announcements go after the advert: closing the backups' timers comes first. */
  if (a->add_vips)
    vipd_vip_holder_start_announcements (inst->vips);
  else if (a->send_garp)
    vipd_vip_holder_announce (inst->vips);
  if (a->state_changed)
    {
      inst->last_transition_us = (guint64) g_get_real_time ();
      g_free (inst->last_reason);
      inst->last_reason = g_strdup (a->reason);
      if (a->new_state == VIPD_STATE_MASTER)
        inst->counters.became_master++;
      log_transition (inst, a);
      ra_follow (inst, FALSE);
    }
  /* A master's periodic advert changes nothing an observer shows (the counters are read
   * live): with many instances that is almost every step, so it is not reported. */
  if (inst->changed && !(priority_kept && vipd_actions_routine (a)))
    inst->changed (inst, a, inst->changed_data);
}

static void
step (VipdVrrpInstance *inst, const VipdEvent *ev)
{
  VipdActions actions;
  guint8 before = vipd_fsm_priority (&inst->fsm);

  /* Observers hear of priority changes too, which come with no action. */
  if (vipd_fsm_step (&inst->fsm, ev, (guint64) g_get_monotonic_time (), &actions)
      || vipd_fsm_priority (&inst->fsm) != before)
    apply (inst, &actions, vipd_fsm_priority (&inst->fsm) == before);
  rearm (inst);
}

/* --- starting --- */

void
vipd_vrrp_instance_start (VipdVrrpInstance *inst)
{
  VipdEvent ev = { .type = VIPD_EV_STARTUP };

  vipd_vip_holder_remove_leftovers (inst->vips);
  vipd_vrrp_instance_store_faults (inst, vipd_vrrp_instance_link_faults (inst));
  if (inst->faults & FAULT_TRACK)
    vipd_log_instance (G_LOG_LEVEL_MESSAGE, inst->name, "starts in fault: %s", inst->track_reason);
  inst->started = TRUE;
  step (inst, &ev);
  if (inst->faults)
    {
      g_autofree char *reason = vipd_vrrp_instance_fault_reason (inst);
      VipdEvent fault = { .type = VIPD_EV_FAULT_ON, .reason = reason };

      step (inst, &fault);
    }
}

/* --- receiving --- */

static void
count_drop (VipdVrrpInstance *inst, VipdRxResult r, const VipdPacketMeta *meta)
{
  guint64 now = (guint64) g_get_monotonic_time ();
  char src[VIPD_ADDR_STRLEN];
  g_autofree char *more = NULL;

  inst->counters.rx_dropped[r]++;
  if (inst->drop_logged_at[r] != 0 && now < inst->drop_logged_at[r] + DROP_LOG_PERIOD_US)
    {
      inst->drop_unlogged[r]++;
      return;
    }
  more = inst->drop_unlogged[r]
             ? g_strdup_printf ("; %" G_GUINT64_FORMAT " more since the last report",
                                inst->drop_unlogged[r])
             : NULL;
  vipd_log_instance (G_LOG_LEVEL_WARNING, inst->name, "dropped a packet from %s: %s (TTL %u)%s",
                     vipd_addr_format (&meta->src, src, sizeof src), vipd_rx_result_describe (r),
                     meta->ttl, more ? more : "");
  inst->drop_logged_at[r] = now;
  inst->drop_unlogged[r] = 0;
}

static gboolean
from_peer (const VipdInstance *conf, const VipdAddr *src)
{
  for (guint i = 0; i < conf->unicast_peers->len; i++)
    if (vipd_addr_equal (&((const VipdPeer *) g_ptr_array_index (conf->unicast_peers, i))->addr,
                         src))
      return TRUE;
  return FALSE;
}

void
vipd_vrrp_instance_receive (VipdVrrpInstance *inst, const guint8 *payload, gsize len,
                            const VipdPacketMeta *meta)
{
  const VipdInstance *conf = inst->conf;
  g_autofree VipdAdvert *adv = g_new0 (VipdAdvert, 1);
  VipdRxExpect expect = { 0 };
  VipdRxResult r;
  VipdEvent ev = { .type = VIPD_EV_ADVERT };

  if (!inst->started)
    return;
  expect.version = (guint8) conf->version;
  expect.family = conf->family;
  expect.vrid = (guint8) conf->vrid;
  expect.auth_type = conf->version == 2 && conf->auth_type == VIPD_AUTH_PASS
                         ? VIPD_VRRP_AUTH_PASS
                         : VIPD_VRRP_AUTH_NONE;
  expect.auth_pass = expect.auth_type == VIPD_VRRP_AUTH_PASS ? conf->auth_pass : NULL;
  expect.adver_int_cs = adver_int_cs (conf);
  expect.vips = (const VipdAddr *) (gconstpointer) inst->vip_addrs->data;
  expect.n_vips = inst->vip_addrs->len;
  expect.skip_check_adv_addr = inst->global->skip_check_adv_addr;
  expect.csum_form = csum_form (conf);
  expect.csum_strict = conf->v3_checksum_strict == VIPD_TRISTATE_YES;
  expect.local_is_owner = vipd_fsm_priority (&inst->fsm) == VIPD_PRIORITY_OWNER;

  r = vipd_packet_check (payload, len, meta, &expect, adv);
  /* Unicast mode knows its peers: an advert from anyone else is forged or misdirected
   * (keepalived checks this only with vrrp_check_unicast_src; vipd always does). */
  if (r == VIPD_RX_OK && conf->unicast_peers->len > 0 && !from_peer (conf, &meta->src))
    r = VIPD_RX_SRC_ADDR;
  if (r != VIPD_RX_OK)
    {
      count_drop (inst, r, meta);
      return;
    }
  inst->counters.adverts_rx++;
  if (adv->priority != inst->fsm.master_priority || inst->fsm.state != VIPD_STATE_BACKUP)
    {
      char src[VIPD_ADDR_STRLEN];

      vipd_log_instance (G_LOG_LEVEL_DEBUG, inst->name, "advert from %s, priority %u, in %s",
                         vipd_addr_format (&meta->src, src, sizeof src), adv->priority,
                         vipd_state_name (inst->fsm.state));
    }
  ev.src = meta->src;
  ev.priority = adv->priority;
  ev.adver_int_cs = adv->adver_int_cs;
  step (inst, &ev);
}

/* --- stopping and reloading --- */

gboolean
vipd_vrrp_instance_begin_handover (VipdVrrpInstance *inst)
{
  VipdEvent ev = { .type = VIPD_EV_ADMIN_DEMOTE,
                   .reason = "vipd is stopping: priority 0 sent, handing over" };

  if (!inst->started || inst->fsm.state != VIPD_STATE_MASTER)
    return FALSE;
  step (inst, &ev);
  return vipd_vip_holder_is_held (inst->vips);
}

void
vipd_vrrp_instance_stop (VipdVrrpInstance *inst)
{
  VipdEvent ev = { .type = VIPD_EV_SHUTDOWN, .reason = "vipd is stopping" };

  if (!inst->started)
    return;
  step (inst, &ev);
  if (vipd_vip_holder_is_held (inst->vips))
    {
      vipd_vip_holder_release (inst->vips);
      gate (inst, FALSE);
    }
  inst->started = FALSE;
  ra_follow (inst, FALSE);
  if (inst->timer)
    vipd_deadline_set (inst->timer, VIPD_DEADLINE_NEVER);
}

gboolean
vipd_vrrp_instance_compatible (const VipdVrrpInstance *inst, const VipdInstance *conf)
{
  const VipdInstance *old = inst->conf;

  return g_strcmp0 (old->name, conf->name) == 0
         && g_strcmp0 (old->interface, conf->interface) == 0 && old->vrid == conf->vrid
         && old->family == conf->family && old->version == conf->version
         && (old->unicast_peers->len > 0) == (conf->unicast_peers->len > 0)
         && old->use_vmac == conf->use_vmac && old->vmac_xmit_base == conf->vmac_xmit_base
         && g_strcmp0 (vipd_instance_vip_interface (old), vipd_instance_vip_interface (conf)) == 0;
}

void
vipd_vrrp_instance_reconfigure (VipdVrrpInstance *inst, const VipdInstance *conf,
                                const VipdGlobalDefs *global)
{
  guint8 old_base = inst->fsm.cfg.priority;
  VipdFsmConfig cfg;

  load_config (inst, conf, global);
  ra_follow (inst, TRUE);
  vipd_vip_holder_update (inst->vips, conf, global, (guint64) g_get_monotonic_time ());
  fill_fsm_config (conf, &inst->src, &cfg);
  /* The state machine keeps its state; only its settings change. A new base priority is not
   * stepped here: the trackers come next (vipd_vrrp_instance_set_tracking, which every reload
   * calls), and the priority moves once, with them, through a priority event that re-evaluates
   * preemption. Stepping to the bare base first could preempt for a moment. */
  inst->fsm.cfg.adver_int_cs = cfg.adver_int_cs;
  inst->fsm.cfg.preempt = cfg.preempt;
  inst->fsm.cfg.preempt_delay_cs = cfg.preempt_delay_cs;
  inst->fsm.cfg.accept_mode = cfg.accept_mode;
  if (cfg.priority != old_base)
    {
      inst->fsm.cfg.priority = cfg.priority;
      g_free (inst->reload_note);
      inst->reload_note = g_strdup_printf ("configuration reloaded: priority %u -> %u", old_base,
                                           cfg.priority);
      if (!inst->started)
        inst->fsm.tracked_priority = cfg.priority;
    }
}

/* --- admin commands --- */

void
vipd_vrrp_instance_admin (VipdVrrpInstance *inst, VipdEventType type, guint8 priority,
                          const char *reason)
{
  VipdEvent ev = { .type = type, .priority = priority, .reason = reason };

  if (inst->started)
    {
      step (inst, &ev);
      return;
    }
  /* Not running yet: the state machine records the command in its init state. */
  {
    VipdActions ignored;

    vipd_fsm_step (&inst->fsm, &ev, (guint64) g_get_monotonic_time (), &ignored);
  }
}

gboolean
vipd_vrrp_instance_send_garp (VipdVrrpInstance *inst)
{
  if (!vipd_vip_holder_is_held (inst->vips))
    return FALSE;
  vipd_vip_holder_announce (inst->vips);
  return TRUE;
}

/* --- accessors --- */

guint64
vipd_vrrp_instance_get_last_transition (const VipdVrrpInstance *inst, const char **reason)
{
  if (reason)
    *reason = inst->last_reason ? inst->last_reason : "";
  return inst->last_transition_us;
}

VipdAddr
vipd_vrrp_instance_get_owner (const VipdVrrpInstance *inst)
{
  VipdAddr none = { .family = AF_UNSPEC };

  if (inst->fsm.state == VIPD_STATE_MASTER)
    return inst->src;
  if (inst->fsm.state == VIPD_STATE_BACKUP && !inst->fsm.handing_over)
    return inst->fsm.master_addr;
  return none;
}

char **
vipd_vrrp_instance_dup_vips (const VipdVrrpInstance *inst)
{
  return vipd_vip_holder_dup_strings (inst->vips);
}

const char *
vipd_vrrp_instance_get_name (const VipdVrrpInstance *inst)
{
  return inst->name;
}

const VipdInstance *
vipd_vrrp_instance_get_config (const VipdVrrpInstance *inst)
{
  return inst->conf;
}

VipdState
vipd_vrrp_instance_get_state (const VipdVrrpInstance *inst)
{
  return inst->fsm.state;
}

const VipdFsm *
vipd_vrrp_instance_get_fsm (const VipdVrrpInstance *inst)
{
  return &inst->fsm;
}

gboolean
vipd_vrrp_instance_holds_vips (const VipdVrrpInstance *inst)
{
  return vipd_vip_holder_is_held (inst->vips);
}

const VipdInstanceCounters *
vipd_vrrp_instance_get_counters (const VipdVrrpInstance *inst)
{
  return &inst->counters;
}

guint64
vipd_vrrp_instance_handover_us (const VipdVrrpInstance *inst)
{
  guint16 cs = adver_int_cs (inst->conf);

  return vipd_fsm_skew_time_us ((guint8) inst->conf->version, 1, cs) + (guint64) cs * 10000;
}

/* --- for vrrp-instance-track.c and vrrp-instance-link.c --- */

void
vipd_vrrp_instance_step (VipdVrrpInstance *inst, const VipdEvent *ev)
{
  step (inst, ev);
}
