"""A throwaway qemu VM with a kernel that has IPVS, running the host's own files.

The host kernel here has no IPVS, so these tests boot Debian's generic kernel in qemu (software
emulation: no KVM) with a small initramfs: busybox, the kernel modules the tests need and an
init script. Init loads the modules, mounts the host's root read-only over 9p (so the freshly
built vipd and tools run with the host's libraries), puts tmpfs on the few places that must be
writable, mounts a writable 9p share for results, and runs one command in a chroot of the host
root. The VM has no network card: nothing it does can reach the host's network.

    with VM(modules=["ip_vs", "ip_vs_rr"]) as vm:
        rc = vm.run(["/usr/bin/python3", "inside.py"], timeout=300)
        print(vm.output)

The kernel comes from Debian's archive with ``apt-get download`` (never installed on the host)
into a cache dir, extracted with ``dpkg-deb -x``; only the kernel image and the closure of the
wanted modules are kept. ``skip_reason()`` says why no VM can run here at all.
"""

import glob
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

QEMU = shutil.which("qemu-system-x86_64") or "/usr/bin/qemu-system-x86_64"
BUSYBOX = "/bin/busybox"
DEPMOD = shutil.which("depmod") or "/sbin/depmod"
HERE = os.path.dirname(os.path.abspath(__file__))

# Loaded before the host root can be mounted.
BASE_MODULES = ["virtio_pci", "9pnet_virtio", "9p"]
SCHEDULERS = ["ip_vs_rr", "ip_vs_wrr", "ip_vs_lc", "ip_vs_wlc", "ip_vs_sh", "ip_vs_dh",
              "ip_vs_sed", "ip_vs_nq", "ip_vs_lblc", "ip_vs_lblcr", "ip_vs_fo", "ip_vs_ovf",
              "ip_vs_mh"]
# libcrc32c (an ip_vs dependency) needs a crc32c driver only through a soft dependency, which
# modules.dep does not list.
IPVS_MODULES = ["crc32c_generic", "ip_vs"] + SCHEDULERS
NET_MODULES = ["veth", "bridge", "dummy"]
# Everything that any test may ask for: the initramfs carries their closure.
ALL_MODULES = BASE_MODULES + IPVS_MODULES + NET_MODULES

INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules.base); do modprobe "$m" || echo "vm-init: cannot load $m"; done
mkdir -p /host /out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro hostroot /host || poweroff -f
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out /out || poweroff -f
echo booted > /out/booted
for m in $(cat /out/modules); do modprobe "$m" || echo "vm-init: cannot load $m" >> /out/output; done
# The paths the command needs stay visible even under the tmpfs mounts below (a checkout in
# /tmp or /root): bound aside first, moved back on top after.
i=0
while read -r p; do
    [ -n "$p" ] || continue
    mkdir -p "/keep/$i" && mount --bind "/host$p" "/keep/$i"
    i=$((i + 1))
done < /out/keep
for d in tmp run var/tmp var/lib var/log var/cache root home; do
    [ -d "/host/$d" ] && mount -t tmpfs -o mode=1777 vm-tmp "/host/$d"
done
i=0
while read -r p; do
    [ -n "$p" ] || continue
    mkdir -p "/host$p" 2>/dev/null; mount --move "/keep/$i" "/host$p"
    i=$((i + 1))
