#!/usr/bin/python3
"""LVS virtual servers of vipd on the namespace test bed: real nginx real servers checked by
TCP_CHECK, HTTP_GET and SSL_GET, MISC_CHECK with a timeout, a black-holed real server next to
VRRP adverts, and drain/enable through vipctl under a real polkitd.

Usage: test_lvs.py CASE. Exit 0 pass, 1 fail, 77 skip (not root, no ip netns, no dbus-daemon,
no nginx). The kernel here has no IPVS: vipd runs with VIPD_IPVS_BACKEND=memory, which keeps the
table in the process and logs every operation as "IPVS: ...", so the tests see exactly what
would be programmed. Time bounds are the checker formula plus slack, never exact figures.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "dbus"))
os.environ["VIPD_IPVS_BACKEND"] = "memory"

import test_dbus as td  # noqa: E402
from vipdbus import NAME, Capture, Node, conf_text, run_as, skip_reason, testbed  # noqa: E402

VIPCTL = os.environ.get("VIPCTL") or os.path.join(td.BUILD, "cli", "vipctl")
IFACE_VS = "org.vipd.Vrrp1.VirtualServer"
IFACE_RS = "org.vipd.Vrrp1.RealServer"
VS = "192.0.2.100:80/tcp"
SLACK = 3.0
HELLO_MD5 = "b1946ac92492d2347c6235b4d2611184"   # md5("hello\n"), as genhash prints it

check = td.check


def escape(name):
    return "".join(c if c.isalnum() or c == "_" else "_%02x" % ord(c) for c in name)


def vs_path(vs):
    return "/org/vipd/Vrrp1/virtual_server/" + escape(vs)


def rs_path(vs, rs):
    return vs_path(vs) + "/" + escape(rs)


def rs_prop(node, vs, rs, prop):
    r = node.busctl("--json=short", "get-property", NAME, rs_path(vs, rs), IFACE_RS, prop)
    return json.loads(r.stdout)["data"]


def wait_health(bed, node, vs, rs, want, timeout):
    bed.wait_for(lambda: node.on_bus() and rs_prop(node, vs, rs, "Health") == want, timeout,
                 "%s %s health %s" % (vs, rs, want), interval=0.05)


def nginx_conf(d, servers):
    """servers: list of nginx `server { }` bodies."""
    blocks = "\n".join("server {\n%s\n}" % textwrap.indent(s, "    ") for s in servers)
    return textwrap.dedent("""\
        daemon off;
        master_process off;
        pid {d}/nginx.pid;
        error_log {d}/nginx-error.log;
        events {{ worker_connections 64; }}
        http {{
            access_log off;
        {blocks}
        }}
        """).format(d=d, blocks=textwrap.indent(blocks, "    "))


def start_nginx(bed, node, servers):
    d = os.path.join(bed.tmpdir, "nginx-" + node)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "nginx.conf")
    with open(path, "w") as f:
        f.write(nginx_conf(d, servers))
    proc = bed.start(node, ["nginx", "-p", d, "-c", path], bed.log("nginx-" + node))
    return proc


def wait_port(bed, node, port, timeout=10):
    bed.wait_for(lambda: bed.run(node, ["ss", "-Htln", "sport = :%d" % port],
                                 check=False).stdout.strip(), timeout,
                 "nginx listening on %s:%d" % (node, port))


def director(bed, lvs_text, vrrp=True, polkit=None):
    """vipd on node1 (192.0.2.11) with a private bus; lvs_text is appended to a VRRP config."""
    conf = (conf_text("node1", 150, state="MASTER") if vrrp else "") + "\n" + lvs_text
    if polkit:
        node = polkit(bed, conf)
    else:
        node = Node(bed, "node1", conf)
    return node


def finish(bed, node):
    """Stops vipd the planned way: it exits 0 (a sanitizer report would not), after removing
    the services it programmed."""
    rc = bed.stop(node.vipd, timeout=15)
    out = node.vipd.output()
    check(rc == 0 and "Sanitizer" not in out, "vipd exited %s:\n%s" % (rc, out[-3000:]))
    check("del-service TCP 192.0.2.100:80" in " ".join(ipvs_lines(node)),
          "the service was not removed on stop")


def ipvs_lines(node):
    return [l.split("IPVS: ", 1)[1] for l in node.vipd.lines() if "IPVS: " in l]


# === cases =====================================================================================

def case_nginx_stop_flips(bed):
    """TCP_CHECK and HTTP_GET against real nginx; stopping nginx on one real server turns it down
    only after its retries, removes its destination; starting it brings it back."""
    hello = 'listen 80;\nlocation / { return 200 "hello\\n"; }'
    ng = {n: start_nginx(bed, n, [hello]) for n in ("node2", "node3")}
    for n in ng:
        wait_port(bed, n, 80)
    node = director(bed, textwrap.dedent("""\
        virtual_server 192.0.2.100 80 {
            delay_loop 0.5
            lb_algo wrr
            real_server 192.0.2.12 80 {
                weight 3
                HTTP_GET {
                    url {
                        path /
                        digest %s
                    }
                    connect_timeout 1
                    retry 2
                    delay_before_retry 0.3
                }
            }
            real_server 192.0.2.13 80 {
                weight 2
                TCP_CHECK {
                    connect_timeout 1
                    retry 1
                    delay_before_retry 0.3
                }
            }
        }
        """) % HELLO_MD5)
    node.start_vipd()
    node.wait_on_bus()
    for rs in ("192.0.2.12:80", "192.0.2.13:80"):
        wait_health(bed, node, VS, rs, "up", 5)
    check(rs_prop(node, VS, "192.0.2.12:80", "Weight") == 3, "weight of .12")
    check("digest matches" in rs_prop(node, VS, "192.0.2.12:80", "LastCheckReason"),
          rs_prop(node, VS, "192.0.2.12:80", "LastCheckReason"))
    lines = ipvs_lines(node)
    check("add-service TCP 192.0.2.100:80 wrr" in lines, lines)
    check("add-dest TCP 192.0.2.100:80 wrr -> 192.0.2.12:80 masq weight 3" in lines, lines)

    # nginx on node2 stops: HTTP_GET fails 3 times (retry 2), 0.3 s apart, then down.
    t0 = time.monotonic()
    bed.stop(ng["node2"])
    wait_health(bed, node, VS, "192.0.2.12:80", "down", 0.5 + 2 * 0.3 + 3 * 1 + SLACK)
    took = time.monotonic() - t0
    out = node.vipd.output()
    down_at = out.index("real server 192.0.2.12:80 down")
    retries = out[:down_at].count("real server 192.0.2.12:80 check failed, retrying")
    check(retries == 2, "expected 2 retries before the verdict, saw %d:\n%s" % (retries, out))
    counters = rs_prop(node, VS, "192.0.2.12:80", "Counters")
    check(counters["failures"] >= 3 and counters["transitions"] == 1, counters)
    check(rs_prop(node, VS, "192.0.2.12:80", "InTable") is False, "down server still in table")
    bed.wait_for(lambda: "del-dest TCP 192.0.2.100:80 wrr -> 192.0.2.12:80"
                 in ipvs_lines(node), 2, "the destination removed")
    print("nginx stopped -> real server down after %.2f s (3 failures, 2 retries)" % took)
    # The other server was never touched.
    check(rs_prop(node, VS, "192.0.2.13:80", "Health") == "up", "node3 affected")

    # Back: one success is enough.
    ng["node2"] = start_nginx(bed, "node2", [hello])
    wait_health(bed, node, VS, "192.0.2.12:80", "up", 0.5 + 1 + SLACK)
    bed.wait_for(lambda: ipvs_lines(node).count(
        "add-dest TCP 192.0.2.100:80 wrr -> 192.0.2.12:80 masq weight 3") == 2, 2, "re-added")

    # vipctl lvs shows it, as a table and as JSON.
    r = run_as(bed, "node1", [VIPCTL, "lvs"], node.env())
    check("192.0.2.13:80" in r.stdout and "wrr/NAT" in r.stdout, r.stdout)
    r = run_as(bed, "node1", [VIPCTL, "lvs", "--json"], node.env())
    data = json.loads(r.stdout)
    check(data[0]["Name"] == VS and len(data[0]["RealServers"]) == 2, data)
    check({s["Health"] for s in data[0]["RealServers"]} == {"up"}, data)
    # Bash completion offers the virtual servers, then their real servers, from this vipd.
    comp = os.path.join(td.SRCDIR, "data", "completion", "vipctl")

    def complete(line):
        script = ('source "$1"; COMP_LINE="$2"; COMP_POINT=${#COMP_LINE}; _vipctl; '
                  'printf "%s\\n" "${COMPREPLY[@]}"')
        r = subprocess.run(bed.cmd("node1", ["bash", "-c", script, "bash", comp, line]),
                           capture_output=True, text=True, timeout=20)
        return sorted(w for w in r.stdout.splitlines() if w)
    base = "%s --address %s " % (VIPCTL, node.bus.address)
    check(complete(base + "dr") == ["drain"], complete(base + "dr"))
    check(complete(base + "drain ") == [VS], complete(base + "drain "))
    check(complete(base + "weight %s " % VS) == ["192.0.2.12:80", "192.0.2.13:80"],
          complete(base + "weight %s " % VS))
    finish(bed, node)


def case_http_status_digest(bed):
    """HTTP_GET with the wrong status_code fails, with the wrong digest fails, the right ones
    pass; SSL_GET accepts nginx's self-signed certificate."""
    d = os.path.join(bed.tmpdir, "tls")
    os.makedirs(d)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=rs.example", "-keyout", os.path.join(d, "key.pem"),
                    "-out", os.path.join(d, "cert.pem")], check=True, capture_output=True)
    body = 'location /ok { return 200 "hello\\n"; }\nlocation / { return 404; }'
    servers = ["listen %d;\n%s" % (p, body) for p in (80, 81, 82, 83)]
    servers.append("listen 443 ssl;\nssl_certificate %s/cert.pem;\nssl_certificate_key "
                   "%s/key.pem;\n%s" % (d, d, body))
    start_nginx(bed, "node2", servers)
    for p in (80, 443):
        wait_port(bed, "node2", p)

    def rs(port, checker):
        return ("    real_server 192.0.2.12 %d {\n        %s {\n%s"
                "            connect_timeout 1\n            retry 0\n        }\n    }\n"
                % (port, "SSL_GET" if port == 443 else "HTTP_GET", checker))
    lvs = ("virtual_server 192.0.2.100 80 {\n    delay_loop 0.5\n"
           + rs(80, "            url {\n path /ok\n digest %s\n status_code 200\n }\n" % HELLO_MD5)
           + rs(81, "            url {\n path /ok\n status_code 201-204\n }\n")
           + rs(82, "            url {\n path /ok\n digest d41d8cd98f00b204e9800998ecf8427e\n }\n")
           + rs(83, "            url {\n path /missing\n }\n")
           + rs(443, "            url {\n path /ok\n digest %s\n }\n" % HELLO_MD5)
           + "}\n")
    node = director(bed, lvs, vrrp=False)
    node.start_vipd()
    node.wait_on_bus()
    want = {80: ("up", "digest matches"),
            81: ("down", "HTTP status 200, expected the configured status_code"),
            82: ("down", "body MD5 %s differs from digest d41d8cd98f00b204e9800998ecf8427e"
                 % HELLO_MD5),
            83: ("down", "HTTP status 404, expected 2xx"),
            443: ("up", "digest matches")}
    for port, (health, reason) in want.items():
        name = "192.0.2.12:%d" % port
        bed.wait_for(lambda: rs_prop(node, VS, name, "LastCheck") > 0, 5, "a check of " + name)
        wait_health(bed, node, VS, name, health, 3)
        got = rs_prop(node, VS, name, "LastCheckReason")
        check(reason in got, "%s: reason %r lacks %r" % (name, got, reason))
        print("%s %s: %s" % (name, health, got))
    check(rs_prop(node, VS, "192.0.2.12:443", "Checkers") == ["SSL_GET"], "checkers")
    finish(bed, node)


