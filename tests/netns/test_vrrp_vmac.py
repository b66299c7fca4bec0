#!/usr/bin/python3
"""use_vmac: the VIP lives on a bridge-mode macvlan with the RFC's virtual MAC, so a client's
neighbour entry for it never changes when the VIP moves.

IPv4 (VRID 51, 00:00:5e:00:01:33, under vrrp_strict without accept): the master's macvlan holds
the VIP, the base interfaces get arp_ignore=1 / arp_filter=1, the client's entry is the virtual
MAC, the VIP answers pings; a kill -9 moves the VIP to the backup's macvlan and a client whose
entry is pinned to the virtual MAC (it cannot ARP again) still reaches it; the restarted node
takes over its own leftover macvlan; a stop removes the macvlan and restores the ARP settings.

IPv6 (VRID 52, 00:00:5e:00:02:34): the two macvlans have different random link-local
addresses, the master's adverts leave its macvlan (virtual MAC, the macvlan's link-local
address), the client's entry is the virtual MAC and D-Bus shows the macvlan; a reload that drops
the instance removes the macvlan, and the other node, with vmac_xmit_base, advertises from its
base interface while the VIP sits on its macvlan.

An interface that already has the macvlan's name and is not vipd's keeps the instance in fault
with the reason, until a reload finds the name free.
"""

import json
import os
import signal
import subprocess
import sys
import time

import vipd_bed

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dbus"))
import privbus  # noqa: E402

WATCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop",
                     "advert_watch.py")

ADV = 0.1
VIP4, VIP6 = "192.0.2.50", "2001:db8::50"
MAC4, MAC6 = "00:00:5e:00:01:33", "00:00:5e:00:02:34"


def conf(name, priority, vrid, vip, strict=False, extra=""):
    return ("global_defs {\n  router_id %s\n%s}\n"
            "vrrp_instance VI {\n  state BACKUP\n  interface eth0\n  virtual_router_id %d\n"
            "  priority %d\n  version 3\n  advert_int %s\n  use_vmac\n%s"
            "  virtual_ipaddress {\n    %s\n  }\n}\n"
            % (name, "  vrrp_strict\n" if strict else "", vrid, priority, ADV, extra, vip))


