/* admin-store.h — admin priorities and maintenance mode, kept in the state directory so that a
 * node demoted for maintenance does not grab the VIP back when it reboots. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VipdAdminStore VipdAdminStore;

/* A store in dir (created when missing at the first write); reads what is there. A missing or
 * unreadable file is an empty store, with a warning in the second case. */
VipdAdminStore *vipd_admin_store_new (const char *dir);
void vipd_admin_store_free (VipdAdminStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipdAdminStore, vipd_admin_store_free)

/* The admin priority of instance (0 = none). */
guint8 vipd_admin_store_get_priority (VipdAdminStore *store, const char *instance);
gboolean vipd_admin_store_get_maintenance (VipdAdminStore *store);
/* Setters write the file atomically (temporary file + rename); FALSE with error when they could
 * not, the value in memory changing all the same. */
gboolean vipd_admin_store_set_priority (VipdAdminStore *store, const char *instance,
                                        guint8 priority, GError **error);
gboolean vipd_admin_store_set_maintenance (VipdAdminStore *store, gboolean enabled,
                                           GError **error);
/* The admin weight of real server rs of virtual server vs (Drain, SetWeight); -1 = none. */
int vipd_admin_store_get_weight (VipdAdminStore *store, const char *vs, const char *rs);
/* weight -1 forgets it. */
gboolean vipd_admin_store_set_weight (VipdAdminStore *store, const char *vs, const char *rs,
                                      int weight, GError **error);
/* The file's path, for messages. */
const char *vipd_admin_store_get_path (VipdAdminStore *store);

G_END_DECLS
