/* lvs-checker.h — one checker of one real server, running on its own: the first check after
 * a random part of warmup, then every delay_loop, retries after delay_before_retry, the
 * verdict by keepalived's rule (core/lvs/checker-state.h). TCP_CHECK, HTTP_GET and SSL_GET go
 * through lvs-probe; MISC_CHECK is an asynchronous child killed at misc_timeout. */
#pragma once

#include <glib.h>

#include "config/config-model.h"

G_BEGIN_DECLS

typedef struct _VipdLvsChecker VipdLvsChecker;

/* After every completed check; changed says the verdict flipped. */
typedef void (*VipdLvsCheckerFunc) (VipdLvsChecker *checker, gboolean changed,
                                    gpointer user_data);

/* conf, vs and rs are borrowed until the next vipd_lvs_checker_rebind() or free. */
VipdLvsChecker *vipd_lvs_checker_new (const VipdVirtualServer *vs, const VipdRealServer *rs,
                                      const VipdChecker *conf, const VipdGlobalDefs *global,
                                      VipdLvsCheckerFunc func, gpointer user_data);
void vipd_lvs_checker_start (VipdLvsChecker *checker);
/* Stops timers, probes and children; NULL is allowed. */
void vipd_lvs_checker_free (VipdLvsChecker *checker);
/* After a reload with the same checking settings: new pointers, state kept. */
void vipd_lvs_checker_rebind (VipdLvsChecker *checker, const VipdVirtualServer *vs,
                              const VipdRealServer *rs, const VipdChecker *conf,
                              const VipdGlobalDefs *global);

gboolean vipd_lvs_checker_is_up (const VipdLvsChecker *checker);
gboolean vipd_lvs_checker_is_known (const VipdLvsChecker *checker);
/* misc_dynamic's weight, -1 when none. */
int vipd_lvs_checker_get_dynamic_weight (const VipdLvsChecker *checker);
const char *vipd_lvs_checker_get_last_reason (const VipdLvsChecker *checker);
guint64 vipd_lvs_checker_get_last_check (const VipdLvsChecker *checker); /* µs, wall clock */
guint64 vipd_lvs_checker_get_checks (const VipdLvsChecker *checker);
guint64 vipd_lvs_checker_get_failures (const VipdLvsChecker *checker);

G_END_DECLS