class Vmac(vipd_bed.VipdTest):
    def sysctl(self, node, ifname, key):
        out = self.bed.run(node, ["cat", "/proc/sys/net/ipv4/conf/%s/%s" % (ifname, key)])
        return int(out.stdout.strip())

    def arp_settings(self, node, ifname="eth0"):
        return tuple(self.sysctl(node, ifname, k) for k in ("arp_ignore", "arp_filter",
                                                             "arp_announce"))

    def link(self, node, ifname):
        """`ip -d -j link show ifname` in node, or None when there is no such interface."""
        res = self.bed.run(node, ["ip", "-d", "-j", "link", "show", "dev", ifname], check=False)
        if res.returncode != 0:
            return None
        return json.loads(res.stdout)[0]

    def client_mac(self, vip):
        n = self.bed.neigh("client", vip)
        return n.get("lladdr") if n else None

    def test_ipv4(self):
        bed = self.make_bed(nodes=2)
        before = {n: self.arp_settings(n) for n in ("node1", "node2")}
        c1 = self.write_conf("n1.conf", conf("n1", 200, 51, VIP4 + "/24", strict=True))
        c2 = self.write_conf("n2.conf", conf("n2", 100, 51, VIP4 + "/24", strict=True))
        self.start("node2", c2)
        self.start("node1", c1)
        self.wait_owner(VIP4, "node1", vipd_bed.master_down(100, ADV) + 3, ifname="vrrp.51")
        for node in ("node1", "node2"):
            link = self.link(node, "vrrp.51")
            self.assertIsNotNone(link, "no macvlan on " + node)
            self.assertEqual(link["address"], MAC4)
            info = link["linkinfo"]
            self.assertEqual(info["info_kind"], "macvlan")
            self.assertEqual(info["info_data"]["mode"], "bridge")
            self.assertEqual(link["link"], "eth0")
            self.assertEqual(self.arp_settings(node), (1, 1, 2))
            self.assertEqual(self.sysctl(node, "vrrp.51", "arp_ignore"), 1)
        self.assertFalse(self.has("node1", VIP4), "the VIP is on eth0 as well")
        self.assertFalse(self.has("node2", VIP4, "vrrp.51"))

        # vrrp_strict without accept: vipd installs no drop table, the VIP answers.
        self.assertTrue(self.ping_once(VIP4), "the VIP does not answer pings under vrrp_strict")
        self.assertEqual(self.client_mac(VIP4), MAC4)
        # The base keeps answering for its own address, with its own MAC.
        self.assertTrue(self.ping_once(bed.ipv4("node1")))
        self.assertEqual(self.client_mac(bed.ipv4("node1")), bed.mac("node1"))

        # From now on the client cannot ARP again: its entry is pinned to the virtual MAC.
        bed.run("client", ["ip", "neigh", "replace", VIP4, "lladdr", MAC4, "dev", "eth0",
                           "nud", "permanent"])
        pinger = self.start_pinger(VIP4, 0.05, 4.0)
        time.sleep(0.5)
        self.kill("node1", signal.SIGKILL)
        bed.wait_for(lambda: self.has("node2", VIP4, "vrrp.51"),
                     vipd_bed.master_down(100, ADV) + 3, "the VIP on node2")
        res = self.pinger_result(pinger)
        self.assertGreater(res["received"], 0)
        lost_after = [q for q in res["lost"] if q > 40]  # 0.5 s + a generous 1.5 s of failover
        self.assertEqual(lost_after, [], "pings to the virtual MAC lost after the failover: %s"
                         % res)
        self.assertEqual(self.client_mac(VIP4), MAC4)

        # The killed node left its macvlan behind; a new start takes it over and preempts.
        self.assertIsNotNone(self.link("node1", "vrrp.51"))
        self.start("node1", c1)
        self.wait_log("node1", "left from an earlier run", 5)
        self.wait_owner(VIP4, "node1", vipd_bed.master_down(200, ADV) + 3, ifname="vrrp.51")
        self.assertTrue(self.ping_once(VIP4))

        # Someone deletes the master's macvlan: vipd makes it again and puts the VIP back.
        bed.run("node1", ["ip", "link", "del", "vrrp.51"])
        self.wait_log("node1", "macvlan vrrp.51 was removed by someone else", 5)
        bed.wait_for(lambda: self.has("node1", VIP4, "vrrp.51"), 5,
                     "the VIP back on node1's new macvlan")
        self.assertEqual(self.link("node1", "vrrp.51")["address"], MAC4)
        self.assertTrue(self.ping_once(VIP4))

        # A stop leaves no macvlan, and the base's ARP settings as they were before the first
        # start (node1's were changed by the killed run, which could not put them back).
        for node in ("node1", "node2"):
            self.assertEqual(self.kill(node, signal.SIGTERM, 10), 0)
            self.assertIsNone(self.link(node, "vrrp.51"), "macvlan left on " + node)
        self.assertEqual(self.arp_settings("node2"), before["node2"])

    def test_ipv6(self):
        bed = self.make_bed(nodes=2)
        bus = privbus.PrivateBus(bed.tmpdir)
        bus.start()
        bed.on_teardown(bus.teardown)
        watch = bed.start("client", ["/usr/bin/python3", WATCH, "eth0"], bed.log("adverts"))
        bed.wait_log(watch, "ready", 10)
        c1 = self.write_conf("n1.conf", conf("n1", 200, 52, VIP6 + "/64"))
        c2 = self.write_conf("n2.conf", conf("n2", 100, 52, VIP6 + "/64",
                                             extra="  vmac_xmit_base\n"))
        self.start("node2", c2)
        # node1's vipd is on a bus: the macvlan shows as VirtualMacInterface.
        self.vipd["node1"] = bed.start("node1", [vipd_bed.VIPD, "-l", "-D", "-f", c1],
                                       bed.log("vipd-node1"), env=bus.env(os.environ))
        bed.wait_log(self.vipd["node1"], "started ", 5)
        self.wait_owner(VIP6, "node1", vipd_bed.master_down(100, ADV) + 3, ifname="vrrp.52")
        ll = {}
        for node in ("node1", "node2"):
            link = self.link(node, "vrrp.52")
            self.assertIsNotNone(link, "no macvlan on " + node)
            self.assertEqual(link["address"], MAC6)
            self.assertEqual(link["linkinfo"]["info_data"]["mode"], "bridge")
            self.assertEqual(link.get("inet6_addr_gen_mode"), "random")
            ll[node] = bed.wait_for(lambda: bed.link_local(node, "vrrp.52"), 3,
                                    "a link-local address on vrrp.52 of " + node)
        self.assertNotEqual(ll["node1"], ll["node2"], "both macvlans have one link-local address")
        # The EUI-64 address of the virtual MAC would be the same on every router.
        self.assertNotEqual(ll["node1"], "fe80::200:5eff:fe00:234")
        # The master's adverts leave its macvlan: virtual MAC, the macvlan's link-local address.
        bed.wait_for(lambda: self.adverts(watch, ll["node1"]), 3, "node1's adverts")
        self.assertEqual({a["mac"] for a in self.adverts(watch, ll["node1"])}, {MAC6})
        self.wait_log("node2", "advert from %s, priority 200" % ll["node1"], 5)
        self.assertTrue(self.ping_once6(VIP6))
        self.assertEqual(self.client_mac(VIP6), MAC6)
        prop = bed.wait_for(lambda: self.bus_prop(bus, "VirtualMacInterface"), 10,
                            "vipd on the bus")
        self.assertEqual(prop, 's "vrrp.52"')
        self.assertEqual(self.bus_prop(bus, "Interface"), 's "eth0"')

        # A reload that drops the instance removes the master's macvlan; node2 takes over and,
        # with vmac_xmit_base, advertises from its base interface while the VIP is on its
        # macvlan: the client's entry stays the virtual MAC.
        with open(c1, "w") as f:
            f.write("global_defs {\n  router_id n1\n}\n")
        self.vipd["node1"].popen.send_signal(signal.SIGHUP)
        bed.wait_for(lambda: self.link("node1", "vrrp.52") is None, 5,
                     "the macvlan of the removed instance to go")
        bed.wait_for(lambda: self.has("node2", VIP6, "vrrp.52"),
                     vipd_bed.master_down(100, ADV) + 3, "the VIP on node2's macvlan")
        self.assertFalse(self.has("node1", VIP6), "the VIP moved to node1's eth0")
        ll2 = bed.link_local("node2")
        bed.wait_for(lambda: self.adverts(watch, ll2), 3, "node2's adverts from eth0")
        self.assertEqual({a["mac"] for a in self.adverts(watch, ll2)}, {bed.mac("node2")})
        self.assertEqual(self.adverts(watch, ll["node2"]), [], "node2 advertised from its macvlan")
        self.assertTrue(self.ping_once6(VIP6))
        self.assertEqual(self.client_mac(VIP6), MAC6)

    def test_name_taken(self):
        """An interface of the macvlan's name that is not vipd's: the instance is in fault with
        the reason, vipd keeps running, and a reload once the name is free makes the macvlan."""
        bed = self.make_bed(nodes=1)
        bed.run("node1", ["ip", "link", "add", "vrrp.53", "type", "bridge"])
        c1 = self.write_conf("n1.conf", conf("n1", 100, 53, VIP4 + "/24"))
        self.start("node1", c1)
        self.wait_log("node1", "cannot make macvlan vrrp.53 on eth0: an interface of that name "
                      "exists and is not a macvlan of eth0 with MAC 00:00:5e:00:01:35", 5)
        self.wait_log("node1", "-> fault", 5)
        self.assertEqual(self.link("node1", "vrrp.53")["linkinfo"]["info_kind"], "bridge")
        self.assertFalse(self.has("node1", VIP4, "vrrp.53"))
        time.sleep(1)
        self.assertTrue(self.vipd["node1"].running())
        self.assertEqual(self.log_lines("node1", "-> master"), [])

        bed.run("node1", ["ip", "link", "del", "vrrp.53"])
        self.vipd["node1"].popen.send_signal(signal.SIGHUP)
        self.wait_log("node1", "fault -> backup: fault cleared: macvlan vrrp.53 is up", 5)
        self.wait_owner(VIP4, "node1", vipd_bed.master_down(100, ADV) + 3, ifname="vrrp.53")
        self.assertEqual(self.link("node1", "vrrp.53")["address"], "00:00:5e:00:01:35")
        self.assertEqual(self.kill("node1", signal.SIGTERM, 10), 0)
        self.assertIsNone(self.link("node1", "vrrp.53"))

    @staticmethod
    def adverts(watch, src):
        out = []
        for line in watch.lines():
            a = json.loads(line)
            if a.get("src") == src and a.get("prio", 0) > 0:
                out.append(a)
        return out

    @staticmethod
    def bus_prop(bus, name):
        res = subprocess.run(["busctl", "--address=" + bus.env()["DBUS_SYSTEM_BUS_ADDRESS"],
                              "get-property", "org.vipd.Vrrp1", "/org/vipd/Vrrp1/instance/VI",
                              "org.vipd.Vrrp1.Instance", name],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return res.stdout.strip() if res.returncode == 0 else None

    def ping_once6(self, addr):
        res = self.bed.run("client", ["ping", "-6", "-c", "1", "-W", "2", addr], check=False)
        return res.returncode == 0


if __name__ == "__main__":
    sys.exit(vipd_bed.main(Vmac))
