#!/usr/bin/python3
"""Prints every signal org.vipd.Vrrp1 sends on the bus at ADDRESS, one JSON line each, in the
order the bus delivered them: {"path", "iface", "member", "args"}. "ready" once subscribed.

Usage: sigwatch.py ADDRESS SECONDS"""

import json
import sys

from gi.repository import Gio, GLib


def main():
    address, seconds = sys.argv[1], float(sys.argv[2])
    bus = Gio.DBusConnection.new_for_address_sync(
        address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
        | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
    loop = GLib.MainLoop()

    def on_signal(_bus, _sender, path, iface, member, params):
        print(json.dumps({"path": path, "iface": iface, "member": member,
                          "args": params.unpack()}, default=str), flush=True)

    # Match on the well-known name: the bus resolves it to vipd's unique name.
    bus.signal_subscribe("org.vipd.Vrrp1", None, None, None, None,
                         Gio.DBusSignalFlags.NONE, on_signal)
    # A round trip makes sure the match rule is in place before "ready".
    bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                  "GetId", None, None, Gio.DBusCallFlags.NONE, -1, None)
    print("ready", flush=True)
    GLib.timeout_add(int(seconds * 1000), loop.quit)
    loop.run()


if __name__ == "__main__":
    main()