def case_misc_timeout(bed):
    """MISC_CHECK: a hung script is killed at misc_timeout and the server reported down; with
    misc_dynamic an exit status 2-255 sets the weight (status - 2)."""
    d = os.path.join(bed.tmpdir, "misc")
    os.makedirs(d)
    os.chmod(bed.tmpdir, 0o755)
    os.chmod(d, 0o755)
    hang = os.path.join(d, "hang.sh")
    with open(hang, "w") as f:
        f.write("#!/bin/sh\necho $$ >> %s/hang.pids\nexec sleep 60\n" % d)
    dyn = os.path.join(d, "dyn.sh")
    with open(dyn, "w") as f:
        f.write("#!/bin/sh\nexit $(cat %s/status)\n" % d)
    with open(os.path.join(d, "status"), "w") as f:
        f.write("9\n")
    for p in (hang, dyn):
        os.chmod(p, 0o755)
    node = director(bed, textwrap.dedent("""\
        virtual_server 192.0.2.100 80 {
            delay_loop 1
            real_server 192.0.2.12 80 {
                MISC_CHECK {
                    misc_path %s
                    misc_timeout 0.5
                }
            }
            real_server 192.0.2.13 80 {
                weight 4
                MISC_CHECK {
                    misc_path "%s"
                    misc_dynamic
                }
            }
        }
        """) % (hang, dyn), vrrp=False)
    node.start_vipd()
    node.wait_on_bus()
    wait_health(bed, node, VS, "192.0.2.12:80", "down", 0.5 + SLACK)
    reason = rs_prop(node, VS, "192.0.2.12:80", "LastCheckReason")
    check("timed out after 500 ms (killed)" in reason, reason)
    # The hung script (and its sleep: the whole process group) is gone.
    pids = [int(p) for p in open(os.path.join(d, "hang.pids")).read().split()]
    time.sleep(0.3)
    alive = [p for p in pids[:-1] if os.path.exists("/proc/%d" % p)]
    check(not alive, "hung MISC_CHECK runs still alive: %s" % alive)
    # misc_dynamic: exit 9 -> weight 7.
    bed.wait_for(lambda: rs_prop(node, VS, "192.0.2.13:80", "Weight") == 7, 4, "weight 7")
    check(rs_prop(node, VS, "192.0.2.13:80", "ConfiguredWeight") == 4, "configured weight")
    with open(os.path.join(d, "status"), "w") as f:
        f.write("1\n")
    wait_health(bed, node, VS, "192.0.2.13:80", "down", 1 + SLACK)
    check(rs_prop(node, VS, "192.0.2.13:80", "InTable") is False, "still in the table")
    print("hung script killed:", reason)
    finish(bed, node)