done < /out/keep
mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount -t devtmpfs dev /host/dev
mkdir -p /host/dev/pts /host/dev/shm /host/tmp/vmout
mount -t devpts devpts /host/dev/pts
mount -t tmpfs shm /host/dev/shm
mount --bind /out /host/tmp/vmout
ip link set lo up
cd /host
chroot /host /bin/sh /tmp/vmout/run >> /out/output 2>&1
echo $? > /out/status
sync
poweroff -f
"""

RUN = """set -u
cd {cwd}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1
{env}
exec {argv}
"""


def _quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def skip_reason():
    """Why no VM can run here, or None. qemu and busybox are all that must be present."""
    if not os.access(QEMU, os.X_OK):
        return "no qemu-system-x86_64 (Debian package qemu-system-x86)"
    if subprocess.run([QEMU, "--version"], stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode != 0:
        return "qemu-system-x86_64 does not run here"
    if not os.access(BUSYBOX, os.X_OK):
        return "no static busybox (Debian package busybox-static)"
    return None


class VMError(Exception):
    pass


def _cpio_newc(entries):
    """An uncompressed initramfs: entries are (path, mode, data or link target)."""
    out = bytearray()
    ino = 1
    for path, mode, data in entries + [("TRAILER!!!", 0, b"")]:
        name = path.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name), 0))
        out += hdr.encode() + name
        out += b"\0" * (-len(out) % 4)
        out += data
        out += b"\0" * (-len(out) % 4)
        ino += 1
    return bytes(out)


class Kernel:
    """Debian's generic kernel, extracted into cache_dir (downloaded once)."""

    def __init__(self, cache_dir):
        self.cache_dir = cache_dir
        os.makedirs(cache_dir, exist_ok=True)
        trees = self._trees()
        if not trees:
            self._fetch()
            trees = self._trees()
        self.root = os.path.dirname(trees[-1])
        self.version = open(trees[-1]).read().split()[0]
        self.vmlinuz = os.path.join(self.root, "vmlinuz")
        self.moddir = os.path.join(self.root, "lib", "modules", self.version)

    def _trees(self):
        """Extracted kernels whose module subset is the one this harness wants."""
        want = " ".join(ALL_MODULES)
        return [r for r in sorted(glob.glob(os.path.join(self.cache_dir, "kernel-*", "ready")))
                if open(r).read().split("\n")[1:2] == [want]]

    def _run(self, argv, cwd):
        p = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
        if p.returncode != 0:
            raise VMError("%s failed (%d): %s" % (" ".join(argv), p.returncode, p.stdout.strip()))
        return p.stdout

    def _fetch(self):
        work = tempfile.mkdtemp(prefix="kernel-fetch-", dir=self.cache_dir)
        try:
            try:
                self._run(["apt-get", "download", "linux-image-amd64"], work)
            except VMError as e:
                raise VMError("cannot download Debian's kernel (is 'apt-get update' done?): %s" % e)
            meta = glob.glob(os.path.join(work, "linux-image-amd64_*.deb"))[0]
            dep = self._run(["dpkg-deb", "-f", meta, "Depends"], work).split()[0]
            self._run(["apt-get", "download", dep], work)
            deb = glob.glob(os.path.join(work, dep + "_*.deb"))[0]
            tree = os.path.join(work, "tree")
            self._run(["dpkg-deb", "-x", deb, tree], work)
            version = os.listdir(os.path.join(tree, "lib", "modules"))[0]
            # depmod on the full tree gives the dependency closure of the modules we keep.
            self._run([DEPMOD, "-b", tree, version], work)
            src = os.path.join(tree, "lib", "modules", version)
            keep = self._closure(src, ALL_MODULES)
            dest = os.path.join(self.cache_dir, "kernel-" + version)
            shutil.rmtree(dest, ignore_errors=True)
            os.makedirs(dest)
            shutil.copy(glob.glob(os.path.join(tree, "boot", "vmlinuz-*"))[0],
                        os.path.join(dest, "vmlinuz"))
            for rel in keep:
                os.makedirs(os.path.dirname(os.path.join(dest, "lib", "modules", version, rel)),
                            exist_ok=True)
                shutil.copy(os.path.join(src, rel), os.path.join(dest, "lib", "modules", version, rel))
            for f in ("modules.order", "modules.builtin", "modules.builtin.modinfo"):
                if os.path.exists(os.path.join(src, f)):
                    shutil.copy(os.path.join(src, f), os.path.join(dest, "lib", "modules", version, f))
            # busybox modprobe reads modules.dep: it must describe the kept subset.
            self._run([DEPMOD, "-b", dest, version], work)
            with open(os.path.join(dest, "ready"), "w") as f:
                f.write(version + "\n" + " ".join(ALL_MODULES) + "\n")
        finally:
            shutil.rmtree(work, ignore_errors=True)

    @staticmethod
    def _closure(moddir, names):
        deps = {}
        with open(os.path.join(moddir, "modules.dep")) as f:
            for line in f:
                path, _, rest = line.partition(":")
                deps[path] = rest.split()
        by_name = {}
        for path in deps:
            base = os.path.basename(path).split(".ko")[0]
            by_name[base] = path
            by_name[base.replace("-", "_")] = path
        keep = set()
        for name in names:
            if name not in by_name:
                continue  # built in
            todo = [by_name[name]]
            while todo:
                p = todo.pop()
                if p not in keep:
                    keep.add(p)
                    todo.extend(deps.get(p, []))
        return sorted(keep)

    def initramfs(self):
        """Builds (once per content) the initramfs and returns its path."""
        files = []
        for dirpath, _dirs, names in os.walk(os.path.join(self.root, "lib")):
            for n in names:
                files.append(os.path.join(dirpath, n))
        files.sort()
        h = hashlib.sha256(INIT.encode())
        h.update(" ".join(BASE_MODULES).encode())
        for p in files:
            h.update(p.encode())
        h.update(open(BUSYBOX, "rb").read())
        path = os.path.join(self.cache_dir, "initramfs-%s.cpio" % h.hexdigest()[:16])
        if os.path.exists(path):
            return path
        entries = []
        dirs = set()

        def add_dir(d):
            if d in ("", ".") or d in dirs:
                return
            add_dir(os.path.dirname(d))
            dirs.add(d)
            entries.append((d, stat.S_IFDIR | 0o755, b""))

        for d in ("bin", "dev", "proc", "sys", "tmp", "sbin", "usr/bin", "usr/sbin"):
            add_dir(d)
        entries.append(("bin/busybox", stat.S_IFREG | 0o755, open(BUSYBOX, "rb").read()))
        entries.append(("init", stat.S_IFREG | 0o755, INIT.encode()))
        entries.append(("modules.base", stat.S_IFREG | 0o644, "\n".join(BASE_MODULES).encode()))
        for p in files:
            rel = os.path.relpath(p, self.root)
            add_dir(os.path.dirname(rel))
            entries.append((rel, stat.S_IFREG | 0o644, open(p, "rb").read()))
        tmp = path + ".tmp%d" % os.getpid()
        with open(tmp, "wb") as f:
            f.write(_cpio_newc(entries))
        os.replace(tmp, path)
        for old in glob.glob(os.path.join(self.cache_dir, "initramfs-*.cpio")):
            if old != path:
                os.unlink(old)  # built for an earlier init script or module set
        return path


