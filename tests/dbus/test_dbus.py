#!/usr/bin/python3
"""vipd on the system bus, on a network-namespace test bed: polkit (real polkitd with the shipped
rules, and dbusmock's polkitd template), the README's busctl examples, moving a VIP by hand,
persistence of admin priorities, the bus as no single point of failure.

Usage: test_dbus.py CASE. Exit 0 pass, 1 fail, 77 skip (not root, no ip netns, no dbus-daemon,
no polkitd). Each node has a private system bus (privbus.py) that loads the project's own
data/dbus/org.vipd.Vrrp1.conf.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vipdbus import (BUSCTL, IFACE_I, IFACE_M, NAME, PYTHON, ROOT, SECRET, VIP, Capture,  # noqa
                     Node, Pinger, conf_text, inst_path, run_as, skip_reason, testbed,
                     wait_master)

BUILD = os.environ.get("VIPD_BUILDDIR",
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "build"))
SRCDIR = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
POLKITD = "/usr/lib/polkit-1/polkitd"
NOBODY = 65534   # made a member of the admin group "vipd" inside the mount namespace
DAEMON = 1       # an existing user who is not a member
ACCESS_DENIED = "org.freedesktop.DBus.Error.AccessDenied"
ACTIONS = ["org.vipd.vrrp1.demote", "org.vipd.vrrp1.takeover", "org.vipd.vrrp1.set-priority",
           "org.vipd.vrrp1.send-garp", "org.vipd.vrrp1.reload", "org.vipd.vrrp1.maintenance"]
INTERVAL = 0.1


class Skip(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def busctl_error(r):
    if isinstance(r, list):
        return ""
    return (r.stderr or "") + (r.stdout or "")


# --- the admin calls every polkit test makes: (method path, iface, method, sig, args, action) --
ADMIN_CALLS = [
    (inst_path("VI_1"), IFACE_I, "Demote", "", [], "org.vipd.vrrp1.demote"),
    (inst_path("VI_1"), IFACE_I, "TakeOver", "", [], "org.vipd.vrrp1.takeover"),
    (inst_path("VI_1"), IFACE_I, "SetPriority", "y", [201], "org.vipd.vrrp1.set-priority"),
    (ROOT, IFACE_M, "Reload", "", [], "org.vipd.vrrp1.reload"),
    (ROOT, IFACE_M, "SetMaintenance", "b", ["true"], "org.vipd.vrrp1.maintenance"),
]
GVARIANT_ARGS = {"SetPriority": ["byte 201"], "SetMaintenance": ["true"]}


def refused(n, path, iface, method, action, user):
    """Asserts that method is refused for user with AccessDenied naming action."""
    r = n.gcall(path, iface, method, *GVARIANT_ARGS.get(method, []), user=user)
    check(r.returncode != 0, "%s allowed for uid %s: %s" % (method, user, r.stdout))
    check(ACCESS_DENIED + ":" in r.stderr, "%s: not AccessDenied: %r" % (method, r.stderr))
    check(action in r.stderr, "%s: refusal does not name %s: %r" % (method, action, r.stderr))
    return r


def snapshot(n):
    return {p: n.get("VI_1", p) for p in ("State", "AdminPriority", "EffectivePriority")} | {
        "Maintenance": n.get("VI_1", "Maintenance", iface=IFACE_M)}


# === real polkitd in a private mount namespace =================================================

def in_private_mount_ns():
    return os.environ.get("VIPD_TEST_MNTNS") == "1"


def reexec_in_mount_ns(case):
    """Runs this case again under `unshare -m --propagation private`: the bind mounts over the
    polkit directories and /etc/group are seen by nobody else."""
    env = dict(os.environ, VIPD_TEST_MNTNS="1")
    return subprocess.call(["unshare", "-m", "--propagation", "private", PYTHON,
                            os.path.abspath(__file__), case], env=env)


class RealPolkit:
    """Shipped .policy and rules bound over polkit's directories, a group vipd with nobody as its
    member, one vipd node with its bus and a real polkitd. Only valid in a private mount ns."""

    def __init__(self, bed, conf):
        check(in_private_mount_ns(), "RealPolkit outside a private mount namespace")
        self.bed = bed
        t = tempfile.mkdtemp(prefix="vipd-polkit-", dir=bed.tmpdir)
        os.chmod(t, 0o755)
        actions = os.path.join(t, "actions")
        rules = os.path.join(t, "rules.d")
        os.mkdir(actions, 0o755)
        os.mkdir(rules, 0o755)
        shutil.copy(os.path.join(BUILD, "polkit", "org.vipd.Vrrp1.policy"), actions)
        shutil.copy(os.path.join(BUILD, "polkit", "50-org.vipd.Vrrp1.rules"), rules)
        for d in (actions, rules):
            for f in os.listdir(d):
                os.chmod(os.path.join(d, f), 0o644)
        group = os.path.join(t, "group")
        with open("/etc/group") as f:
            text = f.read()
        check(not re.search(r"^vipd:", text, re.M), "the host already has a group vipd")
        gids = {int(line.split(":")[2]) for line in text.splitlines() if line.count(":") >= 3}
        gid = next(g for g in range(64000, 65000) if g not in gids)
        with open(group, "w") as f:
            f.write(text.rstrip("\n") + "\nvipd:x:%d:nobody\n" % gid)
        os.chmod(group, 0o644)
        for src, dst in ((actions, "/usr/share/polkit-1/actions"),
                         (rules, "/etc/polkit-1/rules.d"), (group, "/etc/group")):
            subprocess.run(["mount", "--bind", src, dst], check=True)
        self.node = Node(bed, "node1", conf, include_polkit=True)
        self.polkitd = bed.start("node1", [POLKITD], bed.log("polkitd"),
                                 env=self.node.env())
        bed.wait_for(self.polkit_on_bus, 10, "polkitd on the bus")

    def polkit_on_bus(self):
        r = self.node.busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                             "org.freedesktop.DBus", "NameHasOwner", "s",
                             "org.freedesktop.PolicyKit1", check=False)
        return r.stdout.strip() == "b true"


def polkit_conf():
    # v2 so that an auth_pass is in force (v3 ignores it); state MASTER starts as master at once.
    return conf_text("node1", 150, interval="1", state="MASTER", auth=True).replace(
        "vrrp_version 3", "vrrp_version 2")


def with_real_polkit(fn):
    def run():
        r = skip_reason(need_polkitd=True)
        if r:
            raise Skip(r)
        if not shutil.which("unshare") or not shutil.which("setpriv"):
            raise Skip("no unshare/setpriv")
        if not in_private_mount_ns():
            rc = reexec_in_mount_ns(sys.argv[1])
            if rc != 0:
                raise SystemExit(rc)
            return
        with testbed.Bed(nodes=1) as bed:
            try:
                pk = RealPolkit(bed, polkit_conf())
                pk.node.start_vipd()
                wait_master(bed, pk.node, timeout=15)
                fn(bed, pk)
            except BaseException:
                bed.dump_logs()
                raise
    return run


def admin_calls_allowed(pk, user):
    n = pk.node
    for path, iface, method, sig, args, action in ADMIN_CALLS:
        r = n.call(path, iface, method, sig, *args, user=user, check=False)
        check(isinstance(r, list), "%s as uid %s refused: %s" % (method, user, busctl_error(r)))
        if method == "SetMaintenance":
            check(n.get("VI_1", "Maintenance", iface=IFACE_M) is True, "maintenance not on")
            n.call(path, iface, method, "b", "false", user=user)
        if method == "SetPriority":
            check(n.get("VI_1", "AdminPriority") == 201, "SetPriority had no effect")
    # Demote, TakeOver and SetPriority all took effect: the last one leaves admin priority 201.
    ev = n.call(ROOT, IFACE_M, "GetEvents", "tu", 0, 100)[0]
    reasons = [e[4] for e in ev]
    uid = 0 if user is None else user
    check(any("admin: Demote by uid %d" % uid in r for r in reasons), "no Demote event: %s" % reasons)
    check(any("admin: TakeOver by uid %d" % uid in r for r in reasons), "no TakeOver event: %s"
          % reasons)


@with_real_polkit
def case_polkit_root_allowed(bed, pk):
    admin_calls_allowed(pk, None)


@with_real_polkit
def case_polkit_group_member_allowed(bed, pk):
    admin_calls_allowed(pk, NOBODY)


@with_real_polkit
def case_polkit_other_user_denied(bed, pk):
    n = pk.node
    before = snapshot(n)
    calls = ADMIN_CALLS + [(inst_path("VI_1"), IFACE_I, "ResetPriority", "", [],
                            "org.vipd.vrrp1.set-priority"),
                           (inst_path("VI_1"), IFACE_I, "SendGarp", "", [],
                            "org.vipd.vrrp1.send-garp")]
    for path, iface, method, sig, args, action in calls:
        refused(n, path, iface, method, action, DAEMON)
    # busctl, as the README uses it, fails too (it prints only "Access denied").
    r = n.call(inst_path("VI_1"), IFACE_I, "TakeOver", user=DAEMON, check=False)
    check(not isinstance(r, list) and "Access denied" in r.stderr, "busctl TakeOver: %r" % (r,))
    time.sleep(0.5)
    check(snapshot(n) == before, "state changed after refusals: %s -> %s" % (before, snapshot(n)))
    check(n.has_vip(), "the master lost its VIP after refused calls")
    check(not os.path.exists(os.path.join(n.state_dir, "admin.state")), "admin state was written")
    reasons = [e[4] for e in n.call(ROOT, IFACE_M, "GetEvents", "tu", 0, 100)[0]]
    check(not any("admin:" in r for r in reasons), "admin events after refusals: %s" % reasons)


@with_real_polkit
def case_polkit_reads_open_no_secret(bed, pk):
    n = pk.node
    for user in (None, NOBODY, DAEMON):
        check(n.get("VI_1", "State", user=user) == "master", "State read as %s" % user)
        check(n.get("VI_1", "VirtualAddresses", user=user) == [VIP + "/24"], "VIPs read")
        check(n.get("VI_1", "Version", iface=IFACE_M, user=user), "Version read as %s" % user)
        r = n.busctl("--json=short", "call", NAME, ROOT, "org.freedesktop.DBus.ObjectManager",
                     "GetManagedObjects", user=user)
        objs = json.loads(r.stdout)["data"][0]
        check(inst_path("VI_1") in objs, "GetManagedObjects as %s lacks VI_1" % user)
        check(SECRET not in r.stdout, "auth_pass in GetManagedObjects")
        props = [p for ifaces in objs.values() for iface in ifaces.values() for p in iface]
        check(props and not [p for p in props if "auth" in p.lower()],
              "an auth property is exported: %s" % props)
        for path in (ROOT, inst_path("VI_1")):
            r = n.busctl("introspect", NAME, path, user=user)
            check(SECRET not in r.stdout and "AuthPass" not in r.stdout, "secret in introspection")
            r = n.busctl("call", NAME, path, "org.freedesktop.DBus.Introspectable", "Introspect",
                         user=user)
            check(SECRET not in r.stdout, "secret in Introspect XML")
        ev = n.call(ROOT, IFACE_M, "GetEvents", "tu", 0, 100, user=user)
        check(SECRET not in json.dumps(ev), "secret in events")
        check(n.get("VI_1", "ConfigFile", iface=IFACE_M, user=user) == n.conf, "ConfigFile read")
    # The secret is really in force (v2 PASS), so its absence above means something.
    with open(n.conf) as f:
        check(SECRET in f.read(), "the config lacks the auth_pass")


@with_real_polkit
def case_files_pkaction(bed, pk):
    env = pk.node.env()
    r = run_as(bed, "node1", ["pkaction"], env)
    for a in ACTIONS:
        check(a in r.stdout.split(), "pkaction does not list %s:\n%s" % (a, r.stdout))
    r = run_as(bed, "node1", ["pkaction", "--verbose", "--action-id", "org.vipd.vrrp1.takeover"],
               env)
    check(re.search(r"implicit any:\s+no", r.stdout) and re.search(r"implicit inactive:\s+no",
                                                                    r.stdout)
          and re.search(r"implicit active:\s+auth_admin_keep", r.stdout),
          "defaults of takeover:\n" + r.stdout)
    # zh_CN: polkitd serves the translation to a caller asking for it (no zh_CN locale needs
    # to be installed: the locale is an argument of EnumerateActions).
    r = pk.node.busctl("--json=short", "call", "org.freedesktop.PolicyKit1",
                       "/org/freedesktop/PolicyKit1/Authority",
                       "org.freedesktop.PolicyKit1.Authority", "EnumerateActions", "s", "zh_CN.UTF-8")
    descs = {a[0]: a[1] for a in json.loads(r.stdout)["data"][0]}
    for a in ACTIONS:
        check(re.search(r"[\u4e00-\u9fff]", descs.get(a, "")), "%s: no zh_CN description (%r)"
              % (a, descs.get(a)))
    print("zh_CN:", descs["org.vipd.vrrp1.takeover"])


@with_real_polkit
def case_files_rules_load(bed, pk):
    # polkitd logs what it loaded; an error in the rules file would be logged as such and the
    # group member would be refused (checked by polkit_group_member_allowed).
    bed.wait_for(lambda: "Finished loading" in pk.polkitd.output(), 5, "polkitd to load rules")
    out = pk.polkitd.output()
    print(out)
    check("Loading rules from directory /etc/polkit-1/rules.d" in out, "rules.d not loaded")
    check(not re.search(r"(?i)error|exception", out), "polkitd reported an error:\n" + out)
    shipped = [f for f in os.listdir("/usr/share/polkit-1/rules.d") if f.endswith(".rules")]
    m = re.search(r"Finished loading, compiling and executing (\d+) rules", out)
    check(m and int(m.group(1)) == len(shipped) + 1,
          "polkitd did not execute our rules file (%s, %d other files)" % (
              m and m.group(0), len(shipped)))
    r = pk.node.call(inst_path("VI_1"), IFACE_I, "SetPriority", "y", 180, user=NOBODY,
                     check=False)
    check(isinstance(r, list), "rules did not grant the group: %s" % busctl_error(r))


# === dbusmock's polkitd template ==============================================================

def start_mock_polkit(bed, node):
    p = bed.start(node.node, [PYTHON, "-m", "dbusmock", "--system", "--template", "polkitd"],
                  bed.log("dbusmock-polkitd"), env=node.env())
    bed.wait_for(lambda: node.busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                     "org.freedesktop.DBus", "NameHasOwner", "s",
                                     "org.freedesktop.PolicyKit1", check=False).stdout.strip()
                 == "b true", 10, "dbusmock polkitd on the bus")
    return p


def mock(node, method, sig="", *args):
    a = ["call", "org.freedesktop.PolicyKit1", "/org/freedesktop/PolicyKit1/Authority",
         "org.freedesktop.DBus.Mock", method]
    if sig:
        a += [sig] + [str(x) for x in args]
    return node.busctl(*a)


def two_nodes(bed, polkit=False, prio2=100, interval="0.1"):
    n1 = Node(bed, "node1", conf_text("node1", 150, interval=interval), include_polkit=polkit)
    n2 = Node(bed, "node2", conf_text("node2", prio2, interval=interval), include_polkit=polkit)
    return n1, n2


def case_mock_set_allowed(bed):
    n1, n2 = two_nodes(bed, polkit=True)
    start_mock_polkit(bed, n2)
    n1.start_vipd()
    n2.start_vipd()
    wait_master(bed, n1)
    n2.wait_on_bus()
    p = inst_path("VI_1")
    # Nothing allowed: uid 1 is refused, and the refusal names the action.
    mock(n2, "SetAllowed", "as", 0)
    refused(n2, p, IFACE_I, "TakeOver", "org.vipd.vrrp1.takeover", DAEMON)
    check(n2.state() == "backup" and n1.has_vip(), "a refused TakeOver changed something")
    # Allowed: the same call now moves the VIP.
    mock(n2, "SetAllowed", "as", 1, "org.vipd.vrrp1.takeover")
    r = n2.call(p, IFACE_I, "TakeOver", user=DAEMON, check=False)
    check(isinstance(r, list), "allowed TakeOver refused: %s" % busctl_error(r))
    bed.wait_for(lambda: n2.has_vip() and not n1.has_vip(), 3, "VIP on node2")
    # Only that action: SetPriority is still refused, and flipping back refuses TakeOver again.
    refused(n2, p, IFACE_I, "SetPriority", "org.vipd.vrrp1.set-priority", DAEMON)
    mock(n2, "SetAllowed", "as", 1, "org.vipd.vrrp1.set-priority")
    r = n2.call(p, IFACE_I, "SetPriority", "y", 50, user=DAEMON, check=False)
    check(isinstance(r, list), "allowed SetPriority refused: %s" % busctl_error(r))
    check(n2.get("VI_1", "AdminPriority") == 50, "SetPriority had no effect")
    refused(n2, p, IFACE_I, "TakeOver", "org.vipd.vrrp1.takeover", DAEMON)
    # root never asks polkit: allowed even with nothing allowed and polkit hanging.
    mock(n2, "SetAllowed", "as", 0)
    mock(n2, "SimulateHang", "b", "true")
    t = time.monotonic()
    n2.call(p, IFACE_I, "ResetPriority")
    check(time.monotonic() - t < 2, "root's call waited for polkit")


def case_mock_hang_keeps_advertising(bed):
    n1, n2 = two_nodes(bed, polkit=True)
    start_mock_polkit(bed, n1)
    n1.start_vipd()
    n2.start_vipd()
    wait_master(bed, n1)
    n1.wait_on_bus()
    mock(n1, "SetAllowed", "as", 0)
    mock(n1, "SimulateHangActions", "as", 1, "org.vipd.vrrp1.demote")
    cap = Capture(bed, seconds=30)
    time.sleep(0.5)
    # uid 1 asks the master to demote; polkit never answers.
    hung = bed.start("node1", ["setpriv", "--reuid=1", "--regid=1", "--init-groups", "gdbus",
                               "call", "--system", "--timeout", "20", "--dest", NAME,
                               "--object-path", inst_path("VI_1"), "--method",
                               IFACE_I + ".Demote"], bed.log("hung-call"), env=n1.env())
    bed.wait_for(lambda: mock(n1, "HaveHangingCalls").stdout.strip() == "b true", 5,
                 "the authorization to hang")
    t_hang = time.monotonic()
    # Other calls are answered promptly meanwhile, reads and (root) writes alike.
    for _ in range(10):
        t = time.monotonic()
        check(n1.state() == "master", "master changed while polkit hangs")
        check(time.monotonic() - t < 0.5, "a property read took %.3f s" % (time.monotonic() - t))
    t = time.monotonic()
    n1.call(ROOT, IFACE_M, "GetEvents", "tu", 0, 5)
    check(time.monotonic() - t < 0.5, "GetEvents took long while polkit hangs")
    time.sleep(2.5)
    t_end = time.monotonic()
    check(hung.running(), "the hung call returned early: " + hung.output())
    ads = [a["t"] for a in cap.adverts() if a["src"] == "192.0.2.11" and t_hang <= a["t"] <= t_end]
    check(len(ads) >= 20, "only %d adverts from the master in %.1f s" % (len(ads), t_end - t_hang))
    gaps = [b - a for a, b in zip(ads, ads[1:])]
    print("while polkit hung: %d adverts, largest gap %.1f ms" % (len(ads), max(gaps) * 1000))
    check(max(gaps) <= 2 * INTERVAL, "advert gap of %.0f ms while polkit hangs" % (max(gaps) * 1000))
    check(n2.state() == "backup" and n1.has_vip() and not n2.has_vip(), "the VIP moved")
    # Released: the answer is "no", so the call is refused and nothing changed.
    mock(n1, "ReleaseHangingCalls")
    hung.wait(10)
    check(hung.popen.returncode != 0 and ACCESS_DENIED in hung.output()
          and "org.vipd.vrrp1.demote" in hung.output(),
          "released call: %r" % hung.output())
    check(n1.state() == "master", "demoted although polkit said no")


def case_interactive_only_when_asked(bed):
    """polkit is asked to interact only when the caller's message allows it, and a refusal that
    needs authentication tells the caller how to ask."""
    n1, _n2 = two_nodes(bed, polkit=True)
    stub = bed.start("node1", [PYTHON, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                    "polkit-stub.py")], bed.log("polkit-stub"),
                     env=n1.env())
    bed.wait_log(stub, "ready", 10)
    n1.start_vipd()
    wait_master(bed, n1)
    r = refused(n1, inst_path("VI_1"), IFACE_I, "SetPriority", "org.vipd.vrrp1.set-priority",
                DAEMON)
    check("interactive" in r.stderr, "the refusal does not say how to authenticate: %r"
          % r.stderr)
    check(stub.lines()[-1] == "check org.vipd.vrrp1.set-priority flags=0",
          "polkit asked to interact without the caller's consent: %s" % stub.lines())
    check(n1.get("VI_1", "AdminPriority") == 0, "refused SetPriority took effect")
    r = n1.busctl("--allow-interactive-authorization=yes", "call", NAME, inst_path("VI_1"),
                  IFACE_I, "SetPriority", "y", "77", user=DAEMON, check=False)
    check(r.returncode == 0, "interactive SetPriority: %s" % r.stderr)
    check(stub.lines()[-1] == "check org.vipd.vrrp1.set-priority flags=1",
          "the caller's consent was not passed on: %s" % stub.lines())
    check(n1.get("VI_1", "AdminPriority") == 77, "authorized SetPriority had no effect")


# === the README's busctl examples =============================================================

def readme_busctl_lines():
    with open(os.path.join(SRCDIR, "README.md")) as f:
        text = f.read()
    m = re.search(r"^## D-Bus with busctl\n(.*?)(?=^## )", text, re.S | re.M)
    check(m, "README has no '## D-Bus with busctl' section")
    lines = [ln.strip() for ln in m.group(1).splitlines() if ln.strip().startswith("busctl ")]
    check(len(lines) >= 6, "too few busctl examples: %s" % lines)
    return lines


def case_readme_busctl(bed):
    lines = readme_busctl_lines()
    n1, n2 = two_nodes(bed)
    n1.start_vipd()
    n2.start_vipd()
    wait_master(bed, n1)
    n2.wait_on_bus()
    nodes = {"node1": n1, "node2": n2}
    monitor = None
    done = set()

    def run(node, line):
        argv = line.split()
        return run_as(bed, node, [BUSCTL, "--system"] + argv[1:], nodes[node].env())

    # The master is node1, the backup node2; the order of the README is the order of a session.
    for line in lines:
        argv = line.split()
        sub = argv[1]
        method = argv[5] if sub == "call" and len(argv) > 5 else None
        if sub == "monitor":
            monitor = bed.start("node2", ["timeout", "20", BUSCTL, "--system"] + argv[1:],
                                bed.log("monitor"), env=n2.env())
            time.sleep(0.5)
            # Something to see: node2 takes over and hands back.
            n2.call(inst_path("VI_1"), IFACE_I, "TakeOver")
            bed.wait_for(lambda: "StateChanged" in monitor.output(), 5, "StateChanged in monitor")
            # The skeleton sends PropertiesChanged (State, ...) from an idle callback, after the
            # StateChanged signal: wait for it too.
            bed.wait_for(lambda: "PropertiesChanged" in monitor.output(), 5,
                         "PropertiesChanged in monitor")
            out = monitor.output()
            check("admin: TakeOver by uid 0" in out, "monitor shows no reason")
            n2.call(inst_path("VI_1"), IFACE_I, "ResetPriority")
            n2.call(inst_path("VI_1"), IFACE_I, "Demote")
            n2.call(inst_path("VI_1"), IFACE_I, "ResetPriority")
            bed.wait_for(lambda: n1.has_vip() and not n2.has_vip(), 5, "VIP back on node1")
        elif sub == "tree":
            out = run("node1", line).stdout
            check("/org/vipd/Vrrp1/instance/VI_1" in out, "tree: " + out)
        elif sub == "introspect":
            out = run("node1", line).stdout
            for w in ("org.vipd.Vrrp1.Instance", ".TakeOver", ".Demote", ".State",
                      ".MasterAddress", "StateChanged"):
                check(w in out, "introspect lacks %s:\n%s" % (w, out))
        elif sub == "get-property":
            check(argv[-2:] == ["State", "MasterAddress"], "unexpected get-property example")
            out = run("node2", line).stdout.splitlines()
            check(out == ['s "backup"', 's "192.0.2.11"'], "get-property on backup: %r" % out)
            out = run("node1", line).stdout.splitlines()
            check(out == ['s "master"', 's "192.0.2.11"'], "get-property on master: %r" % out)
        elif method == "GetEvents":
            out = run("node1", line).stdout
            check(out.startswith("a(tssss) ") and '"master down timer expired"' in out,
                  "GetEvents: " + out)
        elif method == "TakeOver":
            t = time.monotonic()
            out = run("node2", line).stdout
            check(out.strip() == "", "TakeOver printed %r" % out)
            bed.wait_for(lambda: n2.has_vip() and not n1.has_vip(), 2, "VIP moved to node2")
            check(time.monotonic() - t < 2, "slow")
            check(n2.state() == "master" and n2.get("VI_1", "AdminPriority") == 254, "takeover")
            check(n1.get("VI_1", "MasterAddress") == "192.0.2.12", "node1 sees node2 as owner")
        elif method == "Demote":
            out = run("node2", line).stdout
            check(out.strip() == "", "Demote printed %r" % out)
            bed.wait_for(lambda: n1.has_vip() and not n2.has_vip(), 2, "VIP back on node1")
            check(n2.get("VI_1", "AdminPriority") == 1 and n2.state() == "backup", "demote")
        elif method == "ResetPriority":
            run("node2", line)
            check(n2.get("VI_1", "AdminPriority") == 0, "ResetPriority")
            check(n2.get("VI_1", "EffectivePriority") == 100, "back to the configured priority")
        else:
            raise AssertionError("README example without a check in this test: " + line)
        done.add(sub if method is None else method)
    check({"tree", "introspect", "get-property", "TakeOver", "Demote", "monitor",
           "GetEvents"} <= done, "README lacks examples: %s" % done)
    if monitor:
        bed.stop(monitor)


# === moving a VIP by hand =====================================================================

def case_move_takeover(bed):
    n1, n2 = two_nodes(bed)
    n1.start_vipd()
    n2.start_vipd()
    wait_master(bed, n1)
    n2.wait_on_bus()
    ping = Pinger(bed)
    bed.wait_for(lambda: len(ping.replies()) > 20, 5, "ping replies from the VIP")
    t = time.monotonic()
    n2.call(inst_path("VI_1"), IFACE_I, "TakeOver")
    bed.wait_for(lambda: n2.has_vip() and not n1.has_vip(), 2, "VIP moved", interval=0.005)
    dt = time.monotonic() - t
    print("TakeOver: VIP moved after %.1f ms" % (dt * 1000))
    # One advert interval plus slack for the polling and the bus round trip.
    check(dt <= INTERVAL + 0.25, "TakeOver took %.0f ms" % (dt * 1000))
    n_moved = len(ping.replies())
    time.sleep(1)
    ping.stop()
    # Replies go on after the move (a gap only counts between replies received).
    check(len(ping.replies()) - n_moved >= 40, "the VIP stopped answering after TakeOver")
    gap = ping.max_gap_ms()
    print("client: largest ping gap %.0f ms over %d replies" % (gap, len(ping.replies())))
    check(gap <= 300, "the client saw a gap of %.0f ms" % gap)
    check(n1.state() == "backup" and n2.state() == "master", "states after TakeOver")


def case_move_demote(bed):
    n1 = Node(bed, "node1", conf_text("node1", 150))
    n2 = Node(bed, "node2", conf_text("node2", 120))
    n3 = Node(bed, "node3", conf_text("node3", 100))
    for n in (n1, n2, n3):
        n.start_vipd()
    wait_master(bed, n1)
    for n in (n2, n3):
        n.wait_on_bus()
    cap = Capture(bed, seconds=30)
    ping = Pinger(bed)
    bed.wait_for(lambda: len(ping.replies()) > 20, 5, "ping replies from the VIP")
    # Samples of node1's VIP with monotonic stamps, taken as fast as `ip` allows.
    t0 = time.monotonic()
    n1.call(inst_path("VI_1"), IFACE_I, "Demote")
    samples = []
    while time.monotonic() - t0 < 1.0:
        samples.append((time.monotonic(), n1.has_vip(), n2.has_vip(), n3.has_vip()))
    skew = (256 - 120) / 256 * INTERVAL
    print("Demote: node2 owned the VIP after %s ms" % next(
        (round((t - t0) * 1000, 1) for t, a, b, c in samples if b), None))
    t_n2 = next((t for t, a, b, c in samples if b), None)
    check(t_n2 is not None and t_n2 - t0 <= skew + 0.25,
          "node2 owned the VIP after %s ms (Skew_Time %.0f ms)"
          % (None if t_n2 is None else round((t_n2 - t0) * 1000), skew * 1000))
    check(not any(c for _, _, _, c in samples), "node3 (not the best backup) took the VIP")
    first_n2 = min(a["t"] for a in cap.adverts() if a["src"] == "192.0.2.12" and a["t"] >= t0)
    # node1 held the VIP up to the new master's first advert (sampling granularity allowed).
    held = [t for t, a, _, _ in samples if a]
    check(held and max(held) >= first_n2 - 0.03,
          "node1 dropped the VIP %.0f ms before node2's first advert"
          % ((first_n2 - max(held or [t0])) * 1000))
    bed.wait_for(lambda: not n1.has_vip(), 2, "node1 to drop the VIP")
    n_moved = len(ping.replies())
    time.sleep(0.5)
    ping.stop()
    check(len(ping.replies()) - n_moved >= 20, "the VIP stopped answering after Demote")
    gap = ping.max_gap_ms()
    print("client: largest ping gap %.0f ms over %d replies" % (gap, len(ping.replies())))
    check(gap <= 300, "the client saw a gap of %.0f ms" % gap)
    check(n1.get("VI_1", "AdminPriority") == 1 and n1.state() == "backup", "node1 after Demote")
    check(n2.state() == "master", "node2 master")


# === persistence ==============================================================================

def case_persist_admin_priority(bed):
    n1 = Node(bed, "node1", conf_text("node1", 150))
    n1.start_vipd()
    wait_master(bed, n1)
    path = os.path.join(n1.state_dir, "admin.state")
    n1.call(inst_path("VI_1"), IFACE_I, "SetPriority", "y", 200)
    ino1 = os.stat(path).st_ino
    n1.call(inst_path("VI_1"), IFACE_I, "SetPriority", "y", 42)
    st = os.stat(path)
    # Atomic replacement: a new file renamed over the old one, not rewritten in place.
    check(st.st_ino != ino1, "admin.state rewritten in place (same inode)")
    check(os.listdir(n1.state_dir) == ["admin.state"], "leftovers: %s" % os.listdir(n1.state_dir))
    with open(path) as f:
        text = f.read()
    check(re.search(r"^\[.*VI_1.*\]$", text, re.M) and re.search(r"^admin_priority=42$", text,
                                                                    re.M),
          "admin.state content:\n" + text)
    n1.stop_vipd()
    n1.start_vipd()
    n1.wait_on_bus()
    check(n1.get("VI_1", "AdminPriority") == 42, "admin priority not restored")
    check(n1.get("VI_1", "EffectivePriority") == 42, "effective priority not restored")
    check(n1.get("VI_1", "BasePriority") == 150, "base priority")
    n1.call(inst_path("VI_1"), IFACE_I, "ResetPriority")
    with open(path) as f:
        text = f.read()
    check("admin_priority" not in text, "reset priority still stored:\n" + text)
    n1.stop_vipd()
    n1.start_vipd()
    n1.wait_on_bus()
    check(n1.get("VI_1", "AdminPriority") == 0, "reset not persisted")
    # Maintenance survives a restart too: no VIPs, no adverts, until it is switched off.
    n1.call(ROOT, IFACE_M, "SetMaintenance", "b", "true")
    bed.wait_for(lambda: not n1.has_vip(), 2, "maintenance to drop the VIP")
    with open(path) as f:
        text = f.read()
    check(re.search(r"^maintenance=true$", text, re.M), "maintenance not stored:\n" + text)
    n1.stop_vipd()
    n1.start_vipd()
    n1.wait_on_bus()
    check(n1.get("VI_1", "Maintenance", iface=IFACE_M) is True, "maintenance not restored")
    time.sleep(0.5)
    check(n1.state() == "maintenance" and not n1.has_vip(), "state %s after restart in "
          "maintenance" % n1.state())
    n1.call(ROOT, IFACE_M, "SetMaintenance", "b", "false")
    wait_master(bed, n1)


def case_reload_objects(bed):
    """Reload adds and removes instance objects (InterfacesAdded/Removed) and answers with the
    warnings of the new configuration."""
    vi2 = ("VI_2", "eth0", 52, "192.0.2.201/24")
    n1 = Node(bed, "node1", conf_text("node1", 150))
    n1.start_vipd()
    wait_master(bed, n1)
    mon = bed.start("node1", ["timeout", "30", BUSCTL, "--system", "monitor", NAME],
                    bed.log("monitor"), env=n1.env())
    time.sleep(0.5)
    n1.write_conf(conf_text("node1", 150, instances=[("VI_1", "eth0", 51, VIP + "/24"), vi2]))
    warnings = n1.call(ROOT, IFACE_M, "Reload")[0]
    check(warnings == [], "warnings: %s" % warnings)
    objs = n1.call(ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")[0]
    check(sorted(objs) == [inst_path("VI_1"), inst_path("VI_2")], "objects: %s" % sorted(objs))
    bed.wait_for(lambda: "InterfacesAdded" in mon.output() and "VI_2" in mon.output(), 5,
                 "InterfacesAdded for VI_2")
    bed.wait_for(lambda: n1.has_vip("192.0.2.201"), 5, "VI_2 master")
    check(n1.has_vip(), "VI_1 lost its VIP on reload")
    n1.write_conf(conf_text("node1", 150, instances=[vi2]))
    n1.call(ROOT, IFACE_M, "Reload")
    objs = n1.call(ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")[0]
    check(sorted(objs) == [inst_path("VI_2")], "objects after removal: %s" % sorted(objs))
    bed.wait_for(lambda: "InterfacesRemoved" in mon.output(), 5, "InterfacesRemoved")
    bed.wait_for(lambda: not n1.has_vip(), 5, "VI_1's VIP to go")
    # A broken file is refused and the running configuration stays.
    n1.write_conf("vrrp_instance {\n")
    r = n1.gcall(ROOT, IFACE_M, "Reload")
    check(r.returncode != 0 and n1.conf in r.stderr, "broken reload: %r" % r.stderr)
    objs = n1.call(ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")[0]
    check(sorted(objs) == [inst_path("VI_2")], "objects after a refused reload")
    bed.stop(mon)


def case_track_objects(bed):
    """vrrp_script and vrrp_sync_group objects: live script status, the instances that follow a
    script, group members and state, and their removal on reload."""
    down = os.path.join(bed.tmpdir, "down")
    script = ('vrrp_script chk_down {\n    script "[[ -f %s ]] && exit 1 || exit 0"\n'
              '    interval 0.2\n    weight -10\n}\n\n' % down)
    group = "vrrp_sync_group VG_1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\n\n"
    insts = [("VI_1", "eth0", 51, VIP + "/24"), ("VI_2", "eth0", 52, "192.0.2.201/24")]
    base = conf_text("node1", 150, instances=insts)
    text = base.replace("    advert_int 0.1\n", "    advert_int 0.1\n    track_script {\n"
                        "        chk_down\n    }\n", 1)
    n1 = Node(bed, "node1", script + group + text)
    n1.start_vipd()
    wait_master(bed, n1)
    spath = ROOT + "/script/chk_down"
    gpath = ROOT + "/group/VG_1"
    objs = n1.call(ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")[0]
    check(spath in objs and gpath in objs, "objects: %s" % sorted(objs))

    def prop(path, iface, name):
        return n1.call(path, "org.freedesktop.DBus.Properties", "Get", "ss", iface, name)[0]["data"]

    ts = "org.vipd.Vrrp1.TrackScript"
    bed.wait_for(lambda: prop(spath, ts, "Status") == "ok", 5, "script status ok")
    check(prop(spath, ts, "LastExitStatus") == 0, "exit status after a success")
    check(prop(spath, ts, "LastRun") > 0, "LastRun after a run")
    check(prop(spath, ts, "Weight") == -10 and prop(spath, ts, "Interval") == 200, "settings")
    # In a sync group the script tracks both members (group tracking is per member here only
    # for VI_1, which references it).
    check(prop(spath, ts, "Instances") == [inst_path("VI_1")],
          "Instances: %s" % prop(spath, ts, "Instances"))
    check(prop(inst_path("VI_1"), IFACE_I, "TrackScripts") == [spath], "VI_1 TrackScripts")
    check(prop(inst_path("VI_2"), IFACE_I, "TrackScripts") == [], "VI_2 TrackScripts")
    check(prop(inst_path("VI_1"), IFACE_I, "SyncGroup") == gpath, "VI_1 SyncGroup")
    sg = "org.vipd.Vrrp1.SyncGroup"
    check(sorted(prop(gpath, sg, "Members")) == [inst_path("VI_1"), inst_path("VI_2")],
          "Members: %s" % prop(gpath, sg, "Members"))
    bed.wait_for(lambda: prop(gpath, sg, "State") == "master", 5, "group state master")
    with open(down, "w"):
        pass
    bed.wait_for(lambda: prop(spath, ts, "Status") == "failed", 5, "script status failed")
    check(prop(spath, ts, "LastExitStatus") == 1, "exit status after the down file")
    # Reload without the script and the group: their objects go.
    n1.write_conf(base)
    n1.call(ROOT, IFACE_M, "Reload")
    objs = n1.call(ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")[0]
    check(spath not in objs and gpath not in objs, "objects after reload: %s" % sorted(objs))
    check(prop(inst_path("VI_1"), IFACE_I, "SyncGroup") == "/", "SyncGroup after reload")


# === the bus is not a single point of failure =================================================

def case_bus_late(bed):
    n1 = Node(bed, "node1", conf_text("node1", 150), bus=False)
    v = n1.start_vipd()
    bed.wait_for(lambda: n1.has_vip(), 5, "VRRP without a bus")
    time.sleep(5)  # at least two reconnection attempts
    said = [ln for ln in v.lines() if "no system bus" in ln]
    check(len(said) == 1, "'no system bus' logged %d times:\n%s" % (len(said), v.output()))
    n1.bus.start()
    t = time.monotonic()
    n1.wait_on_bus(timeout=6)
    check(time.monotonic() - t < 5, "vipd appeared late on the bus")
    check(n1.state() == "master", "state over the late bus")
    check(v.running() and n1.has_vip(), "vipd or its VIP gone")


def case_bus_restart(bed):
    n1, n2 = two_nodes(bed)
    n1.start_vipd()
    n2.start_vipd()
    wait_master(bed, n1)
    n2.wait_on_bus()
    moved = []

    def sample():
        a, b = n1.has_vip(), n2.has_vip()
        if not a or b:
            moved.append((time.monotonic(), a, b))

    for bus_node in (n1, n2):
        bus_node.bus.kill()
        t = time.monotonic()
        while time.monotonic() - t < 1.0:
            sample()
        bus_node.bus.start()
        t = time.monotonic()
        bed.wait_for(lambda: (sample(), bus_node.on_bus())[1], 8, "vipd back on the bus")
        check(time.monotonic() - t < 6, "re-export took %.1f s" % (time.monotonic() - t))
        check(bus_node.get("VI_1", "VirtualAddresses") == [VIP + "/24"], "properties re-exported")
        r = bus_node.busctl("tree", NAME)
        check(inst_path("VI_1") in r.stdout, "instance object re-exported")
    check(n1.state() == "master" and n2.state() == "backup", "states after bus restarts")
    check(not moved, "the VIP moved: %s" % moved[:5])
    for n in (n1, n2):
        check(n.vipd.running(), "vipd exited")
        check(sum("lost the system bus" in ln for ln in n.vipd.lines()) == 1,
              "lost-bus message on %s" % n.node)


# === many instances ===========================================================================

PROBE = r"""
import sys, time
from gi.repository import Gio, GLib
bus = Gio.bus_get_sync(Gio.BusType.SYSTEM)
t0 = time.monotonic(); worst = 0.0
while time.monotonic() - t0 < float(sys.argv[1]):
    t = time.monotonic()
    bus.call_sync("org.vipd.Vrrp1", "/org/vipd/Vrrp1", "org.freedesktop.DBus.Properties", "Get",
                  GLib.Variant("(ss)", ("org.vipd.Vrrp1.Manager", "Version")), None, 0, 60000, None)
    worst = max(worst, time.monotonic() - t)
    time.sleep(0.05)
