/* lvs-manager.c — see lvs-manager.h. Checker results only mark the table dirty; one idle
 * callback then computes the desired table (core/lvs/lvs-desired.c), diffs it against the
 * kernel's and applies the difference, so a burst of results costs one netlink exchange. */
#include "lvs-manager.h"

#include "log.h"
#include "lvs-checker.h"
#include "lvs/lvs-desired.h"
#include "notify-queue.h"
#include "track/script-command.h"

/* Notify and quorum scripts that have not finished after this long are killed. */
#define LVS_SCRIPT_TIMEOUT_MS 10000
/* After a failed apply, try again this much later. */
#define RETRY_SECONDS 5

struct _VipdLvsRs
{
  VipdLvsVs *vs;
  const VipdRealServer *conf;
  char *name;
  char *fingerprint;
  GPtrArray *checkers; /* VipdLvsChecker*, one per conf->checkers entry */
  VipdRsStatus status;
  guint64 transitions;
  guint weight_now;
  gboolean in_table;
};

struct _VipdLvsVs
{
  VipdLvsManager *m;
  const VipdVirtualServer *conf;
  GPtrArray *rss; /* VipdLvsRs*, parallel to conf->real_servers */
  gboolean quorum_up;
};

struct _VipdLvsManager
{
  const VipdConfig *config;
  const VipdLvsBackend *backend;
  gpointer handle;
  gboolean started, stopped;
  GPtrArray *vss;              /* VipdLvsVs*, owned */
  VipdIpvsTable *programmed;   /* what vipd last applied (its own services only) */
  guint sync_source;
  guint retry_source;
  VipdNotifyQueue *scripts;
  VipdRunAs run_as;
  gboolean scripts_ok;
  VipdLvsObserver observer;
  gpointer observer_data;
  VipdLvsWeightStore store;
};

static void schedule_sync (VipdLvsManager *m);

/* ---- scripts ---- */

static void
run_script (VipdLvsManager *m, const VipdCommand *cmd, const char *what)
{
  g_autoptr (GError) error = NULL;
  char **argv;

  if (cmd->command == NULL)
    return;
  if (!m->scripts_ok)
    {
      vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "%s \"%s\" not run: script_user cannot be "
                                                    "resolved",
                         what, cmd->command);
      return;
    }
  argv = vipd_script_argv (cmd->command, NULL, &error);
  if (argv == NULL)
    {
      vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "%s: %s", what, error->message);
      return;
    }
  vipd_notify_queue_push (m->scripts, argv);
}

static void
resolve_run_as (VipdLvsManager *m)
{
  g_autoptr (GError) error = NULL;

  vipd_run_as_clear (&m->run_as);
  m->scripts_ok = vipd_run_as_resolve (&m->run_as, m->config->global.script_user,
                                       m->config->global.script_group, &error);
  if (!m->scripts_ok)
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "LVS notify scripts: %s", error->message);
}

/* ---- real servers ---- */

static void
notify_changed (VipdLvsManager *m, VipdLvsVs *vs, VipdLvsRs *rs)
{
  if (m->observer.changed)
    m->observer.changed (m, vs, rs, m->observer_data);
}

/* The verdict of rs: alive while every checker is up; misc_dynamic's weight. */
static void
rs_refresh (VipdLvsRs *rs)
{
  rs->status.alive = TRUE;
  rs->status.dynamic_weight = -1;
  for (guint i = 0; i < rs->checkers->len; i++)
    {
      VipdLvsChecker *c = g_ptr_array_index (rs->checkers, i);

      if (!vipd_lvs_checker_is_up (c))
        rs->status.alive = FALSE;
      if (vipd_lvs_checker_get_dynamic_weight (c) >= 0)
        rs->status.dynamic_weight = vipd_lvs_checker_get_dynamic_weight (c);
    }
}

static void
vs_update_quorum (VipdLvsVs *vs)
{
  const VipdVirtualServer *conf = vs->conf;
  g_autofree VipdRsStatus *st = g_new0 (VipdRsStatus, MAX (vs->rss->len, 1));
  guint64 alive;
  gboolean up;

  for (guint i = 0; i < vs->rss->len; i++)
    st[i] = ((VipdLvsRs *) g_ptr_array_index (vs->rss, i))->status;
  alive = vipd_lvs_alive_weight (conf, st);
  up = vipd_lvs_quorum_next (vs->quorum_up, alive, conf->quorum, conf->hysteresis);
  if (up == vs->quorum_up)
    return;
  vs->quorum_up = up;
  vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL,
                     "%s quorum %s: alive weight %" G_GUINT64_FORMAT ", quorum %u, hysteresis %u%s",
                     conf->name, up ? "regained" : "lost", alive, conf->quorum, conf->hysteresis,
                     vipd_addr_is_set (&conf->sorry_addr)
                         ? (up ? "; sorry server withdrawn" : "; sorry server in service")
                         : "");
  run_script (vs->m, up ? &conf->quorum_up : &conf->quorum_down, up ? "quorum_up" : "quorum_down");
}