def case_blackhole_keeps_adverts(bed):
    """Twenty real servers whose SYNs are dropped (nftables in their namespace): the checks
    wait for connect_timeout, and the adverts of the VRRP instance next to them keep their
    pace."""
    rules = ("table inet blackhole {\n chain input {\n type filter hook input priority 0;\n"
             " tcp dport 8000-8100 drop\n }\n}\n")
    subprocess.run(bed.cmd("node2", ["nft", "-f", "-"]), input=rules, text=True, check=True)
    servers = "".join(
        "    real_server 192.0.2.12 %d {\n        TCP_CHECK {\n            connect_timeout 2\n"
        "            retry 0\n        }\n    }\n" % (8000 + i) for i in range(20))
    node = director(bed, "virtual_server 192.0.2.100 80 {\n    delay_loop 0.5\n%s}\n" % servers)
    cap = Capture(bed, node="client", seconds=12)
    node.start_vipd()
    td.wait_master(bed, node, timeout=10)
    wait_health(bed, node, VS, "192.0.2.12:8000", "down", 2 + SLACK)
    reason = rs_prop(node, VS, "192.0.2.12:8000", "LastCheckReason")
    check("timed out after 2000 ms" in reason, reason)
    time.sleep(4)
    ads = [a for a in cap.adverts() if a["src"] == "192.0.2.11"]
    check(len(ads) > 30, "only %d adverts" % len(ads))
    gaps = [b["t"] - a["t"] for a, b in zip(ads, ads[1:])]
    print("%d adverts while 20 black-holed checks ran: largest gap %.0f ms (interval 100 ms)"
          % (len(ads), max(gaps) * 1000))
    # Loose: a stalled loop would show a gap of connect_timeout (2 s).
    check(max(gaps) < 0.5, "advert gap of %.0f ms" % (max(gaps) * 1000))
    finish(bed, node)


