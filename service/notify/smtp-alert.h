/* smtp-alert.h — keepalived's smtp_alert: one mail per transition to notification_email, from
 * notification_email_from, through smtp_server. Each mail is sent by a worker thread with
 * smtp_connect_timeout on every step, so a dead or slow server never holds up the protocol;
 * a failure is logged and nothing else happens. */
#pragma once

#include <glib.h>

#include "config/config-model.h"
#include "notify/notify-format.h"

G_BEGIN_DECLS

typedef struct _VipdSmtpAlert VipdSmtpAlert;

/* global is borrowed. */
VipdSmtpAlert *vipd_smtp_alert_new (const VipdGlobalDefs *global);
/* Mails still being sent finish (or time out) on their own. NULL is allowed. */
void vipd_smtp_alert_free (VipdSmtpAlert *smtp);
void vipd_smtp_alert_send (VipdSmtpAlert *smtp, VipdNotifyKind kind, const char *name,
                           VipdState old_state, VipdState state, guint8 priority,
                           const char *reason);
/* The subject keepalived uses: "[router_id] VRRP Instance VI_1 - Entering MASTER state". */
char *vipd_smtp_alert_subject (const char *router_id, VipdNotifyKind kind, const char *name,
                               VipdState state);

G_END_DECLS
