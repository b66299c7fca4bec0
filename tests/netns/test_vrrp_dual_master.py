#!/usr/bin/python3
"""Dual-master (seed dual-master, VRRPv3 0.1 s): VI_1's VIP on node1, VI_2's on node2; a
killed node1 moves VI_1 to node2 (VI_2 stays), and its restart brings VI_1 back."""

import signal
import sys
import time

import vipd_bed

VIP1 = "192.0.2.150"
VIP2 = "192.0.2.151"
ADV = 0.1


class DualMaster(vipd_bed.VipdTest):
    def test_dual_master(self):
        self.make_bed(nodes=2)
        confs = self.seed("dual-master", {"node1": "node1.conf", "node2": "node2.conf"})
        for node in ("node1", "node2"):
            self.start(node, confs[node])
        limit = vipd_bed.master_down(99, ADV) + 3
        self.wait_owner(VIP1, "node1", limit)
        self.wait_owner(VIP2, "node2", limit)
        self.assert_owners({VIP1: "node1", VIP2: "node2"})

        t0 = time.monotonic()
        self.kill("node1", signal.SIGKILL)
        self.bed.wait_for(lambda: self.has("node2", VIP1), vipd_bed.master_down(99, ADV) + 0.5,
                          "VI_1's VIP on node2")
        print("kill -9 node1: VI_1 on node2 after %.0f ms" % ((time.monotonic() - t0) * 1000))
        self.assertTrue(self.has("node2", VIP2), "VI_2 left node2")
        self.assertFalse(self.has("node1", VIP2))

        self.start("node1", confs["node1"])
        self.wait_owner(VIP1, "node1", vipd_bed.master_down(100, ADV) + 1.5)
        self.assert_owner_for(VIP2, "node2", 0.5)
        self.assert_owners({VIP1: "node1", VIP2: "node2"})


if __name__ == "__main__":
    sys.exit(vipd_bed.main(DualMaster))
