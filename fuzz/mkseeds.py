#!/usr/bin/python3
"""Write the harnesses' seed inputs to fuzz/seeds/NAME from the regress
cases: setkey's parser inputs, the PF_KEY messages setkey -n -h builds
from them, the raw messages in the keyd tests, the policies in them, and
ESP packets for each SA configuration of fuzz/esp_setup.c.

Usage: mkseeds.py TOP [SETKEY]
"""

import glob
import hashlib
import os
import re
import struct
import subprocess
import sys

top = sys.argv[1]
setkey = sys.argv[2] if len(sys.argv) > 2 else os.path.join(top, "setkey/setkey")
outdir = os.path.join(top, "fuzz/seeds")

# Configurations in fuzz/esp_setup.c, in that order.
NSETUPS = 10


def write(name, data):
    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    h = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, h), "wb") as f:
        f.write(data)


def setkey_messages(path):
    """Return the messages setkey -n -h prints for the script at path."""
    try:
        out = subprocess.run([setkey, "-n", "-h", "-f", path],
                             capture_output=True, text=True, timeout=10,
                             env={"PATH": "/usr/bin:/bin"}).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    msgs, cur = [], None
    for line in out.splitlines():
        m = re.match(r"^([0-9a-f]{8}): ((?:[0-9a-f]{2} )+)$", line)
        if not m:
            continue
        if int(m.group(1), 16) == 0:
            if cur:
                msgs.append(bytes(cur))
            cur = bytearray()
        cur += bytes.fromhex(m.group(2).replace(" ", ""))
    if cur:
        msgs.append(bytes(cur))
    return msgs


def shell_hex(path):
    """Return the hex messages written out in a keyd test script."""
    text = open(path).read()
    found = []
    for m in re.finditer(r'_HEX="\\\n((?:[0-9a-f ]+\n)+?)[0-9a-f ]*"', text):
        found.append(m.group(0))
    msgs = []
    for block in found:
        hexdigits = re.sub(r"[^0-9a-f]", "", block.split('"', 1)[1])
        if len(hexdigits) % 2 == 0 and len(hexdigits) >= 32:
            msgs.append(bytes.fromhex(hexdigits))
    return msgs


def header(msgtype, satype=0, seq=0, pid=4660):
    return struct.pack("<BBBBHHII", 2, msgtype, 0, satype, 2, 0, seq, pid)


def keyd_record(msg, client=0, drain=True):
    ctl = client | (0x10 if drain else 0)
    return bytes([ctl]) + struct.pack("<H", len(msg)) + msg


# The scanner and grammar: every parser input of the setkey tests.
scripts = sorted(glob.glob(os.path.join(top, "regress/setkey/parse/*.in")) +
                 glob.glob(os.path.join(top, "regress/setkey/live/*.in")))
allmsgs = []
for path in scripts:
    data = open(path, "rb").read()
    write("setkey_scan", data)
    write("setkey_parse", data)
    msgs = setkey_messages(path)
    allmsgs += msgs
    for m in msgs:
        write("libkey_msg", m)
    if msgs:
        # A session: the script's requests, then dumps and a clock step.
        seed = b"".join(keyd_record(m, i % 3) for i, m in enumerate(msgs))
        seed += keyd_record(header(10))        # SADB_DUMP
        seed += keyd_record(header(18))        # SADB_X_SPDDUMP
        seed += bytes([0x03 | 0x20])           # 11 seconds later
        seed += keyd_record(header(10), 1)
        write("keyd", seed)
    # Policies given with -P, as ipsec_set_policy(3) text.
    for m in re.finditer(rb"-P\s+([^;]*);", data):
        write("policy", m.group(1).strip())

for path in glob.glob(os.path.join(top, "regress/keyd/*.sh")):
    for m in shell_hex(path):
        write("libkey_msg", m)
        write("keyd", keyd_record(m) + keyd_record(header(10)))
        allmsgs.append(m)

# A keyd session with every message at once and a client that reconnects
# in the middle of its dump.
if allmsgs:
    seed = b"".join(keyd_record(m, 0, False) for m in allmsgs[:40])
    seed += keyd_record(header(10), 1, False) + bytes([0x03 | 0x04 | 0x20])
    write("keyd", seed)

for text in [b"in discard", b"out none", b"in bypass", b"out entrust",
             b"out ipsec esp/transport//require",
             b"in ipsec esp/tunnel/192.168.0.3-192.168.0.5/unique:100",
             b"out ipsec ah/transport//use esp/tunnel/10.0.0.1-10.0.0.2/require",
             b"out ipsec esp/tunnel/2001:db8::1-2001:db8::2/unique#16385",
             b"in ipsec ipcomp/transport//default esp/transport//unique"]:
    write("policy", text)

# ESP: a round trip, a packet with a correct ICV and a raw packet for each
# SA configuration.  Inner packet: an IPv4 ICMP echo request.
inner = bytes.fromhex("450000540000400040010000c0a80001c0a80002"
                      "0800f7ff0000000000000000")
for i in range(NSETUPS):
    write("esp", bytes([i, 2, 0, 0, 0, 1, 4]) + inner)
    write("esp", bytes([i, 1, 0, 0, 0, 0]) + struct.pack(">II", 0x1000 + i, 1)
          + bytes(16) + inner + bytes(range(1, 13)) + bytes([10, 4])
          + bytes(32))
    for v6 in (0, 1):
        rec = bytes([0x02 | v6, i]) + struct.pack(">I", 1) + bytes([4])
        rec += struct.pack("<H", len(inner)) + inner
        rec2 = bytes([0x02 | v6, i]) + struct.pack(">I", 2) + bytes([4])
        rec2 += struct.pack("<H", len(inner)) + inner
        write("dataplane", rec + rec + rec2)
for path in glob.glob(os.path.join(top, "regress/esp/vectors/*.txt")):
    for m in re.finditer(r"^expected_esp: ([0-9a-f]+)$", open(path).read(),
                         re.M):
        esp = bytes.fromhex(m.group(1))
        write("esp", bytes([0, 0, 0, 0, 0, 0]) + esp)
        ip = bytes.fromhex("4500") + struct.pack(">H", 20 + len(esp)) + \
            bytes.fromhex("0000000040320000") + bytes([10, 0, 0, 2, 10, 0, 0, 1])
        write("dataplane", bytes([0]) + struct.pack("<H", len(ip) + len(esp))
              + ip + esp)
