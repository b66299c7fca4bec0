#!/usr/bin/python3
"""service/net on the namespace test bed: one meson test per case (argv[1] names it).

Exit 77 (skip) only when not root or `ip netns` is unavailable.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testbed  # noqa: E402

PROBE = os.environ.get("NET_PROBE", "net-probe")
PY = "/usr/bin/python3"
VIP4 = "192.0.2.50"
VIP6 = "2001:db8::50"


def fields(line):
    """key=value words of a probe line as a dict."""
    return dict(w.split("=", 1) for w in line.split() if "=" in w)


# A VRRPv3 advert over IPv4 built independently of the codec, sent with a chosen TTL.
SEND_RAW_V4 = textwrap.dedent("""
    import socket, struct, sys
    ttl, src, vrid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    dst, vip = "224.0.0.18", socket.inet_aton("192.0.2.50")
    def csum(b):
        if len(b) % 2: b += b"\\0"
        s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
        while s >> 16: s = (s & 0xffff) + (s >> 16)
        return ~s & 0xffff
    msg = struct.pack("!BBBBHH", 0x31, vrid, 100, 1, 10, 0) + vip
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 112, len(msg))
    msg = msg[:6] + struct.pack("!H", csum(pseudo + msg)) + msg[8:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
    s.sendto(msg, (dst, 0))
""")

# Prints the first neighbour advertisement for a target as JSON (hop limit, flags, option).
CAPTURE_NA = textwrap.dedent("""
    import json, socket, struct, sys
    target = socket.inet_pton(socket.AF_INET6, sys.argv[1])
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
    s.settimeout(10)
    print("ready", flush=True)
    while True:
        data, anc, _, addr = s.recvmsg(2048, 256)
        if len(data) < 24 or data[0] != 136 or data[8:24] != target:
            continue
        out = {"src": addr[0].split("%")[0], "flags": data[4], "opts": []}
        for level, typ, val in anc:
            if typ == socket.IPV6_HOPLIMIT:
                out["hoplimit"] = struct.unpack("i", val[:4])[0]
            elif typ == socket.IPV6_PKTINFO:
                out["dst"] = socket.inet_ntop(socket.AF_INET6, val[:16])
        o = data[24:]
        while len(o) >= 8 and o[1]:
            out["opts"].append([o[0], o[2:o[1] * 8].hex(":")])
            o = o[o[1] * 8:]
        print(json.dumps(out), flush=True)
        break
""")


# Prints every VRRP advert seen on an interface as JSON (tests/interop/advert_watch.py).
ADVERT_WATCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop",
                            "advert_watch.py")


class NetTest(unittest.TestCase):
    def setUp(self):
        self.bed = testbed.Bed(nodes=2)
        self.addCleanup(self.bed.teardown)
        # Cleanups run last-in first-out: the logs are printed while the bed still has them.
        self.addCleanup(self._dump_if_failed)

    def _dump_if_failed(self):
        outcome = getattr(self, "_outcome", None)
        if outcome is not None and not outcome.success:
            self.bed.dump_logs(sys.stdout)

    # --- helpers ------------------------------------------------------------------------------

    def probe(self, node, *args, check=True):
        return self.bed.run(node, [PROBE] + list(args), check=check)

    def listen(self, node, *args):
        p = self.bed.start(node, [PROBE] + list(args))
        self.bed.wait_log(p, "ready", 5)
        return p

    def adverts(self, proc, timeout=5):
        proc.wait(timeout)
        return [fields(l) for l in proc.lines() if l.startswith("advert ")]

    # --- VIPs ---------------------------------------------------------------------------------

    def test_vip_lifetime_expires(self):
        mon = self.listen("node1", "monitor", 15, "eth0")
        t0 = time.monotonic()
        self.probe("node1", "vip-add", "eth0", VIP4 + "/24", 3)
        self.probe("node1", "vip-add", "eth0", VIP6 + "/64", 3)
        a4 = self.bed.find_addr("node1", VIP4)
        self.assertIsNotNone(a4, "VIP not added")
        self.assertLessEqual(a4["valid_life_time"], 3)
        self.assertLessEqual(a4["preferred_life_time"], 3)
        self.assertLessEqual(self.bed.find_addr("node1", VIP6)["valid_life_time"], 3)
        gone = {}
        def both_gone():
            for addr in (VIP4, VIP6):
                if addr not in gone and not self.bed.has_addr("node1", addr):
                    gone[addr] = time.monotonic() - t0
            return len(gone) == 2
        self.bed.wait_for(both_gone, 10, "the VIPs to expire")
        print("expiry after %.2f s (IPv4), %.2f s (IPv6) for a 3 s lifetime"
              % (gone[VIP4], gone[VIP6]))
        for addr in (VIP4, VIP6):
            self.assertGreaterEqual(gone[addr], 2.5, addr + " expired too early")
            self.assertLessEqual(gone[addr], 5.0, addr + " expired too late")
        # The expiry is an ordinary RTM_DELADDR: the daemon sees it like any removal.
        self.bed.wait_log(mon, "addr removed ifindex=", 3)
        self.bed.wait_log(mon, "addr=%s/24" % VIP4, 1)

    def test_vip_renew_keeps(self):
        self.probe("node1", "vip-add", "eth0", VIP4 + "/24", 3)
        t0 = time.monotonic()
        while time.monotonic() - t0 < 7:
            time.sleep(1)
            self.assertTrue(self.bed.has_addr("node1", VIP4),
                            "renewed VIP vanished after %.1f s" % (time.monotonic() - t0))
            self.probe("node1", "vip-add", "eth0", VIP4 + "/24", 3, "renew")
            self.assertGreaterEqual(self.bed.find_addr("node1", VIP4)["valid_life_time"], 2)
        # Renewal must not make it permanent: without renewals it still expires.
        self.bed.wait_for(lambda: not self.bed.has_addr("node1", VIP4), 6, "expiry after renewals")
        # A renewal also restores a VIP that is gone (expired, or removed by another program).
        self.probe("node1", "vip-add", "eth0", VIP4 + "/24", 3, "renew")
        self.assertTrue(self.bed.has_addr("node1", VIP4))

    def test_vip_renew_batched(self):
        # Renewals go out in one datagram without acks; the kernel answers only the failed one,
        # and it must be reported for that VIP (by sequence number), not for its neighbours.
        # 192.0.2.60/24 with link scope next to the global primary 192.0.2.x/24 is refused.
        self.probe("node1", "vip-add", "eth0", VIP4 + "/24", 60)
        out = self.probe("node1", "vip-renew", "eth0", "3", VIP4 + "/24",
                         "192.0.2.60/24,scope=253", VIP6 + "/64")
        failed = [l for l in out.stdout.splitlines() if l.startswith("renew-failed ")]
        self.assertEqual(len(failed), 1, out.stdout)
        self.assertIn("renew-failed 192.0.2.60/24: cannot renew the lifetime of 192.0.2.60/24 on eth0",
                      failed[0])
        self.assertIn("Invalid argument", failed[0])
        self.assertFalse(self.bed.has_addr("node1", "192.0.2.60"))
        # The existing VIP's lifetime went from 60 s to 3 s; the missing one was added.
        for addr in (VIP4, VIP6):
            a = self.bed.find_addr("node1", addr)
            self.assertIsNotNone(a, addr + " not renewed/added")
            self.assertLessEqual(a["valid_life_time"], 3)
            self.assertGreaterEqual(a["valid_life_time"], 1)
        self.bed.wait_for(lambda: not self.bed.has_addr("node1", VIP4)
                          and not self.bed.has_addr("node1", VIP6), 8, "renewed VIPs to expire")

    def test_vip_attributes(self):
        self.probe("node1", "vip-add", "eth0", VIP4 + "/24", 0, "label=eth0:vip",
                   "brd=192.0.2.255")
        a = self.bed.find_addr("node1", VIP4)
        self.assertEqual(a.get("label"), "eth0:vip")
        self.assertEqual(a.get("broadcast"), "192.0.2.255")
        self.assertEqual(a.get("scope"), "global")
        self.assertEqual(a.get("valid_life_time"), 4294967295)
        # A subnet of its own may have its own scope (a secondary must share the primary's).
        self.probe("node1", "vip-add", "eth0", "198.51.100.50/24", 0, "scope=253")
        self.assertEqual(self.bed.find_addr("node1", "198.51.100.50").get("scope"), "link")
        self.probe("node1", "vip-add", "eth0", VIP6 + "/64", 0)
        a6 = self.bed.find_addr("node1", VIP6)
        self.assertFalse(a6.get("tentative", False), "IPv6 VIP went through DAD")
        self.assertTrue(a6.get("nodad", False), "IPv6 VIP lacks IFA_F_NODAD")

    def test_vip_leftovers_listed(self):
        self.bed.run("node1", ["ip", "addr", "add", VIP4 + "/32", "dev", "eth0"])
        self.bed.run("node1", ["ip", "addr", "add", VIP6 + "/128", "dev", "eth0", "nodad"])
        out = self.probe("node1", "vip-present", "eth0", VIP4 + "/32", "192.0.2.51/32",
                         VIP6 + "/128").stdout.split("\n")
        self.assertEqual(out[:3], ["present %s/32" % VIP4, "absent 192.0.2.51/32",
                                   "present %s/128" % VIP6])
        self.assertIn("absent", self.probe("node2", "vip-present", "eth0", VIP4 + "/32").stdout)
        self.probe("node1", "vip-del", "eth0", VIP4 + "/32")
        self.probe("node1", "vip-del", "eth0", VIP6 + "/128")
        self.assertFalse(self.bed.has_addr("node1", VIP4))
        self.assertFalse(self.bed.has_addr("node1", VIP6))
        again = self.probe("node1", "vip-del", "eth0", VIP4 + "/32", check=False)
        self.assertEqual(again.returncode, 3, again.stderr)

    def test_vip_errors_actionable(self):
        r = self.probe("node1", "vip-add", "nosuch0", VIP4 + "/24", 0, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn('"nosuch0"', r.stderr)
        self.probe("node1", "vip-add", "eth0", VIP4 + "/24", 0)
        r = self.probe("node1", "vip-add", "eth0", VIP4 + "/24", 0, check=False)
        self.assertEqual(r.returncode, 1)
        for part in (VIP4 + "/24", "eth0", os.strerror(17)):  # EEXIST's own text
            self.assertIn(part, r.stderr)
        # The kernel refuses a secondary whose scope differs from the primary's: the user gets
        # its own explanation (extended ack), not a bare "Invalid argument".
        r = self.probe("node1", "vip-add", "eth0", "192.0.2.51/24", 0, "scope=253", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("192.0.2.51/24", r.stderr)
        self.assertIn("scope", r.stderr.split(":", 1)[1])

    # --- VRRP sockets -------------------------------------------------------------------------

    def test_advert_multicast_ttl(self):
        rx = self.listen("node2", "recv", "eth0", 4, 1, 5)
        own = self.listen("node1", "recv", "eth0", 4, 1, 2)
        self.probe("node1", "send-advert", "eth0", 4, 51, 100, VIP4, "count=3")
        (adv,) = self.adverts(rx)[:1]
        self.assertEqual(adv["result"], "ok")
        self.assertEqual(adv["ttl"], "255")
        self.assertEqual(adv["src"], "192.0.2.11")
        self.assertEqual(adv["dst"], "224.0.0.18")
        self.assertEqual((adv["vrid"], adv["prio"], adv["addrs"]), ("51", "100", VIP4))
        self.assertEqual(self.adverts(own), [], "multicast loop is on: the sender heard itself")

    def test_advert_dscp_cs6(self):
        # Adverts carry DSCP CS6 (TOS / traffic class 0xc0), as keepalived's and FRR's do, so
        # that QoS-configured switches keep them ahead of bulk traffic. Read off the wire.
        for family, vip in ((4, VIP4), (6, VIP6)):
            watch = self.bed.start("node2", [PY, ADVERT_WATCH, "eth0"])
            self.bed.wait_log(watch, "ready", 5)
            self.probe("node1", "send-advert", "eth0", family, 55, 100, vip, "count=2")
            got = self.bed.wait_for(
                lambda: [json.loads(l) for l in watch.lines() if '"vrid"' in l], 5,
                "an IPv%d advert in node2" % family)
            self.bed.stop(watch)
            self.assertEqual([(a["vrid"], ":" in a["src"], a["tos"]) for a in got[:1]],
                             [(55, family == 6, 0xc0)], watch.output())

    def test_advert_low_ttl_seen(self):
        rx = self.listen("node2", "recv", "eth0", 4, 2, 5)
        self.bed.run("node1", [PY, "-c", SEND_RAW_V4, 255, "192.0.2.11", 60])
        self.bed.run("node1", [PY, "-c", SEND_RAW_V4, 64, "192.0.2.11", 60])
        got = self.adverts(rx)
        self.assertEqual(len(got), 2, rx.output())
        # The control packet proves the hand-built advert is valid, so TTL alone fails the other.
        self.assertEqual((got[0]["result"], got[0]["ttl"], got[0]["vrid"]), ("ok", "255", "60"))
        self.assertEqual((got[1]["result"], got[1]["ttl"]), ("ttl", "64"))
        self.assertEqual(got[1]["src"], "192.0.2.11")

    def test_advert_unicast_no_multicast(self):
        rules = self.bed.log("nft-rules")
        with open(rules, "w") as f:
            f.write("table inet %s {\n chain vrrpin {\n  type filter hook input priority 0;\n"
                    "  ip daddr 224.0.0.0/4 ip protocol 112 counter drop\n }\n}\n" % self.bed.prefix)
        self.bed.run("node2", ["nft", "-f", rules])
        joined = self.listen("node2", "recv", "eth0", 4, 1, 6)
        uni = self.listen("node2", "recv", "eth0", 4, 1, 6, "unicast")
        self.probe("node1", "send-advert", "eth0", 4, 53, 100, VIP4, "count=3", "interval=50")
        time.sleep(0.3)
        self.probe("node1", "send-advert", "eth0", 4, 53, 100, VIP4, "unicast", "dst=192.0.2.12")
        for proc in (joined, uni):
            got = self.adverts(proc)
            self.assertTrue(got, proc.output())
            self.assertEqual(got[0]["dst"], "192.0.2.12", "multicast got through the filter")
            self.assertEqual((got[0]["result"], got[0]["ttl"], got[0]["src"]),
                             ("ok", "255", "192.0.2.11"))
        ruleset = json.loads(self.bed.run("node2", ["nft", "-j", "list", "ruleset"]).stdout)
        counters = [e["counter"]["packets"] for item in ruleset["nftables"] if "rule" in item
                    for e in item["rule"]["expr"] if "counter" in e]
        self.assertGreaterEqual(counters[0], 3, "the multicast adverts never reached node2")

    def test_advert_chosen_source(self):
        # With two addresses the kernel would pick the primary; the advert must leave from the
        # one asked for (mcast_src_ip / unicast_src_ip), and its checksum must still hold.
        self.bed.run("node1", ["ip", "addr", "add", "192.0.2.21/24", "dev", "eth0"])
        rx = self.listen("node2", "recv", "eth0", 4, 1, 5)
        self.probe("node1", "send-advert", "eth0", 4, 54, 100, VIP4, "src=192.0.2.21")
        (adv,) = self.adverts(rx)[:1]
        self.assertEqual((adv["result"], adv["src"]), ("ok", "192.0.2.21"))
        r = self.probe("node1", "send-advert", "eth0", 4, 54, 100, VIP4, "src=192.0.2.99",
                       check=False)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("192.0.2.99", r.stderr)
        self.assertIn("eth0", r.stderr)

    def test_advert_ipv6_link_local(self):
        ll1 = self.bed.link_local("node1")
        self.assertIsNotNone(ll1)
        addrs = self.probe("node1", "addrs", "eth0").stdout
        self.assertIn("ipv6ll " + ll1, addrs)
        self.assertIn("ipv4 192.0.2.11", addrs)
        rx = self.listen("node2", "recv", "eth0", 6, 1, 5)
        self.probe("node1", "send-advert", "eth0", 6, 52, 100, VIP6, "count=3")
        (adv,) = self.adverts(rx)[:1]
        self.assertEqual(adv["result"], "ok")
        self.assertEqual((adv["src"], adv["dst"], adv["ttl"]), (ll1, "ff02::12", "255"))
        self.assertEqual((adv["vrid"], adv["addrs"]), ("52", VIP6))

    # --- GARP / NA ----------------------------------------------------------------------------

    def test_garp_moves_neighbour(self):
        self.bed.run("node2", ["ip", "addr", "add", VIP4 + "/24", "dev", "eth0"])
        mac1, mac2 = self.bed.mac("node1"), self.bed.mac("node2")
        # Any datagram makes the client resolve the VIP, as a client's first ping would.
        self.bed.run("client", [PY, "-c", "import socket; socket.socket(socket.AF_INET, "
                                "socket.SOCK_DGRAM).sendto(b'x', ('%s', 9))" % VIP4])
        self.bed.wait_for(lambda: (self.bed.neigh("client", VIP4) or {}).get("lladdr") == mac2, 3,
                          "the client to learn the VIP at node2")
        self.bed.run("node2", ["ip", "addr", "del", VIP4 + "/24", "dev", "eth0"])
        self.probe("node1", "vip-add", "eth0", VIP4 + "/24", 0)
        # Past the neighbour locktime (1 s) so that only the GARP can be what changes it.
        time.sleep(1.2)
        self.assertEqual(self.bed.neigh("client", VIP4)["lladdr"], mac2)
        self.probe("node1", "garp", "eth0", VIP4)
        self.bed.wait_for(lambda: self.bed.neigh("client", VIP4)["lladdr"] == mac1, 3,
                          "the client's entry for the VIP to point to node1")

    def test_na_router_flag(self):
        cap = self.bed.start("client", [PY, "-c", CAPTURE_NA, VIP6])
        self.bed.wait_log(cap, "ready", 5)
        self.probe("node1", "vip-add", "eth0", VIP6 + "/64", 0)
        self.probe("node1", "garp", "eth0", VIP6)
        line = self.bed.wait_log(cap, "{", 5, "the neighbour advertisement at the client")
        na = json.loads(line)
        self.assertEqual(na["hoplimit"], 255)
        self.assertEqual(na["dst"], "ff02::1")
        self.assertEqual(na["src"], self.bed.link_local("node1"))
        self.assertEqual(na["flags"] & 0xe0, 0xa0, "want Router + Override, not Solicited")
        self.assertIn([2, self.bed.mac("node1")], na["opts"])

    # --- link monitor -------------------------------------------------------------------------

    def test_link_down_event(self):
        mon = self.listen("node1", "monitor", 15, "eth0")
        self.bed.run("node1", ["ip", "link", "set", "eth0", "down"])
        self.bed.wait_log(mon, "name=eth0 up=0 carrier=0", 3)
        self.bed.run("node1", ["ip", "link", "set", "eth0", "up"])
        self.bed.wait_log(mon, "name=eth0 up=1 carrier=1", 3)
        # Carrier loss alone (the peer goes down, ours stays up) is its own event.
        self.bed.run("br", ["ip", "link", "set", self.bed._port("node1"), "down"])
        self.bed.wait_log(mon, "name=eth0 up=1 carrier=0", 3)
        ifindex = socket_ifindex(self.bed, "node1")
        self.assertIn("link ifindex=%d " % ifindex, self.bed.wait_log(mon, "carrier=0 removed=0", 1))

    def test_addr_removed_event(self):
        mon = self.listen("node1", "monitor", 15, "eth0")
        ifindex = socket_ifindex(self.bed, "node1")
        self.probe("node1", "vip-add", "eth0", VIP4 + "/24", 0)
        self.probe("node1", "vip-add", "eth0", VIP6 + "/64", 0)
        self.bed.wait_log(mon, "addr added ifindex=%d addr=%s/24" % (ifindex, VIP4), 3)
        self.bed.run("node1", ["ip", "addr", "del", VIP4 + "/24", "dev", "eth0"])
        self.bed.wait_log(mon, "addr removed ifindex=%d addr=%s/24" % (ifindex, VIP4), 3)
        self.bed.run("node1", ["ip", "addr", "del", VIP6 + "/64", "dev", "eth0"])
        self.bed.wait_log(mon, "addr removed ifindex=%d addr=%s/64" % (ifindex, VIP6), 3)


class BedTest(unittest.TestCase):
    """The test bed itself: a run killed by SIGTERM leaves nothing behind."""

    def test_testbed_cleanup_on_sigterm(self):
        script = textwrap.dedent("""
            import sys, time
            sys.path.insert(0, %r)
            import testbed
            bed = testbed.Bed(nodes=1)
            p = bed.start("node1", ["sleep", "600"])
            print(bed.prefix, p.pid, flush=True)
            time.sleep(600)
        """ % os.path.dirname(os.path.abspath(__file__)))
        child = subprocess.Popen([PY, "-c", script], stdout=subprocess.PIPE, text=True)
        try:
            prefix, pid = child.stdout.readline().split()
            names = subprocess.run(["ip", "netns", "list"], stdout=subprocess.PIPE,
                                   text=True).stdout
            self.assertIn(prefix + "-node1", names)
            self.assertTrue(os.path.exists("/proc/" + pid))
            child.send_signal(signal.SIGTERM)
            self.assertEqual(child.wait(10), -signal.SIGTERM)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        names = subprocess.run(["ip", "netns", "list"], stdout=subprocess.PIPE, text=True).stdout
        self.assertNotIn(prefix + "-", names)
        testbed.Bed.wait_for(lambda: not os.path.exists("/proc/" + pid), 5, "the sleep to end")


def socket_ifindex(bed, node):
    out = bed.run(node, ["ip", "-j", "link", "show", "dev", "eth0"]).stdout
    return json.loads(out)[0]["ifindex"]


def main():
    return testbed.run_case(NetTest, BedTest)


if __name__ == "__main__":
    sys.exit(main())
