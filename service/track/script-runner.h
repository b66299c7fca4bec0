/* script-runner.h — one vrrp_script: run every interval as an asynchronous child, at most one
 * run at a time, killed at its timeout (a failure), rise/fall applied to the results. */
#pragma once

#include <glib.h>

#include "config/config-model.h"

G_BEGIN_DECLS

typedef struct _VipdScriptRunner VipdScriptRunner;

/* Called from the main loop when the script's status (up/down) changed. */
typedef void (*VipdScriptChangedFunc) (VipdScriptRunner *runner, gpointer user_data);

/* A runner for conf (borrowed, with global). It does nothing until started. */
VipdScriptRunner *vipd_script_runner_new (const VipdScript *conf, const VipdGlobalDefs *global,
                                          VipdScriptChangedFunc changed, gpointer user_data);
/* Checks the script (user, enable_script_security) and starts the interval; a script that is
 * refused is disabled with a log line saying why. */
void vipd_script_runner_start (VipdScriptRunner *runner);
/* Kills a run in progress and frees; NULL is allowed. */
void vipd_script_runner_free (VipdScriptRunner *runner);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdScriptRunner, vipd_script_runner_free)

/* conf (with global) defines the same check as the runner's: command, interval, timeout,
 * weight, reverse, rise, fall, init_fail and who it runs as (its user, or script_user), under
 * the same enable_script_security. */
gboolean vipd_script_runner_same_definition (const VipdScriptRunner *runner,
                                             const VipdScript *conf, const VipdGlobalDefs *global);
/* Before start: the status to start from instead of init_fail's. A script that a reload
 * restarts starts from its last status, so that a new weight or interval moves no VIP. */
void vipd_script_runner_set_status (VipdScriptRunner *runner, gboolean up);
/* Started and not disabled: it runs every interval. */
gboolean vipd_script_runner_is_running (const VipdScriptRunner *runner);
/* Reload: the runner goes on with its status, counters and any run in progress, now reading
 * conf and global (the same definition, see above) and reporting to changed. */
void vipd_script_runner_adopt (VipdScriptRunner *runner, const VipdScript *conf,
                               const VipdGlobalDefs *global, VipdScriptChangedFunc changed,
                               gpointer user_data);

const char *vipd_script_runner_get_name (const VipdScriptRunner *runner);
const VipdScript *vipd_script_runner_get_config (const VipdScriptRunner *runner);
/* The status after rise/fall: TRUE = ok. */
gboolean vipd_script_runner_is_up (const VipdScriptRunner *runner);
/* Refused (insecure, unknown user, cannot start): it does not count, as in keepalived. */
gboolean vipd_script_runner_is_disabled (const VipdScriptRunner *runner);
/* Why the last run failed ("exit status 1", "timed out after 2000 ms"), or "" after success. */
const char *vipd_script_runner_get_last_result (const VipdScriptRunner *runner);

/* The last completed run's exit status; -1 when it never ran, timed out or was killed. */
int vipd_script_runner_get_last_exit_status (const VipdScriptRunner *runner);
/* Wall-clock time (µs since the epoch) of the last completed run; 0 when none. */
guint64 vipd_script_runner_get_last_run (const VipdScriptRunner *runner);

G_END_DECLS
