#!/usr/bin/python3
"""What vipd's signals say and when, on a private bus per node.

Usage: test_dbus_signals.py CASE. Exit 0 pass, 1 fail, 77 skip (not root, no ip netns, no
dbus-daemon)."""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import test_dbus as td  # noqa: E402
from vipdbus import IFACE_I, IFACE_M, PYTHON, ROOT, VIP, Node, conf_text, inst_path, wait_master  # noqa: E402

check = td.check
PROPS = "org.freedesktop.DBus.Properties"
SG = "org.vipd.Vrrp1.SyncGroup"


def watch(bed, node, seconds=60):
    proc = bed.start(node.node, [PYTHON, "-u", os.path.join(HERE, "sigwatch.py"), node.bus.address,
                      str(seconds)], bed.log("sigwatch-%s" % node.node))
    bed.wait_log(proc, "ready", 10)
    return proc


def signals(proc):
    return [json.loads(line) for line in proc.lines() if line.startswith("{")]


def case_sync_group_published(bed):
    """A sync group's State is published with the transition that changes it. Before, vipd
    copied it on its once-a-second counters tick, which first publishes every instance's
    Counters: so the order on the bus tells the two apart without timing anything. After the
    member's State change, the group's State change must come before any Counters-only update
    of the members."""
    group = "vrrp_sync_group VG_1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\n\n"
    insts = [("VI_1", "eth0", 51, VIP + "/24"), ("VI_2", "eth0", 52, "192.0.2.201/24")]
    n1 = Node(bed, "node1", group + conf_text("node1", 150, instances=insts))
    n2 = Node(bed, "node2", group + conf_text("node2", 100, instances=insts))
    n1.start_vipd()
    wait_master(bed, n1)
    n2.start_vipd()
    n2.wait_on_bus()
    gpath = ROOT + "/group/VG_1"

    def gstate():
        return n1.call(gpath, PROPS, "Get", "ss", SG, "State")[0]["data"]

    bed.wait_for(lambda: gstate() == "master", 10, "VG_1 master on node1")
    bed.wait_for(lambda: n2.state("VI_1") == "backup" and n2.state("VI_2") == "backup", 10,
                 "node2 backup")
    w = watch(bed, n1)
    # Demote VI_1: the group resigns as a whole (VI_2 follows), node1's group goes backup.
    n1.call(inst_path("VI_1"), IFACE_I, "Demote")
    bed.wait_for(lambda: any(s["path"] == gpath and s["member"] == "PropertiesChanged"
                             and s["args"][1].get("State") == "backup" for s in signals(w)),
                 10, "PropertiesChanged of VG_1 with State backup")
    seen = signals(w)
    first_state = next(i for i, s in enumerate(seen)
                       if s["member"] == "PropertiesChanged"
                       and s["path"] in (inst_path("VI_1"), inst_path("VI_2"))
                       and "State" in s["args"][1])
    group_at = next(i for i, s in enumerate(seen)
                    if s["path"] == gpath and s["member"] == "PropertiesChanged"
                    and s["args"][1].get("State") == "backup")
    between = [s for s in seen[first_state:group_at]
               if s["member"] == "PropertiesChanged" and s["path"].startswith(ROOT + "/instance/")
               and set(s["args"][1]) == {"Counters"}]
    check(first_state < group_at, "the group's State came before its members':\n%s" % seen)
    check(not between, "the group's State came only after a counters tick "
          "(%d Counters updates first):\n%s" % (len(between), json.dumps(seen, indent=1)))
    # And it is the group's final word: the State property reads backup too.
    check(gstate() == "backup", "VG_1 state %s" % gstate())
    print("group State published %d signal(s) after the members' first State change"
          % (group_at - first_state))


