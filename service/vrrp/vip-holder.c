/* vip-holder.c — adding, renewing, restoring, removing and announcing one instance's VIPs. */
#include "vip-holder.h"

#include <gio/gio.h>
#include <net/if.h>

#include "deadline-queue.h"
#include "garp.h"
#include "log.h"

typedef struct
{
  VipdNlVip nl;
  char *ifname;
  char *label;
  VipdVipRenewal *renewal; /* its renewal request, built at the first renewal */
} VipEntry;

struct _VipdVipHolder
{
  VipdVipNetlink *nl;
  char *log_name;
  GArray *vips; /* VipEntry */
  VipdAnnounceSchedule schedule;
  guint32 lifetime_s;
  gboolean held;
  gboolean renewing; /* in the renewal registry below */
  guint64 renewed_at;
  guint burst_left;
  guint burst_source;
  guint delay_source;
  guint refresh_source;
};

static void
vip_entry_clear (gpointer data)
{
  VipEntry *e = data;

  g_free (e->ifname);
  g_free (e->label);
  vipd_vip_renewal_unref (e->renewal);
}

static void
load_vips (VipdVipHolder *h, const VipdInstance *inst)
{
  g_array_set_size (h->vips, 0);
  for (guint i = 0; i < inst->vips->len; i++)
    {
      const VipdVip *v = g_ptr_array_index (inst->vips, i);
      VipEntry e = { 0 };

      e.nl.addr = v->addr;
      e.nl.prefix_len = v->prefix_len;
      e.nl.broadcast = v->brd;
      e.nl.scope = v->scope < 0 ? 0 : v->scope;
      e.label = g_strdup (v->label);
      e.nl.label = e.label;
      e.ifname = g_strdup (v->dev ? v->dev : vipd_instance_vip_interface (inst));
      g_array_append_val (h->vips, e);
    }
}

static void
load_schedule (VipdVipHolder *h, const VipdInstance *inst, const VipdGlobalDefs *global)
{
  h->schedule.delay_ms = inst->garp_master_delay_ms;
  h->schedule.repeat = MAX (inst->garp_master_repeat, 1);
  h->schedule.refresh_ms = inst->garp_master_refresh_ms;
  h->schedule.refresh_repeat = MAX (inst->garp_master_refresh_repeat, 1);
  h->schedule.interval_ms = inst->family == AF_INET6 ? global->gna_interval_ms
                                                     : global->garp_interval_ms;
}

/* --- the shared renewal tick ---
 *
 * Every held VIP with a lifetime is renewed half a lifetime after the last renewal at the
 * latest. One deadline serves every holder, and when it fires it also renews the holders due
 * within the next quarter of their lifetime: renewals fall into a couple of batches per period
 * whatever the number of instances, each batch one datagram (vipd_vip_renew_cached), instead of one
 * request per instance spread over the period. A holder is renewed every 1/4 to 1/2 of its
 * lifetime, so a killed daemon's VIPs still expire within one lifetime, and a renewal delayed
 * by a busy machine has half a lifetime (at least 1 s) before the VIP would expire.
 *
 * The tick may fire that quarter early (vipd_deadline_set_early): on an active master an
 * advert wakes the daemon at least once an advert interval, and the renewal rides along on
 * that wake-up instead of taking one of its own. The batch is flushed before the tick returns,
 * so a renewal costs one datagram and no extra main-loop iteration. */
static GPtrArray *renewing; /* VipdVipHolder, held with a finite lifetime */
static VipdDeadline *renew_tick;
static guint64 renew_tick_at = VIPD_DEADLINE_NEVER;

static guint64
renew_period_us (const VipdVipHolder *h)
{
  return (guint64) h->lifetime_s * G_USEC_PER_SEC / 2;
}

static void
renew_now (VipdVipHolder *h, guint64 now_us)
{
  /* Queued, not sent: the batch goes out in one datagram once the tick has queued every holder
   * due (renew_tick_fired), and the kernel answers only failures (logged by
   * vipd_vip_holder_renew_failed). A failed renewal is retried at the next tick; a VIP that
   * expires first is restored by vipd_vip_holder_address_removed. */
  for (guint i = 0; i < h->vips->len; i++)
    {
      VipEntry *e = &g_array_index (h->vips, VipEntry, i);
      g_autoptr (GError) error = NULL;

      if (!vipd_vip_renew_cached (h->nl, e->ifname, &e->nl, h->lifetime_s, h->log_name,
                                  &e->renewal, &error))
        vipd_log_instance (G_LOG_LEVEL_WARNING, h->log_name, "%s", error->message);
    }
  h->renewed_at = now_us;
}