static void
on_checker (VipdLvsChecker *c, gboolean changed, gpointer data)
{
  VipdLvsRs *rs = data;
  VipdLvsVs *vs = rs->vs;
  gboolean was_alive = rs->status.alive;
  int was_dynamic = rs->status.dynamic_weight;

  rs_refresh (rs);
  if (rs->status.alive != was_alive)
    {
      rs->transitions++;
      if (rs->status.alive)
        run_script (vs->m, &rs->conf->notify_up, "notify_up");
      else
        run_script (vs->m, &rs->conf->notify_down, "notify_down");
    }
  if (rs->status.alive != was_alive || rs->status.dynamic_weight != was_dynamic)
    {
      vs_update_quorum (vs);
      schedule_sync (vs->m);
    }
  notify_changed (vs->m, vs, rs);
  if (rs->status.alive == was_alive && rs->status.dynamic_weight == was_dynamic)
    return;
  notify_changed (vs->m, vs, NULL);
}

static VipdLvsRs *
rs_new (VipdLvsVs *vs, const VipdRealServer *conf)
{
  VipdLvsRs *rs = g_new0 (VipdLvsRs, 1);

  rs->vs = vs;
  rs->conf = conf;
  rs->name = vipd_lvs_endpoint_name (&conf->addr, conf->port);
  rs->fingerprint = vipd_real_server_check_fingerprint (vs->conf, conf);
  rs->status = (VipdRsStatus) VIPD_RS_STATUS_INIT;
  rs->checkers = g_ptr_array_new_with_free_func ((GDestroyNotify) vipd_lvs_checker_free);
  for (guint i = 0; i < conf->checkers->len; i++)
    g_ptr_array_add (rs->checkers,
                     vipd_lvs_checker_new (vs->conf, conf, g_ptr_array_index (conf->checkers, i),
                                           &vs->m->config->global, on_checker, rs));
  rs_refresh (rs);
  return rs;
}

static void
rs_free (gpointer p)
{
  VipdLvsRs *rs = p;

  g_ptr_array_unref (rs->checkers);
  g_free (rs->name);
  g_free (rs->fingerprint);
  g_free (rs);
}

static void
rs_start (VipdLvsRs *rs)
{
  VipdLvsManager *m = rs->vs->m;

  if (m->store.load)
    {
      int saved = m->store.load (rs->vs->conf->name, rs->name, m->store.data);

      if (saved >= 0)
        {
          rs->status.admin_weight = saved;
          vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL,
                             "%s real server %s: admin weight %d restored", rs->vs->conf->name,
                             rs->name, saved);
        }
    }
  for (guint i = 0; i < rs->checkers->len; i++)
    vipd_lvs_checker_start (g_ptr_array_index (rs->checkers, i));
}

/* ---- virtual servers ---- */

static VipdLvsVs *
vs_new (VipdLvsManager *m, const VipdVirtualServer *conf)
{
  VipdLvsVs *vs = g_new0 (VipdLvsVs, 1);

  vs->m = m;
  vs->conf = conf;
  vs->rss = g_ptr_array_new_with_free_func (rs_free);
  vs->quorum_up = TRUE;
  return vs;
}

static void
vs_free (gpointer p)
{
  VipdLvsVs *vs = p;

  g_ptr_array_unref (vs->rss);
  g_free (vs);
}

/* The quorum a virtual server starts with: no hysteresis on the first look. */
static void
vs_initial_quorum (VipdLvsVs *vs)
{
  g_autofree VipdRsStatus *st = g_new0 (VipdRsStatus, MAX (vs->rss->len, 1));

  for (guint i = 0; i < vs->rss->len; i++)
    st[i] = ((VipdLvsRs *) g_ptr_array_index (vs->rss, i))->status;
  vs->quorum_up = vipd_lvs_alive_weight (vs->conf, st) >= vs->conf->quorum;
  if (!vs->quorum_up)
    vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "%s starts without quorum (%u)%s",
                       vs->conf->name, vs->conf->quorum,
                       vipd_addr_is_set (&vs->conf->sorry_addr) ? "; sorry server in service" : "");
}

