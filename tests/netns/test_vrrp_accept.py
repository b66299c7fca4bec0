#!/usr/bin/python3
"""Accept_Mode (RFC 5798 6.4.3): a master that is not the owner takes packets addressed to the
VIPs only with Accept_Mode on. vipd turns it off only where an instance says `no_accept`; then
its own `table inet vipd` drops them, while ARP and neighbour discovery for the VIPs still work.

Conformance: RFC3768-6.4.3-MASTER-ACCEPT, RFC5798-6.4.3-ACCEPT-MODE, RFC3768-6.4.3-MASTER-ARP,
RFC5798-6.4.3-MASTER-ND

no_accept (IPv4 and IPv6): the VIPs do not answer pings on the master, the client's neighbour
entries still resolve to the master's MAC, the first drop is logged once, the master's own
addresses answer; a reload without no_accept (vrrp_strict stays) makes them answer, and a stop
leaves no table. The owner (priority 255) answers whatever no_accept says.
"""

import signal
import sys
import time

import vipd_bed

ADV = 0.1
VIP4, VIP6 = "192.0.2.60", "2001:db8::60"


def conf(name, priority, accept_line, strict=True):
    out = "global_defs {\n  router_id %s\n%s}\n" % (name, "  vrrp_strict\n" if strict else "")
    for inst, vrid, vip in (("V4", 61, VIP4 + "/24"), ("V6", 62, VIP6 + "/64")):
        out += ("vrrp_instance %s {\n  state BACKUP\n  interface eth0\n  virtual_router_id %d\n"
                "  priority %d\n  version 3\n  advert_int %s\n%s"
                "  virtual_ipaddress {\n    %s\n  }\n}\n"
                % (inst, vrid, priority, ADV, accept_line, vip))
    return out


