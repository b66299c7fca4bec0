"""Mixed clusters: vipd, keepalived 2.2.7 and FRR's vrrpd on one VRID, one router each.

One meson test per (family, arrangement): ``v4-vipd-keepalived-frr`` gives vipd the highest
priority (200, node1), keepalived the middle one (150, node2) and FRR the lowest (100, node3).
Every test, VRRPv3 at 0.1 s:

1. election: the routers start lowest first; the highest must end up the only one sending
   adverts, within its Master_Down_Interval (plus slack for the daemon's start);
2. priority-0 handover: the master stops gracefully; it must send priority 0 and the middle
   router must be the only sender within its Master_Down_Interval + 2 s;
3. kill -9 of the new master: the lowest router must be the only sender within its
   Master_Down_Interval + 2 s.

Mastership is judged by the adverts on the wire, captured in the client's namespace
(advert_watch.py): FRR keeps its VIP on its macvlan in backup too (protodown still receives),
so the VIP cannot tell its master from its backup. vipd and keepalived are checked by their VIP
as well: only the master holds it. vipd runs with use_vmac, as FRR does; keepalived without.
"""

import itertools
import json
import os
import pwd
import signal
import sys
import time
import traceback

import kapair as K
from testbed import Bed

HERE = os.path.dirname(os.path.abspath(__file__))
FRR_DIR = os.environ.get("FRR_DIR", "/usr/lib/frr")
VTYSH = os.environ.get("VTYSH", "/usr/bin/vtysh")
KINDS = ("vipd", "keepalived", "frr")
PRIORITIES = (200, 150, 100)  # node1, node2, node3
VRID = 51
ADV = 0.1
VIPS = {4: ("192.0.2.50", 24), 6: ("2001:db8::50", 64)}
# Convergence is judged over this many seconds of adverts: ten intervals.
WINDOW = 1.0


def arrangements():
    return list(itertools.permutations(KINDS))


def case_names():
    return ["v%d-%s" % (fam, "-".join(a)) for fam in (4, 6) for a in arrangements()]


def skip_reason():
    reason = K.skip_reason()
    if reason:
        return reason
    for path in (os.path.join(FRR_DIR, "zebra"), os.path.join(FRR_DIR, "vrrpd"), VTYSH):
        if not os.access(path, os.X_OK):
            return "no FRR at %s (Debian package frr)" % path
    try:
        pwd.getpwnam("frr")
    except KeyError:
        return "no frr user (Debian package frr)"
    return None


def master_down(priority):
    return K.master_down_s(priority, ADV, 3)


def keepalived_conf(name, kind, priority, family):
    vip, plen = VIPS[family]
    return ("global_defs {\n  router_id %s\n}\n"
            "vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id %d\n"
            "  priority %d\n  advert_int %s\n  version 3\n%s"
            "  virtual_ipaddress {\n    %s/%d\n  }\n}\n"
            % (name, VRID, priority, ADV, "  use_vmac\n" if kind == "vipd" else "", vip, plen))