def lvs_polkit(bed, conf):
    return td.RealPolkit(bed, conf).node


def case_drain_enable_polkit(bed=None):
    """vipctl drain/enable/weight under a real polkitd: root and the admin group may, another
    user is refused with exit 3 and the action named."""
    # RealPolkit binds over /etc: only inside a private mount namespace (re-exec as test_dbus).
    if not td.in_private_mount_ns():
        rc = subprocess.call(["unshare", "-m", "--propagation", "private", td.PYTHON,
                              os.path.abspath(__file__), "drain_enable_polkit"],
                             env=dict(os.environ, VIPD_TEST_MNTNS="1"))
        raise SystemExit(rc)
    with testbed.Bed(nodes=3) as bed:
        try:
            drain_enable(bed)
        except BaseException:
            bed.dump_logs()
            raise


def drain_enable(bed):
    start_nginx(bed, "node2", ['listen 80;\nlocation / { return 200 "x\\n"; }'])
    wait_port(bed, "node2", 80)
    pk = td.RealPolkit(bed, conf_text("node1", 150, state="MASTER") + textwrap.dedent("""
        virtual_server 192.0.2.100 80 {
            delay_loop 0.5
            real_server 192.0.2.12 80 {
                weight 5
                TCP_CHECK {
                    connect_timeout 1
                }
            }
        }
        """))
    node = pk.node
    node.start_vipd()
    node.wait_on_bus()
    rs = "192.0.2.12:80"
    wait_health(bed, node, VS, rs, "up", 5)

    def vipctl(*args, user=None):
        return run_as(bed, "node1", [VIPCTL, "--no-ask-password"] + list(args), node.env(),
                      user=user, check=False)

    r = vipctl("drain", "192.0.2.100:80", rs)
    check(r.returncode == 0, r.stderr)
    check(rs_prop(node, VS, rs, "Weight") == 0 and rs_prop(node, VS, rs, "AdminWeight") == 0,
          "not drained")
    bed.wait_for(lambda: "edit-dest TCP 192.0.2.100:80 wlc -> 192.0.2.12:80 masq weight 0"
                 in ipvs_lines(node), 2, "weight 0 programmed")
    check(rs_prop(node, VS, rs, "Health") == "up", "draining changed the health")
    # A drained server stays drained when vipd restarts (the state directory keeps it).
    rc = bed.stop(node.vipd, timeout=15)
    check(rc == 0, "vipd exited %s" % rc)
    node.start_vipd()
    node.wait_on_bus()
    check(rs_prop(node, VS, rs, "AdminWeight") == 0, "the drain did not survive a restart")
    bed.wait_for(lambda: "add-dest TCP 192.0.2.100:80 wlc -> 192.0.2.12:80 masq weight 0"
                 in ipvs_lines(node), 3, "drained at start")
    # Another user: refused, exit 3, the action named; nothing changes.
    r = vipctl("enable", VS, rs, user=td.DAEMON)
    refusal = r.stderr.splitlines()[0] if r.stderr else ""
    check(r.returncode == 3 and "org.vipd.vrrp1.enable" in r.stderr, (r.returncode, r.stderr))
    check(rs_prop(node, VS, rs, "AdminWeight") == 0, "a refused Enable took effect")
    r = vipctl("weight", VS, rs, "9", user=td.DAEMON)
    check(r.returncode == 3 and "org.vipd.vrrp1.set-weight" in r.stderr, r.stderr)
    # The admin group (nobody is a member inside this mount namespace) may.
    r = vipctl("weight", VS, rs, "9", user=td.NOBODY)
    check(r.returncode == 0, r.stderr)
    check(rs_prop(node, VS, rs, "Weight") == 9, "weight 9")
    r = vipctl("enable", VS, rs)
    check(r.returncode == 0, r.stderr)
    check(rs_prop(node, VS, rs, "Weight") == 5 and rs_prop(node, VS, rs, "AdminWeight") == -1,
          "not enabled")
    with open(os.path.join(node.state_dir, "admin.state")) as f:
        state = f.read()
    check("192.0.2.12:80" not in state, "Enable left a saved weight: %s" % state)
    # Unknown names: exit 5 with the known ones listed; bad weight: exit 2.
    r = vipctl("drain", VS, "192.0.2.99:80")
    check(r.returncode == 5 and "192.0.2.12:80" in r.stderr, r.stderr)
    r = vipctl("drain", "192.0.2.1:80", rs)
    check(r.returncode == 5 and VS in r.stderr, r.stderr)
    r = vipctl("weight", VS, rs, "70000")
    check(r.returncode == 2, r.stderr)
    out = node.vipd.output()
    check("admin: SetWeight 9 by uid %d" % td.NOBODY in out, out)
    print("drain, weight and enable done; uid %d refused: %s" % (td.DAEMON, refusal.strip()))
    # The README's vipctl lines for virtual servers run as they are written.
    with open(os.path.join(td.SRCDIR, "README.md")) as f:
        m = re.search(r"^## LVS virtual servers\n(.*?)(?=^## )", f.read(), re.S | re.M)
    check(m, "README has no '## LVS virtual servers' section")
    cmds = [ln.split("#")[0].split() for ln in m.group(1).splitlines()
            if re.match(r"(sudo )?vipctl ", ln.strip())]
    check(len(cmds) == 4, "README vipctl lines: %s" % cmds)
    for argv in cmds:
        argv = argv[1:] if argv[0] == "sudo" else argv
        r = vipctl(*argv[1:])
        check(r.returncode == 0, "README: %s: %s" % (" ".join(argv), r.stderr))
    check(rs_prop(node, VS, rs, "AdminWeight") == -1, "README sequence left an admin weight")
    finish(bed, node)


