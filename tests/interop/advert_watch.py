#!/usr/bin/python3
"""Prints every VRRP advert seen on an interface, one JSON line each, until killed.

    advert_watch.py IFNAME

Each line: {"t": CLOCK_MONOTONIC seconds, "mac": source MAC, "src": source address,
"vrid": N, "prio": N, "ver": N, "tos": IPv4 TOS or IPv6 traffic class}. A packet socket sees the frames as they are on the wire, so
the source MAC tells a virtual-MAC sender (use_vmac, FRR) from one using its own MAC. The first
line is {"ready": true}.
"""

import ipaddress
import json
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003


def main(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    print(json.dumps({"ready": True}), flush=True)
    while True:
        frame, addr = s.recvfrom(65535)
        t = time.monotonic()
        if addr[2] == socket.PACKET_OUTGOING or len(frame) < 14:
            continue
        mac = ":".join("%02x" % b for b in frame[6:12])
        etype = struct.unpack("!H", frame[12:14])[0]
        ip = frame[14:]
        if etype == 0x0800 and len(ip) >= 20 and ip[9] == 112:
            src = str(ipaddress.IPv4Address(ip[12:16]))
            tos = ip[1]
            vrrp = ip[(ip[0] & 15) * 4:]
        elif etype == 0x86DD and len(ip) >= 40 and ip[6] == 112:
            src = str(ipaddress.IPv6Address(ip[8:24]))
            tos = (ip[0] & 15) << 4 | ip[1] >> 4
            vrrp = ip[40:]
        else:
            continue
        if len(vrrp) < 8:
            continue
        print(json.dumps({"t": round(t, 4), "mac": mac, "src": src, "ver": vrrp[0] >> 4,
                          "vrid": vrrp[1], "prio": vrrp[2], "tos": tos}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