class Frr:
    """zebra + vrrpd of Debian's frr, run by hand in one node, with the macvlan made for it."""

    def __init__(self, bed, node, priority, family):
        self.bed, self.node, self.kind = bed, node, "frr"
        self.family = family
        self.dir = os.path.join(bed.tmpdir, "frr-" + node)
        self.macvlan = "vrrp%d-%d" % (family, VRID)
        self.procs = []
        self.vrrpd = None
        frr = pwd.getpwnam("frr")
        # The daemons run as the frr user: it must reach and own its run directory.
        os.chmod(bed.tmpdir, 0o711)
        os.makedirs(self.dir)
        vip, plen = VIPS[family]
        with open(os.path.join(self.dir, "zebra.conf"), "w") as f:
            f.write("")
        with open(os.path.join(self.dir, "vrrpd.conf"), "w") as f:
            f.write("interface eth0\n vrrp %d version 3\n vrrp %d priority %d\n"
                    " vrrp %d advertisement-interval %d\n vrrp %d %s %s\n!\n"
                    % (VRID, VRID, priority, VRID, int(ADV * 1000), VRID,
                       "ip" if family == 4 else "ipv6", vip))
        for p in [self.dir] + [os.path.join(self.dir, n) for n in os.listdir(self.dir)]:
            os.chown(p, frr.pw_uid, frr.pw_gid)
        # FRR only toggles protodown: the macvlan, its addresses and the ARP setting are ours.
        mac = "00:00:5e:00:%02x:%02x" % (1 if family == 4 else 2, VRID)
        bed.run(node, ["ip", "link", "add", self.macvlan, "link", "eth0", "address", mac,
                       "type", "macvlan", "mode", "bridge"])
        bed.run(node, ["ip", "link", "set", self.macvlan, "addrgenmode", "random"])
        bed.run(node, ["ip", "link", "set", self.macvlan, "up"])
        bed.run(node, ["sysctl", "-qw", "net.ipv4.conf.eth0.arp_ignore=1"])
        bed.run(node, ["ip", "addr", "add", "%s/%d" % (vip, plen), "dev", self.macvlan]
                + (["nodad"] if family == 6 else []))

    def __repr__(self):
        return "frr on %s" % self.node

    def _args(self, name):
        return ["-z", os.path.join(self.dir, "zserv.api"), "--vty_socket", self.dir,
                "-i", os.path.join(self.dir, name + ".pid"), "-P", "0",
                "-f", os.path.join(self.dir, name + ".conf")]

    def start(self):
        if not self.procs:
            zebra = self.bed.start(self.node, [os.path.join(FRR_DIR, "zebra")] + self._args("zebra"),
                                   self.bed.log("%s-zebra" % self.node))
            self.procs.append(zebra)
            self.bed.wait_for(lambda: os.path.exists(os.path.join(self.dir, "zserv.api")), 10,
                              "zebra's socket in " + self.node)
        self.vrrpd = self.bed.start(self.node, [os.path.join(FRR_DIR, "vrrpd")] + self._args("vrrpd"),
                                    self.bed.log("%s-vrrpd-%d" % (self.node, len(self.procs))))
        self.procs.append(self.vrrpd)

    def show(self):
        res = self.bed.run(self.node, [VTYSH, "--vty_socket", self.dir, "-d", "vrrpd", "-c",
                                       "show vrrp json"], check=False, timeout=10)
        try:
            return json.loads(res.stdout) if res.returncode == 0 else None
        except ValueError:
            return None

    def status(self):
        """FRR's own view of its router for our family ("Backup", "Master"...), or None."""
        show = self.show()
        if not show:
            return None
        return show[0]["v%d" % self.family]["status"]

    def wait_ready(self, timeout=15):
        self.bed.wait_for(lambda: self.status() in ("Backup", "Master"), timeout,
                          "FRR's vrrpd to run VRID %d in %s" % (VRID, self.node))

    def stop(self, timeout=10):
        return self.bed.stop(self.vrrpd, signal.SIGTERM, timeout)

    def kill9(self):
        self.bed.stop(self.vrrpd, signal.SIGKILL, 10)

    def holds(self):
        return None  # the VIP stays on FRR's macvlan in every state

    def log_text(self):
        return "\n".join("==== %s: %s ====\n%s" % (self, os.path.basename(p.argv[0]), p.output())
                         for p in self.procs)


class Daemon(K.Router):
    """vipd or keepalived, with the VIP where that daemon puts it."""

    def __init__(self, bed, node, kind, priority, family):
        super().__init__(bed, node, kind, keepalived_conf("%s_%s" % (kind, node), kind,
                                                          priority, family))
        self.family = family
        if kind == "vipd":
            self.vip_dev = "vrrp.%d" % VRID
        else:
            self.vip_dev = "eth0"

    def wait_ready(self, timeout=10):
        if self.kind == "vipd":
            self.bed.wait_log(self.proc, "started ", timeout, "vipd to start in " + self.node)
        else:
            super().wait_ready(timeout)

    def holds(self):
        try:
            return self.bed.has_addr(self.node, VIPS[self.family][0], self.vip_dev)
        except AssertionError:
            return False  # vipd's macvlan is gone once vipd has stopped


