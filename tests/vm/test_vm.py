"""Runs one VM case: boots the VM, runs the case's script inside, reports its result.

    test_vm.py CASE

Exit status: the inside script's (0 passed, 77 skipped, anything else failed); 77 as well when
no VM can run here at all. Prints the VM's boot and total times, so a run's log shows them.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import vmbed  # noqa: E402

IPVS = vmbed.IPVS_MODULES + ["dummy"]
LVS = vmbed.IPVS_MODULES + vmbed.NET_MODULES

# case: (script run inside, modules loaded before it runs)
CASES = {
    "ipvs_table": ("inside_ipvs.py", IPVS),
    "ipvs_changes": ("inside_ipvs.py", IPVS),
    "ipvs_ipv6_fwmark": ("inside_ipvs.py", IPVS),
    "ipvs_errors": ("inside_ipvs.py", IPVS),
    # No ip_vs module: the kernel does not know the IPVS family.
    "ipvs_missing": ("inside_ipvs.py", ["dummy"]),
    "lvs_nat_bed": ("inside_lvs.py", LVS),
    "vipd_lvs": ("inside_lvs.py", LVS),
    "vipd_lvs_nat": ("inside_lvs.py", LVS),
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        print("usage: test_vm.py CASE (one of %s)" % ", ".join(sorted(CASES)), file=sys.stderr)
        return 2
    case = sys.argv[1]
    reason = vmbed.skip_reason()
    if reason:
        print("SKIP: no VM can run here: " + reason)
        return 77
    script, modules = CASES[case]
    env = {k: os.environ[k] for k in ("IPVS_APPLY", "VIPD", "VIPD_SHOW_LOGS",
                                                    "ASAN_OPTIONS", "UBSAN_OPTIONS") if k in os.environ}
    with vmbed.VM(modules=modules) as vm:
        try:
            # The source tree and the programs under test, wherever they are checked out.
            keep = [os.path.join(HERE, "..", "..")] + [
                os.path.dirname(os.path.abspath(env[k])) for k in ("IPVS_APPLY", "VIPD") if k in env]
            rc = vm.run(["/usr/bin/python3", os.path.join(HERE, script), case], env=env,
                        cwd=HERE, timeout=800, keep=keep)
        except vmbed.VMError as e:
            print(vm.output)
            print("FAIL: %s" % e)
            return 1
        sys.stdout.write(vm.output)
        print("vm: boot %.1f s (kernel, modules, 9p mounts), case %s ran %.1f s in all, status %d"
              % (vm.boot_seconds or -1, case, vm.total_seconds, rc))
        if rc not in (0, 77):
            print("---- VM console (tail)")
            print(vm.console[-4000:])
        return rc


if __name__ == "__main__":
    sys.exit(main())
