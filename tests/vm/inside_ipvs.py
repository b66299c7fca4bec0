"""IPVS programming through service/lvs/ipvs-netlink.c, run inside the test VM as root.

    inside_ipvs.py CASE      (IPVS_APPLY names the ipvs-apply tool)

Every check reads the kernel's table back with ipvsadm, a program that shares no code with
vipd, and compares it with the whole expected table. Traffic for the counters comes from this
VM itself: the virtual addresses are routed into a dummy interface, and IPVS schedules local
clients' connections like any other.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ipvsadm import table as ipvsadm_table, stats as ipvsadm_stats, thresholds  # noqa: E402

APPLY = os.environ.get("IPVS_APPLY", "ipvs-apply")


def run(argv, check=True):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError("%s failed (%d): %s%s" % (" ".join(argv), p.returncode, p.stdout,
                                                        p.stderr))
    return p


def apply(desc, expect_rc=0):
    """Applies a description; returns (ops printed, stderr)."""
    with tempfile.NamedTemporaryFile("w", suffix=".ipvs", delete=False) as f:
        f.write(desc)
    p = run([APPLY, f.name], check=False)
    if p.returncode != expect_rc:
        raise AssertionError("ipvs-apply exited %d, expected %d:\n%s%s" % (
            p.returncode, expect_rc, p.stdout, p.stderr))
    ops = [l[3:] for l in p.stdout.splitlines() if l.startswith("op ")]
    return ops, p.stderr, f.name


def show():
    """The kernel's table as vipd reads it: {service line: sorted dest lines}."""
    return parse_desc(run([APPLY, "--show"]).stdout)


def parse_desc(text):
    out, cur = {}, None
    for line in text.splitlines():
        line = " ".join(line.split("#")[0].split())
        if line.startswith("service "):
            cur = line
            out[cur] = []
        elif line.startswith("dest "):
            out[cur].append(line)
    return {k: sorted(v) for k, v in out.items()}


def eq(got, want, what):
    if got != want:
        raise AssertionError("%s:\n  got  %r\n  want %r" % (what, got, want))


def routes_into_dummy():
    """Virtual and real addresses lead into a dummy device: local clients' SYNs get scheduled."""
    run(["ip", "link", "add", "vmd0", "type", "dummy"])
    run(["ip", "link", "set", "vmd0", "up"])
    for net in ("192.0.2.0/24", "198.51.100.0/24"):
        run(["ip", "route", "add", net, "dev", "vmd0"])
    for net in ("2001:db8::/64", "2001:db8:1::/64"):
        run(["ip", "-6", "route", "add", net, "dev", "vmd0"])


def settled_stats(want):
    """ipvsadm's counters once want(stats) holds: the kernel's estimator folds the per-CPU
    counters into the ones it reports every 2 s, so a fresh connection shows up late."""
    deadline = time.monotonic() + 30
    while True:
        s = ipvsadm_stats()
        if want(s) or time.monotonic() > deadline:
            return s
        time.sleep(0.5)


def knock(proto, addr, port):
    """One connection attempt (TCP SYN or a UDP datagram) to addr:port; nothing answers."""
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    with socket.socket(family, kind) as s:
        s.settimeout(0.3)
        try:
            if proto == "tcp":
                s.connect((addr, port))
            else:
                s.sendto(b"knock", (addr, port))
        except OSError:
            pass


TABLE = """
service tcp 192.0.2.100 80 wrr
  dest 198.51.100.11 8080 masq weight 2
  dest 198.51.100.12 8080 masq weight 1
service udp 192.0.2.100 53 rr
  dest 198.51.100.11 53 route weight 1
service sctp 192.0.2.100 3868 lc
  dest 198.51.100.13 3868 tunnel weight 5 uthreshold 100 lthreshold 10
service tcp 192.0.2.101 443 sh persistent 300 netmask 255.255.255.0
  dest 198.51.100.11 443 masq weight 1
"""