/* ---- the table ---- */

static VipdIpvsTable *
desired_table (VipdLvsManager *m)
{
  VipdIpvsTable *t = vipd_ipvs_table_new ();

  if (m->stopped)
    return t;
  for (guint i = 0; i < m->vss->len; i++)
    {
      VipdLvsVs *vs = g_ptr_array_index (m->vss, i);
      g_autofree VipdRsStatus *st = g_new0 (VipdRsStatus, MAX (vs->rss->len, 1));
      gboolean sorry_only = !vs->quorum_up && vipd_addr_is_set (&vs->conf->sorry_addr);

      for (guint r = 0; r < vs->rss->len; r++)
        {
          VipdLvsRs *rs = g_ptr_array_index (vs->rss, r);
          guint old_weight = rs->weight_now;
          gboolean old_in = rs->in_table;

          st[r] = rs->status;
          rs->in_table = !sorry_only
                         && (rs->status.alive || vipd_real_server_inhibit (vs->conf, rs->conf));
          rs->weight_now = rs->in_table && rs->status.alive ? vipd_lvs_rs_weight (rs->conf, &st[r])
                                                             : 0;
          if (old_weight != rs->weight_now || old_in != rs->in_table)
            notify_changed (m, vs, rs);
        }
      vipd_lvs_desired_add (t, m->config, vs->conf, st, vs->quorum_up);
    }
  return t;
}

/* current restricted to the services of a or b: vipd leaves other services alone. */
static VipdIpvsTable *
owned_part (const VipdIpvsTable *current, const VipdIpvsTable *a, const VipdIpvsTable *b)
{
  VipdIpvsTable *t = vipd_ipvs_table_new ();

  for (guint i = 0; i < current->services->len; i++)
    {
      const VipdIpvsService *s = g_ptr_array_index (current->services, i);

      if (vipd_ipvs_table_find_service (a, &s->key) || (b && vipd_ipvs_table_find_service (b, &s->key)))
        vipd_ipvs_table_add_service (t, s);
    }
  return t;
}

static gboolean
retry_sync (gpointer data)
{
  VipdLvsManager *m = data;

  m->retry_source = 0;
  schedule_sync (m);
  return G_SOURCE_REMOVE;
}

static void
sync_now (VipdLvsManager *m)
{
  g_autoptr (VipdIpvsTable) desired = desired_table (m);
  g_autoptr (VipdIpvsTable) current = NULL;
  g_autoptr (VipdIpvsTable) owned = NULL;
  g_autoptr (GArray) ops = NULL;
  g_autoptr (GError) error = NULL;

  if (m->handle == NULL)
    return;
  current = m->backend->read (m->handle, &error);
  if (current == NULL)
    {
      vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "IPVS: cannot read the table (%s); trying "
                                                    "again in %d s",
                         error->message, RETRY_SECONDS);
      if (m->retry_source == 0)
        m->retry_source = g_timeout_add_seconds (RETRY_SECONDS, retry_sync, m);
      return;
    }
  owned = owned_part (current, desired, m->programmed);
  ops = vipd_ipvs_table_diff (owned, desired);
  if (ops->len == 0)
    {
      g_clear_pointer (&m->programmed, vipd_ipvs_table_free);
      m->programmed = g_steal_pointer (&desired);
      return;
    }
  for (guint i = 0; i < ops->len; i++)
    {
      g_autofree char *text = vipd_ipvs_op_describe (&g_array_index (ops, VipdIpvsOp, i));

      vipd_log_instance (G_LOG_LEVEL_DEBUG, NULL, "IPVS change: %s", text);
    }
  if (!m->backend->apply (m->handle, ops, &error))
    {
      vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "IPVS: %s; the table is read again and "
                                                    "fixed in %d s",
                         error->message, RETRY_SECONDS);
      if (m->retry_source == 0)
        m->retry_source = g_timeout_add_seconds (RETRY_SECONDS, retry_sync, m);
      return;
    }
  vipd_log_instance (G_LOG_LEVEL_INFO, NULL, "IPVS table: %u change%s applied", ops->len,
                     ops->len == 1 ? "" : "s");
  g_clear_pointer (&m->programmed, vipd_ipvs_table_free);
  m->programmed = g_steal_pointer (&desired);
}

