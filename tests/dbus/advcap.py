#!/usr/bin/python3
"""advcap IFACE SECONDS: prints every VRRP advert (IPv4, protocol 112) seen on IFACE as
`advert <CLOCK_MONOTONIC seconds> <source> <vrid> <priority>`, one line each, for SECONDS."""
import select
import socket
import sys
import time

ETH_P_IP = 0x0800


def main():
    ifname, seconds = sys.argv[1], float(sys.argv[2])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
    s.bind((ifname, ETH_P_IP))
    print("ready", flush=True)
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        frame = s.recv(2048)
        now = time.monotonic()
        ip = frame[14:]
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 112:
            continue
        ihl = (ip[0] & 15) * 4
        vrrp = ip[ihl:]
        src = socket.inet_ntoa(ip[12:16])
        print("advert %.6f %s %d %d" % (now, src, vrrp[1], vrrp[2]), flush=True)


if __name__ == "__main__":
    main()
