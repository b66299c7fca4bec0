#!/usr/bin/python3
"""The seed's sync-group configuration (VI_1 on eth0, VI_2 on eth1, vrrp_sync_group VG_1;
VRRPv3 0.1 s) on a bed with a second LAN (198.51.100.0/24 on eth1): it loads and runs, and both
instances come up master on node1 with node2 backup for both. (Moving the group together is
not checked here.)"""

import sys

import vipd_bed

VIP = "192.0.2.150"
DIP = "198.51.100.254"
ADV = 0.1


class SyncGroup(vipd_bed.VipdTest):
    def test_sync_group(self):
        self.make_bed(nodes=2)
        self.add_lan("eth1", "198.51.100")
        self.assertTrue(self.bed.has_addr("node2", "198.51.100.12", "eth1"))
        confs = self.seed("sync-group", {"node1": "node1.conf", "node2": "node2.conf"})
        for node in ("node1", "node2"):
            proc = self.start(node, confs[node])
            self.assertIn("started 2 VRRP instances", self.wait_log(node, "started ", 1))
            self.assertTrue(proc.running())
        limit = vipd_bed.master_down(100, ADV) + 3
        self.wait_owner(VIP, "node1", limit, "eth0")
        self.wait_owner(DIP, "node1", limit, "eth1")
        self.assertFalse(self.has("node1", DIP, "eth0"), "the DIP went to the wrong interface")
        self.assertFalse(self.has("node1", VIP, "eth1"), "the VIP went to the wrong interface")
        self.wait_log("node1", "(VI_1) backup -> master", 1)
        self.wait_log("node1", "(VI_2) backup -> master", 1)
        # Over several Master_Down_Intervals node2 stays backup for both.
        self.assert_owner_for(VIP, "node1", 1.0, "eth0")
        self.assert_owner_for(DIP, "node1", 0.3, "eth1")
        self.assertEqual(self.log_lines("node2", "-> master"), [])


if __name__ == "__main__":
    sys.exit(vipd_bed.main(SyncGroup))
