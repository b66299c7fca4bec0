/* bus-names.h — every D-Bus name, path, interface and polkit action vipd uses, in one place. */
#pragma once

#define VIPD_DBUS_NAME "org.vipd.Vrrp1"
#define VIPD_DBUS_PATH "/org/vipd/Vrrp1"
#define VIPD_DBUS_INSTANCE_PREFIX VIPD_DBUS_PATH "/instance/"
#define VIPD_DBUS_SCRIPT_PREFIX VIPD_DBUS_PATH "/script/"
#define VIPD_DBUS_GROUP_PREFIX VIPD_DBUS_PATH "/group/"
#define VIPD_DBUS_VS_PREFIX VIPD_DBUS_PATH "/virtual_server/"

#define VIPD_DBUS_IFACE_MANAGER "org.vipd.Vrrp1.Manager"
#define VIPD_DBUS_IFACE_INSTANCE "org.vipd.Vrrp1.Instance"
#define VIPD_DBUS_IFACE_SCRIPT "org.vipd.Vrrp1.TrackScript"
#define VIPD_DBUS_IFACE_GROUP "org.vipd.Vrrp1.SyncGroup"
#define VIPD_DBUS_IFACE_VS "org.vipd.Vrrp1.VirtualServer"
#define VIPD_DBUS_IFACE_RS "org.vipd.Vrrp1.RealServer"

#define VIPD_ACTION_DEMOTE "org.vipd.vrrp1.demote"
#define VIPD_ACTION_TAKEOVER "org.vipd.vrrp1.takeover"
#define VIPD_ACTION_SET_PRIORITY "org.vipd.vrrp1.set-priority"
#define VIPD_ACTION_SEND_GARP "org.vipd.vrrp1.send-garp"
#define VIPD_ACTION_RELOAD "org.vipd.vrrp1.reload"
#define VIPD_ACTION_MAINTENANCE "org.vipd.vrrp1.maintenance"
#define VIPD_ACTION_DRAIN "org.vipd.vrrp1.drain"
#define VIPD_ACTION_ENABLE "org.vipd.vrrp1.enable"
#define VIPD_ACTION_SET_WEIGHT "org.vipd.vrrp1.set-weight"

#define POLKIT_DBUS_NAME "org.freedesktop.PolicyKit1"
#define POLKIT_DBUS_PATH "/org/freedesktop/PolicyKit1/Authority"
#define POLKIT_DBUS_IFACE "org.freedesktop.PolicyKit1.Authority"
