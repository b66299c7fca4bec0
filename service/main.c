/* main.c — the vipd executable: options, logging, configuration, then the VRRP daemon. */
#include "vipd-build-config.h"

#include <errno.h>
#include <link.h>
#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "config/config.h"
#include "config-files.h"
#include "fsm/fsm.h"
#include "bus-service.h"
#include "log.h"
#include "vrrp-daemon.h"

typedef struct
{
  char *config_file;
  gboolean check;
  gboolean dump;
  gboolean version;
  gboolean log_console;
  gboolean log_detail;
  int log_facility;
  gboolean dont_fork;
  char *state_dir;
  gboolean no_dbus;
} VipdOptions;

static void
print_diags (const VipdDiagList *diags)
{
  g_autofree char *text = vipd_diag_list_format (diags);

  fputs (text, stderr);
}

/* --check: keepalived's -t. Exit 0 only when there is no error; warnings are printed. */
static int
run_check (const VipdOptions *opts)
{
  g_autoptr (VipdDiagList) diags = vipd_diag_list_new ();
  g_autoptr (VipdConfig) config = vipd_config_load_file (opts->config_file, diags);
  guint errors = vipd_diag_count (diags, VIPD_DIAG_ERROR);
  guint warnings = vipd_diag_count (diags, VIPD_DIAG_WARNING);

  print_diags (diags);
  if (errors > 0)
    {
      fprintf (stderr, "%s: %u error%s, %u warning%s: configuration not valid\n",
               opts->config_file, errors, errors == 1 ? "" : "s", warnings,
               warnings == 1 ? "" : "s");
      return 1;
    }
  if (config->virtual_servers->len > 0)
    fprintf (stderr, "%s: configuration valid: %u instance%s, %u virtual server%s, %u warning%s\n",
             opts->config_file, config->instances->len, config->instances->len == 1 ? "" : "s",
             config->virtual_servers->len, config->virtual_servers->len == 1 ? "" : "s", warnings,
             warnings == 1 ? "" : "s");
  else
    fprintf (stderr, "%s: configuration valid: %u instance%s, %u warning%s\n", opts->config_file,
             config->instances->len, config->instances->len == 1 ? "" : "s", warnings,
             warnings == 1 ? "" : "s");
  return 0;
}

/* What each instance will do on the wire, with the RFC timers its settings imply. */
static void
print_plan (const VipdConfig *config)
{
  printf ("\n# What vipd runs\n");
  for (guint i = 0; i < config->instances->len; i++)
    {
      const VipdInstance *inst = g_ptr_array_index (config->instances, i);
      guint16 adver_cs = (guint16) MIN (inst->advert_int_ms / 10, G_MAXUINT16);
      guint8 prio = (guint8) CLAMP (inst->priority, 1, 255);
      guint64 skew = vipd_fsm_skew_time_us ((guint8) inst->version, prio, adver_cs);
      guint64 down = vipd_fsm_master_down_us ((guint8) inst->version, prio, adver_cs);

      printf ("# %s: VRRPv%u %s on %s, VRID %" G_GINT64_FORMAT ", priority %u, %u VIP%s, "
              "%s; adverts every %u ms, takes over %.1f ms after the master's last advert "
              "(skew %.1f ms), %s\n",
              inst->name, inst->version,
              inst->family == AF_INET6 ? "IPv6" : "IPv4", inst->interface ? inst->interface : "?",
              inst->vrid, prio, inst->vips->len, inst->vips->len == 1 ? "" : "s",
              inst->unicast_peers->len > 0 ? "unicast" : "multicast", inst->advert_int_ms,
              down / 1000.0, skew / 1000.0,
              prio == 255 ? "address owner: master at once"
              : inst->nopreempt ? "no preemption" : "preempts lower priorities");
    }
}

/* What each virtual server will do: how often its real servers are checked and how long a
 * failed one may stay in the pool at most. */