def case_instance_objects(bed):
    """An instance object is a plain registration read live, not a skeleton: what a client
    sees must still be what a skeleton gave. A state change sends PropertiesChanged naming only
    the properties that moved (never Counters), then StateChanged; Introspect, Get, GetAll and
    GetManagedObjects agree; a wrong argument type or an unknown property is an error, and the
    daemon goes on."""
    n1 = Node(bed, "node1", conf_text("node1", 150))
    n1.start_vipd()
    wait_master(bed, n1)
    path = inst_path("VI_1")
    w = watch(bed, n1)
    n1.call(path, IFACE_I, "Demote")
    bed.wait_for(lambda: any(s["path"] == path and s["member"] == "StateChanged"
                             for s in signals(w)), 10, "StateChanged of VI_1")
    seen = [s for s in signals(w) if s["path"] == path]
    changes = [s["args"][1] for s in seen if s["member"] == "PropertiesChanged"]
    state_at = next(i for i, s in enumerate(seen) if s["member"] == "StateChanged")
    first_change = next((i for i, s in enumerate(seen) if s["member"] == "PropertiesChanged"
                         and s["args"][1].get("State") == "backup"), None)
    check(first_change is not None and first_change < state_at,
          "PropertiesChanged with State backup must come before StateChanged:\n%s" % seen)
    check(seen[state_at]["args"][:2] == ["master", "backup"], "StateChanged %s" % seen[state_at])
    moved = set().union(*changes)
    check({"State", "LastTransition", "LastTransitionReason", "AdminPriority"} & moved
          >= {"State", "LastTransition"}, "properties announced: %s" % sorted(moved))
    check(not moved & {"Name", "Interface", "VirtualRouterId", "Version", "Family",
                       "VirtualAddresses", "Counters", "ChecksumForm"},
          "unchanged properties announced: %s" % sorted(moved))
    # Introspection names the interface and its methods; the root lists the instance node.
    xml = n1.call(path, "org.freedesktop.DBus.Introspectable", "Introspect")[0]
    check('interface name="org.vipd.Vrrp1.Instance"' in xml and 'name="SetPriority"' in xml,
          "Introspect of VI_1:\n%s" % xml)
    root_xml = n1.call(ROOT, "org.freedesktop.DBus.Introspectable", "Introspect")[0]
    check('<node name="instance"' in root_xml, "Introspect of the root:\n%s" % root_xml)
    # GetAll, Get and GetManagedObjects give the same values.
    props = n1.call(path, PROPS, "GetAll", "s", IFACE_I)[0]
    objs = n1.call(ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")[0]
    managed = objs[path][IFACE_I]
    check(len(props) == 23 and set(props) == set(managed), "GetAll %s, managed %s"
          % (sorted(props), sorted(managed)))
    for name in ("State", "EffectivePriority", "VirtualAddresses", "TrackScripts", "SyncGroup"):
        check(props[name]["data"] == managed[name]["data"] == n1.get("VI_1", name),
              "%s: GetAll %s, managed %s" % (name, props[name], managed[name]))
    check(props["Counters"]["data"]["adverts-tx"] > 0, "Counters %s" % props["Counters"])
    # Bad calls: each one refused with its D-Bus error, nothing changed.
    admin = n1.get("VI_1", "AdminPriority")
    # busctl sends the signature it is given (gdbus would check it against Introspect first).
    r = n1.call(path, IFACE_I, "SetPriority", "s", "high", check=False)
    check(not isinstance(r, list) and "(y)" in r.stderr, "SetPriority('high'): %s"
          % td.busctl_error(r))
    r = n1.gcall(path, IFACE_I, "SetPriority", "byte 255")
    check(r.returncode != 0 and "InvalidArgs" in r.stderr and "1-254" in r.stderr,
          "SetPriority(255): %s" % r.stderr)
    r = n1.gcall(path, IFACE_I, "Explode")
    check(r.returncode != 0 and "UnknownMethod" in r.stderr, "Explode: %s" % r.stderr)
    r = n1.gcall(path, PROPS, "Get", IFACE_I, "Secret")
    check(r.returncode != 0 and "InvalidArgs" in r.stderr, "Get(Secret): %s" % r.stderr)
    r = n1.gcall(path, PROPS, "Set", IFACE_I, "State", "<'master'>")
    check(r.returncode != 0, "Set(State) accepted: %s" % r.stdout)
    check(n1.get("VI_1", "AdminPriority") == admin and n1.state() == "backup",
          "state after refused calls: %s, admin %s" % (n1.state(), n1.get("VI_1", "AdminPriority")))
    bed.stop(w)


def case_path_clash(bed):
    """Two instance names that escape to one object path (VI-1 is VI_2d1): both run VRRP, the
    first is on the bus, the second is named in a warning, and takes the path once a reload
    frees it."""
    clash = [("VI-1", "eth0", 51, VIP + "/24"), ("VI_2d1", "eth0", 52, "192.0.2.201/24")]
    n1 = Node(bed, "node1", conf_text("node1", 150, instances=clash))
    n1.start_vipd()
    path = inst_path("VI_2d1")
    bed.wait_for(lambda: n1.has_vip() and n1.has_vip("192.0.2.201"), 10, "both instances master")
    objs = n1.call(ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")[0]
    check(sorted(objs) == [path], "objects: %s" % sorted(objs))
    check(objs[path][IFACE_I]["Name"]["data"] == "VI-1", "the path went to %s"
          % objs[path][IFACE_I]["Name"])
    log = open(n1.vipd.log_path).read()
    check("VI_2d1" in log and "rename one" in log, "no warning naming the clash:\n%s" % log)
    w = watch(bed, n1)
    n1.write_conf(conf_text("node1", 150, instances=clash[1:]))
    n1.call(ROOT, IFACE_M, "Reload")
    bed.wait_for(lambda: n1.get("VI_2d1", "Name") == "VI_2d1", 5, "VI_2d1 on the bus")
    bed.wait_for(lambda: [s["member"] for s in signals(w) if s["args"][:1] == [path]]
                 == ["InterfacesRemoved", "InterfacesAdded"], 5,
                 "InterfacesRemoved then InterfacesAdded of %s" % path)
    check(n1.has_vip("192.0.2.201") and not n1.has_vip(), "VIPs after the reload")
    bed.stop(w)


if __name__ == "__main__":
    # test_dbus's runner (bed, skips, logs on failure) finds the case in its own module.
    td.case_sync_group_published = case_sync_group_published
    td.case_instance_objects = case_instance_objects
    td.case_path_clash = case_path_clash
    sys.exit(td.main())
