/* vipctl-events.c — `vipctl events`: the history from GetEvents, then (--follow) the Event signal.
 */
#include "vipctl.h"

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "bus-names.h"

typedef struct
{
  VipctlOptions *o;
  guint64 last_shown; /* timestamp of the newest event printed, to drop the overlap */
  GMainLoop *loop;
} EventsState;

static void
print_event (EventsState *st, guint64 ts, const char *instance, const char *old_state,
             const char *new_state, const char *reason)
{
  if (ts <= st->last_shown)
    return;
  st->last_shown = ts;
  if (st->o->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "timestamp");
      json_builder_add_int_value (b, (gint64)ts);
      json_builder_set_member_name (b, "instance");
      json_builder_add_string_value (b, instance);
      json_builder_set_member_name (b, "old_state");
      json_builder_add_string_value (b, old_state);
      json_builder_set_member_name (b, "new_state");
      json_builder_add_string_value (b, new_state);
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, reason);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
    }
  else
    {
      g_autoptr (GDateTime) secs = g_date_time_new_from_unix_local ((gint64)(ts / G_USEC_PER_SEC));
      g_autoptr (GDateTime) dt
          = secs ? g_date_time_add (secs, (GTimeSpan)(ts % G_USEC_PER_SEC)) : NULL;
      g_autofree char *when = dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S.%f") : NULL;

      /* %f gives microseconds; milliseconds are what a person reads. */
      if (when && strlen (when) > 3)
        when[strlen (when) - 3] = '\0';
      printf ("%s  %s  %s -> %s  %s\n", when ? when : "?", instance, old_state, new_state, reason);
    }
  fflush (stdout);
}

static void
on_event (GDBusConnection *bus, const char *sender, const char *path, const char *iface,
          const char *signal, GVariant *params, gpointer user_data)
{
  guint64 ts;
  const char *instance, *old_state, *new_state, *reason;

  if (!g_variant_is_of_type (params, G_VARIANT_TYPE ("(tssss)")))
    return;
  g_variant_get (params, "(t&s&s&s&s)", &ts, &instance, &old_state, &new_state, &reason);
  print_event (user_data, ts, instance, old_state, new_state, reason);
}

static void
on_owner_changed (GObject *objects, GParamSpec *pspec, gpointer user_data)
{
  g_autofree char *owner
      = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (objects));

  /* Keep following across a restart of vipd: the admin wants to see it come back. */
  fprintf (stderr, owner ? "vipctl: vipd is back on the bus\n"
                         : "vipctl: vipd left the bus; waiting for it to come back\n");
}

static gboolean
on_quit_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
vipctl_cmd_events (VipctlOptions *o, int argc, char **argv)
{
  EventsState st = { .o = o };
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariantIter) iter = NULL;
  guint64 since = 0, ts;
  const char *instance, *old_state, *new_state, *reason;
  guint sub = 0;

  if (o->since >= 0)
    {
      gint64 now = g_get_real_time ();

      since = now > o->since * G_USEC_PER_SEC ? (guint64)(now - o->since * G_USEC_PER_SEC) : 0;
    }
  /* Subscribe before reading the history so nothing falls between the two. */
  if (o->follow)
    sub = g_dbus_connection_signal_subscribe (o->bus, VIPD_DBUS_NAME, VIPD_DBUS_IFACE_MANAGER,
                                              "Event", VIPD_DBUS_PATH, NULL,
                                              G_DBUS_SIGNAL_FLAGS_NONE, on_event, &st, NULL);
  reply = g_dbus_connection_call_sync (
      o->bus, VIPD_DBUS_NAME, VIPD_DBUS_PATH, VIPD_DBUS_IFACE_MANAGER, "GetEvents",
      g_variant_new ("(tu)", since, 0u), G_VARIANT_TYPE ("(a(tssss))"),
      G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, &error);
  if (reply == NULL)
    {
      if (sub)
        g_dbus_connection_signal_unsubscribe (o->bus, sub);
      return vipctl_report_error (error, "GetEvents", NULL);
    }
  g_variant_get (reply, "(a(tssss))", &iter);
  while (g_variant_iter_next (iter, "(t&s&s&s&s)", &ts, &instance, &old_state, &new_state, &reason))
    print_event (&st, ts, instance, old_state, new_state, reason);
  if (!o->follow)
    return VIPCTL_EXIT_OK;

  st.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (o->objects, "notify::name-owner", G_CALLBACK (on_owner_changed), NULL);
  g_unix_signal_add (SIGINT, on_quit_signal, st.loop);
  g_unix_signal_add (SIGTERM, on_quit_signal, st.loop);
  g_main_loop_run (st.loop);
  g_dbus_connection_signal_unsubscribe (o->bus, sub);
  g_main_loop_unref (st.loop);
  return VIPCTL_EXIT_OK;
}
