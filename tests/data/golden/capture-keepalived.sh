#!/bin/bash
# Captures one VRRP advertisement per scenario from the installed keepalived and writes it
# as hex to tests/data/golden/*.hex, so the codec is tested against a real peer's bytes.
#
# Needs root (network namespaces). Everything lives in two namespaces created here with a
# per-run prefix; the root namespace's links, addresses and routes are never touched. Only
# the keepalived processes started here are killed. Usage: capture-keepalived.sh [outdir]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
py=/usr/bin/python3
kad=/usr/sbin/keepalived
pfx="vgw$$"
nsa="$pfx-a"
nsb="$pfx-b"
work=$(mktemp -d "/tmp/$pfx.XXXXXX")
ka_pid=""

cleanup() {
  set +e
  if [ -n "$ka_pid" ] && kill -0 "$ka_pid" 2>/dev/null; then
    kill "$ka_pid"
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$ka_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$ka_pid" 2>/dev/null
  fi
  ip netns del "$nsa" 2>/dev/null
  ip netns del "$nsb" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

ip netns add "$nsa"
ip netns add "$nsb"
# Creating the pair inside nsa keeps even the transient link out of the root namespace.
ip -n "$nsa" link add veth-a type veth peer name veth-b netns "$nsb"
for ns in "$nsa" "$nsb"; do
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  ip -n "$ns" link set lo up
done
ip -n "$nsa" link set veth-a address 02:00:5e:00:02:0a
ip -n "$nsb" link set veth-b address 02:00:5e:00:02:0b
ip -n "$nsa" addr add 192.0.2.10/24 dev veth-a
ip -n "$nsb" addr add 192.0.2.11/24 dev veth-b
ip -n "$nsa" addr add fe80::a/64 dev veth-a nodad
ip -n "$nsa" addr add 2001:db8::a/64 dev veth-a nodad
ip -n "$nsb" addr add fe80::b/64 dev veth-b nodad
ip -n "$nsa" link set veth-a addrgenmode none 2>/dev/null || true
ip -n "$nsa" link set veth-a up
ip -n "$nsb" link set veth-b up

# capture NAME FAMILY DESCRIPTION CONFIG-BODY
capture() {
  local name=$1 family=$2 desc=$3 body=$4
  local conf="$work/$name.conf"
  printf '%s\n' "global_defs {" "  router_id vipd_golden" "}" "$body" >"$conf"
  ip netns exec "$nsa" "$kad" -n -l -D -P -f "$conf" -p "$work/$name.pid" \
    -r "$work/$name.vrrp.pid" >"$work/$name.log" 2>&1 &
  ka_pid=$!
  local hex
  if ! hex=$(ip netns exec "$nsb" "$py" - "$family" <<'PYEOF'
import select, socket, sys, time
family = sys.argv[1]
ethertype = 0x0800 if family == "ipv4" else 0x86DD
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ethertype))
s.bind(("veth-b", 0))
deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    r, _, _ = select.select([s], [], [], 0.5)
    if not r:
        continue
    frame = s.recv(65535)
    ip = frame[14:]
    if family == "ipv4":
        if len(ip) < 20 or ip[9] != 112:
            continue
        ip = ip[: int.from_bytes(ip[2:4], "big")]  # drop Ethernet padding
    else:
        if len(ip) < 40 or ip[6] != 112:
            continue
        ip = ip[: 40 + int.from_bytes(ip[4:6], "big")]
    print(ip.hex())
    sys.exit(0)
sys.exit(1)
PYEOF
  ); then
    echo "no $name advert captured; keepalived said:" >&2
    cat "$work/$name.log" >&2
    exit 1
  fi
  kill "$ka_pid"
  wait "$ka_pid" 2>/dev/null || true
  ka_pid=""
  {
    echo "# $desc"
    echo "# Captured from $("$kad" -v 2>&1 | head -1) on $(date -u +%Y-%m-%d) by"
    echo "# tests/data/golden/capture-keepalived.sh: keepalived -n -l -D -P in one network"
    echo "# namespace, a raw AF_PACKET socket on the veth peer in another. The bytes are the"
    echo "# whole IP packet (Ethernet header and padding removed). keepalived.conf used:"
    sed 's/^/#   /; s/ *$//' "$conf"
    echo "$hex" | fold -w 64
  } >"$out/$name.hex"
  echo "wrote $out/$name.hex"
}

capture keepalived-v2-ipv4-pass ipv4 \
  "VRRPv2 over IPv4, auth PASS 1111, advert_int 1, VRID 51, priority 100, VIP 192.0.2.150" '
vrrp_instance VI_1 {
  state MASTER
  interface veth-a
  virtual_router_id 51
  priority 100
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass 1111
  }
  virtual_ipaddress {
    192.0.2.150/24
  }
}'

capture keepalived-v3-ipv4 ipv4 \
  "VRRPv3 over IPv4, advert_int 0.1, VRID 52, priority 150, VIPs 192.0.2.150 and 192.0.2.151" '
vrrp_instance VI_2 {
  version 3
  state MASTER
  interface veth-a
  virtual_router_id 52
  priority 150
  advert_int 0.1
  virtual_ipaddress {
    192.0.2.150/24
    192.0.2.151/24
  }
}'

capture keepalived-v3-ipv6 ipv6 \
  "VRRPv3 over IPv6, advert_int 0.1, VRID 53, priority 200, VIP 2001:db8::150" '
vrrp_instance VI_3 {
  version 3
  state MASTER
  interface veth-a
  virtual_router_id 53
  priority 200
  advert_int 0.1
  virtual_ipaddress {
    2001:db8::150/64
  }
}'
