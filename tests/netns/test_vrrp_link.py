#!/usr/bin/python3
"""Link down on the master (seed floating-vip, VRRPv3 0.1 s): node1 goes to fault (logged,
VIP removed) and node2 takes over; when the link returns node1 is a backup again and then
preempts. Two causes: the interface set down inside node1, and carrier lost because the
bridge-side end of node1's veth went down."""

import sys
import time

import vipd_bed

VIP = "192.0.2.150"
ADV = 0.1


class LinkDown(vipd_bed.VipdTest):
    def run_case(self, down, up, reason):
        bed = self.make_bed(nodes=2)
        confs = self.seed("floating-vip", {"node1": "node1.conf", "node2": "node2.conf"})
        for node in ("node1", "node2"):
            self.start(node, confs[node])
        self.wait_owner(VIP, "node1", vipd_bed.master_down(100, ADV) + 3)

        t0 = time.monotonic()
        down(bed)
        line = self.wait_log("node1", "-> fault", 2)
        self.assertIn(reason, line)
        self.assertIn("master -> fault", line)
        took = self.wait_owner(VIP, "node2", vipd_bed.master_down(99, ADV) + 1.0)
        print("%s: VIP on node2 only after %.0f ms" % (reason, (time.monotonic() - t0) * 1000))
        self.assertTrue(self.vipd["node1"].running(), "vipd exited on a link fault")
        # While the link is down node1 stays in fault and does not take the VIP back.
        self.assert_owner_for(VIP, "node2", 0.5)
        del took

        t1 = time.monotonic()
        up(bed)
        self.wait_log("node1", "fault -> backup", 2)
        back = self.wait_owner(VIP, "node1", vipd_bed.master_down(100, ADV) + 1.5)
        print("%s: link up, VIP back on node1 after %.0f ms"
              % (reason, (time.monotonic() - t1) * 1000))
        self.wait_log("node1", "backup -> master", 1, after=1)
        del back

    def test_interface_down(self):
        self.run_case(lambda bed: bed.run("node1", ["ip", "link", "set", "eth0", "down"]),
                      lambda bed: bed.run("node1", ["ip", "link", "set", "eth0", "up"]),
                      "eth0 is down")

    def test_carrier_lost(self):
        def port(bed, state):
            bed.run("br", ["ip", "link", "set", bed._port("node1"), state])
        self.run_case(lambda bed: port(bed, "down"), lambda bed: port(bed, "up"),
                      "eth0 lost carrier")


if __name__ == "__main__":
    sys.exit(vipd_bed.main(LinkDown))
