#!/usr/bin/python3
"""Wireshark's VRRP dissector agrees with what vipd sends.

One vipd (node1, alone, so every instance is master) runs four instances, one per kind of
advert: VRRPv2 over IPv4, VRRPv3 over IPv4 with the pseudo-header checksum (the default),
VRRPv3 over IPv4 with the message-only checksum (v3_checksum_as_v2) and VRRPv3 over IPv6.
The client captures them with tshark, which then decodes the capture with its
vrrp.v3_checksum_as_in_v2 preference off and on. Every advert must decode without a malformed
mark or an expert note, with a good checksum under the preference matching its form (and a
bad one under the other: proof that tshark really checks), and with the fields vipd was
configured with. The IP layer is checked too: TTL / hop limit 255, source the node's primary
IPv4 address or its IPv6 link-local address.

Conformance: RFC3768-5.2.3-TTL-TX, RFC5798-5.1.1.3-TTL-TX, RFC5798-5.1.2.3-HOPLIMIT-TX,
RFC3768-5.2.1-SRC, RFC5798-5.1.1.1-SRC-V4, RFC5798-5.1.2.1-SRC-V6, RFC5798-5.2.7-CENTISEC,
RFC5798-5.2.8-CSUM-V4-FORMS, RFC9568-5.2.8-CSUM-V4-MSG, RFC5798-5.2.8-CSUM-V6.
Exits 77 when the bed cannot be built here or tshark is missing.
"""

import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "netns"))

import testbed  # noqa: E402

VIPD = os.environ.get("VIPD") or os.path.join(HERE, "..", "..", "build", "service", "vipd")
TSHARK = shutil.which("tshark") or "/usr/bin/tshark"

# name: (vrid, version, family, advert_int s, priority, addresses, checksum form)
KINDS = {
    "V2": (10, 2, 4, "1", 150, ["192.0.2.110", "192.0.2.111"], "message-only"),
    "V3_PSEUDO": (11, 3, 4, "0.1", 160, ["192.0.2.120"], "pseudo-header"),
    "V3_PLAIN": (12, 3, 4, "0.25", 170, ["192.0.2.130", "192.0.2.131", "192.0.2.132"],
                 "message-only"),
    "V3_V6": (13, 3, 6, "0.1", 180, ["fe80::13", "2001:db8::130"], "pseudo-header"),
}

FIELDS = ["frame.number", "ip.ttl", "ip.src", "ip.dst", "ipv6.hlim", "ipv6.src", "ipv6.dst",
          "vrrp.version", "vrrp.type", "vrrp.virt_rtr_id", "vrrp.prio", "vrrp.addr_count",
          "vrrp.adver_int", "vrrp.short_adver_int", "vrrp.ip_addr", "vrrp.ipv6_addr",
          "vrrp.checksum.status", "_ws.malformed", "_ws.expert.message"]


def conf():
    out = ["global_defs {", "    router_id tshark", "}"]
    for name, (vrid, version, family, interval, prio, addrs, form) in KINDS.items():
        out += ["vrrp_instance %s {" % name, "    state MASTER", "    interface eth0",
                "    virtual_router_id %d" % vrid, "    priority %d" % prio,
                "    advert_int %s" % interval, "    version %d" % version]
        if form == "message-only" and version == 3:
            out.append("    v3_checksum_as_v2")
        out.append("    virtual_ipaddress {")
        out += ["        %s/%d" % (a, 24 if family == 4 else 64) for a in addrs]
        out += ["    }", "}"]
    return "\n".join(out) + "\n"


