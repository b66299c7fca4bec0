/* vipctl.c — the command line: options, the subcommand table and the admin commands. */
#include "vipctl.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "bus-names.h"

typedef int (*VipctlHandler) (VipctlOptions *o, int argc, char **argv);

typedef struct
{
  const char *name;
  VipctlHandler handler;
  int n_operands;   /* after the command name */
  const char *args; /* shown in --help */
  const char *help;
} VipctlCommand;

/* argv[0] is the subcommand; a handler sees only its own operands. */
static int
instance_call (VipctlOptions *o, int argc, char **argv, const char *method, GVariant *args,
               const char *action, const char *done)
{
  g_autoptr (GVariant) owned_args = args ? g_variant_ref_sink (args) : NULL;
  g_autoptr (VipdDBusInstance) inst = NULL;
  const char *path;
  int code = VIPCTL_EXIT_OK;

  inst = vipctl_find_instance (o, argv[1], &code);
  if (inst == NULL)
    return code;
  path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (inst));
  code = vipctl_admin_call (o, path, VIPD_DBUS_IFACE_INSTANCE, method, owned_args, action, NULL);
  if (code == VIPCTL_EXIT_OK)
    printf ("%s: %s\n", argv[1], done);
  return code;
}

static int
cmd_demote (VipctlOptions *o, int argc, char **argv)
{
  return instance_call (o, argc, argv, "Demote", NULL, VIPD_ACTION_DEMOTE,
                        "demoted (stays backup at priority 1 until \"vipctl reset\")");
}

static int
cmd_takeover (VipctlOptions *o, int argc, char **argv)
{
  return instance_call (o, argc, argv, "TakeOver", NULL, VIPD_ACTION_TAKEOVER,
                        "taking over (master at priority 254 until \"vipctl reset\")");
}

static int
cmd_reset (VipctlOptions *o, int argc, char **argv)
{
  return instance_call (o, argc, argv, "ResetPriority", NULL, VIPD_ACTION_SET_PRIORITY,
                        "admin priority cleared (back to the configured priority)");
}

static int
cmd_garp (VipctlOptions *o, int argc, char **argv)
{
  return instance_call (o, argc, argv, "SendGarp", NULL, VIPD_ACTION_SEND_GARP,
                        "gratuitous ARP / unsolicited NA sent");
}

static int
cmd_priority (VipctlOptions *o, int argc, char **argv)
{
  guint64 prio = 0;
  g_autofree char *done = NULL;

  if (!g_ascii_string_to_unsigned (argv[2], 10, 1, 254, &prio, NULL))
    return vipctl_fail (VIPCTL_EXIT_USAGE, "priority must be a number from 1 to 254, not \"%s\"",
                        argv[2]);
  done = g_strdup_printf ("admin priority %u (until \"vipctl reset\")", (guint)prio);
  return instance_call (o, argc, argv, "SetPriority", g_variant_new ("(y)", (guchar)prio),
                        VIPD_ACTION_SET_PRIORITY, done);
}

static int
cmd_maintenance (VipctlOptions *o, int argc, char **argv)
{
  gboolean on;
  int code;

  if (g_strcmp0 (argv[1], "on") == 0)
    on = TRUE;
  else if (g_strcmp0 (argv[1], "off") == 0)
    on = FALSE;
  else
    return vipctl_fail (VIPCTL_EXIT_USAGE, "maintenance takes \"on\" or \"off\", not \"%s\"",
                        argv[1]);
  code = vipctl_admin_call (o, VIPD_DBUS_PATH, VIPD_DBUS_IFACE_MANAGER, "SetMaintenance",
                            g_variant_new ("(b)", on), VIPD_ACTION_MAINTENANCE, NULL);
  if (code == VIPCTL_EXIT_OK)
    printf (on ? "maintenance on: every instance hands over and stays out of the election\n"
               : "maintenance off: instances rejoin the election\n");
  return code;
}

static int
cmd_reload (VipctlOptions *o, int argc, char **argv)
{
  g_autoptr (GVariant) reply = NULL;
  g_autofree const char **warnings = NULL;
  int code;

  code = vipctl_admin_call (o, VIPD_DBUS_PATH, VIPD_DBUS_IFACE_MANAGER, "Reload", NULL,
                            VIPD_ACTION_RELOAD, &reply);
  if (code == VIPCTL_EXIT_FAILED)
    fprintf (stderr, "vipctl: the running configuration stays; fix the file and reload again\n");
  if (code != VIPCTL_EXIT_OK)
    return code;
  g_variant_get (reply, "(^a&s)", &warnings);
  for (guint i = 0; warnings[i]; i++)
    fprintf (stderr, "%s\n", warnings[i]);
  printf ("configuration reloaded (%u warning%s)\n", g_strv_length ((char **)warnings),
          g_strv_length ((char **)warnings) == 1 ? "" : "s");
  return VIPCTL_EXIT_OK;
}

