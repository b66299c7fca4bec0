/* bus-authority.h — may the caller of a method do this? Asynchronous, so a slow polkitd never
 * delays an advert: uid 0 is allowed at once, everyone else is asked of polkit. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Checks the sender of invocation for action. Interactive authentication is requested only when
 * the caller's message allows it. */
void vipd_bus_authorize (GDBusMethodInvocation *invocation, const char *action,
                         GAsyncReadyCallback callback, gpointer user_data);
/* TRUE when allowed, with the caller's uid; FALSE with a G_DBUS_ERROR_ACCESS_DENIED error whose
 * message names the action and says what to do. */
gboolean vipd_bus_authorize_finish (GAsyncResult *result, guint32 *uid, GError **error);

G_END_DECLS
