"""A network-namespace test bed: N nodes and a client joined by a bridge.

Everything lives in namespaces that this module creates: the bridge sits in a namespace of
its own, every node gets a veth whose node end is ``eth0``. Nothing is added to the root
namespace. Names carry a prefix unique to the run (``vt<pid>[letter]``) and the bed is torn
down on exit, on exceptions and on SIGTERM/SIGINT; only processes started through ``start``
are ever signalled.

    with Bed(nodes=2) as bed:
        bed.run("node1", ["ip", "addr"])
        p = bed.start("node2", ["vipd", "-f", conf], bed.log("vipd-node2"))
        bed.wait_for(lambda: bed.has_addr("node1", "192.0.2.50"), 5, "VIP on node1")

Addresses (documentation ranges only): nodeN has 192.0.2.(10+N)/24 and 2001:db8::(10+N)/64,
the client 192.0.2.100/24 and 2001:db8::100/64.

``Bed(lans=2)`` adds a second LAN (a bridge ``br1`` next to ``br0``): every node and the client
get an ``eth1`` with 198.51.100.(10+N)/24 (client 198.51.100.100) and 2001:db8:1::(10+N)/64.
``set_port(node, up, lan)`` takes a node's bridge port down or up, so that node's interface
loses or regains carrier.
"""

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

IP = shutil.which("ip") or "/usr/sbin/ip"
_live_beds = []
_bed_counter = 0
_handlers_installed = False


def skip_reason():
    """Why namespace tests cannot run here, or None. Only root and ``ip netns`` are needed."""
    if os.geteuid() != 0:
        return "needs root"
    if not os.path.exists(IP):
        return "no ip(8)"
    rc = subprocess.run([IP, "netns", "list"], stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL).returncode
    if rc != 0:
        return "ip netns is unavailable"
    return None


def _teardown_all(*_args):
    for bed in list(_live_beds):
        bed.teardown()


def _on_signal(signum, _frame):
    _teardown_all()
    # Re-raise as the default action so the exit status says which signal ended the run.
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install_handlers():
    global _handlers_installed
    if _handlers_installed:
        return
    atexit.register(_teardown_all)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    _handlers_installed = True


