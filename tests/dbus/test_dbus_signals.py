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
from vipdbus import IFACE_I, PYTHON, ROOT, VIP, Node, conf_text, inst_path, wait_master  # noqa: E402

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


if __name__ == "__main__":
    # test_dbus's runner (bed, skips, logs on failure) finds the case in its own module.
    td.case_sync_group_published = case_sync_group_published
    sys.exit(td.main())