static const VipctlCommand commands[] = {
  { "status", vipctl_cmd_status, 0, "[--json]",
    "Show every instance, its state and the VIP owner" },
  { "demote", cmd_demote, 1, "INSTANCE", "Hand the VIPs over now and stay backup until reset" },
  { "takeover", cmd_takeover, 1, "INSTANCE", "Become master now (priority 254) until reset" },
  { "reset", cmd_reset, 1, "INSTANCE", "Clear an admin priority (after demote/takeover/priority)" },
  { "priority", cmd_priority, 2, "INSTANCE N", "Set an admin priority of 1 to 254" },
  { "garp", cmd_garp, 1, "INSTANCE", "Send gratuitous ARP / unsolicited NA for the VIPs" },
  { "maintenance", cmd_maintenance, 1, "on|off", "Take the whole node out of service, or back" },
  { "reload", cmd_reload, 0, "", "Re-read the configuration file" },
  { "events", vipctl_cmd_events, 0, "[--follow] [--since SECONDS_AGO] [--json]",
    "Show state transitions and their reasons" },
  { "lvs", vipctl_cmd_lvs, 0, "[--json]", "Show virtual servers and the health of real servers" },
  { "drain", vipctl_cmd_drain, 2, "VS RS", "Give a real server weight 0 (no new connections)" },
  { "enable", vipctl_cmd_enable, 2, "VS RS", "Give a real server its configured weight again" },
  { "weight", vipctl_cmd_weight, 3, "VS RS N", "Set a real server's weight (0-65535)" },
};

static char *
commands_description (void)
{
  GString *s = g_string_new ("Commands:\n");
  int width = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    width = MAX (width, (int)(strlen (commands[i].name) + 1 + strlen (commands[i].args)));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *usage = g_strdup_printf ("%s %s", commands[i].name, commands[i].args);

      g_string_append_printf (s, "  %-*s  %s\n", width, usage, commands[i].help);
    }
  g_string_append (s, "\nExit status: 0 ok, 1 failed or refused by vipd, 2 usage error, 3 not "
                      "authorized,\n4 vipd not running or no bus, 5 no such instance, virtual or real server.\n"
                      "See vipctl(1).");
  return g_string_free (s, FALSE);
}

int
main (int argc, char **argv)
{
  VipctlOptions o = { .since = -1 };
  g_autoptr (GOptionContext) ctx = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *description = NULL;
  g_autofree char *address = NULL;
  const VipctlCommand *cmd = NULL;
  int code;
  const GOptionEntry entries[] = {
    { "address", 'A', 0, G_OPTION_ARG_STRING, &o.address,
      "Talk to vipd on this D-Bus address instead of the system bus", "ADDRESS" },
    { "no-ask-password", 0, 0, G_OPTION_ARG_NONE, &o.no_ask,
      "Never ask for a password (polkit) even on a terminal", NULL },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &o.json, "JSON output (status, events, lvs)", NULL },
    { "follow", 'F', 0, G_OPTION_ARG_NONE, &o.follow, "events: keep printing new events", NULL },
    { "since", 0, 0, G_OPTION_ARG_INT64, &o.since, "events: only the last SECONDS", "SECONDS_AGO" },
    { "names", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &o.names,
      "status: instance names only (for completion)", NULL },
    { NULL },
  };

  setlocale (LC_ALL, "");
  ctx = g_option_context_new ("COMMAND [ARGUMENTS] - control vipd, the VRRP daemon");
  g_option_context_add_main_entries (ctx, entries, NULL);
  description = commands_description ();
  g_option_context_set_description (ctx, description);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return vipctl_fail (VIPCTL_EXIT_USAGE, "%s (see vipctl --help)", error->message);
  /* Freed on every way out, usage errors included. */
  address = o.address;
  if (argc < 2)
    return vipctl_fail (VIPCTL_EXIT_USAGE, "no command given (see vipctl --help)");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, argv[1]) == 0)
      cmd = &commands[i];
  if (cmd == NULL)
    return vipctl_fail (VIPCTL_EXIT_USAGE, "unknown command \"%s\" (see vipctl --help)", argv[1]);
  if (argc - 2 != cmd->n_operands)
    return vipctl_fail (VIPCTL_EXIT_USAGE, "usage: vipctl %s %s", cmd->name, cmd->args);
  if (o.json && cmd->handler != vipctl_cmd_status && cmd->handler != vipctl_cmd_events
      && cmd->handler != vipctl_cmd_lvs)
    return vipctl_fail (VIPCTL_EXIT_USAGE, "--json applies to status, events and lvs only");
  if ((o.follow || o.since != -1) && cmd->handler != vipctl_cmd_events)
    return vipctl_fail (VIPCTL_EXIT_USAGE, "--follow and --since apply to events only");
  if (o.since < -1)
    return vipctl_fail (VIPCTL_EXIT_USAGE, "--since takes a number of seconds (0 or more)");
  if (o.names && cmd->handler != vipctl_cmd_status && cmd->handler != vipctl_cmd_lvs)
    return vipctl_fail (VIPCTL_EXIT_USAGE, "--names applies to status and lvs only");

  code = vipctl_connect (&o);
  if (code == VIPCTL_EXIT_OK)
    code = cmd->handler (&o, argc - 1, argv + 1);
  g_clear_object (&o.objects);
  g_clear_object (&o.bus);
  return code;
}