def case_reload_keeps_state(bed):
    """Reload: a real server whose checks did not change keeps its state and counters; one whose
    checker changed starts afresh (down until a success: alpha); unchanged destinations are not
    touched."""
    start_nginx(bed, "node2", ['listen 80;\nlocation / { return 200 "x\\n"; }'])
    wait_port(bed, "node2", 80)
    lvs = textwrap.dedent("""\
        virtual_server 192.0.2.100 80 {
            delay_loop 0.3
            alpha
            real_server 192.0.2.12 80 {
                weight %d
                TCP_CHECK {
                    connect_timeout 1
                }
            }
            real_server 192.0.2.13 80 {
                TCP_CHECK {
                    connect_timeout %d
                    retry 0
                }
            }
        }
        """)
    node = director(bed, lvs % (2, 1), vrrp=False)
    node.start_vipd()
    node.wait_on_bus()
    wait_health(bed, node, VS, "192.0.2.13:80", "down", 3)
    bed.wait_for(lambda: rs_prop(node, VS, "192.0.2.12:80", "Counters")["checks"] >= 3, 5, "checks")
    before = rs_prop(node, VS, "192.0.2.12:80", "Counters")["checks"]
    node.write_conf(lvs % (4, 2))
    n_ipvs = len(ipvs_lines(node))
    r = node.call("/org/vipd/Vrrp1", "org.vipd.Vrrp1.Manager", "Reload")
    check(isinstance(r, list), r)
    # .12 kept its checker (counters go on) and got its new weight by an edit.
    check(rs_prop(node, VS, "192.0.2.12:80", "Counters")["checks"] >= before, "counters reset")
    bed.wait_for(lambda: rs_prop(node, VS, "192.0.2.12:80", "Weight") == 4, 2, "weight 4")
    new = ipvs_lines(node)[n_ipvs:]
    check(new == ["edit-dest TCP 192.0.2.100:80 wlc -> 192.0.2.12:80 masq weight 4"], new)
    out = node.vipd.output()
    check("1 real server check kept, 1 started" in out, out)
    finish(bed, node)