/* at_us is the earliest holder's renewal deadline; early_us the quarter lifetime it may come
 * sooner. Once renew_tick_fired has run, every holder is more than a quarter lifetime before its
 * deadline, so the tick it re-arms is not yet inside its window and cannot loop. */
static void
arm_renew_tick (guint64 at_us, guint64 early_us)
{
  renew_tick_at = at_us;
  vipd_deadline_set_early (renew_tick, at_us, early_us);
}

static void
renew_tick_fired (gpointer user_data)
{
  guint64 now = (guint64) g_get_monotonic_time ();
  guint64 next = VIPD_DEADLINE_NEVER;
  guint64 early = 0;
  VipdVipNetlink *queued = NULL; /* the handle holding the renewals queued so far */

  (void) user_data;
  renew_tick_at = VIPD_DEADLINE_NEVER;
  for (guint i = 0; i < renewing->len; i++)
    {
      VipdVipHolder *h = g_ptr_array_index (renewing, i);
      guint64 period = renew_period_us (h);

      if (h->renewed_at + period <= now + period / 2)
        {
          /* Holders share their daemon's netlink handle: in practice one flush, below. */
          if (queued != NULL && queued != h->nl)
            vipd_vip_renew_flush (queued);
          renew_now (h, now);
          queued = h->nl;
        }
      if (h->renewed_at + period < next)
        {
          next = h->renewed_at + period;
          early = period / 2;
        }
    }
  if (queued != NULL)
    vipd_vip_renew_flush (queued);
  arm_renew_tick (next, early);
}

static void
renewing_add (VipdVipHolder *h)
{
  guint64 due;

  if (h->renewing)
    return;
  if (renewing == NULL)
    {
      renewing = g_ptr_array_new ();
      renew_tick = vipd_deadline_new (renew_tick_fired, NULL);
    }
  g_ptr_array_add (renewing, h);
  h->renewing = TRUE;
  due = h->renewed_at + renew_period_us (h);
  if (due < renew_tick_at)
    arm_renew_tick (due, renew_period_us (h) / 2);
}

static void
renewing_remove (VipdVipHolder *h)
{
  if (!h->renewing)
    return;
  g_ptr_array_remove_fast (renewing, h);
  h->renewing = FALSE;
  /* The tick stays armed; firing with nothing due just re-arms it. The last one frees it. */
  if (renewing->len == 0)
    {
      g_clear_pointer (&renew_tick, vipd_deadline_free);
      g_clear_pointer (&renewing, g_ptr_array_unref);
      renew_tick_at = VIPD_DEADLINE_NEVER;
    }
}

static void
update_renewing (VipdVipHolder *h)
{
  if (h->held && h->lifetime_s != VIPD_VIP_LIFETIME_FOREVER)
    renewing_add (h);
  else
    renewing_remove (h);
}

VipdVipHolder *
vipd_vip_holder_new (VipdVipNetlink *nl, const char *log_name, const VipdInstance *instance,
                     const VipdGlobalDefs *global)
{
  VipdVipHolder *h = g_new0 (VipdVipHolder, 1);

  h->nl = nl;
  h->log_name = g_strdup (log_name);
  h->vips = g_array_new (FALSE, TRUE, sizeof (VipEntry));
  g_array_set_clear_func (h->vips, vip_entry_clear);
  h->lifetime_s = VIPD_VIP_LIFETIME_FOREVER;
  load_vips (h, instance);
  load_schedule (h, instance, global);
  return h;
}

static void
stop_announcing (VipdVipHolder *h)
{
  g_clear_handle_id (&h->burst_source, g_source_remove);
  g_clear_handle_id (&h->delay_source, g_source_remove);
  g_clear_handle_id (&h->refresh_source, g_source_remove);
  h->burst_left = 0;
}

void
vipd_vip_holder_free (VipdVipHolder *h)
{
  if (h == NULL)
    return;
  if (h->held)
    vipd_vip_holder_release (h);
  renewing_remove (h);
  stop_announcing (h);
  g_array_unref (h->vips);
  g_free (h->log_name);
  g_free (h);
}

