#!/usr/bin/python3
"""Prints every frame an interface sends or receives, one JSON line each, until killed.

    mac_watch.py IFNAME

Each line: {"t": CLOCK_MONOTONIC seconds, "out": true for a frame sent by this host, "src":
source MAC, "dst": destination MAC, "type": ethertype, "proto": the IPv4 protocol or IPv6 next
header (112 is VRRP), or null}. The first line is {"ready": true}.
"""

import json
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003


def mac(b):
    return ":".join("%02x" % x for x in b)


def main(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    print(json.dumps({"ready": True}), flush=True)
    while True:
        frame, addr = s.recvfrom(65535)
        if len(frame) < 14:
            continue
        etype = struct.unpack("!H", frame[12:14])[0]
        proto = None
        if etype == 0x0800 and len(frame) >= 34:
            proto = frame[23]
        elif etype == 0x86DD and len(frame) >= 54:
            proto = frame[20]
        print(json.dumps({"t": time.monotonic(), "out": addr[2] == socket.PACKET_OUTGOING,
                          "src": mac(frame[6:12]), "dst": mac(frame[0:6]),
                          "type": "%04x" % etype, "proto": proto}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