static gboolean
on_sync (gpointer data)
{
  VipdLvsManager *m = data;

  m->sync_source = 0;
  sync_now (m);
  return G_SOURCE_REMOVE;
}

static void
schedule_sync (VipdLvsManager *m)
{
  if (m->sync_source == 0 && m->started && !m->stopped)
    m->sync_source = g_idle_add (on_sync, m);
}

/* ---- lifecycle ---- */

VipdLvsManager *
vipd_lvs_manager_new (const VipdConfig *config, const VipdLvsBackend *backend)
{
  VipdLvsManager *m = g_new0 (VipdLvsManager, 1);

  m->config = config;
  m->backend = backend ? backend : vipd_lvs_backend_default ();
  m->vss = g_ptr_array_new_with_free_func (vs_free);
  m->programmed = vipd_ipvs_table_new ();
  resolve_run_as (m);
  m->scripts = vipd_notify_queue_new ("LVS", &m->run_as, LVS_SCRIPT_TIMEOUT_MS);
  for (guint i = 0; i < config->virtual_servers->len; i++)
    {
      VipdLvsVs *vs = vs_new (m, g_ptr_array_index (config->virtual_servers, i));

      for (guint r = 0; r < vs->conf->real_servers->len; r++)
        g_ptr_array_add (vs->rss, rs_new (vs, g_ptr_array_index (vs->conf->real_servers, r)));
      vs_initial_quorum (vs);
      g_ptr_array_add (m->vss, vs);
    }
  return m;
}

void
vipd_lvs_manager_set_weight_store (VipdLvsManager *m, const VipdLvsWeightStore *store)
{
  m->store = *store;
}

void
vipd_lvs_manager_set_observer (VipdLvsManager *m, const VipdLvsObserver *observer,
                               gpointer user_data)
{
  m->observer = *observer;
  m->observer_data = user_data;
}

static void
open_backend (VipdLvsManager *m)
{
  g_autoptr (GError) error = NULL;

  if (m->handle || m->config->virtual_servers->len == 0)
    return;
  m->handle = m->backend->open (&error);
  if (m->handle == NULL)
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                       "IPVS is not available in this kernel (modprobe ip_vs): virtual servers "
                       "are health-checked but not programmed (%s)",
                       error->message);
  else
    vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "IPVS: programming %u virtual server%s (%s)",
                       m->config->virtual_servers->len,
                       m->config->virtual_servers->len == 1 ? "" : "s", m->backend->name);
}

void
vipd_lvs_manager_start (VipdLvsManager *m)
{
  if (m->started)
    return;
  m->started = TRUE;
  open_backend (m);
  if (m->handle && m->config->global.lvs_flush)
    {
      g_autoptr (GError) error = NULL;

      /* keepalived's lvs_flush: at start only, never on reload (that would drop the
       * connections of unchanged services). */
      if (m->backend->flush (m->handle, &error))
        vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "IPVS: table flushed (lvs_flush)");
      else
        vipd_log_instance (G_LOG_LEVEL_WARNING, NULL, "IPVS: lvs_flush: %s", error->message);
    }
  for (guint i = 0; i < m->vss->len; i++)
    {
      VipdLvsVs *vs = g_ptr_array_index (m->vss, i);

      for (guint r = 0; r < vs->rss->len; r++)
        rs_start (g_ptr_array_index (vs->rss, r));
    }
  sync_now (m);
}

/* Takes the runtime of the real server named like conf out of old (NULL when none). */
static VipdLvsRs *
steal_rs (GPtrArray *old, const VipdRealServer *conf)
{
  g_autofree char *name = vipd_lvs_endpoint_name (&conf->addr, conf->port);

  for (guint i = 0; old && i < old->len; i++)
    {
      VipdLvsRs *rs = g_ptr_array_index (old, i);

      if (g_strcmp0 (rs->name, name) == 0)
        return g_ptr_array_steal_index (old, i);
    }
  return NULL;
}

