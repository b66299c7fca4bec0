#!/usr/bin/python3
"""A three-router vipd cluster in network namespaces, running the tutorial's crossed-priority
configuration (tests/data/seed/three-routers): shows who owns each VIP, crashes a master,
shows the failover and the return, stops another one gracefully, then cleans everything up.

Nothing touches the host's own network: the routers, a client and the bridge between them live
in namespaces made for this run, with documentation addresses (192.0.2.0/24)."""
import os
import re
import signal
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "netns"))
from testbed import Bed, skip_reason  # noqa: E402

VIPD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "_build", "service", "vipd")
SEED = os.path.join(TOP, "tests", "data", "seed", "three-routers")
ROUTERS = {"node1": "router-a", "node2": "router-b", "node3": "router-c"}
VIPS = {"192.0.2.150": "VI_1 (VRID 50)", "192.0.2.151": "VI_2 (VRID 51)",
        "192.0.2.152": "VI_3 (VRID 52)"}


def seed_config(router):
    """The tutorial's file with its addresses moved into the documentation range."""
    with open(os.path.join(SEED, router + ".conf"), encoding="utf-8") as f:
        text = f.read()
    return re.sub(r"192\.168\.184\.(\d+)", r"192.0.2.\1", text)


def owners(bed):
    table = {}
    for vip in VIPS:
        table[vip] = [ROUTERS[n] for n in ROUTERS if bed.has_addr(n, vip)]
    return table


def show(bed, title):
    print(f"\n--- {title}")
    for vip, holders in owners(bed).items():
        who = ", ".join(holders) if holders else "nobody"
        flag = "  <-- two owners!" if len(holders) > 1 else ""
        print(f"    {vip:<13} {VIPS[vip]:<15} owned by {who}{flag}")


def wait_owner(bed, vip, router, timeout, alone=True):
    """Seconds until router holds vip (and, with alone, nobody else does)."""
    start = time.monotonic()
    if alone:
        bed.wait_for(lambda: owners(bed)[vip] == [router], timeout, f"{vip} on {router}")
    else:
        bed.wait_for(lambda: router in owners(bed)[vip], timeout, f"{vip} on {router}")
    return time.monotonic() - start


def transitions(proc, since):
    lines = [l for l in proc.lines()[since:] if "->" in l]
    return lines


def main():
    reason = skip_reason()
    if reason:
        print(f"The demo cluster needs network namespaces: {reason}. Run it as root "
              "(sudo tools/demo.sh).", file=sys.stderr)
        return 1
    with Bed(nodes=3) as bed:
        procs = {}
        confs = {}
        for node, router in ROUTERS.items():
            confs[node] = os.path.join(bed.tmpdir, router + ".conf")
            with open(confs[node], "w", encoding="utf-8") as f:
                f.write(seed_config(router))

        def start(node):
            procs[node] = bed.start(node, [VIPD, "-l", "-f", confs[node]],
                                    bed.log(ROUTERS[node] + "-" + str(time.monotonic_ns())))

        print("Three routers (router-a, router-b, router-c) on one LAN, each running vipd with the")
        print("tutorial's configuration: three VRRP instances, priorities crossed so that every")
        print("router is master of one VIP. VRRPv2, advert_int 1 s, as in the tutorial.")
        for node in ROUTERS:
            start(node)
        for vip, router in zip(VIPS, ROUTERS.values()):
            wait_owner(bed, vip, router, 10)
        show(bed, "after start: one VIP per router")

        print("\n>>> kill -9 router-a (a crash: no goodbye advert)")
        killed_at = time.monotonic()
        procs["node1"].popen.send_signal(signal.SIGKILL)
        procs["node1"].popen.wait()
        took = wait_owner(bed, "192.0.2.150", "router-b", 10, alone=False)
        show(bed, f"{took * 1000:.0f} ms later: router-b (priority 99) took VI_1 over")
        print("    (RFC 3768: the backup waits Master_Down_Interval = 3 x 1 s + skew 0.61 s "
              "after the last advert it heard)")
        for line in transitions(procs["node2"], 0)[-1:]:
            print("    router-b log:", line)
        print("    the dead router-a still has the address configured, but router-b's gratuitous")
        print("    ARP has already moved the LAN's traffic; vipd gave the address a lifetime:")
        bed.wait_for(lambda: not bed.has_addr("node1", "192.0.2.150"), 15, "stale VIP expiry")
        print(f"    router-a's orphaned VIP expired on its own "
              f"{time.monotonic() - killed_at:.1f} s after the crash (keepalived's would stay)")

        print("\n>>> restart router-a")
        start("node1")
        took = wait_owner(bed, "192.0.2.150", "router-a", 10)
        show(bed, f"{took * 1000:.0f} ms later: router-a preempted VI_1 back (priority 100 > 99)")

        print("\n>>> stop router-b gracefully (SIGTERM)")
        before = len(procs["node3"].lines())
        stopped_at = time.monotonic()
        procs["node2"].popen.send_signal(signal.SIGTERM)
        took = wait_owner(bed, "192.0.2.151", "router-c", 10)
        rc = procs["node2"].popen.wait(timeout=10)
        show(bed, f"{(time.monotonic() - stopped_at) * 1000:.0f} ms later: router-c took VI_2 "
                  f"(router-b sent priority 0 and exited with status {rc})")
        for line in transitions(procs["node3"], before)[-1:]:
            print("    router-c log:", line)

        for node in ("node1", "node3"):
            bed.stop(procs[node])
        show(bed, "all routers stopped: no VIP left behind")
    print("\nThe namespaces, links and processes of the demo are gone.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
