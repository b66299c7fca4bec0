/* script-command.h — how a configured command line is run.
 *
 * keepalived 2.2.7 takes the first word of every script for a path, so the seed's inline
 * `[[ -f /etc/keepalived/down ]] && exit 1 || exit 0` is refused there. vipd runs a command
 * directly when it is a plain path with plain arguments, and with `/bin/bash -c` when it uses
 * anything a shell must interpret (`[[`, `&&`, `$`, quotes, redirections...). bash, not sh:
 * `[[` is bash syntax and dash rejects it. Extra arguments (the notify script's INSTANCE name
 * state priority) become $1.. in both forms. Pure: no I/O. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VIPD_SCRIPT_SHELL "/bin/bash"

/* TRUE when command must go through the shell. */
gboolean vipd_script_is_inline (const char *command);
/* The argv to execute command with extra appended (extra may be NULL). NULL with a GError
 * when the command is empty. */
char **vipd_script_argv (const char *command, const char *const *extra, GError **error);
/* The file that is executed: the path for a direct command, the shell for an inline one. */
char *vipd_script_program (const char *command);

G_END_DECLS