def decode(bed, pcap, as_v2):
    argv = [TSHARK, "-n", "-r", pcap, "-o", "vrrp.v3_checksum_as_in_v2:%s" % (
        "TRUE" if as_v2 else "FALSE"), "-Y", "vrrp", "-T", "fields", "-E", "separator=/t",
        "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in FIELDS:
        argv += ["-e", f]
    r = bed.run("client", argv)
    rows = []
    for line in r.stdout.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(FIELDS) - len(cols))
        rows.append(dict(zip(FIELDS, cols)))
    return rows


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def run(bed):
    path = os.path.join(bed.tmpdir, "vipd.conf")
    with open(path, "w") as f:
        f.write(conf())
    pcap = os.path.join(bed.tmpdir, "adverts.pcapng")
    # The node's own link-local address, read before vipd adds fe80::13 as a VIP.
    ll = bed.link_local("node1")
    check(ll is not None and ll != "fe80::13", "node1 has no link-local address of its own")
    vipd = bed.start("node1", [VIPD, "-l", "-f", path, "--state-dir",
                               os.path.join(bed.tmpdir, "state")], bed.log("vipd-node1"))
    bed.wait_for(lambda: sum("-> master" in l for l in vipd.lines()) >= len(KINDS), 10,
                 "every instance of node1 master")
    # 3.5 s: at least three v2 adverts (1 s) and dozens of each v3 kind.
    bed.run("client", [TSHARK, "-n", "-q", "-i", "eth0", "-a", "duration:3.5",
                       "-f", "ip proto 112 or ip6 proto 112", "-w", pcap], timeout=60)
    by_vrid = {v[0]: (name, v) for name, v in KINDS.items()}
    rows = {False: decode(bed, pcap, False), True: decode(bed, pcap, True)}
    check(len(rows[False]) == len(rows[True]) and rows[False], "no adverts captured")
    seen = {name: 0 for name in KINDS}
    for plain_pref in (False, True):
        for row in rows[plain_pref]:
            vrid = int(row["vrrp.virt_rtr_id"])
            check(vrid in by_vrid, "advert for an unknown VRID: %r" % row)
            name, (_, version, family, interval, prio, addrs, form) = by_vrid[vrid]
            where = "%s frame %s (v3_checksum_as_in_v2 %s)" % (name, row["frame.number"],
                                                                 plain_pref)
            check(row["_ws.malformed"] == "", "%s: malformed: %r" % (where, row))
            check(int(row["vrrp.version"]) == version, "%s: version %r" % (where, row))
            check(int(row["vrrp.type"]) == 1, "%s: type %r" % (where, row))
            check(int(row["vrrp.prio"]) == prio, "%s: priority %r" % (where, row))
            check(int(row["vrrp.addr_count"]) == len(addrs), "%s: count %r" % (where, row))
            if version == 2:
                check(int(row["vrrp.adver_int"]) == int(interval), "%s: interval" % where)
            else:
                # v3 carries centiseconds: 0.1 s is 10, 0.25 s is 25.
                check(int(row["vrrp.short_adver_int"]) == round(float(interval) * 100),
                      "%s: interval %r" % (where, row["vrrp.short_adver_int"]))
            got_addrs = (row["vrrp.ip_addr"] if family == 4 else row["vrrp.ipv6_addr"]).split(",")
            check(got_addrs == addrs, "%s: addresses %r, want %r" % (where, got_addrs, addrs))
            if family == 4:
                check(row["ip.ttl"] == "255", "%s: TTL %r" % (where, row["ip.ttl"]))
                check(row["ip.src"] == "192.0.2.11", "%s: source %r" % (where, row["ip.src"]))
                check(row["ip.dst"] == "224.0.0.18", "%s: destination %r" % (where, row["ip.dst"]))
            else:
                check(row["ipv6.hlim"] == "255", "%s: hop limit %r" % (where, row["ipv6.hlim"]))
                check(row["ipv6.src"] == ll, "%s: source %r, link-local %s" % (
                    where, row["ipv6.src"], ll))
                check(row["ipv6.dst"] == "ff02::12", "%s: destination %r" % (where, row))
            # The preference only changes VRRPv3 over IPv4.
            matching = version == 2 or family == 6 or (form == "message-only") == plain_pref
            if matching:
                check(row["vrrp.checksum.status"] == "1",
                      "%s: checksum status %r, want good" % (where, row["vrrp.checksum.status"]))
                check(row["_ws.expert.message"] == "", "%s: expert note %r" % (
                    where, row["_ws.expert.message"]))
                seen[name] += 1
            else:
                check(row["vrrp.checksum.status"] == "0",
                      "%s: tshark did not flag the other form as bad: %r" % (where, row))
    print("adverts decoded clean: " + ", ".join("%s %d" % kv for kv in seen.items()))
    for name, n in seen.items():
        check(n >= 3, "%s: only %d clean adverts" % (name, n))


def main():
    reason = testbed.skip_reason()
    if reason is None and not os.access(TSHARK, os.X_OK):
        reason = "no tshark (Debian package tshark)"
    if reason:
        print("SKIP: " + reason)
        return 77
    with testbed.Bed(nodes=1) as bed:
        try:
            run(bed)
        except BaseException:
            bed.dump_logs()
            raise
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