class Cluster:
    def __init__(self, bed, family, arrangement):
        self.bed, self.family = bed, family
        self.routers = []
        self.nodes = {}
        for i, kind in enumerate(arrangement):
            node = "node%d" % (i + 1)
            r = (Frr(bed, node, PRIORITIES[i], family) if kind == "frr"
                 else Daemon(bed, node, kind, PRIORITIES[i], family))
            r.priority = PRIORITIES[i]
            r.running_now = False
            self.routers.append(r)
            self.nodes[node] = r
        self.watch = bed.start("client", ["/usr/bin/python3", os.path.join(HERE, "advert_watch.py"),
                                          "eth0"], bed.log("adverts"))
        bed.wait_log(self.watch, "ready", 10, "the advert watcher")
        self.senders = {}

    def adverts(self, since=0.0):
        out = []
        for line in self.watch.lines():
            try:
                a = json.loads(line)
            except ValueError:
                continue
            if "t" in a and a["vrid"] == VRID and a["t"] >= since:
                out.append(a)
        return out

    def node_of(self, src):
        """The node that sent from src: its primary IPv4 address or one of its link-locals."""
        if src not in self.senders:
            for node in self.nodes:
                if self.family == 4:
                    if src == self.bed.ipv4(node):
                        self.senders[src] = node
                    continue
                out = self.bed.run(node, ["ip", "-j", "-6", "addr", "show", "scope", "link"]).stdout
                for a in json.loads(out) if out.strip() else []:
                    for info in a.get("addr_info", []):
                        if info.get("local") == src:
                            self.senders[src] = node
        return self.senders.get(src, src)

    def masters(self, since, until):
        """Nodes that sent adverts with a priority above 0 in [since, until)."""
        return sorted({self.node_of(a["src"]) for a in self.adverts(since)
                       if a["prio"] > 0 and a["t"] < until})

    def wait_sole_master(self, router, t0, bound, what):
        """Waits until router is the only sender over a WINDOW; returns when it started being
        so (seconds after t0). Fails when that takes longer than bound."""
        deadline = t0 + bound + WINDOW + 0.5
        while True:
            now = time.monotonic()
            ads = [a for a in self.adverts(t0) if a["prio"] > 0]
            mine = [a["t"] for a in ads if self.node_of(a["src"]) == router.node]
            if mine:
                first = mine[0]
                # The last other sender's last advert ends the contest.
                others = [a["t"] for a in ads if self.node_of(a["src"]) != router.node]
                settled = max([first] + others)
                if now - settled >= WINDOW and self.masters(now - WINDOW, now) == [router.node]:
                    took = settled - t0
                    assert took <= bound, (
                        "%s: %s became the only master %.2f s after the event, later than "
                        "Master_Down_Interval + slack (%.2f s)" % (what, router, took, bound))
                    return took
            if now > deadline:
                raise AssertionError(
                    "%s: %s is not the only master %.1f s after the event; senders in the last "
                    "%.1f s: %s" % (what, router, bound, WINDOW,
                                    self.masters(now - WINDOW, now) or "none"))
            time.sleep(0.1)

    def assert_vip_holders(self, master):
        """vipd and keepalived hold the VIP exactly when they are the master."""
        for r in self.routers:
            held = r.holds()
            if held is None or not r.running_now:
                continue
            assert held == (r is master), "%s %s the VIP while %s is master" % (
                r, "holds" if held else "does not hold", master)

    def log_text(self):
        return "\n".join(r.log_text() for r in self.routers)


def run_case(name):
    fam = int(name[1])
    arrangement = tuple(name.split("-")[1:])
    with Bed(nodes=3) as bed:
        c = Cluster(bed, fam, arrangement)
        try:
            high, mid, low = c.routers
            for r in (low, mid, high):
                r.running_now = True
                t_start = time.monotonic()
                r.start()
                r.wait_ready()
            # 1. Election: the highest priority preempts the others once its timer runs out.
            took = c.wait_sole_master(high, t_start, master_down(high.priority) + 3,
                                      "election")
            c.assert_vip_holders(high)
            print("  election: %s master %.2f s after its start" % (high, took))

            # 2. Graceful stop of the master: priority 0, the middle one takes over.
            t0 = time.monotonic()
            rc = high.stop()
            high.running_now = False
            assert rc == 0, "%s exited %s on SIGTERM" % (high, rc)
            zero = [a for a in c.adverts(t0 - 0.2) if a["prio"] == 0
                    and c.node_of(a["src"]) == high.node]
            assert zero, "%s sent no priority-0 advert when it stopped" % high
            took = c.wait_sole_master(mid, t0, master_down(mid.priority) + 2, "handover")
            c.assert_vip_holders(mid)
            print("  priority-0 handover: %s master after %.2f s" % (mid, took))

            # 3. kill -9 of the new master: the lowest one takes over on its timer.
            t0 = time.monotonic()
            mid.kill9()
            mid.running_now = False
            took = c.wait_sole_master(low, t0, master_down(low.priority) + 2, "kill -9")
            c.assert_vip_holders(low)
            print("  kill -9: %s master after %.2f s (Master_Down_Interval %.2f s)"
                  % (low, took, master_down(low.priority)))
        except BaseException:
            traceback.print_exc()
            sys.stderr.write(c.log_text() + "\n")
            sys.stderr.write("==== adverts seen by the client ====\n%s\n" % c.watch.output()[-6000:])
            raise


def main(argv):
    reason = skip_reason()
    if reason:
        print("SKIP: %s" % reason)
        return 77
    names = argv[1:] or case_names()
    failed = 0
    for name in names:
        if name not in case_names():
            print("unknown case %r; known: %s" % (name, ", ".join(case_names())))
            return 2
        t0 = time.monotonic()
        try:
            run_case(name)
            print("ok - %s (%.1f s)" % (name, time.monotonic() - t0))
        except Exception:
            failed += 1
            print("not ok - %s" % name)
    return 1 if failed else 0
