"""A private "system" bus for tests, run with the project's own system.d policy.

    with PrivateBus(tmpdir, include_polkit=True) as bus:
        env = bus.env()          # DBUS_SYSTEM_BUS_ADDRESS=unix:path=...
        ...

The config includes data/dbus/org.vipd.Vrrp1.conf (and, when asked, polkitd's own
/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf), so the shipped policy is what the
tests exercise. The default policy adds <allow user="*"/> so that non-root callers may connect,
and nothing else: sending to org.vipd.Vrrp1 is only what the shipped file allows.
Only the dbus-daemon this object started is ever signalled.
"""

import os
import shutil
import subprocess
import tempfile
import time

DBUS_DAEMON = shutil.which("dbus-daemon") or "/usr/bin/dbus-daemon"
POLKIT_BUS_CONF = "/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf"
SRCDIR = os.environ.get("VIPD_SRCDIR",
                        os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
VIPD_BUS_CONF = os.path.join(SRCDIR, "data", "dbus", "org.vipd.Vrrp1.conf")


def skip_reason():
    if not os.path.exists(DBUS_DAEMON):
        return "no dbus-daemon"
    return None


class PrivateBus:
    def __init__(self, tmpdir=None, name="bus", include_polkit=False, extra_confs=()):
        self.own_tmp = tmpdir is None
        self.tmpdir = tmpdir or tempfile.mkdtemp(prefix="vipd-bus-")
        self.dir = os.path.join(self.tmpdir, name)
        os.makedirs(self.dir, exist_ok=True)
        # polkitd and non-root callers (nobody, daemon) must reach the socket.
        os.chmod(self.tmpdir, 0o755)
        os.chmod(self.dir, 0o755)
        self.socket = os.path.join(self.dir, "system_bus_socket")
        self.address = "unix:path=" + self.socket
        self.config = os.path.join(self.dir, "system.conf")
        self.log_path = os.path.join(self.dir, "dbus-daemon.log")
        self.includes = [VIPD_BUS_CONF]
        if include_polkit:
            self.includes.append(POLKIT_BUS_CONF)
        self.includes.extend(extra_confs)
        self.proc = None
        self._write_config()

    def _write_config(self):
        incs = "\n".join("  <include>%s</include>" % p for p in self.includes)
        with open(self.config, "w") as f:
            f.write("""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Peer"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus" send_member="UpdateActivationEnvironment"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Debug.Stats"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.systemd1.Activator"/>
  </policy>
  <policy user="root">
    <allow eavesdrop="true"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow send_type="method_call"/>
    <allow own="*"/>
  </policy>
%s
</busconfig>
""" % (self.socket, incs))

    def add_own_policy(self, name):
        """Lets root own another name (a mock service); call before start()."""
        path = os.path.join(self.dir, "extra-%s.conf" % name)
        with open(path, "w") as f:
            f.write('<busconfig><policy context="default"><allow send_destination="%s"/>'
                    '</policy></busconfig>\n' % name)
        self.includes.append(path)
        self._write_config()

    def env(self, base=None):
        env = dict(os.environ if base is None else base)
        env["DBUS_SYSTEM_BUS_ADDRESS"] = self.address
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        return env

    def start(self, wrap=()):
        """Starts dbus-daemon (argv prefixed by wrap, e.g. a namespace) and waits for the socket."""
        if os.path.exists(self.socket):
            os.unlink(self.socket)
        logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(list(wrap) + [DBUS_DAEMON, "--config-file=" + self.config,
                                                   "--nofork", "--nopidfile", "--nosyslog"],
                                     stdout=logf, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        logf.close()
        deadline = time.monotonic() + 10
        while not os.path.exists(self.socket):
            if self.proc.poll() is not None:
                raise RuntimeError("dbus-daemon exited (%d):\n%s" % (self.proc.returncode,
                                                                     self.log()))
            if time.monotonic() > deadline:
                raise RuntimeError("dbus-daemon did not create %s" % self.socket)
            time.sleep(0.01)
        return self

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=15):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None

    def kill(self):
        self.stop(sig=9)

    def teardown(self):
        self.stop()
        if self.own_tmp:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.teardown()
        return False