class Proc:
    """A process started in a namespace; ``log_path`` holds its stdout and stderr."""

    def __init__(self, node, argv, popen, log_path):
        self.node = node
        self.argv = argv
        self.popen = popen
        self.log_path = log_path

    @property
    def pid(self):
        return self.popen.pid

    def output(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def lines(self):
        return self.output().splitlines()

    def running(self):
        return self.popen.poll() is None

    def wait(self, timeout):
        return self.popen.wait(timeout=timeout)


class Bed:
    def __init__(self, nodes=2, client=True, lans=1):
        global _bed_counter
        _install_handlers()
        suffix = "" if _bed_counter == 0 else chr(ord("a") + _bed_counter % 26)
        _bed_counter += 1
        self.prefix = "vt%d%s" % (os.getpid(), suffix)
        self.lans = lans
        self.nodes = ["node%d" % i for i in range(1, nodes + 1)]
        if client:
            self.nodes.append("client")
        self.procs = []
        self.teardown_hooks = []
        self.created_ns = []
        self.tmpdir = tempfile.mkdtemp(prefix=self.prefix + "-")
        self.torn_down = False
        _live_beds.append(self)
        try:
            self._build()
        except BaseException:
            self.teardown()
            raise

    # --- naming -------------------------------------------------------------------------------

    def ns(self, node):
        return "%s-%s" % (self.prefix, node)

    def _port(self, node, lan=0):
        short = "c" if node == "client" else "n" + node[4:]
        # <= 15 characters: "vt" + pid (<= 7) + letter + "n12" (+ "b" on the second LAN)
        return self.prefix + short + ("b" if lan else "")

    def ipv4(self, node, lan=0):
        net = "198.51.100" if lan else "192.0.2"
        return net + (".100" if node == "client" else ".%d" % (10 + int(node[4:])))

    def ipv6(self, node, lan=0):
        net = "2001:db8:1::" if lan else "2001:db8::"
        return net + ("100" if node == "client" else "%d" % (10 + int(node[4:])))

    def log(self, name):
        """A path for a log file that lives as long as the bed."""
        return os.path.join(self.tmpdir, name + ".log")

    # --- building -----------------------------------------------------------------------------

    def _ip(self, *args):
        subprocess.run([IP] + list(args), check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=30)

    def _add_ns(self, name):
        self._ip("netns", "add", name)
        self.created_ns.append(name)

    def _sysctl(self, ns, key, value):
        subprocess.run([IP, "netns", "exec", ns, "sysctl", "-qw", "%s=%s" % (key, value)],
                       check=True, timeout=30)

    def _build(self):
        br = self.ns("br")
        self._add_ns(br)
        # The bridge only forwards; IPv6 on its ports would just add DAD noise to captures.
        self._sysctl(br, "net.ipv6.conf.default.disable_ipv6", 1)
        # Snooping would filter ff02::12 until an MLD report was seen: flood every group.
        for lan in range(self.lans):
            self._ip("-n", br, "link", "add", "br%d" % lan, "type", "bridge", "mcast_snooping", "0")
            self._ip("-n", br, "link", "set", "br%d" % lan, "up")
        for node in self.nodes:
            ns = self.ns(node)
            self._add_ns(ns)
            # No DAD: addresses (link-local included) are usable at once, so tests need no sleeps.
            self._sysctl(ns, "net.ipv6.conf.default.accept_dad", 0)
            self._sysctl(ns, "net.ipv6.conf.all.accept_dad", 0)
            self._ip("-n", ns, "link", "set", "lo", "up")
            for lan in range(self.lans):
                dev = "eth%d" % lan
                self._ip("-n", br, "link", "add", self._port(node, lan), "type", "veth",
                         "peer", "name", dev, "netns", ns)
                self._sysctl(ns, "net.ipv6.conf.%s.accept_dad" % dev, 0)
                self._ip("-n", ns, "addr", "add", self.ipv4(node, lan) + "/24", "dev", dev)
                self._ip("-n", ns, "addr", "add", self.ipv6(node, lan) + "/64", "dev", dev, "nodad")
                self._ip("-n", ns, "link", "set", dev, "up")
                self._ip("-n", br, "link", "set", self._port(node, lan), "master", "br%d" % lan, "up")

    def set_port(self, node, up, lan=0):
        """Takes node's bridge port on lan down or up: its ethN loses or regains carrier."""
        self._ip("-n", self.ns("br"), "link", "set", self._port(node, lan), "up" if up else "down")

    # --- running ------------------------------------------------------------------------------

    def cmd(self, node, argv):
        """argv wrapped to run inside node's namespace."""
        return [IP, "netns", "exec", self.ns(node)] + [str(a) for a in argv]

    def run(self, node, argv, check=True, timeout=30):
        """Runs argv in node's namespace; returns the CompletedProcess (text output)."""
        res = subprocess.run(self.cmd(node, argv), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, timeout=timeout)
        if check and res.returncode != 0:
            raise AssertionError("%s in %s failed (%d):\n%s%s" % (
                " ".join(map(str, argv)), node, res.returncode, res.stdout, res.stderr))
        return res

    def start(self, node, argv, log_path=None, env=None):
        """Starts argv in node's namespace with stdout+stderr to log_path; tracks the PID."""
        if log_path is None:
            log_path = self.log("%s-%s-%d" % (node, os.path.basename(str(argv[0])), len(self.procs)))
        with open(log_path, "wb") as logf:
            popen = subprocess.Popen(self.cmd(node, argv), stdout=logf, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        proc = Proc(node, argv, popen, log_path)
        self.procs.append(proc)
        return proc

    def on_teardown(self, hook):
        """Calls hook() when the bed is torn down (before its processes and namespaces go)."""
        self.teardown_hooks.append(hook)

    def stop(self, proc, sig=signal.SIGTERM, timeout=5):
        """Signals a process this bed started, escalating to SIGKILL; returns its exit status."""
        if proc not in self.procs:
            raise ValueError("not a process of this bed")
        if proc.running():
            # `ip netns exec` execs the command, so the PID is the command itself.
            proc.popen.send_signal(sig)
            try:
                proc.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.popen.kill()
                proc.popen.wait(timeout=timeout)
        return proc.popen.returncode

    # --- inspecting ---------------------------------------------------------------------------

    def addrs(self, node, ifname="eth0"):
        """`ip -j addr show dev ifname` in node: the list of addr_info dicts."""
        out = self.run(node, [IP, "-j", "addr", "show", "dev", ifname]).stdout
        links = json.loads(out) if out.strip() else []
        return [a for link in links for a in link.get("addr_info", [])]

    def find_addr(self, node, addr, ifname="eth0"):
        for a in self.addrs(node, ifname):
            if a.get("local") == addr:
                return a
        return None

    def has_addr(self, node, addr, ifname="eth0"):
        return self.find_addr(node, addr, ifname) is not None

    def link_local(self, node, ifname="eth0"):
        for a in self.addrs(node, ifname):
            if a.get("family") == "inet6" and a.get("scope") == "link":
                return a["local"]
        return None

    def mac(self, node, ifname="eth0"):
        out = self.run(node, [IP, "-j", "link", "show", "dev", ifname]).stdout
        return json.loads(out)[0]["address"]

    def neigh(self, node, addr, ifname="eth0"):
        """The neighbour entry dict for addr in node, or None."""
        out = self.run(node, [IP, "-j", "neigh", "show", "dev", ifname]).stdout
        for n in json.loads(out) if out.strip() else []:
            if n.get("dst") == addr:
                return n
        return None

    @staticmethod
    def wait_for(predicate, timeout, what="condition", interval=0.02):
        """Polls predicate until it returns a true value (returned) or timeout seconds pass."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise AssertionError("timed out after %.1f s waiting for %s" % (timeout, what))
            time.sleep(interval)

    def wait_log(self, proc, needle, timeout, what=None):
        """Waits until proc's log has a line containing needle; returns that line."""
        def found():
            for line in proc.lines():
                if needle in line:
                    return line
            return None
        return self.wait_for(found, timeout, what or "%r in the log of %s" % (needle, proc.argv))

    # --- teardown -----------------------------------------------------------------------------

    def teardown(self):
        if self.torn_down:
            return
        self.torn_down = True
        # Helpers that started processes of their own (a private bus, say) stop them first.
        for hook in reversed(self.teardown_hooks):
            try:
                hook()
            except Exception as e:  # teardown must go on whatever a hook did
                print("testbed: teardown hook failed: %s" % e, file=sys.stderr)
        for proc in self.procs:
            if proc.running():
                proc.popen.kill()
                try:
                    proc.popen.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
        # Deleting a namespace destroys its veth ends, and the peers with them.
        for name in reversed(self.created_ns):
            subprocess.run([IP, "netns", "del", name], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        self.created_ns = []
        # A sanitized build reports when a process exits (LeakSanitizer at a clean exit): such a
        # report fails the test that ran it, whatever the test itself checked.
        reports = self.sanitizer_reports()
        shutil.rmtree(self.tmpdir, ignore_errors=True)
        if self in _live_beds:
            _live_beds.remove(self)
        if reports:
            raise AssertionError("sanitizer report(s):\n" + "\n".join(reports))

    SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", ": runtime error: ")

    def sanitizer_reports(self):
        """The first 60 lines from each sanitizer report in the processes' logs."""
        reports = []
        for proc in self.procs:
            lines = proc.output().splitlines()
            for i, line in enumerate(lines):
                if any(m in line for m in self.SANITIZER_MARKS):
                    reports.append("---- %s (pid %d):\n%s" % (" ".join(map(str, proc.argv)),
                                                              proc.pid,
                                                              "\n".join(lines[i:i + 60])))
                    break
        return reports

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.teardown()
        return False

    def dump_logs(self, out=sys.stderr):
        for proc in self.procs:
            out.write("---- %s in %s (pid %d)\n%s\n" % (" ".join(map(str, proc.argv)), proc.node,
                                                       proc.pid, proc.output()))


def run_case(*classes):
    """The main() of a test file run as `FILE CASE` by meson: 77 (skip) without root or network
    namespaces, else runs test_CASE from the first of classes that has it."""
    import unittest
    reason = skip_reason()
    if reason:
        print("SKIP: " + reason)
        return 77
    prog = os.path.basename(sys.argv[0])
    if len(sys.argv) != 2:
        print("usage: %s CASE" % prog, file=sys.stderr)
        return 2
    name = "test_" + sys.argv[1]
    cls = next((c for c in classes if hasattr(c, name)), classes[0])
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(
        unittest.TestSuite([cls(name)]))
    return 0 if result.wasSuccessful() else 1
