#!/usr/bin/python3
"""An IPv6 VIP with VRRPv3 (seed floating-vip with 2001:db8::150/64, 0.1 s): the master holds
it, its unsolicited neighbour advertisements point the client's entry at it, and on a kill -9
the backup takes the VIP and the client's entry over."""

import signal
import sys
import time

import vipd_bed

VIP = "2001:db8::150"
ADV = 0.1
STALE_MAC = "02:00:5e:00:53:01"


def ipv6_vip(text):
    return text.replace("192.0.2.150/24", VIP + "/64")


class Ipv6Vip(vipd_bed.VipdTest):
    def client_mac(self):
        n = self.bed.neigh("client", VIP)
        return n.get("lladdr") if n else None

    def test_ipv6_vip(self):
        bed = self.make_bed(nodes=2)
        confs = self.seed("floating-vip", {"node1": "node1.conf", "node2": "node2.conf"},
                          edit=ipv6_vip)
        bed.run("client", ["ip", "-6", "neigh", "replace", VIP, "lladdr", STALE_MAC, "dev",
                           "eth0", "nud", "stale"])
        for node in ("node1", "node2"):
            self.start(node, confs[node])
        self.wait_owner(VIP, "node1", vipd_bed.master_down(100, ADV) + 3)
        self.assertEqual(self.bed.find_addr("node1", VIP)["prefixlen"], 64)
        mac1, mac2 = bed.mac("node1"), bed.mac("node2")
        bed.wait_for(lambda: self.client_mac() == mac1, 3,
                     "the client's entry for the VIP to be node1's MAC")
        self.assertIn("router", self.bed.neigh("client", VIP),
                      "the NA did not carry the Router flag")

        t0 = time.monotonic()
        self.kill("node1", signal.SIGKILL)
        bed.wait_for(lambda: self.has("node2", VIP), vipd_bed.master_down(99, ADV) + 0.5,
                     "the VIP on node2")
        print("kill -9: IPv6 VIP on node2 after %.0f ms" % ((time.monotonic() - t0) * 1000))
        bed.wait_for(lambda: self.client_mac() == mac2, 3,
                     "the client's entry for the VIP to be node2's MAC")
        # The killed node's VIP expires on its own, as for IPv4.
        self.wait_gone("node1", VIP, 5)
        self.assertEqual(self.owners(VIP), ["node2"])


if __name__ == "__main__":
    sys.exit(vipd_bed.main(Ipv6Vip))