void
vipd_lvs_manager_reload (VipdLvsManager *m, const VipdConfig *config)
{
  g_autoptr (GPtrArray) old_vss = m->vss;
  guint kept = 0, fresh = 0;

  m->config = config;
  resolve_run_as (m);
  m->vss = g_ptr_array_new_with_free_func (vs_free);
  for (guint i = 0; i < config->virtual_servers->len; i++)
    {
      const VipdVirtualServer *conf = g_ptr_array_index (config->virtual_servers, i);
      VipdLvsVs *vs = NULL;
      g_autoptr (GPtrArray) old_rss = NULL;

      for (guint j = 0; j < old_vss->len; j++)
        if (g_strcmp0 (((VipdLvsVs *) g_ptr_array_index (old_vss, j))->conf->name, conf->name) == 0)
          {
            vs = g_ptr_array_steal_index (old_vss, j);
            break;
          }
      if (vs)
        {
          old_rss = vs->rss;
          vs->rss = g_ptr_array_new_with_free_func (rs_free);
        }
      else
        vs = vs_new (m, conf);
      vs->conf = conf;
      for (guint r = 0; r < conf->real_servers->len; r++)
        {
          const VipdRealServer *rconf = g_ptr_array_index (conf->real_servers, r);
          VipdLvsRs *rs = steal_rs (old_rss, rconf);
          g_autofree char *fp = vipd_real_server_check_fingerprint (conf, rconf);

          if (rs && g_strcmp0 (rs->fingerprint, fp) == 0)
            {
              rs->conf = rconf;
              rs->vs = vs;
              for (guint c = 0; c < rs->checkers->len; c++)
                vipd_lvs_checker_rebind (g_ptr_array_index (rs->checkers, c), conf, rconf,
                                         g_ptr_array_index (rconf->checkers, c), &config->global);
              kept++;
            }
          else
            {
              int admin = rs ? rs->status.admin_weight : -1;

              g_clear_pointer (&rs, rs_free);
              rs = rs_new (vs, rconf);
              if (m->started)
                rs_start (rs);
              if (admin >= 0)
                rs->status.admin_weight = admin;
              fresh++;
            }
          g_ptr_array_add (vs->rss, rs);
        }
      if (old_rss == NULL)
        vs_initial_quorum (vs);
      else
        vs_update_quorum (vs);
      g_ptr_array_add (m->vss, vs);
    }
  vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL,
                     "LVS reloaded: %u virtual server%s, %u real server check%s kept, %u started",
                     m->vss->len, m->vss->len == 1 ? "" : "s", kept, kept == 1 ? "" : "s", fresh);
  if (m->started)
    {
      open_backend (m);
      sync_now (m);
    }
  if (m->observer.rebuilt)
    m->observer.rebuilt (m, m->observer_data);
}

void
vipd_lvs_manager_stop (VipdLvsManager *m)
{
  if (m->stopped)
    return;
  g_clear_handle_id (&m->sync_source, g_source_remove);
  g_clear_handle_id (&m->retry_source, g_source_remove);
  for (guint i = 0; i < m->vss->len; i++)
    {
      VipdLvsVs *vs = g_ptr_array_index (m->vss, i);

      for (guint r = 0; r < vs->rss->len; r++)
        g_ptr_array_set_size (((VipdLvsRs *) g_ptr_array_index (vs->rss, r))->checkers, 0);
      if (vs->conf->omega && vs->quorum_up)
        run_script (m, &vs->conf->quorum_down, "quorum_down (omega)");
    }
  m->stopped = TRUE;
  if (m->started)
    sync_now (m);
}

void
vipd_lvs_manager_free (VipdLvsManager *m)
{
  if (m == NULL)
    return;
  g_clear_handle_id (&m->sync_source, g_source_remove);
  g_clear_handle_id (&m->retry_source, g_source_remove);
  g_ptr_array_unref (m->vss);
  if (m->handle)
    m->backend->close (m->handle);
  vipd_ipvs_table_free (m->programmed);
  vipd_notify_queue_free (m->scripts);
  vipd_run_as_clear (&m->run_as);
  g_free (m);
}

gboolean
vipd_lvs_manager_scripts_busy (VipdLvsManager *m)
{
  return vipd_notify_queue_length (m->scripts) > 0;
}

gboolean
vipd_lvs_manager_is_programmed (const VipdLvsManager *m)
{
  return m->handle != NULL;
}

/* ---- read side ---- */

GPtrArray *
vipd_lvs_manager_get_virtual_servers (VipdLvsManager *m)
{
  return m->vss;
}

VipdLvsVs *
vipd_lvs_manager_find (VipdLvsManager *m, const char *vs_name)
{
  for (guint i = 0; i < m->vss->len; i++)
    {
      VipdLvsVs *vs = g_ptr_array_index (m->vss, i);

      if (g_strcmp0 (vs->conf->name, vs_name) == 0)
        return vs;
    }
  return NULL;
}

