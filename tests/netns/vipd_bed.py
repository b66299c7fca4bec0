"""vipd on the namespace test bed: the seed's configurations, started per node.

    class T(vipd_bed.VipdTest):
        def test_x(self):
            bed = self.make_bed(nodes=2)
            confs = self.seed("floating-vip", {"node1": "node1.conf", "node2": "node2.conf"})
            for node, conf in confs.items():
                self.start(node, conf)
            self.wait_owner(VIP, "node1", 5)

The seed files are used as they are; ``seed_text`` rewrites only their addresses
(192.168.184.x -> 192.0.2.x, 192.168.10.x -> 198.51.100.x) and, when ``fast`` is set,
``advert_int 1`` -> ``version 3`` + ``advert_int 0.1``. When a test fails, every vipd log of
the bed is printed. ``main`` runs a test module and exits 77 when the bed cannot be built
here (not root, no ``ip netns``).
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import testbed  # noqa: E402

SEED = os.path.join(HERE, "..", "data", "seed")
VIPD = os.environ.get("VIPD") or os.path.join(HERE, "..", "..", "build", "service", "vipd")
IP = testbed.IP

# RFC 5798 6.1: Skew_Time = ((256 - priority) * Master_Adver_Interval) / 256.
def skew(priority, advert_int):
    return (256 - priority) * advert_int / 256.0


def master_down(priority, advert_int):
    return 3 * advert_int + skew(priority, advert_int)


# An ICMP echo client: pings argv[1] every argv[2] seconds for argv[3] seconds, then prints
# one JSON line: sent, received, the longest time between two replies and the lost sequences.
PINGER = r"""
import json, os, select, socket, struct, sys, time
dst, interval, duration = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
ident = os.getpid() & 0xffff
t0 = time.monotonic(); nxt = t0; seq = 0; got = {}
print("ready", flush=True)
while True:
    now = time.monotonic()
    if now >= t0 + duration + 0.2: break
    if now >= nxt and now < t0 + duration:
        seq += 1
        h = struct.pack("!BBHHH", 8, 0, 0, ident, seq & 0xffff) + b"vipd-bed"
        h = h[:2] + struct.pack("!H", csum(h)) + h[4:]
        try: s.sendto(h, (dst, 0))
        except OSError: pass
        nxt += interval
    r, _, _ = select.select([s], [], [], max(0.0, min(nxt - time.monotonic(), 0.01)))
    if r:
        data = s.recv(2048)
        ihl = (data[0] & 15) * 4
        t, _, _, i, q = struct.unpack("!BBHHH", data[ihl:ihl + 8])
        if t == 0 and i == ident and q not in got:
            got[q] = time.monotonic() - t0
times = sorted(got.values())
gaps = [b - a for a, b in zip(times, times[1:])]
print(json.dumps({"sent": seq, "received": len(got), "max_gap": max(gaps) if gaps else None,
                  "lost": [q for q in range(1, seq + 1) if q not in got]}), flush=True)
