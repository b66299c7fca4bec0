#!/usr/bin/python3
"""Tracking, sync groups, scripts and logging of vipd on the namespace test bed (what a reload
keeps: test_track_reload.py; notifications and mails: test_track_notify.py, both on the helpers
below).

One meson test per case (argv[1] names it). Exit 77 (skip) only when not root or `ip netns`
is unavailable. The seed's configurations are used line by line, with only the paths under
/etc/keepalived and the 192.168.x addresses rewritten (into a temp dir and the documentation
ranges). Time bounds are the protocol's formula plus slack, never exact figures.
"""

import os
import re
import sys
import textwrap
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "netns"))
import testbed  # noqa: E402

VIPD = os.environ.get("VIPD", "vipd")
SEED = os.path.join(HERE, "..", "data", "seed")
PY = "/usr/bin/python3"
VIP = "192.0.2.150"      # the seed's 192.168.184.150
DIP = "198.51.100.254"   # the seed's 192.168.10.254 (second LAN)
SLACK = 2.5              # seconds on top of every protocol bound
# Largest advert gap (0.1 s interval) allowed while something hangs for 1 s: a main loop that
# waited for it would stall the adverts for the whole second; a loaded machine (or ASan) can
# delay one advert, or the capture, by far more than a 50 ms margin.
STALL_BOUND = 0.5


def seed_conf(rel, tmp, node):
    """A seed file with its keepalived paths moved into tmp and its addresses into 192.0.2.x."""
    with open(os.path.join(SEED, rel), encoding="utf-8") as f:
        text = f.read()
    text = text.replace("/etc/keepalived/", tmp + "/")
    text = text.replace("192.168.184.", "192.0.2.").replace("192.168.10.", "198.51.100.")
    # The seed's smtp_server 127.0.0.1 would get a mail per transition; nothing listens there,
    # and no instance sets smtp_alert, so it is left as it is.
    path = os.path.join(tmp, node + ".conf")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def write(path, text, mode=None):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    if mode is not None:
        os.chmod(path, mode)


def node_dir(bed, node):
    d = os.path.join(bed.tmpdir, node)
    os.makedirs(d, exist_ok=True)
    return d


