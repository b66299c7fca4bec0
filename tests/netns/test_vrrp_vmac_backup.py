#!/usr/bin/python3
"""use_vmac on a backup: its macvlan neither accepts frames sent to the virtual MAC nor sends any
with it (an IPv6 DAD, RS or MLD report from it would move a switch's MAC table entry away from
the master). vipd keeps the macvlan up, so its random link-local address is ready when it takes
over, and closes its gate in `table netdev vipd` (ingress and egress drop) while the instance
does not hold the VIPs.

Conformance: RFC3768-6.4.2-BACKUP-VMAC, RFC5798-6.4.2-BACKUP-VMAC, RFC3768-7.2-TX-VMAC,
RFC5798-7.2-TX-VMAC

node1 runs without use_vmac, so no switch port learns the virtual MACs and a frame sent to one
reaches node2, the backup, with use_vmac for IPv4 (VRID 71) and IPv6 (VRID 72). From before
node2 starts (the macvlans are made then) through at least 5 s as backup, node2 sends no frame
with a virtual MAC as source, and a ping sent to its own address through the virtual MAC gets no
answer. When node1 stops, node2 takes over: the same ping is answered (the check can fail) and
its adverts leave with 00:00:5e:00:01:47 and 00:00:5e:00:02:48 as source.
"""

import json
import os
import signal
import sys
import time

import vipd_bed

MAC_WATCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mac_watch.py")
ADV = 0.1
VIP4, VIP6 = "192.0.2.70", "2001:db8::70"
MAC4, MAC6 = "00:00:5e:00:01:47", "00:00:5e:00:02:48"


def conf(name, priority, vmac):
    out = "global_defs {\n  router_id %s\n}\n" % name
    for inst, vrid, vip in (("V4", 71, VIP4 + "/24"), ("V6", 72, VIP6 + "/64")):
        out += ("vrrp_instance %s {\n  state BACKUP\n  interface eth0\n  virtual_router_id %d\n"
                "  priority %d\n  version 3\n  advert_int %s\n%s"
                "  virtual_ipaddress {\n    %s\n  }\n}\n"
                % (inst, vrid, priority, ADV, "  use_vmac\n" if vmac else "", vip))
    return out


class VmacBackup(vipd_bed.VipdTest):
    @staticmethod
    def frames(watch):
        return [json.loads(line) for line in watch.lines() if '"ready"' not in line]

    def sent_with(self, watch, macs):
        return [f for f in self.frames(watch) if f["out"] and f["src"] in macs]

    def test_backup_silent(self):
        bed = self.make_bed(nodes=2)
        watch = bed.start("node2", ["/usr/bin/python3", MAC_WATCH, "eth0"], bed.log("frames"))
        bed.wait_log(watch, "ready", 10)
        self.start("node1", self.write_conf("n1.conf", conf("n1", 200, False)))
        self.wait_owner(VIP4, "node1", vipd_bed.master_down(200, ADV) + 3)
        t0 = time.monotonic()
        self.start("node2", self.write_conf("n2.conf", conf("n2", 100, True)))
        for ifname, mac in (("vrrp.71", MAC4), ("vrrp.72", MAC6)):
            link = bed.wait_for(lambda: bed.run("node2", ["ip", "link", "show", ifname],
                                                check=False).returncode == 0, 5,
                                "macvlan " + ifname)
            self.assertTrue(link)
        # The macvlans stay up, and the IPv6 one has its link-local address ready.
        ll = bed.wait_for(lambda: bed.link_local("node2", "vrrp.72"), 5, "vrrp.72 link-local")
        self.assertTrue(ll)
        self.wait_log("node2", "advert from", 5)

        # A ping to node2's own address, sent to the virtual MAC, goes unanswered.
        node2_ip = bed.ipv4("node2")
        bed.run("client", ["ip", "neigh", "replace", node2_ip, "lladdr", MAC4, "dev", "eth0",
                           "nud", "permanent"])
        self.assertFalse(self.ping_once(node2_ip), "the backup took a frame sent to the VMAC")
        while time.monotonic() - t0 < 6:
            time.sleep(0.2)
        self.assertEqual(self.owners(VIP4), ["node1"])
        # The capture saw node2's own frames (its base is not silent), none with a VMAC.
        self.assertTrue([f for f in self.frames(watch) if f["out"]], "the capture saw nothing")
        self.assertEqual(self.sent_with(watch, {MAC4, MAC6}), [],
                         "the backup sent frames with the virtual MAC")

        # node1 stops: node2 takes over, its gate opens, the same ping is answered, and its
        # adverts leave with the virtual MACs.
        self.assertEqual(self.kill("node1", signal.SIGTERM, 10), 0)
        for vip, ifname in ((VIP4, "vrrp.71"), (VIP6, "vrrp.72")):
            bed.wait_for(lambda: self.has("node2", vip, ifname),
                         vipd_bed.master_down(100, ADV) + 3, vip + " on node2's " + ifname)
        self.assertTrue(self.ping_once(node2_ip), "the master does not take frames to its VMAC")
        bed.wait_for(lambda: {f["src"] for f in self.sent_with(watch, {MAC4, MAC6})
                              if f["proto"] == 112} == {MAC4, MAC6}, 3,
                     "adverts with both virtual MACs")
        # A stop removes the gates with the macvlans.
        self.assertEqual(self.kill("node2", signal.SIGTERM, 10), 0)
        res = bed.run("node2", ["nft", "list", "table", "netdev", "vipd"], check=False)
        self.assertNotEqual(res.returncode, 0, "a stopped vipd left table netdev vipd")


if __name__ == "__main__":
    sys.exit(vipd_bed.main(VmacBackup))