static void
print_lvs_plan (const VipdConfig *config)
{
  for (guint i = 0; i < config->virtual_servers->len; i++)
    {
      const VipdVirtualServer *vs = g_ptr_array_index (config->virtual_servers, i);

      printf ("# %s: %u real server%s, %s/%s, quorum %u%s\n", vs->name, vs->real_servers->len,
              vs->real_servers->len == 1 ? "" : "s", vs->lb_algo ? vs->lb_algo : "wlc",
              vipd_lb_kind_name (vs->lb_kind), vs->quorum,
              vipd_addr_is_set (&vs->sorry_addr) ? " (sorry server below it)" : "");
      for (guint r = 0; r < vs->real_servers->len; r++)
        {
          const VipdRealServer *rs = g_ptr_array_index (vs->real_servers, r);
          g_autofree char *name = vipd_lvs_endpoint_name (&rs->addr, rs->port);

          for (guint c = 0; c < rs->checkers->len; c++)
            {
              const VipdChecker *ck = g_ptr_array_index (rs->checkers, c);
              guint loop = ck->delay_loop_ms ? ck->delay_loop_ms : vs->delay_loop_ms;
              guint attempt = ck->kind == VIPD_CHECK_MISC
                                  ? (ck->misc_timeout_ms ? ck->misc_timeout_ms : loop)
                                  : ck->connect_timeout_ms * MAX (ck->urls->len, 1);
              guint64 worst = (guint64) loop + (guint64) (ck->retry + 1) * attempt
                              + (guint64) ck->retry * ck->delay_before_retry_ms;

              printf ("#   %s %s every %.1f s: down after %u failure%s, at most %.1f s after it "
                      "fails\n",
                      name, vipd_check_kind_keyword (ck->kind), loop / 1000.0, ck->retry + 1,
                      ck->retry ? "s" : "", worst / 1000.0);
            }
          if (rs->checkers->len == 0)
            printf ("#   %s: no checker, always in the pool\n", name);
        }
    }
}

/* --dump: the parsed model on stdout; diagnostics on stderr; exit 1 when it has errors. */
static int
run_dump (const VipdOptions *opts)
{
  g_autoptr (VipdDiagList) diags = vipd_diag_list_new ();
  g_autoptr (VipdConfig) config = vipd_config_load_file (opts->config_file, diags);
  g_autofree char *text = vipd_config_dump (config);

  print_diags (diags);
  fputs (text, stdout);
  if (vipd_diag_count (diags, VIPD_DIAG_ERROR) == 0)
    {
      print_plan (config);
      print_lvs_plan (config);
    }
  return vipd_diag_count (diags, VIPD_DIAG_ERROR) > 0 ? 1 : 0;
}

typedef struct
{
  GMainLoop *loop;
  VipdDaemon *daemon;
  gboolean stopping;
} VipdRun;

