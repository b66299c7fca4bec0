#!/usr/bin/python3
"""router_advert: the master sends IPv6 Router Advertisements for the virtual router
(RFC 5798/9568 section 8.2), the backup none.

Two nodes run a VRRPv3 IPv6 instance whose first VIP is the virtual router's link-local
address fe80::51; a client captures every RA on its interface (AF_PACKET) and with tshark.
Checked: RAs come only from the master's MAC, from fe80::51, hop limit 255, with the
configured router lifetime; the backup sends none while the master lives; the client's kernel
installs "default via fe80::51 proto ra"; a Router Solicitation from the client is answered
once the initial burst is over; after the master is killed the new master advertises from the
same fe80::51 and the client's default route stays; tshark decodes every RA without a
malformed mark and with a good checksum. With use_vmac the RAs leave from the virtual MAC and
carry it in a source link-layer address option. A reload that removes router_advert stops the
RAs of a running master (a solicitation goes unanswered), one that writes it back starts them,
a bad value is refused with file:line while the RAs go on; a link down/up restarts the burst;
a graceful stop sends no zero-lifetime RA.

Conformance: RFC5798-8.2-RA
"""

import json
import os
import shutil
import signal
import sys
import time

import vipd_bed

ADV = 0.1
VRID = 51
LL = "fe80::51"
VIP = "2001:db8::151"
VMAC = "00:00:5e:00:02:33"
LIFETIME = 1500
TSHARK = shutil.which("tshark") or "/usr/bin/tshark"

# Prints one JSON line per Router Advertisement seen on argv[1]: monotonic time, Ethernet
# source, IPv6 source, hop limit, router lifetime and the source link-layer option (or null).
SNIFFER = r"""
import json, socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x86dd))
s.bind((sys.argv[1], 0))
print(json.dumps({"ready": True}), flush=True)
while True:
    f, addr = s.recvfrom(4096)
    if addr[2] == socket.PACKET_OUTGOING or len(f) < 14 + 40 + 16:
        continue
    ip = f[14:]
    if ip[6] != 58 or ip[40] != 134:
        continue
    slla = None
    off = 40 + 16
    while off + 2 <= len(ip) and ip[off + 1]:
        if ip[off] == 1 and ip[off + 1] == 1:
            slla = ":".join("%02x" % b for b in ip[off + 2:off + 8])
        off += ip[off + 1] * 8
    print(json.dumps({"t": time.monotonic(),
                      "mac": ":".join("%02x" % b for b in f[6:12]),
                      "src": socket.inet_ntop(socket.AF_INET6, ip[8:24]),
                      "hlim": ip[7], "code": ip[41],
                      "lifetime": struct.unpack("!H", ip[46:48])[0], "slla": slla}), flush=True)
"""

# Sends one Router Solicitation (hop limit 255) to ff02::2 on argv[1]; the kernel fills in the
# checksum and the source (the client's link-local address).
SOLICIT = r"""
import socket, sys
idx = socket.if_nametoindex(sys.argv[1])
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
s.sendto(bytes([133, 0, 0, 0, 0, 0, 0, 0]), ("ff02::2", 0, 0, idx))
"""


def conf(name, priority, extra=""):
    return ("global_defs {\n  router_id %s\n}\n"
            "vrrp_instance VI6 {\n  state BACKUP\n  interface eth0\n  virtual_router_id %d\n"
            "  priority %d\n  version 3\n  advert_int %s\n%s"
            "  virtual_ipaddress {\n    %s/64\n    %s/64\n  }\n"
            "  router_advert lifetime %d\n}\n"
            % (name, VRID, priority, ADV, extra, LL, VIP, LIFETIME))


