"""ipvsadm's listings parsed, so tests compare the kernel's table as a whole.

Service keys read like ipvsadm prints them: "TCP 192.0.2.100:80", "TCP [2001:db8::1]:80",
"FWM 7", "FWM 7 IPv6"; destinations "198.51.100.11:8080" or "[2001:db8:1::11]:80".
``prefix`` runs ipvsadm through a wrapper, e.g. ``ip netns exec NS``: each network namespace
has an IPVS table of its own.
"""

import subprocess

IPVSADM = "ipvsadm"


def _listing(prefix, *flags):
    p = subprocess.run(list(prefix) + [IPVSADM, "-Ln"] + list(flags), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=30)
    if p.returncode != 0:
        raise AssertionError("ipvsadm -Ln %s failed: %s" % (" ".join(flags), p.stderr))
    rows = []
    for line in p.stdout.splitlines():
        if line.startswith("IP Virtual Server") or line.startswith("Prot ") \
                or line.strip().startswith("-> RemoteAddress"):
            continue
        if line.strip():
            rows.append(line)
    return rows


def _service_key(words):
    """(key, rest of the words) from a service line's words."""
    if words[0] == "FWM":
        if len(words) > 2 and words[2] == "IPv6":
            return "FWM %s IPv6" % words[1], words[3:]
        return "FWM %s" % words[1], words[2:]
    return "%s %s" % (words[0], words[1]), words[2:]


def _number(word):
    scale = {"K": 1000, "M": 1000 ** 2, "G": 1000 ** 3, "T": 1000 ** 4}
    if word[-1] in scale:
        return int(word[:-1]) * scale[word[-1]]
    return int(word)


def table(prefix=()):
    """{service: (scheduler, flags, {dest: (forward, weight)})} from ``ipvsadm -Ln``."""
    out, cur = {}, None
    for line in _listing(prefix):
        words = line.split()
        if words[0] == "->":
            out[cur][2][words[1]] = (words[2], int(words[3]))
        else:
            cur, rest = _service_key(words)
            out[cur] = (rest[0], " ".join(rest[1:]), {})
    return out


def stats(prefix=()):
    """{service: (conns, inpkts, outpkts, inbytes, outbytes, {dest: (the same five)})}."""
    out, cur = {}, None
    for line in _listing(prefix, "--stats"):
        words = line.split()
        if words[0] == "->":
            out[cur][5][words[1]] = tuple(_number(w) for w in words[2:7])
        else:
            cur, rest = _service_key(words)
            out[cur] = tuple(_number(w) for w in rest[:5]) + ({},)
    return out


def thresholds(prefix=()):
    """{service: {dest: (upper, lower)}} from ``ipvsadm -Ln --thresholds``."""
    out, cur = {}, None
    for line in _listing(prefix, "--thresholds"):
        words = line.split()
        if words[0] == "->":
            out[cur][words[1]] = (int(words[2]), int(words[3]))
        else:
            cur, _ = _service_key(words)
            out[cur] = {}
    return out
