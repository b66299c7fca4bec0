#!/usr/bin/python3
"""A VIP removed by another program (`ip addr del` in node1) while node1 is master (seed
floating-vip, VRRPv3 0.1 s) is put back within a second and logged; node1 stays master."""

import sys
import time

import vipd_bed

VIP = "192.0.2.150"
ADV = 0.1


class VipRemoved(vipd_bed.VipdTest):
    def test_vip_removed(self):
        bed = self.make_bed(nodes=2)
        confs = self.seed("floating-vip", {"node1": "node1.conf", "node2": "node2.conf"})
        for node in ("node1", "node2"):
            self.start(node, confs[node])
        self.wait_owner(VIP, "node1", vipd_bed.master_down(100, ADV) + 3)
        for round_ in range(2):
            t0 = time.monotonic()
            bed.run("node1", ["ip", "addr", "del", VIP + "/24", "dev", "eth0"])
            self.wait_owner(VIP, "node1", 1.0)
            print("VIP restored %.0f ms after `ip addr del`" % ((time.monotonic() - t0) * 1000))
            line = self.wait_log("node1", "disappeared from eth0", 1, after=round_)
            self.assertIn(VIP, line)
            # Restored with a lifetime again, not as a permanent address.
            self.assertLessEqual(bed.find_addr("node1", VIP).get("valid_life_time", 1 << 32), 60)
        self.assert_owner_for(VIP, "node1", 0.5)
        self.assertEqual(self.log_lines("node1", "master -> "), [])
        self.assertEqual(self.log_lines("node2", "-> master"), [])


if __name__ == "__main__":
    sys.exit(vipd_bed.main(VipRemoved))
