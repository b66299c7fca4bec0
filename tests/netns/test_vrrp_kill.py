#!/usr/bin/python3
"""kill -9 of the master (seed floating-vip, VRRPv3 0.1 s): node2 owns the VIP within
Master_Down_Interval + slack; the killed node's VIP expires on its own soon after; a restarted
node1 removes a VIP left over by the killed run and then preempts back."""

import signal
import sys
import time

import vipd_bed

VIP = "192.0.2.150"
ADV = 0.1
SLACK = 0.5


class KillMaster(vipd_bed.VipdTest):
    def test_kill_master(self):
        self.make_bed(nodes=2)
        confs = self.seed("floating-vip", {"node1": "node1.conf", "node2": "node2.conf"})
        for node in ("node1", "node2"):
            self.start(node, confs[node])
        self.wait_owner(VIP, "node1", vipd_bed.master_down(100, ADV) + 3)
        time.sleep(0.5)
        life = self.bed.find_addr("node1", VIP)["valid_life_time"]

        t0 = time.monotonic()
        self.kill("node1", signal.SIGKILL)
        self.bed.wait_for(lambda: self.has("node2", VIP), 5, "the VIP on node2")
        took = time.monotonic() - t0
        # The last advert left at most one interval before the kill.
        print("kill -9: VIP on node2 after %.0f ms (formula %.0f ms after the last advert)"
              % (took * 1000, vipd_bed.master_down(99, ADV) * 1000))
        self.assertLessEqual(took, vipd_bed.master_down(99, ADV) + SLACK)
        self.assertGreaterEqual(took, vipd_bed.master_down(99, ADV) - ADV - 0.05,
                                "node2 took over before the Master_Down_Interval")
        # The dead daemon's VIP was renewed with a lifetime of `life` seconds; it goes alone.
        self.assertTrue(self.has("node1", VIP) or took > life, "VIP left node1 without vipd")
        expired = self.wait_gone("node1", VIP, life + 3) + took
        print("kill -9: the dead node's VIP expired %.2f s after the kill (lifetime %d s)"
              % (expired, life))
        self.assertTrue(self.has("node2", VIP))

        # Restart: node1 preempts back (higher priority, preempt by default).
        self.start("node1", confs["node1"])
        back = self.wait_owner(VIP, "node1", vipd_bed.master_down(100, ADV) + 2)
        print("restart: node1 master again after %.0f ms" % (back * 1000))

        # A VIP left over by a killed run is removed at start, before node1 is master again.
        self.kill("node1", signal.SIGKILL)
        self.assertTrue(self.has("node1", VIP), "the VIP should outlive the killed daemon")
        self.start("node1", confs["node1"])
        line = self.wait_log("node1", "left over by an earlier run", 2, after=0)
        self.assertIn(VIP, line)
        self.wait_log("node1", "-> master", vipd_bed.master_down(100, ADV) + 2)
        self.wait_owner(VIP, "node1", 3)


if __name__ == "__main__":
    sys.exit(vipd_bed.main(KillMaster))
