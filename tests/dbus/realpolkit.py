"""The real polkitd for tests, with the project's shipped .policy and rules.

polkitd reads its actions, rules and the group database from fixed paths, so a test binds its
own copies over them; that must happen in a private mount namespace (`unshare -m --propagation
private`), where nobody else sees the bind mounts:

    if not in_private_mount_ns():
        sys.exit(reexec_in_mount_ns([__file__] + sys.argv[1:]))
    bind_polkit_files(tmpdir, builddir, members=["nobody"])
    polkitd = start_polkitd(bed, node)      # on node's private system bus
"""

import os
import re
import shutil
import subprocess
import tempfile

POLKITD = "/usr/lib/polkit-1/polkitd"
PYTHON = "/usr/bin/python3"
ADMIN_GROUP = "vipd"


def skip_reason():
    if not os.path.exists(POLKITD):
        return "no polkitd"
    if not shutil.which("unshare") or not shutil.which("setpriv"):
        return "no unshare/setpriv"
    return None


def in_private_mount_ns():
    return os.environ.get("VIPD_TEST_MNTNS") == "1"


def reexec_in_mount_ns(argv):
    """Runs PYTHON argv again in a private mount namespace; returns its exit status."""
    env = dict(os.environ, VIPD_TEST_MNTNS="1")
    return subprocess.call(["unshare", "-m", "--propagation", "private", PYTHON]
                           + [os.path.abspath(argv[0])] + list(argv[1:]), env=env)


def bind_polkit_files(tmpdir, builddir, members=()):
    """Binds the built .policy and rules over polkit's directories, and /etc/group plus a group
    "vipd" with members (user names) over /etc/group. Only in a private mount namespace."""
    if not in_private_mount_ns():
        raise RuntimeError("bind_polkit_files outside a private mount namespace")
    t = tempfile.mkdtemp(prefix="vipd-polkit-", dir=tmpdir)
    os.chmod(t, 0o755)
    actions = os.path.join(t, "actions")
    rules = os.path.join(t, "rules.d")
    os.mkdir(actions, 0o755)
    os.mkdir(rules, 0o755)
    shutil.copy(os.path.join(builddir, "polkit", "org.vipd.Vrrp1.policy"), actions)
    shutil.copy(os.path.join(builddir, "polkit", "50-org.vipd.Vrrp1.rules"), rules)
    for d in (actions, rules):
        for f in os.listdir(d):
            os.chmod(os.path.join(d, f), 0o644)
    group = os.path.join(t, "group")
    with open("/etc/group") as f:
        text = f.read()
    if re.search(r"^%s:" % ADMIN_GROUP, text, re.M):
        raise RuntimeError("the host already has a group %s" % ADMIN_GROUP)
    gids = {int(line.split(":")[2]) for line in text.splitlines() if line.count(":") >= 3}
    gid = next(g for g in range(64000, 65000) if g not in gids)
    with open(group, "w") as f:
        f.write(text.rstrip("\n") + "\n%s:x:%d:%s\n" % (ADMIN_GROUP, gid, ",".join(members)))
    os.chmod(group, 0o644)
    for src, dst in ((actions, "/usr/share/polkit-1/actions"),
                     (rules, "/etc/polkit-1/rules.d"), (group, "/etc/group")):
        subprocess.run(["mount", "--bind", src, dst], check=True)
    return gid


def start_polkitd(bed, node):
    """Starts polkitd in node's namespace on node's private bus (made with include_polkit) and
    waits until it owns its name; returns the bed's process."""
    proc = bed.start(node.node, [POLKITD], bed.log("polkitd-%s" % node.node), env=node.env())

    def on_bus():
        r = node.busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                        "org.freedesktop.DBus", "NameHasOwner", "s", "org.freedesktop.PolicyKit1",
                        check=False)
        return r.stdout.strip() == "b true"

    bed.wait_for(on_bus, 10, "polkitd on the bus of %s" % node.node)
    return proc