VipdLvsRs *
vipd_lvs_vs_find (VipdLvsVs *vs, const char *rs_name)
{
  for (guint i = 0; i < vs->rss->len; i++)
    {
      VipdLvsRs *rs = g_ptr_array_index (vs->rss, i);

      if (g_strcmp0 (rs->name, rs_name) == 0)
        return rs;
    }
  return NULL;
}

const VipdVirtualServer *
vipd_lvs_vs_get_config (const VipdLvsVs *vs)
{
  return vs->conf;
}

gboolean
vipd_lvs_vs_get_quorum_up (const VipdLvsVs *vs)
{
  return vs->quorum_up;
}

gboolean
vipd_lvs_vs_get_sorry_active (const VipdLvsVs *vs)
{
  return !vs->quorum_up && vipd_addr_is_set (&vs->conf->sorry_addr);
}

GPtrArray *
vipd_lvs_vs_get_real_servers (VipdLvsVs *vs)
{
  return vs->rss;
}

const VipdRealServer *
vipd_lvs_rs_get_config (const VipdLvsRs *rs)
{
  return rs->conf;
}

const char *
vipd_lvs_rs_get_name (const VipdLvsRs *rs)
{
  return rs->name;
}

const char *
vipd_lvs_rs_get_health (const VipdLvsRs *rs)
{
  gboolean all_known = TRUE;

  for (guint i = 0; i < rs->checkers->len; i++)
    {
      VipdLvsChecker *c = g_ptr_array_index (rs->checkers, i);

      if (vipd_lvs_checker_is_known (c) && !vipd_lvs_checker_is_up (c))
        return "down";
      if (!vipd_lvs_checker_is_known (c))
        all_known = FALSE;
    }
  if (!all_known)
    return rs->status.alive ? "unknown" : "down";
  return rs->status.alive ? "up" : "down";
}

guint
vipd_lvs_rs_get_weight (const VipdLvsRs *rs)
{
  return rs->weight_now;
}

gboolean
vipd_lvs_rs_in_table (const VipdLvsRs *rs)
{
  return rs->in_table;
}

int
vipd_lvs_rs_get_admin_weight (const VipdLvsRs *rs)
{
  return rs->status.admin_weight;
}

guint64
vipd_lvs_rs_get_last_check (const VipdLvsRs *rs)
{
  guint64 last = 0;

  for (guint i = 0; i < rs->checkers->len; i++)
    last = MAX (last, vipd_lvs_checker_get_last_check (g_ptr_array_index (rs->checkers, i)));
  return last;
}

const char *
vipd_lvs_rs_get_last_reason (const VipdLvsRs *rs)
{
  const char *reason = rs->checkers->len ? "" : "no checker: always up";
  guint64 last = 0;

  for (guint i = 0; i < rs->checkers->len; i++)
    {
      VipdLvsChecker *c = g_ptr_array_index (rs->checkers, i);

      if (vipd_lvs_checker_get_last_check (c) >= last)
        {
          last = vipd_lvs_checker_get_last_check (c);
          reason = vipd_lvs_checker_get_last_reason (c);
        }
    }
  return reason;
}

void
vipd_lvs_rs_get_counters (const VipdLvsRs *rs, guint64 *checks, guint64 *failures,
                          guint64 *transitions)
{
  *checks = *failures = 0;
  for (guint i = 0; i < rs->checkers->len; i++)
    {
      *checks += vipd_lvs_checker_get_checks (g_ptr_array_index (rs->checkers, i));
      *failures += vipd_lvs_checker_get_failures (g_ptr_array_index (rs->checkers, i));
    }
  *transitions = rs->transitions;
}

void
vipd_lvs_rs_set_admin_weight (VipdLvsManager *m, VipdLvsRs *rs, int weight, const char *reason)
{
  g_autoptr (GError) error = NULL;

  rs->status.admin_weight = weight;
  vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "%s real server %s: %s", rs->vs->conf->name,
                     rs->name, reason);
  if (m->store.save && !m->store.save (rs->vs->conf->name, rs->name, weight, m->store.data, &error))
    vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                       "%s real server %s: the admin weight is in force but will not survive a "
                       "restart: %s",
                       rs->vs->conf->name, rs->name, error->message);
  vs_update_quorum (rs->vs);
  notify_changed (m, rs->vs, rs);
  notify_changed (m, rs->vs, NULL);
  schedule_sync (m);
}