def case_ipvs_table():
    ops, _, _ = apply(TABLE)
    eq(len([o for o in ops if o.startswith("add-service ")]), 4, "services added")
    eq(len([o for o in ops if o.startswith("add-dest ")]), 5, "destinations added")
    eq(len(ops), 9, "operations from an empty table")
    eq(ipvsadm_table(), {
        "TCP 192.0.2.100:80": ("wrr", "", {"198.51.100.11:8080": ("Masq", 2),
                                           "198.51.100.12:8080": ("Masq", 1)}),
        "UDP 192.0.2.100:53": ("rr", "", {"198.51.100.11:53": ("Route", 1)}),
        "SCTP 192.0.2.100:3868": ("lc", "", {"198.51.100.13:3868": ("Tunnel", 5)}),
        "TCP 192.0.2.101:443": ("sh", "persistent 300 mask 255.255.255.0",
                                {"198.51.100.11:443": ("Masq", 1)}),
    }, "ipvsadm -Ln after the first apply")
    eq(thresholds()["SCTP 192.0.2.100:3868"]["198.51.100.13:3868"], (100, 10),
       "upper and lower thresholds")
    # vipd's own reading of the kernel gives back the description it applied.
    eq(show(), parse_desc(TABLE), "the table read back through netlink")
    ops, _, _ = apply(TABLE)
    eq(ops, [], "operations for an unchanged table")
    run([APPLY, "--flush"])
    eq(ipvsadm_table(), {}, "ipvsadm -Ln after a flush")
    print("ok ipvs_table: 4 services, 5 destinations, read back, no-op, flush")


CHANGES_BEFORE = """
service tcp 192.0.2.100 80 wrr
  dest 198.51.100.11 8080 masq weight 2
  dest 198.51.100.12 8080 masq weight 1
service tcp 192.0.2.100 443 rr
  dest 198.51.100.11 443 masq weight 1
  dest 198.51.100.12 443 masq weight 1
service udp 192.0.2.100 53 rr
  dest 198.51.100.11 53 masq weight 1
service tcp 192.0.2.100 25 rr
  dest 198.51.100.11 25 masq weight 1
"""

CHANGES_AFTER = """
service tcp 192.0.2.100 80 wrr              # unchanged
  dest 198.51.100.11 8080 masq weight 2
  dest 198.51.100.12 8080 masq weight 1
service tcp 192.0.2.100 443 rr              # .11 removed, .12 drained
  dest 198.51.100.12 443 masq weight 0
service udp 192.0.2.100 53 wlc              # another scheduler
  dest 198.51.100.11 53 masq weight 1
service tcp 192.0.2.100 8080 lc             # new; port 25 is gone
  dest 198.51.100.13 8080 masq weight 1
"""