def case_quorum_sorry_notify(bed):
    """Quorum 2 of two weight-1 servers: one stops, the quorum is lost, the sorry server serves
    alone, quorum_down and notify_down run; it comes back and everything reverses."""
    hello = 'listen 80;\nlocation / { return 200 "x\\n"; }'
    ng = {n: start_nginx(bed, n, [hello]) for n in ("node2", "node3")}
    for n in ng:
        wait_port(bed, n, 80)
    d = os.path.join(bed.tmpdir, "scripts")
    os.makedirs(d)
    events = os.path.join(d, "events")
    note = os.path.join(d, "note.sh")
    with open(note, "w") as f:
        f.write("#!/bin/sh\necho \"$*\" >> %s\n" % events)
    os.chmod(note, 0o755)
    node = director(bed, textwrap.dedent("""\
        virtual_server 192.0.2.100 80 {
            delay_loop 0.3
            quorum 2
            sorry_server 192.0.2.250 80
            quorum_up "%(n)s quorum_up"
            quorum_down "%(n)s quorum_down"
            omega
            real_server 192.0.2.12 80 {
                notify_down "%(n)s down 12"
                notify_up "%(n)s up 12"
                TCP_CHECK {
                    connect_timeout 1
                    retry 0
                }
            }
            real_server 192.0.2.13 80 {
                TCP_CHECK {
                    connect_timeout 1
                    retry 0
                }
            }
        }
        """) % {"n": note}, vrrp=False)
    node.start_vipd()
    node.wait_on_bus()
    get = lambda p: json.loads(node.busctl("--json=short", "get-property", NAME, vs_path(VS),
                                           IFACE_VS, p).stdout)["data"]
    check(get("QuorumState") == "up" and get("SorryServerActive") is False, "quorum at start")
    bed.stop(ng["node2"])
    bed.wait_for(lambda: get("QuorumState") == "lost", 0.3 + 1 + SLACK, "quorum lost")
    check(get("SorryServerActive") is True and get("SorryServer") == "192.0.2.250:80", "sorry")
    bed.wait_for(lambda: "add-dest TCP 192.0.2.100:80 wlc -> 192.0.2.250:80 masq weight 1"
                 in ipvs_lines(node), 2, "sorry server added")
    lines = ipvs_lines(node)
    check("del-dest TCP 192.0.2.100:80 wlc -> 192.0.2.13:80" in lines,
          "the live server stays beside the sorry server: %s" % lines)
    check(rs_prop(node, VS, "192.0.2.13:80", "InTable") is False, ".13 in table")
    bed.wait_for(lambda: os.path.exists(events) and "quorum_down" in open(events).read(), 5,
                 "quorum_down ran")
    check("down 12" in open(events).read(), open(events).read())
    ng["node2"] = start_nginx(bed, "node2", [hello])
    bed.wait_for(lambda: get("QuorumState") == "up", 0.3 + 1 + SLACK, "quorum regained")
    bed.wait_for(lambda: "del-dest TCP 192.0.2.100:80 wlc -> 192.0.2.250:80"
                 in ipvs_lines(node), 2, "sorry server withdrawn")
    bed.wait_for(lambda: "quorum_up" in open(events).read(), 5, "quorum_up ran")
    got = open(events).read().split("\n")
    check(got[:4] == ["down 12", "quorum_down", "up 12", "quorum_up"], got)
    print("scripts in order:", got[:4])
    finish(bed, node)
    # omega: quorum_down runs when vipd stops, and the stop waits for it.
    got = open(events).read().split("\n")
    check(got[4:6] == ["quorum_down", ""], got)


