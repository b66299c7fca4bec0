#!/usr/bin/python3
"""Notifications of vipd on the namespace test bed: notify scripts (order, timeout, the script
rules) and alert mails. Same bed and helpers as test_track.py.

One meson test per case (argv[1] names it). Exit 77 (skip) only when not root or `ip netns`
is unavailable.
"""

import os
import re
import signal
import subprocess
import sys
import textwrap
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_track import (CAPTURE_ADVERTS, PY, STALL_BOUND, VIP, TrackTest,  # noqa: E402
                        node_dir, sleeps, testbed, write)

# An SMTP sink (Debian's python3-aiosmtpd): one line per mail, "<rcpts>\t<subject>".
SMTP_SINK = textwrap.dedent("""
    import email, sys, time
    from aiosmtpd.controller import Controller
    class Sink:
        async def handle_DATA(self, server, session, envelope):
            msg = email.message_from_bytes(envelope.content)
            with open(sys.argv[3], "a") as f:
                f.write("%s\\t%s\\n" % (",".join(envelope.rcpt_tos), msg["Subject"]))
            return "250 OK"
    c = Controller(Sink(), hostname=sys.argv[1], port=int(sys.argv[2]))
    c.start()
    print("ready", flush=True)
    while True:
        time.sleep(60)
""")