def case_ipvs_changes():
    routes_into_dummy()
    apply(CHANGES_BEFORE)
    knock("tcp", "192.0.2.100", 80)
    knock("tcp", "192.0.2.100", 443)
    knock("udp", "192.0.2.100", 53)
    before = settled_stats(lambda s: all(s[k][0] for k in (
        "TCP 192.0.2.100:80", "TCP 192.0.2.100:443", "UDP 192.0.2.100:53")))
    for svc in ("TCP 192.0.2.100:80", "TCP 192.0.2.100:443", "UDP 192.0.2.100:53"):
        eq(before[svc][0], 1, "connections counted on %s (the knock reached IPVS)" % svc)

    ops, _, _ = apply(CHANGES_AFTER)
    eq(ops, [
        "add-service TCP 192.0.2.100:8080 lc",
        "edit-service UDP 192.0.2.100:53 wlc",
        "del-dest TCP 192.0.2.100:443 rr -> 198.51.100.11:443",
        "edit-dest TCP 192.0.2.100:443 rr -> 198.51.100.12:443 masq weight 0",
        "add-dest TCP 192.0.2.100:8080 lc -> 198.51.100.13:8080 masq weight 1",
        "del-service TCP 192.0.2.100:25 rr",
    ], "operations for the changed description")
    eq(ipvsadm_table(), {
        "TCP 192.0.2.100:80": ("wrr", "", {"198.51.100.11:8080": ("Masq", 2),
                                           "198.51.100.12:8080": ("Masq", 1)}),
        "TCP 192.0.2.100:443": ("rr", "", {"198.51.100.12:443": ("Masq", 0)}),
        "UDP 192.0.2.100:53": ("wlc", "", {"198.51.100.11:53": ("Masq", 1)}),
        "TCP 192.0.2.100:8080": ("lc", "", {"198.51.100.13:8080": ("Masq", 1)}),
    }, "ipvsadm -Ln after the change")
    after = ipvsadm_stats()
    # A service or destination that had been deleted and added again would count from zero.
    eq(after["TCP 192.0.2.100:80"], before["TCP 192.0.2.100:80"],
       "the unchanged service's counters and its destinations' (not recreated)")
    eq(after["UDP 192.0.2.100:53"], before["UDP 192.0.2.100:53"],
       "the edited service's counters (edited in place, not recreated)")
    eq(after["TCP 192.0.2.100:443"][0], 1, "the service that lost a destination kept its count")
    eq(after["TCP 192.0.2.100:8080"][0], 0, "the new service starts from zero")

    ops, _, _ = apply("")
    eq(sorted(ops), sorted([
        "del-service TCP 192.0.2.100:80 wrr", "del-service TCP 192.0.2.100:443 rr",
        "del-service TCP 192.0.2.100:8080 lc", "del-service UDP 192.0.2.100:53 wlc"]),
       "operations for an empty description")
    eq(ipvsadm_table(), {}, "ipvsadm -Ln after the empty description")
    print("ok ipvs_changes: only what changed, counters kept, removal")


V6_FWMARK = """
service tcp 2001:db8::100 80 rr
  dest 2001:db8:1::11 80 masq weight 1
  dest 2001:db8:1::12 80 masq weight 2
service udp 2001:db8::100 53 rr persistent 120 netmask 64
  dest 2001:db8:1::11 53 route weight 1
service fwmark 7 ipv4 wlc
  dest 198.51.100.11 0 masq weight 1
service fwmark 7 ipv6 wlc
  dest 2001:db8:1::11 0 masq weight 1
service fwmark 9 ipv4 rr persistent 60
  dest 198.51.100.12 0 route weight 3
"""


def case_ipvs_ipv6_fwmark():
    routes_into_dummy()
    ops, _, _ = apply(V6_FWMARK)
    eq(len(ops), 11, "operations for 5 services and 6 destinations")
    eq(ipvsadm_table(), {
        "TCP [2001:db8::100]:80": ("rr", "", {"[2001:db8:1::11]:80": ("Masq", 1),
                                              "[2001:db8:1::12]:80": ("Masq", 2)}),
        "UDP [2001:db8::100]:53": ("rr", "persistent 120 mask 64",
                                   {"[2001:db8:1::11]:53": ("Route", 1)}),
        "FWM 7": ("wlc", "", {"198.51.100.11:0": ("Masq", 1)}),
        "FWM 7 IPv6": ("wlc", "", {"[2001:db8:1::11]:0": ("Masq", 1)}),
        "FWM 9": ("rr", "persistent 60", {"198.51.100.12:0": ("Route", 3)}),
    }, "ipvsadm -Ln with IPv6 and fwmark services")
    eq(show(), parse_desc(V6_FWMARK), "the table read back through netlink")
    knock("tcp", "2001:db8::100", 80)
    before = settled_stats(lambda s: s["TCP [2001:db8::100]:80"][0])
    eq(before["TCP [2001:db8::100]:80"][0], 1, "an IPv6 connection counted")

    changed = V6_FWMARK.replace("2001:db8:1::12 80 masq weight 2", "2001:db8:1::12 80 masq weight 5")
    changed = changed.replace("service fwmark 7 ipv6 wlc", "service fwmark 7 ipv6 rr")
    ops, _, _ = apply(changed)
    eq(ops, ["edit-service FWM 7 IPv6 rr",
             "edit-dest TCP [2001:db8::100]:80 rr -> [2001:db8:1::12]:80 masq weight 5"],
       "operations for one weight and one scheduler")
    eq(ipvsadm_table()["TCP [2001:db8::100]:80"][2]["[2001:db8:1::12]:80"], ("Masq", 5),
       "the new weight")
    eq(ipvsadm_stats()["TCP [2001:db8::100]:80"][0], 1, "the IPv6 service was edited in place")
    print("ok ipvs_ipv6_fwmark: IPv6, persistence netmask, fwmark v4/v6, in-place edits")


