#!/usr/bin/python3
"""The VRRPv3/IPv4 checksum switch between two real vipd nodes.

node1 (priority 200) sends the pseudo-header form, node2 (priority 100) the RFC 9568 form
(``v3_checksum_as_v2``). Without ``v3_checksum_strict`` each accepts the other's form: one
master, no checksum drops. With it on both, each drops the other's adverts as bad checksums
(the ``rx-dropped-checksum`` counter grows) and both become master.

Conformance: RFC5798-5.2.8-CSUM-V4-FORMS, RFC9568-5.2.8-CSUM-V4-MSG.
Usage: test_checksum.py {interop,strict}; exits 77 when the bed cannot be built here.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "dbus"))
sys.path.insert(0, os.path.join(HERE, "..", "netns"))

import testbed  # noqa: E402
import vipdbus  # noqa: E402
from vipdbus import Node, inst_path  # noqa: E402

VIP = "192.0.2.200"
INTERVAL = 0.1


def conf(router_id, priority, global_extra=(), instance_extra=()):
    lines = ["global_defs {", "    router_id %s" % router_id, "    vrrp_version 3"]
    lines += ["    " + l for l in global_extra]
    lines += ["}", "vrrp_instance VI_1 {", "    state BACKUP", "    interface eth0",
              "    virtual_router_id 51", "    priority %d" % priority,
              "    advert_int %s" % INTERVAL]
    lines += ["    " + l for l in instance_extra]
    lines += ["    virtual_ipaddress {", "        %s/24" % VIP, "    }", "}", ""]
    return "\n".join(lines)


def counters(node):
    return node.get("VI_1", "Counters")


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def wait_state(bed, node, state, timeout):
    bed.wait_for(lambda: node.on_bus() and node.state() == state, timeout,
                 "%s %s" % (node.node, state), interval=0.05)


def case_interop(bed):
    n1 = Node(bed, "node1", conf("node1", 200))
    n2 = Node(bed, "node2", conf("node2", 100, instance_extra=["v3_checksum_as_v2"]))
    n1.start_vipd()
    n2.start_vipd()
    wait_state(bed, n1, "master", 10)
    wait_state(bed, n2, "backup", 10)
    check(n1.get("VI_1", "ChecksumForm") == "pseudo-header", "node1 form")
    check(n2.get("VI_1", "ChecksumForm") == "message-only", "node2 form")
    check(n1.get("VI_1", "ChecksumStrict") is False, "node1 should accept both forms")
    check(n2.get("VI_1", "ChecksumStrict") is False, "node2 should accept both forms")
    # node2 keeps hearing node1 over 30 adverts and never takes the VIP.
    before = counters(n2)["adverts-rx"]
    bed.wait_for(lambda: counters(n2)["adverts-rx"] >= before + 30, 15,
                 "30 more adverts at node2")
    check(n2.state() == "backup", "node2 left backup: %s" % n2.state())
    check(bed.has_addr("node1", VIP) and not bed.has_addr("node2", VIP),
          "the VIP should be on node1 only")
    # node2 speaks too once node1 hands over: node1 (now backup) must accept its form.
    n1.call(inst_path("VI_1"), vipdbus.IFACE_I, "Demote")
    wait_state(bed, n2, "master", 5)
    c1 = counters(n1)
    bed.wait_for(lambda: counters(n1)["adverts-rx"] >= c1["adverts-rx"] + 10, 10,
                 "node1 to hear node2's message-only adverts")
    check(n1.state() == "backup", "node1 left backup: %s" % n1.state())
    for n in (n1, n2):
        c = counters(n)
        print("%s: adverts-rx %d, rx-dropped-checksum %d" % (n.node, c["adverts-rx"],
                                                             c["rx-dropped-checksum"]))
        check(c["rx-dropped-checksum"] == 0, "%s dropped adverts as bad checksums" % n.node)


def case_strict(bed):
    n1 = Node(bed, "node1", conf("node1", 200, global_extra=["v3_checksum_strict"]))
    n2 = Node(bed, "node2", conf("node2", 100,
                                 instance_extra=["v3_checksum_as_v2", "v3_checksum_strict yes"]))
    n1.start_vipd()
    n2.start_vipd()
    wait_state(bed, n1, "master", 10)
    # node2 cannot hear node1 and takes over after Master_Down_Interval.
    wait_state(bed, n2, "master", 10)
    check(n1.get("VI_1", "ChecksumStrict") is True, "node1 should be strict")
    check(n2.get("VI_1", "ChecksumStrict") is True, "node2 should be strict")
    bed.wait_for(lambda: counters(n1)["rx-dropped-checksum"] >= 10
                 and counters(n2)["rx-dropped-checksum"] >= 10, 10,
                 "both nodes to drop 10 adverts as bad checksums")
    for n in (n1, n2):
        c = counters(n)
        print("%s: adverts-rx %d, rx-dropped-checksum %d, state %s" % (
            n.node, c["adverts-rx"], c["rx-dropped-checksum"], n.state()))
        check(c["adverts-rx"] == 0, "%s accepted an advert of the other form" % n.node)
        check(n.state() == "master", "%s should be master: it hears nobody" % n.node)
    check(bed.has_addr("node1", VIP) and bed.has_addr("node2", VIP),
          "both nodes should hold the VIP (neither hears the other)")
    check(any("bad VRRP checksum" in l for l in n2.vipd.lines()),
          "node2 did not log the checksum drop")


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("interop", "strict"):
        print("usage: test_checksum.py {interop,strict}", file=sys.stderr)
        return 2
    reason = vipdbus.skip_reason()
    if reason:
        print("SKIP: " + reason)
        return 77
    with testbed.Bed(nodes=2) as bed:
        try:
            globals()["case_" + sys.argv[1]](bed)
        except BaseException:
            bed.dump_logs()
            raise
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