class NotifyTest(TrackTest):
    # --- notify scripts ------------------------------------------------------------------------

    def test_notify_order(self):
        """Fast flaps: notify scripts and FIFO lines come in the order of the transitions."""
        bed = self.make_bed(nodes=2)
        d = node_dir(bed, "node1")
        fifo = os.path.join(d, "fifo")
        # Each notify run sleeps a random while: only a queue keeps them in order.
        write(os.path.join(d, "notify.sh"), textwrap.dedent("""\
            #!/bin/bash
            sleep 0.0$((RANDOM % 5))
            echo "$1 $2 $3 $4" >> @DIR@/notify.out
            """).replace("@DIR@", d), 0o755)
        write(os.path.join(d, "master.sh"), "#!/bin/sh\necho specific-master >> %s/notify.out\n" % d,
              0o755)
        top = 'global_defs {\n notify_fifo %s\n}\nvrrp_track_file tf {\n file @DIR@/w\n weight -20\n}' % fifo
        inst = ("track_file {\n tf\n}\nnotify %s/notify.sh\nnotify_master %s/master.sh\n" % (d, d))
        conf1 = self.pair_conf("node1", 100, top, inst)
        # global_defs twice is fine for the parser; keep the test's own block last.
        p1 = self.vipd("node1", conf1)
        self.vipd("node2", self.pair_conf("node2", 90))
        reader = subprocess.Popen(["cat", fifo], stdout=subprocess.PIPE, text=True) \
            if bed.wait_for(lambda: os.path.exists(fifo), 5, "the FIFO") else None
        try:
            self.wait_owner(VIP, "node1", 6)
            for i in range(8):
                write(os.path.join(d, "w"), "1\n" if i % 2 == 0 else "0\n")
                time.sleep(0.6)
            os.unlink(os.path.join(d, "w"))
            self.wait_owner(VIP, "node1", 3)
            time.sleep(1.0)
            trans = [m.group(1).upper() for m in
                     re.finditer(r"\(VI_1\) \w+ -> (\w+):", p1.output())]
            want = ["INSTANCE VI_1 %s" % s for s in trans]
            out = os.path.join(d, "notify.out")
            bed.wait_for(lambda: len([l for l in open(out) if l.startswith("INSTANCE")]) >= len(want),
                         10, "every notify run")
            lines = [l.strip() for l in open(out)]
            got = [l.rsplit(" ", 1)[0] for l in lines if l.startswith("INSTANCE")]
            print("transitions: %s" % trans)
            self.assertGreaterEqual(trans.count("MASTER"), 5)
            self.assertEqual(got, want)
            # notify_master runs before the generic notify of the same transition.
            for i, l in enumerate(lines):
                if l == "specific-master":
                    self.assertEqual(lines[i + 1].split()[:3], ["INSTANCE", "VI_1", "MASTER"])
        finally:
            os.kill(reader.pid, signal.SIGTERM)
            fifo_out = reader.communicate(timeout=5)[0]
        fifo_lines = [l for l in fifo_out.splitlines() if l.startswith("INSTANCE")]
        self.assertEqual([l.rsplit(" ", 1)[0] for l in fifo_lines],
                         ['INSTANCE "VI_1" %s' % s for s in trans])
        self.assertRegex(fifo_lines[-1], r'^INSTANCE "VI_1" MASTER 100$')

    def test_notify_timeout_and_stop(self):
        """A hung notify script is killed at 10 s and the next one runs; notify_stop runs at exit."""
        bed = self.make_bed(nodes=1, client=False)
        d = node_dir(bed, "node1")
        marker = "5%d" % (os.getpid() % 100000)
        out = os.path.join(d, "notify.out")
        inst = ("notify_master \"/bin/sleep %s\"\nnotify \"echo $3 >> %s\"\n"
                "notify_stop \"sleep 0.3; echo stopped >> %s\"\n" % (marker, out, out))
        p1 = self.vipd("node1", self.pair_conf("node1", 100, "", inst))
        self.wait_owner(VIP, "node1", 6)
        master_at = time.monotonic()
        bed.wait_for(lambda: "MASTER" in (open(out).read() if os.path.exists(out) else ""),
                     10 + 3, "the notify after the hung notify_master")
        waited = time.monotonic() - master_at
        print("generic notify ran %.1f s after the hung notify_master" % waited)
        self.assertGreater(waited, 8.5)
        bed.wait_log(p1, "notify script /bin/sleep %s timed out after 10000 ms and was killed" % marker, 1)
        self.assertEqual(sleeps(marker), [])
        self.assertEqual(open(out).read().split(), ["BACKUP", "MASTER"])
        self.assertEqual(bed.stop(p1, timeout=15), 0)
        # The planned stop hands over first (master -> backup), then stops; notify_stop runs
        # before the generic notify of the same transition, and vipd waits for both.
        self.assertEqual(open(out).read().split(), ["BACKUP", "MASTER", "BACKUP", "stopped", "STOP"])

    # --- mail ---------------------------------------------------------------------------------

    def test_smtp_alert(self):
        """One mail per transition, subject as keepalived's, through an SMTP sink on the LAN."""
        bed = self.make_bed(nodes=2)
        d = node_dir(bed, "client")
        mails = os.path.join(d, "mails")
        sink = bed.start("client", [PY, "-c", SMTP_SINK, "192.0.2.100", "2525", mails],
                         bed.log("smtp-sink"))
        bed.wait_log(sink, "ready", 10)
        top = textwrap.dedent("""\
            global_defs {{
               notification_email {{
                   root@example.org
                   ops@example.org
               }}
               notification_email_from vipd@example.org
               smtp_server 192.0.2.100 2525
               smtp_connect_timeout 3
            }}
            vrrp_track_file tf {{
                file {d}/w
                weight -20
            }}""").format(d=node_dir(bed, "node1"))
        p1 = self.vipd("node1", self.pair_conf("node1", 100, top, "track_file {\n tf\n}\nsmtp_alert"))
        self.vipd("node2", self.pair_conf("node2", 90))
        self.wait_owner(VIP, "node1", 6)
        write(os.path.join(bed.tmpdir, "node1", "w"), "1\n")
        self.wait_owner(VIP, "node2", 3)
        os.unlink(os.path.join(bed.tmpdir, "node1", "w"))
        self.wait_owner(VIP, "node1", 3)
        bed.wait_log(p1, "backup -> master: preempt", 3)
        trans = [m.group(1).upper() for m in re.finditer(r"\(VI_1\) \w+ -> (\w+):", p1.output())]
        want = ["[node1] VRRP Instance VI_1 - Entering %s state" % s for s in trans]

        def subjects():
            try:
                return [l.split("\t")[1] for l in open(mails).read().splitlines()]
            except FileNotFoundError:
                return []
        bed.wait_for(lambda: len(subjects()) >= len(want), 10, "one mail per transition")
        time.sleep(0.5)
        print("transitions %s, mails %d" % (trans, len(subjects())))
        self.assertEqual(sorted(subjects()), sorted(want))  # sent in parallel: any order
        self.assertEqual(len(trans), 4)  # backup, master, backup, master
        rcpts = {l.split("\t")[0] for l in open(mails).read().splitlines()}
        self.assertEqual(rcpts, {"root@example.org,ops@example.org"})

    def test_smtp_unreachable(self):
        """A server that never answers: the failure is logged, the protocol never waits."""
        bed = self.make_bed(nodes=2)
        # Something that accepts connections and then says nothing.
        mute = bed.start("client", [PY, "-c", "import socket,time\ns=socket.socket()\n"
                                    "s.bind(('192.0.2.100',2525))\ns.listen(8)\nprint('ready',flush=True)\n"
                                    "c=[]\nwhile True: c.append(s.accept())"], bed.log("mute"))
        bed.wait_log(mute, "ready", 10)
        top = ("global_defs {\n notification_email {\n root@example.org\n }\n"
               " smtp_server 192.0.2.100 2525\n smtp_connect_timeout 1\n}")
        p1 = self.vipd("node1", self.pair_conf("node1", 100, top, "smtp_alert"))
        cap = bed.start("node2", [PY, "-c", CAPTURE_ADVERTS, "3"], bed.log("capture"))
        bed.wait_log(cap, "ready", 5)
        self.wait_owner(VIP, "node1", 6)
        cap.wait(20)
        times = [float(l.split()[1]) for l in cap.lines() if l.startswith("advert")]
        gaps = [b - a for a, b in zip(times, times[1:])]
        self.assertGreater(len(times), 10)
        print("adverts captured: %d, largest gap %.1f ms (interval 100 ms)"
              % (len(times), 1000 * max(gaps)))
        self.assertLess(max(gaps), STALL_BOUND)
        line = bed.wait_log(p1, "not sent through 192.0.2.100:2525", 5)
        self.assertIn("Entering", line)
        self.assertTrue(p1.running())

    def test_notify_script_security(self):
        """enable_script_security refuses a notify script that someone other than root could
        change, as keepalived 2.2.7 does ("Unsafe permissions ... disabling"), and says where it
        is configured and why; a safe one next to it still runs."""
        bed = self.make_bed(nodes=1, client=False)
        d = node_dir(bed, "node1")
        os.chmod(d, 0o755)
        bad = os.path.join(d, "open")
        os.mkdir(bad)
        os.chmod(bad, 0o777)
        out = os.path.join(d, "notify.out")
        write(os.path.join(bad, "master.sh"), "#!/bin/sh\necho unsafe-ran >> %s\n" % out, 0o755)
        write(os.path.join(d, "notify.sh"), "#!/bin/sh\necho $3 >> %s\n" % out, 0o755)
        top = "global_defs {\n enable_script_security\n}\n"
        inst = "notify_master %s/master.sh\nnotify %s/notify.sh\n" % (bad, d)
        conf = self.pair_conf("node1", 100, top, inst)
        with open(conf) as f:
            lineno = next(i for i, l in enumerate(f, 1) if "notify_master" in l)
        p1 = self.vipd("node1", conf)
        self.wait_owner(VIP, "node1", 6)
        bed.wait_for(lambda: os.path.exists(out) and "MASTER" in open(out).read(), 10,
                     "the safe notify script")
        line = bed.wait_log(p1, "enable_script_security refuses it", 5)
        self.assertIn("%s:%d: notify script \"%s/master.sh\" not run" % (conf, lineno, bad), line)
        self.assertIn("%s is writable by everyone" % bad, line)
        self.assertEqual(open(out).read().split(), ["BACKUP", "MASTER"])


def main():
    return testbed.run_case(NotifyTest)


if __name__ == "__main__":
    sys.exit(main())
