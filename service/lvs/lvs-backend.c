/* lvs-backend.c — the kernel and memory backends of the LVS manager. */
#include "lvs-backend.h"

#include <gio/gio.h>

#include "log.h"

#include "ipvs-netlink.h"

/* ---- kernel ---- */

static gpointer
kernel_open (GError **error)
{
  return vipd_ipvs_open (error);
}

static VipdIpvsTable *
kernel_read (gpointer handle, GError **error)
{
  return vipd_ipvs_read (handle, error);
}

static gboolean
kernel_apply (gpointer handle, GArray *ops, GError **error)
{
  return vipd_ipvs_apply (handle, ops, error);
}

static gboolean
kernel_flush (gpointer handle, GError **error)
{
  return vipd_ipvs_flush (handle, error);
}

static void
kernel_close (gpointer handle)
{
  vipd_ipvs_close (handle);
}

const VipdLvsBackend *
vipd_lvs_backend_kernel (void)
{
  static const VipdLvsBackend kernel = { "kernel", kernel_open, kernel_read, kernel_apply,
                                         kernel_flush, kernel_close };

  return &kernel;
}

/* ---- memory ---- */

static gpointer
memory_open (GError **error)
{
  return vipd_ipvs_table_new ();
}

static VipdIpvsTable *
memory_read (gpointer handle, GError **error)
{
  VipdIpvsTable *table = handle;
  VipdIpvsTable *copy = vipd_ipvs_table_new ();

  for (guint i = 0; i < table->services->len; i++)
    vipd_ipvs_table_add_service (copy, g_ptr_array_index (table->services, i));
  return copy;
}

static gboolean
memory_apply (gpointer handle, GArray *ops, GError **error)
{
  VipdIpvsTable *table = handle;
  g_autoptr (GString) failures = NULL;
  guint n_failed = 0;

  for (guint i = 0; i < ops->len; i++)
    {
      const VipdIpvsOp *op = &g_array_index (ops, VipdIpvsOp, i);
      VipdIpvsService *svc = vipd_ipvs_table_find_service (table, &op->service.key);
      g_autofree char *text = vipd_ipvs_op_describe (op);

      switch (op->kind)
        {
        case VIPD_IPVS_OP_ADD_SERVICE:
        case VIPD_IPVS_OP_EDIT_SERVICE:
          {
            VipdIpvsService copy = op->service;

            copy.dests = svc ? svc->dests : NULL;
            if ((svc != NULL) != (op->kind == VIPD_IPVS_OP_EDIT_SERVICE))
              goto refused;
            vipd_ipvs_table_add_service (table, &copy);
          }
          break;
        case VIPD_IPVS_OP_DEL_SERVICE:
          if (!vipd_ipvs_table_remove_service (table, &op->service.key))
            goto refused;
          break;
        case VIPD_IPVS_OP_ADD_DEST:
        case VIPD_IPVS_OP_EDIT_DEST:
          if (svc == NULL)
            goto refused;
          vipd_ipvs_service_set_dest (svc, &op->dest);
          break;
        case VIPD_IPVS_OP_DEL_DEST:
          {
            gboolean found = FALSE;

            for (guint d = 0; svc && svc->dests && d < svc->dests->len; d++)
              if (vipd_ipvs_dest_compare (&g_array_index (svc->dests, VipdIpvsDest, d), &op->dest)
                  == 0)
                {
                  g_array_remove_index (svc->dests, d);
                  found = TRUE;
                  break;
                }
            if (!found)
              goto refused;
          }
          break;
        }
      vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "IPVS: %s", text);
      continue;
    refused:
      /* What the kernel would answer (EEXIST/ESRCH): a diff that does not fit the table. As
       * the kernel backend does, the next operations are still tried. */
      if (failures == NULL)
        failures = g_string_new (NULL);
      else
        g_string_append (failures, "; ");
      g_string_append_printf (failures, "%s: does not fit the table", text);
      n_failed++;
    }
  if (n_failed == 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%u of %u IPVS operations failed: %s",
               n_failed, ops->len, failures->str);
  return FALSE;
}

static gboolean
memory_flush (gpointer handle, GError **error)
{
  VipdIpvsTable *table = handle;

  vipd_ipvs_table_clear (table);
  vipd_log_instance (G_LOG_LEVEL_MESSAGE, NULL, "IPVS: flush");
  return TRUE;
}

static void
memory_close (gpointer handle)
{
  vipd_ipvs_table_free (handle);
}

const VipdLvsBackend *
vipd_lvs_backend_memory (void)
{
  static const VipdLvsBackend memory = { "memory", memory_open, memory_read, memory_apply,
                                         memory_flush, memory_close };

  return &memory;
}

const VipdLvsBackend *
vipd_lvs_backend_default (void)
{
  if (g_strcmp0 (g_getenv ("VIPD_IPVS_BACKEND"), "memory") == 0)
    return vipd_lvs_backend_memory ();
  return vipd_lvs_backend_kernel ();
}
