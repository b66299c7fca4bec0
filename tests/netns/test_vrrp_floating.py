#!/usr/bin/python3
"""Floating VIP (seed floating-vip, VRRPv2, 1 s adverts as the seed has them): node1 (MASTER,
100) owns the VIP and node2 (BACKUP, 99) does not; node1's gratuitous ARP moves the client's
neighbour entry for the VIP to node1's MAC."""

import sys
import time

import vipd_bed

VIP = "192.0.2.150"
STALE_MAC = "02:00:5e:00:53:01"


class FloatingVip(vipd_bed.VipdTest):
    def test_floating_vip(self):
        bed = self.make_bed(nodes=2)
        confs = self.seed("floating-vip", {"node1": "node1.conf", "node2": "node2.conf"},
                          fast=False)
        # The client already has an entry for the VIP, pointing nowhere: only a gratuitous
        # ARP (which updates existing entries) can correct it without traffic from the client.
        bed.run("client", ["ip", "neigh", "replace", VIP, "lladdr", STALE_MAC, "dev", "eth0",
                           "nud", "stale"])
        t0 = time.monotonic()
        for node in ("node1", "node2"):
            self.start(node, confs[node])
        # Both start as backups: node1 wins once its Master_Down_Interval (3.61 s) has passed.
        took = self.wait_owner(VIP, "node1", vipd_bed.master_down(100, 1.0) + 3)
        print("node1 master %.2f s after start" % (time.monotonic() - t0))
        self.assertGreaterEqual(time.monotonic() - t0, 3 * 1.0 - 0.5,
                                "node1 took the VIP before a Master_Down_Interval had passed")
        self.wait_log("node1", "-> master", 1)
        self.assertEqual(self.log_lines("node2", "-> master"), [], "node2 was master at a time")
        mac1 = bed.mac("node1")

        def client_points_at_node1():
            n = bed.neigh("client", VIP)
            return n is not None and n.get("lladdr") == mac1
        bed.wait_for(client_points_at_node1, 3, "the client's neighbour entry for the VIP "
                     "to be node1's MAC %s (it is %s)" % (mac1, bed.neigh("client", VIP)))
        # The address really answers, from node1, and stays there over several adverts.
        self.assertTrue(self.ping_once(VIP), "the VIP does not answer the client")
        self.assertEqual(bed.neigh("client", VIP).get("lladdr"), mac1)
        self.assert_owner_for(VIP, "node1", 2.5)
        self.assertEqual(self.log_lines("node2", "-> master"), [], "node2 became master")
        del took


if __name__ == "__main__":
    sys.exit(vipd_bed.main(FloatingVip))
