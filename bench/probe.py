#!/usr/bin/python3
"""Event probes for bench/failover.py, run inside one network namespace of the bed.

Every line printed is ``<CLOCK_REALTIME seconds> <event ...>`` and flushed at once, so probes
in different namespaces share one time base.

  probe.py addr VIP        netlink address events: "T present|absent" on every change of
                           whether VIP is on any interface (first line: the initial state).
  probe.py sniff IFNAME    every VRRP packet seen on IFNAME (AF_PACKET, kernel receive
                           timestamp): "T vrrp SRC PRIORITY".
  probe.py ping DST        ICMP echo to DST every 10 ms until SIGTERM/SIGINT; then
                           "T pinggap MS SENT RECEIVED": the longest time between two replies.
"""

import ipaddress
import os
import select
import signal
import socket
import struct
import sys
import time

NETLINK_ROUTE = 0
RTMGRP_IPV4_IFADDR = 0x10
RTMGRP_IPV6_IFADDR = 0x100
RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR = 20, 21, 22
NLMSG_DONE, NLMSG_ERROR = 3, 2
NLM_F_REQUEST, NLM_F_DUMP = 1, 0x300
IFA_ADDRESS, IFA_LOCAL = 1, 2
SO_TIMESTAMPNS = 35


def out(*words):
    sys.stdout.write("%.6f %s\n" % (time.time(), " ".join(str(w) for w in words)))
    sys.stdout.flush()


def addr_events(vip):
    want = ipaddress.ip_address(vip)
    fam = socket.AF_INET if want.version == 4 else socket.AF_INET6
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((0, RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR))
    # Dump first; events that race with the dump only repeat a state we already know.
    req = struct.pack("=LHHLL", 24, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 1, 0)
    req += struct.pack("=BBBBI", fam, 0, 0, 0, 0)
    s.send(req)
    present = {}  # ifindex -> bool
    state = None
    dumping = True
    while True:
        data = s.recv(1 << 16)
        off = 0
        while off + 16 <= len(data):
            length, mtype, _flags, seq, _pid = struct.unpack_from("=LHHLL", data, off)
            if length < 16:
                break
            body = data[off + 16: off + length]
            off += (length + 3) & ~3
            if mtype == NLMSG_ERROR and seq == 1:
                sys.exit("address dump refused: %r" % body[:4])
            if mtype == NLMSG_DONE and seq == 1:
                dumping = False
                state = any(present.values())
                out("present" if state else "absent")
                continue
            if mtype not in (RTM_NEWADDR, RTM_DELADDR) or len(body) < 8:
                continue
            family, _plen, _fl, _scope, ifindex = struct.unpack_from("=BBBBI", body)
            if family != fam:
                continue
            a, local = None, None
            p = 8
            while p + 4 <= len(body):
                alen, atype = struct.unpack_from("=HH", body, p)
                if alen < 4:
                    break
                val = body[p + 4: p + alen]
                if atype == IFA_LOCAL:
                    local = val
                elif atype == IFA_ADDRESS:
                    a = val
                p += (alen + 3) & ~3
            raw = local or a
            if raw is None or ipaddress.ip_address(raw) != want:
                continue
            present[ifindex] = mtype == RTM_NEWADDR
            if dumping:
                continue
            now = any(present.values())
            if now != state:
                state = now
                out("present" if now else "absent")


def sniff(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    s.bind((ifname, 0))
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    out("ready")
    while True:
        frame, anc, _flags, _addr = s.recvmsg(2048, 64)
        ip = frame[14:] if len(frame) > 14 and frame[12:14] == b"\x08\x00" else frame
        if len(ip) < 20 or ip[9] != 112:
            continue
        ihl = (ip[0] & 0x0F) * 4
        vr = ip[ihl:]
        if len(vr) < 8:
            continue
        ts = None
        for level, typ, val in anc:
            if level == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("=qq", val[:16])
                ts = sec + nsec / 1e9
        if ts is None:
            ts = time.time()
        sys.stdout.write("%.6f vrrp %s %d\n" % (ts, socket.inet_ntoa(ip[12:16]), vr[2]))
        sys.stdout.flush()


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ping(dst):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.setblocking(False)
    ident = os.getpid() & 0xFFFF
    seq, sent, got = 0, 0, 0
    last_reply, gap = None, 0.0
    next_send = time.monotonic()
    out("ready")
    while not stop:
        now = time.monotonic()
        if now >= next_send:
            seq = (seq + 1) & 0xFFFF
            hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
            payload = b"vipd-bench" * 4
            pkt = struct.pack("!BBHHH", 8, 0, checksum(hdr + payload), ident, seq) + payload
            try:
                s.sendto(pkt, (dst, 0))
                sent += 1
            except OSError:
                pass
            next_send += 0.010
            if next_send < now:
                next_send = now + 0.010
        try:
            r, _, _ = select.select([s], [], [], max(0.0, next_send - time.monotonic()))
        except InterruptedError:
            continue
        if not r:
            continue
        while True:
            try:
                data = s.recv(2048)
            except (BlockingIOError, InterruptedError):
                break
            ihl = (data[0] & 0x0F) * 4
            icmp = data[ihl:]
            if len(icmp) >= 8 and icmp[0] == 0 and struct.unpack("!H", icmp[4:6])[0] == ident:
                t = time.monotonic()
                got += 1
                if last_reply is not None:
                    gap = max(gap, t - last_reply)
                last_reply = t
    out("pinggap", "%.1f" % (gap * 1000), sent, got)


def main():
    mode = sys.argv[1]
    try:
        if mode == "addr":
            addr_events(sys.argv[2])
        elif mode == "sniff":
            sniff(sys.argv[2])
        elif mode == "ping":
            ping(sys.argv[2])
        else:
            sys.exit("unknown mode %r" % mode)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