void
vipd_vip_holder_set_lifetime (VipdVipHolder *h, guint32 lifetime_s)
{
  guint64 old_period = renew_period_us (h);

  h->lifetime_s = lifetime_s;
  if (h->renewing && renew_period_us (h) != old_period)
    {
      /* Another lifetime after a reload: renew at the next tick. Waiting for the new period
       * could outlast the lifetime the VIPs still have in the kernel (the old one). */
      renewing_remove (h);
      h->renewed_at = 0;
    }
  update_renewing (h);
}

static char *
vip_text (const VipEntry *e)
{
  char buf[VIPD_ADDR_STRLEN];

  return g_strdup_printf ("%s/%u", vipd_addr_format (&e->nl.addr, buf, sizeof buf),
                          e->nl.prefix_len);
}

static gboolean
add_one (VipdVipHolder *h, const VipEntry *e)
{
  g_autoptr (GError) error = NULL;

  if (vipd_vip_add (h->nl, e->ifname, &e->nl, h->lifetime_s, TRUE, &error))
    return TRUE;
  vipd_log_instance (G_LOG_LEVEL_WARNING, h->log_name, "%s", error->message);
  return FALSE;
}

static void
remove_one (VipdVipHolder *h, const VipEntry *e)
{
  g_autoptr (GError) error = NULL;

  if (!vipd_vip_remove (h->nl, e->ifname, &e->nl, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    vipd_log_instance (G_LOG_LEVEL_WARNING, h->log_name, "%s", error->message);
}

static void
announce_once (VipdVipHolder *h)
{
  for (guint i = 0; i < h->vips->len; i++)
    {
      const VipEntry *e = &g_array_index (h->vips, VipEntry, i);
      g_autoptr (GError) error = NULL;

      if (!vipd_announce_vip (e->ifname, &e->nl.addr, &error))
        vipd_log_instance (G_LOG_LEVEL_WARNING, h->log_name, "%s", error->message);
    }
}

static gboolean
burst_tick (gpointer data)
{
  VipdVipHolder *h = data;

  announce_once (h);
  if (--h->burst_left > 0)
    return G_SOURCE_CONTINUE;
  h->burst_source = 0;
  return G_SOURCE_REMOVE;
}

static void
start_burst (VipdVipHolder *h, guint count)
{
  g_clear_handle_id (&h->burst_source, g_source_remove);
  h->burst_left = 0;
  if (h->schedule.interval_ms == 0)
    {
      for (guint i = 0; i < count; i++)
        announce_once (h);
      return;
    }
  /* The first one goes now; the rest are spaced by the configured interval. */
  announce_once (h);
  if (count > 1)
    {
      h->burst_left = count - 1;
      h->burst_source = g_timeout_add (h->schedule.interval_ms, burst_tick, h);
    }
}

static gboolean
delay_fired (gpointer data)
{
  VipdVipHolder *h = data;

  h->delay_source = 0;
  start_burst (h, h->schedule.repeat);
  return G_SOURCE_REMOVE;
}

static gboolean
refresh_fired (gpointer data)
{
  VipdVipHolder *h = data;

  start_burst (h, h->schedule.refresh_repeat);
  return G_SOURCE_CONTINUE;
}

void
vipd_vip_holder_take (VipdVipHolder *h, guint64 now_us)
{
  for (guint i = 0; i < h->vips->len; i++)
    add_one (h, &g_array_index (h->vips, VipEntry, i));
  h->held = TRUE;
  h->renewed_at = now_us;
  update_renewing (h);
}

void
vipd_vip_holder_start_announcements (VipdVipHolder *h)
{
  if (!h->held)
    return;
  stop_announcing (h);
  start_burst (h, h->schedule.repeat);
  if (h->schedule.delay_ms > 0)
    h->delay_source = g_timeout_add (h->schedule.delay_ms, delay_fired, h);
  if (h->schedule.refresh_ms > 0)
    h->refresh_source = g_timeout_add (h->schedule.refresh_ms, refresh_fired, h);
}

void
vipd_vip_holder_renew_failed (const char *log_name, const char *message)
{
  if (log_name != NULL)
    vipd_log_instance (G_LOG_LEVEL_WARNING, log_name, "%s", message);
  else
    g_warning ("%s", message);
}

void
vipd_vip_holder_release (VipdVipHolder *h)
{
  stop_announcing (h);
  h->held = FALSE;
  update_renewing (h);
  for (guint i = 0; i < h->vips->len; i++)
    remove_one (h, &g_array_index (h->vips, VipEntry, i));
}

void
vipd_vip_holder_announce (VipdVipHolder *h)
{
  if (h->held)
    start_burst (h, h->schedule.repeat);
}

gboolean
vipd_vip_holder_is_held (const VipdVipHolder *h)
{
  return h->held;
}

guint
vipd_vip_holder_remove_leftovers (VipdVipHolder *h)
{
  guint removed = 0;

  if (h->held)
    return 0;
  for (guint i = 0; i < h->vips->len; i++)
    {
      const VipEntry *e = &g_array_index (h->vips, VipEntry, i);
      g_autoptr (GError) error = NULL;
      gboolean present = FALSE;

      if (!vipd_vip_is_present (h->nl, e->ifname, &e->nl, &present, &error))
        {
          vipd_log_instance (G_LOG_LEVEL_DEBUG, h->log_name, "%s", error->message);
          continue;
        }
      if (present)
        {
          g_autofree char *text = vip_text (e);

          remove_one (h, e);
          vipd_log_instance (G_LOG_LEVEL_MESSAGE, h->log_name,
                             "removed VIP %s from %s: left over by an earlier run", text,
                             e->ifname);
          removed++;
        }
    }
  return removed;
}

gboolean
vipd_vip_holder_address_removed (VipdVipHolder *h, int ifindex, const VipdAddr *addr)
{
  for (guint i = 0; i < h->vips->len; i++)
    {
      const VipEntry *e = &g_array_index (h->vips, VipEntry, i);

      if (!vipd_addr_equal (&e->nl.addr, addr) || (int) if_nametoindex (e->ifname) != ifindex)
        continue;
      if (h->held)
        {
          g_autofree char *text = vip_text (e);

          if (add_one (h, e))
            vipd_log_instance (G_LOG_LEVEL_WARNING, h->log_name,
                               "VIP %s disappeared from %s (removed by another program, or its lifetime ran out); restored", text,
                               e->ifname);
        }
      return TRUE;
    }
  return FALSE;
}

static gboolean
entry_in (const VipEntry *e, GArray *list)
{
  for (guint i = 0; i < list->len; i++)
    {
      const VipEntry *o = &g_array_index (list, VipEntry, i);

      if (vipd_addr_equal (&o->nl.addr, &e->nl.addr) && o->nl.prefix_len == e->nl.prefix_len
          && g_strcmp0 (o->ifname, e->ifname) == 0)
        return TRUE;
    }
  return FALSE;
}

void
vipd_vip_holder_update (VipdVipHolder *h, const VipdInstance *instance,
                        const VipdGlobalDefs *global, guint64 now_us)
{
  g_autoptr (GArray) old = h->vips;

  h->vips = g_array_new (FALSE, TRUE, sizeof (VipEntry));
  g_array_set_clear_func (h->vips, vip_entry_clear);
  load_vips (h, instance);
  load_schedule (h, instance, global);
  if (!h->held)
    return;
  for (guint i = 0; i < old->len; i++)
    if (!entry_in (&g_array_index (old, VipEntry, i), h->vips))
      remove_one (h, &g_array_index (old, VipEntry, i));
  for (guint i = 0; i < h->vips->len; i++)
    if (!entry_in (&g_array_index (h->vips, VipEntry, i), old))
      {
        const VipEntry *e = &g_array_index (h->vips, VipEntry, i);

        if (add_one (h, e))
          {
            g_autoptr (GError) error = NULL;

            if (!vipd_announce_vip (e->ifname, &e->nl.addr, &error))
              vipd_log_instance (G_LOG_LEVEL_WARNING, h->log_name, "%s", error->message);
          }
      }
  /* renewed_at stays: the VIPs both lists share were not renewed here, and bumping it would
   * postpone their renewal until they expire (one reload every few hundred ms did just that). */
}

char **
vipd_vip_holder_dup_strings (const VipdVipHolder *h)
{
  GStrvBuilder *b = g_strv_builder_new ();
  char **out;

  for (guint i = 0; i < h->vips->len; i++)
    {
      g_autofree char *text = vip_text (&g_array_index (h->vips, VipEntry, i));

      g_strv_builder_add (b, text);
    }
  out = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return out;
}