print("%.3f" % worst)
"""


def case_many_instances_responsive(bed):
    """250 IPv6 instances on one interface: VIP events (adds, lifetime renewals) must not make
    every instance re-read every address, which blocked the main loop for seconds."""
    ns = bed.ns("node1")
    subprocess.run(["ip", "-n", ns, "link", "add", "bx0", "type", "veth", "peer", "name", "bx0p"],
                   check=True)
    for ifname in ("bx0p", "bx0"):
        subprocess.run(["ip", "-n", ns, "link", "set", ifname, "up"], check=True)
    instances = [("VI_%d" % j, "bx0", j, "2001:db8:1::%x/64" % j) for j in range(1, 251)]
    n1 = Node(bed, "node1", conf_text("node1", 150, instances=instances, interval="1",
                                      state="MASTER"))
    v = n1.start_vipd()
    n1.wait_on_bus(timeout=20)
    bed.wait_for(lambda: len(bed.addrs("node1", "bx0")) >= 251, 20, "250 VIPs")
    r = subprocess.run(bed.cmd("node1", [PYTHON, "-c", PROBE, "8"]), capture_output=True,
                       text=True, env=n1.env(), timeout=120)
    check(r.returncode == 0, r.stderr)
    worst = float(r.stdout.strip())
    print("worst property read with 250 instances: %.0f ms" % (worst * 1000))
    # Loose: renewing 250 VIP lifetimes is 250 netlink round trips, a few hundred ms on a busy
    # machine; the bug this guards against blocked for 7.6 s.
    check(worst < 2.5, "a property read took %.0f ms with 250 instances" % (worst * 1000))
    check(not [ln for ln in v.lines() if "events were lost" in ln], "netlink overrun:\n" +
          v.output()[-2000:])


# === the shipped files ========================================================================

def xmllint(*args):
    return subprocess.run(["xmllint"] + list(args), capture_output=True, text=True)


def case_files_xml(_bed):
    if not shutil.which("xmllint"):
        raise AssertionError("xmllint missing (libxml2-utils)")
    intro_dtd = "/usr/share/xml/dbus-1/introspect.dtd"
    for f in sorted(os.listdir(os.path.join(SRCDIR, "dbus-interfaces"))):
        if f.endswith(".xml"):
            p = os.path.join(SRCDIR, "dbus-interfaces", f)
            args = ["--noout", "--nonet"] + (["--dtdvalid", intro_dtd]
                                             if os.path.exists(intro_dtd) else []) + [p]
            r = xmllint(*args)
            check(r.returncode == 0, "%s: %s" % (f, r.stderr))
    conf = os.path.join(SRCDIR, "data", "dbus", "org.vipd.Vrrp1.conf")
    bus_dtd = "/usr/share/xml/dbus-1/busconfig.dtd"
    r = xmllint("--noout", "--nonet", *(["--dtdvalid", bus_dtd] if os.path.exists(bus_dtd)
                                         else []), conf)
    check(r.returncode == 0, "system.d policy: " + r.stderr)
    r = xmllint("--xpath", "//policy[@user='root']/allow/@own", conf)
    check('own="org.vipd.Vrrp1"' in r.stdout, "root may not own the name")
    r = xmllint("--xpath", "count(//allow[@own])", conf)
    check(r.stdout.strip() == "1", "someone else may own a name")
    r = xmllint("--xpath", "//policy[@context='default']/allow/@send_interface", conf)
    for i in ("org.vipd.Vrrp1.Manager", "org.vipd.Vrrp1.Instance", "org.vipd.Vrrp1.TrackScript",
              "org.vipd.Vrrp1.SyncGroup", "org.freedesktop.DBus.Properties",
              "org.freedesktop.DBus.Introspectable", "org.freedesktop.DBus.Peer",
              "org.freedesktop.DBus.ObjectManager"):
        check('"%s"' % i in r.stdout, "policy does not let anyone call %s" % i)
    # It loads in dbus-daemon: a bus that includes it starts and refuses a second owner.
    from privbus import PrivateBus
    with PrivateBus() as bus:
        check(bus.running(), "dbus-daemon refused the policy")
        r = subprocess.run(["setpriv", "--reuid=1", "--regid=1", "--init-groups", PYTHON, "-c",
                            "from gi.repository import Gio, GLib\n"
                            "b=Gio.bus_get_sync(Gio.BusType.SYSTEM)\n"
                            "print(b.call_sync('org.freedesktop.DBus','/org/freedesktop/DBus',"
                            "'org.freedesktop.DBus','RequestName',"
                            "GLib.Variant('(su)',('org.vipd.Vrrp1',0)),None,0,-1,None))\n"],
                           env=bus.env(), capture_output=True, text=True, timeout=30)
        check(r.returncode != 0 and "AccessDenied" in r.stderr,
              "uid 1 may own org.vipd.Vrrp1: %s%s" % (r.stdout, r.stderr))
    pol = os.path.join(BUILD, "polkit", "org.vipd.Vrrp1.policy")
    dtd = "/usr/share/polkit-1/policyconfig-1.dtd"
    r = xmllint("--noout", "--nonet", "--dtdvalid", dtd, pol)
    check(r.returncode == 0, ".policy: " + r.stderr)
    with open(os.path.join(SRCDIR, "service", "bus", "bus-names.h")) as f:
        names = re.findall(r'#define VIPD_ACTION_\w+ "([^"]+)"', f.read())
    check(sorted(names) == sorted(ACTIONS), "bus-names.h actions: %s" % names)
    r = xmllint("--xpath", "//action/@id", pol)
    ids = re.findall(r'id="([^"]+)"', r.stdout)
    check(sorted(ids) == sorted(names), ".policy actions %s != bus-names.h %s" % (ids, names))
    for a in names:
        for key, want in (("allow_any", "no"), ("allow_inactive", "no"),
                          ("allow_active", "auth_admin_keep")):
            r = xmllint("--xpath", "string(//action[@id='%s']/defaults/%s)" % (a, key), pol)
            check(r.stdout.strip() == want, "%s %s=%r" % (a, key, r.stdout))
        for tag in ("description", "message"):
            r = xmllint("--xpath", "string(//action[@id='%s']/%s[@xml:lang='zh_CN'])" % (a, tag),
                        pol)
            zh = r.stdout.strip()
            check(zh and re.search(r"[\u4e00-\u9fff]", zh), "%s has no zh_CN %s" % (a, tag))
            r = xmllint("--xpath", "string(//action[@id='%s']/%s[not(@xml:lang)])" % (a, tag), pol)
            check(r.stdout.strip(), "%s has no untranslated %s" % (a, tag))
    rules = os.path.join(BUILD, "polkit", "50-org.vipd.Vrrp1.rules")
    with open(rules) as f:
        text = f.read()
    check("@" not in text.replace("@ADMIN", ""), "unsubstituted placeholder in the rules")
    check('isInGroup("vipd")' in text, "the rules do not grant the default group vipd")


def unit_keys(path):
    keys = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith(("#", ";", "[")) and "=" in line:
                k, v = line.split("=", 1)
                keys.setdefault(k.strip(), []).append(v.strip())
    return keys


def case_files_systemd(_bed):
    unit = os.path.join(BUILD, "data", "vipd.service")
    k = unit_keys(unit)
    check(k.get("Type") == ["dbus"], "Type=%s" % k.get("Type"))
    check(k.get("BusName") == [NAME], "BusName=%s" % k.get("BusName"))
    check(sorted(k.get("CapabilityBoundingSet", [""])[0].split()) == ["CAP_NET_ADMIN",
                                                                      "CAP_NET_RAW"],
          "CapabilityBoundingSet=%s" % k.get("CapabilityBoundingSet"))
    amb = k.get("AmbientCapabilities")
    check(amb is None or sorted(amb[0].split()) == ["CAP_NET_ADMIN", "CAP_NET_RAW"], "ambient")
    check(k.get("ProtectSystem") == ["strict"], "ProtectSystem=%s" % k.get("ProtectSystem"))
    check(k.get("StateDirectory") == ["vipd"], "StateDirectory=%s" % k.get("StateDirectory"))
    fams = k.get("RestrictAddressFamilies", [""])[0].split()
    check(fams and set(fams) <= {"AF_UNIX", "AF_NETLINK", "AF_INET", "AF_INET6", "AF_PACKET"}
          and {"AF_UNIX", "AF_NETLINK", "AF_INET"} <= set(fams),
          "RestrictAddressFamilies=%s" % fams)
    exe = k["ExecStart"][0].split()[0]
    check(exe.startswith("/") and exe.endswith("/vipd"), "ExecStart=%s" % exe)
    if shutil.which("systemd-analyze"):
        # The ExecStart binary is not installed here: point a copy at the built one.
        with tempfile.TemporaryDirectory() as d:
            with open(unit) as f:
                text = f.read().replace(exe, os.path.abspath(os.path.join(BUILD, "service",
                                                                           "vipd")))
            p = os.path.join(d, "vipd.service")
            with open(p, "w") as f:
                f.write(text)
            r = subprocess.run(["systemd-analyze", "verify", "--man=no", p],
                               capture_output=True, text=True, timeout=60)
            errs = [ln for ln in r.stderr.splitlines() if "vipd.service" in ln]
            check(r.returncode == 0 and not errs, "systemd-analyze verify:\n" + r.stderr)


def case_files_activation(_bed):
    path = os.path.join(BUILD, "data", "org.vipd.Vrrp1.service")
    with open(path) as f:
        text = f.read()
    check(text.splitlines()[0] == "[D-BUS Service]", "no [D-BUS Service] group")
    k = unit_keys(path)
    check(k.get("Name") == [NAME], "Name=%s" % k.get("Name"))
    check(k.get("SystemdService") == ["vipd.service"], "SystemdService=%s" % k.get("SystemdService"))
    check(k.get("User") == ["root"], "User=%s" % k.get("User"))
    check(k["Exec"][0].split()[0].endswith("/vipd") and "@" not in text, "Exec=%s" % k["Exec"])


# ==============================================================================================

NO_BED = {"files_xml", "files_systemd", "files_activation"}


def main():
    if len(sys.argv) != 2:
        print("usage: test_dbus.py CASE", file=sys.stderr)
        return 2
    case = sys.argv[1]
    fn = globals().get("case_" + case)
    if fn is None:
        print("no such case: " + case, file=sys.stderr)
        return 2
    try:
        if case in NO_BED:
            if os.geteuid() != 0 and case == "files_xml":
                raise Skip("needs root (setpriv)")
            fn(None)
        elif getattr(fn, "__wrapped_polkit__", False) or fn.__name__ == "run":
            fn()
        else:
            r = skip_reason()
            if r:
                raise Skip(r)
            with testbed.Bed(nodes=3 if case == "move_demote" else 2) as bed:
                try:
                    fn(bed)
                except BaseException:
                    bed.dump_logs()
                    raise
    except Skip as e:
        print("SKIP: %s" % e)
        return 77
    except AssertionError:
        traceback.print_exc()
        return 1
    print("PASS: " + case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