"""


def seed_text(scenario, name, fast=True):
    """A seed file with its addresses moved into the documentation ranges."""
    with open(os.path.join(SEED, scenario, name), encoding="utf-8") as f:
        text = f.read()
    text = text.replace("192.168.184.", "192.0.2.").replace("192.168.10.", "198.51.100.")
    if fast:
        text = re.sub(r"(?m)^(\s*)advert_int 1\s*$", r"\1version 3\n\1advert_int 0.1", text)
    return text


class VipdTest(unittest.TestCase):
    """A test case owning one bed; prints the vipd logs when it fails."""

    bed = None

    def make_bed(self, nodes=2, client=True):
        self.bed = testbed.Bed(nodes=nodes, client=client)
        self.addCleanup(self.bed.teardown)
        # Cleanups run last-in first-out: the logs are printed while the bed still has them.
        self.addCleanup(self._dump_if_failed)
        self.vipd = {}
        self.confdir = os.path.join(self.bed.tmpdir, "conf")
        os.makedirs(self.confdir)
        return self.bed

    def _dump_if_failed(self):
        # The outcome's success flag is reset while cleanups run: ask the result instead.
        result = getattr(getattr(self, "_outcome", None), "result", None)
        failed = result is not None and any(
            t is self for t, _ in list(result.failures) + list(result.errors))
        if failed or os.environ.get("VIPD_SHOW_LOGS"):
            sys.stdout.write("==== logs of %s\n" % self.id())
            self.bed.dump_logs(sys.stdout)
            sys.stdout.flush()

    # --- configurations -----------------------------------------------------------------------

    def write_conf(self, name, text):
        path = os.path.join(self.confdir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def seed(self, scenario, files, fast=True, edit=None):
        """{node: seed file name} -> {node: path of the rewritten copy}; edit(text) -> text."""
        out = {}
        for node, name in files.items():
            text = seed_text(scenario, name, fast)
            if edit:
                text = edit(text)
            out[node] = self.write_conf("%s-%s" % (node, name), text)
        return out

    # --- vipd ---------------------------------------------------------------------------------

    def start(self, node, conf, wait=True):
        """Starts vipd in node (foreground, console log); waits for its "started" line."""
        proc = self.bed.start(node, [VIPD, "-l", "-D", "-f", conf],
                              self.bed.log("vipd-%s-%d" % (node, len(self.bed.procs))))
        self.vipd[node] = proc
        if wait:
            self.bed.wait_log(proc, "started ", 5, "vipd to start in " + node)
        return proc

    def kill(self, node, sig=signal.SIGKILL, timeout=5):
        """Signals node's vipd and waits for it to end; returns its exit status."""
        return self.bed.stop(self.vipd[node], sig, timeout)

    def log_lines(self, node, needle):
        return [l for l in self.vipd[node].lines() if needle in l]

    def wait_log(self, node, needle, timeout, after=0):
        """Waits for the (after+1)-th log line of node's vipd containing needle."""
        def found():
            lines = self.log_lines(node, needle)
            return lines[after] if len(lines) > after else None
        return self.bed.wait_for(found, timeout, "%r in the vipd log of %s" % (needle, node))

    # --- addresses ----------------------------------------------------------------------------

    def has(self, node, addr, ifname="eth0"):
        return self.bed.has_addr(node, addr, ifname)

    def owners(self, addr, nodes=None, ifname="eth0"):
        nodes = nodes or [n for n in self.bed.nodes if n != "client"]
        return [n for n in nodes if self.has(n, addr, ifname)]

    def wait_owner(self, addr, node, timeout, ifname="eth0"):
        """Waits until node, and no other node, holds addr; returns the seconds waited."""
        t0 = time.monotonic()
        try:
            self.bed.wait_for(lambda: self.owners(addr, ifname=ifname) == [node], timeout,
                              "%s on %s only" % (addr, node))
        except AssertionError as e:
            raise AssertionError("%s; it is on %s" % (e, self.owners(addr, ifname=ifname)))
        return time.monotonic() - t0

    def wait_gone(self, node, addr, timeout, ifname="eth0"):
        t0 = time.monotonic()
        self.bed.wait_for(lambda: not self.has(node, addr, ifname), timeout,
                          "%s to leave %s" % (addr, node))
        return time.monotonic() - t0

    def assert_owner_for(self, addr, node, seconds, ifname="eth0"):
        """Checks over `seconds` that node, and only node, holds addr at every sample."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            owners = self.owners(addr, ifname=ifname)
            self.assertEqual(owners, [node], "%s should stay on %s only" % (addr, node))
            time.sleep(0.05)

    def assert_owners(self, expected, ifname="eth0"):
        """expected: {addr: node}; every addr is on its node only."""
        for addr, node in expected.items():
            self.assertEqual(self.owners(addr, ifname=ifname), [node], addr)

    # --- the client -------------------------------------------------------------------------

    def start_pinger(self, addr, interval, duration, node="client"):
        """Starts pinging addr from node; read the result with pinger_result."""
        proc = self.bed.start(node, ["/usr/bin/python3", "-c", PINGER, addr, interval, duration])
        self.bed.wait_log(proc, "ready", 5)
        return proc

    def pinger_result(self, proc, timeout=30):
        proc.wait(timeout)
        for line in proc.lines():
            if line.startswith("{"):
                return json.loads(line)
        raise AssertionError("the pinger printed no result:\n" + proc.output())

    def ping_once(self, addr, node="client", timeout=2.0):
        """True when addr answers one of a few echo requests within timeout."""
        res = self.pinger_result(self.start_pinger(addr, 0.2, timeout, node), timeout + 10)
        return res["received"] > 0

    # --- extra LAN ----------------------------------------------------------------------------

    def add_lan(self, ifname="eth1", subnet="198.51.100", tag="m"):
        """A second bridge in the bed's bridge namespace; every node gets ifname on it with
        subnet.(10+N)/24 (the client subnet.100). Torn down with the namespaces."""
        bed = self.bed
        br = bed.ns("br")
        brname = "br" + tag
        bed._ip("-n", br, "link", "add", brname, "type", "bridge", "mcast_snooping", "0")
        bed._ip("-n", br, "link", "set", brname, "up")
        for node in bed.nodes:
            ns = bed.ns(node)
            short = "c" if node == "client" else node[4:]
            port = bed.prefix + tag + short
            host = 100 if node == "client" else 10 + int(node[4:])
            bed._ip("-n", br, "link", "add", port, "type", "veth", "peer", "name", ifname,
                    "netns", ns)
            bed._sysctl(ns, "net.ipv6.conf.%s.accept_dad" % ifname, 0)
            bed._ip("-n", ns, "addr", "add", "%s.%d/24" % (subnet, host), "dev", ifname)
            bed._ip("-n", ns, "link", "set", ifname, "up")
            bed._ip("-n", br, "link", "set", port, "master", brname, "up")


def main(cls):
    reason = testbed.skip_reason()
    if reason:
        print("SKIP: " + reason)
        return 77
    if not os.access(VIPD, os.X_OK):
        print("vipd not found at %s (set VIPD)" % VIPD, file=sys.stderr)
        return 1
    names = sys.argv[1:] or unittest.TestLoader().getTestCaseNames(cls)
    suite = unittest.TestSuite([cls(n if n.startswith("test_") else "test_" + n) for n in names])
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    return 0 if result.wasSuccessful() else 1