class Accept(vipd_bed.VipdTest):
    def nft_table(self, node):
        res = self.bed.run(node, ["nft", "list", "table", "inet", "vipd"], check=False)
        return res.stdout if res.returncode == 0 else None

    def ping6(self, addr):
        res = self.bed.run("client", ["ping", "-6", "-c", "1", "-W", "2", addr], check=False)
        return res.returncode == 0

    def lladdr(self, addr):
        n = self.bed.neigh("client", addr)
        return n.get("lladdr") if n else None

    def test_no_accept(self):
        bed = self.make_bed(nodes=2)
        c1 = self.write_conf("n1.conf", conf("n1", 200, "  no_accept\n"))
        c2 = self.write_conf("n2.conf", conf("n2", 100, "  no_accept\n"))
        self.start("node2", c2)
        self.start("node1", c1)
        self.wait_owner(VIP4, "node1", vipd_bed.master_down(100, ADV) + 3)
        self.wait_owner(VIP6, "node1", vipd_bed.master_down(100, ADV) + 3)
        table = self.nft_table("node1")
        self.assertIsNotNone(table, "no table inet vipd on the master")
        self.assertIn(VIP4, table)
        self.assertIn(VIP6, table)

        self.assertFalse(self.ping_once(VIP4), "the VIP answers a ping with no_accept")
        self.assertFalse(self.ping6(VIP6), "the IPv6 VIP answers a ping with no_accept")
        # ARP and neighbour discovery still answer for the VIPs, with the master's MAC.
        self.assertEqual(self.lladdr(VIP4), bed.mac("node1"))
        self.assertEqual(self.lladdr(VIP6), bed.mac("node1"))
        self.wait_log("node1", "no_accept: dropped a packet addressed to a virtual address of "
                      "V4, V6", 10)
        self.assertTrue(self.ping_once(bed.ipv4("node1")), "the master's own address")
        time.sleep(3)
        self.assertFalse(self.ping_once(VIP4))
        self.assertEqual(len(self.log_lines("node1", "no_accept: dropped")), 1)

        # vrrp_strict alone keeps the VIPs reachable: a reload without no_accept.
        with open(c1, "w") as f:
            f.write(conf("n1", 200, ""))
        self.vipd["node1"].popen.send_signal(signal.SIGHUP)
        self.wait_log("node1", "reloaded", 5)
        bed.wait_for(lambda: self.nft_table("node1") is None, 5, "the table to go")
        self.assertTrue(self.ping_once(VIP4), "the VIP does not answer under vrrp_strict")
        self.assertTrue(self.ping6(VIP6), "the IPv6 VIP does not answer under vrrp_strict")

        # Back to no_accept by reload, then a stop removes the table.
        with open(c1, "w") as f:
            f.write(conf("n1", 200, "  no_accept\n"))
        self.vipd["node1"].popen.send_signal(signal.SIGHUP)
        bed.wait_for(lambda: self.nft_table("node1") is not None, 5, "the table again")
        self.assertFalse(self.ping_once(VIP4))
        self.assertEqual(self.kill("node1", signal.SIGTERM, 10), 0)
        self.assertIsNone(self.nft_table("node1"), "a stopped vipd left table inet vipd")
        # The backup took over and drops as well.
        self.wait_owner(VIP4, "node2", vipd_bed.master_down(100, ADV) + 3)
        self.assertFalse(self.ping_once(VIP4))
        self.assertEqual(self.lladdr(VIP4), bed.mac("node2"))

    def test_killed_run_leftover(self):
        """A table left by kill -9 is replaced by the next start (idempotent create)."""
        self.make_bed(nodes=1)
        c1 = self.write_conf("n1.conf", conf("n1", 200, "  no_accept\n"))
        self.start("node1", c1)
        self.wait_owner(VIP4, "node1", vipd_bed.master_down(200, ADV) + 3)
        self.kill("node1", signal.SIGKILL)
        self.assertIsNotNone(self.nft_table("node1"))
        self.start("node1", c1)
        self.wait_owner(VIP4, "node1", vipd_bed.master_down(200, ADV) + 3)
        self.assertIn(VIP4, self.nft_table("node1"))
        self.assertEqual(self.log_lines("node1", "no_accept is not enforced"), [])
        self.assertFalse(self.ping_once(VIP4))
        self.assertEqual(self.kill("node1", signal.SIGTERM, 10), 0)
        self.assertIsNone(self.nft_table("node1"))

    def test_killed_run_leftover_unneeded(self):
        """A table left by kill -9 goes soon after a start whose configuration needs none (the
        look for leftovers runs once the instances have started, not before them)."""
        self.make_bed(nodes=1)
        self.start("node1", self.write_conf("n1.conf", conf("n1", 200, "  no_accept\n")))
        self.wait_owner(VIP4, "node1", vipd_bed.master_down(200, ADV) + 3)
        self.kill("node1", signal.SIGKILL)
        self.assertIsNotNone(self.nft_table("node1"))
        self.start("node1", self.write_conf("n2.conf", conf("n1", 200, "")))
        self.bed.wait_for(lambda: self.nft_table("node1") is None, 3, "the leftover table to go")
        self.wait_owner(VIP4, "node1", vipd_bed.master_down(200, ADV) + 3)
        self.assertTrue(self.ping_once(VIP4), "the VIP does not answer without no_accept")

    def test_owner_accepts(self):
        bed = self.make_bed(nodes=1)
        c1 = self.write_conf("n1.conf", conf("n1", 255, "  no_accept\n"))
        self.start("node1", c1)
        self.wait_owner(VIP4, "node1", 3)
        self.wait_owner(VIP6, "node1", 3)
        self.assertTrue(self.ping_once(VIP4), "the owner's VIP does not answer")
        self.assertTrue(self.ping6(VIP6), "the owner's IPv6 VIP does not answer")
        self.assertIsNone(self.nft_table("node1"), "a table for the owner")
        self.assertEqual(self.lladdr(VIP4), bed.mac("node1"))


if __name__ == "__main__":
    sys.exit(vipd_bed.main(Accept))
