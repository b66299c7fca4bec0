"""Shared pieces of the D-Bus tests and bench: vipd nodes with a private bus each, busctl calls,
advert capture and a pinging client, all on a tests/netns test bed."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "netns"))

import testbed  # noqa: E402
from privbus import PrivateBus  # noqa: E402
import privbus  # noqa: E402

VIPD = os.environ.get("VIPD") or os.path.join(HERE, "..", "..", "build", "service", "vipd")
BUSCTL = shutil.which("busctl") or "/usr/bin/busctl"
PYTHON = "/usr/bin/python3"
NAME = "org.vipd.Vrrp1"
ROOT = "/org/vipd/Vrrp1"
IFACE_I = "org.vipd.Vrrp1.Instance"
IFACE_M = "org.vipd.Vrrp1.Manager"
VIP = "192.0.2.200"
SECRET = "s3cr3tpw"


def skip_reason(need_polkitd=False):
    r = testbed.skip_reason() or privbus.skip_reason()
    if r:
        return r
    if not os.path.exists(BUSCTL):
        return "no busctl"
    if need_polkitd and not os.path.exists("/usr/lib/polkit-1/polkitd"):
        return "no polkitd"
    return None


def inst_path(name):
    return ROOT + "/instance/" + name


def conf_text(router_id, priority, instances=None, interval="0.1", state="BACKUP",
              preempt=True, auth=False):
    """A v3 configuration; instances is a list of (name, interface, vrid, vip) or None for one
    instance VI_1 on eth0 with VIP."""
    if instances is None:
        instances = [("VI_1", "eth0", 51, VIP + "/24")]
    out = ["global_defs {", "    router_id %s" % router_id, "    vrrp_version 3", "}", ""]
    for name, ifname, vrid, vip in instances:
        out += ["vrrp_instance %s {" % name,
                "    state %s" % state,
                "    interface %s" % ifname,
                "    virtual_router_id %d" % vrid,
                "    priority %d" % priority,
                "    advert_int %s" % interval]
        if not preempt:
            out.append("    nopreempt")
        if auth:
            # keepalived accepts (and ignores) auth in v3; the secret must never reach the bus.
            out += ["    authentication {", "        auth_type PASS",
                    "        auth_pass %s" % SECRET, "    }"]
        out += ["    virtual_ipaddress {", "        %s" % vip, "    }", "}", ""]
    return "\n".join(out)


class Node:
    """vipd in one namespace of the bed, with its own private system bus."""

    def __init__(self, bed, node, conf, bus=True, include_polkit=False, wrap=()):
        self.bed = bed
        self.node = node
        self.dir = os.path.join(bed.tmpdir, node)
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(bed.tmpdir, 0o755)
        os.chmod(self.dir, 0o755)
        self.conf = os.path.join(self.dir, "vipd.conf")
        self.state_dir = os.path.join(self.dir, "state")
        self.write_conf(conf)
        self.bus = PrivateBus(self.dir, name="bus", include_polkit=include_polkit)
        # The bus is not one of the bed's processes: stop it (and any restart of it) with the bed.
        bed.on_teardown(self.bus.teardown)
        self.wrap = list(wrap)
        self.vipd = None
        self.nstart = 0
        if bus:
            self.bus.start(wrap=self.wrap)

    def write_conf(self, text):
        with open(self.conf, "w") as f:
            f.write(text)

    def env(self):
        env = self.bus.env()
        env["G_DEBUG"] = "fatal-criticals"
        return env

    def start_vipd(self, extra=()):
        self.nstart += 1
        self.vipd = self.bed.start(self.node, [VIPD, "-l", "-f", self.conf, "--state-dir",
                                               self.state_dir] + list(extra),
                                   self.bed.log("vipd-%s-%d" % (self.node, self.nstart)),
                                   env=self.env())
        return self.vipd

    def stop_vipd(self, sig=signal.SIGTERM):
        if self.vipd is not None:
            self.bed.stop(self.vipd, sig=sig, timeout=10)

    def on_bus(self):
        r = self.busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                        "org.freedesktop.DBus", "NameHasOwner", "s", NAME, check=False)
        return r.returncode == 0 and r.stdout.strip() == "b true"

    def wait_on_bus(self, timeout=10):
        self.bed.wait_for(self.on_bus, timeout, "vipd on the bus of %s" % self.node, interval=0.05)

    def busctl(self, *args, check=True, quiet=False, user=None, timeout=30):
        argv = [BUSCTL, "--system"] + [str(a) for a in args]
        return run_as(self.bed, self.node, argv, self.env(), user=user, check=check,
                      timeout=timeout, quiet=quiet)

    def call(self, path, iface, method, sig="", *args, user=None, check=True, timeout=30):
        """busctl call; returns the decoded JSON data list (or the CompletedProcess on error
        when check is False)."""
        a = ["--json=short", "call", NAME, path, iface, method]
        if sig:
            a += [sig] + list(args)
        r = self.busctl(*a, check=False, user=user, timeout=timeout)
        if r.returncode != 0:
            if check:
                raise AssertionError("busctl call %s failed: %s" % (method, r.stderr))
            return r
        return json.loads(r.stdout)["data"] if r.stdout.strip() else []

    def gcall(self, path, iface, method, *args, user=None, timeout=30):
        """gdbus call (args in GVariant text, e.g. "byte 201"): unlike busctl, it prints the
        D-Bus error name and message of a refusal. Returns the CompletedProcess."""
        argv = ["gdbus", "call", "--system", "--dest", NAME, "--object-path", path,
                "--method", iface + "." + method] + [str(a) for a in args]
        return run_as(self.bed, self.node, argv, self.env(), user=user, check=False,
                      timeout=timeout)

    def get(self, name, prop, iface=IFACE_I, user=None):
        path = inst_path(name) if iface == IFACE_I else ROOT
        r = self.busctl("--json=short", "get-property", NAME, path, iface, prop, user=user)
        return json.loads(r.stdout)["data"]

    def state(self, name="VI_1"):
        return self.get(name, "State")

    def has_vip(self, vip=VIP):
        return self.bed.has_addr(self.node, vip)


def run_as(bed, node, argv, env, user=None, check=True, timeout=30, quiet=False):
    if user is not None:
        argv = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--init-groups"] + argv
    r = subprocess.run(bed.cmd(node, argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=timeout, env=env)
    if check and r.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s%s" % (" ".join(argv), r.returncode, r.stdout,
                                                        r.stderr))
    return r


def wait_master(bed, node, name="VI_1", timeout=10):
    bed.wait_for(lambda: node.on_bus() and node.state(name) == "master", timeout,
                 "%s master on %s" % (name, node.node), interval=0.05)


class Capture:
    """Adverts seen on the client's eth0, with CLOCK_MONOTONIC timestamps (advcap.py)."""

    def __init__(self, bed, node="client", ifname="eth0", seconds=30):
        self.bed = bed
        self.proc = bed.start(node, [PYTHON, "-u", os.path.join(HERE, "advcap.py"), ifname,
                                     str(seconds)], bed.log("advcap-%d" % len(bed.procs)))
        bed.wait_log(self.proc, "ready", 10)

    def adverts(self):
        out = []
        for line in self.proc.lines():
            p = line.split()
            if len(p) >= 5 and p[0] == "advert":
                out.append({"t": float(p[1]), "src": p[2], "vrid": int(p[3]), "prio": int(p[4])})
        return out

    def stop(self):
        self.bed.stop(self.proc)


class Pinger:
    """The client pings the VIP every 10 ms; gaps are runs of lost replies."""

    def __init__(self, bed, addr=VIP, node="client", interval=0.01):
        self.interval = interval
        self.proc = bed.start(node, ["stdbuf", "-oL", "ping", "-n", "-D", "-i", str(interval), "-W", "1", addr],
                              bed.log("ping-%d" % len(bed.procs)))
        self.bed = bed

    def stop(self):
        self.bed.stop(self.proc, sig=signal.SIGINT)

    def replies(self):
        seqs = []
        for line in self.proc.lines():
            if "icmp_seq=" in line and "bytes from" in line:
                seqs.append(int(line.split("icmp_seq=")[1].split()[0]))
        return seqs

    def max_gap_ms(self, after_first=True):
        seqs = sorted(set(self.replies()))
        if not seqs:
            return float("inf")
        gap = 0
        for a, b in zip(seqs, seqs[1:]):
            gap = max(gap, b - a - 1)
        return gap * self.interval * 1000.0
