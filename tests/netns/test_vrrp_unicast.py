#!/usr/bin/python3
"""Unicast mode (seed floating-vip plus unicast_src_ip/unicast_peer, VRRPv3 0.1 s) with all
multicast dropped by nftables inside both nodes: the election and a failover still work, and
no VRRP packet is ever sent to a multicast group."""

import json
import os
import re
import shutil
import signal
import sys
import time

import vipd_bed

VIP = "192.0.2.150"
ADV = 0.1
NFT = shutil.which("nft") or "/usr/sbin/nft"
RULES = """
table inet vipdtest {
    chain in {
        type filter hook input priority 0; policy accept;
        ip daddr 224.0.0.0/4 counter drop
        ip6 daddr ff00::/8 meta l4proto 112 counter drop
    }
    chain out {
        type filter hook output priority 0; policy accept;
        ip daddr 224.0.0.0/4 meta l4proto 112 counter drop
        ip6 daddr ff00::/8 meta l4proto 112 counter drop
    }
}
"""


def unicast(me, peer):
    def edit(text):
        return re.sub(r"(?m)^(\s*)interface eth0$",
                      r"\1interface eth0\n\1unicast_src_ip %s\n\1unicast_peer {\n\1    %s\n\1}"
                      % (me, peer), text)
    return edit


class Unicast(vipd_bed.VipdTest):
    def counters(self, node, chain):
        out = self.bed.run(node, [NFT, "-j", "list", "chain", "inet", "vipdtest", chain]).stdout
        total = 0
        for item in json.loads(out)["nftables"]:
            for expr in item.get("rule", {}).get("expr", []):
                if "counter" in expr:
                    total += expr["counter"]["packets"]
        return total

    def test_unicast(self):
        bed = self.make_bed(nodes=2)
        for node in ("node1", "node2"):
            bed.run(node, [NFT, RULES])
        confs = {}
        for node, peer in (("node1", "node2"), ("node2", "node1")):
            confs[node] = self.seed("floating-vip", {node: node + ".conf"},
                                    edit=unicast(bed.ipv4(node), bed.ipv4(peer)))[node]
        with open(confs["node1"]) as f:
            self.assertIn("unicast_peer", f.read())
        for node in ("node1", "node2"):
            self.start(node, confs[node])
        self.wait_owner(VIP, "node1", vipd_bed.master_down(100, ADV) + 3)
        # node2 hears node1 (otherwise it would become master too).
        self.assert_owner_for(VIP, "node1", 1.0)
        self.assertEqual(self.log_lines("node2", "-> master"), [])

        # A host that is not a configured peer sends valid, higher-priority unicast adverts to
        # node1: they are dropped (source not a peer), and node1 stays master.
        probe = os.environ["NET_PROBE"]
        self.bed.run("client", [probe, "send-advert", "eth0", 4, 51, 254, VIP, "count=10",
                                "interval=20", "unicast", "dst=" + bed.ipv4("node1")])
        self.assert_owner_for(VIP, "node1", 0.5)
        self.assertTrue(self.log_lines("node1", "dropped a packet from 192.0.2.100"),
                        "no drop logged for the advert from a non-peer")

        t0 = time.monotonic()
        self.kill("node1", signal.SIGKILL)
        self.bed.wait_for(lambda: self.has("node2", VIP), vipd_bed.master_down(99, ADV) + 0.5,
                          "the VIP on node2")
        print("unicast, kill -9: VIP on node2 after %.0f ms"
              % ((time.monotonic() - t0) * 1000))
        self.start("node1", confs["node1"])
        self.wait_owner(VIP, "node1", vipd_bed.master_down(100, ADV) + 3)
        for node in ("node1", "node2"):
            self.assertEqual(self.counters(node, "out"), 0,
                             "%s sent VRRP to a multicast group" % node)


if __name__ == "__main__":
    sys.exit(vipd_bed.main(Unicast))
