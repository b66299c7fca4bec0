#!/usr/bin/python3
"""A polkit authority for tests that prints every CheckAuthorization it gets
(`check ACTION flags=N`) and answers "not authorized, challenge" unless the caller allowed
user interaction (flags & 1), in which case it answers "authorized"."""
import sys

from gi.repository import Gio, GLib

XML = """<node><interface name="org.freedesktop.PolicyKit1.Authority">
<method name="CheckAuthorization"><arg type="(sa{sv})" direction="in"/><arg type="s" direction="in"/>
<arg type="a{ss}" direction="in"/><arg type="u" direction="in"/><arg type="s" direction="in"/>
<arg type="(bba{ss})" direction="out"/></method></interface></node>"""


def on_call(conn, sender, path, iface, method, params, inv):
    _subject, action, _details, flags, _cancel = params.unpack()
    print("check %s flags=%d" % (action, flags), flush=True)
    interactive = bool(flags & 1)
    inv.return_value(GLib.Variant("((bba{ss}))", ((interactive, not interactive, {}),)))


def main():
    loop = GLib.MainLoop()
    bus = Gio.bus_get_sync(Gio.BusType.SYSTEM)
    info = Gio.DBusNodeInfo.new_for_xml(XML).interfaces[0]
    bus.register_object("/org/freedesktop/PolicyKit1/Authority", info, on_call, None, None)
    Gio.bus_own_name_on_connection(bus, "org.freedesktop.PolicyKit1", 0,
                                   lambda *a: print("ready", flush=True),
                                   lambda *a: sys.exit("name lost"))
    loop.run()


if __name__ == "__main__":
    main()