static gboolean
quit_loop (gpointer data)
{
  VipdRun *run = data;

  g_main_loop_quit (run->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_stop_signal (gpointer data)
{
  VipdRun *run = data;

  if (run->stopping)
    {
      /* A second signal: the admin does not want to wait for the hand-over. */
      vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "stopping now");
      vipd_daemon_stop_now (run->daemon);
      g_main_loop_quit (run->loop);
      return G_SOURCE_CONTINUE;
    }
  run->stopping = TRUE;
  vipd_daemon_stop (run->daemon, quit_loop, run);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_reload_signal (gpointer data)
{
  VipdRun *run = data;
  g_autoptr (GError) error = NULL;

  if (!run->stopping)
    vipd_daemon_reload (run->daemon, NULL, &error);
  return G_SOURCE_CONTINUE;
}

/* Locks vipd's own code and data (the executable's loadable segments) into memory. */
static int
lock_own_segments (struct dl_phdr_info *info, size_t size, void *data)
{
  gsize *locked = data;
  const gsize page = (gsize) sysconf (_SC_PAGESIZE);

  /* The first object dl_iterate_phdr reports is the executable itself. */
  for (int i = 0; i < info->dlpi_phnum; i++)
    {
      const ElfW (Phdr) *ph = &info->dlpi_phdr[i];
      guintptr start, end;

      if (ph->p_type != PT_LOAD)
        continue;
      start = (info->dlpi_addr + ph->p_vaddr) & ~(page - 1);
      end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
      if (mlock ((void *) start, end - start) == 0)
        *locked += end - start;
    }
  return 1;
}

/* A page-reclaim stall must not delay an advert: what vipd has touched stays in memory.
 * MCL_ONFAULT locks pages as they are first used rather than every page of every mapping:
 * locking whole mappings made each thread's 8 MiB stack and every library's unused code
 * resident, tens of MB of RSS for nothing. vipd's own code and data, where the protocol lives,
 * are locked in full at once so that a first failover never waits for a page of it. */
static void
lock_memory (void)
{
  gsize own = 0;
  int flags = MCL_CURRENT | MCL_FUTURE;

#ifdef MCL_ONFAULT
  flags |= MCL_ONFAULT;
#endif
  if (mlockall (flags) != 0)
    {
      vipd_log_instance (G_LOG_LEVEL_INFO, NULL, "cannot lock memory (%s); continuing",
                         g_strerror (errno));
      return;
    }
  dl_iterate_phdr (lock_own_segments, &own);
  vipd_log_instance (G_LOG_LEVEL_DEBUG, NULL,
                     "memory locked as it is used; vipd's own %" G_GSIZE_FORMAT " kB in full",
                     own / 1024);
}

/* The daemon proper: runs VRRP until SIGTERM/SIGINT, reloads on SIGHUP. */
static int
run_daemon (const VipdOptions *opts)
{
  g_autoptr (VipdDiagList) diags = vipd_diag_list_new ();
  g_autoptr (VipdConfig) config = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (VipdDaemon) daemon = NULL;
  g_autoptr (VipdBusService) bus = NULL;
  const char *state_dir = opts->state_dir;
  VipdRun run = { 0 };
  guint sources[3];

  vipd_log_setup (opts->log_console ? VIPD_LOG_CONSOLE : VIPD_LOG_AUTO,
                  vipd_log_facility_from_number (opts->log_facility), opts->log_detail);
  config = vipd_config_load_file (opts->config_file, diags);
  for (guint i = 0; i < diags->items->len; i++)
    {
      const VipdDiag *diag = g_ptr_array_index (diags->items, i);
      g_autofree char *text = vipd_diag_format (diag);

      vipd_log_instance (diag->level == VIPD_DIAG_ERROR ? G_LOG_LEVEL_CRITICAL : G_LOG_LEVEL_WARNING,
                         NULL, "%s", text);
    }
  if (vipd_diag_count (diags, VIPD_DIAG_ERROR) > 0)
    {
      vipd_log_instance (G_LOG_LEVEL_CRITICAL, NULL,
                         "%s is not valid; fix the errors above (vipd --check -f %s)",
                         opts->config_file, opts->config_file);
      return 1;
    }

  /* Each instance has a timer fd and each interface a socket: a thousand instances need more
   * than the usual soft limit of 1024 descriptors. */
  {
    struct rlimit nofile;

    if (getrlimit (RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max)
      {
        nofile.rlim_cur = nofile.rlim_max;
        setrlimit (RLIMIT_NOFILE, &nofile);
      }
  }
  lock_memory ();
  /* keepalived's vrrp_rt_priority: a busy machine must not starve the adverts either. */
  if (config->global.rt_priority > 0)
    {
      struct sched_param param = { .sched_priority = (int) config->global.rt_priority };

      if (sched_setscheduler (0, SCHED_RR | SCHED_RESET_ON_FORK, &param) != 0)
        vipd_log_instance (G_LOG_LEVEL_WARNING, NULL,
                           "vrrp_rt_priority %u: cannot switch to SCHED_RR (%s); continuing with "
                           "normal scheduling",
                           config->global.rt_priority, g_strerror (errno));
      else
        vipd_log_instance (G_LOG_LEVEL_INFO, NULL, "running with SCHED_RR priority %u",
                           config->global.rt_priority);
    }

  /* systemd's StateDirectory= says where; otherwise the FHS place. */
  if (state_dir == NULL)
    state_dir = g_getenv ("STATE_DIRECTORY");
  if (state_dir == NULL)
    state_dir = VIPD_STATE_DIR;
  daemon = vipd_daemon_new (g_steal_pointer (&config), opts->config_file, state_dir, &error);
  if (daemon == NULL)
    {
      vipd_log_instance (G_LOG_LEVEL_CRITICAL, NULL, "cannot start: %s", error->message);
      return 1;
    }
  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  run.daemon = daemon;
  sources[0] = g_unix_signal_add (SIGTERM, on_stop_signal, &run);
  sources[1] = g_unix_signal_add (SIGINT, on_stop_signal, &run);
  sources[2] = g_unix_signal_add (SIGHUP, on_reload_signal, &run);
  vipd_daemon_set_system_bus (daemon, !opts->no_dbus);
  vipd_daemon_start (daemon);
  if (!opts->no_dbus)
    bus = vipd_bus_service_new (daemon);
  g_main_loop_run (loop);
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    g_source_remove (sources[i]);
  vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "stopped");
  return 0;
}

int
main (int argc, char **argv)
{
  VipdOptions opts = { .log_facility = -1 };
  g_autofree char *config_file = NULL;
  g_autofree char *state_dir = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  const GOptionEntry entries[] = {
    { "use-file", 'f', 0, G_OPTION_ARG_FILENAME, &opts.config_file,
      "Configuration file (default " VIPD_DEFAULT_CONFIG ")", "FILE" },
    { "check", 't', 0, G_OPTION_ARG_NONE, &opts.check,
      "Check the configuration, print every error and warning, and exit", NULL },
    { "dump", 'd', 0, G_OPTION_ARG_NONE, &opts.dump,
      "Print the parsed configuration and exit", NULL },
    { "log-console", 'l', 0, G_OPTION_ARG_NONE, &opts.log_console, "Log to the console", NULL },
    { "log-detail", 'D', 0, G_OPTION_ARG_NONE, &opts.log_detail, "Detailed log messages", NULL },
    { "log-facility", 'S', 0, G_OPTION_ARG_INT, &opts.log_facility,
      "Log to syslog facility local0-local7", "0-7" },
    { "dont-fork", 'n', 0, G_OPTION_ARG_NONE, &opts.dont_fork,
      "Accepted for keepalived compatibility; vipd always stays in the foreground", NULL },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &opts.state_dir,
      "Where admin priorities and maintenance mode are kept (default $STATE_DIRECTORY, "
      "else " VIPD_STATE_DIR ")", "DIR" },
    { "no-dbus", 0, 0, G_OPTION_ARG_NONE, &opts.no_dbus, "Do not connect to the system bus",
      NULL },
    { "version", 'v', 0, G_OPTION_ARG_NONE, &opts.version, "Print the version and exit", NULL },
    { NULL },
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("- VRRP daemon with a D-Bus interface");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
                                "Floats virtual IP addresses between hosts with VRRP; reads "
                                "keepalived.conf syntax.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "vipd: %s (try --help)\n", error->message);
      return 2;
    }
  /* The parsed strings are ours from here on, whichever way main returns. */
  config_file = opts.config_file;
  state_dir = opts.state_dir;
  if (argc > 1)
    {
      fprintf (stderr, "vipd: unexpected argument \"%s\" (try --help)\n", argv[1]);
      return 2;
    }
  if (opts.version)
    {
      printf ("vipd %s\n", VIPD_VERSION);
      return 0;
    }
  if (opts.log_facility != -1 && (opts.log_facility < 0 || opts.log_facility > 7))
    {
      fprintf (stderr, "vipd: --log-facility %d is out of range; use 0-7 (local0-local7)\n",
               opts.log_facility);
      return 2;
    }
  if (opts.config_file == NULL)
    opts.config_file = config_file = g_strdup (VIPD_DEFAULT_CONFIG);

  if (opts.check)
    return run_check (&opts);
  if (opts.dump)
    return run_dump (&opts);

  return run_daemon (&opts);
}