class RouterAdvert(vipd_bed.VipdTest):
    def prepare_client(self, bed):
        # A fresh namespace already has these defaults; written anyway, since they are what
        # makes the client's kernel learn a default router from RAs.
        for key, value in (("forwarding", 0), ("accept_ra", 1), ("accept_ra_defrtr", 1)):
            bed._sysctl(bed.ns("client"), "net.ipv6.conf.eth0.%s" % key, value)
        self.sniffer = bed.start("client", ["/usr/bin/python3", "-c", SNIFFER, "eth0"],
                                 bed.log("ra-sniffer"))
        bed.wait_log(self.sniffer, '"ready"', 5)

    def ras(self):
        return [json.loads(l) for l in self.sniffer.lines() if l.startswith('{"t"')]

    def default_route(self):
        out = self.bed.run("client", ["ip", "-6", "-j", "route", "show", "default"]).stdout
        routes = json.loads(out) if out.strip() else []
        return [r for r in routes if r.get("gateway") == LL and r.get("protocol") == "ra"
                and r.get("dev") == "eth0"]

    def check_ra(self, ra, mac, slla=None):
        self.assertEqual(ra["src"], LL, "RA not from the virtual router's link-local: %r" % ra)
        self.assertEqual(ra["hlim"], 255, "RA hop limit: %r" % ra)
        self.assertEqual(ra["code"], 0, "RA code: %r" % ra)
        self.assertEqual(ra["lifetime"], LIFETIME, "RA router lifetime: %r" % ra)
        self.assertEqual(ra["mac"], mac, "RA from an unexpected MAC: %r" % ra)
        self.assertEqual(ra["slla"], slla, "RA source link-layer option: %r" % ra)

    def wait_quiet(self, seconds, timeout):
        """Waits until no RA has been seen for `seconds` (the initial burst is over)."""
        def quiet():
            ras = self.ras()
            return ras and time.monotonic() - ras[-1]["t"] >= seconds
        self.bed.wait_for(quiet, timeout, "the initial burst of RAs to end", interval=0.2)

    def start_tshark(self, bed):
        self.assertTrue(os.access(TSHARK, os.X_OK),
                        "no tshark at %s (Debian package tshark, in tools/deps.sh)" % TSHARK)
        self.pcap = os.path.join(bed.tmpdir, "ra.pcapng")
        proc = bed.start("client", [TSHARK, "-n", "-q", "-i", "eth0", "-f", "icmp6",
                                    "-w", self.pcap], bed.log("tshark"))
        bed.wait_for(lambda: "Capturing on" in proc.output(), 20, "tshark to start capturing")
        return proc

    def check_tshark(self, proc, want):
        self.bed.stop(proc, signal.SIGINT, 20)
        fields = ["frame.number", "eth.src", "ipv6.src", "ipv6.hlim",
                  "icmpv6.nd.ra.router_lifetime", "icmpv6.checksum.status", "_ws.malformed",
                  "_ws.expert.message"]
        argv = [TSHARK, "-n", "-r", self.pcap, "-Y", "icmpv6.type == 134", "-T", "fields",
                "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"]
        for f in fields:
            argv += ["-e", f]
        rows = []
        for line in self.bed.run("client", argv, timeout=60).stdout.splitlines():
            cols = line.split("\t")
            rows.append(dict(zip(fields, cols + [""] * (len(fields) - len(cols)))))
        self.assertGreaterEqual(len(rows), want, "tshark decoded too few RAs: %r" % rows)
        for row in rows:
            self.assertEqual(row["_ws.malformed"], "", "tshark: malformed RA %r" % row)
            self.assertEqual(row["icmpv6.checksum.status"], "1", "tshark: checksum %r" % row)
            self.assertEqual(row["ipv6.src"], LL, row)
            self.assertEqual(row["ipv6.hlim"], "255", row)
            self.assertEqual(row["icmpv6.nd.ra.router_lifetime"], str(LIFETIME), row)
        print("tshark decoded %d RAs cleanly" % len(rows))

    def test_master_only(self):
        bed = self.make_bed(nodes=2)
        self.prepare_client(bed)
        tshark = self.start_tshark(bed)
        mac1, mac2 = bed.mac("node1"), bed.mac("node2")
        self.start("node1", self.write_conf("node1.conf", conf("node1", 150)))
        self.start("node2", self.write_conf("node2.conf", conf("node2", 100)))
        self.wait_owner(VIP, "node1", vipd_bed.master_down(100, ADV) + 5)

        # (1) RAs from the master, as configured; (3) the client's default router.
        bed.wait_for(lambda: len(self.ras()) >= 1, 10, "an RA at the client")
        bed.wait_for(self.default_route, 10, "default via %s proto ra in the client" % LL)
        print("client route: %r" % self.default_route())
        # (2) The burst ends; over the whole time node1 was master, node2 sent nothing.
        self.wait_quiet(4, 30)
        burst = self.ras()
        self.assertGreaterEqual(len(burst), 3, "initial burst: %r" % burst)
        for ra in burst:
            self.check_ra(ra, mac1)
        print("initial burst: %d RAs, %.1f s apart at most" % (
            len(burst), max(b["t"] - a["t"] for a, b in zip(burst, burst[1:]))))

        # (5) A solicitation is answered (the next unsolicited RA is 200-600 s away).
        before = len(self.ras())
        t_rs = time.monotonic()
        bed.run("client", ["/usr/bin/python3", "-c", SOLICIT, "eth0"])
        bed.wait_for(lambda: len(self.ras()) > before, 10, "an answer to the solicitation")
        answer = self.ras()[before]
        self.check_ra(answer, mac1)
        print("solicited RA after %.0f ms" % ((answer["t"] - t_rs) * 1000))
        self.assertEqual(self.owners(VIP), ["node1"])

        # (4) The master dies: the new master advertises the same router, the route stays.
        t_kill = time.monotonic()
        self.kill("node1", signal.SIGKILL)
        self.wait_owner(VIP, "node2", vipd_bed.master_down(100, ADV) + 5)
        bed.wait_for(lambda: any(r["mac"] == mac2 for r in self.ras()), 10,
                     "an RA from node2 after the takeover")
        for ra in self.ras():
            self.check_ra(ra, mac2 if ra["t"] > t_kill else mac1)
        self.assertFalse([r for r in self.ras() if r["mac"] == mac2 and r["t"] < t_kill],
                         "the backup sent RAs while node1 was master")
        self.assertTrue(self.default_route(), "the client lost its default route")
        self.wait_quiet(4, 30)
        self.assertTrue(self.default_route(), "the client lost its default route")
        print("RAs: %d from node1, %d from node2 after the takeover" % (
            sum(r["mac"] == mac1 for r in self.ras()), sum(r["mac"] == mac2 for r in self.ras())))

        # (6) The dissector agrees.
        self.check_tshark(tshark, len(self.ras()))

    def test_vmac(self):
        bed = self.make_bed(nodes=2)
        self.prepare_client(bed)
        self.start("node1", self.write_conf("node1.conf", conf("node1", 150, "  use_vmac\n")))
        self.start("node2", self.write_conf("node2.conf", conf("node2", 100, "  use_vmac\n")))
        vmac_if = "vrrp.%d" % VRID
        self.wait_owner(VIP, "node1", vipd_bed.master_down(100, ADV) + 5, ifname=vmac_if)
        bed.wait_for(lambda: len(self.ras()) >= 2, 15, "two RAs at the client")
        for ra in self.ras():
            self.check_ra(ra, VMAC, slla=VMAC)
        bed.wait_for(self.default_route, 10, "default via %s proto ra in the client" % LL)
        # The client's kernel took the router's MAC from the option: the virtual MAC.
        bed.wait_for(lambda: (bed.neigh("client", LL) or {}).get("lladdr") == VMAC, 10,
                     "the client's neighbour entry for %s to be the virtual MAC" % LL)
        self.kill("node1", signal.SIGKILL)
        self.wait_owner(VIP, "node2", vipd_bed.master_down(100, ADV) + 5, ifname=vmac_if)
        n = len(self.ras())
        bed.wait_for(lambda: len(self.ras()) > n, 10, "an RA from node2")
        for ra in self.ras():
            self.check_ra(ra, VMAC, slla=VMAC)
        self.assertTrue(self.default_route(), "the client lost its default route")

    def solicit(self):
        self.bed.run("client", ["/usr/bin/python3", "-c", SOLICIT, "eth0"])

    def reload(self, path, text, needle):
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        n = len(self.log_lines("node1", needle))
        self.vipd["node1"].popen.send_signal(signal.SIGHUP)
        return self.wait_log("node1", needle, 10, after=n)

    def test_reload_link_stop(self):
        bed = self.make_bed(nodes=1)
        self.prepare_client(bed)
        mac1 = bed.mac("node1")
        path = self.write_conf("node1.conf", conf("node1", 150))
        self.start("node1", path)
        self.wait_owner(VIP, "node1", vipd_bed.master_down(150, ADV) + 5)
        self.wait_quiet(4, 30)

        # A reload that drops router_advert stops the RAs of a master that stays master: a
        # solicitation goes unanswered over a window longer than the rate limit plus delay.
        self.reload(path, conf("node1", 150).replace("  router_advert lifetime %d\n" % LIFETIME,
                                                     ""), "reloaded")
        n = len(self.ras())
        self.solicit()
        time.sleep(5)
        self.assertEqual(len(self.ras()), n, "RAs after router_advert was removed")
        self.assertEqual(self.owners(VIP), ["node1"])

        # Written back, it starts again at once with a new burst.
        self.reload(path, conf("node1", 150), "reloaded")
        bed.wait_for(lambda: len(self.ras()) > n, 10, "RAs after router_advert came back")
        self.wait_quiet(4, 30)

        # A bad value is refused with file:line and the running RAs go on.
        self.reload(path, conf("node1", 150).replace("lifetime %d" % LIFETIME, "lifetime 0"),
                    "reload refused")
        line = self.wait_log("node1", "error: router_advert", 5)
        print("refused: " + line)
        self.assertRegex(line, r"node1\.conf:\d+:\d+: error: router_advert: lifetime \"0\"")
        n = len(self.ras())
        self.solicit()
        bed.wait_for(lambda: len(self.ras()) > n, 10, "an answer after the refused reload")

        # The link goes down and up: fault stops the RAs, mastership again starts a burst.
        self.wait_quiet(4, 30)
        bed.set_port("node1", False)
        self.wait_log("node1", "-> fault", 10)
        bed.set_port("node1", True)
        self.wait_log("node1", "-> master", 10, after=1)
        n = len(self.ras())
        bed.wait_for(lambda: len(self.ras()) >= n + 2, 15, "a new burst after the link came back")

        # A graceful stop (priority 0) sends no zero-lifetime RA: the next master advertises
        # the same router, and hosts must not drop it in between.
        self.assertEqual(self.kill("node1", signal.SIGTERM, 10), 0)
        time.sleep(1)
        for ra in self.ras():
            self.check_ra(ra, mac1)
        print("RAs seen: %d, all with lifetime %d" % (len(self.ras()), LIFETIME))


if __name__ == "__main__":
    sys.exit(vipd_bed.main(RouterAdvert))
