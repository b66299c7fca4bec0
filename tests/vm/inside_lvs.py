"""LVS on namespaces inside the test VM (root, IPVS, veth and bridge there).

    inside_lvs.py CASE

- lvs_nat_bed: the test bed itself, without vipd's LVS half: the seed's LVS-NAT layout. Two
  directors run the seed's sync group (VIP on eth0, DIP on eth1, the real servers' default
  gateway) with vipd; each director's IPVS table is programmed by ipvs-apply. A client reaches
  both nginx-less real servers (python http.server) through the VIP, then the master stops and
  the backup takes VIP and DIP together, and the client is served again, through the new
  master's IPVS table.
- vipd_lvs: vipd alone builds the table from virtual_server blocks and leaves a service it did
  not make alone; a failing TCP_CHECK removes its destination (or zeroes its weight with
  inhibit_on_failure); a reload changes only what changed; stopping vipd removes its services
  and only those; started again with lvs_flush, it empties the table first.
- vipd_lvs_nat: lvs_nat_bed with the virtual_server blocks in the seed's configs: vipd programs
  each director's table, nothing else does. As keepalived does, both directors hold the table
  whatever their VRRP state; the traffic follows the VIP and DIP, so only the master's table
  counts connections.
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "netns"))
import ipvsadm  # noqa: E402
import vipd_bed  # noqa: E402

APPLY = os.environ.get("IPVS_APPLY", "ipvs-apply")
VIPD = vipd_bed.VIPD
PYTHON = "/usr/bin/python3"
VIP = "192.0.2.150"
DIP = "198.51.100.254"
REAL = {"rs1": "198.51.100.21", "rs2": "198.51.100.22"}

NAT_SERVICE = """
service tcp 192.0.2.150 80 rr
  dest 198.51.100.21 80 masq weight 1
  dest 198.51.100.22 80 masq weight 1
"""

# A service made by someone else than vipd.
FOREIGN_SERVICE = """
service tcp 192.0.2.199 80 rr
  dest 198.51.100.21 80 masq weight 1
"""

# The same service as keepalived.conf blocks, appended to the seed's sync-group configs.
NAT_VIRTUAL_SERVER = """
virtual_server 192.0.2.150 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 198.51.100.21 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
        }
    }
    real_server 198.51.100.22 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
"""

# FETCH url: prints the body (the real server's name) or "error: ..."; exits 0 either way.
FETCH = r"""
import sys, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=3).read().decode().strip())
except Exception as e:
    print("error: %s" % e)
