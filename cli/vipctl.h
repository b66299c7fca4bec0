/* vipctl.h — what vipctl's subcommands share: options, exit codes and the bus helpers. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vipd-dbus-generated.h"

/* Exit codes; vipctl(1) documents them and scripts rely on them. */
enum
{
  VIPCTL_EXIT_OK = 0,
  VIPCTL_EXIT_FAILED = 1,      /* vipd refused or the call failed */
  VIPCTL_EXIT_USAGE = 2,       /* bad command line */
  VIPCTL_EXIT_DENIED = 3,      /* not authorized (AccessDenied) */
  VIPCTL_EXIT_NOT_RUNNING = 4, /* no bus, or vipd is not on it */
  VIPCTL_EXIT_NO_INSTANCE = 5, /* no instance (or virtual/real server) of that name */
};

typedef struct
{
  char *address;   /* --address: another bus than the system bus */
  gboolean no_ask; /* --no-ask-password */
  gboolean json;   /* --json */
  gboolean follow; /* events --follow */
  gint64 since;    /* events --since SECONDS_AGO; -1 when not given */
  gboolean names;  /* status --names (for shell completion) */
  GDBusConnection *bus;
  GDBusObjectManager *objects;
} VipctlOptions;

/* Prints "vipctl: MESSAGE" to stderr and returns code, so handlers can `return vipctl_fail (…)`. */
int vipctl_fail (int code, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Connects to the bus and checks that vipd owns its name; returns an exit code. */
int vipctl_connect (VipctlOptions *o);

/* The Instance proxy whose Name is name (a new reference), or NULL after printing why (*code). */
VipdDBusInstance *vipctl_find_instance (VipctlOptions *o, const char *name, int *code);

/* All Instance proxies sorted by Name (a new list of new references). */
GList *vipctl_list_instances (VipctlOptions *o);

/* Calls an admin method; on error prints advice naming action and returns the exit code. */
int vipctl_admin_call (VipctlOptions *o, const char *path, const char *iface, const char *method,
                       GVariant *args, const char *action, GVariant **reply);

/* Maps a D-Bus error to an exit code and prints it with advice; action may be NULL. */
int vipctl_report_error (GError *error, const char *what, const char *action);

/* Prints rows (each a char** of ncols) under headers, columns aligned, the last one unpadded. */
void vipctl_print_table (const char *const *headers, int ncols, GPtrArray *rows);
/* Adds "Path" and every cached property of proxy except skip (may be NULL) to the JSON object
 * being built. */
void vipctl_json_add_properties (JsonBuilder *b, GDBusProxy *proxy, const char *skip);

int vipctl_cmd_status (VipctlOptions *o, int argc, char **argv);
int vipctl_cmd_events (VipctlOptions *o, int argc, char **argv);
int vipctl_cmd_lvs (VipctlOptions *o, int argc, char **argv);
int vipctl_cmd_drain (VipctlOptions *o, int argc, char **argv);
int vipctl_cmd_enable (VipctlOptions *o, int argc, char **argv);
int vipctl_cmd_weight (VipctlOptions *o, int argc, char **argv);