def case_ipv6(bed):
    """An IPv6 virtual server with an HTTP_GET real server and a dead one: checked over IPv6,
    programmed with IPv6 destinations."""
    start_nginx(bed, "node2", ['listen [::]:80;\nlocation / { return 200 "hello\\n"; }'])
    wait_port(bed, "node2", 80)
    node = director(bed, textwrap.dedent("""\
        virtual_server 2001:db8::100 80 {
            delay_loop 0.5
            real_server 2001:db8::12 80 {
                HTTP_GET {
                    url {
                        path /
                        digest %s
                    }
                    connect_timeout 1
                }
            }
            real_server 2001:db8::13 80 {
                TCP_CHECK {
                    connect_timeout 1
                    retry 0
                }
            }
        }
        """) % HELLO_MD5, vrrp=False)
    node.start_vipd()
    node.wait_on_bus()
    vs = "[2001:db8::100]:80/tcp"
    bed.wait_for(lambda: rs_prop(node, vs, "[2001:db8::12]:80", "LastCheck") > 0, 5, "a check")
    check(rs_prop(node, vs, "[2001:db8::12]:80", "Health") == "up",
          rs_prop(node, vs, "[2001:db8::12]:80", "LastCheckReason"))
    wait_health(bed, node, vs, "[2001:db8::13]:80", "down", 0.5 + 1 + SLACK)
    lines = ipvs_lines(node)
    check("add-dest TCP [2001:db8::100]:80 wlc -> [2001:db8::12]:80 masq weight 1" in lines, lines)
    bed.wait_for(lambda: "del-dest TCP [2001:db8::100]:80 wlc -> [2001:db8::13]:80"
                 in ipvs_lines(node), 2, ".13 removed")
    rc = bed.stop(node.vipd, timeout=15)
    check(rc == 0 and "del-service TCP [2001:db8::100]:80 wlc" in ipvs_lines(node),
          node.vipd.output())


NO_BED = {"drain_enable_polkit"}


def main():
    if len(sys.argv) != 2:
        print("usage: test_lvs.py CASE", file=sys.stderr)
        return 2
    case = sys.argv[1]
    fn = globals().get("case_" + case)
    if fn is None:
        print("no such case: " + case, file=sys.stderr)
        return 2
    r = skip_reason(need_polkitd=case in NO_BED)
    if r is None and not shutil.which("nginx"):
        r = "no nginx"
    if r:
        print("SKIP: " + r)
        return 77
    try:
        if case in NO_BED:
            fn()
        else:
            with testbed.Bed(nodes=3) as bed:
                try:
                    fn(bed)
                except BaseException:
                    bed.dump_logs()
                    raise
    except AssertionError as e:
        print("FAIL: %s" % e, file=sys.stderr)
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