def sleeps(marker):
    """PIDs of live (not zombie) `sleep marker` processes."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read()
            with open("/proc/%s/stat" % pid) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if cmd == b"sleep\0" + marker.encode() + b"\0" and state != "Z":
            found.append(int(pid))
    return found


class TrackTest(unittest.TestCase):
    def setUp(self):
        self.bed = None
        self.t0 = time.monotonic()

    def tearDown(self):
        if self.bed is not None:
            failed = any(e for _, e in (self._outcome.result.errors + self._outcome.result.failures)
                         if _ is self) if hasattr(self._outcome, "result") else False
            if failed:
                self.bed.dump_logs(sys.stdout)
            # vipd first, and gently: it kills the scripts it runs (process groups) on its way
            # out; the bed's SIGKILL would leave them behind. It must exit 0 (under ASan that
            # also means no memory error and no leak).
            unclean = []
            for proc in self.bed.procs:
                if proc.argv[0] in (VIPD, "unshare"):
                    was_running = proc.running()
                    rc = self.bed.stop(proc, timeout=10)
                    if rc != 0 and (was_running or rc is not None):
                        unclean.append((proc, rc))
            for proc, rc in unclean:
                print("---- %s exited %s:\n%s" % (proc.node, rc, proc.output()[-6000:]))
            self.bed.teardown()
            self.assertEqual([rc for _, rc in unclean], [], "vipd did not stop cleanly")
        print("duration %.1f s" % (time.monotonic() - self.t0))

    # --- helpers --------------------------------------------------------------------------------

    def make_bed(self, **kw):
        self.bed = testbed.Bed(**kw)
        return self.bed

    def vipd(self, node, conf, *extra):
        return self.bed.start(node, [VIPD, "-l", "-D", "-f", conf] + list(extra),
                              self.bed.log("vipd-" + node))

    def owners(self, addr, ifname="eth0"):
        return [n for n in self.bed.nodes if n != "client" and self.bed.has_addr(n, addr, ifname)]

    def wait_owner(self, addr, node, timeout, ifname="eth0"):
        """Waits until node, and only node, holds addr; returns the seconds it took."""
        start = time.monotonic()
        self.bed.wait_for(lambda: self.owners(addr, ifname) == [node], timeout,
                          "%s on %s only (now on %s)" % (addr, node, self.owners(addr, ifname)))
        return time.monotonic() - start

    def seed_pair(self, folder, script_body=None):
        """Starts the seed's node1/node2 of folder, each with its own down-file directory."""
        bed = self.make_bed(nodes=2)
        procs = {}
        for node in ("node1", "node2"):
            d = node_dir(bed, node)
            if script_body is not None:
                write(os.path.join(d, "down.sh"), script_body.replace("@DIR@", d), 0o755)
            procs[node] = self.vipd(node, seed_conf(os.path.join(folder, node + ".conf"), d, node))
        took = self.wait_owner(VIP, "node1", 1 + 3 * 1 + 4 * SLACK)
        print("initial election: %.2f s" % took)
        return procs

    def check_down_file(self, weight, advert=1.0, interval=1.0):
        bound = interval + 3 * advert + SLACK
        down = os.path.join(self.bed.tmpdir, "node1", "down")
        procs = self.procs
        write(down, "")
        took = self.wait_owner(VIP, "node2", bound)
        print("down file on node1 -> VIP on node2 in %.2f s (bound %.1f s)" % (took, bound))
        line = self.bed.wait_log(procs["node1"], "priority 100 -> %d" % (100 + weight), 5)
        self.assertIn("chk_", line)
        self.assertIn("weight %d" % weight, line)
        self.bed.wait_log(procs["node1"], "master -> backup", 5)
        os.unlink(down)
        took = self.wait_owner(VIP, "node1", bound)
        print("down file removed -> VIP back on node1 in %.2f s (bound %.1f s)" % (took, bound))
        self.bed.wait_log(procs["node1"], "backup -> master: preempt", 5)

    # --- the seed's chk_down ------------------------------------------------------------------

    def test_chk_down_inline(self):
        """track-inline: the inline [[ ]] check (bash), weight -2: 100 -> 98 < 99."""
        self.procs = self.seed_pair("track-inline")
        self.check_down_file(-2)
        self.assertTrue(all(p.running() for p in self.procs.values()))

    def test_chk_down_script(self):
        """track-down: the same check as down.sh, weight -10: 100 -> 90 < 99."""
        self.procs = self.seed_pair(
            "track-down", "#!/bin/bash\n[[ -f @DIR@/down ]] && exit 1 || exit 0\n")
        self.check_down_file(-10)

    # --- other trackers -----------------------------------------------------------------------

    def pair_conf(self, node, prio, extra_top="", extra_inst="", advert="0.1", version=3):
        d = node_dir(self.bed, node)
        text = textwrap.dedent("""\
            global_defs {{
               router_id {node}
               vrrp_version {version}
            }}
            {extra_top}
            vrrp_instance VI_1 {{
                state BACKUP
                interface eth0
                virtual_router_id 51
                priority {prio}
                advert_int {advert}
                virtual_ipaddress {{
                    {vip}/24
                }}
                {extra_inst}
            }}
            """).format(node=node, prio=prio, extra_top=extra_top, extra_inst=extra_inst,
                        vip=VIP, advert=advert, version=version)
        path = os.path.join(d, "vipd.conf")
        write(path, text.replace("@DIR@", d))
        return path

    def test_track_file(self):
        """value x weight: 3 x -10 takes node1 from 100 to 70; a missing file counts as 0."""
        bed = self.make_bed(nodes=2)
        tf = textwrap.dedent("""\
            vrrp_track_file tf {
                file @DIR@/weight
                weight -10
            }""")
        p1 = self.vipd("node1", self.pair_conf("node1", 100, tf, "track_file {\n tf\n }"))
        self.vipd("node2", self.pair_conf("node2", 90, tf, "track_file {\n tf\n }"))
        self.wait_owner(VIP, "node1", 6)
        f = os.path.join(bed.tmpdir, "node1", "weight")
        write(f, "3\n")
        took = self.wait_owner(VIP, "node2", 3 * 0.1 + SLACK)
        print("track file 3 -> VIP on node2 in %.2f s" % took)
        bed.wait_log(p1, "track file tf value 3 (weight -10): priority 100 -> 70", 3)
        write(f, "0\n")
        took = self.wait_owner(VIP, "node1", 3 * 0.1 + SLACK)
        print("track file 0 -> VIP back on node1 in %.2f s" % took)
        write(f, "2\n")  # 100 - 20 = 80 < 90
        self.wait_owner(VIP, "node2", 3 * 0.1 + SLACK)
        os.unlink(f)     # missing = 0
        self.wait_owner(VIP, "node1", 3 * 0.1 + SLACK)

    def test_track_interface(self):
        """track_interface eth1 without weight: carrier lost on eth1 puts node1 in fault."""
        bed = self.make_bed(nodes=2, lans=2)
        p1 = self.vipd("node1", self.pair_conf("node1", 100, "", "track_interface {\n eth1\n }"))
        self.vipd("node2", self.pair_conf("node2", 90, "", "track_interface {\n eth1\n }"))
        self.wait_owner(VIP, "node1", 6)
        bed.set_port("node1", False, lan=1)
        took = self.wait_owner(VIP, "node2", 3 * 0.1 + SLACK)
        print("eth1 carrier lost on node1 -> VIP on node2 in %.2f s" % took)
        bed.wait_log(p1, "master -> fault: fault: track interface eth1 down (weight 0)", 3)
        bed.set_port("node1", True, lan=1)
        took = self.wait_owner(VIP, "node1", 3 * 0.1 + SLACK)
        print("eth1 back -> VIP on node1 in %.2f s" % took)

    def test_track_interface_weight(self):
        """track_interface eth1 weight -20: node1 drops to 80 and node2 (90) takes over."""
        bed = self.make_bed(nodes=2, lans=2)
        p1 = self.vipd("node1", self.pair_conf("node1", 100, "",
                                               "track_interface {\n eth1 weight -20\n }"))
        self.vipd("node2", self.pair_conf("node2", 90))
        self.wait_owner(VIP, "node1", 6)
        bed.set_port("node1", False, lan=1)
        self.wait_owner(VIP, "node2", 3 * 0.1 + SLACK)
        bed.wait_log(p1, "track interface eth1 down (weight -20): priority 100 -> 80", 3)
        self.assertNotIn("-> fault", p1.output())
        bed.set_port("node1", True, lan=1)
        self.wait_owner(VIP, "node1", 3 * 0.1 + SLACK)

    # --- sync group ---------------------------------------------------------------------------

    def test_sync_group(self):
        """The seed's VG_1: VI_1 (VIP, eth0) and VI_2 (DIP, eth1) are always on one node."""
        bed = self.make_bed(nodes=2, lans=2)
        procs = {}
        for node in ("node1", "node2"):
            procs[node] = self.vipd(node, seed_conf("sync-group/%s.conf" % node,
                                                    node_dir(bed, node), node))
        self.wait_owner(VIP, "node1", 1 + 3 + 4 * SLACK)
        self.wait_owner(DIP, "node1", 5, "eth1")
        bad = []
        stop = threading.Event()

        def watch():
            # Sampled apart from the checks: a split (VIP on one node, DIP on the other) that
            # lasts more than a moment would show up here.
            split_since = None
            while not stop.is_set():
                a, b = self.owners(VIP), self.owners(DIP, "eth1")
                if a and b and a != b:
                    split_since = split_since or time.monotonic()
                    if time.monotonic() - split_since > 1.5:
                        bad.append((a, b))
                else:
                    split_since = None
                time.sleep(0.05)

        t = threading.Thread(target=watch)
        t.start()
        try:
            bed.set_port("node1", False, lan=1)  # node1 loses the DIP's LAN
            took = self.wait_owner(VIP, "node2", 1 + 3 + SLACK)
            self.wait_owner(DIP, "node2", 1 + 3 + SLACK, "eth1")
            print("eth1 failed on node1 -> VIP and DIP on node2 in %.2f s" % took)
            line = bed.wait_log(procs["node1"], "(VI_1) master -> fault", 3)
            self.assertIn("sync group VG_1: VI_2 is in fault", line)
            bed.set_port("node1", True, lan=1)
            took = self.wait_owner(VIP, "node1", 2 * (1 + 3) + SLACK)
            self.wait_owner(DIP, "node1", 2 * (1 + 3) + SLACK, "eth1")
            print("eth1 back -> both on node1 in %.2f s" % took)
            bed.set_port("node1", False, lan=0)  # now the VIP's LAN
            self.wait_owner(VIP, "node2", 1 + 3 + SLACK)
            self.wait_owner(DIP, "node2", 1 + 3 + SLACK, "eth1")
        finally:
            stop.set()
            t.join()
        self.assertEqual(bad, [], "VIP and DIP on different nodes")

    def group_confs(self, group_extra="", top_extra=""):
        """VG_1 = VI_1 (VIP on eth0) + VI_2 (DIP on eth1), VRRPv3 at 0.1 s; node1 100, node2 90."""
        confs = {}
        for node, prio in (("node1", 100), ("node2", 90)):
            d = node_dir(self.bed, node)
            text = textwrap.dedent("""\
                global_defs {{
                   vrrp_version 3
                }}
                {top}
                vrrp_sync_group VG_1 {{
                   group {{
                      VI_1
                      VI_2
                   }}
                   notify {d}/notify.sh
                   {extra}
                }}
                vrrp_instance VI_1 {{
                    interface eth0
                    virtual_router_id 51
                    priority {prio}
                    advert_int 0.1
                    virtual_ipaddress {{
                        {vip}/24
                    }}
                }}
                vrrp_instance VI_2 {{
                    interface eth1
                    virtual_router_id 52
                    priority {prio}
                    advert_int 0.1
                    virtual_ipaddress {{
                        {dip}/24
                    }}
                }}
                """).format(d=d, prio=prio, vip=VIP, dip=DIP, extra=group_extra,
                            top=top_extra.replace("@DIR@", d))
            write(os.path.join(d, "notify.sh"),
                  '#!/bin/sh\necho "$1 $2 $3 $4" >> %s/notify.out\n' % d, 0o755)
            confs[node] = os.path.join(d, "vipd.conf")
            write(confs[node], text)
        return confs

    def test_sync_group_tracking(self):
        """A tracker of the group (weight ignored: a failure is a fault) moves both members."""
        bed = self.make_bed(nodes=2, lans=2)
        confs = self.group_confs("track_file {\n tf\n }",
                                 "vrrp_track_file tf {\n file @DIR@/w\n weight -10\n}")
        p1 = self.vipd("node1", confs["node1"])
        self.vipd("node2", confs["node2"])
        self.wait_owner(VIP, "node1", 6)
        self.wait_owner(DIP, "node1", 3, "eth1")
        bed.wait_log(p1, "in sync group VG_1: the weight of file tf is ignored", 1)
        write(os.path.join(bed.tmpdir, "node1", "w"), "1\n")
        took = self.wait_owner(VIP, "node2", 3 * 0.1 + SLACK)
        self.wait_owner(DIP, "node2", 3 * 0.1 + SLACK, "eth1")
        print("group tracker failed on node1 -> both on node2 in %.2f s" % took)
        bed.wait_log(p1, "(VI_1) master -> fault: fault: track file tf value 1 (weight -10)", 2)
        self.assertIn("track file tf value 1", bed.wait_log(p1, "(VI_2) master -> fault", 2))
        bed.wait_log(p1, "(VG_1) sync group master -> fault", 2)
        write(os.path.join(bed.tmpdir, "node1", "w"), "0\n")
        self.wait_owner(VIP, "node1", 3 * 0.1 + SLACK)
        self.wait_owner(DIP, "node1", 3 * 0.1 + SLACK, "eth1")

    def test_sync_group_backup_pulls(self):
        """A member that hears a higher priority takes the other member along to backup.

        A third router (the client, sending adverts by hand) claims VI_1 with priority 200:
        node1's VI_1 goes back to backup, and VI_2, which hears nothing new on its LAN, must
        follow. When the third router stops, node1's group becomes master again, together."""
        bed = self.make_bed(nodes=2, lans=2)
        confs = self.group_confs()
        p1 = self.vipd("node1", confs["node1"])
        self.vipd("node2", confs["node2"])
        self.wait_owner(VIP, "node1", 6)
        self.wait_owner(DIP, "node1", 3, "eth1")
        fake = bed.start("client", [PY, "-c", SEND_ADVERTS, "192.0.2.100", VIP, "51", "200", "3"],
                         bed.log("fake-router"))
        bed.wait_for(lambda: self.owners(VIP) == [], 3, "node1 to release the VIP")
        bed.wait_for(lambda: self.owners(DIP, "eth1") == [], 1.0, "node1 to release the DIP too")
        line = bed.wait_log(p1, "(VI_2) master -> backup: sync group: VG_1: VI_1 went back to backup", 3)
        self.assertIn("priority 100", line)
        # While the third router speaks for VI_1, neither node may take VI_2 alone.
        time.sleep(1.0)
        self.assertEqual(self.owners(DIP, "eth1"), [])
        fake.wait(10)
        self.wait_owner(VIP, "node1", 3 * 0.1 + SLACK)
        self.wait_owner(DIP, "node1", 1, "eth1")
        out = os.path.join(bed.tmpdir, "node1", "notify.out")
        bed.wait_for(lambda: open(out).read().count("GROUP VG_1 MASTER 0") >= 2, 3,
                     "group notify MASTER twice")
        lines = [l.strip() for l in open(out)]
        self.assertEqual(lines, ["GROUP VG_1 BACKUP 0", "GROUP VG_1 MASTER 0",
                                 "GROUP VG_1 BACKUP 0", "GROUP VG_1 MASTER 0"])

    # --- scripts ------------------------------------------------------------------------------

    def test_hung_script(self):
        """A script that hangs is killed at its timeout, runs never overlap, adverts never stop."""
        bed = self.make_bed(nodes=2)
        d = node_dir(bed, "node1")
        marker = "4%d" % (os.getpid() % 100000)
        write(os.path.join(d, "hang.sh"),
              "#!/bin/bash\necho start >> %s/runs\nsleep %s\n" % (d, marker), 0o755)
        top = ("vrrp_script hang {\n script %s/hang.sh\n interval 0.2\n timeout 1\n weight 10\n"
               " fall 1\n}" % d)
        p1 = self.vipd("node1", self.pair_conf("node1", 100, top, "track_script {\n hang\n}"))
        cap = bed.start("node2", [PY, "-c", CAPTURE_ADVERTS, "6"], bed.log("capture"))
        bed.wait_log(cap, "ready", 5)
        cap.wait(20)
        times = [float(l.split()[1]) for l in cap.lines() if l.startswith("advert")]
        self.assertGreater(len(times), 20, cap.output())
        gaps = [b - a for a, b in zip(times, times[1:])]
        print("adverts captured: %d, largest gap %.1f ms (interval 100 ms)"
              % (len(times), 1000 * max(gaps)))
        self.assertLess(max(gaps), STALL_BOUND)
        line = bed.wait_log(p1, "vrrp_script hang timed out after 1000 ms, killed", 3)
        self.assertTrue(line)
        starts = open(os.path.join(d, "runs")).read().split()
        # 6 s at one run per timeout (1 s) at most, not one per interval (0.2 s).
        print("runs started in ~6 s: %d" % len(starts))
        self.assertLessEqual(len(starts), 8)
        self.assertGreaterEqual(len(starts), 3)
        # Killed with its process group: at most the current run's sleep is alive, and none
        # once vipd has stopped.
        self.assertLessEqual(len(sleeps(marker)), 1)
        bed.stop(p1)
        bed.wait_for(lambda: not sleeps(marker), 3, "the script's sleep to be killed")

    def test_script_missing_then_created(self):
        """A script file that does not exist fails (weight 0: fault) until it is created."""
        bed = self.make_bed(nodes=1, client=False)
        path = os.path.join(node_dir(bed, "node1"), "later.sh")
        top = "vrrp_script later {\n script %s\n interval 0.2\n weight 0\n}" % path
        p1 = self.vipd("node1", self.pair_conf("node1", 100, top, "track_script {\n later\n}"))
        line = bed.wait_log(p1, "-> fault", 5)
        self.assertIn("track script later failed (cannot run %s" % path, line)
        self.assertEqual(self.owners(VIP), [])
        write(path, "#!/bin/sh\nexit 0\n", 0o755)
        took = self.wait_owner(VIP, "node1", 0.2 + 3 * 0.1 + SLACK)
        print("script created -> VIP in %.2f s" % took)
        bed.wait_log(p1, "fault -> backup: fault cleared: track script later succeeded", 1)

    def test_script_security(self):
        """enable_script_security refuses a script in a directory anyone may write, by name."""
        bed = self.make_bed(nodes=1, client=False)
        d = node_dir(bed, "node1")
        bad = os.path.join(d, "open")
        os.mkdir(bad)
        os.chmod(bad, 0o777)
        write(os.path.join(bad, "chk.sh"), "#!/bin/sh\nexit 1\n", 0o755)
        top = ("global_defs {\n enable_script_security\n}\nvrrp_script chk {\n script %s/chk.sh\n"
               " interval 0.2\n weight 0\n}" % bad)
        p1 = self.vipd("node1", self.pair_conf("node1", 100, top, "track_script {\n chk\n}"))
        line = bed.wait_log(p1, "vrrp_script chk disabled", 5)
        self.assertIn(bad, line)
        self.assertIn("writable by everyone", line)
        # Disabled: it never runs, so its exit 1 (weight 0 = fault) never applies.
        self.wait_owner(VIP, "node1", 6)
        self.assertNotIn("-> fault", p1.output())

    def test_script_user(self):
        """A script runs as script_user; the check fails (fault) unless it really is nobody."""
        bed = self.make_bed(nodes=1, client=False)
        top = ('global_defs {\n script_user nobody\n}\nvrrp_script me {\n'
               ' script "[[ $(id -u) == 65534 && $(id -g) == 65534 ]]"\n interval 0.2\n'
               ' weight 0\n init_fail\n}')
        p1 = self.vipd("node1", self.pair_conf("node1", 100, top, "track_script {\n me\n}"))
        bed.wait_log(p1, "vrrp_script me succeeded", 5)
        self.wait_owner(VIP, "node1", 6)
        # And the reverse: the same check for root fails, so the instance goes to fault.
        bed.stop(p1)
        top = top.replace("script_user nobody", "script_user root")
        p2 = self.vipd("node1", self.pair_conf("node1", 100, top, "track_script {\n me\n}"))
        bed.wait_log(p2, "starts in fault", 5)
        self.assertEqual(self.owners(VIP), [])

    # --- HA nginx -----------------------------------------------------------------------------

    def test_ha_nginx(self):
        """Real nginx on both nodes behind the VIP; stopping it on the master moves the VIP."""
        bed = self.make_bed(nodes=2)
        nginx = {}
        for node, prio in (("node1", 100), ("node2", 90)):
            d = node_dir(bed, node)
            write(os.path.join(d, "nginx.conf"), textwrap.dedent("""\
                daemon off;
                master_process off;
                pid {d}/nginx.pid;
                error_log {d}/nginx-error.log;
                events {{ worker_connections 64; }}
                http {{
                    access_log off;
                    server {{
                        listen 80;
                        location / {{ return 200 "{node} $server_addr\\n"; }}
                    }}
                }}
                """).format(d=d, node=node))
            nginx[node] = bed.start(node, ["nginx", "-p", d, "-c", os.path.join(d, "nginx.conf")],
                                    bed.log("nginx-" + node))
            top = ('vrrp_script chk_nginx {\n script "curl -sf -o /dev/null --max-time 0.5 '
                   'http://127.0.0.1/"\n interval 0.3\n timeout 1\n weight -20\n}')
            self.vipd(node, self.pair_conf(node, prio, top, "track_script {\n chk_nginx\n}"))
        self.wait_owner(VIP, "node1", 6)
        client = bed.start("client", [PY, "-c", CURL_LOOP, VIP, "12"], bed.log("curl-loop"))
        timeline = []
        end = time.monotonic() + 12.5
        stopped_at = None
        while time.monotonic() < end:
            timeline.append((time.monotonic(), self.owners(VIP)))
            if stopped_at is None and time.monotonic() > end - 10:
                bed.stop(nginx["node1"])
                stopped_at = time.monotonic()
            time.sleep(0.03)
        client.wait(10)
        answers = []
        for l in client.lines():
            w = l.split()
            if len(w) == 4 and w[0] == "ok":
                answers.append((float(w[1]), w[2], w[3]))
        self.assertTrue(answers, client.output())
        self.assertEqual({a[2] for a in answers}, {VIP})
        first_node2 = min((t for t, n, _ in answers if n == "node2"), default=None)
        self.assertIsNotNone(first_node2, "node2 never answered")
        bound = 0.3 + 1 + 3 * 0.1 + SLACK
        print("nginx stopped on node1 -> node2's page after %.2f s (bound %.1f s); %d answers"
              % (first_node2 - stopped_at, bound, len(answers)))
        self.assertLess(first_node2 - stopped_at, bound)
        self.assertFalse([a for a in answers if a[1] == "node1" and a[0] > first_node2],
                         "node1 answered after node2 took over")
        # Every answer came from a node that held the VIP at that moment (within one sample).
        times = [t for t, _ in timeline]
        for t, node, _ in answers:
            i = max(0, min(len(times) - 1, next((k for k, x in enumerate(times) if x > t), len(times)) - 1))
            near = set(timeline[i][1]) | set(timeline[min(i + 1, len(timeline) - 1)][1])
            self.assertIn(node, near, "%s answered at %.3f without the VIP (owners %s)"
                          % (node, t, timeline[i][1]))

    # --- logging ------------------------------------------------------------------------------

    def test_syslog_local3(self):
        """-S 3: lines reach syslog as facility local3 (a private /dev/log in a mount namespace)."""
        bed = self.make_bed(nodes=1, client=False)
        d = node_dir(bed, "node1")
        conf = self.pair_conf("node1", 100, "vrrp_script chk {\n script /bin/false\n"
                              " interval 0.3\n weight -10\n}", "track_script {\n chk\n}")
        out = os.path.join(d, "syslog.out")
        recv = os.path.join(d, "recv.py")
        write(recv, RECV_SYSLOG)
        # /dev is replaced by a tmpfs in a private mount namespace (the host's /dev is untouched)
        # holding the few nodes vipd and bash need and the receiver's socket as /dev/log.
        olddev = os.path.join(d, "olddev")
        os.mkdir(olddev)
        script = textwrap.dedent("""\
            set -e
            mount --make-rprivate /
            mount --rbind /dev {old}
            mount -t tmpfs tmpfs /dev
            for n in null zero urandom random; do touch /dev/$n; mount --bind {old}/$n /dev/$n; done
            {py} {recv} /dev/log {out} &
            while [ ! -S /dev/log ]; do sleep 0.05; done
            exec {vipd} -S 3 -D -f {conf}
            """).format(old=olddev, py=PY, recv=recv, out=out, vipd=VIPD, conf=conf)
        p = bed.start("node1", ["unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                                script], bed.log("vipd-syslog"))
        bed.wait_for(lambda: os.path.exists(out) and "master" in open(out).read(), 10,
                     "a transition in syslog")
        bed.wait_for(lambda: "priority 100 -> 90" in open(out).read(), 5, "the tracker line")
        bed.stop(p)
        lines = open(out).read().splitlines()
        self.assertTrue(lines)
        for l in lines:
            m = re.match(r"<(\d+)>", l)
            self.assertIsNotNone(m, l)
            self.assertEqual(int(m.group(1)) >> 3, 19, "not local3: " + l)  # LOG_LOCAL3 = 19
        self.assertTrue(any("vipd[" in l and "(VI_1) backup -> master" in l for l in lines), lines)
        self.assertEqual(p.output().strip(), "", "nothing should go to stderr with -S")


# Prints "advert <monotonic time>" for every VRRP packet seen on eth0 for argv[1] seconds.
CAPTURE_ADVERTS = textwrap.dedent("""
    import socket, struct, sys, time
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
    mreqn = (socket.inet_aton("224.0.0.18") + socket.inet_aton("0.0.0.0")
             + struct.pack("i", socket.if_nametoindex("eth0")))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreqn)
    s.settimeout(0.5)
    print("ready", flush=True)
    end = time.monotonic() + float(sys.argv[1])
    while time.monotonic() < end:
        try:
            data = s.recv(2048)
        except socket.timeout:
            continue
        print("advert %.6f prio %d" % (time.monotonic(), data[(data[0] & 15) * 4 + 2]), flush=True)
""")

# A third router: VRRPv3 adverts for one VIP at 10 per second (src vip vrid priority seconds).
SEND_ADVERTS = textwrap.dedent("""
    import socket, struct, sys, time
    src, vip, vrid, prio, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    dst = "224.0.0.18"
    def csum(b):
        if len(b) % 2: b += b"\\0"
        s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
        while s >> 16: s = (s & 0xffff) + (s >> 16)
        return ~s & 0xffff
    msg = struct.pack("!BBBBHH", 0x31, vrid, prio, 1, 10, 0) + socket.inet_aton(vip)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 112, len(msg))
    msg = msg[:6] + struct.pack("!H", csum(pseudo + msg)) + msg[8:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    end = time.monotonic() + secs
    while time.monotonic() < end:
        s.sendto(msg, (dst, 0))
        time.sleep(0.1)
""")

# Requests the VIP every 50 ms for argv[2] s: "ok <monotonic> <node> <server_addr>" or "err".
CURL_LOOP = textwrap.dedent("""
    import subprocess, sys, time
    end = time.monotonic() + float(sys.argv[2])
    while time.monotonic() < end:
        r = subprocess.run(["curl", "-s", "--max-time", "0.3", "http://%s/" % sys.argv[1]],
                           stdout=subprocess.PIPE, text=True)
        t = time.monotonic()
        print(("ok %.6f %s" % (t, r.stdout.strip())) if r.returncode == 0 else "err %.6f" % t,
              flush=True)
        time.sleep(0.05)
""")

RECV_SYSLOG = textwrap.dedent("""
    import os, socket, sys
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(sys.argv[1])
    with open(sys.argv[2], "a") as out:
        while True:
            out.write(s.recv(8192).decode(errors="replace").rstrip("\\n") + "\\n")
            out.flush()
""")


def main():
    return testbed.run_case(TrackTest)


if __name__ == "__main__":
    sys.exit(main())