"""


class LvsTest(vipd_bed.VipdTest):
    def ipvs(self, node, *flags):
        """ipvsadm -Ln in node's namespace, parsed (each namespace has its own IPVS table)."""
        prefix = self.bed.cmd(node, [])
        return ipvsadm.stats(prefix) if flags == ("stats",) else ipvsadm.table(prefix)

    def real_servers(self):
        """rs1 and rs2 on the directors' second LAN, each answering HTTP with its name; their
        default gateway is the DIP."""
        bed = self.bed
        for name, addr in REAL.items():
            ns = bed.ns(name)
            bed._add_ns(ns)
            port = bed.prefix + "m" + name[-1] + "r"
            bed._ip("-n", bed.ns("br"), "link", "add", port, "type", "veth", "peer", "name",
                    "eth0", "netns", ns)
            bed._ip("-n", ns, "link", "set", "lo", "up")
            bed._ip("-n", ns, "addr", "add", addr + "/24", "dev", "eth0")
            bed._ip("-n", ns, "link", "set", "eth0", "up")
            bed._ip("-n", bed.ns("br"), "link", "set", port, "master", "brm", "up")
            bed._ip("-n", ns, "route", "add", "default", "via", DIP)
            docroot = os.path.join(bed.tmpdir, name)
            os.makedirs(docroot)
            with open(os.path.join(docroot, "index.html"), "w") as f:
                f.write(name + "\n")
            proc = bed.start(name, [PYTHON, "-u", "-m", "http.server", "80", "--bind", addr,
                                    "--directory", docroot], bed.log("http-" + name))
            self.http = getattr(self, "http", {})
            self.http[name] = proc
        for name in REAL:
            bed.wait_log(self.http[name], "Serving HTTP", 60, "the HTTP server of " + name)

    def fetch(self, n=4):
        """n requests from the client to the VIP: the set of real servers that answered."""
        seen = []
        for _ in range(n):
            res = self.bed.run("client", [PYTHON, "-c", FETCH, "http://%s/" % VIP], timeout=30)
            seen.append(res.stdout.strip())
        return seen

    def wait_table(self, node, want, timeout, what):
        last = [None]

        def match():
            last[0] = self.ipvs(node)
            return last[0] == want
        try:
            self.bed.wait_for(match, timeout, what)
        except AssertionError:
            raise AssertionError("%s: ipvsadm -Ln in %s shows %r, expected %r"
                                 % (what, node, last[0], want))

    def nat_scenario(self, with_virtual_server):
        self.make_bed(nodes=2)
        self.add_lan("eth1", "198.51.100")
        for node in ("node1", "node2"):
            self.bed._sysctl(self.bed.ns(node), "net.ipv4.ip_forward", 1)
        self.real_servers()
        edit = (lambda t: t + NAT_VIRTUAL_SERVER) if with_virtual_server else None
        confs = self.seed("sync-group", {"node1": "node1.conf", "node2": "node2.conf"}, edit=edit)
        for node in ("node1", "node2"):
            self.start(node, confs[node])
        limit = vipd_bed.master_down(100, 0.1) + 5
        self.wait_owner(VIP, "node1", limit, "eth0")
        self.wait_owner(DIP, "node1", limit, "eth1")

        want = {"TCP %s:80" % VIP: ("rr", "", {"198.51.100.21:80": ("Masq", 1),
                                               "198.51.100.22:80": ("Masq", 1)})}
        if not with_virtual_server:
            path = self.write_conf("nat.ipvs", NAT_SERVICE)
            for node in ("node1", "node2"):
                self.bed.run(node, [APPLY, path])
        # Both directors hold the table; traffic goes to whichever owns the VIP.
        for node in ("node1", "node2"):
            self.wait_table(node, want, 30, "the IPVS table of " + node)

        seen = self.fetch()
        self.assertEqual(sorted(set(seen)), ["rs1", "rs2"], "answers through node1: %r" % seen)
        conns = lambda node: self.ipvs(node, "stats")["TCP %s:80" % VIP][0]  # noqa: E731
        self.bed.wait_for(lambda: conns("node1") >= 4, 30, "node1's IPVS counting 4 connections")
        self.assertEqual(conns("node2"), 0, "the backup's IPVS saw no traffic")

        # The master stops: VIP and DIP move together, the client is served through node2.
        self.kill("node1", vipd_bed.signal.SIGTERM)
        self.wait_owner(VIP, "node2", limit, "eth0")
        self.wait_owner(DIP, "node2", limit, "eth1")
        seen = self.fetch()
        self.assertEqual(sorted(set(seen)), ["rs1", "rs2"], "answers through node2: %r" % seen)
        self.bed.wait_for(lambda: conns("node2") >= 4, 30, "node2's IPVS counting 4 connections")

    def test_lvs_nat_bed(self):
        self.nat_scenario(with_virtual_server=False)

    def test_vipd_lvs_nat(self):
        self.nat_scenario(with_virtual_server=True)

    def test_vipd_lvs(self):
        self.make_bed(nodes=1)
        self.add_lan("eth1", "198.51.100")
        bed = self.bed
        bed._sysctl(bed.ns("node1"), "net.ipv4.ip_forward", 1)
        bed._ip("-n", bed.ns("node1"), "addr", "add", VIP + "/24", "dev", "eth0")
        bed._ip("-n", bed.ns("node1"), "addr", "add", DIP + "/24", "dev", "eth1")
        self.real_servers()

        def conf(web_weight_21, extra=""):
            return ("global_defs {\n    router_id node1\n}\n" + NAT_VIRTUAL_SERVER + """
virtual_server 192.0.2.151 80 {
    delay_loop 1
    lb_algo wrr
    lb_kind NAT
    protocol TCP
    real_server 198.51.100.21 80 {
        weight %d
        inhibit_on_failure
        TCP_CHECK {
            connect_timeout 1
        }
    }
    real_server 198.51.100.22 80 {
        weight 2
        inhibit_on_failure
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
""" % web_weight_21 + extra)

        # A service that is not vipd's: vipd leaves it alone (no lvs_flush).
        foreign_svc = "TCP 192.0.2.199:80"
        foreign = {foreign_svc: ("rr", "", {"198.51.100.21:80": ("Masq", 1)})}
        res = bed.run("node1", [APPLY, self.write_conf("foreign.ipvs", FOREIGN_SERVICE)])
        self.assertEqual(res.returncode, 0, "ipvs-apply: %s" % res.stdout)
        self.assertEqual(self.ipvs("node1"), foreign, "the table before vipd starts")

        path = self.write_conf("node1.conf", conf(3))
        self.start("node1", path)
        svc150, svc151 = "TCP 192.0.2.150:80", "TCP 192.0.2.151:80"
        want = dict(foreign)
        want.update({
            svc150: ("rr", "", {"198.51.100.21:80": ("Masq", 1), "198.51.100.22:80": ("Masq", 1)}),
            svc151: ("wrr", "", {"198.51.100.21:80": ("Masq", 3), "198.51.100.22:80": ("Masq", 2)}),
        })
        self.wait_table("node1", want, 30, "the table built from the config")
        seen = self.fetch()
        self.assertEqual(sorted(set(seen)), ["rs1", "rs2"], "answers through the VIP: %r" % seen)

        # rs2 stops answering: removed from .150, weight 0 in .151 (inhibit_on_failure).
        bed.stop(self.http["rs2"])
        want[svc150] = ("rr", "", {"198.51.100.21:80": ("Masq", 1)})
        want[svc151] = ("wrr", "", {"198.51.100.21:80": ("Masq", 3),
                                    "198.51.100.22:80": ("Masq", 0)})
        self.wait_table("node1", want, 60, "the table after rs2's checker failed")
        self.assertEqual(set(self.fetch()), {"rs1"}, "only rs1 serves")

        # A reload that changes one weight and adds a service edits just that.
        # All 8 requests so far went to .150; the kernel folds its counters in every 2 s.
        bed.wait_for(lambda: self.ipvs("node1", "stats")[svc150][0] >= 8, 30,
                     "the 8 connections counted on .150")
        stats = self.ipvs("node1", "stats")
        with open(path, "w") as f:
            f.write(conf(5, NAT_VIRTUAL_SERVER.replace("192.0.2.150 80", "192.0.2.152 80")))
        self.vipd["node1"].popen.send_signal(vipd_bed.signal.SIGHUP)
        want[svc151][2]["198.51.100.21:80"] = ("Masq", 5)
        want["TCP 192.0.2.152:80"] = ("rr", "", {"198.51.100.21:80": ("Masq", 1)})
        self.wait_table("node1", want, 60, "the table after the reload")
        after = self.ipvs("node1", "stats")
        self.assertEqual(after[svc150][0], stats[svc150][0], ".150 kept its counters (not recreated)")

        # Stopping vipd takes its services out of the kernel, and only its own.
        self.kill("node1", vipd_bed.signal.SIGTERM)
        self.assertEqual(self.ipvs("node1"), foreign, "ipvsadm -Ln after vipd stopped")

        # lvs_flush: the whole table is emptied at start, the foreign service with it.
        with open(path, "w") as f:
            f.write(conf(3).replace("router_id node1\n", "router_id node1\n    lvs_flush\n"))
        self.start("node1", path)
        del want[foreign_svc], want["TCP 192.0.2.152:80"]
        want[svc151][2]["198.51.100.21:80"] = ("Masq", 3)
        self.wait_table("node1", want, 30, "the table after a start with lvs_flush")
        self.kill("node1", vipd_bed.signal.SIGTERM)
        self.assertEqual(self.ipvs("node1"), {}, "ipvsadm -Ln after vipd stopped again")


def main():
    case = sys.argv[1]
    suite = unittest.TestSuite([LvsTest("test_" + case)])
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