class VM:
    """One boot of the VM that runs one command; ``run`` returns its exit status."""

    def __init__(self, modules=(), cache_dir=None, memory_mb=1024):
        self.cache_dir = cache_dir or os.environ.get("VM_CACHE") or os.path.join(
            tempfile.gettempdir(), "vipd-vm-cache")
        self.modules = list(modules)
        self.memory_mb = memory_mb
        self.out = None
        self.proc = None
        self.output = ""
        self.console = ""
        self.boot_seconds = None
        self.total_seconds = None

    def __enter__(self):
        self.kernel = Kernel(self.cache_dir)
        self.initrd = self.kernel.initramfs()
        self.out = tempfile.mkdtemp(prefix="vipd-vm-")
        _live.append(self)
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False

    def cleanup(self):
        """Kills this VM's qemu and removes its share; also done on SIGTERM/SIGINT/SIGHUP."""
        self.stop()
        if self in _live:
            _live.remove(self)
        if self.out:
            shutil.rmtree(self.out, ignore_errors=True)
            self.out = None

    def stop(self):
        """Kills the qemu this VM started, if it still runs."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def write(self, name, text):
        """A file the command inside finds as /tmp/vmout/NAME."""
        with open(os.path.join(self.out, name), "w") as f:
            f.write(text)
        return "/tmp/vmout/" + name

    def path(self, name):
        return os.path.join(self.out, name)

    def run(self, argv, env=None, cwd="/", timeout=600, keep=()):
        """Runs argv inside; keep lists host directories that must stay visible even where
        the VM puts a tmpfs (/tmp, /run, /var/lib, /root, /home ...); cwd is kept too."""
        keep_paths = sorted({os.path.realpath(p) for p in list(keep) + [cwd] if p != "/"})
        self.write("keep", "".join(p + "\n" for p in keep_paths))
        env_lines = "\n".join("export %s=%s" % (k, _quote(v)) for k, v in (env or {}).items())
        self.write("run", RUN.format(cwd=_quote(cwd), env=env_lines,
                                     argv=" ".join(_quote(a) for a in argv)))
        self.write("modules", "\n".join(self.modules) + "\n")
        open(self.path("output"), "w").close()
        console = self.path("console")
        cmd = [QEMU, "-machine", "pc", "-cpu", "max", "-smp", "1", "-m", str(self.memory_mb),
               "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
               "-kernel", self.kernel.vmlinuz, "-initrd", self.initrd,
               "-append", "console=ttyS0 panic=-1 quiet loglevel=3 rdinit=/init",
               "-serial", "file:" + console, "-nic", "none",
               "-virtfs", "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,"
                          "multidevs=remap",
               "-virtfs", "local,path=%s,mount_tag=out,security_model=none" % self.out]
        t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        status = None
        try:
            while True:
                if self.boot_seconds is None and os.path.exists(self.path("booted")):
                    self.boot_seconds = time.monotonic() - t0
                if self.proc.poll() is not None:
                    break
                if time.monotonic() - t0 > timeout:
                    self.stop()
                    raise VMError("the VM did not finish within %d s" % timeout)
                time.sleep(0.1)
        finally:
            self.total_seconds = time.monotonic() - t0
            self.output = open(self.path("output"), errors="replace").read()
            if os.path.exists(console):
                self.console = open(console, errors="replace").read()
            qemu_out = self.proc.stdout.read().decode(errors="replace") if self.proc.stdout else ""
            self.proc.stdout.close()
            if qemu_out.strip():
                self.console += "\n[qemu] " + qemu_out
        if os.path.exists(self.path("status")):
            status = int(open(self.path("status")).read().strip() or "255")
        if status is None:
            raise VMError("the VM stopped without an exit status (qemu exit %s); console:\n%s"
                          % (self.proc.returncode, self.console[-3000:]))
        return status


def _on_term(signum, _frame):
    # Kill exactly the qemu processes this harness started, then die of the same signal.
    for vm in list(_live):
        vm.cleanup()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


_live = []
for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_sig, _on_term)