def case_ipvs_errors():
    bad = "service tcp 192.0.2.100 80 rr\n\n  dest 198.51.100.11 80 nat weight 1\n"
    _, err, path = apply(bad, expect_rc=2)
    eq(err.strip(), 'ipvs-apply: %s:3: unknown forwarding "nat" (masq, route or tunnel)' % path,
       "a bad description names file:line")

    desc = """
service tcp 192.0.2.100 80 nosuch
  dest 198.51.100.11 80 masq weight 1
service tcp 192.0.2.100 81 rr
  dest 198.51.100.11 81 masq weight 1
"""
    ops, err, _ = apply(desc, expect_rc=1)
    eq(len(ops), 4, "operations tried")
    want = ("ipvs-apply: 2 of 4 IPVS operations failed: add-service TCP 192.0.2.100:80 nosuch: "
            "No such file or directory (unknown scheduler: is its ip_vs_ module loaded?); "
            "add-dest TCP 192.0.2.100:80 nosuch -> 198.51.100.11:80 masq weight 1: No such "
            "process (the kernel has no such service)")
    eq(err.strip(), want, "the error names each failed operation and the kernel's reason")
    # One bad service does not keep the good one out.
    eq(ipvsadm_table(), {"TCP 192.0.2.100:81": ("rr", "", {"198.51.100.11:81": ("Masq", 1)})},
       "ipvsadm -Ln after a partly failed apply")

    # An IPv6 real server behind an IPv4 NAT service: the kernel refuses, vipd says which.
    mixed = """
service tcp 192.0.2.100 81 rr
  dest 198.51.100.11 81 masq weight 1
  dest 2001:db8:1::11 81 masq weight 1
"""
    ops, err, _ = apply(mixed, expect_rc=1)
    eq(ops, ["add-dest TCP 192.0.2.100:81 rr -> [2001:db8:1::11]:81 masq weight 1"], "ops")
    if not err.startswith("ipvs-apply: 1 of 1 IPVS operations failed: add-dest TCP "
                          "192.0.2.100:81 rr -> [2001:db8:1::11]:81 masq weight 1: "):
        raise AssertionError("unexpected error for a mixed-family NAT destination: %r" % err)
    print("ok ipvs_errors: file:line, failed ops named with the kernel's reason, others applied")
    print("   mixed family: " + err.strip())


def case_ipvs_missing():
    if os.path.exists("/proc/net/ip_vs"):
        raise AssertionError("ip_vs is loaded in a VM booted without it")
    p = run([APPLY, "--show"], check=False)
    eq(p.returncode, 1, "exit status without IPVS")
    eq(p.stderr.strip(), "ipvs-apply: IPVS is not available in this kernel (modprobe ip_vs)",
       "the error without IPVS")
    print("ok ipvs_missing: " + p.stderr.strip())


def main():
    case = sys.argv[1]
    try:
        globals()["case_" + case]()
    except AssertionError as e:
        print("FAIL %s: %s" % (case, e))
        print(run(["ipvsadm", "-Ln"], check=False).stdout)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
