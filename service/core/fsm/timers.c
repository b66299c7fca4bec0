/* timers.c — Skew_Time and Master_Down_Interval per VRRP version. */
#include "fsm/fsm.h"

#define US_PER_CS G_GUINT64_CONSTANT (10000)
#define US_PER_S G_GUINT64_CONSTANT (1000000)

guint64
vipd_fsm_skew_time_us (guint8 version, guint8 priority, guint16 master_adver_int_cs)
{
  /* RFC 3768 §6.1: (256 - Priority) / 256 seconds, independent of the interval.
   * RFC 5798/9568 §6.1: scaled by Master_Adver_Interval, so short intervals fail over fast. */
  if (version == 2)
    return (256 - (guint64) priority) * US_PER_S / 256;
  return (256 - (guint64) priority) * master_adver_int_cs * US_PER_CS / 256;
}

guint64
vipd_fsm_master_down_us (guint8 version, guint8 priority, guint16 master_adver_int_cs)
{
  return 3 * (guint64) master_adver_int_cs * US_PER_CS
         + vipd_fsm_skew_time_us (version, priority, master_adver_int_cs);
}
